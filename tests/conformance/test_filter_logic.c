/*
 * filter-logic: search / not_search over several columns, any/all groups nested two levels,
 * exists / not_exists across the hero → team foreign key in both directions, case
 * sensitivity, and unknown columns (ATH_EINVAL naming them, nothing executed). Dataset:
 * seed_heroes() (see conf.h).
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

#define EXPECT_HEROES(expected, ...)                                                               \
    conf_assert_names(conf_list(heroes, ATH_FILTERS(__VA_ARGS__)), offsetof(Hero, name),           \
                      (expected), false, __FILE__, __LINE__)
#define EXPECT_TEAMS(expected, ...)                                                                \
    conf_assert_names(conf_list(teams, ATH_FILTERS(__VA_ARGS__)), offsetof(Team, name),            \
                      (expected), false, __FILE__, __LINE__)

static ath_session *seeded(ath_repo **heroes, ath_repo **teams)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    *heroes = conf_repo(s, &Hero_model);
    *teams = conf_repo(s, &Team_model);
    return s;
}

/* --- search -------------------------------------------------------------------------------- */

static void test_search_finds_text_in_any_column(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_HEROES("Deadpond", ath_search("name,secret_name", "Wil", false));
    EXPECT_HEROES("Tarantula", ath_search("name,secret_name", "man", false));
    EXPECT_HEROES("Spider-Boy", ath_search("name,secret_name", "Spider", false));
    conf_end();
}

static void test_search_is_case_sensitive_by_default(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_HEROES("", ath_search("name,secret_name", "wil", false));
    EXPECT_HEROES("", ath_search("name", "SPIDER", false));
    conf_end();
}

static void test_search_ignoring_case(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_HEROES("Deadpond", ath_search("name,secret_name", "wil", true));
    EXPECT_HEROES("Tarantula|Rusty-Man|50% Off", ath_search("name,secret_name", "MAN", true));
    conf_end();
}

static void test_search_treats_percent_literally(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_HEROES("50% Off", ath_search("name,secret_name", "50%", false));
    EXPECT_HEROES("50% Off", ath_search("name,secret_name", "%", true));
    conf_end();
}

static void test_search_treats_underscore_literally(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_HEROES("a_b", ath_search("name,secret_name", "a_b", false));
    EXPECT_HEROES("a_b", ath_search("name,secret_name", "_", true));
    conf_end();
}

static void test_not_search_excludes_rows_containing_text(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_HEROES("Deadpond|Spider-Boy|Rusty-Man|Black Lion|Captain North|Tarantula|50% Off|500 "
                  "Club|a_b|axb",
                  ath_not_search("name,secret_name", "Weird", false));
    EXPECT_HEROES(ALL_HEROES, ath_not_search("name,secret_name", "weird", false));
    conf_end();
}

static void test_not_search_ignoring_case(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_HEROES("Deadpond|Spider-Boy|Rusty-Man|Black Lion|Captain North|Tarantula|50% Off|500 "
                  "Club|a_b|axb",
                  ath_not_search("name,secret_name", "weird", true));
    conf_end();
}

static void test_not_search_counts_null_as_not_containing(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_TEAMS("Avengers", ath_search("name,headquarters", "Tower", false));
    /* Alpha Flight's headquarters is NULL: it does not contain the text, so it is listed */
    EXPECT_TEAMS("Alpha Flight|Justice League|Empty Team",
                 ath_not_search("name,headquarters", "Tower", false));
    EXPECT_TEAMS("Alpha Flight|Empty Team", ath_not_search("name,headquarters", "tower", true));
    conf_end();
}

/* --- any / all -------------------------------------------------------------------------------- */

static void test_any_is_or_of_children(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    const ath_filter either[] = {ath_where("age", ATH_LT, ath_v_i32(20)),
                                 ath_where("age", ATH_GT, ath_v_i32(90))};
    EXPECT_HEROES("Spider-Boy|Captain North", ath_any(either, 2));
    conf_end();
}

static void test_all_is_and_of_children(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    const ath_filter both[] = {ath_where("age", ATH_GT, ath_v_i32(30)),
                               ath_where("age", ATH_LT, ath_v_i32(36))};
    EXPECT_HEROES("Tarantula|Black Lion|Dr. Weird", ath_all(both, 2));
    conf_end();
}

static void test_any_and_all_nest_two_levels(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    /* (30 < age < 40) OR (name starts with "D" AND (age IS NULL OR age > 90)) */
    const ath_filter thirties[] = {ath_where("age", ATH_GT, ath_v_i32(30)),
                                   ath_where("age", ATH_LT, ath_v_i32(40))};
    const ath_filter null_or_old[] = {ath_where("age", ATH_IS_NULL, ath_v_null()),
                                      ath_where("age", ATH_GT, ath_v_i32(90))};
    const ath_filter d_names[] = {ath_where("name", ATH_STARTSWITH, ath_v_text("D")),
                                  ath_any(null_or_old, 2)};
    const ath_filter top[] = {ath_all(thirties, 2), ath_all(d_names, 2)};
    EXPECT_HEROES("Black Lion|Tarantula|Dr. Weird|500 Club|Deadpond", ath_any(top, 2));
    conf_end();
}

static void test_any_groups_are_anded_with_other_filters(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    const ath_filter names[] = {ath_where("name", ATH_EQ, ath_v_text("Spider-Boy")),
                                ath_where("name", ATH_EQ, ath_v_text("Rusty-Man")),
                                ath_where("name", ATH_EQ, ath_v_text("Deadpond"))};
    const ath_filter young_or_unknown[] = {ath_where("age", ATH_IS_NULL, ath_v_null()),
                                           ath_where("age", ATH_LT, ath_v_i32(20))};
    EXPECT_HEROES("Spider-Boy|Deadpond", ath_any(names, 3), ath_any(young_or_unknown, 2));
    conf_end();
}

/* --- exists across the foreign key ---------------------------------------------------------- */

static void test_exists_finds_teams_with_a_matching_hero(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_TEAMS("Avengers|Justice League",
                 ath_exists(&Hero_model, ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i32(40)))));
    conf_end();
}

static void test_not_exists_finds_teams_without_a_matching_hero(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_TEAMS("Alpha Flight|Empty Team",
                 ath_not_exists(&Hero_model, ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i32(40)))));
    conf_end();
}

static void test_exists_without_children_means_any_related_row(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_TEAMS("Avengers|Alpha Flight|Justice League", ath_exists(&Hero_model, NULL, 0));
    EXPECT_TEAMS("Empty Team", ath_not_exists(&Hero_model, NULL, 0));
    conf_end();
}

static void test_exists_follows_foreign_key_to_referenced_table(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_HEROES(
        "Spider-Boy|Rusty-Man|Tarantula|500 Club",
        ath_exists(&Team_model, ATH_FILTERS(ath_where("name", ATH_STARTSWITH, ath_v_text("A")))));
    conf_end();
}

static void test_not_exists_follows_foreign_key_to_referenced_table(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    /* heroes without a team have no related row at all, so they are listed */
    EXPECT_HEROES("Deadpond|Black Lion|Captain North|Dr. Weird|50% Off|a_b|axb",
                  ath_not_exists(&Team_model,
                                 ATH_FILTERS(ath_where("name", ATH_STARTSWITH, ath_v_text("A")))));
    conf_end();
}

static void test_exists_combines_with_other_filters_and_count(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    int64_t n = -1;
    ASSERT_RC(
        ath_repo_count(heroes, &n,
                       ATH_FILTERS(ath_where("age", ATH_LT, ath_v_i32(35)),
                                   ath_exists(&Team_model,
                                              ATH_FILTERS(ath_where("headquarters", ATH_IS_NOT_NULL,
                                                                    ath_v_null()))))),
        ATH_OK);
    ASSERT_I64(n, 1); /* Spider-Boy: Tarantula (32) is in Alpha Flight, whose HQ is NULL */
    conf_end();
}

static void test_exists_inside_any(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    const ath_filter either[] = {
        ath_where("name", ATH_EQ, ath_v_text("Empty Team")),
        ath_exists(&Hero_model, ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("Tarantula")))),
    };
    EXPECT_TEAMS("Empty Team|Alpha Flight", ath_any(either, 2));
    conf_end();
}

/* --- case sensitivity --------------------------------------------------------------------------
 */

static void test_eq_is_case_sensitive(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_HEROES("", ath_where("name", ATH_EQ, ath_v_text("spider-boy")));
    EXPECT_TEAMS("", ath_where("name", ATH_EQ, ath_v_text("AVENGERS")));
    EXPECT_HEROES(ALL_HEROES, ath_where("name", ATH_NE, ath_v_text("spider-boy")));
    conf_end();
}

static void test_in_collection_is_case_sensitive(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_HEROES(
        "", ath_collection("name", ATH_VALUES(ath_v_text("deadpond"), ath_v_text("TARANTULA"))));
    EXPECT_HEROES("Deadpond", ath_collection("name", ATH_VALUES(ath_v_text("deadpond"),
                                                                ath_v_text("Deadpond"))));
    conf_end();
}

static void test_ilike_and_icontains_ignore_case(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    EXPECT_HEROES("Spider-Boy", ath_where("name", ATH_ILIKE, ath_v_text("spider-boy")));
    EXPECT_HEROES("Spider-Boy", ath_where("name", ATH_ICONTAINS, ath_v_text("BOY")));
    EXPECT_TEAMS("Avengers", ath_where("name", ATH_ILIKE, ath_v_text("AVENGERS")));
    conf_end();
}

/* --- unknown columns ------------------------------------------------------------------------- */

/* Lists heroes with a bad filter: ATH_EINVAL naming `column`, and the session still works. */
static void expect_unknown(ath_session *s, ath_repo *repo, const ath_filter *f, size_t n,
                           const char *column)
{
    ath_list *l = NULL;
    ASSERT_RC(ath_repo_list(repo, &l, f, n), ATH_EINVAL);
    ASSERT_ERR_HAS(column);
    CU_ASSERT_PTR_NULL(l);
    ath_list_free(l);
    CU_ASSERT_FALSE(ath_session_failed(s)); /* refused before any SQL ran */
}

static void test_unknown_column_in_where_is_einval_naming_it(void)
{
    ath_repo *heroes, *teams;
    ath_session *s = seeded(&heroes, &teams);
    expect_unknown(s, heroes, ATH_FILTERS(ath_where("agee", ATH_GT, ath_v_i32(1))), "agee");
    conf_end();
}

static void test_unknown_column_in_order_by_is_einval_naming_it(void)
{
    ath_repo *heroes, *teams;
    ath_session *s = seeded(&heroes, &teams);
    expect_unknown(s, heroes, ATH_FILTERS(ath_order_by("nmae", false)), "nmae");
    conf_end();
}

static void test_unknown_column_in_search_list_is_einval_naming_it(void)
{
    ath_repo *heroes, *teams;
    ath_session *s = seeded(&heroes, &teams);
    expect_unknown(s, heroes, ATH_FILTERS(ath_search("name,secret_nam", "x", true)), "secret_nam");
    conf_end();
}

static void test_unknown_column_in_collection_is_einval_naming_it(void)
{
    ath_repo *heroes, *teams;
    ath_session *s = seeded(&heroes, &teams);
    expect_unknown(s, heroes, ATH_FILTERS(ath_collection("idd", ATH_VALUES(ath_v_i64(1)))), "idd");
    expect_unknown(s, heroes, ATH_FILTERS(ath_not_in_collection("idx", NULL, 0)), "idx");
    conf_end();
}

static void test_unknown_column_in_range_is_einval_naming_it(void)
{
    ath_repo *heroes, *teams;
    ath_session *s = seeded(&heroes, &teams);
    expect_unknown(s, heroes,
                   ATH_FILTERS(ath_before_after("born", ath_v_timestamp(0), ath_v_null())), "born");
    conf_end();
}

static void test_unknown_column_nested_in_any_is_einval_naming_it(void)
{
    ath_repo *heroes, *teams;
    ath_session *s = seeded(&heroes, &teams);
    const ath_filter inner[] = {ath_where("age", ATH_GT, ath_v_i32(1)),
                                ath_where("deep_col", ATH_EQ, ath_v_i32(1))};
    const ath_filter outer[] = {ath_where("name", ATH_EQ, ath_v_text("x")), ath_all(inner, 2)};
    expect_unknown(s, heroes, ATH_FILTERS(ath_any(outer, 2)), "deep_col");
    conf_end();
}

static void test_unknown_column_of_related_model_in_exists_is_einval_naming_it(void)
{
    ath_repo *heroes, *teams;
    ath_session *s = seeded(&heroes, &teams);
    /* "age" is a hero column, not a team one: checked against the related model */
    expect_unknown(
        s, heroes,
        ATH_FILTERS(ath_exists(&Team_model, ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i32(1))))),
        "age");
    expect_unknown(
        s, teams,
        ATH_FILTERS(ath_exists(&Hero_model, ATH_FILTERS(ath_where("motto", ATH_EQ, ath_v_null())))),
        "motto");
    conf_end();
}

static void test_unknown_column_in_delete_where_deletes_nothing(void)
{
    ath_repo *heroes, *teams;
    ath_session *s = seeded(&heroes, &teams);
    int64_t deleted = -1;
    ASSERT_RC(ath_repo_delete_where(heroes, &deleted,
                                    ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i32(0)),
                                                ath_where("bogus", ATH_EQ, ath_v_i32(1)))),
              ATH_EINVAL);
    ASSERT_ERR_HAS("bogus");
    CU_ASSERT_FALSE(ath_session_failed(s));
    ASSERT_I64(sql_count(s, "hero"), 11);
    conf_end();
}

static void test_unknown_column_in_count_and_exists_is_einval(void)
{
    ath_repo *heroes, *teams;
    seeded(&heroes, &teams);
    int64_t n = -1;
    bool any = false;
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_FILTERS(ath_where("ghost", ATH_EQ, ath_v_i32(1)))),
              ATH_EINVAL);
    ASSERT_ERR_HAS("ghost");
    ASSERT_RC(ath_repo_exists(heroes, &any, ATH_FILTERS(ath_where("spook", ATH_EQ, ath_v_i32(1)))),
              ATH_EINVAL);
    ASSERT_ERR_HAS("spook");
    conf_end();
}

const test_case filter_logic_tests[] = {
    {"test_search_finds_text_in_any_column", test_search_finds_text_in_any_column},
    {"test_search_is_case_sensitive_by_default", test_search_is_case_sensitive_by_default},
    {"test_search_ignoring_case", test_search_ignoring_case},
    {"test_search_treats_percent_literally", test_search_treats_percent_literally},
    {"test_search_treats_underscore_literally", test_search_treats_underscore_literally},
    {"test_not_search_excludes_rows_containing_text",
     test_not_search_excludes_rows_containing_text},
    {"test_not_search_ignoring_case", test_not_search_ignoring_case},
    {"test_not_search_counts_null_as_not_containing",
     test_not_search_counts_null_as_not_containing},
    {"test_any_is_or_of_children", test_any_is_or_of_children},
    {"test_all_is_and_of_children", test_all_is_and_of_children},
    {"test_any_and_all_nest_two_levels", test_any_and_all_nest_two_levels},
    {"test_any_groups_are_anded_with_other_filters", test_any_groups_are_anded_with_other_filters},
    {"test_exists_finds_teams_with_a_matching_hero", test_exists_finds_teams_with_a_matching_hero},
    {"test_not_exists_finds_teams_without_a_matching_hero",
     test_not_exists_finds_teams_without_a_matching_hero},
    {"test_exists_without_children_means_any_related_row",
     test_exists_without_children_means_any_related_row},
    {"test_exists_follows_foreign_key_to_referenced_table",
     test_exists_follows_foreign_key_to_referenced_table},
    {"test_not_exists_follows_foreign_key_to_referenced_table",
     test_not_exists_follows_foreign_key_to_referenced_table},
    {"test_exists_combines_with_other_filters_and_count",
     test_exists_combines_with_other_filters_and_count},
    {"test_exists_inside_any", test_exists_inside_any},
    {"test_eq_is_case_sensitive", test_eq_is_case_sensitive},
    {"test_in_collection_is_case_sensitive", test_in_collection_is_case_sensitive},
    {"test_ilike_and_icontains_ignore_case", test_ilike_and_icontains_ignore_case},
    {"test_unknown_column_in_where_is_einval_naming_it",
     test_unknown_column_in_where_is_einval_naming_it},
    {"test_unknown_column_in_order_by_is_einval_naming_it",
     test_unknown_column_in_order_by_is_einval_naming_it},
    {"test_unknown_column_in_search_list_is_einval_naming_it",
     test_unknown_column_in_search_list_is_einval_naming_it},
    {"test_unknown_column_in_collection_is_einval_naming_it",
     test_unknown_column_in_collection_is_einval_naming_it},
    {"test_unknown_column_in_range_is_einval_naming_it",
     test_unknown_column_in_range_is_einval_naming_it},
    {"test_unknown_column_nested_in_any_is_einval_naming_it",
     test_unknown_column_nested_in_any_is_einval_naming_it},
    {"test_unknown_column_of_related_model_in_exists_is_einval_naming_it",
     test_unknown_column_of_related_model_in_exists_is_einval_naming_it},
    {"test_unknown_column_in_delete_where_deletes_nothing",
     test_unknown_column_in_delete_where_deletes_nothing},
    {"test_unknown_column_in_count_and_exists_is_einval",
     test_unknown_column_in_count_and_exists_is_einval},
    {NULL, NULL},
};

TEST_SUITE(filter_logic) { conf_add_group("filter-logic", filter_logic_tests, true); }
