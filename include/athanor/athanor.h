/* Athanor — the whole public API. */
#ifndef ATHANOR_ATHANOR_H
#define ATHANOR_ATHANOR_H

#include "columns.h"
#include "engine.h"
#include "error.h"
#include "export.h"
#include "filter.h"
#include "inspect.h"
#include "migrate.h"
#include "mixin.h"
#include "model.h"
#include "repository.h"
#include "routing.h"
#include "schema.h"
#include "session.h"
#include "url.h"
#include "value.h"
#include <athanor/version.h> /* generated into the build tree, installed beside the rest */

#endif
