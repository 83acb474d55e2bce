/*
 * audit: created_at and updated_at, set on insert, updated_at touched on every update path and
 * created_at never changed. Both columns are read back raw after every call.
 */
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "mx.h"

/* --- models
 * --------------------------------------------------------------------------------------- */

#define AUD_M_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(name, text)
#define AUD_M_MIXINS(M) M(AUDIT)
ATH_MODEL_WITH(AudM, "mx_audit_m", AUD_M_FIELDS, AUD_M_MIXINS);

typedef struct AudP {
    int64_t id;
    char *name;
    ath_timestamp created;
    ath_timestamp modified;
} AudP;
static const ath_field aud_p_fields[] = {
    ATH_FIELD(AudP, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(AudP, name, text),
};
static const ath_mixin_use aud_p_mixins[] = {
    ATH_ATTACH(ath_audit, NULL, ATH_BIND(AudP, "created_at", created),
               ATH_BIND(AudP, "updated_at", modified)),
};
static const ath_model AudP_model =
    ATH_MODEL_OF(AudP, "mx_audit_p", aud_p_fields, ATH_MIXINS(aud_p_mixins));

/* The optional index: on created_at only. */
typedef struct AudIx {
    int64_t id;
    char *name;
    ath_timestamp created;
    ath_timestamp modified;
} AudIx;
static const ath_field aud_ix_fields[] = {
    ATH_FIELD(AudIx, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(AudIx, name, text),
};
static const ath_audit_config index_created = {.index_created_at = true};
static const ath_mixin_use aud_ix_mixins[] = {
    ATH_ATTACH(ath_audit, &index_created, ATH_BIND(AudIx, "created_at", created),
               ATH_BIND(AudIx, "updated_at", modified)),
};
static const ath_model AudIx_model =
    ATH_MODEL_OF(AudIx, "mx_audit_ix", aud_ix_fields, ATH_MIXINS(aud_ix_mixins));

/* The optional index on updated_at, with the role bound to a member that is also a field. */
typedef struct AudIu {
    int64_t id;
    char *name;
    ath_timestamp born;
    ath_timestamp touched;
} AudIu;
static const ath_field aud_iu_fields[] = {
    ATH_FIELD(AudIu, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(AudIu, name, text),
    ATH_FIELD(AudIu, touched, timestamp, .column = "updated_at"),
};
static const ath_audit_config index_updated = {.index_updated_at = true};
static const ath_mixin_use aud_iu_mixins[] = {
    ATH_ATTACH(ath_audit, &index_updated, ATH_BIND(AudIu, "created_at", born),
               ATH_BIND(AudIu, "updated_at", touched)),
};
static const ath_model AudIu_model =
    ATH_MODEL_OF(AudIu, "mx_audit_iu", aud_iu_fields, ATH_MIXINS(aud_iu_mixins));

/* Audit next to a field with an `.onupdate` function (a counter): both are written. */
typedef struct AudOu {
    int64_t id;
    char *name;
    int64_t rev;
    ath_timestamp created;
    ath_timestamp modified;
} AudOu;
static int64_t aud_ou_clock;
static int aud_ou_next(ath_value *out, const void *obj)
{
    (void)obj;
    *out = ath_v_i64(++aud_ou_clock);
    return ATH_OK;
}
static const ath_field aud_ou_fields[] = {
    ATH_FIELD(AudOu, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(AudOu, name, text),
    ATH_FIELD(AudOu, rev, i64, .onupdate = aud_ou_next),
};
static const ath_mixin_use aud_ou_mixins[] = {
    ATH_ATTACH(ath_audit, NULL, ATH_BIND(AudOu, "created_at", created),
               ATH_BIND(AudOu, "updated_at", modified)),
};
static const ath_model AudOu_model =
    ATH_MODEL_OF(AudOu, "mx_audit_ou", aud_ou_fields, ATH_MIXINS(aud_ou_mixins));

/* Audit next to a field with an `.onupdate_sql` expression: both are written. */
typedef struct AudSq {
    int64_t id;
    char *name;
    int64_t rev;
    ath_timestamp created;
    ath_timestamp modified;
} AudSq;
static const ath_field aud_sq_fields[] = {
    ATH_FIELD(AudSq, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(AudSq, name, text),
    ATH_FIELD(AudSq, rev, i64, .onupdate_sql = "mx_audit_sq.rev + 1"),
};
static const ath_mixin_use aud_sq_mixins[] = {
    ATH_ATTACH(ath_audit, NULL, ATH_BIND(AudSq, "created_at", created),
               ATH_BIND(AudSq, "updated_at", modified)),
};
static const ath_model AudSq_model =
    ATH_MODEL_OF(AudSq, "mx_audit_sq", aud_sq_fields, ATH_MIXINS(aud_sq_mixins));

/* A role bound to a field with an `.onupdate_sql`: refused (the mixin writes that column). */
static const ath_field aud_bad_fields[] = {
    ATH_FIELD(AudSq, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(AudSq, name, text),
    ATH_FIELD(AudSq, modified, timestamp, .onupdate_sql = "CURRENT_TIMESTAMP"),
};
static const ath_mixin_use aud_bad_mixins[] = {
    ATH_ATTACH(ath_audit, NULL, ATH_BIND(AudSq, "created_at", created),
               ATH_BIND(AudSq, "updated_at", modified)),
};
static const ath_model AudBad_model =
    ATH_MODEL_OF(AudSq, "mx_audit_bad", aud_bad_fields, ATH_MIXINS(aud_bad_mixins));

const ath_model *const audit_models[] = {&AudM_model,  &AudP_model,  &AudIx_model,
                                         &AudIu_model, &AudOu_model, &AudSq_model};
const size_t audit_nmodels = sizeof audit_models / sizeof audit_models[0];

/* --- styles
 * --------------------------------------------------------------------------------------- */

typedef struct aud_style {
    const ath_model *model;
    size_t id, name, created, updated;
} aud_style;

static const aud_style aud_macro = {&AudM_model, offsetof(AudM, id), offsetof(AudM, name),
                                    offsetof(AudM, created_at), offsetof(AudM, updated_at)};
static const aud_style aud_plain = {&AudP_model, offsetof(AudP, id), offsetof(AudP, name),
                                    offsetof(AudP, created), offsetof(AudP, modified)};

#define ID(o)      MX_AT(o, st->id, int64_t)
#define NAME(o)    MX_AT(o, st->name, const char *)
#define CREATED(o) MX_AT(o, st->created, ath_timestamp)
#define UPDATED(o) MX_AT(o, st->updated, ath_timestamp)

/* A stored row's two times, read raw. */
typedef struct times {
    ath_timestamp created, updated;
} times;

static times stored(ath_session *s, const aud_style *st, int64_t id)
{
    char sql[160];
    ath_value k = ath_v_i64(id);
    times t;
    snprintf(sql, sizeof sql, "SELECT created_at FROM %s WHERE id = ?", st->model->table);
    t.created = sql_ts(s, sql, &k, 1);
    snprintf(sql, sizeof sql, "SELECT updated_at FROM %s WHERE id = ?", st->model->table);
    t.updated = sql_ts(s, sql, &k, 1);
    return t;
}

static const char *stored_name(ath_session *s, const aud_style *st, int64_t id, char *buf,
                               size_t size)
{
    char sql[160];
    ath_value k = ath_v_i64(id);
    snprintf(sql, sizeof sql, "SELECT name FROM %s WHERE id = ?", st->model->table);
    return sql_text(s, buf, size, sql, &k, 1);
}

/* Adds a row named `name` and commits; returns the (tracked) object. */
static void *add_row(ath_session *s, ath_repo *r, const aud_style *st, const char *name)
{
    void *o = mx_obj(st->model);
    NAME(o) = name;
    ASSERT_RC(ath_repo_add(r, o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_FATAL(ID(o) > 0);
    return o;
}

/* After an update path: created_at as before, updated_at later than before and not in the
 * future, the name written. */
static void check_touched(ath_session *s, const aud_style *st, int64_t id, times before,
                          ath_timestamp until, const char *name)
{
    char buf[64];
    times after = stored(s, st, id);
    ASSERT_I64(after.created, before.created);
    CU_ASSERT(after.updated > before.updated);
    ASSERT_BETWEEN(after.updated, before.updated + 1, until + 1000);
    ASSERT_STR(stored_name(s, st, id, buf, sizeof buf), name);
}

static const char *const name_field[] = {"name"};

/* --- tests
 * ---------------------------------------------------------------------------------------- */

static void insert_sets_both(const aud_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    ath_timestamp t0 = ath_timestamp_now();
    void *o = add_row(s, r, st, "fresh");
    ath_timestamp t1 = ath_timestamp_now();
    ASSERT_I64(CREATED(o), UPDATED(o));
    ASSERT_BETWEEN(CREATED(o), t0, t1);
    times t = stored(s, st, ID(o));
    ASSERT_I64(t.created, CREATED(o));
    ASSERT_I64(t.updated, UPDATED(o));
    mx_end();
}

static void insert_keeps_given_times(const aud_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    ath_timestamp when;
    ASSERT_RC(ath_timestamp_from_parts(&when, 2020, 2, 29, 12, 34, 56, 789012), ATH_OK);
    void *o = mx_obj(st->model);
    NAME(o) = "imported";
    CREATED(o) = when;
    UPDATED(o) = when + 5;
    ASSERT_RC(ath_repo_add(r, o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    times t = stored(s, st, ID(o));
    ASSERT_I64(t.created, when);
    ASSERT_I64(t.updated, when + 5);
    mx_end();
}

static void update_touches(const aud_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *o = add_row(s, r, st, "before");
    times t0 = stored(s, st, ID(o));
    NAME(o) = "after";
    CREATED(o) = 1; /* a caller's change to created_at is not written */
    ASSERT_RC(ath_repo_update(r, o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    check_touched(s, st, ID(o), t0, ath_timestamp_now(), "after");
    ASSERT_I64(UPDATED(o), stored(s, st, ID(o)).updated); /* the object knows the new time */
    /* a second update moves it again */
    times t1 = stored(s, st, ID(o));
    ASSERT_RC(ath_repo_update(r, o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    check_touched(s, st, ID(o), t1, ath_timestamp_now(), "after");
    mx_end();
}

static void update_fields_touches(const aud_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *o = add_row(s, r, st, "before");
    times t0 = stored(s, st, ID(o));
    NAME(o) = "after";
    ASSERT_RC(ath_repo_update_fields(r, o, ATH_NAMES("name")), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    check_touched(s, st, ID(o), t0, ath_timestamp_now(), "after");
    mx_end();
}

static void update_many_touches(const aud_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    size_t size = st->model->struct_size;
    char *objs = mx_keep_mem(calloc(2, size));
    void *a = add_row(s, r, st, "a"), *b = add_row(s, r, st, "b");
    times ta = stored(s, st, ID(a)), tb = stored(s, st, ID(b));
    memcpy(objs, a, size);
    memcpy(objs + size, b, size);
    MX_AT(objs, st->name, const char *) = "a2";
    MX_AT(objs + size, st->name, const char *) = "b2";
    ASSERT_RC(ath_repo_update_many(r, objs, 2), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_timestamp now = ath_timestamp_now();
    check_touched(s, st, ID(a), ta, now, "a2");
    check_touched(s, st, ID(b), tb, now, "b2");
    mx_end();
}

static void update_many_fields_touches(const aud_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    size_t size = st->model->struct_size;
    char *objs = mx_keep_mem(calloc(2, size));
    void *a = add_row(s, r, st, "a"), *b = add_row(s, r, st, "b");
    times ta = stored(s, st, ID(a)), tb = stored(s, st, ID(b));
    memcpy(objs, a, size);
    memcpy(objs + size, b, size);
    MX_AT(objs, st->name, const char *) = "a2";
    MX_AT(objs + size, st->name, const char *) = "b2";
    ASSERT_RC(ath_repo_update_many_fields(r, objs, 2, ATH_NAMES("name")), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_timestamp now = ath_timestamp_now();
    check_touched(s, st, ID(a), ta, now, "a2"); /* updated_at written though not named */
    check_touched(s, st, ID(b), tb, now, "b2");
    mx_end();
}

/* get_and_update with a partial object (match field and new name; times unset). */
static void get_and_update_touches(const aud_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *o = add_row(s, r, st, "before");
    times t0 = stored(s, st, ID(o));
    void *p = mx_obj(st->model);
    ID(p) = ID(o);
    NAME(p) = "after";
    bool updated = false;
    int rc = ath_repo_get_and_update(r, p, ATH_NAMES("id"), NULL, 0, &updated);
    ASSERT_RC(rc, ATH_OK);
    CU_ASSERT_FATAL(rc == ATH_OK); /* else p still holds the caller\'s strings */
    CU_ASSERT(updated);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    check_touched(s, st, ID(o), t0, ath_timestamp_now(), "after");
    ath_model_free_fields(st->model, p); /* p holds the stored row */
    mx_end();
}

/* get_and_update naming only the field to set. */
static void get_and_update_fields_touches(const aud_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *o = add_row(s, r, st, "before");
    times t0 = stored(s, st, ID(o));
    void *p = mx_obj(st->model);
    ID(p) = ID(o);
    NAME(p) = "after";
    bool updated = false;
    int rc = ath_repo_get_and_update(r, p, ATH_NAMES("id"), ATH_NAMES("name"), &updated);
    ASSERT_RC(rc, ATH_OK);
    CU_ASSERT_FATAL(rc == ATH_OK); /* else p still holds the caller\'s strings */
    CU_ASSERT(updated);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    check_touched(s, st, ID(o), t0, ath_timestamp_now(), "after");
    ath_model_free_fields(st->model, p);
    mx_end();
}

/* upsert of an existing key: the update branch. */
static void upsert_update_branch_touches(const aud_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *o = add_row(s, r, st, "before");
    times t0 = stored(s, st, ID(o));
    void *p = mx_obj(st->model);
    ID(p) = ID(o);
    NAME(p) = "after";
    ASSERT_RC(ath_repo_upsert(r, p, NULL, 0), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    check_touched(s, st, ID(o), t0, ath_timestamp_now(), "after");
    ASSERT_I64(sql_count(s, st->model->table), 1);
    mx_end();
}

static void upsert_many_update_branch_touches(const aud_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    size_t size = st->model->struct_size;
    void *a = add_row(s, r, st, "a"), *b = add_row(s, r, st, "b");
    times ta = stored(s, st, ID(a)), tb = stored(s, st, ID(b));
    char *objs = mx_keep_mem(calloc(2, size));
    MX_AT(objs, st->id, int64_t) = ID(a);
    MX_AT(objs, st->name, const char *) = "a2";
    MX_AT(objs + size, st->id, int64_t) = ID(b);
    MX_AT(objs + size, st->name, const char *) = "b2";
    ASSERT_RC(ath_repo_upsert_many(r, objs, 2, NULL, 0), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_timestamp now = ath_timestamp_now();
    check_touched(s, st, ID(a), ta, now, "a2");
    check_touched(s, st, ID(b), tb, now, "b2");
    ASSERT_I64(sql_count(s, st->model->table), 2);
    mx_end();
}

static void get_or_upsert_update_touches(const aud_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *o = add_row(s, r, st, "before");
    times t0 = stored(s, st, ID(o));
    void *p = mx_obj(st->model);
    ID(p) = ID(o);
    NAME(p) = "after";
    bool created = true;
    int rc = ath_repo_get_or_upsert(r, p, ATH_NAMES("id"), true, &created);
    ASSERT_RC(rc, ATH_OK);
    CU_ASSERT_FATAL(rc == ATH_OK); /* else p still holds the caller\'s strings */
    CU_ASSERT_FALSE(created);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    check_touched(s, st, ID(o), t0, ath_timestamp_now(), "after");
    ath_model_free_fields(st->model, p);
    mx_end();
}

/* upsert of a new row: the insert branch sets both times. */
static void upsert_insert_branch_sets_both(const aud_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *p = mx_obj(st->model);
    ID(p) = 4242;
    NAME(p) = "new";
    ath_timestamp t0 = ath_timestamp_now();
    ASSERT_RC(ath_repo_upsert(r, p, NULL, 0), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_timestamp t1 = ath_timestamp_now();
    times t = stored(s, st, 4242);
    ASSERT_BETWEEN(t.created, t0, t1);
    CU_ASSERT(t.updated >= t.created);
    ASSERT_BETWEEN(t.updated, t0, t1 + 1000);
    mx_end();
}

/* update_where runs no per-object hooks (documented): updated_at stays. */
static void update_where_runs_no_hooks(const aud_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *o = add_row(s, r, st, "before");
    times t0 = stored(s, st, ID(o));
    int64_t n = 0;
    ath_value v = ath_v_text("after");
    ASSERT_RC(ath_repo_update_where(r, &n, name_field, &v, 1,
                                    ATH_FILTERS(ath_where("id", ATH_EQ, ath_v_i64(ID(o))))),
              ATH_OK);
    ASSERT_I64(n, 1);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    times t1 = stored(s, st, ID(o));
    ASSERT_I64(t1.created, t0.created);
    ASSERT_I64(t1.updated, t0.updated);
    mx_end();
}

#define BOTH(fn)                                                                                   \
    static void test_##fn##_macro(void)                                                            \
    {                                                                                              \
        fn(&aud_macro);                                                                            \
    }                                                                                              \
    static void test_##fn##_plain(void)                                                            \
    {                                                                                              \
        fn(&aud_plain);                                                                            \
    }
#define ENTRIES(fn)                                                                                \
    {#fn "_macro", test_##fn##_macro},                                                             \
    {                                                                                              \
#fn "_plain", test_##fn##_plain                                                            \
    }

BOTH(insert_sets_both)
BOTH(insert_keeps_given_times)
BOTH(update_touches)
BOTH(update_fields_touches)
BOTH(update_many_touches)
BOTH(update_many_fields_touches)
BOTH(get_and_update_touches)
BOTH(get_and_update_fields_touches)
BOTH(upsert_update_branch_touches)
BOTH(upsert_many_update_branch_touches)
BOTH(get_or_upsert_update_touches)
BOTH(upsert_insert_branch_sets_both)
BOTH(update_where_runs_no_hooks)

/* --- the optional index
 * --------------------------------------------------------------------------- */

static bool has_index(const char *name)
{
    ath_session *s = mx_session();
    ath_value v = ath_v_text(name);
    int64_t n = sql_i64(s, mx_be->index_count_sql, &v, 1);
    mx_close(s);
    return n > 0;
}

static void test_audit_index_created_at(void)
{
    mx_end();
    char *sql = NULL;
    ASSERT_RC(ath_create_all_sql(&sql, mx_engine, ATH_MODELS(&AudIx_model)), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sql);
    mx_keep_mem(sql);
    CU_ASSERT_PTR_NOT_NULL(strstr(sql, "ix_mx_audit_ix_created_at"));
    CU_ASSERT_PTR_NULL(strstr(sql, "ix_mx_audit_ix_updated_at"));
    mx_end();
    CU_ASSERT(has_index("ix_mx_audit_ix_created_at"));
    CU_ASSERT_FALSE(has_index("ix_mx_audit_ix_updated_at"));
}

static void test_audit_index_updated_at_on_a_field(void)
{
    mx_end();
    char *sql = NULL;
    ASSERT_RC(ath_create_all_sql(&sql, mx_engine, ATH_MODELS(&AudIu_model)), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sql);
    mx_keep_mem(sql);
    CU_ASSERT_PTR_NOT_NULL(strstr(sql, "ix_mx_audit_iu_updated_at"));
    CU_ASSERT_PTR_NULL(strstr(sql, "ix_mx_audit_iu_created_at"));
    mx_end();
    CU_ASSERT(has_index("ix_mx_audit_iu_updated_at"));
}

static void test_audit_no_index_without_config(void)
{
    mx_end();
    char *sql = NULL;
    ASSERT_RC(ath_create_all_sql(&sql, mx_engine, ATH_MODELS(&AudP_model, &AudM_model)), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sql);
    mx_keep_mem(sql);
    static const char *const absent[] = {"ix_mx_audit_p_created_at", "ix_mx_audit_p_updated_at",
                                         "ix_mx_audit_m_created_at", "ix_mx_audit_m_updated_at"};
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT_PTR_NULL(strstr(sql, absent[i]));
    mx_end();
    CU_ASSERT_FALSE(has_index("ix_mx_audit_p_created_at"));
}

/* The role bound to a member that is also a field, under the field's own column name. */
static void test_audit_role_on_a_field(void)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, &AudIu_model);
    AudIu o = {.name = "field"};
    ASSERT_RC(ath_repo_add(r, &o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_value k = ath_v_i64(o.id);
    ath_timestamp u0 = sql_ts(s, "SELECT updated_at FROM mx_audit_iu WHERE id = ?", &k, 1);
    ASSERT_I64(u0, o.touched);
    ASSERT_I64(sql_ts(s, "SELECT created_at FROM mx_audit_iu WHERE id = ?", &k, 1), o.born);
    o.name = "field2";
    ASSERT_RC(ath_repo_update(r, &o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT(sql_ts(s, "SELECT updated_at FROM mx_audit_iu WHERE id = ?", &k, 1) > u0);
    mx_end();
}

static void test_audit_with_onupdate_field_writes_both(void)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, &AudOu_model);
    AudOu o = {0, "first", 0, 0, 0};
    ASSERT_RC(ath_repo_add(r, &o), ATH_OK);
    ASSERT_I64(o.rev, 0); /* not on insert */
    ath_timestamp updated0 = o.modified;
    int64_t clock = aud_ou_clock;
    o.name = "second";
    ASSERT_RC(ath_repo_update_fields(r, &o, name_field, 1), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_value k = ath_v_i64(o.id);
    ASSERT_I64(o.rev, clock + 1);
    ASSERT_I64(sql_i64(s, "SELECT rev FROM mx_audit_ou WHERE id = ?", &k, 1), clock + 1);
    CU_ASSERT(o.modified > updated0); /* the mixin still stamps updated_at */
    ASSERT_I64(sql_ts(s, "SELECT updated_at FROM mx_audit_ou WHERE id = ?", &k, 1), o.modified);
    AudOu many[2] = {o, o};
    many[1].id = 0;
    many[1].name = "other";
    ASSERT_RC(ath_repo_add(r, &many[1]), ATH_OK);
    ASSERT_RC(ath_repo_update_many(r, many, 2), ATH_OK); /* per object: mixins */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(aud_ou_clock, clock + 3);
    ASSERT_I64(sql_i64(s, "SELECT rev FROM mx_audit_ou WHERE id = ?", &k, 1), many[0].rev);
    ASSERT_I64(many[0].rev, clock + 2);
    ASSERT_I64(many[1].rev, clock + 3);
    mx_end();
}

static void test_audit_with_onupdate_sql_field_writes_both(void)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, &AudSq_model);
    AudSq o = {0, "first", 5, 0, 0};
    ASSERT_RC(ath_repo_add(r, &o), ATH_OK);
    ath_timestamp updated0 = o.modified;
    o.name = "second";
    ASSERT_RC(ath_repo_update_fields(r, &o, name_field, 1), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_value k = ath_v_i64(o.id);
    ASSERT_I64(o.rev, 6); /* the database's, read back */
    ASSERT_I64(sql_i64(s, "SELECT rev FROM mx_audit_sq WHERE id = ?", &k, 1), 6);
    CU_ASSERT(o.modified > updated0); /* the mixin still stamps updated_at */
    ASSERT_I64(sql_ts(s, "SELECT updated_at FROM mx_audit_sq WHERE id = ?", &k, 1), o.modified);
    AudSq many[2] = {o, o};
    many[1].id = 0;
    many[1].name = "other";
    many[1].rev = 40;
    ASSERT_RC(ath_repo_add(r, &many[1]), ATH_OK);
    ASSERT_RC(ath_repo_update_many(r, many, 2), ATH_OK); /* per object: mixins */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(many[0].rev, 7);
    ASSERT_I64(many[1].rev, 41);
    ASSERT_I64(sql_i64(s, "SELECT rev FROM mx_audit_sq WHERE id = ?", &k, 1), 7);
    mx_end();
}

static void test_audit_role_on_an_onupdate_sql_field_is_refused(void)
{
    ASSERT_RC(ath_model_validate(&AudBad_model), ATH_EINVAL);
    ASSERT_ERR_HAS("role updated_at: its member has an onupdate_sql");
}

const test_case audit_tests[] = {
    ENTRIES(insert_sets_both),
    ENTRIES(insert_keeps_given_times),
    ENTRIES(update_touches),
    ENTRIES(update_fields_touches),
    ENTRIES(update_many_touches),
    ENTRIES(update_many_fields_touches),
    ENTRIES(get_and_update_touches),
    ENTRIES(get_and_update_fields_touches),
    ENTRIES(upsert_update_branch_touches),
    ENTRIES(upsert_many_update_branch_touches),
    ENTRIES(get_or_upsert_update_touches),
    ENTRIES(upsert_insert_branch_sets_both),
    ENTRIES(update_where_runs_no_hooks),
    {"audit_index_created_at", test_audit_index_created_at},
    {"audit_index_updated_at_on_a_field", test_audit_index_updated_at_on_a_field},
    {"audit_no_index_without_config", test_audit_no_index_without_config},
    {"audit_role_on_a_field", test_audit_role_on_a_field},
    {"audit_with_onupdate_field_writes_both", test_audit_with_onupdate_field_writes_both},
    {"audit_with_onupdate_sql_field_writes_both", test_audit_with_onupdate_sql_field_writes_both},
    {"audit_role_on_an_onupdate_sql_field_is_refused",
     test_audit_role_on_an_onupdate_sql_field_is_refused},
    {NULL, NULL},
};

TEST_SUITE(audit)
{
    mx_add_group("audit", audit_tests, audit_models, audit_nmodels);
}
