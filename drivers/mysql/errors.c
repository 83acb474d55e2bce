/* MySQL/MariaDB error numbers -> ath_code, with the violated constraint's name where the
 * message gives it. */
#include <stdio.h>
#include <string.h>

#include "mysql_driver.h"

static const struct {
    unsigned err;
    int code;
} errmap[] = {
    /* unique keys */
    {1022, ATH_EDUPLICATE}, /* ER_DUP_KEY */
    {1062, ATH_EDUPLICATE}, /* ER_DUP_ENTRY */
    {1169, ATH_EDUPLICATE}, /* ER_DUP_UNIQUE */
    {1586, ATH_EDUPLICATE}, /* ER_DUP_ENTRY_WITH_KEY_NAME */
    /* foreign keys */
    {1216, ATH_EFOREIGNKEY}, /* ER_NO_REFERENCED_ROW */
    {1217, ATH_EFOREIGNKEY}, /* ER_ROW_IS_REFERENCED */
    {1451, ATH_EFOREIGNKEY}, /* ER_ROW_IS_REFERENCED_2 */
    {1452, ATH_EFOREIGNKEY}, /* ER_NO_REFERENCED_ROW_2 */
    /* NOT NULL */
    {1048, ATH_ENOTNULL}, /* ER_BAD_NULL_ERROR */
    {1263, ATH_ENOTNULL}, /* ER_WARN_NULL_TO_NOTNULL (strict multi-row insert) */
    {1364, ATH_ENOTNULL}, /* ER_NO_DEFAULT_FOR_FIELD */
    /* CHECK */
    {3819, ATH_ECHECK}, /* MySQL ER_CHECK_CONSTRAINT_VIOLATED */
    {4025, ATH_ECHECK}, /* MariaDB ER_CONSTRAINT_FAILED (also a JSON column's json_valid) */
    /* a value the column's type rejects (strict mode): the same code as SQLite's CHECKs */
    {1406, ATH_ECHECK}, /* ER_DATA_TOO_LONG: longer than VARCHAR(n) */
    {1366, ATH_ECHECK}, /* ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: "Incorrect decimal value" */
    /* retry: the server chose this transaction as a victim */
    {1205, ATH_ERETRY}, /* ER_LOCK_WAIT_TIMEOUT: the statement failed, the transaction lives */
    {3572, ATH_ERETRY}, /* ER_LOCK_NOWAIT (MySQL 8): FOR UPDATE NOWAIT found the row locked */
    {1213, ATH_ERETRY}, /* ER_LOCK_DEADLOCK: the whole transaction was rolled back */
    {1614, ATH_ERETRY}, /* ER_XA_RBDEADLOCK */
    /* the connection is gone */
    {1053, ATH_ECONNLOST}, /* ER_SERVER_SHUTDOWN */
    {1153, ATH_ECONNLOST}, /* ER_NET_PACKET_TOO_LARGE: the server closes the connection */
    {1184, ATH_ECONNLOST}, /* ER_NEW_ABORTING_CONNECTION */
    {1927, ATH_ECONNLOST}, /* MariaDB ER_CONNECTION_KILLED */
    {2006, ATH_ECONNLOST}, /* CR_SERVER_GONE_ERROR */
    {2013, ATH_ECONNLOST}, /* CR_SERVER_LOST */
    {2055, ATH_ECONNLOST}, /* CR_SERVER_LOST_EXTENDED */
    {4031, ATH_ECONNLOST}, /* MySQL ER_CLIENT_INTERACTION_TIMEOUT */
    /* time limits */
    {1317, ATH_ETIMEOUT}, /* ER_QUERY_INTERRUPTED */
    {1969, ATH_ETIMEOUT}, /* MariaDB ER_STATEMENT_TIMEOUT (max_statement_time) */
    {3024, ATH_ETIMEOUT}, /* MySQL ER_QUERY_TIMEOUT (max_execution_time) */
    /* memory and storage */
    {1037, ATH_ENOMEM}, /* ER_OUTOFMEMORY */
    {1038, ATH_ENOMEM}, /* ER_OUT_OF_SORTMEMORY */
    {1041, ATH_ENOMEM}, /* ER_OUT_OF_RESOURCES */
    {2008, ATH_ENOMEM}, /* CR_OUT_OF_MEMORY */
    {1021, ATH_EIO},    /* ER_DISK_FULL */
    {1114, ATH_EIO},    /* ER_RECORD_FILE_FULL */
    {1290, ATH_EIO},    /* ER_OPTION_PREVENTS_STATEMENT (--read-only) */
    /* the statement cannot run here */
    {1235, ATH_EUNSUPPORTED}, /* ER_NOT_SUPPORTED_YET */
    {1295, ATH_EUNSUPPORTED}, /* ER_UNSUPPORTED_PS: not allowed as a prepared statement */
    {2014, ATH_EINVAL},       /* CR_COMMANDS_OUT_OF_SYNC: a result was still being read */
};

/* The ath_code for a MySQL error number (ATH_ESQL when not special). */
static int map_errno(unsigned err)
{
    for (size_t i = 0; i < sizeof errmap / sizeof *errmap; i++)
        if (errmap[i].err == err)
            return errmap[i].code;
    return ATH_ESQL;
}

/* The last occurrence of `needle` in `hay`, or NULL. */
static const char *last_of(const char *hay, const char *needle)
{
    const char *found = NULL;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        found = p;
    return found;
}

/* Copies the text after `opener` up to the next `closer` into out; false when absent. */
static bool between(const char *from, const char *opener, char closer, char *out, size_t size)
{
    if (!from)
        return false;
    const char *start = strstr(from, opener);
    if (!start)
        return false;
    start += strlen(opener);
    const char *end = strchr(start, closer);
    if (!end || end == start || (size_t)(end - start) >= size)
        return false;
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
    return true;
}

/* The identifier after `opener`, in whichever quotes the message uses (` or " under
 * ANSI_QUOTES, or '). */
static bool quoted_after(const char *msg, const char *opener, char *out, size_t size)
{
    const char *start = strstr(msg, opener);
    if (!start)
        return false;
    start += strlen(opener);
    char q = *start;
    if (q != '`' && q != '"' && q != '\'')
        return false;
    char closer[2] = {q, '\0'};
    return between(start, closer, q, out, size);
}

/*
 * The constraint (or, for NOT NULL, the column) a message names:
 *   1062 "Duplicate entry 'x' for key 'uq_t_name'"   (MySQL 8: 'table.uq_t_name')
 *   1451/1452 "… a foreign key constraint fails (`db`.`t`, CONSTRAINT `fk_x` FOREIGN KEY …)"
 *   (identifiers in "…" instead of `…` under ANSI_QUOTES, which every session sets)
 *   1048 "Column 'name' cannot be null"; 1364 "Field 'name' doesn't have a default value"
 *   4025 "CONSTRAINT `ck_x` failed for `db`.`t`"; 3819 "Check constraint 'ck_x' is violated."
 */
static bool constraint_of(unsigned err, const char *msg, bool mariadb, char *out, size_t size)
{
    switch (err) {
    case 1062:
    case 1586: {
        /* the duplicate value may itself hold quotes: the key is after the LAST " for key '" */
        const char *k = last_of(msg, " for key '");
        const char *end = k ? strrchr(msg, '\'') : NULL;
        if (!k || !end)
            return false;
        k += strlen(" for key '");
        if (end <= k || (size_t)(end - k) >= size)
            return false;
        memcpy(out, k, (size_t)(end - k));
        out[end - k] = '\0';
        const char *dot = strrchr(out, '.');
        if (!mariadb && dot) /* MySQL 8 writes table.key */
            memmove(out, dot + 1, strlen(dot + 1) + 1);
        return true;
    }
    case 1451:
    case 1452:
        return quoted_after(msg, "CONSTRAINT ", out, size);
    case 1048:
        return between(msg, "Column '", '\'', out, size);
    case 1364:
        return between(msg, "Field '", '\'', out, size);
    case 1263:
        return between(msg, "column '", '\'', out, size);
    case 4025:
        return quoted_after(msg, "CONSTRAINT ", out, size);
    case 3819:
        return quoted_after(msg, "constraint ", out, size);
    default:
        return false;
    }
}

/* Maps a server or client error onto an ath_code and records it through host->fail. */
static int fail(const ath_driver_host *host, unsigned err, const char *sqlstate, const char *msg,
                bool mariadb, const char *doing)
{
    char constraint[256];
    int code = map_errno(err);
    bool named = constraint_of(err, msg, mariadb, constraint, sizeof constraint);
    if (doing)
        return host->fail(code, sqlstate, (long)err, named ? constraint : NULL,
                          "%s (MySQL error %u, while %s)", msg, err, doing);
    return host->fail(code, sqlstate, (long)err, named ? constraint : NULL, "%s (MySQL error %u)",
                      msg, err);
}

int mydrv_fail_conn(ath_dconn *conn, const char *doing)
{
    if (conn->abandoned) /* a failed non-blocking wait, recorded then; the call only unwound */
        return conn->abandoned;
    unsigned err = mysql_errno(conn->my);
    if (!err)
        return conn->host->fail(ATH_ESQL, NULL, 0, NULL,
                                "MySQL reported a failure without an "
                                "error (while %s)",
                                doing ? doing : "running a statement");
    return fail(conn->host, err, mysql_sqlstate(conn->my), mysql_error(conn->my), conn->mariadb,
                doing);
}

int mydrv_fail_stmt(ath_dstmt *st, const char *doing)
{
    if (st->conn->abandoned)
        return st->conn->abandoned;
    unsigned err = mysql_stmt_errno(st->stmt);
    if (!err)
        return mydrv_fail_conn(st->conn, doing);
    return fail(st->conn->host, err, mysql_stmt_sqlstate(st->stmt), mysql_stmt_error(st->stmt),
                st->conn->mariadb, doing);
}
