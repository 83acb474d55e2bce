/*
 * The misuse suite (issue 11): every public function called with each NULL it can take, and
 * with handles whose session was closed or whose engine was disposed. Every case asserts the
 * code and the message, and that the database did not change (a fingerprint of a seeded table,
 * read in a session of its own after each case). Run once per URL of ATHANOR_TEST_URLS.
 */
#ifndef ATHANOR_MISUSE_H
#define ATHANOR_MISUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <athanor/athanor.h>
#include <athanor/mixins.h>
#include <athanor/sys/driver.h> /* the registry functions are in the misuse table too */

#include "harness.h"
#include "runner.h"

/** The seeded table every case must leave as it was. */
typedef struct Item {
    int64_t id;
    char *name;
} Item;
extern const ath_model Item_model;
extern const ath_model *const misuse_models[];

/** The running suite's engine (the harness's). */
extern ath_engine *misuse_engine;
/** The running suite's URL. */
extern const char *misuse_url;

/** One public function and the hostile calls it gets. */
typedef struct misuse_entry {
    const char *fn; /**< the exported name: the coverage check matches it against the library */
    void (*run)(void);
} misuse_entry;

/** The NULL-argument table and the closed/disposed table ({NULL, NULL}-terminated). */
extern const misuse_entry null_table[];
extern const misuse_entry closed_table[];
extern const misuse_entry disposed_table[];
/** Filters holding NULLs, compiled through ath_repo_list (not exported: inline constructors). */
extern const misuse_entry filter_table[];

/** The function the running entry covers (its name starts every expected message). */
extern const char *misuse_fn;
/** Hostile calls made so far (all URLs), for the report. */
extern long misuse_cases;

/** Seeds the table and records its fingerprint. */
void misuse_seed(void);
/** Asserts the table still has the fingerprint misuse_seed() recorded. */
void misuse_assert_unchanged(const char *call, const char *file, int line);

/** Asserts that `rc` is `code` and that the message is exactly `message` (or, when `exact` is
 *  false, contains it); then that the database is unchanged. Counts one case. */
void misuse_expect(int rc, int code, const char *message, bool exact, const char *call,
                   const char *file, int line);
/** Asserts that `ok` holds, that the error is "<fn>: <arg> is NULL" and that the database is
 *  unchanged (for getters that return a neutral value). Counts one case. */
void misuse_expect_neutral(bool ok, const char *arg, const char *call, const char *file, int line);
/** Asserts that the error was left as ATH_OK (a no-op on NULL) and the database unchanged. */
void misuse_expect_noop(const char *call, const char *file, int line);

/** `call` is refused: ATH_EINVAL, "<fn>: <arg> is NULL". */
#define NULL_ARG(call, arg)                                                                        \
    do {                                                                                           \
        char expect_[160];                                                                         \
        snprintf(expect_, sizeof expect_, "%s: %s is NULL", misuse_fn, (arg));                   \
        ath_error_clear();                                                                         \
        misuse_expect((call), ATH_EINVAL, expect_, true, #call, __FILE__, __LINE__);               \
    } while (0)
/** `call` is refused with `code` and a message containing `text`. */
#define REFUSED(call, code, text)                                                                  \
    do {                                                                                           \
        ath_error_clear();                                                                         \
        misuse_expect((call), (code), (text), false, #call, __FILE__, __LINE__);                   \
    } while (0)
/** A getter given NULL `arg`: `cond` (written over `call`) holds and the error names it. */
#define NEUTRAL(cond, arg)                                                                         \
    do {                                                                                           \
        ath_error_clear();                                                                         \
        bool ok_ = (cond);                                                                         \
        misuse_expect_neutral(ok_, (arg), #cond, __FILE__, __LINE__);                              \
    } while (0)
/** A void function that must be a no-op for this NULL. */
#define NOOP(call)                                                                                 \
    do {                                                                                           \
        ath_error_clear();                                                                         \
        call;                                                                                      \
        misuse_expect_noop(#call, __FILE__, __LINE__);                                             \
    } while (0)
/** A function without pointer arguments, given hostile values: `cond` holds, nothing changed. */
#define HOLDS(cond)                                                                                \
    do {                                                                                           \
        bool ok_ = (cond);                                                                         \
        CU_assertImplementation(ok_ ? CU_TRUE : CU_FALSE, __LINE__, #cond, __FILE__, "",          \
                                CU_FALSE);                                                         \
        misuse_assert_unchanged(#cond, __FILE__, __LINE__);                                        \
        misuse_cases++;                                                                            \
    } while (0)

/* Handles the table entries work on, set up by the running group before each entry. */
extern ath_session *M_S;  /**< an open session, no transaction */
extern ath_repo *M_R;     /**< a repository of Item on M_S */
extern ath_url *M_U;      /**< a parsed URL */
extern Item M_ITEM;       /**< an item with id 1 (seeded) */
extern Item M_ITEMS[2];
extern ath_mixin_ctx M_CTX; /**< a context without a model */

#endif
