/*
 * repo-delete: ath_repo_delete (returning the deleted row), ath_repo_delete_many (by keys,
 * single and composite, chunked) and ath_repo_delete_where (by filters), with the foreign-key
 * actions they trigger.
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

static void test_delete_reads_deleted_row_back(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t team = add_team(conf_repo(s, &Team_model), "Avengers", NULL);
    int64_t id = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, team);
    Hero gone;
    memset(&gone, 0, sizeof gone);
    ath_value k = ath_v_i64(id);
    ASSERT_RC(ath_repo_delete(heroes, &k, 1, &gone), ATH_OK);
    ASSERT_I64(gone.id, id);
    ASSERT_STR(gone.name, "Rusty-Man");
    ASSERT_STR(gone.secret_name, "Tommy Sharp");
    CU_ASSERT(gone.age.set && gone.age.value == 48);
    CU_ASSERT(gone.team_id.set && gone.team_id.value == team);
    ath_model_free_fields(&Hero_model, &gone);
    ASSERT_I64(sql_count(s, "hero"), 0);
    conf_end();
}

static void test_delete_without_out_object(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    int64_t b = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    ath_value k = ath_v_i64(a);
    ASSERT_RC(ath_repo_delete(heroes, &k, 1, NULL), ATH_OK);
    ASSERT_I64(sql_count(s, "hero"), 1);
    ASSERT_HERO(s, b, "Rusty-Man|Tommy Sharp|48|-");
    Hero h;
    memset(&h, 0, sizeof h);
    ASSERT_RC(ath_repo_get(heroes, &h, &k, 1), ATH_ENOTFOUND);
    conf_end();
}

static void test_delete_missing_key_is_enotfound(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    Hero gone;
    memset(&gone, 0, sizeof gone);
    ath_value k = ath_v_i64(id + 1000);
    ASSERT_RC(ath_repo_delete(heroes, &k, 1, &gone), ATH_ENOTFOUND);
    CU_ASSERT_PTR_NULL(gone.name);
    CU_ASSERT_FALSE(ath_session_failed(s));
    ASSERT_I64(sql_count(s, "hero"), 1);
    conf_end();
}

static void test_delete_by_composite_key(void)
{
    ath_session *s = conf_begin();
    ath_repo *m = conf_repo(s, &Membership_model);
    Membership rows[3] = {{1, 2, "lead"}, {1, 3, "member"}, {2, 3, "reserve"}};
    ASSERT_RC(ath_repo_add_many(m, rows, 3), ATH_OK);
    Membership gone;
    memset(&gone, 0, sizeof gone);
    ath_value k[] = {ath_v_i64(1), ath_v_i64(3)};
    ASSERT_RC(ath_repo_delete(m, k, 2, &gone), ATH_OK);
    ASSERT_STR(gone.role, "member");
    ath_model_free_fields(&Membership_model, &gone);
    ASSERT_I64(sql_count(s, "membership"), 2);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM membership WHERE hero_id = 3", NULL, 0), 1);
    conf_end();
}

static void test_delete_team_sets_hero_team_to_null(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    int64_t team = add_team(teams, "Avengers", NULL);
    int64_t hero = add_hero(conf_repo(s, &Hero_model), "Rusty-Man", "Tommy Sharp", 48, team);
    ath_value k = ath_v_i64(team);
    ASSERT_RC(ath_repo_delete(teams, &k, 1, NULL), ATH_OK);
    ASSERT_HERO(s, hero, "Rusty-Man|Tommy Sharp|48|-"); /* ON DELETE SET NULL */
    conf_end();
}

static void test_delete_team_cascades_to_tasks(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model), *tasks = conf_repo(s, &Task_model);
    int64_t doomed = add_team(teams, "Doomed", NULL), kept = add_team(teams, "Kept", NULL);
    Task t[3] = {{0, doomed, "a", "open", ath_some_i32(1), 0},
                 {0, doomed, "b", "open", ath_some_i32(1), 0},
                 {0, kept, "c", "open", ath_some_i32(1), 0}};
    Task before[3];
    memcpy(before, t, sizeof t);
    ASSERT_RC(ath_repo_add_many(tasks, t, 3), ATH_OK);
    for (size_t i = 0; i < 3; i++)
        ath_model_free_owned(&Task_model, &t[i], &before[i]);
    ath_value k = ath_v_i64(doomed);
    ASSERT_RC(ath_repo_delete(teams, &k, 1, NULL), ATH_OK);
    ASSERT_I64(sql_count(s, "task"), 1); /* ON DELETE CASCADE */
    ath_value c = ath_v_text("c");
    ASSERT_I64(sql_i64(s, "SELECT team_id FROM task WHERE title = ?", &c, 1), kept);
    conf_end();
}

static void test_delete_many_counts_deleted_rows(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    int64_t b = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    int64_t c = add_hero(heroes, "Deadpond", "Dive Wilson", -1, 0);
    ath_value keys[] = {ath_v_i64(a), ath_v_i64(c)};
    int64_t deleted = -1;
    ASSERT_RC(ath_repo_delete_many(heroes, keys, 2, &deleted), ATH_OK);
    ASSERT_I64(deleted, 2);
    ASSERT_I64(sql_count(s, "hero"), 1);
    ASSERT_HERO(s, b, "Rusty-Man|Tommy Sharp|48|-");
    conf_end();
}

static void test_delete_many_counts_only_existing_keys(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    int64_t b = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    ath_value keys[] = {ath_v_i64(a), ath_v_i64(b + 1000)};
    int64_t deleted = -1;
    ASSERT_RC(ath_repo_delete_many(heroes, keys, 2, &deleted), ATH_OK);
    ASSERT_I64(deleted, 1);
    ASSERT_I64(sql_count(s, "hero"), 1);
    conf_end();
}

static void test_delete_many_by_composite_keys(void)
{
    ath_session *s = conf_begin();
    ath_repo *m = conf_repo(s, &Membership_model);
    Membership rows[4] = {{1, 2, "a"}, {1, 3, "b"}, {2, 2, "c"}, {2, 3, "d"}};
    ASSERT_RC(ath_repo_add_many(m, rows, 4), ATH_OK);
    /* (1,3) and (2,2): neither (1,2) nor (2,3), which share one half of a key with them */
    ath_value keys[] = {ath_v_i64(1), ath_v_i64(3), ath_v_i64(2), ath_v_i64(2)};
    int64_t deleted = -1;
    ASSERT_RC(ath_repo_delete_many(m, keys, 2, &deleted), ATH_OK);
    ASSERT_I64(deleted, 2);
    char *left = sql_text(s, "SELECT role FROM membership WHERE team_id = 1", NULL, 0);
    char *right = sql_text(s, "SELECT role FROM membership WHERE team_id = 2", NULL, 0);
    ASSERT_STR(left, "a");
    ASSERT_STR(right, "d");
    free(left);
    free(right);
    conf_end();
}

static void test_delete_many_of_zero_keys_is_ok(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    int64_t deleted = -1;
    ASSERT_RC(ath_repo_delete_many(heroes, NULL, 0, &deleted), ATH_OK);
    ASSERT_I64(deleted, 0);
    ASSERT_I64(sql_count(s, "hero"), 1);
    conf_end();
}

/* 70000 keys: more parameters than one statement takes on any backend. */
static void test_delete_many_chunks_under_parameter_limit(void)
{
    enum { N = 70000 };
    ath_session *s = conf_begin();
    ath_repo *m = conf_repo(s, &Membership_model);
    Membership *rows = calloc(N, sizeof *rows);
    ath_value *keys = calloc((size_t)N * 2, sizeof *keys);
    CU_ASSERT_FATAL(rows && keys);
    for (size_t i = 0; i < N; i++) {
        rows[i] = (Membership){(int64_t)(i / 100), (int64_t)(i % 100), "r"};
        keys[2 * i] = ath_v_i64(rows[i].team_id);
        keys[2 * i + 1] = ath_v_i64(rows[i].hero_id);
    }
    ASSERT_RC(ath_repo_add_many(m, rows, N), ATH_OK);
    Membership extra = {999999, 1, "kept"};
    ASSERT_RC(ath_repo_add(m, &extra), ATH_OK);
    int64_t deleted = -1;
    ASSERT_RC(ath_repo_delete_many(m, keys, N, &deleted), ATH_OK);
    ASSERT_I64(deleted, N);
    ASSERT_I64(sql_count(s, "membership"), 1);
    free(keys);
    free(rows);
    conf_end();
}

static void test_delete_where_counts_matching_rows(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t deleted = -1;
    ASSERT_RC(ath_repo_delete_where(heroes, &deleted,
                                    ATH_FILTERS(ath_where("age", ATH_GE, ath_v_i32(48)))),
              ATH_OK);
    ASSERT_I64(deleted, 3);
    ASSERT_I64(sql_count(s, "hero"), 8);
    ath_value age = ath_v_i32(48);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM hero WHERE age >= ?", &age, 1), 0);
    conf_end();
}

static void test_delete_where_with_compound_filters(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    const ath_filter either[] = {ath_where("age", ATH_IS_NULL, ath_v_null()),
                                 ath_search("name,secret_name", "weird", true)};
    int64_t deleted = -1;
    ASSERT_RC(ath_repo_delete_where(heroes, &deleted, ATH_FILTERS(ath_any(either, 2))), ATH_OK);
    ASSERT_I64(deleted, 2); /* Deadpond (no age) and Dr. Weird */
    ASSERT_NAMES(
        conf_list(heroes, ATH_NO_FILTERS), Hero, name,
        "Spider-Boy|Rusty-Man|Black Lion|Captain North|Tarantula|50% Off|500 Club|a_b|axb");
    conf_end();
}

static void test_delete_where_across_foreign_key(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t deleted = -1;
    ASSERT_RC(
        ath_repo_delete_where(
            heroes, &deleted,
            ATH_FILTERS(ath_exists(
                &Team_model, ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("Avengers")))))),
        ATH_OK);
    ASSERT_I64(deleted, 2);
    ASSERT_I64(sql_count(s, "hero"), 9);
    conf_end();
}

static void test_delete_where_without_match_deletes_nothing(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t deleted = -1;
    ASSERT_RC(ath_repo_delete_where(heroes, &deleted,
                                    ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i32(1000)))),
              ATH_OK);
    ASSERT_I64(deleted, 0);
    ASSERT_I64(sql_count(s, "hero"), 11);
    conf_end();
}

static void test_delete_where_without_filters_deletes_every_row(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    ASSERT_RC(ath_repo_delete_where(heroes, NULL, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(sql_count(s, "hero"), 0);
    ASSERT_I64(sql_count(s, "team"), 4);
    conf_end();
}

static void test_delete_object_deletes_its_row(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    int64_t b = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    Hero h = {a, "whatever the object says", "x", {0, false}, {0, false}};
    ASSERT_RC(ath_repo_delete_object(heroes, &h), ATH_OK);
    ASSERT_I64(sql_count(s, "hero"), 1);
    ASSERT_HERO(s, b, "Rusty-Man|Tommy Sharp|48|-");
    ASSERT_RC(ath_repo_delete_object(heroes, &h), ATH_ENOTFOUND);
    CU_ASSERT_FALSE(ath_session_failed(s));
    conf_end();
}

static void test_delete_object_with_composite_key(void)
{
    ath_session *s = conf_begin();
    ath_repo *m = conf_repo(s, &Membership_model);
    Membership rows[2] = {{1, 2, "lead"}, {1, 3, "member"}};
    ASSERT_RC(ath_repo_add_many(m, rows, 2), ATH_OK);
    ASSERT_RC(ath_repo_delete_object(m, &rows[1]), ATH_OK);
    char *left = sql_text(s, "SELECT role FROM membership", NULL, 0);
    ASSERT_STR(left, "lead");
    free(left);
    ASSERT_I64(sql_count(s, "membership"), 1);
    conf_end();
}

const test_case delete_tests[] = {
    {"test_delete_reads_deleted_row_back", test_delete_reads_deleted_row_back},
    {"test_delete_without_out_object", test_delete_without_out_object},
    {"test_delete_missing_key_is_enotfound", test_delete_missing_key_is_enotfound},
    {"test_delete_by_composite_key", test_delete_by_composite_key},
    {"test_delete_object_deletes_its_row", test_delete_object_deletes_its_row},
    {"test_delete_object_with_composite_key", test_delete_object_with_composite_key},
    {"test_delete_team_sets_hero_team_to_null", test_delete_team_sets_hero_team_to_null},
    {"test_delete_team_cascades_to_tasks", test_delete_team_cascades_to_tasks},
    {"test_delete_many_counts_deleted_rows", test_delete_many_counts_deleted_rows},
    {"test_delete_many_counts_only_existing_keys", test_delete_many_counts_only_existing_keys},
    {"test_delete_many_by_composite_keys", test_delete_many_by_composite_keys},
    {"test_delete_many_of_zero_keys_is_ok", test_delete_many_of_zero_keys_is_ok},
    {"test_delete_many_chunks_under_parameter_limit",
     test_delete_many_chunks_under_parameter_limit},
    {"test_delete_where_counts_matching_rows", test_delete_where_counts_matching_rows},
    {"test_delete_where_with_compound_filters", test_delete_where_with_compound_filters},
    {"test_delete_where_across_foreign_key", test_delete_where_across_foreign_key},
    {"test_delete_where_without_match_deletes_nothing",
     test_delete_where_without_match_deletes_nothing},
    {"test_delete_where_without_filters_deletes_every_row",
     test_delete_where_without_filters_deletes_every_row},
    {NULL, NULL},
};

TEST_SUITE(delete) { conf_add_group("repo-delete", delete_tests, true); }
