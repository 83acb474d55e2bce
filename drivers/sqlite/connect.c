/* Opening SQLite connections: URL options, pragmas, capabilities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlite_driver.h"

typedef struct sqlite_options {
    const char *journal_mode; /* NULL: WAL for files, MEMORY for :memory: */
    const char *synchronous;  /* NULL: NORMAL under WAL, SQLite's default otherwise */
    long busy_timeout_ms;
    long cache_size;
    int has_cache_size;
    int open_flags;
    int foreign_keys;
} sqlite_options;

static const char *const journal_modes[] = {"DELETE", "TRUNCATE", "PERSIST", "MEMORY", "WAL",
                                            "OFF", NULL};
static const char *const sync_modes[] = {"OFF", "NORMAL", "FULL", "EXTRA", "0", "1", "2", "3", NULL};

static const char *one_of(const char *value, const char *const *allowed)
{
    for (const char *const *a = allowed; *a; a++)
        if (strcasecmp(value, *a) == 0)
            return *a; /* the canonical spelling, safe to paste into a PRAGMA */
    return NULL;
}

static int parse_long(const char *text, long min, long max, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_options(const ath_connect_params *p, const ath_driver_host *host,
                         sqlite_options *o)
{
    memset(o, 0, sizeof *o);
    if (p->driver && strcmp(p->driver, "pysqlcipher") == 0)
        return host->fail(ATH_EUNSUPPORTED, NULL, 0, NULL,
                          "sqlite+pysqlcipher needs SQLCipher (encrypted databases), which this "
                          "driver lacks: it is built on plain SQLite %s and cannot open or create "
                          "an encrypted file; use sqlite:// for an unencrypted database",
                          sqlite3_libversion());
    o->busy_timeout_ms = 5000;
    o->open_flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    o->foreign_keys = 1;
    for (size_t i = 0; i < p->noptions; i++) {
        const char *k = p->keys[i], *v = p->values[i];
        if (strcmp(k, "journal_mode") == 0) {
            if (!(o->journal_mode = one_of(v, journal_modes)))
                return host->fail(ATH_EURL, NULL, 0, NULL,
                                  "sqlite option journal_mode=%s: expected one of DELETE, "
                                  "TRUNCATE, PERSIST, MEMORY, WAL, OFF",
                                  v);
        } else if (strcmp(k, "synchronous") == 0) {
            if (!(o->synchronous = one_of(v, sync_modes)))
                return host->fail(ATH_EURL, NULL, 0, NULL,
                                  "sqlite option synchronous=%s: expected OFF, NORMAL, FULL or "
                                  "EXTRA",
                                  v);
        } else if (strcmp(k, "busy_timeout") == 0) {
            if (parse_long(v, 0, 3600000, &o->busy_timeout_ms) < 0)
                return host->fail(ATH_EURL, NULL, 0, NULL,
                                  "sqlite option busy_timeout=%s: expected milliseconds, 0 to "
                                  "3600000",
                                  v);
        } else if (strcmp(k, "cache_size") == 0) {
            if (parse_long(v, -1000000000L, 1000000000L, &o->cache_size) < 0)
                return host->fail(ATH_EURL, NULL, 0, NULL,
                                  "sqlite option cache_size=%s: expected a whole number", v);
            o->has_cache_size = 1;
        } else if (strcmp(k, "mode") == 0) {
            if (strcmp(v, "ro") == 0)
                o->open_flags = SQLITE_OPEN_READONLY;
            else if (strcmp(v, "rw") == 0)
                o->open_flags = SQLITE_OPEN_READWRITE;
            else if (strcmp(v, "rwc") == 0)
                o->open_flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
            else
                return host->fail(ATH_EURL, NULL, 0, NULL,
                                  "sqlite option mode=%s: expected ro, rw or rwc", v);
        } else if (strcmp(k, "foreign_keys") == 0) {
            if (strcmp(v, "on") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
                o->foreign_keys = 1;
            else if (strcmp(v, "off") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
                o->foreign_keys = 0;
            else
                return host->fail(ATH_EURL, NULL, 0, NULL,
                                  "sqlite option foreign_keys=%s: expected on or off", v);
        } else {
            return host->fail(ATH_EURL, NULL, 0, NULL,
                              "unknown sqlite option '%s' (known: journal_mode, synchronous, "
                              "busy_timeout, cache_size, mode, foreign_keys)",
                              k);
        }
    }
    if (p->host || p->port || p->username || p->password)
        return host->fail(ATH_EURL, NULL, 0, NULL,
                          "a sqlite URL takes no user, password, host or port: write "
                          "sqlite:///relative.db or sqlite:////absolute/path.db");
    return ATH_OK;
}

int sqlite_check(const ath_connect_params *params, const ath_driver_host *host)
{
    sqlite_options o;
    return parse_options(params, host, &o);
}

static int is_memory(const ath_connect_params *p)
{
    return !p->database || !*p->database || strcmp(p->database, ":memory:") == 0;
}

/* Runs one pragma whose value was validated against a fixed list or parsed as a number. */
static int pragma(ath_dconn *conn, const char *fmt, const char *text, long number)
{
    char sql[128];
    if (text)
        snprintf(sql, sizeof sql, fmt, text);
    else
        snprintf(sql, sizeof sql, fmt, number);
    int rc = sqlite3_exec(conn->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? ATH_OK : sqlite_fail(conn->host, conn->db, rc, sql);
}

int sqlite_connect(ath_dconn **out, const ath_connect_params *params, const ath_driver_host *host,
                   ath_conn_info *info)
{
    sqlite_options o;
    int rc = parse_options(params, host, &o);
    *out = NULL;
    if (rc != ATH_OK)
        return rc;
    ath_dconn *conn = host->malloc(sizeof *conn);
    if (!conn)
        return host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a sqlite connection");
    conn->host = host;
    conn->db = NULL;
    int memory = is_memory(params);
    const char *file = memory ? ":memory:" : params->database;
    int src = sqlite3_open_v2(file, &conn->db, o.open_flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (src != SQLITE_OK) {
        rc = host->fail(src == SQLITE_NOMEM ? ATH_ENOMEM : ATH_ECONNECT, NULL, src, NULL,
                        "cannot open sqlite database %s: %s", file,
                        conn->db ? sqlite3_errmsg(conn->db) : sqlite3_errstr(src));
        goto fail;
    }
    sqlite3_extended_result_codes(conn->db, 1);
    sqlite3_busy_timeout(conn->db, (int)o.busy_timeout_ms);
    const char *journal = o.journal_mode ? o.journal_mode : (memory ? "MEMORY" : "WAL");
    int readonly = o.open_flags == SQLITE_OPEN_READONLY;
    if (!readonly && (rc = pragma(conn, "PRAGMA journal_mode=%s", journal, 0)) != ATH_OK)
        goto fail;
    const char *sync = o.synchronous;
    if (!sync && strcmp(journal, "WAL") == 0)
        sync = "NORMAL"; /* durable at checkpoints, safe from corruption: the usual WAL pairing */
    if (sync && (rc = pragma(conn, "PRAGMA synchronous=%s", sync, 0)) != ATH_OK)
        goto fail;
    if ((rc = pragma(conn, "PRAGMA foreign_keys=%s", o.foreign_keys ? "ON" : "OFF", 0)) != ATH_OK)
        goto fail;
    if (o.has_cache_size && (rc = pragma(conn, "PRAGMA cache_size=%ld", NULL, o.cache_size)) != ATH_OK)
        goto fail;
    /* LIKE is case-sensitive on the other backends; make it so here (ILIKE is emulated) */
    if ((rc = pragma(conn, "PRAGMA case_sensitive_like=%s", "ON", 0)) != ATH_OK)
        goto fail;

    info->caps = ATH_CAP_LAST_INSERT_ID_IS_LAST;
    if (sqlite3_libversion_number() >= 3035000)
        info->caps |= ATH_CAP_RETURNING | ATH_CAP_UPDATE_RETURNING;
    if (memory)
        info->caps |= ATH_CAP_SINGLE_CONNECTION;
    info->max_params = sqlite3_limit(conn->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
    snprintf(info->server_version, sizeof info->server_version, "SQLite %s", sqlite3_libversion());
    *out = conn;
    return ATH_OK;
fail:
    sqlite3_close_v2(conn->db);
    host->free(conn);
    return rc;
}

void sqlite_close(ath_dconn *conn)
{
    if (!conn)
        return;
    sqlite3_close_v2(conn->db);
    conn->host->free(conn);
}

int sqlite_ping(ath_dconn *conn)
{
    int rc = sqlite3_exec(conn->db, "SELECT 1", NULL, NULL, NULL);
    return rc == SQLITE_OK ? ATH_OK : sqlite_fail(conn->host, conn->db, rc, "ping");
}

int sqlite_exec(ath_dconn *conn, const char *sql)
{
    int rc = sqlite3_exec(conn->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? ATH_OK : sqlite_fail(conn->host, conn->db, rc, NULL);
}

int sqlite_last_insert_id(ath_dconn *conn, int64_t *out)
{
    *out = sqlite3_last_insert_rowid(conn->db);
    return ATH_OK;
}
