#include "k8s/pod.h"

#include <math.h>
#include <stdio.h>

#include "facts/facts.h"

struct ynode *pod_security(struct kb *kb, int uid, int gid, int fs_group)
{
	struct ynode *sc = kb_map(kb);

	kb_bool(kb, sc, "runAsNonRoot", true);
	kb_int(kb, sc, "runAsUser", uid);
	kb_int(kb, sc, "runAsGroup", gid);
	if (fs_group >= 0) {
		kb_int(kb, sc, "fsGroup", fs_group);
		/* A large filestore or PGDATA is not chowned on every start. */
		kb_str(kb, sc, "fsGroupChangePolicy", "OnRootMismatch");
	}
	kb_str(kb, kb_sub(kb, sc, "seccompProfile"), "type", "RuntimeDefault");
	return sc;
}

struct ynode *container_security(struct kb *kb, bool read_only_root)
{
	struct ynode *sc = kb_map(kb);

	kb_bool(kb, sc, "allowPrivilegeEscalation", false);
	kb_bool(kb, sc, "readOnlyRootFilesystem", read_only_root);
	kb_push_str(kb, kb_list(kb, kb_sub(kb, sc, "capabilities"), "drop"), "ALL");
	return sc;
}

struct ynode *probe_http(struct kb *kb, const char *path, const char *port, int period, int failures,
			 int timeout)
{
	struct ynode *p = kb_map(kb);
	struct ynode *get = kb_sub(kb, p, "httpGet");

	kb_str(kb, get, "path", path);
	kb_str(kb, get, "port", port);
	kb_int(kb, p, "periodSeconds", period);
	kb_int(kb, p, "timeoutSeconds", timeout);
	kb_int(kb, p, "failureThreshold", failures);
	return p;
}

struct ynode *probe_exec_sh(struct kb *kb, const char *script, int period, int failures, int timeout)
{
	struct ynode *p = kb_map(kb);
	struct ynode *cmd = kb_list(kb, kb_sub(kb, p, "exec"), "command");

	kb_push_str(kb, cmd, "sh");
	kb_push_str(kb, cmd, "-c");
	kb_push_str(kb, cmd, script);
	kb_int(kb, p, "periodSeconds", period);
	kb_int(kb, p, "timeoutSeconds", timeout);
	kb_int(kb, p, "failureThreshold", failures);
	return p;
}

void env_value(struct kb *kb, struct ynode *env, const char *name, const char *value)
{
	struct ynode *e = kb_push_map(kb, env);

	kb_str(kb, e, "name", name);
	kb_str(kb, e, "value", value);
}

void env_secret(struct kb *kb, struct ynode *env, const char *name, const char *secret, const char *key)
{
	struct ynode *e = kb_push_map(kb, env);
	struct ynode *ref;

	kb_str(kb, e, "name", name);
	ref = kb_sub(kb, kb_sub(kb, e, "valueFrom"), "secretKeyRef");
	kb_str(kb, ref, "name", secret);
	kb_str(kb, ref, "key", key);
}

const char *quantity_bytes(struct kb *kb, int64_t bytes)
{
	static const struct {
		const char *suffix;
		int64_t unit;
	} units[] = {{"Gi", 1LL << 30}, {"Mi", 1LL << 20}, {"Ki", 1LL << 10}};
	char buf[32];
	struct ynode *s;

	snprintf(buf, sizeof(buf), "%lld", (long long)bytes);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (bytes && bytes % units[i].unit == 0) {
			snprintf(buf, sizeof(buf), "%lld%s", (long long)(bytes / units[i].unit), units[i].suffix);
			break;
		}
	}
	s = kb_strv(kb, buf);
	return s ? s->text : "0";
}

const char *quantity_cpu(struct kb *kb, double cpus)
{
	char buf[32];
	long long milli = llround(cpus * 1000);
	struct ynode *s;

	if (milli % 1000 == 0)
		snprintf(buf, sizeof(buf), "%lld", milli / 1000);
	else
		snprintf(buf, sizeof(buf), "%lldm", milli);
	s = kb_strv(kb, buf);
	return s ? s->text : "0";
}

struct ynode *resources(struct kb *kb, double req_cpu, int64_t req_mem, double lim_cpu, int64_t lim_mem)
{
	struct ynode *r = kb_map(kb);
	struct ynode *req = kb_sub(kb, r, "requests");
	struct ynode *lim = kb_sub(kb, r, "limits");

	kb_str(kb, req, "cpu", quantity_cpu(kb, req_cpu));
	kb_str(kb, req, "memory", quantity_bytes(kb, req_mem));
	kb_str(kb, lim, "cpu", quantity_cpu(kb, lim_cpu));
	kb_str(kb, lim, "memory", quantity_bytes(kb, lim_mem));
	return r;
}

void volume_empty_dir(struct kb *kb, struct ynode *volumes, const char *name, bool memory, const char *size)
{
	struct ynode *v = kb_push_map(kb, volumes);
	struct ynode *ed;

	kb_str(kb, v, "name", name);
	ed = kb_sub(kb, v, "emptyDir");
	if (memory)
		kb_str(kb, ed, "medium", "Memory");
	if (size)
		kb_str(kb, ed, "sizeLimit", size);
}

void volume_mount(struct kb *kb, struct ynode *mounts, const char *name, const char *path, bool read_only)
{
	struct ynode *m = kb_push_map(kb, mounts);

	kb_str(kb, m, "name", name);
	kb_str(kb, m, "mountPath", path);
	if (read_only)
		kb_bool(kb, m, "readOnly", true);
}

struct ynode *container_port(struct kb *kb, struct ynode *ports, const char *name, int port)
{
	struct ynode *p = kb_push_map(kb, ports);

	kb_str(kb, p, "name", name);
	kb_int(kb, p, "containerPort", port);
	kb_str(kb, p, "protocol", "TCP");
	return p;
}

void spread_over_nodes(struct kb *kb, struct ynode *pod_spec, const char *component)
{
	struct ynode *t = kb_push_map(kb, kb_list(kb, pod_spec, "topologySpreadConstraints"));

	kb_int(kb, t, "maxSkew", 1);
	kb_str(kb, t, "topologyKey", "kubernetes.io/hostname");
	kb_str(kb, t, "whenUnsatisfiable", "ScheduleAnyway");
	kb_put(kb, kb_sub(kb, t, "labelSelector"), "matchLabels", kb_selector(kb, component));
}

struct ynode *selecting_service(struct kb *kb, const char *name, const char *ns, const char *component, bool headless,
				struct ynode **ports)
{
	struct ynode *s = kb_object(kb, "v1", "Service", name, ns, component);
	struct ynode *spec = kb_sub(kb, s, "spec");

	*ports = kb_list(kb, spec, "ports");
	if (headless)
		kb_str(kb, spec, "clusterIP", "None");
	else
		kb_str(kb, spec, "type", "ClusterIP");
	kb_put(kb, spec, "selector", kb_selector(kb, component));
	return s;
}

struct ynode *service_port(struct kb *kb, struct ynode *ports, const char *name, int port)
{
	struct ynode *p = kb_push_map(kb, ports);

	kb_str(kb, p, "name", name);
	kb_int(kb, p, "port", port);
	kb_str(kb, p, "targetPort", name);
	kb_str(kb, p, "protocol", "TCP");
	return p;
}

struct ynode *wait_for_postgres(struct kb *kb, const char *image, const char *host, int port, int uid, int gid)
{
	struct ynode *c = kb_map(kb);
	struct ynode *cmd;
	struct ynode *sc;

	kb_str(kb, c, "name", "wait-for-postgres");
	kb_str(kb, c, "image", image);
	cmd = kb_list(kb, c, "command");
	kb_push_str(kb, cmd, "sh");
	kb_push_str(kb, cmd, "-c");
	kb_push(kb, cmd, kb_printf(kb,
		"for i in $(seq 1 120); do pg_isready -h %s -p %d -t 2 && exit 0; sleep 2; done; "
		"echo 'PostgreSQL at %s:%d is not ready after 4 minutes' >&2; exit 1", host, port, host, port));
	sc = container_security(kb, true);
	kb_int(kb, sc, "runAsUser", uid);
	kb_int(kb, sc, "runAsGroup", gid);
	kb_put(kb, c, "securityContext", sc);
	kb_put(kb, c, "resources", resources(kb, 0.01, 16LL << 20, 0.1, 64LL << 20));
	return c;
}
