/* Private: the one text policy — valid UTF-8 without NUL — checked before anything is sent. */
#ifndef ATH_CORE_UTF8_H
#define ATH_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include <athanor/value.h>

/** True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF) without
 *  NUL bytes; otherwise *bad gets the offset of the first offending byte. */
bool ath_utf8_valid(const char *s, size_t len, size_t *bad);

/**
 * Checks a text-like value (TEXT, JSON, NUMERIC) against the policy; other types pass. On failure
 * returns ATH_EINVAL with a message naming `what` (e.g. "column hero.name").
 */
int ath_text_check(const ath_value *v, const char *what);

#endif
