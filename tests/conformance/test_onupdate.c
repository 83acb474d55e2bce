/*
 * repo-onupdate: a field's `.onupdate` function (SQLAlchemy's onupdate) gives the value written
 * on every update -- update, update_fields (even when the field is not named), update_many,
 * upsert, get_and_update -- and not on insert; the caller's struct holds what was written.
 * Model: revision (tests/conformance/models.h), rev <- ++revision_clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

static int64_t stored_rev(ath_session *s, int64_t id)
{
    ath_value k = ath_v_i64(id);
    return sql_i64(s, "SELECT rev FROM revision WHERE id = ?", &k, 1);
}

static int64_t add_revision(ath_repo *r, const char *name, int64_t rev)
{
    Revision x = {0, (char *)name, NULL, rev};
    ASSERT_RC(ath_repo_add(r, &x), ATH_OK);
    return x.id;
}

static void test_onupdate_not_called_on_insert(void)
{
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Revision_model);
    int64_t clock = revision_clock;
    Revision many[2] = {{0, "b", NULL, 8}, {0, "c", NULL, 9}};
    int64_t id = add_revision(r, "a", 7);
    ASSERT_RC(ath_repo_add_many(r, many, 2), ATH_OK);
    ASSERT_I64(revision_clock, clock);
    ASSERT_I64(stored_rev(s, id), 7);
    ASSERT_I64(stored_rev(s, many[0].id), 8);
    ASSERT_I64(stored_rev(s, many[1].id), 9);
    conf_end();
}

static void test_onupdate_value_written_on_update_and_read_back(void)
{
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Revision_model);
    int64_t id = add_revision(r, "a", 0);
    Revision x = {id, "a", "edited", 0};
    int64_t clock = revision_clock;
    ASSERT_RC(ath_repo_update(r, &x), ATH_OK);
    ASSERT_I64(revision_clock, clock + 1); /* once per update */
    ASSERT_I64(x.rev, clock + 1);          /* the struct holds what was written */
    ASSERT_I64(stored_rev(s, id), clock + 1);
    ASSERT_RC(ath_repo_update(r, &x), ATH_OK); /* every update, even one changing nothing else */
    ASSERT_I64(x.rev, clock + 2);
    ASSERT_I64(stored_rev(s, id), clock + 2);
    conf_end();
}

static void test_onupdate_written_on_update_fields_not_naming_it(void)
{
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Revision_model);
    int64_t id = add_revision(r, "a", 0);
    Revision x = {id, "ignored", "edited", 0};
    int64_t clock = revision_clock;
    ASSERT_RC(ath_repo_update_fields(r, &x, ATH_NAMES("note")), ATH_OK);
    ASSERT_I64(x.rev, clock + 1);
    ASSERT_I64(stored_rev(s, id), clock + 1);
    ath_value k = ath_v_i64(id);
    char *name = sql_text(s, "SELECT name FROM revision WHERE id = ?", &k, 1);
    char *note = sql_text(s, "SELECT note FROM revision WHERE id = ?", &k, 1);
    ASSERT_STR(name, "a"); /* not named: left alone */
    ASSERT_STR(note, "edited");
    free(name);
    free(note);
    conf_end();
}

static void test_onupdate_written_on_update_many(void)
{
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Revision_model);
    Revision xs[3] = {{0, "a", NULL, 0}, {0, "b", NULL, 0}, {0, "c", NULL, 0}};
    ASSERT_RC(ath_repo_add_many(r, xs, 3), ATH_OK);
    int64_t clock = revision_clock;
    ASSERT_RC(ath_repo_update_many(r, xs, 3), ATH_OK);
    ASSERT_I64(revision_clock, clock + 3); /* once per object */
    for (int i = 0; i < 3; i++) {
        ASSERT_I64(xs[i].rev, clock + 1 + i);
        ASSERT_I64(stored_rev(s, xs[i].id), clock + 1 + i);
    }
    conf_end();
}

static void test_onupdate_written_on_update_many_fields_not_naming_it(void)
{
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Revision_model);
    Revision xs[3] = {{0, "a", NULL, 0}, {0, "b", NULL, 0}, {0, "c", NULL, 0}};
    ASSERT_RC(ath_repo_add_many(r, xs, 3), ATH_OK);
    for (int i = 0; i < 3; i++)
        xs[i].note = "bulk";
    int64_t clock = revision_clock;
    ASSERT_RC(ath_repo_update_many_fields(r, xs, 3, ATH_NAMES("note")), ATH_OK);
    ASSERT_I64(revision_clock, clock + 3);
    for (int i = 0; i < 3; i++) {
        ASSERT_I64(xs[i].rev, clock + 1 + i);
        ASSERT_I64(stored_rev(s, xs[i].id), clock + 1 + i);
    }
    ath_value k = ath_v_i64(xs[2].id);
    char *note = sql_text(s, "SELECT note FROM revision WHERE id = ?", &k, 1);
    ASSERT_STR(note, "bulk");
    free(note);
    conf_end();
}

static void test_onupdate_written_on_upsert_update_branch(void)
{
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Revision_model);
    int64_t id = add_revision(r, "a", 0);
    Revision x = {0, "a", "upserted", 0};
    int64_t clock = revision_clock;
    ASSERT_RC(ath_repo_upsert(r, &x, ATH_NAMES("name")), ATH_OK);
    ASSERT_I64(sql_count(s, "revision"), 1);
    ASSERT_I64(x.rev, clock + 1);
    ASSERT_I64(stored_rev(s, id), clock + 1);
    conf_end();
}

static void test_onupdate_written_on_upsert_matching_a_non_unique_column(void)
{
    /* the look-then-write path: the update of the row found gets the value */
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Revision_model);
    Revision first = {0, "a", "tag", 0};
    ASSERT_RC(ath_repo_add(r, &first), ATH_OK);
    Revision x = {0, "b", "tag", 0};
    int64_t clock = revision_clock;
    ASSERT_RC(ath_repo_upsert(r, &x, ATH_NAMES("note")), ATH_OK);
    ASSERT_I64(sql_count(s, "revision"), 1);
    ASSERT_I64(x.id, first.id);
    ASSERT_I64(x.rev, clock + 1);
    ASSERT_I64(revision_clock, clock + 1);
    ASSERT_I64(stored_rev(s, first.id), clock + 1);
    conf_end();
}

static void test_onupdate_upsert_insert_branch_is_written_with_the_value(void)
{
    /* documented: upsert runs the function before it knows the branch */
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Revision_model);
    Revision x = {0, "new", NULL, 0};
    int64_t clock = revision_clock;
    ASSERT_RC(ath_repo_upsert(r, &x, ATH_NAMES("name")), ATH_OK);
    ASSERT_I64(x.rev, clock + 1);
    ASSERT_I64(stored_rev(s, x.id), clock + 1);
    conf_end();
}

static void test_onupdate_written_on_get_and_update_and_read_back(void)
{
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Revision_model);
    int64_t id = add_revision(r, "a", 0);
    Revision x = {0, "a", "changed", 0};
    bool updated = false;
    int64_t clock = revision_clock;
    ASSERT_RC(ath_repo_get_and_update(r, &x, ATH_NAMES("name"), ATH_NAMES("note"), &updated),
              ATH_OK);
    CU_ASSERT_TRUE(updated);
    ASSERT_I64(x.id, id);
    ASSERT_I64(x.rev, clock + 1);
    ASSERT_STR(x.note, "changed");
    ASSERT_I64(stored_rev(s, id), clock + 1);
    ath_model_free_fields(&Revision_model, &x);
    conf_end();
}

static void test_onupdate_not_called_when_get_and_update_writes_nothing(void)
{
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Revision_model);
    int64_t id = add_revision(r, "a", 5);
    Revision x = {0, "a", NULL, 0};
    bool updated = true;
    int64_t clock = revision_clock;
    ASSERT_RC(ath_repo_get_and_update(r, &x, ATH_NAMES("name"), ATH_NAMES("note"), &updated),
              ATH_OK);
    CU_ASSERT_FALSE(updated);
    ASSERT_I64(revision_clock, clock);
    ASSERT_I64(x.rev, 5);
    ASSERT_I64(stored_rev(s, id), 5);
    ath_model_free_fields(&Revision_model, &x);
    conf_end();
}

static void test_onupdate_failure_refuses_the_update(void)
{
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Revision_model);
    int64_t id = add_revision(r, "a", 4);
    Revision x = {id, "renamed", NULL, 4};
    revision_refuse = true;
    int rc = ath_repo_update(r, &x);
    revision_refuse = false;
    ASSERT_RC(rc, ATH_EINVAL);
    ASSERT_ERR_HAS("revision refused");
    ath_value k = ath_v_i64(id);
    char *name = sql_text(s, "SELECT name FROM revision WHERE id = ?", &k, 1);
    ASSERT_STR(name, "a");
    free(name);
    ASSERT_I64(stored_rev(s, id), 4);
    conf_end();
}

static int never(ath_value *out, const void *obj)
{
    (void)obj;
    *out = ath_v_i64(1);
    return ATH_OK;
}

typedef struct Keyed {
    int64_t id;
    int64_t n;
} Keyed;
static const ath_field keyed_fields[] = {
    ATH_FIELD(Keyed, id, i64, .flags = ATH_PK, .onupdate = never),
    ATH_FIELD(Keyed, n, i64),
};
static const ath_model Keyed_model = ATH_MODEL_OF(Keyed, "keyed", keyed_fields);

static void test_onupdate_on_key_field_is_einval_at_open(void)
{
    ath_session *s = conf_begin();
    ath_repo *r = NULL;
    ASSERT_RC(ath_repo_open(&r, s, &Keyed_model), ATH_EINVAL);
    ASSERT_ERR_HAS("onupdate on a key or immutable field");
    CU_ASSERT_PTR_NULL(r);
    conf_end();
}

const test_case onupdate_tests[] = {
    {"test_onupdate_not_called_on_insert", test_onupdate_not_called_on_insert},
    {"test_onupdate_value_written_on_update_and_read_back",
     test_onupdate_value_written_on_update_and_read_back},
    {"test_onupdate_written_on_update_fields_not_naming_it",
     test_onupdate_written_on_update_fields_not_naming_it},
    {"test_onupdate_written_on_update_many", test_onupdate_written_on_update_many},
    {"test_onupdate_written_on_update_many_fields_not_naming_it",
     test_onupdate_written_on_update_many_fields_not_naming_it},
    {"test_onupdate_written_on_upsert_update_branch",
     test_onupdate_written_on_upsert_update_branch},
    {"test_onupdate_written_on_upsert_matching_a_non_unique_column",
     test_onupdate_written_on_upsert_matching_a_non_unique_column},
    {"test_onupdate_upsert_insert_branch_is_written_with_the_value",
     test_onupdate_upsert_insert_branch_is_written_with_the_value},
    {"test_onupdate_written_on_get_and_update_and_read_back",
     test_onupdate_written_on_get_and_update_and_read_back},
    {"test_onupdate_not_called_when_get_and_update_writes_nothing",
     test_onupdate_not_called_when_get_and_update_writes_nothing},
    {"test_onupdate_failure_refuses_the_update", test_onupdate_failure_refuses_the_update},
    {"test_onupdate_on_key_field_is_einval_at_open", test_onupdate_on_key_field_is_einval_at_open},
    {NULL, NULL},
};

TEST_SUITE(onupdate)
{
    conf_add_group("repo-onupdate", onupdate_tests, true);
}
