/* MySQL error numbers reach the caller as ath_codes, with errno, SQLSTATE, message and the
 * constraint's name. */
#include <string.h>

#include "mysql_test.h"

static ath_engine *engine;

static int setup(void)
{
    engine = mt_engine(NULL);
    if (!engine)
        return 1;
    mt_ddl(engine, "DROP TABLE IF EXISTS mt_err_child, mt_err_parent, mt_err_item");
    mt_ddl(engine, "CREATE TABLE mt_err_parent (id INT NOT NULL AUTO_INCREMENT, "
                   "name VARCHAR(50) NOT NULL, qty INT NOT NULL DEFAULT 0, "
                   "PRIMARY KEY (id), CONSTRAINT uq_mt_err_parent_name UNIQUE (name), "
                   "CONSTRAINT ck_mt_err_parent_qty CHECK (qty >= 0)) "
                   "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    mt_ddl(engine, "CREATE TABLE mt_err_child (id INT NOT NULL AUTO_INCREMENT, "
                   "parent_id INT NOT NULL, PRIMARY KEY (id), "
                   "CONSTRAINT fk_mt_err_child_parent FOREIGN KEY (parent_id) "
                   "REFERENCES mt_err_parent (id)) "
                   "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    mt_ddl(engine, "CREATE TABLE mt_err_item (id INT NOT NULL PRIMARY KEY, "
                   "label VARCHAR(20) NOT NULL) "
                   "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    return 0;
}

static int teardown(void)
{
    if (engine) {
        mt_ddl(engine, "DROP TABLE IF EXISTS mt_err_child, mt_err_parent, mt_err_item");
        ath_engine_dispose(engine);
    }
    engine = NULL;
    return 0;
}

/* Runs `sql` with one text parameter in a fresh transaction and returns its code; the
 * session is left for the caller to inspect and close. */
static int run(ath_session **s, const char *sql, const ath_value *params, size_t n)
{
    ASSERT_RC(ath_session_open(s, engine), ATH_OK);
    return ath_session_execute(*s, sql, params, n, NULL);
}

static void insert_parent(const char *name)
{
    ath_session *s = NULL;
    ath_value p[] = {ath_v_text(name)};
    ASSERT_RC(run(&s, "INSERT INTO mt_err_parent (name) VALUES (?)", p, 1), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
}

static void test_duplicate_unique_key_is_eduplicate_with_key_name(void)
{
    insert_parent("dup-a");
    ath_session *s = NULL;
    ath_value p[] = {ath_v_text("dup-a")};
    ASSERT_RC(run(&s, "INSERT INTO mt_err_parent (name) VALUES (?)", p, 1), ATH_EDUPLICATE);
    const ath_error *e = ath_error_last();
    CU_ASSERT_EQUAL(e->native_code, 1062);
    MT_ASSERT_STR(e->sqlstate, "23000");
    MT_ASSERT_STR(e->constraint, "uq_mt_err_parent_name");
    ASSERT_ERR_HAS("Duplicate entry 'dup-a'");
    CU_ASSERT_PTR_NOT_NULL(e->sql);
    ath_session_close(s);
}

static void test_duplicate_primary_key_names_primary(void)
{
    ath_session *s = NULL;
    ath_value p[] = {ath_v_i32(7), ath_v_text("x")};
    ASSERT_RC(run(&s, "INSERT INTO mt_err_item (id, label) VALUES (?, ?)", p, 2), ATH_OK);
    ASSERT_RC(
        ath_session_execute(s, "INSERT INTO mt_err_item (id, label) VALUES (?, ?)", p, 2, NULL),
        ATH_EDUPLICATE);
    CU_ASSERT_EQUAL(ath_error_last()->native_code, 1062);
    MT_ASSERT_STR(ath_error_last()->constraint, "PRIMARY");
    ath_session_close(s);
}

static void test_duplicate_value_quoting_the_message_still_names_the_key(void)
{
    const char *tricky = "it's ' for key 'fake";
    insert_parent(tricky);
    ath_session *s = NULL;
    ath_value p[] = {ath_v_text(tricky)};
    ASSERT_RC(run(&s, "INSERT INTO mt_err_parent (name) VALUES (?)", p, 1), ATH_EDUPLICATE);
    MT_ASSERT_STR(ath_error_last()->constraint, "uq_mt_err_parent_name");
    ath_session_close(s);
}

static void test_missing_parent_row_is_eforeignkey(void)
{
    ath_session *s = NULL;
    ath_value p[] = {ath_v_i32(999999)};
    ASSERT_RC(run(&s, "INSERT INTO mt_err_child (parent_id) VALUES (?)", p, 1), ATH_EFOREIGNKEY);
    const ath_error *e = ath_error_last();
    CU_ASSERT_EQUAL(e->native_code, 1452);
    MT_ASSERT_STR(e->sqlstate, "23000");
    MT_ASSERT_STR(e->constraint, "fk_mt_err_child_parent");
    ath_session_close(s);
}

static void test_deleting_a_referenced_parent_is_eforeignkey(void)
{
    insert_parent("fk-parent");
    ath_session *s = NULL;
    ath_value name[] = {ath_v_text("fk-parent")};
    ASSERT_RC(run(&s,
                  "INSERT INTO mt_err_child (parent_id) SELECT id FROM mt_err_parent WHERE "
                  "name = ?",
                  name, 1),
              ATH_OK);
    ASSERT_RC(ath_session_execute(s, "DELETE FROM mt_err_parent WHERE name = ?", name, 1, NULL),
              ATH_EFOREIGNKEY);
    CU_ASSERT_EQUAL(ath_error_last()->native_code, 1451);
    MT_ASSERT_STR(ath_error_last()->constraint, "fk_mt_err_child_parent");
    ath_session_close(s);
}

static void test_null_into_not_null_column_is_enotnull_naming_the_column(void)
{
    ath_session *s = NULL;
    ath_value p[] = {ath_v_null()};
    ASSERT_RC(run(&s, "INSERT INTO mt_err_parent (name) VALUES (?)", p, 1), ATH_ENOTNULL);
    const ath_error *e = ath_error_last();
    CU_ASSERT_EQUAL(e->native_code, 1048);
    MT_ASSERT_STR(e->sqlstate, "23000");
    MT_ASSERT_STR(e->constraint, "name");
    ath_session_close(s);
}

static void test_missing_value_without_default_is_enotnull(void)
{
    ath_session *s = NULL;
    ASSERT_RC(run(&s, "INSERT INTO mt_err_parent (qty) VALUES (1)", NULL, 0), ATH_ENOTNULL);
    CU_ASSERT_EQUAL(ath_error_last()->native_code, 1364);
    MT_ASSERT_STR(ath_error_last()->constraint, "name");
    ath_session_close(s);
}

static void test_check_violation_is_echeck_with_constraint_name(void)
{
    ath_session *s = NULL;
    ath_value p[] = {ath_v_text("neg"), ath_v_i32(-1)};
    ASSERT_RC(run(&s, "INSERT INTO mt_err_parent (name, qty) VALUES (?, ?)", p, 2), ATH_ECHECK);
    const ath_error *e = ath_error_last();
    CU_ASSERT(e->native_code == 4025 || e->native_code == 3819); /* MariaDB / MySQL */
    MT_ASSERT_STR(e->sqlstate, "23000");
    MT_ASSERT_STR(e->constraint, "ck_mt_err_parent_qty");
    ath_session_close(s);
}

static void test_syntax_error_is_esql_with_sqlstate_42000(void)
{
    ath_session *s = NULL;
    ASSERT_RC(run(&s, "SELEC 1", NULL, 0), ATH_ESQL);
    const ath_error *e = ath_error_last();
    CU_ASSERT_EQUAL(e->native_code, 1064);
    MT_ASSERT_STR(e->sqlstate, "42000");
    ASSERT_ERR_HAS("SQL syntax");
    CU_ASSERT_PTR_NOT_NULL(e->sql);
    if (e->sql)
        MT_ASSERT_STR(e->sql, "SELEC 1");
    ath_session_close(s);
}

static void test_value_too_long_is_rejected_not_truncated(void)
{
    ath_session *s = NULL;
    ath_value p[] = {ath_v_i32(100), ath_v_text("twenty-one characters")};
    ASSERT_RC(run(&s, "INSERT INTO mt_err_item (id, label) VALUES (?, ?)", p, 2), ATH_ECHECK);
    CU_ASSERT_EQUAL(ath_error_last()->native_code, 1406); /* ER_DATA_TOO_LONG, strict mode */
    ath_session_close(s);
}

static void test_division_by_zero_is_an_error(void)
{
    ath_session *s = NULL;
    ath_value p[] = {ath_v_i32(101), ath_v_i32(0), ath_v_text("x")};
    ASSERT_RC(run(&s, "INSERT INTO mt_err_item (id, label) VALUES (? / ?, ?)", p, 3), ATH_ESQL);
    CU_ASSERT_EQUAL(ath_error_last()->native_code, 1365); /* ER_DIVISION_BY_ZERO */
    ath_session_close(s);
}

TEST_SUITE(mysql_error)
{
    static const test_case tests[] = {
        {"duplicate unique key is EDUPLICATE with key name",
         test_duplicate_unique_key_is_eduplicate_with_key_name},
        {"duplicate primary key names PRIMARY", test_duplicate_primary_key_names_primary},
        {"duplicate value quoting the message still names the key",
         test_duplicate_value_quoting_the_message_still_names_the_key},
        {"missing parent row is EFOREIGNKEY", test_missing_parent_row_is_eforeignkey},
        {"deleting a referenced parent is EFOREIGNKEY",
         test_deleting_a_referenced_parent_is_eforeignkey},
        {"NULL into NOT NULL column is ENOTNULL naming the column",
         test_null_into_not_null_column_is_enotnull_naming_the_column},
        {"missing value without default is ENOTNULL",
         test_missing_value_without_default_is_enotnull},
        {"CHECK violation is ECHECK with constraint name",
         test_check_violation_is_echeck_with_constraint_name},
        {"syntax error is ESQL with SQLSTATE 42000", test_syntax_error_is_esql_with_sqlstate_42000},
        {"value too long is rejected, not truncated",
         test_value_too_long_is_rejected_not_truncated},
        {"division by zero is an error", test_division_by_zero_is_an_error},
        {NULL, NULL}};
    test_add_suite("mysql_errors", setup, teardown, tests);
}
