/* Private: reading SQL text — placeholder counting and rewriting, write detection. */
#ifndef ATH_CORE_SQL_SCAN_H
#define ATH_CORE_SQL_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include <athanor/sys/driver.h>

#include "buf.h"

/**
 * Scans `sql`, written with `?` placeholders, counting them into *nparams. When `out` is given,
 * writes the statement in `style` there (`$1`, `$2`… for ATH_PLACEHOLDER_DOLLAR). Quoted strings
 * ('…', E'…' with backslashes), quoted identifiers ("…", `…`), comments (line and nested block
 * comments), dollar-quoted bodies ($tag$…$tag$) are copied untouched; `??` stands for a literal
 * `?`. Returns ATH_OK, ATH_EINVAL for an unterminated quote or comment, ATH_ENOMEM.
 */
int ath_sql_placeholders(const char *sql, ath_placeholder_style style, ath_buf *out,
                         size_t *nparams);

/**
 * True when `sql` holds more than one statement: a `;` outside quotes, comments and
 * dollar-quoted bodies with more than white space and comments after it. For messages only (a
 * trigger body's `;` counts too).
 */
bool ath_sql_second_statement(const char *sql);

/** True when the statement's first keyword changes data or schema (INSERT, UPDATE, CREATE…). */
bool ath_sql_is_write(const char *sql);

/** True when the statement changes the schema (CREATE, DROP, ALTER, TRUNCATE). */
bool ath_sql_is_ddl(const char *sql);

#endif
