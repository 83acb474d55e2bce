/* Private: running the attached mixins' hooks from repository operations. */
#ifndef ATH_CORE_MIXINS_H
#define ATH_CORE_MIXINS_H

#include <athanor/mixin.h>

#include "query.h"
#include "repo.h"

/** True when some attached mixin has a scope hook (soft delete, tenancy). */
bool mixins_scoped(const ath_repo *r);
/** True when some attached mixin has a guard hook (optimistic locking). */
bool mixins_guarded(const ath_repo *r);

int mixins_before_insert(ath_repo *r, void *obj);
/** before_insert for each of n objects, with the batch visible to hooks (slug uniqueness). */
int mixins_before_insert_batch(ath_repo *r, void *objs, size_t n);
int mixins_after_load(ath_repo *r, void *obj);
/** ANDs every mixin's scope condition (for `options`) onto q. */
int mixins_scope(ath_repo *r, unsigned options, ath_query *q);
/** Collects guard conditions of obj into out (at most max); returns how many, or < 0. */
int mixins_guards(ath_repo *r, const void *obj, ath_filter *out, size_t max);
int mixins_before_update(ath_repo *r, void *obj);
void mixins_write_failed(ath_repo *r, void *obj);
/** A soft delete: 1 with the column and value to set, 0 to delete rows for real. */
int mixins_soft_delete(ath_repo *r, const ath_col **col, ath_value *value);
/** The extra DDL of every mixin, appended as ";\n"-separated statements. */
void mixins_extra_ddl(const ath_mapping *m, ath_buf *out);

#endif
