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

static void panel_json(struct cv *cv, struct json *j, const struct panel *p, int index)
{
	json_object(j);
	json_member_int(j, "id", index + 1);
	json_member_str(j, "type", "timeseries");
	json_member_str(j, "title", p->title);
	/* Two panels per row, 12 of Grafana's 24 columns each. */
	json_member_object(j, "gridPos");
	json_member_int(j, "h", 8);
	json_member_int(j, "w", 12);
	json_member_int(j, "x", (index % 2) * 12);
	json_member_int(j, "y", (index / 2) * 8);
	json_end(j);
	json_member_object(j, "datasource");
	json_member_str(j, "type", "prometheus");
	json_member_str(j, "uid", "${datasource}");
	json_end(j);
	json_member_object(j, "fieldConfig");
	json_member_object(j, "defaults");
	json_member_str(j, "unit", p->unit);
	json_end(j);
	json_member_array(j, "overrides");
	json_end(j);
	json_end(j);
	json_member_array(j, "targets");
	json_object(j);
	json_member_str(j, "refId", "A");
	json_member_str(j, "expr", promql(cv, p->expr));
	json_member_str(j, "legendFormat", p->legend);
	json_end(j);
	json_end(j);
	json_end(j);
}

/* The dashboard's frame: the datasource is a variable, so the dashboard
 * works with whichever Prometheus datasource the Grafana has. */
static void dashboard_header(struct cv *cv, struct json *j, const struct dashboard *d)
{
	json_member_str(j, "uid", y_text(kb_printf(&cv->kb, "%s-%s", cv->ns, d->slug)));
	json_member_str(j, "title", y_text(kb_printf(&cv->kb, "%s: %s", cv->app->project, d->title)));
	json_member_array(j, "tags");
	json_str(j, "kgenius");
	json_end(j);
	json_member_int(j, "schemaVersion", 39);
	json_member_str(j, "refresh", "1m");
	json_member_object(j, "time");
	json_member_str(j, "from", "now-6h");
	json_member_str(j, "to", "now");
	json_end(j);
	json_member_object(j, "templating");
	json_member_array(j, "list");
	json_object(j);
	json_member_str(j, "name", "datasource");
	json_member_str(j, "type", "datasource");
	json_member_str(j, "query", "prometheus");
	json_end(j);
	json_end(j);
	json_end(j);
}

static const char *dashboard_json(struct cv *cv, const struct dashboard *d, unsigned has)
{
	struct buf b = BUF_INIT;
	struct json j;
	const char *text;
	int n = 0;

	json_init(&j, &b, false);
	json_object(&j);
	dashboard_header(cv, &j, d);
	json_member_array(&j, "panels");
	for (const struct panel *p = d->panels; p->title; p++)
		if ((has & p->needs) == p->needs)
			panel_json(cv, &j, p, n++);
	json_end(&j);
	json_end(&j);
	buf_putc(&b, '\n');
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
