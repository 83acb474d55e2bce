/* Pipeline mode: async autocommit reads of many sessions share PostgreSQL connections, several
 * statements in flight on one socket (docs/async.md, "Pipeline mode"). On the other backends
 * the same tests check that nothing is shared (one statement per connection at a time). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aq.h"

#define READERS 1000

static bool pipelined(void)
{
    return strcmp(aq_dialect, "postgresql") == 0;
}

/* Statements in flight per connection, from the engine's events: BEFORE_EXECUTE counts one in,
 * AFTER_EXECUTE or ERROR one out; the most seen at once on one connection. */
static struct {
    uint64_t serial[64];
    int now[64];
    int most;
    int executes;
} flight;

static int *flight_slot(uint64_t serial)
{
    for (int i = 0; i < 64; i++)
        if (flight.serial[i] == serial || flight.serial[i] == 0) {
            flight.serial[i] = serial;
            return &flight.now[i];
        }
    return NULL;
}

static void count_flight(void *ctx, const ath_event *ev)
{
    (void)ctx;
    if (ev->connection == 0 || !ev->sql)
        return;
    int *n = flight_slot(ev->connection);
    if (!n)
        return;
    if (ev->kind == ATH_EVENT_BEFORE_EXECUTE) {
        flight.executes++;
        if (++*n > flight.most)
            flight.most = *n;
    } else if ((ev->kind == ATH_EVENT_AFTER_EXECUTE || ev->kind == ATH_EVENT_ERROR) && *n > 0) {
        --*n;
    }
}

static void flight_reset(void)
{
    memset(&flight, 0, sizeof flight);
    aq_event_hook = count_flight;
}

/* Rows 1..n named "p<k>" with qty k*7, added with a blocking session. */
static void seed(int n, int64_t *ids)
{
    ath_session *s = NULL;
    ath_repo *r = NULL;
    ASSERT_RC(ath_session_open(&s, aq_engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&r, s, &Item_model), ATH_OK);
    char name[32];
    for (int k = 0; k < n; k++) {
        snprintf(name, sizeof name, "p%d", k);
        Item it = {.name = name, .qty = (int64_t)k * 7};
        ASSERT_RC(ath_repo_add(r, &it), ATH_OK);
        ids[k] = it.id;
    }
    ASSERT_RC(ath_session_commit(s), ATH_OK);
    ath_repo_free(r);
    ath_session_close(s);
}

typedef struct reader {
    ath_async_session *as;
    ath_repo *repo;
    Item item;
    aq_seen seen;
    ath_async_id id;
} reader;

/* SQLite runs operations on a few worker threads, each blocking while its session waits for a
 * connection (and sqlite:///:memory: lives in one connection): there every reader shares one
 * async session, whose operations run one after another. */
static ath_async_session *memory_one;

static ath_async_session *session_for(ath_async *a, ath_engine *engine)
{
    ath_async_session *as = NULL;
    bool one = strcmp(aq_dialect, "sqlite") == 0;
    if (one && memory_one)
        return memory_one;
    ASSERT_RC(ath_async_session_open(&as, a, engine), ATH_OK);
    if (one)
        memory_one = as;
    return as;
}

static reader *readers_open(ath_async *a, int n, ath_engine *engine)
{
    reader *rd = calloc((size_t)n, sizeof *rd);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rd);
    memory_one = NULL;
    for (int i = 0; i < n; i++) {
        rd[i].as = session_for(a, engine);
        ASSERT_RC(ath_repo_open(&rd[i].repo, ath_async_session_session(rd[i].as), &Item_model),
                  ATH_OK);
    }
    return rd;
}

static void readers_close(ath_async *a, reader *rd, int n)
{
    for (int i = 0; i < n; i++) {
        ath_model_free_fields(&Item_model, &rd[i].item);
        ath_repo_free(rd[i].repo);
        if (rd[i].as != memory_one)
            ASSERT_RC(ath_async_session_close(rd[i].as, NULL, NULL), ATH_OK);
    }
    if (memory_one)
        ASSERT_RC(ath_async_session_close(memory_one, NULL, NULL), ATH_OK);
    memory_one = NULL;
    aq_run(a);
    free(rd);
}

/* n concurrent gets of ids[i % nids]; returns how many read back their exact row. */
static aq_seen commits[READERS], releases[READERS];

/* Without pipelining a read leaves its session in a transaction holding a connection (the
 * blocking API's rule): a rollback queued after it gives the connection back. */
static void release_after(ath_async_session *as, int i)
{
    if (!pipelined())
        ASSERT_RC(ath_async_session_rollback(NULL, ath_async_session_session(as), aq_record,
                                             &releases[i % READERS]),
                  ATH_OK);
}

/* With `commit`, each get is followed by a commit: without pipelining a read holds its
 * session's connection in a transaction until then, as in the blocking API. */
static int gets_then(ath_async *a, reader *rd, int n, const int64_t *ids, int nids, double *ms,
                     bool commit)
{
    double t0 = test_now();
    for (int i = 0; i < n; i++) {
        ASSERT_RC(ath_async_repo_get(&rd[i].id, rd[i].repo, &rd[i].item,
                                     ATH_VALUES(ath_v_i64(ids[i % nids])), aq_record, &rd[i].seen),
                  ATH_OK);
        if (commit)
            ASSERT_RC(ath_async_session_commit(NULL, ath_async_session_session(rd[i].as),
                                               aq_record, &commits[i]),
                      ATH_OK);
    }
    aq_run(a);
    if (ms)
        *ms = (test_now() - t0) * 1000.0;
    int exact = 0;
    char name[32];
    for (int i = 0; i < n; i++) {
        int k = i % nids;
        snprintf(name, sizeof name, "p%d", k);
        exact += rd[i].seen.calls == 1 && rd[i].seen.rc == ATH_OK && rd[i].item.id == ids[k] &&
                 rd[i].item.name && strcmp(rd[i].item.name, name) == 0 &&
                 rd[i].item.qty == (int64_t)k * 7;
    }
    return exact;
}


static void test_a_thousand_gets_share_eight_connections(void)
{
    ath_async *a = aq_begin();
    static int64_t ids[200];
    seed(200, ids);
    reader *rd = readers_open(a, READERS, aq_engine);
    flight_reset();
    double ms = 0;
    ASSERT_I64(gets_then(a, rd, READERS, ids, 200, &ms, !pipelined()), READERS);
    ath_pool_status st;
    ath_engine_pool_status(aq_engine, &st);
    CU_ASSERT(st.open <= 8);
    if (pipelined()) {
        CU_ASSERT_EQUAL(flight.executes, READERS);
        CU_ASSERT(flight.most > 1); /* several statements on one socket at once */
        /* autocommit: no session is left in a transaction, every connection went back */
        CU_ASSERT_FALSE(ath_session_in_transaction(ath_async_session_session(rd[0].as)));
        CU_ASSERT_EQUAL(st.checked_out, 0);
    } else {
        CU_ASSERT_EQUAL(flight.most, 1);
    }
    fprintf(stderr, "\n    %d gets, pipeline %s: %.1f ms, at most %d in flight on one connection\n",
            READERS, pipelined() ? "on" : "n/a", ms, flight.most);
    readers_close(a, rd, READERS);
}

static void test_pipeline_off_holds_a_connection_per_read(void)
{
    ath_async *a = aq_begin();
    static int64_t ids[200];
    seed(200, ids);
    char url[1024];
    snprintf(url, sizeof url, "%s%spipeline=off", aq_url, strchr(aq_url, '?') ? "&" : "?");
    ath_engine_options o;
    ath_engine_options_init(&o);
    CU_ASSERT_TRUE(o.pipeline); /* the default */
    o.nonblocking = true;
    o.pool_size = 8;
    o.max_overflow = 0;
    o.on_event = count_flight;
    ath_engine *off = NULL;
    if (aq_memory) /* the in-memory database lives in the suite engine's one connection */
        return;
    ASSERT_RC(ath_engine_create_opts(&off, url, &o), ATH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(off);
    reader *rd = readers_open(a, READERS, off);
    flight_reset();
    double ms = 0;
    ASSERT_I64(gets_then(a, rd, READERS, ids, 200, &ms, true), READERS);
    CU_ASSERT_EQUAL(flight.most, 1);
    fprintf(stderr, "    %d gets, pipeline off: %.1f ms\n", READERS, ms);
    readers_close(a, rd, READERS);
    ath_engine_dispose(off);
}

/* A model on a table that does not exist. */
static const ath_field ghost_fields[] = {
    ATH_FIELD(Item, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(Item, name, text, .max_length = 64),
    ATH_FIELD(Item, qty, i64),
};
static const ath_model Ghost_model = ATH_MODEL_OF(Item, "async_ghost_table", ghost_fields);

static void test_an_error_fails_only_its_own_read(void)
{
    ath_async *a = aq_begin();
    static int64_t ids[20];
    seed(20, ids);
    /* the blocking API's answer, for comparison */
    ath_session *bs = NULL;
    ath_repo *br = NULL;
    Item bi = {0};
    ASSERT_RC(ath_session_open(&bs, aq_engine), ATH_OK);
    ASSERT_RC(ath_repo_open(&br, bs, &Ghost_model), ATH_OK);
    int blocking_rc = ath_repo_get(br, &bi, ATH_VALUES(ath_v_i64(1)));
    CU_ASSERT(blocking_rc < 0);
    ath_repo_free(br);
    ath_session_close(bs);

    enum { N = 60 };
    reader *rd = readers_open(a, N, aq_engine);
    ath_repo *ghost[3];
    aq_seen gseen[3] = {{0}};
    Item gi[3] = {{0}};
    for (int g = 0; g < 3; g++)
        ASSERT_RC(ath_repo_open(&ghost[g], ath_async_session_session(rd[g * 20 + 5].as),
                                &Ghost_model),
                  ATH_OK);
    for (int i = 0; i < N; i++) {
        if (i % 20 == 5) { /* these sessions read the missing table instead */
            int g = i / 20;
            ASSERT_RC(ath_async_repo_get(NULL, ghost[g], &gi[g], ATH_VALUES(ath_v_i64(1)),
                                         aq_record, &gseen[g]),
                      ATH_OK);
            release_after(rd[i].as, i);
            continue;
        }
        ASSERT_RC(ath_async_repo_get(NULL, rd[i].repo, &rd[i].item,
                                     ATH_VALUES(ath_v_i64(ids[i % 20])), aq_record, &rd[i].seen),
                  ATH_OK);
        release_after(rd[i].as, i);
    }
    aq_run(a);
    for (int g = 0; g < 3; g++) {
        CU_ASSERT_EQUAL(gseen[g].calls, 1);
        ASSERT_RC(gseen[g].rc, blocking_rc);
        CU_ASSERT_PTR_NOT_NULL(strstr(gseen[g].message, "async_ghost_table"));
        ath_repo_free(ghost[g]);
    }
    int ok = 0;
    char name[32];
    for (int i = 0; i < N; i++) {
        if (i % 20 == 5)
            continue;
        snprintf(name, sizeof name, "p%d", i % 20);
        ok += rd[i].seen.rc == ATH_OK && rd[i].item.name && strcmp(rd[i].item.name, name) == 0;
    }
    ASSERT_I64(ok, N - 3);
    /* the connections stay usable: the same readers read again */
    for (int i = 0; i < N; i++) {
        ath_model_free_fields(&Item_model, &rd[i].item);
        rd[i].item = (Item){0};
        rd[i].seen = (aq_seen){0};
        /* a failed read may leave its session failed, as in the blocking API */
        if (i % 20 == 5)
            ASSERT_RC(ath_async_session_rollback(NULL, ath_async_session_session(rd[i].as),
                                                 aq_record, &rd[i].seen),
                      ATH_OK);
    }
    aq_run(a);
    for (int i = 0; i < N; i++)
        rd[i].seen = (aq_seen){0};
    ASSERT_I64(gets_then(a, rd, N, ids, 20, NULL, !pipelined()), N);
    readers_close(a, rd, N);
}

static void test_cancelling_a_pipelined_read(void)
{
    ath_async *a = aq_begin();
    static int64_t ids[50];
    seed(50, ids);
    enum { N = 200 };
    reader *rd = readers_open(a, N, aq_engine);
    for (int i = 0; i < N; i++) {
        ASSERT_RC(ath_async_repo_get(&rd[i].id, rd[i].repo, &rd[i].item,
                                     ATH_VALUES(ath_v_i64(ids[i % 50])), aq_record, &rd[i].seen),
                  ATH_OK);
        release_after(rd[i].as, i);
    }
    /* on the wire (or queued) by now: cancel a few, in the middle of the FIFOs */
    int cancelled = 0;
    for (int i = 30; i < N; i += 41) {
        int rc = ath_async_cancel(a, rd[i].id);
        CU_ASSERT(rc == ATH_OK || rc == ATH_EUNSUPPORTED || rc == ATH_ENOTFOUND);
        if (rc == ATH_OK)
            cancelled++;
        else
            rd[i].id = 0;
    }
    aq_run(a);
    int ok = 0, cancels = 0;
    char name[32];
    for (int i = 0; i < N; i++) {
        CU_ASSERT_EQUAL(rd[i].seen.calls, 1);
        if (rd[i].id && (i - 30) % 41 == 0 && i >= 30) {
            cancels += rd[i].seen.rc == ATH_ECANCELED;
            continue;
        }
        snprintf(name, sizeof name, "p%d", i % 50);
        ok += rd[i].seen.rc == ATH_OK && rd[i].item.name && strcmp(rd[i].item.name, name) == 0;
    }
    if (!aq_memory && strcmp(aq_dialect, "sqlite") != 0)
        CU_ASSERT(cancelled > 0);
    ASSERT_I64(cancels, cancelled);
    ASSERT_I64(ok, N - cancelled);
    /* nothing was left half-read: everyone reads again (the cancelled roll back first) */
    for (int i = 0; i < N; i++) {
        ath_model_free_fields(&Item_model, &rd[i].item);
        rd[i].item = (Item){0};
        rd[i].seen = (aq_seen){0};
        if (ath_session_failed(ath_async_session_session(rd[i].as)))
            ASSERT_RC(ath_async_session_rollback(NULL, ath_async_session_session(rd[i].as),
                                                 aq_record, &rd[i].seen),
                      ATH_OK);
    }
    aq_run(a);
    for (int i = 0; i < N; i++)
        rd[i].seen = (aq_seen){0};
    ASSERT_I64(gets_then(a, rd, N, ids, 50, NULL, !pipelined()), N);
    readers_close(a, rd, N);
}

typedef struct writer {
    ath_async_session *as;
    ath_repo *repo;
    Item item, back;
    char name[32];
    aq_seen added, committed, read, counted, inside;
    int64_t count;
    bool in_tx_after_read;
} writer;

static void test_mixed_reads_and_writes(void)
{
    ath_async *a = aq_begin();
    static int64_t ids[30];
    seed(30, ids);
    enum { W = 40, R = 300 };
    static writer w[W];
    memset(w, 0, sizeof w);
    reader *rd = readers_open(a, R, aq_engine);
    for (int i = 0; i < W; i++) {
        w[i].as = session_for(a, aq_engine);
        ASSERT_RC(ath_repo_open(&w[i].repo, ath_async_session_session(w[i].as), &Item_model),
                  ATH_OK);
        snprintf(w[i].name, sizeof w[i].name, "w%d", i);
        w[i].item = (Item){.name = w[i].name, .qty = 1000 + i};
        ath_session *s = ath_async_session_session(w[i].as);
        /* add, commit, then read it back (pipelined) and count (pipelined) */
        ASSERT_RC(ath_async_repo_add(NULL, w[i].repo, &w[i].item, aq_record, &w[i].added),
                  ATH_OK);
        ASSERT_RC(ath_async_session_commit(NULL, s, aq_record, &w[i].committed), ATH_OK);
        ASSERT_RC(ath_async_repo_get_one(NULL, w[i].repo, &w[i].back,
                                         ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text(w[i].name))),
                                         aq_record, &w[i].read),
                  ATH_OK);
        ASSERT_RC(ath_async_repo_count(NULL, w[i].repo, &w[i].count,
                                       ATH_FILTERS(ath_where("qty", ATH_GE, ath_v_i64(1000))), aq_record,
                                       &w[i].counted),
                  ATH_OK);
        release_after(w[i].as, R + i);
    }
    for (int i = 0; i < R; i++) {
        ASSERT_RC(ath_async_repo_get(NULL, rd[i].repo, &rd[i].item,
                                     ATH_VALUES(ath_v_i64(ids[i % 30])), aq_record, &rd[i].seen),
                  ATH_OK);
        release_after(rd[i].as, i);
    }
    aq_run(a);
    int ok = 0;
    for (int i = 0; i < W; i++) {
        ok += w[i].added.rc == ATH_OK && w[i].committed.rc == ATH_OK && w[i].read.rc == ATH_OK &&
              w[i].counted.rc == ATH_OK && w[i].back.id == w[i].item.id &&
              w[i].back.qty == 1000 + i && w[i].count >= 1 && w[i].count <= W;
    }
    ASSERT_I64(ok, W);
    int exact = 0;
    char name[32];
    for (int i = 0; i < R; i++) {
        snprintf(name, sizeof name, "p%d", i % 30);
        exact += rd[i].seen.rc == ATH_OK && rd[i].item.name && strcmp(rd[i].item.name, name) == 0;
    }
    ASSERT_I64(exact, R);
    ASSERT_I64(aq_count_rows(), 30 + W);

    /* inside a transaction a read is not pipelined: it runs in that transaction */
    ath_session *s0 = ath_async_session_session(w[0].as);
    aq_seen began = {0}, rolled = {0};
    ath_model_free_fields(&Item_model, &w[0].back);
    w[0].back = (Item){0};
    ASSERT_RC(ath_async_session_begin(NULL, s0, aq_record, &began), ATH_OK);
    ASSERT_RC(ath_async_repo_delete(NULL, w[0].repo, ATH_VALUES(ath_v_i64(w[0].item.id)),
                                    NULL, aq_record, &w[0].inside),
              ATH_OK);
    aq_seen gone = {0};
    bool found = true;
    ASSERT_RC(ath_async_repo_get_one_or_none(NULL, w[0].repo, &w[0].back, &found,
                                             ATH_FILTERS(ath_where("name", ATH_EQ, ath_v_text(w[0].name))),
                                             aq_record, &gone),
              ATH_OK);
    aq_run(a);
    ASSERT_RC(gone.rc, ATH_OK);
    CU_ASSERT_FALSE(found); /* its own transaction's delete is visible to it */
    CU_ASSERT_TRUE(ath_session_in_transaction(s0));
    ASSERT_RC(ath_async_session_rollback(NULL, s0, aq_record, &rolled), ATH_OK);
    aq_run(a);
    ASSERT_I64(aq_count_rows(), 30 + W);

    for (int i = 0; i < W; i++) {
        ath_model_free_fields(&Item_model, &w[i].back);
        ath_repo_free(w[i].repo);
        if (w[i].as != memory_one)
            ASSERT_RC(ath_async_session_close(w[i].as, NULL, NULL), ATH_OK);
    }
    readers_close(a, rd, R);
}

TEST_SUITE(async_pipeline)
{
    static const test_case tests[] = {
        {"a thousand gets share eight connections", test_a_thousand_gets_share_eight_connections},
        {"pipeline off holds a connection per read",
         test_pipeline_off_holds_a_connection_per_read},
        {"an error fails only its own read", test_an_error_fails_only_its_own_read},
        {"cancelling a pipelined read", test_cancelling_a_pipelined_read},
        {"mixed reads and writes", test_mixed_reads_and_writes},
        {NULL, NULL},
    };
    aq_add_group("async-pipeline", tests);
}
