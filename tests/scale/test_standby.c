/* A primary and its hot standby through libpq's multi-host URLs: target_session_attrs picks the
 * server, the standby refuses writes, a write on the primary reaches the standby. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "runner.h"
#include "scale.h"

/* Opens an engine on `url` and a session; the server's recovery state through it. */
static int recovery_through(const char *url, int *port)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    int rc = ath_engine_create(&e, url);
    if (rc == ATH_OK)
        rc = ath_session_open(&s, e);
    if (rc == ATH_OK)
        rc = scale_in_recovery(s);
    if (rc >= 0 && port)
        *port = (int)scale_i64(s, "SELECT inet_server_port()");
    ath_session_close(s);
    ath_engine_dispose(e);
    return rc;
}

static void test_each_server_reports_its_role(void)
{
    int port = 0;
    CU_ASSERT_EQUAL(recovery_through(scale.primary_url, &port), 0);
    CU_ASSERT_EQUAL(port, scale.primary_port);
    CU_ASSERT_EQUAL(recovery_through(scale.standby_url, &port), 1);
    CU_ASSERT_EQUAL(port, scale.standby_port);
}

static void test_read_write_finds_the_primary_wherever_it_is_listed(void)
{
    int port = 0;
    CU_ASSERT_EQUAL(recovery_through(scale_multi_url(scale.standby_port, scale.primary_port,
                                                     "target_session_attrs=read-write"),
                                     &port),
                    0);
    CU_ASSERT_EQUAL(port, scale.primary_port);
    CU_ASSERT_EQUAL(recovery_through(scale_multi_url(scale.primary_port, scale.standby_port,
                                                     "target_session_attrs=primary"),
                                     &port),
                    0);
    CU_ASSERT_EQUAL(port, scale.primary_port);
}

static void test_prefer_standby_and_read_only_find_the_standby(void)
{
    int port = 0;
    CU_ASSERT_EQUAL(recovery_through(scale_multi_url(scale.primary_port, scale.standby_port,
                                                     "target_session_attrs=prefer-standby"),
                                     &port),
                    1);
    CU_ASSERT_EQUAL(port, scale.standby_port);
    CU_ASSERT_EQUAL(recovery_through(scale_multi_url(scale.primary_port, scale.standby_port,
                                                     "target_session_attrs=standby"),
                                     &port),
                    1);
    CU_ASSERT_EQUAL(port, scale.standby_port);
    CU_ASSERT_EQUAL(recovery_through(scale_multi_url(scale.primary_port, scale.standby_port,
                                                     "target_session_attrs=read-only"),
                                     &port),
                    1);
    CU_ASSERT_EQUAL(port, scale.standby_port);
}

static void test_no_server_of_the_wanted_kind_is_a_connect_error(void)
{
    /* the standby twice: neither is read-write */
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ASSERT_RC(ath_engine_create(&e, scale_multi_url(scale.standby_port, scale.standby_port,
                                                    "target_session_attrs=read-write")),
              ATH_OK);
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "SELECT 1", NULL, 0, NULL), ATH_ECONNECT);
    ASSERT_ERR_HAS("read-only");
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_the_standby_refuses_writes(void)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ASSERT_RC(ath_engine_create(&e, scale.standby_url), ATH_OK);
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "CREATE TABLE sb_refused (a INTEGER)", NULL, 0, NULL),
              ATH_ESQL);
    CU_ASSERT_STRING_EQUAL(ath_error_last()->sqlstate, "25006"); /* read_only_sql_transaction */
    ath_session_close(s);
    ath_engine_dispose(e);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_a_write_on_the_primary_reaches_the_standby(void)
{
    ath_engine *p = NULL, *sb = NULL;
    ASSERT_RC(ath_engine_create(&p, scale.primary_url), ATH_OK);
    ASSERT_RC(ath_engine_create(&sb, scale.standby_url), ATH_OK);
    ASSERT_RC(scale_exec(p, "DROP TABLE IF EXISTS sb_item"), ATH_OK);
    ASSERT_RC(scale_exec(p, "CREATE TABLE sb_item (id INTEGER PRIMARY KEY)"), ATH_OK);
    ASSERT_RC(scale_exec(p, "INSERT INTO sb_item VALUES (42)"), ATH_OK);
    double t0 = now_s(), waited = 0;
    int64_t seen = 0;
    while (waited < 10) {
        ath_session *s = NULL;
        ASSERT_RC(ath_session_open(&s, sb), ATH_OK);
        ath_result *r = NULL;
        /* before the CREATE TABLE arrives the table does not exist yet: 42P01, try again */
        if (ath_session_execute(s, "SELECT count(*) FROM sb_item WHERE id = 42", NULL, 0, &r) ==
                ATH_OK &&
            ath_result_next(r) == 1)
            seen = ath_result_i64(r, 0);
        ath_result_free(r);
        ath_session_close(s);
        waited = now_s() - t0;
        if (seen == 1)
            break;
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    CU_ASSERT_EQUAL(seen, 1);
    printf("\n    the committed row was visible on the standby after %.1f ms ", waited * 1e3);
    ASSERT_RC(scale_exec(p, "DROP TABLE sb_item"), ATH_OK);
    ath_engine_dispose(sb);
    ath_engine_dispose(p);
}

TEST_SUITE(standby)
{
    if (!scale.pg)
        return;
    static const test_case tests[] = {
        {"each server reports its role", test_each_server_reports_its_role},
        {"read-write finds the primary wherever it is listed",
         test_read_write_finds_the_primary_wherever_it_is_listed},
        {"prefer-standby and read-only find the standby",
         test_prefer_standby_and_read_only_find_the_standby},
        {"no server of the wanted kind is a connect error",
         test_no_server_of_the_wanted_kind_is_a_connect_error},
        {"the standby refuses writes", test_the_standby_refuses_writes},
        {"a write on the primary reaches the standby",
         test_a_write_on_the_primary_reaches_the_standby},
        {NULL, NULL}};
    test_add_suite("standby", NULL, NULL, tests);
}
