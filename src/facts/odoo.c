/* Odoo's facts. Sources:
 *   [DF]   https://github.com/odoo/docker (the Dockerfiles and entrypoint.sh per series)
 *   [DEP]  https://github.com/odoo/documentation/blob/master/content/administration/on_premise/deploy.rst
 *   [CFG]  https://github.com/odoo/odoo/blob/18.0/odoo/tools/config.py
 * and the links beside each fact. */
#include "facts/facts.h"

#include <stdio.h>
#include <string.h>

/* The newest series kgenius knows; "latest" and unversioned tags get it. */
#define ODOO_NEWEST 19

const struct odoo_constants odoo_constants = {
	.http_port = 8069,                  /* [CFG] --http-port */
	.gevent_port = 8072,                /* [CFG] --gevent-port */
	.data_dir = "/var/lib/odoo",        /* [DF] VOLUME and data_dir of the image's odoo.conf */
	.conf_file = "/etc/odoo/odoo.conf", /* [DF] ODOO_RC */
	.conf_dir = "/etc/odoo",
	.addons_dir = "/mnt/extra-addons",  /* [DF] VOLUME */
	.health_path = "/web/health",       /* see health_route below */
	.legacy_probe_path = "/web/database/selector",
	/* [DEP] "Worker number calculation: rule of thumb (#CPU * 2) + 1";
	 * "Needed RAM = #worker * ((0.8 * 150) + (0.2 * 1024))" MB, about 325 MiB. */
	.workers_per_cpu = 2,
	.workers_extra = 1,
	.worker_ram = 325LL * 1024 * 1024,
	/* [CFG] defaults of --workers, --max-cron-threads, --db_maxconn */
	.default_workers = 0,
	.default_cron_threads = 2,
	.default_db_maxconn = 64,
	/* [CFG] --limit-memory-soft 2048 MiB, --limit-memory-hard 2560 MiB:
	 * caps on each worker's virtual size (RLIMIT_AS for the hard one),
	 * which counts mapped libraries and arenas, far above its RSS. */
	.default_limit_memory_soft = 2048LL * 1024 * 1024,
	.default_limit_memory_hard = 2560LL * 1024 * 1024,
	/* [DEP] "80% simple requests ... around 150MB". */
	.resting_process_ram = 150LL * 1024 * 1024,
};

/* entrypoint.sh of every series:
 * https://github.com/odoo/docker/blob/master/17.0/entrypoint.sh
 *   : ${HOST:=${DB_PORT_5432_TCP_ADDR:='db'}} ... ${POSTGRES_USER:='odoo'} ... */
const struct entrypoint_var odoo_entrypoint_vars[] = {
	[ODOO_VAR_HOST] = {"HOST", NULL, "db"},
	[ODOO_VAR_PORT] = {"PORT", NULL, "5432"},
	[ODOO_VAR_USER] = {"USER", "POSTGRES_USER", "odoo"},
	[ODOO_VAR_PASSWORD] = {"PASSWORD", "POSTGRES_PASSWORD", "odoo"},
	{NULL, NULL, NULL},
};

/* [CFG] option names kgenius sets itself, or that must not be in the file:
 * the database wiring comes from the image's HOST/PORT/USER/PASSWORD
 * variables, and a key present in odoo.conf stops newer entrypoints from
 * passing them. Without logfile and syslog, Odoo logs to its standard
 * output, which the cluster collects (init_logger in
 * https://github.com/odoo/odoo/blob/17.0/odoo/netsvc.py). */
const char *const odoo_conf_managed_keys[] = {
	"db_host", "db_port", "db_user", "db_password", "admin_passwd", "data_dir", "proxy_mode",
	"list_db", "workers", "max_cron_threads", "limit_memory_soft", "limit_memory_hard",
	"limit_time_cpu", "limit_time_real", "db_maxconn", "gevent_port", "longpolling_port",
	"http_port", "xmlrpc_port", "addons_path", "limit_request", "logfile", "syslog", NULL,
};

/* The image's numeric user. USER is the name "odoo", whose id the base
 * distribution decides:
 *   16 (Debian bullseye) 101: https://github.com/odoo/docker/issues/463
 *   17 (Ubuntu jammy) 101: inferred (jammy's _apt holds 100), not confirmed
 *   18, 19 (Ubuntu noble) 100: https://github.com/odoo/odoo/issues/183106
 * The group is 101 in every series. */
static const struct {
	int major;
	int uid;
	bool verified;
} odoo_uids[] = {
	{16, 101, true},
	{17, 101, false},
	{18, 100, true},
	{19, 100, true},
};
#define NUIDS (sizeof(odoo_uids) / sizeof(odoo_uids[0]))

void odoo_facts(const struct image *img, struct odoo_facts *f)
{
	int major = img->major > 0 ? img->major : ODOO_NEWEST;

	memset(f, 0, sizeof(*f));
	f->uid = 100;
	f->gid = 101;
	for (size_t i = 0; i < NUIDS; i++) {
		if (major <= odoo_uids[i].major || i + 1 == NUIDS) {
			f->uid = odoo_uids[i].uid;
			f->uid_verified = odoo_uids[i].verified && major >= 16;
			break;
		}
	}
	/* From 16 the bus is a websocket on /websocket, before a long-polling
	 * route [DEP]. */
	f->ws_path = major >= 16 ? "/websocket" : "/longpolling";
	/* gevent_port exists from 16, where longpolling_port became its
	 * deprecated alias (https://github.com/odoo/odoo/pull/100962), removed
	 * in 18 (https://github.com/odoo/odoo/pull/179724). kgenius writes
	 * gevent_port from 17; 16 still accepts longpolling_port. */
	f->ws_port_key = major >= 17 ? "gevent_port" : "longpolling_port";
	/* /web/health came with 15.0 (https://github.com/odoo/odoo/pull/56522);
	 * 12 to 14 have no such route. */
	f->health_route = major >= 15;
	/* ?db_server_status=1 opens a cursor on the server
	 * (https://github.com/odoo/odoo/pull/182537, in the 17.0 and 18.0
	 * home.py); older builds ignore the parameter and answer 200. */
	f->health_db_check = major >= 17;
	/* 12 to 14: /web/database/selector (auth="none", class Database in
	 * https://github.com/odoo/odoo/blob/14.0/addons/web/controllers/main.py)
	 * renders the manager page without a database: with list_db = False
	 * db_list() raises AccessDenied, which the page catches, and it answers
	 * 200 as long as the HTTP workers serve. */
	f->liveness_path = f->health_route ? odoo_constants.health_path : odoo_constants.legacy_probe_path;
	f->readiness_path = f->health_db_check ? "/web/health?db_server_status=1" : f->liveness_path;
	/* 2**16 in the 18.0 config.py [CFG], 8192 before. */
	f->limit_request = major >= 18 ? "65536" : "8192";
}

int odoo_workers_for_cpu(double cpus)
{
	return (int)(odoo_constants.workers_per_cpu * cpus) + odoo_constants.workers_extra;
}

const char *odoo_uid_text(char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NUIDS && len < cap; i++) {
		size_t j = i;

		while (j + 1 < NUIDS && odoo_uids[j + 1].uid == odoo_uids[i].uid)
			j++;
		if (j + 1 == NUIDS)
			len += (size_t)snprintf(buf + len, cap - len, "%s%d for odoo:%d and later", i ? ", " : "",
						odoo_uids[i].uid, odoo_uids[i].major);
		else if (j == i)
			len += (size_t)snprintf(buf + len, cap - len, "%s%d for odoo:%d", i ? ", " : "",
						odoo_uids[i].uid, odoo_uids[i].major);
		else
			len += (size_t)snprintf(buf + len, cap - len, "%s%d for odoo:%d/%d", i ? ", " : "",
						odoo_uids[i].uid, odoo_uids[i].major, odoo_uids[j].major);
		i = j;
	}
	return buf;
}
