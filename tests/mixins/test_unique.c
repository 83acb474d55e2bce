/*
 * unique: get-or-create by a key function the program supplies (ath_unique_get_or_create).
 *
 * A model declared with ATH_MODEL_WITH cannot give a mixin its configuration (M(NAME) attaches
 * the object with .config = NULL), and unique is useless without its key function; so the macro
 * style here declares the struct and fields with ATH_MODEL and writes the model's mixin list by
 * hand.
 */
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "mx.h"

/* --- models
 * --------------------------------------------------------------------------------------- */

typedef struct TagP {
    int64_t id;
    char *name;
    char *color;
} TagP;
static const ath_field tag_p_fields[] = {
    ATH_FIELD(TagP, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(TagP, name, text),
    ATH_FIELD(TagP, color, opt_text),
};

/* The key: the name. */
static int tag_p_key(const void *obj, ath_filter *out, size_t max)
{
    const TagP *t = obj;
    if (max < 1)
        return ath_error_set(ATH_EINVAL, "no room for the key");
    out[0] = ath_where("name", ATH_EQ, ath_v_text(t->name));
    return 1;
}
static const ath_unique_config tag_p_unique = {.key = tag_p_key};
static const ath_mixin_use tag_p_mixins[] = {{.mixin = &ath_unique, .config = &tag_p_unique}};
static const ath_model TagP_model =
    ATH_MODEL_OF(TagP, "mx_tag_p", tag_p_fields, ATH_MIXINS(tag_p_mixins));

#define TAG_M_FIELDS(F)                                                                            \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(name, text) F(scope, text) F(color, opt_text)
ATH_MODEL(TagM, "mx_tag_m", TAG_M_FIELDS); /* TagM_model: the same table without the mixin */

/* The key: name and scope together. */
static int tag_m_key(const void *obj, ath_filter *out, size_t max)
{
    const TagM *t = obj;
    if (max < 2)
        return ath_error_set(ATH_EINVAL, "no room for the key");
    out[0] = ath_where("name", ATH_EQ, ath_v_text(t->name));
    out[1] = ath_where("scope", ATH_EQ, ath_v_text(t->scope));
    return 2;
}
static const ath_unique_config tag_m_unique = {.key = tag_m_key};
static const ath_mixin_use tag_m_mixins[] = {{.mixin = &ath_unique, .config = &tag_m_unique}};
static const ath_model TagMU_model = {.table = "mx_tag_m",
                                      .name = "TagM",
                                      .struct_size = sizeof(TagM),
                                      .fields = TagM_fields_,
                                      .nfields = sizeof TagM_fields_ / sizeof TagM_fields_[0],
                                      ATH_MIXINS(tag_m_mixins)};

const ath_model *const unique_models[] = {&TagP_model, &TagMU_model};
const size_t unique_nmodels = sizeof unique_models / sizeof unique_models[0];

/* --- tests
 * ---------------------------------------------------------------------------------------- */

static void test_unique_creates_then_finds_plain(void)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, &TagP_model);
    bool created = false;
    TagP first = {0, "urgent", "red"};
    ASSERT_RC(ath_unique_get_or_create(r, &first, &created), ATH_OK);
    CU_ASSERT(created);
    CU_ASSERT_FATAL(first.id > 0);
    ASSERT_RC(ath_session_commit(s), ATH_OK);

    TagP again = {0, "urgent", "blue"};
    ASSERT_RC(ath_unique_get_or_create(r, &again, &created), ATH_OK);
    CU_ASSERT_FALSE(created);
    ASSERT_I64(again.id, first.id);
    ASSERT_STR(again.color, "red"); /* the stored row, not the caller's */
    ath_model_free_fields(&TagP_model, &again);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, "mx_tag_p"), 1);

    TagP other = {0, "later", NULL};
    ASSERT_RC(ath_unique_get_or_create(r, &other, &created), ATH_OK);
    CU_ASSERT(created);
    CU_ASSERT(other.id != first.id);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, "mx_tag_p"), 2);
    char buf[32];
    ath_value k = ath_v_i64(first.id);
    ASSERT_STR(sql_text(s, buf, sizeof buf, "SELECT color FROM mx_tag_p WHERE id = ?", &k, 1),
               "red");
    mx_end();
}

static void test_unique_creates_then_finds_macro(void)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, &TagMU_model);
    bool created = false;
    TagM a = {0, "urgent", "work", "red"};
    ASSERT_RC(ath_unique_get_or_create(r, &a, &created), ATH_OK);
    CU_ASSERT(created);
    TagM b = {0, "urgent", "home", "green"}; /* same name, other scope: another row */
    ASSERT_RC(ath_unique_get_or_create(r, &b, &created), ATH_OK);
    CU_ASSERT(created);
    CU_ASSERT(b.id != a.id);
    ASSERT_RC(ath_session_commit(s), ATH_OK);

    TagM again = {0, "urgent", "home", "blue"};
    ASSERT_RC(ath_unique_get_or_create(r, &again, &created), ATH_OK);
    CU_ASSERT_FALSE(created);
    ASSERT_I64(again.id, b.id);
    ASSERT_STR(again.color, "green");
    ath_model_free_fields(&TagMU_model, &again);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ASSERT_I64(sql_count(s, "mx_tag_m"), 2);
    mx_end();
}

/* Without the mixin (or its key function) the call says so. */
static void test_unique_needs_the_mixin(void)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, &TagM_model);
    bool created = true;
    TagM t = {0, "x", "y", NULL};
    ASSERT_RC(ath_unique_get_or_create(r, &t, &created), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("TagM", "unique");
    CU_ASSERT_FALSE(created);
    ASSERT_I64(sql_count(s, "mx_tag_m"), 0);
    mx_end();
}

const test_case unique_tests[] = {
    {"unique_creates_then_finds_plain", test_unique_creates_then_finds_plain},
    {"unique_creates_then_finds_macro", test_unique_creates_then_finds_macro},
    {"unique_needs_the_mixin", test_unique_needs_the_mixin},
    {NULL, NULL},
};

TEST_SUITE(unique) { mx_add_group("unique", unique_tests, unique_models, unique_nmodels); }
