/* The security suite's models. */
#include "models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ath_field note_fields[] = {
    ATH_FIELD(Note, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Note, title, opt_text),
    ATH_FIELD(Note, body, opt_text),
    ATH_FIELD(Note, data, opt_blob),
};
const ath_model Note_model = ATH_MODEL_OF(Note, "sec_note", note_fields);

static const ath_field num_fields[] = {
    ATH_FIELD(Num, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Num, v_i32, i32),
    ATH_FIELD(Num, v_i64, i64),
    ATH_FIELD(Num, v_f64, double),
    ATH_FIELD(Num, o_f64, opt_double),
    ATH_FIELD(Num, ts, opt_timestamp),
    ATH_FIELD(Num, d, opt_date),
    ATH_FIELD(Num, amount, opt_numeric),
};
const ath_model Num_model = ATH_MODEL_OF(Num, "sec_num", num_fields);

const ath_model *const sec_models[] = {&Note_model, &Num_model};
const size_t sec_nmodels = sizeof sec_models / sizeof sec_models[0];

int wide_model_build(wide_model *w, size_t ncolumns)
{
    memset(w, 0, sizeof *w);
    if (ncolumns < 2)
        return -1;
    w->fields = calloc(ncolumns, sizeof *w->fields);
    w->names = calloc(ncolumns, 8);
    if (!w->fields || !w->names) {
        wide_model_free(w);
        return -1;
    }
    w->fields[0] = (ath_field){.member = "id",
                               .offset = 0,
                               .size = sizeof(int64_t),
                               .type = ATH_T_I64,
                               .flags = ATH_PK | ATH_AUTOINC};
    for (size_t i = 1; i < ncolumns; i++) {
        char *name = w->names + 8 * i;
        snprintf(name, 8, "c%zu", i);
        w->fields[i] = (ath_field){
            .member = name, .offset = WIDE_OFFSET(i), .size = sizeof(int32_t), .type = ATH_T_I32};
    }
    w->model = (ath_model){.table = "sec_wide",
                           .name = "Wide",
                           .struct_size = WIDE_SIZE(ncolumns),
                           .fields = w->fields,
                           .nfields = ncolumns};
    return 0;
}

void wide_model_free(wide_model *w)
{
    free(w->fields);
    free(w->names);
    memset(w, 0, sizeof *w);
}
