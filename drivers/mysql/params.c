/* Parameters: ath_value -> MYSQL_BIND with explicit types and NULL indicators, and the check
 * that the execute packet fits the server's max_allowed_packet before anything is sent. */
#include <string.h>

#include "mysql_driver.h"

/* Bytes of the length prefix the protocol puts before a string of `n` bytes. */
static uint64_t lenenc_size(uint64_t n)
{
    return n < 251 ? 1 : n < 65536 ? 3 : n < 16777216 ? 4 : 9;
}

/* A string-like value bound in place: the caller's memory stays valid during execute(). */
static uint64_t bind_bytes(MYSQL_BIND *b, my_param *s, enum enum_field_types type, const void *ptr,
                           size_t len)
{
    b->buffer_type = type;
    b->buffer = (void *)(ptr && len ? ptr : ""); /* the library copies it into the packet */
    b->buffer_length = (unsigned long)len;
    s->length = (unsigned long)len;
    return lenenc_size(len) + len;
}

int mydrv_bind_params(ath_dstmt *st, const ath_value *params, size_t nparams)
{
    const ath_driver_host *host = st->conn->host;
    /* COM_STMT_EXECUTE: command, statement id, flags, iteration count, NULL bitmap,
     * new-parameters flag and two type bytes per parameter, then the values */
    uint64_t total = 1 + 4 + 1 + 4 + (nparams + 7) / 8 + 1 + 2 * (uint64_t)nparams;
    uint64_t biggest = 0;
    size_t biggest_at = 0;
    for (size_t i = 0; i < nparams; i++) {
        const ath_value *v = &params[i];
        MYSQL_BIND *b = &st->pbind[i];
        my_param *s = &st->pslot[i];
        uint64_t size = 0;
        memset(b, 0, sizeof *b);
        s->is_null = 0;
        s->length = 0;
        b->is_null = &s->is_null;
        b->length = &s->length;
        switch (v->type) {
        case ATH_T_NULL:
            b->buffer_type = MYSQL_TYPE_NULL;
            s->is_null = 1;
            break;
        case ATH_T_I32:
            s->u.i32 = v->u.i32;
            b->buffer_type = MYSQL_TYPE_LONG;
            b->buffer = &s->u.i32;
            size = 4;
            break;
        case ATH_T_I64:
            s->u.i64 = v->u.i64;
            b->buffer_type = MYSQL_TYPE_LONGLONG;
            b->buffer = &s->u.i64;
            size = 8;
            break;
        case ATH_T_DOUBLE:
            s->u.f64 = v->u.f64;
            b->buffer_type = MYSQL_TYPE_DOUBLE;
            b->buffer = &s->u.f64;
            size = 8;
            break;
        case ATH_T_BOOL:
            s->u.b = v->u.b ? 1 : 0;
            b->buffer_type = MYSQL_TYPE_TINY;
            b->buffer = &s->u.b;
            size = 1;
            break;
        case ATH_T_TEXT:
        case ATH_T_JSON: /* text in the connection's character set */
            size = bind_bytes(b, s, MYSQL_TYPE_STRING, v->u.s.ptr, v->u.s.len);
            break;
        case ATH_T_NUMERIC: /* the server parses it as an exact decimal, not as text */
            size = bind_bytes(b, s, MYSQL_TYPE_NEWDECIMAL, v->u.s.ptr, v->u.s.len);
            break;
        case ATH_T_BLOB: /* BLOB parameters are binary: no character set conversion */
            size = bind_bytes(b, s, MYSQL_TYPE_BLOB, v->u.s.ptr, v->u.s.len);
            break;
        case ATH_T_UUID: /* the 16 bytes, for a BINARY(16) column */
            size = bind_bytes(b, s, MYSQL_TYPE_BLOB, v->u.uuid.bytes, sizeof v->u.uuid.bytes);
            break;
        case ATH_T_TIMESTAMP:
            if (mydrv_time_from_timestamp(host, &s->u.t, v->u.ts) != ATH_OK)
                return host->fail(ATH_EINVAL, NULL, 0, NULL,
                                  "parameter %zu: timestamp %lld us lies outside the years "
                                  "1..9999 that DATETIME holds",
                                  i + 1, (long long)v->u.ts);
            b->buffer_type = MYSQL_TYPE_DATETIME;
            b->buffer = &s->u.t;
            size = 12;
            break;
        case ATH_T_DATE:
            if (mydrv_time_from_date(host, &s->u.t, v->u.date) != ATH_OK)
                return host->fail(ATH_EINVAL, NULL, 0, NULL,
                                  "parameter %zu: date %ld days lies outside the years 1..9999 "
                                  "that DATE holds",
                                  i + 1, (long)v->u.date);
            b->buffer_type = MYSQL_TYPE_DATE;
            b->buffer = &s->u.t;
            size = 5;
            break;
        default:
            return host->fail(ATH_EINVAL, NULL, 0, NULL, "parameter %zu has unknown type %d (%s)",
                              i + 1, (int)v->type, host->type_name(v->type));
        }
        total += size;
        if (size > biggest) {
            biggest = size;
            biggest_at = i + 1;
        }
    }
    /* A packet over the limit makes the server drop the connection: refuse it here instead. */
    if (total > st->conn->max_packet)
        return host->fail(ATH_EINVAL, NULL, 0, NULL,
                          "the statement's parameters take %llu bytes (parameter %zu alone "
                          "%llu), more than the server's max_allowed_packet of %lu bytes: send "
                          "less per statement or raise max_allowed_packet",
                          (unsigned long long)total, biggest_at, (unsigned long long)biggest,
                          st->conn->max_packet);
    return ATH_OK;
}
