/* (being written) */
#include "conf.h"
#include "groups.h"

const test_case filters_tests[] = {
    {NULL, NULL},
};
