/* A bump allocator: chunks that double in size, freed together. */
#include "arena.h"

#include <stdint.h>

#include "alloc.h"

struct ath_arena_chunk {
    ath_arena_chunk *next;
    size_t size;
    /* data follows, max-aligned */
};

#define CHUNK_MIN 4096
#define HEADER    ((sizeof(ath_arena_chunk) + 15) & ~(size_t)15)

void ath_arena_init(ath_arena *a)
{
    a->head = NULL;
    a->next = NULL;
    a->left = 0;
}

void *ath_arena_alloc(ath_arena *a, size_t size, int aligned)
{
    if (aligned) {
        size_t pad = (size_t)(-(uintptr_t)a->next & 7);
        if (a->left >= pad) {
            a->next += pad;
            a->left -= pad;
        } else {
            a->left = 0;
        }
    }
    if (size > a->left) {
        size_t want = a->head ? a->head->size * 2 : CHUNK_MIN;
        if (want > (size_t)1 << 24)
            want = (size_t)1 << 24;
        if (want < size)
            want = size;
        ath_arena_chunk *c = ath_malloc(HEADER + want);
        if (!c)
            return NULL;
        c->next = a->head;
        c->size = want;
        a->head = c;
        a->next = (char *)c + HEADER;
        a->left = want;
    }
    void *p = a->next;
    a->next += size;
    a->left -= size;
    return p;
}

void ath_arena_reset(ath_arena *a)
{
    ath_arena_chunk *keep = a->head;
    if (!keep)
        return;
    ath_arena_chunk *c = keep->next;
    while (c) {
        ath_arena_chunk *next = c->next;
        ath_free(c);
        c = next;
    }
    keep->next = NULL;
    a->next = (char *)keep + HEADER;
    a->left = keep->size;
}

void ath_arena_free(ath_arena *a)
{
    ath_arena_chunk *c = a->head;
    while (c) {
        ath_arena_chunk *next = c->next;
        ath_free(c);
        c = next;
    }
    ath_arena_init(a);
}
