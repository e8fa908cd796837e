/* Security: the Pod Security Standards (baseline and restricted) per
 * container, credentials in plain sight, service account tokens, RBAC. */
#include <stdio.h>
#include <string.h>

#include "facts/facts.h"
#include "lint/internal.h"
#include "model/secrets.h"

/* Official images whose USER the kubelet cannot verify as non-root: the
 * user as the image names it ("root" when it runs as root) and the numeric
 * id to set instead. */
static const char *image_user(const struct image *img, char *numeric, size_t cap)
{
	static const struct {
		const char *image;
		const char *user;
		const char *numeric;
	} others[] = {
		{"traefik", "root", "65532"},
		{"nginx", "root", "101, with the nginx-unprivileged image"},
		{NULL, NULL, NULL},
	};

	if (image_role(img) == ROLE_ODOO) {
		odoo_uid_text(numeric, cap);
		return "odoo";
	}
	if (image_role(img) == ROLE_POSTGRES && strcmp(img->name, "postgres") == 0) {
		snprintf(numeric, cap, "%d (%d for the Alpine variants)", postgres_constants.uid_debian,
			 postgres_constants.uid_alpine);
		return "root";
	}
	for (size_t i = 0; others[i].image; i++)
		if (strcmp(img->name, others[i].image) == 0 && image_official(img)) {
			snprintf(numeric, cap, "%s", others[i].numeric);
			return others[i].user;
		}
	return NULL;
}

/* The stock Keycloak image rebuilds itself at start unless run with
 * --optimized, writing under /opt/keycloak: it cannot run read-only. */
static bool keycloak_builds_itself(const struct ynode *c)
{
	const char *image = y_text(y_get(c, "image"));
	const struct ynode *args = y_get(c, "args");

	if (!image || strncmp(image, keycloak_constants.repository, strlen(keycloak_constants.repository)) != 0)
		return false;
	for (size_t i = 0; args && args->kind == Y_SEQ && i < args->n; i++)
		if (y_text(args->items[i]) && strcmp(y_text(args->items[i]), "--optimized") == 0)
			return false;
	return true;
}

static const struct ynode *sc_field(const struct ynode *pod, const struct ynode *c, const char *key)
{
	const struct ynode *v = y_get(y_get(c, "securityContext"), key);
	return v ? v : y_get(y_get(pod, "securityContext"), key);
}

static void check_container(struct lint_run *r, const struct ynode *c, bool init, void *user)
{
	const struct ynode *pod = user;
	const struct ynode *sc = y_get(c, "securityContext");
	const struct ynode *v, *caps, *env, *ports;
	const char *name = y_text(y_get(c, "name"));
	const char *image = y_text(y_get(c, "image"));
	struct image img;
	struct arena a;

	(void)init;
	if (!name)
		name = "?";
	v = y_get(sc, "privileged");
	if (v && v->kind == Y_BOOL && v->b)
		lint_report(r, "SEC001", &v->pos, "container %s is privileged", name);
	v = y_get(sc, "allowPrivilegeEscalation");
	if (!v || v->kind != Y_BOOL || v->b)
		lint_report(r, "SEC002", v ? &v->pos : &c->pos, "container %s may gain privileges (allowPrivilegeEscalation is %s)",
			    name, v ? y_text(v) : "unset");
	v = sc_field(pod, c, "runAsNonRoot");
	if (!v || v->kind != Y_BOOL || !v->b) {
		lint_report(r, "SEC003", v ? &v->pos : &c->pos, "container %s does not require a non-root user", name);
	} else if (!sc_field(pod, c, "runAsUser") && image) {
		char numeric[128];
		const char *image_user_name;

		arena_init(&a, 1 << 20);
		image_parse(&a, image, &img);
		image_user_name = img.name ? image_user(&img, numeric, sizeof(numeric)) : NULL;
		if (image_user_name && strcmp(image_user_name, "root") == 0)
			lint_report(r, "SEC012", &y_get_pair(c, "image")->val->pos,
				    "container %s requires a non-root user but %s runs as root: the kubelet refuses it "
				    "(\"image will run as root\"); set runAsUser: %s", name, image, numeric);
		else if (image_user_name)
			lint_report(r, "SEC012", &y_get_pair(c, "image")->val->pos,
				    "container %s requires a non-root user but %s's user \"%s\" is a name: the kubelet "
				    "cannot verify it (CreateContainerConfigError); set runAsUser: %s",
				    name, image, image_user_name, numeric);
		arena_free(&a);
	}
	v = sc_field(pod, c, "runAsUser");
	if (v && v->kind == Y_INT && v->i == 0)
		lint_report(r, "SEC004", &v->pos, "container %s runs as user 0 (root)", name);
	v = y_get(sc_field(pod, c, "seccompProfile"), "type");
	if (!y_text(v) || strcmp(y_text(v), "Unconfined") == 0)
		lint_report(r, "SEC005", v ? &v->pos : &c->pos, "container %s has no seccomp profile", name);
	caps = y_get(sc, "capabilities");
	v = y_get(caps, "drop");
	{
		bool all = false;
		for (size_t i = 0; v && v->kind == Y_SEQ && i < v->n; i++)
			all = all || strcmp(y_text(v->items[i]) ? y_text(v->items[i]) : "", "ALL") == 0;
		if (!all)
			lint_report(r, "SEC006", v ? &v->pos : &c->pos, "container %s keeps Linux capabilities (drop does not list ALL)", name);
	}
	v = y_get(caps, "add");
	for (size_t i = 0; v && v->kind == Y_SEQ && i < v->n; i++)
		if (y_text(v->items[i]) && strcmp(y_text(v->items[i]), "NET_BIND_SERVICE") != 0)
			lint_report(r, "SEC007", &v->items[i]->pos, "container %s adds capability %s", name, y_text(v->items[i]));
	v = y_get(sc, "readOnlyRootFilesystem");
	if (!init && (!v || v->kind != Y_BOOL || !v->b) && !keycloak_builds_itself(c))
		lint_report(r, "SEC011", v ? &v->pos : &c->pos, "container %s can write to its root filesystem", name);
	ports = y_get(c, "ports");
	for (size_t i = 0; ports && ports->kind == Y_SEQ && i < ports->n; i++)
		if ((v = y_get(ports->items[i], "hostPort")) != NULL)
			lint_report(r, "SEC010", &v->pos, "container %s binds host port %s", name, y_text(v));
	env = y_get(c, "env");
	for (size_t i = 0; env && env->kind == Y_SEQ && i < env->n; i++) {
		const char *n = y_text(y_get(env->items[i], "name"));
		const struct ynode *val = y_get(env->items[i], "value");

		if (!n || !val || !y_text(val) || !y_text(val)[0] || !is_secret_name(n))
			continue;
		/* APP014 says it for PostgreSQL's own password. */
		if (strcmp(n, "POSTGRES_PASSWORD") == 0 && image && strstr(image, "postgres"))
			continue;
		lint_report(r, "SEC013", &val->pos, "container %s has credential %s as a literal value", name, n);
	}
}

static void check_pod(struct lint_run *r, const struct ynode *pod)
{
	static const char *const host[] = {"hostNetwork", "hostPID", "hostIPC"};
	const struct ynode *vols = y_get(pod, "volumes");
	const struct ynode *v = y_get(pod, "automountServiceAccountToken");

	for (size_t i = 0; i < 3; i++) {
		const struct ynode *h = y_get(pod, host[i]);
		if (h && h->kind == Y_BOOL && h->b)
			lint_report(r, "SEC008", &h->pos, "the pod shares the host's namespace (%s)", host[i]);
	}
	for (size_t i = 0; vols && vols->kind == Y_SEQ && i < vols->n; i++) {
		const struct ynode *hp = y_get(vols->items[i], "hostPath");
		if (hp)
			lint_report(r, "SEC009", &hp->pos, "volume %s mounts %s from the node",
				    y_text(y_get(vols->items[i], "name")) ? y_text(y_get(vols->items[i], "name")) : "?",
				    y_text(y_get(hp, "path")) ? y_text(y_get(hp, "path")) : "a host path");
	}
	if (!v || v->kind != Y_BOOL || v->b)
		lint_report(r, "SEC015", v ? &v->pos : &pod->pos, "the pod mounts a service account token");
	each_container(pod, check_container, r, (void *)pod);
}

static void check_config_map(struct lint_run *r, const struct ynode *doc)
{
	static const char *const conf_secrets[] = {"admin_passwd", "db_password", "smtp_password", NULL};
	const struct ynode *data = y_get(doc, "data");

	for (size_t i = 0; data && data->kind == Y_MAP && i < data->n; i++) {
		const struct ypair *p = &data->pairs[i];
		const char *v = y_text(p->val);

		if (is_secret_name(p->key) && v && v[0])
			lint_report(r, "SEC014", &p->kpos, "ConfigMap key %s holds a credential", p->key);
		/* A configuration file inside the ConfigMap, such as odoo.conf. */
		for (const char *const *k = conf_secrets; v && *k; k++) {
			const char *at = strstr(v, *k);
			if (!at || (at != v && at[-1] != '\n'))
				continue;
			at += strlen(*k);
			while (*at == ' ' || *at == '\t')
				at++;
			if (*at != '=' && *at != ':')
				continue;
			at++;
			while (*at == ' ' || *at == '\t')
				at++;
			if (*at && *at != '\n' && strncmp(at, "False", 5) != 0)
				lint_report(r, "SEC014", &p->val->pos, "%s in ConfigMap key %s holds a credential", *k, p->key);
		}
	}
}

static void check_role(struct lint_run *r, const struct ynode *doc)
{
	static const char *const fields[] = {"verbs", "resources", "apiGroups"};
	const struct ynode *rules = y_get(doc, "rules");

	for (size_t i = 0; rules && rules->kind == Y_SEQ && i < rules->n; i++) {
		const struct ynode *rule = rules->items[i];
		const struct ynode *res = y_get(rule, "resources");
		bool secrets = false, reads = false;

		for (size_t f = 0; f < 3; f++) {
			const struct ynode *l = y_get(rule, fields[f]);
			for (size_t k = 0; l && l->kind == Y_SEQ && k < l->n; k++)
				if (y_text(l->items[k]) && strcmp(y_text(l->items[k]), "*") == 0)
					lint_report(r, "SEC016", &l->items[k]->pos, "rule %zu grants every %s", i, fields[f]);
		}
		for (size_t k = 0; res && res->kind == Y_SEQ && k < res->n; k++)
			secrets = secrets || (y_text(res->items[k]) && strcmp(y_text(res->items[k]), "secrets") == 0);
		res = y_get(rule, "verbs");
		for (size_t k = 0; res && res->kind == Y_SEQ && k < res->n; k++) {
			const char *verb = y_text(res->items[k]);
			reads = reads || (verb && (strcmp(verb, "get") == 0 || strcmp(verb, "list") == 0 || strcmp(verb, "watch") == 0));
		}
		if (secrets && reads && !y_get(rule, "resourceNames"))
			lint_report(r, "SEC017", &rule->pos, "rule %zu reads every Secret of its scope", i);
	}
}

void rules_security(struct lint_run *r, const struct ynode *doc)
{
	const char *kind = y_text(y_get(doc, "kind"));
	const struct ynode *pod = pod_spec_of(doc);

	if (pod && pod->kind == Y_MAP)
		check_pod(r, pod);
	else if (kind && strcmp(kind, "ConfigMap") == 0)
		check_config_map(r, doc);
	else if (kind && (strcmp(kind, "Role") == 0 || strcmp(kind, "ClusterRole") == 0))
		check_role(r, doc);
}
