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

int sqlite_fail(const ath_driver_host *host, sqlite3 *db, int rc, const char *doing)
{
    int ext = db ? sqlite3_extended_errcode(db) : rc;
    if ((ext & 0xff) != (rc & 0xff))
        ext = rc; /* the connection's code belongs to another call */
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    /* "UNIQUE constraint failed: hero.name" -> "hero.name"; "CHECK constraint failed: ck_x" */
    const char *constraint = NULL;
    if ((ext & 0xff) == SQLITE_CONSTRAINT) {
        const char *colon = strstr(msg, "failed: ");
        if (colon)
            constraint = colon + 8;
    }
    int code = map_code(ext);
    /* ON DELETE RESTRICT fails as SQLITE_CONSTRAINT_TRIGGER with the foreign-key message */
    if (ext == SQLITE_CONSTRAINT_TRIGGER && strstr(msg, "FOREIGN KEY constraint failed"))
        code = ATH_EFOREIGNKEY;
    if (doing)
        return host->fail(code, NULL, ext, constraint, "%s (sqlite %d, while %s)", msg, ext, doing);
    return host->fail(code, NULL, ext, constraint, "%s (sqlite %d)", msg, ext);
}
