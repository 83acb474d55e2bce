/* The async runtime: operations queued per session, run on fibers (non-blocking drivers) or on
 * worker threads (the others), completed through callbacks on the loop's thread. */
#include <athanor/async.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "async_int.h"
#include "engine.h"
#include "error.h"
#include "fiber.h"
#include "io_wait.h"
#include "session.h"
#include "workers.h"

/* How long a parked operation (waiting for a pooled connection) sleeps before it looks again
 * when nothing in this runtime woke it: connections returned by other threads are seen then. */
#define PARK_RECHECK_MS 20

enum op_state { OP_QUEUED, OP_RUNNING, OP_DONE };
enum op_wait {
    WAIT_NONE,
    WAIT_IO,   /* for its socket (host->wait) */
    WAIT_PARK, /* for a pooled connection: the longest parked is woken by an operation's end;
                  each by its recheck timer */
    WAIT_TURN  /* for its turn on a pipelined connection: woken only by host->resume */
};

struct ath_async_op {
    ath_async_id id;
    ath_async_session *session;
    const char *name;
    ath_async_run_fn run; /* NULL: the session's close */
    ath_async_done_fn done;
    void *user;
    enum op_state state;
    bool cancelled;
    bool on_worker; /* runs (or ran) on a worker thread */
    bool started;   /* run_op began (a worker item cancelled in its queue never starts) */
    int rc;
    ath_error_saved error; /* the operation's error detail, restored around its callback */

    ath_fiber *fiber;
    enum op_wait wait;
    int wait_fd;
    unsigned wait_events;
    unsigned watched; /* the events last reported to the loop's watch callback for wait_fd */
    int watched_fd;
    int64_t deadline; /* monotonic ms; -1 none */
    int ready;        /* what the suspended wait returns when resumed */
    ath_work work;

    ath_async_op *next;                /* the session's queue, then the runtime's done list */
    ath_async_op *ready_next;          /* the runtime's list of fibers to resume */
    ath_async_op *all_prev, *all_next; /* every op not yet delivered */
    ath_async_op *wait_prev, *wait_next; /* the runtime's io or park list, by `wait` */
    alignas(max_align_t) unsigned char args[];
};

struct ath_async_session {
    ath_async *async;
    ath_session *session;
    bool nonblocking; /* the engine's connections wait through the core: fibers */
    bool closing;
    ath_async_op *head, *tail; /* head: the running op, if any */
    ath_async_session *prev, *next;
};

struct ath_async {
    ath_async_options opts;
    pthread_t owner;
    ath_workers *workers;
    unsigned workers_watched;
    ath_async_op *all;
    /* the ops suspended in a wait: for their socket (in the order they began waiting), and
     * parked for a pooled connection (by deadline, which is the order they parked in but for
     * short pool time-outs); the loop's calls look at these, not at every queued op */
    ath_async_op *io_head, *io_tail;
    ath_async_op *park_head, *park_tail;
    ath_async_op *done_head, *done_tail;
    ath_async_op *ready_head, *ready_tail;
    ath_async_session *sessions;
    ath_async_id last_id;
    size_t pending;
    int pumping;
    bool delivering;
    bool freeing;
    int64_t timer_at; /* absolute deadline last reported to the timer callback; -2 none yet */
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int not_owner(const ath_async *a, const char *fn)
{
    if (pthread_equal(a->owner, pthread_self()))
        return ATH_OK;
    return ath_fail(ATH_EINVAL, "%s: called from a thread other than the one that created the "
                                "async runtime (an ath_async belongs to one loop thread)",
                    fn);
}

/* --- the loop's view: watched descriptors and the timer --------------------------------------- */

static void watch(ath_async *a, int fd, unsigned events)
{
    if (a->opts.watch)
        a->opts.watch(a->opts.loop, fd, events);
}

/* Tells the loop what an op now waits for (stops first, so a reused fd number is safe). */
static void sync_watch(ath_async *a, ath_async_op *op)
{
    unsigned want = op->wait == WAIT_IO ? op->wait_events : 0;
    int fd = op->wait == WAIT_IO ? op->wait_fd : -1;
    if (op->watched && (op->watched_fd != fd || want == 0)) {
        watch(a, op->watched_fd, 0);
        op->watched = 0;
    }
    if (want && op->watched != want) {
        watch(a, fd, want);
        op->watched = want;
        op->watched_fd = fd;
    }
}

static void sync_workers_watch(ath_async *a)
{
    unsigned want = a->workers && ath_workers_pending(a->workers) > 0 ? ATH_ASYNC_READ : 0;
    if (want != a->workers_watched) {
        watch(a, ath_workers_fd(a->workers), want);
        a->workers_watched = want;
    }
}

static int64_t next_deadline(const ath_async *a)
{
    if (a->done_head || a->ready_head)
        return 0;
    int64_t at = a->park_head ? a->park_head->deadline : -1;
    for (const ath_async_op *op = a->io_head; op; op = op->wait_next)
        if (op->deadline >= 0 && (at < 0 || op->deadline < at))
            at = op->deadline;
    return at;
}

static void sync_timer(ath_async *a)
{
    if (!a->opts.timer)
        return;
    int64_t at = next_deadline(a);
    if (at == a->timer_at && at != 0)
        return;
    a->timer_at = at;
    int64_t ms = at < 0 ? -1 : at == 0 ? 0 : at - now_ms();
    a->opts.timer(a->opts.loop, ms < 0 && at >= 0 ? 0 : ms);
}

/* --- lists -------------------------------------------------------------------------------------- */

/* An op begins waiting (`wait`, deadline already set): into the io list at its end, or into the
 * park list in deadline order (almost always at its end: from the end backwards). */
static void link_wait(ath_async *a, ath_async_op *op, enum op_wait wait)
{
    ath_async_op **head = wait == WAIT_IO ? &a->io_head : &a->park_head;
    ath_async_op **tail = wait == WAIT_IO ? &a->io_tail : &a->park_tail;
    ath_async_op *after = *tail;
    if (wait == WAIT_PARK)
        while (after && after->deadline > op->deadline)
            after = after->wait_prev;
    op->wait = wait;
    op->wait_prev = after;
    op->wait_next = after ? after->wait_next : *head;
    if (after)
        after->wait_next = op;
    else
        *head = op;
    if (op->wait_next)
        op->wait_next->wait_prev = op;
    else
        *tail = op;
}

/* The op waits no more. */
static void unlink_wait(ath_async *a, ath_async_op *op)
{
    if (op->wait == WAIT_NONE)
        return;
    if (op->wait == WAIT_TURN) { /* in no list: host->resume names it */
        op->wait = WAIT_NONE;
        return;
    }
    ath_async_op **head = op->wait == WAIT_IO ? &a->io_head : &a->park_head;
    ath_async_op **tail = op->wait == WAIT_IO ? &a->io_tail : &a->park_tail;
    if (op->wait_prev)
        op->wait_prev->wait_next = op->wait_next;
    else
        *head = op->wait_next;
    if (op->wait_next)
        op->wait_next->wait_prev = op->wait_prev;
    else
        *tail = op->wait_prev;
    op->wait_prev = op->wait_next = NULL;
    op->wait = WAIT_NONE;
}

static void make_ready(ath_async *a, ath_async_op *op, int value)
{
    op->ready = value;
    unlink_wait(a, op);
    op->ready_next = NULL;
    if (a->ready_tail)
        a->ready_tail->ready_next = op;
    else
        a->ready_head = op;
    a->ready_tail = op;
    sync_watch(a, op);
}

/* An operation ended, so it may have returned a connection to the pool: the op parked longest
 * looks again (one: an operation holds at most one connection; waking every parked op made a
 * thousand of them resume and park again for each one that finished). Connections returned by
 * other threads are seen at the parked ops' next look (PARK_RECHECK_MS). */
static void wake_parked(ath_async *a)
{
    if (a->park_head)
        make_ready(a, a->park_head, ATH_OK);
}

static void start_next(ath_async_session *s);

/* An operation has its result: queue its callback, start the session's next operation. */
static void finish(ath_async *a, ath_async_op *op)
{
    op->state = OP_DONE;
    unlink_wait(a, op);
    sync_watch(a, op);
    ath_async_session *s = op->session;
    if (s->head == op) {
        s->head = op->next;
        if (!s->head)
            s->tail = NULL;
    }
    op->next = NULL;
    if (a->done_tail)
        a->done_tail->next = op;
    else
        a->done_head = op;
    a->done_tail = op;
    wake_parked(a); /* it may have returned a connection to the pool */
    start_next(s);
}

/* The operations whose one read statement may share a pipelined PostgreSQL connection
 * (docs/async.md, "Pipeline mode"): autocommit single-statement reads. */
static bool pipelinable(const char *name)
{
    static const char *const reads[] = {"ath_repo_get",   "ath_repo_get_one",
                                        "ath_repo_get_one_or_none", "ath_repo_list",
                                        "ath_repo_count", "ath_repo_exists"};
    for (size_t i = 0; i < sizeof reads / sizeof *reads; i++)
        if (strcmp(name, reads[i]) == 0)
            return true;
    return false;
}

void *ath_async_host_waiter(void)
{
    return ath_fiber_current() ? ath_io_current() : NULL;
}

int ath_async_host_suspend(void)
{
    ath_async_op *op = ath_async_host_waiter();
    if (!op)
        return ath_fail(ATH_EINVAL, "suspend: no async operation is running on this thread");
    if (op->cancelled)
        return ATH_ECANCELED;
    op->wait = WAIT_TURN;
    op->deadline = -1;
    ath_fiber_yield();
    return op->ready == ATH_ECANCELED ? ATH_ECANCELED : ATH_OK;
}

void ath_async_host_resume(void *token)
{
    ath_async_op *op = token;
    if (op && op->wait == WAIT_TURN)
        make_ready(op->session->async, op, ATH_OK);
}

/* --- running an operation ------------------------------------------------------------------------ */

/* The body of an operation, on its fiber or its worker thread. */
static void run_op(ath_async_op *op)
{
    op->started = true;
    ath_error_clear();
    int rc;
    if (op->cancelled && op->run)
        rc = ath_fail(ATH_ECANCELED, "%s was cancelled before it started", op->name);
    else if (!op->run) {
        ath_session_close(op->session->session);
        rc = ATH_OK;
    } else if (op->session->nonblocking && pipelinable(op->name)) {
        /* the session may share a pipelined connection for this one read (session.c) */
        ath_session_set_pipelined(op->session->session, true);
        rc = op->run(op->session->session, op->args);
        ath_error_saved mine;
        ath_error_save(&mine);
        ath_session_set_pipelined(op->session->session, false);
        ath_error_restore(&mine);
    } else
        rc = op->run(op->session->session, op->args);
    if (op->cancelled && op->run && rc != ATH_ECANCELED)
        rc = ath_fail(ATH_ECANCELED, "%s was cancelled", op->name);
    op->rc = rc;
    ath_error_save(&op->error);
}

static int fiber_wait(void *ctx, int fd, unsigned events, int64_t timeout_ms)
{
    ath_async_op *op = ctx;
    if (op->cancelled)
        return ath_fail(ATH_ECANCELED, "%s was cancelled", op->name);
    op->wait_fd = fd;
    op->wait_events = events & (ATH_WAIT_READ | ATH_WAIT_WRITE);
    op->deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    link_wait(op->session->async, op, WAIT_IO);
    ath_fiber_yield();
    if (op->ready == ATH_ECANCELED)
        return ath_fail(ATH_ECANCELED, "%s was cancelled while waiting for the server", op->name);
    return op->ready;
}

static int fiber_park(void *ctx, int64_t timeout_ms)
{
    ath_async_op *op = ctx;
    if (op->cancelled)
        return ath_fail(ATH_ECANCELED, "%s was cancelled", op->name);
    int64_t ms = timeout_ms < 0 || timeout_ms > PARK_RECHECK_MS ? PARK_RECHECK_MS : timeout_ms;
    op->deadline = now_ms() + ms;
    link_wait(op->session->async, op, WAIT_PARK);
    ath_fiber_yield();
    return op->ready == ATH_ECANCELED ? ATH_ECANCELED : ATH_OK;
}

static void fiber_main(void *arg)
{
    run_op(arg);
}

static void worker_main(ath_work *w)
{
    ath_async_op *op = (ath_async_op *)((char *)w - offsetof(ath_async_op, work));
    ath_io_set_worker(true);
    run_op(op);
    ath_io_set_worker(false);
}

/* Resumes fibers until none is ready; the caller is on the loop's own stack. */
static void pump(ath_async *a)
{
    if (a->pumping || ath_fiber_current())
        return;
    a->pumping++;
    while (a->ready_head) {
        ath_async_op *op = a->ready_head;
        a->ready_head = op->ready_next;
        if (!a->ready_head)
            a->ready_tail = NULL;
        ath_io_set_waiter(fiber_wait, fiber_park, op);
        bool finished = ath_fiber_resume(op->fiber);
        ath_io_set_waiter(NULL, NULL, NULL);
        if (finished) {
            ath_fiber_free(op->fiber);
            op->fiber = NULL;
            finish(a, op);
        } else if (op->wait == WAIT_NONE) {
            /* the fiber could not be resumed (it never yields without a wait) */
            op->rc = ATH_EINVAL;
            ath_error_save(&op->error);
            finish(a, op);
        } else {
            sync_watch(a, op);
        }
    }
    a->pumping--;
}

static void start_next(ath_async_session *s)
{
    ath_async *a = s->async;
    ath_async_op *op = s->head;
    if (!op || op->state != OP_QUEUED)
        return;
    op->state = OP_RUNNING;
    if (op->cancelled && op->run) {
        op->rc = ATH_ECANCELED;
        ath_error_clear();
        ath_fail(ATH_ECANCELED, "%s was cancelled before it started", op->name);
        ath_error_save(&op->error);
        finish(a, op);
        return;
    }
    int rc;
    if (a->freeing && !s->nonblocking) {
        /* the runtime is being freed and its workers are gone: what is left runs here */
        run_op(op);
        finish(a, op);
        return;
    }
    if (s->nonblocking) {
        if ((rc = ath_fiber_create(&op->fiber, fiber_main, op)) == ATH_OK) {
            make_ready(a, op, ATH_OK);
            return;
        }
    } else {
        if (!a->workers)
            rc = ath_workers_create(&a->workers, a->opts.worker_threads);
        else
            rc = ATH_OK;
        if (rc == ATH_OK) {
            op->on_worker = true;
            op->work.run = worker_main;
            if ((rc = ath_workers_submit(a->workers, &op->work)) == ATH_OK) {
                sync_workers_watch(a);
                return;
            }
            op->on_worker = false;
        }
    }
    /* could not start: the operation fails with that error */
    op->rc = rc;
    ath_error_save(&op->error);
    finish(a, op);
}

static void worker_done(ath_work *w, void *ctx)
{
    ath_async *a = ctx;
    ath_async_op *op = (ath_async_op *)((char *)w - offsetof(ath_async_op, work));
    if (op->state != OP_RUNNING)
        return;
    if (!op->started && !op->run) {
        run_op(op); /* a session's close the pool dropped while shutting down: it runs here */
    } else if (!op->started) { /* cancelled in the worker queue: it never ran */
        ath_error_clear();
        op->rc = ath_fail(ATH_ECANCELED, "%s was cancelled before it started", op->name);
        ath_error_save(&op->error);
    }
    finish(a, op);
}

/* Runs the callbacks owed; returns how many ran. */
static int deliver(ath_async *a)
{
    if (a->delivering)
        return 0;
    a->delivering = true;
    int n = 0;
    ath_error_saved mine;
    ath_error_save(&mine);
    while (a->done_head) {
        ath_async_op *op = a->done_head;
        a->done_head = op->next;
        if (!a->done_head)
            a->done_tail = NULL;
        if (op->all_prev)
            op->all_prev->all_next = op->all_next;
        else
            a->all = op->all_next;
        if (op->all_next)
            op->all_next->all_prev = op->all_prev;
        a->pending--;
        ath_error_restore(&op->error);
        if (op->done)
            op->done(op, op->rc, op->user);
        n++;
        ath_async_session *closed = op->run ? NULL : op->session;
        ath_free(op);
        if (closed) {
            if (closed->prev)
                closed->prev->next = closed->next;
            else
                a->sessions = closed->next;
            if (closed->next)
                closed->next->prev = closed->prev;
            ath_free(closed);
        }
        pump(a); /* callbacks may have started operations */
    }
    ath_error_restore(&mine);
    a->delivering = false;
    return n;
}

/* After every entry point: fibers resumed, loop told what to watch and when to wake. */
static int settle(ath_async *a, bool run_callbacks)
{
    pump(a);
    int n = run_callbacks ? deliver(a) : 0;
    if (a->workers)
        sync_workers_watch(a);
    sync_timer(a);
    return n;
}

/* --- starting operations ------------------------------------------------------------------------ */

#define ALIGN_UP(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

static int start(ath_async_id *id, ath_async_session *s, const char *fn, const char *name,
                 ath_async_run_fn run, const void *args, size_t size, const ath_async_copy *copies,
                 size_t ncopies, ath_async_done_fn done, void *user)
{
    if (id)
        *id = 0;
    ath_async *a = s->async;
    int rc;
    if ((rc = not_owner(a, fn)) != ATH_OK)
        return rc;
    if (!done && run)
        return ath_null_arg(fn, "done");
    if (s->closing || a->freeing)
        return ath_fail(ATH_EINVAL, "%s: the async session is closing (ath_async_session_close)",
                        fn);
    size_t total = ALIGN_UP(size);
    for (size_t i = 0; i < ncopies; i++) {
        if (copies[i].count > (SIZE_MAX / 2) / copies[i].size)
            return ath_fail(ATH_EINVAL, "%s: an array of %zu elements is too large", fn,
                            copies[i].count);
        total += ALIGN_UP(copies[i].size * copies[i].count);
    }
    ath_async_op *op = ath_calloc(1, sizeof *op + total);
    if (!op)
        return ath_fail(ATH_ENOMEM, "%s: allocating an operation", fn);
    op->id = ++a->last_id;
    op->session = s;
    op->name = name;
    op->run = run;
    op->done = done;
    op->user = user;
    op->deadline = -1;
    op->watched_fd = -1;
    if (size)
        memcpy(op->args, args, size);
    unsigned char *room = op->args + ALIGN_UP(size);
    for (size_t i = 0; i < ncopies; i++) {
        const void *from;
        memcpy(&from, op->args + copies[i].offset, sizeof from);
        size_t bytes = copies[i].size * copies[i].count;
        if (!from || bytes == 0)
            continue;
        memcpy(room, from, bytes);
        void *to = room;
        memcpy(op->args + copies[i].offset, &to, sizeof to);
        room += ALIGN_UP(bytes);
    }
    op->all_next = a->all;
    if (a->all)
        a->all->all_prev = op;
    a->all = op;
    a->pending++;
    if (s->tail)
        s->tail->next = op;
    else
        s->head = op;
    s->tail = op;
    if (id)
        *id = op->id;
    start_next(s);
    settle(a, false);
    return ATH_OK;
}

int ath_async_start(ath_async_id *id, ath_async_session *s, const char *fn, const char *name,
                    ath_async_run_fn run, const void *args, size_t size,
                    const ath_async_copy *copies, size_t ncopies, ath_async_done_fn done, void *user)
{
    if (id)
        *id = 0;
    if (!s)
        return ath_null_arg(fn, "session");
    return start(id, s, fn, name, run, args, size, copies, ncopies, done, user);
}

int ath_async_start_on(ath_async_id *id, ath_session *session, const char *fn, const char *name,
                       ath_async_run_fn run, const void *args, size_t size,
                       const ath_async_copy *copies, size_t ncopies, ath_async_done_fn done, void *user)
{
    if (id)
        *id = 0;
    ath_async_session *s = ath_session_async(session);
    if (!s)
        return ath_fail(ATH_EINVAL, "%s: the handle's session is not an open async session (open "
                                    "repositories on ath_async_session_session())",
                        fn);
    return start(id, s, fn, name, run, args, size, copies, ncopies, done, user);
}

static int run_call(ath_session *session, void *args)
{
    struct {
        ath_async_call_fn fn;
        void *arg;
    } *c = args;
    return c->fn(session, c->arg);
}

int ath_async_call(ath_async_id *id, ath_async_session *session, ath_async_call_fn fn, void *arg,
                   ath_async_done_fn done, void *user)
{
    if (id)
        *id = 0;
    if (!session)
        return ath_null_arg(__func__, "session");
    if (!fn)
        return ath_null_arg(__func__, "fn");
    struct {
        ath_async_call_fn fn;
        void *arg;
    } c = {fn, arg};
    return start(id, session, __func__, "ath_async_call", run_call, &c, sizeof c, NULL, 0, done,
                 user);
}

/* --- the runtime ------------------------------------------------------------------------------ */

int ath_async_create(ath_async **out, const ath_async_options *options)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    ath_async_options o = ATH_ASYNC_OPTIONS_INIT;
    if (options) {
        if (options->struct_size < offsetof(ath_async_options, worker_threads) + sizeof(int))
            return ath_fail(ATH_EINVAL, "%s: options.struct_size %u is too small (start from "
                                        "ATH_ASYNC_OPTIONS_INIT)",
                            __func__, (unsigned)options->struct_size);
        memcpy(&o, options, sizeof o < options->struct_size ? sizeof o : options->struct_size);
        o.struct_size = sizeof o;
    }
    if (o.worker_threads < 1 || o.worker_threads > 64)
        return ath_fail(ATH_EINVAL, "%s: worker_threads must be 1..64, not %d", __func__,
                        o.worker_threads);
    if (o.timer && !o.watch)
        return ath_fail(ATH_EINVAL, "%s: a timer callback needs a watch callback", __func__);
    ath_async *a = ath_calloc(1, sizeof *a);
    if (!a)
        return ath_fail(ATH_ENOMEM, "%s: allocating the runtime", __func__);
    a->opts = o;
    a->owner = pthread_self();
    a->timer_at = -2;
    *out = a;
    return ATH_OK;
}

void ath_async_free(ath_async *a)
{
    if (!a || not_owner(a, __func__) != ATH_OK || a->freeing)
        return;
    a->freeing = true;
    /* every operation stops: queued ones never run, waiting ones get ATH_ECANCELED */
    for (ath_async_op *op = a->all; op; op = op->all_next) {
        /* a session's close still runs; an operation handed to a worker is the workers' to
         * cancel (ath_workers_free below) or to finish: its thread may be reading it now */
        if (op->run && !op->on_worker)
            op->cancelled = true;
        if (op->wait != WAIT_NONE)
            make_ready(a, op, ATH_ECANCELED);
    }
    pump(a);
    if (a->workers) {
        ath_workers *w = a->workers;
        ath_workers_free(w, worker_done, a); /* from here start_next runs worker ops inline */
        a->workers = NULL;
    }
    pump(a);
    /* sessions still open: closed here (their operations have ended) */
    for (ath_async_session *s = a->sessions; s; s = s->next)
        if (!s->closing) {
            ath_session_set_async(s->session, NULL);
            ath_session_close(s->session);
            s->closing = true;
        }
    deliver(a);
    while (a->sessions) {
        ath_async_session *s = a->sessions;
        a->sessions = s->next;
        ath_free(s);
    }
    ath_free(a);
}

int ath_async_process(ath_async *a, int fd, unsigned revents)
{
    if (!a)
        return ath_null_arg(__func__, "async");
    int rc;
    if ((rc = not_owner(a, __func__)) != ATH_OK)
        return rc;
    if (a->workers && fd == ath_workers_fd(a->workers))
        ath_workers_drain(a->workers, worker_done, a);
    for (ath_async_op *op = a->io_head, *next; op; op = next) {
        next = op->wait_next; /* make_ready takes op out of the list */
        if (op->wait_fd == fd) {
            unsigned ready = 0;
            if (revents & ATH_ASYNC_READ)
                ready |= ATH_WAIT_READ;
            if (revents & ATH_ASYNC_WRITE)
                ready |= ATH_WAIT_WRITE;
            if (ready == 0)
                ready = op->wait_events; /* error or hang-up: let the client read it */
            make_ready(a, op, (int)ready);
        }
    }
    return settle(a, !a->delivering);
}

int ath_async_timeout(ath_async *a)
{
    if (!a)
        return ath_null_arg(__func__, "async");
    int rc;
    if ((rc = not_owner(a, __func__)) != ATH_OK)
        return rc;
    a->timer_at = -2;
    int64_t now = now_ms();
    for (ath_async_op *op = a->io_head, *next; op; op = next) {
        next = op->wait_next;
        if (op->deadline >= 0 && op->deadline <= now)
            make_ready(a, op, 0); /* a wait that timed out returns 0 */
    }
    while (a->park_head && a->park_head->deadline <= now)
        make_ready(a, a->park_head, 0); /* a park looks again */
    if (a->workers)
        ath_workers_drain(a->workers, worker_done, a);
    return settle(a, !a->delivering);
}

int64_t ath_async_next_timeout(const ath_async *a)
{
    if (!a) {
        ath_null_arg(__func__, "async");
        return -1;
    }
    int64_t at = next_deadline(a);
    if (at <= 0)
        return at;
    int64_t ms = at - now_ms();
    return ms > 0 ? ms : 0;
}

size_t ath_async_fds(const ath_async *a, ath_async_fd *fds, size_t max)
{
    if (!a) {
        ath_null_arg(__func__, "async");
        return 0;
    }
    if (!fds && max > 0) {
        ath_null_arg(__func__, "fds");
        return 0;
    }
    size_t n = 0;
    if (a->workers && ath_workers_pending(a->workers) > 0) {
        if (n < max)
            fds[n] = (ath_async_fd){ath_workers_fd(a->workers), ATH_ASYNC_READ};
        n++;
    }
    for (const ath_async_op *op = a->io_head; op; op = op->wait_next) {
        if (n < max)
            fds[n] = (ath_async_fd){op->wait_fd, op->wait_events};
        n++;
    }
    return n;
}

size_t ath_async_pending(const ath_async *a)
{
    if (!a) {
        ath_null_arg(__func__, "async");
        return 0;
    }
    return a->pending;
}

int ath_async_cancel(ath_async *a, ath_async_id id)
{
    if (!a)
        return ath_null_arg(__func__, "async");
    int rc;
    if ((rc = not_owner(a, __func__)) != ATH_OK)
        return rc;
    ath_async_op *op = a->all;
    while (op && op->id != id)
        op = op->all_next;
    if (!op || op->state == OP_DONE)
        return ath_fail(ATH_ENOTFOUND, "%s: no operation %llu is pending", __func__,
                        (unsigned long long)id);
    if (!op->run)
        return ath_fail(ATH_EINVAL, "%s: a session's close cannot be cancelled", __func__);
    if (op->on_worker) {
        if (!ath_workers_cancel(a->workers, &op->work))
            return ath_fail(ATH_EUNSUPPORTED,
                            "%s: %s is running on a worker thread and cannot be interrupted "
                            "(it completes normally)",
                            __func__, op->name);
        op->cancelled = true;
        ath_workers_drain(a->workers, worker_done, a);
        settle(a, false);
        return ATH_OK;
    }
    op->cancelled = true;
    if (op->state == OP_RUNNING && op->wait != WAIT_NONE)
        make_ready(a, op, ATH_ECANCELED);
    else if (op->state == OP_QUEUED && op->session->head != op) {
        /* not started: take it out of the session's queue */
        ath_async_session *s = op->session;
        ath_async_op *prev = s->head;
        while (prev && prev->next != op)
            prev = prev->next;
        if (prev) {
            prev->next = op->next;
            if (s->tail == op)
                s->tail = prev;
        }
        op->state = OP_RUNNING;
        op->next = NULL;
        ath_error_clear();
        op->rc = ath_fail(ATH_ECANCELED, "%s was cancelled before it started", op->name);
        ath_error_save(&op->error);
        op->session = s;
        /* finish() only unlinks the session's head; this one is already out */
        finish(a, op);
    }
    settle(a, false);
    ath_error_clear();
    return ATH_OK;
}

int ath_async_run(ath_async *a, int64_t timeout_ms)
{
    if (!a)
        return ath_null_arg(__func__, "async");
    int rc;
    if ((rc = not_owner(a, __func__)) != ATH_OK)
        return rc;
    if (a->delivering || ath_fiber_current())
        return ath_fail(ATH_EINVAL, "%s: called from inside an async callback or operation",
                        __func__);
    int64_t end = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    ath_async_fd few[16], *fds = few;
    struct pollfd pfew[16], *pfds = pfew;
    size_t cap = sizeof few / sizeof *few;
    int result = ATH_OK;
    ath_async_timeout(a); /* callbacks already owed */
    while (a->pending > 0) {
        size_t n = ath_async_fds(a, fds, cap);
        if (n > cap) {
            ath_async_fd *bigger = ath_malloc(n * 2 * sizeof *bigger);
            struct pollfd *pbigger = ath_malloc(n * 2 * sizeof *pbigger);
            if (!bigger || !pbigger) {
                ath_free(bigger);
                ath_free(pbigger);
                result = ath_fail(ATH_ENOMEM, "%s: allocating %zu descriptors", __func__, n);
                break;
            }
            if (fds != few) {
                ath_free(fds);
                ath_free(pfds);
            }
            fds = bigger;
            pfds = pbigger;
            cap = n * 2;
            continue;
        }
        int64_t wait = ath_async_next_timeout(a);
        if (end >= 0) {
            int64_t left = end - now_ms();
            if (left <= 0) {
                result = ath_fail(ATH_ETIMEOUT, "%s: %zu operations still pending after %lld ms",
                                  __func__, a->pending, (long long)timeout_ms);
                break;
            }
            if (wait < 0 || wait > left)
                wait = left;
        }
        for (size_t i = 0; i < n; i++)
            pfds[i] = (struct pollfd){
                .fd = fds[i].fd,
                .events = (short)(((fds[i].events & ATH_ASYNC_READ) ? POLLIN : 0) |
                                  ((fds[i].events & ATH_ASYNC_WRITE) ? POLLOUT : 0)),
            };
        int got = poll(pfds, (nfds_t)n, wait < 0 ? -1 : wait > 1000000 ? 1000000 : (int)wait);
        if (got < 0 && errno != EINTR) {
            result = ath_fail(ATH_EIO, "%s: poll() failed: %s", __func__, strerror(errno));
            break;
        }
        for (size_t i = 0; got > 0 && i < n; i++) {
            short r = pfds[i].revents;
            if (!r)
                continue;
            unsigned ev = 0;
            if (r & POLLIN)
                ev |= ATH_ASYNC_READ;
            if (r & POLLOUT)
                ev |= ATH_ASYNC_WRITE;
            if (r & (POLLERR | POLLHUP | POLLNVAL))
                ev |= ATH_ASYNC_READ | ATH_ASYNC_WRITE;
            ath_async_process(a, pfds[i].fd, ev);
        }
        ath_async_timeout(a);
        result = ATH_OK;
    }
    if (fds != few) {
        ath_free(fds);
        ath_free(pfds);
    }
    return result;
}

/* --- sessions ------------------------------------------------------------------------------------ */

int ath_async_session_open(ath_async_session **out, ath_async *a, ath_engine *engine)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!a)
        return ath_null_arg(__func__, "async");
    if (!engine)
        return ath_null_arg(__func__, "engine");
    int rc;
    if ((rc = not_owner(a, __func__)) != ATH_OK)
        return rc;
    if (a->freeing)
        return ath_fail(ATH_EINVAL, "%s: the async runtime is being freed", __func__);
    ath_async_session *s = ath_calloc(1, sizeof *s);
    if (!s)
        return ath_fail(ATH_ENOMEM, "%s: allocating a session", __func__);
    if ((rc = ath_session_open(&s->session, engine)) != ATH_OK) {
        ath_free(s);
        return rc;
    }
    s->async = a;
    s->nonblocking = ath_engine_nonblocking(engine);
    ath_session_set_async(s->session, s);
    s->next = a->sessions;
    if (a->sessions)
        a->sessions->prev = s;
    a->sessions = s;
    *out = s;
    return ATH_OK;
}

ath_session *ath_async_session_session(ath_async_session *s)
{
    if (!s) {
        ath_null_arg(__func__, "session");
        return NULL;
    }
    return s->session;
}

int ath_async_session_close(ath_async_session *s, ath_async_done_fn done, void *user)
{
    if (!s)
        return ATH_OK;
    if (s->closing)
        return ath_fail(ATH_EINVAL, "%s: the session is already closing", __func__);
    /* its repositories start nothing more; cleared before the close may run on a worker */
    ath_session_set_async(s->session, NULL);
    int rc = start(NULL, s, __func__, "ath_session_close", NULL, NULL, 0, NULL, 0, done, user);
    if (rc == ATH_OK)
        s->closing = true;
    else
        ath_session_set_async(s->session, s);
    return rc;
}

/* --- operations -------------------------------------------------------------------------------- */

ath_async_id ath_async_op_id(const ath_async_op *op)
{
    if (!op) {
        ath_null_arg(__func__, "op");
        return 0;
    }
    return op->id;
}

ath_async_session *ath_async_op_session(const ath_async_op *op)
{
    if (!op) {
        ath_null_arg(__func__, "op");
        return NULL;
    }
    return op->session;
}

const char *ath_async_op_name(const ath_async_op *op)
{
    if (!op) {
        ath_null_arg(__func__, "op");
        return "";
    }
    return op->name;
}
