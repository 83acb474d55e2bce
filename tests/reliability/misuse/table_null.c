/*
 * The NULL-argument table: one entry per exported function (the coverage test fails when the
 * libraries export a function this table lacks), each calling it with every NULL it can take.
 */
#include <stdio.h>
#include <string.h>

#include "misuse.h"

#include <athanor/async.h>

static void misuse_async_done(ath_async_op *op, int rc, void *user)
{
    (void)op;
    (void)rc;
    (void)user;
    CU_FAIL("a refused async operation called back");
}

#include "table_async.h" /* the generated starters' entries */

static const ath_model *const one_model[] = {&Item_model};
static const ath_model *const null_model[] = {NULL};
static const char *const name_field[] = {"name"};
static const ath_filter one_filter[] = {{0}};

/* --- drivers -------------------------------------------------------------------------------- */

static void driver_register(void)
{
    NULL_ARG(ath_driver_register(NULL), "driver");
}
static void drivers_list(void)
{
    ath_driver_found *l = (ath_driver_found *)1;
    size_t n = 7;
    NULL_ARG(ath_drivers_list(NULL, &n), "out");
    NULL_ARG(ath_drivers_list(&l, NULL), "count");
    CU_ASSERT_PTR_NULL(l);
}
static void drivers_list_free(void)
{
    NOOP(ath_drivers_list_free(NULL, 5));
}
static void driver_find(void)
{
    const ath_driver *d = (const ath_driver *)1;
    NULL_ARG(ath_driver_find(NULL, "sqlite"), "out");
    NULL_ARG(ath_driver_find(&d, NULL), "scheme");
    CU_ASSERT_PTR_NULL(d);
}
static void driver_host_default(void)
{
    HOLDS(ath_driver_host_default() != NULL);
}

/* --- engines -------------------------------------------------------------------------------- */

static void engine_options_init(void)
{
    NOOP(ath_engine_options_init(NULL));
}
static void engine_create(void)
{
    ath_engine *e = (ath_engine *)1;
    NULL_ARG(ath_engine_create(NULL, misuse_url), "out");
    NULL_ARG(ath_engine_create(&e, NULL), "url");
    CU_ASSERT_PTR_NULL(e);
}
static void engine_create_opts(void)
{
    ath_engine *e = (ath_engine *)1;
    ath_engine_options o;
    ath_engine_options_init(&o);
    NULL_ARG(ath_engine_create_opts(NULL, misuse_url, &o), "out");
    NULL_ARG(ath_engine_create_opts(&e, NULL, &o), "url");
    CU_ASSERT_PTR_NULL(e);
}
static void engine_dispose(void)
{
    NOOP(ath_engine_dispose(NULL));
}
static void engine_dialect(void)
{
    NEUTRAL(ath_engine_dialect(NULL) == NULL, "engine");
}
static void engine_nonblocking(void)
{
    NEUTRAL(!ath_engine_nonblocking(NULL), "engine");
}
static void engine_render_url(void)
{
    char buf[64];
    NULL_ARG(ath_engine_render_url(NULL, buf, sizeof buf), "engine");
    NULL_ARG(ath_engine_render_url(misuse_engine, NULL, 10), "buf");
}
static void async_create(void)
{
    ath_async *a = (ath_async *)1;
    NULL_ARG(ath_async_create(NULL, NULL), "out");
    ath_async_options bad = ATH_ASYNC_OPTIONS_INIT;
    bad.worker_threads = 0;
    REFUSED(ath_async_create(&a, &bad), ATH_EINVAL, "worker_threads");
    CU_ASSERT_PTR_NULL(a);
}
static void async_free(void)
{
    NOOP(ath_async_free(NULL));
}
static void async_process(void)
{
    NULL_ARG(ath_async_process(NULL, 0, ATH_ASYNC_READ), "async");
}
static void async_timeout(void)
{
    NULL_ARG(ath_async_timeout(NULL), "async");
}
static void async_next_timeout(void)
{
    NEUTRAL(ath_async_next_timeout(NULL) == -1, "async");
}
static void async_fds(void)
{
    NEUTRAL(ath_async_fds(NULL, NULL, 0) == 0, "async");
}
static void async_pending(void)
{
    NEUTRAL(ath_async_pending(NULL) == 0, "async");
}
static void async_run(void)
{
    NULL_ARG(ath_async_run(NULL, 0), "async");
}
static void async_session_open(void)
{
    ath_async *a = NULL;
    ath_async_session *s = (ath_async_session *)1;
    CU_ASSERT_EQUAL_FATAL(ath_async_create(&a, NULL), ATH_OK);
    NULL_ARG(ath_async_session_open(NULL, a, misuse_engine), "out");
    NULL_ARG(ath_async_session_open(&s, NULL, misuse_engine), "async");
    CU_ASSERT_PTR_NULL(s);
    NULL_ARG(ath_async_session_open(&s, a, NULL), "engine");
    ath_async_free(a);
}
static void async_session_session(void)
{
    NEUTRAL(ath_async_session_session(NULL) == NULL, "session");
}
static void async_session_close(void)
{
    ath_error_clear();
    CU_ASSERT_EQUAL(ath_async_session_close(NULL, NULL, NULL), ATH_OK);
    misuse_expect_noop("ath_async_session_close(NULL, NULL, NULL)", __FILE__, __LINE__);
}
static int misuse_call_fn(ath_session *s, void *arg)
{
    (void)s;
    (void)arg;
    return ATH_OK;
}
static void async_call(void)
{
    NULL_ARG(ath_async_call(NULL, NULL, misuse_call_fn, NULL, misuse_async_done, NULL), "session");
}
static void async_cancel(void)
{
    NULL_ARG(ath_async_cancel(NULL, 1), "async");
}
static void async_op_id(void)
{
    NEUTRAL(ath_async_op_id(NULL) == 0, "op");
}
static void async_op_session(void)
{
    NEUTRAL(ath_async_op_session(NULL) == NULL, "op");
}
static void async_op_name(void)
{
    NEUTRAL(strcmp(ath_async_op_name(NULL), "") == 0, "op");
}
static void engine_pool_status(void)
{
    ath_pool_status st;
    memset(&st, 0x5a, sizeof st);
    NEUTRAL((ath_engine_pool_status(NULL, &st), st.open == 0 && st.size == 0), "engine");
    NOOP(ath_engine_pool_status(misuse_engine, NULL));
}

/* --- errors --------------------------------------------------------------------------------- */

static void error_last(void)
{
    HOLDS(ath_error_last() != NULL && ath_error_last()->message != NULL);
}
static void error_clear(void)
{
    HOLDS((ath_error_clear(),
           ath_error_last()->code == ATH_OK && ath_error_last()->message[0] == '\0'));
}
static void error_set(void)
{
    NULL_ARG(ath_error_set(ATH_EDUPLICATE, NULL), "fmt");
}
static void code_name(void)
{
    HOLDS(strcmp(ath_code_name(12345), "ATH_E?") == 0);
    HOLDS(strcmp(ath_code_name(-12345), "ATH_E?") == 0);
}
static void code_text(void)
{
    HOLDS(strcmp(ath_code_text(12345), "unknown result code") == 0);
}

/* --- mixin accessors ------------------------------------------------------------------------ */

static void mixin_get(void)
{
    NEUTRAL(ath_mixin_get(NULL, &M_ITEM, 0).type == ATH_T_NULL, "ctx");
    NEUTRAL(ath_mixin_get(&M_CTX, NULL, 0).type == ATH_T_NULL, "obj");
}
static void mixin_set(void)
{
    ath_value v = ath_v_i64(5);
    NULL_ARG(ath_mixin_set(NULL, &M_ITEM, 0, &v), "ctx");
    NULL_ARG(ath_mixin_set(&M_CTX, NULL, 0, &v), "obj");
    NULL_ARG(ath_mixin_set(&M_CTX, &M_ITEM, 0, NULL), "v");
    REFUSED(ath_mixin_set(&M_CTX, &M_ITEM, 0, &v), ATH_EINVAL, "has no role 0");
}
static void mixin_unset(void)
{
    NEUTRAL(ath_mixin_unset(NULL, &M_ITEM, 0), "ctx");
    NEUTRAL(ath_mixin_unset(&M_CTX, NULL, 0), "obj");
}
static void mixin_column(void)
{
    NEUTRAL(ath_mixin_column(NULL, 0) == NULL, "ctx");
}
static void mixin_column_value(void)
{
    ath_value v;
    NULL_ARG(ath_mixin_column_value(NULL, &M_ITEM, "id", &v), "ctx");
    NULL_ARG(ath_mixin_column_value(&M_CTX, NULL, "id", &v), "obj");
    NULL_ARG(ath_mixin_column_value(&M_CTX, &M_ITEM, NULL, &v), "column");
    NULL_ARG(ath_mixin_column_value(&M_CTX, &M_ITEM, "id", NULL), "out");
    REFUSED(ath_mixin_column_value(&M_CTX, &M_ITEM, "id", &v), ATH_EINVAL, "no model");
}
static void repo_role_column(void)
{
    NEUTRAL(ath_repo_role_column(NULL, &ath_slug, "slug") == NULL, "repo");
    NEUTRAL(ath_repo_role_column(M_R, NULL, "slug") == NULL, "mixin");
    NEUTRAL(ath_repo_role_column(M_R, &ath_slug, NULL) == NULL, "role");
}
static void repo_key_columns(void)
{
    const char *cols[2];
    NEUTRAL(ath_repo_key_columns(NULL, cols, 2) == 0, "repo");
    HOLDS(ath_repo_key_columns(M_R, NULL, 2) == 1); /* NULL out: the count alone */
}

/* --- models --------------------------------------------------------------------------------- */

static void model_validate(void)
{
    NULL_ARG(ath_model_validate(NULL), "model");
}
static void field_column(void)
{
    NEUTRAL(ath_field_column(NULL) == NULL, "field");
}
static void model_free_fields(void)
{
    NOOP(ath_model_free_fields(NULL, &M_ITEM));
    NOOP(ath_model_free_fields(&Item_model, NULL));
}
static void model_free_owned(void)
{
    NOOP(ath_model_free_owned(NULL, &M_ITEM, &M_ITEM));
    NOOP(ath_model_free_owned(&Item_model, NULL, &M_ITEM));
    NOOP(ath_model_free_owned(&Item_model, &M_ITEM, NULL));
}

/* --- column descriptions (athanor/columns.h) ------------------------------------------------ */

static void columns_open(void)
{
    ath_columns *c = NULL;
    NULL_ARG(ath_columns_open(NULL, &Item_model), "out");
    NULL_ARG(ath_columns_open(&c, NULL), "model");
}
static void columns_free(void)
{
    NOOP(ath_columns_free(NULL));
}
static void columns_model(void)
{
    NEUTRAL(ath_columns_model(NULL) == NULL, "cols");
}
static void columns_count(void)
{
    NEUTRAL(ath_columns_count(NULL) == 0, "cols");
}
static void columns_at(void)
{
    NEUTRAL(ath_columns_at(NULL, 0) == NULL, "cols");
}
static void columns_find(void)
{
    NEUTRAL(ath_columns_find(NULL, "name") == -1, "cols");
    ath_columns *c = NULL;
    if (ath_columns_open(&c, &Item_model) == ATH_OK) {
        NEUTRAL(ath_columns_find(c, NULL) == -1, "name");
        ath_columns_free(c);
    }
}
static void columns_get(void)
{
    NEUTRAL(ath_columns_get(NULL, 0, &M_ITEM).type == ATH_T_NULL, "cols");
    ath_columns *c = NULL;
    if (ath_columns_open(&c, &Item_model) == ATH_OK) {
        NEUTRAL(ath_columns_get(c, 0, NULL).type == ATH_T_NULL, "obj");
        ath_columns_free(c);
    }
}
static void columns_set(void)
{
    ath_value v = ath_v_i64(1);
    NULL_ARG(ath_columns_set(NULL, 0, &M_ITEM, &v), "cols");
    ath_columns *c = NULL;
    if (ath_columns_open(&c, &Item_model) == ATH_OK) {
        NULL_ARG(ath_columns_set(c, 0, NULL, &v), "obj");
        NULL_ARG(ath_columns_set(c, 0, &M_ITEM, NULL), "v");
        ath_columns_free(c);
    }
}

/* --- repositories --------------------------------------------------------------------------- */

static void repo_open(void)
{
    ath_repo *r = (ath_repo *)1;
    NULL_ARG(ath_repo_open(NULL, M_S, &Item_model), "out");
    NULL_ARG(ath_repo_open(&r, NULL, &Item_model), "session");
    NULL_ARG(ath_repo_open(&r, M_S, NULL), "model");
    CU_ASSERT_PTR_NULL(r);
}
static void repo_open_opts(void)
{
    ath_repo *r = (ath_repo *)1;
    ath_repo_options o = {.auto_commit = true};
    NULL_ARG(ath_repo_open_opts(NULL, M_S, &Item_model, &o), "out");
    NULL_ARG(ath_repo_open_opts(&r, NULL, &Item_model, &o), "session");
    NULL_ARG(ath_repo_open_opts(&r, M_S, NULL, &o), "model");
    CU_ASSERT_PTR_NULL(r);
}
static void repo_free(void)
{
    NOOP(ath_repo_free(NULL));
}
static void repo_model(void)
{
    NEUTRAL(ath_repo_model(NULL) == NULL, "repo");
}
static void repo_session(void)
{
    NEUTRAL(ath_repo_session(NULL) == NULL, "repo");
}
static void repo_add(void)
{
    NULL_ARG(ath_repo_add(NULL, &M_ITEM), "repo");
    NULL_ARG(ath_repo_add(M_R, NULL), "obj");
}
static void repo_add_many(void)
{
    NULL_ARG(ath_repo_add_many(NULL, M_ITEMS, 2), "repo");
    NULL_ARG(ath_repo_add_many(M_R, NULL, 2), "objs");
}
static void repo_update(void)
{
    NULL_ARG(ath_repo_update(NULL, &M_ITEM), "repo");
    NULL_ARG(ath_repo_update(M_R, NULL), "obj");
}
static void repo_update_fields(void)
{
    NULL_ARG(ath_repo_update_fields(NULL, &M_ITEM, name_field, 1), "repo");
    NULL_ARG(ath_repo_update_fields(M_R, NULL, name_field, 1), "obj");
    NULL_ARG(ath_repo_update_fields(M_R, &M_ITEM, NULL, 1), "fields");
}
static void repo_update_where(void)
{
    int64_t n = 9;
    ath_value v[1] = {ath_v_text("x")};
    NULL_ARG(ath_repo_update_where(NULL, &n, name_field, v, 1, NULL, 0), "repo");
    NULL_ARG(ath_repo_update_where(M_R, &n, NULL, v, 1, NULL, 0), "fields");
    NULL_ARG(ath_repo_update_where(M_R, &n, name_field, NULL, 1, NULL, 0), "values");
    NULL_ARG(ath_repo_update_where(M_R, &n, name_field, v, 1, NULL, 1), "filters");
}
static void repo_update_many_fields(void)
{
    NULL_ARG(ath_repo_update_many_fields(NULL, M_ITEMS, 2, name_field, 1), "repo");
    NULL_ARG(ath_repo_update_many_fields(M_R, NULL, 2, name_field, 1), "objs");
    NULL_ARG(ath_repo_update_many_fields(M_R, M_ITEMS, 2, NULL, 1), "fields");
}
static void repo_update_many(void)
{
    NULL_ARG(ath_repo_update_many(NULL, M_ITEMS, 2), "repo");
    NULL_ARG(ath_repo_update_many(M_R, NULL, 2), "objs");
}
static void repo_upsert(void)
{
    NULL_ARG(ath_repo_upsert(NULL, &M_ITEM, NULL, 0), "repo");
    NULL_ARG(ath_repo_upsert(M_R, NULL, NULL, 0), "obj");
    NULL_ARG(ath_repo_upsert(M_R, &M_ITEM, NULL, 1), "match_fields");
}
static void repo_upsert_many(void)
{
    NULL_ARG(ath_repo_upsert_many(NULL, M_ITEMS, 2, NULL, 0), "repo");
    NULL_ARG(ath_repo_upsert_many(M_R, NULL, 2, NULL, 0), "objs");
    NULL_ARG(ath_repo_upsert_many(M_R, M_ITEMS, 2, NULL, 1), "match_fields");
}
static void repo_get_or_upsert(void)
{
    bool created;
    NULL_ARG(ath_repo_get_or_upsert(NULL, &M_ITEM, name_field, 1, false, &created), "repo");
    NULL_ARG(ath_repo_get_or_upsert(M_R, NULL, name_field, 1, false, &created), "obj");
    NULL_ARG(ath_repo_get_or_upsert(M_R, &M_ITEM, NULL, 1, false, &created), "match_fields");
}
static void repo_get_and_update(void)
{
    bool updated;
    NULL_ARG(ath_repo_get_and_update(NULL, &M_ITEM, name_field, 1, NULL, 0, &updated), "repo");
    NULL_ARG(ath_repo_get_and_update(M_R, NULL, name_field, 1, NULL, 0, &updated), "obj");
    NULL_ARG(ath_repo_get_and_update(M_R, &M_ITEM, NULL, 1, NULL, 0, &updated), "match_fields");
    NULL_ARG(ath_repo_get_and_update(M_R, &M_ITEM, name_field, 1, NULL, 1, &updated), "fields");
}
static void repo_delete(void)
{
    ath_value key = ath_v_i64(1);
    NULL_ARG(ath_repo_delete(NULL, &key, 1, NULL), "repo");
    NULL_ARG(ath_repo_delete(M_R, NULL, 1, NULL), "key");
}
static void repo_delete_object(void)
{
    NULL_ARG(ath_repo_delete_object(NULL, &M_ITEM), "repo");
    NULL_ARG(ath_repo_delete_object(M_R, NULL), "obj");
}
static void repo_delete_many(void)
{
    ath_value keys[2] = {ath_v_i64(1), ath_v_i64(2)};
    int64_t n;
    NULL_ARG(ath_repo_delete_many(NULL, keys, 2, &n), "repo");
    NULL_ARG(ath_repo_delete_many(M_R, NULL, 2, &n), "keys");
}
static void repo_delete_where(void)
{
    int64_t n;
    NULL_ARG(ath_repo_delete_where(NULL, &n, one_filter, 1), "repo");
    NULL_ARG(ath_repo_delete_where(M_R, &n, NULL, 1), "filters");
}
static void repo_get(void)
{
    Item out;
    ath_value key = ath_v_i64(1);
    NULL_ARG(ath_repo_get(NULL, &out, &key, 1), "repo");
    NULL_ARG(ath_repo_get(M_R, NULL, &key, 1), "out");
    NULL_ARG(ath_repo_get(M_R, &out, NULL, 1), "key");
}
static void repo_get_load(void)
{
    Item out;
    ath_value key = ath_v_i64(1);
    const char *const path[] = {"x"};
    NULL_ARG(ath_repo_get_load(NULL, &out, &key, 1, path, 1), "repo");
    NULL_ARG(ath_repo_get_load(M_R, NULL, &key, 1, path, 1), "out");
    NULL_ARG(ath_repo_get_load(M_R, &out, NULL, 1, path, 1), "key");
    NULL_ARG(ath_repo_get_load(M_R, &out, &key, 1, NULL, 1), "load");
}
static void repo_get_opts(void)
{
    Item out;
    ath_value key = ath_v_i64(1);
    NULL_ARG(ath_repo_get_opts(NULL, &out, &key, 1, ATH_OPT_FOR_UPDATE), "repo");
    NULL_ARG(ath_repo_get_opts(M_R, NULL, &key, 1, ATH_OPT_FOR_UPDATE), "out");
    NULL_ARG(ath_repo_get_opts(M_R, &out, NULL, 1, ATH_OPT_FOR_UPDATE), "key");
}
static void repo_get_or_upsert_fields(void)
{
    bool created;
    NULL_ARG(ath_repo_get_or_upsert_fields(NULL, &M_ITEM, name_field, 1, NULL, 0, true, &created),
             "repo");
    NULL_ARG(ath_repo_get_or_upsert_fields(M_R, NULL, name_field, 1, NULL, 0, true, &created),
             "obj");
    NULL_ARG(ath_repo_get_or_upsert_fields(M_R, &M_ITEM, NULL, 1, NULL, 0, true, &created),
             "match_fields");
    NULL_ARG(ath_repo_get_or_upsert_fields(M_R, &M_ITEM, name_field, 1, NULL, 1, true, &created),
             "fields");
}
static void repo_get_and_update_opts(void)
{
    bool updated;
    NULL_ARG(ath_repo_get_and_update_opts(NULL, &M_ITEM, name_field, 1, NULL, 0, &updated,
                                          ATH_OPT_FOR_UPDATE),
             "repo");
    NULL_ARG(ath_repo_get_and_update_opts(M_R, NULL, name_field, 1, NULL, 0, &updated,
                                          ATH_OPT_FOR_UPDATE),
             "obj");
    NULL_ARG(
        ath_repo_get_and_update_opts(M_R, &M_ITEM, NULL, 1, NULL, 0, &updated, ATH_OPT_FOR_UPDATE),
        "match_fields");
    NULL_ARG(ath_repo_get_and_update_opts(M_R, &M_ITEM, name_field, 1, NULL, 1, &updated,
                                          ATH_OPT_FOR_UPDATE),
             "fields");
}
static void repo_get_one(void)
{
    Item out;
    NULL_ARG(ath_repo_get_one(NULL, &out, NULL, 0), "repo");
    NULL_ARG(ath_repo_get_one(M_R, NULL, NULL, 0), "out");
    NULL_ARG(ath_repo_get_one(M_R, &out, NULL, 1), "filters");
}
static void repo_get_one_or_none(void)
{
    Item out;
    bool found;
    NULL_ARG(ath_repo_get_one_or_none(NULL, &out, &found, NULL, 0), "repo");
    NULL_ARG(ath_repo_get_one_or_none(M_R, NULL, &found, NULL, 0), "out");
    NULL_ARG(ath_repo_get_one_or_none(M_R, &out, NULL, NULL, 0), "found");
    NULL_ARG(ath_repo_get_one_or_none(M_R, &out, &found, NULL, 1), "filters");
}
static void repo_list(void)
{
    ath_list *l = (ath_list *)1;
    NULL_ARG(ath_repo_list(M_R, NULL, NULL, 0), "out");
    NULL_ARG(ath_repo_list(NULL, &l, NULL, 0), "repo");
    CU_ASSERT_PTR_NULL(l);
    NULL_ARG(ath_repo_list(M_R, &l, NULL, 1), "filters");
}
static void repo_iter_open(void)
{
    ath_repo_iter *it = (ath_repo_iter *)1;
    NULL_ARG(ath_repo_iter_open(NULL, M_R, NULL, 0), "out");
    NULL_ARG(ath_repo_iter_open(&it, NULL, NULL, 0), "repo");
    CU_ASSERT_PTR_NULL(it);
    NULL_ARG(ath_repo_iter_open(&it, M_R, NULL, 1), "filters");
    CU_ASSERT_PTR_NULL(it);
}
static void repo_iter_next(void)
{
    Item out;
    ath_repo_iter *it = NULL;
    NULL_ARG(ath_repo_iter_next(NULL, &out), "iter");
    ASSERT_RC(ath_repo_iter_open(&it, M_R, NULL, 0), ATH_OK);
    /* checked by hand: the open iterator holds :memory:, which NULL_ARG would read */
    ASSERT_RC(ath_repo_iter_next(it, NULL), ATH_EINVAL);
    ASSERT_ERR_HAS("ath_repo_iter_next: out is NULL");
    ath_repo_iter_free(it);
    ASSERT_RC(ath_session_rollback(M_S), ATH_OK); /* the read's transaction holds :memory: */
}
static void repo_iter_free(void)
{
    NOOP(ath_repo_iter_free(NULL));
}
static void repo_add_graph(void)
{
    Item obj = {0};
    const char *const path[] = {"x"};
    NULL_ARG(ath_repo_add_graph(NULL, &obj, path, 1), "repo");
    NULL_ARG(ath_repo_add_graph(M_R, NULL, path, 1), "obj");
    NULL_ARG(ath_repo_add_graph(M_R, &obj, NULL, 1), "paths");
}
static void repo_list_load(void)
{
    ath_list *l = (ath_list *)1;
    const char *const path[] = {"x"};
    NULL_ARG(ath_repo_list_load(M_R, NULL, NULL, 0, path, 1), "out");
    NULL_ARG(ath_repo_list_load(NULL, &l, NULL, 0, path, 1), "repo");
    CU_ASSERT_PTR_NULL(l);
    NULL_ARG(ath_repo_list_load(M_R, &l, NULL, 1, path, 1), "filters");
    NULL_ARG(ath_repo_list_load(M_R, &l, NULL, 0, NULL, 1), "load");
}
static void repo_list_and_count(void)
{
    ath_list *l = NULL;
    int64_t total = 5;
    NULL_ARG(ath_repo_list_and_count(M_R, NULL, &total, NULL, 0), "out");
    NULL_ARG(ath_repo_list_and_count(M_R, &l, NULL, NULL, 0), "total");
    NULL_ARG(ath_repo_list_and_count(NULL, &l, &total, NULL, 0), "repo");
    NULL_ARG(ath_repo_list_and_count(M_R, &l, &total, NULL, 1), "filters");
    CU_ASSERT_PTR_NULL(l);
    ASSERT_I64(total, 0);
}
static void repo_count(void)
{
    int64_t n = 5;
    NULL_ARG(ath_repo_count(M_R, NULL, NULL, 0), "out");
    NULL_ARG(ath_repo_count(NULL, &n, NULL, 0), "repo");
    NULL_ARG(ath_repo_count(M_R, &n, NULL, 1), "filters");
}
static void repo_exists(void)
{
    bool b = true;
    NULL_ARG(ath_repo_exists(M_R, NULL, NULL, 0), "out");
    NULL_ARG(ath_repo_exists(NULL, &b, NULL, 0), "repo");
    NULL_ARG(ath_repo_exists(M_R, &b, NULL, 1), "filters");
    CU_ASSERT_FALSE(b);
}

/* --- lists ---------------------------------------------------------------------------------- */

static void list_count(void)
{
    NEUTRAL(ath_list_count(NULL) == 0, "list");
}
static void list_items(void)
{
    NEUTRAL(ath_list_items(NULL) == NULL, "list");
}
static void list_at(void)
{
    NEUTRAL(ath_list_at(NULL, 0) == NULL, "list");
}
static void list_cursor(void)
{
    NEUTRAL(ath_list_cursor(NULL) == NULL, "list");
}
static void list_free(void)
{
    NOOP(ath_list_free(NULL));
}

/* --- schema --------------------------------------------------------------------------------- */

static void create_all(void)
{
    NULL_ARG(ath_create_all(NULL, one_model, 1), "engine");
    NULL_ARG(ath_create_all(misuse_engine, NULL, 1), "models");
    REFUSED(ath_create_all(misuse_engine, null_model, 1), ATH_EINVAL,
            "ath_create_all: models[0] is NULL");
}
static void drop_all(void)
{
    NULL_ARG(ath_drop_all(NULL, one_model, 1), "engine");
    NULL_ARG(ath_drop_all(misuse_engine, NULL, 1), "models");
    REFUSED(ath_drop_all(misuse_engine, null_model, 1), ATH_EINVAL,
            "ath_drop_all: models[0] is NULL");
}
static void create_all_sql(void)
{
    char *sql = (char *)1;
    NULL_ARG(ath_create_all_sql(NULL, misuse_engine, one_model, 1), "out");
    NULL_ARG(ath_create_all_sql(&sql, NULL, one_model, 1), "engine");
    CU_ASSERT_PTR_NULL(sql);
    NULL_ARG(ath_create_all_sql(&sql, misuse_engine, NULL, 1), "models");
    REFUSED(ath_create_all_sql(&sql, misuse_engine, null_model, 1), ATH_EINVAL,
            "ath_create_all_sql: models[0] is NULL");
}

/* --- inspection ------------------------------------------------------------------------------ */

static void inspect(void)
{
    ath_catalog *c = (ath_catalog *)1;
    NULL_ARG(ath_inspect(NULL, M_S, NULL), "out");
    NULL_ARG(ath_inspect(&c, NULL, NULL), "session");
    CU_ASSERT_PTR_NULL(c);
}
static void catalog_count(void)
{
    NEUTRAL(ath_catalog_count(NULL) == 0, "catalog");
}
static void catalog_at(void)
{
    NEUTRAL(ath_catalog_at(NULL, 0) == NULL, "catalog");
}
static void catalog_find(void)
{
    NEUTRAL(ath_catalog_find(NULL, "misuse_item") == NULL, "catalog");
    ath_catalog *c = NULL;
    int rc = ath_inspect(&c, M_S, "misuse_item");
    ath_session_rollback(M_S); /* the catalog read's transaction holds :memory: */
    CU_ASSERT(rc == ATH_OK);
    NEUTRAL(ath_catalog_find(c, NULL) == NULL, "name");
    ath_catalog_free(c);
}
static void catalog_column_find(void)
{
    NEUTRAL(ath_catalog_column_find(NULL, "id") == NULL, "table");
    ath_catalog_table t = {.name = "t"};
    NEUTRAL(ath_catalog_column_find(&t, NULL) == NULL, "name");
}
static void catalog_free(void)
{
    NOOP(ath_catalog_free(NULL));
}

/* --- migrations ------------------------------------------------------------------------------ */

static const ath_migration one_migration[] = {{.revision = "0001", .name = "nothing"}};

static void migrator_options_init(void)
{
    NOOP(ath_migrator_options_init(NULL));
}
static void migrator_open(void)
{
    ath_migrator *m = (ath_migrator *)1;
    NULL_ARG(ath_migrator_open(NULL, misuse_engine, one_migration, 1, NULL), "out");
    NULL_ARG(ath_migrator_open(&m, NULL, one_migration, 1, NULL), "engine");
    CU_ASSERT_PTR_NULL(m);
    NULL_ARG(ath_migrator_open(&m, misuse_engine, NULL, 1, NULL), "migrations");
}
static void migrator_open_dir(void)
{
    ath_migrator *m = (ath_migrator *)1;
    NULL_ARG(ath_migrator_open_dir(NULL, misuse_engine, "/tmp", NULL), "out");
    NULL_ARG(ath_migrator_open_dir(&m, NULL, "/tmp", NULL), "engine");
    CU_ASSERT_PTR_NULL(m);
    NULL_ARG(ath_migrator_open_dir(&m, misuse_engine, NULL, NULL), "dir");
}
static void migrator_free(void)
{
    NOOP(ath_migrator_free(NULL));
}
static void migrator_count(void)
{
    NEUTRAL(ath_migrator_count(NULL) == 0, "migrator");
}
static void migrator_at(void)
{
    NEUTRAL(ath_migrator_at(NULL, 0) == NULL, "migrator");
}
static void migrate_upgrade(void)
{
    size_t n = 7;
    NULL_ARG(ath_migrate_upgrade(NULL, NULL, &n), "migrator");
    CU_ASSERT_EQUAL(n, 0);
}
static void migrate_downgrade(void)
{
    NULL_ARG(ath_migrate_downgrade(NULL, "base", NULL), "migrator");
}
static void migrate_stamp(void)
{
    NULL_ARG(ath_migrate_stamp(NULL, "base"), "migrator");
    ath_migrator *m = NULL;
    if (ath_migrator_open(&m, misuse_engine, one_migration, 1, NULL) == ATH_OK)
        NULL_ARG(ath_migrate_stamp(m, NULL), "revision");
    ath_migrator_free(m);
}
static void migrate_current(void)
{
    char *cur = (char *)1;
    NULL_ARG(ath_migrate_current(NULL, &cur), "migrator");
    CU_ASSERT_PTR_NULL(cur);
    ath_migrator *m = NULL;
    if (ath_migrator_open(&m, misuse_engine, one_migration, 1, NULL) == ATH_OK)
        NULL_ARG(ath_migrate_current(m, NULL), "out");
    ath_migrator_free(m);
}
static void migrate_history(void)
{
    const ath_migration_record *h = (const ath_migration_record *)1;
    size_t n = 3;
    NULL_ARG(ath_migrate_history(NULL, &h, &n), "migrator");
    CU_ASSERT_PTR_NULL(h);
    NULL_ARG(ath_migrate_history(NULL, NULL, &n), "out");
    NULL_ARG(ath_migrate_history(NULL, &h, NULL), "n");
}
static void migration_checksum(void)
{
    char buf[17] = "x";
    NEUTRAL((ath_migration_checksum(NULL, buf), buf[0] == '\0'), "migration");
    NEUTRAL((ath_migration_checksum(one_migration, NULL), true), "buf");
}
static void schema_compare(void)
{
    ath_schema_diff *d = (ath_schema_diff *)1;
    NULL_ARG(ath_schema_compare(NULL, misuse_engine, one_model, 1), "out");
    NULL_ARG(ath_schema_compare(&d, NULL, one_model, 1), "engine");
    CU_ASSERT_PTR_NULL(d);
    NULL_ARG(ath_schema_compare(&d, misuse_engine, NULL, 1), "models");
    REFUSED(ath_schema_compare(&d, misuse_engine, null_model, 1), ATH_EINVAL,
            "ath_schema_compare: models[0] is NULL");
}
static void create_all_check(void)
{
    ath_schema_diff *d = (ath_schema_diff *)1;
    NULL_ARG(ath_create_all_check(&d, NULL, one_model, 1), "engine");
    CU_ASSERT_PTR_NULL(d);
    NULL_ARG(ath_create_all_check(NULL, misuse_engine, NULL, 1), "models");
}
static void schema_diff_count(void)
{
    NEUTRAL(ath_schema_diff_count(NULL) == 0, "diff");
}
static void schema_diff_at(void)
{
    NEUTRAL(ath_schema_diff_at(NULL, 0) == NULL, "diff");
}
static void schema_diff_sql(void)
{
    NEUTRAL(ath_schema_diff_sql(NULL, true) == NULL, "diff");
}
static void schema_diff_write(void)
{
    NULL_ARG(ath_schema_diff_write(NULL, "/tmp", "0001", "x"), "diff");
}
static void schema_diff_free(void)
{
    NOOP(ath_schema_diff_free(NULL));
}

/* --- sessions ------------------------------------------------------------------------------- */

static void session_open(void)
{
    ath_session *s = (ath_session *)1;
    NULL_ARG(ath_session_open(NULL, misuse_engine), "out");
    NULL_ARG(ath_session_open(&s, NULL), "engine");
    CU_ASSERT_PTR_NULL(s);
}
static void session_close(void)
{
    NOOP(ath_session_close(NULL));
}
static void session_begin(void)
{
    NULL_ARG(ath_session_begin(NULL), "session");
}
static void session_commit(void)
{
    NULL_ARG(ath_session_commit(NULL), "session");
}
static void session_rollback(void)
{
    NULL_ARG(ath_session_rollback(NULL), "session");
}
static void session_in_transaction(void)
{
    NEUTRAL(!ath_session_in_transaction(NULL), "session");
}
static void session_failed(void)
{
    NEUTRAL(!ath_session_failed(NULL), "session");
}
static void session_savepoint(void)
{
    ath_savepoint sp;
    NULL_ARG(ath_session_savepoint(NULL, &sp), "session");
    NULL_ARG(ath_session_savepoint(M_S, NULL), "out");
}
static void session_release(void)
{
    NULL_ARG(ath_session_release(NULL, 1), "session");
}
static void session_rollback_to(void)
{
    NULL_ARG(ath_session_rollback_to(NULL, 1), "session");
}
static void session_execute(void)
{
    ath_result *r = (ath_result *)1;
    NULL_ARG(ath_session_execute(NULL, "DELETE FROM misuse_item", NULL, 0, &r), "session");
    CU_ASSERT_PTR_NULL(r);
    NULL_ARG(ath_session_execute(M_S, NULL, NULL, 0, &r), "sql");
    NULL_ARG(ath_session_execute(M_S, "DELETE FROM misuse_item WHERE id = ?", NULL, 1, NULL),
             "params");
}
static void session_affected(void)
{
    NEUTRAL(ath_session_affected(NULL) == 0, "session");
}
static void session_set(void)
{
    ath_value v = ath_v_text("t");
    ath_value hollow = {.type = ATH_T_TEXT, .u.s = {NULL, 3}};
    NULL_ARG(ath_session_set(NULL, "k", v), "session");
    NULL_ARG(ath_session_set(M_S, NULL, v), "key");
    REFUSED(ath_session_set(M_S, "k", hollow), ATH_EINVAL, "3 bytes at a NULL pointer");
}
static void session_get(void)
{
    ath_value v;
    NEUTRAL(!ath_session_get(NULL, "k", &v) && v.type == ATH_T_NULL, "session");
    NEUTRAL(!ath_session_get(M_S, NULL, &v) && v.type == ATH_T_NULL, "key");
    NEUTRAL(!ath_session_get(M_S, "k", NULL), "out");
}
static void session_engine(void)
{
    NEUTRAL(ath_session_engine(NULL) == NULL, "session");
}

/* --- routing (read replicas) ---------------------------------------------------------------- */

static void engine_add_replica(void)
{
    NULL_ARG(ath_engine_add_replica(NULL, "sqlite://"), "engine");
    NULL_ARG(ath_engine_add_replica(misuse_engine, NULL), "url");
}
static void engine_replica_count(void)
{
    NEUTRAL(ath_engine_replica_count(NULL) == 0, "engine");
}
static void session_set_route(void)
{
    NULL_ARG(ath_session_set_route(NULL, ATH_ROUTE_PRIMARY), "session");
    REFUSED(ath_session_set_route(M_S, (ath_route)7), ATH_EINVAL, "7 is not an ath_route");
}
static void session_routed(void)
{
    NEUTRAL(ath_session_routed(NULL) == ATH_ROUTED_NONE, "session");
}

/* --- raw results ---------------------------------------------------------------------------- */

static void result_next(void)
{
    NULL_ARG(ath_result_next(NULL), "result");
}
static void result_column_count(void)
{
    NEUTRAL(ath_result_column_count(NULL) == 0, "result");
}
static void result_column_name(void)
{
    NEUTRAL(ath_result_column_name(NULL, 0) == NULL, "result");
}
static void result_get(void)
{
    ath_value v;
    NULL_ARG(ath_result_get(NULL, 0, ATH_T_I64, &v), "result");
    NULL_ARG(ath_result_get(NULL, 0, ATH_T_I64, NULL), "out");
}
static void result_i64(void)
{
    NEUTRAL(ath_result_i64(NULL, 0) == 0, "result");
}
static void result_double(void)
{
    NEUTRAL(ath_result_double(NULL, 0) == 0.0, "result");
}
static void result_text(void)
{
    NEUTRAL(ath_result_text(NULL, 0) == NULL, "result");
}
static void result_affected(void)
{
    NEUTRAL(ath_result_affected(NULL) == 0, "result");
}
static void result_free(void)
{
    NOOP(ath_result_free(NULL));
}

/* --- URLs ----------------------------------------------------------------------------------- */

static void url_parse(void)
{
    ath_url *u = (ath_url *)1;
    NULL_ARG(ath_url_parse(NULL, "sqlite://"), "out");
    NULL_ARG(ath_url_parse(&u, NULL), "text");
    CU_ASSERT_PTR_NULL(u);
}
static void url_free(void)
{
    NOOP(ath_url_free(NULL));
}
static void url_dialect(void)
{
    NEUTRAL(ath_url_dialect(NULL) == NULL, "url");
}
static void url_driver(void)
{
    NEUTRAL(ath_url_driver(NULL) == NULL, "url");
}
static void url_username(void)
{
    NEUTRAL(ath_url_username(NULL) == NULL, "url");
}
static void url_password(void)
{
    NEUTRAL(ath_url_password(NULL) == NULL, "url");
}
static void url_host(void)
{
    NEUTRAL(ath_url_host(NULL) == NULL, "url");
}
static void url_port(void)
{
    NEUTRAL(ath_url_port(NULL) == 0, "url");
}
static void url_database(void)
{
    NEUTRAL(ath_url_database(NULL) == NULL, "url");
}
static void url_query_get(void)
{
    NEUTRAL(ath_url_query_get(NULL, "k") == NULL, "url");
    NEUTRAL(ath_url_query_get(M_U, NULL) == NULL, "key");
}
static void url_query_count(void)
{
    NEUTRAL(ath_url_query_count(NULL) == 0, "url");
}
static void url_query_at(void)
{
    const char *k = "x", *v = "y";
    NULL_ARG(ath_url_query_at(NULL, 0, &k, &v), "url");
    CU_ASSERT_PTR_NULL(k);
    CU_ASSERT_PTR_NULL(v);
}
static void url_render(void)
{
    char buf[64];
    NULL_ARG(ath_url_render(NULL, true, buf, sizeof buf), "url");
    NULL_ARG(ath_url_render(M_U, true, NULL, 10), "buf");
}

/* --- values --------------------------------------------------------------------------------- */

static void type_name(void)
{
    HOLDS(strcmp(ath_type_name((ath_type)999), "?") == 0);
    HOLDS(strcmp(ath_type_name((ath_type)-1), "?") == 0);
}
static void timestamp_now(void)
{
    HOLDS(ath_timestamp_now() > 0);
}
static void timestamp_format(void)
{
    NULL_ARG(ath_timestamp_format(0, false, NULL, 10), "buf");
}
static void timestamp_parse(void)
{
    ath_timestamp t;
    NULL_ARG(ath_timestamp_parse(NULL, "2024-01-01", 10), "out");
    NULL_ARG(ath_timestamp_parse(&t, NULL, 10), "text");
}
static void timestamp_from_parts(void)
{
    NULL_ARG(ath_timestamp_from_parts(NULL, 2024, 1, 1, 0, 0, 0, 0), "out");
}
static void date_format(void)
{
    NULL_ARG(ath_date_format(0, NULL, 10), "buf");
}
static void date_parse(void)
{
    ath_date d;
    NULL_ARG(ath_date_parse(NULL, "2024-01-01", 10), "out");
    NULL_ARG(ath_date_parse(&d, NULL, 10), "text");
}
static void date_from_parts(void)
{
    NULL_ARG(ath_date_from_parts(NULL, 2024, 1, 1), "out");
}
static void uuid_format(void)
{
    ath_uuid u = {{0}};
    char buf[ATH_UUID_TEXT_MAX];
    NULL_ARG(ath_uuid_format(NULL, buf, sizeof buf), "u");
    NULL_ARG(ath_uuid_format(&u, NULL, sizeof buf), "buf");
}
static void uuid_parse(void)
{
    ath_uuid u;
    NULL_ARG(ath_uuid_parse(NULL, "00000000-0000-0000-0000-000000000000", 36), "out");
    NULL_ARG(ath_uuid_parse(&u, NULL, 36), "text");
}
static void uuid_is_nil(void)
{
    NEUTRAL(ath_uuid_is_nil(NULL), "u");
}
static void version(void)
{
    HOLDS(ath_version() == ATH_VERSION_NUMBER);
}
static void version_string(void)
{
    HOLDS(strcmp(ath_version_string(), ATH_VERSION_STRING) == 0);
}

/* --- the standard mixins (libathanor_mixins) ------------------------------------------------ */

static void soft_delete_restore(void)
{
    ath_value key = ath_v_i64(1);
    NULL_ARG(ath_soft_delete_restore(NULL, &key, 1), "repo");
    NULL_ARG(ath_soft_delete_restore(M_R, NULL, 1), "key");
    REFUSED(ath_soft_delete_restore(M_R, &key, 1), ATH_EINVAL, "no soft_delete mixin");
}
static void slug_get(void)
{
    Item out;
    NULL_ARG(ath_slug_get(NULL, &out, "anvil"), "repo");
    NULL_ARG(ath_slug_get(M_R, NULL, "anvil"), "out");
    NULL_ARG(ath_slug_get(M_R, &out, NULL), "slug");
    REFUSED(ath_slug_get(M_R, &out, "anvil"), ATH_EINVAL, "no slug mixin");
}
static void slugify(void)
{
    char buf[16];
    NULL_ARG(ath_slugify(NULL, sizeof buf, "Hello"), "out");
    NULL_ARG(ath_slugify(buf, sizeof buf, NULL), "text");
}
static void unique_get_or_create(void)
{
    bool created;
    NULL_ARG(ath_unique_get_or_create(NULL, &M_ITEM, &created), "repo");
    NULL_ARG(ath_unique_get_or_create(M_R, NULL, &created), "obj");
    NULL_ARG(ath_unique_get_or_create(M_R, &M_ITEM, NULL), "created");
    REFUSED(ath_unique_get_or_create(M_R, &M_ITEM, &created), ATH_EINVAL, "no ath_unique mixin");
}

#ifdef ATH_FAULT_INJECTION
/* The allocation-failure hooks a fault-injection build exports (core/fault.h; tests only). */
void ath_fault_fail_after(long n);
long ath_fault_calls(void);
static void fault_fail_after(void)
{
    HOLDS((ath_fault_fail_after(-1), true)); /* disabled: nothing fails */
}
static void fault_calls(void)
{
    HOLDS(ath_fault_calls() >= 0);
}
#endif

#define E(name)                                                                                    \
    {                                                                                              \
        "ath_" #name, name                                                                         \
    }
const misuse_entry null_table[] = {
    E(driver_register),
    E(drivers_list),
    E(drivers_list_free),
    E(driver_find),
    E(driver_host_default),
    E(engine_options_init),
    E(engine_create),
    E(engine_create_opts),
    E(engine_dispose),
    E(engine_dialect),
    E(engine_nonblocking),
    E(async_create),
    E(async_free),
    E(async_process),
    E(async_timeout),
    E(async_next_timeout),
    E(async_fds),
    E(async_pending),
    E(async_run),
    E(async_session_open),
    E(async_session_session),
    E(async_session_close),
    E(async_call),
    E(async_cancel),
    E(async_op_id),
    E(async_op_session),
    E(async_op_name),
    ATH_ASYNC_MISUSE_ENTRIES
    E(engine_render_url),
    E(engine_pool_status),
    E(error_last),
    E(error_clear),
    E(error_set),
    E(code_name),
    E(code_text),
    E(mixin_get),
    E(mixin_set),
    E(mixin_unset),
    E(mixin_column),
    E(mixin_column_value),
    E(repo_role_column),
    E(repo_key_columns),
    E(model_validate),
    E(field_column),
    E(model_free_fields),
    E(model_free_owned),
    E(columns_open),
    E(columns_free),
    E(columns_model),
    E(columns_count),
    E(columns_at),
    E(columns_find),
    E(columns_get),
    E(columns_set),
    E(repo_open),
    E(repo_open_opts),
    E(repo_free),
    E(repo_model),
    E(repo_session),
    E(repo_add),
    E(repo_add_many),
    E(repo_update),
    E(repo_update_fields),
    E(repo_update_where),
    E(repo_update_many),
    E(repo_update_many_fields),
    E(repo_upsert),
    E(repo_upsert_many),
    E(repo_get_or_upsert),
    E(repo_get_or_upsert_fields),
    E(repo_get_and_update),
    E(repo_get_and_update_opts),
    E(repo_delete),
    E(repo_delete_object),
    E(repo_delete_many),
    E(repo_delete_where),
    E(repo_get),
    E(repo_get_load),
    E(repo_list_load),
    E(repo_add_graph),
    E(repo_get_one),
    E(repo_get_one_or_none),
    E(repo_get_opts),
    E(repo_list),
    E(repo_iter_open),
    E(repo_iter_next),
    E(repo_iter_free),
    E(repo_list_and_count),
    E(repo_count),
    E(repo_exists),
    E(list_count),
    E(list_items),
    E(list_at),
    E(list_cursor),
    E(list_free),
    E(create_all),
    E(drop_all),
    E(create_all_sql),
    E(inspect),
    E(catalog_count),
    E(catalog_at),
    E(catalog_find),
    E(catalog_column_find),
    E(catalog_free),
    E(migrator_options_init),
    E(migrator_open),
    E(migrator_open_dir),
    E(migrator_free),
    E(migrator_count),
    E(migrator_at),
    E(migrate_upgrade),
    E(migrate_downgrade),
    E(migrate_stamp),
    E(migrate_current),
    E(migrate_history),
    E(migration_checksum),
    E(schema_compare),
    E(create_all_check),
    E(schema_diff_count),
    E(schema_diff_at),
    E(schema_diff_sql),
    E(schema_diff_write),
    E(schema_diff_free),
    E(session_open),
    E(session_close),
    E(session_begin),
    E(session_commit),
    E(session_rollback),
    E(session_in_transaction),
    E(session_failed),
    E(session_savepoint),
    E(session_release),
    E(session_rollback_to),
    E(session_execute),
    E(session_affected),
    E(session_set),
    E(session_get),
    E(session_engine),
    E(engine_add_replica),
    E(engine_replica_count),
    E(session_set_route),
    E(session_routed),
    E(result_next),
    E(result_column_count),
    E(result_column_name),
    E(result_get),
    E(result_i64),
    E(result_double),
    E(result_text),
    E(result_affected),
    E(result_free),
    E(url_parse),
    E(url_free),
    E(url_dialect),
    E(url_driver),
    E(url_username),
    E(url_password),
    E(url_host),
    E(url_port),
    E(url_database),
    E(url_query_get),
    E(url_query_count),
    E(url_query_at),
    E(url_render),
    E(type_name),
    E(timestamp_now),
    E(timestamp_format),
    E(timestamp_parse),
    E(timestamp_from_parts),
    E(date_format),
    E(date_parse),
    E(date_from_parts),
    E(uuid_format),
    E(uuid_parse),
    E(uuid_is_nil),
    E(version),
    E(version_string),
    E(soft_delete_restore),
    E(slug_get),
    E(slugify),
    E(unique_get_or_create),
#ifdef ATH_FAULT_INJECTION
    E(fault_fail_after),
    E(fault_calls),
#endif
    {NULL, NULL},
};

/* --- filters holding NULLs, through ath_repo_list (the constructors are inline) --------------- */

static void list_with(ath_filter f, const char *text)
{
    ath_list *l = (ath_list *)1;
    REFUSED(ath_repo_list(M_R, &l, &f, 1), ATH_EINVAL, text);
    CU_ASSERT_PTR_NULL(l);
}

static void null_filters(void)
{
    list_with(ath_where(NULL, ATH_EQ, ath_v_i64(1)), "unknown column '(null)'");
    list_with(ath_between(NULL, ath_v_i64(1), ath_v_i64(2)), "unknown column '(null)'");
    list_with(ath_collection("id", NULL, 2), "has no values");
    list_with(ath_collection(NULL, NULL, 0), "unknown column '(null)'");
    list_with(ath_not_in_collection("id", NULL, 3), "has no values");
    list_with(ath_before_after(NULL, ath_v_null(), ath_v_null()), "unknown column '(null)'");
    list_with(ath_search(NULL, "x", true), "needs columns and text");
    list_with(ath_search("name", NULL, false), "needs columns and text");
    list_with(ath_not_search(NULL, NULL, true), "needs columns and text");
    list_with(ath_order_by(NULL, false), "unknown column '(null)' in order_by");
    list_with(ath_any(NULL, 2), "says 2 children but gives none");
    list_with(ath_all(NULL, 1), "says 1 children but gives none");
    list_with(ath_exists(NULL, NULL, 0), "needs a related model");
    list_with(ath_not_exists(&Item_model, NULL, 2), "");
    /* ath_after(NULL) is documented as "the first page": a plain list, nothing refused */
    ath_list *l = NULL;
    ath_filter first = ath_after(NULL);
    int rc = ath_repo_list(M_R, &l, &first, 1);
    size_t n = ath_list_count(l);
    ath_list_free(l);
    ASSERT_RC(ath_session_rollback(M_S), ATH_OK); /* the read's transaction holds :memory: */
    HOLDS(rc == ATH_OK && n == 3);
    list_with(ath_where("name", ATH_EQ, (ath_value){.type = ATH_T_TEXT, .u.s = {NULL, 4}}),
              "4 bytes of text at a NULL pointer");
}

/* Values whose bytes are missing: a length with a NULL pointer, bound as parameters. */
static void hollow_values(void)
{
    ath_value text = {.type = ATH_T_TEXT, .u.s = {NULL, 5}};
    ath_value blob = {.type = ATH_T_BLOB, .u.s = {NULL, 3}};
    ath_value json = {.type = ATH_T_JSON, .u.s = {NULL, 2}};
    REFUSED(
        ath_session_execute(M_S, "UPDATE misuse_item SET name = ? WHERE id = 1", &text, 1, NULL),
        ATH_EINVAL, "parameter 1: 5 bytes of text at a NULL pointer");
    REFUSED(ath_session_execute(M_S, "SELECT ?", &blob, 1, NULL), ATH_EINVAL,
            "parameter 1: 3 bytes of blob at a NULL pointer");
    REFUSED(ath_session_execute(M_S, "SELECT ?", &json, 1, NULL), ATH_EINVAL,
            "2 bytes of json at a NULL pointer");
    const char *const fields[] = {"name"};
    int64_t n;
    REFUSED(ath_repo_update_where(M_R, &n, fields, &text, 1, NULL, 0), ATH_EINVAL,
            "5 bytes of text at a NULL pointer");
}

const misuse_entry filter_table[] = {
    {"filters holding NULLs", null_filters},
    {"values with a length and no bytes", hollow_values},
    {NULL, NULL},
};
