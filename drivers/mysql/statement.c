/* Server-side prepared statements: prepare, execute, affected rows, reset, finalize.
 * The core keeps one prepared statement per distinct SQL text per connection (its cache), so
 * each is prepared once on the server and executed many times. */
#include <string.h>

#include "mysql_driver.h"

#define CR_NEW_STMT_METADATA_ERR 2057 /* the table changed since prepare: prepare again */

int mydrv_prepare(ath_dconn *conn, const char *sql, size_t nparams, ath_dstmt **out)
{
    const ath_driver_host *host = conn->host;
    size_t len = strlen(sql);
    int rc;
    *out = NULL;
    if (len + 1 > conn->max_packet)
        return host->fail(ATH_EINVAL, NULL, 0, NULL,
                          "the statement is %zu bytes, more than the server's "
                          "max_allowed_packet of %lu bytes",
                          len, conn->max_packet);
    ath_dstmt *st = host->malloc(sizeof *st);
    if (!st)
        return host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a mysql statement");
    memset(st, 0, sizeof *st);
    st->conn = conn;
    st->sql_len = (unsigned long)len;
    if (!(st->sql = host->malloc(len + 1))) {
        rc = host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a mysql statement");
        goto fail;
    }
    memcpy(st->sql, sql, len + 1);
    if (!(st->stmt = mysql_stmt_init(conn->my))) {
        rc = mydrv_fail_conn(conn, "allocating a prepared statement");
        goto fail;
    }
    st->buffered = conn->buffered || host->sql_is_write(sql);
    if (st->buffered) {
        /* mysql_stmt_store_result then measures each column, so buffers fit the first time */
        my_bool on = 1;
        mysql_stmt_attr_set(st->stmt, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
    }
    int failed;
    MY_CALL(conn, failed, mysql_stmt_prepare, st->stmt, sql, (unsigned long)len);
    if (failed) {
        rc = mydrv_fail_stmt(st, NULL);
        goto fail;
    }
    unsigned long have = mysql_stmt_param_count(st->stmt);
    if (have != nparams) {
        rc = host->fail(ATH_EINVAL, NULL, 0, NULL,
                        "MySQL counts %lu parameters where %zu were expected", have, nparams);
        goto fail;
    }
    st->nparams = (unsigned)nparams;
    if (nparams) {
        st->pbind = host->malloc(nparams * sizeof *st->pbind);
        st->pslot = host->malloc(nparams * sizeof *st->pslot);
        if (!st->pbind || !st->pslot) {
            rc =
                host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating %zu parameter bindings", nparams);
            goto fail;
        }
    }
    *out = st;
    return ATH_OK;
fail:
    mydrv_finalize(st);
    return rc;
}

/* Finishes the open result, if any: unread rows are discarded, later result sets too. */
static void end_result(ath_dstmt *st)
{
    if (!st->active)
        return;
    my_bool freed;
    int next = 0;
    MY_CALL(st->conn, freed, mysql_stmt_free_result, st->stmt);
    while (next == 0 && mysql_stmt_more_results(st->stmt)) {
        MY_CALL(st->conn, next, mysql_stmt_next_result, st->stmt);
        if (next == 0)
            MY_CALL(st->conn, freed, mysql_stmt_free_result, st->stmt);
    }
    (void)freed;
    st->active = false;
    st->done = true;
}

void mydrv_finalize(ath_dstmt *st)
{
    if (!st)
        return;
    const ath_driver_host *host = st->conn->host;
    if (st->meta)
        mysql_free_result(st->meta);
    if (st->stmt) {
        my_bool closed;
        MY_CALL(st->conn, closed, mysql_stmt_close, st->stmt);
        (void)closed;
    }
    mydrv_free_columns(st);
    host->free(st->pbind);
    host->free(st->pslot);
    host->free(st->sql);
    host->free(st);
}

#define EXECUTE_FAILED 1

/* Binds the parameters and runs the statement once: ATH_OK, EXECUTE_FAILED (the statement's
 * error is pending), or a negative code already reported. */
static int run(ath_dstmt *st)
{
    if (st->nparams && mysql_stmt_bind_param(st->stmt, st->pbind) != 0)
        return mydrv_fail_stmt(st, "binding parameters");
    int failed;
    MY_CALL(st->conn, failed, mysql_stmt_execute, st->stmt);
    return failed == 0 ? ATH_OK : EXECUTE_FAILED;
}

int mydrv_execute(ath_dstmt *st, const ath_value *params, size_t nparams)
{
    ath_dconn *conn = st->conn;
    end_result(st);
    st->ncols = 0;
    st->affected = 0;
    st->rows = 0;
    st->done = true;
    if (nparams != st->nparams)
        return conn->host->fail(ATH_EINVAL, NULL, 0, NULL,
                                "the statement has %u parameters but %zu values were given",
                                st->nparams, nparams);
    int rc = mydrv_bind_params(st, params, nparams);
    if (rc != ATH_OK)
        return rc;
    if ((rc = run(st)) == EXECUTE_FAILED &&
        mysql_stmt_errno(st->stmt) == CR_NEW_STMT_METADATA_ERR) {
        /* a table behind the statement changed shape: prepare it again, once */
        int failed;
        MY_CALL(conn, failed, mysql_stmt_prepare, st->stmt, st->sql, st->sql_len);
        if (failed)
            return mydrv_fail_stmt(st, "preparing a statement again after its table changed");
        if (mysql_stmt_param_count(st->stmt) != st->nparams)
            return conn->host->fail(ATH_ESQL, NULL, 0, NULL,
                                    "the statement's parameter count changed with its table");
        rc = run(st);
    }
    if (rc == EXECUTE_FAILED)
        return mydrv_fail_stmt(st, NULL);
    if (rc != ATH_OK)
        return rc;

    my_ulonglong id = mysql_stmt_insert_id(st->stmt);
    if (id)
        conn->last_id = (int64_t)id; /* the FIRST id of a multi-row insert, as MySQL defines it */
    unsigned fields = mysql_stmt_field_count(st->stmt);
    if (!fields) {
        my_ulonglong n = mysql_stmt_affected_rows(st->stmt);
        st->affected = n == (my_ulonglong)-1 ? 0 : (int64_t)n;
        return ATH_OK;
    }
    st->active = true;
    st->done = false;
    int failed = 0;
    if (st->buffered)
        MY_CALL(conn, failed, mysql_stmt_store_result, st->stmt);
    if (failed) {
        /* an error after the result began (INSERT … RETURNING hitting a constraint): the
         * statement must be reset, or the next execute waits for packets that never come */
        rc = mydrv_fail_stmt(st, "reading the result");
        end_result(st);
        my_bool reset;
        MY_CALL(conn, reset, mysql_stmt_reset, st->stmt);
        (void)reset;
        return rc;
    }
    if ((rc = mydrv_bind_result(st)) != ATH_OK) {
        end_result(st);
        return rc;
    }
    return ATH_OK;
}

int64_t mydrv_changes(ath_dstmt *st)
{
    /* a statement with rows (SELECT, INSERT … RETURNING) counts the rows it returned */
    if (st->ncols)
        return st->buffered && st->active ? (int64_t)mysql_stmt_num_rows(st->stmt)
                                          : (int64_t)st->rows;
    return st->affected;
}

void mydrv_reset(ath_dstmt *st)
{
    end_result(st);
    mydrv_shrink_columns(st);
}
