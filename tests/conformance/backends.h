/*
 * What each backend can do: THE ONE PLACE where the conformance suite knows that databases
 * differ. Tests ask this table (conf->be->...) instead of testing a dialect's name.
 */
#ifndef ATHANOR_CONFORMANCE_BACKENDS_H
#define ATHANOR_CONFORMANCE_BACKENDS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct backend {
    const char *dialect; /**< as ath_engine_dialect() names it */
    bool memory;         /**< the database lives in one in-memory connection */
    const char *label;   /**< suite-name suffix: "repo-add@<label>" */
    /**
     * Two sessions may hold open transactions at the same time. False for SQLite in memory: the
     * engine has one connection, so a second session in the thread holding it fails at once
     * (ATH_EINVAL) and one in another thread waits for the first to finish.
     * Tests that need a second session close the first one before opening it when this is false.
     */
    bool concurrent_sessions;
    bool transactional_ddl; /**< DDL can be rolled back (MySQL commits it implicitly) */
    bool returning;         /**< INSERT … RETURNING exists (MySQL none; MariaDB 10.5+) */
    /**
     * A double column gives back -0.0 with its sign. SQLite does not (a REAL value without a
     * fractional part is stored as an integer), nor does MariaDB (a DOUBLE column stores +0).
     */
    bool keeps_negative_zero;
    /**
     * Rows can be locked one by one (SELECT … FOR UPDATE [NOWAIT | SKIP LOCKED]). False for
     * SQLite, where a write transaction locks the whole database against other writers.
     */
    bool row_locks;
    /** Case-insensitive LIKE is written ILIKE (PostgreSQL); elsewhere LOWER(col) LIKE LOWER(?). */
    bool ilike;
    /**
     * add_many of rows whose autoincrement key the database generates goes through the driver's
     * bulk path, the keys reserved first (PostgreSQL: nextval() of the identity's sequence, then
     * COPY binary); the engine's echo then logs a "bulk insert into" line.
     */
    bool bulk_generated_keys;
} backend;

/**
 * The row of the table for `url` ("sqlite:///:memory:", "postgresql://…"), found from the URL's
 * scheme (aliases postgres → postgresql, mariadb → mysql) and, for SQLite, whether it names a
 * file. A scheme the table does not know gets a conservative row named after the scheme.
 */
const backend *backend_for_url(const char *url);

#endif
