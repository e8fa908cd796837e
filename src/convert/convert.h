/* kgenius convert: a Compose project to the manifests of a production
 * deployment on DigitalOcean Kubernetes. */
#ifndef KG_CONVERT_H
#define KG_CONVERT_H

#include <stdbool.h>
#include <stdint.h>

#include "compose/project.h"
#include "model/app.h"
#include "util/diag.h"

enum ingress_kind { INGRESS_TRAEFIK, INGRESS_NGINX, INGRESS_GATEWAY };
enum secrets_mode { SECRETS_GENERATE, SECRETS_REFERENCE };
enum autoscaling_mode { AUTOSCALE_HPA, AUTOSCALE_KEDA };
enum postgres_mode { PG_STATEFULSET, PG_CNPG };

struct convert_options {
	const char *out_dir;             /* "kubernetes" */
	const char *ns;                  /* default: the project name */
	const char *domain;              /* default: from the Traefik Host rules */
	const char *storage_class;       /* block storage for PostgreSQL */
	const char *rwx_storage_class;   /* ReadWriteMany class for the Odoo filestore */
	const char *db_size;             /* "20Gi" */
	const char *filestore_size;      /* "50Gi" (DigitalOcean NFS minimum) */
	int odoo_replicas;               /* minReplicas */
	int odoo_max_replicas;           /* HPA maxReplicas */
	int keycloak_replicas;
	int pg_max_connections;          /* 0: as needed, at least 200 */
	double odoo_cpu;                 /* limits; requests are derived */
	int64_t odoo_memory;
	enum ingress_kind ingress;
	const char *ingress_namespace;   /* where the ingress controller runs */
	const char *gateway_class;       /* --ingress gateway */
	const char *issuer_email;
	enum secrets_mode secrets;
	enum autoscaling_mode autoscaling;
	enum postgres_mode postgres;
	int pg_instances;                /* CloudNativePG instances */
	const char *cnpg_namespace;      /* where the CloudNativePG operator runs */
	const char *keda_namespace;      /* where the KEDA operator runs */
	const char *backup_bucket;
	const char *backup_endpoint;
	int backup_retention_days;
	const char *recovery_target_time;  /* CloudNativePG recovery: RFC 3339, or NULL for the end of the WAL */
	const char *operators_group;     /* RBAC group for the people who operate Odoo */
};

void convert_defaults(struct convert_options *o);

/* Odoo sizing and the database connection budget, derived from the limits
 * and replica counts; every number is explained in odoo.conf comments. */
struct odoo_plan {
	int workers;             /* HTTP worker processes per web pod */
	int cron_threads;        /* per web pod (0 when a cron Deployment runs them) */
	int cron_pod_threads;    /* in the cron Deployment */
	bool cron_deployment;
	int64_t limit_memory_soft;
	int64_t limit_memory_hard;
	int limit_time_cpu;
	int limit_time_real;
	int processes_per_pod;   /* workers + cron + 1 gevent */
	int db_maxconn;
	int keycloak_pool;       /* KC_DB_POOL_MAX_SIZE per Keycloak pod */
	int reserve;             /* superuser, backup and admin connections */
	int budget_used;         /* maxReplicas × processes × db_maxconn + cron + Keycloak + reserve */
	int max_connections;     /* PostgreSQL's, as the manifests set it */
};

/* Returns 0, or -1 after a reported error when no budget fits. */
int plan_odoo(const struct convert_options *o, const struct app *app, struct odoo_plan *plan,
	      struct diags *d, const struct srcpos *where);

/* Runs the whole conversion; returns an exit status. */
int convert_run(struct compose_project *project, const struct convert_options *o, struct diags *d);

#endif
