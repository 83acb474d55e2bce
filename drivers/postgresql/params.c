/* Parameters: binary where the encoding is exact and cheap, text for the server to parse. */
#include <stdio.h>
#include <string.h>

#include "pg_driver.h"

#define PG_MAX_VALUE ((size_t)0x3fffffff) /* a field's largest size on the server (1 GB - 1) */

size_t pg_param_scratch(const ath_value *v)
{
    switch (v->type) {
    case ATH_T_TEXT:
    case ATH_T_NUMERIC:
    case ATH_T_JSON:
        return v->u.s.len + 2; /* a NUL, or jsonb's version byte */
    case ATH_T_NULL:
    case ATH_T_BLOB:
        return 0;
    default:
        return 64; /* the longest formatted scalar */
    }
}

typedef struct param_out {
    const ath_driver_host *host;
    int index;
    unsigned char *slot;
    char **scratch;
    const char **value;
    int *length;
    int *format;
} param_out;

static void binary(param_out *o, const void *data, size_t len)
{
    *o->value = data;
    *o->length = (int)len;
    *o->format = 1;
}

static void binary_int(param_out *o, uint64_t v, int bytes)
{
    pg_put_be(o->slot, v, bytes);
    binary(o, o->slot, (size_t)bytes);
}

/* Text for the server to parse: `n` bytes already written at *scratch, NUL-terminated. */
static int text_written(param_out *o, int n)
{
    if (n < 0)
        return ATH_EINVAL; /* the host's formatter described the bad value */
    *o->value = *o->scratch;
    *o->length = n;
    *o->format = 0;
    *o->scratch += n + 1;
    return ATH_OK;
}

static int encode_int(param_out *o, Oid oid, int64_t x)
{
    switch (oid) {
    case PG_OID_INT2:
        if (x < INT16_MIN || x > INT16_MAX)
            break; /* as text: the server reports "smallint out of range" (22003) */
        binary_int(o, (uint64_t)x, 2);
        return ATH_OK;
    case PG_OID_INT4:
        if (x < INT32_MIN || x > INT32_MAX)
            break;
        binary_int(o, (uint64_t)x, 4);
        return ATH_OK;
    case PG_OID_INT8:
        binary_int(o, (uint64_t)x, 8);
        return ATH_OK;
    case PG_OID_FLOAT8: {
        double d = (double)x;
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        binary_int(o, bits, 8);
        return ATH_OK;
    }
    case PG_OID_BOOL:
        o->slot[0] = x != 0;
        binary(o, o->slot, 1);
        return ATH_OK;
    default:
        break;
    }
    return text_written(o, snprintf(*o->scratch, 64, "%lld", (long long)x));
}

static bool text_like(Oid oid)
{
    return oid == PG_OID_TEXT || oid == PG_OID_VARCHAR || oid == PG_OID_BPCHAR ||
           oid == PG_OID_JSON;
}

static int encode_text(param_out *o, Oid oid, const char *s, size_t len)
{
    if (text_like(oid)) { /* the binary form of text is its bytes: no copy, no terminator */
        binary(o, s, len);
        return ATH_OK;
    }
    if (oid == PG_OID_JSONB) { /* version 1, then the JSON text */
        char *p = *o->scratch;
        p[0] = 1;
        memcpy(p + 1, s, len);
        binary(o, p, len + 1);
        *o->scratch += len + 1;
        return ATH_OK;
    }
    /* anything else (numeric, dates, inet, enums…) the server parses from text */
    if (memchr(s, '\0', len))
        return o->host->fail(ATH_EINVAL, NULL, 0, NULL,
                             "parameter $%d: text holds a NUL byte, which PostgreSQL text cannot "
                             "carry",
                             o->index);
    memcpy(*o->scratch, s, len);
    (*o->scratch)[len] = '\0';
    return text_written(o, (int)len);
}

static int encode_timestamp(param_out *o, Oid oid, int64_t ts)
{
    if (oid == PG_OID_TIMESTAMPTZ || oid == PG_OID_TIMESTAMP) {
        if (ts < INT64_MIN + PG_EPOCH_USEC)
            return o->host->fail(ATH_EINVAL, NULL, 0, NULL,
                                 "parameter $%d: timestamp %lld is out of range", o->index,
                                 (long long)ts);
        binary_int(o, (uint64_t)(ts - PG_EPOCH_USEC), 8);
        return ATH_OK;
    }
    int n = o->host->timestamp_format(ts, false, *o->scratch, 64);
    if (n > 0 && oid != PG_OID_DATE) { /* the text is UTC: say so for timestamptz-like targets */
        memcpy(*o->scratch + n, "+00", 4);
        n += 3;
    }
    return text_written(o, n);
}

int pg_encode_param(const ath_driver_host *host, int index, Oid oid, const ath_value *v,
                    unsigned char slot[16], char **scratch, const char **value, int *length,
                    int *format)
{
    param_out o = {host, index, slot, scratch, value, length, format};
    *value = NULL;
    *length = 0;
    *format = 0;
    switch (v->type) {
    case ATH_T_NULL:
        return ATH_OK;
    case ATH_T_I32:
        return encode_int(&o, oid, v->u.i32);
    case ATH_T_I64:
        return encode_int(&o, oid, v->u.i64);
    case ATH_T_BOOL:
        if (oid == PG_OID_BOOL || oid == PG_OID_INT2 || oid == PG_OID_INT4 || oid == PG_OID_INT8)
            return encode_int(&o, oid, v->u.b ? 1 : 0);
        return text_written(&o, snprintf(*scratch, 64, "%s", v->u.b ? "true" : "false"));
    case ATH_T_DOUBLE:
        if (oid == PG_OID_FLOAT8) {
            uint64_t bits;
            memcpy(&bits, &v->u.f64, sizeof bits);
            binary_int(&o, bits, 8);
            return ATH_OK;
        }
        return text_written(&o, pg_format_double(v->u.f64, *scratch, 64));
    case ATH_T_TEXT:
    case ATH_T_NUMERIC:
    case ATH_T_JSON:
        if (v->u.s.len > PG_MAX_VALUE)
            break;
        return encode_text(&o, oid, v->u.s.ptr ? v->u.s.ptr : "", v->u.s.len);
    case ATH_T_BLOB:
        if (v->u.s.len > PG_MAX_VALUE)
            break;
        /* bytea's binary form is its bytes; for any other type the server checks them */
        binary(&o, v->u.s.ptr ? v->u.s.ptr : "", v->u.s.len);
        return ATH_OK;
    case ATH_T_TIMESTAMP:
        return encode_timestamp(&o, oid, v->u.ts);
    case ATH_T_DATE:
        if (oid == PG_OID_DATE) {
            int64_t days = (int64_t)v->u.date - PG_EPOCH_DAYS;
            if (days < INT32_MIN)
                return host->fail(ATH_EINVAL, NULL, 0, NULL,
                                  "parameter $%d: date %ld is out of range", index,
                                  (long)v->u.date);
            binary_int(&o, (uint64_t)days, 4);
            return ATH_OK;
        }
        if (oid == PG_OID_TIMESTAMPTZ || oid == PG_OID_TIMESTAMP)
            return encode_timestamp(&o, oid, (int64_t)v->u.date * US_PER_DAY);
        return text_written(&o, host->date_format(v->u.date, *scratch, 64));
    case ATH_T_UUID:
        if (oid == PG_OID_UUID || oid == PG_OID_BYTEA) {
            memcpy(slot, v->u.uuid.bytes, 16);
            binary(&o, slot, 16);
            return ATH_OK;
        }
        return text_written(&o, host->uuid_format(&v->u.uuid, *scratch, 64));
    default:
        return host->fail(ATH_EINVAL, NULL, 0, NULL, "parameter $%d has no valid type (%d)", index,
                          (int)v->type);
    }
    return host->fail(ATH_EINVAL, NULL, 0, NULL,
                      "parameter $%d: %zu bytes exceed PostgreSQL's limit of 1 GB for one value",
                      index, v->u.s.len);
}
