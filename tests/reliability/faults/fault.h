/* Fault tests: the backends, server control, skips, and the model the scenarios write. */
#ifndef ATHANOR_FAULT_H
#define ATHANOR_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <athanor/athanor.h>

#include "runner.h"

/* What differs between backends, in one place: the SQL each scenario needs to provoke its fault,
 * or NULL where the backend has no such fault (the scenario says so instead of pretending). */
typedef struct fault_backend {
    const char *name;      /* "postgresql", "mariadb", "sqlite" */
    const char *dialects;  /* URL schemes that select it */
    const char *env;       /* server-control prefix: <env>_STOP, _START, _RESTART; NULL: none */
    const char *url;       /* from ATHANOR_TEST_URLS (SQLite: a file of the suite's own) */
    const char *sleep_sql; /* a statement that runs for ~20 s, or NULL */
    const char *stmt_limit_sql;   /* a 200 ms statement time limit for what follows, or NULL */
    const char *lock_limit_sql;   /* a short lock wait limit for what follows, or NULL */
    const char *lock_limit_query; /* the same as an engine URL option, or NULL */
    bool deadlocks;               /* two writers can deadlock (SQLite locks the file up front) */
    bool single_connection;       /* :memory: holds its database in one connection */
} fault_backend;

enum { FB_POSTGRESQL, FB_MARIADB, FB_SQLITE_FILE, FB_SQLITE_MEMORY, FB_COUNT };

/** The backends of this run, indexed by FB_*. */
extern fault_backend fault_backends[FB_COUNT];

/** Resolves URLs from ATHANOR_TEST_URLS and the SQLite files in the work directory. */
void fault_init(void);

/**
 * True when `b` has a URL. Otherwise the current test is skipped (never passed): under CI=true
 * that is a failure, else a SKIPPED line and exit status 77 at the end.
 */
bool fault_need_url(const fault_backend *b);

/**
 * Runs the server-control command `<b->env>_<action>` (action "STOP", "START", "RESTART").
 * A missing variable skips the test the same way as a missing URL and returns false; a command
 * that fails is a test failure (and false).
 */
bool fault_server(const fault_backend *b, const char *action);
/** True when every server-control command for `b` is configured (skips the test otherwise). */
bool fault_need_control(const fault_backend *b);
/** After a test that stopped the server: starts it again if it is down (no assertion). */
void fault_server_ensure_up(const fault_backend *b);

/** Records a skipped test with its reason (a failure under CI). */
void fault_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Number of tests skipped so far. */
int fault_skipped(void);

/** An engine on b->url with `query` ("pool_size=2&…") appended; NULL (and a failure) if not. */
ath_engine *fault_engine(const fault_backend *b, const char *query);
/** As fault_engine, on an explicit URL. */
ath_engine *fault_engine_url(const char *url, const char *query);

/* The table the scenarios write: names are unique so lost or doubled rows show. */
typedef struct FaultItem {
    int64_t id;
    char *name;
    int64_t qty;
    char *note; /* nullable, for bulky rows */
} FaultItem;
extern const ath_model FaultItem_model;

/** Drops and creates the table; false (and a failure) on error. */
bool fault_reset_table(ath_engine *engine);
/** Adds `n` rows named "<prefix>-<i>" (qty i) and commits, in a session of its own. */
bool fault_seed(ath_engine *engine, const char *prefix, int n);
/** Rows in the table (a session of its own), or -1 with a failure. */
int64_t fault_count(ath_engine *engine);
/** Rows whose name starts with `prefix`, or -1. */
int64_t fault_count_prefix(ath_engine *engine, const char *prefix);
/** The qty of the row named `name`, or INT64_MIN. */
int64_t fault_qty(ath_engine *engine, const char *name);

/** Runs raw SQL without rows in `s`. */
int fault_exec(ath_session *s, const char *sql);

/** A thread that stops `b`'s server after `delay_ms` (pthread_create(&t, NULL, fault_stop_later,
 *  &st)); `status` is the command's exit status (-1 until it ran). */
typedef struct fault_stopper {
    const fault_backend *b;
    int delay_ms;
    int status;
} fault_stopper;
void *fault_stop_later(void *stopper);
/** First column of the first row as text into buf ("" for none); the call's code. */
int fault_text(ath_session *s, const char *sql, char *buf, size_t size);

/** Monotonic seconds. */
#define fault_now() test_now()
/** Sleeps `ms` milliseconds. */
void fault_sleep_ms(int ms);

/** Records a failed assertion with a formatted message (CU_FAIL takes only a literal). */
#define FAULT_FAIL(...) fault_fail(__FILE__, __LINE__, __VA_ARGS__)
void fault_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Asserts that `rc` is one of the two codes. */
#define ASSERT_RC2(rc, a, b) fault_assert_rc2((rc), (a), (b), #rc, __FILE__, __LINE__)
void fault_assert_rc2(int rc, int a, int b, const char *expr, const char *file, int line);

/* suites */

#endif
