/* Private: every allocation in the core goes through here, so a test build can fail the Nth. */
#ifndef ATH_CORE_ALLOC_H
#define ATH_CORE_ALLOC_H

#include <stddef.h>

void *ath_malloc(size_t size);
void *ath_calloc(size_t count, size_t size);
void *ath_realloc(void *ptr, size_t size);
void ath_free(void *ptr);
/** strdup through ath_malloc; NULL in gives NULL out. */
char *ath_strdup(const char *s);
/** A copy of `len` bytes of `s` plus a terminator. */
char *ath_strndup(const char *s, size_t len);

#endif
