/*
 * repo-iter: ath_repo_iter_open / _next / _free — the rows of list read one at a time; stopping
 * early, then using the session again; the session refusing other statements while an iterator
 * holds it; commit and close ending an iterator; freeing after the session is gone.
 * (Mixin scopes, after-load hooks and a hook failing mid-stream: tests/mixins/test_iter.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

/* Reads every row of an iterator: names joined with '|' (in order), ages summed. */
static int drain(ath_repo_iter *it, char *names, size_t size, int64_t *age_sum)
{
    Hero h;
    int rc, n = 0;
    names[0] = '\0';
    *age_sum = 0;
    while ((rc = ath_repo_iter_next(it, &h)) == 1) {
        size_t len = strlen(names);
        snprintf(names + len, size - len, "%s%s", n++ ? "|" : "", h.name);
        *age_sum += h.age.set ? h.age.value : 0;
    }
    return rc < 0 ? rc : n;
}

/* The same rows, through list. */
static void list_names(ath_repo *heroes, const ath_filter *f, size_t nf, char *names, size_t size,
                       int64_t *age_sum)
{
    ath_list *l = conf_list(heroes, f, nf);
    names[0] = '\0';
    *age_sum = 0;
    for (size_t i = 0; i < ath_list_count(l); i++) {
        const Hero *h = ath_list_at(l, i);
        size_t len = strlen(names);
        snprintf(names + len, size - len, "%s%s", i ? "|" : "", h->name);
        *age_sum += h->age.set ? h->age.value : 0;
    }
}

static void same_as_list(ath_repo *heroes, const ath_filter *f, size_t nf, int expect_rows)
{
    char got[1024], want[1024];
    int64_t got_sum = 0, want_sum = 0;
    list_names(heroes, f, nf, want, sizeof want, &want_sum);
    ath_repo_iter *it = NULL;
    ASSERT_RC(ath_repo_iter_open(&it, heroes, f, nf), ATH_OK);
    CU_ASSERT_FATAL(it != NULL);
    ASSERT_I64(drain(it, got, sizeof got, &got_sum), expect_rows);
    ath_repo_iter_free(it);
    ASSERT_STR(got, want);
    ASSERT_I64(got_sum, want_sum);
}

static void test_iter_gives_the_rows_of_list(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    same_as_list(heroes, ATH_FILTERS(ath_order_by("name", false)), 11);
    same_as_list(heroes,
                 ATH_FILTERS(ath_where("age", ATH_GT, ath_v_i64(30)), ath_order_by("age", true),
                             ath_order_by("name", false)),
                 7);
    same_as_list(heroes,
                 ATH_FILTERS(ath_search("name,secret_name", "man", true),
                             ath_order_by("name", false), ath_limit_offset(2, 1)),
                 2);
    same_as_list(heroes, ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("nobody"))), 0);
    char names[1024];
    int64_t sum = 0;
    ath_repo_iter *it = NULL;
    ASSERT_RC(ath_repo_iter_open(&it, heroes, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(drain(it, names, sizeof names, &sum), 11);
    ASSERT_I64(sum, 16 + 48 + 32 + 39 + 35 + 93 + 35 + 50 + 20 + 21);
    /* after the end: 0 again, and the session is free */
    Hero h;
    ASSERT_RC(ath_repo_iter_next(it, &h), 0);
    ath_repo_iter_free(it);
    int64_t n = 0;
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 11);
    conf_end();
}

static void test_iter_materialises_every_field(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    int64_t team = add_team(conf_repo(s, &Team_model), "Avengers", NULL);
    int64_t id = add_hero(heroes, "Rusty-Man", "Tommy Sharp", 48, team);
    int64_t nulls = add_hero(heroes, "Deadpond", "Dive Wilson", -1, 0);
    ath_repo_iter *it = NULL;
    ASSERT_RC(ath_repo_iter_open(&it, heroes, ATH_FILTERS(ath_order_by("id", false))), ATH_OK);
    Hero h;
    ASSERT_RC(ath_repo_iter_next(it, &h), 1);
    ASSERT_I64(h.id, id);
    ASSERT_STR(h.name, "Rusty-Man");
    ASSERT_STR(h.secret_name, "Tommy Sharp");
    CU_ASSERT(h.age.set && h.age.value == 48);
    CU_ASSERT(h.team_id.set && h.team_id.value == team);
    ASSERT_RC(ath_repo_iter_next(it, &h), 1);
    ASSERT_I64(h.id, nulls);
    ASSERT_STR(h.name, "Deadpond");
    CU_ASSERT_FALSE(h.age.set);
    CU_ASSERT_FALSE(h.team_id.set);
    ASSERT_RC(ath_repo_iter_next(it, &h), 0);
    ath_repo_iter_free(it);
    conf_end();
}

static void test_iter_typed_repository(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    HeroRepository *repo = NULL;
    ASSERT_RC(HeroRepository_open(&repo, s), ATH_OK);
    ath_repo_iter *it = NULL;
    ASSERT_RC(HeroRepository_iter_open(
                  &it, repo,
                  ATH_FILTERS(ath_where("age", ATH_GE, ath_v_i64(48)), ath_order_by("age", false))),
              ATH_OK);
    Hero h;
    ASSERT_RC(HeroRepository_iter_next(it, &h), 1);
    ASSERT_STR(h.name, "Rusty-Man");
    ASSERT_RC(HeroRepository_iter_next(it, &h), 1);
    ASSERT_STR(h.name, "50% Off");
    ASSERT_RC(HeroRepository_iter_next(it, &h), 1);
    ASSERT_STR(h.name, "Captain North");
    ASSERT_RC(HeroRepository_iter_next(it, &h), 0);
    ath_repo_iter_free(it);
    HeroRepository_free(repo);
    conf_end();
}

/* Enough rows that PostgreSQL and MariaDB have not sent them all when the reader stops. */
#define MANY 3000

static void add_many_heroes(ath_session *s, ath_repo *heroes)
{
    Hero *h = calloc(MANY, sizeof *h);
    char(*names)[16] = calloc(MANY, sizeof *names);
    CU_ASSERT_FATAL(h && names);
    for (int i = 0; i < MANY; i++) {
        snprintf(names[i], sizeof names[i], "hero-%05d", i);
        h[i].name = names[i];
        h[i].secret_name = "secret";
        h[i].age = ath_some_i32(i % 100);
    }
    int rc = ath_repo_add_many(heroes, h, MANY);
    free(h);
    free(names);
    ASSERT_RC(rc, ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
}

static void test_iter_early_stop_then_session_used_again(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_many_heroes(s, heroes);
    ath_repo_iter *it = NULL;
    ASSERT_RC(ath_repo_iter_open(&it, heroes, ATH_FILTERS(ath_order_by("name", false))), ATH_OK);
    Hero h;
    for (int i = 0; i < 3; i++) {
        ASSERT_RC(ath_repo_iter_next(it, &h), 1);
        char want[16];
        snprintf(want, sizeof want, "hero-%05d", i);
        ASSERT_STR(h.name, want);
    }
    ath_repo_iter_free(it); /* MANY - 3 rows never read */
    int64_t n = 0;
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, MANY);
    add_hero(heroes, "hero-late", "After the iterator", 1, 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_list *l =
        conf_list(heroes, ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("hero-late"))));
    ASSERT_I64(ath_list_count(l), 1);
    /* a second iterator on the same session reads from the start */
    ASSERT_RC(ath_repo_iter_open(&it, heroes, ATH_FILTERS(ath_order_by("name", true))), ATH_OK);
    ASSERT_RC(ath_repo_iter_next(it, &h), 1);
    ASSERT_STR(h.name, "hero-late");
    ath_repo_iter_free(it);
    conf_end();
}

static void test_iter_reads_many_rows_to_the_end(void)
{
    ath_session *s = conf_begin();
    ath_repo *heroes = conf_repo(s, &Hero_model);
    add_many_heroes(s, heroes);
    ath_repo_iter *it = NULL;
    ASSERT_RC(ath_repo_iter_open(&it, heroes, ATH_FILTERS(ath_order_by("id", false))), ATH_OK);
    Hero h;
    int rc, n = 0;
    int64_t last = 0, sum = 0;
    bool ordered = true;
    while ((rc = ath_repo_iter_next(it, &h)) == 1) {
        ordered = ordered && h.id > last;
        last = h.id;
        sum += h.age.value;
        n++;
    }
    ASSERT_RC(rc, 0);
    ath_repo_iter_free(it);
    ASSERT_I64(n, MANY);
    CU_ASSERT(ordered);
    ASSERT_I64(sum, (int64_t)(MANY / 100) * 4950);
    conf_end();
}

static void test_iter_holds_the_session_until_it_ends(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    ath_repo *teams = conf_repo(s, &Team_model);
    ath_repo_iter *it = NULL, *other = NULL;
    ASSERT_RC(ath_repo_iter_open(&it, heroes, ATH_NO_FILTERS), ATH_OK);
    Hero h;
    ASSERT_RC(ath_repo_iter_next(it, &h), 1);
    int64_t n = 0;
    ASSERT_RC(ath_repo_count(teams, &n, ATH_NO_FILTERS), ATH_EINVAL);
    ASSERT_ERR_HAS("iterator is still open");
    ASSERT_RC(ath_repo_iter_open(&other, heroes, ATH_NO_FILTERS), ATH_EINVAL);
    CU_ASSERT_PTR_NULL(other);
    ASSERT_RC(ath_session_execute(s, "SELECT 1", NULL, 0, NULL), ATH_EINVAL);
    /* the refusals did not fail the transaction, nor end the iterator */
    int more = 1;
    while ((more = ath_repo_iter_next(it, &h)) == 1)
        ;
    ASSERT_RC(more, 0);
    ASSERT_RC(ath_repo_count(teams, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 4);
    ath_repo_iter_free(it);
    conf_end();
}

static void test_iter_commit_ends_it(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    ath_repo_iter *it = NULL;
    ASSERT_RC(ath_repo_iter_open(&it, heroes, ATH_NO_FILTERS), ATH_OK);
    Hero h;
    ASSERT_RC(ath_repo_iter_next(it, &h), 1);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_RC(ath_repo_iter_next(it, &h), ATH_EINVAL);
    ASSERT_ERR_HAS("ended");
    ASSERT_RC(ath_repo_iter_next(it, &h), 0);
    int64_t n = 0;
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 11);
    ath_repo_iter_free(it);
    conf_end();
}

static void test_iter_freed_after_session_close_is_safe(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s); /* committed: the connection went back to the pool */
    ath_session *own = NULL;
    ath_repo *heroes = NULL;
    ASSERT_RC(ath_session_open(&own, conf->engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&heroes, own, &Hero_model), ATH_OK);
    ath_repo_iter *it = NULL, *late = NULL;
    ASSERT_RC(ath_repo_iter_open(&it, heroes, ATH_NO_FILTERS), ATH_OK);
    Hero h;
    ASSERT_RC(ath_repo_iter_next(it, &h), 1);
    ath_session_close(own);
    ASSERT_RC(ath_repo_iter_next(it, &h), ATH_EINVAL);
    ASSERT_ERR_HAS("ended");
    ASSERT_RC(ath_repo_iter_open(&late, heroes, ATH_NO_FILTERS), ATH_EINVAL);
    ASSERT_ERR_HAS("closed");
    CU_ASSERT_PTR_NULL(late);
    ath_repo_free(heroes);
    ath_repo_iter_free(it); /* after the session and the repository: still safe */
    /* the engine serves a new session as before */
    ath_repo *again = conf_repo(s, &Hero_model);
    int64_t n = 0;
    ASSERT_RC(ath_repo_count(again, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 11);
    conf_end();
}

static void test_iter_keeps_its_filter_values(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    char pattern[32];
    snprintf(pattern, sizeof pattern, "%s", "Spider-Boy");
    ath_filter f[] = {ath_where("name", ATH_EQ, ath_v_text(pattern))};
    ath_repo_iter *it = NULL;
    ASSERT_RC(ath_repo_iter_open(&it, heroes, f, 1), ATH_OK);
    memset(pattern, 'x', sizeof pattern - 1); /* the caller's memory changes */
    memset(f, 0, sizeof f);
    Hero h;
    ASSERT_RC(ath_repo_iter_next(it, &h), 1);
    ASSERT_STR(h.name, "Spider-Boy");
    ASSERT_RC(ath_repo_iter_next(it, &h), 0);
    ath_repo_iter_free(it);
    conf_end();
}

static void test_iter_bad_filter_opens_nothing(void)
{
    ath_session *s = conf_begin();
    seed_heroes(s);
    ath_repo *heroes = conf_repo(s, &Hero_model);
    ath_repo_iter *it = (ath_repo_iter *)1;
    ASSERT_RC(ath_repo_iter_open(&it, heroes, ATH_FILTERS(ath_where("nope", ATH_EQ, ath_v_i64(1)))),
              ATH_EINVAL);
    ASSERT_ERR_HAS("nope");
    CU_ASSERT_PTR_NULL(it);
    int64_t n = 0;
    ASSERT_RC(ath_repo_count(heroes, &n, ATH_NO_FILTERS), ATH_OK);
    ASSERT_I64(n, 11);
    conf_end();
}

const test_case iter_tests[] = {
    {"test_iter_gives_the_rows_of_list", test_iter_gives_the_rows_of_list},
    {"test_iter_materialises_every_field", test_iter_materialises_every_field},
    {"test_iter_typed_repository", test_iter_typed_repository},
    {"test_iter_early_stop_then_session_used_again", test_iter_early_stop_then_session_used_again},
    {"test_iter_reads_many_rows_to_the_end", test_iter_reads_many_rows_to_the_end},
    {"test_iter_holds_the_session_until_it_ends", test_iter_holds_the_session_until_it_ends},
    {"test_iter_commit_ends_it", test_iter_commit_ends_it},
    {"test_iter_freed_after_session_close_is_safe", test_iter_freed_after_session_close_is_safe},
    {"test_iter_keeps_its_filter_values", test_iter_keeps_its_filter_values},
    {"test_iter_bad_filter_opens_nothing", test_iter_bad_filter_opens_nothing},
    {NULL, NULL},
};

TEST_SUITE(iter)
{
    conf_add_group("repo-iter", iter_tests, true);
}
