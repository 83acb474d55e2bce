/* Private: the one text policy — valid UTF-8 without NUL — checked before anything is sent. */
#ifndef ATH_CORE_UTF8_H
#define ATH_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include <athanor/export.h>
#include <athanor/value.h>

/** True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF) without
 *  NUL bytes; otherwise *bad gets the offset of the first offending byte. */
bool ath_utf8_valid(const char *s, size_t len, size_t *bad);

/** True for the types the text policy applies to: TEXT, JSON, NUMERIC. */
static inline bool ath_type_textual(ath_type t)
{
    return t == ATH_T_TEXT || t == ATH_T_JSON || t == ATH_T_NUMERIC;
}

/** True for the types whose value points at bytes (u.s): the textual ones and BLOB. */
static inline bool ath_type_bytes(ath_type t)
{
    return ath_type_textual(t) || t == ATH_T_BLOB;
}

/**
 * Checks a text-like value (TEXT, JSON, NUMERIC) against the policy; other types pass. On failure
 * returns ATH_EINVAL with a message naming the value by `fmt`, formatted only then (e.g.
 * "column %s.%s").
 */
int ath_text_check(const ath_value *v, const char *fmt, ...) ATH_PRINTF(2, 3);

#endif
