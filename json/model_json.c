/* Public JSON functions for one object and for arrays of objects. */
#include <athanor/json.h>

#include <stdlib.h>
#include <string.h>

#include "codec.h"

static int open_cols(ath_columns **cols, const ath_model *model, const void *p, const char *what)
{
    if (!model || !p)
        return ath_error_set(ATH_EINVAL, "%s: %s is NULL", what, !model ? "model" : "the object");
    return ath_columns_open(cols, model);
}

static int finish_text(char **out, jbuf *b, int rc)
{
    if (rc == ATH_OK && !(*out = jb_strdup(b)))
        rc = ath_error_set(ATH_ENOMEM, "copying JSON text");
    jb_free(b);
    return rc;
}

int ath_model_to_json(char **out, const ath_model *model, const void *obj)
{
    if (!out)
        return ath_error_set(ATH_EINVAL, "ath_model_to_json: out is NULL");
    *out = NULL;
    ath_columns *cols = NULL;
    jbuf b = {0};
    int rc = open_cols(&cols, model, obj, "ath_model_to_json");
    if (rc == ATH_OK)
        rc = jx_row_json(&b, cols, obj);
    ath_columns_free(cols);
    return finish_text(out, &b, rc);
}

int ath_model_to_json_value(json_t **out, const ath_model *model, const void *obj)
{
    if (!out)
        return ath_error_set(ATH_EINVAL, "ath_model_to_json_value: out is NULL");
    *out = NULL;
    ath_columns *cols = NULL;
    int rc = open_cols(&cols, model, obj, "ath_model_to_json_value");
    if (rc != ATH_OK)
        return rc;
    json_t *o = json_object();
    if (!o)
        rc = ath_error_set(ATH_ENOMEM, "building a JSON object");
    for (size_t i = 0; rc == ATH_OK && i < ath_columns_count(cols); i++) {
        const ath_column_info *c = ath_columns_at(cols, i);
        ath_value v = ath_columns_get(cols, i, obj);
        json_t *j = jx_value_jansson(c, &v);
        if (!j || json_object_set_new(o, c->name, j) != 0)
            rc = j ? ath_error_set(ATH_ENOMEM, "building key '%s'", c->name)
                   : ath_error_last()->code;
    }
    ath_columns_free(cols);
    if (rc != ATH_OK) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return ATH_OK;
}

/* Decodes into a copy of obj, so a failure leaves obj untouched. */
static int from_value(const ath_columns *cols, void *obj, const json_t *value)
{
    size_t size = ath_columns_model(cols)->struct_size;
    size_t n = ath_columns_count(cols);
    void *tmp = malloc(size ? size : 1);
    bool *set = calloc(n ? n : 1, sizeof *set);
    jbuf scratch = {0};
    int rc = ATH_OK;
    if (!tmp || !set) {
        rc = ath_error_set(ATH_ENOMEM, "decoding JSON");
        goto done;
    }
    memcpy(tmp, obj, size);
    rc = jx_row_from_json(cols, tmp, value, &scratch, set);
    if (rc == ATH_OK)
        memcpy(obj, tmp, size);
    else
        jx_free_set(cols, tmp, set);
done:
    jb_free(&scratch);
    free(set);
    free(tmp);
    return rc;
}

int ath_model_from_json_value(void *obj, const ath_model *model, const json_t *value)
{
    ath_columns *cols = NULL;
    int rc = open_cols(&cols, model, obj, "ath_model_from_json_value");
    if (rc == ATH_OK && !value)
        rc = ath_error_set(ATH_EINVAL, "ath_model_from_json_value: value is NULL");
    if (rc == ATH_OK)
        rc = from_value(cols, obj, value);
    ath_columns_free(cols);
    return rc;
}

static int parse(json_t **out, const char *text, size_t len)
{
    json_error_t err;
    *out = NULL;
    if (!text)
        return ath_error_set(ATH_EINVAL, "no JSON text given (NULL)");
    if (!(*out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err)))
        return ath_error_set(ATH_EINVAL, "malformed JSON at line %d, column %d: %s", err.line,
                             err.column, err.text);
    return ATH_OK;
}

int ath_model_from_json(void *obj, const ath_model *model, const char *text, size_t len)
{
    ath_columns *cols = NULL;
    json_t *doc = NULL;
    int rc = open_cols(&cols, model, obj, "ath_model_from_json");
    if (rc == ATH_OK)
        rc = parse(&doc, text, len);
    if (rc == ATH_OK)
        rc = from_value(cols, obj, doc);
    json_decref(doc);
    ath_columns_free(cols);
    return rc;
}

int ath_array_to_json(char **out, const ath_model *model, const void *objs, size_t n)
{
    if (!out)
        return ath_error_set(ATH_EINVAL, "ath_array_to_json: out is NULL");
    *out = NULL;
    if (!model || (!objs && n))
        return ath_error_set(ATH_EINVAL, "ath_array_to_json: %s is NULL",
                             !model ? "model" : "objs");
    ath_columns *cols = NULL;
    jbuf b = {0};
    int rc = ath_columns_open(&cols, model);
    jb_putc(&b, '[');
    for (size_t i = 0; rc == ATH_OK && i < n; i++) {
        if (i)
            jb_putc(&b, ',');
        rc = jx_row_json(&b, cols, (const char *)objs + i * model->struct_size);
    }
    jb_putc(&b, ']');
    if (rc == ATH_OK && b.oom)
        rc = ath_error_set(ATH_ENOMEM, "writing JSON");
    ath_columns_free(cols);
    return finish_text(out, &b, rc);
}

int ath_list_to_json(char **out, const ath_model *model, const ath_list *list)
{
    if (!list) {
        if (out)
            *out = NULL;
        return ath_error_set(ATH_EINVAL, "ath_list_to_json: list is NULL");
    }
    return ath_array_to_json(out, model, ath_list_items(list), ath_list_count(list));
}

int ath_array_from_json(void **out, size_t *n, const ath_model *model, const char *text,
                        size_t len)
{
    if (!out || !n)
        return ath_error_set(ATH_EINVAL, "ath_array_from_json: %s is NULL", !out ? "out" : "n");
    *out = NULL;
    *n = 0;
    if (!model)
        return ath_error_set(ATH_EINVAL, "ath_array_from_json: model is NULL");
    ath_columns *cols = NULL;
    json_t *doc = NULL;
    char *items = NULL;
    size_t count = 0, done = 0;
    jbuf scratch = {0};
    int rc = ath_columns_open(&cols, model);
    if (rc == ATH_OK)
        rc = parse(&doc, text, len);
    if (rc == ATH_OK && !json_is_array(doc))
        rc = ath_error_set(ATH_EINVAL, "expected a JSON array of %s objects", model->table);
    if (rc == ATH_OK && (count = json_array_size(doc)) &&
        !(items = calloc(count, model->struct_size)))
        rc = ath_error_set(ATH_ENOMEM, "allocating %zu objects", count);
    for (; rc == ATH_OK && done < count; done++) {
        rc = jx_row_from_json(cols, items + done * model->struct_size, json_array_get(doc, done),
                              &scratch, NULL);
        if (rc != ATH_OK) {
            jx_prefix_error("element %zu", done); /* the loop's increment counts it for the free */
        }
    }
    if (rc != ATH_OK) {
        ath_array_free(model, items, done);
        items = NULL;
        count = 0;
    }
    jb_free(&scratch);
    json_decref(doc);
    ath_columns_free(cols);
    *out = items;
    *n = count;
    return rc;
}

void ath_array_free(const ath_model *model, void *objs, size_t n)
{
    if (!objs)
        return;
    for (size_t i = 0; model && i < n; i++)
        ath_model_free_fields(model, (char *)objs + i * model->struct_size);
    free(objs);
}

void ath_json_free(char *text)
{
    free(text);
}
