/* Runs the PostgreSQL backend suites. Usage: athanor_backend_postgresql [suite ...] */
#include <stdlib.h>

#include "pg_test.h"
#include "runner.h"
#include "urls.h"

int main(int argc, char **argv)
{
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
    pg_url = test_url_for("postgresql,postgres");
    if (!pg_url)
        return TEST_EXIT_SKIPPED;
    test_register_collected(); /* every TEST_SUITE of the sources, in CMake order */
    return test_run(argc, argv);
}
