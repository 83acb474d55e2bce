/*
 * A field's `.onupdate_sql`: the update writes `col = <expression>`, and the value the database
 * stored comes back into the caller's object -- by UPDATE … RETURNING where the connection has it
 * (PostgreSQL, SQLite 3.35+), else by a SELECT on the keys in the same transaction (MariaDB,
 * MySQL, older SQLite). The upserts and update_many's set-based statements read back by key.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "list.h"
#include "repo.h"
#include "session.h"
#include "sql_build.h"

/* Stores the .onupdate_sql columns of `from` (a scratch row) into obj (fresh copies). */
static int copy_onupdate(const ath_repo *r, const void *from, void *obj)
{
    for (size_t i = 0; i < r->m->ncols; i++) {
        const ath_col *c = &r->m->cols[i];
        if (!ath_col_onupdate_sql(c))
            continue;
        ath_value v = ath_col_get(c, from);
        int rc = ath_col_set(c, obj, &v, NULL);
        if (rc != ATH_OK)
            return rc;
    }
    return ATH_OK;
}

/* The row's values (key columns, then .onupdate_sql columns) into the zeroed scratch `tmp`. */
static int fetch_row(const ath_repo *r, ath_stmt *st, void *tmp, ath_arena *arena)
{
    int col = 0, rc = ATH_OK;
    for (size_t k = 0; rc == ATH_OK && k < r->m->npk; k++)
        rc = ath_col_fetch(st, col++, &r->m->cols[r->m->pk[k]], tmp, arena);
    for (size_t i = 0; rc == ATH_OK && i < r->m->ncols; i++)
        if (ath_col_onupdate_sql(&r->m->cols[i]))
            rc = ath_col_fetch(st, col++, &r->m->cols[i], tmp, arena);
    return rc;
}

int repo_assign_onupdate(ath_repo *r, ath_stmt *st, char *objs, size_t n, int64_t *rows)
{
    const ath_mapping *m = r->m;
    size_t size = m->model->struct_size;
    const ath_col *pk[ATH_ORDER_MAX];
    if (m->npk > ATH_ORDER_MAX)
        return ath_fail(ATH_EINVAL, "too many key columns");
    for (size_t k = 0; k < m->npk; k++)
        pk[k] = &m->cols[m->pk[k]];
    char *tmp = ath_calloc(1, size);
    repo_keyed *keys = n > 1 ? ath_calloc(n, sizeof *keys) : NULL;
    ath_buf want;
    ath_buf_init(&want);
    ath_arena arena;
    ath_arena_init(&arena);
    size_t nkeys = 0;
    int64_t got = 0;
    int rc = tmp && (n <= 1 || keys) ? ATH_OK : ath_fail(ATH_ENOMEM, "reading back onupdate_sql");
    for (size_t i = 0; rc == ATH_OK && n > 1 && i < n; i++) { /* each object's key */
        ath_buf_clear(&want);
        int enc = ath_cols_encode(pk, m->npk, objs + i * size, &want);
        if (enc < 0)
            rc = enc;
        else if (enc > 0 && !(keys[nkeys].text = ath_strdup(want.data)))
            rc = ath_fail(ATH_ENOMEM, "reading back onupdate_sql");
        else if (enc > 0)
            keys[nkeys++].index = i;
    }
    if (rc == ATH_OK && n > 1)
        qsort(keys, nkeys, sizeof *keys, repo_keyed_compare);
    while (rc == ATH_OK && (rc = ath_session_step(r->session, st)) > 0) {
        got++;
        memset(tmp, 0, size);
        ath_arena_reset(&arena);
        if ((rc = fetch_row(r, st, tmp, &arena)) != ATH_OK)
            break;
        if (n == 1) { /* the statement named the one key */
            rc = copy_onupdate(r, tmp, objs);
            continue;
        }
        ath_buf_clear(&want);
        if (ath_cols_encode(pk, m->npk, tmp, &want) <= 0 || !nkeys)
            continue;
        repo_keyed probe = {want.data, 0};
        repo_keyed *hit = bsearch(&probe, keys, nkeys, sizeof *keys, repo_keyed_compare);
        while (hit && hit > keys && repo_keyed_compare(hit - 1, &probe) == 0)
            hit--; /* the same key given twice: every object holding it */
        for (; rc == ATH_OK && hit && hit < keys + nkeys && repo_keyed_compare(hit, &probe) == 0; hit++)
            rc = copy_onupdate(r, tmp, objs + hit->index * size);
    }
    for (size_t i = 0; keys && i < nkeys; i++)
        ath_free(keys[i].text);
    ath_free(keys);
    ath_arena_free(&arena);
    ath_buf_free(&want);
    ath_free(tmp);
    if (rows)
        *rows = got;
    return rc < 0 ? rc : ATH_OK;
}

int repo_reread_onupdate(ath_repo *r, char *objs, size_t n)
{
    const ath_mapping *m = r->m;
    size_t npk = m->npk, size = m->model->struct_size;
    ath_conn *conn;
    int rc = n ? repo_conn(r, true, &conn) : ATH_OK;
    if (!n || rc != ATH_OK || !ath_mapping_has_onupdate_sql(m))
        return rc;
    size_t chunk = repo_chunk_rows(conn, npk);
    if (npk > 1 && chunk > REPO_MULTI_MATCH_ROWS)
        chunk = REPO_MULTI_MATCH_ROWS;
    if (chunk > REPO_MAX_CHUNK_ROWS)
        chunk = REPO_MAX_CHUNK_ROWS;
    ath_value *keys = ath_malloc(chunk * npk * sizeof *keys);
    ath_filter *conds = npk > 1 ? ath_malloc(chunk * npk * sizeof *conds) : NULL;
    ath_filter *groups = npk > 1 ? ath_malloc(chunk * sizeof *groups) : NULL;
    if (!keys || (npk > 1 && (!conds || !groups)))
        rc = ath_fail(ATH_ENOMEM, "reading back onupdate_sql");
    ath_buf b;
    ath_buf_init(&b);
    for (size_t done = 0; rc == ATH_OK && done < n; done += chunk) {
        size_t rows = n - done < chunk ? n - done : chunk;
        char *first = objs + done * size;
        ath_filter top;
        for (size_t i = 0; i < rows; i++)
            repo_key_values(r, first + i * size, keys + i * npk);
        if (npk == 1) {
            top = ath_collection(m->cols[m->pk[0]].name, keys, rows);
        } else { /* (a = ? AND b = ?) OR … */
            for (size_t i = 0; i < rows; i++) {
                for (size_t k = 0; k < npk; k++)
                    conds[i * npk + k] =
                        ath_where(m->cols[m->pk[k]].name, ATH_EQ, keys[i * npk + k]);
                groups[i] = ath_all(&conds[i * npk], npk);
            }
            top = ath_any(groups, rows);
        }
        ath_query q;
        repo_query_init(r, &q);
        rc = ath_query_add_filters(&q, &top, 1);
        ath_buf_clear(&b);
        ath_buf_adds(&b, "SELECT ");
        for (size_t k = 0; k < npk; k++) {
            ath_buf_adds(&b, k ? ", " : "");
            ath_sql_ident(&b, r->d, m->cols[m->pk[k]].name);
        }
        for (size_t i = 0; i < m->ncols; i++)
            if (ath_col_onupdate_sql(&m->cols[i])) {
                ath_buf_adds(&b, ", ");
                ath_sql_ident(&b, r->d, m->cols[i].name);
            }
        ath_buf_adds(&b, " FROM ");
        ath_sql_ident(&b, r->d, m->model->table);
        ath_query_sql_where(&q, &b);
        ath_stmt *st = NULL;
        if (rc == ATH_OK && b.oom)
            rc = ath_fail(ATH_ENOMEM, "building a query");
        if (rc == ATH_OK &&
            (rc = repo_run(r, b.data, true, q.params, q.nparams, &st, NULL)) == ATH_OK) {
            rc = repo_assign_onupdate(r, st, first, rows, NULL);
            ath_stmt_release(st);
        }
        ath_query_free(&q);
    }
    ath_buf_free(&b);
    ath_free(keys);
    ath_free(conds);
    ath_free(groups);
    return rc;
}

int repo_update_run(ath_repo *r, const char *sql, ath_stmt_ref *ref, const char *returning_sql,
                    ath_stmt_ref *returning_ref, const ath_value *params, size_t n, void *obj,
                    int64_t *changed)
{
    *changed = 0;
    if (!ath_mapping_has_onupdate_sql(r->m))
        return repo_run_ref(r, sql, ref, true, params, n, NULL, changed);
    ath_conn *conn;
    int rc = repo_conn(r, true, &conn);
    if (rc != ATH_OK)
        return rc;
    if (!(conn->info.caps & ATH_CAP_UPDATE_RETURNING)) { /* MariaDB: read it in this transaction */
        rc = repo_run_ref(r, sql, ref, true, params, n, NULL, changed);
        return rc == ATH_OK && *changed ? repo_reread_onupdate(r, obj, 1) : rc;
    }
    ath_buf text;
    ath_buf_init(&text);
    if (!returning_sql) {
        ath_buf_adds(&text, sql);
        ath_sql_returning_onupdate(&text, r->d, r->m, NULL);
        if (text.oom) {
            ath_buf_free(&text);
            return ath_fail(ATH_ENOMEM, "building an update");
        }
        returning_sql = text.data;
        returning_ref = NULL;
    }
    ath_stmt *st = NULL;
    rc = repo_run_ref(r, returning_sql, returning_ref, true, params, n, &st, NULL);
    if (rc == ATH_OK) { /* the row (the key is obj's): its stored values */
        while ((rc = ath_session_step(r->session, st)) > 0) {
            int col = 0;
            for (size_t i = 0; rc > 0 && i < r->m->ncols; i++)
                if (ath_col_onupdate_sql(&r->m->cols[i]) &&
                    (rc = ath_col_fetch(st, col++, &r->m->cols[i], obj, NULL)) == ATH_OK)
                    rc = 1;
            if (rc > 0)
                ++*changed;
            else
                break;
        }
        rc = rc < 0 ? rc : ATH_OK;
        ath_stmt_release(st);
    }
    ath_buf_free(&text);
    return rc;
}
