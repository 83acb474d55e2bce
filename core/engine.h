/* Private: what other core files need from the engine. */
#ifndef ATH_CORE_ENGINE_H
#define ATH_CORE_ENGINE_H

#include <athanor/sys/driver.h>
#include <athanor/engine.h>

#include "mapping.h"
#include "pool.h"

/** Takes a reference: the engine's memory lives until its last one is dropped (each open session
 *  holds one, the caller one until ath_engine_dispose). */
void ath_engine_ref(ath_engine *engine);
/** Drops a reference; the last one frees the engine. NULL is a no-op. */
void ath_engine_unref(ath_engine *engine);
/** True once ath_engine_dispose ran (the memory may live on for the sessions still open). */
bool ath_engine_disposed(const ath_engine *engine);
/** The argument checks of the functions over an engine and a models array (create_all,
 *  drop_all, compare…): ATH_OK, or ATH_EINVAL naming `fn` and the argument. */
int ath_engine_check_models(const char *fn, ath_engine *e, const ath_model *const *models,
                            size_t n);

const ath_driver *ath_engine_driver(const ath_engine *engine);
/** True when async reads may share pipelined connections: the pipeline option, io=nonblocking
 *  and a driver with pipeline(). */
bool ath_engine_pipelined(const ath_engine *engine);
const ath_connect_params *ath_engine_connect_params(const ath_engine *engine);
ath_pool *ath_engine_pool(const ath_engine *engine);
/** The checked layout of `model`, built on first use and kept for the engine's life. */
int ath_engine_mapping(ath_engine *engine, const ath_model *model, const ath_mapping **out);
/** Counts schema changes made through the engine; cached statements older than it are dropped. */
unsigned ath_engine_schema_gen(const ath_engine *engine);
void ath_engine_schema_changed(ath_engine *engine);

/** The engine's options (a replica is created with them). */
const ath_engine_options *ath_engine_opts(const ath_engine *engine);
/** Where the engine keeps its read replicas (core/routing.c); NULL until the first is added. */
struct ath_routing;
_Atomic(struct ath_routing *) *ath_engine_routing_slot(ath_engine *engine);

/** True when statements should be logged (echo). */
bool ath_engine_echo(const ath_engine *engine);
/** True when the program listens to engine events (on_event). */
bool ath_engine_has_events(const ath_engine *engine);
/** Hands an event to the engine's on_event listener, if any (params hidden with hide_parameters). */
void ath_engine_event(ath_engine *engine, ath_event *event);
/** True when echo shows only how many parameters a statement had (hide_parameters). */
bool ath_engine_hide_parameters(const ath_engine *engine);
/** Sends a line to the engine's log callback (nothing when there is none and echo is off). */
void ath_engine_log(ath_engine *engine, ath_log_level level, const char *fmt, ...) ATH_PRINTF(3, 4);

#endif
