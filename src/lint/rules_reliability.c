/* Reliability, per document: probes, requests and limits, image tags,
 * spreading, autoscaler bounds. (Replica counts against PDBs and autoscaler
 * targets are cross-resource: src/lint/rules_cross.c.) */
#include <stdlib.h>
#include <string.h>

#include "lint/internal.h"

static bool long_running(const char *kind)
{
	return strcmp(kind, "Deployment") == 0 || strcmp(kind, "StatefulSet") == 0 || strcmp(kind, "DaemonSet") == 0;
}

static bool declares_port(const struct ynode *c, const char *port_name)
{
	const struct ynode *ports = y_get(c, "ports");

	for (size_t i = 0; ports && ports->kind == Y_SEQ && i < ports->n; i++) {
		const char *n = y_text(y_get(ports->items[i], "name"));
		if (n && strcmp(n, port_name) == 0)
			return true;
	}
	return false;
}

/* A probe on a port name the container does not declare never succeeds:
 * the kubelet cannot resolve it, and the pod never becomes ready. */
static void probe_ports(struct lint_run *r, const struct ynode *c, const char *name)
{
	static const char *const probes[] = {"livenessProbe", "readinessProbe", "startupProbe"};
	static const char *const handlers[] = {"httpGet", "tcpSocket", "grpc"};

	for (size_t i = 0; i < 3; i++)
		for (size_t h = 0; h < 3; h++) {
			const struct ynode *port = y_get(y_get(y_get(c, probes[i]), handlers[h]), "port");
			if (port && port->kind == Y_STR && !declares_port(c, port->text))
				lint_report(r, "REL012", &port->pos, "container %s: %s uses port %s, which the container does not declare",
					    name, probes[i], port->text);
		}
}

struct env_entry {
	const char *name;
	const struct ynode *item;
};

static int env_entry_cmp(const void *a, const void *b)
{
	const struct env_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return (x->item->pos.line > y->item->pos.line) - (x->item->pos.line < y->item->pos.line);
}

/* Two entries of one name: the last one wins, silently. Sorted, not
 * compared pairwise, so a hostile list of 100,000 entries stays fast. */
static void duplicate_env(struct lint_run *r, const struct ynode *c, const char *name)
{
	const struct ynode *env = y_get(c, "env");
	struct env_entry *v;
	size_t n = 0;

	if (!env || env->kind != Y_SEQ || env->n < 2)
		return;
	v = malloc(env->n * sizeof(*v));
	if (!v)
		return;
	for (size_t i = 0; i < env->n; i++)
		if (y_text(y_get(env->items[i], "name")))
			v[n++] = (struct env_entry){y_text(y_get(env->items[i], "name")), env->items[i]};
	qsort(v, n, sizeof(*v), env_entry_cmp);
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i].name, v[i - 1].name) == 0)
			lint_report(r, "REL013", &v[i].item->pos, "container %s sets %s twice (line %d and here); the last one wins",
				    name, v[i].name, v[i - 1].item->pos.line);
	free(v);
}

static void check_container(struct lint_run *r, const struct ynode *c, bool init, void *user)
{
	const char *kind = user;
	const char *name = y_text(y_get(c, "name")) ? y_text(y_get(c, "name")) : "?";
	const struct ynode *res = y_get(c, "resources");
	const struct ynode *image = y_get(c, "image");
	const char *ref = y_text(image);

	if (!init && long_running(kind)) {
		if (!y_get(c, "livenessProbe"))
			lint_report(r, "REL001", &c->pos, "container %s has no liveness probe", name);
		if (!y_get(c, "readinessProbe"))
			lint_report(r, "REL002", &c->pos, "container %s has no readiness probe", name);
	}
	if (!y_get(y_get(res, "requests"), "cpu") || !y_get(y_get(res, "requests"), "memory"))
		lint_report(r, "REL003", res ? &res->pos : &c->pos, "container %s does not request CPU and memory", name);
	if (!y_get(y_get(res, "limits"), "memory"))
		lint_report(r, "REL004", res ? &res->pos : &c->pos, "container %s has no memory limit", name);
	probe_ports(r, c, name);
	duplicate_env(r, c, name);
	if (ref && !strchr(ref, '@')) {
		const char *slash = strrchr(ref, '/');
		const char *colon = strchr(slash ? slash : ref, ':');

		if (!colon || strcmp(colon + 1, "latest") == 0)
			lint_report(r, "REL008", &image->pos, "container %s uses %s, which is not pinned to a version", name, ref);
	}
}

/* The API server refuses a workload whose selector does not match its own
 * pod template's labels. */
static void selector_matches_template(struct lint_run *r, const struct ynode *spec)
{
	const struct ynode *want = y_get(y_get(spec, "selector"), "matchLabels");
	const struct ynode *have = y_get(y_get(y_get(spec, "template"), "metadata"), "labels");

	for (size_t i = 0; want && want->kind == Y_MAP && i < want->n; i++) {
		const char *k = want->pairs[i].key;
		const char *v = y_text(want->pairs[i].val);
		const char *t = y_text(y_get(have, k));
		if (!t || !v || strcmp(t, v) != 0) {
			lint_report(r, "REL014", &want->pairs[i].val->pos,
				    "selector %s=%s does not match the pod template's labels (%s=%s)", k, v ? v : "",
				    k, t ? t : "absent");
			return;
		}
	}
}

void rules_reliability(struct lint_run *r, const struct ynode *doc)
{
	const char *kind = y_text(y_get(doc, "kind"));
	const struct ynode *pod = pod_spec_of(doc);
	const struct ynode *spec = y_get(doc, "spec");

	if (!kind)
		return;
	if (pod && pod->kind == Y_MAP) {
		const struct ynode *replicas = y_get(spec, "replicas");
		const struct ynode *aff = y_get(y_get(pod, "affinity"), "podAntiAffinity");

		each_container(pod, check_container, r, (void *)kind);
		if (y_get(spec, "template"))
			selector_matches_template(r, spec);
		if (replicas && replicas->kind == Y_INT && replicas->i > 1 && !aff && !y_get(pod, "topologySpreadConstraints"))
			lint_report(r, "REL007", &replicas->pos, "%lld replicas may all land on one node", replicas->i);
	}
	if (strcmp(kind, "HorizontalPodAutoscaler") == 0) {
		const struct ynode *min = y_get(spec, "minReplicas");
		const struct ynode *max = y_get(spec, "maxReplicas");
		long long lo = min && min->kind == Y_INT ? min->i : 1;

		if (max && max->kind == Y_INT && lo > max->i)
			lint_report(r, "REL011", &max->pos, "minReplicas %lld is above maxReplicas %lld", lo, max->i);
	}
}
