/* src/facts/: the image detector and every fact by version, each at the
 * edges of its range. */
#include <string.h>

#include "facts/facts.h"
#include "facts/network.h"
#include "facts/odoo_options.h"
#include "facts/pg_messages.h"
#include "facts/pg_params.h"
#include "t.h"

static struct arena arena;

static const struct image *img(const char *ref)
{
	static struct image i;

	image_parse(&arena, ref, &i);
	return &i;
}

static bool official(const char *ref)
{
	return image_official(img(ref));
}

static void test_official_images(void)
{
	arena_init(&arena, 1 << 20);
	CHECK(official("postgres:17"));
	CHECK(official("docker.io/library/odoo:18.0"));
	CHECK(official("mirror.gcr.io/postgres:17"));
	CHECK(official("public.ecr.aws/docker/library/postgres:16@sha256:0123"));
	CHECK(official("quay.io/keycloak/keycloak:26.0"));
	CHECK(!official("bitnami/postgresql:14.5.0"));
	CHECK(!official("docker.io/bitnami/odoo:17"));
	CHECK(!official("jboss/keycloak:16.1.1"));
	CHECK(!official("registry.example.com/library/postgres:17"));
	arena_free(&arena);
}

static void test_roles_and_versions(void)
{
	struct image i;

	arena_init(&arena, 1 << 20);
	CHECK_INT(image_role(img("odoo:17.0")), ROLE_ODOO);
	CHECK_INT(image_role(img("postgis/postgis:16-3.4")), ROLE_POSTGRES);
	CHECK_INT(image_role(img("postgres:16-alpine")), ROLE_POSTGRES);
	CHECK_INT(image_role(img("quay.io/keycloak/keycloak:25.0")), ROLE_KEYCLOAK);
	CHECK_INT(image_role(img("traefik:v3.1")), ROLE_TRAEFIK);
	CHECK_INT(image_role(img("bitnami/odoo:17")), ROLE_OTHER);
	CHECK_INT(image_role(img("redis:7")), ROLE_OTHER);
	CHECK_INT(image_ref_role(NULL, &i, &arena), ROLE_OTHER);
	CHECK_INT(image_ref_role("odoo:18.0-20260723", &i, &arena), ROLE_ODOO);
	CHECK_INT(i.major, 18);
	CHECK_INT(i.minor, 0);
	CHECK_INT(img("quay.io/keycloak/keycloak:26.1.4")->minor, 1);
	CHECK_INT(img("odoo")->major, -1);
	CHECK_STR(img("odoo")->tag, "latest");
	CHECK(img("postgres:16-alpine")->alpine);
	CHECK_STR(img("registry:5000/team/odoo:17.0@sha256:00")->name, "odoo");
	arena_free(&arena);
}

static void test_odoo_uids(void)
{
	struct odoo_facts f;
	char text[128];

	arena_init(&arena, 1 << 20);
	odoo_facts(img("odoo:16.0"), &f);
	CHECK_INT(f.uid, 101);
	CHECK_INT(f.gid, 101);
	CHECK(f.uid_verified);
	odoo_facts(img("odoo:17.0"), &f);
	CHECK_INT(f.uid, 101);
	CHECK(!f.uid_verified);
	odoo_facts(img("odoo:18.0-20260723"), &f);
	CHECK_INT(f.uid, 100);
	CHECK_INT(f.gid, 101);
	CHECK(f.uid_verified);
	odoo_facts(img("odoo:latest"), &f);
	CHECK_INT(f.uid, 100);
	odoo_facts(img("odoo:15.0"), &f);
	CHECK(!f.uid_verified);
	CHECK_STR(odoo_uid_text(text, sizeof(text)), "101 for odoo:16/17, 100 for odoo:18 and later");
	arena_free(&arena);
}

static void test_odoo_http(void)
{
	struct odoo_facts f;

	arena_init(&arena, 1 << 20);
	CHECK_INT(odoo_constants.http_port, 8069);
	CHECK_INT(odoo_constants.gevent_port, 8072);
	odoo_facts(img("odoo:12.0"), &f);
	CHECK(!f.health_route);
	CHECK_STR(f.liveness_path, "/web/database/selector");
	CHECK_STR(f.readiness_path, "/web/database/selector");
	odoo_facts(img("odoo:14.0"), &f);
	CHECK(!f.health_route);
	CHECK_STR(f.liveness_path, "/web/database/selector");
	CHECK_STR(f.readiness_path, "/web/database/selector");
	CHECK_STR(f.ws_path, "/longpolling");
	CHECK_STR(f.ws_port_key, "longpolling_port");
	odoo_facts(img("odoo:15.0"), &f);
	CHECK(f.health_route);
	CHECK(!f.health_db_check);
	CHECK_STR(f.ws_path, "/longpolling");
	CHECK_STR(f.readiness_path, "/web/health");
	odoo_facts(img("odoo:16.0"), &f);
	CHECK_STR(f.ws_path, "/websocket");
	CHECK_STR(f.ws_port_key, "longpolling_port");
	CHECK_STR(f.limit_request, "8192");
	odoo_facts(img("odoo:17.0"), &f);
	CHECK_STR(f.ws_port_key, "gevent_port");
	CHECK(f.health_db_check);
	CHECK_STR(f.liveness_path, "/web/health");
	CHECK_STR(f.readiness_path, "/web/health?db_server_status=1");
	CHECK_STR(f.limit_request, "8192");
	odoo_facts(img("odoo:18.0"), &f);
	CHECK_STR(f.limit_request, "65536");
	arena_free(&arena);
}

static bool managed(const char *key)
{
	for (size_t i = 0; odoo_conf_managed_keys[i]; i++)
		if (strcmp(odoo_conf_managed_keys[i], key) == 0)
			return true;
	return false;
}

static void test_odoo_sizing_and_names(void)
{
	CHECK_INT(odoo_workers_for_cpu(2.0), 5);
	CHECK_INT(odoo_workers_for_cpu(0.5), 2);
	CHECK_INT(odoo_constants.worker_ram, 325LL << 20);
	CHECK_INT(odoo_constants.default_db_maxconn, 64);
	CHECK(odoo_constants.default_limit_memory_soft == 2048LL << 20);
	CHECK(odoo_constants.default_limit_memory_hard == 2560LL << 20);
	CHECK(odoo_constants.resting_process_ram == 150LL << 20);
	CHECK_STR(doks_constants.block_storage_retain, "do-block-storage-retain");
	CHECK_STR(doks_constants.block_storage, "do-block-storage");
	CHECK_INT(odoo_constants.default_cron_threads, 2);
	CHECK_INT(odoo_constants.default_workers, 0);
	CHECK_STR(odoo_constants.data_dir, "/var/lib/odoo");
	CHECK_STR(odoo_constants.conf_file, "/etc/odoo/odoo.conf");
	CHECK_STR(odoo_constants.conf_dir, "/etc/odoo");
	CHECK_STR(odoo_constants.health_path, "/web/health");
	CHECK_STR(odoo_constants.addons_dir, "/mnt/extra-addons");
	CHECK_STR(odoo_entrypoint_vars[ODOO_VAR_HOST].name, "HOST");
	CHECK_STR(odoo_entrypoint_vars[ODOO_VAR_HOST].fallback, "db");
	CHECK_STR(odoo_entrypoint_vars[ODOO_VAR_PORT].fallback, "5432");
	CHECK_STR(odoo_entrypoint_vars[ODOO_VAR_USER].fallback_var, "POSTGRES_USER");
	CHECK_STR(odoo_entrypoint_vars[ODOO_VAR_USER].fallback, "odoo");
	CHECK_STR(odoo_entrypoint_vars[ODOO_VAR_PASSWORD].fallback, "odoo");
	CHECK(odoo_entrypoint_vars[ODOO_VAR_PASSWORD + 1].name == NULL);
	CHECK(managed("db_password") && managed("gevent_port") && managed("longpolling_port"));
	CHECK(!managed("dbfilter"));
	/* Odoo logs to its standard output only without these. */
	CHECK(managed("logfile") && managed("syslog"));
}

static void test_managed_postgres(void)
{
	const struct managed_postgres *m = managed_postgres_of("mydb-do-user-1-0.b.db.ondigitalocean.com");

	CHECK(m != NULL);
	if (m) {
		CHECK_INT(m->port, 25060);
		CHECK_STR(m->sslmode, "require");
	}
	m = managed_postgres_of("prod.abc123.eu-west-1.RDS.amazonaws.com");
	CHECK(m != NULL);
	if (m) {
		CHECK_INT(m->port, 5432);
		CHECK_STR(m->sslmode, "require");
	}
	CHECK(managed_postgres_of("postgresql") == NULL);
	CHECK(managed_postgres_of("db.ondigitalocean.com.evil.example") == NULL);
	CHECK(managed_postgres_of(".db.ondigitalocean.com") == NULL);
	CHECK(managed_postgres_of(NULL) == NULL);
	/* Where the pods' resolver finds a database host. */
	CHECK(dns_outside_cluster("mydb-do-user-1-0.b.db.ondigitalocean.com"));
	CHECK(dns_outside_cluster("prod.abc123.eu-west-1.rds.amazonaws.com"));
	CHECK(!dns_outside_cluster("postgresql"));
	CHECK(!dns_outside_cluster("db.shop"));
	CHECK(!dns_outside_cluster("db.shop.svc"));
	CHECK(!dns_outside_cluster("db.shop.svc.cluster.local"));
	CHECK(!dns_outside_cluster(NULL));
}

static void test_postgres(void)
{
	struct postgres_facts f;

	arena_init(&arena, 1 << 20);
	CHECK_INT(postgres_constants.port, 5432);
	CHECK_INT(postgres_constants.default_max_connections, 100);
	CHECK_INT(postgres_constants.superuser_reserved, 3);
	CHECK_STR(postgres_constants.default_user, "postgres");
	CHECK_INT(postgres_constants.uid_debian, 999);
	CHECK_INT(postgres_constants.uid_alpine, 70);
	CHECK_STR(postgres_constants.legacy_data_dir, "/var/lib/postgresql/data");
	postgres_facts(img("postgres:16-alpine"), &f);
	CHECK_INT(f.uid, 70);
	CHECK_STR(f.pgdata, "/var/lib/postgresql/data/pgdata");
	CHECK_STR(f.mount_path, "/var/lib/postgresql/data");
	CHECK(f.pgdata_at_mount_root);
	postgres_facts(img("postgres:17"), &f);
	CHECK_INT(f.uid, 999);
	CHECK(f.pgdata_at_mount_root);
	postgres_facts(img("postgres:18"), &f);
	CHECK_INT(f.uid, 999);
	CHECK_STR(f.mount_path, "/var/lib/postgresql");
	CHECK(f.pgdata == NULL);
	CHECK(!f.pgdata_at_mount_root);
	postgres_facts(img("postgres"), &f);
	CHECK(!f.pgdata_at_mount_root);
	arena_free(&arena);
}

static void test_keycloak(void)
{
	struct keycloak_facts f;

	arena_init(&arena, 1 << 20);
	CHECK_INT(keycloak_constants.http_port, 8080);
	CHECK_INT(keycloak_constants.management_port, 9000);
	CHECK_INT(keycloak_constants.default_db_pool, 100);
	CHECK_INT(keycloak_constants.jgroups_port, 7800);
	CHECK_INT(keycloak_constants.jgroups_fd_port, 57800);
	CHECK_STR(keycloak_constants.health_started, "/health/started");
	CHECK_STR(keycloak_constants.health_ready, "/health/ready");
	CHECK_STR(keycloak_constants.health_live, "/health/live");
	CHECK_STR(keycloak_constants.repository, "quay.io/keycloak/keycloak");
	keycloak_facts(img("quay.io/keycloak/keycloak:16.1"), &f);
	CHECK(!f.quarkus);
	keycloak_facts(img("quay.io/keycloak/keycloak:23.0"), &f);
	CHECK(f.quarkus && !f.proxy_headers && f.proxy_option && f.proxy_edge);
	keycloak_facts(img("quay.io/keycloak/keycloak:17.0"), &f);
	CHECK(f.quarkus && !f.proxy_headers && f.proxy_edge);
	keycloak_facts(img("quay.io/keycloak/keycloak:24.0"), &f);
	CHECK(f.proxy_headers && f.proxy_option && f.proxy_edge);
	CHECK(!f.management_port && !f.hostname_v2);
	CHECK_INT(f.metrics_port, 8080);
	CHECK_STR(f.admin_user_var, "KEYCLOAK_ADMIN");
	keycloak_facts(img("quay.io/keycloak/keycloak:25.0.6"), &f);
	CHECK_INT(f.metrics_port, 9000);
	CHECK(f.management_port && f.hostname_v2 && !f.bootstrap_admin && !f.jdbc_ping && f.proxy_option);
	CHECK(!f.proxy_edge);
	keycloak_facts(img("quay.io/keycloak/keycloak:26.0"), &f);
	CHECK(f.bootstrap_admin && !f.jdbc_ping && !f.proxy_option);
	CHECK_STR(f.admin_password_var, "KC_BOOTSTRAP_ADMIN_PASSWORD");
	keycloak_facts(img("quay.io/keycloak/keycloak:26.1"), &f);
	CHECK(f.jdbc_ping);
	keycloak_facts(img("quay.io/keycloak/keycloak:latest"), &f);
	CHECK(f.jdbc_ping && f.management_port);
	CHECK_INT(f.uid, 1000);
	arena_free(&arena);
}

static void test_monitoring(void)
{
	CHECK_STR(monitoring_constants.dashboard_label, "grafana_dashboard");
	CHECK_STR(monitoring_constants.dashboard_label_value, "1");
	CHECK_STR(monitoring_constants.release_label, "release");
	CHECK_INT(monitoring_constants.exporter_port, 9187);
	CHECK_INT(monitoring_constants.cnpg_metrics_port, 9187);
	CHECK_INT(monitoring_constants.traefik_metrics_port, 9100);
	CHECK_INT(monitoring_constants.nginx_metrics_port, 10254);
	CHECK_INT(monitoring_constants.cert_manager_metrics_port, 9402);
	CHECK_STR(monitoring_constants.keycloak_metrics_var, "KC_METRICS_ENABLED");
	CHECK_STR(monitoring_constants.keycloak_metrics_path, "/metrics");
}

static void test_network(void)
{
	CHECK_STR(controller_named("traefik")->ns, "traefik");
	CHECK_STR(controller_named("nginx")->label_value, "ingress-nginx");
	CHECK_INT(controller_named("traefik")->https_port, 8443);
	CHECK(controller_named("cilium")->reserved_identity && !controller_named("cilium")->ns);
	CHECK(!controller_named("haproxy") && !controller_named(NULL));
	CHECK_STR(network_constants.solver_label_key, "acme.cert-manager.io/http01-solver");
	CHECK_STR(network_constants.solver_label_value, "true");
	CHECK_INT(network_constants.solver_port, 8089);
	CHECK_STR(network_constants.dns_label_value, "kube-dns");
	CHECK_INT(network_constants.dns_port, 53);
	CHECK_INT(network_constants.cnpg_status_port, 8000);
	CHECK_STR(network_constants.cnpg_pooler_label, "cnpg.io/poolerName");
	CHECK_STR(network_constants.prometheus_label_value, "prometheus");
}

static void test_pg_params(void)
{
	const struct pg_param *mc = pg_param_named("max_connections"), *sb = pg_param_named("shared_buffers");
	const struct pg_param *timeout = pg_param_named("checkpoint_timeout");
	double base;

	CHECK(mc && sb && timeout && !pg_param_named("no_such_setting"));
	CHECK(mc->min == 1 && mc->max == 262143);
	CHECK_INT(pg_param_check(mc, "0", &base), PG_VALUE_BELOW);
	CHECK_INT(pg_param_check(mc, "1", &base), PG_VALUE_OK);
	CHECK_INT(pg_param_check(mc, "262144", &base), PG_VALUE_ABOVE);
	CHECK_INT(pg_param_check(mc, "many", &base), PG_VALUE_NOT_A_NUMBER);
	CHECK_INT(pg_param_check(sb, "512MB", &base), PG_VALUE_OK);
	CHECK(base == 512.0 * 1024 * 1024);
	CHECK_INT(pg_param_check(sb, "512mb", &base), PG_VALUE_BAD_UNIT);     /* units are case-sensitive */
	CHECK_INT(pg_param_check(sb, "16", &base), PG_VALUE_OK);              /* 16 blocks of 8 kB, the minimum */
	CHECK_INT(pg_param_check(sb, "15", &base), PG_VALUE_BELOW);
	CHECK_INT(pg_param_check(timeout, "5min", &base), PG_VALUE_OK);
	CHECK_INT(pg_param_check(timeout, "29s", &base), PG_VALUE_BELOW);
	CHECK_INT(pg_param_check(timeout, "2d", &base), PG_VALUE_ABOVE);
	CHECK_INT(pg_param_named("wal_keep_segments")->removed, 13);
	CHECK_STR(pg_param_named("wal_keep_segments")->replaced_by, "wal_keep_size");
	CHECK_INT(pg_param_named("wal_keep_size")->since, 13);
	CHECK_INT(pg_param_named("stats_temp_directory")->removed, 15);
}

static void test_odoo_options(void)
{
	const struct odoo_option *lp = odoo_option_named("longpolling_port"), *gp = odoo_option_named("gevent_port");

	CHECK(lp && gp && !odoo_option_named("workers"));
	CHECK(odoo_option_in(lp, 12) && odoo_option_in(lp, 17) && !odoo_option_in(lp, 18));
	CHECK(!odoo_option_in(gp, 15) && odoo_option_in(gp, 16) && odoo_option_in(gp, 19));
	CHECK_STR(lp->instead, "gevent_port");
}

/* A format filled with plain values: text for %s, digits for %d, hex for %X. */
static void fill_format(const char *f, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; f[i] && o + 8 < cap; i++) {
		if (f[i] != '%') {
			out[o++] = f[i];
			continue;
		}
		i++;
		if (f[i] == '%') {
			out[o++] = '%';
			continue;
		}
		i += strspn(&f[i], "-+ #0123456789.*hlzjtL");
		switch (f[i]) {
		case 'd': case 'i': case 'u': case 'o': out[o++] = '4'; out[o++] = '2'; break;
		case 'x': case 'X': out[o++] = '2'; out[o++] = 'A'; break;
		case 'e': case 'f': case 'g': case 'G': case 'E': out[o++] = '1'; out[o++] = '.'; out[o++] = '5'; break;
		case 'c': out[o++] = 'q'; break;
		case '\0': i--; break;
		default: memcpy(out + o, "vvv", 3); o += 3; break;
		}
	}
	out[o] = '\0';
}

/* The characters of a format that are not conversions. */
static size_t literal_count(const char *f)
{
	size_t n = 0;

	for (size_t i = 0; f[i]; i++) {
		if (f[i] != '%') {
			n++;
			continue;
		}
		i++;
		if (f[i] == '%') {
			n++;
			continue;
		}
		i += strspn(&f[i], "-+ #0123456789.*hlzjtL");
		if (!f[i])
			break;
	}
	return n;
}

static const struct pg_message *find_line(const struct pg_message_index *idx, const char *line, bool *marked)
{
	return pg_message_find(idx, line, strlen(line), marked);
}

/* PostgreSQL's catalogue: every record well formed and found again in a line
 * that prints it; the matcher takes only what the format allows. */
static void test_pg_messages(void)
{
	struct pg_message_index *idx = pg_message_index_new();
	const struct pg_message *m;
	size_t unfound = 0, usable = 0, errno_sites = 0;
	bool marked = true;
	char line[4096], src[512];

	CHECK(idx != NULL);
	CHECK(pg_message_count() > 4000);
	for (size_t i = 0; i < pg_message_count(); i++) {
		const struct pg_message *r = pg_message_at(i);
		size_t n;

		CHECK(r->message[0] && r->majors[0] && r->nsites > 0 && pg_message_site(r, r->nsites - 1));
		CHECK(!pg_message_site(r, r->nsites) && strcmp(pg_message_site(r, 0)->code, r->code) == 0);
		for (size_t k = 0; k < r->nsites; k++) {
			const struct pg_site *site = pg_message_site(r, k);

			CHECK(site->file[0] && site->line > 0 && site->release[0]);
			CHECK(site->code[0] == '\0' || strcmp(site->code, "errno") == 0 || strlen(site->code) == 5 ||
			      site->code[5] == '/');
		}
		n = (size_t)snprintf(line, sizeof(line), strcmp(r->program, "postgres") == 0 ? "x ERROR:  " : "x %.*s: error: ",
				     (int)strcspn(r->program, " "), r->program);
		fill_format(r->message, line + n, sizeof(line) - n);
		if (strlen(line) + 1 >= sizeof(line))
			continue;
		usable++;
		/* another message may say the same and more, never less */
		m = pg_message_find(idx, line, strlen(line), NULL);
		if (!m)
			unfound++;
		else
			CHECK(m == r || literal_count(m->message) >= literal_count(r->message));
		for (size_t k = 0; k < r->nsites; k++)
			errno_sites += strcmp(pg_message_site(r, k)->code, "errno") == 0;
	}
	/* errcode_for_file_access(): the server's file errors are there */
	CHECK(errno_sites > 100);
	m = find_line(idx, "2024-01-01 10:00:00 UTC [1] FATAL:  could not open file \"global/pg_filenode.map\": Permission denied",
		      NULL);
	CHECK(m && strcmp(m->program, "postgres") == 0 && strcmp(m->code, "errno") == 0);
	/* a handful have no literal run of six characters to be found by */
	CHECK(unfound * 100 < usable);

	m = find_line(idx, "2024-01-01 10:00:00 UTC [7] ERROR:  new collation (fr_FR.UTF-8) is incompatible with the "
				 "collation of the template database (en_US.UTF-8)", &marked);
	CHECK(m && marked && m->nsites == 1 && strcmp(pg_message_site(m, 0)->function, "createdb") == 0);
	CHECK(m && strncmp(m->code, "22023/", 6) == 0 && strstr(m->hint, "template0"));
	pg_site_source(pg_message_site(m, 0), src, sizeof(src));
	CHECK(strncmp(src, "https://github.com/postgres/postgres/blob/REL_", 46) == 0 && strstr(src, "dbcommands.c#L"));
	/* capitalised and alone: long enough to be PostgreSQL's */
	m = find_line(idx, "Could not create unique index \"ir_translation_unique\"", &marked);
	CHECK(m && !marked && strncmp(m->code, "23505/", 6) == 0);
	/* short and unattributed: could be any program's */
	CHECK(!find_line(idx, "division by zero", NULL));
	CHECK(find_line(idx, "ERROR:  division by zero", NULL));
	/* %d takes digits only */
	CHECK(find_line(idx, "ERROR:  nextval: reached maximum value of sequence \"s\" (9)", NULL));
	m = find_line(idx, "ERROR:  row is too big: size 9000, maximum size 8160", NULL);
	CHECK(m && strcmp(m->message, "row is too big: size %zu, maximum size %zu") == 0);
	CHECK(!find_line(idx, "ERROR:  row is too big: size nine, maximum size 8160", NULL));
	/* a client program's message needs its name */
	m = find_line(idx, "pg_restore: error: input file appears to be a text format dump. Please use psql.", NULL);
	CHECK(m && strstr(m->program, "pg_restore"));
	CHECK(!find_line(idx, "error: input file appears to be a text format dump. Please use psql.", NULL));
	CHECK_STR(pg_sqlstate_class_of("23505")->name, "Integrity Constraint Violation");
	CHECK(pg_sqlstate_class_of("ZZ000") == NULL && pg_sqlstate_class_of("") == NULL);
	pg_message_index_free(idx);
}

/* A line made to cost the most: many keys of a message with several %s;
 * the budget ends the search. */
static void test_pg_messages_hostile(void)
{
	struct pg_message_index *idx = pg_message_index_new();
	static char line[64 * 1024];
	size_t n = 0;

	static const char *const repeats[] = {"could not open file \"", "x\" does not exist ", "\" does not exist, skipping"};

	CHECK(idx != NULL);
	/* each repeats a key of many messages with a %s before it: every start
	 * of every candidate at every repetition would be tried without the
	 * budget (seconds a line); with it the search ends after its steps */
	for (size_t r = 0; r < sizeof(repeats) / sizeof(repeats[0]); r++) {
		size_t k = strlen(repeats[r]);

		memcpy(line, "ERROR:  ", 8);
		n = 8;
		while (n + k + 1 < sizeof(line)) {
			memcpy(line + n, repeats[r], k);
			n += k;
		}
		line[n] = '\0';
		(void)pg_message_find(idx, line, n, NULL);
		CHECK(n > 60000);
	}
	pg_message_index_free(idx);
}

const struct t_case t_facts_cases[] = {
	{"facts: PostgreSQL's message catalogue: well formed, every message found again, formats matched exactly",
	 test_pg_messages},
	{"facts: PostgreSQL's message matcher stays bounded on a hostile line", test_pg_messages_hostile},
	{"facts: kube-prometheus-stack's labels, the exporters' ports, Keycloak's metrics", test_monitoring},
	{"facts: odoo.conf options by series (gevent_port 16+, longpolling_port before 18)", test_odoo_options},
	{"facts: PostgreSQL settings' ranges, units (case-sensitive) and removals", test_pg_params},
	{"facts: the ingress controllers, cluster DNS, cert-manager's solver, CloudNativePG", test_network},
	{"facts: official images and their mirrors; other builds are not", test_official_images},
	{"facts: one detector for role and version", test_roles_and_versions},
	{"facts: Odoo's numeric user by series", test_odoo_uids},
	{"facts: Odoo's ports, health route (15+), websocket path and key, limit_request", test_odoo_http},
	{"facts: Odoo's sizing rule, defaults, paths and entrypoint variables", test_odoo_sizing_and_names},
	{"facts: PostgreSQL's users, PGDATA by version, defaults", test_postgres},
	{"facts: the managed PostgreSQL providers, their port and TLS mode, by host name", test_managed_postgres},
	{"facts: Keycloak's options by version", test_keycloak},
	{NULL, NULL},
};
