/*
 * Athanor benchmarks: the shared pieces of athanor_bench (one program, any URL).
 *
 * Every operation runs through Athanor's repository and through hand-written code on the raw
 * client library (raw_sqlite.c, raw_pg.c, raw_mysql.c), in the same process, on the same data.
 * Both sides read into and write from the same struct, bench_item.
 */
#ifndef ATHANOR_BENCH_H
#define ATHANOR_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <athanor/athanor.h>

/* The benchmark's row: a plain struct, mapped with ATH_FIELD in athanor_side.c. */
typedef struct bench_item {
    int64_t id;
    char *name;
    int32_t qty;
    double price;
    ath_timestamp created;
} bench_item;

#define BENCH_NAME_MAX 64 /* VARCHAR(64) */

/* --- strings and rows owned by the raw side ----------------------------------------------------
 */

/* A bump allocator for strings the raw side copies out of results (as Athanor's lists do). */
typedef struct bench_arena {
    struct bench_chunk *head;
    char *next;
    size_t left;
} bench_arena;

char *bench_arena_copy(bench_arena *a, const char *s, size_t len);
void bench_arena_free(bench_arena *a);

/* A growable array of items whose names live in `strings`. */
typedef struct bench_rows {
    bench_item *items;
    size_t count, cap;
    bench_arena strings;
} bench_rows;

bench_item *bench_rows_push(bench_rows *r);
void bench_rows_free(bench_rows *r);

/* A copy of the `len` bytes at s, terminated: in `a`, or malloc'd when a is NULL. */
char *bench_copy_name(bench_arena *a, const char *s, size_t len);

/* --- what a database is --------------------------------------------------------------------- */

typedef enum bench_kind { BENCH_SQLITE = 0, BENCH_POSTGRESQL, BENCH_MYSQL, BENCH_KINDS } bench_kind;

typedef struct bench_target {
    bench_kind kind;
    const char *url; /* as given to Athanor */
    bool memory;     /* sqlite:///:memory: — each side has a database of its own */
    const char *path, *host, *user, *password, *dbname;
    int port;
} bench_target;

/* Reads the URL's dialect, path or host, port, user, password and database (kept for the life
 * of the program); prints why and returns -1 when it cannot. */
int bench_target_parse(bench_target *t, const char *url);

/* --- one operation's inputs and outputs ----------------------------------------------------- */

typedef struct bench_work {
    bench_item *items; /* add, add_many, update_many, upsert_many: a fresh copy per run */
    size_t nitems;
    const int64_t *keys; /* get, delete_many */
    size_t nkeys;
    const int32_t *qtys; /* count, page: one call per value */
    size_t nqtys;
    uint64_t check; /* a checksum of what was read, or of the keys written back */
    int64_t rows;   /* rows read, counted or changed */
    bool no_keys;   /* the method does not learn generated keys (COPY, array binding) */
} bench_work;

/* The queries the operations run, written once for every backend. */
#define BENCH_PAGE_LIMIT  20
#define BENCH_PAGE_OFFSET 20
#define BENCH_COUNT_SPAN  10 /* count: lo <= qty < lo + span */

/* Checksum helpers: both sides fold each row they read the same way. */
static inline uint64_t bench_fold(uint64_t h, uint64_t x)
{
    h ^= x + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
    return h;
}
uint64_t bench_item_hash(const bench_item *it);
/* Folds each item into w->check and counts them in w->rows; bench_fold_rows then frees rows. */
void bench_fold_items(bench_work *w, const bench_item *items, size_t n);
void bench_fold_rows(bench_work *w, bench_rows *rows);

/* --- the raw side ---------------------------------------------------------------------------- */

typedef struct raw_conn raw_conn;
typedef int (*raw_fn)(raw_conn *c, bench_work *w);

/* One way of doing one operation by hand ("add_many" by "copy_binary", say). */
typedef struct raw_method {
    const char *op;
    const char *method;
    raw_fn fn;
} raw_method;

typedef struct raw_backend {
    bench_kind kind;
    const char *library; /* "libsqlite3 3.40.1", filled at open */
    int (*open)(raw_conn **out, const bench_target *t);
    void (*close)(raw_conn *c);
    /* plain SQL outside any transaction (schema, resets); 0 or -1 */
    int (*exec)(raw_conn *c, const char *sql);
    /* SELECT of two integers (COUNT(*), SUM(qty)) */
    int (*query2)(raw_conn *c, const char *sql, int64_t *a, int64_t *b);
    /* inserts rows with their ids into `table` (used where the database is private) */
    int (*load)(raw_conn *c, const char *table, const bench_item *rows, size_t n);
    const char *(*error)(raw_conn *c);
    const raw_method *methods; /* ends with {NULL} */
} raw_backend;

#ifdef BENCH_HAVE_SQLITE
extern const raw_backend raw_sqlite_backend;
#endif
#ifdef BENCH_HAVE_PG
extern const raw_backend raw_pg_backend;
#endif
#ifdef BENCH_HAVE_MYSQL
extern const raw_backend raw_mysql_backend;
#endif

/* --- the Athanor side (athanor_side.c) ------------------------------------------------------- */

typedef struct ath_side ath_side;
typedef int (*ath_side_fn)(ath_side *s, bench_work *w);

typedef struct ath_side_method {
    const char *op;
    ath_side_fn fn;
} ath_side_method;

extern const ath_model bench_item_model, bench_base_model;
extern const ath_side_method ath_side_methods[]; /* ends with {NULL} */

/* An engine, a session and a repository over bench_item. */
int ath_side_open(ath_side **out, const char *url);
void ath_side_close(ath_side *s);
ath_engine *ath_side_engine(ath_side *s);
/* Raw SQL through the session, committed. */
int ath_side_exec(ath_side *s, const char *sql);
int ath_side_query2(ath_side *s, const char *sql, int64_t *a, int64_t *b);
/* Drops and creates bench_item and bench_base. */
int ath_side_create_tables(ath_side *s);
/* Inserts rows (ids given) into bench_base with add_many. */
int ath_side_load_base(ath_side *s, bench_item *rows, size_t n);
/* The last Athanor error, as text. */
const char *ath_side_error(void);

/* --- time values, shared by the raw sides ------------------------------------------------------
 */

/* "YYYY-MM-DD HH:MM:SS.ffffff" (26 characters, no terminator written), as Athanor stores it in
 * SQLite. */
void bench_ts_format(ath_timestamp ts, char out[26]);
/* Parses that form (with or without fraction); false when it is not one. */
bool bench_ts_parse(const char *s, size_t len, ath_timestamp *out);
/* Civil date and time of a timestamp, and back. */
void bench_ts_split(ath_timestamp ts, int *y, int *mo, int *d, int *h, int *mi, int *s, int *us);
ath_timestamp bench_ts_join(int y, int mo, int d, int h, int mi, int s, int us);

/* Seconds on the wall clock, or (cpu) of this process's CPU time: the clock for SQLite, which
 * runs inside the process, so that other programs on the machine do not count. */
double bench_clock(bool cpu);

/* --- repetitions and output, shared by athanor_bench and athanor_dbi_bench ------------------- */

#define BENCH_MAX_REPS 31

/* The median of n (1 to BENCH_MAX_REPS) values, v left as it is; the least and the greatest
 * into lo and hi where they are not NULL. */
double bench_median(const double *v, int n, double *lo, double *hi);

/* The header of ops.csv, which both programs append to. */
#define BENCH_OPS_CSV_HEADER                                                                       \
    "backend,op,unit,n,side,method,median_per_s,min_per_s,max_per_s,reps,clock,secs"

/* Opens dir/name for appending, the header written first where the file is new or empty; NULL
 * when dir is NULL or the file cannot be opened (said on stderr). */
FILE *bench_open_csv(const char *dir, const char *name, const char *header);

/* The label a database's figures go under when none is given: "sqlite-memory", "sqlite-file",
 * "postgresql" or "mariadb". */
const char *bench_default_label(const bench_target *t);

#endif
