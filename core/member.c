/* Members <-> values: reading a struct member as an ath_value and storing a value into one
 * (kind checks, integer widths, copies of text and blobs); value equality. */
#include "mapping.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include "alloc.h"
#include "error.h"
#include "utf8.h"
#include <athanor/mixin.h>

ath_value ath_col_get(const ath_col *c, const void *obj)
{
    const char *p = (const char *)obj + c->offset;
    ath_value v = ath_v_null();
    if (c->opt && !*(const bool *)(p + ath_opt_set_offset(c->type)))
        return v;
    switch (c->type) {
    case ATH_T_I32:
        memcpy(&v.u.i32, p, sizeof v.u.i32);
        break;
    case ATH_T_I64:
        memcpy(&v.u.i64, p, sizeof v.u.i64);
        break;
    case ATH_T_DOUBLE:
        memcpy(&v.u.f64, p, sizeof v.u.f64);
        break;
    case ATH_T_BOOL:
        memcpy(&v.u.b, p, sizeof v.u.b);
        break;
    case ATH_T_TIMESTAMP:
        memcpy(&v.u.ts, p, sizeof v.u.ts);
        break;
    case ATH_T_DATE:
        memcpy(&v.u.date, p, sizeof v.u.date);
        break;
    case ATH_T_UUID:
        memcpy(&v.u.uuid, p, sizeof v.u.uuid);
        break;
    case ATH_T_BLOB: {
        ath_blob b;
        memcpy(&b, p, sizeof b);
        if (!b.data)
            return v;
        v.u.s.ptr = b.data;
        v.u.s.len = b.len;
        break;
    }
    default: {
        const char *s;
        memcpy(&s, p, sizeof s);
        if (!s)
            return v;
        v.u.s.ptr = s;
        v.u.s.len = strlen(s);
        break;
    }
    }
    v.type = c->type;
    return v;
}

int ath_col_checked(const ath_mapping *m, const ath_col *c, const void *obj, ath_value *out)
{
    *out = ath_col_get(c, obj);
    return ath_text_check(out, "column %s.%s", m->model->table, c->name);
}

bool ath_col_unset(const ath_col *c, const void *obj)
{
    ath_value v = ath_col_get(c, obj);
    if (v.type == ATH_T_NULL)
        return true;
    if (c->autoinc && !c->opt)
        return c->type == ATH_T_I32 ? v.u.i32 == 0 : v.u.i64 == 0;
    if (c->type == ATH_T_UUID && c->pk)
        return ath_uuid_is_nil(&v.u.uuid);
    return false;
}

static int64_t as_i64(const ath_value *v)
{
    switch (v->type) {
    case ATH_T_I32:
        return v->u.i32;
    case ATH_T_BOOL:
        return v->u.b;
    case ATH_T_DOUBLE:
        return (int64_t)v->u.f64;
    default:
        return v->u.i64;
    }
}

/* The kind of value each column type takes, for messages ("i32", "text, numeric or i64"…). */
static const char *accepted_kinds(ath_type t)
{
    switch (t) {
    case ATH_T_I32:
        return "i32 (or i64 / a whole double in its range)";
    case ATH_T_I64:
        return "i64 (or i32 / a whole double in its range)";
    case ATH_T_DOUBLE:
        return "double (or i32 / i64)";
    case ATH_T_NUMERIC:
        return "numeric (or text / i32 / i64 / double)";
    case ATH_T_JSON:
        return "json (or text)";
    default:
        return ath_type_name(t);
    }
}

int ath_col_accepts(const ath_col *c, const ath_value *v, const char *what)
{
    ath_type t = v->type;
    char given[96];
    bool ok;
    if (t == ATH_T_NULL || t == c->type) /* the hot path: a value of the column's own kind */
        return ATH_OK;
    given[0] = '\0'; /* written only when the value is refused */
    if ((unsigned)t >= ATH_T__COUNT) {
        snprintf(given, sizeof given, "an unknown kind (%d)", (int)t);
        ok = false;
    } else {
        switch (c->type) {
        case ATH_T_I32:
        case ATH_T_I64: {
            bool narrow = c->type == ATH_T_I32;
            if (t == ATH_T_I32 || t == ATH_T_I64) {
                int64_t x = t == ATH_T_I32 ? v->u.i32 : v->u.i64;
                ok = !narrow || (x >= INT32_MIN && x <= INT32_MAX);
                if (!ok)
                    snprintf(given, sizeof given, "%s %lld (outside the i32 range)",
                             ath_type_name(t), (long long)x);
            } else if (t == ATH_T_DOUBLE) {
                double d = v->u.f64, lim = narrow ? 2147483648.0 : 9223372036854775808.0;
                ok = isfinite(d) && d == floor(d) && d >= -lim && d < lim;
                if (!ok)
                    snprintf(given, sizeof given, "double %.17g (%s)", d,
                             isfinite(d) && d == floor(d) ? "outside the column's range"
                                                          : "not a whole number");
            } else {
                ok = false;
            }
            break;
        }
        case ATH_T_DOUBLE:
            ok = t == ATH_T_DOUBLE || t == ATH_T_I32 || t == ATH_T_I64;
            break;
        case ATH_T_NUMERIC:
            ok = t == ATH_T_NUMERIC || t == ATH_T_TEXT || t == ATH_T_I32 || t == ATH_T_I64 ||
                 t == ATH_T_DOUBLE;
            break;
        case ATH_T_JSON:
            ok = t == ATH_T_JSON || t == ATH_T_TEXT;
            break;
        default: /* bool, text, blob, timestamp, date, uuid: only their own kind */
            ok = t == c->type;
            break;
        }
    }
    if (ok)
        return ATH_OK;
    if (!given[0])
        snprintf(given, sizeof given, "%s", ath_type_name(t));
    const ath_model *m = c->model;
    return ath_fail(ATH_EINVAL, "%s: model %s (table %s), column %s expects %s, given %s", what,
                    m && m->name ? m->name : "?", m && m->table ? m->table : "?", c->name,
                    accepted_kinds(c->type), given);
}

static void *copy_bytes(const void *src, size_t len, ath_arena *arena, bool terminate)
{
    size_t n = len + (terminate ? 1 : 0);
    char *p = arena ? ath_arena_alloc(arena, n ? n : 1, 0) : ath_malloc(n ? n : 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, src, len);
    if (terminate)
        p[len] = '\0';
    return p;
}

int ath_col_set_converting(const ath_col *c, void *obj, const ath_value *v, ath_arena *arena)
{
    char *p = (char *)obj + c->offset;
    bool null = v->type == ATH_T_NULL;
    /* the one range-checked store: every read and write-back into a member comes through here */
    if (!null && v->type != c->type &&
        ath_col_accepts(c, v, "storing into the struct member") != ATH_OK)
        return ATH_EINVAL;
    if (c->opt) {
        memset(p, 0, c->size);
        *(bool *)(p + ath_opt_set_offset(c->type)) = !null;
        if (null)
            return ATH_OK;
    }
    switch (c->type) {
    case ATH_T_I32: {
        int64_t wide = null ? 0 : as_i64(v);
        if (wide < INT32_MIN || wide > INT32_MAX)
            return ath_fail(ATH_EINVAL, "column %s: %lld does not fit a 32-bit integer", c->name,
                            (long long)wide);
        int32_t x = (int32_t)wide;
        memcpy(p, &x, sizeof x);
        return ATH_OK;
    }
    case ATH_T_I64: {
        int64_t x = null ? 0 : as_i64(v);
        memcpy(p, &x, sizeof x);
        return ATH_OK;
    }
    case ATH_T_DOUBLE: {
        double x = null ? 0 : v->type == ATH_T_DOUBLE ? v->u.f64 : (double)as_i64(v);
        memcpy(p, &x, sizeof x);
        return ATH_OK;
    }
    case ATH_T_BOOL: {
        bool x = null ? false : v->type == ATH_T_BOOL ? v->u.b : as_i64(v) != 0;
        memcpy(p, &x, sizeof x);
        return ATH_OK;
    }
    case ATH_T_TIMESTAMP: {
        ath_timestamp x = null ? 0 : v->u.ts;
        memcpy(p, &x, sizeof x);
        return ATH_OK;
    }
    case ATH_T_DATE: {
        ath_date x = null ? 0 : v->u.date;
        memcpy(p, &x, sizeof x);
        return ATH_OK;
    }
    case ATH_T_UUID:
        if (null)
            memset(p, 0, sizeof(ath_uuid));
        else
            memcpy(p, &v->u.uuid, sizeof(ath_uuid));
        return ATH_OK;
    case ATH_T_BLOB: {
        ath_blob b = {NULL, 0};
        if (!null) {
            if (!(b.data = copy_bytes(v->u.s.ptr, v->u.s.len, arena, false)))
                return ath_fail(ATH_ENOMEM, "copying column %s", c->name);
            b.len = v->u.s.len;
        }
        memcpy(p, &b, sizeof b);
        return ATH_OK;
    }
    default: {
        char *s = NULL;
        if (!null && !(s = copy_bytes(v->u.s.ptr, v->u.s.len, arena, true)))
            return ath_fail(ATH_ENOMEM, "copying column %s", c->name);
        memcpy(p, &s, sizeof s);
        return ATH_OK;
    }
    }
}


bool ath_value_equal(const ath_value *a, const ath_value *b)
{
    if (a->type == ATH_T_NULL || b->type == ATH_T_NULL)
        return a->type == b->type;
    switch (a->type) {
    case ATH_T_I32:
    case ATH_T_I64:
    case ATH_T_BOOL:
        return (b->type == ATH_T_I32 || b->type == ATH_T_I64 || b->type == ATH_T_BOOL) &&
               as_i64(a) == as_i64(b);
    case ATH_T_DOUBLE:
        return b->type == ATH_T_DOUBLE
                   ? a->u.f64 == b->u.f64 || (isnan(a->u.f64) && isnan(b->u.f64))
                   : a->u.f64 == (double)as_i64(b);
    case ATH_T_TIMESTAMP:
        return b->type == ATH_T_TIMESTAMP && a->u.ts == b->u.ts;
    case ATH_T_DATE:
        return b->type == ATH_T_DATE && a->u.date == b->u.date;
    case ATH_T_UUID:
        return b->type == ATH_T_UUID && memcmp(&a->u.uuid, &b->u.uuid, 16) == 0;
    default:
        return a->u.s.len == b->u.s.len &&
               (a->u.s.len == 0 || memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0);
    }
}
