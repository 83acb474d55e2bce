/*
 * Tests for core/session.c on SQLite, in memory and on file (two suites, same tests):
 * autobegin, commit, rollback, savepoints, the failed-transaction rule, raw results.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <athanor/engine.h>
#include <athanor/session.h>

#include "runner.h"
#include "urls.h"

static char url[512];
static ath_engine *engine;

static int open_memory(void)
{
    snprintf(url, sizeof url, "sqlite:///:memory:");
    return ath_engine_create(&engine, url) == ATH_OK ? 0 : 1;
}

static int open_file(void)
{
    char path[400];
    snprintf(path, sizeof path, "%s/athanor-session-%d.db", test_workdir(), (int)getpid());
    unlink(path);
    snprintf(url, sizeof url, "sqlite:///%s", path);
    return ath_engine_create(&engine, url) == ATH_OK ? 0 : 1;
}

static int close_engine(void)
{
    ath_engine_dispose(engine);
    engine = NULL;
    if (strncmp(url, "sqlite:////", 11) == 0 || strncmp(url, "sqlite:///", 10) == 0) {
        const char *path = url + strlen("sqlite:///");
        if (strcmp(path, ":memory:") != 0) {
            char side[600];
            unlink(path);
            snprintf(side, sizeof side, "%s-wal", path);
            unlink(side);
            snprintf(side, sizeof side, "%s-shm", path);
            unlink(side);
        }
    }
    return 0;
}

static ath_session *open_session(void)
{
    ath_session *s = NULL;
    CU_ASSERT_EQUAL_FATAL(ath_session_open(&s, engine), ATH_OK);
    return s;
}

static void fresh_table(void)
{
    ath_session *s = open_session();
    ASSERT_RC(ath_session_execute(s, "DROP TABLE IF EXISTS item", NULL, 0, NULL), ATH_OK);
    ASSERT_RC(ath_session_execute(s,
                                  "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL "
                                  "UNIQUE, qty INTEGER CHECK (qty >= 0))",
                                  NULL, 0, NULL),
              ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

static int insert(ath_session *s, const char *name, int qty)
{
    ath_value v[] = {ath_v_text(name), ath_v_i32(qty)};
    return ath_session_execute(s, "INSERT INTO item (name, qty) VALUES (?, ?)", v, 2, NULL);
}

/* Rows in item, counted in a session of its own. */
static long count_items(void)
{
    ath_session *s = open_session();
    ath_result *r = NULL;
    long n = -1;
    if (ath_session_execute(s, "SELECT COUNT(*) FROM item", NULL, 0, &r) == ATH_OK &&
        ath_result_next(r) == 1)
        n = (long)ath_result_i64(r, 0);
    ath_result_free(r);
    ath_session_close(s);
    return n;
}

static void test_transaction_begins_with_the_first_statement(void)
{
    fresh_table();
    ath_session *s = open_session();
    CU_ASSERT_FALSE(ath_session_in_transaction(s));
    ASSERT_RC(insert(s, "a", 1), ATH_OK);
    CU_ASSERT_TRUE(ath_session_in_transaction(s));
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_FALSE(ath_session_in_transaction(s));
    ath_session_close(s);
}

static void test_commit_makes_rows_visible_to_other_sessions(void)
{
    fresh_table();
    ath_session *s = open_session();
    ASSERT_RC(insert(s, "a", 1), ATH_OK);
    ASSERT_RC(insert(s, "b", 2), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    CU_ASSERT_EQUAL(count_items(), 2);
}

static void test_rollback_discards_rows(void)
{
    fresh_table();
    ath_session *s = open_session();
    ASSERT_RC(insert(s, "a", 1), ATH_OK);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ath_session_close(s);
    CU_ASSERT_EQUAL(count_items(), 0);
}

static void test_close_without_commit_rolls_back(void)
{
    fresh_table();
    ath_session *s = open_session();
    ASSERT_RC(insert(s, "a", 1), ATH_OK);
    ath_session_close(s);
    CU_ASSERT_EQUAL(count_items(), 0);
}

static void test_failed_statement_blocks_the_transaction_until_rollback(void)
{
    fresh_table();
    ath_session *s = open_session();
    ASSERT_RC(insert(s, "a", 1), ATH_OK);
    ASSERT_RC(insert(s, "a", 2), ATH_EDUPLICATE);
    CU_ASSERT_TRUE(ath_session_failed(s));
    ASSERT_RC(insert(s, "b", 3), ATH_EINVAL);
    ASSERT_ERR_HAS("roll back first");
    ASSERT_RC(ath_session_commit(s), ATH_EINVAL);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    CU_ASSERT_FALSE(ath_session_failed(s));
    ASSERT_RC(insert(s, "b", 3), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    CU_ASSERT_EQUAL(count_items(), 1); /* "a" went with the rollback, "b" stayed */
}

static void test_invalid_argument_does_not_fail_the_transaction(void)
{
    fresh_table();
    ath_session *s = open_session();
    ASSERT_RC(insert(s, "a", 1), ATH_OK);
    ath_value one = ath_v_i32(1);
    ASSERT_RC(ath_session_execute(s, "SELECT ?, ?", &one, 1, NULL), ATH_EINVAL);
    CU_ASSERT_FALSE(ath_session_failed(s));
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    CU_ASSERT_EQUAL(count_items(), 1);
}

static void test_savepoints_nest_and_roll_back_partially(void)
{
    fresh_table();
    ath_session *s = open_session();
    ath_savepoint sp1, sp2;
    ASSERT_RC(insert(s, "a", 1), ATH_OK);
    ASSERT_RC(ath_session_savepoint(s, &sp1), ATH_OK);
    ASSERT_RC(insert(s, "b", 1), ATH_OK);
    ASSERT_RC(ath_session_savepoint(s, &sp2), ATH_OK);
    CU_ASSERT_EQUAL(sp2, sp1 + 1);
    ASSERT_RC(insert(s, "c", 1), ATH_OK);
    ASSERT_RC(ath_session_rollback_to(s, sp2), ATH_OK); /* drops c */
    ASSERT_RC(insert(s, "d", 1), ATH_OK);
    ASSERT_RC(ath_session_release(s, sp2), ATH_OK);
    ASSERT_RC(ath_session_rollback_to(s, sp1), ATH_OK); /* drops b and d */
    ASSERT_RC(ath_session_release(s, sp1), ATH_OK);
    ASSERT_RC(ath_session_release(s, sp1), ATH_EINVAL); /* already gone */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_result *r = NULL;
    ASSERT_RC(ath_session_execute(s, "SELECT name FROM item ORDER BY name", NULL, 0, &r), ATH_OK);
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 0), "a");
    CU_ASSERT_EQUAL(ath_result_next(r), 0);
    ath_result_free(r);
    ath_session_close(s);
}

static void test_rollback_to_savepoint_clears_a_later_failure(void)
{
    fresh_table();
    ath_session *s = open_session();
    ath_savepoint sp;
    ASSERT_RC(insert(s, "a", 1), ATH_OK);
    ASSERT_RC(ath_session_savepoint(s, &sp), ATH_OK);
    ASSERT_RC(insert(s, "bad", -5), ATH_ECHECK);
    CU_ASSERT_TRUE(ath_session_failed(s));
    ASSERT_RC(ath_session_savepoint(s, &sp), ATH_EINVAL); /* nothing new while failed */
    ASSERT_RC(ath_session_rollback_to(s, 1), ATH_OK);
    CU_ASSERT_FALSE(ath_session_failed(s));
    ASSERT_RC(insert(s, "b", 2), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    CU_ASSERT_EQUAL(count_items(), 2);
}

static void test_savepoint_outside_transaction_begins_one(void)
{
    fresh_table();
    ath_session *s = open_session();
    ath_savepoint sp = 0;
    ASSERT_RC(ath_session_savepoint(s, &sp), ATH_OK);
    CU_ASSERT_EQUAL(sp, 1);
    CU_ASSERT_TRUE(ath_session_in_transaction(s));
    ASSERT_RC(ath_session_rollback_to(s, 3), ATH_EINVAL);
    ath_session_close(s);
}

static void test_result_rows_are_read_with_types(void)
{
    fresh_table();
    ath_session *s = open_session();
    insert(s, "widget", 5);
    insert(s, "gadget", 0);
    ath_result *r = NULL;
    ath_value min = ath_v_i32(0);
    ASSERT_RC(ath_session_execute(s, "SELECT name, qty, qty * 1.5 AS half FROM item "
                                     "WHERE qty >= ? ORDER BY name",
                                  &min, 1, &r),
              ATH_OK);
    CU_ASSERT_EQUAL(ath_result_column_count(r), 3);
    CU_ASSERT_STRING_EQUAL(ath_result_column_name(r, 2), "half");
    CU_ASSERT_PTR_NULL(ath_result_column_name(r, 3));
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 0), "gadget");
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 0), "widget");
    CU_ASSERT_EQUAL(ath_result_i64(r, 1), 5);
    CU_ASSERT_DOUBLE_EQUAL(ath_result_double(r, 2), 7.5, 1e-9);
    ath_value v;
    ASSERT_RC(ath_result_get(r, 7, ATH_T_I64, &v), ATH_EINVAL);
    CU_ASSERT_EQUAL(ath_result_next(r), 0);
    CU_ASSERT_EQUAL(ath_result_next(r), 0);
    ath_result_free(r);
    ath_session_close(s);
}

static void test_affected_rows_are_reported(void)
{
    fresh_table();
    ath_session *s = open_session();
    insert(s, "a", 1);
    insert(s, "b", 1);
    insert(s, "c", 2);
    ath_value one = ath_v_i32(1);
    ASSERT_RC(ath_session_execute(s, "UPDATE item SET qty = qty + 1 WHERE qty = ?", &one, 1, NULL),
              ATH_OK);
    CU_ASSERT_EQUAL(ath_session_affected(s), 2);
    ath_result *r = NULL;
    ASSERT_RC(ath_session_execute(s, "DELETE FROM item", NULL, 0, &r), ATH_OK);
    CU_ASSERT_EQUAL(ath_result_next(r), 0);
    CU_ASSERT_EQUAL(ath_result_affected(r), 3);
    ath_result_free(r);
    ath_session_close(s);
}

static void test_one_open_result_per_session(void)
{
    fresh_table();
    ath_session *s = open_session();
    insert(s, "a", 1);
    ath_result *r = NULL, *r2 = NULL;
    ASSERT_RC(ath_session_execute(s, "SELECT name FROM item", NULL, 0, &r), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "SELECT name FROM item", NULL, 0, &r2), ATH_EINVAL);
    ASSERT_ERR_HAS("result is still open");
    ath_result_free(r);
    ASSERT_RC(ath_session_execute(s, "SELECT name FROM item", NULL, 0, &r2), ATH_OK);
    /* commit ends the result early; freeing it afterwards is still safe */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_EQUAL(ath_result_next(r2), 0);
    ath_result_free(r2);
    ath_session_close(s);
}

static void test_commit_with_nothing_open_is_harmless(void)
{
    ath_session *s = open_session();
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_RC(ath_session_begin(s), ATH_OK);
    ASSERT_RC(ath_session_begin(s), ATH_EINVAL);
    ath_session_close(s);
    ath_session_close(NULL);
}

static void test_syntax_error_reports_sql_and_fails_transaction(void)
{
    ath_session *s = open_session();
    ASSERT_RC(ath_session_execute(s, "SELEC 1", NULL, 0, NULL), ATH_ESQL);
    CU_ASSERT_PTR_NOT_NULL(ath_error_last()->sql);
    CU_ASSERT_STRING_EQUAL(ath_error_last()->sql, "SELEC 1");
    CU_ASSERT_TRUE(ath_session_failed(s));
    ath_session_close(s);
}

static const test_case session_tests[] = {
    {"transaction begins with the first statement",
     test_transaction_begins_with_the_first_statement},
    {"commit makes rows visible to other sessions",
     test_commit_makes_rows_visible_to_other_sessions},
    {"rollback discards rows", test_rollback_discards_rows},
    {"close without commit rolls back", test_close_without_commit_rolls_back},
    {"failed statement blocks the transaction until rollback",
     test_failed_statement_blocks_the_transaction_until_rollback},
    {"invalid argument does not fail the transaction",
     test_invalid_argument_does_not_fail_the_transaction},
    {"savepoints nest and roll back partially", test_savepoints_nest_and_roll_back_partially},
    {"rollback to savepoint clears a later failure",
     test_rollback_to_savepoint_clears_a_later_failure},
    {"savepoint outside transaction begins one", test_savepoint_outside_transaction_begins_one},
    {"result rows are read with types", test_result_rows_are_read_with_types},
    {"affected rows are reported", test_affected_rows_are_reported},
    {"one open result per session", test_one_open_result_per_session},
    {"commit with nothing open is harmless", test_commit_with_nothing_open_is_harmless},
    {"syntax error reports sql and fails transaction",
     test_syntax_error_reports_sql_and_fails_transaction},
    {NULL, NULL},
};

TEST_SUITE(session)
{
    test_add_suite("session-sqlite-memory", open_memory, close_engine, session_tests);
    test_add_suite("session-sqlite-file", open_file, close_engine, session_tests);
}
