/*
 * A test-only driver with no database behind it. Every connection has a serial number and can
 * be broken on purpose, so pool and session tests can watch connections being replaced.
 *   "SELECT ID"   one row: the connection's serial number
 *   "KILL"        the connection dies now (its next use or ping: ATH_ECONNLOST)
 *   "BREAK"       the connection dies silently once its transaction ends (idle in the pool)
 *   "FAIL"        the statement fails with ATH_ESQL (the connection stays healthy)
 *   anything else succeeds without rows
 * URL options: fail_connect=1 makes connect fail with ATH_ECONNECT.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <athanor/sys/driver.h>

struct ath_dconn {
    const ath_driver_host *host;
    long serial;
    int dead;
    int die_after_tx;
};

struct ath_dstmt {
    ath_dconn *conn;
    char sql[64];
    int rows_left;
};

static atomic_long serials;

static int fake_check(const ath_connect_params *p, const ath_driver_host *host)
{
    for (size_t i = 0; i < p->noptions; i++)
        if (strcmp(p->keys[i], "fail_connect") != 0)
            return host->fail(ATH_EURL, NULL, 0, NULL, "unknown fake option '%s'", p->keys[i]);
    return ATH_OK;
}

static int fake_connect(ath_dconn **out, const ath_connect_params *p, const ath_driver_host *host,
                        ath_conn_info *info)
{
    *out = NULL;
    int rc = fake_check(p, host);
    if (rc != ATH_OK)
        return rc;
    for (size_t i = 0; i < p->noptions; i++)
        if (strcmp(p->values[i], "1") == 0)
            return host->fail(ATH_ECONNECT, NULL, 0, NULL, "fake connect refused");
    ath_dconn *c = host->malloc(sizeof *c);
    if (!c)
        return host->fail(ATH_ENOMEM, NULL, 0, NULL, "fake connection");
    c->host = host;
    c->serial = atomic_fetch_add(&serials, 1) + 1;
    c->dead = 0;
    c->die_after_tx = 0;
    info->caps = 0;
    info->max_params = 100;
    snprintf(info->server_version, sizeof info->server_version, "fake 1");
    *out = c;
    return ATH_OK;
}

static void fake_close(ath_dconn *c)
{
    if (c)
        c->host->free(c);
}

static int lost(ath_dconn *c)
{
    return c->host->fail(ATH_ECONNLOST, "08006", 0, NULL, "fake connection %ld is dead",
                         c->serial);
}

static int fake_ping(ath_dconn *c)
{
    return c->dead ? lost(c) : ATH_OK;
}

static int fake_exec(ath_dconn *c, const char *sql)
{
    if (c->dead)
        return lost(c);
    if (strcmp(sql, "KILL") == 0)
        c->dead = 1;
    if (strcmp(sql, "BREAK") == 0)
        c->die_after_tx = 1;
    if (c->die_after_tx && (strcmp(sql, "COMMIT") == 0 || strcmp(sql, "ROLLBACK") == 0))
        c->dead = 1;
    if (strcmp(sql, "FAIL") == 0)
        return c->host->fail(ATH_ESQL, "42000", 0, NULL, "fake failure");
    return ATH_OK;
}

static int fake_prepare(ath_dconn *c, const char *sql, size_t nparams, ath_dstmt **out)
{
    if (c->dead)
        return lost(c);
    ath_dstmt *st = c->host->malloc(sizeof *st);
    if (!st)
        return c->host->fail(ATH_ENOMEM, NULL, 0, NULL, "fake statement");
    st->conn = c;
    snprintf(st->sql, sizeof st->sql, "%s", sql);
    st->rows_left = 0;
    *out = st;
    return ATH_OK;
}

static void fake_finalize(ath_dstmt *st)
{
    if (st)
        st->conn->host->free(st);
}

static int fake_execute(ath_dstmt *st, const ath_value *params, size_t n)
{
    int rc = fake_exec(st->conn, st->sql);
    st->rows_left = rc == ATH_OK && strcmp(st->sql, "SELECT ID") == 0;
    return rc;
}

static int fake_step(ath_dstmt *st)
{
    if (st->rows_left <= 0)
        return 0;
    if (st->conn->dead)
        return lost(st->conn);
    return st->rows_left-- > 0;
}

static int fake_column_count(ath_dstmt *st)
{
    return strcmp(st->sql, "SELECT ID") == 0;
}

static const char *fake_column_name(ath_dstmt *st, int i)
{
    return "id";
}

static int fake_column(ath_dstmt *st, int i, ath_type want, ath_value *out)
{
    memset(out, 0, sizeof *out);
    out->type = ATH_T_I64;
    out->u.i64 = st->conn->serial;
    return ATH_OK;
}

static int64_t fake_changes(ath_dstmt *st)
{
    return 0;
}

static int fake_last_insert_id(ath_dconn *c, int64_t *out)
{
    *out = 0;
    return ATH_OK;
}

static void fake_reset(ath_dstmt *st)
{
    st->rows_left = 0;
}

static const char *const schemes[] = {"fake", NULL};
static const ath_dialect dialect = {
    .struct_size = sizeof(ath_dialect),
    .placeholder = ATH_PLACEHOLDER_QMARK,
    .ident_quote = '"',
    .type_names = {[ATH_T_I64] = "BIGINT", [ATH_T_TEXT] = "TEXT"},
    .begin_sql = "BEGIN",
    .max_params = 100,
    .table_options = "",
};
static const ath_driver driver = {
    .abi = ATH_DRIVER_ABI,
    .struct_size = sizeof(ath_driver),
    .name = "fake",
    .schemes = schemes,
    .dialect = &dialect,
    .connect = fake_connect,
    .close = fake_close,
    .ping = fake_ping,
    .exec = fake_exec,
    .prepare = fake_prepare,
    .finalize = fake_finalize,
    .execute = fake_execute,
    .step = fake_step,
    .column_count = fake_column_count,
    .column_name = fake_column_name,
    .column = fake_column,
    .changes = fake_changes,
    .last_insert_id = fake_last_insert_id,
    .reset = fake_reset,
    .check = fake_check,
};

ATH_API const ath_driver *athanor_fake_driver(void);
const ath_driver *athanor_fake_driver(void)
{
    return &driver;
}
