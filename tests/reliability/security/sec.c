/* The security suite's harness: targets, suite setup, tracked fixtures, raw reads. */
#include "sec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sec_target *sec;
static sec_target targets[TEST_MAX_TARGETS];

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

static const void *row_for(const char *url, const char **dialect, const char **label)
{
    const caps *c = caps_for_url(url);
    *dialect = c->dialect;
    *label = c->label;
    return c;
}

static ath_engine **select_target(const test_target *t, ath_engine_options *opts)
{
    if (!t) {
        sec = NULL;
        return NULL;
    }
    sec = &targets[t->index];
    sec->url = t->url;
    sec->caps = t->row;
    sec->label = t->label;
    opts->echo = true;
    opts->log = count_statements;
    opts->log_ctx = sec;
    return &sec->engine;
}

static const test_harness harness = {"security", row_for, select_target, sec_end};

void sec_add_group(const char *name, const test_case *tests)
{
    test_register_group(&harness, name, tests, SEC_MODELS);
}

/* --- tracked fixtures ----------------------------------------------------------------------- */

static ath_session *session;

ath_session *sec_begin(void)
{
    sec_end();
    CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
    if (test_clear_tables() != ATH_OK) {
        /* a table is missing (a test dropped it, or an injection did): rebuild, then retry */
        CU_ASSERT_EQUAL_FATAL(test_recreate_schema(), ATH_OK);
        ASSERT_RC(test_clear_tables(), ATH_OK);
    }
    ASSERT_RC(ath_session_open(&session, sec->engine), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(session);
    return session;
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
    test_end();
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
