/* PostgreSQL: one StatefulSet replica (a plain StatefulSet with more would be
 * several independent databases, not high availability), its Services, the
 * script that creates the Odoo and Keycloak roles; the backup CronJob is
 * built in backup.c. */
#include <string.h>

#include "convert/context.h"
#include "k8s/pod.h"

/* TCP on 127.0.0.1, not the socket: the init-time server listens on the
 * socket only, so the pod stays unready until initialisation is done. */

static struct ynode *postgres_args(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *args = kb_seq(kb);

	/* The image's entrypoint prepends "postgres" to arguments starting with "-". */
	kb_push_str(kb, args, "-c");
	kb_push(kb, args, kb_printf(kb, "max_connections=%d", cv->plan.max_connections));
	kb_push_str(kb, args, "-c");
	kb_push_str(kb, args, "shared_buffers=512MB");
	return args;
}

static void postgres_env(struct cv *cv, struct ynode *env)
{
	struct kb *kb = &cv->kb;
	const char *db = service_env(cv->app->postgres, "POSTGRES_DB");

	env_secret(kb, env, "POSTGRES_USER", "postgres-credentials", "POSTGRES_USER");
	env_secret(kb, env, "POSTGRES_PASSWORD", "postgres-credentials", "POSTGRES_PASSWORD");
	env_value(kb, env, "POSTGRES_DB", db && db[0] ? db : "postgres");
	if (cv->postgres.pgdata)
		env_value(kb, env, "PGDATA", cv->postgres.pgdata);
	/* Read by the init script that creates the other roles. */
	if (cv->app->odoo && !cv->creds.odoo_is_superuser) {
		env_secret(kb, env, "ODOO_DB_USER", "odoo-db", "username");
		env_secret(kb, env, "ODOO_DB_PASSWORD", "odoo-db", "password");
	}
	if (cv->app->keycloak) {
		env_secret(kb, env, "KEYCLOAK_DB_USER", "keycloak-db", "username");
		env_secret(kb, env, "KEYCLOAK_DB_PASSWORD", "keycloak-db", "password");
		env_secret(kb, env, "KEYCLOAK_DB_NAME", "keycloak-db", "database");
	}
}

static struct ynode *statefulset(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	const char *name = cv->db_service;
	struct ynode *ss = kb_object(kb, "apps/v1", "StatefulSet", name, cv->ns, "postgres");
	struct ynode *spec = kb_sub(kb, ss, "spec");
	struct ynode *tmpl = kb_sub(kb, spec, "template");
	struct ynode *pspec = kb_sub(kb, tmpl, "spec");
	struct ynode *c, *mounts, *vols, *v, *claim, *cspec;
	struct probe_timing t;
	int64_t shm = cv->app->postgres->shm_size;
	const char *ready = y_text(kb_printf(kb, "pg_isready -h 127.0.0.1 -p %d -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\"",
					       postgres_constants.port));

	kb_str(kb, spec, "serviceName", "postgres-headless");
	/* The default, written out: deleting the StatefulSet (kubectl delete -k)
	 * or scaling it down keeps the data claim. */
	kb_str(kb, kb_sub(kb, spec, "persistentVolumeClaimRetentionPolicy"), "whenDeleted", "Retain");
	kb_str(kb, kb_sub(kb, spec, "persistentVolumeClaimRetentionPolicy"), "whenScaled", "Retain");
	kb_int(kb, spec, "replicas", 1);
	kb_put(kb, kb_sub(kb, spec, "selector"), "matchLabels", kb_selector(kb, "postgres"));
	kb_put(kb, kb_sub(kb, tmpl, "metadata"), "labels", kb_labels(kb, "postgres"));
	kb_str(kb, pspec, "serviceAccountName", "postgres");
	kb_bool(kb, pspec, "automountServiceAccountToken", false);
	/* The image stops on SIGINT (fast shutdown); give it time to checkpoint. */
	kb_int(kb, pspec, "terminationGracePeriodSeconds", 120);
	kb_put(kb, pspec, "securityContext", pod_security(kb, cv->postgres.uid, cv->postgres.uid, cv->postgres.uid));
	c = kb_push_map(kb, kb_list(kb, pspec, "containers"));
	kb_str(kb, c, "name", "postgres");
	kb_str(kb, c, "image", cv->app->postgres->image.ref);
	kb_put(kb, c, "args", postgres_args(cv));
	postgres_env(cv, kb_list(kb, c, "env"));
	container_port(kb, kb_list(kb, c, "ports"), "postgres", postgres_constants.port);
	/* initdb on a new volume, or recovery after a crash: 5 minutes allowed. */
	probe_timing(cv->app->postgres, &t, 300);
	kb_put(kb, c, "startupProbe", probe_exec_sh(kb, ready, t.period, t.startup_failures, t.timeout));
	kb_put(kb, c, "readinessProbe", probe_exec_sh(kb, ready, t.period, t.failures, t.timeout));
	kb_put(kb, c, "livenessProbe", probe_exec_sh(kb, ready, 3 * t.period, 2 * t.failures, 2 * t.timeout));
	kb_put(kb, c, "resources", resources(kb, 0.5, 1LL << 30, 2.0, 2LL << 30));
	kb_put(kb, c, "securityContext", container_security(kb, true));
	mounts = kb_list(kb, c, "volumeMounts");
	volume_mount(kb, mounts, "data", cv->postgres.mount_path, false);
	volume_mount(kb, mounts, "shm", "/dev/shm", false);
	volume_mount(kb, mounts, "run", "/var/run/postgresql", false);
	volume_mount(kb, mounts, "tmp", "/tmp", false);
	volume_mount(kb, mounts, "initdb", "/docker-entrypoint-initdb.d", true);
	vols = kb_list(kb, pspec, "volumes");
	volume_empty_dir(kb, vols, "shm", true,
			 shm > (64LL << 20) ? quantity_bytes(kb, shm) : "256Mi");
	volume_empty_dir(kb, vols, "run", false, "16Mi");
	volume_empty_dir(kb, vols, "tmp", false, "256Mi");
	v = kb_push_map(kb, vols);
	kb_str(kb, v, "name", "initdb");
	kb_str(kb, kb_sub(kb, v, "configMap"), "name", "postgres-init");
	monitoring_postgres_exporter(cv, kb_list(kb, pspec, "containers"), vols);

	claim = kb_push_map(kb, kb_list(kb, spec, "volumeClaimTemplates"));
	kb_str(kb, kb_sub(kb, claim, "metadata"), "name", "data");
	cspec = kb_sub(kb, claim, "spec");
	kb_push_str(kb, kb_list(kb, cspec, "accessModes"), "ReadWriteOnce");
	kb_str(kb, cspec, "storageClassName", cv->o->storage_class);
	kb_str(kb, kb_sub(kb, kb_sub(kb, cspec, "resources"), "requests"), "storage", cv->o->db_size);
	return ss;
}

static void services(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	for (int headless = 0; headless < 2; headless++) {
		const char *name = headless ? "postgres-headless" : cv->db_service;
		struct ynode *ports;
		struct ynode *s = selecting_service(kb, name, cv->ns, "postgres", headless, &ports);

		service_port(kb, ports, "postgres", postgres_constants.port);
		cv_emit(cv, OUT_POSTGRES, s);
	}
}

void build_postgres(struct cv *cv)
{
	/* A database outside the cluster: nothing of it runs here, but its
	 * databases are still dumped nightly. */
	if (cv->app->external_db.host)
		build_database_backup(cv);
	if (!cv->app->postgres)
		return;
	cv_emit(cv, OUT_POSTGRES, statefulset(cv));
	services(cv);
	build_database_backup(cv);
}
