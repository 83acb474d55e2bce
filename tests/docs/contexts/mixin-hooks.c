/* Context for doc blocks marked <!-- compile: mixin-hooks -->: the hooks a mixin descriptor
 * names, declared before the block and defined after it. Compiled, not run. */
#include <athanor/mixin.h>

static int before_insert(const ath_mixin_ctx *ctx, void *obj);
static int before_update(const ath_mixin_ctx *ctx, void *obj);
static int scope(const ath_mixin_ctx *ctx, unsigned options, ath_filter *out);

@@BLOCK@@

static int before_insert(const ath_mixin_ctx *ctx, void *obj) { (void)ctx, (void)obj; return ATH_OK; }
static int before_update(const ath_mixin_ctx *ctx, void *obj) { (void)ctx, (void)obj; return ATH_OK; }
static int scope(const ath_mixin_ctx *ctx, unsigned options, ath_filter *out)
{
    (void)ctx, (void)options, (void)out;
    return 0;
}
