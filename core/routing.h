/* Private: read replicas of an engine (core/routing.c), for the session's routing. */
#ifndef ATH_CORE_ROUTING_H
#define ATH_CORE_ROUTING_H

#include <stdbool.h>

#include <athanor/routing.h>

#include "conn.h"
#include "pool.h"

typedef struct ath_routing ath_routing;

/**
 * Checks out a connection from the next replica (round-robin) that gives one, falling over to
 * the following ones (a warning in the engine's log for each that fails). Sets *conn and *pool
 * (the replica's pool, to check it back in) and returns ATH_OK; returns 1 when the engine has no
 * replica or none gave a connection (the caller uses the primary).
 */
int ath_routing_checkout(ath_engine *primary, ath_conn **conn, ath_pool **pool);
/** The primary was disposed: the replicas' pools hand out nothing new. NULL is a no-op. */
void ath_routing_close(ath_routing *routing);
/** The primary's last reference went: disposes the replicas and frees. NULL is a no-op. */
void ath_routing_free(ath_routing *routing);
/** True for a statement that takes row locks (FOR UPDATE, FOR SHARE, …): primary only. */
bool ath_sql_is_locking(const char *sql);

#endif
