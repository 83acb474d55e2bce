/* The security suite's models: plain structs mapped with ATH_FIELD, as a user would write them. */
#ifndef ATHANOR_SECURITY_MODELS_H
#define ATHANOR_SECURITY_MODELS_H

#include <athanor/athanor.h>

/** Text and bytes: every hostile string goes into `title` (and `body`), bytes into `data`. */
typedef struct Note {
    int64_t id;
    char *title;   /* opt_text */
    char *body;    /* opt_text */
    ath_blob data; /* opt_blob */
} Note;

/** Numbers, timestamps and dates at their edges. */
typedef struct Num {
    int64_t id;
    int32_t v_i32;
    int64_t v_i64;
    double v_f64;
    ath_opt_double o_f64;
    ath_opt_timestamp ts;
    ath_opt_date d;
    char *amount; /* opt_numeric */
} Num;

extern const ath_model Note_model;
extern const ath_model Num_model;

/** The models every suite creates (and drops at the end). */
extern const ath_model *const sec_models[];
extern const size_t sec_nmodels;
#define SEC_MODELS sec_models, sec_nmodels

/**
 * A model of `ncolumns` columns built at run time over a struct of int64_t key + int32_t values:
 * table "sec_wide", columns id, c1 … c<ncolumns-1>. Free with wide_model_free().
 */
typedef struct wide_model {
    ath_model model;
    ath_field *fields;
    char *names; /* the member names, "c1\0c2\0…" */
} wide_model;

int wide_model_build(wide_model *w, size_t ncolumns);
void wide_model_free(wide_model *w);
/** Offset of value column i (1-based) in a wide row. */
#define WIDE_OFFSET(i) (sizeof(int64_t) + ((size_t)(i)-1) * sizeof(int32_t))
/** Bytes of a wide row of `ncolumns` columns. */
#define WIDE_SIZE(ncolumns) WIDE_OFFSET(ncolumns)

#endif
