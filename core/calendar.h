/* Calendar and hex digits: the one copy the core uses and lends to drivers (ath_driver_host). */
#ifndef ATHANOR_CORE_CALENDAR_H
#define ATHANOR_CORE_CALENDAR_H

#include <stdint.h>

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31; H. Hinnant's
 *  days_from_civil). */
int64_t ath_days_from_civil(int64_t year, unsigned month, unsigned day);
/** The proleptic Gregorian date of `days` since 1970-01-01. */
void ath_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);
/** The value of one hexadecimal digit, either case; -1 for any other character. */
int ath_hex_value(int c);

#endif
