/* A worker thread pool for blocking work; completion is signalled through an eventfd (or pipe). */
#include "workers.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/eventfd.h>
#define HAVE_EVENTFD 1
#endif

#include "alloc.h"
#include "error.h"

/* ath_work.state: where an item is; DELIVERED is or'ed in once drain handed it back */
enum { W_IDLE = 0, W_QUEUED = 1, W_RUNNING = 2, W_DONE = 3, W_CANCELLED = 4, W_DELIVERED = 8 };

struct ath_workers {
    pthread_mutex_t lock;
    pthread_cond_t wake;          /* a worker waits here for work or for shutdown */
    ath_work *queue, *queue_tail; /* submitted, not started (FIFO) */
    size_t queued;
    ath_work *done, *done_tail; /* finished or cancelled, not yet delivered (completion order) */
    bool stopping;
    int max_threads;
    int idle;           /* threads waiting on `wake` */
    int busy;           /* threads inside a run() */
    pthread_t *threads; /* max_threads slots, the first `nthreads` started */
    atomic_int nthreads;
    atomic_size_t pending; /* submitted and not yet delivered */
    int rfd, wfd;          /* the same eventfd twice, or a pipe's two ends */
    bool is_pipe;
};

/* Makes the fd readable (called without the lock: a spurious wake only costs an empty drain). */
static void signal_fd(const ath_workers *p)
{
    ssize_t n;
    if (p->is_pipe) {
        char c = 1;
        do
            n = write(p->wfd, &c, 1);
        while (n < 0 && errno == EINTR);
    } else {
        uint64_t one = 1;
        do
            n = write(p->wfd, &one, sizeof one);
        while (n < 0 && errno == EINTR);
    }
    /* EAGAIN: a full pipe (or a saturated counter) is readable already */
    (void)n;
}

static void clear_fd(const ath_workers *p)
{
    char buf[64];
    ssize_t n;
    do
        n = read(p->rfd, buf, p->is_pipe ? sizeof buf : sizeof(uint64_t));
    while ((n < 0 && errno == EINTR) || (p->is_pipe && n == (ssize_t)sizeof buf));
}

/* Appends w to the done list; the caller holds the lock. True when the fd must be signalled:
 * the list was empty (otherwise an earlier completion signalled and no drain took it yet). */
static bool push_done(ath_workers *p, ath_work *w, int state)
{
    bool was_empty = !p->done;
    w->state = state;
    w->next = NULL;
    if (p->done_tail)
        p->done_tail->next = w;
    else
        p->done = w;
    p->done_tail = w;
    return was_empty;
}

static void *worker_main(void *arg)
{
    ath_workers *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->queue && !p->stopping) {
            p->idle++;
            pthread_cond_wait(&p->wake, &p->lock);
            p->idle--;
        }
        if (!p->queue)
            break; /* stopping: free() cancelled whatever was queued */
        ath_work *w = p->queue;
        if (!(p->queue = w->next))
            p->queue_tail = NULL;
        p->queued--;
        w->state = W_RUNNING;
        p->busy++;
        pthread_mutex_unlock(&p->lock);

        w->run(w);

        pthread_mutex_lock(&p->lock);
        p->busy--;
        if (push_done(p, w, W_DONE)) {
            pthread_mutex_unlock(&p->lock);
            signal_fd(p);
            pthread_mutex_lock(&p->lock);
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* Starts one more worker; the caller holds the lock. The new thread blocks every asynchronous
 * signal (the program's handlers stay on its threads); faults stay deliverable to it. */
static int start_thread(ath_workers *p)
{
    static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS};
    sigset_t all, old;
    sigfillset(&all);
    for (size_t i = 0; i < sizeof faults / sizeof *faults; i++)
        sigdelset(&all, faults[i]);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int n = atomic_load(&p->nthreads);
    int err = pthread_create(&p->threads[n], NULL, worker_main, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err)
        return ath_fail(err == EAGAIN ? ATH_ENOMEM : ATH_EIO, "starting a worker thread: %s",
                        strerror(err));
    atomic_store(&p->nthreads, n + 1);
    return ATH_OK;
}

static int open_fd(ath_workers *p, bool use_pipe)
{
#ifdef HAVE_EVENTFD
    if (!use_pipe) {
        int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (fd >= 0) {
            p->rfd = p->wfd = fd;
            return ATH_OK;
        }
        if (errno != ENOSYS && errno != EINVAL)
            return ath_fail(ATH_EIO, "creating the workers' eventfd: %s", strerror(errno));
    }
#else
    (void)use_pipe;
#endif
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
        return ath_fail(ATH_EIO, "creating the workers' pipe: %s", strerror(errno));
    p->rfd = fds[0];
    p->wfd = fds[1];
    p->is_pipe = true;
    return ATH_OK;
}

int ath_workers_create_with(ath_workers **out, int nthreads, bool use_pipe)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (nthreads < 1 || nthreads > ATH_WORKERS_MAX)
        return ath_fail(ATH_EINVAL, "worker threads: %d is out of range (1..%d)", nthreads,
                        ATH_WORKERS_MAX);
    ath_workers *p = ath_calloc(1, sizeof *p);
    if (!p)
        return ath_fail(ATH_ENOMEM, "allocating the worker pool");
    if (!(p->threads = ath_calloc((size_t)nthreads, sizeof *p->threads))) {
        ath_free(p);
        return ath_fail(ATH_ENOMEM, "allocating the worker pool's %d threads", nthreads);
    }
    int rc = open_fd(p, use_pipe);
    if (rc != ATH_OK) {
        ath_free(p->threads);
        ath_free(p);
        return rc;
    }
    p->max_threads = nthreads;
    atomic_init(&p->nthreads, 0);
    atomic_init(&p->pending, 0);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    *out = p;
    return ATH_OK;
}

int ath_workers_create(ath_workers **out, int nthreads)
{
    return ath_workers_create_with(out, nthreads, false);
}

int ath_workers_submit(ath_workers *p, ath_work *w)
{
    if (!p)
        return ath_null_arg(__func__, "p");
    if (!w)
        return ath_null_arg(__func__, "w");
    if (!w->run)
        return ath_null_arg(__func__, "w->run");
    int rc = ATH_OK;
    pthread_mutex_lock(&p->lock);
    if (p->stopping) {
        rc = ath_fail(ATH_EINVAL, "submitting work: the worker pool is shutting down");
        goto done;
    }
    if (w->state != W_IDLE && !(w->state & W_DELIVERED)) {
        rc = ath_fail(ATH_EINVAL, "submitting work: the item is already submitted and not yet "
                                  "delivered");
        goto done;
    }
    /* every thread not inside a run() takes a queued item before it waits again (also one that
     * has just finished and not yet relocked); start another only when they are not enough */
    int free_threads = atomic_load(&p->nthreads) - p->busy;
    if (p->queued + 1 > (size_t)free_threads && atomic_load(&p->nthreads) < p->max_threads) {
        rc = start_thread(p);
        if (rc != ATH_OK && atomic_load(&p->nthreads) > 0)
            rc = ATH_OK; /* the existing threads will get to it */
        if (rc != ATH_OK)
            goto done;
    }
    w->state = W_QUEUED;
    w->next = NULL;
    if (p->queue_tail)
        p->queue_tail->next = w;
    else
        p->queue = w;
    p->queue_tail = w;
    p->queued++;
    atomic_fetch_add(&p->pending, 1);
    if (p->idle > 0)
        pthread_cond_signal(&p->wake);
done:
    pthread_mutex_unlock(&p->lock);
    return rc;
}

/* Unlinks w from the queue if it is there; the caller holds the lock. */
static bool unqueue(ath_workers *p, ath_work *w)
{
    ath_work *prev = NULL;
    for (ath_work *it = p->queue; it; prev = it, it = it->next) {
        if (it != w)
            continue;
        if (prev)
            prev->next = w->next;
        else
            p->queue = w->next;
        if (p->queue_tail == w)
            p->queue_tail = prev;
        p->queued--;
        return true;
    }
    return false;
}

bool ath_workers_cancel(ath_workers *p, ath_work *w)
{
    if (!p || !w)
        return false;
    bool cancelled = false, wake = false;
    pthread_mutex_lock(&p->lock);
    if (w->state == W_QUEUED && unqueue(p, w)) {
        wake = push_done(p, w, W_CANCELLED);
        cancelled = true;
    }
    pthread_mutex_unlock(&p->lock);
    if (wake)
        signal_fd(p);
    return cancelled;
}

bool ath_work_cancelled(const ath_work *w)
{
    return w && (w->state & ~W_DELIVERED) == W_CANCELLED;
}

int ath_workers_fd(const ath_workers *p)
{
    return p ? p->rfd : -1;
}

size_t ath_workers_drain(ath_workers *p, void (*done)(ath_work *w, void *ctx), void *ctx)
{
    if (!p)
        return 0;
    pthread_mutex_lock(&p->lock);
    /* cleared with the list taken under the lock: a completion after this signals again */
    clear_fd(p);
    ath_work *list = p->done;
    p->done = p->done_tail = NULL;
    pthread_mutex_unlock(&p->lock);

    size_t n = 0;
    while (list) {
        ath_work *w = list;
        list = w->next; /* done may free w */
        w->next = NULL;
        w->state |= W_DELIVERED;
        atomic_fetch_sub(&p->pending, 1);
        n++;
        if (done)
            done(w, ctx);
    }
    return n;
}

size_t ath_workers_pending(const ath_workers *p)
{
    return p ? atomic_load(&p->pending) : 0;
}

int ath_workers_threads(const ath_workers *p)
{
    return p ? atomic_load(&p->nthreads) : 0;
}

void ath_workers_free(ath_workers *p, void (*done)(ath_work *w, void *ctx), void *ctx)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    while (p->queue) {
        ath_work *w = p->queue;
        p->queue = w->next;
        push_done(p, w, W_CANCELLED);
    }
    p->queue_tail = NULL;
    p->queued = 0;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);

    int n = atomic_load(&p->nthreads);
    for (int i = 0; i < n; i++)
        pthread_join(p->threads[i], NULL);
    ath_workers_drain(p, done, ctx);

    close(p->rfd);
    if (p->wfd != p->rfd)
        close(p->wfd);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    ath_free(p->threads);
    ath_free(p);
}
