/* Tests for core/utf8.c and the one text policy: valid UTF-8 without NUL, checked before sending.
 */
#include <string.h>

#include <athanor/athanor.h>

#include "runner.h"
#include "utf8.h"

static void test_valid_utf8_is_accepted(void)
{
    static const char *const good[] = {"",
                                       "plain",
                                       "h\xC3\xA9llo",
                                       "\xE2\x82\xAC",
                                       "\xF0\x9F\x9A\x80",
                                       "\xEF\xBF\xBF",
                                       "\xF4\x8F\xBF\xBF"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        CU_ASSERT_TRUE(ath_utf8_valid(good[i], strlen(good[i]), NULL));
}

static void test_invalid_utf8_is_refused_with_its_offset(void)
{
    static const struct {
        const char *s;
        size_t len, bad;
    } cases[] = {
        {"ab\x80", 3, 2},           /* stray continuation byte */
        {"\xC0\xAF", 2, 0},         /* overlong '/' */
        {"\xE0\x80\xAF", 3, 0},     /* overlong three-byte form */
        {"x\xED\xA0\x80", 4, 1},    /* UTF-16 surrogate */
        {"\xF4\x90\x80\x80", 4, 0}, /* beyond U+10FFFF */
        {"\xC3", 1, 0},             /* truncated sequence */
        {"ok\xE2\x82", 4, 2},       /* truncated at the end */
        {"a\0b", 3, 1},             /* NUL */
        {"\xFF", 1, 0},             /* never valid */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t bad = 99;
        CU_ASSERT_FALSE(ath_utf8_valid(cases[i].s, cases[i].len, &bad));
        CU_ASSERT_EQUAL(bad, cases[i].bad);
    }
}

typedef struct Note {
    int64_t id;
    char *body;
    ath_blob raw;
} Note;
static const ath_field note_fields[] = {
    ATH_FIELD(Note, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Note, body, text),
    ATH_FIELD(Note, raw, opt_blob),
};
static const ath_model Note_model = ATH_MODEL_OF(Note, "note", note_fields);

static void test_repository_refuses_invalid_text_and_writes_nothing(void)
{
    ath_engine *e = NULL;
    ath_session *s = NULL;
    ath_repo *r = NULL;
    ASSERT_RC(ath_engine_create(&e, "sqlite://"), ATH_OK);
    ASSERT_RC(ath_create_all(e, ATH_MODELS(&Note_model)), ATH_OK);
    ASSERT_RC(ath_session_open(&s, e), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &Note_model), ATH_OK);
    char bad[] = "caf\xC3";
    Note n = {0, bad, {NULL, 0}};
    ASSERT_RC(ath_repo_add(r, &n), ATH_EINVAL);
    ASSERT_ERR_HAS("column note.body");
    ASSERT_ERR_HAS("not valid UTF-8 at byte 3");
    CU_ASSERT_FALSE(ath_session_failed(s)); /* refused before anything was sent */
    /* arbitrary bytes belong in a blob column and round-trip exactly */
    unsigned char bytes[] = {0xC3, 0x00, 0xFF, 0x80};
    Note ok = {0, "fine", {bytes, sizeof bytes}};
    ASSERT_RC(ath_repo_add(r, &ok), ATH_OK);
    Note back;
    ath_value key = ath_v_i64(ok.id);
    ASSERT_RC(ath_repo_get(r, &back, &key, 1), ATH_OK);
    CU_ASSERT_EQUAL(back.raw.len, sizeof bytes);
    CU_ASSERT_EQUAL(memcmp(back.raw.data, bytes, sizeof bytes), 0);
    ath_model_free_fields(&Note_model, &back);
    int64_t count = -1;
    ASSERT_RC(ath_repo_count(r, &count, ATH_NO_FILTERS), ATH_OK);
    CU_ASSERT_EQUAL(count, 1);
    /* filters and raw parameters follow the same rule */
    ASSERT_RC(
        ath_repo_count(r, &count,
                       ATH_FILTERS(ath_where("body", ATH_EQ, ath_v_textn(ATH_T_TEXT, "a\0b", 3)))),
        ATH_EINVAL);
    ASSERT_ERR_HAS("NUL byte at offset 1");
    ath_value p = ath_v_textn(ATH_T_TEXT, bad, 4);
    ASSERT_RC(ath_session_execute(s, "SELECT ?", &p, 1, NULL), ATH_EINVAL);
    ASSERT_ERR_HAS("parameter 1");
    ath_repo_free(r);
    ath_session_close(s);
    ath_engine_dispose(e);
}

TEST_SUITE(utf8)
{
    static const test_case tests[] = {
        {"valid utf8 is accepted", test_valid_utf8_is_accepted},
        {"invalid utf8 is refused with its offset", test_invalid_utf8_is_refused_with_its_offset},
        {"repository refuses invalid text and writes nothing",
         test_repository_refuses_invalid_text_and_writes_nothing},
        {NULL, NULL},
    };
    test_add_suite("utf8", NULL, NULL, tests);
}
