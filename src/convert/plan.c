/* Odoo worker sizing and the PostgreSQL connection budget.
 *
 * Workers follow Odoo's deployment guide: (2 × CPU) + 1, capped by memory at
 * about 0.8 × 150 MB + 0.2 × 1 GB per worker. limit_memory_* are per-worker
 * virtual memory caps (RLIMIT_AS), so they are set from the pod's memory
 * limit divided among its processes. The connection budget must hold with
 * every replica the HPA may start:
 *   maxReplicas × processes × db_maxconn + cron pod + Keycloak + reserve
 *     ≤ max_connections.
 * The budget is computed for every stack, with or without Odoo: PostgreSQL
 * refuses to start with max_connections below its reserved connections, and
 * Keycloak with a pool of 0 cannot open a connection. */
#include <stdlib.h>
#include <string.h>

#include "convert/plan.h"
#include "facts/facts.h"

#define MIB (1024LL * 1024)
/* superuser_reserved_connections (3), the backup job's dumps, psql sessions
 * of an administrator and the monitoring: more than PostgreSQL's own 3. */
#define RESERVED_CONNECTIONS 10
/* Keycloak opens up to db-pool-max-size connections per pod (default 100,
 * keycloak_constants.default_db_pool); 20 per pod serves its request threads
 * and keeps several pods within the budget. */
#define KEYCLOAK_POOL 20
/* Fewer than 4 connections per Odoo process starve its cron and bus
 * cursors (each worker may hold a request cursor, a cron and a bus one). */
#define MIN_DB_MAXCONN 4
/* Unless told otherwise max_connections never goes below 200: twice
 * PostgreSQL's own default, room for the reserve and a later replica. */
#define FLOOR_MAX_CONNECTIONS 200
#define MAX_AUTO_CONNECTIONS 1000

static void plan_odoo_sizing(const struct convert_options *o, const struct app *app, struct odoo_plan *p)
{
	int by_cpu = odoo_workers_for_cpu(o->odoo_cpu);
	int by_memory = (int)(o->odoo_memory / odoo_constants.worker_ram) - 2;  /* minus gevent and master */
	p->workers = by_cpu < by_memory ? by_cpu : by_memory;
	if (p->workers < 2)
		p->workers = 2;
	p->cron_deployment = o->odoo_replicas > 1 || o->odoo_max_replicas > 1;
	p->cron_pod_threads = 2;
	p->cron_threads = p->cron_deployment ? 0 : 1;
	/* Virtual-memory caps per worker, not a share of the pod's RSS: the
	 * project's values, else Odoo's defaults, which big reports
	 * (wkhtmltopdf) fit in; the pod's memory limit protects the node. */
	p->limit_memory_soft = conf_int64(&app->conf, "limit_memory_soft", odoo_constants.default_limit_memory_soft);
	p->limit_memory_hard = conf_int64(&app->conf, "limit_memory_hard", odoo_constants.default_limit_memory_hard);
	if (p->limit_memory_hard < p->limit_memory_soft)
		p->limit_memory_hard = p->limit_memory_soft;
	p->limit_time_cpu = conf_int(&app->conf, "limit_time_cpu", 600, NULL);
	p->limit_time_real = conf_int(&app->conf, "limit_time_real", 1200, NULL);
	p->processes_per_pod = p->workers + p->cron_threads + 1;
}

/* Odoo's processes, each with MIN_DB_MAXCONN, plus Keycloak and the
 * reserve, rounded up to 50 and kept between the floor and the ceiling. */
static int needed_max_connections(const struct convert_options *o, const struct odoo_plan *p, int kc_pods)
{
	int needed = o->odoo_max_replicas * p->processes_per_pod * MIN_DB_MAXCONN +
		     (p->cron_deployment ? MIN_DB_MAXCONN : 0) + kc_pods * p->keycloak_pool + p->reserve;
	int max = (needed + 49) / 50 * 50;

	if (max < FLOOR_MAX_CONNECTIONS)
		max = FLOOR_MAX_CONNECTIONS;
	if (max > MAX_AUTO_CONNECTIONS)
		max = MAX_AUTO_CONNECTIONS;
	return max;
}

static int refuse(struct diags *d, const struct srcpos *where, const struct convert_options *o,
		  const struct odoo_plan *p, int kc_pods)
{
	if (p->processes_per_pod)
		diag_add(d, DIAG_ERROR, where,
			 "lower --odoo-max-replicas, raise --pg-max-connections, or put PgBouncer in front of PostgreSQL",
			 "the connection budget does not fit: %d Odoo pods × %d processes leave %d connections each "
			 "(at least %d are needed) within max_connections = %d",
			 o->odoo_max_replicas, p->processes_per_pod, p->db_maxconn, MIN_DB_MAXCONN,
			 p->max_connections);
	else
		diag_add(d, DIAG_ERROR, where, "raise --pg-max-connections or lower --keycloak-replicas",
			 "the connection budget does not fit: %d Keycloak pods × %d connections + %d reserved "
			 "exceed max_connections = %d",
			 kc_pods, p->keycloak_pool, p->reserve, p->max_connections);
	return -1;
}

int plan_stack(const struct convert_options *o, const struct app *app, struct odoo_plan *p,
	       struct diags *d, const struct srcpos *where)
{
	int kc_pods = app->keycloak ? o->keycloak_replicas : 0;
	int available, cron_conns, odoo_clients;

	memset(p, 0, sizeof(*p));
	if (app->odoo)
		plan_odoo_sizing(o, app, p);
	p->keycloak_pool = kc_pods ? KEYCLOAK_POOL : 0;
	p->reserve = RESERVED_CONNECTIONS;
	p->max_connections = o->pg_max_connections ? o->pg_max_connections : needed_max_connections(o, p, kc_pods);
	available = p->max_connections - p->reserve - kc_pods * p->keycloak_pool;
	if (available < 0)
		return refuse(d, where, o, p, kc_pods);
	/* The cron pod is one threaded process: its pool serves its threads. */
	odoo_clients = app->odoo ? o->odoo_max_replicas * p->processes_per_pod + (p->cron_deployment ? 1 : 0) : 0;
	if (odoo_clients) {
		p->db_maxconn = available / odoo_clients;
		if (p->db_maxconn > 32)
			p->db_maxconn = 32;
	}
	cron_conns = p->cron_deployment ? p->db_maxconn : 0;
	p->budget_used = (app->odoo ? o->odoo_max_replicas * p->processes_per_pod * p->db_maxconn : 0) + cron_conns +
			 kc_pods * p->keycloak_pool + p->reserve;
	if (odoo_clients && p->db_maxconn < MIN_DB_MAXCONN)
		return refuse(d, where, o, p, kc_pods);
	return 0;
}

const char *odoo_busy_backends_sql(struct arena *a, const char *odoo_user)
{
	return arena_printf(a, "SELECT count(*) FROM pg_stat_activity WHERE usename = '%s' AND state = 'active' "
			       "AND backend_type = 'client backend'", odoo_user ? odoo_user : "odoo");
}
