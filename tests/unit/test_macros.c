/*
 * Every public macro of every installed header, used at least once (issue 11: ATH_DEFAULT_TEXT
 * did not compile and nothing noticed). The last test reads the headers and fails when one of
 * them defines an ATH_ macro that this file never names, so a new macro comes with a use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor/athanor.h>
#include <athanor/sys/driver.h>
#include <athanor/mixins.h>

#include "runner.h"

/* export.h: ATH_API, ATH_BEGIN_DECLS / ATH_END_DECLS, ATH_PRINTF */
ATH_BEGIN_DECLS
static int macro_format(char *buf, size_t size, const char *fmt, ...) ATH_PRINTF(3, 4);
ATH_END_DECLS
static int macro_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
ATH_API const char *ath_type_name(ath_type type); /* ATH_API: a compatible redeclaration */

/* model.h: ATH_FIELD, ATH_MODEL_OF, every ATH_DEFAULT_*, ATH_OFFSET_AUTO */
typedef struct MacroPlain {
    int64_t id;
    ath_opt_i32 small;
    ath_opt_i64 big;
    ath_opt_double ratio;
    ath_opt_bool flag;
    char *label;
} MacroPlain;
static const ath_field macro_plain_fields[] = {
    ATH_FIELD(MacroPlain, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(MacroPlain, small, opt_i32, .default_value = ATH_DEFAULT_I32(7)),
    ATH_FIELD(MacroPlain, big, opt_i64, .default_value = ATH_DEFAULT_I64(5000000000)),
    ATH_FIELD(MacroPlain, ratio, opt_double, .default_value = ATH_DEFAULT_DOUBLE(0.5)),
    ATH_FIELD(MacroPlain, flag, opt_bool, .default_value = ATH_DEFAULT_BOOL(true)),
    ATH_FIELD(MacroPlain, label, opt_text, .default_value = ATH_DEFAULT_TEXT("none")),
};
static const ath_model MacroPlain_model =
    ATH_MODEL_OF(MacroPlain, "macro_plain", macro_plain_fields);

/* model.h: ATH_MODEL, ATH_MODEL_STRUCT + ATH_MODEL_DEFINE, ATH_MODEL_DECLARE */
#define MACRO_ONE_FIELDS(F) F(id, i64, .flags = ATH_PK) F(name, text, .max_length = 20)
ATH_MODEL(MacroOne, "macro_one", MACRO_ONE_FIELDS);
#define MACRO_TWO_FIELDS(F) F(id, i32, .flags = ATH_PK) F(when, timestamp)
ATH_MODEL_STRUCT(MacroTwo, MACRO_TWO_FIELDS);
static const ath_table_index macro_two_indexes[] = {ATH_UNIQUE_ON("id", "when"),
                                                    ATH_INDEX_ON("when")};
ATH_MODEL_DEFINE(MacroTwo, "macro_two", MACRO_TWO_FIELDS, ATH_INDEXES(macro_two_indexes));
#define MACRO_THREE_FIELDS(F) F(id, uuid, .flags = ATH_PK) F(doc, opt_json)
ATH_MODEL_DECLARE(MacroThree, MACRO_THREE_FIELDS);
ATH_MODEL_DEFINE(MacroThree, "macro_three", MACRO_THREE_FIELDS);

/* model.h and mixin.h: relations -- ATH_MODEL_REL, ATH_MODEL_WITH_REL, ATH_MANY_TO_ONE,
 * ATH_ONE_TO_MANY, ATH_RELATIONS */
typedef struct MacroKid MacroKid;
static const ath_model MacroKid_model;
#define MACRO_MOM_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(name, text)
#define MACRO_MOM_RELS(R)                                                                          \
    R(kids, one_to_many, MacroKid, "mom_id")                                                       \
    R(boss, many_to_one, MacroMom, "boss_id", .on_delete = ATH_FK_SET_NULL)
#define MACRO_MOM_FIELDS2(F) MACRO_MOM_FIELDS(F) F(boss_id, opt_i64)
ATH_MODEL_REL(MacroMom, "macro_mom", MACRO_MOM_FIELDS2, MACRO_MOM_RELS);
#define MACRO_AUNT_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC)
#define MACRO_AUNT_MIXINS(M) M(AUDIT)
typedef struct MacroKin { /* a link model */
    int64_t kid_id;
    int64_t aunt_id;
} MacroKin;
static const ath_field macro_kin_fields[] = {
    ATH_FIELD(MacroKin, kid_id, i64, .flags = ATH_PK),
    ATH_FIELD(MacroKin, aunt_id, i64, .flags = ATH_PK),
};
static const ath_model MacroKin_model = ATH_MODEL_OF(MacroKin, "macro_kin", macro_kin_fields);
#define MACRO_AUNT_RELS(R)                                                                         \
    R(nieces, one_to_many, MacroKid, "aunt_id")                                                    \
    R(kin, many_to_many, MacroKid, MacroKin, "aunt_id", "kid_id")
ATH_MODEL_WITH_REL(MacroAunt, "macro_aunt", MACRO_AUNT_FIELDS, MACRO_AUNT_MIXINS, MACRO_AUNT_RELS);
struct MacroKid {
    int64_t id;
    int64_t mom_id;
    int64_t aunt_id;
    MacroMom *mom;
    MacroKid *siblings;
    size_t nsiblings;
    MacroAunt *aunts;
    size_t naunts;
};
static const ath_field macro_kid_fields[] = {
    ATH_FIELD(MacroKid, id, i64, .flags = ATH_PK),
    ATH_FIELD(MacroKid, mom_id, i64),
    ATH_FIELD(MacroKid, aunt_id, i64),
};
static const ath_relation macro_kid_rels[] = {
    ATH_MANY_TO_ONE(MacroKid, mom, MacroMom_model, "mom_id", .on_delete = ATH_FK_CASCADE),
    ATH_ONE_TO_MANY(MacroKid, siblings, nsiblings, MacroKid_model, "mom_id", .local = "mom_id"),
    ATH_MANY_TO_MANY(MacroKid, aunts, naunts, MacroAunt_model, MacroKin_model, "kid_id", "aunt_id"),
};
static const ath_model MacroKid_model =
    ATH_MODEL_OF(MacroKid, "macro_kid", macro_kid_fields, ATH_RELATIONS(macro_kid_rels));

static void test_relation_macros_describe_their_members(void)
{
    CU_ASSERT_EQUAL(MacroMom_model.nrelations, 2);
    CU_ASSERT_STRING_EQUAL(MacroMom_model.relations[0].name, "kids");
    CU_ASSERT_EQUAL(MacroMom_model.relations[0].kind, ATH_REL_ONE_TO_MANY);
    CU_ASSERT_PTR_EQUAL(MacroMom_model.relations[0].target, &MacroKid_model);
    CU_ASSERT_EQUAL(MacroMom_model.relations[1].offset, ATH_OFFSET_AUTO);
    CU_ASSERT_PTR_EQUAL(MacroMom_model.relations[1].target, &MacroMom_model);
    CU_ASSERT_EQUAL(MacroMom_model.relations[1].on_delete, ATH_FK_SET_NULL);
    CU_ASSERT_EQUAL(MacroAunt_model.nrelations, 2);
    CU_ASSERT_EQUAL(MacroAunt_model.relations[1].kind, ATH_REL_MANY_TO_MANY);
    CU_ASSERT_PTR_EQUAL(MacroAunt_model.relations[1].through, &MacroKin_model);
    CU_ASSERT_STRING_EQUAL(MacroAunt_model.relations[1].through_local, "aunt_id");
    CU_ASSERT_EQUAL(MacroKid_model.relations[2].count_offset, offsetof(MacroKid, naunts));
    CU_ASSERT_STRING_EQUAL(MacroKid_model.relations[2].through_remote, "aunt_id");
    CU_ASSERT_EQUAL(MacroAunt_model.nmixins, 1);
    CU_ASSERT_EQUAL(MacroKid_model.relations[0].offset, offsetof(MacroKid, mom));
    CU_ASSERT_EQUAL(MacroKid_model.relations[1].count_offset, offsetof(MacroKid, nsiblings));
    CU_ASSERT_STRING_EQUAL(MacroKid_model.relations[1].local, "mom_id");
    /* the computed layout of macro models includes the relation members */
    CU_ASSERT_EQUAL(ath_model_validate(&MacroMom_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&MacroAunt_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&MacroKid_model), ATH_OK);
    /* ath_model_free_fields frees a loaded graph deeply */
    MacroMom mom = {0};
    mom.name = malloc(4);
    mom.kids = calloc(2, sizeof *mom.kids);
    mom.kids_count = 2;
    mom.boss = calloc(1, sizeof *mom.boss);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mom.name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mom.kids);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mom.boss);
    mom.boss->name = malloc(4);
    mom.kids[1].mom = calloc(1, sizeof *mom.kids[1].mom);
    ath_model_free_fields(&MacroMom_model, &mom);
    CU_ASSERT_PTR_NULL(mom.kids);
    CU_ASSERT_EQUAL(mom.kids_count, 0);
    CU_ASSERT_PTR_NULL(mom.boss);
    CU_ASSERT_PTR_NULL(mom.name);
}

/* mixin.h: ATH_MODEL_WITH over every standard mixin's ATH_MIXIN_FIELDS_* / ATH_MIXIN_OBJECT_* */
#define MACRO_POST_FIELDS(F) F(title, text)
#define MACRO_POST_MIXINS(M) M(BIGINT_PK) M(AUDIT) M(SOFT_DELETE) M(SLUG) M(VERSION) M(UNIQUE)
ATH_MODEL_WITH(MacroPost, "macro_post", MACRO_POST_FIELDS, MACRO_POST_MIXINS);
#define MACRO_DOC_FIELDS(F) F(body, text)
#define MACRO_DOC_MIXINS(M) M(UUID_PK)
ATH_MODEL_WITH(MacroDoc, "macro_doc", MACRO_DOC_FIELDS, MACRO_DOC_MIXINS);
#define MACRO_LOG_FIELDS(F) F(line, text)
#define MACRO_LOG_MIXINS(M) M(UUID7_PK)
ATH_MODEL_WITH(MacroLog, "macro_log", MACRO_LOG_FIELDS, MACRO_LOG_MIXINS);
/* the same members and mixin objects named directly */
typedef struct MacroKeyA {
    ATH_MIXIN_FIELDS_UUID_PK(ATH__MEMBER)
} MacroKeyA;
typedef struct MacroKeyB {
    ATH_MIXIN_FIELDS_UUID7_PK(ATH__MEMBER)
} MacroKeyB;
typedef struct MacroKeyC {
    ATH_MIXIN_FIELDS_BIGINT_PK(ATH__MEMBER)
} MacroKeyC;
typedef struct MacroMembers {
    ATH_MIXIN_FIELDS_AUDIT(ATH__MEMBER)
    ATH_MIXIN_FIELDS_SOFT_DELETE(ATH__MEMBER)
    ATH_MIXIN_FIELDS_SLUG(ATH__MEMBER)
    ATH_MIXIN_FIELDS_VERSION(ATH__MEMBER)
    ATH_MIXIN_FIELDS_UNIQUE(ATH__MEMBER)
} MacroMembers;
static const ath_mixin *const macro_mixin_objects[] = {
    &ATH_MIXIN_OBJECT_UUID_PK, &ATH_MIXIN_OBJECT_UUID7_PK,    &ATH_MIXIN_OBJECT_BIGINT_PK,
    &ATH_MIXIN_OBJECT_AUDIT,   &ATH_MIXIN_OBJECT_SOFT_DELETE, &ATH_MIXIN_OBJECT_SLUG,
    &ATH_MIXIN_OBJECT_VERSION, &ATH_MIXIN_OBJECT_UNIQUE,
};

/* mixin.h: ATH_ATTACH, ATH_BIND, ATH_MIXINS on a plain struct */
typedef struct MacroAudited {
    int64_t id;
    ath_timestamp made;
    ath_timestamp changed;
} MacroAudited;
static const ath_field macro_audited_fields[] = {
    ATH_FIELD(MacroAudited, id, i64, .flags = ATH_PK | ATH_AUTOINC),
};
static const ath_mixin_use macro_audited_mixins[] = {
    ATH_ATTACH(ath_audit, NULL, ATH_BIND(MacroAudited, "created_at", made),
               ATH_BIND(MacroAudited, "updated_at", changed)),
};
static const ath_model MacroAudited_model = ATH_MODEL_OF(
    MacroAudited, "macro_audited", macro_audited_fields, ATH_MIXINS(macro_audited_mixins));

/* repository.h: ATH_REPOSITORY */
ATH_REPOSITORY(MacroOneRepository, MacroOne, MacroOne_model);

/* value.h: the text buffer sizes */
static void test_value_buffer_macros_fit_their_text(void)
{
    char ts[ATH_TIMESTAMP_TEXT_MAX], d[ATH_DATE_TEXT_MAX], u[ATH_UUID_TEXT_MAX];
    ath_uuid id;
    memset(&id, 0xab, sizeof id);
    CU_ASSERT_TRUE(ath_timestamp_format(INT64_C(253402300799999999), true, ts, sizeof ts) <
                   (int)sizeof ts);
    CU_ASSERT_TRUE(ath_date_format(-719162, d, sizeof d) < (int)sizeof d);
    CU_ASSERT_EQUAL(ath_uuid_format(&id, u, sizeof u), 36);
}

static void test_default_macros_give_typed_values(void)
{
    CU_ASSERT_EQUAL(ath_model_validate(&MacroPlain_model), ATH_OK);
    const ath_value *text = &macro_plain_fields[5].default_value;
    CU_ASSERT_EQUAL(text->type, ATH_T_TEXT);
    CU_ASSERT_EQUAL(text->u.s.len, 4);
    CU_ASSERT_NSTRING_EQUAL(text->u.s.ptr, "none", 4);
    CU_ASSERT_EQUAL(macro_plain_fields[1].default_value.u.i32, 7);
    CU_ASSERT_EQUAL(macro_plain_fields[2].default_value.u.i64, INT64_C(5000000000));
    CU_ASSERT_EQUAL(macro_plain_fields[3].default_value.u.f64, 0.5);
    CU_ASSERT_TRUE(macro_plain_fields[4].default_value.u.b);
}

static void test_model_macros_describe_their_structs(void)
{
    CU_ASSERT_EQUAL(ath_model_validate(&MacroOne_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&MacroTwo_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&MacroThree_model), ATH_OK);
    CU_ASSERT_EQUAL(MacroOne_model.nfields, 2);
    CU_ASSERT_EQUAL(MacroOne_fields_[1].max_length, 20);
    CU_ASSERT_EQUAL(MacroTwo_model.struct_size, sizeof(MacroTwo));
    CU_ASSERT_EQUAL(MacroTwo_model.nindexes, 2);
    CU_ASSERT_EQUAL(MacroTwo_model.indexes[0].ncolumns, 2);
    CU_ASSERT_TRUE(MacroTwo_model.indexes[0].unique);
    CU_ASSERT_FALSE(MacroTwo_model.indexes[1].unique);
    CU_ASSERT_STRING_EQUAL(MacroTwo_model.indexes[1].columns[0], "when");
    CU_ASSERT_EQUAL(MacroThree_model.fields[1].type, ATH_T_JSON);
    CU_ASSERT_EQUAL(MacroOne_fields_[0].offset, ATH_OFFSET_AUTO);
    /* every model macro stamps the descriptor version */
    CU_ASSERT_EQUAL(MacroOne_model.version, ATH_MODEL_VERSION);
    CU_ASSERT_EQUAL(MacroTwo_model.version, ATH_MODEL_VERSION);
    CU_ASSERT_EQUAL(MacroPlain_model.version, ATH_MODEL_VERSION);
    CU_ASSERT_EQUAL(MacroThree_model.version, ATH_MODEL_VERSION);
    CU_ASSERT_EQUAL(MacroAudited_model.version, ATH_MODEL_VERSION);
    CU_ASSERT_EQUAL(MacroPost_model.version, ATH_MODEL_VERSION);
    CU_ASSERT_EQUAL(MacroMom_model.version, ATH_MODEL_VERSION);
    CU_ASSERT_EQUAL(MacroAunt_model.version, ATH_MODEL_VERSION);
    const ath_repo_options o = ATH_REPO_OPTIONS_INIT;
    CU_ASSERT_EQUAL(o.version, ATH_REPO_OPTIONS_VERSION);
    CU_ASSERT_FALSE(o.auto_commit);
}

static void test_mixin_macros_attach_and_bind(void)
{
    CU_ASSERT_EQUAL(ath_model_validate(&MacroPost_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&MacroDoc_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&MacroLog_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&MacroAudited_model), ATH_OK);
    CU_ASSERT_EQUAL(MacroPost_model.nmixins, 6);
    CU_ASSERT_EQUAL(MacroAudited_model.nmixins, 1);
    CU_ASSERT_EQUAL(macro_audited_mixins[0].nbindings, 2);
    CU_ASSERT_EQUAL(macro_audited_mixins[0].bindings[1].offset, offsetof(MacroAudited, changed));
    CU_ASSERT_EQUAL(sizeof(((MacroPost *)0)->slug), sizeof(char *));
    CU_ASSERT_EQUAL(sizeof macro_mixin_objects / sizeof macro_mixin_objects[0], 8);
    CU_ASSERT_PTR_EQUAL(macro_mixin_objects[5], &ath_slug);
    CU_ASSERT_EQUAL(sizeof(MacroKeyA), sizeof(ath_uuid));
    CU_ASSERT_EQUAL(sizeof(MacroKeyB), sizeof(ath_uuid));
    CU_ASSERT_EQUAL(sizeof(MacroKeyC), sizeof(int64_t));
    CU_ASSERT_EQUAL(offsetof(MacroMembers, updated_at), sizeof(ath_timestamp));
}

static size_t count_filters(const ath_filter *f, size_t n)
{
    return f ? n : 0;
}
static size_t count_names(const char *const *names, size_t n)
{
    return names ? n : 0;
}
static size_t count_models(const ath_model *const *models, size_t n)
{
    return models ? n : 0;
}

static void test_list_macros_pass_arrays_and_lengths(void)
{
    CU_ASSERT_EQUAL(
        count_filters(ATH_FILTERS(ath_where("id", ATH_EQ, ath_v_i64(1)),
                                  ath_collection("id", ATH_VALUES(ath_v_i64(1), ath_v_i64(2))))),
        2);
    CU_ASSERT_EQUAL(count_filters(ATH_NO_FILTERS), 0);
    CU_ASSERT_EQUAL(count_names(ATH_NAMES("name", "id", "when")), 3);
    CU_ASSERT_EQUAL(count_models(ATH_MODELS(&MacroOne_model, &MacroTwo_model)), 2);
    ath_filter f = ath_collection("id", ATH_VALUES(ath_v_i64(3), ath_v_i64(4), ath_v_i64(5)));
    CU_ASSERT_EQUAL(f.nvalues, 3);
}

static void test_repository_macro_writes_a_typed_wrapper(void)
{
    ath_engine *engine = NULL;
    ath_session *s = NULL;
    MacroOneRepository *repo = NULL;
    CU_ASSERT_EQUAL_FATAL(ath_engine_create(&engine, "sqlite:///:memory:"), ATH_OK);
    CU_ASSERT_EQUAL(ath_create_all(engine, ATH_MODELS(&MacroOne_model)), ATH_OK);
    CU_ASSERT_EQUAL_FATAL(ath_session_open(&s, engine), ATH_OK);
    CU_ASSERT_EQUAL_FATAL(MacroOneRepository_open(&repo, s), ATH_OK);
    MacroOne one = {.id = 4, .name = "four"};
    CU_ASSERT_EQUAL(MacroOneRepository_add(repo, &one), ATH_OK);
    MacroOne got = {0};
    CU_ASSERT_EQUAL(MacroOneRepository_get(repo, &got, ath_v_i64(4)), ATH_OK);
    CU_ASSERT_STRING_EQUAL(got.name ? got.name : "(null)", "four");
    ath_model_free_fields(&MacroOne_model, &got);
    MacroOneRepository_free(repo);
    ath_session_close(s);
    ath_engine_dispose(engine);
}

static void test_error_and_driver_macros_expand(void)
{
    char buf[32];
    int codes = 0;
#define MACRO_COUNT(name, value, text) codes++;
    ATH_CODES(MACRO_COUNT)
#undef MACRO_COUNT
    CU_ASSERT_TRUE(codes > 10);
    CU_ASSERT_TRUE(ATH_DRIVER_ABI >= 1);
    CU_ASSERT_EQUAL(ath_audit.abi, (unsigned)ATH_MIXIN_ABI); /* the shipped mixins say theirs */
    ath_dialect d;
    memset(&d, 0, sizeof d);
    d.struct_size = sizeof d;
    CU_ASSERT_FALSE(ATH_DIALECT_HAS(&d, json_check)); /* NULL counts as absent */
    d.json_check = "json_valid(%s)";
    CU_ASSERT_TRUE(ATH_DIALECT_HAS(&d, json_check));
    d.struct_size = (uint32_t)offsetof(ath_dialect, length_check); /* an older driver's */
    CU_ASSERT_FALSE(ATH_DIALECT_HAS(&d, json_check));
    ath_driver drv;
    memset(&drv, 0, sizeof drv);
    drv.struct_size = sizeof drv;
    drv.flags = ATH_DRIVER_NONBLOCKING;
    CU_ASSERT_TRUE(ATH_DRIVER_IS_NONBLOCKING(&drv));
    drv.struct_size = (uint32_t)offsetof(ath_driver, flags); /* built before the flags */
    CU_ASSERT_FALSE(ATH_DRIVER_IS_NONBLOCKING(&drv));
    ath_driver_host host = *ath_driver_host_default();
    CU_ASSERT_TRUE(ATH_HOST_HAS(&host, wait));
    host.struct_size = (uint32_t)offsetof(ath_driver_host, wait); /* an older core's */
    CU_ASSERT_FALSE(ATH_HOST_HAS(&host, wait));
    ath_catalog_sql cat;
    memset(&cat, 0, sizeof cat);
    cat.struct_size = sizeof cat;
    cat.fk_check_sql = "SELECT 1";
    CU_ASSERT_TRUE(ATH_CATALOG_HAS(&cat, fk_check_sql));
    CU_ASSERT_FALSE(ATH_CATALOG_HAS(&cat, fk_off_sql)); /* NULL counts as absent */
    cat.struct_size = (uint32_t)offsetof(ath_catalog_sql, fk_enabled_sql); /* a 0.4 driver's */
    CU_ASSERT_FALSE(ATH_CATALOG_HAS(&cat, fk_check_sql));
    CU_ASSERT_NOT_EQUAL(ATH_WAIT_READ, ATH_WAIT_WRITE);
    CU_ASSERT_EQUAL(ATH_CONNECT_NONBLOCKING, 1u);
    CU_ASSERT_EQUAL(macro_format(buf, sizeof buf, "%d-%s", 11, "x"), 4);
    CU_ASSERT_STRING_EQUAL(buf, "11-x");
    CU_ASSERT_STRING_EQUAL(ath_type_name(ATH_T_JSON), "json");
    char version[32];
    snprintf(version, sizeof version, "%d.%d.%d", ATH_VERSION_MAJOR, ATH_VERSION_MINOR,
             ATH_VERSION_PATCH);
    CU_ASSERT_STRING_EQUAL(version, ATH_VERSION_STRING);
    CU_ASSERT_TRUE(ATH_VERSION_NUMBER >= 0);
    CU_ASSERT_TRUE(ATH_SOVERSION >= 0);
}

/* Every `#define ATH_X` in the installed headers (not ATH__ machinery) appears in this file. */
static void test_every_public_macro_is_used_here(void)
{
    static const char *const headers[] = {
        "include/athanor/athanor.h",        "include/athanor/error.h",
        "include/athanor/export.h",         "include/athanor/url.h",
        "include/athanor/value.h",          "include/athanor/engine.h",
        "include/athanor/session.h",        "include/athanor/model.h",
        "include/athanor/filter.h",         "include/athanor/repository.h",
        "include/athanor/mixin.h",          "include/athanor/schema.h",
        "include/athanor/sys/driver.h",     "include/athanor/version.h.in",
        "plugins/include/athanor/mixins.h",
    };
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/unit/test_macros.c", ATH_SOURCE_DIR);
    FILE *self = fopen(path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(self);
    static char text[1 << 16];
    size_t len = fread(text, 1, sizeof text - 1, self);
    text[len] = '\0';
    fclose(self);
    size_t checked = 0;
    for (size_t h = 0; h < sizeof headers / sizeof headers[0]; h++) {
        snprintf(path, sizeof path, "%s/%s", ATH_SOURCE_DIR, headers[h]);
        FILE *f = fopen(path, "r");
        if (!f) /* a header another change removed or moved: nothing to check there */
            continue;
        char line[512];
        while (fgets(line, sizeof line, f)) {
            char name[128];
            if (sscanf(line, " # define %127[A-Za-z0-9_]", name) != 1 ||
                strncmp(name, "ATH_", 4) != 0 || strncmp(name, "ATH__", 5) == 0)
                continue;
            checked++;
            if (!strstr(text, name)) {
                char msg[256];
                snprintf(msg, sizeof msg,
                         "%s defines %s but tests/unit/test_macros.c never uses it", headers[h],
                         name);
                CU_FAIL(msg);
                fprintf(stderr, "%s\n", msg);
            }
        }
        fclose(f);
    }
    CU_ASSERT_TRUE(checked > 30);
}

TEST_SUITE(macros)
{
    static const test_case tests[] = {
        {"value buffer macros fit their text", test_value_buffer_macros_fit_their_text},
        {"default macros give typed values", test_default_macros_give_typed_values},
        {"model macros describe their structs", test_model_macros_describe_their_structs},
        {"mixin macros attach and bind", test_mixin_macros_attach_and_bind},
        {"relation macros describe their members", test_relation_macros_describe_their_members},
        {"list macros pass arrays and lengths", test_list_macros_pass_arrays_and_lengths},
        {"repository macro writes a typed wrapper", test_repository_macro_writes_a_typed_wrapper},
        {"error and driver macros expand", test_error_and_driver_macros_expand},
        {"every public macro is used here", test_every_public_macro_is_used_here},
        {NULL, NULL},
    };
    test_add_suite("macros", NULL, NULL, tests);
}
