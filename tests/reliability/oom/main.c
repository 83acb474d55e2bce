/*
 * Out of memory (issue 7): for each operation in ops.c, on a fresh SQLite :memory: database,
 * the allocations of one call are counted, then the call is made again for every N below that
 * count with the Nth allocation (and every later one) failing. Each call must return ATH_ENOMEM,
 * or succeed when the failure was one it can do without; the session must roll back and run the
 * operation again; nothing may leak or crash. Each operation runs twice: cold (a new connection,
 * nothing prepared) and warm (its statements already cached).
 *
 * Each operation runs in a child process, so a crash names its operation and N, and
 * LeakSanitizer (in the ASan build) attributes leaks to the operation. Needs the core built with
 * -DATHANOR_FAULT_INJECTION=ON. Usage: athanor_oom_tests [suite ...]
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault.h"
#include "oom.h"
#include "runner.h"

#if defined(__SANITIZE_ADDRESS__)
#define OOM_HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OOM_HAVE_LSAN 1
#endif
#endif
#ifdef OOM_HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/* What can go wrong, counted apart so one kind of failure does not hide another. */
enum { F_SETUP, F_CODE, F_ROLLBACK, F_RECOVERY, F_KINDS };
static const char *const kind_names[F_KINDS] = {"setup", "wrong result code", "rollback afterwards",
                                                "the same session afterwards"};

typedef struct op_report {
    long points[2]; /* allocations along the call: [0] cold, [1] warm; one failure point each */
    long enomem;    /* calls that returned ATH_ENOMEM */
    long absorbed;  /* calls that succeeded despite the failure */
    long current;   /* the point being tried (for a crash report) */
    int current_warm;
    int failures;
    int leaked; /* LeakSanitizer found memory no one can free any more */
    int kinds[F_KINDS];
    char first[F_KINDS][600];
} op_report;

static void fail(op_report *r, int kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(op_report *r, int kind, const char *fmt, ...)
{
    r->failures++;
    if (r->kinds[kind]++ > 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->first[kind], sizeof r->first[kind], fmt, ap);
    va_end(ap);
}

static int env_open(oom_env *env, const oom_op *op)
{
    memset(env, 0, sizeof *env);
    if (op->lifecycle)
        return ATH_OK;
    int rc = ath_engine_create(&env->engine, "sqlite:///:memory:");
    if (rc == ATH_OK)
        rc = ath_create_all(env->engine, oom_models, oom_nmodels);
    if (rc == ATH_OK)
        rc = oom_seed(env->engine);
    if (rc == ATH_OK)
        rc = ath_session_open(&env->session, env->engine);
    if (rc == ATH_OK && op->model)
        rc = ath_repo_open(&env->repo, env->session, op->model);
    return rc;
}

static void env_close(oom_env *env)
{
    ath_repo_free(env->repo);
    ath_session_close(env->session);
    ath_engine_dispose(env->engine);
    memset(env, 0, sizeof *env);
}

/* Runs the operation without failures: prepare, run, finish, roll back. */
static int run_clean(const oom_op *op, oom_env *env)
{
    int rc = op->prepare ? op->prepare(env) : ATH_OK;
    if (rc == ATH_OK)
        rc = op->run(env);
    if (op->finish)
        op->finish(env, rc == ATH_OK);
    if (env->session) {
        int rb = ath_session_rollback(env->session);
        if (rc == ATH_OK)
            rc = rb;
    }
    return rc;
}

/*
 * One call of the operation with allocation `n` failing (n < 0: none, counting). Returns the
 * number of allocations the call attempted.
 */
static long attempt(const oom_op *op, bool warm, long n, op_report *r)
{
    const char *variant = warm ? "warm" : "cold";
    oom_env env;
    long calls = 0;
    int rc = env_open(&env, op);
    if (rc != ATH_OK) {
        fail(r, F_SETUP, "%s: setting up: %s", variant, ath_error_last()->message);
        goto done;
    }
    if (warm && (rc = run_clean(op, &env)) != ATH_OK) {
        fail(r, F_SETUP, "warm-up run failed: %s: %s", ath_code_name(rc),
             ath_error_last()->message);
        goto done;
    }
    if (op->prepare && (rc = op->prepare(&env)) != ATH_OK) {
        fail(r, F_SETUP, "%s: prepare failed: %s: %s", variant, ath_code_name(rc),
             ath_error_last()->message);
        if (op->finish)
            op->finish(&env, false);
        goto done;
    }
    ath_error_clear();
    ath_fault_fail_after(n);
    rc = op->run(&env);
    calls = ath_fault_calls();
    ath_fault_fail_after(-1);
    if (n < 0) {
        if (rc != ATH_OK)
            fail(r, F_SETUP, "%s: the call fails without any injected failure: %s: %s", variant,
                 ath_code_name(rc), ath_error_last()->message);
    } else if (rc == ATH_ENOMEM) {
        r->enomem++;
        if (ath_error_last()->code != ATH_ENOMEM || !ath_error_last()->message[0])
            fail(r, F_CODE,
                 "%s, allocation %ld failing: ATH_ENOMEM returned, but the last error says "
                 "%s: \"%s\"",
                 variant, n, ath_code_name(ath_error_last()->code), ath_error_last()->message);
    } else if (rc == ATH_OK) {
        r->absorbed++; /* a failure the call can do without (an optional cache, say) */
    } else {
        fail(r, F_CODE, "%s, allocation %ld of %ld failing: got %s, expected ATH_ENOMEM: %s",
             variant, n, calls, ath_code_name(rc), ath_error_last()->message);
    }
    if (op->finish)
        op->finish(&env, rc == ATH_OK);
    if (env.session) {
        int rb = ath_session_rollback(env.session);
        if (rb != ATH_OK)
            fail(r, F_ROLLBACK,
                 "%s, allocation %ld failing: the rollback afterwards failed: %s: %s", variant, n,
                 ath_code_name(rb), ath_error_last()->message);
        /* the same engine and session carry on */
        if (n >= 0 && rb == ATH_OK && (rc = run_clean(op, &env)) != ATH_OK)
            fail(r, F_RECOVERY,
                 "%s, allocation %ld failing: afterwards the same session cannot run it "
                 "again: %s: %s",
                 variant, n, ath_code_name(rc), ath_error_last()->message);
    }
done:
    env_close(&env);
    return calls;
}

static void run_op(const oom_op *op, op_report *r)
{
    for (int warm = 0; warm < (op->lifecycle ? 1 : 2); warm++) {
        r->current = -1;
        r->current_warm = warm;
        long k = attempt(op, warm, -1, r);
        r->points[warm] = k;
        for (long n = 0; n < k; n++) {
            r->current = n;
            attempt(op, warm, n, r);
        }
    }
    r->current = -2;
}

static size_t next_op;
static long total_points, total_enomem, total_absorbed;

static void test_every_allocation_failure_along_the_call(void)
{
    const oom_op *op = &oom_ops[next_op++];
    op_report *r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CU_ASSERT_FATAL(r != MAP_FAILED);
    memset(r, 0, sizeof *r);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        run_op(op, r);
#ifdef OOM_HAVE_LSAN
        r->leaked = __lsan_do_recoverable_leak_check(); /* the report names the allocation */
#endif
        _exit(0); /* valgrind, when it runs us, checks for leaks here too */
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    char msg[1400];
    const char *variant = r->current_warm ? "warm" : "cold";
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        if (r->current == -2) /* every point was tried: a memory checker failed the exit */
            snprintf(msg, sizeof msg,
                     "%s: the child exited with status %d after its run (the memory checker's "
                     "report above names the problem)",
                     op->name, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        else
            snprintf(msg, sizeof msg,
                     "%s: the process died (%s %d) with allocation %ld failing (%s; -1: while "
                     "counting)",
                     op->name, WIFSIGNALED(st) ? "signal" : "status",
                     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), r->current, variant);
        CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
    }
    if (r->leaked) {
        snprintf(msg, sizeof msg, "%s: memory leaked (the LeakSanitizer report above names it)",
                 op->name);
        CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
    }
    for (int k = 0; k < F_KINDS; k++)
        if (r->kinds[k]) {
            snprintf(msg, sizeof msg, "%s: %s: %d failure(s), the first: %s", op->name,
                     kind_names[k], r->kinds[k], r->first[k]);
            CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
        }
    CU_ASSERT(r->points[0] > 0);
    long points = r->points[0] + r->points[1];
    total_points += points;
    total_enomem += r->enomem;
    total_absorbed += r->absorbed;
    printf("\nFIGURES oom: %s: %ld allocation points (cold %ld, warm %ld): %ld ATH_ENOMEM, %ld "
           "absorbed\n",
           op->name, points, r->points[0], r->points[1], r->enomem, r->absorbed);
    munmap(r, sizeof *r);
}

int main(int argc, char **argv)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    static test_case tests[64];
    size_t n = oom_nops < 63 ? oom_nops : 63;
    for (size_t i = 0; i < n; i++)
        tests[i] = (test_case){oom_ops[i].name, test_every_allocation_failure_along_the_call};
    tests[n] = (test_case){NULL, NULL};
    test_add_suite("oom@sqlite-memory", NULL, NULL, tests);
    int rc = test_run(argc, argv);
    printf(
        "FIGURES oom total: %zu operations, %ld allocation-failure points tried: %ld ATH_ENOMEM, "
        "%ld absorbed\n",
        n, total_points, total_enomem, total_absorbed);
    return rc;
}
