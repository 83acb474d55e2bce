/* The async runtime on a libuv loop: a uv_poll_t per watched descriptor, one uv_timer_t. */
#include <athanor/async_uv.h>

#include <uv.h>

#include <stdlib.h>

struct watcher {
    uv_poll_t poll;
    int fd;
    ath_async_uv *owner;
    struct watcher *next;
};

struct ath_async_uv {
    uv_loop_t *loop;
    ath_async *async;
    uv_timer_t *timer;
    struct watcher *watchers;
};

static void free_handle(uv_handle_t *h)
{
    free(h->data);
}

static void on_poll(uv_poll_t *poll, int status, int events)
{
    struct watcher *w = poll->data;
    unsigned revents = 0;
    if (events & UV_READABLE)
        revents |= ATH_ASYNC_READ;
    if (events & UV_WRITABLE)
        revents |= ATH_ASYNC_WRITE;
    if (status < 0 || (events & UV_DISCONNECT))
        revents |= ATH_ASYNC_READ | ATH_ASYNC_WRITE; /* the client reads the error itself */
    ath_async_process(w->owner->async, w->fd, revents);
}

static void on_timer(uv_timer_t *timer)
{
    ath_async_uv *u = timer->data;
    ath_async_timeout(u->async);
}

static void stop_watcher(ath_async_uv *u, struct watcher **link)
{
    struct watcher *w = *link;
    *link = w->next;
    uv_poll_stop(&w->poll);
    uv_close((uv_handle_t *)&w->poll, free_handle);
    (void)u;
}

static void watch(void *loop, int fd, unsigned events)
{
    ath_async_uv *u = loop;
    struct watcher **link = &u->watchers;
    while (*link && (*link)->fd != fd)
        link = &(*link)->next;
    if (events == 0) {
        if (*link)
            stop_watcher(u, link);
        return;
    }
    struct watcher *w = *link;
    if (!w) {
        if (!(w = calloc(1, sizeof *w)))
            return; /* the operation then ends at its time-out */
        if (uv_poll_init(u->loop, &w->poll, fd) != 0) {
            free(w);
            return;
        }
        w->fd = fd;
        w->owner = u;
        w->poll.data = w;
        w->next = u->watchers;
        u->watchers = w;
    }
    int flags = ((events & ATH_ASYNC_READ) ? UV_READABLE : 0) |
                ((events & ATH_ASYNC_WRITE) ? UV_WRITABLE : 0);
    uv_poll_start(&w->poll, flags, on_poll);
}

static void timer(void *loop, int64_t timeout_ms)
{
    ath_async_uv *u = loop;
    if (timeout_ms < 0)
        uv_timer_stop(u->timer);
    else
        uv_timer_start(u->timer, on_timer, (uint64_t)timeout_ms, 0);
}

int ath_async_uv_create(ath_async_uv **out, uv_loop_t *loop, const ath_async_options *options)
{
    if (!out)
        return ath_error_set(ATH_EINVAL, "ath_async_uv_create: out is NULL");
    *out = NULL;
    if (!loop)
        return ath_error_set(ATH_EINVAL, "ath_async_uv_create: loop is NULL");
    ath_async_uv *u = calloc(1, sizeof *u);
    uv_timer_t *t = calloc(1, sizeof *t);
    if (!u || !t) {
        free(u);
        free(t);
        return ath_error_set(ATH_ENOMEM, "ath_async_uv_create: allocating the adapter");
    }
    ath_async_options o = ATH_ASYNC_OPTIONS_INIT;
    if (options && options->struct_size >= sizeof o)
        o = *options;
    else if (options && options->struct_size > 0)
        o.worker_threads = options->worker_threads;
    o.struct_size = sizeof o;
    o.watch = watch;
    o.timer = timer;
    o.loop = u;
    int rc = ath_async_create(&u->async, &o);
    if (rc != ATH_OK) {
        free(u);
        free(t);
        return rc;
    }
    u->loop = loop;
    uv_timer_init(loop, t);
    t->data = u;
    u->timer = t;
    *out = u;
    return ATH_OK;
}

ath_async *ath_async_uv_runtime(ath_async_uv *u)
{
    if (!u) {
        ath_error_set(ATH_EINVAL, "ath_async_uv_runtime: adapter is NULL");
        return NULL;
    }
    return u->async;
}

void ath_async_uv_free(ath_async_uv *u)
{
    if (!u)
        return;
    ath_async_free(u->async); /* may still stop watchers through watch() */
    while (u->watchers)
        stop_watcher(u, &u->watchers);
    uv_timer_stop(u->timer);
    u->timer->data = u->timer; /* free_handle frees handle->data: the timer itself */
    uv_close((uv_handle_t *)u->timer, free_handle);
    free(u);
}
