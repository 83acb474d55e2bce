/* Tests for core/workers.c: the worker thread pool and its completion fd. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <athanor/error.h>

#include "error.h"
#include "runner.h"
#include "workers.h"
#ifdef ATH_FAULT_INJECTION
#include "fault.h"
#endif

#define CONTAINER(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* ---- an item that squares its input on the worker -------------------------------------------- */

typedef struct square_op {
    ath_work work;
    long input;
    long result;      /* written by run() on the worker */
    pthread_t ran_on; /* written by run() on the worker */
    atomic_int runs;  /* how often run() ran */
    int delivered;    /* how often done() got it (loop thread only) */
    bool cancelled;   /* ath_work_cancelled() as done() saw it */
} square_op;

static void square_run(ath_work *w)
{
    square_op *op = CONTAINER(w, square_op, work);
    op->result = op->input * op->input;
    op->ran_on = pthread_self();
    atomic_fetch_add(&op->runs, 1);
}

static void square_done(ath_work *w, void *ctx)
{
    square_op *op = CONTAINER(w, square_op, work);
    op->delivered++;
    op->cancelled = ath_work_cancelled(w);
    if (ctx)
        (*(size_t *)ctx)++;
}

/* Drains until `want` items were delivered in all, waiting on the fd with poll() (5 s each). */
static size_t drain_until(ath_workers *p, size_t want, void (*done)(ath_work *, void *), void *ctx)
{
    size_t got = 0;
    while (got < want) {
        struct pollfd pfd = {.fd = ath_workers_fd(p), .events = POLLIN};
        int n = poll(&pfd, 1, 5000);
        if (n != 1 || !(pfd.revents & POLLIN)) {
            CU_FAIL("the workers' fd did not become readable within 5 s");
            break;
        }
        got += ath_workers_drain(p, done, ctx);
    }
    return got;
}

static int poll_now(ath_workers *p)
{
    struct pollfd pfd = {.fd = ath_workers_fd(p), .events = POLLIN};
    return poll(&pfd, 1, 0);
}

static void run_many(bool use_pipe)
{
    enum { N = 1000, THREADS = 4 };
    ath_workers *p = NULL;
    ASSERT_RC(ath_workers_create_with(&p, THREADS, use_pipe), ATH_OK);
    if (!p)
        return;
    square_op *ops = calloc(N, sizeof *ops);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
    for (int i = 0; i < N; i++) {
        ops[i].work.run = square_run;
        ops[i].input = i + 1;
        ASSERT_RC(ath_workers_submit(p, &ops[i].work), ATH_OK);
    }
    size_t counted = 0;
    ASSERT_I64(drain_until(p, N, square_done, &counted), N);
    ASSERT_I64(counted, N);
    ASSERT_I64(ath_workers_pending(p), 0);
    int wrong = 0;
    for (int i = 0; i < N; i++) {
        long want = (long)(i + 1) * (i + 1);
        if (ops[i].delivered != 1 || atomic_load(&ops[i].runs) != 1 || ops[i].result != want ||
            ops[i].cancelled || pthread_equal(ops[i].ran_on, pthread_self()))
            wrong++;
    }
    ASSERT_I64(wrong, 0);
    int threads = ath_workers_threads(p);
    CU_ASSERT(threads >= 1 && threads <= THREADS);
    /* nothing left: the fd is clear and another drain delivers nothing */
    ASSERT_I64(poll_now(p), 0);
    ASSERT_I64(ath_workers_drain(p, square_done, NULL), 0);
    ath_workers_free(p, NULL, NULL);
    free(ops);
}

static void test_a_thousand_items_over_four_threads_are_delivered_once(void)
{
    run_many(false);
}

static void test_the_pipe_fallback_delivers_like_the_eventfd(void)
{
    run_many(true);
}

/* ---- an item that blocks until the test opens its gate ----------------------------------------
 */

typedef struct gate {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool started; /* run() is inside */
    bool open;
} gate;

typedef struct gated_op {
    ath_work work;
    gate *g;
    atomic_int runs;
    int delivered;
    bool cancelled;
} gated_op;

static void gate_init(gate *g)
{
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->cond, NULL);
    g->started = g->open = false;
}

static void gate_destroy(gate *g)
{
    pthread_cond_destroy(&g->cond);
    pthread_mutex_destroy(&g->lock);
}

static void gated_run(ath_work *w)
{
    gated_op *op = CONTAINER(w, gated_op, work);
    atomic_fetch_add(&op->runs, 1);
    pthread_mutex_lock(&op->g->lock);
    op->g->started = true;
    pthread_cond_broadcast(&op->g->cond);
    while (!op->g->open)
        pthread_cond_wait(&op->g->cond, &op->g->lock);
    pthread_mutex_unlock(&op->g->lock);
}

static void gated_done(ath_work *w, void *ctx)
{
    gated_op *op = CONTAINER(w, gated_op, work);
    op->delivered++;
    op->cancelled = ath_work_cancelled(w);
    if (ctx)
        (*(size_t *)ctx)++;
}

static void gate_wait_started(gate *g)
{
    pthread_mutex_lock(&g->lock);
    while (!g->started)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
}

static void gate_open(gate *g)
{
    pthread_mutex_lock(&g->lock);
    g->open = true;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

/* Waits until both ops are inside run() (each counts its run before it waits at the gate). */
static void gate_wait_both(gate *g, gated_op *a, gated_op *b)
{
    pthread_mutex_lock(&g->lock);
    while (atomic_load(&a->runs) + atomic_load(&b->runs) < 2)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
}

static void test_the_fd_becomes_readable_when_work_finishes(void)
{
    ath_workers *p = NULL;
    ASSERT_RC(ath_workers_create(&p, 1), ATH_OK);
    if (!p)
        return;
    gate g;
    gate_init(&g);
    gated_op op = {.work.run = gated_run, .g = &g};
    ASSERT_I64(poll_now(p), 0);
    ASSERT_RC(ath_workers_submit(p, &op.work), ATH_OK);
    gate_wait_started(&g);
    /* running and held at the gate: it cannot have finished */
    ASSERT_I64(poll_now(p), 0);
    ASSERT_I64(ath_workers_drain(p, gated_done, NULL), 0);
    ASSERT_I64(ath_workers_pending(p), 1);
    gate_open(&g);
    struct pollfd pfd = {.fd = ath_workers_fd(p), .events = POLLIN};
    ASSERT_I64(poll(&pfd, 1, 5000), 1);
    CU_ASSERT(pfd.revents & POLLIN);
    ASSERT_I64(ath_workers_drain(p, gated_done, NULL), 1);
    ASSERT_I64(op.delivered, 1);
    CU_ASSERT_FALSE(op.cancelled);
    ASSERT_I64(ath_workers_pending(p), 0);
    ASSERT_I64(poll_now(p), 0); /* drain cleared it */
    ath_workers_free(p, NULL, NULL);
    gate_destroy(&g);
}

static void test_cancel_of_a_queued_item_delivers_it_unrun(void)
{
    ath_workers *p = NULL;
    ASSERT_RC(ath_workers_create(&p, 1), ATH_OK);
    if (!p)
        return;
    gate g;
    gate_init(&g);
    gated_op blocker = {.work.run = gated_run, .g = &g};
    gated_op waiting = {.work.run = gated_run, .g = &g};
    ASSERT_RC(ath_workers_submit(p, &blocker.work), ATH_OK);
    gate_wait_started(&g); /* the only worker is busy: `waiting` stays queued */
    ASSERT_RC(ath_workers_submit(p, &waiting.work), ATH_OK);
    ASSERT_I64(ath_workers_pending(p), 2);
    CU_ASSERT_TRUE(ath_workers_cancel(p, &waiting.work));
    CU_ASSERT_FALSE(ath_workers_cancel(p, &waiting.work)); /* once */
    /* the cancelled item is deliverable at once, while the blocker still runs */
    size_t n = 0;
    ASSERT_I64(drain_until(p, 1, gated_done, &n), 1);
    ASSERT_I64(waiting.delivered, 1);
    CU_ASSERT_TRUE(waiting.cancelled);
    ASSERT_I64(blocker.delivered, 0);
    gate_open(&g);
    ASSERT_I64(drain_until(p, 1, gated_done, &n), 1);
    ASSERT_I64(blocker.delivered, 1);
    CU_ASSERT_FALSE(blocker.cancelled);
    ath_workers_free(p, NULL, NULL);
    ASSERT_I64(atomic_load(&waiting.runs), 0);
    ASSERT_I64(waiting.delivered, 1);
    gate_destroy(&g);
}

static void test_cancel_of_a_running_item_returns_false(void)
{
    ath_workers *p = NULL;
    ASSERT_RC(ath_workers_create(&p, 2), ATH_OK);
    if (!p)
        return;
    gate g;
    gate_init(&g);
    gated_op op = {.work.run = gated_run, .g = &g};
    ASSERT_RC(ath_workers_submit(p, &op.work), ATH_OK);
    gate_wait_started(&g);
    CU_ASSERT_FALSE(ath_workers_cancel(p, &op.work));
    gate_open(&g);
    ASSERT_I64(drain_until(p, 1, gated_done, NULL), 1);
    ASSERT_I64(atomic_load(&op.runs), 1);
    ASSERT_I64(op.delivered, 1);
    CU_ASSERT_FALSE(op.cancelled);
    /* done and delivered: nothing to cancel either */
    CU_ASSERT_FALSE(ath_workers_cancel(p, &op.work));
    ath_workers_free(p, NULL, NULL);
    gate_destroy(&g);
}

/* ---- free with work in flight -------------------------------------------------------------- */

typedef struct probe {
    ath_work work;
    atomic_int *runs;
    size_t *delivered_cancelled;
} probe;

static void probe_run(ath_work *w)
{
    atomic_fetch_add(CONTAINER(w, probe, work)->runs, 1);
}

typedef struct free_ctx {
    gated_op *blocker, *queued;
    size_t probes_cancelled, others;
} free_ctx;

static void free_done(ath_work *w, void *arg)
{
    free_ctx *c = arg;
    if (w == &c->blocker->work || w == &c->queued->work) {
        gated_done(w, NULL);
        return;
    }
    if (ath_work_cancelled(w))
        c->probes_cancelled++;
    else
        c->others++;
    free(CONTAINER(w, probe, work));
}

typedef struct freer {
    ath_workers *p;
    free_ctx *ctx;
} freer;

static void *free_on_thread(void *arg)
{
    freer *f = arg;
    ath_workers_free(f->p, free_done, f->ctx);
    return NULL;
}

static void test_free_delivers_queued_items_and_refuses_new_ones(void)
{
    ath_workers *p = NULL;
    ASSERT_RC(ath_workers_create(&p, 1), ATH_OK);
    if (!p)
        return;
    gate g;
    gate_init(&g);
    gated_op blocker = {.work.run = gated_run, .g = &g};
    gated_op queued = {.work.run = gated_run, .g = &g};
    ASSERT_RC(ath_workers_submit(p, &blocker.work), ATH_OK);
    gate_wait_started(&g);
    ASSERT_RC(ath_workers_submit(p, &queued.work), ATH_OK);

    /* free waits for the running blocker, so it runs on a thread of its own; submits race
     * with it until one is refused (each accepted probe is queued, so free must cancel it) */
    free_ctx ctx = {.blocker = &blocker, .queued = &queued};
    freer f = {p, &ctx};
    pthread_t t;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, free_on_thread, &f), 0);
    atomic_int probe_runs = 0;
    size_t accepted = 0;
    int rc = ATH_OK;
    for (long tries = 0; tries < 10000000L; tries++) {
        probe *pr = calloc(1, sizeof *pr);
        CU_ASSERT_PTR_NOT_NULL_FATAL(pr);
        pr->work.run = probe_run;
        pr->runs = &probe_runs;
        if ((rc = ath_workers_submit(p, &pr->work)) != ATH_OK) {
            free(pr);
            break;
        }
        accepted++;
        sched_yield();
    }
    ASSERT_RC(rc, ATH_EINVAL);
    ASSERT_ERR_HAS("shutting down");
    gate_open(&g);
    CU_ASSERT_EQUAL(pthread_join(t, NULL), 0);

    ASSERT_I64(blocker.delivered, 1);
    CU_ASSERT_FALSE(blocker.cancelled);
    ASSERT_I64(queued.delivered, 1);
    CU_ASSERT_TRUE(queued.cancelled);
    ASSERT_I64(atomic_load(&queued.runs), 0);
    ASSERT_I64(ctx.probes_cancelled, accepted);
    ASSERT_I64(ctx.others, 0);
    ASSERT_I64(atomic_load(&probe_runs), 0);
    gate_destroy(&g);
}

static void test_free_accepts_null_and_delivers_without_a_callback(void)
{
    ath_workers_free(NULL, NULL, NULL);
    ath_workers *p = NULL;
    ASSERT_RC(ath_workers_create(&p, 3), ATH_OK);
    if (!p)
        return;
    square_op ops[20];
    memset(ops, 0, sizeof ops);
    for (int i = 0; i < 20; i++) {
        ops[i].work.run = square_run;
        ops[i].input = i;
        ASSERT_RC(ath_workers_submit(p, &ops[i].work), ATH_OK);
    }
    /* queued ones are cancelled, running ones finish: every item either ran once or never */
    ath_workers_free(p, NULL, NULL);
    for (int i = 0; i < 20; i++) {
        int runs = atomic_load(&ops[i].runs);
        CU_ASSERT(runs == 0 || (runs == 1 && ops[i].result == (long)i * i));
        CU_ASSERT_EQUAL(ath_work_cancelled(&ops[i].work), runs == 0);
    }
}

/* ---- threads ------------------------------------------------------------------------------- */

static void test_threads_are_reused_and_never_exceed_the_limit(void)
{
    ath_workers *p = NULL;
    ASSERT_RC(ath_workers_create(&p, 2), ATH_OK);
    if (!p)
        return;
    ASSERT_I64(ath_workers_threads(p), 0); /* lazily started */
    square_op op = {.work.run = square_run};
    for (int i = 0; i < 50; i++) {
        op.input = i;
        ASSERT_RC(ath_workers_submit(p, &op.work), ATH_OK);
        ASSERT_I64(drain_until(p, 1, square_done, NULL), 1);
        ASSERT_I64(op.result, (long)i * i);
    }
    ASSERT_I64(op.delivered, 50);
    /* one item at a time: the first thread, free again whenever the next arrives, took them all */
    ASSERT_I64(ath_workers_threads(p), 1);
    /* two at a time, each held at a gate until both run: a second thread, never a third */
    gate g;
    gate_init(&g);
    for (int round = 0; round < 5; round++) {
        gated_op a = {.work.run = gated_run, .g = &g}, b = {.work.run = gated_run, .g = &g};
        g.started = false;
        g.open = false;
        ASSERT_RC(ath_workers_submit(p, &a.work), ATH_OK);
        ASSERT_RC(ath_workers_submit(p, &b.work), ATH_OK);
        gate_wait_both(&g, &a, &b);
        gate_open(&g);
        ASSERT_I64(drain_until(p, 2, gated_done, NULL), 2);
        ASSERT_I64(a.delivered + b.delivered, 2);
    }
    ASSERT_I64(ath_workers_threads(p), 2);
    gate_destroy(&g);
    ath_workers_free(p, NULL, NULL);
}

typedef struct mask_op {
    ath_work work;
    int sigint, sigterm, sigusr1, sigsegv; /* 1 when blocked on the worker */
} mask_op;

static void mask_run(ath_work *w)
{
    mask_op *op = CONTAINER(w, mask_op, work);
    sigset_t set;
    pthread_sigmask(SIG_BLOCK, NULL, &set);
    op->sigint = sigismember(&set, SIGINT);
    op->sigterm = sigismember(&set, SIGTERM);
    op->sigusr1 = sigismember(&set, SIGUSR1);
    op->sigsegv = sigismember(&set, SIGSEGV);
}

static void test_workers_block_the_programs_signals(void)
{
    sigset_t before, after;
    pthread_sigmask(SIG_BLOCK, NULL, &before);
    ath_workers *p = NULL;
    ASSERT_RC(ath_workers_create(&p, 1), ATH_OK);
    if (!p)
        return;
    mask_op op = {.work.run = mask_run};
    ASSERT_RC(ath_workers_submit(p, &op.work), ATH_OK);
    ASSERT_I64(drain_until(p, 1, NULL, NULL), 1);
    ASSERT_I64(op.sigint, 1);
    ASSERT_I64(op.sigterm, 1);
    ASSERT_I64(op.sigusr1, 1);
    ASSERT_I64(op.sigsegv, 0); /* a fault is still the faulting thread's */
    /* the submitting thread's own mask is as it was */
    pthread_sigmask(SIG_BLOCK, NULL, &after);
    ASSERT_I64(sigismember(&after, SIGINT), sigismember(&before, SIGINT));
    ASSERT_I64(sigismember(&after, SIGUSR1), sigismember(&before, SIGUSR1));
    ath_workers_free(p, NULL, NULL);
}

/* ---- errors -------------------------------------------------------------------------------- */

typedef struct failing_op {
    ath_work work;
    int rc;
    ath_error_saved err; /* the worker's error, captured by run() itself */
} failing_op;

static void failing_run(ath_work *w)
{
    failing_op *op = CONTAINER(w, failing_op, work);
    op->rc = ath_fail(ATH_ENOTFOUND, "no hero called %s", "Zeno");
    ath_error_save(&op->err);
}

static void test_run_captures_the_workers_error_for_the_loop_thread(void)
{
    ath_workers *p = NULL;
    ASSERT_RC(ath_workers_create(&p, 1), ATH_OK);
    if (!p)
        return;
    failing_op op = {.work.run = failing_run};
    ath_error_clear();
    ASSERT_RC(ath_workers_submit(p, &op.work), ATH_OK);
    ASSERT_I64(drain_until(p, 1, NULL, NULL), 1);
    /* the worker's error stayed on the worker; the op carries it over */
    ASSERT_I64(ath_error_last()->code, ATH_OK);
    ASSERT_I64(op.rc, ATH_ENOTFOUND);
    ath_error_restore(&op.err);
    ASSERT_I64(ath_error_last()->code, ATH_ENOTFOUND);
    ASSERT_ERR_HAS("no hero called Zeno");
    ath_workers_free(p, NULL, NULL);
}

static void test_bad_arguments_are_refused(void)
{
    ath_workers *p = (ath_workers *)&p;
    ASSERT_RC(ath_workers_create(&p, 0), ATH_EINVAL);
    ASSERT_ERR_HAS("0 is out of range (1..64)");
    CU_ASSERT_PTR_NULL(p);
    ASSERT_RC(ath_workers_create(&p, ATH_WORKERS_MAX + 1), ATH_EINVAL);
    ASSERT_ERR_HAS("65 is out of range");
    ASSERT_RC(ath_workers_create(&p, ATH_WORKERS_MAX), ATH_OK);
    if (!p)
        return;
    ath_work w = {0};
    ASSERT_RC(ath_workers_submit(p, &w), ATH_EINVAL);
    ASSERT_ERR_HAS("w->run is NULL");
    ASSERT_RC(ath_workers_submit(p, NULL), ATH_EINVAL);
    ASSERT_RC(ath_workers_submit(NULL, &w), ATH_EINVAL);
    CU_ASSERT_FALSE(ath_workers_cancel(p, &w)); /* never submitted */
    CU_ASSERT_FALSE(ath_workers_cancel(NULL, &w));
    ASSERT_I64(ath_workers_threads(p), 0);

    /* an item is submitted once until it is delivered */
    gate g;
    gate_init(&g);
    gated_op op = {.work.run = gated_run, .g = &g};
    ASSERT_RC(ath_workers_submit(p, &op.work), ATH_OK);
    ASSERT_RC(ath_workers_submit(p, &op.work), ATH_EINVAL);
    ASSERT_ERR_HAS("already submitted");
    gate_open(&g);
    ASSERT_I64(drain_until(p, 1, gated_done, NULL), 1);
    ASSERT_RC(ath_workers_submit(p, &op.work), ATH_OK); /* delivered: again is fine */
    ASSERT_I64(drain_until(p, 1, gated_done, NULL), 1);
    ASSERT_I64(op.delivered, 2);
    ASSERT_I64(atomic_load(&op.runs), 2);
    ath_workers_free(p, NULL, NULL);
    gate_destroy(&g);
    ASSERT_I64(ath_workers_drain(NULL, NULL, NULL), 0);
    ASSERT_I64(ath_workers_pending(NULL), 0);
    ASSERT_I64(ath_workers_fd(NULL), -1);
}

#ifdef ATH_FAULT_INJECTION
static void test_create_reports_each_failed_allocation(void)
{
    /* every allocation create makes fails in turn, then it succeeds */
    long n = 0;
    for (;; n++) {
        ath_workers *p = (ath_workers *)&p;
        ath_fault_fail_after(n);
        int rc = ath_workers_create(&p, 4);
        ath_fault_fail_after(-1);
        if (rc == ATH_OK) {
            ath_workers_free(p, NULL, NULL);
            break;
        }
        ASSERT_RC(rc, ATH_ENOMEM);
        ASSERT_ERR_HAS("allocating the worker pool");
        CU_ASSERT_PTR_NULL(p);
        if (n > 10) {
            CU_FAIL("create still fails after 10 allocations");
            break;
        }
    }
    ASSERT_I64(n, 2); /* the pool and its thread slots */
}
#endif

TEST_SUITE(workers)
{
    static const test_case tests[] = {
        {"a thousand items over four threads are delivered once",
         test_a_thousand_items_over_four_threads_are_delivered_once},
        {"the pipe fallback delivers like the eventfd",
         test_the_pipe_fallback_delivers_like_the_eventfd},
        {"the fd becomes readable when work finishes",
         test_the_fd_becomes_readable_when_work_finishes},
        {"cancel of a queued item delivers it unrun",
         test_cancel_of_a_queued_item_delivers_it_unrun},
        {"cancel of a running item returns false", test_cancel_of_a_running_item_returns_false},
        {"free delivers queued items and refuses new ones",
         test_free_delivers_queued_items_and_refuses_new_ones},
        {"free accepts NULL and delivers without a callback",
         test_free_accepts_null_and_delivers_without_a_callback},
        {"threads are reused and never exceed the limit",
         test_threads_are_reused_and_never_exceed_the_limit},
        {"workers block the program's signals", test_workers_block_the_programs_signals},
        {"run captures the worker's error for the loop thread",
         test_run_captures_the_workers_error_for_the_loop_thread},
        {"bad arguments are refused", test_bad_arguments_are_refused},
#ifdef ATH_FAULT_INJECTION
        {"create reports each failed allocation", test_create_reports_each_failed_allocation},
#endif
        {NULL, NULL}};
    test_add_suite("workers", NULL, NULL, tests);
}
