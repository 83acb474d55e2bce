/* Private: what the repository and schema code need from a session. */
#ifndef ATH_CORE_SESSION_H
#define ATH_CORE_SESSION_H

#include <athanor/repository.h>
#include <athanor/session.h>

#include "conn.h"

/** Takes a reference (a repository does): the memory lives until the last one is dropped. */
void ath_session_ref(ath_session *session);
/** Drops a reference; the last one frees the session and drops its engine reference. */
void ath_session_unref(ath_session *session);
/** True once ath_session_close ran. */
bool ath_session_closed(const ath_session *session);

/**
 * Makes sure a connection is held and a transaction is open (BEGIN, or the dialect's
 * write-transaction form when `write`), refusing when the transaction has failed.
 */
int ath_session_ensure(ath_session *session, bool write, ath_conn **conn);
/**
 * Lends `conn` (checked out of the engine's pool by the caller) to a session that holds none:
 * the session runs every transaction on it and never checks it in; the caller does, after
 * ath_session_close. For what must happen on the connection around the session's transactions
 * (the migrator's SQLite foreign-key switch).
 */
void ath_session_lend(ath_session *session, ath_conn *conn);
/** ATH_OPT_PRIMARY: with replicas, moves the session's transaction to the primary (opening it
 *  there as a read transaction when none is open); without, does nothing. */
int ath_session_ensure_primary(ath_session *session);

/** Prepares `sql` on the session's connection, opening the transaction first. */
int ath_session_prepare(ath_session *session, const char *sql, bool write, ath_stmt **out);

/** As ath_session_prepare, through a remembered cache entry (see ath_conn_prepare_ref). */
int ath_session_prepare_ref(ath_session *session, const char *sql, bool write, ath_stmt_ref *ref,
                            ath_stmt **out);

/** Executes a prepared statement; a database error marks the transaction failed. */
int ath_session_run(ath_session *session, ath_stmt *stmt, const ath_value *params, size_t nparams);

/** Steps a statement; a database error marks the transaction failed. */
int ath_session_step(ath_session *session, ath_stmt *stmt);

/** Runs a statement without parameters or rows (DDL) in the session's transaction. */
int ath_session_exec(ath_session *session, const char *sql);

/**
 * Sends rows through the driver's bulk path (when it has one) in the session's transaction.
 * ATH_EUNSUPPORTED (nothing was sent) leaves the transaction usable: the caller inserts
 * another way.
 */
int ath_session_bulk_insert(ath_session *session, const char *table, const char *const *columns,
                            size_t ncols, const ath_value *values, size_t nrows);

/** The statement of an open result (its current row), NULL once the result has finished. */
ath_stmt *ath_result_stmt(const ath_result *result);
/** True when the session ended the result (commit, rollback, close) before its last row. */
bool ath_result_detached(const ath_result *result);

/** The async session owning `session` (core/async.c), NULL when none or once its close was
 *  asked for (the loop thread clears it: a worker may be closing the session meanwhile). */
struct ath_async_session *ath_session_async(const ath_session *session);
void ath_session_set_async(ath_session *session, struct ath_async_session *owner);
/** The session a raw result came from (kept alive by the result, even once it finished); NULL
 *  for NULL. */
ath_session *ath_result_session(const ath_result *result);
/** The session of a streaming iterator; NULL for NULL (core/repo_iter.c). */
ath_session *ath_repo_iter_session(const ath_repo_iter *iter);

/**
 * The async runtime runs a pipelinable read on the session (on) or has finished it (off). While
 * on, a read that finds no transaction open and no connection held shares a pipelined
 * connection of the engine's pool (ath_pool_checkout_shared) without BEGIN; off gives that
 * share back. A write meanwhile gives it back and proceeds as usual.
 */
void ath_session_set_pipelined(ath_session *session, bool on);

/** Marks the transaction failed after a database error `rc` (ATH_EINVAL does not count). */
int ath_session_note_error(ath_session *session, int rc);

#endif
