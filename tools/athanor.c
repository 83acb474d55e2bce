/*
 * The athanor command-line tool (its manual: tools/athanor.1, installed as athanor(1)).
 *   athanor drivers          which driver modules the loader can see, where, whether they load,
 *                            and which one is used when a driver is found more than once
 *   athanor url URL          how a URL parses (password hidden)
 *   athanor ping URL         connect through the engine and run SELECT 1
 *   athanor --help | --version
 *   athanor COMMAND …        the ath_cli_main subcommands (dump, load, …; athanor help)
 */
#include <athanor/athanor.h>
#include <athanor/cli.h>
#include <stdio.h>
#include <string.h>

static int drivers(void)
{
    ath_driver_found *list = NULL;
    size_t n = 0;
    int rc = ath_drivers_list(&list, &n);
    if (rc != ATH_OK) {
        fprintf(stderr, "athanor: %s\n", ath_error_last()->message);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        /* the loader takes the first module of a name in search order (registered ones first) */
        const ath_driver_found *first = NULL;
        for (size_t j = 0; j < i && !first; j++)
            if (strcmp(list[j].name, list[i].name) == 0)
                first = &list[j];
        printf("%-12s %-4s %s", list[i].name, list[i].status == ATH_OK ? "ok" : "FAIL",
               list[i].path);
        if (first)
            printf("\n             not used: %s comes first", first->path);
        else
            for (size_t j = i + 1; j < n; j++)
                if (strcmp(list[j].name, list[i].name) == 0) {
                    printf("\n             used (found again later in the search path)");
                    break;
                }
        if (list[i].status != ATH_OK)
            printf("\n             %s", list[i].detail);
        printf("\n");
    }
    if (n == 0)
        printf("no driver modules found (set ATHANOR_DRIVER_PATH)\n");
    ath_drivers_list_free(list, n);
    return 0;
}

static int url(const char *text)
{
    ath_url *u = NULL;
    if (ath_url_parse(&u, text) != ATH_OK) {
        fprintf(stderr, "athanor: %s\n", ath_error_last()->message);
        return 1;
    }
    char shown[1024];
    ath_url_render(u, true, shown, sizeof shown);
    printf("url       %s\ndialect   %s\ndriver    %s\nusername  %s\nhost      %s\nport      %d\n"
           "database  %s\n",
           shown, ath_url_dialect(u), ath_url_driver(u) ? ath_url_driver(u) : "-",
           ath_url_username(u) ? ath_url_username(u) : "-",
           ath_url_host(u) ? ath_url_host(u) : "-", ath_url_port(u),
           ath_url_database(u) ? ath_url_database(u) : "-");
    for (size_t i = 0; i < ath_url_query_count(u); i++) {
        const char *k, *v;
        ath_url_query_at(u, i, &k, &v);
        printf("option    %s=%s\n", k, v);
    }
    ath_url_free(u);
    return 0;
}

static int ping(const char *text)
{
    ath_engine *engine = NULL;
    ath_session *session = NULL;
    ath_result *result = NULL;
    int rc = ath_engine_create(&engine, text);
    if (rc == ATH_OK)
        rc = ath_session_open(&session, engine);
    if (rc == ATH_OK)
        rc = ath_session_execute(session, "SELECT 1", NULL, 0, &result);
    if (rc == ATH_OK)
        rc = ath_result_next(result) < 0 ? ath_error_last()->code : ATH_OK;
    if (rc == ATH_OK)
        printf("ok: %s answers\n", ath_engine_dialect(engine));
    else
        fprintf(stderr, "athanor: %s: %s\n", ath_code_name(rc), ath_error_last()->message);
    ath_result_free(result);
    ath_session_close(session);
    ath_engine_dispose(engine);
    return rc == ATH_OK ? 0 : 1;
}

static const char usage[] =
    "usage: athanor COMMAND [ARG]\n"
    "\n"
    "  drivers     list the driver modules the loader finds (ATHANOR_DRIVER_PATH, the\n"
    "              library's own driver directory, the install directory), whether each\n"
    "              loads, and which one is used when a driver is found twice\n"
    "  url URL     show how a connection URL parses (the password is hidden)\n"
    "  ping URL    connect and run SELECT 1\n"
    "  help        the database commands (create-all, drop-all, sql, dump, load, inspect,\n"
    "              migrate; docs/cli.md)\n"
    "  --help      this text\n"
    "  --version   the tool's and the library's version\n"
    "\n"
    "See athanor(1).\n";

int main(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("athanor %s (library %s)\n", ATH_VERSION_STRING, ath_version_string());
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "drivers") == 0)
        return drivers();
    if (argc == 3 && strcmp(argv[1], "url") == 0)
        return url(argv[2]);
    if (argc == 3 && strcmp(argv[1], "ping") == 0)
        return ping(argv[2]);
    if (argc >= 2 && strcmp(argv[1], "drivers") && strcmp(argv[1], "url") && strcmp(argv[1], "ping"))
        return ath_cli_main(argc, argv, NULL, 0);
    fputs(usage, stderr);
    return 2;
}
