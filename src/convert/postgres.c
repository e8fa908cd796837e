/* PostgreSQL: one StatefulSet replica (a plain StatefulSet with more would be
 * several independent databases, not high availability), its Services, the
 * script that creates the Odoo and Keycloak roles, and the backup CronJob. */
#include <string.h>

#include "convert/context.h"
#include "k8s/pod.h"

#define BACKUP_IMAGE "amazon/aws-cli:2.17.0"
/* TCP on 127.0.0.1, not the socket: the init-time server listens on the
 * socket only, so the pod stays unready until initialisation is done. */
#define BACKUP_UID 1000

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

/* pg_dump of every database (custom format) and the roles, with the Odoo
 * filestore, to S3-compatible storage; dumps older than the retention go. */
static const char dump_script[] =
	"set -eu\n"
	"stamp=$(date -u +%Y%m%dT%H%M%SZ)\n"
	"mkdir -p /backup/$stamp\n"
	"pg_dumpall -h \"$PGHOST\" -U \"$PGUSER\" --globals-only > /backup/$stamp/globals.sql\n"
	"for db in $(psql -h \"$PGHOST\" -U \"$PGUSER\" -d postgres -Atc \"SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'\"); do\n"
	"  pg_dump -h \"$PGHOST\" -U \"$PGUSER\" -Fc -f /backup/$stamp/$db.dump \"$db\"\n"
	"  pg_restore --list /backup/$stamp/$db.dump > /dev/null\n"
	"done\n"
	"# A database dump without its filestore is not a complete Odoo backup.\n"
	"if [ -d /filestore/filestore ]; then tar -C /filestore -czf /backup/$stamp/filestore.tar.gz filestore; fi\n"
	"echo $stamp > /backup/STAMP\n";

static const char filestore_script[] =
	"set -eu\n"
	"stamp=$(date -u +%Y%m%dT%H%M%SZ)\n"
	"mkdir -p /backup/$stamp\n"
	"tar -C /filestore -czf /backup/$stamp/filestore.tar.gz filestore\n"
	"echo $stamp > /backup/STAMP\n";

static const char upload_script[] =
	"set -eu\n"
	"stamp=$(cat /backup/STAMP)\n"
	"aws s3 cp --recursive --endpoint-url \"$S3_ENDPOINT\" /backup/$stamp \"s3://$S3_BUCKET/$S3_PREFIX/$stamp/\"\n"
	"cutoff=$(date -u -d \"@$(( $(date +%s) - RETENTION_DAYS * 86400 ))\" +%Y%m%dT%H%M%SZ)\n"
	"aws s3 ls --endpoint-url \"$S3_ENDPOINT\" \"s3://$S3_BUCKET/$S3_PREFIX/\" | awk '{print $2}' | tr -d / |\n"
	"while read -r old; do\n"
	"  if [ -n \"$old\" ] && [ \"$old\" \\< \"$cutoff\" ]; then\n"
	"    aws s3 rm --recursive --endpoint-url \"$S3_ENDPOINT\" \"s3://$S3_BUCKET/$S3_PREFIX/$old/\"\n"
	"  fi\n"
	"done\n";

/* databases: pg_dump every database too; else (CloudNativePG backs the
 * databases up itself) only the Odoo filestore. */
static void backup_cronjob(struct cv *cv, const char *bucket, bool databases)
{
	struct kb *kb = &cv->kb;
	struct ynode *cj = kb_object(kb, "batch/v1", "CronJob", "postgres-backup", cv->ns, "postgres-backup");
	struct ynode *spec = kb_sub(kb, cj, "spec");
	struct ynode *jspec = kb_sub(kb, kb_sub(kb, spec, "jobTemplate"), "spec");
	struct ynode *tmpl = kb_sub(kb, jspec, "template");
	struct ynode *pspec = kb_sub(kb, tmpl, "spec");
	struct ynode *dump, *upload, *cmd, *env, *mounts, *vols, *v;
	kb_str(kb, spec, "schedule", "0 2 * * *");
	kb_str(kb, spec, "timeZone", "Etc/UTC");
	kb_str(kb, spec, "concurrencyPolicy", "Forbid");
	kb_int(kb, spec, "successfulJobsHistoryLimit", 3);
	kb_int(kb, spec, "failedJobsHistoryLimit", 3);
	kb_int(kb, jspec, "backoffLimit", 2);
	kb_int(kb, jspec, "activeDeadlineSeconds", 6 * 3600);
	kb_put(kb, kb_sub(kb, tmpl, "metadata"), "labels", kb_labels(kb, "postgres-backup"));
	kb_str(kb, pspec, "restartPolicy", "OnFailure");
	kb_str(kb, pspec, "serviceAccountName", "postgres-backup");
	kb_bool(kb, pspec, "automountServiceAccountToken", false);
	kb_put(kb, pspec, "securityContext", pod_security(kb, BACKUP_UID, BACKUP_UID, BACKUP_UID));
	if (cv->app->odoo && cv->o->odoo_replicas == 1 && cv->o->odoo_max_replicas == 1) {
		/* The filestore is ReadWriteOnce: only a pod on Odoo's node can mount it. */
		struct ynode *term = kb_push_map(kb, kb_list(kb, kb_sub(kb, kb_sub(kb, pspec, "affinity"), "podAffinity"),
							     "requiredDuringSchedulingIgnoredDuringExecution"));
		kb_str(kb, term, "topologyKey", "kubernetes.io/hostname");
		kb_put(kb, kb_sub(kb, term, "labelSelector"), "matchLabels", kb_selector(kb, "odoo"));
	}

	dump = kb_push_map(kb, kb_list(kb, pspec, "initContainers"));
	kb_str(kb, dump, "name", databases ? "pg-dump" : "archive-filestore");
	kb_str(kb, dump, "image", databases ? cv->postgres_image : cv->odoo_image);
	cmd = kb_list(kb, dump, "command");
	kb_push_str(kb, cmd, "sh");
	kb_push_str(kb, cmd, "-c");
	kb_push_str(kb, cmd, databases ? dump_script : filestore_script);
	if (databases) {
		env = kb_list(kb, dump, "env");
		env_value(kb, env, "PGHOST", cv->db_service);
		env_secret(kb, env, "PGUSER", "postgres-credentials", "POSTGRES_USER");
		env_secret(kb, env, "PGPASSWORD", "postgres-credentials", "POSTGRES_PASSWORD");
	}
	mounts = kb_list(kb, dump, "volumeMounts");
	volume_mount(kb, mounts, "backup", "/backup", false);
	if (cv->app->odoo)
		volume_mount(kb, mounts, "filestore", "/filestore", true);
	kb_put(kb, dump, "resources", resources(kb, 0.25, 256LL << 20, 1.0, 1LL << 30));
	kb_put(kb, dump, "securityContext", container_security(kb, true));

	upload = kb_push_map(kb, kb_list(kb, pspec, "containers"));
	kb_str(kb, upload, "name", "upload");
	kb_str(kb, upload, "image", BACKUP_IMAGE);
	cmd = kb_list(kb, upload, "command");
	kb_push_str(kb, cmd, "sh");
	kb_push_str(kb, cmd, "-c");
	kb_push_str(kb, cmd, upload_script);
	env = kb_list(kb, upload, "env");
	env_value(kb, env, "HOME", "/tmp");
	env_value(kb, env, "S3_ENDPOINT", cv->o->backup_endpoint);
	env_value(kb, env, "S3_BUCKET", bucket);
	env_value(kb, env, "S3_PREFIX", databases ? "postgres" : "filestore");
	env_value(kb, env, "RETENTION_DAYS", y_text(kb_printf(kb, "%d", cv->o->backup_retention_days)));
	/* S3 SDKs need a region; DigitalOcean Spaces accepts us-east-1. */
	env_value(kb, env, "AWS_DEFAULT_REGION", "us-east-1");
	env_secret(kb, env, "AWS_ACCESS_KEY_ID", "backup-s3", "AWS_ACCESS_KEY_ID");
	env_secret(kb, env, "AWS_SECRET_ACCESS_KEY", "backup-s3", "AWS_SECRET_ACCESS_KEY");
	mounts = kb_list(kb, upload, "volumeMounts");
	volume_mount(kb, mounts, "backup", "/backup", false);
	volume_mount(kb, mounts, "tmp", "/tmp", false);
	kb_put(kb, upload, "resources", resources(kb, 0.1, 128LL << 20, 1.0, 512LL << 20));
	kb_put(kb, upload, "securityContext", container_security(kb, true));

	vols = kb_list(kb, pspec, "volumes");
	volume_empty_dir(kb, vols, "backup", false, quantity_bytes(kb, 20LL << 30));
	volume_empty_dir(kb, vols, "tmp", false, "256Mi");
	if (cv->app->odoo) {
		v = kb_push_map(kb, vols);
		kb_str(kb, v, "name", "filestore");
		kb_str(kb, kb_sub(kb, v, "persistentVolumeClaim"), "claimName", "odoo-filestore");
		kb_bool(kb, kb_sub(kb, v, "persistentVolumeClaim"), "readOnly", true);
	}
	cv_emit(cv, OUT_POSTGRES, cj);
	if (!databases)
		return;
	cv_note(&cv->must_supply,
		"Secret `backup-s3` with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (a DigitalOcean Spaces "
		"key) for the nightly backup to s3://%s at %s: `kubectl -n %s create secret generic backup-s3 "
		"--from-literal=AWS_ACCESS_KEY_ID=... --from-literal=AWS_SECRET_ACCESS_KEY=...`. Change the target "
		"with --backup-bucket and --backup-endpoint.",
		bucket, cv->o->backup_endpoint, cv->ns);
}

void build_postgres(struct cv *cv)
{
	if (!cv->app->postgres)
		return;
	cv_emit(cv, OUT_POSTGRES, statefulset(cv));
	services(cv);
	backup_cronjob(cv, y_text(kb_strv(&cv->kb, backup_bucket(cv))), true);
}

const char *backup_bucket(struct cv *cv)
{
	return cv->o->backup_bucket ? cv->o->backup_bucket
				    : y_text(kb_printf(&cv->kb, "%s-backups", cv->app->project));
}

void build_filestore_backup(struct cv *cv, const char *bucket)
{
	backup_cronjob(cv, bucket, false);
}
