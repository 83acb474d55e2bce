/* ath_inspect on every URL: what create_all made, read back from the catalog. */
#include <string.h>

#include <athanor/inspect.h>

#include "migrate_tests.h"

#define TEAM_FIELDS(F)                                                                             \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(name, text, .flags = ATH_UNIQUE, .max_length = 80)                                           \
    F(motto, opt_text)
ATH_MODEL(Team, "mt_team", TEAM_FIELDS);

#define HERO_FIELDS(F)                                                                             \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(name, text, .max_length = 60)                                                                \
    F(age, opt_i32, .flags = ATH_INDEX)                                                            \
    F(power, i32, .server_default = "7")                                                           \
    F(team_id, opt_i64, .references = "mt_team.id", .on_delete = ATH_FK_CASCADE)
ATH_MODEL(Hero, "mt_hero", HERO_FIELDS);

/* Multi-column unique constraint and index, on a macro-declared and on a plain-struct model. */
static const ath_table_index club_indexes[] = {ATH_UNIQUE_ON("league", "name"),
                                               ATH_INDEX_ON("city", "name")};
#define CLUB_FIELDS(F)                                                                             \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(league, text, .max_length = 40)                                                              \
    F(name, text, .max_length = 40)                                                                \
    F(city, opt_text, .max_length = 40)                                                            \
    F(points, i32)
ATH_MODEL(Club, "mt_team", CLUB_FIELDS, ATH_INDEXES(club_indexes));

typedef struct Member {
    int64_t id;
    char *club;
    char *nick;
} Member;
static const ath_field member_fields[] = {
    ATH_FIELD(Member, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Member, club, text),
    ATH_FIELD(Member, nick, text, .column = "nickname"),
};
static const ath_table_index member_indexes[] = {
    {.name = "member_by_club",
     .unique = true,
     .columns = (const char *const[]){"club", "nickname"},
     .ncolumns = 2}};
static const ath_model Member_model =
    ATH_MODEL_OF(Member, "mt_member", member_fields, ATH_INDEXES(member_indexes));

static const ath_catalog_index *index_named(const ath_catalog_table *t, const char *name)
{
    for (size_t i = 0; t && i < t->nindexes; i++)
        if (t->indexes[i].name && strcmp(t->indexes[i].name, name) == 0)
            return &t->indexes[i];
    return NULL;
}

static const ath_catalog_index *index_on(const ath_catalog_table *t, const char *column)
{
    for (size_t i = 0; t && i < t->nindexes; i++)
        if (t->indexes[i].ncolumns == 1 && strcmp(t->indexes[i].columns[0], column) == 0)
            return &t->indexes[i];
    return NULL;
}

static void test_inspect_reads_what_create_all_made(void)
{
    ASSERT_RC(ath_create_all(mt_engine, ATH_MODELS(&Team_model, &Hero_model)), ATH_OK);
    ath_session *s = NULL;
    ath_catalog *cat = NULL;
    ASSERT_RC(ath_session_open(&s, mt_engine), ATH_OK);
    ASSERT_RC(ath_inspect(&cat, s, NULL), ATH_OK);
    const ath_catalog_table *team = ath_catalog_find(cat, "mt_team");
    const ath_catalog_table *hero = ath_catalog_find(cat, "mt_hero");
    CU_ASSERT_FATAL(team != NULL && hero != NULL);
    CU_ASSERT(ath_catalog_count(cat) >= 2);
    /* tables in name order */
    for (size_t i = 1; i < ath_catalog_count(cat); i++)
        CU_ASSERT(strcmp(ath_catalog_at(cat, i - 1)->name, ath_catalog_at(cat, i)->name) < 0);

    ASSERT_I64(hero->ncolumns, 5);
    ASSERT_STR(hero->columns[0].name, "id");
    ASSERT_STR(hero->columns[4].name, "team_id");
    const ath_catalog_column *name = ath_catalog_column_find(hero, "name");
    const ath_catalog_column *age = ath_catalog_column_find(hero, "age");
    const ath_catalog_column *power = ath_catalog_column_find(hero, "power");
    CU_ASSERT_FATAL(name && age && power);
    CU_ASSERT(strstr(name->type, "60") != NULL);
    CU_ASSERT(!name->nullable);
    CU_ASSERT(age->nullable);
    CU_ASSERT(!hero->columns[0].nullable);
    CU_ASSERT_PTR_NULL(name->default_sql);
    CU_ASSERT_FATAL(power->default_sql != NULL);
    CU_ASSERT(strstr(power->default_sql, "7") != NULL);
    CU_ASSERT_PTR_NULL(ath_catalog_column_find(hero, "nope"));

    ASSERT_I64(hero->nprimary_key, 1);
    ASSERT_STR(hero->primary_key[0], "id");

    const ath_catalog_index *ix = index_on(hero, "age");
    CU_ASSERT_FATAL(ix != NULL);
    ASSERT_STR(ix->name, "ix_mt_hero_age");
    CU_ASSERT(!ix->unique);
    CU_ASSERT(!ix->constraint);
    const ath_catalog_index *uq = index_on(team, "name");
    CU_ASSERT_FATAL(uq != NULL);
    CU_ASSERT(uq->unique);
    CU_ASSERT(uq->constraint);

    ASSERT_I64(hero->nforeign_keys, 1);
    const ath_catalog_fk *fk = &hero->foreign_keys[0];
    ASSERT_I64(fk->ncolumns, 1);
    ASSERT_STR(fk->columns[0], "team_id");
    ASSERT_STR(fk->ref_table, "mt_team");
    ASSERT_STR(fk->ref_columns[0], "id");
    ASSERT_STR(fk->on_delete, "CASCADE");
    ASSERT_I64(team->nforeign_keys, 0);
    ath_catalog_free(cat);

    /* one table by name; an unknown name is an empty catalog */
    ASSERT_RC(ath_inspect(&cat, s, "mt_team"), ATH_OK);
    ASSERT_I64(ath_catalog_count(cat), 1);
    ASSERT_STR(ath_catalog_at(cat, 0)->name, "mt_team");
    CU_ASSERT_PTR_NULL(ath_catalog_at(cat, 1));
    ath_catalog_free(cat);
    ASSERT_RC(ath_inspect(&cat, s, "mt_absent"), ATH_OK);
    ASSERT_I64(ath_catalog_count(cat), 0);
    ath_catalog_free(cat);
    ath_session_close(s);
    ASSERT_RC(ath_drop_all(mt_engine, ATH_MODELS(&Team_model, &Hero_model)), ATH_OK);
}

static const ath_catalog_index *unique_on2(const ath_catalog_table *t, const char *a, const char *b)
{
    for (size_t i = 0; t && i < t->nindexes; i++)
        if (t->indexes[i].unique && t->indexes[i].ncolumns == 2 &&
            strcmp(t->indexes[i].columns[0], a) == 0 && strcmp(t->indexes[i].columns[1], b) == 0)
            return &t->indexes[i];
    return NULL;
}

static void test_multi_column_unique_and_index_created_and_enforced(void)
{
    ASSERT_RC(ath_create_all(mt_engine, ATH_MODELS(&Club_model, &Member_model)), ATH_OK);
    ath_session *s = NULL;
    ath_catalog *cat = NULL;
    ASSERT_RC(ath_session_open(&s, mt_engine), ATH_OK);
    ASSERT_RC(ath_inspect(&cat, s, NULL), ATH_OK);
    const ath_catalog_table *club = ath_catalog_find(cat, "mt_team");
    const ath_catalog_table *member = ath_catalog_find(cat, "mt_member");
    CU_ASSERT_FATAL(club && member);
    const ath_catalog_index *uq = unique_on2(club, "league", "name");
    CU_ASSERT_FATAL(uq != NULL);
    CU_ASSERT(uq->constraint);
    const ath_catalog_index *ix = index_named(club, "ix_mt_team_city_name");
    CU_ASSERT_FATAL(ix != NULL);
    CU_ASSERT(!ix->unique);
    ASSERT_I64(ix->ncolumns, 2);
    ASSERT_STR(ix->columns[0], "city");
    ASSERT_STR(ix->columns[1], "name");
    CU_ASSERT(unique_on2(member, "club", "nickname") != NULL);
    ath_catalog_free(cat);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);

    /* the constraint holds; an upsert can match on it */
    ath_repo *r = NULL;
    ASSERT_RC(ath_repo_open(&r, s, &Club_model), ATH_OK);
    Club a = {.league = "north", .name = "Lions", .points = 1};
    Club b = {.league = "south", .name = "Lions", .points = 2};
    ASSERT_RC(ath_repo_add(r, &a), ATH_OK);
    ASSERT_RC(ath_repo_add(r, &b), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    Club dup = {.league = "north", .name = "Lions", .points = 3};
    ASSERT_RC(ath_repo_add(r, &dup), ATH_EDUPLICATE);
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    const char *const match[] = {"name", "league"};
    Club up = {.league = "north", .name = "Lions", .points = 9};
    ASSERT_RC(ath_repo_upsert(r, &up, match, 2), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    Club got = {0};
    ath_value key = ath_v_i64(a.id);
    ASSERT_RC(ath_repo_get(r, &got, &key, 1), ATH_OK);
    ASSERT_I64(got.points, 9);
    ath_model_free_fields(&Club_model, &got);
    int64_t n = -1;
    ASSERT_RC(ath_repo_count(r, &n, NULL, 0), ATH_OK);
    ASSERT_I64(n, 2);
    const char *const not_unique[] = {"city", "name"};
    /* no unique constraint on (city, name): the upsert looks first, and two rows match */
    ASSERT_RC(ath_repo_upsert(r, &up, not_unique, 2), ATH_EMULTIPLE);
    ASSERT_ERR_HAS("more than one");
    ASSERT_RC(ath_session_rollback(s), ATH_OK);
    ath_repo_free(r);
    ath_session_close(s);
    ASSERT_RC(ath_drop_all(mt_engine, ATH_MODELS(&Club_model, &Member_model)), ATH_OK);
}

static const ath_table_index bad[] = {ATH_INDEX_ON("club", "nope")};
static const ath_model Bad_model =
    ATH_MODEL_OF(Member, "mt_member", member_fields, ATH_INDEXES(bad));
static const ath_table_index twice[] = {ATH_UNIQUE_ON("club", "club")};
static const ath_model Twice_model =
    ATH_MODEL_OF(Member, "mt_member", member_fields, ATH_INDEXES(twice));

static void test_model_index_naming_unknown_column_is_refused(void)
{
    ASSERT_RC(ath_model_validate(&Bad_model), ATH_EINVAL);
    ASSERT_ERR_HAS("index 1 names unknown column 'nope'");
    ASSERT_RC(ath_model_validate(&Twice_model), ATH_EINVAL);
    ASSERT_ERR_HAS("names column 'club' twice");
}

static void test_inspect_refuses_null_arguments(void)
{
    ath_catalog *cat = (ath_catalog *)1;
    ASSERT_RC(ath_inspect(&cat, NULL, NULL), ATH_EINVAL);
    ASSERT_ERR_HAS("ath_inspect: session is NULL");
    CU_ASSERT_PTR_NULL(cat);
    ASSERT_I64(ath_catalog_count(NULL), 0);
    CU_ASSERT_PTR_NULL(ath_catalog_find(NULL, "x"));
    ath_catalog_free(NULL);
}

const test_case inspect_tests[] = {
    {"inspect_reads_what_create_all_made", test_inspect_reads_what_create_all_made},
    {"inspect_refuses_null_arguments", test_inspect_refuses_null_arguments},
    {"multi_column_unique_and_index_created_and_enforced",
     test_multi_column_unique_and_index_created_and_enforced},
    {"model_index_naming_unknown_column_is_refused",
     test_model_index_naming_unknown_column_is_refused},
    {NULL, NULL},
};
