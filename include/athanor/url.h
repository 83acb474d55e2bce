/* Athanor — connection URLs: dialect[+driver]://[user[:password]@][host][:port][/database][?query]
 */
#ifndef ATHANOR_URL_H
#define ATHANOR_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "export.h"

ATH_BEGIN_DECLS

/*
 * NULL arguments (docs/errors.md): a NULL handle, out-parameter, model list, array with a
 * non-zero count or required string is refused with ATH_EINVAL and the message
 * "<function>: <argument> is NULL" -- never a crash. Functions that cannot return a code say
 * below what they give for NULL (and set the same error); _free/_close/_dispose accept NULL.
 */

/** A parsed connection URL. Immutable; release with ath_url_free(). */
typedef struct ath_url ath_url;

/**
 * Parses `text` with the rules of SQLAlchemy's make_url, stricter where that is sloppy (see
 * docs/urls.md). User, password and database are percent-decoded; a bracketed IPv6 host is
 * returned without brackets; query keys keep their order and repeats, and in the query a '+'
 * is a space (as SQLAlchemy reads it; %2B is a plus).
 *
 * On success `*out` owns the URL. Returns ATH_OK, ATH_EURL (ath_error_last() says what is wrong
 * and at which character position, never showing the password), ATH_EINVAL (NULL text or out)
 * or ATH_ENOMEM. On failure `*out` is NULL.
 */
ATH_API int ath_url_parse(ath_url **out, const char *text);

/** Releases a URL; NULL is a no-op. */
ATH_API void ath_url_free(ath_url *url);

/** The dialect ("postgresql"); never NULL for a parsed URL. Every getter here gives NULL (or 0)
 *  for a NULL url. */
ATH_API const char *ath_url_dialect(const ath_url *url);
/** The driver after '+' ("psycopg2"), or NULL when the URL has none. */
ATH_API const char *ath_url_driver(const ath_url *url);
/** The decoded user name, or NULL when absent. */
ATH_API const char *ath_url_username(const ath_url *url);
/** The decoded password, or NULL when absent ("" when given empty, as in "u:@h"). */
ATH_API const char *ath_url_password(const ath_url *url);
/** The host without brackets, or NULL when absent. */
ATH_API const char *ath_url_host(const ath_url *url);
/** The port, or 0 when absent. */
ATH_API int ath_url_port(const ath_url *url);
/** The decoded database (for SQLite, the file path or ":memory:"), or NULL when absent. */
ATH_API const char *ath_url_database(const ath_url *url);

/** The first value given for `key`, or NULL when the key is absent. */
ATH_API const char *ath_url_query_get(const ath_url *url, const char *key);
/** How many key=value pairs the query holds, repeats included. */
ATH_API size_t ath_url_query_count(const ath_url *url);
/**
 * The i-th query pair, in URL order. Returns ATH_OK, or ATH_EINVAL when i is out of range
 * (then *key and *value are set to NULL). Either out-pointer may be NULL.
 */
ATH_API int ath_url_query_at(const ath_url *url, size_t i, const char **key, const char **value);

/**
 * Writes the URL back as text, re-encoding what needs it; with `hide_password` the password is
 * shown as "***". Returns the length the full text needs (snprintf-style: a result >= size means
 * it was truncated), or a negative ath_code.
 */
ATH_API int ath_url_render(const ath_url *url, bool hide_password, char *buf, size_t size);

ATH_END_DECLS

#endif
