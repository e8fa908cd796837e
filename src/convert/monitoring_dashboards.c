/* Grafana dashboards (data): each dashboard is a list of panels, each panel
 * a PromQL template (see promql() in monitoring.c) and a unit; the JSON
 * model is written from the table. Each dashboard is a ConfigMap in the
 * monitoring namespace with the label Grafana's sidecar loads. */
#include <string.h>

#include "convert/monitoring.h"
#include "util/json.h"

struct panel {
	const char *title;
	unsigned needs;       /* enum monitored bits, all required */
	const char *expr;
	const char *legend;
	const char *unit;     /* Grafana unit id */
};

struct dashboard {
	const char *slug;     /* uid suffix and file name */
	const char *title;
	unsigned needs;
	struct panel panels[8];
};

static const struct dashboard dashboards[] = {
	{"odoo", "Odoo: traffic and workers", HAS_ODOO, {
		{"Requests per second", HAS_HTTP_METRICS, "sum(rate(@REQUESTS@[5m]))", "requests/s", "reqps"},
		{"Server errors (5xx ratio)", HAS_HTTP_METRICS,
		 "sum(rate(@REQUESTS_5XX@[5m])) / sum(rate(@REQUESTS@[5m]))", "5xx", "percentunit"},
		{"Response time (95th percentile)", HAS_HTTP_METRICS,
		 "histogram_quantile(0.95, sum by (le) (rate(@DURATION@[5m])))", "p95", "s"},
		{"Busy workers against capacity", HAS_PG,
		 "@PG@kgenius_odoo_workers_usage{namespace=\"@NS@\"}", "usage", "percentunit"},
		{"Busy workers", HAS_PG, "@PG@kgenius_odoo_workers_busy{namespace=\"@NS@\"}", "busy", "short"},
		{"Pods (autoscaler)", HAS_AUTOSCALER,
		 "kube_horizontalpodautoscaler_status_current_replicas{namespace=\"@NS@\",horizontalpodautoscaler=\"@HPA@\"}",
		 "pods", "short"},
		{"Container restarts", 0,
		 "sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace=\"@NS@\",pod=~\"odoo-.*\"}[1h]))",
		 "{{pod}}", "short"},
		{NULL, 0, NULL, NULL, NULL},
	}},
	{"postgres", "PostgreSQL", HAS_PG, {
		{"Connections against max_connections", 0,
		 "@PG@kgenius_connections_used{namespace=\"@NS@\"} / @PG@kgenius_connections_max{namespace=\"@NS@\"}",
		 "{{pod}}", "percentunit"},
		{"Connections", 0, "@PG@kgenius_connections_used{namespace=\"@NS@\"}", "{{pod}}", "short"},
		{"Server up", HAS_PG_STATEFULSET, "pg_up{namespace=\"@NS@\"}", "{{pod}}", "short"},
		{"Instances up", HAS_PG_CNPG, "cnpg_collector_up{namespace=\"@NS@\"}", "{{pod}}", "short"},
		{"Replication lag", HAS_PG_CNPG, "cnpg_pg_replication_lag{namespace=\"@NS@\"}", "{{pod}}", "s"},
		{"Volume usage", 0,
		 "kubelet_volume_stats_used_bytes{namespace=\"@NS@\"} / kubelet_volume_stats_capacity_bytes{namespace=\"@NS@\"}",
		 "{{persistentvolumeclaim}}", "percentunit"},
		{NULL, 0, NULL, NULL, NULL},
	}},
	{"backups", "Backups", HAS_PG, {
		{"Hours since the last successful backup", HAS_BACKUP_CRONJOB,
		 "(time() - kube_cronjob_status_last_successful_time{namespace=\"@NS@\",cronjob=\"postgres-backup\"}) / 3600",
		 "postgres-backup", "h"},
		{"Hours since the last base backup", HAS_PG_CNPG,
		 "(time() - barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace=\"@NS@\"}) / 3600",
		 "{{pod}}", "h"},
		{"Failed backup Jobs", HAS_BACKUP_CRONJOB,
		 "sum(kube_job_status_failed{namespace=\"@NS@\",job_name=~\"postgres-backup-[0-9]+\"})", "failed", "short"},
		{NULL, 0, NULL, NULL, NULL},
	}},
	{"keycloak", "Keycloak", HAS_KEYCLOAK, {
		{"Pods up", 0, "sum(up{job=\"@NS@/keycloak\"})", "up", "short"},
		/* Micrometer's JVM and Agroal pool series:
		 * https://www.keycloak.org/server/configuration-metrics */
		{"Heap used", 0, "sum by (pod) (jvm_memory_used_bytes{namespace=\"@NS@\",area=\"heap\"})", "{{pod}}", "bytes"},
		{"Database pool: active connections", 0, "sum by (pod) (agroal_active_count{namespace=\"@NS@\"})", "{{pod}}",
		 "short"},
		{NULL, 0, NULL, NULL, NULL},
	}},
};

static void panel_json(struct cv *cv, struct buf *b, const struct panel *p, int index)
{
	buf_printf(b, "%s{\"id\":%d,\"type\":\"timeseries\",\"title\":", index ? "," : "", index + 1);
	json_string(b, p->title);
	/* Two panels per row, 12 of Grafana's 24 columns each. */
	buf_printf(b, ",\"gridPos\":{\"h\":8,\"w\":12,\"x\":%d,\"y\":%d}", (index % 2) * 12, (index / 2) * 8);
	buf_puts(b, ",\"datasource\":{\"type\":\"prometheus\",\"uid\":\"${datasource}\"}");
	buf_puts(b, ",\"fieldConfig\":{\"defaults\":{\"unit\":");
	json_string(b, p->unit);
	buf_puts(b, "},\"overrides\":[]},\"targets\":[{\"refId\":\"A\",\"expr\":");
	json_string(b, promql(cv, p->expr));
	buf_puts(b, ",\"legendFormat\":");
	json_string(b, p->legend);
	buf_puts(b, "}]}");
}

static const char *dashboard_json(struct cv *cv, const struct dashboard *d, unsigned has)
{
	struct buf b = BUF_INIT;
	const char *text;
	int n = 0;

	buf_puts(&b, "{\"uid\":");
	json_string(&b, y_text(kb_printf(&cv->kb, "%s-%s", cv->ns, d->slug)));
	buf_puts(&b, ",\"title\":");
	json_string(&b, y_text(kb_printf(&cv->kb, "%s: %s", cv->app->project, d->title)));
	buf_puts(&b, ",\"tags\":[\"kgenius\"],\"schemaVersion\":39,\"refresh\":\"1m\",\"time\":{\"from\":\"now-6h\","
		     "\"to\":\"now\"},\"templating\":{\"list\":[{\"name\":\"datasource\",\"type\":\"datasource\","
		     "\"query\":\"prometheus\"}]},\"panels\":[");
	for (const struct panel *p = d->panels; p->title; p++)
		if ((has & p->needs) == p->needs)
			panel_json(cv, &b, p, n++);
	buf_puts(&b, "]}\n");
	text = b.failed ? NULL : arena_strdup(cv->a, buf_cstr(&b));
	buf_free(&b);
	if (!text)
		cv->kb.oom = true;
	return text;
}

void build_dashboards(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	unsigned has = monitored(cv);

	for (size_t i = 0; i < sizeof(dashboards) / sizeof(dashboards[0]); i++) {
		const struct dashboard *d = &dashboards[i];
		const char *name = y_text(kb_printf(kb, "%s-dashboard-%s", cv->ns, d->slug));
		struct ynode *cm;

		if ((has & d->needs) != d->needs)
			continue;
		cm = kb_object(kb, "v1", "ConfigMap", name, cv->o->monitoring_namespace, "monitoring");
		kb_str(kb, kb_sub(kb, kb_sub(kb, cm, "metadata"), "labels"), monitoring_constants.dashboard_label,
		       monitoring_constants.dashboard_label_value);
		/* The key names the file Grafana's sidecar writes. It leaves the
		 * project's name out: a name such as "secret-files" would make the
		 * key look like a credential to every linter (SEC014). */
		kb_str(kb, kb_sub(kb, cm, "data"), y_text(kb_printf(kb, "dashboard-%s.json", d->slug)),
		       dashboard_json(cv, d, has));
		cv_emit(cv, OUT_MONITORING, cm);
	}
}
