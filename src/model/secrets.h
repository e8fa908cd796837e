/* What counts as a credential. Used to keep secrets out of printed output,
 * and (by convert) out of ConfigMaps. */
#ifndef KG_MODEL_SECRETS_H
#define KG_MODEL_SECRETS_H

#include <stdbool.h>

#include "util/arena.h"
#include "yaml/node.h"

/* True for variable names that hold credentials: *PASSWORD*, *PASSWD*,
 * *SECRET*, *TOKEN*, *_KEY (API, access, private), *CREDENTIAL*, ... */
bool is_secret_name(const char *name);

/* True when value is a URL with a password in it (scheme://user:pw@host). */
bool has_url_password(const char *value);

#define REDACTED "<redacted>"

/* Replaces, in a canonical Compose model, the values of secret-named
 * environment variables, build args and labels, and passwords inside URLs,
 * with REDACTED. Returns the number of values redacted, -1 on OOM. */
int redact_model(struct arena *a, struct ynode *model);

#endif
