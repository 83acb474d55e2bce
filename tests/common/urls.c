/* Test kit: reading ATHANOR_TEST_URLS. */
#include "urls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_URLS 16

static char storage[8192];
static const char *urls[MAX_URLS];
static size_t nurls;
static bool loaded;

static void load(void)
{
    if (loaded)
        return;
    loaded = true;
    const char *env = getenv("ATHANOR_TEST_URLS");
    if (!env || !*env) {
        static char defaults[512];
        snprintf(defaults, sizeof defaults, "sqlite:///:memory: sqlite:///%s/athanor-test.db",
                 test_workdir());
        env = defaults;
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

const char *test_url_for(const char *dialects)
{
    load();
    for (size_t i = 0; i < nurls; i++)
        if (dialect_matches(urls[i], dialects))
            return urls[i];
    if (test_under_ci()) {
        fprintf(stderr, "CI=true but ATHANOR_TEST_URLS has no %s URL: failing, not skipping\n",
                dialects);
        exit(1);
    }
    fprintf(stderr, "SKIPPED: ATHANOR_TEST_URLS has no %s URL\n", dialects);
    return NULL;
}
