/*
 * Athanor — schema migrations: an ordered chain of revisions applied under a lock and recorded in
 * a version table, and a comparison of models with the live catalog (autogenerate, and
 * ath_create_all_check). docs/migrations.md shows the whole cycle.
 *
 *     static const ath_migration chain[] = {
 *         {.revision = "0001", .name = "create hero", .up_sql = "CREATE TABLE hero (…)",
 *          .down_sql = "DROP TABLE hero"},
 *         {.revision = "0002", .down_revision = "0001", .name = "hero age",
 *          .up_sql = "ALTER TABLE hero ADD COLUMN age INTEGER", .down_sql = "…"},
 *     };
 *     ath_migrator *m = NULL;
 *     ath_migrator_open(&m, engine, chain, 2);
 *     ath_migrate_upgrade(m, NULL, &applied);   // to head
 *     ath_migrator_free(m);
 */
#ifndef ATHANOR_MIGRATE_H
#define ATHANOR_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "error.h"
#include "export.h"
#include "model.h"
#include "session.h"

ATH_BEGIN_DECLS

/*
 * NULL arguments (docs/errors.md): a NULL handle, out-parameter, model list, array with a
 * non-zero count or required string is refused with ATH_EINVAL and the message
 * "<function>: <argument> is NULL" -- never a crash. Functions that cannot return a code say
 * below what they give for NULL (and set the same error); _free/_close/_dispose accept NULL.
 */

/** The version table's name. */
#define ATH_MIGRATIONS_TABLE "athanor_migrations"

/**
 * A data step of a migration, run in the migration's transaction after its SQL. Return ATH_OK,
 * or a negative ath_code (the migration is then rolled back where the backend can).
 */
typedef int (*ath_migration_fn)(ath_session *session, void *user);

/** One revision. Strings must outlive the migrator (or come from ath_migrator_open_dir). */
typedef struct ath_migration {
    const char *revision;      /**< unique id: letters, digits, '_', '-', '.'; at most 64 */
    const char *down_revision; /**< the revision this one follows; NULL for the first */
    const char *name;          /**< for people: "add hero age" */
    const char *up_sql;        /**< statements, each ending with ';' at the end of a line (the
                                    last may omit it); NULL when there are none */
    const char *down_sql;      /**< likewise, undoing up_sql; NULL: the migration cannot go down */
    ath_migration_fn up;       /**< optional data step after up_sql */
    ath_migration_fn down;     /**< optional data step before down_sql */
    void *user;                /**< passed to up and down */
} ath_migration;

/** A migrator: a chain of migrations for one engine. */
typedef struct ath_migrator ath_migrator;

/** Options of a migrator; ath_migrator_options_init() fills the defaults. */
typedef struct ath_migrator_options {
    double lock_timeout;   /**< seconds to wait for another migrator's lock (default 60) */
    const char *lock_name; /**< the lock's name (default "athanor_migrations") */
} ath_migrator_options;

/** Fills `opts` with the defaults; NULL is a no-op. */
ATH_API void ath_migrator_options_init(ath_migrator_options *opts);

/**
 * A migrator over `migrations` (n of them, in any order), which must form one line: revisions
 * unique and well formed, exactly one without down_revision, every down_revision naming another
 * revision, no two with the same down_revision. The array is copied (not its strings). Nothing
 * is read from the database yet. `opts` may be NULL. Release with ath_migrator_free().
 * Returns ATH_OK, ATH_EINVAL naming the revision that breaks the chain, ATH_ENOMEM.
 */
ATH_API int ath_migrator_open(ath_migrator **out, ath_engine *engine,
                              const ath_migration *migrations, size_t n,
                              const ath_migrator_options *opts);

/**
 * A migrator over the files of directory `dir`: `<revision>_<name>.up.sql` with an optional
 * `<revision>_<name>.down.sql` (name with '_' read as spaces), chained in the byte order of the
 * revisions (each one's down_revision is the one before it). Files of other names are ignored.
 * Returns ATH_OK, ATH_EINVAL (a directory that cannot be read, a .down.sql without its .up.sql,
 * a revision used twice, each named), ATH_ENOMEM. `opts` may be NULL.
 */
ATH_API int ath_migrator_open_dir(ath_migrator **out, ath_engine *engine, const char *dir,
                                  const ath_migrator_options *opts);

/** Frees a migrator (the engine stays open); NULL is a no-op. */
ATH_API void ath_migrator_free(ath_migrator *migrator);

/** Number of migrations in the chain; 0 for NULL. */
ATH_API size_t ath_migrator_count(const ath_migrator *migrator);

/** Migration `i` in chain order (0 is the first), or NULL for NULL or `i` out of range. */
ATH_API const ath_migration *ath_migrator_at(const ath_migrator *migrator, size_t i);

/**
 * Applies the migrations after the current one up to `target` (NULL or "head": the last), each
 * in a transaction of its own with its row in the version table, under the lock (see
 * docs/migrations.md for what each backend locks and how MariaDB's implicit commits are
 * reported). `*applied` (may be NULL) counts the migrations applied. Before anything runs, the
 * checksum of every applied migration is compared with the chain's: a change is ATH_EINVAL
 * naming the revision. Returns ATH_OK (also when nothing was left to do), ATH_EINVAL (unknown
 * target, a target below the current revision, a changed checksum, an applied revision the chain
 * does not know), ATH_ETIMEOUT when another migrator held the lock for lock_timeout, or the
 * failing migration's error with its revision in the message (the migrations before it stay
 * applied).
 */
ATH_API int ath_migrate_upgrade(ath_migrator *migrator, const char *target, size_t *applied);

/**
 * Undoes applied migrations, last first, down to `target` (kept applied): NULL undoes one,
 * "base" undoes all. `*undone` (may be NULL) counts them. A migration without down steps is
 * ATH_EINVAL naming it, before anything runs. Errors as ath_migrate_upgrade.
 */
ATH_API int ath_migrate_downgrade(ath_migrator *migrator, const char *target, size_t *undone);

/**
 * Records `revision` (and every one before it) as applied without running anything, or, for
 * "base", records nothing applied (the version table is emptied). For a database made by
 * ath_create_all that should start from a revision. Returns ATH_OK, ATH_EINVAL (unknown
 * revision), ATH_ETIMEOUT (lock), or the database's error.
 */
ATH_API int ath_migrate_stamp(ath_migrator *migrator, const char *revision);

/**
 * The current revision: the last applied one, as a malloc'd string the caller frees, or NULL
 * when none is applied (or the version table does not exist yet). Returns ATH_OK or the
 * database's error.
 */
ATH_API int ath_migrate_current(ath_migrator *migrator, char **out);

/** One migration of the chain as the version table records it. */
typedef struct ath_migration_record {
    const char *revision;
    const char *name;
    bool applied;
    bool checksum_ok;         /**< false: applied with other SQL than the chain's now */
    ath_timestamp applied_at; /**< when it was applied (UTC), 0 when not applied */
    int64_t execution_ms;     /**< how long it ran */
} ath_migration_record;

/**
 * The chain in order with what the version table says of each: `*out` is an array of `*n`
 * records owned by the migrator, valid until the next call on it or ath_migrator_free.
 * Returns ATH_OK or the database's error.
 */
ATH_API int ath_migrate_history(ath_migrator *migrator, const ath_migration_record **out,
                                size_t *n);

/** The checksum of a migration (FNV-1a 64 of its name, up_sql and down_sql), as 16 hex digits
 *  and a NUL in `buf` (17 bytes). NULL arguments write "" (when buf is given) and set the error. */
ATH_API void ath_migration_checksum(const ath_migration *migration, char buf[17]);

/* --- comparing models with the database --------------------------------------------------- */

/** What one difference is. */
typedef enum ath_diff_kind {
    ATH_DIFF_ADD_TABLE = 1, /**< a model's table is missing */
    ATH_DIFF_DROP_TABLE,    /**< a table no model describes (the version table excepted) */
    ATH_DIFF_ADD_COLUMN,
    ATH_DIFF_DROP_COLUMN,
    ATH_DIFF_ALTER_NULLABLE, /**< the column's nullability differs */
    ATH_DIFF_ALTER_TYPE,     /**< the column's type differs */
    ATH_DIFF_ADD_INDEX,      /**< an index or unique constraint is missing */
    ATH_DIFF_DROP_INDEX,     /**< an index or unique constraint no model declares */
    ATH_DIFF_ADD_FOREIGN_KEY,
    ATH_DIFF_REBUILD_TABLE, /**< changes ALTER TABLE cannot make (SQLite): copy-and-rename */
    ATH_DIFF_DROP_FOREIGN_KEY /**< a foreign key no model declares, or declares otherwise (its
                                   referenced table, column or ON DELETE changed: dropped here,
                                   added again by an ATH_DIFF_ADD_FOREIGN_KEY) */
} ath_diff_kind;

/** One difference, with the SQL that makes the database match the model and back. */
typedef struct ath_diff_op {
    ath_diff_kind kind;
    const char *table;
    const char *object;      /**< the column or index concerned, or NULL */
    const char *description; /**< e.g. "add column hero.age" */
    const char *up_sql;      /**< statements ending with ";\n" */
    const char *down_sql;    /**< undoes up_sql from what the catalog said */
} ath_diff_op;

/** A comparison's result. */
typedef struct ath_schema_diff ath_schema_diff;

/**
 * Compares `models` (n of them) with the database of `engine`, on a session of its own, and
 * changes nothing. On success `*out` holds the differences (none when the database matches);
 * release it with ath_schema_diff_free(). Renames cannot be seen: they appear as a drop and an
 * add. Returns ATH_OK, ATH_EINVAL (an invalid model), ATH_EUNSUPPORTED (a driver without
 * catalog queries), ATH_ENOMEM, or the database's error.
 */
ATH_API int ath_schema_compare(ath_schema_diff **out, ath_engine *engine,
                               const ath_model *const *models, size_t n);

/**
 * ath_create_all's check mode: as ath_schema_compare, but tables that no model describes are not
 * reported. Returns ATH_OK when the database matches, ATH_ESTALE when it does not (then `*out`,
 * when not NULL, holds the differences and the message names the first), or the errors of
 * ath_schema_compare. `out` may be NULL.
 */
ATH_API int ath_create_all_check(ath_schema_diff **out, ath_engine *engine,
                                 const ath_model *const *models, size_t n);

/** Number of differences; 0 for NULL. */
ATH_API size_t ath_schema_diff_count(const ath_schema_diff *diff);

/** Difference `i`, or NULL for NULL or `i` out of range. Lives as long as the diff. */
ATH_API const ath_diff_op *ath_schema_diff_at(const ath_schema_diff *diff, size_t i);

/**
 * The whole upgrade (`up` true) or downgrade script, every statement ending with ";\n", the
 * downgrade in reverse order; "" when there are no differences; NULL for NULL. Lives as long as
 * the diff. This is what autogenerate writes into a migration.
 */
ATH_API const char *ath_schema_diff_sql(const ath_schema_diff *diff, bool up);

/**
 * Writes the differences as a new migration in directory `dir`: `<revision>_<name>.up.sql` and
 * `.down.sql` (spaces in `name` become '_'), each starting with a comment per difference.
 * Returns ATH_OK, ATH_EINVAL (bad revision or name, a file that exists, a file that cannot be
 * written: named), ATH_ENOMEM.
 */
ATH_API int ath_schema_diff_write(const ath_schema_diff *diff, const char *dir,
                                  const char *revision, const char *name);

/** Frees a diff; NULL is a no-op. */
ATH_API void ath_schema_diff_free(ath_schema_diff *diff);

ATH_END_DECLS

#endif
