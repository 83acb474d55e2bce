/* Finds, loads and registers drivers: scheme -> athanor_<name>.so -> entry symbol -> descriptor. */
#include "calendar.h"
#include "sql_ddl.h"
#include "loader.h"
#include "async_int.h"
#include "io_wait.h"

#include <dirent.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "sql_scan.h"
#include "error.h"

#define MODULE_PREFIX "athanor_"
#define MODULE_SUFFIX ".so"
#define NAME_MAX_LEN  64

/* The members every driver must have: everything up to and including reset(). */
#define DRIVER_MIN_SIZE (offsetof(ath_driver, reset) + sizeof(void (*)(void)))

typedef struct loaded_driver {
    const ath_driver *driver;
    char *path; /* NULL for registered (linked-in) drivers */
} loaded_driver;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static loaded_driver *registry;
static size_t registry_len;

/* Dialect aliases: the name in the URL -> the module's name. */
static const struct {
    const char *alias;
    const char *module;
} aliases[] = {
    {"postgres", "postgresql"},
    {"mariadb", "mysql"},
};

/* Drivers this project ships; for these a missing file is "not installed", not "unknown". */
static const char *const shipped[] = {"sqlite", "postgresql", "mysql"};

const ath_driver_host ath_host = {
    .struct_size = sizeof(ath_driver_host),
    .fail = ath_fail_db,
    .timestamp_format = ath_timestamp_format,
    .timestamp_parse = ath_timestamp_parse,
    .date_format = ath_date_format,
    .date_parse = ath_date_parse,
    .uuid_format = ath_uuid_format,
    .uuid_parse = ath_uuid_parse,
    .malloc = ath_malloc,
    .realloc = ath_realloc,
    .free = ath_free,
    .type_name = ath_type_name,
    .sql_is_write = ath_sql_is_write,
    .days_from_civil = ath_days_from_civil,
    .civil_from_days = ath_civil_from_days,
    .hex_value = ath_hex_value,
    .constraint_name = ath_sql_constraint_name,
    .wait = ath_io_wait,
    .waiter = ath_async_host_waiter,
    .suspend = ath_async_host_suspend,
    .resume = ath_async_host_resume,
};

const ath_driver_host *ath_driver_host_default(void)
{
    return &ath_host;
}

static bool serves(const ath_driver *d, const char *scheme)
{
    for (const char *const *s = d->schemes; s && *s; s++)
        if (strcmp(*s, scheme) == 0)
            return true;
    return false;
}

static const ath_driver *registry_find(const char *scheme)
{
    for (size_t i = 0; i < registry_len; i++)
        if (serves(registry[i].driver, scheme))
            return registry[i].driver;
    return NULL;
}

static const loaded_driver *registry_find_path(const char *path)
{
    for (size_t i = 0; i < registry_len; i++)
        if (registry[i].path && strcmp(registry[i].path, path) == 0)
            return &registry[i];
    return NULL;
}

/* Checks a descriptor's ABI number and sizes; `where` names the file for messages. */
/* The dialect members every driver has; later ones are optional (ATH_DIALECT_HAS). */
#define DIALECT_MIN_SIZE (offsetof(ath_dialect, insert_defaults) + sizeof(const char *))

static int check_descriptor(const ath_driver *d, const char *where)
{
    if (!d)
        return ath_fail(ATH_EDRIVERABI, "driver %s returned no descriptor", where);
    if (d->abi != ATH_DRIVER_ABI)
        return ath_fail(ATH_EDRIVERABI,
                        "driver %s was built for driver ABI %u, this core speaks ABI %d", where,
                        (unsigned)d->abi, ATH_DRIVER_ABI);
    if (d->struct_size < DRIVER_MIN_SIZE)
        return ath_fail(ATH_EDRIVERABI,
                        "driver %s has a descriptor of %u bytes, at least %zu are needed", where,
                        (unsigned)d->struct_size, (size_t)DRIVER_MIN_SIZE);
    if (!d->name || !d->schemes || !d->dialect)
        return ath_fail(ATH_EDRIVERABI, "driver %s lacks a name, schemes or dialect", where);
    if (d->dialect->struct_size < DIALECT_MIN_SIZE)
        return ath_fail(ATH_EDRIVERABI,
                        "driver %s has a dialect description of %u bytes, %zu are needed", where,
                        (unsigned)d->dialect->struct_size, (size_t)DIALECT_MIN_SIZE);
    const bool present[] = {
        d->connect,  d->close,   d->ping,           d->exec,         d->prepare,
        d->finalize, d->execute, d->step,           d->column_count, d->column_name,
        d->column,   d->changes, d->last_insert_id, d->reset,
    };
    for (size_t i = 0; i < sizeof present / sizeof *present; i++)
        if (!present[i])
            return ath_fail(ATH_EDRIVERABI, "driver %s leaves a required function empty", where);
    return ATH_OK;
}

static int registry_add(const ath_driver *d, const char *path)
{
    loaded_driver *grown = ath_realloc(registry, (registry_len + 1) * sizeof *registry);
    if (!grown)
        return ath_fail(ATH_ENOMEM, "registering driver %s", d->name);
    registry = grown;
    registry[registry_len].driver = d;
    registry[registry_len].path = NULL;
    if (path && !(registry[registry_len].path = ath_strdup(path)))
        return ath_fail(ATH_ENOMEM, "registering driver %s", d->name);
    registry_len++;
    return ATH_OK;
}

int ath_driver_register(const ath_driver *driver)
{
    if (!driver)
        return ath_null_arg(__func__, "driver");
    int rc = check_descriptor(driver, driver && driver->name ? driver->name : "(registered)");
    if (rc != ATH_OK)
        return rc;
    pthread_mutex_lock(&registry_lock);
    for (const char *const *s = driver->schemes; *s; s++) {
        const ath_driver *other = registry_find(*s);
        if (other == driver) {
            pthread_mutex_unlock(&registry_lock);
            return ATH_OK; /* registering twice is harmless */
        }
        if (other) {
            pthread_mutex_unlock(&registry_lock);
            return ath_fail(ATH_EINVAL, "scheme '%s' is already served by driver '%s'", *s,
                            other->name);
        }
    }
    rc = registry_add(driver, NULL);
    pthread_mutex_unlock(&registry_lock);
    return rc;
}

/* The directory holding libathanor itself, plus "/athanor": drivers built or installed beside it.
 */
static bool own_driver_dir(char *out, size_t size)
{
    Dl_info info;
    if (!dladdr(&registry_lock, &info) || !info.dli_fname)
        return false;
    /* resolved, so a library found through RUNPATH $ORIGIN/../lib is named without "bin/.." */
    char *real = realpath(info.dli_fname, NULL);
    const char *name = real ? real : info.dli_fname;
    const char *slash = strrchr(name, '/');
    int n = slash ? snprintf(out, size, "%.*s/%s", (int)(slash - name), name,
                             ATH_BUILD_DRIVER_SUBDIR)
                  : -1;
    free(real);
    return n > 0 && (size_t)n < size;
}

/* The search path, as one ':'-separated list (duplicates removed); caller frees. */
static char *search_path(void)
{
    ath_buf b;
    ath_buf_init(&b);
    const char *env = getenv("ATHANOR_DRIVER_PATH");
    char own[4096];
    const char *parts[3] = {env && *env ? env : NULL, own_driver_dir(own, sizeof own) ? own : NULL,
                            ATH_INSTALL_DRIVER_DIR};
    for (size_t i = 0; i < 3; i++) {
        if (!parts[i])
            continue;
        const char *p = parts[i];
        while (*p) {
            const char *end = strchr(p, ':');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            bool seen = false;
            for (const char *q = b.data; q && *q && len;) {
                const char *qend = strchr(q, ':');
                size_t qlen = qend ? (size_t)(qend - q) : strlen(q);
                if (qlen == len && memcmp(q, p, len) == 0)
                    seen = true;
                q = qend ? qend + 1 : q + qlen;
            }
            if (len && !seen) {
                if (b.len)
                    ath_buf_addc(&b, ':');
                ath_buf_add(&b, p, len);
            }
            p = end ? end + 1 : p + len;
        }
    }
    return ath_buf_take(&b);
}

static bool valid_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

/*
 * Opens one module file and returns its checked descriptor (registry lock held). `modname` is
 * the part between "athanor_" and ".so"; its entry symbol is athanor_<modname>_driver.
 */
static int load_module(const char *path, const char *modname, const ath_driver **out)
{
    const loaded_driver *known = registry_find_path(path);
    if (known) {
        *out = known->driver;
        return ATH_OK;
    }
    dlerror();
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        return ath_fail(ATH_EDRIVERLOAD, "cannot load driver module %s: %s", path,
                        why ? why : "unknown dlopen error");
    }
    char symbol[NAME_MAX_LEN * 2 + 32];
    snprintf(symbol, sizeof symbol, MODULE_PREFIX "%s_driver", modname);
    dlerror();
    void *sym = dlsym(handle, symbol);
    if (!sym) {
        const char *why = dlerror();
        char detail[512];
        snprintf(detail, sizeof detail, "%s", why ? why : "symbol is NULL");
        dlclose(handle);
        return ath_fail(ATH_EDRIVERSYM, "driver module %s does not export %s(): %s", path, symbol,
                        detail);
    }
    ath_driver_entry_fn entry;
    memcpy(&entry, &sym, sizeof entry); /* object pointer -> function pointer, POSIX-sanctioned */
    const ath_driver *d = entry();
    int rc = check_descriptor(d, path);
    if (rc == ATH_OK)
        rc = registry_add(d, path);
    if (rc != ATH_OK) {
        dlclose(handle);
        return rc;
    }
    /* never dlclose a loaded driver: client libraries install exit handlers */
    *out = d;
    return ATH_OK;
}

static const char *alias_of(const char *dialect)
{
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (strcmp(aliases[i].alias, dialect) == 0)
            return aliases[i].module;
    return dialect;
}

static bool is_shipped(const char *module)
{
    for (size_t i = 0; i < sizeof shipped / sizeof *shipped; i++)
        if (strcmp(shipped[i], module) == 0)
            return true;
    return false;
}

/* Edit distance between a and b, case-insensitive (both short: scheme names). */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la >= NAME_MAX_LEN * 2 || lb >= NAME_MAX_LEN * 2)
        return (size_t)-1;
    size_t row[NAME_MAX_LEN * 2 + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            int ca = a[i - 1] >= 'A' && a[i - 1] <= 'Z' ? a[i - 1] + 32 : a[i - 1];
            int cb = b[j - 1] >= 'A' && b[j - 1] <= 'Z' ? b[j - 1] + 32 : b[j - 1];
            size_t best = diag + (ca != cb);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* The candidate closest to `name` when it is close enough to be a typo (else NULL). */
static const char *nearest(const char *name, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = distance(name, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    size_t len = strlen(name);
    return best && best_d > 0 && best_d <= (len < 6 ? 2 : len / 3 + 1) ? best : NULL;
}

/* The dialects a URL may name: the shipped modules, their aliases and registered drivers. */
static const char *nearest_dialect(const char *dialect)
{
    const char *names[16 + 64];
    size_t n = 0;
    for (size_t i = 0; i < sizeof shipped / sizeof *shipped; i++)
        names[n++] = shipped[i];
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        names[n++] = aliases[i].alias;
    for (size_t i = 0; i < registry_len && n < sizeof names / sizeof *names; i++)
        names[n++] = registry[i].driver->name;
    return nearest(dialect, names, n);
}

/* Looks for the module files of `scheme`; registry lock held. */
static int find_locked(const ath_driver **out, const char *scheme)
{
    char dialect[NAME_MAX_LEN], variant[NAME_MAX_LEN] = "";
    const char *plus = strchr(scheme, '+');
    size_t dlen = plus ? (size_t)(plus - scheme) : strlen(scheme);
    if (dlen == 0 || dlen >= sizeof dialect || (plus && strlen(plus + 1) >= sizeof variant))
        return ath_fail(ATH_ENODRIVER, "scheme '%s' is not a valid driver name", scheme);
    memcpy(dialect, scheme, dlen);
    dialect[dlen] = '\0';
    if (plus)
        strcpy(variant, plus + 1);
    if (!valid_name(dialect) || (plus && !valid_name(variant)))
        return ath_fail(ATH_ENODRIVER, "scheme '%s' is not a valid driver name", scheme);

    const char *module = alias_of(dialect);
    /* "postgres+psycopg2" is served by a driver that lists "postgresql+psycopg2" */
    char canonical[NAME_MAX_LEN * 2 + 2];
    snprintf(canonical, sizeof canonical, "%s%s%s", module, plus ? "+" : "", variant);
    char names[2][NAME_MAX_LEN * 2 + 2];
    size_t nnames = 0;
    if (plus)
        snprintf(names[nnames++], sizeof names[0], "%s_%s", module, variant);
    snprintf(names[nnames++], sizeof names[0], "%s", module);

    char *path = search_path();
    if (!path)
        return ath_fail(ATH_ENOMEM, "building the driver search path");
    ath_buf tried;
    ath_buf_init(&tried);
    int rc = ATH_ENODRIVER;
    for (size_t n = 0; n < nnames && rc == ATH_ENODRIVER; n++) {
        for (char *dir = path; dir && *dir && rc == ATH_ENODRIVER;) {
            char *end = strchr(dir, ':');
            size_t len = end ? (size_t)(end - dir) : strlen(dir);
            char file[4096];
            snprintf(file, sizeof file, "%.*s/" MODULE_PREFIX "%s" MODULE_SUFFIX, (int)len, dir,
                     names[n]);
            ath_buf_adds(&tried, tried.len ? ", " : "");
            ath_buf_adds(&tried, file);
            if (access(file, F_OK) == 0) {
                const ath_driver *d = NULL;
                rc = load_module(file, names[n], &d);
                if (rc == ATH_OK && !serves(d, scheme) && !serves(d, canonical)) {
                    ath_buf served;
                    ath_buf_init(&served);
                    size_t nschemes = 0;
                    for (const char *const *s = d->schemes; *s; s++, nschemes++) {
                        ath_buf_adds(&served, served.len ? ", " : "");
                        ath_buf_adds(&served, *s);
                    }
                    const char *near = nearest(canonical, d->schemes, nschemes);
                    rc = ath_fail(ATH_ENODRIVER,
                                  "driver '%s' (%s) does not serve scheme '%s'%s%s%s; it "
                                  "serves: %s",
                                  d->name, file, scheme, near ? " (did you mean '" : "",
                                  near ? near : "", near ? "'?)" : "",
                                  served.data ? served.data : "nothing");
                    ath_buf_free(&served);
                } else if (rc == ATH_OK) {
                    *out = d;
                }
            }
            dir = end ? end + 1 : dir + len;
        }
    }
    if (rc == ATH_ENODRIVER && ath_error_last()->code != ATH_ENODRIVER) {
        if (is_shipped(module))
            rc = ath_fail(ATH_ENODRIVER,
                          "the '%s' driver for scheme '%s' is not installed; looked for: %s",
                          module, scheme, tried.data ? tried.data : "(no directory)");
        else {
            const char *near = nearest_dialect(dialect);
            rc = ath_fail(ATH_ENODRIVER,
                          "unknown scheme '%s'%s%s%s: no driver module; looked for: %s", scheme,
                          near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "",
                          tried.data ? tried.data : "(no directory)");
        }
    }
    ath_buf_free(&tried);
    ath_free(path);
    return rc;
}

int ath_driver_find(const ath_driver **out, const char *scheme)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!scheme)
        return ath_null_arg(__func__, "scheme");
    pthread_mutex_lock(&registry_lock);
    const ath_driver *d = registry_find(scheme);
    int rc = ATH_OK;
    if (d)
        *out = d;
    else {
        ath_error_clear();
        rc = find_locked(out, scheme);
    }
    pthread_mutex_unlock(&registry_lock);
    return rc;
}

/* --- listing, for tools ------------------------------------------------------------------- */

typedef struct found_list {
    ath_driver_found *items;
    size_t len;
    bool oom;
} found_list;

static void found_add(found_list *l, const char *name, const char *path, int status,
                      const char *detail)
{
    if (l->oom)
        return;
    ath_driver_found *grown = ath_realloc(l->items, (l->len + 1) * sizeof *grown);
    if (!grown) {
        l->oom = true;
        return;
    }
    l->items = grown;
    ath_driver_found *f = &l->items[l->len++];
    f->name = ath_strdup(name);
    f->path = ath_strdup(path);
    f->status = status;
    f->detail = ath_strdup(detail);
    if (!f->name || !f->path || !f->detail)
        l->oom = true;
}

static bool listed(const found_list *l, const char *path)
{
    for (size_t i = 0; i < l->len; i++)
        if (l->items[i].path && strcmp(l->items[i].path, path) == 0)
            return true;
    return false;
}

static void scan_dir(found_list *l, const char *dir, size_t dirlen)
{
    char dirname[4096];
    snprintf(dirname, sizeof dirname, "%.*s", (int)dirlen, dir);
    DIR *dp = opendir(dirname);
    if (!dp)
        return;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t len = strlen(e->d_name);
        size_t plen = strlen(MODULE_PREFIX), slen = strlen(MODULE_SUFFIX);
        if (len <= plen + slen || strncmp(e->d_name, MODULE_PREFIX, plen) != 0 ||
            strcmp(e->d_name + len - slen, MODULE_SUFFIX) != 0)
            continue;
        char modname[NAME_MAX_LEN * 2];
        if (len - plen - slen >= sizeof modname)
            continue;
        snprintf(modname, sizeof modname, "%.*s", (int)(len - plen - slen), e->d_name + plen);
        if (!valid_name(modname))
            continue;
        char file[4096 + 256];
        snprintf(file, sizeof file, "%s/%s", dirname, e->d_name);
        if (listed(l, file))
            continue;
        const ath_driver *d = NULL;
        int rc = load_module(file, modname, &d);
        found_add(l, modname, file, rc, rc == ATH_OK ? "" : ath_error_last()->message);
    }
    closedir(dp);
}

int ath_drivers_list(ath_driver_found **out, size_t *count)
{
    found_list l = {0};
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!count)
        return ath_null_arg(__func__, "count");
    *count = 0;
    char *path = search_path();
    if (!path)
        return ath_fail(ATH_ENOMEM, "building the driver search path");
    pthread_mutex_lock(&registry_lock);
    for (size_t i = 0; i < registry_len; i++)
        if (!registry[i].path)
            found_add(&l, registry[i].driver->name, "(registered)", ATH_OK, "");
    for (char *dir = path; *dir;) {
        char *end = strchr(dir, ':');
        size_t len = end ? (size_t)(end - dir) : strlen(dir);
        scan_dir(&l, dir, len);
        dir = end ? end + 1 : dir + len;
    }
    pthread_mutex_unlock(&registry_lock);
    ath_free(path);
    if (l.oom) {
        ath_drivers_list_free(l.items, l.len);
        return ath_fail(ATH_ENOMEM, "listing drivers");
    }
    *out = l.items;
    *count = l.len;
    return ATH_OK;
}

void ath_drivers_list_free(ath_driver_found *list, size_t count)
{
    if (!list)
        return;
    for (size_t i = 0; i < count; i++) {
        ath_free((void *)list[i].name);
        ath_free((void *)list[i].path);
        ath_free((void *)list[i].detail);
    }
    ath_free(list);
}
