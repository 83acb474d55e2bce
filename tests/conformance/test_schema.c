/* (being written) */
#include "conf.h"
#include "groups.h"

const test_case schema_tests[] = {
    {NULL, NULL},
};
