/* Read/write routing against a real hot standby: an engine on the primary with the standby as
 * its replica; pg_is_in_recovery() through the session shows where each statement ran. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <athanor/routing.h>

#include "runner.h"
#include "scale.h"

static ath_engine *engine;

static int suite_init(void)
{
    if (ath_engine_create(&engine, scale.primary_url) != ATH_OK ||
        ath_engine_add_replica(engine, scale.standby_url) != ATH_OK)
        return 1;
    ath_engine *p = NULL;
    int rc = ath_engine_create(&p, scale.primary_url);
    if (rc == ATH_OK)
        rc = scale_exec(p, "DROP TABLE IF EXISTS rt_item");
    if (rc == ATH_OK)
        rc = scale_exec(p, "CREATE TABLE rt_item (id INTEGER PRIMARY KEY, note TEXT)");
    ath_engine_dispose(p);
    /* the table reaches the standby before the tests read it there */
    for (int i = 0; rc == ATH_OK && i < 1000; i++) {
        ath_engine *sb = NULL;
        ath_session *s = NULL;
        int found = ath_engine_create(&sb, scale.standby_url) == ATH_OK &&
                    ath_session_open(&s, sb) == ATH_OK &&
                    ath_session_execute(s, "SELECT count(*) FROM rt_item", NULL, 0, NULL) == ATH_OK;
        ath_session_close(s);
        ath_engine_dispose(sb);
        if (found)
            return 0;
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    return 1;
}

static int suite_clean(void)
{
    ath_engine *p = NULL;
    if (ath_engine_create(&p, scale.primary_url) == ATH_OK)
        scale_exec(p, "DROP TABLE IF EXISTS rt_item");
    ath_engine_dispose(p);
    ath_engine_dispose(engine);
    return 0;
}

static void test_reads_land_on_the_standby(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(scale_in_recovery(s), 1);
        CU_ASSERT_EQUAL(scale_i64(s, "SELECT inet_server_port()"), scale.standby_port);
        CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_REPLICA);
        ASSERT_RC(ath_session_commit(s), ATH_OK);
    }
    ath_session_close(s);
}

static void test_writes_land_on_the_primary_and_the_session_reads_its_writes(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 1); /* the transaction starts on the standby */
    ath_value p[] = {ath_v_i32(1), ath_v_text("mine")};
    /* on the standby this would be 25006 (read-only transaction) */
    ASSERT_RC(ath_session_execute(s, "INSERT INTO rt_item VALUES (?, ?)", p, 2, NULL), ATH_OK);
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0);
    /* read-your-writes inside the sticky transaction, even before the commit */
    CU_ASSERT_EQUAL(scale_i64(s, "SELECT count(*) FROM rt_item WHERE note = 'mine'"), 1);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 1); /* a new transaction: back on the standby */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

static void test_locking_reads_and_explicit_transactions_use_the_primary(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    /* FOR UPDATE on a standby fails (25006): it goes to the primary */
    CU_ASSERT_EQUAL(scale_i64(s, "SELECT count(*) FROM (SELECT id FROM rt_item FOR UPDATE) AS l"),
                    1);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_session_begin(s), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_RC(ath_session_set_route(s, ATH_ROUTE_PRIMARY), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

static void test_a_replica_that_is_down_falls_back(void)
{
    /* port 1 on loopback refuses at once: the standby, then the primary, serves instead */
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, scale.primary_url), ATH_OK);
    char dead[512];
    snprintf(dead, sizeof dead, "postgresql://%s:%s@127.0.0.1:1/%s", scale.user, scale.password,
             scale.database);
    ASSERT_RC(ath_engine_add_replica(e, dead), ATH_OK);
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0); /* no replica up: the primary */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, scale.standby_url), ATH_OK);
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(scale_in_recovery(s), 1);
        ASSERT_RC(ath_session_commit(s), ATH_OK);
    }
    ath_session_close(s);
    ath_engine_dispose(e);
}

TEST_SUITE(routing)
{
    static const test_case tests[] = {
        {"reads land on the standby", test_reads_land_on_the_standby},
        {"writes land on the primary and the session reads its writes",
         test_writes_land_on_the_primary_and_the_session_reads_its_writes},
        {"locking reads and explicit transactions use the primary",
         test_locking_reads_and_explicit_transactions_use_the_primary},
        {"a replica that is down falls back", test_a_replica_that_is_down_falls_back},
        {NULL, NULL}};
    test_add_suite("routing", suite_init, suite_clean, tests);
}
