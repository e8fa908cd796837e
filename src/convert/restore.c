/* The way back from a backup: restore-job.yaml, a Job that takes a backup
 * stamp from the bucket, checks every file against its MANIFEST, and only
 * then restores the roles, every database (parallel pg_restore) and the
 * filestore, refusing to replace what is not empty unless told to. With
 * CloudNativePG the databases come back through postgres-recovery.yaml, a
 * Cluster bootstrapped from the Barman Cloud object store (optionally to a
 * point in time), and the Job restores the filestore. Neither file is in
 * the kustomization: applying the stack never restores anything. */
#include <string.h>

#include "convert/backup.h"
#include "convert/backup_scripts.h"
#include "k8s/pod.h"

#define RESTORE_JOBS "4"
/* The recovered Cluster archives under a server name of its own: the Barman
 * Cloud plugin refuses to archive into a WAL archive that is not empty, and
 * the old cluster's is not
 * (https://cloudnative-pg.io/plugin-barman-cloud/docs/usage/, "Restoring a Cluster"). */
#define RECOVERED_SERVER "postgres-recovered"

static void fetch_container(struct cv *cv, struct ynode *pspec, const char *bucket, bool databases)
{
	struct kb *kb = &cv->kb;
	struct ynode *c = backup_container(cv, kb_list(kb, pspec, "initContainers"), "fetch", BACKUP_AWS_IMAGE,
					   restore_fetch_script);
	struct ynode *env = kb_list(kb, c, "env");

	/* latest: the newest stamp with a MANIFEST. */
	env_value(kb, env, "BACKUP_STAMP", "latest");
	backup_s3_env(cv, env, bucket, databases ? "postgres" : "filestore");
	backup_folders(cv, c, "restore", false, false);
	kb_put(kb, c, "resources", resources(kb, 0.1, 128LL << 20, 1.0, 512LL << 20));
}

static void apply_container(struct cv *cv, struct ynode *pspec, bool databases)
{
	struct kb *kb = &cv->kb;
	struct ynode *c = backup_container(cv, kb_list(kb, pspec, "containers"), "restore", backup_tools_image(cv),
					   restore_apply_script);
	struct ynode *env = kb_list(kb, c, "env");

	/* yes: replace databases and a filestore that are not empty. */
	env_value(kb, env, "OVERWRITE", "no");
	env_value(kb, env, "RESTORE_JOBS", RESTORE_JOBS);
	if (databases)
		backup_pg_env(cv, env);
	backup_folders(cv, c, "restore", false, false);
	kb_put(kb, c, "resources", resources(kb, 0.5, 256LL << 20, 2.0, 1LL << 30));
}

static struct ynode *restore_job(struct cv *cv, const char *bucket, bool databases)
{
	struct kb *kb = &cv->kb;
	struct ynode *job = kb_object(kb, "batch/v1", "Job", "postgres-restore", cv->ns, "postgres-backup");
	struct ynode *jspec = kb_sub(kb, job, "spec");
	/* Odoo's user, so that Odoo can write into the filestore it gets back. */
	struct ynode *pspec = backup_pod(cv, kb_sub(kb, jspec, "template"), "Never", cv->app->odoo ? cv->odoo.uid : 1000);
	struct ynode *vols;

	/* A restore that failed is read and run again by a person, not retried. */
	kb_int(kb, jspec, "backoffLimit", 0);
	kb_int(kb, jspec, "activeDeadlineSeconds", 6 * 3600);
	fetch_container(cv, pspec, bucket, databases);
	apply_container(cv, pspec, databases);
	vols = kb_list(kb, pspec, "volumes");
	volume_empty_dir(kb, vols, "restore", false, databases ? cv->o->db_size : "64Mi");
	volume_empty_dir(kb, vols, "tmp", false, "256Mi");
	if (cv->app->odoo)
		backup_filestore_volume(kb, vols, false);
	return job;
}

/* The same Cluster as cnpg.c writes, bootstrapped from the object store
 * instead of initdb (https://cloudnative-pg.io/plugin-barman-cloud/docs/usage/). */
static struct ynode *recovery_cluster(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *c = cnpg_cluster(cv, false);
	struct ynode *spec = kb_sub(kb, c, "spec");
	struct ynode *recovery = kb_sub(kb, kb_sub(kb, spec, "bootstrap"), "recovery");
	struct ynode *origin = kb_push_map(kb, kb_list(kb, spec, "externalClusters"));
	struct ynode *plugin = kb_sub(kb, origin, "plugin");
	struct ynode *params = kb_sub(kb, plugin, "parameters");
	struct ynode *plugins = kb_list(kb, spec, "plugins");
	struct ynode *archive = plugins && plugins->n ? kb_sub(kb, plugins->items[0], "parameters") : NULL;

	kb_str(kb, recovery, "source", "origin");
	if (cv->o->recovery_target_time)
		kb_str(kb, kb_sub(kb, recovery, "recoveryTarget"), "targetTime", cv->o->recovery_target_time);
	kb_str(kb, origin, "name", "origin");
	kb_str(kb, plugin, "name", CNPG_BARMAN_PLUGIN);
	kb_str(kb, params, "barmanObjectName", CNPG_OBJECT_STORE);
	kb_str(kb, params, "serverName", CNPG_CLUSTER);
	kb_str(kb, archive, "serverName", RECOVERED_SERVER);
	return c;
}

/* The command that stops every writer of the databases and the filestore. */
static const char *stop_writers(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	const char *deploys = y_text(kb_printf(kb, "deploy/odoo%s%s", cv->plan.cron_deployment ? " deploy/odoo-cron" : "",
					       cv->app->keycloak && cv->o->postgres != PG_CNPG ? " deploy/keycloak" : ""));

	/* KEDA would scale a Deployment back up: pause it at 0 instead
	 * (https://github.com/kedacore/keda/issues/944, annotation paused-replicas). */
	if (cv->o->autoscaling == AUTOSCALE_KEDA)
		return y_text(kb_printf(kb, "`kubectl -n %s annotate scaledobject odoo autoscaling.keda.sh/paused-replicas=0` "
					    "and `kubectl -n %s scale %s --replicas=0`", cv->ns, cv->ns, deploys));
	return y_text(kb_printf(kb, "`kubectl -n %s scale %s --replicas=0`", cv->ns, deploys));
}

void build_restore(struct cv *cv)
{
	bool databases = cv->o->postgres != PG_CNPG;
	const char *bucket = backup_bucket(cv);
	const char *prefix = databases ? "postgres" : "filestore";

	if (cv->o->recovery_target_time && databases) {
		diag_add(cv->d, DIAG_ERROR, NULL, "add --postgres cnpg, or leave the option out",
			 "--recovery-target-time sets the point in time of the CloudNativePG recovery Cluster; "
			 "a pg_dump backup restores to the moment of its stamp");
		return;
	}
	if (!cv->app->postgres || (!databases && !cv->app->odoo))
		return;
	if (!databases) {
		cv_emit(cv, OUT_RECOVERY, recovery_cluster(cv));
		cv_note(&cv->done,
			"Restore the databases: `kubectl -n %s delete cluster %s` (its volumes go with it), then `kubectl "
			"apply -f postgres-recovery.yaml`: the Cluster `%s` again, from the last base backup and the WAL in "
			"s3://%s/postgres/ (to a point in time with --recovery-target-time when converting). It archives "
			"under the server name `%s`: a later recovery from it sets that serverName in externalClusters.",
			cv->ns, CNPG_CLUSTER, CNPG_CLUSTER, bucket, RECOVERED_SERVER);
	}
	cv_emit(cv, OUT_RESTORE, restore_job(cv, bucket, databases));
	cv_note(&cv->done,
		"Restore %s: (1) stop the writers: %s; (2) `kubectl -n %s create -f restore-job.yaml` takes the newest "
		"complete backup (another: `kubectl set env --local -f restore-job.yaml --containers='*' "
		"BACKUP_STAMP=20261127T020000Z -o yaml | kubectl -n %s create -f -`, stamps from `aws s3 ls s3://%s/%s/`); "
		"(3) `kubectl -n %s logs -f job/postgres-restore --all-containers`: every file is checked against the "
		"backup's MANIFEST (SHA-256) before anything changes, and a database or filestore that is not empty is "
		"refused unless OVERWRITE=yes (set like BACKUP_STAMP); (4) scale back up. Role passwords are never backed "
		"up: existing roles keep the Secrets' ones. In kgenius's test (tests/integration/backup.sh, 2 shared "
		"cores shared with other builds) 22 MB of databases and 300 filestore files backed up in 6 to 19 s and restored in 4 to 24 s; "
		"a 1.4 GB database (148 MB in the bucket) in 25 s and 24 s. To "
		"test restores on a schedule, run this Job weekly in a scratch namespace holding the same Secrets, a "
		"PostgreSQL and an `odoo-filestore` claim, wait for it (`kubectl wait --for=condition=complete "
		"job/postgres-restore`), then delete the namespace.",
		databases ? "a backup (roles, every database, the filestore)" : "the filestore", stop_writers(cv), cv->ns,
		cv->ns, bucket, prefix, cv->ns);
}
