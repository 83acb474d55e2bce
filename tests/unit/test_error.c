/* Tests for core/error.c: code names, texts and the thread-local last error. */
#include <pthread.h>
#include <string.h>

#include <athanor/error.h>
#include <athanor/url.h>
#include <athanor/version.h>
#include <stdint.h>
#include <stdio.h>

#include "runner.h"

static void test_code_names_match_their_values(void)
{
    CU_ASSERT_STRING_EQUAL(ath_code_name(ATH_OK), "ATH_OK");
    CU_ASSERT_STRING_EQUAL(ath_code_name(ATH_EDUPLICATE), "ATH_EDUPLICATE");
    CU_ASSERT_STRING_EQUAL(ath_code_name(ATH_EDRIVERABI), "ATH_EDRIVERABI");
    CU_ASSERT_STRING_EQUAL(ath_code_name(ATH_EIO), "ATH_EIO");
    CU_ASSERT_STRING_EQUAL(ath_code_name(12345), "ATH_E?");
}

static void test_every_code_has_a_distinct_name_and_text(void)
{
    for (int a = ATH__CODE_MIN; a <= 0; a++) {
        CU_ASSERT_STRING_NOT_EQUAL(ath_code_name(a), "ATH_E?");
        CU_ASSERT(strlen(ath_code_text(a)) > 3);
        for (int b = a + 1; b <= 0; b++)
            CU_ASSERT_STRING_NOT_EQUAL(ath_code_name(a), ath_code_name(b));
    }
}

static void test_clear_resets_the_last_error(void)
{
    ath_error_clear();
    const ath_error *e = ath_error_last();
    CU_ASSERT_EQUAL(e->code, ATH_OK);
    CU_ASSERT_STRING_EQUAL(e->message, "");
    CU_ASSERT_PTR_NULL(e->sql);
    CU_ASSERT_PTR_NULL(e->constraint);
    CU_ASSERT_STRING_EQUAL(e->sqlstate, "");
}

static void *other_thread(void *arg)
{
    (void)arg;
    /* a fresh thread starts with no error, whatever the main thread holds */
    return (void *)(intptr_t)ath_error_last()->code;
}

/* An error made on one thread is invisible on another (thread-local storage). */
static void test_last_error_is_thread_local(void)
{
    ath_error_clear();
    ath_url *url = NULL;
    CU_ASSERT_EQUAL(ath_url_parse(&url, "nonsense"), ATH_EURL);
    CU_ASSERT_EQUAL(ath_error_last()->code, ATH_EURL);
    pthread_t t;
    void *code = NULL;
    pthread_create(&t, NULL, other_thread, NULL);
    pthread_join(t, &code);
    CU_ASSERT_EQUAL((int)(intptr_t)code, ATH_OK);
    CU_ASSERT_EQUAL(ath_error_last()->code, ATH_EURL);
}

/* The version is written once, in CMake's project(); header, library and CMake must agree. */
static void test_version_agrees_with_header_and_cmake(void)
{
    char text[32];
    snprintf(text, sizeof text, "%d.%d.%d", ATH_VERSION_MAJOR, ATH_VERSION_MINOR,
             ATH_VERSION_PATCH);
    CU_ASSERT_STRING_EQUAL(ATH_VERSION_STRING, text);
    CU_ASSERT_STRING_EQUAL(ATH_VERSION_STRING, ATH_TEST_PROJECT_VERSION);
    CU_ASSERT_STRING_EQUAL(ath_version_string(), ATH_TEST_PROJECT_VERSION);
    CU_ASSERT_EQUAL(ath_version(), ATH_VERSION_NUMBER);
    CU_ASSERT_EQUAL(ath_version(), ATH_VERSION_MAJOR * 10000 + ATH_VERSION_MINOR * 100 +
                                       ATH_VERSION_PATCH);
    CU_ASSERT_EQUAL(ATH_SOVERSION, ATH_TEST_SOVERSION);
}

TEST_SUITE(error)
{
    static const test_case tests[] = {
        {"code names match their values", test_code_names_match_their_values},
        {"every code has a distinct name and text", test_every_code_has_a_distinct_name_and_text},
        {"clear resets the last error", test_clear_resets_the_last_error},
        {"last error is thread-local", test_last_error_is_thread_local},
        {"version agrees with header and CMake", test_version_agrees_with_header_and_cmake},
        {NULL, NULL},
    };
    test_add_suite("error", NULL, NULL, tests);
}
