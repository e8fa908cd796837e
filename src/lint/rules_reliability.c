/* Reliability, per document: probes, requests and limits, image tags,
 * spreading, autoscaler bounds. (Replica counts against PDBs and autoscaler
 * targets are cross-resource: src/lint/rules_cross.c.) */
#include <string.h>

#include "lint/lint.h"

static bool long_running(const char *kind)
{
	return strcmp(kind, "Deployment") == 0 || strcmp(kind, "StatefulSet") == 0 || strcmp(kind, "DaemonSet") == 0;
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
	if (ref && !strchr(ref, '@')) {
		const char *slash = strrchr(ref, '/');
		const char *colon = strchr(slash ? slash : ref, ':');

		if (!colon || strcmp(colon + 1, "latest") == 0)
			lint_report(r, "REL008", &image->pos, "container %s uses %s, which is not pinned to a version", name, ref);
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
