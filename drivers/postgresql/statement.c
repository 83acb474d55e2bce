/* Prepared statements: Parse+Describe once per connection, PQsendQueryPrepared per execution,
 * rows in single-row mode. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_driver.h"

static void *zalloc(const ath_driver_host *host, size_t size)
{
    void *p = host->malloc(size ? size : 1);
    if (p)
        memset(p, 0, size ? size : 1);
    return p;
}

/* --- server-side statements: named per connection, deallocated in batches ------------------- */

/* Remembers that `name` should be deallocated; sent with the next command outside a transaction. */
static void queue_deallocate(ath_dconn *conn, const char *name)
{
    size_t add = strlen("DEALLOCATE ;") + strlen(name);
    if (conn->dealloc_len + add + 1 > conn->dealloc_cap) {
        size_t cap = conn->dealloc_cap ? conn->dealloc_cap * 2 : 256;
        while (cap < conn->dealloc_len + add + 1)
            cap *= 2;
        char *p = conn->host->realloc(conn->dealloc, cap);
        if (!p)
            return; /* the statement then lives until the connection closes: harmless */
        conn->dealloc = p;
        conn->dealloc_cap = cap;
    }
    conn->dealloc_len +=
        (size_t)snprintf(conn->dealloc + conn->dealloc_len, conn->dealloc_cap - conn->dealloc_len,
                         "DEALLOCATE %s;", name);
}

/* Sends the queued DEALLOCATEs, only between transactions: a failure there cannot abort a
 * transaction of the caller's. */
void pg_flush_deallocations(ath_dconn *conn)
{
    if (!conn->dealloc_len || conn->lost || conn->pipe ||
        PQtransactionStatus(conn->pg) != PQTRANS_IDLE)
        return;
    PQclear(pg_exec_sql(conn, conn->dealloc));
    conn->dealloc_len = 0;
    conn->dealloc[0] = '\0';
}

/* --- the results of one execution ---------------------------------------------------------- */

void pg_end_copy(ath_dconn *conn, const PGresult *r)
{
    static const char refusal[] = "Athanor does not stream COPY data through execute";
    PGconn *pg = conn->pg;
    ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_COPY_IN || status == PGRES_COPY_BOTH) {
        if (conn->nb)
            pg_nb_put_copy(conn, NULL, 0, refusal);
        else
            PQputCopyEnd(pg, refusal);
    }
    if ((status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) && !conn->nb_failed) {
        char *buf = NULL;
        while ((conn->nb ? pg_nb_get_copy(conn, &buf) : PQgetCopyData(pg, &buf, 0)) > 0) {
            PQfreemem(buf);
            buf = NULL;
        }
    }
}

bool pg_is_copy(const PGresult *r)
{
    ExecStatusType status = PQresultStatus(r);
    return status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH;
}

PGresult *pg_get_result(ath_dconn *conn)
{
    PGresult *r = pg_result(conn);
    if (r && pg_is_copy(r))
        pg_end_copy(conn, r);
    return r;
}

static int queue_push(ath_dstmt *st, PGresult *r)
{
    if (st->qlen == st->qcap) {
        size_t cap = st->qcap ? st->qcap * 2 : 16;
        PGresult **q = st->conn->host->realloc(st->queue, cap * sizeof *q);
        if (!q)
            return ATH_ENOMEM;
        st->queue = q;
        st->qcap = cap;
    }
    st->queue[st->qlen++] = r;
    return ATH_OK;
}

void pg_take_wire(ath_dconn *conn)
{
    ath_dstmt *st = conn->wire;
    if (!st)
        return;
    conn->wire = NULL;
    /* another command needs the connection: keep this statement's remaining rows in memory */
    PGresult *r;
    while ((r = pg_get_result(conn))) {
        if (queue_push(st, r) != ATH_OK) {
            PQclear(r);
            st->overflow = true;
        }
    }
    st->cut = conn->nb_failed != 0; /* its remaining rows never came */
}

/* The next result of `st`'s execution: read ahead, or from the connection; NULL at the end. */
static PGresult *next_result(ath_dstmt *st)
{
    if (st->qhead < st->qlen) {
        PGresult *r = st->queue[st->qhead++];
        if (st->qhead == st->qlen)
            st->qhead = st->qlen = 0;
        return r;
    }
    if (st->conn->wire != st)
        return NULL;
    PGresult *r = pg_get_result(st->conn);
    if (!r) {
        st->conn->wire = NULL;
        st->cut = st->conn->nb_failed != 0;
    }
    return r;
}

/* Throws away what is left of the execution, reading the connection to its end. */
static void discard_results(ath_dstmt *st)
{
    PQclear(st->cur);
    st->cur = NULL;
    st->row = 0;
    while (st->qhead < st->qlen)
        PQclear(st->queue[st->qhead++]);
    st->qhead = st->qlen = 0;
    if (st->conn->wire == st) {
        PGresult *r;
        while ((r = pg_get_result(st->conn)))
            PQclear(r);
        st->conn->wire = NULL;
    }
    st->primed = false;
}

static int64_t cmd_tuples(PGresult *r)
{
    const char *n = PQcmdTuples(r);
    return n && *n ? strtoll(n, NULL, 10) : 0;
}

/* A statement that was not described learns its columns from its first result. */
static int adopt_columns(ath_dstmt *st, const PGresult *r)
{
    ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_SINGLE_TUPLE && status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        return ATH_OK;
    int n = PQnfields(r);
    pg_colbuf *cols = zalloc(st->conn->host, n > 0 ? (size_t)n * sizeof *cols : 0);
    PGresult *desc = PQcopyResult(r, PG_COPYRES_ATTRS);
    if (!cols || !desc) {
        st->conn->host->free(cols);
        PQclear(desc);
        return st->conn->host->fail(ATH_ENOMEM, NULL, 0, NULL, "describing a result");
    }
    st->conn->host->free(st->cols);
    st->cols = cols;
    st->desc = desc;
    st->ncols = n;
    return ATH_OK;
}

/* Unnamed mode parses the text at every execution: a table altered since the statement was
 * described would bring other columns than those it decodes. (Named statements get the server's
 * "cached plan must not change result type" instead.) Rows only: a command result has none. */
static bool same_columns(ath_dstmt *st, const PGresult *r)
{
    ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_SINGLE_TUPLE && status != PGRES_TUPLES_OK)
        return true;
    st->checked = true;
    if (PQnfields(r) != st->ncols)
        return false;
    for (int i = 0; i < st->ncols; i++)
        if (PQftype(r, i) != PQftype(st->desc, i) || PQfformat(r, i) != st->result_format)
            return false;
    return true;
}

/* Moves to the next row: 1 on a row, 0 at the end, negative on an error. */
static int advance(ath_dstmt *st)
{
    if (st->cur) {
        if (++st->row < PQntuples(st->cur))
            return 1;
        PQclear(st->cur);
        st->cur = NULL;
    }
    for (;;) {
        PGresult *r = next_result(st);
        if (!r) {
            st->rows_open = false;
            if (st->cut) { /* not the end: the non-blocking path gave the connection up */
                st->cut = false;
                return pg_fail_lost(st->conn);
            }
            if (st->overflow) {
                st->overflow = false;
                return st->conn->host->fail(ATH_ENOMEM, NULL, 0, NULL,
                                            "keeping rows of a statement in memory while another "
                                            "ran on the connection");
            }
            return 0;
        }
        if (!st->desc && adopt_columns(st, r) != ATH_OK) {
            PQclear(r);
            discard_results(st);
            st->rows_open = false;
            return ATH_ENOMEM;
        }
        if (st->conn->unnamed && !st->checked && !same_columns(st, r)) {
            PQclear(r);
            discard_results(st);
            st->rows_open = false;
            return st->conn->host->fail(ATH_ESQL, NULL, 0, NULL,
                                        "the statement's result columns changed since it was "
                                        "prepared (a table altered under it): prepare it again");
        }
        switch (PQresultStatus(r)) {
        case PGRES_SINGLE_TUPLE:
            st->cur = r;
            st->row = 0;
            return 1;
        case PGRES_TUPLES_OK: /* the end of a single-row stream, or a whole result */
            st->changes = cmd_tuples(r);
            if (PQntuples(r) > 0) {
                st->cur = r;
                st->row = 0;
                return 1;
            }
            PQclear(r);
            break;
        case PGRES_COMMAND_OK:
            st->changes = cmd_tuples(r);
            PQclear(r);
            break;
        case PGRES_EMPTY_QUERY:
            PQclear(r);
            break;
        case PGRES_COPY_IN:
        case PGRES_COPY_OUT:
        case PGRES_COPY_BOTH: /* already ended by get_result */
            PQclear(r);
            discard_results(st);
            st->rows_open = false;
            return st->conn->host->fail(ATH_EUNSUPPORTED, NULL, 0, NULL,
                                        "COPY … FROM STDIN / TO STDOUT is not supported through "
                                        "a prepared statement");
        default: {
            int rc = pg_fail(st->conn, r, NULL);
            PQclear(r);
            discard_results(st);
            st->rows_open = false;
            return rc;
        }
        }
    }
}

/* --- the driver entry points ---------------------------------------------------------------- */

/* --- named statements shared by SQL text ------------------------------------------------- */

static uint64_t hash_sql(const char *s)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

static void named_unlink(ath_dconn *conn, pg_named *e)
{
    if (!e->linked)
        return;
    e->linked = false;
    for (pg_named **p = &conn->named; *p; p = &(*p)->next)
        if (*p == e) {
            *p = e->next;
            break;
        }
}

/* Drops a reference; the last one deallocates the server statement (later, in a batch). */
static void named_unref(ath_dconn *conn, pg_named *e)
{
    if (--e->refs > 0)
        return;
    named_unlink(conn, e);
    if (e->prepared && !conn->lost)
        queue_deallocate(conn, e->name);
    PQclear(e->desc);
    conn->host->free(e->sql);
    conn->host->free(e->waiters);
    conn->host->free(e);
}

/* Resumes every operation waiting for `e`'s prepare to finish. */
static void named_wake(ath_dconn *conn, pg_named *e)
{
    for (size_t i = 0; i < e->nwaiters; i++)
        conn->host->resume(e->waiters[i]);
    e->nwaiters = 0;
}

/* Suspends the running operation until `e` is prepared (pipeline mode: another operation's
 * Parse is in flight). ATH_OK (look again), ATH_ECANCELED or the connection lost, recorded. */
static int named_wait(ath_dconn *conn, pg_named *e)
{
    void *me = conn->host->waiter();
    if (!me)
        return conn->host->fail(ATH_EINVAL, NULL, 0, NULL,
                                "pipeline: a shared connection used outside an async operation");
    if (e->nwaiters == e->capwaiters) {
        size_t cap = e->capwaiters ? e->capwaiters * 2 : 8;
        void **w = conn->host->realloc(e->waiters, cap * sizeof *w);
        if (!w)
            return conn->host->fail(ATH_ENOMEM, NULL, 0, NULL, "waiting for a statement");
        e->waiters = w;
        e->capwaiters = cap;
    }
    e->waiters[e->nwaiters++] = me;
    e->refs++;
    int rc = conn->host->suspend();
    for (size_t i = 0; i < e->nwaiters; i++) /* not resumed through the list: leave it */
        if (e->waiters[i] == me) {
            e->waiters[i] = e->waiters[--e->nwaiters];
            break;
        }
    named_unref(conn, e);
    if (conn->nb_failed || conn->lost)
        return pg_fail_lost(conn);
    return rc == ATH_ECANCELED ? pg_nb_cancelled(conn) : rc;
}

static void stmt_free(ath_dstmt *st)
{
    const ath_driver_host *host = st->conn->host;
    if (st->named)
        named_unref(st->conn, st->named);
    else
        PQclear(st->desc);
    if (st->cols)
        for (int i = 0; i < st->ncols; i++)
            host->free(st->cols[i].heap);
    host->free(st->cols);
    host->free(st->values);
    host->free(st->lengths);
    host->free(st->formats);
    host->free(st->slots);
    host->free(st->scratch);
    host->free(st->queue);
    host->free(st->sql);
    host->free(st->types);
    host->free(st);
}

/*
 * Parse and Describe in one round trip (a pipeline: Parse, Describe, Sync), instead of PQprepare
 * then PQdescribePrepared; Parse alone when `describe` is false. Sets *prepared once the server
 * holds the statement.
 */
static int prepare_and_describe(ath_dstmt *st, const char *sql, bool describe, bool *prepared)
{
    ath_dconn *conn = st->conn;
    PGconn *pg = conn->pg;
    if (!PQenterPipelineMode(pg))
        return pg_fail(conn, NULL, "preparing");
    int rc = ATH_OK;
    if (!PQsendPrepare(pg, st->name, sql, 0, NULL) ||
        (describe && !PQsendDescribePrepared(pg, st->name)) || !PQpipelineSync(pg)) {
        rc = pg_fail(conn, NULL, "preparing");
        goto done;
    }
    if ((rc = pg_flush(conn)) != ATH_OK)
        goto done;
    /* Parse's result, Describe's (aborted if Parse failed), each followed by NULL; then Sync */
    int seen = 0, nulls = 0;
    for (;;) {
        PGresult *r = pg_result(conn);
        if (!r) {
            if (conn->nb_failed || PQstatus(pg) == CONNECTION_BAD || ++nulls > 1) {
                /* no Sync will come */
                rc = rc != ATH_OK ? rc : pg_fail(conn, NULL, "preparing");
                break;
            }
            continue;
        }
        nulls = 0;
        ExecStatusType status = PQresultStatus(r);
        if (status == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        if (seen == 0 && status == PGRES_COMMAND_OK) {
            *prepared = true;
        } else if (seen == 1 && status == PGRES_COMMAND_OK) {
            st->desc = r;
            r = NULL;
        } else if (rc == ATH_OK && status != PGRES_PIPELINE_ABORTED) {
            rc = pg_fail(conn, r, seen == 0 ? "preparing" : "describing a statement");
        }
        PQclear(r);
        seen++;
    }
done:
    if (!conn->nb_failed && PQpipelineStatus(pg) != PQ_PIPELINE_OFF && !PQexitPipelineMode(pg) &&
        rc == ATH_OK)
        rc = pg_fail(conn, NULL, "preparing");
    if (rc == ATH_OK && describe && !st->desc)
        rc = pg_fail(conn, NULL, "describing a statement");
    return rc;
}

/* prepare_and_describe on a connection in pipeline mode: one segment of its own. */
static int pipe_prepare(ath_dstmt *st, const char *sql, bool describe, bool *prepared)
{
    ath_dconn *conn = st->conn;
    PGconn *pg = conn->pg;
    if (!PQsendPrepare(pg, st->name, sql, 0, NULL))
        return pg_fail(conn, NULL, "preparing");
    if ((describe && !PQsendDescribePrepared(pg, st->name)) || !PQpipelineSync(pg))
        return pg_pipe_lose(conn); /* half a segment is queued */
    PGresult *res[2];
    int n, rc = pg_pipe_collect(conn, res, 2, &n);
    if (rc != ATH_OK)
        return rc;
    if (n >= 1 && PQresultStatus(res[0]) == PGRES_COMMAND_OK)
        *prepared = true;
    else
        rc = pg_fail(conn, n >= 1 ? res[0] : NULL, "preparing");
    if (rc == ATH_OK && describe) {
        if (n >= 2 && PQresultStatus(res[1]) == PGRES_COMMAND_OK) {
            st->desc = res[1];
            res[1] = NULL;
        } else {
            rc = pg_fail(conn, n >= 2 ? res[1] : NULL, "describing a statement");
        }
    }
    for (int i = 0; i < n; i++)
        PQclear(res[i]);
    return rc;
}

/* Gives `st` its server statement: one already prepared from the same SQL on the connection
 * (none is parsed twice, even by two operations at once in pipeline mode), or a new one. */
static int named_prepare(ath_dstmt *st, const char *sql, bool *prepared)
{
    ath_dconn *conn = st->conn;
    const ath_driver_host *host = conn->host;
    uint64_t h = hash_sql(sql);
    for (;;) {
        pg_named *e = conn->named;
        while (e && (e->hash != h || strcmp(e->sql, sql) != 0))
            e = e->next;
        if (!e)
            break;
        if (e->ready) {
            e->refs++;
            st->named = e;
            memcpy(st->name, e->name, sizeof st->name);
            st->desc = e->desc;
            return ATH_OK;
        }
        int rc = named_wait(conn, e); /* its Parse is in flight: wait for it, look again */
        if (rc != ATH_OK)
            return rc;
    }
    pg_named *e = host->malloc(sizeof *e);
    size_t len = strlen(sql);
    char *copy = host->malloc(len + 1);
    if (!e || !copy) {
        host->free(e);
        host->free(copy);
        return host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a PostgreSQL statement");
    }
    memset(e, 0, sizeof *e);
    memcpy(copy, sql, len + 1);
    e->sql = copy;
    e->hash = h;
    e->refs = 1;
    e->linked = true;
    e->creator = st;
    memcpy(e->name, st->name, sizeof e->name);
    e->next = conn->named;
    conn->named = e;
    st->named = e;
    int rc = conn->pipe ? pipe_prepare(st, sql, true, &e->prepared)
                        : prepare_and_describe(st, sql, true, &e->prepared);
    e->desc = st->desc; /* owned by the entry from here */
    *prepared = e->prepared;
    if (rc == ATH_OK)
        e->ready = true;
    else
        named_unlink(conn, e); /* the next prepare tries again */
    named_wake(conn, e);
    return rc;
}

int pg_prepare(ath_dconn *conn, const char *sql, size_t nparams, ath_dstmt **out)
{
    const ath_driver_host *host = conn->host;
    *out = NULL;
    if (conn->lost)
        return pg_fail_lost(conn);
    pg_take_wire(conn);
    ath_dstmt *st = zalloc(host, sizeof *st);
    if (!st)
        return host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a PostgreSQL statement");
    st->conn = conn;
    if (conn->unnamed) {
        /* Parse+Describe into the unnamed statement now (types, columns, errors); each execution
         * parses the text again, so nothing on the server outlives that execution's Sync */
        size_t len = strlen(sql);
        if (!(st->sql = host->malloc(len + 1))) {
            host->free(st);
            return host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a PostgreSQL statement");
        }
        memcpy(st->sql, sql, len + 1);
    } else {
        snprintf(st->name, sizeof st->name, "ath_%lu", ++conn->next_id);
    }
    st->stream = !host->sql_is_write(sql);

    bool prepared = false;
    st->described = nparams <= PG_DESCRIBE_MAX_PARAMS;
    int rc;
    if (!conn->unnamed && st->described)
        rc = named_prepare(st, sql, &prepared);
    else if (conn->pipe)
        rc = pipe_prepare(st, sql, st->described, &prepared);
    else
        rc = prepare_and_describe(st, sql, st->described, &prepared);
    if (rc != ATH_OK)
        goto fail;
    if (st->described) {
        st->nparams = PQnparams(st->desc);
        st->ncols = PQnfields(st->desc);
    } else {
        st->nparams = (int)nparams; /* the server checks the count at Bind */
    }
    if ((size_t)st->nparams != nparams) {
        rc = host->fail(ATH_EINVAL, NULL, 0, NULL,
                        "PostgreSQL counts %d parameters where %zu were expected", st->nparams,
                        nparams);
        goto fail;
    }
    /* binary results when every column has a binary decoder here; otherwise the server's text
     * (always text for a statement not described: its columns are known only from its rows) */
    st->result_format = st->described;
    for (int i = 0; i < st->ncols; i++)
        if (!pg_binary_result_type(PQftype(st->desc, i)))
            st->result_format = 0;
    size_t n = nparams;
    if (conn->unnamed && st->described) {
        if (!(st->types = zalloc(host, n * sizeof *st->types))) {
            rc = host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a PostgreSQL statement");
            goto fail;
        }
        for (size_t i = 0; i < n; i++)
            st->types[i] = PQparamtype(st->desc, (int)i);
    }
    st->values = zalloc(host, n * sizeof *st->values);
    st->lengths = zalloc(host, n * sizeof *st->lengths);
    st->formats = zalloc(host, n * sizeof *st->formats);
    st->slots = zalloc(host, n * sizeof *st->slots);
    st->cols = zalloc(host, (size_t)st->ncols * sizeof *st->cols);
    if (!st->values || !st->lengths || !st->formats || !st->slots || !st->cols) {
        rc = host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a PostgreSQL statement");
        goto fail;
    }
    *out = st;
    return ATH_OK;
fail:
    if (prepared && !conn->lost && !conn->unnamed && !st->named)
        queue_deallocate(conn, st->name);
    stmt_free(st);
    return rc;
}

void pg_finalize(ath_dstmt *st)
{
    if (!st)
        return;
    discard_results(st);
    if (st->named) {
        /* the statement that made it goes (cache eviction, schema change): later prepares of
         * the same SQL make a new one; the others using it keep it until they finish */
        if (st->named->creator == st) {
            named_unlink(st->conn, st->named);
            st->named->creator = NULL;
        }
    } else if (!st->conn->lost && !st->conn->unnamed) {
        queue_deallocate(st->conn, st->name);
    }
    stmt_free(st);
}

/* Sends the statement with its bound parameters; 0 when libpq refused. Unnamed (pgbouncer):
 * Parse (with the types Describe gave), Bind, Describe, Execute, Sync -- one message train that
 * a transaction-mode pooler may send to any server connection; else the prepared statement. */
static int send_statement(ath_dstmt *st)
{
    ath_dconn *conn = st->conn;
    if (conn->unnamed) {
        st->checked = !st->described;
        return PQsendQueryParams(conn->pg, st->sql, st->nparams, st->types, st->values,
                                 st->lengths, st->formats, st->result_format);
    }
    return PQsendQueryPrepared(conn->pg, st->name, st->nparams, st->values, st->lengths,
                               st->formats, st->result_format);
}

/* pg_execute on a connection in pipeline mode: the statement and a Sync, a segment of its own
 * (an implicit transaction); its whole result is read before execute returns, rows then come
 * from memory. */
static int pipe_execute(ath_dstmt *st)
{
    ath_dconn *conn = st->conn;
    if (!send_statement(st))
        return pg_fail(conn, NULL, "sending a statement");
    if (!PQpipelineSync(conn->pg))
        return pg_pipe_lose(conn);
    PGresult *res[4];
    int n, rc = pg_pipe_collect(conn, res, 4, &n);
    if (rc != ATH_OK)
        return rc;
    for (int i = 0; i < n; i++)
        if (queue_push(st, res[i]) != ATH_OK) {
            for (int j = i; j < n; j++)
                PQclear(res[j]);
            discard_results(st);
            return conn->host->fail(ATH_ENOMEM, NULL, 0, NULL, "keeping a statement's result");
        }
    st->rows_open = true;
    rc = advance(st);
    if (rc < 0)
        return rc;
    st->primed = rc == 1;
    return ATH_OK;
}

int pg_execute(ath_dstmt *st, const ath_value *params, size_t nparams)
{
    ath_dconn *conn = st->conn;
    const ath_driver_host *host = conn->host;
    discard_results(st);
    st->rows_open = false;
    st->changes = 0;
    if (conn->lost)
        return pg_fail_lost(conn);
    if (nparams != (size_t)st->nparams)
        return host->fail(ATH_EINVAL, NULL, 0, NULL,
                          "the statement takes %d parameters but %zu were given", st->nparams,
                          nparams);
    pg_take_wire(conn);

    size_t need = 1;
    for (size_t i = 0; i < nparams; i++)
        need += pg_param_scratch(&params[i]);
    if (need > st->scratch_cap) {
        char *p = host->realloc(st->scratch, need);
        if (!p)
            return host->fail(ATH_ENOMEM, NULL, 0, NULL, "encoding parameters");
        st->scratch = p;
        st->scratch_cap = need;
    }
    char *scratch = st->scratch;
    for (size_t i = 0; i < nparams; i++) {
        /* type 0 (not described): binary blobs, text for the rest, the server's inference */
        Oid oid = st->described ? PQparamtype(st->desc, (int)i) : 0;
        int rc = pg_encode_param(host, (int)i + 1, oid, &params[i], st->slots[i], &scratch,
                                 &st->values[i], &st->lengths[i], &st->formats[i]);
        if (rc != ATH_OK)
            return rc;
    }
    if (conn->pipe)
        return pipe_execute(st);
    if (!send_statement(st))
        return pg_fail(conn, NULL, "sending a statement");
    /* rows arrive one PGresult each, so memory stays bounded however many the caller reads */
    if (st->stream && (st->ncols > 0 || !st->described))
        PQsetSingleRowMode(conn->pg);
    int rc = pg_flush(conn);
    if (rc != ATH_OK)
        return rc;
    conn->wire = st;
    st->rows_open = true;
    rc = advance(st);
    if (rc < 0)
        return rc;
    st->primed = rc == 1;
    return ATH_OK;
}

int pg_step(ath_dstmt *st)
{
    if (st->primed) {
        st->primed = false;
        return 1;
    }
    if (!st->rows_open)
        return 0;
    return advance(st);
}

int pg_column_count(ath_dstmt *st)
{
    return st->ncols;
}

const char *pg_column_name(ath_dstmt *st, int i)
{
    return i >= 0 && i < st->ncols ? PQfname(st->desc, i) : NULL;
}

int pg_column(ath_dstmt *st, int i, ath_type want, ath_value *out)
{
    if (!st->cur || st->primed || st->row >= PQntuples(st->cur)) {
        memset(out, 0, sizeof *out);
        return st->conn->host->fail(ATH_EINVAL, NULL, 0, NULL, "the statement has no current row");
    }
    if (i < 0 || i >= st->ncols) {
        memset(out, 0, sizeof *out);
        return st->conn->host->fail(ATH_EINVAL, NULL, 0, NULL,
                                    "column %d is out of range (%d columns)", i, st->ncols);
    }
    return pg_decode_column(st, i, want, out);
}

int64_t pg_changes(ath_dstmt *st)
{
    return st->changes;
}

void pg_reset(ath_dstmt *st)
{
    discard_results(st);
    st->rows_open = false;
}
