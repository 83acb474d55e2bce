/* Helpers shared by the PostgreSQL backend suites. */
#include "pg_test.h"

#include <stdio.h>
#include <string.h>

#include "runner.h"

const char *pg_url;

int pg_parts(pg_url_parts *out)
{
    ath_url *u = NULL;
    memset(out, 0, sizeof *out);
    int rc = ath_url_parse(&u, pg_url);
    if (rc != ATH_OK)
        return rc;
    snprintf(out->user, sizeof out->user, "%s", ath_url_username(u) ? ath_url_username(u) : "");
    snprintf(out->password, sizeof out->password, "%s",
             ath_url_password(u) ? ath_url_password(u) : "");
    snprintf(out->host, sizeof out->host, "%s", ath_url_host(u) ? ath_url_host(u) : "");
    out->port = ath_url_port(u);
    snprintf(out->database, sizeof out->database, "%s",
             ath_url_database(u) ? ath_url_database(u) : "");
    ath_url_free(u);
    return ATH_OK;
}

const char *pg_url_with(const char *query)
{
    static char buf[2048];
    if (!query || !*query)
        snprintf(buf, sizeof buf, "%s", pg_url);
    else
        snprintf(buf, sizeof buf, "%s%c%s", pg_url, strchr(pg_url, '?') ? '&' : '?', query);
    return buf;
}

ath_engine *pg_engine(const char *query)
{
    ath_engine *e = NULL;
    if (ath_engine_create(&e, pg_url_with(query)) != ATH_OK)
        fprintf(stderr, "cannot create an engine: %s\n", ath_error_last()->message);
    return e;
}

int pg_run(ath_session *s, const char *sql, const ath_value *params, size_t nparams)
{
    return ath_session_execute(s, sql, params, nparams, NULL);
}

int64_t pg_i64(ath_session *s, const char *sql, const ath_value *params, size_t nparams)
{
    ath_result *r = NULL;
    int64_t v = -1;
    int rc = ath_session_execute(s, sql, params, nparams, &r);
    ASSERT_RC(rc, ATH_OK);
    if (rc != ATH_OK)
        return v;
    ASSERT_RC(ath_result_next(r), 1);
    v = ath_result_i64(r, 0);
    ath_result_free(r);
    return v;
}

int pg_text(ath_session *s, const char *sql, const ath_value *params, size_t nparams, char *buf,
            size_t size)
{
    ath_result *r = NULL;
    buf[0] = '\0';
    int rc = ath_session_execute(s, sql, params, nparams, &r);
    if (rc != ATH_OK)
        return rc;
    rc = ath_result_next(r);
    if (rc == 1) {
        const char *t = ath_result_text(r, 0);
        snprintf(buf, size, "%s", t ? t : "");
        rc = ATH_OK;
    } else if (rc == 0) {
        rc = ATH_ENOTFOUND;
    }
    ath_result_free(r);
    return rc;
}

int pg_setup(ath_engine *engine, const char *sql)
{
    ath_session *s = NULL;
    int rc = ath_session_open(&s, engine);
    if (rc == ATH_OK && (rc = pg_run(s, sql, NULL, 0)) == ATH_OK)
        rc = ath_session_commit(s);
    if (rc != ATH_OK)
        fprintf(stderr, "setup failed: %s: %s\n", sql, ath_error_last()->message);
    ath_session_close(s);
    return rc;
}
