/* What each official image is and needs, per version: written once here,
 * with its source beside it in the .c files, and read by convert, lint and
 * diagnose. A fact that depends on the version is a field filled for the
 * image's version; a fact that does not is a constant. */
#ifndef KG_FACTS_H
#define KG_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts/image.h"

/* --- Odoo --- */

struct odoo_facts {
	int uid;                    /* numeric user: the image's USER is the name "odoo" */
	int gid;                    /* 101 in every tag */
	bool uid_verified;          /* false where the UID is inferred, not confirmed */
	const char *ws_path;        /* "/websocket" (16+) or "/longpolling" */
	const char *ws_port_key;    /* the odoo.conf key kgenius writes for the websocket port */
	bool health_route;          /* /web/health exists (15.0+) */
	bool health_db_check;       /* /web/health?db_server_status=1 checks the database */
	const char *liveness_path;
	const char *readiness_path;
	const char *limit_request;  /* the series' default */
};

/* Facts of every Odoo series. */
struct odoo_constants {
	int http_port;              /* http_port */
	int gevent_port;            /* gevent_port (longpolling_port before) */
	const char *data_dir;       /* the filestore, sessions */
	const char *conf_file;      /* where the image reads odoo.conf */
	const char *conf_dir;
	const char *addons_dir;
	const char *health_path;
	const char *legacy_probe_path;  /* what answers 200 without a database before 15.0 */
	int workers_per_cpu;        /* workers = workers_per_cpu x CPU + workers_extra */
	int workers_extra;
	int64_t worker_ram;         /* bytes per worker: 0.8 x 150 MB + 0.2 x 1 GB */
	int default_workers;
	int default_cron_threads;
	int default_db_maxconn;
	int64_t default_limit_memory_soft;  /* per worker, virtual memory */
	int64_t default_limit_memory_hard;
	int64_t resting_process_ram;        /* RSS of an Odoo process serving light requests */
};
extern const struct odoo_constants odoo_constants;

/* A database variable of the image's entrypoint, the older name it falls
 * back to, and the value it uses when both are unset. */
struct entrypoint_var {
	const char *name;
	const char *fallback_var;
	const char *fallback;
};
/* HOST, PORT, USER, PASSWORD, in that order; NULL-terminated. */
extern const struct entrypoint_var odoo_entrypoint_vars[];
enum { ODOO_VAR_HOST, ODOO_VAR_PORT, ODOO_VAR_USER, ODOO_VAR_PASSWORD };

/* odoo.conf keys of the database wiring and the server settings kgenius
 * sizes itself; NULL-terminated. */
extern const char *const odoo_conf_managed_keys[];

void odoo_facts(const struct image *img, struct odoo_facts *f);
/* Odoo's rule of thumb: (2 x CPU) + 1 workers. */
int odoo_workers_for_cpu(double cpus);
/* "101 for odoo:16/17, 100 for odoo:18 and later": the numeric users, from
 * the table. */
const char *odoo_uid_text(char *buf, size_t cap);

/* --- PostgreSQL --- */

struct postgres_facts {
	int uid;                    /* 999 Debian, 70 Alpine */
	const char *mount_path;     /* where the data volume goes */
	const char *pgdata;         /* PGDATA to set, NULL to keep the image's (18+) */
	bool pgdata_at_mount_root;  /* the image's PGDATA is the volume's root (17 and before) */
};

struct postgres_constants {
	int port;
	int uid_debian, uid_alpine;
	const char *legacy_data_dir;   /* PGDATA and VOLUME up to 17 */
	int default_max_connections;
	int superuser_reserved;
	const char *default_user;      /* POSTGRES_USER unset */
	const char *client_image;      /* the newest image: its pg_dump reads any older server */
};
extern const struct postgres_constants postgres_constants;

void postgres_facts(const struct image *img, struct postgres_facts *f);

/* --- Keycloak --- */

struct keycloak_facts {
	int uid;
	bool quarkus;              /* 17+: KC_* options and `start`; before: WildFly, DB_VENDOR */
	bool proxy_headers;        /* 24+: KC_PROXY_HEADERS */
	bool proxy_option;         /* before 26: KC_PROXY=edge still accepted */
	bool proxy_edge;           /* before 25: KC_PROXY=edge set (before 24 the only way) */
	bool management_port;      /* 25+: health on 9000 */
	bool hostname_v2;          /* 25+: KC_HOSTNAME takes a URL */
	bool bootstrap_admin;      /* 26+: KC_BOOTSTRAP_ADMIN_*; before: KEYCLOAK_ADMIN* */
	bool jdbc_ping;            /* 26.1+: clustering needs no discovery service */
	int metrics_port;          /* /metrics: the management port (25+), else the HTTP port */
	const char *admin_user_var;
	const char *admin_password_var;
};

struct keycloak_constants {
	int http_port;
	int management_port;
	int default_db_pool;       /* KC_DB_POOL_MAX_SIZE unset */
	int jgroups_port, jgroups_fd_port;
	const char *health_started, *health_ready, *health_live;
	const char *repository;    /* the stock image */
};
extern const struct keycloak_constants keycloak_constants;

void keycloak_facts(const struct image *img, struct keycloak_facts *f);

/* --- Monitoring (kube-prometheus-stack, exporters) --- */

struct monitoring_constants {
	const char *stack_namespace;     /* where kube-prometheus-stack runs */
	const char *stack_release;       /* its Helm release */
	const char *release_label;       /* the label its Prometheus selects monitors by */
	const char *dashboard_label;     /* the label Grafana's sidecar loads dashboards by */
	const char *dashboard_label_value;
	const char *exporter_image;      /* postgres_exporter */
	int exporter_port;
	int cnpg_metrics_port;
	int traefik_metrics_port;
	int nginx_metrics_port;
	int cert_manager_metrics_port;
	const char *cert_manager_namespace;
	const char *keycloak_metrics_var;
	const char *keycloak_metrics_path;
};
extern const struct monitoring_constants monitoring_constants;

/* --- DigitalOcean Kubernetes --- */

struct doks_constants {
	const char *block_storage;          /* ReadWriteOnce, deleted with its claim */
	const char *block_storage_retain;   /* ReadWriteOnce, kept when its claim goes */
};
extern const struct doks_constants doks_constants;

/* A managed PostgreSQL outside the cluster, known by its host name. */
struct managed_postgres {
	const char *provider;       /* for messages and NOTES */
	const char *host_suffix;    /* the provider's host names end with it */
	int port;                   /* the provider's port, when the project writes none */
	const char *sslmode;        /* the libpq sslmode its servers need */
};
/* The provider that serves host, or NULL (a host kgenius knows nothing of). */
const struct managed_postgres *managed_postgres_of(const char *host);

#endif
