/* Every column type round-trips through parameters and results, checked against the server's
 * own text form of what it stored; NULLs; conversions between what is bound and the column. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pg_test.h"
#include "runner.h"

static ath_engine *engine;

static int suite_init(void)
{
    engine = pg_engine(NULL);
    return engine ? 0 : 1;
}

static int suite_clean(void)
{
    ath_engine_dispose(engine);
    return 0;
}

/* What came back from one round trip: the value read as `want` (text and blobs copied) and the
 * server's text form of the stored value. */
typedef struct trip {
    int rc;
    ath_value v;
    unsigned char bytes[4096];
    char server[4096];
} trip;

/*
 * In a transaction that is rolled back: a temporary table with one column of `sqltype`, `in`
 * inserted as a bound parameter, then read back as `want` and as the server's `v::text`.
 */
static void roundtrip(const char *sqltype, ath_value in, ath_type want, trip *t)
{
    char table[64] = "rt_", sql[256];
    size_t n = 3;
    for (const char *c = sqltype; *c && n < sizeof table - 1; c++)
        if (isalnum((unsigned char)*c))
            table[n++] = (char)tolower((unsigned char)*c);
    table[n] = '\0';
    memset(t, 0, sizeof *t);
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(pg_run(s, "SET LOCAL TIME ZONE 'UTC'", NULL, 0), ATH_OK);
    snprintf(sql, sizeof sql, "CREATE TEMP TABLE %s (v %s)", table, sqltype);
    ASSERT_RC(pg_run(s, sql, NULL, 0), ATH_OK);
    snprintf(sql, sizeof sql, "INSERT INTO %s (v) VALUES (?)", table);
    t->rc = pg_run(s, sql, &in, 1);
    if (t->rc == ATH_OK) {
        ath_result *r = NULL;
        snprintf(sql, sizeof sql, "SELECT v, v::text FROM %s", table);
        ASSERT_RC(ath_session_execute(s, sql, NULL, 0, &r), ATH_OK);
        ASSERT_RC(ath_result_next(r), 1);
        t->rc = ath_result_get(r, 0, want, &t->v);
        if (t->rc == ATH_OK && (t->v.type == ATH_T_TEXT || t->v.type == ATH_T_BLOB ||
                                t->v.type == ATH_T_NUMERIC || t->v.type == ATH_T_JSON)) {
            CU_ASSERT_FATAL(t->v.u.s.len < sizeof t->bytes);
            memcpy(t->bytes, t->v.u.s.ptr, t->v.u.s.len);
            if (t->v.type != ATH_T_BLOB) /* text must come NUL-terminated */
                CU_ASSERT_EQUAL(((const char *)t->v.u.s.ptr)[t->v.u.s.len], '\0');
            t->v.u.s.ptr = t->bytes;
        }
        const char *st = ath_result_text(r, 1);
        snprintf(t->server, sizeof t->server, "%s", st ? st : "(null)");
        ASSERT_RC(ath_result_next(r), 0);
        ath_result_free(r);
    }
    ath_session_rollback(s);
    ath_session_close(s);
}

static void test_i32_round_trips_min_max_and_zero(void)
{
    const int32_t values[] = {INT32_MIN, INT32_MAX, 0, -1};
    const char *texts[] = {"-2147483648", "2147483647", "0", "-1"};
    for (size_t i = 0; i < 4; i++) {
        trip t;
        roundtrip("INTEGER", ath_v_i32(values[i]), ATH_T_I32, &t);
        ASSERT_RC(t.rc, ATH_OK);
        CU_ASSERT_EQUAL(t.v.type, ATH_T_I32);
        CU_ASSERT_EQUAL(t.v.u.i32, values[i]);
        CU_ASSERT_STRING_EQUAL(t.server, texts[i]);
    }
}

static void test_i64_round_trips_min_and_max(void)
{
    const int64_t values[] = {INT64_MIN, INT64_MAX, 0, 4294967296};
    const char *texts[] = {"-9223372036854775808", "9223372036854775807", "0", "4294967296"};
    for (size_t i = 0; i < 4; i++) {
        trip t;
        roundtrip("BIGINT", ath_v_i64(values[i]), ATH_T_I64, &t);
        ASSERT_RC(t.rc, ATH_OK);
        CU_ASSERT_EQUAL(t.v.u.i64, values[i]);
        CU_ASSERT_STRING_EQUAL(t.server, texts[i]);
    }
}

static void test_double_round_trips_exactly_including_nan_and_infinities(void)
{
    const double values[] = {0.1, -1e300, 5e-324, 123456789.125, INFINITY, -INFINITY};
    const char *texts[] = {"0.1", "-1e+300", "5e-324", "123456789.125", "Infinity", "-Infinity"};
    for (size_t i = 0; i < 6; i++) {
        trip t;
        roundtrip("DOUBLE PRECISION", ath_v_double(values[i]), ATH_T_DOUBLE, &t);
        ASSERT_RC(t.rc, ATH_OK);
        CU_ASSERT_EQUAL(memcmp(&t.v.u.f64, &values[i], sizeof(double)), 0);
        CU_ASSERT_STRING_EQUAL(t.server, texts[i]);
    }
    trip t;
    roundtrip("DOUBLE PRECISION", ath_v_double(NAN), ATH_T_DOUBLE, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_TRUE(isnan(t.v.u.f64));
    CU_ASSERT_STRING_EQUAL(t.server, "NaN");
}

static void test_bool_round_trips(void)
{
    trip t;
    roundtrip("BOOLEAN", ath_v_bool(true), ATH_T_BOOL, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_EQUAL(t.v.type, ATH_T_BOOL);
    CU_ASSERT_TRUE(t.v.u.b);
    CU_ASSERT_STRING_EQUAL(t.server, "true");
    roundtrip("BOOLEAN", ath_v_bool(false), ATH_T_BOOL, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_FALSE(t.v.u.b);
    CU_ASSERT_STRING_EQUAL(t.server, "false");
}

static void test_text_round_trips_quotes_backslashes_unicode_and_empty(void)
{
    const char *values[] = {"it's \"quoted\" \\ back\\slash; -- not a comment ?", "ünïcødé 漢字 🎉",
                            "", "line\nbreak\ttab"};
    for (size_t i = 0; i < 4; i++) {
        trip t;
        roundtrip("TEXT", ath_v_text(values[i]), ATH_T_TEXT, &t);
        ASSERT_RC(t.rc, ATH_OK);
        CU_ASSERT_EQUAL(t.v.type, ATH_T_TEXT); /* the empty string is not NULL */
        CU_ASSERT_EQUAL(t.v.u.s.len, strlen(values[i]));
        CU_ASSERT_EQUAL(memcmp(t.v.u.s.ptr, values[i], strlen(values[i])), 0);
        CU_ASSERT_STRING_EQUAL(t.server, values[i]);
    }
}

static void test_text_parameter_needs_no_terminator(void)
{
    trip t;
    roundtrip("TEXT", ath_v_textn(ATH_T_TEXT, "abcdef", 3), ATH_T_TEXT, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_STRING_EQUAL(t.server, "abc");
    roundtrip("NUMERIC", ath_v_textn(ATH_T_NUMERIC, "12.5xyz", 4), ATH_T_NUMERIC, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_STRING_EQUAL(t.server, "12.5");
}

/* The one text policy refuses what PostgreSQL would (SQLSTATE 22021) before sending it. */
static void test_invalid_utf8_text_is_refused_before_sending(void)
{
    trip t;
    roundtrip("TEXT", ath_v_textn(ATH_T_TEXT, "ab\xff\xfe", 4), ATH_T_TEXT, &t);
    CU_ASSERT_EQUAL(t.rc, ATH_EINVAL);
    CU_ASSERT_STRING_EQUAL(ath_error_last()->sqlstate, "");
    ASSERT_ERR_HAS("not valid UTF-8 at byte 2");
    roundtrip("TEXT", ath_v_textn(ATH_T_TEXT, "a\0b", 3), ATH_T_TEXT, &t);
    CU_ASSERT_EQUAL(t.rc, ATH_EINVAL); /* PostgreSQL text cannot hold a NUL byte */
    ASSERT_ERR_HAS("NUL byte");
}

static void test_varchar_keeps_its_limit(void)
{
    trip t;
    roundtrip("VARCHAR(5)", ath_v_text("abcde"), ATH_T_TEXT, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_STRING_EQUAL((const char *)t.bytes, "abcde");
    roundtrip("VARCHAR(5)", ath_v_text("abcdef"), ATH_T_TEXT, &t);
    CU_ASSERT_EQUAL(t.rc, ATH_ECHECK);
    CU_ASSERT_STRING_EQUAL(ath_error_last()->sqlstate, "22001");
}

static void test_bytea_round_trips_zero_bytes_and_empty(void)
{
    const unsigned char data[] = {0, 1, 0, 255, 0, '\\', 'x'};
    trip t;
    roundtrip("BYTEA", ath_v_blob(data, sizeof data), ATH_T_BLOB, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_EQUAL(t.v.type, ATH_T_BLOB);
    CU_ASSERT_EQUAL(t.v.u.s.len, sizeof data);
    CU_ASSERT_EQUAL(memcmp(t.v.u.s.ptr, data, sizeof data), 0);
    CU_ASSERT_STRING_EQUAL(t.server, "\\x000100ff005c78");
    roundtrip("BYTEA", ath_v_blob("", 0), ATH_T_BLOB, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_EQUAL(t.v.type, ATH_T_BLOB); /* empty, not NULL */
    CU_ASSERT_EQUAL(t.v.u.s.len, 0);
    CU_ASSERT_STRING_EQUAL(t.server, "\\x");
}

static void test_numeric_round_trips_as_exact_text(void)
{
    const char *values[] = {"12345678901234567890.123456789",      "-0.000001", "0", "100000000",
                            "-99999999999999999999999999999999.5", "NaN"};
    for (size_t i = 0; i < 6; i++) {
        trip t;
        roundtrip("NUMERIC", ath_v_numeric(values[i]), ATH_T_NUMERIC, &t);
        ASSERT_RC(t.rc, ATH_OK);
        CU_ASSERT_EQUAL(t.v.type, ATH_T_NUMERIC);
        CU_ASSERT_STRING_EQUAL((const char *)t.bytes, values[i]);
        CU_ASSERT_STRING_EQUAL(t.server, values[i]);
    }
}

static void test_numeric_keeps_its_scale(void)
{
    trip t;
    roundtrip("NUMERIC(10,2)", ath_v_numeric("12.5"), ATH_T_NUMERIC, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_STRING_EQUAL((const char *)t.bytes, "12.50");
    roundtrip("NUMERIC(10,4)", ath_v_numeric("0.0001"), ATH_T_NUMERIC, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_STRING_EQUAL((const char *)t.bytes, "0.0001");
}

static void test_binary_numerics_read_as_the_servers_text(void)
{
    ath_session *s = NULL;
    ath_result *r = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_session_execute(s,
                                  "SELECT v, v::text FROM (VALUES (0.001::numeric), (1e20),"
                                  " (-12.5), (123456.000100), (0.00000000000000000001),"
                                  " (10000), (9999.9999), ('Infinity'), ('-Infinity'), (1e-3),"
                                  " (round(2::numeric / 3, 40))) AS t (v)",
                                  NULL, 0, &r),
              ATH_OK);
    int rows = 0;
    while (ath_result_next(r) == 1) {
        const char *server = ath_result_text(r, 1);
        char mine[256];
        snprintf(mine, sizeof mine, "%s", ath_result_text(r, 0));
        CU_ASSERT_STRING_EQUAL(mine, server);
        rows++;
    }
    CU_ASSERT_EQUAL(rows, 11);
    ath_result_free(r);
    ath_session_close(s);
}

static void test_timestamptz_round_trips_microseconds_and_before_1970(void)
{
    const ath_timestamp values[] = {INT64_C(1700000000123456), -1, INT64_C(-2208988800000000), 0,
                                    INT64_C(-62135596800000000)};
    const char *texts[] = {"2023-11-14 22:13:20.123456+00", "1969-12-31 23:59:59.999999+00",
                           "1900-01-01 00:00:00+00", "1970-01-01 00:00:00+00",
                           "0001-01-01 00:00:00+00"};
    for (size_t i = 0; i < 5; i++) {
        trip t;
        roundtrip("TIMESTAMPTZ", ath_v_timestamp(values[i]), ATH_T_TIMESTAMP, &t);
        ASSERT_RC(t.rc, ATH_OK);
        CU_ASSERT_EQUAL(t.v.type, ATH_T_TIMESTAMP);
        CU_ASSERT_EQUAL(t.v.u.ts, values[i]);
        CU_ASSERT_STRING_EQUAL(t.server, texts[i]);
    }
}

static void test_timestamptz_reads_as_text_like_the_server(void)
{
    trip t;
    roundtrip("TIMESTAMPTZ", ath_v_timestamp(INT64_C(1700000000120000)), ATH_T_TEXT, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_STRING_EQUAL((const char *)t.bytes, "2023-11-14 22:13:20.12+00");
    CU_ASSERT_STRING_EQUAL((const char *)t.bytes, t.server);
}

static void test_date_round_trips_before_and_after_1970(void)
{
    const ath_date values[] = {0, -1, 19723, -719162, 2932896};
    const char *texts[] = {"1970-01-01", "1969-12-31", "2024-01-01", "0001-01-01", "9999-12-31"};
    for (size_t i = 0; i < 5; i++) {
        trip t;
        roundtrip("DATE", ath_v_date(values[i]), ATH_T_DATE, &t);
        ASSERT_RC(t.rc, ATH_OK);
        CU_ASSERT_EQUAL(t.v.type, ATH_T_DATE);
        CU_ASSERT_EQUAL(t.v.u.date, values[i]);
        CU_ASSERT_STRING_EQUAL(t.server, texts[i]);
    }
}

static void test_uuid_round_trips(void)
{
    ath_uuid u = {{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0xed, 0xcb, 0xa9, 0x87,
                   0x65, 0x43, 0x21}};
    trip t;
    roundtrip("UUID", ath_v_uuid(u), ATH_T_UUID, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_EQUAL(t.v.type, ATH_T_UUID);
    CU_ASSERT_EQUAL(memcmp(t.v.u.uuid.bytes, u.bytes, 16), 0);
    CU_ASSERT_STRING_EQUAL(t.server, "12345678-9abc-def0-0fed-cba987654321");
    roundtrip("UUID", ath_v_uuid(u), ATH_T_TEXT, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_STRING_EQUAL((const char *)t.bytes, "12345678-9abc-def0-0fed-cba987654321");
}

static void test_jsonb_round_trips_normalised(void)
{
    trip t;
    roundtrip("JSONB", ath_v_json("{\"b\":null,\"a\":[1,2.5,\"x\\\"y\"],\"u\":\"\xc3\xa9\"}"),
              ATH_T_JSON, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_EQUAL(t.v.type, ATH_T_JSON);
    CU_ASSERT_STRING_EQUAL((const char *)t.bytes,
                           "{\"a\": [1, 2.5, \"x\\\"y\"], \"b\": null, \"u\": \"\xc3\xa9\"}");
    CU_ASSERT_STRING_EQUAL((const char *)t.bytes, t.server);
}

static void test_invalid_json_is_rejected_by_the_server(void)
{
    trip t;
    roundtrip("JSONB", ath_v_json("{not json"), ATH_T_JSON, &t);
    CU_ASSERT_EQUAL(t.rc, ATH_ECHECK);
    CU_ASSERT_STRING_EQUAL(ath_error_last()->sqlstate, "22P02");
}

static void test_null_round_trips_for_every_type(void)
{
    static const struct {
        const char *sqltype;
        ath_type type;
    } cols[] = {
        {"INTEGER", ATH_T_I32},
        {"BIGINT", ATH_T_I64},
        {"DOUBLE PRECISION", ATH_T_DOUBLE},
        {"BOOLEAN", ATH_T_BOOL},
        {"TEXT", ATH_T_TEXT},
        {"BYTEA", ATH_T_BLOB},
        {"NUMERIC", ATH_T_NUMERIC},
        {"TIMESTAMPTZ", ATH_T_TIMESTAMP},
        {"DATE", ATH_T_DATE},
        {"UUID", ATH_T_UUID},
        {"JSONB", ATH_T_JSON},
        {"VARCHAR(10)", ATH_T_TEXT},
    };
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
        trip t;
        roundtrip(cols[i].sqltype, ath_v_null(), cols[i].type, &t);
        ASSERT_RC(t.rc, ATH_OK);
        CU_ASSERT_EQUAL(t.v.type, ATH_T_NULL);
        CU_ASSERT_STRING_EQUAL(t.server, "(null)");
    }
}

static void test_i64_out_of_range_for_integer_is_rejected_by_the_server(void)
{
    trip t;
    roundtrip("INTEGER", ath_v_i64(INT64_C(3000000000)), ATH_T_I32, &t);
    CU_ASSERT_EQUAL(t.rc, ATH_ESQL);
    CU_ASSERT_STRING_EQUAL(ath_error_last()->sqlstate, "22003");
    roundtrip("INTEGER", ath_v_i64(-7), ATH_T_I64, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_EQUAL(t.v.u.i64, -7);
}

static void test_values_convert_to_the_column_type(void)
{
    trip t;
    roundtrip("NUMERIC", ath_v_i32(5), ATH_T_NUMERIC, &t); /* integer into numeric */
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_STRING_EQUAL(t.server, "5");
    roundtrip("DATE", ath_v_text("2024-02-29"), ATH_T_DATE, &t); /* text the server parses */
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_STRING_EQUAL(t.server, "2024-02-29");
    ath_uuid u = {{0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b}};
    roundtrip("TEXT", ath_v_uuid(u), ATH_T_UUID, &t); /* uuid into text, parsed back */
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_STRING_EQUAL(t.server, "a0000000-0000-0000-0000-00000000000b");
    CU_ASSERT_EQUAL(memcmp(t.v.u.uuid.bytes, u.bytes, 16), 0);
    roundtrip("BIGINT", ath_v_bool(true), ATH_T_BOOL, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_STRING_EQUAL(t.server, "1");
    CU_ASSERT_TRUE(t.v.u.b);
    roundtrip("DOUBLE PRECISION", ath_v_i64(-3), ATH_T_I32, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_EQUAL(t.v.u.i32, -3);
    roundtrip("TIMESTAMPTZ", ath_v_date(1), ATH_T_TIMESTAMP, &t);
    ASSERT_RC(t.rc, ATH_OK);
    CU_ASSERT_STRING_EQUAL(t.server, "1970-01-02 00:00:00+00");
}

static void test_unconvertible_read_names_the_column(void)
{
    trip t;
    roundtrip("TEXT", ath_v_text("not a number"), ATH_T_I64, &t);
    CU_ASSERT_EQUAL(t.rc, ATH_EINVAL);
    ASSERT_ERR_HAS("column v");
    roundtrip("BIGINT", ath_v_i64(INT64_C(5000000000)), ATH_T_I32, &t);
    CU_ASSERT_EQUAL(t.rc, ATH_EINVAL);
    ASSERT_ERR_HAS("32-bit");
}

static void test_text_format_results_convert_with_time_zone_offsets(void)
{
    /* an interval column has no binary decoder here, so the whole row comes as text */
    ath_session *s = NULL;
    ath_result *r = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(pg_run(s, "SET LOCAL TIME ZONE 'Asia/Kolkata'", NULL, 0), ATH_OK);
    ath_value p[] = {ath_v_timestamp(INT64_C(1700000000123456))};
    ASSERT_RC(ath_session_execute(s,
                                  "SELECT ?::timestamptz, interval '1 day 2 hours', 42::int,"
                                  " true, '\\x00ff'::bytea, 2.5::float8, 'a1a2a3a4-0000-0000-0000-"
                                  "000000000001'::uuid, DATE '2000-02-29'",
                                  p, 1, &r),
              ATH_OK);
    ASSERT_RC(ath_result_next(r), 1);
    ath_value v;
    ASSERT_RC(ath_result_get(r, 0, ATH_T_TIMESTAMP, &v), ATH_OK);
    CU_ASSERT_EQUAL(v.u.ts, INT64_C(1700000000123456));
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 0), "2023-11-15 03:43:20.123456+05:30");
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 1), "1 day 02:00:00");
    CU_ASSERT_EQUAL(ath_result_i64(r, 2), 42);
    ASSERT_RC(ath_result_get(r, 3, ATH_T_BOOL, &v), ATH_OK);
    CU_ASSERT_TRUE(v.u.b);
    ASSERT_RC(ath_result_get(r, 4, ATH_T_BLOB, &v), ATH_OK);
    CU_ASSERT_EQUAL(v.u.s.len, 2);
    CU_ASSERT_EQUAL(memcmp(v.u.s.ptr, "\x00\xff", 2), 0);
    CU_ASSERT_EQUAL(ath_result_double(r, 5), 2.5);
    ASSERT_RC(ath_result_get(r, 6, ATH_T_UUID, &v), ATH_OK);
    CU_ASSERT_EQUAL(v.u.uuid.bytes[0], 0xa1);
    CU_ASSERT_EQUAL(v.u.uuid.bytes[15], 0x01);
    ASSERT_RC(ath_result_get(r, 7, ATH_T_DATE, &v), ATH_OK);
    CU_ASSERT_EQUAL(v.u.date, 11016);
    ath_result_free(r);
    ath_session_close(s);
}

static void test_binary_scalars_read_as_text_like_the_server(void)
{
    ath_session *s = NULL;
    ath_result *r = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_session_execute(
                  s,
                  "SELECT v, v::text FROM (VALUES (0.1::float8), (1e20), (1.5e-7), (-0.0),"
                  " (123456789012345678), (1e15), (1e16), (2.0/3), ('NaN')) AS t (v)",
                  NULL, 0, &r),
              ATH_OK);
    int rows = 0;
    while (ath_result_next(r) == 1) {
        char mine[64];
        snprintf(mine, sizeof mine, "%s", ath_result_text(r, 0));
        CU_ASSERT_STRING_EQUAL(mine, ath_result_text(r, 1));
        rows++;
    }
    CU_ASSERT_EQUAL(rows, 9);
    ath_result_free(r);
    ASSERT_RC(ath_session_execute(s,
                                  "SELECT 42::smallint, -7::int, true, false, '\\x00ab'::bytea,"
                                  " 0.1::real, 3e38::real, 1234567::oid",
                                  NULL, 0, &r),
              ATH_OK);
    ASSERT_RC(ath_result_next(r), 1);
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 0), "42");
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 1), "-7");
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 2), "t");
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 3), "f");
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 4), "\\x00ab");
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 5), "0.1");
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 6), "3e+38");
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 7), "1234567");
    ath_result_free(r);
    ath_session_close(s);
}

TEST_SUITE(types)
{
    static const test_case tests[] = {
        {"i32 round-trips min, max and zero", test_i32_round_trips_min_max_and_zero},
        {"i64 round-trips min and max", test_i64_round_trips_min_and_max},
        {"double round-trips exactly, NaN and infinities included",
         test_double_round_trips_exactly_including_nan_and_infinities},
        {"bool round-trips", test_bool_round_trips},
        {"text round-trips quotes, backslashes, unicode and empty",
         test_text_round_trips_quotes_backslashes_unicode_and_empty},
        {"text parameter needs no terminator", test_text_parameter_needs_no_terminator},
        {"invalid UTF-8 text is refused before sending",
         test_invalid_utf8_text_is_refused_before_sending},
        {"varchar keeps its limit", test_varchar_keeps_its_limit},
        {"bytea round-trips zero bytes and empty", test_bytea_round_trips_zero_bytes_and_empty},
        {"numeric round-trips as exact text", test_numeric_round_trips_as_exact_text},
        {"numeric keeps its scale", test_numeric_keeps_its_scale},
        {"binary numerics read as the server's text",
         test_binary_numerics_read_as_the_servers_text},
        {"timestamptz round-trips microseconds and before 1970",
         test_timestamptz_round_trips_microseconds_and_before_1970},
        {"timestamptz reads as text like the server",
         test_timestamptz_reads_as_text_like_the_server},
        {"date round-trips before and after 1970", test_date_round_trips_before_and_after_1970},
        {"uuid round-trips", test_uuid_round_trips},
        {"jsonb round-trips normalised", test_jsonb_round_trips_normalised},
        {"invalid json is rejected by the server", test_invalid_json_is_rejected_by_the_server},
        {"NULL round-trips for every type", test_null_round_trips_for_every_type},
        {"i64 out of range for INTEGER is rejected by the server",
         test_i64_out_of_range_for_integer_is_rejected_by_the_server},
        {"values convert to the column type", test_values_convert_to_the_column_type},
        {"an unconvertible read names the column", test_unconvertible_read_names_the_column},
        {"text-format results convert, with time zone offsets",
         test_text_format_results_convert_with_time_zone_offsets},
        {"binary scalars read as text like the server",
         test_binary_scalars_read_as_text_like_the_server},
        {NULL, NULL},
    };
    test_add_suite("types", suite_init, suite_clean, tests);
}
