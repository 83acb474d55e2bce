/* Repositories: opening, shared helpers, and the read operations. */
#include "repo.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "engine.h"
#include "error.h"
#include "mixins.h"
#include "session.h"
#include "sql_build.h"
#include "utf8.h"

static int mapping_resolver(void *ctx, const ath_model *model, const ath_mapping **out)
{
    return ath_engine_mapping(ctx, model, out);
}

/* ath_repo_open and ath_repo_open_opts; `fn` names the one called. */
static int repo_open(const char *fn, ath_repo **out, ath_session *session, const ath_model *model,
                     const ath_repo_options *options)
{
    if (!out)
        return ath_null_arg(fn, "out");
    *out = NULL;
    if (!session)
        return ath_null_arg(fn, "session");
    if (!model)
        return ath_null_arg(fn, "model");
    if (ath_session_closed(session))
        return ath_fail(ATH_EINVAL, "%s: the session was closed (ath_session_close)", fn);
    if (options && options->version > ATH_REPO_OPTIONS_VERSION)
        return ath_fail(ATH_EINVAL,
                        "%s: ath_repo_options version %u is newer than this library's %d (the "
                        "program was built against a newer athanor/repository.h)",
                        fn, options->version, ATH_REPO_OPTIONS_VERSION);
    ath_repo *r = ath_calloc(1, sizeof *r);
    if (!r)
        return ath_fail(ATH_ENOMEM, "allocating a repository");
    int rc;
    r->session = session;
    ath_session_ref(session); /* the session's memory outlives it for this repository */
    r->engine = ath_session_engine(session);
    r->d = ath_engine_driver(r->engine)->dialect;
    ath_buf_init(&r->sql);
    if ((rc = ath_engine_mapping(r->engine, model, &r->m)) != ATH_OK)
        goto fail;
    /* the column sets of this model: scratch, the chunk's, one per insert cache entry */
    r->mask_words = r->m->ncols / 64 + 1;
    r->masks =
        ath_calloc((REPO_MASK__SCRATCH + 1 + INSERT_CACHE) * r->mask_words, sizeof *r->masks);
    if (!r->masks) {
        rc = ath_fail(ATH_ENOMEM, "allocating a repository");
        goto fail;
    }
    r->scratch = r->masks;
    r->chunk.omitted = r->masks + REPO_MASK__SCRATCH * r->mask_words;
    for (size_t i = 0; i < INSERT_CACHE; i++)
        r->inserts[i].omitted = r->masks + (REPO_MASK__SCRATCH + 1 + i) * r->mask_words;
    if (options) {
        r->auto_commit = options->auto_commit;
        if (options->messages)
            r->messages = *options->messages;
    }
    *out = r;
    return ATH_OK;
fail:
    ath_repo_free(r);
    return rc;
}

int ath_repo_open_opts(ath_repo **out, ath_session *session, const ath_model *model,
                       const ath_repo_options *options)
{
    return repo_open(__func__, out, session, model, options);
}

int ath_repo_open(ath_repo **out, ath_session *session, const ath_model *model)
{
    return repo_open(__func__, out, session, model, NULL);
}

void ath_repo_free(ath_repo *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ninserts; i++)
        ath_free(r->inserts[i].sql);
    ath_free(r->chunk.sql);
    ath_free(r->vals);
    ath_free(r->masks);
    ath_buf_free(&r->sql);
    ath_session_unref(r->session);
    ath_free(r);
}

const ath_model *ath_repo_model(const ath_repo *r)
{
    if (!r) {
        ath_null_arg(__func__, "repo");
        return NULL;
    }
    return r->m->model;
}

ath_session *ath_repo_session(const ath_repo *r)
{
    if (!r) {
        ath_null_arg(__func__, "repo");
        return NULL;
    }
    return r->session;
}

/* --- shared helpers ----------------------------------------------------------------------------
 */

int repo_reserve(ath_repo *r, size_t n)
{
    if (n < 16)
        n = 16; /* never NULL, even for statements without parameters */
    if (n <= r->nvals)
        return ATH_OK;
    ath_value *v = ath_realloc(r->vals, n * sizeof *v);
    if (!v)
        return ath_fail(ATH_ENOMEM, "allocating %zu parameters", n);
    r->vals = v;
    r->nvals = n;
    return ATH_OK;
}

int repo_conn(ath_repo *r, bool write, ath_conn **conn)
{
    return ath_session_ensure(r->session, write, conn);
}

int repo_run(ath_repo *r, const char *sql, bool write, const ath_value *params, size_t n,
             ath_stmt **out, int64_t *changes)
{
    return repo_run_ref(r, sql, NULL, write, params, n, out, changes);
}

int repo_run_ref(ath_repo *r, const char *sql, ath_stmt_ref *ref, bool write,
                 const ath_value *params, size_t n, ath_stmt **out, int64_t *changes)
{
    ath_stmt *st = NULL;
    if (out)
        *out = NULL;
    int rc = ref ? ath_session_prepare_ref(r->session, sql, write, ref, &st)
                 : ath_session_prepare(r->session, sql, write, &st);
    if (rc != ATH_OK)
        return rc;
    if ((rc = ath_session_run(r->session, st, params, n)) != ATH_OK) {
        ath_stmt_release(st);
        return rc;
    }
    if (out) {
        *out = st;
        return ATH_OK;
    }
    while ((rc = ath_session_step(r->session, st)) > 0)
        ;
    if (rc == 0 && changes)
        *changes = ath_stmt_changes(st);
    ath_stmt_release(st);
    return rc < 0 ? rc : ATH_OK;
}

static const char *custom_message(const ath_repo *r, int rc)
{
    const ath_error_messages *m = &r->messages;
    switch (rc) {
    case ATH_EDUPLICATE:
        return m->duplicate_key;
    case ATH_EFOREIGNKEY:
        return m->foreign_key;
    case ATH_ENOTNULL:
        return m->not_null;
    case ATH_ECHECK:
        return m->check;
    case ATH_ENOTFOUND:
        return m->not_found;
    case ATH_EMULTIPLE:
        return m->multiple_rows;
    case ATH_ESQL:
    case ATH_ERETRY:
    case ATH_ESTALE:
        return m->other;
    default:
        return NULL;
    }
}

int repo_finish(ath_repo *r, int rc, bool write)
{
    if (write && r->auto_commit) {
        if (rc == ATH_OK) {
            rc = ath_session_commit(r->session);
        } else {
            ath_error_saved saved;
            ath_error_save(&saved);
            ath_session_rollback(r->session);
            saved.pub.code = rc;
            ath_error_restore(&saved);
        }
    }
    const char *custom = rc < 0 ? custom_message(r, rc) : NULL;
    if (custom) /* the new message is formatted before it replaces the old one */
        ath_error_set_message("%s \xE2\x80\x94 %s", custom, ath_error_last()->message);
    return rc;
}

void repo_query_init(ath_repo *r, ath_query *q)
{
    ath_query_init(q, r->m, r->d, mapping_resolver, r->engine);
    int min = ath_engine_opts(r->engine)->in_array_min;
    q->array_min = min < 0 ? SIZE_MAX : min == 0 ? ATH_IN_ARRAY_MIN : (size_t)min;
}

void repo_key_values(const ath_repo *r, const void *obj, ath_value *vals)
{
    for (size_t i = 0; i < r->m->npk; i++)
        vals[i] = ath_col_get(&r->m->cols[r->m->pk[i]], obj);
}

int repo_columns(ath_repo *r, const char *const *names, size_t n, bool no_keys, const char *what,
                 const ath_col **out)
{
    if (n && !names)
        return ath_fail(ATH_EINVAL, "%s: %zu names given but the array is NULL", what, n);
    for (size_t i = 0; i < n; i++) {
        int rc = ath_mapping_require(r->m, names[i], what, &out[i]);
        if (rc != ATH_OK)
            return rc;
        if (no_keys && out[i]->pk)
            return ath_fail(ATH_EINVAL, "%s: %s is a primary key column of %s and cannot be set",
                            what, names[i], r->m->model->table);
        if (no_keys && (out[i]->flags & ATH_IMMUTABLE))
            return ath_fail(ATH_EINVAL,
                            "%s: %s.%s is written on insert only (immutable) and cannot be set",
                            what, r->m->model->table, names[i]);
    }
    return ATH_OK;
}

int repo_check_objects(ath_repo *r, const void *objs, size_t n)
{
    size_t size = r->m->model->struct_size;
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < r->m->ncols; c++) {
            if (!ath_type_bytes(r->m->cols[c].type))
                continue; /* text has a policy to check, text and blobs a pointer */
            ath_value v;
            int rc = ath_col_checked(r->m, &r->m->cols[c], (const char *)objs + i * size, &v);
            if (rc != ATH_OK) {
                ath_error_set_message("object %zu of %zu: %s", i + 1, n, ath_error_last()->message);
                return rc;
            }
        }
    return ATH_OK;
}

int repo_fetch_one(ath_repo *r, ath_stmt *st, void *obj)
{
    int rc = ath_session_step(r->session, st);
    if (rc <= 0)
        return rc;
    memset(obj, 0, r->m->model->struct_size);
    rc = ath_row_read(st, 0, r->m, obj, NULL);
    if (rc == ATH_OK && r->m->nmixins)
        rc = mixins_after_load(r, obj);
    if (rc != ATH_OK) {
        ath_model_free_strings(r->m->model, obj);
        return rc;
    }
    return 1;
}

/* The row with primary key `key` into out, by the prepared key lookup (no scopes). */
static int get_by_key(ath_repo *r, void *out, const ath_value *key)
{
    ath_stmt *st;
    int rc = repo_run_ref(r, r->m->sql_get, &r->get_ref, false, key, r->m->npk, &st, NULL);
    if (rc != ATH_OK)
        return rc;
    rc = repo_fetch_one(r, st, out);
    ath_stmt_release(st);
    if (rc == 0)
        rc = ath_fail(ATH_ENOTFOUND, "no %s row with that primary key", r->m->model->table);
    return rc < 0 ? rc : ATH_OK;
}

int repo_reload(ath_repo *r, const void *keyobj, void *out)
{
    ath_value key[ATH_ORDER_MAX];
    if (r->m->npk > ATH_ORDER_MAX)
        return ath_fail(ATH_EINVAL, "too many key columns");
    repo_key_values(r, keyobj, key);
    return get_by_key(r, out, key);
}

/* --- reads -------------------------------------------------------------------------------------
 */

int repo_get_key(ath_repo *r, void *out, const ath_value *key)
{
    return repo_get_key_opts(r, out, key, 0);
}

int repo_get_key_opts(ath_repo *r, void *out, const ath_value *key, unsigned options)
{
    if (mixins_scoped(r) || options) { /* the key plus every scope and option: the filter path */
        ath_filter f[ATH_ORDER_MAX + 1];
        bool found = false;
        size_t n = 0;
        for (; n < r->m->npk && n < ATH_ORDER_MAX; n++)
            f[n] = ath_where(r->m->cols[r->m->pk[n]].name, ATH_EQ, key[n]);
        f[n++] = ath_options(options);
        int rc = repo_get_one(r, out, &found, f, n);
        if (rc == ATH_OK && !found)
            rc = ath_fail(ATH_ENOTFOUND, "no %s row with that primary key", r->m->model->table);
        return rc;
    }
    return get_by_key(r, out, key);
}

int repo_check_key(const ath_repo *r, const ath_value *key, const char *what)
{
    char where[64];
    snprintf(where, sizeof where, "the key given to %s", what);
    for (size_t i = 0; i < r->m->npk; i++) {
        int rc = ath_col_accepts(&r->m->cols[r->m->pk[i]], &key[i], where);
        if (rc != ATH_OK)
            return rc;
    }
    return ATH_OK;
}

/* ath_repo_get and ath_repo_get_opts; `fn` names the one called. */
static int repo_get(const char *fn, ath_repo *r, void *out, const ath_value *key, size_t nkey,
                    unsigned options)
{
    if (!r)
        return ath_null_arg(fn, "repo");
    if (!out)
        return ath_null_arg(fn, "out");
    if (!key)
        return ath_null_arg(fn, "key");
    if (nkey != r->m->npk || !key)
        return ath_fail(ATH_EINVAL, "%s has a %zu-column primary key; %zu values given",
                        r->m->model->table, r->m->npk, nkey);
    int rc = repo_check_key(r, key, "get");
    return repo_finish(r, rc == ATH_OK ? repo_get_key_opts(r, out, key, options) : rc, false);
}

int ath_repo_get(ath_repo *r, void *out, const ath_value *key, size_t nkey)
{
    return repo_get(__func__, r, out, key, nkey, 0);
}

int ath_repo_get_opts(ath_repo *r, void *out, const ath_value *key, size_t nkey, unsigned options)
{
    return repo_get(__func__, r, out, key, nkey, options);
}

/*
 * Appends the locking clause for `opts` (ATH_OPT__LOCKS bits) to r->sql: FOR UPDATE [NOWAIT |
 * SKIP LOCKED] where the dialect has row locks; *write says the read must run as a write (on
 * the primary, and on SQLite in a write transaction: BEGIN IMMEDIATE).
 */
static int lock_clause(ath_repo *r, unsigned opts, bool *write)
{
    *write = false;
    if (!(opts & ATH_OPT__LOCKS))
        return ATH_OK;
    *write = true;
    if (!ATH_DIALECT_HAS(r->d, for_update))
        return ATH_OK; /* no row locks: the write transaction is the lock */
    ath_buf_adds(&r->sql, r->d->for_update);
    if (!(opts & (ATH_OPT_NOWAIT | ATH_OPT_SKIP_LOCKED)))
        return ATH_OK;
    bool nowait = opts & ATH_OPT_NOWAIT;
    ath_conn *conn;
    int rc = repo_conn(r, true, &conn);
    if (rc != ATH_OK)
        return rc;
    const char *text = nowait ? (ATH_DIALECT_HAS(r->d, nowait) ? r->d->nowait : NULL)
                              : (ATH_DIALECT_HAS(r->d, skip_locked) ? r->d->skip_locked : NULL);
    if (!text || !(conn->info.caps & ATH_CAP_LOCK_NOWAIT))
        return ath_fail(ATH_EUNSUPPORTED,
                        "FOR UPDATE %s needs PostgreSQL 9.5, MariaDB 10.6 or MySQL 8.0; this "
                        "server is %s",
                        nowait ? "NOWAIT" : "SKIP LOCKED", conn->info.server_version);
    ath_buf_adds(&r->sql, text);
    return ATH_OK;
}

/* SELECT <columns> FROM <table> WHERE … [ORDER BY … LIMIT …] [FOR UPDATE …] for compiled
 * filters; `lock` holds the locking options that apply (0 for none). */
static int run_select(ath_repo *r, ath_query *q, const char *head, int64_t force_limit,
                      unsigned lock, ath_stmt **st)
{
    if (head) { /* NULL: the caller already wrote the head into r->sql */
        ath_buf_clear(&r->sql);
        ath_buf_adds(&r->sql, head);
    }
    ath_query_sql_where(q, &r->sql);
    ath_value extra[2];
    size_t nextra = 0;
    if (force_limit > 0) {
        ath_buf_adds(&r->sql, " LIMIT ?");
        extra[nextra++] = ath_v_i64(force_limit);
    } else if (force_limit == 0) {
        ath_query_sql_order_limit(q, &r->sql, extra, &nextra);
    }
    bool write = false;
    int rc = lock_clause(r, lock, &write);
    if (rc == ATH_OK && (q->options & ATH_OPT_PRIMARY))
        rc = ath_session_ensure_primary(r->session);
    if (rc != ATH_OK)
        return rc;
    if (r->sql.oom)
        return ath_fail(ATH_ENOMEM, "building a query");
    rc = repo_reserve(r, q->nparams + nextra);
    if (rc != ATH_OK)
        return rc;
    if (q->nparams)
        memcpy(r->vals, q->params, q->nparams * sizeof *r->vals);
    if (nextra)
        memcpy(r->vals + q->nparams, extra, nextra * sizeof *extra);
    return repo_run(r, r->sql.data, write, r->vals, q->nparams + nextra, st, NULL);
}

int repo_get_one(ath_repo *r, void *out, bool *found, const ath_filter *filters, size_t nfilters)
{
    ath_query q;
    ath_stmt *st = NULL;
    *found = false;
    repo_query_init(r, &q);
    q.allow_lock = true;
    int rc = ath_query_compile(&q, filters, nfilters, "get_one", false);
    if (rc == ATH_OK)
        rc = mixins_scope(r, q.options, &q);
    if (rc == ATH_OK)
        rc = run_select(r, &q, r->m->sql_select, 2, q.options & ATH_OPT__LOCKS, &st);
    if (rc == ATH_OK) {
        rc = repo_fetch_one(r, st, out);
        if (rc == 1) {
            int more = ath_session_step(r->session, st);
            if (more != 0) {
                ath_model_free_strings(r->m->model, out);
                rc = more < 0 ? more
                              : ath_fail(ATH_EMULTIPLE, "more than one %s row matches",
                                         r->m->model->table);
            } else {
                *found = true;
                rc = ATH_OK;
            }
        }
        ath_stmt_release(st);
    }
    ath_query_free(&q);
    return rc;
}

int ath_repo_get_one_or_none(ath_repo *r, void *out, bool *found, const ath_filter *filters,
                             size_t nfilters)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (!out)
        return ath_null_arg(__func__, "out");
    if (!found)
        return ath_null_arg(__func__, "found");
    if (nfilters && !filters)
        return ath_null_arg(__func__, "filters");
    return repo_finish(r, repo_get_one(r, out, found, filters, nfilters), false);
}

int ath_repo_get_one(ath_repo *r, void *out, const ath_filter *filters, size_t nfilters)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (!out)
        return ath_null_arg(__func__, "out");
    if (nfilters && !filters)
        return ath_null_arg(__func__, "filters");
    bool found = false;
    int rc = ath_repo_get_one_or_none(r, out, &found, filters, nfilters);
    if (rc == ATH_OK && !found)
        rc =
            repo_finish(r, ath_fail(ATH_ENOTFOUND, "no %s row matches", r->m->model->table), false);
    return rc;
}

/* Runs the compiled query and appends its rows to l, their strings into `arena`. */
static int rows_into(ath_repo *r, ath_query *q, ath_list *l, ath_arena *arena)
{
    ath_stmt *st = NULL;
    int rc = run_select(r, q, r->m->sql_select, 0, q->options & ATH_OPT__LOCKS, &st);
    if (rc != ATH_OK)
        return rc;
    while ((rc = ath_session_step(r->session, st)) > 0) {
        void *obj = ath_list_push(l);
        if (!obj) {
            rc = ath_fail(ATH_ENOMEM, "growing a list of %zu rows", l->count);
            break;
        }
        if ((rc = ath_row_read(st, 0, r->m, obj, arena)) != ATH_OK)
            break;
        if (r->m->nmixins && (rc = mixins_after_load(r, obj)) != ATH_OK)
            break;
    }
    ath_stmt_release(st);
    return rc;
}

static int list_rows(ath_repo *r, ath_query *q, ath_list **out)
{
    ath_list *l = NULL;
    int rc = ath_list_create(&l, r->m->model->struct_size);
    if (rc == ATH_OK)
        rc = rows_into(r, q, l, &l->arena);
    if (rc == 0 && q->has_limit && q->limit > 0 && (int64_t)l->count == q->limit)
        rc = ath_query_cursor(q, ath_list_at(l, l->count - 1), &l->cursor);
    if (rc != ATH_OK) {
        ath_list_free(l);
        return rc;
    }
    *out = l;
    return ATH_OK;
}

int repo_list_into(ath_repo *r, const ath_filter *filters, size_t nfilters, const char *what,
                   ath_list *l, ath_arena *arena)
{
    ath_query q;
    repo_query_init(r, &q);
    int rc = ath_query_compile(&q, filters, nfilters, what, true);
    if (rc == ATH_OK)
        rc = mixins_scope(r, q.options, &q);
    if (rc == ATH_OK)
        rc = rows_into(r, &q, l, arena);
    ath_query_free(&q);
    return rc;
}

bool repo_array_form(const ath_repo *r, const ath_col *c, size_t n)
{
    int min = ath_engine_opts(r->engine)->in_array_min;
    size_t at = min < 0 ? SIZE_MAX : min == 0 ? ATH_IN_ARRAY_MIN : (size_t)min;
    return n >= at && ath_query_array_col(r->d, c);
}

int repo_list_through(ath_repo *r, ath_repo *link, const char *link_local,
                      const char *link_remote, const char *remote, const ath_filter *link_filters,
                      size_t nlink, const ath_filter *filters, size_t nfilters,
                      int (*on_row)(void *ctx, const ath_value *parent), void *ctx, ath_list *l,
                      ath_arena *arena)
{
    const ath_col *lc = ath_mapping_find(link->m, link_local);
    if (!lc || !ath_mapping_find(link->m, link_remote) || !ath_mapping_find(r->m, remote))
        return ath_fail(ATH_EINVAL, "loading through %s: a column is missing",
                        link->m->model->table);
    ath_query lq, q;
    repo_query_init(link, &lq);
    repo_query_init(r, &q);
    int rc = ath_query_compile(&lq, link_filters, nlink, "load", false);
    if (rc == ATH_OK)
        rc = mixins_scope(link, lq.options, &lq);
    if (rc == ATH_OK)
        rc = ath_query_compile(&q, filters, nfilters, "load", true);
    if (rc == ATH_OK)
        rc = mixins_scope(r, q.options, &q);
    ath_stmt *st = NULL;
    if (rc == ATH_OK) {
        /* SELECT <columns>, ath_l.ath__p FROM t JOIN (SELECT <link_local> AS ath__p,
         * <link_remote> AS ath__t FROM link WHERE …) ath_l ON ath_l.ath__t = t.<remote> WHERE …:
         * the link's conditions stay inside the derived table, where they name its columns */
        const ath_dialect *d = r->d;
        ath_buf *b = &r->sql;
        ath_buf_clear(b);
        ath_buf_adds(b, "SELECT ");
        for (size_t i = 0; i < r->m->ncols; i++) {
            ath_buf_adds(b, i ? ", " : "");
            ath_sql_column(b, d, r->m->model->table, r->m->cols[i].name);
        }
        ath_buf_adds(b, ", ");
        ath_sql_column(b, d, "ath_l", "ath__p");
        ath_buf_adds(b, " FROM ");
        ath_sql_ident(b, d, r->m->model->table);
        ath_buf_adds(b, " JOIN (SELECT ");
        ath_sql_column(b, d, link->m->model->table, link_local);
        ath_buf_adds(b, " AS ");
        ath_sql_ident(b, d, "ath__p");
        ath_buf_adds(b, ", ");
        ath_sql_column(b, d, link->m->model->table, link_remote);
        ath_buf_adds(b, " AS ");
        ath_sql_ident(b, d, "ath__t");
        ath_buf_adds(b, " FROM ");
        ath_sql_ident(b, d, link->m->model->table);
        ath_query_sql_where(&lq, b);
        ath_buf_adds(b, ") ");
        ath_sql_ident(b, d, "ath_l");
        ath_buf_adds(b, " ON ");
        ath_sql_column(b, d, "ath_l", "ath__t");
        ath_buf_adds(b, " = ");
        ath_sql_column(b, d, r->m->model->table, remote);
        ath_query_sql_where(&q, b);
        ath_value extra[2];
        size_t nextra = 0;
        ath_query_sql_order_limit(&q, b, extra, &nextra);
        if (b->oom)
            rc = ath_fail(ATH_ENOMEM, "building a query");
        size_t n = lq.nparams + q.nparams + nextra;
        if (rc == ATH_OK)
            rc = repo_reserve(r, n);
        if (rc == ATH_OK) {
            if (lq.nparams)
                memcpy(r->vals, lq.params, lq.nparams * sizeof *r->vals);
            if (q.nparams)
                memcpy(r->vals + lq.nparams, q.params, q.nparams * sizeof *r->vals);
            if (nextra)
                memcpy(r->vals + lq.nparams + q.nparams, extra, nextra * sizeof *extra);
            rc = repo_run(r, b->data, false, r->vals, n, &st, NULL);
        }
    }
    while (rc == ATH_OK && (rc = ath_session_step(r->session, st)) > 0) {
        void *obj = ath_list_push(l);
        ath_value parent;
        if (!obj) {
            rc = ath_fail(ATH_ENOMEM, "growing a list of %zu rows", l->count);
            break;
        }
        if ((rc = ath_row_read(st, 0, r->m, obj, arena)) != ATH_OK)
            break;
        if (r->m->nmixins && (rc = mixins_after_load(r, obj)) != ATH_OK)
            break;
        if ((rc = ath_stmt_column(st, (int)r->m->ncols, lc->type, &parent)) != ATH_OK)
            break;
        if ((rc = on_row(ctx, &parent)) != ATH_OK)
            break;
        rc = ATH_OK;
    }
    ath_stmt_release(st);
    ath_query_free(&lq);
    ath_query_free(&q);
    return rc;
}

int repo_list(ath_repo *r, ath_list **out, const ath_filter *filters, size_t nfilters)
{
    ath_query q;
    repo_query_init(r, &q);
    q.allow_lock = true;
    int rc = ath_query_compile(&q, filters, nfilters, "list", true);
    if (rc == ATH_OK)
        rc = mixins_scope(r, q.options, &q);
    if (rc == ATH_OK)
        rc = list_rows(r, &q, out);
    ath_query_free(&q);
    return rc;
}

int ath_repo_list(ath_repo *r, ath_list **out, const ath_filter *filters, size_t nfilters)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (nfilters && !filters)
        return ath_null_arg(__func__, "filters");
    return repo_finish(r, repo_list(r, out, filters, nfilters), false);
}

/*
 * SELECT <what> FROM <table> WHERE <filters and the mixins' scopes> [LIMIT limit]: 1 with the
 * first column in *out when a row came back, 0 when none, or a negative code.
 */
static int select_scalar(ath_repo *r, const ath_filter *filters, size_t nfilters,
                         const char *purpose, const char *what, int64_t limit, bool ignore_lock,
                         int64_t *out)
{
    ath_query q;
    ath_stmt *st = NULL;
    repo_query_init(r, &q);
    q.allow_lock = ignore_lock; /* list_and_count's total: counted without locking */
    int rc = ath_query_compile(&q, filters, nfilters, purpose, false);
    if (rc == ATH_OK)
        rc = mixins_scope(r, q.options, &q);
    if (rc == ATH_OK) {
        ath_buf_clear(&r->sql);
        ath_buf_adds(&r->sql, "SELECT ");
        ath_buf_adds(&r->sql, what);
        ath_buf_adds(&r->sql, " FROM ");
        ath_sql_ident(&r->sql, r->d, r->m->model->table);
        rc = run_select(r, &q, NULL, limit, 0, &st);
    }
    if (rc == ATH_OK) {
        rc = ath_session_step(r->session, st);
        ath_value v;
        int crc;
        if (rc == 1 && (crc = ath_stmt_column(st, 0, ATH_T_I64, &v)) != ATH_OK)
            rc = crc;
        else if (rc == 1)
            *out = v.u.i64;
        ath_stmt_release(st);
    }
    ath_query_free(&q);
    return rc;
}

static int count_rows(ath_repo *r, const ath_filter *filters, size_t nfilters, bool ignore_lock,
                      int64_t *out)
{
    int rc = select_scalar(r, filters, nfilters, "count", "COUNT(*)", -1, ignore_lock, out);
    if (rc == 0)
        return ath_fail(ATH_ESQL, "COUNT(*) returned no row");
    return rc < 0 ? rc : ATH_OK;
}

int ath_repo_count(ath_repo *r, int64_t *out, const ath_filter *filters, size_t nfilters)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = 0;
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (nfilters && !filters)
        return ath_null_arg(__func__, "filters");
    return repo_finish(r, count_rows(r, filters, nfilters, false, out), false);
}

int ath_repo_list_and_count(ath_repo *r, ath_list **out, int64_t *total, const ath_filter *filters,
                            size_t nfilters)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!total)
        return ath_null_arg(__func__, "total");
    *total = 0;
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (nfilters && !filters)
        return ath_null_arg(__func__, "filters");
    ath_query q;
    repo_query_init(r, &q);
    /* every filter is checked (the list's, order and cursor included) before anything runs */
    q.allow_lock = true;
    int rc = ath_query_compile(&q, filters, nfilters, "list_and_count", true);
    if (rc == ATH_OK)
        rc = mixins_scope(r, q.options, &q);
    if (rc == ATH_OK)
        rc = count_rows(r, filters, nfilters, true, total);
    if (rc == ATH_OK)
        rc = list_rows(r, &q, out);
    ath_query_free(&q);
    return repo_finish(r, rc, false);
}

int ath_repo_exists(ath_repo *r, bool *out, const ath_filter *filters, size_t nfilters)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = false;
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (nfilters && !filters)
        return ath_null_arg(__func__, "filters");
    int64_t one = 0;
    int rc = select_scalar(r, filters, nfilters, "exists", "1", 1, false, &one);
    *out = rc == 1;
    return repo_finish(r, rc < 0 ? rc : ATH_OK, false);
}
