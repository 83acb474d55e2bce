/*
 * repo-upsert: ath_repo_upsert and ath_repo_upsert_many — the insert path and the update path,
 * by primary key (single and composite) and by match_fields on a unique column. Strings the
 * call reads back into the object are freed with ath_model_free_owned() (the header does not say
 * whether upsert replaces the caller's pointers; see the report).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

static char *team_hq(ath_session *s, const char *name)
{
    ath_value k = ath_v_text(name);
    return sql_text(s, "SELECT headquarters FROM team WHERE name = ?", &k, 1);
}

static void test_upsert_inserts_new_row_by_unique_match(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    Team t = {0, "Avengers", "Stark Tower"}, before = t;
    ASSERT_RC(ath_repo_upsert(teams, &t, ATH_NAMES("name")), ATH_OK);
    CU_ASSERT(t.id > 0);
    ath_value k = ath_v_text("Avengers");
    ASSERT_I64(sql_i64(s, "SELECT id FROM team WHERE name = ?", &k, 1), t.id);
    char *hq = team_hq(s, "Avengers");
    ASSERT_STR(hq, "Stark Tower");
    free(hq);
    ath_model_free_owned(&Team_model, &t, &before);
    conf_end();
}

static void test_upsert_updates_existing_row_by_unique_match(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    int64_t id = add_team(teams, "Avengers", "Stark Tower");
    add_team(teams, "Justice League", "Watchtower");
    Team t = {0, "Avengers", "Avengers Compound"}, before = t;
    ASSERT_RC(ath_repo_upsert(teams, &t, ATH_NAMES("name")), ATH_OK);
    ASSERT_I64(t.id, id); /* the stored row is read back, with its key */
    ASSERT_I64(sql_count(s, "team"), 2);
    char *hq = team_hq(s, "Avengers"), *other = team_hq(s, "Justice League");
    ASSERT_STR(hq, "Avengers Compound");
    ASSERT_STR(other, "Watchtower");
    free(hq);
    free(other);
    ath_model_free_owned(&Team_model, &t, &before);
    conf_end();
}

static void test_upsert_by_primary_key_updates_existing_row(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    Hero h = {id, "Spider-Man", "Peter Parker", ath_some_i32(17), {0, false}}, before = h;
    ASSERT_RC(ath_repo_upsert(heroes, &h, NULL, 0), ATH_OK);
    ASSERT_I64(h.id, id);
    ASSERT_I64(sql_count(s, "hero"), 1);
    ASSERT_HERO(s, id, "Spider-Man|Peter Parker|17|-");
    ath_model_free_owned(&Hero_model, &h, &before);
    conf_end();
}

static void test_upsert_by_primary_key_inserts_explicit_key(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    int64_t new_id = 1000000000 + id;
    Hero h = {new_id, "Rusty-Man", "Tommy Sharp", ath_some_i32(48), {0, false}}, before = h;
    ASSERT_RC(ath_repo_upsert(heroes, &h, NULL, 0), ATH_OK);
    ASSERT_I64(h.id, new_id);
    ASSERT_I64(sql_count(s, "hero"), 2);
    ASSERT_HERO(s, new_id, "Rusty-Man|Tommy Sharp|48|-");
    ASSERT_HERO(s, id, "Spider-Boy|Pedro Parqueador|16|-");
    ath_model_free_owned(&Hero_model, &h, &before);
    conf_end();
}

static void test_upsert_without_key_inserts_and_writes_key_back(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    Hero h = {0, "Deadpond", "Dive Wilson", {0, false}, {0, false}}, before = h;
    ASSERT_RC(ath_repo_upsert(heroes, &h, NULL, 0), ATH_OK);
    CU_ASSERT(h.id > 0);
    ASSERT_HERO(s, h.id, "Deadpond|Dive Wilson|-|-");
    ath_model_free_owned(&Hero_model, &h, &before);
    conf_end();
}

static void test_upsert_reads_server_default_back(void)
{
    ath_session *s = conf_begin();
    int64_t team = add_team(conf_repo(s, &Team_model), "Taskforce", NULL);
    Task t = {0, team, "Upserted", NULL, ath_some_i32(2), 1}, before = t;
    ASSERT_RC(ath_repo_upsert(conf_repo(s, &Task_model), &t, NULL, 0), ATH_OK);
    CU_ASSERT(t.id > 0);
    ASSERT_STR(t.status, "new");
    ath_model_free_owned(&Task_model, &t, &before);
    conf_end();
}

static void test_upsert_composite_key_inserts_then_updates(void)
{
    ath_session *s = conf_begin();
    ath_repo *m = conf_repo(s, &Membership_model);
    Membership row = {4, 5, "member"}, before = row;
    ASSERT_RC(ath_repo_upsert(m, &row, NULL, 0), ATH_OK);
    ath_model_free_owned(&Membership_model, &row, &before);
    Membership promoted = {4, 5, "captain"};
    before = promoted;
    ASSERT_RC(ath_repo_upsert(m, &promoted, NULL, 0), ATH_OK);
    ath_model_free_owned(&Membership_model, &promoted, &before);
    ASSERT_I64(sql_count(s, "membership"), 1);
    ath_value k[] = {ath_v_i64(4), ath_v_i64(5)};
    char *role = sql_text(s, "SELECT role FROM membership WHERE team_id = ? AND hero_id = ?", k, 2);
    ASSERT_STR(role, "captain");
    free(role);
    conf_end();
}

static void test_upsert_match_fields_without_unique_constraint_updates_the_looked_up_row(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    int64_t id = add_team(teams, "Avengers", "Stark Tower");
    Team t = {0, "Other", "Stark Tower"}, before = t;
    ASSERT_RC(ath_repo_upsert(teams, &t, ATH_NAMES("headquarters")), ATH_OK);
    ASSERT_I64(t.id, id); /* the row with that headquarters, renamed */
    ath_model_free_owned(&Team_model, &t, &before);
    char *name = sql_text(s, "SELECT name FROM team", NULL, 0);
    ASSERT_STR(name, "Other");
    free(name);
    ASSERT_I64(sql_count(s, "team"), 1);
    conf_end();
}

static void test_upsert_unknown_match_field_is_einval(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    Team t = {0, "Avengers", NULL}, before = t;
    ASSERT_RC(ath_repo_upsert(teams, &t, ATH_NAMES("nickname")), ATH_EINVAL);
    ASSERT_ERR_HAS("nickname");
    ath_model_free_owned(&Team_model, &t, &before);
    ASSERT_I64(sql_count(s, "team"), 0);
    conf_end();
}

static void test_upsert_many_mixes_new_and_existing_rows(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    int64_t avengers = add_team(teams, "Avengers", "Stark Tower");
    int64_t justice = add_team(teams, "Justice League", "Watchtower");
    Team t[3] = {{0, "Alpha Flight", "Canada"},
                 {0, "Avengers", "Avengers Compound"},
                 {0, "Empty Team", NULL}};
    Team before[3];
    memcpy(before, t, sizeof t);
    ASSERT_RC(ath_repo_upsert_many(teams, t, 3, ATH_NAMES("name")), ATH_OK);
    ASSERT_I64(sql_count(s, "team"), 4);
    ASSERT_I64(t[1].id, avengers);
    for (size_t i = 0; i < 3; i++) {
        ath_value k = ath_v_text(before[i].name);
        ASSERT_I64(sql_i64(s, "SELECT id FROM team WHERE name = ?", &k, 1), t[i].id);
    }
    char *hq = team_hq(s, "Avengers"), *kept = team_hq(s, "Justice League"),
         *fresh = team_hq(s, "Alpha Flight");
    ASSERT_STR(hq, "Avengers Compound");
    ASSERT_STR(kept, "Watchtower");
    ASSERT_STR(fresh, "Canada");
    free(hq);
    free(kept);
    free(fresh);
    ath_value j = ath_v_text("Justice League");
    ASSERT_I64(sql_i64(s, "SELECT id FROM team WHERE name = ?", &j, 1), justice);
    for (size_t i = 0; i < 3; i++)
        ath_model_free_owned(&Team_model, &t[i], &before[i]);
    conf_end();
}

static void test_upsert_many_by_primary_key(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    int64_t b = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    Hero h[2] = {{a, "Spider-Man", "Peter Parker", ath_some_i32(17), {0, false}},
                 {2000000000 + a, "Tarantula", "Natalia Roman-on", ath_some_i32(32), {0, false}}};
    Hero before[2];
    memcpy(before, h, sizeof h);
    ASSERT_RC(ath_repo_upsert_many(heroes, h, 2, NULL, 0), ATH_OK);
    ASSERT_I64(sql_count(s, "hero"), 3);
    ASSERT_HERO(s, a, "Spider-Man|Peter Parker|17|-");
    ASSERT_HERO(s, b, "Rusty-Man|Tommy Sharp|48|-");
    ASSERT_HERO(s, 2000000000 + a, "Tarantula|Natalia Roman-on|32|-");
    for (size_t i = 0; i < 2; i++)
        ath_model_free_owned(&Hero_model, &h[i], &before[i]);
    conf_end();
}

static void test_upsert_many_of_zero_objects_is_ok(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    Team t[1] = {{0, "Nobody", NULL}};
    ASSERT_RC(ath_repo_upsert_many(teams, t, 0, ATH_NAMES("name")), ATH_OK);
    ASSERT_I64(sql_count(s, "team"), 0);
    conf_end();
}

/* 15000 rows × 5 columns = 75000 parameters: more than one statement on every backend. */
static void test_upsert_many_chunks_under_parameter_limit(void)
{
    enum { OLD = 5000, N = 15000 };
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    Hero *h = calloc(N, sizeof *h);
    char *names = malloc((size_t)N * 16);
    CU_ASSERT_FATAL(h && names);
    for (size_t i = 0; i < N; i++) {
        snprintf(names + i * 16, 16, "hero-%05zu", i);
        h[i] = (Hero){0, names + i * 16, "old", ath_some_i32(1), {0, false}};
    }
    ASSERT_RC(ath_repo_add_many(heroes, h, OLD), ATH_OK);
    for (size_t i = 0; i < N; i++) {
        if (i >= OLD)
            h[i].id = 1000000000 + (int64_t)i;
        h[i].secret_name = "new";
        h[i].age = ath_some_i32(2);
    }
    Hero *before = malloc((size_t)N * sizeof *before);
    CU_ASSERT_FATAL(before != NULL);
    memcpy(before, h, (size_t)N * sizeof *h);
    ASSERT_RC(ath_repo_upsert_many(heroes, h, N, NULL, 0), ATH_OK);
    ASSERT_I64(sql_count(s, "hero"), N);
    ath_value two = ath_v_i32(2), secret = ath_v_text("new");
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM hero WHERE age = ?", &two, 1), N);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM hero WHERE secret_name = ?", &secret, 1), N);
    for (size_t i = 0; i < N; i++)
        ath_model_free_owned(&Hero_model, &h[i], &before[i]);
    free(before);
    free(names);
    free(h);
    conf_end();
}

const test_case upsert_tests[] = {
    {"test_upsert_inserts_new_row_by_unique_match", test_upsert_inserts_new_row_by_unique_match},
    {"test_upsert_updates_existing_row_by_unique_match",
     test_upsert_updates_existing_row_by_unique_match},
    {"test_upsert_by_primary_key_updates_existing_row",
     test_upsert_by_primary_key_updates_existing_row},
    {"test_upsert_by_primary_key_inserts_explicit_key",
     test_upsert_by_primary_key_inserts_explicit_key},
    {"test_upsert_without_key_inserts_and_writes_key_back",
     test_upsert_without_key_inserts_and_writes_key_back},
    {"test_upsert_reads_server_default_back", test_upsert_reads_server_default_back},
    {"test_upsert_composite_key_inserts_then_updates",
     test_upsert_composite_key_inserts_then_updates},
    {"test_upsert_match_fields_without_unique_constraint_updates_the_looked_up_row",
     test_upsert_match_fields_without_unique_constraint_updates_the_looked_up_row},
    {"test_upsert_unknown_match_field_is_einval", test_upsert_unknown_match_field_is_einval},
    {"test_upsert_many_mixes_new_and_existing_rows", test_upsert_many_mixes_new_and_existing_rows},
    {"test_upsert_many_by_primary_key", test_upsert_many_by_primary_key},
    {"test_upsert_many_of_zero_objects_is_ok", test_upsert_many_of_zero_objects_is_ok},
    {"test_upsert_many_chunks_under_parameter_limit",
     test_upsert_many_chunks_under_parameter_limit},
    {NULL, NULL},
};

TEST_SUITE(upsert)
{
    conf_add_group("repo-upsert", upsert_tests, true);
}
