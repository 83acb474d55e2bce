/* Every Athanor type round-trips through its MySQL column type, NULLs included, and the
 * session setup (sql_mode, time zone, collation) gives the behaviour the other backends have. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mysql_test.h"

static ath_engine *engine;
static ath_session *session;
static int next_id = 1;

#define TABLE_OPTIONS " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"

static int setup(void)
{
    engine = mt_engine(NULL);
    if (!engine)
        return 1;
    mt_ddl(engine, "DROP TABLE IF EXISTS mt_types");
    /* the dialect's own type names (driver.c) */
    mt_ddl(engine,
           "CREATE TABLE mt_types (id INT NOT NULL PRIMARY KEY, i32 INT, i64 BIGINT, "
           "d DOUBLE, b TINYINT(1), t LONGTEXT, k VARCHAR(255), bl LONGBLOB, "
           "n DECIMAL(38,10), ts DATETIME(6), dt DATE, u BINARY(16), j JSON)" TABLE_OPTIONS);
    return 0;
}

static int teardown(void)
{
    if (engine) {
        mt_ddl(engine, "DROP TABLE IF EXISTS mt_types, mt_blobs");
        ath_engine_dispose(engine);
    }
    engine = NULL;
    return 0;
}

static void open_session(void)
{
    ASSERT_RC(ath_session_open(&session, engine), ATH_OK);
}

static void close_session(ath_result *r)
{
    ath_result_free(r);
    ASSERT_RC(ath_session_commit(session), ATH_OK);
    ath_session_close(session);
    session = NULL;
}

/* Inserts `v` into `col` of a new row and reads it back as `want`. The result stays open in
 * *r (text and blob pointers live in it) until the caller frees it. */
static int round_trip(const char *col, ath_value v, ath_type want, ath_result **r, ath_value *out)
{
    char sql[256];
    int id = next_id++;
    ath_value ins[] = {ath_v_i32(id), v};
    *out = ath_v_null();
    *r = NULL;
    snprintf(sql, sizeof sql, "INSERT INTO mt_types (id, %s) VALUES (?, ?)", col);
    int rc = ath_session_execute(session, sql, ins, 2, NULL);
    ASSERT_RC(rc, ATH_OK);
    if (rc != ATH_OK)
        return rc;
    snprintf(sql, sizeof sql, "SELECT %s FROM mt_types WHERE id = ?", col);
    ath_value sel[] = {ath_v_i32(id)};
    ASSERT_RC(rc = ath_session_execute(session, sql, sel, 1, r), ATH_OK);
    if (rc != ATH_OK)
        return rc;
    CU_ASSERT_EQUAL_FATAL(ath_result_next(*r), 1);
    ASSERT_RC(rc = ath_result_get(*r, 0, want, out), ATH_OK);
    return rc;
}

static void check_i64(const char *col, ath_type type, int64_t x)
{
    ath_result *r;
    ath_value out;
    ath_value in = type == ATH_T_I32 ? ath_v_i32((int32_t)x) : ath_v_i64(x);
    round_trip(col, in, type, &r, &out);
    CU_ASSERT_EQUAL(out.type, type);
    CU_ASSERT_EQUAL(type == ATH_T_I32 ? out.u.i32 : out.u.i64, x);
    ath_result_free(r);
}

static void test_int32_min_and_max_round_trip(void)
{
    open_session();
    check_i64("i32", ATH_T_I32, INT32_MIN);
    check_i64("i32", ATH_T_I32, INT32_MAX);
    check_i64("i32", ATH_T_I32, 0);
    close_session(NULL);
}

static void test_int64_min_and_max_round_trip(void)
{
    open_session();
    check_i64("i64", ATH_T_I64, INT64_MIN);
    check_i64("i64", ATH_T_I64, INT64_MAX);
    check_i64("i64", ATH_T_I64, -1);
    close_session(NULL);
}

static void test_double_round_trips_exactly(void)
{
    const double values[] = {0.1, -1.5e300, 2.2250738585072014e-308, 123456789.123456789, 0.0};
    open_session();
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        ath_result *r;
        ath_value out;
        round_trip("d", ath_v_double(values[i]), ATH_T_DOUBLE, &r, &out);
        CU_ASSERT_EQUAL(out.type, ATH_T_DOUBLE);
        CU_ASSERT(out.u.f64 == values[i]);
        ath_result_free(r);
    }
    close_session(NULL);
}

static void test_bool_round_trips_and_reads_as_integer(void)
{
    ath_result *r;
    ath_value out;
    open_session();
    round_trip("b", ath_v_bool(true), ATH_T_BOOL, &r, &out);
    CU_ASSERT_EQUAL(out.type, ATH_T_BOOL);
    CU_ASSERT_TRUE(out.u.b);
    CU_ASSERT_EQUAL(ath_result_i64(r, 0), 1);
    ath_result_free(r);
    round_trip("b", ath_v_bool(false), ATH_T_BOOL, &r, &out);
    CU_ASSERT_FALSE(out.u.b);
    close_session(r);
}

static void check_text(const char *col, const char *text, size_t len)
{
    ath_result *r;
    ath_value out;
    round_trip(col, ath_v_textn(ATH_T_TEXT, text, len), ATH_T_TEXT, &r, &out);
    CU_ASSERT_EQUAL(out.type, ATH_T_TEXT);
    CU_ASSERT_EQUAL_FATAL(out.u.s.len, len);
    CU_ASSERT(memcmp(out.u.s.ptr, text, len) == 0);
    CU_ASSERT_EQUAL(((const char *)out.u.s.ptr)[len], '\0'); /* NUL-terminated */
    ath_result_free(r);
}

static void test_text_with_quotes_backslashes_and_unicode_round_trips(void)
{
    const char *texts[] = {"it's \"quoted\" `back` \\ and \\\\ '' %_",
                           "Gr\xc3\xbc\xc3\x9f"
                           "e, \xe6\x97\xa5\xe6\x9c\xac, emoji \xf0\x9f\x8e\x89 "
                           "(four bytes) \xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",
                           "line\nbreak\ttab\r"};
    open_session();
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        check_text("t", texts[i], strlen(texts[i]));
        check_text("k", texts[i], strlen(texts[i]));
    }
    close_session(NULL);
}

static void test_text_parameter_is_bound_by_length_not_terminator(void)
{
    open_session();
    check_text("t", "abcdef", 3); /* only "abc" is the value */
    close_session(NULL);
}

static void test_empty_text_is_empty_not_null(void)
{
    open_session();
    check_text("t", "", 0);
    close_session(NULL);
}

static char *long_text(size_t len)
{
    char *s = malloc(len + 1);
    const char *pat = "0123456789abcdef\xc3\xa9-"; /* includes a 2-byte character */
    size_t plen = strlen(pat);
    for (size_t i = 0; i < len; i++)
        s[i] = pat[i % plen];
    s[len] = '\0';
    return s;
}

static void test_long_text_over_64k_round_trips(void)
{
    size_t len = 19 * 10000; /* whole patterns, so the UTF-8 stays valid */
    char *text = long_text(len);
    open_session();
    check_text("t", text, len); /* LONGTEXT: TEXT would stop at 65 535 bytes */
    close_session(NULL);
    free(text);
}

/* Rows of very different lengths in one result: the first row is the longest, so the very
 * first fetch already needs a bigger buffer. */
static void read_mixed_lengths(ath_engine *e)
{
    const size_t lens[] = {19 * 20000, 19, 19 * 5000, 0};
    ath_session *s = NULL;
    ath_result *r = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    mt_exec(s, "DELETE FROM mt_blobs");
    for (size_t i = 0; i < 4; i++) {
        char *text = long_text(lens[i]);
        ath_value p[] = {ath_v_i32((int32_t)i), ath_v_textn(ATH_T_TEXT, text, lens[i])};
        ASSERT_RC(
            ath_session_execute(s, "INSERT INTO mt_blobs (id, body) VALUES (?, ?)", p, 2, NULL),
            ATH_OK);
        free(text);
    }
    ASSERT_RC(ath_session_execute(s, "SELECT id, body FROM mt_blobs ORDER BY id", NULL, 0, &r),
              ATH_OK);
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL_FATAL(ath_result_next(r), 1);
        ath_value v;
        ASSERT_RC(ath_result_get(r, 1, ATH_T_TEXT, &v), ATH_OK);
        char *want = long_text(lens[i]);
        CU_ASSERT_EQUAL(v.u.s.len, lens[i]);
        CU_ASSERT(v.u.s.len == lens[i] && memcmp(v.u.s.ptr, want, lens[i]) == 0);
        CU_ASSERT_EQUAL(((const char *)v.u.s.ptr)[v.u.s.len], '\0');
        free(want);
    }
    CU_ASSERT_EQUAL(ath_result_next(r), 0);
    ath_result_free(r);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

static void test_long_values_of_mixed_lengths_read_buffered(void)
{
    mt_ddl(engine,
           "CREATE TABLE IF NOT EXISTS mt_blobs (id INT PRIMARY KEY, body LONGTEXT)" TABLE_OPTIONS);
    read_mixed_lengths(engine);
}

static void test_long_values_of_mixed_lengths_read_unbuffered(void)
{
    ath_engine *e = mt_engine("buffered=false");
    mt_ddl(e,
           "CREATE TABLE IF NOT EXISTS mt_blobs (id INT PRIMARY KEY, body LONGTEXT)" TABLE_OPTIONS);
    read_mixed_lengths(e);
    mt_ddl(e, "DROP TABLE mt_blobs");
    ath_engine_dispose(e);
}

static void test_blob_with_zero_bytes_round_trips(void)
{
    const unsigned char bytes[] = {0, 1, 0, 255, 0x80, 0xc3, 0, 'x', 0};
    ath_result *r;
    ath_value out;
    open_session();
    round_trip("bl", ath_v_blob(bytes, sizeof bytes), ATH_T_BLOB, &r, &out);
    CU_ASSERT_EQUAL(out.type, ATH_T_BLOB);
    CU_ASSERT_EQUAL_FATAL(out.u.s.len, sizeof bytes);
    CU_ASSERT(memcmp(out.u.s.ptr, bytes, sizeof bytes) == 0);
    close_session(r);
}

static void test_empty_blob_is_empty_not_null(void)
{
    ath_result *r;
    ath_value out;
    open_session();
    round_trip("bl", ath_v_blob("", 0), ATH_T_BLOB, &r, &out);
    CU_ASSERT_EQUAL(out.type, ATH_T_BLOB);
    CU_ASSERT_EQUAL(out.u.s.len, 0);
    CU_ASSERT_PTR_NOT_NULL(out.u.s.ptr);
    close_session(r);
}

static void test_numeric_round_trips_without_padding_zeros(void)
{
    const char *in[] = {"12.5", "-0.0000000001", "1234567890123456789012345678.1234567891", "42",
                        "0",    "-7.25"};
    open_session();
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        ath_result *r;
        ath_value out;
        round_trip("n", ath_v_numeric(in[i]), ATH_T_NUMERIC, &r, &out);
        CU_ASSERT_EQUAL(out.type, ATH_T_NUMERIC);
        MT_ASSERT_STR(out.u.s.ptr, in[i]);
        CU_ASSERT_EQUAL(out.u.s.len, strlen(in[i]));
        ath_result_free(r);
    }
    close_session(NULL);
}

static void check_timestamp(int y, int mo, int d, int h, int mi, int s, int us)
{
    ath_timestamp ts;
    ASSERT_RC(ath_timestamp_from_parts(&ts, y, mo, d, h, mi, s, us), ATH_OK);
    ath_result *r;
    ath_value out;
    round_trip("ts", ath_v_timestamp(ts), ATH_T_TIMESTAMP, &r, &out);
    CU_ASSERT_EQUAL(out.type, ATH_T_TIMESTAMP);
    CU_ASSERT_EQUAL(out.u.ts, ts);
    ath_result_free(r);
}

static void test_timestamp_with_microseconds_round_trips_before_and_after_1970(void)
{
    open_session();
    check_timestamp(2024, 2, 29, 12, 34, 56, 123456);
    check_timestamp(1969, 12, 31, 23, 59, 59, 999999);
    check_timestamp(1970, 1, 1, 0, 0, 0, 0);
    check_timestamp(1900, 3, 1, 0, 0, 0, 1);
    close_session(NULL);
}

static void test_timestamp_years_1_and_9999_round_trip(void)
{
    open_session();
    check_timestamp(1, 1, 1, 0, 0, 0, 0);
    check_timestamp(9999, 12, 31, 23, 59, 59, 999999);
    close_session(NULL);
}

static void test_timestamp_beyond_year_9999_is_einval(void)
{
    ath_timestamp ts;
    ASSERT_RC(ath_timestamp_from_parts(&ts, 9999, 12, 31, 23, 59, 59, 999999), ATH_OK);
    ath_value p[] = {ath_v_i32(next_id++), ath_v_timestamp(ts + 1)};
    open_session();
    ASSERT_RC(
        ath_session_execute(session, "INSERT INTO mt_types (id, ts) VALUES (?, ?)", p, 2, NULL),
        ATH_EINVAL);
    ASSERT_ERR_HAS("1..9999");
    CU_ASSERT_FALSE(ath_session_failed(session)); /* refused before sending */
    close_session(NULL);
}

static void test_timestamp_is_stored_as_utc(void)
{
    ath_timestamp ts;
    ASSERT_RC(ath_timestamp_from_parts(&ts, 2024, 1, 2, 3, 4, 5, 6), ATH_OK);
    ath_result *r;
    ath_value out;
    open_session();
    round_trip("ts", ath_v_timestamp(ts), ATH_T_TIMESTAMP, &r, &out);
    ath_result_free(r);
    ath_value id[] = {ath_v_i32(next_id - 1)};
    ASSERT_RC(ath_session_execute(session,
                                  "SELECT CAST(ts AS CHAR), UNIX_TIMESTAMP(ts) FROM mt_types "
                                  "WHERE id = ?",
                                  id, 1, &r),
              ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_result_next(r), 1);
    MT_ASSERT_STR(ath_result_text(r, 0), "2024-01-02 03:04:05.000006");
    MT_ASSERT_STR(ath_result_text(r, 1), "1704164645.000006");
    close_session(r);
}

static void test_now_is_utc_in_every_session(void)
{
    open_session();
    int64_t server = mt_scalar_i64(session, "SELECT UNIX_TIMESTAMP(NOW())", NULL, 0);
    int64_t here = ath_timestamp_now() / 1000000;
    CU_ASSERT(llabs(server - here) <= 5);
    CU_ASSERT_EQUAL(
        mt_scalar_i64(session, "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW())", NULL, 0), 0);
    close_session(NULL);
}

static void check_date(int y, int m, int d)
{
    ath_date date;
    ASSERT_RC(ath_date_from_parts(&date, y, m, d), ATH_OK);
    ath_result *r;
    ath_value out;
    round_trip("dt", ath_v_date(date), ATH_T_DATE, &r, &out);
    CU_ASSERT_EQUAL(out.type, ATH_T_DATE);
    CU_ASSERT_EQUAL(out.u.date, date);
    ath_result_free(r);
}

static void test_date_round_trips_across_its_range(void)
{
    open_session();
    check_date(2024, 2, 29);
    check_date(1969, 7, 20);
    check_date(1, 1, 1);
    check_date(9999, 12, 31);
    close_session(NULL);
}

static void test_uuid_round_trips_as_16_bytes(void)
{
    ath_uuid u;
    for (int i = 0; i < 16; i++)
        u.bytes[i] = (unsigned char)(i * 17); /* 00 11 22 … ff, a zero byte first */
    ath_result *r;
    ath_value out;
    open_session();
    round_trip("u", ath_v_uuid(u), ATH_T_UUID, &r, &out);
    CU_ASSERT_EQUAL(out.type, ATH_T_UUID);
    CU_ASSERT(memcmp(out.u.uuid.bytes, u.bytes, 16) == 0);
    ath_result_free(r);
    ath_value id[] = {ath_v_i32(next_id - 1)};
    ASSERT_RC(ath_session_execute(session, "SELECT LENGTH(u), HEX(u) FROM mt_types WHERE id = ?",
                                  id, 1, &r),
              ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_result_next(r), 1);
    CU_ASSERT_EQUAL(ath_result_i64(r, 0), 16);
    MT_ASSERT_STR(ath_result_text(r, 1), "00112233445566778899AABBCCDDEEFF");
    close_session(r);
}

static void test_json_round_trips(void)
{
    const char *doc = "{\"a\": [1, 2, \"\xc3\xa9\"], \"b\": null}";
    ath_result *r;
    ath_value out;
    open_session();
    round_trip("j", ath_v_json(doc), ATH_T_JSON, &r, &out);
    CU_ASSERT_EQUAL(out.type, ATH_T_JSON);
    MT_ASSERT_STR(out.u.s.ptr, doc);
    close_session(r);
}

static void test_invalid_json_is_rejected(void)
{
    ath_value p[] = {ath_v_i32(next_id++), ath_v_json("{not json")};
    open_session();
    int rc = ath_session_execute(session, "INSERT INTO mt_types (id, j) VALUES (?, ?)", p, 2, NULL);
    CU_ASSERT(rc == ATH_ECHECK || rc == ATH_ESQL); /* MariaDB: JSON_VALID check; MySQL: 3140 */
    ath_session_rollback(session);
    ath_session_close(session);
}

static void test_null_round_trips_for_every_type(void)
{
    static const struct {
        const char *col;
        ath_type type;
    } cols[] = {{"i32", ATH_T_I32},   {"i64", ATH_T_I64},      {"d", ATH_T_DOUBLE},
                {"b", ATH_T_BOOL},    {"t", ATH_T_TEXT},       {"bl", ATH_T_BLOB},
                {"n", ATH_T_NUMERIC}, {"ts", ATH_T_TIMESTAMP}, {"dt", ATH_T_DATE},
                {"u", ATH_T_UUID},    {"j", ATH_T_JSON},       {"k", ATH_T_TEXT}};
    open_session();
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
        ath_result *r;
        ath_value out;
        /* an explicitly bound NULL of no type, read back as the column's type */
        round_trip(cols[i].col, ath_v_null(), cols[i].type, &r, &out);
        CU_ASSERT_EQUAL(out.type, ATH_T_NULL);
        ath_result_free(r);
    }
    close_session(NULL);
}

static void test_columns_convert_to_the_type_asked_for(void)
{
    ath_result *r = NULL;
    ath_value v;
    open_session();
    ASSERT_RC(ath_session_execute(session,
                                  "SELECT 42, CAST(15 AS DECIMAL(10,2)), 2.5e0, "
                                  "CAST('2024-05-06' AS DATE), 18446744073709551615",
                                  NULL, 0, &r),
              ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_result_next(r), 1);
    MT_ASSERT_STR(ath_result_text(r, 0), "42");
    CU_ASSERT_EQUAL(ath_result_i64(r, 1), 15);
    MT_ASSERT_STR(ath_result_text(r, 1), "15.00"); /* an explicit scale is kept */
    CU_ASSERT(ath_result_double(r, 2) == 2.5);
    MT_ASSERT_STR(ath_result_text(r, 3), "2024-05-06");
    ASSERT_RC(ath_result_get(r, 4, ATH_T_I64, &v), ATH_EINVAL); /* beyond int64 */
    MT_ASSERT_STR(ath_result_text(r, 4), "18446744073709551615");
    close_session(r);
}

static void test_string_literals_and_quotes_follow_standard_sql(void)
{
    ath_result *r = NULL;
    open_session();
    /* NO_BACKSLASH_ESCAPES: 'a\b' is three characters; PIPES_AS_CONCAT; ANSI_QUOTES */
    ASSERT_RC(ath_session_execute(session,
                                  "SELECT 'a\\b', 'x' || 'y', \"id\" FROM (SELECT 7 AS id) AS "
                                  "\"x\"",
                                  NULL, 0, &r),
              ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_result_next(r), 1);
    MT_ASSERT_STR(ath_result_text(r, 0), "a\\b");
    MT_ASSERT_STR(ath_result_text(r, 1), "xy");
    CU_ASSERT_EQUAL(ath_result_i64(r, 2), 7);
    close_session(r);
}

static void test_text_comparison_is_case_sensitive(void)
{
    ath_value p[] = {ath_v_i32(next_id++), ath_v_text("Hero")};
    ath_value lower[] = {ath_v_text("hero")};
    ath_value upper[] = {ath_v_text("A")};
    open_session();
    ASSERT_RC(
        ath_session_execute(session, "INSERT INTO mt_types (id, k) VALUES (?, ?)", p, 2, NULL),
        ATH_OK);
    CU_ASSERT_EQUAL(mt_scalar_i64(session, "SELECT COUNT(*) FROM mt_types WHERE k = ?", lower, 1),
                    0);
    CU_ASSERT_EQUAL(
        mt_scalar_i64(session, "SELECT COUNT(*) FROM mt_types WHERE k LIKE 'her%'", NULL, 0), 0);
    CU_ASSERT_EQUAL(mt_scalar_i64(session, "SELECT 'a' = ?", upper, 1), 0);
    CU_ASSERT_EQUAL(mt_scalar_i64(session, "SELECT 'a' = 'A'", NULL, 0), 0);
    close_session(NULL);
}

TEST_SUITE(mysql_type)
{
    static const test_case tests[] = {
        {"int32 min and max round-trip", test_int32_min_and_max_round_trip},
        {"int64 min and max round-trip", test_int64_min_and_max_round_trip},
        {"double round-trips exactly", test_double_round_trips_exactly},
        {"bool round-trips and reads as integer", test_bool_round_trips_and_reads_as_integer},
        {"text with quotes, backslashes and unicode round-trips",
         test_text_with_quotes_backslashes_and_unicode_round_trips},
        {"text parameter is bound by length, not terminator",
         test_text_parameter_is_bound_by_length_not_terminator},
        {"empty text is empty, not NULL", test_empty_text_is_empty_not_null},
        {"long text over 64 KiB round-trips", test_long_text_over_64k_round_trips},
        {"long values of mixed lengths read buffered",
         test_long_values_of_mixed_lengths_read_buffered},
        {"long values of mixed lengths read unbuffered",
         test_long_values_of_mixed_lengths_read_unbuffered},
        {"blob with zero bytes round-trips", test_blob_with_zero_bytes_round_trips},
        {"empty blob is empty, not NULL", test_empty_blob_is_empty_not_null},
        {"numeric round-trips without padding zeros",
         test_numeric_round_trips_without_padding_zeros},
        {"timestamp with microseconds round-trips before and after 1970",
         test_timestamp_with_microseconds_round_trips_before_and_after_1970},
        {"timestamp years 1 and 9999 round-trip", test_timestamp_years_1_and_9999_round_trip},
        {"timestamp beyond year 9999 is EINVAL", test_timestamp_beyond_year_9999_is_einval},
        {"timestamp is stored as UTC", test_timestamp_is_stored_as_utc},
        {"NOW() is UTC in every session", test_now_is_utc_in_every_session},
        {"date round-trips across its range", test_date_round_trips_across_its_range},
        {"uuid round-trips as 16 bytes", test_uuid_round_trips_as_16_bytes},
        {"json round-trips", test_json_round_trips},
        {"invalid json is rejected", test_invalid_json_is_rejected},
        {"NULL round-trips for every type", test_null_round_trips_for_every_type},
        {"columns convert to the type asked for", test_columns_convert_to_the_type_asked_for},
        {"string literals and quotes follow standard SQL",
         test_string_literals_and_quotes_follow_standard_sql},
        {"text comparison is case-sensitive", test_text_comparison_is_case_sensitive},
        {NULL, NULL}};
    test_add_suite("mysql_types", setup, teardown, tests);
}
