/*
 * repo-get: get (by key, composite key), get_one, get_one_or_none, get_or_upsert,
 * get_and_update, count and exists. Objects filled by these calls own their strings
 * (ath_model_free_fields).
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

static void test_get_by_key_fills_every_field(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t team = add_team(conf_repo(s, &Team_model), "Avengers", "Stark Tower");
    int64_t id = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, team);
    Hero h;
    memset(&h, 0, sizeof h);
    ath_value k = ath_v_i64(id);
    ASSERT_RC(ath_repo_get(heroes, &h, &k, 1), ATH_OK);
    ASSERT_I64(h.id, id);
    ASSERT_STR(h.name, "Rusty-Man");
    ASSERT_STR(h.secret_name, "Tommy Sharp");
    CU_ASSERT(h.age.set);
    ASSERT_I64(h.age.value, 48);
    CU_ASSERT(h.team_id.set);
    ASSERT_I64(h.team_id.value, team);
    ath_model_free_fields(&Hero_model, &h);
    CU_ASSERT_PTR_NULL(h.name);
    conf_end();
}

static void test_get_of_macro_model_reads_null_as_null(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    int64_t id = add_team(teams, "Alpha Flight", NULL);
    Team t;
    memset(&t, 0, sizeof t);
    ath_value k = ath_v_i64(id);
    ASSERT_RC(ath_repo_get(teams, &t, &k, 1), ATH_OK);
    ASSERT_STR(t.name, "Alpha Flight");
    CU_ASSERT_PTR_NULL(t.headquarters);
    ath_model_free_fields(&Team_model, &t);
    conf_end();
}

static void test_get_missing_key_is_enotfound(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Deadpond", "Dive Wilson", -1, 0);
    Hero h;
    memset(&h, 0, sizeof h);
    ath_value k = ath_v_i64(987654321);
    ASSERT_RC(ath_repo_get(heroes, &h, &k, 1), ATH_ENOTFOUND);
    CU_ASSERT_FALSE(ath_session_failed(s)); /* not a database error */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    conf_end();
}

static void test_get_by_composite_key(void)
{
    ath_session *s = conf_begin();
    ath_repo *m = conf_repo(s, &Membership_model);
    Membership rows[3] = {{1, 2, "lead"}, {1, 3, "member"}, {2, 2, "reserve"}};
    ASSERT_RC(ath_repo_add_many(m, rows, 3), ATH_OK);
    Membership got;
    memset(&got, 0, sizeof got);
    ath_value k[] = {ath_v_i64(1), ath_v_i64(3)};
    ASSERT_RC(ath_repo_get(m, &got, k, 2), ATH_OK);
    ASSERT_I64(got.team_id, 1);
    ASSERT_I64(got.hero_id, 3);
    ASSERT_STR(got.role, "member");
    ath_model_free_fields(&Membership_model, &got);
    ath_value missing[] = {ath_v_i64(2), ath_v_i64(3)};
    ASSERT_RC(ath_repo_get(m, &got, missing, 2), ATH_ENOTFOUND);
    conf_end();
}

static void test_get_with_wrong_key_width_is_einval(void)
{
    ath_session *s = conf_begin();
    ath_repo *m = conf_repo(s, &Membership_model);
    Membership got;
    memset(&got, 0, sizeof got);
    ath_value k = ath_v_i64(1);
    ASSERT_RC(ath_repo_get(m, &got, &k, 1), ATH_EINVAL);
    conf_end();
}

static void test_get_one_returns_the_single_match(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    int64_t id = add_hero(heroes, "Tarantula", "Natalia Roman-on", 32, 0);
    Hero h;
    memset(&h, 0, sizeof h);
    ASSERT_RC(ath_repo_get_one(heroes, &h, ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i32(20)))),
              ATH_OK);
    ASSERT_I64(h.id, id);
    ASSERT_STR(h.name, "Tarantula");
    ath_model_free_fields(&Hero_model, &h);
    conf_end();
}

static void test_get_one_without_match_is_enotfound(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    Hero h;
    memset(&h, 0, sizeof h);
    ASSERT_RC(ath_repo_get_one(heroes, &h, ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i32(90)))),
              ATH_ENOTFOUND);
    CU_ASSERT_FALSE(ath_session_failed(s));
    conf_end();
}

static void test_get_one_with_several_matches_is_emultiple(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    add_hero(heroes, "Tarantula", "Natalia Roman-on", 32, 0);
    Hero h;
    memset(&h, 0, sizeof h);
    ASSERT_RC(ath_repo_get_one(heroes, &h, ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i32(10)))),
              ATH_EMULTIPLE);
    CU_ASSERT_PTR_NULL(h.name); /* nothing was handed out to leak */
    conf_end();
}

static void test_get_one_or_none_fills_when_found(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Black Lion", "Trevor Challa", 35, 0);
    Hero h;
    memset(&h, 0, sizeof h);
    bool found = false;
    ASSERT_RC(
        ath_repo_get_one_or_none(heroes, &h, &found,
                                 ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("Black Lion")))),
        ATH_OK);
    CU_ASSERT(found);
    ASSERT_STR(h.secret_name, "Trevor Challa");
    ath_model_free_fields(&Hero_model, &h);
    conf_end();
}

static void test_get_one_or_none_without_match_is_ok_not_found(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Black Lion", "Trevor Challa", 35, 0);
    Hero h;
    memset(&h, 0, sizeof h);
    bool found = true;
    ASSERT_RC(
        ath_repo_get_one_or_none(heroes, &h, &found,
                                 ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("White Lion")))),
        ATH_OK);
    CU_ASSERT_FALSE(found);
    CU_ASSERT_PTR_NULL(h.name);
    conf_end();
}

static void test_get_one_or_none_with_several_matches_is_emultiple(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Twin", "One", 20, 0);
    add_hero(heroes, "Twin", "Two", 20, 0);
    Hero h;
    memset(&h, 0, sizeof h);
    bool found = false;
    ASSERT_RC(ath_repo_get_one_or_none(heroes, &h, &found,
                                       ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("Twin")))),
              ATH_EMULTIPLE);
    conf_end();
}

static void test_get_or_upsert_creates_then_finds(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    Team t = {0, "Avengers", "Stark Tower"}, before = t;
    bool created = false;
    ASSERT_RC(ath_repo_get_or_upsert(teams, &t, ATH_NAMES("name"), false, &created), ATH_OK);
    CU_ASSERT(created);
    CU_ASSERT(t.id > 0);
    int64_t id = t.id;
    ASSERT_STR(t.headquarters, "Stark Tower");
    FREE_OWNED(&Team_model, &t, &before);

    Team again = {0, "Avengers", "Avengers Compound"};
    before = again;
    created = true;
    ASSERT_RC(ath_repo_get_or_upsert(teams, &again, ATH_NAMES("name"), false, &created), ATH_OK);
    CU_ASSERT_FALSE(created);
    ASSERT_I64(again.id, id);
    ASSERT_STR(again.headquarters, "Stark Tower"); /* upsert=false: the stored row wins */
    FREE_OWNED(&Team_model, &again, &before);
    ath_value k = ath_v_i64(id);
    char *hq = sql_text(s, "SELECT headquarters FROM team WHERE id = ?", &k, 1);
    ASSERT_STR(hq, "Stark Tower");
    free(hq);
    ASSERT_I64(sql_count(s, "team"), 1);
    conf_end();
}

static void test_get_or_upsert_with_upsert_updates_other_fields(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    int64_t id = add_team(teams, "Avengers", "Stark Tower");
    Team t = {0, "Avengers", "Avengers Compound"}, before = t;
    bool created = true;
    ASSERT_RC(ath_repo_get_or_upsert(teams, &t, ATH_NAMES("name"), true, &created), ATH_OK);
    CU_ASSERT_FALSE(created);
    ASSERT_I64(t.id, id);
    ASSERT_STR(t.headquarters, "Avengers Compound");
    FREE_OWNED(&Team_model, &t, &before);
    ath_value k = ath_v_i64(id);
    char *hq = sql_text(s, "SELECT headquarters FROM team WHERE id = ?", &k, 1);
    ASSERT_STR(hq, "Avengers Compound");
    free(hq);
    ASSERT_I64(sql_count(s, "team"), 1);
    conf_end();
}

static void test_get_and_update_reports_update_only_when_different(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    int64_t id = add_team(teams, "Avengers", "Stark Tower");
    Team same = {0, "Avengers", "Stark Tower"}, before = same;
    bool updated = true;
    ASSERT_RC(ath_repo_get_and_update(teams, &same, ATH_NAMES("name"), ATH_NAMES("headquarters"),
                                      &updated),
              ATH_OK);
    CU_ASSERT_FALSE(updated);
    ASSERT_I64(same.id, id);
    ath_model_free_owned(&Team_model, &same, &before);

    Team moved = {0, "Avengers", "Avengers Compound"};
    before = moved;
    updated = false;
    ASSERT_RC(ath_repo_get_and_update(teams, &moved, ATH_NAMES("name"), ATH_NAMES("headquarters"),
                                      &updated),
              ATH_OK);
    CU_ASSERT(updated);
    ASSERT_I64(moved.id, id);
    ASSERT_STR(moved.headquarters, "Avengers Compound");
    ath_model_free_owned(&Team_model, &moved, &before);
    ath_value k = ath_v_i64(id);
    char *hq = sql_text(s, "SELECT headquarters FROM team WHERE id = ?", &k, 1);
    ASSERT_STR(hq, "Avengers Compound");
    free(hq);
    conf_end();
}

static void test_get_and_update_without_fields_updates_all_other_columns(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Deadpond", "Dive Wilson", -1, 0);
    Hero h = {0, "Deadpond", "Wade", ath_some_i32(30), {0, false}}, before = h;
    bool updated = false;
    ASSERT_RC(ath_repo_get_and_update(heroes, &h, ATH_NAMES("name"), NULL, 0, &updated), ATH_OK);
    CU_ASSERT(updated);
    ASSERT_I64(h.id, id);
    ath_model_free_owned(&Hero_model, &h, &before);
    ath_value k = ath_v_i64(id);
    char *secret = sql_text(s, "SELECT secret_name FROM hero WHERE id = ?", &k, 1);
    ASSERT_STR(secret, "Wade");
    free(secret);
    ASSERT_I64(sql_i64(s, "SELECT age FROM hero WHERE id = ?", &k, 1), 30);
    conf_end();
}

static void test_get_and_update_missing_is_enotfound(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    add_team(teams, "Avengers", "Stark Tower");
    Team t = {0, "Nobody", "Nowhere"}, before = t;
    bool updated = true;
    ASSERT_RC(
        ath_repo_get_and_update(teams, &t, ATH_NAMES("name"), ATH_NAMES("headquarters"), &updated),
        ATH_ENOTFOUND);
    ath_model_free_owned(&Team_model, &t, &before);
    ASSERT_I64(sql_count(s, "team"), 1);
    CU_ASSERT_FALSE(ath_session_failed(s));
    conf_end();
}

static void test_count_counts_matching_rows(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    add_hero(heroes, "Deadpond", "Dive Wilson", -1, 0);
    int64_t n = -1;
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 3);
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_FILTERS(ath_where("age", ATH_GE, ath_v_i32(16)))),
              ATH_OK);
    ASSERT_I64(n, 2);
    conf_end();
}

static void test_count_ignores_order_and_limit(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    add_hero(heroes, "Deadpond", "Dive Wilson", -1, 0);
    int64_t n = -1;
    ASSERT_RC(ath_repo_count(heroes, &n,
                             ATH_FILTERS(ath_order_by("name", false), ath_limit_offset(1, 1))),
              ATH_OK);
    ASSERT_I64(n, 3);
    conf_end();
}

static void test_exists_says_whether_a_row_matches(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    bool yes = true;
    ASSERT_RC(ath_repo_exists(heroes, &yes, ATH_NO_FILTERS), ATH_OK);
    CU_ASSERT_FALSE(yes);
    add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    ASSERT_RC(ath_repo_exists(heroes, &yes, ATH_FILTERS(ath_where("age", ATH_EQ, ath_v_i32(48)))),
              ATH_OK);
    CU_ASSERT(yes);
    ASSERT_RC(ath_repo_exists(heroes, &yes, ATH_FILTERS(ath_where("age", ATH_EQ, ath_v_i32(47)))),
              ATH_OK);
    CU_ASSERT_FALSE(yes);
    conf_end();
}

const test_case get_tests[] = {
    {"test_get_by_key_fills_every_field", test_get_by_key_fills_every_field},
    {"test_get_of_macro_model_reads_null_as_null", test_get_of_macro_model_reads_null_as_null},
    {"test_get_missing_key_is_enotfound", test_get_missing_key_is_enotfound},
    {"test_get_by_composite_key", test_get_by_composite_key},
    {"test_get_with_wrong_key_width_is_einval", test_get_with_wrong_key_width_is_einval},
    {"test_get_one_returns_the_single_match", test_get_one_returns_the_single_match},
    {"test_get_one_without_match_is_enotfound", test_get_one_without_match_is_enotfound},
    {"test_get_one_with_several_matches_is_emultiple",
     test_get_one_with_several_matches_is_emultiple},
    {"test_get_one_or_none_fills_when_found", test_get_one_or_none_fills_when_found},
    {"test_get_one_or_none_without_match_is_ok_not_found",
     test_get_one_or_none_without_match_is_ok_not_found},
    {"test_get_one_or_none_with_several_matches_is_emultiple",
     test_get_one_or_none_with_several_matches_is_emultiple},
    {"test_get_or_upsert_creates_then_finds", test_get_or_upsert_creates_then_finds},
    {"test_get_or_upsert_with_upsert_updates_other_fields",
     test_get_or_upsert_with_upsert_updates_other_fields},
    {"test_get_and_update_reports_update_only_when_different",
     test_get_and_update_reports_update_only_when_different},
    {"test_get_and_update_without_fields_updates_all_other_columns",
     test_get_and_update_without_fields_updates_all_other_columns},
    {"test_get_and_update_missing_is_enotfound", test_get_and_update_missing_is_enotfound},
    {"test_count_counts_matching_rows", test_count_counts_matching_rows},
    {"test_count_ignores_order_and_limit", test_count_ignores_order_and_limit},
    {"test_exists_says_whether_a_row_matches", test_exists_says_whether_a_row_matches},
    {NULL, NULL},
};

TEST_SUITE(get) { conf_add_group("repo-get", get_tests, true); }
