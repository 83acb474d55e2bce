/* Context for doc blocks marked <!-- compile: testkit -->: the project's test kit
 * (tests/common/runner.h) and the test function the block registers. Compiled, not run. */
#include "../../common/runner.h"

static void test_timestamp_formats_epoch_and_micros(void) {}

@@BLOCK@@
