/* The SQLite driver's private declarations. */
#ifndef ATH_SQLITE_DRIVER_H
#define ATH_SQLITE_DRIVER_H

#include <sqlite3.h>

#include <athanor/sys/driver.h>

struct ath_dconn {
    sqlite3 *db;
    const ath_driver_host *host;
};

struct ath_dstmt {
    sqlite3_stmt *stmt;
    struct ath_dconn *conn;
    int state;        /* ROW_PENDING: execute() found a first row; DONE: no more rows */
    char (*text)[48]; /* per parameter: timestamps, dates and UUIDs formatted for binding, kept
                         until the statement is reset (bound SQLITE_STATIC, no copy) */
};

enum { STEP_IDLE = 0, STEP_ROW_PENDING = 1, STEP_DONE = 2 };

/* connect.c */
int sqlite_check(const ath_connect_params *params, const ath_driver_host *host);
int sqlite_connect(ath_dconn **out, const ath_connect_params *params, const ath_driver_host *host,
                   ath_conn_info *info);
void sqlite_close(ath_dconn *conn);
int sqlite_ping(ath_dconn *conn);
int sqlite_exec(ath_dconn *conn, const char *sql);
int sqlite_last_insert_id(ath_dconn *conn, int64_t *out);

/* statement.c */
int sqlite_prepare(ath_dconn *conn, const char *sql, size_t nparams, ath_dstmt **out);
void sqlite_finalize(ath_dstmt *stmt);
int sqlite_execute(ath_dstmt *stmt, const ath_value *params, size_t nparams);
int sqlite_step(ath_dstmt *stmt);
int sqlite_column_count(ath_dstmt *stmt);
const char *sqlite_column_name(ath_dstmt *stmt, int i);
int sqlite_column(ath_dstmt *stmt, int i, ath_type want, ath_value *out);
int64_t sqlite_changes(ath_dstmt *stmt);
void sqlite_reset(ath_dstmt *stmt);

/* errors.c */
/** Maps SQLite result code `rc` (with the connection's message) onto an ath_code. */
int sqlite_fail(const ath_driver_host *host, sqlite3 *db, int rc, const char *doing);

#endif
