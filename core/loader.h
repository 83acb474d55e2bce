/* Private: the driver registry and the host table handed to drivers. */
#ifndef ATH_CORE_LOADER_H
#define ATH_CORE_LOADER_H

#include <athanor/engine.h>
#include <athanor/sys/driver.h>

/** The core's services for drivers (static, lives forever). */
extern const ath_driver_host ath_host;

/** True when `driver` (already ABI-checked) implements the optional member at `offset`. */
#define ATH_DRIVER_HAS(driver, member)                                                             \
    ((driver)->struct_size >= offsetof(ath_driver, member) + sizeof((driver)->member) &&           \
     (driver)->member != NULL)

#endif
