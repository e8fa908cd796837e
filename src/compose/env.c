/* Variable maps and the dotenv format Compose v2 reads for `.env`,
 * `--env-file` and `env_file:`. */
#include "compose/env.h"

#include <string.h>

#include "util/buf.h"

const struct envvar *env_find(const struct envmap *m, const char *name)
{
	if (!m)
		return NULL;
	for (size_t i = m->n; i-- > 0;)
		if (strcmp(m->v[i].name, name) == 0)
			return &m->v[i];
	return NULL;
}

const char *env_get(const struct envmap *m, const char *name)
{
	const struct envvar *v = env_find(m, name);
	return v ? v->value : NULL;
}

bool env_set(struct arena *a, struct envmap *m, const char *name, const char *value,
	     const struct srcpos *pos)
{
	struct envvar *slot = (struct envvar *)env_find(m, name);
	char *copy = arena_strdup(a, value);

	/* a failed copy leaves the map as it was: no variable without a value */
	if (!copy)
		return false;
	if (!slot) {
		if (m->n == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 32;
			struct envvar *v = arena_alloc(a, cap * sizeof(*v));
			if (!v)
				return false;
			if (m->n)
				memcpy(v, m->v, m->n * sizeof(*v));
			m->v = v;
			m->cap = cap;
		}
		slot = &m->v[m->n++];
		slot->name = arena_strdup(a, name);
		if (!slot->name) {
			m->n--;
			return false;
		}
	}
	slot->value = copy;
	if (pos) {
		slot->pos = *pos;
	} else {
		slot->pos.file = NULL;
		slot->pos.line = slot->pos.col = 0;
	}
	return true;
}

bool env_load_os(struct arena *a, struct envmap *m, char **environ_)
{
	for (char **e = environ_; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		char *name;

		if (!eq || eq == *e)
			continue;
		name = arena_strndup(a, *e, (size_t)(eq - *e));
		if (!name || !env_set(a, m, name, eq + 1, NULL))
			return false;
	}
	return true;
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

struct dotenv {
	struct arena *a;
	struct diags *d;
	const char *file;
	const char *p;       /* cursor */
	int line;
	const char *line_start;
	struct envmap scope; /* lookup first, then the file's own earlier values */
	const struct envmap *lookup;
};

static struct srcpos here(const struct dotenv *de)
{
	struct srcpos pos = {de->file, de->line, (int)(de->p - de->line_start) + 1};
	return pos;
}

static void newline(struct dotenv *de)
{
	de->line++;
	de->line_start = de->p;
}

static int parse_error(struct dotenv *de, const char *what, const char *fix)
{
	struct srcpos pos = here(de);
	diag_add(de->d, DIAG_ERROR, &pos, fix, "%s", what);
	return -1;
}

/* Double-quoted value: escapes, may span lines, interpolated. `\$` stays a
 * literal dollar, so it is written as "$$" for the interpolation pass. */
static int read_double_quoted(struct dotenv *de, struct buf *raw)
{
	de->p++;
	for (;;) {
		char c = *de->p;

		if (!c)
			return parse_error(de, "unterminated double-quoted value", "add the closing \"");
		de->p++;
		if (c == '"')
			return 0;
		if (c == '\n')
			newline(de);
		if (c == '\\' && *de->p) {
			char e = *de->p++;
			switch (e) {
			case 'n': buf_putc(raw, '\n'); break;
			case 'r': buf_putc(raw, '\r'); break;
			case 't': buf_putc(raw, '\t'); break;
			case '$': buf_puts(raw, "$$"); break;
			case '"': case '\\': buf_putc(raw, e); break;
			default: buf_putc(raw, '\\'); buf_putc(raw, e); break;
			}
			continue;
		}
		buf_putc(raw, c);
	}
}

static int read_single_quoted(struct dotenv *de, struct buf *raw)
{
	de->p++;
	for (;;) {
		char c = *de->p;

		if (!c)
			return parse_error(de, "unterminated single-quoted value", "add the closing '");
		de->p++;
		if (c == '\'')
			return 0;
		if (c == '\n')
			newline(de);
		/* Single quotes are literal: protect dollars from interpolation. */
		if (c == '$')
			buf_putc(raw, '$');
		buf_putc(raw, c);
	}
}

static void read_unquoted(struct dotenv *de, struct buf *raw)
{
	const char *start = de->p, *end;

	while (*de->p && *de->p != '\n') {
		/* " #" starts an inline comment. */
		if (*de->p == '#' && de->p > start && (de->p[-1] == ' ' || de->p[-1] == '\t'))
			break;
		de->p++;
	}
	end = de->p;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	buf_append(raw, start, (size_t)(end - start));
	while (*de->p && *de->p != '\n')
		de->p++;
}

static void skip_rest_of_line(struct dotenv *de)
{
	while (*de->p && *de->p != '\n')
		de->p++;
}

static int parse_line(struct dotenv *de, struct envmap *out)
{
	const char *key_start;
	char *key;
	struct srcpos pos;
	struct buf raw = BUF_INIT;
	char *value;
	int rc = 0;

	while (*de->p == ' ' || *de->p == '\t')
		de->p++;
	if (!*de->p || *de->p == '\n' || *de->p == '#' || *de->p == '\r') {
		skip_rest_of_line(de);
		return 0;
	}
	if (strncmp(de->p, "export ", 7) == 0) {
		de->p += 7;
		while (*de->p == ' ' || *de->p == '\t')
			de->p++;
	}
	pos = here(de);
	key_start = de->p;
	while (is_key_char(*de->p))
		de->p++;
	if (de->p == key_start)
		return parse_error(de, "expected a variable name", "write NAME=value");
	key = arena_strndup(de->a, key_start, (size_t)(de->p - key_start));
	if (!key)
		return -1;
	while (*de->p == ' ' || *de->p == '\t')
		de->p++;
	if (*de->p != '=') {
		if (*de->p == '\n' || *de->p == '\r' || !*de->p) {
			/* A bare NAME passes the value through from the environment. */
			const char *v = env_get(de->lookup, key);
			skip_rest_of_line(de);
			if (v && (!env_set(de->a, out, key, v, &pos) || !env_set(de->a, &de->scope, key, v, &pos)))
				return -1;
			return 0;
		}
		return parse_error(de, "expected = after the variable name", "write NAME=value");
	}
	de->p++;
	while (*de->p == ' ' || *de->p == '\t')
		de->p++;
	if (*de->p == '"')
		rc = read_double_quoted(de, &raw);
	else if (*de->p == '\'')
		rc = read_single_quoted(de, &raw);
	else
		read_unquoted(de, &raw);
	if (rc == 0 && (*de->p == '"' || *de->p == '\'' || *de->p == ' ' || *de->p == '\t'))
		skip_rest_of_line(de);
	if (rc == 0 && raw.failed)
		rc = -1;
	if (rc == 0) {
		value = interpolate(de->a, de->d, buf_cstr(&raw), &pos, &de->scope, NULL);
		if (!value)
			rc = -1;
		else if (!env_set(de->a, out, key, value, &pos))
			rc = -1;
		else if (!env_find(de->lookup, key) && !env_set(de->a, &de->scope, key, value, &pos))
			rc = -1;
	}
	buf_free(&raw);
	return rc;
}

int dotenv_parse(struct arena *a, struct diags *d, const char *file, const char *text,
		 const struct envmap *lookup, struct envmap *out)
{
	struct dotenv de;

	memset(&de, 0, sizeof(de));
	de.a = a;
	de.d = d;
	de.file = file;
	de.p = text;
	de.line = 1;
	de.line_start = text;
	de.lookup = lookup;
	if (lookup) {
		for (size_t i = 0; i < lookup->n; i++)
			if (!env_set(a, &de.scope, lookup->v[i].name, lookup->v[i].value, &lookup->v[i].pos))
				return -1;
	}
	/* A byte-order mark is not part of the first name. */
	if ((unsigned char)de.p[0] == 0xEF && (unsigned char)de.p[1] == 0xBB && (unsigned char)de.p[2] == 0xBF)
		de.p += 3;
	while (*de.p) {
		if (parse_line(&de, out) != 0)
			return -1;
		if (*de.p == '\n') {
			de.p++;
			newline(&de);
		}
	}
	return 0;
}
