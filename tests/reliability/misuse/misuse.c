/* The misuse suite's harness: the seeded table and its fingerprint, the expectations. */
#include "misuse.h"

#include <stdio.h>
#include <string.h>

#include "urls.h"

static const ath_field item_fields[] = {
    ATH_FIELD(Item, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Item, name, text, .max_length = 40),
};
const ath_model Item_model = ATH_MODEL_OF(Item, "misuse_item", item_fields);
const ath_model *const misuse_models[] = {&Item_model};

ath_engine *misuse_engine;
const char *misuse_url;
const char *misuse_fn = "?";
long misuse_cases;

ath_session *M_S;
ath_repo *M_R;
ath_url *M_U;
Item M_ITEM;
Item M_ITEMS[2];
ath_mixin_ctx M_CTX;

/* --- the fingerprint ------------------------------------------------------------------------ */

typedef struct fingerprint {
    int64_t rows, ids, chars;
} fingerprint;
static fingerprint seeded;

static int read_fingerprint(fingerprint *out)
{
    ath_session *s = NULL;
    ath_result *r = NULL;
    int rc = ath_session_open(&s, misuse_engine);
    if (rc == ATH_OK)
        rc = ath_session_execute(s,
                                 "SELECT COUNT(*), COALESCE(SUM(id), 0), "
                                 "COALESCE(SUM(LENGTH(name)), 0) FROM misuse_item",
                                 NULL, 0, &r);
    if (rc == ATH_OK && (rc = ath_result_next(r)) == 1) {
        out->rows = ath_result_i64(r, 0);
        out->ids = ath_result_i64(r, 1);
        out->chars = ath_result_i64(r, 2);
        rc = ATH_OK;
    } else if (rc == 0) {
        rc = ATH_ESQL;
    }
    ath_result_free(r);
    ath_session_close(s);
    return rc;
}

void misuse_seed(void)
{
    CU_ASSERT_EQUAL_FATAL(test_clear_tables(), ATH_OK);
    ath_session *s = NULL;
    ASSERT_RC(ath_session_open(&s, misuse_engine), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    static const char *const names[] = {"anvil", "bellows", "crucible"};
    for (int i = 0; i < 3; i++) {
        ath_value v[2] = {ath_v_i64(i + 1), ath_v_text(names[i])};
        ASSERT_RC(ath_session_execute(s, "INSERT INTO misuse_item (id, name) VALUES (?, ?)", v, 2,
                                      NULL),
                  ATH_OK);
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_session_close(s);
    ASSERT_RC(read_fingerprint(&seeded), ATH_OK);
    ASSERT_I64(seeded.rows, 3);
    ASSERT_I64(seeded.ids, 6);
    ASSERT_I64(seeded.chars, 20);
}

void misuse_assert_unchanged(const char *call, const char *file, int line)
{
    fingerprint now = {-1, -1, -1};
    int rc = read_fingerprint(&now);
    bool same = rc == ATH_OK && now.rows == seeded.rows && now.ids == seeded.ids &&
                now.chars == seeded.chars;
    char msg[600];
    snprintf(msg, sizeof msg,
             "after %s the table changed or could not be read (rc %s: %s; rows %lld ids %lld "
             "chars %lld)",
             call, ath_code_name(rc), rc == ATH_OK ? "" : ath_error_last()->message,
             (long long)now.rows, (long long)now.ids, (long long)now.chars);
    CU_assertImplementation(same ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
}

/* --- expectations --------------------------------------------------------------------------- */

void misuse_expect(int rc, int code, const char *message, bool exact, const char *call,
                   const char *file, int line)
{
    const char *got = ath_error_last()->message;
    int got_code = ath_error_last()->code;
    bool ok = rc == code && got_code == code &&
              (exact ? strcmp(got, message) == 0 : strstr(got, message) != NULL);
    char msg[900];
    snprintf(msg, sizeof msg, "%s: returned %s with \"%s\"; expected %s with %s\"%s\"", call,
             ath_code_name(rc), got, ath_code_name(code), exact ? "" : "a message containing ",
             message);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
    misuse_assert_unchanged(call, file, line);
    misuse_cases++;
}

void misuse_expect_neutral(bool ok, const char *arg, const char *call, const char *file, int line)
{
    char expect[160];
    snprintf(expect, sizeof expect, "%s: %s is NULL", misuse_fn, arg);
    const ath_error *e = ath_error_last();
    bool named = e->code == ATH_EINVAL && strcmp(e->message, expect) == 0;
    char msg[700];
    snprintf(msg, sizeof msg, "%s: %s; error %s \"%s\", expected ATH_EINVAL \"%s\"", call,
             ok ? "neutral value" : "NOT the documented neutral value", ath_code_name(e->code),
             e->message, expect);
    CU_assertImplementation(ok && named ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "",
                            CU_FALSE);
    misuse_assert_unchanged(call, file, line);
    misuse_cases++;
}

void misuse_expect_noop(const char *call, const char *file, int line)
{
    const ath_error *e = ath_error_last();
    char msg[600];
    snprintf(msg, sizeof msg, "%s set an error (%s \"%s\"): a no-op must not", call,
             ath_code_name(e->code), e->message);
    CU_assertImplementation(e->code == ATH_OK ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "",
                            CU_FALSE);
    misuse_assert_unchanged(call, file, line);
    misuse_cases++;
}
