/* Engines: URL -> driver + pool options + driver options. */
#include "engine.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor/url.h>

#include "routing.h"

#include "alloc.h"
#include "error.h"
#include "loader.h"
#include "mapping.h"
#include "sql_build.h"

struct ath_engine {
    ath_url *url;
    const ath_driver *driver;
    ath_engine_options opts;
    ath_connect_params params;
    const char **keys; /* driver options: pointers into url */
    const char **values;
    ath_pool *pool;
    pthread_mutex_t maps_lock; /* models checked and laid out once per engine */
    struct mapping_entry {
        const ath_model *model;
        ath_mapping *mapping;
    } * maps;
    size_t nmaps;
    atomic_uint schema_gen;
    atomic_int refs;       /* the caller's (until dispose) + one per session not yet freed */
    atomic_bool disposed;  /* ath_engine_dispose ran: the pool hands out nothing new */
    _Atomic(struct ath_routing *) routing; /* read replicas (core/routing.c), or NULL */
};

void ath_engine_options_init(ath_engine_options *opts)
{
    if (!opts)
        return; /* documented no-op */
    memset(opts, 0, sizeof *opts);
    opts->struct_size = sizeof *opts;
    opts->pool_size = 5;
    opts->max_overflow = 10;
    opts->pool_timeout = 30.0;
    opts->pool_pre_ping = false;
    opts->pool_recycle = -1.0;
    opts->echo = false;
    opts->pipeline = true;
}

static int parse_int(const char *key, const char *text, int min, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (!*text || *end || errno || v < min || v > 100000)
        return ath_fail(ATH_EURL, "URL option %s=%s: expected a whole number from %d to 100000",
                        key, text, min);
    *out = (int)v;
    return ATH_OK;
}

static int parse_seconds(const char *key, const char *text, double min, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || *end || errno || !isfinite(v) || v < min)
        return ath_fail(ATH_EURL, "URL option %s=%s: expected a number of seconds >= %g", key, text,
                        min);
    *out = v;
    return ATH_OK;
}

static int parse_bool(const char *key, const char *text, bool *out)
{
    static const char *const yes[] = {"true", "1", "yes", "on"};
    static const char *const no[] = {"false", "0", "no", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(text, yes[i]) == 0) {
            *out = true;
            return ATH_OK;
        }
        if (strcmp(text, no[i]) == 0) {
            *out = false;
            return ATH_OK;
        }
    }
    return ath_fail(ATH_EURL, "URL option %s=%s: expected true or false", key, text);
}

/* Applies one engine option from the URL; returns 1 when `key` is not an engine option. */
static int apply_option(ath_engine_options *o, const char *key, const char *value)
{
    if (strcmp(key, "pool_size") == 0)
        return parse_int(key, value, 1, &o->pool_size);
    if (strcmp(key, "max_overflow") == 0)
        return parse_int(key, value, 0, &o->max_overflow);
    if (strcmp(key, "pool_timeout") == 0)
        return parse_seconds(key, value, 0, &o->pool_timeout);
    if (strcmp(key, "pool_recycle") == 0) {
        if (strcmp(value, "-1") == 0) {
            o->pool_recycle = -1;
            return ATH_OK;
        }
        return parse_seconds(key, value, 0, &o->pool_recycle);
    }
    if (strcmp(key, "pool_pre_ping") == 0)
        return parse_bool(key, value, &o->pool_pre_ping);
    if (strcmp(key, "echo") == 0)
        return parse_bool(key, value, &o->echo);
    if (strcmp(key, "in_array_min") == 0)
        return parse_int(key, value, -1, &o->in_array_min);
    if (strcmp(key, "hide_parameters") == 0)
        return parse_bool(key, value, &o->hide_parameters);
    if (strcmp(key, "replica_policy") == 0) {
        if (strcmp(value, "round_robin") == 0)
            o->replica_policy = ATH_REPLICA_ROUND_ROBIN;
        else if (strcmp(value, "random") == 0)
            o->replica_policy = ATH_REPLICA_RANDOM;
        else
            return ath_fail(ATH_EURL, "URL option replica_policy=%s: expected round_robin or random",
                            value);
        return ATH_OK;
    }
    if (strcmp(key, "io") == 0) {
        if (strcmp(value, "blocking") == 0)
            o->nonblocking = false;
        else if (strcmp(value, "nonblocking") == 0)
            o->nonblocking = true;
        else
            return ath_fail(ATH_EURL, "URL option io=%s: expected blocking or nonblocking", value);
        return ATH_OK;
    }
    if (strcmp(key, "pipeline") == 0) {
        if (strcmp(value, "on") == 0)
            o->pipeline = true;
        else if (strcmp(value, "off") == 0)
            o->pipeline = false;
        else
            return ath_fail(ATH_EURL, "URL option pipeline=%s: expected on or off", value);
        return ATH_OK;
    }
    if (strcmp(key, "replica_max_lag") == 0)
        return parse_seconds(key, value, 0, &o->replica_max_lag);
    if (strncmp(key, "pool_", 5) == 0)
        return ath_fail(ATH_EURL,
                        "unknown pool option '%s' (known: pool_size, max_overflow, pool_timeout, "
                        "pool_pre_ping, pool_recycle)",
                        key);
    return 1;
}

static int check_options(const ath_engine_options *o)
{
    if (o->pool_size < 1 || o->max_overflow < 0 || !(o->pool_timeout >= 0))
        return ath_fail(ATH_EINVAL, "engine options: pool_size must be >= 1, max_overflow >= 0 "
                                    "and pool_timeout >= 0");
    if (o->replica_policy != ATH_REPLICA_ROUND_ROBIN && o->replica_policy != ATH_REPLICA_RANDOM)
        return ath_fail(ATH_EINVAL, "engine options: replica_policy %d is not an "
                                    "ath_replica_policy", (int)o->replica_policy);
    if (!(o->replica_max_lag <= 0) && !isfinite(o->replica_max_lag))
        return ath_fail(ATH_EINVAL, "engine options: replica_max_lag must be a finite number");
    return ATH_OK;
}

int ath_engine_create_opts(ath_engine **out, const char *url_text, const ath_engine_options *opts)
{
    ath_engine *engine = NULL;
    int rc;

    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!url_text)
        return ath_null_arg(__func__, "url");
    if (!(engine = ath_calloc(1, sizeof *engine))) {
        rc = ath_fail(ATH_ENOMEM, "allocating an engine");
        goto done;
    }
    pthread_mutex_init(&engine->maps_lock, NULL);
    atomic_init(&engine->refs, 1);
    atomic_init(&engine->disposed, false);
    atomic_init(&engine->routing, NULL);
    ath_engine_options_init(&engine->opts);
    if (opts) {
        size_t n = opts->struct_size < sizeof *opts ? opts->struct_size : sizeof *opts;
        memcpy(&engine->opts, opts, n);
        engine->opts.struct_size = sizeof engine->opts;
    }
    if ((rc = ath_url_parse(&engine->url, url_text)) != ATH_OK)
        goto done;
    const ath_url *url = engine->url;

    size_t nquery = ath_url_query_count(url), nopts = 0;
    engine->keys = ath_calloc(nquery + 1, sizeof *engine->keys);
    engine->values = ath_calloc(nquery + 1, sizeof *engine->values);
    if (!engine->keys || !engine->values) {
        rc = ath_fail(ATH_ENOMEM, "allocating an engine");
        goto done;
    }
    for (size_t i = 0; i < nquery; i++) {
        const char *key, *value;
        ath_url_query_at(url, i, &key, &value);
        rc = apply_option(&engine->opts, key, value);
        if (rc < 0)
            goto done;
        if (rc == 1) {
            engine->keys[nopts] = key;
            engine->values[nopts] = value;
            nopts++;
        }
    }
    if ((rc = check_options(&engine->opts)) != ATH_OK)
        goto done;

    char scheme[256];
    const char *variant = ath_url_driver(url);
    snprintf(scheme, sizeof scheme, "%s%s%s", ath_url_dialect(url), variant ? "+" : "",
             variant ? variant : "");
    if ((rc = ath_driver_find(&engine->driver, scheme)) != ATH_OK)
        goto done;

    engine->params = (ath_connect_params){
        .dialect = ath_url_dialect(url),
        .driver = variant,
        .username = ath_url_username(url),
        .password = ath_url_password(url),
        .host = ath_url_host(url),
        .port = ath_url_port(url),
        .database = ath_url_database(url),
        .noptions = nopts,
        .keys = engine->keys,
        .values = engine->values,
        .flags = engine->opts.nonblocking && ATH_DRIVER_IS_NONBLOCKING(engine->driver)
                     ? ATH_CONNECT_NONBLOCKING
                     : 0u,
    };
    if ((rc = ath_driver_check_params(engine->driver, &engine->params)) != ATH_OK)
        goto done;

    ath_pool_config pc = {
        .size = engine->opts.pool_size,
        .max_overflow = engine->opts.max_overflow,
        .timeout = engine->opts.pool_timeout,
        .pre_ping = engine->opts.pool_pre_ping,
        .recycle = engine->opts.pool_recycle,
    };
    if ((rc = ath_pool_create(&engine->pool, engine, &pc)) != ATH_OK)
        goto done;

    *out = engine;
    engine = NULL;
    rc = ATH_OK;
done:
    ath_engine_dispose(engine);
    return rc;
}

int ath_engine_create(ath_engine **out, const char *url)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    if (!url) {
        *out = NULL;
        return ath_null_arg(__func__, "url");
    }
    return ath_engine_create_opts(out, url, NULL);
}

/* Frees the engine's memory: its last reference is gone. */
static void engine_destroy(ath_engine *engine)
{
    ath_routing_free(atomic_load(&engine->routing));
    ath_pool_free(engine->pool);
    for (size_t i = 0; i < engine->nmaps; i++)
        ath_mapping_free(engine->maps[i].mapping);
    ath_free(engine->maps);
    pthread_mutex_destroy(&engine->maps_lock);
    ath_free(engine->keys);
    ath_free(engine->values);
    ath_url_free(engine->url);
    ath_free(engine);
}

const ath_engine_options *ath_engine_opts(const ath_engine *engine)
{
    return &engine->opts;
}

_Atomic(struct ath_routing *) *ath_engine_routing_slot(ath_engine *engine)
{
    return &engine->routing;
}

void ath_engine_ref(ath_engine *engine)
{
    atomic_fetch_add(&engine->refs, 1);
}

void ath_engine_unref(ath_engine *engine)
{
    if (engine && atomic_fetch_sub(&engine->refs, 1) == 1)
        engine_destroy(engine);
}

bool ath_engine_disposed(const ath_engine *engine)
{
    return atomic_load(&((ath_engine *)engine)->disposed);
}

void ath_engine_dispose(ath_engine *engine)
{
    if (!engine)
        return;
    if (atomic_exchange(&engine->disposed, true))
        return; /* disposed already; the sessions still open keep the memory */
    if (engine->pool)
        ath_pool_close(engine->pool); /* idle connections now, the others as they come back */
    ath_routing_close(atomic_load(&engine->routing)); /* the replicas' pools likewise */
    ath_engine_unref(engine);
}

const char *ath_engine_dialect(const ath_engine *engine)
{
    if (!engine) {
        ath_null_arg(__func__, "engine");
        return NULL;
    }
    return ath_driver_name(engine->driver);
}

int ath_engine_render_url(const ath_engine *engine, char *buf, size_t size)
{
    if (!engine)
        return ath_null_arg(__func__, "engine");
    if (!buf && size)
        return ath_null_arg(__func__, "buf");
    return ath_url_render(engine->url, true, buf, size);
}

void ath_engine_pool_status(ath_engine *engine, ath_pool_status *out)
{
    if (!out)
        return;
    if (!engine) {
        memset(out, 0, sizeof *out);
        ath_null_arg(__func__, "engine");
        return;
    }
    ath_pool_get_status(engine->pool, out);
}

const ath_driver *ath_engine_driver(const ath_engine *engine)
{
    return engine->driver;
}

bool ath_engine_nonblocking(const ath_engine *engine)
{
    if (!engine) {
        ath_null_arg(__func__, "engine");
        return false;
    }
    return (engine->params.flags & ATH_CONNECT_NONBLOCKING) != 0;
}

bool ath_engine_pipelined(const ath_engine *engine)
{
    return engine->opts.pipeline && (engine->params.flags & ATH_CONNECT_NONBLOCKING) != 0 &&
           ATH_DRIVER_HAS(engine->driver, pipeline);
}

const ath_connect_params *ath_engine_connect_params(const ath_engine *engine)
{
    return &engine->params;
}

ath_pool *ath_engine_pool(const ath_engine *engine)
{
    return engine->pool;
}

bool ath_engine_echo(const ath_engine *engine)
{
    return engine->opts.echo;
}

bool ath_engine_hide_parameters(const ath_engine *engine)
{
    return engine->opts.hide_parameters;
}

bool ath_engine_has_events(const ath_engine *engine)
{
    return engine->opts.on_event != NULL;
}

void ath_engine_event(ath_engine *engine, ath_event *event)
{
    if (!engine->opts.on_event)
        return;
    if (engine->opts.hide_parameters)
        event->params = NULL;
    engine->opts.on_event(engine->opts.event_ctx, event);
}

void ath_engine_log(ath_engine *engine, ath_log_level level, const char *fmt, ...)
{
    if (!engine->opts.log && !engine->opts.echo)
        return;
    if (level == ATH_LOG_SQL && !engine->opts.echo)
        return;
    char small[2048], *line = small;
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    /* a line is never cut: a long statement is formatted again into a buffer that fits */
    if (n >= (int)sizeof small && (line = ath_malloc((size_t)n + 1)) != NULL)
        vsnprintf(line, (size_t)n + 1, fmt, again);
    else if (n >= (int)sizeof small) { /* out of memory: say so rather than cut silently */
        line = small;
        static const char cut[] = " …(truncated)";
        memcpy(small + sizeof small - sizeof cut, cut, sizeof cut);
    }
    va_end(again);
    if (engine->opts.log)
        engine->opts.log(engine->opts.log_ctx, level, line);
    else
        fprintf(stderr, "athanor: %s\n", line); /* echo without a sink: the documented default */
    if (line != small)
        ath_free(line);
}

int ath_engine_mapping(ath_engine *engine, const ath_model *model, const ath_mapping **out)
{
    *out = NULL;
    pthread_mutex_lock(&engine->maps_lock);
    for (size_t i = 0; i < engine->nmaps; i++)
        if (engine->maps[i].model == model) {
            *out = engine->maps[i].mapping;
            pthread_mutex_unlock(&engine->maps_lock);
            return ATH_OK;
        }
    ath_mapping *m = NULL;
    int rc = ath_mapping_build(&m, model);
    if (rc == ATH_OK && (rc = ath_sql_mapping_statements(m, ath_driver_dialect(engine->driver))) != ATH_OK) {
        ath_mapping_free(m);
        m = NULL;
    }
    if (rc == ATH_OK) {
        struct mapping_entry *grown =
            ath_realloc(engine->maps, (engine->nmaps + 1) * sizeof *grown);
        if (!grown) {
            ath_mapping_free(m);
            rc = ath_fail(ATH_ENOMEM, "caching model %s", model->name);
        } else {
            engine->maps = grown;
            engine->maps[engine->nmaps].model = model;
            engine->maps[engine->nmaps].mapping = m;
            engine->nmaps++;
            *out = m;
        }
    }
    pthread_mutex_unlock(&engine->maps_lock);
    return rc;
}

unsigned ath_engine_schema_gen(const ath_engine *engine)
{
    return atomic_load(&((ath_engine *)engine)->schema_gen);
}

void ath_engine_schema_changed(ath_engine *engine)
{
    atomic_fetch_add(&engine->schema_gen, 1);
}
