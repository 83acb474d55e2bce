/* Out-of-memory tests: every allocation along a repository call fails in turn. */
#ifndef ATHANOR_OOM_H
#define ATHANOR_OOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <athanor/athanor.h>

/** What an operation works on: a fresh in-memory database with seeded rows each time. */
typedef struct oom_env {
    ath_engine *engine;
    ath_session *session;
    ath_repo *repo; /* on the operation's model */
    void *state;    /* the operation's own (allocated by prepare, freed by finish) */
} oom_env;

/**
 * One operation. `prepare` (optional, no failures injected) sets up what `run` needs; `run` is
 * the call under test and returns its code; `finish` (optional, no failures injected) releases
 * what `run` produced — `ok` says whether run succeeded, so the operation's documented ownership
 * on success and on failure is what the test follows. `model` is the repository's model.
 */
typedef struct oom_op {
    const char *name;
    const ath_model *model;
    int (*prepare)(oom_env *env);
    int (*run)(oom_env *env);
    void (*finish)(oom_env *env, bool ok);
    bool lifecycle; /* run on a bare environment: no engine, session or repository given */
} oom_op;

extern const oom_op oom_ops[];
extern const size_t oom_nops;

/** The models of the seeded database, and the rows seeded into each. */
extern const ath_model *const oom_models[];
extern const size_t oom_nmodels;
int oom_seed(ath_engine *engine);

#endif
