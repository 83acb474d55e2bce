/*
 * The async suite: repository and session operations through the async API, once per URL in
 * ATHANOR_TEST_URLS as "<group>@<backend>" (default: SQLite in memory and on file).
 * Usage: athanor_async_tests [suite ...]
 */
#include <stdlib.h>

#include "aq.h"

int main(int argc, char **argv)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    test_register_collected();
    return test_run(argc, argv);
}
