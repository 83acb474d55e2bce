/*
 * Athanor — filters: small values passed as an array to list, count, exists, get_one and
 * delete_where. Building them allocates nothing:
 *
 *     ath_list *heroes;
 *     HeroRepository_list(repo, &heroes, ATH_FILTERS(
 *         ath_where("age", ATH_GT, ath_v_i32(30)),
 *         ath_search("name,secret_name", "dive", true),
 *         ath_order_by("name", false),
 *         ath_limit_offset(10, 0)));
 *
 * Column names are checked against the model (an unknown name is ATH_EINVAL naming it) and
 * quoted; values are always bound as parameters. The memory a filter points at (text, value
 * arrays, child filters) must stay valid for the call that uses it.
 */
#ifndef ATHANOR_FILTER_H
#define ATHANOR_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "export.h"
#include "value.h"

ATH_BEGIN_DECLS

struct ath_model;

/** What a filter does. */
typedef enum ath_filter_kind {
    ATH_FILTER_NONE = 0,
    ATH_FILTER_WHERE,           /**< column op value */
    ATH_FILTER_IN,              /**< column IN (values); empty matches nothing */
    ATH_FILTER_NOT_IN,          /**< column NOT IN (values); empty matches everything */
    ATH_FILTER_BEFORE_AFTER,    /**< after < column < before (either bound optional) */
    ATH_FILTER_ON_BEFORE_AFTER, /**< after <= column <= before */
    ATH_FILTER_SEARCH,          /**< any of the columns contains the text */
    ATH_FILTER_NOT_SEARCH,      /**< none of the columns contains the text */
    ATH_FILTER_ORDER_BY,        /**< ORDER BY column [DESC]; several apply in order */
    ATH_FILTER_LIMIT_OFFSET, /**< LIMIT/OFFSET (ignored by count and by list_and_count's total) */
    ATH_FILTER_ANY,          /**< OR of child filters */
    ATH_FILTER_ALL,          /**< AND of child filters */
    ATH_FILTER_EXISTS,       /**< a related row (joined by a foreign key) matches the children */
    ATH_FILTER_NOT_EXISTS,   /**< no related row matches */
    ATH_FILTER_AFTER,        /**< keyset pagination: rows after a cursor from ath_list_cursor */
    ATH_FILTER_OPTIONS       /**< call options (ATH_OPT_*), e.g. include soft-deleted rows */
} ath_filter_kind;

/** Comparison operators for ath_where(). */
typedef enum ath_op {
    ATH_EQ = 0, /**< = (with a NULL value: IS NULL) */
    ATH_NE,     /**< <> (with a NULL value: IS NOT NULL) */
    ATH_LT,
    ATH_LE,
    ATH_GT,
    ATH_GE,
    ATH_LIKE,  /**< LIKE with the caller's own wildcards */
    ATH_ILIKE, /**< case-insensitive LIKE */
    ATH_NOT_LIKE,
    ATH_NOT_ILIKE,
    ATH_STARTSWITH, /**< value is literal text (wildcards in it are escaped) */
    ATH_ISTARTSWITH,
    ATH_ENDSWITH,
    ATH_IENDSWITH,
    ATH_CONTAINS,
    ATH_ICONTAINS,
    ATH_BETWEEN,    /**< value <= column <= value2 */
    ATH_IS_NULL,    /**< value ignored */
    ATH_IS_NOT_NULL /**< value ignored */
} ath_op;

/**
 * Call options for ATH_FILTER_OPTIONS (ath_options(), ath_for_update()), and the `options` of
 * ath_repo_get_opts() / ath_repo_get_and_update_opts().
 *
 * Locking reads (get, get_one, get_one_or_none, list, list_and_count's rows, get_and_update):
 * ATH_OPT_FOR_UPDATE reads with `SELECT … FOR UPDATE` on PostgreSQL and MariaDB/MySQL, so the
 * rows read stay locked against other writers (and other locking reads) until the session's
 * transaction ends; the read opens the transaction if none is open. ATH_OPT_NOWAIT (`FOR UPDATE
 * NOWAIT`) fails at once with ATH_ERETRY instead of waiting when another transaction holds a
 * row lock (PostgreSQL SQLSTATE 55P03, MariaDB error 1205; the session's transaction has then
 * failed on PostgreSQL: roll back or go back to a savepoint); ATH_OPT_SKIP_LOCKED (`FOR UPDATE SKIP
 * LOCKED`) leaves locked rows out of the result. Either implies ATH_OPT_FOR_UPDATE; both at once
 * is ATH_EINVAL. NOWAIT and SKIP LOCKED need PostgreSQL 9.5 / MariaDB 10.6 / MySQL 8.0: an older
 * server is ATH_EUNSUPPORTED. count, exists, update_where and delete_where refuse the locking
 * options (ATH_EINVAL); list_and_count counts without locking.
 *
 * SQLite has no row locks: a write transaction already excludes every other writer of the
 * database. There a locking read opens the session's transaction as a write transaction
 * (`BEGIN IMMEDIATE`), so no other connection can write until it ends; other connections'
 * plain reads continue (as on the servers). Nothing is ever skipped and nothing fails at once:
 * a writer elsewhere makes the locking read wait up to the URL's busy_timeout, then ATH_ERETRY.
 * In a transaction that is already open (as a read transaction) the option adds nothing; the
 * transaction's first write takes the lock.
 *
 * ATH_OPT_PRIMARY (every read: get, get_one, get_one_or_none, list, list_and_count, count,
 * exists, iterators, the load functions) is the per-call "read from the primary" of read/write
 * routing (routing.h): on an engine with read replicas the read runs on the primary — a
 * transaction begun on a replica is committed there first — and, as after a write, the session
 * stays on the primary until it commits or rolls back, so it reads what it wrote and what was
 * committed on the primary before. Without replicas it changes nothing.
 */
enum {
    ATH_OPT_INCLUDE_DELETED = 1u << 0, /**< soft-deleted rows are read and counted too */
    ATH_OPT_FOR_UPDATE = 1u << 1,      /**< lock the rows read (SELECT … FOR UPDATE) */
    ATH_OPT_NOWAIT = 1u << 2,          /**< … FOR UPDATE NOWAIT: ATH_ERETRY when locked */
    ATH_OPT_SKIP_LOCKED = 1u << 3,     /**< … FOR UPDATE SKIP LOCKED: locked rows left out */
    ATH_OPT_PRIMARY = 1u << 4          /**< read on the primary, not a replica (routing.h) */
};

/** A filter. Build with the ath_* constructors below. */
typedef struct ath_filter {
    ath_filter_kind kind;
    ath_op op;
    const char *column;      /**< column; for search, a comma-separated list of columns */
    ath_value value;         /**< compared value; between: low; before_after: before */
    ath_value value2;        /**< between: high; before_after: after */
    const ath_value *values; /**< IN / NOT IN */
    size_t nvalues;
    const struct ath_filter *children; /**< ANY / ALL / EXISTS */
    size_t nchildren;
    const struct ath_model *related; /**< EXISTS: the related model */
    const char *text;                /**< search text; AFTER: the cursor */
    int64_t limit;                   /**< LIMIT_OFFSET; < 0 = no limit */
    int64_t offset;
    bool desc;        /**< ORDER_BY descending */
    bool ignore_case; /**< SEARCH */
    unsigned options; /**< OPTIONS: ATH_OPT_*; ORDER_BY: ATH_NULLS_* / ATH_ORDER_IGNORE_CASE */
} ath_filter;

/** Passes filters as an array and its length: `fn(repo, ATH_FILTERS(f1, f2))`. */
#define ATH_FILTERS(...)                                                                           \
    ((const ath_filter[]){__VA_ARGS__}),                                                           \
        (sizeof((const ath_filter[]){__VA_ARGS__}) / sizeof(ath_filter))
/** No filters: `fn(repo, ATH_NO_FILTERS)`. */
#define ATH_NO_FILTERS ((const ath_filter *)NULL), ((size_t)0)
/** Passes values as an array and its length: `ath_collection("id", ATH_VALUES(a, b))`. */
#define ATH_VALUES(...)                                                                            \
    ((const ath_value[]){__VA_ARGS__}),                                                            \
        (sizeof((const ath_value[]){__VA_ARGS__}) / sizeof(ath_value))

static inline ath_filter ath__filter(ath_filter_kind kind)
{
    ath_filter f;
    memset(&f, 0, sizeof f);
    f.kind = kind;
    f.limit = -1;
    return f;
}

/** column op value. */
static inline ath_filter ath_where(const char *column, ath_op op, ath_value value)
{
    ath_filter f = ath__filter(ATH_FILTER_WHERE);
    f.column = column;
    f.op = op;
    f.value = value;
    return f;
}

/** low <= column <= high. */
static inline ath_filter ath_between(const char *column, ath_value low, ath_value high)
{
    ath_filter f = ath_where(column, ATH_BETWEEN, low);
    f.value2 = high;
    return f;
}

/** column IN (values…); an empty collection matches nothing. */
static inline ath_filter ath_collection(const char *column, const ath_value *values, size_t n)
{
    ath_filter f = ath__filter(ATH_FILTER_IN);
    f.column = column;
    f.values = values;
    f.nvalues = n;
    return f;
}

/** column NOT IN (values…); an empty collection matches everything. */
static inline ath_filter ath_not_in_collection(const char *column, const ath_value *values,
                                               size_t n)
{
    ath_filter f = ath_collection(column, values, n);
    f.kind = ATH_FILTER_NOT_IN;
    return f;
}

/** after < column < before; pass ath_v_null() for a bound you do not want. */
static inline ath_filter ath_before_after(const char *column, ath_value before, ath_value after)
{
    ath_filter f = ath__filter(ATH_FILTER_BEFORE_AFTER);
    f.column = column;
    f.value = before;
    f.value2 = after;
    return f;
}

/** after <= column <= before (inclusive). */
static inline ath_filter ath_on_before_after(const char *column, ath_value before, ath_value after)
{
    ath_filter f = ath_before_after(column, before, after);
    f.kind = ATH_FILTER_ON_BEFORE_AFTER;
    return f;
}

/** Any of `columns` ("name,secret_name") contains `text` (wildcards in it are literal). */
static inline ath_filter ath_search(const char *columns, const char *text, bool ignore_case)
{
    ath_filter f = ath__filter(ATH_FILTER_SEARCH);
    f.column = columns;
    f.text = text;
    f.ignore_case = ignore_case;
    return f;
}

/** None of `columns` contains `text` (NULL columns count as not containing it). */
static inline ath_filter ath_not_search(const char *columns, const char *text, bool ignore_case)
{
    ath_filter f = ath_search(columns, text, ignore_case);
    f.kind = ATH_FILTER_NOT_SEARCH;
    return f;
}

/**
 * ORDER BY column [DESC]. Where NULLs go is then each database's default (PostgreSQL puts them
 * last in ascending order, SQLite and MariaDB first); ath_order_by_opts() with ATH_NULLS_FIRST
 * or ATH_NULLS_LAST makes it the same everywhere.
 */
static inline ath_filter ath_order_by(const char *column, bool desc)
{
    ath_filter f = ath__filter(ATH_FILTER_ORDER_BY);
    f.column = column;
    f.desc = desc;
    return f;
}

/** Ordering options for ath_order_by_opts(). */
enum {
    ATH_NULLS_FIRST = 1u << 0,      /**< NULLs before every value, ascending or descending */
    ATH_NULLS_LAST = 1u << 1,       /**< NULLs after every value */
    ATH_ORDER_IGNORE_CASE = 1u << 2 /**< order by LOWER(column) (text columns only) */
};

/**
 * ORDER BY column [DESC] with `order_opts` (ATH_NULLS_FIRST or ATH_NULLS_LAST, and/or
 * ATH_ORDER_IGNORE_CASE), written so the three backends give the same order: `NULLS FIRST` /
 * `NULLS LAST` on PostgreSQL and SQLite (3.30+), `(col IS NULL) DESC, col` / `(col IS NULL)
 * ASC, col` on MariaDB/MySQL, which have no NULLS clause; `LOWER(col)` everywhere. Rows equal
 * under LOWER() come in no particular order unless another order_by (or the key added by
 * paging) follows. Both NULLS options at once, an unknown option bit, or ATH_ORDER_IGNORE_CASE on
 * a column that is not text is ATH_EINVAL naming the column. Keyset paging (ath_after) works
 * with ATH_ORDER_IGNORE_CASE; with a NULLS option it is ATH_EINVAL (a cursor cannot hold NULL).
 */
static inline ath_filter ath_order_by_opts(const char *column, bool desc, unsigned order_opts)
{
    ath_filter f = ath_order_by(column, desc);
    f.options = order_opts;
    return f;
}

/** LIMIT limit OFFSET offset. */
static inline ath_filter ath_limit_offset(int64_t limit, int64_t offset)
{
    ath_filter f = ath__filter(ATH_FILTER_LIMIT_OFFSET);
    f.limit = limit;
    f.offset = offset;
    return f;
}

/** OR of the children (nestable). */
static inline ath_filter ath_any(const ath_filter *children, size_t n)
{
    ath_filter f = ath__filter(ATH_FILTER_ANY);
    f.children = children;
    f.nchildren = n;
    return f;
}

/** AND of the children (nestable). */
static inline ath_filter ath_all(const ath_filter *children, size_t n)
{
    ath_filter f = ath_any(children, n);
    f.kind = ATH_FILTER_ALL;
    return f;
}

/**
 * A row of `related` that is joined to this one by a foreign key (in either direction) and
 * matches the children: teams that have a hero older than 40 are
 * `ath_exists(&Hero_model, ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i32(40))))`.
 */
static inline ath_filter ath_exists(const struct ath_model *related, const ath_filter *children,
                                    size_t n)
{
    ath_filter f = ath_any(children, n);
    f.kind = ATH_FILTER_EXISTS;
    f.related = related;
    return f;
}

/** No related row matches the children. */
static inline ath_filter ath_not_exists(const struct ath_model *related, const ath_filter *children,
                                        size_t n)
{
    ath_filter f = ath_exists(related, children, n);
    f.kind = ATH_FILTER_NOT_EXISTS;
    return f;
}

/**
 * Keyset pagination: only rows after `cursor` (from ath_list_cursor() of the previous page,
 * listed with the same order_by filters). NULL means the first page.
 */
static inline ath_filter ath_after(const char *cursor)
{
    ath_filter f = ath__filter(ATH_FILTER_AFTER);
    f.text = cursor;
    return f;
}

/** Call options (ATH_OPT_INCLUDE_DELETED, ATH_OPT_FOR_UPDATE, …). */
static inline ath_filter ath_options(unsigned options)
{
    ath_filter f = ath__filter(ATH_FILTER_OPTIONS);
    f.options = options;
    return f;
}

/**
 * A locking read: `ath_for_update(0)` is FOR UPDATE, `ath_for_update(ATH_OPT_NOWAIT)` or
 * `ath_for_update(ATH_OPT_SKIP_LOCKED)` add NOWAIT / SKIP LOCKED (see ATH_OPT_FOR_UPDATE).
 */
static inline ath_filter ath_for_update(unsigned how)
{
    return ath_options(ATH_OPT_FOR_UPDATE | how);
}

ATH_END_DECLS

/* --- C++: the same macros (see cxx.h) --- */
#ifdef __cplusplus
#include "cxx.h"
#undef ATH_FILTERS
#define ATH_FILTERS(...) ATH__CXX_ARRAY(ath_filter, __VA_ARGS__)
#undef ATH_VALUES
#define ATH_VALUES(...) ATH__CXX_ARRAY(ath_value, __VA_ARGS__)
#endif /* __cplusplus */

#endif
