/*
 * athanor_migrate_tests: catalog inspection and migrations on every URL of ATHANOR_TEST_URLS
 * (suites "inspect@<dialect>-<n>" and "migrate@<dialect>-<n>"), each on a fresh engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate_tests.h"
#include "urls.h"

const char *mt_url;
ath_engine *mt_engine;

static const char *const *urls;
static size_t nurls;

/* Tables the tests create, children first. */
static const char *const test_tables[] = {"mt_member",          "mt_hero", "mt_team", "mt_other",
                                          "athanor_migrations", "mt_gone", "mt_new", "mt_score"};

void mt_drop_everything(void)
{
    ath_session *s = NULL;
    if (ath_session_open(&s, mt_engine) != ATH_OK)
        return;
    char sql[128];
    for (size_t i = 0; i < sizeof test_tables / sizeof test_tables[0]; i++) {
        snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s", test_tables[i]);
        if (ath_session_execute(s, sql, NULL, 0, NULL) != ATH_OK)
            ath_session_rollback(s);
        else
            ath_session_commit(s);
    }
    ath_session_close(s);
}

static int db_open(size_t i)
{
    mt_url = urls[i];
    if (!test_url_is_memory(mt_url) && strncmp(mt_url, "sqlite", 6) == 0)
        test_sqlite_remove(mt_url);
    if (ath_engine_create(&mt_engine, mt_url) != ATH_OK) {
        fprintf(stderr, "athanor_migrate_tests: %s: %s\n", mt_url, ath_error_last()->message);
        return 1;
    }
    mt_drop_everything();
    return 0;
}

static int db_clean(void)
{
    if (mt_engine)
        mt_drop_everything();
    ath_engine_dispose(mt_engine);
    mt_engine = NULL;
    return 0;
}

#define MT_MAX_URLS 8
#define DB_INIT(i)                                                                                 \
    static int db_init_##i(void)                                                                   \
    {                                                                                              \
        return db_open(i);                                                                         \
    }
DB_INIT(0)
DB_INIT(1)
DB_INIT(2)
DB_INIT(3)
DB_INIT(4)
DB_INIT(5)
DB_INIT(6)
DB_INIT(7)
static CU_InitializeFunc const db_inits[MT_MAX_URLS] = {db_init_0, db_init_1, db_init_2, db_init_3,
                                                        db_init_4, db_init_5, db_init_6, db_init_7};

int main(int argc, char **argv)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    nurls = test_urls(&urls);
    if (nurls > MT_MAX_URLS) {
        fprintf(stderr, "athanor_migrate_tests: at most %d URLs\n", MT_MAX_URLS);
        return 1;
    }
    static const struct {
        const char *group;
        const test_case *tests;
    } groups[] = {{"inspect", inspect_tests}, {"migrate", migrate_tests}};
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        for (size_t i = 0; i < nurls; i++) {
            char name[64];
            char dialect[32];
            test_url_dialect(urls[i], dialect, sizeof dialect);
            snprintf(name, sizeof name, "%s@%s-%zu", groups[g].group, dialect, i + 1);
            test_add_suite(name, db_inits[i], db_clean, groups[g].tests);
        }
    return test_run(argc, argv);
}
