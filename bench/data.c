/* The benchmark's data: deterministic rows, keys and filter values, the same on every run. */
#include "data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static size_t below(uint64_t *s, size_t n)
{
    return (size_t)(next(s) % n);
}

static const char *const words[] = {
    "anvil",  "bellows",      "crucible", "distillate", "ember",   "flux",    "gold",
    "hearth", "incandescent", "jar",      "kiln",       "lead",    "mercury", "nigredo",
    "ore",    "philosophy",   "quartz",   "retort",     "sulphur", "tincture"};

/* A name of 12 to 30 bytes in `pool`; returns it. */
static char *make_name(bench_data *d, uint64_t *s, const char *prefix, size_t i)
{
    const char *w = words[below(s, sizeof words / sizeof *words)];
    char *p = d->pool + d->pool_used;
    int n = snprintf(p, d->pool_cap - d->pool_used, "%s-%07zu-%s", prefix, i, w);
    d->pool_used += (size_t)n + 1;
    d->string_bytes += (size_t)n + 1;
    return p;
}

static void fill(bench_data *d, uint64_t *s, bench_item *it, int64_t id, const char *prefix,
                 size_t i)
{
    it->id = id;
    it->name = make_name(d, s, prefix, i);
    it->qty = (int32_t)below(s, 1000);
    it->price = (double)below(s, 100000) / 100.0;
    /* 2024-01-01T00:00:00Z plus i × 1.5 s plus some microseconds */
    it->created = INT64_C(1704067200000000) + (int64_t)i * 1500000 + (int64_t)below(s, 1000000);
}

/* n distinct keys from 1..range, in random order (a partial Fisher–Yates shuffle). */
static int64_t *distinct_keys(uint64_t *s, size_t n, size_t range)
{
    int64_t *all = malloc(range * sizeof *all);
    if (!all)
        return NULL;
    for (size_t i = 0; i < range; i++)
        all[i] = (int64_t)i + 1;
    for (size_t i = 0; i < n && i < range; i++) {
        size_t j = i + below(s, range - i);
        int64_t t = all[i];
        all[i] = all[j];
        all[j] = t;
    }
    return all;
}

int bench_data_init(bench_data *d, const bench_sizes *z)
{
    memset(d, 0, sizeof *d);
    d->z = *z;
    size_t names = z->base + z->add + z->add_many + z->update + z->upsert;
    d->pool_cap = names * 32;
    uint64_t s = 20240101;
    if (!(d->pool = malloc(d->pool_cap)) || !(d->base = calloc(z->base, sizeof *d->base)) ||
        !(d->add = calloc(z->add, sizeof *d->add)) ||
        !(d->add_many = calloc(z->add_many, sizeof *d->add_many)) ||
        !(d->update = calloc(z->update, sizeof *d->update)) ||
        !(d->upsert = calloc(z->upsert, sizeof *d->upsert)) ||
        !(d->qtys = calloc(z->calls, sizeof *d->qtys)))
        return -1;
    for (size_t i = 0; i < z->base; i++)
        fill(d, &s, &d->base[i], (int64_t)i + 1, "item", i);
    d->base_string_bytes = d->string_bytes;
    for (size_t i = 0; i < z->add; i++)
        fill(d, &s, &d->add[i], 0, "new", i);
    for (size_t i = 0; i < z->add_many; i++)
        fill(d, &s, &d->add_many[i], 0, "bulk", i);

    int64_t *keys = distinct_keys(&s, z->get, z->base);
    if (!keys)
        return -1;
    d->get_keys = keys; /* the first z->get entries */
    if (!(keys = distinct_keys(&s, z->update, z->base)))
        return -1;
    for (size_t i = 0; i < z->update; i++)
        fill(d, &s, &d->update[i], keys[i], "changed", i);
    free(keys);
    /* upsert: every other row exists (an update), the rest are new keys (inserts) */
    if (!(keys = distinct_keys(&s, z->upsert, z->base)))
        return -1;
    for (size_t i = 0; i < z->upsert; i++) {
        int64_t id = i % 2 ? (int64_t)(z->base + i) : keys[i];
        fill(d, &s, &d->upsert[i], id, "upserted", i);
    }
    free(keys);
    if (!(d->delete_keys = distinct_keys(&s, z->del, z->base)))
        return -1;
    for (size_t i = 0; i < z->calls; i++)
        d->qtys[i] = (int32_t)below(&s, 1000 - BENCH_COUNT_SPAN);
    return 0;
}

bench_sizes bench_sizes_for(const bench_target *t, double scale)
{
    bench_sizes z = {
        .base = 100000,
        .add = 20000,
        .add_many = t->kind == BENCH_SQLITE ? 200000 : 100000,
        .get = 20000,
        .update = 20000,
        .upsert = 20000,
        .del = 20000,
        .calls = 2000,
    };
    size_t *f[] = {&z.base, &z.add, &z.add_many, &z.get, &z.update, &z.upsert, &z.del, &z.calls};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        *f[i] = (size_t)((double)*f[i] * scale);
        if (*f[i] < 10)
            *f[i] = 10;
    }
    return z;
}

size_t bench_most_items(const bench_sizes *z)
{
    size_t most = z->add > z->add_many ? z->add : z->add_many;
    most = most > z->update ? most : z->update;
    return most > z->upsert ? most : z->upsert;
}

size_t bench_work_for(const char *op, const bench_data *d, bench_item *scratch, bench_work *w)
{
    const bench_item *src = NULL;
    const int64_t *keys = NULL;
    size_t n = d->z.calls;
    if (strcmp(op, "add") == 0)
        src = d->add, n = d->z.add;
    else if (strcmp(op, "add_many") == 0)
        src = d->add_many, n = d->z.add_many;
    else if (strcmp(op, "update_many") == 0 || strcmp(op, "update_many_fields") == 0)
        src = d->update, n = d->z.update;
    else if (strcmp(op, "upsert_many") == 0)
        src = d->upsert, n = d->z.upsert;
    else if (strcmp(op, "get") == 0)
        keys = d->get_keys, n = d->z.get;
    else if (strcmp(op, "delete_many") == 0)
        keys = d->delete_keys, n = d->z.del;
    else if (strcmp(op, "list") == 0)
        n = d->z.base;
    if (!w)
        return n;
    memset(w, 0, sizeof *w);
    if (src) {
        memcpy(scratch, src, n * sizeof *src); /* add writes keys back: a fresh copy each run */
        w->items = scratch;
        w->nitems = n;
    } else if (keys) {
        w->keys = keys;
        w->nkeys = n;
    } else if (strcmp(op, "count") == 0 || strcmp(op, "page") == 0) {
        w->qtys = d->qtys;
        w->nqtys = n;
    }
    return n;
}

void bench_data_free(bench_data *d)
{
    free(d->pool);
    free(d->base);
    free(d->add);
    free(d->add_many);
    free(d->update);
    free(d->upsert);
    free(d->get_keys);
    free(d->delete_keys);
    free(d->qtys);
    memset(d, 0, sizeof *d);
}
