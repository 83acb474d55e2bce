/* (being written) */
#include "conf.h"
#include "groups.h"

const test_case filter_logic_tests[] = {
    {NULL, NULL},
};
