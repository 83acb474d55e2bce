/*
 * values: one value-kind rule on every backend, checked in the core before anything is sent
 * (filters, keys, update_where, cursors), range-checked stores into narrower members on every
 * path (write-back included), LIKE patterns that behave the same everywhere, unknown operators
 * refused, and raw SQL with more than one statement refused. Every refusal asserts the code, the
 * words of the message and that the database did not change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

/* Deadpond (no age), Rusty-Man (48), committed; returns Rusty-Man's id. */
static int64_t two_heroes(ath_session *s, ath_repo *heroes)
{
    add_hero(heroes, "Deadpond", "Dive Wilson", -1, 0);
    int64_t id = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    return id;
}

/* delete_where with `f` is refused with ATH_EINVAL and deletes nothing. */
static void refused_filter(ath_session *s, ath_repo *heroes, ath_filter f, const char *w1,
                           const char *w2, const char *w3)
{
    int64_t deleted = -1;
    ASSERT_RC(ath_repo_delete_where(heroes, &deleted, &f, 1), ATH_EINVAL);
    ASSERT_ERR_HAS(w1);
    ASSERT_ERR_HAS(w2);
    ASSERT_ERR_HAS(w3);
    ASSERT_I64(deleted, 0);
    CU_ASSERT_FALSE(ath_session_failed(s)); /* refused before anything was sent */
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, "hero"), 2);
}

static void test_text_into_integer_column_is_einval_naming_model_column_and_kinds(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    two_heroes(s, heroes);
    refused_filter(s, heroes, ath_where("age", ATH_EQ, ath_v_text("48")), "model Hero", "age",
                   "given text");
    ASSERT_ERR_HAS("expects i32");
    conf_end();
}

static void test_fractional_double_into_integer_column_is_einval(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    two_heroes(s, heroes);
    refused_filter(s, heroes, ath_where("age", ATH_GE, ath_v_double(47.5)), "column age",
                   "double 47.5", "not a whole number");
    /* a whole double is the same number: accepted */
    int64_t n = -1;
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_FILTERS(ath_where("age", ATH_EQ, ath_v_double(48)))),
              ATH_OK);
    ASSERT_I64(n, 1);
    conf_end();
}

static void test_integer_outside_the_column_range_is_einval(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = two_heroes(s, heroes);
    refused_filter(s, heroes, ath_where("age", ATH_LT, ath_v_i64(INT64_C(5000000000))), "age",
                   "5000000000", "outside the i32 range");
    int64_t updated = -1;
    static const char *const age[] = {"age"};
    ath_value wide = ath_v_i64(INT64_C(5000000000));
    ASSERT_RC(ath_repo_update_where(heroes, &updated, age, &wide, 1, ATH_NO_FILTERS), ATH_EINVAL);
    ASSERT_ERR_HAS("update_where");
    ASSERT_ERR_HAS("outside the i32 range");
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_HERO(s, id, "Rusty-Man|Tommy Sharp|48|-");
    conf_end();
}

static void test_blob_into_text_column_is_einval(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = two_heroes(s, heroes);
    int64_t updated = -1;
    static const char *const name[] = {"name"};
    ath_value bytes = ath_v_blob("\xff\xfe", 2);
    ASSERT_RC(ath_repo_update_where(heroes, &updated, name, &bytes, 1,
                                    ATH_FILTERS(ath_where("id", ATH_EQ, ath_v_i64(id)))),
              ATH_EINVAL);
    ASSERT_ERR_HAS("column name expects text, given blob");
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_HERO(s, id, "Rusty-Man|Tommy Sharp|48|-");
    refused_filter(s, heroes, ath_where("name", ATH_EQ, ath_v_blob("Deadpond", 8)), "model Hero",
                   "expects text", "given blob");
    conf_end();
}

static void test_integer_into_text_column_is_einval(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    two_heroes(s, heroes);
    refused_filter(s, heroes, ath_where("name", ATH_NE, ath_v_i64(7)), "column name",
                   "expects text", "given i64");
    conf_end();
}

static void test_text_key_of_integer_primary_key_is_einval(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = two_heroes(s, heroes);
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    Hero out = {0};
    ath_value key = ath_v_text(idtext);
    ASSERT_RC(ath_repo_get(heroes, &out, &key, 1), ATH_EINVAL);
    ASSERT_ERR_HAS("the key given to get");
    ASSERT_ERR_HAS("column id expects i64");
    ASSERT_ERR_HAS("given text");
    CU_ASSERT_PTR_NULL(out.name);
    ASSERT_RC(ath_repo_delete(heroes, &key, 1, NULL), ATH_EINVAL);
    ASSERT_ERR_HAS("the key given to delete");
    int64_t deleted = -1;
    ASSERT_RC(ath_repo_delete_many(heroes, &key, 1, &deleted), ATH_EINVAL);
    ASSERT_ERR_HAS("given text");
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, "hero"), 2);
    ASSERT_HERO(s, id, "Rusty-Man|Tommy Sharp|48|-");
    conf_end();
}

static void test_collection_with_one_misfit_value_is_einval(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    two_heroes(s, heroes);
    refused_filter(s, heroes,
                   ath_not_in_collection("age", ATH_VALUES(ath_v_i32(1), ath_v_bool(true))),
                   "a collection filter", "expects i32", "given bool");
    conf_end();
}

static void test_cursor_value_outside_the_column_range_is_einval(void)
{
    ath_session *s = conf_begin();
    ath_repo *events = conf_repo(s, &Event_model);
    Event e = {0, "launch", ath_timestamp_now(), 1, NULL};
    ASSERT_RC(ath_repo_add(events, &e), ATH_OK);
    ath_list *page = NULL;
    ASSERT_RC(ath_repo_list(events, &page,
                            ATH_FILTERS(ath_order_by("bucket", false), ath_limit_offset(5, 0),
                                        ath_after("i5000000000,i1"))),
              ATH_EINVAL);
    CU_ASSERT_PTR_NULL(page);
    ASSERT_ERR_HAS("a cursor");
    ASSERT_ERR_HAS("column bucket");
    ASSERT_ERR_HAS("outside the i32 range");
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, "event"), 0);
    conf_end();
}

static void test_unknown_operator_is_einval_not_like(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    two_heroes(s, heroes);
    ath_filter f = ath_where("name", ATH_EQ, ath_v_text("%"));
    f.op = (ath_op)99; /* once compiled to LIKE: it matched every hero */
    refused_filter(s, heroes, f, "operator 99", "not an ath_op", "column name");
    f.op = (ath_op)-1;
    refused_filter(s, heroes, f, "operator -1", "not an ath_op", "Hero");
    conf_end();
}

static void test_client_default_of_the_wrong_kind_is_refused_at_open(void)
{
    typedef struct Odd {
        int64_t id;
        ath_opt_i32 n;
    } Odd;
    static const ath_field odd_fields[] = {
        ATH_FIELD(Odd, id, i64, .flags = ATH_PK),
        ATH_FIELD(Odd, n, opt_i32, .default_value = ATH_DEFAULT_TEXT("seven")),
    };
    static const ath_model Odd_model = ATH_MODEL_OF(Odd, "odd", odd_fields);
    ath_session *s = conf_begin();
    ath_repo *repo = NULL;
    ASSERT_RC(ath_repo_open(&repo, s, &Odd_model), ATH_EINVAL);
    CU_ASSERT_PTR_NULL(repo);
    ASSERT_ERR_HAS("default_value");
    ASSERT_ERR_HAS("column n expects i32");
    ASSERT_ERR_HAS("given text");
    conf_end();
}

/* wide_default: a table made outside Athanor with a BIGINT default that an i32 cannot hold. */
typedef struct Narrow {
    int64_t id;
    ath_opt_i32 n;
} Narrow;
static const ath_field narrow_fields[] = {
    ATH_FIELD(Narrow, id, i64, .flags = ATH_PK),
    ATH_FIELD(Narrow, n, opt_i32, .server_default = "3000000000"),
};
static const ath_model Narrow_model = ATH_MODEL_OF(Narrow, "wide_default", narrow_fields);

static void test_written_back_default_outside_an_i32_is_einval_as_get_is(void)
{
    ath_session *s = conf_begin();
    sql_exec(s, "DROP TABLE IF EXISTS wide_default", NULL, 0);
    ASSERT_RC(sql_exec(s,
                       "CREATE TABLE wide_default (id BIGINT PRIMARY KEY, n BIGINT DEFAULT "
                       "3000000000)",
                       NULL, 0),
              ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_repo *repo = conf_repo(s, &Narrow_model);
    Narrow a = {1, {0, false}};
    ASSERT_RC(ath_repo_add(repo, &a), ATH_EINVAL); /* once: n = -1294967296 */
    ASSERT_ERR_HAS("column n expects i32");
    ASSERT_ERR_HAS("3000000000");
    CU_ASSERT_FALSE(a.n.set && a.n.value == -1294967296);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, "wide_default"), 0);
    /* the same row, inserted raw, is refused by get with the same words */
    ASSERT_RC(sql_exec(s, "INSERT INTO wide_default (id) VALUES (2)", NULL, 0), ATH_OK);
    Narrow b = {0};
    ath_value key = ath_v_i64(2);
    ASSERT_RC(ath_repo_get(repo, &b, &key, 1), ATH_EINVAL);
    ASSERT_ERR_HAS("3000000000");
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    conf_close(s);
    s = conf_session();
    ASSERT_RC(sql_exec(s, "DROP TABLE wide_default", NULL, 0), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    conf_end();
}

static void test_raw_sql_with_two_statements_is_refused_and_runs_neither(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    add_team(teams, "Avengers", NULL);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    int rc = sql_exec(s, "INSERT INTO team (name) VALUES ('X-Force'); DELETE FROM team", NULL, 0);
    CU_ASSERT_EQUAL(rc, ATH_ESQL);
    ASSERT_ERR_HAS("more than one statement in one call"); /* the same words everywhere */
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, "team"), 1);
    char *name = sql_text(s, "SELECT name FROM team", NULL, 0);
    ASSERT_STR(name, "Avengers");
    free(name);
    /* a trailing semicolon, white space and comments are one statement */
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM team; -- counted\n /* done */ ", NULL, 0), 1);
    conf_end();
}

/* Teams whose names test the escape character and backslashes. */
static void escape_teams(ath_session *s, ath_repo *teams)
{
    add_team(teams, "a\\", NULL);
    add_team(teams, "a\\b", NULL);
    add_team(teams, "a%", NULL);
    add_team(teams, "a!", NULL);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
}

static int64_t count_like(ath_repo *teams, ath_op op, const char *pattern)
{
    int64_t n = -1;
    int rc = ath_repo_count(teams, &n, ATH_FILTERS(ath_where("name", op, ath_v_text(pattern))));
    return rc == ATH_OK ? n : rc;
}

static void test_like_pattern_ending_in_backslash_matches_the_same_everywhere(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    escape_teams(s, teams);
    /* backslash is an ordinary character on every backend (PostgreSQL's default escape is not) */
    ASSERT_I64(count_like(teams, ATH_LIKE, "a\\"), 1);
    ASSERT_I64(count_like(teams, ATH_LIKE, "a\\%"), 2);
    ASSERT_I64(count_like(teams, ATH_ILIKE, "A\\"), 1);
    ASSERT_I64(count_like(teams, ATH_NOT_LIKE, "a\\%"), 2);
    ASSERT_I64(count_like(teams, ATH_ENDSWITH, "\\"), 1);
    ASSERT_I64(count_like(teams, ATH_CONTAINS, "\\"), 2);
    int64_t n = -1;
    ASSERT_RC(ath_repo_count(teams, &n, ATH_FILTERS(ath_search("name", "a\\", false))), ATH_OK);
    ASSERT_I64(n, 2);
    ASSERT_RC(ath_repo_count(teams, &n, ATH_FILTERS(ath_not_search("name", "\\", true))), ATH_OK);
    ASSERT_I64(n, 2);
    CU_ASSERT_FALSE(ath_session_failed(s));
    conf_end();
}

static void test_like_pattern_escapes_wildcards_with_bang_everywhere(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    escape_teams(s, teams);
    ASSERT_I64(count_like(teams, ATH_LIKE, "a!%"), 1);
    ASSERT_I64(count_like(teams, ATH_LIKE, "a!!"), 1);
    ASSERT_I64(count_like(teams, ATH_LIKE, "a_"), 3);
    /* a lone '!' at the end escapes nothing: refused the same way on every backend */
    ASSERT_RC(count_like(teams, ATH_LIKE, "a!"), ATH_EINVAL);
    ASSERT_ERR_HAS("ends with the escape character");
    ASSERT_ERR_HAS("column name");
    CU_ASSERT_FALSE(ath_session_failed(s));
    ASSERT_I64(sql_count(s, "team"), 4);
    conf_end();
}

static void test_text_longer_than_max_length_is_refused_the_same_everywhere(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    char name[200];
    memset(name, 'x', 81);
    name[81] = '\0';
    Team t = {0, name, NULL};
    int rc = ath_repo_add(teams, &t);
    ASSERT_RC(rc, ATH_ECHECK);
    ASSERT_ERR_HAS_ANY("ck_team_name_len", "too long");
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, "team"), 0);
    /* the limit counts characters, not bytes, on every backend: 80 two-byte characters fit */
    char wide[200] = "";
    for (int i = 0; i < 80; i++)
        strcat(wide, "\xc3\xa9");
    Team w = {0, wide, NULL};
    ASSERT_RC(ath_repo_add(teams, &w), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, "team"), 1);
    conf_end();
}

static void test_invalid_json_is_refused_the_same_everywhere(void)
{
    ath_session *s = conf_begin();
    ath_repo *repo = conf_repo(s, &AllTypes_model);
    AllTypes o;
    fill_all_types(&o, 1);
    o.c_json = "{\"unclosed\": [1, 2";
    int rc = ath_repo_add(repo, &o);
    ASSERT_RC(rc, ATH_ECHECK);
    ASSERT_ERR_HAS_ANY("c_json", "json");
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, "all_types"), 0);
    fill_all_types(&o, 2);
    o.c_json = "{\"closed\": [1, 2]}";
    ASSERT_RC(ath_repo_add(repo, &o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, "all_types"), 1);
    conf_end();
}

/* The ownership rule (model.h): what Athanor writes into the struct is a copy the struct owns;
 * the caller's pointers are never freed, kept or written through; ath_model_free_owned frees
 * exactly the copies. */
static void test_free_owned_frees_exactly_what_add_wrote_back(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    int64_t team = add_team(teams, "Avengers", NULL);
    ath_repo *tasks = conf_repo(s, &Task_model);
    char title[] = "Write tests"; /* the caller's own buffer */
    Task t = {0, team, title, NULL, ath_some_i32(1), 5}, before = t;
    ASSERT_RC(ath_repo_add(tasks, &t), ATH_OK);
    CU_ASSERT_PTR_EQUAL(t.title, title); /* kept as given */
    ASSERT_STR(t.title, "Write tests");  /* and not written through */
    ASSERT_STR(t.status, "new");         /* the server default: Athanor's copy */
    ath_model_free_owned(&Task_model, &t, &before);
    CU_ASSERT_PTR_NULL(t.status); /* back to what the caller had */
    CU_ASSERT_PTR_EQUAL(t.title, title);
    CU_ASSERT(t.id > 0); /* scalars stay written back */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, "task"), 1);
    conf_end();
}

static void test_free_owned_after_a_failed_add_leaves_the_callers_strings(void)
{
    ath_session *s = conf_begin();
    ath_repo *tasks = conf_repo(s, &Task_model);
    char title[] = "Orphan";
    Task t = {0, 987654321, title, NULL, ath_some_i32(1), 5}, before = t; /* no such team */
    ASSERT_RC(ath_repo_add(tasks, &t), ATH_EFOREIGNKEY);
    ath_model_free_owned(&Task_model, &t, &before); /* nothing of Athanor's, nothing freed */
    CU_ASSERT_PTR_EQUAL(t.title, title);
    ASSERT_STR(t.title, "Orphan");
    CU_ASSERT_PTR_NULL(t.status);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, "task"), 0);
    conf_end();
}

static void test_get_or_upsert_replaces_every_string_with_an_owned_copy(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    add_team(teams, "Avengers", "Stark Tower");
    char name[] = "Avengers", hq[] = "Somewhere";
    Team t = {0, name, hq}, before = t;
    bool created = true;
    ASSERT_RC(ath_repo_get_or_upsert(teams, &t, ATH_NAMES("name"), false, &created), ATH_OK);
    CU_ASSERT_FALSE(created);
    ASSERT_STR(t.headquarters, "Stark Tower"); /* the stored row */
    ASSERT_STR(hq, "Somewhere");               /* the caller's buffer untouched */
    ASSERT_STR(name, "Avengers");
    FREE_OWNED(&Team_model, &t, &before); /* every string is a copy: ath_model_free_fields */
    conf_end();
}

/* A mixin hook that stores the wrong kind is held to the same rule as a caller. */
static const ath_mixin_role counted_roles[] = {{.name = "counter", .type = ATH_T_I64}};
static int text_into_counter(const ath_mixin_ctx *ctx, void *obj)
{
    ath_value v = ath_v_text("seven");
    return ath_mixin_set(ctx, obj, 0, &v); /* once: the pointer's bits landed in the integer */
}
static const ath_mixin texty_mixin = {
    .name = "texty", .roles = counted_roles, .nroles = 1, .before_insert = text_into_counter};
typedef struct Counted {
    int64_t id;
    int64_t counter;
} Counted;
static const ath_field counted_fields[] = {
    ATH_FIELD(Counted, id, i64, .flags = ATH_PK),
    ATH_FIELD(Counted, counter, i64),
};
static const ath_mixin_use counted_mixins[] = {
    ATH_ATTACH(texty_mixin, NULL, ATH_BIND(Counted, "counter", counter)),
};
static const ath_model Counted_model =
    ATH_MODEL_OF(Counted, "counted", counted_fields, ATH_MIXINS(counted_mixins));

static void test_mixin_storing_text_into_an_integer_role_is_einval(void)
{
    ath_session *s = conf_begin();
    ASSERT_RC(ath_create_all(conf->engine, ATH_MODELS(&Counted_model)), ATH_OK);
    ath_repo *repo = conf_repo(s, &Counted_model);
    Counted c = {1, 5};
    ASSERT_RC(ath_repo_add(repo, &c), ATH_EINVAL);
    ASSERT_ERR_HAS("model Counted (table counted), column counter expects i64");
    ASSERT_ERR_HAS("given text");
    ASSERT_I64(c.counter, 5);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, "counted"), 0);
    conf_close(s);
    ASSERT_RC(ath_drop_all(conf->engine, ATH_MODELS(&Counted_model)), ATH_OK);
    conf_end();
}

const test_case values_tests[] = {
    {"test_mixin_storing_text_into_an_integer_role_is_einval",
     test_mixin_storing_text_into_an_integer_role_is_einval},
    {"test_free_owned_frees_exactly_what_add_wrote_back",
     test_free_owned_frees_exactly_what_add_wrote_back},
    {"test_free_owned_after_a_failed_add_leaves_the_callers_strings",
     test_free_owned_after_a_failed_add_leaves_the_callers_strings},
    {"test_get_or_upsert_replaces_every_string_with_an_owned_copy",
     test_get_or_upsert_replaces_every_string_with_an_owned_copy},
    {"test_text_longer_than_max_length_is_refused_the_same_everywhere",
     test_text_longer_than_max_length_is_refused_the_same_everywhere},
    {"test_invalid_json_is_refused_the_same_everywhere",
     test_invalid_json_is_refused_the_same_everywhere},
    {"test_text_into_integer_column_is_einval_naming_model_column_and_kinds",
     test_text_into_integer_column_is_einval_naming_model_column_and_kinds},
    {"test_fractional_double_into_integer_column_is_einval",
     test_fractional_double_into_integer_column_is_einval},
    {"test_integer_outside_the_column_range_is_einval",
     test_integer_outside_the_column_range_is_einval},
    {"test_blob_into_text_column_is_einval", test_blob_into_text_column_is_einval},
    {"test_integer_into_text_column_is_einval", test_integer_into_text_column_is_einval},
    {"test_text_key_of_integer_primary_key_is_einval",
     test_text_key_of_integer_primary_key_is_einval},
    {"test_collection_with_one_misfit_value_is_einval",
     test_collection_with_one_misfit_value_is_einval},
    {"test_cursor_value_outside_the_column_range_is_einval",
     test_cursor_value_outside_the_column_range_is_einval},
    {"test_unknown_operator_is_einval_not_like", test_unknown_operator_is_einval_not_like},
    {"test_client_default_of_the_wrong_kind_is_refused_at_open",
     test_client_default_of_the_wrong_kind_is_refused_at_open},
    {"test_written_back_default_outside_an_i32_is_einval_as_get_is",
     test_written_back_default_outside_an_i32_is_einval_as_get_is},
    {"test_raw_sql_with_two_statements_is_refused_and_runs_neither",
     test_raw_sql_with_two_statements_is_refused_and_runs_neither},
    {"test_like_pattern_ending_in_backslash_matches_the_same_everywhere",
     test_like_pattern_ending_in_backslash_matches_the_same_everywhere},
    {"test_like_pattern_escapes_wildcards_with_bang_everywhere",
     test_like_pattern_escapes_wildcards_with_bang_everywhere},
    {NULL, NULL},
};

TEST_SUITE(values) { conf_add_group("values", values_tests, true); }
