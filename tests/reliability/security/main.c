/*
 * The security suite (issue 7: bad input and extreme values), run once per URL in
 * ATHANOR_TEST_URLS (default: SQLite in memory and on file). Suites are named "<group>@<backend>".
 * Usage: athanor_security_tests [suite ...]
 */
#include <stdlib.h>

#include "sec.h"

int main(int argc, char **argv)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    test_register_collected(); /* every TEST_SUITE of the test_*.c files */
    return test_run(argc, argv);
}
