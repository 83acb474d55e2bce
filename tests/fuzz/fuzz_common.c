/* Shared by the libFuzzer targets (see fuzz_common.h). */
#include "fuzz_common.h"

#include <string.h>

uint8_t fz_u8(fz_reader *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

uint32_t fz_u32(fz_reader *r)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = v << 8 | fz_u8(r);
    return v;
}

uint64_t fz_u64(fz_reader *r)
{
    return (uint64_t)fz_u32(r) << 32 | fz_u32(r);
}

const uint8_t *fz_bytes(fz_reader *r, size_t max, size_t *len)
{
    size_t n = fz_u8(r);
    if (n > max)
        n %= max + 1;
    if (n > r->n)
        n = r->n;
    const uint8_t *p = r->p;
    r->p += n;
    r->n -= n;
    *len = n;
    return p;
}

char *fz_string(fz_reader *r, size_t max)
{
    size_t len;
    const uint8_t *p = fz_bytes(r, max, &len);
    char *s = fz_alloc(len + 1);
    memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

enum { POOL_MAX = 4096 };
static void *pool[POOL_MAX];
static size_t npool;

void *fz_alloc(size_t size)
{
    if (npool == POOL_MAX)
        abort();
    void *p = calloc(1, size ? size : 1);
    if (!p)
        abort();
    pool[npool++] = p;
    return p;
}

void fz_pool_free(void)
{
    while (npool)
        free(pool[--npool]);
}

static const ath_field row_fields[] = {
    ATH_FIELD(FzRow, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(FzRow, a_i32, i32),
    ATH_FIELD(FzRow, b_i64, i64),
    ATH_FIELD(FzRow, c_f64, double),
    /* ATH_FIELD(FzRow, d_bool, bool) does not compile: <stdbool.h>'s `bool` macro expands
     * before model.h pastes the kind (the conformance suite works around it the same way) */
    {.member = "d_bool",
     .offset = offsetof(FzRow, d_bool),
     .size = sizeof(bool),
     .type = ATH_T_BOOL},
    ATH_FIELD(FzRow, e_text, text),
    ATH_FIELD(FzRow, f_blob, blob),
    ATH_FIELD(FzRow, g_numeric, numeric),
    ATH_FIELD(FzRow, h_ts, timestamp),
    ATH_FIELD(FzRow, i_date, date),
    ATH_FIELD(FzRow, j_uuid, uuid),
    ATH_FIELD(FzRow, k_json, json),
    ATH_FIELD(FzRow, o_i32, opt_i32),
    ATH_FIELD(FzRow, o_i64, opt_i64),
    ATH_FIELD(FzRow, o_f64, opt_double),
    ATH_FIELD(FzRow, o_bool, opt_bool),
    ATH_FIELD(FzRow, o_text, opt_text),
    ATH_FIELD(FzRow, o_blob, opt_blob),
    ATH_FIELD(FzRow, o_ts, opt_timestamp),
    ATH_FIELD(FzRow, o_date, opt_date),
    ATH_FIELD(FzRow, o_uuid, opt_uuid),
    ATH_FIELD(FzRow, team_id, i64, .references = "fz_team.id"),
};
const ath_model FzRow_model = ATH_MODEL_OF(FzRow, "fz_row", row_fields);

static const ath_field team_fields[] = {
    ATH_FIELD(FzTeam, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(FzTeam, name, text),
};
const ath_model FzTeam_model = ATH_MODEL_OF(FzTeam, "fz_team", team_fields);

const char *const fz_names[] = {
    "id",
    "a_i32",
    "b_i64",
    "c_f64",
    "d_bool",
    "e_text",
    "f_blob",
    "g_numeric",
    "h_ts",
    "i_date",
    "j_uuid",
    "k_json",
    "o_i32",
    "o_i64",
    "o_f64",
    "o_bool",
    "o_text",
    "o_blob",
    "o_ts",
    "o_date",
    "o_uuid",
    "team_id",
    /* not columns */
    "name",
    "",
    NULL,
    "e_text; DROP TABLE fz_row",
    "\"e_text\"",
    "E_TEXT",
    "e_text ",
    "fz_row.e_text",
};
const size_t fz_nnames = sizeof fz_names / sizeof fz_names[0];

ath_engine *fz_engine(void)
{
    static ath_engine *engine;
    if (engine)
        return engine;
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    if (ath_engine_create(&engine, "sqlite:///:memory:") != ATH_OK ||
        ath_create_all(engine, ATH_MODELS(&FzTeam_model, &FzRow_model)) != ATH_OK) {
        fprintf(stderr, "fuzz: cannot set up SQLite in memory: %s\n", ath_error_last()->message);
        abort();
    }
    return engine;
}
