/* Athanor — result codes and the thread-local description of the last error. */
#ifndef ATHANOR_ERROR_H
#define ATHANOR_ERROR_H

#include "export.h"

ATH_BEGIN_DECLS

/*
 * NULL arguments (docs/errors.md): a NULL handle, out-parameter, model list, array with a
 * non-zero count or required string is refused with ATH_EINVAL and the message
 * "<function>: <argument> is NULL" -- never a crash. Functions that cannot return a code say
 * below what they give for NULL (and set the same error); _free/_close/_dispose accept NULL.
 */

/*
 * Every result code, in one list: X(name, value, description).
 * Zero is success; every failure is negative, so `if (rc < 0)` catches them all.
 */
#define ATH_CODES(X)                                                                               \
    X(ATH_OK, 0, "success")                                                                        \
    X(ATH_ENOTFOUND, -1, "no row matched")                                                         \
    X(ATH_EMULTIPLE, -2, "more than one row matched")                                              \
    X(ATH_EDUPLICATE, -3, "unique constraint violated")                                            \
    X(ATH_EFOREIGNKEY, -4, "foreign key constraint violated")                                      \
    X(ATH_ENOTNULL, -5, "not-null constraint violated")                                            \
    X(ATH_ECHECK, -6, "check constraint violated")                                                 \
    X(ATH_ESTALE, -7, "row changed since it was read (optimistic lock)")                           \
    X(ATH_ERETRY, -8, "deadlock, serialization failure or busy database: retry")                   \
    X(ATH_ECONNECT, -9, "could not connect")                                                       \
    X(ATH_ECONNLOST, -10, "connection lost")                                                       \
    X(ATH_ETIMEOUT, -11, "timed out")                                                              \
    X(ATH_EURL, -12, "malformed connection URL")                                                   \
    X(ATH_ENODRIVER, -13, "no driver module for this scheme")                                      \
    X(ATH_EDRIVERLOAD, -14, "driver module could not be loaded")                                   \
    X(ATH_EDRIVERSYM, -15, "driver module lacks its entry symbol")                                 \
    X(ATH_EDRIVERABI, -16, "driver module has an incompatible ABI")                                \
    X(ATH_EUNSUPPORTED, -17, "not supported by this database")                                     \
    X(ATH_EINVAL, -18, "invalid argument or state")                                                \
    X(ATH_ENOMEM, -19, "out of memory")                                                            \
    X(ATH_ESQL, -20, "the database rejected the statement")                                        \
    X(ATH_EIO, -21, "input/output error (disk full, read-only file, …)")                        \
    X(ATH_ECANCELED, -22, "the operation was cancelled")

/* The codes are 0, -1, -2 … in list order (the core checks it at compile time), so the lowest
 * one follows from the number of entries: adding a code means adding one line above. */
#define ATH__CODE_INDEX(name, value, text) ATH__INDEX_##name,
enum ath__code_index { ATH_CODES(ATH__CODE_INDEX) ATH__CODE_COUNT };
#undef ATH__CODE_INDEX
#define ATH__CODE_ENUM(name, value, text) name = value,
/** The result codes. Functions return `int`; compare against these. ATH__CODE_MIN is the
 *  lowest (for tables indexed by -code). */
typedef enum ath_code {
    ATH_CODES(ATH__CODE_ENUM) ATH__CODE_MIN = 1 - (int)ATH__CODE_COUNT
} ath_code;
#undef ATH__CODE_ENUM

/** What went wrong in the last failed call on this thread. */
typedef struct ath_error {
    int code;         /**< an ath_code */
    char sqlstate[6]; /**< five-character SQLSTATE, or "" when the database gave none */
    long
        native_code; /**< the driver's own error number (MySQL errno, SQLite extended code), or 0 */
    const char *message;    /**< human-readable text; never contains a password */
    const char *sql;        /**< the statement that failed, or NULL */
    const char *constraint; /**< the violated constraint's name, or NULL when unknown */
} ath_error;

/**
 * The last error set on the calling thread. Never NULL: after a success the code is ATH_OK and
 * the message empty only if ath_error_clear() ran; otherwise it still describes the last failure.
 * Valid until the next Athanor call on this thread.
 */
ATH_API const ath_error *ath_error_last(void);

/** Resets this thread's last error to ATH_OK. */
ATH_API void ath_error_clear(void);

/**
 * Sets this thread's last error (for mixins and other extensions that report failures the
 * Athanor way) and returns `code`, so `return ath_error_set(ATH_EINVAL, "…", …);` works.
 * A NULL `fmt` sets and returns ATH_EINVAL ("ath_error_set: fmt is NULL") instead.
 */
ATH_API int ath_error_set(int code, const char *fmt, ...) ATH_PRINTF(2, 3);

/** The code's symbolic name ("ATH_EDUPLICATE"), or "ATH_E?" for an unknown value. Static. */
ATH_API const char *ath_code_name(int code);

/** A short English description of the code. Static. */
ATH_API const char *ath_code_text(int code);

ATH_END_DECLS

#endif
