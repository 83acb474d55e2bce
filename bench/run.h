/* Running the benchmark (run.c) and measuring memory (memory.c). */
#ifndef ATHANOR_BENCH_RUN_H
#define ATHANOR_BENCH_RUN_H

#include "data.h"

typedef struct bench_options {
    int reps, warmup;
    double scale;
    const char *label;
    const char *out_dir;
    const char *only; /* comma-separated operations, or NULL for all */
    const char *side; /* "athanor" or "raw" alone (for profiling), or NULL for both */
    bool memory;
    bool cpu_clock; /* time runs by CPU time (SQLite) rather than the wall clock */
} bench_options;

/* The raw backend compiled in for this database, or NULL. */
const raw_backend *bench_raw_backend(bench_kind kind);

/* Creates the tables through `s`, loads bench_base, and (for a private raw database) the same
 * on the raw connection. */
int bench_prepare_schema(ath_side *s, const raw_backend *rb, raw_conn *raw, const bench_target *t,
                         bench_data *d);

/* Empties bench_item (fill = false) or makes it a copy of bench_base (fill = true). */
int bench_reset_ath(ath_side *s, bench_kind kind, bool fill);
int bench_reset_raw(const raw_backend *rb, raw_conn *c, bench_kind kind, bool fill);

int bench_run(const bench_target *t, const bench_options *o);

/* The peak resident memory of one list of every row, in a process of its own:
 * prints "<peak bytes> <rows>" on stdout. */
int bench_memory_child(const char *side, const char *method, const char *rows, const char *url);
/* Runs the child above for `side`/`method` and reads its answer; -1 on failure. */
int bench_memory_measure(const char *side, const char *method, size_t base, const char *url,
                         long long *peak, long long *rows);

#endif
