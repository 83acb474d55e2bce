/* Runs the unit suites. Usage: athanor_unit [suite ...] */
#include <stdlib.h>

#include "runner.h"

int main(int argc, char **argv)
{
    /* the test-only driver modules, then the real ones from this build tree */
    setenv("ATHANOR_DRIVER_PATH", ATH_TEST_DRIVER_DIR ":" ATH_BUILD_DRIVER_DIR, 0);
    test_register_collected(); /* every TEST_SUITE of the sources, in CMake order */
    return test_run(argc, argv);
}
