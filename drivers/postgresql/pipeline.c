/* Pipeline mode (ath_driver.pipeline): several async operations of one loop thread share the
 * connection. Each sends its segment -- a statement's messages and a Sync, so that it is its
 * own implicit transaction and an error aborts only that segment -- behind the others' and
 * gets a ticket in the connection's FIFO. libpq returns results in the order they were sent;
 * only the operation owning the first live ticket (the leader) reads the socket. When it has
 * read its segment up to the Sync it takes its ticket off and resumes the next ticket's owner:
 * one wakeup per segment, never a crowd of operations on one descriptor. A cancelled owner
 * leaves its ticket "abandoned": the next leader reads that segment and drops it. A lost
 * connection fails every ticket at once. */
#include <string.h>

#include "pg_driver.h"

static pg_ticket *ticket_new(ath_dconn *conn)
{
    pg_ticket *t = conn->pq_free;
    if (t)
        conn->pq_free = t->next;
    else if (!(t = conn->host->malloc(sizeof *t)))
        return NULL;
    memset(t, 0, sizeof *t);
    if (conn->pq_tail)
        conn->pq_tail->next = t;
    else
        conn->pq_head = t;
    conn->pq_tail = t;
    return t;
}

/* Takes the head ticket off the FIFO. */
static void pop_head(ath_dconn *conn)
{
    pg_ticket *t = conn->pq_head;
    conn->pq_head = t->next;
    if (!conn->pq_head)
        conn->pq_tail = NULL;
    t->next = conn->pq_free;
    conn->pq_free = t;
}

/* The first ticket whose owner still waits for it: the one that reads next. */
static pg_ticket *leader(const ath_dconn *conn)
{
    pg_ticket *t = conn->pq_head;
    while (t && t->abandoned)
        t = t->next;
    return t;
}

static void wake_leader(ath_dconn *conn)
{
    pg_ticket *t = leader(conn);
    if (t && t->waiter)
        conn->host->resume(t->waiter);
}

int pg_pipe_lose(ath_dconn *conn)
{
    int rc = conn->nb_failed ? pg_fail_lost(conn) : pg_nb_give_up(conn, ATH_ECONNLOST);
    /* every owner still waiting learns it when it resumes (it looks at nb_failed first) */
    while (conn->pq_head) {
        if (conn->pq_head->waiter)
            conn->host->resume(conn->pq_head->waiter);
        pop_head(conn);
    }
    for (pg_named *e = conn->named; e; e = e->next) {
        for (size_t i = 0; i < e->nwaiters; i++)
            conn->host->resume(e->waiters[i]);
        e->nwaiters = 0;
    }
    return rc;
}

void pg_pipe_free(ath_dconn *conn)
{
    while (conn->pq_head)
        pop_head(conn);
    while (conn->pq_free) {
        pg_ticket *t = conn->pq_free;
        conn->pq_free = t->next;
        conn->host->free(t);
    }
}

/* The next result of the segment being read, waiting (and flushing what others queued) while
 * libpq would block. ATH_OK with *out (NULL between a statement's results and the Sync);
 * ATH_ECANCELED, not recorded; or the connection lost (every ticket failed). */
static int next_result(ath_dconn *conn, PGresult **out)
{
    *out = NULL;
    for (;;) {
        if (conn->nb_failed || conn->lost)
            return pg_pipe_lose(conn);
        int flushed = PQflush(conn->pg); /* 0 all sent, 1 more to send, -1 failed */
        if (flushed < 0)
            return pg_pipe_lose(conn);
        if (!PQisBusy(conn->pg)) {
            *out = PQgetResult(conn->pg);
            if (!*out && PQstatus(conn->pg) == CONNECTION_BAD)
                return pg_pipe_lose(conn);
            return ATH_OK;
        }
        int fd = PQsocket(conn->pg);
        if (fd < 0)
            return pg_pipe_lose(conn);
        int ready =
            conn->host->wait(fd, ATH_WAIT_READ | (flushed ? ATH_WAIT_WRITE : 0u), -1);
        if (ready == ATH_ECANCELED)
            return ATH_ECANCELED;
        if (ready < 0)
            return pg_pipe_lose(conn);
        if ((ready & ATH_WAIT_READ) && pg_nb_consume(conn) != ATH_OK)
            return pg_pipe_lose(conn);
    }
}

/* Reads the head segment up to its Sync, keeping up to `max` results in `res` (res may be NULL:
 * dropped). On failure the kept ones are cleared. */
static int read_segment(ath_dconn *conn, PGresult **res, int max, int *n)
{
    int nulls = 0, kept = 0, rc;
    for (;;) {
        PGresult *r;
        if ((rc = next_result(conn, &r)) != ATH_OK)
            break;
        if (!r) {
            if (++nulls > 2) { /* nothing owed though a Sync was: the protocol lost its place */
                rc = pg_pipe_lose(conn);
                break;
            }
            continue;
        }
        nulls = 0;
        if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            if (n)
                *n = kept;
            return ATH_OK;
        }
        if (res && kept < max)
            res[kept++] = r;
        else
            PQclear(r);
    }
    for (int i = 0; i < kept; i++)
        PQclear(res[i]);
    if (n)
        *n = 0;
    return rc;
}

/* The caller leads: reads and drops the abandoned segments ahead of `me` (NULL: all of them). */
static int drain_abandoned(ath_dconn *conn, const pg_ticket *me)
{
    while (conn->pq_head && conn->pq_head != me) {
        if (!conn->pq_head->abandoned)
            return conn->host->fail(ATH_EINVAL, NULL, 0, NULL,
                                    "pipeline: a segment ahead of the reader is still owned");
        int rc = read_segment(conn, NULL, 0, NULL);
        if (rc != ATH_OK)
            return rc;
        pop_head(conn);
    }
    return ATH_OK;
}

/* Gives up the turn of `t` after its owner was cancelled: its segment is read by the next. */
static int abandon(ath_dconn *conn, pg_ticket *t)
{
    t->abandoned = true;
    t->waiter = NULL;
    wake_leader(conn);
    return pg_nb_cancelled(conn);
}

int pg_pipe_collect(ath_dconn *conn, PGresult **res, int max, int *n)
{
    *n = 0;
    pg_ticket *t = ticket_new(conn);
    if (!t) /* the segment is on its way and nobody would read it */
        return pg_pipe_lose(conn);
    /* send now, without waiting: a full socket buffer is flushed by whoever reads */
    if (PQflush(conn->pg) < 0)
        return pg_pipe_lose(conn);
    while (leader(conn) != t) {
        if (!(t->waiter = conn->host->waiter())) {
            t->abandoned = true;
            return conn->host->fail(ATH_EINVAL, NULL, 0, NULL,
                                    "pipeline: a shared connection used outside an async "
                                    "operation");
        }
        int rc = conn->host->suspend();
        if (conn->nb_failed || conn->lost) /* t was freed with the others */
            return conn->nb_failed ? pg_fail_lost(conn) : pg_pipe_lose(conn);
        if (rc == ATH_ECANCELED)
            return abandon(conn, t);
        if (rc < 0) {
            t->abandoned = true;
            t->waiter = NULL;
            return rc;
        }
    }
    t->waiter = NULL;
    int rc = drain_abandoned(conn, t);
    if (rc == ATH_OK)
        rc = read_segment(conn, res, max, n);
    if (rc == ATH_ECANCELED)
        return abandon(conn, t); /* partly read: the next leader reads on to its Sync */
    if (rc != ATH_OK)
        return rc; /* lost: every ticket is gone already */
    pop_head(conn);
    wake_leader(conn);
    return ATH_OK;
}

int pg_pipeline(ath_dconn *conn, bool on)
{
    const ath_driver_host *host = conn->host;
    if (conn->lost)
        return pg_fail_lost(conn);
    if (on) {
        if (!conn->nb || !ATH_HOST_HAS(host, resume))
            return host->fail(ATH_EUNSUPPORTED, NULL, 0, NULL,
                              "pipeline mode needs io=nonblocking and an async-capable core");
        if (conn->pipe)
            return ATH_OK;
        pg_take_wire(conn);
        pg_flush_deallocations(conn);
        if (conn->lost)
            return pg_fail_lost(conn);
        if (!PQenterPipelineMode(conn->pg))
            return pg_fail(conn, NULL, "entering pipeline mode");
        conn->pipe = true;
        return ATH_OK;
    }
    if (!conn->pipe)
        return ATH_OK;
    int rc = drain_abandoned(conn, NULL);
    if (rc == ATH_ECANCELED)
        return pg_nb_cancelled(conn);
    if (rc != ATH_OK)
        return rc;
    if (!PQexitPipelineMode(conn->pg))
        return pg_fail(conn, NULL, "leaving pipeline mode");
    conn->pipe = false;
    pg_flush_deallocations(conn);
    return ATH_OK;
}
