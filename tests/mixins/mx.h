/*
 * The mixin suite's harness: groups of tests run once per URL in ATHANOR_TEST_URLS (or once,
 * without a database), each suite creating only its group's tables; per-test fixtures released
 * even when a fatal assertion leaves a test early; raw reads through ath_session_execute (the
 * second path every test reads the database back through); assertions that print what they saw.
 */
#ifndef ATHANOR_MIXIN_TESTS_MX_H
#define ATHANOR_MIXIN_TESTS_MX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <athanor/athanor.h>
#include <athanor/mixins.h>

#include "fixtures.h"
#include "harness.h"
#include "runner.h"

/** What differs between backends: THE ONE PLACE the suite knows that databases differ. */
typedef struct mx_backend {
    const char *dialect; /**< as ath_engine_dialect() names it */
    bool memory;         /**< SQLite in memory: one connection, so never two sessions at once */
    const char *label;   /**< suite-name suffix */
    /** SELECT COUNT(*) of indexes named ? (the index name is the only parameter). */
    const char *index_count_sql;
} mx_backend;

/** A group: tests and the models whose tables its suites create (none: run once, no database). */
/**
 * Registers a group of tests ({NULL, NULL}-terminated): "<name>@<backend>" per URL over
 * `models`, or "<name>" once when nmodels is 0. A test file calls it from its TEST_SUITE().
 */
void mx_add_group(const char *name, const test_case *tests, const ath_model *const *models,
                  size_t nmodels);

/** The running suite's engine and backend (NULL outside a per-URL suite). */
extern ath_engine *mx_engine;
extern const mx_backend *mx_be;

/* --- fixtures (released by mx_end, also when a fatal assertion ended the test) ---------------- */

/** Starts a test: releases what an earlier test left, empties the group's tables, opens a
 *  session. */
ath_session *mx_begin(void);
/** Opens one more tracked session (on SQLite in memory, close the others first). */
#define mx_session() test_session(mx_engine)
/** Frees the repositories opened on `s`, then closes it (rolling back what was not committed). */
#define mx_close(s) test_close(s)
/** Opens a tracked repository; a failure ends the test. */
#define mx_repo(s, model) test_repo((s), (model), NULL)
/** Lists with the filters; a failure ends the test (so does a list too many). Freed by mx_end. */
#define mx_list(repo, ...) test_list((repo), __VA_ARGS__, TEST_FULL_FAIL)
/** Tracks memory of the test (freed with free() by mx_end). Returns it. */
void *mx_keep_mem(void *p);
/** Ends a test: frees tracked lists, memory and repositories, closes tracked sessions. */
void mx_end(void);

/* --- raw reads: the second path --------------------------------------------------------------- */

/** First column of the first row as i64; INT64_MIN when there is no row or it is NULL. */
int64_t sql_i64(ath_session *s, const char *sql, const ath_value *params, size_t nparams);
/** First column of the first row as a timestamp; INT64_MIN when none or NULL. */
ath_timestamp sql_ts(ath_session *s, const char *sql, const ath_value *params, size_t nparams);
/** First column of the first row as text into buf ("(null)" for NULL, "(no row)"). */
const char *sql_text(ath_session *s, char *buf, size_t size, const char *sql,
                     const ath_value *params, size_t nparams);
/** First column of the first row as a UUID; false when none. */
bool sql_uuid(ath_session *s, ath_uuid *out, const char *sql, const ath_value *params,
              size_t nparams);
/** Rows of `table`, every column as text joined with '|', rows with '\n', ordered by
 *  `order_by` (malloc'd, tracked: freed by mx_end). */
const char *sql_dump(ath_session *s, const char *table, const char *where, const char *order_by,
                     const ath_value *params, size_t nparams);
/** Runs a statement; returns its code. */
int sql_exec(ath_session *s, const char *sql, const ath_value *params, size_t nparams);
/** Rows in `table`. */
int64_t sql_count(ath_session *s, const char *table);

/* --- object helpers -----------------------------------------------------------------------------
 */

/** A zeroed model-sized object, tracked (freed by mx_end; its strings are not). */
void *mx_obj(const ath_model *model);
/** Member at `off` of obj. */
#define MX_AT(obj, off, T) (*(T *)((char *)(obj) + (off)))

/* --- assertions ---------------------------------------------------------------------------------
 */

/* ASSERT_I64 and ASSERT_STR: runner.h (examples/tenancy calls the functions by these names) */
#define mx_assert_i64 test_assert_i64
#define mx_assert_str test_assert_str
/** low <= actual <= high */
#define ASSERT_BETWEEN(actual, low, high)                                                          \
    mx_assert_between((int64_t)(actual), (int64_t)(low), (int64_t)(high), #actual, __FILE__,       \
                      __LINE__)
/** The current error message contains every one of the (NULL-terminated) texts. */
#define ASSERT_ERR_HAS_ALL(...) mx_assert_err_has_all(__FILE__, __LINE__, __VA_ARGS__, (char *)NULL)

void mx_assert_between(int64_t actual, int64_t low, int64_t high, const char *expr,
                       const char *file, int line);
void mx_assert_err_has_all(const char *file, int line, ...);

/** The names of a list's items (text member at `off`), sorted, joined with '|' into buf. */
const char *mx_names(const ath_list *list, size_t off, char *buf, size_t size);

#endif
