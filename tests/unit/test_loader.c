/* Tests for core/loader.c: finding, loading and refusing driver modules. */
#include <stdlib.h>
#include <string.h>

#include <athanor/sys/driver.h>
#include <athanor/engine.h>
#include <athanor/schema.h>
#include <athanor/session.h>
#include <stdio.h>

#include "runner.h"

static void test_unknown_scheme_names_scheme_and_files_tried(void)
{
    const ath_driver *d = NULL;
    ASSERT_RC(ath_driver_find(&d, "nosuchdb"), ATH_ENODRIVER);
    CU_ASSERT_PTR_NULL(d);
    ASSERT_ERR_HAS("unknown scheme 'nosuchdb'");
    ASSERT_ERR_HAS(ATH_TEST_DRIVER_DIR "/athanor_nosuchdb.so");
}

static void test_variant_scheme_tries_specific_module_first(void)
{
    const ath_driver *d = NULL;
    ASSERT_RC(ath_driver_find(&d, "nosuchdb+fast"), ATH_ENODRIVER);
    ASSERT_ERR_HAS("athanor_nosuchdb_fast.so");
    ASSERT_ERR_HAS("athanor_nosuchdb.so");
}

static void test_module_that_does_not_serve_variant_is_refused(void)
{
    const ath_driver *d = NULL;
    ASSERT_RC(ath_driver_find(&d, "fake+other"), ATH_ENODRIVER);
    ASSERT_ERR_HAS("does not serve scheme 'fake+other'");
    ASSERT_ERR_HAS("it serves: fake");
}

static void test_working_module_loads_once_and_is_reused(void)
{
    const ath_driver *a = NULL, *b = NULL;
    ASSERT_RC(ath_driver_find(&a, "fake"), ATH_OK);
    ASSERT_RC(ath_driver_find(&b, "fake"), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL(a);
    CU_ASSERT_PTR_EQUAL(a, b);
    CU_ASSERT_STRING_EQUAL(a->name, "fake");
}

static void test_abi_mismatch_names_both_numbers_and_file(void)
{
    const ath_driver *d = NULL;
    ASSERT_RC(ath_driver_find(&d, "badabi"), ATH_EDRIVERABI);
    ASSERT_ERR_HAS("driver ABI 42");
    ASSERT_ERR_HAS("this core speaks ABI 1");
    ASSERT_ERR_HAS("athanor_badabi.so");
}

static void test_descriptor_too_small_is_refused(void)
{
    const ath_driver *d = NULL;
    ASSERT_RC(ath_driver_find(&d, "tiny"), ATH_EDRIVERABI);
    ASSERT_ERR_HAS("descriptor of 16 bytes");
    ASSERT_ERR_HAS("athanor_tiny.so");
}

static void test_missing_entry_symbol_is_refused(void)
{
    const ath_driver *d = NULL;
    ASSERT_RC(ath_driver_find(&d, "nosym"), ATH_EDRIVERSYM);
    ASSERT_ERR_HAS("does not export athanor_nosym_driver()");
    ASSERT_ERR_HAS("athanor_nosym.so");
}

static void test_unloadable_module_reports_dlerror(void)
{
    const ath_driver *d = NULL;
    ASSERT_RC(ath_driver_find(&d, "unresolved"), ATH_EDRIVERLOAD);
    ASSERT_ERR_HAS("cannot load driver module");
    ASSERT_ERR_HAS("athanor_unresolved.so");
    ASSERT_ERR_HAS("athanor_symbol_that_does_not_exist"); /* dlerror()'s text */
}

static void test_engine_create_reports_loader_failures(void)
{
    ath_engine *e = (ath_engine *)1;
    ASSERT_RC(ath_engine_create(&e, "badabi://host/db"), ATH_EDRIVERABI);
    CU_ASSERT_PTR_NULL(e);
    ASSERT_RC(ath_engine_create(&e, "nosuchdb://host/db"), ATH_ENODRIVER);
    CU_ASSERT_PTR_NULL(e);
}

static void test_alias_postgres_means_postgresql(void)
{
    const ath_driver *d = NULL;
    int rc = ath_driver_find(&d, "postgres");
    if (rc == ATH_OK) {
        CU_ASSERT_STRING_EQUAL(d->name, "postgresql");
    } else {
        ASSERT_ERR_HAS("the 'postgresql' driver for scheme 'postgres' is not installed");
    }
}

static void test_alias_mariadb_means_mysql(void)
{
    const ath_driver *d = NULL;
    int rc = ath_driver_find(&d, "mariadb");
    if (rc == ATH_OK) {
        CU_ASSERT_STRING_EQUAL(d->name, "mysql");
    } else {
        ASSERT_ERR_HAS("the 'mysql' driver for scheme 'mariadb' is not installed");
    }
}

/* Every SQLAlchemy driver name of the three databases, and the Athanor driver that serves it. */
static const struct {
    const char *scheme, *driver;
} sqlalchemy_names[] = {
    {"postgresql+psycopg2", "postgresql"},   {"postgresql+psycopg", "postgresql"},
    {"postgresql+asyncpg", "postgresql"},    {"postgresql+pg8000", "postgresql"},
    {"postgresql+libpq", "postgresql"},      {"postgres+psycopg2", "postgresql"},
    {"mysql+mysqldb", "mysql"},              {"mysql+pymysql", "mysql"},
    {"mysql+mysqlconnector", "mysql"},       {"mysql+aiomysql", "mysql"},
    {"mysql+asyncmy", "mysql"},              {"mariadb+mariadbconnector", "mysql"},
    {"mariadb+pymysql", "mysql"},            {"sqlite+pysqlite", "sqlite"},
    {"sqlite+aiosqlite", "sqlite"},          {"sqlite+pysqlcipher", "sqlite"},
};

static void test_sqlalchemy_driver_names_are_served(void)
{
    for (size_t i = 0; i < sizeof sqlalchemy_names / sizeof *sqlalchemy_names; i++) {
        const ath_driver *d = NULL;
        int rc = ath_driver_find(&d, sqlalchemy_names[i].scheme);
        char not_installed[128];
        snprintf(not_installed, sizeof not_installed, "the '%s' driver for scheme '%s' is not installed",
                 sqlalchemy_names[i].driver, sqlalchemy_names[i].scheme);
        if (rc == ATH_OK) {
            CU_ASSERT_STRING_EQUAL(d->name, sqlalchemy_names[i].driver);
        } else if (strcmp(sqlalchemy_names[i].driver, "sqlite") == 0) {
            CU_FAIL("the sqlite driver is built with the unit tests and must serve the name");
        } else {
            ASSERT_ERR_HAS(not_installed);
        }
    }
}

static void test_sqlalchemy_sqlite_names_open_engines(void)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ath_result *r = NULL;
    ASSERT_RC(ath_engine_create(&e, "sqlite+aiosqlite:///:memory:"), ATH_OK);
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "SELECT 41 + 1", NULL, 0, &r), ATH_OK);
    CU_ASSERT_EQUAL(ath_result_next(r), 1);
    ath_result_free(r);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_pysqlcipher_is_refused_clearly(void)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    int rc = ath_engine_create(&e, "sqlite+pysqlcipher://:secret@/encrypted.db");
    if (rc == ATH_OK) /* refused at the first connection if not when the engine is made */
        rc = ath_session_open(&s, e);
    CU_ASSERT_EQUAL(rc, ATH_EUNSUPPORTED);
    ASSERT_ERR_HAS("sqlite+pysqlcipher needs SQLCipher");
    ath_session_close(s);
    ath_engine_dispose(e);
}

static void test_unknown_scheme_suggests_the_nearest(void)
{
    const ath_driver *d = NULL;
    ASSERT_RC(ath_driver_find(&d, "postgresq"), ATH_ENODRIVER);
    ASSERT_ERR_HAS("did you mean 'postgresql'?");
    ASSERT_RC(ath_driver_find(&d, "sqlit"), ATH_ENODRIVER);
    ASSERT_ERR_HAS("did you mean 'sqlite'?");
    ASSERT_RC(ath_driver_find(&d, "mysq+pymysql"), ATH_ENODRIVER);
    ASSERT_ERR_HAS("did you mean 'mysql'?");
    ASSERT_RC(ath_driver_find(&d, "sqlite+aiosqlit"), ATH_ENODRIVER);
    ASSERT_ERR_HAS("did you mean 'sqlite+aiosqlite'?");
    /* nothing close: no guess */
    ASSERT_RC(ath_driver_find(&d, "oracle"), ATH_ENODRIVER);
    CU_ASSERT_PTR_NULL(strstr(ath_error_last()->message, "did you mean"));
}

static void test_invalid_scheme_characters_are_refused(void)
{
    const ath_driver *d = NULL;
    ASSERT_RC(ath_driver_find(&d, "../etc/x"), ATH_ENODRIVER);
    ASSERT_ERR_HAS("not a valid driver name");
    ASSERT_RC(ath_driver_find(&d, "fake+"), ATH_ENODRIVER);
}

/* A driver linked into the program, registered by hand. */
static int linked_connect(ath_dconn **out, const ath_connect_params *p,
                          const ath_driver_host *host, ath_conn_info *info)
{
    return host->fail(ATH_ECONNECT, NULL, 0, NULL, "linked driver never connects");
}
static void linked_close(ath_dconn *c) {}
static int linked_ping(ath_dconn *c)
{
    return ATH_OK;
}
static int linked_exec(ath_dconn *c, const char *sql)
{
    return ATH_OK;
}
static int linked_prepare(ath_dconn *c, const char *sql, size_t n, ath_dstmt **out)
{
    return ATH_OK;
}
static void linked_finalize(ath_dstmt *s) {}
static int linked_execute(ath_dstmt *s, const ath_value *p, size_t n)
{
    return ATH_OK;
}
static int linked_step(ath_dstmt *s)
{
    return 0;
}
static int linked_count(ath_dstmt *s)
{
    return 0;
}
static const char *linked_name(ath_dstmt *s, int i)
{
    return "";
}
static int linked_column(ath_dstmt *s, int i, ath_type t, ath_value *v)
{
    return ATH_OK;
}
static int64_t linked_changes(ath_dstmt *s)
{
    return 0;
}
static int linked_lastid(ath_dconn *c, int64_t *o)
{
    return ATH_OK;
}
static void linked_reset(ath_dstmt *s) {}

static const char *const linked_schemes[] = {"linked", "linked+v2", NULL};
static const ath_dialect linked_dialect = {.struct_size = sizeof(ath_dialect),
                                           .begin_sql = "BEGIN",
                                           .max_params = 10};
static const ath_driver linked_driver = {
    .abi = ATH_DRIVER_ABI,
    .struct_size = sizeof(ath_driver),
    .name = "linked",
    .schemes = linked_schemes,
    .dialect = &linked_dialect,
    .connect = linked_connect,
    .close = linked_close,
    .ping = linked_ping,
    .exec = linked_exec,
    .prepare = linked_prepare,
    .finalize = linked_finalize,
    .execute = linked_execute,
    .step = linked_step,
    .column_count = linked_count,
    .column_name = linked_name,
    .column = linked_column,
    .changes = linked_changes,
    .last_insert_id = linked_lastid,
    .reset = linked_reset,
};

static void test_registered_driver_serves_its_schemes(void)
{
    const ath_driver *d = NULL;
    ASSERT_RC(ath_driver_register(&linked_driver), ATH_OK);
    ASSERT_RC(ath_driver_register(&linked_driver), ATH_OK); /* twice is harmless */
    ASSERT_RC(ath_driver_find(&d, "linked+v2"), ATH_OK);
    CU_ASSERT_PTR_EQUAL(d, &linked_driver);
}

static void test_register_refuses_bad_abi_and_taken_schemes(void)
{
    ath_driver bad = linked_driver;
    bad.abi = 7;
    ASSERT_RC(ath_driver_register(&bad), ATH_EDRIVERABI);
    ath_driver small = linked_driver;
    small.struct_size = 24;
    ASSERT_RC(ath_driver_register(&small), ATH_EDRIVERABI);
    ath_driver thief = linked_driver;
    static const char *const taken[] = {"linked", NULL};
    thief.schemes = taken;
    ath_driver_register(&linked_driver);
    ASSERT_RC(ath_driver_register(&thief), ATH_EINVAL);
    ASSERT_ERR_HAS("already served by driver 'linked'");
    ath_driver empty = linked_driver;
    empty.step = NULL;
    ASSERT_RC(ath_driver_register(&empty), ATH_EDRIVERABI);
    ASSERT_ERR_HAS("required function");
}

/*
 * A driver built against the first release's layout: its descriptor ends before the optional
 * members (check, bulk_insert) and its dialect before length_check / json_check. The members
 * are set here to values that would fail if read; the core must go by struct_size and never
 * touch them, and the driver must load and work.
 */
static int old_check_calls;
static int old_check(const ath_connect_params *p, const ath_driver_host *host)
{
    old_check_calls++;
    return host->fail(ATH_EURL, NULL, 0, NULL, "the core read a member past struct_size");
}
static int old_conn;
static int old_connect(ath_dconn **out, const ath_connect_params *p, const ath_driver_host *host,
                       ath_conn_info *info)
{
    *out = (ath_dconn *)&old_conn;
    return ATH_OK;
}
static const char *const old_schemes[] = {"oldlayout", NULL};
static const ath_dialect old_dialect = {
    .struct_size = (uint32_t)offsetof(ath_dialect, length_check),
    .placeholder = ATH_PLACEHOLDER_QMARK,
    .ident_quote = '"',
    .type_names = {[ATH_T_I64] = "BIGINT", [ATH_T_TEXT] = "TEXT"},
    .varchar_format = "VARCHAR(%d)",
    .autoinc = ATH_AUTOINC_INLINE_PK,
    .autoinc_type = "INTEGER",
    .begin_sql = "BEGIN",
    .max_params = 10,
    .table_options = "",
    .length_check = "BOGUS_LENGTH(%s, %d)", /* past struct_size: must not be read */
    .json_check = "BOGUS_JSON(%s)",
};
/* the linked driver's functions, with the first release's sizes and a connect that succeeds */
static ath_driver old_driver;

typedef struct OldRow {
    int64_t id;
    char *name;
} OldRow;
static const ath_field old_row_fields[] = {
    ATH_FIELD(OldRow, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(OldRow, name, text, .max_length = 8),
};
static const ath_model OldRow_model = ATH_MODEL_OF(OldRow, "old_row", old_row_fields);

static char old_ddl[512];
static void old_on_event(void *ctx, const ath_event *ev)
{
    if (ev->kind == ATH_EVENT_BEFORE_EXECUTE && ev->sql && strstr(ev->sql, "CREATE TABLE"))
        snprintf(old_ddl, sizeof old_ddl, "%s", ev->sql);
}

static void test_first_release_layout_loads_and_works(void)
{
    old_driver = linked_driver;
    old_driver.struct_size = (uint32_t)offsetof(ath_driver, check);
    old_driver.name = "oldlayout";
    old_driver.schemes = old_schemes;
    old_driver.dialect = &old_dialect;
    old_driver.connect = old_connect;
    old_driver.check = old_check; /* past struct_size: must not be called */
    ASSERT_RC(ath_driver_register(&old_driver), ATH_OK);
    ath_engine_options opts;
    ath_engine_options_init(&opts);
    opts.on_event = old_on_event;
    ath_engine *e = NULL;
    old_check_calls = 0;
    ASSERT_RC(ath_engine_create_opts(&e, "oldlayout://", &opts), ATH_OK);
    CU_ASSERT_EQUAL(old_check_calls, 0);
    old_ddl[0] = '\0';
    ASSERT_RC(ath_create_all(e, ATH_MODELS(&OldRow_model)), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(old_ddl, "VARCHAR(8)"));
    CU_ASSERT_PTR_NULL(strstr(old_ddl, "BOGUS"));
    ath_session *s = NULL;
    ath_result *r = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(ath_session_execute(s, "SELECT 1", NULL, 0, &r), ATH_OK);
    ASSERT_RC(ath_result_next(r), 0);
    ath_result_free(r);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    ath_engine_dispose(e);
}

/* The calendar and hex digit the core lends to drivers (one copy, used by the core too). */
static void test_host_lends_calendar_and_hex(void)
{
    const ath_driver_host *h = ath_driver_host_default();
    CU_ASSERT_TRUE(h->struct_size >= offsetof(ath_driver_host, hex_value) + sizeof h->hex_value);
    CU_ASSERT_EQUAL(h->days_from_civil(1970, 1, 1), 0);
    CU_ASSERT_EQUAL(h->days_from_civil(2000, 3, 1), 11017);
    CU_ASSERT_EQUAL(h->days_from_civil(1, 1, 1), -719162);
    int64_t y;
    unsigned m, d;
    h->civil_from_days(-1, &y, &m, &d);
    CU_ASSERT_TRUE(y == 1969 && m == 12 && d == 31);
    h->civil_from_days(h->days_from_civil(2024, 2, 29), &y, &m, &d);
    CU_ASSERT_TRUE(y == 2024 && m == 2 && d == 29);
    CU_ASSERT_EQUAL(h->hex_value('7'), 7);
    CU_ASSERT_EQUAL(h->hex_value('b'), 11);
    CU_ASSERT_EQUAL(h->hex_value('F'), 15);
    CU_ASSERT_EQUAL(h->hex_value('g'), -1);
}

static const ath_driver_found *find_entry(const ath_driver_found *l, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i].name, name) == 0)
            return &l[i];
    return NULL;
}

static void test_drivers_list_reports_each_module_and_its_status(void)
{
    ath_driver_found *list = NULL;
    size_t n = 0;
    ASSERT_RC(ath_drivers_list(&list, &n), ATH_OK);
    const ath_driver_found *f;
    CU_ASSERT_PTR_NOT_NULL_FATAL((f = find_entry(list, n, "fake")));
    CU_ASSERT_EQUAL(f->status, ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL((f = find_entry(list, n, "badabi")));
    CU_ASSERT_EQUAL(f->status, ATH_EDRIVERABI);
    CU_ASSERT_PTR_NOT_NULL(strstr(f->detail, "ABI"));
    CU_ASSERT_PTR_NOT_NULL_FATAL((f = find_entry(list, n, "nosym")));
    CU_ASSERT_EQUAL(f->status, ATH_EDRIVERSYM);
    CU_ASSERT_PTR_NOT_NULL_FATAL((f = find_entry(list, n, "sqlite")));
    CU_ASSERT_EQUAL(f->status, ATH_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(f->path, "athanor_sqlite.so"));
    ath_drivers_list_free(list, n);
    ath_drivers_list_free(NULL, 0);
}

TEST_SUITE(loader)
{
    static const test_case tests[] = {
        {"unknown scheme names scheme and files tried",
         test_unknown_scheme_names_scheme_and_files_tried},
        {"variant scheme tries specific module first",
         test_variant_scheme_tries_specific_module_first},
        {"module that does not serve variant is refused",
         test_module_that_does_not_serve_variant_is_refused},
        {"working module loads once and is reused", test_working_module_loads_once_and_is_reused},
        {"abi mismatch names both numbers and file", test_abi_mismatch_names_both_numbers_and_file},
        {"descriptor too small is refused", test_descriptor_too_small_is_refused},
        {"first release layout loads and works", test_first_release_layout_loads_and_works},
        {"host lends calendar and hex", test_host_lends_calendar_and_hex},
        {"missing entry symbol is refused", test_missing_entry_symbol_is_refused},
        {"unloadable module reports dlerror", test_unloadable_module_reports_dlerror},
        {"engine create reports loader failures", test_engine_create_reports_loader_failures},
        {"alias postgres means postgresql", test_alias_postgres_means_postgresql},
        {"alias mariadb means mysql", test_alias_mariadb_means_mysql},
        {"invalid scheme characters are refused", test_invalid_scheme_characters_are_refused},
        {"sqlalchemy driver names are served", test_sqlalchemy_driver_names_are_served},
        {"sqlalchemy sqlite names open engines", test_sqlalchemy_sqlite_names_open_engines},
        {"pysqlcipher is refused clearly", test_pysqlcipher_is_refused_clearly},
        {"unknown scheme suggests the nearest", test_unknown_scheme_suggests_the_nearest},
        {"registered driver serves its schemes", test_registered_driver_serves_its_schemes},
        {"register refuses bad abi and taken schemes",
         test_register_refuses_bad_abi_and_taken_schemes},
        {"drivers list reports each module and its status",
         test_drivers_list_reports_each_module_and_its_status},
        {NULL, NULL},
    };
    test_add_suite("loader", NULL, NULL, tests);
}
