/* Private to the athanor_cli library: the pieces its subcommands share. */
#ifndef ATH_TOOLS_CLI_IMPL_H
#define ATH_TOOLS_CLI_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <athanor/athanor.h>
#include <athanor/json.h>

typedef struct cli {
    const char *prog;
    const ath_model *const *models;
    size_t nmodels;
    const char *url; /* --url, or a positional URL */
    bool quiet;
} cli;

typedef struct cli_command cli_command;
struct cli_command {
    const char *name;
    const char *summary;
    const char *usage; /* after the program name */
    const char *help;  /* the options, one per line */
    int (*run)(cli *c, const cli_command *cmd, int argc, char **argv);
};

extern const cli_command cli_cmd_create_all, cli_cmd_drop_all, cli_cmd_sql, cli_cmd_dump,
    cli_cmd_load, cli_cmd_inspect, cli_cmd_migrate;

/** Prints the error of `rc` and returns the exit code for it. */
int cli_fail(const cli *c, int rc);
/** Prints a usage error ("fmt" with one %s) and returns ATH_CLI_USAGE. */
int cli_usage_error(const cli *c, const cli_command *cmd, const char *fmt, const char *arg);
void cli_command_help(const cli *c, const cli_command *cmd);
/** --url or $DATABASE_URL, or NULL after printing why there is none. */
const char *cli_url(cli *c, const cli_command *cmd);
/** An engine for the URL; an exit code. */
int cli_engine(cli *c, const cli_command *cmd, ath_engine **engine);

/** Progress state for ath_data_options.progress. */
typedef struct cli_meter {
    const char *what, *table;
    bool tty, quiet;
    double last;
} cli_meter;
void cli_meter_init(cli_meter *m, const char *what, const char *table, bool quiet);
void cli_progress(void *ctx, const ath_progress *p);

const ath_model *cli_find_model(const cli *c, const char *table);

/** A model's columns as a mixin-free model over the same struct. */
typedef struct cli_plain {
    ath_model model;
    ath_field *fields;
} cli_plain;
int cli_plain_model(cli_plain *p, const ath_model *model);
void cli_plain_free(cli_plain *p);

#endif
