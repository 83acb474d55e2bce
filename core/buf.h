/* Private: a growable text buffer with a sticky out-of-memory flag. */
#ifndef ATH_CORE_BUF_H
#define ATH_CORE_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include <athanor/export.h>

typedef struct ath_buf {
    char *data; /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
    bool oom; /* set by the first failed growth; later appends do nothing */
} ath_buf;

void ath_buf_init(ath_buf *b);
void ath_buf_free(ath_buf *b);
/** Forgets the content but keeps the memory. */
void ath_buf_clear(ath_buf *b);
void ath_buf_add(ath_buf *b, const char *s, size_t len);
void ath_buf_adds(ath_buf *b, const char *s);
void ath_buf_addc(ath_buf *b, char c);
void ath_buf_addf(ath_buf *b, const char *fmt, ...) ATH_PRINTF(2, 3);
/** Makes room for `extra` more bytes; false on OOM. */
bool ath_buf_reserve(ath_buf *b, size_t extra);
/** Hands the text to the caller (who frees it with ath_free); the buffer is left empty. NULL on
 * OOM. */
char *ath_buf_take(ath_buf *b);

#endif
