/*
 * filters: every ath_op of ath_where, NULL comparisons, collections, before/after ranges on a
 * timestamp, order_by and limit_offset — on the dataset of seed_heroes() (see conf.h), each
 * checked by the exact set of rows it returns.
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

/* Lists heroes with the filters and asserts the names (any order). Needs `heroes` in scope. */
#define EXPECT_HEROES(expected, ...)                                                               \
    conf_assert_names(conf_list(heroes, ATH_FILTERS(__VA_ARGS__)), offsetof(Hero, name),           \
                      (expected), false, __FILE__, __LINE__)
#define EXPECT_HEROES_ORDERED(expected, ...)                                                       \
    conf_assert_names(conf_list(heroes, ATH_FILTERS(__VA_ARGS__)), offsetof(Hero, name),           \
                      (expected), true, __FILE__, __LINE__)

static ath_repo *seeded(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    return conf_repo(s, &Hero_model);
}

static void test_filter_eq(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Deadpond", ath_where("name", ATH_EQ, ath_v_text("Deadpond")));
    EXPECT_HEROES("Black Lion|Dr. Weird", ath_where("age", ATH_EQ, ath_v_i32(35)));
    conf_end();
}

static void test_filter_ne_excludes_null(void)
{
    ath_repo *heroes = seeded();
    /* SQL's <>: a NULL age is neither equal nor unequal, so Deadpond is not listed */
    EXPECT_HEROES("Spider-Boy|Rusty-Man|Captain North|Tarantula|50% Off|500 Club|a_b|axb",
                  ath_where("age", ATH_NE, ath_v_i32(35)));
    conf_end();
}

static void test_filter_lt_and_le(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Spider-Boy|a_b|axb", ath_where("age", ATH_LT, ath_v_i32(32)));
    EXPECT_HEROES("Spider-Boy|a_b|axb|Tarantula", ath_where("age", ATH_LE, ath_v_i32(32)));
    conf_end();
}

static void test_filter_gt_and_ge(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Captain North|50% Off", ath_where("age", ATH_GT, ath_v_i32(48)));
    EXPECT_HEROES("Captain North|50% Off|Rusty-Man", ath_where("age", ATH_GE, ath_v_i32(48)));
    conf_end();
}

static void test_filter_comparisons_on_text(void)
{
    ath_repo *heroes = seeded();
    /* bounds and rows chosen so that any collation orders them the same way */
    EXPECT_HEROES("Spider-Boy", ath_where("name", ATH_GT, ath_v_text("Rusty-Man")),
                  ath_where("name", ATH_LT, ath_v_text("Tarantula")));
    EXPECT_HEROES("Rusty-Man|Spider-Boy", ath_where("name", ATH_GE, ath_v_text("Rusty-Man")),
                  ath_where("name", ATH_LE, ath_v_text("Spider-Boy")));
    conf_end();
}

static void test_filter_like_uses_callers_wildcards(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Rusty-Man", ath_where("name", ATH_LIKE, ath_v_text("%Man")));
    EXPECT_HEROES("a_b|axb", ath_where("name", ATH_LIKE, ath_v_text("a_b")));
    conf_end();
}

static void test_filter_like_is_case_sensitive(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("", ath_where("name", ATH_LIKE, ath_v_text("%man")));
    EXPECT_HEROES("", ath_where("name", ATH_LIKE, ath_v_text("spider%")));
    conf_end();
}

static void test_filter_ilike_ignores_case(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Rusty-Man", ath_where("name", ATH_ILIKE, ath_v_text("%man")));
    EXPECT_HEROES("Spider-Boy", ath_where("name", ATH_ILIKE, ath_v_text("SPIDER%")));
    conf_end();
}

static void test_filter_not_like(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Deadpond|Black Lion|Captain North|Tarantula|Dr. Weird|50% Off|500 Club|a_b|axb",
                  ath_where("name", ATH_NOT_LIKE, ath_v_text("%-%")));
    /* case-sensitive: "%spider%" excludes nobody */
    EXPECT_HEROES(ALL_HEROES, ath_where("name", ATH_NOT_LIKE, ath_v_text("%spider%")));
    conf_end();
}

static void test_filter_not_ilike(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Deadpond|Rusty-Man|Black Lion|Captain North|Tarantula|Dr. Weird|50% Off|500 "
                  "Club|a_b|axb",
                  ath_where("name", ATH_NOT_ILIKE, ath_v_text("%SPIDER%")));
    conf_end();
}

static void test_filter_startswith(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Spider-Boy", ath_where("name", ATH_STARTSWITH, ath_v_text("Spider")));
    EXPECT_HEROES("", ath_where("name", ATH_STARTSWITH, ath_v_text("spider")));
    EXPECT_HEROES("Spider-Boy", ath_where("name", ATH_ISTARTSWITH, ath_v_text("spider")));
    conf_end();
}

static void test_filter_endswith(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Rusty-Man", ath_where("name", ATH_ENDSWITH, ath_v_text("Man")));
    EXPECT_HEROES("", ath_where("name", ATH_ENDSWITH, ath_v_text("man")));
    EXPECT_HEROES("Rusty-Man", ath_where("name", ATH_IENDSWITH, ath_v_text("MAN")));
    conf_end();
}

static void test_filter_contains(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Spider-Boy", ath_where("name", ATH_CONTAINS, ath_v_text("ide")));
    EXPECT_HEROES("", ath_where("name", ATH_CONTAINS, ath_v_text("IDE")));
    EXPECT_HEROES("Spider-Boy", ath_where("name", ATH_ICONTAINS, ath_v_text("IDE")));
    conf_end();
}

static void test_filter_startswith_treats_percent_literally(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("50% Off", ath_where("name", ATH_STARTSWITH, ath_v_text("50%")));
    EXPECT_HEROES("50% Off", ath_where("name", ATH_ISTARTSWITH, ath_v_text("50%")));
    conf_end();
}

static void test_filter_contains_treats_underscore_literally(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("a_b", ath_where("name", ATH_CONTAINS, ath_v_text("_")));
    EXPECT_HEROES("a_b", ath_where("name", ATH_ENDSWITH, ath_v_text("_b")));
    EXPECT_HEROES("a_b", ath_where("name", ATH_ICONTAINS, ath_v_text("A_B")));
    conf_end();
}

static void test_filter_pattern_ops_treat_backslash_literally(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_hero(heroes, "back\\slash", "x", 1, 0);
    add_hero(heroes, "backslash", "y", 2, 0);
    EXPECT_HEROES("back\\slash", ath_where("name", ATH_CONTAINS, ath_v_text("k\\s")));
    EXPECT_HEROES("back\\slash", ath_where("name", ATH_STARTSWITH, ath_v_text("back\\")));
    conf_end();
}

static void test_filter_between_is_inclusive(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Tarantula|Black Lion|Dr. Weird",
                  ath_between("age", ath_v_i32(32), ath_v_i32(35)));
    conf_end();
}

static void test_filter_is_null_and_is_not_null(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Deadpond", ath_where("age", ATH_IS_NULL, ath_v_null()));
    EXPECT_HEROES("Spider-Boy|Rusty-Man|Black Lion|Captain North|Tarantula|Dr. Weird|50% Off|500 "
                  "Club|a_b|axb",
                  ath_where("age", ATH_IS_NOT_NULL, ath_v_null()));
    conf_end();
}

static void test_filter_eq_null_means_is_null(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Deadpond|Dr. Weird|50% Off|a_b|axb", ath_where("team_id", ATH_EQ, ath_v_null()));
    conf_end();
}

static void test_filter_ne_null_means_is_not_null(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Spider-Boy|Rusty-Man|Black Lion|Captain North|Tarantula|500 Club",
                  ath_where("team_id", ATH_NE, ath_v_null()));
    conf_end();
}

static void test_filter_null_on_macro_model(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *teams = conf_repo(s, &Team_model);
    ASSERT_NAMES(conf_list(teams, ATH_FILTERS(ath_where("headquarters", ATH_EQ, ath_v_null()))),
                 Team, name, "Alpha Flight");
    conf_end();
}

static void test_filter_collection(void)
{
    ath_repo *heroes = seeded();
    const ath_value names[] = {ath_v_text("Deadpond"), ath_v_text("Tarantula"),
                               ath_v_text("Nobody")};
    EXPECT_HEROES("Deadpond|Tarantula", ath_collection("name", names, 3));
    EXPECT_HEROES("Black Lion|Dr. Weird|Spider-Boy",
                  ath_collection("age", ATH_VALUES(ath_v_i32(35), ath_v_i32(16))));
    conf_end();
}

static void test_filter_empty_collection_matches_nothing(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("", ath_collection("name", NULL, 0));
    int64_t n = -1;
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_FILTERS(ath_collection("id", NULL, 0))), ATH_OK);
    ASSERT_I64(n, 0);
    conf_end();
}

static void test_filter_not_in_collection(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Rusty-Man|Black Lion|Captain North|Tarantula|Dr. Weird|50% Off|500 Club|a_b|axb",
                  ath_not_in_collection(
                      "name", ATH_VALUES(ath_v_text("Deadpond"), ath_v_text("Spider-Boy"))));
    conf_end();
}

static void test_filter_empty_not_in_collection_matches_everything(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES(ALL_HEROES, ath_not_in_collection("name", NULL, 0));
    conf_end();
}

static void test_filter_large_collection(void)
{
    enum { N = 3000 };
    ath_repo *heroes = seeded();
    ath_value *v = calloc(N, sizeof *v);
    CU_ASSERT_FATAL(v != NULL);
    for (size_t i = 0; i < N; i++)
        v[i] = ath_v_i32((int32_t)i + 1000);
    v[N / 2] = ath_v_i32(48);
    EXPECT_HEROES("Rusty-Man", ath_collection("age", v, N));
    free(v);
    conf_end();
}

/* --- before/after on a timestamp ----------------------------------------------------------- */

static ath_timestamp day(int k)
{
    return (ath_timestamp)1700000000000000LL + (ath_timestamp)k * 86400000000LL;
}

static ath_repo *seeded_events(void)
{
    ath_session *s = conf_begin();
    ath_repo *events = conf_repo(s, &Event_model);
    static const char *const titles[] = {"e0", "e1", "e2", "e3", "e4"};
    for (int k = 0; k < 5; k++) {
        Event e = {0, (char *)titles[k], day(k), k, NULL};
        ASSERT_RC(ath_repo_add(events, &e), ATH_OK);
    }
    return events;
}

#define EXPECT_EVENTS(expected, ...)                                                               \
    conf_assert_names(conf_list(events, ATH_FILTERS(__VA_ARGS__)), offsetof(Event, title),         \
                      (expected), false, __FILE__, __LINE__)

/* More values than any backend binds in one statement (PostgreSQL and MariaDB 65535, SQLite
 * 32766): integers that match no hero, with two real ages among them. */
enum { HUGE_LIST = 70000 };

static ath_value *huge_age_list(void)
{
    ath_value *v = calloc(HUGE_LIST, sizeof *v);
    CU_ASSERT_FATAL(v != NULL);
    for (size_t i = 0; i < HUGE_LIST; i++)
        v[i] = ath_v_i32((int32_t)i + 1000);
    v[HUGE_LIST / 3] = ath_v_i32(48);
    v[HUGE_LIST / 2] = ath_v_i32(16);
    return v;
}

/* MySQL/MariaDB bind at most 65535 parameters and have no array parameter: a longer list is
 * the server's error (docs/filters.md), the other backends return the rows. */
static bool refuses_huge_list(ath_repo *heroes, const ath_filter *f)
{
    if (strcmp(conf->be->dialect, "mysql") != 0)
        return false;
    ath_list *l = NULL;
    ASSERT_RC(ath_repo_list(heroes, &l, f, 1), ATH_ESQL);
    CU_ASSERT_PTR_NULL(l);
    CU_ASSERT_PTR_NOT_NULL(strstr(ath_error_last()->message, "too many placeholders"));
    return true;
}

static void test_filter_collection_longer_than_parameter_limit_returns_exact_rows(void)
{
    ath_repo *heroes = seeded();
    ath_value *v = huge_age_list();
    ath_filter f = ath_collection("age", v, HUGE_LIST);
    if (!refuses_huge_list(heroes, &f)) {
        EXPECT_HEROES("Rusty-Man|Spider-Boy", f);
        int64_t n = -1;
        ASSERT_RC(ath_repo_count(heroes, &n, &f, 1), ATH_OK);
        CU_ASSERT_EQUAL(n, 2);
    }
    free(v);
    conf_end();
}

static void test_filter_not_in_collection_longer_than_parameter_limit(void)
{
    ath_repo *heroes = seeded();
    ath_value *v = huge_age_list();
    ath_filter f = ath_not_in_collection("age", v, HUGE_LIST);
    /* NOT IN leaves out the two ages and, as SQL does, the hero whose age is NULL (Deadpond) */
    if (!refuses_huge_list(heroes, &f))
        EXPECT_HEROES("Black Lion|Captain North|Tarantula|Dr. Weird|50% Off|500 Club|a_b|axb", f);
    free(v);
    conf_end();
}

/* 120 values (above ath_engine_options.in_array_min's default, so the array form on
 * PostgreSQL): fillers that match nothing, with `real` among them. */
static void test_filter_collection_of_text_int_and_uuid_values_above_threshold(void)
{
    enum { N = 120 };
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model), *all = conf_repo(s, &AllTypes_model);
    AllTypes rows[3];
    for (unsigned i = 0; i < 3; i++) {
        fill_all_types(&rows[i], 500 + i);
        ASSERT_RC(ath_repo_add(all, &rows[i]), ATH_OK);
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);

    static char fill[N][24];
    ath_value names[N], ids[N], uuids[N];
    for (size_t i = 0; i < N; i++) {
        snprintf(fill[i], sizeof fill[i], "nobody \"%zu\" \\ ,{}", i); /* quotes, braces, commas */
        names[i] = ath_v_text(fill[i]);
        ids[i] = ath_v_i64(-(int64_t)i - 1);
        uuids[i] = ath_v_uuid(conf_uuid(9000u + (unsigned)i));
    }
    names[7] = ath_v_text("Dr. Weird");
    names[N - 1] = ath_v_text("50% Off");
    EXPECT_HEROES("Dr. Weird|50% Off", ath_collection("name", names, N));
    EXPECT_HEROES("Deadpond|Spider-Boy|Rusty-Man|Black Lion|Captain North|Tarantula|500 Club|a_b|"
                  "axb",
                  ath_not_in_collection("name", names, N));

    Hero *one = NULL;
    ath_list *l = conf_list(heroes, ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("axb"))));
    CU_ASSERT_FATAL(ath_list_count(l) == 1);
    one = ath_list_at(l, 0);
    ids[N / 2] = ath_v_i64(one->id);
    EXPECT_HEROES("axb", ath_collection("id", ids, N));

    uuids[3] = ath_v_uuid(rows[0].id);
    uuids[N - 2] = ath_v_uuid(rows[2].id);
    int64_t n = -1;
    ASSERT_RC(ath_repo_count(all, &n, ATH_FILTERS(ath_collection("id", uuids, N))), ATH_OK);
    CU_ASSERT_EQUAL(n, 2);
    ASSERT_RC(ath_repo_count(all, &n, ATH_FILTERS(ath_not_in_collection("id", uuids, N))), ATH_OK);
    CU_ASSERT_EQUAL(n, 1);
    conf_end();
}

/* The last SELECT an engine logged (echo with a log sink). */
typedef struct sql_log {
    char text[8192];
} sql_log;

static void collect_sql(void *ctx, ath_log_level level, const char *message)
{
    sql_log *log = ctx;
    if (level == ATH_LOG_SQL && strstr(message, "SELECT"))
        snprintf(log->text, sizeof log->text, "%s", message);
}

/* On an engine logging its statements (in_array_min as given, 0 the default), adds three heroes
 * (ages 48, 16, none) and lists those whose age is [not] among the first n of `v`, then rolls
 * back; returns the number of rows, the list's statement in *log. */
static size_t list_logged(int in_array_min, const ath_value *v, size_t n, bool negate, sql_log *log)
{
    log->text[0] = '\0';
    ath_engine_options o;
    ath_engine_options_init(&o);
    o.echo = true;
    o.hide_parameters = true;
    o.log = collect_sql;
    o.log_ctx = log;
    o.in_array_min = in_array_min;
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ath_repo *r = NULL;
    ath_list *l = NULL;
    ASSERT_RC(ath_engine_create_opts(&e, conf->url, &o), ATH_OK);
    if (conf->be->memory) /* a database of its own */
        ASSERT_RC(ath_create_all(e, ATH_MODELS(&Team_model, &Hero_model)), ATH_OK);
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &Hero_model), ATH_OK);
    /* three heroes: ages 48, 16 and none */
    static const int ages[] = {48, 16, -1};
    for (size_t i = 0; i < 3; i++) {
        Hero h = {0, (char *)"logged", (char *)"hero", {0, false}, {0, false}};
        if (ages[i] >= 0)
            h.age = ath_some_i32(ages[i]);
        ASSERT_RC(ath_repo_add(r, &h), ATH_OK);
    }
    ath_filter f = negate ? ath_not_in_collection("age", v, n) : ath_collection("age", v, n);
    ASSERT_RC(ath_repo_list(r, &l, &f, 1), ATH_OK);
    size_t rows = ath_list_count(l);
    ath_list_free(l);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ath_repo_free(r);
    ath_session_close(s);
    ath_engine_dispose(e);
    return rows;
}

static void test_filter_collection_uses_one_array_parameter_above_threshold_on_postgresql(void)
{
    conf_begin(); /* empty tables */
    conf_end();
    enum { N = 200 };
    ath_value v[N];
    for (size_t i = 0; i < N; i++)
        v[i] = ath_v_i32((int32_t)i + 1000);
    v[0] = ath_v_i32(48);
    bool pg = strcmp(conf->be->dialect, "postgresql") == 0;
    sql_log log;
    /* below the default threshold (100): the IN list everywhere */
    CU_ASSERT_EQUAL(list_logged(0, v, 99, false, &log), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(log.text, "age` IN (?") ? log.text
                                                          : strstr(log.text, "age\" IN (?"));
    CU_ASSERT_PTR_NULL(strstr(log.text, "ANY("));
    /* from the threshold on: one array parameter on PostgreSQL, the IN list elsewhere */
    CU_ASSERT_EQUAL(list_logged(0, v, 100, false, &log), 1);
    if (pg) {
        CU_ASSERT_PTR_NOT_NULL(strstr(log.text, "\"age\" = ANY(CAST(? AS INTEGER[]))"));
        CU_ASSERT_PTR_NULL(strstr(log.text, " IN ("));
    } else {
        CU_ASSERT_PTR_NULL(strstr(log.text, "ANY("));
    }
    CU_ASSERT_EQUAL(list_logged(0, v, N, true, &log), 1); /* NOT IN: 16 (not 48, not NULL) */
    if (pg)
        CU_ASSERT_PTR_NOT_NULL(
            strstr(log.text, "(NOT (\"hero\".\"age\" = ANY(CAST(? AS INTEGER[]))))"));
    /* in_array_min = -1: never; 3: from three values */
    CU_ASSERT_EQUAL(list_logged(-1, v, N, false, &log), 1);
    CU_ASSERT_PTR_NULL(strstr(log.text, "ANY("));
    CU_ASSERT_EQUAL(list_logged(3, v, 3, false, &log), 1);
    CU_ASSERT_EQUAL(strstr(log.text, "ANY(") != NULL, pg);
}

static void test_filter_before_after_is_exclusive(void)
{
    ath_repo *events = seeded_events();
    EXPECT_EVENTS("e2",
                  ath_before_after("happened", ath_v_timestamp(day(3)), ath_v_timestamp(day(1))));
    conf_end();
}

static void test_filter_on_before_after_is_inclusive(void)
{
    ath_repo *events = seeded_events();
    EXPECT_EVENTS("e1|e2|e3", ath_on_before_after("happened", ath_v_timestamp(day(3)),
                                                  ath_v_timestamp(day(1))));
    conf_end();
}

static void test_filter_before_after_with_one_bound(void)
{
    ath_repo *events = seeded_events();
    EXPECT_EVENTS("e0|e1", ath_before_after("happened", ath_v_timestamp(day(2)), ath_v_null()));
    EXPECT_EVENTS("e3|e4", ath_before_after("happened", ath_v_null(), ath_v_timestamp(day(2))));
    EXPECT_EVENTS("e0|e1|e2",
                  ath_on_before_after("happened", ath_v_timestamp(day(2)), ath_v_null()));
    EXPECT_EVENTS("e2|e3|e4",
                  ath_on_before_after("happened", ath_v_null(), ath_v_timestamp(day(2))));
    conf_end();
}

static void test_filter_before_after_is_exact_to_the_microsecond(void)
{
    ath_repo *events = seeded_events();
    Event late = {0, "e2+1us", day(2) + 1, 9, NULL};
    ASSERT_RC(ath_repo_add(events, &late), ATH_OK);
    EXPECT_EVENTS("e2+1us|e3|e4",
                  ath_before_after("happened", ath_v_null(), ath_v_timestamp(day(2))));
    EXPECT_EVENTS("e0|e1|e2",
                  ath_on_before_after("happened", ath_v_timestamp(day(2)), ath_v_null()));
    EXPECT_EVENTS("e2+1us", ath_where("happened", ATH_EQ, ath_v_timestamp(day(2) + 1)));
    conf_end();
}

/* --- order and limit ------------------------------------------------------------------------ */

static void test_filter_order_by_several_columns(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES_ORDERED("Captain North|50% Off|Rusty-Man|500 Club|Black Lion|Dr. Weird|"
                          "Tarantula|axb|a_b|Spider-Boy",
                          ath_where("age", ATH_IS_NOT_NULL, ath_v_null()),
                          ath_order_by("age", true), ath_order_by("name", false));
    EXPECT_HEROES_ORDERED("Spider-Boy|a_b|axb|Tarantula|Dr. Weird|Black Lion|500 Club|Rusty-Man|"
                          "50% Off|Captain North",
                          ath_where("age", ATH_IS_NOT_NULL, ath_v_null()),
                          ath_order_by("age", false), ath_order_by("name", true));
    conf_end();
}

static void test_filter_order_by_on_macro_model(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *teams = conf_repo(s, &Team_model);
    conf_assert_names(conf_list(teams, ATH_FILTERS(ath_order_by("name", true))),
                      offsetof(Team, name), "Justice League|Empty Team|Avengers|Alpha Flight", true,
                      __FILE__, __LINE__);
    conf_end();
}

static void test_filter_limit_offset(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES_ORDERED(
        "axb|Tarantula|Black Lion", ath_where("age", ATH_IS_NOT_NULL, ath_v_null()),
        ath_order_by("age", false), ath_order_by("name", false), ath_limit_offset(3, 2));
    EXPECT_HEROES_ORDERED("Captain North", ath_where("age", ATH_IS_NOT_NULL, ath_v_null()),
                          ath_order_by("age", false), ath_order_by("name", false),
                          ath_limit_offset(5, 9));
    EXPECT_HEROES("", ath_order_by("name", false), ath_limit_offset(5, 100));
    conf_end();
}

static void test_filter_offset_without_limit(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES_ORDERED("50% Off|Captain North", ath_where("age", ATH_IS_NOT_NULL, ath_v_null()),
                          ath_order_by("age", false), ath_limit_offset(-1, 8));
    conf_end();
}

static void test_filter_limit_zero_returns_nothing(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("", ath_order_by("name", false), ath_limit_offset(0, 0));
    conf_end();
}

static void test_filters_are_anded(void)
{
    ath_repo *heroes = seeded();
    EXPECT_HEROES("Black Lion", ath_where("age", ATH_EQ, ath_v_i32(35)),
                  ath_where("team_id", ATH_IS_NOT_NULL, ath_v_null()));
    conf_end();
}

static void test_filters_apply_to_count_exists_and_get_one(void)
{
    ath_repo *heroes = seeded();
    int64_t n = -1;
    bool any = false;
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_FILTERS(ath_where("age", ATH_GE, ath_v_i32(48)))),
              ATH_OK);
    ASSERT_I64(n, 3);
    ASSERT_RC(ath_repo_exists(heroes, &any,
                              ATH_FILTERS(ath_where("name", ATH_STARTSWITH, ath_v_text("Cap")))),
              ATH_OK);
    CU_ASSERT(any);
    Hero h;
    memset(&h, 0, sizeof h);
    ASSERT_RC(ath_repo_get_one(heroes, &h, ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i32(90)))),
              ATH_OK);
    ASSERT_STR(h.name, "Captain North");
    ath_model_free_fields(&Hero_model, &h);
    conf_end();
}

const test_case filters_tests[] = {
    {"test_filter_eq", test_filter_eq},
    {"test_filter_ne_excludes_null", test_filter_ne_excludes_null},
    {"test_filter_lt_and_le", test_filter_lt_and_le},
    {"test_filter_gt_and_ge", test_filter_gt_and_ge},
    {"test_filter_comparisons_on_text", test_filter_comparisons_on_text},
    {"test_filter_like_uses_callers_wildcards", test_filter_like_uses_callers_wildcards},
    {"test_filter_like_is_case_sensitive", test_filter_like_is_case_sensitive},
    {"test_filter_ilike_ignores_case", test_filter_ilike_ignores_case},
    {"test_filter_not_like", test_filter_not_like},
    {"test_filter_not_ilike", test_filter_not_ilike},
    {"test_filter_startswith", test_filter_startswith},
    {"test_filter_endswith", test_filter_endswith},
    {"test_filter_contains", test_filter_contains},
    {"test_filter_startswith_treats_percent_literally",
     test_filter_startswith_treats_percent_literally},
    {"test_filter_contains_treats_underscore_literally",
     test_filter_contains_treats_underscore_literally},
    {"test_filter_pattern_ops_treat_backslash_literally",
     test_filter_pattern_ops_treat_backslash_literally},
    {"test_filter_between_is_inclusive", test_filter_between_is_inclusive},
    {"test_filter_is_null_and_is_not_null", test_filter_is_null_and_is_not_null},
    {"test_filter_eq_null_means_is_null", test_filter_eq_null_means_is_null},
    {"test_filter_ne_null_means_is_not_null", test_filter_ne_null_means_is_not_null},
    {"test_filter_null_on_macro_model", test_filter_null_on_macro_model},
    {"test_filter_collection", test_filter_collection},
    {"test_filter_empty_collection_matches_nothing", test_filter_empty_collection_matches_nothing},
    {"test_filter_not_in_collection", test_filter_not_in_collection},
    {"test_filter_empty_not_in_collection_matches_everything",
     test_filter_empty_not_in_collection_matches_everything},
    {"test_filter_large_collection", test_filter_large_collection},
    {"test_filter_collection_longer_than_parameter_limit_returns_exact_rows",
     test_filter_collection_longer_than_parameter_limit_returns_exact_rows},
    {"test_filter_not_in_collection_longer_than_parameter_limit",
     test_filter_not_in_collection_longer_than_parameter_limit},
    {"test_filter_collection_of_text_int_and_uuid_values_above_threshold",
     test_filter_collection_of_text_int_and_uuid_values_above_threshold},
    {"test_filter_collection_uses_one_array_parameter_above_threshold_on_postgresql",
     test_filter_collection_uses_one_array_parameter_above_threshold_on_postgresql},
    {"test_filter_before_after_is_exclusive", test_filter_before_after_is_exclusive},
    {"test_filter_on_before_after_is_inclusive", test_filter_on_before_after_is_inclusive},
    {"test_filter_before_after_with_one_bound", test_filter_before_after_with_one_bound},
    {"test_filter_before_after_is_exact_to_the_microsecond",
     test_filter_before_after_is_exact_to_the_microsecond},
    {"test_filter_order_by_several_columns", test_filter_order_by_several_columns},
    {"test_filter_order_by_on_macro_model", test_filter_order_by_on_macro_model},
    {"test_filter_limit_offset", test_filter_limit_offset},
    {"test_filter_offset_without_limit", test_filter_offset_without_limit},
    {"test_filter_limit_zero_returns_nothing", test_filter_limit_zero_returns_nothing},
    {"test_filters_are_anded", test_filters_are_anded},
    {"test_filters_apply_to_count_exists_and_get_one",
     test_filters_apply_to_count_exists_and_get_one},
    {NULL, NULL},
};

TEST_SUITE(filters) { conf_add_group("filters", filters_tests, true); }
