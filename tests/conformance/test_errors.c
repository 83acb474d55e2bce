/*
 * errors: constraint violations map to their codes and name the constraint, a failed
 * statement fails the session until it is rolled back (and nothing of the transaction is
 * written), auto_commit repositories commit and roll back on their own, and custom messages
 * replace Athanor's text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

/* After a database error: every statement is refused until rollback, then the session works. */
static void expect_failed_until_rollback(ath_session *s, ath_repo *repo)
{
    int64_t n = -1;
    CU_ASSERT(ath_session_failed(s));
    ASSERT_RC(ath_repo_count(repo, &n, ATH_NO_FILTERS), ATH_EINVAL);
    ASSERT_ERR_HAS("roll back");
    ASSERT_RC(sql_exec(s, "SELECT 1", NULL, 0), ATH_EINVAL);
    ASSERT_RC(ath_session_commit(s), ATH_EINVAL);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    CU_ASSERT_FALSE(ath_session_failed(s));
    ASSERT_RC(ath_repo_count(repo, &n, ATH_NO_FILTERS), ATH_OK);
}

/* Commits one team, "Avengers", and returns its id. */
static int64_t committed_team(ath_session *s, ath_repo *teams)
{
    int64_t id = add_team(teams, "Avengers", "Stark Tower");
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    return id;
}

static void test_duplicate_is_eduplicate_naming_constraint(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    committed_team(s, teams);
    Team dup = {0, "Avengers", NULL};
    ASSERT_RC(ath_repo_add(teams, &dup), ATH_EDUPLICATE);
    const ath_error *e = ath_error_last();
    CU_ASSERT_PTR_NOT_NULL(e->constraint);
    CU_ASSERT_PTR_NOT_NULL(e->sql);
    ASSERT_STR(e->constraint, "uq_team_name"); /* the DDL's name on every backend */
    conf_end();
}

static void test_duplicate_primary_key_is_eduplicate(void)
{
    ath_session *s = conf_begin();
    ath_repo *m = conf_repo(s, &Membership_model);
    Membership a = {1, 2, "lead"}, b = {1, 2, "again"};
    ASSERT_RC(ath_repo_add(m, &a), ATH_OK);
    ASSERT_RC(ath_repo_add(m, &b), ATH_EDUPLICATE);
    const char *c = ath_error_last()->constraint;
    CU_ASSERT_TRUE(c && (strcmp(c, "pk_membership") == 0 || strcmp(c, "PRIMARY") == 0));
    if (c && strcmp(c, "pk_membership") != 0 && strcmp(c, "PRIMARY") != 0)
        fprintf(stderr, "primary key violation named '%s'\n", c);
    conf_end();
}

static void test_update_into_duplicate_is_eduplicate(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    committed_team(s, teams);
    int64_t other = add_team(teams, "Justice League", NULL);
    Team t = {other, "Avengers", NULL};
    ASSERT_RC(ath_repo_update(teams, &t), ATH_EDUPLICATE);
    ASSERT_ERR_HAS_ANY("uq_team_name", "team.name");
    conf_end();
}

static void test_failed_statement_refuses_statements_until_rollback(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    committed_team(s, teams);
    Team dup = {0, "Avengers", NULL};
    ASSERT_RC(ath_repo_add(teams, &dup), ATH_EDUPLICATE);
    expect_failed_until_rollback(s, teams);
    conf_end();
}

static void test_failed_transaction_writes_nothing(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    committed_team(s, teams);
    add_team(teams, "Justice League", NULL); /* same transaction as the failure below */
    Team dup = {0, "Avengers", "Elsewhere"};
    ASSERT_RC(ath_repo_add(teams, &dup), ATH_EDUPLICATE);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, "team"), 1);
    ath_value k = ath_v_text("Avengers");
    char *hq = sql_text(s, "SELECT headquarters FROM team WHERE name = ?", &k, 1);
    ASSERT_STR(hq, "Stark Tower");
    free(hq);
    conf_end();
}

static void test_same_insert_works_again_after_it_failed(void)
{
    /* the repository reuses its prepared INSERT: a failed run must leave it usable */
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    committed_team(s, teams);
    Team dup = {0, "Avengers", NULL};
    ASSERT_RC(ath_repo_add(teams, &dup), ATH_EDUPLICATE);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    Team other = {0, "Justice League", NULL};
    ASSERT_RC(ath_repo_add(teams, &other), ATH_OK);
    CU_ASSERT(other.id > 0);
    ASSERT_I64(sql_count(s, "team"), 2);
    conf_end();
}

static void test_foreign_key_violation_is_eforeignkey(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t team = committed_team(s, conf_repo(s, &Team_model));
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, team);
    Hero h = {0, "Orphan", "Nobody", {0, false}, ath_some_i64(team + 1000)};
    ASSERT_RC(ath_repo_add(heroes, &h), ATH_EFOREIGNKEY);
    expect_failed_until_rollback(s, heroes);
    ASSERT_I64(sql_count(s, "hero"), 0); /* Spider-Boy went with the rollback */
    conf_end();
}

static void test_database_error_carries_the_failing_sql(void)
{
    ath_session *s = conf_begin();
    int64_t team = committed_team(s, conf_repo(s, &Team_model));
    ath_repo *tasks = conf_repo(s, &Task_model);
    Task bad = {0, team + 1000, "bad", "open", ath_some_i32(1), 0};
    ASSERT_RC(ath_repo_add(tasks, &bad), ATH_EFOREIGNKEY);
    const char *sql = ath_error_last()->sql;
    CU_ASSERT_PTR_NOT_NULL(sql);
    CU_ASSERT(sql && strstr(sql, "INSERT") && strstr(sql, "task"));
    conf_end();
}

static void test_not_null_violation_is_enotnull(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    Hero h = {0, "Nameless", NULL, {0, false}, {0, false}};
    ASSERT_RC(ath_repo_add(heroes, &h), ATH_ENOTNULL);
    ASSERT_ERR_HAS("secret_name");
    expect_failed_until_rollback(s, heroes);
    ASSERT_I64(sql_count(s, "hero"), 0);
    conf_end();
}

static void test_check_violation_is_echeck_naming_constraint(void)
{
    ath_session *s = conf_begin();
    int64_t team = committed_team(s, conf_repo(s, &Team_model));
    ath_repo *tasks = conf_repo(s, &Task_model);
    Task ok = {0, team, "fine", "open", ath_some_i32(1), 0};
    ASSERT_RC(ath_repo_add(tasks, &ok), ATH_OK);
    Task t = {0, team, "negative", "open", ath_some_i32(1), -1};
    ASSERT_RC(ath_repo_add(tasks, &t), ATH_ECHECK);
    CU_ASSERT_PTR_NOT_NULL(ath_error_last()->constraint);
    ASSERT_ERR_HAS("ck_task_score");
    expect_failed_until_rollback(s, tasks);
    ASSERT_I64(sql_count(s, "task"), 0);
    conf_end();
}

static void test_enotfound_does_not_fail_the_session(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    Hero h;
    memset(&h, 0, sizeof h);
    ath_value k = ath_v_i64(424242);
    ASSERT_RC(ath_repo_get(heroes, &h, &k, 1), ATH_ENOTFOUND);
    ASSERT_RC(ath_repo_delete(heroes, &k, 1, NULL), ATH_ENOTFOUND);
    CU_ASSERT_FALSE(ath_session_failed(s));
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, "hero"), 1);
    conf_end();
}

static void test_error_in_one_repository_fails_the_shared_session(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model), *heroes = conf_repo(s, &Hero_model);
    committed_team(s, teams);
    Team dup = {0, "Avengers", NULL};
    ASSERT_RC(ath_repo_add(teams, &dup), ATH_EDUPLICATE);
    Hero h = {0, "Spider-Boy", "Pedro Parqueador", {0, false}, {0, false}};
    ASSERT_RC(ath_repo_add(heroes, &h), ATH_EINVAL);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, "hero"), 0);
    conf_end();
}

static void test_repo_open_refuses_invalid_model(void)
{
    typedef struct Keyless {
        int64_t id;
    } Keyless;
    static const ath_field f[] = {ATH_FIELD(Keyless, id, i64)};
    static const ath_model keyless = ATH_MODEL_OF(Keyless, "keyless", f);
    ath_session *s = conf_begin();
    ath_repo *r = NULL;
    ASSERT_RC(ath_repo_open(&r, s, &keyless), ATH_EINVAL);
    ASSERT_ERR_HAS("keyless");
    CU_ASSERT_PTR_NULL(r);
    ath_repo_free(r);
    conf_end();
}

/* --- auto_commit ------------------------------------------------------------------------------ */

static ath_repo *auto_commit_teams(ath_session *s, const ath_error_messages *messages)
{
    ath_repo_options o = ATH_REPO_OPTIONS_INIT;
    o.auto_commit = true;
    o.messages = messages;
    return conf_repo_opts(s, &Team_model, &o);
}

/* Team names in the database, read by a session of their own after `s` is closed. */
static void expect_teams_after_close(ath_session *s, const char *expected, int line)
{
    conf_close(s); /* rolls back whatever was not committed */
    ath_session *reader = conf_session();
    ath_repo *teams = conf_repo(reader, &Team_model);
    conf_assert_names(conf_list(teams, ATH_NO_FILTERS), offsetof(Team, name), expected, false,
                      __FILE__, line);
    conf_close(reader);
}

static void test_auto_commit_commits_successful_writes(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = auto_commit_teams(s, NULL);
    add_team(teams, "Avengers", NULL);
    CU_ASSERT_FALSE(ath_session_in_transaction(s));
    expect_teams_after_close(s, "Avengers", __LINE__);
    conf_end();
}

static void test_auto_commit_rolls_back_failed_write(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = auto_commit_teams(s, NULL);
    add_team(teams, "Avengers", NULL);
    Team dup = {0, "Avengers", NULL};
    ASSERT_RC(ath_repo_add(teams, &dup), ATH_EDUPLICATE);
    CU_ASSERT_FALSE(ath_session_failed(s)); /* already rolled back: usable at once */
    add_team(teams, "Justice League", NULL);
    expect_teams_after_close(s, "Avengers|Justice League", __LINE__);
    conf_end();
}

static void test_auto_commit_failed_add_many_leaves_nothing_of_the_batch(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = auto_commit_teams(s, NULL);
    add_team(teams, "Avengers", NULL);
    Team batch[3] = {{0, "Alpha Flight", NULL}, {0, "Avengers", NULL}, {0, "Empty Team", NULL}};
    ASSERT_RC(ath_repo_add_many(teams, batch, 3), ATH_EDUPLICATE);
    expect_teams_after_close(s, "Avengers", __LINE__);
    conf_end();
}

static void test_auto_commit_commits_updates_and_deletes(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = auto_commit_teams(s, NULL);
    int64_t a = add_team(teams, "Avengers", NULL);
    int64_t b = add_team(teams, "Justice League", NULL);
    Team t = {a, "Avengers Assembled", NULL};
    ASSERT_RC(ath_repo_update(teams, &t), ATH_OK);
    ath_value k = ath_v_i64(b);
    ASSERT_RC(ath_repo_delete(teams, &k, 1, NULL), ATH_OK);
    expect_teams_after_close(s, "Avengers Assembled", __LINE__);
    conf_end();
}

static void test_without_auto_commit_close_discards_writes(void)
{
    ath_session *s = conf_begin();
    add_team(conf_repo(s, &Team_model), "Avengers", NULL);
    CU_ASSERT(ath_session_in_transaction(s));
    expect_teams_after_close(s, "", __LINE__);
    conf_end();
}

/* --- custom messages -------------------------------------------------------------------------- */

static void expect_message_starts_with(const char *prefix, int line)
{
    const char *m = ath_error_last()->message;
    char what[512];
    snprintf(what, sizeof what, "message \"%s\" starts with \"%s\"", m ? m : "(null)", prefix);
    CU_assertImplementation(m && strncmp(m, prefix, strlen(prefix)) == 0 ? CU_TRUE : CU_FALSE,
                            (unsigned)line, what, __FILE__, "", CU_FALSE);
}

static void test_custom_duplicate_message_replaces_text(void)
{
    static const ath_error_messages msgs = {.duplicate_key = "That team already exists"};
    ath_session *s = conf_begin();
    ath_repo *teams = auto_commit_teams(s, &msgs);
    add_team(teams, "Avengers", NULL);
    Team dup = {0, "Avengers", NULL};
    ASSERT_RC(ath_repo_add(teams, &dup), ATH_EDUPLICATE); /* the code is unchanged */
    expect_message_starts_with("That team already exists", __LINE__);
    ASSERT_ERR_HAS(" \xE2\x80\x94 "); /* " — " then the database's own text */
    conf_end();
}

static void test_custom_not_found_message_replaces_text(void)
{
    static const ath_error_messages msgs = {.not_found = "No such team"};
    ath_session *s = conf_begin();
    ath_repo *teams = auto_commit_teams(s, &msgs);
    Team t;
    memset(&t, 0, sizeof t);
    ath_value k = ath_v_i64(1234567);
    ASSERT_RC(ath_repo_get(teams, &t, &k, 1), ATH_ENOTFOUND);
    expect_message_starts_with("No such team", __LINE__);
    conf_end();
}

static void test_custom_multiple_rows_message_replaces_text(void)
{
    static const ath_error_messages msgs = {.multiple_rows = "Ambiguous team"};
    ath_session *s = conf_begin();
    ath_repo *teams = auto_commit_teams(s, &msgs);
    add_team(teams, "Avengers", NULL);
    add_team(teams, "Alpha Flight", NULL);
    Team t;
    memset(&t, 0, sizeof t);
    ASSERT_RC(ath_repo_get_one(teams, &t,
                               ATH_FILTERS(ath_where("name", ATH_STARTSWITH, ath_v_text("A")))),
              ATH_EMULTIPLE);
    expect_message_starts_with("Ambiguous team", __LINE__);
    conf_end();
}

static void test_custom_foreign_key_message_replaces_text(void)
{
    static const ath_error_messages msgs = {.foreign_key = "Unknown team"};
    ath_repo_options o;
    memset(&o, 0, sizeof o);
    o.messages = &msgs;
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo_opts(s, &Hero_model, &o);
    Hero h = {0, "Orphan", "Nobody", {0, false}, ath_some_i64(987654)};
    ASSERT_RC(ath_repo_add(heroes, &h), ATH_EFOREIGNKEY);
    expect_message_starts_with("Unknown team", __LINE__);
    conf_end();
}

static void test_repo_options_of_a_newer_version_are_refused(void)
{
    ath_session *s = conf_begin();
    ath_repo_options o = ATH_REPO_OPTIONS_INIT;
    CU_ASSERT_EQUAL(o.version, ATH_REPO_OPTIONS_VERSION);
    o.version = ATH_REPO_OPTIONS_VERSION + 1;
    ath_repo *r = (ath_repo *)&o; /* must be cleared */
    ASSERT_RC(ath_repo_open_opts(&r, s, &Team_model, &o), ATH_EINVAL);
    CU_ASSERT_PTR_NULL(r);
    ASSERT_ERR_HAS("ath_repo_options version");
    o.version = 0; /* left out by designated initialisers: read as version 1 */
    ASSERT_RC(ath_repo_open_opts(&r, s, &Team_model, &o), ATH_OK);
    ath_repo_free(r);
    conf_end();
}

static void test_custom_check_and_not_null_messages_replace_text(void)
{
    static const ath_error_messages msgs = {.check = "Score must not be negative",
                                            .not_null = "Missing value"};
    ath_repo_options o;
    memset(&o, 0, sizeof o);
    o.messages = &msgs;
    o.auto_commit = true;
    ath_session *s = conf_begin();
    int64_t team = add_team(auto_commit_teams(s, NULL), "Avengers", NULL);
    ath_repo *tasks = conf_repo_opts(s, &Task_model, &o);
    Task neg = {0, team, "negative", "open", ath_some_i32(1), -5};
    ASSERT_RC(ath_repo_add(tasks, &neg), ATH_ECHECK);
    expect_message_starts_with("Score must not be negative", __LINE__);
    Task untitled = {0, team, NULL, "open", ath_some_i32(1), 5};
    ASSERT_RC(ath_repo_add(tasks, &untitled), ATH_ENOTNULL);
    expect_message_starts_with("Missing value", __LINE__);
    conf_end();
}

static void test_default_messages_are_kept_when_not_replaced(void)
{
    static const ath_error_messages msgs = {.not_found = "No such team"};
    ath_session *s = conf_begin();
    ath_repo *teams = auto_commit_teams(s, &msgs);
    add_team(teams, "Avengers", NULL);
    Team dup = {0, "Avengers", NULL};
    ASSERT_RC(ath_repo_add(teams, &dup), ATH_EDUPLICATE);
    ASSERT_ERR_HAS_ANY("uq_team_name", "team.name");
    conf_end();
}

const test_case errors_tests[] = {
    /* first: a statement left broken by a failure would otherwise hang a later test */
    {"test_same_insert_works_again_after_it_failed", test_same_insert_works_again_after_it_failed},
    {"test_duplicate_is_eduplicate_naming_constraint",
     test_duplicate_is_eduplicate_naming_constraint},
    {"test_duplicate_primary_key_is_eduplicate", test_duplicate_primary_key_is_eduplicate},
    {"test_update_into_duplicate_is_eduplicate", test_update_into_duplicate_is_eduplicate},
    {"test_failed_statement_refuses_statements_until_rollback",
     test_failed_statement_refuses_statements_until_rollback},
    {"test_failed_transaction_writes_nothing", test_failed_transaction_writes_nothing},
    {"test_foreign_key_violation_is_eforeignkey", test_foreign_key_violation_is_eforeignkey},
    {"test_database_error_carries_the_failing_sql", test_database_error_carries_the_failing_sql},
    {"test_not_null_violation_is_enotnull", test_not_null_violation_is_enotnull},
    {"test_check_violation_is_echeck_naming_constraint",
     test_check_violation_is_echeck_naming_constraint},
    {"test_enotfound_does_not_fail_the_session", test_enotfound_does_not_fail_the_session},
    {"test_error_in_one_repository_fails_the_shared_session",
     test_error_in_one_repository_fails_the_shared_session},
    {"test_repo_open_refuses_invalid_model", test_repo_open_refuses_invalid_model},
    {"test_auto_commit_commits_successful_writes", test_auto_commit_commits_successful_writes},
    {"test_auto_commit_rolls_back_failed_write", test_auto_commit_rolls_back_failed_write},
    {"test_auto_commit_failed_add_many_leaves_nothing_of_the_batch",
     test_auto_commit_failed_add_many_leaves_nothing_of_the_batch},
    {"test_auto_commit_commits_updates_and_deletes", test_auto_commit_commits_updates_and_deletes},
    {"test_without_auto_commit_close_discards_writes",
     test_without_auto_commit_close_discards_writes},
    {"test_custom_duplicate_message_replaces_text", test_custom_duplicate_message_replaces_text},
    {"test_custom_not_found_message_replaces_text", test_custom_not_found_message_replaces_text},
    {"test_custom_multiple_rows_message_replaces_text",
     test_custom_multiple_rows_message_replaces_text},
    {"test_custom_foreign_key_message_replaces_text",
     test_custom_foreign_key_message_replaces_text},
    {"test_custom_check_and_not_null_messages_replace_text",
     test_custom_check_and_not_null_messages_replace_text},
    {"test_repo_options_of_a_newer_version_are_refused",
     test_repo_options_of_a_newer_version_are_refused},
    {"test_default_messages_are_kept_when_not_replaced",
     test_default_messages_are_kept_when_not_replaced},
    {NULL, NULL},
};

TEST_SUITE(errors) { conf_add_group("errors", errors_tests, true); }
