/*
 * athanor_dbi_bench URL — the benchmark's operations through libdbi (0.9, Debian's libdbi-dev
 * with the libdbd-sqlite3/-pgsql/-mysql drivers), a peer for athanor_bench.
 *
 *   athanor_dbi_bench [--reps N] [--scale F] [--label NAME] [--out DIR] URL
 *
 * libdbi has no bound parameters: values go into the SQL text, strings quoted by the driver
 * (dbi_conn_quote_string_copy). Bulk work uses multi-row VALUES of 1000 rows, one transaction per
 * operation, as a careful libdbi user would. The program makes its own copy of the tables (DDL
 * from Athanor, base rows inserted through libdbi) and appends its medians to DIR/ops.csv.
 */
#include <dbi/dbi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"

#define COLS  "id, name, qty, price, created"
#define CHUNK 1000

typedef struct dctx {
    dbi_conn conn;
    bench_kind kind;
} dctx;

static int failed(dctx *c, const char *what)
{
    const char *msg = NULL;
    dbi_conn_error(c->conn, &msg);
    fprintf(stderr, "athanor_dbi_bench: %s: %s\n", what, msg ? msg : "?");
    return -1;
}

/* Runs SQL that returns nothing useful. */
static int run(dctx *c, const char *sql)
{
    dbi_result r = dbi_conn_query(c->conn, sql);
    if (!r)
        return failed(c, sql);
    dbi_result_free(r);
    return 0;
}

/* A growable SQL text. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (b->p && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            abort();
        b->p = p;
        b->cap = cap;
    }
}

/* "(id, 'name', qty, price, 'created')" for one row, values as SQL literals. */
static void sb_row(dctx *c, sbuf *b, const bench_item *it, bool with_id)
{
    char *quoted = NULL;
    char ts[27];
    dbi_conn_quote_string_copy(c->conn, it->name, &quoted);
    bench_ts_format(it->created, ts);
    ts[26] = '\0';
    if (with_id)
        sb_add(b, "(%lld, %s, %d, %.17g, '%s')", (long long)it->id, quoted, (int)it->qty, it->price,
               ts);
    else
        sb_add(b, "(%s, %d, %.17g, '%s')", quoted, (int)it->qty, it->price, ts);
    free(quoted);
}

static void read_item(dbi_result r, bench_item *it, bench_arena *arena)
{
    const char *name = dbi_result_get_string_idx(r, 2);
    it->id = dbi_result_get_as_longlong_idx(r, 1);
    it->name = bench_copy_name(arena, name, strlen(name));
    it->qty = (int32_t)dbi_result_get_as_longlong_idx(r, 3);
    it->price = dbi_result_get_double_idx(r, 4);
    it->created = (ath_timestamp)dbi_result_get_datetime_idx(r, 5) * 1000000; /* whole seconds */
}

static const char *upsert_tail(bench_kind k)
{
    return k == BENCH_MYSQL ? " ON DUPLICATE KEY UPDATE name = VALUES(name), qty = VALUES(qty), "
                              "price = VALUES(price), created = VALUES(created)"
                            : " ON CONFLICT (id) DO UPDATE SET name = excluded.name, qty = "
                              "excluded.qty, price = excluded.price, created = excluded.created";
}

/* --- operations --------------------------------------------------------------------------- */

static int op_add(dctx *c, bench_work *w)
{
    if (run(c, "BEGIN") < 0)
        return -1;
    sbuf b = {0};
    for (size_t i = 0; i < w->nitems; i++) {
        b.len = 0;
        sb_add(&b, "INSERT INTO bench_item (name, qty, price, created) VALUES ");
        sb_row(c, &b, &w->items[i], false);
        sb_add(&b, " RETURNING id");
        dbi_result r = dbi_conn_query(c->conn, b.p);
        if (!r || !dbi_result_next_row(r)) {
            free(b.p);
            return failed(c, "insert");
        }
        w->items[i].id = dbi_result_get_as_longlong_idx(r, 1);
        dbi_result_free(r);
    }
    free(b.p);
    return run(c, "COMMIT");
}

/* Multi-row statements: head, CHUNK rows, tail; keys read back when `returning`. */
static int chunked(dctx *c, bench_work *w, const char *head, bool with_id, const char *tail,
                   bool returning)
{
    if (run(c, "BEGIN") < 0)
        return -1;
    sbuf b = {0};
    for (size_t done = 0; done < w->nitems; done += CHUNK) {
        size_t rows = w->nitems - done < CHUNK ? w->nitems - done : CHUNK;
        b.len = 0;
        sb_add(&b, "%s", head);
        for (size_t i = 0; i < rows; i++) {
            sb_add(&b, i ? ", " : " ");
            sb_row(c, &b, &w->items[done + i], with_id);
        }
        sb_add(&b, "%s%s", tail, returning ? " RETURNING id" : "");
        dbi_result r = dbi_conn_query(c->conn, b.p);
        if (!r) {
            free(b.p);
            return failed(c, "multi-row statement");
        }
        for (size_t i = 0; returning && i < rows && dbi_result_next_row(r); i++)
            w->items[done + i].id = dbi_result_get_as_longlong_idx(r, 1);
        dbi_result_free(r);
    }
    free(b.p);
    return run(c, "COMMIT");
}

static int op_add_many(dctx *c, bench_work *w)
{
    return chunked(c, w, "INSERT INTO bench_item (name, qty, price, created) VALUES", false, "",
                   true);
}

static int op_get(dctx *c, bench_work *w)
{
    if (run(c, "BEGIN") < 0)
        return -1;
    for (size_t i = 0; i < w->nkeys; i++) {
        dbi_result r = dbi_conn_queryf(c->conn, "SELECT " COLS " FROM bench_item WHERE id = %lld",
                                       (long long)w->keys[i]);
        if (!r || !dbi_result_next_row(r))
            return failed(c, "get");
        bench_item it;
        read_item(r, &it, NULL);
        free(it.name);
        dbi_result_free(r);
    }
    return run(c, "COMMIT");
}

static int read_rows(dctx *c, const char *sql, bench_work *w)
{
    dbi_result r = dbi_conn_query(c->conn, sql);
    if (!r)
        return failed(c, sql);
    bench_rows rows = {0};
    while (dbi_result_next_row(r)) {
        bench_item *it = bench_rows_push(&rows);
        if (it)
            read_item(r, it, &rows.strings);
    }
    w->rows += (int64_t)rows.count;
    dbi_result_free(r);
    bench_rows_free(&rows);
    return 0;
}

static int op_list(dctx *c, bench_work *w)
{
    if (run(c, "BEGIN") < 0 || read_rows(c, "SELECT " COLS " FROM bench_item", w) < 0)
        return -1;
    return run(c, "COMMIT");
}

static int op_update_many(dctx *c, bench_work *w)
{
    if (run(c, "BEGIN") < 0)
        return -1;
    for (size_t i = 0; i < w->nitems; i++) {
        const bench_item *it = &w->items[i];
        char *quoted = NULL, ts[27];
        dbi_conn_quote_string_copy(c->conn, it->name, &quoted);
        bench_ts_format(it->created, ts);
        ts[26] = '\0';
        dbi_result r = dbi_conn_queryf(c->conn,
                                       "UPDATE bench_item SET name = %s, qty = %d, price = %.17g, "
                                       "created = '%s' WHERE id = %lld",
                                       quoted, (int)it->qty, it->price, ts, (long long)it->id);
        free(quoted);
        if (!r)
            return failed(c, "update");
        dbi_result_free(r);
    }
    return run(c, "COMMIT");
}

static int op_upsert_many(dctx *c, bench_work *w)
{
    return chunked(c, w, "INSERT INTO bench_item (" COLS ") VALUES", true, upsert_tail(c->kind),
                   false);
}

static int op_delete_many(dctx *c, bench_work *w)
{
    if (run(c, "BEGIN") < 0)
        return -1;
    sbuf b = {0};
    for (size_t done = 0; done < w->nkeys; done += CHUNK) {
        size_t rows = w->nkeys - done < CHUNK ? w->nkeys - done : CHUNK;
        b.len = 0;
        sb_add(&b, "DELETE FROM bench_item WHERE id IN (");
        for (size_t i = 0; i < rows; i++)
            sb_add(&b, "%s%lld", i ? ", " : "", (long long)w->keys[done + i]);
        sb_add(&b, ")");
        if (run(c, b.p) < 0) {
            free(b.p);
            return -1;
        }
    }
    free(b.p);
    return run(c, "COMMIT");
}

static int op_count(dctx *c, bench_work *w)
{
    if (run(c, "BEGIN") < 0)
        return -1;
    for (size_t i = 0; i < w->nqtys; i++) {
        dbi_result r = dbi_conn_queryf(c->conn,
                                       "SELECT COUNT(*) FROM bench_item WHERE qty >= %d AND "
                                       "qty < %d",
                                       (int)w->qtys[i], (int)(w->qtys[i] + BENCH_COUNT_SPAN));
        if (!r || !dbi_result_next_row(r))
            return failed(c, "count");
        w->check += (uint64_t)dbi_result_get_as_longlong_idx(r, 1);
        dbi_result_free(r);
    }
    return run(c, "COMMIT");
}

static int op_page(dctx *c, bench_work *w)
{
    if (run(c, "BEGIN") < 0)
        return -1;
    char sql[256];
    for (size_t i = 0; i < w->nqtys; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT " COLS " FROM bench_item WHERE qty = %d ORDER BY name, id LIMIT %d "
                 "OFFSET %d",
                 (int)w->qtys[i], BENCH_PAGE_LIMIT, BENCH_PAGE_OFFSET);
        if (read_rows(c, sql, w) < 0)
            return -1;
    }
    return run(c, "COMMIT");
}

typedef struct dop {
    const char *name, *unit;
    bool fill;
    int (*fn)(dctx *c, bench_work *w);
} dop;

static const dop ops[] = {
    {"add", "rows", false, op_add},
    {"add_many", "rows", false, op_add_many},
    {"get", "rows", true, op_get},
    {"list", "rows", true, op_list},
    {"update_many", "rows", true, op_update_many},
    {"upsert_many", "rows", true, op_upsert_many},
    {"delete_many", "rows", true, op_delete_many},
    {"count", "calls", true, op_count},
    {"page", "calls", true, op_page},
};

/* --- setup ----------------------------------------------------------------------------------- */

static int reset(dctx *c, bool fill)
{
    static const char *const empty[BENCH_KINDS] = {"DELETE FROM bench_item",
                                                   "TRUNCATE bench_item RESTART IDENTITY",
                                                   "TRUNCATE TABLE bench_item"};
    /* the settled state athanor_bench leaves its tables in (see run.c) */
    static const char *const settle[BENCH_KINDS] = {
        "PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM ANALYZE bench_item", "ANALYZE TABLE bench_item"};
    if (run(c, empty[c->kind]) < 0)
        return -1;
    if (fill && run(c, "INSERT INTO bench_item (" COLS ") SELECT " COLS " FROM bench_base") < 0)
        return -1;
    return run(c, settle[c->kind]);
}

/* The tables (DDL as Athanor writes it for this dialect) and the base rows. */
static int create_tables(dctx *c, const char *url, bench_data *d)
{
    ath_engine *e = NULL;
    char *ddl = NULL;
    if (ath_engine_create(&e, url) != ATH_OK ||
        ath_create_all_sql(&ddl, e, ATH_MODELS(&bench_item_model, &bench_base_model)) != ATH_OK) {
        fprintf(stderr, "athanor_dbi_bench: %s\n", ath_error_last()->message);
        ath_engine_dispose(e);
        return -1;
    }
    ath_engine_dispose(e);
    int rc = run(c, "DROP TABLE IF EXISTS bench_item");
    if (rc == 0)
        rc = run(c, "DROP TABLE IF EXISTS bench_base");
    /* one statement per query: not every driver takes several */
    for (char *stmt = ddl, *end; rc == 0 && stmt && *stmt; stmt = end) {
        end = strstr(stmt, ";\n");
        if (end) {
            *end = '\0';
            end += 2;
        }
        while (*stmt == '\n' || *stmt == ' ')
            stmt++;
        if (*stmt)
            rc = run(c, stmt);
    }
    free(ddl);
    if (rc == 0 && c->kind == BENCH_POSTGRESQL)
        rc = run(c, "ALTER TABLE bench_item SET (autovacuum_enabled = off)");
    if (rc < 0)
        return -1;
    bench_work w = {.items = d->base, .nitems = d->z.base};
    return chunked(c, &w, "INSERT INTO bench_base (" COLS ") VALUES", true, "", false);
}

static int connect_to(dctx *c, dbi_inst inst, const bench_target *t)
{
    static const char *const drivers[BENCH_KINDS] = {"sqlite3", "pgsql", "mysql"};
    c->kind = t->kind;
    if (!(c->conn = dbi_conn_new_r(drivers[t->kind], inst))) {
        fprintf(stderr, "athanor_dbi_bench: no libdbi driver %s (Debian: libdbd-*)\n",
                drivers[t->kind]);
        return -1;
    }
    if (t->kind == BENCH_SQLITE) {
        char dir[4096];
        const char *path = t->memory ? ":memory:" : t->path;
        const char *slash = strrchr(path, '/');
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
        dbi_conn_set_option(c->conn, "sqlite3_dbdir", dir);
        dbi_conn_set_option(c->conn, "dbname", slash ? slash + 1 : path);
    } else {
        dbi_conn_set_option(c->conn, "host", t->host);
        dbi_conn_set_option(c->conn, "username", t->user);
        dbi_conn_set_option(c->conn, "password", t->password);
        dbi_conn_set_option(c->conn, "dbname", t->dbname);
        dbi_conn_set_option(c->conn, "encoding", "UTF-8");
        if (t->port)
            dbi_conn_set_option_numeric(c->conn, "port", t->port);
    }
    if (dbi_conn_connect(c->conn) < 0)
        return failed(c, "connect");
    if (t->kind == BENCH_SQLITE) /* the pragmas Athanor sets */
        return run(c, t->memory ? "PRAGMA journal_mode=MEMORY" : "PRAGMA journal_mode=WAL") ||
                       run(c, t->memory ? "PRAGMA foreign_keys=ON" : "PRAGMA synchronous=NORMAL")
                   ? -1
                   : 0;
    if (t->kind == BENCH_MYSQL)
        return run(c, "SET sql_mode = 'ANSI_QUOTES,STRICT_ALL_TABLES', tx_isolation = "
                      "'READ-COMMITTED', time_zone = '+00:00'");
    return 0;
}

/* --- main ------------------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    int reps = 5;
    double scale = 1.0;
    const char *label = NULL, *out = NULL;
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (strcmp(argv[i], "--reps") == 0)
            reps = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--scale") == 0)
            scale = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--label") == 0)
            label = argv[i + 1];
        else if (strcmp(argv[i], "--out") == 0)
            out = argv[i + 1];
        else
            break;
    }
    if (i + 1 != argc || reps < 1 || reps > BENCH_MAX_REPS || scale <= 0) {
        fprintf(stderr, "usage: athanor_dbi_bench [--reps N] [--scale F] [--label NAME] "
                        "[--out DIR] URL\n");
        return 2;
    }
    bench_target t;
    if (bench_target_parse(&t, argv[i]) != 0)
        return 2;
    if (!label)
        label = bench_default_label(&t);
    bench_sizes z = bench_sizes_for(&t, scale);
    bench_data d;
    dbi_inst inst = NULL;
    dctx c = {0};
    int status = 1;
    if (bench_data_init(&d, &z) != 0 || dbi_initialize_r(NULL, &inst) < 0)
        goto done;
    if (connect_to(&c, inst, &t) < 0 || create_tables(&c, argv[i], &d) < 0)
        goto done;
    bench_item *scratch = malloc(bench_most_items(&z) * sizeof *scratch);
    FILE *csv = bench_open_csv(out, "ops.csv", BENCH_OPS_CSV_HEADER);
    printf("%s through libdbi, %d repetitions (median)\n", label, reps);
    status = 0;
    for (size_t k = 0; scratch && k < sizeof ops / sizeof *ops; k++) {
        const dop *op = &ops[k];
        double secs[BENCH_MAX_REPS];
        size_t n = 0;
        for (int rep = 0; rep < reps; rep++) {
            bench_work w;
            if (reset(&c, op->fill) < 0) {
                status = 1;
                break;
            }
            n = bench_work_for(op->name, &d, scratch, &w);
            double t0 = bench_clock(t.kind == BENCH_SQLITE);
            if (op->fn(&c, &w) < 0) {
                status = 1;
                break;
            }
            secs[rep] = bench_clock(t.kind == BENCH_SQLITE) - t0;
        }
        if (status)
            break;
        double lo, hi, med = bench_median(secs, reps, &lo, &hi);
        printf("  %-12s %7zu %-5s %10.1f/s\n", op->name, n, op->unit, (double)n / med);
        if (csv)
            fprintf(csv, "%s,%s,%s,%zu,libdbi,dbi,%.1f,%.1f,%.1f,%d,%s,\n", label, op->name,
                    op->unit, n, (double)n / med, (double)n / hi, (double)n / lo, reps,
                    t.kind == BENCH_SQLITE ? "cpu" : "wall");
    }
    if (csv)
        fclose(csv);
    free(scratch);
done:
    if (c.conn)
        dbi_conn_close(c.conn);
    if (inst)
        dbi_shutdown_r(inst);
    bench_data_free(&d);
    return status;
}
