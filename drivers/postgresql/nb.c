/* The non-blocking path (io=nonblocking, conn->nb): libpq in non-blocking mode, every wait for
 * the socket through host->wait(), which suspends an async operation or else is poll(). These are
 * the twins of the libpq calls that block (PQconnectdbParams, PQexec, PQgetResult while busy,
 * the flush inside every send, PQputCopyData/PQputCopyEnd/PQgetCopyData); callers reach them
 * through pg_result(), pg_exec_sql() and friends, which keep the blocking calls when conn->nb is
 * false. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <time.h>

#include "pg_driver.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pg_nb_cancelled(ath_dconn *conn)
{
    return conn->host->fail(ATH_ECANCELED, NULL, 0, NULL, "cancelled while waiting for the server");
}

/* The connection is given up (cancelled or lost): nothing touches it again, the core discards
 * it. Records the failure. */
int pg_nb_give_up(ath_dconn *conn, int rc)
{
    conn->nb_failed = rc == ATH_ECANCELED ? ATH_ECANCELED : ATH_ECONNLOST;
    conn->lost = true;
    return pg_fail_lost(conn);
}

/* One wait on the socket: the ready events (> 0), 0 on time-out, or the failure recorded. */
static int wait_socket(ath_dconn *conn, unsigned events, int64_t timeout_ms)
{
    int fd = PQsocket(conn->pg);
    if (fd < 0) /* libpq dropped the socket: its error message says why */
        return pg_nb_give_up(conn, ATH_ECONNLOST);
    int ready = conn->host->wait(fd, events, timeout_ms);
    return ready < 0 ? pg_nb_give_up(conn, ready) : ready;
}

/* libpq read what the socket had, or the connection is lost. TLS (and GSS encryption) decrypt
 * whole records of up to 16 kB, but libpq takes per read only its free buffer space (at least
 * 8 kB): the rest of a record would wait inside the library where no poll() sees it, and the
 * wait for more input would never end (libpq's own waits look there; host->wait cannot). A
 * second read takes that rest; it never waits. */
int pg_nb_consume(ath_dconn *conn)
{
    if (!PQconsumeInput(conn->pg) || (conn->nb_encrypted && !PQconsumeInput(conn->pg)))
        return pg_nb_give_up(conn, ATH_ECONNLOST);
    return ATH_OK;
}

int pg_nb_connect(ath_dconn *conn, int64_t timeout_ms, const char **why)
{
    *why = NULL;
    if (PQstatus(conn->pg) == CONNECTION_BAD)
        return ATH_ECONNECT;
    /* libpq's connect_timeout counts per host: the clock restarts when it moves to the next */
    const char *host = PQhost(conn->pg), *port = PQport(conn->pg);
    int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : -1;
    PostgresPollingStatusType poll = PGRES_POLLING_WRITING; /* what PQconnectStart leaves */
    for (;;) {
        if (poll == PGRES_POLLING_OK)
            break;
        if (poll == PGRES_POLLING_FAILED)
            return ATH_ECONNECT;
        int64_t left = -1;
        if (deadline >= 0 && (left = deadline - now_ms()) <= 0) {
            *why = "timeout expired";
            return ATH_ECONNECT;
        }
        int fd = PQsocket(conn->pg); /* < 0 between two addresses: poll libpq at once */
        unsigned want = poll == PGRES_POLLING_READING ? ATH_WAIT_READ : ATH_WAIT_WRITE;
        int ready = fd < 0 ? 1 : conn->host->wait(fd, want, left);
        if (ready == ATH_ECANCELED) {
            conn->nb_failed = ATH_ECANCELED;
            return pg_nb_cancelled(conn);
        }
        if (ready < 0) {
            *why = "waiting for the socket failed";
            return ATH_ECONNECT;
        }
        if (ready == 0)
            continue; /* the deadline check above words it */
        poll = PQconnectPoll(conn->pg);
        const char *h = PQhost(conn->pg), *p = PQport(conn->pg);
        if (deadline >= 0 && (h != host || p != port)) {
            host = h;
            port = p;
            deadline = now_ms() + timeout_ms;
        }
    }
    if (PQsetnonblocking(conn->pg, 1) != 0)
        return ATH_ECONNECT;
    conn->nb_encrypted = PQsslInUse(conn->pg) || PQgssEncInUse(conn->pg);
    return ATH_OK;
}

int pg_nb_flush(ath_dconn *conn)
{
    int rc;
    /* libpq: while PQflush says 1, wait for write-ready, and read what the server sends
     * meanwhile so that neither side's buffer fills up */
    while ((rc = PQflush(conn->pg)) == 1) {
        int ready = wait_socket(conn, ATH_WAIT_READ | ATH_WAIT_WRITE, -1);
        if (ready < 0)
            return ready;
        if ((ready & ATH_WAIT_READ) && (rc = pg_nb_consume(conn)) != ATH_OK)
            return rc;
    }
    return rc == 0 ? ATH_OK : pg_nb_give_up(conn, ATH_ECONNLOST);
}

/* Waits until PQgetResult can answer without blocking. */
static int wait_result(ath_dconn *conn)
{
    while (PQisBusy(conn->pg)) {
        int ready = wait_socket(conn, ATH_WAIT_READ, -1);
        if (ready < 0)
            return ready;
        int rc;
        if (ready > 0 && (rc = pg_nb_consume(conn)) != ATH_OK)
            return rc;
    }
    return ATH_OK;
}

PGresult *pg_nb_get_result(ath_dconn *conn)
{
    if (conn->nb_failed || wait_result(conn) != ATH_OK)
        return NULL;
    return PQgetResult(conn->pg);
}

PGresult *pg_nb_exec(ath_dconn *conn, const char *sql)
{
    if (conn->nb_failed || !PQsendQuery(conn->pg, sql) || pg_nb_flush(conn) != ATH_OK)
        return NULL; /* not sent: PQerrorMessage says why, as after PQexec */
    /* what PQexec returns: the last result, or the first COPY one (the COPY is then running) */
    PGresult *last = NULL, *r;
    while ((r = pg_nb_get_result(conn))) {
        PQclear(last);
        last = r;
        ExecStatusType status = PQresultStatus(r);
        if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH ||
            PQstatus(conn->pg) == CONNECTION_BAD)
            break;
    }
    if (conn->nb_failed) {
        PQclear(last);
        return NULL;
    }
    return last;
}

int pg_nb_put_copy(ath_dconn *conn, const char *data, int len, const char *end_error)
{
    int ok = data ? PQputCopyData(conn->pg, data, len) : PQputCopyEnd(conn->pg, end_error);
    if (ok == 0) { /* libpq could not grow its buffer: send what it holds, then try again */
        if (pg_nb_flush(conn) != ATH_OK)
            return -1;
        ok = data ? PQputCopyData(conn->pg, data, len) : PQputCopyEnd(conn->pg, end_error);
    }
    /* in non-blocking mode libpq only queues: send it now, so its buffer stays one chunk */
    return ok == 1 && pg_nb_flush(conn) == ATH_OK ? 1 : -1;
}

int pg_nb_get_copy(ath_dconn *conn, char **buf)
{
    for (;;) {
        int n = PQgetCopyData(conn->pg, buf, 1);
        if (n != 0)
            return n; /* > 0 a row, -1 the end, -2 an error */
        int ready = wait_socket(conn, ATH_WAIT_READ, -1);
        if (ready < 0)
            return -2;
        if (ready > 0 && pg_nb_consume(conn) != ATH_OK)
            return -2;
    }
}
