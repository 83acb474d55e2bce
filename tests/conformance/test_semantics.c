/*
 * repo-semantics: repository behaviours that must read the same on every backend (issue 19):
 * NULLS FIRST/LAST and case-insensitive ordering.
 */
#include <stdlib.h>
#include <string.h>

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
    {NULL, NULL},
};

TEST_SUITE(semantics)
{
    conf_add_group("repo-semantics", semantics_tests, true);
}
