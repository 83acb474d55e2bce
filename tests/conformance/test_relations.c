/*
 * relations: declared relations (many-to-one, one-to-many, a self-referencing tree) in both
 * model styles, loaded in batches by ath_repo_list_load / ath_repo_get_load with one statement
 * per relation level; ON DELETE declared on the relation and emitted by create_all; mixins'
 * scopes (soft delete, a tenant) applied to the related rows.
 */
#include <stdlib.h>
#include <string.h>

#include <athanor/mixins.h>

#include "conf.h"
#include "groups.h"

/* --- models --------------------------------------------------------------------------------- */

typedef struct RelBook RelBook;
static const ath_model RelBook_model;

/* rel_author: macro-declared, one-to-many books. */
#define AUTHOR_FIELDS(F)                                                                           \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(name, text, .max_length = 80)
#define AUTHOR_RELS(R) R(books, one_to_many, RelBook, "author_id")
ATH_MODEL_REL(RelAuthor, "rel_author", AUTHOR_FIELDS, AUTHOR_RELS);

/* rel_publisher: a plain struct without relations. */
typedef struct RelPublisher {
    int64_t id;
    char *name;
} RelPublisher;
static const ath_field publisher_fields[] = {
    ATH_FIELD(RelPublisher, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(RelPublisher, name, text, .max_length = 80),
};
static const ath_model RelPublisher_model =
    ATH_MODEL_OF(RelPublisher, "rel_publisher", publisher_fields);

/* rel_tag: macro-declared, many-to-one book (ON DELETE CASCADE). */
#define TAG_FIELDS(F)                                                                              \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(book_id, i64)                                                                                \
    F(label, text, .max_length = 40)
#define TAG_RELS(R) R(book, many_to_one, RelBook, "book_id", .on_delete = ATH_FK_CASCADE)
ATH_MODEL_REL(RelTag, "rel_tag", TAG_FIELDS, TAG_RELS);

/* rel_review: a plain struct with soft delete; its book may not be deleted (RESTRICT). */
typedef struct RelReview {
    int64_t id;
    int64_t book_id;
    char *body;
    ath_opt_timestamp deleted_at;
} RelReview;
/* (the member `book` is declared below, after RelBook) */

/* rel_note: a plain struct scoped by a tenant (a mixin written here, as a program would). */
typedef struct RelNote {
    int64_t id;
    int64_t book_id;
    char *tenant;
    char *body;
} RelNote;

struct RelBook {
    int64_t id;
    int64_t author_id;
    ath_opt_i64 publisher_id;
    char *title;
    RelAuthor *author;
    RelPublisher *publisher;
    RelTag *tags;
    size_t ntags;
    struct RelReviewed *reviews;
    size_t nreviews;
    RelNote *notes;
    size_t nnotes;
    struct RelLabel *labels; /* many-to-many through rel_book_label */
    size_t nlabels;
};

/* The review struct with its relation member (plain structs choose their own layout). */
typedef struct RelReviewed {
    RelReview row;
    RelBook *book;
} RelReviewed;
static const ath_field reviewed_fields[] = {
    ATH_FIELD(RelReviewed, row.id, i64, .column = "id", .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(RelReviewed, row.book_id, i64, .column = "book_id"),
    ATH_FIELD(RelReviewed, row.body, text, .column = "body"),
};
static const ath_mixin_use reviewed_mixins[] = {
    ATH_ATTACH(ath_soft_delete, NULL, ATH_BIND(RelReviewed, "deleted_at", row.deleted_at)),
};
static const ath_relation reviewed_rels[] = {
    ATH_MANY_TO_ONE(RelReviewed, book, RelBook_model, "book_id", .on_delete = ATH_FK_RESTRICT),
};
static const ath_model RelReview_model =
    ATH_MODEL_OF(RelReviewed, "rel_review", reviewed_fields, ATH_MIXINS(reviewed_mixins),
                 ATH_RELATIONS(reviewed_rels));

static const ath_mixin_role tenant_roles[] = {{"tenant", ATH_T_TEXT, 0, NULL, 32}};
static int tenant_scope(const ath_mixin_ctx *ctx, unsigned options, ath_filter *out)
{
    (void)options;
    ath_value v;
    if (!ath_session_get(ctx->session, "tenant", &v))
        return 0;
    *out = ath_where(ath_mixin_column(ctx, 0), ATH_EQ, v);
    return 1;
}
static const ath_mixin tenant_mixin = {
    .name = "tenant", .roles = tenant_roles, .nroles = 1, .scope = tenant_scope};
static const ath_field note_fields[] = {
    ATH_FIELD(RelNote, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(RelNote, book_id, i64, .references = "rel_book.id", .on_delete = ATH_FK_CASCADE),
    ATH_FIELD(RelNote, body, text),
};
static const ath_mixin_use note_mixins[] = {
    ATH_ATTACH(tenant_mixin, NULL, ATH_BIND(RelNote, "tenant", tenant)),
};
static const ath_model RelNote_model =
    ATH_MODEL_OF(RelNote, "rel_note", note_fields, ATH_MIXINS(note_mixins));

/* rel_label: macro-declared with soft delete and the tenant mixin, many-to-many books through
 * the link model rel_book_label (a plain struct with a two-column key). */
static const ath_model RelBookLabel_model;
#define ATH_MIXIN_FIELDS_TENANT(F) F(tenant, text, .max_length = 32)
#define ATH_MIXIN_OBJECT_TENANT    tenant_mixin
#define LABEL_FIELDS(F)                                                                            \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(name, text, .max_length = 40)
#define LABEL_MIXINS(M) M(SOFT_DELETE) M(TENANT)
#define LABEL_RELS(R)   R(books, many_to_many, RelBook, RelBookLabel, "label_id", "book_id")
ATH_MODEL_WITH_REL(RelLabel, "rel_label", LABEL_FIELDS, LABEL_MIXINS, LABEL_RELS);

typedef struct RelBookLabel {
    int64_t book_id;
    int64_t label_id;
} RelBookLabel;
static const ath_field book_label_fields[] = {
    ATH_FIELD(RelBookLabel, book_id, i64, .flags = ATH_PK, .references = "rel_book.id",
              .on_delete = ATH_FK_CASCADE),
    ATH_FIELD(RelBookLabel, label_id, i64, .flags = ATH_PK, .references = "rel_label.id",
              .on_delete = ATH_FK_CASCADE),
};
static const ath_model RelBookLabel_model =
    ATH_MODEL_OF(RelBookLabel, "rel_book_label", book_label_fields);

/* rel_book: a plain struct with every kind of relation. */
static const ath_field book_fields[] = {
    ATH_FIELD(RelBook, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(RelBook, author_id, i64),
    ATH_FIELD(RelBook, publisher_id, opt_i64),
    ATH_FIELD(RelBook, title, text, .max_length = 120),
};
static const ath_relation book_rels[] = {
    ATH_MANY_TO_ONE(RelBook, author, RelAuthor_model, "author_id", .on_delete = ATH_FK_CASCADE),
    ATH_MANY_TO_ONE(RelBook, publisher, RelPublisher_model, "publisher_id",
                    .on_delete = ATH_FK_SET_NULL),
    ATH_ONE_TO_MANY(RelBook, tags, ntags, RelTag_model, "book_id"),
    ATH_ONE_TO_MANY(RelBook, reviews, nreviews, RelReview_model, "book_id"),
    ATH_ONE_TO_MANY(RelBook, notes, nnotes, RelNote_model, "book_id"),
    ATH_MANY_TO_MANY(RelBook, labels, nlabels, RelLabel_model, RelBookLabel_model, "book_id",
                     "label_id"),
};
static const ath_model RelBook_model =
    ATH_MODEL_OF(RelBook, "rel_book", book_fields, ATH_RELATIONS(book_rels));

/* rel_category: a tree (a macro-declared model related to itself). */
#define CATEGORY_FIELDS(F)                                                                         \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(parent_id, opt_i64)                                                                          \
    F(name, text, .max_length = 40)
#define CATEGORY_RELS(R)                                                                           \
    R(parent, many_to_one, RelCategory, "parent_id", .on_delete = ATH_FK_CASCADE)                  \
    R(children, one_to_many, RelCategory, "parent_id")
ATH_MODEL_REL(RelCategory, "rel_category", CATEGORY_FIELDS, CATEGORY_RELS);

#define REL_MODELS                                                                                 \
    ATH_MODELS(&RelAuthor_model, &RelPublisher_model, &RelBook_model, &RelTag_model,               \
               &RelReview_model, &RelNote_model, &RelCategory_model, &RelLabel_model,         \
               &RelBookLabel_model)

/* --- fixtures ------------------------------------------------------------------------------- */

static ath_session *rel_begin(void)
{
    ath_session *s = conf_begin();
    ASSERT_RC(ath_drop_all(conf->engine, REL_MODELS), ATH_OK);
    ASSERT_RC(ath_create_all(conf->engine, REL_MODELS), ATH_OK);
    return s;
}

static void rel_end(void)
{
    conf_end();
    ASSERT_RC(ath_drop_all(conf->engine, REL_MODELS), ATH_OK);
}

static int64_t add_author(ath_repo *r, const char *name)
{
    RelAuthor a = {.name = (char *)name};
    ASSERT_RC(ath_repo_add(r, &a), ATH_OK);
    return a.id;
}

static int64_t add_publisher(ath_repo *r, const char *name)
{
    RelPublisher p = {.name = (char *)name};
    ASSERT_RC(ath_repo_add(r, &p), ATH_OK);
    return p.id;
}

static int64_t add_book(ath_repo *r, int64_t author, int64_t publisher, const char *title)
{
    RelBook b = {.author_id = author, .title = (char *)title};
    if (publisher)
        b.publisher_id = (ath_opt_i64){publisher, true};
    ASSERT_RC(ath_repo_add(r, &b), ATH_OK);
    return b.id;
}

static int64_t add_tag(ath_repo *r, int64_t book, const char *label)
{
    RelTag t = {.book_id = book, .label = (char *)label};
    ASSERT_RC(ath_repo_add(r, &t), ATH_OK);
    return t.id;
}

static int64_t add_category(ath_repo *r, int64_t parent, const char *name)
{
    RelCategory c = {.name = (char *)name};
    if (parent)
        c.parent_id = (ath_opt_i64){parent, true};
    ASSERT_RC(ath_repo_add(r, &c), ATH_OK);
    return c.id;
}

/* Two authors (Ann: two books, three tags; Bob: one book), a publisher, an author without
 * books (Cy). */
typedef struct library {
    int64_t ann, bob, cy, pub, b1, b2, b3;
} library;

static library seed(ath_session *s)
{
    library l;
    ath_repo *authors = conf_repo(s, &RelAuthor_model), *books = conf_repo(s, &RelBook_model);
    ath_repo *tags = conf_repo(s, &RelTag_model);
    l.ann = add_author(authors, "Ann");
    l.bob = add_author(authors, "Bob");
    l.cy = add_author(authors, "Cy");
    l.pub = add_publisher(conf_repo(s, &RelPublisher_model), "Tor");
    l.b1 = add_book(books, l.ann, l.pub, "Ann one");
    l.b2 = add_book(books, l.ann, 0, "Ann two");
    l.b3 = add_book(books, l.bob, l.pub, "Bob one");
    add_tag(tags, l.b1, "sf");
    add_tag(tags, l.b1, "classic");
    add_tag(tags, l.b2, "short");
    return l;
}

/* --- loading -------------------------------------------------------------------------------- */

static void test_many_to_one_loads_the_parent_object_shared_by_its_children(void)
{
    ath_session *s = rel_begin();
    library l = seed(s);
    ath_repo *books = conf_repo(s, &RelBook_model);
    ath_list *list = NULL;
    ASSERT_RC(ath_repo_list_load(books, &list, ATH_FILTERS(ath_order_by("id", false)),
                                 ATH_NAMES("author", "publisher")),
              ATH_OK);
    conf_keep(list);
    CU_ASSERT_FATAL(ath_list_count(list) == 3);
    RelBook *b = ath_list_items(list);
    CU_ASSERT_FATAL(b[0].author && b[1].author && b[2].author);
    ASSERT_STR(b[0].author->name, "Ann");
    ASSERT_I64(b[0].author->id, l.ann);
    CU_ASSERT_PTR_EQUAL(b[0].author, b[1].author); /* one object per distinct key */
    ASSERT_STR(b[2].author->name, "Bob");
    CU_ASSERT_FATAL(b[0].publisher != NULL);
    ASSERT_STR(b[0].publisher->name, "Tor");
    CU_ASSERT_PTR_NULL(b[1].publisher); /* a NULL foreign key */
    CU_ASSERT_PTR_NULL(b[0].tags);      /* not asked for */
    rel_end();
}

static void test_one_to_many_loads_children_in_key_order_and_empty_as_null(void)
{
    ath_session *s = rel_begin();
    library l = seed(s);
    ath_repo *authors = conf_repo(s, &RelAuthor_model);
    ath_list *list = NULL;
    ASSERT_RC(ath_repo_list_load(authors, &list, ATH_FILTERS(ath_order_by("name", false)),
                                 ATH_NAMES("books")),
              ATH_OK);
    conf_keep(list);
    CU_ASSERT_FATAL(ath_list_count(list) == 3);
    RelAuthor *a = ath_list_items(list);
    ASSERT_STR(a[0].name, "Ann");
    CU_ASSERT_FATAL(a[0].books_count == 2);
    ASSERT_I64(a[0].books[0].id, l.b1);
    ASSERT_STR(a[0].books[0].title, "Ann one");
    ASSERT_STR(a[0].books[1].title, "Ann two");
    ASSERT_I64(a[1].books_count, 1);
    CU_ASSERT_FATAL(a[1].books != NULL);
    ASSERT_STR(a[1].books[0].title, "Bob one");
    ASSERT_STR(a[2].name, "Cy");
    ASSERT_I64(a[2].books_count, 0);
    CU_ASSERT_PTR_NULL(a[2].books);
    rel_end();
}

static void test_nested_paths_load_three_levels(void)
{
    ath_session *s = rel_begin();
    seed(s);
    ath_repo *authors = conf_repo(s, &RelAuthor_model);
    ath_list *list = NULL;
    ASSERT_RC(ath_repo_list_load(authors, &list, ATH_FILTERS(ath_order_by("name", false)),
                                 ATH_NAMES("books.tags", "books.publisher", "books.author")),
              ATH_OK);
    conf_keep(list);
    RelAuthor *a = ath_list_items(list);
    CU_ASSERT_FATAL(a && a[0].books_count == 2);
    RelBook *b = a[0].books;
    CU_ASSERT_FATAL(b[0].ntags == 2);
    ASSERT_STR(b[0].tags[0].label, "sf");
    ASSERT_STR(b[0].tags[1].label, "classic");
    ASSERT_I64(b[1].ntags, 1);
    ASSERT_STR(b[1].tags[0].label, "short");
    CU_ASSERT_FATAL(b[0].publisher != NULL);
    ASSERT_STR(b[0].publisher->name, "Tor");
    CU_ASSERT_PTR_NULL(b[1].publisher);
    CU_ASSERT_FATAL(b[0].author != NULL); /* back up the tree: a third level */
    ASSERT_STR(b[0].author->name, "Ann");
    CU_ASSERT_FATAL(a[1].books_count == 1);
    ASSERT_I64(a[1].books[0].ntags, 0);
    CU_ASSERT_PTR_NULL(a[1].books[0].tags);
    rel_end();
}

static void test_limit_and_filters_apply_to_the_parents(void)
{
    ath_session *s = rel_begin();
    library l = seed(s);
    ath_repo *authors = conf_repo(s, &RelAuthor_model);
    ath_list *list = NULL;
    ASSERT_RC(ath_repo_list_load(authors, &list,
                                 ATH_FILTERS(ath_where("name", ATH_NE, ath_v_text("Cy")),
                                             ath_order_by("name", true), ath_limit_offset(1, 0)),
                                 ATH_NAMES("books")),
              ATH_OK);
    conf_keep(list);
    CU_ASSERT_FATAL(ath_list_count(list) == 1);
    RelAuthor *a = ath_list_items(list);
    ASSERT_I64(a[0].id, l.bob);
    CU_ASSERT_FATAL(a[0].books_count == 1);
    ASSERT_I64(a[0].books[0].id, l.b3);
    rel_end();
}

static void test_exists_filters_across_a_relation_declared_foreign_key(void)
{
    ath_session *s = rel_begin();
    library l = seed(s);
    ath_repo *authors = conf_repo(s, &RelAuthor_model);
    ath_filter child = ath_where("title", ATH_EQ, ath_v_text("Bob one"));
    ath_list *list = NULL;
    /* rel_book.author_id has no `.references`: the many-to-one relation made it a foreign key */
    ASSERT_RC(ath_repo_list_load(authors, &list, ATH_FILTERS(ath_exists(&RelBook_model, &child, 1)),
                                 ATH_NAMES("books")),
              ATH_OK);
    conf_keep(list);
    CU_ASSERT_FATAL(ath_list_count(list) == 1);
    RelAuthor *a = ath_list_items(list);
    ASSERT_I64(a->id, l.bob);
    ASSERT_I64(a->books_count, 1);
    rel_end();
}

static void test_empty_list_loads_nothing(void)
{
    ath_session *s = rel_begin();
    ath_repo *authors = conf_repo(s, &RelAuthor_model);
    ath_list *list = NULL;
    ASSERT_RC(ath_repo_list_load(authors, &list, ATH_NO_FILTERS, ATH_NAMES("books.tags")), ATH_OK);
    conf_keep(list);
    ASSERT_I64(ath_list_count(list), 0);
    rel_end();
}

static void test_self_reference_loads_a_category_tree(void)
{
    ath_session *s = rel_begin();
    ath_repo *cats = conf_repo(s, &RelCategory_model);
    int64_t root = add_category(cats, 0, "root");
    int64_t books = add_category(cats, root, "books");
    add_category(cats, root, "music");
    add_category(cats, books, "sf");
    add_category(cats, books, "poetry");
    ath_list *list = NULL;
    ASSERT_RC(ath_repo_list_load(cats, &list,
                                 ATH_FILTERS(ath_where("parent_id", ATH_IS_NULL, ath_v_null())),
                                 ATH_NAMES("children.children", "children.parent")),
              ATH_OK);
    conf_keep(list);
    CU_ASSERT_FATAL(ath_list_count(list) == 1);
    RelCategory *r = ath_list_items(list);
    ASSERT_STR(r->name, "root");
    CU_ASSERT_PTR_NULL(r->parent); /* not loaded at this level */
    CU_ASSERT_FATAL(r->children_count == 2);
    ASSERT_STR(r->children[0].name, "books");
    ASSERT_STR(r->children[1].name, "music");
    CU_ASSERT_FATAL(r->children[0].parent != NULL);
    ASSERT_STR(r->children[0].parent->name, "root");
    CU_ASSERT_FATAL(r->children[0].children_count == 2);
    ASSERT_STR(r->children[0].children[0].name, "sf");
    ASSERT_STR(r->children[0].children[1].name, "poetry");
    ASSERT_I64(r->children[1].children_count, 0);
    rel_end();
}

static void test_get_load_owns_the_whole_graph(void)
{
    ath_session *s = rel_begin();
    library l = seed(s);
    ath_repo *authors = conf_repo(s, &RelAuthor_model);
    RelAuthor a;
    memset(&a, 0, sizeof a);
    ath_value key = ath_v_i64(l.ann);
    ASSERT_RC(ath_repo_get_load(authors, &a, &key, 1,
                                ATH_NAMES("books.tags", "books.publisher", "books.author")),
              ATH_OK);
    ASSERT_STR(a.name, "Ann");
    CU_ASSERT_FATAL(a.books_count == 2);
    CU_ASSERT_FATAL(a.books[0].ntags == 2);
    ASSERT_STR(a.books[0].tags[1].label, "classic");
    CU_ASSERT_FATAL(a.books[0].author && a.books[1].author);
    CU_ASSERT_PTR_NOT_EQUAL(a.books[0].author, a.books[1].author); /* each its own copy */
    ASSERT_STR(a.books[1].author->name, "Ann");
    ath_model_free_fields(&RelAuthor_model, &a); /* frees it all (ASan/valgrind check) */
    CU_ASSERT_PTR_NULL(a.books);
    ASSERT_I64(a.books_count, 0);
    CU_ASSERT_PTR_NULL(a.name);
    key = ath_v_i64(987654);
    ASSERT_RC(ath_repo_get_load(authors, &a, &key, 1, ATH_NAMES("books")), ATH_ENOTFOUND);
    rel_end();
}

static void test_unknown_relation_in_a_path_is_einval(void)
{
    ath_session *s = rel_begin();
    ath_repo *authors = conf_repo(s, &RelAuthor_model);
    ath_list *list = NULL;
    ASSERT_RC(ath_repo_list_load(authors, &list, ATH_NO_FILTERS, ATH_NAMES("books.tagz")),
              ATH_EINVAL);
    ASSERT_ERR_HAS("model RelBook has no relation 'tagz'");
    CU_ASSERT_PTR_NULL(list);
    ASSERT_RC(ath_repo_list_load(authors, &list, ATH_NO_FILTERS, ATH_NAMES("books..tags")),
              ATH_EINVAL);
    rel_end();
}

/* --- validation ----------------------------------------------------------------------------- */

typedef struct BadRel {
    int64_t id;
    int64_t team_id;
    RelAuthor *owner;
    RelAuthor *many;
    size_t nmany;
} BadRel;
static const ath_field badrel_fields[] = {
    ATH_FIELD(BadRel, id, i64, .flags = ATH_PK),
    ATH_FIELD(BadRel, team_id, i64),
};

/* --- many-to-many ------------------------------------------------------------------------- */

typedef struct labels {
    int64_t x, y, z;
} labels;

static int64_t add_label(ath_repo *r, const char *name, const char *tenant)
{
    RelLabel lb = {.name = (char *)name, .tenant = (char *)tenant};
    ASSERT_RC(ath_repo_add(r, &lb), ATH_OK);
    return lb.id;
}

static void link_book(ath_repo *r, int64_t book, int64_t label)
{
    RelBookLabel bl = {.book_id = book, .label_id = label};
    ASSERT_RC(ath_repo_add(r, &bl), ATH_OK);
}

/* Labels x, y (tenant acme) and z (globex); Ann one: y, x; Ann two: y; Bob one: none. */
static labels seed_labels(ath_session *s, const library *l)
{
    labels lb;
    ath_repo *r = conf_repo(s, &RelLabel_model), *links = conf_repo(s, &RelBookLabel_model);
    lb.x = add_label(r, "x", "acme");
    lb.y = add_label(r, "y", "acme");
    lb.z = add_label(r, "z", "globex");
    link_book(links, l->b1, lb.y);
    link_book(links, l->b1, lb.x);
    link_book(links, l->b2, lb.y);
    return lb;
}

static void test_many_to_many_loads_through_the_link_both_ways(void)
{
    ath_session *s = rel_begin();
    library l = seed(s);
    labels lb = seed_labels(s, &l);
    ath_list *list = NULL;
    /* plain struct -> macro model */
    ASSERT_RC(ath_repo_list_load(conf_repo(s, &RelBook_model), &list,
                                 ATH_FILTERS(ath_order_by("id", false)), ATH_NAMES("labels")),
              ATH_OK);
    conf_keep(list);
    CU_ASSERT_FATAL(ath_list_count(list) == 3);
    RelBook *b = ath_list_items(list);
    CU_ASSERT_FATAL(b[0].nlabels == 2);
    ASSERT_STR(b[0].labels[0].name, "x"); /* in the target's key order, not the link's */
    ASSERT_I64(b[0].labels[0].id, lb.x);
    ASSERT_STR(b[0].labels[1].name, "y");
    ASSERT_STR(b[0].labels[1].tenant, "acme");
    CU_ASSERT_FATAL(b[1].nlabels == 1);
    ASSERT_STR(b[1].labels[0].name, "y");
    ASSERT_I64(b[2].nlabels, 0); /* no links: NULL and 0 */
    CU_ASSERT_PTR_NULL(b[2].labels);
    /* macro model -> plain struct, the other way through the same link */
    ASSERT_RC(ath_repo_list_load(conf_repo(s, &RelLabel_model), &list,
                                 ATH_FILTERS(ath_order_by("name", false)), ATH_NAMES("books")),
              ATH_OK);
    conf_keep(list);
    CU_ASSERT_FATAL(ath_list_count(list) == 3);
    RelLabel *g = ath_list_items(list);
    CU_ASSERT_FATAL(g[0].books_count == 1);
    ASSERT_STR(g[0].books[0].title, "Ann one");
    CU_ASSERT_FATAL(g[1].books_count == 2);
    ASSERT_I64(g[1].books[0].id, l.b1);
    ASSERT_I64(g[1].books[1].id, l.b2);
    ASSERT_STR(g[2].name, "z");
    ASSERT_I64(g[2].books_count, 0);
    CU_ASSERT_PTR_NULL(g[2].books);
    rel_end();
}

static void test_many_to_many_nested_three_levels(void)
{
    ath_session *s = rel_begin();
    library l = seed(s);
    seed_labels(s, &l);
    ath_list *list = NULL;
    ASSERT_RC(ath_repo_list_load(conf_repo(s, &RelAuthor_model), &list,
                                 ATH_FILTERS(ath_order_by("name", false)),
                                 ATH_NAMES("books.labels.books")),
              ATH_OK);
    conf_keep(list);
    RelAuthor *a = ath_list_items(list);
    CU_ASSERT_FATAL(a && a[0].books_count == 2);
    RelBook *b = a[0].books;
    CU_ASSERT_FATAL(b[0].nlabels == 2 && b[1].nlabels == 1);
    ASSERT_STR(b[1].labels[0].name, "y");
    CU_ASSERT_FATAL(b[1].labels[0].books_count == 2); /* y is on both of Ann's books */
    ASSERT_STR(b[1].labels[0].books[0].title, "Ann one");
    ASSERT_STR(b[1].labels[0].books[1].title, "Ann two");
    CU_ASSERT_FATAL(a[1].books_count == 1);
    ASSERT_I64(a[1].books[0].nlabels, 0);
    ASSERT_I64(a[2].books_count, 0);
    rel_end();
}

static void test_many_to_many_hides_soft_deleted_and_other_tenants_targets(void)
{
    ath_session *s = rel_begin();
    library l = seed(s);
    labels lb = seed_labels(s, &l);
    link_book(conf_repo(s, &RelBookLabel_model), l.b1, lb.z);
    ath_value k = ath_v_i64(lb.x);
    ASSERT_RC(ath_repo_delete(conf_repo(s, &RelLabel_model), &k, 1, NULL), ATH_OK); /* soft */
    ath_list *list = NULL;
    ath_repo *books = conf_repo(s, &RelBook_model);
    ath_filter b1 = ath_where("id", ATH_EQ, ath_v_i64(l.b1));
    ASSERT_RC(ath_repo_list_load(books, &list, &b1, 1, ATH_NAMES("labels")), ATH_OK);
    conf_keep(list);
    RelBook *b = ath_list_items(list);
    CU_ASSERT_FATAL(b && b->nlabels == 2); /* y, z: x is soft-deleted */
    ASSERT_STR(b->labels[0].name, "y");
    ASSERT_STR(b->labels[1].name, "z");
    ASSERT_RC(ath_session_set(s, "tenant", ath_v_text("globex")), ATH_OK);
    ASSERT_RC(ath_repo_list_load(books, &list, &b1, 1, ATH_NAMES("labels")), ATH_OK);
    conf_keep(list);
    b = ath_list_items(list);
    CU_ASSERT_FATAL(b && b->nlabels == 1); /* the tenant scope applies to the targets */
    ASSERT_STR(b->labels[0].name, "z");
    ASSERT_STR(b->labels[0].tenant, "globex");
    rel_end();
}

static void test_many_to_many_get_load_owns_its_arrays(void)
{
    ath_session *s = rel_begin();
    library l = seed(s);
    seed_labels(s, &l);
    RelBook b;
    memset(&b, 0, sizeof b);
    ath_value key = ath_v_i64(l.b1);
    ASSERT_RC(ath_repo_get_load(conf_repo(s, &RelBook_model), &b, &key, 1,
                                ATH_NAMES("labels.books")),
              ATH_OK);
    CU_ASSERT_FATAL(b.nlabels == 2);
    ASSERT_STR(b.labels[1].name, "y");
    CU_ASSERT_FATAL(b.labels[1].books_count == 2);
    ASSERT_STR(b.labels[1].books[1].title, "Ann two");
    ath_model_free_fields(&RelBook_model, &b); /* frees it all (ASan/valgrind check) */
    CU_ASSERT_PTR_NULL(b.labels);
    ASSERT_I64(b.nlabels, 0);
    rel_end();
}

static void test_many_to_many_add_graph_inserts_targets_and_links(void)
{
    ath_session *s = rel_begin();
    library l = seed(s);
    labels lb = seed_labels(s, &l);
    RelLabel tags[] = {{.name = "new", .tenant = "acme"}, {.id = lb.z}};
    RelBook book = {.author_id = l.bob, .title = "Bob two", .labels = tags, .nlabels = 2};
    ASSERT_RC(ath_repo_add_graph(conf_repo(s, &RelBook_model), &book, ATH_NAMES("labels")),
              ATH_OK);
    CU_ASSERT(book.id > 0);
    CU_ASSERT(tags[0].id > lb.z); /* inserted; z taken as stored */
    ath_value bid = ath_v_i64(book.id);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM rel_book_label WHERE book_id = ?", &bid, 1), 2);
    ASSERT_I64(sql_count(s, "rel_label"), 4);
    ath_list *list = NULL;
    ath_filter f = ath_where("id", ATH_EQ, bid);
    ASSERT_RC(ath_repo_list_load(conf_repo(s, &RelBook_model), &list, &f, 1, ATH_NAMES("labels")),
              ATH_OK);
    conf_keep(list);
    RelBook *got = ath_list_items(list);
    CU_ASSERT_FATAL(got && got->nlabels == 2);
    ASSERT_STR(got->labels[0].name, "z");
    ASSERT_STR(got->labels[1].name, "new");
    rel_end();
}

static void test_many_to_many_declarations_are_checked(void)
{
    static const ath_relation no_link_col[] = {
        ATH_MANY_TO_MANY(BadRel, many, nmany, RelAuthor_model, RelBookLabel_model, "bad_id",
                         "label_id"),
    };
    static const ath_model m1 =
        ATH_MODEL_OF(BadRel, "bad_rel", badrel_fields, ATH_RELATIONS(no_link_col));
    ASSERT_RC(ath_model_validate(&m1), ATH_EINVAL);
    ASSERT_ERR_HAS("relation many: no such column in the link model: 'bad_id'");
    static const ath_relation with_delete[] = {
        ATH_MANY_TO_MANY(BadRel, many, nmany, RelAuthor_model, RelBookLabel_model, "book_id",
                         "label_id", .on_delete = ATH_FK_CASCADE),
    };
    static const ath_model m2 =
        ATH_MODEL_OF(BadRel, "bad_rel", badrel_fields, ATH_RELATIONS(with_delete));
    ASSERT_RC(ath_model_validate(&m2), ATH_EINVAL);
    ASSERT_ERR_HAS("ON DELETE belongs to the link model's foreign keys");
    static const ath_relation no_link[] = {
        {.name = "many", .kind = ATH_REL_MANY_TO_MANY, .target = &RelAuthor_model,
         .offset = offsetof(BadRel, many), .count_offset = offsetof(BadRel, nmany)},
    };
    static const ath_model m3 = ATH_MODEL_OF(BadRel, "bad_rel", badrel_fields,
                                             ATH_RELATIONS(no_link));
    ASSERT_RC(ath_model_validate(&m3), ATH_EINVAL);
    ASSERT_ERR_HAS("needs its link model");
    ASSERT_RC(ath_model_validate(&RelLabel_model), ATH_OK);
}


/* --- writes -------------------------------------------------------------------------------- */

static void test_add_graph_fills_the_foreign_keys_of_children_and_targets(void)
{
    ath_session *s = rel_begin();
    RelTag tags1[] = {{.label = "a"}, {.label = "b"}};
    RelTag tags2[] = {{.label = "c"}};
    RelPublisher pub = {.name = "New House"};
    RelBook books[] = {
        {.title = "first", .tags = tags1, .ntags = 2, .publisher = &pub},
        {.title = "second", .tags = tags2, .ntags = 1},
    };
    RelAuthor a = {.name = "Grace", .books = books, .books_count = 2};
    ath_repo *authors = conf_repo(s, &RelAuthor_model);
    ASSERT_RC(ath_repo_add_graph(authors, &a, ATH_NAMES("books.tags", "books.publisher")), ATH_OK);
    CU_ASSERT(a.id > 0);
    ASSERT_I64(books[0].author_id, a.id);
    ASSERT_I64(books[1].author_id, a.id);
    CU_ASSERT(books[0].id > 0 && books[1].id > books[0].id);
    CU_ASSERT(pub.id > 0);
    CU_ASSERT(books[0].publisher_id.set);
    ASSERT_I64(books[0].publisher_id.value, pub.id);
    CU_ASSERT_FALSE(books[1].publisher_id.set);
    ASSERT_I64(tags1[0].book_id, books[0].id);
    ASSERT_I64(tags1[1].book_id, books[0].id);
    ASSERT_I64(tags2[0].book_id, books[1].id);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    /* read back through the other path */
    ath_value bid = ath_v_i64(books[0].id);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM rel_tag WHERE book_id = ?", &bid, 1), 2);
    ASSERT_I64(sql_count(s, "rel_book"), 2);
    ASSERT_I64(sql_count(s, "rel_publisher"), 1);
    ath_list *list = NULL;
    ASSERT_RC(ath_repo_list_load(authors, &list, ATH_NO_FILTERS, ATH_NAMES("books.tags")), ATH_OK);
    conf_keep(list);
    RelAuthor *got = ath_list_items(list);
    CU_ASSERT_FATAL(got && got->books_count == 2 && got->books[0].ntags == 2);
    ASSERT_STR(got->books[0].tags[1].label, "b");
    /* a target whose key is set is taken as stored: only its key is copied */
    RelBook again = {.title = "third", .publisher = &pub};
    ath_value aid = ath_v_i64(a.id);
    again.author_id = a.id;
    ASSERT_RC(ath_repo_add_graph(conf_repo(s, &RelBook_model), &again, ATH_NAMES("publisher")),
              ATH_OK);
    ASSERT_I64(again.publisher_id.value, pub.id);
    ASSERT_I64(sql_count(s, "rel_publisher"), 1);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM rel_book WHERE author_id = ?", &aid, 1), 3);
    ASSERT_RC(ath_repo_add_graph(authors, &a, ATH_NAMES("bookz")), ATH_EINVAL);
    rel_end();
}

/* --- mixins on related rows ----------------------------------------------------------------- */

static void test_soft_deleted_child_is_not_loaded(void)
{
    ath_session *s = rel_begin();
    library l = seed(s);
    ath_repo *reviews = conf_repo(s, &RelReview_model);
    RelReviewed r1 = {.row = {.book_id = l.b1, .body = "good"}};
    RelReviewed r2 = {.row = {.book_id = l.b1, .body = "bad"}};
    ASSERT_RC(ath_repo_add(reviews, &r1), ATH_OK);
    ASSERT_RC(ath_repo_add(reviews, &r2), ATH_OK);
    ath_value k = ath_v_i64(r2.row.id);
    ASSERT_RC(ath_repo_delete(reviews, &k, 1, NULL), ATH_OK); /* soft */
    ASSERT_I64(sql_count(s, "rel_review"), 2);
    ath_list *list = NULL;
    ASSERT_RC(ath_repo_list_load(conf_repo(s, &RelBook_model), &list,
                                 ATH_FILTERS(ath_where("id", ATH_EQ, ath_v_i64(l.b1))),
                                 ATH_NAMES("reviews.book")),
              ATH_OK);
    conf_keep(list);
    RelBook *b = ath_list_items(list);
    CU_ASSERT_FATAL(b && b->nreviews == 1);
    ASSERT_STR(b->reviews[0].row.body, "good");
    CU_ASSERT_FATAL(b->reviews[0].book != NULL);
    ASSERT_STR(b->reviews[0].book->title, "Ann one");
    rel_end();
}

static void test_tenant_scope_applies_to_children(void)
{
    ath_session *s = rel_begin();
    library l = seed(s);
    ath_repo *notes = conf_repo(s, &RelNote_model);
    RelNote n1 = {.book_id = l.b1, .tenant = "acme", .body = "acme's"};
    RelNote n2 = {.book_id = l.b1, .tenant = "globex", .body = "globex's"};
    ASSERT_RC(ath_repo_add(notes, &n1), ATH_OK);
    ASSERT_RC(ath_repo_add(notes, &n2), ATH_OK);
    ASSERT_RC(ath_session_set(s, "tenant", ath_v_text("globex")), ATH_OK);
    ath_list *list = NULL;
    ASSERT_RC(ath_repo_list_load(conf_repo(s, &RelBook_model), &list,
                                 ATH_FILTERS(ath_where("id", ATH_EQ, ath_v_i64(l.b1))),
                                 ATH_NAMES("notes")),
              ATH_OK);
    conf_keep(list);
    RelBook *b = ath_list_items(list);
    CU_ASSERT_FATAL(b && b->nnotes == 1);
    ASSERT_STR(b->notes[0].body, "globex's");
    ASSERT_STR(b->notes[0].tenant, "globex");
    rel_end();
}

/* --- ON DELETE ------------------------------------------------------------------------------ */

static void test_create_all_emits_the_relations_on_delete(void)
{
    char *sql = NULL;
    ASSERT_RC(ath_create_all_sql(&sql, conf->engine, REL_MODELS), ATH_OK);
    CU_ASSERT_FATAL(sql != NULL);
    CU_ASSERT(strstr(sql, "fk_rel_book_author_id_rel_author") != NULL);
    CU_ASSERT(strstr(sql, "ON DELETE CASCADE") != NULL);
    CU_ASSERT(strstr(sql, "ON DELETE SET NULL") != NULL);
    CU_ASSERT(strstr(sql, "ON DELETE RESTRICT") != NULL);
    CU_ASSERT(strstr(sql, "fk_rel_category_parent_id_rel_category") != NULL);
    free(sql);
}

static void test_delete_follows_cascade_set_null_and_restrict(void)
{
    ath_session *s = rel_begin();
    library l = seed(s);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    /* SET NULL: the publisher goes, its books stay without one */
    ath_value k = ath_v_i64(l.pub);
    ASSERT_RC(ath_repo_delete(conf_repo(s, &RelPublisher_model), &k, 1, NULL), ATH_OK);
    ath_value b1 = ath_v_i64(l.b1);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM rel_book WHERE publisher_id IS NULL", NULL, 0), 3);
    /* CASCADE: Ann goes, her books and their tags too */
    k = ath_v_i64(l.ann);
    ASSERT_RC(ath_repo_delete(conf_repo(s, &RelAuthor_model), &k, 1, NULL), ATH_OK);
    ASSERT_I64(sql_count(s, "rel_book"), 1);
    ASSERT_I64(sql_count(s, "rel_tag"), 0);
    ASSERT_I64(sql_i64(s, "SELECT COUNT(*) FROM rel_book WHERE id = ?", &b1, 1), 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    /* RESTRICT: a book with a review (even a soft-deleted one) cannot go */
    RelReviewed r = {.row = {.book_id = l.b3, .body = "meh"}};
    ASSERT_RC(ath_repo_add(conf_repo(s, &RelReview_model), &r), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    k = ath_v_i64(l.b3);
    ASSERT_RC(ath_repo_delete(conf_repo(s, &RelBook_model), &k, 1, NULL), ATH_EFOREIGNKEY);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ASSERT_I64(sql_count(s, "rel_book"), 1);
    rel_end();
}

static void test_self_reference_cascades_down_the_tree(void)
{
    ath_session *s = rel_begin();
    ath_repo *cats = conf_repo(s, &RelCategory_model);
    int64_t root = add_category(cats, 0, "root");
    int64_t mid = add_category(cats, root, "mid");
    add_category(cats, mid, "leaf");
    add_category(cats, 0, "other");
    ath_value k = ath_v_i64(root);
    ASSERT_RC(ath_repo_delete(cats, &k, 1, NULL), ATH_OK);
    ASSERT_I64(sql_count(s, "rel_category"), 1);
    rel_end();
}

/* --- statements per level ------------------------------------------------------------------- */

static void count_execute(void *ctx, const ath_event *e)
{
    if (e->kind == ATH_EVENT_BEFORE_EXECUTE && e->sql && strncmp(e->sql, "SELECT", 6) == 0)
        ++*(int *)ctx;
}

static void test_loading_sends_one_statement_per_level(void)
{
    /* an engine of its own, counting SELECTs through on_event (a second in-memory SQLite
     * engine is a database of its own, so the schema is created there too) */
    int selects = 0;
    ath_engine_options o;
    ath_engine_options_init(&o);
    o.on_event = count_execute;
    o.event_ctx = &selects;
    ath_engine *e = NULL;
    conf_begin();
    ASSERT_RC(ath_engine_create_opts(&e, conf->url, &o), ATH_OK);
    CU_ASSERT_FATAL(e != NULL);
    ath_drop_all(e, REL_MODELS);
    ASSERT_RC(ath_create_all(e, REL_MODELS), ATH_OK);
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ath_repo *authors = NULL, *books = NULL, *tags = NULL, *pubs = NULL;
    ASSERT_RC(ath_repo_open(&authors, s, &RelAuthor_model), ATH_OK);
    ASSERT_RC(ath_repo_open(&books, s, &RelBook_model), ATH_OK);
    ASSERT_RC(ath_repo_open(&tags, s, &RelTag_model), ATH_OK);
    ASSERT_RC(ath_repo_open(&pubs, s, &RelPublisher_model), ATH_OK);
    enum { N = 60 };
    int64_t pub = add_publisher(pubs, "P");
    ath_repo *labels_repo = NULL, *links = NULL;
    ASSERT_RC(ath_repo_open(&labels_repo, s, &RelLabel_model), ATH_OK);
    ASSERT_RC(ath_repo_open(&links, s, &RelBookLabel_model), ATH_OK);
    int64_t lab = add_label(labels_repo, "L", "acme");
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "author %02d", i);
        int64_t a = add_author(authors, name);
        for (int j = 0; j < 3; j++) {
            int64_t b = add_book(books, a, j == 0 ? pub : 0, name);
            add_tag(tags, b, "x");
            add_tag(tags, b, "y");
            RelBookLabel bl = {.book_id = b, .label_id = lab};
            ASSERT_RC(ath_repo_add(links, &bl), ATH_OK);
        }
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    selects = 0;
    ath_list *list = NULL;
    ASSERT_RC(ath_repo_list_load(authors, &list, ATH_NO_FILTERS,
                                 ATH_NAMES("books.tags", "books.publisher", "books.labels")),
              ATH_OK);
    /* authors, books, tags, publishers, labels (joined with their links): one statement each,
     * not one per parent */
    ASSERT_I64(selects, 5);
    ASSERT_I64(ath_list_count(list), N);
    size_t nbooks = 0, ntags = 0, npub = 0, nlabels = 0;
    for (size_t i = 0; i < ath_list_count(list); i++) {
        RelAuthor *a = ath_list_at(list, i);
        nbooks += a->books_count;
        for (size_t j = 0; j < a->books_count; j++) {
            ntags += a->books[j].ntags;
            npub += a->books[j].publisher != NULL;
            nlabels += a->books[j].nlabels;
        }
    }
    ASSERT_I64(nbooks, 3 * N);
    ASSERT_I64(ntags, 6 * N);
    ASSERT_I64(npub, N);
    ASSERT_I64(nlabels, 3 * N);
    ath_list_free(list);
    ath_repo_free(labels_repo);
    ath_repo_free(links);
    ath_repo_free(authors);
    ath_repo_free(books);
    ath_repo_free(tags);
    ath_repo_free(pubs);
    ath_session_close(s);
    ASSERT_RC(ath_drop_all(e, REL_MODELS), ATH_OK);
    ath_engine_dispose(e);
    conf_end();
}

static void test_relation_naming_a_missing_column_is_refused(void)
{
    static const ath_relation no_col[] = {
        ATH_MANY_TO_ONE(BadRel, owner, RelAuthor_model, "owner_id"),
    };
    static const ath_model m1 =
        ATH_MODEL_OF(BadRel, "bad_rel", badrel_fields, ATH_RELATIONS(no_col));
    ASSERT_RC(ath_model_validate(&m1), ATH_EINVAL);
    ASSERT_ERR_HAS("relation owner: no such column here: 'owner_id'");
    static const ath_relation o2m_delete[] = {
        ATH_ONE_TO_MANY(BadRel, many, nmany, RelAuthor_model, "id", .on_delete = ATH_FK_CASCADE),
    };
    static const ath_model m2 =
        ATH_MODEL_OF(BadRel, "bad_rel", badrel_fields, ATH_RELATIONS(o2m_delete));
    ASSERT_RC(ath_model_validate(&m2), ATH_EINVAL);
    ASSERT_ERR_HAS("ON DELETE belongs to the foreign key");
    static const ath_relation set_null_not_nullable[] = {
        ATH_MANY_TO_ONE(BadRel, owner, RelAuthor_model, "team_id", .on_delete = ATH_FK_SET_NULL),
    };
    static const ath_model m3 =
        ATH_MODEL_OF(BadRel, "bad_rel", badrel_fields, ATH_RELATIONS(set_null_not_nullable));
    ASSERT_RC(ath_model_validate(&m3), ATH_EINVAL);
    ASSERT_ERR_HAS("ON DELETE SET NULL needs a nullable column");
    ASSERT_RC(ath_model_validate(&RelBook_model), ATH_OK);
    ASSERT_RC(ath_model_validate(&RelCategory_model), ATH_OK);
}

const test_case relations_tests[] = {
    {"test_many_to_one_loads_the_parent_object_shared_by_its_children",
     test_many_to_one_loads_the_parent_object_shared_by_its_children},
    {"test_one_to_many_loads_children_in_key_order_and_empty_as_null",
     test_one_to_many_loads_children_in_key_order_and_empty_as_null},
    {"test_nested_paths_load_three_levels", test_nested_paths_load_three_levels},
    {"test_limit_and_filters_apply_to_the_parents", test_limit_and_filters_apply_to_the_parents},
    {"test_exists_filters_across_a_relation_declared_foreign_key",
     test_exists_filters_across_a_relation_declared_foreign_key},
    {"test_empty_list_loads_nothing", test_empty_list_loads_nothing},
    {"test_self_reference_loads_a_category_tree", test_self_reference_loads_a_category_tree},
    {"test_get_load_owns_the_whole_graph", test_get_load_owns_the_whole_graph},
    {"test_unknown_relation_in_a_path_is_einval", test_unknown_relation_in_a_path_is_einval},
    {"test_many_to_many_loads_through_the_link_both_ways",
     test_many_to_many_loads_through_the_link_both_ways},
    {"test_many_to_many_nested_three_levels", test_many_to_many_nested_three_levels},
    {"test_many_to_many_hides_soft_deleted_and_other_tenants_targets",
     test_many_to_many_hides_soft_deleted_and_other_tenants_targets},
    {"test_many_to_many_get_load_owns_its_arrays", test_many_to_many_get_load_owns_its_arrays},
    {"test_many_to_many_add_graph_inserts_targets_and_links",
     test_many_to_many_add_graph_inserts_targets_and_links},
    {"test_many_to_many_declarations_are_checked", test_many_to_many_declarations_are_checked},
    {"test_add_graph_fills_the_foreign_keys_of_children_and_targets",
     test_add_graph_fills_the_foreign_keys_of_children_and_targets},
    {"test_soft_deleted_child_is_not_loaded", test_soft_deleted_child_is_not_loaded},
    {"test_tenant_scope_applies_to_children", test_tenant_scope_applies_to_children},
    {"test_create_all_emits_the_relations_on_delete",
     test_create_all_emits_the_relations_on_delete},
    {"test_delete_follows_cascade_set_null_and_restrict",
     test_delete_follows_cascade_set_null_and_restrict},
    {"test_self_reference_cascades_down_the_tree", test_self_reference_cascades_down_the_tree},
    {"test_loading_sends_one_statement_per_level", test_loading_sends_one_statement_per_level},
    {"test_relation_naming_a_missing_column_is_refused",
     test_relation_naming_a_missing_column_is_refused},
    {NULL, NULL}};

TEST_SUITE(relations)
{
    conf_add_group("relations", relations_tests, true);
}
