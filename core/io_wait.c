/* Waiting for a socket: the host table's wait(), poll() unless an async operation is running. */
#include "io_wait.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "athanor/sys/driver.h"
#include "error.h"

static _Thread_local struct {
    ath_io_waiter_fn fn;
    ath_io_park_fn park;
    void *ctx;
    bool worker;
} waiter;

void ath_io_set_waiter(ath_io_waiter_fn fn, ath_io_park_fn park, void *ctx)
{
    waiter.fn = fn;
    waiter.park = fn ? park : NULL;
    waiter.ctx = fn ? ctx : NULL;
}

bool ath_io_can_park(void)
{
    return waiter.park != NULL;
}

int ath_io_park(int64_t timeout_ms)
{
    if (!waiter.park)
        return ath_fail(ATH_EINVAL, "park: no async operation is running on this thread");
    return waiter.park(waiter.ctx, timeout_ms);
}

void *ath_io_current(void)
{
    return waiter.fn ? waiter.ctx : NULL;
}

void ath_io_set_worker(bool worker)
{
    waiter.worker = worker;
}

bool ath_io_on_worker(void)
{
    return waiter.worker;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ath_io_wait(int fd, unsigned events, int64_t timeout_ms)
{
    if (fd < 0 || (events & (ATH_WAIT_READ | ATH_WAIT_WRITE)) == 0)
        return ath_fail(ATH_EINVAL, "wait: no socket (fd %d) or no events (%u) to wait for", fd,
                        events);
    if (waiter.fn)
        return waiter.fn(waiter.ctx, fd, events, timeout_ms);

    struct pollfd p = {.fd = fd};
    if (events & ATH_WAIT_READ)
        p.events |= POLLIN;
    if (events & ATH_WAIT_WRITE)
        p.events |= POLLOUT;
    int64_t deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : -1;
    for (;;) {
        int left = -1;
        if (deadline >= 0) {
            int64_t rest = deadline - now_ms();
            left = rest <= 0 ? 0 : rest > 1000000000 ? 1000000000 : (int)rest;
        }
        int n = poll(&p, 1, left);
        if (n > 0)
            break;
        if (n == 0)
            return 0;
        if (errno != EINTR)
            return ath_fail(ATH_EIO, "wait: poll() on socket %d failed: %s", fd, strerror(errno));
    }
    unsigned ready = 0;
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
        return (int)events;
    if (p.revents & POLLIN)
        ready |= ATH_WAIT_READ;
    if (p.revents & POLLOUT)
        ready |= ATH_WAIT_WRITE;
    return (int)ready;
}
