/*
 * pagination: limit/offset pages and keyset cursors (ath_after + ath_list_cursor). Keyset
 * pages must cover every row exactly once, in order, even when the ordering column has ties —
 * the core adds the primary key as the tie-breaker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

enum { MAX_ROWS = 64, MAX_PAGES = 64 };

/* What a walk through the pages saw. */
typedef struct seen {
    size_t n;
    size_t pages;
    int64_t id[MAX_ROWS];
    int32_t bucket[MAX_ROWS];
    ath_timestamp happened[MAX_ROWS];
    char title[MAX_ROWS][16];
} seen;

static ath_timestamp day(int k)
{
    return (ath_timestamp)1700000000000000LL + (ath_timestamp)k * 86400000000LL;
}

/*
 * Adds n events "ev-00".. with bucket = i / 4 (ties of four) and happened = day(i % 3) (ties
 * across buckets), in an order unrelated to either, and commits.
 */
static ath_repo *seed_events(ath_session *s, int n)
{
    ath_repo *events = conf_repo(s, &Event_model);
    static char titles[MAX_ROWS][16];
    for (int k = 0; k < n; k++) {
        int i = (k * 7) % n; /* n is not a multiple of 7: a permutation */
        snprintf(titles[i], sizeof titles[i], "ev-%02d", i);
        Event e = {0, titles[i], day(i % 3), i / 4, NULL};
        ASSERT_RC(ath_repo_add(events, &e), ATH_OK);
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    return events;
}

/*
 * Lists page after page with `filters` (order and where) + limit + after(cursor) until the
 * cursor is NULL, recording every row. Asserts the cursor rules on the way: a page shorter than
 * the limit has no cursor, and no page is longer than the limit.
 */
static void walk(ath_repo *events, const ath_filter *filters, size_t nfilters, int64_t limit,
                 seen *out)
{
    ath_filter f[8];
    char *cursor = NULL;
    memset(out, 0, sizeof *out);
    CU_ASSERT_FATAL(nfilters + 2 <= 8);
    if (nfilters)
        memcpy(f, filters, nfilters * sizeof *f);
    f[nfilters] = ath_limit_offset(limit, 0);
    for (out->pages = 0; out->pages < MAX_PAGES; out->pages++) {
        f[nfilters + 1] = ath_after(cursor);
        ath_list *l = NULL;
        int rc = ath_repo_list(events, &l, f, nfilters + 2);
        ASSERT_RC(rc, ATH_OK);
        if (rc != ATH_OK)
            break;
        size_t count = ath_list_count(l);
        CU_ASSERT((int64_t)count <= limit);
        for (size_t i = 0; i < count && out->n < MAX_ROWS; i++) {
            const Event *e = ath_list_at(l, i);
            out->id[out->n] = e->id;
            out->bucket[out->n] = e->bucket;
            out->happened[out->n] = e->happened;
            snprintf(out->title[out->n], sizeof out->title[0], "%s", e->title);
            out->n++;
        }
        const char *next = ath_list_cursor(l);
        if ((int64_t)count < limit)
            CU_ASSERT_PTR_NULL(next);
        free(cursor);
        cursor = next ? strdup(next) : NULL;
        ath_list_free(l);
        if (!cursor) {
            out->pages++;
            break;
        }
    }
    free(cursor);
    CU_ASSERT(out->pages < MAX_PAGES);
}

/* Every id of the table appears exactly once in `w`. */
static void expect_each_row_once(ath_session *s, const seen *w, size_t total)
{
    ASSERT_I64(w->n, total);
    ASSERT_I64(sql_count(s, "event"), total);
    size_t dups = 0;
    for (size_t i = 0; i < w->n; i++)
        for (size_t j = i + 1; j < w->n; j++)
            dups += w->id[i] == w->id[j];
    ASSERT_I64(dups, 0);
}

static void test_keyset_pages_cover_every_row_once_in_order(void)
{
    ath_session *s = conf_begin();
    ath_repo *events = seed_events(s, 23);
    seen w;
    walk(events, ATH_FILTERS(ath_order_by("bucket", false)), 5, &w);
    expect_each_row_once(s, &w, 23);
    ASSERT_I64(w.pages, 5);
    size_t out_of_order = 0;
    for (size_t i = 1; i < w.n; i++)
        out_of_order += w.bucket[i] < w.bucket[i - 1] ||
                        (w.bucket[i] == w.bucket[i - 1] && w.id[i] <= w.id[i - 1]);
    ASSERT_I64(out_of_order, 0); /* ties broken by the primary key, ascending */
    conf_end();
}

static void test_keyset_pages_in_descending_order(void)
{
    ath_session *s = conf_begin();
    ath_repo *events = seed_events(s, 23);
    seen w;
    walk(events, ATH_FILTERS(ath_order_by("bucket", true)), 3, &w);
    expect_each_row_once(s, &w, 23);
    size_t out_of_order = 0;
    for (size_t i = 1; i < w.n; i++)
        out_of_order += w.bucket[i] > w.bucket[i - 1];
    ASSERT_I64(out_of_order, 0);
    conf_end();
}

static void test_keyset_page_size_dividing_the_rows_ends_with_no_cursor(void)
{
    ath_session *s = conf_begin();
    ath_repo *events = seed_events(s, 8);
    seen w;
    walk(events, ATH_FILTERS(ath_order_by("bucket", false)), 4, &w);
    expect_each_row_once(s, &w, 8);
    CU_ASSERT(w.pages == 2 || w.pages == 3); /* a last full page may or may not know it is last */
    conf_end();
}

static void test_keyset_with_two_order_columns(void)
{
    ath_session *s = conf_begin();
    ath_repo *events = seed_events(s, 23);
    seen w;
    walk(events, ATH_FILTERS(ath_order_by("happened", false), ath_order_by("bucket", true)), 4, &w);
    expect_each_row_once(s, &w, 23);
    size_t out_of_order = 0;
    for (size_t i = 1; i < w.n; i++)
        out_of_order += w.happened[i] < w.happened[i - 1] ||
                        (w.happened[i] == w.happened[i - 1] && w.bucket[i] > w.bucket[i - 1]);
    ASSERT_I64(out_of_order, 0);
    conf_end();
}

static void test_keyset_on_text_column(void)
{
    ath_session *s = conf_begin();
    ath_repo *events = seed_events(s, 23);
    seen w;
    walk(events, ATH_FILTERS(ath_order_by("title", true)), 6, &w);
    expect_each_row_once(s, &w, 23);
    size_t out_of_order = 0;
    for (size_t i = 1; i < w.n; i++)
        out_of_order += strcmp(w.title[i], w.title[i - 1]) >= 0;
    ASSERT_I64(out_of_order, 0);
    conf_end();
}

static void test_keyset_with_where_filter(void)
{
    ath_session *s = conf_begin();
    ath_repo *events = seed_events(s, 23);
    seen w;
    walk(events,
         ATH_FILTERS(ath_where("bucket", ATH_GE, ath_v_i32(2)), ath_order_by("bucket", false)), 4,
         &w);
    ASSERT_I64(w.n, 15); /* ev-08 .. ev-22 */
    size_t wrong = 0;
    for (size_t i = 0; i < w.n; i++)
        wrong += w.bucket[i] < 2;
    ASSERT_I64(wrong, 0);
    conf_end();
}

static void test_keyset_without_order_by_follows_primary_key(void)
{
    ath_session *s = conf_begin();
    ath_repo *events = seed_events(s, 11);
    seen w;
    walk(events, NULL, 0, 3, &w);
    expect_each_row_once(s, &w, 11);
    size_t out_of_order = 0;
    for (size_t i = 1; i < w.n; i++)
        out_of_order += w.id[i] <= w.id[i - 1];
    ASSERT_I64(out_of_order, 0);
    conf_end();
}

static void test_keyset_first_page_matches_plain_limit(void)
{
    ath_session *s = conf_begin();
    ath_repo *events = seed_events(s, 10);
    ath_list *plain =
        conf_list(events, ATH_FILTERS(ath_order_by("bucket", false), ath_order_by("id", false),
                                      ath_limit_offset(4, 0)));
    ath_list *first = conf_list(events, ATH_FILTERS(ath_order_by("bucket", false),
                                                    ath_limit_offset(4, 0), ath_after(NULL)));
    CU_ASSERT_FATAL(ath_list_count(plain) == 4 && ath_list_count(first) == 4);
    for (size_t i = 0; i < 4; i++)
        ASSERT_I64(((const Event *)ath_list_at(first, i))->id,
                   ((const Event *)ath_list_at(plain, i))->id);
    CU_ASSERT_PTR_NOT_NULL(ath_list_cursor(first));
    conf_end();
}

static void test_keyset_with_uuid_key_and_bool_ties(void)
{
    enum { N = 10 };
    ath_session *s = conf_begin();
    ath_repo *repo = conf_repo(s, &AllTypes_model);
    for (unsigned i = 0; i < N; i++) {
        AllTypes r;
        fill_all_types(&r, 100 + i);
        ASSERT_RC(ath_repo_add(repo, &r), ATH_OK);
    }
    char *cursor = NULL;
    size_t total = 0, pages = 0, falses_after_trues = 0;
    bool seen_true = false;
    ath_uuid ids[N];
    while (pages++ < 20) {
        ath_list *l = NULL;
        ASSERT_RC(ath_repo_list(repo, &l,
                                ATH_FILTERS(ath_order_by("c_bool", false), ath_limit_offset(3, 0),
                                            ath_after(cursor))),
                  ATH_OK);
        for (size_t i = 0; l && i < ath_list_count(l); i++) {
            const AllTypes *r = ath_list_at(l, i);
            falses_after_trues += seen_true && !r->c_bool;
            seen_true = seen_true || r->c_bool;
            if (total < N)
                ids[total] = r->id;
            total++;
        }
        const char *next = l ? ath_list_cursor(l) : NULL;
        free(cursor);
        cursor = next ? strdup(next) : NULL;
        ath_list_free(l);
        if (!cursor)
            break;
    }
    free(cursor);
    ASSERT_I64(total, N);
    ASSERT_I64(falses_after_trues, 0);
    size_t dups = 0;
    for (size_t i = 0; i < N && i < total; i++)
        for (size_t j = i + 1; j < N && j < total; j++)
            dups += memcmp(&ids[i], &ids[j], sizeof ids[i]) == 0;
    ASSERT_I64(dups, 0);
    conf_end();
}

static void test_limit_offset_pages_cover_every_row(void)
{
    ath_session *s = conf_begin();
    ath_repo *events = seed_events(s, 23);
    int64_t last = 0;
    size_t rows = 0, out_of_order = 0;
    for (int64_t offset = 0; offset < 30; offset += 5) {
        ath_list *l =
            conf_list(events, ATH_FILTERS(ath_order_by("id", false), ath_limit_offset(5, offset)));
        for (size_t i = 0; i < ath_list_count(l); i++) {
            const Event *e = ath_list_at(l, i);
            out_of_order += e->id <= last;
            last = e->id;
            rows++;
        }
    }
    ASSERT_I64(rows, 23);
    ASSERT_I64(out_of_order, 0);
    conf_end();
}

const test_case pagination_tests[] = {
    {"test_keyset_pages_cover_every_row_once_in_order",
     test_keyset_pages_cover_every_row_once_in_order},
    {"test_keyset_pages_in_descending_order", test_keyset_pages_in_descending_order},
    {"test_keyset_page_size_dividing_the_rows_ends_with_no_cursor",
     test_keyset_page_size_dividing_the_rows_ends_with_no_cursor},
    {"test_keyset_with_two_order_columns", test_keyset_with_two_order_columns},
    {"test_keyset_on_text_column", test_keyset_on_text_column},
    {"test_keyset_with_where_filter", test_keyset_with_where_filter},
    {"test_keyset_without_order_by_follows_primary_key",
     test_keyset_without_order_by_follows_primary_key},
    {"test_keyset_first_page_matches_plain_limit", test_keyset_first_page_matches_plain_limit},
    {"test_keyset_with_uuid_key_and_bool_ties", test_keyset_with_uuid_key_and_bool_ties},
    {"test_limit_offset_pages_cover_every_row", test_limit_offset_pages_cover_every_row},
    {NULL, NULL},
};

TEST_SUITE(pagination) { conf_add_group("pagination", pagination_tests, true); }
