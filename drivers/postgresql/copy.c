/* Bulk inserts through COPY … FROM STDIN (FORMAT binary): the fastest way into PostgreSQL when
 * nothing has to be read back (measured in docs/benchmarks.md: 1.5× multi-row INSERT). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pg_driver.h"

/* Column types the binary encoders here write exactly; anything else takes the INSERT path. */
static bool copyable(Oid oid)
{
    switch (oid) {
    case PG_OID_INT2:
    case PG_OID_INT4:
    case PG_OID_INT8:
    case PG_OID_FLOAT8:
    case PG_OID_BOOL:
    case PG_OID_BYTEA:
    case PG_OID_TEXT:
    case PG_OID_VARCHAR:
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ:
    case PG_OID_DATE:
    case PG_OID_UUID:
        return true;
    default:
        return false;
    }
}

typedef struct copy_buf {
    const ath_driver_host *host;
    unsigned char *data;
    size_t len, cap;
    bool oom;
} copy_buf;

static void put(copy_buf *b, const void *p, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *d = b->host->realloc(b->data, cap);
        if (!d) {
            b->oom = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_be(copy_buf *b, uint64_t v, int bytes)
{
    unsigned char t[8];
    pg_put_be(t, v, bytes);
    put(b, t, (size_t)bytes);
}

static void ident(char *out, size_t size, size_t *len, const char *name)
{
    int n = snprintf(out + *len, size - *len, "\"%s\"", name); /* model names: no quotes inside */
    if (n > 0)
        *len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
}

/* The column types of table(columns), from a query that returns no rows. */
static int column_types(ath_dconn *conn, const char *cols, const char *table, size_t ncols,
                        Oid *oids)
{
    char sql[4096];
    snprintf(sql, sizeof sql, "SELECT %s FROM \"%s\" LIMIT 0", cols, table);
    PGresult *res = pg_exec_sql(conn, sql);
    int rc = ATH_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = pg_fail(conn, res, "reading the column types for COPY");
    else if ((size_t)PQnfields(res) != ncols)
        rc = conn->host->fail(ATH_ESQL, NULL, 0, NULL, "COPY: %d columns where %zu were expected",
                              PQnfields(res), ncols);
    for (size_t i = 0; rc == ATH_OK && i < ncols; i++)
        oids[i] = PQftype(res, (int)i);
    PQclear(res);
    return rc;
}

int pg_bulk_insert(ath_dconn *conn, const char *table, const char *const *columns, size_t ncols,
                   const ath_value *values, size_t nrows)
{
    const ath_driver_host *host = conn->host;
    if (conn->lost)
        return pg_fail_lost(conn);
    if (ncols == 0 || ncols > 1600)
        return host->fail(ATH_EUNSUPPORTED, NULL, 0, NULL, "COPY needs 1 to 1600 columns");
    if (conn->pipe)
        return host->fail(ATH_EUNSUPPORTED, NULL, 0, NULL, "no COPY in pipeline mode");
    pg_take_wire(conn);
    pg_flush_deallocations(conn);

    char cols[3072];
    size_t clen = 0;
    cols[0] = '\0';
    for (size_t i = 0; i < ncols; i++) {
        if (i)
            clen += (size_t)snprintf(cols + clen, sizeof cols - clen, ", ");
        ident(cols, sizeof cols, &clen, columns[i]);
        if (clen >= sizeof cols - 4)
            return host->fail(ATH_EUNSUPPORTED, NULL, 0, NULL, "COPY: column list too long");
    }
    Oid oids[1600];
    int rc = column_types(conn, cols, table, ncols, oids);
    if (rc != ATH_OK)
        return rc;
    for (size_t i = 0; i < ncols; i++)
        if (!copyable(oids[i]))
            return host->fail(ATH_EUNSUPPORTED, NULL, 0, NULL,
                              "COPY: column %s has a type without a binary encoder here",
                              columns[i]);

    /* encode everything first: a value that cannot go binary leaves nothing half-sent */
    copy_buf b = {host, NULL, 0, 0, false};
    static const unsigned char signature[] = "PGCOPY\n\377\r\n";
    put(&b, signature, 11);
    put_be(&b, 0, 4); /* flags */
    put_be(&b, 0, 4); /* header extension */
    char small[128]; /* formatted scalars; grown for text-like values (jsonb, text forms) */
    char *scratch = small;
    size_t scratch_cap = sizeof small;
    rc = ATH_OK;
    for (size_t r = 0; r < nrows && !b.oom && rc == ATH_OK; r++) {
        put_be(&b, ncols, 2);
        for (size_t c = 0; c < ncols && rc == ATH_OK; c++) {
            const ath_value *v = &values[r * ncols + c];
            if (v->type == ATH_T_NULL) {
                put_be(&b, UINT32_MAX, 4); /* -1: NULL */
                continue;
            }
            size_t need = pg_param_scratch(v);
            if (need > scratch_cap) {
                char *grown = host->realloc(scratch == small ? NULL : scratch, need);
                if (!grown) {
                    b.oom = true;
                    break;
                }
                scratch = grown;
                scratch_cap = need;
            }
            unsigned char slot[16];
            char *sp = scratch;
            const char *value;
            int length, format;
            rc = pg_encode_param(host, (int)c + 1, oids[c], v, slot, &sp, &value, &length, &format);
            if (rc == ATH_OK && format != 1)
                rc = host->fail(ATH_EUNSUPPORTED, NULL, 0, NULL,
                                "COPY: a %s value for column %s has no binary form here",
                                v->type == ATH_T_DOUBLE ? "double" : "non-binary", columns[c]);
            if (rc == ATH_OK) {
                put_be(&b, (uint32_t)length, 4);
                put(&b, value, (size_t)length);
            }
        }
    }
    if (scratch != small)
        host->free(scratch);
    if (rc != ATH_OK) {
        host->free(b.data);
        return rc;
    }
    put_be(&b, UINT16_MAX, 2); /* trailer: -1 */
    if (b.oom) {
        host->free(b.data);
        return host->fail(ATH_ENOMEM, NULL, 0, NULL, "encoding %zu rows for COPY", nrows);
    }

    char sql[4096];
    snprintf(sql, sizeof sql, "COPY \"%s\" (%s) FROM STDIN (FORMAT binary)", table, cols);
    PGresult *res = pg_exec_sql(conn, sql);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        rc = pg_fail(conn, res, "starting COPY");
        PQclear(res);
        host->free(b.data);
        return rc;
    }
    PQclear(res);
    int ok = 1;
    for (size_t off = 0; ok == 1 && off < b.len; off += 1 << 20) {
        size_t n = b.len - off < (size_t)1 << 20 ? b.len - off : (size_t)1 << 20;
        const char *chunk = (const char *)b.data + off;
        ok = conn->nb ? pg_nb_put_copy(conn, chunk, (int)n, NULL)
                      : PQputCopyData(conn->pg, chunk, (int)n);
    }
    host->free(b.data);
    if (ok == 1)
        ok = conn->nb ? pg_nb_put_copy(conn, NULL, 0, NULL) : PQputCopyEnd(conn->pg, NULL);
    rc = ATH_OK;
    while ((res = pg_result(conn))) {
        if (rc == ATH_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = pg_fail(conn, res, "copying rows");
        PQclear(res);
    }
    if (rc == ATH_OK && ok != 1)
        rc = pg_fail(conn, NULL, "sending COPY data");
    return rc;
}
