/* Shared helpers of the benchmark: the raw side's arena and row arrays, checksums, times,
 * medians and output. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct bench_chunk {
    struct bench_chunk *next;
};

#define CHUNK_SIZE ((size_t)1 << 20)

char *bench_arena_copy(bench_arena *a, const char *s, size_t len)
{
    if (len + 1 > a->left) {
        size_t size = len + 1 > CHUNK_SIZE ? len + 1 : CHUNK_SIZE;
        struct bench_chunk *c = malloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->next = a->head;
        a->head = c;
        a->next = (char *)(c + 1);
        a->left = size;
    }
    char *p = a->next;
    memcpy(p, s, len);
    p[len] = '\0';
    a->next += len + 1;
    a->left -= len + 1;
    return p;
}

void bench_arena_free(bench_arena *a)
{
    struct bench_chunk *c = a->head;
    while (c) {
        struct bench_chunk *next = c->next;
        free(c);
        c = next;
    }
    memset(a, 0, sizeof *a);
}

bench_item *bench_rows_push(bench_rows *r)
{
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        bench_item *items = realloc(r->items, cap * sizeof *items);
        if (!items)
            return NULL;
        r->items = items;
        r->cap = cap;
    }
    return &r->items[r->count++];
}

void bench_rows_free(bench_rows *r)
{
    free(r->items);
    bench_arena_free(&r->strings);
    memset(r, 0, sizeof *r);
}

char *bench_copy_name(bench_arena *a, const char *s, size_t len)
{
    if (a)
        return bench_arena_copy(a, s, len);
    char *p = malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

uint64_t bench_item_hash(const bench_item *it)
{
    uint64_t h = (uint64_t)it->id;
    h = bench_fold(h, (uint64_t)(uint32_t)it->qty);
    h = bench_fold(h, (uint64_t)(int64_t)(it->price * 100.0 + 0.5));
    h = bench_fold(h, (uint64_t)it->created);
    for (const char *p = it->name; p && *p; p++)
        h = bench_fold(h, (unsigned char)*p);
    return h;
}

void bench_fold_items(bench_work *w, const bench_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        w->check = bench_fold(w->check, bench_item_hash(&items[i]));
    w->rows += (int64_t)n;
}

void bench_fold_rows(bench_work *w, bench_rows *rows)
{
    bench_fold_items(w, rows->items, rows->count);
    bench_rows_free(rows);
}

double bench_clock(bool cpu)
{
    struct timespec ts;
    clock_gettime(cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(const double *v, int n, double *lo, double *hi)
{
    double s[BENCH_MAX_REPS];
    memcpy(s, v, (size_t)n * sizeof *v);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    if (lo)
        *lo = s[0];
    if (hi)
        *hi = s[n - 1];
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

FILE *bench_open_csv(const char *dir, const char *name, const char *header)
{
    if (!dir)
        return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat sb;
    bool fresh = stat(path, &sb) != 0 || sb.st_size == 0;
    FILE *f = fopen(path, "a");
    if (!f) {
        perror(path);
        return NULL;
    }
    if (fresh)
        fprintf(f, "%s\n", header);
    return f;
}

const char *bench_default_label(const bench_target *t)
{
    switch (t->kind) {
    case BENCH_SQLITE:
        return t->memory ? "sqlite-memory" : "sqlite-file";
    case BENCH_POSTGRESQL:
        return "postgresql";
    default:
        return "mariadb";
    }
}

/* --- civil time (Howard Hinnant's algorithms) ------------------------------------------------- */

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void bench_ts_split(ath_timestamp ts, int *y, int *mo, int *d, int *h, int *mi, int *s, int *us)
{
    int64_t days = ts / US_PER_DAY, rem = ts % US_PER_DAY;
    if (rem < 0) {
        rem += US_PER_DAY;
        days--;
    }
    civil_from_days(days, y, mo, d);
    int64_t secs = rem / US_PER_SEC;
    *us = (int)(rem % US_PER_SEC);
    *h = (int)(secs / 3600);
    *mi = (int)(secs / 60 % 60);
    *s = (int)(secs % 60);
}

ath_timestamp bench_ts_join(int y, int mo, int d, int h, int mi, int s, int us)
{
    return days_from_civil(y, mo, d) * US_PER_DAY +
           ((int64_t)h * 3600 + (int64_t)mi * 60 + s) * US_PER_SEC + us;
}

static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

void bench_ts_format(ath_timestamp ts, char out[26])
{
    int y, mo, d, h, mi, s, us;
    bench_ts_split(ts, &y, &mo, &d, &h, &mi, &s, &us);
    put2(out, y / 100);
    put2(out + 2, y % 100);
    out[4] = '-';
    put2(out + 5, mo);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = ' ';
    put2(out + 11, h);
    out[13] = ':';
    put2(out + 14, mi);
    out[16] = ':';
    put2(out + 17, s);
    out[19] = '.';
    put2(out + 20, us / 10000);
    put2(out + 22, us / 100 % 100);
    put2(out + 24, us % 100);
}

static int digits(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

bool bench_ts_parse(const char *p, size_t len, ath_timestamp *out)
{
    if (len < 19 || p[4] != '-' || p[7] != '-' || (p[10] != ' ' && p[10] != 'T') || p[13] != ':' ||
        p[16] != ':')
        return false;
    int y = digits(p, 4), mo = digits(p + 5, 2), d = digits(p + 8, 2);
    int h = digits(p + 11, 2), mi = digits(p + 14, 2), s = digits(p + 17, 2), us = 0;
    if (y < 0 || mo < 1 || d < 1 || h < 0 || mi < 0 || s < 0)
        return false;
    if (len > 19 && p[19] == '.') {
        size_t i = 20;
        int n = 0;
        for (; i < len && p[i] >= '0' && p[i] <= '9'; i++, n++)
            if (n < 6)
                us = us * 10 + (p[i] - '0');
        for (; n < 6; n++)
            us *= 10;
    }
    *out = bench_ts_join(y, mo, d, h, mi, s, us);
    return true;
}

int bench_target_parse(bench_target *t, const char *url)
{
    ath_url *u = NULL;
    memset(t, 0, sizeof *t);
    if (ath_url_parse(&u, url) != ATH_OK) {
        fprintf(stderr, "athanor_bench: %s\n", ath_error_last()->message);
        return -1;
    }
    const char *d = ath_url_dialect(u);
    if (strcmp(d, "sqlite") == 0)
        t->kind = BENCH_SQLITE;
    else if (strcmp(d, "postgresql") == 0 || strcmp(d, "postgres") == 0)
        t->kind = BENCH_POSTGRESQL;
    else if (strcmp(d, "mysql") == 0 || strcmp(d, "mariadb") == 0)
        t->kind = BENCH_MYSQL;
    else {
        fprintf(stderr, "athanor_bench: no benchmark for dialect %s\n", d);
        ath_url_free(u);
        return -1;
    }
    /* the strings are kept for the life of the program */
#define KEEP(x) ((x) ? strdup(x) : NULL)
    t->url = url;
    t->path = KEEP(ath_url_database(u));
    t->dbname = t->path;
    t->host = KEEP(ath_url_host(u));
    t->user = KEEP(ath_url_username(u));
    t->password = KEEP(ath_url_password(u));
    t->port = ath_url_port(u);
    t->memory =
        t->kind == BENCH_SQLITE && (!t->path || !*t->path || strcmp(t->path, ":memory:") == 0);
#undef KEEP
    ath_url_free(u);
    return 0;
}
