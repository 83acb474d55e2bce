/* Test kit: per-URL suites (see harness.h). */
#include "harness.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/TestRun.h>

#include "urls.h"

typedef struct group {
    const char *name;
    const ath_model *const *models;
    size_t nmodels;
} group;

static const test_harness *harness;
static test_target targets[TEST_MAX_TARGETS];
static size_t ntargets;
static bool targets_loaded;
static group groups[TEST_MAX_GROUPS];
static size_t ngroups;

/* the running suite */
static const test_target *cur;
static const group *cur_group;
static ath_engine **engine;

static void report(const char *what)
{
    const ath_error *e = ath_error_last();
    fprintf(stderr, "%s %s@%s: %s: %s (%s)\n", harness->who, cur_group ? cur_group->name : "?",
            cur ? cur->label : "?", what, e->message, ath_code_name(e->code));
}

static void load_targets(void)
{
    const char *const *urls;
    size_t n = test_urls(&urls);
    targets_loaded = true;
    for (size_t i = 0; i < n && ntargets < TEST_MAX_TARGETS; i++) {
        test_target *t = &targets[ntargets];
        const char *label = NULL;
        t->index = ntargets;
        t->url = urls[i];
        t->row = harness->row_for(urls[i], &t->dialect, &label);
        if (!t->row) {
            fprintf(stderr, "%s: no backend for URL scheme of %.*s\n", harness->who,
                    (int)strcspn(urls[i], ":"), urls[i]);
            continue;
        }
        int same = 0;
        for (size_t j = 0; j < ntargets; j++)
            same += targets[j].row == t->row;
        if (same)
            snprintf(t->label, sizeof t->label, "%s-%d", label, same + 1);
        else
            snprintf(t->label, sizeof t->label, "%s", label);
        ntargets++;
    }
}

int test_recreate_schema(void)
{
    if (!cur_group || !engine || !*engine)
        return ATH_EINVAL;
    int rc = ath_drop_all(*engine, cur_group->models, cur_group->nmodels);
    if (rc != ATH_OK) {
        report("ath_drop_all");
        return rc;
    }
    if ((rc = ath_create_all(*engine, cur_group->models, cur_group->nmodels)) != ATH_OK)
        report("ath_create_all");
    return rc;
}

int test_clear_tables(void)
{
    if (!cur_group || !engine || !*engine)
        return ATH_EINVAL;
    ath_session *s = NULL;
    int rc = ath_session_open(&s, *engine);
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

/* CUnit's init hooks take no argument: find the (group, target) by the running suite's name. */
static int suite_init(void)
{
    CU_pSuite suite = CU_get_current_suite();
    const char *name = suite ? suite->pName : "";
    const char *at = strchr(name, '@');
    cur = NULL;
    cur_group = NULL;
    engine = NULL;
    for (size_t g = 0; at && g < ngroups; g++)
        if (strlen(groups[g].name) == (size_t)(at - name) &&
            strncmp(groups[g].name, name, (size_t)(at - name)) == 0)
            cur_group = &groups[g];
    for (size_t t = 0; at && t < ntargets; t++)
        if (strcmp(targets[t].label, at + 1) == 0)
            cur = &targets[t];
    if (!cur_group || !cur) {
        fprintf(stderr, "%s: no group or target for suite %s\n", harness->who, name);
        return 1;
    }
    ath_engine_options opts;
    ath_engine_options_init(&opts);
    opts.pool_timeout = 10; /* a session a test leaked shows up in seconds, not half a minute */
    engine = harness->select(cur, &opts);
    test_sqlite_remove(cur->url);
    if (ath_engine_create_opts(engine, cur->url, &opts) != ATH_OK) {
        report("ath_engine_create");
        return 1;
    }
    const char *dialect = ath_engine_dialect(*engine);
    if (strcmp(dialect, cur->dialect) != 0) {
        fprintf(stderr, "%s %s@%s: the engine's dialect is %s, the backend table says %s\n",
                harness->who, cur_group->name, cur->label, dialect, cur->dialect);
        return 1;
    }
    return test_recreate_schema() == ATH_OK ? 0 : 1;
}

static int suite_clean(void)
{
    int status = 0;
    harness->end();
    if (cur && engine && *engine) {
        if (ath_drop_all(*engine, cur_group->models, cur_group->nmodels) != ATH_OK) {
            report("ath_drop_all at cleanup");
            status = 1;
        }
        ath_engine_dispose(*engine);
        *engine = NULL;
        test_sqlite_remove(cur->url);
    }
    harness->select(NULL, NULL);
    cur = NULL;
    cur_group = NULL;
    engine = NULL;
    return status;
}

void test_register_group(const test_harness *h, const char *name, const test_case *tests,
                         const ath_model *const *models, size_t nmodels)
{
    if (nmodels == 0) {
        test_add_suite(name, NULL, NULL, tests);
        return;
    }
    harness = h;
    if (!targets_loaded)
        load_targets();
    if (ngroups == TEST_MAX_GROUPS) {
        fprintf(stderr, "%s: more than %d groups: %s left out\n", h->who, TEST_MAX_GROUPS, name);
        return;
    }
    groups[ngroups++] = (group){name, models, nmodels};
    for (size_t i = 0; i < ntargets; i++) {
        char suite[128];
        snprintf(suite, sizeof suite, "%s@%s", name, targets[i].label);
        test_add_suite(suite, suite_init, suite_clean, tests);
    }
}
