/* Test kit: CUnit runner with a strict exit status and readable failure output. */
#include "runner.h"

#include <CUnit/Basic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <athanor/error.h>

void test_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc clean,
                    const test_case *tests)
{
    if (!CU_get_registry() && CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "cannot initialise the CUnit registry\n");
        return;
    }
    CU_pSuite suite = CU_add_suite(name, init, clean);
    if (!suite) {
        fprintf(stderr, "cannot add suite %s: %s\n", name, CU_get_error_msg());
        return;
    }
    for (const test_case *t = tests; t->name; t++)
        CU_add_test(suite, t->name, t->fn);
}

/* The suite's group: its name up to '@' (per-URL suites are "<group>@<backend>"). */
static size_t group_len(const char *suite)
{
    const char *at = strchr(suite, '@');
    return at ? (size_t)(at - suite) : strlen(suite);
}

/* True when `arg` (up to `len`) names `suite` itself or its group. */
static bool names_suite(const char *arg, size_t len, const char *suite)
{
    return (strlen(suite) == len || group_len(suite) == len) && strncmp(arg, suite, len) == 0;
}

/* What the arguments ask of a suite: 0 nothing, 1 every test, 2 only the tests named. */
static int wanted(int argc, char **argv, const char *suite)
{
    int want = argc < 2 ? 1 : 0;
    for (int i = 1; i < argc; i++) {
        const char *slash = strchr(argv[i], '/');
        size_t len = slash ? (size_t)(slash - argv[i]) : strlen(argv[i]);
        if (names_suite(argv[i], len, suite))
            want = slash ? (want ? want : 2) : 1;
    }
    return want;
}

static bool test_wanted(int argc, char **argv, const char *suite, const char *test)
{
    for (int i = 1; i < argc; i++) {
        const char *slash = strchr(argv[i], '/');
        if (slash && names_suite(argv[i], (size_t)(slash - argv[i]), suite) &&
            strcmp(slash + 1, test) == 0)
            return true;
    }
    return false;
}

static int list(CU_pTestRegistry reg, bool tests)
{
    for (CU_pSuite s = reg->pSuite; s; s = s->pNext) {
        size_t len = group_len(s->pName);
        bool seen = false; /* a per-URL group is listed once */
        for (CU_pSuite p = reg->pSuite; p != s && !tests; p = p->pNext)
            seen = seen || (group_len(p->pName) == len && strncmp(p->pName, s->pName, len) == 0);
        if (seen)
            continue;
        if (!tests)
            printf("%.*s\n", (int)len, s->pName);
        for (CU_pTest t = s->pTest; tests && t; t = t->pNext)
            printf("%s/%s\n", s->pName, t->pName);
    }
    CU_cleanup_registry();
    return 0;
}

int test_run(int argc, char **argv)
{
    if (!CU_get_registry()) {
        fprintf(stderr, "no suites registered\n");
        return 2;
    }
    CU_pTestRegistry reg = CU_get_registry();
    if (argc == 2 && (strcmp(argv[1], "--list") == 0 || strcmp(argv[1], "--list-tests") == 0))
        return list(reg, strcmp(argv[1], "--list-tests") == 0);
    /* drop the suites and tests not asked for on the command line */
    for (CU_pSuite s = reg->pSuite; s; s = s->pNext) {
        int want = wanted(argc, argv, s->pName);
        if (!want)
            CU_set_suite_active(s, CU_FALSE);
        for (CU_pTest t = s->pTest; want == 2 && t; t = t->pNext)
            if (!test_wanted(argc, argv, s->pName, t->pName))
                CU_set_test_active(t, CU_FALSE);
    }
    CU_set_fail_on_inactive(CU_FALSE); /* what was not asked for is not a failure */
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned ran = CU_get_number_of_tests_run();
    unsigned failed_tests = CU_get_number_of_tests_failed();
    unsigned failed_asserts = CU_get_number_of_failures();
    unsigned suites_failed = CU_get_number_of_suites_failed();
    printf("\nSUMMARY tests=%u failed_tests=%u failed_asserts=%u failed_suites=%u\n", ran,
           failed_tests, failed_asserts, suites_failed);
    CU_cleanup_registry();
    if (ran == 0) {
        fprintf(stderr, "no test ran (see --list and --list-tests for the names)\n");
        return 2;
    }
    return (failed_tests || failed_asserts || suites_failed) ? 1 : 0;
}

void test_assert_rc(int rc, int expected, const char *expr, const char *file, int line)
{
    char msg[1400];
    if (rc == expected) {
        CU_assertImplementation(CU_TRUE, (unsigned)line, "rc", file, "", CU_FALSE);
        return;
    }
    const ath_error *e = ath_error_last();
    snprintf(msg, sizeof msg, "%s returned %s (%d), expected %s: %s", expr, ath_code_name(rc), rc,
             ath_code_name(expected), e->message);
    CU_assertImplementation(CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
}

void test_assert_err_has(const char *needle, const char *file, int line)
{
    char msg[1400];
    const char *m = ath_error_last()->message;
    int ok = strstr(m, needle) != NULL;
    snprintf(msg, sizeof msg, "error message \"%s\" lacks \"%s\"", m, needle);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
}

void test_assert_i64(int64_t actual, int64_t expected, const char *expr, const char *file, int line)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s is %lld, expected %lld", expr, (long long)actual,
             (long long)expected);
    CU_assertImplementation(actual == expected ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "",
                            CU_FALSE);
}

void test_assert_str(const char *actual, const char *expected, const char *expr, const char *file,
                     int line)
{
    char msg[2048];
    bool ok = (!actual && !expected) || (actual && expected && strcmp(actual, expected) == 0);
    snprintf(msg, sizeof msg, "%s is %s%s%s, expected %s%s%s", expr, actual ? "\"" : "",
             actual ? actual : "NULL", actual ? "\"" : "", expected ? "\"" : "",
             expected ? expected : "NULL", expected ? "\"" : "");
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
}

int test_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

double test_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

ath_timestamp test_ts(int y, int mo, int d, int h, int mi, int s, int us)
{
    ath_timestamp t = 0;
    ASSERT_RC(ath_timestamp_from_parts(&t, y, mo, d, h, mi, s, us), ATH_OK);
    return t;
}

ath_date test_date(int y, int mo, int d)
{
    ath_date out = 0;
    ASSERT_RC(ath_date_from_parts(&out, y, mo, d), ATH_OK);
    return out;
}
