/*
 * Migrations on every URL: model v1 -> rows -> model v2 (column added, index added, column made
 * nullable, column dropped) -> autogenerate -> upgrade -> data kept -> downgrade -> v1 exactly;
 * a changed checksum refused; two migrators at once apply each migration once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <athanor/inspect.h>
#include <athanor/migrate.h>

#include "migrate_tests.h"
#include "urls.h"

#define HERO1_FIELDS(F)                                                                            \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(name, text, .max_length = 60)                                                                \
    F(secret, text, .max_length = 60)                                                              \
    F(age, opt_i32)                                                                                \
    F(code, opt_text, .max_length = 20)
ATH_MODEL(Hero1, "mt_hero", HERO1_FIELDS);

#define HERO2_FIELDS(F)                                                                            \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(name, text, .max_length = 60)                                                                \
    F(secret, opt_text, .max_length = 60)                                                          \
    F(age, opt_i32, .flags = ATH_INDEX)                                                            \
    F(power, opt_i32)
ATH_MODEL(Hero2, "mt_hero", HERO2_FIELDS);

#define PARENT_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(name, text, .max_length = 40)
ATH_MODEL(Parent, "mt_team", PARENT_FIELDS);
#define CHILD_FIELDS(F)                                                                            \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(team_id, opt_i64, .references = "mt_team.id", .on_delete = ATH_FK_CASCADE)
ATH_MODEL(Child, "mt_member", CHILD_FIELDS);

/* mt_team v2: the name may be NULL (on SQLite, a copy-and-rename of a referenced table) */
#define PARENT2_FIELDS(F)                                                                          \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(name, opt_text, .max_length = 40)
ATH_MODEL(Parent2, "mt_team", PARENT2_FIELDS);

/* a column's type changed: a wider integer, a longer VARCHAR */
#define SCORE1_FIELDS(F)                                                                           \
    F(id, i64, .flags = ATH_PK) F(points, i32) F(label, text, .max_length = 20)
ATH_MODEL(Score1, "mt_score", SCORE1_FIELDS);
#define SCORE2_FIELDS(F)                                                                           \
    F(id, i64, .flags = ATH_PK) F(points, i64) F(label, text, .max_length = 60)
ATH_MODEL(Score2, "mt_score", SCORE2_FIELDS);

/* mt_member v2: ON DELETE SET NULL instead of CASCADE; v3: no foreign key at all */
#define CHILD2_FIELDS(F)                                                                           \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(team_id, opt_i64, .references = "mt_team.id", .on_delete = ATH_FK_SET_NULL)
ATH_MODEL(Child2, "mt_member", CHILD2_FIELDS);
#define CHILD3_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(team_id, opt_i64)
ATH_MODEL(Child3, "mt_member", CHILD3_FIELDS);

/* A fresh directory for one test's migration files. */
static void scratch_dir(char *out, size_t size, const char *what)
{
    static int serial;
    snprintf(out, size, "%s/h6-mig-%ld-%d-%s", test_workdir(), (long)getpid(), ++serial, what);
    mkdir(out, 0700);
}

static bool has_kind(const ath_schema_diff *df, ath_diff_kind kind, const char *object)
{
    for (size_t i = 0; i < ath_schema_diff_count(df); i++) {
        const ath_diff_op *op = ath_schema_diff_at(df, i);
        if (op->kind == kind && (!object || (op->object && strcmp(op->object, object) == 0)))
            return true;
    }
    return false;
}

static int64_t count_sql(const char *sql)
{
    ath_session *s = NULL;
    ath_result *r = NULL;
    int64_t n = -1;
    if (ath_session_open(&s, mt_engine) == ATH_OK &&
        ath_session_execute(s, sql, NULL, 0, &r) == ATH_OK && ath_result_next(r) == 1)
        n = ath_result_i64(r, 0);
    ath_result_free(r);
    ath_session_close(s);
    return n;
}

static void test_autogenerate_upgrade_downgrade_round_trip(void)
{
    char dir[512];
    scratch_dir(dir, sizeof dir, "cycle");
    /* v1 from an empty database: one migration creating the table */
    ath_schema_diff *df = NULL;
    /* check mode: only the models' tables (the test database holds other suites' too) */
    ASSERT_RC(ath_create_all_check(&df, mt_engine, ATH_MODELS(&Hero1_model)), ATH_ESTALE);
    CU_ASSERT_FATAL(df != NULL);
    CU_ASSERT(has_kind(df, ATH_DIFF_ADD_TABLE, NULL));
    ASSERT_RC(ath_schema_diff_write(df, dir, "0001", "create hero"), ATH_OK);
    ath_schema_diff_free(df);
    ath_migrator *m = NULL;
    ASSERT_RC(ath_migrator_open_dir(&m, mt_engine, dir, NULL), ATH_OK);
    ASSERT_I64(ath_migrator_count(m), 1);
    ASSERT_STR(ath_migrator_at(m, 0)->name, "create hero");
    size_t n = 99;
    ASSERT_RC(ath_migrate_upgrade(m, NULL, &n), ATH_OK);
    ASSERT_I64(n, 1);
    ASSERT_RC(ath_migrate_upgrade(m, NULL, &n), ATH_OK); /* nothing left */
    ASSERT_I64(n, 0);
    ath_migrator_free(m);
    ASSERT_RC(ath_create_all_check(NULL, mt_engine, ATH_MODELS(&Hero1_model)), ATH_OK);

    /* rows under v1 */
    ath_session *s = NULL;
    ath_repo *r = NULL;
    ASSERT_RC(ath_session_open(&s, mt_engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &Hero1_model), ATH_OK);
    Hero1 a = {.name = "Deadpond", .secret = "Dive Wilson", .age = ath_some_i32(30), .code = "D"};
    Hero1 b = {.name = "Rusty-Man", .secret = "Tommy Sharp", .code = "R"};
    ASSERT_RC(ath_repo_add(r, &a), ATH_OK);
    ASSERT_RC(ath_repo_add(r, &b), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_repo_free(r);
    ath_session_close(s);

    /* v2: the check mode sees the drift, autogenerate writes 0002 */
    ASSERT_RC(ath_create_all_check(&df, mt_engine, ATH_MODELS(&Hero2_model)), ATH_ESTALE);
    ASSERT_ERR_HAS("differs from the models");
    CU_ASSERT(ath_schema_diff_count(df) > 0);
    ath_schema_diff_free(df);
    /* check mode: only the models' tables (the test database holds other suites' too) */
    ASSERT_RC(ath_create_all_check(&df, mt_engine, ATH_MODELS(&Hero2_model)), ATH_ESTALE);
    if (strncmp(mt_url, "sqlite", 6) == 0) {
        CU_ASSERT(has_kind(df, ATH_DIFF_REBUILD_TABLE, NULL));
    } else {
        CU_ASSERT(has_kind(df, ATH_DIFF_ADD_COLUMN, "power"));
        CU_ASSERT(has_kind(df, ATH_DIFF_DROP_COLUMN, "code"));
        CU_ASSERT(has_kind(df, ATH_DIFF_ALTER_NULLABLE, "secret"));
        CU_ASSERT(has_kind(df, ATH_DIFF_ADD_INDEX, "ix_mt_hero_age"));
    }
    CU_ASSERT(strstr(ath_schema_diff_sql(df, true), "power") != NULL);
    ASSERT_RC(ath_schema_diff_write(df, dir, "0002", "hero v2"), ATH_OK);
    ath_schema_diff_free(df);
    ASSERT_RC(ath_migrator_open_dir(&m, mt_engine, dir, NULL), ATH_OK);
    ASSERT_I64(ath_migrator_count(m), 2);
    ASSERT_STR(ath_migrator_at(m, 1)->down_revision, "0001");
    ASSERT_RC(ath_migrate_upgrade(m, "head", &n), ATH_OK);
    ASSERT_I64(n, 1);
    char *cur = NULL;
    ASSERT_RC(ath_migrate_current(m, &cur), ATH_OK);
    ASSERT_STR(cur, "0002");
    free(cur);
    ASSERT_RC(ath_create_all_check(NULL, mt_engine, ATH_MODELS(&Hero2_model)), ATH_OK);

    /* the data is kept */
    ASSERT_RC(ath_session_open(&s, mt_engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &Hero2_model), ATH_OK);
    Hero2 got = {0};
    ath_value key = ath_v_i64(a.id);
    ASSERT_RC(ath_repo_get(r, &got, &key, 1), ATH_OK);
    ASSERT_STR(got.name, "Deadpond");
    ASSERT_STR(got.secret, "Dive Wilson");
    CU_ASSERT(got.age.set && got.age.value == 30);
    CU_ASSERT(!got.power.set);
    ath_model_free_fields(&Hero2_model, &got);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ath_repo_free(r);
    ath_session_close(s);

    /* history */
    const ath_migration_record *h = NULL;
    size_t nh = 0;
    ASSERT_RC(ath_migrate_history(m, &h, &nh), ATH_OK);
    ASSERT_I64(nh, 2);
    CU_ASSERT(h[0].applied && h[1].applied && h[0].checksum_ok && h[0].applied_at > 0);

    /* down one: v1 exactly, rows kept */
    ASSERT_RC(ath_migrate_downgrade(m, NULL, &n), ATH_OK);
    ASSERT_I64(n, 1);
    ASSERT_RC(ath_create_all_check(&df, mt_engine, ATH_MODELS(&Hero1_model)), ATH_OK);
    ASSERT_I64(ath_schema_diff_count(df), 0);
    ath_schema_diff_free(df);
    ASSERT_I64(count_sql("SELECT COUNT(*) FROM mt_hero WHERE secret = 'Dive Wilson'"), 1);
    ASSERT_RC(ath_migrate_current(m, &cur), ATH_OK);
    ASSERT_STR(cur, "0001");
    free(cur);
    /* down to base: the table is gone, nothing applied */
    ASSERT_RC(ath_migrate_downgrade(m, "base", &n), ATH_OK);
    ASSERT_I64(n, 1);
    ASSERT_RC(ath_migrate_current(m, &cur), ATH_OK);
    CU_ASSERT_PTR_NULL(cur);
    /* check mode: only the models' tables (the test database holds other suites' too) */
    ASSERT_RC(ath_create_all_check(&df, mt_engine, ATH_MODELS(&Hero1_model)), ATH_ESTALE);
    CU_ASSERT(has_kind(df, ATH_DIFF_ADD_TABLE, NULL));
    ath_schema_diff_free(df);
    /* stamp records without running */
    ASSERT_RC(ath_migrate_stamp(m, "0001"), ATH_OK);
    ASSERT_RC(ath_migrate_current(m, &cur), ATH_OK);
    ASSERT_STR(cur, "0001");
    free(cur);
    ASSERT_RC(ath_migrate_stamp(m, "base"), ATH_OK);
    ath_migrator_free(m);
    static const char *const files[] = {"0001_create_hero.up.sql", "0001_create_hero.down.sql",
                                        "0002_hero_v2.up.sql", "0002_hero_v2.down.sql"};
    for (size_t i = 0; i < 4; i++) { /* leave no scratch behind */
        char path[700];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        CU_ASSERT(remove(path) == 0);
    }
    CU_ASSERT(rmdir(dir) == 0);
}

static void test_changed_checksum_is_refused_naming_the_migration(void)
{
    static const ath_migration chain[] = {
        {.revision = "0001",
         .name = "other",
         .up_sql = "CREATE TABLE mt_other (id INTEGER PRIMARY KEY);",
         .down_sql = "DROP TABLE mt_other;"},
    };
    ath_migrator *m = NULL;
    ASSERT_RC(ath_migrator_open(&m, mt_engine, chain, 1, NULL), ATH_OK);
    ASSERT_RC(ath_migrate_upgrade(m, NULL, NULL), ATH_OK);
    ath_migrator_free(m);
    ath_migration tampered = chain[0];
    tampered.up_sql = "CREATE TABLE mt_other (id INTEGER PRIMARY KEY, x INTEGER);";
    ASSERT_RC(ath_migrator_open(&m, mt_engine, &tampered, 1, NULL), ATH_OK);
    ASSERT_RC(ath_migrate_upgrade(m, NULL, NULL), ATH_EINVAL);
    ASSERT_ERR_HAS("migration 0001 (other) was applied with checksum");
    const ath_migration_record *h = NULL;
    size_t nh = 0;
    ASSERT_RC(ath_migrate_history(m, &h, &nh), ATH_OK);
    CU_ASSERT(nh == 1 && h[0].applied && !h[0].checksum_ok);
    ath_migrator_free(m);
    ASSERT_RC(ath_migrator_open(&m, mt_engine, chain, 1, NULL), ATH_OK);
    ASSERT_RC(ath_migrate_downgrade(m, "base", NULL), ATH_OK);
    ath_migrator_free(m);
}

static void test_chain_must_be_one_line(void)
{
    ath_migrator *m = NULL;
    ath_migration branch[] = {{.revision = "a"},
                              {.revision = "b", .down_revision = "a"},
                              {.revision = "c", .down_revision = "a"}};
    ASSERT_RC(ath_migrator_open(&m, mt_engine, branch, 3, NULL), ATH_EINVAL);
    ASSERT_ERR_HAS("both follow a");
    ath_migration orphan[] = {{.revision = "a"}, {.revision = "b", .down_revision = "zz"}};
    ASSERT_RC(ath_migrator_open(&m, mt_engine, orphan, 2, NULL), ATH_EINVAL);
    ASSERT_ERR_HAS("revision b follows zz");
    ath_migration twice[] = {{.revision = "a"}, {.revision = "a", .down_revision = "a"}};
    ASSERT_RC(ath_migrator_open(&m, mt_engine, twice, 2, NULL), ATH_EINVAL);
    ASSERT_ERR_HAS("revision a appears twice");
    ath_migration bad[] = {{.revision = "no spaces"}};
    ASSERT_RC(ath_migrator_open(&m, mt_engine, bad, 1, NULL), ATH_EINVAL);
    CU_ASSERT_PTR_NULL(m);
    /* given out of order, put in chain order */
    ath_migration shuffled[] = {{.revision = "3", .down_revision = "2"},
                                {.revision = "1"},
                                {.revision = "2", .down_revision = "1"}};
    ASSERT_RC(ath_migrator_open(&m, mt_engine, shuffled, 3, NULL), ATH_OK);
    ASSERT_STR(ath_migrator_at(m, 0)->revision, "1");
    ASSERT_STR(ath_migrator_at(m, 2)->revision, "3");
    CU_ASSERT_PTR_NULL(ath_migrator_at(m, 3));
    ASSERT_RC(ath_migrate_upgrade(m, "9", NULL), ATH_EINVAL);
    ASSERT_ERR_HAS("unknown revision 9");
    ath_migrator_free(m);
}

/* --- two migrators at once ------------------------------------------------------------------- */

/* Where slow_up says it runs (and so holds the lock), when a test listens. */
static int running_fd = -1;

/* The data step: slow, and it counts itself in mt_other. */
static int slow_up(ath_session *s, void *user)
{
    (void)user;
    if (running_fd >= 0 && write(running_fd, "x", 1) != 1)
        return ATH_EINVAL;
    struct timespec ts = {0, 400 * 1000 * 1000};
    nanosleep(&ts, NULL);
    return ath_session_execute(s, "INSERT INTO mt_other (id) VALUES (1)", NULL, 0, NULL);
}

static const ath_migration race_chain[] = {
    {.revision = "0001",
     .name = "other",
     .up_sql = "CREATE TABLE mt_other (id INTEGER PRIMARY KEY);",
     .down_sql = "DROP TABLE mt_other;"},
    {.revision = "0002",
     .down_revision = "0001",
     .name = "slow",
     .up = slow_up,
     .down_sql = "DELETE FROM mt_other;"},
};

static int migrate_once(ath_engine *e)
{
    ath_migrator *m = NULL;
    int rc = ath_migrator_open(&m, e, race_chain, 2, NULL);
    if (rc == ATH_OK)
        rc = ath_migrate_upgrade(m, NULL, NULL);
    if (rc != ATH_OK)
        fprintf(stderr, "migrator: %s\n", ath_error_last()->message);
    ath_migrator_free(m);
    return rc;
}

static void *thread_main(void *arg)
{
    return (void *)(intptr_t)migrate_once((ath_engine *)arg);
}

static void test_two_migrators_apply_each_migration_once(void)
{
    if (test_url_is_memory(mt_url)) { /* one database per process: two threads share it */
        pthread_t t1, t2;
        void *r1 = NULL, *r2 = NULL;
        pthread_create(&t1, NULL, thread_main, mt_engine);
        pthread_create(&t2, NULL, thread_main, mt_engine);
        pthread_join(t1, &r1);
        pthread_join(t2, &r2);
        ASSERT_I64((intptr_t)r1, ATH_OK);
        ASSERT_I64((intptr_t)r2, ATH_OK);
    } else { /* two processes, each with its own engine */
        fflush(NULL);
        pid_t kids[2];
        for (int k = 0; k < 2; k++) {
            kids[k] = fork();
            if (kids[k] == 0) {
                ath_engine *e = NULL;
                int rc = ath_engine_create(&e, mt_url);
                if (rc == ATH_OK)
                    rc = migrate_once(e);
                ath_engine_dispose(e);
                _exit(rc == ATH_OK ? 0 : 1);
            }
        }
        for (int k = 0; k < 2; k++) {
            int status = -1;
            waitpid(kids[k], &status, 0);
            CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
    }
    ASSERT_I64(count_sql("SELECT COUNT(*) FROM mt_other"), 1);
    ASSERT_I64(count_sql("SELECT COUNT(*) FROM athanor_migrations"), 2);
    ath_migrator *m = NULL;
    ASSERT_RC(ath_migrator_open(&m, mt_engine, race_chain, 2, NULL), ATH_OK);
    ASSERT_RC(ath_migrate_downgrade(m, "base", NULL), ATH_OK);
    ath_migrator_free(m);
}

static void test_lock_timeout_names_the_lock(void)
{
    if (strncmp(mt_url, "sqlite", 6) == 0)
        return; /* SQLite's lock is the write transaction: busy_timeout, tested above */
    /* hold the lock from another engine's migrator: a data step that waits */
    ath_migrator_options o;
    ath_migrator_options_init(&o);
    o.lock_timeout = 0.2;
    ath_migrator *m = NULL;
    int fds[2];
    CU_ASSERT_FATAL(pipe(fds) == 0);
    fflush(NULL);
    pid_t kid = fork();
    if (kid == 0) {
        close(fds[0]);
        running_fd = fds[1];
        ath_engine *e = NULL;
        int rc = ath_engine_create(&e, mt_url);
        if (rc == ATH_OK)
            rc = migrate_once(e); /* 0002 sleeps 400 ms holding the lock */
        ath_engine_dispose(e);
        _exit(rc == ATH_OK ? 0 : 1);
    }
    close(fds[1]);
    char got = 0; /* the child is in its data step: it holds the lock */
    CU_ASSERT(read(fds[0], &got, 1) == 1);
    close(fds[0]);
    ASSERT_RC(ath_migrator_open(&m, mt_engine, race_chain, 2, &o), ATH_OK);
    int rc = ath_migrate_upgrade(m, NULL, NULL);
    int status = -1;
    waitpid(kid, &status, 0);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ASSERT_RC(rc, ATH_ETIMEOUT);
    ASSERT_ERR_HAS("another migrator holds the lock 'athanor_migrations'");
    ASSERT_RC(ath_migrate_downgrade(m, "base", NULL), ATH_OK);
    ath_migrator_free(m);
}

static void test_autogenerate_creates_referenced_tables_first(void)
{
    ath_schema_diff *df = NULL;
    /* check mode: only the models' tables (the test database holds other suites' too) */
    ASSERT_RC(ath_create_all_check(&df, mt_engine, ATH_MODELS(&Child_model, &Parent_model)),
              ATH_ESTALE);
    ASSERT_I64(ath_schema_diff_count(df), 2);
    ASSERT_STR(ath_schema_diff_at(df, 0)->table, "mt_team");
    ASSERT_STR(ath_schema_diff_at(df, 1)->table, "mt_member");
    ath_migration one = {.revision = "0001",
                         .name = "teams and members",
                         .up_sql = ath_schema_diff_sql(df, true),
                         .down_sql = ath_schema_diff_sql(df, false)};
    ath_migrator *m = NULL;
    ASSERT_RC(ath_migrator_open(&m, mt_engine, &one, 1, NULL), ATH_OK);
    ASSERT_RC(ath_migrate_upgrade(m, NULL, NULL), ATH_OK);
    ASSERT_RC(ath_create_all_check(NULL, mt_engine, ATH_MODELS(&Child_model, &Parent_model)),
              ATH_OK);
    ASSERT_RC(ath_migrate_downgrade(m, "base", NULL), ATH_OK); /* members dropped first */
    ath_migrator_free(m);
    ath_schema_diff_free(df);
}

/* Two teams with a member each, through the repositories. */
static void add_teams_and_members(void)
{
    ath_session *s = NULL;
    ath_repo *teams = NULL, *members = NULL;
    ASSERT_RC(ath_session_open(&s, mt_engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&teams, s, &Parent_model), ATH_OK);
    ASSERT_RC(ath_repo_open(&members, s, &Child_model), ATH_OK);
    for (int i = 0; i < 2; i++) {
        Parent t = {.name = i ? "Avengers" : "Defenders"};
        ASSERT_RC(ath_repo_add(teams, &t), ATH_OK);
        Child c = {.team_id = ath_some_i64(t.id)};
        ASSERT_RC(ath_repo_add(members, &c), ATH_OK);
        ath_model_free_owned(&Parent_model, &t, NULL);
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_repo_free(members);
    ath_repo_free(teams);
    ath_session_close(s);
}

static void test_changing_a_referenced_table_keeps_the_referencing_rows(void)
{
    /* v1 */
    ASSERT_RC(ath_create_all(mt_engine, ATH_MODELS(&Parent_model, &Child_model)), ATH_OK);
    add_teams_and_members();
    /* v2 of the referenced table: on SQLite a copy-and-rename, whose DROP TABLE must not
     * delete (cascade into) the members that reference it */
    ath_schema_diff *df = NULL;
    ASSERT_RC(ath_create_all_check(&df, mt_engine, ATH_MODELS(&Parent2_model, &Child_model)),
              ATH_ESTALE);
    ath_migration two = {.revision = "0002",
                         .name = "team name optional",
                         .up_sql = ath_schema_diff_sql(df, true),
                         .down_sql = ath_schema_diff_sql(df, false)};
    ath_migrator *m = NULL;
    ASSERT_RC(ath_migrator_open(&m, mt_engine, &two, 1, NULL), ATH_OK);
    ASSERT_RC(ath_migrate_upgrade(m, NULL, NULL), ATH_OK);
    ASSERT_I64(count_sql("SELECT COUNT(*) FROM mt_member WHERE team_id IS NOT NULL"), 2);
    ASSERT_I64(count_sql("SELECT COUNT(*) FROM mt_team"), 2);
    ASSERT_RC(ath_create_all_check(NULL, mt_engine, ATH_MODELS(&Parent2_model, &Child_model)),
              ATH_OK);
    ASSERT_RC(ath_migrate_downgrade(m, "base", NULL), ATH_OK);
    ASSERT_I64(count_sql("SELECT COUNT(*) FROM mt_member WHERE team_id IS NOT NULL"), 2);
    ASSERT_RC(ath_create_all_check(NULL, mt_engine, ATH_MODELS(&Parent_model, &Child_model)),
              ATH_OK);
    ath_migrator_free(m);
    ath_schema_diff_free(df);

    /* a migration that leaves members pointing nowhere fails on every backend and is undone */
    ath_migration drop = {.revision = "0003", .name = "drop teams", .up_sql = "DROP TABLE mt_team;"};
    ASSERT_RC(ath_migrator_open(&m, mt_engine, &drop, 1, NULL), ATH_OK);
    CU_ASSERT_NOT_EQUAL(ath_migrate_upgrade(m, NULL, NULL), ATH_OK);
    ASSERT_ERR_HAS("0003");
    ASSERT_I64(count_sql("SELECT COUNT(*) FROM mt_team"), 2);
    char *cur = (char *)"x";
    ASSERT_RC(ath_migrate_current(m, &cur), ATH_OK);
    CU_ASSERT_PTR_NULL(cur);
    free(cur);
    ath_migrator_free(m);

    /* foreign keys are enforced again after the runs */
    ath_session *s = NULL;
    ath_repo *members = NULL;
    ASSERT_RC(ath_session_open(&s, mt_engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&members, s, &Child_model), ATH_OK);
    Child orphan = {.team_id = ath_some_i64(987654)};
    ASSERT_RC(ath_repo_add(members, &orphan), ATH_EFOREIGNKEY);
    ath_repo_free(members);
    ath_session_close(s);
    mt_drop_everything();
}

static void test_type_change_is_migrated_with_the_data(void)
{
    ASSERT_RC(ath_create_all(mt_engine, ATH_MODELS(&Score1_model)), ATH_OK);
    ath_session *s = NULL;
    ath_repo *r = NULL;
    ASSERT_RC(ath_session_open(&s, mt_engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &Score1_model), ATH_OK);
    ASSERT_RC(ath_repo_add(r, &(Score1){.id = 1, .points = 2000000000, .label = "twenty chars max...."}),
              ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_repo_free(r);
    ath_session_close(s);

    ath_schema_diff *df = NULL;
    ASSERT_RC(ath_create_all_check(&df, mt_engine, ATH_MODELS(&Score2_model)), ATH_ESTALE);
    CU_ASSERT_TRUE(has_kind(df, ATH_DIFF_ALTER_TYPE, "points") ||
                   has_kind(df, ATH_DIFF_REBUILD_TABLE, NULL));
    ath_migration two = {.revision = "0002",
                         .name = "wider score",
                         .up_sql = ath_schema_diff_sql(df, true),
                         .down_sql = ath_schema_diff_sql(df, false)};
    ath_migrator *m = NULL;
    ASSERT_RC(ath_migrator_open(&m, mt_engine, &two, 1, NULL), ATH_OK);
    ASSERT_RC(ath_migrate_upgrade(m, NULL, NULL), ATH_OK);
    ASSERT_RC(ath_create_all_check(NULL, mt_engine, ATH_MODELS(&Score2_model)), ATH_OK);
    /* v2 holds what v1 could not: a 64-bit value and a longer label */
    ASSERT_RC(ath_session_open(&s, mt_engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &Score2_model), ATH_OK);
    Score2 got = {0};
    ath_value one_key = ath_v_i64(1);
    ASSERT_RC(ath_repo_get(r, &got, &one_key, 1), ATH_OK);
    ASSERT_I64(got.points, 2000000000);
    ASSERT_STR(got.label, "twenty chars max....");
    ath_model_free_fields(&Score2_model, &got);
    ASSERT_RC(ath_repo_add(r, &(Score2){.id = 2, .points = INT64_C(5000000000),
                                        .label = "a label longer than twenty characters"}),
              ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_value two_key = ath_v_i64(2);
    ASSERT_RC(ath_repo_delete(r, &two_key, 1, NULL), ATH_OK); /* the downgrade must fit the rows */
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_repo_free(r);
    ath_session_close(s);
    ASSERT_RC(ath_migrate_downgrade(m, "base", NULL), ATH_OK);
    ASSERT_RC(ath_create_all_check(NULL, mt_engine, ATH_MODELS(&Score1_model)), ATH_OK);
    ASSERT_I64(count_sql("SELECT points FROM mt_score WHERE id = 1"), 2000000000);
    ath_migrator_free(m);
    ath_schema_diff_free(df);
    mt_drop_everything();
}

/* Autogenerates the migration from the database to `models` and applies it. */
static ath_migrator *migrate_to(ath_schema_diff **df, const char *rev, const ath_model *child)
{
    ath_migrator *m = NULL;
    CU_ASSERT_EQUAL(ath_create_all_check(df, mt_engine, ATH_MODELS(&Parent_model, child)),
                    ATH_ESTALE);
    ath_migration mg = {.revision = rev,
                        .name = "member key",
                        .up_sql = ath_schema_diff_sql(*df, true),
                        .down_sql = ath_schema_diff_sql(*df, false)};
    ASSERT_RC(ath_migrator_open(&m, mt_engine, &mg, 1, NULL), ATH_OK);
    ASSERT_RC(ath_migrate_upgrade(m, NULL, NULL), ATH_OK);
    ASSERT_RC(ath_create_all_check(NULL, mt_engine, ATH_MODELS(&Parent_model, child)), ATH_OK);
    return m;
}

static void test_foreign_key_drift_is_migrated(void)
{
    ASSERT_RC(ath_create_all(mt_engine, ATH_MODELS(&Parent_model, &Child_model)), ATH_OK);
    add_teams_and_members();
    /* CASCADE -> SET NULL: the key is dropped and added again with the new rule */
    ath_schema_diff *df = NULL;
    ath_migrator *m = migrate_to(&df, "0002", &Child2_model);
    CU_ASSERT_TRUE((has_kind(df, ATH_DIFF_DROP_FOREIGN_KEY, NULL) &&
                    has_kind(df, ATH_DIFF_ADD_FOREIGN_KEY, NULL)) ||
                   has_kind(df, ATH_DIFF_REBUILD_TABLE, NULL));
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, mt_engine), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "DELETE FROM mt_team WHERE name = 'Avengers'", NULL, 0, NULL),
              ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    ASSERT_I64(count_sql("SELECT COUNT(*) FROM mt_member"), 2); /* kept, its key set to NULL */
    ASSERT_I64(count_sql("SELECT COUNT(*) FROM mt_member WHERE team_id IS NULL"), 1);
    ASSERT_RC(ath_migrate_downgrade(m, "base", NULL), ATH_OK);
    ASSERT_RC(ath_create_all_check(NULL, mt_engine, ATH_MODELS(&Parent_model, &Child_model)),
              ATH_OK);
    ath_migrator_free(m);
    ath_schema_diff_free(df);
    /* no key at all: dropped, so a member may name a team that does not exist */
    df = NULL;
    m = migrate_to(&df, "0003", &Child3_model);
    CU_ASSERT_TRUE(has_kind(df, ATH_DIFF_DROP_FOREIGN_KEY, NULL) ||
                   has_kind(df, ATH_DIFF_REBUILD_TABLE, NULL));
    ASSERT_RC(ath_session_open(&s, mt_engine), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "INSERT INTO mt_member (team_id) VALUES (987654)", NULL, 0,
                                  NULL),
              ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "DELETE FROM mt_member WHERE team_id = 987654", NULL, 0, NULL),
              ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    ASSERT_RC(ath_migrate_downgrade(m, "base", NULL), ATH_OK); /* the key is back */
    ASSERT_RC(ath_create_all_check(NULL, mt_engine, ATH_MODELS(&Parent_model, &Child_model)),
              ATH_OK);
    ath_migrator_free(m);
    ath_schema_diff_free(df);
    mt_drop_everything();
}

const test_case migrate_tests[] = {
    {"foreign_key_drift_is_migrated", test_foreign_key_drift_is_migrated},
    {"type_change_is_migrated_with_the_data", test_type_change_is_migrated_with_the_data},
    {"changing_a_referenced_table_keeps_the_referencing_rows",
     test_changing_a_referenced_table_keeps_the_referencing_rows},
    {"autogenerate_creates_referenced_tables_first",
     test_autogenerate_creates_referenced_tables_first},
    {"autogenerate_upgrade_downgrade_round_trip", test_autogenerate_upgrade_downgrade_round_trip},
    {"changed_checksum_is_refused_naming_the_migration",
     test_changed_checksum_is_refused_naming_the_migration},
    {"chain_must_be_one_line", test_chain_must_be_one_line},
    {"two_migrators_apply_each_migration_once", test_two_migrators_apply_each_migration_once},
    {"lock_timeout_names_the_lock", test_lock_timeout_names_the_lock},
    {NULL, NULL},
};
