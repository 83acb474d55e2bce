/* Schema: CREATE/DROP for a set of models, referenced tables first. */
#include <athanor/schema.h>

#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "engine.h"
#include "error.h"
#include "mixins.h"
#include "session.h"
#include "sql_ddl.h"
#include "inspect_int.h"

/* True when mapping a has a foreign key into b's table. */
static bool references(const ath_mapping *a, const ath_mapping *b)
{
    size_t tlen = strlen(b->model->table);
    for (size_t i = 0; i < a->ncols; i++) {
        const char *ref = a->cols[i].references;
        if (ref && strncmp(ref, b->model->table, tlen) == 0 && ref[tlen] == '.' && a != b)
            return true;
    }
    return false;
}

/* Mappings of `models` ordered so that referenced tables come first. */
int ath_schema_order(ath_engine *e, const ath_model *const *models, size_t n,
                     const ath_mapping **out)
{
    const ath_mapping **maps = ath_calloc(n ? n : 1, sizeof *maps);
    bool *placed = ath_calloc(n ? n : 1, sizeof *placed);
    int rc = maps && placed ? ATH_OK : ath_fail(ATH_ENOMEM, "ordering models");
    for (size_t i = 0; rc == ATH_OK && i < n; i++)
        rc = models[i] ? ath_engine_mapping(e, models[i], &maps[i])
                       : ath_fail(ATH_EINVAL, "model %zu of %zu is NULL", i + 1, n);
    for (size_t k = 0; rc == ATH_OK && k < n; k++) {
        size_t pick = n;
        for (size_t i = 0; i < n && pick == n; i++) {
            if (placed[i])
                continue;
            bool ready = true;
            for (size_t j = 0; j < n && ready; j++)
                if (!placed[j] && j != i && references(maps[i], maps[j]))
                    ready = false;
            if (ready)
                pick = i;
        }
        if (pick == n) {
            char names[512] = "";
            for (size_t i = 0; i < n; i++)
                if (!placed[i] &&
                    strlen(names) + strlen(maps[i]->model->table) + 3 < sizeof names) {
                    strcat(names, *names ? ", " : "");
                    strcat(names, maps[i]->model->table);
                }
            rc = ath_fail(ATH_EINVAL, "the foreign keys of tables %s form a cycle", names);
            break;
        }
        placed[pick] = true;
        out[k] = maps[pick];
    }
    ath_free(maps);
    ath_free(placed);
    return rc;
}

/* Runs each ";\n"-separated statement of `text`. */
static int run_script(ath_session *s, char *text)
{
    char *stmt = text;
    while (stmt && *stmt) {
        char *end = strstr(stmt, ";\n");
        if (end)
            *end = '\0';
        int rc = ath_session_exec(s, stmt);
        if (rc != ATH_OK)
            return rc;
        stmt = end ? end + 2 : NULL;
    }
    return ATH_OK;
}

static int build_all(ath_engine *e, const ath_model *const *models, size_t n, bool create,
                     ath_buf *out)
{
    const ath_mapping **order = ath_calloc(n ? n : 1, sizeof *order);
    if (!order)
        return ath_fail(ATH_ENOMEM, "building DDL");
    int rc = ath_schema_order(e, models, n, order);
    const ath_dialect *d = ath_engine_driver(e)->dialect;
    for (size_t k = 0; rc == ATH_OK && k < n; k++) {
        ath_buf_adds(out, k ? ";\n" : "");
        if (create) {
            ath_sql_create_table(out, d, order[k]);
            mixins_extra_ddl(order[k], out);
        } else
            ath_sql_drop_table(out, d, order[n - 1 - k]);
    }
    ath_free(order);
    if (rc == ATH_OK && out->oom)
        rc = ath_fail(ATH_ENOMEM, "building DDL");
    return rc;
}

int ath_engine_check_models(const char *fn, ath_engine *e, const ath_model *const *models,
                            size_t n)
{
    if (!e)
        return ath_null_arg(fn, "engine");
    if (n && !models)
        return ath_null_arg(fn, "models");
    for (size_t i = 0; i < n; i++)
        if (!models[i])
            return ath_fail(ATH_EINVAL, "%s: models[%zu] is NULL", fn, i);
    if (ath_engine_disposed(e))
        return ath_fail(ATH_EINVAL, "%s: the engine was disposed", fn);
    return ATH_OK;
}

static int run_all(ath_engine *e, const ath_model *const *models, size_t n, bool create)
{
    ath_buf ddl;
    ath_buf_init(&ddl);
    ath_session *s = NULL;
    int rc = build_all(e, models, n, create, &ddl);
    if (rc == ATH_OK && n)
        rc = ath_session_open(&s, e);
    if (rc == ATH_OK && n) {
        rc = run_script(s, ddl.data);
        rc = rc == ATH_OK ? ath_session_commit(s) : rc;
    }
    ath_session_close(s); /* rolls back what failed */
    ath_buf_free(&ddl);
    return rc;
}

int ath_create_all(ath_engine *engine, const ath_model *const *models, size_t n)
{
    int rc = ath_engine_check_models(__func__, engine, models, n);
    if (rc != ATH_OK)
        return rc;
    return run_all(engine, models, n, true);
}

int ath_drop_all(ath_engine *engine, const ath_model *const *models, size_t n)
{
    int rc = ath_engine_check_models(__func__, engine, models, n);
    if (rc != ATH_OK)
        return rc;
    return run_all(engine, models, n, false);
}

int ath_create_all_sql(char **out, ath_engine *engine, const ath_model *const *models, size_t n)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    int rc = ath_engine_check_models(__func__, engine, models, n);
    if (rc != ATH_OK)
        return rc;
    ath_buf ddl;
    ath_buf_init(&ddl);
    rc = build_all(engine, models, n, true, &ddl);
    if (rc == ATH_OK && !(*out = ath_buf_take(&ddl)))
        rc = ath_fail(ATH_ENOMEM, "building DDL");
    ath_buf_free(&ddl);
    return rc;
}
