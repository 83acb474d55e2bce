/* Private to athanor_json: buffers, value codecs (JSON and CSV text forms), error prefixes. */
#ifndef ATH_JSON_CODEC_H
#define ATH_JSON_CODEC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include <athanor/columns.h>
#include <athanor/error.h>
#include <athanor/value.h>

/** Types whose member is a malloc'd pointer (text, numeric, json, blob). */
static inline bool ath_type_bytes_kind(ath_type t)
{
    return t == ATH_T_TEXT || t == ATH_T_NUMERIC || t == ATH_T_JSON || t == ATH_T_BLOB;
}

/** A growable byte buffer; `oom` sticks once an allocation failed. */
typedef struct jbuf {
    char *p;
    size_t len, cap;
    bool oom;
} jbuf;

bool jb_reserve(jbuf *b, size_t extra);
void jb_put(jbuf *b, const void *s, size_t n);
void jb_puts(jbuf *b, const char *s);
void jb_putc(jbuf *b, char c);
void jb_free(jbuf *b);
/** A NUL-terminated copy of the contents (malloc'd), or NULL. */
char *jb_strdup(const jbuf *b);

/** Appends `s` as a JSON string literal (quotes and escapes). */
void jb_json_string(jbuf *b, const char *s, size_t n);
/** Appends the shortest text that reads back as `d` (finite only; "1.0" keeps a point). */
void jb_double(jbuf *b, double d, bool json);
void jb_base64(jbuf *b, const unsigned char *p, size_t n);
/** Decodes base64 (padding required when the length is not a multiple of 4) into `out`. */
bool base64_decode(jbuf *out, const char *s, size_t n);

/** Appends a jansson value compactly, doubles in their shortest form. */
int jx_write_json(jbuf *b, const json_t *j);

/** Appends column `c`'s value as JSON; `key` names it in errors. */
int jx_value_json(jbuf *b, const ath_column_info *c, const ath_value *v);
/** Appends the CSV text form (unquoted) of a non-NULL value. */
int jx_value_text(jbuf *b, const ath_column_info *c, const ath_value *v);
/** A jansson value for column c's value (new reference), or NULL with the error set. */
json_t *jx_value_jansson(const ath_column_info *c, const ath_value *v);

/** Converts a JSON value for column c into *out; data may live in `scratch`. */
int jx_json_value(ath_value *out, jbuf *scratch, const ath_column_info *c, const json_t *j);
/** Converts the CSV text of a field for column c (`null`: an empty unquoted field). */
int jx_text_value(ath_value *out, jbuf *scratch, const ath_column_info *c, const char *s,
                  size_t n, bool null);

/** Appends obj as a JSON object (keys in column order). */
int jx_row_json(jbuf *b, const ath_columns *cols, const void *obj);
/**
 * Sets the members of obj from a JSON object. `set` (ncols bools, may be NULL) records the
 * columns written, so a caller can free what was allocated on failure.
 */
int jx_row_from_json(const ath_columns *cols, void *obj, const json_t *o, jbuf *scratch,
                     bool *set);
/** Frees the text/blob members recorded in `set` (they were malloc'd by the decoder). */
void jx_free_set(const ath_columns *cols, void *obj, const bool *set);

/** Re-sets the last error as "<prefix>: <old message>" keeping its code; returns the code. */
int jx_prefix_error(const char *fmt, ...) ATH_PRINTF(1, 2);

#endif
