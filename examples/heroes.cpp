/*
 * The Hero example in C++17: the same program as heroes.c, written against the same headers.
 * The model, repository and filter macros compile as C++ (include/athanor/cxx.h says how).
 * Usage: heroes_cpp [URL]   (default sqlite:///:memory:)
 */
#include <athanor/athanor.h>

#include <cstdio>
#include <string>

struct Hero { /* a struct the program already has */
    int64_t id;
    char *name;
    char *secret_name;
    ath_opt_i32 age;
};

static const ath_field hero_fields[] = {
    ATH_FIELD(Hero, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Hero, name, text, .flags = ATH_INDEX, .max_length = 80),
    ATH_FIELD(Hero, secret_name, text),
    ATH_FIELD(Hero, age, opt_i32),
};
static const ath_model Hero_model = ATH_MODEL_OF(Hero, "hero", hero_fields);
ATH_REPOSITORY(HeroRepository, Hero, Hero_model);

int main(int argc, char **argv)
{
    ath_engine *engine = nullptr;
    ath_session *session = nullptr;
    HeroRepository *repo = nullptr;
    ath_list *heroes = nullptr;
    std::string name = "Deadpond", secret = "Dive Wilson";
    Hero deadpond = {0, &name[0], &secret[0], ath_opt_i32()}; /* age unset: NULL */
    int rc = ath_engine_create(&engine, argc > 1 ? argv[1] : "sqlite:///:memory:");
    if (!rc)
        rc = ath_create_all(engine, ATH_MODELS(&Hero_model));
    if (!rc)
        rc = ath_session_open(&session, engine);
    if (!rc)
        rc = HeroRepository_open(&repo, session);
    if (!rc)
        rc = HeroRepository_add(repo, &deadpond);
    if (!rc)
        rc = ath_session_commit(session);
    if (!rc)
        rc = HeroRepository_list(repo, &heroes,
                                 ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text("Deadpond")),
                                             ath_order_by("id", false)));

    for (size_t i = 0; i < ath_list_count(heroes); i++) {
        const Hero &h = HeroRepository_items(heroes)[i];
        std::string age = h.age.set ? std::to_string(h.age.value) : "None";
        std::printf("Hero(id=%lld, name='%s', secret_name='%s', age=%s)\n", (long long)h.id,
                    h.name, h.secret_name, age.c_str());
    }
    if (rc)
        std::fprintf(stderr, "heroes_cpp: %s: %s\n", ath_code_name(rc), ath_error_last()->message);
    ath_list_free(heroes);
    HeroRepository_free(repo);
    ath_session_close(session);
    ath_engine_dispose(engine);
    return rc ? 1 : 0;
}
