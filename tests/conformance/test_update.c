/* (being written) */
#include "conf.h"
#include "groups.h"

const test_case update_tests[] = {
    {NULL, NULL},
};
