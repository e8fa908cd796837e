/* deploy: replicas, resources, restart policy, update and rollback settings,
 * placement. */
#include "compose/service.h"

static const struct field limit_fields[] = {
	{"cpus", F_NUMBER, NULL},
	{"devices", F_ANY, NULL},
	{"generic_resources", F_ANY, NULL},
	{"memory", F_BYTES, NULL},
	{"pids", F_INT, NULL},
	{NULL, F_ANY, NULL},
};

static struct ynode *norm_limits(struct loader *ld, const struct ynode *v, const char *path)
{
	return norm_fields(ld, v, path, limit_fields, "deploy.resources");
}

static const struct field resources_fields[] = {
	{"limits", F_CUSTOM, norm_limits},
	{"reservations", F_CUSTOM, norm_limits},
	{NULL, F_ANY, NULL},
};

static struct ynode *norm_resources(struct loader *ld, const struct ynode *v, const char *path)
{
	return norm_fields(ld, v, path, resources_fields, "deploy.resources");
}

static const struct field restart_policy_fields[] = {
	{"condition", F_STRING, NULL},
	{"delay", F_DURATION, NULL},
	{"max_attempts", F_INT, NULL},
	{"window", F_DURATION, NULL},
	{NULL, F_ANY, NULL},
};

static struct ynode *norm_restart_policy(struct loader *ld, const struct ynode *v, const char *path)
{
	return norm_fields(ld, v, path, restart_policy_fields, "deploy.restart_policy");
}

static const struct field update_fields[] = {
	{"delay", F_DURATION, NULL},
	{"failure_action", F_STRING, NULL},
	{"max_failure_ratio", F_NUMBER, NULL},
	{"monitor", F_DURATION, NULL},
	{"order", F_STRING, NULL},
	{"parallelism", F_INT, NULL},
	{NULL, F_ANY, NULL},
};

static struct ynode *norm_update(struct loader *ld, const struct ynode *v, const char *path)
{
	return norm_fields(ld, v, path, update_fields, "deploy update settings");
}

static const struct field placement_fields[] = {
	{"constraints", F_STRINGS, NULL},
	{"max_replicas_per_node", F_INT, NULL},
	{"preferences", F_ANY, NULL},
	{NULL, F_ANY, NULL},
};

static struct ynode *norm_placement(struct loader *ld, const struct ynode *v, const char *path)
{
	return norm_fields(ld, v, path, placement_fields, "deploy.placement");
}

static const struct field deploy_fields[] = {
	{"endpoint_mode", F_STRING, NULL},
	{"labels", F_STRING_MAP, NULL},
	{"mode", F_STRING, NULL},
	{"placement", F_CUSTOM, norm_placement},
	{"replicas", F_INT, NULL},
	{"resources", F_CUSTOM, norm_resources},
	{"restart_policy", F_CUSTOM, norm_restart_policy},
	{"rollback_config", F_CUSTOM, norm_update},
	{"update_config", F_CUSTOM, norm_update},
	{NULL, F_ANY, NULL},
};

struct ynode *norm_deploy(struct loader *ld, const struct ynode *v, const char *path)
{
	return norm_fields(ld, v, path, deploy_fields, "deploy");
}
