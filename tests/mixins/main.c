/*
 * The mixin suite: every standard mixin on both model styles, hook order and context, and the
 * misconfigurations of plain-struct mixins. Per-database groups run once per URL in
 * ATHANOR_TEST_URLS (default: SQLite in memory and on file) as "<group>@<backend>"; the
 * misconfiguration group needs no database and runs once.
 * Usage: athanor_mixin_tests [suite ...]
 */
#include <stdlib.h>

#include "mx.h"

int main(int argc, char **argv)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    test_register_collected(); /* every TEST_SUITE of the test_*.c files */
    return test_run(argc, argv);
}
