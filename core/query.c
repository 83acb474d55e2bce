/* Compiles filter arrays into SQL conditions with bound parameters. */
#include "query.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "sql_build.h"
#include "utf8.h"

#define LIKE_ESCAPE '!'

void ath_query_init(ath_query *q, const ath_mapping *m, const ath_dialect *d,
                    ath_mapping_resolver resolve, void *resolve_ctx)
{
    memset(q, 0, sizeof *q);
    q->m = m;
    q->d = d;
    q->resolve = resolve;
    q->resolve_ctx = resolve_ctx;
    q->limit = -1;
    q->array_min = ATH_IN_ARRAY_MIN;
    ath_buf_init(&q->where);
    ath_buf_init(&q->order);
    ath_arena_init(&q->scratch);
}

void ath_query_free(ath_query *q)
{
    ath_buf_free(&q->where);
    ath_buf_free(&q->order);
    ath_arena_free(&q->scratch);
    ath_free(q->params);
    q->params = NULL;
}

int ath_query_param(ath_query *q, ath_value v)
{
    if ((unsigned)v.type >= ATH_T__COUNT)
        return ath_fail(ATH_EINVAL, "a filter value for table %s has no known type (%d)",
                        q->m->model->table, (int)v.type);
    int rc = ath_text_check(&v, "a filter value for table %s", q->m->model->table);
    if (rc != ATH_OK)
        return rc;
    if (q->nparams == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        ath_value *p = ath_realloc(q->params, cap * sizeof *p);
        if (!p)
            return ath_fail(ATH_ENOMEM, "building a query");
        q->params = p;
        q->cap = cap;
    }
    q->params[q->nparams++] = v;
    return ATH_OK;
}

/* A parameter compared with column c: the value-kind rule first. */
int ath_query_col_param(ath_query *q, const ath_col *c, ath_value v, const char *what)
{
    int rc = ath_col_accepts(c, &v, what);
    return rc != ATH_OK ? rc : ath_query_param(q, v);
}

/* A LIKE pattern from literal text: wildcards and the escape character are escaped. */
static int literal_pattern(ath_query *q, const char *text, size_t len, bool lead, bool trail,
                           ath_value *out)
{
    char *p = ath_arena_alloc(&q->scratch, len * 2 + 3, 0);
    if (!p)
        return ath_fail(ATH_ENOMEM, "building a LIKE pattern");
    size_t n = 0;
    if (lead)
        p[n++] = '%';
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '%' || c == '_' || c == LIKE_ESCAPE)
            p[n++] = LIKE_ESCAPE;
        p[n++] = c;
    }
    if (trail)
        p[n++] = '%';
    p[n] = '\0';
    *out = ath_v_textn(ATH_T_TEXT, p, n);
    return ATH_OK;
}

/* Appends `col [NOT] LIKE ? ESCAPE '!'` or its case-insensitive form: every LIKE names its
 * escape character, so no backend's default (PostgreSQL's and MySQL's backslash) applies. */
static void like_sql(ath_query *q, ath_buf *b, const char *qual, const char *col, bool ci,
                     bool negate)
{
    if (ci && !q->d->has_ilike) {
        ath_buf_adds(b, "LOWER(");
        ath_sql_column(b, q->d, qual, col);
        ath_buf_adds(b, negate ? ") NOT LIKE LOWER(?)" : ") LIKE LOWER(?)");
    } else {
        ath_sql_column(b, q->d, qual, col);
        if (ci)
            ath_buf_adds(b, negate ? " NOT ILIKE ?" : " ILIKE ?");
        else
            ath_buf_adds(b, negate ? " NOT LIKE ?" : " LIKE ?");
    }
    ath_buf_addf(b, " ESCAPE '%c'", LIKE_ESCAPE);
}

static int need_text(const ath_mapping *m, const ath_col *c, const char *what)
{
    if (ath_type_textual(c->type))
        return ATH_OK;
    return ath_fail(ATH_EINVAL, "%s needs a text column; %s.%s is %s", what, m->model->table,
                    c->name, ath_type_name(c->type));
}

static const char *op_sql(ath_op op)
{
    switch (op) {
    case ATH_EQ:
        return " = ?";
    case ATH_NE:
        return " <> ?";
    case ATH_LT:
        return " < ?";
    case ATH_LE:
        return " <= ?";
    case ATH_GT:
        return " > ?";
    case ATH_GE:
        return " >= ?";
    default:
        return NULL;
    }
}

static int where_sql(ath_query *q, ath_buf *b, const ath_mapping *m, const char *qual,
                     const ath_filter *f)
{
    const ath_col *c;
    int rc = ath_mapping_require(m, f->column, "a filter", &c);
    if (rc != ATH_OK)
        return rc;
    const ath_value *v = &f->value;
    ath_op op = f->op;
    if ((unsigned)op > (unsigned)ATH_IS_NOT_NULL) /* not an ath_op: never guess an operator */
        return ath_fail(ATH_EINVAL,
                        "a filter on column %s of model %s: operator %d is not an ath_op "
                        "(ATH_EQ … ATH_IS_NOT_NULL)",
                        c->name, m->model->name ? m->model->name : m->model->table, (int)op);
    if ((op == ATH_EQ || op == ATH_NE) && v->type == ATH_T_NULL)
        op = op == ATH_EQ ? ATH_IS_NULL : ATH_IS_NOT_NULL;
    if (op_sql(op)) {
        ath_buf_addc(b, '(');
        ath_sql_column(b, q->d, qual, c->name);
        ath_buf_adds(b, op_sql(op));
        ath_buf_addc(b, ')');
        return ath_query_col_param(q, c, *v, "a filter");
    }
    switch (op) {
    case ATH_IS_NULL:
    case ATH_IS_NOT_NULL:
        ath_buf_addc(b, '(');
        ath_sql_column(b, q->d, qual, c->name);
        ath_buf_adds(b, op == ATH_IS_NULL ? " IS NULL)" : " IS NOT NULL)");
        return ATH_OK;
    case ATH_BETWEEN:
        if (v->type == ATH_T_NULL || f->value2.type == ATH_T_NULL)
            return ath_fail(ATH_EINVAL, "between on %s needs two non-NULL bounds", c->name);
        ath_buf_addc(b, '(');
        ath_sql_column(b, q->d, qual, c->name);
        ath_buf_adds(b, " BETWEEN ? AND ?)");
        if ((rc = ath_query_col_param(q, c, *v, "a between filter")) != ATH_OK)
            return rc;
        return ath_query_col_param(q, c, f->value2, "a between filter");
    default:
        break;
    }
    /* the LIKE family */
    if ((rc = need_text(m, c, "a LIKE-style filter")) != ATH_OK)
        return rc;
    if (!ath_type_textual(v->type))
        return ath_fail(ATH_EINVAL, "a LIKE-style filter on %s needs a text value", c->name);
    bool ci = op == ATH_ILIKE || op == ATH_NOT_ILIKE || op == ATH_ISTARTSWITH ||
              op == ATH_IENDSWITH || op == ATH_ICONTAINS;
    bool negate = op == ATH_NOT_LIKE || op == ATH_NOT_ILIKE;
    bool raw = op == ATH_LIKE || op == ATH_ILIKE || negate;
    ath_value pattern = *v;
    if (raw) { /* '!' escapes a wildcard on every backend; a lone one at the end escapes nothing */
        size_t bangs = 0;
        while (bangs < v->u.s.len && ((const char *)v->u.s.ptr)[v->u.s.len - 1 - bangs] == '!')
            bangs++;
        if (bangs % 2)
            return ath_fail(ATH_EINVAL,
                            "a LIKE pattern on column %s ends with the escape character '!' "
                            "(write '!!' for a literal '!')",
                            c->name);
    } else {
        bool lead =
            op == ATH_ENDSWITH || op == ATH_IENDSWITH || op == ATH_CONTAINS || op == ATH_ICONTAINS;
        bool trail = op == ATH_STARTSWITH || op == ATH_ISTARTSWITH || op == ATH_CONTAINS ||
                     op == ATH_ICONTAINS;
        if ((rc = literal_pattern(q, v->u.s.ptr, v->u.s.len, lead, trail, &pattern)) != ATH_OK)
            return rc;
    }
    ath_buf_addc(b, '(');
    like_sql(q, b, qual, c->name, ci, negate);
    ath_buf_addc(b, ')');
    return ath_query_param(q, pattern);
}

/* --- one array parameter for a list of values (PostgreSQL's = ANY) --------------------------- */

bool ath_query_array_col(const ath_dialect *d, const ath_col *c)
{
    if (!ATH_DIALECT_HAS(d, any_array))
        return false;
    ath_type t = c->type;
    return t == ATH_T_I64 || t == ATH_T_I32 || t == ATH_T_TEXT || t == ATH_T_UUID;
}

/* Appends value v of column c to the array's text form: {1,2} or {"a","b\"c"}. */
static int array_element(ath_buf *b, const ath_col *c, const ath_value *v, const char *what)
{
    char text[40];
    switch (v->type) {
    case ATH_T_NULL:
        ath_buf_adds(b, "NULL");
        return ATH_OK;
    case ATH_T_I32:
        ath_buf_addf(b, "%" PRId32, v->u.i32);
        return ATH_OK;
    case ATH_T_I64:
        ath_buf_addf(b, "%" PRId64, v->u.i64);
        return ATH_OK;
    case ATH_T_UUID:
        if (ath_uuid_format(&v->u.uuid, text, sizeof text) < 0)
            return ath_fail(ATH_EINVAL, "%s: a value of %s cannot be written", what, c->name);
        ath_buf_adds(b, text);
        return ATH_OK;
    case ATH_T_TEXT: {
        const char *p = v->u.s.ptr ? v->u.s.ptr : "";
        ath_buf_addc(b, '"');
        for (size_t i = 0; i < v->u.s.len; i++) {
            if (p[i] == '"' || p[i] == '\\')
                ath_buf_addc(b, '\\');
            ath_buf_addc(b, p[i]);
        }
        ath_buf_addc(b, '"');
        return ATH_OK;
    }
    default:
        return ath_fail(ATH_EINVAL, "%s: a %s value of %s cannot be an array element", what,
                        ath_type_name(v->type), c->name);
    }
}

int ath_query_array_text(ath_buf *array, const ath_col *c, const ath_value *v, size_t n,
                         const char *what)
{
    int rc = ATH_OK;
    ath_buf_addc(array, '{');
    for (size_t i = 0; rc == ATH_OK && i < n; i++) {
        if ((rc = ath_col_accepts(c, &v[i], what)) != ATH_OK)
            break;
        if ((rc = ath_text_check(&v[i], "a value given to %s", what)) != ATH_OK)
            break;
        ath_buf_adds(array, i ? "," : "");
        rc = array_element(array, c, &v[i], what);
    }
    ath_buf_addc(array, '}');
    if (rc == ATH_OK && array->oom)
        rc = ath_fail(ATH_ENOMEM, "building an array of values");
    return rc;
}

void ath_query_any_sql(ath_buf *b, const ath_dialect *d, const char *qual, const ath_col *c)
{
    ath_sql_column(b, d, qual, c->name);
    const char *fmt = d->any_array, *hole = strstr(fmt, "%s"); /* the element type's place */
    if (hole) {
        const char *t = d->type_names[c->type];
        ath_buf_add(b, fmt, (size_t)(hole - fmt));
        ath_buf_adds(b, t ? t : "TEXT");
        ath_buf_adds(b, hole + 2);
    } else {
        ath_buf_adds(b, fmt);
    }
}

/* `col = ANY(one array)`, NOT (…) for not-in (the planner reads it as col <> ALL(…)): NULL
 * elements and a NULL column give the same three-valued result as the IN list. */
static int in_array_sql(ath_query *q, ath_buf *b, const char *qual, const ath_col *c,
                        const ath_filter *f, bool negate)
{
    ath_buf array;
    ath_buf_init(&array);
    int rc = ath_query_array_text(&array, c, f->values, f->nvalues, "a collection filter");
    char *text = NULL;
    if (rc == ATH_OK && !(text = ath_arena_alloc(&q->scratch, array.len + 1, 0)))
        rc = ath_fail(ATH_ENOMEM, "building a collection filter");
    if (rc == ATH_OK) {
        memcpy(text, array.data, array.len);
        text[array.len] = '\0';
    }
    size_t len = array.len;
    ath_buf_free(&array);
    if (rc != ATH_OK)
        return rc;
    ath_buf_adds(b, negate ? "(NOT (" : "(");
    ath_query_any_sql(b, q->d, qual, c);
    ath_buf_adds(b, negate ? "))" : ")");
    return ath_query_param(q, ath_v_textn(ATH_T_TEXT, text, len));
}

static int in_sql(ath_query *q, ath_buf *b, const ath_mapping *m, const char *qual,
                  const ath_filter *f)
{
    const ath_col *c;
    int rc = ath_mapping_require(m, f->column, "a collection filter", &c);
    if (rc != ATH_OK)
        return rc;
    bool negate = f->kind == ATH_FILTER_NOT_IN;
    if (f->nvalues == 0) { /* empty: IN matches nothing, NOT IN everything */
        ath_buf_adds(b, negate ? "(1 = 1)" : "(1 = 0)");
        return ATH_OK;
    }
    if (!f->values)
        return ath_fail(ATH_EINVAL, "collection filter on %s has no values", c->name);
    if (f->nvalues >= q->array_min && ath_query_array_col(q->d, c))
        return in_array_sql(q, b, qual, c, f, negate);
    ath_buf_addc(b, '(');
    ath_sql_column(b, q->d, qual, c->name);
    ath_buf_adds(b, negate ? " NOT IN (" : " IN (");
    ath_sql_placeholders_list(b, f->nvalues);
    ath_buf_adds(b, "))");
    for (size_t i = 0; i < f->nvalues; i++)
        if ((rc = ath_query_col_param(q, c, f->values[i], "a collection filter")) != ATH_OK)
            return rc;
    return ATH_OK;
}

static int before_after_sql(ath_query *q, ath_buf *b, const ath_mapping *m, const char *qual,
                            const ath_filter *f)
{
    const ath_col *c;
    int rc = ath_mapping_require(m, f->column, "a before/after filter", &c);
    if (rc != ATH_OK)
        return rc;
    bool inclusive = f->kind == ATH_FILTER_ON_BEFORE_AFTER;
    bool before = f->value.type != ATH_T_NULL, after = f->value2.type != ATH_T_NULL;
    if (!before && !after) {
        ath_buf_adds(b, "(1 = 1)");
        return ATH_OK;
    }
    ath_buf_addc(b, '(');
    if (after) {
        ath_sql_column(b, q->d, qual, c->name);
        ath_buf_adds(b, inclusive ? " >= ?" : " > ?");
        if ((rc = ath_query_col_param(q, c, f->value2, "a before/after filter")) != ATH_OK)
            return rc;
    }
    if (before) {
        ath_buf_adds(b, after ? " AND " : "");
        ath_sql_column(b, q->d, qual, c->name);
        ath_buf_adds(b, inclusive ? " <= ?" : " < ?");
        if ((rc = ath_query_col_param(q, c, f->value, "a before/after filter")) != ATH_OK)
            return rc;
    }
    ath_buf_addc(b, ')');
    return ATH_OK;
}

static int search_sql(ath_query *q, ath_buf *b, const ath_mapping *m, const char *qual,
                      const ath_filter *f)
{
    if (!f->column || !f->text)
        return ath_fail(ATH_EINVAL, "a search filter needs columns and text");
    bool negate = f->kind == ATH_FILTER_NOT_SEARCH;
    ath_value pattern;
    int rc = literal_pattern(q, f->text, strlen(f->text), true, true, &pattern);
    if (rc != ATH_OK)
        return rc;
    ath_buf_addc(b, '(');
    const char *p = f->column;
    int n = 0;
    while (*p) {
        size_t len = strcspn(p, ",");
        char name[128];
        if (len >= sizeof name)
            return ath_fail(ATH_EINVAL, "unknown column '%.40s…' in a search filter for model %s",
                            p, m->model->name);
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        /* allow "a, b" as well as "a,b" */
        char *start = name;
        while (*start == ' ')
            start++;
        for (char *e = start + strlen(start); e > start && e[-1] == ' ';)
            *--e = '\0';
        const ath_col *c;
        if ((rc = ath_mapping_require(m, start, "a search filter", &c)) != ATH_OK)
            return rc;
        if ((rc = need_text(m, c, "search")) != ATH_OK)
            return rc;
        if (negate) {
            ath_buf_adds(b, n ? " AND (" : "(");
            ath_sql_column(b, q->d, qual, c->name);
            ath_buf_adds(b, " IS NULL OR ");
            like_sql(q, b, qual, c->name, f->ignore_case, true);
            ath_buf_addc(b, ')');
        } else {
            ath_buf_adds(b, n ? " OR " : "");
            like_sql(q, b, qual, c->name, f->ignore_case, false);
        }
        if ((rc = ath_query_param(q, pattern)) != ATH_OK)
            return rc;
        n++;
        p += len;
        if (*p == ',')
            p++;
    }
    if (n == 0)
        return ath_fail(ATH_EINVAL, "a search filter needs at least one column");
    ath_buf_addc(b, ')');
    return ATH_OK;
}

static int predicate(ath_query *q, ath_buf *b, const ath_mapping *m, const char *qual,
                     const ath_filter *f);

static int group_sql(ath_query *q, ath_buf *b, const ath_mapping *m, const char *qual,
                     const ath_filter *children, size_t n, const char *joiner, const char *empty)
{
    size_t used = 0;
    if (n && !children)
        return ath_fail(ATH_EINVAL, "a filter group says %zu children but gives none", n);
    ath_buf_addc(b, '(');
    for (size_t i = 0; i < n; i++) {
        if (children[i].kind == ATH_FILTER_OPTIONS)
            continue;
        if (used++)
            ath_buf_adds(b, joiner);
        int rc = predicate(q, b, m, qual, &children[i]);
        if (rc != ATH_OK)
            return rc;
    }
    if (!used)
        ath_buf_adds(b, empty);
    ath_buf_addc(b, ')');
    return ATH_OK;
}

/* The column of `from` referencing `to` (a foreign key "to_table.col"), and the target column. */
static const ath_col *reference_between(const ath_mapping *from, const ath_mapping *to,
                                        const ath_col **target)
{
    for (size_t i = 0; i < from->ncols; i++) {
        const char *ref = from->cols[i].references;
        if (!ref)
            continue;
        const char *dot = strchr(ref, '.');
        size_t tlen = strlen(to->model->table);
        if ((size_t)(dot - ref) == tlen && strncmp(ref, to->model->table, tlen) == 0) {
            const ath_col *t = ath_mapping_find(to, dot + 1);
            if (t) {
                *target = t;
                return &from->cols[i];
            }
        }
    }
    return NULL;
}

static int exists_sql(ath_query *q, ath_buf *b, const ath_mapping *m, const char *qual,
                      const ath_filter *f)
{
    if (!f->related)
        return ath_fail(ATH_EINVAL, "an exists filter needs a related model");
    if (!q->resolve)
        return ath_fail(ATH_EINVAL, "exists filters are not available here");
    const ath_mapping *r;
    int rc = q->resolve(q->resolve_ctx, f->related, &r);
    if (rc != ATH_OK)
        return rc;
    char alias[16];
    snprintf(alias, sizeof alias, "s%d", ++q->aliases);
    const ath_col *target = NULL, *fk;
    const char *fk_qual, *target_qual;
    if ((fk = reference_between(r, m, &target))) { /* related rows point at this one */
        fk_qual = alias;
        target_qual = qual;
    } else if ((fk = reference_between(m, r, &target))) { /* this row points at the related */
        fk_qual = qual;
        target_qual = alias;
    } else {
        return ath_fail(ATH_EINVAL, "exists filter: no foreign key joins %s and %s",
                        m->model->table, r->model->table);
    }
    ath_buf_adds(b, f->kind == ATH_FILTER_NOT_EXISTS ? "(NOT EXISTS (SELECT 1 FROM "
                                                     : "(EXISTS (SELECT 1 FROM ");
    ath_sql_ident(b, q->d, r->model->table);
    ath_buf_addc(b, ' ');
    ath_sql_ident(b, q->d, alias);
    ath_buf_adds(b, " WHERE ");
    ath_sql_column(b, q->d, fk_qual, fk->name);
    ath_buf_adds(b, " = ");
    ath_sql_column(b, q->d, target_qual, target->name);
    if (f->nchildren) {
        ath_buf_adds(b, " AND ");
        if ((rc = group_sql(q, b, r, alias, f->children, f->nchildren, " AND ", "1 = 1")) != ATH_OK)
            return rc;
    }
    ath_buf_adds(b, "))");
    return ATH_OK;
}

static int predicate(ath_query *q, ath_buf *b, const ath_mapping *m, const char *qual,
                     const ath_filter *f)
{
    switch (f->kind) {
    case ATH_FILTER_WHERE:
        return where_sql(q, b, m, qual, f);
    case ATH_FILTER_IN:
    case ATH_FILTER_NOT_IN:
        return in_sql(q, b, m, qual, f);
    case ATH_FILTER_BEFORE_AFTER:
    case ATH_FILTER_ON_BEFORE_AFTER:
        return before_after_sql(q, b, m, qual, f);
    case ATH_FILTER_SEARCH:
    case ATH_FILTER_NOT_SEARCH:
        return search_sql(q, b, m, qual, f);
    case ATH_FILTER_ANY:
        return group_sql(q, b, m, qual, f->children, f->nchildren, " OR ", "1 = 0");
    case ATH_FILTER_ALL:
        return group_sql(q, b, m, qual, f->children, f->nchildren, " AND ", "1 = 1");
    case ATH_FILTER_EXISTS:
    case ATH_FILTER_NOT_EXISTS:
        return exists_sql(q, b, m, qual, f);
    case ATH_FILTER_ORDER_BY:
    case ATH_FILTER_LIMIT_OFFSET:
    case ATH_FILTER_AFTER:
        return ath_fail(ATH_EINVAL, "order_by, limit_offset and after belong at the top level, "
                                    "not inside any/all/exists");
    default:
        return ath_fail(ATH_EINVAL, "unknown filter kind %d", (int)f->kind);
    }
}

static int add_order(ath_query *q, const ath_col *c, bool desc, unsigned opts)
{
    for (size_t i = 0; i < q->norder; i++)
        if (q->order_cols[i] == c)
            return ATH_OK; /* first mention wins */
    if (q->norder == ATH_ORDER_MAX)
        return ath_fail(ATH_EINVAL, "at most %d order_by columns", ATH_ORDER_MAX);
    q->order_cols[q->norder] = c;
    q->order_desc[q->norder] = desc;
    q->order_opts[q->norder] = opts;
    q->norder++;
    return ATH_OK;
}

static int check_order_opts(const ath_query *q, const ath_col *c, unsigned opts)
{
    const unsigned known = ATH_NULLS_FIRST | ATH_NULLS_LAST | ATH_ORDER_IGNORE_CASE;
    if (opts & ~known)
        return ath_fail(ATH_EINVAL, "order_by on %s.%s: unknown option bits 0x%x",
                        q->m->model->table, c->name, opts & ~known);
    if ((opts & ATH_NULLS_FIRST) && (opts & ATH_NULLS_LAST))
        return ath_fail(ATH_EINVAL,
                        "order_by on %s.%s: ATH_NULLS_FIRST and ATH_NULLS_LAST together",
                        q->m->model->table, c->name);
    if (opts & ATH_ORDER_IGNORE_CASE)
        return need_text(q->m, c, "order_by with ATH_ORDER_IGNORE_CASE");
    return ATH_OK;
}

/* An ordering column as the ORDER BY and keyset conditions compare it: LOWER(col) or col. */
void ath_query_order_expr(const ath_query *q, ath_buf *b, size_t i)
{
    bool lower = q->order_opts[i] & ATH_ORDER_IGNORE_CASE;
    ath_buf_adds(b, lower ? "LOWER(" : "");
    ath_sql_column(b, q->d, q->m->model->table, q->order_cols[i]->name);
    ath_buf_adds(b, lower ? ")" : "");
}

/* One ORDER BY term: the NULL placement (native, or `col IS NULL` first), then the column. */
static void order_term(const ath_query *q, ath_buf *b, size_t i)
{
    unsigned opts = q->order_opts[i];
    bool first = opts & ATH_NULLS_FIRST, last = opts & ATH_NULLS_LAST;
    const char *native =
        first ? (ATH_DIALECT_HAS(q->d, nulls_first) ? q->d->nulls_first : NULL)
              : (last && ATH_DIALECT_HAS(q->d, nulls_last) ? q->d->nulls_last : NULL);
    if ((first || last) && !native) { /* 1 for NULL, 0 for a value, on every backend */
        ath_buf_addc(b, '(');
        ath_sql_column(b, q->d, q->m->model->table, q->order_cols[i]->name);
        ath_buf_adds(b, first ? " IS NULL) DESC, " : " IS NULL) ASC, ");
    }
    ath_query_order_expr(q, b, i);
    ath_buf_adds(b, q->order_desc[i] ? " DESC" : "");
    if (native)
        ath_buf_adds(b, native);
}

int ath_query_add_filters(ath_query *q, const ath_filter *filters, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (filters[i].kind == ATH_FILTER_OPTIONS)
            continue;
        ath_buf_adds(&q->where, q->where.len ? " AND " : "");
        int rc = predicate(q, &q->where, q->m, q->m->model->table, &filters[i]);
        if (rc != ATH_OK)
            return rc;
    }
    return q->where.oom ? ath_fail(ATH_ENOMEM, "building a query") : ATH_OK;
}

int ath_query_compile(ath_query *q, const ath_filter *filters, size_t n, const char *purpose,
                      bool allow_order)
{
    int rc;
    if (n && !filters)
        return ath_fail(ATH_EINVAL, "%s: %zu filters given but the array is NULL", purpose, n);
    /* pass 1: ordering, paging and options, so a cursor can be read against the order */
    for (size_t i = 0; i < n; i++) {
        const ath_filter *f = &filters[i];
        switch (f->kind) {
        case ATH_FILTER_ORDER_BY: {
            const ath_col *c;
            if (!allow_order)
                break;
            if ((rc = ath_mapping_require(q->m, f->column, "order_by", &c)) != ATH_OK)
                return rc;
            if ((rc = check_order_opts(q, c, f->options)) != ATH_OK)
                return rc;
            if ((rc = add_order(q, c, f->desc, f->options)) != ATH_OK)
                return rc;
            break;
        }
        case ATH_FILTER_LIMIT_OFFSET:
            if (!allow_order)
                break;
            if (f->offset < 0)
                return ath_fail(ATH_EINVAL, "%s: offset must not be negative", purpose);
            q->has_limit = f->limit >= 0;
            q->limit = f->limit;
            q->offset = f->offset;
            break;
        case ATH_FILTER_AFTER:
            if (!allow_order)
                break;
            q->has_after = true;
            q->after = f->text && *f->text ? f->text : NULL;
            break;
        case ATH_FILTER_OPTIONS:
            q->options |= f->options;
            break;
        default:
            break;
        }
    }
    if ((q->options & ATH_OPT__LOCKS) && !q->allow_lock)
        return ath_fail(ATH_EINVAL,
                        "%s: the locking options (ATH_OPT_FOR_UPDATE, ATH_OPT_NOWAIT, "
                        "ATH_OPT_SKIP_LOCKED) apply to reads of rows (get, get_one, list, "
                        "get_and_update)",
                        purpose);
    if ((q->options & ATH_OPT_NOWAIT) && (q->options & ATH_OPT_SKIP_LOCKED))
        return ath_fail(ATH_EINVAL, "%s: ATH_OPT_NOWAIT and ATH_OPT_SKIP_LOCKED together", purpose);
    /* paging needs a total order: the primary key breaks ties */
    if (q->has_limit || q->has_after)
        for (size_t i = 0; i < q->m->npk; i++)
            if ((rc = add_order(q, &q->m->cols[q->m->pk[i]], false, 0)) != ATH_OK)
                return rc;
    for (size_t i = 0; i < q->norder; i++) {
        if (q->has_after && (q->order_opts[i] & (ATH_NULLS_FIRST | ATH_NULLS_LAST)))
            return ath_fail(ATH_EINVAL,
                            "%s: keyset paging (ath_after) cannot order %s.%s with NULLS FIRST "
                            "or NULLS LAST (a cursor cannot hold NULL)",
                            purpose, q->m->model->table, q->order_cols[i]->name);
        ath_buf_adds(&q->order, i ? ", " : "");
        order_term(q, &q->order, i);
    }
    /* pass 2: conditions */
    for (size_t i = 0; i < n; i++) {
        const ath_filter *f = &filters[i];
        if (f->kind == ATH_FILTER_ORDER_BY || f->kind == ATH_FILTER_LIMIT_OFFSET ||
            f->kind == ATH_FILTER_AFTER || f->kind == ATH_FILTER_OPTIONS)
            continue;
        ath_buf_adds(&q->where, q->where.len ? " AND " : "");
        if ((rc = predicate(q, &q->where, q->m, q->m->model->table, f)) != ATH_OK)
            return rc;
    }
    if (q->after) {
        ath_buf_adds(&q->where, q->where.len ? " AND " : "");
        if ((rc = ath_query_keyset_sql(q, &q->where)) != ATH_OK)
            return rc;
    }
    if (q->where.oom || q->order.oom)
        return ath_fail(ATH_ENOMEM, "building a query");
    return ATH_OK;
}

void ath_query_sql_where(const ath_query *q, ath_buf *sql)
{
    if (q->where.len) {
        ath_buf_adds(sql, " WHERE ");
        ath_buf_add(sql, q->where.data, q->where.len);
    }
}

void ath_query_sql_order_limit(const ath_query *q, ath_buf *sql, ath_value *extra, size_t *nextra)
{
    *nextra = 0;
    if (q->order.len) {
        ath_buf_adds(sql, " ORDER BY ");
        ath_buf_add(sql, q->order.data, q->order.len);
    }
    if (q->has_limit || q->offset > 0) {
        ath_buf_adds(sql, " LIMIT ?");
        extra[(*nextra)++] = ath_v_i64(q->has_limit ? q->limit : INT64_MAX);
        if (q->offset > 0) {
            ath_buf_adds(sql, " OFFSET ?");
            extra[(*nextra)++] = ath_v_i64(q->offset);
        }
    }
}
