/* The security suite's harness: targets, suite setup, tracked fixtures, raw reads. */
#include "sec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "urls.h"

#define MAX_TARGETS 8
#define MAX_REPOS   16
#define MAX_LISTS   64

sec_target *sec;
static sec_target targets[MAX_TARGETS];
static size_t ntargets;

static void report(const char *what)
{
    const ath_error *e = ath_error_last();
    fprintf(stderr, "security %s: %s: %s (%s)\n", sec ? sec->label : "?", what, e->message,
            ath_code_name(e->code));
}

/* The engine's log sink: counts statements (echo is on); prints them only when SEC_ECHO is set. */
static void count_statements(void *ctx, ath_log_level level, const char *message)
{
    static int echo = -1;
    if (echo < 0)
        echo = getenv("SEC_ECHO") != NULL;
    if (echo)
        fprintf(stderr, "[%s] %.200s\n", ((sec_target *)ctx)->label, message);
    if (level != ATH_LOG_SQL)
        return;
    /* transaction control is not a statement about data: a lazy BEGIN may precede a refusal */
    static const char *const control[] = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"};
    for (size_t i = 0; i < sizeof control / sizeof control[0]; i++)
        if (strncmp(message, control[i], strlen(control[i])) == 0)
            return;
    ((sec_target *)ctx)->statements++;
}

long sec_statements(void)
{
    return sec->statements;
}

static int recreate_schema(void)
{
    int rc = ath_drop_all(sec->engine, SEC_MODELS);
    if (rc != ATH_OK) {
        report("ath_drop_all");
        return rc;
    }
    if ((rc = ath_create_all(sec->engine, SEC_MODELS)) != ATH_OK)
        report("ath_create_all");
    return rc;
}

static int suite_init(size_t i)
{
    ath_engine_options opts;
    sec = &targets[i];
    caps_prepare_url(sec->url);
    ath_engine_options_init(&opts);
    opts.pool_timeout = 10;
    opts.echo = true;
    opts.log = count_statements;
    opts.log_ctx = sec;
    if (ath_engine_create_opts(&sec->engine, sec->url, &opts) != ATH_OK) {
        report("ath_engine_create");
        return 1;
    }
    if (strcmp(ath_engine_dialect(sec->engine), sec->caps->dialect) != 0) {
        fprintf(stderr, "security %s: the engine's dialect is %s, the caps table says %s\n",
                sec->label, ath_engine_dialect(sec->engine), sec->caps->dialect);
        return 1;
    }
    return recreate_schema() == ATH_OK ? 0 : 1;
}

static int suite_clean(void)
{
    int status = 0;
    sec_end();
    if (sec && sec->engine) {
        if (ath_drop_all(sec->engine, SEC_MODELS) != ATH_OK) {
            report("ath_drop_all at cleanup");
            status = 1;
        }
        ath_engine_dispose(sec->engine);
        sec->engine = NULL;
        caps_prepare_url(sec->url);
    }
    sec = NULL;
    return status;
}

#define SEC_INIT(i)                                                                                \
    static int init_##i(void)                                                                      \
    {                                                                                              \
        return suite_init(i);                                                                      \
    }
SEC_INIT(0)
SEC_INIT(1)
SEC_INIT(2)
SEC_INIT(3)
SEC_INIT(4)
SEC_INIT(5)
SEC_INIT(6)
SEC_INIT(7)
static const CU_InitializeFunc inits[MAX_TARGETS] = {init_0, init_1, init_2, init_3,
                                                     init_4, init_5, init_6, init_7};

void sec_register(const sec_group *groups, size_t ngroups)
{
    const char *const *urls;
    size_t n = test_urls(&urls);
    if (n > MAX_TARGETS)
        n = MAX_TARGETS;
    for (size_t i = 0; i < n; i++) {
        sec_target *t = &targets[ntargets++];
        t->url = urls[i];
        t->caps = caps_for_url(urls[i]);
        int same = 0;
        for (size_t j = 0; j < i; j++)
            if (targets[j].caps == t->caps)
                same++;
        if (same)
            snprintf(t->label, sizeof t->label, "%s-%d", t->caps->label, same + 1);
        else
            snprintf(t->label, sizeof t->label, "%s", t->caps->label);
    }
    for (size_t g = 0; g < ngroups; g++)
        for (size_t i = 0; i < ntargets; i++) {
            char name[128];
            snprintf(name, sizeof name, "%s@%s", groups[g].name, targets[i].label);
            test_add_suite(name, inits[i], suite_clean, groups[g].tests);
        }
}

/* --- tracked fixtures ----------------------------------------------------------------------- */

static ath_session *session;
static ath_repo *repos[MAX_REPOS];
static ath_list *lists[MAX_LISTS];

static int clear_tables(void)
{
    ath_session *s = NULL;
    int rc = ath_session_open(&s, sec->engine);
    for (size_t i = sec_nmodels; rc == ATH_OK && i-- > 0;) {
        char sql[128];
        snprintf(sql, sizeof sql, "DELETE FROM %s", sec_models[i]->table);
        rc = ath_session_execute(s, sql, NULL, 0, NULL);
    }
    if (rc == ATH_OK)
        rc = ath_session_commit(s);
    ath_session_close(s);
    return rc;
}

ath_session *sec_begin(void)
{
    sec_end();
    CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
    if (clear_tables() != ATH_OK) {
        /* a table is missing (a test dropped it, or an injection did): rebuild, then retry */
        CU_ASSERT_EQUAL_FATAL(recreate_schema(), ATH_OK);
        ASSERT_RC(clear_tables(), ATH_OK);
    }
    ASSERT_RC(ath_session_open(&session, sec->engine), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(session);
    return session;
}

ath_repo *sec_repo(ath_session *s, const ath_model *model)
{
    size_t i = 0;
    while (i < MAX_REPOS && repos[i])
        i++;
    CU_ASSERT_FATAL(i < MAX_REPOS);
    ath_repo *r = NULL;
    ASSERT_RC(ath_repo_open(&r, s, model), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    repos[i] = r;
    return r;
}

ath_list *sec_keep(ath_list *list)
{
    for (size_t i = 0; i < MAX_LISTS; i++)
        if (!lists[i]) {
            lists[i] = list;
            return list;
        }
    ath_list_free(lists[0]); /* full: the oldest goes */
    memmove(lists, lists + 1, (MAX_LISTS - 1) * sizeof *lists);
    lists[MAX_LISTS - 1] = list;
    return list;
}

ath_list *sec_list(ath_repo *repo, const ath_filter *filters, size_t nfilters)
{
    ath_list *l = NULL;
    ASSERT_RC(ath_repo_list(repo, &l, filters, nfilters), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    return sec_keep(l);
}

void sec_end(void)
{
    for (size_t i = 0; i < MAX_LISTS; i++) {
        ath_list_free(lists[i]);
        lists[i] = NULL;
    }
    for (size_t i = 0; i < MAX_REPOS; i++) {
        ath_repo_free(repos[i]);
        repos[i] = NULL;
    }
    ath_session_close(session);
    session = NULL;
}

/* --- raw reads ------------------------------------------------------------------------------ */

int sql_exec(ath_session *s, const char *sql, const ath_value *params, size_t nparams)
{
    return ath_session_execute(s, sql, params, nparams, NULL);
}

int64_t sql_i64(ath_session *s, const char *sql, const ath_value *params, size_t nparams)
{
    ath_result *r = NULL;
    int64_t v = INT64_MIN;
    if (ath_session_execute(s, sql, params, nparams, &r) == ATH_OK && ath_result_next(r) == 1)
        v = ath_result_i64(r, 0);
    ath_result_free(r);
    return v;
}

int64_t sql_count(ath_session *s, const char *table)
{
    char sql[160];
    ath_savepoint sp;
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
    /* a missing table fails the statement: keep the session usable behind a savepoint */
    if (ath_session_savepoint(s, &sp) != ATH_OK)
        return -1;
    int64_t n = sql_i64(s, sql, NULL, 0);
    if (n == INT64_MIN) {
        ath_session_rollback_to(s, sp);
        n = -1;
    }
    ath_session_release(s, sp);
    return n;
}

/* --- messages ------------------------------------------------------------------------------- */

void sec_check(bool ok, const char *file, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
}

const char *sec_show(const char *s, size_t len, char *buf, size_t size)
{
    size_t n = 0;
    if (!s) {
        snprintf(buf, size, "NULL");
        return buf;
    }
    for (size_t i = 0; i < len && i < 40 && n + 5 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            buf[n++] = (char)c;
        else
            n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
    }
    if (len > 40 && n + 4 < size)
        n += (size_t)snprintf(buf + n, size - n, "…");
    buf[n < size ? n : size - 1] = '\0';
    return buf;
}
