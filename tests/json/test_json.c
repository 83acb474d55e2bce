/*
 * athanor_json: every column type to JSON and back, errors naming the key, filters from JSON,
 * and, per URL of ATHANOR_TEST_URLS, fixture loads (malformed input rejected with its line and
 * nothing loaded) and dump -> load -> dump giving the same bytes (JSON and CSV).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor/athanor.h>
#include <athanor/columns.h>
#include <athanor/json.h>
#include <jansson.h>

#include "runner.h"
#include "urls.h"

#define ALL_FIELDS(F)                                                                              \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(i32v, i32)                                                                                   \
    F(i64v, i64)                                                                                   \
    F(dv, double)                                                                                  \
    F(bv, bool)                                                                                    \
    F(tv, text, .max_length = 200)                                                                 \
    F(blobv, blob)                                                                                 \
    F(numv, numeric)                                                                               \
    F(tsv, timestamp)                                                                              \
    F(datev, date)                                                                                 \
    F(uuidv, uuid)                                                                                 \
    F(jsonv, json)                                                                                 \
    F(oi32, opt_i32)                                                                               \
    F(oi64, opt_i64)                                                                               \
    F(odv, opt_double)                                                                             \
    F(obv, opt_bool)                                                                               \
    F(otv, opt_text)                                                                               \
    F(oblob, opt_blob)                                                                             \
    F(onum, opt_numeric)                                                                           \
    F(ots, opt_timestamp)                                                                          \
    F(odate, opt_date)                                                                             \
    F(ouuid, opt_uuid)                                                                             \
    F(ojson, opt_json)
ATH_MODEL(AllTypes, "json_all_types", ALL_FIELDS);

static unsigned char bytes[] = {0, 1, 2, 0xff, 'a', '"', '\n'};

static AllTypes sample(int k)
{
    AllTypes a;
    memset(&a, 0, sizeof a);
    a.i32v = -2147483647 + k;
    a.i64v = INT64_C(9007199254740993) + k; /* above 2^53: must stay exact */
    a.dv = 0.1 * (k + 1);
    a.bv = k % 2;
    a.tv = "quote \" backslash \\ tab \t newline \n é ✓, comma";
    a.blobv.data = bytes;
    a.blobv.len = sizeof bytes - (size_t)(k % 3);
    a.numv = "12345.67";
    a.tsv = test_ts(2024, 2, 29, 23, 59, 58, 123456 + k);
    a.datev = test_date(1969, 12, 31);
    for (int i = 0; i < 16; i++)
        a.uuidv.bytes[i] = (unsigned char)(i * 17 + k);
    a.jsonv = "{\"a\":[1,2.5,\"x\"],\"b\":{\"c\":null}}";
    if (k % 2 == 0) { /* every optional set on even rows, NULL on odd ones */
        a.oi32 = ath_some_i32(7);
        a.oi64 = ath_some_i64(-8);
        a.odv = ath_some_double(-1.5e300);
        a.obv = ath_some_bool(false);
        a.otv = "";
        a.oblob.data = bytes;
        a.oblob.len = 0;
        a.onum = "-0.001";
        a.ots = ath_some_timestamp(test_ts(1970, 1, 1, 0, 0, 0, 0));
        a.odate.value = test_date(2000, 1, 1);
        a.odate.set = true;
        a.ouuid.set = true;
        a.ojson = "[]";
    }
    return a;
}

static void assert_same(const AllTypes *x, const AllTypes *y)
{
    ASSERT_I64(x->i32v, y->i32v);
    ASSERT_I64(x->i64v, y->i64v);
    CU_ASSERT(x->dv == y->dv);
    CU_ASSERT(x->bv == y->bv);
    ASSERT_STR(x->tv, y->tv);
    ASSERT_I64(x->blobv.len, y->blobv.len);
    CU_ASSERT(memcmp(x->blobv.data, y->blobv.data, x->blobv.len) == 0);
    ASSERT_STR(x->numv, y->numv);
    ASSERT_I64(x->tsv, y->tsv);
    ASSERT_I64(x->datev, y->datev);
    CU_ASSERT(memcmp(&x->uuidv, &y->uuidv, 16) == 0);
    ASSERT_STR(x->jsonv, y->jsonv);
    CU_ASSERT(x->oi32.set == y->oi32.set && x->oi32.value == y->oi32.value);
    CU_ASSERT(x->oi64.set == y->oi64.set && x->oi64.value == y->oi64.value);
    CU_ASSERT(x->odv.set == y->odv.set && x->odv.value == y->odv.value);
    CU_ASSERT(x->obv.set == y->obv.set && x->obv.value == y->obv.value);
    ASSERT_STR(x->otv, y->otv);
    CU_ASSERT((x->oblob.data == NULL) == (y->oblob.data == NULL));
    ASSERT_STR(x->onum, y->onum);
    CU_ASSERT(x->ots.set == y->ots.set && x->ots.value == y->ots.value);
    CU_ASSERT(x->odate.set == y->odate.set && x->odate.value == y->odate.value);
    CU_ASSERT(x->ouuid.set == y->ouuid.set);
    ASSERT_STR(x->ojson, y->ojson);
}

static void test_json_round_trip_every_type(void)
{
    for (int k = 0; k < 2; k++) {
        AllTypes a = sample(k), b;
        memset(&b, 0, sizeof b);
        char *text = NULL;
        ASSERT_RC(ath_model_to_json(&text, &AllTypes_model, &a), ATH_OK);
        CU_ASSERT_FATAL(text != NULL);
        CU_ASSERT(strstr(text, k ? "\"i64v\":9007199254740994" : "\"i64v\":9007199254740993") !=
                  NULL);
        CU_ASSERT(strstr(text, "\"tsv\":\"2024-02-29T23:59:58.12345") != NULL);
        CU_ASSERT(strstr(text, "\"numv\":\"12345.67\"") != NULL);
        CU_ASSERT(strstr(text, "\"blobv\":\"AAEC/2EiCg==\"") != NULL || k != 0);
        CU_ASSERT(strstr(text, "\"jsonv\":{\"a\":[1,2.5,\"x\"]") != NULL);
        CU_ASSERT(k == 0 || strstr(text, "\"oi32\":null") != NULL);
        ASSERT_RC(ath_model_from_json(&b, &AllTypes_model, text, strlen(text)), ATH_OK);
        assert_same(&a, &b);
        ath_model_free_fields(&AllTypes_model, &b);
        ath_json_free(text);
    }
}

static void test_json_value_round_trip(void)
{
    AllTypes a = sample(0), b;
    memset(&b, 0, sizeof b);
    json_t *v = NULL;
    ASSERT_RC(ath_model_to_json_value(&v, &AllTypes_model, &a), ATH_OK);
    CU_ASSERT_FATAL(json_is_object(v));
    ASSERT_I64(json_integer_value(json_object_get(v, "i32v")), a.i32v);
    ASSERT_STR(json_string_value(json_object_get(v, "numv")), "12345.67");
    CU_ASSERT(json_is_object(json_object_get(v, "jsonv"))); /* embedded as a document */
    ASSERT_RC(ath_model_from_json_value(&b, &AllTypes_model, v), ATH_OK);
    assert_same(&a, &b);
    ath_model_free_fields(&AllTypes_model, &b);
    json_t *arr = json_array();
    b.tv = "kept";
    ASSERT_RC(ath_model_from_json_value(&b, &AllTypes_model, arr), ATH_EINVAL);
    ASSERT_ERR_HAS("expected a JSON object");
    ASSERT_STR(b.tv, "kept");
    json_decref(arr);
    json_decref(v);
}

static void test_columns_describe_the_model(void)
{
    ath_columns *cols = NULL;
    ASSERT_RC(ath_columns_open(&cols, &AllTypes_model), ATH_OK);
    CU_ASSERT_FATAL(cols != NULL);
    CU_ASSERT(ath_columns_model(cols) == &AllTypes_model);
    ASSERT_I64(ath_columns_count(cols), 23);
    const ath_column_info *id = ath_columns_at(cols, 0);
    CU_ASSERT_FATAL(id != NULL);
    ASSERT_STR(id->name, "id");
    CU_ASSERT(id->pk && id->autoinc);
    CU_ASSERT(ath_columns_at(cols, 23) == NULL);
    long tv = ath_columns_find(cols, "tv");
    ASSERT_I64(tv, 5);
    ASSERT_I64(ath_columns_at(cols, (size_t)tv)->max_length, 200);
    ASSERT_I64(ath_columns_find(cols, "ghost"), -1);
    AllTypes a = sample(0);
    ath_value v = ath_columns_get(cols, (size_t)ath_columns_find(cols, "i32v"), &a);
    CU_ASSERT(v.type == ATH_T_I32 && v.u.i32 == a.i32v);
    ath_value seven = ath_v_i64(7);
    ASSERT_RC(ath_columns_set(cols, (size_t)ath_columns_find(cols, "i32v"), &a, &seven), ATH_OK);
    ASSERT_I64(a.i32v, 7);
    ath_value text = ath_v_text("x");
    ASSERT_RC(ath_columns_set(cols, (size_t)ath_columns_find(cols, "i32v"), &a, &text), ATH_EINVAL);
    ASSERT_I64(a.i32v, 7); /* unchanged on refusal */
    ath_columns_free(cols);
}

static void expect_from_json(const char *json, const char *needle)
{
    AllTypes b;
    memset(&b, 0, sizeof b);
    b.tv = "kept";
    ASSERT_RC(ath_model_from_json(&b, &AllTypes_model, json, strlen(json)), ATH_EINVAL);
    ASSERT_ERR_HAS(needle);
    ASSERT_STR(b.tv, "kept"); /* untouched on failure */
}

static void test_json_errors_name_the_key(void)
{
    expect_from_json("{\"tv\":\"x\",\"nope\":1}", "unknown key 'nope'");
    expect_from_json("{\"tv\":\"x\",\"i32v\":\"12\"}",
                     "key 'i32v': expected an integer, got a string");
    expect_from_json("{\"i32v\":4294967296}", "key 'i32v'");
    expect_from_json("{\"tv\":null}", "key 'tv': null for a column that is not nullable");
    expect_from_json("{\"tsv\":\"yesterday\"}", "key 'tsv'");
    expect_from_json("{\"uuidv\":\"123\"}", "key 'uuidv'");
    expect_from_json("{\"blobv\":\"%%%\"}", "key 'blobv': not valid base64");
    expect_from_json("{\"bv\":1}", "key 'bv': expected true or false");
    expect_from_json("{\"tv\":\"x\",\n\"i32v\": }", "line 2");
    expect_from_json("[1]", "expected a JSON object");
    void *items = NULL;
    size_t n = 9;
    const char *arr = "[{\"i32v\":1},{\"i32v\":true}]";
    ASSERT_RC(ath_array_from_json(&items, &n, &AllTypes_model, arr, strlen(arr)), ATH_EINVAL);
    ASSERT_ERR_HAS("element 1: key 'i32v'");
    CU_ASSERT(items == NULL && n == 0);
}

static void test_json_array_round_trip(void)
{
    AllTypes a[2] = {sample(0), sample(1)};
    char *text = NULL;
    void *items = NULL;
    size_t n = 0;
    ASSERT_RC(ath_array_to_json(&text, &AllTypes_model, a, 2), ATH_OK);
    ASSERT_RC(ath_array_from_json(&items, &n, &AllTypes_model, text, strlen(text)), ATH_OK);
    ASSERT_I64(n, 2);
    if (n == 2) {
        assert_same(&a[0], &((AllTypes *)items)[0]);
        assert_same(&a[1], &((AllTypes *)items)[1]);
    }
    ath_array_free(&AllTypes_model, items, n);
    ath_json_free(text);
}

static void test_json_filters_checked_against_model(void)
{
    ath_json_filters *f = NULL;
    const char *ok = "[{\"or_\":[{\"type\":\"comparison\",\"field_name\":\"i32v\",\"operator\":"
                     "\"gt\",\"value\":3},{\"type\":\"search\",\"field_name\":[\"tv\",\"otv\"],"
                     "\"value\":\"ab\",\"ignore_case\":true}]},{\"type\":\"collection\","
                     "\"field_name\":\"tsv\",\"values\":[\"2024-01-01T00:00:00Z\"]},"
                     "{\"type\":\"order_by\",\"field_name\":\"id\",\"sort_order\":\"desc\"},"
                     "{\"type\":\"limit_offset\",\"limit\":5,\"offset\":0}]";
    ASSERT_RC(ath_filters_from_json(&f, &AllTypes_model, NULL, 0, ok, strlen(ok)), ATH_OK);
    ASSERT_I64(ath_json_filters_count(f), 4);
    const ath_filter *items = ath_json_filters_items(f);
    if (f && ath_json_filters_count(f) == 4) {
        CU_ASSERT(items[0].kind == ATH_FILTER_ANY && items[0].nchildren == 2);
        CU_ASSERT(items[0].children[0].op == ATH_GT && items[0].children[0].value.u.i32 == 3);
        ASSERT_STR(items[0].children[1].column, "tv,otv");
        CU_ASSERT(items[1].values[0].type == ATH_T_TIMESTAMP);
        CU_ASSERT(items[2].desc);
        ASSERT_I64(items[3].limit, 5);
    }
    ath_json_filters_free(f);
    struct {
        const char *json, *needle;
    } bad[] = {
        {"{\"type\":\"comparison\",\"field_name\":\"ghost\",\"value\":1}",
         "unknown column 'ghost'"},
        {"{\"type\":\"comparison\",\"field_name\":\"i32v\",\"operator\":\"~\",\"value\":1}",
         "unknown operator '~'"},
        {"{\"type\":\"comparison\",\"field_name\":\"i32v\",\"value\":\"x\"}", "key 'i32v'"},
        {"{\"type\":\"collection\",\"field_name\":\"id\",\"values\":[1],\"extra\":2}",
         "unknown key 'extra'"},
        {"{\"type\":\"teleport\"}", "unknown filter type 'teleport'"},
        {"{\"type\":\"exists\",\"table\":\"other\"}", "not among the related models"},
        {"[{]", "malformed JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f = NULL;
        ASSERT_RC(
            ath_filters_from_json(&f, &AllTypes_model, NULL, 0, bad[i].json, strlen(bad[i].json)),
            ATH_EINVAL);
        ASSERT_ERR_HAS(bad[i].needle);
        CU_ASSERT(f == NULL);
    }
}

/* --- per URL --------------------------------------------------------------------------------- */

static const char *url_now;
static ath_engine *engine;
static char dir[512];

static const char *const *urls;
static size_t nurls;

/* Opens the engine of the URL at `i` (each per-URL suite has an init of its own). */
static int db_open(size_t i)
{
    url_now = urls[i];
    if (!test_url_is_memory(url_now) && strncmp(url_now, "sqlite", 6) == 0)
        test_sqlite_remove(url_now);
    if (ath_engine_create(&engine, url_now) != ATH_OK)
        return 1;
    ath_drop_all(engine, ATH_MODELS(&AllTypes_model));
    return ath_create_all(engine, ATH_MODELS(&AllTypes_model)) == ATH_OK ? 0 : 1;
}

#define JSON_MAX_URLS 8
#define DB_INIT(i)                                                                                 \
    static int db_init_##i(void) { return db_open(i); }
DB_INIT(0)
DB_INIT(1)
DB_INIT(2)
DB_INIT(3)
DB_INIT(4)
DB_INIT(5)
DB_INIT(6)
DB_INIT(7)
static CU_InitializeFunc const db_inits[JSON_MAX_URLS] = {db_init_0, db_init_1, db_init_2,
                                                          db_init_3, db_init_4, db_init_5,
                                                          db_init_6, db_init_7};

static int db_clean(void)
{
    if (engine)
        ath_drop_all(engine, ATH_MODELS(&AllTypes_model));
    ath_engine_dispose(engine);
    engine = NULL;
    return 0;
}

static int64_t count_rows(void)
{
    ath_session *s = NULL;
    ath_repo *r = NULL;
    int64_t n = -1;
    if (ath_session_open(&s, engine) == ATH_OK && ath_repo_open(&r, s, &AllTypes_model) == ATH_OK)
        ath_repo_count(r, &n, NULL, 0);
    ath_repo_free(r);
    ath_session_close(s);
    return n;
}

static void clear_rows(void)
{
    ath_session *s = NULL;
    ath_repo *r = NULL;
    int64_t n;
    if (ath_session_open(&s, engine) == ATH_OK && ath_repo_open(&r, s, &AllTypes_model) == ATH_OK)
        ath_repo_delete_where(r, &n, NULL, 0);
    ath_session_commit(s);
    ath_repo_free(r);
    ath_session_close(s);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    *len = fread(p, 1, (size_t)n, f);
    p[*len] = '\0';
    fclose(f);
    return p;
}

static int load(const char *path, int64_t *rows, size_t chunk)
{
    ath_session *s = NULL;
    ath_repo *r = NULL;
    ath_data_options o = {.chunk_rows = chunk};
    int rc = ath_session_open(&s, engine);
    if (rc == ATH_OK)
        rc = ath_repo_open(&r, s, &AllTypes_model);
    if (rc == ATH_OK)
        rc = ath_load_file(rows, r, path, &o);
    ath_repo_free(r);
    ath_session_close(s);
    return rc;
}

static int dump(const char *path, int64_t *rows)
{
    ath_session *s = NULL;
    ath_repo *r = NULL;
    ath_data_options o = {.chunk_rows = 3};
    int rc = ath_session_open(&s, engine);
    if (rc == ATH_OK)
        rc = ath_repo_open(&r, s, &AllTypes_model);
    if (rc == ATH_OK)
        rc = ath_dump_file(rows, r, path, &o);
    ath_repo_free(r);
    ath_session_close(s);
    return rc;
}

static const char good_row[] =
    "{\"i32v\":1,\"i64v\":2,\"dv\":0.5,\"bv\":true,\"tv\":\"t\",\"blobv\":\"\",\"numv\":\"1.5\","
    "\"tsv\":\"2024-01-01T00:00:00Z\",\"datev\":\"2024-01-01\",\"uuidv\":"
    "\"00112233-4455-6677-8899-aabbccddeeff\",\"jsonv\":{}}";

static void test_load_rejects_malformed_json_naming_the_line(void)
{
    char path[600];
    snprintf(path, sizeof path, "%s/bad.jsonl", dir);
    char text[2048];
    /* a good row in a first batch of 1, then a bad key on line 3 */
    snprintf(text, sizeof text, "%s\n\n%.*s,\"ghost\":1}\n", good_row, (int)strlen(good_row) - 1,
             good_row);
    write_file(path, text);
    int64_t rows = 99;
    ASSERT_RC(load(path, &rows, 1), ATH_EINVAL);
    ASSERT_ERR_HAS("bad.jsonl:3: unknown key 'ghost'");
    ASSERT_I64(rows, 0);
    ASSERT_I64(count_rows(), 0);
    snprintf(text, sizeof text, "%s\n{\"i32v\": tru}\n", good_row);
    write_file(path, text);
    ASSERT_RC(load(path, &rows, 1), ATH_EINVAL);
    ASSERT_ERR_HAS("bad.jsonl:2: malformed JSON");
    ASSERT_I64(count_rows(), 0);
    snprintf(text, sizeof text, "[\n%s,\n%.*s,\"otv\":5}\n]\n", good_row, (int)strlen(good_row) - 1,
             good_row);
    write_file(path, text);
    ASSERT_RC(load(path, &rows, 1), ATH_EINVAL);
    ASSERT_ERR_HAS("element 1: key 'otv': expected a string");
    ASSERT_I64(count_rows(), 0);
}

static void test_load_rejects_malformed_csv_naming_the_line(void)
{
    char path[600];
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    const char *head = "i32v,i64v,dv,bv,tv,blobv,numv,tsv,datev,uuidv,jsonv\n";
    const char *row = "1,2,0.5,true,\"a,b\",\"\",1.5,2024-01-01T00:00:00Z,2024-01-01,"
                      "00112233-4455-6677-8899-aabbccddeeff,{}\n";
    char text[2048];
    snprintf(text, sizeof text,
             "%s%s%s1,x,0.5,true,t,\"\",1,2024-01-01,2024-01-01,"
             "00112233-4455-6677-8899-aabbccddeeff,{}\n",
             head, row, row);
    write_file(path, text);
    int64_t rows = 99;
    ASSERT_RC(load(path, &rows, 1), ATH_EINVAL);
    ASSERT_ERR_HAS("bad.csv:4: column 'i64v': expected an integer, got \"x\"");
    ASSERT_I64(count_rows(), 0);
    snprintf(text, sizeof text, "%s%s1,2,3\n", head, row);
    write_file(path, text);
    ASSERT_RC(load(path, &rows, 1), ATH_EINVAL);
    ASSERT_ERR_HAS("bad.csv:3: 3 fields, but the header names 11");
    snprintf(text, sizeof text, "i32v,ghost\n");
    write_file(path, text);
    ASSERT_RC(load(path, &rows, 1), ATH_EINVAL);
    ASSERT_ERR_HAS("bad.csv:1: unknown column 'ghost'");
    snprintf(text, sizeof text, "%s%s\"unterminated\n", head, row);
    write_file(path, text);
    ASSERT_RC(load(path, &rows, 1), ATH_EINVAL);
    ASSERT_ERR_HAS("bad.csv:3: a quoted field is not closed");
    ASSERT_I64(count_rows(), 0);
    /* and a good file loads */
    snprintf(text, sizeof text, "%s%s%s", head, row, row);
    write_file(path, text);
    ASSERT_RC(load(path, &rows, 1), ATH_OK);
    ASSERT_I64(rows, 2);
    ASSERT_I64(count_rows(), 2);
    clear_rows();
}

static void round_trip(const char *ext)
{
    clear_rows();
    AllTypes a[7];
    for (int k = 0; k < 7; k++)
        a[k] = sample(k);
    ath_session *s = NULL;
    ath_repo *r = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &AllTypes_model), ATH_OK);
    ASSERT_RC(ath_repo_add_many(r, a, 7), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_repo_free(r);
    ath_session_close(s);
    char p1[600], p2[600];
    snprintf(p1, sizeof p1, "%s/one.%s", dir, ext);
    snprintf(p2, sizeof p2, "%s/two.%s", dir, ext);
    int64_t rows = 0;
    ASSERT_RC(dump(p1, &rows), ATH_OK);
    ASSERT_I64(rows, 7);
    clear_rows();
    ASSERT_RC(load(p1, &rows, 2), ATH_OK);
    ASSERT_I64(rows, 7);
    ASSERT_RC(dump(p2, &rows), ATH_OK);
    size_t n1 = 0, n2 = 0;
    char *t1 = read_all(p1, &n1), *t2 = read_all(p2, &n2);
    CU_ASSERT_FATAL(t1 && t2);
    CU_ASSERT(n1 > 100);
    ASSERT_I64(n1, n2);
    CU_ASSERT(n1 == n2 && memcmp(t1, t2, n1) == 0);
    free(t1);
    free(t2);
    clear_rows();
}

/* Rows read back by ath_repo_list, written as a JSON array, parse back to the same rows. */
static void test_list_to_json_writes_the_rows_read(void)
{
    clear_rows();
    ath_session *s = NULL;
    ath_repo *r = NULL;
    ath_list *list = NULL;
    AllTypes a[2] = {sample(0), sample(1)};
    char *text = NULL;
    void *items = NULL;
    size_t n = 0;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &AllTypes_model), ATH_OK);
    if (!r)
        goto done;
    ASSERT_RC(ath_repo_add_many(r, a, 2), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_repo_list(r, &list, ATH_FILTERS(ath_order_by("id", false))), ATH_OK);
    ASSERT_RC(ath_list_to_json(&text, &AllTypes_model, list), ATH_OK);
    CU_ASSERT_FATAL(text != NULL);
    ASSERT_RC(ath_array_from_json(&items, &n, &AllTypes_model, text, strlen(text)), ATH_OK);
    ASSERT_I64(n, 2);
    if (n == 2) {
        ASSERT_I64(((AllTypes *)items)[0].id, a[0].id);
        ASSERT_I64(((AllTypes *)items)[1].i64v, a[1].i64v);
        ASSERT_STR(((AllTypes *)items)[0].tv, a[0].tv);
    }
done:
    ath_array_free(&AllTypes_model, items, n);
    ath_json_free(text);
    ath_list_free(list);
    ath_repo_free(r);
    ath_session_close(s);
    clear_rows();
}

static void test_dump_load_round_trip_json(void)
{
    round_trip("jsonl");
}

static void test_dump_load_round_trip_csv(void)
{
    round_trip("csv");
}

static void test_dump_load_round_trip_gzip(void)
{
    round_trip("csv.gz");
}

int main(int argc, char **argv)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    static const test_case codec[] = {
        {"json_round_trip_every_type", test_json_round_trip_every_type},
        {"json_errors_name_the_key", test_json_errors_name_the_key},
        {"json_array_round_trip", test_json_array_round_trip},
        {"json_filters_checked_against_model", test_json_filters_checked_against_model},
        {"json_value_round_trip", test_json_value_round_trip},
        {"columns_describe_the_model", test_columns_describe_the_model},
        {NULL, NULL}};
    test_add_suite("json-codec", NULL, NULL, codec);
    snprintf(dir, sizeof dir, "%s", test_workdir());
    nurls = test_urls(&urls);
    if (nurls > JSON_MAX_URLS) {
        fprintf(stderr, "athanor_json_tests: at most %d URLs\n", JSON_MAX_URLS);
        return 1;
    }
    static const test_case files[] = {
        {"load_rejects_malformed_json_naming_the_line",
         test_load_rejects_malformed_json_naming_the_line},
        {"load_rejects_malformed_csv_naming_the_line",
         test_load_rejects_malformed_csv_naming_the_line},
        {"dump_load_round_trip_json", test_dump_load_round_trip_json},
        {"dump_load_round_trip_csv", test_dump_load_round_trip_csv},
        {"dump_load_round_trip_gzip", test_dump_load_round_trip_gzip},
        {"list_to_json_writes_the_rows_read", test_list_to_json_writes_the_rows_read},
        {NULL, NULL}};
    for (size_t i = 0; i < nurls; i++) {
        char name[64];
        char dialect[32];
        test_url_dialect(urls[i], dialect, sizeof dialect);
        snprintf(name, sizeof name, "json-files@%s-%zu", dialect, i + 1);
        test_add_suite(name, db_inits[i], db_clean, files);
    }
    return test_run(argc, argv);
}
