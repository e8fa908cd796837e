/* Helpers the rule families share. */
#include <string.h>

#include "lint/internal.h"

bool is_workload(const char *kind)
{
	static const char *const kinds[] = {
		"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", NULL,
	};

	for (const char *const *k = kinds; kind && *k; k++)
		if (strcmp(*k, kind) == 0)
			return true;
	return false;
}

const struct ynode *pod_spec_of(const struct ynode *doc)
{
	const char *kind = y_text(y_get(doc, "kind"));
	const struct ynode *spec = y_get(doc, "spec");

	if (!kind || !is_workload(kind))
		return NULL;
	if (strcmp(kind, "Pod") == 0)
		return spec;
	if (strcmp(kind, "CronJob") == 0)
		spec = y_get(y_get(spec, "jobTemplate"), "spec");
	return y_get(y_get(spec, "template"), "spec");
}

void each_container(const struct ynode *pod, void (*fn)(struct lint_run *, const struct ynode *, bool, void *),
		    struct lint_run *r, void *user)
{
	static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};

	for (size_t l = 0; l < 3; l++) {
		const struct ynode *cs = y_get(pod, lists[l]);
		for (size_t i = 0; cs && cs->kind == Y_SEQ && i < cs->n; i++)
			if (cs->items[i]->kind == Y_MAP)
				fn(r, cs->items[i], l != 1, user);
	}
}

const char *env_literal(const struct ynode *container, const char *name)
{
	const struct ynode *env = y_get(container, "env");

	for (size_t i = 0; env && env->kind == Y_SEQ && i < env->n; i++) {
		const char *n = y_text(y_get(env->items[i], "name"));
		if (n && strcmp(n, name) == 0)
			return y_get(env->items[i], "valueFrom") ? "(from a reference)" : y_text(y_get(env->items[i], "value"));
	}
	return NULL;
}

bool labels_match(const struct labels *selector, const struct labels *labels)
{
	for (size_t i = 0; i < selector->n; i++) {
		bool found = false;

		for (size_t k = 0; k < labels->n && !found; k++)
			found = strcmp(selector->keys[i], labels->keys[k]) == 0 &&
				strcmp(selector->values[i], labels->values[k]) == 0;
		if (!found)
			return false;
	}
	return true;
}

