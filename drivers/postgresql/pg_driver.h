/* The PostgreSQL driver's private declarations. */
#ifndef ATH_PG_DRIVER_H
#define ATH_PG_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include <athanor/sys/driver.h>

/* Type OIDs from the server's catalog (pg_type.h): fixed since PostgreSQL 7/8, never renumbered. */
enum {
    PG_OID_BOOL = 16,
    PG_OID_BYTEA = 17,
    PG_OID_CHAR = 18,
    PG_OID_NAME = 19,
    PG_OID_INT8 = 20,
    PG_OID_INT2 = 21,
    PG_OID_INT4 = 23,
    PG_OID_TEXT = 25,
    PG_OID_OID = 26,
    PG_OID_JSON = 114,
    PG_OID_FLOAT4 = 700,
    PG_OID_FLOAT8 = 701,
    PG_OID_UNKNOWN = 705,
    PG_OID_BPCHAR = 1042,
    PG_OID_VARCHAR = 1043,
    PG_OID_DATE = 1082,
    PG_OID_TIMESTAMP = 1114,
    PG_OID_TIMESTAMPTZ = 1184,
    PG_OID_NUMERIC = 1700,
    PG_OID_UUID = 2950,
    PG_OID_JSONB = 3802
};

/* libpq refuses any ParameterDescription message longer than 30 000 bytes (it is not one of the
 * message types it believes can be long) and drops the connection: a statement with more
 * parameters than this cannot be described, so it runs with server-inferred types instead. */
#define PG_DESCRIBE_MAX_PARAMS 7498

/* PostgreSQL counts timestamps from 2000-01-01; Athanor from 1970-01-01. */
#define PG_EPOCH_DAYS 10957
#define PG_EPOCH_USEC INT64_C(946684800000000)
#define US_PER_DAY    (INT64_C(86400) * INT64_C(1000000))

struct ath_dconn {
    PGconn *pg;
    const ath_driver_host *host;
    unsigned long next_id;  /* statement names: ath_1, ath_2… */
    struct ath_dstmt *wire; /* the statement whose results are still arriving, if any */
    char *dealloc;          /* "DEALLOCATE ath_3;DEALLOCATE ath_9;" waiting to be sent */
    size_t dealloc_len, dealloc_cap;
    bool lost; /* PQstatus said CONNECTION_BAD: every call fails with ATH_ECONNLOST */
    bool unnamed; /* prepared_statements=unnamed: every execution parses its SQL again in the
                     unnamed statement (Parse+Bind+Execute+Sync), nothing named outlives a
                     Sync: what a transaction-mode pooler (pgbouncer) needs */
    bool nb;        /* io=nonblocking (ATH_CONNECT_NONBLOCKING): libpq in non-blocking mode, every
                       wait through host->wait() (nb.c) */
    int nb_failed;  /* ATH_ECANCELED or ATH_ECONNLOST when a wait of the non-blocking path gave
                       up (lost is then set too): nothing touches the socket again */
    bool nb_encrypted; /* the non-blocking path over TLS or GSS: each read is made twice (nb.c) */

    /* pipeline mode (pipeline.c): several async operations share the connection */
    bool pipe;                           /* pg_pipeline(on) */
    struct pg_ticket *pq_head, *pq_tail; /* sent segments whose results are not read, in order */
    struct pg_ticket *pq_free;           /* tickets to reuse */
    struct pg_named *named;              /* named statements on the server, by SQL text */
};

/* One segment sent in pipeline mode (its statement's messages and a Sync), owed its results. */
typedef struct pg_ticket {
    struct pg_ticket *next;
    void *waiter;   /* host->waiter() of the operation that reads it; NULL when abandoned */
    bool abandoned; /* its operation was cancelled: whoever leads next reads and drops it */
} pg_ticket;

/* A named statement on the server, shared by every ath_dstmt prepared from the same SQL on the
 * connection (a second, concurrent user of a cached statement costs no Parse). */
typedef struct pg_named {
    struct pg_named *next;
    uint64_t hash;
    char *sql;
    char name[32];
    PGresult *desc;       /* Describe's answer, owned here */
    int refs;             /* statements using it, plus operations waiting for it */
    bool linked;          /* found by SQL (false once its creator went or its Parse failed) */
    bool ready;           /* prepared and described */
    bool prepared;        /* the server holds it: DEALLOCATE when the last reference goes */
    struct ath_dstmt *creator; /* the statement whose prepare made it */
    void **waiters;       /* operations suspended until its prepare finishes (pipeline mode) */
    size_t nwaiters, capwaiters;
} pg_named;

/* A conversion buffer for one result column: its text form when the value is not already text. */
typedef struct pg_colbuf {
    char *heap; /* grown for numeric and bytea conversions */
    size_t cap;
    char small[64]; /* numbers, timestamps, uuids */
} pg_colbuf;

struct ath_dstmt {
    struct ath_dconn *conn;
    char name[32];   /* "" in unnamed mode */
    char *sql;       /* unnamed mode: the text parsed again at each execution */
    Oid *types;      /* unnamed mode, described: the parameter types Describe gave */
    bool checked;    /* unnamed mode: this execution's columns were compared with Describe's */
    PGresult *desc; /* Describe: parameter and column types, column names (or, for a statement
                       not described, the columns of its first result) */
    bool described; /* parameter types known: false above PG_DESCRIBE_MAX_PARAMS parameters */
    int nparams, ncols;
    int result_format; /* 1 binary when every column has a binary decoder here, else 0 text */
    bool stream;       /* a query (SELECT, WITH…): rows in single-row mode, memory bounded. A
                          write's RETURNING rows come as one result: as many as the rows it
                          wrote, and a PGresult per row would cost more than the rows */

    /* parameters: arrays handed to PQsendQueryPrepared, 16-byte slots for binary scalars */
    const char **values;
    int *lengths;
    int *formats;
    unsigned char (*slots)[16];
    char *scratch; /* NUL-terminated copies and formatted text, rebuilt per execute */
    size_t scratch_cap;

    /* rows */
    bool rows_open; /* execute() returned rows that step() has not read to the end */
    bool primed;      /* execute() already moved to the first row: step() returns it */
    PGresult *cur;    /* the result holding the current row */
    int row;          /* index of the current row in cur */
    PGresult **queue; /* results read ahead when another command needed the connection */
    size_t qhead, qlen, qcap;
    bool overflow; /* rows were lost reading ahead (out of memory): the next step says so */
    bool cut;      /* the non-blocking path gave the connection up before the last result:
                      the next step says so, never a silent end */
    int64_t changes;
    pg_colbuf *cols;
    pg_named *named; /* the server statement it uses (named mode, described), desc owned there */
};

/* copy.c */
int pg_bulk_insert(ath_dconn *conn, const char *table, const char *const *columns, size_t ncols,
                   const ath_value *values, size_t nrows);

/* nb.c: the non-blocking twins of libpq's blocking calls, for conn->nb. Each waits only
 * through host->wait(); a cancelled wait (ATH_ECANCELED) or a lost connection sets
 * conn->nb_failed and conn->lost, records the error, and the connection is not touched again. */
/** PQconnectPoll until connected (then PQsetnonblocking), failed or `timeout_ms` (<= 0: no
 *  limit, restarted per host as libpq's connect_timeout) passed. ATH_OK; ATH_ECONNECT, not
 *  recorded, with *why NULL (PQerrorMessage says why) or the reason; ATH_ECANCELED recorded. */
int pg_nb_connect(ath_dconn *conn, int64_t timeout_ms, const char **why);
/** Sends what libpq holds (PQflush), reading meanwhile. ATH_OK or the failure, recorded. */
int pg_nb_flush(ath_dconn *conn);
/** PQgetResult once it cannot block; NULL at the end or when conn->nb_failed. */
PGresult *pg_nb_get_result(ath_dconn *conn);
/** PQexec's twin: PQsendQuery, flush, the last result or the first COPY one; NULL when not
 *  sent (PQerrorMessage) or when conn->nb_failed. */
PGresult *pg_nb_exec(ath_dconn *conn, const char *sql);
/** PQputCopyData (data != NULL) or PQputCopyEnd(end_error), flushed: 1 or -1. */
int pg_nb_put_copy(ath_dconn *conn, const char *data, int len, const char *end_error);
/** PQgetCopyData's twin: > 0 a row in *buf, -1 the end, -2 an error (or conn->nb_failed). */
int pg_nb_get_copy(ath_dconn *conn, char **buf);
/** Records ATH_ECANCELED: "cancelled while waiting for the server". */
int pg_nb_cancelled(ath_dconn *conn);
/** Gives the connection up (rc ATH_ECANCELED, else lost): nb_failed and lost set, recorded. */
int pg_nb_give_up(ath_dconn *conn, int rc);
/** PQconsumeInput (twice over TLS/GSS); ATH_OK or the connection given up. */
int pg_nb_consume(ath_dconn *conn);

/* pipeline.c: pipeline mode (ath_driver.pipeline) */
int pg_pipeline(ath_dconn *conn, bool on);
/**
 * After the caller queued one segment (its messages and PQpipelineSync): waits for its turn
 * (segments sent before it are read first, by their own operations), then reads its results up
 * to the Sync, keeping at most `max` of them in `res` (*n of them; the others are cleared).
 * ATH_OK; ATH_ECANCELED (recorded; the segment is left to be read and dropped by whoever reads
 * next); ATH_ECONNLOST (every segment in flight fails with it).
 */
int pg_pipe_collect(ath_dconn *conn, PGresult **res, int max, int *n);
/** The queued segment could not be completed (a send failed half-way): the connection is given
 *  up, every segment in flight fails with ATH_ECONNLOST. */
int pg_pipe_lose(ath_dconn *conn);
/** Frees the tickets (the connection closes). */
void pg_pipe_free(ath_dconn *conn);

/* One call site per libpq call, whichever path the connection takes: the blocking call itself,
 * or its twin above. */
static inline PGresult *pg_result(ath_dconn *conn)
{
    return conn->nb ? pg_nb_get_result(conn) : PQgetResult(conn->pg);
}
static inline PGresult *pg_exec_sql(ath_dconn *conn, const char *sql)
{
    return conn->nb ? pg_nb_exec(conn, sql) : PQexec(conn->pg, sql);
}
/** After a PQsend*: blocking libpq has flushed already; the non-blocking path flushes here. */
static inline int pg_flush(ath_dconn *conn)
{
    return conn->nb ? pg_nb_flush(conn) : ATH_OK;
}

/* connect.c */
/** The driver's own URL option (not a libpq keyword), with its accepted values. */
#define PG_OPT_STATEMENTS "prepared_statements"
int pg_check(const ath_connect_params *params, const ath_driver_host *host);
int pg_connect(ath_dconn **out, const ath_connect_params *params, const ath_driver_host *host,
               ath_conn_info *info);
void pg_close(ath_dconn *conn);
int pg_ping(ath_dconn *conn);
int pg_exec(ath_dconn *conn, const char *sql);
int pg_last_insert_id(ath_dconn *conn, int64_t *out);

/* statement.c */
int pg_prepare(ath_dconn *conn, const char *sql, size_t nparams, ath_dstmt **out);
void pg_finalize(ath_dstmt *stmt);
int pg_execute(ath_dstmt *stmt, const ath_value *params, size_t nparams);
int pg_step(ath_dstmt *stmt);
int pg_column_count(ath_dstmt *stmt);
const char *pg_column_name(ath_dstmt *stmt, int i);
int pg_column(ath_dstmt *stmt, int i, ath_type want, ath_value *out);
int64_t pg_changes(ath_dstmt *stmt);
void pg_reset(ath_dstmt *stmt);
/** Reads ahead whatever results are still arriving for another statement, freeing the wire. */
void pg_take_wire(ath_dconn *conn);
/** True for a COPY result; pg_end_copy() ends that COPY (refusing its input, discarding its
 *  output) so the connection stays usable. */
bool pg_is_copy(const PGresult *r);
void pg_end_copy(ath_dconn *conn, const PGresult *r);
/** PQgetResult, ending any COPY a statement started, so the connection stays usable. */
PGresult *pg_get_result(ath_dconn *conn);
/** Sends the DEALLOCATEs of finalized statements when no transaction is open. */
void pg_flush_deallocations(ath_dconn *conn);

/* Network byte order. */
static inline void pg_put_be(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}
static inline uint64_t pg_get_be(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    return v;
}

/* params.c */
/** Upper bound of scratch bytes pg_encode_param needs for `v`. */
size_t pg_param_scratch(const ath_value *v);
/**
 * Encodes `v` for a parameter the server typed `oid`: sets *value, *length, *format, using `slot`
 * for binary scalars and `*scratch` (advanced) for text. Returns ATH_OK or ATH_EINVAL (host->fail
 * called, naming parameter `index` counted from 1).
 */
int pg_encode_param(const ath_driver_host *host, int index, Oid oid, const ath_value *v,
                    unsigned char slot[16], char **scratch, const char **value, int *length,
                    int *format);

/* columns.c */
/** True when results of type `oid` are decoded from the binary format here. */
bool pg_binary_result_type(Oid oid);
/** Writes `d` as PostgreSQL prints a float8 (shortest exact text, NaN, Infinity). */
int pg_format_double(double d, char *buf, size_t size);
/** Reads column i of the current row as `want` (see ath_driver.column). */
int pg_decode_column(ath_dstmt *st, int i, ath_type want, ath_value *out);

/* errors.c */
/**
 * Reports a failed result (or, with res NULL, the connection's last error): SQLSTATE, constraint,
 * message; ATH_ECONNLOST when the connection is gone. `doing` ("preparing") may be NULL.
 */
int pg_fail(ath_dconn *conn, const PGresult *res, const char *doing);
/** ATH_ECONNLOST for a connection already known to be lost. */
int pg_fail_lost(ath_dconn *conn);

#endif
