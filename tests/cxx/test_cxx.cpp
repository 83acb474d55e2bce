/*
 * The public macros from C++17 (-Wall -Wextra -Wpedantic -Werror): a plain struct mapped with
 * ATH_FIELD (options, client defaults), a macro-declared model (ATH_MODEL), mixins attached both
 * ways (ATH_MODEL_WITH, ATH_ATTACH/ATH_BIND), ATH_FILTERS / ATH_VALUES / ATH_MODELS, and
 * ATH_REPOSITORY, relations (ATH_MANY_TO_ONE / ATH_ONE_TO_MANY / ATH_NAMES) and ATH_UNIQUE_ON —
 * each written, read back and counted on every URL of ATHANOR_TEST_URLS
 * (default sqlite:///:memory:).
 */
#include <CUnit/Basic.h>

#include <athanor/athanor.h>
#include <athanor/mixins.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

struct Gadget {
    int64_t id;
    char *label;
    ath_opt_i32 rank;
    double weight;
};
static const ath_field gadget_fields[] = {
    ATH_FIELD(Gadget, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Gadget, label, text, .flags = ATH_UNIQUE, .max_length = 40),
    ATH_FIELD(Gadget, rank, opt_i32, .default_value = ATH_DEFAULT_I32(7)),
    ATH_FIELD(Gadget, weight, double, .column = "weight_kg"),
};
static const ath_model Gadget_model = ATH_MODEL_OF(Gadget, "cxx_gadget", gadget_fields);
ATH_REPOSITORY(GadgetRepository, Gadget, Gadget_model);

#define PART_FIELDS(F)                                                                             \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(code, text, .flags = ATH_INDEX, .max_length = 16)                                            \
    F(qty, i32)
ATH_MODEL(Part, "cxx_part", PART_FIELDS);
/* a multi-column unique constraint and index, as an option of the macro-declared model */
static const ath_table_index part_indexes[] = {ATH_UNIQUE_ON("id", "code"), ATH_INDEX_ON("code", "qty")};
#define PART_FIELDS_IX(F) PART_FIELDS(F)
ATH_MODEL(PartIx, "cxx_part_ix", PART_FIELDS_IX, ATH_INDEXES(part_indexes));

/* a field with an onupdate function, in both model styles */
static int next_rev(ath_value *out, const void *)
{
    *out = ath_v_i64(42);
    return ATH_OK;
}
struct Sheet {
    int64_t id;
    int64_t rev;
};
static const ath_field sheet_fields[] = {ATH_FIELD(Sheet, id, i64, .flags = ATH_PK | ATH_AUTOINC),
                                         ATH_FIELD(Sheet, rev, i64, .onupdate = next_rev)};
static const ath_model Sheet_model = ATH_MODEL_OF(Sheet, "cxx_sheet", sheet_fields);
#define PAGE_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(rev, i64, .onupdate = next_rev)
ATH_MODEL(Page, "cxx_page", PAGE_FIELDS);
/* and an onupdate_sql expression, in both styles */
static const ath_field sheet_sql_fields[] = {
    ATH_FIELD(Sheet, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Sheet, rev, i64, .onupdate_sql = "cxx_sheet.rev + 1")};
static const ath_model SheetSql_model = ATH_MODEL_OF(Sheet, "cxx_sheet", sheet_sql_fields);
#define STAMPED_FIELDS(F)                                                                          \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(edited, timestamp, .onupdate_sql = "CURRENT_TIMESTAMP")
ATH_MODEL(Stamped, "cxx_stamped", STAMPED_FIELDS);

#define NOTE_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(title, text)
#define NOTE_MIXINS(M) M(AUDIT)
ATH_MODEL_WITH(Note, "cxx_note", NOTE_FIELDS, NOTE_MIXINS);

struct Memo {
    int64_t id;
    char *body;
    ath_timestamp made;
    ath_timestamp changed;
};
static const ath_field memo_fields[] = {ATH_FIELD(Memo, id, i64, .flags = ATH_PK | ATH_AUTOINC),
                                        ATH_FIELD(Memo, body, text)};
static const ath_mixin_use memo_mixins[] = {
    ATH_ATTACH(ath_audit, NULL, ATH_BIND(Memo, "created_at", made),
               ATH_BIND(Memo, "updated_at", changed)),
};
static const ath_model Memo_model =
    ATH_MODEL_OF(Memo, "cxx_memo", memo_fields, ATH_MIXINS(memo_mixins));

/* a text role bound to an array: recorded as no pointer type, refused by validation */
struct BadMemo {
    int64_t id;
    char title[8];
};
static const ath_field bad_memo_fields[] = {
    ATH_FIELD(BadMemo, id, i64, .flags = ATH_PK | ATH_AUTOINC)};
static const ath_slug_config bad_slug = {"id"};
static const ath_mixin_use bad_memo_mixins[] = {
    ATH_ATTACH(ath_slug, &bad_slug, ATH_BIND(BadMemo, "slug", title)),
};
static const ath_model BadMemo_model =
    ATH_MODEL_OF(BadMemo, "cxx_bad_memo", bad_memo_fields, ATH_MIXINS(bad_memo_mixins));

/* relations of plain structs: a crew has members, a member belongs to a crew */
struct Member;
struct Crew {
    int64_t id;
    char *name;
    Member *members;
    size_t members_count;
};
struct Badge {
    int64_t id;
    char *name;
};
struct Member {
    int64_t id;
    char *name;
    ath_opt_i64 crew_id;
    Crew *crew;
    Badge *badges; /* many-to-many through cxx_member_badge */
    size_t nbadges;
};
struct MemberBadge {
    int64_t member_id;
    int64_t badge_id;
};
extern const ath_model Crew_model, Member_model;
static const ath_field badge_fields[] = {ATH_FIELD(Badge, id, i64, .flags = ATH_PK | ATH_AUTOINC),
                                         ATH_FIELD(Badge, name, text)};
static const ath_model Badge_model = ATH_MODEL_OF(Badge, "cxx_badge", badge_fields);
static const ath_field member_badge_fields[] = {
    ATH_FIELD(MemberBadge, member_id, i64, .flags = ATH_PK, .references = "cxx_member.id"),
    ATH_FIELD(MemberBadge, badge_id, i64, .flags = ATH_PK, .references = "cxx_badge.id")};
static const ath_model MemberBadge_model =
    ATH_MODEL_OF(MemberBadge, "cxx_member_badge", member_badge_fields);
static const ath_field crew_fields[] = {ATH_FIELD(Crew, id, i64, .flags = ATH_PK | ATH_AUTOINC),
                                        ATH_FIELD(Crew, name, text)};
static const ath_relation crew_relations[] = {
    ATH_ONE_TO_MANY(Crew, members, members_count, Member_model, "crew_id")};
const ath_model Crew_model =
    ATH_MODEL_OF(Crew, "cxx_crew", crew_fields, ATH_RELATIONS(crew_relations));
static const ath_field member_fields[] = {
    ATH_FIELD(Member, id, i64, .flags = ATH_PK | ATH_AUTOINC), ATH_FIELD(Member, name, text),
    ATH_FIELD(Member, crew_id, opt_i64)};
static const ath_relation member_relations[] = {
    ATH_MANY_TO_ONE(Member, crew, Crew_model, "crew_id", .on_delete = ATH_FK_CASCADE),
    ATH_MANY_TO_MANY(Member, badges, nbadges, Badge_model, MemberBadge_model, "member_id",
                     "badge_id")};
static const ath_table_index member_indexes[] = {ATH_UNIQUE_ON("crew_id", "name")};
const ath_model Member_model = ATH_MODEL_OF(Member, "cxx_member", member_fields,
                                            ATH_RELATIONS(member_relations),
                                            ATH_INDEXES(member_indexes));

static std::vector<std::string> urls;

#define CHECK_OK(call)                                                                             \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ != ATH_OK)                                                                         \
            std::fprintf(stderr, "%s:%d: %s -> %s: %s\n", __FILE__, __LINE__, #call,               \
                         ath_code_name(rc_), ath_error_last()->message);                           \
        CU_ASSERT_EQUAL_FATAL(rc_, ATH_OK);                                                        \
    } while (0)

static void test_descriptors_match_the_c_macros()
{
    CU_ASSERT_EQUAL(Gadget_model.nfields, 4u);
    CU_ASSERT_STRING_EQUAL(Gadget_model.name, "Gadget");
    CU_ASSERT_EQUAL(gadget_fields[0].flags, ATH_PK | ATH_AUTOINC);
    CU_ASSERT_EQUAL(gadget_fields[1].max_length, 40);
    CU_ASSERT_EQUAL(gadget_fields[1].offset, offsetof(Gadget, label));
    CU_ASSERT_EQUAL(gadget_fields[2].kind_flags, ATH_NULLABLE);
    CU_ASSERT_EQUAL(gadget_fields[2].default_value.type, ATH_T_I32);
    CU_ASSERT_STRING_EQUAL(gadget_fields[3].column, "weight_kg");
    CU_ASSERT(sheet_fields[1].onupdate == next_rev);
    CU_ASSERT(Page_model.fields[1].onupdate == next_rev);
    CU_ASSERT(Page_model.fields[0].onupdate == nullptr);
    CU_ASSERT_EQUAL(ath_model_validate(&Sheet_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&Page_model), ATH_OK);
    CU_ASSERT_STRING_EQUAL(SheetSql_model.fields[1].onupdate_sql, "cxx_sheet.rev + 1");
    CU_ASSERT(SheetSql_model.fields[1].onupdate == nullptr);
    CU_ASSERT_STRING_EQUAL(Stamped_model.fields[1].onupdate_sql, "CURRENT_TIMESTAMP");
    CU_ASSERT(Stamped_model.fields[0].onupdate_sql == nullptr);
    CU_ASSERT_EQUAL(ath_model_validate(&SheetSql_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&Stamped_model), ATH_OK);
    CU_ASSERT_EQUAL(Part_model.nfields, 3u);
    CU_ASSERT_EQUAL(Part_model.struct_size, sizeof(Part));
    CU_ASSERT_EQUAL(PartIx_model.nindexes, 2u);
    CU_ASSERT_EQUAL(PartIx_model.indexes[0].ncolumns, 2u);
    CU_ASSERT(PartIx_model.indexes[0].unique);
    CU_ASSERT_STRING_EQUAL(PartIx_model.indexes[0].columns[1], "code");
    CU_ASSERT(!PartIx_model.indexes[1].unique);
    CU_ASSERT_EQUAL(ath_model_validate(&PartIx_model), ATH_OK);
    CU_ASSERT_EQUAL(Note_model.nmixins, 1u);
    CU_ASSERT_EQUAL(Memo_model.mixins[0].nbindings, 2u);
    CU_ASSERT_EQUAL(ath_model_validate(&Gadget_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&Part_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&Note_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&Memo_model), ATH_OK);
    CU_ASSERT_EQUAL(Member_model.nrelations, 2u);
    CU_ASSERT_EQUAL(member_relations[1].kind, ATH_REL_MANY_TO_MANY);
    CU_ASSERT_PTR_EQUAL(member_relations[1].through, &MemberBadge_model);
    CU_ASSERT_STRING_EQUAL(member_relations[1].through_remote, "badge_id");
    CU_ASSERT_EQUAL(member_relations[1].count_offset, offsetof(Member, nbadges));
    CU_ASSERT_EQUAL(member_relations[0].on_delete, ATH_FK_CASCADE);
    CU_ASSERT_EQUAL(crew_relations[0].count_offset, offsetof(Crew, members_count));
    CU_ASSERT_EQUAL(member_indexes[0].ncolumns, 2u);
    CU_ASSERT_EQUAL(ath_model_validate(&Crew_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&Member_model), ATH_OK);
    CU_ASSERT_EQUAL(ath_model_validate(&BadMemo_model), ATH_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(std::strstr(ath_error_last()->message, "an array"));
}

static void round_trip(const std::string &url)
{
    ath_engine *engine = nullptr;
    ath_session *session = nullptr;
    CHECK_OK(ath_engine_create(&engine, url.c_str()));
    ath_drop_all(engine, ATH_MODELS(&Gadget_model, &Part_model, &Note_model, &Memo_model,
                                    &Crew_model, &Member_model));
    CHECK_OK(ath_create_all(engine, ATH_MODELS(&Gadget_model, &Part_model, &Note_model,
                                               &Memo_model, &Crew_model, &Member_model)));
    CHECK_OK(ath_session_open(&session, engine));

    GadgetRepository *gadgets = nullptr;
    CHECK_OK(GadgetRepository_open(&gadgets, session));
    std::string a = "sprocket", b = "flange";
    Gadget g1 = {0, &a[0], ath_opt_i32(), 1.5}, g2 = {0, &b[0], ath_some_i32(2), 0.25};
    CHECK_OK(GadgetRepository_add(gadgets, &g1));
    CHECK_OK(GadgetRepository_add(gadgets, &g2));
    CU_ASSERT(g1.id > 0 && g2.id > g1.id);
    CU_ASSERT(g1.rank.set && g1.rank.value == 7); /* the client default, written back */
    ath_list *list = nullptr;
    CHECK_OK(GadgetRepository_list(
        gadgets, &list,
        ATH_FILTERS(ath_collection("label", ATH_VALUES(ath_v_text("flange"), ath_v_text("gear"))),
                    ath_order_by("id", false))));
    CU_ASSERT_EQUAL_FATAL(ath_list_count(list), 1u);
    const Gadget &got = GadgetRepository_items(list)[0];
    CU_ASSERT_STRING_EQUAL(got.label, "flange");
    CU_ASSERT(got.rank.set && got.rank.value == 2);
    CU_ASSERT_DOUBLE_EQUAL(got.weight, 0.25, 1e-12);
    ath_list_free(list);
    Gadget dup = {0, &a[0], ath_opt_i32(), 0};
    CU_ASSERT_EQUAL(GadgetRepository_add(gadgets, &dup), ATH_EDUPLICATE);
    CHECK_OK(ath_session_rollback(session));
    GadgetRepository_free(gadgets);

    ath_repo *parts = nullptr, *notes = nullptr, *memos = nullptr;
    CHECK_OK(ath_repo_open(&parts, session, &Part_model));
    std::string code = "P-1";
    Part p = {0, &code[0], 12};
    CHECK_OK(ath_repo_add(parts, &p));
    Part back = Part();
    ath_value key = ath_v_i64(p.id);
    CHECK_OK(ath_repo_get(parts, &back, &key, 1));
    CU_ASSERT_STRING_EQUAL(back.code, "P-1");
    CU_ASSERT_EQUAL(back.qty, 12);
    ath_model_free_fields(&Part_model, &back);

    CHECK_OK(ath_repo_open(&notes, session, &Note_model));
    std::string title = "from C++";
    Note n = Note();
    n.title = &title[0];
    CHECK_OK(ath_repo_add(notes, &n));
    CU_ASSERT(n.created_at != 0 && n.updated_at == n.created_at); /* the audit mixin stamped it */

    CHECK_OK(ath_repo_open(&memos, session, &Memo_model));
    std::string body = "bound members";
    Memo m = {0, &body[0], 0, 0};
    CHECK_OK(ath_repo_add(memos, &m));
    CU_ASSERT(m.made != 0 && m.changed == m.made);
    int64_t count = -1;
    CHECK_OK(ath_repo_count(memos, &count, ATH_FILTERS(ath_where("body", ATH_EQ,
                                                                 ath_v_text("bound members")))));
    CU_ASSERT_EQUAL(count, 1);
    /* relations: a crew and its members, loaded in one list */
    ath_repo *crews = nullptr, *members = nullptr;
    CHECK_OK(ath_repo_open(&crews, session, &Crew_model));
    CHECK_OK(ath_repo_open(&members, session, &Member_model));
    std::string crew_name = "Nostromo", m1 = "Ripley", m2 = "Dallas";
    Crew crew = {0, &crew_name[0], nullptr, 0};
    CHECK_OK(ath_repo_add(crews, &crew));
    Member a1 = {0, &m1[0], ath_some_i64(crew.id), nullptr, nullptr, 0};
    Member a2 = {0, &m2[0], ath_some_i64(crew.id), nullptr, nullptr, 0};
    CHECK_OK(ath_repo_add(members, &a1));
    CHECK_OK(ath_repo_add(members, &a2));
    ath_list *loaded = nullptr;
    CHECK_OK(ath_repo_list_load(crews, &loaded, ATH_NO_FILTERS, ATH_NAMES("members.crew")));
    CU_ASSERT_EQUAL_FATAL(ath_list_count(loaded), 1u);
    const Crew *c = static_cast<const Crew *>(ath_list_at(loaded, 0));
    CU_ASSERT_EQUAL_FATAL(c->members_count, 2u);
    CU_ASSERT_STRING_EQUAL(c->members[0].name, "Ripley");
    CU_ASSERT_PTR_NOT_NULL(c->members[1].crew);
    ath_list_free(loaded);
    ath_repo_free(crews);
    ath_repo_free(members);
    CHECK_OK(ath_session_commit(session));
    ath_repo_free(parts);
    ath_repo_free(notes);
    ath_repo_free(memos);
    ath_session_close(session);
    ath_drop_all(engine, ATH_MODELS(&Gadget_model, &Part_model, &Note_model, &Memo_model,
                                    &Crew_model, &Member_model));
    ath_engine_dispose(engine);
}

static void test_round_trip_on_every_url()
{
    for (const std::string &url : urls)
        round_trip(url);
}

int main()
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    const char *env = std::getenv("ATHANOR_TEST_URLS");
    std::istringstream in(env && *env ? env : "sqlite:///:memory:");
    for (std::string url; in >> url;)
        urls.push_back(url);
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite suite = CU_add_suite("cxx", nullptr, nullptr);
    CU_add_test(suite, "descriptors_match_the_c_macros", test_descriptors_match_the_c_macros);
    CU_add_test(suite, "round_trip_on_every_url", test_round_trip_on_every_url);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_tests_failed(), ran = CU_get_number_of_tests_run();
    unsigned asserts = CU_get_number_of_asserts(), bad = CU_get_number_of_failures();
    CU_cleanup_registry();
    std::printf("SUMMARY tests=%u failed_tests=%u asserts=%u failed_asserts=%u urls=%zu (C++17)\n",
                ran, failed, asserts, bad, urls.size());
    return failed == 0 && bad == 0 && ran == 2 ? 0 : 1;
}
