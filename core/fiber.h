/* Private: fibers, the stacks the async runtime runs the blocking core on. */
#ifndef ATH_CORE_FIBER_H
#define ATH_CORE_FIBER_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A fiber runs one function on a stack of its own (128 KiB under a PROT_NONE guard page) and
 * can suspend itself (ath_fiber_yield) to be continued later (ath_fiber_resume), on the same
 * thread or another. Switching is _setjmp/_longjmp (no system call); each fiber keeps its own
 * ath_error_last(), swapped in and out with it. Nothing here is exported from the library.
 *
 * One fiber is run by one thread at a time; calls on one fiber are not synchronised.
 * Thread-local variables read by code inside a fiber are those of the thread running it at that
 * moment: code that yields must not keep a thread-local's address across the yield.
 */
typedef struct ath_fiber ath_fiber;
typedef void (*ath_fiber_fn)(void *arg);

/** Usable stack of a fiber, in bytes (the guard page comes on top). */
#define ATH_FIBER_STACK_SIZE (128u * 1024u)
/** How many freed stacks the process keeps for the next ath_fiber_create. */
#define ATH_FIBER_CACHE_MAX 64u

/**
 * Creates a fiber that will run fn(arg) on its own stack; it does not start it. The stack comes
 * from the process's cache of freed stacks, else a new mmap. On success `*out` owns the fiber;
 * release it with ath_fiber_free(). Returns ATH_OK, ATH_EINVAL for a NULL `out` or `fn`,
 * ATH_ENOMEM when no memory or stack can be had (*out is NULL then).
 */
int ath_fiber_create(ath_fiber **out, ath_fiber_fn fn, void *arg);

/**
 * Runs `f` on the calling thread until it yields or its function returns. Returns true when the
 * function has returned (the fiber is finished; resuming it again returns true at once), false
 * when it yielded. While the fiber runs, ath_error_last() is the fiber's own; when this returns,
 * the caller's error is what it was before the call.
 *
 * Nested resume is refused: called from inside any fiber (or with NULL), it returns false at
 * once with ATH_EINVAL in ath_error_last(); the runtime resumes fibers only from its loop.
 */
bool ath_fiber_resume(ath_fiber *f);

/**
 * From inside a fiber: suspends it and returns to whoever resumed it (ath_fiber_resume returns
 * false there); returns when the fiber is resumed again. Outside any fiber: does nothing.
 */
void ath_fiber_yield(void);

/** The fiber running on this thread, or NULL outside any fiber. */
ath_fiber *ath_fiber_current(void);

/** True when `f`'s function has returned. */
bool ath_fiber_finished(const ath_fiber *f);

/**
 * Frees `f` and returns its stack to the cache (or unmaps it when the cache is full); NULL is a
 * no-op. `f` must not be running. A finished or never-started fiber is the normal case. Freeing
 * a suspended fiber is allowed but skips the rest of its function without unwinding it: nothing
 * of the fiber leaks (its stack is unmapped, not cached), but whatever the function holds does,
 * so do it only when the function holds no resources across its yields (the runtime never does).
 */
void ath_fiber_free(ath_fiber *f);

/**
 * Unmaps every cached stack (a clean exit under valgrind or ASan). Safe at any time: fibers in
 * use are untouched, and later creations map new stacks. Also run by a library destructor.
 */
void ath_fiber_release_cache(void);

/** How many freed stacks the cache holds now (tests; at most ATH_FIBER_CACHE_MAX). */
size_t ath_fiber_cached_stacks(void);

#endif
