/* Tests for core/sql_scan.c: placeholder counting and rewriting, write detection. */
#include <string.h>

#include "buf.h"
#include "runner.h"
#include "sql_scan.h"

/* Rewrites `in` for `$n` dialects and checks the text and the count. */
static void check_dollar(const char *in, const char *want, size_t want_n)
{
    ath_buf b;
    ath_buf_init(&b);
    size_t n = 99;
    ASSERT_RC(ath_sql_placeholders(in, ATH_PLACEHOLDER_DOLLAR, &b, &n), ATH_OK);
    CU_ASSERT_EQUAL(n, want_n);
    CU_ASSERT_STRING_EQUAL(b.data ? b.data : "", want);
    ath_buf_free(&b);
}

static void test_question_marks_become_numbered(void)
{
    check_dollar("SELECT * FROM t WHERE a = ? AND b IN (?, ?)",
                 "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)", 3);
    check_dollar("SELECT 1", "SELECT 1", 0);
    check_dollar("", "", 0);
}

static void test_quoted_text_is_left_alone(void)
{
    check_dollar("SELECT '?', \"what?\", ? FROM t", "SELECT '?', \"what?\", $1 FROM t", 1);
    check_dollar("SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1", 1);
    check_dollar("SELECT E'a\\'?', ?", "SELECT E'a\\'?', $1", 1);
    check_dollar("SELECT `col?` FROM t WHERE x = ?", "SELECT `col?` FROM t WHERE x = $1", 1);
    check_dollar("SELECT \"a\"\"?\" , ?", "SELECT \"a\"\"?\" , $1", 1);
}

static void test_comments_are_left_alone(void)
{
    check_dollar("SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2", 2);
    check_dollar("SELECT /* a ? /* nested ? */ still ? */ ?",
                 "SELECT /* a ? /* nested ? */ still ? */ $1", 1);
}

static void test_dollar_quoted_bodies_are_left_alone(void)
{
    check_dollar("SELECT $$ what? $$, ?", "SELECT $$ what? $$, $1", 1);
    check_dollar("SELECT $fn$ a ? $$ b ? $fn$, ?", "SELECT $fn$ a ? $$ b ? $fn$, $1", 1);
}

static void test_casts_and_escapes(void)
{
    check_dollar("SELECT ?::int, x::text", "SELECT $1::int, x::text", 1);
    check_dollar("SELECT data ?? 'key', ?", "SELECT data ? 'key', $1", 1);
}

static void test_qmark_style_keeps_text_and_counts(void)
{
    ath_buf b;
    ath_buf_init(&b);
    size_t n = 0;
    ASSERT_RC(ath_sql_placeholders("INSERT INTO t VALUES (?, '?', ?)", ATH_PLACEHOLDER_QMARK, &b,
                                   &n),
              ATH_OK);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_STRING_EQUAL(b.data, "INSERT INTO t VALUES (?, '?', ?)");
    ath_buf_free(&b);
    ASSERT_RC(ath_sql_placeholders("SELECT ?", ATH_PLACEHOLDER_QMARK, NULL, &n), ATH_OK);
    CU_ASSERT_EQUAL(n, 1);
}

static void test_unterminated_constructs_are_errors(void)
{
    size_t n;
    ASSERT_RC(ath_sql_placeholders("SELECT 'abc", ATH_PLACEHOLDER_DOLLAR, NULL, &n), ATH_EINVAL);
    ASSERT_ERR_HAS("unterminated quote");
    ASSERT_RC(ath_sql_placeholders("SELECT /* x", ATH_PLACEHOLDER_DOLLAR, NULL, &n), ATH_EINVAL);
    ASSERT_RC(ath_sql_placeholders("SELECT $a$ x", ATH_PLACEHOLDER_DOLLAR, NULL, &n), ATH_EINVAL);
    ASSERT_RC(ath_sql_placeholders("SELECT \"x", ATH_PLACEHOLDER_DOLLAR, NULL, &n), ATH_EINVAL);
}

static void test_write_statements_are_recognised(void)
{
    CU_ASSERT_TRUE(ath_sql_is_write("INSERT INTO t VALUES (1)"));
    CU_ASSERT_TRUE(ath_sql_is_write("  update t set x = 1"));
    CU_ASSERT_TRUE(ath_sql_is_write("-- note\n/* c */ DELETE FROM t"));
    CU_ASSERT_TRUE(ath_sql_is_write("CREATE TABLE x (a INT)"));
    CU_ASSERT_TRUE(ath_sql_is_write("drop table x"));
    CU_ASSERT_FALSE(ath_sql_is_write("SELECT 1"));
    CU_ASSERT_FALSE(ath_sql_is_write("WITH a AS (SELECT 1) SELECT * FROM a"));
    CU_ASSERT_FALSE(ath_sql_is_write("INSERTX"));
    CU_ASSERT_FALSE(ath_sql_is_write(""));
}

static void test_second_statement_is_found_outside_quotes_and_comments(void)
{
    CU_ASSERT_TRUE(ath_sql_second_statement("INSERT INTO t VALUES (1); DELETE FROM t"));
    CU_ASSERT_TRUE(ath_sql_second_statement("SELECT 1;SELECT 2;"));
    CU_ASSERT_FALSE(ath_sql_second_statement("SELECT 1"));
    CU_ASSERT_FALSE(ath_sql_second_statement("SELECT 1; -- done\n /* really */ ;  "));
    CU_ASSERT_FALSE(ath_sql_second_statement("SELECT 'a;b', \"c;d\", `e;f` -- ; x\n"));
    CU_ASSERT_FALSE(ath_sql_second_statement("SELECT $$ x; y $$ /* ; z */"));
    CU_ASSERT_FALSE(ath_sql_second_statement("SELECT 'unterminated; DROP"));
    CU_ASSERT_FALSE(ath_sql_second_statement(NULL));
}

TEST_SUITE(sqltext)
{
    static const test_case tests[] = {
        {"second statement is found outside quotes and comments",
         test_second_statement_is_found_outside_quotes_and_comments},
        {"question marks become numbered", test_question_marks_become_numbered},
        {"quoted text is left alone", test_quoted_text_is_left_alone},
        {"comments are left alone", test_comments_are_left_alone},
        {"dollar-quoted bodies are left alone", test_dollar_quoted_bodies_are_left_alone},
        {"casts and escapes", test_casts_and_escapes},
        {"qmark style keeps text and counts", test_qmark_style_keeps_text_and_counts},
        {"unterminated constructs are errors", test_unterminated_constructs_are_errors},
        {"write statements are recognised", test_write_statements_are_recognised},
        {NULL, NULL},
    };
    test_add_suite("sqltext", NULL, NULL, tests);
}
