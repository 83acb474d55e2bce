/* The mixin accessors for hooks, and running hooks in attachment order. */
#include "mixins.h"

#include <string.h>

#include "error.h"

static const ath_col *role_col(const ath_mixin_ctx *ctx, size_t role)
{
    const ath_mixin_state *st = ctx->ath_internal_;
    if (!st || role >= st->use->mixin->nroles)
        return NULL;
    return &st->m->cols[st->role_cols[role]];
}

ath_value ath_mixin_get(const ath_mixin_ctx *ctx, const void *obj, size_t role)
{
    if (!ctx || !obj) {
        ath_null_arg(__func__, ctx ? "obj" : "ctx");
        return ath_v_null();
    }
    const ath_col *c = role_col(ctx, role);
    return c ? ath_col_get(c, obj) : ath_v_null();
}

int ath_mixin_set(const ath_mixin_ctx *ctx, void *obj, size_t role, const ath_value *v)
{
    if (!ctx)
        return ath_null_arg(__func__, "ctx");
    if (!obj)
        return ath_null_arg(__func__, "obj");
    if (!v)
        return ath_null_arg(__func__, "v");
    const ath_col *c = role_col(ctx, role);
    if (!c)
        return ath_fail(ATH_EINVAL, "ath_mixin_set: mixin %s has no role %zu",
                        ctx->mixin && ctx->mixin->name ? ctx->mixin->name : "?", role);
    return ath_col_set(c, obj, v, NULL);
}

bool ath_mixin_unset(const ath_mixin_ctx *ctx, const void *obj, size_t role)
{
    if (!ctx || !obj) {
        ath_null_arg(__func__, ctx ? "obj" : "ctx");
        return true; /* documented: nothing to read counts as unset */
    }
    const ath_col *c = role_col(ctx, role);
    return !c || ath_col_unset(c, obj);
}

const char *ath_mixin_column(const ath_mixin_ctx *ctx, size_t role)
{
    if (!ctx) {
        ath_null_arg(__func__, "ctx");
        return NULL;
    }
    const ath_col *c = role_col(ctx, role);
    return c ? c->name : NULL;
}

int ath_mixin_column_value(const ath_mixin_ctx *ctx, const void *obj, const char *column,
                           ath_value *out)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = ath_v_null();
    if (!ctx)
        return ath_null_arg(__func__, "ctx");
    if (!obj)
        return ath_null_arg(__func__, "obj");
    if (!column)
        return ath_null_arg(__func__, "column");
    const ath_mixin_state *st = ctx->ath_internal_;
    const ath_col *c;
    if (!st)
        return ath_fail(ATH_EINVAL, "no model in this mixin context");
    int rc = ath_mapping_require(st->m, column, "a mixin's column lookup", &c);
    if (rc == ATH_OK)
        *out = ath_col_get(c, obj);
    return rc;
}

static void make_ctx(ath_repo *r, size_t k, ath_mixin_ctx *ctx)
{
    const ath_mixin_state *st = &r->m->mixins[k];
    ctx->model = r->m->model;
    ctx->mixin = st->use->mixin;
    ctx->config = st->use->config;
    ctx->session = r->session;
    ctx->repo = r;
    ctx->ath_internal_ = st;
    ctx->batch = NULL;
    ctx->nbatch = 0;
    ctx->index = 0;
}

bool mixins_scoped(const ath_repo *r)
{
    for (size_t k = 0; k < r->m->nmixins; k++)
        if (r->m->mixins[k].use->mixin->scope)
            return true;
    return false;
}

bool mixins_guarded(const ath_repo *r)
{
    for (size_t k = 0; k < r->m->nmixins; k++)
        if (r->m->mixins[k].use->mixin->guard)
            return true;
    return false;
}

/* The object hooks, named so one function can run any of them. */
typedef enum object_hook { HOOK_BEFORE_INSERT, HOOK_BEFORE_UPDATE, HOOK_AFTER_LOAD } object_hook;
typedef int (*object_hook_fn)(const ath_mixin_ctx *ctx, void *obj);

static object_hook_fn hook_of(const ath_mixin *mx, object_hook which)
{
    switch (which) {
    case HOOK_BEFORE_INSERT:
        return mx->before_insert;
    case HOOK_BEFORE_UPDATE:
        return mx->before_update;
    case HOOK_AFTER_LOAD:
        return mx->after_load;
    }
    return NULL;
}

/* Runs one object hook of every mixin, in attachment order: ATH_OK, or the first hook's error. */
static int run_hook(ath_repo *r, object_hook which, void *obj)
{
    for (size_t k = 0; k < r->m->nmixins; k++) {
        object_hook_fn hook = hook_of(r->m->mixins[k].use->mixin, which);
        if (!hook)
            continue;
        ath_mixin_ctx ctx;
        make_ctx(r, k, &ctx);
        int rc = hook(&ctx, obj);
        if (rc < 0)
            return rc;
    }
    return ATH_OK;
}

int mixins_before_insert(ath_repo *r, void *obj)
{
    return run_hook(r, HOOK_BEFORE_INSERT, obj);
}

int mixins_before_insert_batch(ath_repo *r, void *objs, size_t n)
{
    size_t size = r->m->model->struct_size;
    for (size_t i = 0; i < n; i++) {
        void *obj = (char *)objs + i * size;
        for (size_t k = 0; k < r->m->nmixins; k++) {
            const ath_mixin *mx = r->m->mixins[k].use->mixin;
            if (!mx->before_insert)
                continue;
            ath_mixin_ctx ctx;
            make_ctx(r, k, &ctx);
            ctx.batch = objs;
            ctx.nbatch = n;
            ctx.index = i;
            int rc = mx->before_insert(&ctx, obj);
            if (rc < 0)
                return rc;
        }
    }
    return ATH_OK;
}

int mixins_before_update(ath_repo *r, void *obj)
{
    return run_hook(r, HOOK_BEFORE_UPDATE, obj);
}

int mixins_after_load(ath_repo *r, void *obj)
{
    return run_hook(r, HOOK_AFTER_LOAD, obj);
}

int mixins_scope(ath_repo *r, unsigned options, ath_query *q)
{
    for (size_t k = 0; k < r->m->nmixins; k++) {
        const ath_mixin *mx = r->m->mixins[k].use->mixin;
        if (!mx->scope)
            continue;
        ath_mixin_ctx ctx;
        ath_filter f;
        make_ctx(r, k, &ctx);
        memset(&f, 0, sizeof f);
        int rc = mx->scope(&ctx, options, &f);
        if (rc < 0)
            return rc;
        if (rc > 0 && (rc = ath_query_add_filters(q, &f, 1)) != ATH_OK)
            return rc;
    }
    return ATH_OK;
}

int mixins_guards(ath_repo *r, const void *obj, ath_filter *out, size_t max)
{
    int n = 0;
    for (size_t k = 0; k < r->m->nmixins && (size_t)n < max; k++) {
        const ath_mixin *mx = r->m->mixins[k].use->mixin;
        if (!mx->guard)
            continue;
        ath_mixin_ctx ctx;
        make_ctx(r, k, &ctx);
        memset(&out[n], 0, sizeof out[n]);
        int rc = mx->guard(&ctx, obj, &out[n]);
        if (rc < 0)
            return rc;
        n += rc > 0;
    }
    return n;
}

void mixins_write_failed(ath_repo *r, void *obj)
{
    for (size_t k = 0; k < r->m->nmixins; k++) {
        const ath_mixin *mx = r->m->mixins[k].use->mixin;
        if (!mx->write_failed)
            continue;
        ath_mixin_ctx ctx;
        make_ctx(r, k, &ctx);
        mx->write_failed(&ctx, obj);
    }
}

int mixins_soft_delete(ath_repo *r, const ath_col **col, ath_value *value)
{
    for (size_t k = 0; k < r->m->nmixins; k++) {
        const ath_mixin *mx = r->m->mixins[k].use->mixin;
        if (!mx->soft_delete)
            continue;
        ath_mixin_ctx ctx;
        size_t role = 0;
        make_ctx(r, k, &ctx);
        int rc = mx->soft_delete(&ctx, &role, value);
        if (rc < 0)
            return rc;
        if (rc > 0) {
            if (role >= mx->nroles)
                return ath_fail(ATH_EINVAL, "mixin %s: soft_delete named role %zu of %zu", mx->name,
                                role, mx->nroles);
            *col = &r->m->cols[r->m->mixins[k].role_cols[role]];
            return 1;
        }
    }
    return 0;
}

void mixins_extra_ddl(const ath_mapping *m, ath_buf *out)
{
    for (size_t k = 0; k < m->nmixins; k++) {
        const ath_mixin *mx = m->mixins[k].use->mixin;
        if (!mx->extra_ddl)
            continue;
        ath_mixin_ctx ctx = {
            m->model, mx, m->mixins[k].use->config, NULL, NULL, &m->mixins[k], NULL, 0, 0};
        char small[1024];
        int n = mx->extra_ddl(&ctx, small, sizeof small);
        if (n <= 0)
            continue;
        ath_buf_adds(out, ";\n");
        if ((size_t)n < sizeof small) {
            ath_buf_add(out, small, (size_t)n);
        } else if (ath_buf_reserve(out, (size_t)n)) {
            mx->extra_ddl(&ctx, out->data + out->len, (size_t)n + 1);
            out->len += (size_t)n;
        }
    }
}

const char *ath_repo_role_column(ath_repo *r, const ath_mixin *mixin, const char *role)
{
    if (!r || !mixin || !role) {
        ath_null_arg(__func__, !r ? "repo" : !mixin ? "mixin" : "role");
        return NULL;
    }
    for (size_t k = 0; k < r->m->nmixins; k++) {
        const ath_mixin *mx = r->m->mixins[k].use->mixin;
        if (mx != mixin)
            continue;
        for (size_t i = 0; i < mx->nroles; i++)
            if (strcmp(mx->roles[i].name, role) == 0)
                return r->m->cols[r->m->mixins[k].role_cols[i]].name;
    }
    return NULL;
}

size_t ath_repo_key_columns(ath_repo *r, const char **out, size_t max)
{
    if (!r) {
        ath_null_arg(__func__, "repo");
        return 0;
    }
    if (!out)
        max = 0; /* documented: NULL asks for the count alone */
    for (size_t i = 0; i < r->m->npk && i < max; i++)
        out[i] = r->m->cols[r->m->pk[i]].name;
    return r->m->npk;
}
