/* Private: the dialect's catalog queries, for inspection and migrations. */
#ifndef ATH_CORE_INSPECT_INT_H
#define ATH_CORE_INSPECT_INT_H

#include <athanor/engine.h>
#include <athanor/sys/driver.h>

/** The engine's catalog queries, or NULL when its driver describes none. */
const ath_catalog_sql *ath_catalog_sql_of(ath_engine *engine);

#endif
