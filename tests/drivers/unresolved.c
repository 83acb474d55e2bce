/* A test-only module that needs a symbol nobody provides: dlopen(RTLD_NOW) must refuse it. */
#include <athanor/sys/driver.h>

extern const ath_driver *athanor_symbol_that_does_not_exist(void);

ATH_API const ath_driver *athanor_unresolved_driver(void);
const ath_driver *athanor_unresolved_driver(void)
{
    return athanor_symbol_that_does_not_exist();
}
