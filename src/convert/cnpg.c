/* PostgreSQL through CloudNativePG (--postgres cnpg): a Cluster with
 * streaming replicas and automated failover, backups through the Barman
 * Cloud plugin (an ObjectStore and a ScheduledBackup), and a PgBouncer
 * Pooler in session mode (Odoo's bus uses LISTEN/NOTIFY, which transaction
 * pooling breaks). The Odoo filestore keeps a backup CronJob of its own. */
#include <ctype.h>
#include <string.h>

#include "convert/context.h"
#include "k8s/pod.h"

#define CLUSTER CNPG_CLUSTER
#define POOLER "postgres-pooler"
#define STORE CNPG_OBJECT_STORE
#define BARMAN_PLUGIN CNPG_BARMAN_PLUGIN

/* Role and database names go into SQL as quoted identifiers: keep them to
 * what needs no escaping. */
static bool plain_identifier(const char *s)
{
	if (!s || !(islower((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

static void managed_role(struct cv *cv, struct ynode *roles, const char *name, const char *secret, bool createdb)
{
	struct kb *kb = &cv->kb;
	struct ynode *r = kb_push_map(kb, roles);

	kb_str(kb, r, "name", name);
	kb_str(kb, r, "ensure", "present");
	kb_bool(kb, r, "login", true);
	if (createdb)
		kb_bool(kb, r, "createdb", true);
	kb_str(kb, kb_sub(kb, r, "passwordSecret"), "name", secret);
}

struct ynode *cnpg_cluster(struct cv *cv, bool initdb_bootstrap)
{
	struct kb *kb = &cv->kb;
	struct ynode *c = kb_object(kb, "postgresql.cnpg.io/v1", "Cluster", CLUSTER, cv->ns, "postgres");
	struct ynode *spec = kb_sub(kb, c, "spec");
	struct ynode *params = kb_sub(kb, kb_sub(kb, spec, "postgresql"), "parameters");
	/* Without initdb, restore.c bootstraps it from the object store. */
	struct ynode *initdb = initdb_bootstrap ? kb_sub(kb, kb_sub(kb, spec, "bootstrap"), "initdb") : NULL;
	struct ynode *roles = kb_list(kb, kb_sub(kb, spec, "managed"), "roles");
	struct ynode *storage = kb_sub(kb, spec, "storage");
	struct ynode *plugin = kb_push_map(kb, kb_list(kb, spec, "plugins"));
	const struct conf_entry *db_name = conf_get(&cv->app->conf, "db_name");
	int major = cv->app->postgres->image.major > 0 ? cv->app->postgres->image.major : 17;

	kb_int(kb, spec, "instances", cv->o->pg_instances);
	kb_put(kb, spec, "imageName", kb_printf(kb, "ghcr.io/cloudnative-pg/postgresql:%d", major));
	kb_put(kb, params, "max_connections", kb_printf(kb, "%d", cv->plan.max_connections));
	kb_str(kb, params, "shared_buffers", "512MB");
	if (cv->app->odoo) {
		kb_str(kb, initdb, "database", db_name && plain_identifier(db_name->value) ? db_name->value : "odoo");
		kb_str(kb, initdb, "owner", cv->creds.odoo_user);
		kb_str(kb, kb_sub(kb, initdb, "secret"), "name", "odoo-db");
		/* The owner may create the databases Odoo's manager or a restore needs. */
		managed_role(cv, roles, cv->creds.odoo_user, "odoo-db", true);
	}
	if (cv->app->keycloak) {
		struct ynode *sql = initdb ? kb_list(kb, initdb, "postInitSQL") : NULL;

		/* No password in SQL: the managed role below sets login and the
		 * password from the Secret. */
		kb_push(kb, sql, kb_printf(kb, "CREATE ROLE \"%s\"", cv->creds.keycloak_user));
		kb_push(kb, sql, kb_printf(kb, "CREATE DATABASE \"%s\" OWNER \"%s\"", cv->creds.keycloak_db,
					   cv->creds.keycloak_user));
		managed_role(cv, roles, cv->creds.keycloak_user, "keycloak-db", false);
	}
	kb_str(kb, storage, "size", cv->o->db_size);
	kb_str(kb, storage, "storageClass", cv->o->storage_class);
	kb_put(kb, spec, "resources", resources(kb, 0.5, 1LL << 30, 2.0, 2LL << 30));
	kb_str(kb, plugin, "name", BARMAN_PLUGIN);
	kb_bool(kb, plugin, "isWALArchiver", true);
	kb_str(kb, kb_sub(kb, plugin, "parameters"), "barmanObjectName", STORE);
	monitoring_cnpg(cv, spec);
	return c;
}

static struct ynode *object_store(struct cv *cv, const char *bucket)
{
	struct kb *kb = &cv->kb;
	struct ynode *o = kb_object(kb, "barmancloud.cnpg.io/v1", "ObjectStore", STORE, cv->ns, "postgres");
	struct ynode *spec = kb_sub(kb, o, "spec");
	struct ynode *conf = kb_sub(kb, spec, "configuration");
	struct ynode *s3 = kb_sub(kb, conf, "s3Credentials");

	kb_put(kb, spec, "retentionPolicy", kb_printf(kb, "%dd", cv->o->backup_retention_days));
	kb_put(kb, conf, "destinationPath", kb_printf(kb, "s3://%s/postgres/", bucket));
	kb_str(kb, conf, "endpointURL", cv->o->backup_endpoint);
	kb_str(kb, kb_sub(kb, s3, "accessKeyId"), "name", "backup-s3");
	kb_str(kb, kb_sub(kb, s3, "accessKeyId"), "key", "AWS_ACCESS_KEY_ID");
	kb_str(kb, kb_sub(kb, s3, "secretAccessKey"), "name", "backup-s3");
	kb_str(kb, kb_sub(kb, s3, "secretAccessKey"), "key", "AWS_SECRET_ACCESS_KEY");
	kb_str(kb, kb_sub(kb, conf, "wal"), "compression", "gzip");
	kb_str(kb, kb_sub(kb, conf, "data"), "compression", "gzip");
	return o;
}

static struct ynode *scheduled_backup(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *b = kb_object(kb, "postgresql.cnpg.io/v1", "ScheduledBackup", "postgres-nightly", cv->ns, "postgres");
	struct ynode *spec = kb_sub(kb, b, "spec");

	/* CloudNativePG schedules have six fields, seconds first. */
	kb_str(kb, spec, "schedule", "0 0 2 * * *");
	kb_str(kb, kb_sub(kb, spec, "cluster"), "name", CLUSTER);
	kb_str(kb, spec, "method", "plugin");
	kb_str(kb, kb_sub(kb, spec, "pluginConfiguration"), "name", BARMAN_PLUGIN);
	kb_str(kb, spec, "backupOwnerReference", "self");
	kb_bool(kb, spec, "immediate", true);
	return b;
}

static struct ynode *pooler(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *p = kb_object(kb, "postgresql.cnpg.io/v1", "Pooler", POOLER, cv->ns, "postgres");
	struct ynode *spec = kb_sub(kb, p, "spec");
	struct ynode *pgb = kb_sub(kb, spec, "pgbouncer");
	struct ynode *params = kb_sub(kb, pgb, "parameters");
	int instances = 2;
	int clients = cv->plan.budget_used;

	kb_str(kb, kb_sub(kb, spec, "cluster"), "name", CLUSTER);
	kb_int(kb, spec, "instances", instances);
	kb_str(kb, spec, "type", "rw");
	kb_str(kb, pgb, "poolMode", "session");
	/* Session mode: one server connection per client, so each instance
	 * takes its share of the budget the odoo.conf comments explain. */
	kb_put(kb, params, "max_client_conn", kb_printf(kb, "%d", clients));
	kb_put(kb, params, "default_pool_size", kb_printf(kb, "%d", (clients + instances - 1) / instances));
	return p;
}

void build_postgres_cnpg(struct cv *cv)
{
	const char *bucket = backup_bucket(cv);

	if (!cv->app->postgres)
		return;
	if ((cv->app->odoo && !plain_identifier(cv->creds.odoo_user)) ||
	    (cv->app->keycloak && (!plain_identifier(cv->creds.keycloak_user) || !plain_identifier(cv->creds.keycloak_db)))) {
		diag_add(cv->d, DIAG_ERROR, &cv->where, "use lower-case names of letters, digits and _",
			 "database role and database names must be plain SQL identifiers for CloudNativePG");
		return;
	}
	cv_emit(cv, OUT_POSTGRES, cnpg_cluster(cv, true));
	cv_emit(cv, OUT_POSTGRES, pooler(cv));
	cv_emit(cv, OUT_POSTGRES, object_store(cv, bucket));
	cv_emit(cv, OUT_POSTGRES, scheduled_backup(cv));
	if (cv->app->odoo)
		build_filestore_backup(cv, bucket);
	cv_note(&cv->must_supply,
		"CloudNativePG 1.26 or later in namespace `%s`, with the Barman Cloud plugin (which needs "
		"cert-manager), for the Cluster `%s` (%d instances; clients connect through the Pooler `%s`).",
		cv->o->cnpg_namespace, CLUSTER, cv->o->pg_instances, POOLER);
	cv_note(&cv->must_supply,
		"Secret `backup-s3` with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for WAL archiving and base "
		"backups to s3://%s/postgres/ at %s (kept %d days).",
		bucket, cv->o->backup_endpoint, cv->o->backup_retention_days);
}
