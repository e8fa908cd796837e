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

/* True when value carries a password as a key=value pair: JDBC
 * (;password=...), libpq (password=...), URL queries (?password=...). */
bool has_dsn_password(const char *value);
/* A variable that must go to a Secret: a credential's name, or a value
 * with a password inside (URL, DSN, JDBC). */
bool is_secret_env(const char *name, const char *value);
/* True for values written to be replaced: <password>, {db password},
 * change_me_before_first_start, your-password-here, ... */
bool is_placeholder(const char *value);

#define REDACTED "<redacted>"

/* Replaces, in a canonical Compose model, the values of secret-named
 * environment variables, build args and labels, and passwords inside URLs,
 * with REDACTED. Returns the number of values redacted, -1 on OOM. */
int redact_model(struct arena *a, struct ynode *model);

#endif
