/* Athanor — engines: one per database, owning the driver and the connection pool. */
#ifndef ATHANOR_ENGINE_H
#define ATHANOR_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"
#include "value.h"

ATH_BEGIN_DECLS

/*
 * NULL arguments (docs/errors.md): a NULL handle, out-parameter, model list, array with a
 * non-zero count or required string is refused with ATH_EINVAL and the message
 * "<function>: <argument> is NULL" -- never a crash. Functions that cannot return a code say
 * below what they give for NULL (and set the same error); _free/_close/_dispose accept NULL.
 */

typedef struct ath_engine ath_engine;

/** Log levels for the engine's callback. */
typedef enum ath_log_level { ATH_LOG_SQL = 0, ATH_LOG_INFO = 1, ATH_LOG_WARN = 2 } ath_log_level;

/**
 * Receives log lines: executed SQL with its parameter values (unless hide_parameters), its
 * duration and, for a failed statement, the error (level SQL, when echo is on; a line is never
 * cut, however long the statement), pool events
 * (INFO), recoverable problems (WARN). Called on the thread that did the work; must not call
 * back into the engine.
 */
typedef void (*ath_log_fn)(void *ctx, ath_log_level level, const char *message);

/** What an engine event reports (see ath_event). */
typedef enum ath_event_kind {
    ATH_EVENT_CONNECT = 0,     /**< a new connection was opened (duration: how long it took) */
    ATH_EVENT_CHECKOUT = 1,    /**< a session took a connection from the pool */
    ATH_EVENT_CHECKIN = 2,     /**< a connection went back to the pool */
    ATH_EVENT_BEFORE_EXECUTE = 3, /**< a statement is about to run (sql, params) */
    ATH_EVENT_AFTER_EXECUTE = 4,  /**< it ran (sql, params, duration, rows) */
    ATH_EVENT_ERROR = 5,       /**< a statement or a connection attempt failed (code, error) */
} ath_event_kind;

/**
 * One engine event. Every pointer is valid only during the callback. `sql` is the statement as
 * the program wrote it (with `?`), NULL for pool events; `params`/`nparams` its values (never
 * shown when the engine hides parameters: then params is NULL and nparams the count).
 */
typedef struct ath_event {
    ath_event_kind kind;
    uint64_t connection;     /**< the connection's serial (unique in the process); 0 if none yet */
    const char *sql;         /**< BEFORE/AFTER_EXECUTE, ERROR of a statement; else NULL */
    const ath_value *params; /**< the statement's parameters, or NULL */
    size_t nparams;
    double duration;         /**< seconds: AFTER_EXECUTE, CONNECT, ERROR; else 0 */
    int64_t rows;            /**< AFTER_EXECUTE of a write: rows changed; -1 when not known (reads
                                  are counted as they are stepped, not here) */
    int code;                /**< ERROR: the negative ath_code; else ATH_OK */
    const ath_error *error;  /**< ERROR: the detail (as ath_error_last()); else NULL */
} ath_event;

/**
 * Receives engine events: enough for metrics, tracing or a slow-query log. Called on the thread
 * that did the work, possibly from several threads at once; must not call back into the engine
 * or the session that caused the event.
 */
typedef void (*ath_event_fn)(void *ctx, const ath_event *event);

/** How a session picks the read replica for a transaction (ath_engine_add_replica, routing.h). */
typedef enum ath_replica_policy {
    ATH_REPLICA_ROUND_ROBIN = 0, /**< the next replica in turn (one counter per engine): default */
    ATH_REPLICA_RANDOM = 1       /**< a replica chosen at random, uniformly, per transaction */
} ath_replica_policy;

/** Engine options. Start from ath_engine_options_init(); values in the URL query override. */
typedef struct ath_engine_options {
    size_t struct_size;  /**< set by ath_engine_options_init() */
    int pool_size;       /**< connections kept open (default 5) */
    int max_overflow;    /**< extra connections opened under load, closed on return (default 10) */
    double pool_timeout; /**< seconds a checkout waits for a free connection (default 30) */
    bool pool_pre_ping;  /**< ping a connection before handing it out (default false) */
    double
        pool_recycle; /**< replace connections older than this many seconds; <0 never (default) */
    bool echo;        /**< log every statement with its parameters, time, and error if it failed */
    ath_log_fn log;   /**< log sink; NULL with echo on writes to stderr */
    void *log_ctx;    /**< passed to `log` */
    bool hide_parameters; /**< echo shows how many parameters, not their values (default false) */
    ath_event_fn on_event; /**< engine events (connect, checkout/checkin, execute, error), or NULL */
    void *event_ctx;       /**< passed to `on_event` */
    /** Read replicas (routing.h): which replica a read transaction starts on (URL option
     *  `replica_policy=round_robin|random`; default ATH_REPLICA_ROUND_ROBIN). */
    ath_replica_policy replica_policy;
    /** Read replicas: the most a replica may lag behind the primary, in seconds, checked when a
     *  session takes a replica connection; a replica lagging more is skipped for another
     *  replica or the primary. PostgreSQL only (ATH_EINVAL elsewhere). <= 0: no limit (the
     *  default). URL option `replica_max_lag`. */
    double replica_max_lag;
    /** PostgreSQL: a collection filter (ath_collection, ath_not_in_collection) of at least
     *  this many values on an integer, text or UUID column is sent as `col = ANY(?)` with one
     *  array parameter instead of `col IN (?, ?, …)`; 0 (default): the measured threshold, 100
     *  (docs/repositories.md, "Filters"); -1: never. Other backends always write the IN list.
     *  URL: in_array_min=N */
    int in_array_min;
    /** Talk to the server without blocking (URL option `io=nonblocking`; default `io=blocking`):
     *  the driver keeps its client in non-blocking mode and waits for the socket through the
     *  core, so async operations (async.h) never block the event loop's thread; blocking calls
     *  then wait with poll(). Drivers without a non-blocking path (SQLite) ignore it: their
     *  async operations run on worker threads. ath_engine_nonblocking() says which applies. */
    bool nonblocking;
    /** Async reads share pipelined connections (URL option `pipeline=on|off`; default on):
     *  on a PostgreSQL engine with io=nonblocking, an async get, get_one, get_one_or_none, list,
     *  count or exists on a session with no transaction open sends its one statement on a
     *  pooled connection that other sessions' reads are using at the same time, in libpq
     *  pipeline mode, as its own implicit transaction (no BEGIN). Off: every async operation
     *  holds a connection of its own, as the blocking API does. docs/async.md. */
    bool pipeline;
} ath_engine_options;

/** Fills `opts` with the defaults; NULL is a no-op. */
ATH_API void ath_engine_options_init(ath_engine_options *opts);

/**
 * Creates an engine for `url` ("sqlite:///app.db", "postgresql://u:p@h/db?pool_size=8").
 * The pool options (pool_size, max_overflow, pool_timeout, pool_pre_ping, pool_recycle, echo,
 * hide_parameters, in_array_min, io)
 * are taken from the query; everything else in it goes to the driver. The driver is loaded now;
 * no connection is opened until the first session needs one.
 *
 * On success `*out` owns the engine; release it with ath_engine_dispose() (sessions still open
 * keep its memory alive, see there and docs/errors.md). Returns ATH_OK, ATH_EURL (malformed URL, unknown or bad pool option),
 * ATH_ENODRIVER/ATH_EDRIVERLOAD/ATH_EDRIVERSYM/ATH_EDRIVERABI, ATH_ENOMEM.
 */
ATH_API int ath_engine_create(ath_engine **out, const char *url);

/** As ath_engine_create(), starting from `opts` (NULL for the defaults) before the URL's query. */
ATH_API int ath_engine_create_opts(ath_engine **out, const char *url,
                                   const ath_engine_options *opts);

/**
 * Disposes of the engine: the pool closes its idle connections now and each connection a
 * session still holds when that session gives it back; no new connection is handed out.
 * The engine's memory lives until its last session is closed (reference counting), so a
 * session open at dispose time stays safe to call: it finishes the transaction it holds a
 * connection for (statements, commit, rollback), then any call that needs a new connection is
 * ATH_EINVAL ("the engine was disposed"), as are ath_session_open and ath_create_all on the
 * disposed engine. Call it once per engine; NULL and a second call are no-ops.
 */
ATH_API void ath_engine_dispose(ath_engine *engine);

/** The dialect name of the engine's driver ("sqlite", "postgresql", "mysql"); NULL for a NULL
 *  engine. */
ATH_API const char *ath_engine_dialect(const ath_engine *engine);

/** True when the engine's connections talk to the server without blocking (io=nonblocking and
 *  a driver with a non-blocking path: PostgreSQL, MariaDB); false otherwise and for NULL. */
ATH_API bool ath_engine_nonblocking(const ath_engine *engine);

/** The URL with the password hidden, snprintf-style (see ath_url_render). */
ATH_API int ath_engine_render_url(const ath_engine *engine, char *buf, size_t size);

/** A snapshot of the pool, for monitoring and tests. */
typedef struct ath_pool_status {
    int size;          /**< configured pool_size (1 for a single-connection database) */
    int open;          /**< connections currently open (idle + checked out) */
    int idle;          /**< open and waiting in the pool */
    int checked_out;   /**< held by sessions */
    int waiting;       /**< threads waiting for a connection */
    long opened_total; /**< connections opened since the engine was created */
    long closed_total; /**< connections closed (overflow returned, broken, recycled) */
} ath_pool_status;

/** Fills `out` with the pool's current numbers (all zero for a NULL engine); a NULL `out` is a
 *  no-op. */
ATH_API void ath_engine_pool_status(ath_engine *engine, ath_pool_status *out);

/** One driver the loader can see, for tools (`athanor drivers`). */
typedef struct ath_driver_found {
    const char *name;   /**< module name ("postgresql") */
    const char *path;   /**< file, or "(registered)" for linked-in drivers */
    int status;         /**< ATH_OK when it loads and fits the ABI, else the error code */
    const char *detail; /**< the error message when status is not ATH_OK, else "" */
} ath_driver_found;

/**
 * Lists the drivers registered or present in the search path (ATHANOR_DRIVER_PATH, the core's
 * own driver directory, the install directory), loading each to check it. On success `*out`
 * holds `*count` entries; release them with ath_drivers_list_free().
 */
ATH_API int ath_drivers_list(ath_driver_found **out, size_t *count);
/** Releases what ath_drivers_list() returned; NULL is a no-op. */
ATH_API void ath_drivers_list_free(ath_driver_found *list, size_t count);

ATH_END_DECLS

#endif
