/* SQL text shared by every statement kind: identifiers, column lists, key conditions, and the
 * SELECT / get-by-key / UPDATE texts built once per mapping. */
#include "sql_build.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"

void ath_sql_ident(ath_buf *b, const ath_dialect *d, const char *name)
{
    ath_buf_addc(b, d->ident_quote);
    for (const char *p = name; *p; p++) {
        if (*p == d->ident_quote)
            ath_buf_addc(b, *p); /* doubled; names are validated, so this never happens */
        ath_buf_addc(b, *p);
    }
    ath_buf_addc(b, d->ident_quote);
}

void ath_sql_column(ath_buf *b, const ath_dialect *d, const char *qualifier, const char *column)
{
    if (qualifier) {
        ath_sql_ident(b, d, qualifier);
        ath_buf_addc(b, '.');
    }
    ath_sql_ident(b, d, column);
}

void ath_sql_column_list(ath_buf *b, const ath_dialect *d, const ath_mapping *m)
{
    for (size_t i = 0; i < m->ncols; i++) {
        if (i)
            ath_buf_adds(b, ", ");
        ath_sql_ident(b, d, m->cols[i].name);
    }
}

void ath_sql_key_condition(ath_buf *b, const ath_dialect *d, const ath_mapping *m)
{
    for (size_t i = 0; i < m->npk; i++) {
        if (i)
            ath_buf_adds(b, " AND ");
        ath_sql_ident(b, d, m->cols[m->pk[i]].name);
        ath_buf_adds(b, " = ?");
    }
}

int ath_sql_mapping_statements(ath_mapping *m, const ath_dialect *d)
{
    ath_buf b;
    ath_buf_init(&b);
    ath_buf_adds(&b, "SELECT ");
    ath_sql_column_list(&b, d, m);
    ath_buf_adds(&b, " FROM ");
    ath_sql_ident(&b, d, m->model->table);
    m->sql_select = b.oom ? NULL : ath_strdup(b.data);
    ath_buf_adds(&b, " WHERE ");
    ath_sql_key_condition(&b, d, m);
    m->sql_get = b.oom ? NULL : ath_strdup(b.data);

    ath_buf_clear(&b);
    ath_buf_adds(&b, "UPDATE ");
    ath_sql_ident(&b, d, m->model->table);
    ath_buf_adds(&b, " SET ");
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) /* bound columns, then the .onupdate_sql ones */
        for (size_t i = 0; i < m->ncols; i++) {
            const ath_col *c = &m->cols[i];
            if (c->pk || (c->flags & ATH_IMMUTABLE) || !ath_col_onupdate_sql(c) != !pass)
                continue;
            ath_buf_adds(&b, n++ ? ", " : "");
            ath_sql_ident(&b, d, c->name);
            ath_buf_adds(&b, " = ");
            ath_buf_adds(&b, pass ? ath_col_onupdate_sql(c) : "?");
        }
    ath_buf_adds(&b, " WHERE ");
    ath_sql_key_condition(&b, d, m);
    /* only key (and immutable) columns: an update has nothing to set */
    m->sql_update = b.oom ? NULL : ath_strdup(n ? b.data : "");
    if (n && ath_mapping_has_onupdate_sql(m)) { /* … RETURNING the expressions' results */
        ath_sql_returning_onupdate(&b, d, m, NULL);
        m->sql_update_returning = b.oom ? NULL : ath_strdup(b.data);
        if (!m->sql_update_returning)
            b.oom = true;
    }
    bool oom = b.oom;
    ath_buf_free(&b);
    if (oom || !m->sql_select || !m->sql_get || !m->sql_update)
        return ath_fail(ATH_ENOMEM, "building the statements of model %s", m->model->name);
    return ATH_OK;
}

bool ath_mapping_has_onupdate_sql(const ath_mapping *m)
{
    for (size_t i = 0; i < m->ncols; i++)
        if (ath_col_onupdate_sql(&m->cols[i]))
            return true;
    return false;
}

void ath_sql_returning_onupdate(ath_buf *b, const ath_dialect *d, const ath_mapping *m,
                                const char *qualifier)
{
    size_t n = 0;
    ath_buf_adds(b, " RETURNING ");
    for (size_t i = 0; i < m->ncols; i++)
        if (ath_col_onupdate_sql(&m->cols[i])) {
            ath_buf_adds(b, n++ ? ", " : "");
            ath_sql_column(b, d, qualifier, m->cols[i].name);
        }
}

void ath_sql_update_head(ath_buf *b, const ath_dialect *d, const ath_mapping *m,
                         const ath_col *const *cols, size_t n, bool exprs)
{
    ath_buf_clear(b);
    ath_buf_adds(b, "UPDATE ");
    ath_sql_ident(b, d, m->model->table);
    ath_buf_adds(b, " SET ");
    size_t k = 0;
    for (int pass = 0; pass < (exprs ? 2 : 1); pass++)
        for (size_t i = 0; i < n; i++) {
            const char *expr = exprs ? ath_col_onupdate_sql(cols[i]) : NULL;
            if (!expr != !pass)
                continue;
            ath_buf_adds(b, k++ ? ", " : "");
            ath_sql_ident(b, d, cols[i]->name);
            ath_buf_adds(b, " = ");
            ath_buf_adds(b, pass ? expr : "?");
        }
}

void ath_sql_placeholders_list(ath_buf *b, size_t n)
{
    if (!ath_buf_reserve(b, n * 3))
        return;
    for (size_t i = 0; i < n; i++)
        ath_buf_add(b, i ? ", ?" : "?", i ? 3 : 1);
}
