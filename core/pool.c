/* The connection pool: a mutex, a condition variable and a stack of idle connections. */
#include "pool.h"
#include "io_wait.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "alloc.h"
#include "engine.h"
#include "error.h"

struct ath_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed; /* signalled when a connection returns or a slot opens */
    ath_engine *engine;
    ath_pool_config config;
    int limit;       /* size + overflow, or 1 for a single-connection database */
    ath_conn **idle; /* LIFO: the most recently used connection goes out first */
    int nidle;
    int open; /* idle + checked out + being opened */
    int checked_out;
    int waiting;
    long opened_total;
    long closed_total;
    double lost_at;   /* when a connection last turned out lost: older ones are replaced */
    bool closed;      /* the engine was disposed: nothing new goes out, returns are closed */
    bool single;      /* the database lives in one connection (SQLite :memory:) */
    bool held;        /* single: the connection is checked out ... */
    pthread_t holder; /* ... by this thread */
    ath_conn **shared; /* checked out in pipeline mode, shared by async reads (at most limit) */
    int nshared;
    int shared_opening; /* checkouts under way that will add a shared connection */
};

/* A pipelined read opens (or takes from the idle list) another connection, rather than join
 * the least shared one, while that one already has this many sharers and the pool has room
 * below pool_size: the reads spread over the pool before they queue on one socket. */
#define SHARE_SPREAD 1

int ath_pool_create(ath_pool **out, ath_engine *engine, const ath_pool_config *config)
{
    *out = NULL;
    ath_pool *pool = ath_calloc(1, sizeof *pool);
    if (!pool)
        return ath_fail(ATH_ENOMEM, "allocating the pool");
    pool->engine = engine;
    pool->config = *config;
    pool->limit = config->size + config->max_overflow;
    if (!(pool->idle = ath_calloc((size_t)pool->limit, sizeof *pool->idle)) ||
        !(pool->shared = ath_calloc((size_t)pool->limit, sizeof *pool->shared))) {
        ath_free(pool->idle);
        ath_free(pool);
        return ath_fail(ATH_ENOMEM, "allocating the pool");
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&pool->freed, &attr);
    pthread_condattr_destroy(&attr);
    *out = pool;
    return ATH_OK;
}

void ath_pool_free(ath_pool *pool)
{
    if (!pool)
        return;
    for (int i = 0; i < pool->nidle; i++)
        ath_conn_close(pool->idle[i]);
    pthread_cond_destroy(&pool->freed);
    pthread_mutex_destroy(&pool->lock);
    ath_free(pool->idle);
    ath_free(pool->shared);
    ath_free(pool);
}

/* Closes a connection that was counted as open (lock not held). */
static void close_counted(ath_pool *pool, ath_conn *conn, const char *why)
{
    ath_engine_log(pool->engine, ATH_LOG_INFO, "closing a connection: %s", why);
    ath_conn_close(conn);
    pthread_mutex_lock(&pool->lock);
    pool->open--;
    pool->closed_total++;
    pthread_cond_signal(&pool->freed);
    pthread_mutex_unlock(&pool->lock);
}

void ath_pool_close(ath_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->closed = true;
    int n = pool->nidle;
    pool->nidle = 0;
    pthread_cond_broadcast(&pool->freed); /* waiters see `closed` and give up */
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < n; i++)
        close_counted(pool, pool->idle[i], "the engine was disposed");
}

/* Opens a connection for a slot already counted in pool->open and checked_out (lock not held);
 * `replacing`: the slot's previous connection was just closed. */
static int open_counted(ath_pool *pool, ath_conn **out, bool replacing)
{
    int rc = ath_conn_open(out, pool->engine);
    pthread_mutex_lock(&pool->lock);
    if (replacing)
        pool->closed_total++;
    if (rc != ATH_OK) {
        pool->open--;
        pool->checked_out--;
        pthread_cond_signal(&pool->freed);
    } else {
        pool->opened_total++;
        if ((*out)->info.caps & ATH_CAP_SINGLE_CONNECTION) {
            pool->limit = 1; /* the database lives in this connection: never open another */
            pool->single = true;
            pool->held = true;
            pool->holder = pthread_self();
        }
    }
    pthread_mutex_unlock(&pool->lock);
    return rc;
}

static struct timespec deadline_after(double seconds)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    long long ns = (long long)ts.tv_nsec + (long long)(seconds * 1e9);
    ts.tv_sec += (time_t)(ns / 1000000000LL);
    ts.tv_nsec = (long)(ns % 1000000000LL);
    return ts;
}

static int checkout(ath_pool *pool, ath_conn **out);

/* Milliseconds from now until a CLOCK_MONOTONIC deadline, 0 when it has passed. */
static int64_t ms_until(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ms = (int64_t)(deadline->tv_sec - now.tv_sec) * 1000 +
                 (deadline->tv_nsec - now.tv_nsec) / 1000000;
    return ms > 0 ? ms : 0;
}

int ath_pool_checkout(ath_pool *pool, ath_conn **out)
{
    int rc = checkout(pool, out);
    if (rc == ATH_OK) {
        ath_event ev = {.kind = ATH_EVENT_CHECKOUT, .connection = (*out)->serial, .rows = -1};
        ath_engine_event(pool->engine, &ev);
    }
    return rc;
}

static int checkout(ath_pool *pool, ath_conn **out)
{
    *out = NULL;
    struct timespec deadline = deadline_after(pool->config.timeout);
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        if (pool->closed) {
            pthread_mutex_unlock(&pool->lock);
            return ath_fail(ATH_EINVAL, "the engine was disposed (ath_engine_dispose): a session "
                                        "on it can finish a transaction that holds a connection, "
                                        "but cannot get a new one");
        }
        if (pool->nidle > 0) {
            ath_conn *conn = pool->idle[--pool->nidle];
            pool->checked_out++;
            /* a server that dropped one connection (restart, failover) dropped its elders too */
            bool stale = pool->lost_at > 0 && conn->created <= pool->lost_at;
            pthread_mutex_unlock(&pool->lock);
            const char *why = NULL;
            if (stale)
                why = "opened before a connection was found lost";
            else if (pool->config.recycle >= 0 &&
                     ath_monotonic() - conn->created > pool->config.recycle)
                why = "older than pool_recycle";
            else if (pool->config.pre_ping && ath_conn_ping(conn) != ATH_OK)
                why = "pre-ping failed";
            if (!why) {
                if (pool->single) {
                    pthread_mutex_lock(&pool->lock);
                    pool->held = true;
                    pool->holder = pthread_self();
                    pthread_mutex_unlock(&pool->lock);
                }
                *out = conn;
                return ATH_OK;
            }
            /* replace it in the same slot: still counted as open and checked out */
            ath_engine_log(pool->engine, ATH_LOG_INFO, "replacing a pooled connection: %s", why);
            ath_conn_close(conn);
            return open_counted(pool, out, true);
        }
        /* until a first connection has told us its capabilities, open one at a time: a
         * single-connection database (SQLite :memory:) must never get a second */
        int limit = pool->opened_total == 0 ? 1 : pool->limit;
        if (pool->open < limit) {
            pool->open++;
            pool->checked_out++;
            pthread_mutex_unlock(&pool->lock);
            return open_counted(pool, out, false);
        }
        if (pool->single && pool->held && pthread_equal(pool->holder, pthread_self()) &&
            !ath_io_on_worker()) {
            /* the one connection is held by this very thread: waiting would never end */
            pthread_mutex_unlock(&pool->lock);
            return ath_fail(ATH_EINVAL,
                            "the database lives in one connection (sqlite:///:memory:) and this "
                            "thread already holds it in another session's open transaction: "
                            "waiting for it would never end, so this fails at once; commit or "
                            "roll back that session first (or use a file database for "
                            "concurrent sessions)");
        }
        pool->waiting++;
        int wrc;
        if (ath_io_can_park()) {
            /* an async operation on the loop's thread: suspend it, never block the thread */
            pthread_mutex_unlock(&pool->lock);
            int prc = ath_io_park(ms_until(&deadline));
            pthread_mutex_lock(&pool->lock);
            pool->waiting--;
            if (prc == ATH_ECANCELED) {
                pthread_mutex_unlock(&pool->lock);
                return ath_fail(ATH_ECANCELED, "cancelled while waiting for a pooled connection");
            }
            wrc = ms_until(&deadline) == 0 ? ETIMEDOUT : 0;
        } else {
            wrc = pthread_cond_timedwait(&pool->freed, &pool->lock, &deadline);
            pool->waiting--;
        }
        if (wrc == ETIMEDOUT && pool->nidle == 0 && pool->open >= pool->limit) {
            int size = pool->limit, out_now = pool->checked_out;
            pthread_mutex_unlock(&pool->lock);
            return ath_fail(ATH_ETIMEOUT,
                            "no connection became free within pool_timeout=%gs (%d of %d in use)",
                            pool->config.timeout, out_now, size);
        }
    }
}

void ath_pool_checkin(ath_pool *pool, ath_conn *conn)
{
    if (!conn)
        return;
    ath_event ev = {.kind = ATH_EVENT_CHECKIN, .connection = conn->serial, .rows = -1};
    ath_engine_event(pool->engine, &ev);
    pthread_mutex_lock(&pool->lock);
    pool->checked_out--;
    pool->held = false;
    if (conn->lost)
        pool->lost_at = ath_monotonic();
    bool keep = !pool->closed && !conn->broken && pool->open <= pool->config.size &&
                pool->nidle < pool->limit;
    if (keep) {
        pool->idle[pool->nidle++] = conn;
        pthread_cond_signal(&pool->freed);
        pthread_mutex_unlock(&pool->lock);
        return;
    }
    pthread_mutex_unlock(&pool->lock);
    close_counted(pool, conn,
                  pool->closed   ? "the engine was disposed"
                  : conn->broken ? "connection broken"
                                 : "overflow returned");
}

void ath_pool_get_status(ath_pool *pool, ath_pool_status *out)
{
    pthread_mutex_lock(&pool->lock);
    out->size = pool->limit == 1 ? 1 : pool->config.size;
    out->open = pool->open;
    out->idle = pool->nidle;
    out->checked_out = pool->checked_out;
    out->waiting = pool->waiting;
    out->opened_total = pool->opened_total;
    out->closed_total = pool->closed_total;
    pthread_mutex_unlock(&pool->lock);
}

/* A connection shared by the calling thread's pipelined reads with the fewest sharers, or NULL
 * (lock held). Connections too old to join (pool_recycle, or opened before one was found lost)
 * take no more sharers: they go back to the pool after their last one, to be replaced there. */
static ath_conn *least_shared(ath_pool *pool)
{
    ath_conn *best = NULL;
    pthread_t self = pthread_self();
    double now = ath_monotonic();
    for (int i = 0; i < pool->nshared; i++) {
        ath_conn *c = pool->shared[i];
        if (!pthread_equal(c->share_thread, self) || c->retired || c->broken)
            continue;
        if ((pool->lost_at > 0 && c->created <= pool->lost_at) ||
            (pool->config.recycle >= 0 && now - c->created > pool->config.recycle)) {
            c->retired = true;
            continue;
        }
        if (!best || c->sharers < best->sharers)
            best = c;
    }
    return best;
}

int ath_pool_checkout_shared(ath_pool *pool, ath_conn **out)
{
    *out = NULL;
    struct timespec deadline = deadline_after(pool->config.timeout);
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        ath_conn *best = pool->closed ? NULL : least_shared(pool);
        bool room = !pool->closed && !pool->single &&
                    (pool->nidle > 0 || pool->open < pool->config.size);
        if (best && (!room || best->sharers < SHARE_SPREAD)) {
            best->sharers++;
            pthread_mutex_unlock(&pool->lock);
            ath_event ev = {.kind = ATH_EVENT_CHECKOUT, .connection = best->serial, .rows = -1};
            ath_engine_event(pool->engine, &ev);
            *out = best;
            return ATH_OK;
        }
        if (!best && !room && pool->shared_opening > 0 && ath_io_can_park()) {
            /* a shared connection is being opened: join it when it is there */
            pthread_mutex_unlock(&pool->lock);
            int64_t left = ms_until(&deadline);
            if (left == 0)
                return ath_fail(ATH_ETIMEOUT, "no connection became free within "
                                              "pool_timeout=%gs", pool->config.timeout);
            if (ath_io_park(left) == ATH_ECANCELED)
                return ath_fail(ATH_ECANCELED, "cancelled while waiting for a pooled connection");
            continue;
        }
        pool->shared_opening++;
        pthread_mutex_unlock(&pool->lock);
        ath_conn *conn;
        int rc = ath_pool_checkout(pool, &conn);
        if (rc == ATH_OK && conn->info.caps & ATH_CAP_SINGLE_CONNECTION) {
            rc = 1; /* never shared (not PostgreSQL): used on its own */
        } else if (rc == ATH_OK && (rc = ath_conn_pipeline(conn, true)) != ATH_OK) {
            ath_error_saved why;
            ath_error_save(&why);
            ath_pool_checkin(pool, conn);
            ath_error_restore(&why);
        }
        pthread_mutex_lock(&pool->lock);
        pool->shared_opening--;
        if (rc == ATH_OK) {
            conn->sharers = 1;
            conn->retired = false;
            conn->share_thread = pthread_self();
            pool->shared[pool->nshared++] = conn;
        }
        pthread_mutex_unlock(&pool->lock);
        if (rc == 1) {
            ath_pool_checkin(pool, conn);
            return ath_fail(ATH_EUNSUPPORTED, "this database's connections cannot be shared");
        }
        if (rc == ATH_OK)
            *out = conn;
        return rc;
    }
}

void ath_pool_checkin_shared(ath_pool *pool, ath_conn *conn)
{
    if (!conn)
        return;
    pthread_mutex_lock(&pool->lock);
    bool last = --conn->sharers == 0;
    if (last)
        for (int i = 0; i < pool->nshared; i++)
            if (pool->shared[i] == conn) {
                pool->shared[i] = pool->shared[--pool->nshared];
                break;
            }
    pthread_mutex_unlock(&pool->lock);
    if (!last) {
        ath_event ev = {.kind = ATH_EVENT_CHECKIN, .connection = conn->serial, .rows = -1};
        ath_engine_event(pool->engine, &ev);
        return;
    }
    ath_error_saved mine; /* leaving pipeline mode may fail: the caller's error stays */
    ath_error_save(&mine);
    if (!conn->broken)
        ath_conn_pipeline(conn, false); /* a failure marks it broken: closed below */
    ath_error_restore(&mine);
    conn->retired = false;
    ath_pool_checkin(pool, conn);
}
