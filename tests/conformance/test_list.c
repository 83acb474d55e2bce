/*
 * repo-list: ath_repo_list and ath_repo_list_and_count, the ath_list accessors, and the typed
 * repository wrapper of the README (HeroRepository).
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

static void add_three_heroes(ath_repo *heroes)
{
    add_hero(heroes, "Deadpond", "Dive Wilson", -1, 0);
    add_hero(heroes, "Spider-Boy", "Pedro Parqueador", 16, 0);
    add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, 0);
}

static void test_list_returns_every_row(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_three_heroes(heroes);
    ath_list *l = conf_list(heroes, ATH_NO_FILTERS);
    ASSERT_I64(ath_list_count(l), 3);
    ASSERT_NAMES(l, Hero, name, "Deadpond|Spider-Boy|Rusty-Man");
    ASSERT_NAMES(l, Hero, secret_name, "Dive Wilson|Pedro Parqueador|Tommy Sharp");
    conf_end();
}

static void test_list_materialises_every_field(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t team = add_team(conf_repo(s, &Team_model), "Avengers", NULL);
    int64_t id = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, team);
    int64_t nulls = add_hero(heroes, "Deadpond", "Dive Wilson", -1, 0);
    ath_list *l = conf_list(heroes, ATH_FILTERS(ath_order_by("id", false)));
    CU_ASSERT_FATAL(ath_list_count(l) == 2);
    const Hero *h = ath_list_items(l);
    ASSERT_I64(h[0].id, id);
    ASSERT_STR(h[0].name, "Rusty-Man");
    CU_ASSERT(h[0].age.set && h[0].age.value == 48);
    CU_ASSERT(h[0].team_id.set && h[0].team_id.value == team);
    ASSERT_I64(h[1].id, nulls);
    CU_ASSERT_FALSE(h[1].age.set);
    CU_ASSERT_FALSE(h[1].team_id.set);
    conf_end();
}

static void test_list_strings_stay_valid_until_list_free(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_three_heroes(heroes);
    ath_list *first = conf_list(heroes, ATH_FILTERS(ath_order_by("name", false)));
    /* more work on the same repository and session must not disturb the first list */
    ath_list *second = conf_list(heroes, ATH_FILTERS(ath_order_by("name", true)));
    add_hero(heroes, "Tarantula", "Natalia Roman-on", 32, 0);
    int64_t n = 0;
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_NO_FILTERS), ATH_OK);
    ath_list *third = NULL;
    ASSERT_RC(ath_repo_list(heroes, &third, ATH_NO_FILTERS), ATH_OK);
    ath_list_free(third);
    ASSERT_NAMES_ORDERED(first, Hero, name, "Deadpond|Rusty-Man|Spider-Boy");
    ASSERT_NAMES_ORDERED(second, Hero, name, "Spider-Boy|Rusty-Man|Deadpond");
    ASSERT_NAMES(first, Hero, secret_name, "Dive Wilson|Pedro Parqueador|Tommy Sharp");
    conf_end();
}

static void test_list_of_empty_table_is_empty(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    ath_list *l = conf_list(heroes, ATH_NO_FILTERS);
    ASSERT_I64(ath_list_count(l), 0);
    CU_ASSERT_PTR_NULL(ath_list_items(l));
    CU_ASSERT_PTR_NULL(ath_list_at(l, 0));
    CU_ASSERT_PTR_NULL(ath_list_cursor(l));
    conf_end();
}

static void test_list_at_out_of_range_is_null(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_three_heroes(heroes);
    ath_list *l = conf_list(heroes, ATH_NO_FILTERS);
    CU_ASSERT_PTR_NOT_NULL(ath_list_at(l, 2));
    CU_ASSERT_PTR_NULL(ath_list_at(l, 3));
    CU_ASSERT_PTR_NULL(ath_list_at(l, (size_t)-1));
    conf_end();
}

static void test_list_items_is_contiguous_array(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_three_heroes(heroes);
    ath_list *l = conf_list(heroes, ATH_NO_FILTERS);
    Hero *items = ath_list_items(l);
    CU_ASSERT_FATAL(items != NULL);
    for (size_t i = 0; i < ath_list_count(l); i++)
        CU_ASSERT_PTR_EQUAL(ath_list_at(l, i), &items[i]);
    conf_end();
}

static void test_list_without_limit_has_no_cursor(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_three_heroes(heroes);
    ath_list *l = conf_list(heroes, ATH_FILTERS(ath_order_by("name", false)));
    CU_ASSERT_PTR_NULL(ath_list_cursor(l));
    conf_end();
}

static void test_list_and_count_total_ignores_limit_and_offset(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_three_heroes(heroes);
    add_hero(heroes, "Tarantula", "Natalia Roman-on", 32, 0);
    ath_list *l = NULL;
    int64_t total = -1;
    ASSERT_RC(
        ath_repo_list_and_count(heroes, &l, &total,
                                ATH_FILTERS(ath_order_by("name", false), ath_limit_offset(2, 1))),
        ATH_OK);
    conf_keep(l);
    ASSERT_I64(total, 4);
    ASSERT_NAMES_ORDERED(l, Hero, name, "Rusty-Man|Spider-Boy");
    conf_end();
}

static void test_list_and_count_total_respects_where(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_three_heroes(heroes);
    add_hero(heroes, "Tarantula", "Natalia Roman-on", 32, 0);
    ath_list *l = NULL;
    int64_t total = -1;
    ASSERT_RC(
        ath_repo_list_and_count(heroes, &l, &total,
                                ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i32(20)),
                                            ath_order_by("age", false), ath_limit_offset(1, 0))),
        ATH_OK);
    conf_keep(l);
    ASSERT_I64(total, 2);
    ASSERT_NAMES(l, Hero, name, "Tarantula");
    conf_end();
}

static void test_list_and_count_of_nothing(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    ath_list *l = NULL;
    int64_t total = -1;
    ASSERT_RC(ath_repo_list_and_count(heroes, &l, &total, ATH_NO_FILTERS), ATH_OK);
    conf_keep(l);
    ASSERT_I64(total, 0);
    ASSERT_I64(ath_list_count(l), 0);
    conf_end();
}

static void test_list_typed_repository_returns_hero_items(void)
{
    ath_session *s = conf_begin();
    HeroRepository *repo = NULL;
    ASSERT_RC(HeroRepository_open(&repo, s), ATH_OK);
    CU_ASSERT_FATAL(repo != NULL);
    Hero h = {0, "Deadpond", "Dive Wilson", ath_some_i32(30), {0, false}};
    ASSERT_RC(HeroRepository_add(repo, &h), ATH_OK);
    CU_ASSERT(h.id > 0);
    ath_list *all = NULL;
    ASSERT_RC(HeroRepository_list(repo, &all, ATH_NO_FILTERS), ATH_OK);
    conf_keep(all);
    CU_ASSERT_FATAL(ath_list_count(all) == 1);
    Hero *items = HeroRepository_items(all);
    ASSERT_STR(items[0].name, "Deadpond");
    ASSERT_I64(items[0].id, h.id);
    Hero got;
    memset(&got, 0, sizeof got);
    ASSERT_RC(HeroRepository_get(repo, &got, ath_v_i64(h.id)), ATH_OK);
    ASSERT_STR(got.secret_name, "Dive Wilson");
    ath_model_free_fields(&Hero_model, &got);
    CU_ASSERT_PTR_EQUAL(ath_repo_model(HeroRepository_base(repo)), &Hero_model);
    CU_ASSERT_PTR_EQUAL(ath_repo_session(HeroRepository_base(repo)), s);
    HeroRepository_free(repo);
    conf_end();
}

const test_case list_tests[] = {
    {"test_list_returns_every_row", test_list_returns_every_row},
    {"test_list_materialises_every_field", test_list_materialises_every_field},
    {"test_list_strings_stay_valid_until_list_free", test_list_strings_stay_valid_until_list_free},
    {"test_list_of_empty_table_is_empty", test_list_of_empty_table_is_empty},
    {"test_list_at_out_of_range_is_null", test_list_at_out_of_range_is_null},
    {"test_list_items_is_contiguous_array", test_list_items_is_contiguous_array},
    {"test_list_without_limit_has_no_cursor", test_list_without_limit_has_no_cursor},
    {"test_list_and_count_total_ignores_limit_and_offset",
     test_list_and_count_total_ignores_limit_and_offset},
    {"test_list_and_count_total_respects_where", test_list_and_count_total_respects_where},
    {"test_list_and_count_of_nothing", test_list_and_count_of_nothing},
    {"test_list_typed_repository_returns_hero_items",
     test_list_typed_repository_returns_hero_items},
    {NULL, NULL},
};

TEST_SUITE(list) { conf_add_group("repo-list", list_tests, true); }
