/* How a service runs: command, entrypoint, environment, env_file,
 * healthcheck, depends_on, build, extends, logging, ulimits, restart. */
#include <string.h>

#include "compose/service.h"
#include "compose/values.h"

static bool put(struct loader *ld, struct ynode *map, const char *key, struct ynode *val)
{
	if (!val || !y_set(ld->a, map, key, val)) {
		ld_oom(ld, &map->pos);
		return false;
	}
	return true;
}

static bool push(struct loader *ld, struct ynode *seq, struct ynode *val)
{
	if (!val || !y_push(ld->a, seq, val)) {
		ld_oom(ld, &seq->pos);
		return false;
	}
	return true;
}

struct ynode *norm_command(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *out;
	char **words = NULL;
	size_t n = 0;
	const char *err = NULL;

	if (v->kind == Y_SEQ)
		return want_string_list(ld, v, path);
	if (!y_is_scalar(v)) {
		ld_error(ld, &v->pos, NULL, "%s must be a string or a list, not a %s", path, y_kind_name(v->kind));
		return NULL;
	}
	if (shell_split(y_text(v), &words, &n, &err) != 0) {
		ld_error(ld, &v->pos, "close the quote, or write the command as a list", "%s: %s", path, err);
		return NULL;
	}
	out = y_new(ld->a, Y_SEQ, &v->pos);
	for (size_t i = 0; out && i < n; i++)
		if (!push(ld, out, y_str(ld->a, words[i], &v->pos)))
			out = NULL;
	if (!out)
		ld_oom(ld, &v->pos);
	shell_words_free(words, n);
	return out;
}

struct ynode *norm_environment(struct loader *ld, const struct ynode *v, const char *path)
{
	return want_string_map(ld, v, path, true);
}

static const struct field env_file_fields[] = {
	{"format", F_STRING, NULL},
	{"path", F_STRING, NULL},
	{"required", F_BOOL, NULL},
	{NULL, F_ANY, NULL},
};

static struct ynode *env_file_entry(struct loader *ld, const struct ynode *e, const char *path)
{
	struct ynode *m;

	if (e->kind == Y_MAP) {
		m = norm_fields(ld, e, path, env_file_fields, "an env_file entry");
		if (!m)
			return NULL;
		if (!y_get(m, "path")) {
			ld_error(ld, &e->pos, "add path: <file>", "%s needs a path", path);
			return NULL;
		}
	} else {
		struct ynode *s = want_string(ld, e, path);
		if (!s)
			return NULL;
		m = y_new(ld->a, Y_MAP, &e->pos);
		if (!m || !put(ld, m, "path", s))
			return NULL;
	}
	if (!y_get(m, "required") && !put(ld, m, "required", y_bool(ld->a, true, &e->pos)))
		return NULL;
	return ld_absolutize(ld, y_get(m, "path")) ? m : NULL;
}

struct ynode *norm_env_file(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *out = y_new(ld->a, Y_SEQ, &v->pos);

	if (!out)
		return ld_oom(ld, &v->pos), NULL;
	if (v->kind != Y_SEQ)
		return push(ld, out, env_file_entry(ld, v, path)) ? out : NULL;
	for (size_t i = 0; i < v->n; i++)
		if (!push(ld, out, env_file_entry(ld, v->items[i], ld_index(ld, path, i))))
			return NULL;
	return out;
}

static struct ynode *norm_health_test(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *out;

	if (v->kind == Y_SEQ) {
		out = want_string_list(ld, v, path);
		if (out && out->n && strcmp(out->items[0]->text, "CMD") != 0 &&
		    strcmp(out->items[0]->text, "CMD-SHELL") != 0 && strcmp(out->items[0]->text, "NONE") != 0) {
			ld_error(ld, &v->pos, "start the list with \"CMD\" (exec) or \"CMD-SHELL\" (shell)",
				 "%s: the first item must be CMD, CMD-SHELL or NONE, not \"%s\"", path,
				 out->items[0]->text);
			return NULL;
		}
		return out;
	}
	if (v->kind != Y_STR) {
		ld_error(ld, &v->pos, NULL, "%s must be a string or a list, not a %s", path, y_kind_name(v->kind));
		return NULL;
	}
	out = y_new(ld->a, Y_SEQ, &v->pos);
	if (!out || !push(ld, out, y_str(ld->a, "CMD-SHELL", &v->pos)) || !push(ld, out, y_str(ld->a, v->text, &v->pos)))
		return NULL;
	return out;
}

static const struct field healthcheck_fields[] = {
	{"disable", F_BOOL, NULL},
	{"interval", F_DURATION, NULL},
	{"retries", F_INT, NULL},
	{"start_interval", F_DURATION, NULL},
	{"start_period", F_DURATION, NULL},
	{"test", F_CUSTOM, norm_health_test},
	{"timeout", F_DURATION, NULL},
	{NULL, F_ANY, NULL},
};

struct ynode *norm_healthcheck(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *m = norm_fields(ld, v, path, healthcheck_fields, "healthcheck");
	struct ynode *test;

	if (!m)
		return NULL;
	/* test: ["NONE"] is the long way of writing disable: true. */
	test = y_get(m, "test");
	if (test && test->kind == Y_SEQ && test->n && strcmp(test->items[0]->text, "NONE") == 0) {
		y_del(m, "test");
		if (!put(ld, m, "disable", y_bool(ld->a, true, &test->pos)))
			return NULL;
	}
	return m;
}

static struct ynode *norm_condition(struct loader *ld, const struct ynode *v, const char *path)
{
	static const char *const conditions[] = {
		"service_started", "service_healthy", "service_completed_successfully", NULL,
	};
	struct ynode *s = want_string(ld, v, path);

	if (!s)
		return NULL;
	for (const char *const *c = conditions; *c; c++)
		if (strcmp(s->text, *c) == 0)
			return s;
	ld_error(ld, &v->pos, "use service_started, service_healthy or service_completed_successfully",
		 "%s: unknown condition \"%s\"", path, s->text);
	return NULL;
}

static const struct field depends_fields[] = {
	{"condition", F_CUSTOM, norm_condition},
	{"required", F_BOOL, NULL},
	{"restart", F_BOOL, NULL},
	{NULL, F_ANY, NULL},
};

/* Every dependency has a condition and says whether it is required. */
struct ynode *norm_depends_on(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *out = norm_name_map(ld, v, path, depends_fields, "depends_on", true);

	for (size_t i = 0; out && i < out->n; i++) {
		struct ynode *spec = out->pairs[i].val;
		const struct srcpos *kpos = &out->pairs[i].kpos;

		if (!y_get(spec, "condition") && !put(ld, spec, "condition", y_str(ld->a, "service_started", kpos)))
			return NULL;
		if (!y_get(spec, "required") && !put(ld, spec, "required", y_bool(ld->a, true, kpos)))
			return NULL;
	}
	return out;
}

static bool is_remote_context(const char *s)
{
	return strstr(s, "://") || strncmp(s, "git@", 4) == 0 || strncmp(s, "github.com/", 11) == 0;
}

static struct ynode *norm_build_args(struct loader *ld, const struct ynode *v, const char *path)
{
	return want_string_map(ld, v, path, true);
}

static struct ynode *norm_string_map(struct loader *ld, const struct ynode *v, const char *path)
{
	return want_string_map(ld, v, path, false);
}

static const struct field build_fields[] = {
	{"additional_contexts", F_CUSTOM, norm_string_map},
	{"args", F_CUSTOM, norm_build_args},
	{"cache_from", F_STRINGS, NULL},
	{"cache_to", F_STRINGS, NULL},
	{"context", F_STRING, NULL},
	{"dockerfile", F_STRING, NULL},
	{"dockerfile_inline", F_STRING, NULL},
	{"entitlements", F_STRINGS, NULL},
	{"extra_hosts", F_CUSTOM, norm_extra_hosts},
	{"isolation", F_STRING, NULL},
	{"labels", F_CUSTOM, norm_string_map},
	{"network", F_STRING, NULL},
	{"no_cache", F_BOOL, NULL},
	{"platforms", F_STRINGS, NULL},
	{"privileged", F_BOOL, NULL},
	{"provenance", F_ANY, NULL},
	{"pull", F_BOOL, NULL},
	{"sbom", F_ANY, NULL},
	{"secrets", F_CUSTOM, norm_file_refs},
	{"shm_size", F_BYTES, NULL},
	{"ssh", F_ANY, NULL},
	{"tags", F_STRINGS, NULL},
	{"target", F_STRING, NULL},
	{"ulimits", F_CUSTOM, norm_ulimits},
	{NULL, F_ANY, NULL},
};

struct ynode *norm_build(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *m, *ctx;

	if (v->kind == Y_STR) {
		m = y_new(ld->a, Y_MAP, &v->pos);
		if (!m || !put(ld, m, "context", y_str(ld->a, v->text, &v->pos)))
			return NULL;
	} else {
		m = norm_fields(ld, v, path, build_fields, "build");
		if (!m)
			return NULL;
		if (!y_get(m, "context") && !put(ld, m, "context", y_str(ld->a, ".", &v->pos)))
			return NULL;
	}
	ctx = y_get(m, "context");
	if (!is_remote_context(ctx->text) && !ld_absolutize(ld, ctx))
		return NULL;
	if (!y_get(m, "dockerfile") && !y_get(m, "dockerfile_inline") &&
	    !put(ld, m, "dockerfile", y_str(ld->a, "Dockerfile", &v->pos)))
		return NULL;
	return m;
}

static const struct field extends_fields[] = {
	{"file", F_STRING, NULL},
	{"service", F_STRING, NULL},
	{NULL, F_ANY, NULL},
};

struct ynode *norm_extends(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *m;

	if (v->kind == Y_STR) {
		m = y_new(ld->a, Y_MAP, &v->pos);
		if (!m || !put(ld, m, "service", y_str(ld->a, v->text, &v->pos)))
			return NULL;
		return m;
	}
	m = norm_fields(ld, v, path, extends_fields, "extends");
	if (m && !y_get(m, "service")) {
		ld_error(ld, &v->pos, "add service: <name of the service to extend>", "%s needs a service", path);
		return NULL;
	}
	return m;
}

static const struct field logging_fields[] = {
	{"driver", F_STRING, NULL},
	{"options", F_STRING_MAP, NULL},
	{NULL, F_ANY, NULL},
};

struct ynode *norm_logging(struct loader *ld, const struct ynode *v, const char *path)
{
	return norm_fields(ld, v, path, logging_fields, "logging");
}

static const struct field ulimit_fields[] = {
	{"hard", F_INT, NULL},
	{"soft", F_INT, NULL},
	{NULL, F_ANY, NULL},
};

struct ynode *norm_ulimits(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *out;

	out = ld_new_checked(ld, v, Y_MAP, path);
	if (!out)
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		const struct ypair *p = &v->pairs[i];
		const char *ipath = ld_path(ld, path, p->key);
		struct ynode *val = p->val->kind == Y_MAP
			? norm_fields(ld, p->val, ipath, ulimit_fields, "a ulimit")
			: want_int(ld, p->val, ipath);

		if (!val)
			return NULL;
		if (val->kind == Y_MAP && (!y_get(val, "soft") || !y_get(val, "hard"))) {
			ld_error(ld, &p->val->pos, "give both soft: and hard:", "%s needs soft and hard", ipath);
			return NULL;
		}
		if (!y_set_at(ld->a, out, p->key, &p->kpos, val))
			return ld_oom(ld, &v->pos), NULL;
	}
	return out;
}

struct ynode *norm_restart(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *s;
	const char *t;

	/* `restart: no` read as YAML 1.1 is false; it means "no". */
	if (v->kind == Y_BOOL && !v->b)
		return y_str(ld->a, "no", &v->pos);
	s = want_string(ld, v, path);
	if (!s)
		return NULL;
	t = s->text;
	if (strcmp(t, "no") != 0 && strcmp(t, "always") != 0 && strcmp(t, "unless-stopped") != 0 &&
	    strncmp(t, "on-failure", 10) != 0)
		ld_warn(ld, &v->pos, "use no, always, on-failure[:N] or unless-stopped",
			"%s: unknown restart policy \"%s\"", path, t);
	return s;
}
