/* The library's version at run time (the numbers come from the generated athanor/version.h). */
#include <athanor/version.h>

int ath_version(void)
{
    return ATH_VERSION_NUMBER;
}

const char *ath_version_string(void)
{
    return ATH_VERSION_STRING;
}
