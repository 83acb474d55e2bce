/*
 * The conformance suite: the repository layer, run once per URL in ATHANOR_TEST_URLS
 * (default: SQLite in memory and SQLite on file). Suites are named "<group>@<backend>".
 * Usage: athanor_conformance [suite ...]
 */
#include <stdlib.h>

#include "conf.h"
#include "groups.h"

int main(int argc, char **argv)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    static const conf_group groups[] = {
        {"models", models_tests, false},
        {"schema", schema_tests, true},
        {"repo-add", add_tests, true},
        {"repo-get", get_tests, true},
        {"repo-list", list_tests, true},
        {"filters", filters_tests, true},
        {"filter-logic", filter_logic_tests, true},
        {"repo-update", update_tests, true},
        {"repo-upsert", upsert_tests, true},
        {"repo-delete", delete_tests, true},
        {"types", types_tests, true},
        {"errors", errors_tests, true},
        {"sessions", session_tests, true},
        {"pagination", pagination_tests, true},
        {"values", values_tests, true},
    };
    conf_register(groups, sizeof groups / sizeof groups[0]);
    return test_run(argc, argv);
}
