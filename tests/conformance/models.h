/*
 * The conformance suite's models, in both declaration styles:
 *
 * - Team and Event are declared with Athanor's macros (struct and descriptor from one list);
 * - Hero, Membership, AllTypes and Task map plain C structs with ATH_FIELD, as SQLModel does.
 */
#ifndef ATHANOR_CONFORMANCE_MODELS_H
#define ATHANOR_CONFORMANCE_MODELS_H

#include <stddef.h>
#include <stdint.h>

#include <athanor/model.h>
#include <athanor/repository.h>

/* team: id i64 PK autoinc, name unique varchar(80), headquarters nullable text. */
#define TEAM_FIELDS(F)                                                                             \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(name, text, .flags = ATH_UNIQUE, .max_length = 80)                                           \
    F(headquarters, opt_text)
ATH_MODEL_DECLARE(Team, TEAM_FIELDS);

/* hero: the README's model, a plain struct. team_id references team.id ON DELETE SET NULL. */
typedef struct Hero {
    int64_t id;
    char *name;
    char *secret_name;
    ath_opt_i32 age;
    ath_opt_i64 team_id;
} Hero;
extern const ath_model Hero_model;

/* membership: a composite primary key (team_id, hero_id). */
typedef struct Membership {
    int64_t team_id;
    int64_t hero_id;
    char *role;
} Membership;
extern const ath_model Membership_model;

/* all_types: one column of every kind, plain and optional, keyed by a client-generated UUID. */
typedef struct AllTypes {
    ath_uuid id;
    int32_t c_i32;
    int64_t c_i64;
    double c_f64;
    bool c_bool;
    char *c_text;
    ath_blob c_blob;
    char *c_numeric;
    ath_timestamp c_ts;
    ath_date c_date;
    ath_uuid c_uuid;
    char *c_json;
    ath_opt_i32 o_i32;
    ath_opt_i64 o_i64;
    ath_opt_double o_f64;
    ath_opt_bool o_bool;
    char *o_text;
    ath_blob o_blob;
    char *o_numeric;
    ath_opt_timestamp o_ts;
    ath_opt_date o_date;
    ath_opt_uuid o_uuid;
    char *o_json;
} AllTypes;
extern const ath_model AllTypes_model;

/*
 * task: a server default (status 'new'), a client default (priority 3, used when unset), a
 * CHECK (score >= 0) and team_id referencing team.id ON DELETE CASCADE.
 */
typedef struct Task {
    int64_t id;
    int64_t team_id;
    char *title;
    char *status;
    ath_opt_i32 priority;
    int32_t score;
} Task;
extern const ath_model Task_model;

/*
 * event: a timestamp for before/after filters and a bucket with ties for keyset pagination;
 * title is insert-only (ATH_IMMUTABLE): update and upsert leave it alone.
 */
#define EVENT_FIELDS(F)                                                                            \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(title, text, .flags = ATH_IMMUTABLE)                                                         \
    F(happened, timestamp)                                                                         \
    F(bucket, i32)                                                                                 \
    F(note, opt_text)
ATH_MODEL_DECLARE(Event, EVENT_FIELDS);

/*
 * wide: more columns than a 64-bit mask holds (issue 11), with server defaults and the
 * generated key past column 64: c00..c69 nullable integers (c66 has a server default), then
 * `late` (text, server default 'late'), `dflt` (server default 71) and the key `id` last.
 */
typedef struct Wide {
    ath_opt_i32 c00;
    ath_opt_i32 c01;
    ath_opt_i32 c02;
    ath_opt_i32 c03;
    ath_opt_i32 c04;
    ath_opt_i32 c05;
    ath_opt_i32 c06;
    ath_opt_i32 c07;
    ath_opt_i32 c08;
    ath_opt_i32 c09;
    ath_opt_i32 c10;
    ath_opt_i32 c11;
    ath_opt_i32 c12;
    ath_opt_i32 c13;
    ath_opt_i32 c14;
    ath_opt_i32 c15;
    ath_opt_i32 c16;
    ath_opt_i32 c17;
    ath_opt_i32 c18;
    ath_opt_i32 c19;
    ath_opt_i32 c20;
    ath_opt_i32 c21;
    ath_opt_i32 c22;
    ath_opt_i32 c23;
    ath_opt_i32 c24;
    ath_opt_i32 c25;
    ath_opt_i32 c26;
    ath_opt_i32 c27;
    ath_opt_i32 c28;
    ath_opt_i32 c29;
    ath_opt_i32 c30;
    ath_opt_i32 c31;
    ath_opt_i32 c32;
    ath_opt_i32 c33;
    ath_opt_i32 c34;
    ath_opt_i32 c35;
    ath_opt_i32 c36;
    ath_opt_i32 c37;
    ath_opt_i32 c38;
    ath_opt_i32 c39;
    ath_opt_i32 c40;
    ath_opt_i32 c41;
    ath_opt_i32 c42;
    ath_opt_i32 c43;
    ath_opt_i32 c44;
    ath_opt_i32 c45;
    ath_opt_i32 c46;
    ath_opt_i32 c47;
    ath_opt_i32 c48;
    ath_opt_i32 c49;
    ath_opt_i32 c50;
    ath_opt_i32 c51;
    ath_opt_i32 c52;
    ath_opt_i32 c53;
    ath_opt_i32 c54;
    ath_opt_i32 c55;
    ath_opt_i32 c56;
    ath_opt_i32 c57;
    ath_opt_i32 c58;
    ath_opt_i32 c59;
    ath_opt_i32 c60;
    ath_opt_i32 c61;
    ath_opt_i32 c62;
    ath_opt_i32 c63;
    ath_opt_i32 c64;
    ath_opt_i32 c65;
    ath_opt_i32 c66;
    ath_opt_i32 c67;
    ath_opt_i32 c68;
    ath_opt_i32 c69;
    char *late;
    ath_opt_i32 dflt;
    int64_t id;
} Wide;
extern const ath_model Wide_model;

/* Every model of the suite, referenced tables first, for ath_create_all and ath_drop_all. */
/*
 * revision: `rev` has an onupdate function (revision_next): every update writes the next value
 * of the process-wide counter revision_clock; revision_refuse makes it fail with ATH_EINVAL.
 */
typedef struct Revision {
    int64_t id;
    char *name;
    char *note;
    int64_t rev;
} Revision;
extern const ath_model Revision_model;
extern int64_t revision_clock;
extern bool revision_refuse;

extern const ath_model *const conf_models[];
extern const size_t conf_nmodels;
#define CONF_MODELS conf_models, conf_nmodels

/* The typed repository of the README. */
ATH_REPOSITORY(HeroRepository, Hero, Hero_model);

#endif
