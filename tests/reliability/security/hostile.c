/* The hostile strings (see hostile.h). Every one is valid UTF-8 without NUL: the text policy
 * accepts them, so each must come back exactly as it went in. */
#include "hostile.h"

#include <stdlib.h>
#include <string.h>

const char *const hostile_strings[] = {
    /* quotes of every dialect */
    "'",
    "''",
    "\"",
    "`",
    "'\"`",
    "O'Brien",
    "it''s",
    /* backslashes (MySQL escapes without NO_BACKSLASH_ESCAPES) */
    "\\",
    "\\\\",
    "\\'",
    "\\\"",
    "\\0",
    "\\x27",
    "E'\\x27'",
    "\\'; DROP TABLE sec_note; --",
    /* classic injections */
    "'; DROP TABLE sec_note; --",
    "\"; DROP TABLE sec_note; --",
    "`; DROP TABLE sec_note; --",
    "1' OR '1'='1",
    "1\" OR \"1\"=\"1",
    "' OR 1=1 --",
    "admin'--",
    "' UNION SELECT NULL, NULL, NULL --",
    "'||(SELECT COUNT(*) FROM sec_note)||'",
    "'; SELECT pg_sleep(5); --",
    "'; SELECT SLEEP(5); --",
    "x'; UPDATE sec_note SET title = 'pwned'; --",
    "); DELETE FROM sec_note; --",
    /* comment markers and statement separators */
    "/* comment */",
    "*/ DROP TABLE sec_note; /*",
    "-- line comment",
    "# hash comment",
    ";",
    ";;;",
    "a; b",
    /* dollar quoting and placeholder look-alikes */
    "$$",
    "$$; DROP TABLE sec_note; $$",
    "$tag$ body $tag$",
    "?",
    "??",
    "? ? ?",
    "$1",
    "$2 $1",
    ":name",
    "@var",
    "%s%n%x%p",
    "{0}",
    /* LIKE wildcards and Athanor's LIKE escape character '!' */
    "%",
    "_",
    "%_%",
    "100%",
    "a_b",
    "!",
    "!%",
    "!!",
    "a!_b",
    "\\%",
    "[abc]",
    "[^a]%",
    /* whitespace, padding and control characters (no NUL) */
    " ",
    "pad",
    "pad ",
    "  both  ",
    "\t\n\r\v\f",
    "\x01\x02\x03\x1b[31m\x7f",
    "line1\nline2\r\n",
    /* words that mean something to SQL */
    "NULL",
    "null",
    "DEFAULT",
    "CHAR(39)",
    "0x27",
    "SELECT * FROM sec_note",
    /* Unicode: multi-byte, 4-byte, bidi controls, BOM, the last code point, look-alikes */
    "\xc3\xb1 \xc3\x9c \xc3\x9f \xe4\xb8\xad\xe6\x96\x87 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
    "\xf0\x9f\x98\x80 emoji \xf0\x9f\x92\xa9\xf0\x9f\x8f\xb3\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x8c"
    "\x88",
    "\xf0\x9d\x95\x8f\xf0\x9d\x95\xa0",
    "\xe2\x80\x8f RTL mark \xe2\x80\xae override \xe2\x80\xac",
    "\xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9",
    "\xef\xbb\xbf BOM",
    "\xf4\x8f\xbf\xbf",
    "\xef\xbf\xbf \xee\x80\x80",
    "\xe2\x80\xa8 line separator \xe2\x80\xa9",
    "\xef\xbc\x87 fullwidth apostrophe \xca\xbc",
    "e\xcc\x81 combining",
};
const size_t hostile_count = sizeof hostile_strings / sizeof hostile_strings[0];

char *hostile_big(size_t len)
{
    static const char piece[] =
        "'; DROP TABLE sec_note; -- \\ \" ` $$ ? $1 % _ /* */ \xf0\x9f\x98\x80 ";
    char *s = malloc(len + 1);
    if (!s)
        return NULL;
    size_t n = 0, plen = sizeof piece - 1;
    while (n + plen <= len) {
        memcpy(s + n, piece, plen);
        n += plen;
    }
    memset(s + n, 'x', len - n); /* ASCII tail: never a cut UTF-8 sequence */
    s[len] = '\0';
    return s;
}
