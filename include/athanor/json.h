/*
 * Athanor — JSON in and out, fixtures (JSON and CSV files into a table), dumps, and filters
 * from a JSON description. A separate library, `athanor_json` (CMake `athanor::json`,
 * pkg-config `athanor_json`), built on jansson; the core does not link it.
 *
 *     char *text;
 *     ath_model_to_json(&text, &Hero_model, &hero);      // {"id":1,"name":"Deadpond",…}
 *     ath_json_free(text);
 *
 *     Hero h = {0};
 *     if (ath_model_from_json(&h, &Hero_model, body, body_len) != ATH_OK)
 *         reply_400(ath_error_last()->message);          // "key 'age': expected an integer…"
 *
 * How each column type looks in JSON (and in CSV, as the text of a field):
 *   i32, i64            number (integer)                 CSV: decimal
 *   double              number; NaN and infinities are refused in JSON; CSV: "nan", "inf"
 *   bool                true / false                     CSV: true / false (also t/f, 1/0)
 *   text                string                           CSV: the text
 *   numeric             string ("12.50"); a JSON integer is also accepted on input
 *   timestamp           string "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC); input also takes a space
 *                       for T, fewer digits and a ±HH:MM zone
 *   date                string "YYYY-MM-DD"
 *   uuid                string, canonical lower-case form (32 hex digits also accepted)
 *   blob                string, base64 (RFC 4648, with padding)
 *   json                the document itself, embedded (compact, keys in their order)
 *   NULL                null                             CSV: an empty unquoted field
 * Output keys are the column names, in the model's column order (mixin columns included).
 */
#ifndef ATHANOR_JSON_H
#define ATHANOR_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"
#include "filter.h"
#include "model.h"
#include "repository.h"

ATH_BEGIN_DECLS

struct json_t; /* jansson's value type (include <jansson.h> to use the *_value functions) */

/* --- one object ------------------------------------------------------------------------------ */

/**
 * Writes `obj` (a struct of `model`) as a compact JSON object into a malloc'd, NUL-terminated
 * string; free it with ath_json_free(). Returns ATH_OK, ATH_EINVAL (NULL argument, invalid model,
 * a double that is NaN or infinite, a json column holding invalid JSON: the message names the
 * key), ATH_ENOMEM.
 */
ATH_API int ath_model_to_json(char **out, const ath_model *model, const void *obj);

/**
 * Reads a JSON object (`len` bytes of `text`, no terminator needed) into `obj`. Keys present set
 * their member; members whose key is absent keep what `obj` held (start from a zeroed struct or
 * one holding your defaults). Strings and blobs are malloc'd into `obj` (release them with
 * ath_model_free_fields(); a string the member held before is not freed). Returns ATH_OK, or
 * ATH_EINVAL naming the key: unknown key, type mismatch ("key 'age': expected an integer, got a
 * string"), null for a column that is not nullable, an unparsable timestamp/date/uuid/base64,
 * malformed JSON (with line and column). On failure `obj` is left exactly as it was.
 */
ATH_API int ath_model_from_json(void *obj, const ath_model *model, const char *text, size_t len);

/** As ath_model_to_json, building a jansson object (new reference: json_decref it). */
ATH_API int ath_model_to_json_value(struct json_t **out, const ath_model *model, const void *obj);

/** As ath_model_from_json, from a jansson value (borrowed; must be an object). */
ATH_API int ath_model_from_json_value(void *obj, const ath_model *model,
                                      const struct json_t *value);

/* --- many objects ---------------------------------------------------------------------------- */

/** Writes `n` consecutive structs of `model` as a JSON array (malloc'd; ath_json_free). */
ATH_API int ath_array_to_json(char **out, const ath_model *model, const void *objs, size_t n);

/** Writes the objects of a list (from ath_repo_list with the same model) as a JSON array. */
ATH_API int ath_list_to_json(char **out, const ath_model *model, const ath_list *list);

/**
 * Reads a JSON array of objects into a new zeroed array of `*n` structs (`*out`, calloc'd);
 * release it with ath_array_free(). Errors as ath_model_from_json, the message naming the element
 * ("element 3: key 'age': …"); on failure nothing is allocated and *out is NULL.
 */
ATH_API int ath_array_from_json(void **out, size_t *n, const ath_model *model, const char *text,
                                size_t len);

/** Frees the strings of `n` structs and the array itself (from ath_array_from_json); NULL ok. */
ATH_API void ath_array_free(const ath_model *model, void *objs, size_t n);

/** Frees text returned by this library; NULL is a no-op. */
ATH_API void ath_json_free(char *text);

/* --- filters from JSON (Advanced Alchemy's MultiFilter) -------------------------------------- */

typedef struct ath_json_filters ath_json_filters;

/**
 * Builds filters for `model` from a JSON description. The top level is an array of filters
 * (all apply), or one filter. A filter is an object:
 *   {"and_": [filter…]} / {"or_": [filter…]}                   AND / OR groups (nestable)
 *   {"type": "comparison", "field_name": "age", "operator": "gt", "value": 30}
 *        operators: eq ne lt le gt ge like ilike not_like not_ilike startswith istartswith
 *        endswith iendswith contains icontains between ("value": [low, high]) is_null
 *        is_not_null
 *   {"type": "collection" | "not_in_collection", "field_name": "id", "values": [1, 2]}
 *   {"type": "before_after" | "on_before_after", "field_name": "created_at",
 *    "before": "2024-01-01T00:00:00Z", "after": null}
 *   {"type": "search" | "not_in_search", "field_name": "name" or ["name", "nick"],
 *    "value": "dive", "ignore_case": true}
 *   {"type": "order_by", "field_name": "name", "sort_order": "asc" | "desc"}
 *   {"type": "limit_offset", "limit": 10, "offset": 0}
 *   {"type": "exists" | "not_exists", "table": "hero", "filters": [filter…]}
 *        (the related model must be among `related`)
 * Every field_name is checked against the model (related model inside exists), and each value
 * converted to the column's type with the rules above. Unknown keys are refused.
 * On success `*out` owns the filters and the memory they point at; release it with
 * ath_json_filters_free(). Returns ATH_OK, ATH_EINVAL naming the offending key, column or type
 * (and the line for malformed JSON), ATH_ENOMEM.
 */
ATH_API int ath_filters_from_json(ath_json_filters **out, const ath_model *model,
                                  const ath_model *const *related, size_t nrelated,
                                  const char *text, size_t len);

/** The filters built (valid while `f` lives), for ath_repo_list and friends. */
ATH_API const ath_filter *ath_json_filters_items(const ath_json_filters *f);
/** Number of top-level filters. */
ATH_API size_t ath_json_filters_count(const ath_json_filters *f);
/** Releases filters from ath_filters_from_json; NULL is a no-op. */
ATH_API void ath_json_filters_free(ath_json_filters *f);

/* --- files: fixtures in, dumps out ----------------------------------------------------------- */

/** File formats. */
typedef enum ath_data_format {
    ATH_FORMAT_AUTO = 0, /**< from the file name: .csv → CSV, anything else → JSON */
    ATH_FORMAT_JSON,     /**< JSON: in, a JSON array or JSON Lines; out, JSON Lines */
    ATH_FORMAT_CSV       /**< CSV (RFC 4180) with a header line of column names */
} ath_data_format;

/** Where a load or dump stands, for a progress display. */
typedef struct ath_progress {
    int64_t rows;        /**< rows done so far */
    int64_t total_rows;  /**< rows in all (dump), or -1 when unknown (load) */
    int64_t bytes;       /**< bytes read from the file so far (load; compressed bytes for .gz) */
    int64_t total_bytes; /**< size of the file (load), or -1 when unknown */
    double elapsed;      /**< seconds since the start */
    bool done;           /**< the last report of the run */
} ath_progress;

/** Options of ath_load_file and ath_dump_file; zero-initialised means defaults. */
typedef struct ath_data_options {
    ath_data_format format; /**< ATH_FORMAT_AUTO by default */
    size_t chunk_rows;      /**< rows per batch (default 1000) */
    /** Called after each batch and once at the end (done = true); may be NULL. */
    void (*progress)(void *ctx, const ath_progress *p);
    void *progress_ctx;
} ath_data_options;

/**
 * Loads a fixture or dump file into the repository's table (Advanced Alchemy's open_fixture
 * followed by add_many): JSON (an array of objects, or JSON Lines: one object per line) or CSV
 * with a header line naming columns; gzip-compressed files are read transparently. `path` "-"
 * reads standard input. Rows go through ath_repo_add_many in batches, so the model's mixins run
 * as for any insert. Everything happens in one transaction: when the session has none open, the
 * load begins one and commits it; inside the caller's transaction it works under a savepoint.
 * On any failure nothing is loaded (rolled back) and the message names the file and line
 * ("heroes.csv:17: column 'age': expected an integer, got \"x\""), for a JSON array the element.
 * `*rows` (may be NULL) receives the number of rows loaded. Returns ATH_OK, ATH_EINVAL (bad
 * input), ATH_EIO (file cannot be read), ATH_ENOMEM, or the database's error (ATH_EDUPLICATE…).
 */
ATH_API int ath_load_file(int64_t *rows, ath_repo *repo, const char *path,
                          const ath_data_options *options);

/**
 * Writes every row of the repository's table to `path` ("-": standard output), ordered by the
 * primary key, read in keyset-paged batches (soft-deleted rows included): JSON Lines, or CSV
 * with a header line. A path ending in ".gz" is gzip-compressed. Loading the file into an empty
 * table with ath_load_file and dumping again gives the same bytes. `*rows` (may be NULL) receives
 * the number written. Returns ATH_OK, ATH_EIO (the file cannot be written), ATH_EINVAL (a value
 * JSON cannot hold, such as NaN), or the database's error.
 */
ATH_API int ath_dump_file(int64_t *rows, ath_repo *repo, const char *path,
                          const ath_data_options *options);

ATH_END_DECLS

#endif
