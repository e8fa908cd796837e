/* Odoo worker sizing and the PostgreSQL connection budget.
 *
 * Workers follow Odoo's deployment guide: (2 × CPU) + 1, capped by memory at
 * about 0.8 × 150 MB + 0.2 × 1 GB per worker. limit_memory_* are per-worker
 * virtual memory caps (RLIMIT_AS), so they are set from the pod's memory
 * limit divided among its processes. The connection budget must hold with
 * every replica the HPA may start:
 *   maxReplicas × processes × db_maxconn + cron pod + Keycloak + reserve
 *     ≤ max_connections. */
#include <stdlib.h>
#include <string.h>

#include "convert/plan.h"
#include "facts/facts.h"

#define MIB (1024LL * 1024)
#define RESERVED_CONNECTIONS 10     /* 3 superuser + backup job + admin sessions */
#define KEYCLOAK_POOL 20            /* instead of Keycloak's default 100 per pod */
#define MIN_DB_MAXCONN 4
#define DEFAULT_MAX_CONNECTIONS 200
#define MAX_AUTO_CONNECTIONS 1000

int plan_odoo(const struct convert_options *o, const struct app *app, struct odoo_plan *p,
	      struct diags *d, const struct srcpos *where)
{
	int by_cpu = odoo_workers_for_cpu(o->odoo_cpu);
	int by_memory = (int)(o->odoo_memory / odoo_constants.worker_ram) - 2;  /* minus gevent and master */
	int64_t per_process;
	int kc_pods = 0, available, cron_conns;

	memset(p, 0, sizeof(*p));
	p->workers = by_cpu < by_memory ? by_cpu : by_memory;
	if (p->workers < 2)
		p->workers = 2;
	p->cron_deployment = o->odoo_replicas > 1 || o->odoo_max_replicas > 1;
	p->cron_pod_threads = 2;
	p->cron_threads = p->cron_deployment ? 0 : 1;
	per_process = o->odoo_memory / (p->workers + p->cron_threads + 2);
	p->limit_memory_soft = per_process / MIB * MIB;
	p->limit_memory_hard = p->limit_memory_soft * 2;
	if (p->limit_memory_hard > o->odoo_memory)
		p->limit_memory_hard = o->odoo_memory / MIB * MIB;
	p->limit_time_cpu = conf_int(&app->conf, "limit_time_cpu", 600, NULL);
	p->limit_time_real = conf_int(&app->conf, "limit_time_real", 1200, NULL);
	p->processes_per_pod = p->workers + p->cron_threads + 1;
	p->keycloak_pool = KEYCLOAK_POOL;
	p->reserve = RESERVED_CONNECTIONS;
	if (app->keycloak)
		kc_pods = o->keycloak_replicas;
	p->max_connections = o->pg_max_connections;
	if (!p->max_connections) {
		/* Unless told otherwise, PostgreSQL gets what the worst case needs
		 * with a small pool per process, rounded up to 50. */
		int needed = o->odoo_max_replicas * p->processes_per_pod * MIN_DB_MAXCONN +
			     (p->cron_deployment ? MIN_DB_MAXCONN : 0) + kc_pods * p->keycloak_pool + p->reserve;

		p->max_connections = (needed + 49) / 50 * 50;
		if (p->max_connections < DEFAULT_MAX_CONNECTIONS)
			p->max_connections = DEFAULT_MAX_CONNECTIONS;
		if (p->max_connections > MAX_AUTO_CONNECTIONS)
			p->max_connections = MAX_AUTO_CONNECTIONS;
	}
	available = p->max_connections - p->reserve - kc_pods * p->keycloak_pool;
	/* The cron pod is one threaded process: its pool serves its threads. */
	p->db_maxconn = available / (o->odoo_max_replicas * p->processes_per_pod + (p->cron_deployment ? 1 : 0));
	if (p->db_maxconn > 32)
		p->db_maxconn = 32;
	cron_conns = p->cron_deployment ? p->db_maxconn : 0;
	p->budget_used = o->odoo_max_replicas * p->processes_per_pod * p->db_maxconn + cron_conns +
			 kc_pods * p->keycloak_pool + p->reserve;
	if (p->db_maxconn < MIN_DB_MAXCONN) {
		diag_add(d, DIAG_ERROR, where,
			 "lower --odoo-max-replicas, raise --pg-max-connections, or put PgBouncer in front of PostgreSQL",
			 "the connection budget does not fit: %d Odoo pods × %d processes leave %d connections each "
			 "(at least %d are needed) within max_connections = %d",
			 o->odoo_max_replicas, p->processes_per_pod, p->db_maxconn, MIN_DB_MAXCONN,
			 p->max_connections);
		return -1;
	}
	return 0;
}

const char *odoo_busy_backends_sql(struct arena *a, const char *odoo_user)
{
	return arena_printf(a, "SELECT count(*) FROM pg_stat_activity WHERE usename = '%s' AND state = 'active' "
			       "AND backend_type = 'client backend'", odoo_user ? odoo_user : "odoo");
}
