/*
 * libFuzzer target: the filter compiler, through the public repository API on SQLite :memory:.
 *
 * The input becomes a random filter tree (every kind, nested any/all/exists, random operators,
 * column names that are and are not the model's, values of every type including invalid UTF-8
 * and out-of-range timestamps, cursors, limits) and one repository call (list, count, exists,
 * get_one_or_none, list_and_count, delete_where or update_where) in a transaction that is rolled
 * back afterwards.
 *
 * Invariants: the call returns ATH_OK, ATH_EINVAL or ATH_EMULTIPLE, never ATH_ESQL (SQL the
 * database rejects means the compiler wrote bad SQL) or anything else; after ATH_EINVAL the
 * session is not failed; a list that succeeds is matched by count with the same filters, row
 * for row when the filters hold no limit, offset or cursor.
 */
#include <math.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_DEPTH = 4, MAX_NODES = 48 };

typedef struct gen {
    fz_reader r;
    int nodes;
    bool paging; /* a limit, offset or cursor was generated at the top level */
    bool locking; /* an options filter asked for a locking read (count refuses those) */
} gen;

static ath_value gen_value(gen *g)
{
    uint8_t t = fz_u8(&g->r);
    size_t len;
    const uint8_t *p;
    switch (t % 14) {
    case 0:
        return ath_v_null();
    case 1:
        return ath_v_i32((int32_t)fz_u32(&g->r));
    case 2:
        return ath_v_i64((int64_t)fz_u64(&g->r));
    case 3: {
        uint64_t bits = fz_u64(&g->r);
        double d;
        memcpy(&d, &bits, sizeof d);
        return ath_v_double(d);
    }
    case 4:
        return ath_v_bool(fz_u8(&g->r) & 1);
    case 5:
    case 6:
    case 7: {
        ath_type types[] = {ATH_T_TEXT, ATH_T_NUMERIC, ATH_T_JSON};
        p = fz_bytes(&g->r, 40, &len);
        char *s = fz_alloc(len + 1);
        memcpy(s, p, len);
        return ath_v_textn(types[t % 14 - 5], s, len);
    }
    case 8:
        p = fz_bytes(&g->r, 40, &len);
        return ath_v_blob(len ? p : (const uint8_t *)"", len);
    case 9: {
        /* mostly inside the years 1..9999, sometimes anything */
        uint64_t x = fz_u64(&g->r);
        if (t & 0x80)
            return ath_v_timestamp((ath_timestamp)x);
        return ath_v_timestamp((ath_timestamp)(x % 315537897600000000ULL) - 62135596800000000LL);
    }
    case 10: {
        uint32_t x = fz_u32(&g->r);
        if (t & 0x80)
            return ath_v_date((ath_date)x);
        return ath_v_date((ath_date)(x % 3652059u) - 719162);
    }
    case 11: {
        ath_uuid u;
        for (int i = 0; i < 16; i++)
            u.bytes[i] = fz_u8(&g->r);
        return ath_v_uuid(u);
    }
    case 12: {
        ath_value v = ath_v_i32(1);
        v.type = (ath_type)(ATH_T__COUNT + (t >> 4)); /* not a type at all */
        return v;
    }
    default:
        return ath_v_text("Deadpond");
    }
}

static const char *gen_name(gen *g)
{
    return fz_names[fz_u8(&g->r) % fz_nnames];
}

/* "a,b, c" from 0..3 names, with spaces here and there; sometimes NULL. */
static const char *gen_columns(gen *g)
{
    uint8_t n = fz_u8(&g->r);
    if (n == 0xff)
        return NULL;
    char *s = fz_alloc(256);
    size_t used = 0;
    for (int i = 0; i < (n & 3); i++) {
        const char *name = gen_name(g);
        uint8_t sp = fz_u8(&g->r);
        used += (size_t)snprintf(s + used, 256 - used, "%s%s%s%s", i ? "," : "", sp & 1 ? " " : "",
                                 name ? name : "", sp & 2 ? "  " : "");
        if (used >= 255)
            break;
    }
    return s;
}

static void gen_filters(gen *g, int depth, bool top, ath_filter **out, size_t *nout);

static ath_filter gen_filter(gen *g, int depth, bool top)
{
    ath_filter f;
    uint8_t k = fz_u8(&g->r);
    g->nodes++;
    switch (k % 18) {
    case 0:
    case 1:
    case 2: { /* the common case: column op value */
        uint8_t op = fz_u8(&g->r);
        f = ath_where(gen_name(g), (ath_op)(op % 20), gen_value(g)); /* 19 = not an operator */
        if (f.op == ATH_BETWEEN)
            f.value2 = gen_value(g);
        return f;
    }
    case 3:
    case 4: {
        size_t n = fz_u8(&g->r) % 6;
        ath_value *vals = n ? fz_alloc(n * sizeof *vals) : NULL;
        for (size_t i = 0; i < n; i++)
            vals[i] = gen_value(g);
        f = k % 18 == 3 ? ath_collection(gen_name(g), vals, n)
                        : ath_not_in_collection(gen_name(g), vals, n);
        if (n && (fz_u8(&g->r) & 0x1f) == 0)
            f.values = NULL; /* a count without values */
        return f;
    }
    case 5:
    case 6: {
        const char *col = gen_name(g);
        ath_value before = gen_value(g), after = gen_value(g);
        return k % 18 == 5 ? ath_before_after(col, before, after)
                           : ath_on_before_after(col, before, after);
    }
    case 7:
    case 8: {
        const char *cols = gen_columns(g);
        const char *text = fz_u8(&g->r) == 0xff ? NULL : fz_string(&g->r, 24);
        bool ci = fz_u8(&g->r) & 1;
        return k % 18 == 7 ? ath_search(cols, text, ci) : ath_not_search(cols, text, ci);
    }
    case 9:
        return ath_order_by(gen_name(g), fz_u8(&g->r) & 1);
    case 10: {
        int64_t limit = (int64_t)fz_u64(&g->r), offset = (int64_t)fz_u64(&g->r);
        uint8_t small = fz_u8(&g->r);
        if (small & 1)
            limit %= 12;
        if (small & 2)
            offset %= 12;
        g->paging |= top;
        return ath_limit_offset(limit, offset);
    }
    case 11:
    case 12:
    case 13:
    case 14: {
        ath_filter *children = NULL;
        size_t n = 0;
        const ath_model *rel[] = {&FzTeam_model, &FzRow_model, NULL};
        gen_filters(g, depth + 1, false, &children, &n);
        if (fz_u8(&g->r) == 0xff)
            children = NULL; /* a count without children (finding F2: crashed, now refused) */
        switch (k % 18) {
        case 11:
            return ath_any(children, n);
        case 12:
            return ath_all(children, n);
        case 13:
            return ath_exists(rel[fz_u8(&g->r) % 3], children, n);
        default:
            return ath_not_exists(rel[fz_u8(&g->r) % 3], children, n);
        }
    }
    case 15: {
        g->paging |= top;
        uint8_t how = fz_u8(&g->r);
        if (how % 3 == 0)
            return ath_after(NULL);
        if (how % 3 == 1) { /* a cursor of the right shape */
            char *c = fz_alloc(64);
            snprintf(c, 64, "i%d,x%02x", (int)(int8_t)fz_u8(&g->r), fz_u8(&g->r));
            return ath_after(c);
        }
        return ath_after(fz_string(&g->r, 32));
    }
    case 16: {
        unsigned opts = fz_u8(&g->r);
        unsigned lock = ATH_OPT_FOR_UPDATE | ATH_OPT_NOWAIT | ATH_OPT_SKIP_LOCKED;
        g->locking |= top && (opts & lock) != 0;
        return ath_options(opts);
    }
    default:
        f = ath__filter((ath_filter_kind)(17 + (k >> 5))); /* not a kind at all */
        return f;
    }
}

static void gen_filters(gen *g, int depth, bool top, ath_filter **out, size_t *nout)
{
    size_t n = fz_u8(&g->r) % (top ? 7 : 4);
    if (depth >= MAX_DEPTH || g->nodes >= MAX_NODES)
        n = 0;
    ath_filter *fs = n ? fz_alloc(n * sizeof *fs) : NULL;
    for (size_t i = 0; i < n; i++)
        fs[i] = gen_filter(g, depth, top);
    *out = fs;
    *nout = n;
}

/* Seeds the shared database once: three teams and a handful of rows. */
static void seed(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    ath_engine *engine = fz_engine();
    ath_session *s = NULL;
    ath_repo *teams = NULL, *rows = NULL;
    FZ_CHECK(ath_session_open(&s, engine) == ATH_OK, "session");
    FZ_CHECK(ath_repo_open(&teams, s, &FzTeam_model) == ATH_OK, "repo");
    FZ_CHECK(ath_repo_open(&rows, s, &FzRow_model) == ATH_OK, "repo");
    static unsigned char bytes[] = {0, 1, 2, 0xff, '%', '_'};
    const char *texts[] = {"Deadpond", "50% Off",          "a_b", "",
                           "O'Brien",  "\xf0\x9f\x98\x80", "x!y", "\\"};
    for (int i = 0; i < 3; i++) {
        FzTeam t = {0, (char *)texts[i]};
        FZ_CHECK(ath_repo_add(teams, &t) == ATH_OK, "team");
    }
    for (int i = 0; i < 8; i++) {
        FzRow r;
        memset(&r, 0, sizeof r);
        r.a_i32 = i * 7 - 20;
        r.b_i64 = (int64_t)i << 40;
        r.c_f64 = i / 3.0;
        r.d_bool = i & 1;
        r.e_text = (char *)texts[i];
        r.f_blob = (ath_blob){bytes, (size_t)i % 7};
        r.g_numeric = i % 2 ? "12.50" : "-3";
        r.h_ts = (ath_timestamp)i * 86400000000LL * 3000 - 62135596800000000LL / 2;
        r.i_date = i * 1000 - 3000;
        r.j_uuid.bytes[15] = (unsigned char)i;
        r.k_json = "{\"k\":[1,2]}";
        if (i % 3) {
            r.o_i32 = ath_some_i32(i);
            r.o_i64 = ath_some_i64(-i);
            r.o_f64 = ath_some_double(i * 0.5);
            r.o_bool = ath_some_bool(i % 2);
            r.o_text = (char *)texts[7 - i];
            r.o_blob = (ath_blob){bytes, 2};
            r.o_ts = ath_some_timestamp(i);
            r.o_date = (ath_opt_date){i, true};
            r.o_uuid = (ath_opt_uuid){r.j_uuid, true};
        }
        r.team_id = i % 4 ? i % 4 : 1;
        FZ_CHECK(ath_repo_add(rows, &r) == ATH_OK, "row");
    }
    FZ_CHECK(ath_session_commit(s) == ATH_OK, "commit");
    ath_repo_free(rows);
    ath_repo_free(teams);
    ath_session_close(s);
}

static bool allowed(int rc)
{
    return rc == ATH_OK || rc == ATH_EINVAL || rc == ATH_EMULTIPLE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seed();
    gen g = {{data, size}, 0, false};
    uint8_t op = fz_u8(&g.r);
    ath_filter *filters;
    size_t n;
    gen_filters(&g, 0, true, &filters, &n);

    ath_session *s = NULL;
    ath_repo *repo = NULL;
    FZ_CHECK(ath_session_open(&s, fz_engine()) == ATH_OK, "session");
    FZ_CHECK(ath_repo_open(&repo, s, &FzRow_model) == ATH_OK, "repo");
    ath_list *list = NULL;
    int64_t count = -1, total = -1;
    bool found = false;
    FzRow one;
    int rc;
    switch (op % 7) {
    case 0:
        rc = ath_repo_list(repo, &list, filters, n);
        break;
    case 1:
        rc = ath_repo_count(repo, &count, filters, n);
        break;
    case 2:
        rc = ath_repo_exists(repo, &found, filters, n);
        break;
    case 3:
        memset(&one, 0, sizeof one);
        rc = ath_repo_get_one_or_none(repo, &one, &found, filters, n);
        if (rc == ATH_OK && found)
            ath_model_free_fields(&FzRow_model, &one);
        break;
    case 4:
        rc = ath_repo_list_and_count(repo, &list, &total, filters, n);
        break;
    case 5:
        rc = ath_repo_delete_where(repo, &count, filters, n);
        break;
    default: {
        const char *fields[2] = {gen_name(&g), gen_name(&g)};
        ath_value values[2] = {gen_value(&g), gen_value(&g)};
        rc = ath_repo_update_where(repo, &count, fields, values, 1 + (op >> 7), filters, n);
        break;
    }
    }
    /* update_where may break a constraint (NULL into a NOT NULL column, a missing team) */
    bool constraint =
        rc == ATH_ENOTNULL || rc == ATH_EFOREIGNKEY || rc == ATH_ECHECK || rc == ATH_EDUPLICATE;
    FZ_CHECK(allowed(rc) || (op % 7 == 6 && constraint), "operation %d returned %s", op % 7,
             ath_code_name(rc));
    if (rc == ATH_EINVAL)
        FZ_CHECK(!ath_session_failed(s), "ATH_EINVAL failed the session");
    if (rc == ATH_OK && list) {
        size_t rows = ath_list_count(list);
        for (size_t i = 0; i < rows; i++) {
            const FzRow *r = ath_list_at(list, i);
            FZ_CHECK(r && r->e_text && r->g_numeric && r->k_json && r->f_blob.data,
                     "row %zu lacks a NOT NULL value", i);
        }
        if (op % 7 == 4)
            FZ_CHECK(total >= (int64_t)rows || g.paging, "total %lld < %zu rows", (long long)total,
                     rows);
        int64_t c = -1;
        int crc = ath_repo_count(repo, &c, filters, n);
        if (g.locking) { /* a locking read lists; a count with the same options is refused */
            FZ_CHECK(crc == ATH_EINVAL, "count with locking options gave %s", ath_code_name(crc));
            goto done;
        }
        FZ_CHECK(crc == ATH_OK, "list succeeded, count with the same filters: %s",
                 ath_code_name(crc));
        if (!g.paging)
            FZ_CHECK(c == (int64_t)rows, "list gave %zu rows, count %lld", rows, (long long)c);
        if (op % 7 == 4 && !g.paging)
            FZ_CHECK(total == c, "list_and_count total %lld, count %lld", (long long)total,
                     (long long)c);
    }
done:
    ath_list_free(list);
    ath_repo_free(repo);
    ath_session_close(s); /* rolls back whatever a delete or update did */
    fz_pool_free();
    return 0;
}
