/* Sessions: lazy checkout and BEGIN, commit/rollback, savepoints, the failed-transaction rule. */
#include "session.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "engine.h"
#include "error.h"
#include "list.h"
#include "loader.h"
#include "routing.h"
#include "sql_scan.h"
#include "utf8.h"

struct ath_session {
    ath_engine *engine;
    ath_conn *conn; /* held from the first statement until the transaction ends */
    ath_pool *pool; /* where conn came from: the engine's, or a replica's (core/routing.c) */
    bool on_replica;
    bool lent;       /* conn was lent by the caller (ath_session_lend): never checked in here */
    ath_route route; /* ath_session_set_route */
    bool in_tx;
    bool pipelined; /* ath_session_set_pipelined: the running async read may share a connection */
    bool shared;    /* conn is shared with other sessions' reads, in pipeline mode, no BEGIN */
    bool failed; /* the database rejected a statement in this transaction */
    int depth;   /* savepoints open */
    int64_t affected;
    ath_result *result; /* the open raw result, if any */
    struct session_value {
        char *key;
        ath_value value; /* text and blobs point into `bytes` */
        void *bytes;
    } * values; /* per-session values (ath_session_set) */
    size_t nvalues;
    int refs;    /* the caller's (until close) + one per repository not yet freed */
    bool closed; /* ath_session_close ran: the memory lives on for the repositories */
    struct ath_async_session *async; /* the async session that owns it (core/async.c), or NULL */
};

struct ath_result {
    ath_session *origin; /* a reference, for the result's life: its async session (core/async.c) */
    ath_session *session;
    ath_stmt *stmt; /* NULL once the session took it back */
    int64_t affected;
    bool done;
    bool detached; /* the session ended it (commit, rollback, close) before its last row */
};

int ath_session_open(ath_session **out, ath_engine *engine)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!engine)
        return ath_null_arg(__func__, "engine");
    if (ath_engine_disposed(engine))
        return ath_fail(ATH_EINVAL, "ath_session_open: the engine was disposed");
    ath_session *s = ath_calloc(1, sizeof *s);
    if (!s)
        return ath_fail(ATH_ENOMEM, "allocating a session");
    s->engine = engine;
    s->refs = 1;
    ath_engine_ref(engine);
    *out = s;
    return ATH_OK;
}

ath_engine *ath_session_engine(const ath_session *s)
{
    if (!s) {
        ath_null_arg(__func__, "session");
        return NULL;
    }
    return s->engine;
}

void ath_session_ref(ath_session *s)
{
    s->refs++;
}

void ath_session_unref(ath_session *s)
{
    if (!s || --s->refs > 0)
        return;
    ath_engine_unref(s->engine); /* the engine may go with its last session */
    ath_free(s);
}

bool ath_session_closed(const ath_session *s)
{
    return s->closed;
}

/* The refusal for a call on a closed session. */
static int refuse_closed(const char *fn)
{
    return ath_fail(ATH_EINVAL, "%s: the session was closed (ath_session_close)", fn);
}

static void result_finish(ath_result *r);

/* Ends the open raw result early: its statement goes back before the transaction changes. */
static void detach_result(ath_session *s)
{
    ath_result *r = s->result;
    if (!r)
        return;
    s->result = NULL;
    r->session = NULL; /* the session's affected count stays as it was */
    r->detached = !r->done;
    result_finish(r);
}

/* Gives the connection back to the pool (a shared one: this session's share of it). */
static void give_back(ath_session *s)
{
    if (s->shared)
        ath_pool_checkin_shared(s->pool, s->conn);
    else
        ath_pool_checkin(s->pool, s->conn);
    s->conn = NULL;
    s->shared = false;
    s->on_replica = false;
}

/* Gives the connection back to the pool and forgets the transaction. */
static void end_transaction(ath_session *s)
{
    detach_result(s);
    s->in_tx = false;
    s->failed = false;
    s->depth = 0;
    if (s->conn && !s->lent)
        give_back(s);
}

void ath_session_set_pipelined(ath_session *s, bool on)
{
    s->pipelined = on;
    if (!on && s->conn && s->shared) {
        detach_result(s);
        give_back(s); /* the failed flag (a lost connection) stays, as in the blocking API */
    }
}

int ath_session_note_error(ath_session *s, int rc)
{
    if (rc < 0 && rc != ATH_EINVAL && s->in_tx)
        s->failed = true;
    if (rc == ATH_ECONNLOST || rc == ATH_ECANCELED)
        s->failed = true; /* the transaction is gone with the connection */
    return rc;
}

static int refuse_failed(void)
{
    return ath_fail(ATH_EINVAL, "a statement failed in this transaction: roll back first "
                                "(ath_session_rollback, or ath_session_rollback_to a savepoint "
                                "taken before the failure)");
}

/* A transaction begun on a replica meets its first write (or a statement that must run on the
 * primary): what it read there was read-only, so it commits there, and the session goes on
 * from a new transaction on the primary. */
static void leave_replica(ath_session *s)
{
    if (s->in_tx && !s->conn->broken && ath_conn_exec(s->conn, "COMMIT") != ATH_OK)
        s->conn->broken = true; /* state unknown: do not pool it */
    end_transaction(s);
}

/* ath_session_ensure, where `primary` says the statement must run on the primary. */
static int ensure_at(ath_session *s, bool write, bool primary, ath_conn **conn)
{
    if (s->closed)
        return ath_fail(ATH_EINVAL, "the session was closed (ath_session_close): nothing can run "
                                    "on it, nor on a repository opened on it");
    if (s->failed)
        return refuse_failed();
    if (s->result) /* one statement at a time: a streamed result holds the connection */
        return ath_fail(ATH_EINVAL, "a raw result or a repository iterator is still open on this "
                                    "session: read it to the end or free it first");
    if (s->conn && s->on_replica && primary)
        leave_replica(s);
    if (s->conn && s->shared && (write || primary || !s->pipelined)) {
        detach_result(s);
        give_back(s); /* a write (or a primary read) takes a connection of its own */
    }
    if (!s->conn && s->pipelined && !write && !primary && !s->in_tx &&
        ath_engine_pipelined(s->engine) && ath_engine_replica_count(s->engine) == 0) {
        /* an autocommit read: shares a pipelined connection, no BEGIN (docs/async.md) */
        s->pool = ath_engine_pool(s->engine);
        int rc = ath_pool_checkout_shared(s->pool, &s->conn);
        if (rc != ATH_OK)
            return rc;
        s->shared = true;
        unsigned gen = ath_engine_schema_gen(s->engine);
        if (s->conn->schema_gen != gen) { /* the schema changed since these were prepared */
            ath_conn_flush_cache(s->conn);
            s->conn->schema_gen = gen;
        }
        if (conn)
            *conn = s->conn;
        return ATH_OK;
    }
    if (s->conn && s->shared) {
        if (conn)
            *conn = s->conn;
        return ATH_OK;
    }
    if (!s->conn) {
        int rc = 1;
        if (!primary && s->route == ATH_ROUTE_AUTO)
            rc = ath_routing_checkout(s->engine, &s->conn, &s->pool); /* 1: none, or none up */
        s->on_replica = rc == ATH_OK;
        if (rc == 1) {
            s->pool = ath_engine_pool(s->engine);
            rc = ath_pool_checkout(s->pool, &s->conn);
        }
        if (rc != ATH_OK)
            return rc;
        unsigned gen = ath_engine_schema_gen(s->engine);
        if (s->conn->schema_gen != gen) { /* the schema changed since these were prepared */
            ath_conn_flush_cache(s->conn);
            s->conn->schema_gen = gen;
        }
    }
    if (!s->in_tx) {
        const ath_dialect *d = ath_conn_dialect(s->conn);
        const char *begin = write && d->begin_write_sql ? d->begin_write_sql : d->begin_sql;
        int rc = ath_conn_exec(s->conn, begin);
        if (rc != ATH_OK) {
            end_transaction(s);
            return rc;
        }
        s->in_tx = true;
    }
    if (conn)
        *conn = s->conn;
    return ATH_OK;
}

void ath_session_lend(ath_session *s, ath_conn *conn)
{
    s->conn = conn;
    s->pool = ath_engine_pool(s->engine);
    s->on_replica = false;
    s->lent = true;
    unsigned gen = ath_engine_schema_gen(s->engine);
    if (conn->schema_gen != gen) {
        ath_conn_flush_cache(conn);
        conn->schema_gen = gen;
    }
}

int ath_session_ensure(ath_session *s, bool write, ath_conn **conn)
{
    return ensure_at(s, write, write, conn);
}

int ath_session_ensure_primary(ath_session *s)
{
    if (ath_engine_replica_count(s->engine) == 0 || (s->conn && !s->on_replica && !s->closed))
        return ATH_OK;
    return ensure_at(s, false, true, NULL);
}

int ath_session_set_route(ath_session *s, ath_route route)
{
    if (!s)
        return ath_null_arg(__func__, "session");
    if (s->closed)
        return refuse_closed(__func__);
    if (route != ATH_ROUTE_AUTO && route != ATH_ROUTE_PRIMARY)
        return ath_fail(ATH_EINVAL, "ath_session_set_route: %d is not an ath_route", (int)route);
    s->route = route;
    return ATH_OK;
}

ath_routed ath_session_routed(const ath_session *s)
{
    if (!s) {
        ath_null_arg(__func__, "session");
        return ATH_ROUTED_NONE;
    }
    if (!s->conn)
        return ATH_ROUTED_NONE;
    return s->on_replica ? ATH_ROUTED_REPLICA : ATH_ROUTED_PRIMARY;
}

int ath_session_begin(ath_session *s)
{
    if (!s)
        return ath_null_arg(__func__, "session");
    if (s->closed)
        return refuse_closed(__func__);
    if (s->in_tx)
        return ath_fail(ATH_EINVAL, "a transaction is already open in this session");
    return ensure_at(s, false, true, NULL); /* a declared unit of work: on the primary */
}

bool ath_session_in_transaction(const ath_session *s)
{
    if (!s) {
        ath_null_arg(__func__, "session");
        return false;
    }
    return s->in_tx;
}

bool ath_session_failed(const ath_session *s)
{
    if (!s) {
        ath_null_arg(__func__, "session");
        return false;
    }
    return s->failed;
}

static int session_rollback(ath_session *s)
{
    int rc = ATH_OK;
    if (s->conn && s->in_tx && !s->conn->broken) {
        detach_result(s); /* finish the open statement before ROLLBACK */
        rc = ath_conn_exec(s->conn, "ROLLBACK");
        if (rc != ATH_OK && !s->conn->broken)
            s->conn->broken = true; /* state unknown: do not pool it */
        if (s->conn->broken)
            rc = ATH_OK; /* the transaction is gone either way */
    }
    end_transaction(s);
    return rc;
}

int ath_session_rollback(ath_session *s)
{
    if (!s)
        return ath_null_arg(__func__, "session");
    if (s->closed)
        return refuse_closed(__func__);
    return session_rollback(s);
}

int ath_session_commit(ath_session *s)
{
    if (!s)
        return ath_null_arg(__func__, "session");
    if (s->closed)
        return refuse_closed(__func__);
    if (s->failed)
        return ath_fail(ATH_EINVAL, "cannot commit: a statement failed in this transaction; "
                                    "roll back first");
    if (!s->in_tx) {
        end_transaction(s);
        return ATH_OK;
    }
    detach_result(s);
    int rc = ath_conn_exec(s->conn, "COMMIT");
    if (rc != ATH_OK) {
        /* a failed COMMIT leaves nothing committed: roll back so the state is known */
        ath_error_saved sav;
        ath_error_save(&sav);
        if (!s->conn->broken && ath_conn_exec(s->conn, "ROLLBACK") != ATH_OK)
            s->conn->broken = true;
        sav.pub.code = rc;
        ath_error_restore(&sav);
        ath_error_set_message("commit failed: %s", sav.message);
        ath_error_set_sql("COMMIT");
    }
    end_transaction(s);
    return rc;
}

void ath_session_set_async(ath_session *s, struct ath_async_session *owner)
{
    s->async = owner;
}

struct ath_async_session *ath_session_async(const ath_session *s)
{
    return s ? s->async : NULL; /* cleared by the owner before it closes the session */
}

ath_session *ath_result_session(const ath_result *result)
{
    return result ? result->origin : NULL;
}

void ath_session_close(ath_session *s)
{
    if (!s || s->closed)
        return;
    session_rollback(s); /* ends the transaction, detaching an open result first */
    s->closed = true;
    for (size_t i = 0; i < s->nvalues; i++) {
        ath_free(s->values[i].key);
        ath_free(s->values[i].bytes);
    }
    ath_free(s->values);
    s->values = NULL;
    s->nvalues = 0;
    ath_session_unref(s);
}

/* --- savepoints ----------------------------------------------------------------------------- */

static int savepoint_sql(ath_session *s, const char *verb, ath_savepoint sp)
{
    char sql[64];
    snprintf(sql, sizeof sql, "%s ath_sp_%d", verb, sp);
    return ath_session_note_error(s, ath_conn_exec(s->conn, sql));
}

int ath_session_savepoint(ath_session *s, ath_savepoint *out)
{
    if (!s)
        return ath_null_arg(__func__, "session");
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = 0;
    if (s->closed)
        return refuse_closed(__func__);
    int rc = ensure_at(s, false, true, NULL); /* savepoints belong to the primary's transaction */
    if (rc != ATH_OK)
        return rc;
    if ((rc = savepoint_sql(s, "SAVEPOINT", s->depth + 1)) != ATH_OK)
        return rc;
    *out = ++s->depth;
    return ATH_OK;
}

static int check_savepoint(ath_session *s, ath_savepoint sp)
{
    if (!s->in_tx || sp < 1 || sp > s->depth)
        return ath_fail(ATH_EINVAL, "savepoint %d is not open in this session (%d open)", sp,
                        s->in_tx ? s->depth : 0);
    return ATH_OK;
}

int ath_session_release(ath_session *s, ath_savepoint sp)
{
    if (!s)
        return ath_null_arg(__func__, "session");
    if (s->closed)
        return refuse_closed(__func__);
    int rc = check_savepoint(s, sp);
    if (rc != ATH_OK)
        return rc;
    if (s->failed)
        return refuse_failed();
    if ((rc = savepoint_sql(s, "RELEASE SAVEPOINT", sp)) != ATH_OK)
        return rc;
    s->depth = sp - 1;
    return ATH_OK;
}

int ath_session_rollback_to(ath_session *s, ath_savepoint sp)
{
    if (!s)
        return ath_null_arg(__func__, "session");
    if (s->closed)
        return refuse_closed(__func__);
    int rc = check_savepoint(s, sp);
    if (rc != ATH_OK)
        return rc;
    detach_result(s);
    /* no statement runs after a failure, so every open savepoint predates it */
    char sql[64];
    snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT ath_sp_%d", sp);
    rc = ath_conn_exec(s->conn, sql);
    if (rc != ATH_OK) {
        s->failed = true;
        return rc;
    }
    s->failed = false;
    s->depth = sp;
    return ATH_OK;
}

/* --- statements ----------------------------------------------------------------------------- */

/* A statement for the primary: a write, or (with replicas) a read that takes row locks. */
static bool for_primary(const ath_session *s, const char *sql, bool write)
{
    if (write)
        return true;
    if (s->conn && !s->on_replica)
        return false; /* on the primary already: no need to look */
    return ath_engine_replica_count(s->engine) > 0 && ath_sql_is_locking(sql);
}

int ath_session_prepare(ath_session *s, const char *sql, bool write, ath_stmt **out)
{
    ath_conn *conn = NULL;
    int rc = ensure_at(s, write, for_primary(s, sql, write), &conn);
    if (rc != ATH_OK)
        return rc;
    return ath_session_note_error(s, ath_conn_prepare(conn, sql, out));
}

/* After DDL on this connection: its cache is stale, and every other connection's too. */
static void schema_changed(ath_session *s)
{
    ath_engine_schema_changed(s->engine);
    ath_conn_flush_cache(s->conn);
    s->conn->schema_gen = ath_engine_schema_gen(s->engine);
}

int ath_session_bulk_insert(ath_session *s, const char *table, const char *const *columns,
                            size_t ncols, const ath_value *values, size_t nrows)
{
    ath_conn *conn = NULL;
    int rc = ath_session_ensure(s, true, &conn);
    if (rc != ATH_OK)
        return rc;
    if (!ath_conn_has_bulk_insert(conn))
        return ath_fail(ATH_EUNSUPPORTED, "the %s driver has no bulk path",
                        ath_conn_driver_name(conn));
    rc = ath_conn_bulk_insert(conn, table, columns, ncols, values, nrows);
    return rc == ATH_EUNSUPPORTED ? rc : ath_session_note_error(s, rc);
}

int ath_session_exec(ath_session *s, const char *sql)
{
    ath_conn *conn = NULL;
    int rc = ath_session_ensure(s, true, &conn);
    if (rc != ATH_OK)
        return rc;
    rc = ath_session_note_error(s, ath_conn_exec(conn, sql));
    if (rc == ATH_OK && ath_sql_is_ddl(sql))
        schema_changed(s);
    return rc;
}

int ath_session_prepare_ref(ath_session *s, const char *sql, bool write, ath_stmt_ref *ref,
                            ath_stmt **out)
{
    ath_conn *conn = NULL;
    int rc = ensure_at(s, write, for_primary(s, sql, write), &conn);
    if (rc != ATH_OK)
        return rc;
    return ath_session_note_error(s, ath_conn_prepare_ref(conn, sql, ref, out));
}

int ath_session_run(ath_session *s, ath_stmt *st, const ath_value *params, size_t nparams)
{
    return ath_session_note_error(s, ath_stmt_execute(st, params, nparams));
}

int ath_session_step(ath_session *s, ath_stmt *st)
{
    int rc = ath_stmt_step(st);
    return rc < 0 ? ath_session_note_error(s, rc) : rc;
}

int64_t ath_session_affected(const ath_session *s)
{
    if (!s) {
        ath_null_arg(__func__, "session");
        return 0;
    }
    return s->affected;
}

int ath_session_execute(ath_session *s, const char *sql, const ath_value *params, size_t nparams,
                        ath_result **out)
{
    if (out)
        *out = NULL;
    if (!s)
        return ath_null_arg(__func__, "session");
    if (!sql)
        return ath_null_arg(__func__, "sql");
    if (nparams && !params)
        return ath_null_arg(__func__, "params");
    if (s->closed)
        return refuse_closed(__func__);
    if (s->result)
        return ath_fail(ATH_EINVAL, "a result is still open on this session: free it first");
    for (size_t i = 0; i < nparams; i++) {
        int rc = ath_text_check(&params[i], "parameter %zu", i + 1);
        if (rc != ATH_OK)
            return rc;
    }
    ath_stmt *st = NULL;
    int rc = ath_session_prepare(s, sql, ath_sql_is_write(sql), &st);
    if (rc != ATH_OK)
        return rc;
    if ((rc = ath_session_run(s, st, params, nparams)) != ATH_OK) {
        ath_stmt_release(st);
        return rc;
    }
    if (!out || ath_stmt_column_count(st) == 0) {
        while ((rc = ath_session_step(s, st)) > 0)
            ;
        s->affected = ath_stmt_changes(st);
        ath_stmt_release(st);
        if (rc < 0)
            return rc;
        if (ath_sql_is_ddl(sql))
            schema_changed(s);
        if (!out)
            return ATH_OK;
        st = NULL;
    }
    ath_result *r = ath_calloc(1, sizeof *r);
    if (!r) {
        ath_stmt_release(st);
        return ath_fail(ATH_ENOMEM, "allocating a result");
    }
    r->session = st ? s : NULL; /* a result without rows has nothing to give back */
    r->origin = s;
    ath_session_ref(s);
    r->stmt = st;
    r->done = st == NULL;
    r->affected = s->affected;
    if (st)
        s->result = r;
    *out = r;
    return ATH_OK;
}

/* --- results -------------------------------------------------------------------------------- */

ath_stmt *ath_result_stmt(const ath_result *r)
{
    return r->done ? NULL : r->stmt;
}

bool ath_result_detached(const ath_result *r)
{
    return r->detached;
}

static void result_finish(ath_result *r)
{
    if (r->stmt) {
        r->affected = ath_stmt_changes(r->stmt);
        if (r->session)
            r->session->affected = r->affected;
        ath_stmt_release(r->stmt);
        r->stmt = NULL;
    }
    r->done = true;
    if (r->session && r->session->result == r)
        r->session->result = NULL;
    r->session = NULL; /* finished: the result no longer touches its session */
}

int ath_result_next(ath_result *r)
{
    if (!r)
        return ath_null_arg(__func__, "result");
    if (r->done || !r->stmt)
        return 0;
    int rc = r->session ? ath_session_step(r->session, r->stmt) : ath_stmt_step(r->stmt);
    if (rc <= 0)
        result_finish(r);
    return rc;
}

int ath_result_column_count(ath_result *r)
{
    if (!r) {
        ath_null_arg(__func__, "result");
        return 0;
    }
    return r->stmt ? ath_stmt_column_count(r->stmt) : 0;
}

const char *ath_result_column_name(ath_result *r, int i)
{
    if (!r) {
        ath_null_arg(__func__, "result");
        return NULL;
    }
    if (!r->stmt || i < 0 || i >= ath_result_column_count(r))
        return NULL;
    return ath_stmt_column_name(r->stmt, i);
}

int ath_result_get(ath_result *r, int i, ath_type type, ath_value *out)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = ath_v_null();
    if (!r)
        return ath_null_arg(__func__, "result");
    if (!r->stmt || r->done)
        return ath_fail(ATH_EINVAL, "the result has no current row");
    if (i < 0 || i >= ath_result_column_count(r))
        return ath_fail(ATH_EINVAL, "column %d is out of range (%d columns)", i,
                        ath_result_column_count(r));
    return ath_stmt_column(r->stmt, i, type, out);
}

int64_t ath_result_i64(ath_result *r, int i)
{
    if (!r) {
        ath_null_arg(__func__, "result");
        return 0;
    }
    ath_value v;
    return ath_result_get(r, i, ATH_T_I64, &v) == ATH_OK && v.type == ATH_T_I64 ? v.u.i64 : 0;
}

double ath_result_double(ath_result *r, int i)
{
    if (!r) {
        ath_null_arg(__func__, "result");
        return 0.0;
    }
    ath_value v;
    return ath_result_get(r, i, ATH_T_DOUBLE, &v) == ATH_OK && v.type == ATH_T_DOUBLE ? v.u.f64
                                                                                      : 0.0;
}

const char *ath_result_text(ath_result *r, int i)
{
    if (!r) {
        ath_null_arg(__func__, "result");
        return NULL;
    }
    ath_value v;
    return ath_result_get(r, i, ATH_T_TEXT, &v) == ATH_OK && v.type == ATH_T_TEXT ? v.u.s.ptr
                                                                                  : NULL;
}

int64_t ath_result_affected(const ath_result *r)
{
    if (!r) {
        ath_null_arg(__func__, "result");
        return 0;
    }
    return r->affected;
}

void ath_result_free(ath_result *r)
{
    if (!r)
        return;
    result_finish(r);
    ath_session_unref(r->origin);
    ath_free(r);
}

/* --- per-session values ------------------------------------------------------------------------
 */

int ath_session_set(ath_session *s, const char *key, ath_value value)
{
    if (!s)
        return ath_null_arg(__func__, "session");
    if (!key)
        return ath_null_arg(__func__, "key");
    if (s->closed)
        return refuse_closed(__func__);
    if (ath_type_bytes(value.type) && value.u.s.len && !value.u.s.ptr)
        return ath_fail(ATH_EINVAL, "ath_session_set: value %s has %zu bytes at a NULL pointer",
                        key, value.u.s.len);
    if (!*key)
        return ath_fail(ATH_EINVAL, "a session value needs a key");
    size_t i = 0;
    while (i < s->nvalues && strcmp(s->values[i].key, key) != 0)
        i++;
    void *bytes = NULL;
    if (value.type != ATH_T_NULL && ath_type_bytes(value.type)) {
        if (!(bytes = ath_malloc(value.u.s.len + 1)))
            return ath_fail(ATH_ENOMEM, "storing session value %s", key);
        memcpy(bytes, value.u.s.ptr, value.u.s.len);
        ((char *)bytes)[value.u.s.len] = '\0';
        value.u.s.ptr = bytes;
    }
    if (i < s->nvalues) { /* replace or remove */
        ath_free(s->values[i].bytes);
        if (value.type == ATH_T_NULL) {
            ath_free(s->values[i].key);
            s->values[i] = s->values[--s->nvalues];
            return ATH_OK;
        }
        s->values[i].value = value;
        s->values[i].bytes = bytes;
        return ATH_OK;
    }
    if (value.type == ATH_T_NULL)
        return ATH_OK;
    struct session_value *grown = ath_realloc(s->values, (s->nvalues + 1) * sizeof *grown);
    char *k = grown ? ath_strdup(key) : NULL;
    if (!grown || !k) {
        if (grown)
            s->values = grown;
        ath_free(bytes);
        return ath_fail(ATH_ENOMEM, "storing session value %s", key);
    }
    s->values = grown;
    s->values[s->nvalues++] = (struct session_value){k, value, bytes};
    return ATH_OK;
}

bool ath_session_get(const ath_session *s, const char *key, ath_value *out)
{
    if (!out) {
        ath_null_arg(__func__, "out");
        return false;
    }
    *out = ath_v_null();
    if (!s) {
        ath_null_arg(__func__, "session");
        return false;
    }
    if (!key) {
        ath_null_arg(__func__, "key");
        return false;
    }
    for (size_t i = 0; i < s->nvalues; i++)
        if (strcmp(s->values[i].key, key) == 0) {
            *out = s->values[i].value;
            return true;
        }
    *out = ath_v_null();
    return false;
}
