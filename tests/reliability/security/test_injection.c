/*
 * injection: hostile strings (quotes, backslashes, comment markers, separators, placeholder
 * look-alikes, LIKE wildcards, control characters, 4-byte and bidi Unicode) are stored and read
 * back byte for byte through add/get/list, through filters (EQ finds exactly that row; search and
 * contains treat wildcards literally), through updates, and through raw SQL with `?`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "hostile.h"
#include "sec.h"

/* --- helpers ---------------------------------------------------------------------------------- */

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strlen(a) == strlen(b) && memcmp(a, b, strlen(a)) == 0);
}

/* Adds every hostile string as a note (title and body) and returns the ids (malloc'd). */
static int64_t *add_all(ath_repo *repo, ath_session *s)
{
    int64_t *ids = calloc(hostile_count, sizeof *ids);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ids);
    for (size_t i = 0; i < hostile_count; i++) {
        Note n = {0, (char *)hostile_strings[i], (char *)hostile_strings[i], {NULL, 0}};
        int rc = ath_repo_add(repo, &n);
        char show[200];
        CHECKF(rc == ATH_OK, "add of \"%s\" returned %s: %s",
               sec_show(hostile_strings[i], strlen(hostile_strings[i]), show, sizeof show),
               ath_code_name(rc), ath_error_last()->message);
        ids[i] = n.id;
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    return ids;
}

static size_t index_of(const int64_t *ids, int64_t id)
{
    for (size_t i = 0; i < hostile_count; i++)
        if (ids[i] == id)
            return i;
    return hostile_count;
}

/* How many hostile strings contain `needle` (what a literal search must find). */
static size_t containing(const char *needle, bool prefix, bool suffix)
{
    size_t n = 0, nl = strlen(needle);
    for (size_t i = 0; i < hostile_count; i++) {
        const char *h = hostile_strings[i];
        size_t hl = strlen(h);
        if (prefix)
            n += hl >= nl && memcmp(h, needle, nl) == 0;
        else if (suffix)
            n += hl >= nl && memcmp(h + hl - nl, needle, nl) == 0;
        else
            n += strstr(h, needle) != NULL;
    }
    return n;
}

/* --- tests ------------------------------------------------------------------------------------ */

static void test_hostile_strings_round_trip_through_add_and_get(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    int64_t *ids = add_all(repo, s);
    for (size_t i = 0; i < hostile_count; i++) {
        Note got = {0};
        ath_value k = ath_v_i64(ids[i]);
        ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
        char show[200];
        CHECKF(same(got.title, hostile_strings[i]) && same(got.body, hostile_strings[i]),
               "get gave back a different title for \"%s\" (%zu bytes in, %zu out)",
               sec_show(hostile_strings[i], strlen(hostile_strings[i]), show, sizeof show),
               strlen(hostile_strings[i]), got.title ? strlen(got.title) : 0);
        ath_model_free_fields(&Note_model, &got);
    }
    CU_ASSERT_EQUAL(sql_count(s, "sec_note"), (int64_t)hostile_count);
    free(ids);
    sec_end();
}

static void test_hostile_strings_round_trip_through_list(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    int64_t *ids = add_all(repo, s);
    ath_list *l = sec_list(repo, ATH_FILTERS(ath_order_by("id", false)));
    CU_ASSERT_EQUAL(ath_list_count(l), hostile_count);
    for (size_t r = 0; r < ath_list_count(l); r++) {
        const Note *n = ath_list_at(l, r);
        size_t i = index_of(ids, n->id);
        CU_ASSERT_FATAL(i < hostile_count);
        char show[200];
        CHECKF(same(n->title, hostile_strings[i]) && same(n->body, hostile_strings[i]),
               "list gave back a different title for \"%s\"",
               sec_show(hostile_strings[i], strlen(hostile_strings[i]), show, sizeof show));
    }
    free(ids);
    sec_end();
}

static void test_eq_filter_on_a_hostile_string_finds_exactly_its_row(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    int64_t *ids = add_all(repo, s);
    for (size_t i = 0; i < hostile_count; i++) {
        ath_list *l =
            sec_list(repo, ATH_FILTERS(ath_where("title", ATH_EQ, ath_v_text(hostile_strings[i]))));
        char show[200];
        const Note *n = ath_list_at(l, 0);
        CHECKF(ath_list_count(l) == 1 && n && n->id == ids[i],
               "title = \"%s\" found %zu rows (expected exactly row %lld)",
               sec_show(hostile_strings[i], strlen(hostile_strings[i]), show, sizeof show),
               ath_list_count(l), (long long)ids[i]);
        int64_t count = -1;
        ASSERT_RC(
            ath_repo_count(repo, &count,
                           ATH_FILTERS(ath_where("body", ATH_NE, ath_v_text(hostile_strings[i])))),
            ATH_OK);
        CHECKF(count == (int64_t)hostile_count - 1, "body <> \"%s\" counted %lld of %zu rows", show,
               (long long)count, hostile_count);
    }
    free(ids);
    sec_end();
}

static void test_in_collection_of_hostile_strings_finds_each_once(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    int64_t *ids = add_all(repo, s);
    ath_value *vals = calloc(hostile_count, sizeof *vals);
    CU_ASSERT_PTR_NOT_NULL_FATAL(vals);
    for (size_t i = 0; i < hostile_count; i++)
        vals[i] = ath_v_text(hostile_strings[i]);
    int64_t count = -1;
    ASSERT_RC(
        ath_repo_count(repo, &count, ATH_FILTERS(ath_collection("title", vals, hostile_count))),
        ATH_OK);
    CU_ASSERT_EQUAL(count, (int64_t)hostile_count);
    ASSERT_RC(ath_repo_count(repo, &count,
                             ATH_FILTERS(ath_not_in_collection("title", vals, hostile_count))),
              ATH_OK);
    CU_ASSERT_EQUAL(count, 0);
    free(vals);
    free(ids);
    sec_end();
}

static void test_search_and_contains_treat_wildcards_literally(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    int64_t *ids = add_all(repo, s);
    for (size_t i = 0; i < hostile_count; i++) {
        const char *h = hostile_strings[i];
        char show[200];
        sec_show(h, strlen(h), show, sizeof show);
        int64_t count = -1;
        size_t want = containing(h, false, false);
        ASSERT_RC(ath_repo_count(repo, &count, ATH_FILTERS(ath_search("title,body", h, false))),
                  ATH_OK);
        CHECKF(count == (int64_t)want, "search \"%s\" found %lld rows, %zu contain it", show,
               (long long)count, want);
        ASSERT_RC(ath_repo_count(repo, &count,
                                 ATH_FILTERS(ath_where("title", ATH_CONTAINS, ath_v_text(h)))),
                  ATH_OK);
        CHECKF(count == (int64_t)want, "contains \"%s\" found %lld rows, %zu contain it", show,
               (long long)count, want);
        want = containing(h, true, false);
        ASSERT_RC(ath_repo_count(repo, &count,
                                 ATH_FILTERS(ath_where("title", ATH_STARTSWITH, ath_v_text(h)))),
                  ATH_OK);
        CHECKF(count == (int64_t)want, "startswith \"%s\" found %lld rows, %zu start so", show,
               (long long)count, want);
        want = containing(h, false, true);
        ASSERT_RC(ath_repo_count(repo, &count,
                                 ATH_FILTERS(ath_where("title", ATH_ENDSWITH, ath_v_text(h)))),
                  ATH_OK);
        CHECKF(count == (int64_t)want, "endswith \"%s\" found %lld rows, %zu end so", show,
               (long long)count, want);
        want = hostile_count - containing(h, false, false);
        ASSERT_RC(ath_repo_count(repo, &count, ATH_FILTERS(ath_not_search("title", h, false))),
                  ATH_OK);
        CHECKF(count == (int64_t)want, "not_search \"%s\" found %lld rows, %zu lack it", show,
               (long long)count, want);
    }
    free(ids);
    sec_end();
}

static void test_update_fields_stores_hostile_strings_exactly(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    Note n = {0, "before", "untouched", {NULL, 0}};
    ASSERT_RC(ath_repo_add(repo, &n), ATH_OK);
    for (size_t i = 0; i < hostile_count; i++) {
        n.title = (char *)hostile_strings[i];
        ASSERT_RC(ath_repo_update_fields(repo, &n, ATH_NAMES("title")), ATH_OK);
        Note got = {0};
        ath_value k = ath_v_i64(n.id);
        ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
        char show[200];
        CHECKF(same(got.title, hostile_strings[i]) && same(got.body, "untouched"),
               "after update_fields to \"%s\" the row holds \"%s\" / \"%s\"",
               sec_show(hostile_strings[i], strlen(hostile_strings[i]), show, sizeof show),
               got.title ? got.title : "NULL", got.body ? got.body : "NULL");
        ath_model_free_fields(&Note_model, &got);
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_EQUAL(sql_count(s, "sec_note"), 1);
    sec_end();
}

static void test_update_where_sets_hostile_strings_exactly(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    int64_t *ids = add_all(repo, s);
    for (size_t i = 0; i < hostile_count; i++) {
        /* body := the next string, on the row whose title is this one */
        const char *next = hostile_strings[(i + 1) % hostile_count];
        int64_t updated = -1;
        ath_value v = ath_v_text(next);
        static const char *const body[] = {"body"};
        ASSERT_RC(ath_repo_update_where(
                      repo, &updated, body, &v, 1,
                      ATH_FILTERS(ath_where("title", ATH_EQ, ath_v_text(hostile_strings[i])))),
                  ATH_OK);
        CU_ASSERT_EQUAL(updated, 1);
    }
    ath_list *l = sec_list(repo, ATH_NO_FILTERS);
    CU_ASSERT_EQUAL(ath_list_count(l), hostile_count);
    for (size_t r = 0; r < ath_list_count(l); r++) {
        const Note *n = ath_list_at(l, r);
        size_t i = index_of(ids, n->id);
        CU_ASSERT_FATAL(i < hostile_count);
        CU_ASSERT(same(n->title, hostile_strings[i]));
        CU_ASSERT(same(n->body, hostile_strings[(i + 1) % hostile_count]));
    }
    free(ids);
    sec_end();
}

static void test_upsert_matches_on_hostile_strings(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    int64_t *ids = add_all(repo, s);
    for (size_t i = 0; i < hostile_count; i += 7) {
        Note n = {0, (char *)hostile_strings[i], "found", {NULL, 0}}, before;
        bool updated = false;
        before = n;
        ASSERT_RC(
            ath_repo_get_and_update(repo, &n, ATH_NAMES("title"), ATH_NAMES("body"), &updated),
            ATH_OK);
        CU_ASSERT(updated);
        CU_ASSERT_EQUAL(n.id, ids[i]);
        CU_ASSERT(same(n.title, hostile_strings[i]));
        if (n.title != before.title)
            free(n.title);
        if (n.body != before.body)
            free(n.body);
        free(n.data.data);
    }
    free(ids);
    sec_end();
}

static void test_raw_sql_binds_hostile_strings_as_values(void)
{
    ath_session *s = sec_begin();
    for (size_t i = 0; i < hostile_count; i++) {
        ath_value p[2] = {ath_v_text(hostile_strings[i]), ath_v_text(hostile_strings[i])};
        ASSERT_RC(sql_exec(s, "INSERT INTO sec_note (title, body) VALUES (?, ?)", p, 2), ATH_OK);
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    for (size_t i = 0; i < hostile_count; i++) {
        ath_value p = ath_v_text(hostile_strings[i]);
        ath_result *r = NULL;
        ASSERT_RC(
            ath_session_execute(s, "SELECT title, body FROM sec_note WHERE title = ?", &p, 1, &r),
            ATH_OK);
        size_t rows = 0;
        bool ok = true;
        while (r && ath_result_next(r) == 1) {
            rows++;
            for (int c = 0; c < 2; c++) {
                ath_value v;
                ok = ok && ath_result_get(r, c, ATH_T_TEXT, &v) == ATH_OK && v.type == ATH_T_TEXT &&
                     v.u.s.len == strlen(hostile_strings[i]) &&
                     memcmp(v.u.s.ptr, hostile_strings[i], v.u.s.len) == 0;
            }
        }
        ath_result_free(r);
        char show[200];
        CHECKF(rows == 1 && ok, "raw SELECT … WHERE title = ? with \"%s\": %zu rows, %s",
               sec_show(hostile_strings[i], strlen(hostile_strings[i]), show, sizeof show), rows,
               ok ? "equal" : "different bytes");
    }
    CU_ASSERT_EQUAL(sql_count(s, "sec_note"), (int64_t)hostile_count);
    sec_end();
}

static void test_placeholder_lookalikes_in_sql_literals_stay_literal(void)
{
    ath_session *s = sec_begin();
    ath_value p = ath_v_text("bound");
    ath_result *r = NULL;
    /* one real placeholder; the others are inside string literals, a comment, a quoted name */
    ASSERT_RC(ath_session_execute(s,
                                  "SELECT ? AS a, '?' AS b, '$1' AS c, ':name' AS d, "
                                  "'it''s ?' AS e /* ? */, \"sec_note\".\"title\" AS f "
                                  "FROM (SELECT 1 AS one) x LEFT JOIN sec_note ON 1 = 0",
                                  &p, 1, &r),
              ATH_OK);
    CU_ASSERT_FATAL(r && ath_result_next(r) == 1);
    static const char *const want[] = {"bound", "?", "$1", ":name", "it's ?"};
    for (int i = 0; i < 5; i++) {
        const char *t = ath_result_text(r, i);
        CHECKF(same(t, want[i]), "column %d is \"%s\", expected \"%s\"", i, t ? t : "NULL",
               want[i]);
    }
    CU_ASSERT_PTR_NULL(ath_result_text(r, 5));
    ath_result_free(r);
    sec_end();
}

static void test_the_table_survives_every_injection(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    int64_t *ids = add_all(repo, s);
    /* after every write and read above, the table and its rows are all still there */
    CU_ASSERT_EQUAL(sql_count(s, "sec_note"), (int64_t)hostile_count);
    CU_ASSERT_EQUAL(sql_i64(s, "SELECT COUNT(*) FROM sec_note WHERE title = body", NULL, 0),
                    (int64_t)hostile_count);
    free(ids);
    sec_end();
}

const test_case injection_tests[] = {
    {"hostile strings round-trip through add and get",
     test_hostile_strings_round_trip_through_add_and_get},
    {"hostile strings round-trip through list", test_hostile_strings_round_trip_through_list},
    {"EQ on a hostile string finds exactly its row",
     test_eq_filter_on_a_hostile_string_finds_exactly_its_row},
    {"IN over every hostile string finds each once",
     test_in_collection_of_hostile_strings_finds_each_once},
    {"search/contains/startswith/endswith treat wildcards literally",
     test_search_and_contains_treat_wildcards_literally},
    {"update_fields stores hostile strings exactly",
     test_update_fields_stores_hostile_strings_exactly},
    {"update_where sets hostile strings exactly", test_update_where_sets_hostile_strings_exactly},
    {"get_and_update matches on hostile strings", test_upsert_matches_on_hostile_strings},
    {"raw SQL binds hostile strings as values", test_raw_sql_binds_hostile_strings_as_values},
    {"placeholder look-alikes in SQL literals stay literal",
     test_placeholder_lookalikes_in_sql_literals_stay_literal},
    {"the table survives every injection", test_the_table_survives_every_injection},
    {NULL, NULL},
};

TEST_SUITE(injection) { sec_add_group("injection", injection_tests); }
