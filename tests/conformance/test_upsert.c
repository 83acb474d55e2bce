/* (being written) */
#include "conf.h"
#include "groups.h"

const test_case upsert_tests[] = {
    {NULL, NULL},
};
