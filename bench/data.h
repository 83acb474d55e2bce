/* The benchmark's data set (data.c). */
#ifndef ATHANOR_BENCH_DATA_H
#define ATHANOR_BENCH_DATA_H

#include "bench.h"

typedef struct bench_sizes {
    size_t base;     /* rows in the table that reads, updates and deletes start from */
    size_t add;      /* add, one at a time */
    size_t add_many; /* add_many */
    size_t get;      /* lookups by primary key */
    size_t update;   /* update_many */
    size_t upsert;   /* upsert_many: half existing keys, half new */
    size_t del;      /* delete_many */
    size_t calls;    /* count and page calls */
} bench_sizes;

typedef struct bench_data {
    bench_sizes z;
    char *pool; /* every name */
    size_t pool_used, pool_cap;
    size_t string_bytes;      /* bytes of names, terminators included */
    size_t base_string_bytes; /* of the base rows' names */
    bench_item *base, *add, *add_many, *update, *upsert;
    int64_t *get_keys, *delete_keys;
    int32_t *qtys;
} bench_data;

/* The sizes for this database at this scale. */
bench_sizes bench_sizes_for(const bench_target *t, double scale);
int bench_data_init(bench_data *d, const bench_sizes *z);
/*
 * Sets up `w` for one run of operation `op` (when w is not NULL; items are copied into
 * `scratch`, which holds the largest item set) and returns how many units — rows, or calls for
 * count and page — that run does.
 */
size_t bench_work_for(const char *op, const bench_data *d, bench_item *scratch, bench_work *w);
/* The largest number of items an operation takes (the size `scratch` needs). */
size_t bench_most_items(const bench_sizes *z);
void bench_data_free(bench_data *d);

#endif
