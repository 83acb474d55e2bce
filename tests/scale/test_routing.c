/* Read/write routing against a real hot standby: an engine on the primary with the standby as
 * its replica; pg_is_in_recovery() through the session shows where each statement ran. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <athanor/filter.h>
#include <athanor/model.h>
#include <athanor/repository.h>
#include <athanor/routing.h>

#include "runner.h"
#include "scale.h"

static ath_engine *engine;
static int on_standby(const char *sql);

static int suite_init(void)
{
    if (ath_engine_create(&engine, scale.primary_url) != ATH_OK ||
        ath_engine_add_replica(engine, scale.standby_url) != ATH_OK)
        return 1;
    ath_engine *p = NULL;
    int rc = ath_engine_create(&p, scale.primary_url);
    if (rc == ATH_OK)
        rc = scale_exec(p, "DROP TABLE IF EXISTS rt_item");
    if (rc == ATH_OK)
        rc = scale_exec(p, "CREATE TABLE rt_item (id INTEGER PRIMARY KEY, note TEXT)");
    ath_engine_dispose(p);
    /* the table reaches the standby before the tests read it there */
    for (int i = 0; rc == ATH_OK && i < 1000; i++) {
        ath_engine *sb = NULL;
        ath_session *s = NULL;
        int found = ath_engine_create(&sb, scale.standby_url) == ATH_OK &&
                    ath_session_open(&s, sb) == ATH_OK &&
                    ath_session_execute(s, "SELECT count(*) FROM rt_item", NULL, 0, NULL) == ATH_OK;
        ath_session_close(s);
        ath_engine_dispose(sb);
        if (found)
            return 0;
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    return 1;
}

static int suite_clean(void)
{
    on_standby("SELECT pg_wal_replay_resume()"); /* a failed lag test must not leave it paused */
    ath_engine *p = NULL;
    if (ath_engine_create(&p, scale.primary_url) == ATH_OK)
        scale_exec(p, "DROP TABLE IF EXISTS rt_item");
    ath_engine_dispose(p);
    ath_engine_dispose(engine);
    return 0;
}

static void test_reads_land_on_the_standby(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(scale_in_recovery(s), 1);
        CU_ASSERT_EQUAL(scale_i64(s, "SELECT inet_server_port()"), scale.standby_port);
        CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_REPLICA);
        ASSERT_RC(ath_session_commit(s), ATH_OK);
    }
    ath_session_close(s);
}

static void test_writes_land_on_the_primary_and_the_session_reads_its_writes(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 1); /* the transaction starts on the standby */
    ath_value p[] = {ath_v_i32(1), ath_v_text("mine")};
    /* on the standby this would be 25006 (read-only transaction) */
    ASSERT_RC(ath_session_execute(s, "INSERT INTO rt_item VALUES (?, ?)", p, 2, NULL), ATH_OK);
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0);
    /* read-your-writes inside the sticky transaction, even before the commit */
    CU_ASSERT_EQUAL(scale_i64(s, "SELECT count(*) FROM rt_item WHERE note = 'mine'"), 1);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 1); /* a new transaction: back on the standby */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

static void test_locking_reads_and_explicit_transactions_use_the_primary(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    /* FOR UPDATE on a standby fails (25006): it goes to the primary */
    CU_ASSERT_EQUAL(scale_i64(s, "SELECT count(*) FROM (SELECT id FROM rt_item FOR UPDATE) AS l"),
                    1);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_session_begin(s), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_RC(ath_session_set_route(s, ATH_ROUTE_PRIMARY), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

static void test_a_replica_that_is_down_falls_back(void)
{
    /* port 1 on loopback refuses at once: the standby, then the primary, serves instead */
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, scale.primary_url), ATH_OK);
    char dead[512];
    snprintf(dead, sizeof dead, "postgresql://%s:%s@127.0.0.1:1/%s", scale.user, scale.password,
             scale.database);
    ASSERT_RC(ath_engine_add_replica(e, dead), ATH_OK);
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0); /* no replica up: the primary */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, scale.standby_url), ATH_OK);
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(scale_in_recovery(s), 1);
        ASSERT_RC(ath_session_commit(s), ATH_OK);
    }
    ath_session_close(s);
    ath_engine_dispose(e);
}


/* An engine on the primary with `query` on its URL, the standby and then the primary itself as
 * its two replicas: pg_is_in_recovery() tells which replica served a read. */
static ath_engine *standby_and_primary(const char *query)
{
    char url[600];
    snprintf(url, sizeof url, "%s?%s", scale.primary_url, query);
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, scale.standby_url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, scale.primary_url), ATH_OK);
    return e;
}

static void test_round_robin_alternates_and_random_reaches_both(void)
{
    ath_engine *e = standby_and_primary("replica_policy=round_robin");
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    for (int i = 0; i < 10; i++) {
        CU_ASSERT_EQUAL(scale_in_recovery(s), i % 2 == 0); /* standby, primary, standby, … */
        CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_REPLICA);
        ASSERT_RC(ath_session_commit(s), ATH_OK);
    }
    ath_session_close(s);
    ath_engine_dispose(e);

    e = standby_and_primary("replica_policy=random");
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    int standby = 0, repeats = 0, last = -1;
    for (int i = 0; i < 40; i++) {
        int r = scale_in_recovery(s);
        CU_ASSERT_TRUE(r == 0 || r == 1);
        standby += r == 1;
        repeats += r == last;
        last = r;
        ASSERT_RC(ath_session_commit(s), ATH_OK);
    }
    /* a fair coin: 40 reads miss a server, or never repeat one, with probability 2^-39 */
    CU_ASSERT_TRUE(standby > 0 && standby < 40);
    CU_ASSERT_TRUE(repeats > 0);
    ath_session_close(s);
    ath_engine_dispose(e);
}

typedef struct RtItem {
    int32_t id;
    char *note;
} RtItem;
static const ath_field rt_item_fields[] = {
    ATH_FIELD(RtItem, id, i32, .flags = ATH_PK),
    ATH_FIELD(RtItem, note, opt_text),
};
static const ath_model RtItem_model = ATH_MODEL_OF(RtItem, "rt_item", rt_item_fields);

static void test_opt_primary_reads_one_call_on_the_primary(void)
{
    ath_session *s = NULL;
    ath_repo *r = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &RtItem_model), ATH_OK);
    int64_t n = -1;
    ASSERT_RC(ath_repo_count(r, &n, NULL, 0), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 1);
    ath_filter fp[] = {ath_options(ATH_OPT_PRIMARY)};
    ath_list *l = NULL;
    ASSERT_RC(ath_repo_list(r, &l, fp, 1), ATH_OK); /* moves the transaction to the primary */
    ath_list_free(l);
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_repo_count(r, &n, fp, 1), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_repo_count(r, &n, NULL, 0), ATH_OK); /* the next call: the standby again */
    CU_ASSERT_EQUAL(scale_in_recovery(s), 1);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_repo_free(r);
    ath_session_close(s);
}

/* Runs `sql` on the standby (pg_wal_replay_pause/resume: scripts/lib grants them). */
static int on_standby(const char *sql)
{
    ath_engine *sb = NULL;
    ath_session *s = NULL;
    int rc = ath_engine_create(&sb, scale.standby_url);
    if (rc == ATH_OK)
        rc = ath_session_open(&s, sb);
    if (rc == ATH_OK)
        rc = ath_session_execute(s, sql, NULL, 0, NULL);
    if (rc == ATH_OK)
        rc = ath_session_commit(s);
    ath_session_close(s);
    ath_engine_dispose(sb);
    return rc;
}

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

static void test_a_lagging_standby_is_skipped_under_replica_max_lag(void)
{
    char url[600];
    snprintf(url, sizeof url, "%s?replica_max_lag=0.5", scale.primary_url);
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, scale.standby_url), ATH_OK);
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(s), 1); /* caught up: the standby */
    ASSERT_RC(ath_session_commit(s), ATH_OK);

    ASSERT_RC(on_standby("SELECT pg_wal_replay_pause()"), ATH_OK);
    ath_engine *p = NULL;
    ASSERT_RC(ath_engine_create(&p, scale.primary_url), ATH_OK);
    ASSERT_RC(scale_exec(p, "INSERT INTO rt_item VALUES (100, 'while paused')"), ATH_OK);
    sleep_ms(800); /* the standby received the commit and has not replayed it for 0.8 s */
    CU_ASSERT_EQUAL(scale_in_recovery(s), 0); /* skipped: the primary reads */
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    CU_ASSERT_EQUAL(scale_i64(s, "SELECT count(*) FROM rt_item WHERE id = 100"), 1);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    /* the same standby without the limit still serves, without the row */
    ath_session *plain = NULL;
    ASSERT_RC(ath_session_open(&plain, engine), ATH_OK);
    CU_ASSERT_EQUAL(scale_in_recovery(plain), 1);
    CU_ASSERT_EQUAL(scale_i64(plain, "SELECT count(*) FROM rt_item WHERE id = 100"), 0);
    ASSERT_RC(ath_session_commit(plain), ATH_OK);
    ath_session_close(plain);

    ASSERT_RC(on_standby("SELECT pg_wal_replay_resume()"), ATH_OK);
    int back = -1, waited = 0;
    for (; waited < 5000; waited += 20) { /* replayed: the standby serves again */
        back = scale_in_recovery(s);
        ASSERT_RC(ath_session_commit(s), ATH_OK);
        if (back == 1)
            break;
        sleep_ms(20);
    }
    CU_ASSERT_EQUAL(back, 1);
    CU_ASSERT_EQUAL(scale_i64(s, "SELECT count(*) FROM rt_item WHERE id = 100"), 1);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    ASSERT_RC(scale_exec(p, "DELETE FROM rt_item WHERE id = 100"), ATH_OK);
    ath_engine_dispose(p);
    ath_engine_dispose(e);
}

TEST_SUITE(routing)
{
    if (!scale.pg)
        return;
    static const test_case tests[] = {
        {"reads land on the standby", test_reads_land_on_the_standby},
        {"writes land on the primary and the session reads its writes",
         test_writes_land_on_the_primary_and_the_session_reads_its_writes},
        {"locking reads and explicit transactions use the primary",
         test_locking_reads_and_explicit_transactions_use_the_primary},
        {"a replica that is down falls back", test_a_replica_that_is_down_falls_back},
        {"round-robin alternates and random reaches both",
         test_round_robin_alternates_and_random_reaches_both},
        {"ATH_OPT_PRIMARY reads one call on the primary",
         test_opt_primary_reads_one_call_on_the_primary},
        {"a lagging standby is skipped under replica_max_lag",
         test_a_lagging_standby_is_skipped_under_replica_max_lag},
        {NULL, NULL}};
    test_add_suite("routing", suite_init, suite_clean, tests);
}
