/* Variables for interpolation and env_file contents: dotenv parsing and the
 * ${...} grammar of the Compose Specification. */
#ifndef KG_COMPOSE_ENV_H
#define KG_COMPOSE_ENV_H

#include <stdbool.h>

#include "util/arena.h"
#include "util/diag.h"

struct envvar {
	const char *name;
	const char *value;
	struct srcpos pos;  /* where it was defined; file NULL for the OS environment */
};

struct envmap {
	struct envvar *v;
	size_t n, cap;
};

const struct envvar *env_find(const struct envmap *m, const char *name);
const char *env_get(const struct envmap *m, const char *name);
/* Sets (or replaces) a variable; returns false on allocation failure. */
bool env_set(struct arena *a, struct envmap *m, const char *name, const char *value,
	     const struct srcpos *pos);
/* Copies the process environment into m. */
bool env_load_os(struct arena *a, struct envmap *m, char **environ_);

/* Parses a dotenv file's text into out. Values may refer to variables defined
 * earlier in the file or in lookup (which may be NULL). Returns 0 or -1 after
 * reporting a located error. */
int dotenv_parse(struct arena *a, struct diags *d, const char *file, const char *text,
		 const struct envmap *lookup, struct envmap *out);

/* Interpolates ${...} in s. The result is allocated in a; NULL after a
 * reported error (or on allocation failure). pos locates s for messages.
 * Unset variables without a default are warned about once each. */
char *interpolate(struct arena *a, struct diags *d, const char *s, const struct srcpos *pos,
		  const struct envmap *vars, struct envmap *warned);

#endif
