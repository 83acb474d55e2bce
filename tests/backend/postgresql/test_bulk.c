/* Bulk work through the repository on PostgreSQL: 100 000 rows in and back, keys written back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <athanor/athanor.h>

#include "pg_test.h"
#include "runner.h"

typedef struct BulkItem {
    int64_t id;
    char *name;
    int32_t qty;
    double price;
} BulkItem;

static const ath_field bulk_fields[] = {
    ATH_FIELD(BulkItem, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(BulkItem, name, text, .flags = ATH_UNIQUE),
    ATH_FIELD(BulkItem, qty, i32),
    ATH_FIELD(BulkItem, price, double),
};
static const ath_model BulkItem_model = ATH_MODEL_OF(BulkItem, "pg_bulk_item", bulk_fields);

#define N 100000

static ath_engine *engine;
static BulkItem *items;
static char (*names)[24];

static int setup(void)
{
    if (!(engine = pg_engine(NULL)))
        return 1;
    items = calloc(N, sizeof *items);
    names = calloc(N, sizeof *names);
    if (!items || !names)
        return 1;
    ath_drop_all(engine, ATH_MODELS(&BulkItem_model));
    return ath_create_all(engine, ATH_MODELS(&BulkItem_model)) == ATH_OK ? 0 : 1;
}

static int teardown(void)
{
    if (engine)
        ath_drop_all(engine, ATH_MODELS(&BulkItem_model));
    ath_engine_dispose(engine);
    free(items);
    free(names);
    return 0;
}

static int compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void test_add_many_of_100000_rows_writes_every_key_back(void)
{
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "item-%06d", i);
        items[i] = (BulkItem){0, names[i], i % 100, i * 0.25};
    }
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&repo, s, &BulkItem_model), ATH_OK);
    double t0 = test_now();
    ASSERT_RC(ath_repo_add_many(repo, items, N), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    double t = test_now() - t0;
    fprintf(stderr, "    add_many: %d rows in %.3f s (%.0f rows/s)\n", N, t, N / t);
    CU_ASSERT_EQUAL(pg_i64(s, "SELECT COUNT(*) FROM pg_bulk_item", NULL, 0), N);
    /* every object got its own key, and each key names that object's row */
    int64_t *ids = malloc(N * sizeof *ids);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ids);
    for (int i = 0; i < N; i++)
        ids[i] = items[i].id;
    qsort(ids, N, sizeof *ids, compare_i64);
    int distinct = ids[0] > 0;
    for (int i = 1; i < N; i++)
        distinct &= ids[i] != ids[i - 1];
    CU_ASSERT_TRUE(distinct);
    free(ids);
    for (int i = 0; i < N; i += 9973) {
        ath_value k = ath_v_i64(items[i].id);
        char got[64];
        ASSERT_RC(pg_text(s, "SELECT name FROM pg_bulk_item WHERE id = ?", &k, 1, got, sizeof got),
                  ATH_OK);
        CU_ASSERT_STRING_EQUAL(got, names[i]);
    }
    ath_repo_free(repo);
    ath_session_close(s);
}

static void test_list_of_100000_rows_reads_them_all(void)
{
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    ath_list *list = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&repo, s, &BulkItem_model), ATH_OK);
    double t0 = test_now();
    ASSERT_RC(ath_repo_list(repo, &list, ATH_FILTERS(ath_order_by("name", false))), ATH_OK);
    double t = test_now() - t0;
    fprintf(stderr, "    list: %zu rows in %.3f s (%.0f rows/s)\n", ath_list_count(list), t,
            (double)ath_list_count(list) / t);
    CU_ASSERT_EQUAL_FATAL(ath_list_count(list), N);
    BulkItem *rows = ath_list_items(list);
    CU_ASSERT_STRING_EQUAL(rows[0].name, "item-000000");
    CU_ASSERT_STRING_EQUAL(rows[N - 1].name, "item-099999");
    CU_ASSERT_EQUAL(rows[N - 1].qty, 99999 % 100);
    CU_ASSERT_DOUBLE_EQUAL(rows[N - 1].price, 99999 * 0.25, 1e-9);
    ath_list_free(list);
    ath_repo_free(repo);
    ath_session_close(s);
}

static void test_upsert_many_updates_existing_and_inserts_new_rows(void)
{
    enum { M = 20000 };
    /* the first half exists (by name), the second half is new */
    for (int i = 0; i < M; i++) {
        int n = i < M / 2 ? i : N + i;
        snprintf(names[i], sizeof names[i], "item-%06d", n);
        items[i] = (BulkItem){0, names[i], 1000, 1.5}; /* no original row has qty 1000 */
    }
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&repo, s, &BulkItem_model), ATH_OK);
    ASSERT_RC(ath_repo_upsert_many(repo, items, M, ATH_NAMES("name")), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_EQUAL(pg_i64(s, "SELECT COUNT(*) FROM pg_bulk_item", NULL, 0), N + M / 2);
    CU_ASSERT_EQUAL(pg_i64(s, "SELECT COUNT(*) FROM pg_bulk_item WHERE qty = 1000", NULL, 0), M);
    int keyed = 1;
    for (int i = 0; i < M; i++)
        keyed &= items[i].id > 0;
    CU_ASSERT_TRUE(keyed); /* keys written back for updated and inserted rows alike */
    ath_value k = ath_v_i64(items[0].id);
    char got[64];
    ASSERT_RC(pg_text(s, "SELECT name FROM pg_bulk_item WHERE id = ?", &k, 1, got, sizeof got),
              ATH_OK);
    CU_ASSERT_STRING_EQUAL(got, "item-000000");
    ath_repo_free(repo);
    ath_session_close(s);
}

/* Rows with their keys already set: nothing to read back, so COPY carries them. */
typedef struct Keyed {
    int64_t id;
    char *label;
    ath_timestamp at;
    ath_opt_i32 n;
    char *amount; /* numeric: no binary encoder here, so this model falls back to INSERT */
} Keyed;
static const ath_field keyed_fields[] = {
    ATH_FIELD(Keyed, id, i64, .flags = ATH_PK),
    ATH_FIELD(Keyed, label, text),
    ATH_FIELD(Keyed, at, timestamp),
    ATH_FIELD(Keyed, n, opt_i32),
};
static const ath_model Keyed_model = ATH_MODEL_OF(Keyed, "pg_bulk_keyed", keyed_fields);
static const ath_field money_fields[] = {
    ATH_FIELD(Keyed, id, i64, .flags = ATH_PK),
    ATH_FIELD(Keyed, amount, numeric),
};
static const ath_model Money_model = ATH_MODEL_OF(Keyed, "pg_bulk_money", money_fields);

/* engine events of the bulk path: one BEFORE and one AFTER naming the table and the rows */
static int bulk_before, bulk_after;
static int64_t bulk_rows;
static void count_bulk_events(void *ctx, const ath_event *ev)
{
    (void)ctx;
    if (!ev->sql || strncmp(ev->sql, "bulk insert into pg_bulk_keyed (", 32) != 0)
        return;
    if (ev->kind == ATH_EVENT_BEFORE_EXECUTE)
        bulk_before++;
    else if (ev->kind == ATH_EVENT_AFTER_EXECUTE)
        bulk_after++, bulk_rows += ev->rows;
}

static void test_add_many_with_given_keys_goes_through_copy(void)
{
    enum { M = 20000 };
    ath_drop_all(engine, ATH_MODELS(&Keyed_model, &Money_model));
    ASSERT_RC(ath_create_all(engine, ATH_MODELS(&Keyed_model, &Money_model)), ATH_OK);
    Keyed *rows = calloc(M, sizeof *rows);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rows);
    for (int i = 0; i < M; i++) {
        snprintf(names[i], sizeof names[i], "k-%d", i);
        rows[i] = (Keyed){i + 1, names[i], (ath_timestamp)i * 1000001, {0, false}, NULL};
        if (i % 3)
            rows[i].n = ath_some_i32(-i);
    }
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    ath_engine_options opts;
    ath_engine_options_init(&opts);
    opts.on_event = count_bulk_events;
    ath_engine *watched = NULL;
    ASSERT_RC(ath_engine_create_opts(&watched, pg_url_with(NULL), &opts), ATH_OK);
    ASSERT_RC(ath_session_open(&s, watched), ATH_OK);
    ASSERT_RC(ath_repo_open(&repo, s, &Keyed_model), ATH_OK);
    bulk_before = bulk_after = 0;
    bulk_rows = 0;
    double t0 = test_now();
    ASSERT_RC(ath_repo_add_many(repo, rows, M), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    double t = test_now() - t0;
    fprintf(stderr, "    add_many with keys (COPY): %d rows in %.3f s (%.0f rows/s)\n", M, t,
            M / t);
    CU_ASSERT_TRUE(bulk_before >= 1);
    CU_ASSERT_EQUAL(bulk_after, bulk_before);
    CU_ASSERT_EQUAL(bulk_rows, M); /* every row was announced by the COPY's events */
    CU_ASSERT_EQUAL(pg_i64(s, "SELECT COUNT(*) FROM pg_bulk_keyed", NULL, 0), M);
    CU_ASSERT_EQUAL(pg_i64(s, "SELECT COUNT(*) FROM pg_bulk_keyed WHERE n IS NULL", NULL, 0),
                    (M + 2) / 3);
    ath_value k = ath_v_i64(12347); /* i = 12346: i % 3 != 0, so n is set */
    char got[64];
    ASSERT_RC(pg_text(s, "SELECT label || '/' || n FROM pg_bulk_keyed WHERE id = ?", &k, 1, got,
                      sizeof got),
              ATH_OK);
    CU_ASSERT_STRING_EQUAL(got, "k-12346/-12346");
    Keyed back;
    ASSERT_RC(ath_repo_get(repo, &back, &k, 1), ATH_OK);
    CU_ASSERT_EQUAL(back.at, (ath_timestamp)12346 * 1000001);
    ath_model_free_fields(&Keyed_model, &back);
    /* a duplicate key anywhere in the batch: ATH_EDUPLICATE and nothing of the batch stays */
    rows[M - 1].id = 1;
    for (int i = 0; i < M - 1; i++)
        rows[i].id += M;
    ASSERT_RC(ath_repo_add_many(repo, rows, M), ATH_EDUPLICATE);
    CU_ASSERT_TRUE(ath_session_failed(s));
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    CU_ASSERT_EQUAL(pg_i64(s, "SELECT COUNT(*) FROM pg_bulk_keyed", NULL, 0), M);
    ath_repo_free(repo);
    /* a column the bulk path cannot encode: the rows go by INSERT instead, all of them */
    for (int i = 0; i < 1000; i++)
        rows[i] = (Keyed){i + 1, NULL, 0, {0, false}, "12.50"};
    ASSERT_RC(ath_repo_open(&repo, s, &Money_model), ATH_OK);
    ASSERT_RC(ath_repo_add_many(repo, rows, 1000), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_EQUAL(pg_i64(s, "SELECT COUNT(*) FROM pg_bulk_money WHERE amount = 12.5", NULL, 0),
                    1000);
    ath_repo_free(repo);
    ath_session_close(s);
    ath_engine_dispose(watched);
    ath_drop_all(engine, ATH_MODELS(&Keyed_model, &Money_model));
    free(rows);
}

/* A model whose text member maps onto a DATE column of a table it did not create: COPY has no
 * binary form for that value, so the rows go by INSERT, and a text longer than COPY's scratch
 * for formatted values (128 bytes) must not overrun it on the way. */
typedef struct TextDate {
    int64_t id;
    char *day;
} TextDate;
static const ath_field text_date_fields[] = {
    ATH_FIELD(TextDate, id, i64, .flags = ATH_PK),
    ATH_FIELD(TextDate, day, text),
};
static const ath_model TextDate_model =
    ATH_MODEL_OF(TextDate, "pg_bulk_textdate", text_date_fields);

static void test_add_many_long_text_into_a_date_column_falls_back_to_insert(void)
{
    ASSERT_RC(pg_setup(engine, "DROP TABLE IF EXISTS pg_bulk_textdate"), ATH_OK);
    ASSERT_RC(pg_setup(engine, "CREATE TABLE pg_bulk_textdate (id BIGINT PRIMARY KEY, day DATE)"),
              ATH_OK);
    char day[400]; /* the server trims white space around a date */
    snprintf(day, sizeof day, "%-300s", "2026-11-25");
    TextDate rows[3] = {{1, day}, {2, day}, {3, day}};
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&repo, s, &TextDate_model), ATH_OK);
    ASSERT_RC(ath_repo_add_many(repo, rows, 3), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_EQUAL(
        pg_i64(s, "SELECT COUNT(*) FROM pg_bulk_textdate WHERE day = DATE '2026-11-25'", NULL, 0),
        3);
    ath_repo_free(repo);
    ath_session_close(s);
    pg_setup(engine, "DROP TABLE pg_bulk_textdate");
}

TEST_SUITE(bulk)
{
    static const test_case tests[] = {
        {"add_many of 100000 rows writes every key back",
         test_add_many_of_100000_rows_writes_every_key_back},
        {"list of 100000 rows reads them all", test_list_of_100000_rows_reads_them_all},
        {"upsert_many updates existing and inserts new rows",
         test_upsert_many_updates_existing_and_inserts_new_rows},
        {"add_many with given keys goes through COPY",
         test_add_many_with_given_keys_goes_through_copy},
        {"add_many of long text into a DATE column falls back to INSERT",
         test_add_many_long_text_into_a_date_column_falls_back_to_insert},
        {NULL, NULL},
    };
    test_add_suite("postgresql-bulk", setup, teardown, tests);
}
