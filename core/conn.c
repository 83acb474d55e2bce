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
#include "sqltext.h"

static atomic_uint_fast64_t conn_serials;

/* Statements kept prepared per connection; the least recently used one goes when it is full. */
#define CACHE_MAX 128

double ath_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

/* Records a failure of `conn`: a lost connection is never used again. */
static int conn_failed(ath_conn *conn, int rc, const char *sql)
{
    if (rc == ATH_ECONNLOST)
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
    bool echo = ath_engine_echo(conn->engine);
    double start = echo ? ath_monotonic() : 0;
    int rc = conn->driver->exec(conn->d, sql);
    if (echo)
        ath_engine_log(conn->engine, ATH_LOG_SQL, "%s  -- %.3f ms%s", sql,
                       (ath_monotonic() - start) * 1000.0, rc < 0 ? " (failed)" : "");
    return rc < 0 ? conn_failed(conn, rc, sql) : ATH_OK;
}

int ath_conn_bulk_insert(ath_conn *conn, const char *table, const char *const *columns,
                         size_t ncols, const ath_value *values, size_t nrows)
{
    bool echo = ath_engine_echo(conn->engine);
    double start = echo ? ath_monotonic() : 0;
    int rc = conn->driver->bulk_insert(conn->d, table, columns, ncols, values, nrows);
    if (echo)
        ath_engine_log(conn->engine, ATH_LOG_SQL, "bulk insert into %s: %zu rows -- %.3f ms%s",
                       table, nrows, (ath_monotonic() - start) * 1000.0, rc < 0 ? " (failed)" : "");
    return rc < 0 ? conn_failed(conn, rc, NULL) : ATH_OK;
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
    bool echo = ath_engine_echo(conn->engine);
    double start = echo ? ath_monotonic() : 0;
    int rc = conn->driver->execute(st->d, params, nparams);
    if (echo)
        ath_engine_log(conn->engine, ATH_LOG_SQL, "%s  [%zu params] -- %.3f ms%s", st->sql, nparams,
                       (ath_monotonic() - start) * 1000.0, rc < 0 ? " (failed)" : "");
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
