/* Repository updates and deletes: by primary key, by field list, by filters; mixins apply. */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "mixins.h"
#include "repo.h"
#include "session.h"
#include "sql_build.h"
#include "utf8.h"

#define GUARDS_MAX 8

/* A query holding "key = obj's key" plus every mixin scope (and guards when given). */
static int key_query(ath_repo *r, const void *obj, const ath_value *key, const ath_filter *guards,
                     size_t nguards, ath_query *q)
{
    ath_filter f[ATH_ORDER_MAX];
    ath_value keyvals[ATH_ORDER_MAX];
    if (r->m->npk > ATH_ORDER_MAX)
        return ath_fail(ATH_EINVAL, "too many key columns");
    if (!key) {
        repo_key_values(r, obj, keyvals);
        key = keyvals;
    }
    for (size_t i = 0; i < r->m->npk; i++)
        f[i] = ath_where(r->m->cols[r->m->pk[i]].name, ATH_EQ, key[i]);
    int rc = ath_query_add_filters(q, f, r->m->npk);
    if (rc == ATH_OK)
        rc = mixins_scope(r, 0, q);
    if (rc == ATH_OK && nguards)
        rc = ath_query_add_filters(q, guards, nguards);
    return rc;
}

/* Whether the row with obj's key is there (within the mixins' scope). */
static int row_exists(ath_repo *r, const void *obj, const ath_value *key, bool *found)
{
    ath_query q;
    repo_query_init(r, &q);
    int rc = key_query(r, obj, key, NULL, 0, &q);
    *found = false;
    if (rc == ATH_OK) {
        ath_buf *b = &r->sql;
        ath_buf_clear(b);
        ath_buf_adds(b, "SELECT 1 FROM ");
        ath_sql_ident(b, r->d, r->m->model->table);
        ath_query_sql_where(&q, b);
        ath_stmt *st = NULL;
        rc = b->oom ? ath_fail(ATH_ENOMEM, "building a query")
                    : repo_run(r, b->data, false, q.params, q.nparams, &st, NULL);
        if (rc == ATH_OK) {
            rc = ath_session_step(r->session, st);
            *found = rc == 1;
            rc = rc < 0 ? rc : ATH_OK;
            ath_stmt_release(st);
        }
    }
    ath_query_free(&q);
    return rc;
}

static bool listed(const ath_col *const *cols, size_t n, const ath_col *c)
{
    for (size_t i = 0; i < n; i++)
        if (cols[i] == c)
            return true;
    return false;
}

/* UPDATE t SET cols… WHERE <q> and its parameters; *changed gets the affected rows. */
static int run_update(ath_repo *r, void *obj, const ath_col *const *cols, size_t n, ath_query *q,
                      int64_t *changed)
{
    ath_buf *b = &r->sql;
    ath_sql_update_head(b, r->d, r->m, cols, n, true);
    ath_query_sql_where(q, b);
    int rc = b->oom ? ath_fail(ATH_ENOMEM, "building an update") : repo_reserve(r, n + q->nparams);
    if (rc != ATH_OK)
        return rc;
    size_t k = 0; /* .onupdate_sql columns take no parameter */
    for (size_t i = 0; i < n; i++)
        if (!ath_col_onupdate_sql(cols[i]) &&
            (rc = ath_col_checked(r->m, cols[i], obj, &r->vals[k++])) != ATH_OK)
            return rc;
    if (q->nparams)
        memcpy(r->vals + k, q->params, q->nparams * sizeof *r->vals);
    return repo_update_run(r, b->data, NULL, NULL, NULL, r->vals, k + q->nparams, obj, changed);
}

/* Without mixins, updating every column uses the statement prepared at open. */
static int update_plain(ath_repo *r, void *obj)
{
    if (!*r->m->sql_update) { /* only key (and immutable) columns: nothing to set */
        bool found;
        int rc = row_exists(r, obj, NULL, &found);
        return rc != ATH_OK ? rc
               : found
                   ? ATH_OK
                   : ath_fail(ATH_ENOTFOUND, "no %s row with that primary key", r->m->model->table);
    }
    size_t n = 0;
    int rc = repo_reserve(r, r->m->ncols + r->m->npk);
    if (rc != ATH_OK)
        return rc;
    for (size_t i = 0; i < r->m->ncols; i++) {
        const ath_col *c = &r->m->cols[i];
        if (!c->pk && !(c->flags & ATH_IMMUTABLE) && !ath_col_onupdate_sql(c) &&
            (rc = ath_col_checked(r->m, c, obj, &r->vals[n++])) != ATH_OK)
            return rc;
    }
    repo_key_values(r, obj, r->vals + n);
    int64_t changed = 0;
    if ((rc = repo_update_run(r, r->m->sql_update, &r->update_ref, r->m->sql_update_returning,
                              &r->update_returning_ref, r->vals, n + r->m->npk, obj, &changed)) !=
        ATH_OK)
        return rc;
    return changed ? ATH_OK
                   : ath_fail(ATH_ENOTFOUND, "no %s row with that primary key to update",
                              r->m->model->table);
}

bool repo_has_onupdate(const ath_repo *r)
{
    for (size_t i = 0; i < r->m->ncols; i++)
        if (r->m->cols[i].field && r->m->cols[i].field->onupdate)
            return true;
    return false;
}

int repo_onupdate(ath_repo *r, void *obj)
{
    for (size_t i = 0; i < r->m->ncols; i++) {
        const ath_col *c = &r->m->cols[i];
        if (!c->field || !c->field->onupdate)
            continue;
        ath_value v = ath_v_null();
        int rc = c->field->onupdate(&v, obj);
        if (rc > 0 || (rc == ATH_OK && ath_col_accepts(c, &v, "onupdate") != ATH_OK))
            rc = rc > 0 ? ath_fail(ATH_EINVAL, "onupdate of %s.%s returned %d", r->m->model->table,
                                   c->name, rc)
                        : ATH_EINVAL;
        if (rc == ATH_OK)
            rc = ath_col_set(c, obj, &v, NULL);
        if (rc != ATH_OK)
            return rc;
    }
    return ATH_OK;
}

int repo_onupdate_all(ath_repo *r, char *objs, size_t n)
{
    int rc = ATH_OK;
    for (size_t i = 0; rc == ATH_OK && i < n; i++)
        rc = repo_onupdate(r, objs + i * r->m->model->struct_size);
    r->onupdate_ran = rc == ATH_OK;
    return rc;
}

int repo_update_object(ath_repo *r, void *obj, const ath_col *const *cols, size_t n)
{
    if (!r->onupdate_ran) {
        int rc = repo_onupdate(r, obj);
        if (rc != ATH_OK)
            return rc;
    }
    if (!cols && r->m->nmixins == 0)
        return update_plain(r, obj);
    ath_filter guards[GUARDS_MAX];
    int nguards = mixins_guards(r, obj, guards, GUARDS_MAX);
    if (nguards < 0)
        return nguards;
    size_t ncols = r->m->ncols;
    ath_value *before = ath_malloc(ncols * sizeof *before);
    const ath_col **set = ath_malloc((ncols + n) * sizeof *set);
    ath_query q;
    repo_query_init(r, &q);
    int rc = before && set ? ATH_OK : ath_fail(ATH_ENOMEM, "update");
    size_t nset = 0;
    if (rc == ATH_OK) { /* guards captured the old values; now the hooks may change obj */
        for (size_t i = 0; i < ncols; i++)
            before[i] = ath_col_get(&r->m->cols[i], obj);
        rc = mixins_before_update(r, obj);
    }
    if (rc == ATH_OK) {
        if (cols) {
            for (size_t i = 0; i < n; i++)
                if (!listed(set, nset, cols[i]))
                    set[nset++] = cols[i];
            for (size_t i = 0; i < ncols; i++) /* written even when not named */
                if (ath_col_onupdate(&r->m->cols[i]) && !listed(set, nset, &r->m->cols[i]))
                    set[nset++] = &r->m->cols[i];
        } else {
            for (size_t i = 0; i < ncols; i++)
                if (!r->m->cols[i].pk && !(r->m->cols[i].flags & ATH_IMMUTABLE))
                    set[nset++] = &r->m->cols[i];
        }
        for (size_t i = 0; i < ncols; i++) { /* role columns a hook changed go too */
            const ath_col *c = &r->m->cols[i];
            ath_value now = ath_col_get(c, obj);
            if (!c->pk && !listed(set, nset, c) && !ath_value_equal(&before[i], &now))
                set[nset++] = c;
        }
        rc = key_query(r, obj, NULL, guards, (size_t)nguards, &q);
    }
    int64_t changed = 0;
    if (rc == ATH_OK && nset)
        rc = run_update(r, obj, set, nset, &q, &changed);
    if (rc == ATH_OK && !nset) {
        bool found;
        rc = row_exists(r, obj, NULL, &found);
        changed = found;
    }
    if (rc == ATH_OK && changed == 0) {
        bool found = false;
        if (nguards > 0 && (rc = row_exists(r, obj, NULL, &found)) != ATH_OK)
            found = false;
        if (rc == ATH_OK)
            rc = found ? ath_fail(ATH_ESTALE, "%s row changed since it was read (stale %s)",
                                  r->m->model->table, "version")
                       : ath_fail(ATH_ENOTFOUND, "no %s row with that primary key to update",
                                  r->m->model->table);
    }
    if (rc != ATH_OK)
        mixins_write_failed(r, obj);
    ath_query_free(&q);
    ath_free(before);
    ath_free(set);
    return rc;
}

int ath_repo_update(ath_repo *r, void *obj)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (!obj)
        return ath_null_arg(__func__, "obj");
    return repo_finish(r, repo_update_object(r, obj, NULL, 0), true);
}

int ath_repo_update_many(ath_repo *r, void *objs, size_t n)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (n && !objs)
        return ath_null_arg(__func__, "objs");
    int rc = repo_check_objects(r, objs, n); /* a bad object anywhere: nothing is sent */
    if (rc == ATH_OK && repo_has_onupdate(r))
        rc = repo_onupdate_all(r, objs, n);
    if (rc == ATH_OK && n > 1 && repo_update_set_based(r))
        rc = repo_update_many_set(r, objs, n, NULL, 0);
    else
        for (size_t i = 0; rc == ATH_OK && i < n; i++)
            rc = repo_update_object(r, (char *)objs + i * r->m->model->struct_size, NULL, 0);
    r->onupdate_ran = false;
    return repo_finish(r, rc, true);
}

/* update_many_fields object by object for a model without mixins: one `UPDATE t SET <cols> WHERE
 * <key>` text for the whole call, run once per object (the reused prepared statement). */
static int update_fields_each(ath_repo *r, char *objs, size_t n, const ath_col *const *cols,
                              size_t ncols)
{
    const ath_mapping *m = r->m;
    const ath_col **set = ath_malloc((ncols + m->ncols) * sizeof *set);
    ath_buf sql;
    ath_buf_init(&sql);
    ath_stmt_ref ref = {0};
    size_t nset = 0;
    int rc = set ? ATH_OK : ath_fail(ATH_ENOMEM, "update_many_fields");
    for (size_t i = 0; rc == ATH_OK && i < ncols; i++)
        if (!listed(set, nset, cols[i]))
            set[nset++] = cols[i];
    for (size_t i = 0; rc == ATH_OK && i < m->ncols; i++) /* .onupdate ones, even unnamed */
        if (ath_col_onupdate(&m->cols[i]) && !listed(set, nset, &m->cols[i]))
            set[nset++] = &m->cols[i];
    size_t nbound = 0; /* .onupdate_sql columns take no parameter */
    for (size_t c = 0; c < nset; c++)
        nbound += !ath_col_onupdate_sql(set[c]);
    ath_buf returning;
    ath_buf_init(&returning);
    ath_stmt_ref returning_ref = {0};
    if (rc == ATH_OK) {
        ath_sql_update_head(&sql, r->d, m, set, nset, true);
        for (size_t k = 0; k < m->npk; k++) {
            ath_buf_adds(&sql, k ? " AND " : " WHERE ");
            ath_sql_ident(&sql, r->d, m->cols[m->pk[k]].name);
            ath_buf_adds(&sql, " = ?");
        }
        if (nbound < nset) {
            ath_buf_adds(&returning, sql.data ? sql.data : "");
            ath_sql_returning_onupdate(&returning, r->d, m, NULL);
        }
        rc = sql.oom || returning.oom ? ath_fail(ATH_ENOMEM, "building an update")
                                      : repo_reserve(r, nset + m->npk);
    }
    for (size_t i = 0; rc == ATH_OK && i < n; i++) {
        void *obj = objs + i * m->model->struct_size;
        for (size_t c = 0, k = 0; rc == ATH_OK && c < nset; c++)
            if (!ath_col_onupdate_sql(set[c]))
                rc = ath_col_checked(m, set[c], obj, &r->vals[k++]);
        if (rc != ATH_OK)
            break;
        repo_key_values(r, obj, r->vals + nbound);
        int64_t changed = 0;
        rc = repo_update_run(r, sql.data, &ref, nbound < nset ? returning.data : NULL,
                             &returning_ref, r->vals, nbound + m->npk, obj, &changed);
        if (rc == ATH_OK && changed == 0)
            rc = ath_fail(ATH_ENOTFOUND, "no %s row with that primary key to update",
                          m->model->table);
    }
    ath_buf_free(&sql);
    ath_buf_free(&returning);
    ath_free(set);
    return rc;
}

int ath_repo_update_many_fields(ath_repo *r, void *objs, size_t n, const char *const *fields,
                                size_t nfields)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (n && !objs)
        return ath_null_arg(__func__, "objs");
    if (nfields && !fields)
        return ath_null_arg(__func__, "fields");
    const ath_col **cols = ath_malloc((nfields ? nfields : 1) * sizeof *cols);
    int rc = cols ? repo_columns(r, fields, nfields, true, "update_many_fields", cols)
                  : ath_fail(ATH_ENOMEM, "update_many_fields");
    if (rc == ATH_OK) /* a bad name or a bad object anywhere: nothing is sent */
        rc = repo_check_objects(r, objs, n);
    if (rc == ATH_OK && repo_has_onupdate(r))
        rc = repo_onupdate_all(r, objs, n);
    if (rc == ATH_OK && n > 1 && nfields && repo_update_set_based(r))
        rc = repo_update_many_set(r, objs, n, cols, nfields);
    else if (rc == ATH_OK && nfields && r->m->nmixins == 0)
        rc = update_fields_each(r, objs, n, cols, nfields);
    else
        for (size_t i = 0; rc == ATH_OK && i < n; i++)
            rc = repo_update_object(r, (char *)objs + i * r->m->model->struct_size, cols, nfields);
    r->onupdate_ran = false;
    ath_free(cols);
    return repo_finish(r, rc, true);
}

int ath_repo_update_fields(ath_repo *r, void *obj, const char *const *fields, size_t nfields)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (!obj)
        return ath_null_arg(__func__, "obj");
    if (nfields && !fields)
        return ath_null_arg(__func__, "fields");
    const ath_col **cols = ath_malloc((nfields ? nfields : 1) * sizeof *cols);
    int rc = cols ? repo_columns(r, fields, nfields, true, "update_fields", cols)
                  : ath_fail(ATH_ENOMEM, "update_fields");
    if (rc == ATH_OK)
        rc = repo_update_object(r, obj, cols, nfields);
    ath_free(cols);
    return repo_finish(r, rc, true);
}

int ath_repo_update_where(ath_repo *r, int64_t *updated, const char *const *fields,
                          const ath_value *values, size_t nfields, const ath_filter *filters,
                          size_t nfilters)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (!fields)
        return ath_null_arg(__func__, "fields");
    if (!values)
        return ath_null_arg(__func__, "values");
    if (nfilters && !filters)
        return ath_null_arg(__func__, "filters");
    if (updated)
        *updated = 0;
    if (!nfields || !fields || !values)
        return ath_fail(ATH_EINVAL, "update_where needs fields and values");
    const ath_col **cols = ath_malloc(nfields * sizeof *cols);
    ath_query q;
    repo_query_init(r, &q);
    int rc = cols ? repo_columns(r, fields, nfields, true, "update_where", cols)
                  : ath_fail(ATH_ENOMEM, "update_where");
    if (rc == ATH_OK)
        rc = ath_query_compile(&q, filters, nfilters, "update_where", false);
    if (rc == ATH_OK)
        rc = mixins_scope(r, q.options, &q);
    int64_t changed = 0;
    if (rc == ATH_OK) {
        ath_buf *b = &r->sql;
        ath_sql_update_head(b, r->d, r->m, cols, nfields, false);
        ath_query_sql_where(&q, b);
        rc = b->oom ? ath_fail(ATH_ENOMEM, "building an update")
                    : repo_reserve(r, nfields + q.nparams);
        for (size_t i = 0; rc == ATH_OK && i < nfields; i++)
            if ((rc = ath_col_accepts(cols[i], &values[i], "update_where")) == ATH_OK)
                rc = ath_text_check(&values[i], "column %s.%s", r->m->model->table, cols[i]->name);
        if (rc == ATH_OK) {
            memcpy(r->vals, values, nfields * sizeof *values);
            if (q.nparams)
                memcpy(r->vals + nfields, q.params, q.nparams * sizeof *r->vals);
            rc = repo_run(r, b->data, true, r->vals, nfields + q.nparams, NULL, &changed);
        }
    }
    ath_query_free(&q);
    ath_free(cols);
    if (rc == ATH_OK && updated)
        *updated = changed;
    return repo_finish(r, rc, true);
}

/* --- deletes -----------------------------------------------------------------------------------
 */

/* DELETE (or, with a soft-delete mixin, UPDATE … SET role = value) WHERE <q>. */
static int delete_rows(ath_repo *r, ath_query *q, int64_t *changed)
{
    const ath_col *soft = NULL;
    ath_value value;
    int rc = mixins_soft_delete(r, &soft, &value);
    if (rc < 0)
        return rc;
    ath_buf *b = &r->sql;
    size_t nfirst = 0;
    if (soft) {
        ath_sql_update_head(b, r->d, r->m, &soft, 1, false);
        nfirst = 1;
    } else {
        ath_buf_clear(b);
        ath_buf_adds(b, "DELETE FROM ");
        ath_sql_ident(b, r->d, r->m->model->table);
    }
    ath_query_sql_where(q, b);
    rc = b->oom ? ath_fail(ATH_ENOMEM, "building a delete") : repo_reserve(r, q->nparams + 1);
    if (rc != ATH_OK)
        return rc;
    if (soft)
        r->vals[0] = value;
    if (q->nparams)
        memcpy(r->vals + nfirst, q->params, q->nparams * sizeof *r->vals);
    return repo_run(r, b->data, true, r->vals, nfirst + q->nparams, NULL, changed);
}

static int delete_by_key(ath_repo *r, const ath_value *key, const void *obj, bool guarded)
{
    ath_filter guards[GUARDS_MAX];
    int nguards = guarded ? mixins_guards(r, obj, guards, GUARDS_MAX) : 0;
    if (nguards < 0)
        return nguards;
    ath_query q;
    repo_query_init(r, &q);
    int rc = key_query(r, obj, key, guards, (size_t)nguards, &q);
    int64_t changed = 0;
    if (rc == ATH_OK)
        rc = delete_rows(r, &q, &changed);
    ath_query_free(&q);
    if (rc == ATH_OK && changed == 0) {
        bool found = false;
        if (nguards > 0 && (rc = row_exists(r, obj, key, &found)) != ATH_OK)
            return rc;
        rc = found ? ath_fail(ATH_ESTALE, "%s row changed since it was read; not deleted",
                              r->m->model->table)
                   : ath_fail(ATH_ENOTFOUND, "no %s row with that primary key to delete",
                              r->m->model->table);
    }
    return rc;
}

int ath_repo_delete(ath_repo *r, const ath_value *key, size_t nkey, void *deleted)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (!key)
        return ath_null_arg(__func__, "key");
    if (nkey != r->m->npk || !key)
        return ath_fail(ATH_EINVAL, "%s has a %zu-column primary key; %zu values given",
                        r->m->model->table, r->m->npk, nkey);
    int rc = repo_check_key(r, key, "delete");
    if (rc == ATH_OK && deleted)
        rc = repo_get_key(r, deleted, key);
    if (rc == ATH_OK)
        rc = delete_by_key(r, key, NULL, false);
    if (rc != ATH_OK && deleted)
        ath_model_free_strings(r->m->model, deleted);
    return repo_finish(r, rc, true);
}

int ath_repo_delete_object(ath_repo *r, const void *obj)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (!obj)
        return ath_null_arg(__func__, "obj");
    return repo_finish(r, delete_by_key(r, NULL, obj, true), true);
}

int ath_repo_delete_many(ath_repo *r, const ath_value *keys, size_t nrows, int64_t *deleted)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (nrows && !keys)
        return ath_null_arg(__func__, "keys");
    if (deleted)
        *deleted = 0;
    if (nrows && repo_delete_by_array(r)) { /* one statement, one parameter */
        ath_query q;
        ath_buf array;
        ath_buf_init(&array);
        repo_query_init(r, &q);
        int rc = repo_query_key_array(r, &q, keys, nrows, &array);
        if (rc == ATH_OK)
            rc = mixins_scope(r, 0, &q);
        int64_t changed = 0;
        if (rc == ATH_OK)
            rc = delete_rows(r, &q, &changed);
        ath_query_free(&q);
        ath_buf_free(&array);
        if (rc == ATH_OK && deleted)
            *deleted = changed;
        return repo_finish(r, rc, true);
    }
    ath_conn *conn;
    int rc = nrows ? repo_conn(r, true, &conn) : ATH_OK;
    size_t npk = r->m->npk;
    size_t chunk = rc == ATH_OK && nrows ? repo_chunk_rows(conn, npk) : 1;
    if (npk > 1 && chunk > REPO_MULTI_MATCH_ROWS)
        chunk = REPO_MULTI_MATCH_ROWS;
    int64_t total = 0;
    ath_filter *conds = NULL, *groups = NULL;
    if (rc == ATH_OK && (!(conds = ath_malloc(chunk * npk * sizeof *conds)) ||
                         !(groups = ath_malloc(chunk * sizeof *groups))))
        rc = ath_fail(ATH_ENOMEM, "delete_many");
    for (size_t done = 0; rc == ATH_OK && done < nrows; done += chunk) {
        size_t rows = nrows - done < chunk ? nrows - done : chunk;
        ath_filter top;
        if (npk == 1) {
            top = ath_collection(r->m->cols[r->m->pk[0]].name, keys + done, rows);
        } else { /* (a = ? AND b = ?) OR … */
            for (size_t i = 0; i < rows; i++) {
                for (size_t k = 0; k < npk; k++)
                    conds[i * npk + k] =
                        ath_where(r->m->cols[r->m->pk[k]].name, ATH_EQ, keys[(done + i) * npk + k]);
                groups[i] = ath_all(&conds[i * npk], npk);
            }
            top = ath_any(groups, rows);
        }
        ath_query q;
        repo_query_init(r, &q);
        rc = ath_query_add_filters(&q, &top, 1);
        if (rc == ATH_OK)
            rc = mixins_scope(r, 0, &q);
        int64_t changed = 0;
        if (rc == ATH_OK)
            rc = delete_rows(r, &q, &changed);
        total += changed;
        ath_query_free(&q);
    }
    ath_free(conds);
    ath_free(groups);
    if (rc == ATH_OK && deleted)
        *deleted = total;
    return repo_finish(r, rc, true);
}

int ath_repo_delete_where(ath_repo *r, int64_t *deleted, const ath_filter *filters, size_t nfilters)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (nfilters && !filters)
        return ath_null_arg(__func__, "filters");
    if (deleted)
        *deleted = 0;
    for (size_t i = 0; i < nfilters && filters; i++)
        if (filters[i].kind == ATH_FILTER_ORDER_BY || filters[i].kind == ATH_FILTER_LIMIT_OFFSET ||
            filters[i].kind == ATH_FILTER_AFTER)
            return ath_fail(ATH_EINVAL, "delete_where takes no order_by, limit_offset or after");
    ath_query q;
    repo_query_init(r, &q);
    int rc = ath_query_compile(&q, filters, nfilters, "delete_where", false);
    if (rc == ATH_OK)
        rc = mixins_scope(r, q.options, &q);
    int64_t changed = 0;
    if (rc == ATH_OK)
        rc = delete_rows(r, &q, &changed);
    ath_query_free(&q);
    if (rc == ATH_OK && deleted)
        *deleted = changed;
    return repo_finish(r, rc, true);
}
