/* (being written) */
#include "conf.h"
#include "groups.h"

const test_case delete_tests[] = {
    {NULL, NULL},
};
