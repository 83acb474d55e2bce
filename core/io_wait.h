/* Waiting for a socket: the host table's wait(), poll() unless an async operation is running. */
#ifndef ATHANOR_CORE_IO_WAIT_H
#define ATHANOR_CORE_IO_WAIT_H

#include <stdbool.h>
#include <stdint.h>

/** The async runtime's wait: suspends the running operation until fd is ready (same results
 *  as ath_io_wait). */
typedef int (*ath_io_waiter_fn)(void *ctx, int fd, unsigned events, int64_t timeout_ms);

/** The async runtime's park: suspends the running operation until the runtime wakes it (a pooled
 *  connection may have become free) or `timeout_ms` passes. ATH_OK, or ATH_ECANCELED. */
typedef int (*ath_io_park_fn)(void *ctx, int64_t timeout_ms);

/** Sets (fn != NULL) or clears this thread's waiter and park; the async runtime sets them while
 *  one of its operations runs on a fiber and clears them when it suspends or ends. */
void ath_io_set_waiter(ath_io_waiter_fn fn, ath_io_park_fn park, void *ctx);

/** True when the running code is an async operation that can park (pool waits then park instead
 *  of blocking the loop's thread on a condition variable). */
bool ath_io_can_park(void);

/** Parks the running async operation (see ath_io_park_fn); ATH_EINVAL when none runs. */
int ath_io_park(int64_t timeout_ms);

/** The context of the async operation running on this thread (the runtime's operation), or
 *  NULL when none runs. */
void *ath_io_current(void);

/** Marks this thread as an async worker (true) or not: the pool then does not refuse a wait for
 *  a single-connection database held "by this thread" (another operation holds it). */
void ath_io_set_worker(bool worker);
bool ath_io_on_worker(void);

/** host->wait(): the ready ATH_WAIT_* events, 0 on time-out, ATH_ECANCELED, or ATH_EIO when
 *  poll() itself fails. An error or hang-up on the socket counts as ready for both directions,
 *  so the client library reads the error itself. */
int ath_io_wait(int fd, unsigned events, int64_t timeout_ms);

#endif
