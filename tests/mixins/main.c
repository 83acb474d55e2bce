/*
 * The mixin suite: every standard mixin on both model styles, hook order and context, and the
 * misconfigurations of plain-struct mixins. Per-database groups run once per URL in
 * ATHANOR_TEST_URLS (default: SQLite in memory and on file) as "<group>@<backend>"; the
 * misconfiguration group needs no database and runs once.
 * Usage: athanor_mixin_tests [suite ...]
 */
#include <stdlib.h>

#include "groups.h"
#include "mx.h"

int main(int argc, char **argv)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    mx_group groups[] = {
        {"misconfig", misconfig_tests, NULL, 0},
        {"slugify", slugify_tests, NULL, 0},
        {"keys", keys_tests, keys_models, keys_nmodels},
        {"audit", audit_tests, audit_models, audit_nmodels},
        {"soft-delete", soft_delete_tests, soft_delete_models, soft_delete_nmodels},
        {"slug", slug_tests, slug_models, slug_nmodels},
        {"version", version_tests, version_models, version_nmodels},
        {"unique", unique_tests, unique_models, unique_nmodels},
        {"hooks", hooks_tests, hooks_models, hooks_nmodels},
    };
    mx_register(groups, sizeof groups / sizeof groups[0]);
    return test_run(argc, argv);
}
