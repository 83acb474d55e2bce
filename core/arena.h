/* Private: a bump allocator for the strings of listed rows, freed all at once. */
#ifndef ATH_CORE_ARENA_H
#define ATH_CORE_ARENA_H

#include <stddef.h>

typedef struct ath_arena_chunk ath_arena_chunk;

typedef struct ath_arena {
    ath_arena_chunk *head;
    char *next; /* free space in head */
    size_t left;
} ath_arena;

void ath_arena_init(ath_arena *a);
/** Memory for `size` bytes (8-byte aligned when `aligned`), or NULL on OOM. */
void *ath_arena_alloc(ath_arena *a, size_t size, int aligned);
/** Forgets every allocation but keeps the newest (largest) chunk for reuse. */
void ath_arena_reset(ath_arena *a);
/** Frees every chunk. */
void ath_arena_free(ath_arena *a);

#endif
