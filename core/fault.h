/* Private: allocation-failure injection, compiled in only with ATH_FAULT_INJECTION (tests). */
#ifndef ATH_CORE_FAULT_H
#define ATH_CORE_FAULT_H

#include <athanor/export.h>

/** Makes the allocation after the next `n` succeed-then-fail (n = 0 fails the next); -1 disables.
 */
ATH_API void ath_fault_fail_after(long n);
/** Allocations attempted since the last ath_fault_fail_after(). */
ATH_API long ath_fault_calls(void);

#endif
