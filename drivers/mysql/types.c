/* MYSQL_TIME <-> Athanor timestamps (UTC microseconds) and dates (days since 1970-01-01). */
#include <stdio.h>
#include <string.h>

#include "mysql_driver.h"

#define US_PER_DAY INT64_C(86400000000)

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int set_date(MYSQL_TIME *t, int64_t days)
{
    int64_t y;
    unsigned m, d;
    if (days < days_from_civil(1, 1, 1) || days > days_from_civil(9999, 12, 31))
        return ATH_EINVAL;
    civil_from_days(days, &y, &m, &d);
    t->year = (unsigned)y;
    t->month = m;
    t->day = d;
    return ATH_OK;
}

int mydrv_time_from_timestamp(MYSQL_TIME *t, ath_timestamp ts)
{
    memset(t, 0, sizeof *t);
    int64_t days = floor_div(ts, US_PER_DAY);
    if (set_date(t, days) != ATH_OK) /* before the multiplication: INT64_MIN would overflow */
        return ATH_EINVAL;
    int64_t us = ts - days * US_PER_DAY;
    t->hour = (unsigned)(us / INT64_C(3600000000));
    t->minute = (unsigned)(us / 60000000 % 60);
    t->second = (unsigned)(us / 1000000 % 60);
    t->second_part = (unsigned long)(us % 1000000);
    t->time_type = MYSQL_TIMESTAMP_DATETIME;
    return ATH_OK;
}

int mydrv_time_from_date(MYSQL_TIME *t, ath_date d)
{
    memset(t, 0, sizeof *t);
    if (set_date(t, d) != ATH_OK)
        return ATH_EINVAL;
    t->time_type = MYSQL_TIMESTAMP_DATE;
    return ATH_OK;
}

static bool valid_date(const MYSQL_TIME *t)
{
    static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return t->year >= 1 && t->year <= 9999 && t->month >= 1 && t->month <= 12 && t->day >= 1 &&
           t->day <= mdays[t->month - 1];
}

int mydrv_time_to_timestamp(const MYSQL_TIME *t, ath_timestamp *out)
{
    if (t->time_type == MYSQL_TIMESTAMP_TIME || !valid_date(t) || t->hour > 23 || t->minute > 59 ||
        t->second > 59 || t->second_part > 999999)
        return -1;
    int64_t days = days_from_civil(t->year, t->month, t->day);
    *out = days * US_PER_DAY + (int64_t)t->hour * INT64_C(3600000000) +
           (int64_t)t->minute * 60000000 + (int64_t)t->second * 1000000 + (int64_t)t->second_part;
    return 0;
}

int mydrv_time_to_date(const MYSQL_TIME *t, ath_date *out)
{
    if (t->time_type == MYSQL_TIMESTAMP_TIME || !valid_date(t))
        return -1;
    *out = (ath_date)days_from_civil(t->year, t->month, t->day);
    return 0;
}

int mydrv_time_format(const MYSQL_TIME *t, char *buf, size_t size)
{
    char frac[8] = "";
    if (t->second_part)
        snprintf(frac, sizeof frac, ".%06lu", t->second_part % 1000000);
    switch (t->time_type) {
    case MYSQL_TIMESTAMP_DATE:
        return snprintf(buf, size, "%04u-%02u-%02u", t->year % 10000, t->month % 100, t->day % 100);
    case MYSQL_TIMESTAMP_TIME:
        return snprintf(buf, size, "%s%u:%02u:%02u%s", t->neg ? "-" : "",
                        (t->day * 24 + t->hour) % 100000, t->minute % 100, t->second % 100, frac);
    default:
        return snprintf(buf, size, "%04u-%02u-%02u %02u:%02u:%02u%s", t->year % 10000,
                        t->month % 100, t->day % 100, t->hour % 100, t->minute % 100,
                        t->second % 100, frac);
    }
}
