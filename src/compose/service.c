/* One service to canonical form, driven by the table of service keys. */
#include <string.h>

#include "compose/service.h"

static const struct field service_fields[] = {
	{"annotations", F_STRING_MAP, NULL},
	{"attach", F_BOOL, NULL},
	{"blkio_config", F_ANY, NULL},
	{"build", F_CUSTOM, norm_build},
	{"cap_add", F_STRINGS, NULL},
	{"cap_drop", F_STRINGS, NULL},
	{"cgroup", F_STRING, NULL},
	{"cgroup_parent", F_STRING, NULL},
	{"command", F_CUSTOM, norm_command},
	{"configs", F_CUSTOM, norm_file_refs},
	{"container_name", F_STRING, NULL},
	{"cpu_count", F_INT, NULL},
	{"cpu_percent", F_INT, NULL},
	{"cpu_period", F_INT, NULL},
	{"cpu_quota", F_INT, NULL},
	{"cpu_rt_period", F_INT, NULL},
	{"cpu_rt_runtime", F_INT, NULL},
	{"cpu_shares", F_INT, NULL},
	{"cpus", F_NUMBER, NULL},
	{"cpuset", F_STRING, NULL},
	{"credential_spec", F_ANY, NULL},
	{"depends_on", F_CUSTOM, norm_depends_on},
	{"deploy", F_CUSTOM, norm_deploy},
	{"develop", F_ANY, NULL},
	{"device_cgroup_rules", F_STRINGS, NULL},
	{"devices", F_ANY, NULL},
	{"dns", F_STRINGS, NULL},
	{"dns_opt", F_STRINGS, NULL},
	{"dns_search", F_STRINGS, NULL},
	{"domainname", F_STRING, NULL},
	{"entrypoint", F_CUSTOM, norm_command},
	{"env_file", F_CUSTOM, norm_env_file},
	{"environment", F_CUSTOM, norm_environment},
	{"expose", F_CUSTOM, norm_expose},
	{"extends", F_CUSTOM, norm_extends},
	{"external_links", F_STRINGS, NULL},
	{"extra_hosts", F_CUSTOM, norm_extra_hosts},
	{"gpus", F_ANY, NULL},
	{"group_add", F_STRINGS, NULL},
	{"healthcheck", F_CUSTOM, norm_healthcheck},
	{"hostname", F_STRING, NULL},
	{"image", F_STRING, NULL},
	{"init", F_BOOL, NULL},
	{"ipc", F_STRING, NULL},
	{"isolation", F_STRING, NULL},
	{"label_file", F_STRINGS, NULL},
	{"labels", F_STRING_MAP, NULL},
	{"links", F_STRINGS, NULL},
	{"logging", F_CUSTOM, norm_logging},
	{"mac_address", F_STRING, NULL},
	{"mem_limit", F_BYTES, NULL},
	{"mem_reservation", F_BYTES, NULL},
	{"mem_swappiness", F_INT, NULL},
	{"memswap_limit", F_BYTES, NULL},
	{"network_mode", F_STRING, NULL},
	{"networks", F_CUSTOM, norm_service_networks},
	{"oom_kill_disable", F_BOOL, NULL},
	{"oom_score_adj", F_INT, NULL},
	{"pid", F_STRING, NULL},
	{"pids_limit", F_INT, NULL},
	{"platform", F_STRING, NULL},
	{"ports", F_CUSTOM, norm_ports},
	{"post_start", F_ANY, NULL},
	{"pre_stop", F_ANY, NULL},
	{"privileged", F_BOOL, NULL},
	{"profiles", F_STRINGS, NULL},
	{"pull_policy", F_STRING, NULL},
	{"read_only", F_BOOL, NULL},
	{"restart", F_CUSTOM, norm_restart},
	{"runtime", F_STRING, NULL},
	{"scale", F_INT, NULL},
	{"secrets", F_CUSTOM, norm_file_refs},
	{"security_opt", F_STRINGS, NULL},
	{"shm_size", F_BYTES, NULL},
	{"stdin_open", F_BOOL, NULL},
	{"stop_grace_period", F_DURATION, NULL},
	{"stop_signal", F_STRING, NULL},
	{"storage_opt", F_ANY, NULL},
	{"sysctls", F_STRING_MAP, NULL},
	{"tmpfs", F_CUSTOM, norm_tmpfs},
	{"tty", F_BOOL, NULL},
	{"ulimits", F_CUSTOM, norm_ulimits},
	{"user", F_STRING, NULL},
	{"userns_mode", F_STRING, NULL},
	{"uts", F_STRING, NULL},
	{"volumes", F_CUSTOM, norm_volumes},
	{"volumes_from", F_STRINGS, NULL},
	{"working_dir", F_STRING, NULL},
	{NULL, F_ANY, NULL},
};

static struct ynode *norm_field(struct loader *ld, const struct field *f, const struct ynode *v,
				const char *path)
{
	switch (f->kind) {
	case F_STRING: return want_string(ld, v, path);
	case F_BOOL: return want_bool(ld, v, path);
	case F_INT: return want_int(ld, v, path);
	case F_NUMBER: return want_number(ld, v, path);
	case F_BYTES: return want_bytes(ld, v, path);
	case F_DURATION: return want_duration(ld, v, path);
	case F_STRINGS: return want_string_list(ld, v, path);
	case F_STRING_MAP: return want_string_map(ld, v, path, false);
	case F_CUSTOM: return f->custom(ld, v, path);
	case F_ANY: break;
	}
	{
		struct ynode *c = y_copy(ld->a, v, &ld->copy_budget);
		if (!c)
			ld_oom(ld, &v->pos);
		return c;
	}
}

static const struct field *find_field(const struct field *fields, const char *key)
{
	for (const struct field *f = fields; f->key; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

struct ynode *norm_fields(struct loader *ld, const struct ynode *v, const char *path,
			  const struct field *fields, const char *what)
{
	static const struct field extension = {"x-", F_ANY, NULL};
	struct ynode *out;
	bool ok = true;

	if (!want_kind(ld, v, Y_MAP, path))
		return NULL;
	out = y_new(ld->a, Y_MAP, &v->pos);
	if (!out) {
		ld_oom(ld, &v->pos);
		return NULL;
	}
	for (size_t i = 0; i < v->n && !ld->oom; i++) {
		const struct ypair *p = &v->pairs[i];
		const struct field *f = find_field(fields, p->key);
		struct ynode *val;

		if (!f) {
			if (strncmp(p->key, "x-", 2) == 0)
				f = &extension;
			else {
				ld_warn(ld, &p->kpos, "check the spelling against the Compose Specification",
					"unknown key \"%s\" in %s is ignored", p->key, what);
				continue;
			}
		}
		/* `!reset` drops what a base file or an extended service set. */
		if (p->val->tag == YTAG_RESET) {
			val = y_null(ld->a, &p->val->pos);
			if (val)
				val->tag = YTAG_RESET;
		} else if (p->val->kind == Y_NULL && f->kind != F_CUSTOM) {
			val = y_null(ld->a, &p->val->pos);
		} else {
			val = norm_field(ld, f, p->val, ld_path(ld, path, p->key));
			if (!val) {
				ok = false;
				continue;
			}
			if (p->val->tag == YTAG_OVERRIDE)
				val->tag = YTAG_OVERRIDE;
		}
		if (!val || !y_set_at(ld->a, out, p->key, &p->kpos, val)) {
			ld_oom(ld, &p->kpos);
			return NULL;
		}
	}
	return ok && !ld->oom ? out : NULL;
}

struct ynode *normalize_service(struct loader *ld, const char *name, const struct ynode *svc)
{
	const char *path = ld_path(ld, "services", name);
	const char *what = arena_printf(ld->a, "service \"%s\"", name);

	if (svc->kind == Y_NULL) {
		struct ynode *empty = y_new(ld->a, Y_MAP, &svc->pos);
		if (!empty)
			ld_oom(ld, &svc->pos);
		return empty;
	}
	return norm_fields(ld, svc, path, service_fields, what ? what : "service");
}
