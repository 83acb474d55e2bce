/*
 * repo-add: ath_repo_add and ath_repo_add_many — generated and explicit keys, server and client
 * defaults, empty and very large batches — each checked against what a raw SELECT reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

static int64_t add_task_team(ath_session *s)
{
    return add_team(conf_repo(s, &Team_model), "Taskforce", NULL);
}

static void test_add_writes_back_generated_id(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    Team a = {0, "Avengers", "Stark Tower"}, b = {0, "Justice League", NULL};
    ASSERT_RC(ath_repo_add(teams, &a), ATH_OK);
    ASSERT_RC(ath_repo_add(teams, &b), ATH_OK);
    CU_ASSERT(a.id > 0);
    CU_ASSERT(b.id > a.id);
    ath_value k = ath_v_text("Justice League");
    ASSERT_I64(sql_i64(s, "SELECT id FROM team WHERE name = ?", &k, 1), b.id);
    ASSERT_STR(a.name, "Avengers"); /* the caller's own strings are left alone */
    conf_end();
}

static void test_add_stores_every_column(void)
{
    ath_session *s = conf_begin();
    int64_t team = add_team(conf_repo(s, &Team_model), "Avengers", NULL);
    Hero h = {0, "Spider-Boy", "Pedro Parqueador", ath_some_i32(16), ath_some_i64(team)};
    ASSERT_RC(ath_repo_add(conf_repo(s, &Hero_model), &h), ATH_OK);
    ath_value k = ath_v_i64(h.id);
    char *name = sql_text(s, "SELECT name FROM hero WHERE id = ?", &k, 1);
    char *secret = sql_text(s, "SELECT secret_name FROM hero WHERE id = ?", &k, 1);
    ASSERT_STR(name, "Spider-Boy");
    ASSERT_STR(secret, "Pedro Parqueador");
    ASSERT_I64(sql_i64(s, "SELECT age FROM hero WHERE id = ?", &k, 1), 16);
    ASSERT_I64(sql_i64(s, "SELECT team_id FROM hero WHERE id = ?", &k, 1), team);
    free(name);
    free(secret);
    conf_end();
}

static void test_add_stores_unset_optionals_as_null(void)
{
    ath_session *s = conf_begin();
    int64_t id = add_hero(conf_repo(s, &Hero_model), "Deadpond", "Dive Wilson", -1, 0);
    ath_value k = ath_v_i64(id);
    ASSERT_I64(sql_i64(s,
                       "SELECT COUNT(*) FROM hero WHERE id = ? AND age IS NULL AND team_id IS NULL",
                       &k, 1),
               1);
    conf_end();
}

static void test_add_keeps_explicit_id(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    Team t = {4242, "Explicit", NULL};
    ASSERT_RC(ath_repo_add(teams, &t), ATH_OK);
    ASSERT_I64(t.id, 4242);
    ath_value k = ath_v_text("Explicit");
    ASSERT_I64(sql_i64(s, "SELECT id FROM team WHERE name = ?", &k, 1), 4242);
    conf_end();
}

static void test_add_writes_back_server_default(void)
{
    ath_session *s = conf_begin();
    Task t = {0, add_task_team(s), "Write tests", NULL, ath_some_i32(1), 5}, before = t;
    ASSERT_RC(ath_repo_add(conf_repo(s, &Task_model), &t), ATH_OK);
    ASSERT_STR(t.status, "new");
    ath_value k = ath_v_i64(t.id);
    char *stored = sql_text(s, "SELECT status FROM task WHERE id = ?", &k, 1);
    ASSERT_STR(stored, "new");
    free(stored);
    ath_model_free_owned(&Task_model, &t, &before); /* exactly the server's text Athanor wrote */
    conf_end();
}

static void test_add_keeps_given_value_over_server_default(void)
{
    ath_session *s = conf_begin();
    Task t = {0, add_task_team(s), "Ship it", "done", ath_some_i32(1), 5}, before = t;
    ASSERT_RC(ath_repo_add(conf_repo(s, &Task_model), &t), ATH_OK);
    ath_value k = ath_v_i64(t.id);
    char *stored = sql_text(s, "SELECT status FROM task WHERE id = ?", &k, 1);
    ASSERT_STR(stored, "done");
    ASSERT_STR(t.status, "done");
    free(stored);
    ath_model_free_owned(&Task_model, &t, &before);
    conf_end();
}

static void test_add_applies_client_default_when_unset(void)
{
    ath_session *s = conf_begin();
    Task t = {0, add_task_team(s), "Defaulted", "open", {0, false}, 0}, before = t;
    ASSERT_RC(ath_repo_add(conf_repo(s, &Task_model), &t), ATH_OK);
    ath_value k = ath_v_i64(t.id);
    ASSERT_I64(sql_i64(s, "SELECT priority FROM task WHERE id = ?", &k, 1), 3);
    ath_model_free_owned(&Task_model, &t, &before);
    conf_end();
}

static void test_add_ignores_client_default_when_set(void)
{
    ath_session *s = conf_begin();
    Task t = {0, add_task_team(s), "Urgent", "open", ath_some_i32(7), 0}, before = t;
    ASSERT_RC(ath_repo_add(conf_repo(s, &Task_model), &t), ATH_OK);
    ath_value k = ath_v_i64(t.id);
    ASSERT_I64(sql_i64(s, "SELECT priority FROM task WHERE id = ?", &k, 1), 7);
    ath_model_free_owned(&Task_model, &t, &before);
    conf_end();
}

static void test_add_row_with_composite_key(void)
{
    ath_session *s = conf_begin();
    Membership m = {7, 11, "captain"};
    ASSERT_RC(ath_repo_add(conf_repo(s, &Membership_model), &m), ATH_OK);
    ath_value k[] = {ath_v_i64(7), ath_v_i64(11)};
    char *role = sql_text(s, "SELECT role FROM membership WHERE team_id = ? AND hero_id = ?", k, 2);
    ASSERT_STR(role, "captain");
    free(role);
    conf_end();
}

static void test_add_many_writes_back_consecutive_ids(void)
{
    ath_session *s = conf_begin();
    Hero h[5] = {
        {0, "Deadpond", "Dive Wilson", {0, false}, {0, false}},
        {0, "Spider-Boy", "Pedro Parqueador", ath_some_i32(16), {0, false}},
        {0, "Rusty-Man", "Tommy Sharp", ath_some_i32(48), {0, false}},
        {0, "Tarantula", "Natalia Roman-on", ath_some_i32(32), {0, false}},
        {0, "Black Lion", "Trevor Challa", ath_some_i32(35), {0, false}},
    };
    ASSERT_RC(ath_repo_add_many(conf_repo(s, &Hero_model), h, 5), ATH_OK);
    CU_ASSERT(h[0].id > 0);
    for (size_t i = 1; i < 5; i++)
        ASSERT_I64(h[i].id, h[i - 1].id + 1);
    for (size_t i = 0; i < 5; i++) {
        ath_value k = ath_v_text(h[i].name);
        ASSERT_I64(sql_i64(s, "SELECT id FROM hero WHERE name = ?", &k, 1), h[i].id);
    }
    ASSERT_I64(sql_count(s, "hero"), 5);
    conf_end();
}

static void test_add_many_of_zero_objects_adds_nothing(void)
{
    ath_session *s = conf_begin();
    Hero h[1] = {{0, "Nobody", "None", {0, false}, {0, false}}};
    ASSERT_RC(ath_repo_add_many(conf_repo(s, &Hero_model), h, 0), ATH_OK);
    ASSERT_I64(h[0].id, 0);
    ASSERT_I64(sql_count(s, "hero"), 0);
    conf_end();
}

/* 20000 heroes × 4 bound columns = 80000 parameters: past every backend's one-statement limit. */
static void test_add_many_chunks_under_parameter_limit(void)
{
    enum { N = 20000 };
    ath_session *s = conf_begin();
    Hero *h = calloc(N, sizeof *h);
    char *names = malloc((size_t)N * 16);
    CU_ASSERT_FATAL(h && names);
    for (size_t i = 0; i < N; i++) {
        snprintf(names + i * 16, 16, "hero-%05zu", i);
        h[i] = (Hero){0, names + i * 16, "secret", ath_some_i32((int32_t)(i % 90)), {0, false}};
    }
    ASSERT_RC(ath_repo_add_many(conf_repo(s, &Hero_model), h, N), ATH_OK);
    ASSERT_I64(sql_count(s, "hero"), N);
    size_t bad_ids = 0, rows = 0;
    for (size_t i = 1; i < N; i++)
        bad_ids += h[i].id != h[i - 1].id + 1;
    ASSERT_I64(bad_ids, 0);
    ath_result *r = NULL;
    ASSERT_RC(ath_session_execute(s, "SELECT id, name, age FROM hero ORDER BY id", NULL, 0, &r),
              ATH_OK);
    size_t mismatches = 0;
    while (r && ath_result_next(r) == 1) {
        const char *name = ath_result_text(r, 1);
        if (rows >= N || ath_result_i64(r, 0) != h[rows].id || !name ||
            strcmp(name, h[rows].name) != 0 || ath_result_i64(r, 2) != (int64_t)(rows % 90))
            mismatches++;
        rows++;
    }
    ath_result_free(r);
    ASSERT_I64(rows, N);
    ASSERT_I64(mismatches, 0);
    free(names);
    free(h);
    conf_end();
}

/* 5000 rows × 23 columns = 115000 parameters, with client-generated UUID keys. */
static void test_add_many_wide_rows_chunks_under_parameter_limit(void)
{
    enum { N = 5000 };
    ath_session *s = conf_begin();
    AllTypes *o = calloc(N, sizeof *o);
    CU_ASSERT_FATAL(o != NULL);
    for (unsigned i = 0; i < N; i++)
        fill_all_types(&o[i], i + 1);
    ASSERT_RC(ath_repo_add_many(conf_repo(s, &AllTypes_model), o, N), ATH_OK);
    ASSERT_I64(sql_count(s, "all_types"), N);
    ath_value k = ath_v_uuid(conf_uuid(N));
    ASSERT_I64(sql_i64(s, "SELECT c_i64 FROM all_types WHERE id = ?", &k, 1),
               (int64_t)N * 1000000007LL);
    ASSERT_I64(sql_i64(s, "SELECT MIN(c_i32) FROM all_types", NULL, 0), -3LL * N);
    ASSERT_I64(sql_i64(s, "SELECT MAX(c_i32) FROM all_types", NULL, 0), -3);
    free(o);
    conf_end();
}

static void test_add_many_applies_server_and_client_defaults(void)
{
    ath_session *s = conf_begin();
    int64_t team = add_task_team(s);
    Task t[3] = {
        {0, team, "one", NULL, {0, false}, 1},
        {0, team, "two", NULL, ath_some_i32(9), 2},
        {0, team, "three", "done", {0, false}, 3},
    };
    Task before[3];
    memcpy(before, t, sizeof t);
    ASSERT_RC(ath_repo_add_many(conf_repo(s, &Task_model), t, 3), ATH_OK);
    ath_value k = ath_v_text("new");
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM task WHERE status = ?", &k, 1), 2);
    const int expected_priority[3] = {3, 9, 3};
    for (size_t i = 0; i < 3; i++) {
        ath_value title = ath_v_text(t[i].title);
        ASSERT_I64(sql_i64(s, "SELECT priority FROM task WHERE title = ?", &title, 1),
                   expected_priority[i]);
    }
    for (size_t i = 0; i < 3; i++)
        ath_model_free_owned(&Task_model, &t[i], &before[i]);
    conf_end();
}

static void test_add_many_writes_back_ids_of_macro_model(void)
{
    ath_session *s = conf_begin();
    Team t[3] = {{0, "Red", NULL}, {0, "Green", "Forest"}, {0, "Blue", NULL}};
    ASSERT_RC(ath_repo_add_many(conf_repo(s, &Team_model), t, 3), ATH_OK);
    for (size_t i = 0; i < 3; i++) {
        ath_value k = ath_v_text(t[i].name);
        ASSERT_I64(sql_i64(s, "SELECT id FROM team WHERE name = ?", &k, 1), t[i].id);
    }
    conf_end();
}

static void test_add_is_visible_to_get(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Dr. Weird", "Steve Weird", 36, 0);
    Hero got;
    memset(&got, 0, sizeof got);
    ath_value k = ath_v_i64(id);
    ASSERT_RC(ath_repo_get(heroes, &got, &k, 1), ATH_OK);
    ASSERT_STR(got.name, "Dr. Weird");
    CU_ASSERT(got.age.set && got.age.value == 36);
    CU_ASSERT_FALSE(got.team_id.set);
    ath_model_free_fields(&Hero_model, &got);
    conf_end();
}

/* --- more than 64 columns (issue 11): defaults and the key past column 64 ---------------------- */

static void check_wide_row(ath_session *s, const Wide *w, int32_t c69)
{
    ath_value k = ath_v_i64(w->id);
    ASSERT_I64(sql_i64(s, "SELECT c00 FROM wide WHERE id = ?", &k, 1), 1);
    ASSERT_I64(sql_i64(s, "SELECT c65 IS NULL FROM wide WHERE id = ?", &k, 1), 1);
    ASSERT_I64(sql_i64(s, "SELECT c66 FROM wide WHERE id = ?", &k, 1), 66);
    ASSERT_I64(sql_i64(s, "SELECT c69 FROM wide WHERE id = ?", &k, 1), c69);
    ASSERT_I64(sql_i64(s, "SELECT dflt FROM wide WHERE id = ?", &k, 1), 71);
    char *late = sql_text(s, "SELECT late FROM wide WHERE id = ?", &k, 1);
    ASSERT_STR(late, "late");
    free(late);
}

static void test_add_model_of_73_columns_binds_defaults_and_key_past_64(void)
{
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Wide_model);
    Wide w = {0}, before;
    w.c00 = ath_some_i32(1);
    w.c69 = ath_some_i32(69);
    before = w;
    ASSERT_RC(ath_repo_add(r, &w), ATH_OK);
    /* written back: the key (column 72) and the server defaults of columns 66, 70 and 71 */
    CU_ASSERT(w.id > 0);
    ASSERT_I64(sql_i64(s, "SELECT MAX(id) FROM wide", NULL, 0), w.id);
    CU_ASSERT(w.c66.set && w.c66.value == 66);
    CU_ASSERT(w.dflt.set && w.dflt.value == 71);
    ASSERT_STR(w.late, "late");
    CU_ASSERT(!w.c65.set);
    check_wide_row(s, &w, 69);
    /* read by the key and updated past column 64 */
    Wide got = {0};
    ath_value k = ath_v_i64(w.id);
    ASSERT_RC(ath_repo_get(r, &got, &k, 1), ATH_OK);
    CU_ASSERT(got.c69.set && got.c69.value == 69 && got.c66.value == 66 && !got.c65.set);
    ASSERT_STR(got.late, "late");
    got.c68 = ath_some_i32(-68);
    ASSERT_RC(ath_repo_update(r, &got), ATH_OK);
    ASSERT_I64(sql_i64(s, "SELECT c68 FROM wide WHERE id = ?", &k, 1), -68);
    ath_model_free_fields(&Wide_model, &got);
    ath_model_free_owned(&Wide_model, &w, &before);
    conf_end();
}

static void test_add_many_model_of_73_columns_binds_defaults_and_keys_past_64(void)
{
    enum { N = 40 };
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Wide_model);
    Wide w[N], before[N];
    memset(w, 0, sizeof w);
    for (int i = 0; i < N; i++) {
        w[i].c00 = ath_some_i32(1);
        w[i].c69 = ath_some_i32(i);
        if (i % 2)
            w[i].c66 = ath_some_i32(66); /* a second shape of omitted columns */
    }
    memcpy(before, w, sizeof w);
    ASSERT_RC(ath_repo_add_many(r, w, N), ATH_OK);
    ASSERT_I64(sql_count(s, "wide"), N);
    for (int i = 0; i < N; i++) {
        CU_ASSERT(w[i].id > 0);
        CU_ASSERT(i == 0 || w[i].id != w[i - 1].id);
        check_wide_row(s, &w[i], i);
    }
    for (int i = 0; i < N; i++)
        ath_model_free_owned(&Wide_model, &w[i], &before[i]);
    conf_end();
}

static void test_upsert_model_of_73_columns_updates_past_64(void)
{
    ath_session *s = conf_begin();
    ath_repo *r = conf_repo(s, &Wide_model);
    Wide w = {0}, before;
    w.c00 = ath_some_i32(1);
    w.c69 = ath_some_i32(5);
    before = w;
    ASSERT_RC(ath_repo_upsert(r, &w, NULL, 0), ATH_OK); /* key left to the database: an insert */
    CU_ASSERT(w.id > 0);
    check_wide_row(s, &w, 5);
    Wide again = {0};
    again.id = w.id;
    again.c00 = ath_some_i32(1);
    again.c66 = ath_some_i32(66);
    again.dflt = ath_some_i32(71);
    again.late = "late";
    again.c69 = ath_some_i32(6);
    Wide again_before = again;
    ASSERT_RC(ath_repo_upsert(r, &again, NULL, 0), ATH_OK); /* the key exists: an update */
    ASSERT_I64(sql_count(s, "wide"), 1);
    check_wide_row(s, &w, 6);
    ath_model_free_owned(&Wide_model, &again, &again_before);
    ath_model_free_owned(&Wide_model, &w, &before);
    conf_end();
}

const test_case add_tests[] = {
    {"test_add_writes_back_generated_id", test_add_writes_back_generated_id},
    {"test_add_stores_every_column", test_add_stores_every_column},
    {"test_add_stores_unset_optionals_as_null", test_add_stores_unset_optionals_as_null},
    {"test_add_keeps_explicit_id", test_add_keeps_explicit_id},
    {"test_add_writes_back_server_default", test_add_writes_back_server_default},
    {"test_add_keeps_given_value_over_server_default",
     test_add_keeps_given_value_over_server_default},
    {"test_add_applies_client_default_when_unset", test_add_applies_client_default_when_unset},
    {"test_add_ignores_client_default_when_set", test_add_ignores_client_default_when_set},
    {"test_add_row_with_composite_key", test_add_row_with_composite_key},
    {"test_add_is_visible_to_get", test_add_is_visible_to_get},
    {"test_add_many_writes_back_consecutive_ids", test_add_many_writes_back_consecutive_ids},
    {"test_add_many_of_zero_objects_adds_nothing", test_add_many_of_zero_objects_adds_nothing},
    {"test_add_many_chunks_under_parameter_limit", test_add_many_chunks_under_parameter_limit},
    {"test_add_many_wide_rows_chunks_under_parameter_limit",
     test_add_many_wide_rows_chunks_under_parameter_limit},
    {"test_add_many_applies_server_and_client_defaults",
     test_add_many_applies_server_and_client_defaults},
    {"test_add_many_writes_back_ids_of_macro_model", test_add_many_writes_back_ids_of_macro_model},
    {"test_add_model_of_73_columns_binds_defaults_and_key_past_64",
     test_add_model_of_73_columns_binds_defaults_and_key_past_64},
    {"test_add_many_model_of_73_columns_binds_defaults_and_keys_past_64",
     test_add_many_model_of_73_columns_binds_defaults_and_keys_past_64},
    {"test_upsert_model_of_73_columns_updates_past_64",
     test_upsert_model_of_73_columns_updates_past_64},
    {NULL, NULL},
};

TEST_SUITE(add) { conf_add_group("repo-add", add_tests, true); }
