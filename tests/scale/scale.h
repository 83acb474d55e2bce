/* Helpers of the scale-out suites (athanor_scale_tests): a PostgreSQL primary and its streaming
 * hot standby, from ATHANOR_TEST_PG_PRIMARY_URL and ATHANOR_TEST_PG_STANDBY_URL (scripts/test
 * starts them; scripts/lib/server-postgresql.sh, start_postgresql_standby). */
#ifndef ATHANOR_SCALE_H
#define ATHANOR_SCALE_H

#include <stdbool.h>
#include <stdint.h>

#include <athanor/engine.h>
#include <athanor/session.h>

/** The two servers: URLs and the parts to build multi-host URLs from. */
typedef struct scale_servers {
    const char *primary_url, *standby_url;
    char user[128], password[128], database[128];
    int primary_port, standby_port;
} scale_servers;
extern scale_servers scale;

/** Reads the environment; false (the reason on stderr) when a URL is missing or unreadable. */
bool scale_init(void);

/** postgresql://user:pw@/db?host=127.0.0.1:<first>&host=127.0.0.1:<second>&<query>; static
 *  storage, valid until the next call. */
const char *scale_multi_url(int first_port, int second_port, const char *query);

/** The first column of the first row of `sql` as i64 (-1 and a failed assertion when there is
 *  none); `sql` takes no parameters. */
int64_t scale_i64(ath_session *s, const char *sql);

/** pg_is_in_recovery() through the session: 1 on a standby, 0 on a primary, negative on error. */
int scale_in_recovery(ath_session *s);

/** Runs `sql` in its own session and commits; the rc. */
int scale_exec(ath_engine *engine, const char *sql);

#endif
