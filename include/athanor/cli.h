/*
 * Athanor — the `db` command line for an application's own models (the C form of Advanced
 * Alchemy's `alchemy --config app.config`). The installed `athanor` tool is built on it, with no
 * models; an application links `athanor::cli` (pkg-config `athanor_cli`) and gets the same
 * subcommands working on its compiled models:
 *
 *     #include <athanor/cli.h>
 *     int main(int argc, char **argv)
 *     {
 *         if (argc > 1 && strcmp(argv[1], "db") == 0)    // myapp db create-all …
 *             return ath_cli_main(argc - 1, argv + 1, ATH_MODELS(&Team_model, &Hero_model));
 *         return serve(argc, argv);
 *     }
 *
 * Subcommands, options and exit codes: docs/cli.md, and `PROGRAM --help`, `PROGRAM CMD --help`.
 */
#ifndef ATHANOR_CLI_H
#define ATHANOR_CLI_H

#include <stddef.h>

#include "export.h"
#include "model.h"

ATH_BEGIN_DECLS

/** Exit codes of ath_cli_main (and of the athanor tool). */
enum {
    ATH_CLI_OK = 0,      /**< done */
    ATH_CLI_FAILED = 1,  /**< the operation failed: the database refused, bad input data… */
    ATH_CLI_USAGE = 2,   /**< bad command line (unknown command or option, missing argument) */
    ATH_CLI_CONNECT = 3, /**< no usable URL, no driver, or the database could not be reached */
    ATH_CLI_PENDING = 4  /**< `migrate status --check`: migrations are pending or drifted */
};

/**
 * Runs one subcommand: argv[0] is the program's name as shown in messages ("myapp db"),
 * argv[1] the subcommand (create-all, drop-all, sql, dump, load, inspect, migrate, help), the
 * rest its options. `models` (n of them, may be NULL when n is 0) are the application's models:
 * create-all, drop-all, sql and migrate autogen use them, dump and load find the table's model
 * among them. Writes results to stdout, messages and progress to stderr; returns an ATH_CLI_*
 * exit code. The connection URL is --url (or the positional URL of dump/load/inspect), else
 * the DATABASE_URL environment variable.
 */
ATH_API int ath_cli_main(int argc, char **argv, const ath_model *const *models, size_t n);

ATH_END_DECLS

#endif
