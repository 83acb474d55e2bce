/* Repository inserts: add and add_many, with generated keys written back. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "loader.h"
#include "mixins.h"
#include "repo.h"
#include "session.h"
#include "sql_build.h"
#include "utf8.h"

/* Bit i set: column i is left to the database (unset autoincrement key or server default). */
repo_mask *repo_omitted(ath_repo *r, int slot, const void *obj)
{
    repo_mask *mask = repo_mask_slot(r, slot);
    memset(mask, 0, r->mask_words * sizeof *mask);
    for (size_t i = 0; i < r->m->ncols; i++) {
        const ath_col *c = &r->m->cols[i];
        if ((c->autoinc || c->server_default) && ath_col_unset(c, obj))
            mask[i / 64] |= UINT64_C(1) << (i % 64);
    }
    return mask;
}

bool repo_mask_equal(const ath_repo *r, const repo_mask *a, const repo_mask *b)
{
    return memcmp(a, b, r->mask_words * sizeof *a) == 0;
}

bool repo_mask_empty(const ath_repo *r, const repo_mask *mask)
{
    for (size_t w = 0; w < r->mask_words; w++)
        if (mask[w])
            return false;
    return true;
}

bool repo_mask_only(const ath_repo *r, const repo_mask *mask, size_t i)
{
    for (size_t w = 0; w < r->mask_words; w++)
        if (mask[w] != (w == i / 64 ? UINT64_C(1) << (i % 64) : 0))
            return false;
    return true;
}

void repo_mask_copy(const ath_repo *r, repo_mask *to, const repo_mask *from)
{
    memcpy(to, from, r->mask_words * sizeof *to);
}

size_t repo_bound_cols(const ath_repo *r, const repo_mask *mask)
{
    size_t n = 0;
    for (size_t i = 0; i < r->m->ncols; i++)
        n += !repo_mask_omits(mask, i);
    return n;
}

/* The value bound for column c: a client default replaces an unset member (and, with
 * store_default, is stored in it). */
static int insert_value(const ath_repo *r, const ath_col *c, void *obj, bool store_default,
                        ath_value *out)
{
    ath_value v;
    int rc = ATH_OK;
    if (r->prechecked)
        v = ath_col_get(c, obj);
    else
        rc = ath_col_checked(r->m, c, obj, &v);
    *out = v;
    if (rc != ATH_OK)
        return rc;
    if (v.type == ATH_T_NULL && c->field->default_value.type != ATH_T_NULL) {
        v = c->field->default_value;
        if (store_default && !ath_type_bytes(c->type))
            ath_col_set(c, obj, &v, NULL); /* scalars only: strings stay the caller's */
    }
    *out = v;
    return ATH_OK;
}

static insert_sql *single_insert_sql(ath_repo *r, const repo_mask *mask, bool returning)
{
    for (size_t i = 0; i < r->ninserts; i++)
        if (repo_mask_equal(r, r->inserts[i].omitted, mask) && r->inserts[i].returning == returning)
            return &r->inserts[i];
    ath_buf ret;
    ath_buf_init(&ret);
    if (returning)
        repo_returning_text(r, mask, &ret);
    repo_insert_text(r, mask, 1, ret.data);
    ath_buf_free(&ret);
    if (r->sql.oom)
        return NULL;
    char *sql = ath_strdup(r->sql.data);
    if (!sql)
        return NULL;
    /* each entry keeps its set's storage; until the cache is full no storage was handed out */
    repo_mask *set = r->inserts[r->ninserts % INSERT_CACHE].omitted;
    if (r->ninserts == INSERT_CACHE) { /* full: replace the oldest, reusing its storage */
        set = r->inserts[0].omitted;
        ath_free(r->inserts[0].sql);
        memmove(r->inserts, r->inserts + 1, (INSERT_CACHE - 1) * sizeof *r->inserts);
        r->ninserts--;
    }
    repo_mask_copy(r, set, mask);
    r->inserts[r->ninserts] = (insert_sql){set, returning, sql, {0, 0, NULL}};
    return &r->inserts[r->ninserts++];
}

int repo_row_values(ath_repo *r, const repo_mask *mask, void *obj, bool store_defaults,
                    ath_value *vals)
{
    int n = 0;
    for (size_t i = 0; i < r->m->ncols; i++)
        if (!repo_mask_omits(mask, i)) {
            int rc = insert_value(r, &r->m->cols[i], obj, store_defaults, &vals[n++]);
            if (rc != ATH_OK)
                return rc;
        }
    return n;
}

/* Reads omitted server-default columns (not the key) back by primary key, without RETURNING. */
int repo_read_back(ath_repo *r, const repo_mask *mask, void *obj)
{
    repo_mask *rest = repo_mask_slot(r, REPO_MASK_REST);
    repo_mask_copy(r, rest, mask);
    if (r->m->autoinc >= 0)
        rest[r->m->autoinc / 64] &= ~(UINT64_C(1) << (r->m->autoinc % 64));
    if (repo_mask_empty(r, rest))
        return ATH_OK;
    void *row = ath_calloc(1, r->m->model->struct_size);
    if (!row)
        return ath_fail(ATH_ENOMEM, "reading back defaults");
    int rc = repo_reload(r, obj, row);
    if (rc == ATH_OK)
        for (size_t i = 0; i < r->m->ncols; i++)
            if (repo_mask_omits(rest, i)) {
                ath_value v = ath_col_get(&r->m->cols[i], row);
                if ((rc = ath_col_set(&r->m->cols[i], obj, &v, NULL)) != ATH_OK)
                    break;
            }
    ath_model_free_strings(r->m->model, row);
    ath_free(row);
    return rc;
}

static int add_one(ath_repo *r, void *obj)
{
    ath_conn *conn;
    int rc = repo_conn(r, true, &conn);
    if (rc != ATH_OK)
        return rc;
    const repo_mask *mask = repo_omitted(r, REPO_MASK_ADD, obj);
    /* only the key left to the database, and last_insert_id() exact: skip RETURNING, which costs
     * SQLite a temporary b-tree per insert and MariaDB a result set */
    bool only_key = r->m->autoinc >= 0 && repo_mask_only(r, mask, (size_t)r->m->autoinc);
    bool exact_id =
        conn->info.caps & (ATH_CAP_LAST_INSERT_ID_IS_LAST | ATH_CAP_MULTIROW_IDS_SEQUENTIAL);
    bool returning = !repo_mask_empty(r, mask) && (conn->info.caps & ATH_CAP_RETURNING) &&
                     !(only_key && exact_id);
    insert_sql *ins = single_insert_sql(r, mask, returning);
    if (!ins || (rc = repo_reserve(r, r->m->ncols)) != ATH_OK)
        return rc != ATH_OK ? rc : ath_fail(ATH_ENOMEM, "building an insert");
    int nv = repo_row_values(r, mask, obj, true, r->vals);
    if (nv < 0)
        return nv;
    size_t n = (size_t)nv;
    if (!returning)
        return repo_run_ref(r, ins->sql, &ins->ref, true, r->vals, n, NULL, NULL);
    ath_stmt *st;
    if ((rc = repo_run_ref(r, ins->sql, &ins->ref, true, r->vals, n, &st, NULL)) != ATH_OK)
        return rc;
    rc = ath_session_step(r->session, st);
    if (rc == 1) {
        int col = 0;
        for (size_t i = 0; i < r->m->ncols && rc == 1; i++) {
            if (!repo_mask_omits(mask, i))
                continue;
            if ((rc = ath_col_fetch(st, col++, &r->m->cols[i], obj, NULL)) == ATH_OK)
                rc = 1;
        }
        while (rc == 1)
            rc = ath_session_step(r->session, st);
    } else if (rc == 0) {
        rc = ath_fail(ATH_ESQL, "INSERT … RETURNING gave no row");
    }
    ath_stmt_release(st);
    return rc;
}

int repo_add(ath_repo *r, void *obj)
{
    int rc = r->m->nmixins ? mixins_before_insert(r, obj) : ATH_OK;
    if (rc == ATH_OK)
        rc = add_one(r, obj);
    if (rc == ATH_OK) {
        /* what is still unset after the insert */
        const repo_mask *mask = repo_omitted(r, REPO_MASK_AFTER, obj);
        ath_conn *conn;
        if (r->m->autoinc >= 0 && repo_mask_omits(mask, (size_t)r->m->autoinc) &&
            (rc = repo_conn(r, true, &conn)) == ATH_OK) {
            int64_t id = 0;
            if ((rc = ath_conn_last_insert_id(conn, &id)) == ATH_OK) {
                ath_value v = ath_v_i64(id);
                rc = ath_col_set(&r->m->cols[r->m->autoinc], obj, &v, NULL);
            }
        }
        if (rc == ATH_OK && !repo_mask_empty(r, mask))
            rc = repo_read_back(r, mask, obj);
    }
    return rc;
}

int ath_repo_add(ath_repo *r, void *obj)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (!obj)
        return ath_null_arg(__func__, "obj");
    return repo_finish(r, repo_add(r, obj), true);
}

static int compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Inserts rows [0, rows) of one run sharing `mask`, writing generated keys back. */
int repo_insert_rows(ath_repo *r, ath_conn *conn, const repo_mask *mask, char *objs, size_t rows,
                     int64_t *ids)
{
    size_t size = r->m->model->struct_size;
    int autoinc = r->m->autoinc;
    bool want_ids = autoinc >= 0 && repo_mask_omits(mask, (size_t)autoinc);
    unsigned caps = conn->info.caps;
    bool by_last_id =
        want_ids && (caps & (ATH_CAP_LAST_INSERT_ID_IS_LAST | ATH_CAP_MULTIROW_IDS_SEQUENTIAL));
    bool returning = want_ids && !by_last_id && (caps & ATH_CAP_RETURNING);
    if (want_ids && !by_last_id && !returning) { /* no way to learn the keys: one by one */
        for (size_t i = 0; i < rows; i++) {
            int rc = add_one(r, objs + i * size);
            int64_t id = 0;
            if (rc == ATH_OK && (rc = ath_conn_last_insert_id(conn, &id)) == ATH_OK) {
                ath_value v = ath_v_i64(id);
                rc = ath_col_set(&r->m->cols[autoinc], objs + i * size, &v, NULL);
            }
            if (rc != ATH_OK)
                return rc;
        }
        return ATH_OK;
    }
    chunk_sql *ch = &r->chunk; /* full chunks repeat: their text is built once */
    if (!ch->sql || !repo_mask_equal(r, ch->omitted, mask) || ch->rows != rows ||
        ch->returning != returning) {
        ath_buf ret;
        ath_buf_init(&ret);
        if (returning) {
            ath_buf_adds(&ret, " RETURNING ");
            ath_sql_ident(&ret, r->d, r->m->cols[autoinc].name);
        }
        repo_insert_text(r, mask, rows, ret.data);
        ath_buf_free(&ret);
        if (r->sql.oom)
            return ath_fail(ATH_ENOMEM, "building an insert of %zu rows", rows);
        char *text = ath_strdup(r->sql.data);
        if (!text)
            return ath_fail(ATH_ENOMEM, "building an insert of %zu rows", rows);
        ath_free(ch->sql);
        repo_mask_copy(r, ch->omitted, mask);
        *ch = (chunk_sql){ch->omitted, rows, returning, text, {0, 0, NULL}};
    }
    size_t per_row = repo_bound_cols(r, mask);
    int rc = repo_reserve(r, per_row * rows);
    if (rc != ATH_OK)
        return rc;
    for (size_t i = 0; i < rows; i++)
        if ((rc = repo_row_values(r, mask, objs + i * size, true, r->vals + i * per_row)) < 0)
            return rc;
    if (!returning) {
        if ((rc = repo_run_ref(r, ch->sql, &ch->ref, true, r->vals, per_row * rows, NULL, NULL)) !=
            ATH_OK)
            return rc;
        if (!want_ids)
            return ATH_OK;
        int64_t id;
        if ((rc = ath_conn_last_insert_id(conn, &id)) != ATH_OK)
            return rc;
        int64_t first = caps & ATH_CAP_LAST_INSERT_ID_IS_LAST ? id - (int64_t)rows + 1 : id;
        for (size_t i = 0; i < rows; i++) {
            ath_value v = ath_v_i64(first + (int64_t)i);
            if ((rc = ath_col_set(&r->m->cols[autoinc], objs + i * size, &v, NULL)) != ATH_OK)
                return rc;
        }
        return ATH_OK;
    }
    ath_stmt *st;
    if ((rc = repo_run_ref(r, ch->sql, &ch->ref, true, r->vals, per_row * rows, &st, NULL)) !=
        ATH_OK)
        return rc;
    size_t got = 0;
    while ((rc = ath_session_step(r->session, st)) > 0) {
        ath_value v;
        if ((rc = ath_stmt_column(st, 0, ATH_T_I64, &v)) != ATH_OK)
            break;
        if (got < rows)
            ids[got] = v.u.i64;
        got++;
    }
    ath_stmt_release(st);
    if (rc < 0)
        return rc;
    if (got != rows)
        return ath_fail(ATH_ESQL, "INSERT … RETURNING gave %zu keys for %zu rows", got, rows);
    /* keys come from a sequence in insertion order: sorted, they match the rows in order (one
     * statement returns them sorted already; sort only when it did not) */
    bool sorted = true;
    for (size_t i = 1; i < rows && sorted; i++)
        sorted = ids[i - 1] < ids[i];
    if (!sorted)
        qsort(ids, rows, sizeof *ids, compare_i64);
    for (size_t i = 0; i < rows; i++) {
        ath_value v = ath_v_i64(ids[i]);
        if ((rc = ath_col_set(&r->m->cols[autoinc], objs + i * size, &v, NULL)) != ATH_OK)
            return rc;
    }
    return ATH_OK;
}

/* Rows at most per bulk-path call, and the fewest worth its extra round trips. */
#define BULK_CHUNK_ROWS 50000
#define BULK_MIN_ROWS   500

/*
 * Inserts rows [0, rows) sharing `mask` through the driver's bulk path (COPY): 1 when done,
 * 0 when the path does not apply (nothing was sent), or a negative code.
 */
static int bulk_rows(ath_repo *r, const repo_mask *mask, char *objs, size_t rows)
{
    size_t size = r->m->model->struct_size;
    const char **names = ath_malloc(r->m->ncols * sizeof *names);
    if (!names)
        return ath_fail(ATH_ENOMEM, "building a bulk insert");
    size_t per_row = 0;
    for (size_t i = 0; i < r->m->ncols; i++)
        if (!repo_mask_omits(mask, i))
            names[per_row++] = r->m->cols[i].name;
    int rc = repo_reserve(r, per_row * rows);
    for (size_t i = 0; rc == ATH_OK && i < rows; i++) {
        int n = repo_row_values(r, mask, objs + i * size, true, r->vals + i * per_row);
        rc = n < 0 ? n : ATH_OK;
    }
    if (rc == ATH_OK)
        rc = ath_session_bulk_insert(r->session, r->m->model->table, names, per_row, r->vals, rows);
    ath_free(names);
    return rc == ATH_EUNSUPPORTED ? 0 : rc < 0 ? rc : 1;
}

/* Writes `key` into the autoincrement key of rows [0, rows). */
static int set_keys(ath_repo *r, char *objs, size_t rows, const int64_t *keys)
{
    size_t size = r->m->model->struct_size;
    const ath_col *c = &r->m->cols[r->m->autoinc];
    for (size_t i = 0; i < rows; i++) {
        ath_value v = ath_v_i64(keys ? keys[i] : 0);
        int rc = ath_col_set(c, objs + i * size, &v, NULL);
        if (rc != ATH_OK)
            return rc;
    }
    return ATH_OK;
}

/*
 * Rows [0, rows) sharing `mask`, whose autoincrement key the database generates, through the
 * bulk path: the dialect's reserve_keys takes `rows` keys of the column's sequence in one
 * statement, they are written into the objects, then the rows go by bulk_rows with their keys.
 * 1 when done, 0 when the path does not apply (no sequence, or the bulk path declined: the keys
 * are unset again and the rows go by INSERT), or a negative code (the keys unset again).
 */
static int bulk_rows_keyed(ath_repo *r, const repo_mask *mask, char *objs, size_t rows)
{
    const ath_col *key = &r->m->cols[r->m->autoinc];
    int64_t *keys = ath_malloc(rows * sizeof *keys);
    if (!keys)
        return ath_fail(ATH_ENOMEM, "reserving %zu keys", rows);
    ath_buf table;
    ath_buf_init(&table);
    ath_sql_ident(&table, r->d, r->m->model->table);
    int rc = table.oom ? ath_fail(ATH_ENOMEM, "reserving keys") : ATH_OK;
    ath_value params[3] = {ath_v_text(table.data), ath_v_text(key->name), ath_v_i64((int64_t)rows)};
    ath_stmt *st = NULL;
    if (rc == ATH_OK)
        rc = repo_run_ref(r, r->d->reserve_keys, &r->reserve_ref, true, params, 3, &st, NULL);
    size_t got = 0;
    bool null = false;
    while (rc == ATH_OK && (rc = ath_session_step(r->session, st)) > 0) {
        ath_value v;
        if ((rc = ath_stmt_column(st, 0, ATH_T_I64, &v)) != ATH_OK)
            break;
        null |= v.type == ATH_T_NULL;
        if (got < rows)
            keys[got] = v.u.i64;
        got++;
    }
    ath_stmt_release(st);
    ath_buf_free(&table);
    if (rc == 0 && (null || got == 0)) {
        r->no_reserve = true; /* no sequence behind the column: INSERT … RETURNING */
        ath_free(keys);
        return 0;
    }
    if (rc == 0 && got != rows)
        rc = ath_fail(ATH_ESQL, "reserving keys gave %zu for %zu rows", got, rows);
    if (rc < 0) {
        ath_free(keys);
        return rc;
    }
    repo_mask *keyed = repo_mask_slot(r, REPO_MASK_KEYED);
    repo_mask_copy(r, keyed, mask);
    keyed[r->m->autoinc / 64] &= ~(UINT64_C(1) << (r->m->autoinc % 64));
    int took = set_keys(r, objs, rows, keys);
    ath_free(keys);
    if (took == ATH_OK)
        took = bulk_rows(r, keyed, objs, rows);
    if (took != 1) {
        if (took == 0)
            r->no_reserve = true;      /* the bulk path declines this model's columns */
        set_keys(r, objs, rows, NULL); /* unset: as a failed INSERT leaves them */
    }
    return took;
}

size_t repo_chunk_rows(const ath_conn *conn, size_t cols)
{
    size_t limit = conn->max_params > 0 ? (size_t)conn->max_params : REPO_FALLBACK_MAX_PARAMS;
    size_t rows = cols ? limit / cols : REPO_MAX_CHUNK_ROWS;
    if (rows > REPO_MAX_CHUNK_ROWS)
        rows = REPO_MAX_CHUNK_ROWS;
    return rows ? rows : 1;
}

int ath_repo_add_many(ath_repo *r, void *objs, size_t n)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (n && !objs)
        return ath_null_arg(__func__, "objs");
    if (n == 0)
        return ATH_OK;
    ath_conn *conn;
    int rc = repo_check_objects(r, objs, n); /* a bad object anywhere: nothing is sent */
    r->prechecked = rc == ATH_OK;
    if (rc == ATH_OK)
        rc = repo_conn(r, true, &conn);
    int64_t *ids = NULL;
    size_t size = r->m->model->struct_size;
    char *base = objs;
    if (rc == ATH_OK && !(ids = ath_malloc(REPO_MAX_CHUNK_ROWS * sizeof *ids)))
        rc = ath_fail(ATH_ENOMEM, "add_many");
    if (rc == ATH_OK && r->m->nmixins)
        rc = mixins_before_insert_batch(r, base, n);
    size_t i = 0;
    while (rc == ATH_OK && i < n) {
        const repo_mask *mask = repo_omitted(r, REPO_MASK_RUN, base + i * size);
        size_t run = 1; /* objects sharing the same omitted columns go together */
        while (i + run < n &&
               repo_mask_equal(r, repo_omitted(r, REPO_MASK_NEXT, base + (i + run) * size), mask))
            run++;
        size_t cols = repo_bound_cols(r, mask);
        size_t chunk = repo_chunk_rows(conn, cols);
        if (cols == 0)
            chunk = 1; /* DEFAULT VALUES inserts one row at a time */
        /* no key to read back: the driver's bulk path (COPY) when it has one and it applies */
        bool keys_needed = r->m->autoinc >= 0 && repo_mask_omits(mask, (size_t)r->m->autoinc);
        /* or keys to read back, and the dialect reserves them first (a sequence) */
        bool reserve = keys_needed && !r->no_reserve && ATH_DIALECT_HAS(r->d, reserve_keys);
        size_t done = 0;
        if ((!keys_needed || reserve) && cols && run >= BULK_MIN_ROWS &&
            ath_conn_has_bulk_insert(conn)) {
            int took = 1;
            for (; rc == ATH_OK && took == 1 && done < run; done += BULK_CHUNK_ROWS) {
                size_t rows = run - done < BULK_CHUNK_ROWS ? run - done : BULK_CHUNK_ROWS;
                char *at = base + (i + done) * size;
                took =
                    keys_needed ? bulk_rows_keyed(r, mask, at, rows) : bulk_rows(r, mask, at, rows);
                rc = took < 0 ? took : ATH_OK;
                if (took == 0)
                    break; /* nothing sent: the rest goes by INSERT */
            }
        }
        for (; rc == ATH_OK && done < run; done += chunk) {
            size_t rows = run - done < chunk ? run - done : chunk;
            rc = repo_insert_rows(r, conn, mask, base + (i + done) * size, rows, ids);
        }
        i += run;
    }
    ath_free(ids);
    r->prechecked = false;
    return repo_finish(r, rc, true);
}
