/* Facts of the cluster components the stack's flows go through. Sources:
 *   [TRAEFIK]  https://github.com/traefik/traefik-helm-chart (templates/_helpers.tpl: app.kubernetes.io/name
 *              is the chart name; values.yaml: websecure listens on 8443 in the pod)
 *   [NGINX]    https://github.com/kubernetes/ingress-nginx/tree/main/charts/ingress-nginx (namespace
 *              ingress-nginx, app.kubernetes.io/name: ingress-nginx, component controller, https on 443)
 *   [CILIUM]   https://docs.cilium.io/en/stable/network/servicemesh/ingress-reference/ ("Traffic that
 *              arrives at Envoy for Ingress or Gateway API is assigned the special ingress identity")
 *   [DNS]      https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/ (CoreDNS in
 *              kube-system, label k8s-app=kube-dns, UDP and TCP 53)
 *   [SOLVER]   https://github.com/cert-manager/cert-manager/blob/master/pkg/issuer/acme/http/pod.go (label
 *              acme.cert-manager.io/http01-solver: "true", container port 8089)
 *   [PROM]     https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack (the
 *              namespace is monitoring_constants.stack_namespace; the Prometheus pods carry app.kubernetes.io/name: prometheus, set by
 *              the Prometheus Operator: https://prometheus-operator.dev/docs/developer/getting-started/)
 *   [CNPG]     https://cloudnative-pg.io/documentation/current/networking/ (operator in cnpg-system,
 *              app.kubernetes.io/name: cloudnative-pg; it reaches each instance's status port 8000;
 *              instances carry cnpg.io/cluster and are behind NAME-rw/-ro/-r, a Pooler's pods carry
 *              cnpg.io/poolerName and are behind a Service named after it:
 *              https://cloudnative-pg.io/documentation/current/service_management/,
 *              https://cloudnative-pg.io/documentation/current/connection_pooling/) */
#include "facts/network.h"

#include <string.h>

const struct controller_facts controller_facts[CONTROLLER_COUNT] = {
	[CONTROLLER_TRAEFIK] = {"traefik", "traefik", "traefik", "app.kubernetes.io/name", "traefik", false, 8443},
	[CONTROLLER_NGINX] = {"nginx", "nginx", "ingress-nginx", "app.kubernetes.io/name", "ingress-nginx", false, 443},
	[CONTROLLER_CILIUM] = {"cilium", "cilium", NULL, NULL, NULL, true, 0},
};

const struct controller_facts *controller_named(const char *name)
{
	for (int i = 0; name && i < CONTROLLER_COUNT; i++)
		if (strcmp(controller_facts[i].name, name) == 0 || strcmp(controller_facts[i].ingress_class, name) == 0)
			return &controller_facts[i];
	return NULL;
}

const struct network_constants network_constants = {
	.dns_ns = "kube-system",
	.dns_label_key = "k8s-app",
	.dns_label_value = "kube-dns",
	.dns_port = 53,
	.solver_label_key = "acme.cert-manager.io/http01-solver",
	.solver_label_value = "true",
	.solver_port = 8089,
	.cnpg_operator_ns = "cnpg-system",
	.cnpg_operator_label_key = "app.kubernetes.io/name",
	.cnpg_operator_label_value = "cloudnative-pg",
	.cnpg_cluster_label = "cnpg.io/cluster",
	.cnpg_pooler_label = "cnpg.io/poolerName",
	.prometheus_label_key = "app.kubernetes.io/name",
	.prometheus_label_value = "prometheus",
	.cnpg_status_port = 8000,
};

/* NAME and NAME.NS go through the search list to a Service; NAME.NS.svc and
 * NAME.NS.svc.cluster.local name one (cluster.local: the default cluster
 * domain, https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/). */
bool dns_outside_cluster(const char *host)
{
	static const char *const cluster[] = {".svc", ".svc.cluster.local", ".cluster.local", NULL};
	size_t len = host ? strlen(host) : 0, dots = 0;

	for (size_t i = 0; i < len; i++)
		dots += host[i] == '.';
	if (dots < 2)
		return false;
	for (const char *const *c = cluster; *c; c++) {
		size_t n = strlen(*c);

		if (len > n && strcmp(host + len - n, *c) == 0)
			return false;
	}
	return true;
}
