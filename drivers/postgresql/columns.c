/* Result columns: binary or text values converted to the ath_type the caller asks for. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pg_driver.h"


bool pg_binary_result_type(Oid oid)
{
    switch (oid) {
    case PG_OID_BOOL:
    case PG_OID_BYTEA:
    case PG_OID_CHAR:
    case PG_OID_NAME:
    case PG_OID_INT8:
    case PG_OID_INT2:
    case PG_OID_INT4:
    case PG_OID_TEXT:
    case PG_OID_OID:
    case PG_OID_JSON:
    case PG_OID_FLOAT4:
    case PG_OID_FLOAT8:
    case PG_OID_BPCHAR:
    case PG_OID_VARCHAR:
    case PG_OID_DATE:
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ:
    case PG_OID_NUMERIC:
    case PG_OID_UUID:
    case PG_OID_JSONB:
        return true;
    default:
        return false;
    }
}

/* Writes `d` as PostgreSQL prints a float8: the shortest text that reads back exactly. */
int pg_format_double(double d, char *buf, size_t size)
{
    if (isnan(d))
        return snprintf(buf, size, "NaN");
    if (isinf(d))
        return snprintf(buf, size, d > 0 ? "Infinity" : "-Infinity");
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return n;
}

/* A column value decoded from its wire form, before conversion to what the caller wants. */
typedef enum src_kind {
    SRC_INT,
    SRC_DOUBLE,
    SRC_BOOL,
    SRC_TS,
    SRC_DATE,
    SRC_UUID,
    SRC_TEXT,
    SRC_BYTES,
    SRC_ESCAPED_BYTEA /* bytea in the text format: "\x…" */
} src_kind;

typedef struct src_value {
    src_kind kind;
    bool tz;     /* a timestamp with time zone (for its text form) */
    bool single; /* a float4: its text form has float precision */
    union {
        int64_t i;
        double d;
        bool b;
        int64_t ts;
        int32_t date;
        const unsigned char *uuid;
    } u;
    const char *p; /* SRC_TEXT, SRC_BYTES, SRC_ESCAPED_BYTEA */
    size_t len;
} src_value;

static const char *oid_label(Oid oid, char *buf, size_t size)
{
    switch (oid) {
    case PG_OID_BOOL:
        return "boolean";
    case PG_OID_BYTEA:
        return "bytea";
    case PG_OID_INT2:
        return "smallint";
    case PG_OID_INT4:
        return "integer";
    case PG_OID_INT8:
        return "bigint";
    case PG_OID_FLOAT4:
        return "real";
    case PG_OID_FLOAT8:
        return "double precision";
    case PG_OID_NUMERIC:
        return "numeric";
    case PG_OID_TEXT:
        return "text";
    case PG_OID_VARCHAR:
        return "varchar";
    case PG_OID_TIMESTAMPTZ:
        return "timestamptz";
    case PG_OID_TIMESTAMP:
        return "timestamp";
    case PG_OID_DATE:
        return "date";
    case PG_OID_UUID:
        return "uuid";
    case PG_OID_JSON:
        return "json";
    case PG_OID_JSONB:
        return "jsonb";
    default:
        snprintf(buf, size, "type oid %u", (unsigned)oid);
        return buf;
    }
}

static int bad_column(ath_dstmt *st, int i, ath_type want, const char *why)
{
    char label[32];
    return st->conn->host->fail(
        ATH_EINVAL, NULL, 0, NULL, "column %s (%s) cannot be read as %s: %s", PQfname(st->cur, i),
        oid_label(PQftype(st->cur, i), label, sizeof label), st->conn->host->type_name(want), why);
}

static char *colbuf_reserve(ath_dstmt *st, pg_colbuf *b, size_t n)
{
    if (n <= sizeof b->small)
        return b->small;
    if (n > b->cap) {
        char *p = st->conn->host->realloc(b->heap, n);
        if (!p)
            return NULL;
        b->heap = p;
        b->cap = n;
    }
    return b->heap;
}

/* Numeric's binary form (base-10000 digits) as PostgreSQL's text form, into the column buffer. */
static int numeric_text(ath_dstmt *st, int i, ath_type want, pg_colbuf *b, const unsigned char *p,
                        size_t len, src_value *out)
{
    if (len < 8)
        return bad_column(st, i, want, "short binary numeric");
    int ndigits = (int16_t)pg_get_be(p, 2);
    int weight = (int16_t)pg_get_be(p + 2, 2);
    unsigned sign = (unsigned)pg_get_be(p + 4, 2);
    int dscale = (int16_t)pg_get_be(p + 6, 2);
    if (ndigits < 0 || dscale < 0 || len != 8 + 2 * (size_t)ndigits)
        return bad_column(st, i, want, "malformed binary numeric");
    out->kind = SRC_TEXT;
    if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
        out->p = sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : "-Infinity";
        out->len = strlen(out->p);
        return ATH_OK;
    }
    size_t need = 2 + (weight >= 0 ? ((size_t)weight + 1) * 4 : 1) + 1 + (size_t)dscale + 4;
    char *buf = colbuf_reserve(st, b, need), *q = buf;
    if (!buf)
        return st->conn->host->fail(ATH_ENOMEM, NULL, 0, NULL, "decoding a numeric");
    if (sign == 0x4000)
        *q++ = '-';
    if (weight < 0) {
        *q++ = '0';
    } else {
        for (int d = 0; d <= weight; d++) {
            unsigned dig = d < ndigits ? (unsigned)pg_get_be(p + 8 + 2 * d, 2) : 0;
            if (dig > 9999)
                return bad_column(st, i, want, "malformed binary numeric");
            q += sprintf(q, d == 0 ? "%u" : "%04u", dig);
        }
    }
    if (dscale > 0) {
        *q++ = '.';
        int emitted = 0;
        for (int d = weight + 1; emitted < dscale; d++) {
            unsigned dig = d >= 0 && d < ndigits ? (unsigned)pg_get_be(p + 8 + 2 * d, 2) : 0;
            char four[8];
            snprintf(four, sizeof four, "%04u", dig % 10000);
            for (int k = 0; k < 4 && emitted < dscale; k++, emitted++)
                *q++ = four[k];
        }
    }
    *q = '\0';
    out->p = buf;
    out->len = (size_t)(q - buf);
    return ATH_OK;
}

static int decode_binary(ath_dstmt *st, int i, ath_type want, pg_colbuf *b, Oid oid,
                         const unsigned char *p, size_t len, src_value *out)
{
    int width = 0;
    switch (oid) {
    case PG_OID_INT2:
        width = 2;
        break;
    case PG_OID_INT4:
    case PG_OID_OID:
        width = 4;
        break;
    case PG_OID_INT8:
        width = 8;
        break;
    case PG_OID_BOOL:
        if (len != 1)
            break;
        out->kind = SRC_BOOL;
        out->u.b = p[0] != 0;
        return ATH_OK;
    case PG_OID_FLOAT4:
        if (len == 4) {
            uint32_t bits = (uint32_t)pg_get_be(p, 4);
            float f;
            memcpy(&f, &bits, sizeof f);
            out->kind = SRC_DOUBLE;
            out->single = true;
            out->u.d = f;
            return ATH_OK;
        }
        break;
    case PG_OID_FLOAT8:
        if (len == 8) {
            uint64_t bits = pg_get_be(p, 8);
            memcpy(&out->u.d, &bits, sizeof out->u.d);
            out->kind = SRC_DOUBLE;
            return ATH_OK;
        }
        break;
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ:
        if (len == 8) {
            int64_t v = (int64_t)pg_get_be(p, 8);
            if (v == INT64_MAX || v == INT64_MIN)
                return bad_column(st, i, want, "infinity has no ath_timestamp");
            if (v > INT64_MAX - PG_EPOCH_USEC)
                return bad_column(st, i, want, "out of range");
            out->kind = SRC_TS;
            out->tz = oid == PG_OID_TIMESTAMPTZ;
            out->u.ts = v + PG_EPOCH_USEC;
            return ATH_OK;
        }
        break;
    case PG_OID_DATE:
        if (len == 4) {
            int32_t v = (int32_t)(uint32_t)pg_get_be(p, 4);
            if (v == INT32_MAX || v == INT32_MIN)
                return bad_column(st, i, want, "infinity has no ath_date");
            out->kind = SRC_DATE;
            out->u.date = v + PG_EPOCH_DAYS;
            return ATH_OK;
        }
        break;
    case PG_OID_UUID:
        if (len == 16) {
            out->kind = SRC_UUID;
            out->u.uuid = p;
            return ATH_OK;
        }
        break;
    case PG_OID_BYTEA:
        out->kind = SRC_BYTES;
        out->p = (const char *)p;
        out->len = len;
        return ATH_OK;
    case PG_OID_NUMERIC:
        return numeric_text(st, i, want, b, p, len, out);
    case PG_OID_JSONB:
        if (len < 1 || p[0] != 1)
            return bad_column(st, i, want, "unknown jsonb version");
        out->kind = SRC_TEXT;
        out->p = (const char *)p + 1;
        out->len = len - 1;
        return ATH_OK;
    default: /* text, varchar, bpchar, name, "char", json: the bytes are the text */
        out->kind = SRC_TEXT;
        out->p = (const char *)p;
        out->len = len;
        return ATH_OK;
    }
    if (width && (size_t)width == len) {
        uint64_t raw = pg_get_be(p, width);
        out->kind = SRC_INT;
        out->u.i = width == 2   ? (int16_t)raw
                   : width == 4 ? (oid == PG_OID_OID ? (int64_t)(uint32_t)raw : (int32_t)raw)
                                : (int64_t)raw;
        return ATH_OK;
    }
    return bad_column(st, i, want, "unexpected binary length");
}

static bool parse_int(const char *s, size_t len, int64_t *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (end == buf || errno)
        return false;
    if (*end == '.') /* a numeric with a zero fraction ("12.000") is still a whole number */
        for (end++; *end == '0'; end++)
            ;
    if (*end)
        return false;
    *out = v;
    return true;
}

static bool parse_double(const char *s, size_t len, double *out)
{
    char buf[400];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    *out = strtod(buf, &end);
    return *end == '\0';
}

static bool parse_bool(const char *s, size_t len, bool *out)
{
    static const char *const yes[] = {"t", "true", "1", "y", "yes", "on"};
    static const char *const no[] = {"f", "false", "0", "n", "no", "off"};
    for (size_t k = 0; k < sizeof yes / sizeof *yes; k++) {
        if (strlen(yes[k]) == len && strncasecmp(s, yes[k], len) == 0) {
            *out = true;
            return true;
        }
        if (strlen(no[k]) == len && strncasecmp(s, no[k], len) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* bytea's text form ("\x0102…", or the old escape format) back to bytes. */
static int unescape_bytea(ath_dstmt *st, int i, pg_colbuf *b, const char *s, size_t len,
                          ath_value *out)
{
    if (len >= 2 && s[0] == '\\' && s[1] == 'x') {
        size_t n = (len - 2) / 2;
        char *buf = colbuf_reserve(st, b, n + 1);
        if (!buf)
            return st->conn->host->fail(ATH_ENOMEM, NULL, 0, NULL, "decoding a bytea");
        for (size_t k = 0; k < n; k++) {
            int hi = st->conn->host->hex_value((unsigned char)s[2 + 2 * k]),
                lo = st->conn->host->hex_value((unsigned char)s[3 + 2 * k]);
            if (hi < 0 || lo < 0)
                return bad_column(st, i, ATH_T_BLOB, "malformed hex bytea");
            buf[k] = (char)(hi << 4 | lo);
        }
        buf[n] = '\0';
        out->u.s.ptr = buf;
        out->u.s.len = n;
        return ATH_OK;
    }
    size_t n = 0;
    unsigned char *raw = PQunescapeBytea((const unsigned char *)s, &n);
    if (!raw)
        return st->conn->host->fail(ATH_ENOMEM, NULL, 0, NULL, "decoding a bytea");
    char *buf = colbuf_reserve(st, b, n + 1);
    if (buf) {
        memcpy(buf, raw, n);
        buf[n] = '\0';
    }
    PQfreemem(raw);
    if (!buf)
        return st->conn->host->fail(ATH_ENOMEM, NULL, 0, NULL, "decoding a bytea");
    out->u.s.ptr = buf;
    out->u.s.len = n;
    return ATH_OK;
}

/* The text form of a decoded scalar, as PostgreSQL's text output would write it. */
static int scalar_text(ath_dstmt *st, int i, pg_colbuf *b, const src_value *s, ath_value *out)
{
    const ath_driver_host *host = st->conn->host;
    char *buf = b->small;
    int n;
    switch (s->kind) {
    case SRC_INT:
        n = snprintf(buf, sizeof b->small, "%lld", (long long)s->u.i);
        break;
    case SRC_DOUBLE:
        if (!s->single || isnan(s->u.d) || isinf(s->u.d)) {
            n = pg_format_double(s->u.d, buf, sizeof b->small);
            break;
        }
        for (int prec = 6; prec <= 9; prec++) {
            n = snprintf(buf, sizeof b->small, "%.*g", prec, s->u.d);
            if (strtof(buf, NULL) == (float)s->u.d)
                break; /* the shortest text of the float, as PostgreSQL prints a real */
        }
        break;
    case SRC_BOOL:
        n = snprintf(buf, sizeof b->small, "%s", s->u.b ? "t" : "f");
        break;
    case SRC_TS:
        n = host->timestamp_format(s->u.ts, false, buf, sizeof b->small);
        if (n > 0) { /* PostgreSQL drops trailing zeros of the fraction */
            while (buf[n - 1] == '0')
                n--;
            if (buf[n - 1] == '.')
                n--;
            n += snprintf(buf + n, sizeof b->small - (size_t)n, "%s", s->tz ? "+00" : "");
        }
        break;
    case SRC_DATE:
        n = host->date_format(s->u.date, buf, sizeof b->small);
        break;
    case SRC_UUID: {
        ath_uuid u;
        memcpy(u.bytes, s->u.uuid, 16);
        n = host->uuid_format(&u, buf, sizeof b->small);
        break;
    }
    case SRC_BYTES: { /* bytea_output = hex */
        buf = colbuf_reserve(st, b, 2 * s->len + 3);
        if (!buf)
            return host->fail(ATH_ENOMEM, NULL, 0, NULL, "formatting a bytea");
        static const char digits[] = "0123456789abcdef";
        buf[0] = '\\';
        buf[1] = 'x';
        for (size_t k = 0; k < s->len; k++) {
            buf[2 + 2 * k] = digits[(unsigned char)s->p[k] >> 4];
            buf[3 + 2 * k] = digits[(unsigned char)s->p[k] & 15];
        }
        n = (int)(2 * s->len + 2);
        buf[n] = '\0';
        break;
    }
    default:
        n = -1;
    }
    if (n < 0)
        return bad_column(st, i, ATH_T_TEXT, "no text form");
    out->u.s.ptr = buf;
    out->u.s.len = (size_t)n;
    return ATH_OK;
}

static int convert(ath_dstmt *st, int i, pg_colbuf *b, const src_value *s, ath_type want,
                   ath_value *out)
{
    const ath_driver_host *host = st->conn->host;
    bool is_text = s->kind == SRC_TEXT || s->kind == SRC_ESCAPED_BYTEA;
    out->type = want;
    switch (want) {
    case ATH_T_I32:
    case ATH_T_I64: {
        int64_t v;
        if (s->kind == SRC_INT)
            v = s->u.i;
        else if (s->kind == SRC_BOOL)
            v = s->u.b;
        else if (s->kind == SRC_DOUBLE && s->u.d > -9.2e18 && s->u.d < 9.2e18 &&
                 (double)(int64_t)s->u.d == s->u.d) /* a whole double (no libm) */
            v = (int64_t)s->u.d;
        else if (!(s->kind == SRC_TEXT && parse_int(s->p, s->len, &v)))
            return bad_column(st, i, want, "not a whole number");
        if (want == ATH_T_I32) {
            if (v < INT32_MIN || v > INT32_MAX)
                return bad_column(st, i, want, "out of the range of a 32-bit integer");
            out->u.i32 = (int32_t)v;
        } else {
            out->u.i64 = v;
        }
        return ATH_OK;
    }
    case ATH_T_DOUBLE:
        if (s->kind == SRC_DOUBLE)
            out->u.f64 = s->u.d;
        else if (s->kind == SRC_INT)
            out->u.f64 = (double)s->u.i;
        else if (s->kind == SRC_BOOL)
            out->u.f64 = s->u.b;
        else if (!(s->kind == SRC_TEXT && parse_double(s->p, s->len, &out->u.f64)))
            return bad_column(st, i, want, "not a number");
        return ATH_OK;
    case ATH_T_BOOL:
        if (s->kind == SRC_BOOL)
            out->u.b = s->u.b;
        else if (s->kind == SRC_INT)
            out->u.b = s->u.i != 0;
        else if (s->kind == SRC_DOUBLE)
            out->u.b = s->u.d != 0;
        else if (!(s->kind == SRC_TEXT && parse_bool(s->p, s->len, &out->u.b)))
            return bad_column(st, i, want, "not a boolean");
        return ATH_OK;
    case ATH_T_TEXT:
    case ATH_T_NUMERIC:
    case ATH_T_JSON:
        if (is_text) {
            out->u.s.ptr = s->p;
            out->u.s.len = s->len;
            return ATH_OK;
        }
        return scalar_text(st, i, b, s, out);
    case ATH_T_BLOB:
        if (s->kind == SRC_ESCAPED_BYTEA)
            return unescape_bytea(st, i, b, s->p, s->len, out);
        if (s->kind == SRC_BYTES || s->kind == SRC_TEXT) {
            out->u.s.ptr = s->p;
            out->u.s.len = s->len;
            return ATH_OK;
        }
        if (s->kind == SRC_UUID) {
            out->u.s.ptr = s->u.uuid;
            out->u.s.len = 16;
            return ATH_OK;
        }
        return bad_column(st, i, want, "not bytes");
    case ATH_T_TIMESTAMP:
        if (s->kind == SRC_TS)
            out->u.ts = s->u.ts;
        else if (s->kind == SRC_DATE)
            out->u.ts = (int64_t)s->u.date * US_PER_DAY;
        else if (!(s->kind == SRC_TEXT && host->timestamp_parse(&out->u.ts, s->p, s->len) == 0))
            return bad_column(st, i, want, "not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff][+zz])");
        return ATH_OK;
    case ATH_T_DATE:
        if (s->kind == SRC_DATE)
            out->u.date = s->u.date;
        else if (s->kind == SRC_TS && s->u.ts % US_PER_DAY == 0)
            out->u.date = (ath_date)(s->u.ts / US_PER_DAY);
        else if (!(s->kind == SRC_TEXT && host->date_parse(&out->u.date, s->p, s->len) == 0))
            return bad_column(st, i, want, "not a date (YYYY-MM-DD)");
        return ATH_OK;
    case ATH_T_UUID:
        if (s->kind == SRC_UUID || (s->kind == SRC_BYTES && s->len == 16))
            memcpy(out->u.uuid.bytes, s->kind == SRC_UUID ? s->u.uuid : (const void *)s->p, 16);
        else if (!(s->kind == SRC_TEXT && host->uuid_parse(&out->u.uuid, s->p, s->len) == 0))
            return bad_column(st, i, want, "not a UUID");
        return ATH_OK;
    default:
        return bad_column(st, i, want, "no such type");
    }
}

/* The common exact matches of a binary value and the type asked for, decoded straight away
 * (true), or false to take the general path. */
static bool decode_fast(Oid oid, const char *p, size_t len, ath_type want, ath_value *out)
{
    const unsigned char *u = (const unsigned char *)p;
    switch (want) {
    case ATH_T_I64:
        if (oid == PG_OID_INT8 && len == 8)
            out->u.i64 = (int64_t)pg_get_be(u, 8);
        else if (oid == PG_OID_INT4 && len == 4)
            out->u.i64 = (int32_t)(uint32_t)pg_get_be(u, 4);
        else
            return false;
        break;
    case ATH_T_DOUBLE: {
        if (oid != PG_OID_FLOAT8 || len != 8)
            return false;
        uint64_t bits = pg_get_be(u, 8);
        memcpy(&out->u.f64, &bits, sizeof out->u.f64);
        break;
    }
    case ATH_T_TEXT:
        if (oid != PG_OID_TEXT && oid != PG_OID_VARCHAR)
            return false;
        out->u.s.ptr = p; /* libpq terminates every value */
        out->u.s.len = len;
        break;
    case ATH_T_TIMESTAMP: {
        if (oid != PG_OID_TIMESTAMPTZ || len != 8)
            return false;
        int64_t v = (int64_t)pg_get_be(u, 8);
        if (v > INT64_MAX - PG_EPOCH_USEC || v < INT64_MIN + PG_EPOCH_USEC)
            return false; /* infinity and the edges: the general path explains */
        out->u.ts = v + PG_EPOCH_USEC;
        break;
    }
    case ATH_T_BOOL:
        if (oid != PG_OID_BOOL || len != 1)
            return false;
        out->u.b = p[0] != 0;
        break;
    default:
        return false;
    }
    out->type = want;
    return true;
}

int pg_decode_column(ath_dstmt *st, int i, ath_type want, ath_value *out)
{
    const PGresult *r = st->cur;
    memset(out, 0, sizeof *out);
    if (PQgetisnull(r, st->row, i))
        return ATH_OK;
    const char *p = PQgetvalue(r, st->row, i);
    size_t len = (size_t)PQgetlength(r, st->row, i);
    Oid oid = PQftype(r, i);
    if (st->result_format == 1 && decode_fast(oid, p, len, want, out))
        return ATH_OK;
    pg_colbuf *b = &st->cols[i];
    src_value s;
    memset(&s, 0, sizeof s);
    if (PQfformat(r, i) == 1) {
        int rc = decode_binary(st, i, want, b, oid, (const unsigned char *)p, len, &s);
        if (rc != ATH_OK)
            return rc;
    } else if (oid == PG_OID_BOOL && len == 1) {
        s.kind = SRC_BOOL;
        s.u.b = p[0] == 't';
    } else {
        s.kind = oid == PG_OID_BYTEA ? SRC_ESCAPED_BYTEA : SRC_TEXT;
        s.p = p;
        s.len = len;
    }
    int rc = convert(st, i, b, &s, want, out);
    if (rc != ATH_OK)
        memset(out, 0, sizeof *out);
    return rc;
}
