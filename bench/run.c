/* Running every operation both ways: resets, alternation, medians, checks and output. */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct op_def {
    const char *name;
    const char *unit; /* what the rate counts: "rows" or "calls" */
    bool fill;        /* starts from the base rows (else from an empty table) */
    bool writes;
} op_def;

static const op_def ops[] = {
    {"add", "rows", false, true},        {"add_many", "rows", false, true},
    {"get", "rows", true, false},        {"list", "rows", true, false},
    {"update_many", "rows", true, true}, {"update_many_fields", "rows", true, true},
    {"upsert_many", "rows", true, true}, {"delete_many", "rows", true, true},
    {"count", "calls", true, false},     {"page", "calls", true, false},
};
#define NOPS (sizeof ops / sizeof *ops)

enum { ST_UNKNOWN = 0, ST_EMPTY, ST_BASE, ST_DIRTY };

/* A database as the runners see it: its table state, and how to reset and inspect it. */
typedef struct db_ctx {
    int state;
    bench_kind kind;
    ath_side *ath; /* through Athanor (another engine where the database is shared), or */
    const raw_backend *rb;
    raw_conn *raw; /* through the raw connection */
} db_ctx;

typedef struct runner {
    const char *side, *method;
    ath_side *ath;
    ath_side_fn afn;
    const raw_backend *rb;
    raw_conn *raw;
    raw_fn rfn;
    db_ctx *db;
    double secs[BENCH_MAX_REPS];
    int n;
    bench_work last;
    int64_t count_after, sum_after;
} runner;

#define MAX_RUNNERS 8

/* --- raw sides ---------------------------------------------------------------------------- */

const raw_backend *bench_raw_backend(bench_kind kind)
{
    switch (kind) {
#ifdef BENCH_HAVE_SQLITE
    case BENCH_SQLITE:
        return &raw_sqlite_backend;
#endif
#ifdef BENCH_HAVE_PG
    case BENCH_POSTGRESQL:
        return &raw_pg_backend;
#endif
#ifdef BENCH_HAVE_MYSQL
    case BENCH_MYSQL:
        return &raw_mysql_backend;
#endif
    default:
        return NULL;
    }
}

/* --- schema and resets ---------------------------------------------------------------------- */

static const char *const empty_sql[BENCH_KINDS] = {
    [BENCH_SQLITE] = "DELETE FROM bench_item",
    [BENCH_POSTGRESQL] = "TRUNCATE bench_item RESTART IDENTITY",
    [BENCH_MYSQL] = "TRUNCATE TABLE bench_item",
};
static const char *const fill_sql = "INSERT INTO bench_item (id, name, qty, price, created) "
                                    "SELECT id, name, qty, price, created FROM bench_base";
/*
 * After a reset, the database is brought to the same settled state every time, so that
 * background work started by the reset (autovacuum setting visibility bits, WAL checkpoints,
 * statistics) does not land in whichever run comes next. Outside a transaction (the raw
 * connection): VACUUM and a WAL checkpoint; inside one (Athanor's session) what can run there.
 */
static const char *const settle_sql[BENCH_KINDS] = {
    [BENCH_SQLITE] = "PRAGMA wal_checkpoint(TRUNCATE)",
    [BENCH_POSTGRESQL] = "VACUUM ANALYZE bench_item",
    [BENCH_MYSQL] = "ANALYZE TABLE bench_item",
};
static const char *const settle_in_tx_sql[BENCH_KINDS] = {
    [BENCH_POSTGRESQL] = "ANALYZE bench_item",
    [BENCH_MYSQL] = "ANALYZE TABLE bench_item",
};

int bench_reset_ath(ath_side *s, bench_kind kind, bool fill)
{
    int rc = ath_side_exec(s, empty_sql[kind]);
    if (rc == ATH_OK && fill)
        rc = ath_side_exec(s, fill_sql);
    if (rc == ATH_OK && settle_in_tx_sql[kind])
        rc = ath_side_exec(s, settle_in_tx_sql[kind]);
    if (rc != ATH_OK)
        fprintf(stderr, "athanor_bench: reset: %s\n", ath_side_error());
    return rc == ATH_OK ? 0 : -1;
}

int bench_reset_raw(const raw_backend *rb, raw_conn *c, bench_kind kind, bool fill)
{
    int rc = rb->exec(c, empty_sql[kind]);
    if (rc == 0 && fill)
        rc = rb->exec(c, fill_sql);
    if (rc == 0)
        rc = rb->exec(c, settle_sql[kind]);
    if (rc != 0)
        fprintf(stderr, "athanor_bench: raw reset: %s\n", rb->error(c));
    return rc;
}

int bench_prepare_schema(ath_side *s, const raw_backend *rb, raw_conn *raw, const bench_target *t,
                         bench_data *d)
{
    if (ath_side_create_tables(s) != ATH_OK ||
        ath_side_load_base(s, d->base, d->z.base) != ATH_OK) {
        fprintf(stderr, "athanor_bench: creating the tables: %s\n", ath_side_error());
        return -1;
    }
    /* the benchmark settles the tables itself after each reset (VACUUM ANALYZE): autovacuum
     * waking up in the middle of a timed run would favour whichever side ran at another time */
    if (t->kind == BENCH_POSTGRESQL &&
        (ath_side_exec(s, "ALTER TABLE bench_item SET (autovacuum_enabled = off)") != ATH_OK ||
         ath_side_exec(s, "ALTER TABLE bench_base SET (autovacuum_enabled = off)") != ATH_OK)) {
        fprintf(stderr, "athanor_bench: %s\n", ath_side_error());
        return -1;
    }
    if (!t->memory || !raw)
        return 0;
    /* a private database: the same DDL, from Athanor, and the same base rows */
    char *ddl = NULL;
    if (ath_create_all_sql(&ddl, ath_side_engine(s),
                           ATH_MODELS(&bench_item_model, &bench_base_model)) != ATH_OK) {
        fprintf(stderr, "athanor_bench: DDL: %s\n", ath_side_error());
        return -1;
    }
    int rc = rb->exec(raw, ddl);
    free(ddl);
    if (rc == 0)
        rc = rb->load(raw, "bench_base", d->base, d->z.base);
    if (rc != 0)
        fprintf(stderr, "athanor_bench: raw schema: %s\n", rb->error(raw));
    return rc;
}

static int db_reset(db_ctx *db, bool fill)
{
    int want = fill ? ST_BASE : ST_EMPTY;
    if (db->state == want)
        return 0;
    int rc = db->ath ? bench_reset_ath(db->ath, db->kind, fill)
                     : bench_reset_raw(db->rb, db->raw, db->kind, fill);
    db->state = rc == 0 ? want : ST_UNKNOWN;
    return rc;
}

static int db_state(db_ctx *db, int64_t *count, int64_t *sum)
{
    static const char *const sql = "SELECT COUNT(*), COALESCE(SUM(qty), 0) FROM bench_item";
    if (db->ath)
        return ath_side_query2(db->ath, sql, count, sum) == ATH_OK ? 0 : -1;
    return db->rb->query2(db->raw, sql, count, sum);
}

/* --- one run -------------------------------------------------------------------------------- */

static int run_once(runner *r, const op_def *op, const bench_data *d, bench_item *scratch, bool cpu,
                    double *secs)
{
    if (db_reset(r->db, op->fill) != 0)
        return -1;
    bench_work w;
    bench_work_for(op->name, d, scratch, &w);
    double t0 = bench_clock(cpu);
    int rc = r->ath ? (r->afn(r->ath, &w) == ATH_OK ? 0 : -1) : r->rfn(r->raw, &w);
    *secs = bench_clock(cpu) - t0;
    if (rc != 0) {
        fprintf(stderr, "athanor_bench: %s %s %s failed: %s\n", op->name, r->side, r->method,
                r->ath ? ath_side_error() : r->rb->error(r->raw));
        return -1;
    }
    r->last = w;
    if (op->writes) {
        r->db->state = ST_DIRTY;
        if (db_state(r->db, &r->count_after, &r->sum_after) != 0) {
            fprintf(stderr, "athanor_bench: reading the table after %s failed\n", op->name);
            return -1;
        }
    }
    return 0;
}

/* --- statistics and output ------------------------------------------------------------------ */

static void print_rate(double per_s)
{
    if (per_s >= 1e6)
        printf("%9.2fM", per_s / 1e6);
    else
        printf("%9.1fk", per_s / 1e3);
}

/* Compares what the runners read or left behind; false when they disagree. */
static bool verify(const op_def *op, runner *rs, int nr)
{
    bool ok = true;
    for (int i = 1; i < nr; i++) {
        const runner *a = &rs[0], *b = &rs[i];
        bool same = true;
        if (op->writes)
            same = a->count_after == b->count_after && a->sum_after == b->sum_after;
        if (same && (!op->writes || (strncmp(op->name, "add", 3) == 0 && !b->last.no_keys)))
            same = a->last.check == b->last.check;
        if (!op->writes && same)
            same = a->last.rows == b->last.rows;
        if (!same) {
            fprintf(stderr,
                    "athanor_bench: MISMATCH in %s between %s and %s/%s (check %llx/%llx, rows "
                    "%lld/%lld, table %lld,%lld / %lld,%lld)\n",
                    op->name, a->side, b->side, b->method, (unsigned long long)a->last.check,
                    (unsigned long long)b->last.check, (long long)a->last.rows,
                    (long long)b->last.rows, (long long)a->count_after, (long long)a->sum_after,
                    (long long)b->count_after, (long long)b->sum_after);
            ok = false;
        }
    }
    return ok;
}

/* --- the run -------------------------------------------------------------------------------- */

static bool selected(const bench_options *o, const char *op)
{
    if (!o->only)
        return true;
    size_t n = strlen(op);
    for (const char *p = o->only; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, op, n) == 0)
            return true;
        p += len;
        if (*p == ',')
            p++;
    }
    return false;
}

typedef struct op_result {
    double ath, raw, ratio;
    const char *raw_method;
} op_result;

/* The median over repetitions of raw time / Athanor time: each pair ran back to back, so a
 * slow patch of the machine (other programs) affects both sides of a pair alike. */
static double paired_ratio(const runner *ath, const runner *raw)
{
    double q[BENCH_MAX_REPS];
    int n = ath->n < raw->n ? ath->n : raw->n;
    for (int k = 0; k < n; k++)
        q[k] = raw->secs[k] / ath->secs[k];
    return n ? bench_median(q, n, NULL, NULL) : 0;
}

static int run_op(const op_def *op, runner *rs, int nr, const bench_data *d, bench_item *scratch,
                  const bench_options *o, FILE *csv, op_result *res)
{
    double secs;
    for (int w = 0; w < o->warmup; w++)
        for (int i = 0; i < nr; i++)
            if (run_once(&rs[i], op, d, scratch, o->cpu_clock, &secs) != 0)
                return -1;
    for (int rep = 0; rep < o->reps; rep++)
        for (int k = 0; k < nr; k++) {
            runner *r = &rs[rep % 2 ? nr - 1 - k : k]; /* alternate the order */
            if (run_once(r, op, d, scratch, o->cpu_clock, &secs) != 0)
                return -1;
            r->secs[r->n++] = secs;
        }
    bool ok = verify(op, rs, nr);
    size_t n = bench_work_for(op->name, d, NULL, NULL);
    res->ath = res->raw = res->ratio = 0;
    res->raw_method = NULL;
    const runner *ath = NULL, *best = NULL;
    for (int i = 0; i < nr; i++) {
        runner *r = &rs[i];
        double lo, hi, med = bench_median(r->secs, r->n, &lo, &hi);
        double per_s = (double)n / med;
        if (r->ath) {
            res->ath = per_s;
            ath = r;
        } else if (per_s > res->raw) {
            res->raw = per_s;
            res->raw_method = r->method;
            best = r;
        }
        if (csv) {
            fprintf(csv, "%s,%s,%s,%zu,%s,%s,%.1f,%.1f,%.1f,%d,%s,", o->label, op->name, op->unit,
                    n, r->side, r->method, per_s, (double)n / hi, (double)n / lo, r->n,
                    o->cpu_clock ? "cpu" : "wall");
            for (int k = 0; k < r->n; k++)
                fprintf(csv, "%s%.6f", k ? ";" : "", r->secs[k]);
            fprintf(csv, "\n");
        }
    }
    if (ath && best)
        res->ratio = paired_ratio(ath, best);
    printf("  %-18s %7zu %-5s", op->name, n, op->unit);
    print_rate(res->ath);
    if (res->raw_method) {
        print_rate(res->raw);
        printf("  %5.2f  %s", res->ratio, res->raw_method);
        if (nr > 2) { /* the other raw methods, for the record */
            printf(" (");
            for (int i = 1, first = 1; i < nr; i++) {
                if (rs[i].method == res->raw_method)
                    continue;
                printf("%s%s ", first ? "" : ", ", rs[i].method);
                print_rate((double)n / bench_median(rs[i].secs, rs[i].n, NULL, NULL));
                first = 0;
            }
            printf(")");
        }
    }
    printf("%s\n", ok ? "" : "  MISMATCH");
    fflush(stdout);
    return ok ? 0 : 1;
}

int bench_run(const bench_target *t, const bench_options *o)
{
    bench_data d;
    bench_sizes z = bench_sizes_for(t, o->scale);
    if (bench_data_init(&d, &z) != 0) {
        fprintf(stderr, "athanor_bench: out of memory generating data\n");
        return 1;
    }
    ath_side *ath = NULL, *admin = NULL;
    const raw_backend *rb = bench_raw_backend(t->kind);
    raw_conn *raw = NULL;
    int status = 1;
    FILE *csv = NULL, *mem = NULL;
    bench_item *scratch = malloc(bench_most_items(&z) * sizeof *scratch);
    if (!scratch)
        goto done;
    if (ath_side_open(&ath, t->url) != ATH_OK) {
        fprintf(stderr, "athanor_bench: %s\n", ath_side_error());
        goto done;
    }
    /* a shared database is reset through an engine of its own, so the benchmark's engine keeps
     * its prepared statements (DDL such as TRUNCATE flushes an engine's statement caches) */
    if (!t->memory && ath_side_open(&admin, t->url) != ATH_OK) {
        fprintf(stderr, "athanor_bench: %s\n", ath_side_error());
        goto done;
    }
    if (rb && rb->open(&raw, t) != 0) {
        fprintf(stderr, "athanor_bench: raw %s: %s\n", rb->library, raw ? rb->error(raw) : "");
        goto done;
    }
    printf("%s: %s, raw side: %s, %d repetitions (median), %d warm-up, %s time\n", o->label,
           ath_engine_dialect(ath_side_engine(ath)), rb ? rb->library : "(not built)", o->reps,
           o->warmup, o->cpu_clock ? "CPU" : "wall-clock");
    if (bench_prepare_schema(t->memory ? ath : admin, rb, raw, t, &d) != 0)
        goto done;
    /* a shared database is reset through the raw connection where there is one (it can VACUUM
     * and checkpoint outside a transaction), else through the admin engine */
    db_ctx shared = {.kind = t->kind, .ath = raw ? NULL : admin, .rb = rb, .raw = raw};
    db_ctx mine = {.kind = t->kind, .ath = ath};
    db_ctx theirs = {.kind = t->kind, .rb = rb, .raw = raw};
    csv = bench_open_csv(o->out_dir, "ops.csv", BENCH_OPS_CSV_HEADER);
    printf("  %-18s %7s %-5s %10s %10s  %5s  %s\n", "operation", "n", "unit", "athanor/s", "raw/s",
           "ratio", "raw method (other raw methods)");
    const char *list_method = NULL;
    status = 0;
    for (size_t k = 0; k < NOPS; k++) {
        const op_def *op = &ops[k];
        if (!selected(o, op->name))
            continue;
        runner rs[MAX_RUNNERS];
        int nr = 0;
        memset(rs, 0, sizeof rs);
        bool want_ath = !o->side || strcmp(o->side, "athanor") == 0;
        bool want_raw = !o->side || strcmp(o->side, "raw") == 0;
        for (const ath_side_method *m = want_ath ? ath_side_methods : NULL; m && m->op; m++)
            if (strcmp(m->op, op->name) == 0)
                rs[nr++] = (runner){.side = "athanor",
                                    .method = "repository",
                                    .ath = ath,
                                    .afn = m->fn,
                                    .db = t->memory ? &mine : &shared};
        for (const raw_method *m = rb && want_raw ? rb->methods : NULL;
             m && m->op && nr < MAX_RUNNERS; m++)
            if (strcmp(m->op, op->name) == 0)
                rs[nr++] = (runner){.side = "raw",
                                    .method = m->method,
                                    .rb = rb,
                                    .raw = raw,
                                    .rfn = m->fn,
                                    .db = t->memory ? &theirs : &shared};
        op_result res;
        int rc = run_op(op, rs, nr, &d, scratch, o, csv, &res);
        if (rc < 0) {
            status = 1;
            goto done;
        }
        if (rc > 0)
            status = 3;
        if (strcmp(op->name, "list") == 0)
            list_method = res.raw_method;
    }
    if (o->memory) {
        /* one list of every row, each side in a fresh process */
        if (!t->memory && db_reset(&shared, true) != 0) {
            status = 1;
            goto done;
        }
        size_t data_bytes = z.base * sizeof(bench_item) + d.base_string_bytes;
        mem = bench_open_csv(o->out_dir, "memory.csv",
                             "backend,rows,data_bytes,side,method,peak_bytes");
        printf("  memory, list of %zu rows: data %.1f MB (%zu-byte structs + %.1f MB of names)\n",
               z.base, (double)data_bytes / 1e6, sizeof(bench_item),
               (double)d.base_string_bytes / 1e6);
        const char *sides[2][2] = {{"athanor", "repository"}, {"raw", list_method}};
        for (int i = 0; i < 2; i++) {
            if (!sides[i][1])
                continue;
            long long peak = 0, rows = 0;
            if (bench_memory_measure(sides[i][0], sides[i][1], z.base, t->url, &peak, &rows) != 0) {
                fprintf(stderr, "athanor_bench: memory measurement for %s failed\n", sides[i][0]);
                status = 1;
                continue;
            }
            printf("    %-8s peak %.1f MB (%.2f × the data) for %lld rows\n", sides[i][0],
                   (double)peak / 1e6, (double)peak / (double)data_bytes, rows);
            if (mem)
                fprintf(mem, "%s,%lld,%zu,%s,%s,%lld\n", o->label, rows, data_bytes, sides[i][0],
                        sides[i][1], peak);
        }
    }
done:
    if (csv)
        fclose(csv);
    if (mem)
        fclose(mem);
    if (rb && raw)
        rb->close(raw);
    ath_side_close(admin);
    ath_side_close(ath);
    free(scratch);
    bench_data_free(&d);
    return status;
}
