/*
 * The raw SQLite side: libsqlite3 as a careful C programmer would use it. Statements are
 * prepared once per connection (SQLITE_PREPARE_PERSISTENT) and reused, every operation is one
 * transaction, values are bound (text without a copy), rows are copied into bench_item structs
 * with their names in an arena. The connection gets the pragmas Athanor's driver sets.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define COLS       "id, name, qty, price, created"
#define SELECT_ALL "SELECT " COLS " FROM bench_item"

enum {
    S_INSERT,
    S_INSERT_RET,
    S_INSERT_CHUNK,
    S_GET,
    S_LIST,
    S_UPDATE,
    S_UPDATE_FIELDS,
    S_UPSERT,
    S_UPSERT_CHUNK,
    S_DELETE,
    S_DELETE_CHUNK,
    S_COUNT,
    S_PAGE,
    S__COUNT
};

/* Rows per multi-row statement (and keys per DELETE … IN): measured on this machine, 1000-row
 * inserts beat 20, 100, 250, 500 and 2000 rows; Athanor uses 1000 as well. */
#define CHUNK 1000

struct raw_conn {
    sqlite3 *db;
    sqlite3_stmt *st[S__COUNT];
    char error[512];
};

static int fail(raw_conn *c, const char *what)
{
    snprintf(c->error, sizeof c->error, "%s: %s", what, sqlite3_errmsg(c->db));
    return -1;
}

static const char *error_text(raw_conn *c)
{
    return c->error;
}

static int exec(raw_conn *c, const char *sql)
{
    return sqlite3_exec(c->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(c, sql);
}

/* "INSERT INTO t (cols) VALUES (?,?,…)×rows" plus `tail`, into a malloc'd string. */
static char *values_sql(const char *head, int per_row, size_t rows, const char *tail)
{
    size_t cap = strlen(head) + rows * ((size_t)per_row * 2 + 4) + strlen(tail) + 16;
    char *sql = malloc(cap), *p = sql;
    if (!sql)
        return NULL;
    p += sprintf(p, "%s VALUES ", head);
    for (size_t r = 0; r < rows; r++) {
        *p++ = r ? ',' : ' ';
        *p++ = '(';
        for (int i = 0; i < per_row; i++) {
            if (i)
                *p++ = ',';
            *p++ = '?';
        }
        *p++ = ')';
    }
    strcpy(p, tail);
    return sql;
}

static char *in_sql(size_t n)
{
    char *sql = malloc(64 + n * 2), *p = sql;
    if (!sql)
        return NULL;
    p += sprintf(p, "DELETE FROM bench_item WHERE id IN (");
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        *p++ = '?';
    }
    strcpy(p, ")");
    return sql;
}

#define UPSERT_TAIL                                                                                \
    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, qty = excluded.qty, price = "           \
    "excluded.price, created = excluded.created"

static sqlite3_stmt *prepare_text(raw_conn *c, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fail(c, sql);
        return NULL;
    }
    return st;
}

/* Prepares `sql` and frees it; NULL when it is NULL (out of memory) or does not prepare. */
static sqlite3_stmt *prepare_owned(raw_conn *c, char *sql)
{
    sqlite3_stmt *st = sql ? prepare_text(c, sql) : NULL;
    free(sql);
    return st;
}

/* The SQL of the multi-row statement `which` (S_*_CHUNK) for `rows` rows, malloc'd. */
static char *chunk_sql(int which, size_t rows)
{
    switch (which) {
    case S_INSERT_CHUNK:
        return values_sql("INSERT INTO bench_item (name, qty, price, created)", 4, rows, "");
    case S_UPSERT_CHUNK:
        return values_sql("INSERT INTO bench_item (" COLS ")", 5, rows, UPSERT_TAIL);
    default:
        return in_sql(rows);
    }
}

/* The statement `which`, prepared on first use and kept. */
static sqlite3_stmt *stmt(raw_conn *c, int which)
{
    if (c->st[which])
        return c->st[which];
    char *owned = NULL;
    const char *sql = NULL;
    switch (which) {
    case S_INSERT:
        sql = "INSERT INTO bench_item (name, qty, price, created) VALUES (?, ?, ?, ?)";
        break;
    case S_INSERT_RET:
        sql = "INSERT INTO bench_item (name, qty, price, created) VALUES (?, ?, ?, ?) RETURNING id";
        break;
    case S_INSERT_CHUNK:
    case S_UPSERT_CHUNK:
    case S_DELETE_CHUNK:
        sql = owned = chunk_sql(which, CHUNK);
        break;
    case S_GET:
        sql = SELECT_ALL " WHERE id = ?";
        break;
    case S_LIST:
        sql = SELECT_ALL;
        break;
    case S_UPDATE:
        sql = "UPDATE bench_item SET name = ?, qty = ?, price = ?, created = ? WHERE id = ?";
        break;
    case S_UPDATE_FIELDS:
        sql = "UPDATE bench_item SET qty = ?, price = ? WHERE id = ?";
        break;
    case S_UPSERT:
        sql = "INSERT INTO bench_item (" COLS ") VALUES (?, ?, ?, ?, ?)" UPSERT_TAIL;
        break;
    case S_DELETE:
        sql = "DELETE FROM bench_item WHERE id = ?";
        break;
    case S_COUNT:
        sql = "SELECT COUNT(*) FROM bench_item WHERE qty >= ? AND qty < ?";
        break;
    default:
        sql = SELECT_ALL " WHERE qty = ? ORDER BY name, id LIMIT 20 OFFSET 20";
        break;
    }
    if (sql)
        c->st[which] = prepare_text(c, sql);
    free(owned);
    return c->st[which];
}

/* The multi-row statement `which` for `rows` rows: the kept one for CHUNK rows, else one
 * prepared for the occasion (chunk_done finalizes it). */
static sqlite3_stmt *chunk_stmt(raw_conn *c, int which, size_t rows)
{
    return rows == CHUNK ? stmt(c, which) : prepare_owned(c, chunk_sql(which, rows));
}

static void chunk_done(raw_conn *c, int which, sqlite3_stmt *st)
{
    if (st != c->st[which])
        sqlite3_finalize(st);
}

static int raw_open(raw_conn **out, const bench_target *t)
{
    raw_conn *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    *out = c;
    const char *file = t->memory ? ":memory:" : t->path;
    if (sqlite3_open_v2(file, &c->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return fail(c, file);
    sqlite3_busy_timeout(c->db, 5000);
    /* the pragmas Athanor's driver sets, so both sides run the same database configuration */
    if (exec(c, t->memory ? "PRAGMA journal_mode=MEMORY"
                          : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL") < 0 ||
        exec(c, "PRAGMA foreign_keys=ON; PRAGMA case_sensitive_like=ON") < 0)
        return -1;
    return 0;
}

static void raw_close(raw_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < S__COUNT; i++)
        sqlite3_finalize(c->st[i]);
    sqlite3_close_v2(c->db);
    free(c);
}

static int query2(raw_conn *c, const char *sql, int64_t *a, int64_t *b)
{
    sqlite3_stmt *st = prepare_text(c, sql);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *a = sqlite3_column_int64(st, 0);
        *b = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : fail(c, sql);
}

/* --- binding and reading rows ------------------------------------------------------------- */

/* Binds name, qty, price, created at `at`; `ts` must live until the statement has run. */
static void bind_fields(sqlite3_stmt *st, int at, const bench_item *it, char ts[26])
{
    bench_ts_format(it->created, ts);
    sqlite3_bind_text(st, at, it->name, (int)strlen(it->name), SQLITE_STATIC);
    sqlite3_bind_int(st, at + 1, it->qty);
    sqlite3_bind_double(st, at + 2, it->price);
    sqlite3_bind_text(st, at + 3, ts, 26, SQLITE_STATIC);
}

/* Reads the current row into `it`, the name copied into `arena` (or malloc'd when NULL). */
static int read_row(sqlite3_stmt *st, bench_item *it, bench_arena *arena)
{
    const char *name = (const char *)sqlite3_column_text(st, 1);
    size_t len = (size_t)sqlite3_column_bytes(st, 1);
    it->id = sqlite3_column_int64(st, 0);
    it->name = bench_copy_name(arena, name, len);
    it->qty = sqlite3_column_int(st, 2);
    it->price = sqlite3_column_double(st, 3);
    const char *ts = (const char *)sqlite3_column_text(st, 4);
    if (!it->name || !bench_ts_parse(ts, (size_t)sqlite3_column_bytes(st, 4), &it->created))
        return -1;
    return 0;
}

static int step_done(raw_conn *c, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fail(c, what);
}

/* --- operations --------------------------------------------------------------------------- */

static int add_stmt(raw_conn *c, bench_work *w)
{
    sqlite3_stmt *st = stmt(c, S_INSERT);
    if (!st || exec(c, "BEGIN IMMEDIATE") < 0)
        return -1;
    char ts[26];
    for (size_t i = 0; i < w->nitems; i++) {
        bind_fields(st, 1, &w->items[i], ts);
        if (step_done(c, st, "insert") < 0)
            return -1;
        w->items[i].id = sqlite3_last_insert_rowid(c->db);
        w->check += (uint64_t)w->items[i].id;
    }
    w->rows = (int64_t)w->nitems;
    return exec(c, "COMMIT");
}

/* The same with RETURNING id, as Athanor's add does where the connection has RETURNING: SQLite
 * then collects the returned rows in a temporary b-tree per execution (measured for the record,
 * the plain insert is the raw figure). */
static int add_returning(raw_conn *c, bench_work *w)
{
    sqlite3_stmt *st = stmt(c, S_INSERT_RET);
    if (!st || exec(c, "BEGIN IMMEDIATE") < 0)
        return -1;
    char ts[26];
    for (size_t i = 0; i < w->nitems; i++) {
        bind_fields(st, 1, &w->items[i], ts);
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_reset(st);
            return fail(c, "insert returning");
        }
        w->items[i].id = sqlite3_column_int64(st, 0);
        w->check += (uint64_t)w->items[i].id;
        if (step_done(c, st, "insert returning") < 0)
            return -1;
    }
    w->rows = (int64_t)w->nitems;
    return exec(c, "COMMIT");
}

/* Binds `rows` items into a multi-row statement and runs it. */
static int run_chunk(raw_conn *c, sqlite3_stmt *st, const bench_item *items, size_t rows,
                     bool with_id, char (*ts)[26])
{
    int per = with_id ? 5 : 4;
    for (size_t r = 0; r < rows; r++) {
        int at = (int)r * per + 1;
        if (with_id)
            sqlite3_bind_int64(st, at++, items[r].id);
        bind_fields(st, at, &items[r], ts[r]);
    }
    return step_done(c, st, "multi-row statement");
}

/* Multi-row statements of CHUNK rows: inserts that learn their keys from the last rowid, or
 * upserts (with_id). */
static int values_rows(raw_conn *c, bench_work *w, bool with_id)
{
    int which = with_id ? S_UPSERT_CHUNK : S_INSERT_CHUNK;
    char(*ts)[26] = malloc(CHUNK * sizeof *ts);
    if (!stmt(c, which) || !ts || exec(c, "BEGIN IMMEDIATE") < 0) {
        free(ts);
        return -1;
    }
    int rc = 0;
    for (size_t done = 0; rc == 0 && done < w->nitems; done += CHUNK) {
        size_t rows = w->nitems - done < CHUNK ? w->nitems - done : CHUNK;
        sqlite3_stmt *st = chunk_stmt(c, which, rows);
        if (!st) {
            rc = -1;
            break;
        }
        rc = run_chunk(c, st, w->items + done, rows, with_id, ts);
        if (with_id) {
            w->rows += sqlite3_changes(c->db);
        } else if (rc == 0) { /* rowids of one statement are consecutive */
            int64_t last = sqlite3_last_insert_rowid(c->db);
            for (size_t r = 0; r < rows; r++) {
                w->items[done + r].id = last - (int64_t)(rows - 1 - r);
                w->check += (uint64_t)w->items[done + r].id;
            }
        }
        chunk_done(c, which, st);
    }
    free(ts);
    if (!with_id)
        w->rows = (int64_t)w->nitems;
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int add_values(raw_conn *c, bench_work *w)
{
    return values_rows(c, w, false);
}

static int get_stmt(raw_conn *c, bench_work *w)
{
    sqlite3_stmt *st = stmt(c, S_GET);
    if (!st || exec(c, "BEGIN") < 0)
        return -1;
    for (size_t i = 0; i < w->nkeys; i++) {
        bench_item it;
        sqlite3_bind_int64(st, 1, w->keys[i]);
        if (sqlite3_step(st) != SQLITE_ROW || read_row(st, &it, NULL) < 0) {
            sqlite3_reset(st);
            return fail(c, "get");
        }
        sqlite3_reset(st);
        w->check = bench_fold(w->check, bench_item_hash(&it));
        free(it.name);
        w->rows++;
    }
    return exec(c, "COMMIT");
}

/* Reads every row of st into an array and folds them into w; SQLITE_DONE when all went well. */
static int read_all(sqlite3_stmt *st, bench_work *w)
{
    bench_rows rows = {0};
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        bench_item *it = bench_rows_push(&rows);
        if (!it || read_row(st, it, &rows.strings) < 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(st);
    bench_fold_rows(w, &rows);
    return rc;
}

static int list_stmt(raw_conn *c, bench_work *w)
{
    sqlite3_stmt *st = stmt(c, S_LIST);
    if (!st || exec(c, "BEGIN") < 0)
        return -1;
    if (read_all(st, w) != SQLITE_DONE)
        return fail(c, "list");
    return exec(c, "COMMIT");
}

/* One statement `which` per item, the id bound at `id_at`: 1 before the fields, 5 after them. */
static int write_each(raw_conn *c, bench_work *w, int which, int id_at, const char *what)
{
    sqlite3_stmt *st = stmt(c, which);
    if (!st || exec(c, "BEGIN IMMEDIATE") < 0)
        return -1;
    char ts[26];
    for (size_t i = 0; i < w->nitems; i++) {
        sqlite3_bind_int64(st, id_at, w->items[i].id);
        bind_fields(st, id_at == 1 ? 2 : 1, &w->items[i], ts);
        if (step_done(c, st, what) < 0)
            return -1;
        w->rows += sqlite3_changes(c->db);
    }
    return exec(c, "COMMIT");
}

static int update_stmt(raw_conn *c, bench_work *w)
{
    return write_each(c, w, S_UPDATE, 5, "update");
}

/* update_many_fields: qty and price of each row, one reused statement. */
static int update_fields_stmt(raw_conn *c, bench_work *w)
{
    sqlite3_stmt *st = stmt(c, S_UPDATE_FIELDS);
    if (!st || exec(c, "BEGIN IMMEDIATE") < 0)
        return -1;
    for (size_t i = 0; i < w->nitems; i++) {
        sqlite3_bind_int(st, 1, w->items[i].qty);
        sqlite3_bind_double(st, 2, w->items[i].price);
        sqlite3_bind_int64(st, 3, w->items[i].id);
        if (step_done(c, st, "update fields") < 0)
            return -1;
        w->rows += sqlite3_changes(c->db);
    }
    return exec(c, "COMMIT");
}

static int upsert_stmt(raw_conn *c, bench_work *w)
{
    return write_each(c, w, S_UPSERT, 1, "upsert");
}

static int upsert_values(raw_conn *c, bench_work *w)
{
    return values_rows(c, w, true);
}

static int delete_stmt(raw_conn *c, bench_work *w)
{
    sqlite3_stmt *st = stmt(c, S_DELETE);
    if (!st || exec(c, "BEGIN IMMEDIATE") < 0)
        return -1;
    for (size_t i = 0; i < w->nkeys; i++) {
        sqlite3_bind_int64(st, 1, w->keys[i]);
        if (step_done(c, st, "delete") < 0)
            return -1;
        w->rows += sqlite3_changes(c->db);
    }
    return exec(c, "COMMIT");
}

static int delete_in(raw_conn *c, bench_work *w)
{
    if (!stmt(c, S_DELETE_CHUNK) || exec(c, "BEGIN IMMEDIATE") < 0)
        return -1;
    for (size_t done = 0; done < w->nkeys; done += CHUNK) {
        size_t rows = w->nkeys - done < CHUNK ? w->nkeys - done : CHUNK;
        sqlite3_stmt *st = chunk_stmt(c, S_DELETE_CHUNK, rows);
        if (!st)
            return -1;
        for (size_t i = 0; i < rows; i++)
            sqlite3_bind_int64(st, (int)i + 1, w->keys[done + i]);
        int rc = step_done(c, st, "delete in");
        w->rows += sqlite3_changes(c->db);
        chunk_done(c, S_DELETE_CHUNK, st);
        if (rc < 0)
            return -1;
    }
    return exec(c, "COMMIT");
}

static int count_stmt(raw_conn *c, bench_work *w)
{
    sqlite3_stmt *st = stmt(c, S_COUNT);
    if (!st || exec(c, "BEGIN") < 0)
        return -1;
    for (size_t i = 0; i < w->nqtys; i++) {
        sqlite3_bind_int(st, 1, w->qtys[i]);
        sqlite3_bind_int(st, 2, w->qtys[i] + BENCH_COUNT_SPAN);
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_reset(st);
            return fail(c, "count");
        }
        int64_t n = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        w->check += (uint64_t)n;
        w->rows++;
    }
    return exec(c, "COMMIT");
}

static int page_stmt(raw_conn *c, bench_work *w)
{
    sqlite3_stmt *st = stmt(c, S_PAGE);
    if (!st || exec(c, "BEGIN") < 0)
        return -1;
    for (size_t i = 0; i < w->nqtys; i++) {
        sqlite3_bind_int(st, 1, w->qtys[i]);
        if (read_all(st, w) != SQLITE_DONE)
            return fail(c, "page");
    }
    return exec(c, "COMMIT");
}

static int load(raw_conn *c, const char *table, const bench_item *rows, size_t n)
{
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO %s (" COLS ") VALUES (?, ?, ?, ?, ?)", table);
    sqlite3_stmt *st = prepare_text(c, sql);
    if (!st || exec(c, "BEGIN IMMEDIATE") < 0) {
        sqlite3_finalize(st);
        return -1;
    }
    char ts[26];
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        sqlite3_bind_int64(st, 1, rows[i].id);
        bind_fields(st, 2, &rows[i], ts);
        rc = step_done(c, st, "load");
    }
    sqlite3_finalize(st);
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static const raw_method methods[] = {
    {"add", "stmt", add_stmt},
    {"add", "stmt_returning", add_returning},
    {"add_many", "stmt", add_stmt},
    {"add_many", "values", add_values},
    {"get", "stmt", get_stmt},
    {"list", "stmt", list_stmt},
    {"update_many", "stmt", update_stmt},
    {"update_many_fields", "stmt", update_fields_stmt},
    {"upsert_many", "stmt", upsert_stmt},
    {"upsert_many", "values", upsert_values},
    {"delete_many", "stmt", delete_stmt},
    {"delete_many", "in", delete_in},
    {"count", "stmt", count_stmt},
    {"page", "stmt", page_stmt},
    {NULL, NULL, NULL},
};

const raw_backend raw_sqlite_backend = {
    .kind = BENCH_SQLITE,
    .library = "libsqlite3 " SQLITE_VERSION,
    .open = raw_open,
    .close = raw_close,
    .exec = exec,
    .query2 = query2,
    .load = load,
    .error = error_text,
    .methods = methods,
};
