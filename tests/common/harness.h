/*
 * Test kit: groups of tests registered once per URL of ATHANOR_TEST_URLS as "<group>@<label>"
 * ("repo-add@sqlite-memory", "repo-add@postgresql-2"), each suite on an engine of its own over a
 * freshly created schema of the group's models, dropped again at cleanup.
 */
#ifndef ATHANOR_TEST_HARNESS_H
#define ATHANOR_TEST_HARNESS_H

#include <stddef.h>

#include <athanor/athanor.h>

#include "runner.h"

#define TEST_MAX_TARGETS 16
#define TEST_MAX_GROUPS  32

/** One configured database. */
typedef struct test_target {
    size_t index; /**< position among the targets (0 for the first URL) */
    const char *url;
    const void *row;     /**< the suite's backend-table row for the URL */
    const char *dialect; /**< the row's dialect, as ath_engine_dialect() names it */
    char label[48];      /**< unique suite-name suffix: the row's label, "-2", "-3"… on repeats */
} test_target;

/** What differs between the suites that use the harness. */
typedef struct test_harness {
    /** Names the suite in messages on stderr ("conformance"). */
    const char *who;
    /** The backend row of `url`, with its dialect and label; NULL leaves the URL out. */
    const void *(*row_for)(const char *url, const char **dialect, const char **label);
    /**
     * Makes `t` the running suite's target before its engine is created, and returns where the
     * suite keeps that engine; may adjust the engine options (pool_timeout is already 10). Called
     * with NULL (and no options) at the end of the suite's cleanup.
     */
    ath_engine **(*select)(const test_target *t, ath_engine_options *opts);
    /** Releases what the running test left open (the first step of a suite's cleanup). */
    void (*end)(void);
} test_harness;

/**
 * Registers the group `name`: once per configured URL with suites that create `models` (their
 * tables exist from the suite's init to its cleanup), or once without a database when nmodels is
 * 0. Every group of a program must use the same harness.
 */
void test_register_group(const test_harness *h, const char *name, const test_case *tests,
                         const ath_model *const *models, size_t nmodels);

/** Drops and recreates the running suite's tables (for tests that drop tables). */
int test_recreate_schema(void);

/** Deletes every row of the running suite's tables, children first, in a session of its own. */
int test_clear_tables(void);

#endif
