/* A connection: opening, plain execution, and the per-connection prepared-statement cache. */
#include "conn.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "buf.h"
#include "engine.h"
#include "error.h"
#include "loader.h"
#include "sql_scan.h"

static atomic_uint_fast64_t conn_serials;

/* Statements kept prepared per connection; the least recently used one goes when it is full. */
#define CACHE_MAX 128

double ath_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Appends " -- 1.234 ms" and, when the call failed, the error the driver recorded. */
static void echo_outcome(ath_buf *b, double start, int rc)
{
    ath_buf_addf(b, " -- %.3f ms", (ath_monotonic() - start) * 1000.0);
    if (rc < 0) {
        const ath_error *e = ath_error_last();
        ath_buf_addf(b, " (failed: %s%s%s%s%s)", ath_code_name(rc), e->sqlstate[0] ? " " : "",
                     e->sqlstate, e->message[0] ? ": " : "", e->message);
    }
}

/* How echo shows one parameter: numbers as such, text quoted (long text shortened), bytes by
 * their length. */
static void echo_value(ath_buf *b, const ath_value *v)
{
    char tmp[64];
    switch (v->type) {
    case ATH_T_NULL: ath_buf_adds(b, "NULL"); break;
    case ATH_T_I32: ath_buf_addf(b, "%d", (int)v->u.i32); break;
    case ATH_T_I64: ath_buf_addf(b, "%lld", (long long)v->u.i64); break;
    case ATH_T_DOUBLE: ath_buf_addf(b, "%.17g", v->u.f64); break;
    case ATH_T_BOOL: ath_buf_adds(b, v->u.b ? "true" : "false"); break;
    case ATH_T_BLOB: ath_buf_addf(b, "<%zu bytes>", v->u.s.len); break;
    case ATH_T_TIMESTAMP:
        ath_timestamp_format(v->u.ts, true, tmp, sizeof tmp);
        ath_buf_addf(b, "'%s'", tmp);
        break;
    case ATH_T_DATE:
        ath_date_format(v->u.date, tmp, sizeof tmp);
        ath_buf_addf(b, "'%s'", tmp);
        break;
    case ATH_T_UUID:
        ath_uuid_format(&v->u.uuid, tmp, sizeof tmp);
        ath_buf_addf(b, "'%s'", tmp);
        break;
    default: { /* text, numeric, JSON */
        size_t len = v->u.s.len, shown = len > 200 ? 200 : len;
        ath_buf_addc(b, '\'');
        if (v->u.s.ptr)
            ath_buf_add(b, v->u.s.ptr, shown);
        ath_buf_addc(b, '\'');
        if (shown < len)
            ath_buf_addf(b, "…(%zu bytes)", len);
    }
    }
}

/* Logs one executed statement: its text, its parameters (or their number), time and error. */
static void echo_statement(ath_conn *conn, const char *sql, const ath_value *params,
                           size_t nparams, double start, int rc)
{
    ath_buf b;
    ath_buf_init(&b);
    ath_buf_adds(&b, sql);
    if (nparams && ath_engine_hide_parameters(conn->engine)) {
        ath_buf_addf(&b, "  [%zu parameter%s hidden]", nparams, nparams == 1 ? "" : "s");
    } else if (nparams) {
        ath_buf_adds(&b, "  [parameters: ");
        for (size_t i = 0; i < nparams; i++) {
            if (i)
                ath_buf_adds(&b, ", ");
            echo_value(&b, &params[i]);
        }
        ath_buf_addc(&b, ']');
    }
    echo_outcome(&b, start, rc);
    if (b.oom || !b.data) /* out of memory: the statement and its time, without parameters */
        ath_engine_log(conn->engine, ATH_LOG_SQL, "%s  [%zu params] -- %.3f ms%s", sql, nparams,
                       (ath_monotonic() - start) * 1000.0, rc < 0 ? " (failed)" : "");
    else
        ath_engine_log(conn->engine, ATH_LOG_SQL, "%s", b.data);
    ath_buf_free(&b);
}

/* Hands one statement event to the engine's listener (BEFORE, AFTER or ERROR by rc). */
static void event_statement(ath_conn *conn, ath_event_kind kind, const char *sql,
                            const ath_value *params, size_t nparams, double start, int64_t rows,
                            int rc)
{
    ath_event ev = {.kind = rc < 0 ? ATH_EVENT_ERROR : kind,
                    .connection = conn->serial,
                    .sql = sql,
                    .params = params,
                    .nparams = nparams,
                    .duration = kind == ATH_EVENT_BEFORE_EXECUTE ? 0 : ath_monotonic() - start,
                    .rows = rows,
                    .code = rc < 0 ? rc : ATH_OK,
                    .error = rc < 0 ? ath_error_last() : NULL};
    ath_engine_event(conn->engine, &ev);
}

static uint64_t hash_text(const char *s)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

/* Records a failure of `conn`: a lost connection is never used again, nor one whose operation
 * was cancelled half-way (its protocol state is unknown). */
static int conn_failed(ath_conn *conn, int rc, const char *sql)
{
    if (rc == ATH_ECANCELED && conn->sharers > 0)
        conn->broken = true; /* pipelined: the others' statements go on; closed after them */
    else if (rc == ATH_ECONNLOST || rc == ATH_ECANCELED)
        conn->broken = conn->lost = true;
    if (sql && !ath_error_last()->sql)
        ath_error_set_sql(sql);
    return rc;
}

int ath_conn_open(ath_conn **out, ath_engine *engine)
{
    *out = NULL;
    ath_conn *conn = ath_calloc(1, sizeof *conn);
    if (!conn)
        return ath_fail(ATH_ENOMEM, "allocating a connection");
    conn->engine = engine;
    conn->driver = ath_engine_driver(engine);
    double start = ath_monotonic();
    int rc =
        conn->driver->connect(&conn->d, ath_engine_connect_params(engine), &ath_host, &conn->info);
    if (rc != ATH_OK) {
        ath_event ev = {.kind = ATH_EVENT_ERROR, .duration = ath_monotonic() - start, .rows = -1,
                        .code = rc, .error = ath_error_last()};
        ath_engine_event(engine, &ev);
        ath_free(conn);
        return rc;
    }
    conn->created = ath_monotonic();
    conn->schema_gen = ath_engine_schema_gen(engine);
    conn->serial = atomic_fetch_add(&conn_serials, 1) + 1;
    conn->max_params =
        conn->info.max_params > 0 ? conn->info.max_params : conn->driver->dialect->max_params;
    ath_engine_log(engine, ATH_LOG_INFO, "connected to %s server %s in %.3f ms", conn->driver->name,
                   conn->info.server_version, (conn->created - start) * 1000.0);
    ath_event ev = {.kind = ATH_EVENT_CONNECT, .connection = conn->serial,
                    .duration = conn->created - start, .rows = -1};
    ath_engine_event(engine, &ev);
    *out = conn;
    return ATH_OK;
}

static void stmt_free(ath_stmt *st)
{
    if (!st)
        return;
    st->conn->driver->finalize(st->d);
    ath_free(st->sql);
    ath_free(st->native_sql);
    ath_free(st);
}

void ath_conn_flush_cache(ath_conn *conn)
{
    size_t kept = 0;
    for (size_t i = 0; i < conn->cache_len; i++) {
        if (conn->cache[i]->busy)
            conn->cache[kept++] = conn->cache[i];
        else
            stmt_free(conn->cache[i]);
    }
    conn->cache_len = kept;
    conn->epoch++;
}

void ath_conn_close(ath_conn *conn)
{
    if (!conn)
        return;
    for (size_t i = 0; i < conn->cache_len; i++)
        stmt_free(conn->cache[i]);
    ath_free(conn->cache);
    conn->driver->close(conn->d);
    ath_free(conn);
}

int ath_conn_exec(ath_conn *conn, const char *sql)
{
    bool echo = ath_engine_echo(conn->engine), events = ath_engine_has_events(conn->engine);
    double start = echo || events ? ath_monotonic() : 0;
    if (events)
        event_statement(conn, ATH_EVENT_BEFORE_EXECUTE, sql, NULL, 0, start, -1, ATH_OK);
    int rc = conn->driver->exec(conn->d, sql);
    if (echo)
        echo_statement(conn, sql, NULL, 0, start, rc);
    if (events)
        event_statement(conn, ATH_EVENT_AFTER_EXECUTE, sql, NULL, 0, start, -1, rc);
    return rc < 0 ? conn_failed(conn, rc, sql) : ATH_OK;
}

int ath_conn_bulk_insert(ath_conn *conn, const char *table, const char *const *columns,
                         size_t ncols, const ath_value *values, size_t nrows)
{
    bool echo = ath_engine_echo(conn->engine), events = ath_engine_has_events(conn->engine);
    double start = echo || events ? ath_monotonic() : 0;
    ath_buf what; /* what the events and the echo call the statement: the table, columns, rows */
    ath_buf_init(&what);
    if (echo || events) {
        ath_buf_addf(&what, "bulk insert into %s (", table);
        for (size_t i = 0; i < ncols; i++)
            ath_buf_addf(&what, "%s%s", i ? ", " : "", columns[i]);
        ath_buf_addf(&what, "): %zu rows", nrows);
    }
    const char *sql = what.data ? what.data : "bulk insert";
    if (events)
        event_statement(conn, ATH_EVENT_BEFORE_EXECUTE, sql, NULL, 0, start, -1, ATH_OK);
    int rc = conn->driver->bulk_insert(conn->d, table, columns, ncols, values, nrows);
    /* declined (ATH_EUNSUPPORTED: nothing was sent): an AFTER of 0 rows, then the INSERTs */
    if (events)
        event_statement(conn, ATH_EVENT_AFTER_EXECUTE, sql, NULL, 0, start,
                        rc == ATH_EUNSUPPORTED ? 0 : rc < 0 ? -1 : (int64_t)nrows,
                        rc == ATH_EUNSUPPORTED ? ATH_OK : rc);
    if (echo) {
        ath_buf b;
        ath_buf_init(&b);
        ath_buf_adds(&b, sql);
        echo_outcome(&b, start, rc);
        ath_engine_log(conn->engine, ATH_LOG_SQL, "%s", b.data ? b.data : "bulk insert");
        ath_buf_free(&b);
    }
    ath_buf_free(&what);
    return rc < 0 ? conn_failed(conn, rc, NULL) : ATH_OK;
}

int ath_conn_pipeline(ath_conn *conn, bool on)
{
    int rc = conn->driver->pipeline(conn->d, on);
    if (rc < 0)
        conn->broken = true;
    return rc;
}

int ath_conn_ping(ath_conn *conn)
{
    int rc = conn->driver->ping(conn->d);
    if (rc < 0)
        conn->broken = conn->lost = true;
    return rc;
}

static int stmt_create(ath_conn *conn, const char *sql, uint64_t hash, ath_stmt **out)
{
    ath_buf native;
    ath_buf_init(&native);
    size_t nparams = 0;
    ath_stmt *st = NULL;
    int rc = ath_sql_placeholders(sql, conn->driver->dialect->placeholder, &native, &nparams);
    if (rc != ATH_OK)
        goto done;
    if (!(st = ath_calloc(1, sizeof *st)) || !(st->sql = ath_strdup(sql))) {
        rc = ath_fail(ATH_ENOMEM, "preparing a statement");
        goto done;
    }
    st->conn = conn;
    st->hash = hash;
    st->nparams = nparams;
    st->native_sql = ath_buf_take(&native);
    if (!st->native_sql) {
        rc = ath_fail(ATH_ENOMEM, "preparing a statement");
        goto done;
    }
    bool echo = ath_engine_echo(conn->engine), events = ath_engine_has_events(conn->engine);
    double start = echo || events ? ath_monotonic() : 0;
    rc = conn->driver->prepare(conn->d, st->native_sql, nparams, &st->d);
    if (rc == ATH_ESQL && ath_sql_second_statement(sql) &&
        !strstr(ath_error_last()->message, "more than one statement")) {
        /* every backend refuses it; say why in the same words (the server's text follows) */
        char said[512];
        snprintf(said, sizeof said, "%s", ath_error_last()->message);
        ath_error_set_message("more than one statement in one call: run them one at a time "
                              "(%s)",
                              said);
    }
    if (rc < 0) {
        if (echo) /* refused before it could run: logged here, with the reason */
            echo_statement(conn, sql, NULL, 0, start, rc);
        if (events)
            event_statement(conn, ATH_EVENT_ERROR, sql, NULL, 0, start, -1, rc);
        rc = conn_failed(conn, rc, sql);
        goto done;
    }
    *out = st;
    st = NULL;
    rc = ATH_OK;
done:
    if (st) {
        ath_free(st->sql);
        ath_free(st->native_sql);
        ath_free(st);
    }
    ath_buf_free(&native);
    return rc;
}

/* Puts `st` in the cache, evicting the least recently used idle statement when full. */
static void cache_insert(ath_conn *conn, ath_stmt *st)
{
    if (!conn->cache && !(conn->cache = ath_calloc(CACHE_MAX, sizeof *conn->cache)))
        return; /* no cache: the statement stays uncached */
    if (conn->cache_len == CACHE_MAX) {
        size_t victim = CACHE_MAX;
        for (size_t i = 0; i < conn->cache_len; i++)
            if (!conn->cache[i]->busy &&
                (victim == CACHE_MAX || conn->cache[i]->last_used < conn->cache[victim]->last_used))
                victim = i;
        if (victim == CACHE_MAX)
            return;
        stmt_free(conn->cache[victim]);
        conn->cache[victim] = conn->cache[--conn->cache_len];
        conn->epoch++;
    }
    st->cached = true;
    conn->cache[conn->cache_len++] = st;
}

int ath_conn_prepare(ath_conn *conn, const char *sql, ath_stmt **out)
{
    *out = NULL;
    uint64_t hash = hash_text(sql);
    bool duplicate_busy = false; /* cached, but in use: a second, uncached copy serves now */
    for (size_t i = 0; i < conn->cache_len; i++) {
        ath_stmt *st = conn->cache[i];
        if (st->hash != hash || strcmp(st->sql, sql) != 0)
            continue;
        if (st->busy) {
            duplicate_busy = true;
            continue;
        }
        st->busy = true;
        st->last_used = ++conn->tick;
        *out = st;
        return ATH_OK;
    }
    ath_stmt *st = NULL;
    int rc = stmt_create(conn, sql, hash, &st);
    if (rc != ATH_OK)
        return rc;
    st->busy = true;
    st->last_used = ++conn->tick;
    if (!duplicate_busy)
        cache_insert(conn, st);
    *out = st;
    return ATH_OK;
}

int ath_conn_prepare_ref(ath_conn *conn, const char *sql, ath_stmt_ref *ref, ath_stmt **out)
{
    ath_stmt *st = ref->stmt;
    if (st && ref->conn_serial == conn->serial && ref->epoch == conn->epoch && !st->busy) {
        st->busy = true;
        st->last_used = ++conn->tick;
        *out = st;
        return ATH_OK;
    }
    int rc = ath_conn_prepare(conn, sql, out);
    if (rc == ATH_OK && (*out)->cached) {
        ref->conn_serial = conn->serial;
        ref->epoch = conn->epoch;
        ref->stmt = *out;
    }
    return rc;
}

void ath_stmt_release(ath_stmt *st)
{
    if (!st)
        return;
    if (!st->cached) {
        stmt_free(st);
        return;
    }
    st->conn->driver->reset(st->d);
    st->busy = false;
}

int ath_stmt_execute(ath_stmt *st, const ath_value *params, size_t nparams)
{
    ath_conn *conn = st->conn;
    if (nparams != st->nparams)
        return ath_fail(ATH_EINVAL, "the statement has %zu placeholders but %zu values were given",
                        st->nparams, nparams);
    for (size_t i = 0; i < nparams; i++)
        if ((unsigned)params[i].type >= ATH_T__COUNT)
            return ath_fail(ATH_EINVAL, "parameter %zu has no known type (%d)", i + 1,
                            (int)params[i].type);
    bool echo = ath_engine_echo(conn->engine), events = ath_engine_has_events(conn->engine);
    double start = echo || events ? ath_monotonic() : 0;
    if (events)
        event_statement(conn, ATH_EVENT_BEFORE_EXECUTE, st->sql, params, nparams, start, -1,
                        ATH_OK);
    int rc = conn->driver->execute(st->d, params, nparams);
    if (echo)
        echo_statement(conn, st->sql, params, nparams, start, rc);
    if (events)
        event_statement(conn, ATH_EVENT_AFTER_EXECUTE, st->sql, params, nparams, start,
                        rc >= 0 && ath_sql_is_write(st->sql) ? conn->driver->changes(st->d) : -1,
                        rc);
    return rc < 0 ? conn_failed(conn, rc, st->sql) : ATH_OK;
}

int ath_stmt_step(ath_stmt *st)
{
    int rc = st->conn->driver->step(st->d);
    return rc < 0 ? conn_failed(st->conn, rc, st->sql) : rc;
}

int ath_stmt_column_count(ath_stmt *st)
{
    return st->conn->driver->column_count(st->d);
}

const char *ath_stmt_column_name(ath_stmt *st, int i)
{
    return st->conn->driver->column_name(st->d, i);
}

int ath_stmt_column(ath_stmt *st, int i, ath_type want, ath_value *out)
{
    const ath_driver *drv = st->conn->driver;
    if (want != ATH_T_I32) {
        int rc = drv->column(st->d, i, want, out);
        return rc < 0 ? conn_failed(st->conn, rc, NULL) : rc;
    }
    /* read 32-bit integers wide, so a value that does not fit is refused instead of cut */
    int rc = drv->column(st->d, i, ATH_T_I64, out);
    if (rc < 0)
        return conn_failed(st->conn, rc, NULL);
    if (out->type == ATH_T_NULL)
        return rc;
    if (out->u.i64 < INT32_MIN || out->u.i64 > INT32_MAX)
        return ath_fail(ATH_EINVAL, "column %s holds %lld, which does not fit a 32-bit integer",
                        drv->column_name(st->d, i), (long long)out->u.i64);
    int32_t v = (int32_t)out->u.i64;
    out->type = ATH_T_I32;
    out->u.i32 = v;
    return ATH_OK;
}

int64_t ath_stmt_changes(ath_stmt *st)
{
    return st->conn->driver->changes(st->d);
}

int ath_conn_last_insert_id(ath_conn *conn, int64_t *out)
{
    int rc = conn->driver->last_insert_id(conn->d, out);
    return rc < 0 ? conn_failed(conn, rc, NULL) : rc;
}

bool ath_conn_has_bulk_insert(const ath_conn *conn)
{
    return ATH_DRIVER_HAS(conn->driver, bulk_insert);
}

const char *ath_conn_driver_name(const ath_conn *conn)
{
    return conn->driver->name;
}

const ath_dialect *ath_conn_dialect(const ath_conn *conn)
{
    return conn->driver->dialect;
}

int ath_driver_check_params(const ath_driver *driver, const ath_connect_params *params)
{
    return ATH_DRIVER_HAS(driver, check) ? driver->check(params, &ath_host) : ATH_OK;
}

const char *ath_driver_name(const ath_driver *driver)
{
    return driver->name;
}

const ath_dialect *ath_driver_dialect(const ath_driver *driver)
{
    return driver->dialect;
}
