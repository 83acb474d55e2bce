/* (being written) */
#include "conf.h"
#include "groups.h"

const test_case types_tests[] = {
    {NULL, NULL},
};
