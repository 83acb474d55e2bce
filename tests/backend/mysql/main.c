/* MySQL/MariaDB backend suite: the driver's own behaviour against a real server.
 * Usage: athanor_backend_mysql [suite ...]; the URL comes from ATHANOR_TEST_URLS. */
#include "mysql_test.h"
#include "urls.h"

int main(int argc, char **argv)
{
    mt_url = test_url_for("mysql,mariadb");
    if (!mt_url)
        return TEST_EXIT_SKIPPED;
    test_register_collected(); /* every TEST_SUITE of the sources, in CMake order */
    return test_run(argc, argv);
}
