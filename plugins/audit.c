/* Audit times: created_at and updated_at, set on insert, updated_at touched on every update. */
#include <athanor/mixins.h>

enum { CREATED_AT = 0, UPDATED_AT = 1 };

static const ath_mixin_role roles[] = {
    {.name = "created_at", .type = ATH_T_TIMESTAMP, .flags = ATH_IMMUTABLE},
    {.name = "updated_at", .type = ATH_T_TIMESTAMP},
};

static int set_now(const ath_mixin_ctx *ctx, void *obj, size_t role, ath_timestamp now)
{
    ath_value v = ath_v_timestamp(now);
    return ath_mixin_set(ctx, obj, role, &v);
}

/* An unset timestamp is 0 (the epoch exactly): no real row is created at that instant. */
static bool unset(const ath_mixin_ctx *ctx, const void *obj, size_t role)
{
    ath_value v = ath_mixin_get(ctx, obj, role);
    return v.type == ATH_T_NULL || v.u.ts == 0;
}

static int before_insert(const ath_mixin_ctx *ctx, void *obj)
{
    ath_timestamp now = ath_timestamp_now();
    int rc = ATH_OK;
    if (unset(ctx, obj, CREATED_AT))
        rc = set_now(ctx, obj, CREATED_AT, now);
    if (rc == ATH_OK && unset(ctx, obj, UPDATED_AT)) {
        ath_value created = ath_mixin_get(ctx, obj, CREATED_AT);
        rc = set_now(ctx, obj, UPDATED_AT, created.u.ts);
    }
    return rc;
}

static int before_update(const ath_mixin_ctx *ctx, void *obj)
{
    ath_timestamp now = ath_timestamp_now();
    ath_value old = ath_mixin_get(ctx, obj, UPDATED_AT);
    if (old.type != ATH_T_NULL && old.u.ts >= now)
        now = old.u.ts + 1; /* strictly later, even within one clock tick */
    return set_now(ctx, obj, UPDATED_AT, now);
}

static unsigned role_flags(const void *config, size_t role, unsigned flags)
{
    const ath_audit_config *c = config;
    if (c && ((role == CREATED_AT && c->index_created_at) ||
              (role == UPDATED_AT && c->index_updated_at)))
        flags |= ATH_INDEX;
    return flags;
}

const ath_mixin ath_audit = {
    .abi = ATH_MIXIN_ABI,
    .name = "audit",
    .roles = roles,
    .nroles = 2,
    .before_insert = before_insert,
    .before_update = before_update,
    .role_flags = role_flags,
};
