/* A growable text buffer. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

void ath_buf_init(ath_buf *b)
{
    memset(b, 0, sizeof *b);
}

void ath_buf_free(ath_buf *b)
{
    ath_free(b->data);
    ath_buf_init(b);
}

void ath_buf_clear(ath_buf *b)
{
    b->len = 0;
    b->oom = false; /* a failed growth is forgotten with the text: the buffer is usable again */
    if (b->data)
        b->data[0] = '\0';
}

bool ath_buf_reserve(ath_buf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = ath_realloc(b->data, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void ath_buf_add(ath_buf *b, const char *s, size_t len)
{
    if (!ath_buf_reserve(b, len))
        return;
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void ath_buf_adds(ath_buf *b, const char *s)
{
    ath_buf_add(b, s, strlen(s));
}

void ath_buf_addc(ath_buf *b, char c)
{
    ath_buf_add(b, &c, 1);
}

void ath_buf_addf(ath_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[128];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        ath_buf_add(b, small, (size_t)n);
        return;
    }
    if (!ath_buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *ath_buf_take(ath_buf *b)
{
    if (b->oom) {
        ath_buf_free(b);
        return NULL;
    }
    if (!b->data) {
        if (!ath_buf_reserve(b, 0))
            return NULL;
        b->data[0] = '\0';
    }
    char *p = b->data;
    ath_buf_init(b);
    return p;
}
