/*
 * models: ath_model_validate() and the descriptor helpers. No database: registered once, not
 * per URL. Every refusal is ATH_EINVAL with a message naming the model and the field.
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "groups.h"

/* A plain struct to build broken descriptors over. */
typedef struct Plain {
    int64_t id;
    char *title;
    char *nick;
    int32_t qty;
    int64_t owner_id;
} Plain;

/* Validates `m` expecting ATH_EINVAL whose message names the model (table or C name) and `what`. */
#define ASSERT_REFUSED(m, what)                                                                    \
    do {                                                                                           \
        ASSERT_RC(ath_model_validate(&(m)), ATH_EINVAL);                                           \
        ASSERT_ERR_HAS_ANY((m).table, (m).name);                                                   \
        ASSERT_ERR_HAS(what);                                                                      \
    } while (0)

static void test_models_of_the_suite_are_valid(void)
{
    for (size_t i = 0; i < conf_nmodels; i++)
        ASSERT_RC(ath_model_validate(conf_models[i]), ATH_OK);
}

static void test_model_without_primary_key_is_refused(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, id, i64), ATH_FIELD(Plain, title, text)};
    static const ath_model m = ATH_MODEL_OF(Plain, "no_key", f);
    ASSERT_REFUSED(m, "primary key");
}

static void test_model_with_bad_column_identifier_is_refused(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, id, i64, .flags = ATH_PK),
                                  ATH_FIELD(Plain, title, text, .column = "bad name")};
    static const ath_model m = ATH_MODEL_OF(Plain, "bad_column", f);
    ASSERT_REFUSED(m, "bad name");
}

static void test_model_with_quote_in_column_identifier_is_refused(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, id, i64, .flags = ATH_PK),
                                  ATH_FIELD(Plain, title, text, .column = "x\"; DROP TABLE t; --")};
    static const ath_model m = ATH_MODEL_OF(Plain, "quote_column", f);
    ASSERT_REFUSED(m, "DROP TABLE");
}

static void test_model_with_bad_table_identifier_is_refused(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, id, i64, .flags = ATH_PK)};
    static const ath_model m = ATH_MODEL_OF(Plain, "bad-table", f);
    ASSERT_REFUSED(m, "bad-table");
}

static void test_model_with_column_starting_with_digit_is_refused(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, id, i64, .flags = ATH_PK),
                                  ATH_FIELD(Plain, qty, i32, .column = "1st")};
    static const ath_model m = ATH_MODEL_OF(Plain, "digit_column", f);
    ASSERT_REFUSED(m, "1st");
}

static void test_model_with_duplicate_column_name_is_refused(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, id, i64, .flags = ATH_PK),
                                  ATH_FIELD(Plain, title, text, .column = "label"),
                                  ATH_FIELD(Plain, nick, text, .column = "label")};
    static const ath_model m = ATH_MODEL_OF(Plain, "dup_column", f);
    ASSERT_REFUSED(m, "label");
}

static void test_model_with_column_named_like_another_member_is_refused(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, id, i64, .flags = ATH_PK),
                                  ATH_FIELD(Plain, title, text),
                                  ATH_FIELD(Plain, nick, text, .column = "title")};
    static const ath_model m = ATH_MODEL_OF(Plain, "dup_member", f);
    ASSERT_REFUSED(m, "title");
}

static void test_model_with_autoincrement_text_key_is_refused(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, title, text, .flags = ATH_PK | ATH_AUTOINC)};
    static const ath_model m = ATH_MODEL_OF(Plain, "autoinc_text", f);
    ASSERT_REFUSED(m, "title");
}

static void test_model_with_autoincrement_on_non_key_is_refused(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, id, i64, .flags = ATH_PK),
                                  ATH_FIELD(Plain, qty, i32, .flags = ATH_AUTOINC)};
    static const ath_model m = ATH_MODEL_OF(Plain, "autoinc_non_key", f);
    ASSERT_REFUSED(m, "qty");
}

static void test_model_with_two_autoincrement_columns_is_refused(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, id, i64, .flags = ATH_PK | ATH_AUTOINC),
                                  ATH_FIELD(Plain, owner_id, i64, .flags = ATH_PK | ATH_AUTOINC)};
    static const ath_model m = ATH_MODEL_OF(Plain, "autoinc_twice", f);
    ASSERT_REFUSED(m, "owner_id");
}

static void test_model_with_reference_without_column_is_refused(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, id, i64, .flags = ATH_PK),
                                  ATH_FIELD(Plain, owner_id, i64, .references = "team")};
    static const ath_model m = ATH_MODEL_OF(Plain, "ref_no_column", f);
    ASSERT_REFUSED(m, "owner_id");
}

static void test_model_with_reference_with_empty_part_is_refused(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, id, i64, .flags = ATH_PK),
                                  ATH_FIELD(Plain, owner_id, i64, .references = "team.")};
    static const ath_model m = ATH_MODEL_OF(Plain, "ref_empty_column", f);
    ASSERT_REFUSED(m, "owner_id");
}

static void test_model_with_reference_of_three_parts_is_refused(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, id, i64, .flags = ATH_PK),
                                  ATH_FIELD(Plain, owner_id, i64, .references = "a.team.id")};
    static const ath_model m = ATH_MODEL_OF(Plain, "ref_three_parts", f);
    ASSERT_REFUSED(m, "owner_id");
}

static void test_model_with_member_size_not_fitting_kind_is_refused(void)
{
    /* what ATH_FIELD would refuse at compile time, built by hand: an i32 column of 2 bytes */
    static const ath_field f[] = {
        ATH_FIELD(Plain, id, i64, .flags = ATH_PK),
        {.member = "qty", .offset = offsetof(Plain, qty), .size = 2, .type = ATH_T_I32},
    };
    static const ath_model m = ATH_MODEL_OF(Plain, "bad_size", f);
    ASSERT_REFUSED(m, "qty");
}

static void test_model_without_fields_is_refused(void)
{
    static const ath_model m = {.table = "no_fields", .name = "Plain", .struct_size = 8};
    ASSERT_RC(ath_model_validate(&m), ATH_EINVAL);
    ASSERT_ERR_HAS_ANY("no_fields", "Plain");
}

static void test_model_descriptor_versions_are_checked(void)
{
    /* the macros stamp the header's version; a hand-written descriptor leaves 0, read as 1 */
    CU_ASSERT_EQUAL(Team_model.version, ATH_MODEL_VERSION);
    static const ath_field f[] = {ATH_FIELD(Plain, id, i64, .flags = ATH_PK)};
    ath_model m = ATH_MODEL_OF(Plain, "by_hand", f);
    m.version = 0;
    ASSERT_RC(ath_model_validate(&m), ATH_OK);
    /* a program built against a newer header: refused, naming both versions */
    m.version = ATH_MODEL_VERSION + 1;
    ASSERT_RC(ath_model_validate(&m), ATH_EINVAL);
    char newer[16];
    snprintf(newer, sizeof newer, "%d", ATH_MODEL_VERSION + 1);
    ASSERT_ERR_HAS("Plain");
    ASSERT_ERR_HAS("descriptor version");
    ASSERT_ERR_HAS(newer);
}

static void test_composite_key_model_is_valid(void)
{
    ASSERT_RC(ath_model_validate(&Membership_model), ATH_OK);
}

static void test_macro_model_describes_struct_members(void)
{
    ASSERT_I64(Team_model.nfields, 3);
    ASSERT_I64(Team_model.struct_size, sizeof(Team));
    ASSERT_STR(Team_model.table, "team");
    ASSERT_STR(Team_model.fields[1].member, "name");
    CU_ASSERT_EQUAL(Team_model.fields[1].type, ATH_T_TEXT);
    CU_ASSERT_EQUAL(Team_model.fields[2].kind_flags & ATH_NULLABLE, ATH_NULLABLE);
    ASSERT_I64(Team_model.fields[1].max_length, 80);
}

static void test_field_column_is_member_unless_renamed(void)
{
    static const ath_field f[] = {ATH_FIELD(Plain, title, text),
                                  ATH_FIELD(Plain, nick, text, .column = "nickname")};
    ASSERT_STR(ath_field_column(&f[0]), "title");
    ASSERT_STR(ath_field_column(&f[1]), "nickname");
}

static void test_free_fields_frees_and_clears_strings_and_blobs(void)
{
    AllTypes o;
    memset(&o, 0, sizeof o);
    o.c_text = strdup("text");
    o.c_numeric = strdup("1.5");
    o.c_json = strdup("{}");
    o.o_text = strdup("x");
    o.c_blob.data = malloc(3);
    o.c_blob.len = 3;
    o.o_blob.data = malloc(1);
    o.o_blob.len = 1;
    o.c_i32 = 7;
    ath_model_free_fields(&AllTypes_model, &o); /* valgrind: nothing leaks */
    CU_ASSERT_PTR_NULL(o.c_text);
    CU_ASSERT_PTR_NULL(o.c_numeric);
    CU_ASSERT_PTR_NULL(o.c_json);
    CU_ASSERT_PTR_NULL(o.o_text);
    CU_ASSERT_PTR_NULL(o.o_json);
    CU_ASSERT_PTR_NULL(o.c_blob.data);
    CU_ASSERT_PTR_NULL(o.o_blob.data);
    ASSERT_I64(o.c_i32, 7);
}

static void test_free_fields_handles_macro_model_offsets(void)
{
    Team t = {5, strdup("name"), strdup("hq")};
    ath_model_free_fields(&Team_model, &t);
    CU_ASSERT_PTR_NULL(t.name);
    CU_ASSERT_PTR_NULL(t.headquarters);
    ASSERT_I64(t.id, 5);
}

const test_case models_tests[] = {
    {"test_models_of_the_suite_are_valid", test_models_of_the_suite_are_valid},
    {"test_model_without_primary_key_is_refused", test_model_without_primary_key_is_refused},
    {"test_model_with_bad_column_identifier_is_refused",
     test_model_with_bad_column_identifier_is_refused},
    {"test_model_with_quote_in_column_identifier_is_refused",
     test_model_with_quote_in_column_identifier_is_refused},
    {"test_model_with_bad_table_identifier_is_refused",
     test_model_with_bad_table_identifier_is_refused},
    {"test_model_with_column_starting_with_digit_is_refused",
     test_model_with_column_starting_with_digit_is_refused},
    {"test_model_with_duplicate_column_name_is_refused",
     test_model_with_duplicate_column_name_is_refused},
    {"test_model_with_column_named_like_another_member_is_refused",
     test_model_with_column_named_like_another_member_is_refused},
    {"test_model_with_autoincrement_text_key_is_refused",
     test_model_with_autoincrement_text_key_is_refused},
    {"test_model_with_autoincrement_on_non_key_is_refused",
     test_model_with_autoincrement_on_non_key_is_refused},
    {"test_model_with_two_autoincrement_columns_is_refused",
     test_model_with_two_autoincrement_columns_is_refused},
    {"test_model_with_reference_without_column_is_refused",
     test_model_with_reference_without_column_is_refused},
    {"test_model_with_reference_with_empty_part_is_refused",
     test_model_with_reference_with_empty_part_is_refused},
    {"test_model_with_reference_of_three_parts_is_refused",
     test_model_with_reference_of_three_parts_is_refused},
    {"test_model_with_member_size_not_fitting_kind_is_refused",
     test_model_with_member_size_not_fitting_kind_is_refused},
    {"test_model_without_fields_is_refused", test_model_without_fields_is_refused},
    {"test_model_descriptor_versions_are_checked", test_model_descriptor_versions_are_checked},
    {"test_composite_key_model_is_valid", test_composite_key_model_is_valid},
    {"test_macro_model_describes_struct_members", test_macro_model_describes_struct_members},
    {"test_field_column_is_member_unless_renamed", test_field_column_is_member_unless_renamed},
    {"test_free_fields_frees_and_clears_strings_and_blobs",
     test_free_fields_frees_and_clears_strings_and_blobs},
    {"test_free_fields_handles_macro_model_offsets", test_free_fields_handles_macro_model_offsets},
    {NULL, NULL},
};

TEST_SUITE(models) { conf_add_group("models", models_tests, false); }
