/*
 * A multi-tenancy mixin, written outside Athanor against <athanor/mixin.h> alone, the way a
 * program adds its own behaviour to models (docs/writing-a-mixin.md walks through it).
 *
 * Every row carries the tenant it belongs to (role "tenant_id": text, indexed, written on insert
 * only). The current tenant lives on the session:
 *
 *     ath_session_set(session, "tenant_id", ath_v_text("acme"));
 *
 * and from then on every read, count, update and delete through a repository on that session
 * sees only that tenant's rows, and every insert is stamped with it. A session without a tenant
 * can neither read nor write a tenant model (ATH_EINVAL, "no tenant").
 *
 * A macro-declared model lists it as M(TENANT); a plain struct attaches it with
 * ATH_ATTACH(tenant_mixin, NULL, ATH_BIND(Doc, "tenant_id", owner)).
 */
#ifndef ATHANOR_EXAMPLE_TENANCY_H
#define ATHANOR_EXAMPLE_TENANCY_H

#include <athanor/mixin.h>

/** The session value naming the current tenant (text). */
#define TENANT_SESSION_KEY "tenant_id"
/** The longest tenant name (the column is VARCHAR(64)). */
#define TENANT_MAX 64

/** The mixin: role "tenant_id" (text, indexed, immutable). */
extern const ath_mixin tenant_mixin;
#define ATH_MIXIN_FIELDS_TENANT(F) F(tenant_id, text, .max_length = TENANT_MAX)
#define ATH_MIXIN_OBJECT_TENANT    tenant_mixin

/**
 * Makes `tenant` the session's tenant (a copy is kept by the session). Returns ATH_OK, or
 * ATH_EINVAL for an empty or over-long name.
 */
int tenant_use(ath_session *session, const char *tenant);

#endif
