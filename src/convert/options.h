/* The options of a conversion and their defaults. */
#ifndef KG_CONVERT_OPTIONS_H
#define KG_CONVERT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ingress_kind { INGRESS_TRAEFIK, INGRESS_NGINX, INGRESS_GATEWAY };
enum secrets_mode { SECRETS_GENERATE, SECRETS_REFERENCE };
enum autoscaling_mode { AUTOSCALE_HPA, AUTOSCALE_KEDA };
enum postgres_mode { PG_STATEFULSET, PG_CNPG };
enum monitoring_mode { MONITORING_PROMETHEUS, MONITORING_NONE };

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
	enum monitoring_mode monitoring;
	const char *monitoring_namespace; /* where kube-prometheus-stack runs */
	const char *monitoring_release;   /* its Helm release: the label its Prometheus selects */
	const char *odoo_image;          /* the pushed image of an Odoo built by the project */
	const char *keycloak_image;      /* the same for Keycloak */
};

void convert_defaults(struct convert_options *o);
/* NULL when the options can be used, else what is wrong with which one
 * (a usage error): --domain a DNS name, --namespace a DNS label. */
const char *convert_options_problem(const struct convert_options *o, char *buf, size_t cap);

#endif
