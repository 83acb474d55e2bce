/* Private: a model checked once and laid out for fast access (columns, key, member offsets). */
#ifndef ATH_CORE_MAPPING_H
#define ATH_CORE_MAPPING_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <athanor/error.h>
#include <athanor/model.h>

#include "arena.h"
#include "utf8.h"

/** One column, resolved. */
typedef struct ath_col {
    const ath_model *model; /* for messages */
    const ath_field *field;
    const char *name; /* column name */
    size_t offset;    /* member offset in the struct */
    size_t size;
    ath_type type;
    unsigned flags; /* field flags | kind flags */
    bool nullable;
    bool opt; /* an ath_opt_* wrapper (nullable scalar) */
    bool pk;
    bool autoinc;
    bool role;                  /* some mixin role's column */
    int index;                  /* position in the mapping */
    const char *server_default; /* the field's, or its mixin role's */
    int max_length;             /* the field's, or its mixin role's */
    const char *references;     /* "table.column" of its foreign key (field or relation), or NULL */
    ath_fk_action on_delete;    /* the foreign key's ON DELETE (field or relation) */
} ath_col;

/** The field's .onupdate_sql expression, or NULL. */
static inline const char *ath_col_onupdate_sql(const ath_col *c)
{
    return c->field ? c->field->onupdate_sql : NULL;
}

/** True when every update writes column c (a field's .onupdate or .onupdate_sql). */
static inline bool ath_col_onupdate(const ath_col *c)
{
    return c->field && (c->field->onupdate || ath_col_onupdate_sql(c));
}

/** A declared relation, resolved (core/relation.c). */
typedef struct ath_rel {
    const ath_relation *rel; /* &decl */
    ath_relation decl;       /* the declaration, read at the model's version */
    size_t offset;       /* the pointer member */
    size_t count_offset; /* one-to-many, many-to-many: the size_t count member */
    int local;           /* column index here: many-to-one the foreign key, one-to-many and
                            many-to-many the referenced column */
    const char *remote;  /* column name on the target (many-to-many: the referenced one) */
    const char *through_local, *through_remote; /* many-to-many: the link's column names */
    char *fk_text;       /* many-to-one: "table.column" (owned) */
} ath_rel;

/** True for the kinds whose member is an array with a count (one-to-many, many-to-many). */
#define ATH_REL_IS_ARRAY(kind) ((kind) == ATH_REL_ONE_TO_MANY || (kind) == ATH_REL_MANY_TO_MANY)

struct ath_mapping;

/** A mixin attachment, resolved: the column of each role. */
typedef struct ath_mixin_state {
    const struct ath_mixin_use *use;
    const struct ath_mapping *m;
    int *role_cols; /* role index -> column index */
} ath_mixin_state;

typedef struct ath_mapping {
    const ath_model *model;
    ath_col *cols;
    size_t ncols;
    int *pk; /* indexes of the key columns, in field order */
    size_t npk;
    int autoinc;             /* index of the autoincrement column, or -1 */
    ath_mixin_state *mixins; /* resolved mixin attachments, in attachment order */
    size_t nmixins;
    ath_field *extra_fields; /* descriptors of role columns bound to non-field members */
    size_t nextra;
    ath_rel *rels; /* resolved relations, in declaration order */
    size_t nrels;
    /* built once per engine for its dialect (ath_sql_mapping_statements), shared by repositories */
    char *sql_select; /* SELECT <columns> FROM <table> */
    char *sql_get;    /* … WHERE <key> */
    char *sql_update; /* UPDATE <table> SET <non-key> = ? … WHERE <key>; "" with nothing to set
                         (.onupdate_sql columns last, as `c = <expression>`, unbound) */
    char *sql_update_returning; /* sql_update … RETURNING <.onupdate_sql columns>, or NULL */
} ath_mapping;

/** Validates `model` and lays it out. On failure the message names model and field. */
int ath_mapping_build(ath_mapping **out, const ath_model *model);
void ath_mapping_free(ath_mapping *m);

/** Relation i of `model`: the one accessor of the array, where a later descriptor version with
 *  another ath_relation layout will be read (copied into *scratch); version 1 is in place. */
const ath_relation *ath_model_relation(const ath_model *model, size_t i, ath_relation *scratch);
/** Resolves the model's relations into m->rels (core/relation.c); the message names the model
 *  and the relation. */
int ath_mapping_relations(ath_mapping *m);
/** The relation called `name`, or NULL. */
const ath_rel *ath_mapping_rel(const ath_mapping *m, const char *name);
/**
 * Offsets of relation i's members (*count_off 0 for many-to-one): explicit ones as given,
 * ATH_OFFSET_AUTO ones laid out after the members ending at `end` (macro models). Returns the
 * end of the relation members.
 */
size_t ath_rel_offsets(const ath_model *model, size_t end, size_t i, size_t *off,
                       size_t *count_off);
/** Frees the string and blob members only (relation members are left alone): for core's own
 *  scratch rows and for copies of a caller's struct. */
void ath_model_free_strings(const ath_model *model, void *obj);

/** The column called `name`, or NULL. */
const ath_col *ath_mapping_find(const ath_mapping *m, const char *name);
/** As ath_mapping_find, or ATH_EINVAL naming the column and model (for filters and field lists). */
int ath_mapping_require(const ath_mapping *m, const char *name, const char *what,
                        const ath_col **out);

/**
 * True when the columns `cols` (n of them, any order, each once) are declared unique on the
 * model: the whole primary key, one ATH_UNIQUE column, or a unique ATH_UNIQUE_ON() constraint
 * with exactly these columns (what an upsert can match on).
 */
bool ath_mapping_unique_on(const ath_mapping *m, const ath_col *const *cols, size_t n);

/** The offset of field f laid out after members ending at *end (C rules), *end moved past it;
 *  an explicit offset is taken as given. */
size_t ath_next_offset(const ath_field *f, size_t *end);

/** Offset of the `set` flag inside the ath_opt_* wrapper of type t (core/mapping.c). */
size_t ath_opt_set_offset(ath_type t);

/* --- members <-> values (core/member.c) --- */

/** The value of column `c` in `obj` (text/blob point into obj). */
ath_value ath_col_get(const ath_col *c, const void *obj);
/** As ath_col_get, refusing text that breaks the text policy (valid UTF-8, no NUL): ATH_EINVAL
 *  naming the table and column. */
int ath_col_checked(const ath_mapping *m, const ath_col *c, const void *obj, ath_value *out);

/**
 * The value-kind rule, the same on every backend and checked before anything is sent: ATH_OK
 * when `v` may be bound against or stored into column `c` (NULL always may), else ATH_EINVAL
 * naming `what` (where the value comes from: "a filter", "a key"…), the model, the column, the
 * kind the column expects and the kind given. Integers must fit the column's width; a double
 * goes into an integer column only when it is a whole number in range; text goes only into
 * text, numeric and JSON columns (an integer into a text column is refused).
 */
int ath_col_accepts(const ath_col *c, const ath_value *v, const char *what);

/** True when the member holds no value (NULL / unset opt / 0 for an autoincrement key). */
bool ath_col_unset(const ath_col *c, const void *obj);
/** ath_col_set's general path: conversions, NULL, optional wrappers, text and blobs. */
int ath_col_set_converting(const ath_col *c, void *obj, const ath_value *v, ath_arena *arena);

/**
 * Stores `v` into the member of `obj`, converting between integer widths. Text and blobs are
 * copied into `arena`, or malloc'd when arena is NULL (owned by obj then). Inline because every
 * column of every row read comes through here: a value that already has the member's type and
 * is held by value is one copy (the mapping checked the member's size; every union member
 * starts at the union's start).
 */
static inline int ath_col_set(const ath_col *c, void *obj, const ath_value *v, ath_arena *arena)
{
    if (v->type == c->type && !c->opt && !ath_type_bytes(c->type)) {
        char *p = (char *)obj + c->offset;
        if (c->size == 8) /* constant sizes: a move, not a call to memcpy */
            memcpy(p, &v->u, 8);
        else if (c->size == 4)
            memcpy(p, &v->u, 4);
        else
            memcpy(p, &v->u, c->size);
        return ATH_OK;
    }
    return ath_col_set_converting(c, obj, v, arena);
}

/** True when two values are equal (same type family, same content). */
bool ath_value_equal(const ath_value *a, const ath_value *b);

#endif
