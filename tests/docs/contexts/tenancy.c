/* Context for doc blocks marked <!-- compile: tenancy -->: the standard mixins (M(AUDIT)) and the
 * tenancy example's mixin object, which the block attaches (examples/tenancy/tenancy.c defines
 * it). Compiled, not run. */
#include <athanor/mixins.h>

extern const ath_mixin tenant_mixin;

@@BLOCK@@
