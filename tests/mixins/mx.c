/* The mixin suite's harness: backends, suites per (group, URL), fixtures, raw reads, asserts. */
#include "mx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "urls.h"

#define MAX_MEM 64

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

/* The backend row of `url` (NULL: the suite has none, the URL is left out). */
static const void *row_for(const char *url, const char **dialect, const char **label)
{
    char scheme[32];
    test_url_dialect(url, scheme, sizeof scheme);
    bool memory = test_url_is_memory(url);
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
        if (strcmp(backends[i].dialect, scheme) == 0 && backends[i].memory == memory) {
            *dialect = backends[i].dialect;
            *label = backends[i].label;
            return &backends[i];
        }
    return NULL;
}

/* --- suites
 * --------------------------------------------------------------------------------------- */

ath_engine *mx_engine;
const mx_backend *mx_be;

static ath_engine **select_target(const test_target *t, ath_engine_options *opts)
{
    (void)opts;
    mx_be = t ? t->row : NULL;
    return &mx_engine;
}

static const test_harness harness = {"mixin tests", row_for, select_target, mx_end};

void mx_add_group(const char *name, const test_case *tests, const ath_model *const *models,
                  size_t nmodels)
{
    test_register_group(&harness, name, tests, models, nmodels);
}

/* --- fixtures
 * ------------------------------------------------------------------------------------- */

static void *mems[MAX_MEM];

ath_session *mx_begin(void)
{
    mx_end();
    CU_ASSERT_PTR_NOT_NULL_FATAL(mx_engine);
    ASSERT_RC(test_clear_tables(), ATH_OK);
    return mx_session();
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
    for (size_t i = 0; i < MAX_MEM; i++) {
        free(mems[i]);
        mems[i] = NULL;
    }
    test_end();
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
    qsort(names, n, sizeof *names, test_cmp_str);
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "|" : "", names[i]);
    return buf;
}
