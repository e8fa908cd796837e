/* The NetworkPolicy evaluator: Kubernetes' semantics, written from the
 * documentation (https://kubernetes.io/docs/concepts/services-networking/network-policies/)
 * and the API reference of networking.k8s.io/v1, plus what Cilium adds on
 * DOKS (CiliumNetworkPolicy endpointSelector, fromEndpoints, fromEntities,
 * toPorts; the reserved `ingress` identity of its Ingress and Gateway proxy).
 *
 * A flow is a source endpoint, a destination endpoint, a protocol and a port.
 * It passes when the source may send it (egress) and the destination may
 * receive it (ingress). What the evaluator cannot know (a pod's address
 * against an ipBlock that cuts through the pod network, a Cilium rule it does
 * not model) makes the answer NP_UNKNOWN, never a guess. */
#ifndef KG_LINT_NETPOL_H
#define KG_LINT_NETPOL_H

#include <stdbool.h>
#include <stdint.h>

#include "lint/internal.h"

enum np_verdict { NP_ALLOWED, NP_BLOCKED, NP_UNKNOWN };
enum np_protocol { NP_TCP, NP_UDP, NP_SCTP };

enum np_op { NP_IN, NP_NOT_IN, NP_EXISTS, NP_DOES_NOT_EXIST };

struct np_expr {
	const char *key;
	enum np_op op;
	const char **values;
	size_t nvalues;
};

/* A label selector: matchLabels and matchExpressions, ANDed; empty selects all. */
struct np_selector {
	struct labels match;
	struct np_expr *exprs;
	size_t nexprs;
	bool invalid;              /* an operator the API server rejects: selects nothing */
};

struct np_cidr {
	uint32_t addr, mask;       /* IPv4; an IPv6 block is kept as unknown */
	bool v6;
};

enum np_entity { NP_ENTITY_NONE, NP_ENTITY_INGRESS, NP_ENTITY_WORLD, NP_ENTITY_CLUSTER, NP_ENTITY_ALL,
		 NP_ENTITY_OTHER };

struct np_peer {
	bool has_pod, has_ns, has_ip;
	struct np_selector pod, ns;
	struct np_cidr cidr;
	struct np_cidr *except;
	size_t nexcept;
	enum np_entity entity;     /* Cilium fromEntities/toEntities */
	bool unmodelled;           /* a Cilium peer the evaluator does not model (CIDR, FQDN, services) */
};

struct np_port {
	enum np_protocol protocol;
	int port;                  /* 0 with no name: every port */
	const char *name;          /* a named port, resolved on the destination pod */
	int end_port;              /* 0: a single port */
	bool any_protocol;         /* Cilium's ANY */
};

struct np_rule {
	struct np_peer *peers;
	size_t npeers;
	bool all_peers;            /* from/to absent or empty: every peer */
	struct np_port *ports;
	size_t nports;             /* 0: every port */
};

struct netpol {
	const char *ns, *name, *object, *ignore;
	struct srcpos pos;
	bool cilium;               /* CiliumNetworkPolicy: adds to NetworkPolicies, never denies on its own */
	struct np_selector pods;
	bool isolates_ingress, isolates_egress;
	struct np_rule *in, *out;
	size_t nin, nout;
};

/* One side of a flow. A pod in the cluster has a namespace and labels; an
 * address outside it has neither; Cilium's proxy is an entity. */
struct np_endpoint {
	const char *label;         /* for messages: "Deployment/odoo", "cert-manager HTTP-01 solver" */
	const char *ns;            /* NULL: outside the cluster */
	const struct labels *pod_labels;
	const struct labels *ns_labels;    /* NULL: only kubernetes.io/metadata.name */
	const struct kv_port *ports;       /* the pod's named ports, for the destination */
	size_t nports;
	enum np_entity entity;     /* NP_ENTITY_INGRESS for Cilium's Ingress/Gateway proxy */
	bool in_set;               /* a pod of the linted set: the policies of the set apply to it */
	bool public_address;       /* outside: some public IPv4 address (an object store, an API) */
	uint32_t address;          /* outside with public_address false: this IPv4 address */
};

/* Why a verdict: the policy that isolates a side, the one that lets it through. */
struct np_reason {
	enum np_verdict verdict;
	bool egress_side;          /* BLOCKED/UNKNOWN: which side stops it */
	const struct netpol *isolating;    /* a policy selecting the blocked side */
	enum np_verdict out, in;           /* each side on its own */
	const struct netpol *isolating_out, *isolating_in;
	const struct netpol *allowing_out, *allowing_in;
	const char *unknown_why;
};

/* The policies of a set, grouped by namespace for lookups. */
struct netpol_set {
	struct netpol *v;
	size_t n, cap;
	struct ns_labels {
		const char *ns;
		struct labels labels;
	} *namespaces;
	size_t nnamespaces, cap_ns;
	/* Built by netpol_finish, so that a pod meets only the policies that may
	 * select it: those without matchLabels by namespace, the others by
	 * namespace and their first matchLabel. */
	const struct netpol **wide;
	size_t nwide;
	struct np_keyed {
		const char *ns, *key, *value;
		const struct netpol *p;
	} *keyed;
	size_t nkeyed;
};

/* Reads a NetworkPolicy or CiliumNetworkPolicy into s (memory from a). */
void netpol_add(struct netpol_set *s, struct arena *a, const struct ynode *doc, const char *object,
		const char *ignore);
/* Appends from's policies to to's (their strings stay where from's are);
 * false when memory ran out. */
bool netpol_append(struct netpol_set *to, const struct netpol_set *from);
/* Frees the policies' array (the rest is in the arena). */
void netpol_set_free(struct netpol_set *s);
/* Keeps a Namespace's labels: namespaceSelectors see them. */
void netpol_add_namespace(struct netpol_set *s, struct arena *a, const struct ynode *doc);
/* Builds the lookups; call once before evaluating. */
void netpol_finish(struct netpol_set *s, struct arena *a);

/* Orders np_keyed entries by namespace, key, value (for lookups). */
int np_keyed_cmp(const void *a, const void *b);
bool np_selector_matches(const struct np_selector *sel, const struct labels *labels);
/* Whether the IPv4 address a.b.c.d/n parses; fills c. */
bool np_parse_cidr(const char *text, struct np_cidr *c);

/* The verdict on a flow from src to dst on protocol/port. */
struct np_reason netpol_evaluate(const struct netpol_set *s, const struct np_endpoint *src,
				 const struct np_endpoint *dst, enum np_protocol protocol, int port);

const char *np_protocol_name(enum np_protocol p);

#endif
