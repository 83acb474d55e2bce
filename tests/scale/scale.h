/* Helpers of the scale-out suites (athanor_scale_tests): a PostgreSQL primary and its streaming
 * hot standby, from ATHANOR_TEST_PG_PRIMARY_URL and ATHANOR_TEST_PG_STANDBY_URL (scripts/test
 * starts them; scripts/lib/server-postgresql.sh, start_postgresql_standby), and a MariaDB primary
 * and its replica, from ATHANOR_TEST_MY_PRIMARY_URL and ATHANOR_TEST_MY_REPLICA_URL
 * (scripts/lib/server-mariadb.sh, start_mariadb_replica). */
#ifndef ATHANOR_SCALE_H
#define ATHANOR_SCALE_H

#include <stdbool.h>
#include <stdint.h>

#include <athanor/engine.h>
#include <athanor/session.h>

/** The servers: URLs and the parts to build multi-host URLs from. */
typedef struct scale_servers {
    bool pg; /* the PostgreSQL pair is configured: its suites register */
    const char *primary_url, *standby_url;
    char user[128], password[128], database[128];
    int primary_port, standby_port;
    bool my; /* the MariaDB pair is configured: its suites register */
    const char *my_primary_url, *my_replica_url;
    /* shell commands that stop / start the replica (ATHANOR_TEST_MY_REPLICA_STOP, _START); NULL
     * when not set */
    const char *my_replica_stop, *my_replica_start;
} scale_servers;
extern scale_servers scale;

/** Reads the environment into `scale` (the reason on stderr for a URL that is set but
 *  unreadable); scale.pg and scale.my say which pairs are there. */
void scale_init(void);

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
