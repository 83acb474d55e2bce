/* Opening connections: the URL as libpq keywords (checked against PQconndefaults), defaults for
 * keepalives and timeouts, session settings the driver relies on; ping, exec, close. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pg_driver.h"

/* Set unless the URL sets them. A peer that vanishes without a FIN or RST (a dead host, a dropped
 * NAT entry) is noticed after ~10 s idle + 3 probes 3 s apart, or when sent data stays
 * unacknowledged for 15 s — instead of the kernel's two hours. See docs/postgresql.md. */
static const struct {
    const char *key, *value;
} defaults[] = {
    {"client_encoding", "UTF8"},   {"connect_timeout", "10"},
    {"keepalives", "1"},           {"keepalives_idle", "10"},
    {"keepalives_interval", "3"},  {"keepalives_count", "3"},
    {"tcp_user_timeout", "15000"}, {"fallback_application_name", "athanor"},
};

/* A growing text, for the comma-joined host and port lists. */
typedef struct text_list {
    char *p;
    size_t len, cap;
    int count;
} text_list;

static int list_add(const ath_driver_host *host, text_list *l, const char *s, size_t n)
{
    size_t need = l->len + n + 2;
    if (need > l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        while (cap < need)
            cap *= 2;
        char *p = host->realloc(l->p, cap);
        if (!p)
            return host->fail(ATH_ENOMEM, NULL, 0, NULL, "building PostgreSQL parameters");
        l->p = p;
        l->cap = cap;
    }
    if (l->count++ > 0)
        l->p[l->len++] = ',';
    memcpy(l->p + l->len, s, n);
    l->len += n;
    l->p[l->len] = '\0';
    return ATH_OK;
}

/* libpq keywords and values for PQconnectdbParams, NULL-terminated. */
typedef struct pg_params {
    const char **keys;
    const char **values;
    size_t n, cap;
    text_list hosts, ports, explicit_ports, hostaddrs;
    char url_port[16];
    bool any_port; /* some host carried its own port */
    bool unnamed;  /* prepared_statements=unnamed */
    bool statements_set;
} pg_params;

static void params_free(const ath_driver_host *host, pg_params *kw)
{
    host->free(kw->keys);
    host->free(kw->values);
    host->free(kw->hosts.p);
    host->free(kw->ports.p);
    host->free(kw->explicit_ports.p);
    host->free(kw->hostaddrs.p);
}

static const char *params_get(const pg_params *kw, const char *key)
{
    for (size_t i = 0; i < kw->n; i++)
        if (strcmp(kw->keys[i], key) == 0)
            return kw->values[i];
    return NULL;
}

static void params_add(pg_params *kw, const char *key, const char *value)
{
    kw->keys[kw->n] = key;
    kw->values[kw->n] = value;
    kw->n++;
    kw->keys[kw->n] = NULL;
    kw->values[kw->n] = NULL;
}

static bool libpq_knows(const PQconninfoOption *defs, const char *key)
{
    for (const PQconninfoOption *o = defs; o->keyword; o++)
        if (strcmp(o->keyword, key) == 0)
            return true;
    return false;
}

static bool is_utf8_name(const char *v)
{
    return strcasecmp(v, "UTF8") == 0 || strcasecmp(v, "UTF-8") == 0 ||
           strcasecmp(v, "UNICODE") == 0;
}

static bool valid_port(const char *s, size_t n)
{
    if (n == 0 || n > 5)
        return false;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    return v >= 1 && v <= 65535;
}

/* One host= value: "name", "name:port", "[v6]:port", a bare IPv6 address or a socket directory. */
static int add_host(const ath_driver_host *host, pg_params *kw, const char *v)
{
    const char *name = v, *port = NULL;
    size_t nlen = strlen(v), plen = 0;
    if (strchr(v, ','))
        return host->fail(ATH_EURL, NULL, 0, NULL,
                          "PostgreSQL option host=%s: give each host as its own host= option "
                          "(host=a:5432&host=b:5433)",
                          v);
    if (v[0] == '[') {
        const char *close = strchr(v, ']');
        if (!close || (close[1] && close[1] != ':'))
            return host->fail(ATH_EURL, NULL, 0, NULL,
                              "PostgreSQL option host=%s: expected [IPv6 address] or "
                              "[IPv6 address]:port",
                              v);
        name = v + 1;
        nlen = (size_t)(close - name);
        if (close[1] == ':') {
            port = close + 2;
            plen = strlen(port);
        }
    } else if (v[0] != '/') {
        const char *colon = strchr(v, ':');
        if (colon && !strchr(colon + 1, ':')) { /* one colon: name:port (more: bare IPv6) */
            nlen = (size_t)(colon - v);
            port = colon + 1;
            plen = strlen(port);
        }
    }
    if (port && !valid_port(port, plen))
        return host->fail(ATH_EURL, NULL, 0, NULL,
                          "PostgreSQL option host=%s: the port must be a number from 1 to 65535",
                          v);
    int rc = list_add(host, &kw->hosts, name, nlen);
    if (rc == ATH_OK)
        rc = list_add(host, &kw->ports, port ? port : "", plen);
    if (port)
        kw->any_port = true;
    return rc;
}

/* Turns the URL into libpq keywords, checking every option; nothing is connected. */
static int build_params(const ath_connect_params *p, const ath_driver_host *host, pg_params *kw)
{
    int rc = ATH_OK;
    memset(kw, 0, sizeof *kw);
    kw->cap = p->noptions + sizeof defaults / sizeof *defaults + 8;
    kw->keys = host->malloc((kw->cap + 1) * sizeof *kw->keys);
    kw->values = host->malloc((kw->cap + 1) * sizeof *kw->values);
    PQconninfoOption *defs = PQconndefaults();
    if (!kw->keys || !kw->values || !defs) {
        rc = host->fail(ATH_ENOMEM, NULL, 0, NULL, "building PostgreSQL parameters");
        goto done;
    }
    kw->keys[0] = kw->values[0] = NULL;

    if (p->host) {
        snprintf(kw->url_port, sizeof kw->url_port, "%d", p->port);
        if ((rc = list_add(host, &kw->hosts, p->host, strlen(p->host))) != ATH_OK ||
            (rc = list_add(host, &kw->ports, p->port ? kw->url_port : "",
                           p->port ? strlen(kw->url_port) : 0)) != ATH_OK)
            goto done;
        kw->any_port = p->port != 0;
    } else if (p->port) {
        snprintf(kw->url_port, sizeof kw->url_port, "%d", p->port);
        if ((rc = list_add(host, &kw->explicit_ports, kw->url_port, strlen(kw->url_port))) !=
            ATH_OK)
            goto done;
    }

    for (size_t i = 0; i < p->noptions; i++) {
        const char *k = p->keys[i], *v = p->values[i];
        if (strcmp(k, PG_OPT_STATEMENTS) == 0) {
            if (kw->statements_set)
                rc = host->fail(ATH_EURL, NULL, 0, NULL, "PostgreSQL option '%s' is given twice",
                                k);
            else if (strcmp(v, "named") == 0 || strcmp(v, "unnamed") == 0)
                kw->unnamed = v[0] == 'u';
            else
                rc = host->fail(ATH_EURL, NULL, 0, NULL,
                                "PostgreSQL option %s=%s: expected named (the default) or "
                                "unnamed (for a transaction-mode pooler such as pgbouncer)",
                                k, v);
            kw->statements_set = true;
            if (rc != ATH_OK)
                goto done;
            continue;
        }
        if (!libpq_knows(defs, k)) {
            rc = host->fail(ATH_EURL, NULL, 0, NULL,
                            "unknown PostgreSQL option '%s': libpq has no connection parameter of "
                            "that name (sslmode, connect_timeout, application_name, "
                            "target_session_attrs, …) and the driver's own is "
                            "prepared_statements",
                            k);
            goto done;
        }
        if (strcmp(k, "password") == 0) {
            /* a query value shows wherever the URL is logged; only the user-info part is hidden */
            rc = host->fail(ATH_EURL, NULL, 0, NULL,
                            "PostgreSQL option 'password' does not belong in the query, where "
                            "logs would show it: write postgresql://user:password@host/db, or "
                            "use PGPASSWORD or a password file (passfile=)");
        } else if (strcmp(k, "host") == 0) {
            rc = add_host(host, kw, v);
        } else if (strcmp(k, "port") == 0) {
            rc = list_add(host, &kw->explicit_ports, v, strlen(v));
        } else if (strcmp(k, "hostaddr") == 0) {
            rc = list_add(host, &kw->hostaddrs, v, strlen(v));
        } else if ((strcmp(k, "user") == 0 && p->username) ||
                   (strcmp(k, "dbname") == 0 && p->database)) {
            rc = host->fail(ATH_EURL, NULL, 0, NULL,
                            "PostgreSQL option '%s' repeats what the URL already gives before "
                            "the '?'",
                            k);
        } else if (params_get(kw, k)) {
            rc = host->fail(ATH_EURL, NULL, 0, NULL, "PostgreSQL option '%s' is given twice", k);
        } else if (strcmp(k, "client_encoding") == 0 && !is_utf8_name(v)) {
            rc = host->fail(ATH_EURL, NULL, 0, NULL,
                            "PostgreSQL option client_encoding=%s: Athanor exchanges text as "
                            "UTF-8, so only UTF8 is accepted",
                            v);
        } else {
            params_add(kw, k, v);
        }
        if (rc != ATH_OK)
            goto done;
    }

    if (kw->hosts.count)
        params_add(kw, "host", kw->hosts.p);
    if (kw->any_port && kw->explicit_ports.count) {
        rc = host->fail(ATH_EURL, NULL, 0, NULL,
                        "PostgreSQL ports: give them either with the hosts (host=a:5432) or as "
                        "port= options, not both");
        goto done;
    }
    if (kw->any_port)
        params_add(kw, "port", kw->ports.p);
    else if (kw->explicit_ports.count)
        params_add(kw, "port", kw->explicit_ports.p);
    if (kw->hostaddrs.count)
        params_add(kw, "hostaddr", kw->hostaddrs.p);
    /* empty fields stay out, so libpq falls back to PGUSER, PGPASSWORD/PGPASSFILE, PGDATABASE… */
    if (p->username)
        params_add(kw, "user", p->username);
    if (p->password)
        params_add(kw, "password", p->password);
    if (p->database)
        params_add(kw, "dbname", p->database);
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++)
        if (!params_get(kw, defaults[i].key))
            params_add(kw, defaults[i].key, defaults[i].value);
done:
    PQconninfoFree(defs);
    return rc;
}

int pg_check(const ath_connect_params *params, const ath_driver_host *host)
{
    pg_params kw;
    int rc = build_params(params, host, &kw);
    params_free(host, &kw);
    return rc;
}

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* no function of Athanor prints; notices ("… does not exist, skipping") drop */
}

/* libpq's message on one line, with any occurrence of the password hidden. */
static void clean_message(char *buf, size_t size, const char *msg, const char *password)
{
    size_t o = 0;
    bool space = false;
    for (const char *s = msg ? msg : ""; *s && o + 4 < size; s++) {
        if (password && strlen(password) >= 3 && strncmp(s, password, strlen(password)) == 0) {
            memcpy(buf + o, "***", 3);
            o += 3;
            s += strlen(password) - 1;
            space = false;
            continue;
        }
        if (isspace((unsigned char)*s)) {
            space = o > 0;
            continue;
        }
        if (space)
            buf[o++] = ' ';
        space = false;
        buf[o++] = *s;
    }
    buf[o] = '\0';
}

/* Settings the driver relies on, checked once per connection. */
static int setup_session(ath_dconn *conn)
{
    const ath_driver_host *host = conn->host;
    int version = PQserverVersion(conn->pg);
    if (version < 100000)
        return host->fail(ATH_ECONNECT, NULL, 0, NULL,
                          "PostgreSQL %d.%d is too old: Athanor needs 10 or newer", version / 10000,
                          version / 100 % 100);
    const char *encoding = pg_encoding_to_char(PQclientEncoding(conn->pg));
    if (!encoding || strcmp(encoding, "UTF8") != 0)
        return host->fail(ATH_ECONNECT, NULL, 0, NULL,
                          "the PostgreSQL connection uses client encoding %s, not UTF8",
                          encoding ? encoding : "?");
    /* text-format timestamps are parsed as ISO 8601; only an unusual server config differs */
    const char *datestyle = PQparameterStatus(conn->pg, "DateStyle");
    if (!datestyle || strncmp(datestyle, "ISO", 3) != 0) {
        PGresult *r = pg_exec_sql(conn, "SET DateStyle = ISO");
        int rc =
            PQresultStatus(r) == PGRES_COMMAND_OK ? ATH_OK : pg_fail(conn, r, "setting DateStyle");
        PQclear(r);
        if (rc != ATH_OK)
            return rc;
    }
    return ATH_OK;
}

/* libpq's connect_timeout in ms (0: none), read as libpq does: whole seconds, at least 2. */
static int64_t connect_timeout_ms(const pg_params *kw)
{
    const char *v = params_get(kw, "connect_timeout");
    char *end = NULL;
    long s = v ? strtol(v, &end, 10) : 0;
    if (!v || end == v || s <= 0)
        return 0;
    return (int64_t)(s < 2 ? 2 : s) * 1000;
}

int pg_connect(ath_dconn **out, const ath_connect_params *params, const ath_driver_host *host,
               ath_conn_info *info)
{
    pg_params kw;
    ath_dconn *conn = NULL;
    int rc;

    *out = NULL;
    if ((rc = build_params(params, host, &kw)) != ATH_OK)
        goto done;
    if (!(conn = host->malloc(sizeof *conn))) {
        rc = host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a PostgreSQL connection");
        goto done;
    }
    memset(conn, 0, sizeof *conn);
    conn->host = host;
    conn->unnamed = kw.unnamed;
    /* ath_connect_params.flags exists only for a core whose host table has wait() */
    conn->nb = ATH_HOST_HAS(host, wait) && (params->flags & ATH_CONNECT_NONBLOCKING);
    /* expand_dbname = 0: a database name is only a name, never parsed as a connection string */
    conn->pg = conn->nb ? PQconnectStartParams(kw.keys, kw.values, 0)
                        : PQconnectdbParams(kw.keys, kw.values, 0);
    if (!conn->pg) {
        rc = host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a PostgreSQL connection");
        goto done;
    }
    const char *why = NULL;
    if (conn->nb && (rc = pg_nb_connect(conn, connect_timeout_ms(&kw), &why)) == ATH_ECANCELED)
        goto done;
    if (PQstatus(conn->pg) != CONNECTION_OK || rc != ATH_OK) {
        char msg[1024];
        clean_message(msg, sizeof msg, why ? why : PQerrorMessage(conn->pg), params->password);
        const char *hosts = params_get(&kw, "host");
        rc = host->fail(ATH_ECONNECT, NULL, 0, NULL,
                        "cannot connect to PostgreSQL at %s (database %s, user %s): %s",
                        hosts ? hosts : "the default host", PQdb(conn->pg) ? PQdb(conn->pg) : "?",
                        PQuser(conn->pg) ? PQuser(conn->pg) : "?", msg);
        goto done;
    }
    PQsetNoticeProcessor(conn->pg, ignore_notice, NULL);
    if ((rc = setup_session(conn)) != ATH_OK)
        goto done;

    info->caps = ATH_CAP_RETURNING | ATH_CAP_UPDATE_RETURNING | ATH_CAP_LOCK_NOWAIT;
    /* the protocol allows 65 535, but a statement above this cannot be described by libpq (and
     * runs with text parameters); chunks this size also insert twice as fast (docs) */
    info->max_params = PG_DESCRIBE_MAX_PARAMS;
    const char *version = PQparameterStatus(conn->pg, "server_version");
    snprintf(info->server_version, sizeof info->server_version, "PostgreSQL %s",
             version ? version : "?");
    *out = conn;
    conn = NULL;
done:
    pg_close(conn);
    params_free(host, &kw);
    return rc;
}

void pg_close(ath_dconn *conn)
{
    if (!conn)
        return;
    PQfinish(conn->pg);
    pg_pipe_free(conn);
    while (conn->named) { /* the core finalized every statement: only what it never reached */
        pg_named *e = conn->named;
        conn->named = e->next;
        PQclear(e->desc);
        conn->host->free(e->sql);
        conn->host->free(e->waiters);
        conn->host->free(e);
    }
    conn->host->free(conn->dealloc);
    conn->host->free(conn);
}

/* Runs `sql` with the simple protocol. */
static int simple(ath_dconn *conn, const char *sql, const char *doing)
{
    if (conn->lost)
        return pg_fail_lost(conn);
    if (conn->pipe)
        return conn->host->fail(ATH_EINVAL, NULL, 0, NULL,
                                "the connection is shared in pipeline mode: only prepared "
                                "statements run on it");
    pg_take_wire(conn);
    PGresult *r = pg_exec_sql(conn, sql);
    int rc = ATH_OK;
    if (pg_is_copy(r)) { /* PQexec stops at a COPY: end it, read what follows */
        pg_end_copy(conn, r);
        PGresult *rest;
        while ((rest = pg_get_result(conn)))
            PQclear(rest);
        rc = conn->host->fail(ATH_EUNSUPPORTED, NULL, 0, NULL,
                              "COPY … FROM STDIN / TO STDOUT is not supported through exec");
    } else {
        ExecStatusType status = PQresultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
            rc = pg_fail(conn, r, doing);
    }
    PQclear(r);
    return rc;
}

int pg_ping(ath_dconn *conn)
{
    /* an empty query: one round trip, no parsing, no snapshot */
    return simple(conn, "", "pinging");
}

int pg_exec(ath_dconn *conn, const char *sql)
{
    if (!conn->lost) {
        pg_take_wire(conn);
        pg_flush_deallocations(conn);
    }
    return simple(conn, sql, NULL);
}

int pg_last_insert_id(ath_dconn *conn, int64_t *out)
{
    *out = 0;
    return conn->host->fail(ATH_EUNSUPPORTED, NULL, 0, NULL,
                            "PostgreSQL has no connection-level last insert id: Athanor reads "
                            "generated keys with INSERT … RETURNING");
}
