/* MYSQL_TIME <-> Athanor timestamps (UTC microseconds) and dates (days since 1970-01-01). */
#include <stdio.h>
#include <string.h>

#include "mysql_driver.h"

#define US_PER_DAY INT64_C(86400000000)

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int set_date(const ath_driver_host *host, MYSQL_TIME *t, int64_t days)
{
    int64_t y;
    unsigned m, d;
    if (days < host->days_from_civil(1, 1, 1) || days > host->days_from_civil(9999, 12, 31))
        return ATH_EINVAL;
    host->civil_from_days(days, &y, &m, &d);
    t->year = (unsigned)y;
    t->month = m;
    t->day = d;
    return ATH_OK;
}

int mydrv_time_from_timestamp(const ath_driver_host *host, MYSQL_TIME *t, ath_timestamp ts)
{
    memset(t, 0, sizeof *t);
    int64_t days = floor_div(ts, US_PER_DAY);
    if (set_date(host, t, days) != ATH_OK) /* before the multiplication: INT64_MIN would overflow */
        return ATH_EINVAL;
    int64_t us = ts - days * US_PER_DAY;
    t->hour = (unsigned)(us / INT64_C(3600000000));
    t->minute = (unsigned)(us / 60000000 % 60);
    t->second = (unsigned)(us / 1000000 % 60);
    t->second_part = (unsigned long)(us % 1000000);
    t->time_type = MYSQL_TIMESTAMP_DATETIME;
    return ATH_OK;
}

int mydrv_time_from_date(const ath_driver_host *host, MYSQL_TIME *t, ath_date d)
{
    memset(t, 0, sizeof *t);
    if (set_date(host, t, d) != ATH_OK)
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

int mydrv_time_to_timestamp(const ath_driver_host *host, const MYSQL_TIME *t,
                            ath_timestamp *out)
{
    if (t->time_type == MYSQL_TIMESTAMP_TIME || !valid_date(t) || t->hour > 23 || t->minute > 59 ||
        t->second > 59 || t->second_part > 999999)
        return -1;
    int64_t days = host->days_from_civil(t->year, t->month, t->day);
    *out = days * US_PER_DAY + (int64_t)t->hour * INT64_C(3600000000) +
           (int64_t)t->minute * 60000000 + (int64_t)t->second * 1000000 + (int64_t)t->second_part;
    return 0;
}

int mydrv_time_to_date(const ath_driver_host *host, const MYSQL_TIME *t, ath_date *out)
{
    if (t->time_type == MYSQL_TIMESTAMP_TIME || !valid_date(t))
        return -1;
    *out = (ath_date)host->days_from_civil(t->year, t->month, t->day);
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
