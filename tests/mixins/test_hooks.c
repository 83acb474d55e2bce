/*
 * Hooks: a pair of recording mixins shows that every write path runs the hooks it should, in
 * attachment order, with a context naming the model, mixin, configuration, session and
 * repository; that a failing hook aborts the operation; that a role a hook changes is written;
 * and that extra_ddl runs after CREATE TABLE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "mx.h"

/* --- the recording mixins --------------------------------------------------------------------- */

static char hook_log[8192];
static int ctx_errors;
static const char *fail_at; /* "first:before_insert": that hook fails */

typedef struct rec_config {
    const char *tag;
} rec_config;
static const rec_config first_config = {"first-config"};
static const rec_config second_config = {"second-config"};

static const struct ath_model *HookP_model_ptr(void);

static void log_reset(void)
{
    hook_log[0] = '\0';
    ctx_errors = 0;
}

/* Records "mixin:hook", checks the context, and fails when asked to. */
static int record(const ath_mixin_ctx *ctx, const ath_mixin *self, const char *hook)
{
    size_t len = strlen(hook_log);
    snprintf(hook_log + len, sizeof hook_log - len, "%s%s:%s", len ? " " : "", self->name, hook);
    const void *want_config = NULL;
    if (ctx->model == HookP_model_ptr())
        want_config = strcmp(self->name, "first") == 0 ? (const void *)&first_config
                                                       : (const void *)&second_config;
    if (ctx->mixin != self || !ctx->model || !ctx->session || !ctx->repo ||
        ctx->config != want_config || ath_repo_session(ctx->repo) != ctx->session ||
        ath_repo_model(ctx->repo) != ctx->model)
        ctx_errors++;
    char what[64];
    snprintf(what, sizeof what, "%s:%s", self->name, hook);
    if (fail_at && strcmp(fail_at, what) == 0)
        return ath_error_set(ATH_EINVAL, "%s refuses (%s)", self->name, hook);
    return ATH_OK;
}

static const ath_mixin rec_first, rec_second;

static const ath_mixin_role first_roles[] = {{.name = "first_hits", .type = ATH_T_I64}};

static int first_before_insert(const ath_mixin_ctx *ctx, void *obj)
{
    /* any column can be read by name; an unknown one is an error naming it */
    ath_value v;
    if (ath_mixin_column_value(ctx, obj, "name", &v) != ATH_OK || v.type != ATH_T_TEXT)
        ctx_errors++;
    if (ath_mixin_column_value(ctx, obj, "no_such_column", &v) != ATH_EINVAL)
        ctx_errors++;
    if (strcmp(ath_mixin_column(ctx, 0), "first_hits") != 0)
        ctx_errors++;
    return record(ctx, &rec_first, "before_insert");
}
static int first_before_update(const ath_mixin_ctx *ctx, void *obj)
{
    ath_value hits = ath_mixin_get(ctx, obj, 0);
    ath_value next = ath_v_i64(hits.u.i64 + 1); /* a role a hook changes is written too */
    int rc = ath_mixin_set(ctx, obj, 0, &next);
    return rc != ATH_OK ? rc : record(ctx, &rec_first, "before_update");
}
static int first_after_load(const ath_mixin_ctx *ctx, void *obj)
{
    (void)obj;
    return record(ctx, &rec_first, "after_load");
}
static int first_scope(const ath_mixin_ctx *ctx, unsigned options, ath_filter *out)
{
    (void)options;
    (void)out;
    int rc = record(ctx, &rec_first, "scope");
    return rc < 0 ? rc : 0;
}
static int first_guard(const ath_mixin_ctx *ctx, const void *obj, ath_filter *out)
{
    (void)obj;
    (void)out;
    int rc = record(ctx, &rec_first, "guard");
    return rc < 0 ? rc : 0;
}
static void first_write_failed(const ath_mixin_ctx *ctx, void *obj)
{
    (void)obj;
    record(ctx, &rec_first, "write_failed");
}
static int first_soft_delete(const ath_mixin_ctx *ctx, size_t *role, ath_value *value)
{
    (void)role;
    (void)value;
    int rc = record(ctx, &rec_first, "soft_delete");
    return rc < 0 ? rc : 0;
}
static int first_extra_ddl(const ath_mixin_ctx *ctx, char *buf, size_t size)
{
    return snprintf(buf, size, "CREATE INDEX ix_%s_extra ON %s (name)", ctx->model->table,
                    ctx->model->table);
}

static const ath_mixin rec_first = {
    .name = "first",
    .roles = first_roles,
    .nroles = 1,
    .before_insert = first_before_insert,
    .before_update = first_before_update,
    .after_load = first_after_load,
    .scope = first_scope,
    .guard = first_guard,
    .write_failed = first_write_failed,
    .soft_delete = first_soft_delete,
    .extra_ddl = first_extra_ddl,
};

static int second_before_insert(const ath_mixin_ctx *ctx, void *obj)
{
    (void)obj;
    return record(ctx, &rec_second, "before_insert");
}
static int second_before_update(const ath_mixin_ctx *ctx, void *obj)
{
    (void)obj;
    return record(ctx, &rec_second, "before_update");
}
static int second_after_load(const ath_mixin_ctx *ctx, void *obj)
{
    (void)obj;
    return record(ctx, &rec_second, "after_load");
}
static int second_scope(const ath_mixin_ctx *ctx, unsigned options, ath_filter *out)
{
    (void)options;
    (void)out;
    int rc = record(ctx, &rec_second, "scope");
    return rc < 0 ? rc : 0;
}
static int second_guard(const ath_mixin_ctx *ctx, const void *obj, ath_filter *out)
{
    (void)obj;
    (void)out;
    int rc = record(ctx, &rec_second, "guard");
    return rc < 0 ? rc : 0;
}
static void second_write_failed(const ath_mixin_ctx *ctx, void *obj)
{
    (void)obj;
    record(ctx, &rec_second, "write_failed");
}
static int second_soft_delete(const ath_mixin_ctx *ctx, size_t *role, ath_value *value)
{
    (void)role;
    (void)value;
    int rc = record(ctx, &rec_second, "soft_delete");
    return rc < 0 ? rc : 0;
}

static const ath_mixin rec_second = {
    .name = "second",
    .before_insert = second_before_insert,
    .before_update = second_before_update,
    .after_load = second_after_load,
    .scope = second_scope,
    .guard = second_guard,
    .write_failed = second_write_failed,
    .soft_delete = second_soft_delete,
};

/* --- models: (first, second) declared with macros; (second, first) on a plain struct ---------- */

#define ATH_MIXIN_FIELDS_REC_FIRST(F) F(first_hits, i64)
#define ATH_MIXIN_OBJECT_REC_FIRST    rec_first
#define ATH_MIXIN_FIELDS_REC_SECOND(F)
#define ATH_MIXIN_OBJECT_REC_SECOND rec_second

#define HOOK_M_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(name, text, .max_length = 100)
#define HOOK_M_MIXINS(M) M(REC_FIRST) M(REC_SECOND)
ATH_MODEL_WITH(HookM, "mx_hook_m", HOOK_M_FIELDS, HOOK_M_MIXINS);

typedef struct HookP {
    int64_t id;
    char *name;
    int64_t hits;
} HookP;
static const ath_field hook_p_fields[] = {
    ATH_FIELD(HookP, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(HookP, name, text, .max_length = 100), /* extra_ddl indexes it */
};
static const ath_mixin_use hook_p_mixins[] = {
    {.mixin = &rec_second, .config = &second_config},
    ATH_ATTACH(rec_first, &first_config, ATH_BIND(HookP, "first_hits", hits)),
};
static const ath_model HookP_model =
    ATH_MODEL_OF(HookP, "mx_hook_p", hook_p_fields, ATH_MIXINS(hook_p_mixins));

static const struct ath_model *HookP_model_ptr(void)
{
    return &HookP_model;
}

const ath_model *const hooks_models[] = {&HookM_model, &HookP_model};
const size_t hooks_nmodels = sizeof hooks_models / sizeof hooks_models[0];

typedef struct hook_style {
    const ath_model *model;
    size_t id, name, hits;
    const char *before, *after; /* attachment order */
} hook_style;

static const hook_style hook_macro = {
    &HookM_model, offsetof(HookM, id), offsetof(HookM, name), offsetof(HookM, first_hits), "first",
    "second"};
static const hook_style hook_plain = {
    &HookP_model, offsetof(HookP, id), offsetof(HookP, name), offsetof(HookP, hits), "second",
    "first"};

#define ID(o)   MX_AT(o, st->id, int64_t)
#define NAME(o) MX_AT(o, st->name, const char *)
#define HITS(o) MX_AT(o, st->hits, int64_t)

/* --- checking the log
 * ----------------------------------------------------------------------------- */

/*
 * Every hook of the mixin attached first is followed at once by the same hook of the one
 * attached second, and every hook in `expected` (space-separated) ran.
 */
#define CHECK_LOG(st, expected) check_log((st), (expected), __FILE__, __LINE__)
static void check_log(const hook_style *st, const char *expected, const char *file, int line)
{
    char copy[sizeof hook_log], msg[sizeof hook_log + 256];
    char *entries[512];
    size_t n = 0;
    snprintf(copy, sizeof copy, "%s", hook_log);
    for (char *t = strtok(copy, " "); t && n < 512; t = strtok(NULL, " "))
        entries[n++] = t;
    bool ordered = true;
    for (size_t i = 0; i < n && ordered; i += 2) {
        const char *a = entries[i], *b = i + 1 < n ? entries[i + 1] : "";
        const char *ha = strchr(a, ':'), *hb = strchr(b, ':');
        ordered = ha && hb && strncmp(a, st->before, (size_t)(ha - a)) == 0 &&
                  strlen(st->before) == (size_t)(ha - a) &&
                  strncmp(b, st->after, (size_t)(hb - b)) == 0 &&
                  strlen(st->after) == (size_t)(hb - b) && strcmp(ha, hb) == 0;
    }
    snprintf(msg, sizeof msg, "hooks ran as [%s]: not in attachment order (%s, then %s)", hook_log,
             st->before, st->after);
    CU_assertImplementation(ordered ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
    char want[256];
    snprintf(want, sizeof want, "%s", expected);
    for (char *save = NULL, *h = strtok_r(want, " ", &save); h; h = strtok_r(NULL, " ", &save)) {
        char entry[64];
        snprintf(entry, sizeof entry, "%s:%s", st->before, h);
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(entries[i], entry) == 0;
        snprintf(msg, sizeof msg, "hooks ran as [%s]: no %s", hook_log, entry);
        CU_assertImplementation(found ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "",
                                CU_FALSE);
    }
    snprintf(msg, sizeof msg, "%d hook contexts were wrong (model, mixin, config, session, repo)",
             ctx_errors);
    CU_assertImplementation(ctx_errors == 0 ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "",
                            CU_FALSE);
}

/* Whether the log has mixin `who`'s `hook`. */
static bool logged(const char *who, const char *hook)
{
    char entry[64];
    snprintf(entry, sizeof entry, "%s:%s", who, hook);
    size_t len = strlen(entry);
    for (const char *p = strstr(hook_log, entry); p; p = strstr(p + 1, entry))
        if ((p == hook_log || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
            return true;
    return false;
}

/* The position of the first `who:hook` in the log (or SIZE_MAX). */
static size_t log_pos(const char *who, const char *hook)
{
    char entry[64];
    snprintf(entry, sizeof entry, "%s:%s", who, hook);
    const char *p = strstr(hook_log, entry);
    return p ? (size_t)(p - hook_log) : (size_t)-1;
}

static int64_t stored_hits(ath_session *s, const hook_style *st, int64_t id)
{
    char sql[128];
    ath_value k = ath_v_i64(id);
    snprintf(sql, sizeof sql, "SELECT first_hits FROM %s WHERE id = ?", st->model->table);
    return sql_i64(s, sql, &k, 1);
}

static void *add_row(ath_session *s, ath_repo *r, const hook_style *st, const char *name)
{
    void *o = mx_obj(st->model);
    NAME(o) = name;
    ASSERT_RC(ath_repo_add(r, o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_FATAL(ID(o) > 0);
    return o;
}

static const char *const name_field[] = {"name"};

/* --- tests
 * ---------------------------------------------------------------------------------------- */

static void inserts_run_before_insert(const hook_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    log_reset();
    void *o = mx_obj(st->model);
    NAME(o) = "one";
    ASSERT_RC(ath_repo_add(r, o), ATH_OK);
    CHECK_LOG(st, "before_insert");

    size_t size = st->model->struct_size;
    char *objs = mx_keep_mem(calloc(3, size));
    for (size_t i = 0; i < 3; i++)
        MX_AT(objs + i * size, st->name, const char *) = "many";
    log_reset();
    ASSERT_RC(ath_repo_add_many(r, objs, 3), ATH_OK);
    CHECK_LOG(st, "before_insert");
    char want[256];
    snprintf(want, sizeof want,
             "%s:before_insert %s:before_insert %s:before_insert %s:before_insert "
             "%s:before_insert %s:before_insert",
             st->before, st->after, st->before, st->after, st->before, st->after);
    ASSERT_STR(hook_log, want); /* once per object, nothing else */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, st->model->table), 4);
    mx_end();
}

static void updates_run_guard_then_before_update(const hook_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *o = add_row(s, r, st, "u");

    log_reset();
    NAME(o) = "u1";
    ASSERT_RC(ath_repo_update(r, o), ATH_OK);
    CHECK_LOG(st, "guard before_update scope");
    CU_ASSERT(log_pos(st->before, "guard") < log_pos(st->before, "before_update"));
    ASSERT_I64(HITS(o), 1);

    log_reset();
    ASSERT_RC(ath_repo_update_fields(r, o, ATH_NAMES("name")), ATH_OK);
    CHECK_LOG(st, "guard before_update");
    ASSERT_I64(HITS(o), 2);

    log_reset();
    ASSERT_RC(ath_repo_update_many(r, o, 1), ATH_OK);
    CHECK_LOG(st, "guard before_update");
    ASSERT_I64(HITS(o), 3);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(stored_hits(s, st, ID(o)), 3); /* the role the hook changed was written each time */
    mx_end();
}

static void get_and_update_runs_hooks(const hook_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *o = add_row(s, r, st, "g");
    void *p = mx_obj(st->model);
    ID(p) = ID(o);
    NAME(p) = "g2";
    bool updated = false;
    log_reset();
    int rc = ath_repo_get_and_update(r, p, ATH_NAMES("id"), ATH_NAMES("name"), &updated);
    ASSERT_RC(rc, ATH_OK);
    CU_ASSERT_FATAL(rc == ATH_OK); /* else p still holds the caller\'s strings */
    CU_ASSERT(updated);
    CHECK_LOG(st, "scope after_load guard before_update");
    ath_model_free_fields(st->model, p);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(stored_hits(s, st, ID(o)), 1);
    mx_end();
}

static void upserts_run_hooks(const hook_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *o = add_row(s, r, st, "x");

    /* a scope or guard makes upsert look, then write: the update branch */
    void *p = mx_obj(st->model);
    ID(p) = ID(o);
    NAME(p) = "x2";
    log_reset();
    ASSERT_RC(ath_repo_upsert(r, p, NULL, 0), ATH_OK);
    CHECK_LOG(st, "scope before_update");
    CU_ASSERT_FALSE(logged(st->before, "before_insert"));

    /* the insert branch */
    void *q = mx_obj(st->model);
    ID(q) = ID(o) + 100;
    NAME(q) = "new";
    log_reset();
    ASSERT_RC(ath_repo_upsert(r, q, NULL, 0), ATH_OK);
    CHECK_LOG(st, "scope before_insert");

    size_t size = st->model->struct_size;
    char *objs = mx_keep_mem(calloc(2, size));
    MX_AT(objs, st->id, int64_t) = ID(o);
    MX_AT(objs, st->name, const char *) = "x3";
    MX_AT(objs + size, st->id, int64_t) = ID(o) + 200;
    MX_AT(objs + size, st->name, const char *) = "newer";
    log_reset();
    ASSERT_RC(ath_repo_upsert_many(r, objs, 2, NULL, 0), ATH_OK);
    CHECK_LOG(st, "scope before_update before_insert");

    void *g = mx_obj(st->model);
    ID(g) = ID(o);
    NAME(g) = "x4";
    bool created = true;
    log_reset();
    int rc = ath_repo_get_or_upsert(r, g, ATH_NAMES("id"), true, &created);
    ASSERT_RC(rc, ATH_OK);
    CU_ASSERT_FATAL(rc == ATH_OK); /* else g still holds the caller\'s strings */
    CU_ASSERT_FALSE(created);
    CHECK_LOG(st, "scope after_load before_update");
    ath_model_free_fields(st->model, g);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, st->model->table), 3);
    char buf[32], sql[96];
    ath_value k = ath_v_i64(ID(o));
    snprintf(sql, sizeof sql, "SELECT name FROM %s WHERE id = ?", st->model->table);
    ASSERT_STR(sql_text(s, buf, sizeof buf, sql, &k, 1), "x4");
    mx_end();
}

static void reads_run_scope_and_after_load(const hook_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *o = add_row(s, r, st, "a");
    add_row(s, r, st, "b");
    void *got = mx_obj(st->model);
    ath_value k = ath_v_i64(ID(o));
    log_reset();
    ASSERT_RC(ath_repo_get(r, got, &k, 1), ATH_OK);
    CHECK_LOG(st, "scope after_load");
    ath_model_free_fields(st->model, got);
    log_reset();
    ath_list *l = mx_list(r, ATH_NO_FILTERS);
    ASSERT_I64(ath_list_count(l), 2);
    CHECK_LOG(st, "scope after_load");
    int64_t n = 0;
    log_reset();
    ASSERT_RC(ath_repo_count(r, &n, ATH_NO_FILTERS), ATH_OK);
    CHECK_LOG(st, "scope");
    CU_ASSERT_FALSE(logged(st->before, "after_load"));
    bool exists = false;
    log_reset();
    ASSERT_RC(ath_repo_exists(r, &exists, ATH_NO_FILTERS), ATH_OK);
    CHECK_LOG(st, "scope");
    mx_end();
}

static void deletes_run_scope_and_soft_delete(const hook_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *a = add_row(s, r, st, "a"), *b = add_row(s, r, st, "b");
    void *c = add_row(s, r, st, "c"), *d = add_row(s, r, st, "d");
    int64_t n = 0;
    ath_value k = ath_v_i64(ID(a));
    log_reset();
    ASSERT_RC(ath_repo_delete(r, &k, 1, NULL), ATH_OK);
    CHECK_LOG(st, "scope soft_delete");
    k = ath_v_i64(ID(b));
    log_reset();
    ASSERT_RC(ath_repo_delete_many(r, &k, 1, &n), ATH_OK);
    CHECK_LOG(st, "scope soft_delete");
    log_reset();
    ASSERT_RC(ath_repo_delete_where(r, &n, ATH_FILTERS(ath_where("id", ATH_EQ, ath_v_i64(ID(c))))),
              ATH_OK);
    CHECK_LOG(st, "scope soft_delete");
    log_reset();
    ASSERT_RC(ath_repo_delete_object(r, d), ATH_OK);
    CHECK_LOG(st, "guard scope soft_delete");
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, st->model->table), 0); /* soft_delete returned 0: real deletes */
    mx_end();
}

/* update_where runs scopes but no per-object hooks (documented). */
static void update_where_runs_only_scope(const hook_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *o = add_row(s, r, st, "w");
    int64_t n = 0;
    ath_value v = ath_v_text("w2");
    log_reset();
    ASSERT_RC(ath_repo_update_where(r, &n, name_field, &v, 1,
                                    ATH_FILTERS(ath_where("id", ATH_EQ, ath_v_i64(ID(o))))),
              ATH_OK);
    ASSERT_I64(n, 1);
    CHECK_LOG(st, "scope");
    CU_ASSERT_FALSE(logged(st->before, "before_update"));
    CU_ASSERT_FALSE(logged(st->before, "guard"));
    mx_end();
}

/* A hook that fails aborts the operation: later mixins' hooks do not run, nothing is written. */
static void failing_hook_aborts(const hook_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char fail[64];
    snprintf(fail, sizeof fail, "%s:before_insert", st->before);
    fail_at = fail;
    log_reset();
    void *o = mx_obj(st->model);
    NAME(o) = "refused";
    int rc = ath_repo_add(r, o);
    fail_at = NULL;
    ASSERT_RC(rc, ATH_EINVAL);
    ASSERT_ERR_HAS_ALL(st->before, "refuses");
    CU_ASSERT_FALSE(logged(st->after, "before_insert"));
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, st->model->table), 0);

    void *u = add_row(s, r, st, "kept");
    snprintf(fail, sizeof fail, "%s:before_update", st->after);
    fail_at = fail;
    NAME(u) = "changed";
    rc = ath_repo_update(r, u);
    fail_at = NULL;
    ASSERT_RC(rc, ATH_EINVAL);
    ASSERT_ERR_HAS_ALL(st->after, "refuses");
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    char buf[32], sql[96];
    ath_value k = ath_v_i64(ID(u));
    snprintf(sql, sizeof sql, "SELECT name FROM %s WHERE id = ?", st->model->table);
    ASSERT_STR(sql_text(s, buf, sizeof buf, sql, &k, 1), "kept");
    mx_end();
}

/* A scope hook's error aborts reads. */
static void failing_scope_aborts_reads(const hook_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    add_row(s, r, st, "a");
    char fail[64];
    snprintf(fail, sizeof fail, "%s:scope", st->after);
    fail_at = fail;
    ath_list *l = NULL;
    int64_t n = -1;
    int rc_list = ath_repo_list(r, &l, ATH_NO_FILTERS);
    int rc_count = ath_repo_count(r, &n, ATH_NO_FILTERS);
    fail_at = NULL;
    ASSERT_RC(rc_list, ATH_EINVAL);
    CU_ASSERT_PTR_NULL(l);
    ath_list_free(l);
    ASSERT_RC(rc_count, ATH_EINVAL);
    mx_end();
}

static void repo_role_column_and_keys(const hook_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    ASSERT_STR(ath_repo_role_column(r, &rec_first, "first_hits"), "first_hits");
    ASSERT_STR(ath_repo_role_column(r, &rec_first, "nope"), NULL);
    ASSERT_STR(ath_repo_role_column(r, &ath_audit, "created_at"), NULL); /* not attached */
    const char *keys[2] = {NULL, NULL};
    ASSERT_I64(ath_repo_key_columns(r, keys, 2), 1);
    ASSERT_STR(keys[0], "id");
    mx_end();
}

#define BOTH(fn)                                                                                   \
    static void test_##fn##_macro(void)                                                            \
    {                                                                                              \
        fn(&hook_macro);                                                                           \
    }                                                                                              \
    static void test_##fn##_plain(void)                                                            \
    {                                                                                              \
        fn(&hook_plain);                                                                           \
    }
#define ENTRIES(fn)                                                                                \
    {#fn "_macro", test_##fn##_macro},                                                             \
    {                                                                                              \
#fn "_plain", test_##fn##_plain                                                            \
    }

BOTH(inserts_run_before_insert)
BOTH(updates_run_guard_then_before_update)
BOTH(get_and_update_runs_hooks)
BOTH(upserts_run_hooks)
BOTH(reads_run_scope_and_after_load)
BOTH(deletes_run_scope_and_soft_delete)
BOTH(update_where_runs_only_scope)
BOTH(failing_hook_aborts)
BOTH(failing_scope_aborts_reads)
BOTH(repo_role_column_and_keys)

/* extra_ddl runs after CREATE TABLE: the index it made is in the DDL and in the database. */
static void test_extra_ddl_runs(void)
{
    mx_end();
    char *sql = NULL;
    ASSERT_RC(ath_create_all_sql(&sql, mx_engine, ATH_MODELS(&HookM_model, &HookP_model)), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sql);
    mx_keep_mem(sql);
    CU_ASSERT_PTR_NOT_NULL(strstr(sql, "CREATE INDEX ix_mx_hook_m_extra ON mx_hook_m (name)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sql, "CREATE INDEX ix_mx_hook_p_extra ON mx_hook_p (name)"));
    ath_session *s = mx_session();
    ath_value v = ath_v_text("ix_mx_hook_m_extra");
    ASSERT_I64(sql_i64(s, mx_be->index_count_sql, &v, 1), 1);
    mx_end();
}

const test_case hooks_tests[] = {
    ENTRIES(inserts_run_before_insert),      ENTRIES(updates_run_guard_then_before_update),
    ENTRIES(get_and_update_runs_hooks),      ENTRIES(upserts_run_hooks),
    ENTRIES(reads_run_scope_and_after_load), ENTRIES(deletes_run_scope_and_soft_delete),
    ENTRIES(update_where_runs_only_scope),   ENTRIES(failing_hook_aborts),
    ENTRIES(failing_scope_aborts_reads),     ENTRIES(repo_role_column_and_keys),
    {"extra_ddl_runs", test_extra_ddl_runs}, {NULL, NULL},
};

TEST_SUITE(hooks) { mx_add_group("hooks", hooks_tests, hooks_models, hooks_nmodels); }
