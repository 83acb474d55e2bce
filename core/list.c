/* Lists of rows: a growable array of structs plus an arena for their strings. */
#include "list.h"

#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "error.h"

int ath_list_create(ath_list **out, size_t item_size)
{
    ath_list *l = ath_calloc(1, sizeof *l);
    *out = NULL;
    if (!l)
        return ath_fail(ATH_ENOMEM, "allocating a list");
    l->item_size = item_size;
    ath_arena_init(&l->arena);
    *out = l;
    return ATH_OK;
}

void *ath_list_push(ath_list *l)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char *items = ath_realloc(l->items, cap * l->item_size);
        if (!items)
            return NULL;
        l->items = items;
        l->cap = cap;
    }
    void *slot = l->items + l->count * l->item_size;
    memset(slot, 0, l->item_size);
    l->count++;
    return slot;
}

size_t ath_list_count(const ath_list *l)
{
    if (!l) {
        ath_null_arg(__func__, "list");
        return 0;
    }
    return l->count;
}

void *ath_list_items(const ath_list *l)
{
    if (!l) {
        ath_null_arg(__func__, "list");
        return NULL;
    }
    return l->count ? l->items : NULL;
}

void *ath_list_at(const ath_list *l, size_t i)
{
    if (!l) {
        ath_null_arg(__func__, "list");
        return NULL;
    }
    return i < l->count ? l->items + i * l->item_size : NULL;
}

const char *ath_list_cursor(const ath_list *l)
{
    if (!l) {
        ath_null_arg(__func__, "list");
        return NULL;
    }
    return l->cursor;
}

void ath_list_free(ath_list *l)
{
    if (!l)
        return;
    ath_arena_free(&l->arena);
    ath_free(l->items);
    ath_free(l->cursor);
    ath_free(l);
}

int ath_col_fetch(ath_stmt *st, int i, const ath_col *c, void *obj, ath_arena *arena)
{
    ath_value v;
    bool integer = c->type == ATH_T_I32 || c->type == ATH_T_I64;
    int rc = ath_stmt_column(st, i, integer ? ATH_T_I64 : c->type, &v);
    if (rc != ATH_OK)
        return rc;
    return ath_col_set(c, obj, &v, arena);
}

int ath_row_read(ath_stmt *st, int first, const ath_mapping *m, void *obj, ath_arena *arena)
{
    for (size_t i = 0; i < m->ncols; i++) {
        int rc = ath_col_fetch(st, first + (int)i, &m->cols[i], obj, arena);
        if (rc != ATH_OK)
            return rc;
    }
    return ATH_OK;
}
