/* Private: the dialect's catalog queries, for inspection and migrations. */
#ifndef ATH_CORE_INSPECT_INT_H
#define ATH_CORE_INSPECT_INT_H

#include <athanor/engine.h>
#include <athanor/sys/driver.h>

/** The engine's catalog queries, or NULL when its driver describes none. */
const ath_catalog_sql *ath_catalog_sql_of(ath_engine *engine);

struct ath_mapping;
/** The mappings of `models` (n of them) into `out` (n slots), referenced tables first;
 *  ATH_EINVAL for an invalid model or a foreign-key cycle (core/schema.c). */
int ath_schema_order(ath_engine *e, const ath_model *const *models, size_t n,
                     const struct ath_mapping **out);

#endif
