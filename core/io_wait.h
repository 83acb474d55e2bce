/* Waiting for a socket: the host table's wait(), poll() unless an async operation is running. */
#ifndef ATHANOR_CORE_IO_WAIT_H
#define ATHANOR_CORE_IO_WAIT_H

#include <stdint.h>

/** The async runtime's wait: suspends the running operation until fd is ready (same results
 *  as ath_io_wait). */
typedef int (*ath_io_waiter_fn)(void *ctx, int fd, unsigned events, int64_t timeout_ms);

/** Sets (fn != NULL) or clears this thread's waiter; the async runtime sets it while one of
 *  its operations runs and clears it when the operation suspends or ends. */
void ath_io_set_waiter(ath_io_waiter_fn fn, void *ctx);

/** host->wait(): the ready ATH_WAIT_* events, 0 on time-out, ATH_ECANCELED, or ATH_EIO when
 *  poll() itself fails. An error or hang-up on the socket counts as ready for both directions,
 *  so the client library reads the error itself. */
int ath_io_wait(int fd, unsigned events, int64_t timeout_ms);

#endif
