/* Docker secrets behind *_FILE variables: the official images read NAME
 * from the file NAME_FILE names ("file_env" in
 * https://github.com/docker-library/postgres/blob/master/docker-entrypoint.sh),
 * and Compose mounts a service's secrets at /run/secrets/<target or source>
 * (https://docs.docker.com/reference/compose-file/services/#secrets). So a
 * project's POSTGRES_PASSWORD_FILE=/run/secrets/db_pw with `secrets: db_pw:
 * file: ./db_pw.txt` means POSTGRES_PASSWORD is that file's content. */
#include "model/secret_files.h"

#include <stdlib.h>
#include <string.h>

#include "util/fsio.h"

#define MAX_SECRET_FILE (64u << 10)
#define FILE_SUFFIX "_FILE"

/* The top-level secret the service mounts at path, or NULL. */
static const char *mounted_secret(struct arena *a, const struct ynode *def, const char *path)
{
	const struct ynode *list = y_get(def, "secrets");

	for (size_t i = 0; list && list->kind == Y_SEQ && i < list->n; i++) {
		const char *source = y_text(y_get(list->items[i], "source"));
		const char *target = y_text(y_get(list->items[i], "target"));
		const char *where;

		if (!source)
			continue;
		where = target && target[0] == '/' ? target : arena_printf(a, "/run/secrets/%s", target ? target : source);
		if (where && strcmp(where, path) == 0)
			return source;
	}
	return NULL;
}

/* The file's content without its final line break; NULL when unreadable. */
static const char *secret_content(struct arena *a, const char *file)
{
	char *data = NULL;
	size_t len = 0;
	const char *value = NULL;

	if (read_file_limited(file, MAX_SECRET_FILE, &data, &len) == READ_OK) {
		if (len && data[len - 1] == '\n')
			len--;
		if (len && data[len - 1] == '\r')
			len--;
		value = arena_strndup(a, data, len);
	}
	free(data);
	return value;
}

static const char *resolve(struct arena *a, struct diags *d, const struct ynode *model, const struct ynode *def,
			   const struct service *s, const struct env_var *v)
{
	const char *source = mounted_secret(a, def, v->value);
	const struct ynode *top = source ? y_get(y_get(model, "secrets"), source) : NULL;
	const char *file = y_text(y_get(top, "file"));
	const char *value = file ? secret_content(a, file) : NULL;

	if (!value)
		diag_add(d, DIAG_WARNING, &v->value_pos,
			 "mount a secret with `file:` at that path (secrets: in the service and at the top level)",
			 "service %s reads %s from %s, which no file secret of the project provides; kgenius treats "
			 "the value as missing", s->name, v->name, v->value);
	return value;
}

int service_resolve_secret_files(struct arena *a, struct diags *d, const struct ynode *model, const struct ynode *def,
				 struct service *s)
{
	size_t n = s->nenv;

	for (size_t i = 0; i < n; i++) {
		struct env_var *v = &s->env[i];
		size_t len = strlen(v->name);
		const char *name, *value;

		if (!v->has_value || len <= strlen(FILE_SUFFIX) ||
		    strcmp(v->name + len - strlen(FILE_SUFFIX), FILE_SUFFIX) != 0)
			continue;
		name = arena_strndup(a, v->name, len - strlen(FILE_SUFFIX));
		if (!name)
			return -1;
		if (service_env_var(s, name) || !(value = resolve(a, d, model, def, s, v)))
			continue;
		/* build_env leaves room for one variable per *_FILE. */
		s->env[s->nenv] = *v;
		s->env[s->nenv].name = name;
		s->env[s->nenv].value = value;
		s->env[s->nenv].from_file = true;
		s->nenv++;
		v->resolved_file = true;
	}
	return a->exhausted ? -1 : 0;
}
