/*
 * libFuzzer target: the row materialiser and the SQLite driver's column reads.
 *
 * Mode 0: the input becomes an FzRow with a value for every column kind (text that may be
 * invalid UTF-8, any double bit pattern, timestamps and dates inside and outside years 1..9999,
 * blobs with NUL and 0xFF), added through a repository on SQLite :memory:, then read back by get
 * and by list. The outcome must be exactly what the text policy and SQLite's rules say (see
 * expected(); invalid JSON is the generated CHECK's ATH_ECHECK), and what is read back must
 * equal what went in.
 *
 * Mode 1: random typed values bound to "SELECT ?, ?, …" and read back through ath_result_get as
 * random types: never a crash; OK or ATH_EINVAL; a value read as its own type is unchanged; an
 * integer read as a narrower one is either exact or refused.
 */
#include <math.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --- an independent UTF-8 check (Unicode Table 3-7, well-formed byte sequences) ------------- */

static bool utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            k = 1;
        else if (c == 0xE0)
            k = 2, lo = 0xA0;
        else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
            k = 2;
        else if (c == 0xED)
            k = 2, hi = 0x9F;
        else if (c == 0xF0)
            k = 3, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3)
            k = 3;
        else if (c == 0xF4)
            k = 3, hi = 0x8F;
        else
            return false;
        if (i + k >= n) /* the sequence is cut off by the end */
            return false;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t j = 2; j <= k; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xBF)
                return false;
        i += k + 1;
    }
    return true;
}

/* --- mode 0: a whole row ---------------------------------------------------------------------- */

static const int64_t TS_MIN = -62135596800000000LL; /* 0001-01-01 00:00:00 */
static const int64_t TS_MAX = 253402300799999999LL; /* 9999-12-31 23:59:59.999999 */
static const int32_t DATE_MIN = -719162, DATE_MAX = 2932896;

static char *text_of(fz_reader *r)
{
    char *s = fz_string(r, 32);
    return s; /* cut at the first NUL by construction: a C string member */
}

static char *numeric_of(fz_reader *r)
{
    /* sign, up to 15 significant digits, maybe a point: what SQLite's NUMERIC keeps exactly */
    char *s = fz_alloc(24);
    size_t n = 0;
    uint8_t b = fz_u8(r);
    if (b & 1)
        s[n++] = '-';
    int digits = 1 + (b >> 1) % 15, point = (b >> 5) ? (int)((b >> 5) % (unsigned)digits) : -1;
    for (int i = 0; i < digits; i++) {
        if (i == point && i > 0)
            s[n++] = '.';
        s[n++] = (char)('0' + fz_u8(r) % 10);
    }
    s[n] = '\0';
    return s;
}

static int64_t ts_of(fz_reader *r)
{
    uint8_t how = fz_u8(r);
    uint64_t x = fz_u64(r);
    if (how % 8 == 0)
        return (int64_t)x; /* anything */
    if (how % 8 == 1)
        return (how & 0x10) ? TS_MIN - 1 - (int64_t)(x % 1000) : TS_MAX + 1 + (int64_t)(x % 1000);
    return TS_MIN + (int64_t)(x % (uint64_t)(TS_MAX - TS_MIN + 1));
}

static int32_t date_of(fz_reader *r)
{
    uint8_t how = fz_u8(r);
    uint32_t x = fz_u32(r);
    if (how % 8 == 0)
        return (int32_t)x;
    if (how % 8 == 1)
        return (how & 0x10) ? DATE_MIN - 1 - (int32_t)(x % 100) : DATE_MAX + 1 + (int32_t)(x % 100);
    return DATE_MIN + (int32_t)(x % (uint32_t)(DATE_MAX - DATE_MIN + 1));
}

static double double_of(fz_reader *r)
{
    uint8_t how = fz_u8(r);
    uint64_t bits = fz_u64(r);
    double d;
    static const double specials[] = {0.0,
                                      -0.0,
                                      1.0,
                                      -1.0,
                                      0.1,
                                      1e308,
                                      -1e308,
                                      5e-324,
                                      INFINITY,
                                      -INFINITY,
                                      NAN,
                                      9007199254740993.0,
                                      4611686018427387904.0};
    if (how % 4 == 0)
        return specials[(how >> 2) % (sizeof specials / sizeof specials[0])];
    memcpy(&d, &bits, sizeof d);
    return d;
}

static void fill(fz_reader *r, FzRow *row)
{
    memset(row, 0, sizeof *row);
    uint8_t flags = fz_u8(r), flags2 = fz_u8(r);
    row->a_i32 = (int32_t)fz_u32(r);
    row->b_i64 = (int64_t)fz_u64(r);
    row->c_f64 = double_of(r);
    row->d_bool = flags & 1;
    row->e_text = text_of(r);
    size_t len;
    const uint8_t *p = fz_bytes(r, 64, &len);
    unsigned char *blob = fz_alloc(len + 1);
    memcpy(blob, p, len);
    row->f_blob = (ath_blob){blob, len};
    row->g_numeric = numeric_of(r);
    row->h_ts = ts_of(r);
    row->i_date = date_of(r);
    for (int i = 0; i < 16; i++)
        row->j_uuid.bytes[i] = fz_u8(r);
    row->k_json = text_of(r);
    if (flags & 2)
        row->o_i32 = ath_some_i32((int32_t)fz_u32(r));
    if (flags & 4)
        row->o_i64 = ath_some_i64((int64_t)fz_u64(r));
    if (flags & 8)
        row->o_f64 = ath_some_double(double_of(r));
    if (flags & 16)
        row->o_bool = ath_some_bool(fz_u8(r) & 1);
    if (flags & 32)
        row->o_text = text_of(r);
    if (flags & 64) {
        p = fz_bytes(r, 64, &len);
        blob = fz_alloc(len + 1);
        memcpy(blob, p, len);
        row->o_blob = (ath_blob){blob, len};
    }
    if (flags & 128)
        row->o_ts = ath_some_timestamp(ts_of(r));
    if (flags2 & 1)
        row->o_date = (ath_opt_date){date_of(r), true};
    if (flags2 & 2) {
        row->o_uuid.set = true;
        for (int i = 0; i < 16; i++)
            row->o_uuid.value.bytes[i] = fz_u8(r);
    }
    row->team_id = 1;
}

static bool text_ok(const char *s)
{
    return !s || utf8_ok((const unsigned char *)s, strlen(s));
}

/* Whether SQLite's json_valid() takes `text` (the CHECK the generated DDL puts on JSON). */
static bool json_ok(ath_session *s, const char *text)
{
    ath_result *res = NULL;
    ath_value p = ath_v_text(text);
    bool ok = ath_session_execute(s, "SELECT json_valid(?)", &p, 1, &res) == ATH_OK &&
              ath_result_next(res) == 1 && ath_result_i64(res, 0) == 1;
    ath_result_free(res);
    return ok;
}

/* What adding the row must return on SQLite. */
static int expected(const FzRow *r, ath_session *s)
{
    if (!text_ok(r->e_text) || !text_ok(r->g_numeric) || !text_ok(r->k_json) || !text_ok(r->o_text))
        return ATH_EINVAL; /* the text policy, checked in the core */
    if (r->h_ts < TS_MIN || r->h_ts > TS_MAX ||
        (r->o_ts.set && (r->o_ts.value < TS_MIN || r->o_ts.value > TS_MAX)))
        return ATH_EINVAL; /* SQLite stores timestamps as text of years 1..9999 */
    if (r->i_date < DATE_MIN || r->i_date > DATE_MAX ||
        (r->o_date.set && (r->o_date.value < DATE_MIN || r->o_date.value > DATE_MAX)))
        return ATH_EINVAL;
    if (isnan(r->c_f64))
        return ATH_ENOTNULL; /* SQLite binds NaN as NULL (NOT NULL is checked before CHECKs) */
    if (r->k_json && !json_ok(s, r->k_json))
        return ATH_ECHECK; /* CHECK (k_json IS NULL OR json_valid(k_json)) */
    return ATH_OK;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_blob(ath_blob a, ath_blob b)
{
    if (!a.data || !b.data)
        return !a.data && !b.data;
    return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

/* SQLite keeps doubles exactly but drops the sign of zero; NaN is its NULL. */
static bool same_double(double got, double want)
{
    return got == want || (isnan(got) && isnan(want));
}

static void compare(const FzRow *got, const FzRow *want, const char *how)
{
    FZ_CHECK(got->id == want->id, "%s: id", how);
    FZ_CHECK(got->a_i32 == want->a_i32, "%s: a_i32 %d vs %d", how, got->a_i32, want->a_i32);
    FZ_CHECK(got->b_i64 == want->b_i64, "%s: b_i64", how);
    FZ_CHECK(same_double(got->c_f64, want->c_f64), "%s: c_f64 %a vs %a", how, got->c_f64,
             want->c_f64);
    FZ_CHECK(got->d_bool == want->d_bool, "%s: d_bool", how);
    FZ_CHECK(same_text(got->e_text, want->e_text), "%s: e_text", how);
    FZ_CHECK(same_blob(got->f_blob, want->f_blob), "%s: f_blob (%zu vs %zu bytes)", how,
             got->f_blob.len, want->f_blob.len);
    FZ_CHECK(got->g_numeric && strtod(got->g_numeric, NULL) == strtod(want->g_numeric, NULL),
             "%s: g_numeric \"%s\" vs \"%s\"", how, got->g_numeric ? got->g_numeric : "NULL",
             want->g_numeric);
    FZ_CHECK(got->h_ts == want->h_ts, "%s: h_ts %lld vs %lld", how, (long long)got->h_ts,
             (long long)want->h_ts);
    FZ_CHECK(got->i_date == want->i_date, "%s: i_date", how);
    FZ_CHECK(memcmp(&got->j_uuid, &want->j_uuid, 16) == 0, "%s: j_uuid", how);
    FZ_CHECK(same_text(got->k_json, want->k_json), "%s: k_json", how);
    FZ_CHECK(got->o_i32.set == want->o_i32.set &&
                 (!got->o_i32.set || got->o_i32.value == want->o_i32.value),
             "%s: o_i32", how);
    FZ_CHECK(got->o_i64.set == want->o_i64.set &&
                 (!got->o_i64.set || got->o_i64.value == want->o_i64.value),
             "%s: o_i64", how);
    bool nan = want->o_f64.set && isnan(want->o_f64.value);
    FZ_CHECK(nan ? !got->o_f64.set
                 : got->o_f64.set == want->o_f64.set &&
                       (!got->o_f64.set || same_double(got->o_f64.value, want->o_f64.value)),
             "%s: o_f64", how);
    FZ_CHECK(got->o_bool.set == want->o_bool.set &&
                 (!got->o_bool.set || got->o_bool.value == want->o_bool.value),
             "%s: o_bool", how);
    FZ_CHECK(same_text(got->o_text, want->o_text), "%s: o_text", how);
    FZ_CHECK(same_blob(got->o_blob, want->o_blob), "%s: o_blob", how);
    FZ_CHECK(got->o_ts.set == want->o_ts.set &&
                 (!got->o_ts.set || got->o_ts.value == want->o_ts.value),
             "%s: o_ts", how);
    FZ_CHECK(got->o_date.set == want->o_date.set &&
                 (!got->o_date.set || got->o_date.value == want->o_date.value),
             "%s: o_date", how);
    FZ_CHECK(got->o_uuid.set == want->o_uuid.set &&
                 (!got->o_uuid.set || memcmp(&got->o_uuid.value, &want->o_uuid.value, 16) == 0),
             "%s: o_uuid", how);
    FZ_CHECK(got->team_id == want->team_id, "%s: team_id", how);
}

static void row_mode(fz_reader *r, ath_session *s)
{
    ath_repo *repo = NULL;
    FZ_CHECK(ath_repo_open(&repo, s, &FzRow_model) == ATH_OK, "repo");
    FzRow row;
    fill(r, &row);
    int want = expected(&row, s);
    int rc = ath_repo_add(repo, &row);
    FZ_CHECK(rc == want, "add returned %s, expected %s", ath_code_name(rc), ath_code_name(want));
    if (rc == ATH_EINVAL)
        FZ_CHECK(!ath_session_failed(s), "a refused value failed the session");
    if (rc == ATH_OK) {
        FzRow got;
        memset(&got, 0, sizeof got);
        ath_value k = ath_v_i64(row.id);
        FZ_CHECK(ath_repo_get(repo, &got, &k, 1) == ATH_OK, "get");
        compare(&got, &row, "get");
        ath_model_free_fields(&FzRow_model, &got);
        ath_list *l = NULL;
        FZ_CHECK(ath_repo_list(repo, &l, ATH_FILTERS(ath_where("id", ATH_EQ, k))) == ATH_OK,
                 "list");
        FZ_CHECK(ath_list_count(l) == 1, "list found %zu rows", ath_list_count(l));
        compare(ath_list_at(l, 0), &row, "list");
        ath_list_free(l);
    }
    ath_repo_free(repo);
}

/* --- mode 1: raw values, read back as any type ------------------------------------------------ */

static ath_value raw_value(fz_reader *r, bool *valid)
{
    uint8_t t = fz_u8(r);
    size_t len;
    const uint8_t *p;
    switch (t % 11) {
    case 0:
        return ath_v_null();
    case 1:
        return ath_v_i32((int32_t)fz_u32(r));
    case 2:
        return ath_v_i64((int64_t)fz_u64(r));
    case 3:
        return ath_v_double(double_of(r));
    case 4:
        return ath_v_bool(fz_u8(r) & 1);
    case 5:
    case 6: {
        p = fz_bytes(r, 32, &len);
        char *s = fz_alloc(len + 1);
        memcpy(s, p, len);
        *valid = *valid && utf8_ok(p, len);
        return ath_v_textn(t % 11 == 5 ? ATH_T_TEXT : ATH_T_JSON, s, len);
    }
    case 7:
        p = fz_bytes(r, 32, &len);
        return ath_v_blob(len ? p : (const uint8_t *)"", len);
    case 8: {
        int64_t ts = ts_of(r);
        *valid = *valid && ts >= TS_MIN && ts <= TS_MAX;
        return ath_v_timestamp(ts);
    }
    case 9: {
        int32_t d = date_of(r);
        *valid = *valid && d >= DATE_MIN && d <= DATE_MAX;
        return ath_v_date(d);
    }
    default: {
        ath_uuid u;
        for (int i = 0; i < 16; i++)
            u.bytes[i] = fz_u8(r);
        return ath_v_uuid(u);
    }
    }
}

static void raw_mode(fz_reader *r, ath_session *s)
{
    enum { MAXP = 6 };
    size_t n = 1 + fz_u8(r) % MAXP;
    ath_value params[MAXP];
    bool valid = true;
    for (size_t i = 0; i < n; i++)
        params[i] = raw_value(r, &valid);
    static const char *const sql[MAXP] = {
        "SELECT ?",          "SELECT ?, ?",          "SELECT ?, ?, ?",
        "SELECT ?, ?, ?, ?", "SELECT ?, ?, ?, ?, ?", "SELECT ?, ?, ?, ?, ?, ?"};
    ath_result *res = NULL;
    int rc = ath_session_execute(s, sql[n - 1], params, n, &res);
    FZ_CHECK(rc == (valid ? ATH_OK : ATH_EINVAL), "execute returned %s", ath_code_name(rc));
    if (rc != ATH_OK)
        return;
    FZ_CHECK(ath_result_column_count(res) == (int)n, "column count");
    FZ_CHECK(ath_result_next(res) == 1, "no row");
    for (size_t i = 0; i < n; i++) {
        uint8_t w = fz_u8(r);
        ath_type want = (w & 0x80) ? params[i].type : (ath_type)(w % (ATH_T__COUNT + 1));
        ath_value v;
        rc = ath_result_get(res, (int)i, want, &v);
        FZ_CHECK(rc == ATH_OK || rc == ATH_EINVAL, "column %zu as %s: %s", i, ath_type_name(want),
                 ath_code_name(rc));
        (void)ath_result_text(res, (int)i);
        (void)ath_result_i64(res, (int)i);
        (void)ath_result_double(res, (int)i);
        rc = ath_result_get(res, (int)i, want, &v); /* again, after the convenience reads */
        if (rc != ATH_OK)
            continue;
        const ath_value *p = &params[i];
        if (p->type == ATH_T_NULL || (p->type == ATH_T_DOUBLE && isnan(p->u.f64))) {
            FZ_CHECK(v.type == ATH_T_NULL, "NULL read back as %s", ath_type_name(v.type));
            continue;
        }
        if (want == ATH_T_I32 && p->type == ATH_T_I64) {
            /* a narrower read is exact or refused, never a silently cut value */
            /* (finding F3: the SQLite driver used to cut it) */
            FZ_CHECK(v.u.i32 == p->u.i64, "i64 %lld read as i32 %d", (long long)p->u.i64, v.u.i32);
            continue;
        }
        if (want != p->type)
            continue;
        switch (want) {
        case ATH_T_I32:
            FZ_CHECK(v.u.i32 == p->u.i32, "i32");
            break;
        case ATH_T_I64:
            FZ_CHECK(v.u.i64 == p->u.i64, "i64");
            break;
        case ATH_T_DOUBLE:
            FZ_CHECK(same_double(v.u.f64, p->u.f64), "double %a vs %a", v.u.f64, p->u.f64);
            break;
        case ATH_T_BOOL:
            FZ_CHECK(v.u.b == p->u.b, "bool");
            break;
        case ATH_T_TEXT:
        case ATH_T_JSON:
        case ATH_T_BLOB:
            FZ_CHECK(v.u.s.len == p->u.s.len &&
                         (v.u.s.len == 0 || memcmp(v.u.s.ptr, p->u.s.ptr, v.u.s.len) == 0),
                     "%s of %zu bytes read back as %zu bytes", ath_type_name(want), p->u.s.len,
                     v.u.s.len);
            break;
        case ATH_T_TIMESTAMP:
            FZ_CHECK(v.u.ts == p->u.ts, "timestamp %lld vs %lld", (long long)v.u.ts,
                     (long long)p->u.ts);
            break;
        case ATH_T_DATE:
            FZ_CHECK(v.u.date == p->u.date, "date");
            break;
        case ATH_T_UUID:
            FZ_CHECK(memcmp(&v.u.uuid, &p->u.uuid, 16) == 0, "uuid");
            break;
        default:
            break;
        }
    }
    FZ_CHECK(ath_result_next(res) == 0, "a second row");
    ath_result_free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool seeded;
    ath_engine *engine = fz_engine();
    ath_session *s = NULL;
    FZ_CHECK(ath_session_open(&s, engine) == ATH_OK, "session");
    if (!seeded) {
        seeded = true;
        FZ_CHECK(ath_session_execute(s, "INSERT INTO fz_team (name) VALUES ('one')", NULL, 0,
                                     NULL) == ATH_OK,
                 "seed");
        FZ_CHECK(ath_session_commit(s) == ATH_OK, "commit");
    }
    fz_reader r = {data, size};
    if (fz_u8(&r) & 1)
        raw_mode(&r, s);
    else
        row_mode(&r, s);
    ath_session_close(s); /* rolls back */
    fz_pool_free();
    return 0;
}
