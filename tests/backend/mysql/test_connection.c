/* Connections: URL options, session setup, the packet-size check, a killed connection and the
 * pool recovering from it, statements cached across a table change. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mysql_test.h"

#define TABLE_OPTIONS " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"

static int setup(void)
{
    ath_engine *e = mt_engine(NULL);
    if (!e)
        return 1;
    mt_ddl(e, "DROP TABLE IF EXISTS mt_conn");
    mt_ddl(e, "CREATE TABLE mt_conn (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
              "body LONGBLOB)" TABLE_OPTIONS);
    ath_engine_dispose(e);
    return 0;
}

static int teardown(void)
{
    ath_engine *e = mt_engine(NULL);
    if (e) {
        mt_ddl(e, "DROP TABLE IF EXISTS mt_conn");
        ath_engine_dispose(e);
    }
    return 0;
}

static void test_unknown_url_option_is_rejected_at_engine_create_naming_it(void)
{
    char url[1024];
    ath_engine *e = NULL;
    mt_url_with(url, sizeof url, NULL, NULL, "charset=utf8mb4&frobnicate=1");
    ASSERT_RC(ath_engine_create(&e, url), ATH_EURL);
    ASSERT_ERR_HAS("'frobnicate'");
    CU_ASSERT_PTR_NULL(e);
}

static void test_bad_option_value_is_rejected_at_engine_create(void)
{
    char url[1024];
    ath_engine *e = NULL;
    mt_url_with(url, sizeof url, NULL, NULL, "ssl_mode=sometimes");
    ASSERT_RC(ath_engine_create(&e, url), ATH_EURL);
    ASSERT_ERR_HAS("ssl_mode=sometimes");
    mt_url_with(url, sizeof url, NULL, NULL, "charset=latin1");
    ASSERT_RC(ath_engine_create(&e, url), ATH_EURL);
    ASSERT_ERR_HAS("charset=latin1");
    mt_url_with(url, sizeof url, NULL, NULL, "read_timeout=soon");
    ASSERT_RC(ath_engine_create(&e, url), ATH_EURL);
    ASSERT_ERR_HAS("read_timeout");
}

static void check_scheme(const char *scheme)
{
    char url[1024];
    ath_engine *e = NULL;
    ath_session *s = NULL;
    mt_url_with(url, sizeof url, scheme, NULL, NULL);
    ASSERT_RC(ath_engine_create(&e, url), ATH_OK);
    if (!e)
        return;
    MT_ASSERT_STR(ath_engine_dialect(e), "mysql");
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    CU_ASSERT_EQUAL(mt_scalar_i64(s, "SELECT 1 + 1", NULL, 0), 2);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_mariadb_and_mysqlclient_schemes_use_this_driver(void)
{
    check_scheme("mariadb");
    check_scheme("mysql+mysqlclient");
    check_scheme("mysql");
}

static void test_session_setup_applies_sql_mode_time_zone_and_collation(void)
{
    ath_engine *e = mt_engine(NULL);
    ath_session *s = NULL;
    ath_result *r = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(ath_session_execute(s,
                                  "SELECT @@sql_mode, @@time_zone, @@autocommit, "
                                  "@@collation_connection, @@character_set_client",
                                  NULL, 0, &r),
              ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_result_next(r), 1);
    const char *mode = ath_result_text(r, 0);
    const char *want[] = {"STRICT_ALL_TABLES",
                          "NO_BACKSLASH_ESCAPES",
                          "ANSI_QUOTES",
                          "PIPES_AS_CONCAT",
                          "NO_ZERO_DATE",
                          "NO_ZERO_IN_DATE",
                          "ERROR_FOR_DIVISION_BY_ZERO",
                          "NO_ENGINE_SUBSTITUTION"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        CU_ASSERT_PTR_NOT_NULL(mode ? strstr(mode, want[i]) : NULL);
    MT_ASSERT_STR(ath_result_text(r, 1), "+00:00");
    CU_ASSERT_EQUAL(ath_result_i64(r, 2), 1);
    MT_ASSERT_STR(ath_result_text(r, 3), "utf8mb4_nopad_bin");
    MT_ASSERT_STR(ath_result_text(r, 4), "utf8mb4");
    ath_result_free(r);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static const char *isolation_of(ath_engine *e, char *buf, size_t size)
{
    ath_session *s = NULL;
    ath_result *r = NULL;
    buf[0] = '\0';
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    /* @@tx_isolation on MariaDB < 11.1, @@transaction_isolation elsewhere */
    if (ath_session_execute(s, "SELECT @@tx_isolation", NULL, 0, &r) != ATH_OK) {
        ath_session_rollback(s);
        ASSERT_RC(ath_session_execute(s, "SELECT @@transaction_isolation", NULL, 0, &r), ATH_OK);
    }
    if (r && ath_result_next(r) == 1)
        snprintf(buf, size, "%s", ath_result_text(r, 0));
    ath_result_free(r);
    ath_session_close(s);
    return buf;
}

static void test_isolation_is_read_committed_unless_the_url_says_otherwise(void)
{
    char level[64];
    ath_engine *e = mt_engine(NULL);
    MT_ASSERT_STR(isolation_of(e, level, sizeof level), "READ-COMMITTED");
    ath_engine_dispose(e);
    e = mt_engine("isolation_level=REPEATABLE%20READ");
    MT_ASSERT_STR(isolation_of(e, level, sizeof level), "REPEATABLE-READ");
    ath_engine_dispose(e);
}

static void test_wrong_password_is_econnect_without_the_password(void)
{
    char url[1024];
    ath_engine *e = NULL;
    ath_session *s = NULL;
    mt_url_with(url, sizeof url, NULL, "Wr0ngSecret", NULL);
    ASSERT_RC(ath_engine_create(&e, url), ATH_OK); /* no connection yet */
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "SELECT 1", NULL, 0, NULL), ATH_ECONNECT);
    const ath_error *err = ath_error_last();
    CU_ASSERT_EQUAL(err->native_code, 1045);
    ASSERT_ERR_HAS("Access denied");
    ASSERT_ERR_HAS("127.0.0.1");
    CU_ASSERT_PTR_NULL(strstr(err->message, "Wr0ngSecret"));
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_parameter_over_max_allowed_packet_is_einval_before_sending(void)
{
    ath_engine *e = mt_engine("pool_size=1");
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    int64_t limit = mt_scalar_i64(s, "SELECT @@max_allowed_packet", NULL, 0);
    int64_t id = mt_connection_id(s);
    CU_ASSERT_FATAL(limit > 0 && limit < (int64_t)1 << 31);
    size_t size = (size_t)limit + 1;
    unsigned char *big = calloc(1, size);
    ath_value p[] = {ath_v_blob(big, size)};
    ASSERT_RC(ath_session_execute(s, "INSERT INTO mt_conn (body) VALUES (?)", p, 1, NULL),
              ATH_EINVAL);
    ASSERT_ERR_HAS("max_allowed_packet");
    char limit_text[32];
    snprintf(limit_text, sizeof limit_text, "%lld bytes", (long long)limit);
    ASSERT_ERR_HAS(limit_text);
    /* nothing was sent: the same connection goes on, the transaction is not failed */
    CU_ASSERT_FALSE(ath_session_failed(s));
    CU_ASSERT_EQUAL(mt_connection_id(s), id);
    ath_value small[] = {ath_v_blob(big, 1000)};
    ASSERT_RC(ath_session_execute(s, "INSERT INTO mt_conn (body) VALUES (?)", small, 1, NULL),
              ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.closed_total, 0);
    free(big);
    ath_session_close(s);
    ath_engine_dispose(e);
}

/* Kills connection `id` from a session of another engine. */
static void kill_connection(int64_t id)
{
    ath_engine *killer = mt_engine("pool_size=1");
    ath_session *k = NULL;
    ASSERT_RC(ath_session_open(&k, killer), ATH_OK);
    ath_value p[] = {ath_v_i64(id)};
    ASSERT_RC(ath_session_execute(k, "KILL CONNECTION ?", p, 1, NULL), ATH_OK);
    /* KILL returns before the victim's thread is gone: wait until the server lists it no more */
    for (int i = 0; i < 500; i++) {
        ath_session_rollback(k);
        if (mt_scalar_i64(k, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?", p,
                          1) == 0)
            break;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    ath_session_close(k);
    ath_engine_dispose(killer);
}

static void test_killed_connection_is_econnlost_and_the_pool_recovers(void)
{
    ath_engine *e = mt_engine("pool_size=2");
    ath_session *a = NULL;
    ath_pool_status before, after;
    ASSERT_RC(ath_session_open(&a, e), ATH_OK);
    int64_t id = mt_connection_id(a);
    kill_connection(id);
    ath_engine_pool_status(e, &before);
    ASSERT_RC(ath_session_execute(a, "SELECT 1", NULL, 0, NULL), ATH_ECONNLOST);
    long native = ath_error_last()->native_code;
    CU_ASSERT(native == 2006 || native == 2013 || native == 1927);
    CU_ASSERT_TRUE(ath_session_failed(a));
    ASSERT_RC(ath_session_rollback(a), ATH_OK);
    ath_engine_pool_status(e, &after);
    CU_ASSERT_EQUAL(after.closed_total, before.closed_total + 1);
    CU_ASSERT_EQUAL(after.open, before.open - 1);
    /* the same session, and the engine, go on with a new connection */
    int64_t fresh = mt_connection_id(a);
    CU_ASSERT(fresh > 0 && fresh != id);
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    ath_session_close(a);
    ath_engine_dispose(e);
}

static void test_pre_ping_replaces_a_killed_idle_connection(void)
{
    ath_engine *e = mt_engine("pool_size=1&pool_pre_ping=true");
    ath_session *s = NULL;
    ath_pool_status before, after;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    int64_t id = mt_connection_id(s);
    ASSERT_RC(ath_session_commit(s), ATH_OK); /* the connection goes back to the pool, idle */
    kill_connection(id);
    ath_engine_pool_status(e, &before);
    int64_t fresh =
        mt_connection_id(s); /* no error: the ping found it dead, the pool replaced it */
    CU_ASSERT(fresh > 0 && fresh != id);
    ath_engine_pool_status(e, &after);
    CU_ASSERT_EQUAL(after.closed_total, before.closed_total + 1);
    CU_ASSERT_EQUAL(after.opened_total, before.opened_total + 1);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_unix_socket_option_connects_through_the_socket(void)
{
    ath_engine *e = mt_engine(NULL);
    ath_session *s = NULL;
    ath_result *r = NULL;
    char socket[512] = "";
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "SELECT @@socket", NULL, 0, &r), ATH_OK);
    if (ath_result_next(r) == 1 && ath_result_text(r, 0))
        snprintf(socket, sizeof socket, "%s", ath_result_text(r, 0));
    ath_result_free(r);
    ath_session_close(s);
    ath_engine_dispose(e);
    if (!*socket)
        return;

    ath_url *u = NULL;
    ASSERT_RC(ath_url_parse(&u, mt_url), ATH_OK);
    char enc[256] = "", *w = enc;
    const char *pw = ath_url_password(u) ? ath_url_password(u) : "";
    for (const char *p = pw; *p && w < enc + sizeof enc - 4; p++)
        w += isalnum((unsigned char)*p) ? sprintf(w, "%c", *p)
                                        : sprintf(w, "%%%02X", (unsigned char)*p);
    char url[1024];
    snprintf(url, sizeof url, "mysql://%s:%s@localhost/%s?unix_socket=%s", ath_url_username(u), enc,
             ath_url_database(u), socket);
    ath_url_free(u);
    ASSERT_RC(ath_engine_create(&e, url), ATH_OK);
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "SELECT USER()", NULL, 0, &r), ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_result_next(r), 1);
    const char *user = ath_result_text(r, 0);
    CU_ASSERT_PTR_NOT_NULL(user ? strstr(user, "@localhost") : NULL);
    ath_result_free(r);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_cached_statement_survives_a_table_change(void)
{
    ath_engine *e = mt_engine("pool_size=1");
    ath_session *s = NULL;
    ath_result *r = NULL;
    mt_ddl(e, "CREATE TABLE IF NOT EXISTS mt_conn_shape (a INT)" TABLE_OPTIONS);
    mt_ddl(e, "INSERT INTO mt_conn_shape (a) VALUES (1)");
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    CU_ASSERT_EQUAL(mt_scalar_i64(s, "SELECT * FROM mt_conn_shape", NULL, 0), 1);
    ath_session_commit(s);
    mt_ddl(e, "ALTER TABLE mt_conn_shape ADD COLUMN b VARCHAR(10) NOT NULL DEFAULT 'bee'");
    /* the same text, on the same connection: the cached statement now yields two columns */
    ASSERT_RC(ath_session_execute(s, "SELECT * FROM mt_conn_shape", NULL, 0, &r), ATH_OK);
    CU_ASSERT_EQUAL(ath_result_column_count(r), 2);
    CU_ASSERT_EQUAL_FATAL(ath_result_next(r), 1);
    CU_ASSERT_EQUAL(ath_result_i64(r, 0), 1);
    MT_ASSERT_STR(ath_result_text(r, 1), "bee");
    MT_ASSERT_STR(ath_result_column_name(r, 1), "b");
    ath_result_free(r);
    ath_session_close(s);
    mt_ddl(e, "DROP TABLE mt_conn_shape");
    ath_engine_dispose(e);
}

static void test_read_timeout_ends_a_stuck_query_as_econnlost(void)
{
    ath_engine *e = mt_engine("read_timeout=1");
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    time_t start = time(NULL);
    ASSERT_RC(ath_session_execute(s, "SELECT SLEEP(10)", NULL, 0, NULL), ATH_ECONNLOST);
    CU_ASSERT(time(NULL) - start < 8);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ath_session_close(s);
    ath_engine_dispose(e);
}

/* A silent peer: a socket listening on loopback that never accepts nor answers (the kernel
 * completes the TCP handshake, so only a timeout on the server's greeting ends the wait).
 * Returns the descriptor and its port in *port, or -1. */
static int silent_peer(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Connects to a silent peer with `query`; returns the code and the seconds it took. */
static int connect_silent(const char *query, double *took)
{
    int port = 0, fd = silent_peer(&port);
    CU_ASSERT_TRUE_FATAL(fd >= 0);
    char url[256];
    snprintf(url, sizeof url, "mysql://athanor:secret@127.0.0.1:%d/nowhere%s%s", port,
             query ? "?" : "", query ? query : "");
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ASSERT_RC(ath_engine_create(&e, url), ATH_OK);
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    double t0 = seconds_now();
    int rc = ath_session_execute(s, "SELECT 1", NULL, 0, NULL);
    *took = seconds_now() - t0;
    ath_session_close(s);
    ath_engine_dispose(e);
    close(fd);
    return rc;
}

static void test_connect_timeout_ends_a_connect_to_a_silent_peer(void)
{
    double took = 0;
    ASSERT_RC(connect_silent("connect_timeout=1", &took), ATH_ECONNECT);
    ASSERT_ERR_HAS("cannot connect to MySQL at 127.0.0.1:");
    ASSERT_ERR_HAS("handshake");
    CU_ASSERT_FALSE(strstr(ath_error_last()->message, "secret") != NULL);
    CU_ASSERT_TRUE(took >= 0.9 && took < 4.0);
}

static void test_connect_timeout_is_10_seconds_unless_the_url_says_otherwise(void)
{
    double took = 0; /* once: forever */
    ASSERT_RC(connect_silent(NULL, &took), ATH_ECONNECT);
    ASSERT_ERR_HAS("handshake");
    CU_ASSERT_TRUE(took >= 9.5 && took < 14.0);
}

static void test_write_timeout_is_accepted_and_bounded_queries_still_run(void)
{
    ath_engine *e = mt_engine("write_timeout=5&read_timeout=5&connect_timeout=3");
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    CU_ASSERT_EQUAL(mt_scalar_i64(s, "SELECT 6 * 7", NULL, 0), 42);
    ath_session_close(s);
    ath_engine_dispose(e);
    char url[1024];
    mt_url_with(url, sizeof url, NULL, NULL, "write_timeout=0");
    ASSERT_RC(ath_engine_create(&e, url), ATH_EURL);
    ASSERT_ERR_HAS("write_timeout=0");
    ASSERT_ERR_HAS("whole seconds, 1 or more");
}

/* The test server runs without TLS: what each ssl_mode does against it. */
static bool server_has_tls(void)
{
    ath_engine *e = mt_engine(NULL);
    ath_session *s = NULL;
    ath_result *r = NULL;
    bool yes = false;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    if (ath_session_execute(s, "SELECT @@have_ssl", NULL, 0, &r) == ATH_OK &&
        ath_result_next(r) == 1) {
        const char *v = ath_result_text(r, 0);
        yes = v && strcmp(v, "YES") == 0;
    }
    ath_result_free(r);
    ath_session_close(s);
    ath_engine_dispose(e);
    return yes;
}

static int connect_with(const char *query)
{
    ath_engine *e = mt_engine(query);
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    int rc = ath_session_execute(s, "SELECT 1", NULL, 0, NULL);
    ath_session_close(s);
    ath_engine_dispose(e);
    return rc;
}

static void test_ssl_required_without_server_tls_is_econnect(void)
{
    if (server_has_tls())
        return;
    ASSERT_RC(connect_with("ssl_mode=REQUIRED"), ATH_ECONNECT);
}

static void test_ssl_disabled_and_preferred_connect_without_server_tls(void)
{
    if (server_has_tls())
        return;
    ASSERT_RC(connect_with("ssl_mode=DISABLED"), ATH_OK);
    ASSERT_RC(connect_with("ssl_mode=PREFERRED"), ATH_OK);
}

TEST_SUITE(mysql_connection)
{
    static const test_case tests[] = {
        {"unknown URL option is rejected at engine create, naming it",
         test_unknown_url_option_is_rejected_at_engine_create_naming_it},
        {"bad option value is rejected at engine create",
         test_bad_option_value_is_rejected_at_engine_create},
        {"mariadb and mysql+mysqlclient schemes use this driver",
         test_mariadb_and_mysqlclient_schemes_use_this_driver},
        {"session setup applies sql_mode, time zone and collation",
         test_session_setup_applies_sql_mode_time_zone_and_collation},
        {"isolation is READ COMMITTED unless the URL says otherwise",
         test_isolation_is_read_committed_unless_the_url_says_otherwise},
        {"wrong password is ECONNECT without the password",
         test_wrong_password_is_econnect_without_the_password},
        {"parameter over max_allowed_packet is EINVAL before sending",
         test_parameter_over_max_allowed_packet_is_einval_before_sending},
        {"killed connection is ECONNLOST and the pool recovers",
         test_killed_connection_is_econnlost_and_the_pool_recovers},
        {"pre-ping replaces a killed idle connection",
         test_pre_ping_replaces_a_killed_idle_connection},
        {"unix_socket option connects through the socket",
         test_unix_socket_option_connects_through_the_socket},
        {"cached statement survives a table change", test_cached_statement_survives_a_table_change},
        {"read_timeout ends a stuck query as ECONNLOST",
         test_read_timeout_ends_a_stuck_query_as_econnlost},
        {"connect_timeout ends a connect to a silent peer",
         test_connect_timeout_ends_a_connect_to_a_silent_peer},
        {"connect_timeout is 10 seconds unless the URL says otherwise",
         test_connect_timeout_is_10_seconds_unless_the_url_says_otherwise},
        {"write_timeout is accepted and bounded queries still run",
         test_write_timeout_is_accepted_and_bounded_queries_still_run},
        {"ssl_mode=REQUIRED without server TLS is ECONNECT",
         test_ssl_required_without_server_tls_is_econnect},
        {"ssl_mode DISABLED and PREFERRED connect without server TLS",
         test_ssl_disabled_and_preferred_connect_without_server_tls},
        {NULL, NULL}};
    test_add_suite("mysql_connection", setup, teardown, tests);
}
