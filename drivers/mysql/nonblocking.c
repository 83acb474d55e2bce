/* The non-blocking path (URL option io=nonblocking): Connector/C's _start/_cont calls, with
 * every wait for the socket going through host->wait (MY_CALL in mysql_driver.h). */
#include <string.h>

#include "mysql_driver.h"

/* Stops a connection whose wait failed: the operation in progress inside Connector/C must
 * still run to its end (its coroutine holds allocations and a half-read packet), so it is
 * resumed as if every wait timed out, which fails each read and write at once. The socket is
 * shut down first so that nothing sent or read later (a statement's close, COM_QUIT) can wait:
 * the core discards the connection. */
static int abandon(ath_dconn *conn, int rc)
{
    const ath_driver_host *host = conn->host;
    if (rc == ATH_ECANCELED)
        host->fail(ATH_ECANCELED, NULL, 0, NULL, "cancelled while waiting for the server");
    else
        host->fail(ATH_ECONNLOST, NULL, 0, NULL,
                   "lost the connection to the server: waiting for its socket failed "
                   "(code %d)",
                   rc);
    conn->abandoned = rc == ATH_ECANCELED ? ATH_ECANCELED : ATH_ECONNLOST;
    mariadb_cancel(conn->my); /* shutdown(): later reads see EOF, writes EPIPE, none waits */
    return MYSQL_WAIT_TIMEOUT;
}

int mydrv_wait(ath_dconn *conn, int status)
{
    if (conn->abandoned)
        return MYSQL_WAIT_TIMEOUT; /* unwinding the call in progress: fail its I/O at once */
    unsigned events = 0;
    if (status & (MYSQL_WAIT_READ | MYSQL_WAIT_EXCEPT))
        events |= ATH_WAIT_READ;
    if (status & MYSQL_WAIT_WRITE)
        events |= ATH_WAIT_WRITE;
    if (!events) /* only a time-out: nothing to wait for on the socket but its end */
        events = ATH_WAIT_READ;
    int64_t timeout =
        status & MYSQL_WAIT_TIMEOUT ? (int64_t)mysql_get_timeout_value_ms(conn->my) : -1;
    int ready = conn->host->wait((int)mysql_get_socket(conn->my), events, timeout);
    if (ready < 0)
        return abandon(conn, ready);
    if (ready == 0)
        return MYSQL_WAIT_TIMEOUT;
    int out = 0;
    if (ready & ATH_WAIT_READ)
        out |= status & (MYSQL_WAIT_READ | MYSQL_WAIT_EXCEPT);
    if (ready & ATH_WAIT_WRITE)
        out |= MYSQL_WAIT_WRITE;
    return out ? out : status & ~MYSQL_WAIT_TIMEOUT;
}

/* mysql_close has no result: these give it the shape MY_CALL expects. */
int mydrv_close_handle(MYSQL *my)
{
    mysql_close(my);
    return 0;
}

int mydrv_close_handle_start(int *ret, MYSQL *my)
{
    *ret = 0;
    return mysql_close_start(my);
}

int mydrv_close_handle_cont(int *ret, MYSQL *my, int status)
{
    *ret = 0;
    return mysql_close_cont(my, status);
}
