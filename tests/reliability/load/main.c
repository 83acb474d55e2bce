/*
 * The load suites (issue 7): ATHANOR_LOAD_THREADS threads (8) share one engine whose pool is
 * smaller (ATHANOR_LOAD_POOL, 3), each running ATHANOR_LOAD_TRANSACTIONS (3000) mixed repository
 * transactions, on PostgreSQL and MariaDB (from ATHANOR_TEST_URLS) and on a SQLite file. Only
 * ATH_ERETRY / ATH_ETIMEOUT may occur (the transaction is run again); at the end every committed
 * row, balance and count must be in the database exactly. A backend without a URL is SKIPPED
 * (exit status 77), or a failure under CI=true. Usage: athanor_load_tests [suite ...]
 */
#include <stdio.h>
#include <stdlib.h>

#include "load.h"
#include "runner.h"
#include "urls.h"

static const char *cur_name;
static const char *cur_url;
static int skipped;
static char sqlite_url[1024];

static void test_threads_share_one_engine_and_every_commit_adds_up(void)
{
    if (!cur_url) {
        if (test_under_ci()) {
            CU_FAIL("CI=true but ATHANOR_TEST_URLS has no URL for this backend");
        } else {
            printf("\nSKIPPED: load@%s: ATHANOR_TEST_URLS has no URL for it\n", cur_name);
            skipped++;
        }
        return;
    }
    load_config cfg;
    load_config_from_env(&cfg);
    load_result r;
    bool ran = load_run(cur_url, &cfg, &r);
    CU_ASSERT_TRUE(ran);
    printf("\nFIGURES load@%s: %d threads, pool %d: %ld transactions committed, %ld deliberately "
           "rolled back, %ld operations, %ld retries (ATH_ERETRY %ld, ATH_ETIMEOUT %ld), %ld "
           "unexpected errors, %ld mismatches, %.1f s, %.0f operations/s\n",
           cur_name, cfg.threads, cfg.pool_size, r.transactions, r.rolled_back, r.operations,
           r.retries, r.retry_codes[0], r.retry_codes[1], r.unexpected, r.mismatches, r.seconds,
           r.seconds > 0 ? (double)r.operations / r.seconds : 0.0);
    if (r.first_problem[0])
        printf("first problem: %s\n", r.first_problem);
    CU_ASSERT_EQUAL(r.unexpected, 0);
    CU_ASSERT_EQUAL(r.mismatches, 0);
    CU_ASSERT_EQUAL(r.gave_up, 0);
    CU_ASSERT(r.transactions > 0);
    if (r.unexpected || r.mismatches || r.gave_up) {
        char msg[1200];
        snprintf(msg, sizeof msg, "load@%s: %s", cur_name, r.first_problem);
        CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
    }
}

static int init_pg(void)
{
    cur_name = "postgresql";
    cur_url = test_url_find("postgresql,postgres");
    return 0;
}

static int init_mariadb(void)
{
    cur_name = "mariadb";
    cur_url = test_url_find("mysql,mariadb");
    return 0;
}

static int init_sqlite(void)
{
    cur_name = "sqlite-file";
    cur_url = sqlite_url;
    return 0;
}

int main(int argc, char **argv)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    snprintf(sqlite_url, sizeof sqlite_url, "sqlite:///%s/athanor-load.db", test_workdir());
    static const test_case tests[] = {
        {"threads share one engine; every commit adds up",
         test_threads_share_one_engine_and_every_commit_adds_up},
        {NULL, NULL},
    };
    test_add_suite("load@postgresql", init_pg, NULL, tests);
    test_add_suite("load@mariadb", init_mariadb, NULL, tests);
    test_add_suite("load@sqlite-file", init_sqlite, NULL, tests);
    int rc = test_run(argc, argv);
    if (rc == 0 && skipped > 0) {
        printf("SKIPPED: %d load suites had no URL\n", skipped);
        return TEST_EXIT_SKIPPED;
    }
    return rc;
}
