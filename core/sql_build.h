/* Private: SQL text pieces every statement kind uses (identifiers, column lists, key conditions)
 * and the per-mapping SELECT / get / UPDATE texts. Identifiers are quoted; values are `?`. */
#ifndef ATH_CORE_SQL_BUILD_H
#define ATH_CORE_SQL_BUILD_H

#include <stdbool.h>

#include <athanor/sys/driver.h>

#include "buf.h"
#include "mapping.h"

/** Appends `name` quoted for the dialect. */
void ath_sql_ident(ath_buf *b, const ath_dialect *d, const char *name);
/** Appends "<table>.<column>" quoted, qualified by `qualifier` (a table name or alias). */
void ath_sql_column(ath_buf *b, const ath_dialect *d, const char *qualifier, const char *column);
/** Appends the quoted column names of the mapping, comma-separated. */
void ath_sql_column_list(ath_buf *b, const ath_dialect *d, const ath_mapping *m);
/** Appends "k1 = ? AND k2 = ?" over the primary key. */
void ath_sql_key_condition(ath_buf *b, const ath_dialect *d, const ath_mapping *m);
/** Builds m's shared statements (sql_select, sql_get, sql_update) for dialect d; ATH_ENOMEM. */
int ath_sql_mapping_statements(ath_mapping *m, const ath_dialect *d);
/** Clears b and writes "UPDATE <table> SET c1 = ?, c2 = ?" over the n columns. With `exprs`,
 *  columns with an .onupdate_sql come last as "c = <expression>" and take no parameter (the
 *  parameters are the other columns, in their order). */
void ath_sql_update_head(ath_buf *b, const ath_dialect *d, const ath_mapping *m,
                         const ath_col *const *cols, size_t n, bool exprs);
/** True when some column of m has an .onupdate_sql expression. */
bool ath_mapping_has_onupdate_sql(const ath_mapping *m);
/** Appends " RETURNING c1, c2" over m's .onupdate_sql columns (each `qualifier.c` when given). */
void ath_sql_returning_onupdate(ath_buf *b, const ath_dialect *d, const ath_mapping *m,
                                const char *qualifier);
/** Appends n placeholders "?, ?, …". */
void ath_sql_placeholders_list(ath_buf *b, size_t n);

#endif
