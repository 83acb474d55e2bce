/* Private: filters compiled into WHERE / ORDER BY / LIMIT text and bound parameters. */
#ifndef ATH_CORE_QUERY_H
#define ATH_CORE_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include <athanor/sys/driver.h>
#include <athanor/filter.h>

#include "arena.h"
#include "buf.h"
#include "mapping.h"

#define ATH_ORDER_MAX 16

/** The locking-read options among ATH_OPT_*. */
#define ATH_OPT__LOCKS (ATH_OPT_FOR_UPDATE | ATH_OPT_NOWAIT | ATH_OPT_SKIP_LOCKED)

/** Finds (building if needed) the mapping of another model, for EXISTS filters. */
typedef int (*ath_mapping_resolver)(void *ctx, const ath_model *model, const ath_mapping **out);

typedef struct ath_query {
    const ath_mapping *m;
    const ath_dialect *d;
    ath_mapping_resolver resolve;
    void *resolve_ctx;
    ath_buf where;     /* conditions joined by AND, without the WHERE keyword */
    ath_buf order;     /* without ORDER BY */
    ath_value *params; /* parameters of `where`, in order */
    size_t nparams;
    size_t cap;
    ath_arena scratch; /* LIKE patterns and decoded cursor text */
    bool has_limit;
    int64_t limit;
    int64_t offset;
    const ath_col *order_cols[ATH_ORDER_MAX];
    bool order_desc[ATH_ORDER_MAX];
    unsigned order_opts[ATH_ORDER_MAX]; /* ATH_NULLS_FIRST / _LAST, ATH_ORDER_IGNORE_CASE */
    size_t norder;
    bool has_after;
    const char *after; /* cursor text, NULL for the first page */
    unsigned options;  /* ATH_OPT_* */
    bool allow_lock; /* the caller reads rows: the locking options (ATH_OPT_FOR_UPDATE…) apply */
    int aliases;     /* EXISTS subquery aliases used */
    /* collection filters of this many values use the dialect's any_array */
    size_t array_min;
} ath_query;

void ath_query_init(ath_query *q, const ath_mapping *m, const ath_dialect *d,
                    ath_mapping_resolver resolve, void *resolve_ctx);
void ath_query_free(ath_query *q);

/**
 * Compiles the filters. `purpose` says what the query is for ("list", "count", "delete_where"…)
 * for messages; `allow_order` false refuses order_by/limit/after (count ignores them instead
 * when `ignore_order` is set). Returns ATH_OK or ATH_EINVAL naming the offending column/filter.
 */
int ath_query_compile(ath_query *q, const ath_filter *filters, size_t n, const char *purpose,
                      bool allow_order);

/** ANDs more filters (conditions only: no order/limit) onto a compiled query. */
int ath_query_add_filters(ath_query *q, const ath_filter *filters, size_t n);

/** Appends " WHERE …" when there are conditions. */
void ath_query_sql_where(const ath_query *q, ath_buf *sql);
/**
 * Appends " ORDER BY … LIMIT ? OFFSET ?" and returns the parameters for them through
 * `extra` (up to 2 values) and *nextra.
 */
void ath_query_sql_order_limit(const ath_query *q, ath_buf *sql, ath_value *extra, size_t *nextra);

/* --- keyset cursors (core/cursor.c) --- */

/**
 * Decodes q->after and appends the keyset condition (c1 > v1) OR (c1 = v1 AND c2 > v2) … to b,
 * binding the values: ATH_OK, ATH_EINVAL for a cursor that does not fit the query, ATH_ENOMEM.
 */
int ath_query_keyset_sql(ath_query *q, ath_buf *b);

/** The keyset cursor for a row (the values of the ordering columns), malloc'd. */
int ath_query_cursor(const ath_query *q, const void *obj, char **out);

/**
 * Appends a text encoding of the columns' values in obj ("i42,x6869"): 1 when written, 0 when a
 * value is NULL, negative on error. Used for cursors and for matching rows to objects.
 */
int ath_cols_encode(const ath_col *const *cols, size_t n, const void *obj, ath_buf *b);

/** Adds a parameter compared with column c, after the value-kind rule (ath_col_accepts;
 *  `what` names the caller in its message). */
int ath_query_col_param(ath_query *q, const ath_col *c, ath_value v, const char *what);

/** Appends ordering column i as it is compared: LOWER(col) with ATH_ORDER_IGNORE_CASE, else col. */
void ath_query_order_expr(const ath_query *q, ath_buf *b, size_t i);

/** Adds a bound parameter. */
int ath_query_param(ath_query *q, ath_value v);

/* --- one array parameter for a list of values --- */

/** The default of ath_engine_options.in_array_min (q->array_min): from this many values on, a
 *  collection filter on a column ath_query_array_col accepts is compiled as `col = ANY(one
 *  array parameter)` instead of `col IN (?, ?, …)`. Chosen by bench/in_bench.c
 *  (bench/results/in_filter-2026-12-07.txt): the list is ~15 % faster up to 20 values, the
 *  two are within noise at 50, the array is ahead at 100-200 and 3-10x faster from 300 on. */
#define ATH_IN_ARRAY_MIN 100

/** True when values compared with column c can be bound as one array: the dialect has
 *  any_array (PostgreSQL) and c is an integer, text or UUID column. */
bool ath_query_array_col(const ath_dialect *d, const ath_col *c);
/** Appends the array text form of the n values ("{1,2}", "{\"a\",\"b\"}", NULL elements as
 *  NULL) to `array`, each after the value-kind rule (`what` names the caller in messages). */
int ath_query_array_text(ath_buf *array, const ath_col *c, const ath_value *v, size_t n,
                         const char *what);
/** Appends `qual.col` and the dialect's any_array for c's type (` = ANY(CAST(? AS BIGINT[]))`). */
void ath_query_any_sql(ath_buf *b, const ath_dialect *d, const char *qual, const ath_col *c);

#endif
