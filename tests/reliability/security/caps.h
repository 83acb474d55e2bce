/*
 * What each backend does with the inputs this suite throws at it: THE ONE PLACE where the security
 * suite knows that databases differ. Tests ask this table (sec->caps->...) instead of testing a
 * dialect's name. docs/security.md carries the same table in prose.
 */
#ifndef ATHANOR_SECURITY_CAPS_H
#define ATHANOR_SECURITY_CAPS_H

#include <stdbool.h>
#include <stddef.h>

/** The probes of caps.ts_outside / caps.date_outside, in this order. */
enum {
    PROBE_BEFORE_YEAR_1,       /**< 0001-01-01 minus one microsecond (or one day) */
    PROBE_AFTER_YEAR_9999,     /**< 9999-12-31 23:59:59.999999 plus one microsecond (or one day) */
    PROBE_BEFORE_JULIAN_DAY_0, /**< one step before 4714-11-24 BC, PostgreSQL's first day */
    PROBE_TYPE_MIN,            /**< INT64_MIN microseconds / INT32_MIN days */
    PROBE_TYPE_MAX,            /**< INT64_MAX microseconds / INT32_MAX days */
    NPROBES
};

typedef struct caps {
    const char *dialect; /**< as ath_engine_dialect() names it */
    bool memory;         /**< the database lives in one in-memory connection */
    const char *label;   /**< suite-name suffix: "injection@<label>" */
    /** What adding NaN to a NOT NULL double column returns: ATH_OK when it round-trips. */
    int nan_add;
    /** A NaN in a nullable double column is stored as NULL (SQLite: NaN is its NULL). */
    bool nan_is_null;
    /** What adding ±infinity returns: ATH_OK when it round-trips. */
    int inf_add;
    /** -0.0 comes back with its sign (SQLite stores an integral REAL as an integer; MariaDB's
     *  DOUBLE drops the sign). */
    bool negative_zero;
    /** Timestamps and dates of years year_min..year_max round-trip exactly. */
    int year_min, year_max;
    /**
     * What adding a timestamp (ts_outside) or a date (date_outside) at each probe returns: ATH_OK
     * when it round-trips, ATH_EINVAL when it is refused before it is executed, or the server's
     * error (ATH_ESQL: the transaction is failed). Never a different value read back.
     */
    int ts_outside[5];
    int date_outside[5];
    /**
     * Significant digits a numeric keeps exactly (the text read back equals the text stored, up
     * to trailing zeros). SQLite's NUMERIC affinity turns numeric text into an 8-byte integer or
     * a double: 15 digits; MariaDB's DECIMAL(38,10): 38 (28 before the point, 10 after).
     */
    int numeric_digits;
    /** The most columns a table may have; one more is refused by CREATE TABLE (ATH_ESQL). */
    int max_columns;
    /** The server has a statement-size limit (max_allowed_packet) that the driver checks. */
    bool packet_limit;
} caps;

/** The row of the table for `url` (found from its scheme, and for SQLite, memory or file). */
const caps *caps_for_url(const char *url);

#endif
