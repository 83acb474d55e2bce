/* The backend table (see caps.h) and the little URL knowledge the suite needs. */
#include "caps.h"
#include "urls.h"

#include <stdio.h>
#include <string.h>

#include <athanor/error.h>

/* Every refusal before sending is ATH_EINVAL; E = EINVAL, S = ESQL (the server's error). */
#define E ATH_EINVAL
#define S ATH_ESQL
#define SQLITE_ROW(is_memory, name)                                                                \
    {                                                                                              \
        .dialect = "sqlite", .memory = (is_memory), .label = (name), .nan_add = ATH_ENOTNULL,      \
        .nan_is_null = true, .inf_add = ATH_OK, .negative_zero = false, .year_min = 1,             \
        .year_max = 9999, .ts_outside = {E, E, E, E, E}, .date_outside = {E, E, E, E, E},          \
        .max_columns = 2000, .packet_limit = false,                                                \
    }

static const caps table[] = {
    /* SQLite: NaN is bound as NULL (so NOT NULL fails, a nullable column reads NULL); timestamps
     * and dates travel as text, refused outside 1..9999 while binding; SQLITE_MAX_COLUMN 2000 */
    SQLITE_ROW(true, "sqlite-memory"),
    SQLITE_ROW(false, "sqlite-file"),
    /* PostgreSQL: float8 takes NaN and ±Infinity; timestamptz runs from 4714-11-24 BC to 294276
     * AD, so years 0 and 10000 round-trip; the server refuses what is below (22008), the driver
     * what does not fit its epoch shift; at most 1600 columns (54011) */
    {
        .dialect = "postgresql",
        .label = "postgresql",
        .nan_add = ATH_OK,
        .nan_is_null = false,
        .inf_add = ATH_OK,
        .negative_zero = true,
        .year_min = 1,
        .year_max = 9999,
        .ts_outside = {ATH_OK, ATH_OK, S, E, ATH_OK},
        .date_outside = {ATH_OK, ATH_OK, S, E, S},
        .numeric_digits = 38,
        .max_columns = 1600,
        .packet_limit = false,
    },
    /* MariaDB: DOUBLE refuses NaN and ±inf (1264 out of range) and drops the sign of -0.0;
     * DATETIME/DATE hold years 1..9999, the driver refuses the rest; InnoDB allows 1017 columns */
    {
        .dialect = "mysql",
        .label = "mysql",
        .nan_add = S,
        .nan_is_null = false,
        .inf_add = S,
        .negative_zero = false,
        .year_min = 1,
        .year_max = 9999,
        .ts_outside = {E, E, E, E, E},
        .date_outside = {E, E, E, E, E},
        .numeric_digits = 38,
        .max_columns = 1017,
        .packet_limit = true,
    },
};
#undef E
#undef S

const caps *caps_for_url(const char *url)
{
    char dialect[32];
    test_url_dialect(url, dialect, sizeof dialect);
    bool memory = test_url_is_memory(url);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].dialect, dialect) == 0 && table[i].memory == memory)
            return &table[i];
    /* an unknown backend: the suite has no expectations for it; use the strictest row */
    static caps unknown;
    static char name[32];
    snprintf(name, sizeof name, "%s", dialect);
    unknown = table[3];
    unknown.dialect = name;
    unknown.label = name;
    return &unknown;
}
