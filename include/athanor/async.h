/* Athanor — non-blocking repositories and sessions on an event loop (docs/async.md). */
#ifndef ATHANOR_ASYNC_H
#define ATHANOR_ASYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "error.h"
#include "export.h"
#include "filter.h"
#include "repository.h"
#include "schema.h"
#include "session.h"
#include "value.h"

ATH_BEGIN_DECLS

/*
 * The model (docs/async.md has it with examples):
 * - An ath_async belongs to one thread, the event loop's: every function of this header is
 *   called on that thread, and every completion callback runs there, from ath_async_process(),
 *   ath_async_timeout() or ath_async_run() -- never from inside the call that started the
 *   operation.
 * - An async session wraps an ordinary ath_session; repositories are opened on it with
 *   ath_repo_open(&repo, ath_async_session_session(s), model). Each ath_async_<op>() starts the
 *   blocking function of the same name, with the same arguments, models, filters, mixins and
 *   result codes; the result code arrives in the callback, and ath_error_last() inside the
 *   callback is that operation's error detail.
 * - Operations of one session run one after another in the order they were started; operations
 *   of different sessions run concurrently, over the engine's pool (pool_size, pool_timeout,
 *   pre-ping and recycle apply as in the blocking API).
 * - PostgreSQL and MariaDB engines created with `io=nonblocking` run operations on the loop's
 *   thread, suspending each on a small private stack while it waits for its socket. Other
 *   engines (SQLite, or without io=nonblocking) run each operation on a worker thread; the loop
 *   watches one descriptor that signals their completion.
 * - Pointers passed to an ath_async_<op>() (objects, filters, key arrays, field lists, out
 *   pointers) must stay valid until its callback has run: they are used while it runs. Values
 *   passed by value are copied.
 */

typedef struct ath_async ath_async;
typedef struct ath_async_session ath_async_session;
typedef struct ath_async_op ath_async_op;
/** Names a started operation for ath_async_cancel(); never 0, never reused by one runtime. */
typedef uint64_t ath_async_id;

/** Completion of an operation: `rc` is what the blocking function returned (ATH_ECANCELED when
 *  it was cancelled). `op` is valid during the callback only (ath_async_op_name, ath_async_op_id…). */
typedef void (*ath_async_done_fn)(ath_async_op *op, int rc, void *user);

/** The loop wants `fd` watched for ATH_ASYNC_READ / ATH_ASYNC_WRITE; `events` 0: stop watching
 *  it. Called from inside Athanor calls; it must not call back into Athanor. */
typedef void (*ath_async_watch_fn)(void *loop, int fd, unsigned events);
/** The loop wants ath_async_timeout() called after `timeout_ms` (0: as soon as it can; -1: no
 *  timer needed). Each call replaces the previous timer. */
typedef void (*ath_async_timer_fn)(void *loop, int64_t timeout_ms);

#define ATH_ASYNC_READ 0x1u  /**< watch for readability */
#define ATH_ASYNC_WRITE 0x2u /**< watch for writability */

/** Options of ath_async_create(); start from ATH_ASYNC_OPTIONS_INIT. */
typedef struct ath_async_options {
    uint32_t struct_size;     /**< sizeof(ath_async_options) of the caller's build */
    ath_async_watch_fn watch; /**< push form of loop integration, or NULL (pull: ath_async_fds) */
    ath_async_timer_fn timer; /**< with watch; may be NULL when the loop polls ath_async_next_timeout */
    void *loop;               /**< passed to watch and timer */
    int worker_threads;       /**< worker threads for blocking drivers (default 4, 1..64) */
    /* Members above are valid for struct_size >= the size at Athanor 0.4. */
} ath_async_options;

#define ATH_ASYNC_OPTIONS_INIT {sizeof(ath_async_options), NULL, NULL, NULL, 4}

/** A descriptor to watch, from ath_async_fds(). */
typedef struct ath_async_fd {
    int fd;
    unsigned events; /**< ATH_ASYNC_READ | ATH_ASYNC_WRITE */
} ath_async_fd;

/**
 * Creates the async runtime of the calling thread's loop (options NULL: the defaults). On
 * success `*out` owns it; free it with ath_async_free(). ATH_EINVAL (NULL out, bad options),
 * ATH_ENOMEM.
 */
ATH_API int ath_async_create(ath_async **out, const ath_async_options *options);

/**
 * Cancels every operation not yet finished, runs every callback still owed (with ATH_ECANCELED
 * for the cancelled ones), closes the async sessions, waits for the worker threads and frees the
 * runtime; NULL is a no-op. Engines are not disposed (they are the caller's). Operations running
 * on a worker thread finish first (a blocking driver cannot be interrupted).
 */
ATH_API void ath_async_free(ath_async *async);

/**
 * The loop saw `revents` (ATH_ASYNC_READ/WRITE; error or hang-up as both) on `fd`: resumes what
 * waited for it and runs the callbacks of the operations that finished. Returns the number of
 * callbacks run, or ATH_EINVAL (NULL). An fd Athanor does not watch is ignored.
 */
ATH_API int ath_async_process(ath_async *async, int fd, unsigned revents);

/** The timer asked for by the timer callback (or ath_async_next_timeout) expired: handles
 *  expired waits (statement and pool time-outs) and runs due callbacks. Returns the number of
 *  callbacks run, or ATH_EINVAL. Calling it early is harmless. */
ATH_API int ath_async_timeout(ath_async *async);

/** Pull form: the milliseconds until ath_async_timeout() is due (0: now), -1 when no timer is
 *  needed; -1 for NULL. */
ATH_API int64_t ath_async_next_timeout(const ath_async *async);

/** Pull form: fills at most `max` descriptors to watch now; returns how many there are (which
 *  may exceed `max`: call again with a larger array). 0 for NULL. */
ATH_API size_t ath_async_fds(const ath_async *async, ath_async_fd *fds, size_t max);

/** Operations started and whose callbacks have not run yet; 0 for NULL. */
ATH_API size_t ath_async_pending(const ath_async *async);

/**
 * A loop of its own, on poll(): runs until no operation is pending or `timeout_ms` passes (< 0:
 * no limit). Returns ATH_OK when nothing is pending, ATH_ETIMEOUT when time ran out first,
 * ATH_EINVAL (NULL, or called from inside a callback), ATH_EIO when poll() fails. For programs
 * and tests without a loop; an application with a loop integrates through watch/timer or
 * ath_async_fds instead.
 */
ATH_API int ath_async_run(ath_async *async, int64_t timeout_ms);

/* --- sessions ----------------------------------------------------------------------------- */

/**
 * Opens an async session on `engine` (no connection is taken yet, as ath_session_open). On
 * success `*out` owns it; close it with ath_async_session_close(). ATH_EINVAL (NULL argument,
 * disposed engine), ATH_ENOMEM.
 */
ATH_API int ath_async_session_open(ath_async_session **out, ath_async *async, ath_engine *engine);

/** The session the async session runs its operations on: open repositories on it. Use it only
 *  through ath_async_<op>() calls (a blocking call on it would block the loop). NULL for NULL. */
ATH_API ath_session *ath_async_session_session(ath_async_session *session);

/**
 * Closes the session after the operations already started on it (a close as the last
 * operation: what was not committed is rolled back, the connection returns to the pool);
 * `done` (may be NULL) is called when it has closed. NULL session is a no-op returning ATH_OK.
 * Repositories opened on it must be freed by the caller (ath_repo_free is not blocking). After
 * this call no operation may be started on the session.
 */
ATH_API int ath_async_session_close(ath_async_session *session, ath_async_done_fn done, void *user);

/** A function for ath_async_call(): blocking Athanor code run as one operation. */
typedef int (*ath_async_call_fn)(ath_session *session, void *arg);

/**
 * Runs fn(session's ath_session, arg) in turn with the session's other operations, as one
 * operation: any blocking Athanor code (several repository calls in one transaction) without
 * blocking the loop. fn's return value is the callback's rc. `fn` must not call ath_async_*
 * functions of the same runtime except to start operations (they run after it).
 */
ATH_API int ath_async_call(ath_async_id *id, ath_async_session *session, ath_async_call_fn fn,
                           void *arg, ath_async_done_fn done, void *user);

/* --- operations ---------------------------------------------------------------------------- */

/*
 * Every starter (ath_async_call and the ath_async_<op>() of async_ops.h) returns ATH_OK when the
 * operation was started -- its callback `done` will run exactly once, later -- or a negative
 * code when it was not (NULL handle or callback, a session that is closing or not async,
 * ATH_ENOMEM): the callback then never runs. `id` (may be NULL) receives the operation's id.
 */

/**
 * Cancels the operation `id`: one not started yet never runs; one waiting for the server
 * (PostgreSQL, MariaDB with io=nonblocking) or for a pool connection stops there and its
 * connection is discarded (never reused half-read), so the session's transaction is failed and
 * must be rolled back. Its callback still runs, with ATH_ECANCELED. Returns ATH_OK; ATH_EINVAL
 * for NULL; ATH_ENOTFOUND when no operation `id` is pending (finished, or never started);
 * ATH_EUNSUPPORTED when it is running on a worker thread (it then completes normally).
 */
ATH_API int ath_async_cancel(ath_async *async, ath_async_id id);

/** The operation's id; 0 for NULL. */
ATH_API ath_async_id ath_async_op_id(const ath_async_op *op);

/** The operation's async session; NULL for NULL. */
ATH_API ath_async_session *ath_async_op_session(const ath_async_op *op);

/** The name of the blocking function an operation runs ("ath_repo_get"); "" for NULL. */
ATH_API const char *ath_async_op_name(const ath_async_op *op);

ATH_END_DECLS

/* One ath_async_<op>() per blocking function, generated (tools/gen_async.py). */
#include "async_ops.h"

#endif
