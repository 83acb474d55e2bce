/* Repository iterators: the rows of a query read one at a time, in constant memory. */
#include "repo.h"

#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "error.h"
#include "mixins.h"
#include "session.h"
#include "sql_build.h"

struct ath_repo_iter {
    ath_repo *repo;
    ath_session *session; /* a reference: freeing the iterator never touches freed memory */
    ath_result *result;   /* the open statement, held by the session like a raw result */
    ath_value *params;    /* copies: SQLite reads bound values while it steps */
    ath_arena param_bytes;
    ath_arena row_bytes; /* the current object's strings, reused from row to row */
    bool done;
};

/* Copies the parameters and their bytes into the iterator, so the caller's filters may go. */
static int keep_params(ath_repo_iter *it, const ath_value *vals, size_t n)
{
    if (!(it->params = ath_malloc((n ? n : 1) * sizeof *it->params)))
        return ath_fail(ATH_ENOMEM, "allocating an iterator's parameters");
    for (size_t i = 0; i < n; i++) {
        ath_value v = vals[i];
        if (v.type != ATH_T_NULL && ath_type_bytes(v.type) && v.u.s.ptr) {
            char *p = ath_arena_alloc(&it->param_bytes, v.u.s.len + 1, 0);
            if (!p)
                return ath_fail(ATH_ENOMEM, "copying an iterator's parameters");
            memcpy(p, v.u.s.ptr, v.u.s.len);
            p[v.u.s.len] = '\0';
            v.u.s.ptr = p;
        }
        it->params[i] = v;
    }
    return ATH_OK;
}

static int iter_start(ath_repo_iter *it, const ath_filter *filters, size_t nfilters)
{
    ath_repo *r = it->repo;
    ath_query q;
    ath_buf sql;
    ath_buf_init(&sql);
    repo_query_init(r, &q);
    int rc = ath_query_compile(&q, filters, nfilters, "iter", true);
    if (rc == ATH_OK)
        rc = mixins_scope(r, q.options, &q);
    if (rc == ATH_OK) {
        ath_value extra[2];
        size_t nextra = 0;
        ath_buf_adds(&sql, r->m->sql_select);
        ath_query_sql_where(&q, &sql);
        ath_query_sql_order_limit(&q, &sql, extra, &nextra);
        if (sql.oom)
            rc = ath_fail(ATH_ENOMEM, "building a query");
        else if ((rc = repo_reserve(r, q.nparams + nextra)) == ATH_OK) {
            if (q.nparams)
                memcpy(r->vals, q.params, q.nparams * sizeof *r->vals);
            if (nextra)
                memcpy(r->vals + q.nparams, extra, nextra * sizeof *extra);
            rc = keep_params(it, r->vals, q.nparams + nextra);
        }
        if (rc == ATH_OK && (q.options & ATH_OPT_PRIMARY))
            rc = ath_session_ensure_primary(r->session);
        if (rc == ATH_OK)
            rc = ath_session_execute(r->session, sql.data, it->params, q.nparams + nextra,
                                     &it->result);
    }
    ath_query_free(&q);
    ath_buf_free(&sql);
    return rc;
}

int ath_repo_iter_open(ath_repo_iter **out, ath_repo *repo, const ath_filter *filters,
                       size_t nfilters)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!repo)
        return ath_null_arg(__func__, "repo");
    if (nfilters && !filters)
        return ath_null_arg(__func__, "filters");
    if (ath_session_closed(repo->session))
        return repo_finish(
            repo, ath_fail(ATH_EINVAL, "%s: the session was closed (ath_session_close)", __func__),
            false);
    ath_repo_iter *it = ath_calloc(1, sizeof *it);
    if (!it)
        return repo_finish(repo, ath_fail(ATH_ENOMEM, "allocating an iterator"), false);
    it->repo = repo;
    it->session = repo->session;
    ath_session_ref(it->session);
    ath_arena_init(&it->param_bytes);
    ath_arena_init(&it->row_bytes);
    int rc = iter_start(it, filters, nfilters);
    if (rc != ATH_OK) {
        ath_repo_iter_free(it);
        return repo_finish(repo, rc, false);
    }
    *out = it;
    return ATH_OK;
}

/* Ends the iteration: the statement goes back to the session, which may run others again. */
static void iter_end(ath_repo_iter *it)
{
    it->done = true;
    ath_result_free(it->result);
    it->result = NULL;
}

int ath_repo_iter_next(ath_repo_iter *it, void *out)
{
    if (!it)
        return ath_null_arg(__func__, "iter");
    if (!out)
        return ath_null_arg(__func__, "out");
    if (it->done)
        return 0;
    ath_repo *r = it->repo;
    if (ath_result_detached(it->result)) {
        iter_end(it);
        return repo_finish(r,
                           ath_fail(ATH_EINVAL, "the session's transaction ended (commit, rollback "
                                                "or close) before the iterator's last row"),
                           false);
    }
    int rc = ath_result_next(it->result);
    if (rc <= 0) {
        iter_end(it);
        return rc == 0 ? 0 : repo_finish(r, rc, false);
    }
    ath_arena_reset(&it->row_bytes);
    memset(out, 0, r->m->model->struct_size);
    rc = ath_row_read(ath_result_stmt(it->result), 0, r->m, out, &it->row_bytes);
    if (rc == ATH_OK && r->m->nmixins)
        rc = mixins_after_load(r, out);
    if (rc != ATH_OK) {
        iter_end(it);
        return repo_finish(r, rc, false);
    }
    return 1;
}

void ath_repo_iter_free(ath_repo_iter *it)
{
    if (!it)
        return;
    ath_result_free(it->result);
    ath_free(it->params);
    ath_arena_free(&it->param_bytes);
    ath_arena_free(&it->row_bytes);
    ath_session_unref(it->session);
    ath_free(it);
}

ath_session *ath_repo_iter_session(const ath_repo_iter *iter)
{
    return iter ? iter->session : NULL;
}
