/* Every service syntax form through the whole loader, asserting the
 * resolved values. */
#include <string.h>

#include "t.h"

#define M (tp.p.model)

static const char *const base_env[] = {"HOME=/home/test", NULL};

static void test_ports_short_and_long(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "services:\n"
		    "  web:\n"
		    "    image: odoo:17\n"
		    "    ports:\n"
		    "      - 8069\n"
		    "      - \"8072:8072\"\n"
		    "      - 127.0.0.1:5433:5432/tcp\n"
		    "      - \"9000-9001:9000-9001/udp\"\n"
		    "      - target: 80\n"
		    "        published: 8080\n"
		    "        host_ip: 0.0.0.0\n"
		    "        mode: host\n",
		    base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_INT(t_at(M, "services.web.ports")->n, 6);
	CHECK_INT(t_at(M, "services.web.ports[0].target")->i, 8069);
	CHECK(!t_at(M, "services.web.ports[0].published"));
	CHECK_STR(t_text(M, "services.web.ports[0].protocol"), "tcp");
	CHECK_STR(t_text(M, "services.web.ports[0].mode"), "ingress");
	CHECK_STR(t_text(M, "services.web.ports[1].published"), "8072");
	CHECK_STR(t_text(M, "services.web.ports[2].host_ip"), "127.0.0.1");
	CHECK_STR(t_text(M, "services.web.ports[2].published"), "5433");
	CHECK_INT(t_at(M, "services.web.ports[2].target")->i, 5432);
	CHECK_INT(t_at(M, "services.web.ports[4].target")->i, 9001);
	CHECK_STR(t_text(M, "services.web.ports[4].protocol"), "udp");
	CHECK_STR(t_text(M, "services.web.ports[4].published"), "9001");
	CHECK_STR(t_text(M, "services.web.ports[5].published"), "8080");
	CHECK_STR(t_text(M, "services.web.ports[5].mode"), "host");
	t_unload(&tp);
}

static void test_volumes_short_and_long(void)
{
	struct t_project tp;
	const char *dir = t_tmpdir();
	char want[600];

	t_write(dir, "compose.yaml",
		"services:\n"
		"  db:\n"
		"    image: postgres:16\n"
		"    volumes:\n"
		"      - pgdata:/var/lib/postgresql/data\n"
		"      - ./init:/docker-entrypoint-initdb.d:ro\n"
		"      - /var/run/x\n"
		"      - ~/cfg:/cfg\n"
		"      - type: tmpfs\n"
		"        target: /dev/shm\n"
		"        tmpfs:\n"
		"          size: 256m\n"
		"      - type: bind\n"
		"        source: ./data\n"
		"        target: /data\n"
		"        read_only: true\n"
		"volumes:\n"
		"  pgdata:\n");
	t_load(&tp, dir, NULL, base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.db.volumes[0].type"), "volume");
	CHECK_STR(t_text(M, "services.db.volumes[0].source"), "pgdata");
	CHECK_STR(t_text(M, "services.db.volumes[0].target"), "/var/lib/postgresql/data");
	CHECK_STR(t_text(M, "services.db.volumes[1].type"), "bind");
	snprintf(want, sizeof(want), "%s/init", dir);
	CHECK_STR(t_text(M, "services.db.volumes[1].source"), want);
	CHECK(t_at(M, "services.db.volumes[1].read_only")->b);
	CHECK(t_at(M, "services.db.volumes[1].bind.create_host_path")->b);
	CHECK_STR(t_text(M, "services.db.volumes[2].type"), "volume");
	CHECK(!t_at(M, "services.db.volumes[2].source"));
	CHECK_STR(t_text(M, "services.db.volumes[3].source"), "/home/test/cfg");
	CHECK_INT(t_at(M, "services.db.volumes[4].tmpfs.size")->i, 256LL << 20);
	snprintf(want, sizeof(want), "%s/data", dir);
	CHECK_STR(t_text(M, "services.db.volumes[5].source"), want);
	CHECK(t_at(M, "services.db.volumes[5].read_only")->b);
	CHECK(strstr(t_text(M, "volumes.pgdata.name"), "_pgdata") != NULL);
	t_unload(&tp);
}

static void test_environment_list_and_map(void)
{
	struct t_project tp;
	static const char *const env[] = {"FROM_SHELL=shell", "HOME=/h", NULL};

	t_load_text(&tp,
		    "services:\n"
		    "  a:\n"
		    "    image: x\n"
		    "    environment:\n"
		    "      - A=1\n"
		    "      - B=with=equals\n"
		    "      - FROM_SHELL\n"
		    "      - NOT_SET\n"
		    "      - EMPTY=\n"
		    "  b:\n"
		    "    image: x\n"
		    "    environment:\n"
		    "      PORT: 5432\n"
		    "      DEBUG: true\n"
		    "      NULLV:\n"
		    "      RATIO: 0.5\n",
		    env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.a.environment.A"), "1");
	CHECK_STR(t_text(M, "services.a.environment.B"), "with=equals");
	CHECK_STR(t_text(M, "services.a.environment.FROM_SHELL"), "shell");
	CHECK_INT(t_at(M, "services.a.environment.NOT_SET")->kind, Y_NULL);
	CHECK_STR(t_text(M, "services.a.environment.EMPTY"), "");
	CHECK_INT(t_at(M, "services.b.environment.PORT")->kind, Y_STR);
	CHECK_STR(t_text(M, "services.b.environment.PORT"), "5432");
	CHECK_STR(t_text(M, "services.b.environment.DEBUG"), "true");
	CHECK_INT(t_at(M, "services.b.environment.NULLV")->kind, Y_NULL);
	CHECK_STR(t_text(M, "services.b.environment.RATIO"), "0.5");
	t_unload(&tp);
}

static void test_env_file_forms(void)
{
	struct t_project tp;
	const char *dir = t_tmpdir();

	t_write(dir, "common.env", "A=from_common\nB=from_common\n");
	t_write(dir, "override.env", "B=from_override\nC=\"quoted value\"\n");
	t_write(dir, "compose.yaml",
		"services:\n"
		"  s1:\n"
		"    image: x\n"
		"    env_file: common.env\n"
		"  s2:\n"
		"    image: x\n"
		"    env_file:\n"
		"      - common.env\n"
		"      - override.env\n"
		"    environment:\n"
		"      C: explicit\n"
		"  s3:\n"
		"    image: x\n"
		"    env_file:\n"
		"      - path: ./common.env\n"
		"        required: true\n"
		"      - path: ./missing.env\n"
		"        required: false\n");
	t_load(&tp, dir, NULL, base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.s1.environment.A"), "from_common");
	CHECK_STR(t_text(M, "services.s2.environment.B"), "from_override");
	CHECK_STR(t_text(M, "services.s2.environment.C"), "explicit");
	CHECK_STR(t_text(M, "services.s3.environment.B"), "from_common");
	CHECK(!t_at(M, "services.s3.env_file"));
	t_unload(&tp);
}

static void test_env_file_missing_is_located_error(void)
{
	struct t_project tp;

	t_load_text(&tp, "services:\n  a:\n    image: x\n    env_file:\n      - nothere.env\n", base_env);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "nothere.env not found", 5));
	t_unload(&tp);
}

static void test_secrets_and_configs(void)
{
	struct t_project tp;
	const char *dir = t_tmpdir();
	static const char *const env[] = {"HOME=/h", "API_TOKEN=t0k", NULL};
	char want[600];

	t_write(dir, "secrets/db_password.txt", "s3cret\n");
	t_write(dir, "compose.yaml",
		"services:\n"
		"  app:\n"
		"    image: x\n"
		"    secrets:\n"
		"      - db_password\n"
		"      - source: api_token\n"
		"        target: /run/secrets/token\n"
		"        mode: 0440\n"
		"    configs:\n"
		"      - app_conf\n"
		"secrets:\n"
		"  db_password:\n"
		"    file: ./secrets/db_password.txt\n"
		"  api_token:\n"
		"    environment: API_TOKEN\n"
		"configs:\n"
		"  app_conf:\n"
		"    content: |\n"
		"      key = value\n");
	t_load(&tp, dir, NULL, env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.app.secrets[0].source"), "db_password");
	CHECK_STR(t_text(M, "services.app.secrets[1].target"), "/run/secrets/token");
	CHECK_INT(t_at(M, "services.app.secrets[1].mode")->i, 0440);
	CHECK_STR(t_text(M, "services.app.configs[0].source"), "app_conf");
	snprintf(want, sizeof(want), "%s/secrets/db_password.txt", dir);
	CHECK_STR(t_text(M, "secrets.db_password.file"), want);
	CHECK_STR(t_text(M, "secrets.api_token.environment"), "API_TOKEN");
	CHECK_STR(t_text(M, "configs.app_conf.content"), "key = value\n");
	t_unload(&tp);
}

static void test_secret_file_missing(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "services:\n  a:\n    image: x\n    secrets: [pw]\n"
		    "secrets:\n  pw:\n    file: ./nope.txt\n",
		    base_env);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "nope.txt not found", 7));
	t_unload(&tp);
}

static void test_labels_list_and_map(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "services:\n"
		    "  a:\n    image: x\n    labels:\n"
		    "      - traefik.enable=true\n"
		    "      - traefik.http.routers.a.rule=Host(`a.example.com`)\n"
		    "  b:\n    image: x\n    labels:\n"
		    "      traefik.enable: true\n"
		    "      traefik.port: 8069\n",
		    base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.a.labels.{traefik.enable}"), "true");
	CHECK_STR(t_text(M, "services.a.labels.{traefik.http.routers.a.rule}"), "Host(`a.example.com`)");
	CHECK_INT(t_at(M, "services.b.labels.{traefik.enable}")->kind, Y_STR);
	CHECK_STR(t_text(M, "services.b.labels.{traefik.port}"), "8069");
	t_unload(&tp);
}

static void test_command_and_entrypoint(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "services:\n"
		    "  a:\n    image: x\n    command: start --optimized --http-port=8080\n"
		    "    entrypoint: [\"/entrypoint.sh\", \"--\"]\n"
		    "  b:\n    image: x\n    command: sh -c 'odoo --dev=all'\n"
		    "    entrypoint: /bin/sh\n",
		    base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_INT(t_at(M, "services.a.command")->n, 3);
	CHECK_STR(t_text(M, "services.a.command[1]"), "--optimized");
	CHECK_STR(t_text(M, "services.a.entrypoint[1]"), "--");
	CHECK_INT(t_at(M, "services.b.command")->n, 3);
	CHECK_STR(t_text(M, "services.b.command[2]"), "odoo --dev=all");
	CHECK_STR(t_text(M, "services.b.entrypoint[0]"), "/bin/sh");
	t_unload(&tp);
}

static void test_healthcheck_forms(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "services:\n"
		    "  a:\n    image: x\n    healthcheck:\n"
		    "      test: [\"CMD\", \"pg_isready\", \"-U\", \"odoo\"]\n"
		    "      interval: 1m30s\n      timeout: 10s\n      retries: 3\n      start_period: 90s\n"
		    "  b:\n    image: x\n    healthcheck:\n"
		    "      test: curl -f http://localhost:8069/web/health\n"
		    "      start_interval: 5s\n"
		    "  c:\n    image: x\n    healthcheck:\n      test: [\"NONE\"]\n"
		    "  d:\n    image: x\n    healthcheck:\n      disable: true\n",
		    base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.a.healthcheck.test[0]"), "CMD");
	CHECK_STR(t_text(M, "services.a.healthcheck.test[3]"), "odoo");
	CHECK_STR(t_text(M, "services.a.healthcheck.interval"), "1m30s");
	CHECK_STR(t_text(M, "services.a.healthcheck.start_period"), "1m30s");
	CHECK_INT(t_at(M, "services.a.healthcheck.retries")->i, 3);
	CHECK_STR(t_text(M, "services.b.healthcheck.test[0]"), "CMD-SHELL");
	CHECK_STR(t_text(M, "services.b.healthcheck.test[1]"), "curl -f http://localhost:8069/web/health");
	CHECK_STR(t_text(M, "services.b.healthcheck.start_interval"), "5s");
	CHECK(t_at(M, "services.c.healthcheck.disable")->b);
	CHECK(!t_at(M, "services.c.healthcheck.test"));
	CHECK(t_at(M, "services.d.healthcheck.disable")->b);
	t_unload(&tp);
}

static void test_healthcheck_bad_duration(void)
{
	struct t_project tp;

	t_load_text(&tp, "services:\n  a:\n    image: x\n    healthcheck:\n      interval: 30\n", base_env);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "services.a.healthcheck.interval", 5));
	t_unload(&tp);
}

static void test_deploy(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "services:\n"
		    "  a:\n    image: x\n    deploy:\n"
		    "      replicas: 3\n"
		    "      labels: [tier=web]\n"
		    "      resources:\n"
		    "        limits:\n          cpus: '2'\n          memory: 4G\n          pids: 100\n"
		    "        reservations:\n          cpus: 0.25\n          memory: 512M\n"
		    "      restart_policy:\n        condition: on-failure\n        delay: 5s\n        max_attempts: 3\n"
		    "      update_config:\n        parallelism: 1\n        delay: 10s\n        order: start-first\n"
		    "        max_failure_ratio: 0.1\n"
		    "      placement:\n        constraints: [node.role==worker]\n",
		    base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_INT(t_at(M, "services.a.deploy.replicas")->i, 3);
	CHECK_STR(t_text(M, "services.a.deploy.labels.tier"), "web");
	CHECK_INT(t_at(M, "services.a.deploy.resources.limits.cpus")->kind, Y_FLOAT);
	CHECK(t_at(M, "services.a.deploy.resources.limits.cpus")->f == 2.0);
	CHECK_INT(t_at(M, "services.a.deploy.resources.limits.memory")->i, 4LL << 30);
	CHECK_INT(t_at(M, "services.a.deploy.resources.limits.pids")->i, 100);
	CHECK(t_at(M, "services.a.deploy.resources.reservations.cpus")->f == 0.25);
	CHECK_INT(t_at(M, "services.a.deploy.resources.reservations.memory")->i, 512LL << 20);
	CHECK_STR(t_text(M, "services.a.deploy.restart_policy.delay"), "5s");
	CHECK_INT(t_at(M, "services.a.deploy.restart_policy.max_attempts")->i, 3);
	CHECK_STR(t_text(M, "services.a.deploy.update_config.order"), "start-first");
	CHECK(t_at(M, "services.a.deploy.update_config.max_failure_ratio")->f == 0.1);
	CHECK_STR(t_text(M, "services.a.deploy.placement.constraints[0]"), "node.role==worker");
	t_unload(&tp);
}

static void test_depends_on_forms(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "services:\n"
		    "  db:\n    image: postgres\n"
		    "  cache:\n    image: redis\n"
		    "  a:\n    image: x\n    depends_on: [db, cache]\n"
		    "  b:\n    image: x\n    depends_on:\n"
		    "      db:\n        condition: service_healthy\n        restart: true\n"
		    "      cache:\n        condition: service_started\n        required: false\n",
		    base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.a.depends_on.db.condition"), "service_started");
	CHECK(t_at(M, "services.a.depends_on.db.required")->b);
	CHECK_STR(t_text(M, "services.b.depends_on.db.condition"), "service_healthy");
	CHECK(t_at(M, "services.b.depends_on.db.restart")->b);
	CHECK(!t_at(M, "services.b.depends_on.cache.required")->b);
	t_unload(&tp);
}

static void test_depends_on_unknown_service(void)
{
	struct t_project tp;

	t_load_text(&tp, "services:\n  a:\n    image: x\n    depends_on: [nodb]\n", base_env);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "depends on \"nodb\"", 4));
	t_unload(&tp);

	t_load_text(&tp, "services:\n  a:\n    image: x\n    depends_on:\n      db:\n        condition: bogus\n", base_env);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "unknown condition \"bogus\"", 6));
	t_unload(&tp);
}

static void test_networks_forms(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "name: ip\n"
		    "services:\n"
		    "  a:\n    image: x\n    networks: [odoo_backend]\n"
		    "  b:\n    image: x\n    networks:\n"
		    "      odoo_backend:\n        aliases: [database, pg]\n        ipv4_address: 172.20.0.5\n"
		    "      public:\n"
		    "  c:\n    image: x\n"
		    "  d:\n    image: x\n    network_mode: host\n"
		    "networks:\n  odoo_backend:\n    driver: bridge\n  public:\n    external: true\n",
		    base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_INT(t_at(M, "services.a.networks.odoo_backend")->kind, Y_NULL);
	CHECK_STR(t_text(M, "services.b.networks.odoo_backend.aliases[1]"), "pg");
	CHECK_STR(t_text(M, "services.b.networks.odoo_backend.ipv4_address"), "172.20.0.5");
	CHECK(t_at(M, "services.b.networks.public") != NULL);
	CHECK(t_at(M, "services.c.networks.default") != NULL);
	CHECK(!t_at(M, "services.d.networks"));
	CHECK_STR(t_text(M, "networks.odoo_backend.name"), "ip_odoo_backend");
	CHECK_STR(t_text(M, "networks.public.name"), "public");
	CHECK_STR(t_text(M, "networks.default.name"), "ip_default");
	t_unload(&tp);
}

static void test_undeclared_network_and_volume(void)
{
	struct t_project tp;

	t_load_text(&tp, "services:\n  a:\n    image: x\n    networks: [nope]\n    volumes: [data:/d]\n", base_env);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "network \"nope\"", 4));
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "volume \"data\"", 5));
	t_unload(&tp);
}

static void test_misc_scalars(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "services:\n"
		    "  a:\n"
		    "    image: x\n"
		    "    expose: [8069, \"8072\"]\n"
		    "    restart: unless-stopped\n"
		    "    user: \"101:101\"\n"
		    "    working_dir: /opt/odoo\n"
		    "    shm_size: 256mb\n"
		    "    tmpfs: /tmp\n"
		    "    cap_add: [NET_ADMIN]\n"
		    "    cap_drop: [ALL]\n"
		    "    read_only: true\n"
		    "    ulimits:\n      nproc: 65535\n      nofile:\n        soft: 20000\n        hard: 40000\n"
		    "    extra_hosts:\n      - host.docker.internal:host-gateway\n      - db=10.0.0.2\n"
		    "    logging:\n      driver: json-file\n      options:\n        max-size: 10m\n        max-file: 3\n"
		    "    stop_grace_period: 1m\n"
		    "    container_name: odoo-app\n"
		    "  b:\n"
		    "    image: x\n"
		    "    user: 1000\n"
		    "    tmpfs: [/run, /tmp:size=64m]\n"
		    "    extra_hosts:\n      somehost: 162.242.195.82\n"
		    "    restart: no\n",
		    base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.a.expose[0]"), "8069");
	CHECK_STR(t_text(M, "services.a.expose[1]"), "8072");
	CHECK_STR(t_text(M, "services.a.restart"), "unless-stopped");
	CHECK_STR(t_text(M, "services.a.user"), "101:101");
	CHECK_STR(t_text(M, "services.a.working_dir"), "/opt/odoo");
	CHECK_INT(t_at(M, "services.a.shm_size")->i, 256LL << 20);
	CHECK_STR(t_text(M, "services.a.tmpfs[0]"), "/tmp");
	CHECK_STR(t_text(M, "services.a.cap_add[0]"), "NET_ADMIN");
	CHECK_STR(t_text(M, "services.a.cap_drop[0]"), "ALL");
	CHECK(t_at(M, "services.a.read_only")->b);
	CHECK_INT(t_at(M, "services.a.ulimits.nproc")->i, 65535);
	CHECK_INT(t_at(M, "services.a.ulimits.nofile.hard")->i, 40000);
	CHECK_STR(t_text(M, "services.a.extra_hosts[0]"), "host.docker.internal=host-gateway");
	CHECK_STR(t_text(M, "services.a.extra_hosts[1]"), "db=10.0.0.2");
	CHECK_STR(t_text(M, "services.a.logging.driver"), "json-file");
	CHECK_STR(t_text(M, "services.a.logging.options.max-file"), "3");
	CHECK_STR(t_text(M, "services.a.stop_grace_period"), "1m0s");
	CHECK_STR(t_text(M, "services.a.container_name"), "odoo-app");
	CHECK_STR(t_text(M, "services.b.user"), "1000");
	CHECK_STR(t_text(M, "services.b.tmpfs[1]"), "/tmp:size=64m");
	CHECK_STR(t_text(M, "services.b.extra_hosts[0]"), "somehost=162.242.195.82");
	CHECK_STR(t_text(M, "services.b.restart"), "no");
	t_unload(&tp);
}

static void test_build_forms(void)
{
	struct t_project tp;
	const char *dir = t_tmpdir();
	char want[600];

	t_write(dir, "compose.yaml",
		"services:\n"
		"  a:\n    build: ./odoo\n"
		"  b:\n    build:\n      context: ./odoo\n      dockerfile: Dockerfile.prod\n"
		"      args:\n        - ODOO_VERSION=17.0\n        - UID\n"
		"  c:\n    build: https://github.com/example/repo.git\n");
	t_load(&tp, dir, NULL, base_env);
	CHECK_INT(tp.rc, 0);
	snprintf(want, sizeof(want), "%s/odoo", dir);
	CHECK_STR(t_text(M, "services.a.build.context"), want);
	CHECK_STR(t_text(M, "services.a.build.dockerfile"), "Dockerfile");
	CHECK_STR(t_text(M, "services.b.build.dockerfile"), "Dockerfile.prod");
	CHECK_STR(t_text(M, "services.b.build.args.ODOO_VERSION"), "17.0");
	CHECK_INT(t_at(M, "services.b.build.args.UID")->kind, Y_NULL);
	CHECK_STR(t_text(M, "services.c.build.context"), "https://github.com/example/repo.git");
	t_unload(&tp);
}

static void test_type_errors_are_located(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "services:\n  a:\n    image: [not, a, string]\n    ports: 8069\n    read_only: maybe\n",
		    base_env);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "services.a.image must be a string, not a sequence", 3));
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "services.a.ports must be a list", 4));
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "services.a.read_only must be true or false", 5));
	t_unload(&tp);
}

static void test_unknown_keys_warn(void)
{
	struct t_project tp;

	t_load_text(&tp,
		    "version: '3.8'\nservices:\n  a:\n    image: x\n    imgae: typo\n    x-custom: kept\n"
		    "    healthcheck:\n      intervall: 5s\nfoo: bar\nx-top: {a: 1}\n",
		    base_env);
	CHECK_INT(tp.rc, 0);
	CHECK(t_diag_has(&tp.d, DIAG_WARNING, "unknown key \"imgae\" in service \"a\"", 5));
	CHECK(t_diag_has(&tp.d, DIAG_WARNING, "unknown key \"intervall\" in healthcheck", 8));
	CHECK(t_diag_has(&tp.d, DIAG_WARNING, "unknown top-level key \"foo\"", 9));
	CHECK(t_diag_has(&tp.d, DIAG_WARNING, "\"version\" is obsolete", 1));
	CHECK(!t_at(M, "services.a.imgae"));
	CHECK_STR(t_text(M, "services.a.x-custom"), "kept");
	CHECK_INT(t_at(M, "x-top.a")->i, 1);
	t_unload(&tp);
}

static void test_missing_image(void)
{
	struct t_project tp;

	t_load_text(&tp, "services:\n  a:\n    restart: always\n", base_env);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "neither an image nor a build", 3));
	t_unload(&tp);
}

static void test_required_variable_unset(void)
{
	struct t_project tp;

	t_load_text(&tp, "services:\n  db:\n    image: postgres\n    environment:\n"
			 "      POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD in .env}\n", base_env);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "required variable DB_PASSWORD is not set: set DB_PASSWORD in .env", 5));
	for (size_t i = 0; i < tp.d.n; i++)
		if (tp.d.v[i].level == DIAG_ERROR)
			CHECK_INT(tp.d.v[i].col, 26);
	t_unload(&tp);
}

static void test_interpolation_in_model(void)
{
	struct t_project tp;
	const char *dir = t_tmpdir();
	static const char *const env[] = {"HOME=/h", "TAG=from-shell", NULL};

	t_write(dir, ".env", "TAG=from-dotenv\nREPLICAS=2\nDOMAIN=example.com\n");
	t_write(dir, "compose.yaml",
		"services:\n  a:\n    image: odoo:${TAG}\n    deploy:\n      replicas: ${REPLICAS}\n"
		"    labels:\n      rule: Host(`erp.${DOMAIN}`)\n      esc: $$1\n");
	t_load(&tp, dir, NULL, env);
	CHECK_INT(tp.rc, 0);
	/* The shell environment wins over .env. */
	CHECK_STR(t_text(M, "services.a.image"), "odoo:from-shell");
	CHECK_INT(t_at(M, "services.a.deploy.replicas")->i, 2);
	CHECK_STR(t_text(M, "services.a.labels.rule"), "Host(`erp.example.com`)");
	CHECK_STR(t_text(M, "services.a.labels.esc"), "$1");
	t_unload(&tp);
}

static void test_env_file_option_replaces_dotenv(void)
{
	struct t_project tp;
	struct compose_options o;
	const char *dir = t_tmpdir();
	char alt[600];
	const char *envs[1];

	t_write(dir, ".env", "TAG=dotenv\n");
	t_write(dir, "alt.env", "TAG=alt\n");
	t_write(dir, "compose.yaml", "services:\n  a:\n    image: odoo:${TAG:-none}\n");
	snprintf(alt, sizeof(alt), "%s/alt.env", dir);
	envs[0] = alt;
	memset(&o, 0, sizeof(o));
	o.project_directory = dir;
	o.env_files = envs;
	o.nenv_files = 1;
	t_load_opts(&tp, &o, base_env);
	CHECK_INT(tp.rc, 0);
	CHECK_STR(t_text(M, "services.a.image"), "odoo:alt");
	t_unload(&tp);
}

static void test_project_name_precedence(void)
{
	struct t_project tp;
	struct compose_options o;
	const char *dir = t_tmpdir();
	static const char *const env[] = {"COMPOSE_PROJECT_NAME=FromEnv", NULL};

	t_write(dir, "compose.yaml", "name: From.File\nservices:\n  a:\n    image: x\n");
	t_load(&tp, dir, NULL, base_env);
	CHECK_STR(tp.p.name, "fromfile");
	t_unload(&tp);
	t_load(&tp, dir, NULL, env);
	CHECK_STR(tp.p.name, "fromenv");
	t_unload(&tp);
	memset(&o, 0, sizeof(o));
	o.project_directory = dir;
	o.project_name = "cli";
	t_load_opts(&tp, &o, env);
	CHECK_STR(tp.p.name, "cli");
	CHECK_STR(t_text(M, "name"), "cli");
	t_unload(&tp);
}

static void test_profiles(void)
{
	struct t_project tp;
	struct compose_options o;
	const char *dir = t_tmpdir();
	static const char *const profiles[] = {"debug"};
	static const char *const env[] = {"COMPOSE_PROFILES=tools", NULL};

	t_write(dir, "compose.yaml",
		"services:\n  app:\n    image: x\n"
		"  pgadmin:\n    image: y\n    profiles: [debug]\n"
		"  cli:\n    image: z\n    profiles: [tools]\n");
	t_load(&tp, dir, NULL, base_env);
	CHECK_INT(tp.rc, 0);
	CHECK(t_at(M, "services.app") && !t_at(M, "services.pgadmin") && !t_at(M, "services.cli"));
	t_unload(&tp);
	memset(&o, 0, sizeof(o));
	o.project_directory = dir;
	o.profiles = profiles;
	o.nprofiles = 1;
	t_load_opts(&tp, &o, env);
	CHECK(t_at(M, "services.pgadmin") && t_at(M, "services.cli"));
	t_unload(&tp);
}

const struct t_case t_compose_cases[] = {
	{"compose: ports short and long syntax", test_ports_short_and_long},
	{"compose: volumes short and long syntax, paths resolved", test_volumes_short_and_long},
	{"compose: environment as list and map", test_environment_list_and_map},
	{"compose: env_file string, list and long form with required", test_env_file_forms},
	{"compose: missing env_file is a located error", test_env_file_missing_is_located_error},
	{"compose: secrets and configs from files, environment and content", test_secrets_and_configs},
	{"compose: missing secret file is a located error", test_secret_file_missing},
	{"compose: labels as list and map", test_labels_list_and_map},
	{"compose: command and entrypoint as string and list", test_command_and_entrypoint},
	{"compose: healthcheck CMD, CMD-SHELL, NONE, disable, durations", test_healthcheck_forms},
	{"compose: healthcheck duration without unit is located", test_healthcheck_bad_duration},
	{"compose: deploy replicas, resources, policies, placement", test_deploy},
	{"compose: depends_on list and map with conditions", test_depends_on_forms},
	{"compose: depends_on errors", test_depends_on_unknown_service},
	{"compose: networks list and map with aliases, default network", test_networks_forms},
	{"compose: undeclared network and volume are located errors", test_undeclared_network_and_volume},
	{"compose: expose, restart, user, working_dir, shm_size, tmpfs, caps, read_only, ulimits, extra_hosts, logging, stop_grace_period", test_misc_scalars},
	{"compose: build string and long form", test_build_forms},
	{"compose: wrong types are located errors", test_type_errors_are_located},
	{"compose: unknown keys warn with location and are dropped", test_unknown_keys_warn},
	{"compose: a service without image or build", test_missing_image},
	{"compose: ${VAR:?} unset is a located error", test_required_variable_unset},
	{"compose: interpolation from .env and the shell (shell wins)", test_interpolation_in_model},
	{"compose: --env-file replaces .env", test_env_file_option_replaces_dotenv},
	{"compose: project name from -p, COMPOSE_PROJECT_NAME, name:", test_project_name_precedence},
	{"compose: profiles from --profile and COMPOSE_PROFILES", test_profiles},
	{NULL, NULL},
};
