/* Soft delete: deletes set deleted_at; reads and writes ignore deleted rows unless asked. */
#include <athanor/mixins.h>

#include "null_arg.h"


static const ath_mixin_role roles[] = {
    {.name = "deleted_at", .type = ATH_T_TIMESTAMP, .flags = ATH_NULLABLE | ATH_INDEX},
};

static int scope(const ath_mixin_ctx *ctx, unsigned options, ath_filter *out)
{
    if (options & ATH_OPT_INCLUDE_DELETED)
        return 0;
    *out = ath_where(ath_mixin_column(ctx, 0), ATH_IS_NULL, ath_v_null());
    return 1;
}

static int soft_delete(const ath_mixin_ctx *ctx, size_t *role, ath_value *value)
{
    (void)ctx;
    *role = 0;
    *value = ath_v_timestamp(ath_timestamp_now());
    return 1;
}

const ath_mixin ath_soft_delete = {
    .abi = ATH_MIXIN_ABI,
    .name = "soft_delete",
    .roles = roles,
    .nroles = 1,
    .scope = scope,
    .soft_delete = soft_delete,
};

int ath_soft_delete_restore(ath_repo *repo, const ath_value *key, size_t nkey)
{
    if (!repo)
        return plugin_null_arg(__func__, "repo");
    if (nkey && !key)
        return plugin_null_arg(__func__, "key");
    const char *column = ath_repo_role_column(repo, &ath_soft_delete, "deleted_at");
    if (!column)
        return ath_error_set(ATH_EINVAL, "restore: the model of this repository has no "
                                         "soft_delete mixin");
    const char *keys[8];
    size_t n = ath_repo_key_columns(repo, keys, 8);
    if (n != nkey || n > 6)
        return ath_error_set(ATH_EINVAL, "restore: the key has %zu columns; %zu values given", n,
                             nkey);
    ath_filter f[8];
    for (size_t i = 0; i < n; i++)
        f[i] = ath_where(keys[i], ATH_EQ, key[i]);
    f[n++] = ath_where(column, ATH_IS_NOT_NULL, ath_v_null());
    f[n++] = ath_options(ATH_OPT_INCLUDE_DELETED);
    const char *fields[] = {column};
    ath_value values[] = {ath_v_null()};
    int64_t restored = 0;
    int rc = ath_repo_update_where(repo, &restored, fields, values, 1, f, n);
    if (rc == ATH_OK && restored == 0)
        rc = ath_error_set(ATH_ENOTFOUND, "restore: no deleted %s row with that key",
                           ath_repo_model(repo)->table);
    return rc;
}
