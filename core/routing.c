/* Read replicas: engines of their own (one pool each, the primary's options) that sessions of
 * the primary read from; round-robin with fall-over, the primary as the last resort. */
#include "routing.h"

#include <ctype.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "engine.h"
#include "error.h"

struct ath_routing {
    ath_engine *replicas[ATH_MAX_REPLICAS];
    atomic_size_t count; /* slots below it are set and never change */
    atomic_size_t next;  /* round-robin position */
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

int ath_routing_checkout(ath_engine *primary, ath_conn **conn, ath_pool **pool)
{
    ath_routing *rt = atomic_load(ath_engine_routing_slot(primary));
    size_t n = rt ? atomic_load(&rt->count) : 0;
    if (n == 0)
        return 1;
    size_t first = atomic_fetch_add(&rt->next, 1);
    for (size_t i = 0; i < n; i++) {
        ath_engine *replica = rt->replicas[(first + i) % n];
        ath_pool *p = ath_engine_pool(replica);
        if (ath_pool_checkout(p, conn) == ATH_OK) {
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
