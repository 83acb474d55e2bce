/*
 * The multi-tenancy example: two tenants share one table; each session sees and changes only
 * its own tenant's rows. The mixin (tenancy.c) is written against <athanor/mixin.h> alone.
 * Usage: tenancy [URL]   (default sqlite:///:memory:)
 */
#include <athanor/athanor.h>
#include <stdio.h>
#include <stdlib.h>

#include "tenancy.h"

#define NOTE_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(title, text)
#define NOTE_MIXINS(M) M(TENANT)
ATH_MODEL_WITH(Note, "tenancy_note", NOTE_FIELDS, NOTE_MIXINS);
ATH_REPOSITORY(NoteRepository, Note, Note_model);

/* Opens a session for `tenant` (NULL: none) and a note repository on it. */
static int open_as(ath_engine *engine, const char *tenant, ath_session **session,
                   NoteRepository **repo)
{
    int rc = ath_session_open(session, engine);
    if (rc == ATH_OK && tenant)
        rc = tenant_use(*session, tenant);
    if (rc == ATH_OK)
        rc = NoteRepository_open(repo, *session);
    return rc;
}

static void close_session(ath_session *session, NoteRepository *repo)
{
    NoteRepository_free(repo);
    ath_session_close(session);
}

/* Adds notes as `tenant` and commits; *last gets the last note's id. */
static int add_notes(ath_engine *engine, const char *tenant, const char *const *titles, size_t n,
                     int64_t *last)
{
    ath_session *session = NULL;
    NoteRepository *repo = NULL;
    int rc = open_as(engine, tenant, &session, &repo);
    for (size_t i = 0; rc == ATH_OK && i < n; i++) {
        Note note = {.title = (char *)titles[i]};
        rc = NoteRepository_add(repo, &note);
        free(note.tenant_id); /* the mixin stamped it: a copy the object owns */
        *last = note.id;
    }
    if (rc == ATH_OK)
        rc = ath_session_commit(session);
    close_session(session, repo);
    return rc;
}

/* Prints what `tenant` sees, then lets it try to delete another tenant's note. */
static int show(ath_engine *engine, const char *tenant, int64_t foreign_id)
{
    ath_session *session = NULL;
    NoteRepository *repo = NULL;
    ath_list *notes = NULL;
    int rc = open_as(engine, tenant, &session, &repo);
    if (rc == ATH_OK)
        rc = NoteRepository_list(repo, &notes, ATH_FILTERS(ath_order_by("id", false)));
    if (rc == ATH_OK) {
        printf("%s sees %zu note%s:", tenant, ath_list_count(notes),
               ath_list_count(notes) == 1 ? "" : "s");
        for (size_t i = 0; i < ath_list_count(notes); i++)
            printf("%s %s", i ? "," : "", NoteRepository_items(notes)[i].title);
        printf("\n");
        int del = NoteRepository_delete(repo, ath_v_i64(foreign_id), NULL);
        printf("%s deleting note %lld of another tenant: %s\n", tenant, (long long)foreign_id,
               ath_code_name(del));
        rc = del == ATH_ENOTFOUND ? ath_session_rollback(session) : ATH_EINVAL;
    }
    ath_list_free(notes);
    close_session(session, repo);
    return rc;
}

/* A session without a tenant can do nothing with tenant models. */
static int show_no_tenant(ath_engine *engine)
{
    ath_session *session = NULL;
    NoteRepository *repo = NULL;
    ath_list *notes = NULL;
    int rc = open_as(engine, NULL, &session, &repo);
    if (rc == ATH_OK) {
        int got = NoteRepository_list(repo, &notes, ATH_NO_FILTERS);
        printf("no tenant: %s\n", ath_code_name(got));
        rc = got == ATH_EINVAL ? ATH_OK : ATH_EINVAL;
    }
    ath_list_free(notes);
    close_session(session, repo);
    return rc;
}

int main(int argc, char **argv)
{
    static const char *const acme_notes[] = {"Q3 plan", "Hiring"};
    static const char *const globex_notes[] = {"Merger memo"};
    ath_engine *engine = NULL;
    int64_t acme_last = 0, globex_last = 0;
    int rc = ath_engine_create(&engine, argc > 1 ? argv[1] : "sqlite:///:memory:");
    if (rc == ATH_OK) /* start from an empty table on every run */
        rc = ath_drop_all(engine, ATH_MODELS(&Note_model));
    if (rc == ATH_OK)
        rc = ath_create_all(engine, ATH_MODELS(&Note_model));
    /* one session at a time: SQLite in memory has a single connection */
    if (rc == ATH_OK)
        rc = add_notes(engine, "acme", acme_notes, 2, &acme_last);
    if (rc == ATH_OK)
        rc = add_notes(engine, "globex", globex_notes, 1, &globex_last);
    if (rc == ATH_OK)
        rc = show(engine, "acme", globex_last);
    if (rc == ATH_OK)
        rc = show(engine, "globex", acme_last);
    if (rc == ATH_OK)
        rc = show_no_tenant(engine);
    if (rc != ATH_OK)
        fprintf(stderr, "tenancy: %s: %s\n", ath_code_name(rc), ath_error_last()->message);
    ath_engine_dispose(engine);
    return rc == ATH_OK ? 0 : 1;
}
