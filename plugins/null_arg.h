/* Private to the standard mixins: the boundary rule's one message form, as in the core. */
#ifndef ATHANOR_PLUGINS_NULL_ARG_H
#define ATHANOR_PLUGINS_NULL_ARG_H

#include <athanor/error.h>

/**
 * Sets ATH_EINVAL with "<fn>: <arg> is NULL" and returns it, the core's wording (plugins use
 * only public headers, so they cannot call the core's private helper):
 * `if (!repo) return plugin_null_arg(__func__, "repo");`
 */
static inline int plugin_null_arg(const char *fn, const char *arg)
{
    return ath_error_set(ATH_EINVAL, "%s: %s is NULL", fn, arg);
}

#endif
