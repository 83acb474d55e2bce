/*
 * text-policy: one rule on every backend. Text columns (and text filter values and raw text
 * parameters) take valid UTF-8 without NUL, checked before anything is sent: anything else is
 * ATH_EINVAL naming the column (or parameter), no statement runs, nothing is written and the
 * session's transaction goes on. The same bytes in a blob column round-trip exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "sec.h"

typedef struct bytes {
    const char *p;
    size_t len;
} bytes;
#define B(lit)                                                                                     \
    {                                                                                              \
        lit, sizeof(lit) - 1                                                                       \
    }

/* Not valid UTF-8 (no NUL: these can also sit in a C string member). */
static const bytes invalid[] = {
    B("\xff"),
    B("\xfe\xff"),
    B("abc\x80"
      "def"),
    B("\xc0\xaf"),             /* overlong '/' */
    B("\xc0\x27"),             /* overlong quote */
    B("\xe0\x80\xa7"),         /* 3-byte overlong quote */
    B("\xed\xa0\x80"),         /* UTF-16 surrogate */
    B("\xed\xbf\xbf"),         /* UTF-16 surrogate */
    B("\xf4\x90\x80\x80"),     /* above U+10FFFF */
    B("\xf8\x88\x80\x80\x80"), /* 5-byte form */
    B("\xe2\x82"),             /* cut at the end */
    B("\xf0\x9f\x98"),         /* a cut emoji */
    B("\xc3\x28"),             /* bad continuation */
    B("\xbf\x27 OR 1=1 --"),   /* the GBK quote trick */
    B("valid then \xa0\xa1"),  /* late */
    B("caf\xe9"),              /* Latin-1 */
};
#define NINVALID (sizeof invalid / sizeof invalid[0])

/* Text with NUL bytes: only values with an explicit length can carry them. */
static const bytes with_nul[] = {
    B("a\0b"),
    B("\0"),
    B("'\0; DROP TABLE sec_note; --"),
    B("trailing\0"),
};
#define NNUL (sizeof with_nul / sizeof with_nul[0])

/* A NUL-terminated copy of an invalid string, for a char * member. */
static char *cstr(const bytes *b)
{
    char *s = malloc(b->len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    memcpy(s, b->p, b->len);
    s[b->len] = '\0';
    return s;
}

/* The call was refused as the policy says: EINVAL naming `needle`, nothing sent, tx usable. */
#define ASSERT_REFUSED(call, s, needle)                                                            \
    do {                                                                                           \
        long before_ = sec_statements();                                                           \
        int rc_ = (call);                                                                          \
        ASSERT_RC(rc_, ATH_EINVAL);                                                                \
        ASSERT_ERR_HAS(needle);                                                                    \
        CHECKF(sec_statements() == before_, "%ld statement(s) ran for a refused call: %s",         \
               sec_statements() - before_, #call);                                                 \
        CU_ASSERT(!ath_session_failed(s));                                                         \
    } while (0)

/* --- tests ------------------------------------------------------------------------------------ */

static void test_a_statement_is_counted(void)
{
    /* the other tests prove "nothing was sent" by counting statements: make sure counting works */
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    long before = sec_statements();
    Note n = {0, "ok", NULL, {NULL, 0}};
    ASSERT_RC(ath_repo_add(repo, &n), ATH_OK);
    CU_ASSERT(sec_statements() > before);
    sec_end();
}

static void test_invalid_utf8_in_a_text_column_is_refused_on_add(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    Note good = {0, "kept", "kept", {NULL, 0}};
    ASSERT_RC(ath_repo_add(repo, &good), ATH_OK); /* an open transaction that must survive */
    for (size_t i = 0; i < NINVALID; i++) {
        char *bad = cstr(&invalid[i]);
        Note n = {0, bad, "fine", {NULL, 0}};
        ASSERT_REFUSED(ath_repo_add(repo, &n), s, "sec_note.title");
        ASSERT_ERR_HAS("UTF-8");
        Note m = {0, "fine", bad, {NULL, 0}};
        ASSERT_REFUSED(ath_repo_add(repo, &m), s, "sec_note.body");
        free(bad);
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_EQUAL(sql_count(s, "sec_note"), 1);
    sec_end();
}

static void test_invalid_utf8_is_refused_on_update_and_upsert(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    Note n = {0, "original", "original", {NULL, 0}};
    ASSERT_RC(ath_repo_add(repo, &n), ATH_OK);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    for (size_t i = 0; i < NINVALID; i++) {
        char *bad = cstr(&invalid[i]);
        Note u = n;
        u.title = bad;
        ASSERT_REFUSED(ath_repo_update(repo, &u), s, "sec_note.title");
        ASSERT_REFUSED(ath_repo_update_fields(repo, &u, ATH_NAMES("title")), s, "sec_note.title");
        ASSERT_REFUSED(ath_repo_update_many(repo, &u, 1), s, "sec_note.title");
        ASSERT_REFUSED(ath_repo_upsert(repo, &u, NULL, 0), s, "sec_note.title");
        ASSERT_REFUSED(ath_repo_upsert_many(repo, &u, 1, NULL, 0), s, "sec_note.title");
        free(bad);
    }
    ath_value k = ath_v_i64(n.id);
    Note got = {0};
    ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
    CU_ASSERT_STRING_EQUAL(got.title, "original");
    ath_model_free_fields(&Note_model, &got);
    sec_end();
}

static void test_add_many_with_one_bad_row_writes_nothing(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    /* enough rows for several statements on every backend (parameter limits), the bad one last */
    enum { N = 25000 };
    Note *rows = calloc(N, sizeof *rows);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rows);
    char *bad = cstr(&invalid[0]);
    for (size_t i = 0; i < N; i++)
        rows[i].title = "row";
    rows[N - 1].body = bad;
    ASSERT_REFUSED(ath_repo_add_many(repo, rows, N), s, "sec_note.body");
    CU_ASSERT_EQUAL(sql_count(s, "sec_note"), 0);
    /* and in a short batch, the bad one in the middle */
    rows[1].title = bad;
    ASSERT_REFUSED(ath_repo_add_many(repo, rows, 3), s, "sec_note.title");
    CU_ASSERT_EQUAL(sql_count(s, "sec_note"), 0);
    free(bad);
    free(rows);
    sec_end();
}

static void test_bad_text_in_update_where_values_is_refused(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    Note n = {0, "t", "b", {NULL, 0}};
    ASSERT_RC(ath_repo_add(repo, &n), ATH_OK);
    for (size_t i = 0; i < NINVALID + NNUL; i++) {
        const bytes *b = i < NINVALID ? &invalid[i] : &with_nul[i - NINVALID];
        ath_value v = ath_v_textn(ATH_T_TEXT, b->p, b->len);
        int64_t updated = -1;
        static const char *const title[] = {"title"};
        ASSERT_REFUSED(ath_repo_update_where(repo, &updated, title, &v, 1, ATH_NO_FILTERS), s,
                       "title");
    }
    CU_ASSERT_EQUAL(sql_i64(s, "SELECT COUNT(*) FROM sec_note WHERE title = 't'", NULL, 0), 1);
    sec_end();
}

static void test_bad_text_in_filter_values_is_refused(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    for (size_t i = 0; i < NINVALID + NNUL; i++) {
        const bytes *b = i < NINVALID ? &invalid[i] : &with_nul[i - NINVALID];
        ath_value v = ath_v_textn(ATH_T_TEXT, b->p, b->len);
        ath_list *l = NULL;
        int64_t count = -1;
        ASSERT_REFUSED(ath_repo_list(repo, &l, ATH_FILTERS(ath_where("title", ATH_EQ, v))), s,
                       "sec_note");
        CU_ASSERT_PTR_NULL(l);
        ath_list_free(l);
        ASSERT_REFUSED(
            ath_repo_count(repo, &count, ATH_FILTERS(ath_where("title", ATH_CONTAINS, v))), s,
            "sec_note");
        ASSERT_REFUSED(ath_repo_count(repo, &count, ATH_FILTERS(ath_collection("title", &v, 1))), s,
                       "sec_note");
        ASSERT_REFUSED(
            ath_repo_delete_where(repo, &count, ATH_FILTERS(ath_where("body", ATH_NE, v))), s,
            "sec_note");
        if (i < NINVALID) { /* search text is a C string: no NUL possible */
            char *t = cstr(b);
            ASSERT_REFUSED(ath_repo_count(repo, &count, ATH_FILTERS(ath_search("title", t, true))),
                           s, "sec_note");
            free(t);
        }
    }
    sec_end();
}

static void test_bad_text_in_raw_parameters_is_refused(void)
{
    ath_session *s = sec_begin();
    ASSERT_RC(sql_exec(s, "INSERT INTO sec_note (title) VALUES ('kept')", NULL, 0), ATH_OK);
    for (size_t i = 0; i < NINVALID + NNUL; i++) {
        const bytes *b = i < NINVALID ? &invalid[i] : &with_nul[i - NINVALID];
        ath_value p[2] = {ath_v_text("fine"), ath_v_textn(ATH_T_TEXT, b->p, b->len)};
        ASSERT_REFUSED(sql_exec(s, "INSERT INTO sec_note (title, body) VALUES (?, ?)", p, 2), s,
                       "parameter 2");
        p[0] = ath_v_textn(ATH_T_JSON, b->p, b->len);
        ASSERT_REFUSED(sql_exec(s, "SELECT ?", p, 1), s, "parameter 1");
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_EQUAL(sql_count(s, "sec_note"), 1);
    sec_end();
}

/* Stores `b` as a blob and reads it back by get, list and an EQ filter on the blob. */
static void blob_round_trip(ath_repo *repo, const unsigned char *p, size_t len, int line)
{
    Note n = {0, "blob", NULL, {(unsigned char *)p, len}};
    ASSERT_RC(ath_repo_add(repo, &n), ATH_OK);
    Note got = {0};
    ath_value k = ath_v_i64(n.id);
    ASSERT_RC(ath_repo_get(repo, &got, &k, 1), ATH_OK);
    sec_check(got.data.data && got.data.len == len &&
                  (len == 0 || memcmp(got.data.data, p, len) == 0),
              __FILE__, line, "get gave back a %zu-byte blob for %zu bytes", got.data.len, len);
    ath_model_free_fields(&Note_model, &got);
    ath_list *l = sec_list(repo, ATH_FILTERS(ath_where("data", ATH_EQ, ath_v_blob(p, len))));
    const Note *m = ath_list_at(l, 0);
    sec_check(ath_list_count(l) == 1 && m && m->id == n.id && m->data.len == len &&
                  (len == 0 || memcmp(m->data.data, p, len) == 0),
              __FILE__, line, "data = blob(%zu bytes) found %zu rows", len, ath_list_count(l));
}

static void test_the_same_bytes_round_trip_in_a_blob(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    for (size_t i = 0; i < NINVALID; i++)
        blob_round_trip(repo, (const unsigned char *)invalid[i].p, invalid[i].len, __LINE__);
    for (size_t i = 0; i < NNUL; i++)
        blob_round_trip(repo, (const unsigned char *)with_nul[i].p, with_nul[i].len, __LINE__);
    sec_end();
}

static void test_arbitrary_blobs_round_trip(void)
{
    ath_session *s = sec_begin();
    ath_repo *repo = sec_repo(s, &Note_model);
    unsigned char all[256], ff[1000], zeros[1000], mixed[4096];
    for (size_t i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    memset(ff, 0xff, sizeof ff);
    memset(zeros, 0, sizeof zeros);
    unsigned x = 2463534242u; /* xorshift: repeatable noise */
    for (size_t i = 0; i < sizeof mixed; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        mixed[i] = (unsigned char)x;
    }
    blob_round_trip(repo, all, sizeof all, __LINE__);
    blob_round_trip(repo, ff, sizeof ff, __LINE__);
    blob_round_trip(repo, zeros, sizeof zeros, __LINE__);
    blob_round_trip(repo, zeros, 1, __LINE__);
    blob_round_trip(repo, mixed, sizeof mixed, __LINE__);
    blob_round_trip(repo, (const unsigned char *)"\\x00'; --", 9, __LINE__);
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    CU_ASSERT_EQUAL(sql_count(s, "sec_note"), 6);
    sec_end();
}

const test_case text_policy_tests[] = {
    {"a statement is counted", test_a_statement_is_counted},
    {"invalid UTF-8 in a text column is refused on add",
     test_invalid_utf8_in_a_text_column_is_refused_on_add},
    {"invalid UTF-8 is refused on update and upsert",
     test_invalid_utf8_is_refused_on_update_and_upsert},
    {"add_many with one bad row writes nothing", test_add_many_with_one_bad_row_writes_nothing},
    {"bad text in update_where values is refused", test_bad_text_in_update_where_values_is_refused},
    {"bad text in filter values is refused", test_bad_text_in_filter_values_is_refused},
    {"bad text in raw parameters is refused", test_bad_text_in_raw_parameters_is_refused},
    {"the same bytes round-trip in a blob", test_the_same_bytes_round_trip_in_a_blob},
    {"arbitrary blobs round-trip", test_arbitrary_blobs_round_trip},
    {NULL, NULL},
};

TEST_SUITE(text_policy) { sec_add_group("text-policy", text_policy_tests); }
