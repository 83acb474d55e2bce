/*
 * schema: ath_create_all / ath_drop_all / ath_create_all_sql. They use a connection of their
 * own, so no session holds one while they run (SQLite in memory has only one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

/* Ends the fixture's session so the schema functions can have the connection. */
static void release(ath_session *s)
{
    conf_close(s);
}

static void test_create_all_twice_is_harmless_and_keeps_rows(void)
{
    ath_session *s = conf_begin();
    add_team(conf_repo(s, &Team_model), "Avengers", NULL);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    release(s);
    ASSERT_RC(ath_create_all(conf->engine, CONF_MODELS), ATH_OK);
    ASSERT_RC(ath_create_all(conf->engine, CONF_MODELS), ATH_OK);
    s = conf_session();
    ASSERT_I64(sql_count(s, "team"), 1);
    conf_end();
}

static void test_drop_all_removes_the_tables(void)
{
    ath_session *s = conf_begin();
    release(s);
    ASSERT_RC(ath_drop_all(conf->engine, CONF_MODELS), ATH_OK);
    s = conf_session();
    int rc = sql_exec(s, "SELECT COUNT(*) FROM team", NULL, 0);
    CU_ASSERT(rc < 0);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    rc = sql_exec(s, "SELECT COUNT(*) FROM hero", NULL, 0);
    CU_ASSERT(rc < 0);
    conf_end();
    ASSERT_RC(conf_recreate_schema(), ATH_OK);
}

static void test_drop_all_of_missing_tables_is_harmless(void)
{
    ath_session *s = conf_begin();
    release(s);
    ASSERT_RC(ath_drop_all(conf->engine, CONF_MODELS), ATH_OK);
    ASSERT_RC(ath_drop_all(conf->engine, CONF_MODELS), ATH_OK);
    ASSERT_RC(conf_recreate_schema(), ATH_OK);
    conf_end();
}

static void test_create_all_orders_tables_by_foreign_keys(void)
{
    ath_session *s = conf_begin();
    release(s);
    ASSERT_RC(ath_drop_all(conf->engine, CONF_MODELS), ATH_OK);
    /* referencing tables first: the function must create team before hero and task */
    ASSERT_RC(
        ath_create_all(conf->engine, ATH_MODELS(&Task_model, &Hero_model, &Event_model,
                                                &Membership_model, &AllTypes_model, &Team_model)),
        ATH_OK);
    s = conf_session();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t team = add_team(conf_repo(s, &Team_model), "Avengers", NULL);
    add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, team);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    /* the foreign key really exists */
    Hero orphan = {0, "Orphan", "Nobody", {0, false}, ath_some_i64(team + 1000)};
    ASSERT_RC(ath_repo_add(heroes, &orphan), ATH_EFOREIGNKEY);
    conf_end();
}

static void test_drop_all_orders_tables_by_foreign_keys(void)
{
    ath_session *s = conf_begin();
    int64_t team = add_team(conf_repo(s, &Team_model), "Avengers", NULL);
    add_hero(conf_repo(s, &Hero_model), "Rusty-Man", "Tommy Sharp", 48, team);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    release(s);
    /* referenced table first, rows present: the function must drop hero and task before team */
    ASSERT_RC(
        ath_drop_all(conf->engine, ATH_MODELS(&Team_model, &Hero_model, &Task_model,
                                              &Membership_model, &AllTypes_model, &Event_model)),
        ATH_OK);
    s = conf_session();
    CU_ASSERT(sql_exec(s, "SELECT COUNT(*) FROM team", NULL, 0) < 0);
    conf_end();
    ASSERT_RC(conf_recreate_schema(), ATH_OK);
}

static void test_drop_all_then_create_all_gives_empty_tables(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    release(s);
    ASSERT_RC(conf_recreate_schema(), ATH_OK);
    s = conf_session();
    ASSERT_I64(sql_count(s, "hero"), 0);
    ASSERT_I64(sql_count(s, "team"), 0);
    conf_end();
}

static void test_create_all_sql_names_constraints_by_convention(void)
{
    ath_session *s = conf_begin();
    release(s);
    char *sql = NULL;
    ASSERT_RC(ath_create_all_sql(&sql, conf->engine, CONF_MODELS), ATH_OK);
    CU_ASSERT_FATAL(sql != NULL);
    static const char *const names[] = {"uq_team_name",
                                        "ix_hero_name",
                                        "fk_hero_team_id_team",
                                        "fk_task_team_id_team",
                                        "ck_task_score",
                                        "score >= 0",
                                        "'new'"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char msg[200];
        snprintf(msg, sizeof msg, "the DDL names %s", names[i]);
        CU_assertImplementation(strstr(sql, names[i]) != NULL, __LINE__, msg, __FILE__, "",
                                CU_FALSE);
    }
    free(sql);
    conf_end();
}

static void test_create_all_sql_lists_referenced_tables_first(void)
{
    ath_session *s = conf_begin();
    release(s);
    char *sql = NULL;
    ASSERT_RC(
        ath_create_all_sql(&sql, conf->engine, ATH_MODELS(&Hero_model, &Task_model, &Team_model)),
        ATH_OK);
    CU_ASSERT_FATAL(sql != NULL);
    const char *team = strstr(sql, "uq_team_name"), *hero = strstr(sql, "fk_hero_team_id_team");
    CU_ASSERT(team && hero && team < hero);
    CU_ASSERT(strstr(sql, ";\n") != NULL); /* statements separated by ";\n" */
    free(sql);
    conf_end();
}

static void test_create_all_sql_does_not_run_anything(void)
{
    ath_session *s = conf_begin();
    release(s);
    ASSERT_RC(ath_drop_all(conf->engine, CONF_MODELS), ATH_OK);
    char *sql = NULL;
    ASSERT_RC(ath_create_all_sql(&sql, conf->engine, CONF_MODELS), ATH_OK);
    free(sql);
    s = conf_session();
    CU_ASSERT(sql_exec(s, "SELECT COUNT(*) FROM team", NULL, 0) < 0);
    conf_end();
    ASSERT_RC(conf_recreate_schema(), ATH_OK);
}

/* Two models that reference each other. */
typedef struct Cyc {
    int64_t id;
    ath_opt_i64 other;
} Cyc;
static const ath_field cyc_a_fields[] = {
    ATH_FIELD(Cyc, id, i64, .flags = ATH_PK),
    ATH_FIELD(Cyc, other, opt_i64, .references = "cyc_b.id"),
};
static const ath_field cyc_b_fields[] = {
    ATH_FIELD(Cyc, id, i64, .flags = ATH_PK),
    ATH_FIELD(Cyc, other, opt_i64, .references = "cyc_a.id"),
};
static const ath_model CycA_model = ATH_MODEL_OF(Cyc, "cyc_a", cyc_a_fields);
static const ath_model CycB_model = ATH_MODEL_OF(Cyc, "cyc_b", cyc_b_fields);

static void test_create_all_refuses_foreign_key_cycle(void)
{
    ath_session *s = conf_begin();
    release(s);
    char *sql = NULL;
    ASSERT_RC(ath_create_all_sql(&sql, conf->engine, ATH_MODELS(&CycA_model, &CycB_model)),
              ATH_EINVAL);
    ASSERT_ERR_HAS_ANY("cyc_a", "cyc_b");
    free(sql);
    conf_end();
}

static void test_create_all_refuses_invalid_model(void)
{
    static const ath_field f[] = {ATH_FIELD(Cyc, id, i64), ATH_FIELD(Cyc, other, opt_i64)};
    static const ath_model keyless = ATH_MODEL_OF(Cyc, "keyless", f);
    ath_session *s = conf_begin();
    release(s);
    ASSERT_RC(ath_create_all(conf->engine, ATH_MODELS(&keyless)), ATH_EINVAL);
    ASSERT_ERR_HAS("keyless");
    s = conf_session();
    CU_ASSERT(sql_exec(s, "SELECT COUNT(*) FROM keyless", NULL, 0) < 0);
    conf_end();
}

const test_case schema_tests[] = {
    {"test_create_all_twice_is_harmless_and_keeps_rows",
     test_create_all_twice_is_harmless_and_keeps_rows},
    {"test_drop_all_removes_the_tables", test_drop_all_removes_the_tables},
    {"test_drop_all_of_missing_tables_is_harmless", test_drop_all_of_missing_tables_is_harmless},
    {"test_create_all_orders_tables_by_foreign_keys",
     test_create_all_orders_tables_by_foreign_keys},
    {"test_drop_all_orders_tables_by_foreign_keys", test_drop_all_orders_tables_by_foreign_keys},
    {"test_drop_all_then_create_all_gives_empty_tables",
     test_drop_all_then_create_all_gives_empty_tables},
    {"test_create_all_sql_names_constraints_by_convention",
     test_create_all_sql_names_constraints_by_convention},
    {"test_create_all_sql_lists_referenced_tables_first",
     test_create_all_sql_lists_referenced_tables_first},
    {"test_create_all_sql_does_not_run_anything", test_create_all_sql_does_not_run_anything},
    {"test_create_all_refuses_foreign_key_cycle", test_create_all_refuses_foreign_key_cycle},
    {"test_create_all_refuses_invalid_model", test_create_all_refuses_invalid_model},
    {NULL, NULL},
};

TEST_SUITE(schema) { conf_add_group("schema", schema_tests, true); }
