/* The hostile strings every backend must store and give back byte for byte. */
#ifndef ATHANOR_SECURITY_HOSTILE_H
#define ATHANOR_SECURITY_HOSTILE_H

#include <stddef.h>

/** The fixed list (valid UTF-8, no NUL), and its length. */
extern const char *const hostile_strings[];
extern const size_t hostile_count;

/** A malloc'd string of `len` bytes (plus a terminator) made of SQL-looking fragments. */
char *hostile_big(size_t len);

#endif
