/* Result rows: column binds chosen from the server's field types, fetching (with buffers that
 * grow for long values), and typed reads that convert to the ath_type asked for. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mysql_driver.h"

/* Byte buffers start at the column's declared width when it is modest, else at this size and
 * grow to the longest value seen (unbuffered mode; buffered mode knows the longest up front). */
#define INITIAL_BYTES 4096
#define MODEST_WIDTH  65536
/* A statement stays in the connection's cache; buffers past this size are freed after use. */
#define KEEP_BYTES (1024 * 1024)

static my_col_kind kind_of(enum enum_field_types t)
{
    switch (t) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
        return COL_INT;
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
        return COL_DOUBLE;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIME:
        return COL_TIME;
    default: /* strings, blobs, DECIMAL as text, JSON, BIT, ENUM, SET, GEOMETRY, NULL */
        return COL_BYTES;
    }
}

void mydrv_free_columns(ath_dstmt *st)
{
    const ath_driver_host *host = st->conn->host;
    for (unsigned i = 0; i < st->cols_cap; i++)
        host->free(st->cols[i].buf);
    host->free(st->cols);
    host->free(st->cbind);
    st->cols = NULL;
    st->cbind = NULL;
    st->cols_cap = 0;
    st->ncols = 0;
}

void mydrv_shrink_columns(ath_dstmt *st)
{
    for (unsigned i = 0; i < st->cols_cap; i++) {
        my_column *c = &st->cols[i];
        if (c->cap > KEEP_BYTES) {
            st->conn->host->free(c->buf);
            c->buf = NULL;
            c->cap = 0;
        }
    }
}

/* Makes room for `want` bytes plus a terminator in column c. */
static int grow(ath_dstmt *st, my_column *c, unsigned long want)
{
    if (c->buf && c->cap >= want)
        return ATH_OK;
    unsigned long cap = want < 32 ? 32 : want;
    char *buf = st->conn->host->realloc(c->buf, (size_t)cap + 1);
    if (!buf)
        return st->conn->host->fail(ATH_ENOMEM, NULL, 0, NULL,
                                    "allocating %lu bytes for a column value", cap + 1);
    c->buf = buf;
    c->cap = cap;
    return ATH_OK;
}

int mydrv_bind_result(ath_dstmt *st)
{
    const ath_driver_host *host = st->conn->host;
    unsigned n = mysql_stmt_field_count(st->stmt);
    if (st->meta)
        mysql_free_result(st->meta);
    if (!(st->meta = mysql_stmt_result_metadata(st->stmt)))
        return mydrv_fail_stmt(st, "reading result metadata");
    MYSQL_FIELD *f = mysql_fetch_fields(st->meta);
    if (n > st->cols_cap) {
        mydrv_free_columns(st);
        st->cols = host->malloc(n * sizeof *st->cols);
        st->cbind = host->malloc(n * sizeof *st->cbind);
        if (!st->cols || !st->cbind) {
            host->free(st->cols);
            host->free(st->cbind);
            st->cols = NULL;
            st->cbind = NULL;
            return host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating %u result columns", n);
        }
        memset(st->cols, 0, n * sizeof *st->cols);
        st->cols_cap = n;
    }
    st->ncols = n;
    for (unsigned i = 0; i < n; i++) {
        my_column *c = &st->cols[i];
        MYSQL_BIND *b = &st->cbind[i];
        memset(b, 0, sizeof *b);
        c->type = f[i].type;
        c->kind = kind_of(f[i].type);
        c->is_unsigned = (f[i].flags & UNSIGNED_FLAG) != 0;
        c->trim_zeros = (f[i].type == MYSQL_TYPE_NEWDECIMAL || f[i].type == MYSQL_TYPE_DECIMAL) &&
                        f[i].decimals == 10 && f[i].length == 40; /* DECIMAL(38,10) */
        b->is_null = &c->is_null;
        b->length = &c->length;
        b->error = &c->error;
        switch (c->kind) {
        case COL_INT:
            b->buffer_type = MYSQL_TYPE_LONGLONG;
            b->buffer = &c->n.i64;
            b->is_unsigned = c->is_unsigned;
            break;
        case COL_DOUBLE:
            b->buffer_type = MYSQL_TYPE_DOUBLE;
            b->buffer = &c->n.f64;
            break;
        case COL_TIME:
            b->buffer_type = f[i].type;
            b->buffer = &c->n.t;
            b->buffer_length = sizeof c->n.t;
            break;
        case COL_BYTES: {
            unsigned long want = st->buffered                  ? f[i].max_length
                                 : f[i].length <= MODEST_WIDTH ? f[i].length
                                                               : INITIAL_BYTES;
            int rc = grow(st, c, want);
            if (rc != ATH_OK)
                return rc;
            b->buffer_type = MYSQL_TYPE_STRING;
            b->buffer = c->buf;
            b->buffer_length = c->cap;
            break;
        }
        }
    }
    if (mysql_stmt_bind_result(st->stmt, st->cbind) != 0)
        return mydrv_fail_stmt(st, "binding result columns");
    return ATH_OK;
}

/* A fetch reported truncation: grow each cut column to its full length and read it again. */
static int refetch_truncated(ath_dstmt *st)
{
    for (unsigned i = 0; i < st->ncols; i++) {
        my_column *c = &st->cols[i];
        MYSQL_BIND *b = &st->cbind[i];
        if (c->kind != COL_BYTES || !c->error || c->is_null)
            continue;
        int rc = grow(st, c, c->length);
        if (rc != ATH_OK)
            return rc;
        b->buffer = c->buf;
        b->buffer_length = c->cap;
        if (mysql_stmt_fetch_column(st->stmt, b, i, 0) != 0)
            return mydrv_fail_stmt(st, "reading a long column value");
        c->error = 0;
    }
    /* later rows go straight into the grown buffers */
    if (mysql_stmt_bind_result(st->stmt, st->cbind) != 0)
        return mydrv_fail_stmt(st, "binding result columns");
    return ATH_OK;
}

int mydrv_step(ath_dstmt *st)
{
    if (!st->active || st->done)
        return 0;
    int rc;
    MY_CALL(st->conn, rc, mysql_stmt_fetch, st->stmt);
    if (rc == MYSQL_DATA_TRUNCATED)
        rc = refetch_truncated(st);
    if (rc == 0) {
        st->rows++;
        return 1;
    }
    st->done = true;
    if (rc == MYSQL_NO_DATA)
        return 0;
    return rc < 0 ? rc : mydrv_fail_stmt(st, "reading a row");
}

int mydrv_column_count(ath_dstmt *st)
{
    return (int)st->ncols;
}

const char *mydrv_column_name(ath_dstmt *st, int i)
{
    if (!st->meta || i < 0 || (unsigned)i >= st->ncols)
        return NULL;
    return mysql_fetch_fields(st->meta)[i].name;
}

/* --- typed reads ---------------------------------------------------------------------------- */

static int bad_value(ath_dstmt *st, int i, ath_type want)
{
    return st->conn->host->fail(ATH_EINVAL, NULL, 0, NULL,
                                "column %s holds a value that is not a valid %s",
                                mydrv_column_name(st, i), st->conn->host->type_name(want));
}

static void set_text(ath_value *out, ath_type want, const char *p, size_t len)
{
    out->type = want;
    out->u.s.ptr = p;
    out->u.s.len = len;
}

/* Stores a whole number as `want`, range-checked. */
static int from_integer(ath_dstmt *st, int i, ath_type want, int64_t v, bool is_unsigned,
                        ath_value *out)
{
    my_column *c = &st->cols[i];
    bool huge = is_unsigned && (uint64_t)v > (uint64_t)INT64_MAX;
    out->type = want;
    switch (want) {
    case ATH_T_I32:
        if (huge || v < INT32_MIN || v > INT32_MAX)
            return bad_value(st, i, want);
        out->u.i32 = (int32_t)v;
        return ATH_OK;
    case ATH_T_I64:
        if (huge)
            return bad_value(st, i, want);
        out->u.i64 = v;
        return ATH_OK;
    case ATH_T_DOUBLE:
        out->u.f64 = huge ? (double)(uint64_t)v : (double)v;
        return ATH_OK;
    case ATH_T_BOOL:
        out->u.b = v != 0;
        return ATH_OK;
    case ATH_T_TEXT:
    case ATH_T_NUMERIC:
    case ATH_T_JSON: {
        int n = huge ? snprintf(c->text, sizeof c->text, "%" PRIu64, (uint64_t)v)
                     : snprintf(c->text, sizeof c->text, "%" PRId64, v);
        set_text(out, want, c->text, (size_t)n);
        return ATH_OK;
    }
    default:
        return bad_value(st, i, want);
    }
}

static int from_double(ath_dstmt *st, int i, ath_type want, double v, ath_value *out)
{
    my_column *c = &st->cols[i];
    out->type = want;
    switch (want) {
    case ATH_T_DOUBLE:
        out->u.f64 = v;
        return ATH_OK;
    case ATH_T_I32:
    case ATH_T_I64:
        if (!isfinite(v) || v != floor(v) || v < -9223372036854775808.0 ||
            v >= 9223372036854775808.0)
            return bad_value(st, i, want);
        return from_integer(st, i, want, (int64_t)v, false, out);
    case ATH_T_BOOL:
        out->u.b = v != 0;
        return ATH_OK;
    case ATH_T_TEXT:
    case ATH_T_NUMERIC:
    case ATH_T_JSON: {
        /* the shortest of %.15g / %.17g that reads back as the same double */
        int n = snprintf(c->text, sizeof c->text, "%.15g", v);
        if (strtod(c->text, NULL) != v)
            n = snprintf(c->text, sizeof c->text, "%.17g", v);
        set_text(out, want, c->text, (size_t)n);
        return ATH_OK;
    }
    default:
        return bad_value(st, i, want);
    }
}

static int from_time(ath_dstmt *st, int i, ath_type want, ath_value *out)
{
    my_column *c = &st->cols[i];
    out->type = want;
    switch (want) {
    case ATH_T_TIMESTAMP:
        if (mydrv_time_to_timestamp(st->conn->host, &c->n.t, &out->u.ts) != 0)
            return bad_value(st, i, want);
        return ATH_OK;
    case ATH_T_DATE:
        if (mydrv_time_to_date(st->conn->host, &c->n.t, &out->u.date) != 0)
            return bad_value(st, i, want);
        return ATH_OK;
    case ATH_T_TEXT:
    case ATH_T_JSON: {
        int n = mydrv_time_format(&c->n.t, c->text, sizeof c->text);
        set_text(out, want, c->text, (size_t)n);
        return ATH_OK;
    }
    default:
        return bad_value(st, i, want);
    }
}

/* DECIMAL(38,10) "12.5000000000" -> "12.5"; "3.0000000000" -> "3". */
static void trim_zeros(my_column *c)
{
    if (!memchr(c->buf, '.', c->length))
        return;
    while (c->length && c->buf[c->length - 1] == '0')
        c->length--;
    if (c->length && c->buf[c->length - 1] == '.')
        c->length--;
    c->buf[c->length] = '\0';
}

/* Parses a whole number from text ("42", "-7", "15.0000000000"); false when it is none. */
static bool parse_integer(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end != s && !*end && !errno) {
        *out = v;
        return true;
    }
    double d = strtod(s, &end);
    if (end == s || *end || !isfinite(d) || d != floor(d) || d < -9223372036854775808.0 ||
        d >= 9223372036854775808.0)
        return false;
    *out = (int64_t)d;
    return true;
}

static int from_bytes(ath_dstmt *st, int i, ath_type want, ath_value *out)
{
    const ath_driver_host *host = st->conn->host;
    my_column *c = &st->cols[i];
    if (c->length > c->cap) /* a cut value that was not read again: never hand out half */
        return host->fail(ATH_EINVAL, NULL, 0, NULL,
                          "column %s: a %lu-byte value did not fit its %lu-byte buffer",
                          mydrv_column_name(st, i), c->length, c->cap);
    c->buf[c->length] = '\0';
    if (c->trim_zeros)
        trim_zeros(c);
    out->type = want;
    switch (want) {
    case ATH_T_TEXT:
    case ATH_T_NUMERIC:
    case ATH_T_JSON:
    case ATH_T_BLOB:
        set_text(out, want, c->buf, c->length);
        return ATH_OK;
    case ATH_T_UUID:
        if (c->length == 16) {
            memcpy(out->u.uuid.bytes, c->buf, 16);
            return ATH_OK;
        }
        if (host->uuid_parse(&out->u.uuid, c->buf, c->length) != ATH_OK)
            return bad_value(st, i, want);
        return ATH_OK;
    case ATH_T_TIMESTAMP:
        if (host->timestamp_parse(&out->u.ts, c->buf, c->length) != ATH_OK)
            return bad_value(st, i, want);
        return ATH_OK;
    case ATH_T_DATE:
        if (host->date_parse(&out->u.date, c->buf, c->length) != ATH_OK)
            return bad_value(st, i, want);
        return ATH_OK;
    case ATH_T_I32:
    case ATH_T_I64:
    case ATH_T_BOOL:
    case ATH_T_DOUBLE: {
        if (c->type == MYSQL_TYPE_BIT) { /* BIT(n): big-endian bytes */
            uint64_t v = 0;
            for (unsigned long k = 0; k < c->length && k < 8; k++)
                v = v << 8 | (unsigned char)c->buf[k];
            return from_integer(st, i, want, (int64_t)v, true, out);
        }
        if (want == ATH_T_DOUBLE) {
            char *end;
            double d = strtod(c->buf, &end);
            if (!c->length || *end)
                return bad_value(st, i, want);
            out->u.f64 = d;
            return ATH_OK;
        }
        int64_t v;
        if (!parse_integer(c->buf, &v))
            return bad_value(st, i, want);
        return from_integer(st, i, want, v, false, out);
    }
    default:
        return bad_value(st, i, want);
    }
}

int mydrv_column(ath_dstmt *st, int i, ath_type want, ath_value *out)
{
    memset(out, 0, sizeof *out);
    if (i < 0 || (unsigned)i >= st->ncols)
        return st->conn->host->fail(ATH_EINVAL, NULL, 0, NULL,
                                    "column %d is out of range (%u columns)", i, st->ncols);
    my_column *c = &st->cols[i];
    if (c->is_null)
        return ATH_OK;
    switch (c->kind) {
    case COL_INT:
        return from_integer(st, i, want, c->n.i64, c->is_unsigned, out);
    case COL_DOUBLE:
        return from_double(st, i, want, c->n.f64, out);
    case COL_TIME:
        return from_time(st, i, want, out);
    default:
        return from_bytes(st, i, want, out);
    }
}
