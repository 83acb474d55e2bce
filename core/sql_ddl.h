/* Private: DDL text from mappings (CREATE TABLE with indexes and constraints, DROP TABLE). */
#ifndef ATH_CORE_SQL_DDL_H
#define ATH_CORE_SQL_DDL_H

#include <stddef.h>

#include <athanor/sys/driver.h>

#include "buf.h"
#include "mapping.h"

/** Writes the CREATE TABLE (and CREATE INDEX) statements for one mapping, ";\n"-separated. */
void ath_sql_create_table(ath_buf *b, const ath_dialect *d, const ath_mapping *m);
/** Writes DROP TABLE IF EXISTS. */
void ath_sql_drop_table(ath_buf *b, const ath_dialect *d, const ath_mapping *m);

/** Constraint name "<prefix>_<table>[_<column>][_<suffix>]" trimmed to 63 characters. */
void ath_sql_constraint_name(char *out, size_t size, const char *prefix, const char *table,
                             const char *column, const char *suffix);

#endif
