/* Type coercions from what people write to the canonical types. Compose
 * accepts "2" where a number is meant (interpolation yields strings), so
 * numbers and booleans are read from strings too. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose/loader.h"
#include "compose/values.h"
#include "util/number.h"

void ld_oom(struct loader *ld, const struct srcpos *pos)
{
	if (!ld->oom)
		diag_add(ld->d, DIAG_ERROR, pos, "the project is larger than kgenius accepts; split it",
			 "out of memory while loading the project");
	ld->oom = true;
}

static void ld_report(struct loader *ld, enum diag_level level, const struct srcpos *pos, const char *fix,
		      const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void ld_report(struct loader *ld, enum diag_level level, const struct srcpos *pos, const char *fix,
		      const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	diag_add(ld->d, level, pos, fix, "%s", msg);
}

void ld_error(struct loader *ld, const struct srcpos *pos, const char *fix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ld_report(ld, DIAG_ERROR, pos, fix, fmt, ap);
	va_end(ap);
}

void ld_warn(struct loader *ld, const struct srcpos *pos, const char *fix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ld_report(ld, DIAG_WARNING, pos, fix, fmt, ap);
	va_end(ap);
}

const char *ld_path(struct loader *ld, const char *parent, const char *child)
{
	const char *p = parent && *parent ? arena_printf(ld->a, "%s.%s", parent, child) : arena_strdup(ld->a, child);
	return p ? p : "?";
}

const char *ld_index(struct loader *ld, const char *parent, size_t i)
{
	const char *p = arena_printf(ld->a, "%s[%zu]", parent, i);
	return p ? p : "?";
}

static void type_error(struct loader *ld, const struct ynode *v, const char *path, const char *expected)
{
	ld_error(ld, &v->pos, NULL, "%s must be %s, not a %s", path, expected, y_kind_name(v->kind));
}

bool want_kind(struct loader *ld, const struct ynode *v, enum ykind kind, const char *path)
{
	if (v->kind == kind)
		return true;
	type_error(ld, v, path, kind == Y_MAP ? "a mapping" : kind == Y_SEQ ? "a list" : y_kind_name(kind));
	return false;
}

struct ynode *ld_new_checked(struct loader *ld, const struct ynode *v, enum ykind kind, const char *path)
{
	struct ynode *out;

	if (!want_kind(ld, v, kind, path))
		return NULL;
	out = y_new(ld->a, kind, &v->pos);
	if (!out)
		ld_oom(ld, &v->pos);
	return out;
}

static struct ynode *checked(struct loader *ld, struct ynode *n, const struct ynode *from)
{
	if (!n)
		ld_oom(ld, &from->pos);
	return n;
}

struct ynode *want_string(struct loader *ld, const struct ynode *v, const char *path)
{
	if (!y_is_scalar(v) || v->kind == Y_NULL) {
		type_error(ld, v, path, "a string");
		return NULL;
	}
	return checked(ld, y_str(ld->a, y_text(v), &v->pos), v);
}

struct ynode *want_bool(struct loader *ld, const struct ynode *v, const char *path)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", NULL};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", NULL};

	if (v->kind == Y_BOOL)
		return checked(ld, y_bool(ld->a, v->b, &v->pos), v);
	if (v->kind == Y_STR) {
		for (const char *const *w = yes; *w; w++)
			if (strcmp(v->text, *w) == 0)
				return checked(ld, y_bool(ld->a, true, &v->pos), v);
		for (const char *const *w = no; *w; w++)
			if (strcmp(v->text, *w) == 0)
				return checked(ld, y_bool(ld->a, false, &v->pos), v);
	}
	type_error(ld, v, path, "true or false");
	return NULL;
}

struct ynode *want_int(struct loader *ld, const struct ynode *v, const char *path)
{
	if (v->kind == Y_INT)
		return checked(ld, y_int(ld->a, v->i, &v->pos), v);
	if (v->kind == Y_STR && v->text[0]) {
		char *end;
		long long x;

		errno = 0;
		x = strtoll(v->text, &end, 10);
		if (!*end && errno == ERANGE) {
			/* never silently capped: 99999999999999999999 replicas is a typo */
			ld_error(ld, &v->pos, "give a number of at most 9223372036854775807", "%s: %s is out of range", path,
				 v->text);
			return NULL;
		}
		if (!*end)
			return checked(ld, y_int(ld->a, x, &v->pos), v);
	}
	if (v->kind == Y_FLOAT && number_fits_ll(v->f) && v->f == (double)(long long)v->f)
		return checked(ld, y_int(ld->a, (long long)v->f, &v->pos), v);
	type_error(ld, v, path, "an integer");
	return NULL;
}

struct ynode *want_number(struct loader *ld, const struct ynode *v, const char *path)
{
	const char *err = NULL;
	double x;

	if (v->kind == Y_INT)
		return checked(ld, y_float(ld->a, (double)v->i, &v->pos), v);
	if (v->kind == Y_FLOAT)
		return checked(ld, y_float(ld->a, v->f, &v->pos), v);
	if (v->kind == Y_STR && parse_cpus(v->text, &x, &err) == 0)
		return checked(ld, y_float(ld->a, x, &v->pos), v);
	type_error(ld, v, path, "a number");
	return NULL;
}

struct ynode *want_bytes(struct loader *ld, const struct ynode *v, const char *path)
{
	const char *err = NULL;
	int64_t b;

	if (v->kind == Y_INT && v->i >= 0)
		return checked(ld, y_int(ld->a, v->i, &v->pos), v);
	if ((v->kind == Y_STR || v->kind == Y_FLOAT) && parse_bytes(y_text(v), &b, &err) == 0)
		return checked(ld, y_int(ld->a, b, &v->pos), v);
	ld_error(ld, &v->pos, "write a size such as 512m or 2g", "%s: %s", path,
		 err ? err : "expected a size");
	return NULL;
}

struct ynode *want_duration(struct loader *ld, const struct ynode *v, const char *path)
{
	const char *err = NULL;
	int64_t ns;
	char text[64];

	if (v->kind == Y_STR && parse_duration(v->text, &ns, &err) == 0) {
		format_duration(ns, text, sizeof(text));
		return checked(ld, y_str(ld->a, text, &v->pos), v);
	}
	if (v->kind == Y_INT && v->i == 0)
		return checked(ld, y_str(ld->a, "0s", &v->pos), v);
	ld_error(ld, &v->pos, "write a duration such as 30s, 1m30s or 500ms", "%s: %s", path,
		 err ? err : "expected a duration");
	return NULL;
}

struct ynode *want_string_list(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *out = y_new(ld->a, Y_SEQ, &v->pos);

	if (!out)
		return checked(ld, NULL, v);
	if (y_is_scalar(v) && v->kind != Y_NULL) {
		struct ynode *s = want_string(ld, v, path);
		if (!s || !y_push(ld->a, out, s))
			return NULL;
		return out;
	}
	if (!want_kind(ld, v, Y_SEQ, path))
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		struct ynode *s = want_string(ld, v->items[i], ld_index(ld, path, i));
		if (!s)
			return NULL;
		if (!y_push(ld->a, out, s))
			return checked(ld, NULL, v);
	}
	return out;
}

struct ynode *want_string_map(struct loader *ld, const struct ynode *v, const char *path, bool allow_null)
{
	struct ynode *out = y_new(ld->a, Y_MAP, &v->pos);

	if (!out)
		return checked(ld, NULL, v);
	if (v->kind == Y_SEQ) {
		for (size_t i = 0; i < v->n; i++) {
			const struct ynode *e = v->items[i];
			const char *text, *eq;
			char *key;
			struct ynode *val;

			if (!y_is_scalar(e) || e->kind == Y_NULL) {
				type_error(ld, e, ld_index(ld, path, i), "a \"KEY=VALUE\" string");
				return NULL;
			}
			text = y_text(e);
			eq = strchr(text, '=');
			key = arena_strndup(ld->a, text, eq ? (size_t)(eq - text) : strlen(text));
			if (!key)
				return checked(ld, NULL, v);
			if (!key[0]) {
				ld_error(ld, &e->pos, "write KEY=VALUE", "%s: empty name in \"%s\"",
					 ld_index(ld, path, i), text);
				return NULL;
			}
			if (eq)
				val = y_str(ld->a, eq + 1, &e->pos);
			else
				val = allow_null ? y_null(ld->a, &e->pos) : y_str(ld->a, "", &e->pos);
			if (!val || !y_set_at(ld->a, out, key, &e->pos, val))
				return checked(ld, NULL, v);
		}
		return out;
	}
	if (!want_kind(ld, v, Y_MAP, path))
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		const struct ypair *p = &v->pairs[i];
		struct ynode *val;

		if (p->val->kind == Y_NULL)
			val = allow_null ? y_null(ld->a, &p->val->pos) : y_str(ld->a, "", &p->val->pos);
		else if (y_is_scalar(p->val))
			val = y_str(ld->a, y_text(p->val), &p->val->pos);
		else {
			type_error(ld, p->val, ld_path(ld, path, p->key), "a string, a number or a boolean");
			return NULL;
		}
		if (!val || !y_set_at(ld->a, out, p->key, &p->kpos, val))
			return checked(ld, NULL, v);
	}
	return out;
}

int interpolate_tree(struct loader *ld, struct ynode *n)
{
	int rc = 0;

	if (n->kind == Y_STR && !ld->oom) {
		char *s;
		size_t before = ld->d->errors;

		if (!strchr(n->text, '$'))
			return 0;
		s = interpolate(ld->a, ld->d, n->text, &n->pos, ld->vars, &ld->warned);
		if (!s) {
			if (ld->d->errors == before)
				ld_oom(ld, &n->pos);
			return -1;
		}
		n->text = s;
		n->len = strlen(s);
		return 0;
	}
	for (size_t i = 0; i < n->n; i++) {
		struct ynode *c = n->kind == Y_SEQ ? n->items[i] : n->pairs[i].val;
		if (interpolate_tree(ld, c))
			rc = -1;
	}
	return rc;
}
