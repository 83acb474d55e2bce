/* Shared by the libFuzzer targets: a byte reader, the models, and an engine on SQLite :memory:. */
#ifndef ATHANOR_FUZZ_COMMON_H
#define ATHANOR_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <athanor/athanor.h>

/** Aborts (a libFuzzer crash) with a message when an invariant does not hold. */
#define FZ_CHECK(cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant broken at %s:%d: %s: ", __FILE__, __LINE__, #cond);         \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fprintf(stderr, "\n  last error: %s (%s)\n  sql: %s\n", ath_error_last()->message,     \
                    ath_code_name(ath_error_last()->code),                                         \
                    ath_error_last()->sql ? ath_error_last()->sql : "-");                          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/*
 * A finding that is reported but not fixed yet may be tolerated with FZ_KNOWN(id, condition) so
 * a run can look past it; -DFUZZ_STRICT turns every tolerance off. Each one names its finding in
 * docs/security.md and has a regression test in tests/unit/test_regressions.c; delete it with
 * the fix. (None is open now: F1-F3 were fixed.)
 */
#ifdef FUZZ_STRICT
#define FZ_KNOWN(finding, cond) false
#else
#define FZ_KNOWN(finding, cond) (cond)
#endif

/** Reads the fuzzer's bytes; past the end every read gives zeros. */
typedef struct fz_reader {
    const uint8_t *p;
    size_t n;
} fz_reader;

uint8_t fz_u8(fz_reader *r);
uint32_t fz_u32(fz_reader *r);
uint64_t fz_u64(fz_reader *r);
/** Up to `max` bytes, length from the input; points into the input (no terminator). */
const uint8_t *fz_bytes(fz_reader *r, size_t max, size_t *len);
/** A NUL-terminated string of up to `max` bytes (malloc'd into the pool, freed by fz_pool_free). */
char *fz_string(fz_reader *r, size_t max);

/** Allocations for one input, freed together. */
void *fz_alloc(size_t size);
void fz_pool_free(void);

/** Every column kind, plain and nullable. */
typedef struct FzRow {
    int64_t id;
    int32_t a_i32;
    int64_t b_i64;
    double c_f64;
    bool d_bool;
    char *e_text;
    ath_blob f_blob;
    char *g_numeric;
    ath_timestamp h_ts;
    ath_date i_date;
    ath_uuid j_uuid;
    char *k_json;
    ath_opt_i32 o_i32;
    ath_opt_i64 o_i64;
    ath_opt_double o_f64;
    ath_opt_bool o_bool;
    char *o_text;
    ath_blob o_blob;
    ath_opt_timestamp o_ts;
    ath_opt_date o_date;
    ath_opt_uuid o_uuid;
    int64_t team_id; /* references fz_team.id */
} FzRow;

typedef struct FzTeam {
    int64_t id;
    char *name;
} FzTeam;

extern const ath_model FzRow_model;
extern const ath_model FzTeam_model;

/** The column names of FzRow, then names that are not columns (NULL included). */
extern const char *const fz_names[];
extern const size_t fz_nnames;

/** The engine every input runs against (SQLite in memory), created once. */
ath_engine *fz_engine(void);

#endif
