/* Model validation and layout: a model checked once, its members placed, mixin roles resolved;
 * freeing the string members a model's object owns. */
#include "mapping.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "error.h"
#include "utf8.h"

#include <athanor/mixin.h>

#define IDENT_MAX 63

const char *ath_field_column(const ath_field *f)
{
    if (!f) {
        ath_null_arg(__func__, "field");
        return NULL;
    }
    return f->column ? f->column : f->member;
}

static bool valid_ident(const char *s)
{
    if (!s || !*s || !(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    size_t n = 0;
    for (; *s; s++, n++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return false;
    return n <= IDENT_MAX;
}

static bool scalar(ath_type t)
{
    switch (t) {
    case ATH_T_I32:
    case ATH_T_I64:
    case ATH_T_DOUBLE:
    case ATH_T_BOOL:
    case ATH_T_TIMESTAMP:
    case ATH_T_DATE:
    case ATH_T_UUID:
        return true;
    default:
        return false;
    }
}

/* sizeof the C member a column of this type (and wrapper) needs */
static size_t member_size(ath_type t, bool opt)
{
    switch (t) {
    case ATH_T_I32:
        return opt ? sizeof(ath_opt_i32) : sizeof(int32_t);
    case ATH_T_I64:
        return opt ? sizeof(ath_opt_i64) : sizeof(int64_t);
    case ATH_T_DOUBLE:
        return opt ? sizeof(ath_opt_double) : sizeof(double);
    case ATH_T_BOOL:
        return opt ? sizeof(ath_opt_bool) : sizeof(bool);
    case ATH_T_TIMESTAMP:
        return opt ? sizeof(ath_opt_timestamp) : sizeof(ath_timestamp);
    case ATH_T_DATE:
        return opt ? sizeof(ath_opt_date) : sizeof(ath_date);
    case ATH_T_UUID:
        return opt ? sizeof(ath_opt_uuid) : sizeof(ath_uuid);
    case ATH_T_BLOB:
        return sizeof(ath_blob);
    default:
        return sizeof(char *);
    }
}

/* The wrapper's `set` flag sits after the value; its offset depends on the type. */
size_t ath_opt_set_offset(ath_type t)
{
    switch (t) {
    case ATH_T_I32:
        return offsetof(ath_opt_i32, set);
    case ATH_T_I64:
        return offsetof(ath_opt_i64, set);
    case ATH_T_DOUBLE:
        return offsetof(ath_opt_double, set);
    case ATH_T_BOOL:
        return offsetof(ath_opt_bool, set);
    case ATH_T_TIMESTAMP:
        return offsetof(ath_opt_timestamp, set);
    case ATH_T_DATE:
        return offsetof(ath_opt_date, set);
    default:
        return offsetof(ath_opt_uuid, set);
    }
}

static int field_fail(const ath_model *m, const ath_field *f, const char *what)
{
    return ath_fail(ATH_EINVAL, "model %s (table %s), field %s: %s", m->name ? m->name : "?",
                    m->table ? m->table : "?", f && f->member ? f->member : "?", what);
}

static int check_reference(const ath_model *m, const ath_field *f)
{
    const char *dot = strchr(f->references, '.');
    char table[IDENT_MAX + 2];
    if (!dot || (size_t)(dot - f->references) > IDENT_MAX)
        return field_fail(m, f, "references must be \"table.column\"");
    memcpy(table, f->references, (size_t)(dot - f->references));
    table[dot - f->references] = '\0';
    if (!valid_ident(table) || !valid_ident(dot + 1))
        return field_fail(m, f, "references must be \"table.column\" with valid identifiers");
    return ATH_OK;
}

static int check_field(const ath_model *m, const ath_field *f, ath_col *c)
{
    if (!f->member)
        return field_fail(m, f, "no member name");
    if (!valid_ident(ath_field_column(f))) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "column name \"%.80s\" is not a valid identifier (letters, digits, _; at most "
                 "63; not starting with a digit)",
                 ath_field_column(f) ? ath_field_column(f) : "(null)");
        return field_fail(m, f, msg);
    }
    if (f->type <= ATH_T_NULL || f->type >= ATH_T__COUNT)
        return field_fail(m, f, "unknown type");
    unsigned flags = f->flags | f->kind_flags;
    bool opt = scalar(f->type) && (f->kind_flags & ATH_NULLABLE);
    if (scalar(f->type) && (flags & ATH_NULLABLE) && !opt)
        return field_fail(m, f, "a nullable scalar needs an opt_* kind (an ath_opt_* member)");
    size_t want = member_size(f->type, opt);
    if (f->size != want) {
        char msg[160];
        snprintf(msg, sizeof msg, "member is %zu bytes but a%s %s column needs %zu", f->size,
                 opt ? " nullable" : "", ath_type_name(f->type), want);
        return field_fail(m, f, msg);
    }
    if (f->max_length < 0 || (f->max_length > 0 && f->type != ATH_T_TEXT))
        return field_fail(m, f, "max_length applies to text columns only and must be positive");
    if ((flags & ATH_AUTOINC) && f->type != ATH_T_I32 && f->type != ATH_T_I64)
        return field_fail(m, f, "autoincrement needs an integer (i32 or i64) column");
    if (f->references) {
        int rc = check_reference(m, f);
        if (rc != ATH_OK)
            return rc;
    }
    if (f->default_value.type != ATH_T_NULL && scalar(f->type) && !opt)
        return field_fail(m, f,
                          "a client default needs a kind that can be unset (opt_*): a plain "
                          "scalar member always holds a value");
    if (f->onupdate && (flags & (ATH_PK | ATH_IMMUTABLE)))
        return field_fail(m, f, "onupdate on a key or immutable field: it is never updated");
    const char *onupdate_sql = f->onupdate_sql;
    if (onupdate_sql && (flags & (ATH_PK | ATH_IMMUTABLE)))
        return field_fail(m, f, "onupdate_sql on a key or immutable field: it is never updated");
    if (onupdate_sql && f->onupdate)
        return field_fail(m, f, "both onupdate and onupdate_sql: give the value one way");
    if (onupdate_sql && !*onupdate_sql)
        return field_fail(m, f, "onupdate_sql is empty");
    c->model = m;
    c->field = f;
    c->name = ath_field_column(f);
    c->size = f->size;
    c->type = f->type;
    c->flags = flags;
    c->nullable = (flags & ATH_NULLABLE) != 0;
    c->opt = opt;
    c->pk = (flags & ATH_PK) != 0;
    c->autoinc = (flags & ATH_AUTOINC) != 0;
    c->server_default = f->server_default;
    c->max_length = f->max_length;
    c->references = f->references;
    c->on_delete = f->on_delete;
    if (ath_col_accepts(c, &f->default_value, "default_value") != ATH_OK)
        return ATH_EINVAL;
    return ATH_OK;
}

/* The offset of field f laid out after members ending at *end, by the C rules (each member at
 * its alignment), and *end moved past it; an explicit offset is taken as given. */
size_t ath_next_offset(const ath_field *f, size_t *end)
{
    if (f->offset != ATH_OFFSET_AUTO)
        return f->offset;
    size_t a = f->align ? f->align : 1;
    size_t at = (*end + a - 1) / a * a;
    *end = at + f->size;
    return at;
}

/* Offsets of macro-declared fields: the C layout rules (each member at its alignment). */
static int layout(const ath_model *m, ath_col *cols)
{
    size_t end = 0, max_align = 1;
    size_t autos = 0;
    for (size_t i = 0; i < m->nfields; i++)
        autos += m->fields[i].offset == ATH_OFFSET_AUTO;
    if (autos == 0) {
        for (size_t i = 0; i < m->nfields; i++) {
            cols[i].offset = m->fields[i].offset;
            if (cols[i].offset + cols[i].size > m->struct_size)
                return field_fail(m, &m->fields[i], "member lies outside the struct");
        }
        return ATH_OK;
    }
    if (autos != m->nfields)
        return ath_fail(ATH_EINVAL, "model %s: mixes computed and explicit offsets", m->name);
    for (size_t i = 0; i < m->nfields; i++) {
        size_t a = m->fields[i].align ? m->fields[i].align : 1;
        cols[i].offset = ath_next_offset(&m->fields[i], &end);
        if (a > max_align)
            max_align = a;
    }
    if (m->nrelations && m->relations) {
        size_t off, coff;
        end = ath_rel_offsets(m, end, m->nrelations - 1, &off, &coff);
        if (_Alignof(void *) > max_align)
            max_align = _Alignof(void *);
    }
    end = (end + max_align - 1) / max_align * max_align;
    if (end != m->struct_size)
        return ath_fail(ATH_EINVAL,
                        "model %s: computed layout (%zu bytes) does not match sizeof (%zu)",
                        m->name, end, m->struct_size);
    return ATH_OK;
}

/* The C type a binding must have for a role (see ATH__CT_OF): opt wrappers are 100 + type. */
static int expected_ctype(const ath_mixin_role *role)
{
    bool nullable = role->flags & ATH_NULLABLE;
    if (scalar(role->type) && nullable)
        return 100 + (int)role->type;
    switch (role->type) {
    case ATH_T_TIMESTAMP:
        return ATH_T_I64; /* ath_timestamp is int64_t */
    case ATH_T_DATE:
        return ATH_T_I32;
    case ATH_T_NUMERIC:
    case ATH_T_JSON:
        return ATH_T_TEXT;
    default:
        return (int)role->type;
    }
}

static const char *ctype_name(int ct)
{
    static const char *const plain[ATH_T__COUNT] = {"?",
                                                    "int32_t",
                                                    "int64_t",
                                                    "double",
                                                    "bool",
                                                    "char *",
                                                    "ath_blob",
                                                    "char *",
                                                    "int64_t (ath_timestamp)",
                                                    "int32_t (ath_date)",
                                                    "ath_uuid",
                                                    "char *"};
    static const char *const opt[ATH_T__COUNT] = {
        "?", "ath_opt_i32", "ath_opt_i64",       "ath_opt_double", "ath_opt_bool", "?",
        "?", "?",           "ath_opt_timestamp", "ath_opt_date",   "ath_opt_uuid", "?"};
    if (ct >= 100 && ct - 100 < ATH_T__COUNT)
        return opt[ct - 100];
    if (ct >= 0 && ct < ATH_T__COUNT)
        return plain[ct];
    return "an array or a type no column kind uses (an array such as char name[8] is not a "
           "char *: declare the member as a pointer)";
}

static int mixin_fail(const ath_model *model, const ath_mixin *mx, const char *role,
                      const char *what)
{
    return ath_fail(ATH_EINVAL, "model %s (table %s), mixin %s%s%s: %s",
                    model->name ? model->name : "?", model->table, mx && mx->name ? mx->name : "?",
                    role ? ", role " : "", role ? role : "", what);
}

/* Adds a column for a role bound to a member that is not a field. */
static int add_role_column(ath_mapping *m, const ath_mixin_use *use, size_t r,
                           const ath_mixin_binding *b, size_t *slot)
{
    const ath_mixin_role *role = &use->mixin->roles[r];
    ath_field *f = &m->extra_fields[m->nextra++];
    memset(f, 0, sizeof *f);
    f->member = b->member;
    f->column = role->name;
    f->offset = b->offset;
    f->size = b->size;
    f->type = role->type;
    f->flags =
        use->mixin->role_flags ? use->mixin->role_flags(use->config, r, role->flags) : role->flags;
    f->kind_flags = scalar(role->type) && (role->flags & ATH_NULLABLE) ? ATH_NULLABLE : 0;
    f->server_default = role->server_default;
    f->max_length = role->max_length;
    ath_col *c = &m->cols[m->ncols];
    int rc = check_field(m->model, f, c);
    if (rc != ATH_OK)
        return rc;
    c->offset = b->offset;
    c->index = (int)m->ncols;
    *slot = m->ncols++;
    return ATH_OK;
}

/* Resolves every attached mixin: each role to a column (a field, or a bound member). */
static int resolve_mixins(ath_mapping *m)
{
    const ath_model *model = m->model;
    for (size_t k = 0; k < model->nmixins; k++) {
        const ath_mixin_use *use = &model->mixins[k];
        const ath_mixin *mx = use->mixin;
        ath_mixin_state *st = &m->mixins[k];
        st->use = use;
        st->m = m;
        if (!mx)
            return ath_fail(ATH_EINVAL, "model %s: mixin %zu is NULL", model->name, k + 1);
        if (mx->abi > ATH_MIXIN_ABI) {
            char msg[96];
            snprintf(msg, sizeof msg, "built for mixin ABI %u, this library knows ABI %d", mx->abi,
                     ATH_MIXIN_ABI);
            return mixin_fail(model, mx, NULL, msg);
        }
        for (size_t j = 0; j < k; j++)
            if (model->mixins[j].mixin == mx)
                return mixin_fail(model, mx, NULL, "attached twice");
        if (!(st->role_cols = ath_calloc(mx->nroles ? mx->nroles : 1, sizeof *st->role_cols)))
            return ath_fail(ATH_ENOMEM, "resolving mixins");
        for (size_t b = 0; b < use->nbindings; b++) {
            size_t r = 0;
            while (r < mx->nroles && strcmp(mx->roles[r].name, use->bindings[b].role) != 0)
                r++;
            if (r == mx->nroles)
                return mixin_fail(model, mx, use->bindings[b].role, "the mixin has no such role");
        }
        for (size_t r = 0; r < mx->nroles; r++) {
            const ath_mixin_role *role = &mx->roles[r];
            const ath_mixin_binding *bind = NULL;
            for (size_t b = 0; b < use->nbindings && use->bindings; b++)
                if (strcmp(use->bindings[b].role, role->name) == 0)
                    bind = &use->bindings[b];
            /* the column: a field with the bound member (or, unbound, named like the role) */
            const char *member = bind ? bind->member : role->name;
            size_t col = m->ncols;
            for (size_t i = 0; i < model->nfields; i++)
                if (strcmp(model->fields[i].member, member) == 0)
                    col = i;
            char msg[512];
            if (!bind && (use->bindings || col == m->ncols)) {
                snprintf(msg, sizeof msg,
                         "not bound: bind it to a member with ATH_BIND(%s, \"%s\", member)",
                         model->name ? model->name : "Struct", role->name);
                return mixin_fail(model, mx, role->name, msg);
            }
            if (bind && bind->ctype != expected_ctype(role)) {
                snprintf(msg, sizeof msg, "member %s is %s but a%s %s role needs %s", bind->member,
                         ctype_name(bind->ctype), role->flags & ATH_NULLABLE ? " nullable" : "",
                         ath_type_name(role->type), ctype_name(expected_ctype(role)));
                return mixin_fail(model, mx, role->name, msg);
            }
            if (col < model->nfields) { /* the member is a field: the role's flags join it */
                ath_col *c = &m->cols[col];
                if (c->type != role->type || c->nullable != ((role->flags & ATH_NULLABLE) != 0)) {
                    snprintf(msg, sizeof msg, "field %s is a%s %s column but the role is a%s %s",
                             c->field->member, c->nullable ? " nullable" : "",
                             ath_type_name(c->type), role->flags & ATH_NULLABLE ? " nullable" : "",
                             ath_type_name(role->type));
                    return mixin_fail(model, mx, role->name, msg);
                }
                unsigned flags =
                    mx->role_flags ? mx->role_flags(use->config, r, role->flags) : role->flags;
                c->flags |= flags;
                c->pk = (c->flags & ATH_PK) != 0;
                c->autoinc = (c->flags & ATH_AUTOINC) != 0;
                if (!c->server_default)
                    c->server_default = role->server_default;
                if (!c->max_length)
                    c->max_length = role->max_length;
                if (ath_col_onupdate_sql(c))
                    return mixin_fail(model, mx, role->name,
                                      "its member has an onupdate_sql: the mixin writes it");
                st->role_cols[r] = (int)col;
            } else {
                size_t slot;
                int rc = add_role_column(m, use, r, bind, &slot);
                if (rc != ATH_OK)
                    return rc;
                st->role_cols[r] = (int)slot;
            }
            m->cols[st->role_cols[r]].role = true;
        }
    }
    return ATH_OK;
}

/* Primary key, autoincrement and duplicate names, over every column (fields and roles). */
static int index_columns(ath_mapping *m)
{
    const ath_model *model = m->model;
    for (size_t i = 0; i < m->ncols; i++) {
        ath_col *c = &m->cols[i];
        for (size_t j = 0; j < i; j++)
            if (strcasecmp(m->cols[j].name, c->name) == 0) {
                char msg[200];
                snprintf(msg, sizeof msg, "duplicate column name \"%s\" (also used by field %s)",
                         c->name, m->cols[j].field->member);
                return field_fail(model, c->field, msg);
            }
        if ((c->flags & ATH_AUTOINC) && !(c->flags & ATH_PK))
            return field_fail(model, c->field, "autoincrement needs the primary key flag");
        if (c->pk)
            m->pk[m->npk++] = (int)i;
        if (c->autoinc) {
            if (m->autoinc >= 0)
                return field_fail(model, c->field, "only one column can autoincrement");
            m->autoinc = (int)i;
        }
        if (c->opt && c->pk && !c->autoinc)
            return field_fail(model, c->field, "a primary key column cannot be nullable");
    }
    if (m->npk == 0)
        return ath_fail(ATH_EINVAL, "model %s (table %s): no primary key (flag a field ATH_PK)",
                        model->name ? model->name : "?", model->table);
    if (m->autoinc >= 0 && m->npk > 1)
        return field_fail(model, m->cols[m->autoinc].field,
                          "autoincrement is only possible on a single-column primary key");
    return ATH_OK;
}

/* The model's multi-column unique constraints and indexes name existing columns, once each. */
static int check_indexes(const ath_mapping *m)
{
    const ath_model *model = m->model;
    const char *mname = model->name ? model->name : "?";
    if (model->nindexes && !model->indexes)
        return ath_fail(ATH_EINVAL, "model %s: %zu indexes but the array is NULL", mname,
                        model->nindexes);
    for (size_t k = 0; k < model->nindexes; k++) {
        const ath_table_index *ix = &model->indexes[k];
        if (ix->ncolumns == 0 || !ix->columns)
            return ath_fail(ATH_EINVAL, "model %s (table %s): index %zu names no columns", mname,
                            model->table, k + 1);
        if (ix->name && !valid_ident(ix->name))
            return ath_fail(ATH_EINVAL,
                            "model %s (table %s): index name \"%s\" is not a valid identifier",
                            mname, model->table, ix->name);
        for (size_t i = 0; i < ix->ncolumns; i++) {
            if (!ath_mapping_find(m, ix->columns[i]))
                return ath_fail(ATH_EINVAL,
                                "model %s (table %s): index %zu names unknown column '%s'", mname,
                                model->table, k + 1, ix->columns[i] ? ix->columns[i] : "(null)");
            for (size_t j = 0; j < i; j++)
                if (strcmp(ix->columns[i], ix->columns[j]) == 0)
                    return ath_fail(ATH_EINVAL,
                                    "model %s (table %s): index %zu names column '%s' twice", mname,
                                    model->table, k + 1, ix->columns[i]);
        }
    }
    return ATH_OK;
}

bool ath_mapping_unique_on(const ath_mapping *m, const ath_col *const *cols, size_t n)
{
    size_t keys = 0;
    for (size_t i = 0; i < n; i++)
        keys += cols[i]->pk;
    if (n == m->npk && keys == n)
        return true;
    if (n == 1 && (cols[0]->flags & ATH_UNIQUE))
        return true;
    for (size_t k = 0; k < m->model->nindexes; k++) {
        const ath_table_index *ix = &m->model->indexes[k];
        if (!ix->unique || ix->ncolumns != n)
            continue;
        size_t found = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                if (strcmp(ix->columns[j], cols[i]->name) == 0) {
                    found++;
                    break;
                }
        if (found == n)
            return true;
    }
    return false;
}

int ath_mapping_build(ath_mapping **out, const ath_model *model)
{
    *out = NULL;
    if (!model)
        return ath_fail(ATH_EINVAL, "no model given");
    const char *name = model->name ? model->name : "?";
    if (model->version > ATH_MODEL_VERSION)
        return ath_fail(ATH_EINVAL,
                        "model %s: descriptor version %u is newer than this library's %d "
                        "(the program was built against a newer athanor/model.h)",
                        name, model->version, ATH_MODEL_VERSION);
    if (!valid_ident(model->table))
        return ath_fail(ATH_EINVAL, "model %s: table name \"%s\" is not a valid identifier", name,
                        model->table ? model->table : "(null)");
    if (!model->fields || model->nfields == 0)
        return ath_fail(ATH_EINVAL, "model %s (table %s): no fields", name, model->table);
    if (model->nmixins && !model->mixins)
        return ath_fail(ATH_EINVAL, "model %s: %zu mixins but the array is NULL", name,
                        model->nmixins);
    size_t roles = 0;
    for (size_t k = 0; k < model->nmixins; k++)
        roles += model->mixins[k].mixin ? model->mixins[k].mixin->nroles : 0;
    size_t cap = model->nfields + roles;
    ath_mapping *m = ath_calloc(1, sizeof *m);
    int rc = ATH_ENOMEM;
    if (!m || !(m->cols = ath_calloc(cap, sizeof *m->cols)) ||
        !(m->pk = ath_calloc(cap, sizeof *m->pk)) ||
        !(m->extra_fields = ath_calloc(roles ? roles : 1, sizeof *m->extra_fields)) ||
        !(m->mixins = ath_calloc(model->nmixins ? model->nmixins : 1, sizeof *m->mixins))) {
        rc = ath_fail(ATH_ENOMEM, "laying out model %s", name);
        goto fail;
    }
    m->model = model;
    m->ncols = model->nfields;
    m->nmixins = model->nmixins;
    m->autoinc = -1;
    for (size_t i = 0; i < model->nfields; i++) {
        if ((rc = check_field(model, &model->fields[i], &m->cols[i])) != ATH_OK)
            goto fail;
        m->cols[i].index = (int)i;
    }
    if ((rc = layout(model, m->cols)) != ATH_OK)
        goto fail;
    if ((rc = resolve_mixins(m)) != ATH_OK)
        goto fail;
    if ((rc = index_columns(m)) != ATH_OK)
        goto fail;
    if ((rc = check_indexes(m)) != ATH_OK)
        goto fail;
    if ((rc = ath_mapping_relations(m)) != ATH_OK)
        goto fail;
    for (size_t i = model->nfields; i < m->ncols; i++)
        if (m->cols[i].offset + m->cols[i].size > model->struct_size) {
            rc = field_fail(model, m->cols[i].field, "member lies outside the struct");
            goto fail;
        }
    *out = m;
    return ATH_OK;
fail:
    ath_mapping_free(m);
    return rc;
}

void ath_mapping_free(ath_mapping *m)
{
    if (!m)
        return;
    for (size_t k = 0; m->mixins && k < m->nmixins; k++)
        ath_free(m->mixins[k].role_cols);
    ath_free(m->mixins);
    for (size_t i = 0; m->rels && i < m->nrels; i++)
        ath_free(m->rels[i].fk_text);
    ath_free(m->rels);
    ath_free(m->extra_fields);
    ath_free(m->cols);
    ath_free(m->pk);
    ath_free(m->sql_select);
    ath_free(m->sql_get);
    ath_free(m->sql_update);
    ath_free(m->sql_update_returning);
    ath_free(m);
}

int ath_model_validate(const ath_model *model)
{
    if (!model)
        return ath_null_arg(__func__, "model");
    ath_mapping *m = NULL;
    int rc = ath_mapping_build(&m, model);
    ath_mapping_free(m);
    return rc;
}

const ath_col *ath_mapping_find(const ath_mapping *m, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < m->ncols; i++)
        if (strcmp(m->cols[i].name, name) == 0)
            return &m->cols[i];
    return NULL;
}

int ath_mapping_require(const ath_mapping *m, const char *name, const char *what,
                        const ath_col **out)
{
    *out = ath_mapping_find(m, name);
    if (*out)
        return ATH_OK;
    return ath_fail(ATH_EINVAL, "unknown column '%s' in %s for model %s (table %s)",
                    name ? name : "(null)", what, m->model->name, m->model->table);
}

static void free_member(ath_type type, char *p)
{
    if (type == ATH_T_BLOB) {
        ath_blob b;
        memcpy(&b, p, sizeof b);
        ath_free(b.data);
        memset(p, 0, sizeof b);
    } else {
        char *s;
        memcpy(&s, p, sizeof s);
        ath_free(s);
        s = NULL;
        memcpy(p, &s, sizeof s);
    }
}

/* Frees the member at p when it differs from the one at old (then restores old's), or always
 * when old is NULL (then sets NULL). */
static void free_member_unless(ath_type type, char *p, const char *old)
{
    if (!old) {
        free_member(type, p);
        return;
    }
    const void *now, *was;
    size_t n;
    if (type == ATH_T_BLOB) {
        ath_blob a, b;
        memcpy(&a, p, sizeof a);
        memcpy(&b, old, sizeof b);
        now = a.data;
        was = b.data;
        n = sizeof a;
    } else {
        char *a, *b;
        memcpy(&a, p, sizeof a);
        memcpy(&b, old, sizeof b);
        now = a;
        was = b;
        n = sizeof a;
    }
    if (now && now != was) {
        free_member(type, p);
        memcpy(p, old, n);
    }
}

static void free_members(const ath_model *model, void *obj, const void *before)
{
    size_t end = 0;
    for (size_t i = 0; i < model->nfields; i++) {
        const ath_field *f = &model->fields[i];
        size_t offset = ath_next_offset(f, &end);
        if (!scalar(f->type))
            free_member_unless(f->type, (char *)obj + offset,
                               before ? (const char *)before + offset : NULL);
    }
    /* text roles of mixins bound to members that are not fields (a plain struct's slug) */
    for (size_t k = 0; model->mixins && k < model->nmixins; k++) {
        const ath_mixin_use *use = &model->mixins[k];
        for (size_t b = 0; use->mixin && b < use->nbindings; b++) {
            const ath_mixin_binding *bind = &use->bindings[b];
            bool is_field = false;
            for (size_t i = 0; i < model->nfields && !is_field; i++)
                is_field = strcmp(model->fields[i].member, bind->member) == 0;
            for (size_t r = 0; !is_field && r < use->mixin->nroles; r++)
                if (strcmp(use->mixin->roles[r].name, bind->role) == 0 &&
                    !scalar(use->mixin->roles[r].type))
                    free_member_unless(use->mixin->roles[r].type, (char *)obj + bind->offset,
                                       before ? (const char *)before + bind->offset : NULL);
        }
    }
}

void ath_model_free_owned(const ath_model *model, void *obj, const void *before)
{
    if (model && obj && before)
        free_members(model, obj, before);
}

void ath_model_free_strings(const ath_model *model, void *obj)
{
    if (model && obj)
        free_members(model, obj, NULL);
}

/* Frees what the relation members of obj hold, deeply, and clears them. */
static void free_relations(const ath_model *model, void *obj, int depth)
{
    size_t end = 0;
    for (size_t i = 0; i < model->nfields; i++)
        ath_next_offset(&model->fields[i], &end);
    for (size_t i = 0; model->relations && i < model->nrelations; i++) {
        ath_relation scratch;
        const ath_relation *rel = ath_model_relation(model, i, &scratch);
        const ath_model *t = rel->target;
        size_t off, coff;
        ath_rel_offsets(model, end, i, &off, &coff);
        char *p;
        memcpy(&p, (char *)obj + off, sizeof p);
        if (!p || !t || depth > 64)
            continue;
        size_t n = 1;
        if (ATH_REL_IS_ARRAY(rel->kind)) {
            memcpy(&n, (char *)obj + coff, sizeof n);
            memset((char *)obj + coff, 0, sizeof n);
        }
        for (size_t k = 0; k < n; k++) {
            free_members(t, p + k * t->struct_size, NULL);
            free_relations(t, p + k * t->struct_size, depth + 1);
        }
        ath_free(p);
        p = NULL;
        memcpy((char *)obj + off, &p, sizeof p);
    }
}

void ath_model_free_fields(const ath_model *model, void *obj)
{
    if (model && obj) {
        free_members(model, obj, NULL);
        free_relations(model, obj, 0);
    }
}
