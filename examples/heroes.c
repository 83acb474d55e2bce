/*
 * The Hero example: the C counterpart of SQLModel + Advanced Alchemy's quick start.
 * Usage: heroes [URL]   (default sqlite:///:memory:)
 */
#include <athanor/athanor.h>
#include <stdio.h>

typedef struct Hero { /* a struct the program already has */
    int64_t id;
    char *name;
    char *secret_name;
    ath_opt_i32 age;
} Hero;

static const ath_field hero_fields[] = {
    ATH_FIELD(Hero, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Hero, name, text),
    ATH_FIELD(Hero, secret_name, text),
    ATH_FIELD(Hero, age, opt_i32),
};
static const ath_model Hero_model = ATH_MODEL_OF(Hero, "hero", hero_fields);
ATH_REPOSITORY(HeroRepository, Hero, Hero_model);

int main(int argc, char **argv)
{
    ath_engine *engine = NULL;
    ath_session *session = NULL;
    HeroRepository *repo = NULL;
    ath_list *heroes = NULL;
    int rc = ath_engine_create(&engine, argc > 1 ? argv[1] : "sqlite:///:memory:");
    if (!rc)
        rc = ath_create_all(engine, ATH_MODELS(&Hero_model));
    if (!rc)
        rc = ath_session_open(&session, engine);
    if (!rc)
        rc = HeroRepository_open(&repo, session);
    if (!rc)
        rc = HeroRepository_add(repo, &(Hero){.name = "Deadpond", .secret_name = "Dive Wilson"});
    if (!rc)
        rc = ath_session_commit(session);
    if (!rc)
        rc = HeroRepository_list(repo, &heroes, ATH_NO_FILTERS);

    for (size_t i = 0; i < ath_list_count(heroes); i++) {
        Hero *h = &HeroRepository_items(heroes)[i];
        char age[16] = "None";
        if (h->age.set)
            snprintf(age, sizeof age, "%d", (int)h->age.value);
        printf("Hero(id=%lld, name='%s', secret_name='%s', age=%s)\n", (long long)h->id, h->name,
               h->secret_name, age);
    }
    if (rc)
        fprintf(stderr, "heroes: %s: %s\n", ath_code_name(rc), ath_error_last()->message);
    ath_list_free(heroes);
    HeroRepository_free(repo);
    ath_session_close(session);
    ath_engine_dispose(engine);
    return rc ? 1 : 0;
}
