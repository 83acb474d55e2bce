/*
 * extremes: integer limits, doubles at their edges (±infinity, NaN and -0.0 as the caps table
 * says for each backend), empty strings and blobs versus NULL, 10 MB text and blobs, statements
 * over the server's packet limit, 1 000-column rows (and the backend's own column limit), and
 * timestamps and dates at the ends of the range and one step outside it.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "hostile.h"
#include "sec.h"

static bool same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

/* Adds `row` and reads it back by get; returns the stored copy through *got. */
static void add_and_get(ath_repo *repo, Num *row, Num *got)
{
    ASSERT_RC(ath_repo_add(repo, row), ATH_OK);
    memset(got, 0, sizeof *got);
    ath_value k = ath_v_i64(row->id);
    ASSERT_RC(ath_repo_get(repo, got, &k, 1), ATH_OK);
}

/* --- integers --------------------------------------------------------------------------------- */

static void test_integer_limits_round_trip_and_compare(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Num_model);
    static const struct {
        int32_t i32;
        int64_t i64;
    } rows[] = {{INT32_MIN, INT64_MIN}, {-1, -1}, {0, 0}, {1, 1}, {INT32_MAX, INT64_MAX}};
    enum { N = sizeof rows / sizeof rows[0] };
    for (size_t i = 0; i < N; i++) {
        Num r = {0, rows[i].i32, rows[i].i64, 0.0, {0, false}, {0, false}, {0, false}, NULL}, got;
        add_and_get(repo, &r, &got);
        CHECKF(got.v_i32 == rows[i].i32 && got.v_i64 == rows[i].i64,
               "stored %d / %lld, read %d / %lld", rows[i].i32, (long long)rows[i].i64, got.v_i32,
               (long long)got.v_i64);
        ath_list *l =
            sec_list(repo, ATH_FILTERS(ath_where("v_i64", ATH_EQ, ath_v_i64(rows[i].i64)),
                                       ath_where("v_i32", ATH_EQ, ath_v_i32(rows[i].i32))));
        CU_ASSERT_EQUAL(ath_list_count(l), 1);
    }
    ath_list *l = sec_list(repo, ATH_FILTERS(ath_order_by("v_i64", false)));
    CU_ASSERT_FATAL(ath_list_count(l) == N);
    for (size_t i = 0; i < N; i++)
        CU_ASSERT_EQUAL(((const Num *)ath_list_at(l, i))->v_i64, rows[i].i64);
    int64_t count = -1;
    ASSERT_RC(ath_repo_count(
                  repo, &count,
                  ATH_FILTERS(ath_between("v_i64", ath_v_i64(INT64_MIN), ath_v_i64(INT64_MAX)))),
              ATH_OK);
    CU_ASSERT_EQUAL(count, N);
    ath_value p = ath_v_i64(INT64_MIN);
    CU_ASSERT_EQUAL(sql_i64(s, "SELECT v_i64 FROM sec_num WHERE v_i64 = ?", &p, 1), INT64_MIN);
    sec_end();
}

/* --- doubles ---------------------------------------------------------------------------------- */

static void test_finite_double_edges_round_trip(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Num_model);
    const double values[] = {DBL_MAX,      -DBL_MAX,      DBL_MIN,           -DBL_MIN,
                             DBL_TRUE_MIN, -DBL_TRUE_MIN, DBL_EPSILON,       1e-300,
                             0.1,          1.0 / 3.0,     9007199254740993.0};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        Num r = {0, 0, 0, values[i], {values[i], true}, {0, false}, {0, false}, NULL}, got;
        add_and_get(repo, &r, &got);
        CHECKF(same_double(got.v_f64, values[i]) && got.o_f64.set &&
                   same_double(got.o_f64.value, values[i]),
               "stored %a, read %a / %a", values[i], got.v_f64, got.o_f64.value);
        int64_t count = -1;
        ASSERT_RC(ath_repo_count(repo, &count,
                                 ATH_FILTERS(ath_where("v_f64", ATH_EQ, ath_v_double(values[i])))),
                  ATH_OK);
        CHECKF(count == 1, "v_f64 = %a found %lld rows", values[i], (long long)count);
    }
    sec_end();
}

static void test_negative_zero_as_the_backend_keeps_it(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Num_model);
    Num r = {0, 0, 0, -0.0, {-0.0, true}, {0, false}, {0, false}, NULL}, got;
    add_and_get(repo, &r, &got);
    CU_ASSERT(got.v_f64 == 0.0 && got.o_f64.set && got.o_f64.value == 0.0);
    CHECKF(!!signbit(got.v_f64) == sec->caps->negative_zero,
           "-0.0 came back as %g; the caps table says the sign is %s", got.v_f64,
           sec->caps->negative_zero ? "kept" : "lost");
    sec_end();
}

/* Stores `x` in the nullable and the plain double column; expects caps' outcome `want`. */
static void special_double(double x, int want, int line)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Num_model);
    Num r = {0, 7, 7, x, {x, true}, {0, false}, {0, false}, NULL};
    long before = sec_statements();
    int rc = ath_repo_add(repo, &r);
    sec_check(rc == want, __FILE__, line, "adding %g returned %s (%s), the caps table says %s", x,
              ath_code_name(rc), ath_error_last()->message, ath_code_name(want));
    if (rc == ATH_OK) {
        Num got = {0};
        ath_value k = ath_v_i64(r.id);
        ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
        sec_check(same_double(got.v_f64, x) && got.o_f64.set && same_double(got.o_f64.value, x),
                  __FILE__, line, "stored %g, read %g / %s%g", x, got.v_f64,
                  got.o_f64.set ? "" : "NULL ", got.o_f64.value);
        ath_list *l = sec_list(repo, ATH_FILTERS(ath_order_by("v_f64", false)));
        CU_ASSERT_EQUAL(ath_list_count(l), 1);
    } else if (rc == ATH_EINVAL) {
        /* refused before sending: nothing ran, the transaction goes on */
        sec_check(sec_statements() == before, __FILE__, line, "a refused double was sent");
        CU_ASSERT(!ath_session_failed(s));
        ASSERT_ERR_HAS("v_f64");
    } else {
        /* the database refused it: a failed transaction, rolled back, nothing stored */
        CU_ASSERT(ath_session_failed(s));
        ASSERT_RC(ath_session_rollback(s), ATH_OK);
    }
    CU_ASSERT_EQUAL(sql_count(s, "sec_num"), rc == ATH_OK ? 1 : 0);
    sec_end();
}

static void test_infinity_as_the_caps_table_says(void)
{
    special_double(INFINITY, sec->caps->inf_add, __LINE__);
    special_double(-INFINITY, sec->caps->inf_add, __LINE__);
}

static void test_nan_as_the_caps_table_says(void)
{
    special_double(NAN, sec->caps->nan_add, __LINE__);
    special_double(-NAN, sec->caps->nan_add, __LINE__);
}

static void test_nan_in_a_nullable_column_as_the_caps_table_says(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Num_model);
    Num r = {0, 7, 7, 1.0, {NAN, true}, {0, false}, {0, false}, NULL}, got;
    int rc = ath_repo_add(repo, &r);
    if (!sec->caps->nan_is_null) {
        ASSERT_RC(rc, sec->caps->nan_add);
        sec_end();
        return;
    }
    ASSERT_RC(rc, ATH_OK);
    memset(&got, 0, sizeof got);
    ath_value k = ath_v_i64(r.id);
    ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
    CHECKF(!got.o_f64.set, "the caps table says NaN is stored as NULL here; read %g",
           got.o_f64.value);
    sec_end();
}

/* --- strings and blobs ------------------------------------------------------------------------ */

static void test_empty_string_and_null_stay_distinct(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    static unsigned char nothing[1];
    Note empty = {0, "", "", {nothing, 0}}, null = {0, NULL, NULL, {NULL, 0}};
    ASSERT_RC(ath_repo_add(repo, &empty), ATH_OK);
    ASSERT_RC(ath_repo_add(repo, &null), ATH_OK);
    Note got = {0};
    ath_value k = ath_v_i64(empty.id);
    ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
    CU_ASSERT(got.title && *got.title == '\0' && got.body && *got.body == '\0');
    CU_ASSERT(got.data.data != NULL && got.data.len == 0);
    ath_model_free_fields(&Note_model, &got);
    k = ath_v_i64(null.id);
    ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
    CU_ASSERT(!got.title && !got.body && !got.data.data);
    ath_model_free_fields(&Note_model, &got);
    int64_t n = -1;
    ASSERT_RC(ath_repo_count(repo, &n, ATH_FILTERS(ath_where("title", ATH_EQ, ath_v_text("")))),
              ATH_OK);
    CU_ASSERT_EQUAL(n, 1);
    ASSERT_RC(ath_repo_count(repo, &n, ATH_FILTERS(ath_where("title", ATH_IS_NULL, ath_v_null()))),
              ATH_OK);
    CU_ASSERT_EQUAL(n, 1);
    ASSERT_RC(
        ath_repo_count(repo, &n, ATH_FILTERS(ath_where("data", ATH_EQ, ath_v_blob(nothing, 0)))),
        ATH_OK);
    CU_ASSERT_EQUAL(n, 1);
    ASSERT_RC(ath_repo_count(repo, &n, ATH_FILTERS(ath_where("data", ATH_EQ, ath_v_null()))),
              ATH_OK);
    CU_ASSERT_EQUAL(n, 1);
    /* and an empty search matches every non-NULL value, including the empty one */
    ASSERT_RC(ath_repo_count(repo, &n, ATH_FILTERS(ath_search("title", "", false))), ATH_OK);
    CU_ASSERT_EQUAL(n, 1);
    sec_end();
}

/* A text and a blob of `size` bytes round-trip through add, get, list and an EQ filter. */
static void big_values(size_t size)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    char *text = hostile_big(size);
    unsigned char *blob = malloc(size);
    CU_ASSERT_FATAL(text && blob);
    for (size_t i = 0; i < size; i++)
        blob[i] = (unsigned char)(i * 131u + (i >> 8));
    Note t = {0, text, NULL, {NULL, 0}}, b = {0, "blob", NULL, {blob, size}};
    ASSERT_RC(ath_repo_add(repo, &t), ATH_OK);
    ASSERT_RC(ath_repo_add(repo, &b), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    Note got = {0};
    ath_value k = ath_v_i64(t.id);
    ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
    CHECKF(got.title && strlen(got.title) == size && memcmp(got.title, text, size) == 0,
           "a %zu-byte text came back with %zu bytes", size, got.title ? strlen(got.title) : 0);
    ath_model_free_fields(&Note_model, &got);
    k = ath_v_i64(b.id);
    ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
    CHECKF(got.data.data && got.data.len == size && memcmp(got.data.data, blob, size) == 0,
           "a %zu-byte blob came back with %zu bytes", size, got.data.len);
    ath_model_free_fields(&Note_model, &got);
    ath_list *l = sec_list(repo, ATH_FILTERS(ath_where("title", ATH_EQ, ath_v_text(text))));
    CU_ASSERT_EQUAL(ath_list_count(l), 1);
    l = sec_list(repo, ATH_FILTERS(ath_where("data", ATH_EQ, ath_v_blob(blob, size))));
    CU_ASSERT_EQUAL(ath_list_count(l), 1);
    if (ath_list_count(l) == 1)
        CU_ASSERT(((const Note *)ath_list_at(l, 0))->data.len == size);
    free(text);
    free(blob);
    sec_end();
}

static void test_one_megabyte_text_and_blob_round_trip(void)
{
    big_values(1u << 20);
}

static void test_ten_megabyte_text_and_blob_round_trip(void)
{
    big_values(10u << 20);
}

static void test_a_value_over_the_packet_limit_is_refused_before_sending(void)
{
    if (!sec->caps->packet_limit)
        return; /* no statement-size limit below the backend's 1 GB field limit */
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    int64_t limit = sql_i64(s, "SELECT @@max_allowed_packet", NULL, 0);
    CU_ASSERT_FATAL(limit > 0 && limit < ((int64_t)1 << 30));
    Note kept = {0, "kept", NULL, {NULL, 0}};
    ASSERT_RC(ath_repo_add(repo, &kept), ATH_OK);
    unsigned char *blob = calloc(1, (size_t)limit + 1);
    CU_ASSERT_FATAL(blob != NULL);
    Note big = {0, "big", NULL, {blob, (size_t)limit + 1}};
    /* the driver refuses it at execute, before writing to the socket */
    ASSERT_RC(ath_repo_add(repo, &big), ATH_EINVAL);
    ASSERT_ERR_HAS("max_allowed_packet");
    CU_ASSERT(!ath_session_failed(s));
    /* the connection and the transaction go on */
    Note after = {0, "after", NULL, {NULL, 0}};
    ASSERT_RC(ath_repo_add(repo, &after), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_EQUAL(sql_count(s, "sec_note"), 2);
    free(blob);
    sec_end();
}

/* --- numerics -------------------------------------------------------------------------------- */

/* `s` without trailing zeros after a decimal point (and without the point when nothing follows). */
static void trim_zeros(const char *s, char *out, size_t size)
{
    snprintf(out, size, "%s", s);
    if (!strchr(out, '.'))
        return;
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == '0')
        out[--n] = '\0';
    if (n > 0 && out[n - 1] == '.')
        out[--n] = '\0';
}

static void test_numerics_keep_the_backends_digits_exactly(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Num_model);
    /* values with exactly caps->numeric_digits significant digits, both signs, tiny and big */
    const int digits = sec->caps->numeric_digits;
    char values[6][64];
    static const char pattern[] = "12345678901234567890123456789012345678";
    int before = digits > 28 ? 28 : digits - digits / 3; /* digits before the point */
    snprintf(values[0], sizeof values[0], "%.*s.%.*s", before, pattern, digits - before,
             pattern + before);
    snprintf(values[1], sizeof values[1], "-%s", values[0]);
    snprintf(values[2], sizeof values[2], "%.*s", before, "99999999999999999999999999999999");
    snprintf(values[3], sizeof values[3], "0.%.*s", digits - before > 10 ? 10 : digits - before,
             "0000000001");
    snprintf(values[4], sizeof values[4], "0");
    snprintf(values[5], sizeof values[5], "-0.5");
    for (size_t i = 0; i < 6; i++) {
        Num r = {0, (int32_t)i, 0, 0.0, {0, false}, {0, false}, {0, false}, values[i]}, got;
        add_and_get(repo, &r, &got);
        char want[80], have[80];
        trim_zeros(values[i], want, sizeof want);
        trim_zeros(got.amount ? got.amount : "NULL", have, sizeof have);
        CHECKF(strcmp(want, have) == 0, "numeric %s (%d digits) read back as %s", values[i], digits,
               got.amount ? got.amount : "NULL");
        ath_model_free_fields(&Num_model, &got);
    }
    sec_end();
}

/* --- wide rows -------------------------------------------------------------------------------- */

/*
 * Creates a table of `ncolumns` columns; when `expect_ok`, writes a row and reads it back. The
 * wide model is built at run time, so it gets an engine of its own: an engine keeps the mapping
 * of every model it has seen for its whole life (keyed by the model's address).
 */
static void wide_table(size_t ncolumns, bool expect_ok, int line)
{
    ath_session *s = sec_begin();
    ath_engine *engine = NULL;
    ath_session *ws = NULL;
    ath_repo *repo = NULL;
    wide_model w;
    CU_ASSERT_FATAL(wide_model_build(&w, ncolumns) == 0);
    ASSERT_RC(ath_engine_create(&engine, sec->url), ATH_OK);
    ath_drop_all(engine, ATH_MODELS(&w.model));
    int rc = ath_create_all(engine, ATH_MODELS(&w.model));
    sec_check((rc == ATH_OK) == expect_ok, __FILE__, line,
              "creating a %zu-column table returned %s: %s (the caps table says at most %d)",
              ncolumns, ath_code_name(rc), ath_error_last()->message, sec->caps->max_columns);
    if (rc != ATH_OK) {
        /* a clear error from the database, and the engines still work */
        CU_ASSERT(rc == ATH_ESQL || rc == ATH_EUNSUPPORTED);
        CU_ASSERT(strlen(ath_error_last()->message) > 0);
        CU_ASSERT_EQUAL(sql_count(s, "sec_note"), 0);
    }
    sec_end(); /* SQLite in memory: one connection, which the wide engine's session needs */
    char *row = calloc(1, WIDE_SIZE(ncolumns)), *got = calloc(1, WIDE_SIZE(ncolumns));
    CU_ASSERT_FATAL(row && got);
    if (rc == ATH_OK && ath_session_open(&ws, engine) == ATH_OK &&
        ath_repo_open(&repo, ws, &w.model) == ATH_OK) {
        for (size_t i = 1; i < ncolumns; i++) {
            int32_t v = (int32_t)(i * 7919u) - 1000000;
            memcpy(row + WIDE_OFFSET(i), &v, sizeof v);
        }
        ASSERT_RC(ath_repo_add(repo, row), ATH_OK);
        ASSERT_RC(ath_session_commit(ws), ATH_OK);
        int64_t id;
        memcpy(&id, row, sizeof id);
        ath_value k = ath_v_i64(id);
        ASSERT_RC(ath_repo_get(repo, got, &k, 1), ATH_OK);
        CHECKF(memcmp(row, got, WIDE_SIZE(ncolumns)) == 0, "a %zu-column row came back different",
               ncolumns);
        ath_list *l = NULL;
        ASSERT_RC(ath_repo_list(repo, &l, ATH_NO_FILTERS), ATH_OK);
        CU_ASSERT(l && ath_list_count(l) == 1 &&
                  memcmp(ath_list_at(l, 0), row, WIDE_SIZE(ncolumns)) == 0);
        ath_list_free(l);
        char last[16];
        snprintf(last, sizeof last, "c%zu", ncolumns - 1);
        int32_t lastv;
        memcpy(&lastv, row + WIDE_OFFSET(ncolumns - 1), sizeof lastv);
        int64_t n = -1;
        ASSERT_RC(ath_repo_count(repo, &n, ATH_FILTERS(ath_where(last, ATH_EQ, ath_v_i32(lastv)))),
                  ATH_OK);
        CU_ASSERT_EQUAL(n, 1);
    } else if (rc == ATH_OK) {
        CU_FAIL("could not open a session and repository on the wide table");
    }
    ath_repo_free(repo);
    ath_session_close(ws);
    ASSERT_RC(ath_drop_all(engine, ATH_MODELS(&w.model)), ATH_OK);
    ath_engine_dispose(engine);
    free(row);
    free(got);
    wide_model_free(&w);
}

static void test_a_thousand_column_row_round_trips(void)
{
    wide_table(1000, true, __LINE__);
}

static void test_the_backend_column_limit_is_reached_and_enforced(void)
{
    wide_table((size_t)sec->caps->max_columns, true, __LINE__);
    wide_table((size_t)sec->caps->max_columns + 1, false, __LINE__);
}

/* --- timestamps and dates --------------------------------------------------------------------- */

static void test_timestamp_and_date_edges_round_trip_in_order(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Num_model);
    const int ymin = sec->caps->year_min, ymax = sec->caps->year_max;
    const ath_timestamp stamps[] = {
        test_ts(ymin, 1, 1, 0, 0, 0, 0),
        test_ts(ymin, 1, 1, 0, 0, 0, 1),
        /* inside the Julian→Gregorian gap: proleptic Gregorian */
        test_ts(1582, 10, 10, 12, 0, 0, 0),
        test_ts(1900, 2, 28, 23, 59, 59, 999999),
        test_ts(1969, 12, 31, 23, 59, 59, 999999),
        0,
        1,
        test_ts(2000, 2, 29, 12, 0, 0, 0),
        test_ts(2038, 1, 19, 3, 14, 8, 0), /* past 32-bit time_t */
        test_ts(ymax, 12, 31, 23, 59, 59, 999998),
        test_ts(ymax, 12, 31, 23, 59, 59, 999999),
    };
    enum { N = sizeof stamps / sizeof stamps[0] };
    const ath_date dates[N] = {test_date(ymin, 1, 1),
                               test_date(ymin, 1, 2),
                               test_date(1582, 10, 10),
                               test_date(1900, 2, 28),
                               test_date(1969, 12, 31),
                               0,
                               1,
                               test_date(2000, 2, 29),
                               test_date(2038, 1, 19),
                               test_date(ymax, 12, 30),
                               test_date(ymax, 12, 31)};
    for (size_t i = 0; i < N; i++) {
        Num r = {0,
                 (int32_t)i,
                 0,
                 0.0,
                 {0, false},
                 ath_some_timestamp(stamps[i]),
                 {dates[i], true},
                 NULL},
            got;
        add_and_get(repo, &r, &got);
        char want[ATH_TIMESTAMP_TEXT_MAX] = "?", have[ATH_TIMESTAMP_TEXT_MAX] = "?";
        ath_timestamp_format(stamps[i], true, want, sizeof want);
        ath_timestamp_format(got.ts.value, true, have, sizeof have);
        CHECKF(got.ts.set && got.ts.value == stamps[i], "stored %s, read %s", want, have);
        CHECKF(got.d.set && got.d.value == dates[i], "stored date %d, read %d", dates[i],
               got.d.value);
        int64_t n = -1;
        ASSERT_RC(ath_repo_count(repo, &n,
                                 ATH_FILTERS(ath_where("ts", ATH_EQ, ath_v_timestamp(stamps[i])),
                                             ath_where("d", ATH_EQ, ath_v_date(dates[i])))),
                  ATH_OK);
        CHECKF(n == 1, "ts = %s AND d = %d found %lld rows", want, dates[i], (long long)n);
    }
    ath_list *l = sec_list(repo, ATH_FILTERS(ath_order_by("ts", false)));
    CU_ASSERT_FATAL(ath_list_count(l) == N);
    for (size_t i = 0; i < N; i++)
        CHECKF(((const Num *)ath_list_at(l, i))->v_i32 == (int32_t)i,
               "ordered by ts, row %zu is %d", i, ((const Num *)ath_list_at(l, i))->v_i32);
    l = sec_list(repo, ATH_FILTERS(ath_order_by("d", true)));
    CU_ASSERT_FATAL(ath_list_count(l) == N);
    for (size_t i = 0; i < N; i++)
        CHECKF(((const Num *)ath_list_at(l, i))->v_i32 == (int32_t)(N - 1 - i),
               "ordered by d desc, row %zu is %d", i, ((const Num *)ath_list_at(l, i))->v_i32);
    sec_end();
}

/* Adds a row holding timestamp (is_ts) or date `v`; checks caps' outcome `want` and that an
 * accepted value reads back exactly and a refused one leaves nothing behind. */
static void outside_probe(ath_session *s, ath_repo *repo, bool is_ts, int64_t v, int want,
                          const char *probe)
{
    Num r = {0, 1, 1, 0.0, {0, false}, {0, false}, {0, false}, NULL};
    if (is_ts)
        r.ts = ath_some_timestamp(v);
    else
        r.d = (ath_opt_date){(ath_date)v, true};
    const char *kind = is_ts ? "timestamp" : "date";
    int rc = ath_repo_add(repo, &r);
    CHECKF(rc == want, "adding %s %lld (%s) returned %s (%s), the caps table says %s", kind,
           (long long)v, probe, ath_code_name(rc), ath_error_last()->message, ath_code_name(want));
    if (rc == ATH_OK) {
        Num got = {0};
        ath_value k = ath_v_i64(r.id);
        ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
        CHECKF(is_ts ? got.ts.set && got.ts.value == v : got.d.set && got.d.value == v,
               "%s %lld (%s) read back as %lld", kind, (long long)v, probe,
               is_ts ? (long long)got.ts.value : (long long)got.d.value);
        ASSERT_RC(ath_repo_delete(repo, &k, 1, NULL), ATH_OK);
    } else if (rc == ATH_EINVAL) {
        CU_ASSERT(!ath_session_failed(s)); /* refused before it ran: the transaction goes on */
    } else {
        CU_ASSERT(ath_session_failed(s));
        ASSERT_RC(ath_session_rollback(s), ATH_OK);
    }
    /* a filter value takes the same path to the database */
    int64_t n = -1;
    ath_value fv = is_ts ? ath_v_timestamp(v) : ath_v_date((ath_date)v);
    rc = ath_repo_count(repo, &n, ATH_FILTERS(ath_where(is_ts ? "ts" : "d", ATH_EQ, fv)));
    CHECKF(rc == want && (rc != ATH_OK || n == 0), "a filter on %s %lld (%s) returned %s", kind,
           (long long)v, probe, ath_code_name(rc));
    if (rc != ATH_OK && rc != ATH_EINVAL)
        ASSERT_RC(ath_session_rollback(s), ATH_OK);
    CU_ASSERT_EQUAL(sql_count(s, "sec_num"), 0);
}

static void test_timestamps_and_dates_outside_the_range_as_the_caps_table_says(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Num_model);
    static const char *const names[NPROBES] = {
        "before year 1", "after year 9999", "before 4714-11-24 BC", "type minimum", "type maximum"};
    /* 4714-11-24 BC (Julian day 0) is 2 440 588 days before 1970-01-01 */
    const int64_t jd0 = -2440588;
    const int64_t stamps[NPROBES] = {test_ts(1, 1, 1, 0, 0, 0, 0) - 1,
                                     test_ts(9999, 12, 31, 23, 59, 59, 999999) + 1,
                                     jd0 * 86400000000LL - 1, INT64_MIN, INT64_MAX};
    const int64_t dates[NPROBES] = {test_date(1, 1, 1) - 1, test_date(9999, 12, 31) + 1, jd0 - 1,
                                    INT32_MIN, INT32_MAX};
    for (int p = 0; p < NPROBES; p++) {
        outside_probe(s, repo, true, stamps[p], sec->caps->ts_outside[p], names[p]);
        outside_probe(s, repo, false, dates[p], sec->caps->date_outside[p], names[p]);
    }
    sec_end();
}

const test_case extremes_tests[] = {
    {"integer limits round-trip and compare", test_integer_limits_round_trip_and_compare},
    {"finite double edges round-trip", test_finite_double_edges_round_trip},
    {"-0.0 as the backend keeps it", test_negative_zero_as_the_backend_keeps_it},
    {"infinity as the caps table says", test_infinity_as_the_caps_table_says},
    {"NaN as the caps table says", test_nan_as_the_caps_table_says},
    {"NaN in a nullable column as the caps table says",
     test_nan_in_a_nullable_column_as_the_caps_table_says},
    {"empty string and NULL stay distinct", test_empty_string_and_null_stay_distinct},
    {"1 MB text and blob round-trip", test_one_megabyte_text_and_blob_round_trip},
    {"10 MB text and blob round-trip", test_ten_megabyte_text_and_blob_round_trip},
    {"a value over the packet limit is refused before sending",
     test_a_value_over_the_packet_limit_is_refused_before_sending},
    {"numerics keep the backend's digits exactly", test_numerics_keep_the_backends_digits_exactly},
    {"a 1000-column row round-trips", test_a_thousand_column_row_round_trips},
    {"the backend's column limit is reached and enforced",
     test_the_backend_column_limit_is_reached_and_enforced},
    {"timestamp and date edges round-trip in order",
     test_timestamp_and_date_edges_round_trip_in_order},
    {"timestamps and dates outside the range as the caps table says",
     test_timestamps_and_dates_outside_the_range_as_the_caps_table_says},
    {NULL, NULL},
};

TEST_SUITE(extremes) { sec_add_group("extremes", extremes_tests); }
