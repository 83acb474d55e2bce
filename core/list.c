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

int ath_read_column(const ath_driver *drv, ath_dstmt *d, int i, ath_type want, ath_value *out)
{
    if (want != ATH_T_I32)
        return drv->column(d, i, want, out);
    /* read 32-bit integers wide, so a value that does not fit is refused instead of cut */
    int rc = drv->column(d, i, ATH_T_I64, out);
    if (rc != ATH_OK || out->type == ATH_T_NULL)
        return rc;
    if (out->u.i64 < INT32_MIN || out->u.i64 > INT32_MAX)
        return ath_fail(ATH_EINVAL, "column %s holds %lld, which does not fit a 32-bit integer",
                        drv->column_name(d, i), (long long)out->u.i64);
    int32_t v = (int32_t)out->u.i64;
    out->type = ATH_T_I32;
    out->u.i32 = v;
    return ATH_OK;
}

int ath_col_fetch(ath_stmt *st, int i, const ath_col *c, void *obj, ath_arena *arena)
{
    ath_value v;
    bool integer = c->type == ATH_T_I32 || c->type == ATH_T_I64;
    int rc = st->conn->driver->column(st->d, i, integer ? ATH_T_I64 : c->type, &v);
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
