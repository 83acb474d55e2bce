/* Comparing models with the live catalog: the differences and the SQL for each (autogenerate,
 * ath_create_all_check). */
#include <athanor/inspect.h>
#include <athanor/migrate.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "conn.h"
#include "engine.h"
#include "error.h"
#include "inspect_int.h"
#include "mixins.h"
#include "sql_build.h"
#include "sql_ddl.h"

struct ath_schema_diff {
    ath_arena arena;
    ath_diff_op *ops;
    size_t n, cap;
    char *up_all;
    char *down_all;
    bool oom;
};

typedef struct ctx {
    ath_schema_diff *diff;
    const ath_dialect *d;
    const ath_catalog_sql *q;
} ctx;

static char *keep(ath_schema_diff *df, const char *s, size_t len)
{
    char *p = ath_arena_alloc(&df->arena, len + 1, 0);
    if (!p) {
        df->oom = true;
        return NULL;
    }
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* Adds an operation; up and down are ";\n"-terminated scripts. */
static void add_op(ctx *c, ath_diff_kind kind, const char *table, const char *object, ath_buf *desc,
                   ath_buf *up, ath_buf *down)
{
    ath_schema_diff *df = c->diff;
    if (desc->oom || up->oom || down->oom) {
        df->oom = true;
        return;
    }
    if (df->n == df->cap) {
        size_t cap = df->cap ? df->cap * 2 : 8;
        ath_diff_op *ops = ath_realloc(df->ops, cap * sizeof *ops);
        if (!ops) {
            df->oom = true;
            return;
        }
        df->ops = ops;
        df->cap = cap;
    }
    ath_diff_op *op = &df->ops[df->n++];
    op->kind = kind;
    op->table = keep(df, table, strlen(table));
    op->object = object ? keep(df, object, strlen(object)) : NULL;
    op->description = keep(df, desc->data ? desc->data : "", desc->len);
    op->up_sql = keep(df, up->data ? up->data : "", up->len);
    op->down_sql = keep(df, down->data ? down->data : "", down->len);
}

/* --- types --------------------------------------------------------------------------------- */

/* A type's canonical text, so that a catalog's spelling compares equal to the DDL's. */
static void norm_type(const char *in, char *out, size_t size)
{
    char low[128];
    size_t n = 0;
    for (const char *p = in; *p && n + 1 < sizeof low; p++) {
        if (isspace((unsigned char)*p)) {
            if (n && low[n - 1] != ' ')
                low[n++] = ' ';
        } else
            low[n++] = (char)tolower((unsigned char)*p);
    }
    while (n && low[n - 1] == ' ')
        n--;
    low[n] = '\0';
    char *paren = strchr(low, '(');
    char base[128];
    snprintf(base, sizeof base, "%.*s", paren ? (int)(paren - low) : (int)n, low);
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == ' ')
        base[--bl] = '\0';
    const char *args = paren ? paren : "";
    static const char *const same[][2] = {
        {"character varying", "varchar"},
        {"timestamp with time zone", "timestamptz"},
        {"timestamp without time zone", "timestamp"},
        {"integer", "int"},
        {"int4", "int"},
        {"int8", "bigint"},
        {"boolean", "bool"},
        {"double precision", "double"},
        {"float8", "double"},
        {"json", "longtext"}, /* MariaDB's JSON is LONGTEXT with a check */
        {"character", "char"},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        if (strcmp(base, same[i][0]) == 0)
            snprintf(base, sizeof base, "%s", same[i][1]);
    /* display widths of integers (MariaDB's bigint(20)) are not part of the type */
    if (strcmp(base, "int") == 0 || strcmp(base, "bigint") == 0 || strcmp(base, "smallint") == 0 ||
        strcmp(base, "mediumint") == 0)
        args = "";
    snprintf(out, size, "%s%s", base, args);
}

static bool same_type(const char *a, const char *b)
{
    char x[160], y[160];
    norm_type(a, x, sizeof x);
    norm_type(b, y, sizeof y);
    return strcmp(x, y) == 0;
}

/* --- column definitions --------------------------------------------------------------------- */

static void model_type(ath_buf *b, const ath_dialect *d, const ath_mapping *m, const ath_col *c)
{
    ath_sql_column_type(b, d, m, c);
}

static void model_column_def(ath_buf *b, const ath_dialect *d, const ath_mapping *m,
                             const ath_col *c)
{
    ath_sql_ident(b, d, c->name);
    ath_buf_addc(b, ' ');
    model_type(b, d, m, c);
    if (!c->nullable)
        ath_buf_adds(b, " NOT NULL");
    if (c->server_default) {
        ath_buf_adds(b, " DEFAULT ");
        ath_buf_adds(b, c->server_default);
    }
}

static void catalog_column_def(ath_buf *b, const ath_dialect *d, const ath_catalog_column *c)
{
    ath_sql_ident(b, d, c->name);
    ath_buf_addc(b, ' ');
    ath_buf_adds(b, c->type);
    if (c->generated) {
        ath_buf_addc(b, ' ');
        ath_buf_adds(b, c->generated);
    }
    if (!c->nullable)
        ath_buf_adds(b, " NOT NULL");
    if (c->default_sql) {
        ath_buf_adds(b, " DEFAULT ");
        ath_buf_adds(b, c->default_sql);
    }
}

static void alter_table(ath_buf *b, const ath_dialect *d, const char *table)
{
    ath_buf_adds(b, "ALTER TABLE ");
    ath_sql_ident(b, d, table);
    ath_buf_addc(b, ' ');
}

static void ident_list(ath_buf *b, const ath_dialect *d, const char *const *cols, size_t n)
{
    ath_buf_adds(b, " (");
    for (size_t i = 0; i < n; i++) {
        ath_buf_adds(b, i ? ", " : "");
        ath_sql_ident(b, d, cols[i]);
    }
    ath_buf_addc(b, ')');
}

/* --- indexes ------------------------------------------------------------------------------ */

/* An index as a comparable value: unique or not, and its columns in order. */
typedef struct want_index {
    char name[128];
    bool unique;
    const char *cols[16];
    size_t ncols;
} want_index;

static size_t model_indexes(const ath_mapping *m, want_index *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < m->ncols && n < max; i++) {
        const ath_col *c = &m->cols[i];
        if (c->flags & (ATH_UNIQUE | ATH_INDEX)) {
            bool u = (c->flags & ATH_UNIQUE) != 0;
            want_index *w = &out[n++];
            ath_sql_constraint_name(w->name, sizeof w->name, u ? "uq" : "ix", m->model->table,
                                    c->name, NULL);
            w->unique = u;
            w->cols[0] = c->name;
            w->ncols = 1;
            if ((c->flags & ATH_UNIQUE) && (c->flags & ATH_INDEX) && n < max) {
                want_index *x = &out[n++];
                *x = *w;
                ath_sql_constraint_name(x->name, sizeof x->name, "ix", m->model->table, c->name,
                                        NULL);
                x->unique = false;
            }
        }
    }
    for (size_t k = 0; k < m->model->nindexes && n < max; k++) {
        const ath_table_index *ix = &m->model->indexes[k];
        want_index *w = &out[n++];
        ath_sql_index_name(w->name, sizeof w->name, m, ix);
        w->unique = ix->unique;
        w->ncols = ix->ncolumns < 16 ? ix->ncolumns : 16;
        for (size_t i = 0; i < w->ncols; i++)
            w->cols[i] = ix->columns[i];
    }
    return n;
}

static bool same_cols(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return false;
    return true;
}

/* MySQL keeps an index under each foreign key's name: it belongs to the key, not the model. */
static bool fk_index(const ath_catalog_table *t, const ath_catalog_index *ix)
{
    for (size_t i = 0; i < t->nforeign_keys; i++)
        if (t->foreign_keys[i].name && ix->name && strcmp(t->foreign_keys[i].name, ix->name) == 0)
            return true;
    return false;
}

static void create_index_sql(ath_buf *b, const ath_dialect *d, const ath_catalog_sql *q,
                             const char *table, const char *name, bool unique, bool constraint,
                             const char *const *cols, size_t n)
{
    if (unique && constraint && q->alter_constraints) {
        alter_table(b, d, table);
        ath_buf_adds(b, "ADD CONSTRAINT ");
        ath_sql_ident(b, d, name);
        ath_buf_adds(b, " UNIQUE");
    } else {
        ath_buf_adds(b, unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
        ath_sql_ident(b, d, name);
        ath_buf_adds(b, " ON ");
        ath_sql_ident(b, d, table);
    }
    ident_list(b, d, cols, n);
    ath_buf_adds(b, ";\n");
}

/* The ON DELETE rule of a model's key as the catalogs spell it; NO ACTION and RESTRICT are one
 * (MariaDB reports RESTRICT for a key declared without a rule, PostgreSQL and SQLite NO ACTION). */
static bool same_action(ath_fk_action want, const char *have)
{
    if (!have)
        have = "NO ACTION";
    switch (want) {
    case ATH_FK_CASCADE:
        return strcmp(have, "CASCADE") == 0;
    case ATH_FK_SET_NULL:
        return strcmp(have, "SET NULL") == 0;
    default:
        return strcmp(have, "NO ACTION") == 0 || strcmp(have, "RESTRICT") == 0;
    }
}

/* True when column `col` of the model declares the catalog's one-column key `fk` as it is. */
static bool fk_declared(const ath_col *col, const ath_catalog_fk *fk)
{
    const char *ref = col->field->references;
    const char *dot = ref ? strchr(ref, '.') : NULL;
    if (!dot || fk->ncolumns != 1 || strcmp(fk->columns[0], col->name) != 0)
        return false;
    return strlen(fk->ref_table) == (size_t)(dot - ref) &&
           strncmp(fk->ref_table, ref, (size_t)(dot - ref)) == 0 &&
           strcmp(fk->ref_columns[0], dot + 1) == 0 && same_action(col->on_delete, fk->on_delete);
}

static void drop_index_sql(ath_buf *b, const ath_dialect *d, const ath_catalog_sql *q,
                           const char *table, const char *name, bool constraint)
{
    if (constraint && q->alter_constraints) {
        alter_table(b, d, table);
        ath_buf_adds(b, q->unique_as_index ? "DROP INDEX " : "DROP CONSTRAINT ");
        ath_sql_ident(b, d, name);
    } else {
        ath_buf_adds(b, "DROP INDEX ");
        ath_sql_ident(b, d, name);
        if (q->drop_index_on_table) {
            ath_buf_adds(b, " ON ");
            ath_sql_ident(b, d, table);
        }
    }
    ath_buf_adds(b, ";\n");
}

/* --- whole tables --------------------------------------------------------------------------- */

/* CREATE TABLE (and its indexes) from what the catalog says. */
static void catalog_create(ath_buf *b, const ath_dialect *d, const ath_catalog_sql *q,
                           const ath_catalog_table *t, const char *as_name)
{
    const char *name = as_name ? as_name : t->name;
    if (t->create_sql) { /* SQLite keeps the text: only the name changes */
        const char *paren = strchr(t->create_sql, '(');
        ath_buf_adds(b, "CREATE TABLE ");
        ath_sql_ident(b, d, name);
        ath_buf_addc(b, ' ');
        ath_buf_adds(b, paren ? paren : "");
        ath_buf_adds(b, ";\n");
    } else {
        ath_buf_adds(b, "CREATE TABLE ");
        ath_sql_ident(b, d, name);
        ath_buf_adds(b, " (\n    ");
        for (size_t i = 0; i < t->ncolumns; i++) {
            ath_buf_adds(b, i ? ",\n    " : "");
            catalog_column_def(b, d, &t->columns[i]);
        }
        if (t->nprimary_key) {
            char pk[128];
            ath_sql_constraint_name(pk, sizeof pk, "pk", t->name, NULL, NULL);
            ath_buf_adds(b, ",\n    CONSTRAINT ");
            ath_sql_ident(b, d, pk);
            ath_buf_adds(b, " PRIMARY KEY");
            ident_list(b, d, t->primary_key, t->nprimary_key);
        }
        for (size_t i = 0; i < t->nindexes; i++) {
            const ath_catalog_index *ix = &t->indexes[i];
            if (!ix->constraint)
                continue;
            ath_buf_adds(b, ",\n    CONSTRAINT ");
            ath_sql_ident(b, d, ix->name);
            ath_buf_adds(b, " UNIQUE");
            ident_list(b, d, ix->columns, ix->ncolumns);
        }
        for (size_t i = 0; i < t->nforeign_keys; i++) {
            const ath_catalog_fk *fk = &t->foreign_keys[i];
            ath_buf_adds(b, ",\n    ");
            if (fk->name) {
                ath_buf_adds(b, "CONSTRAINT ");
                ath_sql_ident(b, d, fk->name);
                ath_buf_addc(b, ' ');
            }
            ath_buf_adds(b, "FOREIGN KEY");
            ident_list(b, d, fk->columns, fk->ncolumns);
            ath_buf_adds(b, " REFERENCES ");
            ath_sql_ident(b, d, fk->ref_table);
            ident_list(b, d, fk->ref_columns, fk->ncolumns);
            ath_buf_adds(b, " ON DELETE ");
            ath_buf_adds(b, fk->on_delete);
        }
        ath_buf_adds(b, "\n)");
        ath_buf_adds(b, d->table_options ? d->table_options : "");
        ath_buf_adds(b, ";\n");
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        const ath_catalog_index *ix = &t->indexes[i];
        if (ix->constraint || fk_index(t, ix) || strncmp(ix->name, "sqlite_", 7) == 0)
            continue;
        create_index_sql(b, d, q, t->name, ix->name, ix->unique, false, ix->columns, ix->ncolumns);
    }
}

static void model_create(ath_buf *b, const ath_dialect *d, const ath_mapping *m)
{
    ath_sql_create_table(b, d, m);
    mixins_extra_ddl(m, b);
    ath_buf_adds(b, ";\n");
}

/* SQLite's copy-and-rename: a new table under a temporary name, the common columns copied, the
 * old table dropped, the new one renamed. */
static void copy_rename(ath_buf *b, const ath_dialect *d, const char *table,
                        const char *const *common, size_t ncommon, const char *tmp)
{
    ath_buf_adds(b, "INSERT INTO ");
    ath_sql_ident(b, d, tmp);
    ident_list(b, d, common, ncommon);
    ath_buf_adds(b, " SELECT ");
    for (size_t i = 0; i < ncommon; i++) {
        ath_buf_adds(b, i ? ", " : "");
        ath_sql_ident(b, d, common[i]);
    }
    ath_buf_adds(b, " FROM ");
    ath_sql_ident(b, d, table);
    ath_buf_adds(b, ";\nDROP TABLE ");
    ath_sql_ident(b, d, table);
    ath_buf_adds(b, ";\nALTER TABLE ");
    ath_sql_ident(b, d, tmp);
    ath_buf_adds(b, " RENAME TO ");
    ath_sql_ident(b, d, table);
    ath_buf_adds(b, ";\n");
}

static void rebuild(ctx *c, const ath_mapping *m, const ath_catalog_table *t, ath_buf *why)
{
    const char *table = m->model->table;
    char tmp[160];
    snprintf(tmp, sizeof tmp, "_ath_new_%s", table);
    const char *common[256];
    size_t ncommon = 0;
    for (size_t i = 0; i < m->ncols && ncommon < 256; i++)
        if (ath_catalog_column_find(t, m->cols[i].name))
            common[ncommon++] = m->cols[i].name;
    ath_buf up, down, desc;
    ath_buf_init(&up);
    ath_buf_init(&down);
    ath_buf_init(&desc);
    ath_sql_create_table_as(&up, c->d, m, tmp, false);
    ath_buf_adds(&up, ";\n");
    copy_rename(&up, c->d, table, common, ncommon, tmp);
    ath_buf idx;
    ath_buf_init(&idx);
    ath_sql_create_indexes(&idx, c->d, m);
    mixins_extra_ddl(m, &idx);
    if (idx.len > 2) {
        ath_buf_adds(&up, idx.data + 2); /* drop the leading ";\n" */
        ath_buf_adds(&up, ";\n");
    }
    idx.oom ? (void)(up.oom = true) : (void)0;
    ath_buf_free(&idx);
    catalog_create(&down, c->d, c->q, t, tmp);
    /* the catalog_create above wrote the old indexes on the old name: rebuild them after */
    ath_buf body;
    ath_buf_init(&body);
    size_t cut = down.len;
    const char *first_index = strstr(down.data ? down.data : "", ";\nCREATE ");
    if (first_index)
        cut = (size_t)(first_index - down.data) + 2;
    ath_buf_add(&body, down.data ? down.data : "", cut);
    copy_rename(&body, c->d, table, common, ncommon, tmp);
    if (down.data && cut < down.len)
        ath_buf_adds(&body, down.data + cut);
    ath_buf_addf(&desc, "rebuild table %s (copy and rename): %s", table,
                 why->data ? why->data : "");
    add_op(c, ATH_DIFF_REBUILD_TABLE, table, NULL, &desc, &up, &body);
    ath_buf_free(&up);
    ath_buf_free(&down);
    ath_buf_free(&desc);
    ath_buf_free(&body);
}

/* Compares one model with its table; ops go to c->diff (or one rebuild on SQLite). */
static void compare_table(ctx *c, const ath_mapping *m, const ath_catalog_table *t)
{
    const ath_dialect *d = c->d;
    const ath_catalog_sql *q = c->q;
    const char *table = m->model->table;
    bool can_alter = q->alter != ATH_ALTER_REBUILD;
    ath_buf why;
    ath_buf_init(&why);
    size_t first = c->diff->n;
    bool need_rebuild = false;
    ath_buf up, down, desc;
    ath_buf_init(&up);
    ath_buf_init(&down);
    ath_buf_init(&desc);
#define NOTE(...)                                                                                  \
    do {                                                                                           \
        ath_buf_adds(&why, why.len ? "; " : "");                                                   \
        ath_buf_addf(&why, __VA_ARGS__);                                                           \
    } while (0)
#define EMIT(kind, object)                                                                         \
    do {                                                                                           \
        add_op(c, (kind), table, (object), &desc, &up, &down);                                     \
        ath_buf_clear(&up);                                                                        \
        ath_buf_clear(&down);                                                                      \
        ath_buf_clear(&desc);                                                                      \
    } while (0)
    for (size_t i = 0; i < m->ncols; i++) {
        const ath_col *col = &m->cols[i];
        const ath_catalog_column *cc = ath_catalog_column_find(t, col->name);
        if (!cc) {
            NOTE("add column %s", col->name);
            bool simple = col->nullable || col->server_default;
            if (!q->alter_constraints &&
                (!simple || (col->flags & ATH_UNIQUE) || col->pk || col->field->references)) {
                need_rebuild = true;
                continue;
            }
            alter_table(&up, d, table);
            ath_buf_adds(&up, "ADD COLUMN ");
            model_column_def(&up, d, m, col);
            ath_buf_adds(&up, ";\n");
            alter_table(&down, d, table);
            ath_buf_adds(&down, "DROP COLUMN ");
            ath_sql_ident(&down, d, col->name);
            ath_buf_adds(&down, ";\n");
            ath_buf_addf(&desc, "add column %s.%s", table, col->name);
            EMIT(ATH_DIFF_ADD_COLUMN, col->name);
            continue;
        }
        ath_buf mt;
        ath_buf_init(&mt);
        model_type(&mt, d, m, col);
        bool retype = !same_type(cc->type, mt.data ? mt.data : "");
        bool renull = cc->nullable != col->nullable;
        if ((retype || renull) && !can_alter) {
            NOTE("%s %s", retype ? "change the type of" : "change the nullability of", col->name);
            need_rebuild = true;
        } else if (q->alter == ATH_ALTER_MODIFY && (retype || renull)) {
            alter_table(&up, d, table);
            ath_buf_adds(&up, "MODIFY COLUMN ");
            model_column_def(&up, d, m, col);
            ath_buf_adds(&up, ";\n");
            alter_table(&down, d, table);
            ath_buf_adds(&down, "MODIFY COLUMN ");
            catalog_column_def(&down, d, cc);
            ath_buf_adds(&down, ";\n");
            ath_buf_addf(&desc, "%s %s.%s (%s%s -> %s%s)",
                         retype ? "change the type of" : "change the nullability of", table,
                         col->name, cc->type, cc->nullable ? " NULL" : " NOT NULL",
                         mt.data ? mt.data : "", col->nullable ? " NULL" : " NOT NULL");
            EMIT(retype ? ATH_DIFF_ALTER_TYPE : ATH_DIFF_ALTER_NULLABLE, col->name);
        } else {
            if (retype) {
                alter_table(&up, d, table);
                ath_buf_adds(&up, "ALTER COLUMN ");
                ath_sql_ident(&up, d, col->name);
                ath_buf_addf(&up, " TYPE %s USING ", mt.data ? mt.data : "");
                ath_sql_ident(&up, d, col->name);
                ath_buf_addf(&up, "::%s;\n", mt.data ? mt.data : "");
                alter_table(&down, d, table);
                ath_buf_adds(&down, "ALTER COLUMN ");
                ath_sql_ident(&down, d, col->name);
                ath_buf_addf(&down, " TYPE %s USING ", cc->type);
                ath_sql_ident(&down, d, col->name);
                ath_buf_addf(&down, "::%s;\n", cc->type);
                ath_buf_addf(&desc, "change the type of %s.%s (%s -> %s)", table, col->name,
                             cc->type, mt.data ? mt.data : "");
                EMIT(ATH_DIFF_ALTER_TYPE, col->name);
            }
            if (renull) {
                alter_table(&up, d, table);
                ath_buf_adds(&up, "ALTER COLUMN ");
                ath_sql_ident(&up, d, col->name);
                ath_buf_adds(&up, col->nullable ? " DROP NOT NULL;\n" : " SET NOT NULL;\n");
                alter_table(&down, d, table);
                ath_buf_adds(&down, "ALTER COLUMN ");
                ath_sql_ident(&down, d, col->name);
                ath_buf_adds(&down, col->nullable ? " SET NOT NULL;\n" : " DROP NOT NULL;\n");
                ath_buf_addf(&desc, "make %s.%s %s", table, col->name,
                             col->nullable ? "nullable" : "NOT NULL");
                EMIT(ATH_DIFF_ALTER_NULLABLE, col->name);
            }
        }
        ath_buf_free(&mt);
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        const ath_catalog_column *cc = &t->columns[i];
        if (ath_mapping_find(m, cc->name))
            continue;
        NOTE("drop column %s", cc->name);
        if (!q->alter_constraints) {
            need_rebuild = true;
            continue;
        }
        ath_buf_addf(&up, "-- %s.%s is dropped with its data (a rename shows as drop + add)\n",
                     table, cc->name);
        alter_table(&up, d, table);
        ath_buf_adds(&up, "DROP COLUMN ");
        ath_sql_ident(&up, d, cc->name);
        ath_buf_adds(&up, ";\n");
        alter_table(&down, d, table);
        ath_buf_adds(&down, "ADD COLUMN ");
        catalog_column_def(&down, d, cc);
        ath_buf_adds(&down, ";\n");
        ath_buf_addf(&desc, "drop column %s.%s", table, cc->name);
        EMIT(ATH_DIFF_DROP_COLUMN, cc->name);
    }
    /* indexes and unique constraints, compared by uniqueness and columns */
    want_index want[64];
    size_t nwant = model_indexes(m, want, 64);
    for (size_t i = 0; i < nwant; i++) {
        bool found = false;
        for (size_t j = 0; j < t->nindexes && !found; j++)
            found = !fk_index(t, &t->indexes[j]) && t->indexes[j].unique == want[i].unique &&
                    same_cols(t->indexes[j].columns, t->indexes[j].ncolumns, want[i].cols,
                              want[i].ncols);
        if (found)
            continue;
        bool missing_col = false;
        for (size_t k = 0; k < want[i].ncols; k++)
            missing_col |= !ath_catalog_column_find(t, want[i].cols[k]);
        if (need_rebuild)
            continue; /* the rebuild writes every index */
        create_index_sql(&up, d, q, table, want[i].name, want[i].unique, want[i].unique,
                         want[i].cols, want[i].ncols);
        drop_index_sql(&down, d, q, table, want[i].name, want[i].unique && q->alter_constraints);
        ath_buf_addf(&desc, "add %s %s on %s", want[i].unique ? "unique constraint" : "index",
                     want[i].name, table);
        (void)missing_col;
        EMIT(ATH_DIFF_ADD_INDEX, want[i].name);
    }
    for (size_t j = 0; j < t->nindexes; j++) {
        const ath_catalog_index *ix = &t->indexes[j];
        if (fk_index(t, ix))
            continue;
        bool wanted = false;
        for (size_t i = 0; i < nwant && !wanted; i++)
            wanted = ix->unique == want[i].unique &&
                     same_cols(ix->columns, ix->ncolumns, want[i].cols, want[i].ncols);
        if (wanted)
            continue;
        bool gone_col = false; /* an index on a dropped column goes with it */
        for (size_t k = 0; k < ix->ncolumns; k++)
            gone_col |= !ath_mapping_find(m, ix->columns[k]);
        if (gone_col && q->alter_constraints && ix->ncolumns == 1)
            continue;
        NOTE("drop %s %s", ix->unique ? "unique constraint" : "index", ix->name);
        if (ix->constraint && !q->alter_constraints) {
            need_rebuild = true;
            continue;
        }
        drop_index_sql(&up, d, q, table, ix->name, ix->constraint);
        create_index_sql(&down, d, q, table, ix->name, ix->unique, ix->constraint, ix->columns,
                         ix->ncolumns);
        ath_buf_addf(&desc, "drop %s %s on %s", ix->unique ? "unique constraint" : "index",
                     ix->name, table);
        EMIT(ATH_DIFF_DROP_INDEX, ix->name);
    }
    /* foreign keys the table has and the model does not declare as they are */
    for (size_t j = 0; j < t->nforeign_keys; j++) {
        const ath_catalog_fk *fk = &t->foreign_keys[j];
        const ath_col *col = fk->ncolumns == 1 ? ath_mapping_find(m, fk->columns[0]) : NULL;
        if (fk->ncolumns == 1 && !col)
            continue; /* its column is dropped, and the key with it */
        if (col && fk_declared(col, fk))
            continue;
        NOTE("drop foreign key %s", fk->name ? fk->name : fk->columns[0]);
        if (!q->alter_constraints || !fk->name) {
            need_rebuild = true;
            continue;
        }
        alter_table(&up, d, table);
        ath_buf_adds(&up, q->unique_as_index ? "DROP FOREIGN KEY " : "DROP CONSTRAINT ");
        ath_sql_ident(&up, d, fk->name);
        ath_buf_adds(&up, ";\n");
        for (size_t k = 0; k < t->nindexes && q->unique_as_index; k++)
            if (t->indexes[k].name && strcmp(t->indexes[k].name, fk->name) == 0 &&
                !(col && col->field->references)) /* MySQL keeps the key's index: it goes too */
                drop_index_sql(&up, d, q, table, fk->name, false);
        alter_table(&down, d, table);
        ath_buf_adds(&down, "ADD CONSTRAINT ");
        ath_sql_ident(&down, d, fk->name);
        ath_buf_adds(&down, " FOREIGN KEY");
        ident_list(&down, d, fk->columns, fk->ncolumns);
        ath_buf_adds(&down, " REFERENCES ");
        ath_sql_ident(&down, d, fk->ref_table);
        ident_list(&down, d, fk->ref_columns, fk->ncolumns);
        ath_buf_addf(&down, " ON DELETE %s;\n", fk->on_delete ? fk->on_delete : "NO ACTION");
        ath_buf_addf(&desc, "drop foreign key %s on %s", fk->name, table);
        EMIT(ATH_DIFF_DROP_FOREIGN_KEY, fk->name);
    }
    /* foreign keys the model declares and the table lacks */
    for (size_t i = 0; i < m->ncols; i++) {
        const ath_col *col = &m->cols[i];
        const char *ref = col->field->references;
        if (!ref)
            continue;
        const char *dot = strchr(ref, '.');
        char reftable[128];
        snprintf(reftable, sizeof reftable, "%.*s", (int)(dot - ref), ref);
        bool found = false;
        for (size_t j = 0; j < t->nforeign_keys && !found; j++)
            found = t->foreign_keys[j].ncolumns == 1 &&
                    strcmp(t->foreign_keys[j].columns[0], col->name) == 0 &&
                    fk_declared(col, &t->foreign_keys[j]);
        if (found)
            continue;
        NOTE("add foreign key %s -> %s", col->name, ref);
        if (!q->alter_constraints) {
            need_rebuild = true;
            continue;
        }
        char name[128];
        ath_sql_constraint_name(name, sizeof name, "fk", table, col->name, reftable);
        alter_table(&up, d, table);
        ath_buf_adds(&up, "ADD CONSTRAINT ");
        ath_sql_ident(&up, d, name);
        ath_buf_adds(&up, " FOREIGN KEY (");
        ath_sql_ident(&up, d, col->name);
        ath_buf_adds(&up, ") REFERENCES ");
        ath_sql_ident(&up, d, reftable);
        ath_buf_adds(&up, " (");
        ath_sql_ident(&up, d, dot + 1);
        ath_buf_addc(&up, ')');
        ath_buf_adds(&up, ath_sql_fk_action(col->on_delete));
        ath_buf_adds(&up, ";\n");
        alter_table(&down, d, table);
        ath_buf_adds(&down, q->unique_as_index ? "DROP FOREIGN KEY " : "DROP CONSTRAINT ");
        ath_sql_ident(&down, d, name);
        ath_buf_adds(&down, ";\n");
        ath_buf_addf(&desc, "add foreign key %s on %s.%s", name, table, col->name);
        EMIT(ATH_DIFF_ADD_FOREIGN_KEY, name);
    }
#undef NOTE
#undef EMIT
    if (need_rebuild) { /* one rebuild replaces every operation on this table */
        c->diff->n = first;
        rebuild(c, m, t, &why);
    }
    ath_buf_free(&up);
    ath_buf_free(&down);
    ath_buf_free(&desc);
    ath_buf_free(&why);
}

static int compare(ath_schema_diff **out, ath_engine *e, const ath_model *const *models, size_t n,
                   bool drops)
{
    const ath_catalog_sql *q = ath_catalog_sql_of(e);
    if (!q)
        return ath_fail(ATH_EUNSUPPORTED, "the %s driver describes no catalog: nothing to compare",
                        ath_engine_dialect(e));
    ath_schema_diff *df = ath_calloc(1, sizeof *df);
    if (!df)
        return ath_fail(ATH_ENOMEM, "comparing the schema");
    ath_arena_init(&df->arena);
    ctx c = {df, ath_driver_dialect(ath_engine_driver(e)), q};
    ath_session *s = NULL;
    ath_catalog *cat = NULL;
    int rc = ath_session_open(&s, e);
    if (rc == ATH_OK)
        rc = ath_inspect(&cat, s, NULL);
    ath_session_close(s);
    const ath_mapping **order = ath_calloc(n ? n : 1, sizeof *order);
    if (rc == ATH_OK && !order)
        rc = ath_fail(ATH_ENOMEM, "comparing the schema");
    if (rc == ATH_OK) /* referenced tables first, as create_all makes them */
        rc = ath_schema_order(e, models, n, order);
    for (size_t i = 0; rc == ATH_OK && i < n; i++) {
        const ath_mapping *m = order[i];
        const ath_catalog_table *t = ath_catalog_find(cat, m->model->table);
        if (t) {
            compare_table(&c, m, t);
            continue;
        }
        ath_buf up, down, desc;
        ath_buf_init(&up);
        ath_buf_init(&down);
        ath_buf_init(&desc);
        model_create(&up, c.d, m);
        ath_buf_adds(&down, "DROP TABLE ");
        ath_sql_ident(&down, c.d, m->model->table);
        ath_buf_adds(&down, ";\n");
        ath_buf_addf(&desc, "add table %s", m->model->table);
        add_op(&c, ATH_DIFF_ADD_TABLE, m->model->table, NULL, &desc, &up, &down);
        ath_buf_free(&up);
        ath_buf_free(&down);
        ath_buf_free(&desc);
    }
    for (size_t i = 0; rc == ATH_OK && drops && i < ath_catalog_count(cat); i++) {
        const ath_catalog_table *t = ath_catalog_at(cat, i);
        bool modelled = strcmp(t->name, ATH_MIGRATIONS_TABLE) == 0;
        for (size_t k = 0; k < n && !modelled; k++)
            modelled = strcmp(models[k]->table, t->name) == 0;
        if (modelled)
            continue;
        ath_buf up, down, desc;
        ath_buf_init(&up);
        ath_buf_init(&down);
        ath_buf_init(&desc);
        ath_buf_addf(&up, "-- table %s is dropped with its rows\nDROP TABLE ", t->name);
        ath_sql_ident(&up, c.d, t->name);
        ath_buf_adds(&up, ";\n");
        catalog_create(&down, c.d, q, t, NULL);
        ath_buf_addf(&desc, "drop table %s", t->name);
        add_op(&c, ATH_DIFF_DROP_TABLE, t->name, NULL, &desc, &up, &down);
        ath_buf_free(&up);
        ath_buf_free(&down);
        ath_buf_free(&desc);
    }
    ath_free(order);
    ath_catalog_free(cat);
    if (rc == ATH_OK) { /* the scripts: up in order, down in reverse */
        ath_buf up, down;
        ath_buf_init(&up);
        ath_buf_init(&down);
        for (size_t i = 0; i < df->n; i++) {
            ath_buf_addf(&up, "-- %s\n%s", df->ops[i].description, df->ops[i].up_sql);
            const ath_diff_op *o = &df->ops[df->n - 1 - i];
            ath_buf_addf(&down, "-- undo: %s\n%s", o->description, o->down_sql);
        }
        df->up_all = keep(df, up.data ? up.data : "", up.len);
        df->down_all = keep(df, down.data ? down.data : "", down.len);
        if (up.oom || down.oom)
            df->oom = true;
        ath_buf_free(&up);
        ath_buf_free(&down);
    }
    if (rc == ATH_OK && df->oom)
        rc = ath_fail(ATH_ENOMEM, "comparing the schema");
    if (rc != ATH_OK) {
        ath_schema_diff_free(df);
        return rc;
    }
    *out = df;
    return ATH_OK;
}

int ath_schema_compare(ath_schema_diff **out, ath_engine *engine, const ath_model *const *models,
                       size_t n)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    int rc = ath_engine_check_models(__func__, engine, models, n);
    return rc == ATH_OK ? compare(out, engine, models, n, true) : rc;
}

int ath_create_all_check(ath_schema_diff **out, ath_engine *engine, const ath_model *const *models,
                         size_t n)
{
    if (out)
        *out = NULL;
    int rc = ath_engine_check_models(__func__, engine, models, n);
    ath_schema_diff *df = NULL;
    if (rc == ATH_OK)
        rc = compare(&df, engine, models, n, false);
    if (rc == ATH_OK && df->n)
        rc = ath_fail(ATH_ESTALE, "the database differs from the models in %zu way%s, first: %s",
                      df->n, df->n == 1 ? "" : "s", df->ops[0].description);
    if (out)
        *out = df;
    else
        ath_schema_diff_free(df);
    return rc;
}

size_t ath_schema_diff_count(const ath_schema_diff *diff)
{
    if (!diff) {
        ath_null_arg(__func__, "diff");
        return 0;
    }
    return diff->n;
}

const ath_diff_op *ath_schema_diff_at(const ath_schema_diff *diff, size_t i)
{
    if (!diff) {
        ath_null_arg(__func__, "diff");
        return NULL;
    }
    return i < diff->n ? &diff->ops[i] : NULL;
}

const char *ath_schema_diff_sql(const ath_schema_diff *diff, bool up)
{
    if (!diff) {
        ath_null_arg(__func__, "diff");
        return NULL;
    }
    return up ? diff->up_all : diff->down_all;
}

static int write_new(const char *path, const char *text)
{
    FILE *f = fopen(path, "wx");
    if (!f)
        return ath_fail(ATH_EINVAL, "cannot create %s: %s", path, strerror(errno));
    size_t len = strlen(text);
    bool ok = fwrite(text, 1, len, f) == len;
    ok = fclose(f) == 0 && ok;
    return ok ? ATH_OK : ath_fail(ATH_EINVAL, "cannot write %s: %s", path, strerror(errno));
}

int ath_schema_diff_write(const ath_schema_diff *diff, const char *dir, const char *revision,
                          const char *name)
{
    if (!diff)
        return ath_null_arg(__func__, "diff");
    if (!dir)
        return ath_null_arg(__func__, "dir");
    if (!revision)
        return ath_null_arg(__func__, "revision");
    if (!name)
        return ath_null_arg(__func__, "name");
    size_t rl = strlen(revision);
    bool ok = rl > 0 && rl <= 64;
    for (const char *p = revision; *p && ok; p++)
        ok = isalnum((unsigned char)*p) || *p == '-' || *p == '.';
    if (!ok)
        return ath_fail(ATH_EINVAL,
                        "%s: revision \"%s\" must be 1-64 letters, digits, '-' or '.' (no '_': "
                        "it separates the name in file names)",
                        __func__, revision);
    char stem[256];
    size_t k = 0;
    for (const char *p = name; *p && k + 1 < sizeof stem; p++) {
        char ch = *p == ' ' ? '_' : *p;
        if (!isalnum((unsigned char)ch) && ch != '_' && ch != '-')
            return ath_fail(ATH_EINVAL, "%s: name \"%s\": letters, digits, spaces, '_' and '-'",
                            __func__, name);
        stem[k++] = ch;
    }
    stem[k] = '\0';
    char up[4096], down[4096];
    snprintf(up, sizeof up, "%s/%s_%s.up.sql", dir, revision, stem);
    snprintf(down, sizeof down, "%s/%s_%s.down.sql", dir, revision, stem);
    int rc = write_new(up, diff->up_all);
    if (rc == ATH_OK && (rc = write_new(down, diff->down_all)) != ATH_OK)
        remove(up);
    return rc;
}

void ath_schema_diff_free(ath_schema_diff *diff)
{
    if (!diff)
        return;
    ath_arena_free(&diff->arena);
    ath_free(diff->ops);
    ath_free(diff);
}
