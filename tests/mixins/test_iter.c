/*
 * iter: ath_repo_iter applies the mixins as ath_repo_list does — the soft-delete scope (and its
 * include-deleted option) and after-load hooks on every row — and a hook failing in the middle
 * of the stream ends the iterator with the hook's error while the session stays usable.
 */
#include <stdio.h>
#include <string.h>

#include "groups.h"
#include "mx.h"

/* A mixin whose after-load hook writes its role ("seen" = 7) and refuses a row named "boom". */
static const ath_mixin_role mark_roles[] = {{.name = "seen", .type = ATH_T_I64}};

static int mark_after_load(const ath_mixin_ctx *ctx, void *obj)
{
    ath_value name;
    int rc = ath_mixin_column_value(ctx, obj, "name", &name);
    if (rc != ATH_OK)
        return rc;
    if (name.type == ATH_T_TEXT && strcmp(name.u.s.ptr, "boom") == 0)
        return ath_error_set(ATH_ECHECK, "mark refuses the row named boom");
    ath_value seven = ath_v_i64(7);
    return ath_mixin_set(ctx, obj, 0, &seven);
}

static const ath_mixin mark_mixin = {
    .name = "mark",
    .roles = mark_roles,
    .nroles = 1,
    .after_load = mark_after_load,
};

typedef struct IterP {
    int64_t id;
    char *name;
    int64_t seen;
    ath_opt_timestamp removed;
} IterP;
static const ath_field iter_p_fields[] = {
    ATH_FIELD(IterP, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(IterP, name, text, .max_length = 40),
};
static const ath_mixin_use iter_p_mixins[] = {
    ATH_ATTACH(ath_soft_delete, NULL, ATH_BIND(IterP, "deleted_at", removed)),
    ATH_ATTACH(mark_mixin, NULL, ATH_BIND(IterP, "seen", seen)),
};
static const ath_model IterP_model =
    ATH_MODEL_OF(IterP, "mx_iter_p", iter_p_fields, ATH_MIXINS(iter_p_mixins));

const ath_model *const iter_models[] = {&IterP_model};
const size_t iter_nmodels = sizeof iter_models / sizeof iter_models[0];

/* Adds rows with these names (in order), committed; returns the id of the i-th in ids. */
static void seed(ath_session *s, ath_repo *r, const char *const *names, size_t n, int64_t *ids)
{
    for (size_t i = 0; i < n; i++) {
        IterP o = {.name = (char *)names[i]};
        ASSERT_RC(ath_repo_add(r, &o), ATH_OK);
        ids[i] = o.id;
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
}

/* Names of every row the iterator gives, '|'-joined; counts rows whose hook ran. */
static int names_of(ath_repo_iter *it, char *buf, size_t size, int *marked)
{
    IterP o;
    int rc, n = 0;
    buf[0] = '\0';
    *marked = 0;
    while ((rc = ath_repo_iter_next(it, &o)) == 1) {
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", n++ ? "|" : "", o.name);
        *marked += o.seen == 7;
    }
    return rc < 0 ? rc : n;
}

static void test_iter_applies_soft_delete_scope_and_after_load(void)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, &IterP_model);
    static const char *const names[] = {"a", "b", "c"};
    int64_t ids[3];
    seed(s, r, names, 3, ids);
    ath_value key = ath_v_i64(ids[1]);
    ASSERT_RC(ath_repo_delete(r, &key, 1, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, "mx_iter_p"), 3); /* soft: the row is still there */

    char got[64];
    int marked = 0;
    ath_repo_iter *it = NULL;
    ASSERT_RC(ath_repo_iter_open(&it, r, ATH_FILTERS(ath_order_by("id", false))), ATH_OK);
    ASSERT_I64(names_of(it, got, sizeof got, &marked), 2);
    ath_repo_iter_free(it);
    ASSERT_STR(got, "a|c");
    ASSERT_I64(marked, 2);

    ASSERT_RC(
        ath_repo_iter_open(
            &it, r, ATH_FILTERS(ath_options(ATH_OPT_INCLUDE_DELETED), ath_order_by("id", false))),
        ATH_OK);
    ASSERT_I64(names_of(it, got, sizeof got, &marked), 3);
    ath_repo_iter_free(it);
    ASSERT_STR(got, "a|b|c");
    ASSERT_I64(marked, 3);
    /* the same as list */
    ath_list *l = mx_list(r, ATH_NO_FILTERS);
    ASSERT_I64(ath_list_count(l), 2);
    mx_end();
}

static void test_iter_hook_error_mid_stream_ends_it(void)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, &IterP_model);
    static const char *const names[] = {"a", "boom", "c"};
    int64_t ids[3];
    seed(s, r, names, 3, ids);
    ath_repo_iter *it = NULL;
    ASSERT_RC(ath_repo_iter_open(&it, r, ATH_FILTERS(ath_order_by("id", false))), ATH_OK);
    IterP o;
    ASSERT_RC(ath_repo_iter_next(it, &o), 1);
    ASSERT_STR(o.name, "a");
    ASSERT_I64(o.seen, 7);
    ASSERT_RC(ath_repo_iter_next(it, &o), ATH_ECHECK);
    ASSERT_ERR_HAS("mark refuses the row named boom");
    ASSERT_RC(ath_repo_iter_next(it, &o), 0); /* finished */
    /* the session is free again (a hook's error is not the database's: no rollback needed) */
    int64_t n = 0;
    ASSERT_RC(ath_repo_count(r, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 3);
    ath_repo_iter_free(it);
    /* list meets the same row */
    ath_list *l = NULL;
    ASSERT_RC(ath_repo_list(r, &l, ATH_NO_FILTERS), ATH_ECHECK);
    ath_list_free(l);
    mx_end();
}

const test_case iter_tests[] = {
    {"test_iter_applies_soft_delete_scope_and_after_load",
     test_iter_applies_soft_delete_scope_and_after_load},
    {"test_iter_hook_error_mid_stream_ends_it", test_iter_hook_error_mid_stream_ends_it},
    {NULL, NULL},
};

TEST_SUITE(iter)
{
    mx_add_group("iter", iter_tests, iter_models, iter_nmodels);
}
