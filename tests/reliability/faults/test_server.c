/*
 * The server goes away: stopped in the middle of a transaction (between statements and during
 * one), restarted between two sessions. The operation fails with ATH_ECONNLOST, nothing of the
 * open transaction survives, and the same engine serves new sessions once the server is back.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"

static const fault_backend *cur;

/* Leaves `n` idle connections in the pool, each opened before whatever comes next. */
static void warm_pool(ath_engine *e, int n)
{
    ath_session *s[8] = {0};
    for (int i = 0; i < n && i < 8; i++) {
        ASSERT_RC(ath_session_open(&s[i], e), ATH_OK);
        ASSERT_RC(fault_exec(s[i], "SELECT 1"), ATH_OK);
    }
    for (int i = 0; i < n && i < 8; i++) {
        ASSERT_RC(ath_session_commit(s[i]), ATH_OK);
        ath_session_close(s[i]);
    }
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.idle, n);
}

static void test_stop_between_statements_loses_the_open_transaction_only(void)
{
    const fault_backend *b = cur;
    if (!fault_need_control(b))
        return;
    ath_engine *e = fault_engine(b, "pool_size=2&pool_pre_ping=true&pool_timeout=5");
    ath_session *a = NULL;
    ath_repo *repo = NULL;
    bool started = true;
    if (!e || !fault_reset_table(e) || !fault_seed(e, "kept", 10))
        goto done;
    warm_pool(e, 2);
    ASSERT_RC(ath_session_open(&a, e), ATH_OK);
    ASSERT_RC(ath_repo_open(&repo, a, &FaultItem_model), ATH_OK);
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "lost-%d", i);
        ASSERT_RC(ath_repo_add(repo, &(FaultItem){.name = name, .qty = i}), ATH_OK);
    }

    started = false;
    if (fault_server(b, "STOP")) {
        FaultItem late = {.name = "lost-late", .qty = 99};
        ASSERT_RC(ath_repo_add(repo, &late), ATH_ECONNLOST);
        CU_ASSERT_TRUE(ath_session_failed(a));
        int64_t n = 0;
        /* refused, never replayed on another connection */
        ASSERT_RC(ath_repo_count(repo, &n, ATH_NO_FILTERS), ATH_EINVAL);
        ASSERT_RC(ath_session_commit(a), ATH_EINVAL);
        ASSERT_RC(ath_session_rollback(a), ATH_OK);
        CU_ASSERT_FALSE(ath_session_failed(a));
        /* while the server is down a new transaction cannot connect: a clear error, no hang */
        double t0 = fault_now();
        ASSERT_RC(ath_repo_count(repo, &n, ATH_NO_FILTERS), ATH_ECONNECT);
        CU_ASSERT(fault_now() - t0 < 15.0);
        ASSERT_RC(ath_session_rollback(a), ATH_OK);
        ath_pool_status st;
        ath_engine_pool_status(e, &st);
        CU_ASSERT_EQUAL(st.checked_out, 0);
        started = fault_server(b, "START");
    }
    if (started) {
        /* the same engine, the same session: pre-ping replaces what died with the server */
        CU_ASSERT_EQUAL(fault_count_prefix(e, "kept-"), 10);
        CU_ASSERT_EQUAL(fault_count_prefix(e, "lost-"), 0);
        CU_ASSERT_EQUAL(fault_count(e), 10);
        ASSERT_RC(ath_repo_add(repo, &(FaultItem){.name = "after-restart", .qty = 1}), ATH_OK);
        ASSERT_RC(ath_session_commit(a), ATH_OK);
        CU_ASSERT_EQUAL(fault_count(e), 11);
        warm_pool(e, 2); /* both pooled connections work */
        ath_pool_status st;
        ath_engine_pool_status(e, &st);
        CU_ASSERT_EQUAL(st.checked_out, 0);
        CU_ASSERT(st.open <= 2);
    }
done:
    ath_repo_free(repo);
    ath_session_close(a);
    ath_engine_dispose(e);
    if (!started)
        fault_server_ensure_up(b);
}

static void test_stop_during_a_statement_gives_connlost(void)
{
    const fault_backend *b = cur;
    if (!fault_need_control(b))
        return;
    ath_engine *e = fault_engine(b, "pool_size=2&pool_pre_ping=true&pool_timeout=5");
    ath_session *a = NULL;
    ath_repo *repo = NULL;
    bool started = true;
    if (!e || !fault_reset_table(e) || !fault_seed(e, "kept", 3))
        goto done;
    ASSERT_RC(ath_session_open(&a, e), ATH_OK);
    ASSERT_RC(ath_repo_open(&repo, a, &FaultItem_model), ATH_OK);
    ASSERT_RC(ath_repo_add(repo, &(FaultItem){.name = "lost-0", .qty = 0}), ATH_OK);

    started = false;
    fault_stopper st = {b, 500, -1};
    pthread_t t;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, fault_stop_later, &st), 0);
    double t0 = fault_now();
    int rc = fault_exec(a, b->sleep_sql); /* the server stops while this runs */
    double took = fault_now() - t0;
    pthread_join(t, NULL);
    CU_ASSERT_EQUAL(st.status, 0);
    ASSERT_RC(rc, ATH_ECONNLOST);
    CU_ASSERT(took < 15.0); /* the statement did not run to its end */
    CU_ASSERT_TRUE(ath_session_failed(a));
    ASSERT_RC(ath_session_rollback(a), ATH_OK);
    started = fault_server(b, "START");
    if (started) {
        CU_ASSERT_EQUAL(fault_count_prefix(e, "lost-"), 0);
        CU_ASSERT_EQUAL(fault_count(e), 3);
        ASSERT_RC(ath_repo_add(repo, &(FaultItem){.name = "after-restart", .qty = 1}), ATH_OK);
        ASSERT_RC(ath_session_commit(a), ATH_OK);
        CU_ASSERT_EQUAL(fault_count(e), 4);
    }
done:
    ath_repo_free(repo);
    ath_session_close(a);
    ath_engine_dispose(e);
    if (!started)
        fault_server_ensure_up(b);
}

static void test_restart_between_sessions_next_checkout_works_with_pre_ping(void)
{
    const fault_backend *b = cur;
    if (!fault_need_control(b))
        return;
    ath_engine *e = fault_engine(b, "pool_size=2&pool_pre_ping=true");
    if (!e || !fault_reset_table(e) || !fault_seed(e, "kept", 3))
        goto done;
    warm_pool(e, 2);
    ath_pool_status before, after;
    ath_engine_pool_status(e, &before);
    if (!fault_server(b, "RESTART"))
        goto done;
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(ath_repo_open(&repo, s, &FaultItem_model), ATH_OK);
    /* the very next checkout works: no error reaches the caller */
    ASSERT_RC(ath_repo_add(repo, &(FaultItem){.name = "after-restart", .qty = 1}), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_repo_free(repo);
    ath_session_close(s);
    CU_ASSERT_EQUAL(fault_count(e), 4);
    ath_engine_pool_status(e, &after);
    CU_ASSERT(after.closed_total >= before.closed_total + 1); /* the dead one was replaced */
    CU_ASSERT_EQUAL(after.checked_out, 0);
done:
    ath_engine_dispose(e);
    fault_server_ensure_up(b);
}

/*
 * Without pre-ping the first user of a connection that died with the server sees ATH_ECONNLOST
 * (nothing is replayed); the pool should then treat every connection opened before the loss as
 * dead too (SQLAlchemy's pool invalidation), so the next session works — not one failure per
 * pooled connection.
 */
static void test_restart_without_pre_ping_one_connlost_invalidates_the_pool(void)
{
    const fault_backend *b = cur;
    if (!fault_need_control(b))
        return;
    ath_engine *e = fault_engine(b, "pool_size=3");
    if (!e || !fault_reset_table(e) || !fault_seed(e, "kept", 3))
        goto done;
    warm_pool(e, 3);
    if (!fault_server(b, "RESTART"))
        goto done;
    int lost = 0, ok_at = -1;
    for (int i = 0; i < 4 && ok_at < 0; i++) {
        ath_session *s = NULL;
        ASSERT_RC(ath_session_open(&s, e), ATH_OK);
        int rc = fault_exec(s, "SELECT 1");
        if (rc == ATH_OK)
            ok_at = i;
        else if (rc == ATH_ECONNLOST)
            lost++;
        else
            ASSERT_RC(rc, ATH_OK);
        ASSERT_RC(ath_session_rollback(s), ATH_OK);
        ath_session_close(s);
    }
    CU_ASSERT(ok_at >= 0);
    if (lost > 1)
        FAULT_FAIL("after the restart %d sessions in a row got ATH_ECONNLOST from dead pooled "
                   "connections; expected one, then a working connection",
                   lost);
    CU_ASSERT_EQUAL(fault_count(e), 3);
done:
    ath_engine_dispose(e);
    fault_server_ensure_up(b);
}

static int init_pg(void)
{
    cur = &fault_backends[FB_POSTGRESQL];
    return 0;
}

static int init_mariadb(void)
{
    cur = &fault_backends[FB_MARIADB];
    return 0;
}

TEST_SUITE(server)
{
    static const test_case tests[] = {
        {"server stopped between statements: ATH_ECONNLOST, only the open transaction lost, "
         "the engine serves again",
         test_stop_between_statements_loses_the_open_transaction_only},
        {"server stopped during a statement: ATH_ECONNLOST",
         test_stop_during_a_statement_gives_connlost},
        {"server restarted between sessions: the next checkout works (pre-ping)",
         test_restart_between_sessions_next_checkout_works_with_pre_ping},
        {"server restarted, no pre-ping: one ATH_ECONNLOST invalidates the pool",
         test_restart_without_pre_ping_one_connlost_invalidates_the_pool},
        {NULL, NULL},
    };
    test_add_suite("server@postgresql", init_pg, NULL, tests);
    test_add_suite("server@mariadb", init_mariadb, NULL, tests);
}
