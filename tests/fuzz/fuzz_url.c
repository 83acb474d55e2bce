/*
 * libFuzzer target: ath_url_parse and ath_url_render.
 *
 * Invariants, for any input:
 * - parse never crashes, and a failure is ATH_EURL (or ATH_EINVAL/ATH_ENOMEM) with *out NULL;
 * - a parsed URL renders, the rendering parses again to the same parts (dialect, driver, user,
 *   password, host, port, database, every query pair in order), and renders to the same text;
 * - rendering into a short buffer returns the full length (snprintf-style), NUL-terminates and
 *   writes a prefix of the full text;
 * - with hide_password the rendering parses to the password "***" (and to no password when the
 *   URL had none).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor/error.h>
#include <athanor/url.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_url: invariant broken: %s: ", #cond);                            \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Renders into a malloc'd string; aborts when rendering fails. */
static char *render(const ath_url *url, bool hide)
{
    int n = ath_url_render(url, hide, NULL, 0);
    CHECK(n >= 0, "render returned %d (%s)", n, ath_error_last()->message);
    char *buf = malloc((size_t)n + 1);
    if (!buf)
        abort();
    int m = ath_url_render(url, hide, buf, (size_t)n + 1);
    CHECK(m == n, "render said %d bytes, then wrote %d", n, m);
    CHECK(strlen(buf) == (size_t)n, "rendered %zu bytes, reported %d", strlen(buf), n);
    return buf;
}

static void same_parts(const ath_url *a, const ath_url *b, const char *text)
{
    CHECK(same(ath_url_dialect(a), ath_url_dialect(b)), "dialect of %s", text);
    CHECK(same(ath_url_driver(a), ath_url_driver(b)), "driver of %s", text);
    CHECK(same(ath_url_username(a), ath_url_username(b)), "user of %s", text);
    CHECK(same(ath_url_password(a), ath_url_password(b)), "password of %s", text);
    CHECK(same(ath_url_host(a), ath_url_host(b)), "host of %s", text);
    CHECK(ath_url_port(a) == ath_url_port(b), "port of %s", text);
    CHECK(same(ath_url_database(a), ath_url_database(b)), "database of %s", text);
    size_t n = ath_url_query_count(a);
    CHECK(n == ath_url_query_count(b), "query count of %s", text);
    for (size_t i = 0; i < n; i++) {
        const char *ka, *va, *kb, *vb;
        CHECK(ath_url_query_at(a, i, &ka, &va) == ATH_OK, "query %zu", i);
        CHECK(ath_url_query_at(b, i, &kb, &vb) == ATH_OK, "query %zu", i);
        CHECK(same(ka, kb) && same(va, vb), "query pair %zu of %s", i, text);
    }
    const char *k, *v;
    CHECK(ath_url_query_at(a, n, &k, &v) == ATH_EINVAL && !k && !v, "query_at past the end");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    ath_url *url = (ath_url *)text; /* must be overwritten */
    int rc = ath_url_parse(&url, text);
    if (rc != ATH_OK) {
        CHECK(url == NULL, "a failed parse left *out set");
        CHECK(rc == ATH_EURL || rc == ATH_ENOMEM || rc == ATH_EINVAL, "parse returned %d", rc);
        CHECK(ath_error_last()->code == rc, "the error code is not the one returned");
        free(text);
        return 0;
    }
    CHECK(url != NULL, "parse succeeded without a URL");
    CHECK(ath_url_dialect(url) != NULL, "no dialect");
    CHECK(ath_url_port(url) >= 0 && ath_url_port(url) <= 65535, "port %d", ath_url_port(url));

    /* render → parse → same parts → same text */
    char *shown = render(url, false);
    ath_url *again = NULL;
    rc = ath_url_parse(&again, shown);
    CHECK(rc == ATH_OK, "the rendering \"%s\" of a parsed URL does not parse: %s", shown,
          ath_error_last()->message);
    same_parts(url, again, shown);
    char *shown2 = render(again, false);
    CHECK(strcmp(shown, shown2) == 0, "rendering is not stable: \"%s\" then \"%s\"", shown, shown2);

    /* short buffers: snprintf rules */
    size_t n = strlen(shown);
    size_t sizes[] = {1, 2, n / 2, n > 0 ? n - 1 : 0, n};
    char *buf = malloc(n + 1);
    if (!buf)
        abort();
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t sz = sizes[i];
        if (sz == 0)
            continue;
        memset(buf, 'Z', n + 1);
        int m = ath_url_render(url, false, buf, sz);
        CHECK(m == (int)n, "render into %zu bytes returned %d, not %zu", sz, m, n);
        CHECK(buf[sz - 1] == '\0' || strlen(buf) < sz, "no terminator in %zu bytes", sz);
        CHECK(strncmp(buf, shown, strlen(buf)) == 0 && strlen(buf) == (sz - 1 < n ? sz - 1 : n),
              "render into %zu bytes is not a prefix", sz);
    }

    /* the password is hidden */
    char *hidden = render(url, true);
    ath_url *h = NULL;
    rc = ath_url_parse(&h, hidden);
    CHECK(rc == ATH_OK, "the hidden rendering \"%s\" does not parse", hidden);
    if (ath_url_password(url))
        CHECK(same(ath_url_password(h), "***"), "hidden rendering shows password \"%s\"",
              ath_url_password(h) ? ath_url_password(h) : "(none)");
    else
        CHECK(ath_url_password(h) == NULL, "a password appeared");
    CHECK(same(ath_url_host(url), ath_url_host(h)) && ath_url_port(url) == ath_url_port(h),
          "hiding the password changed the host or port");

    ath_url_free(h);
    free(hidden);
    free(buf);
    free(shown2);
    ath_url_free(again);
    free(shown);
    ath_url_free(url);
    free(text);
    return 0;
}
