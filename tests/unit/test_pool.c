/* Tests for core/pool.c: contention, timeouts, pre-ping, recycle, overflow, broken connections. */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include <athanor/engine.h>
#include <athanor/session.h>

#include "runner.h"

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The serial number of the connection a session holds (fake driver: SELECT ID). */
static long conn_id(ath_session *s)
{
    ath_result *r = NULL;
    if (ath_session_execute(s, "SELECT ID", NULL, 0, &r) != ATH_OK)
        return -1;
    long id = ath_result_next(r) == 1 ? (long)ath_result_i64(r, 0) : -1;
    ath_result_free(r);
    return id;
}

typedef struct contention {
    ath_engine *engine;
    atomic_int in_use;
    atomic_int max_in_use;
    atomic_int errors;
    int rounds;
} contention;

static void *contender(void *arg)
{
    contention *c = arg;
    for (int i = 0; i < c->rounds; i++) {
        ath_session *s = NULL;
        if (ath_session_open(&s, c->engine) != ATH_OK || conn_id(s) < 0) {
            atomic_fetch_add(&c->errors, 1);
            ath_session_close(s);
            continue;
        }
        int n = atomic_fetch_add(&c->in_use, 1) + 1;
        int m = atomic_load(&c->max_in_use);
        while (n > m && !atomic_compare_exchange_weak(&c->max_in_use, &m, n))
            ;
        sleep_ms(1);
        atomic_fetch_sub(&c->in_use, 1);
        if (ath_session_commit(s) != ATH_OK)
            atomic_fetch_add(&c->errors, 1);
        ath_session_close(s);
    }
    return NULL;
}

static void test_threads_share_fewer_connections_than_they_need(void)
{
    contention c = {.rounds = 40};
    ASSERT_RC(ath_engine_create(&c.engine, "fake://?pool_size=2&max_overflow=1&pool_timeout=10"),
              ATH_OK);
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, contender, &c);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    CU_ASSERT_EQUAL(atomic_load(&c.errors), 0);
    CU_ASSERT(atomic_load(&c.max_in_use) <= 3);
    CU_ASSERT(atomic_load(&c.max_in_use) >= 2);
    ath_pool_status st;
    ath_engine_pool_status(c.engine, &st);
    CU_ASSERT_EQUAL(st.checked_out, 0);
    CU_ASSERT(st.open <= 2); /* overflow connections were closed on return */
    CU_ASSERT_EQUAL(st.idle, st.open);
    ath_engine_dispose(c.engine);
}

static void test_checkout_times_out_when_exhausted(void)
{
    ath_engine *e = NULL;
    ath_session *a = NULL, *b = NULL;
    ASSERT_RC(ath_engine_create(&e, "fake://?pool_size=1&max_overflow=0&pool_timeout=0.2"),
              ATH_OK);
    ath_session_open(&a, e);
    ath_session_open(&b, e);
    ASSERT_RC(ath_session_begin(a), ATH_OK);
    double t0 = test_now();
    ASSERT_RC(ath_session_begin(b), ATH_ETIMEOUT);
    double waited = test_now() - t0;
    CU_ASSERT(waited >= 0.19 && waited < 2.0);
    ASSERT_ERR_HAS("pool_timeout=0.2");
    CU_ASSERT_FALSE(ath_session_in_transaction(b));
    /* once a returns its connection, b gets it */
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    ASSERT_RC(ath_session_begin(b), ATH_OK);
    ath_session_close(a);
    ath_session_close(b);
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.open, 1);
    CU_ASSERT_EQUAL(st.waiting, 0);
    ath_engine_dispose(e);
}

static void test_pre_ping_replaces_a_broken_connection(void)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ASSERT_RC(ath_engine_create(&e, "fake://?pool_size=1&pool_pre_ping=true"), ATH_OK);
    ath_session_open(&s, e);
    long first = conn_id(s);
    CU_ASSERT(first > 0);
    /* the server dies silently while the connection sits idle in the pool */
    ASSERT_RC(ath_session_execute(s, "BREAK", NULL, 0, NULL), ATH_OK);
    ath_session_close(s);
    ath_session_open(&s, e);
    long second = conn_id(s);
    CU_ASSERT(second > 0);
    CU_ASSERT_NOT_EQUAL(first, second);
    ath_session_close(s);
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.opened_total, 2);
    CU_ASSERT_EQUAL(st.closed_total, 1);
    ath_engine_dispose(e);
}

static void test_without_pre_ping_a_dead_connection_fails_then_is_discarded(void)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ASSERT_RC(ath_engine_create(&e, "fake://?pool_size=1"), ATH_OK);
    ath_session_open(&s, e);
    long first = conn_id(s);
    ath_session_execute(s, "BREAK", NULL, 0, NULL);
    ath_session_close(s); /* back in the pool, dead without anyone knowing */
    ath_session_open(&s, e);
    ath_result *r = NULL;
    ASSERT_RC(ath_session_execute(s, "SELECT ID", NULL, 0, &r), ATH_ECONNLOST);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_FALSE(ath_session_in_transaction(s)); /* BEGIN itself failed: nothing to undo */
    long second = conn_id(s);
    CU_ASSERT(second > 0);
    CU_ASSERT_NOT_EQUAL(first, second);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_lost_connection_fails_the_statement_and_is_not_pooled(void)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ASSERT_RC(ath_engine_create(&e, "fake://?pool_size=1"), ATH_OK);
    ath_session_open(&s, e);
    long first = conn_id(s);
    ath_session_execute(s, "KILL", NULL, 0, NULL);
    ASSERT_RC(ath_session_execute(s, "SELECT ID", NULL, 0, NULL), ATH_ECONNLOST);
    CU_ASSERT_TRUE(ath_session_failed(s));
    ASSERT_RC(ath_session_execute(s, "SELECT ID", NULL, 0, NULL), ATH_EINVAL);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    long second = conn_id(s); /* never replayed: a fresh transaction on a fresh connection */
    CU_ASSERT(second > 0 && second != first);
    ath_session_close(s);
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.closed_total, 1);
    ath_engine_dispose(e);
}

static void test_recycle_replaces_old_connections(void)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ASSERT_RC(ath_engine_create(&e, "fake://?pool_size=1&pool_recycle=0.05"), ATH_OK);
    ath_session_open(&s, e);
    long first = conn_id(s);
    ath_session_commit(s);
    long again = conn_id(s); /* young: the same connection */
    ath_session_commit(s);
    sleep_ms(80);
    long later = conn_id(s);
    ath_session_close(s);
    CU_ASSERT_EQUAL(first, again);
    CU_ASSERT_NOT_EQUAL(first, later);
    ath_engine_dispose(e);
}

static void test_failed_connect_frees_the_slot(void)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ASSERT_RC(ath_engine_create(&e, "fake://?pool_size=1&max_overflow=0&fail_connect=1"), ATH_OK);
    ath_session_open(&s, e);
    ASSERT_RC(ath_session_begin(s), ATH_ECONNECT);
    ASSERT_RC(ath_session_begin(s), ATH_ECONNECT); /* not ETIMEOUT: the slot came back */
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.open, 0);
    CU_ASSERT_EQUAL(st.checked_out, 0);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_memory_database_uses_one_connection(void)
{
    ath_engine *e = NULL;
    ath_session *a = NULL, *b = NULL;
    ASSERT_RC(ath_engine_create(&e, "sqlite:///:memory:?pool_size=5&pool_timeout=0.1"), ATH_OK);
    ath_session_open(&a, e);
    ath_session_open(&b, e);
    ASSERT_RC(ath_session_execute(a, "CREATE TABLE t (x INTEGER)", NULL, 0, NULL), ATH_OK);
    ASSERT_RC(ath_session_execute(a, "INSERT INTO t VALUES (7)", NULL, 0, NULL), ATH_OK);
    /* while a holds the one connection in this thread, b fails at once (see the test below) */
    ASSERT_RC(ath_session_begin(b), ATH_EINVAL);
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    ath_result *r = NULL;
    ASSERT_RC(ath_session_execute(b, "SELECT x FROM t", NULL, 0, &r), ATH_OK);
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    CU_ASSERT_EQUAL(ath_result_i64(r, 0), 7); /* the same database */
    ath_result_free(r);
    ath_session_close(a);
    ath_session_close(b);
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.size, 1);
    CU_ASSERT_EQUAL(st.opened_total, 1);
    ath_engine_dispose(e);
}

static void test_memory_database_second_session_in_the_holding_thread_fails_at_once(void)
{
    ath_engine *e = NULL;
    ath_session *a = NULL, *b = NULL;
    ASSERT_RC(ath_engine_create(&e, "sqlite:///:memory:?pool_timeout=30"), ATH_OK);
    ath_session_open(&a, e);
    ath_session_open(&b, e);
    ASSERT_RC(ath_session_execute(a, "CREATE TABLE t (x INTEGER)", NULL, 0, NULL), ATH_OK);
    ASSERT_RC(ath_session_execute(a, "INSERT INTO t VALUES (7)", NULL, 0, NULL), ATH_OK);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ASSERT_RC(ath_session_execute(b, "SELECT COUNT(*) FROM t", NULL, 0, NULL), ATH_EINVAL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    CU_ASSERT_TRUE(waited < 1.0); /* not pool_timeout=30 */
    ASSERT_ERR_HAS("this thread already holds it");
    ASSERT_ERR_HAS("commit or roll back that session first");
    CU_ASSERT_FALSE(ath_session_failed(b));
    /* a's transaction is untouched: its row is there, and b works once a commits */
    ath_result *r = NULL;
    ASSERT_RC(ath_session_execute(a, "SELECT COUNT(*) FROM t", NULL, 0, &r), ATH_OK);
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    CU_ASSERT_EQUAL(ath_result_i64(r, 0), 1);
    ath_result_free(r);
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    ASSERT_RC(ath_session_execute(b, "SELECT COUNT(*) FROM t", NULL, 0, &r), ATH_OK);
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    CU_ASSERT_EQUAL(ath_result_i64(r, 0), 1);
    ath_result_free(r);
    ath_session_close(a);
    ath_session_close(b);
    ath_engine_dispose(e);
}

typedef struct memory_waiter {
    ath_engine *engine;
    int rc;
    int64_t seen;
} memory_waiter;

static void *memory_waiter_run(void *arg)
{
    memory_waiter *w = arg;
    ath_session *s = NULL;
    ath_result *r = NULL;
    ath_session_open(&s, w->engine);
    w->rc = ath_session_execute(s, "SELECT COUNT(*) FROM t", NULL, 0, &r);
    if (w->rc == ATH_OK && ath_result_next(r) == 1)
        w->seen = ath_result_i64(r, 0);
    ath_result_free(r);
    ath_session_close(s);
    return NULL;
}

static void test_memory_database_another_thread_still_waits_for_the_connection(void)
{
    ath_engine *e = NULL;
    ath_session *a = NULL;
    ASSERT_RC(ath_engine_create(&e, "sqlite:///:memory:?pool_timeout=10"), ATH_OK);
    ath_session_open(&a, e);
    ASSERT_RC(ath_session_execute(a, "CREATE TABLE t (x INTEGER)", NULL, 0, NULL), ATH_OK);
    ASSERT_RC(ath_session_execute(a, "INSERT INTO t VALUES (1), (2)", NULL, 0, NULL), ATH_OK);
    memory_waiter w = {e, 1, -1};
    pthread_t t;
    pthread_create(&t, NULL, memory_waiter_run, &w);
    struct timespec pause = {0, 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
    ASSERT_RC(ath_session_commit(a), ATH_OK); /* the waiting thread gets the connection now */
    pthread_join(t, NULL);
    ASSERT_RC(w.rc, ATH_OK);
    CU_ASSERT_EQUAL(w.seen, 2);
    ath_session_close(a);
    ath_engine_dispose(e);
}

TEST_SUITE(pool)
{
    static const test_case tests[] = {
        {"threads share fewer connections than they need",
         test_threads_share_fewer_connections_than_they_need},
        {"checkout times out when exhausted", test_checkout_times_out_when_exhausted},
        {"pre-ping replaces a broken connection", test_pre_ping_replaces_a_broken_connection},
        {"without pre-ping a dead connection fails then is discarded",
         test_without_pre_ping_a_dead_connection_fails_then_is_discarded},
        {"lost connection fails the statement and is not pooled",
         test_lost_connection_fails_the_statement_and_is_not_pooled},
        {"recycle replaces old connections", test_recycle_replaces_old_connections},
        {"failed connect frees the slot", test_failed_connect_frees_the_slot},
        {"memory database uses one connection", test_memory_database_uses_one_connection},
        {"memory database second session in the holding thread fails at once",
         test_memory_database_second_session_in_the_holding_thread_fails_at_once},
        {"memory database another thread still waits for the connection",
         test_memory_database_another_thread_still_waits_for_the_connection},
        {NULL, NULL},
    };
    test_add_suite("pool", NULL, NULL, tests);
}
