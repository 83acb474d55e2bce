/* The async suite's harness: backends, the engine per (group, URL), a runtime per test. */
#ifndef ATHANOR_TEST_AQ_H
#define ATHANOR_TEST_AQ_H

#include <athanor/async.h>
#include <athanor/athanor.h>

#include "fixtures.h"
#include "harness.h"
#include "runner.h"

/** The suite's engine: io=nonblocking, pool_size 8, max_overflow 0. */
extern ath_engine *aq_engine;
/** The running suite's dialect ("sqlite", "postgresql", "mysql") and whether it is in memory. */
extern const char *aq_dialect;
extern bool aq_memory;
/** The running suite's URL. */
extern const char *aq_url;
/** Receives the suite engine's events while set (ctx NULL); aq_end() clears it. */
extern ath_event_fn aq_event_hook;

typedef struct Item {
    int64_t id;
    char *name;
    int64_t qty;
} Item;
extern const ath_model Item_model;

/** Registers a group of tests run once per URL over the Item table. */
void aq_add_group(const char *name, const test_case *tests);

/** A fresh runtime (pull form) and the Item table emptied; freed by aq_end(). */
ath_async *aq_begin(void);
/** An async session on the suite's engine with an Item repository (auto_commit off). */
ath_async_session *aq_session(ath_repo **repo);
/** Runs the runtime's own poll loop until nothing is pending (fails the test after 30 s). */
void aq_run(ath_async *a);
/** Frees the runtime of aq_begin and what aq_session opened. */
void aq_end(void);

/** What a callback saw: how many times it ran, its last rc, ath_error_last's code/message. */
typedef struct aq_seen {
    int calls;
    int rc;
    int err_code;
    char message[256];
    char name[64];
    int order; /* global completion order */
} aq_seen;
/** A callback recording into the aq_seen `user`. */
void aq_record(ath_async_op *op, int rc, void *user);

/** Rows in the Item table, read with a blocking session of its own. */
int64_t aq_count_rows(void);

#endif
