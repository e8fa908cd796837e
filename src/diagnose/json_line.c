/* A JSON log line (one object per line, as loggers write them): the text
 * of the fields that say what happened, joined into one line that the
 * signatures are held against. */
#include "diagnose/diagnose.h"

#include <stdlib.h>
#include <string.h>

#include "yaml/parse.h"

/* The text joined so far, never past cap. */
struct json_text {
	char *out;
	size_t len, cap;
};

static void json_put(struct json_text *jt, const char *t, size_t n)
{
	if (jt->len + n + 2 >= jt->cap)
		n = jt->cap > jt->len + 2 ? jt->cap - jt->len - 2 : 0;
	memcpy(jt->out + jt->len, t, n);
	jt->len += n;
	jt->out[jt->len] = '\0';
}

/* The value of v, after label when there is one: a level and an error keep
 * their key (level=error, error=...), since the value alone ("error", "no
 * route to host") would not say that the line reports a failure. Loggers
 * write "error": null on lines that report none. */
static void json_append(struct json_text *jt, const char *label, const struct ynode *v)
{
	static const char *const no_value[] = {"null", "nil", "<nil>", "false", "none", NULL};
	const char *t = y_text(v);

	if (!t || !*t)
		return;
	for (size_t i = 0; label && no_value[i]; i++)
		if (strcmp(t, no_value[i]) == 0)
			return;
	if (jt->len > 0)
		json_put(jt, " ", 1);
	if (label)
		json_put(jt, label, strlen(label));
	json_put(jt, t, strlen(t));
}

/* An object nested under a field: its own message fields, and objects
 * nested in it in turn, a few levels down (hasura's
 * detail.info.internal: https://github.com/hasura/graphql-engine/issues/6999;
 * node's "error": {"code": "ECONNREFUSED"}). */
static void json_nested(struct json_text *jt, const struct ynode *v, int depth)
{
	static const struct {
		const char *key, *label;
	} inner[] = {
		{"error_severity", NULL}, {"level", "level="}, {"message", NULL}, {"msg", NULL}, {"detail", NULL},
		{"stackTrace", NULL}, {"internal", NULL}, {"error", "error="}, {"reason", NULL}, {"code", NULL},
		{"info", NULL}, {NULL, NULL},
	};

	for (size_t i = 0; inner[i].key; i++) {
		const struct ynode *w = y_get(v, inner[i].key);

		if (w && w->kind == Y_MAP) {
			if (depth < 3)
				json_nested(jt, w, depth + 1);
		} else
			json_append(jt, inner[i].label, w);
	}
}

static int json_line_doc(struct ynode *root, int index, void *user)
{
	static const struct {
		const char *key, *label;
	} fields[] = {
		{"level", "level="}, {"severity", "level="}, {"error_severity", NULL}, {"msg", NULL}, {"message", NULL},
		{"log", NULL}, {"error", "error="}, {"error_description", NULL}, {"err", "error="}, {"exception", "error="},
		{"stack_trace", NULL}, {"stackTrace", NULL}, {"record", NULL}, {"detail", NULL}, {"details", NULL},
		{"hint", NULL}, {"status", "status="}, {NULL, NULL},
	};
	struct json_text *jt = user;

	/* PostgreSQL's jsonlog (15+) names its level error_severity and keeps
	 * the DETAIL and HINT lines in detail and hint
	 * (https://www.postgresql.org/docs/15/runtime-config-logging.html#RUNTIME-CONFIG-LOGGING-JSONLOG);
	 * CloudNativePG wraps each such line in "record", and its Pooler wraps
	 * PgBouncer's lines there as level and msg
	 * (https://github.com/cloudnative-pg/cloudnative-pg/issues/263); PostgREST's errors say
	 * what failed in details (https://docs.postgrest.org/en/latest/references/errors.html). A web
	 * framework's error body gives the HTTP status as status (Spring Boot: {"status":404,"error":"Not Found"}). */
	(void)index;
	if (!root || root->kind != Y_MAP)
		return 1;
	for (size_t i = 0; fields[i].key; i++) {
		const struct ynode *v = y_get(root, fields[i].key);

		if (v && v->kind == Y_MAP)
			json_nested(jt, v, 0);
		else
			json_append(jt, fields[i].label, v);
	}
	return 0;
}

bool dx_json_line(const char *s, size_t len, char *out, size_t cap, size_t *outlen)
{
	struct arena a;
	struct diags quiet;
	struct json_text jt = {out, 0, cap};
	char *copy;
	int rc;

	if (len < 2 || s[0] != '{' || s[len - 1] != '}')
		return false;
	copy = malloc(len + 1);
	if (!copy)
		return false;
	memcpy(copy, s, len);
	copy[len] = '\0';
	out[0] = '\0';
	arena_init(&a, 16u * 1024 * 1024);
	diags_init(&quiet);
	rc = yaml_parse_stream(&a, &quiet, "-", copy, len, &yaml_default_limits, json_line_doc, &jt);
	diags_free(&quiet);
	arena_free(&a);
	free(copy);
	*outlen = jt.len;
	return rc == 0 && jt.len > 0;
}
