/* Runs the unit suites. Usage: athanor_unit [suite ...] */
#include <stdlib.h>

#include "runner.h"
#include "suites.h"

int main(int argc, char **argv)
{
    /* the test-only driver modules, then the real ones from this build tree */
    setenv("ATHANOR_DRIVER_PATH", ATH_TEST_DRIVER_DIR ":" ATH_BUILD_DRIVER_DIR, 0);
    register_error_suite();
    register_value_suite();
    register_url_suite();
    register_sqltext_suite();
    register_loader_suite();
    register_engine_suite();
    register_pool_suite();
    register_session_suites();
    register_sqlite_suite();
    register_utf8_suite();
    register_regressions_suite();
    register_macros_suite();
    return test_run(argc, argv);
}
