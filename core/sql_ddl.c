/* DDL text: CREATE TABLE (with its indexes and constraints), DROP TABLE, constraint names. */
#include "sql_ddl.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "sql_build.h"

void ath_sql_constraint_name(char *out, size_t size, const char *prefix, const char *table,
                             const char *column, const char *suffix)
{
    char full[512];
    snprintf(full, sizeof full, "%s_%s%s%s%s%s", prefix, table, column ? "_" : "",
             column ? column : "", suffix ? "_" : "", suffix ? suffix : "");
    size_t len = strlen(full);
    if (len <= 63) {
        snprintf(out, size, "%s", full);
        return;
    }
    /* too long for PostgreSQL/MySQL: keep a prefix and add a hash of the whole name */
    unsigned long h = 5381;
    for (const char *p = full; *p; p++)
        h = h * 33 + (unsigned char)*p;
    snprintf(out, size, "%.54s_%08lx", full, h & 0xffffffffUL);
}

const char *ath_sql_fk_action(ath_fk_action a)
{
    switch (a) {
    case ATH_FK_CASCADE:
        return " ON DELETE CASCADE";
    case ATH_FK_SET_NULL:
        return " ON DELETE SET NULL";
    case ATH_FK_RESTRICT:
        return " ON DELETE RESTRICT";
    default:
        return "";
    }
}

/* True when column `c` is one of the model's multi-column indexes or unique constraints. */
static bool in_table_index(const ath_mapping *m, const ath_col *c)
{
    for (size_t k = 0; k < m->model->nindexes; k++)
        for (size_t i = 0; i < m->model->indexes[k].ncolumns; i++)
            if (strcmp(m->model->indexes[k].columns[i], c->name) == 0)
                return true;
    return false;
}

/* Keys, unique and indexed text columns need a bounded type on some dialects (MySQL). */
static bool keyed(const ath_mapping *m, const ath_col *c)
{
    return c->pk || (c->flags & (ATH_UNIQUE | ATH_INDEX)) || c->references ||
           in_table_index(m, c);
}

void ath_sql_index_name(char *out, size_t size, const ath_mapping *m, const ath_table_index *ix)
{
    if (ix->name) {
        snprintf(out, size, "%s", ix->name);
        return;
    }
    char cols[400] = "";
    size_t len = 0;
    for (size_t i = 0; i < ix->ncolumns && len + 1 < sizeof cols; i++)
        len +=
            (size_t)snprintf(cols + len, sizeof cols - len, "%s%s", i ? "_" : "", ix->columns[i]);
    ath_sql_constraint_name(out, size, ix->unique ? "uq" : "ix", m->model->table, cols, NULL);
}

static void index_columns(ath_buf *b, const ath_dialect *d, const ath_table_index *ix)
{
    ath_buf_adds(b, " (");
    for (size_t i = 0; i < ix->ncolumns; i++) {
        ath_buf_adds(b, i ? ", " : "");
        ath_sql_ident(b, d, ix->columns[i]);
    }
    ath_buf_addc(b, ')');
}

void ath_sql_column_type(ath_buf *b, const ath_dialect *d, const ath_mapping *m, const ath_col *c)
{
    bool inline_pk =
        m->autoinc >= 0 && d->autoinc == ATH_AUTOINC_INLINE_PK && (int)(c - m->cols) == m->autoinc;
    if (inline_pk)
        ath_buf_adds(b, d->autoinc_type);
    else if (c->type == ATH_T_TEXT && c->max_length > 0)
        ath_buf_addf(b, d->varchar_format, c->max_length);
    else if (c->type == ATH_T_TEXT && keyed(m, c) && d->text_key_type)
        ath_buf_adds(b, d->text_key_type);
    else
        ath_buf_adds(b, d->type_names[c->type]);
}

static void column_type(ath_buf *b, const ath_dialect *d, const ath_mapping *m, const ath_col *c,
                        bool inline_pk)
{
    if (inline_pk) {
        ath_buf_adds(b, d->autoinc_type);
        ath_buf_adds(b, " PRIMARY KEY");
        return;
    }
    if (c->type == ATH_T_TEXT && c->max_length > 0)
        ath_buf_addf(b, d->varchar_format, c->max_length);
    else if (c->type == ATH_T_TEXT && keyed(m, c) && d->text_key_type)
        ath_buf_adds(b, d->text_key_type);
    else
        ath_buf_adds(b, d->type_names[c->type]);
    if (c->autoinc && d->autoinc == ATH_AUTOINC_SUFFIX && d->autoinc_suffix) {
        ath_buf_addc(b, ' ');
        ath_buf_adds(b, d->autoinc_suffix);
    }
}

void ath_sql_create_table(ath_buf *b, const ath_dialect *d, const ath_mapping *m)
{
    ath_sql_create_table_as(b, d, m, NULL, true);
}

void ath_sql_create_table_as(ath_buf *b, const ath_dialect *d, const ath_mapping *m,
                             const char *create_name, bool with_indexes)
{
    const char *table = m->model->table;
    char name[128];
    bool inline_pk = m->autoinc >= 0 && d->autoinc == ATH_AUTOINC_INLINE_PK;
    ath_buf_adds(b, create_name ? "CREATE TABLE " : "CREATE TABLE IF NOT EXISTS ");
    ath_sql_ident(b, d, create_name ? create_name : table);
    ath_buf_adds(b, " (\n");
    for (size_t i = 0; i < m->ncols; i++) {
        const ath_col *c = &m->cols[i];
        bool this_inline = inline_pk && (int)i == m->autoinc;
        ath_buf_adds(b, i ? ",\n    " : "    ");
        ath_sql_ident(b, d, c->name);
        ath_buf_addc(b, ' ');
        column_type(b, d, m, c, this_inline);
        if (!c->nullable && !this_inline)
            ath_buf_adds(b, " NOT NULL");
        if (c->server_default) {
            ath_buf_adds(b, " DEFAULT ");
            ath_buf_adds(b, c->server_default);
        }
    }
    if (!inline_pk) {
        ath_sql_constraint_name(name, sizeof name, "pk", table, NULL, NULL);
        ath_buf_adds(b, ",\n    CONSTRAINT ");
        ath_sql_ident(b, d, name);
        ath_buf_adds(b, " PRIMARY KEY (");
        for (size_t i = 0; i < m->npk; i++) {
            if (i)
                ath_buf_adds(b, ", ");
            ath_sql_ident(b, d, m->cols[m->pk[i]].name);
        }
        ath_buf_addc(b, ')');
    }
    for (size_t i = 0; i < m->ncols; i++) {
        const ath_col *c = &m->cols[i];
        if (c->flags & ATH_UNIQUE) {
            ath_sql_constraint_name(name, sizeof name, "uq", table, c->name, NULL);
            ath_buf_adds(b, ",\n    CONSTRAINT ");
            ath_sql_ident(b, d, name);
            ath_buf_adds(b, " UNIQUE (");
            ath_sql_ident(b, d, c->name);
            ath_buf_addc(b, ')');
        }
        if (c->references) {
            const char *ref = c->references;
            const char *dot = strchr(ref, '.');
            char reftable[128];
            snprintf(reftable, sizeof reftable, "%.*s", (int)(dot - ref), ref);
            ath_sql_constraint_name(name, sizeof name, "fk", table, c->name, reftable);
            ath_buf_adds(b, ",\n    CONSTRAINT ");
            ath_sql_ident(b, d, name);
            ath_buf_adds(b, " FOREIGN KEY (");
            ath_sql_ident(b, d, c->name);
            ath_buf_adds(b, ") REFERENCES ");
            ath_sql_ident(b, d, reftable);
            ath_buf_adds(b, " (");
            ath_sql_ident(b, d, dot + 1);
            ath_buf_addc(b, ')');
            ath_buf_adds(b, ath_sql_fk_action(c->on_delete));
        }
        if (c->field->check) {
            ath_sql_constraint_name(name, sizeof name, "ck", table, c->name, NULL);
            ath_buf_adds(b, ",\n    CONSTRAINT ");
            ath_sql_ident(b, d, name);
            ath_buf_adds(b, " CHECK (");
            ath_buf_adds(b, c->field->check);
            ath_buf_addc(b, ')');
        }
        /* what the servers' types enforce, as CHECKs where the dialect's types do not */
        bool len_check =
            c->type == ATH_T_TEXT && c->max_length > 0 && ATH_DIALECT_HAS(d, length_check);
        bool json_check = c->type == ATH_T_JSON && ATH_DIALECT_HAS(d, json_check);
        if (len_check || json_check) {
            ath_buf col;
            ath_buf_init(&col);
            ath_sql_ident(&col, d, c->name);
            ath_sql_constraint_name(name, sizeof name, "ck", table, c->name,
                                    len_check ? "len" : "json");
            ath_buf_adds(b, ",\n    CONSTRAINT ");
            ath_sql_ident(b, d, name);
            ath_buf_adds(b, " CHECK (");
            if (len_check)
                ath_buf_addf(b, d->length_check, col.data ? col.data : "", c->max_length);
            else { /* json_valid(NULL) is 0 on older SQLite: NULL stays the NOT NULL rule's job */
                ath_buf_addf(b, "%s IS NULL OR ", col.data ? col.data : "");
                ath_buf_addf(b, d->json_check, col.data ? col.data : "");
            }
            ath_buf_addc(b, ')');
            if (col.oom)
                b->oom = true;
            ath_buf_free(&col);
        }
        if ((c->flags & ATH_INDEX) && !d->index_if_not_exists) {
            ath_sql_constraint_name(name, sizeof name, "ix", table, c->name, NULL);
            ath_buf_adds(b, ",\n    INDEX ");
            ath_sql_ident(b, d, name);
            ath_buf_adds(b, " (");
            ath_sql_ident(b, d, c->name);
            ath_buf_addc(b, ')');
        }
    }
    for (size_t k = 0; k < m->model->nindexes; k++) {
        const ath_table_index *ix = &m->model->indexes[k];
        if (!ix->unique && d->index_if_not_exists)
            continue;
        ath_sql_index_name(name, sizeof name, m, ix);
        ath_buf_adds(b, ix->unique ? ",\n    CONSTRAINT " : ",\n    INDEX ");
        ath_sql_ident(b, d, name);
        ath_buf_adds(b, ix->unique ? " UNIQUE" : "");
        index_columns(b, d, ix);
    }
    ath_buf_adds(b, "\n)");
    ath_buf_adds(b, d->table_options ? d->table_options : "");
    if (!d->index_if_not_exists || !with_indexes)
        return;
    ath_sql_create_indexes(b, d, m);
}

void ath_sql_create_indexes(ath_buf *b, const ath_dialect *d, const ath_mapping *m)
{
    const char *table = m->model->table;
    char name[128];
    if (!d->index_if_not_exists)
        return;
    for (size_t i = 0; i < m->ncols; i++) {
        const ath_col *c = &m->cols[i];
        if (!(c->flags & ATH_INDEX))
            continue;
        ath_sql_constraint_name(name, sizeof name, "ix", table, c->name, NULL);
        ath_buf_adds(b, ";\nCREATE INDEX IF NOT EXISTS ");
        ath_sql_ident(b, d, name);
        ath_buf_adds(b, " ON ");
        ath_sql_ident(b, d, table);
        ath_buf_adds(b, " (");
        ath_sql_ident(b, d, c->name);
        ath_buf_addc(b, ')');
    }
    for (size_t k = 0; k < m->model->nindexes; k++) {
        const ath_table_index *ix = &m->model->indexes[k];
        if (ix->unique)
            continue;
        ath_sql_index_name(name, sizeof name, m, ix);
        ath_buf_adds(b, ";\nCREATE INDEX IF NOT EXISTS ");
        ath_sql_ident(b, d, name);
        ath_buf_adds(b, " ON ");
        ath_sql_ident(b, d, table);
        index_columns(b, d, ix);
    }
}

void ath_sql_drop_table(ath_buf *b, const ath_dialect *d, const ath_mapping *m)
{
    ath_buf_adds(b, "DROP TABLE IF EXISTS ");
    ath_sql_ident(b, d, m->model->table);
}
