/*
 * Key mixins: uuid_pk (v4), uuid7_pk (time-ordered v7) and bigint_pk, on a macro-declared model
 * and on a plain struct each. Keys are read back raw from the database.
 */
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "mx.h"

/* --- models
 * --------------------------------------------------------------------------------------- */

#define UUID_M_FIELDS(F) F(name, text)
#define UUID_M_MIXINS(M) M(UUID_PK)
ATH_MODEL_WITH(UuidM, "mx_uuid_m", UUID_M_FIELDS, UUID_M_MIXINS);

typedef struct UuidP { /* a plain struct: the key member is not a field, the binding adds it */
    char *label;
    ath_uuid key;
} UuidP;
static const ath_field uuid_p_fields[] = {ATH_FIELD(UuidP, label, text)};
static const ath_mixin_use uuid_p_mixins[] = {
    ATH_ATTACH(ath_uuid_pk, NULL, ATH_BIND(UuidP, "id", key)),
};
static const ath_model UuidP_model =
    ATH_MODEL_OF(UuidP, "mx_uuid_p", uuid_p_fields, ATH_MIXINS(uuid_p_mixins));

#define UUID7_M_FIELDS(F) F(name, text) F(seq, i32)
#define UUID7_M_MIXINS(M) M(UUID7_PK)
ATH_MODEL_WITH(Uuid7M, "mx_uuid7_m", UUID7_M_FIELDS, UUID7_M_MIXINS);

typedef struct Uuid7P { /* the key member is also a field: the role's flags join it */
    int32_t position;
    ath_uuid ident;
    char *label;
} Uuid7P;
static const ath_field uuid7_p_fields[] = {
    ATH_FIELD(Uuid7P, position, i32),
    ATH_FIELD(Uuid7P, ident, uuid, .column = "id"),
    ATH_FIELD(Uuid7P, label, text),
};
static const ath_mixin_use uuid7_p_mixins[] = {
    ATH_ATTACH(ath_uuid7_pk, NULL, ATH_BIND(Uuid7P, "id", ident)),
};
static const ath_model Uuid7P_model =
    ATH_MODEL_OF(Uuid7P, "mx_uuid7_p", uuid7_p_fields, ATH_MIXINS(uuid7_p_mixins));

#define BIG_M_FIELDS(F) F(name, text)
#define BIG_M_MIXINS(M) M(BIGINT_PK)
ATH_MODEL_WITH(BigM, "mx_big_m", BIG_M_FIELDS, BIG_M_MIXINS);

typedef struct BigP {
    char *label;
    int64_t num;
} BigP;
static const ath_field big_p_fields[] = {ATH_FIELD(BigP, label, text)};
static const ath_mixin_use big_p_mixins[] = {
    ATH_ATTACH(ath_bigint_pk, NULL, ATH_BIND(BigP, "id", num)),
};
static const ath_model BigP_model =
    ATH_MODEL_OF(BigP, "mx_big_p", big_p_fields, ATH_MIXINS(big_p_mixins));

const ath_model *const keys_models[] = {&UuidM_model,  &UuidP_model, &Uuid7M_model,
                                        &Uuid7P_model, &BigM_model,  &BigP_model};
const size_t keys_nmodels = sizeof keys_models / sizeof keys_models[0];

/* --- styles: where the members of interest are, per model --------------------------------------
 */

typedef struct key_style {
    const ath_model *model;
    size_t key;           /* offset of the key member */
    size_t name;          /* offset of the name member (char *) */
    const char *name_col; /* its column */
    size_t seq;           /* offset of the i32 sequence member (uuid7 models) */
} key_style;

static const key_style uuid_macro = {&UuidM_model, offsetof(UuidM, id), offsetof(UuidM, name),
                                     "name", 0};
static const key_style uuid_plain = {&UuidP_model, offsetof(UuidP, key), offsetof(UuidP, label),
                                     "label", 0};
static const key_style uuid7_macro = {&Uuid7M_model, offsetof(Uuid7M, id), offsetof(Uuid7M, name),
                                      "name", offsetof(Uuid7M, seq)};
static const key_style uuid7_plain = {&Uuid7P_model, offsetof(Uuid7P, ident),
                                      offsetof(Uuid7P, label), "label", offsetof(Uuid7P, position)};
static const key_style big_macro = {&BigM_model, offsetof(BigM, id), offsetof(BigM, name), "name",
                                    0};
static const key_style big_plain = {&BigP_model, offsetof(BigP, num), offsetof(BigP, label),
                                    "label", 0};

/* The stored id of the row named `name`, read raw. */
static ath_uuid stored_uuid(ath_session *s, const key_style *st, const char *name)
{
    char sql[160];
    ath_uuid u;
    memset(&u, 0, sizeof u);
    snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE %s = ?", st->model->table, st->name_col);
    ath_value p = ath_v_text(name);
    CU_ASSERT(sql_uuid(s, &u, sql, &p, 1));
    return u;
}

static int64_t stored_i64_id(ath_session *s, const key_style *st, const char *name)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE %s = ?", st->model->table, st->name_col);
    ath_value p = ath_v_text(name);
    return sql_i64(s, sql, &p, 1);
}

static void *new_named(const key_style *st, const char *name)
{
    void *o = mx_obj(st->model);
    MX_AT(o, st->name, const char *) = name;
    return o;
}

static bool is_v4(const ath_uuid *u)
{
    return (u->bytes[6] >> 4) == 4 && (u->bytes[8] & 0xc0) == 0x80;
}

/* --- uuid_pk
 * ---------------------------------------------------------------------------------------- */

static void uuid_generated_when_nil(const key_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *a = new_named(st, "first"), *b = new_named(st, "second");
    ASSERT_RC(ath_repo_add(r, a), ATH_OK);
    ASSERT_RC(ath_repo_add(r, b), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_uuid ka = MX_AT(a, st->key, ath_uuid), kb = MX_AT(b, st->key, ath_uuid);
    CU_ASSERT_FALSE(ath_uuid_is_nil(&ka));
    CU_ASSERT(is_v4(&ka));
    CU_ASSERT(is_v4(&kb));
    CU_ASSERT(memcmp(&ka, &kb, sizeof ka) != 0);
    ath_uuid sa = stored_uuid(s, st, "first"), sb = stored_uuid(s, st, "second");
    CU_ASSERT(memcmp(&sa, &ka, sizeof ka) == 0); /* the object holds what the row holds */
    CU_ASSERT(memcmp(&sb, &kb, sizeof kb) == 0);
    CU_ASSERT(is_v4(&sa));
    mx_end();
}

static void uuid_given_key_kept(const key_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    ath_uuid given;
    ASSERT_RC(ath_uuid_parse(&given, "0191e0f2-0000-7abc-8def-0123456789ab", 36), ATH_OK);
    void *a = new_named(st, "given");
    MX_AT(a, st->key, ath_uuid) = given;
    ASSERT_RC(ath_repo_add(r, a), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT(memcmp(&MX_AT(a, st->key, ath_uuid), &given, sizeof given) == 0);
    ath_uuid stored = stored_uuid(s, st, "given");
    CU_ASSERT(memcmp(&stored, &given, sizeof given) == 0);
    mx_end();
}

static void uuid_add_many_generates(const key_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    size_t size = st->model->struct_size;
    char *objs = mx_keep_mem(calloc(3, size));
    static const char *const names[] = {"m0", "m1", "m2"};
    for (size_t i = 0; i < 3; i++)
        MX_AT(objs + i * size, st->name, const char *) = names[i];
    MX_AT(objs + 1 * size, st->key, ath_uuid) = (ath_uuid){{0x42, [6] = 0x40, [8] = 0x80}};
    ASSERT_RC(ath_repo_add_many(r, objs, 3), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    for (size_t i = 0; i < 3; i++) {
        ath_uuid k = MX_AT(objs + i * size, st->key, ath_uuid);
        ath_uuid stored = stored_uuid(s, st, names[i]);
        CU_ASSERT(is_v4(&k));
        CU_ASSERT(memcmp(&stored, &k, sizeof k) == 0);
    }
    CU_ASSERT_EQUAL(MX_AT(objs + size, st->key, ath_uuid).bytes[0], 0x42); /* given: kept */
    ASSERT_I64(sql_count(s, st->model->table), 3);
    mx_end();
}

/* A get by the generated key finds the row (the key round-trips as a key). */
static void uuid_get_by_generated_key(const key_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *a = new_named(st, "findme");
    ASSERT_RC(ath_repo_add(r, a), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    void *got = mx_obj(st->model);
    ath_value key = ath_v_uuid(MX_AT(a, st->key, ath_uuid));
    ASSERT_RC(ath_repo_get(r, got, &key, 1), ATH_OK);
    ASSERT_STR(MX_AT(got, st->name, const char *), "findme");
    ath_model_free_fields(st->model, got);
    mx_end();
}

/* --- uuid7_pk -----------------------------------------------------------------------------------
 */

static uint64_t uuid7_ms(const ath_uuid *u)
{
    uint64_t ms = 0;
    for (int i = 0; i < 6; i++)
        ms = ms << 8 | u->bytes[i];
    return ms;
}

static bool is_v7(const ath_uuid *u)
{
    return (u->bytes[6] >> 4) == 7 && (u->bytes[8] & 0xc0) == 0x80;
}

enum { V7_MANY = 10000, V7_SINGLE = 100 };

static void uuid7_time_ordered(const key_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    size_t size = st->model->struct_size;
    size_t total = V7_MANY + V7_SINGLE;
    char *objs = mx_keep_mem(calloc(total, size));
    CU_ASSERT_PTR_NOT_NULL_FATAL(objs);
    for (size_t i = 0; i < total; i++) {
        MX_AT(objs + i * size, st->name, const char *) = "v7";
        MX_AT(objs + i * size, st->seq, int32_t) = (int32_t)i;
    }
    ath_timestamp t0 = ath_timestamp_now();
    ASSERT_RC(ath_repo_add_many(r, objs, V7_MANY), ATH_OK);
    for (size_t i = V7_MANY; i < total; i++) /* then one by one: still increasing */
        ASSERT_RC(ath_repo_add(r, objs + i * size), ATH_OK);
    ath_timestamp t1 = ath_timestamp_now();
    ASSERT_RC(ath_session_commit(s), ATH_OK);

    size_t bad_version = 0, not_increasing = 0, bad_time = 0;
    uint64_t lo = (uint64_t)(t0 / 1000), hi = (uint64_t)(t1 / 1000) + 10; /* counter may borrow */
    for (size_t i = 0; i < total; i++) {
        const ath_uuid *u = &MX_AT(objs + i * size, st->key, ath_uuid);
        bad_version += !is_v7(u);
        if (i && memcmp(&MX_AT(objs + (i - 1) * size, st->key, ath_uuid), u, sizeof *u) >= 0)
            not_increasing++;
        bad_time += uuid7_ms(u) < lo || uuid7_ms(u) > hi;
    }
    ASSERT_I64(bad_version, 0);
    ASSERT_I64(not_increasing, 0);
    ASSERT_I64(bad_time, 0);

    /* the database orders them the same way: by id, the sequence comes back in order */
    ASSERT_I64(sql_count(s, st->model->table), (int64_t)total);
    ath_list *l = mx_list(r, ATH_FILTERS(ath_order_by("id", false)));
    ASSERT_I64(ath_list_count(l), (int64_t)total);
    size_t out_of_order = 0;
    for (size_t i = 0; i < ath_list_count(l); i++)
        out_of_order += MX_AT(ath_list_at(l, i), st->seq, int32_t) != (int32_t)i;
    ASSERT_I64(out_of_order, 0);
    mx_end();
}

static void uuid7_given_key_kept(const key_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    ath_uuid given;
    ASSERT_RC(ath_uuid_parse(&given, "00000000-0000-4000-8000-000000000001", 36), ATH_OK);
    void *a = new_named(st, "given");
    MX_AT(a, st->key, ath_uuid) = given;
    ASSERT_RC(ath_repo_add(r, a), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_uuid stored = stored_uuid(s, st, "given");
    CU_ASSERT(memcmp(&stored, &given, sizeof given) == 0);
    mx_end();
}

/* --- bigint_pk
 * ------------------------------------------------------------------------------------ */

static void bigint_generated(const key_style *st)
{
    ath_session *s = mx_begin();
    ath_repo *r = mx_repo(s, st->model);
    void *a = new_named(st, "one"), *b = new_named(st, "two");
    ASSERT_RC(ath_repo_add(r, a), ATH_OK);
    ASSERT_RC(ath_repo_add(r, b), ATH_OK);
    size_t size = st->model->struct_size;
    char *many = mx_keep_mem(calloc(3, size));
    static const char *const names[] = {"m0", "m1", "m2"};
    for (size_t i = 0; i < 3; i++)
        MX_AT(many + i * size, st->name, const char *) = names[i];
    ASSERT_RC(ath_repo_add_many(r, many, 3), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    int64_t ia = MX_AT(a, st->key, int64_t), ib = MX_AT(b, st->key, int64_t);
    CU_ASSERT(ia > 0);
    CU_ASSERT(ib > ia);
    ASSERT_I64(stored_i64_id(s, st, "one"), ia);
    ASSERT_I64(stored_i64_id(s, st, "two"), ib);
    for (size_t i = 0; i < 3; i++) {
        int64_t k = MX_AT(many + i * size, st->key, int64_t);
        CU_ASSERT(k > ib);
        ASSERT_I64(stored_i64_id(s, st, names[i]), k);
    }
    mx_end();
}

/* --- both styles ------------------------------------------------------------------------------ */

#define BOTH(fn, macro, plain)                                                                     \
    static void test_##fn##_macro(void)                                                            \
    {                                                                                              \
        fn(&(macro));                                                                              \
    }                                                                                              \
    static void test_##fn##_plain(void)                                                            \
    {                                                                                              \
        fn(&(plain));                                                                              \
    }
#define ENTRIES(fn)                                                                                \
    {#fn "_macro", test_##fn##_macro},                                                             \
    {                                                                                              \
#fn "_plain", test_##fn##_plain                                                            \
    }

BOTH(uuid_generated_when_nil, uuid_macro, uuid_plain)
BOTH(uuid_given_key_kept, uuid_macro, uuid_plain)
BOTH(uuid_add_many_generates, uuid_macro, uuid_plain)
BOTH(uuid_get_by_generated_key, uuid_macro, uuid_plain)
BOTH(uuid7_time_ordered, uuid7_macro, uuid7_plain)
BOTH(uuid7_given_key_kept, uuid7_macro, uuid7_plain)
BOTH(bigint_generated, big_macro, big_plain)

const test_case keys_tests[] = {
    ENTRIES(uuid_generated_when_nil), ENTRIES(uuid_given_key_kept),
    ENTRIES(uuid_add_many_generates), ENTRIES(uuid_get_by_generated_key),
    ENTRIES(uuid7_time_ordered),      ENTRIES(uuid7_given_key_kept),
    ENTRIES(bigint_generated),        {NULL, NULL},
};

TEST_SUITE(keys) { mx_add_group("keys", keys_tests, keys_models, keys_nmodels); }
