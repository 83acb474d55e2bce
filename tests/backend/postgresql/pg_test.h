/* Helpers shared by the PostgreSQL backend suites. */
#ifndef ATHANOR_PG_TEST_H
#define ATHANOR_PG_TEST_H

#include <stddef.h>
#include <stdint.h>

#include <athanor/engine.h>
#include <athanor/error.h>
#include <athanor/session.h>
#include <athanor/url.h>
#include <athanor/value.h>

/** The postgresql:// URL under test. */
extern const char *pg_url;

/** The URL's parts, for building variants (multi-host, env fallback). */
typedef struct pg_url_parts {
    char user[128];
    char password[128];
    char host[128];
    int port;
    char database[128];
} pg_url_parts;
int pg_parts(pg_url_parts *out);

/** pg_url with `query` ("a=1&b=2") appended; static storage, valid until the next call. */
const char *pg_url_with(const char *query);

/** An engine on pg_url + `query` (NULL for none), or NULL (the reason on stderr). Usable in
 *  suite setup: it asserts nothing. */
ath_engine *pg_engine(const char *query);

/** Runs `sql` (no rows wanted). */
int pg_run(ath_session *s, const char *sql, const ath_value *params, size_t nparams);

/** The first column of the first row as i64 (asserting there is one). */
int64_t pg_i64(ath_session *s, const char *sql, const ath_value *params, size_t nparams);

/** The first column of the first row as text, copied into buf ("" for NULL). Returns the rc. */
int pg_text(ath_session *s, const char *sql, const ath_value *params, size_t nparams, char *buf,
            size_t size);

/** Runs `sql` in its own session and commits (table setup); the reason on stderr if not. */
int pg_setup(ath_engine *engine, const char *sql);

/* Suite registration. */

#endif
