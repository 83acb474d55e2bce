/* The URL's driver options: validated once, without connecting (check), and again at connect. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mysql_driver.h"

#define KNOWN_OPTIONS                                                                              \
    "unix_socket, charset, connect_timeout, read_timeout, write_timeout, isolation_level, "        \
    "buffered, ssl_mode, ssl_ca, ssl_capath, ssl_cert, ssl_key, ssl_cipher, ssl_crl"

typedef struct named {
    const char *name;
    int value;
} named;

static const named ssl_modes[] = {{"DISABLED", MY_SSL_DISABLED},
                                  {"PREFERRED", MY_SSL_PREFERRED},
                                  {"REQUIRED", MY_SSL_REQUIRED},
                                  {"VERIFY_CA", MY_SSL_VERIFY_CA},
                                  {"VERIFY_IDENTITY", MY_SSL_VERIFY_IDENTITY},
                                  {NULL, 0}};

/* The API's text is UTF-8, so only UTF-8 character sets make sense on the connection. */
static const char *const charsets[] = {"utf8mb4", "utf8mb3", NULL};

/* Accepted spellings -> the server's own ("READ-COMMITTED"). */
static const char *const isolations[][2] = {
    {"READ COMMITTED", "READ-COMMITTED"},     {"READ-COMMITTED", "READ-COMMITTED"},
    {"REPEATABLE READ", "REPEATABLE-READ"},   {"REPEATABLE-READ", "REPEATABLE-READ"},
    {"SERIALIZABLE", "SERIALIZABLE"},         {"READ UNCOMMITTED", "READ-UNCOMMITTED"},
    {"READ-UNCOMMITTED", "READ-UNCOMMITTED"}, {NULL, NULL}};

static int parse_seconds(const char *text, unsigned *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (!*text || *end || errno || v < 1 || v > 31536000)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static int parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = {"true", "1", "yes", "on"};
    static const char *const no[] = {"false", "0", "no", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* An ssl_* file option: any non-empty path. */
static int path_option(const ath_driver_host *host, const char *k, const char *v, const char **slot)
{
    if (!*v)
        return host->fail(ATH_EURL, NULL, 0, NULL, "mysql option %s is empty", k);
    *slot = v;
    return ATH_OK;
}

static int parse_one(const ath_driver_host *host, const char *k, const char *v, my_options *o)
{
    if (strcmp(k, "unix_socket") == 0) {
        if (!*v)
            return host->fail(ATH_EURL, NULL, 0, NULL, "mysql option unix_socket is empty");
        o->unix_socket = v;
    } else if (strcmp(k, "charset") == 0) {
        const char *const *c = charsets;
        while (*c && strcasecmp(v, *c) != 0)
            c++;
        if (!*c && strcasecmp(v, "utf8") == 0)
            c = &charsets[1]; /* "utf8" is utf8mb3 on every server version that matters */
        if (!*c)
            return host->fail(ATH_EURL, NULL, 0, NULL,
                              "mysql option charset=%s: expected utf8mb4 (or utf8mb3); "
                              "Athanor's text is UTF-8",
                              v);
        o->charset = *c;
    } else if (strcmp(k, "connect_timeout") == 0 || strcmp(k, "read_timeout") == 0 ||
               strcmp(k, "write_timeout") == 0) {
        unsigned *slot = k[0] == 'c'   ? &o->connect_timeout
                         : k[0] == 'r' ? &o->read_timeout
                                       : &o->write_timeout;
        if (parse_seconds(v, slot) < 0)
            return host->fail(ATH_EURL, NULL, 0, NULL,
                              "mysql option %s=%s: expected whole seconds, 1 or more", k, v);
    } else if (strcmp(k, "isolation_level") == 0) {
        size_t i = 0;
        while (isolations[i][0] && strcasecmp(v, isolations[i][0]) != 0)
            i++;
        if (!isolations[i][0])
            return host->fail(ATH_EURL, NULL, 0, NULL,
                              "mysql option isolation_level=%s: expected READ COMMITTED, "
                              "REPEATABLE READ, SERIALIZABLE or READ UNCOMMITTED",
                              v);
        o->isolation = isolations[i][1];
    } else if (strcmp(k, "buffered") == 0) {
        if (parse_bool(v, &o->buffered) < 0)
            return host->fail(ATH_EURL, NULL, 0, NULL,
                              "mysql option buffered=%s: expected true or false", v);
    } else if (strcmp(k, "ssl_mode") == 0) {
        const named *m = ssl_modes;
        while (m->name && strcasecmp(v, m->name) != 0)
            m++;
        if (!m->name)
            return host->fail(ATH_EURL, NULL, 0, NULL,
                              "mysql option ssl_mode=%s: expected DISABLED, PREFERRED, REQUIRED, "
                              "VERIFY_CA or VERIFY_IDENTITY",
                              v);
        o->ssl_mode = (my_ssl_mode)m->value;
    } else if (strcmp(k, "ssl_ca") == 0) {
        return path_option(host, k, v, &o->ssl_ca);
    } else if (strcmp(k, "ssl_capath") == 0) {
        return path_option(host, k, v, &o->ssl_capath);
    } else if (strcmp(k, "ssl_cert") == 0) {
        return path_option(host, k, v, &o->ssl_cert);
    } else if (strcmp(k, "ssl_key") == 0) {
        return path_option(host, k, v, &o->ssl_key);
    } else if (strcmp(k, "ssl_cipher") == 0) {
        return path_option(host, k, v, &o->ssl_cipher);
    } else if (strcmp(k, "ssl_crl") == 0) {
        return path_option(host, k, v, &o->ssl_crl);
    } else {
        return host->fail(ATH_EURL, NULL, 0, NULL,
                          "unknown mysql option '%s' (known: " KNOWN_OPTIONS ")", k);
    }
    return ATH_OK;
}

int mydrv_parse_options(const ath_connect_params *p, const ath_driver_host *host, my_options *o)
{
    memset(o, 0, sizeof *o);
    o->charset = "utf8mb4";
    o->isolation = "READ-COMMITTED";
    o->connect_timeout = MY_DEFAULT_CONNECT_TIMEOUT; /* libpq's rule: never wait forever */
    o->buffered = false; /* stream: bounded memory, and the core reads results to the end */
    for (size_t i = 0; i < p->noptions; i++) {
        int rc = parse_one(host, p->keys[i], p->values[i], o);
        if (rc != ATH_OK)
            return rc;
    }
    bool files =
        o->ssl_ca || o->ssl_capath || o->ssl_cert || o->ssl_key || o->ssl_cipher || o->ssl_crl;
    if (o->ssl_mode == MY_SSL_DISABLED && files)
        return host->fail(ATH_EURL, NULL, 0, NULL,
                          "mysql option ssl_mode=DISABLED contradicts the ssl_* file options "
                          "given with it");
    if ((o->ssl_mode == MY_SSL_VERIFY_CA || o->ssl_mode == MY_SSL_VERIFY_IDENTITY) && !o->ssl_ca &&
        !o->ssl_capath)
        return host->fail(ATH_EURL, NULL, 0, NULL,
                          "mysql option ssl_mode=%s needs ssl_ca or ssl_capath to verify the "
                          "server's certificate against",
                          o->ssl_mode == MY_SSL_VERIFY_CA ? "VERIFY_CA" : "VERIFY_IDENTITY");
    if (p->port < 0 || p->port > 65535)
        return host->fail(ATH_EURL, NULL, 0, NULL, "mysql port %d is out of range", p->port);
    return ATH_OK;
}

int mydrv_check(const ath_connect_params *params, const ath_driver_host *host)
{
    my_options o;
    return mydrv_parse_options(params, host, &o);
}
