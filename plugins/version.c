/* Optimistic locking: a version column checked and incremented by every write of an object. */
#include <athanor/mixins.h>

static const ath_mixin_role roles[] = {{.name = "version", .type = ATH_T_I64}};

static int64_t version_of(const ath_mixin_ctx *ctx, const void *obj)
{
    ath_value v = ath_mixin_get(ctx, obj, 0);
    return v.type == ATH_T_NULL ? 0 : v.u.i64;
}

static int set_version(const ath_mixin_ctx *ctx, void *obj, int64_t n)
{
    ath_value v = ath_v_i64(n);
    return ath_mixin_set(ctx, obj, 0, &v);
}

static int before_insert(const ath_mixin_ctx *ctx, void *obj)
{
    return version_of(ctx, obj) > 0 ? ATH_OK : set_version(ctx, obj, 1);
}

/* The write only happens where the stored version is still the one this object was read with. */
static int guard(const ath_mixin_ctx *ctx, const void *obj, ath_filter *out)
{
    *out = ath_where(ath_mixin_column(ctx, 0), ATH_EQ, ath_v_i64(version_of(ctx, obj)));
    return 1;
}

static int before_update(const ath_mixin_ctx *ctx, void *obj)
{
    return set_version(ctx, obj, version_of(ctx, obj) + 1);
}

static void write_failed(const ath_mixin_ctx *ctx, void *obj)
{
    set_version(ctx, obj, version_of(ctx, obj) - 1);
}

const ath_mixin ath_mixin_version = {
    .abi = ATH_MIXIN_ABI,
    .name = "version",
    .roles = roles,
    .nroles = 1,
    .before_insert = before_insert,
    .before_update = before_update,
    .guard = guard,
    .write_failed = write_failed,
};
