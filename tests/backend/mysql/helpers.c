/* MySQL/MariaDB backend suite: shared helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mysql_test.h"

const char *mt_url;

/* Asserts inside a test; in a suite's setup (no current test) only reports, and setup fails. */
static bool check(int rc, int expected, const char *what)
{
    if (rc == expected)
        return true;
    if (CU_get_current_test())
        test_assert_rc(rc, expected, what, __FILE__, __LINE__);
    else
        fprintf(stderr, "\n  %s: %s (%s)\n", what, ath_code_name(rc), ath_error_last()->message);
    return false;
}

void mt_url_with(char *buf, size_t size, const char *scheme, const char *password,
                 const char *query)
{
    const char *rest = strstr(mt_url, "://");
    const char *at = strrchr(mt_url, '@');
    char head[512];
    const char *sep = strchr(mt_url, '?') ? "&" : "?";
    snprintf(head, sizeof head, "%.*s", (int)(rest - mt_url), mt_url);
    if (password && at) {
        /* keep the user: everything between :// and the first ':' before '@' */
        const char *user = rest + 3;
        const char *colon = memchr(user, ':', (size_t)(at - user));
        size_t ulen = colon ? (size_t)(colon - user) : (size_t)(at - user);
        snprintf(buf, size, "%s://%.*s:%s%s%s%s", scheme ? scheme : head, (int)ulen, user, password,
                 at, query && *query ? sep : "", query ? query : "");
    } else {
        snprintf(buf, size, "%s%s%s%s", scheme ? scheme : head, rest, query && *query ? sep : "",
                 query ? query : "");
    }
}

ath_engine *mt_engine(const char *query)
{
    char url[1024];
    ath_engine *e = NULL;
    mt_url_with(url, sizeof url, NULL, NULL, query);
    check(ath_engine_create(&e, url), ATH_OK, "creating an engine");
    return e;
}

void mt_exec(ath_session *s, const char *sql)
{
    check(ath_session_execute(s, sql, NULL, 0, NULL), ATH_OK, sql);
}

void mt_ddl(ath_engine *e, const char *sql)
{
    ath_session *s = NULL;
    if (!check(ath_session_open(&s, e), ATH_OK, "opening a session"))
        return;
    mt_exec(s, sql);
    check(ath_session_commit(s), ATH_OK, "committing DDL");
    ath_session_close(s);
}

int64_t mt_scalar_i64(ath_session *s, const char *sql, const ath_value *params, size_t n)
{
    ath_result *r = NULL;
    int64_t v = INT64_MIN;
    int rc = ath_session_execute(s, sql, params, n, &r);
    ASSERT_RC(rc, ATH_OK);
    if (rc != ATH_OK)
        return v;
    if (ath_result_next(r) == 1)
        v = ath_result_i64(r, 0);
    ath_result_free(r);
    return v;
}

int64_t mt_connection_id(ath_session *s)
{
    return mt_scalar_i64(s, "SELECT CONNECTION_ID()", NULL, 0);
}

bool mt_server_has_returning(ath_engine *e)
{
    ath_session *s = NULL;
    ath_result *r = NULL;
    bool yes = false;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    if (ath_session_execute(s, "SELECT VERSION()", NULL, 0, &r) == ATH_OK &&
        ath_result_next(r) == 1) {
        const char *v = ath_result_text(r, 0);
        int major = 0, minor = 0;
        if (v && strstr(v, "MariaDB") && sscanf(v, "%d.%d", &major, &minor) == 2)
            yes = major > 10 || (major == 10 && minor >= 5);
    }
    ath_result_free(r);
    ath_session_close(s);
    return yes;
}

/* --- the driver, directly ------------------------------------------------------------------- */

int mt_direct_code;
char mt_direct_message[512];

static int direct_fail(int code, const char *sqlstate, long native, const char *constraint,
                       const char *fmt, ...) ATH_PRINTF(5, 6);
static int direct_fail(int code, const char *sqlstate, long native, const char *constraint,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(mt_direct_message, sizeof mt_direct_message, fmt, ap);
    va_end(ap);
    mt_direct_code = code;
    return code;
}

bool mt_direct_open(mt_direct *d)
{
    return mt_direct_open_with(d, NULL, 0) == ATH_OK;
}

int mt_direct_open_with(mt_direct *d, int (*wait)(int fd, unsigned events, int64_t timeout_ms),
                        uint32_t flags)
{
    memset(d, 0, sizeof *d);
    /* the core's, with failures caught here and plain malloc */
    d->host = *ath_driver_host_default();
    d->host.fail = direct_fail;
    d->host.malloc = malloc;
    d->host.realloc = realloc;
    d->host.free = free;
    if (wait)
        d->host.wait = wait;
    ASSERT_RC(ath_url_parse(&d->url, mt_url), ATH_OK);
    if (!d->url)
        return ATH_EURL;
    char scheme[128];
    snprintf(scheme, sizeof scheme, "%s%s%s", ath_url_dialect(d->url),
             ath_url_driver(d->url) ? "+" : "",
             ath_url_driver(d->url) ? ath_url_driver(d->url) : "");
    ASSERT_RC(ath_driver_find(&d->driver, scheme), ATH_OK);
    if (!d->driver)
        return ATH_EUNSUPPORTED;
    ath_connect_params p = {
        .dialect = ath_url_dialect(d->url),
        .driver = ath_url_driver(d->url),
        .username = ath_url_username(d->url),
        .password = ath_url_password(d->url),
        .host = ath_url_host(d->url),
        .port = ath_url_port(d->url),
        .database = ath_url_database(d->url),
        .flags = flags,
    };
    int rc = d->driver->connect(&d->conn, &p, &d->host, &d->info);
    if (rc != ATH_OK && !wait) {
        fprintf(stderr, "\n  direct connect: %s\n", mt_direct_message);
        CU_ASSERT_EQUAL_FATAL(rc, ATH_OK);
    }
    return rc;
}

void mt_direct_close(mt_direct *d)
{
    if (d->driver && d->conn)
        d->driver->close(d->conn);
    ath_url_free(d->url);
    memset(d, 0, sizeof *d);
}

int mt_direct_run(mt_direct *d, const char *sql, const ath_value *params, size_t n, int64_t *first)
{
    ath_dstmt *st = NULL;
    int rc = d->driver->prepare(d->conn, sql, n, &st);
    if (rc != ATH_OK)
        return rc;
    if ((rc = d->driver->execute(st, params, n)) == ATH_OK) {
        bool got = false;
        while ((rc = d->driver->step(st)) > 0) {
            ath_value v;
            if (!got && first && d->driver->column(st, 0, ATH_T_I64, &v) == ATH_OK) {
                *first = v.u.i64;
                got = true;
            }
        }
    }
    d->driver->finalize(st);
    return rc < 0 ? rc : ATH_OK;
}
