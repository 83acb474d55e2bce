/* The mixin suite's harness: backends, suites per (group, URL), fixtures, raw reads, asserts. */
#include "mx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "urls.h"

#define MAX_TARGETS  16
#define MAX_GROUPS   32
#define MAX_SESSIONS 4
#define MAX_REPOS    16
#define MAX_LISTS    32
#define MAX_MEM      64

/* --- backends -----------------------------------------------------------------------------------
 */

static const mx_backend backends[] = {
    {"sqlite", true, "sqlite-memory",
     "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?"},
    {"sqlite", false, "sqlite-file",
     "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?"},
    {"postgresql", false, "postgresql", "SELECT COUNT(*) FROM pg_indexes WHERE indexname = ?"},
    {"mysql", false, "mysql",
     "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND "
     "index_name = ?"},
};

static const mx_backend *backend_for(const char *url)
{
    char dialect[32];
    test_url_dialect(url, dialect, sizeof dialect);
    bool memory = test_url_is_memory(url);
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
        if (strcmp(backends[i].dialect, dialect) == 0 && backends[i].memory == memory)
            return &backends[i];
    return NULL;
}

/* --- suites
 * --------------------------------------------------------------------------------------- */

typedef struct target {
    const char *url;
    const mx_backend *be;
    char label[48];
} target;

static target targets[MAX_TARGETS];
static size_t ntargets;
static mx_group groups_[MAX_GROUPS];
static size_t ngroups_;

ath_engine *mx_engine;
const mx_backend *mx_be;
static const mx_group *cur_group;
static const target *cur_target;

static void report(const char *what)
{
    const ath_error *e = ath_error_last();
    fprintf(stderr, "mixin tests %s@%s: %s: %s (%s)\n", cur_group ? cur_group->name : "?",
            cur_target ? cur_target->label : "?", what, e->message, ath_code_name(e->code));
}

/* CUnit's init hooks take no argument: find the (group, target) by the running suite's name. */
static int suite_init(void)
{
    CU_pSuite suite = CU_get_current_suite();
    const char *name = suite ? suite->pName : "";
    const char *at = strchr(name, '@');
    cur_group = NULL;
    cur_target = NULL;
    for (size_t g = 0; at && g < ngroups_; g++)
        if (strlen(groups_[g].name) == (size_t)(at - name) &&
            strncmp(groups_[g].name, name, (size_t)(at - name)) == 0)
            cur_group = &groups_[g];
    for (size_t t = 0; at && t < ntargets; t++)
        if (strcmp(targets[t].label, at + 1) == 0)
            cur_target = &targets[t];
    if (!cur_group || !cur_target) {
        fprintf(stderr, "mixin tests: no group or target for suite %s\n", name);
        return 1;
    }
    mx_be = cur_target->be;
    test_sqlite_remove(cur_target->url);
    ath_engine_options opts;
    ath_engine_options_init(&opts);
    opts.pool_timeout = 10; /* a leaked session shows in seconds */
    if (ath_engine_create_opts(&mx_engine, cur_target->url, &opts) != ATH_OK) {
        report("ath_engine_create");
        return 1;
    }
    if (strcmp(ath_engine_dialect(mx_engine), mx_be->dialect) != 0) {
        fprintf(stderr, "mixin tests: the engine's dialect is %s, the backend table says %s\n",
                ath_engine_dialect(mx_engine), mx_be->dialect);
        return 1;
    }
    if (ath_drop_all(mx_engine, cur_group->models, cur_group->nmodels) != ATH_OK) {
        report("ath_drop_all");
        return 1;
    }
    if (ath_create_all(mx_engine, cur_group->models, cur_group->nmodels) != ATH_OK) {
        report("ath_create_all");
        return 1;
    }
    return 0;
}

static int suite_clean(void)
{
    int status = 0;
    mx_end();
    if (mx_engine) {
        if (ath_drop_all(mx_engine, cur_group->models, cur_group->nmodels) != ATH_OK) {
            report("ath_drop_all at cleanup");
            status = 1;
        }
        ath_engine_dispose(mx_engine);
        mx_engine = NULL;
        test_sqlite_remove(cur_target->url);
    }
    mx_be = NULL;
    cur_group = NULL;
    cur_target = NULL;
    return status;
}

void mx_register(const mx_group *groups, size_t ngroups)
{
    const char *const *urls;
    size_t n = test_urls(&urls);
    for (size_t i = 0; i < n && ntargets < MAX_TARGETS; i++) {
        target *t = &targets[ntargets];
        t->url = urls[i];
        t->be = backend_for(urls[i]);
        if (!t->be) {
            fprintf(stderr, "mixin tests: no backend for URL scheme of %.*s\n",
                    (int)strcspn(urls[i], ":"), urls[i]);
            continue;
        }
        int same = 0;
        for (size_t j = 0; j < ntargets; j++)
            same += targets[j].be == t->be;
        if (same)
            snprintf(t->label, sizeof t->label, "%s-%d", t->be->label, same + 1);
        else
            snprintf(t->label, sizeof t->label, "%s", t->be->label);
        ntargets++;
    }
    for (size_t g = 0; g < ngroups && ngroups_ < MAX_GROUPS; g++) {
        groups_[ngroups_] = groups[g];
        const mx_group *grp = &groups_[ngroups_++];
        if (grp->nmodels == 0) {
            test_add_suite(grp->name, NULL, NULL, grp->tests);
            continue;
        }
        for (size_t i = 0; i < ntargets; i++) {
            char name[128];
            snprintf(name, sizeof name, "%s@%s", grp->name, targets[i].label);
            test_add_suite(name, suite_init, suite_clean, grp->tests);
        }
    }
}

/* --- fixtures
 * ------------------------------------------------------------------------------------- */

static ath_session *sessions[MAX_SESSIONS];
static struct {
    ath_repo *repo;
    ath_session *session;
} repos[MAX_REPOS];
static ath_list *lists[MAX_LISTS];
static void *mems[MAX_MEM];

static int clear_tables(void)
{
    ath_session *s = NULL;
    int rc = ath_session_open(&s, mx_engine);
    for (size_t i = cur_group->nmodels; rc == ATH_OK && i-- > 0;) {
        char sql[128];
        snprintf(sql, sizeof sql, "DELETE FROM %s", cur_group->models[i]->table);
        rc = ath_session_execute(s, sql, NULL, 0, NULL);
    }
    if (rc == ATH_OK)
        rc = ath_session_commit(s);
    ath_session_close(s);
    return rc;
}

ath_session *mx_begin(void)
{
    mx_end();
    CU_ASSERT_PTR_NOT_NULL_FATAL(mx_engine);
    ASSERT_RC(clear_tables(), ATH_OK);
    return mx_session();
}

ath_session *mx_session(void)
{
    ath_session *s = NULL;
    size_t i = 0;
    while (i < MAX_SESSIONS && sessions[i])
        i++;
    CU_ASSERT_FATAL(i < MAX_SESSIONS);
    ASSERT_RC(ath_session_open(&s, mx_engine), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    sessions[i] = s;
    return s;
}

void mx_close(ath_session *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < MAX_REPOS; i++)
        if (repos[i].session == s) {
            ath_repo_free(repos[i].repo);
            repos[i].repo = NULL;
            repos[i].session = NULL;
        }
    for (size_t i = 0; i < MAX_SESSIONS; i++)
        if (sessions[i] == s)
            sessions[i] = NULL;
    ath_session_close(s);
}

ath_repo *mx_repo(ath_session *s, const ath_model *model)
{
    ath_repo *r = NULL;
    size_t i = 0;
    while (i < MAX_REPOS && repos[i].repo)
        i++;
    CU_ASSERT_FATAL(i < MAX_REPOS);
    ASSERT_RC(ath_repo_open(&r, s, model), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    repos[i].repo = r;
    repos[i].session = s;
    return r;
}

static ath_list *keep_list(ath_list *l)
{
    for (size_t i = 0; l && i < MAX_LISTS; i++)
        if (!lists[i]) {
            lists[i] = l;
            return l;
        }
    CU_FAIL_FATAL("too many lists in one test");
    return l;
}

ath_list *mx_list(ath_repo *repo, const ath_filter *filters, size_t nfilters)
{
    ath_list *l = NULL;
    int rc = ath_repo_list(repo, &l, filters, nfilters);
    ASSERT_RC(rc, ATH_OK);
    CU_ASSERT_FATAL(rc == ATH_OK && l != NULL);
    return keep_list(l);
}

void *mx_keep_mem(void *p)
{
    for (size_t i = 0; p && i < MAX_MEM; i++)
        if (!mems[i]) {
            mems[i] = p;
            return p;
        }
    if (p)
        CU_FAIL_FATAL("too many tracked allocations in one test");
    return p;
}

void *mx_obj(const ath_model *model)
{
    void *p = calloc(1, model->struct_size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    return mx_keep_mem(p);
}

void mx_end(void)
{
    for (size_t i = 0; i < MAX_LISTS; i++) {
        ath_list_free(lists[i]);
        lists[i] = NULL;
    }
    for (size_t i = 0; i < MAX_MEM; i++) {
        free(mems[i]);
        mems[i] = NULL;
    }
    for (size_t i = 0; i < MAX_REPOS; i++) {
        ath_repo_free(repos[i].repo);
        repos[i].repo = NULL;
        repos[i].session = NULL;
    }
    for (size_t i = 0; i < MAX_SESSIONS; i++) {
        ath_session_close(sessions[i]);
        sessions[i] = NULL;
    }
}

/* --- raw reads
 * ------------------------------------------------------------------------------------ */

int sql_exec(ath_session *s, const char *sql, const ath_value *params, size_t nparams)
{
    return ath_session_execute(s, sql, params, nparams, NULL);
}

/* First column of the first row as `type` into *out; false when no row or NULL. */
static bool first_value(ath_session *s, const char *sql, const ath_value *params, size_t nparams,
                        ath_type type, ath_value *out)
{
    ath_result *r = NULL;
    bool got = false;
    int rc = ath_session_execute(s, sql, params, nparams, &r);
    ASSERT_RC(rc, ATH_OK);
    if (rc == ATH_OK && r && ath_result_next(r) == 1 && ath_result_get(r, 0, type, out) == ATH_OK)
        got = out->type != ATH_T_NULL;
    ath_result_free(r);
    return got;
}

int64_t sql_i64(ath_session *s, const char *sql, const ath_value *params, size_t nparams)
{
    ath_value v;
    return first_value(s, sql, params, nparams, ATH_T_I64, &v) ? v.u.i64 : INT64_MIN;
}

ath_timestamp sql_ts(ath_session *s, const char *sql, const ath_value *params, size_t nparams)
{
    ath_value v;
    return first_value(s, sql, params, nparams, ATH_T_TIMESTAMP, &v) ? v.u.ts : INT64_MIN;
}

bool sql_uuid(ath_session *s, ath_uuid *out, const char *sql, const ath_value *params,
              size_t nparams)
{
    ath_value v;
    if (!first_value(s, sql, params, nparams, ATH_T_UUID, &v))
        return false;
    *out = v.u.uuid;
    return true;
}

const char *sql_text(ath_session *s, char *buf, size_t size, const char *sql,
                     const ath_value *params, size_t nparams)
{
    ath_result *r = NULL;
    snprintf(buf, size, "(no row)");
    int rc = ath_session_execute(s, sql, params, nparams, &r);
    ASSERT_RC(rc, ATH_OK);
    if (rc == ATH_OK && r && ath_result_next(r) == 1) {
        const char *t = ath_result_text(r, 0);
        snprintf(buf, size, "%s", t ? t : "(null)");
    }
    ath_result_free(r);
    return buf;
}

const char *sql_dump(ath_session *s, const char *table, const char *where, const char *order_by,
                     const ath_value *params, size_t nparams)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT * FROM %s%s%s ORDER BY %s", table, where ? " WHERE " : "",
             where ? where : "", order_by);
    ath_result *r = NULL;
    size_t cap = 256, len = 0;
    char *out = calloc(1, cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    mx_keep_mem(out);
    int rc = ath_session_execute(s, sql, params, nparams, &r);
    ASSERT_RC(rc, ATH_OK);
    while (rc == ATH_OK && r && ath_result_next(r) == 1) {
        int n = ath_result_column_count(r);
        for (int i = 0; i < n; i++) {
            const char *t = ath_result_text(r, i);
            const char *piece = t ? t : "(null)";
            size_t need = len + strlen(piece) + 3;
            if (need > cap) {
                while (cap < need)
                    cap *= 2;
                char *grown = realloc(out, cap);
                CU_ASSERT_PTR_NOT_NULL_FATAL(grown);
                for (size_t k = 0; k < MAX_MEM; k++)
                    if (mems[k] == out)
                        mems[k] = grown;
                out = grown;
            }
            len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "|" : "", piece);
        }
        out[len++] = '\n';
        out[len] = '\0';
    }
    ath_result_free(r);
    return out;
}

int64_t sql_count(ath_session *s, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
    return sql_i64(s, sql, NULL, 0);
}

/* --- assertions
 * ----------------------------------------------------------------------------------- */

void mx_assert_i64(int64_t actual, int64_t expected, const char *expr, const char *file, int line)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s is %lld, expected %lld", expr, (long long)actual,
             (long long)expected);
    CU_assertImplementation(actual == expected ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "",
                            CU_FALSE);
}

void mx_assert_str(const char *actual, const char *expected, const char *expr, const char *file,
                   int line)
{
    char msg[2048];
    bool ok = (!actual && !expected) || (actual && expected && strcmp(actual, expected) == 0);
    snprintf(msg, sizeof msg, "%s is %s%s%s, expected %s%s%s", expr, actual ? "\"" : "",
             actual ? actual : "NULL", actual ? "\"" : "", expected ? "\"" : "",
             expected ? expected : "NULL", expected ? "\"" : "");
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
}

void mx_assert_between(int64_t actual, int64_t low, int64_t high, const char *expr,
                       const char *file, int line)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s is %lld, expected between %lld and %lld", expr, (long long)actual,
             (long long)low, (long long)high);
    CU_assertImplementation(actual >= low && actual <= high ? CU_TRUE : CU_FALSE, (unsigned)line,
                            msg, file, "", CU_FALSE);
}

void mx_assert_err_has_all(const char *file, int line, ...)
{
    const char *m = ath_error_last()->message;
    va_list ap;
    va_start(ap, line);
    for (const char *needle = va_arg(ap, const char *); needle; needle = va_arg(ap, const char *)) {
        char msg[1400];
        bool ok = m && strstr(m, needle);
        snprintf(msg, sizeof msg, "error message \"%s\" lacks \"%s\"", m ? m : "(null)", needle);
        CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
    }
    va_end(ap);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char *mx_names(const ath_list *list, size_t off, char *buf, size_t size)
{
    enum { MAX = 64 };
    const char *names[MAX];
    size_t n = 0, used = 0;
    for (size_t i = 0; list && i < ath_list_count(list) && n < MAX; i++) {
        const char *item = ath_list_at(list, i);
        const char *name = *(char *const *)(item + off);
        names[n++] = name ? name : "(NULL)";
    }
    qsort(names, n, sizeof *names, cmp_str);
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "|" : "", names[i]);
    return buf;
}
