/*
 * athanor_relations_bench — loading 1 000 authors × 10 books × 3 tags with their relations:
 * ath_repo_list_load(authors, "books.tags") against the same work written by hand — raw SQL
 * (`SELECT … WHERE author_id IN (?, …)`, chunked) through ath_session_execute on the same
 * connection, rows materialised into the same structs (strings malloc'd) and grouped through
 * arrays indexed by key. Prints, per URL, the best of --runs timings, the ratio raw/Athanor (1.0:
 * as fast as the hand-written path) and the statements each side sent (counted by on_event).
 *
 *   athanor_relations_bench [--authors N] [--runs R] URL...
 *
 * The tables bench_rel_author/book/tag are dropped and recreated in each database.
 */
#define _GNU_SOURCE
#include <athanor/athanor.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct BTag BTag;
typedef struct BBook BBook;
static const ath_model BBook_model, BTag_model;

#define BAUTHOR_FIELDS(F)                                                                          \
    F(id, i64, .flags = ATH_PK)                                                                    \
    F(name, text, .max_length = 40)
#define BAUTHOR_RELS(R) R(books, one_to_many, BBook, "author_id")
ATH_MODEL_REL(BAuthor, "bench_rel_author", BAUTHOR_FIELDS, BAUTHOR_RELS);

struct BBook {
    int64_t id;
    int64_t author_id;
    char *title;
    BTag *tags;
    size_t ntags;
};
static const ath_field book_fields[] = {
    ATH_FIELD(BBook, id, i64, .flags = ATH_PK),
    ATH_FIELD(BBook, author_id, i64, .flags = ATH_INDEX, .references = "bench_rel_author.id"),
    ATH_FIELD(BBook, title, text, .max_length = 60),
};
static const ath_relation book_rels[] = {
    ATH_ONE_TO_MANY(BBook, tags, ntags, BTag_model, "book_id")};
static const ath_model BBook_model =
    ATH_MODEL_OF(BBook, "bench_rel_book", book_fields, ATH_RELATIONS(book_rels));

struct BTag {
    int64_t id;
    int64_t book_id;
    char *label;
};
static const ath_field tag_fields[] = {
    ATH_FIELD(BTag, id, i64, .flags = ATH_PK),
    ATH_FIELD(BTag, book_id, i64, .flags = ATH_INDEX, .references = "bench_rel_book.id"),
    ATH_FIELD(BTag, label, text, .max_length = 20),
};
static const ath_model BTag_model = ATH_MODEL_OF(BTag, "bench_rel_tag", tag_fields);

#define MODELS    ATH_MODELS(&BAuthor_model, &BBook_model, &BTag_model)
#define RAW_CHUNK 7000 /* keys per IN list (under every backend's parameter limit) */

static int statements;
static void on_event(void *ctx, const ath_event *e)
{
    (void)ctx;
    if (e->kind == ATH_EVENT_BEFORE_EXECUTE && e->sql && strncmp(e->sql, "SELECT", 6) == 0)
        statements++;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(const char *what, int rc)
{
    fprintf(stderr, "relations_bench: %s: %s: %s\n", what, ath_code_name(rc),
            ath_error_last()->message);
    return rc;
}

static int seed(ath_engine *e, size_t nauthors)
{
    ath_session *s = NULL;
    ath_repo *ra = NULL, *rb = NULL, *rt = NULL;
    size_t nb = nauthors * 10, nt = nb * 3;
    BAuthor *a = calloc(nauthors, sizeof *a);
    BBook *b = calloc(nb, sizeof *b);
    BTag *t = calloc(nt, sizeof *t);
    char *names = calloc(nauthors + nb + nt, 32);
    int rc = a && b && t && names ? ATH_OK : ATH_ENOMEM;
    char *p = names;
    for (size_t i = 0; rc == ATH_OK && i < nauthors; i++, p += 32) {
        snprintf(p, 32, "author %zu", i);
        a[i] = (BAuthor){.id = (int64_t)i + 1, .name = p};
    }
    for (size_t i = 0; rc == ATH_OK && i < nb; i++, p += 32) {
        snprintf(p, 32, "book %zu", i);
        b[i] = (BBook){.id = (int64_t)i + 1, .author_id = (int64_t)(i / 10) + 1, .title = p};
    }
    for (size_t i = 0; rc == ATH_OK && i < nt; i++, p += 32) {
        snprintf(p, 32, "tag %zu", i % 7);
        t[i] = (BTag){.id = (int64_t)i + 1, .book_id = (int64_t)(i / 3) + 1, .label = p};
    }
    if (rc == ATH_OK && (rc = ath_drop_all(e, MODELS)) == ATH_OK)
        rc = ath_create_all(e, MODELS);
    if (rc == ATH_OK)
        rc = ath_session_open(&s, e);
    if (rc == ATH_OK)
        rc = ath_repo_open(&ra, s, &BAuthor_model);
    if (rc == ATH_OK)
        rc = ath_repo_open(&rb, s, &BBook_model);
    if (rc == ATH_OK)
        rc = ath_repo_open(&rt, s, &BTag_model);
    if (rc == ATH_OK)
        rc = ath_repo_add_many(ra, a, nauthors);
    if (rc == ATH_OK)
        rc = ath_repo_add_many(rb, b, nb);
    if (rc == ATH_OK)
        rc = ath_repo_add_many(rt, t, nt);
    if (rc == ATH_OK)
        rc = ath_session_commit(s);
    ath_repo_free(ra);
    ath_repo_free(rb);
    ath_repo_free(rt);
    ath_session_close(s);
    free(a);
    free(b);
    free(t);
    free(names);
    return rc == ATH_OK ? rc : fail("seeding", rc);
}

/* --- the hand-written path ------------------------------------------------------------------- */

typedef struct raw_graph {
    BAuthor *authors;
    size_t nauthors;
    BBook *books;
    size_t nbooks;
    BTag *tags;
    size_t ntags;
} raw_graph;

static void raw_free(raw_graph *g)
{
    for (size_t i = 0; i < g->nauthors; i++)
        free(g->authors[i].name);
    for (size_t i = 0; i < g->nbooks; i++)
        free(g->books[i].title);
    for (size_t i = 0; i < g->ntags; i++)
        free(g->tags[i].label);
    free(g->authors);
    free(g->books);
    free(g->tags);
    memset(g, 0, sizeof *g);
}

static char *text_of(const ath_value *v)
{
    char *s = malloc(v->u.s.len + 1);
    if (s) {
        memcpy(s, v->u.s.ptr, v->u.s.len);
        s[v->u.s.len] = '\0';
    }
    return s;
}

/* SELECT cols FROM table WHERE fk IN (keys…), chunked; each row through `take`. */
static int raw_in(ath_session *s, const char *head, const int64_t *keys, size_t n,
                  int (*take)(void *ctx, ath_result *r), void *ctx)
{
    size_t cap = strlen(head) + 16 + RAW_CHUNK * 3;
    char *sql = malloc(cap);
    ath_value *params = malloc(RAW_CHUNK * sizeof *params);
    int rc = sql && params ? ATH_OK : ATH_ENOMEM;
    for (size_t at = 0; rc == ATH_OK && at < n; at += RAW_CHUNK) {
        size_t k = n - at < RAW_CHUNK ? n - at : RAW_CHUNK;
        size_t len = (size_t)snprintf(sql, cap, "%s (", head);
        for (size_t i = 0; i < k; i++) {
            len += (size_t)snprintf(sql + len, cap - len, i ? ",?" : "?");
            params[i] = ath_v_i64(keys[at + i]);
        }
        snprintf(sql + len, cap - len, ")");
        ath_result *r = NULL;
        if ((rc = ath_session_execute(s, sql, params, k, &r)) != ATH_OK)
            break;
        while ((rc = ath_result_next(r)) > 0)
            if ((rc = take(ctx, r)) != ATH_OK)
                break;
        ath_result_free(r);
        if (rc > 0)
            rc = ATH_OK;
    }
    free(sql);
    free(params);
    return rc;
}

static int take_book(void *ctx, ath_result *r)
{
    raw_graph *g = ctx;
    ath_value id, author, title;
    int rc = ath_result_get(r, 0, ATH_T_I64, &id);
    if (rc == ATH_OK)
        rc = ath_result_get(r, 1, ATH_T_I64, &author);
    if (rc == ATH_OK)
        rc = ath_result_get(r, 2, ATH_T_TEXT, &title);
    if (rc != ATH_OK)
        return rc;
    BBook *b = &g->books[g->nbooks++];
    *b = (BBook){.id = id.u.i64, .author_id = author.u.i64, .title = text_of(&title)};
    return b->title ? ATH_OK : ATH_ENOMEM;
}

static int take_tag(void *ctx, ath_result *r)
{
    raw_graph *g = ctx;
    ath_value id, book, label;
    int rc = ath_result_get(r, 0, ATH_T_I64, &id);
    if (rc == ATH_OK)
        rc = ath_result_get(r, 1, ATH_T_I64, &book);
    if (rc == ATH_OK)
        rc = ath_result_get(r, 2, ATH_T_TEXT, &label);
    if (rc != ATH_OK)
        return rc;
    BTag *t = &g->tags[g->ntags++];
    *t = (BTag){.id = id.u.i64, .book_id = book.u.i64, .label = text_of(&label)};
    return t->label ? ATH_OK : ATH_ENOMEM;
}

/* Groups children by parent: counts per parent index, then one contiguous run each. */
static int group(char *children, size_t n, size_t size, size_t fk_off, char *parents,
                 size_t nparents, size_t psize, size_t id_off, size_t arr_off, size_t cnt_off)
{
    /* keys are dense here (1..N), as a hand-written loader would exploit: index = key - 1 */
    size_t *count = calloc(nparents + 1, sizeof *count);
    char *sorted = malloc(n * size + 1);
    if (!count || !sorted) {
        free(count);
        free(sorted);
        return ATH_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t fk;
        memcpy(&fk, children + i * size + fk_off, sizeof fk);
        count[fk]++;
    }
    size_t at = 0;
    for (size_t p = 1; p <= nparents; p++) {
        size_t c = count[p];
        count[p] = at;
        at += c;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t fk;
        memcpy(&fk, children + i * size + fk_off, sizeof fk);
        memcpy(sorted + count[fk]++ * size, children + i * size, size);
    }
    memcpy(children, sorted, n * size);
    size_t start = 0;
    for (size_t p = 0; p < nparents; p++) {
        char *parent = parents + p * psize;
        int64_t id;
        memcpy(&id, parent + id_off, sizeof id);
        size_t end = count[id], c = end - start;
        char *arr = c ? children + start * size : NULL;
        memcpy(parent + arr_off, &arr, sizeof arr);
        memcpy(parent + cnt_off, &c, sizeof c);
        start = end;
    }
    free(count);
    free(sorted);
    return ATH_OK;
}

static int raw_load(ath_session *s, raw_graph *g, size_t nauthors)
{
    int rc = ATH_OK;
    ath_result *r = NULL;
    g->authors = calloc(nauthors, sizeof *g->authors);
    g->books = calloc(nauthors * 10, sizeof *g->books);
    g->tags = calloc(nauthors * 30, sizeof *g->tags);
    int64_t *keys = malloc(nauthors * 10 * sizeof *keys);
    if (!g->authors || !g->books || !g->tags || !keys)
        rc = ATH_ENOMEM;
    if (rc == ATH_OK)
        rc = ath_session_execute(s, "SELECT id, name FROM bench_rel_author", NULL, 0, &r);
    while (rc == ATH_OK && g->nauthors < nauthors && (rc = ath_result_next(r)) > 0) {
        ath_value id, name;
        rc = ath_result_get(r, 0, ATH_T_I64, &id);
        if (rc == ATH_OK)
            rc = ath_result_get(r, 1, ATH_T_TEXT, &name);
        if (rc == ATH_OK) {
            BAuthor *a = &g->authors[g->nauthors++];
            *a = (BAuthor){.id = id.u.i64, .name = text_of(&name)};
        }
    }
    ath_result_free(r);
    if (rc > 0)
        rc = ATH_OK;
    for (size_t i = 0; i < g->nauthors; i++)
        keys[i] = g->authors[i].id;
    if (rc == ATH_OK)
        rc = raw_in(s, "SELECT id, author_id, title FROM bench_rel_book WHERE author_id IN", keys,
                    g->nauthors, take_book, g);
    for (size_t i = 0; i < g->nbooks; i++)
        keys[i] = g->books[i].id;
    if (rc == ATH_OK)
        rc = raw_in(s, "SELECT id, book_id, label FROM bench_rel_tag WHERE book_id IN", keys,
                    g->nbooks, take_tag, g);
    /* tags into books, then books (now holding their tags) into authors */
    if (rc == ATH_OK)
        rc = group((char *)g->tags, g->ntags, sizeof(BTag), offsetof(BTag, book_id),
                   (char *)g->books, g->nbooks, sizeof(BBook), offsetof(BBook, id),
                   offsetof(BBook, tags), offsetof(BBook, ntags));
    if (rc == ATH_OK)
        rc = group((char *)g->books, g->nbooks, sizeof(BBook), offsetof(BBook, author_id),
                   (char *)g->authors, g->nauthors, sizeof(BAuthor), offsetof(BAuthor, id),
                   offsetof(BAuthor, books), offsetof(BAuthor, books_count));
    free(keys);
    return rc;
}

/* --- measuring ------------------------------------------------------------------------------- */

static int bench_url(const char *url, size_t nauthors, int runs)
{
    ath_engine_options o;
    ath_engine_options_init(&o);
    o.on_event = on_event;
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ath_repo *authors = NULL;
    int rc = ath_engine_create_opts(&e, url, &o);
    if (rc != ATH_OK)
        return fail(url, rc);
    if ((rc = seed(e, nauthors)) == ATH_OK && (rc = ath_session_open(&s, e)) == ATH_OK)
        rc = ath_repo_open(&authors, s, &BAuthor_model);
    double best_ath = 1e9, best_raw = 1e9;
    int st_ath = 0, st_raw = 0;
    size_t check_ath = 0, check_raw = 0;
    for (int run = 0; rc == ATH_OK && run < runs; run++) {
        ath_list *l = NULL;
        statements = 0;
        double t0 = now();
        rc = ath_repo_list_load(authors, &l, ATH_NO_FILTERS, ATH_NAMES("books.tags"));
        double t1 = now();
        st_ath = statements;
        check_ath = 0;
        for (size_t i = 0; rc == ATH_OK && i < ath_list_count(l); i++) {
            BAuthor *a = ath_list_at(l, i);
            for (size_t k = 0; k < a->books_count; k++)
                check_ath += 1 + a->books[k].ntags;
        }
        ath_list_free(l);
        if (rc != ATH_OK)
            break;
        if (t1 - t0 < best_ath)
            best_ath = t1 - t0;
        raw_graph g = {0};
        statements = 0;
        t0 = now();
        rc = raw_load(s, &g, nauthors);
        t1 = now();
        st_raw = statements;
        check_raw = 0;
        for (size_t i = 0; i < g.nauthors; i++)
            for (size_t k = 0; k < g.authors[i].books_count; k++)
                check_raw += 1 + g.authors[i].books[k].ntags;
        raw_free(&g);
        if (t1 - t0 < best_raw)
            best_raw = t1 - t0;
        ath_session_rollback(s);
    }
    if (rc == ATH_OK && check_ath != check_raw)
        fprintf(stderr, "relations_bench: %s: the two paths loaded %zu and %zu objects\n",
                ath_engine_dialect(e), check_ath, check_raw),
            rc = ATH_EINVAL;
    if (rc == ATH_OK)
        printf("%-10s authors=%zu books=%zu tags=%zu  athanor %8.2f ms (%d SELECTs)  raw %8.2f "
               "ms (%d SELECTs)  ratio raw/athanor %.2f\n",
               ath_engine_dialect(e), nauthors, nauthors * 10, nauthors * 30, best_ath * 1e3,
               st_ath, best_raw * 1e3, st_raw, best_raw / best_ath);
    else
        fail(url, rc);
    ath_repo_free(authors);
    ath_session_close(s);
    if (rc == ATH_OK)
        rc = ath_drop_all(e, MODELS);
    ath_engine_dispose(e);
    return rc;
}

int main(int argc, char **argv)
{
    size_t nauthors = 1000;
    int runs = 5, rc = 0, urls = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--authors") == 0 && i + 1 < argc)
            nauthors = (size_t)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else {
            urls++;
            if (bench_url(argv[i], nauthors, runs) != ATH_OK)
                rc = 1;
        }
    }
    if (!urls && bench_url("sqlite:///:memory:", nauthors, runs) != ATH_OK)
        rc = 1;
    return rc;
}
