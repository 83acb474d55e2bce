/*
 * Athanor — mixins: columns and behaviour a model gets from outside (UUID keys, audit times,
 * soft delete, slugs, optimistic locking, tenancy…). The standard set in plugins/ is written
 * only against this header, exactly as a user writes a custom one; docs/writing-a-mixin.md walks
 * through one.
 *
 * A model declared with Athanor's macros lists its mixins and gets their columns in its struct:
 *
 *     #define POST_FIELDS(F) F(id, i64, .flags = ATH_PK | ATH_AUTOINC) F(title, text)
 *     #define POST_MIXINS(M) M(AUDIT) M(SOFT_DELETE)
 *     ATH_MODEL_WITH(Post, "post", POST_FIELDS, POST_MIXINS);
 *
 * (each mixin NAME provides ATH_MIXIN_FIELDS_NAME(F) and ATH_MIXIN_OBJECT_NAME; an entry may
 * carry the attachment's configuration: M(SLUG, &post_slug_config)). A plain struct
 * attaches each mixin explicitly and binds every role to one of its members:
 *
 *     static const ath_mixin_use post_mixins[] = {
 *         ATH_ATTACH(ath_audit, NULL, ATH_BIND(Post, "created_at", created),
 *                                     ATH_BIND(Post, "updated_at", updated)),
 *     };
 *     static const ath_model Post_model =
 *         ATH_MODEL_OF(Post, "post", post_fields, ATH_MIXINS(post_mixins));
 *
 * A role left unbound, bound to a member of the wrong type, or a mixin attached twice makes
 * ath_repo_open fail with ATH_EINVAL naming the model, the mixin and the role.
 */
#ifndef ATHANOR_MIXIN_H
#define ATHANOR_MIXIN_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "export.h"
#include "filter.h"
#include "model.h"
#include "session.h"
#include "value.h"

ATH_BEGIN_DECLS

/*
 * NULL arguments (docs/errors.md): a NULL handle, out-parameter, model list, array with a
 * non-zero count or required string is refused with ATH_EINVAL and the message
 * "<function>: <argument> is NULL" -- never a crash. Functions that cannot return a code say
 * below what they give for NULL (and set the same error); _free/_close/_dispose accept NULL.
 */

/** A column a mixin needs. */
typedef struct ath_mixin_role {
    const char *name;           /**< role name, and the column name unless the binding says else */
    ath_type type;
    unsigned flags;             /**< ATH_NULLABLE, ATH_UNIQUE, ATH_INDEX, ATH_PK, ATH_AUTOINC,
                                     ATH_IMMUTABLE (written on insert only) */
    const char *server_default; /**< SQL DEFAULT expression, or NULL */
    int max_length;             /**< VARCHAR(n) for text roles, or 0 */
} ath_mixin_role;

struct ath_repo;
struct ath_mixin;

/** What a hook is given. Read role members with ath_mixin_get / ath_mixin_set. */
typedef struct ath_mixin_ctx {
    const ath_model *model;
    const struct ath_mixin *mixin;
    const void *config;      /**< the attachment's configuration (may be NULL) */
    ath_session *session;
    struct ath_repo *repo;   /**< the repository running the operation */
    const void *ath_internal_; /**< where the roles live; used by the accessors below */
    const void *batch; /**< before_insert in add_many/upsert_many: all the objects (model-sized
                            structs), so a hook can see the ones before obj; else NULL */
    size_t nbatch;     /**< number of objects in batch */
    size_t index;      /**< obj's position in batch (hooks already ran for 0..index-1) */
} ath_mixin_ctx;

/** The value of role `role` (its index in mixin->roles) in obj; a NULL value for a NULL ctx or
 *  obj or an unknown role. */
ATH_API ath_value ath_mixin_get(const ath_mixin_ctx *ctx, const void *obj, size_t role);
/**
 * Stores a value into role `role` of obj (the value-kind rule and range checks apply: ATH_EINVAL
 * naming model and column).
 * Ownership: strings written into obj are malloc'd copies obj owns; yours are never freed, kept
 * or written through (ath_model_free_owned frees exactly Athanor's).
 * Hooks must store strings through this function, never by assigning a pointer themselves.
 */
ATH_API int ath_mixin_set(const ath_mixin_ctx *ctx, void *obj, size_t role, const ath_value *v);
/** True when the role's member is unset (NULL, unset opt, zero key, nil UUID); true for a NULL
 *  ctx or obj or an unknown role. */
ATH_API bool ath_mixin_unset(const ath_mixin_ctx *ctx, const void *obj, size_t role);
/** The column name of role `role` in this model (for filters); NULL for a NULL ctx or an
 *  unknown role. */
ATH_API const char *ath_mixin_column(const ath_mixin_ctx *ctx, size_t role);

/**
 * The value of any column of obj (not only the mixin's roles), by column name: for mixins
 * derived from other fields (a slug from a title). ATH_EINVAL names an unknown column.
 */
ATH_API int ath_mixin_column_value(const ath_mixin_ctx *ctx, const void *obj, const char *column,
                                   ath_value *out);

/** The column holding role `role` of `mixin` in the repository's model, or NULL when the mixin
 *  is not attached or an argument is NULL (for extensions working through a repository, like
 *  ath_soft_delete_restore). */
ATH_API const char *ath_repo_role_column(struct ath_repo *repo, const struct ath_mixin *mixin,
                                         const char *role);

/** Writes the primary-key column names of the repository's model into out (at most max; none
 *  when out is NULL); returns how many the key has, 0 for a NULL repository. */
ATH_API size_t ath_repo_key_columns(struct ath_repo *repo, const char **out, size_t max);

/**
 * The mixin ABI this header describes. A mixin sets `.abi = ATH_MIXIN_ABI`; hooks added in a
 * later ABI are appended to ath_mixin and read only from mixins whose `abi` covers them, so a
 * mixin built against an older header keeps working without a rebuild. A mixin built for a
 * newer ABI than the library knows is refused when the model is mapped (ATH_EINVAL).
 */
#define ATH_MIXIN_ABI 1

/** A mixin. Every hook is optional; a hook returning a negative code aborts the operation. */
typedef struct ath_mixin {
    unsigned abi; /**< ATH_MIXIN_ABI of the header it was built with; 0 is read as 1 */
    /* members valid for ABI 1 */
    const char *name;
    const ath_mixin_role *roles;
    size_t nroles;

    /** Before a row is inserted: add, add_many, upsert, get_or_upsert's insert. */
    int (*before_insert)(const ath_mixin_ctx *ctx, void *obj);
    /** Before a row is updated from obj: update, update_fields, update_many, get_and_update,
     *  get_or_upsert's update; also on upsert (whose row may become an update). */
    int (*before_update)(const ath_mixin_ctx *ctx, void *obj);
    /** After a row was read into obj (get, get_one, list…). */
    int (*after_load)(const ath_mixin_ctx *ctx, void *obj);
    /**
     * A condition added to every read, count, update and delete (soft delete, tenancy). Fill
     * *out and return 1, or return 0 for none. `options` holds the call's ATH_OPT_* bits.
     */
    int (*scope)(const ath_mixin_ctx *ctx, unsigned options, ath_filter *out);
    /**
     * A condition guarding an update or delete of obj (optimistic locking), built from obj's
     * values BEFORE before_update runs. Fill *out and return 1, or 0 for none. When the row
     * exists but the guard stops the write, the operation fails with ATH_ESTALE.
     */
    int (*guard)(const ath_mixin_ctx *ctx, const void *obj, ath_filter *out);
    /** The guarded write did not happen: undo what before_update changed in obj. */
    void (*write_failed)(const ath_mixin_ctx *ctx, void *obj);
    /**
     * Turns deletes into an update (soft delete): set *role and *value and return 1; the row is
     * then updated instead of removed. Return 0 to delete normally.
     */
    int (*soft_delete)(const ath_mixin_ctx *ctx, size_t *role, ath_value *value);
    /** Extra DDL run after CREATE TABLE (snprintf-style into buf; return 0 for none). */
    int (*extra_ddl)(const ath_mixin_ctx *ctx, char *buf, size_t size);
    /** Adjusts a role's flags from the attachment's configuration (e.g. an optional index). */
    unsigned (*role_flags)(const void *config, size_t role, unsigned flags);
} ath_mixin;

/** A role bound to a member of a plain struct. Build with ATH_BIND. */
typedef struct ath_mixin_binding {
    const char *role;
    const char *member;
    size_t offset;
    size_t size;
    int ctype; /**< the member's C type, as ATH__CT_OF computes it */
} ath_mixin_binding;

/** A mixin attached to a model. */
typedef struct ath_mixin_use {
    const ath_mixin *mixin;
    const ath_mixin_binding *bindings; /**< plain structs: role -> member; NULL: by role name */
    size_t nbindings;
    const void *config;
} ath_mixin_use;

/* The member's C type as a number, for checking bindings (opt wrappers: 100 + ath_type). The
 * member's address is tested, so an array member (`char name[8]`) is -1 and refused by
 * validation instead of being read as a pointer. */
#define ATH__CT_OF(x)                                                                              \
    _Generic(&(x), int32_t *: ATH_T_I32, int64_t *: ATH_T_I64, double *: ATH_T_DOUBLE,             \
             bool *: ATH_T_BOOL, char **: ATH_T_TEXT, const char **: ATH_T_TEXT,                   \
             ath_blob *: ATH_T_BLOB, ath_uuid *: ATH_T_UUID, ath_opt_i32 *: 100 + ATH_T_I32,       \
             ath_opt_i64 *: 100 + ATH_T_I64, ath_opt_double *: 100 + ATH_T_DOUBLE,                 \
             ath_opt_bool *: 100 + ATH_T_BOOL, ath_opt_timestamp *: 100 + ATH_T_TIMESTAMP,         \
             ath_opt_date *: 100 + ATH_T_DATE, ath_opt_uuid *: 100 + ATH_T_UUID, default: -1)

/** Binds role `role` (a string) to member `m` of struct S. */
#define ATH_BIND(S, role, m)                                                                       \
    {(role), #m, offsetof(S, m), sizeof(((S *)0)->m), ATH__CT_OF(((S *)0)->m)}

/** Attaches mixin object `mx` with configuration `cfg` (or NULL) and bindings. */
#define ATH_ATTACH(mx, cfg, ...)                                                                   \
    {                                                                                              \
        .mixin = &(mx), .config = (cfg), .bindings = (const ath_mixin_binding[]){__VA_ARGS__},     \
        .nbindings = sizeof((const ath_mixin_binding[]){__VA_ARGS__}) / sizeof(ath_mixin_binding)  \
    }

/** `.mixins`/`.nmixins` initialisers for ATH_MODEL_OF from an array of ath_mixin_use. */
#define ATH_MIXINS(array) .mixins = (array), .nmixins = sizeof(array) / sizeof((array)[0])

/* Macro-declared models with mixins: M(NAME) or M(NAME, &config) entries expand through these. */
#define ATH__MX_MEMBERS(...) ATH__MX_MEMBERS_I(__VA_ARGS__, NULL)
#define ATH__MX_MEMBERS_I(name, ...) ATH_MIXIN_FIELDS_##name(ATH__MEMBER)
#define ATH__MX_DESCRIBE(...) ATH__MX_DESCRIBE_I(__VA_ARGS__, NULL)
#define ATH__MX_DESCRIBE_I(name, ...) ATH_MIXIN_FIELDS_##name(ATH__DESCRIBE)
#define ATH__MX_USE(...) ATH__MX_USE_I(__VA_ARGS__, NULL, NULL)
#define ATH__MX_USE_I(name, cfg, ...) {.mixin = &ATH_MIXIN_OBJECT_##name, .config = (cfg)},

/** Struct, descriptor and mixin list for a model used in one file; options (e.g.
 *  ATH_INDEXES(array)) may follow MIXINS. */
#define ATH_MODEL_WITH(...) ATH__MODEL_WITH_I(__VA_ARGS__, .ath_reserved_ = 0)
#define ATH__MODEL_WITH_I(T, tbl, FIELDS, MIXINS, ...)                                             \
    typedef struct T {                                                                             \
        FIELDS(ATH__MEMBER)                                                                        \
        MIXINS(ATH__MX_MEMBERS)                                                                    \
    } T;                                                                                           \
    static const ath_field T##_fields_[] = {FIELDS(ATH__DESCRIBE) MIXINS(ATH__MX_DESCRIBE)};       \
    static const ath_mixin_use T##_mixins_[] = {MIXINS(ATH__MX_USE)};                              \
    static const ath_model T##_model = {.version = ATH_MODEL_VERSION,                              \
                                        .table = (tbl),                                            \
                                        .name = #T,                                                \
                                        .struct_size = sizeof(T),                                  \
                                        .fields = T##_fields_,                                     \
                                        .nfields = sizeof(T##_fields_) / sizeof(T##_fields_[0]),   \
                                        .mixins = T##_mixins_,                                     \
                                        .nmixins = sizeof(T##_mixins_) / sizeof(T##_mixins_[0]),   \
                                        __VA_ARGS__}

/** As ATH_MODEL_WITH, with a RELS list of relations (see ATH_MODEL_REL in model.h); the
 *  relation members follow the mixins' members. */
#define ATH_MODEL_WITH_REL(T, tbl, FIELDS, MIXINS, RELS)                                           \
    typedef struct T {                                                                             \
        FIELDS(ATH__MEMBER)                                                                        \
        MIXINS(ATH__MX_MEMBERS)                                                                    \
        RELS(ATH__REL_MEMBERS)                                                                     \
    } T;                                                                                           \
    static const ath_model T##_model;                                                              \
    static const ath_field T##_fields_[] = {FIELDS(ATH__DESCRIBE) MIXINS(ATH__MX_DESCRIBE)};       \
    static const ath_mixin_use T##_mixins_[] = {MIXINS(ATH__MX_USE)};                              \
    static const ath_relation T##_relations_[] = {RELS(ATH__REL_DESCRIBE)};                        \
    static const ath_model T##_model = {                                                           \
        .version = ATH_MODEL_VERSION,                                                              \
        .table = (tbl),                                                                            \
        .name = #T,                                                                                \
        .struct_size = sizeof(T),                                                                  \
        .fields = T##_fields_,                                                                     \
        .nfields = sizeof(T##_fields_) / sizeof(T##_fields_[0]),                                   \
        .mixins = T##_mixins_,                                                                     \
        .nmixins = sizeof(T##_mixins_) / sizeof(T##_mixins_[0]),                                   \
        .relations = T##_relations_,                                                               \
        .nrelations = sizeof(T##_relations_) / sizeof(T##_relations_[0])}

ATH_END_DECLS

/* --- C++: the same macros (see cxx.h) --------------------------------------------------------- */
#ifdef __cplusplus
#undef ATH__CT_OF
#define ATH__CT_OF(x) (::ath_cxx::ct_of<decltype(&(x))>::value)

#undef ATH_ATTACH
#define ATH_ATTACH(mx, cfg, ...)                                                                   \
    ([]() -> ath_mixin_use {                                                                       \
        static const ath_mixin_binding bindings_[] = {__VA_ARGS__};                                \
        ath_mixin_use u = ath_mixin_use();                                                         \
        u.mixin = &(mx);                                                                           \
        u.config = (cfg);                                                                          \
        u.bindings = bindings_;                                                                    \
        u.nbindings = sizeof bindings_ / sizeof bindings_[0];                                      \
        return u;                                                                                  \
    }())

#undef ATH__MX_USE_I
#define ATH__MX_USE_I(name, cfg, ...) ::ath_cxx::use(&ATH_MIXIN_OBJECT_##name, (cfg)),

#undef ATH_MODEL_WITH
#undef ATH__MODEL_WITH_I
#define ATH__MODEL_WITH_I(T, tbl, FIELDS, MIXINS, ...)                                             \
    typedef struct T {                                                                             \
        FIELDS(ATH__MEMBER)                                                                        \
        MIXINS(ATH__MX_MEMBERS)                                                                    \
    } T;                                                                                           \
    static const ath_field T##_fields_[] = {FIELDS(ATH__DESCRIBE) MIXINS(ATH__MX_DESCRIBE)};       \
    static const ath_mixin_use T##_mixins_[] = {MIXINS(ATH__MX_USE)};                              \
    static const ath_model T##_model = ::ath_cxx::build(                                           \
        ::ath_cxx::with_mixins(::ath_cxx::model_base((tbl), #T, sizeof(T), T##_fields_,            \
                                                     sizeof(T##_fields_) / sizeof(T##_fields_[0])), \
                               T##_mixins_, sizeof(T##_mixins_) / sizeof(T##_mixins_[0])),         \
        [](ath_model &m_) { ATH__CXX_SET(m_, __VA_ARGS__) })
#define ATH_MODEL_WITH(...) ATH__MODEL_WITH_I(__VA_ARGS__, .ath_reserved_ = 0)

namespace ath_cxx {
inline ath_mixin_use use(const ath_mixin *mixin, const void *config)
{
    ath_mixin_use u = ath_mixin_use();
    u.mixin = mixin;
    u.config = config;
    return u;
}
inline ath_model with_mixins(ath_model m, const ath_mixin_use *mixins, size_t n)
{
    m.mixins = mixins;
    m.nmixins = n;
    return m;
}
} // namespace ath_cxx
#endif /* __cplusplus */

#endif
