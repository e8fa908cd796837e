/* src/model/: the typed services, the roles of a project, and the one
 * odoo.conf reader. */
#include <string.h>

#include "model/app.h"
#include "model/odoo_conf.h"
#include "t.h"

static const char *const no_env[] = {NULL};

static void load_app(struct t_project *tp, struct app *app, const char *yaml)
{
	t_load_text(tp, yaml, no_env);
	CHECK_INT(tp->rc, 0);
	CHECK_INT(app_build(&tp->p.arena, &tp->d, tp->p.model, tp->p.name, app), 0);
}

static void test_typed_service(void)
{
	struct t_project tp;
	struct app app;
	const struct service *s;

	load_app(&tp, &app,
		 "services:\n"
		 "  web:\n"
		 "    image: odoo:17.0\n"
		 "    user: root\n"
		 "    privileged: true\n"
		 "    command: [\"--\", \"--workers=2\"]\n"
		 "    environment:\n"
		 "      HOST: db\n"
		 "      PASSWORD: \"\"\n"
		 "    volumes:\n"
		 "      - ./odoo.conf:/etc/odoo/odoo.conf\n"
		 "      - data:/var/lib/odoo\n"
		 "    ports: [\"8069:8069\", \"8072\"]\n"
		 "    healthcheck:\n"
		 "      test: [\"CMD\", \"true\"]\n"
		 "      interval: 30s\n"
		 "      retries: 0\n"
		 "    deploy:\n"
		 "      replicas: 3\n"
		 "      resources: {limits: {cpus: \"1.5\", memory: 2G}}\n"
		 "    networks:\n"
		 "      default: {aliases: [erp]}\n"
		 "  db:\n"
		 "    image: postgres:16\n"
		 "    shm_size: 256m\n"
		 "volumes: {data: {}}\n");
	CHECK_INT(app.nservices, 2);
	s = app.odoo;
	CHECK(s != NULL && strcmp(s->name, "web") == 0);
	if (!s)
		goto done;
	CHECK_INT(s->role, ROLE_ODOO);
	CHECK_INT(s->image.major, 17);
	CHECK_STR(s->image_ref.text, "odoo:17.0");
	CHECK_INT(s->name_pos.line, 2);
	CHECK_STR(s->user.text, "root");
	CHECK(s->privileged);
	CHECK(s->command.present);
	CHECK_INT(s->command.n, 2);
	CHECK_STR(s->command.v[1].text, "--workers=2");
	CHECK(!s->entrypoint.present);
	CHECK_STR(service_env(s, "HOST"), "db");
	CHECK_STR(service_env(s, "PASSWORD"), "");
	CHECK(service_env(s, "USER") == NULL);
	CHECK_INT(service_env_var(s, "HOST")->name_pos.line, 8);
	CHECK_INT(s->nvolumes, 2);
	CHECK(volume_is_bind(&s->volumes[0]));
	CHECK_STR(s->volumes[0].target, "/etc/odoo/odoo.conf");
	CHECK(!volume_is_bind(&s->volumes[1]));
	CHECK_INT(s->nports, 2);
	CHECK_STR(s->ports[0].published, "8069");
	CHECK(s->ports[1].published == NULL);
	CHECK(s->health.present && !s->health.disabled);
	CHECK_STR(s->health.interval, "30s");
	CHECK(s->health.has_retries);
	CHECK_INT(s->health.retries, 0);
	CHECK_INT(s->replicas, 3);
	CHECK(s->cpus_limit > 1.49 && s->cpus_limit < 1.51);
	CHECK_INT(s->memory_limit, 2LL << 30);
	CHECK_INT(s->naliases, 1);
	CHECK_STR(s->aliases[0].text, "erp");
	CHECK(app.postgres != NULL && app.postgres->shm_size == 256LL << 20);
	CHECK(app.postgres != NULL && !app.postgres->health.present && app.postgres->replicas == 0);
done:
	t_unload(&tp);
}

static void test_roles(void)
{
	struct t_project tp;
	struct app app;

	load_app(&tp, &app,
		 "services:\n"
		 "  erp: {image: \"docker.io/library/odoo:18.0\"}\n"
		 "  fake: {image: \"bitnami/odoo:17\"}\n"
		 "  pg: {image: \"postgis/postgis:16-3.4\"}\n"
		 "  sso: {image: \"quay.io/keycloak/keycloak:26.0\"}\n"
		 "  proxy: {image: \"traefik:v3.1\"}\n"
		 "  built: {build: .}\n");
	CHECK(app.odoo && strcmp(app.odoo->name, "erp") == 0);
	CHECK(app.postgres && strcmp(app.postgres->name, "pg") == 0);
	CHECK(app.keycloak && app.keycloak->image.major == 26);
	CHECK(app.traefik && strcmp(app.traefik->name, "proxy") == 0);
	for (size_t i = 0; i < app.nservices; i++)
		if (strcmp(app.services[i].name, "fake") == 0 || strcmp(app.services[i].name, "built") == 0)
			CHECK_INT(app.services[i].role, ROLE_OTHER);
	t_unload(&tp);
}

/* The database is the service the applications name, by service name,
 * container_name or network alias; a host outside the project has none. */
static void test_database_choice(void)
{
	struct t_project tp;
	struct app app;

	load_app(&tp, &app,
		 "services:\n"
		 "  sidecar: {image: \"postgres:16\"}\n"
		 "  main: {image: \"postgres:15\", networks: {default: {aliases: [pg.internal]}}}\n"
		 "  erp: {image: \"odoo:17.0\", environment: {HOST: pg.internal}}\n"
		 "  sso: {image: \"quay.io/keycloak/keycloak:26.0\", environment: {KC_DB_URL: \"jdbc:postgresql://main:5432/kc\"}}\n");
	CHECK(app.postgres && strcmp(app.postgres->name, "main") == 0);
	CHECK_INT(app.ndb_links, 2);
	CHECK(app.db_links[1].server == app.postgres);
	CHECK_STR(app.db_links[1].host, "main");
	t_unload(&tp);
	load_app(&tp, &app,
		 "services:\n"
		 "  db: {image: \"postgres:16\"}\n"
		 "  erp: {image: \"odoo:17.0\", environment: {HOST: db-cluster.example.ondigitalocean.com}}\n");
	CHECK(app.postgres == NULL);
	CHECK(app.postgres_unused && app.db_links[0].server == NULL);
	t_unload(&tp);
}

static void test_odoo_conf_sections(void)
{
	struct arena a;
	struct odoo_conf c = {0};
	bool present;
	char text[] = "; comment\n"
		      "workers = 9\n"
		      "[options]\n"
		      "  db_host = db  \n"
		      "workers: 4\n"
		      "list_db = False\n"
		      "proxy_mode = True\n"
		      "# another\n"
		      "limit_time_cpu =\n"
		      "workers = 5\n"
		      "[queue_job]\n"
		      "channels = root:2\n"
		      "db_maxconn = 1\n";

	arena_init(&a, 1 << 20);
	CHECK_INT(odoo_conf_parse(&a, "odoo.conf", text, &c), 0);
	CHECK_INT(c.n, 6);
	CHECK_STR(conf_get(&c, "db_host")->value, "db");
	CHECK_INT(conf_get(&c, "db_host")->pos.line, 4);
	/* The last of a repeated key wins; keys before [options] and in other
	 * sections are not Odoo's. */
	CHECK_INT(conf_int(&c, "workers", 0, NULL), 5);
	CHECK(conf_get(&c, "channels") == NULL);
	CHECK_INT(conf_int(&c, "db_maxconn", 64, &present), 64);
	CHECK(!present);
	CHECK_INT(conf_int(&c, "list_db", 1, &present), 0);
	CHECK(present);
	CHECK_INT(conf_int(&c, "proxy_mode", 0, NULL), 1);
	CHECK_INT(conf_int(&c, "limit_time_cpu", 600, &present), 600);
	CHECK(present);
	arena_free(&a);
}

static void test_odoo_conf_from_project(void)
{
	struct t_project tp;
	struct app app;
	const char *dir = t_tmpdir();

	t_write(dir, "conf/odoo.conf", "[options]\nadmin_passwd = x\n");
	t_write(dir, "compose.yaml",
		"services:\n"
		"  odoo:\n"
		"    image: odoo:17.0\n"
		"    volumes: [\"./conf:/etc/odoo\"]\n");
	t_load(&tp, dir, NULL, no_env);
	CHECK_INT(tp.rc, 0);
	CHECK_INT(app_build(&tp.p.arena, &tp.d, tp.p.model, tp.p.name, &app), 0);
	CHECK(app.conf.path != NULL && strstr(app.conf.path, "conf/odoo.conf") != NULL);
	CHECK(conf_get(&app.conf, "admin_passwd") != NULL);
	t_unload(&tp);
}

const struct t_case t_model_cases[] = {
	{"model: a service's typed values and their positions", test_typed_service},
	{"model: roles from official images only, the first of each role", test_roles},
	{"model: the database is the service the applications connect to", test_database_choice},
	{"model: odoo.conf honours [options], the last value wins", test_odoo_conf_sections},
	{"model: the project's odoo.conf through a bind-mounted directory", test_odoo_conf_from_project},
	{NULL, NULL},
};
