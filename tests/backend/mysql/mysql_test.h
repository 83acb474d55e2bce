/* MySQL/MariaDB backend suite: shared helpers. */
#ifndef ATHANOR_TEST_MYSQL_H
#define ATHANOR_TEST_MYSQL_H

#include <stdbool.h>
#include <stdint.h>

#include <athanor/athanor.h>
#include <athanor/sys/driver.h>

#include "runner.h"

/** Asserts two strings are equal; a NULL `actual` fails instead of crashing. */
#define MT_ASSERT_STR(actual, expected)                                                            \
    CU_ASSERT_STRING_EQUAL((actual) ? (const char *)(actual) : "(null)", (expected))

/** The configured MySQL/MariaDB URL (set by main before the suites run). */
extern const char *mt_url;

/** An engine for mt_url with `query` appended ("pool_size=1&pool_pre_ping=true"), or NULL
 *  (the failure is asserted). */
ath_engine *mt_engine(const char *query);
/** Writes mt_url with its user, password, host, port or database replaced where non-NULL,
 *  and `query` appended. */
void mt_url_with(char *buf, size_t size, const char *scheme, const char *password,
                 const char *query);

/** Runs `sql` without parameters on `s`, asserting success. */
void mt_exec(ath_session *s, const char *sql);
/** Runs DDL in a session of its own and commits (MySQL commits around DDL anyway). */
void mt_ddl(ath_engine *e, const char *sql);
/** The single integer `sql` (with `n` parameters) yields, or INT64_MIN on failure. */
int64_t mt_scalar_i64(ath_session *s, const char *sql, const ath_value *params, size_t n);
/** CONNECTION_ID() of the session's connection. */
int64_t mt_connection_id(ath_session *s);
/** True when the server is MariaDB 10.5 or later (INSERT … RETURNING). */
bool mt_server_has_returning(ath_engine *e);

/* Talking to the driver directly, for what the public API does not expose yet (last insert id,
 * capabilities): the driver found through the loader, with a host table of our own. */
typedef struct mt_direct {
    const ath_driver *driver;
    ath_dconn *conn;
    ath_conn_info info;
    ath_url *url;
    ath_driver_host host; /* the connection's (it keeps a pointer: d must not move) */
} mt_direct;
/** Connects `d` with mt_url; false (asserted) on failure. */
bool mt_direct_open(mt_direct *d);
/** Connects `d` with mt_url, `flags` in the connect parameters (ATH_CONNECT_NONBLOCKING) and
 *  the host table's wait() replaced by `wait` when non-NULL; returns the driver's code (with
 *  `wait` NULL a failure is asserted fatally). */
int mt_direct_open_with(mt_direct *d, int (*wait)(int fd, unsigned events, int64_t timeout_ms),
                        uint32_t flags);
void mt_direct_close(mt_direct *d);
/** Prepares, executes and reads every row of `sql` (already in `?` form), returning the
 *  driver's code; the first column of the first row, if any, goes to *first. */
int mt_direct_run(mt_direct *d, const char *sql, const ath_value *params, size_t n, int64_t *first);
/** The code and message of the last failure reported through the test host table. */
extern int mt_direct_code;
extern char mt_direct_message[512];

#endif
