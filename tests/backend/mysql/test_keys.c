/* Generated keys (INSERT … RETURNING on MariaDB >= 10.5, otherwise the insert id with MySQL's
 * multi-row rule), ON DUPLICATE KEY UPDATE, and the affected-rows rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mysql_test.h"

static ath_engine *engine;

#define TABLE_OPTIONS " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"

static int setup(void)
{
    engine = mt_engine(NULL);
    if (!engine)
        return 1;
    mt_ddl(engine, "DROP TABLE IF EXISTS mt_keys, mt_upsert, mt_unique_keys");
    mt_ddl(engine, "CREATE TABLE mt_unique_keys (id BIGINT NOT NULL AUTO_INCREMENT, "
                   "name VARCHAR(64) NOT NULL UNIQUE, PRIMARY KEY (id))" TABLE_OPTIONS);
    mt_ddl(engine, "INSERT INTO mt_unique_keys (name) VALUES ('taken')");
    mt_ddl(engine, "CREATE TABLE mt_keys (id BIGINT NOT NULL AUTO_INCREMENT, "
                   "name VARCHAR(64) NOT NULL, PRIMARY KEY (id))" TABLE_OPTIONS);
    mt_ddl(engine, "CREATE TABLE mt_upsert (code VARCHAR(20) NOT NULL PRIMARY KEY, "
                   "qty INT NOT NULL)" TABLE_OPTIONS);
    return 0;
}

static int teardown(void)
{
    if (engine) {
        mt_ddl(engine, "DROP TABLE IF EXISTS mt_keys, mt_upsert, mt_unique_keys");
        ath_engine_dispose(engine);
    }
    engine = NULL;
    return 0;
}

static void test_connection_reports_returning_and_sequential_id_caps(void)
{
    mt_direct d;
    if (!mt_direct_open(&d))
        return;
    bool returning = mt_server_has_returning(engine);
    CU_ASSERT_EQUAL((d.info.caps & ATH_CAP_RETURNING) != 0, returning);
    CU_ASSERT_EQUAL(d.info.caps & ATH_CAP_UPDATE_RETURNING, 0); /* MariaDB has none */
    CU_ASSERT_EQUAL(d.info.caps & ATH_CAP_LAST_INSERT_ID_IS_LAST, 0);
    CU_ASSERT_EQUAL(d.info.caps & ATH_CAP_SINGLE_CONNECTION, 0);
    /* the test server keeps innodb_autoinc_lock_mode at 1 and auto_increment_increment at 1 */
    CU_ASSERT_NOT_EQUAL(d.info.caps & ATH_CAP_MULTIROW_IDS_SEQUENTIAL, 0);
    CU_ASSERT_EQUAL(d.info.max_params, 65535);
    CU_ASSERT(strlen(d.info.server_version) > 0);
    mt_direct_close(&d);
}

static void test_insert_returning_gives_the_generated_id(void)
{
    if (!mt_server_has_returning(engine))
        return; /* MySQL, MariaDB < 10.5: covered by the insert-id tests below */
    ath_session *s = NULL;
    ath_result *r = NULL;
    ath_value p[] = {ath_v_text("returning-one")};
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(
        ath_session_execute(s, "INSERT INTO mt_keys (name) VALUES (?) RETURNING id", p, 1, &r),
        ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_result_next(r), 1);
    int64_t id = ath_result_i64(r, 0);
    CU_ASSERT(id > 0);
    CU_ASSERT_EQUAL(ath_result_next(r), 0);
    ath_result_free(r);
    ath_value q[] = {ath_v_i64(id)};
    CU_ASSERT_EQUAL(mt_scalar_i64(s,
                                  "SELECT COUNT(*) FROM mt_keys WHERE id = ? AND name = "
                                  "'returning-one'",
                                  q, 1),
                    1);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

/*
 * A constraint error arrives after INSERT … RETURNING has begun its result. Connector/C then
 * leaves the prepared statement half-read unless it is reset: the next execute of it waited
 * forever. The statement and the connection must stay usable.
 */
static void test_failed_returning_insert_leaves_the_statement_usable(void)
{
    if (!mt_server_has_returning(engine))
        return;
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    for (int round = 0; round < 3; round++) {
        ath_result *r = NULL;
        ath_value dup[] = {ath_v_text("taken")};
        ASSERT_RC(ath_session_execute(
                      s, "INSERT INTO mt_unique_keys (name) VALUES (?) RETURNING id", dup, 1, &r),
                  ATH_EDUPLICATE);
        ath_result_free(r);
        ASSERT_RC(ath_session_rollback(s), ATH_OK);
        ath_value ok[] = {ath_v_text(round == 0 ? "fresh-0" : round == 1 ? "fresh-1" : "fresh-2")};
        ASSERT_RC(ath_session_execute(
                      s, "INSERT INTO mt_unique_keys (name) VALUES (?) RETURNING id", ok, 1, &r),
                  ATH_OK);
        CU_ASSERT_EQUAL(ath_result_next(r), 1);
        CU_ASSERT_EQUAL(ath_result_next(r), 0);
        ath_result_free(r);
        ASSERT_RC(ath_session_commit(s), ATH_OK);
    }
    CU_ASSERT_EQUAL(mt_scalar_i64(s, "SELECT COUNT(*) FROM mt_unique_keys", NULL, 0), 4);
    ath_session_close(s);
}

static void test_multirow_insert_returning_gives_every_id_in_order(void)
{
    if (!mt_server_has_returning(engine))
        return;
    ath_session *s = NULL;
    ath_result *r = NULL;
    ath_value p[] = {ath_v_text("m0"), ath_v_text("m1"), ath_v_text("m2"), ath_v_text("m3")};
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_session_execute(s,
                                  "INSERT INTO mt_keys (name) VALUES (?), (?), (?), (?) "
                                  "RETURNING id, name",
                                  p, 4, &r),
              ATH_OK);
    int64_t first = 0;
    for (int i = 0; i < 4; i++) {
        char want[8];
        snprintf(want, sizeof want, "m%d", i);
        CU_ASSERT_EQUAL_FATAL(ath_result_next(r), 1);
        if (i == 0)
            first = ath_result_i64(r, 0);
        CU_ASSERT_EQUAL(ath_result_i64(r, 0), first + i);
        MT_ASSERT_STR(ath_result_text(r, 1), want);
    }
    CU_ASSERT_EQUAL(ath_result_next(r), 0);
    CU_ASSERT_EQUAL(ath_result_affected(r), 4);
    ath_result_free(r);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

static void test_single_insert_sets_last_insert_id(void)
{
    mt_direct d;
    if (!mt_direct_open(&d))
        return;
    ath_value p[] = {ath_v_text("single")};
    int64_t id = 0, max = 0;
    ASSERT_RC(mt_direct_run(&d, "INSERT INTO mt_keys (name) VALUES (?)", p, 1, NULL), ATH_OK);
    ASSERT_RC(d.driver->last_insert_id(d.conn, &id), ATH_OK);
    ASSERT_RC(mt_direct_run(&d, "SELECT MAX(id) FROM mt_keys", NULL, 0, &max), ATH_OK);
    CU_ASSERT(id > 0);
    CU_ASSERT_EQUAL(id, max);
    mt_direct_close(&d);
}

static void test_multirow_insert_last_insert_id_is_the_first_id(void)
{
    mt_direct d;
    if (!mt_direct_open(&d))
        return;
    ath_value p[] = {ath_v_text("first-of-3"), ath_v_text("second-of-3"), ath_v_text("third-of-3")};
    int64_t id = 0, first = 0, third = 0, server = 0;
    ASSERT_RC(mt_direct_run(&d, "INSERT INTO mt_keys (name) VALUES (?), (?), (?)", p, 3, NULL),
              ATH_OK);
    ASSERT_RC(d.driver->last_insert_id(d.conn, &id), ATH_OK);
    ASSERT_RC(mt_direct_run(&d, "SELECT LAST_INSERT_ID()", NULL, 0, &server), ATH_OK);
    ASSERT_RC(
        mt_direct_run(&d, "SELECT id FROM mt_keys WHERE name = 'first-of-3'", NULL, 0, &first),
        ATH_OK);
    ASSERT_RC(
        mt_direct_run(&d, "SELECT id FROM mt_keys WHERE name = 'third-of-3'", NULL, 0, &third),
        ATH_OK);
    CU_ASSERT_EQUAL(id, first);     /* the FIRST id of the batch, not the last */
    CU_ASSERT_EQUAL(server, first); /* as the server's own LAST_INSERT_ID() says */
    CU_ASSERT_EQUAL(third, first + 2);
    mt_direct_close(&d);
}

static void test_last_insert_id_survives_statements_that_insert_nothing(void)
{
    mt_direct d;
    if (!mt_direct_open(&d))
        return;
    ath_value p[] = {ath_v_text("kept")};
    int64_t before = 0, after = 0;
    ASSERT_RC(mt_direct_run(&d, "INSERT INTO mt_keys (name) VALUES (?)", p, 1, NULL), ATH_OK);
    ASSERT_RC(d.driver->last_insert_id(d.conn, &before), ATH_OK);
    ASSERT_RC(mt_direct_run(&d, "UPDATE mt_keys SET name = name WHERE id = 0", NULL, 0, NULL),
              ATH_OK);
    ASSERT_RC(mt_direct_run(&d, "SELECT 1", NULL, 0, NULL), ATH_OK);
    ASSERT_RC(d.driver->last_insert_id(d.conn, &after), ATH_OK);
    CU_ASSERT_EQUAL(after, before);
    mt_direct_close(&d);
}

/* The measurement: after array binding, LAST_INSERT_ID()+i missed 426 of 20 000 rows.
 * Multi-row VALUES in chunks must give exactly first .. first+n-1 for every chunk. */
static void test_chunked_multirow_inserts_give_consecutive_ids_for_20000_rows(void)
{
    enum { ROWS = 20000, CHUNK = 1000 };
    mt_direct d;
    if (!mt_direct_open(&d))
        return;
    ASSERT_RC(mt_direct_run(&d, "DELETE FROM mt_keys", NULL, 0, NULL), ATH_OK);
    size_t sqlsize = 64 + CHUNK * 5;
    char *sql = malloc(sqlsize);
    char(*names)[16] = malloc(sizeof *names * ROWS);
    int64_t *expect = malloc(sizeof *expect * ROWS);
    ath_value *p = malloc(sizeof *p * CHUNK);
    strcpy(sql, "INSERT INTO mt_keys (name) VALUES (?)");
    for (int i = 1; i < CHUNK; i++)
        strcat(sql, ",(?)");
    ath_dstmt *st = NULL;
    ASSERT_RC(d.driver->prepare(d.conn, sql, CHUNK, &st), ATH_OK);
    for (int c = 0; st && c < ROWS / CHUNK; c++) {
        for (int k = 0; k < CHUNK; k++) {
            int row = c * CHUNK + k;
            snprintf(names[row], sizeof names[row], "r%d", row);
            p[k] = ath_v_text(names[row]);
        }
        ASSERT_RC(d.driver->execute(st, p, CHUNK), ATH_OK);
        CU_ASSERT_EQUAL(d.driver->changes(st), CHUNK);
        int64_t first = 0;
        ASSERT_RC(d.driver->last_insert_id(d.conn, &first), ATH_OK);
        for (int k = 0; k < CHUNK; k++)
            expect[c * CHUNK + k] = first + k;
        d.driver->reset(st);
    }
    d.driver->finalize(st);
    /* read every row back: its id must be the one derived from its chunk's first id */
    int misses = 0, seen = 0;
    ASSERT_RC(d.driver->prepare(d.conn, "SELECT id, name FROM mt_keys", 0, &st), ATH_OK);
    if (st && d.driver->execute(st, NULL, 0) == ATH_OK) {
        while (d.driver->step(st) == 1) {
            ath_value id, name;
            d.driver->column(st, 0, ATH_T_I64, &id);
            d.driver->column(st, 1, ATH_T_TEXT, &name);
            int row = atoi((const char *)name.u.s.ptr + 1);
            if (row < 0 || row >= ROWS || expect[row] != id.u.i64)
                misses++;
            seen++;
        }
    }
    d.driver->finalize(st);
    CU_ASSERT_EQUAL(seen, ROWS);
    CU_ASSERT_EQUAL(misses, 0);
    free(sql);
    free(names);
    free(expect);
    free(p);
    mt_direct_close(&d);
}

static int64_t upsert(ath_session *s, const char *code, int qty)
{
    ath_value p[] = {ath_v_text(code), ath_v_i32(qty)};
    ASSERT_RC(ath_session_execute(s,
                                  "INSERT INTO mt_upsert (code, qty) VALUES (?, ?) "
                                  "ON DUPLICATE KEY UPDATE qty = VALUES(qty)",
                                  p, 2, NULL),
              ATH_OK);
    return ath_session_affected(s);
}

static void test_on_duplicate_key_update_updates_the_existing_row(void)
{
    ath_session *s = NULL;
    ath_value code[] = {ath_v_text("ab-1")};
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    CU_ASSERT_EQUAL(upsert(s, "ab-1", 5), 1); /* inserted */
    CU_ASSERT_EQUAL(upsert(s, "ab-1", 9), 2); /* MySQL counts an updated row twice */
    CU_ASSERT_EQUAL(upsert(s, "ab-1", 9), 1); /* unchanged: found, with CLIENT_FOUND_ROWS */
    CU_ASSERT_EQUAL(mt_scalar_i64(s, "SELECT qty FROM mt_upsert WHERE code = ?", code, 1), 9);
    CU_ASSERT_EQUAL(mt_scalar_i64(s, "SELECT COUNT(*) FROM mt_upsert WHERE code = ?", code, 1), 1);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

static void test_update_reports_matched_rows_even_when_unchanged(void)
{
    ath_session *s = NULL;
    ath_value p[] = {ath_v_text("same-1"), ath_v_i32(3)};
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "INSERT INTO mt_upsert (code, qty) VALUES (?, ?)", p, 2, NULL),
              ATH_OK);
    ath_value q[] = {ath_v_i32(3), ath_v_text("same-1")};
    ASSERT_RC(ath_session_execute(s, "UPDATE mt_upsert SET qty = ? WHERE code = ?", q, 2, NULL),
              ATH_OK);
    CU_ASSERT_EQUAL(ath_session_affected(s), 1); /* as PostgreSQL and SQLite count it */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

TEST_SUITE(mysql_key)
{
    static const test_case tests[] = {
        {"connection reports RETURNING and sequential-id caps",
         test_connection_reports_returning_and_sequential_id_caps},
        {"INSERT RETURNING gives the generated id", test_insert_returning_gives_the_generated_id},
        {"failed RETURNING insert leaves the statement usable",
         test_failed_returning_insert_leaves_the_statement_usable},
        {"multi-row INSERT RETURNING gives every id in order",
         test_multirow_insert_returning_gives_every_id_in_order},
        {"single insert sets last insert id", test_single_insert_sets_last_insert_id},
        {"multi-row insert: last insert id is the first id",
         test_multirow_insert_last_insert_id_is_the_first_id},
        {"last insert id survives statements that insert nothing",
         test_last_insert_id_survives_statements_that_insert_nothing},
        {"chunked multi-row inserts give consecutive ids for 20000 rows",
         test_chunked_multirow_inserts_give_consecutive_ids_for_20000_rows},
        {"ON DUPLICATE KEY UPDATE updates the existing row",
         test_on_duplicate_key_update_updates_the_existing_row},
        {"UPDATE reports matched rows even when unchanged",
         test_update_reports_matched_rows_even_when_unchanged},
        {NULL, NULL}};
    test_add_suite("mysql_keys", setup, teardown, tests);
}
