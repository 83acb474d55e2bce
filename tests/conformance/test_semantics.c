/*
 * repo-semantics: repository behaviours that must read the same on every backend (issue 19):
 * NULLS FIRST/LAST and case-insensitive ordering; locking reads (FOR UPDATE, NOWAIT, SKIP
 * LOCKED; SQLite's write transaction).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"

/* Heroes with mixed-case names and a NULL age: Alice(30) bob(NULL) Carol(20) dave(NULL) Eve(40). */
static void add_mixed_heroes(ath_repo *heroes)
{
    add_hero(heroes, "bob", "b", -1, 0);
    add_hero(heroes, "Eve", "e", 40, 0);
    add_hero(heroes, "Alice", "a", 30, 0);
    add_hero(heroes, "dave", "d", -1, 0);
    add_hero(heroes, "Carol", "c", 20, 0);
}

static void test_order_nulls_first_puts_null_before_values_in_both_directions(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_mixed_heroes(heroes);
    ath_list *up = conf_list(heroes, ATH_FILTERS(ath_order_by_opts("age", false, ATH_NULLS_FIRST),
                                                 ath_order_by("name", false)));
    ASSERT_NAMES_ORDERED(up, Hero, name, "bob|dave|Carol|Alice|Eve");
    ath_list *down = conf_list(heroes, ATH_FILTERS(ath_order_by_opts("age", true, ATH_NULLS_FIRST),
                                                   ath_order_by("name", false)));
    ASSERT_NAMES_ORDERED(down, Hero, name, "bob|dave|Eve|Alice|Carol");
    conf_end();
}

static void test_order_nulls_last_puts_null_after_values_in_both_directions(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_mixed_heroes(heroes);
    ath_list *up = conf_list(heroes, ATH_FILTERS(ath_order_by_opts("age", false, ATH_NULLS_LAST),
                                                 ath_order_by("name", false)));
    ASSERT_NAMES_ORDERED(up, Hero, name, "Carol|Alice|Eve|bob|dave");
    ath_list *down = conf_list(heroes, ATH_FILTERS(ath_order_by_opts("age", true, ATH_NULLS_LAST),
                                                   ath_order_by("name", false)));
    ASSERT_NAMES_ORDERED(down, Hero, name, "Eve|Alice|Carol|bob|dave");
    conf_end();
}

static void test_order_ignore_case_orders_by_lower_of_the_text(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_mixed_heroes(heroes);
    ath_list *up =
        conf_list(heroes, ATH_FILTERS(ath_order_by_opts("name", false, ATH_ORDER_IGNORE_CASE)));
    ASSERT_NAMES_ORDERED(up, Hero, name, "Alice|bob|Carol|dave|Eve");
    ath_list *down =
        conf_list(heroes, ATH_FILTERS(ath_order_by_opts("name", true, ATH_ORDER_IGNORE_CASE)));
    ASSERT_NAMES_ORDERED(down, Hero, name, "Eve|dave|Carol|bob|Alice");
    conf_end();
}

static void test_order_ignore_case_with_nulls_last_combines_both(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Team_model);
    add_team(heroes, "beta", NULL);
    add_team(heroes, "Alpha", "hq");
    add_team(heroes, "gamma", "HQ2");
    add_team(heroes, "Delta", NULL);
    ath_list *l =
        conf_list(heroes, ATH_FILTERS(ath_order_by_opts("headquarters", false,
                                                        ATH_NULLS_LAST | ATH_ORDER_IGNORE_CASE),
                                      ath_order_by_opts("name", false, ATH_ORDER_IGNORE_CASE)));
    ASSERT_NAMES_ORDERED(l, Team, name, "Alpha|gamma|beta|Delta");
    conf_end();
}

static void test_order_ignore_case_keyset_pages_reach_every_row_once(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_mixed_heroes(heroes);
    add_hero(heroes, "ALICE", "a2", 1, 0); /* equal to Alice under LOWER(): the key breaks ties */
    char seen[256] = "";
    char *cursor = NULL;
    for (int page = 0; page < 6; page++) {
        ath_list *l = NULL;
        ASSERT_RC(ath_repo_list(heroes, &l,
                                ATH_FILTERS(ath_order_by_opts("name", false, ATH_ORDER_IGNORE_CASE),
                                            ath_limit_offset(2, 0), ath_after(cursor))),
                  ATH_OK);
        conf_keep(l);
        for (size_t i = 0; i < ath_list_count(l); i++) {
            const Hero *h = ath_list_at(l, i);
            char lower[32];
            size_t k = 0;
            for (; h->name[k] && k + 1 < sizeof lower; k++)
                lower[k] =
                    (char)(h->name[k] >= 'A' && h->name[k] <= 'Z' ? h->name[k] + 32 : h->name[k]);
            lower[k] = '\0';
            strcat(seen, seen[0] ? "|" : "");
            strcat(seen, lower);
        }
        free(cursor);
        cursor = ath_list_cursor(l) ? strdup(ath_list_cursor(l)) : NULL;
        if (!cursor)
            break;
    }
    free(cursor);
    ASSERT_STR(seen, "alice|alice|bob|carol|dave|eve");
    conf_end();
}

static void test_order_options_that_cannot_hold_are_refused_naming_the_column(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    ath_list *l = NULL;
    ASSERT_RC(ath_repo_list(
                  heroes, &l,
                  ATH_FILTERS(ath_order_by_opts("age", false, ATH_NULLS_FIRST | ATH_NULLS_LAST))),
              ATH_EINVAL);
    ASSERT_ERR_HAS("hero.age");
    ASSERT_RC(ath_repo_list(heroes, &l,
                            ATH_FILTERS(ath_order_by_opts("age", false, ATH_ORDER_IGNORE_CASE))),
              ATH_EINVAL);
    ASSERT_ERR_HAS("age");
    ASSERT_RC(ath_repo_list(heroes, &l, ATH_FILTERS(ath_order_by_opts("age", false, 1u << 7))),
              ATH_EINVAL);
    ASSERT_ERR_HAS("unknown option");
    ASSERT_RC(ath_repo_list(heroes, &l,
                            ATH_FILTERS(ath_order_by_opts("age", false, ATH_NULLS_LAST),
                                        ath_limit_offset(2, 0), ath_after(NULL))),
              ATH_EINVAL);
    ASSERT_ERR_HAS("keyset paging");
    CU_ASSERT_PTR_NULL(l);
    conf_end();
}

/* --- locking reads ----------------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Two committed heroes; their ids in *a and *b. */
static void two_committed_heroes(ath_session *s, int64_t *a, int64_t *b)
{
    ath_repo *heroes = conf_repo(s, &Hero_model);
    *a = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    *b = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
}

/* A second engine on the SQLite file whose writers give up after 50 ms. */
static ath_engine *impatient_sqlite_engine(void)
{
    char url[512];
    snprintf(url, sizeof url, "%s%sbusy_timeout=50", conf->url, strchr(conf->url, '?') ? "&" : "?");
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, url), ATH_OK);
    return e;
}

static void test_lock_for_update_reads_rows_and_opens_the_transaction(void)
{
    ath_session *s = conf_begin();
    int64_t a, b;
    two_committed_heroes(s, &a, &b);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    CU_ASSERT_FALSE(ath_session_in_transaction(s));
    Hero h;
    memset(&h, 0, sizeof h);
    ath_value key_a = ath_v_i64(a), missing = ath_v_i64(a + b + 100);
    ASSERT_RC(ath_repo_get_opts(heroes, &h, &key_a, 1, ATH_OPT_FOR_UPDATE), ATH_OK);
    ASSERT_STR(h.name, "Rusty-Man");
    ath_model_free_fields(&Hero_model, &h);
    CU_ASSERT_TRUE(ath_session_in_transaction(s));
    ASSERT_RC(ath_repo_get_one(heroes, &h,
                               ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("Spider-Boy")),
                                           ath_for_update(0))),
              ATH_OK);
    ASSERT_I64(h.id, b);
    ath_model_free_fields(&Hero_model, &h);
    bool found = true;
    ASSERT_RC(ath_repo_get_one_or_none(
                  heroes, &h, &found,
                  ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i32(90)), ath_for_update(0))),
              ATH_OK);
    CU_ASSERT_FALSE(found);
    ath_list *l = conf_list(heroes, ATH_FILTERS(ath_order_by("name", false), ath_for_update(0)));
    ASSERT_NAMES_ORDERED(l, Hero, name, "Rusty-Man|Spider-Boy");
    int64_t total = 0;
    ath_list *counted = NULL;
    ASSERT_RC(ath_repo_list_and_count(heroes, &counted, &total,
                                      ATH_FILTERS(ath_limit_offset(1, 0), ath_for_update(0))),
              ATH_OK);
    conf_keep(counted);
    ASSERT_I64(total, 2);
    ASSERT_I64(ath_list_count(counted), 1);
    ASSERT_RC(ath_repo_get_opts(heroes, &h, &missing, 1, ATH_OPT_FOR_UPDATE), ATH_ENOTFOUND);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    conf_end();
}

static void test_lock_nowait_fails_at_once_while_another_session_holds_the_row(void)
{
    ath_session *s = conf_begin();
    int64_t a, b;
    two_committed_heroes(s, &a, &b);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    Hero h;
    memset(&h, 0, sizeof h);
    ath_value key_a = ath_v_i64(a), key_b = ath_v_i64(b);
    ASSERT_RC(ath_repo_get_opts(heroes, &h, &key_a, 1, ATH_OPT_FOR_UPDATE), ATH_OK);
    ath_model_free_fields(&Hero_model, &h);
    if (!conf->be->concurrent_sessions) { /* one connection: nobody else can hold a lock */
        ASSERT_RC(ath_repo_get_opts(heroes, &h, &key_a, 1, ATH_OPT_FOR_UPDATE | ATH_OPT_NOWAIT),
                  ATH_OK);
        ath_model_free_fields(&Hero_model, &h);
        CU_ASSERT_TRUE(ath_session_in_transaction(s));
        conf_end();
        return;
    }
    if (!conf->be->row_locks) { /* SQLite file: the locking read holds the database's write lock */
        ath_engine *other = impatient_sqlite_engine();
        ath_session *o = NULL;
        ASSERT_RC(ath_session_open(&o, other), ATH_OK);
        ASSERT_RC(sql_exec(o, "UPDATE hero SET age = 1", NULL, 0), ATH_ERETRY);
        ath_session_rollback(o);
        ASSERT_RC(ath_session_commit(s), ATH_OK); /* the lock ends with the transaction */
        ASSERT_RC(sql_exec(o, "UPDATE hero SET age = 1", NULL, 0), ATH_OK);
        ASSERT_RC(ath_session_commit(o), ATH_OK);
        ath_session_close(o);
        ath_engine_dispose(other);
        conf_end();
        return;
    }
    ath_session *o = conf_session();
    ath_repo *theirs = conf_repo(o, &Hero_model);
    double t0 = now_seconds();
    ASSERT_RC(ath_repo_get_opts(theirs, &h, &key_a, 1, ATH_OPT_FOR_UPDATE | ATH_OPT_NOWAIT),
              ATH_ERETRY);
    double waited = now_seconds() - t0;
    CU_ASSERT(waited < 2.0);
    CU_ASSERT(ath_error_last()->sqlstate[0] != '\0');
    ath_session_rollback(o);
    /* the other row is free, and the locked one is free once its transaction ends */
    ASSERT_RC(ath_repo_get_opts(theirs, &h, &key_b, 1, ATH_OPT_FOR_UPDATE | ATH_OPT_NOWAIT),
              ATH_OK);
    ath_model_free_fields(&Hero_model, &h);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_repo_get_opts(theirs, &h, &key_a, 1, ATH_OPT_FOR_UPDATE | ATH_OPT_NOWAIT),
              ATH_OK);
    ASSERT_STR(h.name, "Rusty-Man");
    ath_model_free_fields(&Hero_model, &h);
    conf_end();
}

static void test_lock_skip_locked_leaves_rows_locked_elsewhere_out(void)
{
    ath_session *s = conf_begin();
    int64_t a, b;
    two_committed_heroes(s, &a, &b);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    Hero h;
    ath_value key_a = ath_v_i64(a);
    ASSERT_RC(ath_repo_get_opts(heroes, &h, &key_a, 1, ATH_OPT_FOR_UPDATE), ATH_OK);
    ath_model_free_fields(&Hero_model, &h);
    if (!conf->be->row_locks) { /* no row locks: nothing is ever skipped */
        ath_list *l = conf_list(heroes, ATH_FILTERS(ath_for_update(ATH_OPT_SKIP_LOCKED)));
        ASSERT_NAMES(l, Hero, name, "Rusty-Man|Spider-Boy");
        conf_end();
        return;
    }
    ath_session *o = conf_session();
    ath_repo *theirs = conf_repo(o, &Hero_model);
    ath_list *l = conf_list(theirs, ATH_FILTERS(ath_for_update(ATH_OPT_SKIP_LOCKED)));
    ASSERT_NAMES(l, Hero, name, "Spider-Boy");
    ASSERT_RC(ath_repo_get_opts(theirs, &h, &key_a, 1, ATH_OPT_SKIP_LOCKED), ATH_ENOTFOUND);
    conf_end();
}

static void test_lock_get_and_update_for_update_holds_the_row_it_updates(void)
{
    ath_session *s = conf_begin();
    int64_t a, b;
    two_committed_heroes(s, &a, &b);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    Hero want = {.name = "Rusty-Man", .secret_name = "Tony", .age = {49, true}};
    bool updated = false;
    ASSERT_RC(ath_repo_get_and_update_opts(heroes, &want, ATH_NAMES("name"), ATH_NAMES("age"),
                                           &updated, ATH_OPT_FOR_UPDATE),
              ATH_OK);
    CU_ASSERT_TRUE(updated);
    ASSERT_I64(want.id, a);
    ASSERT_STR(want.secret_name, "Tommy Sharp"); /* only the named field was written */
    ath_model_free_fields(&Hero_model, &want);
    if (conf->be->row_locks) {
        ath_session *o = conf_session();
        Hero h;
        ath_value key_a = ath_v_i64(a);
        ASSERT_RC(ath_repo_get_opts(conf_repo(o, &Hero_model), &h, &key_a, 1,
                                    ATH_OPT_FOR_UPDATE | ATH_OPT_NOWAIT),
                  ATH_ERETRY);
        ath_session_rollback(o);
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_HERO(s, a, "Rusty-Man|Tommy Sharp|49|-");
    conf_end();
}

static void test_lock_options_refused_where_no_rows_are_read(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t n = 0;
    bool any = false;
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_FILTERS(ath_for_update(0))), ATH_EINVAL);
    ASSERT_ERR_HAS("locking options");
    ASSERT_RC(ath_repo_exists(heroes, &any, ATH_FILTERS(ath_for_update(0))), ATH_EINVAL);
    ASSERT_RC(ath_repo_delete_where(heroes, NULL, ATH_FILTERS(ath_for_update(0))), ATH_EINVAL);
    ath_list *l = NULL;
    ASSERT_RC(ath_repo_list(heroes, &l,
                            ATH_FILTERS(ath_for_update(ATH_OPT_NOWAIT | ATH_OPT_SKIP_LOCKED))),
              ATH_EINVAL);
    ASSERT_ERR_HAS("ATH_OPT_NOWAIT and ATH_OPT_SKIP_LOCKED");
    CU_ASSERT_PTR_NULL(l);
    conf_end();
}

/* --- case-insensitive search ----------------------------------------------------------- */

typedef struct like_seen {
    char sql[2048];
} like_seen;

static void remember_like(void *ctx, const ath_event *e)
{
    like_seen *seen = ctx;
    if (e->kind == ATH_EVENT_BEFORE_EXECUTE && e->sql && strstr(e->sql, "LIKE"))
        snprintf(seen->sql, sizeof seen->sql, "%s", e->sql);
}

static void test_search_ignore_case_is_ilike_on_postgresql_and_lower_elsewhere(void)
{
    conf_begin(); /* empty tables */
    conf_end();
    like_seen seen = {""};
    ath_engine_options opts;
    ath_engine_options_init(&opts);
    opts.on_event = remember_like;
    opts.event_ctx = &seen;
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create_opts(&e, conf->url, &opts), ATH_OK);
    const ath_model *models[] = {&Team_model, &Hero_model};
    ath_session *s = NULL;
    ath_repo *heroes = NULL;
    int64_t n = -1;
    Hero h = {.name = "Rusty-Man", .secret_name = "Tommy Sharp"};
    int rc = ath_create_all(e, models, 2);
    if (rc == ATH_OK)
        rc = ath_session_open(&s, e);
    if (rc == ATH_OK)
        rc = ath_repo_open(&heroes, s, &Hero_model);
    if (rc == ATH_OK)
        rc = ath_repo_add(heroes, &h);
    if (rc == ATH_OK)
        rc = ath_repo_count(heroes, &n, ATH_FILTERS(ath_search("name", "rUSTY-m", true)));
    ASSERT_RC(rc, ATH_OK);
    ASSERT_I64(n, 1);
    if (conf->be->ilike) {
        CU_ASSERT_PTR_NOT_NULL(strstr(seen.sql, " ILIKE ?"));
        CU_ASSERT_PTR_NULL(strstr(seen.sql, "LOWER("));
    } else {
        CU_ASSERT_PTR_NOT_NULL(strstr(seen.sql, ") LIKE LOWER(?)"));
        CU_ASSERT_PTR_NULL(strstr(seen.sql, "ILIKE"));
    }
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_FILTERS(ath_search("name", "rUSTY-m", false))),
              ATH_OK);
    ASSERT_I64(n, 0); /* case-sensitive search stays case-sensitive */
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_FILTERS(ath_not_search("name", "RUSTY", true))),
              ATH_OK);
    ASSERT_I64(n, 0);
    ath_repo_free(heroes);
    ath_session_rollback(s);
    ath_session_close(s);
    ath_engine_dispose(e);
}

/* --- get_or_upsert with a fields list --------------------------------------------------- */

static void test_get_or_upsert_fields_writes_only_the_named_columns_of_an_existing_row(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    Hero h = {.name = "Rusty-Man", .secret_name = "not written", .age = {49, true}}, before = h;
    bool created = true;
    ASSERT_RC(ath_repo_get_or_upsert_fields(heroes, &h, ATH_NAMES("name"), ATH_NAMES("age"), true,
                                            &created),
              ATH_OK);
    CU_ASSERT_FALSE(created);
    ASSERT_I64(h.id, id);
    ASSERT_STR(h.secret_name, "Tommy Sharp"); /* obj holds the stored row */
    CU_ASSERT(h.age.set && h.age.value == 49);
    FREE_OWNED(&Hero_model, &h, &before);
    ASSERT_HERO(s, id, "Rusty-Man|Tommy Sharp|49|-");
    /* a member left unset and not named keeps its stored value (not NULL) */
    Hero u = {.name = "Rusty-Man", .secret_name = "Tony Stark"}, ubefore = u;
    ASSERT_RC(ath_repo_get_or_upsert_fields(heroes, &u, ATH_NAMES("name"), ATH_NAMES("secret_name"),
                                            true, &created),
              ATH_OK);
    FREE_OWNED(&Hero_model, &u, &ubefore);
    ASSERT_HERO(s, id, "Rusty-Man|Tony Stark|49|-");
    /* without a fields list every other column is written, the unset age included */
    Hero all = {.name = "Rusty-Man", .secret_name = "Tony Stark"}, abefore = all;
    ASSERT_RC(ath_repo_get_or_upsert(heroes, &all, ATH_NAMES("name"), true, &created), ATH_OK);
    FREE_OWNED(&Hero_model, &all, &abefore);
    ASSERT_HERO(s, id, "Rusty-Man|Tony Stark|-|-");
    conf_end();
}

static void test_get_or_upsert_fields_creates_a_missing_row_from_the_whole_object(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    Hero h = {.name = "Deadpond", .secret_name = "Dive Wilson", .age = {33, true}}, before = h;
    bool created = false;
    ASSERT_RC(ath_repo_get_or_upsert_fields(heroes, &h, ATH_NAMES("name"), ATH_NAMES("age"), true,
                                            &created),
              ATH_OK);
    CU_ASSERT_TRUE(created);
    int64_t id = h.id;
    FREE_OWNED(&Hero_model, &h, &before);
    ASSERT_HERO(s, id, "Deadpond|Dive Wilson|33|-");
    ASSERT_RC(ath_repo_get_or_upsert_fields(heroes, &h, ATH_NAMES("name"), ATH_NAMES("id"), true,
                                            &created),
              ATH_EINVAL);
    ASSERT_ERR_HAS("id");
    ASSERT_RC(ath_repo_get_or_upsert_fields(heroes, &h, ATH_NAMES("name"), ATH_NAMES("nope"), true,
                                            &created),
              ATH_EINVAL);
    ASSERT_ERR_HAS("nope");
    conf_end();
}

/* --- matching on columns that are neither the key nor unique ------------------------------- */

static void test_upsert_on_a_non_unique_column_updates_the_match_or_inserts(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t id = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
    Hero up = {.name = "Rusty-Man", .secret_name = "Tony Stark", .age = {50, true}};
    ASSERT_RC(ath_repo_upsert(heroes, &up, ATH_NAMES("name")), ATH_OK);
    ASSERT_I64(up.id, id);
    ASSERT_HERO(s, id, "Rusty-Man|Tony Stark|50|-");
    Hero objs[2] = {{.name = "Rusty-Man", .secret_name = "Tommy", .age = {51, true}},
                    {.name = "Deadpond", .secret_name = "Dive Wilson"}};
    ASSERT_RC(ath_repo_upsert_many(heroes, objs, 2, ATH_NAMES("name")), ATH_OK);
    ASSERT_I64(objs[0].id, id);
    CU_ASSERT(objs[1].id > 0 && objs[1].id != id);
    ASSERT_HERO(s, id, "Rusty-Man|Tommy|51|-");
    ASSERT_HERO(s, objs[1].id, "Deadpond|Dive Wilson|-|-");
    ASSERT_I64(sql_count(s, "hero"), 2);
    conf_end();
}

static void
test_upsert_many_on_a_non_unique_column_matching_two_rows_is_emultiple_and_writes_nothing(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Twin", "one", 1, 0);
    add_hero(heroes, "Twin", "two", 2, 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    Hero objs[2] = {{.name = "Newcomer", .secret_name = "x"}, {.name = "Twin", .secret_name = "y"}};
    ASSERT_RC(ath_repo_upsert_many(heroes, objs, 2, ATH_NAMES("name")), ATH_EMULTIPLE);
    ASSERT_ERR_HAS("object 2 of 2");
    /* the newcomer inserted before the failure was undone; the transaction still works */
    ASSERT_I64(sql_count(s, "hero"), 2);
    Hero one = {.name = "Twin", .secret_name = "z"};
    ASSERT_RC(ath_repo_upsert(heroes, &one, ATH_NAMES("name")), ATH_EMULTIPLE);
    ASSERT_RC(ath_repo_upsert(heroes, &one, ATH_NAMES("name", "secret_name")), ATH_OK);
    ASSERT_I64(sql_count(s, "hero"), 3);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    conf_end();
}

static void test_get_or_upsert_and_get_and_update_on_a_non_unique_column_refuse_two_matches(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "Twin", "one", 1, 0);
    add_hero(heroes, "Twin", "two", 2, 0);
    Hero h = {.name = "Twin", .secret_name = "q"};
    bool flag = true;
    ASSERT_RC(ath_repo_get_or_upsert(heroes, &h, ATH_NAMES("name"), true, &flag), ATH_EMULTIPLE);
    ASSERT_RC(ath_repo_get_and_update(heroes, &h, ATH_NAMES("name"), NULL, 0, &flag),
              ATH_EMULTIPLE);
    ASSERT_I64(sql_count(s, "hero"), 2);
    conf_end();
}

typedef struct upsert_seen {
    bool native;
} upsert_seen;

static void remember_upsert(void *ctx, const ath_event *e)
{
    upsert_seen *seen = ctx;
    if (e->kind == ATH_EVENT_BEFORE_EXECUTE && e->sql &&
        (strstr(e->sql, "ON CONFLICT") || strstr(e->sql, "ON DUPLICATE KEY")))
        seen->native = true;
}

static void test_upsert_on_a_unique_column_keeps_the_single_native_statement(void)
{
    conf_begin();
    conf_end();
    upsert_seen seen = {false};
    ath_engine_options opts;
    ath_engine_options_init(&opts);
    opts.on_event = remember_upsert;
    opts.event_ctx = &seen;
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create_opts(&e, conf->url, &opts), ATH_OK);
    const ath_model *models[] = {&Team_model, &Hero_model};
    ath_session *s = NULL;
    ath_repo *teams = NULL, *heroes = NULL;
    int rc = ath_create_all(e, models, 2);
    if (rc == ATH_OK)
        rc = ath_session_open(&s, e);
    if (rc == ATH_OK)
        rc = ath_repo_open(&teams, s, &Team_model);
    if (rc == ATH_OK)
        rc = ath_repo_open(&heroes, s, &Hero_model);
    Team t = {.name = "Avengers"};
    if (rc == ATH_OK)
        rc = ath_repo_upsert(teams, &t, ATH_NAMES("name"));
    ASSERT_RC(rc, ATH_OK);
    CU_ASSERT_TRUE(seen.native); /* unique column: ON CONFLICT / ON DUPLICATE KEY */
    seen.native = false;
    Hero h = {.name = "Rusty-Man", .secret_name = "Tommy Sharp"};
    ASSERT_RC(ath_repo_upsert(heroes, &h, ATH_NAMES("name")), ATH_OK);
    CU_ASSERT_FALSE(seen.native); /* not unique: looked up, then inserted */
    ath_repo_free(teams);
    ath_repo_free(heroes);
    ath_session_rollback(s);
    ath_session_close(s);
    ath_engine_dispose(e);
}

static const test_case semantics_tests[] = {
    {"test_order_nulls_first_puts_null_before_values_in_both_directions",
     test_order_nulls_first_puts_null_before_values_in_both_directions},
    {"test_order_nulls_last_puts_null_after_values_in_both_directions",
     test_order_nulls_last_puts_null_after_values_in_both_directions},
    {"test_order_ignore_case_orders_by_lower_of_the_text",
     test_order_ignore_case_orders_by_lower_of_the_text},
    {"test_order_ignore_case_with_nulls_last_combines_both",
     test_order_ignore_case_with_nulls_last_combines_both},
    {"test_order_ignore_case_keyset_pages_reach_every_row_once",
     test_order_ignore_case_keyset_pages_reach_every_row_once},
    {"test_order_options_that_cannot_hold_are_refused_naming_the_column",
     test_order_options_that_cannot_hold_are_refused_naming_the_column},
    {"test_lock_for_update_reads_rows_and_opens_the_transaction",
     test_lock_for_update_reads_rows_and_opens_the_transaction},
    {"test_lock_nowait_fails_at_once_while_another_session_holds_the_row",
     test_lock_nowait_fails_at_once_while_another_session_holds_the_row},
    {"test_lock_skip_locked_leaves_rows_locked_elsewhere_out",
     test_lock_skip_locked_leaves_rows_locked_elsewhere_out},
    {"test_lock_get_and_update_for_update_holds_the_row_it_updates",
     test_lock_get_and_update_for_update_holds_the_row_it_updates},
    {"test_lock_options_refused_where_no_rows_are_read",
     test_lock_options_refused_where_no_rows_are_read},
    {"test_search_ignore_case_is_ilike_on_postgresql_and_lower_elsewhere",
     test_search_ignore_case_is_ilike_on_postgresql_and_lower_elsewhere},
    {"test_get_or_upsert_fields_writes_only_the_named_columns_of_an_existing_row",
     test_get_or_upsert_fields_writes_only_the_named_columns_of_an_existing_row},
    {"test_get_or_upsert_fields_creates_a_missing_row_from_the_whole_object",
     test_get_or_upsert_fields_creates_a_missing_row_from_the_whole_object},
    {"test_upsert_on_a_non_unique_column_updates_the_match_or_inserts",
     test_upsert_on_a_non_unique_column_updates_the_match_or_inserts},
    {"test_upsert_many_on_a_non_unique_column_matching_two_rows_is_emultiple_and_writes_nothing",
     test_upsert_many_on_a_non_unique_column_matching_two_rows_is_emultiple_and_writes_nothing},
    {"test_get_or_upsert_and_get_and_update_on_a_non_unique_column_refuse_two_matches",
     test_get_or_upsert_and_get_and_update_on_a_non_unique_column_refuse_two_matches},
    {"test_upsert_on_a_unique_column_keeps_the_single_native_statement",
     test_upsert_on_a_unique_column_keeps_the_single_native_statement},
    {NULL, NULL},
};

TEST_SUITE(semantics)
{
    conf_add_group("repo-semantics", semantics_tests, true);
}
