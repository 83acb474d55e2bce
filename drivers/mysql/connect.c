/* Opening MySQL/MariaDB connections: URL -> mysql_real_connect, session setup, capabilities. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mysql_driver.h"

/*
 * Every connection runs with this sql_mode, so that SQL means the same as on PostgreSQL and
 * SQLite (docs/mysql.md says why each is there): strict errors instead of silent truncation,
 * '\' is an ordinary character in string literals, "x" is an identifier, || concatenates,
 * no 0000-00-00 dates, x/0 is an error, never a silently different storage engine, and GROUP
 * BY must name what it selects.
 */
#define SQL_MODE                                                                                   \
    "STRICT_ALL_TABLES,NO_BACKSLASH_ESCAPES,ANSI_QUOTES,PIPES_AS_CONCAT,NO_ZERO_DATE,"             \
    "NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,ONLY_FULL_GROUP_BY"
/* MariaDB 10.3.5+: UPDATE t SET a = b, b = a swaps, as in standard SQL */
#define SQL_MODE_MARIADB SQL_MODE ",SIMULTANEOUS_ASSIGNMENT"

static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static int library_rc;

/* mysql_library_init is not thread-safe; mysql_init would call it on first use from any
 * thread, and pools connect from several threads at once. */
static void library_init(void)
{
    library_rc = mysql_library_init(0, NULL, NULL);
}

static int set_options(ath_dconn *conn, const my_options *o)
{
    MYSQL *my = conn->my;
    my_bool off = 0, on = 1;
    unsigned int no_infile = 0;
    int bad = 0;
    /* a reconnect inside a transaction would silently lose it: report, let the pool replace */
    bad |= mysql_optionsv(my, MYSQL_OPT_RECONNECT, &off);
    bad |= mysql_optionsv(my, MYSQL_SET_CHARSET_NAME, o->charset);
    bad |= mysql_optionsv(my, MYSQL_REPORT_DATA_TRUNCATION, &on);  /* long values grow buffers */
    bad |= mysql_optionsv(my, MYSQL_OPT_LOCAL_INFILE, &no_infile); /* no server-driven file reads */
    if (o->connect_timeout)
        bad |= mysql_optionsv(my, MYSQL_OPT_CONNECT_TIMEOUT, &o->connect_timeout);
    if (o->read_timeout)
        bad |= mysql_optionsv(my, MYSQL_OPT_READ_TIMEOUT, &o->read_timeout);
    if (o->write_timeout)
        bad |= mysql_optionsv(my, MYSQL_OPT_WRITE_TIMEOUT, &o->write_timeout);
    if (conn->nonblocking) /* the default stack for Connector/C's coroutine */
        bad |= mysql_options(my, MYSQL_OPT_NONBLOCK, NULL);
    if (o->unix_socket) {
        unsigned int protocol = MYSQL_PROTOCOL_SOCKET;
        bad |= mysql_optionsv(my, MYSQL_OPT_PROTOCOL, &protocol);
    }
    if (o->ssl_mode == MY_SSL_DISABLED)
        bad |= mysql_optionsv(my, MYSQL_OPT_SSL_ENFORCE, &off);
    else if (o->ssl_mode != MY_SSL_DEFAULT)
        bad |= mysql_optionsv(my, MYSQL_OPT_SSL_ENFORCE, &on);
    if (o->ssl_mode >= MY_SSL_VERIFY_CA) /* Connector/C checks the host name as well */
        bad |= mysql_optionsv(my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
    const struct {
        enum mysql_option opt;
        const char *value;
    } files[] = {{MYSQL_OPT_SSL_CA, o->ssl_ca},         {MYSQL_OPT_SSL_CAPATH, o->ssl_capath},
                 {MYSQL_OPT_SSL_CERT, o->ssl_cert},     {MYSQL_OPT_SSL_KEY, o->ssl_key},
                 {MYSQL_OPT_SSL_CIPHER, o->ssl_cipher}, {MYSQL_OPT_SSL_CRL, o->ssl_crl}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        if (files[i].value)
            bad |= mysql_optionsv(my, files[i].opt, files[i].value);
    if (bad)
        return conn->host->fail(ATH_ECONNECT, NULL, 0, NULL,
                                "the MySQL client library refused a connection option");
    return ATH_OK;
}

/* Where we connect, for messages (never the password). */
static void describe_target(const ath_connect_params *p, const my_options *o, char *buf,
                            size_t size)
{
    if (o->unix_socket)
        snprintf(buf, size, "unix socket %s", o->unix_socket);
    else if (!p->host || strcmp(p->host, "localhost") == 0)
        snprintf(buf, size, "localhost (default socket)");
    else if (strchr(p->host, ':'))
        snprintf(buf, size, "[%s]:%d", p->host, p->port ? p->port : 3306);
    else
        snprintf(buf, size, "%s:%d", p->host, p->port ? p->port : 3306);
}

/* Runs one setup statement and discards any rows. */
static int setup_query(ath_dconn *conn, const char *sql, const char *doing)
{
    int failed;
    MY_CALL(conn, failed, mysql_real_query, conn->my, sql, (unsigned long)strlen(sql));
    if (failed)
        return mydrv_fail_conn(conn, doing);
    MYSQL_RES *res;
    MY_CALL(conn, res, mysql_store_result, conn->my);
    if (res)
        mysql_free_result(res);
    else if (mysql_field_count(conn->my))
        return mydrv_fail_conn(conn, doing);
    return ATH_OK;
}

/* Reads the server facts the driver depends on, in one round trip. */
static int read_server_facts(ath_dconn *conn, unsigned long *lock_mode, unsigned long *increment)
{
    static const char sql[] =
        "SELECT @@max_allowed_packet, @@innodb_autoinc_lock_mode, @@auto_increment_increment";
    int failed;
    MY_CALL(conn, failed, mysql_real_query, conn->my, sql, (unsigned long)strlen(sql));
    if (failed)
        return mydrv_fail_conn(conn, "reading server settings");
    MYSQL_RES *res;
    MY_CALL(conn, res, mysql_store_result, conn->my);
    if (!res)
        return mydrv_fail_conn(conn, "reading server settings");
    MYSQL_ROW row = mysql_fetch_row(res);
    int rc = ATH_OK;
    if (!row || !row[0] || !row[1] || !row[2])
        rc = conn->host->fail(ATH_ESQL, NULL, 0, NULL,
                              "the server did not report max_allowed_packet, "
                              "innodb_autoinc_lock_mode and auto_increment_increment");
    else {
        conn->max_packet = strtoul(row[0], NULL, 10);
        *lock_mode = strtoul(row[1], NULL, 10);
        *increment = strtoul(row[2], NULL, 10);
    }
    mysql_free_result(res);
    return rc;
}

int mydrv_connect(ath_dconn **out, const ath_connect_params *params, const ath_driver_host *host,
                  ath_conn_info *info)
{
    my_options o;
    char target[300];
    char sql[512];
    *out = NULL;
    int rc = mydrv_parse_options(params, host, &o);
    if (rc != ATH_OK)
        return rc;
    pthread_once(&library_once, library_init);
    if (library_rc != 0)
        return host->fail(ATH_ECONNECT, NULL, 0, NULL,
                          "the MySQL client library failed to initialise");
    ath_dconn *conn = host->malloc(sizeof *conn);
    if (!conn)
        return host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a mysql connection");
    memset(conn, 0, sizeof *conn);
    conn->host = host;
    conn->buffered = o.buffered;
    /* the flags exist only for a core whose host table has wait() */
    conn->nonblocking = ATH_HOST_HAS(host, wait) && (params->flags & ATH_CONNECT_NONBLOCKING) != 0;
    if (!(conn->my = mysql_init(NULL))) {
        rc = host->fail(ATH_ENOMEM, NULL, 0, NULL, "allocating a MySQL client handle");
        goto fail;
    }
    if ((rc = set_options(conn, &o)) != ATH_OK)
        goto fail;

    describe_target(params, &o, target, sizeof target);
    /* CLIENT_FOUND_ROWS: UPDATE reports the rows it matched, as PostgreSQL and SQLite do,
     * not only those whose values changed (optimistic locking counts on it) */
    MYSQL *connected;
    MY_CALL(conn, connected, mysql_real_connect, conn->my, params->host, params->username,
            params->password, params->database, (unsigned)params->port, o.unix_socket,
            CLIENT_FOUND_ROWS);
    if (!connected && conn->abandoned) {
        rc = conn->abandoned; /* recorded by the wait */
        goto fail;
    }
    if (!connected) {
        unsigned err = mysql_errno(conn->my);
        rc =
            host->fail(err == 2008 ? ATH_ENOMEM : ATH_ECONNECT, mysql_sqlstate(conn->my), (long)err,
                       NULL, "cannot connect to MySQL at %s as %s%s%s: %s (MySQL error %u)", target,
                       params->username ? params->username : "(default user)",
                       params->database ? ", database " : "",
                       params->database ? params->database : "", mysql_error(conn->my), err);
        goto fail;
    }
    if (o.ssl_mode >= MY_SSL_REQUIRED && !mysql_get_ssl_cipher(conn->my)) {
        rc = host->fail(ATH_ECONNECT, NULL, 0, NULL,
                        "ssl_mode requires TLS, but the connection to %s is not encrypted "
                        "(does the server have TLS enabled?)",
                        target);
        goto fail;
    }

    const char *version = mysql_get_server_info(conn->my);
    unsigned long vnum = mysql_get_server_version(conn->my);
    conn->mariadb = version && strstr(version, "MariaDB") != NULL;
    /* MariaDB < 11.1 knows only tx_isolation; MySQL >= 8.0 only transaction_isolation */
    const char *isolation_var = (conn->mariadb && vnum < 110100) || (!conn->mariadb && vnum < 50720)
                                    ? "tx_isolation"
                                    : "transaction_isolation";
    snprintf(sql, sizeof sql,
             "SET autocommit = 1, time_zone = '+00:00', sql_mode = '%s', "
             "collation_connection = '%s_nopad_bin', SESSION %s = '%s'",
             conn->mariadb && vnum >= 100305 ? SQL_MODE_MARIADB : SQL_MODE, o.charset,
             isolation_var, o.isolation);
    if ((rc = setup_query(conn, sql, "setting up the session")) != ATH_OK)
        goto fail;
    unsigned long lock_mode = 2, increment = 1;
    if ((rc = read_server_facts(conn, &lock_mode, &increment)) != ATH_OK)
        goto fail;

    info->caps = 0;
    if (conn->mariadb && vnum >= 100500)
        info->caps |= ATH_CAP_RETURNING; /* INSERT/DELETE … RETURNING; no UPDATE … RETURNING */
    /* a multi-row INSERT's ids are LAST_INSERT_ID() .. +n-1 only under the "traditional" (0)
     * and "consecutive" (1) lock modes, and only when ids step by one */
    if (conn->mariadb ? vnum >= 100600 : vnum >= 80000)
        info->caps |= ATH_CAP_LOCK_NOWAIT; /* FOR UPDATE NOWAIT / SKIP LOCKED */
    if (lock_mode <= 1 && increment == 1)
        info->caps |= ATH_CAP_MULTIROW_IDS_SEQUENTIAL;
    info->max_params = 65535; /* the protocol's 16-bit count, reported per connection too */
    snprintf(info->server_version, sizeof info->server_version, "%s", version ? version : "?");
    *out = conn;
    return ATH_OK;
fail:
    mydrv_close(conn);
    return rc;
}

void mydrv_close(ath_dconn *conn)
{
    if (!conn)
        return;
    if (conn->my) {
        int done;
        MY_CALL(conn, done, mydrv_close_handle, conn->my);
        (void)done;
    }
    conn->host->free(conn);
}

int mydrv_ping(ath_dconn *conn)
{
    int failed;
    MY_CALL(conn, failed, mysql_ping, conn->my);
    return failed == 0 ? ATH_OK : mydrv_fail_conn(conn, "pinging the server");
}

int mydrv_exec(ath_dconn *conn, const char *sql)
{
    size_t len = strlen(sql);
    if (len + 1 > conn->max_packet)
        return conn->host->fail(ATH_EINVAL, NULL, 0, NULL,
                                "the statement is %zu bytes, more than the server's "
                                "max_allowed_packet of %lu bytes",
                                len, conn->max_packet);
    int status;
    MY_CALL(conn, status, mysql_real_query, conn->my, sql, (unsigned long)len);
    if (status != 0)
        return mydrv_fail_conn(conn, NULL);
    do {
        MYSQL_RES *res;
        MY_CALL(conn, res, mysql_store_result, conn->my);
        if (res)
            mysql_free_result(res);
        else if (mysql_field_count(conn->my))
            return mydrv_fail_conn(conn, "reading a result");
        my_ulonglong id = mysql_insert_id(conn->my);
        if (id)
            conn->last_id = (int64_t)id;
        MY_CALL(conn, status, mysql_next_result, conn->my);
    } while (status == 0);
    return status > 0 ? mydrv_fail_conn(conn, NULL) : ATH_OK;
}

int mydrv_last_insert_id(ath_dconn *conn, int64_t *out)
{
    *out = conn->last_id;
    return ATH_OK;
}
