/* Private: relation paths ("books.tags") parsed into a tree of relations (core/load.c). */
#ifndef ATH_CORE_LOAD_H
#define ATH_CORE_LOAD_H

#include "repo.h"

#define LOAD_DEPTH_MAX 16 /* segments of one load path */
/* Parameters left for the mixins' scopes and the ordering when a level is chunked. */
#define LOAD_PARAM_RESERVE 64

/* One relation of a path: the relation of `from`, below node `parent` (-1: the root model). */
typedef struct load_node {
    const ath_rel *rel;
    const ath_mapping *from, *to;
    int parent;
} load_node;

typedef struct load_tree {
    load_node *nodes; /* malloc'd; free with ath_free */
    size_t n;
} load_tree;

/** Parses `nload` paths of relations from r's model into t (each common prefix once);
 *  ATH_EINVAL names an unknown relation. */
int load_parse_paths(ath_repo *r, const char *const *load, size_t nload, load_tree *t);

#endif
