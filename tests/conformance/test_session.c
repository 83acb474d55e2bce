/* (being written) */
#include "conf.h"
#include "groups.h"

const test_case session_tests[] = {
    {NULL, NULL},
};
