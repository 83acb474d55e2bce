/*
 * Loading declared relations in batches: for each relation named in the load paths, one SELECT
 * of the related rows whose key is among the parents' keys (`WHERE col IN (…)`, chunked under
 * the connection's parameter limit), through a repository of the target model so its mixins'
 * scopes apply; the rows are then attached to their parents in memory.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "engine.h"
#include "error.h"
#include "load.h"
#include "repo.h"
#include "utf8.h"

int load_parse_paths(ath_repo *r, const char *const *load, size_t nload, load_tree *t)
{
    size_t cap = 0;
    for (size_t i = 0; i < nload; i++) {
        if (!load[i])
            return ath_fail(ATH_EINVAL, "load path %zu of %zu is NULL", i + 1, nload);
        cap += 1;
        for (const char *p = load[i]; *p; p++)
            cap += *p == '.';
    }
    if (!(t->nodes = ath_calloc(cap ? cap : 1, sizeof *t->nodes)))
        return ath_fail(ATH_ENOMEM, "parsing load paths");
    for (size_t i = 0; i < nload; i++) {
        const ath_mapping *m = r->m;
        int parent = -1;
        const char *seg = load[i];
        for (int depth = 0;; depth++) {
            const char *dot = strchr(seg, '.');
            size_t len = dot ? (size_t)(dot - seg) : strlen(seg);
            char name[64];
            if (depth >= LOAD_DEPTH_MAX || len == 0 || len >= sizeof name)
                return ath_fail(ATH_EINVAL, "load path '%s': %s", load[i],
                                depth >= LOAD_DEPTH_MAX ? "too deep" : "empty or over-long name");
            memcpy(name, seg, len);
            name[len] = '\0';
            const ath_rel *rel = ath_mapping_rel(m, name);
            if (!rel)
                return ath_fail(ATH_EINVAL, "load path '%s': model %s has no relation '%s'",
                                load[i], m->model->name, name);
            int found = -1;
            for (size_t k = 0; k < t->n && found < 0; k++)
                if (t->nodes[k].parent == parent && t->nodes[k].rel == rel)
                    found = (int)k;
            if (found < 0) {
                load_node *node = &t->nodes[t->n];
                int rc = ath_engine_mapping(r->engine, rel->rel->target, &node->to);
                if (rc != ATH_OK)
                    return rc;
                node->rel = rel;
                node->from = m;
                node->parent = parent;
                found = (int)t->n++;
            }
            m = t->nodes[found].to;
            parent = found;
            if (!dot)
                break;
            seg = dot + 1;
        }
    }
    return ATH_OK;
}

/* Integers of either width compare as i64. */
static ath_value key_of(const ath_col *c, const void *obj)
{
    ath_value v = ath_col_get(c, obj);
    if (v.type == ATH_T_I32)
        v = ath_v_i64(v.u.i32);
    return v;
}

static int value_cmp(const ath_value *a, const ath_value *b)
{
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    switch (a->type) {
    case ATH_T_I64:
    case ATH_T_TIMESTAMP:
        return a->u.i64 < b->u.i64 ? -1 : a->u.i64 > b->u.i64;
    case ATH_T_DATE:
        return a->u.date < b->u.date ? -1 : a->u.date > b->u.date;
    case ATH_T_DOUBLE:
        return a->u.f64 < b->u.f64 ? -1 : a->u.f64 > b->u.f64;
    case ATH_T_BOOL:
        return (int)a->u.b - (int)b->u.b;
    case ATH_T_UUID:
        return memcmp(a->u.uuid.bytes, b->u.uuid.bytes, sizeof a->u.uuid.bytes);
    default: {
        size_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
        int c = n ? memcmp(a->u.s.ptr, b->u.s.ptr, n) : 0;
        if (c)
            return c;
        return a->u.s.len < b->u.s.len ? -1 : a->u.s.len > b->u.s.len;
    }
    }
}

typedef struct parent_key {
    ath_value key;
    char *obj;
    size_t group; /* index of its distinct key */
} parent_key;

static int parent_cmp(const void *a, const void *b)
{
    return value_cmp(&((const parent_key *)a)->key, &((const parent_key *)b)->key);
}

/* Index of `key` among the n sorted distinct `keys`, or n. */
static size_t find_key(const ath_value *keys, size_t n, const ath_value *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = value_cmp(&keys[mid], key);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return n;
}

static void set_ptr(char *obj, size_t off, void *p)
{
    memcpy(obj + off, &p, sizeof p);
}

typedef struct row_order {
    size_t group;
    ath_value key;
    size_t row;
} row_order;

static int row_order_cmp(const void *a, const void *b)
{
    const row_order *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    int c = value_cmp(&x->key, &y->key);
    if (c)
        return c;
    return x->row < y->row ? -1 : x->row > y->row;
}

/*
 * The order in which to place the n rows of tl so that each group's rows are in the order of
 * the target's (single-column) key: *order stays NULL when the rows already are (the common
 * case: an index on the foreign key gives rows in key order), else a malloc'd permutation.
 */
static int order_rows(const ath_mapping *to, const ath_list *tl, const size_t *row_group, size_t nk,
                      size_t **order)
{
    *order = NULL;
    if (to->npk != 1)
        return ATH_OK; /* ordered in SQL */
    const ath_col *key = &to->cols[to->pk[0]];
    ath_value *last = ath_calloc(nk ? nk : 1, sizeof *last); /* type NULL: none yet */
    if (!last)
        return ath_fail(ATH_ENOMEM, "ordering related rows");
    bool sorted = true;
    for (size_t i = 0; i < tl->count && sorted; i++) {
        size_t g = row_group[i];
        if (g >= nk)
            continue;
        ath_value v = key_of(key, ath_list_at(tl, i));
        if (last[g].type != ATH_T_NULL && value_cmp(&last[g], &v) > 0)
            sorted = false;
        last[g] = v;
    }
    ath_free(last);
    if (sorted)
        return ATH_OK;
    row_order *ro = ath_malloc(tl->count * sizeof *ro);
    size_t *perm = ath_malloc(tl->count * sizeof *perm);
    if (!ro || !perm) {
        ath_free(ro);
        ath_free(perm);
        return ath_fail(ATH_ENOMEM, "ordering related rows");
    }
    for (size_t i = 0; i < tl->count; i++)
        ro[i] = (row_order){row_group[i], key_of(key, ath_list_at(tl, i)), i};
    qsort(ro, tl->count, sizeof *ro, row_order_cmp);
    for (size_t i = 0; i < tl->count; i++)
        perm[i] = ro[i].row;
    ath_free(ro);
    *order = perm;
    return ATH_OK;
}

/* The groups of the rows loaded through a link: for each row, the index of its parent's key. */
typedef struct through_rows {
    const ath_value *keys;
    size_t nk;
    size_t *group; /* malloc'd, one per row */
    size_t n, cap;
} through_rows;

static int through_row(void *ctx, const ath_value *parent)
{
    through_rows *t = ctx;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        size_t *g = ath_realloc(t->group, cap * sizeof *g);
        if (!g)
            return ath_fail(ATH_ENOMEM, "loading related rows");
        t->group = g;
        t->cap = cap;
    }
    ath_value v = *parent;
    if (v.type == ATH_T_I32)
        v = ath_v_i64(v.u.i32);
    t->group[t->n++] = v.type == ATH_T_NULL ? t->nk : find_key(t->keys, t->nk, &v);
    return ATH_OK;
}

/* Selects the target rows whose `remote` column (many-to-many: whose link's `through_local`
 * column) is among keys, chunked under the parameter limit unless the keys go as one array
 * (PostgreSQL's `= ANY(?)`), into tl; for a many-to-many, tr->group gets each row's group. */
static int select_related(ath_repo *r, const load_node *node, const ath_value *keys, size_t nkeys,
                          ath_list *tl, ath_arena *arena, through_rows *through)
{
    const ath_relation *rel = node->rel->rel;
    bool m2m = rel->kind == ATH_REL_MANY_TO_MANY;
    ath_repo *tr = NULL, *lr = NULL;
    ath_conn *conn = NULL;
    int rc = repo_conn(r, false, &conn);
    if (rc == ATH_OK)
        rc = ath_repo_open(&tr, r->session, node->to->model);
    if (rc == ATH_OK && m2m)
        rc = ath_repo_open(&lr, r->session, rel->through);
    if (rc != ATH_OK) {
        ath_repo_free(tr);
        return rc;
    }
    const char *incol = m2m ? node->rel->through_local : node->rel->remote;
    const ath_col *inc = ath_mapping_find(m2m ? lr->m : node->to, incol);
    size_t limit = conn->max_params > 0 ? (size_t)conn->max_params : REPO_FALLBACK_MAX_PARAMS;
    size_t chunk = limit > 2 * LOAD_PARAM_RESERVE ? limit - LOAD_PARAM_RESERVE : limit / 2;
    if (inc && repo_array_form(m2m ? lr : tr, inc, nkeys))
        chunk = nkeys; /* one array parameter, whatever the count */
    ath_filter f[1 + ATH_ORDER_MAX], in;
    size_t nf = m2m ? 0 : 1;
    /* an array is in key order: a composite key orders in SQL; a single-column one is ordered
     * in memory (order_rows), where the database's order is usually right already */
    if (ATH_REL_IS_ARRAY(rel->kind) && node->to->npk > 1)
        for (size_t k = 0; k < node->to->npk && k < ATH_ORDER_MAX; k++)
            f[nf++] = ath_order_by(node->to->cols[node->to->pk[k]].name, false);
    for (size_t at = 0; rc == ATH_OK && at < nkeys; at += chunk) {
        size_t n = nkeys - at < chunk ? nkeys - at : chunk;
        in = ath_collection(incol, keys + at, n);
        if (m2m)
            rc = repo_list_through(tr, lr, node->rel->through_local, node->rel->through_remote,
                                   node->rel->remote, &in, 1, f, nf, through_row, through, tl,
                                   arena);
        else {
            f[0] = in;
            rc = repo_list_into(tr, f, nf, "load", tl, arena);
        }
    }
    ath_repo_free(lr);
    ath_repo_free(tr);
    return rc;
}

/*
 * Loads node's relation for the `n` parent objects: sets their relation members, and returns
 * the related objects (in `arena`) as *kids (malloc'd pointer array, *nkids of them).
 */
static int load_node_rows(ath_repo *r, const load_node *node, char **parents, size_t n,
                          ath_arena *arena, char ***kids, size_t *nkids)
{
    const ath_rel *rel = node->rel;
    const ath_col *lc = &node->from->cols[rel->local];
    const ath_col *rcol = ath_mapping_find(node->to, rel->remote);
    bool many = ATH_REL_IS_ARRAY(rel->rel->kind), m2m = rel->rel->kind == ATH_REL_MANY_TO_MANY;
    through_rows through = {0};
    size_t size = node->to->model->struct_size;
    parent_key *pk = ath_malloc((n ? n : 1) * sizeof *pk);
    ath_value *keys = ath_malloc((n ? n : 1) * sizeof *keys);
    size_t *counts = NULL, *fill = NULL, *row_group = NULL, *order = NULL;
    char **arrays = NULL;
    ath_list *tl = NULL;
    size_t np = 0, nk = 0;
    int rc = pk && keys ? ATH_OK : ath_fail(ATH_ENOMEM, "loading relation %s", rel->rel->name);
    *kids = NULL;
    *nkids = 0;
    for (size_t i = 0; rc == ATH_OK && i < n; i++) {
        set_ptr(parents[i], rel->offset, NULL);
        if (many)
            memset(parents[i] + rel->count_offset, 0, sizeof(size_t));
        ath_value v = key_of(lc, parents[i]);
        if (v.type != ATH_T_NULL)
            pk[np++] = (parent_key){v, parents[i], 0};
    }
    if (rc != ATH_OK || np == 0)
        goto done;
    qsort(pk, np, sizeof *pk, parent_cmp);
    for (size_t i = 0; i < np; i++) {
        if (nk == 0 || value_cmp(&keys[nk - 1], &pk[i].key) != 0)
            keys[nk++] = pk[i].key;
        pk[i].group = nk - 1;
    }
    if ((rc = ath_list_create(&tl, size)) != ATH_OK)
        goto done;
    through.keys = keys;
    through.nk = nk;
    if ((rc = select_related(r, node, keys, nk, tl, arena, &through)) != ATH_OK)
        goto done;
    if (tl->count == 0)
        goto done;
    counts = ath_calloc(nk, sizeof *counts);
    fill = ath_calloc(nk, sizeof *fill);
    row_group = ath_malloc(tl->count * sizeof *row_group);
    arrays = ath_calloc(nk, sizeof *arrays);
    *kids = ath_malloc(tl->count * sizeof **kids);
    if (!counts || !fill || !row_group || !arrays || !*kids) {
        rc = ath_fail(ATH_ENOMEM, "loading relation %s", rel->rel->name);
        goto done;
    }
    for (size_t i = 0; i < tl->count; i++) {
        if (m2m) {
            row_group[i] = through.group[i];
        } else {
            ath_value v = key_of(rcol, ath_list_at(tl, i));
            row_group[i] = find_key(keys, nk, &v);
        }
        if (row_group[i] < nk)
            counts[row_group[i]]++;
    }
    if (!many) { /* one object per distinct key; the first row wins */
        for (size_t g = 0; g < nk; g++)
            counts[g] = counts[g] ? 1 : 0;
    }
    for (size_t g = 0; g < nk; g++)
        if (counts[g] && !(arrays[g] = ath_arena_alloc(arena, counts[g] * size, 1))) {
            rc = ath_fail(ATH_ENOMEM, "loading relation %s", rel->rel->name);
            goto done;
        }
    if (many && (rc = order_rows(node->to, tl, row_group, nk, &order)) != ATH_OK)
        goto done;
    for (size_t k = 0; k < tl->count; k++) {
        size_t i = order ? order[k] : k;
        size_t g = row_group[i];
        if (g >= nk || fill[g] == counts[g])
            continue; /* not a requested key (a collation's idea of equal), or a duplicate */
        char *slot = arrays[g] + fill[g]++ * size;
        memcpy(slot, ath_list_at(tl, i), size);
        (*kids)[(*nkids)++] = slot;
    }
    for (size_t i = 0; i < np; i++) {
        size_t g = pk[i].group;
        set_ptr(pk[i].obj, rel->offset, arrays[g]);
        if (many)
            memcpy(pk[i].obj + rel->count_offset, &fill[g], sizeof fill[g]);
    }
done:
    if (rc != ATH_OK) {
        ath_free(*kids);
        *kids = NULL;
        *nkids = 0;
        for (size_t i = 0; i < n; i++) { /* no pointer into a half-built level */
            set_ptr(parents[i], rel->offset, NULL);
            if (many)
                memset(parents[i] + rel->count_offset, 0, sizeof(size_t));
        }
    }
    ath_list_free(tl); /* the rows were copied; their strings live in `arena` */
    ath_free(pk);
    ath_free(keys);
    ath_free(counts);
    ath_free(fill);
    ath_free(row_group);
    ath_free(order);
    ath_free(arrays);
    ath_free(through.group);
    return rc;
}

/* Loads every node below `parent` for the objects of that level, depth first. */
static int load_level(ath_repo *r, const load_tree *t, int parent, char **objs, size_t n,
                      ath_arena *arena)
{
    int rc = ATH_OK;
    for (size_t k = 0; rc == ATH_OK && k < t->n; k++) {
        if (t->nodes[k].parent != parent)
            continue;
        char **kids = NULL;
        size_t nkids = 0;
        rc = load_node_rows(r, &t->nodes[k], objs, n, arena, &kids, &nkids);
        if (rc == ATH_OK)
            rc = load_level(r, t, (int)k, kids, nkids, arena);
        ath_free(kids);
    }
    return rc;
}

/* Loads the paths for n objects of r's model stored contiguously at items. */
static int load_items(ath_repo *r, const load_tree *t, char *items, size_t n, ath_arena *arena)
{
    char **objs = ath_malloc((n ? n : 1) * sizeof *objs);
    if (!objs)
        return ath_fail(ATH_ENOMEM, "loading relations of %zu objects", n);
    for (size_t i = 0; i < n; i++)
        objs[i] = items + i * r->m->model->struct_size;
    int rc = load_level(r, t, -1, objs, n, arena);
    ath_free(objs);
    return rc;
}

int ath_repo_list_load(ath_repo *r, ath_list **out, const ath_filter *filters, size_t nfilters,
                       const char *const *load, size_t nload)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (nfilters && !filters)
        return ath_null_arg(__func__, "filters");
    if (nload && !load)
        return ath_null_arg(__func__, "load");
    load_tree t = {0};
    ath_list *l = NULL;
    int rc = load_parse_paths(r, load, nload, &t);
    if (rc == ATH_OK)
        rc = repo_list(r, &l, filters, nfilters);
    if (rc == ATH_OK)
        rc = load_items(r, &t, l->items, l->count, &l->arena);
    ath_free(t.nodes);
    if (rc == ATH_OK) {
        *out = l;
        l = NULL;
    }
    ath_list_free(l);
    return repo_finish(r, rc, false);
}

/* --- a single object: the loaded graph copied into malloc'd memory ---------------------------- */

/* Replaces every string and relation member of obj (pointing into an arena) by a malloc'd copy,
 * deeply; after a failure (*failed) the rest are set to NULL, so ath_model_free_fields frees
 * exactly what was copied. */
static void own_object(ath_engine *e, const ath_mapping *m, char *obj, bool strings, bool *failed)
{
    for (size_t i = 0; strings && i < m->ncols; i++) {
        const ath_col *c = &m->cols[i];
        if (!ath_type_bytes(c->type))
            continue;
        if (c->type == ATH_T_BLOB) {
            ath_blob b;
            memcpy(&b, obj + c->offset, sizeof b);
            unsigned char *copy = NULL;
            if (b.data && !*failed && !(copy = ath_malloc(b.len ? b.len : 1)))
                *failed = true;
            if (copy && b.len)
                memcpy(copy, b.data, b.len);
            b.data = copy;
            if (!copy)
                b.len = 0;
            memcpy(obj + c->offset, &b, sizeof b);
        } else {
            char *s;
            memcpy(&s, obj + c->offset, sizeof s);
            char *copy = NULL;
            if (s && !*failed && !(copy = ath_strdup(s)))
                *failed = true;
            memcpy(obj + c->offset, &copy, sizeof copy);
        }
    }
    for (size_t k = 0; k < m->nrels; k++) {
        const ath_rel *rel = &m->rels[k];
        bool many = ATH_REL_IS_ARRAY(rel->rel->kind);
        const ath_mapping *tm = NULL;
        char *p, *copy = NULL;
        size_t n = 1;
        memcpy(&p, obj + rel->offset, sizeof p);
        if (many)
            memcpy(&n, obj + rel->count_offset, sizeof n);
        if (p && n && !*failed && ath_engine_mapping(e, rel->rel->target, &tm) == ATH_OK) {
            size_t size = tm->model->struct_size;
            if ((copy = ath_malloc(n * size))) {
                memcpy(copy, p, n * size);
                for (size_t i = 0; i < n; i++)
                    own_object(e, tm, copy + i * size, true, failed);
            }
        }
        if (p && !copy)
            *failed = true;
        set_ptr(obj, rel->offset, copy);
        if (many && !copy)
            memset(obj + rel->count_offset, 0, sizeof(size_t));
    }
}

int ath_repo_get_load(ath_repo *r, void *out, const ath_value *key, size_t nkey,
                      const char *const *load, size_t nload)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (!out)
        return ath_null_arg(__func__, "out");
    if (!key)
        return ath_null_arg(__func__, "key");
    if (nload && !load)
        return ath_null_arg(__func__, "load");
    if (nkey != r->m->npk)
        return ath_fail(ATH_EINVAL, "%s has a %zu-column primary key; %zu values given",
                        r->m->model->table, r->m->npk, nkey);
    load_tree t = {0};
    ath_arena arena;
    ath_arena_init(&arena);
    int rc = repo_check_key(r, key, "get_load");
    if (rc == ATH_OK)
        rc = load_parse_paths(r, load, nload, &t);
    if (rc == ATH_OK)
        rc = repo_get_key(r, out, key);
    if (rc == ATH_OK) {
        rc = load_items(r, &t, out, 1, &arena);
        bool failed = false;
        own_object(r->engine, r->m, out, false, &failed);
        if (rc == ATH_OK && failed)
            rc = ath_fail(ATH_ENOMEM, "copying the relations of a %s", r->m->model->name);
        if (rc != ATH_OK)
            ath_model_free_fields(r->m->model, out);
    }
    ath_arena_free(&arena);
    ath_free(t.nodes);
    return repo_finish(r, rc, false);
}
