/* Lost connections: a backend terminated under a session gives ATH_ECONNLOST, the pool never
 * takes the connection back, and pre-ping replaces a dead idle connection unseen. */
#include <string.h>
#include <time.h>

#include "pg_test.h"
#include "runner.h"

/* Terminates backend `pid` from a connection of its own, and waits until it is gone. */
static void terminate_backend(int64_t pid)
{
    ath_engine *killer = pg_engine("pool_size=1");
    ath_session *s = NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(killer);
    ASSERT_RC(ath_session_open(&s, killer), ATH_OK);
    ath_value p = ath_v_i64(pid);
    CU_ASSERT_EQUAL(pg_i64(s, "SELECT pg_terminate_backend(?)::int", &p, 1), 1);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    for (int i = 0; i < 200; i++) {
        if (pg_i64(s, "SELECT count(*) FROM pg_stat_activity WHERE pid = ?", &p, 1) == 0)
            break;
        ASSERT_RC(ath_session_rollback(s), ATH_OK);
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    ath_session_close(s);
    ath_engine_dispose(killer);
}

static void test_terminated_backend_gives_connlost_and_the_pool_recovers(void)
{
    ath_engine *e = pg_engine("pool_size=2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    ath_session *a = NULL, *c = NULL;
    ath_pool_status before, after;
    ASSERT_RC(ath_session_open(&a, e), ATH_OK);
    int64_t pid = pg_i64(a, "SELECT pg_backend_pid()", NULL, 0);
    CU_ASSERT(pid > 0);
    ath_engine_pool_status(e, &before);
    terminate_backend(pid);

    ath_value v = ath_v_i32(1);
    ASSERT_RC(pg_run(a, "SELECT ?", &v, 1), ATH_ECONNLOST);
    ASSERT_ERR_HAS("lost");
    CU_ASSERT_TRUE(ath_session_failed(a));
    ASSERT_RC(pg_run(a, "SELECT ?", &v, 1), ATH_EINVAL); /* never replayed */
    ASSERT_RC(ath_session_rollback(a), ATH_OK);
    ath_engine_pool_status(e, &after);
    CU_ASSERT_EQUAL(after.closed_total, before.closed_total + 1);
    CU_ASSERT_EQUAL(after.open, 0);

    ASSERT_RC(ath_session_open(&c, e), ATH_OK);
    int64_t pid2 = pg_i64(c, "SELECT pg_backend_pid()", NULL, 0);
    CU_ASSERT(pid2 > 0);
    CU_ASSERT_NOT_EQUAL(pid2, pid);
    ath_engine_pool_status(e, &after);
    CU_ASSERT_EQUAL(after.opened_total, before.opened_total + 1);
    ath_session_close(c);
    ath_session_close(a);
    ath_engine_dispose(e);
}

static void test_terminated_idle_connection_fails_the_next_begin_without_pre_ping(void)
{
    ath_engine *e = pg_engine("pool_size=1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    int64_t pid = pg_i64(s, "SELECT pg_backend_pid()", NULL, 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK); /* back in the pool, idle */
    terminate_backend(pid);
    ASSERT_RC(pg_run(s, "SELECT 1", NULL, 0), ATH_ECONNLOST);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    CU_ASSERT_EQUAL(pg_i64(s, "SELECT 2", NULL, 0), 2); /* a fresh connection */
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_pre_ping_replaces_a_terminated_idle_connection(void)
{
    ath_engine *e = pg_engine("pool_size=1&pool_pre_ping=true");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    ath_session *s = NULL;
    ath_pool_status st;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    int64_t pid = pg_i64(s, "SELECT pg_backend_pid()", NULL, 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    terminate_backend(pid);
    int64_t pid2 = pg_i64(s, "SELECT pg_backend_pid()", NULL, 0); /* no error seen */
    CU_ASSERT(pid2 > 0);
    CU_ASSERT_NOT_EQUAL(pid2, pid);
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.opened_total, 2);
    CU_ASSERT_EQUAL(st.closed_total, 1);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_connection_lost_while_streaming_is_connlost(void)
{
    ath_engine *e = pg_engine("pool_size=1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    ath_session *s = NULL;
    ath_result *r = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    int64_t pid = pg_i64(s, "SELECT pg_backend_pid()", NULL, 0);
    /* rows come slowly (wide rows fill the server's send buffer): the backend dies while the
     * result is being read */
    ASSERT_RC(ath_session_execute(s,
                                  "SELECT i, repeat('x', 2000), pg_sleep(0.005) FROM"
                                  " generate_series(1, 2000) AS g (i)",
                                  NULL, 0, &r),
              ATH_OK);
    ASSERT_RC(ath_result_next(r), 1);
    terminate_backend(pid);
    int rc;
    while ((rc = ath_result_next(r)) == 1)
        ;
    ASSERT_RC(rc, ATH_ECONNLOST);
    ath_result_free(r);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    CU_ASSERT_EQUAL(pg_i64(s, "SELECT 3", NULL, 0), 3);
    ath_session_close(s);
    ath_engine_dispose(e);
}

TEST_SUITE(connlost)
{
    static const test_case tests[] = {
        {"a terminated backend gives ATH_ECONNLOST and the pool recovers",
         test_terminated_backend_gives_connlost_and_the_pool_recovers},
        {"a terminated idle connection fails the next BEGIN without pre-ping",
         test_terminated_idle_connection_fails_the_next_begin_without_pre_ping},
        {"pre-ping replaces a terminated idle connection",
         test_pre_ping_replaces_a_terminated_idle_connection},
        {"a connection lost while streaming is ATH_ECONNLOST",
         test_connection_lost_while_streaming_is_connlost},
        {NULL, NULL},
    };
    test_add_suite("connlost", NULL, NULL, tests);
}
