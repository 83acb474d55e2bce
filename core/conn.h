/* Private: a pooled connection — the driver's handle, its capabilities and its statement cache. */
#ifndef ATH_CORE_CONN_H
#define ATH_CORE_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include <athanor/driver.h>
#include <athanor/engine.h>

typedef struct ath_conn ath_conn;

/** A prepared statement, owned by its connection's cache (or alone when the cached one is busy). */
typedef struct ath_stmt {
    ath_conn *conn;
    ath_dstmt *d;
    char *sql;        /* as written, with `?` placeholders: the cache key */
    char *native_sql; /* in the dialect's placeholder style */
    size_t nparams;
    uint64_t hash;
    uint64_t last_used;
    bool busy;
    bool cached;
} ath_stmt;

/** A remembered cache entry: valid while the connection and its cache epoch are the same. */
typedef struct ath_stmt_ref {
    uint64_t conn_serial;
    uint64_t epoch;
    ath_stmt *stmt;
} ath_stmt_ref;

struct ath_conn {
    ath_engine *engine;
    const ath_driver *driver;
    ath_dconn *d;
    ath_conn_info info;
    int max_params; /* effective: the connection's, else the dialect's */
    double created; /* monotonic seconds */
    bool broken;    /* lost or unusable: the pool closes it instead of keeping it */
    bool lost;      /* the server went away: older pooled connections are suspect too */
    ath_stmt **cache;
    size_t cache_len;
    uint64_t tick;
    unsigned schema_gen; /* the engine's schema generation the cache was built under */
    uint64_t serial;     /* unique per connection opened in this process */
    uint64_t epoch;      /* bumped whenever a cached statement is freed: refs go stale */
};

/** Opens a connection through the engine's driver. */
int ath_conn_open(ath_conn **out, ath_engine *engine);
/** Finalizes every cached statement and closes the connection; NULL is a no-op. */
void ath_conn_close(ath_conn *conn);
/** Runs a statement without parameters or rows; logs it; marks the connection broken if lost. */
int ath_conn_exec(ath_conn *conn, const char *sql);
/** The driver's bulk_insert (the caller checked it has one), logged like ath_conn_exec. */
int ath_conn_bulk_insert(ath_conn *conn, const char *table, const char *const *columns,
                         size_t ncols, const ath_value *values, size_t nrows);
/** Finalizes every idle cached statement (after DDL: plans may refer to the old schema). */
void ath_conn_flush_cache(ath_conn *conn);

/** Cheap liveness check. */
int ath_conn_ping(ath_conn *conn);

/**
 * Gets a prepared statement for `sql` (written with `?`), from the cache when it is there and
 * not in use. Release it with ath_stmt_release() when its rows are read.
 */
int ath_conn_prepare(ath_conn *conn, const char *sql, ath_stmt **out);
/**
 * As ath_conn_prepare, remembering the statement in `ref` so the next call for the same SQL on
 * the same connection skips the lookup by text (the hot paths of repositories).
 */
int ath_conn_prepare_ref(ath_conn *conn, const char *sql, ath_stmt_ref *ref, ath_stmt **out);

/** Resets a statement and gives it back to the cache (or finalizes an uncached one). */
void ath_stmt_release(ath_stmt *stmt);
/** Binds and runs; on failure attaches the SQL to the error and marks a lost connection. */
int ath_stmt_execute(ath_stmt *stmt, const ath_value *params, size_t nparams);
/** Next row: 1, 0 at the end, or a negative code (a lost connection is marked). */
int ath_stmt_step(ath_stmt *stmt);

/** Monotonic clock in seconds. */
double ath_monotonic(void);

#endif
