/* Failover: the primary stops, the standby is promoted (pg_ctl promote), and an engine on the
 * multi-host URL host=primary,standby&target_session_attrs=read-write writes again — measured
 * from the promotion to the first committed write. Runs last: afterwards the standby is a
 * primary of its own (the old primary is restarted for the suites that follow). Needs
 * ATHANOR_TEST_PG_STOP, _START (tests/reliability/faults/servers.sh) and
 * ATHANOR_TEST_PG_STANDBY_PROMOTE, which scripts/test exports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runner.h"
#include "scale.h"
#include "urls.h"

static const char *stop_cmd, *start_cmd, *promote_cmd;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One write in its own session; the rc, and the port that took it. */
static int write_once(ath_engine *e, int value, int *port)
{
    ath_session *s = NULL;
    int rc = ath_session_open(&s, e);
    ath_value v = ath_v_i32(value);
    if (rc == ATH_OK)
        rc = ath_session_execute(s, "INSERT INTO pr_item VALUES (?)", &v, 1, NULL);
    ath_result *r = NULL;
    if (rc == ATH_OK)
        rc = ath_session_execute(s, "SELECT inet_server_port()", NULL, 0, &r);
    if (rc == ATH_OK && (rc = ath_result_next(r)) == 1) {
        *port = (int)ath_result_i64(r, 0);
        rc = ATH_OK;
    }
    ath_result_free(r);
    if (rc == ATH_OK)
        rc = ath_session_commit(s);
    ath_session_close(s);
    return rc;
}

static void test_after_promotion_new_writes_reach_the_new_primary_within_2_s(void)
{
    ath_engine *e = NULL, *sb = NULL;
    ASSERT_RC(ath_engine_create(&e, scale_multi_url(scale.primary_port, scale.standby_port,
                                                    "target_session_attrs=read-write"
                                                    "&pool_pre_ping=true&connect_timeout=2")),
              ATH_OK);
    ASSERT_RC(ath_engine_create(&sb, scale.standby_url), ATH_OK);
    ASSERT_RC(scale_exec(e, "DROP TABLE IF EXISTS pr_item"), ATH_OK);
    ASSERT_RC(scale_exec(e, "CREATE TABLE pr_item (v INTEGER PRIMARY KEY)"), ATH_OK);
    int port = 0;
    ASSERT_RC(write_once(e, 1, &port), ATH_OK);
    CU_ASSERT_EQUAL(port, scale.primary_port); /* the connection stays in the pool */
    /* the standby has the table and the row before the primary goes */
    int64_t seen = 0;
    for (double t0 = now_s(); seen != 1 && now_s() - t0 < 10;) {
        ath_session *s = NULL;
        ath_result *r = NULL;
        if (ath_session_open(&s, sb) == ATH_OK &&
            ath_session_execute(s, "SELECT count(*) FROM pr_item", NULL, 0, &r) == ATH_OK &&
            ath_result_next(r) == 1)
            seen = ath_result_i64(r, 0);
        ath_result_free(r);
        ath_session_close(s);
        if (seen != 1)
            nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    CU_ASSERT_EQUAL_FATAL(seen, 1);
    ath_engine_dispose(sb);

    CU_ASSERT_EQUAL_FATAL(system(stop_cmd), 0);
    double t0 = now_s();
    CU_ASSERT_EQUAL_FATAL(system(promote_cmd), 0); /* pg_ctl promote -w: returns once promoted */
    double promoted = now_s() - t0;
    int attempts = 0, rc = ATH_ECONNECT;
    double elapsed = 0;
    while (elapsed < 10) {
        attempts++;
        rc = write_once(e, 2, &port);
        elapsed = now_s() - t0;
        if (rc == ATH_OK)
            break;
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    ASSERT_RC(rc, ATH_OK);
    CU_ASSERT_EQUAL(port, scale.standby_port);
    CU_ASSERT(elapsed < 2.0);
    printf("\n    pg_ctl promote took %.0f ms; first committed write on the new primary %.0f ms "
           "after the promotion began (%d attempt%s) ",
           promoted * 1e3, elapsed * 1e3, attempts, attempts == 1 ? "" : "s");

    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0);
    CU_ASSERT_EQUAL(scale_i64(s, "SELECT count(*) FROM pr_item"), 2);
    ath_session_close(s);
    ath_engine_dispose(e);

    /* the old primary comes back for the suites that follow (it never saw the second row) */
    CU_ASSERT_EQUAL(system(start_cmd), 0);
    ath_engine *p = NULL;
    ASSERT_RC(ath_engine_create(&p, scale.primary_url), ATH_OK);
    ASSERT_RC(scale_exec(p, "DROP TABLE IF EXISTS pr_item"), ATH_OK);
    ath_engine_dispose(p);
}

TEST_SUITE(promotion)
{
    if (!scale.pg)
        return;
    static const test_case tests[] = {
        {"after promotion new writes reach the new primary within 2 s",
         test_after_promotion_new_writes_reach_the_new_primary_within_2_s},
        {NULL, NULL}};
    stop_cmd = getenv("ATHANOR_TEST_PG_STOP");
    start_cmd = getenv("ATHANOR_TEST_PG_START");
    promote_cmd = getenv("ATHANOR_TEST_PG_STANDBY_PROMOTE");
    if (!stop_cmd || !start_cmd || !promote_cmd) {
        if (test_under_ci()) {
            fprintf(stderr, "CI=true but ATHANOR_TEST_PG_STOP/_START/_STANDBY_PROMOTE are not "
                            "set: the promotion suite cannot run\n");
            exit(1);
        }
        printf("SKIPPED: promotion suite: ATHANOR_TEST_PG_STOP/_START/_STANDBY_PROMOTE not set\n");
        return;
    }
    test_add_suite("promotion", NULL, NULL, tests);
}
