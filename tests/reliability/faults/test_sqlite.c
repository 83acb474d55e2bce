/*
 * SQLite files in trouble: a read-only database file, a database locked by another process, a
 * full disk (a file size limit, and a small tmpfs where mounting is permitted). Each gives a
 * clear error, and the database is intact afterwards (integrity_check, every committed row).
 *
 * The scenarios that change process-wide state (privileges, the file size limit) or need a
 * second process run in a child; it reports through a shared page.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault.h"
#include "urls.h"

#define NOBODY 65534

typedef struct report {
    int failures;
    char failure[600];
    int64_t committed; /* rows committed before the fault */
    int fault_rc;      /* the failing call's code */
    char fault_message[600];
    char fault_where[64];
} report;

static void fail(report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(report *r, const char *fmt, ...)
{
    if (r->failures++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->failure, sizeof r->failure, fmt, ap);
        va_end(ap);
    }
}

/* Checks rc in a child: records "what: got X, expected Y: message". */
static bool expect(report *r, int rc, int expected, const char *what)
{
    if (rc == expected)
        return true;
    fail(r, "%s: got %s, expected %s: %s", what, ath_code_name(rc), ath_code_name(expected),
         ath_error_last()->message);
    return false;
}

typedef void (*child_fn)(report *r, void *arg);

/* Runs fn in a child process (as `nobody` when drop_root and running as root). */
static report *run_child(child_fn fn, void *arg, bool drop_root, int *status)
{
    report *r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CU_ASSERT_FATAL(r != MAP_FAILED);
    memset(r, 0, sizeof *r);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        if (drop_root && geteuid() == 0 &&
            (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0))
            fail(r, "cannot drop root privileges: %s", strerror(errno));
        else
            fn(r, arg);
        _exit(r->failures ? 1 : 0);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    *status = st;
    if (!WIFEXITED(st))
        CU_FAIL("the child process died");
    if (r->failures)
        FAULT_FAIL("%s", r->failure);
    return r;
}

/* A database file path under the work directory, and its URL. */
static void db_paths(const char *dir, const char *name, char *path, size_t psize, char *url,
                     size_t usize, const char *query)
{
    snprintf(path, psize, "%s/%s", dir, name);
    snprintf(url, usize, "sqlite:///%s%s%s", path, query ? "?" : "", query ? query : "");
}

static void remove_db(const char *path)
{
    char side[1100];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-journal", path);
    unlink(side);
}

/* Creates the table in a fresh database at `url` with `n` committed rows. */
static bool make_db(const char *url, int n)
{
    ath_engine *e = fault_engine_url(url, NULL);
    bool ok = e && fault_reset_table(e) && fault_seed(e, "kept", n);
    ath_engine_dispose(e);
    return ok;
}

/* integrity_check says "ok" and the table holds `rows` rows. */
static void check_intact(const char *url, int64_t rows)
{
    ath_engine *e = fault_engine_url(url, NULL);
    if (!e)
        return;
    ath_session *s = NULL;
    char buf[256];
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(fault_text(s, "PRAGMA integrity_check", buf, sizeof buf), ATH_OK);
    CU_ASSERT_STRING_EQUAL(buf, "ok");
    ath_session_close(s);
    CU_ASSERT_EQUAL(fault_count(e), rows);
    ath_engine_dispose(e);
}

/* --- read-only file ------------------------------------------------------------------------- */

typedef struct ro_args {
    const char *url;
    bool reads_work; /* the directory is writable, so WAL's side files can be made */
} ro_args;

static void read_only_child(report *r, void *arg)
{
    ro_args *a = arg;
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    int64_t n = -1;
    if (!expect(r, ath_engine_create(&e, a->url), ATH_OK, "engine") ||
        !expect(r, ath_session_open(&s, e), ATH_OK, "session") ||
        !expect(r, ath_repo_open(&repo, s, &FaultItem_model), ATH_OK, "repository"))
        goto done;
    int rc = ath_repo_count(repo, &n, ATH_NO_FILTERS);
    if (a->reads_work) {
        if (expect(r, rc, ATH_OK, "count on a read-only file") && n != 3)
            fail(r, "count on a read-only file: %lld rows, expected 3", (long long)n);
        ath_session_rollback(s);
    } else if (rc != ATH_OK) {
        /* no side files can be made next to it: reading a WAL database may fail, clearly */
        r->fault_rc = rc;
        snprintf(r->fault_where, sizeof r->fault_where, "count");
        snprintf(r->fault_message, sizeof r->fault_message, "%s", ath_error_last()->message);
        if (rc != ATH_EIO && rc != ATH_ECONNECT)
            fail(r, "count in a read-only directory: %s: %s", ath_code_name(rc),
                 ath_error_last()->message);
        ath_session_rollback(s);
        goto done;
    } else {
        ath_session_rollback(s);
    }
    FaultItem it = {.name = "refused", .qty = 1};
    rc = ath_repo_add(repo, &it);
    r->fault_rc = rc;
    snprintf(r->fault_where, sizeof r->fault_where, "add");
    snprintf(r->fault_message, sizeof r->fault_message, "%s", ath_error_last()->message);
    if (expect(r, rc, ATH_EIO, "add to a read-only file") &&
        !strstr(ath_error_last()->message, "readonly"))
        fail(r, "the message does not say read-only: %s", ath_error_last()->message);
    expect(r, ath_session_rollback(s), ATH_OK, "rollback after the refused write");
    /* and again: the session is usable, the answer the same */
    expect(r, ath_repo_add(repo, &it), ATH_EIO, "second add to a read-only file");
    ath_session_rollback(s);
done:
    ath_repo_free(repo);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void read_only_case(bool dir_writable)
{
    char dir[1024], path[1100], url[1200];
    snprintf(dir, sizeof dir, "%s/fault-ro-%s", test_workdir(), dir_writable ? "dir" : "all");
    mkdir(dir, 0755);
    db_paths(dir, "ro.db", path, sizeof path, url, sizeof url, NULL);
    remove_db(path);
    if (!make_db(url, 3))
        return;
    CU_ASSERT_EQUAL_FATAL(chmod(path, 0444), 0);
    CU_ASSERT_EQUAL_FATAL(chmod(dir, dir_writable ? 01777 : 0555), 0);
    ro_args a = {url, dir_writable};
    int status;
    report *r = run_child(read_only_child, &a, true, &status);
    printf("\nNOTE: read-only file (%s): %s at %s: %s\n",
           dir_writable ? "directory writable" : "directory read-only too",
           ath_code_name(r->fault_rc), r->fault_where, r->fault_message);
    munmap(r, sizeof *r);
    chmod(dir, 0755);
    chmod(path, 0644);
    check_intact(url, 3);
}

static void test_read_only_file_reads_and_refuses_writes_with_eio(void)
{
    read_only_case(true);
}

static void test_read_only_file_and_directory_give_a_clear_error(void)
{
    read_only_case(false);
}

/* --- locked by another process ---------------------------------------------------------------- */

typedef struct lock_args {
    const char *url;
    int ready_fd; /* the child writes a byte once it holds the write lock */
    int go_fd;    /* and commits when it reads one */
} lock_args;

static void lock_holder_child(report *r, void *arg)
{
    lock_args *a = arg;
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    char byte = 1;
    if (expect(r, ath_engine_create(&e, a->url), ATH_OK, "child engine") &&
        expect(r, ath_session_open(&s, e), ATH_OK, "child session") &&
        expect(r, ath_repo_open(&repo, s, &FaultItem_model), ATH_OK, "child repository"))
        expect(r, ath_repo_add(repo, &(FaultItem){.name = "child", .qty = 1}), ATH_OK, "child add");
    if (write(a->ready_fd, &byte, 1) != 1)
        fail(r, "child: cannot signal");
    if (read(a->go_fd, &byte, 1) != 1)
        fail(r, "child: no go");
    expect(r, ath_session_commit(s), ATH_OK, "child commit");
    ath_repo_free(repo);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_file_locked_by_another_process_gives_retry_and_the_retry_succeeds(void)
{
    char path[1100], url[1200], url_short[1300];
    db_paths(test_workdir(), "fault-locked.db", path, sizeof path, url, sizeof url, NULL);
    snprintf(url_short, sizeof url_short, "%s?busy_timeout=200", url);
    remove_db(path);
    if (!make_db(url, 3))
        return;
    int ready[2], go[2];
    CU_ASSERT_FATAL(pipe(ready) == 0 && pipe(go) == 0);
    fflush(stdout);
    report *r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CU_ASSERT_FATAL(r != MAP_FAILED);
    memset(r, 0, sizeof *r);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        close(go[1]);
        lock_args a = {url, ready[1], go[0]};
        lock_holder_child(r, &a);
        _exit(r->failures ? 1 : 0);
    }
    close(ready[1]);
    close(go[0]);
    char byte = 0;
    CU_ASSERT_EQUAL(read(ready[0], &byte, 1), 1);

    ath_engine *e = fault_engine_url(url_short, NULL);
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    if (e) {
        ASSERT_RC(ath_session_open(&s, e), ATH_OK);
        ASSERT_RC(ath_repo_open(&repo, s, &FaultItem_model), ATH_OK);
        double t0 = fault_now();
        int rc = ath_repo_add(repo, &(FaultItem){.name = "parent", .qty = 2});
        double waited = fault_now() - t0;
        ASSERT_RC(rc, ATH_ERETRY);
        ASSERT_ERR_HAS("locked");
        printf("\nNOTE: locked by another process: %s after %.0f ms: %s\n", ath_code_name(rc),
               waited * 1000, ath_error_last()->message);
        CU_ASSERT(waited >= 0.15);
        CU_ASSERT(waited < 5.0);
        ASSERT_RC(ath_session_rollback(s), ATH_OK);
        /* readers are not blocked by the other process's writer */
        int64_t n = -1;
        ASSERT_RC(ath_repo_count(repo, &n, ATH_NO_FILTERS), ATH_OK);
        CU_ASSERT_EQUAL(n, 3);
        ASSERT_RC(ath_session_rollback(s), ATH_OK);
    }
    byte = 1;
    CU_ASSERT_EQUAL(write(go[1], &byte, 1), 1);
    int st = 0;
    waitpid(pid, &st, 0);
    CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    if (r->failures)
        FAULT_FAIL("%s", r->failure);
    munmap(r, sizeof *r);
    close(ready[0]);
    close(go[1]);
    if (e) { /* the other process is gone: the retry goes through */
        ASSERT_RC(ath_repo_add(repo, &(FaultItem){.name = "parent", .qty = 2}), ATH_OK);
        ASSERT_RC(ath_session_commit(s), ATH_OK);
    }
    ath_repo_free(repo);
    ath_session_close(s);
    ath_engine_dispose(e);
    check_intact(url, 5);
}

/* --- full disk ---------------------------------------------------------------------------------
 */

#define CHUNK_ROWS 8
#define NOTE_BYTES 2048

/* Adds chunks of bulky rows, one transaction each, until a write fails; records the failure.
 * Returns the rows committed. */
static int64_t fill_until_failure(report *r, ath_engine *e, int64_t already)
{
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    char *note = malloc(NOTE_BYTES + 1);
    int64_t committed = already;
    if (!note || !expect(r, ath_session_open(&s, e), ATH_OK, "session") ||
        !expect(r, ath_repo_open(&repo, s, &FaultItem_model), ATH_OK, "repository"))
        goto done;
    memset(note, 'x', NOTE_BYTES);
    note[NOTE_BYTES] = '\0';
    for (int chunk = 0; chunk < 2000; chunk++) {
        FaultItem items[CHUNK_ROWS];
        char names[CHUNK_ROWS][32];
        for (int i = 0; i < CHUNK_ROWS; i++) {
            snprintf(names[i], sizeof names[i], "fill-%d-%d", chunk, i);
            items[i] = (FaultItem){.name = names[i], .qty = chunk, .note = note};
        }
        const char *where = "add_many";
        int rc = ath_repo_add_many(repo, items, CHUNK_ROWS);
        if (rc == ATH_OK) {
            where = "commit";
            rc = ath_session_commit(s);
        }
        if (rc == ATH_OK) {
            committed += CHUNK_ROWS;
            continue;
        }
        r->fault_rc = rc;
        snprintf(r->fault_where, sizeof r->fault_where, "%s of chunk %d", where, chunk);
        snprintf(r->fault_message, sizeof r->fault_message, "%s", ath_error_last()->message);
        expect(r, rc, ATH_EIO, "writing to a full disk");
        expect(r, ath_session_rollback(s), ATH_OK, "rollback after the write failed");
        break;
    }
    if (!r->fault_rc)
        fail(r, "the disk never filled up");
done:
    ath_repo_free(repo);
    ath_session_close(s);
    free(note);
    r->committed = committed;
    return committed;
}

static off_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : 0;
}

typedef struct fsize_args {
    const char *url;
    const char *path;
} fsize_args;

static void file_size_limit_child(report *r, void *arg)
{
    fsize_args *a = arg;
    ath_engine *e = NULL;
    if (!expect(r, ath_engine_create(&e, a->url), ATH_OK, "engine"))
        return;
    /* the first connection is open (WAL and its index exist) before the limit applies */
    int64_t before = -1;
    {
        ath_session *s = NULL;
        ath_repo *repo = NULL;
        ath_session_open(&s, e);
        ath_repo_open(&repo, s, &FaultItem_model);
        expect(r, ath_repo_count(repo, &before, ATH_NO_FILTERS), ATH_OK, "count");
        ath_session_commit(s);
        ath_repo_free(repo);
        ath_session_close(s);
    }
    char wal[1200];
    snprintf(wal, sizeof wal, "%s-wal", a->path);
    off_t biggest = file_size(a->path) > file_size(wal) ? file_size(a->path) : file_size(wal);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)biggest + 192 * 1024;
    signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG instead of killing us */
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0) {
        fail(r, "setrlimit: %s", strerror(errno));
        ath_engine_dispose(e);
        return;
    }
    int64_t committed = fill_until_failure(r, e, before);
    setrlimit(RLIMIT_FSIZE, &old);
    /* with room again, the same engine carries on: every committed row, then new writes */
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    int64_t n = -1;
    ath_session_open(&s, e);
    ath_repo_open(&repo, s, &FaultItem_model);
    if (expect(r, ath_repo_count(repo, &n, ATH_NO_FILTERS), ATH_OK, "count after the fault") &&
        n != committed)
        fail(r, "after the fault: %lld rows, %lld committed", (long long)n, (long long)committed);
    ath_session_rollback(s);
    expect(r, ath_repo_add(repo, &(FaultItem){.name = "after", .qty = 1}), ATH_OK,
           "add with room again");
    expect(r, ath_session_commit(s), ATH_OK, "commit with room again");
    r->committed = committed + 1;
    ath_repo_free(repo);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_full_disk_by_file_size_limit_gives_eio_and_keeps_committed_rows(void)
{
    char path[1100], url[1200];
    db_paths(test_workdir(), "fault-fsize.db", path, sizeof path, url, sizeof url, NULL);
    remove_db(path);
    if (!make_db(url, 5))
        return;
    fsize_args a = {url, path};
    int status;
    report *r = run_child(file_size_limit_child, &a, false, &status);
    printf("\nNOTE: file size limit: %s at %s after %lld rows: %s\n", ath_code_name(r->fault_rc),
           r->fault_where, (long long)r->committed, r->fault_message);
    int64_t rows = r->committed;
    munmap(r, sizeof *r);
    if (rows > 0)
        check_intact(url, rows);
    remove_db(path);
}

static void test_full_disk_on_a_small_tmpfs_gives_eio_and_keeps_committed_rows(void)
{
    char dir[1024], path[1100], url[1200];
    snprintf(dir, sizeof dir, "%s/fault-tmpfs", test_workdir());
    mkdir(dir, 0755);
    if (mount("athanor-fault", dir, "tmpfs", 0, "size=256k") != 0) {
        /* not an error: the file size limit test covers a full disk without privileges */
        printf("\nNOTE: a tmpfs cannot be mounted here (%s): the file size limit test covers "
               "the full disk\n",
               strerror(errno));
        rmdir(dir);
        return;
    }
    db_paths(dir, "full.db", path, sizeof path, url, sizeof url, NULL);
    if (make_db(url, 5)) {
        ath_engine *e = fault_engine_url(url, NULL);
        report r;
        memset(&r, 0, sizeof r);
        if (e) {
            int64_t committed = fill_until_failure(&r, e, 5);
            ath_engine_dispose(e);
            if (r.failures)
                FAULT_FAIL("%s", r.failure);
            printf("\nNOTE: tmpfs of 256 KiB: %s at %s after %lld rows: %s\n",
                   ath_code_name(r.fault_rc), r.fault_where, (long long)committed, r.fault_message);
            check_intact(url, committed);
        }
    }
    CU_ASSERT_EQUAL(umount(dir), 0);
    rmdir(dir);
}

TEST_SUITE(sqlite_file)
{
    static const test_case tests[] = {
        {"a read-only file: reads work, writes fail with ATH_EIO, the file is intact",
         test_read_only_file_reads_and_refuses_writes_with_eio},
        {"a read-only file in a read-only directory: a clear error, the file is intact",
         test_read_only_file_and_directory_give_a_clear_error},
        {"a file locked by another process: ATH_ERETRY, then the retry succeeds",
         test_file_locked_by_another_process_gives_retry_and_the_retry_succeeds},
        {"a full disk (file size limit): ATH_EIO, committed rows intact",
         test_full_disk_by_file_size_limit_gives_eio_and_keeps_committed_rows},
        {"a full disk (256 KiB tmpfs): ATH_EIO, committed rows intact",
         test_full_disk_on_a_small_tmpfs_gives_eio_and_keeps_committed_rows},
        {NULL, NULL},
    };
    test_add_suite("files@sqlite", NULL, NULL, tests);
}
