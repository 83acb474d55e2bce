/* SQLite result codes -> ath_code. */
#include <string.h>

#include "sqlite_driver.h"

static int map_code(int rc)
{
    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return ATH_EDUPLICATE;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return ATH_EFOREIGNKEY;
    case SQLITE_CONSTRAINT_NOTNULL:
        return ATH_ENOTNULL;
    case SQLITE_CONSTRAINT_CHECK:
        return ATH_ECHECK;
    default:
        break;
    }
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ATH_ERETRY;
    case SQLITE_NOMEM:
        return ATH_ENOMEM;
    case SQLITE_READONLY:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return ATH_EIO;
    case SQLITE_CANTOPEN:
        return ATH_ECONNECT;
    case SQLITE_INTERRUPT:
        return ATH_ETIMEOUT;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
        return ATH_EINVAL;
    default:
        return ATH_ESQL;
    }
}

/*
 * SQLite names a violated unique or primary key by its columns ("hero.name", "t.a, t.b"); the
 * other backends report the constraint's name. Give the name Athanor's DDL declared —
 * uq_<table>_<col>[_<col>…], pk_<table> — so a program sees the same name everywhere. Anything
 * else (a CHECK's own name, an index of another shape) is passed on as SQLite wrote it.
 */
static const char *conventional_name(const ath_driver_host *host, int ext, const char *c,
                                     char *out, size_t size)
{
    if ((ext != SQLITE_CONSTRAINT_UNIQUE && ext != SQLITE_CONSTRAINT_PRIMARYKEY) || !strchr(c, '.'))
        return c;
    char table[128] = "", cols[256] = "";
    size_t tlen = 0, clen = 0;
    for (const char *p = c; *p;) {
        const char *dot = strchr(p, '.');
        if (!dot)
            return c;
        const char *end = strchr(dot, ',');
        size_t tl = (size_t)(dot - p), cl = end ? (size_t)(end - dot - 1) : strlen(dot + 1);
        if (!tl || !cl || tl >= sizeof table || clen + cl + 2 >= sizeof cols)
            return c;
        if (!tlen) {
            memcpy(table, p, tl);
            table[tl] = '\0';
            tlen = tl;
        } else if (tl != tlen || strncmp(p, table, tl) != 0) {
            return c; /* columns of several tables */
        }
        if (clen)
            cols[clen++] = '_';
        memcpy(cols + clen, dot + 1, cl);
        cols[clen += cl] = '\0';
        p = end ? end + 1 : dot + 1 + cl;
        while (*p == ' ')
            p++;
    }
    if (ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        host->constraint_name(out, size, "pk", table, NULL, NULL);
    else
        host->constraint_name(out, size, "uq", table, cols, NULL);
    return out;
}

int sqlite_fail(const ath_driver_host *host, sqlite3 *db, int rc, const char *doing)
{
    int ext = db ? sqlite3_extended_errcode(db) : rc;
    if ((ext & 0xff) != (rc & 0xff))
        ext = rc; /* the connection's code belongs to another call */
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    /* "UNIQUE constraint failed: hero.name" -> "uq_hero_name"; "CHECK constraint failed: ck_x" */
    const char *constraint = NULL;
    char named[128];
    if ((ext & 0xff) == SQLITE_CONSTRAINT) {
        const char *colon = strstr(msg, "failed: ");
        if (colon)
            constraint = conventional_name(host, ext, colon + 8, named, sizeof named);
    }
    int code = map_code(ext);
    /* ON DELETE RESTRICT fails as SQLITE_CONSTRAINT_TRIGGER with the foreign-key message */
    if (ext == SQLITE_CONSTRAINT_TRIGGER && strstr(msg, "FOREIGN KEY constraint failed"))
        code = ATH_EFOREIGNKEY;
    if (doing)
        return host->fail(code, NULL, ext, constraint, "%s (sqlite %d, while %s)", msg, ext, doing);
    return host->fail(code, NULL, ext, constraint, "%s (sqlite %d)", msg, ext);
}
