/* Fixture and dump files: JSON (array or JSON Lines) and CSV, gzip in and out, in batches. */
#include <athanor/json.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include <athanor/session.h>

#include "codec.h"

#define DEFAULT_CHUNK 1000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static ath_data_format format_of(const char *path, ath_data_format given)
{
    if (given != ATH_FORMAT_AUTO)
        return given;
    return ends_with(path, ".csv") || ends_with(path, ".csv.gz") ? ATH_FORMAT_CSV
                                                                 : ATH_FORMAT_JSON;
}

/* --- input: a buffered gzip-or-plain reader with line counting ------------------------------- */

typedef struct reader {
    gzFile gz;
    const char *path;
    unsigned char buf[1 << 16];
    size_t pos, len;
    bool eof;
    long line; /* line of the next byte */
    int64_t total_bytes;
    int fd;
} reader;

static int reader_open(reader *r, const char *path)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->line = 1;
    r->total_bytes = -1;
    bool in = strcmp(path, "-") == 0;
    int fd = in ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ath_error_set(ATH_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        r->total_bytes = (int64_t)st.st_size;
    if (!(r->gz = gzdopen(fd, "rb"))) {
        close(fd);
        return ath_error_set(ATH_ENOMEM, "%s: opening the reader", path);
    }
    gzbuffer(r->gz, 1 << 17);
    return ATH_OK;
}

static int fill(reader *r)
{
    if (r->eof)
        return 0;
    int n = gzread(r->gz, r->buf, sizeof r->buf);
    if (n < 0) {
        int err;
        const char *msg = gzerror(r->gz, &err);
        return ath_error_set(ATH_EIO, "%s: read failed: %s", r->path, msg);
    }
    r->pos = 0;
    r->len = (size_t)n;
    if (n == 0)
        r->eof = true;
    return n > 0;
}

/* Next byte, or -1 at the end (errors set and -2). */
static inline int next_byte(reader *r)
{
    if (r->pos == r->len) {
        int rc = fill(r);
        if (rc <= 0)
            return rc < 0 ? -2 : -1;
    }
    int c = r->buf[r->pos++];
    if (c == '\n')
        r->line++;
    return c;
}

static inline int peek_byte(reader *r)
{
    if (r->pos == r->len) {
        int rc = fill(r);
        if (rc <= 0)
            return rc < 0 ? -2 : -1;
    }
    return r->buf[r->pos];
}

/* One line without its terminator into `line` (1), or 0 at the end, or an error. */
static int read_line(reader *r, jbuf *line)
{
    line->len = 0;
    for (;;) {
        if (r->pos == r->len) {
            int rc = fill(r);
            if (rc < 0)
                return rc;
            if (rc == 0)
                return line->len > 0 || line->oom ? 1 : 0;
        }
        unsigned char *start = r->buf + r->pos;
        unsigned char *nl = memchr(start, '\n', r->len - r->pos);
        size_t n = nl ? (size_t)(nl - start) : r->len - r->pos;
        jb_put(line, start, n);
        r->pos += n + (nl ? 1 : 0);
        if (line->oom)
            return ath_error_set(ATH_ENOMEM, "%s:%ld: line too long for memory", r->path,
                                 r->line);
        if (nl) {
            r->line++;
            if (line->len && line->p[line->len - 1] == '\r')
                line->p[--line->len] = '\0';
            return 1;
        }
    }
}

/* --- the load: rows into batches, batches into add_many, one transaction --------------------- */

typedef struct loader {
    ath_repo *repo;
    const ath_model *model;
    ath_columns *cols;
    const ath_data_options *opt;
    char *batch;
    size_t chunk, nbatch;
    int64_t rows;
    reader *in;
    jbuf scratch;
    double started;
} loader;

static void report(loader *l, bool done)
{
    if (!l->opt || !l->opt->progress)
        return;
    ath_progress p = {.rows = l->rows,
                      .total_rows = -1,
                      .bytes = l->in->gz ? (int64_t)gzoffset(l->in->gz) : 0,
                      .total_bytes = l->in->total_bytes,
                      .elapsed = now() - l->started,
                      .done = done};
    l->opt->progress(l->opt->progress_ctx, &p);
}

static void clear_batch(loader *l)
{
    for (size_t i = 0; i < l->nbatch; i++)
        ath_model_free_fields(l->model, l->batch + i * l->model->struct_size);
    memset(l->batch, 0, l->chunk * l->model->struct_size);
    l->nbatch = 0;
}

static int flush(loader *l)
{
    if (l->nbatch == 0)
        return ATH_OK;
    int rc = ath_repo_add_many(l->repo, l->batch, l->nbatch);
    if (rc != ATH_OK)
        rc = jx_prefix_error("%s: rows %" PRId64 "..%" PRId64, l->in->path, l->rows + 1,
                             l->rows + (int64_t)l->nbatch);
    else
        l->rows += (int64_t)l->nbatch;
    clear_batch(l);
    if (rc == ATH_OK)
        report(l, false);
    return rc;
}

static void *slot(loader *l)
{
    return l->batch + l->nbatch * l->model->struct_size;
}

static int load_json_array(loader *l, jbuf *first)
{
    /* the whole document: jansson reports syntax errors by line */
    jbuf doc = {0};
    jb_put(&doc, first->p, first->len);
    jb_putc(&doc, '\n');
    jbuf line = {0};
    int rc;
    while ((rc = read_line(l->in, &line)) == 1) {
        jb_put(&doc, line.p, line.len);
        jb_putc(&doc, '\n');
    }
    jb_free(&line);
    if (rc < 0 || doc.oom) {
        jb_free(&doc);
        return rc < 0 ? rc : ath_error_set(ATH_ENOMEM, "%s: reading the document", l->in->path);
    }
    json_error_t err;
    json_t *arr = json_loadb(doc.p, doc.len, JSON_REJECT_DUPLICATES, &err);
    jb_free(&doc);
    if (!arr)
        return ath_error_set(ATH_EINVAL, "%s:%d: malformed JSON (column %d): %s", l->in->path,
                             err.line, err.column, err.text);
    rc = ATH_OK;
    if (!json_is_array(arr))
        rc = ath_error_set(ATH_EINVAL, "%s: expected a JSON array of objects", l->in->path);
    for (size_t i = 0; rc == ATH_OK && i < json_array_size(arr); i++) {
        rc = jx_row_from_json(l->cols, slot(l), json_array_get(arr, i), &l->scratch, NULL);
        l->nbatch++;
        if (rc != ATH_OK)
            rc = jx_prefix_error("%s: element %zu", l->in->path, i);
        else if (l->nbatch == l->chunk)
            rc = flush(l);
    }
    json_decref(arr);
    return rc;
}

static int load_json(loader *l)
{
    jbuf line = {0};
    int rc;
    bool first = true;
    long at = 1;
    while ((at = l->in->line, rc = read_line(l->in, &line)) == 1) {
        size_t s = 0;
        while (s < line.len && (line.p[s] == ' ' || line.p[s] == '\t'))
            s++;
        if (s == line.len)
            continue;
        if (first && line.p[s] == '[') {
            rc = load_json_array(l, &line);
            break;
        }
        first = false;
        json_error_t err;
        json_t *o = json_loadb(line.p + s, line.len - s, JSON_REJECT_DUPLICATES, &err);
        if (!o) {
            rc = ath_error_set(ATH_EINVAL, "%s:%ld: malformed JSON (column %d): %s", l->in->path,
                               at, err.column + (int)s, err.text);
            break;
        }
        rc = jx_row_from_json(l->cols, slot(l), o, &l->scratch, NULL);
        json_decref(o);
        l->nbatch++;
        if (rc != ATH_OK) {
            rc = jx_prefix_error("%s:%ld", l->in->path, at);
            break;
        }
        if (l->nbatch == l->chunk && (rc = flush(l)) != ATH_OK)
            break;
    }
    jb_free(&line);
    return rc < 0 ? rc : flush(l);
}

/* --- CSV ------------------------------------------------------------------------------------- */

typedef struct csv_field {
    size_t start, len;
    bool quoted;
} csv_field;

typedef struct csv_record {
    jbuf text;
    csv_field *f;
    size_t n, cap;
    long line;
} csv_record;

/* Reads one record; 1 got one, 0 at the end, or an error naming the line. */
static int csv_read(reader *r, csv_record *rec)
{
    rec->text.len = 0;
    rec->n = 0;
    rec->line = r->line;
    int c = peek_byte(r);
    if (c == -1)
        return 0;
    for (;;) {
        if (rec->n == rec->cap) {
            size_t cap = rec->cap ? rec->cap * 2 : 16;
            csv_field *f = realloc(rec->f, cap * sizeof *f);
            if (!f)
                return ath_error_set(ATH_ENOMEM, "%s:%ld: reading a record", r->path, rec->line);
            rec->f = f;
            rec->cap = cap;
        }
        csv_field *f = &rec->f[rec->n++];
        f->start = rec->text.len;
        f->quoted = false;
        c = next_byte(r);
        if (c == '"') {
            f->quoted = true;
            for (;;) {
                c = next_byte(r);
                if (c < 0) {
                    if (c == -2)
                        return ath_error_last()->code;
                    return ath_error_set(ATH_EINVAL,
                                         "%s:%ld: a quoted field is not closed before the end "
                                         "of the file",
                                         r->path, rec->line);
                }
                if (c == '"') {
                    if (peek_byte(r) == '"') {
                        next_byte(r);
                        jb_putc(&rec->text, '"');
                        continue;
                    }
                    break;
                }
                jb_putc(&rec->text, (char)c);
            }
            c = next_byte(r);
            if (c == '\r' && peek_byte(r) == '\n')
                c = next_byte(r);
            if (c != ',' && c != '\n' && c != -1) {
                if (c == -2)
                    return ath_error_last()->code;
                return ath_error_set(ATH_EINVAL,
                                     "%s:%ld: unexpected character after a closing quote",
                                     r->path, r->line);
            }
        } else {
            while (c >= 0 && c != ',' && c != '\n') {
                if (c == '\r' && peek_byte(r) == '\n') {
                    c = next_byte(r);
                    break;
                }
                if (c == '"')
                    return ath_error_set(ATH_EINVAL,
                                         "%s:%ld: a quote inside an unquoted field (quote the "
                                         "whole field and double the quote)",
                                         r->path, rec->line);
                jb_putc(&rec->text, (char)c);
                c = next_byte(r);
            }
            if (c == -2)
                return ath_error_last()->code;
        }
        f->len = rec->text.len - f->start;
        jb_putc(&rec->text, '\0'); /* fields are NUL-terminated in the buffer */
        if (rec->text.oom)
            return ath_error_set(ATH_ENOMEM, "%s:%ld: reading a record", r->path, rec->line);
        if (c != ',')
            return 1;
    }
}

static int load_csv(loader *l)
{
    csv_record rec = {0};
    size_t ncols = ath_columns_count(l->cols);
    long *map = NULL; /* header position -> column index */
    size_t nhead = 0;
    int rc = csv_read(l->in, &rec);
    if (rc == 0) {
        rc = ath_error_set(ATH_EINVAL, "%s:1: empty file (a CSV file starts with a header line "
                                       "of column names)",
                           l->in->path);
        goto done;
    }
    if (rc < 0)
        goto done;
    nhead = rec.n;
    bool *seen = calloc(ncols ? ncols : 1, sizeof *seen);
    if (!(map = calloc(nhead, sizeof *map)) || !seen) {
        free(seen);
        rc = ath_error_set(ATH_ENOMEM, "%s: reading the header", l->in->path);
        goto done;
    }
    for (size_t i = 0; i < nhead; i++) {
        const char *name = rec.text.p + rec.f[i].start;
        map[i] = ath_columns_find(l->cols, name);
        if (map[i] < 0 || seen[map[i]]) {
            rc = ath_error_set(ATH_EINVAL, "%s:%ld: %s column '%s' in the header for table %s",
                               l->in->path, rec.line, map[i] < 0 ? "unknown" : "repeated", name,
                               l->model->table);
            free(seen);
            goto done;
        }
        seen[map[i]] = true;
    }
    free(seen);
    while ((rc = csv_read(l->in, &rec)) == 1) {
        if (rec.n == 1 && rec.f[0].len == 0 && !rec.f[0].quoted)
            continue; /* a blank line */
        if (rec.n != nhead) {
            rc = ath_error_set(ATH_EINVAL, "%s:%ld: %zu fields, but the header names %zu",
                               l->in->path, rec.line, rec.n, nhead);
            break;
        }
        void *obj = slot(l);
        l->nbatch++;
        for (size_t i = 0; i < nhead && rc == 1; i++) {
            const ath_column_info *c = ath_columns_at(l->cols, (size_t)map[i]);
            const csv_field *f = &rec.f[i];
            ath_value v;
            int vr = jx_text_value(&v, &l->scratch, c, rec.text.p + f->start, f->len,
                                   f->len == 0 && !f->quoted);
            if (vr == ATH_OK)
                vr = ath_columns_set(l->cols, (size_t)map[i], obj, &v);
            if (vr != ATH_OK)
                rc = jx_prefix_error("%s:%ld", l->in->path, rec.line);
        }
        if (rc != 1)
            break;
        if (l->nbatch == l->chunk && (rc = flush(l)) != ATH_OK)
            break;
    }
    if (rc == 0)
        rc = flush(l);
done:
    free(map);
    free(rec.f);
    jb_free(&rec.text);
    return rc;
}

/* Error saved across a rollback, which may overwrite it. */
static int keep_error(int rc, int (*undo)(ath_session *, void *), ath_session *s, void *arg)
{
    const ath_error *e = ath_error_last();
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "");
    undo(s, arg);
    return ath_error_set(rc, "%s", msg);
}

static int undo_rollback(ath_session *s, void *arg)
{
    (void)arg;
    return ath_session_rollback(s);
}

static int undo_savepoint(ath_session *s, void *arg)
{
    return ath_session_rollback_to(s, *(ath_savepoint *)arg);
}

int ath_load_file(int64_t *rows, ath_repo *repo, const char *path,
                  const ath_data_options *options)
{
    if (rows)
        *rows = 0;
    if (!repo || !path)
        return ath_error_set(ATH_EINVAL, "ath_load_file: %s is NULL", !repo ? "repo" : "path");
    reader *in = calloc(1, sizeof *in);
    loader l = {.repo = repo, .model = ath_repo_model(repo), .opt = options, .in = in};
    l.chunk = options && options->chunk_rows ? options->chunk_rows : DEFAULT_CHUNK;
    l.started = now();
    ath_session *session = ath_repo_session(repo);
    bool own_tx = false, have_sp = false;
    ath_savepoint sp = 0;
    int rc = in ? ath_columns_open(&l.cols, l.model) : ath_error_set(ATH_ENOMEM, "loading");
    if (rc != ATH_OK)
        goto done;
    if (!(l.batch = calloc(l.chunk, l.model->struct_size))) {
        rc = ath_error_set(ATH_ENOMEM, "allocating a batch of %zu rows", l.chunk);
        goto done;
    }
    if ((rc = reader_open(in, path)) != ATH_OK)
        goto done;
    if (ath_session_in_transaction(session)) {
        if ((rc = ath_session_savepoint(session, &sp)) != ATH_OK)
            goto done;
        have_sp = true;
    } else {
        if ((rc = ath_session_begin(session)) != ATH_OK)
            goto done;
        own_tx = true;
    }
    rc = format_of(path, options ? options->format : ATH_FORMAT_AUTO) == ATH_FORMAT_CSV
             ? load_csv(&l)
             : load_json(&l);
    if (rc > 0)
        rc = ATH_OK;
    if (rc != ATH_OK) {
        clear_batch(&l);
        rc = own_tx ? keep_error(rc, undo_rollback, session, NULL)
                    : keep_error(rc, undo_savepoint, session, &sp);
        l.rows = 0;
        goto done;
    }
    if (own_tx)
        rc = ath_session_commit(session);
    else if (have_sp)
        rc = ath_session_release(session, sp);
    if (rc != ATH_OK)
        l.rows = 0;
    else
        report(&l, true);
done:
    if (in && in->gz)
        gzclose(in->gz);
    free(in);
    free(l.batch);
    jb_free(&l.scratch);
    ath_columns_free(l.cols);
    if (rows)
        *rows = l.rows;
    return rc;
}

/* --- the dump -------------------------------------------------------------------------------- */

typedef struct writer {
    const char *path;
    FILE *f;
    gzFile gz;
    bool close_f;
} writer;

static int wr_open(writer *w, const char *path)
{
    memset(w, 0, sizeof *w);
    w->path = path;
    if (strcmp(path, "-") == 0) {
        w->f = stdout;
        return ATH_OK;
    }
    if (ends_with(path, ".gz")) {
        if (!(w->gz = gzopen(path, "wb6")))
            return ath_error_set(ATH_EIO, "%s: cannot open for writing: %s", path,
                                 strerror(errno));
        gzbuffer(w->gz, 1 << 17);
        return ATH_OK;
    }
    if (!(w->f = fopen(path, "wb")))
        return ath_error_set(ATH_EIO, "%s: cannot open for writing: %s", path, strerror(errno));
    w->close_f = true;
    return ATH_OK;
}

static int wr_put(writer *w, const char *p, size_t n)
{
    if (w->gz) {
        if (n && gzwrite(w->gz, p, (unsigned)n) == 0) {
            int err;
            return ath_error_set(ATH_EIO, "%s: write failed: %s", w->path, gzerror(w->gz, &err));
        }
        return ATH_OK;
    }
    if (n && fwrite(p, 1, n, w->f) != n)
        return ath_error_set(ATH_EIO, "%s: write failed: %s", w->path, strerror(errno));
    return ATH_OK;
}

static int wr_close(writer *w, int rc)
{
    if (w->gz) {
        if (gzclose(w->gz) != Z_OK && rc == ATH_OK)
            rc = ath_error_set(ATH_EIO, "%s: closing failed", w->path);
    } else if (w->f) {
        if (fflush(w->f) != 0 && rc == ATH_OK)
            rc = ath_error_set(ATH_EIO, "%s: write failed: %s", w->path, strerror(errno));
        if (w->close_f && fclose(w->f) != 0 && rc == ATH_OK)
            rc = ath_error_set(ATH_EIO, "%s: closing failed: %s", w->path, strerror(errno));
    }
    return rc;
}

static void csv_field_out(jbuf *b, const char *s, size_t n)
{
    bool quote = n == 0 || memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n) ||
                 memchr(s, '\r', n);
    if (!quote) {
        jb_put(b, s, n);
        return;
    }
    jb_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            jb_putc(b, '"');
        jb_putc(b, s[i]);
    }
    jb_putc(b, '"');
}

static int csv_row(jbuf *b, jbuf *tmp, const ath_columns *cols, const void *obj)
{
    for (size_t i = 0; i < ath_columns_count(cols); i++) {
        const ath_column_info *c = ath_columns_at(cols, i);
        ath_value v = ath_columns_get(cols, i, obj);
        if (i)
            jb_putc(b, ',');
        if (v.type == ATH_T_NULL)
            continue;
        tmp->len = 0;
        int rc = jx_value_text(tmp, c, &v);
        if (rc != ATH_OK)
            return rc;
        csv_field_out(b, tmp->p ? tmp->p : "", tmp->len);
    }
    jb_putc(b, '\n');
    return b->oom ? ath_error_set(ATH_ENOMEM, "writing CSV") : ATH_OK;
}

int ath_dump_file(int64_t *rows, ath_repo *repo, const char *path,
                  const ath_data_options *options)
{
    if (rows)
        *rows = 0;
    if (!repo || !path)
        return ath_error_set(ATH_EINVAL, "ath_dump_file: %s is NULL", !repo ? "repo" : "path");
    const ath_model *model = ath_repo_model(repo);
    bool csv = format_of(path, options ? options->format : ATH_FORMAT_AUTO) == ATH_FORMAT_CSV;
    size_t chunk = options && options->chunk_rows ? options->chunk_rows : 5000;
    ath_columns *cols = NULL;
    writer w = {0};
    jbuf b = {0}, tmp = {0};
    char *cursor = NULL;
    ath_list *page = NULL;
    ath_filter *filters = NULL;
    int64_t done = 0, total = -1;
    double started = now();
    int rc = ath_columns_open(&cols, model);
    if (rc != ATH_OK)
        return rc;
    /* ORDER BY every key column, a limit, the cursor, soft-deleted rows too */
    size_t ncols = ath_columns_count(cols), nf = 0;
    if (!(filters = calloc(ncols + 3, sizeof *filters))) {
        rc = ath_error_set(ATH_ENOMEM, "dumping %s", model->table);
        goto done;
    }
    for (size_t i = 0; i < ncols; i++)
        if (ath_columns_at(cols, i)->pk)
            filters[nf++] = ath_order_by(ath_columns_at(cols, i)->name, false);
    filters[nf++] = ath_limit_offset((int64_t)chunk, 0);
    filters[nf++] = ath_options(ATH_OPT_INCLUDE_DELETED);
    if (options && options->progress &&
        (rc = ath_repo_count(repo, &total, filters + nf - 1, 1)) != ATH_OK)
        goto done;
    if ((rc = wr_open(&w, path)) != ATH_OK)
        goto done;
    if (csv) {
        for (size_t i = 0; i < ncols; i++) {
            if (i)
                jb_putc(&b, ',');
            jb_puts(&b, ath_columns_at(cols, i)->name);
        }
        jb_putc(&b, '\n');
    }
    for (;;) {
        filters[nf] = ath_after(cursor);
        if ((rc = ath_repo_list(repo, &page, filters, nf + 1)) != ATH_OK)
            break;
        size_t n = ath_list_count(page);
        for (size_t i = 0; i < n && rc == ATH_OK; i++) {
            const void *obj = ath_list_at(page, i);
            if (csv) {
                rc = csv_row(&b, &tmp, cols, obj);
            } else {
                rc = jx_row_json(&b, cols, obj);
                jb_putc(&b, '\n');
            }
            if (rc == ATH_OK && b.len >= (1 << 16)) {
                rc = wr_put(&w, b.p, b.len);
                b.len = 0;
            }
        }
        if (rc != ATH_OK)
            break;
        done += (int64_t)n;
        free(cursor);
        cursor = NULL;
        const char *next = ath_list_cursor(page);
        if (next && !(cursor = strdup(next))) {
            rc = ath_error_set(ATH_ENOMEM, "dumping %s", model->table);
            break;
        }
        ath_list_free(page);
        page = NULL;
        if (options && options->progress) {
            ath_progress p = {done, total, 0, -1, now() - started, false};
            options->progress(options->progress_ctx, &p);
        }
        if (!cursor || n < chunk)
            break;
    }
    if (rc == ATH_OK && b.oom)
        rc = ath_error_set(ATH_ENOMEM, "dumping %s", model->table);
    if (rc == ATH_OK && b.len)
        rc = wr_put(&w, b.p, b.len);
    rc = wr_close(&w, rc);
    if (rc == ATH_OK && options && options->progress) {
        ath_progress p = {done, total, 0, -1, now() - started, true};
        options->progress(options->progress_ctx, &p);
    }
done:
    ath_list_free(page);
    free(cursor);
    free(filters);
    jb_free(&b);
    jb_free(&tmp);
    ath_columns_free(cols);
    if (rows)
        *rows = rc == ATH_OK ? done : 0;
    return rc;
}
