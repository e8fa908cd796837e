/* Pieces every workload uses: security contexts that satisfy the restricted
 * Pod Security Standard, probes, environment from Secrets, resources,
 * volumes, and the init container that waits for PostgreSQL. */
#ifndef KG_K8S_POD_H
#define KG_K8S_POD_H

#include <stdint.h>

#include "k8s/build.h"

/* runAsNonRoot with numeric ids, fsGroup, RuntimeDefault seccomp. */
struct ynode *pod_security(struct kb *kb, int uid, int gid, int fs_group);
/* No privilege escalation, every capability dropped. */
struct ynode *container_security(struct kb *kb, bool read_only_root);

struct ynode *probe_http(struct kb *kb, const char *path, const char *port, int period, int failures,
			 int timeout);
struct ynode *probe_exec_sh(struct kb *kb, const char *script, int period, int failures, int timeout);

void env_value(struct kb *kb, struct ynode *env, const char *name, const char *value);
void env_secret(struct kb *kb, struct ynode *env, const char *name, const char *secret, const char *key);

/* Kubernetes quantities: 4294967296 -> "4Gi", 2.0 -> "2", 0.5 -> "500m". */
const char *quantity_bytes(struct kb *kb, int64_t bytes);
const char *quantity_cpu(struct kb *kb, double cpus);
struct ynode *resources(struct kb *kb, double req_cpu, int64_t req_mem, double lim_cpu, int64_t lim_mem);

void volume_empty_dir(struct kb *kb, struct ynode *volumes, const char *name, bool memory, const char *size);
void volume_mount(struct kb *kb, struct ynode *mounts, const char *name, const char *path, bool read_only);
struct ynode *container_port(struct kb *kb, struct ynode *ports, const char *name, int port);
/* Pods of the component spread over nodes, as a preference. */
void spread_over_nodes(struct kb *kb, struct ynode *pod_spec, const char *component);
/* A Service selecting the component's pods: ClusterIP, or headless (no
 * cluster IP). Returns it; *ports is its empty ports list. */
struct ynode *selecting_service(struct kb *kb, const char *name, const char *ns, const char *component, bool headless,
				struct ynode **ports);
/* A Service port that targets the container port of the same name. */
struct ynode *service_port(struct kb *kb, struct ynode *ports, const char *name, int port);

/* An init container that waits until PostgreSQL at host:5432 accepts
 * connections (pg_isready from the PostgreSQL image). */
struct ynode *wait_for_postgres(struct kb *kb, const char *image, const char *host, int port, int uid, int gid);

#endif
