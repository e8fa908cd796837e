/* convert's pure parts: sizing and the connection budget, image profiles,
 * Traefik rules, secret names. The whole command is tested on real files in
 * tests/integration/convert.sh. */
#include <string.h>

#include "convert/convert.h"
#include "model/app.h"
#include "model/secrets.h"
#include "model/traefik.h"
#include "profiles/profiles.h"
#include "t.h"

#define GIB (1LL << 30)

static void app_with(struct app *app, bool keycloak)
{
	static struct service kc;

	memset(app, 0, sizeof(*app));
	app->keycloak = keycloak ? &kc : NULL;
}

static void test_plan_defaults(void)
{
	struct convert_options o;
	struct odoo_plan p;
	struct app app;
	struct diags d;

	convert_defaults(&o);
	o.odoo_cpu = 2;
	o.odoo_memory = 4 * GIB;
	app_with(&app, true);
	diags_init(&d);
	CHECK_INT(plan_odoo(&o, &app, &p, &d, NULL), 0);
	CHECK_INT(p.workers, 5);
	CHECK(p.cron_deployment);
	CHECK_INT(p.cron_threads, 0);
	CHECK_INT(p.processes_per_pod, 6);
	CHECK_INT(p.max_connections, 200);
	CHECK_INT(p.db_maxconn, 4);
	/* the inequality the manifests promise */
	CHECK(o.odoo_max_replicas * p.processes_per_pod * p.db_maxconn + p.db_maxconn +
	      o.keycloak_replicas * p.keycloak_pool + p.reserve <= p.max_connections);
	CHECK_INT(p.budget_used, 198);
	CHECK(p.limit_memory_soft * (p.workers + 2) <= o.odoo_memory);
	CHECK(p.limit_memory_hard >= p.limit_memory_soft);
	CHECK_INT(p.limit_time_real, 1200);
	diags_free(&d);
}

static void test_plan_grows_max_connections(void)
{
	struct convert_options o;
	struct odoo_plan p;
	struct app app;
	struct diags d;

	convert_defaults(&o);
	o.odoo_cpu = 4;
	o.odoo_memory = 8 * GIB;
	app_with(&app, true);
	diags_init(&d);
	CHECK_INT(plan_odoo(&o, &app, &p, &d, NULL), 0);
	CHECK_INT(p.workers, 9);
	CHECK(p.max_connections > 200);
	CHECK_INT(p.max_connections % 50, 0);
	CHECK(p.budget_used <= p.max_connections);
	diags_free(&d);
}

static void test_plan_refuses_what_cannot_fit(void)
{
	struct convert_options o;
	struct odoo_plan p;
	struct app app;
	struct diags d;

	convert_defaults(&o);
	o.odoo_cpu = 2;
	o.odoo_memory = 4 * GIB;
	o.pg_max_connections = 100;
	app_with(&app, true);
	diags_init(&d);
	CHECK_INT(plan_odoo(&o, &app, &p, &d, NULL), -1);
	CHECK(t_diag_has(&d, DIAG_ERROR, "connection budget does not fit", 0));
	diags_free(&d);
}

static void test_plan_single_pod(void)
{
	struct convert_options o;
	struct odoo_plan p;
	struct app app;
	struct diags d;

	convert_defaults(&o);
	o.odoo_cpu = 1;
	o.odoo_memory = 2 * GIB;
	o.odoo_replicas = 1;
	o.odoo_max_replicas = 1;
	app_with(&app, false);
	diags_init(&d);
	CHECK_INT(plan_odoo(&o, &app, &p, &d, NULL), 0);
	CHECK(!p.cron_deployment);
	CHECK_INT(p.cron_threads, 1);
	CHECK_INT(p.workers, 3);
	diags_free(&d);
}

static void test_profiles(void)
{
	struct arena a;
	struct image img;
	struct odoo_profile op;
	struct postgres_profile pp;
	struct keycloak_profile kp;

	arena_init(&a, 1 << 20);
	image_parse(&a, "odoo:16.0", &img);
	odoo_profile(&img, &op);
	CHECK_INT(op.uid, 101);
	CHECK_STR(op.ws_path, "/websocket");
	CHECK_STR(op.ws_port_key, "longpolling_port");
	image_parse(&a, "odoo:18.0-20260723", &img);
	odoo_profile(&img, &op);
	CHECK_INT(op.uid, 100);
	CHECK_INT(op.gid, 101);
	CHECK_STR(op.ws_port_key, "gevent_port");
	CHECK_STR(op.readiness_path, "/web/health?db_server_status=1");
	image_parse(&a, "odoo:15.0", &img);
	odoo_profile(&img, &op);
	CHECK_STR(op.ws_path, "/longpolling");
	image_parse(&a, "postgres:16-alpine", &img);
	postgres_profile(&img, &pp);
	CHECK_INT(pp.uid, 70);
	CHECK_STR(pp.pgdata, "/var/lib/postgresql/data/pgdata");
	image_parse(&a, "postgres:18", &img);
	postgres_profile(&img, &pp);
	CHECK_INT(pp.uid, 999);
	CHECK_STR(pp.mount_path, "/var/lib/postgresql");
	CHECK(pp.pgdata == NULL);
	image_parse(&a, "quay.io/keycloak/keycloak:25.0.6", &img);
	CHECK_STR(img.name, "keycloak");
	CHECK_INT(img.major, 25);
	keycloak_profile(&img, &kp);
	CHECK(kp.management_port && kp.hostname_v2 && !kp.bootstrap_admin && !kp.jdbc_ping);
	CHECK_STR(kp.admin_user_var, "KEYCLOAK_ADMIN");
	image_parse(&a, "quay.io/keycloak/keycloak:26.1", &img);
	keycloak_profile(&img, &kp);
	CHECK(kp.bootstrap_admin && kp.jdbc_ping);
	CHECK_STR(kp.admin_password_var, "KC_BOOTSTRAP_ADMIN_PASSWORD");
	image_parse(&a, "quay.io/keycloak/keycloak:24.0", &img);
	keycloak_profile(&img, &kp);
	CHECK(!kp.management_port);
	arena_free(&a);
}

static void test_traefik_rules(void)
{
	struct arena a;
	const char *host, *prefix;

	arena_init(&a, 1 << 20);
	CHECK(traefik_rule(&a, "Host(`erp.example.com`)", &host, &prefix));
	CHECK_STR(host, "erp.example.com");
	CHECK(prefix == NULL);
	CHECK(traefik_rule(&a, "Host(`erp.example.com`) && PathPrefix(`/websocket`)", &host, &prefix));
	CHECK_STR(prefix, "/websocket");
	CHECK(!traefik_rule(&a, "Host(`a`) || Host(`b`)", &host, &prefix));
	CHECK(!traefik_rule(&a, "HostRegexp(`{sub:.+}.example.com`)", &host, &prefix));
	CHECK(!traefik_rule(&a, "PathPrefix(`/x`)", &host, &prefix));
	arena_free(&a);
}

static void test_secret_names(void)
{
	CHECK(is_secret_name("POSTGRES_PASSWORD"));
	CHECK(is_secret_name("KC_DB_PASSWORD"));
	CHECK(is_secret_name("admin_passwd"));
	CHECK(is_secret_name("smtp_password"));
	CHECK(is_secret_name("API_TOKEN"));
	CHECK(is_secret_name("AWS_SECRET_ACCESS_KEY"));
	CHECK(is_secret_name("DB_PASS"));
	CHECK(!is_secret_name("POSTGRES_USER"));
	CHECK(!is_secret_name("KEYCLOAK_ADMIN"));
	CHECK(!is_secret_name("KC_HOSTNAME"));
	CHECK(has_url_password("postgres://odoo:s3cret@db:5432/odoo"));
	CHECK(!has_url_password("https://example.com/a@b"));
	CHECK(!has_url_password("jdbc:postgresql://db:5432/keycloak"));
}

static bool official(const char *ref)
{
	struct arena a;
	struct image img;
	bool yes;

	arena_init(&a, 1 << 20);
	image_parse(&a, ref, &img);
	yes = image_official(&img);
	arena_free(&a);
	return yes;
}

static void test_official_images(void)
{
	CHECK(official("postgres:17"));
	CHECK(official("docker.io/library/odoo:18.0"));
	CHECK(official("mirror.gcr.io/postgres:17"));
	CHECK(official("public.ecr.aws/docker/library/postgres:16@sha256:0123"));
	CHECK(official("quay.io/keycloak/keycloak:26.0"));
	CHECK(!official("bitnami/postgresql:14.5.0"));
	CHECK(!official("docker.io/bitnami/odoo:17"));
	CHECK(!official("jboss/keycloak:16.1.1"));
	CHECK(!official("registry.example.com/library/postgres:17"));
}

const struct t_case t_convert_cases[] = {
	{"convert: official images and their mirrors; other builds are not", test_official_images},
	{"convert: sizing for 2 CPU / 4Gi and the connection budget", test_plan_defaults},
	{"convert: max_connections grows to fit when not given", test_plan_grows_max_connections},
	{"convert: a budget that cannot fit is refused", test_plan_refuses_what_cannot_fit},
	{"convert: one Odoo pod runs its own crons", test_plan_single_pod},
	{"convert: image profiles by version (UIDs, PGDATA, Keycloak options)", test_profiles},
	{"convert: Traefik rules to host and path", test_traefik_rules},
	{"convert: credential names and URLs with passwords", test_secret_names},
	{NULL, NULL},
};
