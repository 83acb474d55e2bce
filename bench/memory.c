/*
 * Peak resident memory of listing every row, measured in a fresh process per side: the child
 * connects (and, for a private in-memory database, builds the table), returns what it can to the
 * system, resets the kernel's high-water mark (/proc/self/clear_refs, "5"), lists, and reports
 * VmHWM minus the resident size it started from.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"
#include "procmem.h"

/* A "VmXXX:  1234 kB" field of /proc/self/status, in bytes; -1 when absent. */
int bench_memory_child(const char *side, const char *method, const char *rows_text, const char *url)
{
    bench_target t;
    if (bench_target_parse(&t, url) != 0)
        return 1;
    bench_sizes z = {.base = (size_t)atoll(rows_text)};
    bench_data d;
    bool athanor = strcmp(side, "athanor") == 0;
    const raw_backend *rb = athanor ? NULL : bench_raw_backend(t.kind);
    ath_side *ath = NULL;
    raw_conn *raw = NULL;
    int status = 1;
    if (bench_data_init(&d, &z) != 0)
        return 1;
    if (!athanor && !rb)
        goto done;
    if ((athanor || t.memory) && ath_side_open(&ath, url) != ATH_OK)
        goto done;
    if (rb && rb->open(&raw, &t) != 0)
        goto done;
    if (t.memory) { /* a database of this process's own: build it */
        if (bench_prepare_schema(ath, rb, raw, &t, &d) != 0)
            goto done;
        if (athanor ? bench_reset_ath(ath, t.kind, true) : bench_reset_raw(rb, raw, t.kind, true))
            goto done;
        if (!athanor) { /* the engine was only needed for the DDL */
            ath_side_close(ath);
            ath = NULL;
        }
    }
    bench_data_free(&d);
    bench_work w;
    memset(&w, 0, sizeof w);
    malloc_trim(0);
    long long start = bench_status_field("VmRSS");
    if (bench_reset_peak() != 0) {
        perror("/proc/self/clear_refs");
        goto done;
    }
    int rc = -1;
    if (athanor) {
        for (const ath_side_method *m = ath_side_methods; m->op; m++)
            if (strcmp(m->op, "list") == 0)
                rc = m->fn(ath, &w) == ATH_OK ? 0 : -1;
    } else {
        for (const raw_method *m = rb->methods; m->op; m++)
            if (strcmp(m->op, "list") == 0 && strcmp(m->method, method) == 0)
                rc = m->fn(raw, &w);
    }
    long long peak = bench_status_field("VmHWM");
    if (rc == 0 && start > 0 && peak > 0) {
        printf("%lld %lld\n", peak - start, (long long)w.rows);
        status = 0;
    }
done:
    if (status)
        fprintf(stderr, "memory child (%s): %s\n", side,
                athanor || !raw ? ath_side_error() : rb->error(raw));
    if (raw)
        rb->close(raw);
    ath_side_close(ath);
    bench_data_free(&d);
    return status;
}

int bench_memory_measure(const char *side, const char *method, size_t base, const char *url,
                         long long *peak, long long *rows)
{
    int fds[2];
    char count[32];
    snprintf(count, sizeof count, "%zu", base);
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
        execl("/proc/self/exe", "athanor_bench", "--memory-child", side, method, count, url,
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    int got = f ? fscanf(f, "%lld %lld", peak, rows) : 0;
    if (f)
        fclose(f);
    int st = 0;
    waitpid(pid, &st, 0);
    return got == 2 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}
