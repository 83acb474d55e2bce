/* The backend table and the little URL knowledge the suite needs (see backends.h). */
#include "backends.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const backend backends[] = {
    /* dialect      memory label           concurrent tx DDL RETURNING -0.0 */
    {"sqlite", true, "sqlite-memory", false, true, true, false},
    {"sqlite", false, "sqlite-file", true, true, true, false},
    {"postgresql", false, "postgresql", true, true, true, true},
    /* MariaDB 10.5+ has INSERT … RETURNING, MySQL none: the driver decides per connection.
     * MariaDB stores -0 in a DOUBLE column as +0 (10.11: atan2(x, -1) gives +pi afterwards). */
    {"mysql", false, "mysql", true, false, false, false},
};

/* The URL's dialect: the scheme before "+driver" or "://", with the loader's aliases. */
static void url_dialect(const char *url, char *out, size_t size)
{
    size_t n = strcspn(url, "+:");
    if (n >= size)
        n = size - 1;
    memcpy(out, url, n);
    out[n] = '\0';
    if (strcmp(out, "postgres") == 0)
        snprintf(out, size, "postgresql");
    else if (strcmp(out, "mariadb") == 0)
        snprintf(out, size, "mysql");
}

/* The database part of a sqlite URL ("sqlite:///x.db" → "x.db", "sqlite:////a/b" → "/a/b"),
 * without the query; "" for "sqlite://" (memory). */
static void sqlite_path(const char *url, char *out, size_t size)
{
    const char *p = strstr(url, "://");
    out[0] = '\0';
    if (!p)
        return;
    p += 3;
    if (*p == '/')
        p++;
    size_t n = strcspn(p, "?");
    if (n >= size)
        n = size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

static bool is_memory(const char *dialect, const char *url)
{
    char path[1024];
    if (strcmp(dialect, "sqlite") != 0)
        return false;
    sqlite_path(url, path, sizeof path);
    return path[0] == '\0' || strcmp(path, ":memory:") == 0;
}

const backend *backend_for_url(const char *url)
{
    char dialect[32];
    url_dialect(url, dialect, sizeof dialect);
    bool memory = is_memory(dialect, url);
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
    unknown[nunknown] =
        (backend){names[nunknown], false, names[nunknown], false, false, false, true};
    return &unknown[nunknown++];
}

void backend_prepare_url(const char *url)
{
    char dialect[32], path[1024], side[1100];
    url_dialect(url, dialect, sizeof dialect);
    if (strcmp(dialect, "sqlite") != 0 || is_memory(dialect, url))
        return;
    sqlite_path(url, path, sizeof path);
    unlink(path);
    static const char *const suffixes[] = {"-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(side, sizeof side, "%s%s", path, suffixes[i]);
        unlink(side);
    }
}
