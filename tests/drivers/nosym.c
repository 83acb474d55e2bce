/* A test-only module that forgets to export its entry symbol (athanor_nosym_driver). */
#include <athanor/export.h>

ATH_API int athanor_nosym_something_else(void);
int athanor_nosym_something_else(void)
{
    return 42;
}
