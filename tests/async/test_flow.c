/* The loop contract on each URL: order within a session, concurrency across sessions over the
 * pool, the push form (watch/timer callbacks), cancellation, pool waits, and freeing a runtime
 * with operations in flight. */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "aq.h"

static bool is_nonblocking(void)
{
    return ath_engine_nonblocking(aq_engine);
}

static void test_one_session_runs_its_operations_in_order(void)
{
    ath_async *a = aq_begin();
    ath_repo *repo = NULL;
    ath_async_session *as = aq_session(&repo);
    Item items[5];
    aq_seen seen[6];
    memset(seen, 0, sizeof seen);
    char names[5][16];
    for (int i = 0; i < 5; i++) {
        snprintf(names[i], sizeof names[i], "n%d", i);
        items[i] = (Item){.name = names[i], .qty = i};
        ASSERT_RC(ath_async_repo_add(NULL, repo, &items[i], aq_record, &seen[i]), ATH_OK);
    }
    ASSERT_RC(ath_async_session_commit(NULL, ath_async_session_session(as), aq_record, &seen[5]),
              ATH_OK);
    CU_ASSERT_EQUAL(ath_async_pending(a), 6);
    aq_run(a);
    for (int i = 0; i < 6; i++) {
        CU_ASSERT_EQUAL(seen[i].calls, 1);
        ASSERT_RC(seen[i].rc, ATH_OK);
        if (i > 0)
            CU_ASSERT(seen[i].order > seen[i - 1].order);
    }
    for (int i = 1; i < 5; i++)
        CU_ASSERT(items[i].id > items[i - 1].id);
    ASSERT_I64(aq_count_rows(), 5);
}

/* one operation of the stress: an insert and its commit, in one transaction */
typedef struct job {
    Item item;
    char name[24];
    ath_repo *repo;
} job;

static int add_and_commit(ath_session *s, void *arg)
{
    job *j = arg;
    int rc = ath_repo_add(j->repo, &j->item);
    if (rc == ATH_OK)
        rc = ath_session_commit(s);
    else
        ath_session_rollback(s);
    return rc;
}

enum { SESSIONS = 100, PER_SESSION = 10 };

static void test_a_thousand_operations_over_a_pool_of_eight(void)
{
    ath_async *a = aq_begin();
    static job jobs[SESSIONS * PER_SESSION];
    static aq_seen seen[SESSIONS * PER_SESSION];
    memset(seen, 0, sizeof seen);
    for (int s = 0; s < SESSIONS; s++) {
        ath_repo *repo = NULL;
        ath_async_session *as = aq_session(&repo);
        for (int k = 0; k < PER_SESSION; k++) {
            job *j = &jobs[s * PER_SESSION + k];
            snprintf(j->name, sizeof j->name, "s%d-%d", s, k);
            j->item = (Item){.name = j->name, .qty = s};
            j->repo = repo;
            ASSERT_RC(ath_async_call(NULL, as, add_and_commit, j, aq_record,
                                     &seen[s * PER_SESSION + k]),
                      ATH_OK);
        }
    }
    CU_ASSERT_EQUAL(ath_async_pending(a), SESSIONS * PER_SESSION);
    aq_run(a);
    int ok = 0;
    for (int i = 0; i < SESSIONS * PER_SESSION; i++)
        ok += seen[i].calls == 1 && seen[i].rc == ATH_OK;
    CU_ASSERT_EQUAL(ok, SESSIONS * PER_SESSION);
    ASSERT_I64(aq_count_rows(), SESSIONS * PER_SESSION);
    ath_pool_status st;
    ath_engine_pool_status(aq_engine, &st);
    CU_ASSERT(st.open <= 8);
}

/* --- the push form: a loop of our own on the watch and timer callbacks --------------------- */

typedef struct loop {
    struct pollfd fds[64];
    int nfds;
    int64_t timer; /* -1: none */
    int watch_calls, timer_calls;
} loop;

static void on_watch(void *ctx, int fd, unsigned events)
{
    loop *l = ctx;
    l->watch_calls++;
    int i = 0;
    while (i < l->nfds && l->fds[i].fd != fd)
        i++;
    if (events == 0) {
        if (i < l->nfds)
            l->fds[i] = l->fds[--l->nfds];
        return;
    }
    if (i == l->nfds) {
        CU_ASSERT_FATAL(l->nfds < 64);
        l->nfds++;
    }
    l->fds[i].fd = fd;
    l->fds[i].events = (short)(((events & ATH_ASYNC_READ) ? POLLIN : 0) |
                               ((events & ATH_ASYNC_WRITE) ? POLLOUT : 0));
}

static void on_timer(void *ctx, int64_t ms)
{
    loop *l = ctx;
    l->timer_calls++;
    l->timer = ms;
}

static void test_the_watch_and_timer_callbacks_drive_a_loop(void)
{
    aq_end();
    ASSERT_RC(test_clear_tables(), ATH_OK);
    loop l = {.timer = -1};
    ath_async_options o = ATH_ASYNC_OPTIONS_INIT;
    o.watch = on_watch;
    o.timer = on_timer;
    o.loop = &l;
    ath_async *a = NULL;
    ASSERT_RC(ath_async_create(&a, &o), ATH_OK);
    ath_async_session *as = NULL;
    ASSERT_RC(ath_async_session_open(&as, a, aq_engine), ATH_OK);
    ath_repo *repo = NULL;
    ASSERT_RC(ath_repo_open(&repo, ath_async_session_session(as), &Item_model), ATH_OK);
    Item it = {.name = "pushed", .qty = 1};
    aq_seen added = {0}, committed = {0};
    ASSERT_RC(ath_async_repo_add(NULL, repo, &it, aq_record, &added), ATH_OK);
    ASSERT_RC(ath_async_session_commit(NULL, ath_async_session_session(as), aq_record, &committed),
              ATH_OK);
    for (int spins = 0; ath_async_pending(a) > 0 && spins < 100000; spins++) {
        int wait = l.timer < 0 ? 5000 : (int)l.timer;
        int n = poll(l.fds, (nfds_t)l.nfds, wait);
        CU_ASSERT_FATAL(n >= 0);
        struct pollfd ready[64];
        int nready = 0;
        for (int i = 0; i < l.nfds; i++)
            if (l.fds[i].revents)
                ready[nready++] = l.fds[i];
        for (int i = 0; i < nready; i++)
            ath_async_process(a, ready[i].fd,
                              ((ready[i].revents & POLLIN) ? ATH_ASYNC_READ : 0) |
                                  ((ready[i].revents & POLLOUT) ? ATH_ASYNC_WRITE : 0) |
                                  ((ready[i].revents & (POLLERR | POLLHUP))
                                       ? ATH_ASYNC_READ | ATH_ASYNC_WRITE
                                       : 0));
        if (n == 0 || l.timer == 0)
            ath_async_timeout(a);
    }
    CU_ASSERT_EQUAL(ath_async_pending(a), 0);
    ASSERT_RC(added.rc, ATH_OK);
    ASSERT_RC(committed.rc, ATH_OK);
    CU_ASSERT(l.watch_calls >= 1); /* a socket (fibers) or the workers' descriptor */
    CU_ASSERT_EQUAL(l.nfds, 0);    /* everything unwatched once idle */
    ath_repo_free(repo);
    ath_async_session_close(as, NULL, NULL);
    ath_async_free(a);
    ASSERT_I64(aq_count_rows(), 1);
}

/* --- cancellation ---------------------------------------------------------------------------- */

static void test_a_queued_operation_cancelled_never_runs(void)
{
    ath_async *a = aq_begin();
    ath_repo *repo = NULL;
    ath_async_session *as = aq_session(&repo);
    Item first = {.name = "first"}, second = {.name = "second"};
    aq_seen s1 = {0}, s2 = {0}, s3 = {0};
    ath_async_id id2 = 0;
    /* a statement that certainly waits goes first: a starter runs its operation until it first
     * waits, so without it a fast server could finish both adds before the cancel (seen under
     * TSan); the worker path (SQLite) starts the next operation only from the loop */
    const char *pause_sql = strcmp(aq_dialect, "postgresql") == 0 ? "SELECT pg_sleep(0.1)"
                            : strcmp(aq_dialect, "mysql") == 0    ? "SELECT SLEEP(0.1)"
                                                                  : NULL;
    aq_seen s0 = {0};
    if (pause_sql)
        ASSERT_RC(ath_async_session_execute(NULL, ath_async_session_session(as), pause_sql, NULL,
                                            0, NULL, aq_record, &s0),
                  ATH_OK);
    ASSERT_RC(ath_async_repo_add(NULL, repo, &first, aq_record, &s1), ATH_OK);
    ASSERT_RC(ath_async_repo_add(&id2, repo, &second, aq_record, &s2), ATH_OK);
    CU_ASSERT(id2 != 0);
    ASSERT_RC(ath_async_session_commit(NULL, ath_async_session_session(as), aq_record, &s3),
              ATH_OK);
    ASSERT_RC(ath_async_cancel(a, id2), ATH_OK);
    CU_ASSERT_EQUAL(s2.calls, 0); /* its callback comes from the loop, not from cancel */
    aq_run(a);
    ASSERT_RC(s0.rc, ATH_OK);
    ASSERT_RC(s1.rc, ATH_OK);
    ASSERT_RC(s2.rc, ATH_ECANCELED);
    CU_ASSERT_EQUAL(s2.err_code, ATH_ECANCELED);
    ASSERT_RC(s3.rc, ATH_OK);
    CU_ASSERT_EQUAL(second.id, 0);
    ASSERT_I64(aq_count_rows(), 1);
    ASSERT_RC(ath_async_cancel(a, id2), ATH_ENOTFOUND); /* finished: no longer pending */
    ASSERT_RC(ath_async_cancel(a, 999999), ATH_ENOTFOUND);
}

static void test_cancelling_a_statement_in_flight(void)
{
    ath_async *a = aq_begin();
    ath_async_session *as = aq_session(NULL);
    ath_session *s = ath_async_session_session(as);
    const char *sleep_sql = strcmp(aq_dialect, "postgresql") == 0 ? "SELECT pg_sleep(20)"
                            : strcmp(aq_dialect, "mysql") == 0    ? "SELECT SLEEP(20)"
                                                                  : NULL;
    if (!sleep_sql) {
        /* SQLite runs on a worker: a running operation cannot be interrupted, a queued one can */
        aq_seen busy = {0};
        ath_async_id id = 0;
        ASSERT_RC(ath_async_session_execute(&id, s, "SELECT 1", NULL, 0, NULL, aq_record, &busy),
                  ATH_OK);
        int rc = ath_async_cancel(a, id);
        CU_ASSERT(rc == ATH_OK || rc == ATH_EUNSUPPORTED);
        aq_run(a);
        CU_ASSERT_EQUAL(busy.calls, 1);
        ASSERT_RC(busy.rc, rc == ATH_OK ? ATH_ECANCELED : ATH_OK);
        return;
    }
    CU_ASSERT_TRUE_FATAL(is_nonblocking());
    aq_seen sleeping = {0};
    ath_async_id id = 0;
    ASSERT_RC(ath_async_session_execute(&id, s, sleep_sql, NULL, 0, NULL, aq_record, &sleeping),
              ATH_OK);
    ath_async_run(a, 300); /* it is on the server now */
    CU_ASSERT_EQUAL(sleeping.calls, 0);
    double t0 = test_now();
    ASSERT_RC(ath_async_cancel(a, id), ATH_OK);
    aq_run(a);
    CU_ASSERT(test_now() - t0 < 5.0); /* not the 20 s of the statement */
    ASSERT_RC(sleeping.rc, ATH_ECANCELED);
    /* the connection was discarded; the session recovers after a rollback */
    CU_ASSERT_TRUE(ath_session_failed(s));
    aq_seen rb = {0}, again = {0};
    ASSERT_RC(ath_async_session_rollback(NULL, s, aq_record, &rb), ATH_OK);
    ath_result *res = NULL;
    ASSERT_RC(ath_async_session_execute(NULL, s, "SELECT 1", NULL, 0, &res, aq_record, &again),
              ATH_OK);
    aq_run(a);
    ASSERT_RC(rb.rc, ATH_OK);
    ASSERT_RC(again.rc, ATH_OK);
    ath_result_free(res);
}

/* --- pool waits ------------------------------------------------------------------------------- */

static void test_sessions_wait_for_a_pooled_connection(void)
{
    ath_async *a = aq_begin();
    ath_repo *r1 = NULL, *r2 = NULL;
    ath_async_session *s1 = aq_session(&r1);
    aq_session(&r2);
    /* more writers than connections: each holds one until its commit */
    Item held = {.name = "held", .qty = 1};
    aq_seen add1 = {0}, count2 = {0}, commit1 = {0};
    int64_t n = -1;
    ASSERT_RC(ath_async_repo_add(NULL, r1, &held, aq_record, &add1), ATH_OK);
    ASSERT_RC(ath_async_repo_count(NULL, r2, &n, ATH_NO_FILTERS, aq_record, &count2), ATH_OK);
    ASSERT_RC(ath_async_session_commit(NULL, ath_async_session_session(s1), aq_record, &commit1),
              ATH_OK);
    aq_run(a);
    ASSERT_RC(add1.rc, ATH_OK);
    ASSERT_RC(count2.rc, ATH_OK);
    ASSERT_RC(commit1.rc, ATH_OK);
    CU_ASSERT(n == 0 || n == 1); /* before or after the commit, never an error */
}

static void test_freeing_the_runtime_ends_every_operation(void)
{
    ath_async *a = NULL;
    aq_end();
    ASSERT_RC(test_clear_tables(), ATH_OK);
    ASSERT_RC(ath_async_create(&a, NULL), ATH_OK);
    ath_async_session *as = NULL;
    ASSERT_RC(ath_async_session_open(&as, a, aq_engine), ATH_OK);
    ath_repo *repo = NULL;
    ASSERT_RC(ath_repo_open(&repo, ath_async_session_session(as), &Item_model), ATH_OK);
    Item items[3] = {{.name = "f1"}, {.name = "f2"}, {.name = "f3"}};
    aq_seen seen[3] = {{0}};
    for (int i = 0; i < 3; i++)
        ASSERT_RC(ath_async_repo_add(NULL, repo, &items[i], aq_record, &seen[i]), ATH_OK);
    ath_async_free(a); /* no loop ever ran */
    /* a starter runs its operation until it first waits, so a fast server may have finished
     * the first ones already; from the first cancelled one on, every later one is cancelled */
    bool cancelled = false;
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(seen[i].calls, 1);
        CU_ASSERT(seen[i].rc == ATH_OK || seen[i].rc == ATH_ECANCELED);
        if (cancelled)
            ASSERT_RC(seen[i].rc, ATH_ECANCELED);
        cancelled = cancelled || seen[i].rc == ATH_ECANCELED;
    }
    ath_repo_free(repo);
    ASSERT_I64(aq_count_rows(), 0); /* nothing committed: the close rolled back */
}

static void test_misuse_is_refused(void)
{
    ath_async *a = aq_begin();
    ath_repo *repo = NULL;
    ath_async_session *as = aq_session(&repo);
    aq_seen seen = {0};
    Item it = {.name = "m"};
    ASSERT_RC(ath_async_repo_add(NULL, repo, &it, NULL, NULL), ATH_EINVAL); /* no callback */
    ASSERT_ERR_HAS("done");
    /* a repository of a blocking session */
    ath_session *plain = test_session(aq_engine);
    ath_repo *prepo = test_repo(plain, &Item_model, NULL);
    ASSERT_RC(ath_async_repo_add(NULL, prepo, &it, aq_record, &seen), ATH_EINVAL);
    ASSERT_ERR_HAS("not an open async session");
    test_close(plain);
    /* after close was asked, nothing more starts */
    (void)as;
    ath_async_session *own = NULL;
    ath_repo *orepo = NULL;
    ASSERT_RC(ath_async_session_open(&own, a, aq_engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&orepo, ath_async_session_session(own), &Item_model), ATH_OK);
    ASSERT_RC(ath_async_session_close(own, aq_record, &seen), ATH_OK);
    ASSERT_RC(ath_async_repo_add(NULL, orepo, &it, aq_record, &seen), ATH_EINVAL);
    ASSERT_RC(ath_async_session_close(own, aq_record, &seen), ATH_EINVAL); /* already closing */
    aq_run(a);
    CU_ASSERT_EQUAL(seen.calls, 1); /* the close's */
    ASSERT_RC(seen.rc, ATH_OK);
    ASSERT_RC(ath_async_repo_add(NULL, orepo, &it, aq_record, &seen), ATH_EINVAL); /* closed */
    ath_repo_free(orepo);
    ASSERT_RC(ath_async_run(NULL, 0), ATH_EINVAL);
    CU_ASSERT_EQUAL(ath_async_pending(NULL), 0);
}

TEST_SUITE(async_flow)
{
    static const test_case tests[] = {
        {"one session runs its operations in order", test_one_session_runs_its_operations_in_order},
        {"a thousand operations over a pool of eight",
         test_a_thousand_operations_over_a_pool_of_eight},
        {"the watch and timer callbacks drive a loop",
         test_the_watch_and_timer_callbacks_drive_a_loop},
        {"a queued operation cancelled never runs", test_a_queued_operation_cancelled_never_runs},
        {"cancelling a statement in flight", test_cancelling_a_statement_in_flight},
        {"sessions wait for a pooled connection", test_sessions_wait_for_a_pooled_connection},
        {"freeing the runtime ends every operation", test_freeing_the_runtime_ends_every_operation},
        {"misuse is refused", test_misuse_is_refused},
        {NULL, NULL},
    };
    aq_add_group("async-flow", tests);
}
