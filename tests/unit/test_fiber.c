/* Tests for core/fiber.c: switching, per-fiber errors, stacks and their cache, threads. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <athanor/error.h>

#include "error.h"
#include "fiber.h"
#include "runner.h"

/* Yields `steps` times, counting each step in *count. */
typedef struct counter {
    int steps;
    int count;
} counter;

static void count_and_yield(void *arg)
{
    counter *c = arg;
    for (int i = 0; i < c->steps; i++) {
        c->count++;
        ath_fiber_yield();
    }
    c->count += 100; /* the part after the last yield ran */
}

static void test_fiber_yields_n_times_then_finishes(void)
{
    counter c = {.steps = 5};
    ath_fiber *f = NULL;
    ASSERT_RC(ath_fiber_create(&f, count_and_yield, &c), ATH_OK);
    CU_ASSERT_EQUAL(c.count, 0); /* created, not started */
    CU_ASSERT_FALSE(ath_fiber_finished(f));
    for (int i = 1; i <= 5; i++) {
        CU_ASSERT_FALSE(ath_fiber_resume(f));
        CU_ASSERT_EQUAL(c.count, i);
    }
    CU_ASSERT_TRUE(ath_fiber_resume(f));
    CU_ASSERT_EQUAL(c.count, 105);
    CU_ASSERT_TRUE(ath_fiber_finished(f));
    CU_ASSERT_TRUE(ath_fiber_resume(f)); /* finished: nothing runs again */
    CU_ASSERT_EQUAL(c.count, 105);
    ath_fiber_free(f);
}

/* Two fibers writing to one log take turns in the order they are resumed. */
typedef struct writer {
    char *log;
    char name;
} writer;

static void write_three(void *arg)
{
    writer *w = arg;
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(w->log);
        w->log[n] = w->name;
        w->log[n + 1] = (char)('0' + i);
        w->log[n + 2] = '\0';
        ath_fiber_yield();
    }
}

static void test_two_fibers_interleave_in_resume_order(void)
{
    char log[64] = "";
    writer a = {log, 'a'}, b = {log, 'b'};
    ath_fiber *fa = NULL, *fb = NULL;
    ASSERT_RC(ath_fiber_create(&fa, write_three, &a), ATH_OK);
    ASSERT_RC(ath_fiber_create(&fb, write_three, &b), ATH_OK);
    bool da = false, db = false;
    while (!da || !db) {
        if (!da)
            da = ath_fiber_resume(fa);
        if (!db)
            db = ath_fiber_resume(fb);
    }
    CU_ASSERT_STRING_EQUAL(log, "a0b0a1b1a2b2");
    ath_fiber_free(fa);
    ath_fiber_free(fb);
}

/* What a fiber saw of its own error after being resumed, and of ath_fiber_current(). */
typedef struct error_seen {
    ath_fiber *self;
    bool current_was_self;
    int code_at_start;
    int code_after_resume;
    char message_after_resume[128];
} error_seen;

static void fail_then_look(void *arg)
{
    error_seen *s = arg;
    s->current_was_self = ath_fiber_current() == s->self;
    s->code_at_start = ath_error_last()->code;
    ath_fail(ATH_ENOTFOUND, "the fiber's own error");
    ath_fiber_yield();
    s->code_after_resume = ath_error_last()->code;
    snprintf(s->message_after_resume, sizeof s->message_after_resume, "%s",
             ath_error_last()->message);
}

static void test_each_fiber_keeps_its_own_last_error(void)
{
    error_seen s = {0};
    ath_fiber *f = NULL;
    ASSERT_RC(ath_fiber_create(&f, fail_then_look, &s), ATH_OK);
    s.self = f;
    ath_fail(ATH_EINVAL, "the loop's first error");
    CU_ASSERT_FALSE(ath_fiber_resume(f));
    CU_ASSERT_TRUE(s.current_was_self);
    CU_ASSERT_EQUAL(s.code_at_start, ATH_OK); /* a new fiber starts with no error */
    /* the fiber's error stayed in the fiber */
    CU_ASSERT_EQUAL(ath_error_last()->code, ATH_EINVAL);
    CU_ASSERT_STRING_EQUAL(ath_error_last()->message, "the loop's first error");
    ath_fail(ATH_EIO, "the loop's second error");
    CU_ASSERT_TRUE(ath_fiber_resume(f));
    CU_ASSERT_EQUAL(s.code_after_resume, ATH_ENOTFOUND);
    CU_ASSERT_STRING_EQUAL(s.message_after_resume, "the fiber's own error");
    CU_ASSERT_EQUAL(ath_error_last()->code, ATH_EIO);
    CU_ASSERT_STRING_EQUAL(ath_error_last()->message, "the loop's second error");
    CU_ASSERT_PTR_NULL(ath_fiber_current());
    ath_fiber_free(f);
}

/* Recursion through 1 KiB frames, reporting the lowest stack address it reached. */
typedef struct deep {
    int depth;
    size_t frame_size;
    uintptr_t top, lowest;
    long sum;
} deep;

/* The frame is a variable-length array so that it is on the stack itself even when ASan moves
 * fixed-size locals to its fake stack (detect_stack_use_after_return). */
static __attribute__((noinline)) long recurse(deep *d, int level)
{
    volatile char frame[d->frame_size];
    for (size_t i = 0; i < d->frame_size; i++)
        frame[i] = (char)(level + (int)i);
    if ((uintptr_t)frame < d->lowest)
        d->lowest = (uintptr_t)frame;
    long below = level + 1 < d->depth ? recurse(d, level + 1) : 0;
    return below + frame[level % (int)d->frame_size] + 1; /* uses the frame after the call */
}

static void go_deep(void *arg)
{
    deep *d = arg;
    d->top = d->lowest = (uintptr_t)__builtin_frame_address(0); /* not a local: see recurse */
    d->sum = recurse(d, 0);
    ath_fiber_yield(); /* the deep stack is gone; switching still works */
    d->sum += 1;
}

static void test_fiber_recursion_uses_64_kib_of_stack(void)
{
    deep d = {.depth = 64, .frame_size = 1024};
    ath_fiber *f = NULL;
    ASSERT_RC(ath_fiber_create(&f, go_deep, &d), ATH_OK);
    CU_ASSERT_FALSE(ath_fiber_resume(f));
    long expected = 0;
    for (int level = 0; level < 64; level++)
        expected += (char)(level + level) + 1;
    CU_ASSERT_EQUAL(d.sum, expected);
    CU_ASSERT(d.top - d.lowest >= 63u * 1024u);
    CU_ASSERT(d.top - d.lowest < ATH_FIBER_STACK_SIZE);
    CU_ASSERT_TRUE(ath_fiber_resume(f));
    CU_ASSERT_EQUAL(d.sum, expected + 1);
    ath_fiber_free(f);
}

/* Records where its stack is. */
static void note_stack(void *arg)
{
    char here;
    *(uintptr_t *)arg = (uintptr_t)&here;
}

static void test_sequential_fibers_reuse_one_cached_stack(void)
{
    ath_fiber_release_cache();
    CU_ASSERT_EQUAL(ath_fiber_cached_stacks(), 0);
    uintptr_t first = 0, where = 0;
    int same = 0, finished = 0;
    for (int i = 0; i < 1000; i++) {
        ath_fiber *f = NULL;
        if (ath_fiber_create(&f, note_stack, &where) != ATH_OK)
            break;
        CU_ASSERT_EQUAL(ath_fiber_cached_stacks(), 0); /* the one stack is in use */
        finished += ath_fiber_resume(f);
        if (i == 0)
            first = where;
        same += where == first;
        ath_fiber_free(f);
    }
    CU_ASSERT_EQUAL(finished, 1000);
    CU_ASSERT_EQUAL(same, 1000);
    CU_ASSERT_EQUAL(ath_fiber_cached_stacks(), 1);
    ath_fiber_release_cache();
    CU_ASSERT_EQUAL(ath_fiber_cached_stacks(), 0);
}

static void do_nothing(void *arg)
{
    (void)arg;
}

static void test_cache_keeps_at_most_64_stacks(void)
{
    ath_fiber_release_cache();
    enum { N = 70 };
    ath_fiber *fibers[N] = {0};
    for (int i = 0; i < N; i++)
        ASSERT_RC(ath_fiber_create(&fibers[i], do_nothing, NULL), ATH_OK);
    for (int i = 0; i < N; i++) {
        if (i % 2)
            CU_ASSERT_TRUE(ath_fiber_resume(fibers[i])); /* finished and never-started alike */
        ath_fiber_free(fibers[i]);
    }
    CU_ASSERT_EQUAL(ath_fiber_cached_stacks(), ATH_FIBER_CACHE_MAX);
    ath_fiber_release_cache();
    CU_ASSERT_EQUAL(ath_fiber_cached_stacks(), 0);
}

static void test_yield_outside_a_fiber_does_nothing(void)
{
    ath_fail(ATH_EIO, "kept");
    CU_ASSERT_PTR_NULL(ath_fiber_current());
    ath_fiber_yield();
    CU_ASSERT_PTR_NULL(ath_fiber_current());
    CU_ASSERT_EQUAL(ath_error_last()->code, ATH_EIO);
    CU_ASSERT_STRING_EQUAL(ath_error_last()->message, "kept");
}

/* Tries to resume another fiber from inside this one. */
typedef struct nested {
    ath_fiber *other;
    bool result;
    int code;
    char message[128];
} nested;

static void resume_other(void *arg)
{
    nested *n = arg;
    n->result = ath_fiber_resume(n->other);
    n->code = ath_error_last()->code;
    snprintf(n->message, sizeof n->message, "%s", ath_error_last()->message);
}

static void test_nested_resume_is_refused(void)
{
    counter c = {.steps = 1};
    nested n = {0};
    ath_fiber *outer = NULL;
    ASSERT_RC(ath_fiber_create(&n.other, count_and_yield, &c), ATH_OK);
    ASSERT_RC(ath_fiber_create(&outer, resume_other, &n), ATH_OK);
    CU_ASSERT_TRUE(ath_fiber_resume(outer));
    CU_ASSERT_FALSE(n.result);
    CU_ASSERT_EQUAL(n.code, ATH_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(n.message, "nested resume is refused"));
    CU_ASSERT_EQUAL(c.count, 0); /* the other fiber never ran */
    CU_ASSERT_FALSE(ath_fiber_resume(n.other));
    CU_ASSERT_EQUAL(c.count, 1);
    ath_fiber_free(outer);
    ath_fiber_free(n.other);
}

static void test_null_arguments_are_refused(void)
{
    ath_fiber *f = (ath_fiber *)&f;
    ASSERT_RC(ath_fiber_create(&f, NULL, NULL), ATH_EINVAL);
    CU_ASSERT_PTR_NULL(f);
    ASSERT_ERR_HAS("ath_fiber_create: fn is NULL");
    ASSERT_RC(ath_fiber_create(NULL, do_nothing, NULL), ATH_EINVAL);
    ath_error_clear();
    CU_ASSERT_FALSE(ath_fiber_resume(NULL));
    CU_ASSERT_EQUAL(ath_error_last()->code, ATH_EINVAL);
    CU_ASSERT_FALSE(ath_fiber_finished(NULL));
    ath_fiber_free(NULL);
}

/* Freeing a suspended fiber drops it without caching its stack. */
static void test_freeing_a_suspended_fiber_does_not_cache_its_stack(void)
{
    ath_fiber_release_cache();
    counter c = {.steps = 3};
    ath_fiber *f = NULL;
    ASSERT_RC(ath_fiber_create(&f, count_and_yield, &c), ATH_OK);
    CU_ASSERT_FALSE(ath_fiber_resume(f));
    ath_fiber_free(f);
    CU_ASSERT_EQUAL(c.count, 1);
    CU_ASSERT_EQUAL(ath_fiber_cached_stacks(), 0);
}

/* Which threads a fiber ran on. */
typedef struct travel {
    pthread_t first, second;
} travel;

/* pthread_self() is declared const: a compiler may reuse its value across the yield, so the
 * second call goes through a pointer it cannot see through (fiber.h: no thread-locals kept). */
static pthread_t (*volatile thread_self)(void) = pthread_self;

static void note_threads(void *arg)
{
    travel *t = arg;
    t->first = thread_self();
    ath_fiber_yield();
    t->second = thread_self();
}

static void *resume_until_done(void *arg)
{
    ath_fiber *f = arg;
    int resumes = 0;
    while (!ath_fiber_resume(f) && resumes < 10)
        resumes++;
    return ath_fiber_finished(f) ? f : NULL;
}

static void test_fiber_runs_on_a_thread_other_than_its_creator(void)
{
    travel t;
    memset(&t, 0, sizeof t);
    ath_fiber *f = NULL;
    ASSERT_RC(ath_fiber_create(&f, note_threads, &t), ATH_OK);
    pthread_t worker;
    void *result = NULL;
    CU_ASSERT_EQUAL(pthread_create(&worker, NULL, resume_until_done, f), 0);
    pthread_join(worker, &result);
    CU_ASSERT_PTR_EQUAL(result, f);
    CU_ASSERT_TRUE(pthread_equal(t.first, worker));
    CU_ASSERT_TRUE(pthread_equal(t.second, worker));
    ath_fiber_free(f);
}

static void test_fiber_started_on_one_thread_finishes_on_another(void)
{
    travel t;
    memset(&t, 0, sizeof t);
    ath_fiber *f = NULL;
    ASSERT_RC(ath_fiber_create(&f, note_threads, &t), ATH_OK);
    CU_ASSERT_FALSE(ath_fiber_resume(f));
    CU_ASSERT_TRUE(pthread_equal(t.first, pthread_self()));
    pthread_t worker;
    void *result = NULL;
    CU_ASSERT_EQUAL(pthread_create(&worker, NULL, resume_until_done, f), 0);
    pthread_join(worker, &result);
    CU_ASSERT_PTR_EQUAL(result, f);
    CU_ASSERT_TRUE(pthread_equal(t.second, worker));
    CU_ASSERT_PTR_NULL(ath_fiber_current());
    ath_fiber_free(f);
}

/* A fiber yielding in a loop; the round trip (resume + yield) is timed and printed. */
static void test_yield_resume_round_trip(void)
{
    enum { ROUNDS = 20000 };
    counter c = {.steps = ROUNDS};
    ath_fiber *f = NULL;
    ASSERT_RC(ath_fiber_create(&f, count_and_yield, &c), ATH_OK);
    int yields = 0;
    double t0 = test_now();
    while (!ath_fiber_resume(f))
        yields++;
    double t1 = test_now();
    CU_ASSERT_EQUAL(yields, ROUNDS);
    CU_ASSERT_EQUAL(c.count, ROUNDS + 100);
    printf("\n    fiber yield+resume round trip: %.0f ns ", (t1 - t0) * 1e9 / ROUNDS);
    ath_fiber_free(f);
}

TEST_SUITE(fiber)
{
    static const test_case tests[] = {
        {"fiber yields n times then finishes", test_fiber_yields_n_times_then_finishes},
        {"two fibers interleave in resume order", test_two_fibers_interleave_in_resume_order},
        {"each fiber keeps its own last error", test_each_fiber_keeps_its_own_last_error},
        {"fiber recursion uses 64 KiB of stack", test_fiber_recursion_uses_64_kib_of_stack},
        {"sequential fibers reuse one cached stack", test_sequential_fibers_reuse_one_cached_stack},
        {"cache keeps at most 64 stacks", test_cache_keeps_at_most_64_stacks},
        {"yield outside a fiber does nothing", test_yield_outside_a_fiber_does_nothing},
        {"nested resume is refused", test_nested_resume_is_refused},
        {"null arguments are refused", test_null_arguments_are_refused},
        {"freeing a suspended fiber does not cache its stack",
         test_freeing_a_suspended_fiber_does_not_cache_its_stack},
        {"fiber runs on a thread other than its creator",
         test_fiber_runs_on_a_thread_other_than_its_creator},
        {"fiber started on one thread finishes on another",
         test_fiber_started_on_one_thread_finishes_on_another},
        {"yield+resume round trip", test_yield_resume_round_trip},
        {NULL, NULL},
    };
    test_add_suite("fiber", NULL, NULL, tests);
}
