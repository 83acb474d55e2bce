/* The non-blocking path (io=nonblocking): every wait goes through host->wait, a cancelled wait
 * ends connect and statements with ATH_ECANCELED (nothing leaks or crashes, the connection
 * closes), a connection killed mid-query is ATH_ECONNLOST with blocking mode's message. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mysql_test.h"

/* What the test's host->wait saw, and when it answers ATH_ECANCELED. */
static struct {
    int calls;
    int cancel_at;  /* the call (1-based) that returns ATH_ECANCELED; 0: none */
    double seconds; /* spent inside the core's wait */
} w;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void reset_waits(int cancel_at)
{
    memset(&w, 0, sizeof w);
    w.cancel_at = cancel_at;
}

static int test_wait(int fd, unsigned events, int64_t timeout_ms)
{
    w.calls++;
    if (w.calls == w.cancel_at)
        return ATH_ECANCELED;
    double start = now();
    int rc = ath_driver_host_default()->wait(fd, events, timeout_ms);
    w.seconds += now() - start;
    return rc;
}

static void test_io_nonblocking_engine_reports_nonblocking(void)
{
    ath_engine *e = mt_engine("io=nonblocking");
    if (!e)
        return;
    CU_ASSERT_TRUE(ath_engine_nonblocking(e));
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    CU_ASSERT_EQUAL(mt_scalar_i64(s, "SELECT 40 + 2", NULL, 0), 42);
    ath_session_close(s);
    ath_engine_dispose(e);
    if (strstr(mt_url, "io=")) /* the URL already chooses; appending another io= is refused */
        return;
    ASSERT_RC(ath_engine_create(&e, mt_url), ATH_OK);
    CU_ASSERT_FALSE(ath_engine_nonblocking(e));
    ath_engine_dispose(e);
}

static void test_nonblocking_connect_and_query_wait_only_through_host_wait(void)
{
    mt_direct d;
    reset_waits(0);
    ASSERT_RC(mt_direct_open_with(&d, test_wait, ATH_CONNECT_NONBLOCKING), ATH_OK);
    if (!d.conn)
        return;
    int after_connect = w.calls;
    double connect_seconds = w.seconds;
    CU_ASSERT(after_connect > 0); /* at least the server's greeting was waited for */
    double start = now();
    int64_t v = 0;
    ASSERT_RC(mt_direct_run(&d, "SELECT SLEEP(0.2) + 7", NULL, 0, &v), ATH_OK);
    double took = now() - start;
    CU_ASSERT_EQUAL(v, 7);
    CU_ASSERT(w.calls > after_connect);
    /* the server's 200 ms were spent in host->wait, not inside Connector/C */
    CU_ASSERT(w.seconds - connect_seconds >= 0.18);
    CU_ASSERT(w.seconds - connect_seconds <= took);
    mt_direct_close(&d);
}

static void test_blocking_connection_never_calls_host_wait(void)
{
    mt_direct d;
    reset_waits(0);
    ASSERT_RC(mt_direct_open_with(&d, test_wait, 0), ATH_OK);
    if (!d.conn)
        return;
    int64_t v = 0;
    ASSERT_RC(mt_direct_run(&d, "SELECT 5", NULL, 0, &v), ATH_OK);
    CU_ASSERT_EQUAL(v, 5);
    CU_ASSERT_EQUAL(w.calls, 0);
    mt_direct_close(&d);
}

static void test_cancelled_wait_during_connect_is_ecanceled(void)
{
    /* cancel the 1st wait, then the 2nd, … until connect needs fewer waits than that */
    int cancelled = 0;
    for (int n = 1; n <= 50; n++) {
        mt_direct d;
        reset_waits(n);
        int rc = mt_direct_open_with(&d, test_wait, ATH_CONNECT_NONBLOCKING);
        if (rc == ATH_OK) {
            CU_ASSERT(w.calls < n);
            mt_direct_close(&d);
            break;
        }
        ASSERT_RC(rc, ATH_ECANCELED);
        CU_ASSERT_PTR_NULL(d.conn);
        CU_ASSERT_STRING_EQUAL(mt_direct_message, "cancelled while waiting for the server");
        CU_ASSERT_EQUAL(w.calls, n); /* no wait after the cancelled one */
        mt_direct_close(&d);
        cancelled++;
    }
    CU_ASSERT(cancelled >= 1);
}

static void test_cancelled_wait_during_a_query_is_ecanceled_and_closes_cleanly(void)
{
    /* a result of many packets: waits in execute and in the fetches */
    static const char sql[] = "SELECT seq, REPEAT('x', 200) FROM seq_1_to_20000";
    int cancelled = 0;
    for (int n = 1; n <= 8; n++) {
        mt_direct d;
        reset_waits(0);
        ASSERT_RC(mt_direct_open_with(&d, test_wait, ATH_CONNECT_NONBLOCKING), ATH_OK);
        if (!d.conn)
            return;
        reset_waits(n);
        int rc = mt_direct_run(&d, sql, NULL, 0, NULL);
        if (rc == ATH_OK) {
            CU_ASSERT(w.calls < n);
            mt_direct_close(&d);
            break;
        }
        ASSERT_RC(rc, ATH_ECANCELED);
        CU_ASSERT_STRING_EQUAL(mt_direct_message, "cancelled while waiting for the server");
        CU_ASSERT_EQUAL(w.calls, n);
        /* what the core does next: discard the connection (finalize ran in mt_direct_run) */
        mt_direct_close(&d);
        CU_ASSERT_EQUAL(w.calls, n); /* closing waits for nothing */
        cancelled++;
    }
    CU_ASSERT(cancelled >= 3); /* in prepare, execute and the fetches at least */
}

static void test_cancelled_wait_in_an_execute_leaves_every_statement_finalizable(void)
{
    mt_direct d;
    reset_waits(0);
    ASSERT_RC(mt_direct_open_with(&d, test_wait, ATH_CONNECT_NONBLOCKING), ATH_OK);
    if (!d.conn)
        return;
    ath_dstmt *other = NULL, *slow = NULL;
    ASSERT_RC(d.driver->prepare(d.conn, "SELECT ?", 1, &other), ATH_OK);
    ASSERT_RC(d.driver->prepare(d.conn, "SELECT SLEEP(0.05)", 0, &slow), ATH_OK);
    if (!other || !slow)
        return;
    reset_waits(1); /* the server sleeps: its answer is waited for */
    ASSERT_RC(d.driver->execute(slow, NULL, 0), ATH_ECANCELED);
    CU_ASSERT_STRING_EQUAL(mt_direct_message, "cancelled while waiting for the server");
    /* what the core does next: finalize its cached statements, then close; none waits */
    d.driver->finalize(slow);
    d.driver->finalize(other);
    mt_direct_close(&d);
    CU_ASSERT_EQUAL(w.calls, 1);
}

/* --- a connection killed from a second one while a query runs ------------------------------ */

typedef struct killer {
    mt_direct *d;
    int64_t id;
} killer;

static void *kill_soon(void *arg)
{
    killer *k = arg;
    char sql[64];
    nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL);
    snprintf(sql, sizeof sql, "KILL CONNECTION %lld", (long long)k->id);
    mt_direct_run(k->d, sql, NULL, 0, NULL);
    return NULL;
}

/* Runs SELECT SLEEP(10) on a connection opened with `flags`, KILLed 300 ms in from another
 * connection; returns the driver's code, its message in msg. */
static int killed_mid_query(uint32_t flags, char *msg, size_t size)
{
    mt_direct victim, other;
    reset_waits(0);
    ASSERT_RC(mt_direct_open_with(&other, NULL, 0), ATH_OK);
    ASSERT_RC(mt_direct_open_with(&victim, test_wait, flags), ATH_OK);
    killer k = {.d = &other, .id = 0};
    ASSERT_RC(mt_direct_run(&victim, "SELECT CONNECTION_ID()", NULL, 0, &k.id), ATH_OK);
    pthread_t t;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, kill_soon, &k), 0);
    double start = now();
    int rc = mt_direct_run(&victim, "SELECT SLEEP(10)", NULL, 0, NULL);
    snprintf(msg, size, "%s", mt_direct_message);
    CU_ASSERT(now() - start < 5); /* ended by the KILL, not by the SLEEP */
    pthread_join(t, NULL);
    mt_direct_close(&victim);
    mt_direct_close(&other);
    return rc;
}

static void test_connection_killed_mid_query_is_econnlost_as_in_blocking_mode(void)
{
    char blocking[512], nonblocking[512];
    ASSERT_RC(killed_mid_query(0, blocking, sizeof blocking), ATH_ECONNLOST);
    ASSERT_RC(killed_mid_query(ATH_CONNECT_NONBLOCKING, nonblocking, sizeof nonblocking),
              ATH_ECONNLOST);
    CU_ASSERT(w.calls > 0);
    CU_ASSERT_STRING_EQUAL(nonblocking, blocking);
}

static void test_read_timeout_ends_a_query_as_in_blocking_mode(void)
{
    static const char *const query[2] = {"read_timeout=1", "read_timeout=1&io=nonblocking"};
    char msg[2][512];
    int rc[2];
    for (int i = 0; i < 2; i++) {
        ath_engine *e = mt_engine(query[i]);
        ath_session *s = NULL;
        if (!e)
            return;
        ASSERT_RC(ath_session_open(&s, e), ATH_OK);
        double start = now();
        rc[i] = ath_session_execute(s, "SELECT SLEEP(4)", NULL, 0, NULL);
        CU_ASSERT(now() - start < 3.5); /* the time-out, not the SLEEP, ended it */
        snprintf(msg[i], sizeof msg[i], "%s", ath_error_last()->message);
        ath_session_close(s);
        ath_engine_dispose(e);
    }
    ASSERT_RC(rc[0], ATH_ECONNLOST);
    ASSERT_RC(rc[1], ATH_ECONNLOST);
    CU_ASSERT_STRING_EQUAL(msg[1], msg[0]);
}

TEST_SUITE(mysql_nonblocking)
{
    static const test_case tests[] = {
        {"io=nonblocking engine reports nonblocking",
         test_io_nonblocking_engine_reports_nonblocking},
        {"nonblocking connect and query wait only through host->wait",
         test_nonblocking_connect_and_query_wait_only_through_host_wait},
        {"blocking connection never calls host->wait",
         test_blocking_connection_never_calls_host_wait},
        {"cancelled wait during connect is ECANCELED",
         test_cancelled_wait_during_connect_is_ecanceled},
        {"cancelled wait during a query is ECANCELED and closes cleanly",
         test_cancelled_wait_during_a_query_is_ecanceled_and_closes_cleanly},
        {"cancelled wait in an execute leaves every statement finalizable",
         test_cancelled_wait_in_an_execute_leaves_every_statement_finalizable},
        {"connection killed mid-query is ECONNLOST as in blocking mode",
         test_connection_killed_mid_query_is_econnlost_as_in_blocking_mode},
        {"read_timeout ends a query as in blocking mode",
         test_read_timeout_ends_a_query_as_in_blocking_mode},
        {NULL, NULL}};
    test_add_suite("mysql_nonblocking", NULL, NULL, tests);
}
