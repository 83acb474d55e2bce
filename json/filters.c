/* Filters from a JSON description (Advanced Alchemy's MultiFilter), checked against the model. */
#include <athanor/json.h>

#include <stdlib.h>
#include <string.h>

#include "codec.h"

struct ath_json_filters {
    ath_filter *items;
    size_t n;
    void **blocks; /* every allocation the filters point at */
    size_t nblocks, capblocks;
};

typedef struct ctx {
    ath_json_filters *f;
    const ath_model *const *related;
    size_t nrelated;
    jbuf scratch;
} ctx;

static void *own(ctx *x, void *p)
{
    ath_json_filters *f = x->f;
    if (!p)
        return NULL;
    if (f->nblocks == f->capblocks) {
        size_t cap = f->capblocks ? f->capblocks * 2 : 16;
        void **b = realloc(f->blocks, cap * sizeof *b);
        if (!b) {
            free(p);
            return NULL;
        }
        f->blocks = b;
        f->capblocks = cap;
    }
    f->blocks[f->nblocks++] = p;
    return p;
}

static void *alloc(ctx *x, size_t n)
{
    return own(x, calloc(1, n ? n : 1));
}

static char *copy(ctx *x, const char *s, size_t n)
{
    char *p = alloc(x, n + 1);
    if (p && n)
        memcpy(p, s, n);
    return p;
}

static int oom(void)
{
    return ath_error_set(ATH_ENOMEM, "building filters from JSON");
}

/* Checks the keys of a filter object against the ones its type allows. */
static int only_keys(const json_t *o, const char *type, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        bool ok = !strcmp(key, "type");
        for (size_t i = 0; !ok && allowed[i]; i++)
            ok = !strcmp(key, allowed[i]);
        if (!ok)
            return ath_error_set(ATH_EINVAL, "filter '%s': unknown key '%s'", type, key);
    }
    return ATH_OK;
}

static const ath_column_info *column(ctx *x, const ath_columns *cols, const json_t *o,
                                     const char *type, const json_t *name)
{
    (void)x;
    if (!json_is_string(name)) {
        ath_error_set(ATH_EINVAL, "filter '%s': 'field_name' must be a column name (a string)",
                      type);
        return NULL;
    }
    long i = ath_columns_find(cols, json_string_value(name));
    if (i < 0) {
        const ath_model *m = ath_columns_model(cols);
        ath_error_set(ATH_EINVAL, "filter '%s': unknown column '%s' for model %s (table %s)", type,
                      json_string_value(name), m->name ? m->name : "?", m->table);
        return NULL;
    }
    (void)o;
    return ath_columns_at(cols, (size_t)i);
}

/* A JSON value converted for column c; text and blobs copied into the filter's memory. */
static int value(ctx *x, ath_value *out, const ath_column_info *c, const json_t *j,
                 bool null_ok)
{
    ath_column_info loose = *c;
    loose.nullable = null_ok; /* a NULL bound means "no bound" or IS NULL, not a stored NULL */
    int rc = jx_json_value(out, &x->scratch, &loose, j);
    if (rc != ATH_OK)
        return rc;
    if (out->type != ATH_T_NULL && ath_type_bytes_kind(out->type)) {
        char *p = copy(x, out->u.s.ptr, out->u.s.len);
        if (!p)
            return oom();
        out->u.s.ptr = p;
    }
    /* filters compare with the column's own kind */
    if (out->type == ATH_T_I64 && c->type == ATH_T_I32)
        *out = ath_v_i32((int32_t)out->u.i64);
    return ATH_OK;
}

static const struct {
    const char *name;
    ath_op op;
} ops[] = {{"eq", ATH_EQ},
           {"ne", ATH_NE},
           {"lt", ATH_LT},
           {"le", ATH_LE},
           {"gt", ATH_GT},
           {"ge", ATH_GE},
           {"like", ATH_LIKE},
           {"ilike", ATH_ILIKE},
           {"not_like", ATH_NOT_LIKE},
           {"not_ilike", ATH_NOT_ILIKE},
           {"startswith", ATH_STARTSWITH},
           {"istartswith", ATH_ISTARTSWITH},
           {"endswith", ATH_ENDSWITH},
           {"iendswith", ATH_IENDSWITH},
           {"contains", ATH_CONTAINS},
           {"icontains", ATH_ICONTAINS},
           {"between", ATH_BETWEEN},
           {"is_null", ATH_IS_NULL},
           {"is_not_null", ATH_IS_NOT_NULL}};

static int build_list(ctx *x, const ath_columns *cols, const json_t *arr, ath_filter **out,
                      size_t *n, const char *where);

static int build(ctx *x, const ath_columns *cols, const json_t *o, ath_filter *f);

static int group(ctx *x, const ath_columns *cols, const json_t *o, ath_filter *f,
                 const char *key)
{
    if (json_object_size(o) != 1)
        return ath_error_set(ATH_EINVAL, "a '%s' group takes no other keys", key);
    ath_filter *children = NULL;
    size_t n = 0;
    int rc = build_list(x, cols, json_object_get(o, key), &children, &n, key);
    if (rc != ATH_OK)
        return rc;
    *f = !strcmp(key, "and_") ? ath_all(children, n) : ath_any(children, n);
    return ATH_OK;
}

static int comparison(ctx *x, const ath_columns *cols, const json_t *o, ath_filter *f)
{
    static const char *const keys[] = {"field_name", "operator", "value", NULL};
    int rc = only_keys(o, "comparison", keys);
    if (rc != ATH_OK)
        return rc;
    const ath_column_info *c = column(x, cols, o, "comparison", json_object_get(o, "field_name"));
    if (!c)
        return ath_error_last()->code;
    const json_t *op = json_object_get(o, "operator");
    const char *opname = json_is_string(op) ? json_string_value(op) : "eq";
    if (op && !json_is_string(op))
        return ath_error_set(ATH_EINVAL, "filter 'comparison': 'operator' must be a string");
    size_t k = 0;
    while (k < sizeof ops / sizeof ops[0] && strcmp(ops[k].name, opname))
        k++;
    if (k == sizeof ops / sizeof ops[0])
        return ath_error_set(ATH_EINVAL, "filter 'comparison': unknown operator '%s'", opname);
    const json_t *v = json_object_get(o, "value");
    ath_value a = ath_v_null(), b = ath_v_null();
    if (ops[k].op == ATH_BETWEEN) {
        if (!json_is_array(v) || json_array_size(v) != 2)
            return ath_error_set(ATH_EINVAL,
                                 "filter 'comparison' (between): 'value' must be [low, high]");
        if ((rc = value(x, &a, c, json_array_get(v, 0), false)) != ATH_OK ||
            (rc = value(x, &b, c, json_array_get(v, 1), false)) != ATH_OK)
            return jx_prefix_error("filter 'comparison'");
        *f = ath_between(c->name, a, b);
        return ATH_OK;
    }
    if (ops[k].op != ATH_IS_NULL && ops[k].op != ATH_IS_NOT_NULL) {
        if (!v)
            return ath_error_set(ATH_EINVAL, "filter 'comparison': 'value' is missing");
        bool textual = ops[k].op >= ATH_LIKE && ops[k].op <= ATH_ICONTAINS;
        if (textual) {
            if (!json_is_string(v))
                return ath_error_set(ATH_EINVAL,
                                     "filter 'comparison' (%s): 'value' must be a string", opname);
            char *s = copy(x, json_string_value(v), json_string_length(v));
            if (!s)
                return oom();
            a = ath_v_text(s);
        } else if ((rc = value(x, &a, c, v, ops[k].op == ATH_EQ || ops[k].op == ATH_NE)) !=
                   ATH_OK) {
            return jx_prefix_error("filter 'comparison'");
        }
    }
    *f = ath_where(c->name, ops[k].op, a);
    return ATH_OK;
}

static int collection(ctx *x, const ath_columns *cols, const json_t *o, ath_filter *f,
                      const char *type)
{
    static const char *const keys[] = {"field_name", "values", NULL};
    int rc = only_keys(o, type, keys);
    if (rc != ATH_OK)
        return rc;
    const ath_column_info *c = column(x, cols, o, type, json_object_get(o, "field_name"));
    if (!c)
        return ath_error_last()->code;
    const json_t *vs = json_object_get(o, "values");
    if (!json_is_array(vs))
        return ath_error_set(ATH_EINVAL, "filter '%s': 'values' must be an array", type);
    size_t n = json_array_size(vs);
    ath_value *values = alloc(x, n * sizeof *values);
    if (!values)
        return oom();
    for (size_t i = 0; i < n; i++)
        if ((rc = value(x, &values[i], c, json_array_get(vs, i), false)) != ATH_OK)
            return jx_prefix_error("filter '%s', value %zu", type, i);
    *f = !strcmp(type, "collection") ? ath_collection(c->name, values, n)
                                     : ath_not_in_collection(c->name, values, n);
    return ATH_OK;
}

static int before_after(ctx *x, const ath_columns *cols, const json_t *o, ath_filter *f,
                        const char *type)
{
    static const char *const keys[] = {"field_name", "before", "after", NULL};
    int rc = only_keys(o, type, keys);
    if (rc != ATH_OK)
        return rc;
    const ath_column_info *c = column(x, cols, o, type, json_object_get(o, "field_name"));
    if (!c)
        return ath_error_last()->code;
    ath_value before = ath_v_null(), after = ath_v_null();
    const json_t *jb = json_object_get(o, "before"), *ja = json_object_get(o, "after");
    if ((jb && (rc = value(x, &before, c, jb, true)) != ATH_OK) ||
        (ja && (rc = value(x, &after, c, ja, true)) != ATH_OK))
        return jx_prefix_error("filter '%s'", type);
    *f = !strcmp(type, "before_after") ? ath_before_after(c->name, before, after)
                                       : ath_on_before_after(c->name, before, after);
    return ATH_OK;
}

static int search(ctx *x, const ath_columns *cols, const json_t *o, ath_filter *f,
                  const char *type)
{
    static const char *const keys[] = {"field_name", "value", "ignore_case", NULL};
    int rc = only_keys(o, type, keys);
    if (rc != ATH_OK)
        return rc;
    const json_t *names = json_object_get(o, "field_name");
    jbuf list = {0};
    size_t n = json_is_array(names) ? json_array_size(names) : 1;
    if (json_is_array(names) && n == 0)
        return ath_error_set(ATH_EINVAL, "filter '%s': 'field_name' lists no column", type);
    for (size_t i = 0; i < n; i++) {
        const json_t *name = json_is_array(names) ? json_array_get(names, i) : names;
        const ath_column_info *c = column(x, cols, o, type, name);
        if (!c) {
            jb_free(&list);
            return ath_error_last()->code;
        }
        if (i)
            jb_putc(&list, ',');
        jb_puts(&list, c->name);
    }
    char *columns = list.oom ? NULL : copy(x, list.p, list.len);
    jb_free(&list);
    const json_t *v = json_object_get(o, "value"), *ic = json_object_get(o, "ignore_case");
    if (!json_is_string(v))
        return ath_error_set(ATH_EINVAL, "filter '%s': 'value' must be a string", type);
    if (ic && !json_is_boolean(ic))
        return ath_error_set(ATH_EINVAL, "filter '%s': 'ignore_case' must be true or false",
                             type);
    char *text = copy(x, json_string_value(v), json_string_length(v));
    if (!columns || !text)
        return oom();
    *f = !strcmp(type, "search") ? ath_search(columns, text, json_is_true(ic))
                                 : ath_not_search(columns, text, json_is_true(ic));
    return ATH_OK;
}

static int order_by(ctx *x, const ath_columns *cols, const json_t *o, ath_filter *f)
{
    static const char *const keys[] = {"field_name", "sort_order", NULL};
    int rc = only_keys(o, "order_by", keys);
    if (rc != ATH_OK)
        return rc;
    const ath_column_info *c = column(x, cols, o, "order_by", json_object_get(o, "field_name"));
    if (!c)
        return ath_error_last()->code;
    const json_t *so = json_object_get(o, "sort_order");
    const char *order = json_is_string(so) ? json_string_value(so) : so ? "" : "asc";
    if (strcmp(order, "asc") && strcmp(order, "desc"))
        return ath_error_set(ATH_EINVAL, "filter 'order_by': 'sort_order' must be \"asc\" or "
                                         "\"desc\"");
    *f = ath_order_by(c->name, !strcmp(order, "desc"));
    return ATH_OK;
}

static int limit_offset(const json_t *o, ath_filter *f)
{
    static const char *const keys[] = {"limit", "offset", NULL};
    int rc = only_keys(o, "limit_offset", keys);
    if (rc != ATH_OK)
        return rc;
    const json_t *l = json_object_get(o, "limit"), *off = json_object_get(o, "offset");
    if ((l && !json_is_integer(l)) || (off && !json_is_integer(off)) ||
        (off && json_integer_value(off) < 0))
        return ath_error_set(ATH_EINVAL, "filter 'limit_offset': 'limit' and 'offset' must be "
                                         "integers (offset not negative)");
    *f = ath_limit_offset(l ? json_integer_value(l) : -1, off ? json_integer_value(off) : 0);
    return ATH_OK;
}

static int exists(ctx *x, const json_t *o, ath_filter *f, const char *type)
{
    static const char *const keys[] = {"table", "filters", NULL};
    int rc = only_keys(o, type, keys);
    if (rc != ATH_OK)
        return rc;
    const json_t *t = json_object_get(o, "table");
    if (!json_is_string(t))
        return ath_error_set(ATH_EINVAL, "filter '%s': 'table' must be a table name", type);
    const ath_model *rel = NULL;
    for (size_t i = 0; i < x->nrelated && !rel; i++)
        if (x->related[i] && !strcmp(x->related[i]->table, json_string_value(t)))
            rel = x->related[i];
    if (!rel)
        return ath_error_set(ATH_EINVAL,
                             "filter '%s': table '%s' is not among the related models given",
                             type, json_string_value(t));
    ath_columns *rcols = NULL;
    if ((rc = ath_columns_open(&rcols, rel)) != ATH_OK)
        return rc;
    ath_filter *children = NULL;
    size_t n = 0;
    const json_t *fs = json_object_get(o, "filters");
    rc = fs ? build_list(x, rcols, fs, &children, &n, type) : ATH_OK;
    ath_columns_free(rcols);
    if (rc != ATH_OK)
        return rc;
    *f = !strcmp(type, "exists") ? ath_exists(rel, children, n)
                                 : ath_not_exists(rel, children, n);
    return ATH_OK;
}

static int build(ctx *x, const ath_columns *cols, const json_t *o, ath_filter *f)
{
    if (!json_is_object(o))
        return ath_error_set(ATH_EINVAL, "a filter must be a JSON object");
    if (json_object_get(o, "and_"))
        return group(x, cols, o, f, "and_");
    if (json_object_get(o, "or_"))
        return group(x, cols, o, f, "or_");
    const json_t *t = json_object_get(o, "type");
    if (!json_is_string(t))
        return ath_error_set(ATH_EINVAL, "a filter needs a 'type' (or is an 'and_'/'or_' group)");
    const char *type = json_string_value(t);
    if (!strcmp(type, "comparison"))
        return comparison(x, cols, o, f);
    if (!strcmp(type, "collection") || !strcmp(type, "not_in_collection"))
        return collection(x, cols, o, f, type);
    if (!strcmp(type, "before_after") || !strcmp(type, "on_before_after"))
        return before_after(x, cols, o, f, type);
    if (!strcmp(type, "search") || !strcmp(type, "not_in_search"))
        return search(x, cols, o, f, type);
    if (!strcmp(type, "order_by"))
        return order_by(x, cols, o, f);
    if (!strcmp(type, "limit_offset"))
        return limit_offset(o, f);
    if (!strcmp(type, "exists") || !strcmp(type, "not_exists"))
        return exists(x, o, f, type);
    return ath_error_set(ATH_EINVAL, "unknown filter type '%s'", type);
}

static int build_list(ctx *x, const ath_columns *cols, const json_t *arr, ath_filter **out,
                      size_t *n, const char *where)
{
    if (!json_is_array(arr))
        return ath_error_set(ATH_EINVAL, "'%s' must be an array of filters", where);
    *n = json_array_size(arr);
    if (!(*out = alloc(x, *n * sizeof **out)))
        return oom();
    for (size_t i = 0; i < *n; i++) {
        int rc = build(x, cols, json_array_get(arr, i), &(*out)[i]);
        if (rc != ATH_OK)
            return rc;
    }
    return ATH_OK;
}

int ath_filters_from_json(ath_json_filters **out, const ath_model *model,
                          const ath_model *const *related, size_t nrelated, const char *text,
                          size_t len)
{
    if (!out)
        return ath_error_set(ATH_EINVAL, "ath_filters_from_json: out is NULL");
    *out = NULL;
    if (!model || !text || (nrelated && !related))
        return ath_error_set(ATH_EINVAL, "ath_filters_from_json: %s is NULL",
                             !model ? "model" : !text ? "text" : "related");
    ctx x = {.related = related, .nrelated = nrelated};
    ath_columns *cols = NULL;
    json_t *doc = NULL;
    json_error_t err;
    int rc = ath_columns_open(&cols, model);
    if (rc == ATH_OK && !(x.f = calloc(1, sizeof *x.f)))
        rc = oom();
    if (rc == ATH_OK && !(doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err)))
        rc = ath_error_set(ATH_EINVAL, "filters: malformed JSON at line %d, column %d: %s",
                           err.line, err.column, err.text);
    if (rc == ATH_OK && json_is_array(doc)) {
        rc = build_list(&x, cols, doc, &x.f->items, &x.f->n, "filters");
    } else if (rc == ATH_OK) {
        x.f->n = 1;
        if (!(x.f->items = alloc(&x, sizeof *x.f->items)))
            rc = oom();
        else
            rc = build(&x, cols, doc, x.f->items);
    }
    json_decref(doc);
    ath_columns_free(cols);
    jb_free(&x.scratch);
    if (rc != ATH_OK) {
        ath_json_filters_free(x.f);
        return rc;
    }
    *out = x.f;
    return ATH_OK;
}

const ath_filter *ath_json_filters_items(const ath_json_filters *f)
{
    return f ? f->items : NULL;
}

size_t ath_json_filters_count(const ath_json_filters *f)
{
    return f ? f->n : 0;
}

void ath_json_filters_free(ath_json_filters *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nblocks; i++)
        free(f->blocks[i]);
    free(f->blocks);
    free(f);
}
