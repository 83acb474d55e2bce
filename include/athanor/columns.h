/*
 * Athanor — a model's columns at run time, for generic code (JSON, CSV, tools) that handles any
 * model without knowing its struct:
 *
 *     ath_columns *cols;
 *     if (ath_columns_open(&cols, &Hero_model) == ATH_OK) {
 *         for (size_t i = 0; i < ath_columns_count(cols); i++) {
 *             const ath_column_info *c = ath_columns_at(cols, i);
 *             ath_value v = ath_columns_get(cols, i, &hero);
 *             ...
 *         }
 *         ath_columns_free(cols);
 *     }
 *
 * The columns are the model's fields in order, then the columns its mixins add (in attachment
 * and role order), exactly as the repository maps them.
 */
#ifndef ATHANOR_COLUMNS_H
#define ATHANOR_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "export.h"
#include "model.h"
#include "value.h"

ATH_BEGIN_DECLS

typedef struct ath_columns ath_columns;

/** One column of a model, as mapped. Strings point into the model (static for its lifetime). */
typedef struct ath_column_info {
    const char *name;           /**< column name */
    ath_type type;              /**< column type */
    unsigned flags;             /**< ATH_PK, ATH_AUTOINC, ATH_NULLABLE, ATH_UNIQUE, … (with the
                                     flags the kind implies) */
    bool nullable;              /**< may hold NULL */
    bool opt;                   /**< the member is an ath_opt_* wrapper */
    bool pk;                    /**< part of the primary key */
    bool autoinc;               /**< the database generates it */
    bool mixin;                 /**< a column some mixin role added */
    size_t offset;              /**< offset of the member in the struct */
    size_t size;                /**< size of the member */
    int max_length;             /**< VARCHAR(n), or 0 */
    const char *server_default; /**< SQL DEFAULT expression, or NULL */
} ath_column_info;

/**
 * Validates `model` and lays out its columns. On success `*out` owns the description; release
 * it with ath_columns_free(). Returns ATH_OK, ATH_EINVAL (NULL argument, or the model fails
 * validation: the message names the model and field), ATH_ENOMEM. `model` must outlive `*out`.
 */
ATH_API int ath_columns_open(ath_columns **out, const ath_model *model);

/** Releases a description; NULL is a no-op. */
ATH_API void ath_columns_free(ath_columns *cols);

/** The model described (NULL for NULL). */
ATH_API const ath_model *ath_columns_model(const ath_columns *cols);

/** Number of columns (0 for NULL). */
ATH_API size_t ath_columns_count(const ath_columns *cols);

/** Column i, or NULL when i is out of range or cols is NULL. Valid while cols lives. */
ATH_API const ath_column_info *ath_columns_at(const ath_columns *cols, size_t i);

/** Index of the column called `name`, or -1 when there is none (or an argument is NULL). */
ATH_API long ath_columns_find(const ath_columns *cols, const char *name);

/**
 * The value of column i in `obj`: ATH_T_NULL for SQL NULL (a NULL pointer, an unset opt_*).
 * Text and blobs point into `obj`. Returns a NULL value for a bad argument.
 */
ATH_API ath_value ath_columns_get(const ath_columns *cols, size_t i, const void *obj);

/**
 * Stores `v` into column i of `obj`, converting between integer widths and between the
 * textual kinds. Text and blobs are copied with malloc: `obj` owns them and
 * ath_model_free_fields() frees them (a string already in the member is NOT freed first).
 * A NULL value stores NULL / unsets an opt_* member; for a column that is not nullable it is
 * ATH_EINVAL.
 * Returns ATH_OK, ATH_EINVAL (bad argument, a value that does not fit the column: the message
 * names the column), ATH_ENOMEM.
 */
ATH_API int ath_columns_set(const ath_columns *cols, size_t i, void *obj, const ath_value *v);

ATH_END_DECLS

#endif
