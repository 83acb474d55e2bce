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
};

ATH_API const ath_driver *athanor_mysql_driver(void);
const ath_driver *athanor_mysql_driver(void)
{
    return &driver;
}
