/* Keyset cursors: encoding a row's ordering values as a cursor and decoding a cursor back into
 * the "after this row" condition of the next page. */
#include "calendar.h"
#include "query.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alloc.h"
#include "error.h"
#include "sql_build.h"
#include "utf8.h"

static void hex_bytes(ath_buf *b, const unsigned char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        ath_buf_addc(b, hex[p[i] >> 4]);
        ath_buf_addc(b, hex[p[i] & 15]);
    }
}

int ath_cols_encode(const ath_col *const *cols, size_t n, const void *obj, ath_buf *b)
{
    for (size_t i = 0; i < n; i++) {
        ath_value v = ath_col_get(cols[i], obj);
        if (i)
            ath_buf_addc(b, ',');
        switch (v.type) {
        case ATH_T_NULL:
            return 0; /* NULL has no place in a key */
        case ATH_T_I32:
            ath_buf_addf(b, "i%" PRId32, v.u.i32);
            break;
        case ATH_T_I64:
            ath_buf_addf(b, "i%" PRId64, v.u.i64);
            break;
        case ATH_T_BOOL:
            ath_buf_addf(b, "i%d", v.u.b ? 1 : 0);
            break;
        case ATH_T_DOUBLE:
            ath_buf_addf(b, "f%a", v.u.f64);
            break;
        case ATH_T_TIMESTAMP:
            ath_buf_addf(b, "s%" PRId64, v.u.ts);
            break;
        case ATH_T_DATE:
            ath_buf_addf(b, "d%" PRId32, v.u.date);
            break;
        case ATH_T_UUID:
            ath_buf_addc(b, 'u');
            hex_bytes(b, v.u.uuid.bytes, 16);
            break;
        default: /* text-like and blobs: hex keeps the token free of separators */
            ath_buf_addc(b, 'x');
            hex_bytes(b, v.u.s.ptr, v.u.s.len);
            break;
        }
    }
    return b->oom ? ath_fail(ATH_ENOMEM, "encoding a key") : 1;
}

int ath_query_cursor(const ath_query *q, const void *obj, char **out)
{
    ath_buf b;
    ath_buf_init(&b);
    *out = NULL;
    int rc = ath_cols_encode(q->order_cols, q->norder, obj, &b);
    if (rc <= 0) { /* a NULL ordering value: no keyset cursor for this page */
        ath_buf_free(&b);
        return rc;
    }
    *out = ath_buf_take(&b);
    return *out ? ATH_OK : ath_fail(ATH_ENOMEM, "encoding a cursor");
}

static int bad_cursor(const char *why)
{
    return ath_fail(ATH_EINVAL,
                    "the cursor does not fit this query (%s): pass the cursor of a "
                    "list with the same order_by filters",
                    why);
}

/* Decodes one cursor entry for column c into v (text lives in q->scratch). */
static int decode_entry(ath_query *q, const ath_col *c, const char *s, size_t len, ath_value *v)
{
    char tag = len ? s[0] : '?';
    const char *body = s + 1;
    size_t blen = len ? len - 1 : 0;
    char num[64];
    if (tag == 'i' || tag == 'f' || tag == 's' || tag == 'd') {
        if (blen == 0 || blen >= sizeof num)
            return bad_cursor("bad number");
        memcpy(num, body, blen);
        num[blen] = '\0';
        char *end;
        if (tag == 'f') {
            double x = strtod(num, &end);
            if (*end || c->type != ATH_T_DOUBLE)
                return bad_cursor("type");
            *v = ath_v_double(x);
            return ATH_OK;
        }
        long long x = strtoll(num, &end, 10);
        if (*end)
            return bad_cursor("bad number");
        if (tag == 's' && c->type == ATH_T_TIMESTAMP)
            *v = ath_v_timestamp(x);
        else if (tag == 'd' && c->type == ATH_T_DATE)
            *v = ath_v_date((ath_date)x);
        else if (tag == 'i' && (c->type == ATH_T_I32 || c->type == ATH_T_I64))
            *v = ath_v_i64(x);
        else if (tag == 'i' && c->type == ATH_T_BOOL)
            *v = ath_v_bool(x != 0);
        else
            return bad_cursor("type");
        return ATH_OK;
    }
    if (tag != 'u' && tag != 'x')
        return bad_cursor("unknown entry");
    if (blen % 2)
        return bad_cursor("odd hex");
    unsigned char *bytes = ath_arena_alloc(&q->scratch, blen / 2 + 1, 0);
    if (!bytes)
        return ath_fail(ATH_ENOMEM, "decoding a cursor");
    for (size_t i = 0; i < blen / 2; i++) {
        int hi = ath_hex_value((unsigned char)body[2 * i]),
            lo = ath_hex_value((unsigned char)body[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return bad_cursor("bad hex");
        bytes[i] = (unsigned char)(hi << 4 | lo);
    }
    bytes[blen / 2] = '\0';
    if (tag == 'u') {
        if (blen != 32 || c->type != ATH_T_UUID)
            return bad_cursor("type");
        ath_uuid u;
        memcpy(u.bytes, bytes, 16);
        *v = ath_v_uuid(u);
        return ATH_OK;
    }
    if (c->type == ATH_T_BLOB)
        *v = ath_v_blob(bytes, blen / 2);
    else if (ath_type_textual(c->type))
        *v = ath_v_textn(c->type, (const char *)bytes, blen / 2);
    else
        return bad_cursor("type");
    return ATH_OK;
}

/* (c1 > v1) OR (c1 = v1 AND c2 > v2) OR …, with < for descending columns. */
int ath_query_keyset_sql(ath_query *q, ath_buf *b)
{
    ath_value vals[ATH_ORDER_MAX];
    const char *p = q->after;
    for (size_t i = 0; i < q->norder; i++) {
        size_t len = strcspn(p, ",");
        if (len == 0)
            return bad_cursor("too few entries");
        int rc = decode_entry(q, q->order_cols[i], p, len, &vals[i]);
        if (rc != ATH_OK)
            return rc;
        p += len;
        if (*p == ',')
            p++;
        else if (i + 1 < q->norder)
            return bad_cursor("too few entries");
    }
    if (*p)
        return bad_cursor("too many entries");
    ath_buf_addc(b, '(');
    for (size_t i = 0; i < q->norder; i++) {
        ath_buf_adds(b, i ? " OR (" : "(");
        for (size_t j = 0; j < i; j++) {
            ath_query_order_expr(q, b, j);
            ath_buf_adds(b, q->order_opts[j] & ATH_ORDER_IGNORE_CASE ? " = LOWER(?) AND "
                                                                     : " = ? AND ");
            int rc = ath_query_col_param(q, q->order_cols[j], vals[j], "a cursor");
            if (rc != ATH_OK)
                return rc;
        }
        ath_query_order_expr(q, b, i);
        bool lower = q->order_opts[i] & ATH_ORDER_IGNORE_CASE;
        ath_buf_adds(b, q->order_desc[i] ? (lower ? " < LOWER(?))" : " < ?)")
                                         : (lower ? " > LOWER(?))" : " > ?)"));
        int rc = ath_query_col_param(q, q->order_cols[i], vals[i], "a cursor");
        if (rc != ATH_OK)
            return rc;
    }
    ath_buf_addc(b, ')');
    return ATH_OK;
}
