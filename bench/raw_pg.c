/*
 * The raw PostgreSQL side: libpq as a careful C programmer would use it. Statements are prepared
 * once per connection with their parameter types and run with PQexecPrepared; parameters and
 * results travel in binary (no number formatting or parsing); every operation is one
 * transaction. Bulk operations are measured several ways — multi-row VALUES, COPY (text and
 * binary), pipeline mode, arrays — and the fastest counts as "raw".
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define COLS       "id, name, qty, price, created"
#define SELECT_ALL "SELECT " COLS " FROM bench_item"
#define PG_EPOCH   INT64_C(946684800000000) /* 2000-01-01 in Unix microseconds */

/* OIDs */
#define INT8        20
#define INT4        23
#define VARCHAR     1043
#define FLOAT8      701
#define TIMESTAMPTZ 1184
#define INT8ARRAY   1016

#define CHUNK    1000 /* rows per multi-row statement (the size Athanor uses too) */
#define PIPELINE 1000 /* statements per pipeline sync */

struct raw_conn {
    PGconn *pg;
    unsigned prepared; /* bit per statement below */
    char error[1024];
};

enum {
    P_INSERT_RET,
    P_INSERT,
    P_INSERT_CHUNK,
    P_INSERT_CHUNK_RET,
    P_GET,
    P_LIST,
    P_UPDATE,
    P_UPDATE_CHUNK,
    P_UPDATE_FIELDS,
    P_UPDATE_FIELDS_CHUNK,
    P_UPSERT,
    P_UPSERT_CHUNK,
    P_DELETE_ANY,
    P_DELETE_CHUNK,
    P_COUNT,
    P_PAGE,
    P__COUNT
};

static const char *const names[P__COUNT] = {"ins_ret", "ins",         "ins_chunk", "ins_chunk_ret",
                                            "get",     "list",        "upd",       "upd_chunk",
                                            "upd_f",   "upd_f_chunk", "ups",       "ups_chunk",
                                            "del_any", "del_in",      "count",     "page"};

static int fail(raw_conn *c, const char *what, const PGresult *r)
{
    snprintf(c->error, sizeof c->error, "%s: %s", what,
             r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg));
    return -1;
}

static const char *error_text(raw_conn *c)
{
    return c->error;
}

/* Runs a command, expecting `want`; clears the result. */
static int command(raw_conn *c, PGresult *r, ExecStatusType want, const char *what)
{
    int rc = PQresultStatus(r) == want ? 0 : fail(c, what, r);
    PQclear(r);
    return rc;
}

static int exec(raw_conn *c, const char *sql)
{
    return command(c, PQexec(c->pg, sql), PGRES_COMMAND_OK, sql);
}

/* --- binary values ------------------------------------------------------------------------- */

static void put32(char *p, uint32_t v)
{
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
}

static void put64(char *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

static uint32_t get32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

static uint64_t get64(const char *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static uint64_t double_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double bits_double(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* Parameter arrays for up to CHUNK rows of 5 values; scalars in 8-byte slots. */
typedef struct params {
    const char *values[CHUNK * 5];
    int lengths[CHUNK * 5];
    int formats[CHUNK * 5];
    char slots[CHUNK * 5][8];
    int n;
} params;

static void p_i64(params *p, int64_t v)
{
    put64(p->slots[p->n], (uint64_t)v);
    p->values[p->n] = p->slots[p->n];
    p->lengths[p->n] = 8;
    p->formats[p->n++] = 1;
}

static void p_i32(params *p, int32_t v)
{
    put32(p->slots[p->n], (uint32_t)v);
    p->values[p->n] = p->slots[p->n];
    p->lengths[p->n] = 4;
    p->formats[p->n++] = 1;
}

static void p_text(params *p, const char *s)
{
    p->values[p->n] = s; /* the binary form of text is its bytes */
    p->lengths[p->n] = (int)strlen(s);
    p->formats[p->n++] = 1;
}

static void p_fields(params *p, const bench_item *it)
{
    p_text(p, it->name);
    p_i32(p, it->qty);
    p_i64(p, (int64_t)double_bits(it->price));
    p_i64(p, it->created - PG_EPOCH);
}

/* update_many_fields' row: id, qty, price. */
static void p_partial(params *p, const bench_item *it)
{
    p_i64(p, it->id);
    p_i32(p, it->qty);
    p_i64(p, (int64_t)double_bits(it->price));
}

/* --- statements ---------------------------------------------------------------------------- */

/* "head VALUES ($1::t, …), …" for rows × the types in `types` (a cast on the first row only). */
static char *values_sql(const char *head, const char *const *types, int per_row, int rows,
                        const char *tail)
{
    size_t cap = strlen(head) + strlen(tail) + (size_t)rows * (size_t)per_row * 24 + 64;
    char *sql = malloc(cap), *p = sql;
    if (!sql)
        return NULL;
    p += sprintf(p, "%s", head);
    int n = 1;
    for (int r = 0; r < rows; r++) {
        p += sprintf(p, "%s(", r ? ", " : " ");
        for (int i = 0; i < per_row; i++)
            p += sprintf(p, "%s$%d%s%s", i ? ", " : "", n++, r == 0 && types ? "::" : "",
                         r == 0 && types ? types[i] : "");
        *p++ = ')';
    }
    strcpy(p, tail);
    return sql;
}

#define UPSERT_TAIL                                                                                \
    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, qty = excluded.qty, price = "           \
    "excluded.price, created = excluded.created"

static const char *const field_casts[] = {"varchar", "int4", "float8", "timestamptz"};
static const char *const row_casts[] = {"int8", "varchar", "int4", "float8", "timestamptz"};
/* update_many_fields: qty and price of each row by id, as UPDATE … FROM (VALUES …). */
static const char *const fields_row_casts[] = {"int8", "int4", "float8"};
#define UPDATE_FIELDS_HEAD "UPDATE bench_item AS t SET qty = v.qty, price = v.price FROM (VALUES"
#define UPDATE_FIELDS_TAIL ") AS v (id, qty, price) WHERE t.id = v.id"
static const Oid fields_types[] = {VARCHAR, INT4, FLOAT8, TIMESTAMPTZ};
static const Oid row_types[] = {INT8, VARCHAR, INT4, FLOAT8, TIMESTAMPTZ};

/* Prepares statement `which` on first use. */
static int prepare(raw_conn *c, int which)
{
    if (c->prepared & (1u << which))
        return 0;
    char *owned = NULL;
    const char *sql = NULL;
    int nparams = 0;
    const Oid *types = NULL;
    Oid *many = NULL;
    switch (which) {
    case P_INSERT_RET:
    case P_INSERT:
        sql = which == P_INSERT ? "INSERT INTO bench_item (name, qty, price, created) VALUES "
                                  "($1, $2, $3, $4)"
                                : "INSERT INTO bench_item (name, qty, price, created) VALUES "
                                  "($1, $2, $3, $4) RETURNING id";
        nparams = 4;
        types = fields_types;
        break;
    case P_INSERT_CHUNK:
    case P_INSERT_CHUNK_RET:
        sql = owned =
            values_sql("INSERT INTO bench_item (name, qty, price, created) VALUES", field_casts, 4,
                       CHUNK, which == P_INSERT_CHUNK ? "" : " RETURNING id");
        nparams = 4 * CHUNK;
        break;
    case P_GET:
        sql = SELECT_ALL " WHERE id = $1";
        nparams = 1;
        types = row_types;
        break;
    case P_LIST:
        sql = SELECT_ALL;
        break;
    case P_UPDATE:
        sql = "UPDATE bench_item SET name = $2, qty = $3, price = $4, created = $5 WHERE id = $1";
        nparams = 5;
        types = row_types;
        break;
    case P_UPDATE_CHUNK:
        sql = owned = values_sql("UPDATE bench_item AS t SET name = v.name, qty = v.qty, price = "
                                 "v.price, created = v.created FROM (VALUES",
                                 row_casts, 5, CHUNK,
                                 ") AS v (id, name, qty, price, created) WHERE t.id = v.id");
        nparams = 5 * CHUNK;
        break;
    case P_UPDATE_FIELDS: {
        static const Oid three[] = {INT8, INT4, FLOAT8};
        sql = "UPDATE bench_item SET qty = $2, price = $3 WHERE id = $1";
        nparams = 3;
        types = three;
        break;
    }
    case P_UPDATE_FIELDS_CHUNK:
        sql = owned =
            values_sql(UPDATE_FIELDS_HEAD, fields_row_casts, 3, CHUNK, UPDATE_FIELDS_TAIL);
        nparams = 3 * CHUNK;
        break;
    case P_UPSERT:
        sql = "INSERT INTO bench_item (" COLS ") VALUES ($1, $2, $3, $4, $5)" UPSERT_TAIL;
        nparams = 5;
        types = row_types;
        break;
    case P_UPSERT_CHUNK:
        sql = owned = values_sql("INSERT INTO bench_item (" COLS ") VALUES", row_casts, 5, CHUNK,
                                 UPSERT_TAIL);
        nparams = 5 * CHUNK;
        break;
    case P_DELETE_ANY: {
        static const Oid array[] = {INT8ARRAY};
        sql = "DELETE FROM bench_item WHERE id = ANY($1)";
        nparams = 1;
        types = array;
        break;
    }
    case P_DELETE_CHUNK:
        sql = owned = values_sql("DELETE FROM bench_item WHERE id IN (", NULL, 1, CHUNK, ")");
        if (owned) /* "IN ( ($1), ($2)…)": row constructors of one value are the values */
            nparams = CHUNK;
        if (!(many = malloc(CHUNK * sizeof *many))) {
            free(owned);
            return -1;
        }
        for (int i = 0; i < CHUNK; i++)
            many[i] = INT8;
        types = many;
        break;
    case P_COUNT: {
        static const Oid two[] = {INT4, INT4};
        sql = "SELECT COUNT(*) FROM bench_item WHERE qty >= $1 AND qty < $2";
        nparams = 2;
        types = two;
        break;
    }
    default: {
        static const Oid one[] = {INT4};
        sql = SELECT_ALL " WHERE qty = $1 ORDER BY name, id LIMIT 20 OFFSET 20";
        nparams = 1;
        types = one;
        break;
    }
    }
    int rc = sql ? command(c, PQprepare(c->pg, names[which], sql, nparams, types), PGRES_COMMAND_OK,
                           names[which])
                 : -1;
    free(owned);
    free(many);
    if (rc == 0)
        c->prepared |= 1u << which;
    return rc;
}

static PGresult *run(raw_conn *c, int which, const params *p, int result_format)
{
    return PQexecPrepared(c->pg, names[which], p ? p->n : 0, p ? p->values : NULL,
                          p ? p->lengths : NULL, p ? p->formats : NULL, result_format);
}

/* Runs `which` (prepared) or, for a shorter tail, the same text unnamed; expects `want`. */
static PGresult *run_rows(raw_conn *c, int which, const params *p, int rows, const char *head,
                          const char *const *casts, int per_row, const char *tail)
{
    if (rows == CHUNK)
        return run(c, which, p, 1);
    char *sql = values_sql(head, casts, per_row, rows, tail);
    PGresult *r = PQexecParams(c->pg, sql, p->n, NULL, p->values, p->lengths, p->formats, 1);
    free(sql);
    return r;
}

static int raw_open(raw_conn **out, const bench_target *t)
{
    raw_conn *c = calloc(1, sizeof *c);
    *out = c;
    if (!c)
        return -1;
    char port[16];
    snprintf(port, sizeof port, "%d", t->port ? t->port : 5432);
    const char *keys[] = {"host", "port", "user", "password", "dbname", "client_encoding", NULL};
    const char *vals[] = {t->host, port, t->user, t->password, t->dbname, "UTF8", NULL};
    c->pg = PQconnectdbParams(keys, vals, 0);
    if (PQstatus(c->pg) != CONNECTION_OK)
        return fail(c, "connect", NULL);
    return 0;
}

static void raw_close(raw_conn *c)
{
    if (!c)
        return;
    PQfinish(c->pg);
    free(c);
}

static int query2(raw_conn *c, const char *sql, int64_t *a, int64_t *b)
{
    PGresult *r = PQexec(c->pg, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        return command(c, r, PGRES_FATAL_ERROR, sql);
    *a = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    *b = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    PQclear(r);
    return 0;
}

/* Reads binary row `i` of r (the five columns) into it; the name into `arena` or malloc'd. */
static int read_row(const PGresult *r, int i, bench_item *it, bench_arena *arena)
{
    it->id = (int64_t)get64(PQgetvalue(r, i, 0));
    const char *name = PQgetvalue(r, i, 1);
    size_t len = (size_t)PQgetlength(r, i, 1);
    it->name = bench_copy_name(arena, name, len);
    it->qty = (int32_t)get32(PQgetvalue(r, i, 2));
    it->price = bits_double(get64(PQgetvalue(r, i, 3)));
    it->created = (int64_t)get64(PQgetvalue(r, i, 4)) + PG_EPOCH;
    return it->name ? 0 : -1;
}

/* The same from a text-format row. */
static int read_text_row(const PGresult *r, int i, bench_item *it, bench_arena *arena)
{
    it->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
    it->name = bench_arena_copy(arena, PQgetvalue(r, i, 1), (size_t)PQgetlength(r, i, 1));
    it->qty = (int32_t)strtol(PQgetvalue(r, i, 2), NULL, 10);
    it->price = strtod(PQgetvalue(r, i, 3), NULL);
    /* "2024-01-01 00:00:00.123456+00": the session's TimeZone is UTC on these servers */
    const char *ts = PQgetvalue(r, i, 4);
    size_t len = (size_t)PQgetlength(r, i, 4);
    if (len > 3 && (ts[len - 3] == '+' || ts[len - 3] == '-'))
        len -= 3;
    return it->name && bench_ts_parse(ts, len, &it->created) ? 0 : -1;
}

/* --- operations --------------------------------------------------------------------------- */

static int add_stmt(raw_conn *c, bench_work *w)
{
    params *p = malloc(sizeof *p);
    if (!p || prepare(c, P_INSERT_RET) < 0 || exec(c, "BEGIN") < 0) {
        free(p);
        return -1;
    }
    for (size_t i = 0; i < w->nitems; i++) {
        p->n = 0;
        p_fields(p, &w->items[i]);
        PGresult *r = run(c, P_INSERT_RET, p, 1);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            free(p);
            return command(c, r, PGRES_TUPLES_OK, "insert");
        }
        w->items[i].id = (int64_t)get64(PQgetvalue(r, 0, 0));
        w->check += (uint64_t)w->items[i].id;
        PQclear(r);
    }
    free(p);
    w->rows = (int64_t)w->nitems;
    return exec(c, "COMMIT");
}

static int add_values_common(raw_conn *c, bench_work *w, bool returning)
{
    int which = returning ? P_INSERT_CHUNK_RET : P_INSERT_CHUNK;
    params *p = malloc(sizeof *p);
    if (!p || prepare(c, which) < 0 || exec(c, "BEGIN") < 0) {
        free(p);
        return -1;
    }
    int rc = 0;
    for (size_t done = 0; rc == 0 && done < w->nitems; done += CHUNK) {
        int rows = (int)(w->nitems - done < CHUNK ? w->nitems - done : CHUNK);
        p->n = 0;
        for (int i = 0; i < rows; i++)
            p_fields(p, &w->items[done + (size_t)i]);
        PGresult *r =
            run_rows(c, which, p, rows, "INSERT INTO bench_item (name, qty, price, created) VALUES",
                     field_casts, 4, returning ? " RETURNING id" : "");
        if (!returning) {
            rc = command(c, r, PGRES_COMMAND_OK, "insert");
            continue;
        }
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != rows) {
            rc = command(c, r, PGRES_FATAL_ERROR, "insert returning");
            break;
        }
        /* one statement's keys come from the sequence in row order */
        for (int i = 0; i < rows; i++) {
            w->items[done + (size_t)i].id = (int64_t)get64(PQgetvalue(r, i, 0));
            w->check += (uint64_t)w->items[done + (size_t)i].id;
        }
        PQclear(r);
    }
    free(p);
    w->rows = (int64_t)w->nitems;
    w->no_keys = !returning;
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int add_values(raw_conn *c, bench_work *w)
{
    return add_values_common(c, w, false);
}

static int add_values_returning(raw_conn *c, bench_work *w)
{
    return add_values_common(c, w, true);
}

/* A growable byte buffer for COPY data. */
typedef struct cbuf {
    char *data;
    size_t len, cap;
} cbuf;

static char *cbuf_room(cbuf *b, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1 << 16;
        while (cap < b->len + n)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            return NULL;
        b->data = d;
        b->cap = cap;
    }
    return b->data + b->len;
}

static int copy_flush(raw_conn *c, cbuf *b, bool force)
{
    if (b->len < (1 << 18) && !force)
        return 0;
    if (b->len && PQputCopyData(c->pg, b->data, (int)b->len) != 1)
        return fail(c, "COPY data", NULL);
    b->len = 0;
    return 0;
}

static int copy_end(raw_conn *c, cbuf *b)
{
    int rc = copy_flush(c, b, true);
    if (PQputCopyEnd(c->pg, rc == 0 ? NULL : "failed") != 1)
        rc = fail(c, "COPY end", NULL);
    PGresult *r;
    while ((r = PQgetResult(c->pg))) {
        if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK)
            rc = fail(c, "COPY", r);
        PQclear(r);
    }
    free(b->data);
    return rc;
}

static int copy_begin(raw_conn *c, const char *sql)
{
    return command(c, PQexec(c->pg, sql), PGRES_COPY_IN, sql);
}

/* One row of COPY's binary format: the fields of it (with the key when `with_id`). */
static int copy_binary_row(cbuf *b, const bench_item *it, bool with_id)
{
    size_t len = strlen(it->name);
    char *p = cbuf_room(b, 2 + (with_id ? 12 : 0) + 4 + len + 8 + 12 + 12);
    if (!p)
        return -1;
    char *start = p;
    p[0] = 0;
    p[1] = (char)(with_id ? 5 : 4);
    p += 2;
    if (with_id) {
        put32(p, 8);
        put64(p + 4, (uint64_t)it->id);
        p += 12;
    }
    put32(p, (uint32_t)len);
    memcpy(p + 4, it->name, len);
    p += 4 + len;
    put32(p, 4);
    put32(p + 4, (uint32_t)it->qty);
    p += 8;
    put32(p, 8);
    put64(p + 4, double_bits(it->price));
    p += 12;
    put32(p, 8);
    put64(p + 4, (uint64_t)(it->created - PG_EPOCH));
    p += 12;
    b->len += (size_t)(p - start);
    return 0;
}

static const char copy_header[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";

static int copy_binary_rows(raw_conn *c, const bench_item *items, size_t n, bool with_id)
{
    cbuf b = {0};
    char *p = cbuf_room(&b, sizeof copy_header);
    if (!p)
        return -1;
    memcpy(p, copy_header, sizeof copy_header);
    b.len = sizeof copy_header;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if ((rc = copy_binary_row(&b, &items[i], with_id)) == 0)
            rc = copy_flush(c, &b, false);
    if (rc == 0 && (p = cbuf_room(&b, 2))) {
        p[0] = p[1] = (char)0xff; /* trailer: -1 */
        b.len += 2;
    }
    return copy_end(c, &b) == 0 && rc == 0 ? 0 : -1;
}

static int add_copy_binary(raw_conn *c, bench_work *w)
{
    if (exec(c, "BEGIN") < 0 ||
        copy_begin(c, "COPY bench_item (name, qty, price, created) FROM STDIN (FORMAT binary)") < 0)
        return -1;
    if (copy_binary_rows(c, w->items, w->nitems, false) < 0)
        return -1;
    w->rows = (int64_t)w->nitems;
    w->no_keys = true;
    return exec(c, "COMMIT");
}

/* COPY binary with keys: reserve the keys from the identity sequence first (one round trip; the
 * sequence looked up once, not per row as nextval(pg_get_serial_sequence(…)) would). */
static int add_copy_binary_keys(raw_conn *c, bench_work *w)
{
    char sql[240];
    snprintf(sql, sizeof sql,
             "WITH s AS MATERIALIZED (SELECT CAST(pg_get_serial_sequence('bench_item', 'id') AS "
             "regclass) AS seq) SELECT nextval(s.seq) FROM s, generate_series(1, %zu)",
             w->nitems);
    if (exec(c, "BEGIN") < 0)
        return -1;
    PGresult *r = PQexecParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || (size_t)PQntuples(r) != w->nitems)
        return command(c, r, PGRES_FATAL_ERROR, "reserving keys");
    for (size_t i = 0; i < w->nitems; i++) {
        w->items[i].id = (int64_t)get64(PQgetvalue(r, (int)i, 0));
        w->check += (uint64_t)w->items[i].id;
    }
    PQclear(r);
    if (copy_begin(c, "COPY bench_item (" COLS ") FROM STDIN (FORMAT binary)") < 0 ||
        copy_binary_rows(c, w->items, w->nitems, true) < 0)
        return -1;
    w->rows = (int64_t)w->nitems;
    return exec(c, "COMMIT");
}

static int add_copy_text(raw_conn *c, bench_work *w)
{
    if (exec(c, "BEGIN") < 0 ||
        copy_begin(c, "COPY bench_item (name, qty, price, created) FROM STDIN") < 0)
        return -1;
    cbuf b = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < w->nitems; i++) {
        const bench_item *it = &w->items[i];
        size_t len = strlen(it->name);
        char *p = cbuf_room(&b, len * 2 + 96);
        if (!p) {
            rc = -1;
            break;
        }
        char *start = p;
        for (const char *s = it->name; *s; s++) { /* COPY text escapes */
            if (*s == '\\' || *s == '\t' || *s == '\n' || *s == '\r')
                *p++ = '\\';
            *p++ = *s == '\t' ? 't' : *s == '\n' ? 'n' : *s == '\r' ? 'r' : *s;
        }
        p += sprintf(p, "\t%d\t%.17g\t", (int)it->qty, it->price);
        bench_ts_format(it->created, p);
        memcpy(p + 26, "+00\n", 4);
        p += 30;
        b.len += (size_t)(p - start);
        rc = copy_flush(c, &b, false);
    }
    if (copy_end(c, &b) < 0 || rc < 0)
        return -1;
    w->rows = (int64_t)w->nitems;
    w->no_keys = true;
    return exec(c, "COMMIT");
}

/* Pipeline mode: statement `which` once per item ([id,] fields; P_UPDATE_FIELDS: id, qty,
 * price), a sync every PIPELINE statements. */
static int pipeline_rows(raw_conn *c, bench_work *w, int which, bool with_id, int64_t *changed)
{
    params *p = malloc(sizeof *p);
    if (!p || prepare(c, which) < 0 || exec(c, "BEGIN") < 0 || !PQenterPipelineMode(c->pg)) {
        free(p);
        return p ? fail(c, "pipeline", NULL) : -1;
    }
    int rc = 0;
    for (size_t done = 0; rc == 0 && done < w->nitems; done += PIPELINE) {
        size_t rows = w->nitems - done < PIPELINE ? w->nitems - done : PIPELINE;
        for (size_t i = 0; rc == 0 && i < rows; i++) {
            const bench_item *it = &w->items[done + i];
            p->n = 0;
            if (which == P_UPDATE_FIELDS) {
                p_partial(p, it);
            } else {
                if (with_id)
                    p_i64(p, it->id);
                p_fields(p, it);
            }
            if (!PQsendQueryPrepared(c->pg, names[which], p->n, p->values, p->lengths, p->formats,
                                     1))
                rc = fail(c, "pipeline send", NULL);
        }
        if (rc == 0 && !PQpipelineSync(c->pg))
            rc = fail(c, "pipeline sync", NULL);
        /* each statement's result, then NULL; finally the sync */
        for (;;) {
            PGresult *r = PQgetResult(c->pg);
            if (!r) {
                if (PQstatus(c->pg) != CONNECTION_OK) {
                    rc = fail(c, "pipeline", NULL);
                    break;
                }
                continue;
            }
            ExecStatusType s = PQresultStatus(r);
            if (s == PGRES_PIPELINE_SYNC) {
                PQclear(r);
                break;
            }
            if (s == PGRES_COMMAND_OK)
                *changed += strtoll(PQcmdTuples(r), NULL, 10);
            else if (rc == 0)
                rc = fail(c, "pipelined statement", r);
            PQclear(r);
        }
    }
    free(p);
    if (!PQexitPipelineMode(c->pg) && rc == 0)
        rc = fail(c, "pipeline exit", NULL);
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int add_pipeline(raw_conn *c, bench_work *w)
{
    w->no_keys = true;
    w->rows = (int64_t)w->nitems;
    int64_t changed = 0;
    return pipeline_rows(c, w, P_INSERT, false, &changed);
}

static int get_stmt(raw_conn *c, bench_work *w)
{
    params p1;
    if (prepare(c, P_GET) < 0 || exec(c, "BEGIN") < 0)
        return -1;
    for (size_t i = 0; i < w->nkeys; i++) {
        p1.n = 0;
        p_i64(&p1, w->keys[i]);
        PGresult *r = run(c, P_GET, &p1, 1);
        bench_item it;
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
            read_row(r, 0, &it, NULL) < 0)
            return command(c, r, PGRES_FATAL_ERROR, "get");
        PQclear(r);
        w->check = bench_fold(w->check, bench_item_hash(&it));
        free(it.name);
        w->rows++;
    }
    return exec(c, "COMMIT");
}

/* Every row of a whole result (binary or text) into a bench_rows. */
static int list_whole(raw_conn *c, bench_work *w, int format)
{
    if (prepare(c, P_LIST) < 0 || exec(c, "BEGIN") < 0)
        return -1;
    PGresult *r = run(c, P_LIST, NULL, format);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        return command(c, r, PGRES_TUPLES_OK, "list");
    bench_rows rows = {0};
    int n = PQntuples(r), rc = 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        bench_item *it = bench_rows_push(&rows);
        rc = !it      ? -1
             : format ? read_row(r, i, it, &rows.strings)
                      : read_text_row(r, i, it, &rows.strings);
    }
    PQclear(r);
    bench_fold_rows(w, &rows);
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int list_binary(raw_conn *c, bench_work *w)
{
    return list_whole(c, w, 1);
}

static int list_text(raw_conn *c, bench_work *w)
{
    return list_whole(c, w, 0);
}

/* Single-row mode: rows as they arrive, memory bounded by one row's result. */
static int list_single_row(raw_conn *c, bench_work *w)
{
    if (prepare(c, P_LIST) < 0 || exec(c, "BEGIN") < 0)
        return -1;
    if (!PQsendQueryPrepared(c->pg, names[P_LIST], 0, NULL, NULL, NULL, 1) ||
        !PQsetSingleRowMode(c->pg))
        return fail(c, "list", NULL);
    bench_rows rows = {0};
    int rc = 0;
    PGresult *r;
    while ((r = PQgetResult(c->pg))) {
        ExecStatusType s = PQresultStatus(r);
        if (s == PGRES_SINGLE_TUPLE) {
            bench_item *it = bench_rows_push(&rows);
            if (rc == 0 && (!it || read_row(r, 0, it, &rows.strings) < 0))
                rc = -1;
        } else if (s != PGRES_TUPLES_OK && rc == 0) {
            rc = fail(c, "list", r);
        }
        PQclear(r);
    }
    bench_fold_rows(w, &rows);
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

/* p_fields with the key first: update_many's row (id, name, qty, price, created). */
static void p_keyed(params *p, const bench_item *it)
{
    p_i64(p, it->id);
    p_fields(p, it);
}

/* One prepared UPDATE `which` per row in one transaction; `fill` binds a row's parameters. */
static int update_rows_stmt(raw_conn *c, bench_work *w, int which,
                            void (*fill)(params *, const bench_item *), const char *what)
{
    params *p = malloc(sizeof *p);
    if (!p || prepare(c, which) < 0 || exec(c, "BEGIN") < 0) {
        free(p);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < w->nitems; i++) {
        p->n = 0;
        fill(p, &w->items[i]);
        PGresult *r = run(c, which, p, 1);
        if (PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdTuples(r), "1") == 0)
            w->rows++;
        rc = command(c, r, PGRES_COMMAND_OK, what);
    }
    free(p);
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int update_stmt(raw_conn *c, bench_work *w)
{
    return update_rows_stmt(c, w, P_UPDATE, p_keyed, "update");
}

static int update_pipeline(raw_conn *c, bench_work *w)
{
    return pipeline_rows(c, w, P_UPDATE, true, &w->rows);
}

/* Multi-row statements of `which` with CHUNK rows of (id, fields). */
static int chunked_rows(raw_conn *c, bench_work *w, int which, const char *head, const char *tail)
{
    params *p = malloc(sizeof *p);
    if (!p || prepare(c, which) < 0 || exec(c, "BEGIN") < 0) {
        free(p);
        return -1;
    }
    int rc = 0;
    for (size_t done = 0; rc == 0 && done < w->nitems; done += CHUNK) {
        int rows = (int)(w->nitems - done < CHUNK ? w->nitems - done : CHUNK);
        p->n = 0;
        for (int i = 0; i < rows; i++) {
            p_i64(p, w->items[done + (size_t)i].id);
            p_fields(p, &w->items[done + (size_t)i]);
        }
        PGresult *r = run_rows(c, which, p, rows, head, row_casts, 5, tail);
        if (PQresultStatus(r) == PGRES_COMMAND_OK)
            w->rows += strtoll(PQcmdTuples(r), NULL, 10);
        rc = command(c, r, PGRES_COMMAND_OK, "multi-row statement");
    }
    free(p);
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int update_values(raw_conn *c, bench_work *w)
{
    return chunked_rows(c, w, P_UPDATE_CHUNK,
                        "UPDATE bench_item AS t SET name = v.name, qty = v.qty, price = v.price, "
                        "created = v.created FROM (VALUES",
                        ") AS v (id, name, qty, price, created) WHERE t.id = v.id");
}

/* update_many_fields: qty and price of each row, one prepared statement per row. */
static int update_fields_stmt(raw_conn *c, bench_work *w)
{
    return update_rows_stmt(c, w, P_UPDATE_FIELDS, p_partial, "update fields");
}

static int update_fields_pipeline(raw_conn *c, bench_work *w)
{
    return pipeline_rows(c, w, P_UPDATE_FIELDS, true, &w->rows);
}

/* update_many_fields: CHUNK rows of (id, qty, price) per UPDATE … FROM (VALUES …). */
static int update_fields_values(raw_conn *c, bench_work *w)
{
    params *p = malloc(sizeof *p);
    if (!p || prepare(c, P_UPDATE_FIELDS_CHUNK) < 0 || exec(c, "BEGIN") < 0) {
        free(p);
        return -1;
    }
    int rc = 0;
    for (size_t done = 0; rc == 0 && done < w->nitems; done += CHUNK) {
        int rows = (int)(w->nitems - done < CHUNK ? w->nitems - done : CHUNK);
        p->n = 0;
        for (int i = 0; i < rows; i++)
            p_partial(p, &w->items[done + (size_t)i]);
        PGresult *r = run_rows(c, P_UPDATE_FIELDS_CHUNK, p, rows, UPDATE_FIELDS_HEAD,
                               fields_row_casts, 3, UPDATE_FIELDS_TAIL);
        if (PQresultStatus(r) == PGRES_COMMAND_OK)
            w->rows += strtoll(PQcmdTuples(r), NULL, 10);
        rc = command(c, r, PGRES_COMMAND_OK, "multi-row update fields");
    }
    free(p);
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int upsert_values(raw_conn *c, bench_work *w)
{
    return chunked_rows(c, w, P_UPSERT_CHUNK, "INSERT INTO bench_item (" COLS ") VALUES",
                        UPSERT_TAIL);
}

static int upsert_pipeline(raw_conn *c, bench_work *w)
{
    return pipeline_rows(c, w, P_UPSERT, true, &w->rows);
}

/* COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT. */
static int upsert_copy(raw_conn *c, bench_work *w)
{
    if (exec(c, "BEGIN") < 0 ||
        exec(c, "CREATE TEMPORARY TABLE bench_stage (LIKE bench_item) ON COMMIT DROP") < 0 ||
        copy_begin(c, "COPY bench_stage (" COLS ") FROM STDIN (FORMAT binary)") < 0 ||
        copy_binary_rows(c, w->items, w->nitems, true) < 0)
        return -1;
    PGresult *r = PQexec(c->pg, "INSERT INTO bench_item (" COLS ") SELECT " COLS
                                " FROM bench_stage" UPSERT_TAIL);
    if (PQresultStatus(r) == PGRES_COMMAND_OK)
        w->rows = strtoll(PQcmdTuples(r), NULL, 10);
    if (command(c, r, PGRES_COMMAND_OK, "upsert from stage") < 0)
        return -1;
    return exec(c, "COMMIT");
}

/* DELETE … WHERE id = ANY($1): every key in one binary int8[] parameter. */
static int delete_any(raw_conn *c, bench_work *w)
{
    size_t len = 20 + w->nkeys * 12;
    char *a = malloc(len);
    if (!a || prepare(c, P_DELETE_ANY) < 0 || exec(c, "BEGIN") < 0) {
        free(a);
        return -1;
    }
    put32(a, 1);        /* dimensions */
    put32(a + 4, 0);    /* no NULLs */
    put32(a + 8, INT8); /* element type */
    put32(a + 12, (uint32_t)w->nkeys);
    put32(a + 16, 1); /* lower bound */
    for (size_t i = 0; i < w->nkeys; i++) {
        put32(a + 20 + i * 12, 8);
        put64(a + 24 + i * 12, (uint64_t)w->keys[i]);
    }
    const char *values[1] = {a};
    int lengths[1] = {(int)len}, formats[1] = {1};
    PGresult *r = PQexecPrepared(c->pg, names[P_DELETE_ANY], 1, values, lengths, formats, 1);
    free(a);
    if (PQresultStatus(r) == PGRES_COMMAND_OK)
        w->rows = strtoll(PQcmdTuples(r), NULL, 10);
    if (command(c, r, PGRES_COMMAND_OK, "delete") < 0)
        return -1;
    return exec(c, "COMMIT");
}

static int delete_in(raw_conn *c, bench_work *w)
{
    params *p = malloc(sizeof *p);
    if (!p || prepare(c, P_DELETE_CHUNK) < 0 || exec(c, "BEGIN") < 0) {
        free(p);
        return -1;
    }
    int rc = 0;
    for (size_t done = 0; rc == 0 && done < w->nkeys; done += CHUNK) {
        int rows = (int)(w->nkeys - done < CHUNK ? w->nkeys - done : CHUNK);
        p->n = 0;
        for (int i = 0; i < rows; i++)
            p_i64(p, w->keys[done + (size_t)i]);
        static const char *const int8_cast[] = {"int8"};
        PGresult *r = run_rows(c, P_DELETE_CHUNK, p, rows, "DELETE FROM bench_item WHERE id IN (",
                               int8_cast, 1, ")");
        if (PQresultStatus(r) == PGRES_COMMAND_OK)
            w->rows += strtoll(PQcmdTuples(r), NULL, 10);
        rc = command(c, r, PGRES_COMMAND_OK, "delete");
    }
    free(p);
    return rc == 0 ? exec(c, "COMMIT") : -1;
}

static int count_stmt(raw_conn *c, bench_work *w)
{
    params p2;
    if (prepare(c, P_COUNT) < 0 || exec(c, "BEGIN") < 0)
        return -1;
    for (size_t i = 0; i < w->nqtys; i++) {
        p2.n = 0;
        p_i32(&p2, w->qtys[i]);
        p_i32(&p2, w->qtys[i] + BENCH_COUNT_SPAN);
        PGresult *r = run(c, P_COUNT, &p2, 1);
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
            return command(c, r, PGRES_FATAL_ERROR, "count");
        w->check += get64(PQgetvalue(r, 0, 0));
        w->rows++;
        PQclear(r);
    }
    return exec(c, "COMMIT");
}

static int page_stmt(raw_conn *c, bench_work *w)
{
    params p1;
    if (prepare(c, P_PAGE) < 0 || exec(c, "BEGIN") < 0)
        return -1;
    for (size_t i = 0; i < w->nqtys; i++) {
        p1.n = 0;
        p_i32(&p1, w->qtys[i]);
        PGresult *r = run(c, P_PAGE, &p1, 1);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            return command(c, r, PGRES_TUPLES_OK, "page");
        bench_rows rows = {0};
        int n = PQntuples(r), rc = 0;
        for (int k = 0; rc == 0 && k < n; k++) {
            bench_item *it = bench_rows_push(&rows);
            rc = it ? read_row(r, k, it, &rows.strings) : -1;
        }
        PQclear(r);
        bench_fold_rows(w, &rows);
        if (rc < 0)
            return -1;
    }
    return exec(c, "COMMIT");
}

static int load(raw_conn *c, const char *table, const bench_item *rows, size_t n)
{
    char sql[128];
    snprintf(sql, sizeof sql, "COPY %s (" COLS ") FROM STDIN (FORMAT binary)", table);
    if (exec(c, "BEGIN") < 0 || copy_begin(c, sql) < 0 || copy_binary_rows(c, rows, n, true) < 0)
        return -1;
    return exec(c, "COMMIT");
}

static const raw_method methods[] = {
    {"add", "stmt", add_stmt},
    {"add_many", "values", add_values},
    {"add_many", "values_returning", add_values_returning},
    {"add_many", "copy_text", add_copy_text},
    {"add_many", "copy_binary", add_copy_binary},
    {"add_many", "copy_binary_keys", add_copy_binary_keys},
    {"add_many", "pipeline", add_pipeline},
    {"get", "stmt", get_stmt},
    {"list", "binary", list_binary},
    {"list", "single_row", list_single_row},
    {"list", "text", list_text},
    {"update_many", "stmt", update_stmt},
    {"update_many", "pipeline", update_pipeline},
    {"update_many", "values", update_values},
    {"update_many_fields", "stmt", update_fields_stmt},
    {"update_many_fields", "pipeline", update_fields_pipeline},
    {"update_many_fields", "values", update_fields_values},
    {"upsert_many", "values", upsert_values},
    {"upsert_many", "pipeline", upsert_pipeline},
    {"upsert_many", "copy_merge", upsert_copy},
    {"delete_many", "any", delete_any},
    {"delete_many", "in", delete_in},
    {"count", "stmt", count_stmt},
    {"page", "stmt", page_stmt},
    {NULL, NULL, NULL},
};

const raw_backend raw_pg_backend = {
    .kind = BENCH_POSTGRESQL,
    .library = "libpq",
    .open = raw_open,
    .close = raw_close,
    .exec = exec,
    .query2 = query2,
    .load = load,
    .error = error_text,
    .methods = methods,
};
