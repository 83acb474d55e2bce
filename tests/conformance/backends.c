/* The backend table and the little URL knowledge the suite needs (see backends.h). */
#include "backends.h"
#include "urls.h"

#include <stdio.h>
#include <string.h>

static const backend backends[] = {
    /* dialect      memory label           concurrent tx DDL RETURNING -0.0 row locks ILIKE
     * bulk generated keys */
    {"sqlite", true, "sqlite-memory", false, true, true, false, false, false, false},
    {"sqlite", false, "sqlite-file", true, true, true, false, false, false, false},
    {"postgresql", false, "postgresql", true, true, true, true, true, true, true},
    /* MariaDB 10.5+ has INSERT … RETURNING, MySQL none: the driver decides per connection.
     * MariaDB stores -0 in a DOUBLE column as +0 (10.11: atan2(x, -1) gives +pi afterwards). */
    {"mysql", false, "mysql", true, false, false, false, true, false, false},
};

const backend *backend_for_url(const char *url)
{
    char dialect[32];
    test_url_dialect(url, dialect, sizeof dialect);
    bool memory = test_url_is_memory(url);
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
        if (strcmp(backends[i].dialect, dialect) == 0 && backends[i].memory == memory)
            return &backends[i];
    /* unknown backend: assume the least (no concurrent sessions, no transactional DDL) */
    static backend unknown[4];
    static char names[4][32];
    static size_t nunknown;
    for (size_t i = 0; i < nunknown; i++)
        if (strcmp(unknown[i].dialect, dialect) == 0)
            return &unknown[i];
    if (nunknown == 4)
        return &unknown[3];
    snprintf(names[nunknown], sizeof names[nunknown], "%s", dialect);
    unknown[nunknown] = (backend){names[nunknown], false, names[nunknown], false, false,
                                  false,           true,  false,           false, false};
    return &unknown[nunknown++];
}
