/*
 * repo-update: ath_repo_update (every column), ath_repo_update_fields (only the named ones)
 * and ath_repo_update_many, read back with raw SELECTs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

static void test_update_writes_every_column(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t team = add_team(conf_repo(s, &Team_model), "Avengers", NULL);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    Hero h = {id, "Spider-Man", "Peter Parker", ath_some_i32(17), ath_some_i64(team)};
    ASSERT_RC(ath_repo_update(heroes, &h), ATH_OK);
    char expected[128];
    snprintf(expected, sizeof expected, "Spider-Man|Peter Parker|17|%lld", (long long)team);
    ASSERT_HERO(s, id, expected);
    conf_end();
}

static void test_update_sets_unset_optionals_to_null(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t team = add_team(conf_repo(s, &Team_model), "Avengers", NULL);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, team);
    Hero h = {id, "Spider-Boy", "Pedro Parqueador", {0, false}, {0, false}};
    ASSERT_RC(ath_repo_update(heroes, &h), ATH_OK);
    ASSERT_HERO(s, id, "Spider-Boy|Pedro Parqueador|-|-");
    conf_end();
}

static void test_update_leaves_other_rows_alone(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    int64_t b = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    Hero h = {a, "Spider-Man", "Peter Parker", ath_some_i32(17), {0, false}};
    ASSERT_RC(ath_repo_update(heroes, &h), ATH_OK);
    ASSERT_HERO(s, b, "Rusty-Man|Tommy Sharp|48|-");
    conf_end();
}

static void test_update_missing_key_is_enotfound(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    Hero h = {id + 1000, "Ghost", "Nobody", {0, false}, {0, false}};
    ASSERT_RC(ath_repo_update(heroes, &h), ATH_ENOTFOUND);
    CU_ASSERT_FALSE(ath_session_failed(s));
    ASSERT_I64(sql_count(s, "hero"), 1);
    ASSERT_HERO(s, id, "Spider-Boy|Pedro Parqueador|16|-");
    conf_end();
}

static void test_update_of_unchanged_row_is_ok(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    /* MySQL reports 0 affected rows for an update that changes nothing: still found */
    Hero h = {id, "Spider-Boy", "Pedro Parqueador", ath_some_i32(16), {0, false}};
    ASSERT_RC(ath_repo_update(heroes, &h), ATH_OK);
    ASSERT_HERO(s, id, "Spider-Boy|Pedro Parqueador|16|-");
    conf_end();
}

static void test_update_row_with_composite_key(void)
{
    ath_session *s = conf_begin();
    ath_repo *m = conf_repo(s, &Membership_model);
    Membership rows[2] = {{1, 2, "lead"}, {1, 3, "member"}};
    ASSERT_RC(ath_repo_add_many(m, rows, 2), ATH_OK);
    Membership changed = {1, 3, "captain"};
    ASSERT_RC(ath_repo_update(m, &changed), ATH_OK);
    ath_value k[] = {ath_v_i64(1), ath_v_i64(3)}, other[] = {ath_v_i64(1), ath_v_i64(2)};
    char *role = sql_text(s, "SELECT role FROM membership WHERE team_id = ? AND hero_id = ?", k, 2);
    char *kept =
        sql_text(s, "SELECT role FROM membership WHERE team_id = ? AND hero_id = ?", other, 2);
    ASSERT_STR(role, "captain");
    ASSERT_STR(kept, "lead");
    free(role);
    free(kept);
    conf_end();
}

static void test_update_fields_changes_only_named_columns(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    /* every member differs from the stored row; only age may be written */
    Hero h = {id, "Stale Name", "Stale Secret", ath_some_i32(17), {0, false}};
    ASSERT_RC(ath_repo_update_fields(heroes, &h, ATH_NAMES("age")), ATH_OK);
    ASSERT_HERO(s, id, "Spider-Boy|Pedro Parqueador|17|-");
    conf_end();
}

static void test_update_fields_with_several_columns(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    Hero h = {id, "Spider-Man", "Stale Secret", {0, false}, {0, false}};
    ASSERT_RC(ath_repo_update_fields(heroes, &h, ATH_NAMES("name", "age")), ATH_OK);
    ASSERT_HERO(s, id, "Spider-Man|Pedro Parqueador|-|-");
    conf_end();
}

static void test_update_fields_unknown_field_is_einval_naming_it(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    Hero h = {id, "Spider-Man", "Peter", ath_some_i32(17), {0, false}};
    ASSERT_RC(ath_repo_update_fields(heroes, &h, ATH_NAMES("age", "superpower")), ATH_EINVAL);
    ASSERT_ERR_HAS("superpower");
    CU_ASSERT_FALSE(ath_session_failed(s));
    ASSERT_HERO(s, id, "Spider-Boy|Pedro Parqueador|16|-");
    conf_end();
}

static void test_update_fields_key_column_is_einval_naming_it(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    Hero h = {id, "Spider-Man", "Peter", ath_some_i32(17), {0, false}};
    ASSERT_RC(ath_repo_update_fields(heroes, &h, ATH_NAMES("id")), ATH_EINVAL);
    ASSERT_ERR_HAS("id");
    ASSERT_HERO(s, id, "Spider-Boy|Pedro Parqueador|16|-");
    conf_end();
}

static void test_update_fields_missing_key_is_enotfound(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    Hero h = {id + 1000, "x", "y", ath_some_i32(1), {0, false}};
    ASSERT_RC(ath_repo_update_fields(heroes, &h, ATH_NAMES("age")), ATH_ENOTFOUND);
    conf_end();
}

static void test_update_fields_on_macro_model(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    int64_t id = add_team(teams, "Avengers", "Stark Tower");
    Team t = {id, "Stale", "Avengers Compound"};
    ASSERT_RC(ath_repo_update_fields(teams, &t, ATH_NAMES("headquarters")), ATH_OK);
    ath_value k = ath_v_i64(id);
    char *name = sql_text(s, "SELECT name FROM team WHERE id = ?", &k, 1);
    char *hq = sql_text(s, "SELECT headquarters FROM team WHERE id = ?", &k, 1);
    ASSERT_STR(name, "Avengers");
    ASSERT_STR(hq, "Avengers Compound");
    free(name);
    free(hq);
    conf_end();
}

static void test_update_many_updates_every_object(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    int64_t b = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    int64_t c = add_hero(heroes, "Deadpond", "Dive Wilson", -1, 0);
    Hero h[2] = {{a, "Spider-Boy", "Peter", ath_some_i32(17), {0, false}},
                 {c, "Deadpool", "Wade", ath_some_i32(30), {0, false}}};
    ASSERT_RC(ath_repo_update_many(heroes, h, 2), ATH_OK);
    ASSERT_HERO(s, a, "Spider-Boy|Peter|17|-");
    ASSERT_HERO(s, b, "Rusty-Man|Tommy Sharp|48|-");
    ASSERT_HERO(s, c, "Deadpool|Wade|30|-");
    conf_end();
}

static void test_update_many_with_missing_key_is_enotfound(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    Hero h[2] = {{a, "Spider-Boy", "Peter", ath_some_i32(17), {0, false}},
                 {a + 1000, "Ghost", "Nobody", {0, false}, {0, false}}};
    ASSERT_RC(ath_repo_update_many(heroes, h, 2), ATH_ENOTFOUND);
    ASSERT_I64(sql_count(s, "hero"), 1);
    conf_end();
}

static void test_update_many_of_zero_objects_is_ok(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    Hero h[1] = {{a, "Changed", "Changed", {0, false}, {0, false}}};
    ASSERT_RC(ath_repo_update_many(heroes, h, 0), ATH_OK);
    ASSERT_HERO(s, a, "Spider-Boy|Pedro Parqueador|16|-");
    conf_end();
}

static void test_update_is_visible_through_get(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    int64_t id = add_team(teams, "Avengers", NULL);
    Team t = {id, "Avengers", "Stark Tower"};
    ASSERT_RC(ath_repo_update(teams, &t), ATH_OK);
    Team got;
    memset(&got, 0, sizeof got);
    ath_value k = ath_v_i64(id);
    ASSERT_RC(ath_repo_get(teams, &got, &k, 1), ATH_OK);
    ASSERT_STR(got.headquarters, "Stark Tower");
    ath_model_free_fields(&Team_model, &got);
    conf_end();
}

/* --- update_where --------------------------------------------------------------------------- */

static void test_update_where_sets_fields_on_matching_rows(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    static const char *const fields[] = {"age", "secret_name"};
    const ath_value values[] = {ath_v_i32(99), ath_v_text("Retired")};
    int64_t updated = -1;
    ASSERT_RC(ath_repo_update_where(heroes, &updated, fields, values, 2,
                                    ATH_FILTERS(ath_where("age", ATH_GE, ath_v_i32(48)))),
              ATH_OK);
    ASSERT_I64(updated, 3);
    ath_value retired = ath_v_text("Retired"), age = ath_v_i32(99);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM hero WHERE secret_name = ?", &retired, 1), 3);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM hero WHERE age = ?", &age, 1), 3);
    ath_value name = ath_v_text("Spider-Boy");
    ASSERT_I64(sql_i64(s, "SELECT age FROM hero WHERE name = ?", &name, 1), 16);
    conf_end();
}

static void test_update_where_can_set_null(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    static const char *const fields[] = {"team_id"};
    const ath_value values[] = {ath_v_null()};
    int64_t updated = -1;
    ASSERT_RC(
        ath_repo_update_where(heroes, &updated, fields, values, 1,
                              ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("Tarantula")))),
        ATH_OK);
    ASSERT_I64(updated, 1);
    ath_value name = ath_v_text("Tarantula");
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM hero WHERE name = ? AND team_id IS NULL", &name, 1),
               1);
    conf_end();
}

static void test_update_where_without_match_updates_nothing(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    static const char *const fields[] = {"age"};
    const ath_value values[] = {ath_v_i32(1)};
    int64_t updated = -1;
    ASSERT_RC(ath_repo_update_where(heroes, &updated, fields, values, 1,
                                    ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i32(1000)))),
              ATH_OK);
    ASSERT_I64(updated, 0);
    ath_value one = ath_v_i32(1);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM hero WHERE age = ?", &one, 1), 0);
    conf_end();
}

static void test_update_where_unknown_field_is_einval_naming_it(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    static const char *const fields[] = {"power_level"};
    const ath_value values[] = {ath_v_i32(9001)};
    ASSERT_RC(ath_repo_update_where(heroes, NULL, fields, values, 1, ATH_NO_FILTERS), ATH_EINVAL);
    ASSERT_ERR_HAS("power_level");
    CU_ASSERT_FALSE(ath_session_failed(s));
    conf_end();
}

static void test_update_where_unknown_filter_column_changes_nothing(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    static const char *const fields[] = {"age"};
    const ath_value values[] = {ath_v_i32(1)};
    ASSERT_RC(ath_repo_update_where(heroes, NULL, fields, values, 1,
                                    ATH_FILTERS(ath_where("agge", ATH_GT, ath_v_i32(0)))),
              ATH_EINVAL);
    ASSERT_ERR_HAS("agge");
    ath_value one = ath_v_i32(1);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM hero WHERE age = ?", &one, 1), 0);
    conf_end();
}

/* --- insert-only (ATH_IMMUTABLE) columns: event.title ------------------------------------- */

static int64_t add_event(ath_session *s, const char *title, int bucket)
{
    Event e = {0, (char *)title, 1700000000000000LL, bucket, NULL};
    ASSERT_RC(ath_repo_add(conf_repo(s, &Event_model), &e), ATH_OK);
    return e.id;
}

static void test_update_leaves_immutable_column_alone(void)
{
    ath_session *s = conf_begin();
    int64_t id = add_event(s, "launch", 1);
    Event e = {id, "renamed", 1700000000000000LL, 2, NULL};
    ASSERT_RC(ath_repo_update(conf_repo(s, &Event_model), &e), ATH_OK);
    ath_value k = ath_v_i64(id);
    char *title = sql_text(s, "SELECT title FROM event WHERE id = ?", &k, 1);
    ASSERT_STR(title, "launch");
    free(title);
    ASSERT_I64(sql_i64(s, "SELECT bucket FROM event WHERE id = ?", &k, 1), 2);
    conf_end();
}

static void test_update_fields_refuses_immutable_column(void)
{
    ath_session *s = conf_begin();
    int64_t id = add_event(s, "launch", 1);
    Event e = {id, "renamed", 1700000000000000LL, 2, NULL};
    ASSERT_RC(ath_repo_update_fields(conf_repo(s, &Event_model), &e, ATH_NAMES("title")),
              ATH_EINVAL);
    ASSERT_ERR_HAS("title");
    conf_end();
}

static void test_upsert_update_path_leaves_immutable_column_alone(void)
{
    ath_session *s = conf_begin();
    int64_t id = add_event(s, "launch", 1);
    Event e = {id, "renamed", 1700000000000000LL, 3, NULL}, before = e;
    ASSERT_RC(ath_repo_upsert(conf_repo(s, &Event_model), &e, NULL, 0), ATH_OK);
    ath_model_free_owned(&Event_model, &e, &before);
    ath_value k = ath_v_i64(id);
    char *title = sql_text(s, "SELECT title FROM event WHERE id = ?", &k, 1);
    ASSERT_STR(title, "launch");
    free(title);
    ASSERT_I64(sql_i64(s, "SELECT bucket FROM event WHERE id = ?", &k, 1), 3);
    conf_end();
}

const test_case update_tests[] = {
    {"test_update_writes_every_column", test_update_writes_every_column},
    {"test_update_sets_unset_optionals_to_null", test_update_sets_unset_optionals_to_null},
    {"test_update_leaves_other_rows_alone", test_update_leaves_other_rows_alone},
    {"test_update_missing_key_is_enotfound", test_update_missing_key_is_enotfound},
    {"test_update_of_unchanged_row_is_ok", test_update_of_unchanged_row_is_ok},
    {"test_update_row_with_composite_key", test_update_row_with_composite_key},
    {"test_update_fields_changes_only_named_columns",
     test_update_fields_changes_only_named_columns},
    {"test_update_fields_with_several_columns", test_update_fields_with_several_columns},
    {"test_update_fields_unknown_field_is_einval_naming_it",
     test_update_fields_unknown_field_is_einval_naming_it},
    {"test_update_fields_key_column_is_einval_naming_it",
     test_update_fields_key_column_is_einval_naming_it},
    {"test_update_fields_missing_key_is_enotfound", test_update_fields_missing_key_is_enotfound},
    {"test_update_fields_on_macro_model", test_update_fields_on_macro_model},
    {"test_update_many_updates_every_object", test_update_many_updates_every_object},
    {"test_update_many_with_missing_key_is_enotfound",
     test_update_many_with_missing_key_is_enotfound},
    {"test_update_many_of_zero_objects_is_ok", test_update_many_of_zero_objects_is_ok},
    {"test_update_is_visible_through_get", test_update_is_visible_through_get},
    {"test_update_where_sets_fields_on_matching_rows",
     test_update_where_sets_fields_on_matching_rows},
    {"test_update_where_can_set_null", test_update_where_can_set_null},
    {"test_update_where_without_match_updates_nothing",
     test_update_where_without_match_updates_nothing},
    {"test_update_where_unknown_field_is_einval_naming_it",
     test_update_where_unknown_field_is_einval_naming_it},
    {"test_update_where_unknown_filter_column_changes_nothing",
     test_update_where_unknown_filter_column_changes_nothing},
    {"test_update_leaves_immutable_column_alone", test_update_leaves_immutable_column_alone},
    {"test_update_fields_refuses_immutable_column", test_update_fields_refuses_immutable_column},
    {"test_upsert_update_path_leaves_immutable_column_alone",
     test_upsert_update_path_leaves_immutable_column_alone},
    {NULL, NULL},
};

TEST_SUITE(update) { conf_add_group("repo-update", update_tests, true); }
