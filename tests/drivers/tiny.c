/* A test-only driver whose descriptor claims to be too small to hold the required members. */
#include <athanor/sys/driver.h>

static const char *const schemes[] = {"tiny", NULL};
static const ath_driver driver = {
    .abi = ATH_DRIVER_ABI,
    .struct_size = 16,
    .name = "tiny",
    .schemes = schemes,
};

ATH_API const ath_driver *athanor_tiny_driver(void);
const ath_driver *athanor_tiny_driver(void)
{
    return &driver;
}
