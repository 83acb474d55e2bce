/* (being written) */
#include "conf.h"
#include "groups.h"

const test_case pagination_tests[] = {
    {NULL, NULL},
};
