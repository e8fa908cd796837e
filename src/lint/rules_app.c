/* What the applications need, per document: Odoo's entrypoint and
 * database wiring, Keycloak's hostname, proxy headers, health port and
 * start mode, PostgreSQL's data directory, replicas and password. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "lint/internal.h"

static bool list_has(const struct ynode *l, const char *word)
{
	for (size_t i = 0; l && l->kind == Y_SEQ && i < l->n; i++)
		if (y_text(l->items[i]) && strcmp(y_text(l->items[i]), word) == 0)
			return true;
	return false;
}

static void odoo_container(struct lint_run *r, const struct ynode *c, const char *name)
{
	static const struct {
		int var;
		const char *what;
	} wiring[] = {{ODOO_VAR_HOST, "host"}, {ODOO_VAR_USER, "user"}, {ODOO_VAR_PASSWORD, "password"}};
	const struct ynode *cmd = y_get(c, "command");

	if (cmd)
		lint_report(r, "APP006", &cmd->pos,
			    "container %s sets command, which replaces the Odoo image's entrypoint: HOST, USER and PASSWORD "
			    "no longer reach Odoo (fe_sendauth: no password supplied)", name);
	for (size_t i = 0; i < 3; i++) {
		const struct entrypoint_var *v = &odoo_entrypoint_vars[wiring[i].var];

		if (!env_literal(c, v->name))
			lint_report(r, "APP007", &c->pos, "container %s does not set %s: the image falls back to the %s %s",
				    name, v->name, wiring[i].what, v->fallback);
	}
}

static void keycloak_container(struct lint_run *r, const struct ynode *c, const char *name, const struct image *img)
{
	const struct ynode *args = y_get(c, "args");
	const struct ynode *cmd = y_get(c, "command");
	const char *strict = env_literal(c, "KC_HOSTNAME_STRICT");
	struct keycloak_facts kf;
	char mgmt_port[16];
	bool dev = list_has(args, "start-dev") || list_has(cmd, "start-dev");
	static const char *const probes[] = {"livenessProbe", "readinessProbe", "startupProbe"};

	if (dev)
		lint_report(r, "APP011", args ? &args->pos : &c->pos, "container %s runs Keycloak in development mode", name);
	if (!dev && !env_literal(c, "KC_HOSTNAME") && !(strict && strcmp(strict, "false") == 0))
		lint_report(r, "APP008", &c->pos, "container %s: Keycloak's start fails with \"hostname is not configured\"", name);
	if (!env_literal(c, "KC_PROXY_HEADERS") && !env_literal(c, "KC_PROXY"))
		lint_report(r, "APP009", &c->pos, "container %s: behind a proxy, Keycloak answers 403 on origin checks "
			    "without KC_PROXY_HEADERS", name);
	keycloak_facts(img, &kf);
	if (!kf.management_port)
		return;
	snprintf(mgmt_port, sizeof(mgmt_port), "%d", keycloak_constants.management_port);
	for (size_t i = 0; i < 3; i++) {
		const struct ynode *port = y_get(y_get(y_get(c, probes[i]), "httpGet"), "port");
		const char *p = y_text(port);

		if (p && strcmp(p, mgmt_port) != 0 && strcmp(p, "management") != 0)
			lint_report(r, "APP010", &port->pos, "container %s: %s targets port %s, but Keycloak %s serves health "
				    "on the management port %s", name, probes[i], p, img->tag, mgmt_port);
	}
}

/* Whether the mount is backed by a block volume, where a new file system
 * holds lost+found: a claim, a generic ephemeral volume, or a name with no
 * pod volume (a StatefulSet's volumeClaimTemplates). */
static bool on_block_volume(const struct ynode *pod, const struct ynode *mount)
{
	const char *want = y_text(y_get(mount, "name"));
	const struct ynode *vols = y_get(pod, "volumes");

	for (size_t i = 0; want && vols && vols->kind == Y_SEQ && i < vols->n; i++) {
		const struct ynode *v = vols->items[i];
		const char *name = y_text(y_get(v, "name"));
		if (name && strcmp(name, want) == 0)
			return y_get(v, "persistentVolumeClaim") || y_get(v, "ephemeral");
	}
	return true;
}

static void postgres_container(struct lint_run *r, const struct ynode *pod, const struct ynode *c, const char *name,
			       const struct image *img)
{
	const struct ynode *mounts = y_get(c, "volumeMounts");
	const char *pgdata = env_literal(c, "PGDATA");
	const struct ynode *env = y_get(c, "env");
	const char *data_dir = postgres_constants.legacy_data_dir;
	struct postgres_facts pf;

	for (size_t i = 0; env && env->kind == Y_SEQ && i < env->n; i++) {
		const char *n = y_text(y_get(env->items[i], "name"));
		const struct ynode *v = y_get(env->items[i], "value");
		if (n && strcmp(n, "POSTGRES_PASSWORD") == 0 && v)
			lint_report(r, "APP014", &v->pos, "container %s has POSTGRES_PASSWORD as a literal value", name);
	}
	postgres_facts(img, &pf);
	if (!pf.pgdata_at_mount_root)
		return;
	for (size_t i = 0; mounts && mounts->kind == Y_SEQ && i < mounts->n; i++) {
		const char *path = y_text(y_get(mounts->items[i], "mountPath"));
		const char *sub = y_text(y_get(mounts->items[i], "subPath"));

		if (!path || strcmp(path, data_dir) != 0 || (sub && sub[0]) || !on_block_volume(pod, mounts->items[i]))
			continue;
		if (!pgdata || strcmp(pgdata, path) == 0 ||
		    (strncmp(pgdata, data_dir, strlen(data_dir)) == 0 && strcmp(pgdata + strlen(data_dir), "/") == 0))
			lint_report(r, "APP012", &mounts->items[i]->pos,
				    "container %s keeps PGDATA at the volume's root: on a new block volume initdb fails "
				    "(\"directory exists but is not empty\", lost+found)", name);
	}
}

struct pod_ref {
	const struct ynode *pod;
};

static void check_container(struct lint_run *r, const struct ynode *c, bool init, void *user)
{
	const struct pod_ref *ref = user;
	const char *name = y_text(y_get(c, "name")) ? y_text(y_get(c, "name")) : "?";
	struct arena a;
	struct image img;

	if (init)
		return;
	arena_init(&a, 1 << 20);
	switch (image_ref_role(y_text(y_get(c, "image")), &img, &a)) {
	case ROLE_ODOO:
		odoo_container(r, c, name);
		break;
	case ROLE_KEYCLOAK:
		keycloak_container(r, c, name, &img);
		break;
	case ROLE_POSTGRES:
		postgres_container(r, ref->pod, c, name, &img);
		break;
	default:
		break;
	}
	arena_free(&a);
}

void rules_application(struct lint_run *r, const struct ynode *doc)
{
	const char *kind = y_text(y_get(doc, "kind"));
	const struct ynode *pod = pod_spec_of(doc);
	const struct ynode *replicas = y_get(y_get(doc, "spec"), "replicas");
	const struct ynode *cs = y_get(pod, "containers");

	struct pod_ref ref = {pod};

	if (!pod || pod->kind != Y_MAP)
		return;
	each_container(pod, check_container, r, &ref);
	if (kind && strcmp(kind, "StatefulSet") == 0 && replicas && replicas->kind == Y_INT && replicas->i > 1) {
		for (size_t i = 0; cs && cs->kind == Y_SEQ && i < cs->n; i++) {
			const char *image = y_text(y_get(cs->items[i], "image"));
			if (image && strstr(image, "postgres"))
				lint_report(r, "APP013", &replicas->pos,
					    "%lld replicas of a PostgreSQL StatefulSet are %lld independent databases: each pod "
					    "initialises its own, and nothing replicates or fails over", replicas->i, replicas->i);
		}
	}
}
