/* Uses the installed standard mixins (athanor::mixins / pkg-config athanor_mixins). */
#include <athanor/athanor.h>
#include <athanor/mixins.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    char slug[64];
    ath_slugify(slug, sizeof slug, "Hello, World");
    if (ath_version() != ATH_VERSION_NUMBER) {
        printf("mixins: compiled against %s, running %s\n", ATH_VERSION_STRING,
               ath_version_string());
        return 1;
    }
    printf("mixins: %s %s\n", slug, ath_mixin_version.name);
    return strcmp(slug, "hello-world") == 0 ? 0 : 1;
}
