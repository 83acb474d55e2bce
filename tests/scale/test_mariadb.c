/* Read/write routing against a real MariaDB replica (binlog replication with GTID, started by
 * scripts/lib/server-mariadb.sh, start_mariadb_replica): an engine on the primary with the replica
 * as its replica; @@server_id and @@read_only through the session show where each statement ran.
 * The replica's server_id is its port, the primary's 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <athanor/filter.h>
#include <athanor/model.h>
#include <athanor/repository.h>
#include <athanor/routing.h>

#include "runner.h"
#include "scale.h"

static ath_engine *engine;          /* the primary, the replica as its replica */
static ath_engine *primary, *replica; /* each server alone */
static int64_t primary_id, replica_id;

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

/* @@server_id of the server a fresh session of `e` reads from, or -1. */
static int64_t server_id_of(ath_engine *e)
{
    ath_session *s = NULL;
    ath_result *r = NULL;
    int64_t id = -1;
    if (ath_session_open(&s, e) == ATH_OK &&
        ath_session_execute(s, "SELECT @@server_id", NULL, 0, &r) == ATH_OK &&
        ath_result_next(r) == 1)
        id = ath_result_i64(r, 0);
    ath_result_free(r);
    ath_session_close(s);
    return id;
}

/* The primary's @@gtid_binlog_pos (every transaction it committed) into buf; the rc. */
static int primary_gtid(char *buf, size_t size)
{
    ath_session *s = NULL;
    ath_result *r = NULL;
    int rc = ath_session_open(&s, primary);
    if (rc == ATH_OK)
        rc = ath_session_execute(s, "SELECT @@gtid_binlog_pos", NULL, 0, &r);
    if (rc == ATH_OK)
        rc = ath_result_next(r) == 1 ? ATH_OK : ATH_ESQL;
    if (rc == ATH_OK)
        snprintf(buf, size, "%s", ath_result_text(r, 0) ? ath_result_text(r, 0) : "");
    ath_result_free(r);
    ath_session_close(s);
    return rc;
}

/* Waits (MASTER_GTID_WAIT, at most `seconds`) until the replica has applied everything the
 * primary committed so far: 0 once it has, -1 on timeout, or a negative rc. */
static int wait_replicated(double seconds)
{
    char gtid[512];
    int rc = primary_gtid(gtid, sizeof gtid);
    if (rc != ATH_OK)
        return rc;
    ath_session *s = NULL;
    ath_result *r = NULL;
    ath_value p[] = {ath_v_text(gtid), ath_v_double(seconds)};
    rc = ath_session_open(&s, replica);
    if (rc == ATH_OK)
        rc = ath_session_execute(s, "SELECT MASTER_GTID_WAIT(?, ?)", p, 2, &r);
    if (rc == ATH_OK)
        rc = ath_result_next(r) == 1 ? (int)ath_result_i64(r, 0) : ATH_ESQL;
    ath_result_free(r);
    ath_session_close(s);
    return rc;
}

static int64_t count_on(ath_session *s, int id)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM mr_item WHERE id = %d", id);
    return scale_i64(s, sql);
}

static int suite_init(void)
{
    /* the lone replica engine pre-pings: the fallback test stops and restarts the server */
    char replica_url[600];
    snprintf(replica_url, sizeof replica_url, "%s?pool_pre_ping=true", scale.my_replica_url);
    if (ath_engine_create(&engine, scale.my_primary_url) != ATH_OK ||
        ath_engine_add_replica(engine, scale.my_replica_url) != ATH_OK ||
        ath_engine_create(&primary, scale.my_primary_url) != ATH_OK ||
        ath_engine_create(&replica, replica_url) != ATH_OK)
        return 1;
    primary_id = server_id_of(primary);
    replica_id = server_id_of(replica);
    if (primary_id < 0 || replica_id < 0 || primary_id == replica_id) {
        fprintf(stderr, "mariadb: server ids %lld and %lld\n", (long long)primary_id,
                (long long)replica_id);
        return 1;
    }
    if (scale_exec(primary, "DROP TABLE IF EXISTS mr_item") != ATH_OK ||
        scale_exec(primary, "CREATE TABLE mr_item (id INTEGER PRIMARY KEY, note VARCHAR(64))") !=
            ATH_OK)
        return 1;
    /* the table reaches the replica before the tests read it there */
    return wait_replicated(30) == 0 ? 0 : 1;
}

static int suite_clean(void)
{
    ath_engine_dispose(engine);
    scale_exec(primary, "DROP TABLE IF EXISTS mr_item");
    ath_engine_dispose(primary);
    ath_engine_dispose(replica);
    return 0;
}

static void test_reads_land_on_the_replica(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    for (int i = 0; i < 3; i++) {
        ASSERT_I64(scale_i64(s, "SELECT @@server_id"), replica_id);
        ASSERT_I64(scale_i64(s, "SELECT @@read_only"), 1);
        CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_REPLICA);
        ASSERT_RC(ath_session_commit(s), ATH_OK);
    }
    ath_session_close(s);
}

static void test_the_replica_refuses_writes(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, replica), ATH_OK);
    /* ER_OPTION_PREVENTS_STATEMENT, which the driver maps to ATH_EIO (docs/errors.md) */
    ASSERT_RC(ath_session_execute(s, "INSERT INTO mr_item VALUES (999, 'no')", NULL, 0, NULL),
              ATH_EIO);
    ASSERT_I64(ath_error_last()->native_code, 1290);
    ASSERT_ERR_HAS("read-only");
    ath_session_rollback(s);
    ath_session_close(s);
}

static void test_a_write_then_a_read_in_the_session_sees_the_write(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), replica_id); /* begins on the replica */
    ath_value p[] = {ath_v_i32(1), ath_v_text("mine")};
    /* on the replica this would be error 1290 (--read-only) */
    ASSERT_RC(ath_session_execute(s, "INSERT INTO mr_item VALUES (?, ?)", p, 2, NULL), ATH_OK);
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), primary_id);
    ASSERT_I64(scale_i64(s, "SELECT @@read_only"), 0);
    /* sticky after write: the read sees the uncommitted row, so it ran on the primary */
    ASSERT_I64(count_on(s, 1), 1);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), replica_id); /* a new transaction */
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_REPLICA);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

static void test_locking_reads_begin_and_route_primary_use_the_primary(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_I64(scale_i64(s, "SELECT count(*) FROM (SELECT id FROM mr_item FOR UPDATE) AS l"), 1);
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), primary_id);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(scale_i64(s, "SELECT count(*) FROM mr_item LOCK IN SHARE MODE"), 1);
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), primary_id);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_session_begin(s), ATH_OK);
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), primary_id);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_RC(ath_session_set_route(s, ATH_ROUTE_PRIMARY), ATH_OK);
    for (int i = 0; i < 2; i++) {
        ASSERT_I64(scale_i64(s, "SELECT @@server_id"), primary_id);
        ASSERT_RC(ath_session_commit(s), ATH_OK);
    }
    ASSERT_RC(ath_session_set_route(s, ATH_ROUTE_AUTO), ATH_OK);
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), replica_id);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

static void test_a_transaction_begun_on_the_replica_stays_there(void)
{
    /* InnoDB's REPEATABLE READ: a transaction reads from the snapshot of its first read. A row
     * that reaches the replica after that read is not seen until the transaction ends, so every
     * read of it ran in that one transaction on the replica. (The driver's default is READ
     * COMMITTED, which would show the row at once.) */
    char purl[600], rurl[600];
    snprintf(purl, sizeof purl, "%s?isolation_level=REPEATABLE-READ", scale.my_primary_url);
    snprintf(rurl, sizeof rurl, "%s?isolation_level=REPEATABLE-READ", scale.my_replica_url);
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, purl), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, rurl), ATH_OK);
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_I64(count_on(s, 50), 0);
    ASSERT_RC(scale_exec(primary, "INSERT INTO mr_item VALUES (50, 'later')"), ATH_OK);
    ASSERT_I64(wait_replicated(10), 0); /* on the replica now */
    for (int i = 0; i < 3; i++) {
        ASSERT_I64(count_on(s, 50), 0);
        ASSERT_I64(scale_i64(s, "SELECT @@server_id"), replica_id);
        CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_REPLICA);
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(count_on(s, 50), 1); /* the next transaction, a new snapshot */
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), replica_id);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_a_committed_row_reaches_the_replica(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ath_value p[] = {ath_v_i32(2), ath_v_text("replicated")};
    ASSERT_RC(ath_session_execute(s, "INSERT INTO mr_item VALUES (?, ?)", p, 2, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    double t0 = test_now();
    int64_t seen = 0;
    while (test_now() - t0 < 10) { /* bounded poll through the routed session */
        seen = count_on(s, 2);
        CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_REPLICA);
        ASSERT_RC(ath_session_commit(s), ATH_OK);
        if (seen == 1)
            break;
        sleep_ms(2);
    }
    ASSERT_I64(seen, 1);
    printf("\n    mariadb: a committed row showed on the replica after %.1f ms\n",
           (test_now() - t0) * 1000);
    ASSERT_I64(wait_replicated(10), 0);
    ath_session_close(s);
}

typedef struct MrItem {
    int32_t id;
    char *note;
} MrItem;
static const ath_field mr_item_fields[] = {
    ATH_FIELD(MrItem, id, i32, .flags = ATH_PK),
    ATH_FIELD(MrItem, note, opt_text),
};
static const ath_model MrItem_model = ATH_MODEL_OF(MrItem, "mr_item", mr_item_fields);

static void test_opt_primary_reads_one_call_on_the_primary(void)
{
    ath_session *s = NULL;
    ath_repo *r = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &MrItem_model), ATH_OK);
    int64_t n = -1;
    ASSERT_RC(ath_repo_count(r, &n, NULL, 0), ATH_OK);
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), replica_id);
    ath_filter fp[] = {ath_options(ATH_OPT_PRIMARY)};
    ath_list *l = NULL;
    ASSERT_RC(ath_repo_list(r, &l, fp, 1), ATH_OK); /* moves the transaction to the primary */
    ath_list_free(l);
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), primary_id);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_repo_count(r, &n, fp, 1), ATH_OK);
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), primary_id);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_repo_count(r, &n, NULL, 0), ATH_OK); /* the next call: the replica again */
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), replica_id);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_repo_free(r);
    ath_session_close(s);
}

static void test_round_robin_alternates_and_random_reaches_both(void)
{
    /* the replica and then the primary's own URL as the two replicas: @@server_id tells which */
    static const char *const policies[] = {"round_robin", "random"};
    for (int k = 0; k < 2; k++) {
        char url[600];
        snprintf(url, sizeof url, "%s?replica_policy=%s", scale.my_primary_url, policies[k]);
        ath_engine *e = NULL;
        ASSERT_RC(ath_engine_create(&e, url), ATH_OK);
        ASSERT_RC(ath_engine_add_replica(e, scale.my_replica_url), ATH_OK);
        ASSERT_RC(ath_engine_add_replica(e, scale.my_primary_url), ATH_OK);
        ath_session *s = NULL;
        ASSERT_RC(ath_session_open(&s, e), ATH_OK);
        int on_replica = 0, repeats = 0, n = k == 0 ? 10 : 40;
        int64_t last = -1;
        for (int i = 0; i < n; i++) {
            int64_t id = scale_i64(s, "SELECT @@server_id");
            CU_ASSERT_TRUE(id == replica_id || id == primary_id);
            if (k == 0) /* replica, primary, replica, … */
                ASSERT_I64(id, i % 2 == 0 ? replica_id : primary_id);
            CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_REPLICA);
            on_replica += id == replica_id;
            repeats += id == last;
            last = id;
            ASSERT_RC(ath_session_commit(s), ATH_OK);
        }
        if (k == 1) { /* 40 fair coins miss a server, or never repeat, with probability 2^-39 */
            CU_ASSERT_TRUE(on_replica > 0 && on_replica < n);
            CU_ASSERT_TRUE(repeats > 0);
        }
        ath_session_close(s);
        ath_engine_dispose(e);
    }
}

/* Runs a shell command of scripts/test (the replica's stop or start); true when it succeeded. */
static bool run_cmd(const char *what, const char *cmd)
{
    if (!cmd) {
        fprintf(stderr, "ATHANOR_TEST_MY_REPLICA_%s is not set\n", what);
        return false;
    }
    return system(cmd) == 0;
}

static void test_a_stopped_replica_falls_back_to_the_primary(void)
{
    /* two engines with a pooled connection to the replica each: one pre-pings at checkout */
    char url[600];
    snprintf(url, sizeof url, "%s?pool_pre_ping=true", scale.my_primary_url);
    ath_engine *pinged = NULL, *plain = NULL;
    ASSERT_RC(ath_engine_create(&pinged, url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(pinged, scale.my_replica_url), ATH_OK);
    ASSERT_RC(ath_engine_create(&plain, scale.my_primary_url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(plain, scale.my_replica_url), ATH_OK);
    ASSERT_I64(server_id_of(pinged), replica_id);
    ASSERT_I64(server_id_of(plain), replica_id);

    CU_ASSERT_FATAL(run_cmd("STOP", scale.my_replica_stop));
    /* pre-ping finds the pooled connection dead, no new one connects: the primary reads */
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, pinged), ATH_OK);
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), primary_id);
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    /* without pre-ping the first read on the dead pooled connection fails as lost and the
     * connection leaves the pool; the next transaction reads on the primary */
    ASSERT_RC(ath_session_open(&s, plain), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "SELECT @@server_id", NULL, 0, NULL), ATH_ECONNLOST);
    ath_session_rollback(s);
    ASSERT_I64(scale_i64(s, "SELECT @@server_id"), primary_id);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);

    CU_ASSERT_FATAL(run_cmd("START", scale.my_replica_start));
    /* back: both read on the replica again, and it catches up on what it missed */
    ASSERT_RC(scale_exec(primary, "INSERT INTO mr_item VALUES (3, 'while down')"), ATH_OK);
    ASSERT_I64(server_id_of(pinged), replica_id);
    ASSERT_I64(server_id_of(plain), replica_id);
    ASSERT_I64(wait_replicated(20), 0);
    ath_engine_dispose(pinged);
    ath_engine_dispose(plain);
}

TEST_SUITE(mariadb_routing)
{
    if (!scale.my)
        return;
    static const test_case tests[] = {
        {"reads land on the replica", test_reads_land_on_the_replica},
        {"the replica refuses writes", test_the_replica_refuses_writes},
        {"a write then a read in the session sees the write",
         test_a_write_then_a_read_in_the_session_sees_the_write},
        {"locking reads, begin and ATH_ROUTE_PRIMARY use the primary",
         test_locking_reads_begin_and_route_primary_use_the_primary},
        {"a transaction begun on the replica stays there",
         test_a_transaction_begun_on_the_replica_stays_there},
        {"a committed row reaches the replica", test_a_committed_row_reaches_the_replica},
        {"ATH_OPT_PRIMARY reads one call on the primary",
         test_opt_primary_reads_one_call_on_the_primary},
        {"round-robin alternates and random reaches both",
         test_round_robin_alternates_and_random_reaches_both},
        {"a stopped replica falls back to the primary",
         test_a_stopped_replica_falls_back_to_the_primary},
        {NULL, NULL}};
    test_add_suite("mariadb_routing", suite_init, suite_clean, tests);
}
