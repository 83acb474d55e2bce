/* The MySQL/MariaDB driver's descriptor and dialect (see docs/mysql.md for each choice). */
#include "mysql_driver.h"

/* Every SQLAlchemy driver name for MySQL and MariaDB: a URL pasted from a Python config works. */
static const char *const schemes[] = {
    "mysql",
    "mariadb",
    "mysql+mysqlclient",
    "mariadb+mysqlclient",
    "mysql+mysqldb",
    "mariadb+mysqldb",
    "mysql+pymysql",
    "mariadb+pymysql",
    "mysql+mysqlconnector",
    "mariadb+mysqlconnector",
    "mysql+aiomysql",
    "mariadb+aiomysql",
    "mysql+asyncmy",
    "mariadb+asyncmy",
    "mysql+mariadbconnector",
    "mariadb+mariadbconnector",
    "mysql+cymysql",
    NULL};

/* The catalog as information_schema describes it (MariaDB: a default with no value is the text
 * NULL; the core reads that as no default). */
static const ath_catalog_sql catalog = {
    .struct_size = sizeof(ath_catalog_sql),
    .tables = "SELECT table_name, NULL FROM information_schema.tables WHERE table_schema = "
              "DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name",
    .columns = "SELECT column_name, column_type, CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END, "
               "column_default, CASE WHEN extra LIKE '%auto_increment%' THEN 'AUTO_INCREMENT' "
               "END FROM information_schema.columns WHERE table_schema = DATABASE() AND "
               "table_name = ? ORDER BY ordinal_position",
    .primary_key = "SELECT column_name FROM information_schema.key_column_usage WHERE "
                   "table_schema = DATABASE() AND table_name = ? AND constraint_name = 'PRIMARY' "
                   "ORDER BY ordinal_position",
    .indexes = "SELECT s.index_name, CASE WHEN s.non_unique = 0 THEN 1 ELSE 0 END, s.column_name, "
               "CASE WHEN EXISTS (SELECT 1 FROM information_schema.table_constraints t WHERE "
               "t.table_schema = s.table_schema AND t.table_name = s.table_name AND "
               "t.constraint_name = s.index_name AND t.constraint_type = 'UNIQUE') THEN 1 ELSE 0 "
               "END FROM information_schema.statistics s WHERE s.table_schema = DATABASE() AND "
               "s.table_name = ? AND s.index_name <> 'PRIMARY' ORDER BY s.index_name, "
               "s.seq_in_index",
    .foreign_keys = "SELECT k.constraint_name, k.constraint_name, k.column_name, "
                    "k.referenced_table_name, k.referenced_column_name, r.delete_rule FROM "
                    "information_schema.key_column_usage k JOIN "
                    "information_schema.referential_constraints r ON r.constraint_schema = "
                    "k.constraint_schema AND r.constraint_name = k.constraint_name AND "
                    "r.table_name = k.table_name WHERE k.table_schema = DATABASE() AND "
                    "k.table_name = ? AND k.referenced_table_name IS NOT NULL ORDER BY "
                    "k.constraint_name, k.ordinal_position",
    .lock_sql = "SELECT GET_LOCK(?, 0)",
    .unlock_sql = "SELECT RELEASE_LOCK(?)",
    .alter = ATH_ALTER_MODIFY,
    .drop_index_on_table = true,
    .unique_as_index = true,
    .alter_constraints = true,
};

static const ath_dialect dialect = {
    .struct_size = sizeof(ath_dialect),
    .placeholder = ATH_PLACEHOLDER_QMARK,
    .ident_quote = '`',
    .type_names =
        {
            [ATH_T_I32] = "INT",
            [ATH_T_I64] = "BIGINT",
            [ATH_T_DOUBLE] = "DOUBLE",
            [ATH_T_BOOL] = "TINYINT(1)",
            /* not TEXT: it stops at 65 535 bytes, where PostgreSQL and SQLite have no limit */
            [ATH_T_TEXT] = "LONGTEXT",
            [ATH_T_BLOB] = "LONGBLOB",
            /* 28 integer digits and 10 decimals; read back without trailing zeros */
            [ATH_T_NUMERIC] = "DECIMAL(38,10)",
            /* stored as UTC: every session runs with time_zone '+00:00' */
            [ATH_T_TIMESTAMP] = "DATETIME(6)",
            [ATH_T_DATE] = "DATE",
            /* the 16 bytes: a third of CHAR(36) in utf8mb4, in every secondary index too */
            [ATH_T_UUID] = "BINARY(16)",
            /* MySQL: a JSON column; MariaDB: LONGTEXT with a JSON_VALID check */
            [ATH_T_JSON] = "JSON",
        },
    .varchar_format = "VARCHAR(%d)",
    .text_key_type = "VARCHAR(255)", /* TEXT cannot be indexed without a prefix length */
    .autoinc = ATH_AUTOINC_SUFFIX,
    .autoinc_type = NULL,
    .autoinc_suffix = "AUTO_INCREMENT",
    .upsert = ATH_UPSERT_ON_DUPLICATE_KEY,
    .has_ilike = false,
    .transactional_ddl = false, /* every DDL statement commits the open transaction */
    .index_if_not_exists = true,
    .begin_sql = "BEGIN",
    .begin_write_sql = NULL,
    .max_params = 65535, /* the protocol counts parameters in 16 bits */
    /* binary collation: equality, uniqueness and LIKE are case-sensitive, as elsewhere */
    .table_options = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin",
    .insert_defaults = " () VALUES ()", /* MySQL has no DEFAULT VALUES */
    .catalog = &catalog,
    /* no NULLS FIRST / NULLS LAST: the core orders by `col IS NULL` first */
    .nulls_first = NULL,
    .nulls_last = NULL,
    .for_update = " FOR UPDATE",
    .nowait = " NOWAIT",
    .skip_locked = " SKIP LOCKED",
    .any_array = NULL,
    .update_from = "join",
};

static const ath_driver driver = {
    .abi = ATH_DRIVER_ABI,
    .struct_size = sizeof(ath_driver),
    .name = "mysql",
    .schemes = schemes,
    .dialect = &dialect,
    .connect = mydrv_connect,
    .close = mydrv_close,
    .ping = mydrv_ping,
    .exec = mydrv_exec,
    .prepare = mydrv_prepare,
    .finalize = mydrv_finalize,
    .execute = mydrv_execute,
    .step = mydrv_step,
    .column_count = mydrv_column_count,
    .column_name = mydrv_column_name,
    .column = mydrv_column,
    .changes = mydrv_changes,
    .last_insert_id = mydrv_last_insert_id,
    .reset = mydrv_reset,
    .check = mydrv_check,
    .flags = ATH_DRIVER_NONBLOCKING, /* io=nonblocking: nonblocking.c */
};

ATH_API const ath_driver *athanor_mysql_driver(void);
const ath_driver *athanor_mysql_driver(void)
{
    return &driver;
}
