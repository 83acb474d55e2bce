/*
 * Test kit: per-test fixtures. Sessions, repositories and lists opened through these are
 * released by test_end(), also when a fatal assertion ended the test early.
 */
#ifndef ATHANOR_TEST_FIXTURES_H
#define ATHANOR_TEST_FIXTURES_H

#include <stddef.h>

#include <athanor/athanor.h>

/** What test_keep does with a list when every slot is taken. */
typedef enum test_when_full {
    TEST_FULL_IGNORE, /**< returns the list untracked (the test frees it, or it leaks) */
    TEST_FULL_FAIL,   /**< fails the test fatally */
    TEST_FULL_EVICT,  /**< frees the oldest tracked list to make room */
} test_when_full;

/** Opens a tracked session on `engine`; a failure ends the test. */
ath_session *test_session(ath_engine *engine);
/** Frees the tracked repositories opened on `s`, then closes it (rolling back what was not
 *  committed). */
void test_close(ath_session *s);
/** Opens a tracked repository (opts may be NULL); a failure ends the test. */
ath_repo *test_repo(ath_session *s, const ath_model *model, const ath_repo_options *opts);
/** Tracks a list so test_end() frees it. Returns it. */
ath_list *test_keep(ath_list *list, test_when_full when_full);
/** Lists with the filters (a failure ends the test) and tracks the list. */
ath_list *test_list(ath_repo *repo, const ath_filter *filters, size_t nfilters,
                    test_when_full when_full);
/** Frees tracked lists and repositories, then closes tracked sessions. */
void test_end(void);

#endif
