/* Tests for core/value.c: timestamps, dates and UUIDs in text form. */
#include <stdio.h>
#include <string.h>

#include <athanor/error.h>
#include <athanor/value.h>

#include "runner.h"

static void test_timestamp_formats_epoch_and_micros(void)
{
    char buf[ATH_TIMESTAMP_TEXT_MAX];
    CU_ASSERT_EQUAL(ath_timestamp_format(0, false, buf, sizeof buf), 26);
    CU_ASSERT_STRING_EQUAL(buf, "1970-01-01 00:00:00.000000");
    ath_timestamp ts;
    ASSERT_RC(ath_timestamp_from_parts(&ts, 2024, 2, 29, 23, 59, 58, 123456), ATH_OK);
    ath_timestamp_format(ts, true, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "2024-02-29T23:59:58.123456Z");
}

static void test_timestamp_format_truncates_like_snprintf(void)
{
    char small[11];
    CU_ASSERT_EQUAL(ath_timestamp_format(0, false, small, sizeof small), 26);
    CU_ASSERT_STRING_EQUAL(small, "1970-01-01");
    CU_ASSERT_EQUAL(ath_timestamp_format(0, true, NULL, 0), 27);
}

static void test_fixed_and_general_parsers_agree(void)
{
    static const char *const texts[] = {"2024-02-29 23:59:58.123456", "0001-01-01 00:00:00.000000",
                                        "9999-12-31 23:59:59.999999", "1969-12-31 23:59:59.999999"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        ath_timestamp fixed, general;
        char iso[40];
        ASSERT_RC(ath_timestamp_parse(&fixed, texts[i], strlen(texts[i])), ATH_OK);
        snprintf(iso, sizeof iso, "%.10sT%sZ", texts[i], texts[i] + 11); /* the general path */
        ASSERT_RC(ath_timestamp_parse(&general, iso, strlen(iso)), ATH_OK);
        CU_ASSERT_EQUAL(fixed, general);
    }
    ath_timestamp ts;
    CU_ASSERT_EQUAL(ath_timestamp_parse(&ts, "2024-02-30 00:00:00.000000", 26), ATH_EINVAL);
    CU_ASSERT_EQUAL(ath_timestamp_parse(&ts, "2024-01-01 24:00:00.000000", 26), ATH_EINVAL);
}

static void test_timestamp_before_epoch_round_trips(void)
{
    char buf[ATH_TIMESTAMP_TEXT_MAX];
    ath_timestamp ts, back;
    ASSERT_RC(ath_timestamp_from_parts(&ts, 1969, 12, 31, 23, 59, 59, 999999), ATH_OK);
    CU_ASSERT_EQUAL(ts, -1);
    ath_timestamp_format(ts, false, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "1969-12-31 23:59:59.999999");
    ASSERT_RC(ath_timestamp_parse(&back, buf, strlen(buf)), ATH_OK);
    CU_ASSERT_EQUAL(back, ts);
}

static void test_timestamp_range_edges(void)
{
    char buf[ATH_TIMESTAMP_TEXT_MAX];
    ath_timestamp lo, hi, back;
    ASSERT_RC(ath_timestamp_from_parts(&lo, 1, 1, 1, 0, 0, 0, 0), ATH_OK);
    ASSERT_RC(ath_timestamp_from_parts(&hi, 9999, 12, 31, 23, 59, 59, 999999), ATH_OK);
    ath_timestamp_format(lo, false, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "0001-01-01 00:00:00.000000");
    ASSERT_RC(ath_timestamp_parse(&back, buf, strlen(buf)), ATH_OK);
    CU_ASSERT_EQUAL(back, lo);
    ath_timestamp_format(hi, false, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "9999-12-31 23:59:59.999999");
    ASSERT_RC(ath_timestamp_format(hi + 1, false, buf, sizeof buf), ATH_EINVAL);
}

static void test_timestamp_parse_accepts_zones_and_short_forms(void)
{
    ath_timestamp a, b, c, d;
    ASSERT_RC(ath_timestamp_parse(&a, "2020-05-01T12:00:00Z", 20), ATH_OK);
    ASSERT_RC(ath_timestamp_parse(&b, "2020-05-01 14:00:00+02:00", 25), ATH_OK);
    ASSERT_RC(ath_timestamp_parse(&c, "2020-05-01 07:00-05", 19), ATH_OK);
    ASSERT_RC(ath_timestamp_parse(&d, "2020-05-01", 10), ATH_OK);
    CU_ASSERT_EQUAL(a, b);
    CU_ASSERT_EQUAL(a, c);
    CU_ASSERT_EQUAL(a - d, INT64_C(12) * 3600 * 1000000);
    ath_timestamp e;
    ASSERT_RC(ath_timestamp_parse(&e, "2020-05-01 12:00:00.5", 21), ATH_OK);
    CU_ASSERT_EQUAL(e - a, 500000);
}

static void test_timestamp_parse_rejects_garbage(void)
{
    static const char *const bad[] = {"",          "2020",           "2020-13-01",
                                      "2020-02-30", "2020-01-01 25:00", "2020-01-01 10:00:00.",
                                      "2020-01-01x", "20-01-01",        "2020-01-01 10:00:00+25"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ath_timestamp ts;
        CU_ASSERT_EQUAL(ath_timestamp_parse(&ts, bad[i], strlen(bad[i])), ATH_EINVAL);
    }
}

static void test_date_round_trips(void)
{
    ath_date d, back;
    char buf[ATH_DATE_TEXT_MAX];
    ASSERT_RC(ath_date_from_parts(&d, 2000, 3, 1), ATH_OK);
    CU_ASSERT_EQUAL(d, 11017);
    CU_ASSERT_EQUAL(ath_date_format(d, buf, sizeof buf), 10);
    CU_ASSERT_STRING_EQUAL(buf, "2000-03-01");
    ASSERT_RC(ath_date_parse(&back, buf, 10), ATH_OK);
    CU_ASSERT_EQUAL(back, d);
    CU_ASSERT_EQUAL(ath_date_parse(&back, "1900-02-29", 10), ATH_EINVAL);
}

static void test_uuid_round_trips_in_both_forms(void)
{
    ath_uuid u, v;
    char buf[ATH_UUID_TEXT_MAX];
    const char *text = "123E4567-e89b-12d3-a456-426614174000";
    ASSERT_RC(ath_uuid_parse(&u, text, strlen(text)), ATH_OK);
    CU_ASSERT_EQUAL(u.bytes[0], 0x12);
    CU_ASSERT_EQUAL(u.bytes[15], 0x00);
    CU_ASSERT_EQUAL(ath_uuid_format(&u, buf, sizeof buf), 36);
    CU_ASSERT_STRING_EQUAL(buf, "123e4567-e89b-12d3-a456-426614174000");
    ASSERT_RC(ath_uuid_parse(&v, "123e4567e89b12d3a456426614174000", 32), ATH_OK);
    CU_ASSERT_EQUAL(memcmp(&u, &v, sizeof u), 0);
    CU_ASSERT_FALSE(ath_uuid_is_nil(&u));
    memset(&v, 0, sizeof v);
    CU_ASSERT_TRUE(ath_uuid_is_nil(&v));
    CU_ASSERT_EQUAL(ath_uuid_parse(&v, "123e4567-e89b-12d3-a456-42661417400g", 36), ATH_EINVAL);
    CU_ASSERT_EQUAL(ath_uuid_parse(&v, "123e4567+e89b-12d3-a456-426614174000", 36), ATH_EINVAL);
    CU_ASSERT_EQUAL(ath_uuid_format(&u, buf, 10), ATH_EINVAL);
}

static void test_value_constructors(void)
{
    ath_value v = ath_v_text(NULL);
    CU_ASSERT_EQUAL(v.type, ATH_T_NULL);
    v = ath_v_text("héllo");
    CU_ASSERT_EQUAL(v.type, ATH_T_TEXT);
    CU_ASSERT_EQUAL(v.u.s.len, 6);
    v = ath_v_blob("a\0b", 3);
    CU_ASSERT_EQUAL(v.type, ATH_T_BLOB);
    CU_ASSERT_EQUAL(v.u.s.len, 3);
    CU_ASSERT_STRING_EQUAL(ath_type_name(ATH_T_TIMESTAMP), "timestamp");
    CU_ASSERT_STRING_EQUAL(ath_type_name((ath_type)99), "?");
    ath_opt_i32 o = ath_some_i32(7);
    CU_ASSERT_TRUE(o.set);
    CU_ASSERT_EQUAL(o.value, 7);
}

TEST_SUITE(value)
{
    static const test_case tests[] = {
        {"timestamp formats epoch and micros", test_timestamp_formats_epoch_and_micros},
        {"timestamp format truncates like snprintf", test_timestamp_format_truncates_like_snprintf},
        {"fixed and general parsers agree", test_fixed_and_general_parsers_agree},
        {"timestamp before epoch round-trips", test_timestamp_before_epoch_round_trips},
        {"timestamp range edges", test_timestamp_range_edges},
        {"timestamp parse accepts zones and short forms",
         test_timestamp_parse_accepts_zones_and_short_forms},
        {"timestamp parse rejects garbage", test_timestamp_parse_rejects_garbage},
        {"date round-trips", test_date_round_trips},
        {"uuid round-trips in both forms", test_uuid_round_trips_in_both_forms},
        {"value constructors", test_value_constructors},
        {NULL, NULL},
    };
    test_add_suite("value", NULL, NULL, tests);
}
