/* Monitoring for the Prometheus Operator that kube-prometheus-stack installs
 * (--monitoring prometheus, the default): the metrics endpoints (a
 * postgres_exporter sidecar, or CloudNativePG's own exporter, with the
 * custom queries the alerts need; Keycloak's metrics), PodMonitors for them
 * and for the ingress controller and cert-manager, the NetworkPolicies that
 * let Prometheus scrape the stack's pods, and NOTES on metrics and logs.
 * Alerts are in monitoring_rules.c, dashboards in monitoring_dashboards.c. */
#include <string.h>

#include "convert/monitoring.h"
#include "k8s/pod.h"
#include "yaml/emit.h"

#define QUERIES_CONFIGMAP "postgres-exporter-queries"
#define QUERIES_KEY "queries.yaml"
#define QUERIES_DIR "/etc/postgres-exporter"

unsigned monitored(const struct cv *cv)
{
	const struct app *app = cv->app;
	unsigned m = 0;

	if (app->postgres) {
		m |= HAS_PG;
		m |= cv->o->postgres == PG_CNPG ? HAS_PG_CNPG : HAS_PG_STATEFULSET;
		if (cv->o->postgres == PG_STATEFULSET || app->odoo)
			m |= HAS_BACKUP_CRONJOB;
	}
	if (app->odoo) {
		m |= HAS_ODOO;
		m |= cv->o->odoo_max_replicas > 1 ? HAS_AUTOSCALER : HAS_ONE_ODOO_POD;
		if (cv->o->ingress != INGRESS_GATEWAY)
			m |= HAS_HTTP_METRICS;
	}
	if (app->keycloak)
		m |= HAS_KEYCLOAK;
	return m;
}

const char *query_metric_prefix(const struct cv *cv)
{
	return cv->o->postgres == PG_CNPG ? "cnpg_" : "";
}

/* Odoo's requests as the ingress controller counts them. Traefik names a
 * Kubernetes Ingress backend <namespace>-<service>-<port>@kubernetes;
 * ingress-nginx labels its series with the namespace and Service:
 * https://doc.traefik.io/traefik/observability/metrics/overview/,
 * https://kubernetes.github.io/ingress-nginx/user-guide/monitoring/ */
static const char *token_value(struct cv *cv, const char *name, size_t len)
{
	bool nginx = cv->o->ingress == INGRESS_NGINX;
	const char *ns = cv->ns;

	if (len == 2 && strncmp(name, "NS", 2) == 0)
		return ns;
	if (len == 2 && strncmp(name, "PG", 2) == 0)
		return query_metric_prefix(cv);
	if (len == 3 && strncmp(name, "HPA", 3) == 0)
		/* KEDA names the HPA it manages keda-hpa-<ScaledObject>. */
		return cv->o->autoscaling == AUTOSCALE_KEDA ? "keda-hpa-odoo" : "odoo";
	if (len == 8 && strncmp(name, "REQUESTS", 8) == 0)
		return nginx ? arena_printf(cv->a, "nginx_ingress_controller_requests{namespace=\"%s\",service=\"odoo\"}", ns)
			     : arena_printf(cv->a, "traefik_service_requests_total{service=~\"%s-odoo-.*\"}", ns);
	if (len == 12 && strncmp(name, "REQUESTS_5XX", 12) == 0)
		return nginx ? arena_printf(cv->a, "nginx_ingress_controller_requests{namespace=\"%s\",service=\"odoo\","
						   "status=~\"5..\"}", ns)
			     : arena_printf(cv->a, "traefik_service_requests_total{service=~\"%s-odoo-.*\",code=~\"5..\"}", ns);
	/* Latency of page requests: the websocket's long-lived upgrades would
	 * swamp the percentiles. */
	if (len == 8 && strncmp(name, "DURATION", 8) == 0)
		return nginx ? arena_printf(cv->a, "nginx_ingress_controller_request_duration_seconds_bucket{namespace=\"%s\","
						   "service=\"odoo\",path!=\"%s\"}", ns, cv->odoo.ws_path)
			     : arena_printf(cv->a, "traefik_service_request_duration_seconds_bucket{service=~\"%s-odoo-http@.*\"}",
					    ns);
	return NULL;
}

const char *promql(struct cv *cv, const char *tmpl)
{
	struct buf b = BUF_INIT;
	const char *p = tmpl, *out;

	while (*p) {
		const char *end = p[0] == '@' ? strchr(p + 1, '@') : NULL;
		const char *value = end ? token_value(cv, p + 1, (size_t)(end - p - 1)) : NULL;

		if (value) {
			buf_puts(&b, value);
			p = end + 1;
		} else {
			buf_putc(&b, *p++);
		}
	}
	out = b.failed ? NULL : arena_strdup(cv->a, buf_cstr(&b));
	buf_free(&b);
	if (!out)
		cv->kb.oom = true;
	return out;
}

void select_by_stack(struct cv *cv, struct ynode *obj)
{
	struct ynode *labels = kb_sub(&cv->kb, kb_sub(&cv->kb, obj, "metadata"), "labels");

	kb_str(&cv->kb, labels, monitoring_constants.release_label, cv->o->monitoring_release);
}

/* --- the custom queries (postgres_exporter's queries.yaml format, which
 * CloudNativePG reads too: https://cloudnative-pg.io/documentation/current/monitoring/) --- */

struct query_column {
	const char *name, *usage, *description;
};

static void query(struct cv *cv, struct ynode *root, const char *name, const char *sql,
		  const struct query_column *cols)
{
	struct kb *kb = &cv->kb;
	struct ynode *q = kb_sub(kb, root, name);
	struct ynode *metrics;

	kb_str(kb, q, "query", sql);
	/* Once per server, not once per database. */
	kb_bool(kb, q, "master", true);
	metrics = kb_list(kb, q, "metrics");
	for (; cols->name; cols++) {
		struct ynode *col = kb_sub(kb, kb_push_map(kb, metrics), cols->name);

		kb_str(kb, col, "usage", cols->usage);
		kb_str(kb, col, "description", cols->description);
	}
}

/* Connections against max_connections, and the Odoo role's busy backends
 * (the KEDA trigger's quantity) against the workers the sizing gives at the
 * autoscaler's maximum. */
static const char *queries_text(struct cv *cv)
{
	static const struct query_column connections[] = {
		{"used", "GAUGE", "Server processes of client connections (pg_stat_activity)"},
		{"max", "GAUGE", "max_connections"},
		{NULL, NULL, NULL},
	};
	static const struct query_column workers[] = {
		{"busy", "GAUGE", "Active backends of the Odoo role: busy Odoo workers (what KEDA scales on)"},
		{"capacity", "GAUGE", "Odoo workers at the autoscaler's maximum: workers per pod x maximum pods"},
		{"usage", "GAUGE", "busy / capacity"},
		{NULL, NULL, NULL},
	};
	struct kb *kb = &cv->kb;
	struct ynode *root = kb_map(kb);
	struct buf b = BUF_INIT;
	const char *text;
	int capacity = cv->plan.workers * cv->o->odoo_max_replicas;

	query(cv, root, "kgenius_connections",
	      "SELECT count(*)::float8 AS used, current_setting('max_connections')::float8 AS max "
	      "FROM pg_stat_activity WHERE backend_type = 'client backend'", connections);
	if (cv->app->odoo && capacity > 0)
		query(cv, root, "kgenius_odoo_workers",
		      arena_printf(cv->a, "SELECT busy.count::float8 AS busy, %d::float8 AS capacity, "
					  "busy.count::float8 / %d AS usage FROM (%s) AS busy",
				   capacity, capacity, odoo_busy_backends_sql(cv->a, cv->creds.odoo_user)),
		      workers);
	if (!root || yaml_emit(&b, root, FMT_YAML) != 0 || b.failed)
		text = NULL;
	else
		text = arena_strdup(cv->a, buf_cstr(&b));
	buf_free(&b);
	if (!text)
		cv->kb.oom = true;
	return text;
}

static void queries_configmap(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *cm = kb_object(kb, "v1", "ConfigMap", QUERIES_CONFIGMAP, cv->ns, "postgres");

	kb_str(kb, kb_sub(kb, cm, "data"), QUERIES_KEY, queries_text(cv));
	/* CloudNativePG reloads the queries when a ConfigMap with this label
	 * changes: https://cloudnative-pg.io/documentation/current/monitoring/ */
	if (cv->o->postgres == PG_CNPG)
		kb_str(kb, kb_sub(kb, kb_sub(kb, cm, "metadata"), "labels"), "cnpg.io/reload", "");
	cv_emit(cv, OUT_MONITORING, cm);
}

void monitoring_postgres_exporter(struct cv *cv, struct ynode *containers, struct ynode *volumes)
{
	struct kb *kb = &cv->kb;
	struct ynode *c, *args, *env, *v;
	const char *mount = QUERIES_DIR "/" QUERIES_KEY;

	if (cv->o->monitoring == MONITORING_NONE)
		return;
	c = kb_push_map(kb, containers);
	kb_str(kb, c, "name", "postgres-exporter");
	kb_str(kb, c, "image", monitoring_constants.exporter_image);
	args = kb_list(kb, c, "args");
	kb_push(kb, args, kb_printf(kb, "--extend.query-path=%s", mount));
	kb_push(kb, args, kb_printf(kb, "--web.listen-address=:%d", monitoring_constants.exporter_port));
	kb_push_str(kb, args, "--log.format=json");
	/* The server itself over loopback, as the superuser: pg_stat_activity
	 * shows other roles' sessions only to a superuser or pg_read_all_stats. */
	env = kb_list(kb, c, "env");
	env_value(kb, env, "DATA_SOURCE_URI",
		  y_text(kb_printf(kb, "127.0.0.1:%d/postgres?sslmode=disable", postgres_constants.port)));
	env_secret(kb, env, "DATA_SOURCE_USER", "postgres-credentials", "POSTGRES_USER");
	env_secret(kb, env, "DATA_SOURCE_PASS", "postgres-credentials", "POSTGRES_PASSWORD");
	container_port(kb, kb_list(kb, c, "ports"), "metrics", monitoring_constants.exporter_port);
	/* The landing page: /metrics would run every query on each probe. */
	kb_put(kb, c, "readinessProbe", probe_http(kb, "/", "metrics", 10, 3, 5));
	kb_put(kb, c, "livenessProbe", probe_http(kb, "/", "metrics", 30, 3, 5));
	kb_put(kb, c, "resources", resources(kb, 0.05, 64LL << 20, 0.25, 128LL << 20));
	kb_put(kb, c, "securityContext", container_security(kb, true));
	volume_mount(kb, kb_list(kb, c, "volumeMounts"), "exporter-queries", QUERIES_DIR, true);
	v = kb_push_map(kb, volumes);
	kb_str(kb, v, "name", "exporter-queries");
	kb_str(kb, kb_sub(kb, v, "configMap"), "name", QUERIES_CONFIGMAP);
}

void monitoring_cnpg(struct cv *cv, struct ynode *cluster_spec)
{
	struct kb *kb = &cv->kb;
	struct ynode *ref;

	if (cv->o->monitoring == MONITORING_NONE)
		return;
	ref = kb_push_map(kb, kb_list(kb, kb_sub(kb, cluster_spec, "monitoring"), "customQueriesConfigMap"));
	kb_str(kb, ref, "name", QUERIES_CONFIGMAP);
	kb_str(kb, ref, "key", QUERIES_KEY);
}

void monitoring_keycloak_env(struct cv *cv, struct ynode *env)
{
	/* One JSON object per line on stdout, for any log pipeline:
	 * https://www.keycloak.org/server/logging */
	env_value(&cv->kb, env, "KC_LOG_CONSOLE_OUTPUT", "json");
	if (cv->o->monitoring != MONITORING_NONE)
		env_value(&cv->kb, env, monitoring_constants.keycloak_metrics_var, "true");
}

/* --- PodMonitors --- */

/* A PodMonitor for pods with these labels in namespace ns; honor_labels
 * keeps the series' own namespace label (the certificate's, the Ingress's)
 * instead of the scraped pod's. */
static struct ynode *pod_monitor(struct cv *cv, const char *name, const char *ns, struct ynode *match,
				 const char *port, const char *path, bool honor_labels)
{
	struct kb *kb = &cv->kb;
	struct ynode *pm = kb_object(kb, "monitoring.coreos.com/v1", "PodMonitor", name, ns, "monitoring");
	struct ynode *spec = kb_sub(kb, pm, "spec");
	struct ynode *ep = kb_push_map(kb, kb_list(kb, spec, "podMetricsEndpoints"));

	select_by_stack(cv, pm);
	kb_put(kb, kb_sub(kb, spec, "selector"), "matchLabels", match);
	if (strcmp(ns, cv->ns) != 0)
		kb_push_str(kb, kb_list(kb, kb_sub(kb, spec, "namespaceSelector"), "matchNames"), ns);
	kb_str(kb, ep, "port", port);
	kb_str(kb, ep, "path", path);
	kb_str(kb, ep, "interval", "30s");
	if (honor_labels)
		kb_bool(kb, ep, "honorLabels", true);
	cv_emit(cv, OUT_MONITORING, pm);
	return pm;
}

static struct ynode *one_label(struct kb *kb, const char *key, const char *value)
{
	struct ynode *m = kb_map(kb);

	kb_str(kb, m, key, value);
	return m;
}

static void pod_monitors(struct cv *cv, unsigned has)
{
	struct kb *kb = &cv->kb;

	if (has & HAS_PG_STATEFULSET)
		pod_monitor(cv, "postgres", cv->ns, kb_selector(kb, "postgres"), "metrics", "/metrics", false);
	if (has & HAS_PG_CNPG)
		pod_monitor(cv, "postgres", cv->ns, one_label(kb, network_constants.cnpg_cluster_label, CNPG_CLUSTER), "metrics", "/metrics",
			    false);
	if (has & HAS_KEYCLOAK)
		pod_monitor(cv, "keycloak", cv->ns, kb_selector(kb, "keycloak"),
			    cv->keycloak.management_port ? "management" : "http",
			    monitoring_constants.keycloak_metrics_path, false);
	if (cv->o->ingress != INGRESS_GATEWAY) {
		const struct controller_facts *ctl = cv_controller(cv);

		pod_monitor(cv, ctl->label_value, cv->o->ingress_namespace, one_label(kb, ctl->label_key, ctl->label_value),
			    "metrics", "/metrics", true);
	}
	pod_monitor(cv, "cert-manager", monitoring_constants.cert_manager_namespace,
		    one_label(kb, "app.kubernetes.io/name", "cert-manager"), "http-metrics", "/metrics", true);
}

/* --- scrape policies: separate objects, added to the default-deny set --- */

static void scrape_policy(struct cv *cv, const char *name, struct ynode *pods, int port)
{
	struct kb *kb = &cv->kb;
	struct ynode *np = kb_object(kb, "networking.k8s.io/v1", "NetworkPolicy", name, cv->ns, "network-policy");
	struct ynode *spec = kb_sub(kb, np, "spec");
	struct ynode *rule = kb_push_map(kb, kb_list(kb, spec, "ingress"));
	struct ynode *peer = kb_push_map(kb, kb_list(kb, rule, "from"));
	struct ynode *p = kb_push_map(kb, kb_list(kb, rule, "ports"));

	kb_put(kb, kb_sub(kb, spec, "podSelector"), "matchLabels", pods);
	kb_push_str(kb, kb_list(kb, spec, "policyTypes"), "Ingress");
	kb_str(kb, kb_sub(kb, kb_sub(kb, peer, "namespaceSelector"), "matchLabels"), "kubernetes.io/metadata.name",
	       cv->o->monitoring_namespace);
	kb_str(kb, p, "protocol", "TCP");
	kb_int(kb, p, "port", port);
	cv_emit(cv, OUT_MONITORING, np);
}

static void scrape_policies(struct cv *cv, unsigned has)
{
	struct kb *kb = &cv->kb;

	if (has & HAS_PG_STATEFULSET)
		scrape_policy(cv, "allow-prometheus-postgres", kb_selector(kb, "postgres"), monitoring_constants.exporter_port);
	if (has & HAS_PG_CNPG)
		scrape_policy(cv, "allow-prometheus-postgres", one_label(kb, network_constants.cnpg_cluster_label, CNPG_CLUSTER),
			      monitoring_constants.cnpg_metrics_port);
	if (has & HAS_KEYCLOAK)
		scrape_policy(cv, "allow-prometheus-keycloak", kb_selector(kb, "keycloak"), cv->keycloak.metrics_port);
}

static void notes(struct cv *cv, unsigned has)
{
	const char *ns = cv->o->monitoring_namespace;

	cv_note(&cv->must_supply,
		"kube-prometheus-stack (DigitalOcean Marketplace 1-Click, or its Helm chart) in namespace `%s` as release "
		"`%s` (else pass --monitoring-namespace and --monitoring-release, or --monitoring none), for "
		"monitoring.yaml: its Prometheus selects the PodMonitors and the PrometheusRule by the label "
		"`release: %s`, its Grafana loads the dashboards labelled `%s: \"%s\"`, its kube-state-metrics and "
		"kubelet scrape give the backup, restart, autoscaler and volume series the alerts read.",
		ns, cv->o->monitoring_release, cv->o->monitoring_release, monitoring_constants.dashboard_label,
		monitoring_constants.dashboard_label_value);
	if (cv->o->ingress == INGRESS_NGINX)
		cv_note(&cv->must_supply,
			"ingress-nginx with metrics on (`controller.metrics.enabled=true`, port `metrics` %d) in "
			"namespace `%s`, for Odoo's request rate, errors and latency.",
			monitoring_constants.nginx_metrics_port, cv->o->ingress_namespace);
	else if (cv->o->ingress == INGRESS_TRAEFIK)
		cv_note(&cv->must_supply,
			"Traefik's Prometheus metrics on its pods' port `metrics` (%d; on by default in its Helm chart) in "
			"namespace `%s`, for Odoo's request rate, errors and latency.",
			monitoring_constants.traefik_metrics_port, cv->o->ingress_namespace);
	if (has & HAS_PG_CNPG)
		cv_note(&cv->must_supply,
			"The Barman Cloud plugin 0.6 or later, whose last-backup metric the alert BaseBackupTooOld reads "
			"(CloudNativePG's own stays 0 with plugin backups).");
	if (cv->o->ingress == INGRESS_GATEWAY && (has & HAS_ODOO))
		cv_note(&cv->done, "Monitoring: the Gateway's Envoy metrics are not scraped, so Odoo's request rate, "
				   "error ratio and latency have no alert with --ingress gateway.");
	cv_note(&cv->done,
		"Monitoring (monitoring.yaml): PodMonitors for %s%s%s cert-manager; NetworkPolicies that admit "
		"Prometheus from namespace `%s`; a PrometheusRule whose alerts carry their runbook; Grafana dashboards "
		"as ConfigMaps. `--monitoring none` leaves it out.",
		has & HAS_PG_CNPG ? "CloudNativePG's exporter, " : has & HAS_PG ? "the postgres_exporter sidecar, " : "",
		has & HAS_KEYCLOAK ? "Keycloak's /metrics, " : "",
		cv->o->ingress == INGRESS_GATEWAY ? "and" : "the ingress controller and", ns);
}

/* A log file inside a container is lost with the pod and read by nobody
 * (and /etc/odoo, where many projects put it, is a read-only ConfigMap):
 * odoo.conf's logfile and syslog are dropped (config.c writes no managed
 * key), and said so. "False" already means the standard output. */
static void logs_to_stdout(struct cv *cv)
{
	static const char *const keys[] = {"logfile", "syslog"};

	for (size_t i = 0; cv->app->odoo && i < 2; i++) {
		const struct conf_entry *e = conf_get(&cv->app->conf, keys[i]);

		if (e && e->value[0] && strcmp(e->value, "False") != 0)
			diag_add(cv->d, DIAG_WARNING, &e->pos,
				 "nothing to do: kubectl logs and the cluster's log collector read the standard output",
				 "odoo.conf sends Odoo's log to %s (%s = %s), which in a pod nobody collects and the "
				 "pod's end deletes; dropped, so Odoo logs to its standard output",
				 i == 0 ? "a file" : "syslog", keys[i], e->value);
	}
	/* Odoo's format: "%(asctime)s %(pid)s %(levelname)s %(dbname)s %(name)s: %(message)s"
	 * (https://github.com/odoo/odoo/blob/17.0/odoo/netsvc.py). */
	cv_note(&cv->done,
		"Logs: every container writes to stdout/stderr, which the kubelet keeps under /var/log/pods on each "
		"node (`kubectl logs` reads them).%s%s%s DOKS keeps no logs beyond the nodes: to keep and search them, "
		"run a collector DaemonSet (Grafana Alloy or Fluent Bit) that ships /var/log/pods to a store such as "
		"Loki or DigitalOcean's managed OpenSearch.",
		cv->app->odoo ? " Odoo writes one line per record, `DATE TIME PID LEVEL DATABASE LOGGER: MESSAGE` "
				"(odoo.conf has no logfile)." : "",
		cv->app->keycloak ? " Keycloak writes one JSON object per line (KC_LOG_CONSOLE_OUTPUT=json)." : "",
		cv->app->postgres && cv->o->postgres == PG_STATEFULSET && cv->o->monitoring != MONITORING_NONE
			? " The PostgreSQL exporter writes JSON lines." : "");
}

void build_monitoring(struct cv *cv)
{
	unsigned has = monitored(cv);

	logs_to_stdout(cv);
	if (cv->o->monitoring == MONITORING_NONE)
		return;
	if (has & HAS_PG)
		queries_configmap(cv);
	pod_monitors(cv, has);
	scrape_policies(cv, has);
	build_alert_rules(cv);
	build_dashboards(cv);
	notes(cv, has);
}
