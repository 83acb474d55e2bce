/* The host table's wait(): poll() outside async operations, the io URL option. */
#include <athanor/athanor.h>
#include <athanor/sys/driver.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

#include "io_wait.h"
#include "runner.h"

static void test_wait_reports_a_readable_pipe(void)
{
    int fds[2];
    CU_ASSERT_FATAL(pipe(fds) == 0);
    const ath_driver_host *host = ath_driver_host_default();
    CU_ASSERT_FATAL(ATH_HOST_HAS(host, wait));
    CU_ASSERT_EQUAL(host->wait(fds[0], ATH_WAIT_READ, 0), 0); /* nothing written: time-out */
    CU_ASSERT_EQUAL(host->wait(fds[1], ATH_WAIT_WRITE, 100), (int)ATH_WAIT_WRITE);
    CU_ASSERT_EQUAL(write(fds[1], "x", 1), 1);
    CU_ASSERT_EQUAL(host->wait(fds[0], ATH_WAIT_READ | ATH_WAIT_WRITE, 100), (int)ATH_WAIT_READ);
    close(fds[0]);
    close(fds[1]);
}

static void test_wait_refuses_a_missing_socket(void)
{
    CU_ASSERT_EQUAL(ath_io_wait(-1, ATH_WAIT_READ, 0), ATH_EINVAL);
    CU_ASSERT_EQUAL(ath_io_wait(0, 0, 0), ATH_EINVAL);
}

static int fake_waiter(void *ctx, int fd, unsigned events, int64_t timeout_ms)
{
    (void)fd;
    (void)events;
    (void)timeout_ms;
    ++*(int *)ctx;
    return ATH_ECANCELED;
}

static void test_wait_goes_to_the_threads_waiter(void)
{
    int calls = 0;
    ath_io_set_waiter(fake_waiter, NULL, &calls);
    CU_ASSERT_FALSE(ath_io_can_park());
    CU_ASSERT_EQUAL(ath_io_wait(0, ATH_WAIT_READ, -1), ATH_ECANCELED);
    ath_io_set_waiter(NULL, NULL, NULL);
    CU_ASSERT_EQUAL(ath_io_park(0), ATH_EINVAL);
    CU_ASSERT_EQUAL(calls, 1);
    CU_ASSERT_EQUAL(ath_io_wait(0, ATH_WAIT_WRITE, 0) >= 0, true); /* poll() again */
}

static void test_io_option_is_checked_and_reported(void)
{
    ath_engine *e = NULL;
    ASSERT_RC(ath_engine_create(&e, "sqlite:///:memory:?io=sometimes"), ATH_EURL);
    CU_ASSERT_PTR_NOT_NULL(strstr(ath_error_last()->message, "io=sometimes"));
    ASSERT_RC(ath_engine_create(&e, "sqlite:///:memory:?io=nonblocking"), ATH_OK);
    CU_ASSERT_FALSE(ath_engine_nonblocking(e)); /* SQLite has no non-blocking path */
    CU_ASSERT_TRUE(ath_engine_opts(e)->nonblocking);
    ath_engine_dispose(e);
    ASSERT_RC(ath_engine_create(&e, "sqlite:///:memory:?io=blocking"), ATH_OK);
    CU_ASSERT_FALSE(ath_engine_opts(e)->nonblocking);
    ath_engine_dispose(e);
}

static void test_cancelled_has_a_name(void)
{
    CU_ASSERT_STRING_EQUAL(ath_code_name(ATH_ECANCELED), "ATH_ECANCELED");
}

TEST_SUITE(io_wait)
{
    static const test_case tests[] = {
        {"wait reports a readable pipe", test_wait_reports_a_readable_pipe},
        {"wait refuses a missing socket", test_wait_refuses_a_missing_socket},
        {"wait goes to the thread's waiter", test_wait_goes_to_the_threads_waiter},
        {"io option is checked and reported", test_io_option_is_checked_and_reported},
        {"cancelled has a name", test_cancelled_has_a_name},
        {NULL, NULL},
    };
    test_add_suite("io_wait", NULL, NULL, tests);
}
