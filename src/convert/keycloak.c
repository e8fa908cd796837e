/* Keycloak: a Deployment with the settings of its version (database,
 * hostname, proxy headers, admin bootstrap, clustering), health probes on
 * the management port, and its Services. */
#include <string.h>

#include "convert/context.h"
#include "k8s/pod.h"
#include "model/secrets.h"

/* Compose variables that the generated configuration sets itself. */
static const char *const managed_vars[] = {
	"KC_DB", "KC_DB_URL", "KC_DB_URL_HOST", "KC_DB_URL_PORT", "KC_DB_URL_DATABASE", "KC_DB_USERNAME",
	"KC_DB_PASSWORD", "KC_HOSTNAME", "KC_HOSTNAME_URL", "KC_HOSTNAME_ADMIN", "KC_HOSTNAME_ADMIN_URL", "KC_PROXY",
	"KC_PROXY_HEADERS", "KC_HTTP_ENABLED", "KC_HEALTH_ENABLED", "KC_BOOTSTRAP_ADMIN_USERNAME",
	"KC_BOOTSTRAP_ADMIN_PASSWORD", "KEYCLOAK_ADMIN", "KEYCLOAK_ADMIN_PASSWORD", "KC_CACHE",
	"KC_CACHE_STACK", "KC_DB_POOL_MAX_SIZE", "KC_METRICS_ENABLED", "KC_LOG_CONSOLE_OUTPUT", NULL,
};

bool keycloak_passes_through(const char *name)
{
	return !listed(managed_vars, name) && strncmp(name, "KC_", 3) == 0;
}

/* `start`, never `start-dev`; --optimized only makes sense with an image
 * built for these options (kc.sh build), which the stock image is not. */
static struct ynode *keycloak_args(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	const struct words *cmd = &cv->app->keycloak->command;
	struct ynode *args = kb_seq(kb);
	bool stock = strncmp(cv->keycloak_image, keycloak_constants.repository,
			     strlen(keycloak_constants.repository)) == 0;

	kb_push_str(kb, args, "start");
	for (size_t i = 0; i < cmd->n; i++) {
		const char *a = cmd->v[i].text;

		if (strcmp(a, "start-dev") == 0)
			diag_add(cv->d, DIAG_WARNING, &cmd->v[i].pos,
				 "nothing to do: the manifests use `start`",
				 "Keycloak runs in development mode (start-dev): insecure defaults, local caches only");
		else if (strcmp(a, "--optimized") == 0 && stock)
			diag_add(cv->d, DIAG_WARNING, &cmd->v[i].pos,
				 "build your own image with `kc.sh build` to use --optimized and a read-only root filesystem",
				 "--optimized with the stock image runs the wrong build options (since 26 it fails); "
				 "the manifests drop it");
		else if (strcmp(a, "--optimized") == 0)
			kb_push_str(kb, args, a);
	}
	return args;
}

static struct ynode *keycloak_env(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *env = kb_seq(kb);
	const struct service *kc = cv->app->keycloak;

	env_value(kb, env, "KC_DB", "postgres");
	env_value(kb, env, "KC_DB_URL_HOST", cv->db_service);
	env_value(kb, env, "KC_DB_URL_PORT", y_text(kb_printf(kb, "%d", cv->db_port)));
	/* Appended to the default URL, jdbc:postgresql://HOST:PORT/DB${kc.db-url-properties:}
	 * (Keycloak's Database.java), so it starts with '?'. */
	if (cv->db_sslmode && !service_env(kc, "KC_DB_URL_PROPERTIES"))
		env_value(kb, env, "KC_DB_URL_PROPERTIES", y_text(kb_printf(kb, "?sslmode=%s", cv->db_sslmode)));
	env_secret(kb, env, "KC_DB_URL_DATABASE", "keycloak-db", "database");
	env_secret(kb, env, "KC_DB_USERNAME", "keycloak-db", "username");
	env_secret(kb, env, "KC_DB_PASSWORD", "keycloak-db", "password");
	env_value(kb, env, "KC_DB_POOL_MAX_SIZE", y_text(kb_printf(kb, "%d", cv->plan.keycloak_pool)));
	if (cv->keycloak.hostname_v2) {
		env_value(kb, env, "KC_HOSTNAME", y_text(kb_printf(kb, "https://%s", cv->auth_host)));
		/* The console is not published (ingress.c): its URL is the
		 * port-forward's, "hostname-admin: the address for accessing the
		 * administration console" (https://www.keycloak.org/server/hostname). */
		env_value(kb, env, "KC_HOSTNAME_ADMIN", "http://localhost:8080");
	}
	else
		env_value(kb, env, "KC_HOSTNAME", cv->auth_host);
	if (cv->keycloak.proxy_edge)
		env_value(kb, env, "KC_PROXY", "edge");
	if (cv->keycloak.proxy_headers)
		env_value(kb, env, "KC_PROXY_HEADERS", "xforwarded");
	env_value(kb, env, "KC_HTTP_ENABLED", "true");
	env_value(kb, env, "KC_HEALTH_ENABLED", "true");
	monitoring_keycloak_env(cv, env);
	env_secret(kb, env, cv->keycloak.admin_user_var, "keycloak-admin", "username");
	env_secret(kb, env, cv->keycloak.admin_password_var, "keycloak-admin", "password");
	if (!cv->keycloak.jdbc_ping) {
		/* Before 26.1 the default discovery is UDP multicast, which cloud
		 * networks drop: use DNS discovery through the headless Service. */
		env_value(kb, env, "KC_CACHE_STACK", "kubernetes");
		env_value(kb, env, "JAVA_OPTS_APPEND",
			  y_text(kb_printf(kb, "-Djgroups.dns.query=keycloak-headless.%s.svc.cluster.local", cv->ns)));
	}
	for (size_t i = 0; i < kc->nenv; i++) {
		const char *name = kc->env[i].name;
		const char *value = kc->env[i].value;

		if (!keycloak_passes_through(name) || kc->env[i].resolved_file)
			continue;
		if (is_secret_env(name, value))
			env_secret(kb, env, name, "keycloak-env", name);
		else
			env_value(kb, env, name, value);
	}
	return env;
}

static struct ynode *deployment(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *d = kb_object(kb, "apps/v1", "Deployment", "keycloak", cv->ns, "keycloak");
	struct ynode *spec = kb_sub(kb, d, "spec");
	struct ynode *tmpl = kb_sub(kb, spec, "template");
	struct ynode *pspec = kb_sub(kb, tmpl, "spec");
	struct ynode *c, *ports, *mounts, *vols;
	struct probe_timing t;
	const char *mgmt = cv->keycloak.management_port ? "management" : "http";

	kb_int(kb, spec, "replicas", cv->o->keycloak_replicas);
	kb_put(kb, kb_sub(kb, spec, "selector"), "matchLabels", kb_selector(kb, "keycloak"));
	kb_put(kb, kb_sub(kb, tmpl, "metadata"), "labels", kb_labels(kb, "keycloak"));
	kb_str(kb, pspec, "serviceAccountName", "keycloak");
	kb_bool(kb, pspec, "automountServiceAccountToken", false);
	kb_int(kb, pspec, "terminationGracePeriodSeconds", 60);
	kb_put(kb, pspec, "securityContext", pod_security(kb, cv->keycloak.uid, cv->keycloak.uid, -1));
	kb_push(kb, kb_list(kb, pspec, "initContainers"),
		wait_for_postgres(kb, cv->postgres_image, cv->db_service, cv->db_port, cv->keycloak.uid, cv->keycloak.uid));
	c = kb_push_map(kb, kb_list(kb, pspec, "containers"));
	kb_str(kb, c, "name", "keycloak");
	kb_str(kb, c, "image", cv->keycloak_image);
	kb_put(kb, c, "args", keycloak_args(cv));
	kb_put(kb, c, "env", keycloak_env(cv));
	ports = kb_list(kb, c, "ports");
	container_port(kb, ports, "http", keycloak_constants.http_port);
	if (cv->keycloak.management_port)
		container_port(kb, ports, "management", keycloak_constants.management_port);
	container_port(kb, ports, "jgroups", keycloak_constants.jgroups_port);
	container_port(kb, ports, "jgroups-fd", keycloak_constants.jgroups_fd_port);
	/* The stock image builds itself on start: 10 minutes allowed. */
	probe_timing(cv->app->keycloak, &t, 600);
	kb_put(kb, c, "startupProbe", probe_http(kb, keycloak_constants.health_started, mgmt, t.period, t.startup_failures,
						 t.timeout));
	kb_put(kb, c, "readinessProbe", probe_http(kb, keycloak_constants.health_ready, mgmt, t.period, t.failures, t.timeout));
	kb_put(kb, c, "livenessProbe", probe_http(kb, keycloak_constants.health_live, mgmt, 2 * t.period, t.failures,
						  t.timeout));
	kb_put(kb, c, "resources", resources(kb, 0.5, 1LL << 30, 2.0, 2LL << 30));
	/* The stock image rebuilds itself at start (kc.sh build), which writes
	 * under /opt/keycloak: its root filesystem cannot be read-only. */
	kb_put(kb, c, "securityContext", container_security(kb, false));
	mounts = kb_list(kb, c, "volumeMounts");
	volume_mount(kb, mounts, "tmp", "/tmp", false);
	vols = kb_list(kb, pspec, "volumes");
	volume_empty_dir(kb, vols, "tmp", false, "512Mi");
	spread_over_nodes(kb, pspec, "keycloak");
	return d;
}

static void services(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *ports;
	struct ynode *s = selecting_service(kb, "keycloak", cv->ns, "keycloak", false, &ports);
	struct ynode *spec;

	service_port(kb, ports, "http", keycloak_constants.http_port);
	cv_emit(cv, OUT_KEYCLOAK, s);
	if (cv->keycloak.jdbc_ping)
		return;
	s = kb_object(kb, "v1", "Service", "keycloak-headless", cv->ns, "keycloak");
	spec = kb_sub(kb, s, "spec");
	kb_str(kb, spec, "clusterIP", "None");
	/* Discovery must see pods that are still starting. */
	kb_bool(kb, spec, "publishNotReadyAddresses", true);
	kb_put(kb, spec, "selector", kb_selector(kb, "keycloak"));
	service_port(kb, kb_list(kb, spec, "ports"), "jgroups", keycloak_constants.jgroups_port);
	cv_emit(cv, OUT_KEYCLOAK, s);
}

void build_keycloak(struct cv *cv)
{
	if (!cv->app->keycloak)
		return;
	cv_emit(cv, OUT_KEYCLOAK, deployment(cv));
	services(cv);
}
