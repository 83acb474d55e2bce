/* (being written) */
#include "conf.h"
#include "groups.h"

const test_case errors_tests[] = {
    {NULL, NULL},
};
