/* Connection URLs: parsing (SQLAlchemy's make_url, stricter) and rendering. See docs/urls.md. */
#include <athanor/url.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "alloc.h"
#include "error.h"

typedef struct url_pair {
    char *key;
    char *value;
} url_pair;

struct ath_url {
    char *dialect;
    char *driver;   /* NULL when the URL names none */
    char *username; /* decoded; NULL when absent or empty */
    char *password; /* decoded; NULL when absent, "" when given empty */
    char *host;     /* without brackets; an IPv6 zone is stored as "%zone" */
    int port;       /* 0 when absent */
    char *database; /* decoded; NULL when absent or empty */
    url_pair *query;
    size_t nquery;
    size_t query_cap;
};

/* The state of one parse: the text, the URL being filled, and where its parts lie. */
typedef struct parser {
    const char *text;
    ath_url *url;
    size_t auth;      /* first byte after "://" */
    size_t auth_end;  /* first '/' or '?' after auth, or the end of the text */
    const char *hint; /* appended to errors that a mis-split password can cause */
} parser;

/* Added to errors when the URL has no '@' before its first '/' or '?' but one after it: the
 * usual cause is a password holding an unencoded '/' or '?'. */
static const char PASSWORD_HINT[] = " (if the URL holds a user name or password, percent-encode "
                                    "any '/', '?' or '@' in it as %2F, %3F, %40)";

/* ---- character classes -------------------------------------------------------------------- */

static bool is_alpha(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_name_char(unsigned char c)
{
    return is_alpha(c) || is_digit(c) || c == '_';
}

static bool is_unreserved(unsigned char c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static bool is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

static size_t find_char(const char *text, size_t from, size_t to, char c)
{
    for (size_t i = from; i < to; i++)
        if (text[i] == c)
            return i;
    return to;
}

/* Zeroes the first n bytes of a half-decoded part (it may be a password) and frees it. */
static void discard(char *s, size_t n)
{
    for (volatile char *v = s; n > 0; n--, v++)
        *v = '\0';
    ath_free(s);
}

/* ---- parsing ------------------------------------------------------------------------------- */

/*
 * Percent-decodes text[from, to) into a new string; `what` names the part in error messages.
 * In the query (`plus_is_space`) a '+' is a space, as SQLAlchemy's parse_qsl reads it.
 */
static int decode_part(const parser *p, size_t from, size_t to, const char *what,
                       bool plus_is_space, char **out)
{
    const char *t = p->text;
    char *s = ath_malloc(to - from + 1);
    size_t n = 0;

    *out = NULL;
    if (!s)
        return ath_fail(ATH_ENOMEM, "decoding the %s of a URL", what);
    for (size_t i = from; i < to; i++) {
        if (t[i] != '%') {
            s[n++] = plus_is_space && t[i] == '+' ? ' ' : t[i];
            continue;
        }
        int hi = i + 1 < to ? ath_hex_value((unsigned char)t[i + 1]) : -1;
        int lo = hi >= 0 && i + 2 < to ? ath_hex_value((unsigned char)t[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            discard(s, n);
            return ath_fail(ATH_EURL,
                            "malformed percent-escape in the %s at position %zu (a '%%' must be "
                            "followed by two hex digits; write %%25 for a literal '%%')",
                            what, i);
        }
        if (hi == 0 && lo == 0) {
            discard(s, n);
            return ath_fail(ATH_EURL,
                            "percent-escape %%00 in the %s at position %zu: NUL bytes "
                            "are not allowed",
                            what, i);
        }
        s[n++] = (char)(hi * 16 + lo);
        i += 2;
    }
    s[n] = '\0';
    *out = s;
    return ATH_OK;
}

static int decode(const parser *p, size_t from, size_t to, const char *what, char **out)
{
    return decode_part(p, from, to, what, false, out);
}

/* Rejects ASCII control characters anywhere (a stray newline from a config file, say). */
static int check_controls(const parser *p)
{
    for (size_t i = 0; p->text[i]; i++)
        if (is_control((unsigned char)p->text[i]))
            return ath_fail(ATH_EURL,
                            "control character (byte 0x%02X) at position %zu; percent-encode it",
                            (unsigned)(unsigned char)p->text[i], i);
    return ATH_OK;
}

/* dialect[+driver]:// — sets p->auth to the byte after "://". */
static int parse_scheme(parser *p)
{
    const char *t = p->text;
    size_t n = 0;

    while (is_name_char((unsigned char)t[n]))
        n++;
    if (n == 0) {
        if (t[0] == '\0')
            return ath_fail(ATH_EURL, "empty URL (expected dialect[+driver]://...)");
        if (t[0] == ':' || t[0] == '+')
            return ath_fail(ATH_EURL, "empty dialect at position 0 (expected a name such as "
                                      "postgresql before '://')");
        return ath_fail(ATH_EURL, "invalid character in the dialect at position 0 (letters, "
                                  "digits and '_' only)");
    }
    if (!is_alpha((unsigned char)t[0]))
        return ath_fail(ATH_EURL, "the dialect must start with a letter, at position 0");
    if (!(p->url->dialect = ath_strndup(t, n)))
        return ath_fail(ATH_ENOMEM, "copying the dialect of a URL");

    size_t i = n;
    if (t[i] == '+') {
        size_t d = i + 1;
        while (is_name_char((unsigned char)t[d]))
            d++;
        if (d == i + 1) {
            if (t[d] == ':' || t[d] == '\0' || t[d] == '+')
                return ath_fail(ATH_EURL, "empty driver after '+' at position %zu", i);
            return ath_fail(ATH_EURL,
                            "invalid character in the driver at position %zu (letters, "
                            "digits and '_' only)",
                            d);
        }
        if (!(p->url->driver = ath_strndup(t + i + 1, d - i - 1)))
            return ath_fail(ATH_ENOMEM, "copying the driver of a URL");
        i = d;
    }
    if (strncmp(t + i, "://", 3) == 0) {
        p->auth = i + 3;
        return ATH_OK;
    }
    if (t[i] == '+')
        return ath_fail(ATH_EURL,
                        "second '+' in the dialect at position %zu (the form is "
                        "dialect+driver://)",
                        i);
    if (t[i] != ':' && t[i] != '\0' && strstr(t + i, "://"))
        return ath_fail(ATH_EURL,
                        "invalid character in the %s at position %zu (letters, digits "
                        "and '_' only)",
                        p->url->driver ? "driver" : "dialect", i);
    return ath_fail(ATH_EURL,
                    "missing '://' after the dialect at position %zu (the form is "
                    "dialect[+driver]://[user[:password]@][host][:port][/database])",
                    i);
}

/* user[:password] in text[from, to). The first ':' separates; both parts are decoded. */
static int parse_userinfo(parser *p, size_t from, size_t to)
{
    size_t colon = find_char(p->text, from, to, ':');
    int rc;

    if (colon > from && (rc = decode(p, from, colon, "user name", &p->url->username)) != ATH_OK)
        return rc;
    if (colon < to)
        return decode(p, colon + 1, to, "password", &p->url->password);
    return ATH_OK;
}

/* The port in text[from, to); `colon` is where its ':' stands. */
static int parse_port(parser *p, size_t colon, size_t from, size_t to)
{
    long value = 0;

    if (from == to)
        return ath_fail(ATH_EURL, "empty port after ':' at position %zu%s", colon, p->hint);
    for (size_t i = from; i < to; i++) {
        if (!is_digit((unsigned char)p->text[i]))
            return ath_fail(ATH_EURL,
                            "the port may hold only the digits 0-9: invalid character at "
                            "position %zu%s",
                            i, p->hint);
        if (value <= 65535)
            value = value * 10 + (p->text[i] - '0');
    }
    if (value < 1 || value > 65535)
        return ath_fail(ATH_EURL, "port out of range at position %zu (it must be 1 to 65535)%s",
                        from, p->hint);
    p->url->port = (int)value;
    return ATH_OK;
}

/* The inside of [...] in text[from, to): an IPv6 address, optionally with a zone "%25name". */
static int parse_ipv6(parser *p, size_t from, size_t to)
{
    const char *t = p->text;
    size_t pct = find_char(t, from, to, '%');
    bool colon = false;
    char *zone = NULL;
    int rc;

    if (pct == from)
        return ath_fail(ATH_EURL, "empty IPv6 address in brackets at position %zu", from - 1);
    for (size_t i = from; i < pct; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == ':')
            colon = true;
        else if (ath_hex_value(c) < 0 && c != '.')
            return ath_fail(ATH_EURL,
                            "invalid character in the IPv6 address at position %zu "
                            "(hex digits, ':' and '.' only)",
                            i);
    }
    if (!colon)
        return ath_fail(ATH_EURL,
                        "the bracketed host at position %zu is not an IPv6 address "
                        "(it has no ':')",
                        from - 1);
    if (pct == to) {
        if (!(p->url->host = ath_strndup(t + from, to - from)))
            return ath_fail(ATH_ENOMEM, "copying the host of a URL");
        return ATH_OK;
    }
    if (strncmp(t + pct, "%25", 3) != 0 || pct + 3 > to)
        return ath_fail(ATH_EURL,
                        "an IPv6 zone must be written as %%25 and its name, as in "
                        "[fe80::1%%25eth0]: '%%' at position %zu",
                        pct);
    if (pct + 3 == to)
        return ath_fail(ATH_EURL, "empty IPv6 zone at position %zu", pct);
    for (size_t i = pct + 3; i < to; i++)
        if (!is_unreserved((unsigned char)t[i]) && t[i] != '%')
            return ath_fail(ATH_EURL, "invalid character in the IPv6 zone at position %zu", i);
    if ((rc = decode(p, pct + 3, to, "IPv6 zone", &zone)) != ATH_OK)
        return rc;
    size_t alen = pct - from, zlen = strlen(zone);
    char *host = ath_malloc(alen + 1 + zlen + 1);
    if (host) {
        memcpy(host, t + from, alen);
        host[alen] = '%';
        memcpy(host + alen + 1, zone, zlen + 1);
    }
    ath_free(zone);
    if (!host)
        return ath_fail(ATH_ENOMEM, "copying the host of a URL");
    p->url->host = host;
    return ATH_OK;
}

/* [host][:port] in text[from, to). */
static int parse_hostport(parser *p, size_t from, size_t to)
{
    const char *t = p->text;
    size_t host_end, colon;
    int rc;

    if (from < to && t[from] == '[') {
        size_t close = find_char(t, from + 1, to, ']');
        if (close == to)
            return ath_fail(ATH_EURL, "unterminated '[' in the host at position %zu", from);
        if ((rc = parse_ipv6(p, from + 1, close)) != ATH_OK)
            return rc;
        if (close + 1 == to)
            return ATH_OK;
        if (t[close + 1] != ':')
            return ath_fail(ATH_EURL,
                            "unexpected text after ']' at position %zu (expected "
                            "':port', '/database' or '?query')",
                            close + 1);
        return parse_port(p, close + 1, close + 2, to);
    }
    colon = find_char(t, from, to, ':');
    if (colon < to && find_char(t, colon + 1, to, ':') < to)
        return ath_fail(ATH_EURL,
                        "IPv6 host must be in brackets, as in [::1]:5432 (':' at "
                        "position %zu)%s",
                        colon, p->hint);
    host_end = colon;
    for (size_t i = from; i < host_end; i++) {
        unsigned char c = (unsigned char)t[i];
        if (!is_unreserved(c) && c < 0x80)
            return ath_fail(ATH_EURL,
                            "invalid character in the host at position %zu (a host holds "
                            "letters, digits, '-', '.', '_' and '~'; an IPv6 address goes in "
                            "brackets)%s",
                            i, p->hint);
    }
    if (host_end > from && !(p->url->host = ath_strndup(t + from, host_end - from)))
        return ath_fail(ATH_ENOMEM, "copying the host of a URL");
    if (colon < to)
        return parse_port(p, colon, colon + 1, to);
    return ATH_OK;
}

/* The authority: text[p->auth, p->auth_end). The LAST '@' ends the user information, since an
 * '@' can never stand in a host. */
static int parse_authority(parser *p)
{
    const char *t = p->text;
    size_t at = p->auth_end;
    int rc;

    for (size_t i = p->auth; i < p->auth_end; i++)
        if (t[i] == '@')
            at = i;
    if (at < p->auth_end) {
        if ((rc = parse_userinfo(p, p->auth, at)) != ATH_OK)
            return rc;
        return parse_hostport(p, at + 1, p->auth_end);
    }
    /* no user information: an '@' further on usually means a password with a raw '/' or '?' */
    if (p->auth < p->auth_end && strchr(t + p->auth_end, '@'))
        p->hint = PASSWORD_HINT;
    return parse_hostport(p, p->auth, p->auth_end);
}

/* Rejects a raw '@' in text[from, to) when the hint applies (see parse_authority). */
static int check_stray_at(const parser *p, size_t from, size_t to, const char *what)
{
    size_t at = find_char(p->text, from, to, '@');
    if (*p->hint && at < to)
        return ath_fail(ATH_EURL,
                        "'@' in the %s at position %zu, after a host with no user "
                        "information; write %%40 for an '@' that belongs there%s",
                        what, at, p->hint);
    return ATH_OK;
}

static int add_pair(ath_url *url, char *key, char *value)
{
    if (url->nquery == url->query_cap) {
        size_t cap = url->query_cap ? url->query_cap * 2 : 4;
        url_pair *q = ath_realloc(url->query, cap * sizeof *q);
        if (!q)
            return ath_fail(ATH_ENOMEM, "growing the query of a URL");
        url->query = q;
        url->query_cap = cap;
    }
    url->query[url->nquery].key = key;
    url->query[url->nquery].value = value;
    url->nquery++;
    return ATH_OK;
}

/* k=v&k2=v2 from text[from] to the end; '+' is a space (write %2B for a literal '+'). */
static int parse_query(parser *p, size_t from)
{
    const char *t = p->text;
    size_t end = from + strlen(t + from);
    int rc;

    for (size_t seg = from; seg < end;) {
        size_t amp = find_char(t, seg, end, '&');
        size_t eq = find_char(t, seg, amp, '=');
        char *key = NULL, *value = NULL;

        if (amp == seg) { /* "&&", or a leading or trailing '&' */
            seg = amp + 1;
            continue;
        }
        if (eq == seg)
            return ath_fail(ATH_EURL, "empty query key at position %zu", seg);
        if ((rc = check_stray_at(p, seg, eq, "query key")) != ATH_OK)
            return rc;
        if ((rc = decode_part(p, seg, eq, "query key", true, &key)) != ATH_OK)
            return rc;
        rc = eq < amp ? decode_part(p, eq + 1, amp, "query value", true, &value)
                      : ((value = ath_strdup("")) ? ATH_OK
                                                  : ath_fail(ATH_ENOMEM, "copying a query value"));
        if (rc == ATH_OK)
            rc = add_pair(p->url, key, value);
        if (rc != ATH_OK) {
            ath_free(key);
            ath_free(value);
            return rc;
        }
        seg = amp + 1;
    }
    return ATH_OK;
}

static int parse(parser *p)
{
    const char *t = p->text;
    size_t i;
    int rc;

    p->hint = "";
    if ((rc = check_controls(p)) != ATH_OK || (rc = parse_scheme(p)) != ATH_OK)
        return rc;
    p->auth_end = p->auth + strcspn(t + p->auth, "/?");
    if ((rc = parse_authority(p)) != ATH_OK)
        return rc;
    i = p->auth_end;
    if (t[i] == '/') {
        size_t db_end = i + 1 + strcspn(t + i + 1, "?");
        if ((rc = check_stray_at(p, i + 1, db_end, "database")) != ATH_OK)
            return rc;
        if (db_end > i + 1 &&
            (rc = decode(p, i + 1, db_end, "database", &p->url->database)) != ATH_OK)
            return rc;
        i = db_end;
    }
    if (t[i] == '?')
        return parse_query(p, i + 1);
    return ATH_OK;
}

int ath_url_parse(ath_url **out, const char *text)
{
    parser p = {0};
    int rc;

    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!text)
        return ath_null_arg(__func__, "text");
    if (!(p.url = ath_calloc(1, sizeof *p.url)))
        return ath_fail(ATH_ENOMEM, "allocating a URL");
    p.text = text;
    if ((rc = parse(&p)) != ATH_OK) {
        ath_url_free(p.url);
        return rc;
    }
    *out = p.url;
    return ATH_OK;
}

/* Overwrites a secret before its memory goes back to the allocator. */
static void wipe(char *s)
{
    if (!s)
        return;
    for (volatile char *v = s; *v; v++)
        *v = '\0';
}

void ath_url_free(ath_url *url)
{
    if (!url)
        return;
    wipe(url->password);
    ath_free(url->password);
    ath_free(url->dialect);
    ath_free(url->driver);
    ath_free(url->username);
    ath_free(url->host);
    ath_free(url->database);
    for (size_t i = 0; i < url->nquery; i++) {
        ath_free(url->query[i].key);
        ath_free(url->query[i].value);
    }
    ath_free(url->query);
    ath_free(url);
}

/* ---- accessors ----------------------------------------------------------------------------- */

const char *ath_url_dialect(const ath_url *url)
{
    if (!url) {
        ath_null_arg(__func__, "url");
        return NULL;
    }
    return url->dialect;
}

const char *ath_url_driver(const ath_url *url)
{
    if (!url) {
        ath_null_arg(__func__, "url");
        return NULL;
    }
    return url->driver;
}

const char *ath_url_username(const ath_url *url)
{
    if (!url) {
        ath_null_arg(__func__, "url");
        return NULL;
    }
    return url->username;
}

const char *ath_url_password(const ath_url *url)
{
    if (!url) {
        ath_null_arg(__func__, "url");
        return NULL;
    }
    return url->password;
}

const char *ath_url_host(const ath_url *url)
{
    if (!url) {
        ath_null_arg(__func__, "url");
        return NULL;
    }
    return url->host;
}

int ath_url_port(const ath_url *url)
{
    if (!url) {
        ath_null_arg(__func__, "url");
        return 0;
    }
    return url->port;
}

const char *ath_url_database(const ath_url *url)
{
    if (!url) {
        ath_null_arg(__func__, "url");
        return NULL;
    }
    return url->database;
}

const char *ath_url_query_get(const ath_url *url, const char *key)
{
    if (!url || !key) {
        ath_null_arg(__func__, url ? "key" : "url");
        return NULL;
    }
    for (size_t i = 0; i < url->nquery; i++)
        if (strcmp(url->query[i].key, key) == 0)
            return url->query[i].value;
    return NULL;
}

size_t ath_url_query_count(const ath_url *url)
{
    if (!url) {
        ath_null_arg(__func__, "url");
        return 0;
    }
    return url->nquery;
}

int ath_url_query_at(const ath_url *url, size_t i, const char **key, const char **value)
{
    if (key)
        *key = NULL;
    if (value)
        *value = NULL;
    if (!url)
        return ath_null_arg(__func__, "url");
    if (i >= url->nquery)
        return ath_fail(ATH_EINVAL, "query index %zu is out of range (the URL has %zu pairs)", i,
                        url->nquery);
    if (key)
        *key = url->query[i].key;
    if (value)
        *value = url->query[i].value;
    return ATH_OK;
}

/* ---- rendering ----------------------------------------------------------------------------- */

/* An snprintf-style sink: writes what fits, counts everything. */
typedef struct sink {
    char *buf;
    size_t size;
    size_t len;
} sink;

static void put(sink *s, const char *text, size_t n)
{
    if (s->len + 1 < s->size) {
        size_t room = s->size - 1 - s->len;
        memcpy(s->buf + s->len, text, n < room ? n : room);
    }
    s->len += n;
}

static void put_str(sink *s, const char *text)
{
    put(s, text, strlen(text));
}

/* Which bytes each part percent-encodes. */
typedef enum encoding {
    ENC_USERINFO, /* everything but A-Z a-z 0-9 - . _ ~ */
    ENC_DATABASE, /* '?', '#', '%', '@', space, control bytes: paths stay readable */
    ENC_QUERY,    /* as the database, plus '&', '=' and '+' */
} encoding;

static bool needs_escape(unsigned char c, encoding enc)
{
    if (enc == ENC_USERINFO)
        return !is_unreserved(c);
    if (c <= 0x20 || c == 0x7f || c == '?' || c == '#' || c == '%' || c == '@')
        return true;
    return enc == ENC_QUERY && (c == '&' || c == '=' || c == '+');
}

static void put_encoded(sink *s, const char *text, encoding enc)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (needs_escape(*c, enc)) {
            char esc[3] = {'%', hex[*c >> 4], hex[*c & 15]};
            put(s, esc, 3);
        } else {
            put(s, (const char *)c, 1);
        }
    }
}

static void put_host(sink *s, const char *host)
{
    if (!strchr(host, ':')) {
        put_str(s, host);
        return;
    }
    const char *pct = strchr(host, '%');
    put(s, "[", 1);
    put(s, host, pct ? (size_t)(pct - host) : strlen(host));
    if (pct) {
        put_str(s, "%25");
        put_encoded(s, pct + 1, ENC_USERINFO);
    }
    put(s, "]", 1);
}

int ath_url_render(const ath_url *url, bool hide_password, char *buf, size_t size)
{
    sink s = {buf, size, 0};
    char port[16];

    if (!url)
        return ath_null_arg(__func__, "url");
    if (!buf && size > 0)
        return ath_null_arg(__func__, "buf");
    put_str(&s, url->dialect);
    if (url->driver) {
        put(&s, "+", 1);
        put_str(&s, url->driver);
    }
    put_str(&s, "://");
    if (url->username || url->password) {
        if (url->username)
            put_encoded(&s, url->username, ENC_USERINFO);
        if (url->password) {
            put(&s, ":", 1);
            if (hide_password)
                put_str(&s, "***");
            else
                put_encoded(&s, url->password, ENC_USERINFO);
        }
        put(&s, "@", 1);
    }
    if (url->host)
        put_host(&s, url->host);
    if (url->port) {
        snprintf(port, sizeof port, ":%d", url->port);
        put_str(&s, port);
    }
    if (url->database) {
        put(&s, "/", 1);
        put_encoded(&s, url->database, ENC_DATABASE);
    }
    for (size_t i = 0; i < url->nquery; i++) {
        put(&s, i ? "&" : "?", 1);
        put_encoded(&s, url->query[i].key, ENC_QUERY);
        put(&s, "=", 1);
        put_encoded(&s, url->query[i].value, ENC_QUERY);
    }
    if (size > 0)
        buf[s.len < size ? s.len : size - 1] = '\0';
    if (s.len > INT_MAX)
        return ath_fail(ATH_EINVAL, "ath_url_render: the URL is too long to render");
    return (int)s.len;
}
