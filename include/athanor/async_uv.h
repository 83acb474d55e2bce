/* Athanor — the async runtime on a libuv loop (library athanor_uv; docs/async.md). */
#ifndef ATHANOR_ASYNC_UV_H
#define ATHANOR_ASYNC_UV_H

#include "async.h"

ATH_BEGIN_DECLS

/* libuv's loop (uv_loop_t is `struct uv_loop_s`): this header does not need <uv.h>, so it
 * compiles in strict C11 too; the program includes <uv.h> for its own calls. */
struct uv_loop_s;

typedef struct ath_async_uv ath_async_uv;

/**
 * Creates an async runtime driven by `loop`: every descriptor it needs is watched with a
 * uv_poll_t and its timer is a uv_timer_t, so uv_run() runs Athanor's operations and their
 * callbacks with the program's other handles. While operations are pending the handles keep
 * the loop alive; once none is, they are stopped and uv_run(UV_RUN_DEFAULT) can return.
 * `options` may be NULL (its watch, timer and loop members are replaced). On success `*out`
 * owns the adapter; free it with ath_async_uv_free(). ATH_EINVAL (NULL loop or out), ATH_ENOMEM.
 * Call it, and every ath_async_* function, on the loop's thread.
 */
ATH_API int ath_async_uv_create(ath_async_uv **out, struct uv_loop_s *loop,
                                const ath_async_options *options);

/** The runtime to start operations on (ath_async_session_open…); NULL for NULL. */
ATH_API ath_async *ath_async_uv_runtime(ath_async_uv *adapter);

/**
 * Frees the runtime (ath_async_free: pending operations end with ATH_ECANCELED, their
 * callbacks run) and closes the adapter's handles; NULL is a no-op. libuv closes handles
 * asynchronously: run the loop once more (uv_run(loop, UV_RUN_DEFAULT)) before uv_loop_close().
 * Must not be called from inside one of Athanor's callbacks.
 */
ATH_API void ath_async_uv_free(ath_async_uv *adapter);

ATH_END_DECLS

#endif
