/*
 * Load: N threads share one engine whose pool is smaller than N. Each runs transactions of one
 * to three mixed steps (add, add_many, get + update, upsert, delete, reads with filters, a
 * transfer between shared accounts that can deadlock, get_or_upsert of shared tags that race,
 * a deliberate rollback) and keeps its own account of what it committed. A transaction that
 * fails with ATH_ERETRY or ATH_ETIMEOUT is rolled back and run again; any other error is a
 * failure. At the end the database must hold exactly what was committed.
 */
#include "load.h"
#include "runner.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NACCOUNTS     8
#define START_BALANCE 1000
#define NTAGS         32
#define MANY          5
#define MAX_STEPS     3
#define MAX_PENDING   (MAX_STEPS * MANY)
#define NAME_LEN      32

/* --- models ------------------------------------------------------------------------------------
 */

typedef struct LoadItem {
    int64_t id;
    char *name; /* "t<thread>-<seq>" */
    int32_t owner;
    int64_t qty;
    char *note;
} LoadItem;

static const ath_field item_fields[] = {
    ATH_FIELD(LoadItem, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(LoadItem, name, text, .flags = ATH_UNIQUE, .max_length = NAME_LEN),
    ATH_FIELD(LoadItem, owner, i32, .flags = ATH_INDEX),
    ATH_FIELD(LoadItem, qty, i64),
    ATH_FIELD(LoadItem, note, opt_text),
};
static const ath_model LoadItem_model = ATH_MODEL_OF(LoadItem, "rl_load_item", item_fields);

typedef struct LoadAccount {
    int64_t id;
    int64_t balance;
} LoadAccount;

static const ath_field account_fields[] = {
    ATH_FIELD(LoadAccount, id, i64, .flags = ATH_PK),
    ATH_FIELD(LoadAccount, balance, i64),
};
static const ath_model LoadAccount_model =
    ATH_MODEL_OF(LoadAccount, "rl_load_account", account_fields);

typedef struct LoadLedger {
    int64_t id;
    int32_t owner;
    int32_t src;
    int32_t dst;
    int64_t amount;
} LoadLedger;

static const ath_field ledger_fields[] = {
    ATH_FIELD(LoadLedger, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(LoadLedger, owner, i32),
    ATH_FIELD(LoadLedger, src, i32),
    ATH_FIELD(LoadLedger, dst, i32),
    ATH_FIELD(LoadLedger, amount, i64),
};
static const ath_model LoadLedger_model = ATH_MODEL_OF(LoadLedger, "rl_load_ledger", ledger_fields);

typedef struct LoadTag {
    int64_t id;
    char *name;
    int32_t first_owner;
} LoadTag;

static const ath_field tag_fields[] = {
    ATH_FIELD(LoadTag, id, i64, .flags = ATH_PK | ATH_AUTOINC),
    ATH_FIELD(LoadTag, name, text, .flags = ATH_UNIQUE, .max_length = NAME_LEN),
    ATH_FIELD(LoadTag, first_owner, i32),
};
static const ath_model LoadTag_model = ATH_MODEL_OF(LoadTag, "rl_load_tag", tag_fields);

#define ALL_MODELS                                                                                 \
    ATH_MODELS(&LoadItem_model, &LoadAccount_model, &LoadLedger_model, &LoadTag_model)

/* --- configuration -----------------------------------------------------------------------------
 */

static long env_long(const char *name, long def, long min, long max)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return def;
    char *end;
    long n = strtol(v, &end, 10);
    return *end || n < min || n > max ? def : n;
}

void load_config_from_env(load_config *cfg)
{
    cfg->threads = (int)env_long("ATHANOR_LOAD_THREADS", 8, 1, 64);
    cfg->pool_size = (int)env_long("ATHANOR_LOAD_POOL", 3, 1, 64);
    cfg->transactions = (int)env_long("ATHANOR_LOAD_TRANSACTIONS", 3000, 1, 10000000);
    cfg->max_seconds = (double)env_long("ATHANOR_LOAD_SECONDS", 120, 1, 86400);
    cfg->max_attempts = 200;
}

/* --- a worker's own account of what it committed ------------------------------------------------
 */

typedef struct slot {
    int64_t id;
    int64_t qty;
    bool live;
} slot;

typedef enum step_kind {
    S_ADD,
    S_ADD_MANY,
    S_UPDATE,
    S_UPSERT_NEW,
    S_UPSERT_OLD,
    S_DELETE,
    S_READ,
    S_TRANSFER,
    S_TAG,
    S_ABORT, /* adds a row, then the transaction is rolled back on purpose */
} step_kind;

typedef struct step {
    step_kind kind;
    int seq;     /* the row it creates or touches (first of MANY for add_many) */
    int64_t qty; /* value written */
    int src, dst, amount;
    int tag;
} step;

/* one change to the worker's account, applied only when the transaction commits */
typedef struct pending {
    int seq;
    int64_t id;
    int64_t qty;
    bool live;
} pending;

typedef struct worker {
    int tid;
    ath_engine *engine;
    const load_config *cfg;
    double deadline;
    uint64_t rng;
    slot *slots;
    int nslots, cap;
    int *live; /* seqs of live rows, in no order */
    int nlive;
    int64_t account_delta[NACCOUNTS];
    long transfers;
    long tags_created;
    bool tag_used[NTAGS];
    /* this transaction */
    pending pend[MAX_PENDING];
    int npend;
    int64_t tx_delta[NACCOUNTS];
    long tx_transfers, tx_tags_created;
    bool tx_tag_used[NTAGS];
    /* figures */
    load_result res;
} worker;

static uint64_t next_rand(worker *w)
{
    uint64_t x = w->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return w->rng = x;
}

static int rand_below(worker *w, int n)
{
    return (int)(next_rand(w) % (uint64_t)n);
}

static void problem(worker *w, long *counter, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(worker *w, long *counter, const char *fmt, ...)
{
    if (counter)
        (*counter)++;
    if (w->res.first_problem[0])
        return;
    int n = snprintf(w->res.first_problem, sizeof w->res.first_problem, "thread %d: ", w->tid);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->res.first_problem + n, sizeof w->res.first_problem - (size_t)n, fmt, ap);
    va_end(ap);
}

static int new_seq(worker *w)
{
    if (w->nslots == w->cap) {
        int cap = w->cap ? w->cap * 2 : 1024;
        slot *grown = realloc(w->slots, (size_t)cap * sizeof *grown);
        int *live = realloc(w->live, (size_t)cap * sizeof *live);
        if (!grown || !live) {
            fprintf(stderr, "out of memory in the load test\n");
            abort();
        }
        w->slots = grown;
        w->live = live;
        w->cap = cap;
    }
    w->slots[w->nslots] = (slot){0, 0, false};
    return w->nslots++;
}

static void item_name(const worker *w, int seq, char *buf)
{
    snprintf(buf, NAME_LEN, "t%d-%d", w->tid, seq);
}

static bool touched(const worker *w, const step *steps, int n, int seq)
{
    for (int i = 0; i < n; i++)
        if ((steps[i].kind == S_UPDATE || steps[i].kind == S_DELETE ||
             steps[i].kind == S_UPSERT_OLD || steps[i].kind == S_READ) &&
            steps[i].seq == seq)
            return true;
    (void)w;
    return false;
}

/* A live row not already used by this transaction's steps, or -1. */
static int pick_live(worker *w, const step *steps, int n)
{
    for (int tries = 0; tries < 4 && w->nlive > 0; tries++) {
        int seq = w->live[rand_below(w, w->nlive)];
        if (!touched(w, steps, n, seq))
            return seq;
    }
    return -1;
}

/* Plans one transaction: its steps and their parameters, fixed across retries. */
static int plan(worker *w, step *steps)
{
    int n = 1 + (rand_below(w, 10) < 3) + (rand_below(w, 10) < 1);
    for (int i = 0; i < n; i++) {
        step *s = &steps[i];
        memset(s, 0, sizeof *s);
        int roll = rand_below(w, 100);
        s->qty = rand_below(w, 1000000);
        if (roll < 18)
            s->kind = S_ADD;
        else if (roll < 26)
            s->kind = S_ADD_MANY;
        else if (roll < 40)
            s->kind = S_UPDATE;
        else if (roll < 46)
            s->kind = S_UPSERT_NEW;
        else if (roll < 52)
            s->kind = S_UPSERT_OLD;
        else if (roll < 62)
            s->kind = S_DELETE;
        else if (roll < 80)
            s->kind = S_READ;
        else if (roll < 88)
            s->kind = S_TRANSFER;
        else if (roll < 96)
            s->kind = S_TAG;
        else
            s->kind = S_ABORT;
        switch (s->kind) {
        case S_ADD:
        case S_UPSERT_NEW:
        case S_ABORT:
            s->seq = new_seq(w);
            break;
        case S_ADD_MANY:
            s->seq = new_seq(w);
            for (int k = 1; k < MANY; k++)
                new_seq(w);
            break;
        case S_UPDATE:
        case S_UPSERT_OLD:
        case S_DELETE:
        case S_READ:
            if ((s->seq = pick_live(w, steps, i)) < 0) {
                s->kind = S_ADD;
                s->seq = new_seq(w);
            }
            break;
        case S_TRANSFER:
            s->src = rand_below(w, NACCOUNTS);
            s->dst = (s->src + 1 + rand_below(w, NACCOUNTS - 1)) % NACCOUNTS;
            s->amount = 1 + rand_below(w, 50);
            break;
        case S_TAG:
            s->tag = rand_below(w, NTAGS);
            break;
        }
    }
    return n;
}

/* --- running a step --------------------------------------------------------------------------- */

typedef struct repos {
    ath_session *s;
    ath_repo *items, *ledger, *tags;
} repos;

static void pend(worker *w, int seq, int64_t id, int64_t qty, bool live)
{
    w->pend[w->npend++] = (pending){seq, id, qty, live};
}

/* The row's committed state as this transaction sees it (pending changes first). */
static const slot *current(const worker *w, int seq, slot *tmp)
{
    for (int i = w->npend - 1; i >= 0; i--)
        if (w->pend[i].seq == seq) {
            *tmp = (slot){w->pend[i].id, w->pend[i].qty, w->pend[i].live};
            return tmp;
        }
    return &w->slots[seq];
}

static int live_count_in_tx(const worker *w)
{
    int n = w->nlive;
    for (int i = 0; i < w->npend; i++) {
        bool was = w->slots[w->pend[i].seq].live;
        for (int j = 0; j < i; j++)
            if (w->pend[j].seq == w->pend[i].seq)
                was = w->pend[j].live;
        n += (int)w->pend[i].live - (int)was;
    }
    return n;
}

static int do_add(worker *w, repos *r, const step *st, int count)
{
    LoadItem items[MANY];
    char names[MANY][NAME_LEN];
    for (int k = 0; k < count; k++) {
        item_name(w, st->seq + k, names[k]);
        items[k] = (LoadItem){.name = names[k], .owner = w->tid, .qty = st->qty + k};
    }
    w->res.operations++;
    int rc = count == 1 ? ath_repo_add(r->items, &items[0])
                        : ath_repo_add_many(r->items, items, (size_t)count);
    for (int k = 0; rc == ATH_OK && k < count; k++) {
        if (items[k].id <= 0)
            problem(w, &w->res.mismatches, "add wrote back no key for %s", names[k]);
        pend(w, st->seq + k, items[k].id, st->qty + k, true);
    }
    return rc;
}

static int do_update(worker *w, repos *r, const step *st)
{
    slot tmp;
    const slot *cur = current(w, st->seq, &tmp);
    LoadItem it = {0};
    ath_value key = ath_v_i64(cur->id);
    w->res.operations++;
    int rc = ath_repo_get(r->items, &it, &key, 1);
    if (rc == ATH_OK) {
        if (it.qty != cur->qty || it.owner != w->tid)
            problem(w, &w->res.mismatches, "get t%d-%d: qty %lld, committed %lld", w->tid, st->seq,
                    (long long)it.qty, (long long)cur->qty);
        it.qty = st->qty;
        w->res.operations++;
        rc = ath_repo_update(r->items, &it);
    }
    ath_model_free_fields(&LoadItem_model, &it);
    if (rc == ATH_OK)
        pend(w, st->seq, cur->id, st->qty, true);
    return rc;
}

static const char *const by_name[] = {"name"};

static int do_upsert(worker *w, repos *r, const step *st)
{
    char name[NAME_LEN];
    item_name(w, st->seq, name);
    slot tmp;
    const slot *cur = current(w, st->seq, &tmp);
    LoadItem it = {.name = name, .owner = w->tid, .qty = st->qty};
    w->res.operations++;
    int rc = ath_repo_upsert(r->items, &it, by_name, 1);
    if (rc == ATH_OK) {
        if (cur->live && it.id != cur->id)
            problem(w, &w->res.mismatches, "upsert of %s: key %lld, stored %lld", name,
                    (long long)it.id, (long long)cur->id);
        if (it.id <= 0)
            problem(w, &w->res.mismatches, "upsert of %s wrote back no key", name);
        pend(w, st->seq, it.id, st->qty, true);
    }
    return rc;
}

static int do_delete(worker *w, repos *r, const step *st)
{
    slot tmp;
    const slot *cur = current(w, st->seq, &tmp);
    ath_value key = ath_v_i64(cur->id);
    w->res.operations++;
    int rc = ath_repo_delete(r->items, &key, 1, NULL);
    if (rc == ATH_OK)
        pend(w, st->seq, cur->id, cur->qty, false);
    return rc;
}

static int do_read(worker *w, repos *r, const step *st)
{
    slot tmp;
    const slot *cur = current(w, st->seq, &tmp);
    LoadItem it = {0};
    ath_value key = ath_v_i64(cur->id);
    w->res.operations++;
    int rc = ath_repo_get(r->items, &it, &key, 1);
    if (rc == ATH_OK && it.qty != cur->qty)
        problem(w, &w->res.mismatches, "get t%d-%d: qty %lld, committed %lld", w->tid, st->seq,
                (long long)it.qty, (long long)cur->qty);
    ath_model_free_fields(&LoadItem_model, &it);
    if (rc != ATH_OK)
        return rc;
    /* this thread's rows: exactly as many as it has committed (plus this transaction's) */
    ath_list *list = NULL;
    int64_t total = -1;
    w->res.operations++;
    rc = ath_repo_list_and_count(r->items, &list, &total,
                                 ATH_FILTERS(ath_where("owner", ATH_EQ, ath_v_i32(w->tid)),
                                             ath_order_by("id", true), ath_limit_offset(10, 0)));
    if (rc == ATH_OK) {
        int expect = live_count_in_tx(w);
        if (total != expect)
            problem(w, &w->res.mismatches, "list_and_count of thread %d: %lld rows, expected %d",
                    w->tid, (long long)total, expect);
        size_t n = ath_list_count(list);
        LoadItem *items = ath_list_items(list);
        for (size_t i = 0; i < n; i++)
            if (items[i].owner != w->tid || (i > 0 && items[i].id >= items[i - 1].id))
                problem(w, &w->res.mismatches, "list: wrong owner or order at %zu", i);
        if (n != (size_t)(expect < 10 ? expect : 10))
            problem(w, &w->res.mismatches, "list: %zu rows on the page", n);
    }
    ath_list_free(list);
    if (rc != ATH_OK)
        return rc;
    int64_t n = -1;
    w->res.operations++;
    rc = ath_repo_count(r->items, &n,
                        ATH_FILTERS(ath_where("owner", ATH_EQ, ath_v_i32(w->tid)),
                                    ath_where("qty", ATH_EQ, ath_v_i64(cur->qty)),
                                    ath_where("id", ATH_EQ, ath_v_i64(cur->id))));
    if (rc == ATH_OK && n != 1)
        problem(w, &w->res.mismatches, "count of t%d-%d by filters: %lld", w->tid, st->seq,
                (long long)n);
    return rc;
}

static int do_transfer(worker *w, repos *r, const step *st)
{
    /* the two accounts in the order given, the ledger row in between (a round trip holding the
     * first lock): opposite orders in two threads deadlock */
    static const char sql[] = "UPDATE rl_load_account SET balance = balance + ? WHERE id = ?";
    const int acct[2] = {st->src, st->dst};
    const int64_t delta[2] = {-st->amount, st->amount};
    for (int i = 0; i < 2; i++) {
        ath_value p[2] = {ath_v_i64(delta[i]), ath_v_i64(acct[i] + 1)};
        w->res.operations++;
        int rc = ath_session_execute(r->s, sql, p, 2, NULL);
        if (rc != ATH_OK)
            return rc;
        if (ath_session_affected(r->s) != 1)
            problem(w, &w->res.mismatches, "transfer: account %d: %lld rows changed", acct[i] + 1,
                    (long long)ath_session_affected(r->s));
        if (i == 0) {
            LoadLedger entry = {
                .owner = w->tid, .src = st->src, .dst = st->dst, .amount = st->amount};
            w->res.operations++;
            if ((rc = ath_repo_add(r->ledger, &entry)) != ATH_OK)
                return rc;
        }
    }
    w->tx_delta[st->src] -= st->amount;
    w->tx_delta[st->dst] += st->amount;
    w->tx_transfers++;
    return ATH_OK;
}

static int do_tag(worker *w, repos *r, const step *st)
{
    char name[NAME_LEN];
    snprintf(name, sizeof name, "tag-%d", st->tag);
    LoadTag tag = {.name = name, .first_owner = w->tid};
    bool created = false;
    w->res.operations++;
    int rc = ath_repo_get_or_upsert(r->tags, &tag, by_name, 1, false, &created);
    if (rc == ATH_OK) {
        if (!tag.name || strcmp(tag.name, name) != 0 || tag.id <= 0)
            problem(w, &w->res.mismatches, "get_or_upsert %s: got %s", name,
                    tag.name ? tag.name : "(null)");
        w->tx_tags_created += created;
        w->tx_tag_used[st->tag] = true;
        ath_model_free_fields(&LoadTag_model, &tag); /* the stored row's strings */
    }
    /* on failure tag still holds our own name (or nothing): there is nothing of Athanor's */
    return rc;
}

static int run_step(worker *w, repos *r, const step *st)
{
    switch (st->kind) {
    case S_ADD:
    case S_ABORT:
        return do_add(w, r, st, 1);
    case S_ADD_MANY:
        return do_add(w, r, st, MANY);
    case S_UPDATE:
        return do_update(w, r, st);
    case S_UPSERT_NEW:
    case S_UPSERT_OLD:
        return do_upsert(w, r, st);
    case S_DELETE:
        return do_delete(w, r, st);
    case S_READ:
        return do_read(w, r, st);
    case S_TRANSFER:
        return do_transfer(w, r, st);
    case S_TAG:
        return do_tag(w, r, st);
    }
    return ATH_EINVAL;
}

static void tx_reset(worker *w)
{
    w->npend = 0;
    memset(w->tx_delta, 0, sizeof w->tx_delta);
    w->tx_transfers = 0;
    w->tx_tags_created = 0;
    memset(w->tx_tag_used, 0, sizeof w->tx_tag_used);
}

/* The transaction committed: its changes become the worker's account. */
static void tx_apply(worker *w)
{
    for (int i = 0; i < w->npend; i++) {
        const pending *p = &w->pend[i];
        slot *s = &w->slots[p->seq];
        if (p->live && !s->live)
            w->live[w->nlive++] = p->seq;
        else if (!p->live && s->live)
            for (int j = 0; j < w->nlive; j++)
                if (w->live[j] == p->seq) {
                    w->live[j] = w->live[--w->nlive];
                    break;
                }
        *s = (slot){p->id, p->qty, p->live};
    }
    for (int i = 0; i < NACCOUNTS; i++)
        w->account_delta[i] += w->tx_delta[i];
    w->transfers += w->tx_transfers;
    w->tags_created += w->tx_tags_created;
    for (int i = 0; i < NTAGS; i++)
        w->tag_used[i] |= w->tx_tag_used[i];
}

static bool retryable(int rc)
{
    return rc == ATH_ERETRY || rc == ATH_ETIMEOUT;
}

static void *work(void *arg)
{
    worker *w = arg;
    repos r = {0};
    int rc = ath_session_open(&r.s, w->engine);
    if (rc == ATH_OK)
        rc = ath_repo_open(&r.items, r.s, &LoadItem_model);
    if (rc == ATH_OK)
        rc = ath_repo_open(&r.ledger, r.s, &LoadLedger_model);
    if (rc == ATH_OK)
        rc = ath_repo_open(&r.tags, r.s, &LoadTag_model);
    if (rc != ATH_OK) {
        problem(w, &w->res.unexpected, "opening: %s", ath_error_last()->message);
        goto done;
    }
    for (int t = 0; t < w->cfg->transactions && test_now() < w->deadline; t++) {
        step steps[MAX_STEPS];
        int n = plan(w, steps);
        bool abort_on_purpose = false;
        for (int i = 0; i < n; i++)
            abort_on_purpose |= steps[i].kind == S_ABORT;
        for (int attempt = 1;; attempt++) {
            tx_reset(w);
            rc = ATH_OK;
            for (int i = 0; rc == ATH_OK && i < n; i++)
                rc = run_step(w, &r, &steps[i]);
            if (rc == ATH_OK && abort_on_purpose) {
                rc = ath_session_rollback(r.s);
                if (rc == ATH_OK) {
                    w->res.rolled_back++;
                    break;
                }
            } else if (rc == ATH_OK) {
                rc = ath_session_commit(r.s);
                if (rc == ATH_OK) {
                    tx_apply(w);
                    w->res.transactions++;
                    break;
                }
            }
            int code = rc;
            char msg[400];
            snprintf(msg, sizeof msg, "%s", ath_error_last()->message);
            int rb = ath_session_rollback(r.s);
            if (rb != ATH_OK)
                problem(w, &w->res.unexpected, "rollback: %s: %s", ath_code_name(rb),
                        ath_error_last()->message);
            if (!retryable(code)) {
                problem(w, &w->res.unexpected, "transaction %d: %s: %s", t, ath_code_name(code),
                        msg);
                break;
            }
            w->res.retries++;
            w->res.retry_codes[code == ATH_ETIMEOUT]++;
            if (attempt >= w->cfg->max_attempts) {
                problem(w, &w->res.gave_up, "transaction %d still failing after %d attempts: %s", t,
                        attempt, msg);
                break;
            }
            /* back off a little, more after each failure, so the winner can finish */
            struct timespec ts = {0, (long)(rand_below(w, 1000) + 1) * 1000L *
                                         (attempt < 20 ? attempt : 20)};
            nanosleep(&ts, NULL);
        }
    }
done:
    ath_repo_free(r.items);
    ath_repo_free(r.ledger);
    ath_repo_free(r.tags);
    ath_session_close(r.s);
    return NULL;
}

/* --- setup and the final account ----------------------------------------------------------------
 */

static bool setup(ath_engine *e, load_result *res)
{
    ath_session *s = NULL;
    ath_repo *repo = NULL;
    LoadAccount accounts[NACCOUNTS];
    for (int i = 0; i < NACCOUNTS; i++)
        accounts[i] = (LoadAccount){i + 1, START_BALANCE};
    int rc = ath_drop_all(e, ALL_MODELS);
    if (rc == ATH_OK)
        rc = ath_create_all(e, ALL_MODELS);
    if (rc == ATH_OK)
        rc = ath_session_open(&s, e);
    if (rc == ATH_OK)
        rc = ath_repo_open(&repo, s, &LoadAccount_model);
    if (rc == ATH_OK)
        rc = ath_repo_add_many(repo, accounts, NACCOUNTS);
    if (rc == ATH_OK)
        rc = ath_session_commit(s);
    if (rc != ATH_OK)
        snprintf(res->first_problem, sizeof res->first_problem, "setup: %s: %s", ath_code_name(rc),
                 ath_error_last()->message);
    ath_repo_free(repo);
    ath_session_close(s);
    return rc == ATH_OK;
}

static void mismatch(load_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void mismatch(load_result *res, const char *fmt, ...)
{
    res->mismatches++;
    if (res->first_problem[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->first_problem, sizeof res->first_problem, fmt, ap);
    va_end(ap);
}

/* Every thread's rows are exactly those it committed, with the values it committed. */
static void check_items(ath_repo *repo, worker *workers, int nworkers, load_result *res)
{
    int64_t expected_total = 0;
    for (int t = 0; t < nworkers; t++) {
        worker *w = &workers[t];
        expected_total += w->nlive;
        ath_list *list = NULL;
        int rc = ath_repo_list(repo, &list, ATH_FILTERS(ath_where("owner", ATH_EQ, ath_v_i32(t))));
        if (rc != ATH_OK) {
            mismatch(res, "final list of thread %d: %s", t, ath_error_last()->message);
            continue;
        }
        size_t n = ath_list_count(list);
        LoadItem *items = ath_list_items(list);
        if (n != (size_t)w->nlive)
            mismatch(res, "thread %d: %zu rows in the database, %d committed", t, n, w->nlive);
        for (size_t i = 0; i < n; i++) {
            int tid = -1, seq = -1;
            if (sscanf(items[i].name, "t%d-%d", &tid, &seq) != 2 || tid != t || seq < 0 ||
                seq >= w->nslots) {
                mismatch(res, "thread %d: unexpected row %s", t, items[i].name);
                continue;
            }
            const slot *s = &w->slots[seq];
            if (!s->live)
                mismatch(res, "row %s is in the database but was never committed or was deleted",
                         items[i].name);
            else if (s->id != items[i].id || s->qty != items[i].qty)
                mismatch(res, "row %s: id %lld qty %lld, committed id %lld qty %lld", items[i].name,
                         (long long)items[i].id, (long long)items[i].qty, (long long)s->id,
                         (long long)s->qty);
        }
        ath_list_free(list);
    }
    int64_t total = -1;
    if (ath_repo_count(repo, &total, ATH_NO_FILTERS) != ATH_OK || total != expected_total)
        mismatch(res, "%lld rows in all, %lld committed", (long long)total,
                 (long long)expected_total);
}

/* Balances: each account moved by exactly the committed transfers; the sum never changes. */
static void check_accounts(ath_session *s, worker *workers, int nworkers, load_result *res)
{
    ath_repo *accounts = NULL, *ledger = NULL, *tags = NULL;
    ath_list *list = NULL;
    if (ath_repo_open(&accounts, s, &LoadAccount_model) != ATH_OK ||
        ath_repo_open(&ledger, s, &LoadLedger_model) != ATH_OK ||
        ath_repo_open(&tags, s, &LoadTag_model) != ATH_OK ||
        ath_repo_list(accounts, &list, ATH_FILTERS(ath_order_by("id", false))) != ATH_OK) {
        mismatch(res, "reading accounts: %s", ath_error_last()->message);
        goto done;
    }
    if (ath_list_count(list) != NACCOUNTS)
        mismatch(res, "%zu accounts, expected %d", ath_list_count(list), NACCOUNTS);
    LoadAccount *acct = ath_list_items(list);
    int64_t sum = 0;
    for (size_t i = 0; i < ath_list_count(list) && i < NACCOUNTS; i++) {
        int64_t expect = START_BALANCE;
        for (int t = 0; t < nworkers; t++)
            expect += workers[t].account_delta[i];
        sum += acct[i].balance;
        if (acct[i].balance != expect)
            mismatch(res, "account %lld: balance %lld, committed transfers give %lld",
                     (long long)acct[i].id, (long long)acct[i].balance, (long long)expect);
    }
    if (sum != (int64_t)NACCOUNTS * START_BALANCE)
        mismatch(res, "the balances add up to %lld, not %d", (long long)sum,
                 NACCOUNTS * START_BALANCE);
    long transfers = 0, created = 0;
    bool used[NTAGS] = {false};
    for (int t = 0; t < nworkers; t++) {
        transfers += workers[t].transfers;
        created += workers[t].tags_created;
        for (int i = 0; i < NTAGS; i++)
            used[i] |= workers[t].tag_used[i];
    }
    int64_t n = -1;
    if (ath_repo_count(ledger, &n, ATH_NO_FILTERS) != ATH_OK || n != transfers)
        mismatch(res, "%lld ledger rows, %ld transfers committed", (long long)n, transfers);
    int nused = 0;
    for (int i = 0; i < NTAGS; i++)
        nused += used[i];
    if (ath_repo_count(tags, &n, ATH_NO_FILTERS) != ATH_OK || n != nused || created != nused)
        mismatch(res, "tags: %lld rows, %d names used, %ld reported created", (long long)n, nused,
                 created);
done:
    ath_list_free(list);
    ath_repo_free(accounts);
    ath_repo_free(ledger);
    ath_repo_free(tags);
}

bool load_run(const char *url, const load_config *cfg, load_result *out)
{
    memset(out, 0, sizeof *out);
    char full[2048];
    snprintf(full, sizeof full, "%s%cpool_size=%d&max_overflow=0&pool_timeout=60", url,
             strchr(url, '?') ? '&' : '?', cfg->pool_size);
    ath_engine *e = NULL;
    if (ath_engine_create(&e, full) != ATH_OK) {
        snprintf(out->first_problem, sizeof out->first_problem, "engine: %s",
                 ath_error_last()->message);
        return false;
    }
    if (!setup(e, out)) {
        ath_engine_dispose(e);
        return false;
    }
    worker *workers = calloc((size_t)cfg->threads, sizeof *workers);
    pthread_t *threads = calloc((size_t)cfg->threads, sizeof *threads);
    if (!workers || !threads) {
        free(workers);
        free(threads);
        ath_engine_dispose(e);
        return false;
    }
    double start = test_now();
    for (int t = 0; t < cfg->threads; t++) {
        workers[t] = (worker){.tid = t, .engine = e, .cfg = cfg};
        workers[t].deadline = start + cfg->max_seconds;
        workers[t].rng = 0x9E3779B97F4A7C15ULL * (uint64_t)(t + 1);
        pthread_create(&threads[t], NULL, work, &workers[t]);
    }
    for (int t = 0; t < cfg->threads; t++)
        pthread_join(threads[t], NULL);
    out->seconds = test_now() - start;
    for (int t = 0; t < cfg->threads; t++) {
        load_result *r = &workers[t].res;
        out->transactions += r->transactions;
        out->operations += r->operations;
        out->retries += r->retries;
        out->retry_codes[0] += r->retry_codes[0];
        out->retry_codes[1] += r->retry_codes[1];
        out->rolled_back += r->rolled_back;
        out->unexpected += r->unexpected;
        out->mismatches += r->mismatches;
        out->gave_up += r->gave_up;
        if (!out->first_problem[0] && r->first_problem[0])
            snprintf(out->first_problem, sizeof out->first_problem, "%s", r->first_problem);
    }

    ath_session *s = NULL;
    ath_repo *items = NULL;
    if (ath_session_open(&s, e) == ATH_OK && ath_repo_open(&items, s, &LoadItem_model) == ATH_OK) {
        check_items(items, workers, cfg->threads, out);
        check_accounts(s, workers, cfg->threads, out);
    } else {
        mismatch(out, "final check: %s", ath_error_last()->message);
    }
    ath_repo_free(items);
    ath_session_close(s);
    ath_pool_status st;
    ath_engine_pool_status(e, &st);
    if (st.checked_out != 0 || st.waiting != 0 || st.open > cfg->pool_size)
        mismatch(out, "pool after the run: %d checked out, %d waiting, %d open (size %d)",
                 st.checked_out, st.waiting, st.open, cfg->pool_size);
    for (int t = 0; t < cfg->threads; t++) {
        free(workers[t].slots);
        free(workers[t].live);
    }
    free(workers);
    free(threads);
    ath_engine_dispose(e);
    return true;
}
