/*
 * The raw MariaDB side: MariaDB Connector/C as a careful C programmer would use it. Server-side
 * prepared statements (mysql_stmt_*) are prepared once per connection and reused, values are
 * bound in binary, every operation is one transaction. Bulk operations are measured several
 * ways — multi-row VALUES, array binding (STMT_ATTR_ARRAY_SIZE), text statements — and the
 * fastest counts as "raw". The session gets the settings Athanor's driver gives it.
 */
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define COLS       "id, name, qty, price, created"
#define SELECT_ALL "SELECT " COLS " FROM bench_item"
#define CHUNK      1000  /* rows per multi-row statement (Athanor's chunk as well) */
#define ARRAY      10000 /* rows per array-bound execution */

#define UPSERT_TAIL                                                                                \
    " ON DUPLICATE KEY UPDATE name = VALUES(name), qty = VALUES(qty), price = VALUES(price), "     \
    "created = VALUES(created)"

enum {
    M_INSERT,
    M_INSERT_CHUNK,
    M_GET,
    M_LIST,
    M_UPDATE,
    M_UPDATE_FIELDS,
    M_UPSERT,
    M_UPSERT_CHUNK,
    M_DELETE,
    M_DELETE_CHUNK,
    M_COUNT,
    M_PAGE,
    M__COUNT
};

struct raw_conn {
    MYSQL *my;
    MYSQL_STMT *st[M__COUNT];
    char error[1024];
};

static int fail(raw_conn *c, const char *what)
{
    snprintf(c->error, sizeof c->error, "%s: %s", what, mysql_error(c->my));
    return -1;
}

static int stmt_fail(raw_conn *c, MYSQL_STMT *st, const char *what)
{
    snprintf(c->error, sizeof c->error, "%s: %s", what, mysql_stmt_error(st));
    return -1;
}

static const char *error_text(raw_conn *c)
{
    return c->error;
}

static int exec(raw_conn *c, const char *sql)
{
    if (mysql_real_query(c->my, sql, (unsigned long)strlen(sql)) != 0)
        return fail(c, sql);
    MYSQL_RES *res = mysql_store_result(c->my); /* none for commands */
    mysql_free_result(res);
    return 0;
}

/* "head VALUES (?, …)×rows tail" */
static char *values_sql(const char *head, int per_row, size_t rows, const char *tail)
{
    size_t cap = strlen(head) + strlen(tail) + rows * ((size_t)per_row * 3 + 4) + 16;
    char *sql = malloc(cap), *p = sql;
    if (!sql)
        return NULL;
    p += sprintf(p, "%s", head);
    for (size_t r = 0; r < rows; r++) {
        p += sprintf(p, "%s(", r ? ", " : " ");
        for (int i = 0; i < per_row; i++)
            p += sprintf(p, "%s?", i ? ", " : "");
        *p++ = ')';
    }
    strcpy(p, tail);
    return sql;
}

static MYSQL_STMT *prepare_text(raw_conn *c, const char *sql)
{
    MYSQL_STMT *st = mysql_stmt_init(c->my);
    if (!st) {
        fail(c, "mysql_stmt_init");
        return NULL;
    }
    if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0) {
        stmt_fail(c, st, sql);
        mysql_stmt_close(st);
        return NULL;
    }
    return st;
}

/* Prepares `sql` and frees it; NULL when it is NULL (out of memory) or does not prepare. */
static MYSQL_STMT *prepare_owned(raw_conn *c, char *sql)
{
    MYSQL_STMT *st = sql ? prepare_text(c, sql) : NULL;
    free(sql);
    return st;
}

static MYSQL_STMT *stmt(raw_conn *c, int which)
{
    if (c->st[which])
        return c->st[which];
    char *owned = NULL;
    const char *sql;
    switch (which) {
    case M_INSERT:
        sql = "INSERT INTO bench_item (name, qty, price, created) VALUES (?, ?, ?, ?)";
        break;
    case M_INSERT_CHUNK:
        sql = owned =
            values_sql("INSERT INTO bench_item (name, qty, price, created) VALUES", 4, CHUNK, "");
        break;
    case M_GET:
        sql = SELECT_ALL " WHERE id = ?";
        break;
    case M_LIST:
        sql = SELECT_ALL;
        break;
    case M_UPDATE:
        sql = "UPDATE bench_item SET name = ?, qty = ?, price = ?, created = ? WHERE id = ?";
        break;
    case M_UPDATE_FIELDS:
        sql = "UPDATE bench_item SET qty = ?, price = ? WHERE id = ?";
        break;
    case M_UPSERT:
        sql = "INSERT INTO bench_item (" COLS ") VALUES (?, ?, ?, ?, ?)" UPSERT_TAIL;
        break;
    case M_UPSERT_CHUNK:
        sql = owned = values_sql("INSERT INTO bench_item (" COLS ") VALUES", 5, CHUNK, UPSERT_TAIL);
        break;
    case M_DELETE:
        sql = "DELETE FROM bench_item WHERE id = ?";
        break;
    case M_DELETE_CHUNK:
        sql = owned = values_sql("DELETE FROM bench_item WHERE id IN (", 1, CHUNK, ")");
        break;
    case M_COUNT:
        sql = "SELECT COUNT(*) FROM bench_item WHERE qty >= ? AND qty < ?";
        break;
    default:
        sql = SELECT_ALL " WHERE qty = ? ORDER BY name, id LIMIT 20 OFFSET 20";
        break;
    }
    c->st[which] = sql ? prepare_text(c, sql) : NULL;
    free(owned);
    return c->st[which];
}

static int raw_open(raw_conn **out, const bench_target *t)
{
    raw_conn *c = calloc(1, sizeof *c);
    *out = c;
    if (!c || !(c->my = mysql_init(NULL)))
        return -1;
    mysql_optionsv(c->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (!mysql_real_connect(c->my, t->host, t->user, t->password, t->dbname,
                            (unsigned)(t->port ? t->port : 3306), NULL, CLIENT_FOUND_ROWS))
        return fail(c, "connect");
    /* the session Athanor's driver sets up (isolation and modes change how the server works) */
    return exec(c, "SET autocommit = 1, time_zone = '+00:00', sql_mode = "
                   "'STRICT_ALL_TABLES,NO_BACKSLASH_ESCAPES,ANSI_QUOTES,PIPES_AS_CONCAT,"
                   "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
                   "NO_ENGINE_SUBSTITUTION,ONLY_FULL_GROUP_BY,SIMULTANEOUS_ASSIGNMENT', "
                   "collation_connection = 'utf8mb4_bin', SESSION tx_isolation = "
                   "'READ-COMMITTED'");
}

static void raw_close(raw_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < M__COUNT; i++)
        if (c->st[i])
            mysql_stmt_close(c->st[i]);
    mysql_close(c->my);
    free(c);
}

static int query2(raw_conn *c, const char *sql, int64_t *a, int64_t *b)
{
    if (mysql_real_query(c->my, sql, (unsigned long)strlen(sql)) != 0)
        return fail(c, sql);
    MYSQL_RES *res = mysql_store_result(c->my);
    MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
    if (row) {
        *a = strtoll(row[0], NULL, 10);
        *b = strtoll(row[1], NULL, 10);
    }
    mysql_free_result(res);
    return row ? 0 : fail(c, sql);
}

/* --- binding ------------------------------------------------------------------------------- */

static void to_time(ath_timestamp ts, MYSQL_TIME *t)
{
    int y, mo, d, h, mi, s, us;
    bench_ts_split(ts, &y, &mo, &d, &h, &mi, &s, &us);
    memset(t, 0, sizeof *t);
    t->year = (unsigned)y;
    t->month = (unsigned)mo;
    t->day = (unsigned)d;
    t->hour = (unsigned)h;
    t->minute = (unsigned)mi;
    t->second = (unsigned)s;
    t->second_part = (unsigned long)us;
    t->time_type = MYSQL_TIMESTAMP_DATETIME;
}

/* Per-row storage the binds point at. */
typedef struct row_buf {
    unsigned long name_len;
    MYSQL_TIME created;
} row_buf;

static void bind_i64(MYSQL_BIND *b, const int64_t *v)
{
    memset(b, 0, sizeof *b);
    b->buffer_type = MYSQL_TYPE_LONGLONG;
    b->buffer = (void *)v;
}

static void bind_fields(MYSQL_BIND *b, const bench_item *it, row_buf *rb)
{
    memset(b, 0, 4 * sizeof *b);
    rb->name_len = (unsigned long)strlen(it->name);
    to_time(it->created, &rb->created);
    b[0].buffer_type = MYSQL_TYPE_STRING;
    b[0].buffer = it->name;
    b[0].buffer_length = rb->name_len;
    b[0].length = &rb->name_len;
    b[1].buffer_type = MYSQL_TYPE_LONG;
    b[1].buffer = (void *)&it->qty;
    b[2].buffer_type = MYSQL_TYPE_DOUBLE;
    b[2].buffer = (void *)&it->price;
    b[3].buffer_type = MYSQL_TYPE_DATETIME;
    b[3].buffer = &rb->created;
}

/* Result buffers for the five columns. */
typedef struct out_row {
    MYSQL_BIND b[5];
    int64_t id;
    char name[256];
    unsigned long name_len;
    int32_t qty;
    double price;
    MYSQL_TIME created;
} out_row;

static int bind_out(MYSQL_STMT *st, out_row *o)
{
    memset(o->b, 0, sizeof o->b);
    o->b[0].buffer_type = MYSQL_TYPE_LONGLONG;
    o->b[0].buffer = &o->id;
    o->b[1].buffer_type = MYSQL_TYPE_STRING;
    o->b[1].buffer = o->name;
    o->b[1].buffer_length = sizeof o->name;
    o->b[1].length = &o->name_len;
    o->b[2].buffer_type = MYSQL_TYPE_LONG;
    o->b[2].buffer = &o->qty;
    o->b[3].buffer_type = MYSQL_TYPE_DOUBLE;
    o->b[3].buffer = &o->price;
    o->b[4].buffer_type = MYSQL_TYPE_DATETIME;
    o->b[4].buffer = &o->created;
    return mysql_stmt_bind_result(st, o->b) ? -1 : 0;
}

static int take_row(const out_row *o, bench_item *it, bench_arena *arena)
{
    it->id = o->id;
    it->name = bench_copy_name(arena, o->name, o->name_len);
    it->qty = o->qty;
    it->price = o->price;
    const MYSQL_TIME *t = &o->created;
    it->created = bench_ts_join((int)t->year, (int)t->month, (int)t->day, (int)t->hour,
                                (int)t->minute, (int)t->second, (int)t->second_part);
    return it->name ? 0 : -1;
}

static int run_stmt(raw_conn *c, MYSQL_STMT *st, MYSQL_BIND *b, const char *what)
{
    if ((b && mysql_stmt_bind_param(st, b)) || mysql_stmt_execute(st))
        return stmt_fail(c, st, what);
    return 0;
}

/* --- operations --------------------------------------------------------------------------- */

static int add_stmt(raw_conn *c, bench_work *w)
{
    MYSQL_STMT *st = stmt(c, M_INSERT);
    if (!st || exec(c, "BEGIN") < 0)
        return -1;
    MYSQL_BIND b[4];
    row_buf rb;
    for (size_t i = 0; i < w->nitems; i++) {
        bind_fields(b, &w->items[i], &rb);
        if (run_stmt(c, st, b, "insert") < 0)
            return -1;
        w->items[i].id = (int64_t)mysql_stmt_insert_id(st);
        w->check += (uint64_t)w->items[i].id;
    }
    w->rows = (int64_t)w->nitems;
    return exec(c, "COMMIT");
}

/* Multi-row prepared statements of CHUNK rows (a shorter tail prepared for the occasion). */
static int chunked(raw_conn *c, bench_work *w, int which, bool with_id, const char *head,
                   const char *tail, bool keys_back)
{
    int per = with_id ? 5 : 4;
    MYSQL_STMT *full = stmt(c, which);
    MYSQL_BIND *b = malloc(CHUNK * (size_t)per * sizeof *b);
    row_buf *rb = malloc(CHUNK * sizeof *rb);
    int rc = full && b && rb ? exec(c, "BEGIN") : -1;
    for (size_t done = 0; rc == 0 && done < w->nitems; done += CHUNK) {
        size_t rows = w->nitems - done < CHUNK ? w->nitems - done : CHUNK;
        MYSQL_STMT *st = rows < CHUNK ? prepare_owned(c, values_sql(head, per, rows, tail)) : full;
        if (!st) {
            rc = -1;
            break;
        }
        for (size_t r = 0; r < rows; r++) {
            bench_item *it = &w->items[done + r];
            MYSQL_BIND *row = b + r * (size_t)per;
            if (with_id)
                bind_i64(row++, &it->id);
            bind_fields(row, it, &rb[r]);
        }
        rc = run_stmt(c, st, b, "multi-row statement");
        if (rc == 0 && keys_back) { /* consecutive keys from the first (lock mode 1) */
            int64_t first = (int64_t)mysql_stmt_insert_id(st);
            for (size_t r = 0; r < rows; r++) {
                w->items[done + r].id = first + (int64_t)r;
                w->check += (uint64_t)(first + (int64_t)r);
            }
        }
        if (rc == 0)
            w->rows += (int64_t)mysql_stmt_affected_rows(st);
        if (st != full)
            mysql_stmt_close(st);
    }
    free(b);
    free(rb);
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int add_values(raw_conn *c, bench_work *w)
{
    return chunked(c, w, M_INSERT_CHUNK, false,
                   "INSERT INTO bench_item (name, qty, price, created) VALUES", "", true);
}

/* Array binding: column-wise arrays, ARRAY rows per execution. */
typedef struct arrays {
    int64_t *ids;
    char **names;
    unsigned long *lens;
    int32_t *qtys;
    double *prices;
    MYSQL_TIME *times;
    MYSQL_TIME **time_ptrs;
} arrays;

static void arrays_free(arrays *a)
{
    free(a->ids);
    free(a->names);
    free(a->lens);
    free(a->qtys);
    free(a->prices);
    free(a->times);
    free(a->time_ptrs);
}

static int arrays_alloc(arrays *a, size_t n)
{
    memset(a, 0, sizeof *a);
    a->ids = malloc(n * sizeof *a->ids);
    a->names = malloc(n * sizeof *a->names);
    a->lens = malloc(n * sizeof *a->lens);
    a->qtys = malloc(n * sizeof *a->qtys);
    a->prices = malloc(n * sizeof *a->prices);
    a->times = malloc(n * sizeof *a->times);
    a->time_ptrs = malloc(n * sizeof *a->time_ptrs);
    if (a->ids && a->names && a->lens && a->qtys && a->prices && a->times && a->time_ptrs)
        return 0;
    arrays_free(a);
    return -1;
}

/* Binds `rows` items column-wise: [id,] name, qty, price, created[, id at the end]. */
static void bind_arrays(MYSQL_BIND *b, arrays *a, const bench_item *items, size_t rows, int id_at)
{
    for (size_t r = 0; r < rows; r++) {
        a->ids[r] = items[r].id;
        a->names[r] = items[r].name;
        a->lens[r] = (unsigned long)strlen(items[r].name);
        a->qtys[r] = items[r].qty;
        a->prices[r] = items[r].price;
        to_time(items[r].created, &a->times[r]);
        a->time_ptrs[r] = &a->times[r];
    }
    int n = id_at >= 0 ? 5 : 4, f = 0;
    memset(b, 0, (size_t)n * sizeof *b);
    for (int i = 0; i < n; i++) {
        MYSQL_BIND *x = &b[i];
        if (i == id_at) {
            x->buffer_type = MYSQL_TYPE_LONGLONG;
            x->buffer = a->ids;
            continue;
        }
        switch (f++) {
        case 0:
            x->buffer_type = MYSQL_TYPE_STRING;
            x->buffer = a->names; /* variable length: an array of pointers */
            x->length = a->lens;
            break;
        case 1:
            x->buffer_type = MYSQL_TYPE_LONG;
            x->buffer = a->qtys;
            break;
        case 2:
            x->buffer_type = MYSQL_TYPE_DOUBLE;
            x->buffer = a->prices;
            break;
        default:
            x->buffer_type = MYSQL_TYPE_DATETIME;
            x->buffer = a->time_ptrs; /* not a fixed-size type: pointers too */
            break;
        }
    }
}

static int array_rows(raw_conn *c, bench_work *w, int which, int id_at)
{
    MYSQL_STMT *st = stmt(c, which);
    arrays a;
    MYSQL_BIND b[5];
    size_t most = w->nitems < ARRAY ? w->nitems : ARRAY;
    if (!st || arrays_alloc(&a, most ? most : 1) < 0)
        return -1;
    int rc = exec(c, "BEGIN");
    for (size_t done = 0; rc == 0 && done < w->nitems; done += ARRAY) {
        unsigned int rows = (unsigned int)(w->nitems - done < ARRAY ? w->nitems - done : ARRAY);
        bind_arrays(b, &a, w->items + done, rows, id_at);
        if (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &rows))
            rc = stmt_fail(c, st, "array size");
        if (rc == 0)
            rc = run_stmt(c, st, b, "array execute");
        if (rc == 0)
            w->rows += (int64_t)mysql_stmt_affected_rows(st);
    }
    unsigned int none = 0;
    mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &none);
    arrays_free(&a);
    w->no_keys = true;
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int add_array(raw_conn *c, bench_work *w)
{
    return array_rows(c, w, M_INSERT, -1);
}

/* Multi-row statements as text, values escaped into the SQL. */
static int add_text(raw_conn *c, bench_work *w)
{
    size_t cap = CHUNK * (BENCH_NAME_MAX * 2 + 96) + 128;
    char *sql = malloc(cap);
    int rc = sql ? exec(c, "BEGIN") : -1;
    for (size_t done = 0; rc == 0 && done < w->nitems; done += CHUNK) {
        size_t rows = w->nitems - done < CHUNK ? w->nitems - done : CHUNK;
        char *p = sql + sprintf(sql, "INSERT INTO bench_item (name, qty, price, created) VALUES ");
        for (size_t r = 0; r < rows; r++) {
            const bench_item *it = &w->items[done + r];
            *p++ = r ? ',' : ' ';
            *p++ = '(';
            *p++ = '\'';
            p += mysql_real_escape_string(c->my, p, it->name, (unsigned long)strlen(it->name));
            p += sprintf(p, "',%d,%.17g,'", (int)it->qty, it->price);
            bench_ts_format(it->created, p);
            p += 26;
            *p++ = '\'';
            *p++ = ')';
        }
        if (mysql_real_query(c->my, sql, (unsigned long)(p - sql)) != 0) {
            rc = fail(c, "insert");
            break;
        }
        int64_t first = (int64_t)mysql_insert_id(c->my);
        for (size_t r = 0; r < rows; r++) {
            w->items[done + r].id = first + (int64_t)r;
            w->check += (uint64_t)(first + (int64_t)r);
        }
    }
    free(sql);
    w->rows = (int64_t)w->nitems;
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int get_stmt(raw_conn *c, bench_work *w)
{
    MYSQL_STMT *st = stmt(c, M_GET);
    out_row o;
    if (!st || bind_out(st, &o) < 0 || exec(c, "BEGIN") < 0)
        return -1;
    MYSQL_BIND b[1];
    int64_t key;
    bind_i64(b, &key);
    if (mysql_stmt_bind_param(st, b))
        return stmt_fail(c, st, "bind");
    for (size_t i = 0; i < w->nkeys; i++) {
        key = w->keys[i];
        bench_item it;
        if (run_stmt(c, st, NULL, "get") < 0 || mysql_stmt_fetch(st) != 0 ||
            take_row(&o, &it, NULL) < 0)
            return stmt_fail(c, st, "get");
        mysql_stmt_free_result(st);
        w->check = bench_fold(w->check, bench_item_hash(&it));
        free(it.name);
        w->rows++;
    }
    return exec(c, "COMMIT");
}

/* Every row of a prepared SELECT into rows (streamed, or buffered first). */
static int fetch_all(raw_conn *c, MYSQL_STMT *st, bool buffered, bench_rows *rows)
{
    out_row o;
    if (bind_out(st, &o) < 0 || (buffered && mysql_stmt_store_result(st)))
        return stmt_fail(c, st, "result");
    int rc, bad = 0;
    while ((rc = mysql_stmt_fetch(st)) == 0) {
        bench_item *it = bench_rows_push(rows);
        if (!it || take_row(&o, it, &rows->strings) < 0)
            bad = 1;
    }
    mysql_stmt_free_result(st);
    return rc == MYSQL_NO_DATA && !bad ? 0 : stmt_fail(c, st, "fetch");
}

static int list_prepared(raw_conn *c, bench_work *w, bool buffered)
{
    MYSQL_STMT *st = stmt(c, M_LIST);
    if (!st || exec(c, "BEGIN") < 0 || run_stmt(c, st, NULL, "list") < 0)
        return -1;
    bench_rows rows = {0};
    int rc = fetch_all(c, st, buffered, &rows);
    bench_fold_rows(w, &rows);
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int list_stream(raw_conn *c, bench_work *w)
{
    return list_prepared(c, w, false);
}

static int list_buffered(raw_conn *c, bench_work *w)
{
    return list_prepared(c, w, true);
}

/* The text protocol: mysql_use_result and string values. */
static int list_text(raw_conn *c, bench_work *w)
{
    if (exec(c, "BEGIN") < 0 || mysql_real_query(c->my, SELECT_ALL, sizeof SELECT_ALL - 1) != 0)
        return fail(c, "list");
    MYSQL_RES *res = mysql_use_result(c->my);
    if (!res)
        return fail(c, "list");
    bench_rows rows = {0};
    MYSQL_ROW row;
    int bad = 0;
    while ((row = mysql_fetch_row(res))) {
        unsigned long *len = mysql_fetch_lengths(res);
        bench_item *it = bench_rows_push(&rows);
        if (!it) {
            bad = 1;
            continue;
        }
        it->id = strtoll(row[0], NULL, 10);
        it->name = bench_arena_copy(&rows.strings, row[1], len[1]);
        it->qty = (int32_t)strtol(row[2], NULL, 10);
        it->price = strtod(row[3], NULL);
        if (!it->name || !bench_ts_parse(row[4], len[4], &it->created))
            bad = 1;
    }
    bad |= mysql_errno(c->my) != 0;
    mysql_free_result(res);
    bench_fold_rows(w, &rows);
    return bad ? fail(c, "list") : exec(c, "COMMIT");
}

static int update_stmt(raw_conn *c, bench_work *w)
{
    MYSQL_STMT *st = stmt(c, M_UPDATE);
    if (!st || exec(c, "BEGIN") < 0)
        return -1;
    MYSQL_BIND b[5];
    row_buf rb;
    for (size_t i = 0; i < w->nitems; i++) {
        bind_fields(b, &w->items[i], &rb);
        bind_i64(&b[4], &w->items[i].id);
        if (run_stmt(c, st, b, "update") < 0)
            return -1;
        w->rows += (int64_t)mysql_stmt_affected_rows(st);
    }
    return exec(c, "COMMIT");
}

static int update_array(raw_conn *c, bench_work *w)
{
    return array_rows(c, w, M_UPDATE, 4);
}

/* update_many_fields: qty and price of each row, one prepared statement per row. */
static int update_fields_stmt(raw_conn *c, bench_work *w)
{
    MYSQL_STMT *st = stmt(c, M_UPDATE_FIELDS);
    if (!st || exec(c, "BEGIN") < 0)
        return -1;
    MYSQL_BIND b[3];
    for (size_t i = 0; i < w->nitems; i++) {
        memset(b, 0, sizeof b);
        b[0].buffer_type = MYSQL_TYPE_LONG;
        b[0].buffer = (void *)&w->items[i].qty;
        b[1].buffer_type = MYSQL_TYPE_DOUBLE;
        b[1].buffer = (void *)&w->items[i].price;
        bind_i64(&b[2], &w->items[i].id);
        if (run_stmt(c, st, b, "update fields") < 0)
            return -1;
        w->rows += (int64_t)mysql_stmt_affected_rows(st);
    }
    return exec(c, "COMMIT");
}

/* update_many_fields with array binding: ARRAY rows of (qty, price, id) per execute. */
static int update_fields_array(raw_conn *c, bench_work *w)
{
    MYSQL_STMT *st = stmt(c, M_UPDATE_FIELDS);
    arrays a;
    MYSQL_BIND all[5], b[3];
    size_t most = w->nitems < ARRAY ? w->nitems : ARRAY;
    if (!st || arrays_alloc(&a, most ? most : 1) < 0)
        return -1;
    int rc = exec(c, "BEGIN");
    for (size_t done = 0; rc == 0 && done < w->nitems; done += ARRAY) {
        unsigned int rows = (unsigned int)(w->nitems - done < ARRAY ? w->nitems - done : ARRAY);
        bind_arrays(all, &a, w->items + done, rows, 4); /* name, qty, price, created, id */
        b[0] = all[1];
        b[1] = all[2];
        b[2] = all[4];
        if (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &rows))
            rc = stmt_fail(c, st, "array size");
        if (rc == 0)
            rc = run_stmt(c, st, b, "array execute");
        if (rc == 0)
            w->rows += (int64_t)mysql_stmt_affected_rows(st);
    }
    unsigned int none = 0;
    mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &none);
    arrays_free(&a);
    w->no_keys = true;
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int upsert_values(raw_conn *c, bench_work *w)
{
    return chunked(c, w, M_UPSERT_CHUNK, true, "INSERT INTO bench_item (" COLS ") VALUES",
                   UPSERT_TAIL, false);
}

static int upsert_array(raw_conn *c, bench_work *w)
{
    return array_rows(c, w, M_UPSERT, 0);
}

static int delete_in(raw_conn *c, bench_work *w)
{
    MYSQL_STMT *full = stmt(c, M_DELETE_CHUNK);
    MYSQL_BIND *b = malloc(CHUNK * sizeof *b);
    int rc = full && b ? exec(c, "BEGIN") : -1;
    for (size_t done = 0; rc == 0 && done < w->nkeys; done += CHUNK) {
        size_t rows = w->nkeys - done < CHUNK ? w->nkeys - done : CHUNK;
        MYSQL_STMT *st =
            rows < CHUNK
                ? prepare_owned(c, values_sql("DELETE FROM bench_item WHERE id IN (", 1, rows, ")"))
                : full;
        if (!st) {
            rc = -1;
            break;
        }
        for (size_t r = 0; r < rows; r++)
            bind_i64(&b[r], &w->keys[done + r]);
        rc = run_stmt(c, st, b, "delete");
        if (rc == 0)
            w->rows += (int64_t)mysql_stmt_affected_rows(st);
        if (st != full)
            mysql_stmt_close(st);
    }
    free(b);
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int delete_array(raw_conn *c, bench_work *w)
{
    MYSQL_STMT *st = stmt(c, M_DELETE);
    if (!st || exec(c, "BEGIN") < 0)
        return -1;
    int rc = 0;
    for (size_t done = 0; rc == 0 && done < w->nkeys; done += ARRAY) {
        unsigned int rows = (unsigned int)(w->nkeys - done < ARRAY ? w->nkeys - done : ARRAY);
        MYSQL_BIND b[1];
        bind_i64(b, &w->keys[done]); /* a contiguous array of keys */
        if (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &rows))
            rc = stmt_fail(c, st, "array size");
        if (rc == 0)
            rc = run_stmt(c, st, b, "array delete");
        if (rc == 0)
            w->rows += (int64_t)mysql_stmt_affected_rows(st);
    }
    unsigned int none = 0;
    mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &none);
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int count_stmt(raw_conn *c, bench_work *w)
{
    MYSQL_STMT *st = stmt(c, M_COUNT);
    if (!st || exec(c, "BEGIN") < 0)
        return -1;
    int32_t lo, hi;
    int64_t n;
    MYSQL_BIND in[2], out[1];
    memset(in, 0, sizeof in);
    memset(out, 0, sizeof out);
    in[0].buffer_type = in[1].buffer_type = MYSQL_TYPE_LONG;
    in[0].buffer = &lo;
    in[1].buffer = &hi;
    out[0].buffer_type = MYSQL_TYPE_LONGLONG;
    out[0].buffer = &n;
    if (mysql_stmt_bind_param(st, in) || mysql_stmt_bind_result(st, out))
        return stmt_fail(c, st, "bind");
    for (size_t i = 0; i < w->nqtys; i++) {
        lo = w->qtys[i];
        hi = lo + BENCH_COUNT_SPAN;
        if (run_stmt(c, st, NULL, "count") < 0 || mysql_stmt_fetch(st) != 0)
            return stmt_fail(c, st, "count");
        mysql_stmt_free_result(st);
        w->check += (uint64_t)n;
        w->rows++;
    }
    return exec(c, "COMMIT");
}

static int page_stmt(raw_conn *c, bench_work *w)
{
    MYSQL_STMT *st = stmt(c, M_PAGE);
    if (!st || exec(c, "BEGIN") < 0)
        return -1;
    int32_t qty;
    MYSQL_BIND in[1];
    memset(in, 0, sizeof in);
    in[0].buffer_type = MYSQL_TYPE_LONG;
    in[0].buffer = &qty;
    if (mysql_stmt_bind_param(st, in))
        return stmt_fail(c, st, "bind");
    for (size_t i = 0; i < w->nqtys; i++) {
        qty = w->qtys[i];
        bench_rows rows = {0};
        int rc = run_stmt(c, st, NULL, "page");
        if (rc == 0)
            rc = fetch_all(c, st, false, &rows);
        bench_fold_rows(w, &rows);
        if (rc < 0)
            return -1;
    }
    return exec(c, "COMMIT");
}

static int load(raw_conn *c, const char *table, const bench_item *rows, size_t n)
{
    (void)c;
    (void)table;
    (void)rows;
    (void)n;
    return -1; /* a server database is shared: Athanor loads it */
}

static const raw_method methods[] = {
    {"add", "stmt", add_stmt},
    {"add_many", "values", add_values},
    {"add_many", "array", add_array},
    {"add_many", "text", add_text},
    {"get", "stmt", get_stmt},
    {"list", "stmt", list_stream},
    {"list", "stmt_buffered", list_buffered},
    {"list", "text", list_text},
    {"update_many", "stmt", update_stmt},
    {"update_many", "array", update_array},
    {"update_many_fields", "stmt", update_fields_stmt},
    {"update_many_fields", "array", update_fields_array},
    {"upsert_many", "values", upsert_values},
    {"upsert_many", "array", upsert_array},
    {"delete_many", "in", delete_in},
    {"delete_many", "array", delete_array},
    {"count", "stmt", count_stmt},
    {"page", "stmt", page_stmt},
    {NULL, NULL, NULL},
};

const raw_backend raw_mysql_backend = {
    .kind = BENCH_MYSQL,
    .library = "MariaDB Connector/C",
    .open = raw_open,
    .close = raw_close,
    .exec = exec,
    .query2 = query2,
    .load = load,
    .error = error_text,
    .methods = methods,
};
