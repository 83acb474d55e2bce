/* The scale-out suites: a PostgreSQL primary and its hot standby (multi-host URLs,
 * target_session_attrs, replication, promotion). SKIPPED (77) without the servers, a failure
 * under CI=true. Usage: athanor_scale_tests [suite ...] */
#include <stdio.h>
#include <stdlib.h>

#include "runner.h"
#include "scale.h"
#include "urls.h"

int main(int argc, char **argv)
{
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
    if (!scale_init()) {
        if (test_under_ci()) {
            fprintf(stderr, "CI=true but ATHANOR_TEST_PG_PRIMARY_URL / _STANDBY_URL are not set "
                            "(scripts/test starts a standby)\n");
            return 1;
        }
        printf("SKIPPED: scale suites: no PostgreSQL standby (ATHANOR_TEST_PG_STANDBY_URL)\n");
        return TEST_EXIT_SKIPPED;
    }
    test_register_collected();
    return test_run(argc, argv);
}
