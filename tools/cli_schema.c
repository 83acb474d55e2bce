/* Subcommands on the schema: inspect (the catalog) and migrate (<athanor/migrate.h>). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor/cli.h>
#include <athanor/inspect.h>
#include <athanor/migrate.h>

#include "cli_impl.h"

enum {
    OPT_URL = 'u',
    OPT_HELP = 'h',
    OPT_QUIET = 'q',
    OPT_DIR = 'd',
    OPT_REV = 'r',
    OPT_CHECK = 'c'
};

/* --- inspect --------------------------------------------------------------------------------- */

static void print_names(const char *const *names, size_t n)
{
    printf("(");
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", names[i]);
    printf(")");
}

static void print_table(const ath_catalog_table *t)
{
    printf("table %s\n", t->name);
    for (size_t i = 0; i < t->ncolumns; i++) {
        const ath_catalog_column *c = &t->columns[i];
        printf("  column %s %s%s", c->name, c->type, c->nullable ? "" : " NOT NULL");
        if (c->generated)
            printf(" %s", c->generated);
        if (c->default_sql)
            printf(" DEFAULT %s", c->default_sql);
        printf("\n");
    }
    if (t->nprimary_key) {
        printf("  primary key ");
        print_names(t->primary_key, t->nprimary_key);
        printf("\n");
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        const ath_catalog_index *ix = &t->indexes[i];
        printf("  %s %s ",
               ix->constraint ? "unique constraint"
               : ix->unique   ? "unique index"
                              : "index",
               ix->name);
        print_names(ix->columns, ix->ncolumns);
        printf("\n");
    }
    for (size_t i = 0; i < t->nforeign_keys; i++) {
        const ath_catalog_fk *fk = &t->foreign_keys[i];
        printf("  foreign key %s ", fk->name ? fk->name : "(unnamed)");
        print_names(fk->columns, fk->ncolumns);
        printf(" -> %s ", fk->ref_table);
        print_names(fk->ref_columns, fk->ncolumns);
        printf(" ON DELETE %s\n", fk->on_delete);
    }
}

static int run_inspect(cli *c, const cli_command *cmd, int argc, char **argv)
{
    static const struct option longs[] = {{"url", required_argument, NULL, OPT_URL},
                                          {"help", no_argument, NULL, OPT_HELP},
                                          {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "u:h", longs, NULL)) != -1) {
        if (opt == OPT_URL)
            c->url = optarg;
        else if (opt == OPT_HELP) {
            cli_command_help(c, cmd);
            return ATH_CLI_OK;
        } else {
            fprintf(stderr, "Try '%s %s --help'.\n", c->prog, cmd->name);
            return ATH_CLI_USAGE;
        }
    }
    if (optind < argc && strstr(argv[optind], "://"))
        c->url = argv[optind++];
    const char *table = optind < argc ? argv[optind++] : NULL;
    if (optind < argc)
        return cli_usage_error(c, cmd, "unexpected argument '%s'", argv[optind]);
    ath_engine *engine = NULL;
    int code = cli_engine(c, cmd, &engine);
    if (code != ATH_CLI_OK)
        return code;
    ath_session *s = NULL;
    ath_catalog *cat = NULL;
    int rc = ath_session_open(&s, engine);
    if (rc == ATH_OK)
        rc = ath_inspect(&cat, s, table);
    if (rc == ATH_OK && table && ath_catalog_count(cat) == 0)
        rc = ath_error_set(ATH_ENOTFOUND, "no table %s in this database", table);
    for (size_t i = 0; rc == ATH_OK && i < ath_catalog_count(cat); i++)
        print_table(ath_catalog_at(cat, i));
    code = rc == ATH_OK ? ATH_CLI_OK : cli_fail(c, rc);
    ath_catalog_free(cat);
    ath_session_close(s);
    ath_engine_dispose(engine);
    return code;
}

const cli_command cli_cmd_inspect = {
    "inspect", "print tables, columns, keys and indexes as the catalog says",
    "inspect [--url URL] [URL] [TABLE]",
    "Prints every table of the database (or only TABLE): columns with type, NOT NULL,\n"
    "identity and default; the primary key; unique constraints and indexes; foreign keys.\n"
    "A TABLE that does not exist fails (exit 1).\n\n"
    "  -u, --url URL   database (default: the URL argument, else $DATABASE_URL)\n"
    "  -h, --help      this text",
    run_inspect};

/* --- migrate --------------------------------------------------------------------------------- */

static int migrate_check(cli *c, ath_engine *engine)
{
    ath_schema_diff *df = NULL;
    int rc = ath_create_all_check(&df, engine, c->models, c->nmodels);
    for (size_t i = 0; i < ath_schema_diff_count(df); i++)
        printf("%s\n", ath_schema_diff_at(df, i)->description);
    ath_schema_diff_free(df);
    if (rc == ATH_ESTALE)
        return ATH_CLI_PENDING;
    if (rc == ATH_OK && !c->quiet)
        fprintf(stderr, "%s: the database matches the models\n", c->prog);
    return rc == ATH_OK ? ATH_CLI_OK : cli_fail(c, rc);
}

static int migrate_autogen(cli *c, ath_engine *engine, ath_migrator *m, const char *dir,
                           const char *name, const char *rev)
{
    char next[32];
    if (!rev) { /* the next four-digit number */
        snprintf(next, sizeof next, "%04zu", ath_migrator_count(m) + 1);
        rev = next;
    }
    ath_schema_diff *df = NULL;
    int rc = ath_schema_compare(&df, engine, c->models, c->nmodels);
    if (rc == ATH_OK && ath_schema_diff_count(df) == 0) {
        fprintf(stderr, "%s: no differences: nothing to write\n", c->prog);
        ath_schema_diff_free(df);
        return ATH_CLI_OK;
    }
    if (rc == ATH_OK)
        rc = ath_schema_diff_write(df, dir, rev, name);
    if (rc == ATH_OK) {
        for (size_t i = 0; i < ath_schema_diff_count(df); i++)
            printf("%s\n", ath_schema_diff_at(df, i)->description);
        if (!c->quiet)
            fprintf(stderr, "%s: wrote %s/%s_*.up.sql and .down.sql\n", c->prog, dir, rev);
    }
    ath_schema_diff_free(df);
    return rc == ATH_OK ? ATH_CLI_OK : cli_fail(c, rc);
}

/* `migrate new NAME`: empty up and down files for the next revision, to write by hand. */
static int migrate_new(cli *c, ath_migrator *m, const char *dir, const char *name, const char *rev)
{
    char next[32], stem[200];
    if (!rev) {
        snprintf(next, sizeof next, "%04zu", ath_migrator_count(m) + 1);
        rev = next;
    }
    size_t k = 0;
    for (const char *p = name; *p && k + 1 < sizeof stem; p++) {
        char ch = *p == ' ' ? '_' : *p;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-')) {
            fprintf(stderr, "%s: migrate new: name \"%s\": letters, digits, spaces, '_', '-'\n",
                    c->prog, name);
            return ATH_CLI_USAGE;
        }
        stem[k++] = ch;
    }
    stem[k] = '\0';
    for (int down = 0; down < 2; down++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s_%s.%s.sql", dir, rev, stem, down ? "down" : "up");
        FILE *f = fopen(path, "wx");
        if (!f) {
            fprintf(stderr, "%s: cannot create %s\n", c->prog, path);
            return ATH_CLI_FAILED;
        }
        fprintf(f, "-- %s %s: %s\n-- statements end with ';' at the end of a line\n", rev, name,
                down ? "downgrade (undo the upgrade)" : "upgrade");
        fclose(f);
        printf("%s\n", path);
    }
    return ATH_CLI_OK;
}

static int migrate_history(cli *c, ath_migrator *m, bool check)
{
    const ath_migration_record *h = NULL;
    size_t n = 0, pending = 0, bad = 0;
    int rc = ath_migrate_history(m, &h, &n);
    if (rc != ATH_OK)
        return cli_fail(c, rc);
    for (size_t i = 0; i < n; i++) {
        char when[40] = "";
        if (h[i].applied)
            ath_timestamp_format(h[i].applied_at, true, when, sizeof when);
        printf("%s %-24s %s", h[i].revision, h[i].name,
               !h[i].applied      ? "pending"
               : h[i].checksum_ok ? "applied"
                                  : "CHANGED");
        if (h[i].applied)
            printf(" %s %" PRId64 " ms", when, h[i].execution_ms);
        printf("\n");
        pending += !h[i].applied;
        bad += h[i].applied && !h[i].checksum_ok;
    }
    return check && (pending || bad) ? ATH_CLI_PENDING : ATH_CLI_OK;
}

static int run_migrate(cli *c, const cli_command *cmd, int argc, char **argv)
{
    static const struct option longs[] = {{"url", required_argument, NULL, OPT_URL},
                                          {"dir", required_argument, NULL, OPT_DIR},
                                          {"rev", required_argument, NULL, OPT_REV},
                                          {"check", no_argument, NULL, OPT_CHECK},
                                          {"quiet", no_argument, NULL, OPT_QUIET},
                                          {"help", no_argument, NULL, OPT_HELP},
                                          {0, 0, 0, 0}};
    const char *dir = "migrations", *rev = NULL;
    bool check = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "u:d:r:cqh", longs, NULL)) != -1) {
        switch (opt) {
        case OPT_URL:
            c->url = optarg;
            break;
        case OPT_DIR:
            dir = optarg;
            break;
        case OPT_REV:
            rev = optarg;
            break;
        case OPT_CHECK:
            check = true;
            break;
        case OPT_QUIET:
            c->quiet = true;
            break;
        case OPT_HELP:
            cli_command_help(c, cmd);
            return ATH_CLI_OK;
        default:
            fprintf(stderr, "Try '%s %s --help'.\n", c->prog, cmd->name);
            return ATH_CLI_USAGE;
        }
    }
    if (optind >= argc)
        return cli_usage_error(c, cmd, "which migrate command?%s", "");
    const char *sub = argv[optind++];
    const char *arg = optind < argc ? argv[optind++] : NULL;
    if (optind < argc)
        return cli_usage_error(c, cmd, "unexpected argument '%s'", argv[optind]);
    static const char *const subs[] = {"upgrade", "up",      "downgrade", "down",
                                       "current", "history", "status",    "stamp",
                                       "check",   "autogen", "new"};
    bool known = false;
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        known |= strcmp(sub, subs[i]) == 0;
    if (!known)
        return cli_usage_error(c, cmd, "unknown migrate command '%s'", sub);
    bool needs_models = !strcmp(sub, "check") || !strcmp(sub, "autogen");
    if (needs_models && c->nmodels == 0) {
        fprintf(stderr,
                "%s %s %s: this program has no compiled models; link your application with "
                "athanor::cli and call ath_cli_main(argc, argv, models, n) (see docs/cli.md)\n",
                c->prog, cmd->name, sub);
        return ATH_CLI_USAGE;
    }
    if ((!strcmp(sub, "stamp") || !strcmp(sub, "autogen") || !strcmp(sub, "new")) && !arg)
        return cli_usage_error(c, cmd, "migrate %s needs an argument", sub);
    ath_engine *engine = NULL;
    int code = cli_engine(c, cmd, &engine);
    if (code != ATH_CLI_OK)
        return code;
    ath_migrator *m = NULL;
    int rc = ATH_OK;
    if (strcmp(sub, "check") != 0)
        rc = ath_migrator_open_dir(&m, engine, dir, NULL);
    size_t n = 0;
    if (rc != ATH_OK)
        code = cli_fail(c, rc);
    else if (!strcmp(sub, "check"))
        code = migrate_check(c, engine);
    else if (!strcmp(sub, "autogen"))
        code = migrate_autogen(c, engine, m, dir, arg, rev);
    else if (!strcmp(sub, "new"))
        code = migrate_new(c, m, dir, arg, rev);
    else if (!strcmp(sub, "history") || !strcmp(sub, "status"))
        code = migrate_history(c, m, check);
    else if (!strcmp(sub, "current")) {
        char *cur = NULL;
        rc = ath_migrate_current(m, &cur);
        if (rc == ATH_OK)
            printf("%s\n", cur ? cur : "base");
        free(cur);
        code = rc == ATH_OK ? ATH_CLI_OK : cli_fail(c, rc);
    } else if (!strcmp(sub, "stamp")) {
        rc = ath_migrate_stamp(m, arg);
        code = rc == ATH_OK ? ATH_CLI_OK : cli_fail(c, rc);
    } else {
        bool up = !strcmp(sub, "upgrade") || !strcmp(sub, "up");
        rc = up ? ath_migrate_upgrade(m, arg, &n) : ath_migrate_downgrade(m, arg, &n);
        if (!c->quiet)
            fprintf(stderr, "%s: %s %zu migration%s\n", c->prog, up ? "applied" : "undid", n,
                    n == 1 ? "" : "s");
        code = rc == ATH_OK ? ATH_CLI_OK : cli_fail(c, rc);
    }
    ath_migrator_free(m);
    ath_engine_dispose(engine);
    return code;
}

const cli_command cli_cmd_migrate = {
    "migrate", "apply, undo and write schema migrations (docs/migrations.md)",
    "migrate [--url URL] [--dir DIR] COMMAND [ARG]",
    "Migrations are the files DIR/<revision>_<name>.up.sql and .down.sql.\n\n"
    "  upgrade|up [REV]        apply up to REV (default: head)\n"
    "  downgrade|down [REV]    undo down to REV, kept (default: one step; base: all)\n"
    "  current                 print the current revision (base when none)\n"
    "  history|status          every revision: pending, applied (when, how long) or CHANGED\n"
    "  stamp REV               record REV (and those before) as applied without running\n"
    "  check                   compare the program's models with the database (exit 4 on\n"
    "                          differences, each printed)\n"
    "  autogen NAME            write the differences as the next migration (--rev REV to\n"
    "                          choose its revision; default: the next four-digit number)\n"
    "  new NAME                write empty up/down files for the next revision (--rev REV)\n\n"
    "  -u, --url URL   database (default $DATABASE_URL)\n"
    "  -d, --dir DIR   migrations directory (default ./migrations)\n"
    "  -r, --rev REV   revision of the migration autogen or new writes\n"
    "  -c, --check     history/status: exit 4 when a migration is pending or changed\n"
    "  -q, --quiet     no summary line on stderr\n"
    "  -h, --help      this text",
    run_migrate};
