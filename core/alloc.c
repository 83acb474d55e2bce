/* Allocation wrappers; with ATH_FAULT_INJECTION the Nth allocation can be made to fail. */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#ifdef ATH_FAULT_INJECTION
#include <stdatomic.h>

#include "fault.h"

static atomic_long countdown = -1; /* -1: never fail */
static atomic_long calls;

void ath_fault_fail_after(long n)
{
    atomic_store(&calls, 0);
    atomic_store(&countdown, n);
}

long ath_fault_calls(void)
{
    return atomic_load(&calls);
}

static int should_fail(void)
{
    atomic_fetch_add(&calls, 1);
    long left = atomic_load(&countdown);
    if (left < 0)
        return 0;
    if (left == 0)
        return 1;
    atomic_fetch_sub(&countdown, 1);
    return 0;
}
#define FAIL_HERE() should_fail()
#else
#define FAIL_HERE() 0
#endif

void *ath_malloc(size_t size)
{
    return FAIL_HERE() ? NULL : malloc(size ? size : 1);
}

void *ath_calloc(size_t count, size_t size)
{
    return FAIL_HERE() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *ath_realloc(void *ptr, size_t size)
{
    return FAIL_HERE() ? NULL : realloc(ptr, size ? size : 1);
}

void ath_free(void *ptr)
{
    free(ptr);
}

char *ath_strndup(const char *s, size_t len)
{
    if (!s)
        return NULL;
    char *copy = ath_malloc(len + 1);
    if (copy) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}

char *ath_strdup(const char *s)
{
    return s ? ath_strndup(s, strlen(s)) : NULL;
}
