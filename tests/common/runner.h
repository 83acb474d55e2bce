/* Test kit: runs the registered CUnit suites and turns failures into an exit status. */
#ifndef ATHANOR_TEST_RUNNER_H
#define ATHANOR_TEST_RUNNER_H

#include <stdint.h>

#include <CUnit/CUnit.h>

#include <athanor/value.h>

/** One test: its name and function. */
typedef struct test_case {
    const char *name;
    CU_TestFunc fn;
} test_case;

/** Adds a suite of `tests` (terminated by {NULL, NULL}) with optional setup/teardown. */
void test_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc clean,
                    const test_case *tests);

/**
 * Defines the registration function of one suite (or group) of a test file:
 *
 *     TEST_SUITE(sql_scan) { test_add_suite("sqltext", NULL, NULL, tests); }
 *
 * Every TEST_SUITE(id) in a program's sources is collected when the program is built
 * (cmake/AthanorTests.cmake scans them) and called, in source-file order, by
 * test_register_collected(): a new file or suite needs no edit anywhere else.
 */
#define TEST_SUITE(id)                                                                             \
    void test_suite_##id(void);                                                                    \
    void test_suite_##id(void)

/** Calls every TEST_SUITE of the program (generated at build time). */
void test_register_collected(void);

/**
 * Runs the registered suites and returns the process exit status: 0 when every assertion passed
 * and at least one test ran. Arguments choose what runs (none: everything):
 *   NAME        the suite NAME, or every "NAME@<backend>" suite of the per-URL group NAME;
 *   NAME/TEST   only the test called TEST in those suites (its CUnit name, quoted);
 *   --list      prints the suite names, per-URL groups once without "@<backend>", and exits;
 *   --list-tests prints every "suite/test" and exits.
 */
int test_run(int argc, char **argv);

/** Monotonic seconds (for timing a call; only differences mean anything). */
double test_now(void);

/** The timestamp of these UTC parts; a refusal fails the test (and gives 0). */
ath_timestamp test_ts(int y, int mo, int d, int h, int mi, int s, int us);
/** The date of these parts; a refusal fails the test (and gives 0). */
ath_date test_date(int y, int mo, int d);

/** Asserts that `rc` equals `expected`, printing ath_error_last() when it does not. */
#define ASSERT_RC(rc, expected) test_assert_rc((rc), (expected), #rc, __FILE__, __LINE__)
void test_assert_rc(int rc, int expected, const char *expr, const char *file, int line);

/** Asserts the current error message contains `needle`. */
#define ASSERT_ERR_HAS(needle) test_assert_err_has((needle), __FILE__, __LINE__)
void test_assert_err_has(const char *needle, const char *file, int line);

/** Asserts two integers are equal, printing both. */
#define ASSERT_I64(actual, expected)                                                               \
    test_assert_i64((int64_t)(actual), (int64_t)(expected), #actual, __FILE__, __LINE__)
void test_assert_i64(int64_t actual, int64_t expected, const char *expr, const char *file,
                     int line);

/** Asserts two strings are equal (both NULL counts as equal), printing both. */
#define ASSERT_STR(actual, expected)                                                               \
    test_assert_str((actual), (expected), #actual, __FILE__, __LINE__)
void test_assert_str(const char *actual, const char *expected, const char *expr, const char *file,
                     int line);

/** strcmp for qsort over an array of `const char *`. */
int test_cmp_str(const void *a, const void *b);

#endif
