/* Declared relations, resolved once per mapping: their columns, members and foreign keys. */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "mapping.h"

/* The one accessor of a model's relation array: a later ATH_MODEL_VERSION that changes the
 * layout of ath_relation strides an older program's array here (version 1 is the only one). */
const ath_relation *ath_model_relation(const ath_model *model, size_t i, ath_relation *scratch)
{
    (void)scratch;
    return &model->relations[i];
}

size_t ath_rel_offsets(const ath_model *model, size_t end, size_t i, size_t *off, size_t *count_off)
{
    *off = *count_off = 0;
    for (size_t k = 0; k <= i && k < model->nrelations; k++) {
        ath_relation scratch;
        const ath_relation *r = ath_model_relation(model, k, &scratch);
        ath_field ptr = {.offset = r->offset, .size = sizeof(void *), .align = _Alignof(void *)};
        *off = ath_next_offset(&ptr, &end);
        *count_off = 0;
        if (ATH_REL_IS_ARRAY(r->kind)) {
            ath_field cnt = {
                .offset = r->count_offset, .size = sizeof(size_t), .align = _Alignof(size_t)};
            *count_off = ath_next_offset(&cnt, &end);
        }
    }
    return end;
}

static int rel_fail(const ath_model *m, const ath_relation *r, const char *what, const char *arg)
{
    return ath_fail(ATH_EINVAL, "model %s (table %s), relation %s: %s%s%s%s",
                    m->name ? m->name : "?", m->table ? m->table : "?",
                    r && r->name ? r->name : "?", what, arg ? " '" : "", arg ? arg : "",
                    arg ? "'" : "");
}

/* The column name of the field of `model` called `column`, or NULL. */
static const ath_field *model_column(const ath_model *model, const char *column)
{
    for (size_t i = 0; column && i < model->nfields; i++)
        if (strcmp(ath_field_column(&model->fields[i]), column) == 0)
            return &model->fields[i];
    return NULL;
}

/* The one-column primary key of `model`, or NULL when it has none or several. */
static const ath_field *model_single_key(const ath_model *model)
{
    const ath_field *key = NULL;
    for (size_t i = 0; i < model->nfields; i++)
        if (model->fields[i].flags & ATH_PK) {
            if (key)
                return NULL;
            key = &model->fields[i];
        }
    return key;
}

static bool same_kind(ath_type a, ath_type b)
{
    bool ia = a == ATH_T_I32 || a == ATH_T_I64, ib = b == ATH_T_I32 || b == ATH_T_I64;
    return a == b || (ia && ib);
}

/* A many-to-many relation: this model's `local` and the target's `remote` (each defaulting to the
 * one-column primary key) paired by the link model's through_local / through_remote columns. */
static int resolve_through(ath_mapping *m, const ath_relation *r, ath_rel *out)
{
    const ath_model *model = m->model, *t = r->target, *link = r->through;
    if (r->on_delete != ATH_FK_NO_ACTION)
        return rel_fail(model, r,
                        "ON DELETE belongs to the link model's foreign keys: declare it there",
                        NULL);
    if (!link || !link->table || !link->fields)
        return rel_fail(model, r, "a many-to-many relation needs its link model (`.through`)",
                        NULL);
    if (!r->through_local || !r->through_remote)
        return rel_fail(model, r,
                        "a many-to-many relation needs the link's two columns (`.through_local`, "
                        "`.through_remote`)",
                        NULL);
    const ath_col *local = r->local ? ath_mapping_find(m, r->local)
                                    : m->npk == 1 ? &m->cols[m->pk[0]] : NULL;
    if (!local)
        return rel_fail(model, r,
                        r->local ? "no such column here:"
                                 : "this model has no one-column primary key; name `.local`",
                        r->local);
    const ath_field *remote = r->remote ? model_column(t, r->remote) : model_single_key(t);
    if (!remote)
        return rel_fail(model, r,
                        r->remote ? "no such column in the target:"
                                  : "the target has no one-column primary key; name `.remote`",
                        r->remote);
    const ath_field *ll = model_column(link, r->through_local);
    const ath_field *lr = model_column(link, r->through_remote);
    if (!ll || !lr)
        return rel_fail(model, r, "no such column in the link model:",
                        ll ? r->through_remote : r->through_local);
    if (strcmp(r->through_local, r->through_remote) == 0)
        return rel_fail(model, r, "the link's two columns are the same column:", r->through_local);
    if (!same_kind(local->type, ll->type) || !same_kind(remote->type, lr->type))
        return rel_fail(model, r, "a link column's type differs from the column it references",
                        NULL);
    out->local = local->index;
    out->remote = ath_field_column(remote);
    out->through_local = ath_field_column(ll);
    out->through_remote = ath_field_column(lr);
    return ATH_OK;
}

static int resolve(ath_mapping *m, size_t index, ath_rel *out)
{
    const ath_model *model = m->model;
    ath_relation scratch;
    out->decl = *ath_model_relation(model, index, &scratch);
    out->rel = &out->decl;
    const ath_relation *r = out->rel;
    const ath_model *t = r->target;
    if (!r->name || !*r->name)
        return rel_fail(model, r, "no name", NULL);
    for (const ath_rel *o = m->rels; o < out; o++)
        if (strcmp(o->rel->name, r->name) == 0)
            return rel_fail(model, r, "declared twice", NULL);
    if (r->kind != ATH_REL_MANY_TO_ONE && !ATH_REL_IS_ARRAY(r->kind))
        return rel_fail(model, r,
                        "unknown kind (ATH_REL_MANY_TO_ONE, ATH_REL_ONE_TO_MANY or "
                        "ATH_REL_MANY_TO_MANY)",
                        NULL);
    if (!t || !t->table || !t->fields)
        return rel_fail(model, r, "no target model", NULL);
    if ((r->offset == ATH_OFFSET_AUTO ||
         (ATH_REL_IS_ARRAY(r->kind) && r->count_offset == ATH_OFFSET_AUTO)) &&
        model->fields[0].offset != ATH_OFFSET_AUTO)
        return rel_fail(model, r,
                        "a plain struct's relation needs member offsets (ATH_MANY_TO_ONE, "
                        "ATH_ONE_TO_MANY, ATH_MANY_TO_MANY)",
                        NULL);
    size_t end = 0, coff;
    for (size_t i = 0; i < model->nfields; i++)
        ath_next_offset(&model->fields[i], &end);
    ath_rel_offsets(model, end, index, &out->offset, &coff);
    out->count_offset = coff;
    if (out->offset + sizeof(void *) > model->struct_size ||
        (ATH_REL_IS_ARRAY(r->kind) && coff + sizeof(size_t) > model->struct_size))
        return rel_fail(model, r, "member lies outside the struct", NULL);
    const ath_col *local;
    const ath_field *remote;
    if (r->kind == ATH_REL_MANY_TO_MANY)
        return resolve_through(m, r, out);
    if (r->through || r->through_local || r->through_remote)
        return rel_fail(model, r, "`.through` and its columns belong to a many-to-many relation",
                        NULL);
    if (r->kind == ATH_REL_MANY_TO_ONE) {
        if (!r->local)
            return rel_fail(model, r, "a many-to-one relation needs its foreign-key column", NULL);
        if (!(local = ath_mapping_find(m, r->local)))
            return rel_fail(model, r, "no such column here:", r->local);
        remote = r->remote ? model_column(t, r->remote) : model_single_key(t);
        if (!remote)
            return rel_fail(model, r,
                            r->remote ? "no such column in the target:"
                                      : "the target has no one-column primary key; name "
                                        "`.remote`",
                            r->remote);
    } else {
        if (r->on_delete != ATH_FK_NO_ACTION)
            return rel_fail(model, r,
                            "ON DELETE belongs to the foreign key: declare it on the target's "
                            "many-to-one relation or field",
                            NULL);
        if (!r->remote)
            return rel_fail(model, r,
                            "a one-to-many relation needs the target's foreign-key "
                            "column",
                            NULL);
        if (!(remote = model_column(t, r->remote)))
            return rel_fail(model, r, "no such column in the target:", r->remote);
        if (r->local)
            local = ath_mapping_find(m, r->local);
        else
            local = m->npk == 1 ? &m->cols[m->pk[0]] : NULL;
        if (!local)
            return rel_fail(model, r,
                            r->local ? "no such column here:"
                                     : "this model has no one-column primary key; name `.local`",
                            r->local);
    }
    if (!same_kind(local->type, remote->type))
        return rel_fail(model, r, "the two columns have different types", NULL);
    out->local = local->index;
    out->remote = ath_field_column(remote);
    if (r->kind == ATH_REL_MANY_TO_ONE) {
        ath_col *c = &m->cols[local->index];
        size_t n = strlen(t->table) + strlen(out->remote) + 2;
        if (!(out->fk_text = ath_malloc(n)))
            return ath_fail(ATH_ENOMEM, "resolving relation %s", r->name);
        snprintf(out->fk_text, n, "%s.%s", t->table, out->remote);
        if (!c->references)
            c->references = out->fk_text;
        else if (strcmp(c->references, out->fk_text) != 0)
            return rel_fail(model, r,
                            "the column's `.references` names another target:", c->references);
        if (r->on_delete != ATH_FK_NO_ACTION) {
            if (c->on_delete != ATH_FK_NO_ACTION && c->on_delete != r->on_delete)
                return rel_fail(model, r, "the field and the relation disagree on ON DELETE", NULL);
            if (r->on_delete == ATH_FK_SET_NULL && !c->nullable)
                return rel_fail(model, r, "ON DELETE SET NULL needs a nullable column:", c->name);
            c->on_delete = r->on_delete;
        }
    }
    return ATH_OK;
}

int ath_mapping_relations(ath_mapping *m)
{
    const ath_model *model = m->model;
    if (!model->nrelations)
        return ATH_OK;
    if (!model->relations)
        return ath_fail(ATH_EINVAL, "model %s: %zu relations but the array is NULL",
                        model->name ? model->name : "?", model->nrelations);
    if (!(m->rels = ath_calloc(model->nrelations, sizeof *m->rels)))
        return ath_fail(ATH_ENOMEM, "laying out model %s", model->name ? model->name : "?");
    for (size_t i = 0; i < model->nrelations; i++) {
        int rc = resolve(m, i, &m->rels[i]);
        m->nrels = i + 1; /* owned fk_text so far */
        if (rc != ATH_OK)
            return rc;
    }
    return ATH_OK;
}

const ath_rel *ath_mapping_rel(const ath_mapping *m, const char *name)
{
    for (size_t i = 0; name && i < m->nrels; i++)
        if (strcmp(m->rels[i].rel->name, name) == 0)
            return &m->rels[i];
    return NULL;
}
