/* Odoo's sizing and the database connection budget of a conversion. */
#ifndef KG_CONVERT_PLAN_H
#define KG_CONVERT_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "convert/options.h"
#include "model/app.h"
#include "util/diag.h"

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
	int keycloak_pool;       /* KC_DB_POOL_MAX_SIZE per Keycloak pod (0 without Keycloak) */
	int reserve;             /* superuser, backup and admin connections */
	int budget_used;         /* maxReplicas × processes × db_maxconn + cron + Keycloak + reserve */
	int max_connections;     /* PostgreSQL's, as the manifests set it */
};

/* Odoo's sizing when the project runs Odoo, and the connection budget of
 * every stack (max_connections and Keycloak's pool are never 0). Returns 0,
 * or -1 after a reported error when no budget fits. */
int plan_stack(const struct convert_options *o, const struct app *app, struct odoo_plan *plan,
	      struct diags *d, const struct srcpos *where);

/* The Odoo role's busy backends, counted in PostgreSQL: what the KEDA
 * trigger scales on, and what monitoring holds against the workers. */
const char *odoo_busy_backends_sql(struct arena *a, const char *odoo_user);

#endif
