/* Facts of the monitoring stack the generated manifests plug into:
 * kube-prometheus-stack (the Prometheus Operator, Grafana's dashboard
 * sidecar, kube-state-metrics and the kubelet scrape), postgres_exporter,
 * CloudNativePG's exporter, and the metrics ports of the ingress
 * controllers and cert-manager. Sources beside each fact. */
#include "facts/facts.h"

const struct monitoring_constants monitoring_constants = {
	/* The DigitalOcean 1-Click installs the chart as release
	 * kube-prometheus-stack in namespace kube-prometheus-stack:
	 * https://github.com/digitalocean/marketplace-kubernetes/tree/master/stacks/kube-prometheus-stack
	 * The chart's Prometheus selects monitors and rules labelled
	 * release: <release> (serviceMonitorSelectorNilUsesHelmValues):
	 * https://github.com/prometheus-community/helm-charts/blob/main/charts/kube-prometheus-stack/values.yaml */
	.stack_namespace = "kube-prometheus-stack",
	.stack_release = "kube-prometheus-stack",
	.release_label = "release",
	/* Grafana's sidecar loads ConfigMaps labelled grafana_dashboard: "1"
	 * (grafana.sidecar.dashboards.label and labelValue in the same values.yaml). */
	.dashboard_label = "grafana_dashboard",
	.dashboard_label_value = "1",
	/* postgres_exporter listens on 9187 and reads custom queries from
	 * --extend.query-path: https://github.com/prometheus-community/postgres_exporter */
	.exporter_image = "quay.io/prometheuscommunity/postgres-exporter:v0.15.0",
	.exporter_port = 9187,
	/* CloudNativePG's instance manager serves metrics on 9187, port name
	 * "metrics": https://cloudnative-pg.io/documentation/current/monitoring/ */
	.cnpg_metrics_port = 9187,
	/* Traefik's Helm chart: the metrics entry point on 9100, port "metrics":
	 * https://github.com/traefik/traefik-helm-chart/blob/master/traefik/values.yaml */
	.traefik_metrics_port = 9100,
	/* ingress-nginx: controller.metrics.enabled opens 10254, port "metrics":
	 * https://kubernetes.github.io/ingress-nginx/user-guide/monitoring/ */
	.nginx_metrics_port = 10254,
	/* cert-manager: /metrics on 9402 of the controller, port "http-metrics":
	 * https://cert-manager.io/docs/usage/prometheus-metrics */
	.cert_manager_metrics_port = 9402,
	.cert_manager_namespace = "cert-manager",
	/* Keycloak: metrics-enabled, /metrics on the management interface (25+),
	 * on the HTTP port before: https://www.keycloak.org/server/configuration-metrics */
	.keycloak_metrics_var = "KC_METRICS_ENABLED",
	.keycloak_metrics_path = "/metrics",
};
