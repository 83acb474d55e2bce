/* The thread-local last error and the code tables. */
#include "error.h"

/* every code is minus its position in ATH_CODES, which is what makes ATH__CODE_MIN right */
#define CODE_POSITION(name, value, text)                                                           \
    _Static_assert((value) == -(int)ATH__INDEX_##name, #name " is not minus its position");
ATH_CODES(CODE_POSITION)
#undef CODE_POSITION

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local ath_error_saved slot;

#define MESSAGE_MAX sizeof slot.message

static void copy_truncated(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size) {
        /* keep room for an ellipsis so a reader knows text was cut */
        n = size - 4;
        memcpy(dst, src, n);
        memcpy(dst + n, "...", 4);
        return;
    }
    memcpy(dst, src, n + 1);
}

const ath_error *ath_error_last(void)
{
    slot.pub.message = slot.message;
    return &slot.pub;
}

void ath_error_clear(void)
{
    memset(&slot.pub, 0, sizeof slot.pub);
    slot.message[0] = '\0';
    slot.pub.message = slot.message;
}

int ath_fail_dbv(int code, const char *sqlstate, long native, const char *constraint,
                 const char *fmt, va_list ap)
{
    ath_error_clear();
    slot.pub.code = code;
    slot.pub.native_code = native;
    if (sqlstate && *sqlstate) {
        strncpy(slot.pub.sqlstate, sqlstate, 5);
        slot.pub.sqlstate[5] = '\0';
    }
    if (constraint && *constraint) {
        copy_truncated(slot.constraint, sizeof slot.constraint, constraint);
        slot.pub.constraint = slot.constraint;
    }
    int n = vsnprintf(slot.message, sizeof slot.message, fmt, ap);
    if (n >= (int)sizeof slot.message)
        memcpy(slot.message + sizeof slot.message - 4, "...", 4);
    return code;
}

int ath_fail_db(int code, const char *sqlstate, long native, const char *constraint,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ath_fail_dbv(code, sqlstate, native, constraint, fmt, ap);
    va_end(ap);
    return code;
}

int ath_error_set(int code, const char *fmt, ...)
{
    if (!fmt)
        return ath_null_arg(__func__, "fmt");
    va_list ap;
    va_start(ap, fmt);
    ath_fail_dbv(code, NULL, 0, NULL, fmt, ap);
    va_end(ap);
    return code;
}

int ath_fail(int code, const char *fmt, ...) /* the core's name for ath_error_set */
{
    va_list ap;
    va_start(ap, fmt);
    ath_fail_dbv(code, NULL, 0, NULL, fmt, ap);
    va_end(ap);
    return code;
}

int ath_null_arg(const char *fn, const char *arg)
{
    return ath_fail(ATH_EINVAL, "%s: %s is NULL", fn, arg);
}

/* Copies a terminated string of a buffer of `size` bytes. */
static void copy_text(char *to, const char *from, size_t size)
{
    size_t n = strnlen(from, size - 1);
    memcpy(to, from, n);
    to[n] = '\0';
}

/* Copies `from` into `to`, pointing to's strings at its own buffers. Only the strings' used
 * bytes move, not the 3 KiB of buffers: fibers swap errors on every switch (core/fiber.c). */
static void copy_error(ath_error_saved *to, const ath_error_saved *from)
{
    if (to == from)
        return;
    to->pub = from->pub;
    copy_text(to->message, from->message, sizeof to->message);
    to->pub.message = to->message;
    to->pub.sql = NULL;
    to->pub.constraint = NULL;
    if (from->pub.sql) {
        copy_text(to->sql, from->sql, sizeof to->sql);
        to->pub.sql = to->sql;
    }
    if (from->pub.constraint) {
        copy_text(to->constraint, from->constraint, sizeof to->constraint);
        to->pub.constraint = to->constraint;
    }
}

void ath_error_save(ath_error_saved *out)
{
    copy_error(out, &slot);
}

void ath_error_restore(const ath_error_saved *saved)
{
    copy_error(&slot, saved);
}

void ath_error_set_sql(const char *sql)
{
    if (!sql) {
        slot.pub.sql = NULL;
        return;
    }
    copy_truncated(slot.sql, sizeof slot.sql, sql);
    slot.pub.sql = slot.sql;
}

#define CODE_NAME_CASE(name, value, text)                                                          \
    case value:                                                                                    \
        return #name;
const char *ath_code_name(int code)
{
    switch (code) {
        ATH_CODES(CODE_NAME_CASE)
    default:
        return "ATH_E?";
    }
}
#undef CODE_NAME_CASE

#define CODE_TEXT_CASE(name, value, text)                                                          \
    case value:                                                                                    \
        return text;
const char *ath_code_text(int code)
{
    switch (code) {
        ATH_CODES(CODE_TEXT_CASE)
    default:
        return "unknown result code";
    }
}
#undef CODE_TEXT_CASE

void ath_error_set_message(const char *fmt, ...)
{
    char text[MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof text)
        memcpy(text + sizeof text - 4, "...", 4);
    memcpy(slot.message, text, sizeof slot.message);
}
