/* Where the cluster's shared components live and what their pods carry:
 * the ingress controllers kgenius writes for, cluster DNS, cert-manager's
 * HTTP-01 solver, the CloudNativePG operator. lint derives the flows a stack
 * needs from them; convert writes the policies that allow those flows. */
#ifndef KG_FACTS_NETWORK_H
#define KG_FACTS_NETWORK_H

#include <stdbool.h>

enum controller_kind { CONTROLLER_TRAEFIK, CONTROLLER_NGINX, CONTROLLER_CILIUM, CONTROLLER_COUNT };

struct controller_facts {
	const char *name;           /* traefik, nginx, cilium: the value of --controller */
	const char *ingress_class;  /* the IngressClass / GatewayClass its install creates */
	const char *ns;             /* where its pods run by default (NULL: no pods) */
	const char *label_key, *label_value;   /* a label every controller pod carries */
	bool reserved_identity;     /* Cilium: the proxy is the reserved `ingress` identity, not a pod */
	int https_port;             /* the container port behind the load balancer's 443 (hairpin) */
};
extern const struct controller_facts controller_facts[CONTROLLER_COUNT];

/* The controller named name or whose class is name; NULL when none is. */
const struct controller_facts *controller_named(const char *name);

struct network_constants {
	const char *dns_ns, *dns_label_key, *dns_label_value;
	int dns_port;
	const char *solver_label_key, *solver_label_value;
	int solver_port;
	const char *cnpg_operator_ns, *cnpg_operator_label_key, *cnpg_operator_label_value;
	const char *cnpg_cluster_label;    /* on a Cluster's instances; its Services are NAME-rw, -ro, -r */
	const char *cnpg_pooler_label;     /* on a Pooler's pods; its Service is the Pooler's name */
	const char *prometheus_label_key, *prometheus_label_value;   /* its namespace: monitoring_constants */
	int cnpg_status_port;
};
extern const struct network_constants network_constants;

/* Whether the pods' resolver answers host from outside the cluster: a name
 * with two dots or more that is not under the cluster's domain. */
bool dns_outside_cluster(const char *host);

#endif
