/* Fibers: mmap'd stacks, entered once through makecontext, then switched with _setjmp/_longjmp. */

/* _longjmp between stacks is what fibers do; the fortified __longjmp_chk takes a jump to another
 * stack below the current one for a corrupted frame and aborts. */
#ifdef _FORTIFY_SOURCE
#undef _FORTIFY_SOURCE
#endif

#include "fiber.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"

/* Sanitizers must be told of every stack switch (they track one stack per thread otherwise). */
#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define FIBER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FIBER_TSAN 1
#endif
#endif

#ifdef FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef FIBER_TSAN
#include <sanitizer/tsan_interface.h>
#endif
#ifdef ATH_HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

struct ath_fiber {
    jmp_buf self;   /* inside the fiber: where the next resume continues it */
    jmp_buf caller; /* in ath_fiber_resume: where a yield or the end continues */
    ath_fiber_fn fn;
    void *arg;
    char *map;   /* the guard page, then the stack */
    char *stack; /* lowest usable address */
    size_t map_size;
    bool started;
    bool finished;
    ath_fiber *next_cached;
#ifdef ATH_HAVE_VALGRIND_H
    unsigned valgrind_id;
#endif
#ifdef FIBER_ASAN
    void *self_fake;   /* ASan's fake stack of the fiber while it is switched out */
    void *caller_fake; /* and of the resumer while the fiber runs */
    const void *caller_bottom;
    size_t caller_size;
#endif
#ifdef FIBER_TSAN
    void *tsan_fiber;
    void *tsan_caller;
#endif
    ath_error_saved error;         /* the fiber's ath_error_last() while it is switched out */
    ath_error_saved resumer_error; /* the resumer's while the fiber runs */
};

static _Thread_local ath_fiber *running; /* the fiber this thread runs now */
static _Thread_local ath_fiber *priming; /* handed to trampoline() by prime() */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static ath_fiber *cache;
static size_t cache_count;

/* Tells ASan and TSan that the thread is about to leave the resumer's stack for f's. */
static inline void tell_sanitizers_we_enter(ath_fiber *f)
{
#ifdef FIBER_ASAN
    __sanitizer_start_switch_fiber(&f->caller_fake, f->stack, ATH_FIBER_STACK_SIZE);
#endif
#ifdef FIBER_TSAN
    f->tsan_caller = __tsan_get_current_fiber();
    __tsan_switch_to_fiber(f->tsan_fiber, 0);
#endif
    (void)f;
}

/* From the resumer into the fiber (whose `self` is set); returns when the fiber jumps back. */
static void jump_in(ath_fiber *f)
{
    if (!_setjmp(f->caller)) {
        tell_sanitizers_we_enter(f);
        _longjmp(f->self, 1);
    }
#ifdef FIBER_ASAN
    __sanitizer_finish_switch_fiber(f->caller_fake, NULL, NULL);
#endif
}

/* From the fiber back to its resumer; returns when the fiber is resumed (perhaps on another
 * thread). `end`: the function has returned, ASan drops the fiber's fake stack. */
static void jump_out(ath_fiber *f, bool end)
{
    if (!_setjmp(f->self)) {
#ifdef FIBER_ASAN
        if (end)
            f->self_fake = NULL;
        __sanitizer_start_switch_fiber(end ? NULL : &f->self_fake, f->caller_bottom,
                                       f->caller_size);
#endif
#ifdef FIBER_TSAN
        __tsan_switch_to_fiber(f->tsan_caller, 0);
#endif
        (void)end;
        _longjmp(f->caller, 1);
    }
#ifdef FIBER_ASAN
    __sanitizer_finish_switch_fiber(f->self_fake, &f->caller_bottom, &f->caller_size);
#endif
}

/* The bottom frame of every fiber stack: parks at once (prime), then runs one function per use
 * of the stack, parking after each; a cached stack is a fiber parked here. */
static void trampoline(void)
{
    ath_fiber *f = priming;
#ifdef FIBER_ASAN
    __sanitizer_finish_switch_fiber(NULL, &f->caller_bottom, &f->caller_size);
#endif
    jump_out(f, false);
    for (;;) {
        f->fn(f->arg);
        f->finished = true;
        jump_out(f, true);
    }
}

/* Enters a new stack once through makecontext/setcontext (setcontext, not swapcontext: the
 * way back is the _longjmp to f->caller, and ASan warns about swapcontext) so that
 * trampoline() sets `self` and parks. */
static int prime(ath_fiber *f)
{
    ucontext_t there;
    if (getcontext(&there) != 0)
        return ath_fail(ATH_ENOMEM, "ath_fiber_create: getcontext: %s", strerror(errno));
    there.uc_stack.ss_sp = f->stack;
    there.uc_stack.ss_size = ATH_FIBER_STACK_SIZE;
    there.uc_link = NULL;
    makecontext(&there, trampoline, 0);
    priming = f;
    if (!_setjmp(f->caller)) {
        tell_sanitizers_we_enter(f);
        setcontext(&there); /* comes back by _longjmp to f->caller */
    }
#ifdef FIBER_ASAN
    __sanitizer_finish_switch_fiber(f->caller_fake, NULL, NULL);
#endif
    priming = NULL;
    return ATH_OK;
}

/* Unmaps a fiber's stack and frees it (cached, finished or abandoned while suspended). */
static void destroy(ath_fiber *f)
{
#ifdef ATH_HAVE_VALGRIND_H
    VALGRIND_STACK_DEREGISTER(f->valgrind_id);
#endif
#ifdef FIBER_ASAN
    /* frames left on the stack stay poisoned otherwise, and a later mapping may reuse it */
    ASAN_UNPOISON_MEMORY_REGION(f->stack, ATH_FIBER_STACK_SIZE);
#endif
#ifdef FIBER_TSAN
    if (f->tsan_fiber)
        __tsan_destroy_fiber(f->tsan_fiber);
#endif
    if (f->map)
        munmap(f->map, f->map_size);
    ath_free(f);
}

/* A new fiber: a stack under a guard page, registered with the tools, parked in trampoline(). */
static int fiber_new(ath_fiber **out)
{
    ath_fiber *f = ath_calloc(1, sizeof *f);
    if (!f)
        return ath_fail(ATH_ENOMEM, "ath_fiber_create: allocating a fiber");
    long page = sysconf(_SC_PAGESIZE);
    f->map_size = (size_t)(page > 0 ? page : 4096) + ATH_FIBER_STACK_SIZE;
    void *map = mmap(NULL, f->map_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (map == MAP_FAILED) {
        int e = errno;
        ath_free(f);
        return ath_fail(ATH_ENOMEM, "ath_fiber_create: mapping a %u KiB stack: %s",
                        ATH_FIBER_STACK_SIZE / 1024u, strerror(e));
    }
    f->map = map;
    f->stack = f->map + (f->map_size - ATH_FIBER_STACK_SIZE);
    if (mprotect(f->map, f->map_size - ATH_FIBER_STACK_SIZE, PROT_NONE) != 0) {
        int e = errno;
        destroy(f);
        return ath_fail(ATH_ENOMEM, "ath_fiber_create: protecting the guard page: %s", strerror(e));
    }
#ifdef ATH_HAVE_VALGRIND_H
    f->valgrind_id = VALGRIND_STACK_REGISTER(f->stack, f->stack + ATH_FIBER_STACK_SIZE);
#endif
#ifdef FIBER_TSAN
    f->tsan_fiber = __tsan_create_fiber(0);
#endif
    int rc = prime(f);
    if (rc != ATH_OK) {
        destroy(f);
        return rc;
    }
    *out = f;
    return ATH_OK;
}

int ath_fiber_create(ath_fiber **out, ath_fiber_fn fn, void *arg)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!fn)
        return ath_null_arg(__func__, "fn");
    pthread_mutex_lock(&cache_lock);
    ath_fiber *f = cache;
    if (f) {
        cache = f->next_cached;
        cache_count--;
    }
    pthread_mutex_unlock(&cache_lock);
    if (!f) {
        int rc = fiber_new(&f);
        if (rc != ATH_OK)
            return rc;
    }
    f->next_cached = NULL;
    f->fn = fn;
    f->arg = arg;
    f->started = false;
    f->finished = false;
    memset(&f->error, 0, sizeof f->error);
    *out = f;
    return ATH_OK;
}

bool ath_fiber_resume(ath_fiber *f)
{
    if (!f) {
        ath_null_arg(__func__, "f");
        return false;
    }
    if (running) {
        ath_fail(ATH_EINVAL, "ath_fiber_resume: called inside a fiber (nested resume is refused)");
        return false;
    }
    if (f->finished)
        return true;
    f->started = true;
    ath_error_save(&f->resumer_error);
    ath_error_restore(&f->error);
    running = f;
    jump_in(f);
    running = NULL;
    ath_error_save(&f->error);
    ath_error_restore(&f->resumer_error);
    return f->finished;
}

void ath_fiber_yield(void)
{
    ath_fiber *f = running;
    if (f)
        jump_out(f, false); /* no thread-local is read after this: the thread may differ */
}

ath_fiber *ath_fiber_current(void)
{
    return running;
}

bool ath_fiber_finished(const ath_fiber *f)
{
    return f && f->finished;
}

void ath_fiber_free(ath_fiber *f)
{
    if (!f)
        return;
    if (f->started && !f->finished) {
        destroy(f); /* its stack holds the abandoned frames: not reusable */
        return;
    }
    pthread_mutex_lock(&cache_lock);
    if (cache_count < ATH_FIBER_CACHE_MAX) {
        f->next_cached = cache;
        cache = f;
        cache_count++;
        f = NULL;
    }
    pthread_mutex_unlock(&cache_lock);
    if (f)
        destroy(f);
}

void ath_fiber_release_cache(void)
{
    pthread_mutex_lock(&cache_lock);
    ath_fiber *list = cache;
    cache = NULL;
    cache_count = 0;
    pthread_mutex_unlock(&cache_lock);
    while (list) {
        ath_fiber *next = list->next_cached;
        destroy(list);
        list = next;
    }
}

size_t ath_fiber_cached_stacks(void)
{
    pthread_mutex_lock(&cache_lock);
    size_t n = cache_count;
    pthread_mutex_unlock(&cache_lock);
    return n;
}

/* at exit or unload: the cached stacks go, so leak checkers see none */
__attribute__((destructor)) static void release_at_unload(void)
{
    ath_fiber_release_cache();
}
