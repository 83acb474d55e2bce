/*
 * Adding an object with its related objects in one call: the many-to-one targets it points at
 * are inserted first (when their key is unset) and their keys copied into its foreign keys; then
 * the object; then its one-to-many children, each given the object's key in its foreign key;
 * then its many-to-many targets and one link row for each.
 */
#include "alloc.h"
#include "error.h"
#include "load.h"
#include "repo.h"

static int graph_add(ath_repo *r, const load_tree *t, int parent, char *objs, size_t n);

/* True when obj's primary key is unset (a row not inserted yet). */
static bool key_unset(const ath_mapping *m, const void *obj)
{
    for (size_t i = 0; i < m->npk; i++)
        if (!ath_col_unset(&m->cols[m->pk[i]], obj))
            return false;
    return true;
}

/* The array member of a to-many relation in `obj` and its count; 0 when it holds none. */
static size_t children_of(const load_node *node, const char *obj, char **arr)
{
    size_t count;
    memcpy(arr, obj + node->rel->offset, sizeof *arr);
    memcpy(&count, obj + node->rel->count_offset, sizeof count);
    return *arr ? count : 0;
}

static int add_targets(ath_repo *r, const load_tree *t, int k, char *objs, size_t n)
{
    const load_node *node = &t->nodes[k];
    const ath_col *local = &node->from->cols[node->rel->local];
    const ath_col *remote = ath_mapping_find(node->to, node->rel->remote);
    size_t size = node->from->model->struct_size;
    ath_repo *tr = NULL;
    int rc = ath_repo_open(&tr, r->session, node->to->model);
    for (size_t i = 0; rc == ATH_OK && i < n; i++) {
        char *obj = objs + i * size, *p;
        memcpy(&p, obj + node->rel->offset, sizeof p);
        if (!p)
            continue;
        if (key_unset(node->to, p))
            rc = graph_add(tr, t, k, p, 1);
        if (rc == ATH_OK) {
            ath_value v = ath_col_get(remote, p);
            rc = ath_col_set(local, obj, &v, NULL);
        }
    }
    ath_repo_free(tr);
    return rc;
}

static int add_children(ath_repo *r, const load_tree *t, int k, char *objs, size_t n)
{
    const load_node *node = &t->nodes[k];
    const ath_col *local = &node->from->cols[node->rel->local];
    const ath_col *remote = ath_mapping_find(node->to, node->rel->remote);
    size_t size = node->from->model->struct_size, csize = node->to->model->struct_size;
    ath_repo *tr = NULL;
    int rc = ath_repo_open(&tr, r->session, node->to->model);
    for (size_t i = 0; rc == ATH_OK && i < n; i++) {
        char *obj = objs + i * size, *arr;
        size_t count = children_of(node, obj, &arr);
        if (!count)
            continue;
        ath_value v = ath_col_get(local, obj);
        for (size_t j = 0; rc == ATH_OK && j < count; j++)
            rc = ath_col_set(remote, arr + j * csize, &v, NULL);
        if (rc == ATH_OK)
            rc = graph_add(tr, t, k, arr, count);
    }
    ath_repo_free(tr);
    return rc;
}

/* Many-to-many: the targets in each object's array (those with an unset key inserted first, as
 * a graph; those with a key taken as stored), then one link row per pair (add_many). */
static int add_links(ath_repo *r, const load_tree *t, int k, char *objs, size_t n)
{
    const load_node *node = &t->nodes[k];
    const ath_relation *rel = node->rel->rel;
    const ath_col *local = &node->from->cols[node->rel->local];
    const ath_col *remote = ath_mapping_find(node->to, node->rel->remote);
    size_t size = node->from->model->struct_size, csize = node->to->model->struct_size;
    size_t lsize = rel->through->struct_size;
    ath_repo *tr = NULL, *lr = NULL;
    int rc = ath_repo_open(&tr, r->session, node->to->model);
    if (rc == ATH_OK)
        rc = ath_repo_open(&lr, r->session, rel->through);
    const ath_col *ll = rc == ATH_OK ? ath_mapping_find(lr->m, node->rel->through_local) : NULL;
    const ath_col *lrc = rc == ATH_OK ? ath_mapping_find(lr->m, node->rel->through_remote) : NULL;
    if (rc == ATH_OK && (!ll || !lrc || !remote))
        rc = ath_fail(ATH_EINVAL, "relation %s: a link column is missing", rel->name);
    for (size_t i = 0; rc == ATH_OK && i < n; i++) {
        char *obj = objs + i * size, *arr;
        size_t count = children_of(node, obj, &arr);
        if (!count)
            continue;
        for (size_t j = 0; rc == ATH_OK && j < count; j++)
            if (key_unset(node->to, arr + j * csize))
                rc = graph_add(tr, t, k, arr + j * csize, 1);
        char *links = rc == ATH_OK ? ath_calloc(count, lsize) : NULL;
        if (rc == ATH_OK && !links)
            rc = ath_fail(ATH_ENOMEM, "adding the links of relation %s", rel->name);
        ath_value v = ath_col_get(local, obj);
        for (size_t j = 0; rc == ATH_OK && j < count; j++) {
            ath_value w = ath_col_get(remote, arr + j * csize);
            rc = ath_col_set(ll, links + j * lsize, &v, NULL);
            if (rc == ATH_OK)
                rc = ath_col_set(lrc, links + j * lsize, &w, NULL);
        }
        if (rc == ATH_OK)
            rc = ath_repo_add_many(lr, links, count);
        for (size_t j = 0; links && j < count; j++)
            ath_model_free_fields(rel->through, links + j * lsize);
        ath_free(links);
    }
    ath_repo_free(lr);
    ath_repo_free(tr);
    return rc;
}

/* Inserts the n objects at objs (of r's model) with the relations of t below `parent`. */
static int graph_add(ath_repo *r, const load_tree *t, int parent, char *objs, size_t n)
{
    int rc = ATH_OK;
    for (size_t k = 0; rc == ATH_OK && k < t->n; k++)
        if (t->nodes[k].parent == parent && t->nodes[k].rel->rel->kind == ATH_REL_MANY_TO_ONE)
            rc = add_targets(r, t, (int)k, objs, n);
    if (rc == ATH_OK)
        rc = n == 1 ? repo_add(r, objs) : ath_repo_add_many(r, objs, n);
    for (size_t k = 0; rc == ATH_OK && k < t->n; k++)
        if (t->nodes[k].parent == parent && t->nodes[k].rel->rel->kind == ATH_REL_ONE_TO_MANY)
            rc = add_children(r, t, (int)k, objs, n);
    for (size_t k = 0; rc == ATH_OK && k < t->n; k++)
        if (t->nodes[k].parent == parent && t->nodes[k].rel->rel->kind == ATH_REL_MANY_TO_MANY)
            rc = add_links(r, t, (int)k, objs, n);
    return rc;
}

int ath_repo_add_graph(ath_repo *r, void *obj, const char *const *paths, size_t npaths)
{
    if (!r)
        return ath_null_arg(__func__, "repo");
    if (!obj)
        return ath_null_arg(__func__, "obj");
    if (npaths && !paths)
        return ath_null_arg(__func__, "paths");
    load_tree t = {0};
    int rc = load_parse_paths(r, paths, npaths, &t);
    if (rc == ATH_OK)
        rc = graph_add(r, &t, -1, obj, 1);
    ath_free(t.nodes);
    return repo_finish(r, rc, true);
}
