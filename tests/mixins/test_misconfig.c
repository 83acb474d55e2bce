/*
 * Misconfigured plain-struct mixins: each way is refused by ath_model_validate (and so by
 * ath_repo_open and ath_create_all) with ATH_EINVAL and a message naming the model, the mixin and
 * the role. No database: run once.
 */
#include <string.h>

#include "groups.h"
#include "mx.h"

/* A role left unbound: audit needs created_at and updated_at. */
typedef struct MisUnbound {
    int64_t id;
    ath_timestamp created;
    ath_timestamp updated;
} MisUnbound;
static const ath_field mis_unbound_fields[] = {
    ATH_FIELD(MisUnbound, id, i64, .flags = ATH_PK | ATH_AUTOINC)};
static const ath_mixin_use mis_unbound_mixins[] = {
    ATH_ATTACH(ath_audit, NULL, ATH_BIND(MisUnbound, "created_at", created)),
};
static const ath_model MisUnbound_model =
    ATH_MODEL_OF(MisUnbound, "mis_unbound", mis_unbound_fields, ATH_MIXINS(mis_unbound_mixins));

/* A timestamp role bound to an int32_t member. */
typedef struct MisTsInt {
    int64_t id;
    int32_t created;
    ath_timestamp updated;
} MisTsInt;
static const ath_field mis_ts_int_fields[] = {
    ATH_FIELD(MisTsInt, id, i64, .flags = ATH_PK | ATH_AUTOINC)};
static const ath_mixin_use mis_ts_int_mixins[] = {
    ATH_ATTACH(ath_audit, NULL, ATH_BIND(MisTsInt, "created_at", created),
               ATH_BIND(MisTsInt, "updated_at", updated)),
};
static const ath_model MisTsInt_model =
    ATH_MODEL_OF(MisTsInt, "mis_ts_int", mis_ts_int_fields, ATH_MIXINS(mis_ts_int_mixins));

/* A uuid role bound to a char * member. */
typedef struct MisUuidText {
    char *key;
    char *name;
} MisUuidText;
static const ath_field mis_uuid_text_fields[] = {ATH_FIELD(MisUuidText, name, text)};
static const ath_mixin_use mis_uuid_text_mixins[] = {
    ATH_ATTACH(ath_uuid_pk, NULL, ATH_BIND(MisUuidText, "id", key)),
};
static const ath_model MisUuidText_model = ATH_MODEL_OF(
    MisUuidText, "mis_uuid_text", mis_uuid_text_fields, ATH_MIXINS(mis_uuid_text_mixins));

/* A nullable role (soft_delete's deleted_at) bound to a plain, non-nullable member. */
typedef struct MisNotOpt {
    int64_t id;
    ath_timestamp deleted;
} MisNotOpt;
static const ath_field mis_not_opt_fields[] = {
    ATH_FIELD(MisNotOpt, id, i64, .flags = ATH_PK | ATH_AUTOINC)};
static const ath_mixin_use mis_not_opt_mixins[] = {
    ATH_ATTACH(ath_soft_delete, NULL, ATH_BIND(MisNotOpt, "deleted_at", deleted)),
};
static const ath_model MisNotOpt_model =
    ATH_MODEL_OF(MisNotOpt, "mis_not_opt", mis_not_opt_fields, ATH_MIXINS(mis_not_opt_mixins));

/* A role bound to a field of another column type (an int64_t member declared i64). */
typedef struct MisFieldType {
    int64_t id;
    int64_t created;
    ath_timestamp updated;
} MisFieldType;
static const ath_field mis_field_type_fields[] = {
    ATH_FIELD(MisFieldType, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(MisFieldType, created, i64),
};
static const ath_mixin_use mis_field_type_mixins[] = {
    ATH_ATTACH(ath_audit, NULL, ATH_BIND(MisFieldType, "created_at", created),
               ATH_BIND(MisFieldType, "updated_at", updated)),
};
static const ath_model MisFieldType_model = ATH_MODEL_OF(
    MisFieldType, "mis_field_type", mis_field_type_fields, ATH_MIXINS(mis_field_type_mixins));

/* The same mixin attached twice. */
typedef struct MisTwice {
    int64_t id;
    int64_t v1;
    int64_t v2;
} MisTwice;
static const ath_field mis_twice_fields[] = {
    ATH_FIELD(MisTwice, id, i64, .flags = ATH_PK | ATH_AUTOINC)};
static const ath_mixin_use mis_twice_mixins[] = {
    ATH_ATTACH(ath_mixin_version, NULL, ATH_BIND(MisTwice, "version", v1)),
    ATH_ATTACH(ath_mixin_version, NULL, ATH_BIND(MisTwice, "version", v2)),
};
static const ath_model MisTwice_model =
    ATH_MODEL_OF(MisTwice, "mis_twice", mis_twice_fields, ATH_MIXINS(mis_twice_mixins));

/* A binding naming a role the mixin does not have. */
typedef struct MisNoRole {
    int64_t id;
    ath_opt_timestamp deleted;
    ath_opt_timestamp gone;
} MisNoRole;
static const ath_field mis_no_role_fields[] = {
    ATH_FIELD(MisNoRole, id, i64, .flags = ATH_PK | ATH_AUTOINC)};
static const ath_mixin_use mis_no_role_mixins[] = {
    ATH_ATTACH(ath_soft_delete, NULL, ATH_BIND(MisNoRole, "deleted_at", deleted),
               ATH_BIND(MisNoRole, "removed_at", gone)),
};
static const ath_model MisNoRole_model =
    ATH_MODEL_OF(MisNoRole, "mis_no_role", mis_no_role_fields, ATH_MIXINS(mis_no_role_mixins));

/* A NULL mixin in the list. */
typedef struct MisNull {
    int64_t id;
} MisNull;
static const ath_field mis_null_fields[] = {
    ATH_FIELD(MisNull, id, i64, .flags = ATH_PK | ATH_AUTOINC)};
static const ath_mixin_use mis_null_mixins[] = {{.mixin = NULL}};
static const ath_model MisNull_model =
    ATH_MODEL_OF(MisNull, "mis_null", mis_null_fields, ATH_MIXINS(mis_null_mixins));

/* A text role (slug) bound to an array member: char slug[8] decays to char * in an expression,
 * but Athanor would read its bytes as a pointer; ATH_BIND records it as no pointer type. */
typedef struct MisArray {
    int64_t id;
    char *title;
    char slug[8];
} MisArray;
static const ath_field mis_array_fields[] = {
    ATH_FIELD(MisArray, id, i64, .flags = ATH_PK | ATH_AUTOINC), ATH_FIELD(MisArray, title, text)};
static const ath_slug_config mis_array_slug = {.source = "title"};
static const ath_mixin_use mis_array_mixins[] = {
    ATH_ATTACH(ath_slug, &mis_array_slug, ATH_BIND(MisArray, "slug", slug)),
};
static const ath_model MisArray_model =
    ATH_MODEL_OF(MisArray, "mis_array", mis_array_fields, ATH_MIXINS(mis_array_mixins));

/* A mixin built for a newer mixin ABI than this library knows, and one from before `abi`
 * existed (0: read as ABI 1). */
static const ath_mixin future_mixin = {.abi = ATH_MIXIN_ABI + 1, .name = "future"};
static const ath_mixin unversioned_mixin = {.name = "unversioned"};
typedef struct MisAbi {
    int64_t id;
} MisAbi;
static const ath_field mis_abi_fields[] = {ATH_FIELD(MisAbi, id, i64, .flags = ATH_PK)};
static const ath_mixin_use mis_future_mixins[] = {{.mixin = &future_mixin}};
static const ath_model MisFuture_model =
    ATH_MODEL_OF(MisAbi, "mis_future", mis_abi_fields, ATH_MIXINS(mis_future_mixins));
static const ath_mixin_use mis_unversioned_mixins[] = {{.mixin = &unversioned_mixin}};
static const ath_model MisUnversioned_model =
    ATH_MODEL_OF(MisAbi, "mis_unversioned", mis_abi_fields, ATH_MIXINS(mis_unversioned_mixins));

/* A correct plain struct, for contrast. */
typedef struct MisFine {
    int64_t id;
    ath_timestamp created;
    ath_timestamp updated;
} MisFine;
static const ath_field mis_fine_fields[] = {
    ATH_FIELD(MisFine, id, i64, .flags = ATH_PK | ATH_AUTOINC)};
static const ath_mixin_use mis_fine_mixins[] = {
    ATH_ATTACH(ath_audit, NULL, ATH_BIND(MisFine, "created_at", created),
               ATH_BIND(MisFine, "updated_at", updated)),
};
static const ath_model MisFine_model =
    ATH_MODEL_OF(MisFine, "mis_fine", mis_fine_fields, ATH_MIXINS(mis_fine_mixins));

/* --- tests
 * ---------------------------------------------------------------------------------------- */

static void test_role_not_bound(void)
{
    ASSERT_RC(ath_model_validate(&MisUnbound_model), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("MisUnbound", "audit", "updated_at", "not bound",
                       "ATH_BIND(MisUnbound, \"updated_at\"");
}

static void test_timestamp_role_on_int32_member(void)
{
    ASSERT_RC(ath_model_validate(&MisTsInt_model), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("MisTsInt", "audit", "created_at", "member created", "int32_t", "timestamp");
}

static void test_uuid_role_on_char_pointer_member(void)
{
    ASSERT_RC(ath_model_validate(&MisUuidText_model), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("MisUuidText", "uuid_pk", "role id", "member key", "char *", "ath_uuid");
}

static void test_nullable_role_on_plain_member(void)
{
    ASSERT_RC(ath_model_validate(&MisNotOpt_model), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("MisNotOpt", "soft_delete", "deleted_at", "member deleted", "nullable",
                       "ath_opt_timestamp");
}

static void test_role_on_field_of_other_type(void)
{
    ASSERT_RC(ath_model_validate(&MisFieldType_model), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("MisFieldType", "audit", "created_at", "field created", "i64", "timestamp");
}

static void test_mixin_attached_twice(void)
{
    ASSERT_RC(ath_model_validate(&MisTwice_model), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("MisTwice", "version", "attached twice");
}

static void test_binding_names_unknown_role(void)
{
    ASSERT_RC(ath_model_validate(&MisNoRole_model), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("MisNoRole", "soft_delete", "removed_at", "no such role");
}

static void test_null_mixin(void)
{
    ASSERT_RC(ath_model_validate(&MisNull_model), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("MisNull", "mixin 1 is NULL");
}

static void test_text_role_on_array_member(void)
{
    ASSERT_RC(ath_model_validate(&MisArray_model), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("MisArray", "slug", "member slug", "an array", "char *");
}

static void test_mixin_of_newer_abi_is_refused(void)
{
    ASSERT_RC(ath_model_validate(&MisFuture_model), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("MisAbi", "mixin future", "built for mixin ABI 2", "knows ABI 1");
    ASSERT_RC(ath_model_validate(&MisUnversioned_model), ATH_OK);
}

static void test_correct_binding_validates(void)
{
    ASSERT_RC(ath_model_validate(&MisFine_model), ATH_OK);
}

/* ath_repo_open and ath_create_all refuse the same models with the same words. */
static void test_repo_open_and_create_all_refuse(void)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ath_repo *r = NULL;
    ASSERT_RC(ath_engine_create(&e, "sqlite:///:memory:"), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    ASSERT_RC(ath_create_all(e, ATH_MODELS(&MisTwice_model)), ATH_EINVAL);
    ASSERT_ERR_HAS_ALL("MisTwice", "version", "attached twice");
    int rc = ath_session_open(&s, e);
    ASSERT_RC(rc, ATH_OK);
    if (rc == ATH_OK) {
        static const ath_model *const bad[] = {&MisUnbound_model, &MisTsInt_model,
                                               &MisUuidText_model, &MisNoRole_model,
                                               &MisTwice_model};
        static const char *const role[] = {"updated_at", "created_at", "id", "removed_at",
                                           "attached twice"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            r = (ath_repo *)1;
            ASSERT_RC(ath_repo_open(&r, s, bad[i]), ATH_EINVAL);
            CU_ASSERT_PTR_NULL(r);
            ASSERT_ERR_HAS_ALL(bad[i]->name, role[i]);
            if (r != (ath_repo *)1)
                ath_repo_free(r);
        }
        ASSERT_RC(ath_repo_open(&r, s, &MisFine_model), ATH_OK);
        ath_repo_free(r);
    }
    ath_session_close(s);
    ath_engine_dispose(e);
}

const test_case misconfig_tests[] = {
    {"role_not_bound", test_role_not_bound},
    {"timestamp_role_on_int32_member", test_timestamp_role_on_int32_member},
    {"uuid_role_on_char_pointer_member", test_uuid_role_on_char_pointer_member},
    {"nullable_role_on_plain_member", test_nullable_role_on_plain_member},
    {"role_on_field_of_other_type", test_role_on_field_of_other_type},
    {"mixin_attached_twice", test_mixin_attached_twice},
    {"binding_names_unknown_role", test_binding_names_unknown_role},
    {"null_mixin", test_null_mixin},
    {"text_role_on_array_member", test_text_role_on_array_member},
    {"mixin_of_newer_abi_is_refused", test_mixin_of_newer_abi_is_refused},
    {"correct_binding_validates", test_correct_binding_validates},
    {"repo_open_and_create_all_refuse", test_repo_open_and_create_all_refuse},
    {NULL, NULL},
};

TEST_SUITE(misconfig) { mx_add_group("misconfig", misconfig_tests, NULL, 0); }
