/* (being written) */
#include "conf.h"
#include "groups.h"

const test_case list_tests[] = {
    {NULL, NULL},
};
