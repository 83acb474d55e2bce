/* Private: lists of materialised rows, and reading one row into a struct. */
#ifndef ATH_CORE_LIST_H
#define ATH_CORE_LIST_H

#include <athanor/repository.h>

#include "arena.h"
#include "conn.h"
#include "mapping.h"

struct ath_list {
    char *items; /* count × item_size bytes */
    size_t count;
    size_t cap;
    size_t item_size;
    ath_arena arena; /* the rows' strings and blobs */
    char *cursor;    /* keyset cursor after the last row, or NULL */
};

int ath_list_create(ath_list **out, size_t item_size);
/** A zeroed slot for one more row, or NULL on OOM. */
void *ath_list_push(ath_list *list);

/**
 * Reads the current row of `st` (columns first..first+ncols-1 in mapping order) into `obj`;
 * strings go to `arena`, or are malloc'd when arena is NULL.
 */
int ath_row_read(ath_stmt *st, int first, const ath_mapping *m, void *obj, ath_arena *arena);

/**
 * Reads column i of the current row of `st` into the member of column `c`: integers are read
 * wide and stored through ath_col_set, so a value that does not fit the member is ATH_EINVAL
 * naming model and column on every path (rows read, keys and defaults written back). Strings go
 * to `arena`, or are malloc'd when arena is NULL.
 */
int ath_col_fetch(ath_stmt *st, int i, const ath_col *c, void *obj, ath_arena *arena);

#endif
