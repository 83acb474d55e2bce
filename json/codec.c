/* Column values <-> JSON and CSV text: the one place that knows how each type is written. */
#include "codec.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- buffer ---------------------------------------------------------------------------------- */

bool jb_reserve(jbuf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void jb_put(jbuf *b, const void *s, size_t n)
{
    if (!jb_reserve(b, n))
        return;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void jb_puts(jbuf *b, const char *s)
{
    jb_put(b, s, strlen(s));
}

void jb_putc(jbuf *b, char c)
{
    jb_put(b, &c, 1);
}

void jb_free(jbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

char *jb_strdup(const jbuf *b)
{
    char *s = malloc(b->len + 1);
    if (s) {
        if (b->len)
            memcpy(s, b->p, b->len);
        s[b->len] = '\0';
    }
    return s;
}

void jb_json_string(jbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (!jb_reserve(b, n + 2))
        return;
    jb_putc(b, '"');
    size_t run = 0; /* bytes copied as they are, in one go */
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        jb_put(b, s + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', 0};
        switch (ch) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[ch >> 4];
            esc[5] = hex[ch & 15];
            jb_put(b, esc, 6);
            continue;
        }
        jb_put(b, esc, 2);
    }
    jb_put(b, s + run, n - run);
    jb_putc(b, '"');
}

void jb_double(jbuf *b, double d, bool json)
{
    char tmp[40];
    if (isnan(d)) {
        jb_puts(b, "nan");
        return;
    }
    if (isinf(d)) {
        jb_puts(b, d < 0 ? "-inf" : "inf");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    jb_puts(b, tmp);
    if (json && !strpbrk(tmp, ".eE"))
        jb_puts(b, ".0");
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void jb_base64(jbuf *b, const unsigned char *p, size_t n)
{
    if (!jb_reserve(b, (n + 2) / 3 * 4))
        return;
    char *o = b->p + b->len;
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        *o++ = b64[v >> 18];
        *o++ = b64[(v >> 12) & 63];
        *o++ = b64[(v >> 6) & 63];
        *o++ = b64[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
        *o++ = b64[v >> 18];
        *o++ = b64[(v >> 12) & 63];
        *o++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    b->len = (size_t)(o - b->p);
    b->p[b->len] = '\0';
}

static int b64_digit(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

bool base64_decode(jbuf *out, const char *s, size_t n)
{
    out->len = 0;
    if (n % 4 != 0 || !jb_reserve(out, n / 4 * 3))
        return false;
    for (size_t i = 0; i < n; i += 4) {
        int d[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)s[i + k];
            if (c == '=' && i + 4 == n && k >= 2) {
                d[k] = 0;
                pad++;
            } else if (pad || (d[k] = b64_digit(c)) < 0) {
                return false;
            }
        }
        unsigned v = (unsigned)d[0] << 18 | (unsigned)d[1] << 12 | (unsigned)d[2] << 6 | d[3];
        out->p[out->len++] = (char)(v >> 16);
        if (pad < 2)
            out->p[out->len++] = (char)(v >> 8);
        if (pad < 1)
            out->p[out->len++] = (char)v;
    }
    out->p[out->len] = '\0';
    return true;
}

/* --- jansson values, written compactly ------------------------------------------------------- */

int jx_write_json(jbuf *b, const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *v;
        bool first = true;
        jb_putc(b, '{');
        json_object_foreach((json_t *)j, key, v)
        {
            if (!first)
                jb_putc(b, ',');
            first = false;
            jb_json_string(b, key, strlen(key));
            jb_putc(b, ':');
            int rc = jx_write_json(b, v);
            if (rc != ATH_OK)
                return rc;
        }
        jb_putc(b, '}');
        break;
    }
    case JSON_ARRAY:
        jb_putc(b, '[');
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i)
                jb_putc(b, ',');
            int rc = jx_write_json(b, json_array_get(j, i));
            if (rc != ATH_OK)
                return rc;
        }
        jb_putc(b, ']');
        break;
    case JSON_STRING:
        jb_json_string(b, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER: {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        jb_puts(b, tmp);
        break;
    }
    case JSON_REAL:
        jb_double(b, json_real_value(j), true);
        break;
    case JSON_TRUE:
        jb_puts(b, "true");
        break;
    case JSON_FALSE:
        jb_puts(b, "false");
        break;
    case JSON_NULL:
        jb_puts(b, "null");
        break;
    }
    return b->oom ? ath_error_set(ATH_ENOMEM, "writing JSON") : ATH_OK;
}

/* --- values out ------------------------------------------------------------------------------ */

static int scalar_text(jbuf *b, const ath_column_info *c, const ath_value *v, bool json)
{
    char tmp[ATH_TIMESTAMP_TEXT_MAX];
    int n;
    switch (v->type) {
    case ATH_T_I32:
        snprintf(tmp, sizeof tmp, "%" PRId32, v->u.i32);
        jb_puts(b, tmp);
        return ATH_OK;
    case ATH_T_I64:
        snprintf(tmp, sizeof tmp, "%" PRId64, v->u.i64);
        jb_puts(b, tmp);
        return ATH_OK;
    case ATH_T_DOUBLE:
        if (json && !isfinite(v->u.f64))
            return ath_error_set(ATH_EINVAL, "key '%s': %g cannot be written as JSON", c->name,
                                 v->u.f64);
        jb_double(b, v->u.f64, json);
        return ATH_OK;
    case ATH_T_BOOL:
        jb_puts(b, v->u.b ? "true" : "false");
        return ATH_OK;
    case ATH_T_TIMESTAMP:
        n = ath_timestamp_format(v->u.ts, true, tmp, sizeof tmp);
        break;
    case ATH_T_DATE:
        n = ath_date_format(v->u.date, tmp, sizeof tmp);
        break;
    case ATH_T_UUID:
        n = ath_uuid_format(&v->u.uuid, tmp, sizeof tmp);
        break;
    default:
        return ath_error_set(ATH_EINVAL, "key '%s': no text form for type %s", c->name,
                             ath_type_name(v->type));
    }
    if (n < 0)
        return ath_error_set(ATH_EINVAL, "key '%s': %s value out of range", c->name,
                             ath_type_name(v->type));
    if (json)
        jb_json_string(b, tmp, (size_t)n);
    else
        jb_put(b, tmp, (size_t)n);
    return ATH_OK;
}

int jx_value_json(jbuf *b, const ath_column_info *c, const ath_value *v)
{
    switch (v->type) {
    case ATH_T_NULL:
        jb_puts(b, "null");
        break;
    case ATH_T_TEXT:
    case ATH_T_NUMERIC:
        jb_json_string(b, v->u.s.ptr, v->u.s.len);
        break;
    case ATH_T_BLOB:
        jb_putc(b, '"');
        jb_base64(b, v->u.s.ptr, v->u.s.len);
        jb_putc(b, '"');
        break;
    case ATH_T_JSON: {
        json_error_t err;
        json_t *doc = json_loadb(v->u.s.ptr, v->u.s.len, JSON_DECODE_ANY, &err);
        if (!doc)
            return ath_error_set(ATH_EINVAL, "key '%s': the stored JSON is invalid: %s", c->name,
                                 err.text);
        int rc = jx_write_json(b, doc);
        json_decref(doc);
        if (rc != ATH_OK)
            return rc;
        break;
    }
    default: {
        int rc = scalar_text(b, c, v, true);
        if (rc != ATH_OK)
            return rc;
    }
    }
    return b->oom ? ath_error_set(ATH_ENOMEM, "writing JSON") : ATH_OK;
}

int jx_value_text(jbuf *b, const ath_column_info *c, const ath_value *v)
{
    switch (v->type) {
    case ATH_T_TEXT:
    case ATH_T_NUMERIC:
    case ATH_T_JSON:
        jb_put(b, v->u.s.ptr, v->u.s.len);
        break;
    case ATH_T_BLOB:
        jb_base64(b, v->u.s.ptr, v->u.s.len);
        break;
    default: {
        int rc = scalar_text(b, c, v, false);
        if (rc != ATH_OK)
            return rc;
    }
    }
    return b->oom ? ath_error_set(ATH_ENOMEM, "writing CSV") : ATH_OK;
}

json_t *jx_value_jansson(const ath_column_info *c, const ath_value *v)
{
    json_t *j = NULL;
    switch (v->type) {
    case ATH_T_NULL:
        return json_null();
    case ATH_T_I32:
        j = json_integer(v->u.i32);
        break;
    case ATH_T_I64:
        j = json_integer(v->u.i64);
        break;
    case ATH_T_DOUBLE:
        if (!isfinite(v->u.f64)) {
            ath_error_set(ATH_EINVAL, "key '%s': %g cannot be written as JSON", c->name,
                          v->u.f64);
            return NULL;
        }
        j = json_real(v->u.f64);
        break;
    case ATH_T_BOOL:
        return json_boolean(v->u.b);
    case ATH_T_TEXT:
    case ATH_T_NUMERIC:
        j = json_stringn(v->u.s.ptr, v->u.s.len);
        break;
    case ATH_T_JSON: {
        json_error_t err;
        j = json_loadb(v->u.s.ptr, v->u.s.len, JSON_DECODE_ANY, &err);
        if (!j) {
            ath_error_set(ATH_EINVAL, "key '%s': the stored JSON is invalid: %s", c->name,
                          err.text);
            return NULL;
        }
        return j;
    }
    default: {
        jbuf b = {0};
        if (v->type == ATH_T_BLOB)
            jb_base64(&b, v->u.s.ptr, v->u.s.len);
        else if (scalar_text(&b, c, v, false) != ATH_OK) {
            jb_free(&b);
            return NULL;
        }
        if (!b.oom)
            j = json_stringn(b.p ? b.p : "", b.len);
        jb_free(&b);
    }
    }
    if (!j)
        ath_error_set(ATH_ENOMEM, "building JSON for key '%s'", c->name);
    return j;
}

/* --- values in ------------------------------------------------------------------------------- */

static const char *json_kind(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

static int mismatch(const ath_column_info *c, const char *want, const json_t *j)
{
    return ath_error_set(ATH_EINVAL, "key '%s': expected %s, got %s", c->name, want,
                         json_kind(j));
}

/* Parses the text form of a timestamp/date/uuid/blob/numeric/integer… into *out. */
static int parse_text(ath_value *out, jbuf *scratch, const ath_column_info *c, const char *s,
                      size_t n, const char *shown_as)
{
    char tmp[64];
    int rc = ATH_OK;
    *out = ath_v_null();
    out->type = c->type;
    switch (c->type) {
    case ATH_T_TIMESTAMP:
        rc = ath_timestamp_parse(&out->u.ts, s, n);
        break;
    case ATH_T_DATE:
        rc = ath_date_parse(&out->u.date, s, n);
        break;
    case ATH_T_UUID:
        rc = ath_uuid_parse(&out->u.uuid, s, n);
        break;
    case ATH_T_BLOB:
        if (!base64_decode(scratch, s, n))
            return scratch->oom ? ath_error_set(ATH_ENOMEM, "decoding key '%s'", c->name)
                                : ath_error_set(ATH_EINVAL, "key '%s': not valid base64",
                                                c->name);
        *out = ath_v_blob(scratch->p, scratch->len);
        return ATH_OK;
    case ATH_T_I32:
    case ATH_T_I64:
    case ATH_T_DOUBLE:
    case ATH_T_BOOL: {
        if (n == 0 || n >= sizeof tmp) {
            rc = ATH_EINVAL;
            break;
        }
        memcpy(tmp, s, n);
        tmp[n] = '\0';
        char *end;
        errno = 0;
        if (c->type == ATH_T_DOUBLE) {
            out->u.f64 = strtod(tmp, &end);
        } else if (c->type == ATH_T_BOOL) {
            end = tmp + n;
            if (!strcmp(tmp, "true") || !strcmp(tmp, "t") || !strcmp(tmp, "1"))
                out->u.b = true;
            else if (!strcmp(tmp, "false") || !strcmp(tmp, "f") || !strcmp(tmp, "0"))
                out->u.b = false;
            else
                end = tmp;
        } else {
            long long x = strtoll(tmp, &end, 10);
            out->type = ATH_T_I64;
            out->u.i64 = x;
            if (c->type == ATH_T_I32 && (x < INT32_MIN || x > INT32_MAX))
                errno = ERANGE;
        }
        if (*end || errno || end == tmp || tmp[0] == ' ')
            rc = ATH_EINVAL;
        break;
    }
    default: /* text, numeric, json: the text itself */
        *out = ath_v_textn(c->type, s, n);
        if (c->type == ATH_T_JSON) {
            json_error_t err;
            json_t *doc = json_loadb(s, n, JSON_DECODE_ANY, &err);
            if (!doc)
                return ath_error_set(ATH_EINVAL, "column '%s': invalid JSON: %s", c->name,
                                     err.text);
            json_decref(doc);
        }
        return ATH_OK;
    }
    if (rc != ATH_OK) {
        int shown = n > 40 ? 40 : (int)n;
        return ath_error_set(ATH_EINVAL, "%s '%s': expected %s, got \"%.*s%s\"", shown_as,
                             c->name, c->type == ATH_T_I32 || c->type == ATH_T_I64
                                          ? "an integer"
                                          : c->type == ATH_T_DOUBLE ? "a number"
                                          : c->type == ATH_T_BOOL   ? "true or false"
                                                                    : ath_type_name(c->type),
                             shown, s, n > 40 ? "…" : "");
    }
    return ATH_OK;
}

int jx_json_value(ath_value *out, jbuf *scratch, const ath_column_info *c, const json_t *j)
{
    *out = ath_v_null();
    if (json_is_null(j)) {
        if (!c->nullable)
            return ath_error_set(ATH_EINVAL, "key '%s': null for a column that is not nullable",
                                 c->name);
        return ATH_OK;
    }
    switch (c->type) {
    case ATH_T_I32:
    case ATH_T_I64:
        if (!json_is_integer(j))
            return mismatch(c, "an integer", j);
        if (c->type == ATH_T_I32 &&
            (json_integer_value(j) < INT32_MIN || json_integer_value(j) > INT32_MAX))
            return ath_error_set(ATH_EINVAL, "key '%s': %" JSON_INTEGER_FORMAT
                                             " does not fit a 32-bit integer",
                                 c->name, json_integer_value(j));
        *out = ath_v_i64(json_integer_value(j));
        return ATH_OK;
    case ATH_T_DOUBLE:
        if (!json_is_number(j))
            return mismatch(c, "a number", j);
        *out = ath_v_double(json_number_value(j));
        return ATH_OK;
    case ATH_T_BOOL:
        if (!json_is_boolean(j))
            return mismatch(c, "true or false", j);
        *out = ath_v_bool(json_is_true(j));
        return ATH_OK;
    case ATH_T_JSON: {
        scratch->len = 0;
        int rc = jx_write_json(scratch, j);
        if (rc != ATH_OK)
            return rc;
        *out = ath_v_textn(ATH_T_JSON, scratch->p, scratch->len);
        return ATH_OK;
    }
    case ATH_T_NUMERIC:
        if (json_is_integer(j)) {
            char tmp[32];
            snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
            scratch->len = 0;
            jb_puts(scratch, tmp);
            if (scratch->oom)
                return ath_error_set(ATH_ENOMEM, "decoding key '%s'", c->name);
            *out = ath_v_textn(ATH_T_NUMERIC, scratch->p, scratch->len);
            return ATH_OK;
        }
        if (!json_is_string(j))
            return mismatch(c, "a string (numeric travels as text)", j);
        break;
    case ATH_T_TEXT:
        if (!json_is_string(j))
            return mismatch(c, "a string", j);
        break;
    default:
        if (!json_is_string(j))
            return mismatch(c,
                            c->type == ATH_T_BLOB ? "a base64 string"
                            : c->type == ATH_T_UUID ? "a UUID string"
                            : c->type == ATH_T_DATE ? "a date string (YYYY-MM-DD)"
                                                    : "an ISO-8601 timestamp string",
                            j);
        break;
    }
    return parse_text(out, scratch, c, json_string_value(j), json_string_length(j), "key");
}

int jx_text_value(ath_value *out, jbuf *scratch, const ath_column_info *c, const char *s,
                  size_t n, bool null)
{
    *out = ath_v_null();
    if (null) {
        if (!c->nullable)
            return ath_error_set(ATH_EINVAL,
                                 "column '%s': empty field (NULL) for a column that is not "
                                 "nullable (write \"\" for an empty string)",
                                 c->name);
        return ATH_OK;
    }
    return parse_text(out, scratch, c, s, n, "column");
}

/* --- rows ------------------------------------------------------------------------------------ */

int jx_row_json(jbuf *b, const ath_columns *cols, const void *obj)
{
    size_t n = ath_columns_count(cols);
    jb_putc(b, '{');
    for (size_t i = 0; i < n; i++) {
        const ath_column_info *c = ath_columns_at(cols, i);
        ath_value v = ath_columns_get(cols, i, obj);
        if (i)
            jb_putc(b, ',');
        jb_json_string(b, c->name, strlen(c->name));
        jb_putc(b, ':');
        int rc = jx_value_json(b, c, &v);
        if (rc != ATH_OK)
            return rc;
    }
    jb_putc(b, '}');
    return b->oom ? ath_error_set(ATH_ENOMEM, "writing JSON") : ATH_OK;
}

int jx_row_from_json(const ath_columns *cols, void *obj, const json_t *o, jbuf *scratch, bool *set)
{
    const ath_model *model = ath_columns_model(cols);
    if (!json_is_object(o))
        return ath_error_set(ATH_EINVAL, "expected a JSON object for model %s, got %s",
                             model->name ? model->name : model->table, json_kind(o));
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        long i = ath_columns_find(cols, key);
        if (i < 0)
            return ath_error_set(ATH_EINVAL, "unknown key '%s' for model %s (table %s)", key,
                                 model->name ? model->name : "?", model->table);
        const ath_column_info *c = ath_columns_at(cols, (size_t)i);
        ath_value val;
        int rc = jx_json_value(&val, scratch, c, v);
        if (rc == ATH_OK)
            rc = ath_columns_set(cols, (size_t)i, obj, &val);
        if (rc != ATH_OK)
            return rc;
        if (set)
            set[i] = true;
    }
    return ATH_OK;
}

void jx_free_set(const ath_columns *cols, void *obj, const bool *set)
{
    for (size_t i = 0; i < ath_columns_count(cols); i++) {
        const ath_column_info *c = ath_columns_at(cols, i);
        if (!set[i] || !ath_type_bytes_kind(c->type))
            continue;
        ath_value v = ath_columns_get(cols, i, obj);
        if (v.type != ATH_T_NULL)
            free((void *)v.u.s.ptr);
    }
}

int jx_prefix_error(const char *fmt, ...)
{
    const ath_error *e = ath_error_last();
    int code = e->code ? e->code : ATH_EINVAL;
    char old[512], prefix[512];
    snprintf(old, sizeof old, "%s", e->message ? e->message : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    return ath_error_set(code, "%s: %s", prefix, old);
}
