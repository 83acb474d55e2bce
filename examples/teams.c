/*
 * The Team/Hero example (SQLModel's tutorial, with relationships): a team has heroes, a hero
 * has a team. Team is declared with Athanor's macros, Hero maps a plain struct; both declare
 * their relation, loaded in one statement per level (docs/relationships.md).
 * Usage: teams [URL]   (default sqlite:///:memory:)
 */
#include <athanor/athanor.h>
#include <stdio.h>

typedef struct Hero Hero;
static const ath_model Hero_model;

/* Team: macro-declared; `heroes` + `heroes_count` come from the relation list. */
#define TEAM_FIELDS(F)                                                                             \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(name, text, .max_length = 80)                                                                \
    F(headquarters, text)
#define TEAM_RELS(R) R(heroes, one_to_many, Hero, "team_id")
ATH_MODEL_REL(Team, "tutorial_team", TEAM_FIELDS, TEAM_RELS);

/* Hero: a plain struct; `team` is filled from team_id. */
struct Hero {
    int64_t id;
    char *name;
    char *secret_name;
    ath_opt_i64 team_id;
    Team *team;
};
static const ath_field hero_fields[] = {
    ATH_FIELD(Hero, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Hero, name, text),
    ATH_FIELD(Hero, secret_name, text),
    ATH_FIELD(Hero, team_id, opt_i64),
};
static const ath_relation hero_relations[] = {
    /* the foreign key tutorial_hero.team_id -> tutorial_team.id, ON DELETE SET NULL */
    ATH_MANY_TO_ONE(Hero, team, Team_model, "team_id", .on_delete = ATH_FK_SET_NULL),
};
static const ath_model Hero_model =
    ATH_MODEL_OF(Hero, "tutorial_hero", hero_fields, ATH_RELATIONS(hero_relations));

static int add_team(ath_repo *teams, Team *t)
{
    return ath_repo_add(teams, t);
}

static int add_hero(ath_repo *heroes, const char *name, const char *secret, const Team *team)
{
    Hero h = {.name = (char *)name, .secret_name = (char *)secret};
    if (team)
        h.team_id = (ath_opt_i64){team->id, true};
    return ath_repo_add(heroes, &h);
}

static void print_teams(ath_list *teams)
{
    for (size_t i = 0; i < ath_list_count(teams); i++) {
        const Team *t = ath_list_at(teams, i);
        printf("%s (%s):", t->name, t->headquarters);
        for (size_t k = 0; k < t->heroes_count; k++)
            printf("%s %s", k ? "," : "", t->heroes[k].name);
        printf("%s\n", t->heroes_count ? "" : " no heroes");
    }
}

static int print_heroes(ath_repo *heroes)
{
    ath_list *list = NULL;
    int rc = ath_repo_list_load(heroes, &list, ATH_FILTERS(ath_order_by("name", false)),
                                ATH_NAMES("team"));
    for (size_t i = 0; !rc && i < ath_list_count(list); i++) {
        const Hero *h = ath_list_at(list, i);
        printf("%s is in %s\n", h->name, h->team ? h->team->name : "no team");
    }
    ath_list_free(list);
    return rc;
}

int main(int argc, char **argv)
{
    ath_engine *engine = NULL;
    ath_session *session = NULL;
    ath_repo *teams = NULL, *heroes = NULL;
    ath_list *list = NULL;
    Team preventers = {.name = "Preventers", .headquarters = "Sharp Tower"};
    Team z_force = {.name = "Z-Force", .headquarters = "Sister Margaret's Bar"};
    int rc = ath_engine_create(&engine, argc > 1 ? argv[1] : "sqlite:///:memory:");
    if (!rc) /* start afresh on every run */
        rc = ath_drop_all(engine, ATH_MODELS(&Team_model, &Hero_model));
    if (!rc)
        rc = ath_create_all(engine, ATH_MODELS(&Team_model, &Hero_model));
    if (!rc)
        rc = ath_session_open(&session, engine);
    if (!rc)
        rc = ath_repo_open(&teams, session, &Team_model);
    if (!rc)
        rc = ath_repo_open(&heroes, session, &Hero_model);
    if (!rc)
        rc = add_team(teams, &preventers);
    if (!rc)
        rc = add_team(teams, &z_force);
    if (!rc)
        rc = add_hero(heroes, "Deadpond", "Dive Wilson", &z_force);
    if (!rc)
        rc = add_hero(heroes, "Rusty-Man", "Tommy Sharp", &preventers);
    if (!rc)
        rc = add_hero(heroes, "Spider-Boy", "Pedro Parqueador", NULL);
    if (!rc)
        rc = ath_session_commit(session);

    /* every team with its heroes: two statements, whatever the number of teams */
    if (!rc)
        rc = ath_repo_list_load(teams, &list, ATH_FILTERS(ath_order_by("name", false)),
                                ATH_NAMES("heroes"));
    if (!rc)
        print_teams(list);
    ath_list_free(list);
    list = NULL;

    /* every hero with its team (a NULL team_id gives a NULL team) */
    if (!rc)
        rc = print_heroes(heroes);

    /* one team, its heroes owned by the object: ath_model_free_fields frees them all */
    Team t = {0};
    ath_value key = ath_v_i64(preventers.id);
    if (!rc)
        rc = ath_repo_get_load(teams, &t, &key, 1, ATH_NAMES("heroes.team"));
    if (!rc && t.heroes_count == 1 && t.heroes[0].team)
        printf("get: %s has %zu hero, %s of %s\n", t.name, t.heroes_count, t.heroes[0].name,
               t.heroes[0].team->name);
    ath_model_free_fields(&Team_model, &t);

    /* ON DELETE SET NULL: Z-Force disbands, Deadpond stays without a team */
    key = ath_v_i64(z_force.id);
    if (!rc)
        rc = ath_repo_delete(teams, &key, 1, NULL);
    if (!rc)
        rc = ath_session_commit(session);
    if (!rc) {
        printf("after deleting Z-Force:\n");
        rc = print_heroes(heroes);
    }

    if (rc)
        fprintf(stderr, "teams: %s: %s\n", ath_code_name(rc), ath_error_last()->message);
    ath_repo_free(heroes);
    ath_repo_free(teams);
    ath_session_close(session);
    ath_engine_dispose(engine);
    return rc ? 1 : 0;
}
