/* Process memory from /proc, for the benchmarks that report peak RSS. */
#ifndef ATHANOR_BENCH_PROCMEM_H
#define ATHANOR_BENCH_PROCMEM_H

/** A "VmXXX:  1234 kB" field of /proc/self/status, in bytes; -1 when absent. */
long long bench_status_field(const char *key);
/** Resets the peak RSS (VmHWM) to the current RSS; 0, or -1 when the kernel refuses. */
int bench_reset_peak(void);

#endif
