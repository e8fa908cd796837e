/* Shared by the monitoring builder's files (monitoring.c: endpoints,
 * monitors, scrape policies; monitoring_rules.c: alerts; monitoring_
 * dashboards.c: Grafana dashboards). Internal to src/convert. */
#ifndef KG_CONVERT_MONITORING_H
#define KG_CONVERT_MONITORING_H

#include "convert/context.h"

/* What a conversion has, as bits: an alert or a panel is written when the
 * conversion has everything it needs. */
enum monitored {
	HAS_PG_STATEFULSET = 1 << 0,
	HAS_PG_CNPG = 1 << 1,
	HAS_ODOO = 1 << 2,
	HAS_AUTOSCALER = 1 << 3,      /* an HPA (or KEDA's) on Odoo */
	HAS_KEYCLOAK = 1 << 4,
	HAS_HTTP_METRICS = 1 << 5,    /* Traefik or ingress-nginx: Odoo's requests are measured */
	HAS_BACKUP_CRONJOB = 1 << 6,  /* the postgres-backup CronJob */
	HAS_PG = 1 << 7,
	HAS_ONE_ODOO_POD = 1 << 8,    /* no autoscaler: Odoo runs at its maximum */
};

unsigned monitored(const struct cv *cv);

/* A PromQL template with @TOKEN@ placeholders (namespace, metric prefix,
 * autoscaler, the ingress controller's series) made concrete for this
 * conversion. */
const char *promql(struct cv *cv, const char *tmpl);

/* The custom queries' metric prefix: CloudNativePG prefixes cnpg_. */
const char *query_metric_prefix(const struct cv *cv);

/* metadata.labels[release] = the stack's release, so its Prometheus
 * selects the object. */
void select_by_stack(struct cv *cv, struct ynode *obj);

void build_alert_rules(struct cv *cv);
void build_dashboards(struct cv *cv);

#endif
