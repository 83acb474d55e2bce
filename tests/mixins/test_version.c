/*
 * version: optimistic locking. Insert sets 1; every update of an object adds WHERE version = ?
 * and increments it; a stale object fails with ATH_ESTALE and the row stays as it was (read back
 * raw). ath_repo_delete_object checks the version; ath_repo_delete by key cannot and does not.
 */
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "mx.h"

/* --- models
 * --------------------------------------------------------------------------------------- */

#define VER_M_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(name, text)
#define VER_M_MIXINS(M) M(VERSION)
ATH_MODEL_WITH(VerM, "mx_ver_m", VER_M_FIELDS, VER_M_MIXINS);

typedef struct VerP {
    int64_t id;
    char *name;
    int64_t rev;
} VerP;
static const ath_field ver_p_fields[] = {
    ATH_FIELD(VerP, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(VerP, name, text),
};
static const ath_mixin_use ver_p_mixins[] = {
    ATH_ATTACH(ath_mixin_version, NULL, ATH_BIND(VerP, "version", rev)),
};
static const ath_model VerP_model =
    ATH_MODEL_OF(VerP, "mx_ver_p", ver_p_fields, ATH_MIXINS(ver_p_mixins));

const ath_model *const version_models[] = {&VerM_model, &VerP_model};
const size_t version_nmodels = sizeof version_models / sizeof version_models[0];

/* --- styles
 * --------------------------------------------------------------------------------------- */

typedef struct ver_style {
    const ath_model *model;
    size_t id, name, version;
} ver_style;

static const ver_style ver_macro = {&VerM_model, offsetof(VerM, id), offsetof(VerM, name),
                                    offsetof(VerM, version)};
static const ver_style ver_plain = {&VerP_model, offsetof(VerP, id), offsetof(VerP, name),
                                    offsetof(VerP, rev)};

#define ID(o)   MX_AT(o, st->id, int64_t)
#define NAME(o) MX_AT(o, st->name, const char *)
#define VER(o)  MX_AT(o, st->version, int64_t)

/* The stored row as "name|version", read raw ("(no row)" when it is gone). */
static const char *stored(ath_session *s, const ver_style *st, int64_t id, char *buf, size_t size)
{
    char sql[160], name[64];
    ath_value k = ath_v_i64(id);
    snprintf(sql, sizeof sql, "SELECT name FROM %s WHERE id = ?", st->model->table);
    sql_text(s, name, sizeof name, sql, &k, 1);
    if (strcmp(name, "(no row)") == 0) {
        snprintf(buf, size, "(no row)");
        return buf;
    }
    snprintf(sql, sizeof sql, "SELECT version FROM %s WHERE id = ?", st->model->table);
    snprintf(buf, size, "%s|%lld", name, (long long)sql_i64(s, sql, &k, 1));
    return buf;
}

static void *add_row(ath_session *s, ath_repo *r, const ver_style *st, const char *name)
{
    void *o = mx_obj(st->model);
    NAME(o) = name;
    ASSERT_RC(ath_repo_add(r, o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_FATAL(ID(o) > 0);
    return o;
}

/* A second copy of the stored row (as another request would load it); strings owned by it. */
static void *load(ath_repo *r, const ver_style *st, int64_t id)
{
    void *o = mx_obj(st->model);
    ath_value k = ath_v_i64(id);
    ASSERT_RC(ath_repo_get(r, o, &k, 1), ATH_OK);
    return o;
}

/* Replaces a loaded object's owned name with a literal (freeing the loaded one). */
static void rename_loaded(const ver_style *st, void *o, const char *name)
{
    free(MX_AT(o, st->name, char *));
    NAME(o) = name;
}

/* --- tests
 * ---------------------------------------------------------------------------------------- */

static void insert_sets_one(const ver_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char buf[64];
    void *o = add_row(s, r, st, "v");
    ASSERT_I64(VER(o), 1);
    ASSERT_STR(stored(s, st, ID(o), buf, sizeof buf), "v|1");
    mx_end();
}

static void updates_increment(const ver_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char buf[64];
    void *o = add_row(s, r, st, "v");
    NAME(o) = "u1";
    ASSERT_RC(ath_repo_update(r, o), ATH_OK);
    ASSERT_I64(VER(o), 2);
    NAME(o) = "u2";
    ASSERT_RC(ath_repo_update_fields(r, o, ATH_NAMES("name")), ATH_OK);
    ASSERT_I64(VER(o), 3);
    NAME(o) = "u3";
    ASSERT_RC(ath_repo_update_many(r, o, 1), ATH_OK);
    ASSERT_I64(VER(o), 4);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_STR(stored(s, st, ID(o), buf, sizeof buf), "u3|4");
    mx_end();
}

static void stale_update_fails(const ver_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char buf[64];
    void *o = add_row(s, r, st, "original");
    void *first = load(r, st, ID(o)), *second = load(r, st, ID(o));
    rename_loaded(st, first, "first");
    rename_loaded(st, second, "second");
    ASSERT_RC(ath_repo_update(r, first), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(VER(first), 2);

    ASSERT_RC(ath_repo_update(r, second), ATH_ESTALE);
    ASSERT_ERR_HAS(st->model->table);
    ASSERT_I64(VER(second), 1); /* not incremented by the write that did not happen */
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_STR(stored(s, st, ID(o), buf, sizeof buf), "first|2");
    mx_end();
}

static void stale_update_fields_fails(const ver_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char buf[64];
    void *o = add_row(s, r, st, "original");
    void *stale = load(r, st, ID(o));
    rename_loaded(st, stale, "stale");
    NAME(o) = "fresh";
    ASSERT_RC(ath_repo_update(r, o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_repo_update_fields(r, stale, ATH_NAMES("name")), ATH_ESTALE);
    ASSERT_I64(VER(stale), 1);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_STR(stored(s, st, ID(o), buf, sizeof buf), "fresh|2");
    mx_end();
}

static void stale_update_many_changes_nothing(const ver_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char buf[64];
    void *a = add_row(s, r, st, "a"), *b = add_row(s, r, st, "b");
    void *stale_b = load(r, st, ID(b));
    NAME(b) = "b-fresh";
    ASSERT_RC(ath_repo_update(r, b), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);

    size_t size = st->model->struct_size;
    char *objs = mx_keep_mem(calloc(2, size));
    memcpy(objs, a, size);
    memcpy(objs + size, stale_b, size);
    MX_AT(objs, st->name, const char *) = "a-batch";
    MX_AT(objs + size, st->name, const char *) = "b-batch";
    ASSERT_RC(ath_repo_update_many(r, objs, 2), ATH_ESTALE);
    ASSERT_RC(ath_session_rollback(s), ATH_OK); /* the batch is one transaction: all or nothing */
    ASSERT_STR(stored(s, st, ID(a), buf, sizeof buf), "a|1");
    ASSERT_STR(stored(s, st, ID(b), buf, sizeof buf), "b-fresh|2");
    ath_model_free_fields(st->model, stale_b);
    mx_end();
}

/* update_many_fields keeps the per-object version check: fresh objects' versions go up (in the
 * objects and the rows), a stale one in a batch fails with ATH_ESTALE and, the batch rolled
 * back, the rows keep the stored names and versions. */
static void stale_update_many_fields_fails_that_object(const ver_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char buf[64];
    void *a = add_row(s, r, st, "a"), *b = add_row(s, r, st, "b");
    void *stale_b = load(r, st, ID(b));
    NAME(b) = "b-fresh";
    ASSERT_RC(ath_repo_update(r, b), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);

    size_t size = st->model->struct_size;
    char *objs = mx_keep_mem(calloc(2, size));
    memcpy(objs, a, size);
    memcpy(objs + size, b, size);
    MX_AT(objs, st->name, const char *) = "a-1";
    MX_AT(objs + size, st->name, const char *) = "b-1";
    ASSERT_RC(ath_repo_update_many_fields(r, objs, 2, ATH_NAMES("name")), ATH_OK);
    ASSERT_I64(MX_AT(objs, st->version, int64_t), 2);
    ASSERT_I64(MX_AT(objs + size, st->version, int64_t), 3);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_STR(stored(s, st, ID(a), buf, sizeof buf), "a-1|2");
    ASSERT_STR(stored(s, st, ID(b), buf, sizeof buf), "b-1|3");

    memcpy(objs + size, stale_b, size); /* objs[0] is a at its current version 2 */
    MX_AT(objs, st->name, const char *) = "a-batch";
    MX_AT(objs + size, st->name, const char *) = "b-batch";
    ASSERT_RC(ath_repo_update_many_fields(r, objs, 2, ATH_NAMES("name")), ATH_ESTALE);
    ASSERT_ERR_HAS("stale version");
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_STR(stored(s, st, ID(a), buf, sizeof buf), "a-1|2");
    ASSERT_STR(stored(s, st, ID(b), buf, sizeof buf), "b-1|3");
    ath_model_free_fields(st->model, stale_b);
    mx_end();
}

/* The session stays usable after ATH_ESTALE (no database error): the next write works. */
static void stale_leaves_session_usable(const ver_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char buf[64];
    void *o = add_row(s, r, st, "x");
    void *stale = load(r, st, ID(o));
    rename_loaded(st, stale, "stale");
    NAME(o) = "y";
    ASSERT_RC(ath_repo_update(r, o), ATH_OK);
    ASSERT_RC(ath_repo_update(r, stale), ATH_ESTALE);
    CU_ASSERT_FALSE(ath_session_failed(s));
    NAME(o) = "z";
    ASSERT_RC(ath_repo_update(r, o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_STR(stored(s, st, ID(o), buf, sizeof buf), "z|3");
    mx_end();
}

static void delete_object_checks_version(const ver_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char buf[64];
    void *o = add_row(s, r, st, "keep");
    void *stale = load(r, st, ID(o));
    NAME(o) = "kept";
    ASSERT_RC(ath_repo_update(r, o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);

    ASSERT_RC(ath_repo_delete_object(r, stale), ATH_ESTALE);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_STR(stored(s, st, ID(o), buf, sizeof buf), "kept|2");

    ASSERT_RC(ath_repo_delete_object(r, o), ATH_OK); /* the current version */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_STR(stored(s, st, ID(o), buf, sizeof buf), "(no row)");
    ASSERT_RC(ath_repo_delete_object(r, o), ATH_ENOTFOUND);
    ath_model_free_fields(st->model, stale);
    mx_end();
}

/* Deleting by key cannot know a version: it deletes whatever version is stored (documented). */
static void delete_by_key_ignores_version(const ver_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char buf[64];
    void *o = add_row(s, r, st, "v");
    NAME(o) = "v2";
    ASSERT_RC(ath_repo_update(r, o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_value k = ath_v_i64(ID(o));
    ASSERT_RC(ath_repo_delete(r, &k, 1, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_STR(stored(s, st, ID(o), buf, sizeof buf), "(no row)");
    mx_end();
}

/* get_and_update reads the row itself: the version it writes against is the one it read. */
static void get_and_update_increments(const ver_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char buf[64];
    void *o = add_row(s, r, st, "before");
    void *p = mx_obj(st->model);
    ID(p) = ID(o);
    NAME(p) = "after";
    bool updated = false;
    int rc = ath_repo_get_and_update(r, p, ATH_NAMES("id"), ATH_NAMES("name"), &updated);
    ASSERT_RC(rc, ATH_OK);
    CU_ASSERT_FATAL(rc == ATH_OK); /* else p still holds the caller\'s strings */
    CU_ASSERT(updated);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_STR(stored(s, st, ID(o), buf, sizeof buf), "after|2");
    ath_model_free_fields(st->model, p);
    mx_end();
}

/* upsert on a guarded model takes the look-then-write path: the existing row's version goes up. */
static void upsert_existing_increments(const ver_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char buf[64];
    void *o = add_row(s, r, st, "before");
    void *p = mx_obj(st->model);
    ID(p) = ID(o);
    NAME(p) = "after";
    VER(p) = VER(o);
    ASSERT_RC(ath_repo_upsert(r, p, NULL, 0), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_STR(stored(s, st, ID(o), buf, sizeof buf), "after|2");
    ASSERT_I64(sql_count(s, st->model->table), 1);
    mx_end();
}

#define BOTH(fn)                                                                                   \
    static void test_##fn##_macro(void)                                                            \
    {                                                                                              \
        fn(&ver_macro);                                                                            \
    }                                                                                              \
    static void test_##fn##_plain(void)                                                            \
    {                                                                                              \
        fn(&ver_plain);                                                                            \
    }
#define ENTRIES(fn)                                                                                \
    {#fn "_macro", test_##fn##_macro},                                                             \
    {                                                                                              \
#fn "_plain", test_##fn##_plain                                                            \
    }

BOTH(insert_sets_one)
BOTH(updates_increment)
BOTH(stale_update_fails)
BOTH(stale_update_fields_fails)
BOTH(stale_update_many_changes_nothing)
BOTH(stale_update_many_fields_fails_that_object)
BOTH(stale_leaves_session_usable)
BOTH(delete_object_checks_version)
BOTH(delete_by_key_ignores_version)
BOTH(get_and_update_increments)
BOTH(upsert_existing_increments)

const test_case version_tests[] = {
    ENTRIES(insert_sets_one),
    ENTRIES(updates_increment),
    ENTRIES(stale_update_fails),
    ENTRIES(stale_update_fields_fails),
    ENTRIES(stale_update_many_changes_nothing),
    ENTRIES(stale_update_many_fields_fails_that_object),
    ENTRIES(stale_leaves_session_usable),
    ENTRIES(delete_object_checks_version),
    ENTRIES(delete_by_key_ignores_version),
    ENTRIES(get_and_update_increments),
    ENTRIES(upsert_existing_increments),
    {NULL, NULL},
};

TEST_SUITE(version) { mx_add_group("version", version_tests, version_models, version_nmodels); }
