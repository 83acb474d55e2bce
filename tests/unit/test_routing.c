/* Read/write routing (core/routing.c, core/session.c) on two SQLite files that stand for a
 * primary and a replica: each holds a row saying which it is, so a read shows where it ran. The
 * same rules against a real PostgreSQL hot standby: tests/scale/test_routing.c. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <athanor/engine.h>
#include <athanor/filter.h>
#include <athanor/model.h>
#include <athanor/repository.h>
#include <athanor/routing.h>
#include <athanor/session.h>

#include "routing.h"
#include "runner.h"
#include "urls.h"

static char primary_path[400], replica_path[400], primary_url[450], replica_url[450];
static char replica2_path[400], replica2_url[450]; /* a second replica, for the policies */
static ath_engine *engine; /* the primary, with the replica added */

static int exec_on(const char *url, const char *sql)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    int rc = ath_engine_create(&e, url);
    if (rc == ATH_OK)
        rc = ath_session_open(&s, e);
    if (rc == ATH_OK)
        rc = ath_session_execute(s, sql, NULL, 0, NULL);
    if (rc == ATH_OK)
        rc = ath_session_commit(s);
    ath_session_close(s);
    ath_engine_dispose(e);
    return rc;
}

static int setup(void)
{
    snprintf(primary_path, sizeof primary_path, "%s/athanor-route-p-%d.db", test_workdir(),
             (int)getpid());
    snprintf(replica_path, sizeof replica_path, "%s/athanor-route-r-%d.db", test_workdir(),
             (int)getpid());
    snprintf(primary_url, sizeof primary_url, "sqlite:///%s", primary_path);
    snprintf(replica_url, sizeof replica_url, "sqlite:///%s", replica_path);
    snprintf(replica2_path, sizeof replica2_path, "%s/athanor-route-r2-%d.db", test_workdir(),
             (int)getpid());
    snprintf(replica2_url, sizeof replica2_url, "sqlite:///%s", replica2_path);
    unlink(primary_path);
    unlink(replica_path);
    unlink(replica2_path);
    if (exec_on(replica2_url, "CREATE TABLE whoami (name TEXT)") != ATH_OK ||
        exec_on(replica2_url, "INSERT INTO whoami VALUES ('replica2')") != ATH_OK)
        return 1;
    if (exec_on(primary_url, "CREATE TABLE whoami (name TEXT)") != ATH_OK ||
        exec_on(primary_url, "INSERT INTO whoami VALUES ('primary')") != ATH_OK ||
        exec_on(replica_url, "CREATE TABLE whoami (name TEXT)") != ATH_OK ||
        exec_on(replica_url, "INSERT INTO whoami VALUES ('replica')") != ATH_OK)
        return 1;
    if (ath_engine_create(&engine, primary_url) != ATH_OK ||
        ath_engine_add_replica(engine, replica_url) != ATH_OK)
        return 1;
    return 0;
}

static int teardown(void)
{
    ath_engine_dispose(engine);
    unlink(primary_path);
    unlink(replica_path);
    unlink(replica2_path);
    return 0;
}

/* The server the session's current (or next) transaction reads from, copied to a static buffer. */
static const char *whoami(ath_session *s)
{
    static char name[32];
    ath_result *r = NULL;
    name[0] = '\0';
    ASSERT_RC(ath_session_execute(s, "SELECT name FROM whoami ORDER BY name LIMIT 1", NULL, 0,
                                  &r),
              ATH_OK);
    if (ath_result_next(r) == 1)
        snprintf(name, sizeof name, "%s", ath_result_text(r, 0));
    ath_result_free(r);
    return name;
}

static void test_reads_go_to_the_replica(void)
{
    CU_ASSERT_EQUAL(ath_engine_replica_count(engine), 1);
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_NONE);
    CU_ASSERT_STRING_EQUAL(whoami(s), "replica");
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_REPLICA);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_NONE);
    ath_session_close(s);
}

static void test_a_write_and_what_follows_run_on_the_primary_until_commit(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    CU_ASSERT_STRING_EQUAL(whoami(s), "replica");
    /* the first write moves the session to the primary, mid-transaction */
    ASSERT_RC(ath_session_execute(s, "INSERT INTO whoami VALUES ('written')", NULL, 0, NULL),
              ATH_OK);
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    /* sticky: reads stay there and see the write */
    CU_ASSERT_STRING_EQUAL(whoami(s), "primary");
    ath_result *r = NULL;
    ASSERT_RC(ath_session_execute(s, "SELECT count(*) FROM whoami WHERE name = 'written'", NULL,
                                  0, &r),
              ATH_OK);
    ASSERT_RC(ath_result_next(r), 1);
    CU_ASSERT_EQUAL(ath_result_i64(r, 0), 1);
    ath_result_free(r);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    /* the next transaction reads from the replica again */
    CU_ASSERT_STRING_EQUAL(whoami(s), "replica");
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ath_session_close(s);
    ASSERT_RC(exec_on(primary_url, "DELETE FROM whoami WHERE name = 'written'"), ATH_OK);
}

static void test_route_primary_begin_savepoint_and_locking_reads_use_the_primary(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_session_set_route(s, ATH_ROUTE_PRIMARY), ATH_OK);
    CU_ASSERT_STRING_EQUAL(whoami(s), "primary");
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_session_set_route(s, ATH_ROUTE_AUTO), ATH_OK);
    CU_ASSERT_STRING_EQUAL(whoami(s), "replica");
    ASSERT_RC(ath_session_commit(s), ATH_OK);

    ASSERT_RC(ath_session_begin(s), ATH_OK);
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    CU_ASSERT_STRING_EQUAL(whoami(s), "primary");
    ASSERT_RC(ath_session_commit(s), ATH_OK);

    CU_ASSERT_STRING_EQUAL(whoami(s), "replica");
    ath_savepoint sp = 0;
    ASSERT_RC(ath_session_savepoint(s, &sp), ATH_OK);
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ath_session_close(s);

    CU_ASSERT_TRUE(ath_sql_is_locking("SELECT * FROM t WHERE id = 1 FOR UPDATE"));
    CU_ASSERT_TRUE(ath_sql_is_locking("select * from t for no key update skip locked"));
    CU_ASSERT_TRUE(ath_sql_is_locking("SELECT * FROM t FOR SHARE"));
    CU_ASSERT_TRUE(ath_sql_is_locking("SELECT * FROM t LOCK IN SHARE MODE"));
    CU_ASSERT_FALSE(ath_sql_is_locking("SELECT update_count, for_x FROM t"));
    CU_ASSERT_FALSE(ath_sql_is_locking("SELECT name FROM whoami"));
}

static void test_a_replica_that_cannot_connect_falls_back(void)
{
    /* a replica file in a directory that does not exist cannot open: the next one, then the
     * primary, serves the read */
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, primary_url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, "sqlite:////nonexistent-athanor-dir/r.db?mode=rw"),
              ATH_OK);
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    CU_ASSERT_STRING_EQUAL(whoami(s), "primary");
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, replica_url), ATH_OK);
    CU_ASSERT_EQUAL(ath_engine_replica_count(e), 2);
    for (int i = 0; i < 4; i++) { /* round-robin: the dead one is passed over every time */
        CU_ASSERT_STRING_EQUAL(whoami(s), "replica");
        ASSERT_RC(ath_session_commit(s), ATH_OK);
    }
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_replica_urls_are_checked(void)
{
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, primary_url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, "postgresql://u@h/db"), ATH_EINVAL);
    ASSERT_ERR_HAS("a replica must use the primary's");
    ASSERT_RC(ath_engine_add_replica(e, "sqlite:///x.db?pool_bogus=1"), ATH_EURL);
    for (int i = 0; i < ATH_MAX_REPLICAS; i++)
        ASSERT_RC(ath_engine_add_replica(e, replica_url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, replica_url), ATH_EINVAL);
    ASSERT_ERR_HAS("ATH_MAX_REPLICAS");
    CU_ASSERT_EQUAL(ath_engine_replica_count(e), ATH_MAX_REPLICAS);
    ath_engine_dispose(e);
}


/* `n` read transactions on an engine over two replicas; names[i] says which answered. */
static void read_n(ath_engine *e, int n, char names[][32])
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    for (int i = 0; i < n; i++) {
        snprintf(names[i], 32, "%s", whoami(s));
        CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_REPLICA);
        ASSERT_RC(ath_session_commit(s), ATH_OK);
    }
    ath_session_close(s);
}

static void test_round_robin_alternates_exactly(void)
{
    ath_engine *e = NULL;
    char names[12][32];
    ASSERT_RC(ath_engine_create(&e, primary_url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, replica_url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, replica2_url), ATH_OK);
    read_n(e, 12, names);
    for (int i = 0; i < 12; i++)
        CU_ASSERT_STRING_EQUAL(names[i], i % 2 ? "replica2" : "replica");
    ath_engine_dispose(e);
}

static void test_random_reaches_both_replicas_and_does_not_alternate(void)
{
    char url[520];
    snprintf(url, sizeof url, "%s?replica_policy=random", primary_url);
    ath_engine *e = NULL;
    char names[64][32];
    ASSERT_RC(ath_engine_create(&e, url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, replica_url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, replica2_url), ATH_OK);
    read_n(e, 64, names);
    int first = 0, repeats = 0;
    for (int i = 0; i < 64; i++) {
        first += strcmp(names[i], "replica") == 0;
        CU_ASSERT_TRUE(strcmp(names[i], "replica") == 0 || strcmp(names[i], "replica2") == 0);
        repeats += i > 0 && strcmp(names[i], names[i - 1]) == 0;
    }
    /* a fair coin: 64 reads miss a replica, or never repeat one, with probability 2^-63 */
    CU_ASSERT_TRUE(first > 0 && first < 64);
    CU_ASSERT_TRUE(repeats > 0);
    ath_engine_dispose(e);

    /* the same through the options struct; bad values are refused */
    ath_engine_options o;
    ath_engine_options_init(&o);
    CU_ASSERT_EQUAL(o.replica_policy, ATH_REPLICA_ROUND_ROBIN);
    CU_ASSERT_TRUE(o.replica_max_lag <= 0);
    o.replica_policy = ATH_REPLICA_RANDOM;
    ASSERT_RC(ath_engine_create_opts(&e, primary_url, &o), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, replica_url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, replica2_url), ATH_OK);
    read_n(e, 64, names);
    first = 0;
    for (int i = 0; i < 64; i++)
        first += strcmp(names[i], "replica") == 0;
    CU_ASSERT_TRUE(first > 0 && first < 64);
    ath_engine_dispose(e);
    o.replica_policy = (ath_replica_policy)7;
    ASSERT_RC(ath_engine_create_opts(&e, primary_url, &o), ATH_EINVAL);
    ASSERT_ERR_HAS("replica_policy");
    snprintf(url, sizeof url, "%s?replica_policy=sometimes", primary_url);
    ASSERT_RC(ath_engine_create(&e, url), ATH_EURL);
    ASSERT_ERR_HAS("expected round_robin or random");
}

static void test_max_lag_needs_postgresql(void)
{
    char url[520];
    snprintf(url, sizeof url, "%s?replica_max_lag=2", primary_url);
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, url), ATH_OK);
    ASSERT_RC(ath_engine_add_replica(e, replica_url), ATH_EINVAL);
    ASSERT_ERR_HAS("replica_max_lag needs a server that reports replica lag");
    CU_ASSERT_EQUAL(ath_engine_replica_count(e), 0);
    ath_engine_dispose(e);
    snprintf(url, sizeof url, "%s?replica_max_lag=soon", primary_url);
    ASSERT_RC(ath_engine_create(&e, url), ATH_EURL);
}

typedef struct Who {
    int64_t id;
    char *name;
} Who;
static const ath_field who_fields[] = {
    ATH_FIELD(Who, id, i64, .flags = ATH_PK),
    ATH_FIELD(Who, name, text),
};
static const ath_model Who_model = ATH_MODEL_OF(Who, "who", who_fields);

/* The name in the only `who` row, read through a repository with `options`. */
static void who_list(ath_repo *r, unsigned options, const char *want)
{
    ath_filter f[] = {ath_options(options)};
    ath_list *l = NULL;
    ASSERT_RC(ath_repo_list(r, &l, f, 1), ATH_OK);
    CU_ASSERT_EQUAL(ath_list_count(l), 1);
    if (ath_list_count(l) == 1)
        CU_ASSERT_STRING_EQUAL(((Who *)ath_list_at(l, 0))->name, want);
    ath_list_free(l);
}

static void test_opt_primary_reads_one_call_from_the_primary(void)
{
    ASSERT_RC(exec_on(primary_url, "CREATE TABLE who (id INTEGER PRIMARY KEY, name TEXT)"),
              ATH_OK);
    ASSERT_RC(exec_on(primary_url, "INSERT INTO who VALUES (1, 'primary')"), ATH_OK);
    ASSERT_RC(exec_on(replica_url, "CREATE TABLE who (id INTEGER PRIMARY KEY, name TEXT)"),
              ATH_OK);
    ASSERT_RC(exec_on(replica_url, "INSERT INTO who VALUES (1, 'replica')"), ATH_OK);
    ath_session *s = NULL;
    ath_repo *r = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &Who_model), ATH_OK);
    who_list(r, 0, "replica");
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_REPLICA);
    /* mid-transaction on the replica: the call moves the session to the primary ... */
    who_list(r, ATH_OPT_PRIMARY, "primary");
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    /* ... where it stays until the transaction ends */
    who_list(r, 0, "primary");
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    who_list(r, 0, "replica");
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    /* get by key, count and iterators take it too */
    Who w = {0};
    ASSERT_RC(ath_repo_get_opts(r, &w, (ath_value[]){ath_v_i64(1)}, 1, ATH_OPT_PRIMARY), ATH_OK);
    CU_ASSERT_STRING_EQUAL(w.name, "primary");
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    ath_model_free_fields(&Who_model, &w);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    int64_t n = 0;
    ath_filter fp[] = {ath_options(ATH_OPT_PRIMARY)};
    ASSERT_RC(ath_repo_count(r, &n, fp, 1), ATH_OK);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_repo_iter *it = NULL;
    ASSERT_RC(ath_repo_iter_open(&it, r, fp, 1), ATH_OK);
    ASSERT_RC(ath_repo_iter_next(it, &w), 1);
    CU_ASSERT_STRING_EQUAL(w.name, "primary"); /* the iterator's strings: not freed here */
    ath_repo_iter_free(it);
    CU_ASSERT_EQUAL(ath_session_routed(s), ATH_ROUTED_PRIMARY);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_repo_free(r);
    ath_session_close(s);

    /* without replicas the option changes nothing */
    ath_engine *solo = NULL;
    ASSERT_RC(ath_engine_create(&solo, replica_url), ATH_OK);
    ASSERT_RC(ath_session_open(&s, solo), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &Who_model), ATH_OK);
    who_list(r, ATH_OPT_PRIMARY, "replica");
    ath_repo_free(r);
    ath_session_close(s);
    ath_engine_dispose(solo);
}

TEST_SUITE(routing)
{
    static const test_case tests[] = {
        {"reads go to the replica", test_reads_go_to_the_replica},
        {"a write and what follows run on the primary until commit",
         test_a_write_and_what_follows_run_on_the_primary_until_commit},
        {"route primary, begin, savepoints and locking reads use the primary",
         test_route_primary_begin_savepoint_and_locking_reads_use_the_primary},
        {"a replica that cannot connect falls back", test_a_replica_that_cannot_connect_falls_back},
        {"replica URLs are checked", test_replica_urls_are_checked},
        {"round-robin alternates exactly", test_round_robin_alternates_exactly},
        {"random reaches both replicas and does not alternate",
         test_random_reaches_both_replicas_and_does_not_alternate},
        {"max lag needs PostgreSQL", test_max_lag_needs_postgresql},
        {"ATH_OPT_PRIMARY reads one call from the primary",
         test_opt_primary_reads_one_call_from_the_primary},
        {NULL, NULL}};
    test_add_suite("routing", setup, teardown, tests);
}
