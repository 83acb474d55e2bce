/* The unit suites (no database server needed); each test file registers one or more. */
#ifndef ATHANOR_UNIT_SUITES_H
#define ATHANOR_UNIT_SUITES_H

void register_error_suite(void);
void register_value_suite(void);
void register_url_suite(void);
void register_sqltext_suite(void);
void register_loader_suite(void);
void register_engine_suite(void);
void register_pool_suite(void);
void register_session_suites(void);
void register_sqlite_suite(void);
void register_utf8_suite(void);
void register_regressions_suite(void);
void register_macros_suite(void);

#endif
