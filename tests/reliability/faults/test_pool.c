/*
 * An exhausted pool: a checkout waits pool_timeout and fails with ATH_ETIMEOUT, nothing leaks
 * (no connection lost or counted twice), and the pool serves again once connections return.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "fault.h"

static const fault_backend *cur;

/* Opens `n` sessions that each hold a connection in an open transaction. */
static bool hold(ath_engine *e, ath_session **s, int n)
{
    bool ok = true;
    for (int i = 0; i < n; i++) {
        ASSERT_RC(ath_session_open(&s[i], e), ATH_OK);
        int rc = s[i] ? ath_session_begin(s[i]) : ATH_EINVAL;
        ASSERT_RC(rc, ATH_OK);
        ok = ok && rc == ATH_OK;
    }
    return ok;
}

static int limit_of(const fault_backend *b)
{
    return b->single_connection ? 1 : 2;
}

/* What a checkout from an exhausted pool gives in this thread: a timeout after pool_timeout, or,
 * for a single-connection database this thread already holds (sqlite:///:memory:), ATH_EINVAL at
 * once (waiting for itself would never end; docs/sessions.md). */
static int exhausted_code(const fault_backend *b)
{
    return b->single_connection ? ATH_EINVAL : ATH_ETIMEOUT;
}

static void test_checkout_times_out_when_exhausted_and_recovers(void)
{
    const fault_backend *b = cur;
    if (!fault_need_url(b))
        return;
    ath_engine *e = fault_engine(b, "pool_size=2&max_overflow=0&pool_timeout=0.3");
    ath_session *held[2] = {0}, *late = NULL;
    int n = limit_of(b);
    if (!e || !fault_reset_table(e) || !hold(e, held, n))
        goto done;
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.checked_out, n);
    CU_ASSERT_EQUAL(st.open, n);

    ASSERT_RC(ath_session_open(&late, e), ATH_OK);
    double t0 = fault_now();
    int rc = ath_session_begin(late);
    double waited = fault_now() - t0;
    ASSERT_RC(rc, exhausted_code(b));
    if (b->single_connection) {
        ASSERT_ERR_HAS("already holds it");
        CU_ASSERT(waited < 0.25);
    } else {
        ASSERT_ERR_HAS("pool_timeout");
        CU_ASSERT(waited >= 0.25);
        CU_ASSERT(waited < 3.0);
    }
    CU_ASSERT_FALSE(ath_session_in_transaction(late));
    CU_ASSERT_FALSE(ath_session_failed(late));
    /* a repository call on the starved session says the same */
    ath_repo *repo = NULL;
    ASSERT_RC(ath_repo_open(&repo, late, &FaultItem_model), ATH_OK);
    int64_t count = -1;
    ASSERT_RC(ath_repo_count(repo, &count, ATH_NO_FILTERS), exhausted_code(b));
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.checked_out, n); /* the failed checkouts took nothing */
    CU_ASSERT_EQUAL(st.open, n);
    CU_ASSERT_EQUAL(st.waiting, 0);

    /* one connection returns: the starved session is served */
    ASSERT_RC(ath_session_commit(held[0]), ATH_OK);
    ASSERT_RC(ath_repo_count(repo, &count, ATH_NO_FILTERS), ATH_OK);
    CU_ASSERT_EQUAL(count, 0);
    ASSERT_RC(ath_session_commit(late), ATH_OK);
    ath_repo_free(repo);
    for (int i = 0; i < n; i++)
        ASSERT_RC(ath_session_commit(held[i]), ATH_OK);
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.checked_out, 0);
    CU_ASSERT_EQUAL(st.idle, n);
    CU_ASSERT_EQUAL(st.open, n);
    CU_ASSERT_EQUAL(st.opened_total, n);
    CU_ASSERT_EQUAL(st.closed_total, 0);
done:
    for (int i = 0; i < 2; i++)
        ath_session_close(held[i]);
    ath_session_close(late);
    ath_engine_dispose(e);
}

typedef struct waiter {
    ath_engine *engine;
    int rc;
    double waited;
} waiter;

static void *wait_for_connection(void *arg)
{
    waiter *w = arg;
    ath_session *s = NULL;
    double t0 = fault_now();
    w->rc = ath_session_open(&s, w->engine);
    if (w->rc == ATH_OK)
        w->rc = ath_session_begin(s);
    w->waited = fault_now() - t0;
    if (w->rc == ATH_OK)
        w->rc = ath_session_commit(s);
    ath_session_close(s);
    return NULL;
}

static void test_a_waiting_checkout_is_served_when_a_connection_returns(void)
{
    const fault_backend *b = cur;
    if (!fault_need_url(b))
        return;
    ath_engine *e = fault_engine(b, "pool_size=2&max_overflow=0&pool_timeout=20");
    ath_session *held[2] = {0};
    int n = limit_of(b);
    if (!e || !hold(e, held, n))
        goto done;
    waiter w = {e, -1, 0};
    pthread_t t;
    pthread_create(&t, NULL, wait_for_connection, &w);
    ath_pool_status st = {0};
    for (int i = 0; i < 200 && st.waiting == 0; i++) {
        fault_sleep_ms(10);
        ath_engine_pool_status(e, &st);
    }
    CU_ASSERT_EQUAL(st.waiting, 1);
    fault_sleep_ms(200);
    ASSERT_RC(ath_session_rollback(held[n - 1]), ATH_OK);
    pthread_join(t, NULL);
    ASSERT_RC(w.rc, ATH_OK);
    CU_ASSERT(w.waited >= 0.15);
    CU_ASSERT(w.waited < 10.0);
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.waiting, 0);
    CU_ASSERT_EQUAL(st.checked_out, n - 1);
    CU_ASSERT_EQUAL(st.open, n);
done:
    for (int i = 0; i < 2; i++)
        ath_session_close(held[i]);
    ath_engine_dispose(e);
}

static void test_repeated_exhaustion_leaks_nothing_and_overflow_returns(void)
{
    const fault_backend *b = cur;
    if (!fault_need_url(b))
        return;
    ath_engine *e = fault_engine(b, "pool_size=1&max_overflow=1&pool_timeout=0.01");
    ath_session *held[2] = {0};
    int n = limit_of(b);
    if (!e || !hold(e, held, n))
        goto done;
    for (int i = 0; i < 50; i++) {
        ath_session *s = NULL;
        ASSERT_RC(ath_session_open(&s, e), ATH_OK);
        ASSERT_RC(ath_session_begin(s), exhausted_code(b));
        ath_session_close(s);
    }
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.open, n);
    CU_ASSERT_EQUAL(st.checked_out, n);
    CU_ASSERT_EQUAL(st.waiting, 0);
    CU_ASSERT_EQUAL(st.opened_total, n);
    for (int i = 0; i < n; i++)
        ASSERT_RC(ath_session_commit(held[i]), ATH_OK);
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.checked_out, 0);
    CU_ASSERT_EQUAL(st.open, 1); /* the overflow connection was closed on return */
    CU_ASSERT_EQUAL(st.closed_total, n - 1);
    /* and the pool serves as before */
    for (int i = 0; i < n; i++) {
        ath_session_close(held[i]);
        held[i] = NULL;
    }
    if (hold(e, held, n)) {
        for (int i = 0; i < n; i++)
            ASSERT_RC(ath_session_commit(held[i]), ATH_OK);
    }
done:
    for (int i = 0; i < 2; i++)
        ath_session_close(held[i]);
    ath_engine_dispose(e);
}

#define INIT(fn, which)                                                                            \
    static int fn(void)                                                                            \
    {                                                                                              \
        cur = &fault_backends[which];                                                              \
        return 0;                                                                                  \
    }
INIT(init_pg, FB_POSTGRESQL)
INIT(init_mariadb, FB_MARIADB)
INIT(init_file, FB_SQLITE_FILE)
INIT(init_memory, FB_SQLITE_MEMORY)

TEST_SUITE(pool)
{
    static const test_case tests[] = {
        {"an exhausted pool: checkout times out with ATH_ETIMEOUT, recovers on return",
         test_checkout_times_out_when_exhausted_and_recovers},
        {"a waiting checkout is served when a connection returns",
         test_a_waiting_checkout_is_served_when_a_connection_returns},
        {"repeated exhaustion leaks no connection; overflow is closed on return",
         test_repeated_exhaustion_leaks_nothing_and_overflow_returns},
        {NULL, NULL},
    };
    test_add_suite("pool@postgresql", init_pg, NULL, tests);
    test_add_suite("pool@mariadb", init_mariadb, NULL, tests);
    test_add_suite("pool@sqlite-file", init_file, NULL, tests);
    test_add_suite("pool@sqlite-memory", init_memory, NULL, tests);
}
