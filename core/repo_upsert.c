/* Repository upserts (one statement per chunk) and the get-then-write operations. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "mixins.h"
#include "repo.h"
#include "session.h"
#include "sql_build.h"
#include "utf8.h"

static int plan_upsert(ath_repo *r, const char *const *names, size_t n, upsert_plan *p)
{
    memset(p, 0, sizeof *p);
    if (n > MATCH_MAX)
        return ath_fail(ATH_EINVAL, "at most %d match fields", MATCH_MAX);
    if (!names || n == 0) {
        for (size_t i = 0; i < r->m->npk; i++)
            p->match[p->nmatch++] = &r->m->cols[r->m->pk[i]];
    } else {
        int rc = repo_columns(r, names, n, false, "match_fields", p->match);
        if (rc != ATH_OK)
            return rc;
        p->nmatch = n;
    }
    size_t keys = 0;
    for (size_t i = 0; i < p->nmatch; i++)
        keys += p->match[i]->pk;
    p->match_is_key = keys == r->m->npk && p->nmatch == r->m->npk;
    /* ON CONFLICT / ON DUPLICATE KEY need a unique index on exactly the match columns */
    p->native =
        p->match_is_key || ath_mapping_unique_on(r->m, (const ath_col *const *)p->match, p->nmatch);
    return ATH_OK;
}

/*
 * Writes stored keys back into objs[0..rows) by matching rows (key + match columns, read from
 * st) to objects on the match columns' values.
 */
static int assign_keys(ath_repo *r, const upsert_plan *p, ath_stmt *st, char *objs, size_t rows)
{
    size_t size = r->m->model->struct_size;
    char *tmp = ath_calloc(1, size);
    ath_buf want, got;
    ath_buf_init(&want);
    ath_buf_init(&got);
    ath_arena arena;
    ath_arena_init(&arena);
    int rc = tmp ? ATH_OK : ath_fail(ATH_ENOMEM, "matching upserted rows");
    repo_keyed *keys = rc == ATH_OK ? ath_calloc(rows, sizeof *keys) : NULL;
    size_t nkeys = 0;
    if (rc == ATH_OK && !keys)
        rc = ath_fail(ATH_ENOMEM, "matching upserted rows");
    for (size_t i = 0; rc == ATH_OK && i < rows; i++) { /* each object's match key */
        ath_buf_clear(&want);
        int enc = ath_cols_encode(p->match, p->nmatch, objs + i * size, &want);
        if (enc < 0)
            rc = enc;
        else if (enc > 0 && !(keys[nkeys].text = ath_strdup(want.data)))
            rc = ath_fail(ATH_ENOMEM, "matching upserted rows");
        else if (enc > 0)
            keys[nkeys++].index = i;
    }
    if (rc == ATH_OK) /* sorted, so each returned row finds its object in log n */
        qsort(keys, nkeys, sizeof *keys, repo_keyed_compare);
    while (rc == ATH_OK && (rc = ath_session_step(r->session, st)) > 0) {
        size_t col = 0;
        memset(tmp, 0, size);
        for (size_t i = 0; rc > 0 && i < r->m->npk; i++) {
            const ath_col *c = &r->m->cols[r->m->pk[i]];
            if ((rc = ath_col_fetch(st, (int)col++, c, tmp, &arena)) == ATH_OK)
                rc = 1;
        }
        for (size_t i = 0; rc > 0 && i < p->nmatch; i++)
            if ((rc = ath_col_fetch(st, (int)col++, p->match[i], tmp, &arena)) == ATH_OK)
                rc = 1;
        if (rc <= 0)
            break;
        ath_buf_clear(&got);
        rc = ATH_OK;
        if (ath_cols_encode(p->match, p->nmatch, tmp, &got) <= 0)
            continue;
        repo_keyed probe = {got.data, 0};
        repo_keyed *hit = bsearch(&probe, keys, nkeys, sizeof *keys, repo_keyed_compare);
        if (!hit)
            continue;
        for (size_t k = 0; k < r->m->npk && rc == ATH_OK; k++) {
            const ath_col *c = &r->m->cols[r->m->pk[k]];
            ath_value v = ath_col_get(c, tmp);
            rc = ath_col_set(c, objs + hit->index * size, &v, NULL);
        }
    }
    for (size_t i = 0; keys && i < nkeys; i++)
        ath_free(keys[i].text);
    ath_free(keys);
    ath_arena_free(&arena);
    ath_buf_free(&want);
    ath_buf_free(&got);
    ath_free(tmp);
    return rc < 0 ? rc : ATH_OK;
}

/* SELECT key, match FROM t WHERE (match) = row values OR …, for dialects without RETURNING. */
static int select_keys(ath_repo *r, const upsert_plan *p, char *objs, size_t rows)
{
    size_t size = r->m->model->struct_size;
    ath_buf b;
    ath_buf_init(&b);
    ath_buf_adds(&b, "SELECT ");
    for (size_t i = 0; i < r->m->npk; i++) {
        ath_buf_adds(&b, i ? ", " : "");
        ath_sql_ident(&b, r->d, r->m->cols[r->m->pk[i]].name);
    }
    for (size_t i = 0; i < p->nmatch; i++) {
        ath_buf_adds(&b, ", ");
        ath_sql_ident(&b, r->d, p->match[i]->name);
    }
    ath_buf_adds(&b, " FROM ");
    ath_sql_ident(&b, r->d, r->m->model->table);
    ath_buf_adds(&b, " WHERE ");
    if (p->nmatch == 1) {
        ath_sql_ident(&b, r->d, p->match[0]->name);
        ath_buf_adds(&b, " IN (");
        ath_sql_placeholders_list(&b, rows);
        ath_buf_addc(&b, ')');
    } else {
        for (size_t row = 0; row < rows; row++) {
            ath_buf_adds(&b, row ? " OR (" : "(");
            for (size_t i = 0; i < p->nmatch; i++) {
                ath_buf_adds(&b, i ? " AND " : "");
                ath_sql_ident(&b, r->d, p->match[i]->name);
                ath_buf_adds(&b, " = ?");
            }
            ath_buf_addc(&b, ')');
        }
    }
    int rc = b.oom ? ath_fail(ATH_ENOMEM, "building a select") : repo_reserve(r, rows * p->nmatch);
    for (size_t row = 0; rc == ATH_OK && row < rows; row++)
        for (size_t i = 0; i < p->nmatch; i++)
            r->vals[row * p->nmatch + i] = ath_col_get(p->match[i], objs + row * size);
    ath_stmt *st = NULL;
    if (rc == ATH_OK &&
        (rc = repo_run(r, b.data, true, r->vals, rows * p->nmatch, &st, NULL)) == ATH_OK) {
        rc = assign_keys(r, p, st, objs, rows);
        ath_stmt_release(st);
    }
    ath_buf_free(&b);
    return rc;
}

static int upsert_rows(ath_repo *r, const upsert_plan *p, ath_conn *conn, char *objs, size_t rows)
{
    size_t size = r->m->model->struct_size;
    bool returning = !p->match_is_key && (conn->info.caps & ATH_CAP_UPDATE_RETURNING);
    repo_upsert_text(r, p, rows, returning);
    int rc = r->sql.oom ? ath_fail(ATH_ENOMEM, "building an upsert")
                        : repo_reserve(r, p->per_row * rows);
    for (size_t i = 0; rc == ATH_OK && i < rows; i++) {
        int n = repo_row_values(r, p->omitted, objs + i * size, false, r->vals + i * p->per_row);
        rc = n < 0 ? n : ATH_OK;
    }
    if (rc != ATH_OK)
        return rc;
    ath_stmt *st = NULL; /* the statement keeps its own copy of the text */
    rc = repo_run(r, r->sql.data, true, r->vals, p->per_row * rows, returning ? &st : NULL, NULL);
    if (rc != ATH_OK)
        return rc;
    if (returning) {
        rc = assign_keys(r, p, st, objs, rows);
        ath_stmt_release(st);
        return rc;
    }
    if (p->match_is_key)
        return ATH_OK; /* the caller gave every key (an unset one took the insert path) */
    if (rows == 1 && r->m->autoinc >= 0 && r->d->upsert == ATH_UPSERT_ON_DUPLICATE_KEY) {
        int64_t id = 0; /* LAST_INSERT_ID(id) in the update names the stored row */
        if ((rc = ath_conn_last_insert_id(conn, &id)) == ATH_OK && id) {
            ath_value v = ath_v_i64(id);
            rc = ath_col_set(&r->m->cols[r->m->autoinc], objs, &v, NULL);
        }
        return rc;
    }
    return select_keys(r, p, objs, rows);
}

static int get_or_upsert(ath_repo *r, void *obj, const char *const *match, size_t nmatch,
                         const ath_col *const *fields, size_t nfields, bool upsert, bool *created,
                         void **snap);
static void **snapshot_strings(ath_repo *r, const void *obj);
static void free_hook_strings(ath_repo *r, void *obj, void **snap);

/*
 * Upserts objs[0..n) by looking first, one object at a time: for match columns without a
 * unique index (no ON CONFLICT target), and for mixins whose scopes and guards cannot ride on
 * ON CONFLICT. The whole call runs under a savepoint: when any object fails (ATH_EMULTIPLE
 * when its match finds several rows, a constraint, a guard) nothing of the call is kept and
 * the session's transaction stays usable. Only keys (and .onupdate_sql columns) are written
 * back into the objects.
 */
static int upsert_by_lookup(ath_repo *r, const upsert_plan *p, char *objs, size_t n)
{
    size_t size = r->m->model->struct_size;
    const char *names[MATCH_MAX];
    for (size_t i = 0; i < p->nmatch; i++)
        names[i] = p->match[i]->name;
    ath_savepoint sp;
    int rc = ath_session_savepoint(r->session, &sp);
    if (rc != ATH_OK)
        return rc;
    void *copy = ath_malloc(size); /* keep the caller's strings: only keys come back */
    if (!copy)
        rc = ath_fail(ATH_ENOMEM, "upsert");
    for (size_t i = 0; rc == ATH_OK && i < n; i++) {
        bool created;
        memcpy(copy, objs + i * size, size);
        void **snap = snapshot_strings(r, copy);
        rc = snap ? get_or_upsert(r, copy, names, p->nmatch, NULL, 0, true, &created, snap)
                  : ath_fail(ATH_ENOMEM, "upsert");
        for (size_t k = 0; rc == ATH_OK && k < r->m->ncols; k++) { /* keys, onupdate_sql */
            const ath_col *c = &r->m->cols[k];
            if (!c->pk && !ath_col_onupdate_sql(c))
                continue;
            ath_value v = ath_col_get(c, copy);
            rc = ath_col_set(c, objs + i * size, &v, NULL);
        }
        if (rc == ATH_OK)
            ath_model_free_strings(r->m->model, copy); /* the stored row's strings */
        else
            free_hook_strings(r, copy, snap); /* what hooks set before the failure */
        if (rc != ATH_OK && n > 1)
            ath_error_set_message("object %zu of %zu: %s", i + 1, n, ath_error_last()->message);
        ath_free(snap);
    }
    ath_free(copy);
    if (rc == ATH_OK)
        return ath_session_release(r->session, sp);
    ath_error_saved saved; /* undo this call's writes; the error stays the caller's */
    ath_error_save(&saved);
    if (ath_session_rollback_to(r->session, sp) == ATH_OK)
        ath_session_release(r->session, sp);
    ath_error_restore(&saved);
    return rc;
}

/* Upserts objs[0..n) in chunks of rows sharing the same unset-key pattern. */
static int upsert_all(ath_repo *r, char *objs, size_t n, const char *const *match, size_t nmatch)
{
    upsert_plan p;
    ath_conn *conn;
    size_t size = r->m->model->struct_size;
    int rc = plan_upsert(r, match, nmatch, &p);
    if (rc == ATH_OK)
        rc = repo_check_objects(r, objs, n); /* a bad object anywhere: nothing is sent */
    r->prechecked = rc == ATH_OK;
    if (rc == ATH_OK && (!p.native || mixins_scoped(r) || mixins_guarded(r)))
        return upsert_by_lookup(r, &p, objs, n);
    if (rc == ATH_OK && r->m->nmixins)
        rc = mixins_before_insert_batch(r, objs, n);
    for (size_t i = 0; rc == ATH_OK && r->m->nmixins && i < n; i++)
        rc = mixins_before_update(r, objs + i * size); /* the row may become an update */
    if (rc == ATH_OK)
        rc = repo_conn(r, true, &conn);
    int64_t *ids = rc == ATH_OK ? ath_malloc(REPO_MAX_CHUNK_ROWS * sizeof *ids) : NULL;
    if (rc == ATH_OK && !ids)
        rc = ath_fail(ATH_ENOMEM, "upsert");
    size_t i = 0;
    while (rc == ATH_OK && i < n) {
        const repo_mask *mask = repo_omitted(r, REPO_MASK_RUN, objs + i * size);
        size_t run = 1; /* rows leaving the same columns to the database go together */
        while (i + run < n &&
               repo_mask_equal(r, repo_omitted(r, REPO_MASK_NEXT, objs + (i + run) * size), mask))
            run++;
        p.omitted = mask;
        p.per_row = repo_bound_cols(r, mask);
        /* a key left to the database cannot conflict on the key: these are plain inserts */
        bool inserts = p.match_is_key && r->m->autoinc >= 0 &&
                       repo_mask_omits(p.omitted, (size_t)r->m->autoinc);
        size_t chunk = repo_chunk_rows(conn, p.per_row);
        if (p.nmatch > 1 && chunk > REPO_MULTI_MATCH_ROWS)
            chunk = REPO_MULTI_MATCH_ROWS;
        for (size_t done = 0; rc == ATH_OK && done < run; done += chunk) {
            size_t rows = run - done < chunk ? run - done : chunk;
            char *at = objs + (i + done) * size;
            rc = inserts ? repo_insert_rows(r, conn, mask, at, rows, ids)
                         : upsert_rows(r, &p, conn, at, rows);
            if (rc == ATH_OK && !inserts && ath_mapping_has_onupdate_sql(r->m))
                rc = repo_reread_onupdate(r, at, rows); /* what the expressions stored */
        }
        if (rc == ATH_OK && n == 1 && !repo_mask_empty(r, mask))
            rc = repo_read_back(r, mask, objs); /* server defaults the row got */
        i += run;
    }
    ath_free(ids);
    return rc;
}

int ath_repo_upsert(ath_repo *r, void *obj, const char *const *match_fields, size_t nmatch)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (!obj)
        return ath_null_arg(__func__, "obj");
    if (nmatch && !match_fields)
        return ath_null_arg(__func__, "match_fields");
    int rc = repo_has_onupdate(r) ? repo_onupdate_all(r, obj, 1) : ATH_OK;
    if (rc == ATH_OK)
        rc = upsert_all(r, obj, 1, match_fields, nmatch);
    r->prechecked = false;
    r->onupdate_ran = false;
    return repo_finish(r, rc, true);
}

int ath_repo_upsert_many(ath_repo *r, void *objs, size_t n, const char *const *match_fields,
                         size_t nmatch)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (n && !objs)
        return ath_null_arg(__func__, "objs");
    if (nmatch && !match_fields)
        return ath_null_arg(__func__, "match_fields");
    int rc = n && repo_has_onupdate(r) ? repo_onupdate_all(r, objs, n) : ATH_OK;
    if (rc == ATH_OK && n)
        rc = upsert_all(r, objs, n, match_fields, nmatch);
    r->prechecked = false;
    r->onupdate_ran = false;
    return repo_finish(r, rc, true);
}

/* --- get, then write ------------------------------------------------------------------------- */

/* Loads the row whose match columns equal obj's into `row` (1 found, 0 none, <0 error). */
static int find_match(ath_repo *r, const upsert_plan *p, const void *obj, void *row,
                      unsigned options)
{
    ath_filter f[MATCH_MAX + 1];
    for (size_t i = 0; i < p->nmatch; i++) /* EQ with a NULL value means IS NULL */
        f[i] = ath_where(p->match[i]->name, ATH_EQ, ath_col_get(p->match[i], obj));
    f[p->nmatch] = ath_options(options);
    bool found = false;
    int rc = repo_get_one(r, row, &found, f, p->nmatch + 1);
    if (rc == ATH_EMULTIPLE)
        return ath_fail(ATH_EMULTIPLE, "more than one %s row has those match values",
                        r->m->model->table);
    return rc < 0 ? rc : found;
}

/* The columns of `fields` (all non-key, non-match columns when NULL) whose values differ. */
static size_t differing(ath_repo *r, const upsert_plan *p, const ath_col *const *fields,
                        size_t nfields, const void *obj, const void *row, const ath_col **out)
{
    size_t n = 0;
    for (size_t i = 0; i < (fields ? nfields : r->m->ncols); i++) {
        const ath_col *c = fields ? fields[i] : &r->m->cols[i];
        /* keys, match columns, insert-only columns and mixin-managed columns are not the
         * caller's to compare: hooks look after the latter */
        if (!fields &&
            (c->pk || repo_upsert_matches(p, c) || (c->flags & ATH_IMMUTABLE) || c->role))
            continue;
        ath_value a = ath_col_get(c, obj), b = ath_col_get(c, row);
        if (!ath_value_equal(&a, &b))
            out[n++] = c;
    }
    return n;
}

/* Copies the key and the mixins' scalar columns (version, times) of `row` into `obj`, so the
 * update targets the stored row and hooks start from what is stored. */
static void take_key(ath_repo *r, const void *row, void *obj)
{
    for (size_t i = 0; i < r->m->ncols; i++) {
        const ath_col *c = &r->m->cols[i];
        bool scalar_role = c->role && !ath_type_bytes(c->type);
        if (!c->pk && !scalar_role)
            continue;
        ath_value v = ath_col_get(c, row);
        ath_col_set(c, obj, &v, NULL);
    }
}

/* The string and blob pointers of obj as the caller gave it (hooks may replace some). */
static void **snapshot_strings(ath_repo *r, const void *obj)
{
    void **snap = ath_calloc(r->m->ncols, sizeof *snap);
    for (size_t i = 0; snap && i < r->m->ncols; i++) {
        ath_value v = ath_col_get(&r->m->cols[i], obj);
        if (ath_type_bytes(v.type))
            snap[i] = (void *)v.u.s.ptr;
    }
    return snap;
}

/* Frees strings a hook put into obj since the snapshot (they are Athanor's), before obj is
 * overwritten with the stored row. The caller's own strings are left alone. */
static void free_hook_strings(ath_repo *r, void *obj, void **snap)
{
    for (size_t i = 0; snap && i < r->m->ncols; i++) {
        const ath_col *c = &r->m->cols[i];
        ath_value v = ath_col_get(c, obj);
        if (ath_type_bytes(v.type) && v.u.s.ptr != snap[i]) {
            ath_free((void *)v.u.s.ptr);
            ath_value null = ath_v_null();
            ath_col_set(c, obj, &null, NULL);
        }
    }
}

/* Updates the differing columns of the stored row from obj; then obj holds the stored row. */
static int update_from(ath_repo *r, const upsert_plan *p, const ath_col *const *fields,
                       size_t nfields, void *obj, void *row, bool *updated, void **snap)
{
    const ath_col **diff = ath_malloc(r->m->ncols * sizeof *diff);
    if (!diff) {
        ath_model_free_strings(r->m->model, row);
        return ath_fail(ATH_ENOMEM, "comparing rows");
    }
    size_t n = differing(r, p, fields, nfields, obj, row, diff);
    int rc = ATH_OK;
    take_key(r, row, obj);
    if (n)
        rc = repo_update_object(r, obj, diff, n);
    if (updated)
        *updated = n > 0;
    ath_free(diff);
    ath_model_free_strings(r->m->model, row);
    if (rc == ATH_OK) {
        free_hook_strings(r, obj, snap);
        rc = repo_reload(r, obj, obj);
    }
    return rc;
}

static int get_or_upsert(ath_repo *r, void *obj, const char *const *match, size_t nmatch,
                         const ath_col *const *fields, size_t nfields, bool upsert, bool *created,
                         void **snap)
{
    upsert_plan p;
    if (!match || nmatch == 0)
        return ath_fail(ATH_EINVAL, "get_or_upsert needs match fields");
    int rc = plan_upsert(r, match, nmatch, &p);
    void *row = rc == ATH_OK ? ath_calloc(1, r->m->model->struct_size) : NULL;
    if (rc == ATH_OK && !row)
        rc = ath_fail(ATH_ENOMEM, "get_or_upsert");
    for (int attempt = 0; rc == ATH_OK && attempt < 2; attempt++) {
        if ((rc = find_match(r, &p, obj, row, 0)) < 0)
            break;
        if (rc == 1) {
            rc = upsert ? update_from(r, &p, fields, nfields, obj, row, NULL, snap) : ATH_OK;
            if (!upsert) { /* obj becomes the stored row */
                free_hook_strings(r, obj, snap);
                memcpy(obj, row, r->m->model->struct_size);
                memset(row, 0, r->m->model->struct_size);
            }
            break;
        }
        /* not there: insert under a savepoint, so losing a race to another insert is harmless */
        ath_savepoint sp;
        if ((rc = ath_session_savepoint(r->session, &sp)) != ATH_OK)
            break;
        rc = repo_add(r, obj);
        if (rc == ATH_EDUPLICATE && attempt == 0) {
            if ((rc = ath_session_rollback_to(r->session, sp)) == ATH_OK)
                rc = ath_session_release(r->session, sp);
            continue; /* someone else inserted it: read theirs */
        }
        if (rc != ATH_OK)
            break;
        if ((rc = ath_session_release(r->session, sp)) != ATH_OK)
            break;
        *created = true;
        free_hook_strings(r, obj, snap);
        rc = repo_reload(r, obj, obj);
        break;
    }
    ath_free(row);
    return rc;
}

/* ath_repo_get_or_upsert and ath_repo_get_or_upsert_fields; `fn` names the one called. */
static int get_or_upsert_call(const char *fn, ath_repo *r, void *obj,
                              const char *const *match_fields, size_t nmatch,
                              const char *const *fields, size_t nfields, bool upsert, bool *created)
{
    if (!r)
        return ath_null_arg(fn, "repo");
    if (!obj)
        return ath_null_arg(fn, "obj");
    if (nmatch && !match_fields)
        return ath_null_arg(fn, "match_fields");
    if (nfields && !fields)
        return ath_null_arg(fn, "fields");
    bool made = false;
    const ath_col **cols = NULL;
    void **snap = NULL;
    int rc = ATH_OK;
    if ((nfields && !(cols = ath_malloc(nfields * sizeof *cols))) ||
        !(snap = snapshot_strings(r, obj)))
        rc = ath_fail(ATH_ENOMEM, "get_or_upsert");
    if (rc == ATH_OK && nfields)
        rc = repo_columns(r, fields, nfields, true, "get_or_upsert fields", cols);
    if (rc == ATH_OK)
        rc = get_or_upsert(r, obj, match_fields, nmatch, nfields ? cols : NULL, nfields, upsert,
                           &made, snap);
    ath_free(snap);
    ath_free(cols);
    if (created)
        *created = made;
    return repo_finish(r, rc, true);
}

int ath_repo_get_or_upsert(ath_repo *r, void *obj, const char *const *match_fields, size_t nmatch,
                           bool upsert, bool *created)
{
    return get_or_upsert_call(__func__, r, obj, match_fields, nmatch, NULL, 0, upsert, created);
}

int ath_repo_get_or_upsert_fields(ath_repo *r, void *obj, const char *const *match_fields,
                                  size_t nmatch, const char *const *fields, size_t nfields,
                                  bool upsert, bool *created)
{
    return get_or_upsert_call(__func__, r, obj, match_fields, nmatch, fields, nfields, upsert,
                              created);
}

/* ath_repo_get_and_update and ath_repo_get_and_update_opts; `fn` names the one called. */
static int get_and_update(const char *fn, ath_repo *r, void *obj, const char *const *match_fields,
                          size_t nmatch, const char *const *fields, size_t nfields, bool *updated,
                          unsigned options)
{
    if (!r)
        return ath_null_arg(fn, "repo");
    if (!obj)
        return ath_null_arg(fn, "obj");
    if (!match_fields)
        return ath_null_arg(fn, "match_fields");
    if (nfields && !fields)
        return ath_null_arg(fn, "fields");
    upsert_plan p;
    bool changed = false;
    if (!obj || !match_fields || nmatch == 0)
        return ath_fail(ATH_EINVAL, "get_and_update needs an object and match fields");
    int rc = plan_upsert(r, match_fields, nmatch, &p);
    const ath_col **cols = NULL;
    void *row = NULL;
    void **snap = NULL;
    if (rc == ATH_OK &&
        (!(cols = ath_malloc((nfields ? nfields : 1) * sizeof *cols)) ||
         !(row = ath_calloc(1, r->m->model->struct_size)) || !(snap = snapshot_strings(r, obj))))
        rc = ath_fail(ATH_ENOMEM, "get_and_update");
    if (rc == ATH_OK && fields)
        rc = repo_columns(r, fields, nfields, true, "get_and_update", cols);
    if (rc == ATH_OK) {
        rc = find_match(r, &p, obj, row, options);
        if (rc == 0)
            rc = ath_fail(ATH_ENOTFOUND, "no %s row has those match values", r->m->model->table);
        else if (rc == 1)
            rc = update_from(r, &p, fields ? cols : NULL, nfields, obj, row, &changed, snap);
    }
    ath_free(cols);
    ath_free(row);
    ath_free(snap);
    if (updated)
        *updated = changed;
    return repo_finish(r, rc, true);
}

int ath_repo_get_and_update(ath_repo *r, void *obj, const char *const *match_fields, size_t nmatch,
                            const char *const *fields, size_t nfields, bool *updated)
{
    return get_and_update(__func__, r, obj, match_fields, nmatch, fields, nfields, updated, 0);
}

int ath_repo_get_and_update_opts(ath_repo *r, void *obj, const char *const *match_fields,
                                 size_t nmatch, const char *const *fields, size_t nfields,
                                 bool *updated, unsigned options)
{
    return get_and_update(__func__, r, obj, match_fields, nmatch, fields, nfields, updated,
                          options);
}
