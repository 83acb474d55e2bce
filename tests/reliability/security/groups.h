/* The security suite's test groups, each registered once per URL. */
#ifndef ATHANOR_SECURITY_GROUPS_H
#define ATHANOR_SECURITY_GROUPS_H

#include "runner.h"

extern const test_case injection_tests[];
extern const test_case text_policy_tests[];
extern const test_case identifier_tests[];
extern const test_case extremes_tests[];

#endif
