/* Load test: threads sharing one engine, each running mixed repository transactions. */
#ifndef ATHANOR_LOAD_H
#define ATHANOR_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <athanor/athanor.h>

/** How a run is shaped (the defaults fit a small shared machine: ~30-60 s per server). */
typedef struct load_config {
    int threads;        /* ATHANOR_LOAD_THREADS, default 8 */
    int pool_size;      /* ATHANOR_LOAD_POOL, default 3: smaller than the thread count */
    int transactions;   /* per thread: ATHANOR_LOAD_TRANSACTIONS, default 3000 */
    double max_seconds; /* per backend: ATHANOR_LOAD_SECONDS, default 120; stops early */
    int max_attempts;   /* tries of one transaction before it counts as a failure */
} load_config;

/** What a run did and found. */
typedef struct load_result {
    long transactions;   /* committed */
    long operations;     /* repository calls and raw statements sent */
    long retries;        /* transactions run again after ATH_ERETRY / ATH_ETIMEOUT */
    long retry_codes[2]; /* [0] ATH_ERETRY, [1] ATH_ETIMEOUT */
    long rolled_back;    /* deliberate rollbacks */
    long unexpected;     /* any other error: a failure */
    long mismatches;     /* the database disagrees with what was committed: a failure */
    long gave_up;        /* transactions that kept failing with retryable errors */
    double seconds;
    char first_problem[1024];
} load_result;

void load_config_from_env(load_config *cfg);

/**
 * Creates the tables on `url`, runs cfg->threads workers against one engine whose pool holds
 * cfg->pool_size connections, then checks every committed row, balance and count. Returns
 * false only when the run could not start (the engine or the tables).
 */
bool load_run(const char *url, const load_config *cfg, load_result *out);

#endif
