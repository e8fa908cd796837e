/* The nightly backup CronJob: pg_dump of every database with the Odoo
 * filestore (plain PostgreSQL), or the filestore alone (CloudNativePG backs
 * the databases up itself), to S3-compatible storage with retention. */
#include <string.h>

#include "convert/backup.h"
#include "convert/backup_scripts.h"
#include "k8s/pod.h"

#define BACKUP_UID 1000

const char *backup_tools_image(struct cv *cv)
{
	/* The scripts need bash and GNU find: an Alpine variant has neither. */
	if (strstr(cv->postgres_image, "alpine") && cv->app->postgres && cv->app->postgres->image.major > 0)
		return y_text(kb_printf(&cv->kb, "postgres:%d", cv->app->postgres->image.major));
	return cv->postgres_image;
}

void backup_s3_env(struct cv *cv, struct ynode *env, const char *bucket, const char *prefix)
{
	struct kb *kb = &cv->kb;

	env_value(kb, env, "HOME", "/tmp");
	env_value(kb, env, "S3_ENDPOINT", cv->o->backup_endpoint);
	env_value(kb, env, "S3_BUCKET", bucket);
	env_value(kb, env, "S3_PREFIX", prefix);
	/* S3 SDKs need a region; DigitalOcean Spaces accepts us-east-1. */
	env_value(kb, env, "AWS_DEFAULT_REGION", "us-east-1");
	env_secret(kb, env, "AWS_ACCESS_KEY_ID", "backup-s3", "AWS_ACCESS_KEY_ID");
	env_secret(kb, env, "AWS_SECRET_ACCESS_KEY", "backup-s3", "AWS_SECRET_ACCESS_KEY");
}

void backup_pg_env(struct cv *cv, struct ynode *env)
{
	struct kb *kb = &cv->kb;

	env_value(kb, env, "PGHOST", cv->db_service);
	if (cv->db_port != postgres_constants.port)
		env_value(kb, env, "PGPORT", y_text(kb_printf(kb, "%d", cv->db_port)));
	if (cv->db_sslmode)
		env_value(kb, env, "PGSSLMODE", cv->db_sslmode);
	env_secret(kb, env, "PGUSER", "postgres-credentials", "POSTGRES_USER");
	env_secret(kb, env, "PGPASSWORD", "postgres-credentials", "POSTGRES_PASSWORD");
}

struct ynode *backup_container(struct cv *cv, struct ynode *list, const char *name, const char *image,
			      const char *script)
{
	struct kb *kb = &cv->kb;
	struct ynode *c = kb_push_map(kb, list);
	struct ynode *cmd;

	kb_str(kb, c, "name", name);
	kb_str(kb, c, "image", image);
	cmd = kb_list(kb, c, "command");
	kb_push_str(kb, cmd, "bash");
	kb_push_str(kb, cmd, "-c");
	kb_push_str(kb, cmd, script);
	return c;
}

void backup_folders(struct cv *cv, struct ynode *c, const char *scratch, bool scratch_ro, bool filestore_ro)
{
	struct kb *kb = &cv->kb;
	struct ynode *env = kb_list(kb, c, "env");
	struct ynode *mounts = kb_list(kb, c, "volumeMounts");
	const char *path = y_text(kb_printf(kb, "/%s", scratch));
	const char *var = y_text(kb_printf(kb, "%s_DIR", strcmp(scratch, "backup") == 0 ? "BACKUP" : "RESTORE"));

	env_value(kb, env, var, path);
	env_value(kb, env, "FILESTORE_DIR", "/filestore");
	volume_mount(kb, mounts, scratch, path, scratch_ro);
	volume_mount(kb, mounts, "tmp", "/tmp", false);
	if (cv->app->odoo)
		volume_mount(kb, mounts, "filestore", "/filestore", filestore_ro);
	kb_put(kb, c, "securityContext", container_security(kb, true));
}

struct ynode *backup_pod(struct cv *cv, struct ynode *tmpl, const char *restart_policy, int uid)
{
	struct kb *kb = &cv->kb;
	struct ynode *pspec;

	/* One label for the backup and the restore: the same NetworkPolicies
	 * (PostgreSQL, object storage, DNS). */
	kb_put(kb, kb_sub(kb, tmpl, "metadata"), "labels", kb_labels(kb, "postgres-backup"));
	pspec = kb_sub(kb, tmpl, "spec");
	kb_str(kb, pspec, "restartPolicy", restart_policy);
	kb_str(kb, pspec, "serviceAccountName", "postgres-backup");
	kb_bool(kb, pspec, "automountServiceAccountToken", false);
	kb_put(kb, pspec, "securityContext", pod_security(kb, uid, uid, uid));
	return pspec;
}

void backup_filestore_volume(struct kb *kb, struct ynode *vols, bool read_only)
{
	struct ynode *v = kb_push_map(kb, vols);

	kb_str(kb, v, "name", "filestore");
	kb_str(kb, kb_sub(kb, v, "persistentVolumeClaim"), "claimName", "odoo-filestore");
	if (read_only)
		kb_bool(kb, kb_sub(kb, v, "persistentVolumeClaim"), "readOnly", true);
}

/* The first container: the dumps and the manifest (databases), or the
 * manifest of the filestore alone (CloudNativePG backs the databases up
 * itself). */
static void dump_container(struct cv *cv, struct ynode *pspec, bool databases)
{
	struct kb *kb = &cv->kb;
	struct ynode *dump = backup_container(cv, kb_list(kb, pspec, "initContainers"),
					      databases ? "pg-dump" : "archive-filestore", backup_tools_image(cv),
					      backup_dump_script);

	if (databases)
		backup_pg_env(cv, kb_list(kb, dump, "env"));
	backup_folders(cv, dump, "backup", false, true);
	kb_put(kb, dump, "resources", resources(kb, 0.25, 256LL << 20, 1.0, 1LL << 30));
}

/* The second: the upload, the filestore read from its own volume (no copy
 * of it in the pod), the manifest last, the retention. */
static void upload_container(struct cv *cv, struct ynode *pspec, const char *bucket, bool databases)
{
	struct kb *kb = &cv->kb;
	struct ynode *upload = backup_container(cv, kb_list(kb, pspec, "containers"), "upload", BACKUP_AWS_IMAGE,
						backup_upload_script);
	struct ynode *env = kb_list(kb, upload, "env");

	backup_s3_env(cv, env, bucket, databases ? "postgres" : "filestore");
	env_value(kb, env, "RETENTION_DAYS", y_text(kb_printf(kb, "%d", cv->o->backup_retention_days)));
	backup_folders(cv, upload, "backup", true, true);
	kb_put(kb, upload, "resources", resources(kb, 0.1, 128LL << 20, 1.0, 512LL << 20));
}

static void backup_cronjob(struct cv *cv, const char *bucket, bool databases)
{
	struct kb *kb = &cv->kb;
	struct ynode *cj = kb_object(kb, "batch/v1", "CronJob", "postgres-backup", cv->ns, "postgres-backup");
	struct ynode *spec = kb_sub(kb, cj, "spec");
	struct ynode *jspec = kb_sub(kb, kb_sub(kb, spec, "jobTemplate"), "spec");
	struct ynode *pspec, *vols;

	kb_str(kb, spec, "schedule", "0 2 * * *");
	kb_str(kb, spec, "timeZone", "Etc/UTC");
	kb_str(kb, spec, "concurrencyPolicy", "Forbid");
	kb_int(kb, spec, "successfulJobsHistoryLimit", 3);
	kb_int(kb, spec, "failedJobsHistoryLimit", 3);
	kb_int(kb, jspec, "backoffLimit", 2);
	kb_int(kb, jspec, "activeDeadlineSeconds", 6 * 3600);
	pspec = backup_pod(cv, kb_sub(kb, jspec, "template"), "OnFailure", BACKUP_UID);
	if (cv->app->odoo && cv->o->odoo_replicas == 1 && cv->o->odoo_max_replicas == 1) {
		/* The filestore is ReadWriteOnce: only a pod on Odoo's node can mount it. */
		struct ynode *term = kb_push_map(kb, kb_list(kb, kb_sub(kb, kb_sub(kb, pspec, "affinity"), "podAffinity"),
							     "requiredDuringSchedulingIgnoredDuringExecution"));
		kb_str(kb, term, "topologyKey", "kubernetes.io/hostname");
		kb_put(kb, kb_sub(kb, term, "labelSelector"), "matchLabels", kb_selector(kb, "odoo"));
	}
	dump_container(cv, pspec, databases);
	upload_container(cv, pspec, bucket, databases);
	vols = kb_list(kb, pspec, "volumes");
	/* The dumps wait here for the upload: a dump is smaller than the data
	 * directory it comes from. The filestore is never copied here. */
	volume_empty_dir(kb, vols, "backup", false, databases ? cv->o->db_size : "64Mi");
	volume_empty_dir(kb, vols, "tmp", false, "256Mi");
	if (cv->app->odoo)
		backup_filestore_volume(kb, vols, true);
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

const char *backup_bucket(struct cv *cv)
{
	return cv->o->backup_bucket ? cv->o->backup_bucket
				    : y_text(kb_printf(&cv->kb, "%s-backups", cv->app->project));
}

void build_database_backup(struct cv *cv)
{
	backup_cronjob(cv, y_text(kb_strv(&cv->kb, backup_bucket(cv))), true);
}

void build_filestore_backup(struct cv *cv, const char *bucket)
{
	backup_cronjob(cv, bucket, false);
}
