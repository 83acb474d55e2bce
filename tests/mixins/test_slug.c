/*
 * slug: a unique slug derived from a source column, made unique with a numeric suffix checked
 * against the rows in the database (soft-deleted ones included); ath_slug_get; ath_slugify.
 */
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "mx.h"

/* --- models
 * --------------------------------------------------------------------------------------- */

#define SLUG_M_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(name, text)
#define SLUG_M_MIXINS(M) M(SLUG)
ATH_MODEL_WITH(SlugM, "mx_slug_m", SLUG_M_FIELDS, SLUG_M_MIXINS);

typedef struct SlugP {
    int64_t id;
    char *title;
    char *permalink;
} SlugP;
static const ath_field slug_p_fields[] = {
    ATH_FIELD(SlugP, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(SlugP, title, text),
};
static const ath_slug_config from_title = {.source = "title"};
static const ath_mixin_use slug_p_mixins[] = {
    ATH_ATTACH(ath_slug, &from_title, ATH_BIND(SlugP, "slug", permalink)),
};
static const ath_model SlugP_model =
    ATH_MODEL_OF(SlugP, "mx_slug_p", slug_p_fields, ATH_MIXINS(slug_p_mixins));

/* Slug and soft delete together: a deleted row's slug is still taken. */
#define SLUG_SD_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(name, text)
#define SLUG_SD_MIXINS(M) M(SLUG) M(SOFT_DELETE)
ATH_MODEL_WITH(SlugSd, "mx_slug_sd", SLUG_SD_FIELDS, SLUG_SD_MIXINS);

#define SLUG_NONE_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(name, text)
ATH_MODEL(SlugNone, "mx_slug_none", SLUG_NONE_FIELDS);

const ath_model *const slug_models[] = {&SlugM_model, &SlugP_model, &SlugSd_model, &SlugNone_model};
const size_t slug_nmodels = sizeof slug_models / sizeof slug_models[0];

/* --- styles
 * --------------------------------------------------------------------------------------- */

typedef struct slug_style {
    const ath_model *model;
    size_t id, source, slug;
    const char *source_col;
} slug_style;

static const slug_style slug_macro = {&SlugM_model, offsetof(SlugM, id), offsetof(SlugM, name),
                                      offsetof(SlugM, slug), "name"};
static const slug_style slug_plain = {&SlugP_model, offsetof(SlugP, id), offsetof(SlugP, title),
                                      offsetof(SlugP, permalink), "title"};
static const slug_style slug_sd = {&SlugSd_model, offsetof(SlugSd, id), offsetof(SlugSd, name),
                                   offsetof(SlugSd, slug), "name"};

#define ID(o)   MX_AT(o, st->id, int64_t)
#define SRC(o)  MX_AT(o, st->source, const char *)
#define SLUG(o) MX_AT(o, st->slug, char *)

static const char *stored_slug(ath_session *s, const slug_style *st, int64_t id, char *buf,
                               size_t size)
{
    char sql[160];
    ath_value k = ath_v_i64(id);
    snprintf(sql, sizeof sql, "SELECT slug FROM %s WHERE id = ?", st->model->table);
    return sql_text(s, buf, size, sql, &k, 1);
}

/* Adds a row from `source` with a generated slug; the slug string is the object's (freed here
 * after copying it to `slug`). Returns the id. */
static int64_t add_titled(ath_repo *r, const slug_style *st, const char *source, char *slug,
                          size_t size)
{
    void *o = mx_obj(st->model);
    SRC(o) = source;
    ASSERT_RC(ath_repo_add(r, o), ATH_OK);
    snprintf(slug, size, "%s", SLUG(o) ? SLUG(o) : "(null)");
    free(SLUG(o)); /* generated: malloc'd, owned by the object */
    SLUG(o) = NULL;
    return ID(o);
}

/* --- tests
 * ---------------------------------------------------------------------------------------- */

static void slug_derived_from_source(const slug_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char slug[64], buf[64];
    int64_t id = add_titled(r, st, "H\xc3\xa9llo W\xc3\xb6rld!", slug, sizeof slug);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_STR(slug, "hello-world");
    ASSERT_STR(stored_slug(s, st, id, buf, sizeof buf), "hello-world");
    mx_end();
}

static void slug_clash_gets_suffix(const slug_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char slug[3][64], buf[64];
    int64_t id[3];
    for (int i = 0; i < 3; i++)
        id[i] = add_titled(r, st, "Hello World", slug[i], sizeof slug[i]);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_STR(slug[0], "hello-world");
    ASSERT_STR(slug[1], "hello-world-2");
    ASSERT_STR(slug[2], "hello-world-3");
    ASSERT_STR(stored_slug(s, st, id[0], buf, sizeof buf), "hello-world");
    ASSERT_STR(stored_slug(s, st, id[1], buf, sizeof buf), "hello-world-2");
    ASSERT_STR(stored_slug(s, st, id[2], buf, sizeof buf), "hello-world-3");
    mx_end();
}

/* A row written behind the repository's back still counts: the database is asked. */
static void slug_clash_checked_in_database(const slug_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char sql[160], slug[64];
    snprintf(sql, sizeof sql, "INSERT INTO %s (%s, slug) VALUES (?, ?)", st->model->table,
             st->source_col);
    ASSERT_RC(sql_exec(s, sql, ATH_VALUES(ath_v_text("x"), ath_v_text("taken-title"))), ATH_OK);
    ASSERT_RC(sql_exec(s, sql, ATH_VALUES(ath_v_text("y"), ath_v_text("taken-title-2"))), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    add_titled(r, st, "Taken  Title", slug, sizeof slug);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_STR(slug, "taken-title-3");
    ASSERT_I64(sql_count(s, st->model->table), 3);
    mx_end();
}

static void slug_explicit_kept(const slug_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char own[] = "my-own-slug", buf[64];
    void *o = mx_obj(st->model);
    SRC(o) = "Something Else";
    SLUG(o) = own;
    ASSERT_RC(ath_repo_add(r, o), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_PTR_EQUAL(SLUG(o), own); /* the caller's string, untouched */
    ASSERT_STR(stored_slug(s, st, ID(o), buf, sizeof buf), "my-own-slug");
    mx_end();
}

static void slug_get_finds_by_slug(const slug_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char slug[64];
    add_titled(r, st, "First Post", slug, sizeof slug);
    int64_t id = add_titled(r, st, "Second Post", slug, sizeof slug);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    void *got = mx_obj(st->model);
    ASSERT_RC(ath_slug_get(r, got, "second-post"), ATH_OK);
    ASSERT_I64(ID(got), id);
    ASSERT_STR(SRC(got), "Second Post");
    ASSERT_STR(SLUG(got), "second-post");
    ath_model_free_fields(st->model, got);
    ASSERT_RC(ath_slug_get(r, got, "third-post"), ATH_ENOTFOUND);
    mx_end();
}

/* add_many runs the hook for every object: two equal titles in one batch still get two slugs. */
static void slug_add_many_distinct(const slug_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    size_t size = st->model->struct_size;
    char *objs = mx_keep_mem(calloc(3, size));
    for (size_t i = 0; i < 3; i++)
        MX_AT(objs + i * size, st->source, const char *) = "Same Name";
    int rc = ath_repo_add_many(r, objs, 3);
    ASSERT_RC(rc, ATH_OK);
    char got[3][64];
    for (size_t i = 0; i < 3; i++) {
        char *sl = MX_AT(objs + i * size, st->slug, char *);
        snprintf(got[i], sizeof got[i], "%s", sl ? sl : "(null)");
        free(sl);
    }
    if (rc == ATH_OK) {
        ASSERT_RC(ath_session_commit(s), ATH_OK);
        ASSERT_STR(got[0], "same-name");
        ASSERT_STR(got[1], "same-name-2");
        ASSERT_STR(got[2], "same-name-3");
        ASSERT_I64(sql_count(s, st->model->table), 3);
    }
    mx_end();
}

/* A source that gives nothing to slug still yields a usable slug. */
static void slug_of_nothing(const slug_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char a[64], b[64];
    add_titled(r, st, "!!!", a, sizeof a);
    add_titled(r, st, "???", b, sizeof b);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT(strlen(a) > 0);
    CU_ASSERT(strcmp(a, b) != 0);
    mx_end();
}

#define BOTH(fn)                                                                                   \
    static void test_##fn##_macro(void)                                                            \
    {                                                                                              \
        fn(&slug_macro);                                                                           \
    }                                                                                              \
    static void test_##fn##_plain(void)                                                            \
    {                                                                                              \
        fn(&slug_plain);                                                                           \
    }
#define ENTRIES(fn)                                                                                \
    {#fn "_macro", test_##fn##_macro},                                                             \
    {                                                                                              \
#fn "_plain", test_##fn##_plain                                                            \
    }

BOTH(slug_derived_from_source)
BOTH(slug_clash_gets_suffix)
BOTH(slug_clash_checked_in_database)
BOTH(slug_explicit_kept)
BOTH(slug_get_finds_by_slug)
BOTH(slug_add_many_distinct)
BOTH(slug_of_nothing)

/* With soft delete, a deleted row keeps its slug: the new row gets the next one. */
static void test_slug_soft_deleted_row_still_clashes(void)
{
    const slug_style *st = &slug_sd;
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    char first[64], second[64], buf[64];
    int64_t id = add_titled(r, st, "Gone Soon", first, sizeof first);
    ath_value key = ath_v_i64(id);
    ASSERT_RC(ath_repo_delete(r, &key, 1, NULL), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    int64_t id2 = add_titled(r, st, "Gone Soon", second, sizeof second);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_STR(first, "gone-soon");
    ASSERT_STR(second, "gone-soon-2");
    ASSERT_I64(sql_count(s, st->model->table), 2);
    ASSERT_STR(stored_slug(s, st, id, buf, sizeof buf), "gone-soon");
    ASSERT_STR(stored_slug(s, st, id2, buf, sizeof buf), "gone-soon-2");
    /* the deleted row is not found by its slug; asked for, it is there */
    void *got = mx_obj(st->model);
    ASSERT_RC(ath_slug_get(r, got, "gone-soon"), ATH_ENOTFOUND);
    ASSERT_RC(ath_repo_get_one(r, got,
                               ATH_FILTERS(ath_where("slug", ATH_EQ, ath_v_text("gone-soon")),
                                           ath_options(ATH_OPT_INCLUDE_DELETED))),
              ATH_OK);
    ASSERT_I64(MX_AT(got, st->id, int64_t), id);
    ath_model_free_fields(st->model, got);
    mx_end();
}

static void test_slug_get_needs_the_mixin(void)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, &SlugNone_model);
    SlugNone o;
    memset(&o, 0, sizeof o);
    ASSERT_RC(ath_slug_get(r, &o, "x"), ATH_EINVAL);
    ASSERT_ERR_HAS("slug");
    mx_end();
}

const test_case slug_tests[] = {
    ENTRIES(slug_derived_from_source),
    ENTRIES(slug_clash_gets_suffix),
    ENTRIES(slug_clash_checked_in_database),
    ENTRIES(slug_explicit_kept),
    ENTRIES(slug_get_finds_by_slug),
    ENTRIES(slug_add_many_distinct),
    ENTRIES(slug_of_nothing),
    {"slug_soft_deleted_row_still_clashes", test_slug_soft_deleted_row_still_clashes},
    {"slug_get_needs_the_mixin", test_slug_get_needs_the_mixin},
    {NULL, NULL},
};

TEST_SUITE(slug) { mx_add_group("slug", slug_tests, slug_models, slug_nmodels); }

/* --- ath_slugify (no database) ---------------------------------------------------------------- */

static const char *slugify(const char *text, char *buf, size_t size)
{
    ath_slugify(buf, size, text);
    return buf;
}

static void test_slugify_transliterates(void)
{
    char b[64];
    ASSERT_STR(slugify("H\xc3\xa9llo W\xc3\xb6rld!", b, sizeof b), "hello-world");
    ASSERT_STR(slugify("Stra\xc3\x9f"
                       "e",
                       b, sizeof b),
               "strasse");
    ASSERT_STR(slugify("\xc5\x81\xc3\xb3"
                       "d\xc5\xba",
                       b, sizeof b),
               "lodz");
    ASSERT_STR(slugify("\xc3\x87"
                       "a va? \xc3\x80 bient\xc3\xb4t",
                       b, sizeof b),
               "ca-va-a-bientot");
    ASSERT_STR(slugify("Ærøskøbing", b, sizeof b), "aeroskobing");
}

static void test_slugify_separators(void)
{
    char b[64];
    ASSERT_STR(slugify("  --Hello,   World--  ", b, sizeof b), "hello-world");
    ASSERT_STR(slugify("C++ & C#", b, sizeof b), "c-c");
    ASSERT_STR(slugify("Version 2.0", b, sizeof b), "version-2-0");
    ASSERT_STR(slugify("", b, sizeof b), "");
    ASSERT_STR(slugify("\xe2\x9c\x93 done", b, sizeof b), "done"); /* a symbol is a separator */
}

static void test_slugify_truncates_like_snprintf(void)
{
    char b[6];
    int n = ath_slugify(b, sizeof b, "Hello World");
    ASSERT_I64(n, 11);
    ASSERT_STR(b, "hello");
}

const test_case slugify_tests[] = {
    {"slugify_transliterates", test_slugify_transliterates},
    {"slugify_separators", test_slugify_separators},
    {"slugify_truncates_like_snprintf", test_slugify_truncates_like_snprintf},
    {NULL, NULL},
};

TEST_SUITE(slugify) { mx_add_group("slugify", slugify_tests, NULL, 0); }
