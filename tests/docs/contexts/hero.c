/* Context for doc blocks marked <!-- compile: hero -->: the README's Hero model, an engine on
 * SQLite in memory with two heroes, and the variables the docs' excerpts use. The block runs
 * inside example(); the program fails when the block leaves an error it did not handle. */
#include <athanor/athanor.h>
#include <stdio.h>
#include <string.h>

typedef struct Hero {
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

/* what the excerpts call: a reply to a client, a request body */
static int replies;
static void send(const char *text) { replies += text && *text == '{'; }
static void reply_400(const char *message) { fprintf(stderr, "400: %s\n", message); }
static const char body[] = "{\"name\": \"Rusty-Man\", \"secret_name\": \"Tommy Sharp\", \"age\": 48}";
static const size_t body_len = sizeof body - 1;

static ath_engine *engine;
static ath_session *session;
static HeroRepository *repo;
static ath_list *heroes;
static Hero hero = {.id = 1, .name = "Deadpond", .secret_name = "Dive Wilson"};

static void example(void)
{
@@BLOCK@@
}

int main(void)
{
    if (ath_engine_create(&engine, "sqlite:///:memory:") != ATH_OK ||
        ath_create_all(engine, ATH_MODELS(&Hero_model)) != ATH_OK ||
        ath_session_open(&session, engine) != ATH_OK || HeroRepository_open(&repo, session) != ATH_OK ||
        HeroRepository_add(repo, &(Hero){.name = "Deadpond", .secret_name = "Dive Wilson"}) != ATH_OK ||
        HeroRepository_add(repo, &(Hero){.name = "Spider-Boy", .secret_name = "Pedro Parqueador",
                                         .age = ath_some_i32(31)}) != ATH_OK) {
        fprintf(stderr, "context: %s\n", ath_error_last()->message);
        return 1;
    }
    ath_error_clear();
    example();
    int failed = ath_error_last()->code != ATH_OK;
    if (failed)
        fprintf(stderr, "the block left %s: %s\n", ath_code_name(ath_error_last()->code),
                ath_error_last()->message);
    ath_list_free(heroes);
    HeroRepository_free(repo);
    ath_session_close(session);
    ath_engine_dispose(engine);
    return failed;
}
