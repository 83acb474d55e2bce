/*
 * The Hero example on an event loop (libuv): create_all, add Deadpond, commit, list -- each an
 * async operation whose callback starts the next, while the loop stays free for other work.
 * Usage: heroes_async [URL]   (default sqlite:///:memory:; PostgreSQL and MariaDB URLs run
 * without blocking the loop's thread, add ?io=nonblocking to be sure they do)
 */
#include <athanor/async_uv.h>
#include <athanor/athanor.h>
#include <stdio.h>
#include <uv.h>

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
static const ath_model *const models[] = {&Hero_model};

/* What the chain of callbacks shares: it outlives every operation (main's frame). */
typedef struct app {
    ath_async_session *session;
    ath_repo *repo;
    Hero deadpond;
    ath_list *heroes;
    int rc;
} app;

static bool failed(app *a, int rc, const char *what)
{
    if (rc == ATH_OK)
        return false;
    fprintf(stderr, "heroes_async: %s: %s: %s\n", what, ath_code_name(rc),
            ath_error_last()->message);
    a->rc = rc;
    return true;
}

static void listed(ath_async_op *op, int rc, void *user)
{
    (void)op;
    app *a = user;
    if (failed(a, rc, "list"))
        return;
    for (size_t i = 0; i < ath_list_count(a->heroes); i++) {
        const Hero *h = ath_list_at(a->heroes, i);
        char age[16] = "None";
        if (h->age.set)
            snprintf(age, sizeof age, "%d", (int)h->age.value);
        printf("Hero(id=%lld, name='%s', secret_name='%s', age=%s)\n", (long long)h->id, h->name,
               h->secret_name, age);
    }
}

static void committed(ath_async_op *op, int rc, void *user)
{
    (void)op;
    app *a = user;
    if (!failed(a, rc, "commit"))
        failed(a, ath_async_repo_list(NULL, a->repo, &a->heroes, ATH_NO_FILTERS, listed, a),
               "list");
}

static void added(ath_async_op *op, int rc, void *user)
{
    (void)op;
    app *a = user;
    if (!failed(a, rc, "add"))
        failed(a, ath_async_session_commit(NULL, ath_async_session_session(a->session), committed,
                                           a),
               "commit");
}

static void created(ath_async_op *op, int rc, void *user)
{
    (void)op;
    app *a = user;
    if (failed(a, rc, "create_all"))
        return;
    a->deadpond = (Hero){.name = "Deadpond", .secret_name = "Dive Wilson"};
    failed(a, ath_async_repo_add(NULL, a->repo, &a->deadpond, added, a), "add");
}

int main(int argc, char **argv)
{
    uv_loop_t *loop = uv_default_loop();
    ath_async_uv *uv = NULL;
    ath_engine *engine = NULL;
    app a = {0};
    int rc = ath_async_uv_create(&uv, loop, NULL);
    if (!rc)
        rc = ath_engine_create(&engine, argc > 1 ? argv[1] : "sqlite:///:memory:");
    if (!rc)
        rc = ath_async_session_open(&a.session, ath_async_uv_runtime(uv), engine);
    if (!rc)
        rc = ath_repo_open(&a.repo, ath_async_session_session(a.session), &Hero_model);
    if (!rc) /* the first operation; its callback starts the next */
        rc = ath_async_create_all(NULL, a.session, models, 1, created, &a);
    if (rc)
        fprintf(stderr, "heroes_async: %s: %s\n", ath_code_name(rc), ath_error_last()->message);
    else
        uv_run(loop, UV_RUN_DEFAULT); /* returns when every operation has finished */

    ath_list_free(a.heroes);
    ath_repo_free(a.repo);
    ath_async_session_close(a.session, NULL, NULL); /* queued: runs when the loop runs again */
    ath_async_uv_free(uv);                          /* finishes it, then closes the handles */
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    ath_engine_dispose(engine);
    return rc || a.rc ? 1 : 0;
}
