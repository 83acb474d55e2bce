/* Slugs: a unique, URL-friendly key derived from another column, checked against the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor/mixins.h>

#include "null_arg.h"

#define SLUG_MAX 255

static const ath_mixin_role roles[] = {
    {.name = "slug", .type = ATH_T_TEXT, .flags = ATH_UNIQUE, .max_length = SLUG_MAX},
};

/* Latin letters with diacritics (as Unicode code points) and their ASCII spelling. */
static const struct {
    unsigned cp;
    const char *ascii;
} translit[] = {
    {0xC0, "a"},  {0xC1, "a"},  {0xC2, "a"},  {0xC3, "a"},  {0xC4, "a"},  {0xC5, "a"},
    {0xC6, "ae"}, {0xC7, "c"},  {0xC8, "e"},  {0xC9, "e"},  {0xCA, "e"},  {0xCB, "e"},
    {0xCC, "i"},  {0xCD, "i"},  {0xCE, "i"},  {0xCF, "i"},  {0xD0, "d"},  {0xD1, "n"},
    {0xD2, "o"},  {0xD3, "o"},  {0xD4, "o"},  {0xD5, "o"},  {0xD6, "o"},  {0xD8, "o"},
    {0xD9, "u"},  {0xDA, "u"},  {0xDB, "u"},  {0xDC, "u"},  {0xDD, "y"},  {0xDE, "th"},
    {0xDF, "ss"}, {0xE0, "a"},  {0xE1, "a"},  {0xE2, "a"},  {0xE3, "a"},  {0xE4, "a"},
    {0xE5, "a"},  {0xE6, "ae"}, {0xE7, "c"},  {0xE8, "e"},  {0xE9, "e"},  {0xEA, "e"},
    {0xEB, "e"},  {0xEC, "i"},  {0xED, "i"},  {0xEE, "i"},  {0xEF, "i"},  {0xF0, "d"},
    {0xF1, "n"},  {0xF2, "o"},  {0xF3, "o"},  {0xF4, "o"},  {0xF5, "o"},  {0xF6, "o"},
    {0xF8, "o"},  {0xF9, "u"},  {0xFA, "u"},  {0xFB, "u"},  {0xFC, "u"},  {0xFD, "y"},
    {0xFE, "th"}, {0xFF, "y"},  {0x100, "a"}, {0x101, "a"}, {0x102, "a"}, {0x103, "a"},
    {0x104, "a"}, {0x105, "a"}, {0x106, "c"}, {0x107, "c"}, {0x10C, "c"}, {0x10D, "c"},
    {0x10E, "d"}, {0x10F, "d"}, {0x110, "d"}, {0x111, "d"}, {0x112, "e"}, {0x113, "e"},
    {0x118, "e"}, {0x119, "e"}, {0x11A, "e"}, {0x11B, "e"}, {0x11E, "g"}, {0x11F, "g"},
    {0x130, "i"}, {0x131, "i"}, {0x141, "l"}, {0x142, "l"}, {0x143, "n"}, {0x144, "n"},
    {0x147, "n"}, {0x148, "n"}, {0x150, "o"}, {0x151, "o"}, {0x152, "oe"}, {0x153, "oe"},
    {0x158, "r"}, {0x159, "r"}, {0x15A, "s"}, {0x15B, "s"}, {0x15E, "s"}, {0x15F, "s"},
    {0x160, "s"}, {0x161, "s"}, {0x162, "t"}, {0x163, "t"}, {0x164, "t"}, {0x165, "t"},
    {0x16E, "u"}, {0x16F, "u"}, {0x170, "u"}, {0x171, "u"}, {0x178, "y"}, {0x179, "z"},
    {0x17A, "z"}, {0x17B, "z"}, {0x17C, "z"}, {0x17D, "z"}, {0x17E, "z"},
};

/* Decodes one UTF-8 sequence at s; returns its length (1 for a stray byte). */
static size_t utf8_next(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
        *cp = (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
        return 2;
    }
    if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        *cp = (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        return 3;
    }
    size_t n = 1;
    while (s[n] && (s[n] & 0xC0) == 0x80 && n < 4)
        n++;
    *cp = 0xFFFD;
    return n;
}

int ath_slugify(char *out, size_t size, const char *text)
{
    if (!out && size)
        return plugin_null_arg(__func__, "out");
    if (!text)
        return plugin_null_arg(__func__, "text");
    size_t len = 0;
    int pending_hyphen = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        unsigned cp;
        p += utf8_next(p, &cp);
        const char *piece = NULL;
        char one[2] = {0, 0};
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
            one[0] = (char)cp;
            piece = one;
        } else if (cp >= 'A' && cp <= 'Z') {
            one[0] = (char)(cp - 'A' + 'a');
            piece = one;
        } else {
            for (size_t i = 0; i < sizeof translit / sizeof *translit; i++)
                if (translit[i].cp == cp)
                    piece = translit[i].ascii;
        }
        if (!piece) { /* anything else separates words */
            pending_hyphen = len > 0;
            continue;
        }
        if (pending_hyphen) {
            if (len + 1 < size)
                out[len] = '-';
            len++;
            pending_hyphen = 0;
        }
        for (; *piece; piece++, len++)
            if (len + 1 < size)
                out[len] = *piece;
    }
    if (size)
        out[len < size ? len : size - 1] = '\0';
    return (int)len;
}

static const char *source_column(const ath_mixin_ctx *ctx)
{
    const ath_slug_config *c = ctx->config;
    return c && c->source ? c->source : "name";
}

/* Whether a row (deleted ones included: the constraint sees them), or an object earlier in the
 * same add_many, already has this slug. */
static int taken(const ath_mixin_ctx *ctx, const char *slug, bool *out)
{
    size_t size = ctx->model->struct_size;
    for (size_t i = 0; ctx->batch && i < ctx->index; i++) {
        ath_value v = ath_mixin_get(ctx, (const char *)ctx->batch + i * size, 0);
        if (v.type != ATH_T_NULL && v.u.s.len == strlen(slug) &&
            memcmp(v.u.s.ptr, slug, v.u.s.len) == 0) {
            *out = true;
            return ATH_OK;
        }
    }
    return ath_repo_exists(ctx->repo, out,
                           ATH_FILTERS(ath_where(ath_mixin_column(ctx, 0), ATH_EQ, ath_v_text(slug)),
                                       ath_options(ATH_OPT_INCLUDE_DELETED)));
}

static int before_insert(const ath_mixin_ctx *ctx, void *obj)
{
    if (!ath_mixin_unset(ctx, obj, 0))
        return ATH_OK;
    ath_value src;
    int rc = ath_mixin_column_value(ctx, obj, source_column(ctx), &src);
    if (rc != ATH_OK)
        return rc;
    char text[1024] = "";
    if (src.type != ATH_T_NULL)
        snprintf(text, sizeof text, "%.*s", (int)(src.u.s.len < 1023 ? src.u.s.len : 1023),
                 (const char *)src.u.s.ptr);
    char base[SLUG_MAX - 8];
    ath_slugify(base, sizeof base, text);
    if (!*base)
        snprintf(base, sizeof base, "item");
    char candidate[SLUG_MAX + 1];
    snprintf(candidate, sizeof candidate, "%s", base);
    for (int n = 2; n < 100000; n++) {
        bool exists = false;
        if ((rc = taken(ctx, candidate, &exists)) != ATH_OK)
            return rc;
        if (!exists) {
            ath_value v = ath_v_text(candidate);
            return ath_mixin_set(ctx, obj, 0, &v);
        }
        snprintf(candidate, sizeof candidate, "%s-%d", base, n);
    }
    return ath_error_set(ATH_EDUPLICATE, "no free slug for \"%s\"", base);
}

const ath_mixin ath_slug = {
    .abi = ATH_MIXIN_ABI,
    .name = "slug",
    .roles = roles,
    .nroles = 1,
    .before_insert = before_insert,
};

int ath_slug_get(ath_repo *repo, void *out, const char *slug)
{
    if (!repo)
        return plugin_null_arg(__func__, "repo");
    if (!out)
        return plugin_null_arg(__func__, "out");
    if (!slug)
        return plugin_null_arg(__func__, "slug");
    const char *column = ath_repo_role_column(repo, &ath_slug, "slug");
    if (!column)
        return ath_error_set(ATH_EINVAL, "the model of this repository has no slug mixin");
    return ath_repo_get_one(repo, out, ATH_FILTERS(ath_where(column, ATH_EQ, ath_v_text(slug))));
}
