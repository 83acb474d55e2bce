/* Repository updates and deletes by primary key, by field list, and by filters. */
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "repo.h"
#include "session.h"
#include "sqlgen.h"

/* Runs UPDATE … WHERE key for one object; no matching row is ATH_ENOTFOUND. */
static int update_by_key(ath_repo *r, const char *sql, const ath_col *const *cols, size_t ncols,
                         void *obj)
{
    int rc = repo_reserve(r, ncols + r->m->npk);
    if (rc != ATH_OK)
        return rc;
    for (size_t i = 0; i < ncols; i++)
        r->vals[i] = ath_col_get(cols[i], obj);
    repo_key_values(r, obj, r->vals + ncols);
    int64_t changed = 0;
    if ((rc = repo_run(r, sql, true, r->vals, ncols + r->m->npk, NULL, &changed)) != ATH_OK)
        return rc;
    if (changed == 0)
        return ath_fail(ATH_ENOTFOUND, "no %s row with that primary key to update",
                        r->m->model->table);
    return ATH_OK;
}

/* The non-key columns, in model order. */
static size_t value_columns(const ath_repo *r, const ath_col **out)
{
    size_t n = 0;
    for (size_t i = 0; i < r->m->ncols; i++)
        if (!r->m->cols[i].pk)
            out[n++] = &r->m->cols[i];
    return n;
}

/* The stored row must exist even when there is nothing to set. */
static int require_row(ath_repo *r, void *obj)
{
    void *row = ath_calloc(1, r->m->model->struct_size);
    if (!row)
        return ath_fail(ATH_ENOMEM, "checking a row");
    int rc = repo_reload(r, obj, row);
    ath_model_free_fields(r->m->model, row);
    ath_free(row);
    return rc;
}

static int update_all(ath_repo *r, void *obj, const ath_col **cols)
{
    size_t n = value_columns(r, cols);
    if (n == 0)
        return require_row(r, obj);
    return update_by_key(r, r->sql_update, cols, n, obj);
}

int ath_repo_update(ath_repo *r, void *obj)
{
    if (!obj)
        return ath_fail(ATH_EINVAL, "update: no object given");
    const ath_col **cols = ath_malloc(r->m->ncols * sizeof *cols);
    int rc = cols ? update_all(r, obj, cols) : ath_fail(ATH_ENOMEM, "update");
    ath_free(cols);
    return repo_finish(r, rc, true);
}

int ath_repo_update_many(ath_repo *r, void *objs, size_t n)
{
    if (n && !objs)
        return ath_fail(ATH_EINVAL, "update_many: %zu objects but the array is NULL", n);
    const ath_col **cols = ath_malloc(r->m->ncols * sizeof *cols);
    int rc = cols ? ATH_OK : ath_fail(ATH_ENOMEM, "update_many");
    for (size_t i = 0; rc == ATH_OK && i < n; i++)
        rc = update_all(r, (char *)objs + i * r->m->model->struct_size, cols);
    ath_free(cols);
    return repo_finish(r, rc, true);
}

/* UPDATE t SET c1 = ?, … WHERE key, for the given columns, into r->sql. */
static void update_text(ath_repo *r, const ath_col *const *cols, size_t n)
{
    ath_buf *b = &r->sql;
    ath_buf_clear(b);
    ath_buf_adds(b, "UPDATE ");
    ath_sql_ident(b, r->d, r->m->model->table);
    ath_buf_adds(b, " SET ");
    for (size_t i = 0; i < n; i++) {
        ath_buf_adds(b, i ? ", " : "");
        ath_sql_ident(b, r->d, cols[i]->name);
        ath_buf_adds(b, " = ?");
    }
    ath_buf_adds(b, " WHERE ");
    ath_sql_key_condition(b, r->d, r->m);
}

int repo_update_columns(ath_repo *r, void *obj, const ath_col *const *cols, size_t n)
{
    if (n == 0)
        return require_row(r, obj);
    update_text(r, cols, n);
    if (r->sql.oom)
        return ath_fail(ATH_ENOMEM, "building an update");
    char *sql = ath_strdup(r->sql.data); /* r->sql is scratch for nested helpers */
    if (!sql)
        return ath_fail(ATH_ENOMEM, "building an update");
    int rc = update_by_key(r, sql, cols, n, obj);
    ath_free(sql);
    return rc;
}

int ath_repo_update_fields(ath_repo *r, void *obj, const char *const *fields, size_t nfields)
{
    if (!obj)
        return ath_fail(ATH_EINVAL, "update_fields: no object given");
    const ath_col **cols = ath_malloc((nfields ? nfields : 1) * sizeof *cols);
    int rc = cols ? repo_columns(r, fields, nfields, true, "update_fields", cols)
                  : ath_fail(ATH_ENOMEM, "update_fields");
    if (rc == ATH_OK)
        rc = repo_update_columns(r, obj, cols, nfields);
    ath_free(cols);
    return repo_finish(r, rc, true);
}

/* --- deletes -----------------------------------------------------------------------------------
 */

int ath_repo_delete(ath_repo *r, const ath_value *key, size_t nkey, void *deleted)
{
    if (nkey != r->m->npk || !key)
        return ath_fail(ATH_EINVAL, "%s has a %zu-column primary key; %zu values given",
                        r->m->model->table, r->m->npk, nkey);
    int rc = ATH_OK;
    if (deleted) {
        ath_stmt *st;
        if ((rc = repo_run(r, r->sql_get, true, key, nkey, &st, NULL)) == ATH_OK) {
            rc = repo_fetch_one(r, st, deleted);
            ath_stmt_release(st);
            if (rc == 0)
                rc = ath_fail(ATH_ENOTFOUND, "no %s row with that primary key to delete",
                              r->m->model->table);
            else if (rc == 1)
                rc = ATH_OK;
        }
    }
    int64_t changed = 0;
    if (rc == ATH_OK &&
        (rc = repo_run(r, r->sql_delete, true, key, nkey, NULL, &changed)) == ATH_OK &&
        changed == 0)
        rc = ath_fail(ATH_ENOTFOUND, "no %s row with that primary key to delete",
                      r->m->model->table);
    if (rc != ATH_OK && deleted)
        ath_model_free_fields(r->m->model, deleted);
    return repo_finish(r, rc, true);
}

int ath_repo_delete_many(ath_repo *r, const ath_value *keys, size_t nrows, int64_t *deleted)
{
    if (deleted)
        *deleted = 0;
    if (nrows && !keys)
        return ath_fail(ATH_EINVAL, "delete_many: %zu keys but the array is NULL", nrows);
    ath_conn *conn;
    int rc = nrows ? repo_conn(r, true, &conn) : ATH_OK;
    size_t npk = r->m->npk;
    size_t chunk = rc == ATH_OK && nrows ? repo_chunk_rows(conn, npk) : 1;
    int64_t total = 0;
    for (size_t done = 0; rc == ATH_OK && done < nrows; done += chunk) {
        size_t rows = nrows - done < chunk ? nrows - done : chunk;
        ath_buf *b = &r->sql;
        ath_buf_clear(b);
        ath_buf_adds(b, "DELETE FROM ");
        ath_sql_ident(b, r->d, r->m->model->table);
        ath_buf_adds(b, " WHERE ");
        if (npk == 1) {
            ath_sql_ident(b, r->d, r->m->cols[r->m->pk[0]].name);
            ath_buf_adds(b, " IN (");
            ath_sql_placeholders_list(b, rows);
            ath_buf_addc(b, ')');
        } else {
            for (size_t i = 0; i < rows; i++) {
                ath_buf_adds(b, i ? " OR (" : "(");
                ath_sql_key_condition(b, r->d, r->m);
                ath_buf_addc(b, ')');
            }
        }
        if (b->oom) {
            rc = ath_fail(ATH_ENOMEM, "building a delete");
            break;
        }
        int64_t changed = 0;
        rc = repo_run(r, b->data, true, keys + done * npk, rows * npk, NULL, &changed);
        total += changed;
    }
    if (rc == ATH_OK && deleted)
        *deleted = total;
    return repo_finish(r, rc, true);
}

int ath_repo_delete_where(ath_repo *r, int64_t *deleted, const ath_filter *filters, size_t nfilters)
{
    if (deleted)
        *deleted = 0;
    for (size_t i = 0; i < nfilters && filters; i++)
        if (filters[i].kind == ATH_FILTER_ORDER_BY || filters[i].kind == ATH_FILTER_LIMIT_OFFSET ||
            filters[i].kind == ATH_FILTER_AFTER)
            return ath_fail(ATH_EINVAL, "delete_where takes no order_by, limit_offset or after");
    ath_query q;
    repo_query_init(r, &q);
    int rc = ath_query_compile(&q, filters, nfilters, "delete_where", false);
    int64_t changed = 0;
    if (rc == ATH_OK) {
        ath_buf *b = &r->sql;
        ath_buf_clear(b);
        ath_buf_adds(b, "DELETE FROM ");
        ath_sql_ident(b, r->d, r->m->model->table);
        ath_query_sql_where(&q, b);
        rc = b->oom ? ath_fail(ATH_ENOMEM, "building a delete")
                    : repo_run(r, b->data, true, q.params, q.nparams, NULL, &changed);
    }
    ath_query_free(&q);
    if (rc == ATH_OK && deleted)
        *deleted = changed;
    return repo_finish(r, rc, true);
}
