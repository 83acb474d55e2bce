/*
 * sessions: transactions around repositories — own work visible before commit, invisible to
 * other sessions until commit (where the backend can hold two transactions at once), rollback,
 * close, savepoints, and several repositories sharing one transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

static int64_t hero_count(ath_repo *heroes)
{
    int64_t n = -1;
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_NO_FILTERS), ATH_OK);
    return n;
}

static void test_work_is_visible_inside_own_transaction(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    CU_ASSERT(ath_session_in_transaction(s));
    ASSERT_NAMES(conf_list(heroes, ATH_NO_FILTERS), Hero, name, "Spider-Boy");
    ASSERT_HERO(s, id, "Spider-Boy|Pedro Parqueador|16|-");
    conf_end();
}

static void test_uncommitted_work_is_invisible_to_another_session(void)
{
    if (!conf->be->concurrent_sessions) {
        CU_PASS("one connection: a second session cannot run beside an open transaction");
        return;
    }
    ath_session *writer = conf_begin();
    ath_repo *heroes = conf_repo(writer, &Hero_model);
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    ath_session *reader = conf_session();
    ath_repo *seen = conf_repo(reader, &Hero_model);
    ASSERT_I64(hero_count(seen), 0);
    ASSERT_RC(ath_session_rollback(reader), ATH_OK); /* a fresh snapshot for the next read */
    ASSERT_RC(ath_session_commit(writer), ATH_OK);
    ASSERT_I64(hero_count(seen), 1);
    conf_end();
}

static void test_uncommitted_update_is_invisible_to_another_session(void)
{
    if (!conf->be->concurrent_sessions) {
        CU_PASS("one connection: a second session cannot run beside an open transaction");
        return;
    }
    ath_session *writer = conf_begin();
    ath_repo *heroes = conf_repo(writer, &Hero_model);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    ASSERT_RC(ath_session_commit(writer), ATH_OK);
    Hero h = {id, "Spider-Man", "Peter Parker", ath_some_i32(17), {0, false}};
    ASSERT_RC(ath_repo_update(heroes, &h), ATH_OK);
    ath_session *reader = conf_session();
    ASSERT_HERO(reader, id, "Spider-Boy|Pedro Parqueador|16|-");
    ASSERT_RC(ath_session_rollback(reader), ATH_OK);
    ASSERT_RC(ath_session_commit(writer), ATH_OK);
    ASSERT_HERO(reader, id, "Spider-Man|Peter Parker|17|-");
    conf_end();
}

static void test_commit_makes_work_visible_to_a_new_session(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_FALSE(ath_session_in_transaction(s));
    conf_close(s);
    ath_session *other = conf_session();
    ath_repo *again = conf_repo(other, &Hero_model);
    Hero h;
    memset(&h, 0, sizeof h);
    ath_value k = ath_v_i64(id);
    ASSERT_RC(ath_repo_get(again, &h, &k, 1), ATH_OK);
    ASSERT_STR(h.name, "Spider-Boy");
    ath_model_free_fields(&Hero_model, &h);
    conf_end();
}

static void test_rollback_undoes_add_many(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    Hero h[10];
    for (int i = 0; i < 10; i++)
        h[i] = (Hero){0, "Clone", "Same", ath_some_i32(i), {0, false}};
    ASSERT_RC(ath_repo_add_many(heroes, h, 10), ATH_OK);
    ASSERT_I64(hero_count(heroes), 10);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(hero_count(heroes), 0);
    conf_end();
}

static void test_rollback_undoes_updates_and_deletes(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t a = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    int64_t b = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    Hero h = {a, "Spider-Man", "Peter Parker", ath_some_i32(17), {0, false}};
    ASSERT_RC(ath_repo_update(heroes, &h), ATH_OK);
    ath_value k = ath_v_i64(b);
    ASSERT_RC(ath_repo_delete(heroes, &k, 1, NULL), ATH_OK);
    ASSERT_I64(hero_count(heroes), 1);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_HERO(s, a, "Spider-Boy|Pedro Parqueador|16|-");
    ASSERT_HERO(s, b, "Rusty-Man|Tommy Sharp|48|-");
    conf_end();
}

static void test_close_without_commit_discards_work(void)
{
    ath_session *s = conf_begin();
    add_hero(conf_repo(s, &Hero_model), "Spider-Boy", "Pedro Parqueador", 16, 0);
    conf_close(s);
    ath_session *other = conf_session();
    ASSERT_I64(sql_count(other, "hero"), 0);
    conf_end();
}

static void test_repositories_on_one_session_share_its_transaction(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model), *heroes = conf_repo(s, &Hero_model);
    int64_t team = add_team(teams, "Avengers", NULL);
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, team); /* sees the uncommitted team */
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, "team"), 0);
    ASSERT_I64(sql_count(s, "hero"), 0);
    conf_end();
}

static void test_work_after_commit_starts_a_new_transaction(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_NAMES(conf_list(heroes, ATH_NO_FILTERS), Hero, name, "Spider-Boy");
    conf_end();
}

static void test_rollback_to_savepoint_recovers_from_failed_write(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    add_team(teams, "Avengers", NULL);
    ath_savepoint sp = 0;
    ASSERT_RC(ath_session_savepoint(s, &sp), ATH_OK);
    Team dup = {0, "Avengers", NULL};
    ASSERT_RC(ath_repo_add(teams, &dup), ATH_EDUPLICATE);
    CU_ASSERT(ath_session_failed(s));
    ASSERT_RC(ath_session_rollback_to(s, sp), ATH_OK);
    CU_ASSERT_FALSE(ath_session_failed(s));
    add_team(teams, "Justice League", NULL);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_NAMES(conf_list(teams, ATH_NO_FILTERS), Team, name, "Avengers|Justice League");
    conf_end();
}

static void test_rollback_to_savepoint_undoes_later_work_only(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    ath_savepoint sp = 0;
    ASSERT_RC(ath_session_savepoint(s, &sp), ATH_OK);
    Hero h[2] = {{0, "Rusty-Man", "Tommy Sharp", {0, false}, {0, false}},
                 {0, "Tarantula", "Natalia Roman-on", {0, false}, {0, false}}};
    ASSERT_RC(ath_repo_add_many(heroes, h, 2), ATH_OK);
    ASSERT_RC(ath_session_rollback_to(s, sp), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_NAMES(conf_list(heroes, ATH_NO_FILTERS), Hero, name, "Spider-Boy");
    conf_end();
}

static void test_get_or_upsert_leaves_the_transaction_usable(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    add_team(teams, "Avengers", NULL);
    Team t = {0, "Avengers", "Elsewhere"}, before = t;
    bool created = true;
    ASSERT_RC(ath_repo_get_or_upsert(teams, &t, ATH_NAMES("name"), false, &created), ATH_OK);
    CU_ASSERT_FALSE(created);
    FREE_OWNED(&Team_model, &t, &before);
    CU_ASSERT_FALSE(ath_session_failed(s));
    add_team(teams, "Justice League", NULL);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, "team"), 2);
    conf_end();
}

static void test_committed_work_survives_a_later_failure(void)
{
    ath_session *s = conf_begin();
    ath_repo *teams = conf_repo(s, &Team_model);
    add_team(teams, "Avengers", NULL);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    Team dup = {0, "Avengers", NULL};
    ASSERT_RC(ath_repo_add(teams, &dup), ATH_EDUPLICATE);
    conf_close(s);
    ath_session *other = conf_session();
    ASSERT_I64(sql_count(other, "team"), 1);
    conf_end();
}

/* A second session in the same thread never sits out pool_timeout: it works (servers, SQLite
 * files) or, where the one connection of sqlite:///:memory: is held by this thread, fails at
 * once saying why. The first session's work is untouched either way. */
static void test_second_session_in_one_thread_never_waits_pool_timeout(void)
{
    ath_session *a = conf_begin();
    ath_repo *teams = conf_repo(a, &Team_model);
    add_team(teams, "Avengers", NULL); /* a holds an open write transaction */
    ath_session *b = conf_session();
    ath_result *r = NULL;
    double t0 = test_now();
    int rc = ath_session_execute(b, "SELECT COUNT(*) FROM team", NULL, 0, &r);
    double waited = test_now() - t0;
    CU_ASSERT_TRUE(waited < 2.0);
    if (conf->be->concurrent_sessions) {
        ASSERT_RC(rc, ATH_OK);
        CU_ASSERT_EQUAL(ath_result_next(r), 1);
        ASSERT_I64(ath_result_i64(r, 0), 0); /* a's row is not committed */
    } else {
        ASSERT_RC(rc, ATH_EINVAL);
        ASSERT_ERR_HAS("this thread already holds it");
    }
    ath_result_free(r);
    ASSERT_RC(ath_session_rollback(b), ATH_OK);
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    ASSERT_I64(sql_count(b, "team"), 1);
    conf_end();
}

const test_case session_tests[] = {
    {"test_second_session_in_one_thread_never_waits_pool_timeout",
     test_second_session_in_one_thread_never_waits_pool_timeout},
    {"test_work_is_visible_inside_own_transaction", test_work_is_visible_inside_own_transaction},
    {"test_uncommitted_work_is_invisible_to_another_session",
     test_uncommitted_work_is_invisible_to_another_session},
    {"test_uncommitted_update_is_invisible_to_another_session",
     test_uncommitted_update_is_invisible_to_another_session},
    {"test_commit_makes_work_visible_to_a_new_session",
     test_commit_makes_work_visible_to_a_new_session},
    {"test_rollback_undoes_add_many", test_rollback_undoes_add_many},
    {"test_rollback_undoes_updates_and_deletes", test_rollback_undoes_updates_and_deletes},
    {"test_close_without_commit_discards_work", test_close_without_commit_discards_work},
    {"test_repositories_on_one_session_share_its_transaction",
     test_repositories_on_one_session_share_its_transaction},
    {"test_work_after_commit_starts_a_new_transaction",
     test_work_after_commit_starts_a_new_transaction},
    {"test_rollback_to_savepoint_recovers_from_failed_write",
     test_rollback_to_savepoint_recovers_from_failed_write},
    {"test_rollback_to_savepoint_undoes_later_work_only",
     test_rollback_to_savepoint_undoes_later_work_only},
    {"test_get_or_upsert_leaves_the_transaction_usable",
     test_get_or_upsert_leaves_the_transaction_usable},
    {"test_committed_work_survives_a_later_failure", test_committed_work_survives_a_later_failure},
    {NULL, NULL},
};

TEST_SUITE(session) { conf_add_group("sessions", session_tests, true); }
