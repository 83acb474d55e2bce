/*
 * An application's own `db` command line (ath_cli_main): the program knows its models, so
 * create-all, drop-all, sql, dump and load work on them.
 *
 *     herodb db create-all --url sqlite:///heroes.db
 *     herodb db load sqlite:///heroes.db --table hero heroes.csv
 *     herodb db dump sqlite:///heroes.db --table hero --format csv
 *     herodb                      (anything else: the application itself)
 */
#include <stdio.h>
#include <string.h>

#include <athanor/athanor.h>
#include <athanor/cli.h>

#define TEAM_FIELDS(F)                                                                             \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(name, text, .flags = ATH_UNIQUE, .max_length = 80)                                           \
    F(headquarters, opt_text)
ATH_MODEL(Team, "team", TEAM_FIELDS);

#define HERO_FIELDS(F)                                                                             \
    F(id, i64, .flags = ATH_PK | ATH_AUTOINC)                                                      \
    F(name, text, .max_length = 80)                                                                \
    F(secret_name, text)                                                                           \
    F(age, opt_i32)                                                                                \
    F(born, opt_timestamp)                                                                         \
    F(team_id, opt_i64, .references = "team.id")
ATH_MODEL(Hero, "hero", HERO_FIELDS);

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "db") == 0) {
        argv[1] = "herodb db"; /* how messages name the program */
        return ath_cli_main(argc - 1, argv + 1, ATH_MODELS(&Team_model, &Hero_model));
    }
    printf("herodb: the application would run here; try 'herodb db help'\n");
    return 0;
}
