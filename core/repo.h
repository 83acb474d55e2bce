/* Private: the repository object and the helpers its operation files share. */
#ifndef ATH_CORE_REPO_H
#define ATH_CORE_REPO_H

#include <string.h>

#include <athanor/repository.h>

#include "buf.h"
#include "conn.h"
#include "list.h"
#include "mapping.h"
#include "query.h"

#define INSERT_CACHE 8

/*
 * Column sets (which columns an insert leaves to the database) are bitsets sized by the model:
 * repo->mask_words 64-bit words, bit i of word i / 64 for column i, so a model of any number of
 * columns is handled alike. Their storage is allocated once when the repository opens.
 */
typedef uint64_t repo_mask;

/* The repository's scratch sets, one per nesting level that needs its own. */
enum {
    REPO_MASK_ADD,   /* add_one: the row being inserted */
    REPO_MASK_AFTER, /* repo_add: what is still unset after the insert */
    REPO_MASK_RUN,   /* add_many/upsert_many: the current run of rows */
    REPO_MASK_NEXT,  /* ...: the next row, compared with the run */
    REPO_MASK_REST,  /* repo_read_back: the defaults to read back */
    REPO_MASK_KEYED, /* add_many: the run's set once its keys were reserved */
    REPO_MASK__SCRATCH
};

/* An upsert's plan: the match columns and the shape of its rows. */
#define MATCH_MAX 16

typedef struct upsert_plan {
    const ath_col *match[MATCH_MAX];
    size_t nmatch;
    bool match_is_key;
    bool native;              /* the key or a unique column/constraint: ON CONFLICT has a target */
    const repo_mask *omitted; /* columns left to the database (unset autoincrement key) */
    size_t per_row;           /* parameters per row */
} upsert_plan;

typedef struct insert_sql {
    repo_mask *omitted; /* columns left to the database (storage owned by the repository) */
    bool returning;
    char *sql;
    ath_stmt_ref ref;
} insert_sql;

/* The last multi-row statement text, kept for the next chunk of the same shape. */
typedef struct chunk_sql {
    repo_mask *omitted; /* storage owned by the repository */
    size_t rows;
    bool returning;
    char *sql;
    ath_stmt_ref ref;
} chunk_sql;

struct ath_repo {
    ath_session *session;
    ath_engine *engine;
    const ath_mapping *m;
    const ath_dialect *d;
    bool auto_commit;
    ath_error_messages messages;
    ath_stmt_ref get_ref; /* remembered statements of the fixed texts */
    ath_stmt_ref update_ref;
    ath_stmt_ref reserve_ref; /* the dialect's reserve_keys */
    bool no_reserve;          /* reserve_keys gave NULL (no sequence) or COPY declined: INSERT */
    ath_stmt_ref update_returning_ref; /* sql_update_returning */
    chunk_sql chunk; /* the last multi-row insert text */
    insert_sql inserts[INSERT_CACHE];
    size_t ninserts;
    bool prechecked;   /* a *_many call already checked every object against the text policy */
    bool onupdate_ran; /* the caller already ran the fields' onupdate functions on the objects */
    ath_value *vals;   /* scratch parameters */
    size_t nvals;
    ath_buf sql;        /* scratch statement text */
    size_t mask_words;  /* words of every column set of this model: ncols / 64 + 1 */
    repo_mask *masks;   /* one allocation: the scratch sets, the chunk's, the insert cache's */
    repo_mask *scratch; /* REPO_MASK__SCRATCH sets */
};

/** Makes room for n scratch parameters in repo->vals. */
int repo_reserve(ath_repo *r, size_t n);

/** As repo_run, through a remembered statement (`ref` may be NULL). */
int repo_run_ref(ath_repo *r, const char *sql, ath_stmt_ref *ref, bool write,
                 const ath_value *params, size_t n, ath_stmt **out, int64_t *changes);

/**
 * Prepares and runs `sql` in the session. With `out` the caller reads the rows and releases the
 * statement; without, rows are drained and *changes (if given) receives the affected count.
 */
int repo_run(ath_repo *r, const char *sql, bool write, const ath_value *params, size_t n,
             ath_stmt **out, int64_t *changes);

/** Applies auto_commit (commit on success, roll back on failure) and custom messages. */
int repo_finish(ath_repo *r, int rc, bool write);

/** The connection (opening the transaction); for capabilities. */
int repo_conn(ath_repo *r, bool write, ath_conn **conn);

/** Compiles filters for this repository's model. */
void repo_query_init(ath_repo *r, ath_query *q);

/** Loads the first row of a statement into obj (zeroed first; strings malloc'd). 0: no row. */
int repo_fetch_one(ath_repo *r, ath_stmt *st, void *obj);

/** Reads the row with the primary key of `keyobj` into `out` (strings malloc'd). */
int repo_reload(ath_repo *r, const void *keyobj, void *out);

/** Values of the key columns of obj into vals[0..npk). */
void repo_key_values(const ath_repo *r, const void *obj, ath_value *vals);

/** Resolves field names into columns (refusing key columns when `no_keys`). */
int repo_columns(ath_repo *r, const char *const *names, size_t n, bool no_keys, const char *what,
                 const ath_col **out);

/** Rows per multi-row statement with `cols` parameters each, under the connection's limit. */
size_t repo_chunk_rows(const ath_conn *conn, size_t cols);

/**
 * Updates obj's row by key: the given columns (every non-key, non-immutable one when cols is
 * NULL) plus role columns the mixins' before_update changed; scopes and guards apply.
 * ATH_ENOTFOUND when no row matches, ATH_ESTALE when a guard stopped it.
 */
int repo_update_object(ath_repo *r, void *obj, const ath_col *const *cols, size_t n);
/**
 * Runs an UPDATE of obj's row (`sql`, its parameters); *changed gets the rows written. A model
 * with .onupdate_sql columns reads their values back into obj: by `returning_sql` (the same
 * UPDATE … RETURNING those columns, NULL: built from `sql`) where the connection has UPDATE …
 * RETURNING, else by a SELECT on obj's key after the update.
 */
int repo_update_run(ath_repo *r, const char *sql, ath_stmt_ref *ref, const char *returning_sql,
                    ath_stmt_ref *returning_ref, const ath_value *params, size_t n, void *obj,
                    int64_t *changed);
/**
 * Reads the .onupdate_sql columns of the rows of objs[0..n) (by their keys) into the objects,
 * one SELECT per chunk. Objects whose row is not there are left as they are.
 */
int repo_reread_onupdate(ath_repo *r, char *objs, size_t n);
/**
 * Steps st, whose rows are (key columns…, .onupdate_sql columns…), storing each row's values
 * into the object of objs[0..n) with that key; releases nothing. *rows counts the rows read.
 */
int repo_assign_onupdate(ath_repo *r, ath_stmt *st, char *objs, size_t n, int64_t *rows);
/** Whether some field of r's model has an onupdate function. */
bool repo_has_onupdate(const ath_repo *r);
/** Runs every field's onupdate function on obj and stores each value into its member. */
int repo_onupdate(ath_repo *r, void *obj);
/** repo_onupdate on objs[0..n), then marks them done (r->onupdate_ran) for the update paths. */
int repo_onupdate_all(ath_repo *r, char *objs, size_t n);

/** get_one_or_none without auto_commit and custom messages. */
int repo_get_one(ath_repo *r, void *out, bool *found, const ath_filter *filters, size_t nfilters);

/** The value-kind rule for a key given by the caller (npk values); `what` names the call. */
int repo_check_key(const ath_repo *r, const ath_value *key, const char *what);

/** Loads the row with primary key `key` into out, within the mixins' scope. */
int repo_get_key(ath_repo *r, void *out, const ath_value *key);
/** As repo_get_key with call options (ATH_OPT_*: include deleted, locking reads). */
int repo_get_key_opts(ath_repo *r, void *out, const ath_value *key, unsigned options);

/** Bit i set: column i is left to the database (unset autoincrement key or server default). */
repo_mask *repo_omitted(ath_repo *r, int slot, const void *obj);
/** True when `mask` (from repo_omitted) leaves column i to the database. */
static inline bool repo_mask_omits(const repo_mask *mask, size_t i)
{
    return (mask[i / 64] >> (i % 64)) & 1;
}
/** The scratch set `slot` (REPO_MASK_*). */
static inline repo_mask *repo_mask_slot(const ath_repo *r, int slot)
{
    return r->scratch + (size_t)slot * r->mask_words;
}
/** True when the sets hold the same columns. */
bool repo_mask_equal(const ath_repo *r, const repo_mask *a, const repo_mask *b);
/** True when the set is empty. */
bool repo_mask_empty(const ath_repo *r, const repo_mask *mask);
/** True when the set holds column i and no other. */
bool repo_mask_only(const ath_repo *r, const repo_mask *mask, size_t i);
/** Copies a set. */
void repo_mask_copy(const ath_repo *r, repo_mask *to, const repo_mask *from);
/** INSERT INTO t (bound columns) VALUES (?, …)×rows [returning_cols], into r->sql (DEFAULT
 *  VALUES when no column is bound). */
void repo_insert_text(ath_repo *r, const repo_mask *mask, size_t rows, const char *returning_cols);
/** Appends " RETURNING <omitted columns>" to out, for a single-row add. */
void repo_returning_text(ath_repo *r, const repo_mask *mask, ath_buf *out);
/** True when c is one of the plan's match columns. */
bool repo_upsert_matches(const upsert_plan *p, const ath_col *c);
/** INSERT … VALUES (…)×rows ON CONFLICT/ON DUPLICATE KEY … [RETURNING key, match] into r->sql. */
void repo_upsert_text(ath_repo *r, const upsert_plan *p, size_t rows, bool returning);
/** Fills the parameters of one row (the columns `mask` binds) at vals, checked against the text
 *  policy unless r->prechecked; an unset member takes its client default, which is also stored
 *  into a scalar member when store_defaults. Returns how many, or < 0. */
int repo_row_values(ath_repo *r, const repo_mask *mask, void *obj, bool store_defaults,
                    ath_value *vals);
/** The number of columns a row binds under `mask`. */
size_t repo_bound_cols(const ath_repo *r, const repo_mask *mask);
/** Rows per multi-row statement at most (bigger statements stop paying off); also the size of
 *  repo_insert_rows' `ids` scratch. */
#define REPO_MAX_CHUNK_ROWS 1000
/** Rows per statement whose rows are matched by several columns, `(a = ? AND b = ?) OR …`:
 *  SQLite's parser limits expression depth (SQLITE_MAX_EXPR_DEPTH, 1000), and each row adds
 *  about three levels. Used by update_many (composite keys) and upsert_many (several fields). */
#define REPO_MULTI_MATCH_ROWS 300
/** Parameters per statement when neither the connection nor its dialect states a limit
 *  (SQLite's historical SQLITE_MAX_VARIABLE_NUMBER, the smallest limit of the three). */
#define REPO_FALLBACK_MAX_PARAMS 999
/** Reads omitted server-default columns (not the key) of obj's row back into obj. */
int repo_read_back(ath_repo *r, const repo_mask *mask, void *obj);
/** Inserts `rows` objects sharing the omitted-column mask in one statement; keys come back.
 *  `ids` has room for `rows` keys (scratch). */
int repo_insert_rows(ath_repo *r, ath_conn *conn, const repo_mask *mask, char *objs, size_t rows,
                     int64_t *ids);

/** Checks every object against the text policy before a multi-object write sends anything. */
int repo_check_objects(ath_repo *r, const void *objs, size_t n);

/** list without auto_commit and custom messages. */
int repo_list(ath_repo *r, ath_list **out, const ath_filter *filters, size_t nfilters);
/** Runs a select with the filters and the mixins' scopes, appending its rows to `l` (items of
 *  this model), their strings into `arena`; `what` names the operation in messages. */
int repo_list_into(ath_repo *r, const ath_filter *filters, size_t nfilters, const char *what,
                   ath_list *l, ath_arena *arena);
/** True when a collection filter of n values compared with column c is sent as one array
 *  parameter (`= ANY(?)`: the dialect has it, c's type fits, n reaches in_array_min). */
bool repo_array_form(const ath_repo *r, const ath_col *c, size_t n);
/** Loading through a link model: rows of r's model joined with the rows of `link` that the
 *  link filters (and its scopes) keep, `link.link_remote = r.remote`, filtered by `filters` (and
 *  r's scopes); each row appended to l (strings into arena), then its link's `link_local` value
 *  (valid during the call) handed to on_row. One statement. */
int repo_list_through(ath_repo *r, ath_repo *link, const char *link_local,
                      const char *link_remote, const char *remote, const ath_filter *link_filters,
                      size_t nlink, const ath_filter *filters, size_t nfilters,
                      int (*on_row)(void *ctx, const ath_value *parent), void *ctx, ath_list *l,
                      ath_arena *arena);
/** True when update_many can write a chunk of rows with one UPDATE (repo_many.c): a dialect
 *  with update_from, a model without mixins, and columns to set. */
bool repo_update_set_based(const ath_repo *r);
/** update_many set-based, chunk by chunk under a savepoint; a chunk that does not update
 *  exactly its rows is undone and run object by object (the per-object path's errors).
 *  `cols` (ncols, checked by repo_columns, duplicates allowed) limits the written columns to
 *  those named (update_many_fields); NULL writes every non-key, non-immutable column. */
int repo_update_many_set(ath_repo *r, char *objs, size_t n, const ath_col *const *cols,
                         size_t ncols);
/** True when delete_many can pass its keys as one array (dialect any_array, one-column key of
 *  an integer, text or UUID type). */
bool repo_delete_by_array(const ath_repo *r);
/** Adds `key = ANY(array of the n keys)` to q; the array's text is written into `array`, which
 *  must live until the statement ran. */
int repo_query_key_array(ath_repo *r, ath_query *q, const ath_value *keys, size_t n,
                         ath_buf *array);

/** add without auto_commit and custom messages (for composite operations). */
int repo_add(ath_repo *r, void *obj);

/* An object's key (or match key) as text and its index in the caller's array: sorted with
 * repo_keyed_compare to match rows read back to the objects they belong to. */
typedef struct repo_keyed {
    char *text;
    size_t index;
} repo_keyed;

static inline int repo_keyed_compare(const void *a, const void *b)
{
    return strcmp(((const repo_keyed *)a)->text, ((const repo_keyed *)b)->text);
}

#endif
