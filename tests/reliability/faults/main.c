/*
 * The fault suites (issue 7): servers stopped and restarted, time limits, lock waits and
 * deadlocks, an exhausted pool, SQLite files that are read-only, locked or on a full disk.
 * Suites are named "<group>@<backend>". Usage: athanor_fault_tests [suite ...]
 *
 * Servers are stopped and started through the commands in ATHANOR_TEST_PG_{STOP,START,RESTART}
 * and ATHANOR_TEST_MARIADB_{…} (tests/reliability/faults/servers.sh defines them). A test that
 * cannot run (no URL, no command) is SKIPPED, never passed: the exit status is then 77, or 1
 * under CI=true.
 */
#include <stdio.h>
#include <stdlib.h>

#include "runner.h"

#include "fault.h"
#include "urls.h"

int main(int argc, char **argv)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    fault_init();
    test_register_collected(); /* every TEST_SUITE of the sources, in CMake order */
    int rc = test_run(argc, argv);
    if (rc == 0 && fault_skipped() > 0) {
        printf("SKIPPED: %d fault tests could not run (see the SKIPPED lines above)\n",
               fault_skipped());
        return TEST_EXIT_SKIPPED;
    }
    return rc;
}
