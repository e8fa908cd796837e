/* Odoo reads its configuration with Python's configparser and takes the
 * [options] section only (https://github.com/odoo/odoo/blob/18.0/odoo/tools/config.py,
 * `_parse_config`): "key = value" or "key: value", ";" and "#" comments;
 * keys of other sections are not Odoo's. */
#include "model/odoo_conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsio.h"

#define ODOO_CONF_MAX_BYTES (1 << 20)

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int add_entry(struct arena *a, struct odoo_conf *c, size_t *cap, const char *key, const char *value,
		     const struct srcpos *pos)
{
	struct conf_entry *v = arena_grow(a, c->v, c->n, cap, sizeof(*c->v));

	if (!v)
		return -1;
	c->v = v;
	c->v[c->n].key = arena_strdup(a, key);
	c->v[c->n].value = arena_strdup(a, value);
	c->v[c->n].pos = *pos;
	if (!c->v[c->n].key || !c->v[c->n].value)
		return -1;
	c->n++;
	return 0;
}

int odoo_conf_parse(struct arena *a, const char *path, char *text, struct odoo_conf *c)
{
	size_t cap = 0;
	int line = 0;
	bool in_options = false;
	char *next;

	c->path = path;
	for (char *ln = text; ln; ln = next) {
		char *s, *sep;
		struct srcpos pos = {path, 0, 1};

		next = strchr(ln, '\n');
		if (next)
			*next++ = '\0';
		s = trim(ln);
		pos.line = ++line;
		if (!*s || *s == ';' || *s == '#')
			continue;
		if (*s == '[') {
			in_options = strncmp(s, "[options]", 9) == 0;
			continue;
		}
		sep = strpbrk(s, "=:");
		if (!in_options || !sep)
			continue;
		*sep = '\0';
		if (add_entry(a, c, &cap, trim(s), trim(sep + 1), &pos) != 0)
			return -1;
	}
	return 0;
}

int odoo_conf_read(struct arena *a, struct diags *d, const char *path, struct odoo_conf *c)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (read_file_limited(path, ODOO_CONF_MAX_BYTES, &data, &len) != READ_OK) {
		struct srcpos pos = {path, 0, 0};

		diag_add(d, DIAG_WARNING, &pos, "check the bind mount in the Compose file",
			 "odoo.conf cannot be read; Odoo's defaults are assumed");
		return 0;
	}
	rc = odoo_conf_parse(a, path, data, c);
	free(data);
	return rc;
}

const struct conf_entry *conf_get(const struct odoo_conf *c, const char *key)
{
	for (size_t i = c->n; i-- > 0;)
		if (strcmp(c->v[i].key, key) == 0)
			return &c->v[i];
	return NULL;
}

int64_t conf_int64(const struct odoo_conf *c, const char *key, int64_t fallback)
{
	const struct conf_entry *e = conf_get(c, key);
	char *end;
	long long v;

	if (!e || !e->value[0])
		return fallback;
	errno = 0;
	v = strtoll(e->value, &end, 10);
	return errno || *end || v <= 0 ? fallback : (int64_t)v;
}

int conf_int(const struct odoo_conf *c, const char *key, int fallback, bool *present)
{
	const struct conf_entry *e = conf_get(c, key);

	if (present)
		*present = e != NULL;
	if (!e || !e->value[0])
		return fallback;
	if (strcmp(e->value, "True") == 0)
		return 1;
	if (strcmp(e->value, "False") == 0)
		return 0;
	return atoi(e->value);
}
