/*
 * The Athanor side: every operation is one repository call (or one per object where the API is
 * per object: add, get, count, page), in the session's transaction, committed at the end —
 * the way an application would write it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* The model over the plain struct (the SQLModel way). */
static const ath_field item_fields[] = {
    ATH_FIELD(bench_item, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(bench_item, name, text, .max_length = BENCH_NAME_MAX),
    ATH_FIELD(bench_item, qty, i32, .flags = ATH_INDEX),
    ATH_FIELD(bench_item, price, double),
    ATH_FIELD(bench_item, created, timestamp),
};
const ath_model bench_item_model = ATH_MODEL_OF(bench_item, "bench_item", item_fields);
/* the same columns: the rows every reset copies back into bench_item */
const ath_model bench_base_model = ATH_MODEL_OF(bench_item, "bench_base", item_fields);

struct ath_side {
    ath_engine *engine;
    ath_session *session;
    ath_repo *repo;
};

const char *ath_side_error(void)
{
    return ath_error_last()->message;
}

int ath_side_open(ath_side **out, const char *url)
{
    ath_side *s = calloc(1, sizeof *s);
    *out = s;
    if (!s)
        return ATH_ENOMEM;
    int rc = ath_engine_create(&s->engine, url);
    if (rc == ATH_OK)
        rc = ath_session_open(&s->session, s->engine);
    if (rc == ATH_OK)
        rc = ath_repo_open(&s->repo, s->session, &bench_item_model);
    return rc;
}

void ath_side_close(ath_side *s)
{
    if (!s)
        return;
    ath_repo_free(s->repo);
    ath_session_close(s->session);
    ath_engine_dispose(s->engine);
    free(s);
}

ath_engine *ath_side_engine(ath_side *s)
{
    return s->engine;
}

static int finish(ath_side *s, int rc)
{
    if (rc == ATH_OK)
        return ath_session_commit(s->session);
    char message[1024];
    snprintf(message, sizeof message, "%s", ath_error_last()->message);
    ath_session_rollback(s->session);
    ath_error_set(rc, "%s", message);
    return rc;
}

int ath_side_exec(ath_side *s, const char *sql)
{
    return finish(s, ath_session_execute(s->session, sql, NULL, 0, NULL));
}

int ath_side_query2(ath_side *s, const char *sql, int64_t *a, int64_t *b)
{
    ath_result *r = NULL;
    int rc = ath_session_execute(s->session, sql, NULL, 0, &r);
    if (rc == ATH_OK && (rc = ath_result_next(r)) == 1) {
        *a = ath_result_i64(r, 0);
        *b = ath_result_i64(r, 1);
        rc = ATH_OK;
    } else if (rc == 0) {
        rc = ath_error_set(ATH_ESQL, "%s gave no row", sql);
    }
    ath_result_free(r);
    return finish(s, rc);
}

int ath_side_create_tables(ath_side *s)
{
    int rc = ath_drop_all(s->engine, ATH_MODELS(&bench_item_model, &bench_base_model));
    if (rc == ATH_OK)
        rc = ath_create_all(s->engine, ATH_MODELS(&bench_item_model, &bench_base_model));
    return rc;
}

int ath_side_load_base(ath_side *s, bench_item *rows, size_t n)
{
    ath_repo *base = NULL;
    int rc = ath_repo_open(&base, s->session, &bench_base_model);
    if (rc == ATH_OK)
        rc = ath_repo_add_many(base, rows, n);
    ath_repo_free(base);
    return finish(s, rc);
}

/* --- operations --------------------------------------------------------------------------- */

static int op_add(ath_side *s, bench_work *w)
{
    int rc = ATH_OK;
    for (size_t i = 0; rc == ATH_OK && i < w->nitems; i++) {
        rc = ath_repo_add(s->repo, &w->items[i]);
        w->check += (uint64_t)w->items[i].id;
    }
    w->rows = (int64_t)w->nitems;
    return finish(s, rc);
}

static int op_add_many(ath_side *s, bench_work *w)
{
    int rc = ath_repo_add_many(s->repo, w->items, w->nitems);
    for (size_t i = 0; rc == ATH_OK && i < w->nitems; i++)
        w->check += (uint64_t)w->items[i].id;
    w->rows = (int64_t)w->nitems;
    return finish(s, rc);
}

static int op_get(ath_side *s, bench_work *w)
{
    int rc = ATH_OK;
    for (size_t i = 0; rc == ATH_OK && i < w->nkeys; i++) {
        bench_item it;
        ath_value key = ath_v_i64(w->keys[i]);
        if ((rc = ath_repo_get(s->repo, &it, &key, 1)) != ATH_OK)
            break;
        w->check = bench_fold(w->check, bench_item_hash(&it));
        ath_model_free_fields(&bench_item_model, &it);
        w->rows++;
    }
    return finish(s, rc);
}

static int op_list(ath_side *s, bench_work *w)
{
    ath_list *l = NULL;
    int rc = ath_repo_list(s->repo, &l, ATH_NO_FILTERS);
    if (rc == ATH_OK)
        bench_fold_items(w, ath_list_items(l), ath_list_count(l));
    ath_list_free(l);
    return finish(s, rc);
}

static int op_update_many(ath_side *s, bench_work *w)
{
    int rc = ath_repo_update_many(s->repo, w->items, w->nitems);
    w->rows = rc == ATH_OK ? (int64_t)w->nitems : 0;
    return finish(s, rc);
}

/* The partial form: qty and price of each row (name and created keep the stored values). */
static int op_update_many_fields(ath_side *s, bench_work *w)
{
    int rc = ath_repo_update_many_fields(s->repo, w->items, w->nitems, ATH_NAMES("qty", "price"));
    w->rows = rc == ATH_OK ? (int64_t)w->nitems : 0;
    return finish(s, rc);
}

static int op_upsert_many(ath_side *s, bench_work *w)
{
    int rc = ath_repo_upsert_many(s->repo, w->items, w->nitems, NULL, 0);
    w->rows = rc == ATH_OK ? (int64_t)w->nitems : 0;
    return finish(s, rc);
}

static int op_delete_many(ath_side *s, bench_work *w)
{
    ath_value *keys = malloc((w->nkeys ? w->nkeys : 1) * sizeof *keys);
    if (!keys)
        return ATH_ENOMEM;
    for (size_t i = 0; i < w->nkeys; i++)
        keys[i] = ath_v_i64(w->keys[i]);
    int64_t deleted = 0;
    int rc = ath_repo_delete_many(s->repo, keys, w->nkeys, &deleted);
    free(keys);
    w->rows = deleted;
    return finish(s, rc);
}

static int op_count(ath_side *s, bench_work *w)
{
    int rc = ATH_OK;
    for (size_t i = 0; rc == ATH_OK && i < w->nqtys; i++) {
        int64_t n = 0;
        rc = ath_repo_count(
            s->repo, &n,
            ATH_FILTERS(ath_where("qty", ATH_GE, ath_v_i32(w->qtys[i])),
                        ath_where("qty", ATH_LT, ath_v_i32(w->qtys[i] + BENCH_COUNT_SPAN))));
        w->check += (uint64_t)n;
        w->rows++;
    }
    return finish(s, rc);
}

static int op_page(ath_side *s, bench_work *w)
{
    int rc = ATH_OK;
    for (size_t i = 0; rc == ATH_OK && i < w->nqtys; i++) {
        ath_list *l = NULL;
        rc = ath_repo_list(s->repo, &l,
                           ATH_FILTERS(ath_where("qty", ATH_EQ, ath_v_i32(w->qtys[i])),
                                       ath_order_by("name", false),
                                       ath_limit_offset(BENCH_PAGE_LIMIT, BENCH_PAGE_OFFSET)));
        if (rc == ATH_OK)
            bench_fold_items(w, ath_list_items(l), ath_list_count(l));
        ath_list_free(l);
    }
    return finish(s, rc);
}

const ath_side_method ath_side_methods[] = {
    {"add", op_add},
    {"add_many", op_add_many},
    {"get", op_get},
    {"list", op_list},
    {"update_many", op_update_many},
    {"update_many_fields", op_update_many_fields},
    {"upsert_many", op_upsert_many},
    {"delete_many", op_delete_many},
    {"count", op_count},
    {"page", op_page},
    {NULL, NULL},
};
