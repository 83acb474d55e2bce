/* SQLSTATE -> ath_code, and reporting a failed result through the host. */
#include <stdio.h>
#include <string.h>

#include "pg_driver.h"

/* The ath_code for a five-character SQLSTATE. */
static int code_for_sqlstate(const char *s)
{
    if (!s || strlen(s) != 5)
        return ATH_ESQL;
    static const struct {
        const char *state;
        int code;
    } exact[] = {
        {"23505", ATH_EDUPLICATE},  /* unique_violation */
        {"23503", ATH_EFOREIGNKEY}, /* foreign_key_violation */
        {"23502", ATH_ENOTNULL},    /* not_null_violation */
        {"23514", ATH_ECHECK},      /* check_violation */
        /* a value the column's type rejects: the same code as SQLite's CHECKs for it */
        {"22001", ATH_ECHECK}, /* string_data_right_truncation: longer than VARCHAR(n) */
        {"22P02", ATH_ECHECK}, /* invalid_text_representation: invalid JSON, numeric text */
        {"40001", ATH_ERETRY},      /* serialization_failure */
        {"40P01", ATH_ERETRY},      /* deadlock_detected */
        {"55P03", ATH_ERETRY},      /* lock_not_available (lock_timeout, NOWAIT) */
        {"57014", ATH_ETIMEOUT},    /* query_canceled (statement_timeout) */
    };
    for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
        if (memcmp(s, exact[i].state, 5) == 0)
            return exact[i].code;
    if (memcmp(s, "08", 2) == 0) /* connection_exception */
        return ATH_ECONNLOST;
    if (memcmp(s, "57P0", 4) == 0) /* admin/crash shutdown, database dropped, idle timeout */
        return ATH_ECONNLOST;
    return ATH_ESQL;
}

/* Copies `text` without its trailing newlines (libpq ends messages with one). */
static void trimmed(char *buf, size_t size, const char *text)
{
    size_t n = text ? strlen(text) : 0;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
        n--;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(buf, text, n);
    buf[n] = '\0';
}

int pg_fail_lost(ath_dconn *conn)
{
    if (conn->nb_failed == ATH_ECANCELED)
        return pg_nb_cancelled(conn);
    char msg[512];
    trimmed(msg, sizeof msg, PQerrorMessage(conn->pg));
    return conn->host->fail(ATH_ECONNLOST, NULL, 0, NULL,
                            "the connection to the PostgreSQL server was lost%s%s",
                            *msg ? ": " : "", msg);
}

int pg_fail(ath_dconn *conn, const PGresult *res, const char *doing)
{
    if (conn->nb_failed) /* a wait gave up: no result says more than that */
        return pg_fail_lost(conn);
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
    const char *position = res ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
    char msg[768], det[256] = "", hin[256] = "", pos[48] = "";
    trimmed(msg, sizeof msg, primary ? primary : res ? PQresultErrorMessage(res) : NULL);
    if (!*msg)
        trimmed(msg, sizeof msg, PQerrorMessage(conn->pg));
    if (!*msg)
        snprintf(msg, sizeof msg, "no message from the server");
    if (detail && *detail) {
        char d[240];
        trimmed(d, sizeof d, detail);
        snprintf(det, sizeof det, " (%s)", d);
    }
    if (hint && *hint) {
        char h[232];
        trimmed(h, sizeof h, hint);
        snprintf(hin, sizeof hin, " HINT: %s", h);
    }
    if (position && *position) /* 1-based, in characters of the statement as sent */
        snprintf(pos, sizeof pos, " at character %.16s", position);
    char where[96] = "";
    if (doing)
        snprintf(where, sizeof where, ", while %s", doing);

    int code = code_for_sqlstate(state);
    /* libpq reports a backend that died only at the next I/O, often without a SQLSTATE */
    if (PQstatus(conn->pg) == CONNECTION_BAD)
        code = ATH_ECONNLOST;
    if (code == ATH_ECONNLOST) {
        conn->lost = true; /* a FATAL 57P01 arrives before libpq sees the socket close */
        return conn->host->fail(code, state, 0, constraint,
                                "the connection to the PostgreSQL server was lost: %s [SQLSTATE "
                                "%s%s]",
                                msg, state ? state : "none", where);
    }
    return conn->host->fail(code, state, 0, constraint, "%s%s%s [SQLSTATE %s%s%s]", msg, det, hin,
                            state ? state : "none", pos, where);
}
