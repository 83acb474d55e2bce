/* Athanor — read/write routing: one primary engine, read replicas, sessions that send reads to a
 * replica and stay on the primary from their first write until commit or rollback. See
 * docs/scaling.md. */
#ifndef ATHANOR_ROUTING_H
#define ATHANOR_ROUTING_H

#include <stddef.h>

#include "engine.h"
#include "export.h"
#include "session.h"

ATH_BEGIN_DECLS

/** The most replicas one engine takes. */
#define ATH_MAX_REPLICAS 16

/**
 * Adds a read replica to `engine` (the primary): `url` opens a pool of its own, with the
 * primary's engine options (pool size, pre-ping, recycle, echo, log, events) and pool rules per
 * member; the URL's own pool_* options apply on top. The replica must use the primary's driver
 * (a postgresql:// primary takes postgresql:// replicas). Replicas are tried in the order of the
 * primary's `replica_policy` (round-robin or random, engine.h), skipping one that lags more than
 * its `replica_max_lag` (PostgreSQL only: with it set on another driver, ATH_EINVAL here).
 *
 * Call it before sessions run on the engine (adding one while other threads open sessions is
 * safe, but which session sees it first is not defined). Replicas live until the engine is
 * disposed and its last session closed. Nothing is connected here: a bad URL fails now
 * (ATH_EURL, ATH_ENODRIVER), an unreachable replica when a session first reads.
 *
 * Returns ATH_OK, ATH_EINVAL (NULL argument, disposed engine, another driver than the primary's,
 * more than ATH_MAX_REPLICAS), or the codes of ath_engine_create_opts().
 */
ATH_API int ath_engine_add_replica(ath_engine *engine, const char *url);

/** How many replicas the engine has; 0 for a NULL engine (with the NULL-argument error). */
ATH_API size_t ath_engine_replica_count(const ath_engine *engine);

/** Where a session sends the statements of a transaction. */
typedef enum ath_route {
    /** The default: a transaction that starts with a read runs on a replica (the next in
     *  replica_policy order that connects; the primary when none does); the first write — or a
     *  locking read (FOR UPDATE/FOR SHARE), an explicit ath_session_begin(), a savepoint —
     *  moves the session to the primary, where it stays until commit or rollback. */
    ATH_ROUTE_AUTO = 0,
    /** Everything on the primary ("read your writes" across transactions). For one repository
     *  read, the call option ATH_OPT_PRIMARY (filter.h) does the same. */
    ATH_ROUTE_PRIMARY = 1
} ath_route;

/**
 * Sets how `session` routes its transactions from the next one on (a transaction already open
 * stays where it is). With no replica every route is the primary. Returns ATH_OK, ATH_EINVAL
 * (NULL or closed session, a value outside ath_route).
 */
ATH_API int ath_session_set_route(ath_session *session, ath_route route);

/** Where the session's open transaction runs. */
typedef enum ath_routed {
    ATH_ROUTED_NONE = 0,    /**< no transaction open (or a NULL session, with the error) */
    ATH_ROUTED_PRIMARY = 1, /**< on the primary */
    ATH_ROUTED_REPLICA = 2  /**< on a replica */
} ath_routed;

/** Where the session's open transaction runs (see ath_routed). */
ATH_API ath_routed ath_session_routed(const ath_session *session);

ATH_END_DECLS

#endif
