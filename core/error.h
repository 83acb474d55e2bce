/* Private: setting the thread-local error from inside the core. */
#ifndef ATH_CORE_ERROR_H
#define ATH_CORE_ERROR_H

#include <stdarg.h>

#include <athanor/error.h>

/** Sets this thread's error to `code` with a formatted message; returns `code`. */
int ath_fail(int code, const char *fmt, ...) ATH_PRINTF(2, 3);

/**
 * Reports a NULL argument: sets ATH_EINVAL with "<fn>: <arg> is NULL" and returns ATH_EINVAL.
 * Every public function checks its pointers this one way, with the control flow in sight:
 * `if (!session) return ath_null_arg(__func__, "session");`
 */
int ath_null_arg(const char *fn, const char *arg);

/** As ath_fail, with the database's SQLSTATE, native number and constraint (each may be empty). */
int ath_fail_db(int code, const char *sqlstate, long native, const char *constraint,
                const char *fmt, ...) ATH_PRINTF(5, 6);

/** Same as ath_fail_db with a va_list (the driver host table forwards here). */
int ath_fail_dbv(int code, const char *sqlstate, long native, const char *constraint,
                 const char *fmt, va_list ap);

/** Attaches the failing statement to the current error (truncated if very long). */
void ath_error_set_sql(const char *sql);

/** Replaces the current message, keeping code, SQLSTATE, native code, constraint and SQL. */
void ath_error_set_message(const char *fmt, ...) ATH_PRINTF(1, 2);

/** A whole copy of a thread's error, strings included (the thread-local slot's own layout). */
typedef struct ath_error_saved {
    ath_error pub; /* its pointers point into this copy's buffers */
    char message[1024];
    char sql[2048];
    char constraint[128];
} ath_error_saved;

/** Copies this thread's error into `out`, for cleanup that may overwrite it (a ROLLBACK). */
void ath_error_save(ath_error_saved *out);
/** Makes `saved` this thread's error again. */
void ath_error_restore(const ath_error_saved *saved);

#endif
