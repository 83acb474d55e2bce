/*
 * athanor_migrate_bench URL: autogenerate on a 50-table schema (docs/migrations.md, "Measured"):
 * ath_schema_compare against an empty database (50 tables to add), then ath_create_all_check
 * against the 50 tables create_all made (no difference may be reported). Drops them at the end.
 */
#include <athanor/athanor.h>
#include <stdio.h>
#include <time.h>
typedef struct R {
    int64_t id;
    char *name;
    ath_opt_i32 age;
    double score;
    char *note;
    ath_opt_i64 other;
} R;
static const ath_field fields[] = {ATH_FIELD(R, id, i64, .flags = ATH_PK | ATH_AUTOINC),
                                   ATH_FIELD(R, name, text, .max_length = 80, .flags = ATH_UNIQUE),
                                   ATH_FIELD(R, age, opt_i32, .flags = ATH_INDEX),
                                   ATH_FIELD(R, score, double),
                                   ATH_FIELD(R, note, opt_text),
                                   ATH_FIELD(R, other, opt_i64)};
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}
int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: athanor_migrate_bench URL\n");
        return 2;
    }
    static ath_model models[50];
    static const ath_model *ptrs[50];
    static char names[50][16];
    for (int i = 0; i < 50; i++) {
        snprintf(names[i], 16, "bt_%02d", i);
        models[i] = (ath_model){.table = names[i],
                                .name = "R",
                                .struct_size = sizeof(R),
                                .fields = fields,
                                .nfields = 6};
        ptrs[i] = &models[i];
    }
    ath_engine *e = NULL;
    if (ath_engine_create(&e, argv[1]) != ATH_OK)
        return 1;
    ath_drop_all(e, ptrs, 50);
    ath_schema_diff *d = NULL;
    double t0 = now();
    int rc = ath_schema_compare(&d, e, ptrs, 50);
    double t1 = now();
    printf("%s empty db: rc %d, %zu ops, %.1f ms\n", ath_engine_dialect(e), rc,
           ath_schema_diff_count(d), (t1 - t0) * 1000);
    ath_schema_diff_free(d);
    ath_create_all(e, ptrs, 50);
    t0 = now();
    rc = ath_create_all_check(&d, e, ptrs, 50);
    t1 = now();
    printf("  50 tables in sync: rc %d, %zu ops, %.1f ms\n", rc, ath_schema_diff_count(d),
           (t1 - t0) * 1000);
    ath_schema_diff_free(d);
    ath_drop_all(e, ptrs, 50);
    if (rc != ATH_OK)
        fprintf(stderr, "%s\n", ath_error_last()->message);
    ath_engine_dispose(e);
    return rc == ATH_OK ? 0 : 1;
}
