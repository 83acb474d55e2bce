/*
 * Regressions: every bug the security suite or a fuzzer (tests/fuzz) found, as the smallest
 * program that shows it, on SQLite in memory. Each test names its finding (docs/security.md).
 * A finding that crashed the process runs in a child process, so a regression fails one test
 * instead of ending the run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <athanor/athanor.h>

#include "runner.h"

typedef struct Item {
    int64_t id;
    char *title;
    char *body;
} Item;

static const ath_field item_fields[] = {
    ATH_FIELD(Item, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Item, title, opt_text),
    ATH_FIELD(Item, body, opt_text),
};
static const ath_model Item_model = ATH_MODEL_OF(Item, "reg_item", item_fields);

/* Statements the engine ran, other than transaction control (counted through echo). */
static long statements;

static void count(void *ctx, ath_log_level level, const char *message)
{
    (void)ctx;
    if (level == ATH_LOG_SQL && strncmp(message, "BEGIN", 5) != 0 &&
        strncmp(message, "ROLLBACK", 8) != 0 && strncmp(message, "COMMIT", 6) != 0)
        statements++;
}

static ath_engine *engine;
static ath_session *session;
static ath_repo *repo;

/* SQLite in memory with the Item table, one session and a repository on it; two rows. */
static void open_fixture(void)
{
    ath_engine_options opts;
    ath_engine_options_init(&opts);
    opts.echo = true;
    opts.log = count;
    ASSERT_RC(ath_engine_create_opts(&engine, "sqlite:///:memory:", &opts), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(engine);
    ASSERT_RC(ath_create_all(engine, ATH_MODELS(&Item_model)), ATH_OK);
    ASSERT_RC(ath_session_open(&session, engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&repo, session, &Item_model), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(repo);
    Item a = {0, "alpha", "one"}, b = {0, "beta", "two"};
    ASSERT_RC(ath_repo_add(repo, &a), ATH_OK);
    ASSERT_RC(ath_repo_add(repo, &b), ATH_OK);
    ASSERT_RC(ath_session_commit(session), ATH_OK);
}

static void close_fixture(void)
{
    ath_repo_free(repo);
    ath_session_close(session);
    ath_engine_dispose(engine);
    repo = NULL;
    session = NULL;
    engine = NULL;
}

static int64_t rows(void)
{
    ath_result *r = NULL;
    int64_t n = -1;
    if (ath_session_execute(session, "SELECT COUNT(*) FROM reg_item", NULL, 0, &r) == ATH_OK &&
        ath_result_next(r) == 1)
        n = ath_result_i64(r, 0);
    ath_result_free(r);
    return n;
}

/* Runs fn in a child process: returns its exit status, or 128 + the signal that killed it. */
static int isolated(int (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* --- F2: NULL children with a count ------------------------------------------------------------
 */

/* 0 when every group with a NULL child array and a count was refused with ATH_EINVAL. */
static int null_children_child(void)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ath_repo *r = NULL;
    if (ath_engine_create(&e, "sqlite:///:memory:") != ATH_OK ||
        ath_create_all(e, ATH_MODELS(&Item_model)) != ATH_OK || ath_session_open(&s, e) != ATH_OK ||
        ath_repo_open(&r, s, &Item_model) != ATH_OK)
        return 2;
    int64_t n = 0;
    int bad = 0;
    bad += ath_repo_count(r, &n, ATH_FILTERS(ath_any(NULL, 2))) != ATH_EINVAL;
    bad += ath_repo_count(r, &n, ATH_FILTERS(ath_all(NULL, 1))) != ATH_EINVAL;
    bad += ath_repo_count(r, &n, ATH_FILTERS(ath_exists(&Item_model, NULL, 3))) != ATH_EINVAL;
    ath_repo_free(r);
    ath_session_close(s);
    ath_engine_dispose(e);
    return bad ? 1 : 0;
}

static void test_f2_any_all_exists_with_null_children_are_refused_not_a_crash(void)
{
    int status = isolated(null_children_child);
    char msg[160];
    snprintf(msg, sizeof msg, "ath_any/ath_all/ath_exists(NULL children, n > 0): child %s %d",
             status >= 128 ? "killed by signal" : "exited with",
             status >= 128 ? status - 128 : status);
    CU_assertImplementation(status == 0, __LINE__, msg, __FILE__, "", CU_FALSE);
}

/* --- F1: a value whose type is not an ath_type -------------------------------------------------
 */

static void test_f1_a_value_of_no_known_type_is_refused_before_sending(void)
{
    open_fixture();
    ath_value v = ath_v_i32(1);
    v.type = (ath_type)(ATH_T__COUNT + 3);
    int64_t n = -1;
    long before = statements;
    ASSERT_RC(ath_repo_count(repo, &n, ATH_FILTERS(ath_where("title", ATH_EQ, v))), ATH_EINVAL);
    CU_ASSERT_EQUAL(statements, before);
    CU_ASSERT(!ath_session_failed(session));
    ASSERT_RC(ath_session_execute(session, "SELECT ?", &v, 1, NULL), ATH_EINVAL);
    CU_ASSERT(!ath_session_failed(session));
    close_fixture();
}

/* --- F3: an integer read as a narrower one -----------------------------------------------------
 */

static void test_f3_an_integer_too_big_for_i32_is_refused_not_cut(void)
{
    open_fixture();
    ath_result *r = NULL;
    ath_value p = ath_v_i64(5000000000LL), v;
    ASSERT_RC(ath_session_execute(session, "SELECT ?", &p, 1, &r), ATH_OK);
    CU_ASSERT_FATAL(r && ath_result_next(r) == 1);
    int rc = ath_result_get(r, 0, ATH_T_I32, &v);
    CU_ASSERT(rc == ATH_EINVAL || (rc == ATH_OK && v.u.i32 == (int64_t)5000000000LL));
    ath_result_free(r);
    close_fixture();
}

/* --- S1: a long search column entry cut to a real column ---------------------------------------
 */

static void test_s1_a_long_search_column_entry_is_not_cut_into_a_column(void)
{
    open_fixture();
    char name[300];
    snprintf(name, sizeof name, "title%*s; DROP TABLE reg_item", 200, "");
    int64_t n = -1;
    ASSERT_RC(ath_repo_count(repo, &n, ATH_FILTERS(ath_search(name, "a", false))), ATH_EINVAL);
    char longname[300];
    memset(longname, 'x', 200);
    memcpy(longname, "title", 5);
    longname[200] = '\0';
    ASSERT_RC(ath_repo_count(repo, &n, ATH_FILTERS(ath_search(longname, "a", false))), ATH_EINVAL);
    close_fixture();
}

/* --- S2: add_many writes earlier chunks before it finds a bad row ------------------------------
 */

static void test_s2_add_many_with_a_bad_row_writes_nothing(void)
{
    open_fixture();
    enum { N = 20000 }; /* several statements under SQLite's parameter limit */
    Item *items = calloc(N, sizeof *items);
    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    for (size_t i = 0; i < N; i++)
        items[i].title = "ok";
    items[N - 1].body = "bad \xff byte";
    long before = statements;
    ASSERT_RC(ath_repo_add_many(repo, items, N), ATH_EINVAL);
    ASSERT_ERR_HAS("reg_item.body");
    CU_ASSERT_EQUAL(statements, before);
    CU_ASSERT(!ath_session_failed(session));
    CU_ASSERT_EQUAL(rows(), 2); /* the two rows of the fixture, nothing more */
    free(items);
    close_fixture();
}

static void test_s2_update_many_with_a_bad_object_updates_nothing(void)
{
    open_fixture();
    Item items[2] = {{1, "changed", "changed"}, {2, "changed", "bad \xc0\xaf"}};
    long before = statements;
    ASSERT_RC(ath_repo_update_many(repo, items, 2), ATH_EINVAL);
    ASSERT_ERR_HAS("reg_item.body");
    CU_ASSERT_EQUAL(statements, before);
    ath_result *r = NULL;
    ASSERT_RC(ath_session_execute(session, "SELECT title FROM reg_item WHERE id = 1", NULL, 0, &r),
              ATH_OK);
    CU_ASSERT_FATAL(r && ath_result_next(r) == 1);
    CU_ASSERT_STRING_EQUAL(ath_result_text(r, 0), "alpha");
    ath_result_free(r);
    close_fixture();
}

static void test_s2_upsert_many_with_a_bad_row_writes_nothing(void)
{
    open_fixture();
    enum { N = 20000 };
    Item *items = calloc(N, sizeof *items);
    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    for (size_t i = 0; i < N; i++) {
        items[i].id = 100 + (int64_t)i;
        items[i].title = "ok";
    }
    items[N - 1].title = "bad \xed\xa0\x80";
    long before = statements;
    ASSERT_RC(ath_repo_upsert_many(repo, items, N, NULL, 0), ATH_EINVAL);
    ASSERT_ERR_HAS("reg_item.title");
    CU_ASSERT_EQUAL(statements, before);
    CU_ASSERT_EQUAL(rows(), 2);
    free(items);
    close_fixture();
}

/* --- S3: list_and_count counts before it checks order_by ---------------------------------------
 */

static void test_s3_list_and_count_checks_every_filter_before_running_anything(void)
{
    open_fixture();
    ath_list *l = NULL;
    int64_t total = -1;
    long before = statements;
    ASSERT_RC(ath_repo_list_and_count(repo, &l, &total,
                                      ATH_FILTERS(ath_order_by("title; DROP TABLE reg_item", false),
                                                  ath_limit_offset(1, 0))),
              ATH_EINVAL);
    ASSERT_ERR_HAS("title; DROP TABLE reg_item");
    CU_ASSERT_EQUAL(statements, before);
    CU_ASSERT_PTR_NULL(l);
    ath_list_free(l);
    ASSERT_RC(ath_repo_list_and_count(repo, &l, &total, ATH_FILTERS(ath_after("not a cursor"))),
              ATH_EINVAL);
    CU_ASSERT_EQUAL(statements, before);
    ath_list_free(l);
    close_fixture();
}

TEST_SUITE(regressions)
{
    static const test_case tests[] = {
        {"F1 a value of no known type is refused before sending",
         test_f1_a_value_of_no_known_type_is_refused_before_sending},
        {"F2 any/all/exists with NULL children are refused, not a crash",
         test_f2_any_all_exists_with_null_children_are_refused_not_a_crash},
        {"F3 an integer too big for i32 is refused, not cut",
         test_f3_an_integer_too_big_for_i32_is_refused_not_cut},
        {"S1 a long search column entry is not cut into a column",
         test_s1_a_long_search_column_entry_is_not_cut_into_a_column},
        {"S2 add_many with a bad row writes nothing",
         test_s2_add_many_with_a_bad_row_writes_nothing},
        {"S2 update_many with a bad object updates nothing",
         test_s2_update_many_with_a_bad_object_updates_nothing},
        {"S2 upsert_many with a bad row writes nothing",
         test_s2_upsert_many_with_a_bad_row_writes_nothing},
        {"S3 list_and_count checks every filter before running anything",
         test_s3_list_and_count_checks_every_filter_before_running_anything},
        {NULL, NULL},
    };
    test_add_suite("regressions", NULL, NULL, tests);
}
