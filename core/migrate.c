/* Migrations: a chain of revisions, the version table, the lock, upgrade/downgrade/stamp. */
#include <athanor/migrate.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <athanor/inspect.h>
#include <athanor/schema.h>

#include "alloc.h"
#include "buf.h"
#include "sql_ddl.h"
#include "conn.h"
#include "engine.h"
#include "error.h"
#include "inspect_int.h"
#include "pool.h"
#include "session.h"

/* The version table, described as a model so create_all writes it in every dialect. */
typedef struct ver_row {
    char *revision;
    char *name;
    char *checksum;
    ath_timestamp applied_at;
    int64_t execution_ms;
} ver_row;
static const ath_field ver_fields[] = {
    ATH_FIELD(ver_row, revision, text, .flags = ATH_PK, .max_length = 64),
    ATH_FIELD(ver_row, name, text, .max_length = 200),
    ATH_FIELD(ver_row, checksum, text, .max_length = 16),
    ATH_FIELD(ver_row, applied_at, timestamp),
    ATH_FIELD(ver_row, execution_ms, i64),
};
static const ath_model ver_model = ATH_MODEL_OF(ver_row, ATH_MIGRATIONS_TABLE, ver_fields);

/* What the version table holds for one revision. */
typedef struct applied_row {
    char *revision;
    char checksum[17];
    ath_timestamp applied_at;
    int64_t execution_ms;
} applied_row;

struct ath_migrator {
    ath_engine *engine;
    ath_migration *chain; /* in chain order */
    size_t n;
    double lock_timeout;
    char lock_name[128];
    char **owned; /* strings read from files */
    size_t nowned;
    ath_migration_record *records;
    size_t nrecords;
};

void ath_migrator_options_init(ath_migrator_options *opts)
{
    if (!opts)
        return;
    opts->lock_timeout = 60;
    opts->lock_name = ATH_MIGRATIONS_TABLE;
}

static bool valid_revision(const char *r)
{
    size_t n = 0;
    for (; r && r[n]; n++) {
        char c = r[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return false;
    }
    return n > 0 && n <= 64 && strcmp(r, "head") != 0 && strcmp(r, "base") != 0;
}

void ath_migration_checksum(const ath_migration *m, char buf[17])
{
    if (!m || !buf) {
        if (buf)
            buf[0] = '\0';
        ath_null_arg(__func__, m ? "buf" : "migration");
        return;
    }
    uint64_t h = 1469598103934665603ULL;
    const char *parts[3] = {m->name, m->up_sql, m->down_sql};
    for (int k = 0; k < 3; k++) {
        for (const char *p = parts[k] ? parts[k] : ""; *p; p++) {
            h ^= (unsigned char)*p;
            h *= 1099511628211ULL;
        }
        h ^= 0xff; /* a separator, so "ab"+"" differs from "a"+"b" */
        h *= 1099511628211ULL;
    }
    snprintf(buf, 17, "%016llx", (unsigned long long)h);
}

/* Puts the migrations in chain order, checking it is one line. */
static int order_chain(ath_migrator *mg, const ath_migration *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!valid_revision(in[i].revision))
            return ath_fail(ATH_EINVAL,
                            "migration %zu: revision \"%s\" is not 1-64 letters, digits, '_', "
                            "'-' or '.' (nor head or base)",
                            i + 1, in[i].revision ? in[i].revision : "(null)");
        for (size_t j = 0; j < i; j++)
            if (strcmp(in[i].revision, in[j].revision) == 0)
                return ath_fail(ATH_EINVAL, "revision %s appears twice", in[i].revision);
    }
    const char *prev = NULL;
    for (size_t k = 0; k < n; k++) {
        size_t pick = n;
        for (size_t i = 0; i < n; i++) {
            bool root = !in[i].down_revision;
            if ((prev == NULL && root) ||
                (prev && in[i].down_revision && strcmp(in[i].down_revision, prev) == 0)) {
                if (pick != n)
                    return ath_fail(ATH_EINVAL,
                                    "revisions %s and %s both follow %s: the chain branches",
                                    in[pick].revision, in[i].revision, prev ? prev : "base");
                pick = i;
            }
        }
        if (pick == n) {
            for (size_t i = 0; i < n; i++) {
                bool placed = false;
                for (size_t j = 0; j < k; j++)
                    placed |= strcmp(mg->chain[j].revision, in[i].revision) == 0;
                if (!placed)
                    return ath_fail(
                        ATH_EINVAL, "revision %s follows %s, which is not in the chain after %s",
                        in[i].revision, in[i].down_revision ? in[i].down_revision : "base",
                        prev ? prev : "base");
            }
        }
        mg->chain[k] = in[pick];
        prev = in[pick].revision;
    }
    return ATH_OK;
}

static int open_common(ath_migrator **out, ath_engine *engine, const ath_migrator_options *opts,
                       size_t n, ath_migrator **mg)
{
    (void)out;
    if (ath_engine_disposed(engine))
        return ath_fail(ATH_EINVAL, "ath_migrator_open: the engine was disposed");
    if (!ath_catalog_sql_of(engine))
        return ath_fail(ATH_EUNSUPPORTED, "the %s driver describes no catalog: no migrations",
                        ath_engine_dialect(engine));
    ath_migrator *m = ath_calloc(1, sizeof *m);
    if (!m || !(m->chain = ath_calloc(n ? n : 1, sizeof *m->chain))) {
        ath_free(m);
        return ath_fail(ATH_ENOMEM, "opening a migrator");
    }
    ath_migrator_options o;
    ath_migrator_options_init(&o);
    if (opts) {
        o.lock_timeout = opts->lock_timeout;
        if (opts->lock_name)
            o.lock_name = opts->lock_name;
    }
    m->lock_timeout = o.lock_timeout;
    snprintf(m->lock_name, sizeof m->lock_name, "%s", o.lock_name);
    m->engine = engine;
    ath_engine_ref(engine);
    m->n = n;
    *mg = m;
    return ATH_OK;
}

int ath_migrator_open(ath_migrator **out, ath_engine *engine, const ath_migration *migrations,
                      size_t n, const ath_migrator_options *opts)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!engine)
        return ath_null_arg(__func__, "engine");
    if (n && !migrations)
        return ath_null_arg(__func__, "migrations");
    ath_migrator *m = NULL;
    int rc = open_common(out, engine, opts, n, &m);
    if (rc == ATH_OK && (rc = order_chain(m, migrations, n)) != ATH_OK) {
        ath_migrator_free(m);
        return rc;
    }
    *out = m;
    return rc;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = NULL;
    size_t len = 0, cap = 0;
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + got + 1 > cap) {
            cap = (len + got + 1) * 2;
            char *t = ath_realloc(text, cap);
            if (!t) {
                ath_free(text);
                fclose(f);
                return NULL;
            }
            text = t;
        }
        memcpy(text + len, buf, got);
        len += got;
    }
    fclose(f);
    if (!text && (text = ath_malloc(1)))
        len = 0;
    if (text)
        text[len] = '\0';
    return text;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int keep_owned(ath_migrator *m, char *s)
{
    char **o = ath_realloc(m->owned, (m->nowned + 1) * sizeof *o);
    if (!o) {
        ath_free(s);
        return ath_fail(ATH_ENOMEM, "reading migrations");
    }
    m->owned = o;
    m->owned[m->nowned++] = s;
    return ATH_OK;
}

int ath_migrator_open_dir(ath_migrator **out, ath_engine *engine, const char *dir,
                          const ath_migrator_options *opts)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    if (!engine)
        return ath_null_arg(__func__, "engine");
    if (!dir)
        return ath_null_arg(__func__, "dir");
    DIR *d = opendir(dir);
    if (!d)
        return ath_fail(ATH_EINVAL, "migrations directory %s: %s", dir, strerror(errno));
    char **names = NULL;
    size_t nnames = 0;
    int rc = ATH_OK;
    struct dirent *e;
    while (rc == ATH_OK && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        bool up = len > 7 && strcmp(e->d_name + len - 7, ".up.sql") == 0;
        bool down = len > 9 && strcmp(e->d_name + len - 9, ".down.sql") == 0;
        if (!up && !down)
            continue;
        char **t = ath_realloc(names, (nnames + 1) * sizeof *t);
        if (!t || !(t[nnames] = ath_strdup(e->d_name))) {
            names = t ? t : names;
            rc = ath_fail(ATH_ENOMEM, "reading migrations");
            break;
        }
        names = t;
        nnames++;
    }
    closedir(d);
    if (nnames)
        qsort(names, nnames, sizeof *names, cmp_names);
    ath_migration *list = ath_calloc(nnames ? nnames : 1, sizeof *list);
    size_t n = 0;
    ath_migrator *m = NULL;
    if (rc == ATH_OK && !list)
        rc = ath_fail(ATH_ENOMEM, "reading migrations");
    if (rc == ATH_OK)
        rc = open_common(out, engine, opts, nnames, &m);
    for (size_t i = 0; rc == ATH_OK && i < nnames; i++) {
        const char *f = names[i];
        size_t len = strlen(f);
        bool up = strcmp(f + len - 7, ".up.sql") == 0;
        size_t stem = len - (up ? 7 : 9);
        const char *us = memchr(f, '_', stem);
        size_t rlen = us ? (size_t)(us - f) : stem;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, f);
        char *rev = ath_strndup(f, rlen);
        char *name = us ? ath_strndup(us + 1, stem - rlen - 1) : ath_strdup("");
        char *text = read_file(path);
        if (!rev || !name || !text) {
            ath_free(rev);
            ath_free(name);
            rc = text ? ath_fail(ATH_ENOMEM, "reading migrations")
                      : ath_fail(ATH_EINVAL, "migration file %s cannot be read: %s", path,
                                 strerror(errno));
            ath_free(text);
            break;
        }
        for (char *p = name; *p; p++)
            *p = *p == '_' ? ' ' : *p;
        ath_migration *cur = n ? &list[n - 1] : NULL;
        if (!cur || strcmp(cur->revision, rev) != 0) {
            if (!up) { /* files sort .down before .up: the .up may follow */
                bool has_up = i + 1 < nnames && strncmp(names[i + 1], f, stem) == 0 &&
                              strcmp(names[i + 1] + stem, ".up.sql") == 0;
                if (!has_up) {
                    rc = ath_fail(ATH_EINVAL, "migration file %s has no %.*s.up.sql beside it",
                                  path, (int)stem, f);
                    ath_free(rev);
                    ath_free(name);
                    ath_free(text);
                    break;
                }
            }
            cur = &list[n++];
            cur->revision = rev;
            cur->name = name;
            cur->down_revision = n > 1 ? list[n - 2].revision : NULL;
            rc = keep_owned(m, rev);
            if (rc == ATH_OK)
                rc = keep_owned(m, name);
        } else {
            ath_free(rev);
            ath_free(name);
        }
        if (rc == ATH_OK) {
            if (up)
                cur->up_sql = text;
            else
                cur->down_sql = text;
            rc = keep_owned(m, text);
        } else
            ath_free(text);
    }
    for (size_t i = 0; i < nnames; i++)
        ath_free(names[i]);
    ath_free(names);
    if (rc == ATH_OK) {
        m->n = n;
        rc = order_chain(m, list, n);
    }
    ath_free(list);
    if (rc != ATH_OK) {
        ath_migrator_free(m);
        return rc;
    }
    *out = m;
    return ATH_OK;
}

void ath_migrator_free(ath_migrator *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nowned; i++)
        ath_free(m->owned[i]);
    ath_free(m->owned);
    ath_free(m->chain);
    for (size_t i = 0; i < m->nrecords; i++) {
        ath_free((char *)m->records[i].revision);
        ath_free((char *)m->records[i].name);
    }
    ath_free(m->records);
    if (m->engine)
        ath_engine_unref(m->engine);
    ath_free(m);
}

size_t ath_migrator_count(const ath_migrator *m)
{
    if (!m) {
        ath_null_arg(__func__, "migrator");
        return 0;
    }
    return m->n;
}

const ath_migration *ath_migrator_at(const ath_migrator *m, size_t i)
{
    if (!m) {
        ath_null_arg(__func__, "migrator");
        return NULL;
    }
    return i < m->n ? &m->chain[i] : NULL;
}

/* --- the version table and the lock ------------------------------------------------------ */

static long find_rev(const ath_migrator *m, const char *rev)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->chain[i].revision, rev) == 0)
            return (long)i;
    return -1;
}

static void free_applied(applied_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ath_free(rows[i].revision);
    ath_free(rows);
}

/* The rows of the version table (none when it does not exist), in the session's transaction. */
static int read_applied(ath_session *s, applied_row **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    ath_catalog *cat = NULL;
    int rc = ath_inspect(&cat, s, ATH_MIGRATIONS_TABLE);
    bool exists = rc == ATH_OK && ath_catalog_count(cat) == 1;
    ath_catalog_free(cat);
    if (rc != ATH_OK || !exists)
        return rc;
    ath_result *r = NULL;
    rc = ath_session_execute(s,
                             "SELECT revision, checksum, applied_at, execution_ms FROM "
                             "athanor_migrations",
                             NULL, 0, &r);
    applied_row *rows = NULL;
    size_t cnt = 0;
    while (rc == ATH_OK && (rc = ath_result_next(r)) == 1) {
        applied_row *t = ath_realloc(rows, (cnt + 1) * sizeof *t);
        if (!t) {
            rc = ath_fail(ATH_ENOMEM, "reading the version table");
            break;
        }
        rows = t;
        applied_row *a = &rows[cnt];
        memset(a, 0, sizeof *a);
        a->revision = ath_strdup(ath_result_text(r, 0) ? ath_result_text(r, 0) : "");
        cnt++;
        snprintf(a->checksum, sizeof a->checksum, "%s",
                 ath_result_text(r, 1) ? ath_result_text(r, 1) : "");
        ath_value ts;
        if (ath_result_get(r, 2, ATH_T_TIMESTAMP, &ts) == ATH_OK && ts.type == ATH_T_TIMESTAMP)
            a->applied_at = ts.u.ts;
        a->execution_ms = ath_result_i64(r, 3);
        rc = a->revision ? 1 : ath_fail(ATH_ENOMEM, "reading the version table");
        if (rc == 1)
            rc = ATH_OK;
    }
    ath_result_free(r);
    if (rc < 0) {
        free_applied(rows, cnt);
        return rc;
    }
    *out = rows;
    *n = cnt;
    return ATH_OK;
}

/* How many leading revisions of the chain are applied; refuses a gap or an unknown revision. */
static int applied_prefix(const ath_migrator *m, const applied_row *rows, size_t n, size_t *out,
                          bool check_sums)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        long at = find_rev(m, rows[i].revision);
        if (at < 0)
            return ath_fail(ATH_EINVAL,
                            "the version table records revision %s, which the chain does not "
                            "have",
                            rows[i].revision);
        if (check_sums) {
            char sum[17];
            ath_migration_checksum(&m->chain[at], sum);
            if (strcmp(sum, rows[i].checksum) != 0)
                return ath_fail(ATH_EINVAL,
                                "migration %s (%s) was applied with checksum %s but is now %s: "
                                "its SQL changed after it ran",
                                m->chain[at].revision, m->chain[at].name ? m->chain[at].name : "",
                                rows[i].checksum, sum);
        }
    }
    for (size_t k = 0; k < m->n; k++) {
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(rows[i].revision, m->chain[k].revision) == 0;
        if (!found)
            break;
        count++;
    }
    if (count != n)
        return ath_fail(ATH_EINVAL,
                        "the version table records %zu revisions but only the first %zu of the "
                        "chain are applied in order: a gap before %s",
                        n, count, count < m->n ? m->chain[count].revision : "head");
    *out = count;
    return ATH_OK;
}

/* The named lock of dialects that have one, on a connection held for the run. */
typedef struct run_lock {
    ath_conn *conn;
} run_lock;

/* Runs a catalog query of one row on `c` (outside any session) and reads its first column. */
static int query_int(ath_conn *c, const char *sql, const char *param, const char *what,
                     int64_t *got)
{
    ath_stmt *st = NULL;
    ath_value p = ath_v_text(param ? param : "");
    int rc = ath_conn_prepare(c, sql, &st);
    if (rc == ATH_OK)
        rc = ath_stmt_execute(st, &p, param ? 1 : 0);
    if (rc == ATH_OK && (rc = ath_stmt_step(st)) == 1) {
        ath_value v;
        rc = ath_stmt_column(st, 0, ATH_T_I64, &v);
        *got = rc == ATH_OK && v.type == ATH_T_I64 ? v.u.i64 : 0;
    } else if (rc == 0)
        rc = ath_fail(ATH_ESQL, "the %s query returned no row", what);
    if (st)
        ath_stmt_release(st);
    return rc < 0 ? rc : ATH_OK;
}

static int lock_query(ath_conn *c, const char *sql, const char *name, int64_t *got)
{
    return query_int(c, sql, name, "lock", got);
}

/*
 * SQLite's copy-and-rename drops a table: with foreign keys enforced, the DROP deletes (or
 * cascades into) the rows that reference it. So the run holds a connection of its own with
 * enforcement off -- switched outside the transaction, where the pragma has effect -- checks
 * the foreign keys after each migration, and switches enforcement back on before the connection
 * returns to the pool: the procedure of SQLite's ALTER TABLE documentation.
 */
typedef struct fk_switch {
    ath_conn *conn; /* lent to the run's session; NULL when nothing was switched */
} fk_switch;

static int fk_switch_off(ath_migrator *m, ath_session *s, fk_switch *fk)
{
    fk->conn = NULL;
    const ath_catalog_sql *q = ath_catalog_sql_of(m->engine);
    if (!ATH_CATALOG_HAS(q, fk_enabled_sql) || !ATH_CATALOG_HAS(q, fk_off_sql) ||
        !ATH_CATALOG_HAS(q, fk_on_sql))
        return ATH_OK;
    ath_conn *c = NULL;
    int rc = ath_pool_checkout(ath_engine_pool(m->engine), &c);
    if (rc != ATH_OK)
        return rc;
    int64_t on = 0;
    rc = query_int(c, q->fk_enabled_sql, NULL, "foreign-key state", &on);
    if (rc == ATH_OK && on == 1 && (rc = ath_conn_exec(c, q->fk_off_sql)) == ATH_OK) {
        fk->conn = c;
        ath_session_lend(s, c);
        return ATH_OK;
    }
    ath_pool_checkin(ath_engine_pool(m->engine), c);
    return rc;
}

/* After the session that borrowed it was closed: enforcement back on, the connection back. */
static void fk_switch_on(ath_migrator *m, fk_switch *fk)
{
    if (!fk->conn)
        return;
    ath_error_saved saved;
    ath_error_save(&saved);
    if (ath_conn_exec(fk->conn, ath_catalog_sql_of(m->engine)->fk_on_sql) != ATH_OK)
        fk->conn->broken = true; /* never pool a connection that does not enforce them */
    ath_error_restore(&saved);
    ath_pool_checkin(ath_engine_pool(m->engine), fk->conn);
    fk->conn = NULL;
}

static void text_of(char *buf, size_t size, const ath_value *v)
{
    if (v->type == ATH_T_TEXT)
        snprintf(buf, size, "%.*s", (int)(v->u.s.len < size ? v->u.s.len : size - 1),
                 (const char *)v->u.s.ptr);
    else
        snprintf(buf, size, "?");
}

/* With enforcement off: a row whose foreign key points nowhere fails the migration. */
static int fk_check(ath_migrator *m, const fk_switch *fk, const ath_migration *mg, bool up)
{
    const ath_catalog_sql *q = ath_catalog_sql_of(m->engine);
    if (!fk->conn || !ATH_CATALOG_HAS(q, fk_check_sql))
        return ATH_OK;
    ath_stmt *st = NULL;
    int rc = ath_conn_prepare(fk->conn, q->fk_check_sql, &st);
    if (rc == ATH_OK)
        rc = ath_stmt_execute(st, NULL, 0);
    int64_t n = 0, row = 0;
    char table[128] = "", parent[128] = "";
    while (rc == ATH_OK && (rc = ath_stmt_step(st)) == 1) {
        if (n++ == 0) {
            ath_value v[3];
            for (int i = 0; i < 3 && rc >= 0; i++)
                rc = ath_stmt_column(st, i, i == 1 ? ATH_T_I64 : ATH_T_TEXT, &v[i]);
            if (rc >= 0) {
                text_of(table, sizeof table, &v[0]);
                row = v[1].type == ATH_T_I64 ? v[1].u.i64 : 0;
                text_of(parent, sizeof parent, &v[2]);
            }
            rc = rc >= 0 ? ATH_OK : rc;
        }
    }
    if (st)
        ath_stmt_release(st);
    if (rc < 0)
        return rc;
    if (n == 0)
        return ATH_OK;
    return ath_fail(ATH_EFOREIGNKEY,
                    "migration %s (%s) %s leaves %lld row(s) whose foreign key points nowhere, "
                    "first: %s row %lld references %s (foreign keys are checked after each "
                    "migration on this database); it was rolled back",
                    mg->revision, mg->name ? mg->name : "", up ? "upgrade" : "downgrade",
                    (long long)n, table, (long long)row, parent);
}

static int take_lock(ath_migrator *m, run_lock *lk)
{
    lk->conn = NULL;
    const ath_catalog_sql *q = ath_catalog_sql_of(m->engine);
    if (!q->lock_sql)
        return ATH_OK; /* the write transaction is the lock */
    int rc = ath_pool_checkout(ath_engine_pool(m->engine), &lk->conn);
    if (rc != ATH_OK)
        return rc;
    double start = ath_monotonic();
    for (;;) {
        int64_t got = 0;
        rc = lock_query(lk->conn, q->lock_sql, m->lock_name, &got);
        if (rc != ATH_OK || got == 1)
            break;
        if (ath_monotonic() - start >= m->lock_timeout) {
            rc = ath_fail(ATH_ETIMEOUT,
                          "another migrator holds the lock '%s' on this database: waited %.1f s "
                          "(lock_timeout)",
                          m->lock_name, m->lock_timeout);
            break;
        }
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (rc != ATH_OK) {
        ath_pool_checkin(ath_engine_pool(m->engine), lk->conn);
        lk->conn = NULL;
    }
    return rc;
}

static void release_lock(ath_migrator *m, run_lock *lk)
{
    if (!lk->conn)
        return;
    int64_t got = 0;
    ath_error_saved saved;
    ath_error_save(&saved);
    lock_query(lk->conn, ath_catalog_sql_of(m->engine)->unlock_sql, m->lock_name, &got);
    ath_error_restore(&saved);
    ath_pool_checkin(ath_engine_pool(m->engine), lk->conn);
    lk->conn = NULL;
}

/* Runs the statements of a script (each ends with ';' at the end of a line). */
static int run_sql(ath_session *s, const char *sql, size_t *done)
{
    *done = 0;
    if (!sql)
        return ATH_OK;
    char *copy = ath_strdup(sql);
    if (!copy)
        return ath_fail(ATH_ENOMEM, "running a migration");
    int rc = ATH_OK;
    char *p = copy;
    while (rc == ATH_OK && *p) {
        char *end = p;
        for (;;) { /* a ';' followed by spaces and a newline (or the end) ends a statement */
            end = strchr(end, ';');
            if (!end)
                break;
            char *q = end + 1;
            while (*q == ' ' || *q == '\t' || *q == '\r')
                q++;
            if (*q == '\n' || *q == '\0')
                break;
            end++;
        }
        if (end)
            *end = '\0';
        char *t = p;
        while (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n')
            t++;
        bool blank = true; /* only comments and space: nothing to send */
        for (char *c = t; *c && blank;) {
            if (c[0] == '-' && c[1] == '-') {
                c = strchr(c, '\n');
                if (!c)
                    break;
            } else if (*c == ' ' || *c == '\t' || *c == '\r' || *c == '\n')
                c++;
            else
                blank = false;
        }
        if (!blank) {
            rc = ath_session_exec(s, t);
            *done += rc == ATH_OK;
        }
        p = end ? end + 1 : t + strlen(t);
    }
    ath_free(copy);
    return rc;
}

static int count_statements(const char *sql)
{
    if (!sql)
        return 0;
    int n = 0;
    for (const char *p = sql; (p = strchr(p, ';')); p++)
        n++;
    return n ? n : 1;
}

/* Runs one migration up or down in the session's transaction and records it. */
static int run_one(ath_migrator *m, ath_session *s, const ath_migration *mg, bool up)
{
    double t0 = ath_monotonic();
    size_t done = 0;
    int rc = ATH_OK;
    if (!up && mg->down)
        rc = mg->down(s, mg->user);
    if (rc == ATH_OK)
        rc = run_sql(s, up ? mg->up_sql : mg->down_sql, &done);
    if (rc == ATH_OK && up && mg->up)
        rc = mg->up(s, mg->user);
    if (rc == ATH_OK) {
        char sum[17];
        ath_migration_checksum(mg, sum);
        if (up) {
            ath_value p[5] = {ath_v_text(mg->revision), ath_v_text(mg->name ? mg->name : ""),
                              ath_v_text(sum), ath_v_timestamp(ath_timestamp_now()),
                              ath_v_i64((int64_t)((ath_monotonic() - t0) * 1000))};
            rc = ath_session_execute(s,
                                     "INSERT INTO athanor_migrations (revision, name, checksum, "
                                     "applied_at, execution_ms) VALUES (?, ?, ?, ?, ?)",
                                     p, 5, NULL);
        } else {
            ath_value p = ath_v_text(mg->revision);
            rc = ath_session_execute(s, "DELETE FROM athanor_migrations WHERE revision = ?", &p, 1,
                                     NULL);
        }
    }
    if (rc != ATH_OK) {
        const ath_error *e = ath_error_last();
        char msg[900];
        bool implicit = !ath_driver_dialect(ath_engine_driver(m->engine))->transactional_ddl;
        snprintf(msg, sizeof msg, "migration %s (%s) %s failed at statement %zu of %d: %s%s",
                 mg->revision, mg->name ? mg->name : "", up ? "upgrade" : "downgrade", done + 1,
                 count_statements(up ? mg->up_sql : mg->down_sql), e->message,
                 implicit && done ? "; this database commits each DDL statement, so the "
                                    "statements before it stayed applied and the revision is not "
                                    "recorded"
                                  : "");
        ath_fail(rc, "%s", msg);
    }
    return rc;
}

static int create_version_table(ath_migrator *m, ath_session *s, bool single_tx)
{
    const ath_mapping *map = NULL;
    int rc = ath_engine_mapping(m->engine, &ver_model, &map);
    if (rc != ATH_OK)
        return rc;
    ath_buf ddl;
    ath_buf_init(&ddl);
    ath_sql_create_table(&ddl, ath_driver_dialect(ath_engine_driver(m->engine)), map);
    rc = ddl.oom ? ath_fail(ATH_ENOMEM, "creating the version table")
                 : ath_session_exec(s, ddl.data);
    ath_buf_free(&ddl);
    if (rc == ATH_OK && !single_tx)
        rc = ath_session_commit(s);
    return rc;
}

/* Runs `steps` migrations from chain index `from` (up: from, from+1…; down: from, from-1…). */

/*
 * Runs one migration up or down: in a savepoint of the run's transaction where DDL is
 * transactional (single_tx: a failure goes back to the savepoint and the migrations before it
 * are committed), or committed on its own. Returns run_one's code.
 */
static int step_one(ath_migrator *m, ath_session *s, const ath_migration *mig, bool up,
                    bool single_tx, const fk_switch *fk)
{
    ath_savepoint sp = 0;
    int rc = single_tx ? ath_session_savepoint(s, &sp) : ATH_OK;
    if (rc == ATH_OK)
        rc = run_one(m, s, mig, up);
    if (rc == ATH_OK)
        rc = fk_check(m, fk, mig, up);
    if (rc == ATH_OK)
        return single_tx ? ath_session_release(s, sp) : ath_session_commit(s);
    if (single_tx) {
        ath_error_saved saved;
        ath_error_save(&saved);
        ath_session_rollback_to(s, sp);
        ath_session_commit(s); /* keep the migrations before it */
        ath_error_restore(&saved);
    }
    return rc;
}
static int run_steps(ath_migrator *m, long target, bool up, bool stamp, size_t *count)
{
    if (count)
        *count = 0;
    run_lock lk;
    int rc = take_lock(m, &lk);
    if (rc != ATH_OK)
        return rc;
    ath_session *s = NULL;
    applied_row *rows = NULL;
    size_t nrows = 0, cur = 0;
    bool single_tx = !ath_catalog_sql_of(m->engine)->lock_sql;
    fk_switch fk = {NULL};
    rc = ath_session_open(&s, m->engine);
    if (rc == ATH_OK && single_tx && !stamp)
        rc = fk_switch_off(m, s, &fk);
    if (rc == ATH_OK && single_tx) /* SQLite: the write transaction is the lock */
        rc = ath_session_ensure(s, true, NULL);
    if (rc == ATH_OK) /* the version table, created under the lock (CREATE races on PostgreSQL) */
        rc = create_version_table(m, s, single_tx);
    if (rc == ATH_OK)
        rc = read_applied(s, &rows, &nrows);
    if (rc == ATH_OK)
        rc = applied_prefix(m, rows, nrows, &cur, !stamp);
    if (rc == ATH_OK && !stamp) {
        if (up && target >= 0 && (size_t)target + 1 < cur)
            rc = ath_fail(ATH_EINVAL, "the target %s is below the current revision %s: downgrade",
                          m->chain[target].revision, m->chain[cur - 1].revision);
        for (size_t k = up ? cur : 0; rc == ATH_OK && !up && k < cur; k++)
            if ((long)k > target && !m->chain[k].down_sql && !m->chain[k].down)
                rc = ath_fail(ATH_EINVAL, "migration %s (%s) has no down steps",
                              m->chain[k].revision, m->chain[k].name ? m->chain[k].name : "");
    }
    if (rc == ATH_OK && stamp) {
        rc = ath_session_execute(s, "DELETE FROM athanor_migrations", NULL, 0, NULL);
        for (long k = 0; rc == ATH_OK && k <= target; k++) {
            char sum[17];
            ath_migration_checksum(&m->chain[k], sum);
            ath_value p[5] = {ath_v_text(m->chain[k].revision),
                              ath_v_text(m->chain[k].name ? m->chain[k].name : ""), ath_v_text(sum),
                              ath_v_timestamp(ath_timestamp_now()), ath_v_i64(0)};
            rc = ath_session_execute(s,
                                     "INSERT INTO athanor_migrations (revision, name, checksum, "
                                     "applied_at, execution_ms) VALUES (?, ?, ?, ?, ?)",
                                     p, 5, NULL);
        }
        if (rc == ATH_OK)
            rc = ath_session_commit(s);
    } else if (rc == ATH_OK && up) {
        for (size_t k = cur; rc == ATH_OK && (long)k <= target; k++) {
            rc = step_one(m, s, &m->chain[k], true, single_tx, &fk);
            if (rc == ATH_OK && count)
                (*count)++;
        }
        if (rc == ATH_OK && single_tx)
            rc = ath_session_commit(s);
    } else if (rc == ATH_OK) {
        for (long k = (long)cur - 1; rc == ATH_OK && k > target; k--) {
            rc = step_one(m, s, &m->chain[k], false, single_tx, &fk);
            if (rc == ATH_OK && count)
                (*count)++;
        }
        if (rc == ATH_OK && single_tx)
            rc = ath_session_commit(s);
    }
    free_applied(rows, nrows);
    ath_session_close(s); /* rolls back what is left */
    fk_switch_on(m, &fk);
    release_lock(m, &lk);
    if (rc == ATH_OK)
        ath_engine_schema_changed(m->engine);
    return rc;
}

static int check_migrator(const char *fn, ath_migrator *m)
{
    if (!m)
        return ath_null_arg(fn, "migrator");
    if (ath_engine_disposed(m->engine))
        return ath_fail(ATH_EINVAL, "%s: the engine was disposed", fn);
    return ATH_OK;
}

int ath_migrate_upgrade(ath_migrator *m, const char *target, size_t *applied)
{
    if (applied)
        *applied = 0;
    int rc = check_migrator(__func__, m);
    if (rc != ATH_OK)
        return rc;
    long t = (long)m->n - 1;
    if (target && strcmp(target, "head") != 0 && (t = find_rev(m, target)) < 0)
        return ath_fail(ATH_EINVAL, "%s: unknown revision %s", __func__, target);
    return run_steps(m, t, true, false, applied);
}

int ath_migrate_downgrade(ath_migrator *m, const char *target, size_t *undone)
{
    if (undone)
        *undone = 0;
    int rc = check_migrator(__func__, m);
    if (rc != ATH_OK)
        return rc;
    long t;
    if (!target) { /* one step: keep everything before the current revision */
        char *cur = NULL;
        if ((rc = ath_migrate_current(m, &cur)) != ATH_OK)
            return rc;
        t = cur ? find_rev(m, cur) - 1 : -1;
        ath_free(cur);
        if (t < -1)
            t = -1;
    } else if (strcmp(target, "base") == 0)
        t = -1;
    else if ((t = find_rev(m, target)) < 0)
        return ath_fail(ATH_EINVAL, "%s: unknown revision %s", __func__, target);
    return run_steps(m, t, false, false, undone);
}

int ath_migrate_stamp(ath_migrator *m, const char *revision)
{
    int rc = check_migrator(__func__, m);
    if (rc != ATH_OK)
        return rc;
    if (!revision)
        return ath_null_arg(__func__, "revision");
    long t = -1;
    if (strcmp(revision, "base") != 0) {
        t = strcmp(revision, "head") == 0 ? (long)m->n - 1 : find_rev(m, revision);
        if (t < 0)
            return ath_fail(ATH_EINVAL, "%s: unknown revision %s", __func__, revision);
    }
    return run_steps(m, t, true, true, NULL);
}

/* The version table's rows, read on a session of its own. */
static int read_state(ath_migrator *m, applied_row **rows, size_t *n)
{
    ath_session *s = NULL;
    int rc = ath_session_open(&s, m->engine);
    if (rc == ATH_OK)
        rc = read_applied(s, rows, n);
    ath_session_close(s);
    return rc;
}

int ath_migrate_current(ath_migrator *m, char **out)
{
    if (!out)
        return ath_null_arg(__func__, "out");
    *out = NULL;
    int rc = check_migrator(__func__, m);
    if (rc != ATH_OK)
        return rc;
    applied_row *rows = NULL;
    size_t n = 0, cur = 0;
    rc = read_state(m, &rows, &n);
    if (rc == ATH_OK)
        rc = applied_prefix(m, rows, n, &cur, false);
    if (rc == ATH_OK && cur && !(*out = ath_strdup(m->chain[cur - 1].revision)))
        rc = ath_fail(ATH_ENOMEM, "reading the current revision");
    free_applied(rows, n);
    return rc;
}

int ath_migrate_history(ath_migrator *m, const ath_migration_record **out, size_t *n)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (!out)
        return ath_null_arg(__func__, "out");
    if (!n)
        return ath_null_arg(__func__, "n");
    int rc = check_migrator(__func__, m);
    if (rc != ATH_OK)
        return rc;
    applied_row *rows = NULL;
    size_t nrows = 0;
    if ((rc = read_state(m, &rows, &nrows)) != ATH_OK)
        return rc;
    for (size_t i = 0; i < m->nrecords; i++) {
        ath_free((char *)m->records[i].revision);
        ath_free((char *)m->records[i].name);
    }
    ath_free(m->records);
    m->nrecords = 0;
    m->records = ath_calloc(m->n ? m->n : 1, sizeof *m->records);
    if (!m->records)
        rc = ath_fail(ATH_ENOMEM, "reading the history");
    for (size_t k = 0; rc == ATH_OK && k < m->n; k++) {
        ath_migration_record *r = &m->records[k];
        r->revision = ath_strdup(m->chain[k].revision);
        r->name = ath_strdup(m->chain[k].name ? m->chain[k].name : "");
        m->nrecords++;
        if (!r->revision || !r->name) {
            rc = ath_fail(ATH_ENOMEM, "reading the history");
            break;
        }
        for (size_t i = 0; i < nrows; i++)
            if (strcmp(rows[i].revision, r->revision) == 0) {
                char sum[17];
                ath_migration_checksum(&m->chain[k], sum);
                r->applied = true;
                r->checksum_ok = strcmp(sum, rows[i].checksum) == 0;
                r->applied_at = rows[i].applied_at;
                r->execution_ms = rows[i].execution_ms;
            }
    }
    free_applied(rows, nrows);
    if (rc == ATH_OK) {
        *out = m->records;
        *n = m->nrecords;
    }
    return rc;
}
