/* Process memory from /proc, for the benchmarks that report peak RSS. */
#include "procmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long long bench_status_field(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long long v = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0 && line[n] == ':')
            v = atoll(line + n + 1) * 1024;
    if (f)
        fclose(f);
    return v;
}

int bench_reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return -1;
    int ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}
