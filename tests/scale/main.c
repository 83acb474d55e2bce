/* The scale-out suites: a PostgreSQL primary and its hot standby (multi-host URLs,
 * target_session_attrs, replication, promotion) and a MariaDB primary and its replica (routing,
 * replication, lag). A pair that is not configured is not run: SKIPPED (77) when the other's
 * suites pass or when neither is there, a failure under CI=true.
 * Usage: athanor_scale_tests [suite ...] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "scale.h"
#include "urls.h"

int main(int argc, char **argv)
{
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
    scale_init();
    if (argc == 2 && strncmp(argv[1], "--list", 6) == 0) { /* every suite, configured or not */
        scale.pg = scale.my = true;
        test_register_collected();
        return test_run(argc, argv);
    }
    static const char no_pg[] = "no PostgreSQL standby (ATHANOR_TEST_PG_PRIMARY_URL, _STANDBY_URL)",
                      no_my[] = "no MariaDB replica (ATHANOR_TEST_MY_PRIMARY_URL, _REPLICA_URL)";
    if (test_under_ci() && (!scale.pg || !scale.my)) {
        fprintf(stderr, "CI=true but there is %s (scripts/test starts them)\n",
                !scale.pg ? no_pg : no_my);
        return 1;
    }
    if (!scale.pg && !scale.my) {
        printf("SKIPPED: scale suites: %s; %s\n", no_pg, no_my);
        return TEST_EXIT_SKIPPED;
    }
    test_register_collected(); /* each suite registers only when its pair is there */
    int rc = test_run(argc, argv);
    if (rc == 0 && (!scale.pg || !scale.my)) {
        printf("SKIPPED: scale suites: %s\n", !scale.pg ? no_pg : no_my);
        return TEST_EXIT_SKIPPED;
    }
    return rc;
}
