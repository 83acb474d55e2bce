/*
 * athanor_in_bench — ath_repo_list with a collection filter of 1, 10, 20, 50, 100, 200, 300, 500,
 * 1000 and 10000 values, each size in both forms in the same run: `id IN (?, ?, …)`
 * (in_array_min=-1) and `id = ANY(?)` with one array parameter (in_array_min=1; PostgreSQL only,
 * elsewhere both sides write the IN list).
 *
 *   athanor_in_bench [--rows N] [--reps R] URL
 *
 * Fills table bench_in with N rows (default 100 000; id, name) and, for each size k, lists the
 * rows whose id is among k ids spread over the table, R times per form (default: enough for
 * about 2000 values per form and size, at least 20), alternating the forms; it prints the
 * median milliseconds per list of each. The number of rows each list returns is checked.
 */
#define _POSIX_C_SOURCE 200809L
#include <athanor/athanor.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct in_item {
    int64_t id;
    char *name;
} in_item;

static const ath_field in_fields[] = {
    ATH_FIELD(in_item, id, i64, .flags = ATH_PK),
    ATH_FIELD(in_item, name, text, .max_length = 40),
};
static const ath_model in_model = ATH_MODEL_OF(in_item, "bench_in", in_fields);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
    fprintf(stderr, "athanor_in_bench: %s: %s\n", what, ath_error_last()->message);
    return 1;
}

typedef struct side {
    ath_engine *engine;
    ath_session *session;
    ath_repo *repo;
    const char *name;
} side;

static int open_side(side *s, const char *url, int in_array_min)
{
    ath_engine_options o;
    ath_engine_options_init(&o);
    o.in_array_min = in_array_min;
    o.pool_size = 1;
    memset(s, 0, sizeof *s);
    s->name = in_array_min < 0 ? "IN-list" : "array";
    if (ath_engine_create_opts(&s->engine, url, &o) != ATH_OK ||
        ath_session_open(&s->session, s->engine) != ATH_OK ||
        ath_repo_open(&s->repo, s->session, &in_model) != ATH_OK)
        return fail("connecting");
    return 0;
}

static void close_side(side *s)
{
    ath_repo_free(s->repo);
    ath_session_close(s->session);
    ath_engine_dispose(s->engine);
}

static int fill(side *s, size_t rows)
{
    int64_t have = 0;
    if (ath_drop_all(s->engine, ATH_MODELS(&in_model)) != ATH_OK ||
        ath_create_all(s->engine, ATH_MODELS(&in_model)) != ATH_OK)
        return fail("creating bench_in");
    in_item *items = calloc(rows, sizeof *items);
    char(*names)[32] = calloc(rows, sizeof *names);
    if (!items || !names)
        return fail("allocating");
    for (size_t i = 0; i < rows; i++) {
        items[i].id = (int64_t)i + 1;
        snprintf(names[i], sizeof names[i], "name-%zu", i + 1);
        items[i].name = names[i];
    }
    int rc = ath_repo_add_many(s->repo, items, rows);
    free(items);
    free(names);
    if (rc == ATH_OK)
        rc = ath_session_commit(s->session);
    if (rc != ATH_OK || ath_repo_count(s->repo, &have, NULL, 0) != ATH_OK || have != (int64_t)rows)
        return fail("filling bench_in");
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One list of the k ids; -1 when it fails or returns the wrong number of rows. */
static double one_list(side *s, const ath_value *ids, size_t k)
{
    ath_list *l = NULL;
    double t0 = now();
    int rc = ath_repo_list(s->repo, &l, ATH_FILTERS(ath_collection("id", ids, k)));
    double t = now() - t0;
    size_t n = rc == ATH_OK ? ath_list_count(l) : 0;
    ath_list_free(l);
    if (rc != ATH_OK || n != k) {
        fprintf(stderr, "athanor_in_bench: %s list of %zu ids: rc %d, %zu rows: %s\n", s->name, k,
                rc, n, ath_error_last()->message);
        return -1;
    }
    return t;
}

int main(int argc, char **argv)
{
    size_t rows = 100000, reps = 0;
    const char *url = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
            rows = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = strtoul(argv[++i], NULL, 10);
        else
            url = argv[i];
    }
    if (!url || rows < 10000) {
        fprintf(stderr, "usage: athanor_in_bench [--rows N>=10000] [--reps R] URL\n");
        return 2;
    }
    side list_form, array_form;
    if (open_side(&list_form, url, -1) || open_side(&array_form, url, 1) || fill(&list_form, rows))
        return 1;
    static const size_t sizes[] = {1, 10, 20, 50, 100, 200, 300, 500, 1000, 10000};
    ath_value *ids = calloc(10000, sizeof *ids);
    double *t_list = calloc(100000, sizeof *t_list), *t_array = calloc(100000, sizeof *t_array);
    if (!ids || !t_list || !t_array)
        return fail("allocating");
    printf("dialect %s, %zu rows; median ms per ath_repo_list (IN list | = ANY array)\n",
           ath_engine_dialect(list_form.engine), rows);
    printf("%8s %6s %12s %12s %8s\n", "values", "reps", "in_list_ms", "any_array_ms", "ratio");
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t k = sizes[si], r = reps ? reps : (2000 / k > 20 ? 2000 / k : 20);
        if (r > 100000)
            r = 100000;
        for (size_t i = 0; i < k; i++)
            ids[i] = ath_v_i64((int64_t)(i * (rows / k)) + 1);
        if (one_list(&list_form, ids, k) < 0 || one_list(&array_form, ids, k) < 0) /* warm up */
            return 1;
        for (size_t j = 0; j < r; j++) {
            if ((t_list[j] = one_list(&list_form, ids, k)) < 0 ||
                (t_array[j] = one_list(&array_form, ids, k)) < 0)
                return 1;
        }
        qsort(t_list, r, sizeof *t_list, cmp_double);
        qsort(t_array, r, sizeof *t_array, cmp_double);
        double ml = t_list[r / 2] * 1e3, ma = t_array[r / 2] * 1e3;
        printf("%8zu %6zu %12.3f %12.3f %8.2f\n", k, r, ml, ma, ml / ma);
        fflush(stdout);
    }
    free(ids);
    free(t_list);
    free(t_array);
    close_side(&list_form);
    close_side(&array_form);
    return 0;
}
