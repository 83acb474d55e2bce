/* Athanor — column types, the values bound as parameters, and nullable wrappers. */
#ifndef ATHANOR_VALUE_H
#define ATHANOR_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "export.h"

ATH_BEGIN_DECLS

/*
 * NULL arguments (docs/errors.md): a NULL handle, out-parameter, model list, array with a
 * non-zero count or required string is refused with ATH_EINVAL and the message
 * "<function>: <argument> is NULL" -- never a crash. Functions that cannot return a code say
 * below what they give for NULL (and set the same error); _free/_close/_dispose accept NULL.
 */

/** Column and value types. Numeric travels as text; JSON as UTF-8 text. */
typedef enum ath_type {
    ATH_T_NULL = 0,  /**< SQL NULL (a value only, never a column type) */
    ATH_T_I32,       /**< int32_t */
    ATH_T_I64,       /**< int64_t */
    ATH_T_DOUBLE,    /**< double */
    ATH_T_BOOL,      /**< bool */
    ATH_T_TEXT,      /**< UTF-8 text */
    ATH_T_BLOB,      /**< bytes */
    ATH_T_NUMERIC,   /**< exact decimal, as its text form ("12.50") */
    ATH_T_TIMESTAMP, /**< ath_timestamp: microseconds since 1970-01-01T00:00:00Z */
    ATH_T_DATE,      /**< ath_date: days since 1970-01-01 */
    ATH_T_UUID,      /**< ath_uuid: 16 bytes */
    ATH_T_JSON,      /**< JSON document as UTF-8 text */
    ATH_T__COUNT
} ath_type;

/** Microseconds since the Unix epoch, UTC. */
typedef int64_t ath_timestamp;
/** Days since 1970-01-01 (negative before). */
typedef int32_t ath_date;
/** A UUID in its 16 network-order bytes. */
typedef struct ath_uuid {
    unsigned char bytes[16];
} ath_uuid;
/** A byte string; `data` is NULL for SQL NULL. */
typedef struct ath_blob {
    unsigned char *data;
    size_t len;
} ath_blob;

/** Nullable scalars: `set` is false for SQL NULL. */
typedef struct ath_opt_i32 {
    int32_t value;
    bool set;
} ath_opt_i32;
typedef struct ath_opt_i64 {
    int64_t value;
    bool set;
} ath_opt_i64;
typedef struct ath_opt_double {
    double value;
    bool set;
} ath_opt_double;
typedef struct ath_opt_bool {
    bool value;
    bool set;
} ath_opt_bool;
typedef struct ath_opt_timestamp {
    ath_timestamp value;
    bool set;
} ath_opt_timestamp;
typedef struct ath_opt_date {
    ath_date value;
    bool set;
} ath_opt_date;
typedef struct ath_opt_uuid {
    ath_uuid value;
    bool set;
} ath_opt_uuid;

/**
 * One value, bound as a parameter or read from a row. Text-like values (TEXT, NUMERIC, JSON)
 * and blobs point at memory the value does not own; `len` is in bytes, without a terminator.
 */
typedef struct ath_value {
    ath_type type;
    union {
        int32_t i32;
        int64_t i64;
        double f64;
        bool b;
        ath_timestamp ts;
        ath_date date;
        ath_uuid uuid;
        struct {
            const void *ptr;
            size_t len;
        } s;
    } u;
} ath_value;

/* Constructors: allocation-free, usable in initialisers of filter and parameter arrays. */
static inline ath_value ath_v_null(void)
{
    ath_value v;
    memset(&v, 0, sizeof v);
    return v;
}
static inline ath_value ath_v_i32(int32_t x)
{
    ath_value v = ath_v_null();
    v.type = ATH_T_I32;
    v.u.i32 = x;
    return v;
}
static inline ath_value ath_v_i64(int64_t x)
{
    ath_value v = ath_v_null();
    v.type = ATH_T_I64;
    v.u.i64 = x;
    return v;
}
static inline ath_value ath_v_double(double x)
{
    ath_value v = ath_v_null();
    v.type = ATH_T_DOUBLE;
    v.u.f64 = x;
    return v;
}
static inline ath_value ath_v_bool(bool x)
{
    ath_value v = ath_v_null();
    v.type = ATH_T_BOOL;
    v.u.b = x;
    return v;
}
/** Text of `len` bytes (no terminator needed); a NULL pointer gives SQL NULL. */
static inline ath_value ath_v_textn(ath_type type, const char *s, size_t len)
{
    ath_value v = ath_v_null();
    if (s) {
        v.type = type;
        v.u.s.ptr = s;
        v.u.s.len = len;
    }
    return v;
}
/** NUL-terminated text; NULL gives SQL NULL. */
static inline ath_value ath_v_text(const char *s)
{
    return ath_v_textn(ATH_T_TEXT, s, s ? strlen(s) : 0);
}
static inline ath_value ath_v_numeric(const char *s)
{
    return ath_v_textn(ATH_T_NUMERIC, s, s ? strlen(s) : 0);
}
static inline ath_value ath_v_json(const char *s)
{
    return ath_v_textn(ATH_T_JSON, s, s ? strlen(s) : 0);
}
static inline ath_value ath_v_blob(const void *p, size_t len)
{
    return ath_v_textn(ATH_T_BLOB, (const char *)p, len);
}
static inline ath_value ath_v_timestamp(ath_timestamp ts)
{
    ath_value v = ath_v_null();
    v.type = ATH_T_TIMESTAMP;
    v.u.ts = ts;
    return v;
}
static inline ath_value ath_v_date(ath_date d)
{
    ath_value v = ath_v_null();
    v.type = ATH_T_DATE;
    v.u.date = d;
    return v;
}
static inline ath_value ath_v_uuid(ath_uuid u)
{
    ath_value v = ath_v_null();
    v.type = ATH_T_UUID;
    v.u.uuid = u;
    return v;
}

/* Nullable-scalar helpers. */
static inline ath_opt_i32 ath_some_i32(int32_t x)
{
    ath_opt_i32 o;
    o.value = x;
    o.set = true;
    return o;
}
static inline ath_opt_i64 ath_some_i64(int64_t x)
{
    ath_opt_i64 o;
    o.value = x;
    o.set = true;
    return o;
}
static inline ath_opt_double ath_some_double(double x)
{
    ath_opt_double o;
    o.value = x;
    o.set = true;
    return o;
}
static inline ath_opt_bool ath_some_bool(bool x)
{
    ath_opt_bool o;
    o.value = x;
    o.set = true;
    return o;
}
static inline ath_opt_timestamp ath_some_timestamp(ath_timestamp x)
{
    ath_opt_timestamp o;
    o.value = x;
    o.set = true;
    return o;
}

/** The type's lower-case name ("i64", "timestamp"), or "?" for an unknown value. Static. */
ATH_API const char *ath_type_name(ath_type type);

/** Buffer sizes that always fit the text forms below, terminator included. */
#define ATH_TIMESTAMP_TEXT_MAX 40
#define ATH_DATE_TEXT_MAX      16
#define ATH_UUID_TEXT_MAX      37

/** The current time, UTC, in microseconds. */
ATH_API ath_timestamp ath_timestamp_now(void);

/**
 * Writes `ts` as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC, no zone suffix), or with `iso` true as
 * "YYYY-MM-DDTHH:MM:SS.ffffffZ". Returns the length (snprintf-style), or ATH_EINVAL when the
 * year falls outside 1..9999.
 */
ATH_API int ath_timestamp_format(ath_timestamp ts, bool iso, char *buf, size_t size);

/**
 * Parses "YYYY-MM-DD[( |T)HH:MM[:SS[.f…]]][Z|±HH[:MM]]" (`len` bytes, no terminator needed).
 * Without a zone the time is taken as UTC. Returns ATH_OK or ATH_EINVAL.
 */
ATH_API int ath_timestamp_parse(ath_timestamp *out, const char *text, size_t len);

/** Builds a timestamp from UTC calendar fields; ATH_EINVAL when a field is out of range. */
ATH_API int ath_timestamp_from_parts(ath_timestamp *out, int year, int month, int day, int hour,
                                     int minute, int second, int microsecond);

/** Writes "YYYY-MM-DD"; returns the length or ATH_EINVAL. */
ATH_API int ath_date_format(ath_date d, char *buf, size_t size);
/** Parses "YYYY-MM-DD"; returns ATH_OK or ATH_EINVAL. */
ATH_API int ath_date_parse(ath_date *out, const char *text, size_t len);
/** Days since the epoch of a calendar date; ATH_EINVAL when out of range. */
ATH_API int ath_date_from_parts(ath_date *out, int year, int month, int day);

/** Writes the canonical lower-case 36-character form; returns 36 or ATH_EINVAL if too small. */
ATH_API int ath_uuid_format(const ath_uuid *u, char *buf, size_t size);
/** Parses the 36-character form (either case) or 32 hex digits; ATH_OK or ATH_EINVAL. */
ATH_API int ath_uuid_parse(ath_uuid *out, const char *text, size_t len);
/** True when every byte is zero (an unset key); true for a NULL pointer too. */
ATH_API bool ath_uuid_is_nil(const ath_uuid *u);

ATH_END_DECLS

#endif
