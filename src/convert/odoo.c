/* Odoo: the web Deployment (HPA-scaled), a cron Deployment when there is
 * more than one web pod, the Service, the filestore claim and the HPA. */
#include <stdlib.h>
#include <string.h>

#include "convert/context.h"
#include "k8s/pod.h"
#include "model/secrets.h"

#define RENDERED_CONF "/run/odoo/odoo.conf"

/* Variables the official image reads for its database wiring; anything else
 * in the Compose environment passes through. */
static const char *const wiring_vars[] = {
	"HOST", "PORT", "USER", "PASSWORD", "PASSWORD_FILE", "ODOO_RC",
	"PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", NULL,
};

static struct ynode *odoo_env(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *env = kb_seq(kb);
	const struct service *odoo = cv->app->odoo;

	env_value(kb, env, odoo_entrypoint_vars[ODOO_VAR_HOST].name, cv->db_service);
	env_value(kb, env, odoo_entrypoint_vars[ODOO_VAR_PORT].name, y_text(kb_printf(kb, "%d", cv->db_port)));
	env_secret(kb, env, odoo_entrypoint_vars[ODOO_VAR_USER].name, "odoo-db", "username");
	env_secret(kb, env, odoo_entrypoint_vars[ODOO_VAR_PASSWORD].name, "odoo-db", "password");
	env_value(kb, env, "ODOO_RC", RENDERED_CONF);
	for (size_t i = 0; i < odoo->nenv; i++) {
		const char *name = odoo->env[i].name;
		const char *value = odoo->env[i].value;

		if (listed(wiring_vars, name) || odoo->env[i].resolved_file)
			continue;
		if (is_secret_env(name, value))
			env_secret(kb, env, name, "odoo-env", name);
		else
			env_value(kb, env, name, value);
	}
	return env;
}

/* Joins the ConfigMap's odoo.conf with the secret keys (admin_passwd,
 * smtp_password, ...) from the Secret odoo-conf-secrets into a memory-backed
 * file only this pod can read: no secret sits in a ConfigMap, and Odoo reads
 * a single file. This runs the Odoo image with a command, which is fine for
 * an init container; the server container keeps the entrypoint. */
static struct ynode *render_config(struct cv *cv, const char *image)
{
	struct kb *kb = &cv->kb;
	struct ynode *c = kb_map(kb);
	struct ynode *cmd, *mounts;

	kb_str(kb, c, "name", "render-config");
	kb_str(kb, c, "image", image);
	cmd = kb_list(kb, c, "command");
	kb_push_str(kb, cmd, "sh");
	kb_push_str(kb, cmd, "-c");
	kb_push(kb, cmd, kb_printf(kb, "umask 077 && cat %s > " RENDERED_CONF " && "
				   "for f in /run/secrets/odoo-conf/*; do "
				   "printf '%%s = %%s\\n' \"${f##*/}\" \"$(cat \"$f\")\" >> " RENDERED_CONF "; done",
				   odoo_constants.conf_file));
	mounts = kb_list(kb, c, "volumeMounts");
	volume_mount(kb, mounts, "config", odoo_constants.conf_dir, true);
	volume_mount(kb, mounts, "conf-secrets", "/run/secrets/odoo-conf", true);
	volume_mount(kb, mounts, "rendered-config", "/run/odoo", false);
	kb_put(kb, c, "securityContext", container_security(kb, true));
	kb_put(kb, c, "resources", resources(kb, 0.01, 16LL << 20, 0.1, 64LL << 20));
	return c;
}

static void odoo_volumes(struct cv *cv, struct ynode *spec)
{
	struct kb *kb = &cv->kb;
	struct ynode *vols = kb_list(kb, spec, "volumes");
	struct ynode *v;

	v = kb_push_map(kb, vols);
	kb_str(kb, v, "name", "filestore");
	kb_str(kb, kb_sub(kb, v, "persistentVolumeClaim"), "claimName", "odoo-filestore");
	v = kb_push_map(kb, vols);
	kb_str(kb, v, "name", "config");
	kb_str(kb, kb_sub(kb, v, "configMap"), "name", "odoo-config");
	v = kb_push_map(kb, vols);
	kb_str(kb, v, "name", "conf-secrets");
	kb_str(kb, kb_sub(kb, v, "secret"), "secretName", "odoo-conf-secrets");
	/* Group-readable: the files belong to root and the pod's fsGroup. */
	kb_int(kb, kb_sub(kb, v, "secret"), "defaultMode", 0440);
	volume_empty_dir(kb, vols, "rendered-config", true, "1Mi");
	volume_empty_dir(kb, vols, "tmp", false, "2Gi");
}

/* The web pod's memory request: what its processes hold at rest (workers,
 * cron threads' process, gevent and the master, each about a light
 * request's RSS), so the scheduler reserves what the pod really uses; the
 * limit leaves room for heavy requests. */
static int64_t resting_memory(const struct cv *cv)
{
	int64_t rest = (cv->plan.workers + (cv->plan.cron_threads ? 1 : 0) + 2) * odoo_constants.resting_process_ram;

	return rest < cv->o->odoo_memory ? rest : cv->o->odoo_memory;
}

/* cron: one pod that runs the scheduled actions; web pods run none. */
static struct ynode *odoo_pod(struct cv *cv, const char *component, bool cron)
{
	struct kb *kb = &cv->kb;
	const char *image = cv->odoo_image;
	struct ynode *tmpl = kb_map(kb);
	struct ynode *meta = kb_sub(kb, tmpl, "metadata");
	struct ynode *spec = kb_sub(kb, tmpl, "spec");
	struct ynode *c, *args, *ports, *mounts, *init;
	struct probe_timing t;

	kb_put(kb, meta, "labels", kb_labels(kb, component));
	kb_str(kb, spec, "serviceAccountName", "odoo");
	kb_bool(kb, spec, "automountServiceAccountToken", false);
	kb_int(kb, spec, "terminationGracePeriodSeconds", cv->plan.limit_time_real);
	kb_put(kb, spec, "securityContext", pod_security(kb, cv->odoo.uid, cv->odoo.gid, cv->odoo.gid));
	init = kb_list(kb, spec, "initContainers");
	kb_push(kb, init, wait_for_postgres(kb, cv->postgres_image, cv->db_service, cv->db_port, cv->odoo.uid, cv->odoo.gid));
	kb_push(kb, init, render_config(cv, image));

	c = kb_push_map(kb, kb_list(kb, spec, "containers"));
	kb_str(kb, c, "name", "odoo");
	kb_str(kb, c, "image", image);
	/* args only: the image's entrypoint turns HOST/USER/PASSWORD into
	 * --db_* options, and a command would skip it. */
	args = kb_list(kb, c, "args");
	kb_push_str(kb, args, "odoo");
	if (cron) {
		kb_push_str(kb, args, "--workers=0");
		kb_push(kb, args, kb_printf(kb, "--max-cron-threads=%d", cv->plan.cron_pod_threads));
	}
	kb_put(kb, c, "env", odoo_env(cv));
	ports = kb_list(kb, c, "ports");
	container_port(kb, ports, "http", odoo_constants.http_port);
	if (!cron && cv->plan.workers > 0)
		container_port(kb, ports, "websocket", odoo_constants.gevent_port);
	/* Odoo may load modules for minutes on its first start: 10 minutes allowed. */
	probe_timing(cv->app->odoo, &t, 600);
	kb_put(kb, c, "startupProbe", probe_http(kb, cv->odoo.liveness_path, "http", t.period, t.startup_failures, t.timeout));
	kb_put(kb, c, "readinessProbe", probe_http(kb, cv->odoo.readiness_path, "http", t.period, t.failures, t.timeout));
	kb_put(kb, c, "livenessProbe", probe_http(kb, cv->odoo.liveness_path, "http", 2 * t.period, t.failures, t.timeout));
	kb_put(kb, c, "resources", cron ? resources(kb, 0.25, 512LL << 20, 1.0, 2LL << 30)
					: resources(kb, cv->o->odoo_cpu / 4, resting_memory(cv), cv->o->odoo_cpu,
						    cv->o->odoo_memory));
	kb_put(kb, c, "securityContext", container_security(kb, true));
	mounts = kb_list(kb, c, "volumeMounts");
	volume_mount(kb, mounts, "filestore", odoo_constants.data_dir, false);
	volume_mount(kb, mounts, "config", odoo_constants.conf_dir, true);
	volume_mount(kb, mounts, "rendered-config", "/run/odoo", true);
	volume_mount(kb, mounts, "tmp", "/tmp", false);
	odoo_volumes(cv, spec);
	return tmpl;
}

static struct ynode *deployment(struct cv *cv, const char *name, int replicas, bool cron)
{
	struct kb *kb = &cv->kb;
	struct ynode *d = kb_object(kb, "apps/v1", "Deployment", name, cv->ns, name);
	struct ynode *spec = kb_sub(kb, d, "spec");
	struct ynode *strategy, *tmpl;

	kb_int(kb, spec, "replicas", replicas);
	kb_int(kb, spec, "revisionHistoryLimit", 5);
	kb_put(kb, kb_sub(kb, spec, "selector"), "matchLabels", kb_selector(kb, name));
	strategy = kb_sub(kb, spec, "strategy");
	if (cron) {
		/* Never two cron runners at once, even during a rollout. */
		kb_str(kb, strategy, "type", "Recreate");
	} else {
		struct ynode *ru = kb_sub(kb, strategy, "rollingUpdate");
		kb_str(kb, strategy, "type", "RollingUpdate");
		kb_int(kb, ru, "maxSurge", 1);
		kb_int(kb, ru, "maxUnavailable", 0);
	}
	tmpl = kb_put(kb, spec, "template", odoo_pod(cv, name, cron));
	if (!cron)
		spread_over_nodes(kb, kb_sub(kb, tmpl, "spec"), name);
	return d;
}

static void service(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *ports;
	struct ynode *s = selecting_service(kb, "odoo", cv->ns, "odoo", false, &ports);

	if (cv->o->odoo_replicas > 1 && cv->o->ingress == INGRESS_TRAEFIK) {
		/* Sessions are files: keep each browser on one pod even though the
		 * filestore is shared, so a rollout never logs people out mid-form. */
		struct ynode *ann = kb_sub(kb, kb_sub(kb, s, "metadata"), "annotations");
		kb_str(kb, ann, "traefik.ingress.kubernetes.io/service.sticky.cookie", "true");
		kb_str(kb, ann, "traefik.ingress.kubernetes.io/service.sticky.cookie.name", "odoo_route");
		kb_str(kb, ann, "traefik.ingress.kubernetes.io/service.sticky.cookie.secure", "true");
		kb_str(kb, ann, "traefik.ingress.kubernetes.io/service.sticky.cookie.httponly", "true");
	}
	service_port(kb, ports, "http", odoo_constants.http_port);
	if (cv->plan.workers > 0)
		service_port(kb, ports, "websocket", odoo_constants.gevent_port);
	cv_emit(cv, OUT_ODOO, s);
}

static void filestore_claim(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	bool shared = cv->o->odoo_replicas > 1 || cv->o->odoo_max_replicas > 1;
	struct ynode *pvc = kb_object(kb, "v1", "PersistentVolumeClaim", "odoo-filestore", cv->ns, "odoo");
	struct ynode *spec = kb_sub(kb, pvc, "spec");

	kb_push_str(kb, kb_list(kb, spec, "accessModes"), shared ? "ReadWriteMany" : "ReadWriteOnce");
	kb_str(kb, spec, "storageClassName", shared ? cv->o->rwx_storage_class : cv->o->storage_class);
	kb_str(kb, kb_sub(kb, kb_sub(kb, spec, "resources"), "requests"), "storage", cv->o->filestore_size);
	cv_emit(cv, OUT_STORAGE, pvc);
	if (shared)
		cv_note(&cv->must_supply,
			"StorageClass `%s` with ReadWriteMany for the Odoo filestore (claim `odoo-filestore`, %s): "
			"DigitalOcean block storage is ReadWriteOnce only, so use DigitalOcean Network File Storage "
			"through csi-driver-nfs, or pass `--rwx-storage-class`.",
			cv->o->rwx_storage_class, cv->o->filestore_size);
}

static void scale_down_slowly(struct cv *cv, struct ynode *behavior)
{
	struct kb *kb = &cv->kb;
	struct ynode *down = kb_sub(kb, behavior, "scaleDown");
	struct ynode *up = kb_sub(kb, behavior, "scaleUp");
	struct ynode *pol;

	/* A removed pod may be serving a long request. */
	kb_int(kb, down, "stabilizationWindowSeconds", 300);
	pol = kb_push_map(kb, kb_list(kb, down, "policies"));
	kb_str(kb, pol, "type", "Pods");
	kb_int(kb, pol, "value", 1);
	kb_int(kb, pol, "periodSeconds", 120);
	kb_int(kb, up, "stabilizationWindowSeconds", 60);
	pol = kb_push_map(kb, kb_list(kb, up, "policies"));
	kb_str(kb, pol, "type", "Pods");
	kb_int(kb, pol, "value", 2);
	kb_int(kb, pol, "periodSeconds", 60);
}

static void autoscaler(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *h = kb_object(kb, "autoscaling/v2", "HorizontalPodAutoscaler", "odoo", cv->ns, "odoo");
	struct ynode *spec = kb_sub(kb, h, "spec");
	struct ynode *target = kb_sub(kb, spec, "scaleTargetRef");
	struct ynode *metrics = kb_list(kb, spec, "metrics");
	struct ynode *behavior = kb_sub(kb, spec, "behavior");
	/* CPU only: a prefork Odoo keeps each worker's memory until the worker
	 * recycles, so memory stays near its high-water mark at rest and a
	 * memory target would hold the HPA at its maximum; CPU follows load. */
	static const struct {
		const char *resource;
		int utilization;
	} on[] = {{"cpu", 70}};

	kb_str(kb, target, "apiVersion", "apps/v1");
	kb_str(kb, target, "kind", "Deployment");
	kb_str(kb, target, "name", "odoo");
	kb_int(kb, spec, "minReplicas", cv->o->odoo_replicas);
	kb_int(kb, spec, "maxReplicas", cv->o->odoo_max_replicas);
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		struct ynode *m = kb_push_map(kb, metrics);
		struct ynode *r = kb_sub(kb, m, "resource");

		kb_str(kb, m, "type", "Resource");
		kb_str(kb, r, "name", on[i].resource);
		kb_str(kb, kb_sub(kb, r, "target"), "type", "Utilization");
		kb_int(kb, kb_sub(kb, r, "target"), "averageUtilization", on[i].utilization);
	}
	scale_down_slowly(cv, behavior);
	cv_emit(cv, OUT_ODOO, h);
	cv_note(&cv->must_supply,
		"metrics-server in the cluster: DOKS does not install it, and without it the HPA shows "
		"`<unknown>` and never scales (DigitalOcean Marketplace 1-Click, or its Helm chart).");
}

/* KEDA: scale on how busy Odoo's workers are, measured in PostgreSQL as
 * the Odoo role's active backends, against 70% of the workers per pod. */
static void scaled_object(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *so = kb_object(kb, "keda.sh/v1alpha1", "ScaledObject", "odoo", cv->ns, "odoo");
	struct ynode *spec = kb_sub(kb, so, "spec");
	struct ynode *triggers = kb_list(kb, spec, "triggers");
	struct ynode *t, *md, *ta, *st;
	int target = cv->plan.workers * 7 / 10 > 0 ? cv->plan.workers * 7 / 10 : 1;

	kb_str(kb, kb_sub(kb, spec, "scaleTargetRef"), "name", "odoo");
	kb_int(kb, spec, "minReplicaCount", cv->o->odoo_replicas);
	kb_int(kb, spec, "maxReplicaCount", cv->o->odoo_max_replicas);
	kb_int(kb, spec, "pollingInterval", 15);
	kb_int(kb, spec, "cooldownPeriod", 300);
	scale_down_slowly(cv, kb_sub(kb, kb_sub(kb, kb_sub(kb, spec, "advanced"), "horizontalPodAutoscalerConfig"), "behavior"));
	t = kb_push_map(kb, triggers);
	kb_str(kb, t, "type", "postgresql");
	kb_str(kb, t, "name", "odoo-busy-workers");
	md = kb_sub(kb, t, "metadata");
	kb_str(kb, md, "query", odoo_busy_backends_sql(cv->a, cv->creds.odoo_user));
	kb_put(kb, md, "targetQueryValue", kb_printf(kb, "%d", target));
	kb_str(kb, md, "activationTargetQueryValue", "1");
	/* The query needs the primary itself, not a pooler. */
	if (cv->app->external_db.host)
		kb_str(kb, md, "host", cv->db_service);
	else
		kb_str(kb, md, "host", y_text(kb_printf(kb, "%s.%s.svc.cluster.local",
						       cv->o->postgres == PG_CNPG ? "postgres-rw" : cv->db_service, cv->ns)));
	kb_put(kb, md, "port", kb_printf(kb, "%d", cv->db_port));
	kb_str(kb, md, "userName", cv->creds.odoo_user ? cv->creds.odoo_user : "odoo");
	kb_str(kb, md, "dbName", "postgres");
	kb_str(kb, md, "sslmode", cv->db_sslmode ? cv->db_sslmode : "disable");
	kb_str(kb, kb_sub(kb, t, "authenticationRef"), "name", "odoo-db");
	t = kb_push_map(kb, triggers);
	kb_str(kb, t, "type", "cpu");
	kb_str(kb, t, "metricType", "Utilization");
	kb_str(kb, kb_sub(kb, t, "metadata"), "value", "70");
	cv_emit(cv, OUT_ODOO, so);

	ta = kb_object(kb, "keda.sh/v1alpha1", "TriggerAuthentication", "odoo-db", cv->ns, "odoo");
	st = kb_push_map(kb, kb_list(kb, kb_sub(kb, ta, "spec"), "secretTargetRef"));
	kb_str(kb, st, "parameter", "password");
	kb_str(kb, st, "name", "odoo-db");
	kb_str(kb, st, "key", "password");
	cv_emit(cv, OUT_ODOO, ta);
	cv_note(&cv->must_supply,
		"KEDA in namespace `%s` (its Helm chart) for the ScaledObject `odoo`, and metrics-server for its CPU "
		"trigger: it scales on the Odoo role's active PostgreSQL backends, %d per pod (70%% of %d workers).",
		cv->o->keda_namespace, target, cv->plan.workers);
}

void build_odoo(struct cv *cv)
{
	if (!cv->app->odoo)
		return;
	filestore_claim(cv);
	cv_emit(cv, OUT_ODOO, deployment(cv, "odoo", cv->o->odoo_replicas, false));
	if (cv->plan.cron_deployment)
		cv_emit(cv, OUT_ODOO, deployment(cv, "odoo-cron", 1, true));
	service(cv);
	if (cv->o->odoo_max_replicas == 1)
		cv_note(&cv->done, "No autoscaler: Odoo runs one pod (--odoo-max-replicas 1).");
	else if (cv->o->autoscaling == AUTOSCALE_KEDA)
		scaled_object(cv);
	else
		autoscaler(cv);
	cv_note(&cv->must_supply,
		"The Odoo database: restore the Compose one, or create a new one with `kubectl -n %s exec "
		"deploy/odoo -c odoo -- sh -c 'odoo -c \"$ODOO_RC\" --db_host=\"$HOST\" --db_user=\"$USER\" "
		"--db_password=\"$PASSWORD\" -d NAME -i base --stop-after-init'` (the database manager is "
		"closed: list_db = False).", cv->ns);
}
