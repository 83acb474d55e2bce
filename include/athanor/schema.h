/* Athanor — schema: create and drop the tables of a set of models. */
#ifndef ATHANOR_SCHEMA_H
#define ATHANOR_SCHEMA_H

#include <stddef.h>

#include "engine.h"
#include "error.h"
#include "export.h"
#include "model.h"

ATH_BEGIN_DECLS

/*
 * NULL arguments (docs/errors.md): a NULL handle, out-parameter, model list, array with a
 * non-zero count or required string is refused with ATH_EINVAL and the message
 * "<function>: <argument> is NULL" -- never a crash. Functions that cannot return a code say
 * below what they give for NULL (and set the same error); _free/_close/_dispose accept NULL.
 */

/**
 * Creates the tables of `models` (and their indexes and constraints) that do not exist yet,
 * referenced tables first, on a connection of its own, and commits. Running it twice is
 * harmless (IF NOT EXISTS). Constraint names follow one convention: pk_<table>,
 * uq_<table>_<column>, ix_<table>_<column>, fk_<table>_<column>_<referenced table>,
 * ck_<table>_<column>. Returns ATH_OK, ATH_EINVAL for an invalid model or a foreign-key cycle,
 * or the database's error. On MySQL each statement commits by itself (see docs).
 */
ATH_API int ath_create_all(ath_engine *engine, const ath_model *const *models, size_t n);

/** Drops the tables of `models` that exist, referencing tables first, and commits. */
ATH_API int ath_drop_all(ath_engine *engine, const ath_model *const *models, size_t n);

/**
 * Writes the DDL ath_create_all would run for this engine's dialect, statements separated by
 * ";\n", into a malloc'd string the caller frees (for tools and docs).
 */
ATH_API int ath_create_all_sql(char **out, ath_engine *engine, const ath_model *const *models,
                               size_t n);

/** Passes models as an array and its length: `ath_create_all(engine, ATH_MODELS(&A, &B))`. */
#define ATH_MODELS(...)                                                                            \
    ((const ath_model *const[]){__VA_ARGS__}),                                                     \
        (sizeof((const ath_model *const[]){__VA_ARGS__}) / sizeof(const ath_model *))

ATH_END_DECLS

/* --- C++: the same macros (see cxx.h) --- */
#ifdef __cplusplus
#include "cxx.h"
#undef ATH_MODELS
#define ATH_MODELS(...) ATH__CXX_ARRAY(const ath_model *, __VA_ARGS__)
#endif /* __cplusplus */

#endif
