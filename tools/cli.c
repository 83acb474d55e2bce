/* ath_cli_main: the `db` subcommands an application (and the athanor tool) runs. */
#include <athanor/cli.h>

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <athanor/athanor.h>
#include <athanor/json.h>

#include "cli_impl.h"

/* --- common pieces ---------------------------------------------------------------------------- */

int cli_fail(const cli *c, int rc)
{
    const ath_error *e = ath_error_last();
    fprintf(stderr, "%s: %s: %s\n", c->prog, ath_code_name(rc),
            e->message && *e->message ? e->message : ath_code_text(rc));
    switch (rc) {
    case ATH_ECONNECT:
    case ATH_ECONNLOST:
    case ATH_EURL:
    case ATH_ENODRIVER:
    case ATH_EDRIVERLOAD:
    case ATH_EDRIVERSYM:
    case ATH_EDRIVERABI:
        return ATH_CLI_CONNECT;
    default:
        return ATH_CLI_FAILED;
    }
}

int cli_usage_error(const cli *c, const cli_command *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "%s %s: ", c->prog, cmd->name);
    fprintf(stderr, fmt, arg ? arg : "");
    fprintf(stderr, "\nusage: %s %s\nTry '%s %s --help'.\n", c->prog, cmd->usage, c->prog,
            cmd->name);
    return ATH_CLI_USAGE;
}

const char *cli_url(cli *c, const cli_command *cmd)
{
    if (c->url)
        return c->url;
    const char *env = getenv("DATABASE_URL");
    if (env && *env)
        return env;
    fprintf(stderr, "%s %s: no database URL (give --url URL or set DATABASE_URL)\n", c->prog,
            cmd->name);
    return NULL;
}

int cli_engine(cli *c, const cli_command *cmd, ath_engine **engine)
{
    *engine = NULL;
    const char *url = cli_url(c, cmd);
    if (!url)
        return ATH_CLI_CONNECT;
    int rc = ath_engine_create(engine, url);
    return rc == ATH_OK ? ATH_CLI_OK : cli_fail(c, rc);
}

/* --- progress: a bar on a terminal, plain lines otherwise -------------------------------------- */

static void fmt_secs(char *buf, size_t n, double s)
{
    int t = s < 0 ? 0 : s > 359999 ? 359999 : (int)(s + 0.5); /* under 100 hours */
    if (t >= 3600)
        snprintf(buf, n, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, n, "%d:%02d", t / 60, t % 60);
}

void cli_progress(void *ctx, const ath_progress *p)
{
    cli_meter *m = ctx;
    if (m->quiet)
        return;
    double rate = p->elapsed > 0 ? (double)p->rows / p->elapsed : 0;
    double frac = -1;
    if (p->total_rows > 0)
        frac = (double)p->rows / (double)p->total_rows;
    else if (p->total_bytes > 0 && p->bytes >= 0)
        frac = (double)p->bytes / (double)p->total_bytes;
    if (frac > 1)
        frac = 1;
    if (p->done)
        frac = frac < 0 ? -1 : 1;
    if (m->tty) {
        char eta[32] = "-";
        if (frac > 0 && frac < 1 && p->elapsed > 0)
            fmt_secs(eta, sizeof eta, p->elapsed * (1 - frac) / frac);
        else if (p->done)
            fmt_secs(eta, sizeof eta, 0);
        char bar[31];
        int fill = frac < 0 ? 0 : (int)(frac * 30);
        for (int i = 0; i < 30; i++)
            bar[i] = i < fill ? '#' : frac < 0 ? '?' : '.';
        bar[30] = '\0';
        fprintf(stderr, "\r%s %s [%s] %" PRId64 " rows  %.0f rows/s  ETA %s ", m->what,
                m->table, bar, p->rows, rate, eta);
        if (p->done)
            fputc('\n', stderr);
        fflush(stderr);
        return;
    }
    /* not a terminal: a line at most every 2 seconds, and the last one */
    if (!p->done && p->elapsed - m->last < 2.0)
        return;
    m->last = p->elapsed;
    char took[32];
    fmt_secs(took, sizeof took, p->elapsed);
    if (frac >= 0)
        fprintf(stderr, "%s %s: %" PRId64 " rows (%.0f%%), %.0f rows/s, %s%s\n", m->what,
                m->table, p->rows, frac * 100, rate, took, p->done ? " done" : "");
    else
        fprintf(stderr, "%s %s: %" PRId64 " rows, %.0f rows/s, %s%s\n", m->what, m->table,
                p->rows, rate, took, p->done ? " done" : "");
}

void cli_meter_init(cli_meter *m, const char *what, const char *table, bool quiet)
{
    memset(m, 0, sizeof *m);
    m->what = what;
    m->table = table;
    m->quiet = quiet;
    m->tty = isatty(STDERR_FILENO) && getenv("TERM") && strcmp(getenv("TERM"), "dumb") != 0;
    m->last = 0;
}

/* --- models ------------------------------------------------------------------------------------ */

const ath_model *cli_find_model(const cli *c, const char *table)
{
    for (size_t i = 0; i < c->nmodels; i++)
        if (c->models[i] && strcmp(c->models[i]->table, table) == 0)
            return c->models[i];
    return NULL;
}

void cli_plain_free(cli_plain *p)
{
    free(p->fields);
    memset(p, 0, sizeof *p);
}

/* The model's columns as plain fields, without mixins: dump and load copy rows as they are,
 * with no hook touching them and no scope hiding any. */
int cli_plain_model(cli_plain *p, const ath_model *model)
{
    memset(p, 0, sizeof *p);
    ath_columns *cols = NULL;
    int rc = ath_columns_open(&cols, model);
    if (rc != ATH_OK)
        return rc;
    size_t n = ath_columns_count(cols);
    if (!(p->fields = calloc(n, sizeof *p->fields))) {
        ath_columns_free(cols);
        return ath_error_set(ATH_ENOMEM, "copying model %s", model->table);
    }
    for (size_t i = 0; i < n; i++) {
        const ath_column_info *c = ath_columns_at(cols, i);
        ath_field *f = &p->fields[i];
        f->member = c->name;
        f->offset = c->offset;
        f->size = c->size;
        f->type = c->type;
        f->kind_flags = c->nullable ? ATH_NULLABLE : 0;
        f->flags = c->flags & (ATH_PK | ATH_AUTOINC | ATH_NULLABLE);
        f->max_length = c->max_length;
    }
    ath_columns_free(cols);
    p->model = *model;
    p->model.fields = p->fields;
    p->model.nfields = n;
    p->model.mixins = NULL;
    p->model.nmixins = 0;
    return ATH_OK;
}

/* --- dispatch ---------------------------------------------------------------------------------- */

static const cli_command *const commands[] = {
    &cli_cmd_create_all, &cli_cmd_drop_all, &cli_cmd_sql,     &cli_cmd_dump,
    &cli_cmd_load,       &cli_cmd_inspect,  &cli_cmd_migrate,
};

static void overview(const cli *c, FILE *out)
{
    fprintf(out, "usage: %s COMMAND [OPTIONS] [ARGS]\n\ncommands:\n", c->prog);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out,
            "  %-12s %s\n\n"
            "The database URL is --url URL (dump, load and inspect also take it as their first\n"
            "argument), else $DATABASE_URL. %s COMMAND --help describes a command.\n"
            "Exit codes: 0 done, 1 failed, 2 usage error, 3 cannot connect, 4 migrations\n"
            "pending (migrate status --check).\n",
            "help", "this text", c->prog);
    if (c->nmodels == 0)
        fprintf(out, "\nThis program has no compiled models: create-all, drop-all, sql and\n"
                     "migrate autogen need an application built with ath_cli_main(); dump\n"
                     "and load read the table's columns from the database catalog.\n");
}

void cli_command_help(const cli *c, const cli_command *cmd)
{
    printf("usage: %s %s\n\n%s\n", c->prog, cmd->usage, cmd->help);
}

int ath_cli_main(int argc, char **argv, const ath_model *const *models, size_t n)
{
    cli c = {.prog = argc > 0 && argv && argv[0] ? argv[0] : "athanor",
             .models = models,
             .nmodels = models ? n : 0};
    if (argc < 2 || !argv) {
        overview(&c, stderr);
        return ATH_CLI_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
        if (argc > 2)
            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
                if (!strcmp(commands[i]->name, argv[2])) {
                    cli_command_help(&c, commands[i]);
                    return ATH_CLI_OK;
                }
        overview(&c, stdout);
        return ATH_CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i]->name, name)) {
            optind = 0; /* glibc: full re-initialisation, for a program calling us twice */
            opterr = 1;
            return commands[i]->run(&c, commands[i], argc - 1, argv + 1);
        }
    fprintf(stderr, "%s: unknown command '%s'\n", c.prog, name);
    overview(&c, stderr);
    return ATH_CLI_USAGE;
}
