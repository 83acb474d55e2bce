/* The groups of the mixin suite: tests ({NULL, NULL}-terminated) and the models they create. */
#ifndef ATHANOR_MIXIN_TESTS_GROUPS_H
#define ATHANOR_MIXIN_TESTS_GROUPS_H

#include <stddef.h>

#include <athanor/model.h>

#include "runner.h"

#define MX_GROUP_DECLARE(g)                                                                        \
    extern const test_case g##_tests[];                                                            \
    extern const ath_model *const g##_models[];                                                    \
    extern const size_t g##_nmodels

MX_GROUP_DECLARE(keys);                   /* test_keys.c: uuid_pk, uuid7_pk, bigint_pk */
MX_GROUP_DECLARE(audit);                  /* test_audit.c */
MX_GROUP_DECLARE(soft_delete);            /* test_soft_delete.c */
MX_GROUP_DECLARE(slug);                   /* test_slug.c */
MX_GROUP_DECLARE(version);                /* test_version.c */
MX_GROUP_DECLARE(unique);                 /* test_unique.c */
MX_GROUP_DECLARE(hooks);                  /* test_hooks.c: order, context, every write path */
extern const test_case misconfig_tests[]; /* test_misconfig.c: no database */
extern const test_case slugify_tests[];   /* test_slug.c: ath_slugify, no database */

#endif
