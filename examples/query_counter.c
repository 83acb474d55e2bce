/*
 * Counting queries with engine events: how many connections were opened, how many statements
 * ran and how long they took, how many rows the writes changed, which statements failed, and a
 * slow-query log. Usage: query_counter [URL]   (default: sqlite:///:memory:)
 */
#include <athanor/athanor.h>
#include <stdio.h>
#include <string.h>

typedef struct Hero {
    int64_t id;
    char *name;
} Hero;

static const ath_field hero_fields[] = {
    ATH_FIELD(Hero, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Hero, name, text),
};
static const ath_model Hero_model = ATH_MODEL_OF(Hero, "counted_hero", hero_fields);
ATH_REPOSITORY(HeroRepository, Hero, Hero_model);

typedef struct metrics {
    long connects, checkouts, checkins, statements, errors;
    int64_t rows_changed;
    double seconds, slow_after;
} metrics;

static void on_event(void *ctx, const ath_event *ev)
{
    metrics *m = ctx;
    switch (ev->kind) {
    case ATH_EVENT_CONNECT: m->connects++; break;
    case ATH_EVENT_CHECKOUT: m->checkouts++; break;
    case ATH_EVENT_CHECKIN: m->checkins++; break;
    case ATH_EVENT_BEFORE_EXECUTE: break;
    case ATH_EVENT_AFTER_EXECUTE:
        m->statements++;
        m->seconds += ev->duration;
        if (ev->rows > 0)
            m->rows_changed += ev->rows;
        if (ev->duration > m->slow_after)
            fprintf(stderr, "slow (%.1f ms): %s\n", ev->duration * 1000.0, ev->sql);
        break;
    case ATH_EVENT_ERROR:
        m->errors++;
        printf("failed: %s: %s\n", ath_code_name(ev->code), ev->sql ? ev->sql : "(connect)");
        break;
    }
}

int main(int argc, char **argv)
{
    metrics m = {.slow_after = 0.5};
    ath_engine_options opts;
    ath_engine_options_init(&opts);
    opts.on_event = on_event;
    opts.event_ctx = &m;

    ath_engine *engine = NULL;
    ath_session *session = NULL;
    HeroRepository *repo = NULL;
    int64_t n = 0;
    int rc = ath_engine_create_opts(&engine, argc > 1 ? argv[1] : "sqlite:///:memory:", &opts);
    if (rc == ATH_OK)
        rc = ath_drop_all(engine, ATH_MODELS(&Hero_model));
    if (rc == ATH_OK)
        rc = ath_create_all(engine, ATH_MODELS(&Hero_model));
    if (rc == ATH_OK)
        rc = ath_session_open(&session, engine);
    if (rc == ATH_OK)
        rc = HeroRepository_open(&repo, session);
    long before = m.statements;
    if (rc == ATH_OK)
        rc = HeroRepository_add(repo, &(Hero){.name = "Deadpond"});
    if (rc == ATH_OK)
        rc = HeroRepository_add(repo, &(Hero){.name = "Rusty-Man"});
    if (rc == ATH_OK)
        rc = HeroRepository_count(repo, &n, ATH_NO_FILTERS);
    if (rc == ATH_OK)
        rc = ath_session_commit(session);
    /* a statement that fails is counted as an error, and the program carries on */
    if (rc == ATH_OK && ath_session_execute(session, "SELECT * FROM no_such_table", NULL, 0,
                                            NULL) == ATH_OK)
        rc = ATH_ESQL;
    ath_session_rollback(session);
    HeroRepository_free(repo);
    ath_session_close(session);
    if (rc != ATH_OK)
        fprintf(stderr, "query_counter: %s: %s\n", ath_code_name(rc), ath_error_last()->message);
    else
        printf("heroes: %lld\nstatements for two adds, a count and a commit: %ld\n"
               "connections opened: %ld, checkouts: %ld, checkins: %ld\n"
               "statements: %ld in %.3f ms, rows changed: %lld, errors: %ld\n",
               (long long)n, m.statements - before, m.connects, m.checkouts, m.checkins,
               m.statements, m.seconds * 1000.0, (long long)m.rows_changed, m.errors);
    ath_engine_dispose(engine);
    return rc == ATH_OK ? 0 : 1;
}
