/*
 * Set-based forms of the *_many writes, where the dialect has them: update_many as one UPDATE
 * per chunk of rows (PostgreSQL UPDATE … FROM (VALUES …), MySQL/MariaDB UPDATE … JOIN (SELECT …
 * UNION ALL …)), and delete_many on a one-column key as `key = ANY(one array parameter)`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "repo.h"
#include "session.h"
#include "sql_build.h"

static bool says(const char *fact, const char *want)
{
    return fact && strcmp(fact, want) == 0;
}

bool repo_update_set_based(const ath_repo *r)
{
    const ath_dialect *d = r->d;
    return r->m->nmixins == 0 && *r->m->sql_update && ATH_DIALECT_HAS(d, update_from) &&
           (says(d->update_from, "values") || says(d->update_from, "join"));
}

/* Appends c to out[0..*n) unless it is there already. */
static void add_once(const ath_col **out, size_t *n, const ath_col *c)
{
    for (size_t k = 0; k < *n; k++)
        if (out[k] == c)
            return;
    out[(*n)++] = c;
}

/* The columns an update_many row writes: the named ones (each once) when `cols` is given,
 * else every non-key, non-immutable one. */
static size_t set_columns(const ath_repo *r, const ath_col *const *cols, size_t ncols,
                          const ath_col **out)
{
    size_t n = 0;
    if (cols) {
        for (size_t i = 0; i < ncols; i++)
            add_once(out, &n, cols[i]);
        for (size_t i = 0; i < r->m->ncols; i++) /* .onupdate columns, even when not named */
            if (ath_col_onupdate(&r->m->cols[i]))
                add_once(out, &n, &r->m->cols[i]);
        return n;
    }
    for (size_t i = 0; i < r->m->ncols; i++) {
        const ath_col *c = &r->m->cols[i];
        if (!c->pk && !(c->flags & ATH_IMMUTABLE))
            out[n++] = c;
    }
    return n;
}

/* The type a VALUES column is cast to, so the server knows it (PostgreSQL). */
static const char *cast_type(const ath_repo *r, const ath_col *c)
{
    const char *t = r->d->type_names[c->type];
    return t ? t : "TEXT";
}

/* Appends `, t.c = <expression>` for the .onupdate_sql columns of set (after `sets` others). */
static void expression_sets(ath_repo *r, const ath_col *const *exprs, size_t nexprs, size_t sets,
                            const char *qualifier)
{
    for (size_t i = 0; i < nexprs; i++) {
        ath_buf_adds(&r->sql, sets + i ? ", " : "");
        ath_sql_column(&r->sql, r->d, qualifier, exprs[i]->name);
        ath_buf_adds(&r->sql, " = ");
        ath_buf_adds(&r->sql, ath_col_onupdate_sql(exprs[i]));
    }
}

/* One UPDATE for `rows` rows into r->sql: keys first, then the bound set columns, per row; the
 * .onupdate_sql columns (`exprs`) are written as their expressions. */
static void update_text(ath_repo *r, const ath_col *const *set, size_t nset,
                        const ath_col *const *exprs, size_t nexprs, size_t rows)
{
    const ath_dialect *d = r->d;
    const ath_mapping *m = r->m;
    const char *table = m->model->table;
    ath_buf *b = &r->sql;
    ath_buf_clear(b);
    ath_buf_adds(b, "UPDATE ");
    ath_sql_ident(b, d, table);
    size_t per_row = m->npk + nset;
    if (says(d->update_from, "values")) {
        ath_buf_adds(b, " SET ");
        for (size_t i = 0; i < nset; i++) {
            ath_buf_adds(b, i ? ", " : "");
            ath_sql_ident(b, d, set[i]->name);
            ath_buf_adds(b, " = ");
            ath_sql_column(b, d, "v", set[i]->name);
        }
        expression_sets(r, exprs, nexprs, nset, NULL);
        ath_buf_adds(b, " FROM (VALUES ");
        for (size_t row = 0; row < rows; row++) {
            ath_buf_adds(b, row ? ", (" : "(");
            for (size_t k = 0; k < per_row; k++) {
                const ath_col *c = k < m->npk ? &m->cols[m->pk[k]] : set[k - m->npk];
                ath_buf_adds(b, k ? ", " : "");
                if (row == 0) /* the first row types the columns; the others follow it */
                    ath_buf_addf(b, "CAST(? AS %s)", cast_type(r, c));
                else
                    ath_buf_addc(b, '?');
            }
            ath_buf_addc(b, ')');
        }
        ath_buf_adds(b, ") AS ");
        ath_sql_ident(b, d, "v");
        ath_buf_adds(b, " (");
        for (size_t k = 0; k < per_row; k++) {
            const ath_col *c = k < m->npk ? &m->cols[m->pk[k]] : set[k - m->npk];
            ath_buf_adds(b, k ? ", " : "");
            ath_sql_ident(b, d, c->name);
        }
        ath_buf_adds(b, ") WHERE ");
        for (size_t k = 0; k < m->npk; k++) {
            ath_buf_adds(b, k ? " AND " : "");
            ath_sql_column(b, d, table, m->cols[m->pk[k]].name);
            ath_buf_adds(b, " = ");
            ath_sql_column(b, d, "v", m->cols[m->pk[k]].name);
        }
        return;
    }
    /* "join" */
    ath_buf_adds(b, " JOIN (");
    for (size_t row = 0; row < rows; row++) {
        ath_buf_adds(b, row ? " UNION ALL SELECT " : "SELECT ");
        for (size_t k = 0; k < per_row; k++) {
            const ath_col *c = k < m->npk ? &m->cols[m->pk[k]] : set[k - m->npk];
            ath_buf_adds(b, k ? ", ?" : "?");
            if (row == 0) {
                ath_buf_adds(b, " AS ");
                ath_sql_ident(b, d, c->name);
            }
        }
    }
    ath_buf_adds(b, ") AS ");
    ath_sql_ident(b, d, "v");
    ath_buf_adds(b, " ON ");
    for (size_t k = 0; k < m->npk; k++) {
        ath_buf_adds(b, k ? " AND " : "");
        ath_sql_column(b, d, table, m->cols[m->pk[k]].name);
        ath_buf_adds(b, " = ");
        ath_sql_column(b, d, "v", m->cols[m->pk[k]].name);
    }
    ath_buf_adds(b, " SET ");
    for (size_t i = 0; i < nset; i++) {
        ath_buf_adds(b, i ? ", " : "");
        ath_sql_column(b, d, table, set[i]->name);
        ath_buf_adds(b, " = ");
        ath_sql_column(b, d, "v", set[i]->name);
    }
    expression_sets(r, exprs, nexprs, nset, table);
}

/* One chunk set-based: ATH_OK with *changed, or the statement's error. */
static int update_chunk(ath_repo *r, const ath_col *const *set, size_t nset,
                        const ath_col *const *exprs, size_t nexprs, char *objs, size_t rows,
                        int64_t *changed)
{
    size_t per_row = r->m->npk + nset, size = r->m->model->struct_size;
    update_text(r, set, nset, exprs, nexprs, rows);
    int rc =
        r->sql.oom ? ath_fail(ATH_ENOMEM, "building an update") : repo_reserve(r, rows * per_row);
    for (size_t row = 0; rc == ATH_OK && row < rows; row++) {
        void *obj = objs + row * size;
        ath_value *v = r->vals + row * per_row;
        repo_key_values(r, obj, v);
        for (size_t i = 0; rc == ATH_OK && i < nset; i++)
            rc = ath_col_checked(r->m, set[i], obj, &v[r->m->npk + i]);
    }
    if (rc != ATH_OK)
        return rc;
    rc = repo_run(r, r->sql.data, true, r->vals, rows * per_row, NULL, changed);
    /* the expressions' results, in this savepoint (a chunk that fails is run again per object) */
    if (rc == ATH_OK && nexprs && *changed == (int64_t)rows)
        rc = repo_reread_onupdate(r, objs, rows);
    return rc;
}

int repo_update_many_set(ath_repo *r, char *objs, size_t n, const ath_col *const *cols,
                         size_t ncols)
{
    ath_conn *conn;
    int rc = repo_conn(r, true, &conn);
    if (rc != ATH_OK)
        return rc;
    const ath_col **set = ath_malloc(2 * (r->m->ncols + ncols) * sizeof *set);
    if (!set)
        return ath_fail(ATH_ENOMEM, "update_many");
    size_t nall = set_columns(r, cols, ncols, set), nset = 0, nexprs = 0;
    const ath_col **exprs = set + r->m->ncols + ncols; /* after the set columns' room */
    for (size_t i = 0; i < nall; i++) /* bound columns, and the .onupdate_sql ones apart */
        if (ath_col_onupdate_sql(set[i]))
            exprs[nexprs++] = set[i];
        else
            set[nset++] = set[i];
    size_t chunk = repo_chunk_rows(conn, r->m->npk + nset), size = r->m->model->struct_size;
    if (r->m->npk > 1 && chunk > REPO_MULTI_MATCH_ROWS)
        chunk = REPO_MULTI_MATCH_ROWS;
    for (size_t done = 0; rc == ATH_OK && done < n; done += chunk) {
        size_t rows = n - done < chunk ? n - done : chunk;
        char *first = objs + done * size;
        if (rows < 2) {
            rc = repo_update_object(r, first, cols, ncols);
            continue;
        }
        /* under a savepoint: a chunk that does not update exactly its rows (a missing key, a
         * key given twice, a constraint) is undone and run again object by object, which
         * reports what the per-object path reports, for the object it concerns */
        ath_savepoint sp;
        if ((rc = ath_session_savepoint(r->session, &sp)) != ATH_OK)
            break;
        int64_t changed = 0;
        int set_rc = update_chunk(r, set, nset, exprs, nexprs, first, rows, &changed);
        if (set_rc == ATH_ECONNLOST) {
            rc = set_rc;
            break;
        }
        if (set_rc == ATH_OK && changed == (int64_t)rows) {
            rc = ath_session_release(r->session, sp);
            continue;
        }
        if ((rc = ath_session_rollback_to(r->session, sp)) == ATH_OK)
            rc = ath_session_release(r->session, sp);
        for (size_t i = 0; rc == ATH_OK && i < rows; i++)
            rc = repo_update_object(r, first + i * size, cols, ncols);
    }
    ath_free(set);
    return rc;
}

/* --- delete_many by one array parameter ----------------------------------------------------- */

bool repo_delete_by_array(const ath_repo *r)
{
    return r->m->npk == 1 && ath_query_array_col(r->d, &r->m->cols[r->m->pk[0]]);
}

int repo_query_key_array(ath_repo *r, ath_query *q, const ath_value *keys, size_t n, ath_buf *array)
{
    const ath_col *c = &r->m->cols[r->m->pk[0]];
    ath_buf_clear(array);
    int rc = ath_query_array_text(array, c, keys, n, "delete_many");
    if (rc != ATH_OK)
        return rc;
    ath_buf_adds(&q->where, q->where.len ? " AND (" : "(");
    ath_query_any_sql(&q->where, r->d, r->m->model->table, c);
    ath_buf_addc(&q->where, ')');
    if (q->where.oom)
        return ath_fail(ATH_ENOMEM, "building a query");
    return ath_query_param(q, ath_v_textn(ATH_T_TEXT, array->data, array->len));
}
