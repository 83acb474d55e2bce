/* The test groups of the conformance suite, one array per file ({NULL, NULL}-terminated). */
#ifndef ATHANOR_CONFORMANCE_GROUPS_H
#define ATHANOR_CONFORMANCE_GROUPS_H

#include "runner.h"

extern const test_case models_tests[];       /* test_models.c: validation, no database */
extern const test_case add_tests[];          /* test_add.c */
extern const test_case get_tests[];          /* test_get.c */
extern const test_case list_tests[];         /* test_list.c */
extern const test_case filters_tests[];      /* test_filters.c: operators, ranges, order */
extern const test_case filter_logic_tests[]; /* test_filter_logic.c: search, any/all, exists */
extern const test_case update_tests[];       /* test_update.c */
extern const test_case upsert_tests[];       /* test_upsert.c */
extern const test_case delete_tests[];       /* test_delete.c */
extern const test_case schema_tests[];       /* test_schema.c */
extern const test_case types_tests[];        /* test_types.c */
extern const test_case errors_tests[];       /* test_errors.c */
extern const test_case session_tests[];      /* test_session.c */
extern const test_case pagination_tests[];   /* test_pagination.c */
extern const test_case values_tests[];       /* test_values.c: value kinds, ranges, LIKE */
extern const test_case relations_tests[];    /* test_relations.c: declared relations, loading */
extern const test_case onupdate_tests[];     /* test_onupdate.c: a field's onupdate function */
extern const test_case onupdate_sql_tests[]; /* test_onupdate_sql.c: a field's onupdate_sql expression */

#endif
