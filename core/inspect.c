/* Catalog inspection: the dialect's catalog queries run through the session, into plain data. */
#include <athanor/inspect.h>

#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "arena.h"
#include "conn.h"
#include "engine.h"
#include "error.h"
#include "inspect_int.h"

struct ath_catalog {
    ath_arena arena; /* every string and array */
    ath_catalog_table *tables;
    size_t ntables;
    const char *fk_group; /* the group of the foreign key being read */
};

const ath_catalog_sql *ath_catalog_sql_of(ath_engine *engine)
{
    const ath_dialect *d = ath_driver_dialect(ath_engine_driver(engine));
    if (!ATH_DIALECT_HAS(d, catalog))
        return NULL;
    size_t first = offsetof(ath_catalog_sql, alter_constraints) + sizeof(bool); /* 0.4's */
    return d->catalog->struct_size >= first ? d->catalog : NULL;
}

static char *keep(ath_catalog *c, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = ath_arena_alloc(&c->arena, n, 0);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* Growable arrays, in the arena (old copies are left there: catalogs are small). */
static void *grow(ath_catalog *c, void *old, size_t n, size_t size)
{
    void *p = ath_arena_alloc(&c->arena, (n + 1) * size, 1);
    if (p && n)
        memcpy(p, old, n * size);
    return p;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Runs a per-table query; calls `row` for each row. */
static int each_row(ath_session *s, const char *sql, const char *table,
                    int (*row)(ath_catalog *, ath_catalog_table *, ath_result *), ath_catalog *c,
                    ath_catalog_table *t)
{
    ath_result *r = NULL;
    ath_value p = ath_v_text(table);
    int rc = ath_session_execute(s, sql, table ? &p : NULL, table ? 1 : 0, &r);
    while (rc == ATH_OK && (rc = ath_result_next(r)) == 1)
        rc = row(c, t, r);
    ath_result_free(r);
    return rc < 0 ? rc : ATH_OK;
}

#define OOM() ath_fail(ATH_ENOMEM, "inspecting the catalog")

static int table_row(ath_catalog *c, ath_catalog_table *unused, ath_result *r)
{
    (void)unused;
    ath_catalog_table *t = grow(c, c->tables, c->ntables, sizeof *t);
    if (!t)
        return OOM();
    c->tables = t;
    t = &c->tables[c->ntables++];
    memset(t, 0, sizeof *t);
    t->name = keep(c, ath_result_text(r, 0));
    t->create_sql = keep(c, ath_result_text(r, 1));
    return t->name ? ATH_OK : OOM();
}

static int column_row(ath_catalog *c, ath_catalog_table *t, ath_result *r)
{
    ath_catalog_column *cols = grow(c, (void *)t->columns, t->ncolumns, sizeof *cols);
    if (!cols)
        return OOM();
    ath_catalog_column *col = &cols[t->ncolumns];
    const char *def = ath_result_text(r, 3);
    col->name = keep(c, ath_result_text(r, 0));
    col->type = keep(c, ath_result_text(r, 1) ? ath_result_text(r, 1) : "");
    col->nullable = ath_result_i64(r, 2) != 0;
    /* MariaDB writes the absence of a default as the text NULL */
    col->default_sql = def && strcasecmp(def, "NULL") != 0 ? keep(c, def) : NULL;
    col->generated = keep(c, ath_result_text(r, 4));
    t->columns = cols;
    t->ncolumns++;
    return col->name && col->type ? ATH_OK : OOM();
}

static int add_name(ath_catalog *c, const char *const **arr, size_t n, const char *name)
{
    const char **a = grow(c, (void *)*arr, n, sizeof *a);
    if (!a || !(a[n] = keep(c, name ? name : "")))
        return OOM();
    *arr = a;
    return ATH_OK;
}

static int pk_row(ath_catalog *c, ath_catalog_table *t, ath_result *r)
{
    int rc = add_name(c, &t->primary_key, t->nprimary_key, ath_result_text(r, 0));
    t->nprimary_key += rc == ATH_OK;
    return rc;
}

static int index_row(ath_catalog *c, ath_catalog_table *t, ath_result *r)
{
    const char *name = ath_result_text(r, 0);
    ath_catalog_index *ix = t->nindexes ? (ath_catalog_index *)&t->indexes[t->nindexes - 1] : NULL;
    if (!ix || !same(ix->name, name)) {
        ath_catalog_index *all = grow(c, (void *)t->indexes, t->nindexes, sizeof *all);
        if (!all)
            return OOM();
        ix = &all[t->nindexes];
        memset(ix, 0, sizeof *ix);
        ix->name = keep(c, name);
        ix->unique = ath_result_i64(r, 1) != 0;
        ix->constraint = ath_result_i64(r, 3) != 0;
        t->indexes = all;
        t->nindexes++;
    }
    int rc = add_name(c, &ix->columns, ix->ncolumns, ath_result_text(r, 2));
    ix->ncolumns += rc == ATH_OK;
    return rc;
}

/* Foreign keys arrive one row per column; rows of one key share the group column (0). */
static int fk_row(ath_catalog *c, ath_catalog_table *t, ath_result *r)
{
    const char *group = ath_result_text(r, 0);
    ath_catalog_fk *fk =
        t->nforeign_keys ? (ath_catalog_fk *)&t->foreign_keys[t->nforeign_keys - 1] : NULL;
    if (!fk || !same(c->fk_group, group)) {
        ath_catalog_fk *all = grow(c, (void *)t->foreign_keys, t->nforeign_keys, sizeof *all);
        if (!all)
            return OOM();
        fk = &all[t->nforeign_keys];
        memset(fk, 0, sizeof *fk);
        fk->name = keep(c, ath_result_text(r, 1));
        fk->ref_table = keep(c, ath_result_text(r, 3) ? ath_result_text(r, 3) : "");
        fk->on_delete = keep(c, ath_result_text(r, 5) ? ath_result_text(r, 5) : "NO ACTION");
        c->fk_group = keep(c, group);
        t->foreign_keys = all;
        t->nforeign_keys++;
        if (!fk->ref_table || !fk->on_delete)
            return OOM();
    }
    int rc = add_name(c, &fk->columns, fk->ncolumns, ath_result_text(r, 2));
    if (rc == ATH_OK)
        rc = add_name(c, &fk->ref_columns, fk->ncolumns, ath_result_text(r, 4));
    fk->ncolumns += rc == ATH_OK;
    return rc;
}

static int read_table(ath_session *s, const ath_catalog_sql *q, ath_catalog *c,
                      ath_catalog_table *t)
{
    int rc = each_row(s, q->columns, t->name, column_row, c, t);
    if (rc == ATH_OK)
        rc = each_row(s, q->primary_key, t->name, pk_row, c, t);
    if (rc == ATH_OK)
        rc = each_row(s, q->indexes, t->name, index_row, c, t);
    c->fk_group = NULL;
    if (rc == ATH_OK)
        rc = each_row(s, q->foreign_keys, t->name, fk_row, c, t);
    /* a key column is never nullable, whatever the catalog says (SQLite's INTEGER PRIMARY KEY) */
    for (size_t i = 0; rc == ATH_OK && i < t->nprimary_key; i++)
        for (size_t j = 0; j < t->ncolumns; j++)
            if (strcmp(t->columns[j].name, t->primary_key[i]) == 0)
                ((ath_catalog_column *)t->columns)[j].nullable = false;
    return rc;
}

int ath_inspect(ath_catalog **out, ath_session *session, const char *table)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!session)
        return ath_null_arg(__func__, "session");
    ath_engine *e = ath_session_engine(session);
    if (!e)
        return ath_fail(ATH_EINVAL, "%s: the session was closed", __func__);
    const ath_catalog_sql *q = ath_catalog_sql_of(e);
    if (!q)
        return ath_fail(ATH_EUNSUPPORTED, "%s: the %s driver describes no catalog queries",
                        __func__, ath_engine_dialect(e));
    ath_catalog *c = ath_calloc(1, sizeof *c);
    if (!c)
        return OOM();
    ath_arena_init(&c->arena);
    int rc = each_row(session, q->tables, NULL, table_row, c, NULL);
    if (rc == ATH_OK && table) { /* keep the one asked for */
        size_t keep_n = 0;
        for (size_t i = 0; i < c->ntables; i++)
            if (strcmp(c->tables[i].name, table) == 0)
                c->tables[keep_n++] = c->tables[i];
        c->ntables = keep_n;
    }
    for (size_t i = 0; rc == ATH_OK && i < c->ntables; i++)
        rc = read_table(session, q, c, &c->tables[i]);
    if (rc != ATH_OK) {
        ath_catalog_free(c);
        return rc;
    }
    *out = c;
    return ATH_OK;
}

size_t ath_catalog_count(const ath_catalog *catalog)
{
    if (!catalog) {
        ath_null_arg(__func__, "catalog");
        return 0;
    }
    return catalog->ntables;
}

const ath_catalog_table *ath_catalog_at(const ath_catalog *catalog, size_t i)
{
    if (!catalog) {
        ath_null_arg(__func__, "catalog");
        return NULL;
    }
    return i < catalog->ntables ? &catalog->tables[i] : NULL;
}

const ath_catalog_table *ath_catalog_find(const ath_catalog *catalog, const char *name)
{
    if (!catalog || !name) {
        ath_null_arg(__func__, catalog ? "name" : "catalog");
        return NULL;
    }
    for (size_t i = 0; i < catalog->ntables; i++)
        if (strcmp(catalog->tables[i].name, name) == 0)
            return &catalog->tables[i];
    return NULL;
}

const ath_catalog_column *ath_catalog_column_find(const ath_catalog_table *table, const char *name)
{
    if (!table || !name) {
        ath_null_arg(__func__, table ? "name" : "table");
        return NULL;
    }
    for (size_t i = 0; i < table->ncolumns; i++)
        if (strcmp(table->columns[i].name, name) == 0)
            return &table->columns[i];
    return NULL;
}

void ath_catalog_free(ath_catalog *catalog)
{
    if (!catalog)
        return;
    ath_arena_free(&catalog->arena);
    ath_free(catalog);
}
