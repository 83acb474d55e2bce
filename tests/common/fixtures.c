/* Test kit: per-test fixtures (see fixtures.h). */
#include "fixtures.h"

#include <string.h>

#include <CUnit/CUnit.h>

#include "runner.h"

#define MAX_SESSIONS 8
#define MAX_REPOS    32
#define MAX_LISTS    64

static ath_session *sessions[MAX_SESSIONS];
static struct {
    ath_repo *repo;
    ath_session *session;
} repos[MAX_REPOS];
static ath_list *lists[MAX_LISTS];

ath_session *test_session(ath_engine *engine)
{
    ath_session *s = NULL;
    size_t i = 0;
    while (i < MAX_SESSIONS && sessions[i])
        i++;
    CU_ASSERT_FATAL(i < MAX_SESSIONS);
    ASSERT_RC(ath_session_open(&s, engine), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    sessions[i] = s;
    return s;
}

void test_close(ath_session *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < MAX_REPOS; i++)
        if (repos[i].session == s) {
            ath_repo_free(repos[i].repo);
            repos[i].repo = NULL;
            repos[i].session = NULL;
        }
    for (size_t i = 0; i < MAX_SESSIONS; i++)
        if (sessions[i] == s)
            sessions[i] = NULL;
    ath_session_close(s);
}

ath_repo *test_repo(ath_session *s, const ath_model *model, const ath_repo_options *opts)
{
    ath_repo *r = NULL;
    size_t i = 0;
    while (i < MAX_REPOS && repos[i].repo)
        i++;
    CU_ASSERT_FATAL(i < MAX_REPOS);
    ASSERT_RC(ath_repo_open_opts(&r, s, model, opts), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    repos[i].repo = r;
    repos[i].session = s;
    return r;
}

ath_list *test_keep(ath_list *list, test_when_full when_full)
{
    for (size_t i = 0; list && i < MAX_LISTS; i++)
        if (!lists[i]) {
            lists[i] = list;
            return list;
        }
    if (!list || when_full == TEST_FULL_IGNORE)
        return list;
    if (when_full == TEST_FULL_FAIL) {
        CU_FAIL_FATAL("too many lists in one test");
        return list;
    }
    ath_list_free(lists[0]); /* full: the oldest goes */
    memmove(lists, lists + 1, (MAX_LISTS - 1) * sizeof *lists);
    lists[MAX_LISTS - 1] = list;
    return list;
}

ath_list *test_list(ath_repo *repo, const ath_filter *filters, size_t nfilters,
                    test_when_full when_full)
{
    ath_list *l = NULL;
    int rc = ath_repo_list(repo, &l, filters, nfilters);
    ASSERT_RC(rc, ATH_OK);
    CU_ASSERT_FATAL(rc == ATH_OK && l != NULL);
    return test_keep(l, when_full);
}

void test_end(void)
{
    for (size_t i = 0; i < MAX_LISTS; i++) {
        ath_list_free(lists[i]);
        lists[i] = NULL;
    }
    for (size_t i = 0; i < MAX_REPOS; i++) {
        ath_repo_free(repos[i].repo);
        repos[i].repo = NULL;
        repos[i].session = NULL;
    }
    for (size_t i = 0; i < MAX_SESSIONS; i++) {
        ath_session_close(sessions[i]);
        sessions[i] = NULL;
    }
}
