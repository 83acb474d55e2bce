/*
 * repo-onupdate-sql: a field's `.onupdate_sql` (an SQL expression the database evaluates on every
 * update) is written by update, update_fields (even when not named), update_many (set-based on
 * the servers), update_many_fields, upsert / upsert_many (their update), get_and_update and
 * get_or_upsert_fields; the value the database stored is read back into the caller's struct
 * (RETURNING on PostgreSQL and SQLite, a SELECT by key on MariaDB). Insert and update_where do
 * not write it. Model: stamp (below), its own table, created by each test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

typedef struct Stamp {
    int64_t id;
    char *name;
    char *note;
    int64_t rev;          /* stamp.rev + 1 */
    ath_timestamp edited; /* CURRENT_TIMESTAMP */
    char *tag;            /* 'touched' */
} Stamp;
static const ath_field stamp_fields[] = {
    ATH_FIELD(Stamp, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Stamp, name, text, .flags = ATH_UNIQUE, .max_length = 40),
    ATH_FIELD(Stamp, note, opt_text),
    ATH_FIELD(Stamp, rev, i64, .onupdate_sql = "stamp.rev + 1"),
    ATH_FIELD(Stamp, edited, timestamp, .onupdate_sql = "CURRENT_TIMESTAMP"),
    ATH_FIELD(Stamp, tag, opt_text, .onupdate_sql = "'touched'"),
};
static const ath_model Stamp_model = ATH_MODEL_OF(Stamp, "stamp", stamp_fields);

/* The same through Athanor's own macros, with a composite key (read back by both columns). */
#define PAIRED_FIELDS(F)                                                                           \
    F(a, i64, .flags = ATH_PK)                                                                     \
    F(b, i64, .flags = ATH_PK)                                                                     \
    F(label, opt_text)                                                                             \
    F(rev, i64, .onupdate_sql = "paired.rev + 10")
ATH_MODEL(Paired, "paired", PAIRED_FIELDS);

static ath_session *begin(void)
{
    ath_session *s = conf_begin();
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_drop_all(conf->engine, ATH_MODELS(&Stamp_model, &Paired_model)), ATH_OK);
    ASSERT_RC(ath_create_all(conf->engine, ATH_MODELS(&Stamp_model, &Paired_model)), ATH_OK);
    return s;
}

static void end(ath_session *s)
{
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_RC(ath_drop_all(conf->engine, ATH_MODELS(&Stamp_model, &Paired_model)), ATH_OK);
    conf_end();
}

static int64_t stored_rev(ath_session *s, int64_t id)
{
    ath_value k = ath_v_i64(id);
    return sql_i64(s, "SELECT rev FROM stamp WHERE id = ?", &k, 1);
}

static char *stored_tag(ath_session *s, int64_t id)
{
    ath_value k = ath_v_i64(id);
    return sql_text(s, "SELECT tag FROM stamp WHERE id = ?", &k, 1);
}

static int64_t add_stamp(ath_repo *r, const char *name, int64_t rev)
{
    Stamp x = {0, (char *)name, NULL, rev, 0, NULL};
    ASSERT_RC(ath_repo_add(r, &x), ATH_OK);
    return x.id;
}

/* x.edited is a time the database gave (within a minute of now) and equals the stored one. */
static void assert_edited_by_database(ath_repo *r, const Stamp *x)
{
    int64_t now = ath_timestamp_now(), minute = INT64_C(60000000);
    CU_ASSERT_TRUE(x->edited > now - minute && x->edited < now + minute);
    Stamp stored;
    ath_value key = ath_v_i64(x->id);
    ASSERT_RC(ath_repo_get(r, &stored, &key, 1), ATH_OK);
    ASSERT_I64(stored.edited, x->edited);
    ASSERT_I64(stored.rev, x->rev);
    ath_model_free_fields(&Stamp_model, &stored);
}

static void test_onupdate_sql_not_written_on_insert(void)
{
    ath_session *s = begin();
    ath_repo *r = conf_repo(s, &Stamp_model);
    Stamp many[2] = {{0, "b", NULL, 8, 0, NULL}, {0, "c", NULL, 9, 0, NULL}};
    int64_t id = add_stamp(r, "a", 7);
    ASSERT_RC(ath_repo_add_many(r, many, 2), ATH_OK);
    ASSERT_I64(stored_rev(s, id), 7);
    ASSERT_I64(stored_rev(s, many[0].id), 8);
    ASSERT_I64(stored_rev(s, many[1].id), 9);
    CU_ASSERT_PTR_NULL(stored_tag(s, id));
    end(s);
}

static void test_onupdate_sql_value_set_by_database_and_read_back(void)
{
    ath_session *s = begin();
    ath_repo *r = conf_repo(s, &Stamp_model);
    int64_t id = add_stamp(r, "a", 0);
    Stamp x = {id, "a", "edited", 40, 0, NULL}, before = x;
    ASSERT_RC(ath_repo_update(r, &x), ATH_OK);
    ASSERT_I64(x.rev, 1); /* the database's 0 + 1, not the member's 40 */
    ASSERT_I64(stored_rev(s, id), 1);
    ASSERT_STR(x.tag, "touched");
    CU_ASSERT_PTR_NOT_NULL(x.tag);
    assert_edited_by_database(r, &x);
    ath_model_free_owned(&Stamp_model, &x, &before);
    CU_ASSERT_PTR_NULL(x.tag);                 /* the read-back text was Athanor's copy */
    ASSERT_RC(ath_repo_update(r, &x), ATH_OK); /* a later update changes it again */
    ASSERT_I64(x.rev, 2);
    ASSERT_I64(stored_rev(s, id), 2);
    ath_model_free_owned(&Stamp_model, &x, &before);
    end(s);
}

static void test_onupdate_sql_written_on_update_fields_not_naming_it(void)
{
    ath_session *s = begin();
    ath_repo *r = conf_repo(s, &Stamp_model);
    int64_t id = add_stamp(r, "a", 3);
    Stamp x = {id, "ignored", "edited", 0, 0, NULL}, before = x;
    ASSERT_RC(ath_repo_update_fields(r, &x, ATH_NAMES("note")), ATH_OK);
    ASSERT_I64(x.rev, 4);
    ASSERT_I64(stored_rev(s, id), 4);
    assert_edited_by_database(r, &x);
    ath_value k = ath_v_i64(id);
    char *name = sql_text(s, "SELECT name FROM stamp WHERE id = ?", &k, 1);
    ASSERT_STR(name, "a"); /* not named: left alone */
    free(name);
    ath_model_free_owned(&Stamp_model, &x, &before);
    ASSERT_RC(ath_repo_update_fields(r, &x, NULL, 0), ATH_OK); /* no named field: still written */
    ASSERT_I64(x.rev, 5);
    ath_model_free_owned(&Stamp_model, &x, &before);
    end(s);
}

static void test_onupdate_sql_not_written_by_update_where(void)
{
    ath_session *s = begin();
    ath_repo *r = conf_repo(s, &Stamp_model);
    int64_t id = add_stamp(r, "a", 3);
    int64_t n = 0;
    const char *note[] = {"note"}, *rev[] = {"rev"};
    ath_value bulk = ath_v_text("bulk"), thirty = ath_v_i64(30);
    ASSERT_RC(ath_repo_update_where(r, &n, note, &bulk, 1,
                                    ATH_FILTERS(ath_where("id", ATH_EQ, ath_v_i64(id)))),
              ATH_OK);
    ASSERT_I64(n, 1);
    ASSERT_I64(stored_rev(s, id), 3);
    CU_ASSERT_PTR_NULL(stored_tag(s, id));
    /* naming the column writes the value given */
    ASSERT_RC(ath_repo_update_where(r, &n, rev, &thirty, 1, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(stored_rev(s, id), 30);
    end(s);
}

static void test_onupdate_sql_written_on_update_many_and_read_back(void)
{
    ath_session *s = begin();
    ath_repo *r = conf_repo(s, &Stamp_model);
    Stamp xs[3] = {
        {0, "a", NULL, 10, 0, NULL}, {0, "b", NULL, 20, 0, NULL}, {0, "c", NULL, 30, 0, NULL}};
    ASSERT_RC(ath_repo_add_many(r, xs, 3), ATH_OK);
    Stamp before[3];
    for (int i = 0; i < 3; i++) {
        xs[i].note = "bulk";
        xs[i].rev = 0;
        before[i] = xs[i];
    }
    ASSERT_RC(ath_repo_update_many(r, xs, 3), ATH_OK); /* set-based on the servers */
    for (int i = 0; i < 3; i++) {
        ASSERT_I64(xs[i].rev, 10 * (i + 1) + 1);
        ASSERT_I64(stored_rev(s, xs[i].id), 10 * (i + 1) + 1);
        ASSERT_STR(xs[i].tag, "touched");
        assert_edited_by_database(r, &xs[i]);
        ath_model_free_owned(&Stamp_model, &xs[i], &before[i]);
    }
    end(s);
}

static void test_onupdate_sql_written_on_update_many_fields_not_naming_it(void)
{
    ath_session *s = begin();
    ath_repo *r = conf_repo(s, &Stamp_model);
    Stamp xs[3] = {
        {0, "a", NULL, 1, 0, NULL}, {0, "b", NULL, 2, 0, NULL}, {0, "c", NULL, 3, 0, NULL}};
    ASSERT_RC(ath_repo_add_many(r, xs, 3), ATH_OK);
    Stamp before[3];
    for (int i = 0; i < 3; i++) {
        xs[i].note = "bulk";
        before[i] = xs[i];
    }
    ASSERT_RC(ath_repo_update_many_fields(r, xs, 3, ATH_NAMES("note")), ATH_OK);
    for (int i = 0; i < 3; i++) {
        ASSERT_I64(xs[i].rev, i + 2);
        ASSERT_I64(stored_rev(s, xs[i].id), i + 2);
        ASSERT_STR(xs[i].tag, "touched");
        ath_model_free_owned(&Stamp_model, &xs[i], &before[i]);
    }
    /* a single object takes the per-object statement */
    ASSERT_RC(ath_repo_update_many_fields(r, xs, 1, ATH_NAMES("note")), ATH_OK);
    ASSERT_I64(xs[0].rev, 3);
    ath_model_free_owned(&Stamp_model, &xs[0], &before[0]);
    end(s);
}

static void test_onupdate_sql_update_of_a_missing_row_is_enotfound(void)
{
    ath_session *s = begin();
    ath_repo *r = conf_repo(s, &Stamp_model);
    Stamp x = {999, "nobody", NULL, 5, 0, NULL};
    ASSERT_RC(ath_repo_update(r, &x), ATH_ENOTFOUND);
    ASSERT_I64(x.rev, 5); /* nothing read back */
    CU_ASSERT_PTR_NULL(x.tag);
    end(s);
}

static void test_onupdate_sql_written_on_upsert_update_branch_not_insert(void)
{
    ath_session *s = begin();
    ath_repo *r = conf_repo(s, &Stamp_model);
    int64_t id = add_stamp(r, "a", 6);
    Stamp x = {0, "a", "upserted", 0, 0, NULL}, before = x;
    ASSERT_RC(ath_repo_upsert(r, &x, ATH_NAMES("name")), ATH_OK); /* native: ON CONFLICT */
    ASSERT_I64(sql_count(s, "stamp"), 1);
    ASSERT_I64(x.id, id);
    ASSERT_I64(x.rev, 7);
    ASSERT_I64(stored_rev(s, id), 7);
    ASSERT_STR(x.tag, "touched");
    assert_edited_by_database(r, &x);
    ath_model_free_owned(&Stamp_model, &x, &before);
    Stamp y = {0, "new", NULL, 5, 0, NULL}; /* the insert writes the member as it is */
    ASSERT_RC(ath_repo_upsert(r, &y, ATH_NAMES("name")), ATH_OK);
    ASSERT_I64(y.rev, 5);
    ASSERT_I64(stored_rev(s, y.id), 5);
    CU_ASSERT_PTR_NULL(y.tag);
    end(s);
}

static void test_onupdate_sql_written_on_upsert_many(void)
{
    ath_session *s = begin();
    ath_repo *r = conf_repo(s, &Stamp_model);
    int64_t a = add_stamp(r, "a", 1), b = add_stamp(r, "b", 2);
    Stamp xs[3] = {
        {0, "a", "x", 0, 0, NULL}, {0, "new", "x", 9, 0, NULL}, {0, "b", "x", 0, 0, NULL}};
    Stamp before[3] = {xs[0], xs[1], xs[2]};
    ASSERT_RC(ath_repo_upsert_many(r, xs, 3, ATH_NAMES("name")), ATH_OK);
    ASSERT_I64(xs[0].id, a);
    ASSERT_I64(xs[0].rev, 2);
    ASSERT_I64(xs[1].rev, 9); /* inserted */
    ASSERT_I64(xs[2].id, b);
    ASSERT_I64(xs[2].rev, 3);
    ASSERT_STR(xs[0].tag, "touched");
    CU_ASSERT_PTR_NULL(xs[1].tag);
    ASSERT_I64(stored_rev(s, a), 2);
    ASSERT_I64(stored_rev(s, b), 3);
    for (int i = 0; i < 3; i++)
        ath_model_free_owned(&Stamp_model, &xs[i], &before[i]);
    end(s);
}

static void test_onupdate_sql_written_on_upsert_matching_a_non_unique_column(void)
{
    ath_session *s = begin();
    ath_repo *r = conf_repo(s, &Stamp_model);
    Stamp first = {0, "a", "tag", 4, 0, NULL};
    ASSERT_RC(ath_repo_add(r, &first), ATH_OK);
    Stamp x = {0, "b", "tag", 0, 0, NULL}, before = x;
    ASSERT_RC(ath_repo_upsert(r, &x, ATH_NAMES("note")), ATH_OK); /* look, then write */
    ASSERT_I64(sql_count(s, "stamp"), 1);
    ASSERT_I64(x.id, first.id);
    ASSERT_I64(x.rev, 5);
    ASSERT_I64(stored_rev(s, first.id), 5);
    ASSERT_STR(x.tag, "touched");
    ath_model_free_owned(&Stamp_model, &x, &before);
    end(s);
}

static void test_onupdate_sql_written_on_get_and_update_and_read_back(void)
{
    ath_session *s = begin();
    ath_repo *r = conf_repo(s, &Stamp_model);
    int64_t id = add_stamp(r, "a", 0);
    Stamp x = {0, "a", "changed", 0, 0, NULL};
    bool updated = false;
    ASSERT_RC(ath_repo_get_and_update(r, &x, ATH_NAMES("name"), ATH_NAMES("note"), &updated),
              ATH_OK);
    CU_ASSERT_TRUE(updated);
    ASSERT_I64(x.id, id);
    ASSERT_I64(x.rev, 1);
    ASSERT_STR(x.tag, "touched");
    assert_edited_by_database(r, &x);
    ath_model_free_fields(&Stamp_model, &x);
    Stamp y = {0, "a", "changed", 0, 0, NULL}; /* nothing differs: nothing written */
    ASSERT_RC(ath_repo_get_and_update(r, &y, ATH_NAMES("name"), ATH_NAMES("note"), &updated),
              ATH_OK);
    CU_ASSERT_FALSE(updated);
    ASSERT_I64(y.rev, 1);
    ath_model_free_fields(&Stamp_model, &y);
    end(s);
}

static void test_onupdate_sql_written_on_get_or_upsert_fields_when_it_writes(void)
{
    ath_session *s = begin();
    ath_repo *r = conf_repo(s, &Stamp_model);
    int64_t id = add_stamp(r, "a", 2);
    Stamp x = {0, "a", "changed", 0, 0, NULL};
    bool created = true;
    ASSERT_RC(
        ath_repo_get_or_upsert_fields(r, &x, ATH_NAMES("name"), ATH_NAMES("note"), true, &created),
        ATH_OK);
    CU_ASSERT_FALSE(created);
    ASSERT_I64(x.id, id);
    ASSERT_I64(x.rev, 3);
    ASSERT_I64(stored_rev(s, id), 3);
    ath_model_free_fields(&Stamp_model, &x);
    Stamp y = {0, "a", NULL, 0, 0, NULL}; /* get only: nothing written */
    ASSERT_RC(ath_repo_get_or_upsert(r, &y, ATH_NAMES("name"), false, &created), ATH_OK);
    ASSERT_I64(y.rev, 3);
    ath_model_free_fields(&Stamp_model, &y);
    end(s);
}

static void test_onupdate_sql_composite_key_update_many_reads_each_row_back(void)
{
    ath_session *s = begin();
    ath_repo *r = conf_repo(s, &Paired_model);
    Paired ps[4] = {{1, 1, NULL, 0}, {1, 2, NULL, 100}, {2, 1, NULL, 200}, {2, 2, NULL, 300}};
    ASSERT_RC(ath_repo_add_many(r, ps, 4), ATH_OK);
    Paired before[4];
    for (int i = 0; i < 4; i++) {
        ps[i].label = "x";
        ps[i].rev = -1;
        before[i] = ps[i];
    }
    ASSERT_RC(ath_repo_update_many(r, ps, 4), ATH_OK);
    ASSERT_I64(ps[0].rev, 10);
    ASSERT_I64(ps[1].rev, 110);
    ASSERT_I64(ps[2].rev, 210);
    ASSERT_I64(ps[3].rev, 310);
    ASSERT_RC(ath_repo_upsert(r, &ps[3], NULL, 0), ATH_OK); /* ON CONFLICT on the key */
    ASSERT_I64(ps[3].rev, 320);
    for (int i = 0; i < 4; i++)
        ath_model_free_owned(&Paired_model, &ps[i], &before[i]);
    end(s);
}

/* --- refused when the repository opens ---------------------------------------------------------
 */

typedef struct Bad {
    int64_t id;
    int64_t n;
} Bad;

static int one(ath_value *out, const void *obj)
{
    (void)obj;
    *out = ath_v_i64(1);
    return ATH_OK;
}

static const ath_field bad_key_fields[] = {
    ATH_FIELD(Bad, id, i64, .flags = ATH_PK, .onupdate_sql = "1"),
    ATH_FIELD(Bad, n, i64),
};
static const ath_field bad_immutable_fields[] = {
    ATH_FIELD(Bad, id, i64, .flags = ATH_PK),
    ATH_FIELD(Bad, n, i64, .flags = ATH_IMMUTABLE, .onupdate_sql = "1"),
};
static const ath_field bad_both_fields[] = {
    ATH_FIELD(Bad, id, i64, .flags = ATH_PK),
    ATH_FIELD(Bad, n, i64, .onupdate = one, .onupdate_sql = "1"),
};
static const ath_field bad_empty_fields[] = {
    ATH_FIELD(Bad, id, i64, .flags = ATH_PK),
    ATH_FIELD(Bad, n, i64, .onupdate_sql = ""),
};

static void assert_refused(const ath_model *model, const char *words)
{
    ath_session *s = conf_begin();
    ath_repo *r = NULL;
    ASSERT_RC(ath_repo_open(&r, s, model), ATH_EINVAL);
    ASSERT_ERR_HAS(words);
    CU_ASSERT_PTR_NULL(r);
    conf_end();
}

static void test_onupdate_sql_on_key_or_immutable_field_is_einval_at_open(void)
{
    static const ath_model key = ATH_MODEL_OF(Bad, "bad", bad_key_fields);
    static const ath_model immutable = ATH_MODEL_OF(Bad, "bad", bad_immutable_fields);
    assert_refused(&key, "onupdate_sql on a key or immutable field");
    assert_refused(&immutable, "onupdate_sql on a key or immutable field");
}

static void test_onupdate_sql_with_onupdate_or_empty_is_einval_at_open(void)
{
    static const ath_model both = ATH_MODEL_OF(Bad, "bad", bad_both_fields);
    static const ath_model empty = ATH_MODEL_OF(Bad, "bad", bad_empty_fields);
    assert_refused(&both, "both onupdate and onupdate_sql");
    assert_refused(&empty, "onupdate_sql is empty");
}

const test_case onupdate_sql_tests[] = {
    {"test_onupdate_sql_not_written_on_insert", test_onupdate_sql_not_written_on_insert},
    {"test_onupdate_sql_value_set_by_database_and_read_back",
     test_onupdate_sql_value_set_by_database_and_read_back},
    {"test_onupdate_sql_written_on_update_fields_not_naming_it",
     test_onupdate_sql_written_on_update_fields_not_naming_it},
    {"test_onupdate_sql_not_written_by_update_where",
     test_onupdate_sql_not_written_by_update_where},
    {"test_onupdate_sql_written_on_update_many_and_read_back",
     test_onupdate_sql_written_on_update_many_and_read_back},
    {"test_onupdate_sql_written_on_update_many_fields_not_naming_it",
     test_onupdate_sql_written_on_update_many_fields_not_naming_it},
    {"test_onupdate_sql_update_of_a_missing_row_is_enotfound",
     test_onupdate_sql_update_of_a_missing_row_is_enotfound},
    {"test_onupdate_sql_written_on_upsert_update_branch_not_insert",
     test_onupdate_sql_written_on_upsert_update_branch_not_insert},
    {"test_onupdate_sql_written_on_upsert_many", test_onupdate_sql_written_on_upsert_many},
    {"test_onupdate_sql_written_on_upsert_matching_a_non_unique_column",
     test_onupdate_sql_written_on_upsert_matching_a_non_unique_column},
    {"test_onupdate_sql_written_on_get_and_update_and_read_back",
     test_onupdate_sql_written_on_get_and_update_and_read_back},
    {"test_onupdate_sql_written_on_get_or_upsert_fields_when_it_writes",
     test_onupdate_sql_written_on_get_or_upsert_fields_when_it_writes},
    {"test_onupdate_sql_composite_key_update_many_reads_each_row_back",
     test_onupdate_sql_composite_key_update_many_reads_each_row_back},
    {"test_onupdate_sql_on_key_or_immutable_field_is_einval_at_open",
     test_onupdate_sql_on_key_or_immutable_field_is_einval_at_open},
    {"test_onupdate_sql_with_onupdate_or_empty_is_einval_at_open",
     test_onupdate_sql_with_onupdate_or_empty_is_einval_at_open},
    {NULL, NULL},
};

TEST_SUITE(onupdate_sql)
{
    conf_add_group("repo-onupdate-sql", onupdate_sql_tests, true);
}
