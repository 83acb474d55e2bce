/*
 * Athanor — models: how a C struct maps onto a table.
 *
 * Two ways to describe a model, both giving one `ath_model`:
 *
 * 1. Declared with Athanor's macros (struct and descriptor from one field list):
 *
 *        #define TEAM_FIELDS(F)                                   \
 *            F(id,   i64,  .flags = ATH_PK | ATH_AUTOINC)         \
 *            F(name, text, .flags = ATH_UNIQUE, .max_length = 80) \
 *            F(motto, opt_text)
 *        ATH_MODEL(Team, "team", TEAM_FIELDS)
 *
 *    writes `typedef struct Team { int64_t id; char *name; char *motto; } Team;` and the
 *    descriptor `Team_model`.
 *
 * 2. Mapped from a struct the program already has (the SQLModel analogue):
 *
 *        typedef struct Hero { int64_t id; char *name; ath_opt_i32 age; } Hero;
 *        static const ath_field hero_fields[] = {
 *            ATH_FIELD(Hero, id, i64, .flags = ATH_PK | ATH_AUTOINC),
 *            ATH_FIELD(Hero, name, text),
 *            ATH_FIELD(Hero, age, opt_i32),
 *        };
 *        static const ath_model Hero_model = ATH_MODEL_OF(Hero, "hero", hero_fields);
 *
 *    A member whose C type does not fit its kind is a compile error.
 *
 * Kinds (the C member type in brackets): i32 [int32_t], i64 [int64_t], double, bool,
 * text [char *], blob [ath_blob], numeric [char *, decimal text], timestamp [ath_timestamp],
 * date [ath_date], uuid [ath_uuid], json [char *]. Nullable forms: opt_i32 [ath_opt_i32],
 * opt_i64, opt_double, opt_bool, opt_timestamp, opt_date, opt_uuid, and opt_text, opt_blob,
 * opt_numeric, opt_json (same C type as the plain kind; NULL pointer = SQL NULL).
 * Field options, as designated initialisers after the kind: `.flags`, `.column` (a column name
 * other than the member's), `.max_length`, `.server_default` (SQL text), `.default_value`
 * (client-side, see ATH_DEFAULT_*), `.references` ("team.id"), `.on_delete`, `.check` (SQL),
 * `.onupdate` (a function giving the value written on every update, see ath_onupdate_fn),
 * `.onupdate_sql` (an SQL expression the database evaluates on every update, read back).
 * Unique constraints and indexes over several columns: ATH_INDEXES() with ATH_UNIQUE_ON() and
 * ATH_INDEX_ON() entries, as an option after the field list of either style.
 */
#ifndef ATHANOR_MODEL_H
#define ATHANOR_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"
#include "value.h"

ATH_BEGIN_DECLS

/*
 * NULL arguments (docs/errors.md): a NULL handle, out-parameter, model list, array with a
 * non-zero count or required string is refused with ATH_EINVAL and the message
 * "<function>: <argument> is NULL" -- never a crash. Functions that cannot return a code say
 * below what they give for NULL (and set the same error); _free/_close/_dispose accept NULL.
 */

/** Column flags. */
enum {
    ATH_PK = 1u << 0,       /**< part of the primary key (several fields: a composite key) */
    ATH_AUTOINC = 1u << 1,  /**< the database generates it (integer primary key) */
    ATH_NULLABLE = 1u << 2, /**< may hold NULL (implied by the opt_* kinds) */
    ATH_UNIQUE = 1u << 3,   /**< unique constraint uq_<table>_<column> */
    ATH_INDEX = 1u << 4,    /**< index ix_<table>_<column> */
    ATH_IMMUTABLE = 1u << 5 /**< written on insert only: update and upsert leave it alone */
};

/** What a foreign key does when the referenced row is deleted. */
typedef enum ath_fk_action {
    ATH_FK_NO_ACTION = 0,
    ATH_FK_CASCADE,
    ATH_FK_SET_NULL,
    ATH_FK_RESTRICT
} ath_fk_action;

/** `offset` of fields declared with ATH_MODEL: computed from sizes and alignments. */
#define ATH_OFFSET_AUTO ((size_t)-1)

/**
 * A field's `.onupdate` function (SQLAlchemy's `onupdate`): fills *out with the value the column
 * gets on every update of the row -- ath_repo_update, ath_repo_update_fields and
 * ath_repo_update_many_fields (the column is written even when it is not named),
 * ath_repo_update_many, the update of ath_repo_upsert /
 * ath_repo_upsert_many and of ath_repo_get_and_update / ath_repo_get_or_upsert. It is called once
 * per object and write, before the statement (and before the mixins' before_update hooks), with
 * the object as the caller gave it; the value is stored into the object's member (converted as a
 * loaded value; text and blobs are fresh copies the object owns, see ath_model_free_owned), so
 * after the call the caller's struct holds what was written. Not called by ath_repo_add /
 * add_many (an insert writes the member as it is), nor by ath_repo_update_where (no object).
 * Upsert runs it before it knows which branch a row takes, so a row the upsert inserts is
 * written with the value too (as the audit mixin's updated_at). Return ATH_OK, or a negative
 * ath_code (with ath_error_set) to refuse the write: the update fails with that code and nothing of
 * that object is written. Not allowed on a key or ATH_IMMUTABLE field (the repository refuses
 * to open, ATH_EINVAL). Example: a clock, `*out = ath_v_timestamp(ath_timestamp_now())`.
 */
typedef int (*ath_onupdate_fn)(ath_value *out, const void *obj);

/*
 * A field's `.onupdate_sql` (SQLAlchemy's `onupdate=func.now()`): SQL text the database evaluates
 * on every update of the row, written into the statement as is (`SET edited = CURRENT_TIMESTAMP`),
 * after the bound columns. A column the expression names reads the row: its own column
 * (`rev + 1`) holds the value before the update on every backend; a column the same update
 * writes holds its new value on MariaDB/MySQL (they assign left to right) and its old one on
 * PostgreSQL and SQLite, so do not rely on that. The same
 * updates as `.onupdate` write it (update, update_fields and update_many_fields even when the
 * column is not named, update_many set-based or per object, the update of upsert / upsert_many /
 * get_and_update / get_or_upsert(_fields)); insert (add, add_many, and the insert of an upsert)
 * writes the member as it is and update_where writes only what it is given. After the update the
 * value the database stored is read back into the member (text and blobs as fresh copies the
 * object owns): RETURNING on PostgreSQL and SQLite 3.35+, a SELECT by key in the same transaction
 * elsewhere. The text comes from the program, never from data, and must be valid on each backend
 * it runs on; a column it names that the same update also writes should be qualified with the
 * table (`"doc"."title"`), since update_many's set-based statement joins rows that carry the
 * written columns too. Not allowed on a key or ATH_IMMUTABLE field, nor together with
 * `.onupdate`, nor empty (the repository refuses to open, ATH_EINVAL).
 */

/** One column. Build with ATH_FIELD() or the ATH_MODEL() field list, not by hand. */
typedef struct ath_field {
    const char *member;         /**< C member name (and the column name unless `column` is set) */
    const char *column;         /**< column name when it differs from the member, else NULL */
    size_t offset;              /**< offsetof the member, or ATH_OFFSET_AUTO */
    size_t size;                /**< sizeof the member */
    size_t align;               /**< alignment of the member (ATH_OFFSET_AUTO fields) */
    ath_type type;              /**< column type */
    unsigned kind_flags;        /**< flags implied by the kind (opt_* -> ATH_NULLABLE) */
    unsigned flags;             /**< ATH_PK, ATH_AUTOINC, ATH_NULLABLE, ATH_UNIQUE, ATH_INDEX */
    int max_length;             /**< > 0: VARCHAR(n) for text */
    const char *server_default; /**< SQL expression for DEFAULT, e.g. "CURRENT_TIMESTAMP" */
    ath_value default_value;    /**< client-side default, bound on insert when the member is unset
                                     (so only for opt_* and pointer kinds); scalars are written
                                     back into the object, strings are not */
    const char *references;     /**< foreign key target, "table.column" */
    ath_fk_action on_delete;    /**< foreign key action */
    const char *check;          /**< CHECK constraint expression (SQL), named ck_<table>_<col> */
    ath_onupdate_fn onupdate;   /**< value written on every update (see ath_onupdate_fn), or NULL */
    const char *onupdate_sql;   /**< SQL expression written on every update instead of a value,
                                     e.g. "CURRENT_TIMESTAMP" or "rev + 1"; the database's result
                                     is read back into the member (see .onupdate_sql above) */
    /* Members above are valid for ATH_MODEL_VERSION 1 (ath_model.version). */
    int ath_reserved_;          /**< keep last; lets the macros end every initialiser list */
} ath_field;

/**
 * A unique constraint or an index over one or more columns, declared on the model (Advanced
 * Alchemy's UniqueConstraint and Index). Build with ATH_UNIQUE_ON() / ATH_INDEX_ON() and attach
 * an array of them with ATH_INDEXES() (both model styles). ath_create_all writes a UNIQUE
 * constraint uq_<table>_<col1>_<col2>… or an index ix_<table>_<col1>_<col2>… (trimmed to 63
 * characters with a hash, like every name) unless `name` is given. A unique one can be the match
 * of an upsert.
 */
typedef struct ath_table_index {
    const char *name;           /**< NULL: the naming convention */
    bool unique;                /**< true: UNIQUE constraint; false: a non-unique index */
    const char *const *columns; /**< column names (not member names), in index order */
    size_t ncolumns;
    /* Members above are valid for ATH_MODEL_VERSION 1 (the owning ath_model's version). */
} ath_table_index;

struct ath_mixin_use;
struct ath_model;

/** What a relation holds (docs/relationships.md). */
typedef enum ath_rel_kind {
    ATH_REL_MANY_TO_ONE = 1, /**< a foreign key of this model -> one object of the target */
    ATH_REL_ONE_TO_MANY,     /**< the target's foreign key into this model -> an array + count */
    ATH_REL_MANY_TO_MANY     /**< rows of a link model pairing this model's and the target's
                                  keys -> an array + count */
} ath_rel_kind;

/**
 * A declared relation. Build with ATH_MANY_TO_ONE() / ATH_ONE_TO_MANY() (plain structs) or the
 * RELS list of ATH_MODEL_REL() (macro-declared models), not by hand.
 *
 * Many-to-one: `local` is this model's foreign-key column, `remote` the target's referenced
 * column (NULL: its one-column primary key); the member at `offset` is a `Target *`. The
 * relation makes `local` a foreign key in the DDL (as `.references` would), with `on_delete`.
 * One-to-many: `remote` is the target's foreign-key column into this model, `local` the column
 * it references here (NULL: this model's one-column primary key); the members are a `Target *`
 * array at `offset` and a `size_t` count at `count_offset`. The foreign key itself belongs to
 * the target (a field `.references` or a many-to-one relation there), so `on_delete` must be
 * left ATH_FK_NO_ACTION here.
 * Many-to-many: `through` is the link model; its column `through_local` references this model's
 * `local` (NULL: this model's one-column primary key) and its column `through_remote` the
 * target's `remote` (NULL: the target's one-column primary key); the members are as for
 * one-to-many. The link model declares its own foreign keys (fields' `.references` or
 * many-to-one relations) and their ON DELETE; `on_delete` stays ATH_FK_NO_ACTION here.
 * A relation's members are written only by loading (ath_repo_list_load, ath_repo_get_load).
 */
typedef struct ath_relation {
    const char *name;               /**< the relation's name, used in load paths ("books") */
    ath_rel_kind kind; /**< ATH_REL_MANY_TO_ONE, ATH_REL_ONE_TO_MANY or ATH_REL_MANY_TO_MANY */
    const struct ath_model *target; /**< the related model (may be this model: a tree) */
    const char *local;              /**< column of this model (see above) */
    const char *remote;             /**< column of the target (see above) */
    size_t offset;       /**< offsetof the pointer member, or ATH_OFFSET_AUTO (macro models:
                              laid out after the fields, in list order) */
    size_t count_offset; /**< arrays: offsetof the size_t count member (or AUTO) */
    ath_fk_action on_delete;        /**< many-to-one: the foreign key's ON DELETE */
    const struct ath_model *through; /**< many-to-many: the link model */
    const char *through_local;       /**< many-to-many: the link's column referencing this model */
    const char *through_remote;      /**< many-to-many: the link's column referencing the target */
    /* Members above are valid for ATH_MODEL_VERSION 1 (ath_model.version). */
    int ath_reserved_;              /**< keep last */
} ath_relation;

/**
 * The descriptor layout version a program built against this header writes into
 * `ath_model.version` (the model macros set it). One number covers the layouts of ath_model,
 * ath_field, ath_relation and ath_table_index: members appended to any of them come with a new
 * version, and the library reads them only from descriptors whose version covers them. 0 is read
 * as 1 (a descriptor written by hand with designated initialisers); a version above the one the
 * library knows is refused with ATH_EINVAL naming both numbers.
 * Version 1 is the first versioned layout (0.5): no release before it carried a version, so
 * there is no older layout to read.
 */
#define ATH_MODEL_VERSION 1

/** A table: name, struct, fields and attached mixins. */
typedef struct ath_model {
    unsigned version;   /**< ATH_MODEL_VERSION (set by the macros); 0 is read as 1 */
    const char *table;  /**< table name */
    const char *name;   /**< C type name, for messages */
    size_t struct_size; /**< sizeof the struct */
    const ath_field *fields;
    size_t nfields;
    const struct ath_mixin_use *mixins; /**< see mixin.h; NULL when none */
    size_t nmixins;
    const ath_table_index *indexes; /**< multi-column unique constraints and indexes, or NULL */
    size_t nindexes;
    const ath_relation *relations; /**< declared relations; NULL when none (ATH_RELATIONS) */
    size_t nrelations;
    /* Members above are valid for ATH_MODEL_VERSION 1. */
    int ath_reserved_;
} ath_model;

/** A UNIQUE constraint over the named columns: `ATH_UNIQUE_ON("league", "name")`. */
#define ATH_UNIQUE_ON(...)                                                                         \
    {                                                                                              \
        .name = NULL, .unique = true, .columns = (const char *const[]){__VA_ARGS__},               \
        .ncolumns = sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)              \
    }
/** An index over the named columns: `ATH_INDEX_ON("city", "name")`. */
#define ATH_INDEX_ON(...)                                                                          \
    {                                                                                              \
        .name = NULL, .unique = false, .columns = (const char *const[]){__VA_ARGS__},              \
        .ncolumns = sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)              \
    }
/**
 * `.indexes`/`.nindexes` initialisers from an array of ath_table_index, as an option of
 * ATH_MODEL_OF, ATH_MODEL, ATH_MODEL_DEFINE or ATH_MODEL_WITH:
 *
 *     static const ath_table_index team_indexes[] = {ATH_UNIQUE_ON("league", "name"),
 *                                                    ATH_INDEX_ON("city", "name")};
 *     ATH_MODEL(Team, "team", TEAM_FIELDS, ATH_INDEXES(team_indexes));
 */
#define ATH_INDEXES(array) .indexes = (array), .nindexes = sizeof(array) / sizeof((array)[0])

/** Client-side defaults for `.default_value`. */
#define ATH_DEFAULT_I64(x)                                                                         \
    {                                                                                              \
        .type = ATH_T_I64, .u = {.i64 = (x) }                                                      \
    }
#define ATH_DEFAULT_I32(x)                                                                         \
    {                                                                                              \
        .type = ATH_T_I32, .u = {.i32 = (x) }                                                      \
    }
#define ATH_DEFAULT_DOUBLE(x)                                                                      \
    {                                                                                              \
        .type = ATH_T_DOUBLE, .u = {.f64 = (x) }                                                   \
    }
#define ATH_DEFAULT_BOOL(x)                                                                        \
    {                                                                                              \
        .type = ATH_T_BOOL, .u = {.b = (x) }                                                       \
    }
/** `literal` must be a string literal (its length is taken with sizeof). */
#define ATH_DEFAULT_TEXT(literal)                                                                  \
    {                                                                                              \
        .type = ATH_T_TEXT, .u = {.s = {(literal), sizeof(literal) - 1} }                          \
    }

/**
 * Checks a model once: names are identifiers, sizes fit the kinds, there is a primary key,
 * autoincrement is on one integer key, foreign keys name "table.column". Returns ATH_OK or
 * ATH_EINVAL with a message naming the model and the field.
 */
ATH_API int ath_model_validate(const ath_model *model);

/** Column name of field i; NULL for a NULL field. */
ATH_API const char *ath_field_column(const ath_field *field);

/**
 * Frees every string and blob member of `obj` (fields and mixin-bound members) and sets them to
 * NULL. Use it when Athanor filled the whole object — ath_repo_get, get_one(_or_none),
 * delete(…, deleted), get_or_upsert, get_and_update, ath_repo_get_load — or when the program
 * malloc'd every string itself. Relation members (ath_relation) are freed too, deeply: a
 * non-NULL many-to-one pointer is freed with its object's own fields and relations, a
 * one-to-many array with each item's, and they are set to NULL / 0 — so never point a relation
 * member of an object you pass here at memory you own (Athanor's writes never set one).
 * A NULL model or obj is a no-op.
 */
ATH_API void ath_model_free_fields(const ath_model *model, void *obj);

/**
 * The ownership rule for strings written back (every call that writes into a caller's struct
 * states it): **every string or blob Athanor writes into your struct is a fresh malloc'd copy
 * that the struct then owns, and Athanor never frees, keeps or writes through a pointer you put
 * there.** This frees exactly those copies: each string/blob member of `obj` whose pointer
 * differs from the same member of `before` — a copy of the struct you took before the call
 * (`Hero before = hero;`) — is freed and set back to `before`'s pointer (yours, or NULL), so
 * obj ends holding your strings again. Call it after success and after failure alike. Strings
 * you set stay yours to free. A NULL model, obj or before is a no-op.
 */
ATH_API void ath_model_free_owned(const ath_model *model, void *obj, const void *before);

/* --- macro machinery -------------------------------------------------------------------------- */

/* C type, ath_type, implied flags, and accepted member types of each kind. */
#define ATH__CTYPE_i32           int32_t
#define ATH__CTYPE_i64           int64_t
#define ATH__CTYPE_double        double
#define ATH__CTYPE_bool          bool
#define ATH__CTYPE__Bool         bool /* <stdbool.h> makes the kind name bool _Bool */
#define ATH__CTYPE_text          char *
#define ATH__CTYPE_blob          ath_blob
#define ATH__CTYPE_numeric       char *
#define ATH__CTYPE_timestamp     ath_timestamp
#define ATH__CTYPE_date          ath_date
#define ATH__CTYPE_uuid          ath_uuid
#define ATH__CTYPE_json          char *
#define ATH__CTYPE_opt_i32       ath_opt_i32
#define ATH__CTYPE_opt_i64       ath_opt_i64
#define ATH__CTYPE_opt_double    ath_opt_double
#define ATH__CTYPE_opt_bool      ath_opt_bool
#define ATH__CTYPE_opt_text      char *
#define ATH__CTYPE_opt_blob      ath_blob
#define ATH__CTYPE_opt_numeric   char *
#define ATH__CTYPE_opt_timestamp ath_opt_timestamp
#define ATH__CTYPE_opt_date      ath_opt_date
#define ATH__CTYPE_opt_uuid      ath_opt_uuid
#define ATH__CTYPE_opt_json      char *

#define ATH__TYPE_i32           ATH_T_I32
#define ATH__TYPE_i64           ATH_T_I64
#define ATH__TYPE_double        ATH_T_DOUBLE
#define ATH__TYPE_bool          ATH_T_BOOL
#define ATH__TYPE__Bool          ATH_T_BOOL
#define ATH__TYPE_text          ATH_T_TEXT
#define ATH__TYPE_blob          ATH_T_BLOB
#define ATH__TYPE_numeric       ATH_T_NUMERIC
#define ATH__TYPE_timestamp     ATH_T_TIMESTAMP
#define ATH__TYPE_date          ATH_T_DATE
#define ATH__TYPE_uuid          ATH_T_UUID
#define ATH__TYPE_json          ATH_T_JSON
#define ATH__TYPE_opt_i32       ATH_T_I32
#define ATH__TYPE_opt_i64       ATH_T_I64
#define ATH__TYPE_opt_double    ATH_T_DOUBLE
#define ATH__TYPE_opt_bool      ATH_T_BOOL
#define ATH__TYPE_opt_text      ATH_T_TEXT
#define ATH__TYPE_opt_blob      ATH_T_BLOB
#define ATH__TYPE_opt_numeric   ATH_T_NUMERIC
#define ATH__TYPE_opt_timestamp ATH_T_TIMESTAMP
#define ATH__TYPE_opt_date      ATH_T_DATE
#define ATH__TYPE_opt_uuid      ATH_T_UUID
#define ATH__TYPE_opt_json      ATH_T_JSON

#define ATH__NULL_i32           0u
#define ATH__NULL_i64           0u
#define ATH__NULL_double        0u
#define ATH__NULL_bool          0u
#define ATH__NULL__Bool          0u
#define ATH__NULL_text          0u
#define ATH__NULL_blob          0u
#define ATH__NULL_numeric       0u
#define ATH__NULL_timestamp     0u
#define ATH__NULL_date          0u
#define ATH__NULL_uuid          0u
#define ATH__NULL_json          0u
#define ATH__NULL_opt_i32       ATH_NULLABLE
#define ATH__NULL_opt_i64       ATH_NULLABLE
#define ATH__NULL_opt_double    ATH_NULLABLE
#define ATH__NULL_opt_bool      ATH_NULLABLE
#define ATH__NULL_opt_text      ATH_NULLABLE
#define ATH__NULL_opt_blob      ATH_NULLABLE
#define ATH__NULL_opt_numeric   ATH_NULLABLE
#define ATH__NULL_opt_timestamp ATH_NULLABLE
#define ATH__NULL_opt_date      ATH_NULLABLE
#define ATH__NULL_opt_uuid      ATH_NULLABLE
#define ATH__NULL_opt_json      ATH_NULLABLE

/* _Generic association lists: pointers to the member types each kind accepts (text also as
 * const char *). The member's address is tested, not its value, so an array member (`char
 * name[8]`, which would decay to char *) matches nothing and fails to compile. */
#define ATH__ACCEPT_i32 int32_t *: 1
#define ATH__ACCEPT_i64 int64_t *: 1
#define ATH__ACCEPT_double double *: 1
#define ATH__ACCEPT_bool bool *: 1
#define ATH__ACCEPT__Bool bool *: 1
#define ATH__ACCEPT_text char **: 1, const char **: 1
#define ATH__ACCEPT_blob ath_blob *: 1
#define ATH__ACCEPT_numeric char **: 1, const char **: 1
#define ATH__ACCEPT_timestamp ath_timestamp *: 1
#define ATH__ACCEPT_date ath_date *: 1
#define ATH__ACCEPT_uuid ath_uuid *: 1
#define ATH__ACCEPT_json char **: 1, const char **: 1
#define ATH__ACCEPT_opt_i32 ath_opt_i32 *: 1
#define ATH__ACCEPT_opt_i64 ath_opt_i64 *: 1
#define ATH__ACCEPT_opt_double ath_opt_double *: 1
#define ATH__ACCEPT_opt_bool ath_opt_bool *: 1
#define ATH__ACCEPT_opt_timestamp ath_opt_timestamp *: 1
#define ATH__ACCEPT_opt_date ath_opt_date *: 1
#define ATH__ACCEPT_opt_uuid ath_opt_uuid *: 1
#define ATH__ACCEPT_opt_text ATH__ACCEPT_text
#define ATH__ACCEPT_opt_blob ATH__ACCEPT_blob
#define ATH__ACCEPT_opt_numeric ATH__ACCEPT_numeric
#define ATH__ACCEPT_opt_json ATH__ACCEPT_json

/* sizeof the member, and a compile error when its C type does not fit the kind */
#define ATH__CHECKED_SIZE(S, m, kind)                                                              \
    (sizeof(((S *)0)->m) + 0 * sizeof(char[_Generic(&((S *)0)->m, ATH__ACCEPT_##kind)]))

/** One field of a plain struct: ATH_FIELD(Struct, member, kind, options...). */
#define ATH_FIELD(...) ATH__FIELD_I(__VA_ARGS__, .ath_reserved_ = 0)
#define ATH__FIELD_I(S, m, kind, ...)                                                              \
    {                                                                                              \
        .member = #m, .offset = offsetof(S, m), .size = ATH__CHECKED_SIZE(S, m, kind),             \
        .type = ATH__TYPE_##kind, .kind_flags = ATH__NULL_##kind, __VA_ARGS__                      \
    }

/** A model over a plain struct and an array of ATH_FIELD()s; options (e.g. `.mixins`) may follow.
 */
#define ATH_MODEL_OF(...) ATH__MODEL_OF_I(__VA_ARGS__, .ath_reserved_ = 0)
#define ATH__MODEL_OF_I(S, tbl, fieldarray, ...)                                                   \
    {                                                                                              \
        .version = ATH_MODEL_VERSION, .table = (tbl), .name = #S, .struct_size = sizeof(S),         \
        .fields = (fieldarray),                                                                    \
        .nfields = sizeof(fieldarray) / sizeof((fieldarray)[0]), __VA_ARGS__                       \
    }

/** `.relations`/`.nrelations` initialisers for ATH_MODEL_OF from an array of ath_relation. */
#define ATH_RELATIONS(array) .relations = (array), .nrelations = sizeof(array) / sizeof((array)[0])

/* a compile error unless member m of S is a pointer (or an array) */
#define ATH__CHECK_PTR(S, m) (0 * sizeof(&*((S *)0)->m)) /* the target may be incomplete */
/* a compile error unless member m of S is a size_t */
#define ATH__CHECK_SIZE_T(S, m) (0 * sizeof(char[_Generic(((S *)0)->m, size_t: 1)]))

/**
 * A many-to-one relation of plain struct S: member `m` (a `Target *`) gets the object of
 * `target_model` whose key equals S's foreign-key column `fk_column`; options (`.remote`,
 * `.on_delete`) may follow: ATH_MANY_TO_ONE(Hero, team, Team_model, "team_id",
 * .on_delete = ATH_FK_SET_NULL).
 */
#define ATH_MANY_TO_ONE(...) ATH__M2O_I(__VA_ARGS__, .ath_reserved_ = 0)
#define ATH__M2O_I(S, m, target_model, fk_column, ...)                                             \
    {                                                                                              \
        .name = #m, .kind = ATH_REL_MANY_TO_ONE, .target = &(target_model), .local = (fk_column),   \
        .offset = offsetof(S, m) + ATH__CHECK_PTR(S, m), __VA_ARGS__                               \
    }

/**
 * A one-to-many relation of plain struct S: member `m` (a `Target *`) and `count_m` (a
 * `size_t`) get the objects of `target_model` whose foreign-key column `fk_column` equals S's
 * key; options (`.local`) may follow: ATH_ONE_TO_MANY(Team, heroes, nheroes, Hero_model,
 * "team_id").
 */
#define ATH_ONE_TO_MANY(...) ATH__O2M_I(__VA_ARGS__, .ath_reserved_ = 0)
#define ATH__O2M_I(S, m, count_m, target_model, fk_column, ...)                                    \
    {                                                                                              \
        .name = #m, .kind = ATH_REL_ONE_TO_MANY, .target = &(target_model), .remote = (fk_column), \
        .offset = offsetof(S, m) + ATH__CHECK_PTR(S, m),                                           \
        .count_offset = offsetof(S, count_m) + ATH__CHECK_SIZE_T(S, count_m), __VA_ARGS__          \
    }

/**
 * A many-to-many relation of plain struct S through the link model `link_model`: member `m` (a
 * `Target *`) and `count_m` (a `size_t`) get the objects of `target_model` paired with S's key
 * by the link rows, whose column `link_local` references S and `link_remote` the target;
 * options (`.local`, `.remote`) may follow: ATH_MANY_TO_MANY(Book, tags, ntags, Tag_model,
 * BookTag_model, "book_id", "tag_id").
 */
#define ATH_MANY_TO_MANY(...) ATH__M2M_I(__VA_ARGS__, .ath_reserved_ = 0)
#define ATH__M2M_I(S, m, count_m, target_model, link_model, link_local, link_remote, ...)        \
    {                                                                                              \
        .name = #m, .kind = ATH_REL_MANY_TO_MANY, .target = &(target_model),                       \
        .through = &(link_model), .through_local = (link_local), .through_remote = (link_remote), \
        .offset = offsetof(S, m) + ATH__CHECK_PTR(S, m),                                           \
        .count_offset = offsetof(S, count_m) + ATH__CHECK_SIZE_T(S, count_m), __VA_ARGS__          \
    }

/*
 * Relation lists of macro-declared models: R(name, many_to_one, Target, "fk_column", options…)
 * adds `struct Target *name;`, R(name, one_to_many, Target, "fk_column", options…) adds
 * `struct Target *name; size_t name_count;` after the fields, and
 * R(name, many_to_many, Target, Link, "link_local", "link_remote", options…) the same members
 * for the targets paired by the rows of `Link_model`. `Target_model` (and `Link_model`) must be
 * declared before (ATH_MODEL_REL declares its own, so a model may relate to itself; for a model
 * defined further down write `static const ath_model Target_model;` first).
 */
#define ATH__REL_MEMBERS(rn, kind, Target, ...) ATH__REL_MEMBERS_##kind(rn, Target)
#define ATH__REL_MEMBERS_many_to_one(rn, Target) struct Target *rn;
#define ATH__REL_MEMBERS_one_to_many(rn, Target)                                                 \
    struct Target *rn;                                                                           \
    size_t rn##_count;
#define ATH__REL_MEMBERS_many_to_many ATH__REL_MEMBERS_one_to_many
#define ATH__REL_DESCRIBE(...) ATH__REL_DESCRIBE_I(__VA_ARGS__, .ath_reserved_ = 0)
#define ATH__REL_DESCRIBE_I(rn, kind, Target, fk, ...) ATH__REL_D_##kind(rn, Target, fk, __VA_ARGS__)
#define ATH__REL_D_many_to_one(rn, Target, fk, ...)                                              \
    {.name = #rn,                                                                                \
     .kind = ATH_REL_MANY_TO_ONE,                                                                  \
     .target = &Target##_model,                                                                    \
     .local = (fk),                                                                                \
     .offset = ATH_OFFSET_AUTO,                                                                    \
     __VA_ARGS__},
#define ATH__REL_D_one_to_many(rn, Target, fk, ...)                                              \
    {.name = #rn,                                                                                \
     .kind = ATH_REL_ONE_TO_MANY,                                                                  \
     .target = &Target##_model,                                                                    \
     .remote = (fk),                                                                               \
     .offset = ATH_OFFSET_AUTO,                                                                    \
     .count_offset = ATH_OFFSET_AUTO,                                                              \
     __VA_ARGS__},
#define ATH__REL_D_many_to_many(rn, Target, Link, ...) ATH__REL_D_M2M_I(rn, Target, Link, __VA_ARGS__)
#define ATH__REL_D_M2M_I(rn, Target, Link, link_local, link_remote, ...)                           \
    {.name = #rn,                                                                                \
     .kind = ATH_REL_MANY_TO_MANY,                                                                 \
     .target = &Target##_model,                                                                    \
     .through = &Link##_model,                                                                     \
     .through_local = (link_local),                                                                \
     .through_remote = (link_remote),                                                              \
     .offset = ATH_OFFSET_AUTO,                                                                    \
     .count_offset = ATH_OFFSET_AUTO,                                                              \
     __VA_ARGS__},

/* Field-list expansions for ATH_MODEL: struct members, and descriptors with computed offsets. */
#define ATH__MEMBER(...)            ATH__MEMBER_I(__VA_ARGS__, )
#define ATH__MEMBER_I(m, kind, ...) ATH__CTYPE_##kind m;
#define ATH__DESCRIBE(...)          ATH__DESCRIBE_I(__VA_ARGS__, .ath_reserved_ = 0)
#define ATH__DESCRIBE_I(m, kind, ...)                                                              \
    {.member = #m,                                                                                 \
     .offset = ATH_OFFSET_AUTO,                                                                    \
     .size = sizeof(ATH__CTYPE_##kind),                                                            \
     .align = _Alignof(ATH__CTYPE_##kind),                                                         \
     .type = ATH__TYPE_##kind,                                                                     \
     .kind_flags = ATH__NULL_##kind,                                                               \
     __VA_ARGS__},

/** The struct of a macro-declared model (for a header). */
#define ATH_MODEL_STRUCT(T, FIELDS)                                                                \
    typedef struct T {                                                                             \
        FIELDS(ATH__MEMBER)                                                                        \
    } T

/** Declares the descriptor of a macro-declared model defined elsewhere (for a header). */
#define ATH_MODEL_DECLARE(T, FIELDS)                                                               \
    ATH_MODEL_STRUCT(T, FIELDS);                                                                   \
    extern const ath_model T##_model

/** Defines the descriptor `T_model` (in one .c file) for a struct from ATH_MODEL_STRUCT; options
 *  (e.g. ATH_INDEXES(array)) may follow FIELDS. */
#define ATH_MODEL_DEFINE(...) ATH__MODEL_DEFINE_I(__VA_ARGS__, .ath_reserved_ = 0)
#define ATH__MODEL_DEFINE_I(T, tbl, FIELDS, ...)                                                   \
    static const ath_field T##_fields_[] = {FIELDS(ATH__DESCRIBE)};                                \
    const ath_model T##_model = {.version = ATH_MODEL_VERSION,                                     \
                                 .table = (tbl),                                                   \
                                 .name = #T,                                                       \
                                 .struct_size = sizeof(T),                                         \
                                 .fields = T##_fields_,                                            \
                                 .nfields = sizeof(T##_fields_) / sizeof(T##_fields_[0]),          \
                                 __VA_ARGS__}

/** Struct and descriptor together, for a model used in one file (`static const T_model`);
 *  options (e.g. ATH_INDEXES(array)) may follow FIELDS. */
#define ATH_MODEL(...) ATH__MODEL_I(__VA_ARGS__, .ath_reserved_ = 0)
#define ATH__MODEL_I(T, tbl, FIELDS, ...)                                                          \
    ATH_MODEL_STRUCT(T, FIELDS);                                                                   \
    static const ath_field T##_fields_[] = {FIELDS(ATH__DESCRIBE)};                                \
    static const ath_model T##_model = {.version = ATH_MODEL_VERSION,                              \
                                        .table = (tbl),                                            \
                                        .name = #T,                                                \
                                        .struct_size = sizeof(T),                                  \
                                        .fields = T##_fields_,                                     \
                                        .nfields = sizeof(T##_fields_) / sizeof(T##_fields_[0]),   \
                                        __VA_ARGS__}

/*
 * Struct, descriptor and relations together, for a model used in one file: as ATH_MODEL, with a
 * RELS list (see ATH__REL_MEMBERS above) whose members follow the fields:
 *
 *     #define TEAM_RELS(R) R(heroes, one_to_many, Hero, "team_id")
 *     ATH_MODEL_REL(Team, "team", TEAM_FIELDS, TEAM_RELS)   // Team.heroes, Team.heroes_count
 */
#define ATH_MODEL_REL(T, tbl, FIELDS, RELS)                                                        \
    typedef struct T {                                                                             \
        FIELDS(ATH__MEMBER)                                                                        \
        RELS(ATH__REL_MEMBERS)                                                                     \
    } T;                                                                                           \
    static const ath_model T##_model;                                                              \
    static const ath_field T##_fields_[] = {FIELDS(ATH__DESCRIBE)};                                \
    static const ath_relation T##_relations_[] = {RELS(ATH__REL_DESCRIBE)};                     \
    static const ath_model T##_model = {                                                           \
        .version = ATH_MODEL_VERSION,                                                              \
        .table = (tbl),                                                                            \
        .name = #T,                                                                                \
        .struct_size = sizeof(T),                                                                  \
        .fields = T##_fields_,                                                                     \
        .nfields = sizeof(T##_fields_) / sizeof(T##_fields_[0]),                                   \
        .relations = T##_relations_,                                                               \
        .nrelations = sizeof(T##_relations_) / sizeof(T##_relations_[0])}

ATH_END_DECLS

/* --- C++ (C++11 and later): the same macros, spelled the same by the caller ------------------ */
#ifdef __cplusplus
#include "cxx.h"

/* the member types each kind accepts, as the type of &member (see ATH__ACCEPT_ for C) */
#define ATH__CXX_ACCEPT_i32           int32_t *
#define ATH__CXX_ACCEPT_i64           int64_t *
#define ATH__CXX_ACCEPT_double        double *
#define ATH__CXX_ACCEPT_bool          bool *
#define ATH__CXX_ACCEPT__Bool         bool *
#define ATH__CXX_ACCEPT_text          char **, const char **
#define ATH__CXX_ACCEPT_blob          ath_blob *
#define ATH__CXX_ACCEPT_numeric       char **, const char **
#define ATH__CXX_ACCEPT_timestamp     ath_timestamp *
#define ATH__CXX_ACCEPT_date          ath_date *
#define ATH__CXX_ACCEPT_uuid          ath_uuid *
#define ATH__CXX_ACCEPT_json          char **, const char **
#define ATH__CXX_ACCEPT_opt_i32       ath_opt_i32 *
#define ATH__CXX_ACCEPT_opt_i64       ath_opt_i64 *
#define ATH__CXX_ACCEPT_opt_double    ath_opt_double *
#define ATH__CXX_ACCEPT_opt_bool      ath_opt_bool *
#define ATH__CXX_ACCEPT_opt_timestamp ath_opt_timestamp *
#define ATH__CXX_ACCEPT_opt_date      ath_opt_date *
#define ATH__CXX_ACCEPT_opt_uuid      ath_opt_uuid *
#define ATH__CXX_ACCEPT_opt_text      ATH__CXX_ACCEPT_text
#define ATH__CXX_ACCEPT_opt_blob      ATH__CXX_ACCEPT_blob
#define ATH__CXX_ACCEPT_opt_numeric   ATH__CXX_ACCEPT_numeric
#define ATH__CXX_ACCEPT_opt_json      ATH__CXX_ACCEPT_json

#undef ATH_DEFAULT_I64
#undef ATH_DEFAULT_I32
#undef ATH_DEFAULT_DOUBLE
#undef ATH_DEFAULT_BOOL
#undef ATH_DEFAULT_TEXT
#define ATH_DEFAULT_I64(x)    ath_v_i64(x)
#define ATH_DEFAULT_I32(x)    ath_v_i32(x)
#define ATH_DEFAULT_DOUBLE(x) ath_v_double(x)
#define ATH_DEFAULT_BOOL(x)   ath_v_bool(x)
#define ATH_DEFAULT_TEXT(literal) ath_v_textn(ATH_T_TEXT, (literal), sizeof(literal) - 1)

#undef ATH__CHECKED_SIZE
#define ATH__CHECKED_SIZE(S, m, kind)                                                              \
    (sizeof(((S *)0)->m) +                                                                         \
     0 * sizeof(char[::ath_cxx::accept<decltype(&((S *)0)->m), ATH__CXX_ACCEPT_##kind>::value]))

#undef ATH__FIELD_I
#define ATH__FIELD_I(S, m, kind, ...)                                                              \
    ::ath_cxx::build(::ath_cxx::field_base(#m, offsetof(S, m), ATH__CHECKED_SIZE(S, m, kind), 0,    \
                                           ATH__TYPE_##kind, ATH__NULL_##kind),                     \
                     [](ath_field &f_) { ATH__CXX_SET(f_, __VA_ARGS__) })

#undef ATH__MODEL_OF_I
#define ATH__MODEL_OF_I(S, tbl, fieldarray, ...)                                                   \
    ::ath_cxx::build(::ath_cxx::model_base((tbl), #S, sizeof(S), (fieldarray),                      \
                                           sizeof(fieldarray) / sizeof((fieldarray)[0])),           \
                     [](ath_model &m_) { ATH__CXX_SET(m_, __VA_ARGS__) })

#undef ATH__DESCRIBE_I
#define ATH__DESCRIBE_I(m, kind, ...)                                                              \
    ::ath_cxx::build(::ath_cxx::field_base(#m, ATH_OFFSET_AUTO, sizeof(ATH__CTYPE_##kind),         \
                                           alignof(ATH__CTYPE_##kind), ATH__TYPE_##kind,           \
                                           ATH__NULL_##kind),                                      \
                     [](ath_field &f_) { ATH__CXX_SET(f_, __VA_ARGS__) }),

#undef ATH_MODEL_DEFINE
#undef ATH__MODEL_DEFINE_I
#define ATH__MODEL_DEFINE_I(T, tbl, FIELDS, ...)                                                   \
    static const ath_field T##_fields_[] = {FIELDS(ATH__DESCRIBE)};                                \
    const ath_model T##_model = ::ath_cxx::build(                                                  \
        ::ath_cxx::model_base((tbl), #T, sizeof(T), T##_fields_,                                   \
                              sizeof(T##_fields_) / sizeof(T##_fields_[0])),                       \
        [](ath_model &m_) { ATH__CXX_SET(m_, __VA_ARGS__) })
#define ATH_MODEL_DEFINE(...) ATH__MODEL_DEFINE_I(__VA_ARGS__, .ath_reserved_ = 0)

#undef ATH_MODEL
#undef ATH__MODEL_I
#define ATH__MODEL_I(T, tbl, FIELDS, ...)                                                          \
    ATH_MODEL_STRUCT(T, FIELDS);                                                                   \
    static const ath_field T##_fields_[] = {FIELDS(ATH__DESCRIBE)};                                \
    static const ath_model T##_model = ::ath_cxx::build(                                           \
        ::ath_cxx::model_base((tbl), #T, sizeof(T), T##_fields_,                                   \
                              sizeof(T##_fields_) / sizeof(T##_fields_[0])),                       \
        [](ath_model &m_) { ATH__CXX_SET(m_, __VA_ARGS__) })
#define ATH_MODEL(...) ATH__MODEL_I(__VA_ARGS__, .ath_reserved_ = 0)

/* column lists without compound literals: a function-local static array */
#undef ATH_UNIQUE_ON
#undef ATH_INDEX_ON
#define ATH__CXX_INDEX(unique, ...)                                                                \
    ::ath_cxx::table_index((unique),                                                               \
                           []() -> const char *const * {                                           \
                               static const char *const c_[] = {__VA_ARGS__};                      \
                               return c_;                                                          \
                           }(),                                                                    \
                           ::ath_cxx::count_of(__VA_ARGS__))
#define ATH_UNIQUE_ON(...) ATH__CXX_INDEX(true, __VA_ARGS__)
#define ATH_INDEX_ON(...)  ATH__CXX_INDEX(false, __VA_ARGS__)

/* relations of plain structs (the macro-declared R() lists are C only) */
#undef ATH__CHECK_SIZE_T
#define ATH__CHECK_SIZE_T(S, m)                                                                    \
    (0 * sizeof(char[std::is_same<decltype(((S *)0)->m), size_t>::value ? 1 : -1]))
#undef ATH__M2O_I
#define ATH__M2O_I(S, m, target_model, fk_column, ...)                                             \
    ::ath_cxx::build(::ath_cxx::relation_base(#m, ATH_REL_MANY_TO_ONE, &(target_model),            \
                                              offsetof(S, m) + ATH__CHECK_PTR(S, m), 0),           \
                     [](ath_relation &r_) {                                                        \
                         r_.local = (fk_column);                                                   \
                         ATH__CXX_SET(r_, __VA_ARGS__)                                             \
                     })
#undef ATH__O2M_I
#define ATH__O2M_I(S, m, count_m, target_model, fk_column, ...)                                    \
    ::ath_cxx::build(::ath_cxx::relation_base(#m, ATH_REL_ONE_TO_MANY, &(target_model),            \
                                              offsetof(S, m) + ATH__CHECK_PTR(S, m),               \
                                              offsetof(S, count_m) + ATH__CHECK_SIZE_T(S, count_m)), \
                     [](ath_relation &r_) {                                                        \
                         r_.remote = (fk_column);                                                  \
                         ATH__CXX_SET(r_, __VA_ARGS__)                                             \
                     })

#undef ATH__M2M_I
#define ATH__M2M_I(S, m, count_m, target_model, link_model, link_local, link_remote, ...)        \
    ::ath_cxx::build(::ath_cxx::relation_base(#m, ATH_REL_MANY_TO_MANY, &(target_model),           \
                                              offsetof(S, m) + ATH__CHECK_PTR(S, m),               \
                                              offsetof(S, count_m) + ATH__CHECK_SIZE_T(S, count_m)), \
                     [](ath_relation &r_) {                                                        \
                         r_.through = &(link_model);                                               \
                         r_.through_local = (link_local);                                          \
                         r_.through_remote = (link_remote);                                        \
                         ATH__CXX_SET(r_, __VA_ARGS__)                                             \
                     })

namespace ath_cxx {
inline ath_relation relation_base(const char *name, ath_rel_kind kind, const ath_model *target,
                                  size_t offset, size_t count_offset)
{
    ath_relation r = ath_relation();
    r.name = name;
    r.kind = kind;
    r.target = target;
    r.offset = offset;
    r.count_offset = count_offset;
    return r;
}
inline ath_field field_base(const char *member, size_t offset, size_t size, size_t align,
                            ath_type type, unsigned kind_flags)
{
    ath_field f = ath_field();
    f.member = member;
    f.offset = offset;
    f.size = size;
    f.align = align;
    f.type = type;
    f.kind_flags = kind_flags;
    return f;
}
template <typename... A> constexpr size_t count_of(A...)
{
    return sizeof...(A);
}
inline ath_table_index table_index(bool unique, const char *const *columns, size_t n)
{
    ath_table_index ix = ath_table_index();
    ix.unique = unique;
    ix.columns = columns;
    ix.ncolumns = n;
    return ix;
}
inline ath_model model_base(const char *table, const char *name, size_t struct_size,
                            const ath_field *fields, size_t nfields)
{
    ath_model m = ath_model();
    m.version = ATH_MODEL_VERSION;
    m.table = table;
    m.name = name;
    m.struct_size = struct_size;
    m.fields = fields;
    m.nfields = nfields;
    return m;
}
} // namespace ath_cxx
#endif /* __cplusplus */

#endif
