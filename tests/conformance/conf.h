/*
 * The conformance suite's harness: the database a suite runs against, per-test fixtures whose
 * resources are released even when a fatal assertion leaves a test early, raw reads through
 * ath_session_execute (the "second path" tests read back through), and assertions that print
 * the values they compare.
 */
#ifndef ATHANOR_CONFORMANCE_CONF_H
#define ATHANOR_CONFORMANCE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <athanor/athanor.h>

#include "backends.h"
#include "fixtures.h"
#include "harness.h"
#include "models.h"
#include "runner.h"

/** One configured database. */
typedef struct conf_target {
    const char *url;
    const backend *be;
    const char *label; /**< unique suite-name suffix ("sqlite-memory", "postgresql-2") */
    ath_engine *engine;
} conf_target;

/** The database of the running suite. */
extern conf_target *conf;

/** A group of tests: registered once ("models") or once per URL ("repo-add@sqlite-memory"). */
/**
 * Registers the group `name` of `tests` ({NULL, NULL}-terminated): once per URL of
 * ATHANOR_TEST_URLS as "<name>@<backend>" over the conformance models where per_url, else once
 * without a database. A test file calls it from its TEST_SUITE().
 */
void conf_add_group(const char *name, const test_case *tests, bool per_url);

/* --- fixtures ----------------------------------------------------------------------------- */

/**
 * Starts a test: releases whatever an earlier test left open, empties every table (recreating
 * the schema if a table is missing) and opens a session, tracked until conf_end().
 */
ath_session *conf_begin(void);
/** Opens one more tracked session (see backend.concurrent_sessions before holding two). */
ath_session *conf_session(void);
/** Frees the repositories opened on `s`, then closes it (rolling back what was not committed). */
#define conf_close(s) test_close(s)
/** Opens a tracked repository; a failure ends the test. */
#define conf_repo(s, model)            test_repo((s), (model), NULL)
#define conf_repo_opts(s, model, opts) test_repo((s), (model), (opts))
/** Lists with the filters; a failure ends the test. The list is freed by conf_end(). */
#define conf_list(repo, ...) test_list((repo), __VA_ARGS__, TEST_FULL_IGNORE)
/** Tracks a list the test made itself, so conf_end() frees it. Returns it (untracked when every
 *  slot is taken). */
#define conf_keep(list) test_keep((list), TEST_FULL_IGNORE)
/** Ends a test: frees tracked lists and repositories, closes tracked sessions. */
#define conf_end() test_end()
/** Drops and recreates every table of the suite (for tests that drop tables). */
int conf_recreate_schema(void);

/* --- raw reads (the second path) ---------------------------------------------------------- */

/** First column of the first row as i64, or INT64_MIN when the statement fails or has no row. */
int64_t sql_i64(ath_session *s, const char *sql, const ath_value *params, size_t nparams);
/** First column of the first row as malloc'd text; NULL for SQL NULL, no row or failure. */
char *sql_text(ath_session *s, const char *sql, const ath_value *params, size_t nparams);
/** Rows in `table`, read in `s`. */
int64_t sql_count(ath_session *s, const char *table);
/** Runs a statement with no interesting result; returns its code. */
int sql_exec(ath_session *s, const char *sql, const ath_value *params, size_t nparams);

/** The stored hero `id` as "name|secret|age|team_id" (NULL as "-"; "(no row)"), read raw. */
void stored_hero(ath_session *s, int64_t id, char *buf, size_t size);
#define ASSERT_HERO(s, id, expected)                                                               \
    do {                                                                                           \
        char row_[512];                                                                            \
        stored_hero((s), (id), row_, sizeof row_);                                                 \
        ASSERT_STR(row_, (expected));                                                              \
    } while (0)

/* --- data helpers ----------------------------------------------------------------------------- */

/** Adds a team (strings are the caller's) and returns its id; a failure ends the test. */
int64_t add_team(ath_repo *teams, const char *name, const char *headquarters);
/** Adds a hero and returns its id; age < 0 means NULL, team_id 0 means NULL. */
int64_t add_hero(ath_repo *heroes, const char *name, const char *secret, int age, int64_t team_id);
/**
 * The filter dataset, added and committed in `s`:
 *
 *   team            headquarters   heroes (age)
 *   Avengers        Stark Tower    Spider-Boy (16), Rusty-Man (48)
 *   Alpha Flight    NULL           Tarantula (32), 500 Club (39)
 *   Justice League  Watchtower     Black Lion (35), Captain North (93)
 *   Empty Team      Nowhere        -
 *   (no team)                      Deadpond (NULL), Dr. Weird (35), 50% Off (50), a_b (20),
 *                                  axb (21)
 *
 * Secret names: Deadpond "Dive Wilson", Spider-Boy "Pedro Parqueador", Rusty-Man "Tommy Sharp",
 * Black Lion "Trevor Challa", Captain North "Esteban Rogelios", Tarantula "Natalia Roman-on",
 * Dr. Weird "Steve Weird", 50% Off "Sale Man", 500 Club "Big Number", a_b "under score",
 * axb "x marks".
 */
void seed_heroes(ath_session *s);
/** Every hero name of the dataset, '|'-separated. */
#define ALL_HEROES                                                                                 \
    "Deadpond|Spider-Boy|Rusty-Man|Black Lion|Captain North|Tarantula|Dr. Weird|50% Off|500 "      \
    "Club|a_b|axb"

/**
 * For calls whose contract says obj ends up owning its strings (get_or_upsert): asserts that
 * every string or blob in `obj` is no longer the caller's pointer from `before`, then frees the
 * owned ones with ath_model_free_fields (never the caller's, so a broken call fails, not crashes).
 */
#define FREE_OWNED(model, obj, before) conf_free_owned((model), (obj), (before), __FILE__, __LINE__)
void conf_free_owned(const ath_model *model, void *obj, const void *before, const char *file,
                     int line);
/** A version-4-shaped UUID, distinct for every `seed`. */
ath_uuid conf_uuid(unsigned seed);
/** Fills every plain column of `o` from `seed` (id = conf_uuid(seed)); optional ones unset. */
void fill_all_types(AllTypes *o, unsigned seed);

/* --- assertions that say what they saw ------------------------------------------------------ */

/* ASSERT_I64 and ASSERT_STR: runner.h */
/** The `member` strings of a list's `Type` items are exactly `expected` ("a|b|c"), any order. */
#define ASSERT_NAMES(list, Type, member, expected)                                                 \
    conf_assert_names((list), offsetof(Type, member), (expected), false, __FILE__, __LINE__)
/** As ASSERT_NAMES, in this order. */
#define ASSERT_NAMES_ORDERED(list, Type, member, expected)                                         \
    conf_assert_names((list), offsetof(Type, member), (expected), true, __FILE__, __LINE__)
/** The error message contains one of two texts (a constraint name or a column). */
#define ASSERT_ERR_HAS_ANY(a, b) conf_assert_err_has_any((a), (b), __FILE__, __LINE__)

void conf_assert_names(const ath_list *list, size_t offset, const char *expected, bool ordered,
                       const char *file, int line);
void conf_assert_err_has_any(const char *a, const char *b, const char *file, int line);

#endif
