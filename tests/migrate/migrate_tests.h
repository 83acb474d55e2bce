/* athanor_migrate_tests: what the test files share (the running URL and its engine). */
#ifndef ATHANOR_MIGRATE_TESTS_H
#define ATHANOR_MIGRATE_TESTS_H

#include <athanor/athanor.h>

#include "runner.h"

/** The URL the running per-URL suite is on, and a fresh engine over it (no tables). */
extern const char *mt_url;
extern ath_engine *mt_engine;

/** Drops every table the tests use (children first), in a session of its own. */
void mt_drop_everything(void);

/** The per-URL tests of each file ({NULL, NULL}-terminated). */
extern const test_case inspect_tests[];
extern const test_case migrate_tests[];

#endif
