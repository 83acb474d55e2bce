/* A model's columns at run time (athanor/columns.h): the mapping, seen from outside. */
#include <athanor/columns.h>

#include "alloc.h"
#include "error.h"
#include "mapping.h"

struct ath_columns {
    ath_mapping *m;
    ath_column_info *info;
};

int ath_columns_open(ath_columns **out, const ath_model *model)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!model)
        return ath_null_arg(__func__, "model");
    ath_columns *c = ath_calloc(1, sizeof *c);
    if (!c)
        return ath_fail(ATH_ENOMEM, "allocating a column description");
    int rc = ath_mapping_build(&c->m, model);
    if (rc != ATH_OK)
        goto fail;
    if (!(c->info = ath_calloc(c->m->ncols, sizeof *c->info))) {
        rc = ath_fail(ATH_ENOMEM, "allocating a column description");
        goto fail;
    }
    for (size_t i = 0; i < c->m->ncols; i++) {
        const ath_col *col = &c->m->cols[i];
        c->info[i] = (ath_column_info){.name = col->name,
                                       .type = col->type,
                                       .flags = col->flags,
                                       .nullable = col->nullable,
                                       .opt = col->opt,
                                       .pk = col->pk,
                                       .autoinc = col->autoinc,
                                       .mixin = col->role,
                                       .offset = col->offset,
                                       .size = col->size,
                                       .max_length = col->max_length,
                                       .server_default = col->server_default};
    }
    *out = c;
    return ATH_OK;
fail:
    ath_columns_free(c);
    return rc;
}

void ath_columns_free(ath_columns *cols)
{
    if (!cols)
        return;
    ath_mapping_free(cols->m);
    ath_free(cols->info);
    ath_free(cols);
}

const ath_model *ath_columns_model(const ath_columns *cols)
{
    if (!cols) {
        ath_null_arg(__func__, "cols");
        return NULL;
    }
    return cols->m->model;
}

size_t ath_columns_count(const ath_columns *cols)
{
    if (!cols) {
        ath_null_arg(__func__, "cols");
        return 0;
    }
    return cols->m->ncols;
}

const ath_column_info *ath_columns_at(const ath_columns *cols, size_t i)
{
    if (!cols) {
        ath_null_arg(__func__, "cols");
        return NULL;
    }
    return i < cols->m->ncols ? &cols->info[i] : NULL;
}

long ath_columns_find(const ath_columns *cols, const char *name)
{
    if (!cols || !name) {
        ath_null_arg(__func__, !cols ? "cols" : "name");
        return -1;
    }
    const ath_col *c = ath_mapping_find(cols->m, name);
    return c ? (long)c->index : -1;
}

ath_value ath_columns_get(const ath_columns *cols, size_t i, const void *obj)
{
    if (!cols || !obj) {
        ath_null_arg(__func__, !cols ? "cols" : "obj");
        return ath_v_null();
    }
    if (i >= cols->m->ncols)
        return ath_v_null();
    return ath_col_get(&cols->m->cols[i], obj);
}

static bool integral(ath_type t)
{
    return t == ATH_T_I32 || t == ATH_T_I64;
}

/* The value kinds a column of type `col` accepts without losing meaning. */
static bool fits(ath_type col, ath_type v)
{
    if (v == col)
        return true;
    if (integral(col))
        return integral(v);
    if (col == ATH_T_DOUBLE)
        return integral(v);
    return ath_type_textual(col) && ath_type_textual(v);
}

int ath_columns_set(const ath_columns *cols, size_t i, void *obj, const ath_value *v)
{
    if (!cols || !obj || !v)
        return ath_null_arg(__func__, !cols ? "cols" : !obj ? "obj" : "v");
    if (i >= cols->m->ncols)
        return ath_fail(ATH_EINVAL, "ath_columns_set: column %zu of %zu", i, cols->m->ncols);
    const ath_col *c = &cols->m->cols[i];
    if (v->type == ATH_T_NULL && !c->nullable)
        return ath_fail(ATH_EINVAL, "column %s of table %s is not nullable", c->name,
                        cols->m->model->table);
    if (v->type != ATH_T_NULL && !fits(c->type, v->type))
        return ath_fail(ATH_EINVAL, "column %s of table %s holds %s, not %s", c->name,
                        cols->m->model->table, ath_type_name(c->type), ath_type_name(v->type));
    return ath_col_set_converting(c, obj, v, NULL);
}
