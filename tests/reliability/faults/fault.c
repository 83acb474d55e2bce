/* Fault tests: backends, server control, skips, the model and small database helpers. */
#include "fault.h"

#include <CUnit/CUnit.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "urls.h"

fault_backend fault_backends[FB_COUNT] = {
    [FB_POSTGRESQL] =
        {
            .name = "postgresql",
            .dialects = "postgresql,postgres",
            .env = "ATHANOR_TEST_PG",
            .sleep_sql = "SELECT pg_sleep(20)",
            .stmt_limit_sql = "SET LOCAL statement_timeout = 200",
            .lock_limit_sql = "SET LOCAL lock_timeout = 200",
            .deadlocks = true,
        },
    [FB_MARIADB] =
        {
            .name = "mariadb",
            .dialects = "mysql,mariadb",
            .env = "ATHANOR_TEST_MARIADB",
            .sleep_sql = "SELECT SLEEP(20)",
            /* session-wide: the scenarios that set them use an engine of their own */
            .stmt_limit_sql = "SET SESSION max_statement_time = 0.2",
            .lock_limit_sql = "SET SESSION innodb_lock_wait_timeout = 1",
            .deadlocks = true,
        },
    [FB_SQLITE_FILE] =
        {
            .name = "sqlite-file",
            .dialects = "sqlite",
            .lock_limit_query = "busy_timeout=200",
        },
    [FB_SQLITE_MEMORY] =
        {
            .name = "sqlite-memory",
            .dialects = "sqlite",
            .url = "sqlite:///:memory:",
            .single_connection = true,
        },
};

static int skipped;

void fault_init(void)
{
    for (int b = FB_POSTGRESQL; b <= FB_MARIADB; b++)
        if (!fault_backends[b].url)
            fault_backends[b].url = test_url_find(fault_backends[b].dialects);
    static char file_url[1024];
    snprintf(file_url, sizeof file_url, "sqlite:///%s/athanor-fault.db", test_workdir());
    fault_backends[FB_SQLITE_FILE].url = file_url;
}

void fault_skip(const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    CU_pTest t = CU_get_current_test();
    CU_pSuite s = CU_get_current_suite();
    if (test_under_ci()) {
        FAULT_FAIL("CI=true: not skipping: %s", why);
        fprintf(stderr, "\nFAIL (CI=true, cannot run): %s / %s: %s\n", s ? s->pName : "?",
                t ? t->pName : "?", why);
        return;
    }
    skipped++;
    printf("\nSKIPPED: %s / %s: %s\n", s ? s->pName : "?", t ? t->pName : "?", why);
}

int fault_skipped(void)
{
    return skipped;
}

bool fault_need_url(const fault_backend *b)
{
    if (b->url)
        return true;
    fault_skip("ATHANOR_TEST_URLS has no %s URL", b->name);
    return false;
}

static const char *control_command(const fault_backend *b, const char *action)
{
    char var[128];
    snprintf(var, sizeof var, "%s_%s", b->env ? b->env : "", action);
    const char *cmd = b->env ? getenv(var) : NULL;
    return cmd && *cmd ? cmd : NULL;
}

bool fault_need_control(const fault_backend *b)
{
    if (!fault_need_url(b))
        return false;
    static const char *const actions[] = {"STOP", "START", "RESTART"};
    for (size_t i = 0; i < 3; i++)
        if (!control_command(b, actions[i])) {
            fault_skip("%s_%s is not set: the %s server cannot be stopped and started "
                       "(scripts/test sources tests/reliability/faults/servers.sh)",
                       b->env ? b->env : b->name, actions[i], b->name);
            return false;
        }
    return true;
}

bool fault_server(const fault_backend *b, const char *action)
{
    const char *cmd = control_command(b, action);
    if (!cmd) {
        fault_skip("%s_%s is not set", b->env ? b->env : b->name, action);
        return false;
    }
    fflush(stdout);
    fflush(stderr);
    char line[2048];
    snprintf(line, sizeof line, "%s >&2", cmd); /* the scripts' chatter stays off stdout */
    int rc = system(line);
    if (rc != 0) {
        FAULT_FAIL("server control failed (status %d): %s", rc, cmd);
        return false;
    }
    return true;
}

void fault_server_ensure_up(const fault_backend *b)
{
    const char *cmd = control_command(b, "START");
    if (!cmd)
        return;
    char line[2048];
    snprintf(line, sizeof line, "%s >&2", cmd);
    if (system(line) != 0)
        fprintf(stderr, "warning: could not make sure the %s server is up\n", b->name);
}

ath_engine *fault_engine_url(const char *url, const char *query)
{
    char buf[2048];
    if (query && *query)
        snprintf(buf, sizeof buf, "%s%c%s", url, strchr(url, '?') ? '&' : '?', query);
    else
        snprintf(buf, sizeof buf, "%s", url);
    ath_engine *e = NULL;
    int rc = ath_engine_create(&e, buf);
    ASSERT_RC(rc, ATH_OK);
    return rc == ATH_OK ? e : NULL;
}

ath_engine *fault_engine(const fault_backend *b, const char *query)
{
    return fault_engine_url(b->url, query);
}

static const ath_field fault_item_fields[] = {
    ATH_FIELD(FaultItem, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(FaultItem, name, text, .flags = ATH_UNIQUE, .max_length = 64),
    ATH_FIELD(FaultItem, qty, i64),
    ATH_FIELD(FaultItem, note, opt_text),
};
const ath_model FaultItem_model = ATH_MODEL_OF(FaultItem, "rl_fault_item", fault_item_fields);

bool fault_reset_table(ath_engine *engine)
{
    int rc = ath_drop_all(engine, ATH_MODELS(&FaultItem_model));
    ASSERT_RC(rc, ATH_OK);
    if (rc == ATH_OK)
        ASSERT_RC(rc = ath_create_all(engine, ATH_MODELS(&FaultItem_model)), ATH_OK);
    return rc == ATH_OK;
}

bool fault_seed(ath_engine *engine, const char *prefix, int n)
{
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    FaultItem *items = calloc((size_t)n, sizeof *items);
    char(*names)[64] = calloc((size_t)n, sizeof *names);
    int rc = items && names ? ATH_OK : ATH_ENOMEM;
    for (int i = 0; rc == ATH_OK && i < n; i++) {
        snprintf(names[i], sizeof names[i], "%s-%d", prefix, i);
        items[i] = (FaultItem){.name = names[i], .qty = i};
    }
    if (rc == ATH_OK)
        rc = ath_session_open(&s, engine);
    if (rc == ATH_OK)
        rc = ath_repo_open(&repo, s, &FaultItem_model);
    if (rc == ATH_OK)
        rc = ath_repo_add_many(repo, items, (size_t)n);
    if (rc == ATH_OK)
        rc = ath_session_commit(s);
    ASSERT_RC(rc, ATH_OK);
    ath_repo_free(repo);
    ath_session_close(s);
    free(items);
    free(names);
    return rc == ATH_OK;
}

static int64_t count_where(ath_engine *engine, const ath_filter *filters, size_t nfilters)
{
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    int64_t n = -1;
    int rc = ath_session_open(&s, engine);
    if (rc == ATH_OK)
        rc = ath_repo_open(&repo, s, &FaultItem_model);
    if (rc == ATH_OK)
        rc = ath_repo_count(repo, &n, filters, nfilters);
    ASSERT_RC(rc, ATH_OK);
    ath_repo_free(repo);
    ath_session_close(s);
    return rc == ATH_OK ? n : -1;
}

int64_t fault_count(ath_engine *engine)
{
    return count_where(engine, ATH_NO_FILTERS);
}

int64_t fault_count_prefix(ath_engine *engine, const char *prefix)
{
    return count_where(engine, ATH_FILTERS(ath_where("name", ATH_STARTSWITH, ath_v_text(prefix))));
}

int64_t fault_qty(ath_engine *engine, const char *name)
{
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    FaultItem item = {0};
    int rc = ath_session_open(&s, engine);
    if (rc == ATH_OK)
        rc = ath_repo_open(&repo, s, &FaultItem_model);
    if (rc == ATH_OK)
        rc =
            ath_repo_get_one(repo, &item, ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text(name))));
    ASSERT_RC(rc, ATH_OK);
    int64_t qty = rc == ATH_OK ? item.qty : INT64_MIN;
    ath_model_free_fields(&FaultItem_model, &item);
    ath_repo_free(repo);
    ath_session_close(s);
    return qty;
}

int fault_exec(ath_session *s, const char *sql)
{
    return ath_session_execute(s, sql, NULL, 0, NULL);
}

int fault_text(ath_session *s, const char *sql, char *buf, size_t size)
{
    ath_result *r = NULL;
    buf[0] = '\0';
    int rc = ath_session_execute(s, sql, NULL, 0, &r);
    if (rc != ATH_OK)
        return rc;
    rc = ath_result_next(r);
    if (rc == 1) {
        const char *t = ath_result_text(r, 0);
        snprintf(buf, size, "%s", t ? t : "");
        rc = ATH_OK;
    }
    ath_result_free(r);
    return rc;
}

void fault_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

void fault_fail(const char *file, int line, const char *fmt, ...)
{
    char msg[1400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    CU_assertImplementation(CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
}

void fault_assert_rc2(int rc, int a, int b, const char *expr, const char *file, int line)
{
    char msg[1400];
    if (rc == a || rc == b) {
        CU_assertImplementation(CU_TRUE, (unsigned)line, "rc", file, "", CU_FALSE);
        return;
    }
    snprintf(msg, sizeof msg, "%s returned %s (%d), expected %s or %s: %s", expr, ath_code_name(rc),
             rc, ath_code_name(a), ath_code_name(b), ath_error_last()->message);
    CU_assertImplementation(CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
}

void *fault_stop_later(void *arg)
{
    fault_stopper *st = arg;
    fault_sleep_ms(st->delay_ms);
    char var[128];
    snprintf(var, sizeof var, "%s_STOP", st->b->env);
    char line[2048];
    snprintf(line, sizeof line, "%s >&2", getenv(var));
    st->status = system(line);
    return NULL;
}
