/* Tests for core/engine.c: URL options for the pool and the driver. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor/engine.h>
#include <athanor/session.h>

#include "runner.h"

static void test_defaults_apply_without_options(void)
{
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, "fake://"), ATH_OK);
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.size, 5);
    CU_ASSERT_EQUAL(st.open, 0); /* no connection until a session needs one */
    CU_ASSERT_STRING_EQUAL(ath_engine_dialect(e), "fake");
    ath_engine_dispose(e);
}

static void test_pool_options_come_from_the_query(void)
{
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, "fake://?pool_size=3&max_overflow=0&pool_timeout=0.5&"
                                    "pool_pre_ping=true&pool_recycle=3600&echo=false"),
              ATH_OK);
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.size, 3);
    ath_engine_dispose(e);
}

static void test_unknown_pool_option_is_an_error(void)
{
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, "fake://?pool_sise=3"), ATH_EURL);
    ASSERT_ERR_HAS("unknown pool option 'pool_sise'");
    CU_ASSERT_PTR_NULL(e);
}

static void test_bad_pool_values_are_errors(void)
{
    static const char *const bad[] = {
        "fake://?pool_size=0",      "fake://?pool_size=abc",    "fake://?pool_size=",
        "fake://?max_overflow=-1",  "fake://?pool_timeout=-2",  "fake://?pool_timeout=nan",
        "fake://?pool_pre_ping=2",  "fake://?echo=maybe",       "fake://?pool_recycle=x",
        "fake://?pool_size=1e3",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ath_engine *e = NULL;
        ASSERT_RC(ath_engine_create(&e, bad[i]), ATH_EURL);
        CU_ASSERT_PTR_NULL(e);
    }
}

static void test_driver_options_are_checked_at_creation(void)
{
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, "fake://?colour=blue"), ATH_EURL);
    ASSERT_ERR_HAS("unknown fake option 'colour'");
    ASSERT_RC(ath_engine_create(&e, "sqlite:///:memory:?journal_mode=bogus"), ATH_EURL);
    ASSERT_ERR_HAS("journal_mode=bogus");
    ASSERT_RC(ath_engine_create(&e, "sqlite:///:memory:?foo=1"), ATH_EURL);
    ASSERT_ERR_HAS("unknown sqlite option 'foo'");
}

static void test_options_struct_is_overridden_by_the_url(void)
{
    ath_engine_options o;
    ath_engine_options_init(&o);
    o.pool_size = 9;
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create_opts(&e, "fake://", &o), ATH_OK);
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.size, 9);
    ath_engine_dispose(e);
    ASSERT_RC(ath_engine_create_opts(&e, "fake://?pool_size=2", &o), ATH_OK);
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.size, 2);
    ath_engine_dispose(e);
    o.pool_size = 0;
    ASSERT_RC(ath_engine_create_opts(&e, "fake://", &o), ATH_EINVAL);
}

static void test_rendered_url_hides_the_password(void)
{
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, "fake://scott:tiger@db.example:5432/shop"), ATH_OK);
    char buf[256];
    ath_engine_render_url(e, buf, sizeof buf);
    CU_ASSERT_PTR_NULL(strstr(buf, "tiger"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "scott:***@db.example:5432/shop"));
    ath_engine_dispose(e);
    ath_engine_dispose(NULL);
}

typedef struct log_capture {
    int sql_lines;
    char last[512];
} log_capture;

static void capture(void *ctx, ath_log_level level, const char *msg)
{
    log_capture *c = ctx;
    if (level == ATH_LOG_SQL) {
        c->sql_lines++;
        strncpy(c->last, msg, sizeof c->last - 1);
    }
}

static void test_echo_sends_sql_with_timing_to_the_log(void)
{
    log_capture cap = {0};
    ath_engine_options o;
    ath_engine_options_init(&o);
    o.log = capture;
    o.log_ctx = &cap;
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ASSERT_RC(ath_engine_create_opts(&e, "sqlite:///:memory:?echo=true", &o), ATH_OK);
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ath_value v = ath_v_i64(42);
    ASSERT_RC(ath_session_execute(s, "SELECT ?", &v, 1, NULL), ATH_OK);
    CU_ASSERT(cap.sql_lines >= 2); /* BEGIN and the SELECT */
    CU_ASSERT_PTR_NOT_NULL(strstr(cap.last, "SELECT ?"));
    CU_ASSERT_PTR_NOT_NULL(strstr(cap.last, " ms"));
    ath_session_close(s);
    ath_engine_dispose(e);
}

/* Every SQL line, whole, for the echo tests below. */
typedef struct echo_lines {
    char *last;
    size_t lines;
} echo_lines;

static void keep_last(void *ctx, ath_log_level level, const char *msg)
{
    echo_lines *c = ctx;
    if (level != ATH_LOG_SQL)
        return;
    free(c->last);
    c->last = strdup(msg);
    c->lines++;
}

static ath_engine *echo_engine(const char *url, echo_lines *cap, ath_session **s)
{
    ath_engine_options o;
    ath_engine_options_init(&o);
    o.log = keep_last;
    o.log_ctx = cap;
    ath_engine *e = NULL;
    *s = NULL;
    ASSERT_RC(ath_engine_create_opts(&e, url, &o), ATH_OK);
    if (e)
        ASSERT_RC(ath_session_open(s, e), ATH_OK);
    return e;
}

static void test_echo_shows_parameter_values(void)
{
    echo_lines cap = {0};
    ath_session *s;
    ath_engine *e = echo_engine("sqlite:///:memory:?echo=true", &cap, &s);
    ath_value v[] = {ath_v_i64(42), ath_v_text("Dive Wilson"), ath_v_null(), ath_v_bool(true)};
    ASSERT_RC(ath_session_execute(s, "SELECT ?, ?, ?, ?", v, 4, NULL), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cap.last);
    CU_ASSERT_PTR_NOT_NULL(strstr(cap.last, "SELECT ?, ?, ?, ?  [parameters: 42, 'Dive Wilson', NULL, true] -- "));
    CU_ASSERT_PTR_NOT_NULL(strstr(cap.last, " ms"));
    ath_session_close(s);
    ath_engine_dispose(e);
    free(cap.last);
}

static void test_echo_hide_parameters_shows_only_their_number(void)
{
    echo_lines cap = {0};
    ath_session *s;
    ath_engine *e = echo_engine("sqlite:///:memory:?echo=true&hide_parameters=true", &cap, &s);
    ath_value v[] = {ath_v_text("secret value"), ath_v_i32(7)};
    ASSERT_RC(ath_session_execute(s, "SELECT ?, ?", v, 2, NULL), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cap.last);
    CU_ASSERT_PTR_NOT_NULL(strstr(cap.last, "SELECT ?, ?  [2 parameters hidden] -- "));
    CU_ASSERT_PTR_NULL(strstr(cap.last, "secret"));
    ath_session_close(s);
    ath_engine_dispose(e);
    free(cap.last);
}

static void test_echo_never_cuts_a_long_statement(void)
{
    echo_lines cap = {0};
    ath_session *s;
    ath_engine *e = echo_engine("sqlite:///:memory:?echo=true", &cap, &s);
    size_t n = 10000;
    char *sql = malloc(n + 64);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sql);
    strcpy(sql, "SELECT '");
    memset(sql + 8, 'x', n);
    strcpy(sql + 8 + n, "' AS long_text_end");
    ASSERT_RC(ath_session_execute(s, sql, NULL, 0, NULL), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cap.last);
    CU_ASSERT(strlen(cap.last) > n);
    CU_ASSERT_PTR_NOT_NULL(strstr(cap.last, "' AS long_text_end -- "));
    CU_ASSERT_PTR_NOT_NULL(strstr(cap.last, " ms"));
    free(sql);
    ath_session_close(s);
    ath_engine_dispose(e);
    free(cap.last);
}

static void test_echo_logs_the_error_of_a_failed_statement(void)
{
    echo_lines cap = {0};
    ath_session *s;
    ath_engine *e = echo_engine("sqlite:///:memory:?echo=true", &cap, &s);
    ASSERT_RC(ath_session_execute(s, "SELECT * FROM no_such_table", NULL, 0, NULL), ATH_ESQL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cap.last);
    CU_ASSERT_PTR_NOT_NULL(strstr(cap.last, "SELECT * FROM no_such_table"));
    CU_ASSERT_PTR_NOT_NULL(strstr(cap.last, "(failed: ATH_ESQL"));
    CU_ASSERT_PTR_NOT_NULL(strstr(cap.last, "no such table: no_such_table"));
    ath_session_close(s);
    ath_engine_dispose(e);
    free(cap.last);
}

typedef struct event_log {
    int kinds[6];
    char last_sql[128];
    size_t last_nparams;
    int64_t last_value;
    int64_t rows;
    int error_code;
    double duration;
} event_log;

static void record(void *ctx, const ath_event *ev)
{
    event_log *l = ctx;
    l->kinds[ev->kind]++;
    if (ev->kind == ATH_EVENT_AFTER_EXECUTE && ev->sql) {
        snprintf(l->last_sql, sizeof l->last_sql, "%s", ev->sql);
        l->last_nparams = ev->nparams;
        l->last_value = ev->params && ev->nparams ? ev->params[0].u.i64 : -1;
        l->rows = ev->rows;
        l->duration = ev->duration;
    }
    if (ev->kind == ATH_EVENT_ERROR)
        l->error_code = ev->code;
}

static void test_events_report_connect_checkout_execute_and_error(void)
{
    event_log l = {0};
    ath_engine_options o;
    ath_engine_options_init(&o);
    o.on_event = record;
    o.event_ctx = &l;
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ASSERT_RC(ath_engine_create_opts(&e, "sqlite:///:memory:", &o), ATH_OK);
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "CREATE TABLE ev (x INTEGER)", NULL, 0, NULL), ATH_OK);
    ath_value v = ath_v_i64(7);
    ASSERT_RC(ath_session_execute(s, "INSERT INTO ev (x) VALUES (?)", &v, 1, NULL), ATH_OK);
    CU_ASSERT_STRING_EQUAL(l.last_sql, "INSERT INTO ev (x) VALUES (?)");
    CU_ASSERT_EQUAL(l.last_nparams, 1);
    CU_ASSERT_EQUAL(l.last_value, 7);
    CU_ASSERT_EQUAL(l.rows, 1);
    CU_ASSERT(l.duration >= 0);
    ASSERT_RC(ath_session_execute(s, "SELECT x FROM no_such_table", NULL, 0, NULL), ATH_ESQL);
    CU_ASSERT_EQUAL(l.error_code, ATH_ESQL);
    CU_ASSERT_EQUAL(l.kinds[ATH_EVENT_ERROR], 1);
    ath_session_close(s);
    CU_ASSERT_EQUAL(l.kinds[ATH_EVENT_CONNECT], 1);
    CU_ASSERT(l.kinds[ATH_EVENT_CHECKOUT] >= 1);
    CU_ASSERT_EQUAL(l.kinds[ATH_EVENT_CHECKOUT], l.kinds[ATH_EVENT_CHECKIN]);
    CU_ASSERT_EQUAL(l.kinds[ATH_EVENT_BEFORE_EXECUTE],
                    l.kinds[ATH_EVENT_AFTER_EXECUTE] + 0); /* a refused prepare has no BEFORE */
    CU_ASSERT(l.kinds[ATH_EVENT_AFTER_EXECUTE] >= 3);      /* BEGIN, CREATE, INSERT */
    ath_engine_dispose(e);
}

static void test_events_hide_parameters(void)
{
    event_log l = {0};
    ath_engine_options o;
    ath_engine_options_init(&o);
    o.on_event = record;
    o.event_ctx = &l;
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ASSERT_RC(ath_engine_create_opts(&e, "sqlite:///:memory:?hide_parameters=true", &o), ATH_OK);
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ath_value v = ath_v_i64(9);
    ASSERT_RC(ath_session_execute(s, "SELECT ?", &v, 1, NULL), ATH_OK);
    CU_ASSERT_EQUAL(l.last_nparams, 1);
    CU_ASSERT_EQUAL(l.last_value, -1); /* params NULL: hidden */
    CU_ASSERT_EQUAL(l.rows, -1);       /* a read: rows not known at execute */
    ath_session_close(s);
    ath_engine_dispose(e);
}

TEST_SUITE(engine)
{
    static const test_case tests[] = {
        {"defaults apply without options", test_defaults_apply_without_options},
        {"echo shows parameter values", test_echo_shows_parameter_values},
        {"events report connect, checkout, execute and error",
         test_events_report_connect_checkout_execute_and_error},
        {"events hide parameters", test_events_hide_parameters},
        {"echo hide_parameters shows only their number",
         test_echo_hide_parameters_shows_only_their_number},
        {"echo never cuts a long statement", test_echo_never_cuts_a_long_statement},
        {"echo logs the error of a failed statement", test_echo_logs_the_error_of_a_failed_statement},
        {"pool options come from the query", test_pool_options_come_from_the_query},
        {"unknown pool option is an error", test_unknown_pool_option_is_an_error},
        {"bad pool values are errors", test_bad_pool_values_are_errors},
        {"driver options are checked at creation", test_driver_options_are_checked_at_creation},
        {"options struct is overridden by the url", test_options_struct_is_overridden_by_the_url},
        {"rendered url hides the password", test_rendered_url_hides_the_password},
        {"echo sends sql with timing to the log", test_echo_sends_sql_with_timing_to_the_log},
        {NULL, NULL},
    };
    test_add_suite("engine", NULL, NULL, tests);
}
