/* INSERT text: single- and multi-row INSERT … VALUES, RETURNING lists, and the upsert forms
 * (ON CONFLICT … DO UPDATE / ON DUPLICATE KEY UPDATE). */
#include "repo.h"

#include "sql_build.h"

void repo_insert_text(ath_repo *r, const repo_mask *mask, size_t rows, const char *returning_cols)
{
    const ath_mapping *m = r->m;
    ath_buf *b = &r->sql;
    size_t ncols = 0;
    ath_buf_clear(b);
    ath_buf_adds(b, "INSERT INTO ");
    ath_sql_ident(b, r->d, m->model->table);
    for (size_t i = 0; i < m->ncols; i++) {
        if (repo_mask_omits(mask, i))
            continue;
        ath_buf_adds(b, ncols++ ? ", " : " (");
        ath_sql_ident(b, r->d, m->cols[i].name);
    }
    if (ncols == 0) {
        ath_buf_adds(b, r->d->insert_defaults ? r->d->insert_defaults : " DEFAULT VALUES");
    } else {
        ath_buf_adds(b, ") VALUES ");
        for (size_t row = 0; row < rows; row++) {
            ath_buf_adds(b, row ? ", (" : "(");
            ath_sql_placeholders_list(b, ncols);
            ath_buf_addc(b, ')');
        }
    }
    if (returning_cols)
        ath_buf_adds(b, returning_cols);
}

/* " RETURNING <omitted columns>" for a single-row add. */
void repo_returning_text(ath_repo *r, const repo_mask *mask, ath_buf *out)
{
    size_t n = 0;
    for (size_t i = 0; i < r->m->ncols; i++) {
        if (!repo_mask_omits(mask, i))
            continue;
        ath_buf_adds(out, n++ ? ", " : " RETURNING ");
        ath_sql_ident(out, r->d, r->m->cols[i].name);
    }
}

bool repo_upsert_matches(const upsert_plan *p, const ath_col *c)
{
    for (size_t i = 0; i < p->nmatch; i++)
        if (p->match[i] == c)
            return true;
    return false;
}

/* INSERT … VALUES (…)×rows ON CONFLICT/ON DUPLICATE KEY … [RETURNING key, match] into r->sql. */
void repo_upsert_text(ath_repo *r, const upsert_plan *p, size_t rows, bool returning)
{
    const ath_mapping *m = r->m;
    const ath_dialect *d = r->d;
    ath_buf *b = &r->sql;
    repo_insert_text(r, p->omitted, rows, NULL); /* the match columns are bound: never empty */
    bool dup_key = d->upsert == ATH_UPSERT_ON_DUPLICATE_KEY;
    if (dup_key) {
        ath_buf_adds(b, " ON DUPLICATE KEY UPDATE ");
    } else {
        ath_buf_adds(b, " ON CONFLICT (");
        for (size_t i = 0; i < p->nmatch; i++) {
            ath_buf_adds(b, i ? ", " : "");
            ath_sql_ident(b, d, p->match[i]->name);
        }
        ath_buf_adds(b, ") DO UPDATE SET ");
    }
    size_t sets = 0;
    for (size_t i = 0; i < m->ncols; i++) {
        const ath_col *c = &m->cols[i];
        if (repo_mask_omits(p->omitted, i) || c->pk || repo_upsert_matches(p, c) ||
            (c->flags & ATH_IMMUTABLE) || ath_col_onupdate_sql(c))
            continue;
        ath_buf_adds(b, sets++ ? ", " : "");
        ath_sql_ident(b, d, c->name);
        if (dup_key) {
            ath_buf_adds(b, " = VALUES(");
            ath_sql_ident(b, d, c->name);
            ath_buf_addc(b, ')');
        } else {
            ath_buf_adds(b, " = excluded.");
            ath_sql_ident(b, d, c->name);
        }
    }
    for (size_t i = 0; i < m->ncols; i++) { /* the update writes .onupdate_sql expressions */
        const ath_col *c = &m->cols[i];
        if (!ath_col_onupdate_sql(c) || repo_upsert_matches(p, c))
            continue;
        ath_buf_adds(b, sets++ ? ", " : "");
        ath_sql_ident(b, d, c->name);
        ath_buf_adds(b, " = ");
        ath_buf_adds(b, ath_col_onupdate_sql(c));
    }
    if (dup_key && m->autoinc >= 0) { /* makes last_insert_id() name the existing row too */
        const char *id = m->cols[m->autoinc].name;
        ath_buf_adds(b, sets++ ? ", " : "");
        ath_sql_ident(b, d, id);
        ath_buf_adds(b, " = LAST_INSERT_ID(");
        ath_sql_ident(b, d, id);
        ath_buf_addc(b, ')');
    }
    if (sets == 0) { /* nothing to change: a no-op assignment still reports the row */
        const ath_col *c = p->match[0];
        ath_sql_ident(b, d, c->name);
        if (dup_key) {
            ath_buf_adds(b, " = ");
            ath_sql_ident(b, d, c->name);
        } else {
            ath_buf_adds(b, " = excluded.");
            ath_sql_ident(b, d, c->name);
        }
    }
    if (returning) {
        ath_buf_adds(b, " RETURNING ");
        for (size_t i = 0; i < m->npk; i++) {
            ath_buf_adds(b, i ? ", " : "");
            ath_sql_ident(b, d, m->cols[m->pk[i]].name);
        }
        for (size_t i = 0; i < p->nmatch; i++) {
            ath_buf_adds(b, ", ");
            ath_sql_ident(b, d, p->match[i]->name);
        }
    }
}
