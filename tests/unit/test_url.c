/*
 * Unit tests for core/url.c: parsing, errors and rendering of connection URLs.
 *
 * 177 test cases, one function each (test_url_round_trips additionally walks a table of 44 URLs;
 * those rows are not counted in the 177).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <athanor/error.h>
#include <athanor/url.h>

#include "runner.h"

/* UTF-8 spelled out byte by byte, so an editor's encoding cannot change what is tested. */
#define E_ACUTE   "\xc3\xa9"                 /* é */
#define O_UMLAUT  "\xc3\xb6"                 /* ö */
#define U_UMLAUT  "\xc3\xbc"                 /* ü */
#define A_UMLAUT  "\xc3\xa4"                 /* ä */
#define SHU       "\xe6\x95\xb0"             /* 数 */
#define SHUJU     "\xe6\x95\xb0\xe6\x8d\xae" /* 数据 */
#define KEY_EMOJI "\xf0\x9f\x94\x91"         /* 🔑 */

/* ---- helpers ------------------------------------------------------------------------------- */

/* What a parsed URL should hold; unset fields mean NULL / 0. */
typedef struct want {
    const char *dialect;
    const char *driver;
    const char *user;
    const char *password;
    const char *host;
    int port;
    const char *database;
} want;

static void check(bool ok, int line, const char *msg)
{
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, msg, __FILE__, "", CU_FALSE);
}

static void check_str(const char *got, const char *expected, const char *what, const char *url,
                      int line)
{
    char msg[4096];
    bool ok = (!got && !expected) || (got && expected && strcmp(got, expected) == 0);
    snprintf(msg, sizeof msg, "%s of \"%s\": got %s%s%s, expected %s%s%s", what, url,
             got ? "\"" : "", got ? got : "NULL", got ? "\"" : "", expected ? "\"" : "",
             expected ? expected : "NULL", expected ? "\"" : "");
    check(ok, line, msg);
}

static void check_int(long got, long expected, const char *what, const char *url, int line)
{
    char msg[4096];
    snprintf(msg, sizeof msg, "%s of \"%s\": got %ld, expected %ld", what, url, got, expected);
    check(got == expected, line, msg);
}

/* Parses `text`, asserting success; the caller frees the result. NULL on failure. */
static ath_url *parse_ok_at(const char *text, int line)
{
    ath_url *url = NULL;
    char msg[4096];
    int rc = ath_url_parse(&url, text);
    snprintf(msg, sizeof msg, "parsing \"%s\" failed: %s", text, ath_error_last()->message);
    check(rc == ATH_OK && url != NULL, line, msg);
    return rc == ATH_OK ? url : NULL;
}
#define PARSE_OK(text) parse_ok_at((text), __LINE__)

static void expect_url_at(const char *text, want w, int line)
{
    ath_url *url = parse_ok_at(text, line);
    if (!url)
        return;
    check_str(ath_url_dialect(url), w.dialect, "dialect", text, line);
    check_str(ath_url_driver(url), w.driver, "driver", text, line);
    check_str(ath_url_username(url), w.user, "user", text, line);
    check_str(ath_url_password(url), w.password, "password", text, line);
    check_str(ath_url_host(url), w.host, "host", text, line);
    check_int(ath_url_port(url), w.port, "port", text, line);
    check_str(ath_url_database(url), w.database, "database", text, line);
    ath_url_free(url);
}
#define EXPECT_URL(text, ...) expect_url_at((text), (want){__VA_ARGS__}, __LINE__)

/*
 * Asserts that `text` fails with ATH_EURL, leaves the out-pointer NULL, and gives a message
 * holding `needle` and, when pos >= 0, "at position <pos>".
 */
static void expect_fail_at(const char *text, const char *needle, long pos, int line)
{
    ath_url *url = (ath_url *)&url; /* a non-NULL sentinel the parser must overwrite */
    char msg[4096], where[64];
    int rc = ath_url_parse(&url, text);
    const char *m = ath_error_last()->message;

    snprintf(msg, sizeof msg, "parsing \"%s\" returned %s, expected ATH_EURL", text,
             ath_code_name(rc));
    check(rc == ATH_EURL, line, msg);
    check(url == NULL, line, "the out-pointer is not NULL after a failed parse");
    if (rc == ATH_OK)
        ath_url_free(url);
    check_int(ath_error_last()->code, ATH_EURL, "ath_error_last()->code", text, line);
    snprintf(msg, sizeof msg, "error for \"%s\" is \"%s\", which lacks \"%s\"", text, m, needle);
    check(strstr(m, needle) != NULL, line, msg);
    if (pos >= 0) {
        snprintf(where, sizeof where, "at position %ld", pos);
        snprintf(msg, sizeof msg, "error for \"%s\" is \"%s\", which lacks \"%s\"", text, m, where);
        check(strstr(m, where) != NULL, line, msg);
    }
}
#define EXPECT_FAIL(text, needle, pos) expect_fail_at((text), (needle), (pos), __LINE__)

/* Asserts the last error message does not hold `secret`. */
static void expect_message_lacks_at(const char *secret, int line)
{
    char msg[4096];
    const char *m = ath_error_last()->message;
    snprintf(msg, sizeof msg, "error message \"%s\" reveals \"%s\"", m, secret);
    check(strstr(m, secret) == NULL, line, msg);
}
#define EXPECT_MESSAGE_LACKS(secret) expect_message_lacks_at((secret), __LINE__)

static void expect_render_at(const char *text, bool hide, const char *expected, int line)
{
    ath_url *url = parse_ok_at(text, line);
    char buf[512];
    if (!url)
        return;
    int n = ath_url_render(url, hide, buf, sizeof buf);
    check_int(n, (long)strlen(expected), "rendered length", text, line);
    check_str(buf, expected, hide ? "rendering (password hidden)" : "rendering", text, line);
    ath_url_free(url);
}
#define EXPECT_RENDER(text, hide, expected) expect_render_at((text), (hide), (expected), __LINE__)

/* parse(render(parse(text))) holds the same fields as parse(text), and rendering is stable. */
static void expect_round_trip_at(const char *text, int line)
{
    ath_url *a = parse_ok_at(text, line), *b = NULL;
    char first[1024], second[1024];
    if (!a)
        return;
    ath_url_render(a, false, first, sizeof first);
    if ((b = parse_ok_at(first, line)) != NULL) {
        check_str(ath_url_dialect(b), ath_url_dialect(a), "round-trip dialect", text, line);
        check_str(ath_url_driver(b), ath_url_driver(a), "round-trip driver", text, line);
        check_str(ath_url_username(b), ath_url_username(a), "round-trip user", text, line);
        check_str(ath_url_password(b), ath_url_password(a), "round-trip password", text, line);
        check_str(ath_url_host(b), ath_url_host(a), "round-trip host", text, line);
        check_int(ath_url_port(b), ath_url_port(a), "round-trip port", text, line);
        check_str(ath_url_database(b), ath_url_database(a), "round-trip database", text, line);
        check_int((long)ath_url_query_count(b), (long)ath_url_query_count(a),
                  "round-trip query count", text, line);
        for (size_t i = 0; i < ath_url_query_count(a) && i < ath_url_query_count(b); i++) {
            const char *ka, *va, *kb, *vb;
            ath_url_query_at(a, i, &ka, &va);
            ath_url_query_at(b, i, &kb, &vb);
            check_str(kb, ka, "round-trip query key", text, line);
            check_str(vb, va, "round-trip query value", text, line);
        }
        ath_url_render(b, false, second, sizeof second);
        check_str(second, first, "second rendering", text, line);
        ath_url_free(b);
    }
    ath_url_free(a);
}
#define EXPECT_ROUND_TRIP(text) expect_round_trip_at((text), __LINE__)

static void expect_query_at(const char *text, size_t i, const char *key, const char *value,
                            int line)
{
    ath_url *url = parse_ok_at(text, line);
    const char *k = NULL, *v = NULL;
    if (!url)
        return;
    int rc = ath_url_query_at(url, i, &k, &v);
    check_int(rc, ATH_OK, "ath_url_query_at rc", text, line);
    check_str(k, key, "query key", text, line);
    check_str(v, value, "query value", text, line);
    ath_url_free(url);
}
#define EXPECT_QUERY(text, i, key, value) expect_query_at((text), (i), (key), (value), __LINE__)

static void expect_query_count_at(const char *text, size_t count, int line)
{
    ath_url *url = parse_ok_at(text, line);
    if (!url)
        return;
    check_int((long)ath_url_query_count(url), (long)count, "query count", text, line);
    ath_url_free(url);
}
#define EXPECT_QUERY_COUNT(text, n) expect_query_count_at((text), (n), __LINE__)

/* ---- SQLite forms -------------------------------------------------------------------------- */

static void test_url_sqlite_bare_is_memory_with_no_database(void)
{
    EXPECT_URL("sqlite://", .dialect = "sqlite");
}

static void test_url_sqlite_memory(void)
{
    EXPECT_URL("sqlite:///:memory:", .dialect = "sqlite", .database = ":memory:");
}

static void test_url_sqlite_relative_path(void)
{
    EXPECT_URL("sqlite:///relative.db", .dialect = "sqlite", .database = "relative.db");
}

static void test_url_sqlite_relative_path_with_folders(void)
{
    EXPECT_URL("sqlite:///data/app.db", .dialect = "sqlite", .database = "data/app.db");
}

static void test_url_sqlite_absolute_path(void)
{
    EXPECT_URL("sqlite:////abs/x.db", .dialect = "sqlite", .database = "/abs/x.db");
}

static void test_url_sqlite_three_slashes_only_is_no_database(void)
{
    EXPECT_URL("sqlite:///", .dialect = "sqlite");
}

static void test_url_sqlite_with_driver(void)
{
    EXPECT_URL("sqlite+pysqlite:///app.db", .dialect = "sqlite", .driver = "pysqlite",
               .database = "app.db");
}

static void test_url_sqlite_query_options(void)
{
    const char *text = "sqlite:///app.db?journal_mode=WAL&busy_timeout=5000";
    EXPECT_URL(text, .dialect = "sqlite", .database = "app.db");
    EXPECT_QUERY(text, 0, "journal_mode", "WAL");
    EXPECT_QUERY(text, 1, "busy_timeout", "5000");
}

static void test_url_sqlite_path_with_raw_space(void)
{
    EXPECT_URL("sqlite:///my db.sqlite", .dialect = "sqlite", .database = "my db.sqlite");
}

static void test_url_sqlite_path_percent_decoded(void)
{
    EXPECT_URL("sqlite:///my%20db%3F.sqlite", .dialect = "sqlite", .database = "my db?.sqlite");
}

static void test_url_sqlite_path_with_raw_at_sign(void)
{
    EXPECT_URL("sqlite:///backup@2024.db", .dialect = "sqlite", .database = "backup@2024.db");
}

static void test_url_sqlite_windows_path(void)
{
    EXPECT_URL("sqlite:///C:/data/x.db", .dialect = "sqlite", .database = "C:/data/x.db");
}

static void test_url_sqlite_unicode_path(void)
{
    EXPECT_URL("sqlite:///donn%C3%A9es.db", .dialect = "sqlite",
               .database = "donn" E_ACUTE "es.db");
}

/* ---- server URLs --------------------------------------------------------------------------- */

static void test_url_postgresql_full(void)
{
    EXPECT_URL("postgresql://scott:tiger@localhost:5432/mydb", .dialect = "postgresql",
               .user = "scott", .password = "tiger", .host = "localhost", .port = 5432,
               .database = "mydb");
}

static void test_url_postgresql_with_driver(void)
{
    EXPECT_URL("postgresql+psycopg2://scott:tiger@db.example.com/app", .dialect = "postgresql",
               .driver = "psycopg2", .user = "scott", .password = "tiger", .host = "db.example.com",
               .database = "app");
}

static void test_url_mysql_with_charset(void)
{
    const char *text = "mysql+pymysql://root:pw@127.0.0.1:3306/shop?charset=utf8mb4";
    EXPECT_URL(text, .dialect = "mysql", .driver = "pymysql", .user = "root", .password = "pw",
               .host = "127.0.0.1", .port = 3306, .database = "shop");
    EXPECT_QUERY(text, 0, "charset", "utf8mb4");
}

static void test_url_mariadb(void)
{
    EXPECT_URL("mariadb+mariadbconnector://app:secret@maria:3307/prod", .dialect = "mariadb",
               .driver = "mariadbconnector", .user = "app", .password = "secret", .host = "maria",
               .port = 3307, .database = "prod");
}

static void test_url_oracle_driver_with_underscore(void)
{
    EXPECT_URL("oracle+cx_oracle://u:p@h:1521/xe", .dialect = "oracle", .driver = "cx_oracle",
               .user = "u", .password = "p", .host = "h", .port = 1521, .database = "xe");
}

static void test_url_host_only(void)
{
    EXPECT_URL("postgresql://localhost", .dialect = "postgresql", .host = "localhost");
}

static void test_url_host_and_port_without_database(void)
{
    EXPECT_URL("postgresql://localhost:5433", .dialect = "postgresql", .host = "localhost",
               .port = 5433);
}

static void test_url_empty_authority(void)
{
    EXPECT_URL("postgresql://", .dialect = "postgresql");
}

static void test_url_database_without_host(void)
{
    EXPECT_URL("postgresql:///mydb", .dialect = "postgresql", .database = "mydb");
}

static void test_url_port_without_host(void)
{
    EXPECT_URL("postgresql://:5432/db", .dialect = "postgresql", .port = 5432, .database = "db");
}

static void test_url_empty_database_is_null(void)
{
    EXPECT_URL("postgresql://h/", .dialect = "postgresql", .host = "h");
}

static void test_url_ipv4_host(void)
{
    EXPECT_URL("mysql://10.0.0.7:3306/db", .dialect = "mysql", .host = "10.0.0.7", .port = 3306,
               .database = "db");
}

static void test_url_host_with_hyphen_and_underscore(void)
{
    EXPECT_URL("postgresql://db-1.internal_net.example/db", .dialect = "postgresql",
               .host = "db-1.internal_net.example", .database = "db");
}

static void test_url_raw_unicode_host(void)
{
    EXPECT_URL("postgresql://b" U_UMLAUT "cher.example/db", .dialect = "postgresql",
               .host = "b" U_UMLAUT "cher.example", .database = "db");
}

static void test_url_dialect_case_is_kept(void)
{
    EXPECT_URL("PostgreSQL://h", .dialect = "PostgreSQL", .host = "h");
}

static void test_url_dialect_with_digits(void)
{
    EXPECT_URL("db2+ibm_db://h/x", .dialect = "db2", .driver = "ibm_db", .host = "h",
               .database = "x");
}

static void test_url_database_percent_decoded_slash(void)
{
    EXPECT_URL("postgresql://h/a%2Fb", .dialect = "postgresql", .host = "h", .database = "a/b");
}

static void test_url_database_encoded_at_sign(void)
{
    EXPECT_URL("postgresql://h/a%40b", .dialect = "postgresql", .host = "h", .database = "a@b");
}

static void test_url_database_with_at_sign_after_userinfo(void)
{
    EXPECT_URL("postgresql://u@h/a@b", .dialect = "postgresql", .user = "u", .host = "h",
               .database = "a@b");
}

static void test_url_database_unicode_percent_encoded(void)
{
    EXPECT_URL("postgresql://h/donn%C3%A9es", .dialect = "postgresql", .host = "h",
               .database = "donn" E_ACUTE "es");
}

static void test_url_database_unicode_raw(void)
{
    EXPECT_URL("postgresql://h/" SHUJU, .dialect = "postgresql", .host = "h", .database = SHUJU);
}

static void test_url_lowercase_hex_escapes(void)
{
    EXPECT_URL("postgresql://j%c3%b6rg@h", .dialect = "postgresql", .user = "j" O_UMLAUT "rg",
               .host = "h");
}

/* ---- user and password --------------------------------------------------------------------- */

static void test_url_password_with_encoded_at_colon_slash(void)
{
    EXPECT_URL("postgresql://u:p%40ss%3Aw%2Fd@h/db", .dialect = "postgresql", .user = "u",
               .password = "p@ss:w/d", .host = "h", .database = "db");
}

static void test_url_password_with_raw_at_sign_splits_at_last_at(void)
{
    EXPECT_URL("postgresql://u:p@ss@h/db", .dialect = "postgresql", .user = "u", .password = "p@ss",
               .host = "h", .database = "db");
}

static void test_url_password_with_several_raw_at_signs(void)
{
    EXPECT_URL("postgresql://u:a@b@c@h:5432/db", .dialect = "postgresql", .user = "u",
               .password = "a@b@c", .host = "h", .port = 5432, .database = "db");
}

static void test_url_user_with_raw_at_sign(void)
{
    EXPECT_URL("postgresql://admin@myserver:pw@myserver.postgres.example.com/db",
               .dialect = "postgresql", .user = "admin@myserver", .password = "pw",
               .host = "myserver.postgres.example.com", .database = "db");
}

static void test_url_password_with_raw_colons(void)
{
    EXPECT_URL("postgresql://u:a:b:c@h/db", .dialect = "postgresql", .user = "u",
               .password = "a:b:c", .host = "h", .database = "db");
}

static void test_url_password_with_raw_hash(void)
{
    EXPECT_URL("postgresql://u:a#b@h/db", .dialect = "postgresql", .user = "u", .password = "a#b",
               .host = "h", .database = "db");
}

static void test_url_password_plus_stays_plus(void)
{
    EXPECT_URL("postgresql://u:a+b%2Bc@h", .dialect = "postgresql", .user = "u",
               .password = "a+b+c", .host = "h");
}

static void test_url_password_encoded_percent(void)
{
    EXPECT_URL("postgresql://u:100%25@h", .dialect = "postgresql", .user = "u", .password = "100%",
               .host = "h");
}

static void test_url_empty_password_is_empty_not_null(void)
{
    EXPECT_URL("mysql://u:@h/db", .dialect = "mysql", .user = "u", .password = "", .host = "h",
               .database = "db");
}

static void test_url_no_password_is_null(void)
{
    EXPECT_URL("mysql://u@h/db", .dialect = "mysql", .user = "u", .host = "h", .database = "db");
}

static void test_url_empty_userinfo_gives_no_user(void)
{
    EXPECT_URL("postgresql://@h/db", .dialect = "postgresql", .host = "h", .database = "db");
}

static void test_url_password_without_user(void)
{
    EXPECT_URL("postgresql://:pw@h/db", .dialect = "postgresql", .password = "pw", .host = "h",
               .database = "db");
}

static void test_url_userinfo_without_host(void)
{
    EXPECT_URL("postgresql://u:p@/db", .dialect = "postgresql", .user = "u", .password = "p",
               .database = "db");
}

static void test_url_unicode_user_percent_encoded(void)
{
    EXPECT_URL("postgresql://j%C3%B6rg:pw@h", .dialect = "postgresql", .user = "j" O_UMLAUT "rg",
               .password = "pw", .host = "h");
}

static void test_url_unicode_user_raw(void)
{
    EXPECT_URL("postgresql://j" O_UMLAUT "rg@h", .dialect = "postgresql", .user = "j" O_UMLAUT "rg",
               .host = "h");
}

static void test_url_unicode_password_percent_encoded(void)
{
    EXPECT_URL("postgresql://u:%F0%9F%94%91@h", .dialect = "postgresql", .user = "u",
               .password = KEY_EMOJI, .host = "h");
}

static void test_url_unicode_password_raw(void)
{
    EXPECT_URL("postgresql://u:p" A_UMLAUT "ss@h", .dialect = "postgresql", .user = "u",
               .password = "p" A_UMLAUT "ss", .host = "h");
}

static void test_url_user_with_encoded_space(void)
{
    EXPECT_URL("postgresql://john%20doe@h", .dialect = "postgresql", .user = "john doe",
               .host = "h");
}

/* ---- IPv6 ---------------------------------------------------------------------------------- */

static void test_url_ipv6_loopback(void)
{
    EXPECT_URL("postgresql://[::1]/db", .dialect = "postgresql", .host = "::1", .database = "db");
}

static void test_url_ipv6_with_port(void)
{
    EXPECT_URL("postgresql://[::1]:5432/db", .dialect = "postgresql", .host = "::1", .port = 5432,
               .database = "db");
}

static void test_url_ipv6_with_userinfo(void)
{
    EXPECT_URL("postgresql://u:p@[2001:db8::1]:6543/db", .dialect = "postgresql", .user = "u",
               .password = "p", .host = "2001:db8::1", .port = 6543, .database = "db");
}

static void test_url_ipv6_without_anything_after(void)
{
    EXPECT_URL("mysql://[fe80::abcd]", .dialect = "mysql", .host = "fe80::abcd");
}

static void test_url_ipv6_uppercase_hex(void)
{
    EXPECT_URL("mysql://[FE80::ABCD]:1/x", .dialect = "mysql", .host = "FE80::ABCD", .port = 1,
               .database = "x");
}

static void test_url_ipv6_mapped_ipv4(void)
{
    EXPECT_URL("postgresql://[::ffff:192.0.2.1]:5432", .dialect = "postgresql",
               .host = "::ffff:192.0.2.1", .port = 5432);
}

static void test_url_ipv6_zone_decoded(void)
{
    EXPECT_URL("postgresql://[fe80::1%25eth0]/db", .dialect = "postgresql", .host = "fe80::1%eth0",
               .database = "db");
}

static void test_url_ipv6_zone_with_port(void)
{
    EXPECT_URL("postgresql://[fe80::1%25eth0]:5432", .dialect = "postgresql",
               .host = "fe80::1%eth0", .port = 5432);
}

static void test_url_ipv6_with_query_directly_after(void)
{
    const char *text = "postgresql://[::1]?sslmode=disable";
    EXPECT_URL(text, .dialect = "postgresql", .host = "::1");
    EXPECT_QUERY(text, 0, "sslmode", "disable");
}

static void test_url_ipv6_unbracketed_rejected(void)
{
    EXPECT_FAIL("postgresql://::1/db", "IPv6 host must be in brackets", 13);
}

static void test_url_ipv6_unbracketed_with_port_rejected(void)
{
    EXPECT_FAIL("postgresql://fe80::1:5432/db", "IPv6 host must be in brackets", 17);
}

static void test_url_ipv6_trailing_text_rejected(void)
{
    EXPECT_FAIL("postgresql://[::1]x/db", "unexpected text after ']'", 18);
}

static void test_url_ipv6_unterminated_rejected(void)
{
    EXPECT_FAIL("postgresql://[::1/db", "unterminated '['", 13);
}

static void test_url_ipv6_empty_brackets_rejected(void)
{
    EXPECT_FAIL("postgresql://[]/db", "empty IPv6 address", 13);
}

static void test_url_ipv6_invalid_character_rejected(void)
{
    EXPECT_FAIL("postgresql://[::g]/db", "invalid character in the IPv6 address", 16);
}

static void test_url_ipv6_brackets_around_ipv4_rejected(void)
{
    EXPECT_FAIL("postgresql://[1.2.3.4]/db", "not an IPv6 address", 13);
}

static void test_url_ipv6_zone_without_25_rejected(void)
{
    EXPECT_FAIL("postgresql://[fe80::1%eth0]/db", "%25", 21);
}

static void test_url_ipv6_empty_zone_rejected(void)
{
    EXPECT_FAIL("postgresql://[fe80::1%25]/db", "empty IPv6 zone", 21);
}

static void test_url_ipv6_empty_port_rejected(void)
{
    EXPECT_FAIL("postgresql://[::1]:/db", "empty port", 18);
}

static void test_url_ipv6_bad_port_rejected(void)
{
    EXPECT_FAIL("postgresql://[::1]:54x/db", "port", 21);
}

/* ---- ports --------------------------------------------------------------------------------- */

static void test_url_port_lowest(void)
{
    EXPECT_URL("postgresql://h:1", .dialect = "postgresql", .host = "h", .port = 1);
}

static void test_url_port_highest(void)
{
    EXPECT_URL("postgresql://h:65535", .dialect = "postgresql", .host = "h", .port = 65535);
}

static void test_url_port_leading_zero(void)
{
    EXPECT_URL("postgresql://h:05432/db", .dialect = "postgresql", .host = "h", .port = 5432,
               .database = "db");
}

static void test_url_port_with_plus_sign_rejected(void)
{
    EXPECT_FAIL("postgresql://h:+5432/db", "only the digits", 15);
}

static void test_url_port_with_leading_space_rejected(void)
{
    EXPECT_FAIL("postgresql://h: 5432/db", "only the digits", 15);
}

static void test_url_port_with_underscore_rejected(void)
{
    EXPECT_FAIL("postgresql://h:5_432/db", "only the digits", 16);
}

static void test_url_port_zero_rejected(void)
{
    EXPECT_FAIL("postgresql://h:0/db", "out of range", 15);
}

static void test_url_port_too_large_rejected(void)
{
    EXPECT_FAIL("postgresql://h:65536/db", "out of range", 15);
}

static void test_url_port_overflowing_rejected(void)
{
    EXPECT_FAIL("postgresql://h:99999999999/db", "out of range", 15);
}

static void test_url_port_with_letter_rejected(void)
{
    EXPECT_FAIL("postgresql://h:54a/db", "only the digits", 17);
}

static void test_url_port_negative_rejected(void)
{
    EXPECT_FAIL("postgresql://h:-1/db", "only the digits", 15);
}

static void test_url_port_empty_before_database_rejected(void)
{
    EXPECT_FAIL("postgresql://host:/db", "empty port after ':'", 17);
}

static void test_url_port_empty_at_end_rejected(void)
{
    EXPECT_FAIL("postgresql://host:", "empty port after ':'", 17);
}

static void test_url_port_with_trailing_space_rejected(void)
{
    EXPECT_FAIL("postgresql://h:5432 /db", "only the digits", 19);
}

/* ---- dialect and driver -------------------------------------------------------------------- */

static void test_url_empty_dialect_rejected(void)
{
    EXPECT_FAIL("://h", "empty dialect", 0);
}

static void test_url_empty_dialect_with_driver_rejected(void)
{
    EXPECT_FAIL("+drv://h", "empty dialect", 0);
}

static void test_url_empty_driver_rejected(void)
{
    EXPECT_FAIL("postgresql+://h", "empty driver", 10);
}

static void test_url_missing_scheme_separator_rejected(void)
{
    EXPECT_FAIL("postgresql", "missing '://'", 10);
}

static void test_url_single_slash_rejected(void)
{
    EXPECT_FAIL("postgresql:/h/db", "missing '://'", 10);
}

static void test_url_colon_without_slashes_rejected(void)
{
    EXPECT_FAIL("postgresql:h", "missing '://'", 10);
}

static void test_url_plain_path_rejected(void)
{
    EXPECT_FAIL("localhost/db", "missing '://'", 9);
}

static void test_url_empty_string_rejected(void)
{
    EXPECT_FAIL("", "empty URL", -1);
}

static void test_url_dialect_starting_with_digit_rejected(void)
{
    EXPECT_FAIL("9db://h", "must start with a letter", 0);
}

static void test_url_dialect_with_hyphen_rejected(void)
{
    EXPECT_FAIL("post-gres://h", "invalid character in the dialect", 4);
}

static void test_url_driver_with_hyphen_rejected(void)
{
    EXPECT_FAIL("mysql+my-sql://h", "invalid character in the driver", 8);
}

static void test_url_two_drivers_rejected(void)
{
    EXPECT_FAIL("a+b+c://h", "second '+'", 3);
}

static void test_url_leading_space_rejected(void)
{
    EXPECT_FAIL(" postgresql://h", "invalid character in the dialect", 0);
}

/* ---- hosts --------------------------------------------------------------------------------- */

static void test_url_host_with_space_rejected(void)
{
    EXPECT_FAIL("postgresql://my host/db", "invalid character in the host", 15);
}

static void test_url_host_with_open_bracket_rejected(void)
{
    EXPECT_FAIL("postgresql://h[x]/db", "invalid character in the host", 14);
}

static void test_url_host_with_close_bracket_rejected(void)
{
    EXPECT_FAIL("postgresql://h]/db", "invalid character in the host", 14);
}

static void test_url_host_with_exclamation_rejected(void)
{
    EXPECT_FAIL("postgresql://h!/db", "invalid character in the host", 14);
}

static void test_url_host_is_not_percent_decoded(void)
{
    EXPECT_FAIL("postgresql://h%41/db", "invalid character in the host", 14);
}

/* ---- query --------------------------------------------------------------------------------- */

static void test_url_query_repeated_keys_kept_in_order(void)
{
    const char *text = "postgresql://h/db?opt=a&opt=b&x=1";
    EXPECT_QUERY_COUNT(text, 3);
    EXPECT_QUERY(text, 0, "opt", "a");
    EXPECT_QUERY(text, 1, "opt", "b");
    EXPECT_QUERY(text, 2, "x", "1");
}

static void test_url_query_get_returns_first_of_repeats(void)
{
    ath_url *url = PARSE_OK("postgresql://h/db?opt=a&opt=b");
    if (!url)
        return;
    CU_ASSERT_STRING_EQUAL(ath_url_query_get(url, "opt"), "a");
    ath_url_free(url);
}

static void test_url_query_get_missing_key_is_null(void)
{
    ath_url *url = PARSE_OK("postgresql://h/db?a=1");
    if (!url)
        return;
    CU_ASSERT_PTR_NULL(ath_url_query_get(url, "b"));
    CU_ASSERT_PTR_NULL(ath_url_query_get(url, NULL));
    ath_url_free(url);
}

static void test_url_query_key_without_equals_has_empty_value(void)
{
    EXPECT_QUERY("postgresql://h/db?flag", 0, "flag", "");
}

static void test_url_query_empty_value(void)
{
    EXPECT_QUERY("postgresql://h/db?k=&j=2", 0, "k", "");
}

static void test_url_query_empty_segments_skipped(void)
{
    const char *text = "postgresql://h/db?a=1&&b=2";
    EXPECT_QUERY_COUNT(text, 2);
    EXPECT_QUERY(text, 1, "b", "2");
}

static void test_url_query_leading_and_trailing_ampersands_skipped(void)
{
    const char *text = "postgresql://h/db?&a=1&";
    EXPECT_QUERY_COUNT(text, 1);
    EXPECT_QUERY(text, 0, "a", "1");
}

static void test_url_query_empty_after_question_mark(void)
{
    EXPECT_QUERY_COUNT("postgresql://h/db?", 0);
}

static void test_url_query_empty_key_rejected(void)
{
    EXPECT_FAIL("postgresql://h/db?=v", "empty query key", 18);
}

static void test_url_query_empty_key_after_ampersand_rejected(void)
{
    EXPECT_FAIL("postgresql://h/db?a=1&=v", "empty query key", 22);
}

static void test_url_query_percent_escapes_decoded(void)
{
    EXPECT_QUERY("postgresql://h/db?my%20key=v%26w%3D", 0, "my key", "v&w=");
}

/* As SQLAlchemy (parse_qsl): '+' in the query is a space, %2B a plus; elsewhere '+' stays. */
static void test_url_query_plus_is_space(void)
{
    const char *text = "postgresql://u:a+b@h/db+x?application_name=my+app&tz=%2B02:00&a+k=v";
    EXPECT_QUERY(text, 0, "application_name", "my app");
    EXPECT_QUERY(text, 1, "tz", "+02:00");
    EXPECT_QUERY(text, 2, "a k", "v");
    EXPECT_URL(text, .dialect = "postgresql", .user = "u", .password = "a+b", .host = "h",
               .database = "db+x");
}

static void test_url_query_value_may_hold_equals(void)
{
    EXPECT_QUERY("postgresql://h/db?options=-c%20search_path=app", 0, "options",
                 "-c search_path=app");
}

static void test_url_query_without_database(void)
{
    const char *text = "postgresql://h?sslmode=require";
    EXPECT_URL(text, .dialect = "postgresql", .host = "h");
    EXPECT_QUERY(text, 0, "sslmode", "require");
}

static void test_url_query_value_may_hold_at_sign(void)
{
    EXPECT_QUERY("postgresql://h/db?application_name=me@example", 0, "application_name",
                 "me@example");
}

static void test_url_query_malformed_escape_rejected(void)
{
    EXPECT_FAIL("postgresql://h/db?a=%G1", "malformed percent-escape in the query value", 20);
}

static void test_url_query_nul_escape_rejected(void)
{
    EXPECT_FAIL("postgresql://h/db?a%00=1", "NUL", 19);
}

static void test_url_query_count_on_url_without_query(void)
{
    EXPECT_QUERY_COUNT("postgresql://h/db", 0);
}

static void test_url_query_at_out_of_range(void)
{
    ath_url *url = PARSE_OK("postgresql://h/db?a=1");
    const char *k = "x", *v = "y";
    if (!url)
        return;
    ASSERT_RC(ath_url_query_at(url, 1, &k, &v), ATH_EINVAL);
    CU_ASSERT_PTR_NULL(k);
    CU_ASSERT_PTR_NULL(v);
    ASSERT_ERR_HAS("out of range");
    ASSERT_RC(ath_url_query_at(url, (size_t)-1, &k, &v), ATH_EINVAL);
    ath_url_free(url);
}

static void test_url_query_at_accepts_null_out_pointers(void)
{
    ath_url *url = PARSE_OK("postgresql://h/db?a=1");
    const char *v = NULL;
    if (!url)
        return;
    ASSERT_RC(ath_url_query_at(url, 0, NULL, &v), ATH_OK);
    CU_ASSERT_STRING_EQUAL(v, "1");
    ASSERT_RC(ath_url_query_at(url, 0, NULL, NULL), ATH_OK);
    ath_url_free(url);
}

static void test_url_query_at_on_null_url(void)
{
    const char *k = "x";
    ASSERT_RC(ath_url_query_at(NULL, 0, &k, NULL), ATH_EINVAL);
    CU_ASSERT_PTR_NULL(k);
}

static void test_url_engine_and_driver_options_all_present(void)
{
    const char *text = "postgresql://h/db?pool_size=5&max_overflow=2&pool_timeout=30"
                       "&pool_pre_ping=true&pool_recycle=3600&echo=1&sslmode=require";
    ath_url *url = PARSE_OK(text);
    if (!url)
        return;
    CU_ASSERT_EQUAL(ath_url_query_count(url), 7);
    CU_ASSERT_STRING_EQUAL(ath_url_query_get(url, "pool_size"), "5");
    CU_ASSERT_STRING_EQUAL(ath_url_query_get(url, "pool_recycle"), "3600");
    CU_ASSERT_STRING_EQUAL(ath_url_query_get(url, "sslmode"), "require");
    ath_url_free(url);
}

/* ---- percent-escapes ----------------------------------------------------------------------- */

static void test_url_malformed_escape_names_position(void)
{
    EXPECT_FAIL("postgresql://h/db%zz", "malformed percent-escape in the database", 17);
}

static void test_url_truncated_escape_at_end_rejected(void)
{
    EXPECT_FAIL("postgresql://h/db%4", "malformed percent-escape", 17);
}

static void test_url_lone_percent_rejected(void)
{
    EXPECT_FAIL("postgresql://h/100%", "malformed percent-escape", 18);
}

static void test_url_half_hex_escape_rejected(void)
{
    EXPECT_FAIL("postgresql://h/db%4g", "malformed percent-escape", 17);
}

static void test_url_nul_escape_in_database_rejected(void)
{
    EXPECT_FAIL("postgresql://h/db%00", "NUL", 17);
}

static void test_url_malformed_escape_in_user_rejected(void)
{
    EXPECT_FAIL("postgresql://sc%ott@h/db", "malformed percent-escape in the user name", 15);
}

static void test_url_malformed_escape_in_password_hides_it(void)
{
    EXPECT_FAIL("postgresql://scott:hunter2%zz@h/db", "in the password", 26);
    EXPECT_MESSAGE_LACKS("hunter2");
    EXPECT_MESSAGE_LACKS("scott");
}

static void test_url_nul_escape_in_password_hides_it(void)
{
    EXPECT_FAIL("postgresql://scott:hunter2%00@h/db", "NUL", 26);
    EXPECT_MESSAGE_LACKS("hunter2");
}

/* ---- errors and secrecy -------------------------------------------------------------------- */

static void test_url_bad_port_message_hides_password(void)
{
    EXPECT_FAIL("postgresql://scott:hunter2@localhost:99999/db", "out of range", 37);
    EXPECT_MESSAGE_LACKS("hunter2");
    EXPECT_MESSAGE_LACKS("scott");
}

static void test_url_bad_host_message_hides_password(void)
{
    EXPECT_FAIL("postgresql://scott:hunter2@my host/db", "invalid character in the host", 29);
    EXPECT_MESSAGE_LACKS("hunter2");
}

static void test_url_password_with_raw_slash_gets_hint_and_stays_hidden(void)
{
    EXPECT_FAIL("postgresql://scott:hunter/2@h/db", "percent-encode", 19);
    EXPECT_MESSAGE_LACKS("hunter");
}

static void test_url_digit_password_with_raw_slash_rejected(void)
{
    EXPECT_FAIL("postgresql://u:1234/5678@h/db", "'@' in the database", 24);
    EXPECT_MESSAGE_LACKS("1234");
    EXPECT_MESSAGE_LACKS("5678");
}

static void test_url_digit_password_with_raw_question_mark_rejected(void)
{
    EXPECT_FAIL("postgresql://u:12?3@h/db", "'@' in the query key", 19);
}

static void test_url_stray_at_in_database_after_host_rejected(void)
{
    EXPECT_FAIL("postgresql://h/a@b", "%40", 16);
}

static void test_url_control_character_rejected(void)
{
    EXPECT_FAIL("postgresql://h/db\n", "control character", 17);
}

static void test_url_tab_rejected(void)
{
    EXPECT_FAIL("postgresql://h/d\tb", "control character", 16);
}

static void test_url_control_character_in_password_hides_it(void)
{
    EXPECT_FAIL("postgresql://scott:hunter2\r@h/db", "control character", 26);
    EXPECT_MESSAGE_LACKS("hunter2");
}

static void test_url_null_text_is_einval(void)
{
    ath_url *url = (ath_url *)&url;
    ASSERT_RC(ath_url_parse(&url, NULL), ATH_EINVAL);
    CU_ASSERT_PTR_NULL(url);
}

static void test_url_null_out_is_einval(void)
{
    ASSERT_RC(ath_url_parse(NULL, "sqlite://"), ATH_EINVAL);
}

static void test_url_free_null_is_noop(void)
{
    ath_url_free(NULL);
    CU_PASS("ath_url_free(NULL) returned");
}

static void test_url_accessors_on_null(void)
{
    CU_ASSERT_PTR_NULL(ath_url_dialect(NULL));
    CU_ASSERT_PTR_NULL(ath_url_driver(NULL));
    CU_ASSERT_PTR_NULL(ath_url_username(NULL));
    CU_ASSERT_PTR_NULL(ath_url_password(NULL));
    CU_ASSERT_PTR_NULL(ath_url_host(NULL));
    CU_ASSERT_EQUAL(ath_url_port(NULL), 0);
    CU_ASSERT_PTR_NULL(ath_url_database(NULL));
    CU_ASSERT_PTR_NULL(ath_url_query_get(NULL, "a"));
    CU_ASSERT_EQUAL(ath_url_query_count(NULL), 0);
}

static void test_url_success_after_failure_is_independent(void)
{
    EXPECT_FAIL("postgresql://h:0", "out of range", 15);
    EXPECT_URL("postgresql://h:1", .dialect = "postgresql", .host = "h", .port = 1);
}

/* ---- rendering ----------------------------------------------------------------------------- */

static void test_url_render_plain(void)
{
    EXPECT_RENDER("postgresql+psycopg2://scott:tiger@localhost:5432/mydb", false,
                  "postgresql+psycopg2://scott:tiger@localhost:5432/mydb");
}

static void test_url_render_hidden_password(void)
{
    EXPECT_RENDER("postgresql+psycopg2://scott:tiger@localhost:5432/mydb", true,
                  "postgresql+psycopg2://scott:***@localhost:5432/mydb");
}

static void test_url_render_hidden_empty_password(void)
{
    EXPECT_RENDER("mysql://u:@h/db", true, "mysql://u:***@h/db");
}

static void test_url_render_empty_password_shown(void)
{
    EXPECT_RENDER("mysql://u:@h/db", false, "mysql://u:@h/db");
}

static void test_url_render_hidden_without_password(void)
{
    EXPECT_RENDER("mysql://u@h/db", true, "mysql://u@h/db");
}

static void test_url_render_encodes_password(void)
{
    EXPECT_RENDER("postgresql://u:p@ss:w%2Fd@h/db", false, "postgresql://u:p%40ss%3Aw%2Fd@h/db");
}

static void test_url_render_encodes_unicode_user(void)
{
    EXPECT_RENDER("postgresql://j" O_UMLAUT "rg@h", false, "postgresql://j%C3%B6rg@h");
}

static void test_url_render_password_without_user(void)
{
    EXPECT_RENDER("postgresql://:pw@h", false, "postgresql://:pw@h");
}

static void test_url_render_brackets_ipv6(void)
{
    EXPECT_RENDER("postgresql://[::1]:5432/db", false, "postgresql://[::1]:5432/db");
}

static void test_url_render_ipv6_zone(void)
{
    EXPECT_RENDER("postgresql://[fe80::1%25eth0]/db", false, "postgresql://[fe80::1%25eth0]/db");
}

static void test_url_render_omits_absent_port(void)
{
    EXPECT_RENDER("postgresql://h/db", false, "postgresql://h/db");
}

static void test_url_render_normalises_port(void)
{
    EXPECT_RENDER("postgresql://h:05432/db", false, "postgresql://h:5432/db");
}

static void test_url_render_database_stays_readable(void)
{
    EXPECT_RENDER("sqlite:///my%20db%3F%23%25.sqlite", false, "sqlite:///my%20db%3F%23%25.sqlite");
    EXPECT_RENDER("sqlite:////var/lib/app/x.db", false, "sqlite:////var/lib/app/x.db");
}

static void test_url_render_database_keeps_unicode(void)
{
    EXPECT_RENDER("sqlite:///donn%C3%A9es.db", false, "sqlite:///donn" E_ACUTE "es.db");
}

static void test_url_render_sqlite_forms(void)
{
    EXPECT_RENDER("sqlite://", false, "sqlite://");
    EXPECT_RENDER("sqlite:///:memory:", false, "sqlite:///:memory:");
    EXPECT_RENDER("sqlite:///relative.db", false, "sqlite:///relative.db");
    EXPECT_RENDER("sqlite:////abs/x.db", false, "sqlite:////abs/x.db");
}

static void test_url_render_query(void)
{
    EXPECT_RENDER("postgresql://h/db?a=1&a=2&flag", false, "postgresql://h/db?a=1&a=2&flag=");
}

static void test_url_render_query_encodes_separators(void)
{
    EXPECT_RENDER("postgresql://h/db?k%26%3D=v%26w%3D%23%20x%2B+", false,
                  "postgresql://h/db?k%26%3D=v%26w%3D%23%20x%2B%20");
}

static void test_url_render_truncates_like_snprintf(void)
{
    const char *text = "postgresql://scott:tiger@localhost:5432/mydb";
    ath_url *url = PARSE_OK(text);
    char buf[16];
    if (!url)
        return;
    memset(buf, 'X', sizeof buf);
    int n = ath_url_render(url, false, buf, 10);
    CU_ASSERT_EQUAL(n, (int)strlen(text));
    CU_ASSERT_STRING_EQUAL(buf, "postgresq");
    CU_ASSERT_EQUAL(buf[10], 'X');
    ath_url_free(url);
}

static void test_url_render_size_zero_measures(void)
{
    ath_url *url = PARSE_OK("postgresql://u:p@h/db");
    if (!url)
        return;
    CU_ASSERT_EQUAL(ath_url_render(url, false, NULL, 0), (int)strlen("postgresql://u:p@h/db"));
    CU_ASSERT_EQUAL(ath_url_render(url, true, NULL, 0), (int)strlen("postgresql://u:***@h/db"));
    ath_url_free(url);
}

static void test_url_render_exact_sizes(void)
{
    const char *text = "mysql://h/db";
    size_t len = strlen(text);
    ath_url *url = PARSE_OK(text);
    char buf[32];
    if (!url)
        return;
    CU_ASSERT_EQUAL(ath_url_render(url, false, buf, len), (int)len);
    CU_ASSERT_EQUAL(strlen(buf), len - 1);
    CU_ASSERT_EQUAL(ath_url_render(url, false, buf, len + 1), (int)len);
    CU_ASSERT_STRING_EQUAL(buf, text);
    CU_ASSERT_EQUAL(ath_url_render(url, false, buf, 1), (int)len);
    CU_ASSERT_STRING_EQUAL(buf, "");
    ath_url_free(url);
}

static void test_url_render_truncated_inside_escape(void)
{
    ath_url *url = PARSE_OK("postgresql://u:%40@h");
    char buf[18];
    if (!url)
        return;
    /* "postgresql://u:%40@h": the cut falls inside "%40" */
    CU_ASSERT_EQUAL(ath_url_render(url, false, buf, sizeof buf), 20);
    CU_ASSERT_STRING_EQUAL(buf, "postgresql://u:%4");
    ath_url_free(url);
}

static void test_url_render_null_url_is_einval(void)
{
    char buf[8];
    ASSERT_RC(ath_url_render(NULL, false, buf, sizeof buf), ATH_EINVAL);
}

static void test_url_render_null_buffer_with_size_is_einval(void)
{
    ath_url *url = PARSE_OK("sqlite://");
    if (!url)
        return;
    ASSERT_RC(ath_url_render(url, false, NULL, 4), ATH_EINVAL);
    ath_url_free(url);
}

/* ---- round trips --------------------------------------------------------------------------- */

static const char *const ROUND_TRIPS[] = {
    "sqlite://",
    "sqlite:///:memory:",
    "sqlite:///relative.db",
    "sqlite:////abs/x.db",
    "sqlite:///my db.sqlite",
    "sqlite:///my%20db%3F%23.sqlite",
    "sqlite:///backup@2024.db",
    "sqlite+pysqlite:///app.db?journal_mode=WAL&busy_timeout=5000",
    "postgresql://scott:tiger@localhost:5432/mydb",
    "postgresql+psycopg2://u:p%40ss%3Aw%2Fd@h/db",
    "postgresql://u:p@ss@h/db",
    "postgresql://admin@myserver:pw@myserver.example.com/db",
    "postgresql://u:a:b:c@h/db",
    "postgresql://u:a#b%25c+d@h/db",
    "postgresql://u:@h/db",
    "postgresql://u@h/db",
    "postgresql://:pw@h",
    "postgresql://u:p@/db",
    "postgresql://j%C3%B6rg:%F0%9F%94%91@h/donn%C3%A9es",
    "postgresql://j" O_UMLAUT "rg:p" A_UMLAUT "ss@h/" SHU,
    "postgresql://john%20doe:a%20b%09c@h",
    "postgresql://[::1]/db",
    "postgresql://[::1]:5432/db",
    "postgresql://u:p@[2001:db8::1]:6543/db",
    "postgresql://[fe80::1%25eth0]:5432",
    "postgresql://[fe80::1%25en%20x]",
    "postgresql://[::ffff:192.0.2.1]",
    "postgresql://h:05432",
    "postgresql://:5432/db",
    "postgresql://h/a%2Fb",
    "postgresql://h/a%40b",
    "postgresql://h/a%3Fb%23c",
    "postgresql://h/%01%7F",
    "postgresql://h?sslmode=require",
    "postgresql://h/db?opt=a&opt=b&flag&empty=",
    "postgresql://h/db?my%20key=v%26w%3D&tz=%2B02:00&plus=a+b",
    "postgresql://h/db?a%40b=c@d",
    "postgresql://h/db?k=%25%23%3F",
    "mysql+pymysql://root:pw@127.0.0.1:3306/shop?charset=utf8mb4",
    "mariadb+mariadbconnector://app:secret@maria:3307/prod",
    "oracle+cx_oracle://u:p@h:1521/xe",
    "PostgreSQL://H/DB",
    "postgresql://",
    "postgresql://h/",
};

static void test_url_round_trips(void)
{
    for (size_t i = 0; i < sizeof ROUND_TRIPS / sizeof ROUND_TRIPS[0]; i++)
        EXPECT_ROUND_TRIP(ROUND_TRIPS[i]);
}

static void test_url_round_trip_password_with_every_special_character(void)
{
    EXPECT_ROUND_TRIP("postgresql://u:%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F"
                      "%40%5B%5D%5C%5E%60%7B%7C%7D~@h/db");
}

static void test_url_round_trip_query_with_every_special_character(void)
{
    EXPECT_ROUND_TRIP(
        "postgresql://h/db?k=%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D");
}

static void test_url_round_trip_database_with_every_special_character(void)
{
    EXPECT_ROUND_TRIP("sqlite:///%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D");
}

static void test_url_round_trip_hidden_render_still_parses(void)
{
    ath_url *url = PARSE_OK("postgresql://scott:tiger@h/db"), *again = NULL;
    char buf[128];
    if (!url)
        return;
    ath_url_render(url, true, buf, sizeof buf);
    ASSERT_RC(ath_url_parse(&again, buf), ATH_OK);
    if (again) {
        CU_ASSERT_STRING_EQUAL(ath_url_password(again), "***");
        CU_ASSERT_STRING_EQUAL(ath_url_username(again), "scott");
    }
    ath_url_free(again);
    ath_url_free(url);
}

/* ---- registration -------------------------------------------------------------------------- */

#define T(name)                                                                                    \
    {                                                                                              \
#name, name                                                                                \
    }

static const test_case url_tests[] = {
    /* SQLite forms */
    T(test_url_sqlite_bare_is_memory_with_no_database),
    T(test_url_sqlite_memory),
    T(test_url_sqlite_relative_path),
    T(test_url_sqlite_relative_path_with_folders),
    T(test_url_sqlite_absolute_path),
    T(test_url_sqlite_three_slashes_only_is_no_database),
    T(test_url_sqlite_with_driver),
    T(test_url_sqlite_query_options),
    T(test_url_sqlite_path_with_raw_space),
    T(test_url_sqlite_path_percent_decoded),
    T(test_url_sqlite_path_with_raw_at_sign),
    T(test_url_sqlite_windows_path),
    T(test_url_sqlite_unicode_path),
    /* server URLs */
    T(test_url_postgresql_full),
    T(test_url_postgresql_with_driver),
    T(test_url_mysql_with_charset),
    T(test_url_mariadb),
    T(test_url_oracle_driver_with_underscore),
    T(test_url_host_only),
    T(test_url_host_and_port_without_database),
    T(test_url_empty_authority),
    T(test_url_database_without_host),
    T(test_url_port_without_host),
    T(test_url_empty_database_is_null),
    T(test_url_ipv4_host),
    T(test_url_host_with_hyphen_and_underscore),
    T(test_url_raw_unicode_host),
    T(test_url_dialect_case_is_kept),
    T(test_url_dialect_with_digits),
    T(test_url_database_percent_decoded_slash),
    T(test_url_database_encoded_at_sign),
    T(test_url_database_with_at_sign_after_userinfo),
    T(test_url_database_unicode_percent_encoded),
    T(test_url_database_unicode_raw),
    T(test_url_lowercase_hex_escapes),
    /* user and password */
    T(test_url_password_with_encoded_at_colon_slash),
    T(test_url_password_with_raw_at_sign_splits_at_last_at),
    T(test_url_password_with_several_raw_at_signs),
    T(test_url_user_with_raw_at_sign),
    T(test_url_password_with_raw_colons),
    T(test_url_password_with_raw_hash),
    T(test_url_password_plus_stays_plus),
    T(test_url_password_encoded_percent),
    T(test_url_empty_password_is_empty_not_null),
    T(test_url_no_password_is_null),
    T(test_url_empty_userinfo_gives_no_user),
    T(test_url_password_without_user),
    T(test_url_userinfo_without_host),
    T(test_url_unicode_user_percent_encoded),
    T(test_url_unicode_user_raw),
    T(test_url_unicode_password_percent_encoded),
    T(test_url_unicode_password_raw),
    T(test_url_user_with_encoded_space),
    /* IPv6 */
    T(test_url_ipv6_loopback),
    T(test_url_ipv6_with_port),
    T(test_url_ipv6_with_userinfo),
    T(test_url_ipv6_without_anything_after),
    T(test_url_ipv6_uppercase_hex),
    T(test_url_ipv6_mapped_ipv4),
    T(test_url_ipv6_zone_decoded),
    T(test_url_ipv6_zone_with_port),
    T(test_url_ipv6_with_query_directly_after),
    T(test_url_ipv6_unbracketed_rejected),
    T(test_url_ipv6_unbracketed_with_port_rejected),
    T(test_url_ipv6_trailing_text_rejected),
    T(test_url_ipv6_unterminated_rejected),
    T(test_url_ipv6_empty_brackets_rejected),
    T(test_url_ipv6_invalid_character_rejected),
    T(test_url_ipv6_brackets_around_ipv4_rejected),
    T(test_url_ipv6_zone_without_25_rejected),
    T(test_url_ipv6_empty_zone_rejected),
    T(test_url_ipv6_empty_port_rejected),
    T(test_url_ipv6_bad_port_rejected),
    /* ports */
    T(test_url_port_lowest),
    T(test_url_port_highest),
    T(test_url_port_leading_zero),
    T(test_url_port_with_plus_sign_rejected),
    T(test_url_port_with_leading_space_rejected),
    T(test_url_port_with_underscore_rejected),
    T(test_url_port_zero_rejected),
    T(test_url_port_too_large_rejected),
    T(test_url_port_overflowing_rejected),
    T(test_url_port_with_letter_rejected),
    T(test_url_port_negative_rejected),
    T(test_url_port_empty_before_database_rejected),
    T(test_url_port_empty_at_end_rejected),
    T(test_url_port_with_trailing_space_rejected),
    /* dialect and driver */
    T(test_url_empty_dialect_rejected),
    T(test_url_empty_dialect_with_driver_rejected),
    T(test_url_empty_driver_rejected),
    T(test_url_missing_scheme_separator_rejected),
    T(test_url_single_slash_rejected),
    T(test_url_colon_without_slashes_rejected),
    T(test_url_plain_path_rejected),
    T(test_url_empty_string_rejected),
    T(test_url_dialect_starting_with_digit_rejected),
    T(test_url_dialect_with_hyphen_rejected),
    T(test_url_driver_with_hyphen_rejected),
    T(test_url_two_drivers_rejected),
    T(test_url_leading_space_rejected),
    /* hosts */
    T(test_url_host_with_space_rejected),
    T(test_url_host_with_open_bracket_rejected),
    T(test_url_host_with_close_bracket_rejected),
    T(test_url_host_with_exclamation_rejected),
    T(test_url_host_is_not_percent_decoded),
    /* query */
    T(test_url_query_repeated_keys_kept_in_order),
    T(test_url_query_get_returns_first_of_repeats),
    T(test_url_query_get_missing_key_is_null),
    T(test_url_query_key_without_equals_has_empty_value),
    T(test_url_query_empty_value),
    T(test_url_query_empty_segments_skipped),
    T(test_url_query_leading_and_trailing_ampersands_skipped),
    T(test_url_query_empty_after_question_mark),
    T(test_url_query_empty_key_rejected),
    T(test_url_query_empty_key_after_ampersand_rejected),
    T(test_url_query_percent_escapes_decoded),
    T(test_url_query_plus_is_space),
    T(test_url_query_value_may_hold_equals),
    T(test_url_query_without_database),
    T(test_url_query_value_may_hold_at_sign),
    T(test_url_query_malformed_escape_rejected),
    T(test_url_query_nul_escape_rejected),
    T(test_url_query_count_on_url_without_query),
    T(test_url_query_at_out_of_range),
    T(test_url_query_at_accepts_null_out_pointers),
    T(test_url_query_at_on_null_url),
    T(test_url_engine_and_driver_options_all_present),
    /* percent-escapes */
    T(test_url_malformed_escape_names_position),
    T(test_url_truncated_escape_at_end_rejected),
    T(test_url_lone_percent_rejected),
    T(test_url_half_hex_escape_rejected),
    T(test_url_nul_escape_in_database_rejected),
    T(test_url_malformed_escape_in_user_rejected),
    T(test_url_malformed_escape_in_password_hides_it),
    T(test_url_nul_escape_in_password_hides_it),
    /* errors and secrecy */
    T(test_url_bad_port_message_hides_password),
    T(test_url_bad_host_message_hides_password),
    T(test_url_password_with_raw_slash_gets_hint_and_stays_hidden),
    T(test_url_digit_password_with_raw_slash_rejected),
    T(test_url_digit_password_with_raw_question_mark_rejected),
    T(test_url_stray_at_in_database_after_host_rejected),
    T(test_url_control_character_rejected),
    T(test_url_tab_rejected),
    T(test_url_control_character_in_password_hides_it),
    T(test_url_null_text_is_einval),
    T(test_url_null_out_is_einval),
    T(test_url_free_null_is_noop),
    T(test_url_accessors_on_null),
    T(test_url_success_after_failure_is_independent),
    /* rendering */
    T(test_url_render_plain),
    T(test_url_render_hidden_password),
    T(test_url_render_hidden_empty_password),
    T(test_url_render_empty_password_shown),
    T(test_url_render_hidden_without_password),
    T(test_url_render_encodes_password),
    T(test_url_render_encodes_unicode_user),
    T(test_url_render_password_without_user),
    T(test_url_render_brackets_ipv6),
    T(test_url_render_ipv6_zone),
    T(test_url_render_omits_absent_port),
    T(test_url_render_normalises_port),
    T(test_url_render_database_stays_readable),
    T(test_url_render_database_keeps_unicode),
    T(test_url_render_sqlite_forms),
    T(test_url_render_query),
    T(test_url_render_query_encodes_separators),
    T(test_url_render_truncates_like_snprintf),
    T(test_url_render_size_zero_measures),
    T(test_url_render_exact_sizes),
    T(test_url_render_truncated_inside_escape),
    T(test_url_render_null_url_is_einval),
    T(test_url_render_null_buffer_with_size_is_einval),
    /* round trips */
    T(test_url_round_trips),
    T(test_url_round_trip_password_with_every_special_character),
    T(test_url_round_trip_query_with_every_special_character),
    T(test_url_round_trip_database_with_every_special_character),
    T(test_url_round_trip_hidden_render_still_parses),
    {NULL, NULL},
};

TEST_SUITE(url)
{
    test_add_suite("url", NULL, NULL, url_tests);
}
