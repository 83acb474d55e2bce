/* Connection URLs: libpq options pass through, unknown ones fail at engine creation, several
 * hosts fail over, libpq's environment fills what the URL leaves out, passwords stay hidden. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_test.h"
#include "runner.h"

/* Opens a session on `url` and reads `sql`'s first value as text; returns the rc of the work. */
static int read_text(const char *url, const char *sql, char *buf, size_t size)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    int rc = ath_engine_create(&e, url);
    if (rc == ATH_OK && (rc = ath_session_open(&s, e)) == ATH_OK)
        rc = pg_text(s, sql, NULL, 0, buf, size);
    ath_session_close(s);
    ath_engine_dispose(e);
    return rc;
}

static void test_unknown_option_fails_at_engine_creation_naming_it(void)
{
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, pg_url_with("sslmode=disable&frobnicate=yes")), ATH_EURL);
    ASSERT_ERR_HAS("'frobnicate'");
    CU_ASSERT_PTR_NULL(e);
}

static void test_libpq_options_reach_the_server(void)
{
    char name[64];
    ASSERT_RC(read_text(pg_url_with("application_name=athanor_pg_test&sslmode=disable"
                                    "&connect_timeout=5&options=-c%20work_mem%3D8MB"),
                        "SELECT current_setting('application_name') || ' ' ||"
                        " current_setting('work_mem')",
                        name, sizeof name),
              ATH_OK);
    CU_ASSERT_STRING_EQUAL(name, "athanor_pg_test 8MB");
}

static void test_default_application_name_is_athanor(void)
{
    char name[64];
    ASSERT_RC(read_text(pg_url, "SELECT current_setting('application_name')", name, sizeof name),
              ATH_OK);
    CU_ASSERT_STRING_EQUAL(name, "athanor");
}

static void test_keepalive_options_can_be_changed(void)
{
    char one[8];
    ASSERT_RC(read_text(pg_url_with("keepalives_idle=30&keepalives_interval=5&keepalives_count=2"
                                    "&tcp_user_timeout=0"),
                        "SELECT 1", one, sizeof one),
              ATH_OK);
    CU_ASSERT_STRING_EQUAL(one, "1");
}

static void test_bad_libpq_value_fails_to_connect_with_libpqs_reason(void)
{
    char one[8];
    ASSERT_RC(read_text(pg_url_with("keepalives_idle=soon"), "SELECT 1", one, sizeof one),
              ATH_ECONNECT);
    ASSERT_ERR_HAS("keepalives_idle");
}

static void test_repeated_option_is_rejected(void)
{
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, pg_url_with("sslmode=disable&sslmode=require")), ATH_EURL);
    ASSERT_ERR_HAS("'sslmode' is given twice");
}

static void test_option_repeating_the_url_user_is_rejected(void)
{
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, pg_url_with("user=someone_else")), ATH_EURL);
    ASSERT_ERR_HAS("'user'");
}

static void test_password_in_the_query_is_rejected_unshown(void)
{
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, "postgresql://u@h/db?password=Sekr1tValue"), ATH_EURL);
    ASSERT_ERR_HAS("'password'");
    CU_ASSERT_PTR_NULL(strstr(ath_error_last()->message, "Sekr1tValue"));
}

static void test_non_utf8_client_encoding_is_rejected(void)
{
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, pg_url_with("client_encoding=LATIN1")), ATH_EURL);
    ASSERT_ERR_HAS("UTF8");
    ASSERT_RC(ath_engine_create(&e, pg_url_with("client_encoding=utf8")), ATH_OK);
    ath_engine_dispose(e);
}

static void test_every_scheme_reaches_the_driver(void)
{
    pg_url_parts u;
    ASSERT_RC(pg_parts(&u), ATH_OK);
    static const char *const schemes[] = {"postgresql", "postgres", "postgresql+libpq"};
    for (size_t i = 0; i < 3; i++) {
        char url[1024], out[32];
        snprintf(url, sizeof url, "%s://%s:%s@%s:%d/%s", schemes[i], u.user, u.password, u.host,
                 u.port, u.database);
        ASSERT_RC(read_text(url, "SELECT 'ok'", out, sizeof out), ATH_OK);
        CU_ASSERT_STRING_EQUAL(out, "ok");
    }
}

static void test_dead_first_host_fails_over_to_the_live_second(void)
{
    pg_url_parts u;
    ASSERT_RC(pg_parts(&u), ATH_OK);
    char url[1024], port[16];
    snprintf(url, sizeof url, "postgresql://%s:%s@/%s?host=127.0.0.2:1&host=%s:%d", u.user,
             u.password, u.database, u.host, u.port);
    ASSERT_RC(read_text(url, "SELECT inet_server_port()::text", port, sizeof port), ATH_OK);
    CU_ASSERT_EQUAL(atoi(port), u.port);
}

static void test_url_host_comes_first_then_query_hosts(void)
{
    pg_url_parts u;
    ASSERT_RC(pg_parts(&u), ATH_OK);
    char url[1024], port[16];
    snprintf(url, sizeof url, "postgresql://%s:%s@127.0.0.2:1/%s?host=%s:%d", u.user, u.password,
             u.database, u.host, u.port);
    ASSERT_RC(read_text(url, "SELECT inet_server_port()::text", port, sizeof port), ATH_OK);
    CU_ASSERT_EQUAL(atoi(port), u.port);
}

static void test_all_hosts_dead_is_connect_error_naming_them(void)
{
    pg_url_parts u;
    ASSERT_RC(pg_parts(&u), ATH_OK);
    char url[1024], out[8];
    snprintf(url, sizeof url, "postgresql://%s:%s@/%s?host=127.0.0.2:1&host=[::1]:2", u.user,
             u.password, u.database);
    ASSERT_RC(read_text(url, "SELECT 1", out, sizeof out), ATH_ECONNECT);
    ASSERT_ERR_HAS("127.0.0.2,::1");
    CU_ASSERT_PTR_NULL(strstr(ath_error_last()->message, u.password));
}

static void test_host_ports_and_port_options_do_not_mix(void)
{
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, "postgresql://u:p@/db?host=a:5432&port=5433"), ATH_EURL);
    ASSERT_ERR_HAS("not both");
    ASSERT_RC(ath_engine_create(&e, "postgresql://u:p@/db?host=a:99999"), ATH_EURL);
    ASSERT_ERR_HAS("65535");
}

static void test_host_and_port_options_as_libpq_lists(void)
{
    pg_url_parts u;
    ASSERT_RC(pg_parts(&u), ATH_OK);
    char url[1024], port[16];
    snprintf(url, sizeof url, "postgresql://%s:%s@/%s?host=127.0.0.2&host=%s&port=1&port=%d",
             u.user, u.password, u.database, u.host, u.port);
    ASSERT_RC(read_text(url, "SELECT inet_server_port()::text", port, sizeof port), ATH_OK);
    CU_ASSERT_EQUAL(atoi(port), u.port);
}

static void test_libpq_environment_fills_what_the_url_leaves_out(void)
{
    pg_url_parts u;
    ASSERT_RC(pg_parts(&u), ATH_OK);
    char port[16], url[512], who[128];
    snprintf(port, sizeof port, "%d", u.port);
    setenv("PGHOST", u.host, 1);
    setenv("PGPORT", port, 1);
    setenv("PGPASSWORD", u.password, 1);
    snprintf(url, sizeof url, "postgresql://%s@/%s", u.user, u.database);
    ASSERT_RC(read_text(url, "SELECT current_user || '@' || inet_server_port()", who, sizeof who),
              ATH_OK);
    unsetenv("PGHOST");
    unsetenv("PGPORT");
    unsetenv("PGPASSWORD");
    char expected[160];
    snprintf(expected, sizeof expected, "%s@%d", u.user, u.port);
    CU_ASSERT_STRING_EQUAL(who, expected);
}

static void test_wrong_password_is_connect_error_without_the_password(void)
{
    pg_url_parts u;
    ASSERT_RC(pg_parts(&u), ATH_OK);
    char url[1024], out[8];
    snprintf(url, sizeof url, "postgresql://%s:WrongSecret123@%s:%d/%s", u.user, u.host, u.port,
             u.database);
    ASSERT_RC(read_text(url, "SELECT 1", out, sizeof out), ATH_ECONNECT);
    ASSERT_ERR_HAS("password authentication failed");
    CU_ASSERT_PTR_NULL(strstr(ath_error_last()->message, "WrongSecret123"));
}

static void test_database_name_is_never_parsed_as_a_connection_string(void)
{
    pg_url_parts u;
    ASSERT_RC(pg_parts(&u), ATH_OK);
    char url[1024], out[8];
    /* with expand_dbname, libpq would read "host=nowhere port=1" as parameters */
    snprintf(url, sizeof url, "postgresql://%s:%s@%s:%d/host%%3Dnowhere%%20port%%3D1", u.user,
             u.password, u.host, u.port);
    ASSERT_RC(read_text(url, "SELECT 1", out, sizeof out), ATH_ECONNECT);
    ASSERT_ERR_HAS("database \"host=nowhere port=1\" does not exist");
}

TEST_SUITE(connect)
{
    static const test_case tests[] = {
        {"an unknown option fails at engine creation, naming it",
         test_unknown_option_fails_at_engine_creation_naming_it},
        {"libpq options reach the server", test_libpq_options_reach_the_server},
        {"the default application_name is athanor", test_default_application_name_is_athanor},
        {"keepalive options can be changed", test_keepalive_options_can_be_changed},
        {"a bad libpq value fails to connect with libpq's reason",
         test_bad_libpq_value_fails_to_connect_with_libpqs_reason},
        {"a repeated option is rejected", test_repeated_option_is_rejected},
        {"an option repeating the URL's user is rejected",
         test_option_repeating_the_url_user_is_rejected},
        {"a password in the query is rejected, unshown",
         test_password_in_the_query_is_rejected_unshown},
        {"a client_encoding other than UTF8 is rejected",
         test_non_utf8_client_encoding_is_rejected},
        {"every scheme reaches the driver", test_every_scheme_reaches_the_driver},
        {"a dead first host fails over to the live second",
         test_dead_first_host_fails_over_to_the_live_second},
        {"the URL's host comes first, then the query's hosts",
         test_url_host_comes_first_then_query_hosts},
        {"all hosts dead is ATH_ECONNECT naming them",
         test_all_hosts_dead_is_connect_error_naming_them},
        {"host:port and port= do not mix", test_host_ports_and_port_options_do_not_mix},
        {"host= and port= options as libpq lists", test_host_and_port_options_as_libpq_lists},
        {"libpq's environment fills what the URL leaves out",
         test_libpq_environment_fills_what_the_url_leaves_out},
        {"a wrong password is ATH_ECONNECT without the password",
         test_wrong_password_is_connect_error_without_the_password},
        {"the database name is never parsed as a connection string",
         test_database_name_is_never_parsed_as_a_connection_string},
        {NULL, NULL},
    };
    test_add_suite("connect", NULL, NULL, tests);
}
