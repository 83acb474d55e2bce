/* Private: how the generated starters (core/async_ops.c) hand an operation to the runtime. */
#ifndef ATHANOR_CORE_ASYNC_INT_H
#define ATHANOR_CORE_ASYNC_INT_H

#include <athanor/async.h>

/** Runs an operation's blocking function on `session` with the copied arguments. */
typedef int (*ath_async_run_fn)(ath_session *session, void *args);

/** An input array the operation keeps its own copy of: the pointer member at `offset` in the
 *  arguments, `count` elements of `size` bytes. */
typedef struct ath_async_copy {
    size_t offset;
    size_t size;
    size_t count;
} ath_async_copy;

/**
 * Starts an operation on `session`: copies `size` bytes of `args` and the arrays `copies`
 * describes (the copied pointers are redirected to the copies), queues it behind the
 * session's other operations and, unless called from inside an operation, starts it at once.
 * `fn` names the starter for messages, `name` the blocking function (ath_async_op_name). ATH_OK or a
 * negative code, in which case `done` will not be called.
 */
int ath_async_start(ath_async_id *id, ath_async_session *session, const char *fn, const char *name,
                    ath_async_run_fn run, const void *args, size_t size,
                    const ath_async_copy *copies, size_t ncopies, ath_async_done_fn done, void *user);

/** As ath_async_start, for the async session owning an ordinary session (a repository's). */
int ath_async_start_on(ath_async_id *id, ath_session *session, const char *fn, const char *name,
                       ath_async_run_fn run, const void *args, size_t size,
                       const ath_async_copy *copies, size_t ncopies, ath_async_done_fn done, void *user);

/* host->waiter / suspend / resume (athanor/sys/driver.h): a driver's pipeline lets several
 * operations take turns on one connection. */
void *ath_async_host_waiter(void);
int ath_async_host_suspend(void);
void ath_async_host_resume(void *token);

#endif
