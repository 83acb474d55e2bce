/*
 * The security suite (issue 7: bad input and extreme values), run once per URL in
 * ATHANOR_TEST_URLS (default: SQLite in memory and on file). Suites are named "<group>@<backend>".
 * Usage: athanor_security_tests [suite ...]
 */
#include <stdlib.h>

#include "groups.h"
#include "sec.h"

int main(int argc, char **argv)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    static const sec_group groups[] = {
        {"injection", injection_tests},
        {"text-policy", text_policy_tests},
        {"identifiers", identifier_tests},
        {"extremes", extremes_tests},
    };
    sec_register(groups, sizeof groups / sizeof groups[0]);
    return test_run(argc, argv);
}
