/* State shared by the builders of one conversion, and the two things every
 * builder does with it (context.c): add a document to an output file, add a
 * line to NOTES. Internal to src/convert; the builders include this, never
 * the driver's convert.h. */
#ifndef KG_CONVERT_CONTEXT_H
#define KG_CONVERT_CONTEXT_H

#include "convert/credentials.h"
#include "convert/options.h"
#include "convert/plan.h"
#include "k8s/build.h"
#include "facts/facts.h"
#include "facts/network.h"
#include "util/buf.h"

/* Output files, in the order kustomization.yaml lists them: the
 * specification's Phase 1 order (PostgreSQL, Odoo, Keycloak, Ingress), after
 * what they need to exist first. The Namespace and the claims that hold data
 * (namespace.yaml, storage.yaml) are applied once on their own and are not in
 * the kustomization, so `kubectl delete -k` cannot delete the data. */
enum out_file {
	OUT_NAMESPACE, OUT_STORAGE, OUT_RBAC, OUT_CONFIG, OUT_NETPOL, OUT_POSTGRES, OUT_ODOO, OUT_KEYCLOAK,
	OUT_PDB, OUT_ISSUER, OUT_INGRESS, OUT_MONITORING,
	/* Written beside the others, not in the kustomization: run by hand. */
	OUT_RESTORE, OUT_RECOVERY, OUT_COUNT,
};
#define OUT_APPLIED OUT_RESTORE  /* the files before it are in the kustomization */

#define CNPG_CLUSTER "postgres"
#define CNPG_OBJECT_STORE "postgres-backup"
#define CNPG_BARMAN_PLUGIN "barman-cloud.cloudnative-pg.io"

extern const char *const out_file_names[OUT_COUNT];

struct cv {
	struct kb kb;
	struct arena *a;
	struct diags *d;
	const struct convert_options *o;
	const struct app *app;
	const char *ns;
	struct srcpos where;          /* the first Compose file: where project-level problems are reported */
	const char *odoo_host;        /* erp.<domain> */
	const char *auth_host;        /* auth.<domain> */
	const char *db_service;       /* the PostgreSQL Service: the Compose name; or the outside host */
	int db_port;                  /* where clients connect */
	const char *db_sslmode;       /* the outside server's libpq sslmode; NULL: the clients' default */
	const char *postgres_image;
	const char *odoo_image;       /* what the Odoo pods run: the pushed build, or the official image */
	const char *keycloak_image;
	struct odoo_plan plan;
	struct credentials creds;
	struct odoo_facts odoo;          /* for the Odoo image's version */
	struct postgres_facts postgres;
	struct keycloak_facts keycloak;
	struct ynode *files[OUT_COUNT];  /* each a list of documents */
	struct buf must_supply;          /* NOTES: what the user still has to provide */
	struct buf done;                 /* NOTES: what was generated, and why */
};

/* Probe timing, from the Compose healthcheck when there is one. */
struct probe_timing {
	int period, timeout, failures;
	int startup_failures;   /* × period covers the start */
	bool from_compose;
};
void probe_timing(const struct service *s, struct probe_timing *t, int default_start_seconds);

/* True when name is in list (NULL-terminated). */
bool listed(const char *const *list, const char *name);
/* Appends a document to an output file. */
void cv_emit(struct cv *cv, enum out_file f, struct ynode *doc);
/* A NOTES line ("- ..."). */
void cv_note(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Secrets as files for kustomize's secretGenerator (secret_files.c). */
bool secret_first(const struct credentials *c, size_t i);   /* the first key of its Secret */
void secret_keys(const struct credentials *c, size_t i, struct buf *keys);  /* "A, B" */
int write_secret_files(const struct cv *cv, const char *out_dir);
void kustomize_secrets(const struct cv *cv, struct buf *kust);
void secrets_header(const struct cv *cv, struct buf *b);

void build_namespace(struct cv *cv);
void build_rbac(struct cv *cv);
void build_config(struct cv *cv);
void build_network_policies(struct cv *cv);
void build_postgres(struct cv *cv);
void build_postgres_cnpg(struct cv *cv);
/* The CloudNativePG Cluster; without initdb_bootstrap, no bootstrap at all. */
struct ynode *cnpg_cluster(struct cv *cv, bool initdb_bootstrap);
/* The nightly backup CronJob of every database and the filestore. */
void build_database_backup(struct cv *cv);
/* The nightly CronJob that archives the Odoo filestore only. */
void build_filestore_backup(struct cv *cv, const char *bucket);
const char *backup_bucket(struct cv *cv);
/* The restore Job, and the CloudNativePG recovery Cluster. */
void build_restore(struct cv *cv);
/* The output file's name (postgres-cluster.yaml with CloudNativePG). */
const char *out_file_name(const struct cv *cv, enum out_file f);
void build_odoo(struct cv *cv);
void build_keycloak(struct cv *cv);
void build_pdbs(struct cv *cv);
void build_issuer(struct cv *cv);
void build_ingress(struct cv *cv);
void build_gateway(struct cv *cv);
/* NOTES: cert-manager and the DNS records the hosts need. */
void dns_note(struct cv *cv);
/* monitoring.yaml: metrics endpoints, monitors, scrape policies, alerts,
 * dashboards (--monitoring prometheus). */
void build_monitoring(struct cv *cv);
/* The postgres_exporter sidecar of the PostgreSQL StatefulSet, and its
 * queries volume; nothing with --monitoring none. */
void monitoring_postgres_exporter(struct cv *cv, struct ynode *containers, struct ynode *volumes);
/* CloudNativePG's Cluster: the same custom queries for its own exporter. */
void monitoring_cnpg(struct cv *cv, struct ynode *cluster_spec);
/* Keycloak's JSON console log, and its metrics with --monitoring prometheus. */
void monitoring_keycloak_env(struct cv *cv, struct ynode *env);

/* The ingress controller this output is for (--ingress): its pods, the
 * class of its routes, where lint judges the flows through it from. */
const struct controller_facts *cv_controller(const struct cv *cv);

#endif
