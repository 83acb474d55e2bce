/*
 * types: every column kind round-trips exactly through add → get (and list, update, filters),
 * including the edges: integer extremes, negative zero, text that looks like SQL, 4-byte UTF-8,
 * empty strings and blobs versus NULL, timestamps before 1970 and at the ends of the range.
 *
 * Two comparisons are deliberately not byte-for-byte: NUMERIC (backends may pad or normalise
 * trailing zeros: "12345.6789" may come back as "12345.67890000", so values are compared as
 * numbers with strtod) and JSON (backends may reformat whitespace: compared after removing
 * whitespace outside strings).
 */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

/* --- comparisons ---------------------------------------------------------------------------- */

static void check(bool ok, const char *what, int line)
{
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, what, __FILE__, "", CU_FALSE);
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_numeric(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strtod(a, NULL) == strtod(b, NULL));
}

/* JSON text without whitespace outside strings. */
static void json_squeeze(const char *in, char *out, size_t size)
{
    size_t n = 0;
    bool str = false, esc = false;
    for (; *in && n + 1 < size; in++) {
        if (str) {
            if (esc)
                esc = false;
            else if (*in == '\\')
                esc = true;
            else if (*in == '"')
                str = false;
        } else if (*in == '"') {
            str = true;
        } else if (isspace((unsigned char)*in)) {
            continue;
        }
        out[n++] = *in;
    }
    out[n] = '\0';
}

static bool same_json(const char *a, const char *b)
{
    char x[1024], y[1024];
    if (!a || !b)
        return !a && !b;
    json_squeeze(a, x, sizeof x);
    json_squeeze(b, y, sizeof y);
    return strcmp(x, y) == 0;
}

static bool same_blob(ath_blob a, ath_blob b)
{
    if (!a.data || !b.data)
        return !a.data && !b.data;
    return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

static bool same_double(double a, double b)
{
    return a == b && signbit(a) == signbit(b);
}

#define OPT_SAME(a, b)         ((a).set == (b).set && (!(a).set || (a).value == (b).value))
#define CHECK_FIELD(ok, field) check((ok), "column " field " differs from what was stored", line)

/* Asserts that every column of `got` equals `want`, naming the first column that differs. */
static void check_same(const AllTypes *got, const AllTypes *want, int line)
{
    CHECK_FIELD(memcmp(&got->id, &want->id, sizeof got->id) == 0, "id");
    CHECK_FIELD(got->c_i32 == want->c_i32, "c_i32");
    CHECK_FIELD(got->c_i64 == want->c_i64, "c_i64");
    CHECK_FIELD(same_double(got->c_f64, want->c_f64), "c_f64");
    CHECK_FIELD(got->c_bool == want->c_bool, "c_bool");
    CHECK_FIELD(same_text(got->c_text, want->c_text), "c_text");
    CHECK_FIELD(same_blob(got->c_blob, want->c_blob), "c_blob");
    CHECK_FIELD(same_numeric(got->c_numeric, want->c_numeric), "c_numeric");
    CHECK_FIELD(got->c_ts == want->c_ts, "c_ts");
    CHECK_FIELD(got->c_date == want->c_date, "c_date");
    CHECK_FIELD(memcmp(&got->c_uuid, &want->c_uuid, sizeof got->c_uuid) == 0, "c_uuid");
    CHECK_FIELD(same_json(got->c_json, want->c_json), "c_json");
    CHECK_FIELD(OPT_SAME(got->o_i32, want->o_i32), "o_i32");
    CHECK_FIELD(OPT_SAME(got->o_i64, want->o_i64), "o_i64");
    CHECK_FIELD(got->o_f64.set == want->o_f64.set &&
                    (!got->o_f64.set || same_double(got->o_f64.value, want->o_f64.value)),
                "o_f64");
    CHECK_FIELD(OPT_SAME(got->o_bool, want->o_bool), "o_bool");
    CHECK_FIELD(same_text(got->o_text, want->o_text), "o_text");
    CHECK_FIELD(same_blob(got->o_blob, want->o_blob), "o_blob");
    CHECK_FIELD(same_numeric(got->o_numeric, want->o_numeric), "o_numeric");
    CHECK_FIELD(OPT_SAME(got->o_ts, want->o_ts), "o_ts");
    CHECK_FIELD(OPT_SAME(got->o_date, want->o_date), "o_date");
    CHECK_FIELD(got->o_uuid.set == want->o_uuid.set &&
                    (!got->o_uuid.set ||
                     memcmp(&got->o_uuid.value, &want->o_uuid.value, sizeof(ath_uuid)) == 0),
                "o_uuid");
    CHECK_FIELD(same_json(got->o_json, want->o_json), "o_json");
}

/* Adds `row` and reads it back by key through get, and through list; both must equal `row`. */
static void round_trip_at(ath_repo *repo, const AllTypes *row, int line)
{
    AllTypes in = *row, got;
    ASSERT_RC(ath_repo_add(repo, &in), ATH_OK);
    memset(&got, 0, sizeof got);
    ath_value k = ath_v_uuid(row->id);
    ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
    check_same(&got, row, line);
    ath_model_free_fields(&AllTypes_model, &got);
    ath_list *l = conf_list(repo, ATH_FILTERS(ath_where("id", ATH_EQ, ath_v_uuid(row->id))));
    CU_ASSERT_FATAL(ath_list_count(l) == 1);
    check_same(ath_list_at(l, 0), row, line);
}
#define ROUND_TRIP(repo, row) round_trip_at((repo), (row), __LINE__)

static ath_repo *fixture(void)
{
    return conf_repo(conf_begin(), &AllTypes_model);
}

/* --- tests ------------------------------------------------------------------------------------ */

static void test_types_i32_extremes(void)
{
    ath_repo *repo = fixture();
    AllTypes r;
    fill_all_types(&r, 1);
    r.c_i32 = INT32_MIN;
    r.o_i32 = ath_some_i32(INT32_MAX);
    ROUND_TRIP(repo, &r);
    fill_all_types(&r, 2);
    r.c_i32 = INT32_MAX;
    r.o_i32 = ath_some_i32(INT32_MIN);
    ROUND_TRIP(repo, &r);
    conf_end();
}

static void test_types_i64_extremes(void)
{
    ath_repo *repo = fixture();
    AllTypes r;
    fill_all_types(&r, 1);
    r.c_i64 = INT64_MIN;
    r.o_i64 = ath_some_i64(INT64_MAX);
    ROUND_TRIP(repo, &r);
    fill_all_types(&r, 2);
    r.c_i64 = INT64_MAX;
    r.o_i64 = ath_some_i64(INT64_MIN);
    ROUND_TRIP(repo, &r);
    conf_end();
}

static void test_types_i64_max_read_by_raw_select(void)
{
    ath_session *s = conf_begin();
    ath_repo *repo = conf_repo(s, &AllTypes_model);
    AllTypes r;
    fill_all_types(&r, 1);
    r.c_i64 = INT64_MAX;
    ASSERT_RC(ath_repo_add(repo, &r), ATH_OK);
    ath_value k = ath_v_uuid(r.id);
    ASSERT_I64(sql_i64(s, "SELECT c_i64 FROM all_types WHERE id = ?", &k, 1), INT64_MAX);
    conf_end();
}

static void test_types_double_extremes(void)
{
    ath_repo *repo = fixture();
    AllTypes r;
    fill_all_types(&r, 1);
    r.c_f64 = 1e308;
    r.o_f64 = ath_some_double(-1e308);
    ROUND_TRIP(repo, &r);
    fill_all_types(&r, 2);
    r.c_f64 = 0.1; /* not exact in binary: the text path must print enough digits */
    r.o_f64 = ath_some_double(DBL_MIN);
    ROUND_TRIP(repo, &r);
    fill_all_types(&r, 3);
    r.c_f64 = 1.0 / 3.0;
    r.o_f64 = ath_some_double(-2.2250738585072014e-308);
    ROUND_TRIP(repo, &r);
    conf_end();
}

static void test_types_double_negative_zero(void)
{
    ath_repo *repo = fixture();
    AllTypes r, got;
    fill_all_types(&r, 1);
    r.c_f64 = -0.0;
    r.o_f64 = ath_some_double(-0.0);
    if (conf->be->keeps_negative_zero) {
        ROUND_TRIP(repo, &r);
    } else {
        /* the backend table says the sign is lost: the value must still be zero */
        ASSERT_RC(ath_repo_add(repo, &r), ATH_OK);
        memset(&got, 0, sizeof got);
        ath_value k = ath_v_uuid(r.id);
        ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
        CU_ASSERT(got.c_f64 == 0.0);
        CU_ASSERT(got.o_f64.set && got.o_f64.value == 0.0);
        ath_model_free_fields(&AllTypes_model, &got);
    }
    conf_end();
}

static void test_types_bool(void)
{
    ath_repo *repo = fixture();
    AllTypes r;
    fill_all_types(&r, 1);
    r.c_bool = true;
    r.o_bool = ath_some_bool(false); /* set and false is not unset */
    ROUND_TRIP(repo, &r);
    fill_all_types(&r, 2);
    r.c_bool = false;
    r.o_bool = ath_some_bool(true);
    ROUND_TRIP(repo, &r);
    conf_end();
}

static void test_types_text_that_looks_like_sql(void)
{
    static const char *const texts[] = {
        "it's",    "\"double\"", "back\\slash", "\\'", "-- comment", "a; DROP TABLE hero; --",
        "/* c */", "?",          "$1",          "%_",  ":name",      "tab\tnew\nline\r",
    };
    ath_repo *repo = fixture();
    for (unsigned i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        AllTypes r;
        fill_all_types(&r, i + 1);
        r.c_text = (char *)texts[i];
        r.o_text = (char *)texts[i];
        ROUND_TRIP(repo, &r);
    }
    conf_end();
}

static void test_types_text_unicode_including_4_byte_emoji(void)
{
    static const char *const texts[] = {
        "Ñandú",
        "日本語",
        "\xF0\x9F\x98\x80 grinning",
        "mixed \xF0\x9F\xA6\x84 and \xC3\xA9",
        "\xE2\x82\xAC", /* € */
    };
    ath_session *s = conf_begin();
    ath_repo *repo = conf_repo(s, &AllTypes_model);
    for (unsigned i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        AllTypes r;
        fill_all_types(&r, i + 1);
        r.c_text = (char *)texts[i];
        r.c_json = "{\"emoji\":\"\xF0\x9F\x98\x80\"}";
        ROUND_TRIP(repo, &r);
        ath_value k = ath_v_uuid(r.id);
        char *raw = sql_text(s, "SELECT c_text FROM all_types WHERE id = ?", &k, 1);
        ASSERT_STR(raw, texts[i]);
        free(raw);
    }
    conf_end();
}

static void test_types_empty_string_is_not_null(void)
{
    ath_session *s = conf_begin();
    ath_repo *repo = conf_repo(s, &AllTypes_model);
    AllTypes r;
    fill_all_types(&r, 1);
    r.c_text = "";
    r.o_text = "";
    r.o_json = NULL;
    ROUND_TRIP(repo, &r);
    fill_all_types(&r, 2);
    r.o_text = NULL;
    ROUND_TRIP(repo, &r);
    ath_value empty = ath_v_text("");
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM all_types WHERE o_text = ?", &empty, 1), 1);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM all_types WHERE o_text IS NULL", NULL, 0), 1);
    conf_end();
}

static void test_types_blob_with_zero_bytes(void)
{
    static unsigned char bytes[] = {0x00, 0x00, 0x01, 0x00, 0x7f, 0x80, 0xff, 0x00};
    ath_repo *repo = fixture();
    AllTypes r;
    fill_all_types(&r, 1);
    r.c_blob = (ath_blob){bytes, sizeof bytes};
    r.o_blob = (ath_blob){bytes + 1, 3};
    ROUND_TRIP(repo, &r);
    conf_end();
}

static void test_types_empty_blob_is_not_null(void)
{
    static unsigned char nothing[1];
    ath_session *s = conf_begin();
    ath_repo *repo = conf_repo(s, &AllTypes_model);
    AllTypes r;
    fill_all_types(&r, 1);
    r.c_blob = (ath_blob){nothing, 0};
    r.o_blob = (ath_blob){nothing, 0};
    ROUND_TRIP(repo, &r);
    ath_value k = ath_v_uuid(r.id);
    ASSERT_I64(
        sql_i64(s, "SELECT COUNT(*) FROM all_types WHERE id = ? AND o_blob IS NOT NULL", &k, 1), 1);
    conf_end();
}

static void test_types_numeric_compared_as_number(void)
{
    ath_repo *repo = fixture();
    AllTypes r;
    fill_all_types(&r, 1);
    r.c_numeric = "12345.6789";
    r.o_numeric = "-0.0001";
    ROUND_TRIP(repo, &r);
    fill_all_types(&r, 2);
    r.c_numeric = "0";
    r.o_numeric = "987654321.5";
    ROUND_TRIP(repo, &r);
    conf_end();
}

static void test_types_timestamp_keeps_microseconds(void)
{
    ath_repo *repo = fixture();
    AllTypes r;
    fill_all_types(&r, 1);
    r.c_ts = test_ts(2024, 2, 29, 12, 34, 56, 789012);
    r.o_ts = ath_some_timestamp(test_ts(2000, 1, 1, 0, 0, 0, 1));
    ROUND_TRIP(repo, &r);
    conf_end();
}

static void test_types_timestamp_before_1970(void)
{
    ath_repo *repo = fixture();
    AllTypes r;
    fill_all_types(&r, 1);
    r.c_ts = test_ts(1969, 12, 31, 23, 59, 59, 999999);
    CU_ASSERT_EQUAL(r.c_ts, -1);
    r.o_ts = ath_some_timestamp(test_ts(1900, 1, 1, 0, 0, 0, 1));
    ROUND_TRIP(repo, &r);
    conf_end();
}

static void test_types_timestamp_range_edges(void)
{
    ath_repo *repo = fixture();
    AllTypes r;
    fill_all_types(&r, 1);
    r.c_ts = test_ts(1, 1, 1, 0, 0, 0, 0);
    r.o_ts = ath_some_timestamp(test_ts(9999, 12, 31, 23, 59, 59, 999999));
    ROUND_TRIP(repo, &r);
    conf_end();
}

static void test_types_date(void)
{
    const ath_date dates[][2] = {
        {0, -1}, /* 1970-01-01 and the day before */
        {test_date(2000, 2, 29), test_date(1900, 3, 1)},
        {test_date(1, 1, 1), test_date(9999, 12, 31)},
    };
    ath_repo *repo = fixture();
    for (unsigned i = 0; i < 3; i++) {
        AllTypes r;
        fill_all_types(&r, i + 1);
        r.c_date = dates[i][0];
        r.o_date = (ath_opt_date){dates[i][1], true};
        ROUND_TRIP(repo, &r);
    }
    conf_end();
}

static void test_types_uuid(void)
{
    ath_repo *repo = fixture();
    AllTypes r;
    fill_all_types(&r, 1);
    memset(r.c_uuid.bytes, 0xff, 16);
    memset(r.o_uuid.value.bytes, 0x00, 16);
    r.o_uuid.value.bytes[15] = 1;
    r.o_uuid.set = true;
    ROUND_TRIP(repo, &r);
    conf_end();
}

static void test_types_json_round_trips_equivalently(void)
{
    ath_repo *repo = fixture();
    AllTypes r;
    fill_all_types(&r, 1);
    r.c_json = "{\"a\": [1, 2, {\"b\": null}], \"s\": \"x y\"}";
    r.o_json = "[true, false, \"quote \\\" inside\"]";
    ROUND_TRIP(repo, &r);
    conf_end();
}

static void test_types_every_optional_set(void)
{
    static unsigned char bytes[] = {1, 2, 3};
    ath_repo *repo = fixture();
    AllTypes r;
    fill_all_types(&r, 1);
    r.o_i32 = ath_some_i32(-5);
    r.o_i64 = ath_some_i64(-6);
    r.o_f64 = ath_some_double(2.5);
    r.o_bool = ath_some_bool(true);
    r.o_text = "opt";
    r.o_blob = (ath_blob){bytes, 3};
    r.o_numeric = "1.25";
    r.o_ts = ath_some_timestamp(test_ts(2023, 5, 6, 7, 8, 9, 10));
    r.o_date = (ath_opt_date){test_date(2023, 5, 6), true};
    r.o_uuid = (ath_opt_uuid){conf_uuid(77), true};
    r.o_json = "{\"x\":1}";
    ROUND_TRIP(repo, &r);
    conf_end();
}

static void test_types_every_optional_unset(void)
{
    ath_session *s = conf_begin();
    ath_repo *repo = conf_repo(s, &AllTypes_model);
    AllTypes r;
    fill_all_types(&r, 1); /* leaves every o_* unset */
    ROUND_TRIP(repo, &r);
    ath_value k = ath_v_uuid(r.id);
    ASSERT_I64(sql_i64(s,
                       "SELECT COUNT(*) FROM all_types WHERE id = ? AND o_i32 IS NULL AND o_i64 "
                       "IS NULL AND o_f64 IS NULL AND o_bool IS NULL AND o_text IS NULL AND "
                       "o_blob IS NULL AND o_numeric IS NULL AND o_ts IS NULL AND o_date IS NULL "
                       "AND o_uuid IS NULL AND o_json IS NULL",
                       &k, 1),
               1);
    conf_end();
}

static void test_types_update_round_trips(void)
{
    ath_repo *repo = fixture();
    AllTypes r, changed, got;
    fill_all_types(&r, 1);
    ASSERT_RC(ath_repo_add(repo, &r), ATH_OK);
    fill_all_types(&changed, 2);
    changed.id = r.id;
    changed.c_text = "changed";
    changed.c_ts = test_ts(1950, 6, 7, 8, 9, 10, 123456);
    changed.o_i32 = ath_some_i32(12);
    changed.o_text = "now set";
    ASSERT_RC(ath_repo_update(repo, &changed), ATH_OK);
    memset(&got, 0, sizeof got);
    ath_value k = ath_v_uuid(r.id);
    ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
    check_same(&got, &changed, __LINE__);
    ath_model_free_fields(&AllTypes_model, &got);
    conf_end();
}

static void test_types_get_by_uuid_key(void)
{
    ath_repo *repo = fixture();
    AllTypes a, b, got;
    fill_all_types(&a, 1);
    fill_all_types(&b, 2);
    ASSERT_RC(ath_repo_add(repo, &a), ATH_OK);
    ASSERT_RC(ath_repo_add(repo, &b), ATH_OK);
    memset(&got, 0, sizeof got);
    ath_value k = ath_v_uuid(b.id);
    ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
    check_same(&got, &b, __LINE__);
    ath_model_free_fields(&AllTypes_model, &got);
    ath_value missing = ath_v_uuid(conf_uuid(999));
    ASSERT_RC(ath_repo_get(repo, &got, &missing, 1), ATH_ENOTFOUND);
    conf_end();
}

static void test_types_filter_eq_on_every_kind(void)
{
    ath_repo *repo = fixture();
    AllTypes a, b;
    fill_all_types(&a, 1);
    fill_all_types(&b, 2);
    b.c_numeric = "2.5";
    b.c_text = "other";
    ASSERT_RC(ath_repo_add(repo, &a), ATH_OK);
    ASSERT_RC(ath_repo_add(repo, &b), ATH_OK);
    const struct {
        const char *column;
        ath_value value;
    } probes[] = {
        {"id", ath_v_uuid(a.id)},
        {"c_i32", ath_v_i32(a.c_i32)},
        {"c_i64", ath_v_i64(a.c_i64)},
        {"c_f64", ath_v_double(a.c_f64)},
        {"c_bool", ath_v_bool(a.c_bool)},
        {"c_text", ath_v_text(a.c_text)},
        {"c_numeric", ath_v_numeric(a.c_numeric)},
        {"c_ts", ath_v_timestamp(a.c_ts)},
        {"c_date", ath_v_date(a.c_date)},
        {"c_uuid", ath_v_uuid(a.c_uuid)},
    };
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        int64_t n = -1;
        char what[96];
        ASSERT_RC(ath_repo_count(repo, &n,
                                 ATH_FILTERS(ath_where(probes[i].column, ATH_EQ, probes[i].value))),
                  ATH_OK);
        snprintf(what, sizeof what, "EQ on %s matches exactly one row", probes[i].column);
        check(n == 1, what, __LINE__);
    }
    conf_end();
}

/* update_many writes every kind of value as update does (PostgreSQL and MariaDB write a chunk
 * with one statement: every type passes through its VALUES casts / derived table) */
static void test_types_update_many_round_trip(void)
{
    ath_repo *repo = fixture();
    static unsigned char other[] = {0xff, 0x00, 0x7f};
    AllTypes rows[3], want[3];
    for (unsigned i = 0; i < 3; i++) {
        fill_all_types(&rows[i], i + 1);
        AllTypes in = rows[i];
        ASSERT_RC(ath_repo_add(repo, &in), ATH_OK);
        want[i] = rows[i];
    }
    /* new values: the plain ones changed, the optional ones set on one row and NULL on another */
    for (unsigned i = 0; i < 3; i++) {
        AllTypes next;
        fill_all_types(&next, i + 40);
        next.id = rows[i].id;
        next.c_text = "changed \"quoted\" \\ text";
        next.c_blob = (ath_blob){other, sizeof other};
        next.c_numeric = "-0.5";
        next.c_json = "[1,2]";
        if (i == 1) {
            next.o_i32 = ath_some_i32(-7);
            next.o_i64 = ath_some_i64(INT64_MAX);
            next.o_f64 = ath_some_double(1.5);
            next.o_bool = ath_some_bool(false);
            next.o_text = "opt";
            next.o_blob = (ath_blob){other, 1};
            next.o_numeric = "7";
            next.o_ts = ath_some_timestamp(86400000000LL);
            next.o_date = (ath_opt_date){1, true};
            next.o_uuid = (ath_opt_uuid){conf_uuid(99), true};
            next.o_json = "{}";
        }
        want[i] = next;
    }
    AllTypes upd[3];
    memcpy(upd, want, sizeof upd);
    ASSERT_RC(ath_repo_update_many(repo, upd, 3), ATH_OK);
    for (unsigned i = 0; i < 3; i++) {
        AllTypes got;
        memset(&got, 0, sizeof got);
        ath_value k = ath_v_uuid(want[i].id);
        ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
        check_same(&got, &want[i], __LINE__);
        ath_model_free_fields(&AllTypes_model, &got);
    }
    /* delete_many by UUID keys (PostgreSQL: one array parameter) */
    ath_value keys[2] = {ath_v_uuid(want[0].id), ath_v_uuid(want[2].id)};
    int64_t deleted = 0;
    ASSERT_RC(ath_repo_delete_many(repo, keys, 2, &deleted), ATH_OK);
    ASSERT_I64(deleted, 2);
    int64_t n = 0;
    ASSERT_RC(ath_repo_count(repo, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 1);
    conf_end();
}

const test_case types_tests[] = {
    {"test_types_update_many_round_trip", test_types_update_many_round_trip},
    {"test_types_i32_extremes", test_types_i32_extremes},
    {"test_types_i64_extremes", test_types_i64_extremes},
    {"test_types_i64_max_read_by_raw_select", test_types_i64_max_read_by_raw_select},
    {"test_types_double_extremes", test_types_double_extremes},
    {"test_types_double_negative_zero", test_types_double_negative_zero},
    {"test_types_bool", test_types_bool},
    {"test_types_text_that_looks_like_sql", test_types_text_that_looks_like_sql},
    {"test_types_text_unicode_including_4_byte_emoji",
     test_types_text_unicode_including_4_byte_emoji},
    {"test_types_empty_string_is_not_null", test_types_empty_string_is_not_null},
    {"test_types_blob_with_zero_bytes", test_types_blob_with_zero_bytes},
    {"test_types_empty_blob_is_not_null", test_types_empty_blob_is_not_null},
    {"test_types_numeric_compared_as_number", test_types_numeric_compared_as_number},
    {"test_types_timestamp_keeps_microseconds", test_types_timestamp_keeps_microseconds},
    {"test_types_timestamp_before_1970", test_types_timestamp_before_1970},
    {"test_types_timestamp_range_edges", test_types_timestamp_range_edges},
    {"test_types_date", test_types_date},
    {"test_types_uuid", test_types_uuid},
    {"test_types_json_round_trips_equivalently", test_types_json_round_trips_equivalently},
    {"test_types_every_optional_set", test_types_every_optional_set},
    {"test_types_every_optional_unset", test_types_every_optional_unset},
    {"test_types_update_round_trips", test_types_update_round_trips},
    {"test_types_get_by_uuid_key", test_types_get_by_uuid_key},
    {"test_types_filter_eq_on_every_kind", test_types_filter_eq_on_every_kind},
    {NULL, NULL},
};

TEST_SUITE(types)
{
    conf_add_group("types", types_tests, true);
}
