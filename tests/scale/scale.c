#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor/url.h>

#include "runner.h"
#include "scale.h"

scale_servers scale;

static bool read_url(const char *text, int *port, bool fill)
{
    ath_url *u = NULL;
    if (ath_url_parse(&u, text) != ATH_OK) {
        fprintf(stderr, "scale: cannot parse a server URL\n");
        return false;
    }
    *port = ath_url_port(u);
    if (fill) {
        snprintf(scale.user, sizeof scale.user, "%s", ath_url_username(u) ? ath_url_username(u) : "");
        snprintf(scale.password, sizeof scale.password, "%s",
                 ath_url_password(u) ? ath_url_password(u) : "");
        snprintf(scale.database, sizeof scale.database, "%s",
                 ath_url_database(u) ? ath_url_database(u) : "");
    }
    ath_url_free(u);
    return *port > 0;
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

void scale_init(void)
{
    scale.primary_url = env("ATHANOR_TEST_PG_PRIMARY_URL");
    scale.standby_url = env("ATHANOR_TEST_PG_STANDBY_URL");
    scale.pg = scale.primary_url && scale.standby_url &&
               read_url(scale.primary_url, &scale.primary_port, true) &&
               read_url(scale.standby_url, &scale.standby_port, false);
    scale.my_primary_url = env("ATHANOR_TEST_MY_PRIMARY_URL");
    scale.my_replica_url = env("ATHANOR_TEST_MY_REPLICA_URL");
    scale.my_replica_stop = env("ATHANOR_TEST_MY_REPLICA_STOP");
    scale.my_replica_start = env("ATHANOR_TEST_MY_REPLICA_START");
    scale.my = scale.my_primary_url && scale.my_replica_url;
}

const char *scale_multi_url(int first_port, int second_port, const char *query)
{
    static char buf[1024];
    snprintf(buf, sizeof buf, "postgresql://%s:%s@/%s?host=127.0.0.1:%d&host=127.0.0.1:%d%s%s",
             scale.user, scale.password, scale.database, first_port, second_port,
             query && *query ? "&" : "", query ? query : "");
    return buf;
}

int64_t scale_i64(ath_session *s, const char *sql)
{
    ath_result *r = NULL;
    int64_t v = -1;
    ASSERT_RC(ath_session_execute(s, sql, NULL, 0, &r), ATH_OK);
    if (r && ath_result_next(r) == 1)
        v = ath_result_i64(r, 0);
    else
        CU_FAIL("no row");
    ath_result_free(r);
    return v;
}

int scale_in_recovery(ath_session *s)
{
    ath_result *r = NULL;
    int rc = ath_session_execute(s, "SELECT pg_is_in_recovery()::int", NULL, 0, &r);
    if (rc == ATH_OK) {
        rc = ath_result_next(r);
        rc = rc == 1 ? (int)ath_result_i64(r, 0) : (rc == 0 ? ATH_EINVAL : rc);
    }
    ath_result_free(r);
    return rc;
}

int scale_exec(ath_engine *engine, const char *sql)
{
    ath_session *s = NULL;
    int rc = ath_session_open(&s, engine);
    if (rc == ATH_OK)
        rc = ath_session_execute(s, sql, NULL, 0, NULL);
    if (rc == ATH_OK)
        rc = ath_session_commit(s);
    ath_session_close(s);
    return rc;
}
