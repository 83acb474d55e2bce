/*
 * soft_delete: deletes set deleted_at and leave the row in the table (raw COUNT(*) sees it);
 * reads and counts exclude it unless asked; restore brings it back.
 */
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "mx.h"

/* --- models
 * --------------------------------------------------------------------------------------- */

#define SD_M_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(name, text)
#define SD_M_MIXINS(M) M(SOFT_DELETE)
ATH_MODEL_WITH(SdM, "mx_sd_m", SD_M_FIELDS, SD_M_MIXINS);

typedef struct SdP {
    int64_t id;
    char *name;
    ath_opt_timestamp removed;
} SdP;
static const ath_field sd_p_fields[] = {
    ATH_FIELD(SdP, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(SdP, name, text),
};
static const ath_mixin_use sd_p_mixins[] = {
    ATH_ATTACH(ath_soft_delete, NULL, ATH_BIND(SdP, "deleted_at", removed)),
};
static const ath_model SdP_model =
    ATH_MODEL_OF(SdP, "mx_sd_p", sd_p_fields, ATH_MIXINS(sd_p_mixins));

/* No soft delete at all: restore refuses it. */
typedef struct SdNone {
    int64_t id;
    char *name;
} SdNone;
static const ath_field sd_none_fields[] = {
    ATH_FIELD(SdNone, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(SdNone, name, text),
};
static const ath_model SdNone_model = ATH_MODEL_OF(SdNone, "mx_sd_none", sd_none_fields);

const ath_model *const soft_delete_models[] = {&SdM_model, &SdP_model, &SdNone_model};
const size_t soft_delete_nmodels = sizeof soft_delete_models / sizeof soft_delete_models[0];

/* --- styles
 * --------------------------------------------------------------------------------------- */

typedef struct sd_style {
    const ath_model *model;
    size_t id, name, deleted;
} sd_style;

static const sd_style sd_macro = {&SdM_model, offsetof(SdM, id), offsetof(SdM, name),
                                  offsetof(SdM, deleted_at)};
static const sd_style sd_plain = {&SdP_model, offsetof(SdP, id), offsetof(SdP, name),
                                  offsetof(SdP, removed)};

#define ID(o)      MX_AT(o, st->id, int64_t)
#define NAME(o)    MX_AT(o, st->name, const char *)
#define DELETED(o) MX_AT(o, st->deleted, ath_opt_timestamp)

typedef struct seeded {
    int64_t a, b, c;
} seeded;

/* Rows "a", "b", "c", committed. */
static seeded seed(ath_session *s, ath_repo *r, const sd_style *st)
{
    static const char *const names[] = {"a", "b", "c"};
    int64_t ids[3];
    for (size_t i = 0; i < 3; i++) {
        void *o = mx_obj(st->model);
        NAME(o) = names[i];
        ASSERT_RC(ath_repo_add(r, o), ATH_OK);
        ids[i] = ID(o);
        CU_ASSERT_FATAL(ids[i] > 0);
        CU_ASSERT_FALSE(DELETED(o).set);
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    return (seeded){ids[0], ids[1], ids[2]};
}

static int64_t raw_deleted(ath_session *s, const sd_style *st)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE deleted_at IS NOT NULL",
             st->model->table);
    return sql_i64(s, sql, NULL, 0);
}

/* The raw deleted_at of row id (INT64_MIN for NULL). */
static ath_timestamp raw_deleted_at(ath_session *s, const sd_style *st, int64_t id)
{
    char sql[160];
    ath_value k = ath_v_i64(id);
    snprintf(sql, sizeof sql, "SELECT deleted_at FROM %s WHERE id = ?", st->model->table);
    return sql_ts(s, sql, &k, 1);
}

static int64_t visible(ath_repo *r, bool include_deleted)
{
    int64_t n = -1;
    if (include_deleted)
        ASSERT_RC(ath_repo_count(r, &n, ATH_FILTERS(ath_options(ATH_OPT_INCLUDE_DELETED))), ATH_OK);
    else
        ASSERT_RC(ath_repo_count(r, &n, ATH_NO_FILTERS), ATH_OK);
    return n;
}

static const char *const name_field[] = {"name"};

/* --- tests
 * ---------------------------------------------------------------------------------------- */

static void delete_keeps_row(const sd_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    seeded k = seed(s, r, st);
    ath_timestamp t0 = ath_timestamp_now();
    ath_value key = ath_v_i64(k.a);
    ASSERT_RC(ath_repo_delete(r, &key, 1, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_timestamp t1 = ath_timestamp_now();
    ASSERT_I64(sql_count(s, st->model->table), 3); /* still in the table */
    ASSERT_I64(raw_deleted(s, st), 1);
    ASSERT_BETWEEN(raw_deleted_at(s, st, k.a), t0, t1);
    ASSERT_I64(raw_deleted_at(s, st, k.b), INT64_MIN); /* NULL */
    mx_end();
}

static void delete_with_out_param(const sd_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    seeded k = seed(s, r, st);
    void *gone = mx_obj(st->model);
    ath_value key = ath_v_i64(k.b);
    ASSERT_RC(ath_repo_delete(r, &key, 1, gone), ATH_OK);
    ASSERT_STR(NAME(gone), "b");
    ath_model_free_fields(st->model, gone);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, st->model->table), 3);
    ASSERT_I64(raw_deleted(s, st), 1);
    mx_end();
}

static void delete_many_keeps_rows(const sd_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    seeded k = seed(s, r, st);
    int64_t n = 0;
    ASSERT_RC(ath_repo_delete_many(r, ATH_VALUES(ath_v_i64(k.a), ath_v_i64(k.b)), &n), ATH_OK);
    ASSERT_I64(n, 2);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, st->model->table), 3);
    ASSERT_I64(raw_deleted(s, st), 2);
    ASSERT_I64(visible(r, false), 1);
    mx_end();
}

static void delete_where_keeps_rows(const sd_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    seed(s, r, st);
    int64_t n = 0;
    ASSERT_RC(ath_repo_delete_where(r, &n,
                                    ATH_FILTERS(ath_collection(
                                        "name", ATH_VALUES(ath_v_text("b"), ath_v_text("c"))))),
              ATH_OK);
    ASSERT_I64(n, 2);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, st->model->table), 3);
    ASSERT_I64(raw_deleted(s, st), 2);
    ASSERT_I64(visible(r, false), 1);
    mx_end();
}

static void delete_object_keeps_row(const sd_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    seeded k = seed(s, r, st);
    void *o = mx_obj(st->model);
    ID(o) = k.c;
    NAME(o) = "c";
    ASSERT_RC(ath_repo_delete_object(r, o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, st->model->table), 3);
    ASSERT_I64(raw_deleted(s, st), 1);
    CU_ASSERT(raw_deleted_at(s, st, k.c) != INT64_MIN);
    mx_end();
}

static void reads_exclude_deleted(const sd_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    seeded k = seed(s, r, st);
    ath_value key = ath_v_i64(k.a);
    ASSERT_RC(ath_repo_delete(r, &key, 1, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    char names[128];

    void *o = mx_obj(st->model);
    ASSERT_RC(ath_repo_get(r, o, &key, 1), ATH_ENOTFOUND);
    ASSERT_RC(ath_repo_get_one(r, o, ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("a")))),
              ATH_ENOTFOUND);
    ASSERT_STR(mx_names(mx_list(r, ATH_NO_FILTERS), st->name, names, sizeof names), "b|c");
    ASSERT_I64(visible(r, false), 2);
    bool exists = true;
    ASSERT_RC(ath_repo_exists(r, &exists, ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("a")))),
              ATH_OK);
    CU_ASSERT_FALSE(exists);
    ath_list *l = NULL;
    int64_t total = -1;
    ASSERT_RC(ath_repo_list_and_count(r, &l, &total, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(total, 2);
    ASSERT_I64(ath_list_count(l), 2);
    ath_list_free(l);

    /* asked to, they include it */
    ath_filter inc = ath_options(ATH_OPT_INCLUDE_DELETED);
    ASSERT_STR(mx_names(mx_list(r, &inc, 1), st->name, names, sizeof names), "a|b|c");
    ASSERT_I64(visible(r, true), 3);
    ASSERT_RC(
        ath_repo_exists(r, &exists, ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("a")), inc)),
        ATH_OK);
    CU_ASSERT(exists);
    ASSERT_RC(ath_repo_get_one(r, o, ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("a")), inc)),
              ATH_OK);
    ASSERT_I64(ID(o), k.a);
    CU_ASSERT(DELETED(o).set);
    ASSERT_I64(DELETED(o).value, raw_deleted_at(s, st, k.a));
    ath_model_free_fields(st->model, o);
    mx_end();
}

static void delete_deleted_is_notfound(const sd_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    seeded k = seed(s, r, st);
    ath_value key = ath_v_i64(k.a);
    ASSERT_RC(ath_repo_delete(r, &key, 1, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_timestamp first = raw_deleted_at(s, st, k.a);

    ASSERT_RC(ath_repo_delete(r, &key, 1, NULL), ATH_ENOTFOUND);
    int64_t n = -1;
    ASSERT_RC(ath_repo_delete_many(r, &key, 1, &n), ATH_OK);
    ASSERT_I64(n, 0);
    ASSERT_RC(ath_repo_delete_where(r, &n, ATH_FILTERS(ath_where("id", ATH_EQ, key))), ATH_OK);
    ASSERT_I64(n, 0);
    void *o = mx_obj(st->model);
    ID(o) = k.a;
    NAME(o) = "a";
    ASSERT_RC(ath_repo_delete_object(r, o), ATH_ENOTFOUND);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(raw_deleted_at(s, st, k.a), first); /* the first deletion's time stays */
    ASSERT_I64(sql_count(s, st->model->table), 3);
    mx_end();
}

static void restore_brings_back(const sd_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    seeded k = seed(s, r, st);
    ath_value key = ath_v_i64(k.b);
    ASSERT_RC(ath_repo_delete(r, &key, 1, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(visible(r, false), 2);

    ASSERT_RC(ath_soft_delete_restore(r, &key, 1), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(raw_deleted_at(s, st, k.b), INT64_MIN);
    ASSERT_I64(raw_deleted(s, st), 0);
    void *o = mx_obj(st->model);
    ASSERT_RC(ath_repo_get(r, o, &key, 1), ATH_OK);
    ASSERT_STR(NAME(o), "b");
    CU_ASSERT_FALSE(DELETED(o).set);
    ath_model_free_fields(st->model, o);
    ASSERT_I64(visible(r, false), 3);

    /* not deleted (any more), or no such row: nothing to restore */
    ASSERT_RC(ath_soft_delete_restore(r, &key, 1), ATH_ENOTFOUND);
    ath_value nokey = ath_v_i64(k.c + 1000);
    ASSERT_RC(ath_soft_delete_restore(r, &nokey, 1), ATH_ENOTFOUND);
    mx_end();
}

static void update_of_deleted_is_notfound(const sd_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    seeded k = seed(s, r, st);
    ath_value key = ath_v_i64(k.a);
    ASSERT_RC(ath_repo_delete(r, &key, 1, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    void *o = mx_obj(st->model);
    ID(o) = k.a;
    NAME(o) = "changed";
    ASSERT_RC(ath_repo_update(r, o), ATH_ENOTFOUND);
    ASSERT_RC(ath_repo_update_fields(r, o, ATH_NAMES("name")), ATH_ENOTFOUND);
    int64_t n = -1;
    ath_value v = ath_v_text("changed");
    ASSERT_RC(
        ath_repo_update_where(r, &n, name_field, &v, 1, ATH_FILTERS(ath_where("id", ATH_EQ, key))),
        ATH_OK);
    ASSERT_I64(n, 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    char buf[64], sql[128];
    snprintf(sql, sizeof sql, "SELECT name FROM %s WHERE id = ?", st->model->table);
    ASSERT_STR(sql_text(s, buf, sizeof buf, sql, &key, 1), "a");
    mx_end();
}

#define BOTH(fn)                                                                                   \
    static void test_##fn##_macro(void)                                                            \
    {                                                                                              \
        fn(&sd_macro);                                                                             \
    }                                                                                              \
    static void test_##fn##_plain(void)                                                            \
    {                                                                                              \
        fn(&sd_plain);                                                                             \
    }
#define ENTRIES(fn)                                                                                \
    {#fn "_macro", test_##fn##_macro},                                                             \
    {                                                                                              \
#fn "_plain", test_##fn##_plain                                                            \
    }

BOTH(delete_keeps_row)
BOTH(delete_with_out_param)
BOTH(delete_many_keeps_rows)
BOTH(delete_where_keeps_rows)
BOTH(delete_object_keeps_row)
BOTH(reads_exclude_deleted)
BOTH(delete_deleted_is_notfound)
BOTH(restore_brings_back)
BOTH(update_of_deleted_is_notfound)

static void test_restore_needs_the_mixin(void)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, &SdNone_model);
    ath_value key = ath_v_i64(1);
    ASSERT_RC(ath_soft_delete_restore(r, &key, 1), ATH_EINVAL);
    ASSERT_ERR_HAS("soft_delete");
    mx_end();
}

/* Without the mixin a delete removes the row (the contrast the mixin makes). */
static void test_delete_without_the_mixin_removes(void)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, &SdNone_model);
    SdNone o = {0, "gone"};
    ASSERT_RC(ath_repo_add(r, &o), ATH_OK);
    ath_value key = ath_v_i64(o.id);
    ASSERT_RC(ath_repo_delete(r, &key, 1, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, "mx_sd_none"), 0);
    mx_end();
}

const test_case soft_delete_tests[] = {
    ENTRIES(delete_keeps_row),
    ENTRIES(delete_with_out_param),
    ENTRIES(delete_many_keeps_rows),
    ENTRIES(delete_where_keeps_rows),
    ENTRIES(delete_object_keeps_row),
    ENTRIES(reads_exclude_deleted),
    ENTRIES(delete_deleted_is_notfound),
    ENTRIES(restore_brings_back),
    ENTRIES(update_of_deleted_is_notfound),
    {"restore_needs_the_mixin", test_restore_needs_the_mixin},
    {"delete_without_the_mixin_removes", test_delete_without_the_mixin_removes},
    {NULL, NULL},
};

TEST_SUITE(soft_delete) { mx_add_group("soft-delete", soft_delete_tests, soft_delete_models, soft_delete_nmodels); }
