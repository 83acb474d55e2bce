/* Test kit: the database URLs a run is configured for (ATHANOR_TEST_URLS). */
#ifndef ATHANOR_TEST_URLS_H
#define ATHANOR_TEST_URLS_H

#include <stdbool.h>
#include <stddef.h>

/** Exit status of a suite that had nothing to run against (reported as SKIPPED, never PASS). */
#define TEST_EXIT_SKIPPED 77

/** The URLs in ATHANOR_TEST_URLS (space-separated), or the two SQLite defaults when unset. */
size_t test_urls(const char *const **out);

/** The first configured URL whose dialect (the text before "://" or "+") is one of the
 *  comma-separated `dialects`, or NULL. Prints nothing. */
const char *test_url_find(const char *dialects);

/**
 * As test_url_find ("postgresql,postgres"), for a suite that needs the URL. When there is none
 * and CI=true, prints why and exits with status 1; otherwise prints SKIPPED and returns NULL (the
 * caller exits with TEST_EXIT_SKIPPED).
 */
const char *test_url_for(const char *dialects);

/** The URL's dialect: the scheme before "+driver" or "://", with the loader's aliases
 *  ("postgres" -> "postgresql", "mariadb" -> "mysql"). */
void test_url_dialect(const char *url, char *out, size_t size);

/** True for a SQLite database in memory ("sqlite://", "sqlite:///:memory:"). */
bool test_url_is_memory(const char *url);

/** Deletes the database file of a SQLite URL and its -wal/-shm/-journal, so a suite starts
 *  empty; does nothing for memory and for other dialects. */
void test_sqlite_remove(const char *url);

/** True when CI=true. */
bool test_under_ci(void);

/** A writable scratch directory for the run (ATHANOR_TEST_WORKDIR, else /tmp). */
const char *test_workdir(void);

#endif
