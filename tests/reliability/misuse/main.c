/*
 * The misuse suite (issue 11), run once per URL in ATHANOR_TEST_URLS: NULL arguments to every
 * exported function, calls on closed sessions and disposed engines, results and repositories
 * outliving their session. Usage: athanor_misuse_tests [suite ...]
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "misuse.h"
#include "urls.h"

ath_engine *M_E;

/* --- the harness ---------------------------------------------------------------------------- */

typedef struct backend {
    const char *dialect, *label;
    bool memory;
} backend;
static const backend backends[] = {
    {"sqlite", "sqlite-memory", true},
    {"sqlite", "sqlite-file", false},
    {"postgresql", "postgresql", false},
    {"mysql", "mariadb", false},
};

static const void *row_for(const char *url, const char **dialect, const char **label)
{
    char d[32];
    test_url_dialect(url, d, sizeof d);
    bool memory = test_url_is_memory(url);
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
        if (strcmp(backends[i].dialect, d) == 0 && backends[i].memory == memory) {
            *dialect = backends[i].dialect;
            *label = backends[i].label;
            return &backends[i];
        }
    return NULL;
}

static ath_engine **select_target(const test_target *t, ath_engine_options *opts)
{
    (void)opts;
    misuse_url = t ? t->url : NULL;
    return &misuse_engine;
}

/* What a test left open when a fatal assertion ended it. */
static void end(void)
{
    ath_repo_free(M_R);
    M_R = NULL;
    ath_session_close(M_S);
    M_S = NULL;
    ath_url_free(M_U);
    M_U = NULL;
    ath_engine_dispose(M_E);
    M_E = NULL;
}

static const test_harness harness = {"misuse", row_for, select_target, end};

/*
 * Runs every entry of a table, naming the function in the messages it expects. With
 * ATHANOR_MISUSE_FORK=1 each entry runs in a child process and the outcome of each is printed
 * ("CRASH ath_x (signal 11)"): how the crashes of an older library are counted, by running this
 * binary with LD_LIBRARY_PATH pointing at it (SQLite URLs only: a child must not share a server
 * connection with its parent).
 */
static void run_table(const misuse_entry *table)
{
    const char *fork_mode = getenv("ATHANOR_MISUSE_FORK");
    for (const misuse_entry *e = table; e->fn; e++) {
        misuse_fn = e->fn;
        if (!fork_mode || strcmp(fork_mode, "1") != 0) {
            e->run();
            continue;
        }
        fflush(NULL);
        unsigned before = CU_get_number_of_failures();
        pid_t pid = fork();
        if (pid == 0) {
            e->run();
            fflush(NULL);
            _exit(CU_get_number_of_failures() > before ? 1 : 0);
        }
        int status = 0;
        CU_ASSERT_FATAL(pid > 0 && waitpid(pid, &status, 0) == pid);
        if (WIFSIGNALED(status))
            fprintf(stderr, "CRASH %s (signal %d)\n", e->fn, WTERMSIG(status));
        else if (WEXITSTATUS(status) != 0)
            fprintf(stderr, "WRONG %s (a code or message differs)\n", e->fn);
        else
            fprintf(stderr, "OK    %s\n", e->fn);
        CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
}

/* --- NULL arguments ------------------------------------------------------------------------- */

static void test_every_null_argument_is_refused_and_named(void)
{
    end();
    misuse_seed();
    ASSERT_RC(ath_session_open(&M_S, misuse_engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&M_R, M_S, &Item_model), ATH_OK);
    ASSERT_RC(ath_url_parse(&M_U, "postgresql://u@h/db?a=1"), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(M_R);
    M_ITEM = (Item){.id = 1, .name = "anvil"};
    M_ITEMS[0] = (Item){.id = 20, .name = "x"};
    M_ITEMS[1] = (Item){.id = 21, .name = "y"};
    memset(&M_CTX, 0, sizeof M_CTX);
    run_table(null_table);
    run_table(filter_table);
    CU_ASSERT_FALSE(ath_session_in_transaction(M_S)); /* no refused call began anything */
    end();
}

/* The exported functions of the built libraries, from `nm -D --defined-only`. */
static size_t exported_functions(char names[][64], size_t max)
{
    static const char *const libs[] = {ATH_MISUSE_LIBS};
    size_t n = 0;
    for (size_t k = 0; k < sizeof libs / sizeof libs[0]; k++) {
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "nm -D --defined-only '%s'", libs[k]);
        FILE *p = popen(cmd, "r");
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        char line[256], type[8], name[128];
        size_t before = n;
        while (fgets(line, sizeof line, p))
            if (sscanf(line, "%*s %7s %127s", type, name) == 2 && strcmp(type, "T") == 0 &&
                strncmp(name, "ath_", 4) == 0 && n < max)
                snprintf(names[n++], 64, "%s", name);
        CU_ASSERT_EQUAL(pclose(p), 0);
        char msg[1300];
        snprintf(msg, sizeof msg, "%s exports no ath_ function (is nm installed?)", libs[k]);
        CU_assertImplementation(n > before ? CU_TRUE : CU_FALSE, __LINE__, msg, __FILE__, "",
                                CU_FALSE);
    }
    return n;
}

static void test_the_table_covers_every_exported_function(void)
{
    static char names[1024][64];
    size_t n = exported_functions(names, 1024);
    CU_ASSERT(n > 100);
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (const misuse_entry *e = null_table; e->fn && !found; e++)
            found = strcmp(e->fn, names[i]) == 0;
        char msg[200];
        snprintf(msg, sizeof msg,
                 "%s is exported but has no entry in the misuse table (tests/reliability/misuse)",
                 names[i]);
        CU_assertImplementation(found ? CU_TRUE : CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
    }
    for (const misuse_entry *e = null_table; e->fn; e++) {
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(e->fn, names[i]) == 0;
        char msg[200];
        snprintf(msg, sizeof msg, "the misuse table names %s, which no library exports", e->fn);
        CU_assertImplementation(found ? CU_TRUE : CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
    }
}

/* --- closed sessions and disposed engines --------------------------------------------------- */

static void test_a_closed_session_and_its_repository_refuse_everything(void)
{
    end();
    misuse_seed();
    ASSERT_RC(ath_session_open(&M_S, misuse_engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&M_R, M_S, &Item_model), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(M_R);
    ath_value v;
    CU_ASSERT_TRUE(ath_session_get(M_S, "k", &v) == false);
    ASSERT_RC(ath_session_set(M_S, "tenant", ath_v_text("acme")), ATH_OK);
    ath_session_close(M_S); /* the repository keeps the memory; M_S stays readable */
    run_table(closed_table);
    ath_repo_free(M_R); /* the last reference: the session goes now */
    M_R = NULL;
    M_S = NULL;
    misuse_assert_unchanged("freeing the repository", __FILE__, __LINE__);
}

static void test_a_disposed_engine_leaves_its_sessions_safe(void)
{
    end();
    misuse_seed();
    ASSERT_RC(ath_engine_create(&M_E, misuse_url), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(M_E);
    ASSERT_RC(ath_session_open(&M_S, M_E), ATH_OK);
    ASSERT_RC(ath_repo_open(&M_R, M_S, &Item_model), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(M_R);
    ath_engine_dispose(M_E); /* M_S and M_R keep its memory */
    run_table(disposed_table);
    ath_repo_free(M_R);
    M_R = NULL;
    ath_session_close(M_S); /* the last reference: the engine goes now */
    M_S = NULL;
    M_E = NULL;
    misuse_assert_unchanged("closing the last session", __FILE__, __LINE__);
}

/* A session holding a connection when its engine is disposed finishes its transaction; the
 * connection is closed when it comes back, and nothing new is handed out. */
static void test_dispose_lets_an_open_transaction_finish(void)
{
    end();
    misuse_seed();
    ath_result *r = NULL;
    ath_pool_status st;
    ASSERT_RC(ath_engine_create(&M_E, misuse_url), ATH_OK);
    ASSERT_RC(ath_session_open(&M_S, M_E), ATH_OK);
    ASSERT_RC(ath_session_begin(M_S), ATH_OK);
    ath_engine_dispose(M_E);
    ath_engine_pool_status(M_E, &st);
    ASSERT_I64(st.checked_out, 1);
    ASSERT_RC(ath_session_execute(M_S, "SELECT 1 UNION ALL SELECT 2", NULL, 0, &r), ATH_OK);
    ASSERT_I64(ath_result_next(r), 1);
    ASSERT_I64(ath_result_i64(r, 0), 1);
    ath_result_free(r);
    ASSERT_RC(ath_session_commit(M_S), ATH_OK); /* the connection goes back: it is closed */
    ath_engine_pool_status(M_E, &st);
    ASSERT_I64(st.open, 0);
    ASSERT_I64(st.checked_out, 0);
    REFUSED(ath_session_execute(M_S, "SELECT 1", NULL, 0, NULL), ATH_EINVAL,
            "the engine was disposed");
    ath_session_close(M_S);
    M_S = NULL;
    M_E = NULL;
    misuse_assert_unchanged("closing the session", __FILE__, __LINE__);
}

/* A result streaming rows when the engine is disposed reads to its end. */
static void test_a_result_outlives_dispose_and_close(void)
{
    end();
    misuse_seed();
    ath_result *r = NULL;
    ASSERT_RC(ath_engine_create(&M_E, misuse_url), ATH_OK);
    ASSERT_RC(ath_session_open(&M_S, M_E), ATH_OK);
    ASSERT_RC(ath_session_execute(M_S, "SELECT 1 UNION ALL SELECT 2", NULL, 0, &r), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    ath_engine_dispose(M_E);
    M_E = NULL;
    ASSERT_I64(ath_result_next(r), 1);
    ASSERT_I64(ath_result_next(r), 1);
    ASSERT_I64(ath_result_i64(r, 0), 2);
    ath_session_close(M_S); /* the engine's last session: its memory goes, the result stays */
    M_S = NULL;
    misuse_fn = "a result after its session closed";
    REFUSED(ath_result_next(r), ATH_OK, "");
    HOLDS(ath_result_column_count(r) == 0);
    HOLDS(ath_result_column_name(r, 0) == NULL);
    ath_value v;
    REFUSED(ath_result_get(r, 0, ATH_T_I64, &v), ATH_EINVAL, "no current row");
    HOLDS(ath_result_text(r, 0) == NULL);
    HOLDS(ath_result_i64(r, 0) == 0);
    ath_result_free(r);
}

/* Results on the suite's engine: one with rows left unread and one without rows at all (the
 * latter read its freed session when freed after the close before this suite). */
static void test_results_outlive_their_session(void)
{
    end();
    misuse_seed();
    ath_result *rows = NULL, *none = NULL;
    ASSERT_RC(ath_session_open(&M_S, misuse_engine), ATH_OK);
    ASSERT_RC(ath_session_execute(M_S, "UPDATE misuse_item SET name = name WHERE id = -1", NULL,
                                  0, &none),
              ATH_OK);
    ASSERT_RC(ath_session_execute(M_S, "SELECT id FROM misuse_item ORDER BY id", NULL, 0, &rows),
              ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rows);
    CU_ASSERT_PTR_NOT_NULL_FATAL(none);
    ASSERT_I64(ath_result_next(rows), 1);
    ASSERT_I64(ath_result_i64(rows, 0), 1);
    ath_session_close(M_S);
    M_S = NULL;
    misuse_fn = "results after their session closed";
    REFUSED(ath_result_next(rows), ATH_OK, "");
    HOLDS(ath_result_column_count(rows) == 0);
    HOLDS(ath_result_affected(none) == 0);
    REFUSED(ath_result_next(none), ATH_OK, "");
    ath_result_free(rows);
    ath_result_free(none);
    misuse_assert_unchanged("freeing the results", __FILE__, __LINE__);
}

/* --- dispose while other threads use their sessions ----------------------------------------- */

/* each worker runs until it is refused; the cap only bounds a broken run */
enum { DISPOSE_THREADS = 4, DISPOSE_ROUNDS = 1000000 };

typedef struct dispose_worker {
    ath_session *s;
    atomic_int *rounds; /* rounds done by every worker together */
    int ok, refused, other;
    char other_message[200];
} dispose_worker;

static void *dispose_worker_run(void *arg)
{
    dispose_worker *w = arg;
    for (int i = 0; i < DISPOSE_ROUNDS; i++) {
        int rc = ath_session_execute(w->s, "SELECT 1", NULL, 0, NULL);
        if (rc == ATH_OK)
            rc = ath_session_commit(w->s);
        else
            ath_session_rollback(w->s);
        atomic_fetch_add(w->rounds, 1);
        if (rc == ATH_OK) {
            w->ok++;
        } else if (rc == ATH_EINVAL && strstr(ath_error_last()->message, "disposed")) {
            w->refused++;
            break; /* the rule: nothing new after dispose, at once */
        } else {
            w->other++;
            snprintf(w->other_message, sizeof w->other_message, "%s: %s", ath_code_name(rc),
                     ath_error_last()->message);
            break;
        }
    }
    return NULL;
}

/* Threads keep running statements on their own sessions while another thread disposes of the
 * engine: each gets its statement through or "the engine was disposed", never a crash, and
 * every connection is closed once the sessions are. */
static void test_dispose_while_other_threads_run_statements(void)
{
    end();
    misuse_seed();
    ath_engine_options o;
    ath_engine_options_init(&o);
    o.pool_size = 2; /* fewer connections than threads: some wait in the pool at dispose */
    o.max_overflow = 0;
    ASSERT_RC(ath_engine_create_opts(&M_E, misuse_url, &o), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(M_E);
    atomic_int rounds;
    atomic_init(&rounds, 0);
    dispose_worker w[DISPOSE_THREADS];
    pthread_t t[DISPOSE_THREADS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < DISPOSE_THREADS; i++) {
        w[i].rounds = &rounds;
        ASSERT_RC(ath_session_open(&w[i].s, M_E), ATH_OK);
    }
    for (int i = 0; i < DISPOSE_THREADS; i++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, dispose_worker_run, &w[i]), 0);
    while (atomic_load(&rounds) < 40)
        sched_yield();
    ath_engine_dispose(M_E); /* the sessions keep the engine's memory */
    for (int i = 0; i < DISPOSE_THREADS; i++)
        pthread_join(t[i], NULL);
    ath_pool_status st;
    ath_engine_pool_status(M_E, &st);
    ASSERT_I64(st.open, 0); /* every connection was closed when it came back */
    int ok = 0, refused = 0;
    for (int i = 0; i < DISPOSE_THREADS; i++) {
        ok += w[i].ok;
        refused += w[i].refused;
        char msg[300];
        snprintf(msg, sizeof msg, "worker %d: %s", i, w[i].other_message);
        CU_assertImplementation(w[i].other == 0 ? CU_TRUE : CU_FALSE, __LINE__, msg, __FILE__, "",
                                CU_FALSE);
        ath_session_close(w[i].s);
    }
    CU_ASSERT(ok >= 40 - DISPOSE_THREADS);
    ASSERT_I64(refused, DISPOSE_THREADS); /* every worker's next connection was refused */
    M_E = NULL; /* the last session took it */
    misuse_assert_unchanged("disposing under load", __FILE__, __LINE__);
}

static void test_report_the_counts(void)
{
    size_t entries = 0;
    for (const misuse_entry *e = null_table; e->fn; e++)
        entries++;
    fprintf(stderr, "misuse: %zu public functions in the table, %ld hostile cases so far\n",
            entries, misuse_cases);
    CU_ASSERT(misuse_cases > 0);
}

static const test_case misuse_tests[] = {
    {"the_table_covers_every_exported_function", test_the_table_covers_every_exported_function},
    {"every_null_argument_is_refused_and_named", test_every_null_argument_is_refused_and_named},
    {"a_closed_session_and_its_repository_refuse_everything",
     test_a_closed_session_and_its_repository_refuse_everything},
    {"a_disposed_engine_leaves_its_sessions_safe", test_a_disposed_engine_leaves_its_sessions_safe},
    {"dispose_lets_an_open_transaction_finish", test_dispose_lets_an_open_transaction_finish},
    {"a_result_outlives_dispose_and_close", test_a_result_outlives_dispose_and_close},
    {"results_outlive_their_session", test_results_outlive_their_session},
    {"dispose_while_other_threads_run_statements",
     test_dispose_while_other_threads_run_statements},
    {"report_the_counts", test_report_the_counts},
    {NULL, NULL},
};

int main(int argc, char **argv)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    test_register_group(&harness, "misuse", misuse_tests, misuse_models, 1);
    return test_run(argc, argv);
}
