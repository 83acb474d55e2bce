/*
 * The tenancy example's tests, once per URL in ATHANOR_TEST_URLS: tenant "acme" tries to read,
 * count, update, upsert and delete tenant "globex"'s rows by every repository call there is;
 * every attempt fails or touches nothing, and a raw SELECT shows globex's rows byte for byte as
 * they were. Both model styles: a macro-declared Note (M(TENANT)) and a plain struct Doc.
 * Usage: athanor_tenancy_tests [suite ...]
 */
#include <stdlib.h>
#include <string.h>

#include "mx.h"
#include "tenancy.h"

/* --- models
 * --------------------------------------------------------------------------------------- */

#define NOTE_FIELDS(F)                                                                             \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(code, text, .flags = ATH_UNIQUE, .max_length = 32) F(title, text) F(amount, i32)
#define NOTE_MIXINS(M) M(TENANT)
ATH_MODEL_WITH(Note, "tn_note", NOTE_FIELDS, NOTE_MIXINS);

typedef struct Doc { /* a plain struct: the tenant member is not a field, the binding adds it */
    int64_t id;
    char *code;
    char *title;
    int32_t amount;
    char *owner;
} Doc;
static const ath_field doc_fields[] = {
    ATH_FIELD(Doc, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Doc, code, text, .flags = ATH_UNIQUE, .max_length = 32),
    ATH_FIELD(Doc, title, text),
    ATH_FIELD(Doc, amount, i32),
};
static const ath_mixin_use doc_mixins[] = {
    ATH_ATTACH(tenant_mixin, NULL, ATH_BIND(Doc, "tenant_id", owner)),
};
static const ath_model Doc_model = ATH_MODEL_OF(Doc, "tn_doc", doc_fields, ATH_MIXINS(doc_mixins));

static const ath_model *const tenancy_models[] = {&Note_model, &Doc_model};

typedef struct tn_style {
    const ath_model *model;
    size_t id, code, title, amount, tenant;
} tn_style;

static const tn_style note_style = {
    &Note_model,           offsetof(Note, id),     offsetof(Note, code),
    offsetof(Note, title), offsetof(Note, amount), offsetof(Note, tenant_id)};
static const tn_style doc_style = {
    &Doc_model,           offsetof(Doc, id),     offsetof(Doc, code),
    offsetof(Doc, title), offsetof(Doc, amount), offsetof(Doc, owner)};

#define ID(o)     MX_AT(o, st->id, int64_t)
#define CODE(o)   MX_AT(o, st->code, const char *)
#define TITLE(o)  MX_AT(o, st->title, const char *)
#define AMOUNT(o) MX_AT(o, st->amount, int32_t)
#define TENANT(o) MX_AT(o, st->tenant, char *)

static const char *const name_field[] = {"title"};

/* A session acting as `tenant` (NULL: no tenant). */
static ath_session *as_tenant(const char *tenant)
{
    ath_session *s = mx_session();
    if (tenant)
        ASSERT_RC(tenant_use(s, tenant), ATH_OK);
    return s;
}

/* Adds a row as the session's tenant; frees the tenant string the mixin stamped. Returns id. */
static int64_t add_as(ath_repo *r, const tn_style *st, const char *code, const char *title,
                      int amount)
{
    void *o = mx_obj(st->model);
    CODE(o) = code;
    TITLE(o) = title;
    AMOUNT(o) = amount;
    ASSERT_RC(ath_repo_add(r, o), ATH_OK);
    free(TENANT(o));
    CU_ASSERT_FATAL(ID(o) > 0);
    return ID(o);
}

typedef struct world {
    int64_t a1, a2, b1, b2;
    const char *b_rows; /* globex's rows, raw, before acme tried anything */
} world;

static const ath_value *globex(void)
{
    static ath_value v;
    v = ath_v_text("globex");
    return &v;
}

static const char *globex_rows(ath_session *s, const tn_style *st)
{
    return sql_dump(s, st->model->table, "tenant_id = ?", "id", globex(), 1);
}

/* acme has a1, a2; globex has b1, b2. One session at a time (SQLite in memory has one). */
static world build(const tn_style *st)
{
    world w;
    mx_begin();
    mx_end();
    ath_session *b = as_tenant("globex");
    ath_repo *rb = mx_repo(b, st->model);
    w.b1 = add_as(rb, st, "B-1", "globex plan", 100);
    w.b2 = add_as(rb, st, "B-2", "globex secret", 200);
    ASSERT_RC(ath_session_commit(b), ATH_OK);
    mx_close(b);
    ath_session *a = as_tenant("acme");
    ath_repo *ra = mx_repo(a, st->model);
    w.a1 = add_as(ra, st, "A-1", "acme plan", 1);
    w.a2 = add_as(ra, st, "A-2", "acme memo", 2);
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    mx_close(a);
    ath_session *raw = mx_session();
    w.b_rows = globex_rows(raw, st);
    mx_close(raw);
    CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(w.b_rows, "globex secret"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(w.b_rows, "B-2"));
    return w;
}

/* globex's rows are exactly as they were; acme's rows are still acme's. */
#define CHECK_UNTOUCHED(st, w) check_untouched((st), (w), __FILE__, __LINE__)
static void check_untouched(const tn_style *st, const world *w, const char *file, int line)
{
    ath_session *raw = mx_session();
    const char *now = globex_rows(raw, st);
    mx_assert_str(now, w->b_rows, "globex's rows", file, line);
    char sql[128], buf[32];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE tenant_id = 'acme'", st->model->table);
    mx_assert_i64(sql_i64(raw, sql, NULL, 0), 2, "acme's rows", file, line);
    ath_value k = ath_v_i64(w->a1);
    snprintf(sql, sizeof sql, "SELECT tenant_id FROM %s WHERE id = ?", st->model->table);
    mx_assert_str(sql_text(raw, buf, sizeof buf, sql, &k, 1), "acme", "a1's tenant", file, line);
    mx_close(raw);
}

/* A copy of globex's row b1 as acme might forge it (acme cannot load it). */
static void *forged(const tn_style *st, const world *w, const char *tenant)
{
    void *o = mx_obj(st->model);
    ID(o) = w->b1;
    CODE(o) = "B-1";
    TITLE(o) = "hacked";
    AMOUNT(o) = -1;
    TENANT(o) = (char *)tenant;
    return o;
}

/* Frees a tenant string a hook put into o, if it is not `given`. */
static void drop_stamp(const tn_style *st, void *o, const char *given)
{
    if (TENANT(o) != given)
        free(TENANT(o));
    TENANT(o) = NULL;
}

/* --- acme against globex ---------------------------------------------------------------------- */

static void reads_see_only_own_rows(const tn_style *st)
{
    world w = build(st);
    ath_session *a = as_tenant("acme");
    ath_repo *r = mx_repo(a, st->model);
    void *o = mx_obj(st->model);
    ath_value kb = ath_v_i64(w.b1);
    ASSERT_RC(ath_repo_get(r, o, &kb, 1), ATH_ENOTFOUND);
    ASSERT_RC(ath_repo_get_one(r, o, ATH_FILTERS(ath_where("code", ATH_EQ, ath_v_text("B-1")))),
              ATH_ENOTFOUND);
    bool found = true;
    ASSERT_RC(
        ath_repo_get_one_or_none(
            r, o, &found, ATH_FILTERS(ath_where("title", ATH_CONTAINS, ath_v_text("globex")))),
        ATH_OK);
    CU_ASSERT_FALSE(found);
    char names[256];
    ASSERT_STR(mx_names(mx_list(r, ATH_NO_FILTERS), st->title, names, sizeof names),
               "acme memo|acme plan");
    /* asking for globex's rows by name, or for "deleted" rows, still crosses no tenant */
    ASSERT_I64(ath_list_count(mx_list(r, ATH_FILTERS(ath_where("tenant_id", ATH_EQ, *globex())))),
               0);
    ASSERT_STR(mx_names(mx_list(r, ATH_FILTERS(ath_options(ATH_OPT_INCLUDE_DELETED))), st->title,
                        names, sizeof names),
               "acme memo|acme plan");
    int64_t n = -1;
    ASSERT_RC(ath_repo_count(r, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 2);
    ASSERT_RC(ath_repo_count(r, &n, ATH_FILTERS(ath_where("tenant_id", ATH_EQ, *globex()))),
              ATH_OK);
    ASSERT_I64(n, 0);
    bool exists = true;
    ASSERT_RC(ath_repo_exists(r, &exists, ATH_FILTERS(ath_where("id", ATH_EQ, kb))), ATH_OK);
    CU_ASSERT_FALSE(exists);
    ath_list *l = NULL;
    int64_t total = -1;
    ASSERT_RC(ath_repo_list_and_count(r, &l, &total, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(total, 2);
    ath_list_free(l);
    mx_close(a);

    /* and globex sees its own two */
    ath_session *b = as_tenant("globex");
    ath_repo *rb = mx_repo(b, st->model);
    ASSERT_STR(mx_names(mx_list(rb, ATH_NO_FILTERS), st->title, names, sizeof names),
               "globex plan|globex secret");
    mx_close(b);
    CHECK_UNTOUCHED(st, &w);
    mx_end();
}

static void updates_touch_nothing(const tn_style *st)
{
    world w = build(st);
    ath_session *a = as_tenant("acme");
    ath_repo *r = mx_repo(a, st->model);

    void *o = forged(st, &w, "globex");
    ASSERT_RC(ath_repo_update(r, o), ATH_ENOTFOUND);
    drop_stamp(st, o, "globex");
    o = forged(st, &w, "acme");
    ASSERT_RC(ath_repo_update(r, o), ATH_ENOTFOUND);
    drop_stamp(st, o, "acme");
    o = forged(st, &w, NULL);
    ASSERT_RC(ath_repo_update_fields(r, o, ATH_NAMES("title", "amount")), ATH_ENOTFOUND);
    drop_stamp(st, o, NULL);
    o = forged(st, &w, "globex");
    ASSERT_RC(ath_repo_update_many(r, o, 1), ATH_ENOTFOUND);
    drop_stamp(st, o, "globex");
    ASSERT_RC(ath_session_rollback(a), ATH_OK);

    int64_t n = -1;
    ath_value v = ath_v_text("hacked");
    ASSERT_RC(ath_repo_update_where(r, &n, name_field, &v, 1,
                                    ATH_FILTERS(ath_where("id", ATH_EQ, ath_v_i64(w.b1)))),
              ATH_OK);
    ASSERT_I64(n, 0);
    ASSERT_RC(ath_repo_update_where(r, &n, name_field, &v, 1,
                                    ATH_FILTERS(ath_where("tenant_id", ATH_EQ, *globex()))),
              ATH_OK);
    ASSERT_I64(n, 0);
    ASSERT_RC(ath_repo_update_where(r, &n, name_field, &v, 1, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 2); /* its own two */
    bool updated = true;
    o = forged(st, &w, NULL);
    ASSERT_RC(ath_repo_get_and_update(r, o, ATH_NAMES("id"), NULL, 0, &updated), ATH_ENOTFOUND);
    CU_ASSERT_FALSE(updated);
    o = forged(st, &w, NULL);
    ASSERT_RC(ath_repo_get_and_update(r, o, ATH_NAMES("code"), ATH_NAMES("title"), &updated),
              ATH_ENOTFOUND);
    ASSERT_RC(ath_session_rollback(a), ATH_OK);
    mx_close(a);
    CHECK_UNTOUCHED(st, &w);
    mx_end();
}

/* acme cannot move its own row into globex: the tenant stays pinned. */
static void own_row_cannot_change_tenant(const tn_style *st)
{
    world w = build(st);
    ath_session *a = as_tenant("acme");
    ath_repo *r = mx_repo(a, st->model);
    void *o = mx_obj(st->model);
    ath_value ka = ath_v_i64(w.a1);
    ASSERT_RC(ath_repo_get(r, o, &ka, 1), ATH_OK);
    free(TENANT(o));
    TENANT(o) = "globex";
    ASSERT_RC(ath_repo_update(r, o), ATH_OK);
    drop_stamp(st, o, "globex");
    TENANT(o) = "globex";
    /* naming the insert-only column outright is refused before anything is sent */
    ASSERT_RC(ath_repo_update_fields(r, o, ATH_NAMES("tenant_id", "title")), ATH_EINVAL);
    ASSERT_ERR_HAS("tenant_id is written on insert only");
    CU_ASSERT_FALSE(ath_session_failed(a));
    drop_stamp(st, o, "globex");
    ath_model_free_fields(st->model, o);
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    CHECK_UNTOUCHED(st, &w);
    mx_end();
}

/* update_where runs no per-object hooks: it must not rewrite the tenant either. */
static void update_where_cannot_change_tenant(const tn_style *st)
{
    world w = build(st);
    ath_session *a = as_tenant("acme");
    ath_repo *r = mx_repo(a, st->model);
    static const char *const tenant_field[] = {"tenant_id"};
    int64_t n = -1;
    int rc = ath_repo_update_where(r, &n, tenant_field, globex(), 1,
                                   ATH_FILTERS(ath_where("id", ATH_EQ, ath_v_i64(w.a1))));
    CU_ASSERT(rc != ATH_OK || n == 0);
    if (rc == ATH_OK)
        ASSERT_RC(ath_session_commit(a), ATH_OK);
    else
        ASSERT_RC(ath_session_rollback(a), ATH_OK);
    mx_close(a);
    CHECK_UNTOUCHED(st, &w);
    mx_end();
}

static void upserts_touch_nothing(const tn_style *st)
{
    world w = build(st);
    ath_session *a = as_tenant("acme");
    ath_repo *r = mx_repo(a, st->model);

    void *o = forged(st, &w, NULL);
    CU_ASSERT(ath_repo_upsert(r, o, NULL, 0) < 0); /* by key */
    drop_stamp(st, o, NULL);
    ASSERT_RC(ath_session_rollback(a), ATH_OK);
    o = forged(st, &w, NULL);
    ID(o) = 0;
    CU_ASSERT(ath_repo_upsert(r, o, ATH_NAMES("code")) < 0); /* by a unique column */
    drop_stamp(st, o, NULL);
    ASSERT_RC(ath_session_rollback(a), ATH_OK);
    o = forged(st, &w, "globex");
    CU_ASSERT(ath_repo_upsert_many(r, o, 1, NULL, 0) < 0);
    drop_stamp(st, o, "globex");
    ASSERT_RC(ath_session_rollback(a), ATH_OK);
    o = forged(st, &w, NULL);
    bool created = true;
    CU_ASSERT(ath_repo_get_or_upsert(r, o, ATH_NAMES("id"), true, &created) < 0);
    CU_ASSERT_FALSE(created);
    drop_stamp(st, o, NULL);
    ASSERT_RC(ath_session_rollback(a), ATH_OK);
    o = forged(st, &w, NULL);
    ID(o) = 0;
    CU_ASSERT(ath_repo_get_or_upsert(r, o, ATH_NAMES("code"), false, &created) < 0);
    drop_stamp(st, o, NULL);
    ASSERT_RC(ath_session_rollback(a), ATH_OK);
    mx_close(a);
    CHECK_UNTOUCHED(st, &w);
    mx_end();
}

static void deletes_touch_nothing(const tn_style *st)
{
    world w = build(st);
    ath_session *a = as_tenant("acme");
    ath_repo *r = mx_repo(a, st->model);
    ath_value kb = ath_v_i64(w.b1);
    ASSERT_RC(ath_repo_delete(r, &kb, 1, NULL), ATH_ENOTFOUND);
    void *gone = mx_obj(st->model);
    ASSERT_RC(ath_repo_delete(r, &kb, 1, gone), ATH_ENOTFOUND);
    int64_t n = -1;
    ASSERT_RC(ath_repo_delete_many(r, ATH_VALUES(ath_v_i64(w.b1), ath_v_i64(w.b2)), &n), ATH_OK);
    ASSERT_I64(n, 0);
    ASSERT_RC(ath_repo_delete_where(r, &n, ATH_FILTERS(ath_where("id", ATH_EQ, kb))), ATH_OK);
    ASSERT_I64(n, 0);
    ASSERT_RC(ath_repo_delete_where(r, &n, ATH_FILTERS(ath_where("tenant_id", ATH_EQ, *globex()))),
              ATH_OK);
    ASSERT_I64(n, 0);
    void *o = forged(st, &w, "globex");
    ASSERT_RC(ath_repo_delete_object(r, o), ATH_ENOTFOUND);
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    CHECK_UNTOUCHED(st, &w);

    /* deleting everything it can see deletes only its own */
    ASSERT_RC(ath_repo_delete_where(r, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 2);
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    mx_close(a);
    ath_session *raw = mx_session();
    ASSERT_STR(globex_rows(raw, st), w.b_rows);
    ASSERT_I64(sql_count(raw, st->model->table), 2);
    mx_end();
}

/* Upserts of acme's own rows work (look, then write), stamped with acme. */
static void upserts_of_own_rows_work(const tn_style *st)
{
    world w = build(st);
    ath_session *a = as_tenant("acme");
    ath_repo *r = mx_repo(a, st->model);
    void *o = mx_obj(st->model); /* a new row */
    CODE(o) = "A-3";
    TITLE(o) = "acme new";
    ASSERT_RC(ath_repo_upsert(r, o, ATH_NAMES("code")), ATH_OK);
    CU_ASSERT(ID(o) > 0);
    drop_stamp(st, o, NULL);
    o = mx_obj(st->model); /* its own existing row */
    ID(o) = w.a2;
    CODE(o) = "A-2";
    TITLE(o) = "acme memo v2";
    ASSERT_RC(ath_repo_upsert(r, o, NULL, 0), ATH_OK);
    drop_stamp(st, o, NULL);
    o = mx_obj(st->model);
    CODE(o) = "A-4";
    TITLE(o) = "acme newer";
    bool created = false;
    int rc = ath_repo_get_or_upsert(r, o, ATH_NAMES("code"), true, &created);
    ASSERT_RC(rc, ATH_OK);
    CU_ASSERT(created);
    if (rc == ATH_OK)
        ath_model_free_fields(st->model, o); /* o holds the stored row */
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    char sql[128], buf[64];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE tenant_id = 'acme'", st->model->table);
    ASSERT_I64(sql_i64(a, sql, NULL, 0), 4);
    ath_value k = ath_v_i64(w.a2);
    snprintf(sql, sizeof sql, "SELECT title FROM %s WHERE id = ?", st->model->table);
    ASSERT_STR(sql_text(a, buf, sizeof buf, sql, &k, 1), "acme memo v2");
    ASSERT_STR(globex_rows(a, st), w.b_rows);
    mx_end();
}

/* --- the mixin itself
 * ------------------------------------------------------------------------------ */

static void insert_stamps_tenant(const tn_style *st)
{
    mx_begin();
    mx_end();
    ath_session *a = as_tenant("acme");
    ath_repo *r = mx_repo(a, st->model);
    void *o = mx_obj(st->model);
    CODE(o) = "A-9";
    TITLE(o) = "stamped";
    ASSERT_RC(ath_repo_add(r, o), ATH_OK);
    ASSERT_STR(TENANT(o), "acme");
    free(TENANT(o));
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    char buf[32], sql[96];
    ath_value k = ath_v_i64(ID(o));
    snprintf(sql, sizeof sql, "SELECT tenant_id FROM %s WHERE id = ?", st->model->table);
    ASSERT_STR(sql_text(a, buf, sizeof buf, sql, &k, 1), "acme");
    mx_end();
}

static void insert_for_other_tenant_refused(const tn_style *st)
{
    mx_begin();
    mx_end();
    ath_session *a = as_tenant("acme");
    ath_repo *r = mx_repo(a, st->model);
    void *o = mx_obj(st->model);
    CODE(o) = "X-1";
    TITLE(o) = "smuggled";
    TENANT(o) = "globex";
    ASSERT_RC(ath_repo_add(r, o), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("globex", "acme");
    ASSERT_RC(ath_session_rollback(a), ATH_OK);
    ASSERT_I64(sql_count(a, st->model->table), 0);
    mx_end();
}

static void no_tenant_no_access(const tn_style *st)
{
    mx_begin();
    mx_end();
    ath_session *s = as_tenant(NULL);
    ath_repo *r = mx_repo(s, st->model);
    void *o = mx_obj(st->model);
    CODE(o) = "N-1";
    TITLE(o) = "orphan";
    ASSERT_RC(ath_repo_add(r, o), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("no tenant", st->model->name);
    ath_list *l = NULL;
    ASSERT_RC(ath_repo_list(r, &l, ATH_NO_FILTERS), ATH_EINVAL);
    ASSERT_ERR_HAS("no tenant");
    ath_list_free(l);
    int64_t n = -1;
    ASSERT_RC(ath_repo_delete_where(r, &n, ATH_NO_FILTERS), ATH_EINVAL);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, st->model->table), 0);
    mx_end();
}

#define BOTH(fn)                                                                                   \
    static void test_##fn##_macro(void)                                                            \
    {                                                                                              \
        fn(&note_style);                                                                           \
    }                                                                                              \
    static void test_##fn##_plain(void)                                                            \
    {                                                                                              \
        fn(&doc_style);                                                                            \
    }
#define ENTRIES(fn)                                                                                \
    {#fn "_macro", test_##fn##_macro},                                                             \
    {                                                                                              \
#fn "_plain", test_##fn##_plain                                                            \
    }

BOTH(reads_see_only_own_rows)
BOTH(updates_touch_nothing)
BOTH(own_row_cannot_change_tenant)
BOTH(update_where_cannot_change_tenant)
BOTH(upserts_touch_nothing)
BOTH(deletes_touch_nothing)
BOTH(upserts_of_own_rows_work)
BOTH(insert_stamps_tenant)
BOTH(insert_for_other_tenant_refused)
BOTH(no_tenant_no_access)

static const test_case tenancy_tests[] = {
    ENTRIES(reads_see_only_own_rows),
    ENTRIES(updates_touch_nothing),
    ENTRIES(own_row_cannot_change_tenant),
    ENTRIES(update_where_cannot_change_tenant),
    ENTRIES(upserts_touch_nothing),
    ENTRIES(deletes_touch_nothing),
    ENTRIES(upserts_of_own_rows_work),
    ENTRIES(insert_stamps_tenant),
    ENTRIES(insert_for_other_tenant_refused),
    ENTRIES(no_tenant_no_access),
    {NULL, NULL},
};

int main(int argc, char **argv)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    mx_add_group("tenancy", tenancy_tests, tenancy_models,
                 sizeof tenancy_models / sizeof tenancy_models[0]);
    return test_run(argc, argv);
}
