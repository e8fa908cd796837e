/* NOTES.md: what was generated, what the user must still provide, what
 * happens to the data, and every warning with its file and line. */
#include "convert/notes.h"

#include <stdio.h>
#include <string.h>

static const char *relative(const char *path, const char *workdir)
{
	size_t n = strlen(workdir);

	if (path && strncmp(path, workdir, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path ? path : "";
}

/* What `kubectl delete -k .` leaves, mode by mode. */
static void data_note(const struct cv *cv, struct buf *b)
{
	bool retain = strcmp(cv->o->storage_class, doks_constants.block_storage_retain) == 0;

	buf_printf(b, "- Data outlives the app: the Namespace (namespace.yaml)%s %s not in kustomization.yaml, so "
		      "`kubectl delete -k .` does not delete %s",
		   cv->app->odoo ? " and the Odoo filestore claim (storage.yaml)" : "", cv->app->odoo ? "are" : "is",
		   cv->app->odoo ? "them" : "it");
	if (cv->app->postgres && cv->o->postgres == PG_CNPG)
		buf_puts(b, "; PostgreSQL's claims belong to the CloudNativePG Cluster, whose deletion deletes them");
	else if (cv->app->postgres)
		buf_puts(b, "; PostgreSQL's claim belongs to its StatefulSet, which keeps it when deleted "
			    "(persistentVolumeClaimRetentionPolicy Retain)");
	else if (cv->app->external_db.host)
		buf_printf(b, "; the databases stay on %s", cv->app->external_db.host);
	if (retain)
		buf_printf(b, "; `%s` keeps each volume when its claim is deleted (reclaimPolicy Retain)",
			   cv->o->storage_class);
	else
		buf_printf(b, "; `%s` is not DigitalOcean's retaining class: check its reclaimPolicy, `Delete` "
			      "loses a volume with its claim", cv->o->storage_class);
	buf_puts(b, ". Deleting the data is deliberate: delete the claims, then the released volumes.\n");
}

/* A database outside the cluster: what kgenius did not do (run it, create
 * its roles, size it) becomes what the user does. */
static void external_database_notes(struct cv *cv)
{
	const struct external_db *x = &cv->app->external_db;
	const struct odoo_plan *p = &cv->plan;

	if (!x->host)
		return;
	cv_note(&cv->done, "No PostgreSQL in the cluster: the applications connect to %s on port %d, as the project "
			   "does (%s), %s. The NetworkPolicies let them (and the backup job) reach TCP port %d at any "
			   "address (ipBlock 0.0.0.0/0): a managed database's address is not known when the manifests are "
			   "written and may change.",
		x->host, x->port, x->provider ? x->provider->provider : "a server kgenius does not know",
		cv->db_sslmode ? "over TLS (sslmode=require: odoo.conf db_sslmode, Keycloak's KC_DB_URL_PROPERTIES, "
				 "the backup's PGSSLMODE)"
			       : "with the clients' default TLS mode (libpq's prefer)",
		x->port);
	cv_note(&cv->must_supply, "The database at %s must accept %d connections: the budget of every pod the "
				  "autoscaler may start (%d Odoo pods x %d processes x db_maxconn %d%s%s, and %d reserved "
				  "for maintenance); kgenius sets no max_connections there, size the managed database (or "
				  "its connection limit) for it.",
		x->host, p->budget_used, cv->o->odoo_max_replicas, p->processes_per_pod, p->db_maxconn,
		p->cron_deployment ? ", the cron pod" : "", cv->app->keycloak ? ", Keycloak's pool" : "", p->reserve);
	cv_note(&cv->must_supply, "The roles of Secrets `odoo-db`%s must exist on %s with those passwords, and "
				  "Secret `postgres-credentials` must hold a role that can read every database (the "
				  "nightly pg_dump uses it; `doadmin` on DigitalOcean): kgenius creates no role on a server "
				  "outside the cluster.",
		cv->app->keycloak ? " and `keycloak-db` (with its database)" : "", x->host);
	if (!x->provider)
		cv_note(&cv->must_supply, "%s must resolve from the pods' DNS (a Service of type ExternalName, or a "
					  "name the cluster's DNS knows); if it requires TLS, add db_sslmode = require to "
					  "odoo.conf and PGSSLMODE to the backup.", x->host);
}

void write_notes(struct cv *cv, struct buf *b, const struct diags *d, const char *workdir)
{
	external_database_notes(cv);
	buf_printf(b, "# %s on Kubernetes: notes from kgenius convert\n\n", cv->app->project);
	buf_printf(b, "Apply once `kubectl apply -f namespace.yaml%s`, then `kubectl apply -k .` (namespace `%s`). "
		      "Odoo: https://%s", cv->files[OUT_STORAGE] && cv->files[OUT_STORAGE]->n ? " -f storage.yaml" : "",
		   cv->ns, cv->odoo_host ? cv->odoo_host : "-");
	if (cv->auth_host && cv->app->keycloak)
		buf_printf(b, ", Keycloak: https://%s", cv->auth_host);
	buf_puts(b, ".\n\n## What you must still provide\n\n");
	buf_puts(b, cv->must_supply.len ? buf_cstr(&cv->must_supply) : "- Nothing.\n");
	buf_puts(b, "\n## What was generated\n\n");
	if (cv->app->odoo)
		cv_note(b, "Odoo: %d to %d web pods (%d workers each, %s)%s; odoo.conf in the "
			   "ConfigMap odoo-config explains every derived number.",
			cv->o->odoo_replicas, cv->o->odoo_max_replicas, cv->plan.workers,
			cv->o->odoo_max_replicas == 1 ? "no autoscaler"
			: cv->o->autoscaling == AUTOSCALE_KEDA ? "a KEDA ScaledObject on busy workers and CPU"
								: "HPA on CPU",
			cv->plan.cron_deployment ? ", scheduled actions in one odoo-cron pod" : "");
	if (cv->app->postgres && cv->o->postgres == PG_CNPG)
		cv_note(b, "PostgreSQL: a CloudNativePG Cluster of %d instances (one primary, streaming replicas, "
			   "automated failover), %s each on `%s`, WAL archiving and nightly base backups kept %d days, "
			   "a PgBouncer Pooler in session mode; the Odoo filestore has its own nightly archive.",
			cv->o->pg_instances, cv->o->db_size, cv->o->storage_class, cv->o->backup_retention_days);
	else if (cv->app->postgres)
		cv_note(b, "PostgreSQL: one StatefulSet replica, %s on `%s`, max_connections %d, nightly pg_dump "
			   "(custom format, with the Odoo filestore) kept %d days.",
			cv->o->db_size, cv->o->storage_class, cv->plan.max_connections, cv->o->backup_retention_days);
	if (cv->app->keycloak)
		cv_note(b, "Keycloak: %d pods running `start`, health on the %s port, database `%s`. Only /realms/ and "
			   "/resources/ are published; the admin console is not: reach it with `kubectl -n %s "
			   "port-forward svc/keycloak 8080` and http://localhost:8080/admin/ (the user and password are in "
			   "the Secret keycloak-admin)%s.",
			cv->o->keycloak_replicas, cv->keycloak.management_port ? "management" : "HTTP",
			cv->creds.keycloak_db ? cv->creds.keycloak_db : "keycloak", cv->ns,
			cv->keycloak.hostname_v2 ? "; KC_HOSTNAME_ADMIN points it there" : "");
	buf_puts(b, buf_cstr(&cv->done));
	if (cv->o->secrets == SECRETS_GENERATE)
		cv_note(b, "Secrets: their values are files under secrets/ (directory 0700, files 0600, ignored by the "
			   ".gitignore beside them), and kustomization.yaml's secretGenerator makes the Secrets from them "
			   "when you apply; config.yaml lists every Secret and its keys. Strong values from the project "
			   "are used as they are; weak or missing ones come from the system's random source (32 bytes) "
			   "and are kept from one run to the next, so nothing rotates under a running database. Another "
			   "machine that converts the same project gets values of its own: copy secrets/ to deploy the "
			   "same ones.");
	data_note(cv, b);
	buf_puts(b, "\n## Warnings\n\n");
	if (!d->warnings)
		buf_puts(b, "- None.\n");
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *dg = &d->v[i];

		if (dg->level != DIAG_WARNING)
			continue;
		if (dg->file && dg->line > 0)
			buf_printf(b, "- %s:%d: %s", relative(dg->file, workdir), dg->line, dg->msg);
		else if (dg->file)
			buf_printf(b, "- %s: %s", relative(dg->file, workdir), dg->msg);
		else
			buf_printf(b, "- %s", dg->msg);
		buf_printf(b, "%s%s\n", dg->fix ? "; " : "", dg->fix ? dg->fix : "");
	}
}
