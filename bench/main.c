/*
 * athanor_bench URL — times each repository operation through Athanor and through hand-written
 * code on the raw client library, in the same process, on the same data, and prints rows (or
 * calls) per second both ways with the ratio Athanor/raw.
 *
 *   athanor_bench [--reps N] [--warmup N] [--scale F] [--label NAME] [--out DIR]
 *                 [--only OP,…] [--side athanor|raw] [--clock cpu|wall] [--no-memory] URL
 *
 * Each run of an operation starts from the same table contents (reset outside the timed region);
 * the sides alternate their order from one repetition to the next; the figure is the median,
 * and the ratio the median of the back-to-back pairs. SQLite is timed by the process's CPU time
 * (it runs in the process; other programs on the machine then do not count), servers by the
 * wall clock.
 * Raw operations that have several good implementations (multi-row VALUES, COPY, pipelining,
 * array binding) run each of them; the fastest is the "raw" the ratio is taken against.
 * With --out DIR the numbers are appended to DIR/ops.csv and DIR/memory.csv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "run.h"

static void usage(void)
{
    fprintf(
        stderr,
        "usage: athanor_bench [--reps N] [--warmup N] [--scale F] [--label NAME] "
        "[--out DIR] [--only OP,...] [--side athanor|raw] [--clock cpu|wall] [--no-memory] URL\n");
    exit(2);
}

int main(int argc, char **argv)
{
    bench_options o = {.reps = 5, .warmup = 1, .scale = 1.0, .memory = true};
    const char *clock = NULL;
    int i = 1;
    if (argc > 1 && strcmp(argv[1], "--memory-child") == 0) {
        if (argc != 6)
            usage();
        return bench_memory_child(argv[2], argv[3], argv[4], argv[5]);
    }
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--no-memory") == 0) {
            o.memory = false;
            continue;
        }
        if (i + 1 >= argc)
            usage();
        const char *v = argv[++i];
        if (strcmp(a, "--reps") == 0)
            o.reps = atoi(v);
        else if (strcmp(a, "--warmup") == 0)
            o.warmup = atoi(v);
        else if (strcmp(a, "--scale") == 0)
            o.scale = atof(v);
        else if (strcmp(a, "--label") == 0)
            o.label = v;
        else if (strcmp(a, "--out") == 0)
            o.out_dir = v;
        else if (strcmp(a, "--only") == 0)
            o.only = v;
        else if (strcmp(a, "--side") == 0)
            o.side = v;
        else if (strcmp(a, "--clock") == 0 && (strcmp(v, "cpu") == 0 || strcmp(v, "wall") == 0))
            clock = v;
        else
            usage();
    }
    if (i + 1 != argc || o.reps < 1 || o.reps > BENCH_MAX_REPS || o.scale <= 0 || o.warmup < 0)
        usage();
    bench_target t;
    if (bench_target_parse(&t, argv[i]) != 0)
        return 1;
    if (!o.label)
        o.label = bench_default_label(&t);
    /* SQLite runs in this process: its CPU time is the whole cost, and other programs on the
     * machine do not add to it. A server's work happens elsewhere: wall-clock time. */
    o.cpu_clock = clock ? strcmp(clock, "cpu") == 0 : t.kind == BENCH_SQLITE;
    return bench_run(&t, &o);
}
