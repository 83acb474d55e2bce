/* The conformance suite's model descriptors. */
#include "models.h"

ATH_MODEL_DEFINE(Team, "team", TEAM_FIELDS);
ATH_MODEL_DEFINE(Event, "event", EVENT_FIELDS);

static const ath_field hero_fields[] = {
    ATH_FIELD(Hero, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Hero, name, text, .flags = ATH_INDEX),
    ATH_FIELD(Hero, secret_name, text),
    ATH_FIELD(Hero, age, opt_i32),
    ATH_FIELD(Hero, team_id, opt_i64, .references = "team.id", .on_delete = ATH_FK_SET_NULL),
};
const ath_model Hero_model = ATH_MODEL_OF(Hero, "hero", hero_fields);

static const ath_field membership_fields[] = {
    ATH_FIELD(Membership, team_id, i64, .flags = ATH_PK),
    ATH_FIELD(Membership, hero_id, i64, .flags = ATH_PK),
    ATH_FIELD(Membership, role, text),
};
const ath_model Membership_model = ATH_MODEL_OF(Membership, "membership", membership_fields);

/*
 * ATH_FIELD(AllTypes, c_bool, bool) does not compile in C11: <stdbool.h> defines `bool` as a
 * macro (_Bool), which expands before model.h pastes the kind into ATH__TYPE_##kind. Until the
 * header accepts it, the one plain bool field is written out as ATH_FIELD would write it.
 */
#define CONF_BOOL_FIELD(S, m)                                                                      \
    {                                                                                              \
        .member = #m, .offset = offsetof(S, m), .size = sizeof(((S *)0)->m), .type = ATH_T_BOOL,   \
        .kind_flags = 0u                                                                           \
    }

static const ath_field all_types_fields[] = {
    ATH_FIELD(AllTypes, id, uuid, .flags = ATH_PK),
    ATH_FIELD(AllTypes, c_i32, i32),
    ATH_FIELD(AllTypes, c_i64, i64),
    ATH_FIELD(AllTypes, c_f64, double),
    CONF_BOOL_FIELD(AllTypes, c_bool),
    ATH_FIELD(AllTypes, c_text, text),
    ATH_FIELD(AllTypes, c_blob, blob),
    ATH_FIELD(AllTypes, c_numeric, numeric),
    ATH_FIELD(AllTypes, c_ts, timestamp),
    ATH_FIELD(AllTypes, c_date, date),
    ATH_FIELD(AllTypes, c_uuid, uuid),
    ATH_FIELD(AllTypes, c_json, json),
    ATH_FIELD(AllTypes, o_i32, opt_i32),
    ATH_FIELD(AllTypes, o_i64, opt_i64),
    ATH_FIELD(AllTypes, o_f64, opt_double),
    ATH_FIELD(AllTypes, o_bool, opt_bool),
    ATH_FIELD(AllTypes, o_text, opt_text),
    ATH_FIELD(AllTypes, o_blob, opt_blob),
    ATH_FIELD(AllTypes, o_numeric, opt_numeric),
    ATH_FIELD(AllTypes, o_ts, opt_timestamp),
    ATH_FIELD(AllTypes, o_date, opt_date),
    ATH_FIELD(AllTypes, o_uuid, opt_uuid),
    ATH_FIELD(AllTypes, o_json, opt_json),
};
const ath_model AllTypes_model = ATH_MODEL_OF(AllTypes, "all_types", all_types_fields);

static const ath_field task_fields[] = {
    ATH_FIELD(Task, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Task, team_id, i64, .references = "team.id", .on_delete = ATH_FK_CASCADE),
    ATH_FIELD(Task, title, text),
    ATH_FIELD(Task, status, text, .server_default = "'new'"),
    ATH_FIELD(Task, priority, opt_i32, .default_value = ATH_DEFAULT_I32(3)),
    ATH_FIELD(Task, score, i32, .check = "score >= 0"),
};
const ath_model Task_model = ATH_MODEL_OF(Task, "task", task_fields);

static const ath_field wide_fields[] = {
    ATH_FIELD(Wide, c00, opt_i32),
    ATH_FIELD(Wide, c01, opt_i32),
    ATH_FIELD(Wide, c02, opt_i32),
    ATH_FIELD(Wide, c03, opt_i32),
    ATH_FIELD(Wide, c04, opt_i32),
    ATH_FIELD(Wide, c05, opt_i32),
    ATH_FIELD(Wide, c06, opt_i32),
    ATH_FIELD(Wide, c07, opt_i32),
    ATH_FIELD(Wide, c08, opt_i32),
    ATH_FIELD(Wide, c09, opt_i32),
    ATH_FIELD(Wide, c10, opt_i32),
    ATH_FIELD(Wide, c11, opt_i32),
    ATH_FIELD(Wide, c12, opt_i32),
    ATH_FIELD(Wide, c13, opt_i32),
    ATH_FIELD(Wide, c14, opt_i32),
    ATH_FIELD(Wide, c15, opt_i32),
    ATH_FIELD(Wide, c16, opt_i32),
    ATH_FIELD(Wide, c17, opt_i32),
    ATH_FIELD(Wide, c18, opt_i32),
    ATH_FIELD(Wide, c19, opt_i32),
    ATH_FIELD(Wide, c20, opt_i32),
    ATH_FIELD(Wide, c21, opt_i32),
    ATH_FIELD(Wide, c22, opt_i32),
    ATH_FIELD(Wide, c23, opt_i32),
    ATH_FIELD(Wide, c24, opt_i32),
    ATH_FIELD(Wide, c25, opt_i32),
    ATH_FIELD(Wide, c26, opt_i32),
    ATH_FIELD(Wide, c27, opt_i32),
    ATH_FIELD(Wide, c28, opt_i32),
    ATH_FIELD(Wide, c29, opt_i32),
    ATH_FIELD(Wide, c30, opt_i32),
    ATH_FIELD(Wide, c31, opt_i32),
    ATH_FIELD(Wide, c32, opt_i32),
    ATH_FIELD(Wide, c33, opt_i32),
    ATH_FIELD(Wide, c34, opt_i32),
    ATH_FIELD(Wide, c35, opt_i32),
    ATH_FIELD(Wide, c36, opt_i32),
    ATH_FIELD(Wide, c37, opt_i32),
    ATH_FIELD(Wide, c38, opt_i32),
    ATH_FIELD(Wide, c39, opt_i32),
    ATH_FIELD(Wide, c40, opt_i32),
    ATH_FIELD(Wide, c41, opt_i32),
    ATH_FIELD(Wide, c42, opt_i32),
    ATH_FIELD(Wide, c43, opt_i32),
    ATH_FIELD(Wide, c44, opt_i32),
    ATH_FIELD(Wide, c45, opt_i32),
    ATH_FIELD(Wide, c46, opt_i32),
    ATH_FIELD(Wide, c47, opt_i32),
    ATH_FIELD(Wide, c48, opt_i32),
    ATH_FIELD(Wide, c49, opt_i32),
    ATH_FIELD(Wide, c50, opt_i32),
    ATH_FIELD(Wide, c51, opt_i32),
    ATH_FIELD(Wide, c52, opt_i32),
    ATH_FIELD(Wide, c53, opt_i32),
    ATH_FIELD(Wide, c54, opt_i32),
    ATH_FIELD(Wide, c55, opt_i32),
    ATH_FIELD(Wide, c56, opt_i32),
    ATH_FIELD(Wide, c57, opt_i32),
    ATH_FIELD(Wide, c58, opt_i32),
    ATH_FIELD(Wide, c59, opt_i32),
    ATH_FIELD(Wide, c60, opt_i32),
    ATH_FIELD(Wide, c61, opt_i32),
    ATH_FIELD(Wide, c62, opt_i32),
    ATH_FIELD(Wide, c63, opt_i32),
    ATH_FIELD(Wide, c64, opt_i32),
    ATH_FIELD(Wide, c65, opt_i32),
    ATH_FIELD(Wide, c66, opt_i32, .server_default = "66"),
    ATH_FIELD(Wide, c67, opt_i32),
    ATH_FIELD(Wide, c68, opt_i32),
    ATH_FIELD(Wide, c69, opt_i32),
    ATH_FIELD(Wide, late, text, .max_length = 16, .server_default = "'late'"),
    ATH_FIELD(Wide, dflt, opt_i32, .server_default = "71"),
    ATH_FIELD(Wide, id, i64, .flags = ATH_PK | ATH_AUTOINC),
};
const ath_model Wide_model = ATH_MODEL_OF(Wide, "wide", wide_fields);

int64_t revision_clock;
bool revision_refuse;

static int revision_next(ath_value *out, const void *obj)
{
    (void)obj;
    if (revision_refuse)
        return ath_error_set(ATH_EINVAL, "revision refused");
    *out = ath_v_i64(++revision_clock);
    return ATH_OK;
}

static const ath_field revision_fields[] = {
    ATH_FIELD(Revision, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Revision, name, text, .flags = ATH_UNIQUE, .max_length = 40),
    ATH_FIELD(Revision, note, opt_text),
    ATH_FIELD(Revision, rev, i64, .onupdate = revision_next),
};
const ath_model Revision_model = ATH_MODEL_OF(Revision, "revision", revision_fields);

const ath_model *const conf_models[] = {&Team_model,     &Hero_model,    &Membership_model,
                                        &AllTypes_model, &Task_model,    &Event_model,
                                        &Wide_model,     &Revision_model};
const size_t conf_nmodels = sizeof conf_models / sizeof conf_models[0];
