/* Get-or-create by a key the program defines (Advanced Alchemy's UniqueMixin). */
#include <stdlib.h>
#include <string.h>

#include <athanor/mixins.h>

#include "null_arg.h"

const ath_mixin ath_unique = {.abi = ATH_MIXIN_ABI, .name = "unique"};

static const ath_unique_config *config_of(ath_repo *repo)
{
    const ath_model *m = ath_repo_model(repo);
    for (size_t k = 0; k < m->nmixins; k++)
        if (m->mixins[k].mixin == &ath_unique)
            return m->mixins[k].config;
    return NULL;
}

int ath_unique_get_or_create(ath_repo *repo, void *obj, bool *created)
{
    if (!repo)
        return plugin_null_arg(__func__, "repo");
    if (!obj)
        return plugin_null_arg(__func__, "obj");
    if (!created)
        return plugin_null_arg(__func__, "created");
    const ath_unique_config *cfg = config_of(repo);
    *created = false;
    if (!cfg || !cfg->key)
        return ath_error_set(ATH_EINVAL, "model %s has no ath_unique mixin with a key function",
                             ath_repo_model(repo)->name);
    ath_filter f[16];
    int n = cfg->key(obj, f, 16);
    if (n <= 0)
        return n < 0 ? n : ath_error_set(ATH_EINVAL, "the unique key function gave no filter");
    size_t size = ath_repo_model(repo)->struct_size;
    void *row = calloc(1, size);
    if (!row)
        return ath_error_set(ATH_ENOMEM, "get_or_create");
    bool found = false;
    int rc = ath_repo_get_one_or_none(repo, row, &found, f, (size_t)n);
    if (rc == ATH_OK && found) {
        memcpy(obj, row, size); /* obj now holds the stored row and owns its strings */
    } else if (rc == ATH_OK) {
        rc = ath_repo_add(repo, obj);
        *created = rc == ATH_OK;
    }
    free(row);
    return rc;
}
