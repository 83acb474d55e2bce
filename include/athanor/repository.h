/*
 * Athanor — repositories: add, get, list, update, upsert and delete objects of one model.
 *
 * Objects are the caller's structs. Rows Athanor returns in an ath_list live (with their
 * strings, in an arena the list owns) until ath_list_free(). An object filled by a get-style
 * call owns its strings until ath_model_free_fields(model, obj).
 *
 * One ownership rule for calls that write back into your struct (add, add_many, update*,
 * upsert*, get_or_upsert, get_and_update, mixin hooks through ath_mixin_set): every string or
 * blob Athanor writes into it is a fresh malloc'd copy the struct owns, and a pointer you put
 * there is never freed, kept or written through. Copy the struct before the call
 * (`Hero before = hero;`) and ath_model_free_owned(&Hero_model, &hero, &before) afterwards
 * frees exactly Athanor's copies — after a success or a failure.
 *
 * Every function returns ATH_OK or a negative ath_code; ath_error_last() has the detail. A
 * database error fails the session's transaction (roll it back); with `auto_commit` the
 * repository commits after each successful write and rolls back after a failed one.
 */
#ifndef ATHANOR_REPOSITORY_H
#define ATHANOR_REPOSITORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"
#include "filter.h"
#include "model.h"
#include "session.h"
#include "value.h"

ATH_BEGIN_DECLS

/*
 * NULL arguments (docs/errors.md): a NULL handle, out-parameter, model list, array with a
 * non-zero count or required string is refused with ATH_EINVAL and the message
 * "<function>: <argument> is NULL" -- never a crash. Functions that cannot return a code say
 * below what they give for NULL (and set the same error); _free/_close/_dispose accept NULL.
 */

typedef struct ath_repo ath_repo;
typedef struct ath_list ath_list;

/**
 * Messages that replace Athanor's own for each kind of error (as in Advanced Alchemy's
 * `error_messages`); NULL keeps the default. The original text follows after " — ".
 */
typedef struct ath_error_messages {
    const char *duplicate_key; /**< ATH_EDUPLICATE */
    const char *foreign_key;   /**< ATH_EFOREIGNKEY */
    const char *not_null;      /**< ATH_ENOTNULL */
    const char *check;         /**< ATH_ECHECK */
    const char *not_found;     /**< ATH_ENOTFOUND */
    const char *multiple_rows; /**< ATH_EMULTIPLE */
    const char *other;         /**< any other database error */
} ath_error_messages;

/** Repository options; zero-initialise, then set what you need. */
/** The layout version of ath_repo_options this header describes (see ATH_REPO_OPTIONS_INIT). */
#define ATH_REPO_OPTIONS_VERSION 1

typedef struct ath_repo_options {
    /** ATH_REPO_OPTIONS_VERSION; 0 (designated initialisers that leave it out) is read as 1. A
     *  version above the library's is refused by ath_repo_open_opts with ATH_EINVAL. */
    unsigned version;
    bool auto_commit;                   /**< commit after each successful write */
    const ath_error_messages *messages; /**< custom error texts, or NULL */
    /* Members above are valid for version 1. */
} ath_repo_options;

/** Initialiser for ath_repo_options: `ath_repo_options o = ATH_REPO_OPTIONS_INIT;`. */
#define ATH_REPO_OPTIONS_INIT {.version = ATH_REPO_OPTIONS_VERSION}

/**
 * Opens a repository for `model` on `session` (validating the model and its mixins once per
 * engine). On success `*out` owns the repository; release it with ath_repo_free(). The
 * repository keeps the session's memory alive: after ath_session_close() every operation on it
 * is ATH_EINVAL ("the session was closed") until it is freed. A closed session is refused. Returns
 * ATH_OK, ATH_EINVAL when the model fails validation (the message names the model, field or mixin
 * role), ATH_ENOMEM.
 */
ATH_API int ath_repo_open(ath_repo **out, ath_session *session, const ath_model *model);
/** As ath_repo_open() with options (NULL for the defaults). */
ATH_API int ath_repo_open_opts(ath_repo **out, ath_session *session, const ath_model *model,
                               const ath_repo_options *options);
/** Frees a repository; NULL is a no-op. */
ATH_API void ath_repo_free(ath_repo *repo);
/** The repository's model and session; NULL for a NULL repository. */
ATH_API const ath_model *ath_repo_model(const ath_repo *repo);
ATH_API ath_session *ath_repo_session(const ath_repo *repo);

/* --- writes ------------------------------------------------------------------------------------
 */

/**
 * Inserts `obj` and fills generated keys and server defaults back into it (RETURNING where the
 * connection has it, else the driver's last insert id). An unset autoincrement key (0, or an
 * unset opt) is left to the database. ATH_EDUPLICATE / ATH_EFOREIGNKEY / ATH_ENOTNULL /
 * ATH_ECHECK name the constraint; ATH_EINVAL when a value written back does not fit its member.
 * Ownership: strings written into obj are malloc'd copies obj owns; yours are never freed, kept
 * or written through (ath_model_free_owned frees exactly Athanor's).
 */
ATH_API int ath_repo_add(ath_repo *repo, void *obj);

/**
 * Inserts `n` objects from the array `objs` (model-sized items) in multi-row statements,
 * chunked under the dialect's parameter limit, in the session's transaction; generated
 * autoincrement keys are written back into every object. On PostgreSQL runs of 500 rows or
 * more go by COPY binary, their generated keys taken from the column's sequence first (one
 * statement per 50 000 rows) and written into the objects before the rows are sent
 * (docs/postgresql.md, "Bulk inserts"). When a chunk fails, its objects' keys stay (or are set
 * back to) unset; those of chunks before it stay written (roll the transaction back).
 * Ownership: strings written into obj are malloc'd copies obj owns; yours are never freed, kept
 * or written through (ath_model_free_owned frees exactly Athanor's).
 */
ATH_API int ath_repo_add_many(ath_repo *repo, void *objs, size_t n);

/**
 * Updates every column of the row with obj's primary key. ATH_ENOTFOUND when there is none.
 * Ownership: strings written into obj are malloc'd copies obj owns; yours are never freed, kept
 * or written through (ath_model_free_owned frees exactly Athanor's).
 */
ATH_API int ath_repo_update(ath_repo *repo, void *obj);

/**
 * Updates only the named columns of the row with obj's primary key, so columns the caller did
 * not mean to touch keep their values. ATH_EINVAL names an unknown or key column.
 * Ownership: strings written into obj are malloc'd copies obj owns; yours are never freed, kept
 * or written through (ath_model_free_owned frees exactly Athanor's).
 */
ATH_API int ath_repo_update_fields(ath_repo *repo, void *obj, const char *const *fields,
                                   size_t nfields);

/**
 * Sets `fields` to `values` (nfields of each) on every row matching the filters, in one
 * statement; *updated counts them (may be NULL). Mixin scopes apply; per-object hooks do not.
 */
ATH_API int ath_repo_update_where(ath_repo *repo, int64_t *updated, const char *const *fields,
                                  const ath_value *values, size_t nfields,
                                  const ath_filter *filters, size_t nfilters);

/**
 * Updates `n` objects by primary key in the session's transaction. ATH_ENOTFOUND if one is
 * missing.
 * Ownership: strings written into obj are malloc'd copies obj owns; yours are never freed, kept
 * or written through (ath_model_free_owned frees exactly Athanor's).
 */
ATH_API int ath_repo_update_many(ath_repo *repo, void *objs, size_t n);

/**
 * Updates only the named columns (`fields`, nfields field names, as ath_repo_update_fields) of
 * each of the `n` objects' rows, by primary key, in the session's transaction; the other columns
 * keep the values the database holds. Each object behaves as ath_repo_update_fields on it:
 * `.onupdate` columns and mixin roles still go (audit updated_at), a version guard fails that object with ATH_ESTALE, a missing
 * row is ATH_ENOTFOUND. Set-based on PostgreSQL and MariaDB for models without mixins (one UPDATE
 * per chunk, as ath_repo_update_many), one prepared statement per object otherwise.
 * ATH_EINVAL names an unknown field, a primary-key or an immutable one; then nothing is sent.
 * A name given twice is written once. An empty list (nfields 0) writes no named column (only
 * `.onupdate` columns and mixin roles) but still fails with ATH_ENOTFOUND for an object whose
 * row is missing.
 * Ownership: strings written into obj are malloc'd copies obj owns; yours are never freed, kept
 * or written through (ath_model_free_owned frees exactly Athanor's).
 */
ATH_API int ath_repo_update_many_fields(ath_repo *repo, void *objs, size_t n,
                                        const char *const *fields, size_t nfields);

/**
 * Inserts `obj`, or updates the row that has the same `match_fields` values (the primary key
 * when match_fields is NULL). When the match fields are the primary key, a unique column or a
 * unique constraint on exactly those columns, this is one statement (ON CONFLICT / ON
 * DUPLICATE KEY). On any other columns (no unique index to conflict on) the repository looks
 * first and then updates the one matching row or inserts, all inside a savepoint: when more than
 * one row matches it is ATH_EMULTIPLE (as get_one) and nothing is written; a NULL match value
 * matches NULL. Without a unique constraint nothing stops two sessions that upsert the same new
 * values at once from both inserting: declare the constraint, or serialise the writers. The stored
 * key (and, for one object, server defaults the row got) are written back into obj; its other
 * members are left as they were. Unset columns with a server default are left alone by the
 * update branch; insert-only columns too.
 * Ownership: strings written into obj are malloc'd copies obj owns; yours are never freed, kept
 * or written through (ath_model_free_owned frees exactly Athanor's).
 */
ATH_API int ath_repo_upsert(ath_repo *repo, void *obj, const char *const *match_fields,
                            size_t nmatch);

/**
 * As ath_repo_upsert for `n` objects, one statement per chunk; keys are written back. On
 * non-unique match fields the objects are looked up and written one at a time inside one
 * savepoint: if any fails (ATH_EMULTIPLE names the object, "object 2 of 5: …") none of this
 * call's writes remain and the session's transaction stays usable.
 * Ownership: strings written into obj are malloc'd copies obj owns; yours are never freed, kept
 * or written through (ath_model_free_owned frees exactly Athanor's).
 */
ATH_API int ath_repo_upsert_many(ath_repo *repo, void *objs, size_t n,
                                 const char *const *match_fields, size_t nmatch);

/**
 * Finds the row whose match_fields (any columns; they need not be unique) equal obj's; creates
 * it from obj when there is none (*created = true). ATH_EMULTIPLE when more than one row
 * matches. When it exists and `upsert` is true, the other columns are updated from
 * obj. Either way obj ends up holding the stored row. A concurrent insert of the same key is
 * handled with a savepoint.
 * Ownership: strings written into obj are malloc'd copies obj owns; yours are never freed, kept
 * or written through (ath_model_free_owned frees exactly Athanor's).
 * Here every string member is replaced by a copy, so ath_model_free_fields frees them all.
 */
ATH_API int ath_repo_get_or_upsert(ath_repo *repo, void *obj, const char *const *match_fields,
                                   size_t nmatch, bool upsert, bool *created);

/**
 * As ath_repo_get_or_upsert, but when the row exists and `upsert` is true only the named
 * `fields` (nfields of them) are written, and only those whose value differs from the stored
 * one: columns the caller did not name keep their stored values, so members left unset in obj
 * do not become NULL. A missing row is still created from the whole of obj. nfields 0 means
 * every non-key, non-match column (ath_repo_get_or_upsert). ATH_EINVAL names an unknown, key
 * or insert-only (immutable) field. obj ends up holding the stored row (*created says which
 * branch ran); as for ath_repo_get_or_upsert every string member is then a copy obj owns.
 */
ATH_API int ath_repo_get_or_upsert_fields(ath_repo *repo, void *obj,
                                          const char *const *match_fields, size_t nmatch,
                                          const char *const *fields, size_t nfields, bool upsert,
                                          bool *created);

/**
 * Finds the row whose match_fields (any columns) equal obj's (ATH_ENOTFOUND when none,
 * ATH_EMULTIPLE when more than one) and sets `fields`
 * (all other non-key, non-mixin, non-insert-only columns when NULL) from obj when they differ;
 * *updated says whether it wrote. obj ends up holding the stored row.
 * Ownership: strings written into obj are malloc'd copies obj owns; yours are never freed, kept
 * or written through (ath_model_free_owned frees exactly Athanor's).
 * Here every string member is replaced by a copy, so ath_model_free_fields frees them all.
 */
ATH_API int ath_repo_get_and_update(ath_repo *repo, void *obj, const char *const *match_fields,
                                    size_t nmatch, const char *const *fields, size_t nfields,
                                    bool *updated);

/**
 * As ath_repo_get_and_update with call options (ATH_OPT_* of filter.h; 0 is
 * ath_repo_get_and_update) for the read of the row: ATH_OPT_FOR_UPDATE reads it with `SELECT …
 * FOR UPDATE`, so no other transaction changes it between the read and the update (ATH_OPT_NOWAIT:
 * ATH_ERETRY at once when it is locked; ATH_OPT_SKIP_LOCKED: a locked row is ATH_ENOTFOUND).
 */
ATH_API int ath_repo_get_and_update_opts(ath_repo *repo, void *obj, const char *const *match_fields,
                                         size_t nmatch, const char *const *fields, size_t nfields,
                                         bool *updated, unsigned options);

/**
 * Deletes the row with primary key `key` (nkey values, in key-field order). When `deleted` is
 * not NULL the row is read into it first (its strings are then owned by `deleted`: free them
 * with ath_model_free_fields). ATH_ENOTFOUND when there is no such row.
 */
ATH_API int ath_repo_delete(ath_repo *repo, const ath_value *key, size_t nkey, void *deleted);

/**
 * Deletes obj's row by its primary key; guards of mixins apply (a version mixin makes a stale
 * object fail with ATH_ESTALE). ATH_ENOTFOUND when there is no such row.
 */
ATH_API int ath_repo_delete_object(ath_repo *repo, const void *obj);

/** Deletes the rows whose keys are in `keys` (nrows × key width values); *deleted counts them. */
ATH_API int ath_repo_delete_many(ath_repo *repo, const ath_value *keys, size_t nrows,
                                 int64_t *deleted);

/** Deletes every row matching the filters; *deleted counts them (may be NULL). */
ATH_API int ath_repo_delete_where(ath_repo *repo, int64_t *deleted, const ath_filter *filters,
                                  size_t nfilters);

/* --- reads -------------------------------------------------------------------------------------
 */

/** Loads the row with primary key `key` into `out`. ATH_ENOTFOUND when there is none. */
ATH_API int ath_repo_get(ath_repo *repo, void *out, const ath_value *key, size_t nkey);

/**
 * As ath_repo_get with call options (ATH_OPT_* of filter.h; 0 is ath_repo_get):
 * ATH_OPT_FOR_UPDATE locks the row until the session's transaction ends (`SELECT … FOR
 * UPDATE`; with ATH_OPT_NOWAIT, ATH_ERETRY at once when another transaction holds it; with
 * ATH_OPT_SKIP_LOCKED a locked row reads as ATH_ENOTFOUND); ATH_OPT_INCLUDE_DELETED reads a
 * soft-deleted row too. On SQLite a locking read opens the transaction as a write transaction
 * instead (filter.h says what that means). ATH_EUNSUPPORTED for NOWAIT / SKIP LOCKED on a
 * server without them; ATH_EINVAL for NOWAIT with SKIP LOCKED.
 */
ATH_API int ath_repo_get_opts(ath_repo *repo, void *out, const ath_value *key, size_t nkey,
                              unsigned options);

/**
 * Loads the one row matching the filters: ATH_ENOTFOUND when none, ATH_EMULTIPLE when more.
 * get_one, get_one_or_none, list and list_and_count (its rows) take `ath_for_update(…)` among
 * the filters for a locking read (ATH_OPT_FOR_UPDATE in filter.h); count and exists refuse it.
 */
ATH_API int ath_repo_get_one(ath_repo *repo, void *out, const ath_filter *filters, size_t nfilters);

/** As ath_repo_get_one, but no row is not an error: *found says whether `out` was filled. */
ATH_API int ath_repo_get_one_or_none(ath_repo *repo, void *out, bool *found,
                                     const ath_filter *filters, size_t nfilters);

/** Lists the rows matching the filters into `*out` (free with ath_list_free). */
ATH_API int ath_repo_list(ath_repo *repo, ath_list **out, const ath_filter *filters,
                          size_t nfilters);

/* --- streaming reads ---------------------------------------------------------------------------
 */

/** An open query whose rows are read one at a time (ath_repo_iter_open). */
typedef struct ath_repo_iter ath_repo_iter;

/**
 * Runs the query of ath_repo_list (the same filters, ordering, limit/offset, ath_after cursor,
 * and the mixins' scopes such as soft delete and tenancy) and leaves its rows on the connection,
 * to be read one at a time with ath_repo_iter_next(): memory stays constant however many rows
 * match (SQLite steps its statement, PostgreSQL reads in single-row mode, MariaDB fetches
 * unbuffered — unless the URL says `buffered=true`, when the driver holds the whole result).
 *
 * On success `*out` owns the iterator; release it with ath_repo_iter_free(). The filters and
 * their values may be freed once this returns (the iterator keeps copies). While the iterator is
 * open it holds the session's connection: any other statement on the session (through any
 * repository or ath_session_execute) is refused with ATH_EINVAL until the iterator has given its
 * last row, failed, or been freed. Commit, rollback and ath_session_close end it early (its next
 * ath_repo_iter_next() says so). `repo` must stay open while ath_repo_iter_next() is called;
 * ath_repo_iter_free() is safe at any time, after the repository or the session are gone too.
 * Returns ATH_OK, ATH_EINVAL (a bad filter, a closed session, another result or iterator open),
 * ATH_ENOMEM, or the database's error.
 */
ATH_API int ath_repo_iter_open(ath_repo_iter **out, ath_repo *repo, const ath_filter *filters,
                               size_t nfilters);

/**
 * Reads the next row into `out` (a struct of the repository's model, zeroed first) and runs the
 * mixins' after-load hooks on it, as ath_repo_list does. Strings and blobs of `out` live in the
 * iterator until the next ath_repo_iter_next() or ath_repo_iter_free(): copy what you keep
 * (do not free them). Returns 1 with a row, 0 after the last one (and every call after that),
 * or a negative code: a database error (it fails the transaction, as in any read), a value that
 * does not fit its member (ATH_EINVAL naming model and column), a hook's error, or ATH_EINVAL
 * when the transaction ended before the last row. After 0 or an error the iterator is finished,
 * the session is free again, and further calls return 0.
 */
ATH_API int ath_repo_iter_next(ath_repo_iter *iter, void *out);

/** Ends the iteration (unread rows are discarded) and frees the iterator; NULL is a no-op. */
ATH_API void ath_repo_iter_free(ath_repo_iter *iter);

/** As ath_repo_list, and *total counts every match ignoring limit and offset. */
ATH_API int ath_repo_list_and_count(ath_repo *repo, ath_list **out, int64_t *total,
                                    const ath_filter *filters, size_t nfilters);

/** Counts the rows matching the filters (order and limit ignored). */
ATH_API int ath_repo_count(ath_repo *repo, int64_t *out, const ath_filter *filters,
                           size_t nfilters);

/** Whether any row matches the filters. */
ATH_API int ath_repo_exists(ath_repo *repo, bool *out, const ath_filter *filters, size_t nfilters);

/* --- relations (docs/relationships.md) ----------------------------------------------------------
 */

/**
 * As ath_repo_list, then loads the declared relations named in `load` (nload paths, e.g.
 * `ATH_NAMES("books", "books.tags", "publisher")`; a path loads every relation along it) for
 * every listed object. Each relation of each path level costs one statement,
 * `SELECT … WHERE <key> IN (…)` over the keys of the level above (more only when the keys
 * exceed the connection's parameter limit), run through a repository of the related model, so
 * its mixins' scopes apply (soft-deleted or other tenants' rows are not loaded). Ordering,
 * limits and filters apply to the parents; a one-to-many array is in the children's primary-key
 * order. A parent without related rows gets NULL (and count 0); a NULL foreign key, NULL.
 * Related objects and their strings live in the list's arena and are freed with
 * ath_list_free(); objects of a many-to-one level are shared by the parents that reference
 * them. ATH_EINVAL names an unknown relation in a path.
 */
ATH_API int ath_repo_list_load(ath_repo *repo, ath_list **out, const ath_filter *filters,
                               size_t nfilters, const char *const *load, size_t nload);

/**
 * As ath_repo_get, then loads the relations named in `load` as ath_repo_list_load does (one
 * statement per relation level). Everything loaded is malloc'd and owned by `out` — each
 * reference its own copy, nothing shared — and ath_model_free_fields(model, out) frees it all
 * (strings, related objects, arrays). ATH_ENOTFOUND when there is no such row; after any
 * failure `out` holds nothing to free.
 */
ATH_API int ath_repo_get_load(ath_repo *repo, void *out, const ath_value *key, size_t nkey,
                              const char *const *load, size_t nload);

/**
 * Inserts `obj` with the related objects its relation members hold along `paths` (as for
 * loading: `ATH_NAMES("books", "books.tags", "publisher")`), in the session's transaction: a
 * many-to-one target that `obj` points at is inserted first when its key is unset (else taken
 * as stored) and its key copied into obj's foreign key; then obj; then each one-to-many child
 * array, every child given obj's key in its foreign key (one ath_repo_add_many per array),
 * recursively. Keys and server defaults are written back into every object, as by
 * ath_repo_add (the same ownership rule for strings, per object). On failure the objects
 * inserted so far stay in the transaction: roll it back. ATH_EINVAL names an unknown relation.
 */
ATH_API int ath_repo_add_graph(ath_repo *repo, void *obj, const char *const *paths,
                               size_t npaths);

/* --- lists -------------------------------------------------------------------------------------
 */

/** Number of objects in the list; 0 for a NULL list. */
ATH_API size_t ath_list_count(const ath_list *list);
/** The objects, as a contiguous array of model-sized structs (NULL when empty or NULL). */
ATH_API void *ath_list_items(const ath_list *list);
/** Object i, or NULL when out of range or the list is NULL. */
ATH_API void *ath_list_at(const ath_list *list, size_t i);
/**
 * The keyset cursor after the last object (for ath_after()), or NULL when this page held fewer
 * rows than the limit, the list had no limit, or an ordering value was NULL. A full last page
 * still gives a cursor; the page after it is empty and has none. Owned by the list.
 */
ATH_API const char *ath_list_cursor(const ath_list *list);
/** Frees the list, its objects and their strings; NULL is a no-op. */
ATH_API void ath_list_free(ath_list *list);

/* --- typed repositories ------------------------------------------------------------------------
 */

/**
 * Writes a typed repository `Name` for struct `Type` described by `model` (an ath_model
 * lvalue, e.g. Hero_model):
 *
 *     ATH_REPOSITORY(HeroRepository, Hero, Hero_model)
 *     HeroRepository *repo;  HeroRepository_open(&repo, session);
 *     HeroRepository_add(repo, &hero);
 *     ath_list *all;  HeroRepository_list(repo, &all, ATH_NO_FILTERS);
 *     Hero *items = HeroRepository_items(all);
 */
#define ATH_REPOSITORY(Name, Type, model)                                                          \
    typedef struct Name Name;                                                                      \
    static inline int Name##_open(Name **out, ath_session *session)                                \
    {                                                                                              \
        ath_repo *r = NULL;                                                                        \
        int rc = ath_repo_open(&r, session, &(model));                                             \
        *out = (Name *)r;                                                                          \
        return rc;                                                                                 \
    }                                                                                              \
    static inline int Name##_open_opts(Name **out, ath_session *session,                           \
                                       const ath_repo_options *options)                            \
    {                                                                                              \
        ath_repo *r = NULL;                                                                        \
        int rc = ath_repo_open_opts(&r, session, &(model), options);                               \
        *out = (Name *)r;                                                                          \
        return rc;                                                                                 \
    }                                                                                              \
    static inline void Name##_free(Name *repo)                                                     \
    {                                                                                              \
        ath_repo_free((ath_repo *)repo);                                                           \
    }                                                                                              \
    static inline ath_repo *Name##_base(Name *repo)                                                \
    {                                                                                              \
        return (ath_repo *)repo;                                                                   \
    }                                                                                              \
    static inline Type *Name##_items(const ath_list *list)                                         \
    {                                                                                              \
        return (Type *)ath_list_items(list);                                                       \
    }                                                                                              \
    static inline int Name##_add(Name *repo, Type *obj)                                            \
    {                                                                                              \
        return ath_repo_add((ath_repo *)repo, obj);                                                \
    }                                                                                              \
    static inline int Name##_add_many(Name *repo, Type *objs, size_t n)                            \
    {                                                                                              \
        return ath_repo_add_many((ath_repo *)repo, objs, n);                                       \
    }                                                                                              \
    static inline int Name##_get(Name *repo, Type *out, ath_value key)                             \
    {                                                                                              \
        return ath_repo_get((ath_repo *)repo, out, &key, 1);                                       \
    }                                                                                              \
    static inline int Name##_get_key(Name *repo, Type *out, const ath_value *key, size_t nkey)     \
    {                                                                                              \
        return ath_repo_get((ath_repo *)repo, out, key, nkey);                                     \
    }                                                                                              \
    static inline int Name##_get_opts(Name *repo, Type *out, ath_value key, unsigned options)      \
    {                                                                                              \
        return ath_repo_get_opts((ath_repo *)repo, out, &key, 1, options);                         \
    }                                                                                              \
    static inline int Name##_get_one(Name *repo, Type *out, const ath_filter *f, size_t nf)        \
    {                                                                                              \
        return ath_repo_get_one((ath_repo *)repo, out, f, nf);                                     \
    }                                                                                              \
    static inline int Name##_get_one_or_none(Name *repo, Type *out, bool *found,                   \
                                             const ath_filter *f, size_t nf)                       \
    {                                                                                              \
        return ath_repo_get_one_or_none((ath_repo *)repo, out, found, f, nf);                      \
    }                                                                                              \
    static inline int Name##_list(Name *repo, ath_list **out, const ath_filter *f, size_t nf)      \
    {                                                                                              \
        return ath_repo_list((ath_repo *)repo, out, f, nf);                                        \
    }                                                                                              \
    static inline int Name##_iter_open(ath_repo_iter **out, Name *repo, const ath_filter *f,       \
                                       size_t nf)                                                  \
    {                                                                                              \
        return ath_repo_iter_open(out, (ath_repo *)repo, f, nf);                                   \
    }                                                                                              \
    static inline int Name##_iter_next(ath_repo_iter *iter, Type *out)                             \
    {                                                                                              \
        return ath_repo_iter_next(iter, out);                                                      \
    }                                                                                              \
    static inline int Name##_list_and_count(Name *repo, ath_list **out, int64_t *total,            \
                                            const ath_filter *f, size_t nf)                        \
    {                                                                                              \
        return ath_repo_list_and_count((ath_repo *)repo, out, total, f, nf);                       \
    }                                                                                              \
    static inline int Name##_count(Name *repo, int64_t *out, const ath_filter *f, size_t nf)       \
    {                                                                                              \
        return ath_repo_count((ath_repo *)repo, out, f, nf);                                       \
    }                                                                                              \
    static inline int Name##_exists(Name *repo, bool *out, const ath_filter *f, size_t nf)         \
    {                                                                                              \
        return ath_repo_exists((ath_repo *)repo, out, f, nf);                                      \
    }                                                                                              \
    static inline int Name##_update(Name *repo, Type *obj)                                         \
    {                                                                                              \
        return ath_repo_update((ath_repo *)repo, obj);                                             \
    }                                                                                              \
    static inline int Name##_update_fields(Name *repo, Type *obj, const char *const *fields,       \
                                           size_t n)                                               \
    {                                                                                              \
        return ath_repo_update_fields((ath_repo *)repo, obj, fields, n);                           \
    }                                                                                              \
    static inline int Name##_update_many(Name *repo, Type *objs, size_t n)                         \
    {                                                                                              \
        return ath_repo_update_many((ath_repo *)repo, objs, n);                                    \
    }                                                                                              \
    static inline int Name##_update_many_fields(Name *repo, Type *objs, size_t n,                  \
                                                const char *const *fields, size_t nf)              \
    {                                                                                              \
        return ath_repo_update_many_fields((ath_repo *)repo, objs, n, fields, nf);                 \
    }                                                                                              \
    static inline int Name##_upsert(Name *repo, Type *obj, const char *const *match, size_t nm)    \
    {                                                                                              \
        return ath_repo_upsert((ath_repo *)repo, obj, match, nm);                                  \
    }                                                                                              \
    static inline int Name##_upsert_many(Name *repo, Type *objs, size_t n,                         \
                                         const char *const *match, size_t nm)                      \
    {                                                                                              \
        return ath_repo_upsert_many((ath_repo *)repo, objs, n, match, nm);                         \
    }                                                                                              \
    static inline int Name##_get_or_upsert(Name *repo, Type *obj, const char *const *match,        \
                                           size_t nm, bool upsert, bool *created)                  \
    {                                                                                              \
        return ath_repo_get_or_upsert((ath_repo *)repo, obj, match, nm, upsert, created);          \
    }                                                                                              \
    static inline int Name##_get_or_upsert_fields(Name *repo, Type *obj, const char *const *match, \
                                                  size_t nm, const char *const *fields, size_t nf, \
                                                  bool upsert, bool *created)                      \
    {                                                                                              \
        return ath_repo_get_or_upsert_fields((ath_repo *)repo, obj, match, nm, fields, nf, upsert, \
                                             created);                                             \
    }                                                                                              \
    static inline int Name##_get_and_update(Name *repo, Type *obj, const char *const *match,       \
                                            size_t nm, const char *const *fields, size_t nf,       \
                                            bool *updated)                                         \
    {                                                                                              \
        return ath_repo_get_and_update((ath_repo *)repo, obj, match, nm, fields, nf, updated);     \
    }                                                                                              \
    static inline int Name##_delete(Name *repo, ath_value key, Type *deleted)                      \
    {                                                                                              \
        return ath_repo_delete((ath_repo *)repo, &key, 1, deleted);                                \
    }                                                                                              \
    static inline int Name##_delete_many(Name *repo, const ath_value *keys, size_t n,              \
                                         int64_t *deleted)                                         \
    {                                                                                              \
        return ath_repo_delete_many((ath_repo *)repo, keys, n, deleted);                           \
    }                                                                                              \
    static inline int Name##_delete_where(Name *repo, int64_t *deleted, const ath_filter *f,       \
                                          size_t nf)                                               \
    {                                                                                              \
        return ath_repo_delete_where((ath_repo *)repo, deleted, f, nf);                            \
    }                                                                                              \
    typedef int Name##_ath_reserved_

/** Field-name lists for update_fields and match_fields: `ATH_NAMES("name", "age")`. */
#define ATH_NAMES(...)                                                                             \
    ((const char *const[]){__VA_ARGS__}),                                                          \
        (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

ATH_END_DECLS

/* --- C++: the same macro (see cxx.h) --- */
#ifdef __cplusplus
#include "cxx.h"
#undef ATH_NAMES
#define ATH_NAMES(...) ATH__CXX_ARRAY(const char *, __VA_ARGS__)
#endif /* __cplusplus */

#endif
