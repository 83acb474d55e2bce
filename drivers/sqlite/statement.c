/* Prepared statements: bind, step, typed column reads. */
#include <string.h>

#include "sqlite_driver.h"

/* True when `tail` (what sqlite3_prepare left after the first statement) holds only white space,
 * comments and semicolons: anything else is a second statement. */
static bool blank_tail(const char *tail)
{
    while (tail && *tail) {
        if (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == '\r' || *tail == '\f' ||
            *tail == '\v' || *tail == ';') {
            tail++;
        } else if (tail[0] == '-' && tail[1] == '-') {
            tail += strcspn(tail, "\n");
        } else if (tail[0] == '/' && tail[1] == '*') {
            const char *end = strstr(tail + 2, "*/");
            tail = end ? end + 2 : tail + strlen(tail);
        } else {
            return false;
        }
    }
    return true;
}

int sqlite_prepare(ath_dconn *conn, const char *sql, size_t nparams, ath_dstmt **out)
{
    *out = NULL;
    ath_dstmt *st = conn->host->malloc(sizeof *st);
    if (!st)
        return conn->host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a sqlite statement");
    st->conn = conn;
    st->state = STEP_IDLE;
    st->stmt = NULL;
    st->text = NULL;
    if (nparams && !(st->text = conn->host->malloc(nparams * sizeof *st->text))) {
        conn->host->free(st);
        return conn->host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a sqlite statement");
    }
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->stmt, &tail);
    int have = st->stmt ? sqlite3_bind_parameter_count(st->stmt) : 0;
    if (rc != SQLITE_OK)
        rc = sqlite_fail(conn->host, conn->db, rc, NULL);
    else if (!st->stmt)
        rc = conn->host->fail(ATH_EINVAL, NULL, 0, NULL, "the statement is empty");
    else if (!blank_tail(tail)) /* the servers refuse this too: nothing after ';' is dropped */
        rc = conn->host->fail(ATH_ESQL, NULL, 0, NULL,
                              "more than one statement in one call (\"%.40s\" follows the first): "
                              "run them one at a time",
                              tail);
    else if ((size_t)have != nparams)
        rc = conn->host->fail(ATH_EINVAL, NULL, 0, NULL,
                              "sqlite counts %d parameters where %zu were expected", have, nparams);
    if (rc != ATH_OK) {
        sqlite3_finalize(st->stmt);
        conn->host->free(st->text);
        conn->host->free(st);
        return rc;
    }
    *out = st;
    return ATH_OK;
}

void sqlite_finalize(ath_dstmt *st)
{
    if (!st)
        return;
    sqlite3_finalize(st->stmt);
    st->conn->host->free(st->text);
    st->conn->host->free(st);
}

static int bind_one(ath_dstmt *st, int i, const ath_value *v)
{
    const ath_driver_host *host = st->conn->host;
    char *text = st->text[i - 1]; /* lives until the statement is reset: bound without a copy */
    int n;
    switch (v->type) {
    case ATH_T_NULL:
        return sqlite3_bind_null(st->stmt, i);
    case ATH_T_I32:
        return sqlite3_bind_int(st->stmt, i, v->u.i32);
    case ATH_T_I64:
        return sqlite3_bind_int64(st->stmt, i, v->u.i64);
    case ATH_T_DOUBLE:
        return sqlite3_bind_double(st->stmt, i, v->u.f64);
    case ATH_T_BOOL:
        return sqlite3_bind_int(st->stmt, i, v->u.b ? 1 : 0);
    case ATH_T_TEXT:
    case ATH_T_NUMERIC:
    case ATH_T_JSON:
        return sqlite3_bind_text64(st->stmt, i, v->u.s.ptr, v->u.s.len, SQLITE_STATIC, SQLITE_UTF8);
    case ATH_T_BLOB:
        return sqlite3_bind_blob64(st->stmt, i, v->u.s.len ? v->u.s.ptr : "", v->u.s.len,
                                   SQLITE_STATIC);
    case ATH_T_TIMESTAMP:
        n = host->timestamp_format(v->u.ts, false, text, sizeof *st->text);
        break;
    case ATH_T_DATE:
        n = host->date_format(v->u.date, text, sizeof *st->text);
        break;
    case ATH_T_UUID:
        n = host->uuid_format(&v->u.uuid, text, sizeof *st->text);
        break;
    default:
        return SQLITE_MISMATCH;
    }
    if (n < 0)
        return -1; /* the host already described the bad value */
    return sqlite3_bind_text(st->stmt, i, text, n, SQLITE_STATIC);
}

/* Maps a failed sqlite3_step and leaves the statement reusable. */
static int step_failed(ath_dstmt *st, int rc)
{
    int code = sqlite_fail(st->conn->host, st->conn->db, rc, NULL);
    sqlite3_reset(st->stmt);
    st->state = STEP_DONE;
    return code;
}

int sqlite_execute(ath_dstmt *st, const ath_value *params, size_t nparams)
{
    sqlite3_reset(st->stmt);
    st->state = STEP_IDLE;
    for (size_t i = 0; i < nparams; i++) {
        int rc = bind_one(st, (int)i + 1, &params[i]);
        if (rc == -1)
            return ATH_EINVAL;
        if (rc != SQLITE_OK)
            return sqlite_fail(st->conn->host, st->conn->db, rc, "binding a parameter");
    }
    int rc = sqlite3_step(st->stmt);
    if (rc == SQLITE_ROW) {
        st->state = STEP_ROW_PENDING;
        return ATH_OK;
    }
    if (rc == SQLITE_DONE) {
        st->state = STEP_DONE;
        return ATH_OK;
    }
    return step_failed(st, rc);
}

int sqlite_step(ath_dstmt *st)
{
    if (st->state == STEP_ROW_PENDING) {
        st->state = STEP_IDLE;
        return 1;
    }
    if (st->state == STEP_DONE)
        return 0;
    int rc = sqlite3_step(st->stmt);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE) {
        st->state = STEP_DONE;
        return 0;
    }
    return step_failed(st, rc);
}

int sqlite_column_count(ath_dstmt *st)
{
    return sqlite3_column_count(st->stmt);
}

const char *sqlite_column_name(ath_dstmt *st, int i)
{
    return sqlite3_column_name(st->stmt, i);
}

static int bad_value(ath_dstmt *st, int i, ath_type want)
{
    const ath_driver_host *host = st->conn->host;
    return host->fail(ATH_EINVAL, NULL, 0, NULL, "column %s holds a value that is not a valid %s",
                      sqlite3_column_name(st->stmt, i), host->type_name(want));
}

int sqlite_column(ath_dstmt *st, int i, ath_type want, ath_value *out)
{
    const ath_driver_host *host = st->conn->host;
    /* one lookup of the column, then the cheap value accessors (an "unprotected" value: safe
     * here, as a connection is only ever used by one thread at a time) */
    sqlite3_value *val = sqlite3_column_value(st->stmt, i);
    int type = sqlite3_value_type(val);
    if (type == SQLITE_NULL) {
        memset(out, 0, sizeof *out);
        return ATH_OK;
    }
    out->type = want; /* each case below sets the member it reads */
    switch (want) {
    case ATH_T_I32:
        out->u.i32 = sqlite3_value_int(val);
        return ATH_OK;
    case ATH_T_I64:
        out->u.i64 = sqlite3_value_int64(val);
        return ATH_OK;
    case ATH_T_DOUBLE:
        out->u.f64 = sqlite3_value_double(val);
        return ATH_OK;
    case ATH_T_BOOL:
        out->u.b = sqlite3_value_int64(val) != 0;
        return ATH_OK;
    case ATH_T_TEXT:
    case ATH_T_NUMERIC:
    case ATH_T_JSON:
        out->u.s.ptr = sqlite3_value_text(val);
        out->u.s.len = (size_t)sqlite3_value_bytes(val);
        if (!out->u.s.ptr)
            return host->fail(ATH_ENOMEM, NULL, 0, NULL, "reading a text column");
        return ATH_OK;
    case ATH_T_BLOB:
        out->u.s.ptr = sqlite3_value_blob(val);
        out->u.s.len = (size_t)sqlite3_value_bytes(val);
        if (!out->u.s.ptr)
            out->u.s.ptr = ""; /* a zero-length blob, not NULL */
        return ATH_OK;
    case ATH_T_TIMESTAMP:
        if (type == SQLITE_INTEGER) {
            out->u.ts = sqlite3_value_int64(val);
            return ATH_OK;
        }
        if (host->timestamp_parse(&out->u.ts, (const char *)sqlite3_value_text(val),
                                  (size_t)sqlite3_value_bytes(val)) != ATH_OK)
            return bad_value(st, i, want);
        return ATH_OK;
    case ATH_T_DATE:
        if (type == SQLITE_INTEGER) {
            out->u.date = (ath_date)sqlite3_value_int64(val);
            return ATH_OK;
        }
        if (host->date_parse(&out->u.date, (const char *)sqlite3_value_text(val),
                             (size_t)sqlite3_value_bytes(val)) != ATH_OK)
            return bad_value(st, i, want);
        return ATH_OK;
    case ATH_T_UUID:
        if (type == SQLITE_BLOB && sqlite3_value_bytes(val) == 16) {
            memcpy(out->u.uuid.bytes, sqlite3_value_blob(val), 16);
            return ATH_OK;
        }
        if (host->uuid_parse(&out->u.uuid, (const char *)sqlite3_value_text(val),
                             (size_t)sqlite3_value_bytes(val)) != ATH_OK)
            return bad_value(st, i, want);
        return ATH_OK;
    default:
        return bad_value(st, i, want);
    }
}

int64_t sqlite_changes(ath_dstmt *st)
{
    return sqlite3_changes64(st->conn->db);
}

void sqlite_reset(ath_dstmt *st)
{
    sqlite3_reset(st->stmt);
    st->state = STEP_IDLE;
}
