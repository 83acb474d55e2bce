/*
 * The lifetime tables: every function that takes a session or a repository, called on a session
 * that was closed (its memory kept alive by a repository), and every function that takes an
 * engine, a session or a repository after the engine was disposed.
 */
#include <string.h>

#include "misuse.h"

#define CLOSED "the session was closed"
#define DISPOSED "the engine was disposed"

static const char *const name_field[] = {"name"};

/* Every repository operation through M_R must be refused with `text` in the message. */
static void repo_ops(const char *text)
{
    Item it = {.id = 1, .name = "anvil"};
    Item two[2] = {{.id = 10, .name = "x"}, {.id = 11, .name = "y"}};
    Item out;
    ath_value key = ath_v_i64(1), keys[2] = {ath_v_i64(1), ath_v_i64(2)};
    ath_value v = ath_v_text("z");
    ath_filter f[1] = {ath_where("id", ATH_EQ, ath_v_i64(1))};
    int64_t n;
    bool b;
    ath_list *l = NULL;
    misuse_fn = "repository operations";
    REFUSED(ath_repo_add(M_R, &it), ATH_EINVAL, text);
    REFUSED(ath_repo_add_many(M_R, two, 2), ATH_EINVAL, text);
    REFUSED(ath_repo_update(M_R, &it), ATH_EINVAL, text);
    REFUSED(ath_repo_update_fields(M_R, &it, name_field, 1), ATH_EINVAL, text);
    REFUSED(ath_repo_update_where(M_R, &n, name_field, &v, 1, f, 1), ATH_EINVAL, text);
    REFUSED(ath_repo_update_many(M_R, two, 2), ATH_EINVAL, text);
    REFUSED(ath_repo_upsert(M_R, &it, NULL, 0), ATH_EINVAL, text);
    REFUSED(ath_repo_upsert_many(M_R, two, 2, NULL, 0), ATH_EINVAL, text);
    REFUSED(ath_repo_get_or_upsert(M_R, &it, name_field, 1, true, &b), ATH_EINVAL, text);
    REFUSED(ath_repo_get_and_update(M_R, &it, name_field, 1, NULL, 0, &b), ATH_EINVAL, text);
    REFUSED(ath_repo_delete(M_R, &key, 1, NULL), ATH_EINVAL, text);
    REFUSED(ath_repo_delete_object(M_R, &it), ATH_EINVAL, text);
    REFUSED(ath_repo_delete_many(M_R, keys, 2, &n), ATH_EINVAL, text);
    REFUSED(ath_repo_delete_where(M_R, &n, f, 1), ATH_EINVAL, text);
    REFUSED(ath_repo_get(M_R, &out, &key, 1), ATH_EINVAL, text);
    REFUSED(ath_repo_get_one(M_R, &out, f, 1), ATH_EINVAL, text);
    REFUSED(ath_repo_get_one_or_none(M_R, &out, &b, f, 1), ATH_EINVAL, text);
    REFUSED(ath_repo_list(M_R, &l, NULL, 0), ATH_EINVAL, text);
    CU_ASSERT_PTR_NULL(l);
    REFUSED(ath_repo_list_and_count(M_R, &l, &n, NULL, 0), ATH_EINVAL, text);
    REFUSED(ath_repo_count(M_R, &n, NULL, 0), ATH_EINVAL, text);
    REFUSED(ath_repo_exists(M_R, &b, NULL, 0), ATH_EINVAL, text);
    /* what needs no statement still answers from the repository's own memory */
    HOLDS(ath_repo_model(M_R) == &Item_model);
    HOLDS(ath_repo_session(M_R) == M_S);
    HOLDS(ath_repo_key_columns(M_R, NULL, 0) == 1);
}

static void closed_session(void)
{
    ath_savepoint sp = 7;
    ath_value v;
    ath_repo *r = (ath_repo *)1;
    ath_result *res = (ath_result *)1;
    misuse_fn = "session functions";
    REFUSED(ath_session_begin(M_S), ATH_EINVAL, "ath_session_begin: " CLOSED);
    REFUSED(ath_session_commit(M_S), ATH_EINVAL, "ath_session_commit: " CLOSED);
    REFUSED(ath_session_rollback(M_S), ATH_EINVAL, "ath_session_rollback: " CLOSED);
    REFUSED(ath_session_savepoint(M_S, &sp), ATH_EINVAL, "ath_session_savepoint: " CLOSED);
    CU_ASSERT_EQUAL(sp, 0);
    REFUSED(ath_session_release(M_S, 1), ATH_EINVAL, "ath_session_release: " CLOSED);
    REFUSED(ath_session_rollback_to(M_S, 1), ATH_EINVAL, "ath_session_rollback_to: " CLOSED);
    REFUSED(ath_session_execute(M_S, "DELETE FROM misuse_item", NULL, 0, &res), ATH_EINVAL,
            "ath_session_execute: " CLOSED);
    CU_ASSERT_PTR_NULL(res);
    REFUSED(ath_session_set(M_S, "k", ath_v_i64(1)), ATH_EINVAL, "ath_session_set: " CLOSED);
    REFUSED(ath_repo_open(&r, M_S, &Item_model), ATH_EINVAL, "ath_repo_open: " CLOSED);
    CU_ASSERT_PTR_NULL(r);
    HOLDS(!ath_session_in_transaction(M_S));
    HOLDS(!ath_session_failed(M_S));
    HOLDS(!ath_session_get(M_S, "k", &v) && v.type == ATH_T_NULL);
    HOLDS(ath_session_engine(M_S) == misuse_engine);
    NOOP(ath_session_close(M_S)); /* a second close while a repository keeps it: harmless */
}

static void closed_repository(void)
{
    repo_ops(CLOSED);
}

static void closed_mixins(void)
{
    Item it = {.id = 1};
    ath_value key = ath_v_i64(1);
    bool created;
    misuse_fn = "mixin operations";
    /* refused before a statement either way: these models lack the mixins */
    REFUSED(ath_soft_delete_restore(M_R, &key, 1), ATH_EINVAL, "soft_delete");
    REFUSED(ath_slug_get(M_R, &it, "anvil"), ATH_EINVAL, "slug");
    REFUSED(ath_unique_get_or_create(M_R, &it, &created), ATH_EINVAL, "unique");
}

const misuse_entry closed_table[] = {
    {"session functions", closed_session},
    {"repository operations", closed_repository},
    {"mixin operations", closed_mixins},
    {NULL, NULL},
};

/* --- after ath_engine_dispose: M_S and M_R were opened on the disposed engine `M_E` --------- */

extern ath_engine *M_E;

static void disposed_engine(void)
{
    const ath_model *const models[] = {&Item_model};
    ath_session *s = (ath_session *)1;
    char *sql = (char *)1;
    char buf[256];
    ath_pool_status st;
    misuse_fn = "engine functions";
    REFUSED(ath_session_open(&s, M_E), ATH_EINVAL, "ath_session_open: " DISPOSED);
    CU_ASSERT_PTR_NULL(s);
    REFUSED(ath_create_all(M_E, models, 1), ATH_EINVAL, "ath_create_all: " DISPOSED);
    REFUSED(ath_drop_all(M_E, models, 1), ATH_EINVAL, "ath_drop_all: " DISPOSED);
    REFUSED(ath_create_all_sql(&sql, M_E, models, 1), ATH_EINVAL,
            "ath_create_all_sql: " DISPOSED);
    CU_ASSERT_PTR_NULL(sql);
    /* the memory lives on for the session: what reads only it still answers */
    HOLDS(strcmp(ath_engine_dialect(M_E), ath_engine_dialect(misuse_engine)) == 0);
    HOLDS(ath_engine_render_url(M_E, buf, sizeof buf) > 0);
    HOLDS((ath_engine_pool_status(M_E, &st), st.open == 0 && st.checked_out == 0));
    NOOP(ath_engine_dispose(M_E)); /* a second dispose while a session keeps it: harmless */
}

static void disposed_session(void)
{
    ath_savepoint sp;
    misuse_fn = "session functions";
    REFUSED(ath_session_begin(M_S), ATH_EINVAL, DISPOSED);
    REFUSED(ath_session_savepoint(M_S, &sp), ATH_EINVAL, DISPOSED);
    REFUSED(ath_session_execute(M_S, "DELETE FROM misuse_item", NULL, 0, NULL), ATH_EINVAL,
            DISPOSED);
    /* nothing is open: ending nothing is fine */
    HOLDS(ath_session_commit(M_S) == ATH_OK);
    HOLDS(ath_session_rollback(M_S) == ATH_OK);
    HOLDS(!ath_session_in_transaction(M_S));
    HOLDS(ath_session_engine(M_S) == M_E);
}

static void disposed_repository(void)
{
    repo_ops(DISPOSED);
}

const misuse_entry disposed_table[] = {
    {"engine functions", disposed_engine},
    {"session functions", disposed_session},
    {"repository operations", disposed_repository},
    {NULL, NULL},
};
