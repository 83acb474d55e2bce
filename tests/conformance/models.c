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

const ath_model *const conf_models[] = {&Team_model,     &Hero_model, &Membership_model,
                                        &AllTypes_model, &Task_model, &Event_model};
const size_t conf_nmodels = sizeof conf_models / sizeof conf_models[0];
