/* Type names and the text forms of timestamps, dates and UUIDs. */
#include <athanor/value.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <athanor/error.h>

#include "calendar.h"
#include "error.h"

static const char *const type_names[ATH_T__COUNT] = {
    [ATH_T_NULL] = "null",     [ATH_T_I32] = "i32",         [ATH_T_I64] = "i64",
    [ATH_T_DOUBLE] = "double", [ATH_T_BOOL] = "bool",       [ATH_T_TEXT] = "text",
    [ATH_T_BLOB] = "blob",     [ATH_T_NUMERIC] = "numeric", [ATH_T_TIMESTAMP] = "timestamp",
    [ATH_T_DATE] = "date",     [ATH_T_UUID] = "uuid",       [ATH_T_JSON] = "json",
};

const char *ath_type_name(ath_type type)
{
    return (unsigned)type < ATH_T__COUNT ? type_names[type] : "?";
}

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

/* The shared calendar (core/calendar.c), with int parts for the formats below. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    return ath_days_from_civil(y, m, d);
}

static void civil_from_days(int64_t z, int *year, int *month, int *day)
{
    int64_t y;
    unsigned m, d;
    ath_civil_from_days(z, &y, &m, &d);
    *year = (int)y;
    *month = (int)m;
    *day = (int)d;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 ? 28 + leap : days[month - 1];
}

int ath_date_from_parts(ath_date *out, int year, int month, int day)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month))
        return ath_fail(ATH_EINVAL, "date %04d-%02d-%02d is out of range", year, month, day);
    *out = (ath_date)days_from_civil(year, (unsigned)month, (unsigned)day);
    return ATH_OK;
}

int ath_timestamp_from_parts(ath_timestamp *out, int year, int month, int day, int hour, int minute,
                             int second, int microsecond)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    ath_date d;
    int rc = ath_date_from_parts(&d, year, month, day);
    if (rc != ATH_OK)
        return rc;
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 ||
        microsecond < 0 || microsecond > 999999)
        return ath_fail(ATH_EINVAL, "time %02d:%02d:%02d.%06d is out of range", hour, minute,
                        second, microsecond);
    *out = (int64_t)d * US_PER_DAY + ((int64_t)hour * 3600 + minute * 60 + second) * US_PER_SEC +
           microsecond;
    return ATH_OK;
}

ath_timestamp ath_timestamp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

/* Writes v (0..99) as two digits. */
static char *put2(char *p, int v)
{
    static const char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    memcpy(p, pairs + 2 * v, 2);
    return p + 2;
}

int ath_timestamp_format(ath_timestamp ts, bool iso, char *buf, size_t size)
{
    if (!buf && size)
        return ath_null_arg(__func__, "buf");
    int64_t days = ts / US_PER_DAY;
    int64_t rem = ts % US_PER_DAY;
    if (rem < 0) {
        rem += US_PER_DAY;
        days -= 1;
    }
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 1 || y > 9999)
        return ath_fail(ATH_EINVAL, "timestamp %lld is outside years 1..9999", (long long)ts);
    int64_t secs = rem / US_PER_SEC;
    int us = (int)(rem % US_PER_SEC);
    /* fixed width, two digits at a time: this runs for every timestamp a statement binds */
    char text[ATH_TIMESTAMP_TEXT_MAX];
    char *p = text;
    p = put2(p, y / 100);
    p = put2(p, y % 100);
    *p++ = '-';
    p = put2(p, m);
    *p++ = '-';
    p = put2(p, d);
    *p++ = iso ? 'T' : ' ';
    int hms = (int)secs;
    p = put2(p, hms / 3600);
    *p++ = ':';
    p = put2(p, hms / 60 % 60);
    *p++ = ':';
    p = put2(p, hms % 60);
    *p++ = '.';
    p = put2(p, us / 10000);
    p = put2(p, us / 100 % 100);
    p = put2(p, us % 100);
    int n = (int)(p - text);
    if (iso)
        text[n++] = 'Z';
    if (size) { /* snprintf-style: truncated, terminated, the full length returned */
        size_t copy = (size_t)n < size ? (size_t)n : size - 1;
        memcpy(buf, text, copy);
        buf[copy] = '\0';
    }
    return n;
}

int ath_date_format(ath_date date, char *buf, size_t size)
{
    if (!buf && size)
        return ath_null_arg(__func__, "buf");
    int y, m, d;
    civil_from_days(date, &y, &m, &d);
    if (y < 1 || y > 9999)
        return ath_fail(ATH_EINVAL, "date %ld is outside years 1..9999", (long)date);
    return snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

/* Reads exactly `n` digits at text[*pos]; -1 when they are not there. */
static int read_digits(const char *text, size_t len, size_t *pos, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (*pos >= len || text[*pos] < '0' || text[*pos] > '9')
            return -1;
        v = v * 10 + (text[(*pos)++] - '0');
    }
    return v;
}

static int parse_date_part(const char *text, size_t len, size_t *pos, int *y, int *m, int *d)
{
    *y = read_digits(text, len, pos, 4);
    if (*y < 0 || *pos >= len || text[(*pos)++] != '-')
        return -1;
    *m = read_digits(text, len, pos, 2);
    if (*m < 0 || *pos >= len || text[(*pos)++] != '-')
        return -1;
    *d = read_digits(text, len, pos, 2);
    return *d < 0 ? -1 : 0;
}

int ath_date_parse(ath_date *out, const char *text, size_t len)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    if (!text)
        return ath_null_arg(__func__, "text");
    size_t pos = 0;
    int y, m, d;
    if (parse_date_part(text, len, &pos, &y, &m, &d) < 0 || pos != len)
        return ath_fail(ATH_EINVAL, "\"%.*s\" is not a date (YYYY-MM-DD)",
                        (int)(len > 40 ? 40 : len), text);
    return ath_date_from_parts(out, y, m, d);
}

/* The form Athanor writes itself, "YYYY-MM-DD HH:MM:SS.ffffff", read in one pass. */
static bool parse_fixed(ath_timestamp *out, const char *t, size_t len)
{
    if (len != 26 || t[4] != '-' || t[7] != '-' || t[10] != ' ' || t[13] != ':' || t[16] != ':' ||
        t[19] != '.')
        return false;
    static const unsigned char starts[] = {0, 5, 8, 11, 14, 17, 20};
    static const unsigned char widths[] = {4, 2, 2, 2, 2, 2, 6};
    int v[7];
    for (int f = 0; f < 7; f++) {
        int x = 0;
        for (int k = 0; k < widths[f]; k++) {
            unsigned digit = (unsigned)(t[starts[f] + k] - '0');
            if (digit > 9)
                return false;
            x = x * 10 + (int)digit;
        }
        v[f] = x;
    }
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[0] < 1 || v[2] > days_in_month(v[0], v[1]) ||
        v[3] > 23 || v[4] > 59 || v[5] > 59)
        return false;
    *out = (days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]) * 86400 + v[3] * 3600 +
            v[4] * 60 + v[5]) *
               US_PER_SEC +
           v[6];
    return true;
}

int ath_timestamp_parse(ath_timestamp *out, const char *text, size_t len)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    if (!text)
        return ath_null_arg(__func__, "text");
    if (parse_fixed(out, text, len))
        return ATH_OK;
    size_t pos = 0;
    int y, m, d, hh = 0, mi = 0, ss = 0, us = 0;
    int64_t offset_s = 0;
    if (parse_date_part(text, len, &pos, &y, &m, &d) < 0)
        goto bad;
    if (pos < len && (text[pos] == ' ' || text[pos] == 'T')) {
        pos++;
        if ((hh = read_digits(text, len, &pos, 2)) < 0 || pos >= len || text[pos++] != ':')
            goto bad;
        if ((mi = read_digits(text, len, &pos, 2)) < 0)
            goto bad;
        if (pos < len && text[pos] == ':') {
            pos++;
            if ((ss = read_digits(text, len, &pos, 2)) < 0)
                goto bad;
            if (pos < len && text[pos] == '.') {
                pos++;
                int digits = 0;
                while (pos < len && text[pos] >= '0' && text[pos] <= '9') {
                    if (digits < 6)
                        us = us * 10 + (text[pos] - '0');
                    digits++;
                    pos++;
                }
                if (digits == 0)
                    goto bad;
                for (; digits < 6; digits++)
                    us *= 10;
            }
        }
        if (pos < len && text[pos] == 'Z') {
            pos++;
        } else if (pos < len && (text[pos] == '+' || text[pos] == '-')) {
            int sign = text[pos++] == '-' ? -1 : 1;
            int oh = read_digits(text, len, &pos, 2), om = 0;
            if (oh < 0 || oh > 23)
                goto bad;
            if (pos < len && text[pos] == ':')
                pos++;
            if (pos < len) {
                if ((om = read_digits(text, len, &pos, 2)) < 0 || om > 59)
                    goto bad;
            }
            offset_s = sign * (oh * 3600 + om * 60);
        }
    }
    if (pos != len)
        goto bad;
    int rc = ath_timestamp_from_parts(out, y, m, d, hh, mi, ss, us);
    if (rc == ATH_OK)
        *out -= offset_s * US_PER_SEC;
    return rc;
bad:
    return ath_fail(ATH_EINVAL,
                    "\"%.*s\" is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff][Z|±HH:MM])",
                    (int)(len > 40 ? 40 : len), text);
}

int ath_uuid_format(const ath_uuid *u, char *buf, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    if (!u)
        return ath_null_arg(__func__, "u");
    if (!buf)
        return ath_null_arg(__func__, "buf");
    if (size < ATH_UUID_TEXT_MAX)
        return ath_fail(ATH_EINVAL, "a UUID needs %d bytes of buffer", ATH_UUID_TEXT_MAX);
    char *p = buf;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[u->bytes[i] >> 4];
        *p++ = hex[u->bytes[i] & 15];
    }
    *p = '\0';
    return 36;
}

int ath_uuid_parse(ath_uuid *out, const char *text, size_t len)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    if (!text)
        return ath_null_arg(__func__, "text");
    int dashed = len == 36;
    if (len != 36 && len != 32)
        goto bad;
    size_t pos = 0;
    for (int i = 0; i < 16; i++) {
        if (dashed && (i == 4 || i == 6 || i == 8 || i == 10)) {
            if (text[pos++] != '-')
                goto bad;
        }
        int hi = ath_hex_value((unsigned char)text[pos]), lo = ath_hex_value((unsigned char)text[pos + 1]);
        if (hi < 0 || lo < 0)
            goto bad;
        out->bytes[i] = (unsigned char)(hi << 4 | lo);
        pos += 2;
    }
    return ATH_OK;
bad:
    return ath_fail(ATH_EINVAL, "\"%.*s\" is not a UUID", (int)(len > 40 ? 40 : len), text);
}

bool ath_uuid_is_nil(const ath_uuid *u)
{
    if (!u) {
        ath_null_arg(__func__, "u");
        return true; /* documented: no UUID counts as the nil one */
    }
    for (int i = 0; i < 16; i++)
        if (u->bytes[i])
            return false;
    return true;
}
