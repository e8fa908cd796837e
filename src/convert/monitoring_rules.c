/* The alerts (data): each row is one alert for the conversions that have
 * what it needs, with its PromQL template (see promql() in monitoring.c),
 * how long it must hold, and the runbook people read when it fires. The
 * series come from the custom queries (kgenius_*), postgres_exporter (pg_up),
 * CloudNativePG (cnpg_*, https://cloudnative-pg.io/documentation/current/monitoring/)
 * and its Barman Cloud plugin (barman_cloud_*, 0.6+:
 * https://github.com/cloudnative-pg/plugin-barman-cloud/pull/459),
 * kube-state-metrics (kube_*, https://github.com/kubernetes/kube-state-metrics/tree/main/docs/metrics),
 * the kubelet (kubelet_volume_stats_*,
 * https://kubernetes.io/docs/reference/instrumentation/metrics/), cert-manager
 * (https://cert-manager.io/docs/usage/prometheus-metrics) and the ingress
 * controller. */
#include <string.h>

#include "convert/monitoring.h"

struct alert {
	const char *group;
	const char *name;
	unsigned needs;          /* enum monitored bits, all required; 0: every conversion */
	const char *severity;
	const char *hold;        /* for: */
	const char *expr;        /* template */
	const char *summary;
	const char *runbook;
};

#define DAY_26H "93600"

static const struct alert alerts[] = {
	{"postgres", "PostgreSQLDown", HAS_PG_STATEFULSET, "critical", "2m",
	 "pg_up{namespace=\"@NS@\"} == 0 or absent(up{job=\"@NS@/postgres\"} == 1)",
	 "PostgreSQL in @NS@ is down or its exporter cannot reach it",
	 "Odoo and Keycloak cannot work without the database. `kubectl -n @NS@ get pods -l "
	 "app.kubernetes.io/name=postgres`; `kubectl -n @NS@ logs statefulset/postgres -c postgres`; "
	 "`kgenius diagnose --live -n @NS@` names the usual causes (volume full, wrong PGDATA, OOM)."},
	{"postgres", "PostgreSQLDown", HAS_PG_CNPG, "critical", "2m",
	 "cnpg_collector_up{namespace=\"@NS@\"} == 0 or absent(up{job=\"@NS@/postgres\"} == 1)",
	 "A PostgreSQL instance of the CloudNativePG cluster in @NS@ is down",
	 "`kubectl cnpg status postgres -n @NS@` shows the primary, the replicas and failover; "
	 "`kubectl -n @NS@ logs -l cnpg.io/cluster=postgres`. With every instance down, Odoo and Keycloak stop."},
	{"postgres", "PostgreSQLConnectionsHigh", HAS_PG, "warning", "5m",
	 "@PG@kgenius_connections_used{namespace=\"@NS@\"} / @PG@kgenius_connections_max{namespace=\"@NS@\"} > 0.8",
	 "PostgreSQL in @NS@ uses more than 80% of max_connections",
	 "New Odoo workers fail with `too many clients` once the limit is reached. Look for idle sessions "
	 "(`SELECT usename, state, count(*) FROM pg_stat_activity GROUP BY 1, 2`); the connection budget in "
	 "odoo.conf's comments assumes the autoscaler's maximum: regenerate with a larger --pg-max-connections "
	 "or a smaller --odoo-max-replicas."},
	{"postgres", "PostgreSQLReplicationLag", HAS_PG_CNPG, "warning", "5m",
	 "cnpg_pg_replication_lag{namespace=\"@NS@\"} > 30",
	 "A PostgreSQL replica in @NS@ is more than 30 seconds behind",
	 "A failover now would lose the lagging transactions. `kubectl cnpg status postgres -n @NS@`; check the "
	 "replica's disk and CPU, and long queries on it (they hold back replay)."},
	{"odoo", "OdooWorkersSaturated", HAS_ODOO | HAS_AUTOSCALER, "warning", "10m",
	 "@PG@kgenius_odoo_workers_usage{namespace=\"@NS@\"} > 0.9 and on() "
	 "(kube_horizontalpodautoscaler_status_current_replicas{namespace=\"@NS@\",horizontalpodautoscaler=\"@HPA@\"} "
	 ">= kube_horizontalpodautoscaler_spec_max_replicas{namespace=\"@NS@\",horizontalpodautoscaler=\"@HPA@\"})",
	 "Odoo's workers in @NS@ are more than 90% busy and the autoscaler is at its maximum",
	 "Requests queue and time out: there is no worker left and no pod to add. Raise --odoo-max-replicas "
	 "(and PostgreSQL's max_connections with it), or find the slow requests in Odoo's log."},
	{"odoo", "OdooWorkersSaturated", HAS_ODOO | HAS_ONE_ODOO_POD, "warning", "10m",
	 "@PG@kgenius_odoo_workers_usage{namespace=\"@NS@\"} > 0.9",
	 "Odoo's workers in @NS@ are more than 90% busy",
	 "Requests queue and time out. Give the pod more CPU (--odoo-cpu: more workers), or run several pods "
	 "with a ReadWriteMany filestore (--odoo-max-replicas)."},
	{"odoo", "OdooHighErrorRatio", HAS_ODOO | HAS_HTTP_METRICS, "warning", "10m",
	 "sum(rate(@REQUESTS_5XX@[5m])) / sum(rate(@REQUESTS@[5m])) > 0.05",
	 "More than 5% of Odoo's responses in @NS@ are server errors",
	 "Read the tracebacks: `kubectl -n @NS@ logs deploy/odoo -c odoo | grep -A20 ERROR`. 502/504 mean no "
	 "worker answered (see OdooWorkersSaturated, limit_time_real); 500 is an error in Odoo or a module."},
	{"odoo", "OdooSlowResponses", HAS_ODOO | HAS_HTTP_METRICS, "warning", "10m",
	 "histogram_quantile(0.95, sum by (le) (rate(@DURATION@[5m]))) > 2",
	 "Odoo's 95th percentile response time in @NS@ is above 2 seconds",
	 "Check the worker usage and PostgreSQL (slow queries, locks: pg_stat_activity), then the pods' CPU "
	 "throttling (`kubectl -n @NS@ top pods`)."},
	{"odoo", "AutoscalerAtMaximum", HAS_ODOO | HAS_AUTOSCALER, "warning", "30m",
	 "kube_horizontalpodautoscaler_status_current_replicas{namespace=\"@NS@\",horizontalpodautoscaler=\"@HPA@\"} "
	 ">= kube_horizontalpodautoscaler_spec_max_replicas{namespace=\"@NS@\",horizontalpodautoscaler=\"@HPA@\"}",
	 "Odoo's autoscaler in @NS@ has been at its maximum for 30 minutes",
	 "The load needs more pods than allowed. Raise --odoo-max-replicas after checking that the connection "
	 "budget still fits (convert refuses when it does not)."},
	{"backups", "BackupTooOld", HAS_BACKUP_CRONJOB, "critical", "10m",
	 "time() - kube_cronjob_status_last_successful_time{namespace=\"@NS@\",cronjob=\"postgres-backup\"} > " DAY_26H
	 " or (time() - kube_cronjob_created{namespace=\"@NS@\",cronjob=\"postgres-backup\"} > " DAY_26H
	 " unless on(namespace, cronjob) kube_cronjob_status_last_successful_time{namespace=\"@NS@\",cronjob=\"postgres-backup\"})",
	 "The nightly backup in @NS@ has not succeeded for more than 26 hours",
	 "`kubectl -n @NS@ get jobs -l app.kubernetes.io/name=postgres-backup`; `kubectl -n @NS@ logs job/NAME "
	 "--all-containers`. Usual causes: the backup-s3 Secret, the bucket, a full emptyDir. Run one now with "
	 "`kubectl -n @NS@ create job --from=cronjob/postgres-backup postgres-backup-manual`."},
	{"backups", "BaseBackupTooOld", HAS_PG_CNPG, "critical", "10m",
	 "time() - max by (namespace) (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace=\"@NS@\"}) > "
	 DAY_26H " or absent(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace=\"@NS@\"})",
	 "No base backup of the CloudNativePG cluster in @NS@ for more than 26 hours",
	 "`kubectl -n @NS@ get backups`; `kubectl cnpg status postgres -n @NS@` shows WAL archiving and the last "
	 "backup; the plugin's sidecar logs name S3 errors (the backup-s3 Secret, the bucket)."},
	{"backups", "BackupJobFailed", HAS_BACKUP_CRONJOB, "warning", "1m",
	 "kube_job_status_failed{namespace=\"@NS@\",job_name=~\"postgres-backup-[0-9]+\"} > 0",
	 "A backup Job in @NS@ failed",
	 "`kubectl -n @NS@ logs job/{{ $labels.job_name }} --all-containers` says why; delete the failed Job once "
	 "fixed (`kubectl -n @NS@ delete job {{ $labels.job_name }}`), or the alert stays."},
	{"storage", "VolumeFillingUp", 0, "warning", "1h",
	 "kubelet_volume_stats_used_bytes{namespace=\"@NS@\"} / kubelet_volume_stats_capacity_bytes{namespace=\"@NS@\"} > 0.8 "
	 "and predict_linear(kubelet_volume_stats_available_bytes{namespace=\"@NS@\"}[6h], 4 * 86400) < 0",
	 "Claim {{ $labels.persistentvolumeclaim }} in @NS@ is over 80% full and will be full within 4 days",
	 "A full database volume stops PostgreSQL; a full filestore stops attachments. Expand the claim "
	 "(DigitalOcean volumes grow online: `kubectl -n @NS@ patch pvc {{ $labels.persistentvolumeclaim }} "
	 "-p '{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"NEWSIZE\"}}}}'`), or clean up."},
	{"certificates", "CertificateExpiringSoon", 0, "warning", "1h",
	 "certmanager_certificate_expiration_timestamp_seconds{namespace=\"@NS@\"} - time() < 14 * 86400",
	 "Certificate {{ $labels.name }} in @NS@ expires within 14 days",
	 "cert-manager renews 30 days before expiry, so renewal is failing: `kubectl -n @NS@ describe certificate "
	 "{{ $labels.name }}`, then the CertificateRequest and Order; usual causes are DNS not pointing at the load "
	 "balancer and the HTTP-01 route blocked."},
	{"workloads", "PodRestarting", 0, "warning", "5m",
	 "increase(kube_pod_container_status_restarts_total{namespace=\"@NS@\"}[15m]) > 2",
	 "Container {{ $labels.container }} of {{ $labels.pod }} in @NS@ keeps restarting",
	 "`kubectl -n @NS@ logs {{ $labels.pod }} -c {{ $labels.container }} --previous`, or `kgenius diagnose "
	 "--live -n @NS@`, which reads them and names the cause."},
	{"workloads", "ContainerOOMKilled", 0, "warning", "0s",
	 "kube_pod_container_status_last_terminated_reason{namespace=\"@NS@\",reason=\"OOMKilled\"} == 1 "
	 "and on(namespace, pod, container) increase(kube_pod_container_status_restarts_total{namespace=\"@NS@\"}[15m]) > 0",
	 "Container {{ $labels.container }} of {{ $labels.pod }} in @NS@ was killed for memory",
	 "The container used more than its memory limit. For Odoo, limit_memory_hard is derived from the limit: "
	 "regenerate with a larger --odoo-memory; for PostgreSQL lower shared_buffers or raise the limit."},
	{"keycloak", "KeycloakDown", HAS_KEYCLOAK, "critical", "5m",
	 "sum(up{job=\"@NS@/keycloak\"}) == 0 or absent(up{job=\"@NS@/keycloak\"})",
	 "Keycloak in @NS@ is down: nobody can log in through it",
	 "`kubectl -n @NS@ get pods -l app.kubernetes.io/name=keycloak`; `kubectl -n @NS@ logs deploy/keycloak` "
	 "(JSON lines); database credentials and the hostname are the usual causes."},
};

static struct ynode *rule(struct cv *cv, const struct alert *a)
{
	struct kb *kb = &cv->kb;
	struct ynode *r = kb_map(kb);
	struct ynode *ann;

	kb_str(kb, r, "alert", a->name);
	kb_str(kb, r, "expr", promql(cv, a->expr));
	kb_str(kb, r, "for", a->hold);
	kb_str(kb, kb_sub(kb, r, "labels"), "severity", a->severity);
	/* Every alert names its namespace, also those whose expression keeps no
	 * label (sums, absent()): Alertmanager routes on it, verify filters on it. */
	kb_str(kb, kb_sub(kb, r, "labels"), "namespace", cv->ns);
	ann = kb_sub(kb, r, "annotations");
	kb_str(kb, ann, "summary", promql(cv, a->summary));
	kb_str(kb, ann, "runbook", promql(cv, a->runbook));
	return r;
}

void build_alert_rules(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	unsigned has = monitored(cv);
	struct ynode *pr = kb_object(kb, "monitoring.coreos.com/v1", "PrometheusRule",
				     y_text(kb_printf(kb, "%s-alerts", cv->ns)), cv->ns, "monitoring");
	struct ynode *groups = kb_list(kb, kb_sub(kb, pr, "spec"), "groups");
	struct ynode *rules = NULL;
	const char *group = NULL;

	select_by_stack(cv, pr);
	for (size_t i = 0; i < sizeof(alerts) / sizeof(alerts[0]); i++) {
		const struct alert *a = &alerts[i];

		if ((has & a->needs) != a->needs)
			continue;
		if (!group || strcmp(group, a->group) != 0) {
			struct ynode *g = kb_push_map(kb, groups);

			kb_put(kb, g, "name", kb_printf(kb, "%s.%s", cv->app->project, a->group));
			rules = kb_list(kb, g, "rules");
			group = a->group;
		}
		kb_push(kb, rules, rule(cv, a));
	}
	cv_emit(cv, OUT_MONITORING, pr);
}
