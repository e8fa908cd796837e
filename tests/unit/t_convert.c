/* convert's pure parts: sizing and the connection budget, Traefik rules,
 * secret names. The whole command is tested on real files in
 * tests/integration/convert.sh. */
#include <string.h>

#include "convert/convert.h"
#include "convert/monitoring.h"
#include "convert/plan.h"
#include "model/app.h"
#include "model/secrets.h"
#include "model/traefik.h"
#include "t.h"

#define GIB (1LL << 30)

static void app_with(struct app *app, bool odoo, bool keycloak)
{
	static struct service od, kc;

	memset(app, 0, sizeof(*app));
	app->odoo = odoo ? &od : NULL;
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
	app_with(&app, true, true);
	diags_init(&d);
	CHECK_INT(plan_stack(&o, &app, &p, &d, NULL), 0);
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
	CHECK(p.limit_memory_soft == 2048LL << 20);
	CHECK(p.limit_memory_hard == 2560LL << 20);
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
	app_with(&app, true, true);
	diags_init(&d);
	CHECK_INT(plan_stack(&o, &app, &p, &d, NULL), 0);
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
	app_with(&app, true, true);
	diags_init(&d);
	CHECK_INT(plan_stack(&o, &app, &p, &d, NULL), -1);
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
	app_with(&app, true, false);
	diags_init(&d);
	CHECK_INT(plan_stack(&o, &app, &p, &d, NULL), 0);
	CHECK(!p.cron_deployment);
	CHECK_INT(p.cron_threads, 1);
	CHECK_INT(p.workers, 3);
	diags_free(&d);
}

/* Without Odoo the budget is still PostgreSQL's and Keycloak's: never 0
 * (PostgreSQL refuses max_connections = 0, Keycloak a pool of 0). */
static void test_plan_without_odoo(void)
{
	struct convert_options o;
	struct odoo_plan p;
	struct app app;
	struct diags d;

	convert_defaults(&o);
	app_with(&app, false, true);
	diags_init(&d);
	CHECK_INT(plan_stack(&o, &app, &p, &d, NULL), 0);
	CHECK_INT(p.max_connections, 200);
	CHECK_INT(p.keycloak_pool, 20);
	CHECK_INT(p.workers, 0);
	CHECK_INT(p.budget_used, o.keycloak_replicas * 20 + p.reserve);
	app_with(&app, false, false);
	CHECK_INT(plan_stack(&o, &app, &p, &d, NULL), 0);
	CHECK_INT(p.max_connections, 200);
	o.pg_max_connections = 20;
	o.keycloak_replicas = 2;
	app_with(&app, false, true);
	CHECK_INT(plan_stack(&o, &app, &p, &d, NULL), -1);
	CHECK(t_diag_has(&d, DIAG_ERROR, "Keycloak pods", 0));
	diags_free(&d);
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
	CHECK(has_url_password("redis://:s3cret@redis:6379/0"));
	CHECK(has_dsn_password("jdbc:postgresql://db/x?user=u&password=s3cret"));
	CHECK(has_dsn_password("host=db user=u password=s3cret"));
	CHECK(has_dsn_password("jdbc:sqlserver://h;user=u;password=s3cret"));
	CHECK(!has_dsn_password("password="));
	CHECK(!has_dsn_password("reset-password=on"));
	CHECK(is_secret_env("DATABASE_URL", "postgres://u:pw@h/db"));
	CHECK(!is_secret_env("DATABASE_URL", "postgres://u@h/db"));
	CHECK(is_placeholder("change_me_before_first_start"));
	CHECK(is_placeholder("{odoo database password}"));
	CHECK(is_placeholder("<password>"));
	CHECK(is_placeholder("your-password-here"));
	CHECK(is_placeholder("CHANGE-ME-PLEASE-NOW"));
	CHECK(!is_placeholder("Fil3-Secret-Str0ng-Value"));
	CHECK(!is_placeholder("9f07147d444e4f25b0b97cf1cc13aaa5"));
	CHECK(!has_url_password("https://example.com/a@b"));
	CHECK(!has_url_password("jdbc:postgresql://db:5432/keycloak"));
}

/* The monitoring templates: the tokens each mode fills in, and what a
 * conversion has. */
static void test_monitoring_templates(void)
{
	struct arena a;
	struct cv cv;
	struct convert_options o;
	struct app app;
	struct service odoo, pg;
	unsigned want = HAS_PG | HAS_PG_STATEFULSET | HAS_ODOO | HAS_AUTOSCALER | HAS_HTTP_METRICS | HAS_BACKUP_CRONJOB;

	arena_init(&a, 1 << 20);
	convert_defaults(&o);
	memset(&cv, 0, sizeof(cv));
	memset(&app, 0, sizeof(app));
	app.odoo = &odoo;
	app.postgres = &pg;
	cv.a = &a;
	cv.kb.a = &a;
	cv.o = &o;
	cv.app = &app;
	cv.ns = "erp";
	cv.odoo.ws_path = "/websocket";
	CHECK_INT(monitored(&cv), want);
	CHECK_STR(promql(&cv, "up{namespace=\"@NS@\"} @PG@x @HPA@ @UNKNOWN@ a@b"),
		  "up{namespace=\"erp\"} x odoo @UNKNOWN@ a@b");
	CHECK(strstr(promql(&cv, "@REQUESTS_5XX@"), "traefik_service_requests_total{service=~\"erp-odoo-.*\",code=~\"5..\"}"));
	o.postgres = PG_CNPG;
	o.autoscaling = AUTOSCALE_KEDA;
	o.ingress = INGRESS_NGINX;
	CHECK_STR(promql(&cv, "@PG@x @HPA@"), "cnpg_x keda-hpa-odoo");
	CHECK(strstr(promql(&cv, "@DURATION@"), "path!=\"/websocket\""));
	CHECK(monitored(&cv) & HAS_PG_CNPG);
	o.ingress = INGRESS_GATEWAY;
	o.odoo_max_replicas = 1;
	CHECK(!(monitored(&cv) & (HAS_HTTP_METRICS | HAS_AUTOSCALER)));
	CHECK(monitored(&cv) & HAS_ONE_ODOO_POD);
	arena_free(&a);
}

const struct t_case t_convert_cases[] = {
	{"convert: monitoring templates per mode (namespace, cnpg_ prefix, KEDA's HPA, ingress series)",
	 test_monitoring_templates},
	{"convert: sizing for 2 CPU / 4Gi and the connection budget", test_plan_defaults},
	{"convert: max_connections grows to fit when not given", test_plan_grows_max_connections},
	{"convert: a budget that cannot fit is refused", test_plan_refuses_what_cannot_fit},
	{"convert: one Odoo pod runs its own crons", test_plan_single_pod},
	{"convert: the connection budget without Odoo is never 0", test_plan_without_odoo},
	{"convert: Traefik rules to host and path", test_traefik_rules},
	{"convert: credential names and URLs with passwords", test_secret_names},
	{NULL, NULL},
};
