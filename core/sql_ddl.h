/* Private: DDL text from mappings (CREATE TABLE with indexes and constraints, DROP TABLE). */
#ifndef ATH_CORE_SQL_DDL_H
#define ATH_CORE_SQL_DDL_H

#include <stddef.h>

#include <athanor/sys/driver.h>

#include "buf.h"
#include "mapping.h"

/** Writes the CREATE TABLE (and CREATE INDEX) statements for one mapping, ";\n"-separated. */
void ath_sql_create_table(ath_buf *b, const ath_dialect *d, const ath_mapping *m);
/**
 * As ath_sql_create_table; `create_name` (not NULL) creates the table under that name, without
 * IF NOT EXISTS (constraint names stay the model's: SQLite's copy-and-rename); `with_indexes`
 * false leaves out the CREATE INDEX statements that follow the table.
 */
void ath_sql_create_table_as(ath_buf *b, const ath_dialect *d, const ath_mapping *m,
                             const char *create_name, bool with_indexes);
/** The ";\nCREATE INDEX IF NOT EXISTS …" statements of a mapping (where the dialect has them). */
void ath_sql_create_indexes(ath_buf *b, const ath_dialect *d, const ath_mapping *m);
/** The DDL type of column `c` as CREATE TABLE writes it (no key or autoincrement suffix). */
void ath_sql_column_type(ath_buf *b, const ath_dialect *d, const ath_mapping *m, const ath_col *c);
/** The name of a model index: its own, or uq_/ix_<table>_<col1>_<col2>… */
void ath_sql_index_name(char *out, size_t size, const ath_mapping *m, const ath_table_index *ix);
/** Writes DROP TABLE IF EXISTS. */
void ath_sql_drop_table(ath_buf *b, const ath_dialect *d, const ath_mapping *m);

/** Constraint name "<prefix>_<table>[_<column>][_<suffix>]" trimmed to 63 characters. */
void ath_sql_constraint_name(char *out, size_t size, const char *prefix, const char *table,
                             const char *column, const char *suffix);
/** " ON DELETE CASCADE" / " ON DELETE SET NULL" / " ON DELETE RESTRICT", "" for NO ACTION. */
const char *ath_sql_fk_action(ath_fk_action action);

#endif
