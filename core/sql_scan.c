/* Reads SQL text just enough to find placeholders outside quotes and comments. */
#include "sql_scan.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "error.h"

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* Length of a dollar-quote tag starting at s ("$tag$" or "$$"), or 0 when s is not one. */
static size_t dollar_tag(const char *s)
{
    if (s[0] != '$')
        return 0;
    size_t i = 1;
    if (isdigit((unsigned char)s[1]))
        return 0; /* $1 is a parameter, not a tag */
    while (ident_char(s[i]) && s[i] != '$')
        i++;
    return s[i] == '$' ? i + 1 : 0;
}

/* The scanner behind ath_sql_placeholders and ath_sql_second_statement: with `semis`, counts
 * the semicolons outside quotes and comments that have more than white space, comments or
 * semicolons after them (a second statement starts there). */
static int scan(const char *sql, ath_placeholder_style style, ath_buf *out, size_t *nparams,
                size_t *semis);

int ath_sql_placeholders(const char *sql, ath_placeholder_style style, ath_buf *out,
                         size_t *nparams)
{
    return scan(sql, style, out, nparams, NULL);
}

bool ath_sql_second_statement(const char *sql)
{
    size_t n = 0, semis = 0;
    return sql && scan(sql, ATH_PLACEHOLDER_QMARK, NULL, &n, &semis) == ATH_OK && semis > 0;
}

/* True when only white space, comments and semicolons follow. */
static bool blank_rest(const char *p)
{
    for (;;) {
        while (isspace((unsigned char)*p) || *p == ';')
            p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            if (!end)
                return true;
            p = end + 2;
        } else {
            return *p == '\0';
        }
    }
}

static int scan(const char *sql, ath_placeholder_style style, ath_buf *out, size_t *nparams,
                size_t *semis)
{
    size_t n = 0;
    const char *p = sql;
    const char *copied = sql; /* start of text not yet copied to out */
    while (*p) {
        char c = *p;
        if (c == '\'' || c == '"' || c == '`') {
            bool backslash = c == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
                             (p - 1 == sql || !ident_char(p[-2]));
            const char *q = p + 1;
            for (;;) {
                if (!*q)
                    return ath_fail(ATH_EINVAL, "unterminated quote starting at offset %zu",
                                    (size_t)(p - sql));
                if (backslash && *q == '\\' && q[1]) {
                    q += 2;
                    continue;
                }
                if (*q == c) {
                    if (q[1] == c) { /* doubled quote inside */
                        q += 2;
                        continue;
                    }
                    break;
                }
                q++;
            }
            p = q + 1;
        } else if (c == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (c == '/' && p[1] == '*') {
            const char *start = p;
            int depth = 1;
            p += 2;
            while (depth > 0) {
                if (!*p)
                    return ath_fail(ATH_EINVAL, "unterminated comment starting at offset %zu",
                                    (size_t)(start - sql));
                if (p[0] == '/' && p[1] == '*') {
                    depth++;
                    p += 2;
                } else if (p[0] == '*' && p[1] == '/') {
                    depth--;
                    p += 2;
                } else {
                    p++;
                }
            }
        } else if (c == '$' && (p == sql || !ident_char(p[-1])) && dollar_tag(p)) {
            size_t tlen = dollar_tag(p);
            const char *body = p + tlen;
            const char *end = NULL;
            for (const char *q = body; (q = strchr(q, '$')); q++)
                if (strncmp(q, p, tlen) == 0) {
                    end = q;
                    break;
                }
            if (!end)
                return ath_fail(ATH_EINVAL, "unterminated dollar quote starting at offset %zu",
                                (size_t)(p - sql));
            p = end + tlen;
        } else if (c == ';' && semis) {
            *semis += !blank_rest(p + 1);
            p++;
        } else if (c == ':' && p[1] == ':') {
            p += 2; /* a cast, never a placeholder */
        } else if (c == '?') {
            if (p[1] == '?') { /* escaped literal question mark */
                if (out) {
                    ath_buf_add(out, copied, (size_t)(p - copied) + 1);
                    copied = p + 2;
                }
                p += 2;
                continue;
            }
            n++;
            if (out) {
                ath_buf_add(out, copied, (size_t)(p - copied));
                if (style == ATH_PLACEHOLDER_DOLLAR)
                    ath_buf_addf(out, "$%zu", n);
                else
                    ath_buf_addc(out, '?');
                copied = p + 1;
            }
            p++;
        } else {
            p++;
        }
    }
    if (out) {
        ath_buf_add(out, copied, (size_t)(p - copied));
        if (out->oom)
            return ath_fail(ATH_ENOMEM, "rewriting placeholders");
    }
    *nparams = n;
    return ATH_OK;
}

/* True when the first keyword of sql is one of `words`. */
static bool first_keyword_in(const char *sql, const char *const *words, size_t nwords)
{
    const char *p = sql;
    for (;;) { /* skip white space and comments */
        while (isspace((unsigned char)*p) || *p == '(')
            p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
        } else {
            break;
        }
    }
    size_t len = 0;
    while (isalpha((unsigned char)p[len]))
        len++;
    for (size_t i = 0; i < nwords; i++)
        if (strlen(words[i]) == len && strncasecmp(p, words[i], len) == 0)
            return true;
    return false;
}

bool ath_sql_is_write(const char *sql)
{
    static const char *const writers[] = {"INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE",
                                          "CREATE", "DROP",   "ALTER",  "TRUNCATE"};
    return first_keyword_in(sql, writers, sizeof writers / sizeof *writers);
}

bool ath_sql_is_ddl(const char *sql)
{
    static const char *const ddl[] = {"CREATE", "DROP", "ALTER", "TRUNCATE"};
    return first_keyword_in(sql, ddl, sizeof ddl / sizeof *ddl);
}
