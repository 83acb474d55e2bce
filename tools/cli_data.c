/* Subcommands on tables and rows: create-all, drop-all, sql, dump, load. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor/cli.h>

#include "cli_impl.h"

enum { OPT_URL = 'u', OPT_HELP = 'h', OPT_QUIET = 'q', OPT_TABLE = 't', OPT_FORMAT = 'f',
       OPT_OUT = 'o', OPT_CHUNK = 'c' };

/* Options every command takes; returns -1 to go on, else an exit code. */
static int common_opt(cli *c, const cli_command *cmd, int opt)
{
    switch (opt) {
    case OPT_URL:
        c->url = optarg;
        return -1;
    case OPT_QUIET:
        c->quiet = true;
        return -1;
    case OPT_HELP:
        cli_command_help(c, cmd);
        return ATH_CLI_OK;
    default:
        fprintf(stderr, "Try '%s %s --help'.\n", c->prog, cmd->name);
        return ATH_CLI_USAGE;
    }
}

static int need_models(const cli *c, const cli_command *cmd)
{
    if (c->nmodels)
        return ATH_CLI_OK;
    fprintf(stderr,
            "%s %s: this program has no compiled models; link your application with "
            "athanor::cli and call ath_cli_main(argc, argv, models, n) (see docs/cli.md)\n",
            c->prog, cmd->name);
    return ATH_CLI_USAGE;
}

/* --- create-all, drop-all, sql --------------------------------------------------------------- */

static int schema_cmd(cli *c, const cli_command *cmd, int argc, char **argv, int which)
{
    static const struct option longs[] = {{"url", required_argument, NULL, OPT_URL},
                                          {"quiet", no_argument, NULL, OPT_QUIET},
                                          {"help", no_argument, NULL, OPT_HELP},
                                          {0, 0, 0, 0}};
    int opt, code;
    while ((opt = getopt_long(argc, argv, "u:qh", longs, NULL)) != -1)
        if ((code = common_opt(c, cmd, opt)) >= 0)
            return code;
    if (optind < argc)
        return cli_usage_error(c, cmd, "unexpected argument '%s'", argv[optind]);
    if ((code = need_models(c, cmd)) != ATH_CLI_OK)
        return code;
    ath_engine *engine = NULL;
    if ((code = cli_engine(c, cmd, &engine)) != ATH_CLI_OK)
        return code;
    int rc;
    char *sql = NULL;
    if (which == 0)
        rc = ath_create_all(engine, c->models, c->nmodels);
    else if (which == 1)
        rc = ath_drop_all(engine, c->models, c->nmodels);
    else
        rc = ath_create_all_sql(&sql, engine, c->models, c->nmodels);
    if (rc == ATH_OK && sql)
        printf("%s;\n", sql);
    else if (rc == ATH_OK && !c->quiet)
        fprintf(stderr, "%s: %s %zu tables\n", c->prog, which == 0 ? "created (if missing)"
                                                                   : "dropped (if present)",
                c->nmodels);
    free(sql);
    code = rc == ATH_OK ? ATH_CLI_OK : cli_fail(c, rc);
    ath_engine_dispose(engine);
    return code;
}

static int run_create_all(cli *c, const cli_command *cmd, int argc, char **argv)
{
    return schema_cmd(c, cmd, argc, argv, 0);
}
static int run_drop_all(cli *c, const cli_command *cmd, int argc, char **argv)
{
    return schema_cmd(c, cmd, argc, argv, 1);
}
static int run_sql(cli *c, const cli_command *cmd, int argc, char **argv)
{
    return schema_cmd(c, cmd, argc, argv, 2);
}

const cli_command cli_cmd_create_all = {
    "create-all", "create the tables of the program's models that do not exist yet",
    "create-all [--url URL]",
    "Creates the missing tables of the program's models (with their indexes and constraints),\n"
    "referenced tables first. Existing tables are left as they are.\n\n"
    "  -u, --url URL   database (default $DATABASE_URL)\n"
    "  -q, --quiet     no summary line on stderr\n"
    "  -h, --help      this text",
    run_create_all};

const cli_command cli_cmd_drop_all = {
    "drop-all", "drop the tables of the program's models", "drop-all [--url URL]",
    "Drops the tables of the program's models that exist, referencing tables first.\n\n"
    "  -u, --url URL   database (default $DATABASE_URL)\n"
    "  -q, --quiet     no summary line on stderr\n"
    "  -h, --help      this text",
    run_drop_all};

const cli_command cli_cmd_sql = {
    "sql", "print the DDL create-all would run", "sql [--url URL]",
    "Prints the CREATE statements create-all would run, in the URL's dialect, one per\n"
    "statement ending in ';'. Nothing is executed (no connection is opened).\n\n"
    "  -u, --url URL   database whose dialect is used (default $DATABASE_URL;\n"
    "                  e.g. sqlite://, postgresql://x/y, mysql://x/y)\n"
    "  -h, --help      this text",
    run_sql};

/* --- dump, load ------------------------------------------------------------------------------ */

/* The model for `table`: one of the program's, as plain columns. */
static int table_model(cli *c, const cli_command *cmd, const char *table, cli_plain *plain)
{
    const ath_model *m = cli_find_model(c, table);
    if (!m) {
        if (c->nmodels == 0) {
            fprintf(stderr,
                    "%s %s: this program has no compiled models to find table '%s' in; use "
                    "an application built with ath_cli_main (see docs/cli.md)\n",
                    c->prog, cmd->name, table);
            return ATH_CLI_USAGE;
        }
        fprintf(stderr, "%s %s: no model for table '%s'; the program's tables are:", c->prog,
                cmd->name, table);
        for (size_t i = 0; i < c->nmodels; i++)
            fprintf(stderr, " %s", c->models[i]->table);
        fputc('\n', stderr);
        return ATH_CLI_USAGE;
    }
    int rc = cli_plain_model(plain, m);
    return rc == ATH_OK ? ATH_CLI_OK : cli_fail(c, rc);
}

static int parse_format(const char *s, ath_data_format *out)
{
    if (!strcmp(s, "json") || !strcmp(s, "jsonl"))
        *out = ATH_FORMAT_JSON;
    else if (!strcmp(s, "csv"))
        *out = ATH_FORMAT_CSV;
    else
        return -1;
    return 0;
}

/* PostgreSQL identity columns do not follow explicit keys: move the sequence past the
 * largest one, as pg_dump's restore does (MariaDB and SQLite do this by themselves). */
static int after_load(ath_session *session, const ath_model *m)
{
    if (strcmp(ath_engine_dialect(ath_session_engine(session)), "postgresql") != 0)
        return ATH_OK;
    for (size_t i = 0; i < m->nfields; i++) {
        if (!(m->fields[i].flags & ATH_AUTOINC))
            continue;
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT setval(pg_get_serial_sequence('\"%s\"', '%s'), "
                 "COALESCE(MAX(\"%s\"), 0) + 1, false) FROM \"%s\"",
                 m->table, m->fields[i].member, m->fields[i].member, m->table);
        ath_result *r = NULL;
        int rc = ath_session_execute(session, sql, NULL, 0, &r);
        ath_result_free(r);
        if (rc == ATH_OK)
            rc = ath_session_commit(session);
        return rc;
    }
    return ATH_OK;
}

static int data_cmd(cli *c, const cli_command *cmd, int argc, char **argv, bool dump)
{
    static const struct option longs[] = {{"url", required_argument, NULL, OPT_URL},
                                          {"table", required_argument, NULL, OPT_TABLE},
                                          {"format", required_argument, NULL, OPT_FORMAT},
                                          {"out", required_argument, NULL, OPT_OUT},
                                          {"chunk", required_argument, NULL, OPT_CHUNK},
                                          {"quiet", no_argument, NULL, OPT_QUIET},
                                          {"help", no_argument, NULL, OPT_HELP},
                                          {0, 0, 0, 0}};
    const char *table = NULL, *out = "-", *file = NULL;
    ath_data_options o = {0};
    int opt, code;
    while ((opt = getopt_long(argc, argv, dump ? "u:t:f:o:c:qh" : "u:t:f:c:qh", longs, NULL)) !=
           -1) {
        if (opt == OPT_TABLE) {
            table = optarg;
        } else if (opt == OPT_FORMAT) {
            if (parse_format(optarg, &o.format) != 0)
                return cli_usage_error(c, cmd, "unknown format '%s' (json or csv)", optarg);
        } else if (opt == OPT_OUT && dump) {
            out = optarg;
        } else if (opt == OPT_CHUNK) {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n <= 0)
                return cli_usage_error(c, cmd, "--chunk needs a positive number, not '%s'",
                                       optarg);
            o.chunk_rows = (size_t)n;
        } else if ((code = common_opt(c, cmd, opt)) >= 0) {
            return code;
        }
    }
    int rest = argc - optind;
    if (dump) {
        if (rest > 1)
            return cli_usage_error(c, cmd, "unexpected argument '%s'", argv[optind + 1]);
        if (rest == 1)
            c->url = argv[optind];
    } else {
        if (rest < 1)
            return cli_usage_error(c, cmd, "no FILE to load%s", "");
        if (rest > 2)
            return cli_usage_error(c, cmd, "unexpected argument '%s'", argv[optind + 2]);
        if (rest == 2)
            c->url = argv[optind++];
        file = argv[optind];
    }
    if (!table)
        return cli_usage_error(c, cmd, "--table T is required%s", "");
    cli_plain plain;
    if ((code = table_model(c, cmd, table, &plain)) != ATH_CLI_OK)
        return code;
    ath_engine *engine = NULL;
    ath_session *session = NULL;
    ath_repo *repo = NULL;
    if ((code = cli_engine(c, cmd, &engine)) != ATH_CLI_OK) {
        cli_plain_free(&plain);
        return code;
    }
    cli_meter meter;
    cli_meter_init(&meter, dump ? "dump" : "load", table, c->quiet);
    o.progress = cli_progress;
    o.progress_ctx = &meter;
    int64_t rows = 0;
    int rc = ath_session_open(&session, engine);
    if (rc == ATH_OK)
        rc = ath_repo_open(&repo, session, &plain.model);
    if (rc == ATH_OK)
        rc = dump ? ath_dump_file(&rows, repo, out, &o) : ath_load_file(&rows, repo, file, &o);
    if (rc == ATH_OK && !dump)
        rc = after_load(session, &plain.model);
    code = rc == ATH_OK ? ATH_CLI_OK : cli_fail(c, rc);
    ath_repo_free(repo);
    ath_session_close(session);
    ath_engine_dispose(engine);
    cli_plain_free(&plain);
    return code;
}

static int run_dump(cli *c, const cli_command *cmd, int argc, char **argv)
{
    return data_cmd(c, cmd, argc, argv, true);
}
static int run_load(cli *c, const cli_command *cmd, int argc, char **argv)
{
    return data_cmd(c, cmd, argc, argv, false);
}

const cli_command cli_cmd_dump = {
    "dump", "write a table's rows to a JSON Lines or CSV file",
    "dump [URL] --table T [--format json|csv] [--out FILE]",
    "Writes every row of table T, ordered by its primary key, read in pages: JSON Lines\n"
    "(one object per line) or CSV with a header line. A FILE ending in .gz is compressed.\n"
    "Loading the file into an empty table and dumping again gives the same bytes.\n\n"
    "  URL, -u, --url URL   database (default $DATABASE_URL)\n"
    "  -t, --table T        the table (required)\n"
    "  -f, --format F       json (default) or csv; default from FILE's name (.csv, .csv.gz)\n"
    "  -o, --out FILE       output file (default: standard output)\n"
    "  -c, --chunk N        rows per page (default 5000)\n"
    "  -q, --quiet          no progress on stderr\n"
    "  -h, --help           this text",
    run_dump};

const cli_command cli_cmd_load = {
    "load", "load a JSON or CSV file (optionally gzip) into a table, all or nothing",
    "load [URL] --table T FILE",
    "Loads FILE into table T in one transaction: JSON (an array of objects or JSON Lines)\n"
    "or CSV with a header line naming columns; gzip-compressed files are read as they are.\n"
    "FILE '-' reads standard input. Rows are inserted in batches; on bad input the error\n"
    "names the line (FILE:LINE: …) and nothing is loaded. On PostgreSQL the identity\n"
    "sequence is moved past the largest loaded key.\n\n"
    "  URL, -u, --url URL   database (default $DATABASE_URL)\n"
    "  -t, --table T        the table (required)\n"
    "  -f, --format F       json or csv (default from FILE's name: .csv or .csv.gz is CSV)\n"
    "  -c, --chunk N        rows per batch (default 1000)\n"
    "  -q, --quiet          no progress on stderr\n"
    "  -h, --help           this text",
    run_load};
