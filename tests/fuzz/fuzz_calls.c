/*
 * libFuzzer target: random call sequences over the lifetime of handles (issue 11), on SQLite.
 *
 * The input is a program of up to 64 steps over small slot tables of engines, sessions,
 * repositories and raw results: create and dispose engines, open and close sessions, execute
 * statements (DDL, writes, reads, garbage, NULL), read, free and abandon results, begin, commit,
 * roll back, savepoints, open repositories and run their operations, free them — in any order,
 * with NULL handles, and with handles whose session was closed or whose engine was disposed
 * (reached through ath_repo_session() and ath_session_engine(), which stay valid while a
 * repository or session keeps them). Everything still open is released at the end, so ASan's
 * leak check sees a leaked connection or handle.
 *
 * Invariants: no crash, no leak; every call returns ATH_OK or a negative ath_code (results give
 * 0/1 from next); a NULL handle or a closed session gives ATH_EINVAL; a session whose engine was
 * disposed never gets a new connection.
 */
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { NE = 2, NS = 4, NR = 4, NX = 4, MAX_STEPS = 64 };

typedef struct CallItem {
    int64_t id;
    char *name;
} CallItem;
static const ath_field call_item_fields[] = {
    ATH_FIELD(CallItem, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(CallItem, name, opt_text),
};
static const ath_model CallItem_model = ATH_MODEL_OF(CallItem, "fz_call_item", call_item_fields);

static const char *const statements[] = {
    "CREATE TABLE IF NOT EXISTS fz_call_item (id INTEGER PRIMARY KEY, name TEXT)",
    "INSERT INTO fz_call_item (name) VALUES (?)",
    "SELECT id, name FROM fz_call_item ORDER BY id",
    "UPDATE fz_call_item SET name = ? WHERE id > 0",
    "DELETE FROM fz_call_item WHERE id % 2 = 0",
    "SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3",
    "DROP TABLE IF EXISTS fz_call_item",
    "SELEKT nonsense",
    "INSERT INTO missing_table VALUES (1)",
    NULL,
};
#define NSTATEMENTS (sizeof statements / sizeof statements[0])

static const char *const urls[] = {
    "sqlite:///:memory:?pool_timeout=0",
    "sqlite:///:memory:?pool_timeout=0&pool_size=2",
};

typedef struct world {
    ath_engine *e[NE];
    ath_session *s[NS];
    ath_repo *r[NR];
    ath_result *x[NX];
} world;

static bool is_code(int rc)
{
    return rc <= 0 && rc >= ATH__CODE_MIN;
}

/* A session: from a slot, or the (possibly closed) session a repository keeps, or NULL. */
static ath_session *pick_session(world *w, fz_reader *rd)
{
    uint8_t b = fz_u8(rd);
    if (b & 0x80) {
        ath_repo *r = w->r[b % NR];
        return r ? ath_repo_session(r) : NULL;
    }
    return w->s[b % NS];
}

/* An engine: from a slot, or the (possibly disposed) engine a session keeps, or NULL. */
static ath_engine *pick_engine(world *w, fz_reader *rd)
{
    uint8_t b = fz_u8(rd);
    if (b & 0x80) {
        ath_session *s = w->s[b % NS];
        return s ? ath_session_engine(s) : NULL;
    }
    return w->e[b % NE];
}

static void step_session_tx(ath_session *s, uint8_t op, uint8_t arg)
{
    int rc;
    ath_savepoint sp = 0;
    switch (op % 6) {
    case 0:
        rc = ath_session_begin(s);
        break;
    case 1:
        rc = ath_session_commit(s);
        break;
    case 2:
        rc = ath_session_rollback(s);
        break;
    case 3:
        rc = ath_session_savepoint(s, (arg & 1) ? NULL : &sp);
        break;
    case 4:
        rc = ath_session_release(s, arg % 4);
        break;
    default:
        rc = ath_session_rollback_to(s, arg % 4);
        break;
    }
    FZ_CHECK(is_code(rc), "session op %d gave %d", op % 6, rc);
    if (!s)
        FZ_CHECK(rc == ATH_EINVAL, "a NULL session gave %d", rc);
    (void)ath_session_in_transaction(s);
    (void)ath_session_failed(s);
}

static void step_execute(world *w, fz_reader *rd)
{
    ath_session *s = pick_session(w, rd);
    const char *sql = statements[fz_u8(rd) % NSTATEMENTS];
    uint8_t how = fz_u8(rd);
    ath_value p[2] = {(how & 1) ? ath_v_text("forge") : ath_v_i64((int64_t)how), ath_v_null()};
    size_t np = sql && strchr(sql, '?') ? 1 : 0;
    if (how & 2)
        np = (how >> 2) % 3; /* a count the statement does not take, or one for a NULL array */
    const ath_value *params = (how & 0x40) ? NULL : p;
    size_t slot = (how >> 4) % NX;
    ath_result **out = (how & 0x80) ? NULL : &w->x[slot];
    if (out && *out) {
        ath_result_free(*out);
        *out = NULL;
    }
    int rc = ath_session_execute(s, sql, params, np, out);
    FZ_CHECK(is_code(rc), "execute gave %d", rc);
    if (!s || !sql || (np && !params))
        FZ_CHECK(rc == ATH_EINVAL, "execute with a NULL argument gave %d", rc);
    if (rc != ATH_OK && out)
        FZ_CHECK(*out == NULL, "a failed execute left a result");
}

static void step_result(world *w, fz_reader *rd)
{
    uint8_t b = fz_u8(rd);
    ath_result *x = (b & 0x80) ? NULL : w->x[b % NX];
    ath_value v;
    int rc;
    switch ((b >> 2) % 6) {
    case 0:
        rc = ath_result_next(x);
        FZ_CHECK(rc == 0 || rc == 1 || is_code(rc), "next gave %d", rc);
        break;
    case 1:
        rc = ath_result_get(x, (int)(b & 3) - 1, (ath_type)(fz_u8(rd) % ATH_T__COUNT), &v);
        FZ_CHECK(is_code(rc), "get gave %d", rc);
        break;
    case 2:
        (void)ath_result_text(x, (int)(b & 3));
        (void)ath_result_i64(x, 0);
        (void)ath_result_double(x, 1);
        break;
    case 3:
        (void)ath_result_column_count(x);
        (void)ath_result_column_name(x, (int)(b & 3) - 1);
        (void)ath_result_affected(x);
        break;
    default:
        ath_result_free(x);
        if (!(b & 0x80))
            w->x[b % NX] = NULL;
        break;
    }
}

static void step_repo_op(world *w, fz_reader *rd)
{
    uint8_t b = fz_u8(rd);
    ath_repo *r = (b & 0x80) ? NULL : w->r[b % NR];
    CallItem it = {.id = fz_u8(rd) % 4, .name = "bellows"}, out;
    ath_value key = ath_v_i64(it.id);
    ath_list *l = NULL;
    int64_t n;
    bool found;
    int rc;
    memset(&out, 0, sizeof out);
    switch ((b >> 2) % 8) {
    case 0:
        rc = ath_repo_add(r, &it);
        break;
    case 1:
        rc = ath_repo_get(r, &out, &key, 1);
        break;
    case 2:
        rc = ath_repo_list(r, &l, NULL, 0);
        break;
    case 3:
        rc = ath_repo_count(r, &n, NULL, 0);
        break;
    case 4:
        rc = ath_repo_delete(r, &key, 1, NULL);
        break;
    case 5:
        rc = ath_repo_update(r, &it);
        break;
    case 6:
        rc = ath_repo_get_one_or_none(r, &out, &found, NULL, 0);
        break;
    default:
        rc = ath_repo_upsert(r, &it, NULL, 0);
        break;
    }
    FZ_CHECK(is_code(rc), "repository op %d gave %d", (b >> 2) % 8, rc);
    if (!r)
        FZ_CHECK(rc == ATH_EINVAL, "a NULL repository gave %d", rc);
    ath_model_free_fields(&CallItem_model, &out);
    if (it.name && strcmp(it.name, "bellows") != 0)
        ath_model_free_fields(&CallItem_model, &it); /* a read-back the object now owns */
    ath_list_free(l);
}

static void release_all(world *w)
{
    /* in a scrambled order on purpose: results and repositories may outlive what they came
     * from, engines go before their sessions */
    for (int i = 0; i < NE; i++)
        ath_engine_dispose(w->e[i]);
    for (int i = 0; i < NS; i++)
        ath_session_close(w->s[i]);
    for (int i = 0; i < NX; i++)
        ath_result_free(w->x[i]);
    for (int i = 0; i < NR; i++)
        ath_repo_free(w->r[i]);
    memset(w, 0, sizeof *w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#ifdef ATH_BUILD_DRIVER_DIR
    setenv("ATHANOR_DRIVER_PATH", ATH_BUILD_DRIVER_DIR, 0);
#endif
    fz_reader rd = {data, size};
    world w;
    memset(&w, 0, sizeof w);
    for (int stepno = 0; stepno < MAX_STEPS && rd.n > 0; stepno++) {
        uint8_t op = fz_u8(&rd);
        uint8_t a = fz_u8(&rd);
        switch (op % 14) {
        case 0: { /* create an engine into a slot (disposing what was there) */
            ath_engine_dispose(w.e[a % NE]);
            w.e[a % NE] = NULL;
            int rc = ath_engine_create(&w.e[a % NE], urls[(a >> 4) % 2]);
            FZ_CHECK(rc == ATH_OK, "creating an engine gave %d", rc);
            break;
        }
        case 1: /* dispose: the slot forgets it, its sessions keep it */
            ath_engine_dispose(w.e[a % NE]);
            w.e[a % NE] = NULL;
            break;
        case 2: { /* open a session on an engine (maybe NULL, maybe disposed) */
            ath_engine *e = pick_engine(&w, &rd); /* kept alive by the slot's old session */
            ath_session *s = NULL;
            int rc = ath_session_open(&s, e);
            FZ_CHECK(is_code(rc), "session_open gave %d", rc);
            FZ_CHECK((rc == ATH_OK) == (s != NULL), "session_open out");
            if (!e)
                FZ_CHECK(rc == ATH_EINVAL, "a NULL engine gave %d", rc);
            ath_session_close(w.s[a % NS]);
            w.s[a % NS] = s;
            break;
        }
        case 3: /* close: the slot forgets it, its repositories keep it */
            ath_session_close(w.s[a % NS]);
            w.s[a % NS] = NULL;
            break;
        case 4:
        case 5:
            step_execute(&w, &rd);
            break;
        case 6:
        case 7:
            step_result(&w, &rd);
            break;
        case 8:
            step_session_tx(pick_session(&w, &rd), a, fz_u8(&rd));
            break;
        case 9: { /* open a repository (maybe on NULL or a closed session) */
            ath_session *s = pick_session(&w, &rd); /* maybe kept alive by the slot's old one */
            ath_repo *r = NULL;
            int rc = ath_repo_open(&r, s, (a & 0x40) ? NULL : &CallItem_model);
            FZ_CHECK(is_code(rc), "repo_open gave %d", rc);
            FZ_CHECK((rc == ATH_OK) == (r != NULL), "repo_open out");
            ath_repo_free(w.r[a % NR]);
            w.r[a % NR] = r;
            break;
        }
        case 10:
        case 11:
            step_repo_op(&w, &rd);
            break;
        case 12:
            ath_repo_free(w.r[a % NR]);
            w.r[a % NR] = NULL;
            break;
        default: { /* schema on an engine (maybe NULL or disposed) */
            ath_engine *e = pick_engine(&w, &rd);
            const ath_model *const models[] = {&CallItem_model};
            int rc = (a & 1) ? ath_create_all(e, models, 1) : ath_drop_all(e, models, 1);
            FZ_CHECK(is_code(rc), "schema gave %d", rc);
            if (!e)
                FZ_CHECK(rc == ATH_EINVAL, "a NULL engine gave %d", rc);
            break;
        }
        }
    }
    release_all(&w);
    return 0;
}
