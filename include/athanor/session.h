/* Athanor — sessions (one connection, one transaction at a time) and raw SQL results. */
#ifndef ATHANOR_SESSION_H
#define ATHANOR_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "error.h"
#include "export.h"
#include "value.h"

ATH_BEGIN_DECLS

/*
 * NULL arguments (docs/errors.md): a NULL handle, out-parameter, model list, array with a
 * non-zero count or required string is refused with ATH_EINVAL and the message
 * "<function>: <argument> is NULL" -- never a crash. Functions that cannot return a code say
 * below what they give for NULL (and set the same error); _free/_close/_dispose accept NULL.
 */

typedef struct ath_session ath_session;
typedef struct ath_result ath_result;

/**
 * Opens a session on `engine`. The connection is checked out of the pool lazily, with the first
 * statement, and a transaction begins then (autobegin); it lasts until commit or rollback.
 *
 * On success `*out` owns the session; close it with ath_session_close(). The session keeps the
 * engine's memory alive until it is closed (see ath_engine_dispose). Returns ATH_OK, ATH_EINVAL
 * (NULL argument, or the engine was disposed), ATH_ENOMEM.
 */
ATH_API int ath_session_open(ath_session **out, ath_engine *engine);

/**
 * Rolls back whatever was not committed, returns the connection to the pool and closes the
 * session; NULL is a no-op. A raw result still open is finished (it reads as ended) and may be
 * freed afterwards; repositories opened on the session keep its memory alive until they are
 * freed, and every operation through them is then ATH_EINVAL ("the session was closed"), as is
 * every ath_session_* call on it except the getters (false / 0 / NULL). Close a session once.
 */
ATH_API void ath_session_close(ath_session *session);

/**
 * Begins a transaction now instead of at the first statement. Returns ATH_OK, ATH_EINVAL when
 * one is already open, or the connection's error (ATH_ETIMEOUT when the pool had no connection).
 */
ATH_API int ath_session_begin(ath_session *session);

/** Commits the open transaction (nothing to do is ATH_OK). A failed transaction cannot commit:
 *  ATH_EINVAL, "roll back first". */
ATH_API int ath_session_commit(ath_session *session);

/** Rolls back the open transaction and clears the failed state; nothing open is ATH_OK. */
ATH_API int ath_session_rollback(ath_session *session);

/** True while a transaction is open; false for a NULL or closed session. */
ATH_API bool ath_session_in_transaction(const ath_session *session);

/** True when a statement failed in the open transaction: only a rollback (to a savepoint taken
 *  before the failure) makes the session usable again. False for a NULL session. */
ATH_API bool ath_session_failed(const ath_session *session);

/** A savepoint handle: its depth in the session's savepoint stack (1 = outermost). */
typedef int ath_savepoint;

/** Takes a savepoint (beginning the transaction if needed). Nestable. */
ATH_API int ath_session_savepoint(ath_session *session, ath_savepoint *out);
/** Releases `sp` and every savepoint taken after it. ATH_EINVAL for an unknown savepoint. */
ATH_API int ath_session_release(ath_session *session, ath_savepoint sp);
/**
 * Rolls back to `sp` (which stays usable) and discards later savepoints. When the failure that
 * marked the transaction failed came after `sp`, the session is usable again.
 */
ATH_API int ath_session_rollback_to(ath_session *session, ath_savepoint sp);

/**
 * Runs raw SQL written with `?` placeholders on every backend; values are bound, never pasted
 * in. A statement yielding rows gives `*out`, read with ath_result_next() and freed with
 * ath_result_free(); `out` may be NULL when the rows are not wanted. While a result is open
 * (until its last row was read or it was freed) the session runs nothing else: every other call
 * that would send a statement is ATH_EINVAL. The text is one statement (a trailing `;`,
 * white space and comments are fine): more than one is ATH_ESQL on every backend, and none of
 * them runs.
 *
 * Returns ATH_OK or the database's error mapped to an ath_code (ATH_EDUPLICATE…), with the SQL
 * in ath_error_last(). After a database error the transaction is failed (see docs).
 */
ATH_API int ath_session_execute(ath_session *session, const char *sql, const ath_value *params,
                                size_t nparams, ath_result **out);

/** Moves to the next row: 1 when there is one, 0 at the end (also once the session was closed
 *  or rolled back), a negative ath_code on error. */
ATH_API int ath_result_next(ath_result *result);
/** Number of columns in the result; 0 for a NULL or finished result. */
ATH_API int ath_result_column_count(ath_result *result);
/** Name of column `i`; NULL for a NULL or finished result or an index out of range. */
ATH_API const char *ath_result_column_name(ath_result *result, int i);
/**
 * Reads column `i` of the current row as `type`. Text and blob pointers stay valid until the
 * next ath_result_next() or ath_result_free(). SQL NULL gives out->type == ATH_T_NULL.
 */
ATH_API int ath_result_get(ath_result *result, int i, ath_type type, ath_value *out);
/** Convenience reads: SQL NULL, a NULL result and a failed read give 0 / NULL. */
ATH_API int64_t ath_result_i64(ath_result *result, int i);
ATH_API double ath_result_double(ath_result *result, int i);
/** Text of column i, NUL-terminated, valid until the next row; NULL for SQL NULL. */
ATH_API const char *ath_result_text(ath_result *result, int i);
/** Rows changed by the statement (INSERT/UPDATE/DELETE); 0 for a NULL result. */
ATH_API int64_t ath_result_affected(const ath_result *result);
/** Frees the result; NULL is a no-op. */
ATH_API void ath_result_free(ath_result *result);

/** Rows changed by the last ath_session_execute() on this session; 0 for a NULL session. */
ATH_API int64_t ath_session_affected(const ath_session *session);

/**
 * Attaches a named value to the session (copied; text and blobs too), for mixins that need
 * per-session context such as the current tenant. Setting a NULL value removes the key.
 * Returns ATH_OK, ATH_EINVAL (empty key), ATH_ENOMEM.
 */
ATH_API int ath_session_set(ath_session *session, const char *key, ath_value value);
/** The value stored under `key` (valid until it is set again or the session closes); false when
 *  there is none, and for a NULL session, key or out (*out is a NULL value when out is given). */
ATH_API bool ath_session_get(const ath_session *session, const char *key, ath_value *out);

/** The engine the session belongs to (kept alive by the session); NULL for a NULL session. */
ATH_API ath_engine *ath_session_engine(const ath_session *session);

ATH_END_DECLS

#endif
