/*
 * athanor_async_bench — 1 000 concurrent requests over 8 connections (issue 14): Athanor's async
 * API on one thread against 8 threads with the blocking API and against hand-written client
 * code, in the same process, alternating, on PostgreSQL and MariaDB (docs/benchmarks.md, "Async").
 *
 *   athanor_async_bench [--rows N] [--concurrency C] [--rounds R] [--reps K] [--conns P]
 *                       [--load get|mixed|both] [--methods a,b,…] URL…
 *
 * A table bench_async (id, name, value) of N rows (default 10 000). A round: C requests
 * (default 1 000) on distinct random keys arrive at once; the round ends when every one has
 * completed. Load `get`: every request reads its row by key; load `mixed`: 80 % reads, 20 %
 * updates of one row's value. Each method runs R rounds (default 20) per repetition, K
 * repetitions (default 3) after one warm-up round, the methods' order alternating from one
 * repetition to the next; rates and latencies are medians over the repetitions, ratios the
 * medians of the same repetition's pairs.
 *
 * Every read is checked (its id, name and value are the row's, as the benchmark knows it), every
 * update must change exactly one row, and after each method's repetition the whole table is read
 * back and compared with what the benchmark wrote: a wrong result stops the program.
 *
 * Methods (P = 8 connections everywhere):
 *   async    one thread, one ath_async runtime over an io=nonblocking engine (pool P, no
 *            overflow), one async session per concurrent client (C sessions, as a server keeps one
 *            per client: a session holds a connection only while its transaction is open). A
 *            request is its own unit of work, as in a server: get + rollback (the session ends
 *            its read transaction and gives the connection back), update_fields + commit.
 *            Driven by ath_async_run (poll()).
 *   threads  P threads, each with its own blocking ath_session on one engine (pool P), taking the
 *            round's requests from a shared queue; the same units of work.
 *   raw      PostgreSQL: P libpq connections in pipeline mode, non-blocking, one poll() over the
 *            P sockets; the round's requests spread over them, each PQsendQueryPrepared (binary
 *            parameters and results) + PQpipelineSync, sent at once. MariaDB (Connector/C has no
 *            pipeline): P threads, each with its own connection and prepared statements (binary
 *            protocol), taking requests from the shared queue. Both autocommit, one statement
 *            per request: the least a hand-written program sends.
 *
 * Latency: from the round's start (the moment its C requests arrive) to the request's
 * completion — a read when its row is there (the get's callback, the raw result), an update when
 * it is committed. p50/p99 over every request of the repetition.
 */
#define _POSIX_C_SOURCE 200809L
#include <athanor/async.h>
#include <athanor/athanor.h>

#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef BENCH_HAVE_PG
#include <libpq-fe.h>
#endif
#ifdef BENCH_HAVE_MYSQL
#include <mysql.h>
#endif

/* --- the table --------------------------------------------------------------------------- */

typedef struct arow {
    int64_t id;
    char *name;
    int64_t value;
} arow;

static const ath_field arow_fields[] = {
    ATH_FIELD(arow, id, i64, .flags = ATH_PK),
    ATH_FIELD(arow, name, text, .max_length = 40),
    ATH_FIELD(arow, value, i64),
};
static const ath_model arow_model = ATH_MODEL_OF(arow, "bench_async", arow_fields);

#define NAME_FMT    "name-%" PRId64
#define MAX_METHODS 8

enum { OP_GET, OP_UPDATE };

typedef struct request {
    int64_t key;
    int kind;
    int64_t value; /* OP_UPDATE: the value written */
} request;

/* --- what the benchmark knows and measures ------------------------------------------------- */

static struct {
    size_t rows, conc, rounds, reps, conns;
    int64_t *expected; /* value of row k at index k-1 */
    int64_t *perm;     /* keys, shuffled partially per round */
    request *reqs;     /* the current round */
    double *done_at;   /* completion time of each request of the round */
    double t0;         /* the round's start */
    uint64_t rng;
    int failed;
} B;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t next_random(void)
{
    B.rng ^= B.rng << 13;
    B.rng ^= B.rng >> 7;
    B.rng ^= B.rng << 17;
    return B.rng;
}

static void bad(const char *method, const char *what)
{
    if (!B.failed)
        fprintf(stderr, "athanor_async_bench: %s: %s\n", method, what);
    B.failed = 1;
}

/* A round's requests: distinct random keys; in the mixed load one in five an update. */
static void plan_round(bool mixed)
{
    for (size_t i = 0; i < B.conc; i++) {
        size_t j = i + (size_t)(next_random() % (B.rows - i));
        int64_t t = B.perm[i];
        B.perm[i] = B.perm[j];
        B.perm[j] = t;
        request *r = &B.reqs[i];
        r->key = B.perm[i];
        r->kind = mixed && next_random() % 5 == 0 ? OP_UPDATE : OP_GET;
        r->value = B.expected[r->key - 1] + 1;
    }
}

/* After a round: the updates are what the table now holds. */
static void apply_round(void)
{
    for (size_t i = 0; i < B.conc; i++)
        if (B.reqs[i].kind == OP_UPDATE)
            B.expected[B.reqs[i].key - 1] = B.reqs[i].value;
}

/* Is (id, name, value) the row request i read? (keys of a round are distinct, so no update of
 * the same round changes it) */
static bool row_ok(size_t i, int64_t id, const char *name, size_t name_len, int64_t value)
{
    char want[32];
    int n = snprintf(want, sizeof want, NAME_FMT, B.reqs[i].key);
    return id == B.reqs[i].key && value == B.expected[id - 1] && name && n > 0 &&
           (size_t)n == name_len && memcmp(name, want, name_len) == 0;
}

static void complete(size_t i)
{
    B.done_at[i] = now();
}

/* --- Athanor (blocking): setup, the table check ----------------------------------------------- */

static int fail_ath(const char *what)
{
    fprintf(stderr, "athanor_async_bench: %s: %s\n", what, ath_error_last()->message);
    return -1;
}

static int open_engine(ath_engine **e, const char *url, bool nonblocking)
{
    ath_engine_options o;
    ath_engine_options_init(&o);
    o.pool_size = (int)B.conns;
    o.max_overflow = 0;
    o.nonblocking = nonblocking;
    if (ath_engine_create_opts(e, url, &o) != ATH_OK)
        return fail_ath("connecting");
    return 0;
}

static int fill_table(ath_engine *e)
{
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    int rc = ath_drop_all(e, ATH_MODELS(&arow_model));
    if (rc == ATH_OK)
        rc = ath_create_all(e, ATH_MODELS(&arow_model));
    if (rc == ATH_OK)
        rc = ath_session_open(&s, e);
    if (rc == ATH_OK)
        rc = ath_repo_open(&repo, s, &arow_model);
    arow *items = calloc(B.rows, sizeof *items);
    char(*names)[32] = calloc(B.rows, sizeof *names);
    if (!items || !names)
        rc = ATH_ENOMEM;
    for (size_t i = 0; rc == ATH_OK && i < B.rows; i++) {
        items[i].id = (int64_t)i + 1;
        snprintf(names[i], sizeof names[i], NAME_FMT, items[i].id);
        items[i].name = names[i];
        items[i].value = B.expected[i] = items[i].id * 10;
    }
    if (rc == ATH_OK)
        rc = ath_repo_add_many(repo, items, B.rows);
    if (rc == ATH_OK)
        rc = ath_session_commit(s);
    free(items);
    free(names);
    ath_repo_free(repo);
    ath_session_close(s);
    return rc == ATH_OK ? 0 : fail_ath("filling bench_async");
}

/* The whole table against B.expected. */
static int check_table(ath_engine *e, const char *method)
{
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    ath_list *l = NULL;
    int rc = ath_session_open(&s, e);
    if (rc == ATH_OK)
        rc = ath_repo_open(&repo, s, &arow_model);
    if (rc == ATH_OK)
        rc = ath_repo_list(repo, &l, ATH_NO_FILTERS);
    int bad_rows = 0;
    if (rc == ATH_OK) {
        const arow *it = ath_list_items(l);
        size_t n = ath_list_count(l);
        if (n != B.rows)
            bad_rows = 1;
        for (size_t i = 0; !bad_rows && i < n; i++)
            if (it[i].id < 1 || it[i].id > (int64_t)B.rows ||
                it[i].value != B.expected[it[i].id - 1])
                bad_rows++;
    }
    ath_list_free(l);
    ath_repo_free(repo);
    ath_session_close(s);
    if (rc != ATH_OK)
        return fail_ath("reading the table back");
    if (bad_rows) {
        fprintf(stderr,
                "athanor_async_bench: %s: MISMATCH: the table does not hold what was written\n",
                method);
        return -1;
    }
    return 0;
}

/* --- method: async ------------------------------------------------------------------------ */

typedef struct aclient {
    ath_async_session *s;
    ath_repo *repo;
} aclient;

/* one request of the round: its row and its name buffer stay valid until its callbacks ran */
typedef struct aslot {
    arow row;
    char name[32];
    size_t req;
} aslot;

typedef struct async_side {
    ath_engine *engine;
    ath_async *a;
    aclient *clients;
    size_t nclients, want;
    aslot *slots;
    const char *name;
} async_side;

static void async_close(async_side *as)
{
    for (size_t i = 0; i < as->nclients; i++) {
        ath_repo_free(as->clients[i].repo);
        ath_async_session_close(as->clients[i].s, NULL, NULL);
    }
    ath_async_free(as->a);
    free(as->clients);
    free(as->slots);
    ath_engine_dispose(as->engine);
    memset(as, 0, sizeof *as);
}

/* `sessions` async sessions; request i of a round runs on session i % sessions */
static int async_open(async_side *as, const char *url, size_t sessions, const char *name)
{
    memset(as, 0, sizeof *as);
    as->name = name;
    as->want = sessions;
    if (open_engine(&as->engine, url, true))
        return -1;
    if (!ath_engine_nonblocking(as->engine))
        fprintf(stderr,
                "athanor_async_bench: note: %s is not non-blocking: async runs on workers\n",
                ath_engine_dialect(as->engine));
    if (ath_async_create(&as->a, NULL) != ATH_OK)
        return fail_ath("ath_async_create");
    as->clients = calloc(sessions, sizeof *as->clients);
    as->slots = calloc(B.conc, sizeof *as->slots);
    if (!as->clients || !as->slots)
        return fail_ath("allocating");
    for (; as->nclients < sessions; as->nclients++) {
        aclient *c = &as->clients[as->nclients];
        if (ath_async_session_open(&c->s, as->a, as->engine) != ATH_OK ||
            ath_repo_open(&c->repo, ath_async_session_session(c->s), &arow_model) != ATH_OK)
            return fail_ath("opening the async sessions");
    }
    return 0;
}

static void async_got(ath_async_op *op, int rc, void *user)
{
    (void)op;
    aslot *c = user;
    if (rc != ATH_OK) {
        bad("async", ath_error_last()->message);
        return;
    }
    complete(c->req);
    if (!row_ok(c->req, c->row.id, c->row.name, c->row.name ? strlen(c->row.name) : 0,
                c->row.value))
        bad("async", "MISMATCH: a get returned another row");
    ath_model_free_fields(&arow_model, &c->row);
}

static void async_ended(ath_async_op *op, int rc, void *user)
{
    (void)op;
    aslot *c = user;
    if (rc != ATH_OK)
        bad("async", ath_error_last()->message);
    else if (B.reqs[c->req].kind == OP_UPDATE)
        complete(c->req);
}

static void async_updated(ath_async_op *op, int rc, void *user)
{
    (void)op;
    (void)user;
    if (rc != ATH_OK)
        bad("async", ath_error_last()->message);
}

static int async_round(void *side)
{
    async_side *as = side;
    for (size_t i = 0; i < B.conc; i++) {
        aclient *c = &as->clients[i % as->nclients];
        aslot *slot = &as->slots[i];
        const request *r = &B.reqs[i];
        ath_session *s = ath_async_session_session(c->s);
        int rc;
        slot->req = i;
        if (r->kind == OP_GET) {
            memset(&slot->row, 0, sizeof slot->row);
            rc = ath_async_repo_get(NULL, c->repo, &slot->row, ATH_VALUES(ath_v_i64(r->key)),
                                    async_got, slot);
            if (rc == ATH_OK)
                rc = ath_async_session_rollback(NULL, s, async_ended, slot);
        } else {
            snprintf(slot->name, sizeof slot->name, NAME_FMT, r->key);
            slot->row = (arow){r->key, slot->name, r->value};
            rc = ath_async_repo_update_fields(NULL, c->repo, &slot->row, ATH_NAMES("value"),
                                              async_updated, slot);
            if (rc == ATH_OK)
                rc = ath_async_session_commit(NULL, s, async_ended, slot);
        }
        if (rc != ATH_OK)
            return fail_ath("starting an async operation");
    }
    if (ath_async_run(as->a, 60000) != ATH_OK)
        return fail_ath("ath_async_run");
    return B.failed ? -1 : 0;
}

/* --- a pool of P threads taking the round's requests from a shared queue -------------------- */

typedef int (*thread_op_fn)(void *ctx, size_t req);

typedef struct thread_pool {
    pthread_t *tids;
    void **ctx;
    size_t n;
    thread_op_fn op;
    pthread_barrier_t start, end;
    atomic_size_t next;
    atomic_int stop, failed;
    const char *name;
} thread_pool;

typedef struct worker_arg {
    thread_pool *p;
    size_t index;
} worker_arg;

static void *worker(void *arg)
{
    worker_arg *w = arg;
    thread_pool *p = w->p;
    for (;;) {
        pthread_barrier_wait(&p->start);
        if (atomic_load(&p->stop))
            break;
        for (size_t i; (i = atomic_fetch_add(&p->next, 1)) < B.conc;)
            if (p->op(p->ctx[w->index], i) != 0) {
                atomic_store(&p->failed, 1);
                /* let the others finish: take the rest of the queue */
                atomic_store(&p->next, B.conc);
            }
        pthread_barrier_wait(&p->end);
    }
    free(w);
    return NULL;
}

static int pool_start(thread_pool *p, const char *name, void **ctx, size_t n, thread_op_fn op)
{
    memset(p, 0, sizeof *p);
    p->name = name;
    p->ctx = ctx;
    p->n = n;
    p->op = op;
    p->tids = calloc(n, sizeof *p->tids);
    if (!p->tids)
        return -1;
    pthread_barrier_init(&p->start, NULL, (unsigned)n + 1);
    pthread_barrier_init(&p->end, NULL, (unsigned)n + 1);
    for (size_t i = 0; i < n; i++) {
        worker_arg *w = malloc(sizeof *w);
        if (!w)
            return -1;
        *w = (worker_arg){p, i};
        pthread_create(&p->tids[i], NULL, worker, w);
    }
    return 0;
}

static int pool_round(thread_pool *p)
{
    atomic_store(&p->next, 0);
    pthread_barrier_wait(&p->start);
    pthread_barrier_wait(&p->end);
    if (atomic_load(&p->failed)) {
        B.failed = 1;
        return -1;
    }
    return 0;
}

static void pool_stop(thread_pool *p)
{
    if (!p->tids)
        return;
    atomic_store(&p->stop, 1);
    pthread_barrier_wait(&p->start);
    for (size_t i = 0; i < p->n; i++)
        pthread_join(p->tids[i], NULL);
    pthread_barrier_destroy(&p->start);
    pthread_barrier_destroy(&p->end);
    free(p->tids);
    p->tids = NULL;
}

/* --- method: threads (blocking Athanor) ------------------------------------------------------ */

typedef struct tclient {
    ath_session *s;
    ath_repo *repo;
} tclient;

typedef struct threads_side {
    ath_engine *engine;
    tclient *clients;
    void **ctx;
    thread_pool pool;
} threads_side;

static int threads_op(void *ctx, size_t i)
{
    tclient *c = ctx;
    const request *r = &B.reqs[i];
    arow row = {0};
    char name[32];
    int rc;
    if (r->kind == OP_GET) {
        rc = ath_repo_get(c->repo, &row, ATH_VALUES(ath_v_i64(r->key)));
        if (rc == ATH_OK) {
            complete(i);
            bool ok = row_ok(i, row.id, row.name, row.name ? strlen(row.name) : 0, row.value);
            ath_model_free_fields(&arow_model, &row);
            if (!ok) {
                fprintf(stderr,
                        "athanor_async_bench: threads: MISMATCH: a get returned another row\n");
                ath_session_rollback(c->s);
                return -1;
            }
        }
        int rb = ath_session_rollback(c->s);
        if (rc == ATH_OK)
            rc = rb;
    } else {
        snprintf(name, sizeof name, NAME_FMT, r->key);
        row = (arow){r->key, name, r->value};
        rc = ath_repo_update_fields(c->repo, &row, ATH_NAMES("value"));
        if (rc == ATH_OK)
            rc = ath_session_commit(c->s);
        else
            ath_session_rollback(c->s);
        if (rc == ATH_OK)
            complete(i);
    }
    if (rc != ATH_OK)
        fprintf(stderr, "athanor_async_bench: threads: %s\n", ath_error_last()->message);
    return rc == ATH_OK ? 0 : -1;
}

static void threads_close(threads_side *ts)
{
    pool_stop(&ts->pool);
    for (size_t i = 0; ts->clients && i < B.conns; i++) {
        ath_repo_free(ts->clients[i].repo);
        ath_session_close(ts->clients[i].s);
    }
    free(ts->clients);
    free(ts->ctx);
    ath_engine_dispose(ts->engine);
    memset(ts, 0, sizeof *ts);
}

static int threads_open(threads_side *ts, const char *url)
{
    memset(ts, 0, sizeof *ts);
    if (open_engine(&ts->engine, url, false))
        return -1;
    ts->clients = calloc(B.conns, sizeof *ts->clients);
    ts->ctx = calloc(B.conns, sizeof *ts->ctx);
    if (!ts->clients || !ts->ctx)
        return fail_ath("allocating");
    for (size_t i = 0; i < B.conns; i++) {
        if (ath_session_open(&ts->clients[i].s, ts->engine) != ATH_OK ||
            ath_repo_open(&ts->clients[i].repo, ts->clients[i].s, &arow_model) != ATH_OK)
            return fail_ath("opening the sessions");
        ts->ctx[i] = &ts->clients[i];
    }
    return pool_start(&ts->pool, "threads", ts->ctx, B.conns, threads_op);
}

static int threads_round(void *side)
{
    return pool_round(&((threads_side *)side)->pool);
}

/* --- URL parts for the raw clients ------------------------------------------------------------ */

typedef struct target {
    char *host, *user, *password, *dbname;
    int port;
    const char *dialect;
} target;

static int parse_target(target *t, const char *url)
{
    ath_url *u = NULL;
    memset(t, 0, sizeof *t);
    if (ath_url_parse(&u, url) != ATH_OK)
        return fail_ath("parsing the URL");
#define KEEP(x) ((x) ? strdup(x) : NULL)
    const char *d = ath_url_dialect(u);
    t->dialect = strcmp(d, "postgresql") == 0 || strcmp(d, "postgres") == 0 ? "postgresql"
                 : strcmp(d, "mysql") == 0 || strcmp(d, "mariadb") == 0     ? "mysql"
                                                                            : "other";
    t->host = KEEP(ath_url_host(u));
    t->user = KEEP(ath_url_username(u));
    t->password = KEEP(ath_url_password(u));
    t->dbname = KEEP(ath_url_database(u));
    t->port = ath_url_port(u);
#undef KEEP
    ath_url_free(u);
    return 0;
}

static void free_target(target *t)
{
    free(t->host);
    free(t->user);
    free(t->password);
    free(t->dbname);
}

/* --- method: raw PostgreSQL pipeline -----------------------------------------------------------
 */

#ifdef BENCH_HAVE_PG
#define SQL_GET "SELECT id, name, \"value\" FROM bench_async WHERE id = $1"
#define SQL_UPD "UPDATE bench_async SET \"value\" = $2 WHERE id = $1"

typedef struct pgconn {
    PGconn *pg;
    size_t *fifo; /* requests sent, in order */
    size_t head, tail;
    bool want_write;
} pgconn;

typedef struct pg_side {
    pgconn *c;
    size_t n;
    struct pollfd *fds;
} pg_side;

static int pg_fail(PGconn *pg, const char *what, const PGresult *r)
{
    fprintf(stderr, "athanor_async_bench: raw pipeline: %s: %s\n", what,
            r ? PQresultErrorMessage(r) : PQerrorMessage(pg));
    return -1;
}

static void pg_close(pg_side *ps)
{
    for (size_t i = 0; ps->c && i < ps->n; i++) {
        PQfinish(ps->c[i].pg);
        free(ps->c[i].fifo);
    }
    free(ps->c);
    free(ps->fds);
    memset(ps, 0, sizeof *ps);
}

static int pg_open(pg_side *ps, const target *t)
{
    memset(ps, 0, sizeof *ps);
    ps->c = calloc(B.conns, sizeof *ps->c);
    ps->fds = calloc(B.conns, sizeof *ps->fds);
    if (!ps->c || !ps->fds)
        return -1;
    char port[16];
    snprintf(port, sizeof port, "%d", t->port ? t->port : 5432);
    const char *keys[] = {"host", "port", "user", "password", "dbname", "client_encoding", NULL};
    const char *vals[] = {t->host, port, t->user, t->password, t->dbname, "UTF8", NULL};
    static const Oid types[] = {20, 20}; /* int8 */
    for (; ps->n < B.conns; ps->n++) {
        pgconn *c = &ps->c[ps->n];
        c->pg = PQconnectdbParams(keys, vals, 0);
        if (!(c->fifo = calloc(B.conc, sizeof *c->fifo)))
            return -1;
        if (PQstatus(c->pg) != CONNECTION_OK)
            return pg_fail(c->pg, "connect", NULL);
        PGresult *r = PQprepare(c->pg, "get", SQL_GET, 1, types);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            return pg_fail(c->pg, "prepare", r);
        PQclear(r);
        r = PQprepare(c->pg, "upd", SQL_UPD, 2, types);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            return pg_fail(c->pg, "prepare", r);
        PQclear(r);
        if (PQsetnonblocking(c->pg, 1) != 0 || PQenterPipelineMode(c->pg) != 1)
            return pg_fail(c->pg, "pipeline mode", NULL);
    }
    return 0;
}

static void put_be64(char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--, u >>= 8)
        p[i] = (char)(u & 0xff);
}

static int64_t get_be64(const char *p)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = (u << 8) | (unsigned char)p[i];
    return (int64_t)u;
}

/* One result of the request at the head of c's queue. */
static int pg_result(pgconn *c, PGresult *r)
{
    size_t i = c->fifo[c->head];
    const request *q = &B.reqs[i];
    ExecStatusType st = PQresultStatus(r);
    if (q->kind == OP_GET) {
        if (st != PGRES_TUPLES_OK)
            return pg_fail(c->pg, "get", r);
        if (PQntuples(r) != 1 || PQgetlength(r, 0, 0) != 8 || PQgetlength(r, 0, 2) != 8 ||
            !row_ok(i, get_be64(PQgetvalue(r, 0, 0)), PQgetvalue(r, 0, 1),
                    (size_t)PQgetlength(r, 0, 1), get_be64(PQgetvalue(r, 0, 2)))) {
            fprintf(stderr,
                    "athanor_async_bench: raw pipeline: MISMATCH: a get returned another row\n");
            return -1;
        }
    } else if (st != PGRES_COMMAND_OK || strcmp(PQcmdTuples(r), "1") != 0) {
        return pg_fail(c->pg, "update", r);
    }
    complete(i);
    return 0;
}

/* Reads what c has received; returns how many requests completed (-1: failure). */
static int pg_drain(pgconn *c)
{
    int done = 0;
    if (!PQconsumeInput(c->pg))
        return pg_fail(c->pg, "read", NULL);
    while (c->head != c->tail && !PQisBusy(c->pg)) {
        PGresult *r = PQgetResult(c->pg);
        if (!r)
            continue; /* the end of a statement's results */
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_PIPELINE_SYNC) {
            c->head++;
            done++;
        } else if (pg_result(c, r) != 0) {
            PQclear(r);
            return -1;
        }
        PQclear(r);
    }
    return done;
}

static int pg_round(void *side)
{
    pg_side *ps = side;
    char keys[2][8];
    const char *values[2] = {keys[0], keys[1]};
    static const int lengths[2] = {8, 8}, formats[2] = {1, 1};
    for (size_t k = 0; k < ps->n; k++)
        ps->c[k].head = ps->c[k].tail = 0;
    for (size_t i = 0; i < B.conc; i++) {
        pgconn *c = &ps->c[i % ps->n];
        const request *q = &B.reqs[i];
        put_be64(keys[0], q->key);
        put_be64(keys[1], q->value);
        int ok = q->kind == OP_GET
                     ? PQsendQueryPrepared(c->pg, "get", 1, values, lengths, formats, 1)
                     : PQsendQueryPrepared(c->pg, "upd", 2, values, lengths, formats, 1);
        if (!ok || !PQpipelineSync(c->pg))
            return pg_fail(c->pg, "send", NULL);
        c->fifo[c->tail++] = i;
    }
    size_t left = B.conc;
    for (size_t k = 0; k < ps->n; k++) {
        int f = PQflush(ps->c[k].pg);
        if (f < 0)
            return pg_fail(ps->c[k].pg, "flush", NULL);
        ps->c[k].want_write = f == 1;
    }
    while (left > 0) {
        nfds_t nf = 0;
        size_t which[64];
        for (size_t k = 0; k < ps->n && nf < 64; k++) {
            pgconn *c = &ps->c[k];
            if (c->head == c->tail)
                continue;
            ps->fds[nf] = (struct pollfd){PQsocket(c->pg),
                                          (short)(POLLIN | (c->want_write ? POLLOUT : 0)), 0};
            which[nf++] = k;
        }
        if (poll(ps->fds, nf, 60000) <= 0) {
            fprintf(stderr, "athanor_async_bench: raw pipeline: poll failed or timed out\n");
            return -1;
        }
        for (nfds_t f = 0; f < nf; f++) {
            pgconn *c = &ps->c[which[f]];
            if (ps->fds[f].revents & POLLOUT) {
                int fl = PQflush(c->pg);
                if (fl < 0)
                    return pg_fail(c->pg, "flush", NULL);
                c->want_write = fl == 1;
            }
            if (ps->fds[f].revents & (POLLIN | POLLERR | POLLHUP)) {
                int d = pg_drain(c);
                if (d < 0)
                    return -1;
                left -= (size_t)d;
            }
        }
    }
    return 0;
}
#endif

/* --- method: raw MariaDB threads ---------------------------------------------------------------
 */

#ifdef BENCH_HAVE_MYSQL
typedef struct myconn {
    MYSQL *my;
    MYSQL_STMT *get, *upd;
    MYSQL_BIND param[2], result[3];
    int64_t p_key, p_value, r_id, r_value;
    char r_name[64];
    unsigned long r_name_len;
} myconn;

typedef struct my_side {
    myconn *c;
    void **ctx;
    size_t n;
    thread_pool pool;
} my_side;

static int my_fail(MYSQL *my, MYSQL_STMT *st, const char *what)
{
    fprintf(stderr, "athanor_async_bench: raw mysql: %s: %s\n", what,
            st ? mysql_stmt_error(st) : mysql_error(my));
    return -1;
}

static int my_op(void *ctx, size_t i)
{
    myconn *c = ctx;
    const request *q = &B.reqs[i];
    c->p_key = q->key;
    c->p_value = q->value;
    if (q->kind == OP_GET) {
        if (mysql_stmt_execute(c->get) != 0)
            return my_fail(c->my, c->get, "get");
        int rows = 0, rc;
        bool ok = false;
        while ((rc = mysql_stmt_fetch(c->get)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
            if (rows++ == 0)
                ok = rc == 0 && row_ok(i, c->r_id, c->r_name, c->r_name_len, c->r_value);
        }
        if (rc != MYSQL_NO_DATA)
            return my_fail(c->my, c->get, "fetch");
        if (!ok || rows != 1) {
            fprintf(stderr,
                    "athanor_async_bench: raw mysql: MISMATCH: a get returned another row\n");
            return -1;
        }
    } else {
        if (mysql_stmt_execute(c->upd) != 0)
            return my_fail(c->my, c->upd, "update");
        if (mysql_stmt_affected_rows(c->upd) != 1) {
            fprintf(stderr, "athanor_async_bench: raw mysql: an update changed no row\n");
            return -1;
        }
    }
    complete(i);
    return 0;
}

static void my_close(my_side *ms)
{
    pool_stop(&ms->pool);
    for (size_t i = 0; ms->c && i < ms->n; i++) {
        if (ms->c[i].get)
            mysql_stmt_close(ms->c[i].get);
        if (ms->c[i].upd)
            mysql_stmt_close(ms->c[i].upd);
        mysql_close(ms->c[i].my);
    }
    free(ms->c);
    free(ms->ctx);
    memset(ms, 0, sizeof *ms);
}

static int my_open(my_side *ms, const target *t)
{
    memset(ms, 0, sizeof *ms);
    ms->c = calloc(B.conns, sizeof *ms->c);
    ms->ctx = calloc(B.conns, sizeof *ms->ctx);
    if (!ms->c || !ms->ctx)
        return -1;
    for (; ms->n < B.conns; ms->n++) {
        myconn *c = &ms->c[ms->n];
        ms->ctx[ms->n] = c;
        if (!(c->my = mysql_init(NULL)))
            return -1;
        mysql_optionsv(c->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
        if (!mysql_real_connect(c->my, t->host, t->user, t->password, t->dbname,
                                (unsigned)(t->port ? t->port : 3306), NULL, CLIENT_FOUND_ROWS))
            return my_fail(c->my, NULL, "connect");
        /* the session Athanor's driver sets up */
        if (mysql_query(c->my,
                        "SET autocommit = 1, time_zone = '+00:00', sql_mode = "
                        "'STRICT_ALL_TABLES,NO_BACKSLASH_ESCAPES,ANSI_QUOTES,PIPES_AS_CONCAT,"
                        "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
                        "NO_ENGINE_SUBSTITUTION,ONLY_FULL_GROUP_BY,SIMULTANEOUS_ASSIGNMENT', "
                        "collation_connection = 'utf8mb4_bin', SESSION tx_isolation = "
                        "'READ-COMMITTED'") != 0)
            return my_fail(c->my, NULL, "session settings");
        static const char get_sql[] = "SELECT id, name, \"value\" FROM bench_async WHERE id = ?";
        static const char upd_sql[] = "UPDATE bench_async SET \"value\" = ? WHERE id = ?";
        if (!(c->get = mysql_stmt_init(c->my)) ||
            mysql_stmt_prepare(c->get, get_sql, sizeof get_sql - 1) != 0)
            return my_fail(c->my, c->get, "prepare");
        if (!(c->upd = mysql_stmt_init(c->my)) ||
            mysql_stmt_prepare(c->upd, upd_sql, sizeof upd_sql - 1) != 0)
            return my_fail(c->my, c->upd, "prepare");
        c->param[0] = (MYSQL_BIND){.buffer_type = MYSQL_TYPE_LONGLONG, .buffer = &c->p_key};
        c->param[1] = (MYSQL_BIND){.buffer_type = MYSQL_TYPE_LONGLONG, .buffer = &c->p_value};
        MYSQL_BIND upd[2] = {c->param[1], c->param[0]};
        if (mysql_stmt_bind_param(c->get, c->param) || mysql_stmt_bind_param(c->upd, upd))
            return my_fail(c->my, c->get, "bind");
        c->result[0] = (MYSQL_BIND){.buffer_type = MYSQL_TYPE_LONGLONG, .buffer = &c->r_id};
        c->result[1] = (MYSQL_BIND){.buffer_type = MYSQL_TYPE_STRING,
                                    .buffer = c->r_name,
                                    .buffer_length = sizeof c->r_name,
                                    .length = &c->r_name_len};
        c->result[2] = (MYSQL_BIND){.buffer_type = MYSQL_TYPE_LONGLONG, .buffer = &c->r_value};
        if (mysql_stmt_bind_result(c->get, c->result))
            return my_fail(c->my, c->get, "bind result");
    }
    return pool_start(&ms->pool, "raw", ms->ctx, ms->n, my_op);
}

static int my_round(void *side)
{
    return pool_round(&((my_side *)side)->pool);
}
#endif

/* --- timing ------------------------------------------------------------------------------------
 */

typedef struct method {
    const char *name;
    void *side;
    int (*round)(void *side);
    double rate[16], p50[16], p99[16]; /* per repetition */
} method;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, size_t n)
{
    double t[16];
    memcpy(t, v, n * sizeof *t);
    qsort(t, n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* R rounds of one method; the rate and the latencies into slot `rep`. */
static int run_method(method *m, size_t rep, bool mixed, double *lat, ath_engine *check)
{
    double busy = 0;
    size_t nlat = 0;
    for (size_t round = 0; round < B.rounds; round++) {
        plan_round(mixed);
        for (size_t i = 0; i < B.conc; i++)
            B.done_at[i] = -1;
        B.t0 = now();
        if (m->round(m->side) != 0 || B.failed) {
            fprintf(stderr, "athanor_async_bench: %s failed\n", m->name);
            return -1;
        }
        double t1 = now();
        busy += t1 - B.t0;
        for (size_t i = 0; i < B.conc; i++) {
            if (B.done_at[i] < 0) {
                fprintf(stderr, "athanor_async_bench: %s: request %zu never completed\n", m->name,
                        i);
                return -1;
            }
            lat[nlat++] = (B.done_at[i] - B.t0) * 1e6;
        }
        apply_round();
    }
    if (mixed && check_table(check, m->name) != 0)
        return -1;
    qsort(lat, nlat, sizeof *lat, cmp_double);
    m->rate[rep] = (double)nlat / busy;
    m->p50[rep] = lat[nlat / 2];
    m->p99[rep] = lat[(nlat * 99) / 100];
    return 0;
}

static void print_rate(char *buf, size_t len, double r)
{
    if (r >= 1e6)
        snprintf(buf, len, "%.2fM", r / 1e6);
    else if (r >= 1e3)
        snprintf(buf, len, "%.1fk", r / 1e3);
    else
        snprintf(buf, len, "%.0f", r);
}

static int run_load(const char *backend, method *ms, size_t nm, bool mixed, ath_engine *check)
{
    double *lat = calloc(B.rounds * B.conc, sizeof *lat);
    if (!lat)
        return -1;
    /* warm-up: one round each (connections opened, statements prepared) */
    size_t keep = B.rounds;
    B.rounds = 1;
    for (size_t k = 0; k < nm; k++)
        if (run_method(&ms[k], 0, mixed, lat, check) != 0)
            goto fail;
    B.rounds = keep;
    for (size_t rep = 0; rep < B.reps; rep++)
        for (size_t j = 0; j < nm; j++) {
            size_t k = rep % 2 ? nm - 1 - j : j;
            if (run_method(&ms[k], rep, mixed, lat, check) != 0)
                goto fail;
        }
    free(lat);
    for (size_t k = 0; k < nm; k++) {
        char rate[32];
        print_rate(rate, sizeof rate, median(ms[k].rate, B.reps));
        printf("%-11s %-6s %-9s %10s %10.0f %10.0f", backend, mixed ? "mixed" : "get", ms[k].name,
               rate, median(ms[k].p50, B.reps), median(ms[k].p99, B.reps));
        /* ratios of async to this method: the median of the same repetition's pairs */
        double pair[16];
        for (size_t rep = 0; rep < B.reps; rep++)
            pair[rep] = ms[0].rate[rep] / ms[k].rate[rep];
        if (k == 0)
            printf(" %10s", "-");
        else
            printf(" %10.2f", median(pair, B.reps));
        printf("   [");
        for (size_t rep = 0; rep < B.reps; rep++) {
            print_rate(rate, sizeof rate, ms[k].rate[rep]);
            printf("%s%s", rep ? " " : "", rate);
        }
        printf("]\n");
    }
    fflush(stdout);
    return 0;
fail:
    B.rounds = keep;
    free(lat);
    return -1;
}

static bool wanted(const char *list, const char *name)
{
    if (!list)
        return true;
    size_t n = strlen(name);
    for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
        if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
            return true;
    return false;
}

static int bench_url(const char *url, const char *loads, const char *methods)
{
    target t;
    if (parse_target(&t, url))
        return -1;
    const char *backend = strcmp(t.dialect, "mysql") == 0 ? "mariadb" : t.dialect;
    int rc = -1;
    ath_engine *check = NULL;
    async_side as = {0}, as8 = {0};
    threads_side ts = {0};
#ifdef BENCH_HAVE_PG
    pg_side ps = {0};
#endif
#ifdef BENCH_HAVE_MYSQL
    my_side mys = {0};
#endif
    method ms[MAX_METHODS];
    size_t nm = 0;
    memset(ms, 0, sizeof ms);
    if (strcmp(t.dialect, "other") == 0) {
        fprintf(stderr, "athanor_async_bench: PostgreSQL and MariaDB only (%s)\n", url);
        goto done;
    }
    if (open_engine(&check, url, false) || fill_table(check))
        goto done;
    /* async first: the ratios are async's over each other method's */
    if (async_open(&as, url, B.conc, "async"))
        goto done;
    ms[nm++] = (method){.name = "async", .side = &as, .round = async_round};
    if (wanted(methods, "async8")) {
        if (async_open(&as8, url, B.conns, "async8"))
            goto done;
        ms[nm++] = (method){.name = "async8", .side = &as8, .round = async_round};
    }
    if (wanted(methods, "threads")) {
        if (threads_open(&ts, url))
            goto done;
        ms[nm++] = (method){.name = "threads", .side = &ts, .round = threads_round};
    }
    if (wanted(methods, "raw")) {
#ifdef BENCH_HAVE_PG
        if (strcmp(t.dialect, "postgresql") == 0) {
            if (pg_open(&ps, &t))
                goto done;
            ms[nm++] = (method){.name = "raw", .side = &ps, .round = pg_round};
        }
#endif
#ifdef BENCH_HAVE_MYSQL
        if (strcmp(t.dialect, "mysql") == 0) {
            if (my_open(&mys, &t))
                goto done;
            ms[nm++] = (method){.name = "raw", .side = &mys, .round = my_round};
        }
#endif
    }
    if (wanted(loads, "get") && run_load(backend, ms, nm, false, check))
        goto done;
    if (wanted(loads, "mixed") && run_load(backend, ms, nm, true, check))
        goto done;
    rc = 0;
done:
    async_close(&as);
    async_close(&as8);
    threads_close(&ts);
#ifdef BENCH_HAVE_PG
    pg_close(&ps);
#endif
#ifdef BENCH_HAVE_MYSQL
    my_close(&mys);
#endif
    ath_engine_dispose(check);
    free_target(&t);
    return rc;
}

int main(int argc, char **argv)
{
    B.rows = 10000;
    B.conc = 1000;
    B.rounds = 20;
    B.reps = 3;
    B.conns = 8;
    B.rng = 0x9e3779b97f4a7c15u;
    const char *loads = NULL, *methods = NULL;
    const char *urls[16];
    int nurls = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (strcmp(a, "--rows") == 0 && more)
            B.rows = strtoul(argv[++i], NULL, 10);
        else if (strcmp(a, "--concurrency") == 0 && more)
            B.conc = strtoul(argv[++i], NULL, 10);
        else if (strcmp(a, "--rounds") == 0 && more)
            B.rounds = strtoul(argv[++i], NULL, 10);
        else if (strcmp(a, "--reps") == 0 && more)
            B.reps = strtoul(argv[++i], NULL, 10);
        else if (strcmp(a, "--conns") == 0 && more)
            B.conns = strtoul(argv[++i], NULL, 10);
        else if (strcmp(a, "--load") == 0 && more)
            loads = strcmp(argv[++i], "both") == 0 ? NULL : argv[i];
        else if (strcmp(a, "--methods") == 0 && more)
            methods = argv[++i];
        else if (a[0] != '-' && nurls < 16)
            urls[nurls++] = a;
        else
            nurls = -100;
    }
    if (nurls <= 0 || B.conc < 1 || B.rows < B.conc || B.rounds < 1 || B.reps < 1 || B.reps > 16 ||
        B.conns < 1 || B.conns > 64) {
        fprintf(stderr, "usage: athanor_async_bench [--rows N] [--concurrency C<=N] [--rounds R] "
                        "[--reps K<=16] [--conns P<=64] [--load get|mixed|both] "
                        "[--methods threads,raw] URL…  (PostgreSQL, MariaDB)\n");
        return 2;
    }
    B.expected = calloc(B.rows, sizeof *B.expected);
    B.perm = calloc(B.rows, sizeof *B.perm);
    B.reqs = calloc(B.conc, sizeof *B.reqs);
    B.done_at = calloc(B.conc, sizeof *B.done_at);
    if (!B.expected || !B.perm || !B.reqs || !B.done_at)
        return 1;
    for (size_t i = 0; i < B.rows; i++)
        B.perm[i] = (int64_t)i + 1;
    printf("athanor_async_bench: %zu rows, %zu concurrent requests per round, %zu rounds, "
           "%zu repetitions, %zu connections\n",
           B.rows, B.conc, B.rounds, B.reps, B.conns);
    printf("%-11s %-6s %-9s %10s %10s %10s %10s   %s\n", "backend", "load", "method", "ops/s",
           "p50_us", "p99_us", "async/x", "ops/s per repetition");
    int rc = 0;
    for (int i = 0; i < nurls && rc == 0; i++)
        rc = bench_url(urls[i], loads, methods);
    free(B.expected);
    free(B.perm);
    free(B.reqs);
    free(B.done_at);
    return rc == 0 ? 0 : 1;
}
