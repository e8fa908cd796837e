/* Values the servers accept, per document: PostgreSQL settings against the
 * version's ranges, units and removals (container args, CloudNativePG
 * parameters, postgresql.conf in ConfigMaps), shared_buffers within the
 * container's memory; Keycloak's pool sizes; host names that are DNS names;
 * Odoo probes on routes its version has. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "facts/odoo_options.h"
#include "facts/pg_params.h"
#include "k8s/quantity.h"
#include "lint/internal.h"

/* The newest major kgenius knows the settings of: an unknown version is judged as it. */
#define PG_NEWEST 17

struct pg_context {
	int major;                 /* 0: unknown (no removal is judged) */
	long long mem_limit;       /* the container's memory limit, 0 when unset */
	const char *where;         /* "container postgres", "CloudNativePG parameters" */
};

static void pg_setting(struct lint_run *r, const struct pg_context *cx, const char *name, const char *value,
		       const struct srcpos *pos)
{
	const struct pg_param *p = pg_param_named(name);
	enum pg_value_problem v;
	double base = 0;

	if (!p || !value)
		return;
	if (cx->major && ((p->removed && cx->major >= p->removed) || (p->since && cx->major < p->since))) {
		lint_report(r, "APP015", pos, "%s: PostgreSQL %d %s %s, so the server refuses to start (unrecognized "
					     "configuration parameter)%s%s", cx->where, cx->major,
			    p->removed && cx->major >= p->removed ? "no longer has" : "does not have yet", name,
			    p->replaced_by ? "; use " : "", p->replaced_by ? p->replaced_by : "");
		return;
	}
	v = pg_param_check(p, value, &base);
	if (v == PG_VALUE_NOT_A_NUMBER || v == PG_VALUE_BAD_UNIT)
		lint_report(r, "APP015", pos, "%s: %s = %s is not %s, so the server refuses to start", cx->where, name, value,
			    v == PG_VALUE_BAD_UNIT ? "a number with a unit PostgreSQL knows (units are case-sensitive)"
						   : "a number");
	else if (v != PG_VALUE_OK)
		lint_report(r, "APP015", pos, "%s: %s = %s is %s PostgreSQL's %s %lld%s, so the server refuses to start",
			    cx->where, name, value, v == PG_VALUE_BELOW ? "below" : "above",
			    v == PG_VALUE_BELOW ? "minimum" : "maximum", (v == PG_VALUE_BELOW ? p->min : p->max) / p->unit,
			    p->kind == PG_MEMORY ? (p->unit == 1024 ? " kB" : p->unit == 8192 ? " blocks of 8 kB" : " MB")
			    : p->kind == PG_TIME ? (p->unit == 1000 ? " ms" : p->unit == 1000000 ? " s" : " min") : "");
	else if (strcmp(name, "shared_buffers") == 0 && cx->mem_limit && base >= (double)cx->mem_limit)
		lint_report(r, "APP015", pos, "%s: shared_buffers = %s does not fit the container's memory limit of %lld MiB: "
					     "PostgreSQL is killed (OOMKilled) as the buffers fill", cx->where, value,
			    cx->mem_limit / (1024 * 1024));
}

/* "name=value" after -c, or "--name=value". */
static void pg_assignment(struct lint_run *r, const struct pg_context *cx, const char *text, const struct srcpos *pos)
{
	const char *eq = strchr(text, '=');
	char name[96];

	if (!eq || (size_t)(eq - text) >= sizeof(name))
		return;
	memcpy(name, text, (size_t)(eq - text));
	name[eq - text] = '\0';
	pg_setting(r, cx, name, eq + 1, pos);
}

static void pg_args(struct lint_run *r, const struct ynode *c, const struct image *img)
{
	const struct ynode *args = y_get(c, "args");
	struct pg_context cx = {img->major > 0 ? img->major : PG_NEWEST, 0, "container args"};

	cx.mem_limit = parse_memory_quantity(y_text(y_get(y_get(y_get(c, "resources"), "limits"), "memory")));
	for (size_t i = 0; args && args->kind == Y_SEQ && i < args->n; i++) {
		const char *a = y_text(args->items[i]);

		if (!a)
			continue;
		if (strcmp(a, "-c") == 0 && i + 1 < args->n && y_text(args->items[i + 1])) {
			i++;
			pg_assignment(r, &cx, y_text(args->items[i]), &args->items[i]->pos);
		}
		else if (strncmp(a, "-c", 2) == 0 && a[2])
			pg_assignment(r, &cx, a + 2, &args->items[i]->pos);
		else if (strncmp(a, "--", 2) == 0)
			pg_assignment(r, &cx, a + 2, &args->items[i]->pos);
	}
}

static void cnpg_parameters(struct lint_run *r, const struct ynode *doc)
{
	const struct ynode *spec = y_get(doc, "spec");
	const struct ynode *params = y_get(y_get(spec, "postgresql"), "parameters");
	const char *image = y_text(y_get(spec, "imageName"));
	struct image img = {0};
	struct arena a;
	struct pg_context cx = {PG_NEWEST, 0, "CloudNativePG parameters"};

	arena_init(&a, 0);
	if (image && image_ref_role(image, &img, &a) == ROLE_POSTGRES && img.major > 0)
		cx.major = img.major;
	cx.mem_limit = parse_memory_quantity(y_text(y_get(y_get(y_get(spec, "resources"), "limits"), "memory")));
	for (size_t i = 0; params && params->kind == Y_MAP && i < params->n; i++)
		pg_setting(r, &cx, params->pairs[i].key, y_text(params->pairs[i].val), &params->pairs[i].val->pos);
	arena_free(&a);
}

/* postgresql.conf in a ConfigMap: "name = value  # comment", quotes optional. */
static void pg_conf(struct lint_run *r, const struct ynode *text_node)
{
	const char *text = y_text(text_node);
	struct pg_context cx = {0, 0, "postgresql.conf"};
	char line[512];

	while (text && *text) {
		size_t len = strcspn(text, "\n");
		char *p = line, *eq, *end;

		snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) ? len : sizeof(line) - 1), text);
		text += len + (text[len] == '\n');
		*strchrnul(line, '#') = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!(eq = strchr(p, '=')))
			continue;
		for (end = eq; end > p && (end[-1] == ' ' || end[-1] == '\t'); end--)
			;
		*end = '\0';
		for (eq++; *eq == ' ' || *eq == '\t' || *eq == '\''; eq++)
			;
		for (end = eq + strlen(eq); end > eq && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\'' || end[-1] == '\r'); end--)
			;
		*end = '\0';
		pg_setting(r, &cx, p, eq, &text_node->pos);
	}
}

/* Quarkus' Agroal pool: a maximum below 1 leaves Keycloak no connection. */
static void keycloak_pool(struct lint_run *r, const struct ynode *c)
{
	const struct ynode *env = y_get(c, "env");

	for (size_t i = 0; env && env->kind == Y_SEQ && i < env->n; i++) {
		const char *n = y_text(y_get(env->items[i], "name"));
		const char *v = y_text(y_get(env->items[i], "value"));
		char *end;
		long size;

		if (!n || !v || (strcmp(n, "KC_DB_POOL_MAX_SIZE") != 0 && strcmp(n, "KC_DB_POOL_INITIAL_SIZE") != 0))
			continue;
		size = strtol(v, &end, 10);
		if (*end || end == v || (strcmp(n, "KC_DB_POOL_MAX_SIZE") == 0 ? size < 1 : size < 0))
			lint_report(r, "APP016", &y_get(env->items[i], "value")->pos,
				    "%s = %s: Keycloak needs a whole number%s, or it has no database connection to start with",
				    n, v, strcmp(n, "KC_DB_POOL_MAX_SIZE") == 0 ? " of at least 1" : " of at least 0");
	}
}

static const char *const probes[] = {"livenessProbe", "readinessProbe", "startupProbe"};

/* The path of a probe on Odoo's /web/health, or NULL. */
static const struct ynode *health_probe(const struct ynode *c, size_t probe)
{
	const struct ynode *path = y_get(y_get(y_get(c, probes[probe]), "httpGet"), "path");

	return y_text(path) && strncmp(y_text(path), odoo_constants.health_path, strlen(odoo_constants.health_path)) == 0
		       ? path
		       : NULL;
}

static bool has_health_probe(const struct ynode *c)
{
	for (size_t i = 0; i < 3; i++)
		if (health_probe(c, i))
			return true;
	return false;
}

/* /web/health arrived in Odoo 15.0: before, it answers 404 and the probe
 * restarts the pod forever. */
static void odoo_probes(struct lint_run *r, const struct ynode *c, const struct image *img)
{
	struct odoo_facts f;

	odoo_facts(img, &f);
	if (f.health_route)
		return;
	for (size_t i = 0; i < 3; i++) {
		const struct ynode *path = health_probe(c, i);
		if (path)
			lint_report(r, "APP018", &path->pos, "%s on %s: Odoo %d.0 has no such route (it arrived in 15.0), "
							     "so the probe fails and the pod restarts forever",
				    probes[i], y_text(path), img->major);
	}
}

struct server_ctx {
	struct arena a;
};

static void server_container(struct lint_run *r, const struct ynode *c, bool init, void *user)
{
	struct server_ctx *cx = user;
	const char *image = y_text(y_get(c, "image"));
	struct image img;
	enum role role;

	/* Only a container with something to judge pays for reading its image:
	 * settings in args, Keycloak's pool in env, or an Odoo image (whose
	 * name holds "odoo", mirrors included) that may probe /web/health. */
	if (init || !image || !(y_get(c, "args") || y_get(c, "env") || (strstr(image, "odoo") && has_health_probe(c))))
		return;
	role = image_ref_role(image, &img, &cx->a);
	if (role == ROLE_POSTGRES)
		pg_args(r, c, &img);
	else if (role == ROLE_KEYCLOAK)
		keycloak_pool(r, c);
	if (y_get(c, "env"))
		keycloak_hostname(r, c);
	else if (role == ROLE_ODOO && img.major > 0)
		odoo_probes(r, c, &img);
}

void rules_server(struct lint_run *r, const struct ynode *doc)
{
	const char *kind = y_text(y_get(doc, "kind"));
	const struct ynode *pod = pod_spec_of(doc);

	if (!kind)
		return;
	if (pod) {
		struct server_ctx cx;

		arena_init(&cx.a, 0);
		each_container(pod, server_container, r, &cx);
		arena_free(&cx.a);
	} else if (strcmp(kind, "Cluster") == 0 && strstr(y_text(y_get(doc, "apiVersion")) ? y_text(y_get(doc, "apiVersion")) : "", "cnpg.io"))
		cnpg_parameters(r, doc);
	else if (strcmp(kind, "ConfigMap") == 0 && y_get(y_get(doc, "data"), "postgresql.conf"))
		pg_conf(r, y_get(y_get(doc, "data"), "postgresql.conf"));
}

/* An odoo.conf option the series of the namespace's Odoo does not have:
 * Odoo ignores it and the setting does nothing. */
static void odoo_options(struct lint_run *r)
{
	const struct lint_index *ix = &r->index;

	for (size_t c = 0; c < ix->nconfs; c++) {
		const struct odoo_conf_facts *f = &ix->confs[c];
		int major = 0;

		for (size_t i = 0; i < ix->nworkloads && !major; i++)
			if (ix->workloads[i].odoo && strcmp(ix->workloads[i].ns, f->ns) == 0)
				major = ix->workloads[i].odoo_major;
		for (size_t k = 0; major && k < f->nversioned; k++) {
			const struct odoo_option *o = odoo_option_named(f->versioned[k]);
			if (!odoo_option_in(o, major))
				lint_report_at(r, "APP020", &f->versioned_pos[k], f->object, f->ignore,
					       "odoo.conf sets %s, which Odoo %d.0 does not have: it is ignored; use %s", o->name,
					       major, o->instead);
		}
	}
}

/* Without Odoo (APP001 counts Odoo with the pools beside it), Keycloak's
 * pools alone must fit in max_connections: every pod the autoscalers allow
 * may open KC_DB_POOL_MAX_SIZE connections. */
static void keycloak_pools(struct lint_run *r)
{
	const struct lint_index *ix = &r->index;
	int max_conn = ix->pg_max_connections ? ix->pg_max_connections : postgres_constants.default_max_connections;
	long long used = postgres_constants.superuser_reserved;
	const struct workload *first = NULL;

	for (size_t i = 0; i < ix->nworkloads; i++) {
		const struct workload *w = &ix->workloads[i];
		int pods = w->replicas > 0 ? w->replicas : 1;

		if (w->odoo)
			return;
		if (!w->keycloak)
			continue;
		for (size_t k = 0; k < ix->nautoscalers; k++)
			if (ix->autoscalers[k].target && strcmp(ix->autoscalers[k].target, w->name) == 0 &&
			    strcmp(ix->autoscalers[k].ns, w->ns) == 0 && ix->autoscalers[k].max > pods)
				pods = ix->autoscalers[k].max;
		used += (long long)pods * w->keycloak_pool;
		first = first ? first : w;
	}
	if (first && ix->pg_max_connections > 0 && used > max_conn)
		lint_report_at(r, "APP019", &first->pos, first->object, first->ignore,
			       "Keycloak's pods may open %lld connections (pods x KC_DB_POOL_MAX_SIZE, plus %d reserved), above "
			       "PostgreSQL's max_connections %d: \"sorry, too many clients already\"", used,
			       postgres_constants.superuser_reserved, max_conn);
}

void rules_server_cross(struct lint_run *r)
{
	odoo_options(r);
	keycloak_pools(r);
}
