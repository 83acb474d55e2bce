/*
 * The server goes away with async operations in flight (io=nonblocking, on the loop's thread):
 * every operation completes -- the ones on the server with ATH_ECONNLOST; the ones waiting for a
 * pooled connection, once the failed sessions have rolled back, with ATH_ECONNECT (the server is
 * down when they connect) -- none is left hanging, and once the
 * server is back the same engine and runtime serve again.
 */
#include <athanor/async.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "fault.h"

static const fault_backend *cur;

enum { IN_FLIGHT = 8 };

typedef struct outcome {
    int calls;
    int rc;
    char message[200];
    ath_session *session; /* rolled back after a lost connection, as an application would */
} outcome;

static void ignore(ath_async_op *op, int rc, void *user)
{
    (void)op;
    (void)rc;
    (void)user;
}

static void record(ath_async_op *op, int rc, void *user)
{
    (void)op;
    outcome *o = user;
    o->calls++;
    o->rc = rc;
    snprintf(o->message, sizeof o->message, "%s", ath_error_last()->message);
    if (rc == ATH_ECONNLOST && o->session) /* gives the pool slot back */
        CU_ASSERT_EQUAL(ath_async_session_rollback(NULL, o->session, ignore, NULL), ATH_OK);
}

static void test_server_stopped_with_operations_in_flight(void)
{
    const fault_backend *b = cur;
    if (!fault_need_control(b))
        return;
    ath_engine *e = fault_engine(b, "io=nonblocking&pool_size=4&max_overflow=0&pool_timeout=8");
    ath_async *a = NULL;
    ath_async_session *s[IN_FLIGHT] = {0};
    bool started = true;
    if (!e)
        goto done;
    CU_ASSERT_TRUE_FATAL(ath_engine_nonblocking(e));
    ASSERT_RC(ath_async_create(&a, NULL), ATH_OK);
    outcome out[IN_FLIGHT];
    memset(out, 0, sizeof out);
    for (int i = 0; i < IN_FLIGHT; i++) {
        ASSERT_RC(ath_async_session_open(&s[i], a, e), ATH_OK);
        out[i].session = ath_async_session_session(s[i]);
        ASSERT_RC(ath_async_session_execute(NULL, ath_async_session_session(s[i]), b->sleep_sql,
                                            NULL, 0, NULL, record, &out[i]),
                  ATH_OK);
    }
    started = false;
    fault_stopper st = {b, 700, -1};
    pthread_t t;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, fault_stop_later, &st), 0);
    double t0 = fault_now();
    ASSERT_RC(ath_async_run(a, 30000), ATH_OK); /* nothing left hanging */
    double took = fault_now() - t0;
    pthread_join(t, NULL);
    CU_ASSERT_EQUAL(st.status, 0);
    CU_ASSERT(took < 15.0); /* the 20 s statements did not run to their end */
    int lost = 0;
    for (int i = 0; i < IN_FLIGHT; i++) {
        CU_ASSERT_EQUAL(out[i].calls, 1);
        if (out[i].rc != ATH_ECONNLOST && out[i].rc != ATH_ECONNECT)
            fprintf(stderr, "operation %d: %s: %s\n", i, ath_code_name(out[i].rc),
                    out[i].message);
        CU_ASSERT(out[i].rc == ATH_ECONNLOST || out[i].rc == ATH_ECONNECT);
        lost += out[i].rc == ATH_ECONNLOST;
    }
    CU_ASSERT(lost >= 4); /* the four on the server */
    started = fault_server(b, "START");
    if (started) {
        outcome rb = {0}, again = {0};
        ath_session *s0 = ath_async_session_session(s[0]);
        rb.session = again.session = NULL;
        ASSERT_RC(ath_async_session_rollback(NULL, s0, record, &rb), ATH_OK);
        ASSERT_RC(ath_async_session_execute(NULL, s0, "SELECT 1", NULL, 0, NULL, record, &again),
                  ATH_OK);
        ASSERT_RC(ath_async_run(a, 20000), ATH_OK);
        ASSERT_RC(rb.rc, ATH_OK);
        ASSERT_RC(again.rc, ATH_OK);
    }
done:
    for (int i = 0; i < IN_FLIGHT; i++)
        if (s[i])
            ath_async_session_close(s[i], NULL, NULL);
    ath_async_free(a);
    ath_engine_dispose(e);
    if (!started)
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

TEST_SUITE(async_server)
{
    static const test_case tests[] = {
        {"server stopped with async operations in flight: each completes, none hangs",
         test_server_stopped_with_operations_in_flight},
        {NULL, NULL},
    };
    test_add_suite("async-server@postgresql", init_pg, NULL, tests);
    test_add_suite("async-server@mariadb", init_mariadb, NULL, tests);
}
