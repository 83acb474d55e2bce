/* A test-only driver built for another ABI number: loading it must fail with ATH_EDRIVERABI. */
#include <athanor/sys/driver.h>

static const char *const schemes[] = {"badabi", NULL};
static const ath_driver driver = {
    .abi = ATH_DRIVER_ABI + 41,
    .struct_size = sizeof(ath_driver),
    .name = "badabi",
    .schemes = schemes,
};

ATH_API const ath_driver *athanor_badabi_driver(void);
const ath_driver *athanor_badabi_driver(void)
{
    return &driver;
}
