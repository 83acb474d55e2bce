/* Read replicas: engines of their own (one pool each, the primary's options) that sessions of
 * the primary read from; round-robin or random with fall-over, a replica lagging more than
 * replica_max_lag skipped (PostgreSQL), the primary as the last resort. */
#include "routing.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alloc.h"
#include "engine.h"
#include "error.h"

struct ath_routing {
    ath_engine *replicas[ATH_MAX_REPLICAS];
    atomic_size_t count; /* slots below it are set and never change */
    atomic_size_t next;  /* round-robin position; the random policy's sequence number */
    uint64_t seed;       /* the random policy's: set once, when the list is made */
    atomic_flag adding;  /* one ath_engine_add_replica at a time */
};

int ath_engine_add_replica(ath_engine *engine, const char *url)
{
    if (!engine)
        return ath_null_arg(__func__, "engine");
    if (!url)
        return ath_null_arg(__func__, "url");
    if (ath_engine_disposed(engine))
        return ath_fail(ATH_EINVAL, "ath_engine_add_replica: the engine was disposed");
    _Atomic(ath_routing *) *slot = ath_engine_routing_slot(engine);
    ath_routing *rt = atomic_load(slot);
    if (!rt) {
        ath_routing *fresh = ath_calloc(1, sizeof *fresh);
        if (!fresh)
            return ath_fail(ATH_ENOMEM, "allocating the replica list");
        atomic_init(&fresh->count, 0);
        atomic_init(&fresh->next, 0);
        atomic_flag_clear(&fresh->adding);
        struct timespec ts;
        timespec_get(&ts, TIME_UTC);
        fresh->seed = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^
                      (uint64_t)(uintptr_t)fresh;
        if (atomic_compare_exchange_strong(slot, &rt, fresh))
            rt = fresh;
        else
            ath_free(fresh); /* another thread's list won: rt is it */
    }
    ath_engine *replica = NULL;
    int rc = ath_engine_create_opts(&replica, url, ath_engine_opts(engine));
    if (rc != ATH_OK)
        return rc;
    const char *mine = ath_engine_dialect(engine), *theirs = ath_engine_dialect(replica);
    if (ath_engine_opts(engine)->replica_max_lag > 0 && mine && strcmp(mine, "postgresql") != 0) {
        ath_engine_dispose(replica);
        return ath_fail(ATH_EINVAL,
                        "ath_engine_add_replica: replica_max_lag needs a server that reports "
                        "replica lag (PostgreSQL); the %s driver does not",
                        mine);
    }
    if (!mine || !theirs || strcmp(mine, theirs) != 0) {
        ath_engine_dispose(replica);
        return ath_fail(ATH_EINVAL,
                        "ath_engine_add_replica: the replica uses the %s driver, the primary %s: "
                        "a replica must use the primary's",
                        theirs ? theirs : "?", mine ? mine : "?");
    }
    while (atomic_flag_test_and_set(&rt->adding))
        ;
    size_t n = atomic_load(&rt->count);
    if (n == ATH_MAX_REPLICAS) {
        atomic_flag_clear(&rt->adding);
        ath_engine_dispose(replica);
        return ath_fail(ATH_EINVAL, "ath_engine_add_replica: the engine has %d replicas already "
                                    "(ATH_MAX_REPLICAS)",
                        ATH_MAX_REPLICAS);
    }
    rt->replicas[n] = replica;
    atomic_store(&rt->count, n + 1);
    atomic_flag_clear(&rt->adding);
    return ATH_OK;
}

size_t ath_engine_replica_count(const ath_engine *engine)
{
    if (!engine) {
        ath_null_arg(__func__, "engine");
        return 0;
    }
    ath_routing *rt = atomic_load(ath_engine_routing_slot((ath_engine *)engine));
    return rt ? atomic_load(&rt->count) : 0;
}

/* A well-mixed 64-bit function of a sequence number (Steele, Lea, Flood: SplitMix64). */
static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

/* PostgreSQL: how far a standby's replay is behind, in seconds: 0 when it has replayed all the
 * WAL it received (an idle primary sends no commits, so the age of the last replayed one says
 * nothing then) or is not in recovery; else the age of the last transaction it replayed. */
static const char LAG_SQL[] =
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0::float8 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0::float8 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8, 0) END";

static int replica_lag(ath_conn *conn, double *lag)
{
    ath_stmt *st = NULL;
    int rc = ath_conn_prepare(conn, LAG_SQL, &st);
    if (rc == ATH_OK)
        rc = ath_stmt_execute(st, NULL, 0);
    if (rc == ATH_OK) {
        rc = ath_stmt_step(st);
        if (rc > 0) {
            ath_value v;
            rc = ath_stmt_column(st, 0, ATH_T_DOUBLE, &v);
            if (rc == ATH_OK)
                *lag = v.type == ATH_T_DOUBLE ? v.u.f64 : 0;
            while (rc == ATH_OK && ath_stmt_step(st) > 0)
                ;
        } else if (rc == 0) {
            rc = ath_fail(ATH_ESQL, "the replica lag query returned no row");
        }
    }
    ath_stmt_release(st);
    return rc;
}

int ath_routing_checkout(ath_engine *primary, ath_conn **conn, ath_pool **pool)
{
    ath_routing *rt = atomic_load(ath_engine_routing_slot(primary));
    size_t n = rt ? atomic_load(&rt->count) : 0;
    if (n == 0)
        return 1;
    const ath_engine_options *o = ath_engine_opts(primary);
    size_t first = atomic_fetch_add(&rt->next, 1);
    if (o->replica_policy == ATH_REPLICA_RANDOM)
        first = (size_t)(splitmix64(rt->seed + (uint64_t)first) % n);
    for (size_t i = 0; i < n; i++) {
        ath_engine *replica = rt->replicas[(first + i) % n];
        ath_pool *p = ath_engine_pool(replica);
        if (ath_pool_checkout(p, conn) == ATH_OK) {
            double lag = 0;
            if (!(o->replica_max_lag > 0))
                ;
            else if (replica_lag(*conn, &lag) != ATH_OK) {
                (*conn)->broken = true; /* state unknown: do not pool it */
                ath_pool_checkin(p, *conn);
                *conn = NULL;
                ath_engine_log(primary, ATH_LOG_WARN,
                               "replica %zu of %zu: reading its lag failed (%s): %s",
                               (first + i) % n + 1, n, ath_code_name(ath_error_last()->code),
                               ath_error_last()->message);
                continue;
            } else if (lag > o->replica_max_lag) {
                ath_pool_checkin(p, *conn);
                *conn = NULL;
                ath_engine_log(primary, ATH_LOG_WARN,
                               "replica %zu of %zu skipped: %.3f s behind the primary "
                               "(replica_max_lag %g s)",
                               (first + i) % n + 1, n, lag, o->replica_max_lag);
                continue;
            }
            *pool = p;
            return ATH_OK;
        }
        ath_engine_log(primary, ATH_LOG_WARN, "replica %zu of %zu unavailable (%s): %s",
                       (first + i) % n + 1, n, ath_code_name(ath_error_last()->code),
                       ath_error_last()->message);
    }
    return 1;
}

void ath_routing_close(ath_routing *rt)
{
    if (!rt)
        return;
    size_t n = atomic_load(&rt->count);
    for (size_t i = 0; i < n; i++)
        ath_pool_close(ath_engine_pool(rt->replicas[i]));
}

void ath_routing_free(ath_routing *rt)
{
    if (!rt)
        return;
    size_t n = atomic_load(&rt->count);
    for (size_t i = 0; i < n; i++)
        ath_engine_dispose(rt->replicas[i]);
    ath_free(rt);
}

static bool word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Case-insensitive search for `word` as a whole word. */
static bool has_word(const char *sql, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = sql; *p; p++)
        if (strncasecmp(p, word, n) == 0 && (p == sql || !word_char(p[-1])) && !word_char(p[n]))
            return true;
    return false;
}

bool ath_sql_is_locking(const char *sql)
{
    /* FOR UPDATE, FOR NO KEY UPDATE, FOR SHARE, FOR KEY SHARE, LOCK IN SHARE MODE: a quoted
     * "for share" in a literal only sends a read to the primary, which is harmless */
    return (has_word(sql, "FOR") && (has_word(sql, "UPDATE") || has_word(sql, "SHARE"))) ||
           has_word(sql, "LOCK");
}
