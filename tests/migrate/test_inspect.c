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
    {NULL, NULL},
};
