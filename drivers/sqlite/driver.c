/* The SQLite driver's descriptor and dialect. */
#include "sqlite_driver.h"

/* SQLAlchemy's SQLite driver names; sqlite+pysqlcipher is accepted only to be refused clearly at
 * connect (this driver is built on plain SQLite, which cannot open SQLCipher databases). */
static const char *const schemes[] = {"sqlite", "sqlite+pysqlite", "sqlite+sqlite3",
                                      "sqlite+aiosqlite", "sqlite+pysqlcipher", NULL};

/* The catalog through SQLite's pragma table functions. Unique constraints' indexes are named
 * sqlite_autoindex_*; foreign keys have no name (grouped by their id). A key column counts as
 * NOT NULL. */
static const ath_catalog_sql catalog = {
    .struct_size = sizeof(ath_catalog_sql),
    .tables = "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
              "'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    .columns = "SELECT name, type, CASE WHEN \"notnull\" = 0 AND pk = 0 THEN 1 ELSE 0 END, "
               "dflt_value, NULL FROM pragma_table_info(?) ORDER BY cid",
    .primary_key = "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
    .indexes = "SELECT il.name, il.\"unique\", ii.name, CASE WHEN il.origin = 'u' THEN 1 ELSE 0 "
               "END FROM pragma_index_list(?) AS il, pragma_index_info(il.name) AS ii WHERE "
               "il.origin <> 'pk' ORDER BY il.name, ii.seqno",
    .foreign_keys = "SELECT CAST(id AS TEXT), NULL, \"from\", \"table\", \"to\", on_delete FROM "
                    "pragma_foreign_key_list(?) ORDER BY id, seq",
    .lock_sql = NULL,
    .unlock_sql = NULL,
    .alter = ATH_ALTER_REBUILD,
    .drop_index_on_table = false,
    .unique_as_index = false,
    .alter_constraints = false,
    /* the copy-and-rename's DROP TABLE would cascade into the rows that reference the table */
    .fk_enabled_sql = "SELECT foreign_keys FROM pragma_foreign_keys",
    .fk_off_sql = "PRAGMA foreign_keys = OFF",
    .fk_on_sql = "PRAGMA foreign_keys = ON",
    .fk_check_sql = "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check",
};

static const ath_dialect dialect = {
    .struct_size = sizeof(ath_dialect),
    .placeholder = ATH_PLACEHOLDER_QMARK,
    .ident_quote = '"',
    .type_names =
        {
            [ATH_T_I32] = "INTEGER",
            [ATH_T_I64] = "BIGINT",
            [ATH_T_DOUBLE] = "REAL",
            [ATH_T_BOOL] = "BOOLEAN",
            [ATH_T_TEXT] = "TEXT",
            [ATH_T_BLOB] = "BLOB",
            [ATH_T_NUMERIC] = "NUMERIC",
            [ATH_T_TIMESTAMP] = "DATETIME",
            [ATH_T_DATE] = "DATE",
            [ATH_T_UUID] = "CHAR(36)",
            [ATH_T_JSON] = "TEXT",
        },
    .varchar_format = "VARCHAR(%d)",
    .text_key_type = NULL,
    .autoinc = ATH_AUTOINC_INLINE_PK,
    .autoinc_type = "INTEGER",
    .autoinc_suffix = NULL,
    .upsert = ATH_UPSERT_ON_CONFLICT,
    .has_ilike = false,
    .transactional_ddl = true,
    .index_if_not_exists = true,
    .begin_sql = "BEGIN",
    .begin_write_sql = "BEGIN IMMEDIATE",
    .max_params = 32766,
    .table_options = "",
    .length_check = "length(%s) <= %d", /* characters, as VARCHAR(n) counts on the servers */
    .json_check = "json_valid(%s)",
    .catalog = &catalog,
    /* SQLite 3.30 (2019) and later; Debian 12 has 3.40 */
    .nulls_first = " NULLS FIRST",
    .nulls_last = " NULLS LAST",
    .for_update = NULL, /* no row locks: a locking read begins a write transaction */
};

static const ath_driver driver = {
    .abi = ATH_DRIVER_ABI,
    .struct_size = sizeof(ath_driver),
    .name = "sqlite",
    .schemes = schemes,
    .dialect = &dialect,
    .connect = sqlite_connect,
    .close = sqlite_close,
    .ping = sqlite_ping,
    .exec = sqlite_exec,
    .prepare = sqlite_prepare,
    .finalize = sqlite_finalize,
    .execute = sqlite_execute,
    .step = sqlite_step,
    .column_count = sqlite_column_count,
    .column_name = sqlite_column_name,
    .column = sqlite_column,
    .changes = sqlite_changes,
    .last_insert_id = sqlite_last_insert_id,
    .reset = sqlite_reset,
    .check = sqlite_check,
};

ATH_API const ath_driver *athanor_sqlite_driver(void);
const ath_driver *athanor_sqlite_driver(void)
{
    return &driver;
}
