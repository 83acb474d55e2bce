/* The conformance harness: targets, suite setup, tracked fixtures, raw reads, assertions. */
#include "conf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/TestRun.h>

conf_target *conf;
static conf_target targets[TEST_MAX_TARGETS];

static void watchdog_arm(void);

/* --- suite setup ---------------------------------------------------------------------------- */

static const void *row_for(const char *url, const char **dialect, const char **label)
{
    const backend *be = backend_for_url(url);
    *dialect = be->dialect;
    *label = be->label;
    return be;
}

static ath_engine **select_target(const test_target *t, ath_engine_options *opts)
{
    (void)opts;
    if (!t) {
        conf = NULL;
        return NULL;
    }
    watchdog_arm();
    conf = &targets[t->index];
    conf->url = t->url;
    conf->be = t->row;
    conf->label = t->label;
    return &conf->engine;
}

static const test_harness harness = {"conformance", row_for, select_target, test_end};

int conf_recreate_schema(void)
{
    return test_recreate_schema();
}

void conf_add_group(const char *name, const test_case *tests, bool per_url)
{
    test_register_group(&harness, name, tests, per_url ? conf_models : NULL,
                        per_url ? conf_nmodels : 0);
}

/* --- watchdog: a test stuck in a driver call fails the run, naming the test ------------------ */

static void put(const char *text)
{
    if (text && write(STDERR_FILENO, text, strlen(text)) < 0)
        return;
}

static void on_alarm(int sig)
{
    (void)sig;
    CU_pTest test = CU_get_current_test();
    CU_pSuite suite = CU_get_current_suite();
    put("\nconformance: TIMEOUT: ");
    put(suite ? suite->pName : "?");
    put(" / ");
    put(test ? test->pName : "(suite setup)");
    put(" did not finish in ATHANOR_TEST_TIMEOUT seconds (default 300); stopping the run\n");
    _exit(3);
}

/* (Re)starts the per-test alarm. */
static void watchdog_arm(void)
{
    static bool installed;
    if (!installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigaction(SIGALRM, &sa, NULL);
        installed = true;
    }
    const char *env = getenv("ATHANOR_TEST_TIMEOUT");
    long seconds = env && *env ? strtol(env, NULL, 10) : 300;
    alarm(seconds > 0 ? (unsigned)seconds : 0);
}

/* --- tracked fixtures ----------------------------------------------------------------------- */

ath_session *conf_begin(void)
{
    watchdog_arm();
    conf_end();
    CU_ASSERT_PTR_NOT_NULL_FATAL(conf);
    if (test_clear_tables() != ATH_OK) {
        /* a table is missing (a schema test dropped it and failed): rebuild, then retry */
        CU_ASSERT_EQUAL_FATAL(conf_recreate_schema(), ATH_OK);
        ASSERT_RC(test_clear_tables(), ATH_OK);
    }
    return conf_session();
}

ath_session *conf_session(void)
{
    return test_session(conf->engine);
}

/* --- raw reads -------------------------------------------------------------------------------- */

int sql_exec(ath_session *s, const char *sql, const ath_value *params, size_t nparams)
{
    return ath_session_execute(s, sql, params, nparams, NULL);
}

int64_t sql_i64(ath_session *s, const char *sql, const ath_value *params, size_t nparams)
{
    ath_result *r = NULL;
    ath_value v;
    int64_t out = INT64_MIN;
    int rc = ath_session_execute(s, sql, params, nparams, &r);
    ASSERT_RC(rc, ATH_OK);
    if (rc == ATH_OK && r && ath_result_next(r) == 1 &&
        ath_result_get(r, 0, ATH_T_I64, &v) == ATH_OK && v.type != ATH_T_NULL)
        out = v.u.i64;
    ath_result_free(r);
    return out;
}

char *sql_text(ath_session *s, const char *sql, const ath_value *params, size_t nparams)
{
    ath_result *r = NULL;
    char *out = NULL;
    int rc = ath_session_execute(s, sql, params, nparams, &r);
    ASSERT_RC(rc, ATH_OK);
    if (rc == ATH_OK && r && ath_result_next(r) == 1) {
        const char *t = ath_result_text(r, 0);
        if (t)
            out = strdup(t);
    }
    ath_result_free(r);
    return out;
}

int64_t sql_count(ath_session *s, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
    return sql_i64(s, sql, NULL, 0);
}

/* --- the stored hero, in one line ------------------------------------------------------------ */

/* The stored hero `id` as "name|secret|age|team" (NULL as "-"), for one-line comparisons. */
void stored_hero(ath_session *s, int64_t id, char *buf, size_t size)
{
    ath_value k = ath_v_i64(id);
    ath_result *r = NULL;
    snprintf(buf, size, "(no row)");
    ASSERT_RC(ath_session_execute(
                  s, "SELECT name, secret_name, age, team_id FROM hero WHERE id = ?", &k, 1, &r),
              ATH_OK);
    if (r && ath_result_next(r) == 1) {
        char part[2][128], num[2][32];
        for (int i = 0; i < 2; i++) {
            const char *t = ath_result_text(r, i);
            snprintf(part[i], sizeof part[i], "%s", t ? t : "-");
        }
        for (int i = 0; i < 2; i++) {
            ath_value v;
            ASSERT_RC(ath_result_get(r, 2 + i, ATH_T_I64, &v), ATH_OK);
            if (v.type == ATH_T_NULL)
                snprintf(num[i], sizeof num[i], "-");
            else
                snprintf(num[i], sizeof num[i], "%lld", (long long)v.u.i64);
        }
        snprintf(buf, size, "%s|%s|%s|%s", part[0], part[1], num[0], num[1]);
    }
    ath_result_free(r);
}

/* --- data helpers ----------------------------------------------------------------------------- */

int64_t add_team(ath_repo *teams, const char *name, const char *headquarters)
{
    Team t = {0, (char *)name, (char *)headquarters};
    ASSERT_RC(ath_repo_add(teams, &t), ATH_OK);
    CU_ASSERT_FATAL(t.id > 0);
    return t.id;
}

int64_t add_hero(ath_repo *heroes, const char *name, const char *secret, int age, int64_t team_id)
{
    Hero h = {0, (char *)name, (char *)secret, {0, false}, {0, false}};
    if (age >= 0)
        h.age = ath_some_i32(age);
    if (team_id > 0)
        h.team_id = ath_some_i64(team_id);
    ASSERT_RC(ath_repo_add(heroes, &h), ATH_OK);
    CU_ASSERT_FATAL(h.id > 0);
    return h.id;
}

void seed_heroes(ath_session *s)
{
    ath_repo *teams = conf_repo(s, &Team_model), *heroes = conf_repo(s, &Hero_model);
    int64_t avengers = add_team(teams, "Avengers", "Stark Tower");
    int64_t alpha = add_team(teams, "Alpha Flight", NULL);
    int64_t justice = add_team(teams, "Justice League", "Watchtower");
    add_team(teams, "Empty Team", "Nowhere");
    add_hero(heroes, "Deadpond", "Dive Wilson", -1, 0);
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, avengers);
    add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, avengers);
    add_hero(heroes, "Black Lion", "Trevor Challa", 35, justice);
    add_hero(heroes, "Captain North", "Esteban Rogelios", 93, justice);
    add_hero(heroes, "Tarantula", "Natalia Roman-on", 32, alpha);
    add_hero(heroes, "Dr. Weird", "Steve Weird", 35, 0);
    add_hero(heroes, "50% Off", "Sale Man", 50, 0);
    add_hero(heroes, "500 Club", "Big Number", 39, alpha);
    add_hero(heroes, "a_b", "under score", 20, 0);
    add_hero(heroes, "axb", "x marks", 21, 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
}

/* Offset of field i: its own, or for macro-declared models (ATH_OFFSET_AUTO) the C layout. */
static size_t field_offset(const ath_model *model, size_t i)
{
    size_t end = 0;
    for (size_t k = 0; k <= i; k++) {
        const ath_field *f = &model->fields[k];
        size_t off = f->offset;
        if (off == ATH_OFFSET_AUTO) {
            size_t a = f->align ? f->align : 1;
            off = (end + a - 1) / a * a;
        }
        if (k == i)
            return off;
        end = off + f->size;
    }
    return 0;
}

void conf_free_owned(const ath_model *model, void *obj, const void *before, const char *file,
                     int line)
{
    size_t kept = 0;
    for (size_t i = 0; i < model->nfields; i++) {
        const ath_field *f = &model->fields[i];
        size_t off = field_offset(model, i);
        const void *now = NULL, *old = NULL;
        if (f->type == ATH_T_BLOB) {
            now = ((const ath_blob *)((const char *)obj + off))->data;
            old = ((const ath_blob *)((const char *)before + off))->data;
        } else if (f->type == ATH_T_TEXT || f->type == ATH_T_NUMERIC || f->type == ATH_T_JSON) {
            now = *(char *const *)((const char *)obj + off);
            old = *(char *const *)((const char *)before + off);
        }
        kept += now && now == old;
    }
    CU_assertImplementation(kept == 0 ? CU_TRUE : CU_FALSE, (unsigned)line,
                            "the object still holds the caller's strings: it should own copies "
                            "(ath_model_free_fields)",
                            file, "", CU_FALSE);
    if (kept)
        ath_model_free_owned(model, obj, before);
    else
        ath_model_free_fields(model, obj);
}

ath_uuid conf_uuid(unsigned seed)
{
    ath_uuid u;
    for (size_t i = 0; i < 16; i++)
        u.bytes[i] = (unsigned char)(0x11u * (i + 1));
    u.bytes[12] = (unsigned char)(seed >> 24);
    u.bytes[13] = (unsigned char)(seed >> 16);
    u.bytes[14] = (unsigned char)(seed >> 8);
    u.bytes[15] = (unsigned char)seed;
    u.bytes[6] = (unsigned char)((u.bytes[6] & 0x0f) | 0x40); /* version 4 */
    u.bytes[8] = (unsigned char)((u.bytes[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    return u;
}

void fill_all_types(AllTypes *o, unsigned seed)
{
    static unsigned char bytes[] = {0x00, 0x01, 0x00, 0xfe, 0xff, 0x00};
    memset(o, 0, sizeof *o);
    o->id = conf_uuid(seed);
    o->c_i32 = (int32_t)seed * -3;
    o->c_i64 = (int64_t)seed * 1000000007LL;
    o->c_f64 = seed + 0.25;
    o->c_bool = seed % 2 == 1;
    o->c_text = "text";
    o->c_blob = (ath_blob){bytes, sizeof bytes};
    o->c_numeric = "12345.6789";
    o->c_ts = (ath_timestamp)1700000000123456LL + seed;
    o->c_date = (ath_date)(19000 + (int)(seed % 1000));
    o->c_uuid = conf_uuid(seed + 7u);
    o->c_json = "{\"k\":1}";
}

/* --- assertions ------------------------------------------------------------------------------- */

/* Joins `items` with '|' into buf (after sorting them unless `ordered`). */
static void join(const char **items, size_t n, bool ordered, char *buf, size_t size)
{
    size_t used = 0;
    if (!ordered)
        qsort(items, n, sizeof *items, test_cmp_str);
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "|" : "",
                                 items[i] ? items[i] : "(NULL)");
}

void conf_assert_names(const ath_list *list, size_t offset, const char *expected, bool ordered,
                       const char *file, int line)
{
    enum { MAX = 256 };
    const char *got[MAX], *want[MAX];
    char got_text[2048], want_text[2048], copy[2048], msg[4400];
    size_t ngot = 0, nwant = 0;
    for (size_t i = 0; list && i < ath_list_count(list) && ngot < MAX; i++) {
        const char *item = ath_list_at(list, i);
        got[ngot++] = item ? *(char *const *)(item + offset) : NULL;
    }
    snprintf(copy, sizeof copy, "%s", expected);
    if (*copy)
        for (char *tok = strtok(copy, "|"); tok && nwant < MAX; tok = strtok(NULL, "|"))
            want[nwant++] = tok;
    join(got, ngot, ordered, got_text, sizeof got_text);
    join(want, nwant, ordered, want_text, sizeof want_text);
    bool ok = list && strcmp(got_text, want_text) == 0;
    snprintf(msg, sizeof msg, "rows [%s], expected [%s]%s", got_text, want_text,
             ordered ? " in this order" : "");
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
}

void conf_assert_err_has_any(const char *a, const char *b, const char *file, int line)
{
    char msg[1400];
    const char *m = ath_error_last()->message;
    bool ok = m && (strstr(m, a) || strstr(m, b));
    snprintf(msg, sizeof msg, "error message \"%s\" names neither \"%s\" nor \"%s\"",
             m ? m : "(null)", a, b);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
}
