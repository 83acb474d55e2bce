/*
 * Private: a pool of worker threads for blocking work, with completion signalled through a file
 * descriptor an event loop watches (eventfd; a pipe where eventfd is unavailable).
 *
 * The async runtime runs the whole blocking call of a driver without a non-blocking API
 * (SQLite, any third-party driver) as one ath_work on a worker thread; the loop thread watches
 * ath_workers_fd() for readability and calls ath_workers_drain(), which hands each finished item
 * back to it, on the loop thread, in completion order.
 *
 * Threads: submit and cancel may be called from any thread; drain, free, fd and pending are
 * meant for the one loop thread that owns the pool (drain delivers on the thread calling it).
 * Everything run() wrote is visible to the thread that receives the item from drain.
 *
 * Errors: the last error (ath_error_last(), core/error.c) is per thread. run() executes on a
 * worker thread, so an error it causes lands in that worker's slot, not the loop thread's:
 * run() itself must capture what it needs (the return code, and ath_error_save() into its own
 * op struct), and the done callback hands it on (ath_error_restore() on the loop thread).
 *
 * Signals: worker threads are started with every asynchronous signal blocked, so a program's
 * signal handlers keep running on its own threads; the synchronous fault signals (SIGSEGV,
 * SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS) stay deliverable to the thread that caused them.
 */
#ifndef ATH_CORE_WORKERS_H
#define ATH_CORE_WORKERS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ath_workers ath_workers;

/**
 * One item of work, embedded by the caller in its own op struct (recover the struct with
 * offsetof). Zero it before its first submit (`ath_work w = {.run = fn}`); it may be submitted
 * again once drain (or free) has delivered it. It must stay alive and unmoved until delivered.
 */
typedef struct ath_work {
    void (*run)(struct ath_work *w); /* runs on a worker thread */
    struct ath_work *next;           /* private to workers.c */
    int state;                       /* private: queued / running / done / cancelled */
} ath_work;

/** The most worker threads a pool may have. */
#define ATH_WORKERS_MAX 64

/**
 * Creates a pool of up to `nthreads` threads (1..ATH_WORKERS_MAX; started lazily as work
 * arrives, then reused) and its completion fd (eventfd, EFD_NONBLOCK|EFD_CLOEXEC; a non-blocking
 * close-on-exec pipe when eventfd is unavailable). `*out` is NULL on failure.
 * Errors: ATH_EINVAL (nthreads out of range), ATH_ENOMEM, ATH_EIO (no fd could be created; the
 * message has the system's reason).
 */
int ath_workers_create(ath_workers **out, int nthreads);

/** As ath_workers_create, always with a pipe when `use_pipe` (tests of the fallback). */
int ath_workers_create_with(ath_workers **out, int nthreads, bool use_pipe);

/**
 * Queues `w`; a worker thread calls w->run(w), then drain delivers it. Thread-safe.
 * Errors: ATH_EINVAL (p, w or w->run NULL; w already queued, running or not yet delivered;
 * shutdown has begun), ATH_EIO (the pool has no thread and none could be started: w is not
 * queued).
 */
int ath_workers_submit(ath_workers *p, ath_work *w);

/**
 * Cancels `w` if it is still queued: it will never run, drain delivers it as cancelled, and
 * true is returned. False when it is running or done (it completes normally), or was not
 * submitted to `p`. Thread-safe.
 */
bool ath_workers_cancel(ath_workers *p, ath_work *w);

/** True when `w` was delivered (or is waiting to be) as cancelled, i.e. run() never ran. */
bool ath_work_cancelled(const ath_work *w);

/** The fd the event loop watches for readability; owned by the pool (closed by free). */
int ath_workers_fd(const ath_workers *p);

/**
 * Called by the loop thread when the fd is readable (or at any time): clears the fd and calls
 * done(w, ctx) on this thread for each item finished since the last call, in completion order,
 * and for each cancelled item (so the owner can free it: done may free w). Returns the number
 * of items delivered. Never blocks on the workers (it holds the pool's lock only to take the
 * list). `done` may submit new work (an item finishing meanwhile is left for the next call) but
 * must not free the pool.
 */
size_t ath_workers_drain(ath_workers *p, void (*done)(ath_work *w, void *ctx), void *ctx);

/** Items submitted and not yet delivered by drain (queued, running, or finished). */
size_t ath_workers_pending(const ath_workers *p);

/** Worker threads started so far (never more than the pool's nthreads). For tests. */
int ath_workers_threads(const ath_workers *p);

/**
 * Stops accepting work (submit fails with ATH_EINVAL from now on), cancels the queued items, lets
 * running ones finish, joins the threads and closes the fd. Every item not yet delivered is
 * delivered to `done` (when not NULL) before it returns. NULL is a no-op. Must not be called
 * from a run() callback (it waits for the workers).
 */
void ath_workers_free(ath_workers *p, void (*done)(ath_work *w, void *ctx), void *ctx);

#endif
