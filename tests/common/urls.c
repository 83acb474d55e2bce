/* Test kit: reading ATHANOR_TEST_URLS. */
#include "urls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_URLS 16

static char storage[8192];
static const char *urls[MAX_URLS];
static size_t nurls;
static bool loaded;
static char default_file[400];

static void remove_default_file(void)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[sizeof default_file + 16];
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        snprintf(path, sizeof path, "%s%s", default_file, suffixes[i]);
        remove(path);
    }
}

static void load(void)
{
    if (loaded)
        return;
    loaded = true;
    const char *env = getenv("ATHANOR_TEST_URLS");
    if (!env || !*env) {
        /* a file of this process's own, so suites run side by side (ctest -j) do not share it */
        static char defaults[512];
        snprintf(default_file, sizeof default_file, "%s/athanor-test-%ld.db", test_workdir(),
                 (long)getpid());
        snprintf(defaults, sizeof defaults, "sqlite:///:memory: sqlite:///%s", default_file);
        env = defaults;
        atexit(remove_default_file);
    }
    snprintf(storage, sizeof storage, "%s", env);
    for (char *tok = strtok(storage, " \t\n"); tok && nurls < MAX_URLS; tok = strtok(NULL, " \t\n"))
        urls[nurls++] = tok;
}

size_t test_urls(const char *const **out)
{
    load();
    *out = urls;
    return nurls;
}

bool test_under_ci(void)
{
    const char *ci = getenv("CI");
    return ci && strcmp(ci, "true") == 0;
}

const char *test_workdir(void)
{
    const char *w = getenv("ATHANOR_TEST_WORKDIR");
    return w && *w ? w : "/tmp";
}

static bool dialect_matches(const char *url, const char *dialects)
{
    size_t dlen = strcspn(url, "+:");
    const char *p = dialects;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len == dlen && strncmp(p, url, len) == 0)
            return true;
        p += len;
        if (*p == ',')
            p++;
    }
    return false;
}

const char *test_url_find(const char *dialects)
{
    load();
    for (size_t i = 0; i < nurls; i++)
        if (dialect_matches(urls[i], dialects))
            return urls[i];
    return NULL;
}

const char *test_url_for(const char *dialects)
{
    const char *url = test_url_find(dialects);
    if (url)
        return url;
    if (test_under_ci()) {
        fprintf(stderr, "CI=true but ATHANOR_TEST_URLS has no %s URL: failing, not skipping\n",
                dialects);
        exit(1);
    }
    fprintf(stderr, "SKIPPED: ATHANOR_TEST_URLS has no %s URL\n", dialects);
    return NULL;
}

void test_url_dialect(const char *url, char *out, size_t size)
{
    size_t n = strcspn(url, "+:");
    if (n >= size)
        n = size - 1;
    memcpy(out, url, n);
    out[n] = '\0';
    if (strcmp(out, "postgres") == 0)
        snprintf(out, size, "postgresql");
    else if (strcmp(out, "mariadb") == 0)
        snprintf(out, size, "mysql");
}

/* The database part of a sqlite URL ("sqlite:///x.db" -> "x.db", "sqlite:////a/b" -> "/a/b"),
 * without the query; "" for memory and for other dialects. */
static void sqlite_file(const char *url, char *out, size_t size)
{
    char dialect[32];
    out[0] = '\0';
    test_url_dialect(url, dialect, sizeof dialect);
    const char *p = strstr(url, "://");
    if (strcmp(dialect, "sqlite") != 0 || !p)
        return;
    p += 3;
    if (*p == '/')
        p++;
    size_t n = strcspn(p, "?");
    if (n >= size)
        n = size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    if (strcmp(out, ":memory:") == 0)
        out[0] = '\0';
}

bool test_url_is_memory(const char *url)
{
    char dialect[32], path[1024];
    test_url_dialect(url, dialect, sizeof dialect);
    sqlite_file(url, path, sizeof path);
    return strcmp(dialect, "sqlite") == 0 && path[0] == '\0';
}

void test_sqlite_remove(const char *url)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[1024], side[1100];
    sqlite_file(url, path, sizeof path);
    if (!path[0])
        return;
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        snprintf(side, sizeof side, "%s%s", path, suffixes[i]);
        unlink(side);
    }
}
