/* Every repository, session and schema operation through its ath_async_* twin, on each URL:
 * the same results as the blocking call, read back. */
#include <string.h>

#include "aq.h"

static aq_seen seen;

/* Waits for the one operation `start_rc` started and returns its callback's rc. */
static int await_rc(ath_async *a, int start_rc)
{
    ASSERT_RC(start_rc, ATH_OK);
    if (start_rc != ATH_OK)
        return start_rc;
    CU_ASSERT_EQUAL(seen.calls, 0); /* never called back from inside the starter */
    aq_run(a);
    CU_ASSERT_EQUAL(seen.calls, 1);
    return seen.rc;
}
#define AWAIT(a, starter, ...)                                                                     \
    (memset(&seen, 0, sizeof seen), await_rc((a), starter(NULL, __VA_ARGS__, aq_record, &seen)))

static const ath_model *const extra_models[1];

typedef struct Note {
    int64_t id;
    char *body;
} Note;
static const ath_field note_fields[] = {
    ATH_FIELD(Note, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Note, body, text),
};
static const ath_model Note_model = ATH_MODEL_OF(Note, "async_note", note_fields);

/* Starts a list whose filters are a compound literal of this function's block: the operation
 * keeps its own copy, so it may run after the block has ended. */
static int start_list_of(ath_repo *repo, ath_list **out, const char *name)
{
    return ath_async_repo_list(NULL, repo, out,
                               ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text(name))), aq_record,
                               &seen);
}

static void test_writes_reads_and_transactions(void)
{
    ath_async *a = aq_begin();
    ath_repo *repo = NULL;
    ath_async_session *as = aq_session(&repo);
    ath_session *s = ath_async_session_session(as);

    Item one = {.name = "one", .qty = 1};
    ASSERT_RC(AWAIT(a, ath_async_repo_add, repo, &one), ATH_OK);
    CU_ASSERT(one.id > 0);
    Item many[3] = {{.name = "two", .qty = 2}, {.name = "three", .qty = 3}, {.name = "four", .qty = 4}};
    ASSERT_RC(AWAIT(a, ath_async_repo_add_many, repo, many, 3), ATH_OK);
    ASSERT_RC(AWAIT(a, ath_async_session_commit, s), ATH_OK);
    ASSERT_I64(aq_count_rows(), 4);

    Item got = {0};
    ath_value key = ath_v_i64(one.id);
    ASSERT_RC(AWAIT(a, ath_async_repo_get, repo, &got, &key, 1), ATH_OK);
    ASSERT_STR(got.name, "one");
    ath_model_free_fields(&Item_model, &got);
    ASSERT_RC(AWAIT(a, ath_async_repo_get_opts, repo, &got, &key, 1, 0u), ATH_OK);
    ASSERT_I64(got.qty, 1);
    ath_model_free_fields(&Item_model, &got);
    ASSERT_RC(AWAIT(a, ath_async_repo_get_one, repo, &got,
                    ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("three")))),
              ATH_OK);
    ASSERT_I64(got.qty, 3);
    ath_model_free_fields(&Item_model, &got);
    bool found = true;
    ASSERT_RC(AWAIT(a, ath_async_repo_get_one_or_none, repo, &got, &found,
                    ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("none")))),
              ATH_OK);
    CU_ASSERT_FALSE(found);

    ath_list *list = NULL;
    ASSERT_RC(AWAIT(a, ath_async_repo_list, repo, &list, ATH_FILTERS(ath_order_by("qty", true))),
              ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_list_count(list), 4);
    ASSERT_STR(((Item *)ath_list_at(list, 0))->name, "four");
    ath_list_free(list);
    list = NULL;
    memset(&seen, 0, sizeof seen);
    ASSERT_RC(await_rc(a, start_list_of(repo, &list, "two")), ATH_OK);
    CU_ASSERT_EQUAL(ath_list_count(list), 1);
    ath_list_free(list);
    list = NULL;
    int64_t total = 0;
    ASSERT_RC(AWAIT(a, ath_async_repo_list_and_count, repo, &list, &total,
                    ATH_FILTERS(ath_order_by("qty", false), ath_limit_offset(2, 0))),
              ATH_OK);
    CU_ASSERT_EQUAL(ath_list_count(list), 2);
    ASSERT_I64(total, 4);
    ath_list_free(list);
    int64_t n = 0;
    ASSERT_RC(AWAIT(a, ath_async_repo_count, repo, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 4);
    bool exists = false;
    ASSERT_RC(AWAIT(a, ath_async_repo_exists, repo, &exists,
                    ATH_FILTERS(ath_where("qty", ATH_GT, ath_v_i64(3)))),
              ATH_OK);
    CU_ASSERT_TRUE(exists);

    /* updates */
    one.qty = 10;
    ASSERT_RC(AWAIT(a, ath_async_repo_update, repo, &one), ATH_OK);
    one.qty = 11;
    ASSERT_RC(AWAIT(a, ath_async_repo_update_fields, repo, &one, ATH_NAMES("qty")), ATH_OK);
    int64_t updated = 0;
    const char *const set_fields[] = {"qty"};
    const ath_value set_values[] = {ath_v_i64(20)};
    ASSERT_RC(AWAIT(a, ath_async_repo_update_where, repo, &updated, set_fields, set_values, 1,
                    ATH_FILTERS(ath_where("qty", ATH_LT, ath_v_i64(4)))),
              ATH_OK);
    ASSERT_I64(updated, 2);
    for (int i = 0; i < 3; i++)
        many[i].qty = 30 + i;
    ASSERT_RC(AWAIT(a, ath_async_repo_update_many, repo, many, 3), ATH_OK);
    many[0].qty = 40;
    ASSERT_RC(AWAIT(a, ath_async_repo_update_many_fields, repo, many, 1, ATH_NAMES("qty")), ATH_OK);
    ASSERT_RC(AWAIT(a, ath_async_repo_count, repo, &n,
                    ATH_FILTERS(ath_where("qty", ATH_GE, ath_v_i64(11)))),
              ATH_OK);
    ASSERT_I64(n, 4);

    /* upserts */
    Item five = {.name = "five", .qty = 5};
    ASSERT_RC(AWAIT(a, ath_async_repo_upsert, repo, &five, ATH_NAMES("name")), ATH_OK);
    CU_ASSERT(five.id > 0);
    Item ups[2] = {{.name = "five", .qty = 55}, {.name = "six", .qty = 6}};
    ASSERT_RC(AWAIT(a, ath_async_repo_upsert_many, repo, ups, 2, ATH_NAMES("name")), ATH_OK);
    Item seven = {.name = "seven", .qty = 7}, before = seven;
    bool created = false;
    ASSERT_RC(AWAIT(a, ath_async_repo_get_or_upsert, repo, &seven, ATH_NAMES("name"), false,
                    &created),
              ATH_OK);
    CU_ASSERT_TRUE(created);
    ath_model_free_fields(&Item_model, &seven);
    seven = before;
    seven.qty = 77;
    ASSERT_RC(AWAIT(a, ath_async_repo_get_or_upsert_fields, repo, &seven, ATH_NAMES("name"),
                    ATH_NAMES("qty"), true, &created),
              ATH_OK);
    CU_ASSERT_FALSE(created);
    ASSERT_I64(seven.qty, 77);
    ath_model_free_fields(&Item_model, &seven);
    Item probe = {.name = "seven", .qty = 70};
    bool changed = false;
    ASSERT_RC(AWAIT(a, ath_async_repo_get_and_update, repo, &probe, ATH_NAMES("name"),
                    ATH_NAMES("qty"), &changed),
              ATH_OK);
    CU_ASSERT_TRUE(changed);
    ath_model_free_fields(&Item_model, &probe);
    probe = (Item){.name = "seven", .qty = 71};
    ASSERT_RC(AWAIT(a, ath_async_repo_get_and_update_opts, repo, &probe, ATH_NAMES("name"),
                    ATH_NAMES("qty"), &changed, 0u),
              ATH_OK);
    ASSERT_I64(probe.qty, 71);
    ath_model_free_fields(&Item_model, &probe);
    ASSERT_RC(AWAIT(a, ath_async_session_commit, s), ATH_OK);
    ASSERT_I64(aq_count_rows(), 7);

    /* a streaming read */
    ath_repo_iter *it = NULL;
    ASSERT_RC(AWAIT(a, ath_async_repo_iter_open, &it, repo, ATH_FILTERS(ath_order_by("qty", false))),
              ATH_OK);
    int rows = 0;
    Item row;
    while (AWAIT(a, ath_async_repo_iter_next, it, &row) == 1)
        rows++;
    CU_ASSERT_EQUAL(rows, 7);
    ASSERT_RC(AWAIT(a, ath_async_repo_iter_free, it), ATH_OK);

    /* deletes */
    Item gone = {0};
    ASSERT_RC(AWAIT(a, ath_async_repo_delete, repo, &key, 1, &gone), ATH_OK);
    ASSERT_STR(gone.name, "one");
    ath_model_free_fields(&Item_model, &gone);
    ASSERT_RC(AWAIT(a, ath_async_repo_delete_object, repo, &many[0]), ATH_OK);
    int64_t deleted = 0;
    ath_value keys[] = {ath_v_i64(many[1].id), ath_v_i64(many[2].id)};
    ASSERT_RC(AWAIT(a, ath_async_repo_delete_many, repo, keys, 2, &deleted), ATH_OK);
    ASSERT_I64(deleted, 2);
    ASSERT_RC(AWAIT(a, ath_async_repo_delete_where, repo, &deleted,
                    ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("six")))),
              ATH_OK);
    ASSERT_I64(deleted, 1);

    /* savepoints and rollback */
    ath_savepoint sp = 0;
    ASSERT_RC(AWAIT(a, ath_async_session_savepoint, s, &sp), ATH_OK);
    ASSERT_RC(AWAIT(a, ath_async_repo_delete_where, repo, &deleted, ATH_NO_FILTERS), ATH_OK);
    ASSERT_RC(AWAIT(a, ath_async_session_rollback_to, s, sp), ATH_OK);
    ASSERT_RC(AWAIT(a, ath_async_session_release, s, sp), ATH_OK);
    ASSERT_RC(AWAIT(a, ath_async_repo_count, repo, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 2);
    ASSERT_RC(AWAIT(a, ath_async_session_rollback, s), ATH_OK);
    ASSERT_I64(aq_count_rows(), 7); /* the deletes were never committed */
    ASSERT_RC(AWAIT(a, ath_async_session_begin, s), ATH_OK);

    /* raw SQL */
    ath_result *res = NULL;
    ASSERT_RC(AWAIT(a, ath_async_session_execute, s, "SELECT qty FROM async_item WHERE name = ?",
                    ATH_VALUES(ath_v_text("five")), &res),
              ATH_OK);
    ASSERT_RC(AWAIT(a, ath_async_result_next, res), 1);
    ASSERT_I64(ath_result_i64(res, 0), 55);
    ASSERT_RC(AWAIT(a, ath_async_result_next, res), 0);
    ASSERT_RC(AWAIT(a, ath_async_result_free, res), ATH_OK);
    ASSERT_RC(AWAIT(a, ath_async_session_commit, s), ATH_OK);

    /* schema, on the session's engine */
    static const ath_model *const notes[] = {&Note_model};
    ASSERT_RC(AWAIT(a, ath_async_create_all, as, notes, 1), ATH_OK);
    Note note = {.body = "x"};
    ath_repo *nrepo = NULL;
    ASSERT_RC(ath_repo_open(&nrepo, s, &Note_model), ATH_OK);
    ASSERT_RC(AWAIT(a, ath_async_repo_add, nrepo, &note), ATH_OK);
    ASSERT_RC(AWAIT(a, ath_async_session_commit, s), ATH_OK);
    ath_repo_free(nrepo);
    ASSERT_RC(AWAIT(a, ath_async_drop_all, as, notes, 1), ATH_OK);
    (void)extra_models;
}

static void test_errors_arrive_with_their_detail(void)
{
    ath_async *a = aq_begin();
    ath_repo *repo = NULL;
    ath_async_session *as = aq_session(&repo);
    ath_session *s = ath_async_session_session(as);
    Item got = {0};
    ath_value key = ath_v_i64(424242);
    ASSERT_RC(AWAIT(a, ath_async_repo_get, repo, &got, &key, 1), ATH_ENOTFOUND);
    CU_ASSERT_EQUAL(seen.err_code, ATH_ENOTFOUND);
    ASSERT_STR(seen.name, "ath_repo_get");
    Item x = {.name = "dup", .qty = 1}, y = {.name = "dup", .qty = 2};
    ASSERT_RC(AWAIT(a, ath_async_repo_add, repo, &x), ATH_OK);
    ASSERT_RC(AWAIT(a, ath_async_repo_add, repo, &y), ATH_EDUPLICATE);
    CU_ASSERT_EQUAL(seen.err_code, ATH_EDUPLICATE);
    CU_ASSERT(strlen(seen.message) > 0);
    /* the failed-transaction rule, as in the blocking API */
    int64_t n = 0;
    ASSERT_RC(AWAIT(a, ath_async_repo_count, repo, &n, ATH_NO_FILTERS), ATH_EINVAL);
    ASSERT_RC(AWAIT(a, ath_async_session_rollback, s), ATH_OK);
    ASSERT_RC(AWAIT(a, ath_async_repo_count, repo, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 0);
    /* the loop thread's own error is not an operation's */
    ath_error_clear();
    ASSERT_RC(AWAIT(a, ath_async_repo_get, repo, &got, &key, 1), ATH_ENOTFOUND);
    CU_ASSERT_EQUAL(ath_error_last()->code, ATH_OK);
}

TEST_SUITE(async_ops)
{
    static const test_case tests[] = {
        {"writes, reads and transactions", test_writes_reads_and_transactions},
        {"errors arrive with their detail", test_errors_arrive_with_their_detail},
        {NULL, NULL},
    };
    aq_add_group("async-ops", tests);
}
