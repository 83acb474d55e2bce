/* The non-blocking path (io=nonblocking, ATH_CONNECT_NONBLOCKING): through the driver ABI with a
 * host whose wait() counts, times, cancels or kills, so that every wait is seen to go through
 * host->wait; and through the engine. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <athanor/sys/driver.h>

#include "pg_test.h"
#include "runner.h"

static char last_message[1024];
static int last_code;

static int host_fail(int code, const char *sqlstate, long native, const char *constraint,
                     const char *fmt, ...)
{
    (void)sqlstate;
    (void)native;
    (void)constraint;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    last_code = code;
    return code;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* What the test host's wait() does besides waiting. */
static struct {
    int calls;          /* waits so far */
    int cancel_at;      /* > 0: the wait of this number returns ATH_ECANCELED (and later ones) */
    int64_t waited_us;  /* time spent inside the real wait */
    unsigned events_or; /* every event asked for */
    int shut_at;        /* > 0: this wait first shuts the socket down (the server "goes away") */
    ath_dconn *killer;  /* with kill_pid: this wait terminates the backend first */
    int64_t kill_pid;
} w;

static const ath_driver *drv;
static ath_driver_host host; /* the core's, with failures caught here, plain malloc, wait below */
static pg_url_parts parts;
static ath_connect_params params;

static void terminate(ath_dconn *killer, int64_t pid);

static int counting_wait(int fd, unsigned events, int64_t timeout_ms)
{
    int n = ++w.calls;
    w.events_or |= events;
    if (w.cancel_at > 0 && n >= w.cancel_at)
        return ATH_ECANCELED;
    if (w.shut_at > 0 && n == w.shut_at)
        shutdown(fd, SHUT_RDWR);
    if (w.killer && w.kill_pid > 0) {
        int64_t pid = w.kill_pid;
        w.kill_pid = 0;
        terminate(w.killer, pid);
    }
    int64_t t0 = now_us();
    int ready = ath_driver_host_default()->wait(fd, events, timeout_ms);
    w.waited_us += now_us() - t0;
    return ready;
}

static void reset_wait(void)
{
    memset(&w, 0, sizeof w);
}

static int suite_init(void)
{
    host = *ath_driver_host_default();
    if (!ATH_HOST_HAS(&host, wait))
        return 1;
    host.fail = host_fail;
    host.malloc = malloc;
    host.realloc = realloc;
    host.free = free;
    host.wait = counting_wait;
    if (ath_driver_find(&drv, "postgresql") != ATH_OK || !ATH_DRIVER_IS_NONBLOCKING(drv))
        return 1;
    if (pg_parts(&parts) != ATH_OK)
        return 1;
    params = (ath_connect_params){
        .dialect = "postgresql",
        .username = parts.user,
        .password = parts.password,
        .host = parts.host,
        .port = parts.port,
        .database = parts.database,
        .flags = ATH_CONNECT_NONBLOCKING,
    };
    return 0;
}

static int nb_connect(ath_dconn **c)
{
    ath_conn_info info;
    memset(&info, 0, sizeof info);
    *c = NULL;
    return drv->connect(c, &params, &host, &info);
}

static ath_dstmt *prepare(ath_dconn *c, const char *sql, size_t nparams)
{
    ath_dstmt *st = NULL;
    int rc = drv->prepare(c, sql, nparams, &st);
    CU_ASSERT_EQUAL_FATAL(rc, ATH_OK);
    return st;
}

static int64_t int_at(ath_dstmt *st, int i)
{
    ath_value v;
    CU_ASSERT_EQUAL(drv->column(st, i, ATH_T_I64, &v), ATH_OK);
    return v.type == ATH_T_I64 ? v.u.i64 : -1;
}

/* The first column of `sql`'s one row, as i64. */
static int64_t one_i64(ath_dconn *c, const char *sql)
{
    ath_dstmt *st = prepare(c, sql, 0);
    CU_ASSERT_EQUAL(drv->execute(st, NULL, 0), ATH_OK);
    CU_ASSERT_EQUAL(drv->step(st), 1);
    int64_t v = int_at(st, 0);
    CU_ASSERT_EQUAL(drv->step(st), 0);
    drv->finalize(st);
    return v;
}

static void terminate(ath_dconn *killer, int64_t pid)
{
    ath_dstmt *k = prepare(killer, "SELECT pg_terminate_backend($1)::int", 1);
    ath_value v = ath_v_i64(pid);
    CU_ASSERT_EQUAL(drv->execute(k, &v, 1), ATH_OK);
    CU_ASSERT_EQUAL(drv->step(k), 1);
    CU_ASSERT_EQUAL(int_at(k, 0), 1);
    drv->finalize(k);
}

static void test_connect_and_statements_wait_only_through_host_wait(void)
{
    reset_wait();
    ath_dconn *c = NULL;
    ASSERT_RC(nb_connect(&c), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT(w.calls > 0); /* TCP connect, authentication, startup: each waited here */
    CU_ASSERT(w.events_or & ATH_WAIT_READ);

    /* a statement that takes 300 ms: nearly all of it is spent inside host->wait, so libpq did
     * not wait on its own */
    reset_wait();
    int64_t t0 = now_us();
    CU_ASSERT_EQUAL(one_i64(c, "SELECT 7 FROM pg_sleep(0.3)"), 7);
    int64_t elapsed = now_us() - t0;
    CU_ASSERT(w.calls > 0);
    CU_ASSERT(elapsed >= 300000);
    CU_ASSERT(w.waited_us >= elapsed * 9 / 10);

    /* exec, ping, parameters, a long single-row stream, read-ahead by a second statement */
    reset_wait();
    CU_ASSERT_EQUAL(drv->exec(c, "CREATE TEMP TABLE nb_t (v INTEGER)"), ATH_OK);
    CU_ASSERT_EQUAL(drv->ping(c), ATH_OK);
    CU_ASSERT(w.calls >= 2);
    ath_dstmt *a = prepare(c, "SELECT i FROM generate_series(1, $1::int) AS g (i)", 1);
    ath_dstmt *b = prepare(c, "SELECT $1::int * 2", 1);
    ath_value n = ath_v_i32(20000);
    CU_ASSERT_EQUAL(drv->execute(a, &n, 1), ATH_OK);
    CU_ASSERT_EQUAL(drv->step(a), 1);
    CU_ASSERT_EQUAL(int_at(a, 0), 1);
    ath_value v = ath_v_i32(21);
    CU_ASSERT_EQUAL(drv->execute(b, &v, 1), ATH_OK); /* reads the rest of a ahead */
    CU_ASSERT_EQUAL(drv->step(b), 1);
    CU_ASSERT_EQUAL(int_at(b, 0), 42);
    int64_t sum = 1, rows = 1;
    int rc;
    while ((rc = drv->step(a)) == 1) {
        sum += int_at(a, 0);
        rows++;
    }
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_EQUAL(rows, 20000);
    CU_ASSERT_EQUAL(sum, (int64_t)20000 * 20001 / 2);
    drv->finalize(a);
    drv->finalize(b);
    drv->close(c);
}

static void test_cancel_at_every_wait_of_connect_is_ecanceled(void)
{
    reset_wait();
    ath_dconn *c = NULL;
    ASSERT_RC(nb_connect(&c), ATH_OK);
    int needed = w.calls;
    drv->close(c);
    CU_ASSERT(needed > 0);
    for (int at = 1; at <= needed; at++) {
        reset_wait();
        w.cancel_at = at;
        last_message[0] = '\0';
        int rc = nb_connect(&c);
        if (rc == ATH_OK) { /* this connection needed fewer waits: fine, it works */
            CU_ASSERT_EQUAL(one_i64(c, "SELECT 1"), 1);
            drv->close(c);
            continue;
        }
        ASSERT_RC(rc, ATH_ECANCELED);
        CU_ASSERT_PTR_NULL(c);
        CU_ASSERT_STRING_EQUAL(last_message, "cancelled while waiting for the server");
        CU_ASSERT_EQUAL(w.calls, at); /* it stopped at once */
    }
}

static void test_cancel_during_a_query_is_ecanceled_and_the_connection_untouched(void)
{
    /* cancelled at the first, second, … wait of a prepare + execute + step, until one needs
     * fewer waits than that */
    int cancelled = 0;
    for (int at = 1; at <= 20; at++) {
        reset_wait();
        ath_dconn *c = NULL;
        ASSERT_RC(nb_connect(&c), ATH_OK);
        reset_wait();
        w.cancel_at = at;
        ath_dstmt *st = NULL;
        int rc = drv->prepare(c, "SELECT 5 FROM pg_sleep(0.02)", 0, &st);
        if (rc == ATH_OK) {
            rc = drv->execute(st, NULL, 0);
            if (rc == ATH_OK)
                rc = drv->step(st);
        }
        if (rc == 1) { /* done before wait number `at` */
            CU_ASSERT_EQUAL(int_at(st, 0), 5);
            drv->finalize(st);
            drv->close(c);
            break;
        }
        ASSERT_RC(rc, ATH_ECANCELED);
        cancelled++;
        CU_ASSERT_STRING_EQUAL(last_message, "cancelled while waiting for the server");
        CU_ASSERT_EQUAL(w.calls, at); /* it stopped at once */
        /* every later call fails at once, without another wait */
        CU_ASSERT_EQUAL(drv->ping(c), ATH_ECANCELED);
        CU_ASSERT_EQUAL(drv->exec(c, "SELECT 1"), ATH_ECANCELED);
        CU_ASSERT_EQUAL(w.calls, at);
        drv->finalize(st);
        drv->close(c);
    }
    CU_ASSERT(cancelled >= 2); /* the prepare's wait and the execution's at least */
}

static void test_cancel_while_streaming_rows_is_ecanceled(void)
{
    reset_wait();
    ath_dconn *c = NULL;
    ASSERT_RC(nb_connect(&c), ATH_OK);
    ath_dstmt *st =
        prepare(c, "SELECT i, repeat('x', 1000) FROM generate_series(1, 50000) AS g (i)", 0);
    reset_wait();
    CU_ASSERT_EQUAL(drv->execute(st, NULL, 0), ATH_OK);
    w.cancel_at = w.calls + 2; /* some rows in */
    int rc, rows = 0;
    while ((rc = drv->step(st)) == 1)
        rows++;
    ASSERT_RC(rc, ATH_ECANCELED);
    CU_ASSERT(rows > 0 && rows < 50000);
    drv->reset(st);
    drv->finalize(st);
    drv->close(c);
}

static void test_terminated_backend_while_waiting_is_econnlost(void)
{
    reset_wait();
    ath_dconn *victim = NULL, *killer = NULL;
    ASSERT_RC(nb_connect(&victim), ATH_OK);
    ASSERT_RC(nb_connect(&killer), ATH_OK);
    int64_t pid = one_i64(victim, "SELECT pg_backend_pid()");
    CU_ASSERT(pid > 0);
    /* the victim's statement waits for the server; from inside that wait a second connection
     * terminates its backend */
    ath_dstmt *st = prepare(victim, "SELECT 1 FROM pg_sleep(10)", 0);
    w.killer = killer;
    w.kill_pid = pid;
    int64_t t0 = now_us();
    int rc = drv->execute(st, NULL, 0);
    if (rc == ATH_OK)
        rc = drv->step(st);
    ASSERT_RC(rc, ATH_ECONNLOST);
    CU_ASSERT(now_us() - t0 < 5000000); /* not the ten seconds */
    CU_ASSERT_PTR_NOT_NULL(strstr(last_message, "lost"));
    CU_ASSERT_EQUAL(w.kill_pid, 0); /* the kill did happen inside a wait */
    CU_ASSERT_EQUAL(drv->ping(victim), ATH_ECONNLOST);
    w.killer = NULL;
    drv->finalize(st);
    drv->close(victim);
    drv->close(killer);
}

static void test_socket_closed_while_waiting_is_econnlost(void)
{
    reset_wait();
    ath_dconn *c = NULL;
    ASSERT_RC(nb_connect(&c), ATH_OK);
    ath_dstmt *st = prepare(c, "SELECT 1 FROM pg_sleep(10)", 0);
    reset_wait();
    w.shut_at = 1; /* EOF while waiting, without a message from the server */
    int rc = drv->execute(st, NULL, 0);
    if (rc == ATH_OK)
        rc = drv->step(st);
    ASSERT_RC(rc, ATH_ECONNLOST);
    CU_ASSERT_PTR_NOT_NULL(strstr(last_message, "lost"));
    CU_ASSERT_EQUAL(drv->exec(c, "SELECT 1"), ATH_ECONNLOST);
    drv->finalize(st);
    drv->close(c);
}

static void test_unreachable_server_is_econnect_as_when_blocking(void)
{
    ath_connect_params p = params;
    p.host = "127.0.0.1";
    p.port = 1; /* nothing listens there */
    ath_dconn *c = NULL;
    ath_conn_info info;
    memset(&info, 0, sizeof info);
    ASSERT_RC(drv->connect(&c, &p, &host, &info), ATH_ECONNECT);
    CU_ASSERT_PTR_NULL(c);
    char nb_message[sizeof last_message];
    memcpy(nb_message, last_message, sizeof nb_message);
    p.flags = 0;
    ASSERT_RC(drv->connect(&c, &p, &host, &info), ATH_ECONNECT);
    CU_ASSERT_STRING_EQUAL(nb_message, last_message);
    CU_ASSERT_PTR_NOT_NULL(strstr(nb_message, "cannot connect to PostgreSQL at 127.0.0.1"));
}

static void test_connect_timeout_is_honoured(void)
{
    /* a listening socket nobody accepts on: the TCP connect succeeds (the backlog), the startup
     * message is never answered, so only the driver's own deadline ends the attempt */
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    CU_ASSERT_FATAL(lfd >= 0);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sin;
    CU_ASSERT_FATAL(bind(lfd, (struct sockaddr *)&sin, len) == 0);
    CU_ASSERT_FATAL(listen(lfd, 4) == 0);
    CU_ASSERT_FATAL(getsockname(lfd, (struct sockaddr *)&sin, &len) == 0);
    const char *keys[] = {"connect_timeout"};
    const char *values[] = {"2"};
    ath_connect_params p = params;
    p.keys = keys;
    p.values = values;
    p.noptions = 1;
    p.host = "127.0.0.1";
    p.port = ntohs(sin.sin_port);
    reset_wait();
    ath_dconn *c = NULL;
    ath_conn_info info;
    memset(&info, 0, sizeof info);
    int64_t t0 = now_us();
    ASSERT_RC(drv->connect(&c, &p, &host, &info), ATH_ECONNECT);
    int64_t elapsed = now_us() - t0;
    CU_ASSERT(elapsed >= 1900000 && elapsed < 6000000);
    CU_ASSERT_PTR_NOT_NULL(strstr(last_message, "timeout expired"));
    CU_ASSERT_PTR_NOT_NULL(strstr(last_message, "cannot connect to PostgreSQL at 127.0.0.1"));
    CU_ASSERT(w.calls > 0);
    CU_ASSERT_PTR_NULL(c);
    close(lfd);
}

/* n rows (i, 'row i' padded to 200 characters) for COPY: several MB, more than a socket buffer */
static ath_value *copy_rows(size_t n, char (**texts)[201])
{
    ath_value *v = malloc(n * 2 * sizeof *v);
    *texts = malloc(n * sizeof **texts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*texts);
    for (size_t i = 0; i < n; i++) {
        snprintf((*texts)[i], sizeof(*texts)[i], "row %-195zu", i);
        v[2 * i] = ath_v_i64((int64_t)i);
        v[2 * i + 1] = ath_v_text((*texts)[i]);
    }
    return v;
}

static void test_copy_goes_through_host_wait_and_can_be_cancelled(void)
{
    enum { N = 30000 };
    char(*texts)[201] = NULL;
    ath_value *rows = copy_rows(N, &texts);
    const char *cols[] = {"id", "label"};
    reset_wait();
    ath_dconn *c = NULL;
    ASSERT_RC(nb_connect(&c), ATH_OK);
    CU_ASSERT_EQUAL(drv->exec(c, "CREATE TEMP TABLE nb_copy (id BIGINT, label TEXT)"), ATH_OK);
    reset_wait();
    ASSERT_RC(drv->bulk_insert(c, "nb_copy", cols, 2, rows, N), ATH_OK);
    CU_ASSERT(w.calls > 0);
    CU_ASSERT(w.events_or & ATH_WAIT_WRITE); /* 6 MB do not fit the socket at once */
    int needed = w.calls;
    CU_ASSERT_EQUAL(one_i64(c, "SELECT count(*) FROM nb_copy"), N);
    CU_ASSERT_EQUAL(one_i64(c, "SELECT sum(id) FROM nb_copy"), (int64_t)N * (N - 1) / 2);
    drv->close(c);

    /* cancelled while sending the rows: ATH_ECANCELED at once, the connection left alone */
    reset_wait();
    ASSERT_RC(nb_connect(&c), ATH_OK);
    CU_ASSERT_EQUAL(drv->exec(c, "CREATE TEMP TABLE nb_copy (id BIGINT, label TEXT)"), ATH_OK);
    reset_wait();
    w.cancel_at = needed > 2 ? needed / 2 : 1;
    ASSERT_RC(drv->bulk_insert(c, "nb_copy", cols, 2, rows, N), ATH_ECANCELED);
    CU_ASSERT_STRING_EQUAL(last_message, "cancelled while waiting for the server");
    CU_ASSERT_EQUAL(drv->ping(c), ATH_ECANCELED);
    drv->close(c);
    free(rows);
    free(texts);
}

static void test_copy_through_a_statement_is_refused_without_blocking(void)
{
    reset_wait();
    ath_dconn *c = NULL;
    ASSERT_RC(nb_connect(&c), ATH_OK);
    CU_ASSERT_EQUAL(drv->exec(c, "CREATE TEMP TABLE nb_copy_t (v INTEGER)"), ATH_OK);
    CU_ASSERT_EQUAL(drv->exec(c, "COPY nb_copy_t FROM STDIN"), ATH_EUNSUPPORTED);
    ath_dstmt *out =
        prepare(c, "COPY (SELECT i FROM generate_series(1, 100000) AS g (i)) TO STDOUT", 0);
    CU_ASSERT_EQUAL(drv->execute(out, NULL, 0), ATH_EUNSUPPORTED);
    CU_ASSERT_PTR_NOT_NULL(strstr(last_message, "COPY"));
    ath_dstmt *in = prepare(c, "COPY nb_copy_t FROM STDIN", 0);
    CU_ASSERT_EQUAL(drv->execute(in, NULL, 0), ATH_EUNSUPPORTED);
    CU_ASSERT_EQUAL(drv->ping(c), ATH_OK);
    CU_ASSERT_EQUAL(one_i64(c, "SELECT count(*) FROM nb_copy_t"), 0);
    drv->finalize(out);
    drv->finalize(in);
    drv->close(c);
}

static void test_engine_with_io_nonblocking_is_nonblocking(void)
{
    ath_engine *e = pg_engine(strstr(pg_url, "io=") ? NULL : "io=nonblocking");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_TRUE(ath_engine_nonblocking(e));
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    CU_ASSERT_EQUAL(pg_i64(s, "SELECT 40 + 2", NULL, 0), 42);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    ath_engine_dispose(e);
    if (!strstr(pg_url, "io=")) {
        e = pg_engine(NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        CU_ASSERT_FALSE(ath_engine_nonblocking(e)); /* the default is blocking */
        ath_engine_dispose(e);
    }
}

TEST_SUITE(nonblocking)
{
    static const test_case tests[] = {
        {"connect and statements wait only through host->wait",
         test_connect_and_statements_wait_only_through_host_wait},
        {"a cancel at every wait of connect is ATH_ECANCELED",
         test_cancel_at_every_wait_of_connect_is_ecanceled},
        {"a cancel during a query is ATH_ECANCELED and the connection untouched",
         test_cancel_during_a_query_is_ecanceled_and_the_connection_untouched},
        {"a cancel while streaming rows is ATH_ECANCELED",
         test_cancel_while_streaming_rows_is_ecanceled},
        {"a backend terminated while waiting is ATH_ECONNLOST",
         test_terminated_backend_while_waiting_is_econnlost},
        {"a socket closed while waiting is ATH_ECONNLOST",
         test_socket_closed_while_waiting_is_econnlost},
        {"an unreachable server is ATH_ECONNECT as when blocking",
         test_unreachable_server_is_econnect_as_when_blocking},
        {"connect_timeout is honoured", test_connect_timeout_is_honoured},
        {"COPY goes through host->wait and can be cancelled",
         test_copy_goes_through_host_wait_and_can_be_cancelled},
        {"COPY through a statement is refused without blocking",
         test_copy_through_a_statement_is_refused_without_blocking},
        {"an engine with io=nonblocking is non-blocking",
         test_engine_with_io_nonblocking_is_nonblocking},
        {NULL, NULL},
    };
    test_add_suite("nonblocking", suite_init, NULL, tests);
}
