/*
 * The security suite's harness: the database a suite runs against (with a log sink that counts
 * every statement the engine runs, so a test can prove that a refused call sent nothing),
 * per-test fixtures released even when a fatal assertion ends a test early, and raw reads.
 */
#ifndef ATHANOR_SECURITY_SEC_H
#define ATHANOR_SECURITY_SEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <athanor/athanor.h>

#include "caps.h"
#include "fixtures.h"
#include "harness.h"
#include "models.h"
#include "runner.h"

/** One configured database. */
typedef struct sec_target {
    const char *url;
    const caps *caps;
    const char *label;
    ath_engine *engine;
    long statements; /**< statements the engine has logged (echo) */
} sec_target;

/** The database of the running suite. */
extern sec_target *sec;

/** Registers a group of tests once per URL of ATHANOR_TEST_URLS ("injection@postgresql"); a test
 *  file calls it from its TEST_SUITE(). */
void sec_add_group(const char *name, const test_case *tests);

/** Starts a test: frees what an earlier test left, empties the tables, opens a session. */
ath_session *sec_begin(void);
/** Opens a tracked repository; a failure ends the test. */
#define sec_repo(s, model) test_repo((s), (model), NULL)
/** Tracks a list so sec_end() frees it (when every slot is taken, the oldest is freed); returns
 *  it. */
#define sec_keep(list) test_keep((list), TEST_FULL_EVICT)
/** Lists with the filters; a failure ends the test. */
ath_list *sec_list(ath_repo *repo, const ath_filter *filters, size_t nfilters);
/** Ends a test: frees tracked lists and repositories, closes the session. */
void sec_end(void);

/** Statements the engine has run so far (SELECT, INSERT, DDL…; not BEGIN/COMMIT/savepoints). */
long sec_statements(void);

/** Runs a statement with no interesting result; returns its code. */
int sql_exec(ath_session *s, const char *sql, const ath_value *params, size_t nparams);
/** First column of the first row as i64; INT64_MIN when it fails or has no row. */
int64_t sql_i64(ath_session *s, const char *sql, const ath_value *params, size_t nparams);
/** Rows in `table`, or -1 when it cannot be read (the table is gone). */
int64_t sql_count(ath_session *s, const char *table);

/** Asserts a condition with a message built like printf. */
#define CHECKF(cond, ...) sec_check((cond), __FILE__, __LINE__, __VA_ARGS__)
void sec_check(bool ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** A printable excerpt of `s` (len bytes) for messages: escapes, cut at 40 bytes. */
const char *sec_show(const char *s, size_t len, char *buf, size_t size);

#endif
