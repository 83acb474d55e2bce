/* Runs the unit suites. Usage: athanor_unit [suite ...] */
#include "runner.h"
#include "suites.h"

int main(int argc, char **argv)
{
    register_error_suite();
    register_value_suite();
    register_url_suite();
    return test_run(argc, argv);
}
