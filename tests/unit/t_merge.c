/* Several files merged, override discovery, extends. */
#include <stdio.h>
#include <string.h>

#include "t.h"

#define M (tp.p.model)

static const char *const base_env[] = {"HOME=/h", NULL};

static const char *base_yaml =
	"services:\n"
	"  odoo:\n"
	"    image: odoo:16\n"
	"    command: [\"--dev\", \"all\"]\n"
	"    environment:\n      HOST: db\n      USER: odoo\n"
	"    labels:\n      a: \"1\"\n"
	"    ports:\n      - \"8069:8069\"\n      - \"8072:8072\"\n"
	"    volumes:\n      - data:/var/lib/odoo\n      - ./addons:/mnt/extra-addons\n"
	"    expose: [\"8069\"]\n"
	"    dns: [1.1.1.1]\n"
	"    healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: 10s\n"
	"    logging:\n      driver: json-file\n      options:\n        max-size: 10m\n"
	"volumes:\n  data:\n";

static void test_override_rules(void)
{
	struct t_project tp;
	const char *dir = t_tmpdir();
	char addons[600];

	t_write(dir, "compose.yaml", base_yaml);
	t_write(dir, "compose.override.yaml",
		"services:\n"
		"  odoo:\n"
		"    image: odoo:17\n"
		"    command: [\"--workers\", \"4\"]\n"
		"    environment:\n      USER: prod\n      PASSWORD: x\n"
		"    labels:\n      b: \"2\"\n"
		"    ports:\n      - \"8069:8069\"\n      - \"127.0.0.1:9000:9000\"\n"
		"    volumes:\n      - ./custom:/mnt/extra-addons:ro\n"
		"    expose: [\"8069\", \"8072\"]\n"
		"    dns: [8.8.8.8]\n"
		"    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8069/web/health\"]\n"
		"    logging:\n      driver: syslog\n");
	t_load(&tp, dir, NULL, base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_INT((long long)tp.p.nfiles, 2);
	CHECK_STR(t_text(M, "services.odoo.image"), "odoo:17");
	/* command is replaced, not merged */
	CHECK_INT(t_at(M, "services.odoo.command")->n, 2);
	CHECK_STR(t_text(M, "services.odoo.command[0]"), "--workers");
	/* environment and labels merge by key */
	CHECK_STR(t_text(M, "services.odoo.environment.HOST"), "db");
	CHECK_STR(t_text(M, "services.odoo.environment.USER"), "prod");
	CHECK_STR(t_text(M, "services.odoo.environment.PASSWORD"), "x");
	CHECK_STR(t_text(M, "services.odoo.labels.a"), "1");
	CHECK_STR(t_text(M, "services.odoo.labels.b"), "2");
	/* ports: the same (ip, target, published, protocol) merges; new ones append */
	CHECK_INT(t_at(M, "services.odoo.ports")->n, 3);
	/* volumes merge by target */
	CHECK_INT(t_at(M, "services.odoo.volumes")->n, 2);
	snprintf(addons, sizeof(addons), "%s/custom", dir);
	CHECK_STR(t_text(M, "services.odoo.volumes[1].source"), addons);
	CHECK(t_at(M, "services.odoo.volumes[1].read_only")->b);
	/* plain sequences append what is missing */
	CHECK_INT(t_at(M, "services.odoo.expose")->n, 2);
	CHECK_INT(t_at(M, "services.odoo.dns")->n, 2);
	/* healthcheck.test is replaced; other healthcheck keys kept */
	CHECK_INT(t_at(M, "services.odoo.healthcheck.test")->n, 4);
	CHECK_STR(t_text(M, "services.odoo.healthcheck.interval"), "10s");
	/* a new logging driver drops the old driver's options */
	CHECK_STR(t_text(M, "services.odoo.logging.driver"), "syslog");
	CHECK(!t_at(M, "services.odoo.logging.options"));
	t_unload(&tp);
}

static void test_explicit_files_and_reset(void)
{
	struct t_project tp;
	const char *dir = t_tmpdir();
	char f1[600], f2[600];
	const char *files[3];

	t_write(dir, "base.yml", base_yaml);
	t_write(dir, "prod.yml",
		"services:\n"
		"  odoo:\n"
		"    ports: !reset []\n"
		"    dns: !override [9.9.9.9]\n"
		"    labels: !reset {}\n"
		"  pgadmin: !reset\n");
	snprintf(f1, sizeof(f1), "%s/base.yml", dir);
	snprintf(f2, sizeof(f2), "%s/prod.yml", dir);
	files[0] = f1;
	files[1] = f2;
	files[2] = NULL;
	t_load(&tp, dir, files, base_env);
	CHECK_INT(tp.rc, 0);
	CHECK(!t_at(M, "services.odoo.ports"));
	CHECK(!t_at(M, "services.odoo.labels"));
	CHECK_INT(t_at(M, "services.odoo.dns")->n, 1);
	CHECK_STR(t_text(M, "services.odoo.dns[0]"), "9.9.9.9");
	t_unload(&tp);
}

static void test_discovery_order(void)
{
	struct t_project tp;
	const char *dir = t_tmpdir();

	t_write(dir, "docker-compose.yml", "services:\n  a:\n    image: old\n");
	t_write(dir, "compose.yaml", "services:\n  a:\n    image: new\n");
	t_write(dir, "docker-compose.override.yml", "services:\n  a:\n    restart: always\n");
	t_load(&tp, dir, NULL, base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.a.image"), "new");
	CHECK_STR(t_text(M, "services.a.restart"), "always");
	t_unload(&tp);
}

static void test_no_compose_file(void)
{
	struct t_project tp;
	const char *dir = t_tmpdir();

	t_load(&tp, dir, NULL, base_env);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "no compose.yaml", 0));
	t_unload(&tp);
}

static void test_extends_same_file(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "x-base: &base\n  restart: always\n"
		    "services:\n"
		    "  base:\n    image: odoo:17\n    environment:\n      A: base\n      B: base\n"
		    "    ports: [\"8069:8069\"]\n"
		    "  web:\n    extends: base\n    environment:\n      B: web\n"
		    "  worker:\n    extends:\n      service: web\n    command: [odoo, --workers=0]\n",
		    base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.web.image"), "odoo:17");
	CHECK_STR(t_text(M, "services.web.environment.A"), "base");
	CHECK_STR(t_text(M, "services.web.environment.B"), "web");
	CHECK_STR(t_text(M, "services.worker.environment.B"), "web");
	CHECK_STR(t_text(M, "services.worker.command[1]"), "--workers=0");
	CHECK(!t_at(M, "services.worker.extends"));
	/* the base is copied: changing web did not change base */
	CHECK_STR(t_text(M, "services.base.environment.B"), "base");
	t_unload(&tp);
}

static void test_extends_other_file(void)
{
	struct t_project tp;
	const char *dir = t_tmpdir();
	char want[600];

	t_write(dir, "common/common.yaml",
		"services:\n"
		"  odoo:\n    image: odoo:${V:-16}\n    volumes:\n      - ./addons:/mnt/extra-addons\n"
		"    environment:\n      PGUSER: odoo\n");
	t_write(dir, "compose.yaml",
		"services:\n"
		"  odoo:\n    extends:\n      file: common/common.yaml\n      service: odoo\n"
		"    environment:\n      EXTRA: \"1\"\n");
	t_load(&tp, dir, NULL, base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.odoo.image"), "odoo:16");
	CHECK_STR(t_text(M, "services.odoo.environment.PGUSER"), "odoo");
	CHECK_STR(t_text(M, "services.odoo.environment.EXTRA"), "1");
	/* paths in the extended file are relative to that file */
	snprintf(want, sizeof(want), "%s/common/addons", dir);
	CHECK_STR(t_text(M, "services.odoo.volumes[0].source"), want);
	t_unload(&tp);
}

static void test_extends_errors(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "services:\n  a:\n    image: x\n    extends: b\n  b:\n    image: x\n    extends: a\n",
		    base_env);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "cycle", 0));
	t_unload(&tp);

	t_load_text(&tp, "services:\n  a:\n    extends: nothere\n", base_env);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "extends \"nothere\", which is not defined", 3));
	t_unload(&tp);

	t_load_text(&tp, "services:\n  a:\n    extends:\n      file: missing.yml\n      service: x\n", base_env);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "missing.yml not found", 4));
	t_unload(&tp);
}

static void test_anchors_across_services(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "x-logging: &logging\n  driver: json-file\n  options:\n    max-size: \"10m\"\n"
		    "x-common: &common\n  restart: unless-stopped\n  logging: *logging\n"
		    "services:\n"
		    "  a:\n    <<: *common\n    image: a\n"
		    "  b:\n    <<: [*common]\n    image: b\n    restart: always\n",
		    base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.a.restart"), "unless-stopped");
	CHECK_STR(t_text(M, "services.a.logging.options.max-size"), "10m");
	CHECK_STR(t_text(M, "services.b.restart"), "always");
	CHECK_STR(t_text(M, "x-logging.driver"), "json-file");
	t_unload(&tp);
}

static void test_multi_document_file(void)
{
	struct t_project tp;

	t_load_text(&tp, "services:\n  a:\n    image: x\n---\nservices:\n  a:\n    restart: always\n", base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.a.image"), "x");
	CHECK_STR(t_text(M, "services.a.restart"), "always");
	t_unload(&tp);
}

const struct t_case t_merge_cases[] = {
	{"merge: override file follows the Compose merge rules", test_override_rules},
	{"merge: -f files in order, !reset and !override", test_explicit_files_and_reset},
	{"merge: discovery prefers compose.yaml and adds the override file", test_discovery_order},
	{"merge: no compose file is a clear error", test_no_compose_file},
	{"merge: extends in the same file, chained", test_extends_same_file},
	{"merge: extends from another file, paths relative to it", test_extends_other_file},
	{"merge: extends cycles and missing bases are errors", test_extends_errors},
	{"merge: anchors and << shared across services", test_anchors_across_services},
	{"merge: documents of one file merge in order", test_multi_document_file},
	{NULL, NULL},
};
