/* UTF-8 validation (RFC 3629): PostgreSQL rejects invalid text, SQLite stores anything, MariaDB
 * rejects some: Athanor refuses it on every backend, before sending, so they all agree. */
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>

#include <stdint.h>
#include <string.h>

#include "error.h"

bool ath_utf8_valid(const char *text, size_t len, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        /* eight ASCII bytes without a NUL at a time: most text is plain ASCII */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            const uint64_t high = UINT64_C(0x8080808080808080);
            const uint64_t ones = UINT64_C(0x0101010101010101);
            if ((w & high) || ((w - ones) & ~w & high))
                break; /* a non-ASCII or a zero byte in this word: byte by byte */
            i += 8;
        }
        if (i >= len)
            break;
        unsigned c = s[i];
        if (c < 0x80) {
            if (c == 0)
                goto fail;
            i++;
            continue;
        }
        size_t n;
        unsigned cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            goto fail;
        }
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                goto fail;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            goto fail;
        i += n + 1;
    }
    return true;
fail:
    if (bad)
        *bad = i;
    return false;
}

int ath_text_check(const ath_value *v, const char *fmt, ...)
{
    char what[192]; /* the message is only built for a failure */
    va_list ap;
    if (ath_type_bytes(v->type) && v->u.s.len && !v->u.s.ptr) {
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        return ath_fail(ATH_EINVAL, "%s: %zu bytes of %s at a NULL pointer", what, v->u.s.len,
                        ath_type_name(v->type));
    }
    if (!ath_type_textual(v->type))
        return ATH_OK;
    size_t bad = 0;
    if (ath_utf8_valid(v->u.s.ptr, v->u.s.len, &bad))
        return ATH_OK;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const unsigned char *s = v->u.s.ptr;
    if (s[bad] == 0)
        return ath_fail(ATH_EINVAL,
                        "%s: text contains a NUL byte at offset %zu (store bytes in a "
                        "blob column)",
                        what, bad);
    return ath_fail(ATH_EINVAL,
                    "%s: text is not valid UTF-8 at byte %zu (store bytes in a blob "
                    "column)",
                    what, bad);
}
