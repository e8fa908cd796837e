/* The compact summary of each object that the cross-resource rules need
 * (src/lint/index.c): it stays in memory while the documents are freed. A
 * part of struct lint_run; only lint's own files look inside. */
#ifndef KG_LINT_INDEX_H
#define KG_LINT_INDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/diag.h"

/* A label map, kept compactly for selector matching. */
struct labels {
	const char **keys, **values;
	size_t n;
};

struct kv_port {
	const char *name;
	int number;
};

struct ref {
	bool secret;               /* else ConfigMap */
	const char *name, *key;    /* key NULL: the whole object */
	bool optional;
	struct srcpos pos;
};

struct workload {
	const char *kind, *name, *ns;
	const char *object, *ignore;   /* "Deployment/odoo", its kgenius.io/ignore */
	struct srcpos pos;
	double cpu_limit;              /* first container's limits, 0 when unset */
	long long mem_limit;
	bool spread;
	bool singleton;                /* Deployment with the Recreate strategy */
	struct labels colocated;       /* required podAffinity on kubernetes.io/hostname: runs beside these pods */
	struct labels pod_labels;
	int replicas;
	bool scaled;               /* an HPA or ScaledObject targets it */
	bool cpu_requests;         /* every container requests CPU */
	struct kv_port *ports;
	size_t nports;
	struct ref *refs;
	size_t nrefs;
	const char **claims;
	struct srcpos *claim_pos;
	size_t nclaims;
	const char *db_host;       /* Odoo: HOST env */
	int db_port;               /* PORT, PGPORT, DB_PORT, KC_DB_URL_PORT or the URL's; 0 when unset */
	bool odoo, keycloak, postgres;
	int odoo_major;            /* the Odoo image's series, 0 when unknown */
	int keycloak_pool;         /* KC_DB_POOL_MAX_SIZE, 100 when unset */
	int odoo_workers, odoo_cron;   /* --workers= and --max-cron-threads= args, -1 when unset */
	const char *governing_service;  /* StatefulSet spec.serviceName */
	struct srcpos governing_pos;
	const char *service_account;    /* serviceAccountName other than "default" */
	struct srcpos account_pos;
};

struct named {             /* an object known by name only (ServiceAccount) */
	const char *ns, *name;
};

struct svc_summary {
	const char *name, *ns;
	const char *object, *ignore;
	struct srcpos pos;
	struct labels selector;
	struct svc_port {
		const char *name;
		int port;
		const char *target_name;
		int target;
		struct srcpos pos;
	} *ports;
	size_t nports;
	bool headless;             /* clusterIP: None */
	struct labels labels;      /* the Service's own labels, for ServiceMonitors */
};

struct backend {
	const char *ns, *service, *port_name, *path;
	const char *object, *ignore;
	int port;
	struct srcpos pos;
	bool http_route;
};

struct defined {           /* a Secret or ConfigMap: its keys, never its values */
	bool secret;
	const char *ns, *name;
	const char **keys;
	size_t nkeys;
};

struct claim {
	const char *ns, *name;
	const char *object, *ignore;
	bool rwo;
	struct srcpos pos;
};

struct selector_obj {      /* PodDisruptionBudget or NetworkPolicy */
	const char *kind, *ns, *name;
	const char *object, *ignore;
	/* NetworkPolicy peers: pods allowed in, pods allowed out (any: everything) */
	struct labels *in_peers, *out_peers;
	size_t nin, nout;
	bool in_any, out_any;
	struct srcpos pos;
	struct labels selector;    /* empty: every pod */
	bool selects_all;          /* the selector is {}: every pod of the namespace */
	bool has_expressions;      /* matchExpressions, which the summary does not keep */
	bool ingress, egress;      /* NetworkPolicy: policy types */
	bool allows_dns;           /* NetworkPolicy: an egress rule to port 53 */
	bool allows_all_egress;
};

struct autoscaler {
	const char *ns, *name, *target;
	const char *object, *ignore;
	int min, max;
	struct srcpos pos;
};

struct odoo_conf_facts {
	const char *ns;
	const char *object, *ignore;
	struct srcpos pos;
	int workers, cron, db_maxconn;
	const char *db_host;       /* db_host, which the image's entrypoint prefers to HOST */
	const char *versioned[4];  /* options only some Odoo series have (facts/odoo_options.h) */
	struct srcpos versioned_pos[4];
	size_t nversioned;
	bool proxy_mode, list_db;
	bool has_proxy_mode, has_list_db;
};

/* What the summaries may take: memory stays bounded however many objects
 * the input holds. 10,000 each of Services, Deployments, PDBs and
 * NetworkPolicies (the flows' policies included) take about 28 MiB. */
#define LINT_INDEX_MEMORY (32u * 1024 * 1024)

struct lint_index {
	struct arena a;
	struct workload *workloads;
	size_t nworkloads, cap_w;
	struct svc_summary *services;
	size_t nservices, cap_s;
	struct backend *backends;
	size_t nbackends, cap_b;
	struct defined *defined;
	size_t ndefined, cap_d;
	struct claim *claims;
	size_t nclaims, cap_c;
	struct selector_obj *selobjs;
	size_t nselobjs, cap_so;
	struct autoscaler *autoscalers;
	size_t nautoscalers, cap_a;
	struct odoo_conf_facts *confs;
	size_t nconfs, cap_cf;
	struct named *accounts;
	size_t naccounts, cap_sa;
	/* Built by index_finish for the rules over the whole set, so that
	 * lookups by name or label do not compare every pair of objects. */
	const struct svc_summary **services_by_name;   /* by namespace, name */
	struct label_ref {
		const char *ns, *key, *value;
		size_t workload;
	} *pod_labels;                                  /* by namespace, key, value */
	size_t npod_labels;
	struct flow_index *flows;  /* NetworkPolicies and what the flows need (flows.h) */
	size_t array_bytes;        /* the arrays above, allocated */
	struct arena *kept;        /* merged parts' arenas (their strings) */
	size_t nkept, cap_kept, kept_bytes;
	/* Objects left out once the summaries reached LINT_INDEX_MEMORY: the
	 * cross-resource rules see the others, and those about missing objects
	 * stay silent (the run is incomplete). */
	size_t unsummarised;
	int pg_max_connections;    /* from a PostgreSQL workload's args, 100 when unset */
	struct srcpos pg_pos;
	bool has_ingress;
};

#endif
