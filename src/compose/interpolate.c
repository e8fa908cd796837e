/* The Compose Specification's interpolation: $VAR, ${VAR}, ${VAR:-default},
 * ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt}, with
 * nested expressions inside the default, error and alt parts, and $$ for a
 * literal dollar sign. */
#include "compose/env.h"

#include <string.h>

#include "util/buf.h"

#define MAX_NESTING 32

struct interp {
	struct arena *a;
	struct diags *d;
	const struct srcpos *pos;
	const struct envmap *vars;
	struct envmap *warned;
	const char *whole;  /* the full scalar, for messages */
	bool failed;
};

static bool name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

static void invalid(struct interp *in, const char *why)
{
	if (!in->failed)
		diag_add(in->d, DIAG_ERROR, in->pos,
			 "write $$ for a literal dollar sign, or ${NAME} for a variable",
			 "invalid interpolation in \"%.200s\": %s", in->whole, why);
	in->failed = true;
}

/* Past this many distinct names, repeats are no longer looked up: keeping
 * the check linear-time on files with thousands of unset variables. */
#define MAX_REMEMBERED_UNSET 1000

static void warn_unset(struct interp *in, const char *name)
{
	if (in->warned && in->warned->n < MAX_REMEMBERED_UNSET && env_find(in->warned, name))
		return;
	diag_add(in->d, DIAG_WARNING, in->pos,
		 "set it in .env or the environment, or give a default with ${NAME:-default}",
		 "variable %s is not set; Compose substitutes an empty string", name);
	if (in->warned && in->warned->n < MAX_REMEMBERED_UNSET)
		env_set(in->a, in->warned, name, "", in->pos);
}

/* Appends a variable's value. A value is at most what the arena holds, but
 * a string naming it many times is not: the result must fit the same
 * budget, or a few doubling variables would take all the memory there is. */
static bool put_value(struct interp *in, struct buf *out, const char *value)
{
	size_t len = strlen(value);
	size_t room = in->a->limit > in->a->used ? in->a->limit - in->a->used : 0;

	if (in->a->limit && len > room - (out->len < room ? out->len : room)) {
		if (!in->failed)
			diag_add(in->d, DIAG_ERROR, in->pos,
				 "check the variables this value names for ones that repeat each other",
				 "the value of \"%.200s\" grows past the %zu MiB a project may hold once its variables are "
				 "substituted",
				 in->whole, in->a->limit >> 20);
		in->failed = true;
		return false;
	}
	return buf_append(out, value, len);
}

static bool expand(struct interp *in, const char *s, size_t len, struct buf *out, int depth);

/* Finds the '}' closing a "${" whose body starts at s; nested ${...} count. */
static const char *closing_brace(const char *s, const char *end)
{
	int level = 1;

	for (const char *p = s; p < end; p++) {
		if (p[0] == '$' && p + 1 < end && p[1] == '$') {
			p++;
			continue;
		}
		if (p[0] == '$' && p + 1 < end && p[1] == '{') {
			level++;
			p++;
			continue;
		}
		if (*p == '}' && --level == 0)
			return p;
	}
	return NULL;
}

static bool expand_braced(struct interp *in, const char *body, size_t len, struct buf *out, int depth)
{
	size_t n = 0;
	char name[256];
	const struct envvar *var;
	const char *op, *rest;
	size_t oplen, restlen;
	bool colon, set, empty;

	if (len == 0 || !name_start(body[0])) {
		invalid(in, "a variable name must start with a letter or an underscore");
		return false;
	}
	while (n < len && name_char(body[n]))
		n++;
	if (n >= sizeof(name)) {
		invalid(in, "variable name too long");
		return false;
	}
	memcpy(name, body, n);
	name[n] = '\0';
	var = env_find(in->vars, name);
	set = var != NULL;
	empty = !set || !var->value[0];
	if (n == len) {
		if (!set)
			warn_unset(in, name);
		return !set || put_value(in, out, var->value);
	}
	op = body + n;
	colon = *op == ':';
	oplen = colon ? 2 : 1;
	if ((size_t)(op - body) + oplen > len || !strchr("-?+", op[colon ? 1 : 0])) {
		invalid(in, "expected }, :-, -, :?, ?, :+ or + after the variable name");
		return false;
	}
	rest = op + oplen;
	restlen = len - n - oplen;
	switch (op[colon ? 1 : 0]) {
	case '-':
		if (colon ? empty : !set)
			return expand(in, rest, restlen, out, depth + 1);
		return put_value(in, out, var->value);
	case '+':
		if (colon ? !empty : set)
			return expand(in, rest, restlen, out, depth + 1);
		return true;
	case '?':
		if (colon ? empty : !set) {
			struct buf msg = BUF_INIT;

			expand(in, rest, restlen, &msg, depth + 1);
			if (!in->failed)
				diag_add(in->d, DIAG_ERROR, in->pos,
					 "set the variable in .env or the environment",
					 "required variable %s is %s: %s", name, set ? "empty" : "not set",
					 msg.len ? buf_cstr(&msg) : "(no message)");
			buf_free(&msg);
			in->failed = true;
			return false;
		}
		return put_value(in, out, var->value);
	}
	return false;
}

static bool expand(struct interp *in, const char *s, size_t len, struct buf *out, int depth)
{
	const char *end = s + len;

	if (depth > MAX_NESTING) {
		invalid(in, "nested more than 32 levels");
		return false;
	}
	for (const char *p = s; p < end && !in->failed;) {
		if (*p != '$') {
			const char *q = memchr(p, '$', (size_t)(end - p));
			if (!q)
				q = end;
			if (!buf_append(out, p, (size_t)(q - p)))
				return false;
			p = q;
			continue;
		}
		if (p + 1 < end && p[1] == '$') {
			if (!buf_putc(out, '$'))
				return false;
			p += 2;
		} else if (p + 1 < end && p[1] == '{') {
			const char *close = closing_brace(p + 2, end);
			if (!close) {
				invalid(in, "missing closing }");
				return false;
			}
			if (!expand_braced(in, p + 2, (size_t)(close - p - 2), out, depth))
				return false;
			p = close + 1;
		} else if (p + 1 < end && name_start(p[1])) {
			const char *q = p + 1;
			char name[256];
			const struct envvar *var;

			while (q < end && name_char(*q))
				q++;
			if ((size_t)(q - p - 1) >= sizeof(name)) {
				invalid(in, "variable name too long");
				return false;
			}
			memcpy(name, p + 1, (size_t)(q - p - 1));
			name[q - p - 1] = '\0';
			var = env_find(in->vars, name);
			if (!var)
				warn_unset(in, name);
			else if (!put_value(in, out, var->value))
				return false;
			p = q;
		} else {
			invalid(in, "a lone $ must be written $$");
			return false;
		}
	}
	return !in->failed && !out->failed;
}

char *interpolate(struct arena *a, struct diags *d, const char *s, const struct srcpos *pos,
		  const struct envmap *vars, struct envmap *warned)
{
	struct interp in = {a, d, pos, vars, warned, s, false};
	struct buf out = BUF_INIT;
	char *result = NULL;

	if (!strchr(s, '$'))
		return arena_strdup(a, s);
	if (expand(&in, s, strlen(s), &out, 0))
		result = arena_strndup(a, buf_cstr(&out), out.len);
	buf_free(&out);
	return result;
}
