/* Transactions on MySQL: rollback, savepoints, the failed-transaction rule after a lock-wait
 * timeout (the server keeps the transaction) and after a deadlock (the server rolled it back),
 * and the implicit commit around DDL. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "mysql_test.h"

static ath_engine *engine;

#define TABLE_OPTIONS " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"

static int setup(void)
{
    engine = mt_engine("pool_size=4");
    if (!engine)
        return 1;
    mt_ddl(engine, "DROP TABLE IF EXISTS mt_tx, mt_tx_ddl");
    mt_ddl(engine,
           "CREATE TABLE mt_tx (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)" TABLE_OPTIONS);
    return 0;
}

static int teardown(void)
{
    if (engine) {
        mt_ddl(engine, "DROP TABLE IF EXISTS mt_tx, mt_tx_ddl");
        ath_engine_dispose(engine);
    }
    engine = NULL;
    return 0;
}

/* Empties mt_tx and fills it with rows 1 and 2 (v = 0), committed. */
static void reset_rows(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    mt_exec(s, "DELETE FROM mt_tx");
    mt_exec(s, "INSERT INTO mt_tx (id, v) VALUES (1, 0), (2, 0)");
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

static int64_t count_rows(void)
{
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    int64_t n = mt_scalar_i64(s, "SELECT COUNT(*) FROM mt_tx", NULL, 0);
    ath_session_close(s);
    return n;
}

static void insert(ath_session *s, int id, int expect)
{
    ath_value p[] = {ath_v_i32(id), ath_v_i32(0)};
    ASSERT_RC(ath_session_execute(s, "INSERT INTO mt_tx (id, v) VALUES (?, ?)", p, 2, NULL),
              expect);
}

static void test_rollback_discards_inserted_rows(void)
{
    reset_rows();
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    insert(s, 10, ATH_OK);
    insert(s, 11, ATH_OK);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ath_session_close(s);
    CU_ASSERT_EQUAL(count_rows(), 2);
}

static void test_rollback_to_savepoint_keeps_earlier_work(void)
{
    reset_rows();
    ath_session *s = NULL;
    ath_savepoint sp;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    insert(s, 10, ATH_OK);
    ASSERT_RC(ath_session_savepoint(s, &sp), ATH_OK);
    insert(s, 11, ATH_OK);
    ASSERT_RC(ath_session_rollback_to(s, sp), ATH_OK);
    ASSERT_RC(ath_session_release(s, sp), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    CU_ASSERT_EQUAL(count_rows(), 3);
}

static void test_failed_statement_refuses_more_until_rollback(void)
{
    reset_rows();
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    insert(s, 10, ATH_OK);
    insert(s, 1, ATH_EDUPLICATE); /* MySQL would carry on; Athanor applies PostgreSQL's rule */
    CU_ASSERT_TRUE(ath_session_failed(s));
    insert(s, 12, ATH_EINVAL);
    ASSERT_ERR_HAS("roll back first");
    ASSERT_RC(ath_session_commit(s), ATH_EINVAL);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    CU_ASSERT_FALSE(ath_session_failed(s));
    insert(s, 13, ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    CU_ASSERT_EQUAL(count_rows(), 3); /* rows 1, 2 and 13: row 10 went with the rollback */
}

static void test_rollback_to_savepoint_before_failure_recovers(void)
{
    reset_rows();
    ath_session *s = NULL;
    ath_savepoint sp;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    insert(s, 10, ATH_OK);
    ASSERT_RC(ath_session_savepoint(s, &sp), ATH_OK);
    insert(s, 2, ATH_EDUPLICATE);
    CU_ASSERT_TRUE(ath_session_failed(s));
    ASSERT_RC(ath_session_rollback_to(s, sp), ATH_OK);
    CU_ASSERT_FALSE(ath_session_failed(s));
    insert(s, 11, ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    CU_ASSERT_EQUAL(count_rows(), 4);
}

static void test_lock_wait_timeout_is_eretry_and_needs_rollback(void)
{
    reset_rows();
    /* B's own engine: the lowered timeout stays with its connection, not the shared pool */
    ath_engine *eb = mt_engine("pool_size=1");
    ath_session *a = NULL, *b = NULL;
    ASSERT_RC(ath_session_open(&a, engine), ATH_OK);
    ASSERT_RC(ath_session_open(&b, eb), ATH_OK);
    mt_exec(b, "SET SESSION innodb_lock_wait_timeout = 1");
    mt_exec(a, "UPDATE mt_tx SET v = 1 WHERE id = 1"); /* A holds row 1 */
    mt_exec(b, "UPDATE mt_tx SET v = 5 WHERE id = 2"); /* B's earlier work in its transaction */
    ASSERT_RC(ath_session_execute(b, "UPDATE mt_tx SET v = 2 WHERE id = 1", NULL, 0, NULL),
              ATH_ERETRY);
    CU_ASSERT_EQUAL(ath_error_last()->native_code, 1205);
    MT_ASSERT_STR(ath_error_last()->sqlstate, "HY000");
    /* MySQL kept B's transaction open (row 2 still changed); Athanor still asks for rollback,
     * as after a deadlock, so both end the same for the caller */
    CU_ASSERT_TRUE(ath_session_failed(b));
    ASSERT_RC(ath_session_execute(b, "SELECT 1", NULL, 0, NULL), ATH_EINVAL);
    ASSERT_RC(ath_session_rollback(b), ATH_OK);
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    /* after the rollback B works again, and its earlier update is gone */
    ath_value two[] = {ath_v_i32(2)};
    CU_ASSERT_EQUAL(mt_scalar_i64(b, "SELECT v FROM mt_tx WHERE id = ?", two, 1), 0);
    mt_exec(b, "UPDATE mt_tx SET v = 2 WHERE id = 1");
    ASSERT_RC(ath_session_commit(b), ATH_OK);
    ath_session_close(a);
    ath_session_close(b);
    ath_engine_dispose(eb);
}

typedef struct deadlock_side {
    ath_session *s;
    const char *sql;
    int rc;
    long native;
} deadlock_side;

static void *run_side(void *arg)
{
    deadlock_side *side = arg;
    side->rc = ath_session_execute(side->s, side->sql, NULL, 0, NULL);
    side->native = ath_error_last()->native_code;
    return NULL;
}

/* Waits until `sql` is running on the server (then it waits for its lock: the deadlock cycle is
 * about to close). PROCESSLIST shows the user's own threads without extra privileges. */
static void wait_until_running(const char *sql)
{
    ath_session *s = NULL;
    ath_value p[] = {ath_v_text(sql)};
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    for (int i = 0; i < 500; i++) {
        int64_t n = mt_scalar_i64(s,
                                  "SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                                  "WHERE INFO = ?",
                                  p, 1);
        ath_session_rollback(s);
        if (n > 0)
            break;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL); /* from parsing to its lock */
    ath_session_close(s);
}

static void test_deadlock_is_eretry_for_one_session_which_must_roll_back(void)
{
    reset_rows();
    ath_session *a = NULL, *b = NULL;
    ASSERT_RC(ath_session_open(&a, engine), ATH_OK);
    ASSERT_RC(ath_session_open(&b, engine), ATH_OK);
    mt_exec(a, "UPDATE mt_tx SET v = 1 WHERE id = 1");
    mt_exec(b, "UPDATE mt_tx SET v = 2 WHERE id = 2");
    /* A waits for row 2 (held by B) on a thread; then B asks for row 1 (held by A) */
    deadlock_side sa = {a, "UPDATE mt_tx SET v = 1 WHERE id = 2", 0, 0};
    deadlock_side sb = {b, "UPDATE mt_tx SET v = 2 WHERE id = 1", 0, 0};
    pthread_t t;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, run_side, &sa), 0);
    wait_until_running(sa.sql);
    run_side(&sb);
    if (sb.rc == ATH_ERETRY)
        ASSERT_RC(ath_session_rollback(b), ATH_OK); /* lets A go on */
    pthread_join(t, NULL);
    if (sa.rc == ATH_ERETRY)
        ASSERT_RC(ath_session_rollback(a), ATH_OK);

    /* exactly one victim, with MySQL's deadlock errno; the other carries on and commits */
    CU_ASSERT((sa.rc == ATH_ERETRY) != (sb.rc == ATH_ERETRY));
    CU_ASSERT(sa.rc == ATH_OK || sa.rc == ATH_ERETRY);
    CU_ASSERT(sb.rc == ATH_OK || sb.rc == ATH_ERETRY);
    deadlock_side *victim = sa.rc == ATH_ERETRY ? &sa : &sb;
    deadlock_side *winner = sa.rc == ATH_ERETRY ? &sb : &sa;
    CU_ASSERT_EQUAL(victim->native, 1213);
    CU_ASSERT_FALSE(ath_session_failed(victim->s)); /* rolled back above */
    CU_ASSERT_FALSE(ath_session_failed(winner->s));
    ASSERT_RC(ath_session_commit(winner->s), ATH_OK);
    /* the victim's session works again after its rollback */
    mt_exec(victim->s, "UPDATE mt_tx SET v = 9 WHERE id = 1");
    ASSERT_RC(ath_session_commit(victim->s), ATH_OK);
    ath_session_close(a);
    ath_session_close(b);
}

static void test_deadlock_victim_is_refused_until_rolled_back(void)
{
    reset_rows();
    ath_session *a = NULL, *b = NULL;
    ASSERT_RC(ath_session_open(&a, engine), ATH_OK);
    ASSERT_RC(ath_session_open(&b, engine), ATH_OK);
    mt_exec(a, "UPDATE mt_tx SET v = 1 WHERE id = 1");
    mt_exec(b, "UPDATE mt_tx SET v = 2 WHERE id = 2");
    deadlock_side sa = {a, "UPDATE mt_tx SET v = 1 WHERE id = 2", 0, 0};
    deadlock_side sb = {b, "UPDATE mt_tx SET v = 2 WHERE id = 1", 0, 0};
    pthread_t t;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, run_side, &sa), 0);
    wait_until_running(sa.sql);
    run_side(&sb);
    if (sb.rc == ATH_ERETRY) {
        /* MySQL already rolled B back; the session still insists on an explicit rollback */
        CU_ASSERT_TRUE(ath_session_failed(b));
        ASSERT_RC(ath_session_execute(b, "SELECT 1", NULL, 0, NULL), ATH_EINVAL);
        ASSERT_RC(ath_session_rollback(b), ATH_OK);
    }
    pthread_join(t, NULL);
    if (sa.rc == ATH_ERETRY) {
        CU_ASSERT_TRUE(ath_session_failed(a));
        ASSERT_RC(ath_session_execute(a, "SELECT 1", NULL, 0, NULL), ATH_EINVAL);
        ASSERT_RC(ath_session_rollback(a), ATH_OK);
    }
    ath_session_rollback(a);
    ath_session_rollback(b);
    ath_session_close(a);
    ath_session_close(b);
}

static void test_ddl_commits_the_open_transaction_implicitly(void)
{
    reset_rows();
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    insert(s, 20, ATH_OK);
    /* the dialect says transactional_ddl = false: this commits row 20 on the server */
    mt_exec(s, "CREATE TABLE mt_tx_ddl (id INT PRIMARY KEY)" TABLE_OPTIONS);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ath_session_close(s);
    CU_ASSERT_EQUAL(count_rows(), 3);
    mt_ddl(engine, "DROP TABLE mt_tx_ddl");
}

TEST_SUITE(mysql_transaction)
{
    static const test_case tests[] = {
        {"rollback discards inserted rows", test_rollback_discards_inserted_rows},
        {"rollback to savepoint keeps earlier work", test_rollback_to_savepoint_keeps_earlier_work},
        {"failed statement refuses more until rollback",
         test_failed_statement_refuses_more_until_rollback},
        {"rollback to savepoint before failure recovers",
         test_rollback_to_savepoint_before_failure_recovers},
        {"lock-wait timeout is ERETRY and needs rollback",
         test_lock_wait_timeout_is_eretry_and_needs_rollback},
        {"deadlock is ERETRY for one session, which must roll back",
         test_deadlock_is_eretry_for_one_session_which_must_roll_back},
        {"deadlock victim is refused until rolled back",
         test_deadlock_victim_is_refused_until_rolled_back},
        {"DDL commits the open transaction implicitly",
         test_ddl_commits_the_open_transaction_implicitly},
        {NULL, NULL}};
    test_add_suite("mysql_transactions", setup, teardown, tests);
}
