/*
 * identifiers: column names that come from user input (filters, order_by, search, update_fields,
 * update_where, match fields) are accepted only when they are the model's columns. Anything else
 * is ATH_EINVAL naming the column, and no statement runs: the table and its rows are unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "sec.h"

static const char *const hostile_names[] = {
    "title; DROP TABLE sec_note",
    "title; DROP TABLE sec_note; --",
    "\"title\"",
    "`title`",
    "[title]",
    "title--",
    "title /* x */",
    "title)",
    "(title)",
    "title = title OR 1",
    "1 = 1",
    "1",
    "*",
    "sec_note.title",
    "\"sec_note\".\"title\"",
    "TITLE",
    "Title",
    "title\n",
    "\ttitle",
    "ti\"tle",
    "ti'tle",
    "title\xc2\xa0",
    "tit\xe2\x80\x8ble",
    "unknown",
    "",
    "id; DELETE FROM sec_note",
    "COUNT(*)",
    "pg_sleep(5)",
    "title, body",
    "?",
    "$1",
};
#define NNAMES (sizeof hostile_names / sizeof hostile_names[0])

/* Names the search filter legitimately takes apart ("a,b" and surrounding spaces): skipped there.
 */
static bool search_accepts(const char *name)
{
    return strcmp(name, "title, body") == 0;
}

/* The call was refused: EINVAL naming the column, no statement, the session still usable. */
#define ASSERT_NAME_REFUSED(call, s, name)                                                         \
    do {                                                                                           \
        long before_ = sec_statements();                                                           \
        int rc_ = (call);                                                                          \
        CHECKF(rc_ == ATH_EINVAL, "%s with column \"%s\" returned %s: %s", #call, (name),          \
               ath_code_name(rc_), ath_error_last()->message);                                     \
        if (*(name) && !strchr((name), ','))                                                       \
            ASSERT_ERR_HAS(name);                                                                  \
        CHECKF(sec_statements() == before_, "%ld statement(s) ran for %s with column \"%s\"",      \
               sec_statements() - before_, #call, (name));                                         \
        CU_ASSERT(!ath_session_failed(s));                                                         \
    } while (0)

static int64_t seed(ath_repo *repo, ath_session *s)
{
    Note a = {0, "alpha", "one", {NULL, 0}}, b = {0, "beta", "two", {NULL, 0}};
    ASSERT_RC(ath_repo_add(repo, &a), ATH_OK);
    ASSERT_RC(ath_repo_add(repo, &b), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    return a.id;
}

/* The table is there with both rows as seeded. */
static void assert_unchanged(ath_session *s)
{
    CU_ASSERT_EQUAL(sql_count(s, "sec_note"), 2);
    CU_ASSERT_EQUAL(sql_i64(s,
                            "SELECT COUNT(*) FROM sec_note WHERE (title = 'alpha' AND body = "
                            "'one') OR (title = 'beta' AND body = 'two')",
                            NULL, 0),
                    2);
}

static void test_hostile_names_in_where_are_refused(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    seed(repo, s);
    for (size_t i = 0; i < NNAMES; i++) {
        const char *name = hostile_names[i];
        ath_list *l = NULL;
        int64_t n = 0;
        bool found = false;
        ath_value vals[] = {ath_v_text("x")};
        ASSERT_NAME_REFUSED(
            ath_repo_list(repo, &l, ATH_FILTERS(ath_where(name, ATH_EQ, ath_v_text("x")))), s,
            name);
        ath_list_free(l);
        ASSERT_NAME_REFUSED(
            ath_repo_count(repo, &n, ATH_FILTERS(ath_where(name, ATH_IS_NULL, ath_v_null()))), s,
            name);
        ASSERT_NAME_REFUSED(
            ath_repo_exists(repo, &found, ATH_FILTERS(ath_collection(name, vals, 1))), s, name);
        ASSERT_NAME_REFUSED(
            ath_repo_count(repo, &n,
                           ATH_FILTERS(ath_before_after(name, ath_v_text("z"), ath_v_text("a")))),
            s, name);
        ASSERT_NAME_REFUSED(
            ath_repo_delete_where(repo, &n, ATH_FILTERS(ath_where(name, ATH_NE, ath_v_text("x")))),
            s, name);
        /* inside any/all groups too */
        ath_filter children[] = {ath_where("title", ATH_EQ, ath_v_text("alpha")),
                                 ath_where(name, ATH_EQ, ath_v_text("x"))};
        ASSERT_NAME_REFUSED(ath_repo_count(repo, &n, ATH_FILTERS(ath_any(children, 2))), s, name);
    }
    assert_unchanged(s);
    sec_end();
}

static void test_hostile_names_in_order_by_are_refused(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    seed(repo, s);
    for (size_t i = 0; i < NNAMES; i++) {
        ath_list *l = NULL;
        int64_t total = 0;
        ASSERT_NAME_REFUSED(
            ath_repo_list(repo, &l, ATH_FILTERS(ath_order_by(hostile_names[i], true))), s,
            hostile_names[i]);
        ath_list_free(l);
        l = NULL;
        ASSERT_NAME_REFUSED(
            ath_repo_list_and_count(
                repo, &l, &total,
                ATH_FILTERS(ath_order_by(hostile_names[i], false), ath_limit_offset(1, 0))),
            s, hostile_names[i]);
        ath_list_free(l);
    }
    assert_unchanged(s);
    sec_end();
}

static void test_hostile_names_in_search_are_refused(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    seed(repo, s);
    for (size_t i = 0; i < NNAMES; i++) {
        const char *name = hostile_names[i];
        if (search_accepts(name))
            continue;
        int64_t n = 0;
        ASSERT_NAME_REFUSED(ath_repo_count(repo, &n, ATH_FILTERS(ath_search(name, "a", false))), s,
                            name);
        if (!*name)
            continue; /* "body," is "body": an empty entry in the list is skipped */
        char list[256];
        snprintf(list, sizeof list, "body,%s", name); /* a good column first */
        ASSERT_NAME_REFUSED(ath_repo_count(repo, &n, ATH_FILTERS(ath_not_search(list, "a", true))),
                            s, name);
    }
    assert_unchanged(s);
    sec_end();
}

static void test_a_long_search_column_list_entry_is_not_cut_into_a_column(void)
{
    /* "title" padded past the search filter's name buffer, then SQL: must not be read as "title" */
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    seed(repo, s);
    char name[400];
    snprintf(name, sizeof name, "title%*s; DROP TABLE sec_note", 200, "");
    int64_t n = -1;
    long before = sec_statements();
    int rc = ath_repo_count(repo, &n, ATH_FILTERS(ath_search(name, "a", false)));
    CHECKF(rc == ATH_EINVAL,
           "search on \"title<200 spaces>; DROP TABLE sec_note\" returned %s "
           "(count %lld): the name was cut to a real column",
           ath_code_name(rc), (long long)n);
    CU_ASSERT(rc != ATH_EINVAL || sec_statements() == before);
    assert_unchanged(s);
    sec_end();
}

static void test_hostile_names_in_update_fields_are_refused(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    int64_t id = seed(repo, s);
    for (size_t i = 0; i < NNAMES; i++) {
        Note n = {id, "changed", "changed", {NULL, 0}};
        const char *fields[] = {"body", hostile_names[i]};
        ASSERT_NAME_REFUSED(ath_repo_update_fields(repo, &n, fields, 2), s, hostile_names[i]);
        ath_value vals[] = {ath_v_text("changed"), ath_v_text("changed")};
        int64_t updated = -1;
        ASSERT_NAME_REFUSED(ath_repo_update_where(repo, &updated, fields, vals, 2, ATH_NO_FILTERS),
                            s, hostile_names[i]);
        bool did = false;
        ASSERT_NAME_REFUSED(ath_repo_get_and_update(repo, &n, ATH_NAMES("id"), fields, 2, &did), s,
                            hostile_names[i]);
    }
    assert_unchanged(s);
    sec_end();
}

static void test_hostile_names_as_match_fields_are_refused(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    int64_t id = seed(repo, s);
    for (size_t i = 0; i < NNAMES; i++) {
        Note n = {id, "changed", "changed", {NULL, 0}};
        const char *match[] = {hostile_names[i]};
        ASSERT_NAME_REFUSED(ath_repo_upsert(repo, &n, match, 1), s, hostile_names[i]);
        ASSERT_NAME_REFUSED(ath_repo_upsert_many(repo, &n, 1, match, 1), s, hostile_names[i]);
        bool created = false, updated = false;
        Note before = n;
        int rc = ath_repo_get_or_upsert(repo, &n, match, 1, true, &created);
        CHECKF(rc == ATH_EINVAL, "get_or_upsert with match field \"%s\" returned %s",
               hostile_names[i], ath_code_name(rc));
        n = before;
        ASSERT_NAME_REFUSED(ath_repo_get_and_update(repo, &n, match, 1, NULL, 0, &updated), s,
                            hostile_names[i]);
        n = before;
    }
    assert_unchanged(s);
    sec_end();
}

static void test_a_null_column_name_is_refused(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    seed(repo, s);
    int64_t n = 0;
    long before = sec_statements();
    ASSERT_RC(ath_repo_count(repo, &n, ATH_FILTERS(ath_where(NULL, ATH_EQ, ath_v_i32(1)))),
              ATH_EINVAL);
    ath_list *l = NULL;
    ASSERT_RC(ath_repo_list(repo, &l, ATH_FILTERS(ath_order_by(NULL, false))), ATH_EINVAL);
    ath_list_free(l);
    ASSERT_RC(ath_repo_count(repo, &n, ATH_FILTERS(ath_search(NULL, "a", false))), ATH_EINVAL);
    Note obj = {1, "x", "y", {NULL, 0}};
    const char *fields[] = {NULL};
    ASSERT_RC(ath_repo_update_fields(repo, &obj, fields, 1), ATH_EINVAL);
    CU_ASSERT_EQUAL(sec_statements(), before);
    assert_unchanged(s);
    sec_end();
}

const test_case identifier_tests[] = {
    {"hostile names in where/collection/before_after/any are refused",
     test_hostile_names_in_where_are_refused},
    {"hostile names in order_by are refused", test_hostile_names_in_order_by_are_refused},
    {"hostile names in search are refused", test_hostile_names_in_search_are_refused},
    {"a long search column entry is not cut into a column",
     test_a_long_search_column_list_entry_is_not_cut_into_a_column},
    {"hostile names in update_fields/update_where are refused",
     test_hostile_names_in_update_fields_are_refused},
    {"hostile names as match fields are refused", test_hostile_names_as_match_fields_are_refused},
    {"a NULL column name is refused", test_a_null_column_name_is_refused},
    {NULL, NULL},
};

TEST_SUITE(identifier) { sec_add_group("identifiers", identifier_tests); }
