/* Private: the thread-safe connection pool. */
#ifndef ATH_CORE_POOL_H
#define ATH_CORE_POOL_H

#include <stdbool.h>

#include <athanor/engine.h>

#include "conn.h"

typedef struct ath_pool ath_pool;

/** Pool settings, from the engine's options. */
typedef struct ath_pool_config {
    int size;
    int max_overflow;
    double timeout; /* seconds */
    bool pre_ping;
    double recycle; /* seconds; < 0 never */
} ath_pool_config;

int ath_pool_create(ath_pool **out, ath_engine *engine, const ath_pool_config *config);
/** Closes idle connections and frees the pool; connections still out are the caller's bug. */
void ath_pool_free(ath_pool *pool);

/**
 * Closes the pool (ath_engine_dispose): idle connections are closed now, connections still
 * checked out are closed when they come back, and checkout refuses with ATH_EINVAL from then on.
 */
void ath_pool_close(ath_pool *pool);

/**
 * Hands out a connection: an idle one (pinged first with pre_ping, replaced when older than
 * recycle), a new one while under size + overflow, or — after waiting up to the timeout —
 * ATH_ETIMEOUT. Connection errors come back as they are (ATH_ECONNECT…).
 */
int ath_pool_checkout(ath_pool *pool, ath_conn **out);

/** Takes a connection back; a broken one, or one beyond pool size, is closed. */
void ath_pool_checkin(ath_pool *pool, ath_conn *conn);

/**
 * For a pipelined async read (core/session.c): a connection of the pool in pipeline mode that
 * other reads of the calling thread may be using at the same time -- the least shared one, or
 * a newly checked-out one (ath_pool_checkout's rules: pre-ping, recycle, pool_timeout) while
 * the pool has room below pool_size. Give it back with ath_pool_checkin_shared().
 */
int ath_pool_checkout_shared(ath_pool *pool, ath_conn **out);
/** Gives back one share; the last one takes the connection out of pipeline mode and returns
 *  it to the pool (ath_pool_checkin: a broken one is closed). */
void ath_pool_checkin_shared(ath_pool *pool, ath_conn *conn);

void ath_pool_get_status(ath_pool *pool, ath_pool_status *out);

#endif
