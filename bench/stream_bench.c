/*
 * athanor_stream_bench — peak resident memory and time of reading every row of a table through
 * ath_repo_list (all rows in memory) and through ath_repo_iter (one row at a time).
 *
 *   athanor_stream_bench [--rows N] [--keep] URL
 *
 * Fills table bench_stream with N rows (default 1 000 000; id, a 24-character name, qty, price,
 * created) unless --keep and it already holds N, then reads it once per method, each in a fresh
 * process: the child connects, opens its repository, resets the kernel's high-water mark
 * (/proc/self/clear_refs "5"), reads, and reports VmHWM minus its resident size before the read.
 * Not for sqlite:///:memory: (each process would have a database of its own).
 */
#define _GNU_SOURCE
#include <athanor/athanor.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "procmem.h"

typedef struct stream_item {
    int64_t id;
    char *name;
    int32_t qty;
    double price;
    ath_timestamp created;
} stream_item;

static const ath_field stream_fields[] = {
    ATH_FIELD(stream_item, id, i64, .flags = ATH_PK),
    ATH_FIELD(stream_item, name, text, .max_length = 40),
    ATH_FIELD(stream_item, qty, i32),
    ATH_FIELD(stream_item, price, double),
    ATH_FIELD(stream_item, created, timestamp),
};
static const ath_model stream_model = ATH_MODEL_OF(stream_item, "bench_stream", stream_fields);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
    fprintf(stderr, "athanor_stream_bench: %s: %s\n", what, ath_error_last()->message);
    return 1;
}

typedef struct conn {
    ath_engine *engine;
    ath_session *session;
    ath_repo *repo;
} conn;

static int open_conn(conn *c, const char *url)
{
    memset(c, 0, sizeof *c);
    if (ath_engine_create(&c->engine, url) != ATH_OK ||
        ath_session_open(&c->session, c->engine) != ATH_OK ||
        ath_repo_open(&c->repo, c->session, &stream_model) != ATH_OK)
        return fail("connecting");
    return 0;
}

static void close_conn(conn *c)
{
    ath_repo_free(c->repo);
    ath_session_close(c->session);
    ath_engine_dispose(c->engine);
}

static int fill(const char *url, size_t rows, bool keep)
{
    conn c;
    if (open_conn(&c, url) != 0)
        return 1;
    int64_t have = -1;
    if (keep && ath_repo_count(c.repo, &have, ATH_NO_FILTERS) == ATH_OK && have == (int64_t)rows) {
        ath_session_rollback(c.session);
        close_conn(&c);
        return 0;
    }
    ath_session_rollback(c.session);
    int rc = ath_drop_all(c.engine, ATH_MODELS(&stream_model));
    if (rc == ATH_OK)
        rc = ath_create_all(c.engine, ATH_MODELS(&stream_model));
    enum { CHUNK = 10000 };
    stream_item *items = calloc(CHUNK, sizeof *items);
    char (*names)[32] = calloc(CHUNK, sizeof *names);
    for (size_t done = 0; rc == ATH_OK && items && names && done < rows; done += CHUNK) {
        size_t n = rows - done < CHUNK ? rows - done : CHUNK;
        for (size_t i = 0; i < n; i++) {
            size_t id = done + i + 1;
            snprintf(names[i], sizeof names[i], "item-%019zu", id);
            items[i] = (stream_item){.id = (int64_t)id,
                                     .name = names[i],
                                     .qty = (int32_t)(id % 1000),
                                     .price = (double)id / 100.0,
                                     .created = (ath_timestamp)id * 1000000};
        }
        rc = ath_repo_add_many(c.repo, items, n);
        if (rc == ATH_OK)
            rc = ath_session_commit(c.session);
    }
    free(items);
    free(names);
    if (rc != ATH_OK)
        return fail("filling bench_stream");
    close_conn(&c);
    return 0;
}

/* The child: reads every row one way and prints "peak_bytes rows seconds". */
static int child(const char *method, const char *url)
{
    conn c;
    if (open_conn(&c, url) != 0)
        return 1;
    malloc_trim(0);
    long long start = bench_status_field("VmRSS");
    if (bench_reset_peak() != 0) {
        perror("/proc/self/clear_refs");
        return 1;
    }
    double t0 = now();
    long long rows = 0;
    uint64_t check = 0;
    int rc;
    if (strcmp(method, "list") == 0) {
        ath_list *l = NULL;
        rc = ath_repo_list(c.repo, &l, ATH_NO_FILTERS);
        const stream_item *it = ath_list_items(l);
        for (size_t i = 0; rc == ATH_OK && i < ath_list_count(l); i++, rows++)
            check += (uint64_t)it[i].id + (uint64_t)it[i].qty + (uint64_t)strlen(it[i].name);
        ath_list_free(l);
    } else {
        ath_repo_iter *it = NULL;
        stream_item o;
        rc = ath_repo_iter_open(&it, c.repo, ATH_NO_FILTERS);
        while (rc == ATH_OK && (rc = ath_repo_iter_next(it, &o)) == 1) {
            check += (uint64_t)o.id + (uint64_t)o.qty + (uint64_t)strlen(o.name);
            rows++;
            rc = ATH_OK;
        }
        ath_repo_iter_free(it);
    }
    double secs = now() - t0;
    long long peak = bench_status_field("VmHWM");
    if (rc != ATH_OK)
        return fail(method);
    printf("%lld %lld %.3f %llu\n", peak - start, rows, secs, (unsigned long long)check);
    ath_session_rollback(c.session);
    close_conn(&c);
    return 0;
}

static int measure(const char *method, const char *url, long long *peak, long long *rows,
                   double *secs)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl("/proc/self/exe", "athanor_stream_bench", "--child", method, url, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    unsigned long long check = 0;
    int got = f ? fscanf(f, "%lld %lld %lf %llu", peak, rows, secs, &check) : 0;
    if (f)
        fclose(f);
    int st = 0;
    waitpid(pid, &st, 0);
    return got == 4 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--child") == 0)
        return child(argv[2], argv[3]);
    size_t rows = 1000000;
    bool keep = false;
    int i = 1;
    for (; i < argc - 1; i++) {
        if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc - 1)
            rows = (size_t)atoll(argv[++i]);
        else if (strcmp(argv[i], "--keep") == 0)
            keep = true;
        else
            break;
    }
    if (i != argc - 1 || rows == 0 || strstr(argv[i], ":memory:")) {
        fprintf(stderr, "usage: athanor_stream_bench [--rows N] [--keep] URL (not :memory:)\n");
        return 2;
    }
    const char *url = argv[i];
    if (fill(url, rows, keep) != 0)
        return 1;
    ath_engine *e = NULL;
    const char *dialect = ath_engine_create(&e, url) == ATH_OK ? ath_engine_dialect(e) : "?";
    printf("%s, %zu rows (%zu-byte structs + 25-byte names)\n", dialect, rows,
           sizeof(stream_item));
    ath_engine_dispose(e);
    static const char *const methods[] = {"list", "iter"};
    for (size_t k = 0; k < 2; k++) {
        long long peak = 0, n = 0;
        double secs = 0;
        if (measure(methods[k], url, &peak, &n, &secs) != 0) {
            fprintf(stderr, "athanor_stream_bench: %s failed\n", methods[k]);
            return 1;
        }
        printf("  %-4s peak RSS %8.1f MB  %lld rows  %.2f s\n", methods[k], (double)peak / 1e6, n,
               secs);
    }
    return 0;
}
