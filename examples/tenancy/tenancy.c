/* The multi-tenancy mixin: stamp inserts, scope every read and write, pin the tenant on update. */
#include "tenancy.h"

#include <string.h>

enum { TENANT = 0 }; /* the role's index in roles[] */

static const ath_mixin_role roles[] = {
    /* indexed: every query filters on it; immutable: update and upsert never rewrite it */
    {.name = "tenant_id",
     .type = ATH_T_TEXT,
     .flags = ATH_INDEX | ATH_IMMUTABLE,
     .max_length = TENANT_MAX},
};

/* The session's tenant, or ATH_EINVAL naming the model when the session has none. */
static int session_tenant(const ath_mixin_ctx *ctx, ath_value *out)
{
    if (ath_session_get(ctx->session, TENANT_SESSION_KEY, out) && out->type == ATH_T_TEXT &&
        out->u.s.len > 0)
        return ATH_OK;
    return ath_error_set(ATH_EINVAL,
                         "%s: no tenant on this session (call ath_session_set(session, \"%s\", "
                         "ath_v_text(tenant)) first)",
                         ctx->model->name, TENANT_SESSION_KEY);
}

static bool same_text(const ath_value *a, const ath_value *b)
{
    return a->type == b->type && a->u.s.len == b->u.s.len &&
           memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0;
}

/* Insert: an unset tenant becomes the session's; another tenant's name is refused. */
static int before_insert(const ath_mixin_ctx *ctx, void *obj)
{
    ath_value tenant;
    int rc = session_tenant(ctx, &tenant);
    if (rc != ATH_OK)
        return rc;
    ath_value mine = ath_mixin_get(ctx, obj, TENANT);
    if (mine.type == ATH_T_NULL)
        return ath_mixin_set(ctx, obj, TENANT, &tenant); /* a malloc'd copy the object owns */
    if (!same_text(&mine, &tenant))
        return ath_error_set(ATH_EINVAL,
                             "%s: the row is for tenant \"%.*s\" but the session is tenant "
                             "\"%.*s\"",
                             ctx->model->name, (int)mine.u.s.len, (const char *)mine.u.s.ptr,
                             (int)tenant.u.s.len, (const char *)tenant.u.s.ptr);
    return ATH_OK;
}

/* Update: whatever the object says, the row stays the session's tenant's. */
static int before_update(const ath_mixin_ctx *ctx, void *obj)
{
    ath_value tenant;
    int rc = session_tenant(ctx, &tenant);
    if (rc != ATH_OK)
        return rc;
    ath_value mine = ath_mixin_get(ctx, obj, TENANT);
    return same_text(&mine, &tenant) ? ATH_OK : ath_mixin_set(ctx, obj, TENANT, &tenant);
}

/* Every read, count, update and delete: AND tenant_id = <the session's tenant>. */
static int scope(const ath_mixin_ctx *ctx, unsigned options, ath_filter *out)
{
    (void)options; /* not even ATH_OPT_INCLUDE_DELETED crosses tenants */
    ath_value tenant;
    int rc = session_tenant(ctx, &tenant);
    if (rc != ATH_OK)
        return rc;
    /* the value points into the session's copy, which outlives the call */
    *out = ath_where(ath_mixin_column(ctx, TENANT), ATH_EQ, tenant);
    return 1;
}

const ath_mixin tenant_mixin = {
    .abi = ATH_MIXIN_ABI,
    .name = "tenancy",
    .roles = roles,
    .nroles = 1,
    .before_insert = before_insert,
    .before_update = before_update,
    .scope = scope,
};

int tenant_use(ath_session *session, const char *tenant)
{
    size_t len = tenant ? strlen(tenant) : 0;
    if (len == 0 || len > TENANT_MAX)
        return ath_error_set(ATH_EINVAL, "a tenant name has 1 to %d bytes", TENANT_MAX);
    return ath_session_set(session, TENANT_SESSION_KEY, ath_v_text(tenant));
}
