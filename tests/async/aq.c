/* The async suite's harness (aq.h). */
#include "aq.h"

#include <stdio.h>
#include <string.h>

#include "urls.h"

static const ath_field item_fields[] = {
    ATH_FIELD(Item, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Item, name, text, .flags = ATH_UNIQUE, .max_length = 64),
    ATH_FIELD(Item, qty, i64),
};
const ath_model Item_model = ATH_MODEL_OF(Item, "async_item", item_fields);
static const ath_model *const models[] = {&Item_model};

static const struct backend {
    const char *dialect;
    bool memory;
    const char *label;
} backends[] = {
    {"sqlite", true, "sqlite-memory"},
    {"sqlite", false, "sqlite-file"},
    {"postgresql", false, "postgresql"},
    {"mysql", false, "mysql"},
};

ath_engine *aq_engine;
const char *aq_dialect;
const char *aq_url;
bool aq_memory;
ath_event_fn aq_event_hook;

static void on_event(void *ctx, const ath_event *ev)
{
    (void)ctx;
    if (aq_event_hook)
        aq_event_hook(NULL, ev);
}

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

static ath_engine **select_target(const test_target *t, ath_engine_options *opts)
{
    const struct backend *b = t ? t->row : NULL;
    aq_dialect = b ? b->dialect : NULL;
    aq_memory = b && b->memory;
    aq_url = t ? t->url : NULL;
    if (opts) {
        opts->on_event = on_event; /* aq_event_hook, when a test sets it */
        opts->nonblocking = true; /* fibers on PostgreSQL and MariaDB */
        opts->pool_size = 8;
        opts->max_overflow = 0;
    }
    return &aq_engine;
}

static ath_async *runtime;
static ath_async_session *sessions[128];
static ath_repo *repos[128];
static size_t nsessions;

void aq_end(void)
{
    for (size_t i = 0; i < nsessions; i++) {
        ath_repo_free(repos[i]);
        repos[i] = NULL;
        if (runtime)
            ath_async_session_close(sessions[i], NULL, NULL);
        sessions[i] = NULL;
    }
    nsessions = 0;
    ath_async_free(runtime); /* runs the closes */
    runtime = NULL;
    aq_event_hook = NULL;
    test_end();
}

static const test_harness harness = {"async tests", row_for, select_target, aq_end};

void aq_add_group(const char *name, const test_case *tests)
{
    test_register_group(&harness, name, tests, models, 1);
}

ath_async *aq_begin(void)
{
    aq_end();
    CU_ASSERT_PTR_NOT_NULL_FATAL(aq_engine);
    ASSERT_RC(test_clear_tables(), ATH_OK);
    ASSERT_RC(ath_async_create(&runtime, NULL), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(runtime);
    return runtime;
}

ath_async_session *aq_session(ath_repo **repo)
{
    CU_ASSERT_FATAL(runtime != NULL && nsessions < sizeof sessions / sizeof *sessions);
    ath_async_session *s = NULL;
    ASSERT_RC(ath_async_session_open(&s, runtime, aq_engine), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    sessions[nsessions] = s;
    if (repo) {
        ASSERT_RC(ath_repo_open(&repos[nsessions], ath_async_session_session(s), &Item_model),
                  ATH_OK);
        *repo = repos[nsessions];
    }
    nsessions++;
    return s;
}

void aq_run(ath_async *a)
{
    int rc = ath_async_run(a, 30000);
    ASSERT_RC(rc, ATH_OK);
    CU_ASSERT_EQUAL(ath_async_pending(a), 0);
}

static int completions;

void aq_record(ath_async_op *op, int rc, void *user)
{
    aq_seen *s = user;
    s->calls++;
    s->rc = rc;
    s->err_code = ath_error_last()->code;
    snprintf(s->message, sizeof s->message, "%s", ath_error_last()->message);
    snprintf(s->name, sizeof s->name, "%s", ath_async_op_name(op));
    s->order = ++completions;
}

int64_t aq_count_rows(void)
{
    ath_session *s = NULL;
    ath_repo *r = NULL;
    int64_t n = -1;
    ASSERT_RC(ath_session_open(&s, aq_engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &Item_model), ATH_OK);
    ASSERT_RC(ath_repo_count(r, &n, ATH_NO_FILTERS), ATH_OK);
    ath_repo_free(r);
    ath_session_close(s);
    return n;
}
