/* Tests for drivers/sqlite: error mapping, types, URL options, write transactions. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <athanor/engine.h>
#include <athanor/session.h>

#include "runner.h"
#include "urls.h"

static ath_engine *engine;
static ath_session *s;
static char path[400];

static void remove_db(const char *p)
{
    char side[450];
    unlink(p);
    snprintf(side, sizeof side, "%s-wal", p);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", p);
    unlink(side);
}

static int setup(void)
{
    snprintf(path, sizeof path, "%s/athanor-sqlite-%d.db", test_workdir(), (int)getpid());
    remove_db(path);
    return 0;
}

static int teardown(void)
{
    remove_db(path);
    return 0;
}

static void open_memory(void)
{
    CU_ASSERT_EQUAL_FATAL(ath_engine_create(&engine, "sqlite://"), ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_session_open(&s, engine), ATH_OK);
}

static void done(void)
{
    ath_session_close(s);
    ath_engine_dispose(engine);
    s = NULL;
    engine = NULL;
}

static int run(const char *sql)
{
    return ath_session_execute(s, sql, NULL, 0, NULL);
}

static void make_schema(void)
{
    ASSERT_RC(run("CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                  "CONSTRAINT uq_team_name UNIQUE (name))"),
              ATH_OK);
    ASSERT_RC(run("CREATE TABLE hero (id INTEGER PRIMARY KEY, team_id INTEGER REFERENCES "
                  "team(id), age INTEGER CONSTRAINT ck_hero_age CHECK (age > 0))"),
              ATH_OK);
    ASSERT_RC(run("INSERT INTO team (id, name) VALUES (1, 'x')"), ATH_OK);
}

/* Runs `sql` expecting `code` and native code `native`; then rolls back and rebuilds. */
static void expect_violation(const char *sql, int code, long native, const char *constraint)
{
    open_memory();
    make_schema();
    ASSERT_RC(run(sql), code);
    CU_ASSERT_EQUAL(ath_error_last()->native_code, native);
    if (constraint) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(ath_error_last()->constraint);
        CU_ASSERT_PTR_NOT_NULL(strstr(ath_error_last()->constraint, constraint));
    }
    CU_ASSERT_STRING_EQUAL(ath_error_last()->sql, sql);
    done();
}

static void test_unique_violation_maps_to_duplicate(void)
{
    expect_violation("INSERT INTO team (name) VALUES ('x')", ATH_EDUPLICATE, 2067, "uq_team_name");
}

static void test_primary_key_violation_maps_to_duplicate(void)
{
    expect_violation("INSERT INTO team (id, name) VALUES (1, 'y')", ATH_EDUPLICATE, 1555, "pk_team");
}

static void test_foreign_key_violation_is_enforced_by_default(void)
{
    expect_violation("INSERT INTO hero (team_id, age) VALUES (99, 5)", ATH_EFOREIGNKEY, 787, NULL);
}

static void test_not_null_violation_maps(void)
{
    expect_violation("INSERT INTO team (name) VALUES (NULL)", ATH_ENOTNULL, 1299, "team.name");
}

static void test_check_violation_names_the_constraint(void)
{
    expect_violation("INSERT INTO hero (team_id, age) VALUES (1, -1)", ATH_ECHECK, 275,
                     "ck_hero_age");
}

static void test_values_of_every_type_round_trip(void)
{
    open_memory();
    ASSERT_RC(run("CREATE TABLE v (i32 INTEGER, i64 BIGINT, d REAL, b BOOLEAN, t TEXT, bl BLOB, "
                  "n NUMERIC, ts DATETIME, dt DATE, u CHAR(36), j TEXT)"),
              ATH_OK);
    ath_uuid u = {{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14,
                   0x17, 0x40, 0x00}};
    ath_timestamp ts;
    ath_timestamp_from_parts(&ts, 1969, 7, 20, 20, 17, 40, 123456);
    const char text[] = "it's \"quoted\"; -- not a comment \\ ünïcødé 🚀";
    const unsigned char blob[] = {0, 1, 2, 0, 255};
    ath_value in[] = {ath_v_i32(INT32_MIN),
                      ath_v_i64(INT64_MAX),
                      ath_v_double(-0.125),
                      ath_v_bool(true),
                      ath_v_text(text),
                      ath_v_blob(blob, sizeof blob),
                      ath_v_numeric("12.5"),
                      ath_v_timestamp(ts),
                      ath_v_date(-1),
                      ath_v_uuid(u),
                      ath_v_json("{\"a\": [1, 2.50, \"x\"]}")};
    ASSERT_RC(ath_session_execute(s, "INSERT INTO v VALUES (?,?,?,?,?,?,?,?,?,?,?)", in, 11, NULL),
              ATH_OK);
    ath_result *r = NULL;
    ASSERT_RC(ath_session_execute(s, "SELECT * FROM v", NULL, 0, &r), ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_result_next(r), 1);
    ath_value v;
    ath_result_get(r, 0, ATH_T_I32, &v);
    CU_ASSERT_EQUAL(v.u.i32, INT32_MIN);
    ath_result_get(r, 1, ATH_T_I64, &v);
    CU_ASSERT_EQUAL(v.u.i64, INT64_MAX);
    ath_result_get(r, 2, ATH_T_DOUBLE, &v);
    CU_ASSERT_EQUAL(v.u.f64, -0.125);
    ath_result_get(r, 3, ATH_T_BOOL, &v);
    CU_ASSERT_TRUE(v.u.b);
    ath_result_get(r, 4, ATH_T_TEXT, &v);
    CU_ASSERT_EQUAL(v.u.s.len, strlen(text));
    CU_ASSERT_STRING_EQUAL(v.u.s.ptr, text);
    ath_result_get(r, 5, ATH_T_BLOB, &v);
    CU_ASSERT_EQUAL(v.u.s.len, sizeof blob);
    CU_ASSERT_EQUAL(memcmp(v.u.s.ptr, blob, sizeof blob), 0);
    ath_result_get(r, 6, ATH_T_NUMERIC, &v);
    CU_ASSERT_STRING_EQUAL(v.u.s.ptr, "12.5");
    ath_result_get(r, 7, ATH_T_TIMESTAMP, &v);
    CU_ASSERT_EQUAL(v.u.ts, ts);
    ath_result_get(r, 8, ATH_T_DATE, &v);
    CU_ASSERT_EQUAL(v.u.date, -1);
    ath_result_get(r, 9, ATH_T_UUID, &v);
    CU_ASSERT_EQUAL(memcmp(&v.u.uuid, &u, 16), 0);
    ath_result_get(r, 10, ATH_T_JSON, &v);
    CU_ASSERT_STRING_EQUAL(v.u.s.ptr, "{\"a\": [1, 2.50, \"x\"]}");
    ath_result_free(r);
    done();
}

static void test_nulls_and_empty_values_stay_distinct(void)
{
    open_memory();
    ASSERT_RC(run("CREATE TABLE v (t TEXT, b BLOB, i INTEGER)"), ATH_OK);
    ath_value in[] = {ath_v_text(""), ath_v_blob("", 0), ath_v_null()};
    ASSERT_RC(ath_session_execute(s, "INSERT INTO v VALUES (?, ?, ?)", in, 3, NULL), ATH_OK);
    ath_value nulls[] = {ath_v_null(), ath_v_null(), ath_v_null()};
    ASSERT_RC(ath_session_execute(s, "INSERT INTO v VALUES (?, ?, ?)", nulls, 3, NULL), ATH_OK);
    ath_result *r = NULL;
    ASSERT_RC(ath_session_execute(s, "SELECT t, b, i FROM v ORDER BY rowid", NULL, 0, &r), ATH_OK);
    ath_value v;
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    ath_result_get(r, 0, ATH_T_TEXT, &v);
    CU_ASSERT_EQUAL(v.type, ATH_T_TEXT);
    CU_ASSERT_EQUAL(v.u.s.len, 0);
    ath_result_get(r, 1, ATH_T_BLOB, &v);
    CU_ASSERT_EQUAL(v.type, ATH_T_BLOB);
    CU_ASSERT_PTR_NOT_NULL(v.u.s.ptr);
    ath_result_get(r, 2, ATH_T_I64, &v);
    CU_ASSERT_EQUAL(v.type, ATH_T_NULL);
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    for (int i = 0; i < 3; i++) {
        ath_result_get(r, i, ATH_T_TEXT, &v);
        CU_ASSERT_EQUAL(v.type, ATH_T_NULL);
    }
    ath_result_free(r);
    done();
}

static void test_bad_stored_timestamp_is_a_clear_error(void)
{
    open_memory();
    ASSERT_RC(run("CREATE TABLE v (ts DATETIME)"), ATH_OK);
    ASSERT_RC(run("INSERT INTO v VALUES ('yesterday')"), ATH_OK);
    ath_result *r = NULL;
    ASSERT_RC(ath_session_execute(s, "SELECT ts FROM v", NULL, 0, &r), ATH_OK);
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    ath_value v;
    ASSERT_RC(ath_result_get(r, 0, ATH_T_TIMESTAMP, &v), ATH_EINVAL);
    ASSERT_ERR_HAS("column ts");
    ath_result_free(r);
    done();
}

static void test_returning_gives_generated_keys(void)
{
    open_memory();
    ASSERT_RC(run("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"), ATH_OK);
    ath_result *r = NULL;
    ath_value v[] = {ath_v_text("a"), ath_v_text("b")};
    ASSERT_RC(ath_session_execute(s, "INSERT INTO t (name) VALUES (?), (?) RETURNING id", v, 2, &r),
              ATH_OK);
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    CU_ASSERT_EQUAL(ath_result_i64(r, 0), 1);
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    CU_ASSERT_EQUAL(ath_result_i64(r, 0), 2);
    CU_ASSERT_EQUAL(ath_result_next(r), 0);
    ath_result_free(r);
    done();
}

static void test_file_database_defaults_to_wal(void)
{
    char url[512];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    CU_ASSERT_EQUAL_FATAL(ath_engine_create(&engine, url), ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_session_open(&s, engine), ATH_OK);
    ath_result *r = NULL;
    ASSERT_RC(ath_session_execute(s, "PRAGMA journal_mode", NULL, 0, &r), ATH_OK);
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 0), "wal");
    ath_result_free(r);
    done();
    snprintf(url, sizeof url, "sqlite:///%s?journal_mode=delete", path);
    remove_db(path);
    CU_ASSERT_EQUAL_FATAL(ath_engine_create(&engine, url), ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "PRAGMA journal_mode", NULL, 0, &r), ATH_OK);
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 0), "delete");
    ath_result_free(r);
    done();
    remove_db(path);
}

static void test_read_only_mode_refuses_writes_and_keeps_data(void)
{
    char url[512];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    CU_ASSERT_EQUAL_FATAL(ath_engine_create(&engine, url), ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(run("CREATE TABLE t (x INTEGER)"), ATH_OK);
    ASSERT_RC(run("INSERT INTO t VALUES (1)"), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    done();
    snprintf(url, sizeof url, "sqlite:///%s?mode=ro", path);
    CU_ASSERT_EQUAL_FATAL(ath_engine_create(&engine, url), ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_session_open(&s, engine), ATH_OK);
    int rc = run("INSERT INTO t VALUES (2)");
    CU_ASSERT(rc == ATH_EIO);
    ASSERT_ERR_HAS("readonly");
    ath_session_rollback(s);
    ath_result *r = NULL;
    ASSERT_RC(ath_session_execute(s, "SELECT COUNT(*) FROM t", NULL, 0, &r), ATH_OK);
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    CU_ASSERT_EQUAL(ath_result_i64(r, 0), 1);
    ath_result_free(r);
    done();
    remove_db(path);
}

static void test_missing_directory_fails_to_connect(void)
{
    CU_ASSERT_EQUAL_FATAL(ath_engine_create(&engine, "sqlite:////nonexistent-dir/x/y.db"), ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_session_open(&s, engine), ATH_OK);
    ASSERT_RC(run("SELECT 1"), ATH_ECONNECT);
    ASSERT_ERR_HAS("/nonexistent-dir/x/y.db");
    done();
}

static void test_url_with_host_is_refused(void)
{
    CU_ASSERT_EQUAL(ath_engine_create(&engine, "sqlite://localhost/x.db"), ATH_EURL);
    ASSERT_ERR_HAS("takes no user, password, host or port");
    CU_ASSERT_PTR_NULL(engine);
}

/*
 * A session whose first statement writes begins with BEGIN IMMEDIATE: it takes the write lock
 * up front, so a concurrent writer waits (busy_timeout) and then gets ATH_ERETRY, instead of
 * the first session failing later with SQLITE_BUSY_SNAPSHOT.
 */
static void test_write_first_session_takes_the_write_lock(void)
{
    char url[512];
    snprintf(url, sizeof url, "sqlite:///%s?busy_timeout=50", path);
    ath_engine *e = NULL;
    ath_session *a = NULL, *b = NULL;
    CU_ASSERT_EQUAL_FATAL(ath_engine_create(&e, url), ATH_OK);
    ath_session_open(&a, e);
    ath_session_open(&b, e);
    ASSERT_RC(ath_session_execute(a, "CREATE TABLE t (x INTEGER)", NULL, 0, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    ASSERT_RC(ath_session_execute(a, "INSERT INTO t VALUES (1)", NULL, 0, NULL), ATH_OK);
    ASSERT_RC(ath_session_execute(b, "INSERT INTO t VALUES (2)", NULL, 0, NULL), ATH_ERETRY);
    CU_ASSERT_FALSE(ath_session_in_transaction(b)); /* its BEGIN IMMEDIATE did not happen */
    ASSERT_RC(ath_session_execute(a, "INSERT INTO t VALUES (3)", NULL, 0, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    ASSERT_RC(ath_session_execute(b, "INSERT INTO t VALUES (2)", NULL, 0, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(b), ATH_OK);
    ath_session_close(a);
    ath_session_close(b);
    ath_engine_dispose(e);
    remove_db(path);
}

/*
 * A session that reads first holds a snapshot; if another connection commits before it writes,
 * its write fails with ATH_ERETRY (SQLITE_BUSY_SNAPSHOT): roll back and retry.
 */
static void test_read_first_session_gets_retry_after_a_concurrent_commit(void)
{
    char url[512];
    snprintf(url, sizeof url, "sqlite:///%s?busy_timeout=50", path);
    ath_engine *e = NULL;
    ath_session *a = NULL, *b = NULL;
    CU_ASSERT_EQUAL_FATAL(ath_engine_create(&e, url), ATH_OK);
    ath_session_open(&a, e);
    ath_session_open(&b, e);
    ASSERT_RC(ath_session_execute(a, "CREATE TABLE t (x INTEGER)", NULL, 0, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    ASSERT_RC(ath_session_execute(a, "SELECT COUNT(*) FROM t", NULL, 0, NULL), ATH_OK);
    ASSERT_RC(ath_session_execute(b, "INSERT INTO t VALUES (2)", NULL, 0, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(b), ATH_OK);
    ASSERT_RC(ath_session_execute(a, "INSERT INTO t VALUES (1)", NULL, 0, NULL), ATH_ERETRY);
    ASSERT_RC(ath_session_rollback(a), ATH_OK);
    ASSERT_RC(ath_session_execute(a, "INSERT INTO t VALUES (1)", NULL, 0, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    ath_session_close(a);
    ath_session_close(b);
    ath_engine_dispose(e);
    remove_db(path);
}

TEST_SUITE(sqlite)
{
    static const test_case tests[] = {
        {"unique violation maps to duplicate", test_unique_violation_maps_to_duplicate},
        {"primary key violation maps to duplicate", test_primary_key_violation_maps_to_duplicate},
        {"foreign key violation is enforced by default",
         test_foreign_key_violation_is_enforced_by_default},
        {"not null violation maps", test_not_null_violation_maps},
        {"check violation names the constraint", test_check_violation_names_the_constraint},
        {"values of every type round-trip", test_values_of_every_type_round_trip},
        {"nulls and empty values stay distinct", test_nulls_and_empty_values_stay_distinct},
        {"bad stored timestamp is a clear error", test_bad_stored_timestamp_is_a_clear_error},
        {"returning gives generated keys", test_returning_gives_generated_keys},
        {"file database defaults to wal", test_file_database_defaults_to_wal},
        {"read-only mode refuses writes and keeps data",
         test_read_only_mode_refuses_writes_and_keeps_data},
        {"missing directory fails to connect", test_missing_directory_fails_to_connect},
        {"url with host is refused", test_url_with_host_is_refused},
        {"write-first session takes the write lock", test_write_first_session_takes_the_write_lock},
        {"read-first session gets retry after a concurrent commit",
         test_read_first_session_gets_retry_after_a_concurrent_commit},
        {NULL, NULL},
    };
    test_add_suite("sqlite", setup, teardown, tests);
}
