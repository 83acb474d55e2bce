/*
 * repo-many: update_many and delete_many on batches big enough to take the set-based paths
 * (PostgreSQL: UPDATE … FROM (VALUES …) and key = ANY(array); MariaDB: UPDATE … JOIN) across
 * several chunks, with the per-object path's results and error codes: a missing key, a key given
 * twice, a constraint refusing one object, keys the array's text form must escape. And the
 * partial form, update_many_fields: only the named columns are written, on the same paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

#define BIG 2500 /* more than one chunk everywhere (1000 rows per statement at most) */

/* BIG heroes "h-00000"…, age i % 90, committed; their ids into ids[]. */
static void add_big(ath_session *s, ath_repo *heroes, int64_t *ids)
{
    Hero *h = calloc(BIG, sizeof *h);
    char(*names)[16] = calloc(BIG, sizeof *names);
    CU_ASSERT_FATAL(h && names);
    for (int i = 0; i < BIG; i++) {
        snprintf(names[i], sizeof names[i], "h-%05d", i);
        h[i].name = names[i];
        h[i].secret_name = "s";
        h[i].age = ath_some_i32(i % 90);
    }
    int rc = ath_repo_add_many(heroes, h, BIG);
    for (int i = 0; i < BIG; i++)
        ids[i] = h[i].id;
    free(h);
    free(names);
    ASSERT_RC(rc, ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
}

/* Heroes with these ids, renamed "u-<i>", aged i % 50 + 1, team NULL (names in `names`). */
static Hero *renamed(const int64_t *ids, size_t n, char (*names)[16])
{
    Hero *h = calloc(n, sizeof *h);
    CU_ASSERT_FATAL(h != NULL);
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "u-%05zu", i);
        h[i] = (Hero){ids[i], names[i], "new secret", ath_some_i32((int)(i % 50) + 1), {0, false}};
    }
    return h;
}

static void test_many_update_many_across_chunks(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    static int64_t ids[BIG];
    static char names[BIG][16];
    add_big(s, heroes, ids);
    Hero *h = renamed(ids, BIG, names);
    h[7].age = (ath_opt_i32){0, false}; /* NULL written too */
    ASSERT_RC(ath_repo_update_many(heroes, h, BIG), ATH_OK);
    free(h);
    int64_t expect_sum = 0;
    for (int i = 0; i < BIG; i++)
        expect_sum += i == 7 ? 0 : i % 50 + 1;
    ASSERT_I64(sql_i64(s, "SELECT SUM(age) FROM hero", NULL, 0), expect_sum);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM hero WHERE secret_name = 'new secret'", NULL, 0),
               BIG);
    ASSERT_HERO(s, ids[0], "u-00000|new secret|1|-");
    ASSERT_HERO(s, ids[7], "u-00007|new secret|-|-");
    ASSERT_HERO(s, ids[BIG - 1], "u-02499|new secret|50|-");
    conf_end();
}

static void test_many_update_many_missing_key_is_enotfound(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    static int64_t ids[BIG];
    static char names[BIG][16];
    add_big(s, heroes, ids);
    ids[1500] = ids[BIG - 1] + 1000; /* not there: in the second chunk */
    Hero *h = renamed(ids, BIG, names);
    ASSERT_RC(ath_repo_update_many(heroes, h, BIG), ATH_ENOTFOUND);
    ASSERT_ERR_HAS("no hero row with that primary key");
    free(h);
    /* as object by object: the objects before the missing one were updated, none after it; a
     * missing key fails no transaction, so the session reads on */
    ASSERT_HERO(s, ids[1499], "u-01499|new secret|50|-");
    ASSERT_HERO(s, ids[1501], "h-01501|s|61|-");
    ASSERT_HERO(s, ids[0], "u-00000|new secret|1|-");
    conf_end();
}

static void test_many_update_many_key_twice_last_wins(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "A", "a", 1, 0);
    int64_t b = add_hero(heroes, "B", "b", 2, 0);
    Hero h[3] = {{a, "A1", "first", ath_some_i32(10), {0, false}},
                 {b, "B1", "only", ath_some_i32(20), {0, false}},
                 {a, "A2", "second", ath_some_i32(11), {0, false}}};
    ASSERT_RC(ath_repo_update_many(heroes, h, 3), ATH_OK);
    ASSERT_HERO(s, a, "A2|second|11|-");
    ASSERT_HERO(s, b, "B1|only|20|-");
    conf_end();
}

static void test_many_update_many_constraint_names_the_error(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t team = add_team(conf_repo(s, &Team_model), "Avengers", NULL);
    int64_t a = add_hero(heroes, "A", "a", 1, 0);
    int64_t b = add_hero(heroes, "B", "b", 2, 0);
    int64_t c = add_hero(heroes, "C", "c", 3, 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    Hero h[3] = {{a, "A1", "a", ath_some_i32(1), ath_some_i64(team)},
                 {b, "B1", "b", ath_some_i32(2), ath_some_i64(team + 1000)}, /* no such team */
                 {c, "C1", "c", ath_some_i32(3), {0, false}}};
    ASSERT_RC(ath_repo_update_many(heroes, h, 3), ATH_EFOREIGNKEY);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_HERO(s, b, "B|b|2|-");
    ASSERT_HERO(s, c, "C|c|3|-");
    conf_end();
}

static void test_many_delete_many_big_batch(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    static int64_t ids[BIG];
    add_big(s, heroes, ids);
    static ath_value keys[BIG];
    size_t n = 0;
    for (int i = 0; i < BIG; i += 2)
        keys[n++] = ath_v_i64(ids[i]);
    keys[n++] = ath_v_i64(ids[BIG - 1] + 1000); /* not there: not counted */
    keys[n++] = ath_v_null();                   /* matches nothing, as IN (NULL) */
    int64_t deleted = 0;
    ASSERT_RC(ath_repo_delete_many(heroes, keys, n, &deleted), ATH_OK);
    ASSERT_I64(deleted, BIG / 2);
    ASSERT_I64(sql_count(s, "hero"), BIG / 2);
    ASSERT_HERO(s, ids[0], "(no row)");
    ASSERT_HERO(s, ids[1], "h-00001|s|1|-");
    conf_end();
}

static void test_many_delete_many_refuses_a_key_of_the_wrong_kind(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "A", "a", 1, 0);
    ath_value keys[2] = {ath_v_i64(a), ath_v_text("1")};
    int64_t deleted = 7;
    ASSERT_RC(ath_repo_delete_many(heroes, keys, 2, &deleted), ATH_EINVAL);
    ASSERT_I64(deleted, 0);
    ASSERT_I64(sql_count(s, "hero"), 1);
    conf_end();
}

/* A text key: the array's text form quotes and escapes every key. */
typedef struct Code {
    char *code;
    char *label;
} Code;
static const ath_field code_fields[] = {
    ATH_FIELD(Code, code, text, .flags = ATH_PK, .max_length = 32),
    ATH_FIELD(Code, label, text),
};
static const ath_model Code_model = ATH_MODEL_OF(Code, "many_code", code_fields);

static void test_many_delete_many_text_keys_that_need_escaping(void)
{
    ath_session *s = conf_begin();
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_drop_all(conf->engine, ATH_MODELS(&Code_model)), ATH_OK);
    ASSERT_RC(ath_create_all(conf->engine, ATH_MODELS(&Code_model)), ATH_OK);
    ath_repo *codes = conf_repo(s, &Code_model);
    static const char *const keys_text[] = {"plain",   "with \"quote\"", "back\\slash", "a,b",
                                            "{brace}", "NULL",           " spaced ",    "keep"};
    enum { N = sizeof keys_text / sizeof *keys_text };
    Code rows[N];
    for (size_t i = 0; i < N; i++)
        rows[i] = (Code){(char *)keys_text[i], "x"};
    ASSERT_RC(ath_repo_add_many(codes, rows, N), ATH_OK);
    ath_value keys[N - 1];
    for (size_t i = 0; i < N - 1; i++)
        keys[i] = ath_v_text(keys_text[i]);
    int64_t deleted = 0;
    ASSERT_RC(ath_repo_delete_many(codes, keys, N - 1, &deleted), ATH_OK);
    ASSERT_I64(deleted, N - 1);
    ath_list *left = conf_list(codes, ATH_NO_FILTERS);
    ASSERT_NAMES(left, Code, code, "keep");
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_drop_all(conf->engine, ATH_MODELS(&Code_model)), ATH_OK);
    conf_end();
}

/* --- add_many with generated keys ------------------------------------------------------------ */

/* Counts the "bulk insert into" lines an engine's echo logs. */
static void count_bulk(void *ctx, ath_log_level level, const char *message)
{
    if (level == ATH_LOG_SQL && strstr(message, "bulk insert into hero"))
        ++*(int *)ctx;
}

#define KEYED 1200 /* above the bulk path's 500-row minimum */

/* Heroes "k-00000"… (age i % 90, team as given for row `bad`, else none) into h and names. */
static void keyed_heroes(Hero *h, char (*names)[16], size_t n, size_t bad, int64_t team)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "k-%05zu", i);
        h[i] = (Hero){0, names[i], "s", ath_some_i32((int)(i % 90)), {0, false}};
        if (i == bad)
            h[i].team_id = ath_some_i64(team);
    }
}

/* An engine on the suite's URL whose echo counts bulk inserts into *bulk. */
static ath_engine *counting_engine(int *bulk)
{
    ath_engine_options o;
    ath_engine_options_init(&o);
    o.echo = true;
    o.hide_parameters = true;
    o.log = count_bulk;
    o.log_ctx = bulk;
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create_opts(&e, conf->url, &o), ATH_OK);
    if (conf->be->memory) /* a database of its own */
        ASSERT_RC(ath_create_all(e, ATH_MODELS(&Team_model, &Hero_model)), ATH_OK);
    return e;
}

static void test_many_add_many_generated_keys_are_the_rows_keys_in_order(void)
{
    conf_begin(); /* empty tables, then the suite's session closed: the test has its own */
    conf_end();
    int bulk = 0;
    ath_engine *e = counting_engine(&bulk);
    ath_session *s = NULL;
    ath_repo *heroes = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(ath_repo_open(&heroes, s, &Hero_model), ATH_OK);
    static Hero h[KEYED];
    static char names[KEYED][16];
    keyed_heroes(h, names, KEYED, KEYED, 0);
    ASSERT_RC(ath_repo_add_many(heroes, h, KEYED), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    /* PostgreSQL took COPY (keys reserved from the sequence); the others multi-row INSERT */
    CU_ASSERT_EQUAL(bulk, conf->be->bulk_generated_keys ? 1 : 0);
    /* every object holds its own row's key: keys rise with the rows, and the rows read back in
     * key order are the objects in order */
    for (size_t i = 1; i < KEYED; i++)
        if (h[i].id <= h[i - 1].id)
            CU_FAIL_FATAL("keys do not rise with the rows");
    ath_list *all = NULL;
    ASSERT_RC(ath_repo_list(heroes, &all, ATH_FILTERS(ath_order_by("id", false))), ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_list_count(all), KEYED);
    const Hero *rows = ath_list_items(all);
    size_t same = 0;
    for (size_t i = 0; i < KEYED; i++)
        same += rows[i].id == h[i].id && strcmp(rows[i].name, names[i]) == 0 && rows[i].age.set &&
                rows[i].age.value == (int)(i % 90);
    CU_ASSERT_EQUAL(same, KEYED);
    ath_list_free(all);
    /* the sequence moved past the reserved keys: a later add gets a new one */
    int64_t after = add_hero(heroes, "after", "s", 1, 0);
    CU_ASSERT_TRUE(after > h[KEYED - 1].id);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_repo_free(heroes);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_many_add_many_generated_keys_failure_leaves_keys_unset(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    static Hero h[600]; /* one chunk on every backend */
    static char names[600][16];
    keyed_heroes(h, names, 600, 444, 987654321); /* no such team */
    ASSERT_RC(ath_repo_add_many(heroes, h, 600), ATH_EFOREIGNKEY);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    size_t unset = 0;
    for (size_t i = 0; i < 600; i++)
        unset += h[i].id == 0;
    CU_ASSERT_EQUAL(unset, 600);
    ASSERT_I64(sql_count(s, "hero"), 0);
    conf_end();
}

/* --- update_many_fields ------------------------------------------------------------------------
 */

static void test_many_update_many_fields_writes_only_named_columns(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    static int64_t ids[BIG];
    static char names[BIG][16];
    add_big(s, heroes, ids);
    Hero *h = renamed(ids, BIG, names); /* secret_name "new secret" in every object */
    h[7].age = (ath_opt_i32){0, false}; /* NULL written too: age is named */
    ASSERT_RC(ath_repo_update_many_fields(heroes, h, BIG, ATH_NAMES("name", "age")), ATH_OK);
    free(h);
    int64_t expect_sum = 0;
    for (int i = 0; i < BIG; i++)
        expect_sum += i == 7 ? 0 : i % 50 + 1;
    ASSERT_I64(sql_i64(s, "SELECT SUM(age) FROM hero", NULL, 0), expect_sum);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM hero WHERE secret_name = 's'", NULL, 0), BIG);
    ASSERT_HERO(s, ids[0], "u-00000|s|1|-");
    ASSERT_HERO(s, ids[7], "u-00007|s|-|-");
    ASSERT_HERO(s, ids[BIG - 1], "u-02499|s|50|-");
    conf_end();
}

static void test_many_update_many_fields_unnamed_columns_keep_database_values(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t team = add_team(conf_repo(s, &Team_model), "Avengers", NULL);
    int64_t a = add_hero(heroes, "A", "a", 1, 0);
    int64_t b = add_hero(heroes, "B", "b", 2, 0);
    int64_t c = add_hero(heroes, "C", "c", 3, 0);
    /* the rows change behind the objects (another writer): the new values must survive */
    ath_value t = ath_v_i64(team);
    CU_ASSERT(sql_exec(s, "UPDATE hero SET secret_name = 'db', team_id = ?", &t, 1) >= 0);
    Hero h[3] = {{a, "A1", "stale", ath_some_i32(10), {0, false}},
                 {b, "B1", "stale", ath_some_i32(20), {0, false}},
                 {c, "C1", "stale", ath_some_i32(30), {0, false}}};
    ASSERT_RC(ath_repo_update_many_fields(heroes, h, 3, ATH_NAMES("name")), ATH_OK);
    char expect[64];
    snprintf(expect, sizeof expect, "A1|db|1|%lld", (long long)team);
    ASSERT_HERO(s, a, expect);
    snprintf(expect, sizeof expect, "B1|db|2|%lld", (long long)team);
    ASSERT_HERO(s, b, expect);
    snprintf(expect, sizeof expect, "C1|db|3|%lld", (long long)team);
    ASSERT_HERO(s, c, expect);
    conf_end();
}

static void test_many_update_many_fields_unknown_field_changes_nothing(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "A", "a", 1, 0);
    int64_t b = add_hero(heroes, "B", "b", 2, 0);
    Hero h[2] = {{a, "A1", "x", ath_some_i32(10), {0, false}},
                 {b, "B1", "x", ath_some_i32(20), {0, false}}};
    ASSERT_RC(ath_repo_update_many_fields(heroes, h, 2, ATH_NAMES("name", "nickname")), ATH_EINVAL);
    ASSERT_ERR_HAS("nickname");
    ASSERT_HERO(s, a, "A|a|1|-");
    ASSERT_HERO(s, b, "B|b|2|-");
    conf_end();
}

static void test_many_update_many_fields_refuses_the_key(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "A", "a", 1, 0);
    int64_t b = add_hero(heroes, "B", "b", 2, 0);
    Hero h[2] = {{a, "A1", "x", ath_some_i32(10), {0, false}},
                 {b, "B1", "x", ath_some_i32(20), {0, false}}};
    ASSERT_RC(ath_repo_update_many_fields(heroes, h, 2, ATH_NAMES("name", "id")), ATH_EINVAL);
    ASSERT_ERR_HAS("primary key");
    ASSERT_HERO(s, a, "A|a|1|-");
    ASSERT_HERO(s, b, "B|b|2|-");
    conf_end();
}

static void test_many_update_many_fields_empty_list_writes_nothing(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "A", "a", 1, 0);
    int64_t b = add_hero(heroes, "B", "b", 2, 0);
    Hero h[2] = {{a, "A1", "x", ath_some_i32(10), {0, false}},
                 {b, "B1", "x", ath_some_i32(20), {0, false}}};
    ASSERT_RC(ath_repo_update_many_fields(heroes, h, 2, NULL, 0), ATH_OK);
    ASSERT_HERO(s, a, "A|a|1|-");
    ASSERT_HERO(s, b, "B|b|2|-");
    h[1].id = b + 1000; /* no such row: still reported */
    ASSERT_RC(ath_repo_update_many_fields(heroes, h, 2, NULL, 0), ATH_ENOTFOUND);
    ASSERT_ERR_HAS("no hero row with that primary key");
    conf_end();
}

static void test_many_update_many_fields_name_twice_written_once(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "A", "a", 1, 0);
    int64_t b = add_hero(heroes, "B", "b", 2, 0);
    Hero h[2] = {{a, "A1", "x", ath_some_i32(10), {0, false}},
                 {b, "B1", "x", ath_some_i32(20), {0, false}}};
    ASSERT_RC(ath_repo_update_many_fields(heroes, h, 2, ATH_NAMES("age", "name", "age")), ATH_OK);
    ASSERT_HERO(s, a, "A1|a|10|-");
    ASSERT_HERO(s, b, "B1|b|20|-");
    conf_end();
}

static void test_many_update_many_fields_missing_key_is_enotfound(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    static int64_t ids[BIG];
    static char names[BIG][16];
    add_big(s, heroes, ids);
    ids[1500] = ids[BIG - 1] + 1000; /* not there: in the second chunk */
    Hero *h = renamed(ids, BIG, names);
    ASSERT_RC(ath_repo_update_many_fields(heroes, h, BIG, ATH_NAMES("name")), ATH_ENOTFOUND);
    ASSERT_ERR_HAS("no hero row with that primary key");
    free(h);
    ASSERT_HERO(s, ids[1499], "u-01499|s|59|-");
    ASSERT_HERO(s, ids[1501], "h-01501|s|61|-");
    conf_end();
}

const test_case many_tests[] = {
    {"test_many_add_many_generated_keys_are_the_rows_keys_in_order",
     test_many_add_many_generated_keys_are_the_rows_keys_in_order},
    {"test_many_add_many_generated_keys_failure_leaves_keys_unset",
     test_many_add_many_generated_keys_failure_leaves_keys_unset},
    {"test_many_update_many_across_chunks", test_many_update_many_across_chunks},
    {"test_many_update_many_missing_key_is_enotfound",
     test_many_update_many_missing_key_is_enotfound},
    {"test_many_update_many_key_twice_last_wins", test_many_update_many_key_twice_last_wins},
    {"test_many_update_many_constraint_names_the_error",
     test_many_update_many_constraint_names_the_error},
    {"test_many_update_many_fields_writes_only_named_columns",
     test_many_update_many_fields_writes_only_named_columns},
    {"test_many_update_many_fields_unnamed_columns_keep_database_values",
     test_many_update_many_fields_unnamed_columns_keep_database_values},
    {"test_many_update_many_fields_unknown_field_changes_nothing",
     test_many_update_many_fields_unknown_field_changes_nothing},
    {"test_many_update_many_fields_refuses_the_key", test_many_update_many_fields_refuses_the_key},
    {"test_many_update_many_fields_empty_list_writes_nothing",
     test_many_update_many_fields_empty_list_writes_nothing},
    {"test_many_update_many_fields_name_twice_written_once",
     test_many_update_many_fields_name_twice_written_once},
    {"test_many_update_many_fields_missing_key_is_enotfound",
     test_many_update_many_fields_missing_key_is_enotfound},
    {"test_many_delete_many_big_batch", test_many_delete_many_big_batch},
    {"test_many_delete_many_refuses_a_key_of_the_wrong_kind",
     test_many_delete_many_refuses_a_key_of_the_wrong_kind},
    {"test_many_delete_many_text_keys_that_need_escaping",
     test_many_delete_many_text_keys_that_need_escaping},
    {NULL, NULL},
};

TEST_SUITE(many)
{
    conf_add_group("repo-many", many_tests, true);
}
