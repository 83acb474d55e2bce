/* The unit suites (no database needed); each test file registers one or more. */
#ifndef ATHANOR_UNIT_SUITES_H
#define ATHANOR_UNIT_SUITES_H

void register_error_suite(void);
void register_value_suite(void);
void register_url_suite(void);

#endif
