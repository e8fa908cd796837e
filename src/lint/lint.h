/* kgenius lint: schema, security, reliability, cross-resource and
 * application checks of Kubernetes manifests.
 *
 * Documents are processed one at a time: parsed, checked by the rules that
 * need only the document, summarised for the cross-resource rules, and
 * freed, so memory stays bounded by the largest document plus compact
 * summaries. */
#ifndef KG_LINT_H
#define KG_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"
#include "yaml/node.h"

enum severity { SEV_INFO, SEV_WARNING, SEV_ERROR };

struct rule {
	const char *id;
	const char *family;        /* schema, security, reliability, cross-resource, application */
	enum severity severity;
	const char *title;         /* what the rule checks */
	const char *remediation;   /* how to fix a finding */
};

extern const struct rule lint_rules[];
const struct rule *rule_find(const char *id);

struct finding {
	const struct rule *rule;
	enum severity severity;    /* after configuration */
	char *file;
	int line, col;
	char *object;              /* "Deployment/odoo" */
	char *message;
};

/* The report lists at most LINT_MAX_LISTED findings, so memory stays
 * bounded however many objects fail; the rest are counted by severity. */
#define LINT_MAX_LISTED 100000

struct findings {
	struct finding *v;
	size_t n, cap;
	size_t suppressed;
	size_t unlisted[3];        /* by severity, beyond LINT_MAX_LISTED */
};

/* Findings of at least this severity, listed or not. */
size_t findings_at_least(const struct findings *f, enum severity s);

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
	bool odoo, keycloak, postgres;
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
	bool proxy_mode, list_db;
	bool has_proxy_mode, has_list_db;
};

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
	int pg_max_connections;    /* from a PostgreSQL workload's args, 100 when unset */
	struct srcpos pg_pos;
	bool has_ingress;
};

struct lint_config {
	enum severity fail_on;
	struct {
		const char *id;
		bool disabled;
		int severity;          /* -1: the rule's own */
	} overrides[64];
	size_t noverrides;
};

struct lint_run {
	struct lint_config cfg;
	struct findings findings;
	struct lint_index index;
	struct diags *d;           /* input problems (unreadable files) */
	size_t documents, files;
	/* A file stopped at a syntax error: what "is not in the set" may be in
	 * the part not read, so the rules about absent objects stay silent. */
	bool incomplete;
	/* the document being checked */
	const char *file;
	const struct ynode *doc;
	const char *object;
	const char *ignore;        /* kgenius.io/ignore of the document */
};

void lint_init(struct lint_run *r, struct diags *d);
void lint_free(struct lint_run *r);
/* Lints a file, a directory (its .yaml, .yml and .json files), or "-". */
int lint_path(struct lint_run *r, const char *path);
/* Lints text already in memory, named name in findings. */
int lint_text(struct lint_run *r, const char *name, const char *data, size_t len);
/* Runs the cross-resource and application rules; call once, after the inputs. */
void lint_finish(struct lint_run *r);

/* For rules: report a finding on the current document. */
void lint_report(struct lint_run *r, const char *rule_id, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* For cross-resource rules: report on a named object. */
void lint_report_at(struct lint_run *r, const char *rule_id, const struct srcpos *pos, const char *object,
		    const char *ignore, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Rule families (src/lint/rules_*.c). */
void rules_security(struct lint_run *r, const struct ynode *doc);
void rules_reliability(struct lint_run *r, const struct ynode *doc);
void rules_application(struct lint_run *r, const struct ynode *doc);
void rules_cross(struct lint_run *r);
void rules_application_cross(struct lint_run *r);
/* Summarises a document for the cross-resource rules (src/lint/index.c). */
void index_document(struct lint_run *r, const struct ynode *doc);
/* A Secret or ConfigMap of the set, keys not yet filled; NULL on OOM. */
struct defined *index_new_defined(struct lint_run *r, bool secret, const char *name, const char *ns);
/* The Secrets and ConfigMaps a kustomization's generators make (names and
 * keys), so references to them are not "external to the set". */
void index_kustomization(struct lint_run *r, const struct ynode *doc);
/* Sorts the index for lookups; call once, after the last document. */
void index_finish(struct lint_run *r);
/* The Service ns/name, or NULL. */
const struct svc_summary *index_service(const struct lint_index *ix, const char *ns, const char *name);
/* Whether the ServiceAccount ns/name is in the set. */
bool index_account(const struct lint_index *ix, const char *ns, const char *name);
/* The workloads in ns whose pod labels hold the selector's first pair: a
 * range of ix->pod_labels starting at *first; selector->n must be > 0. */
size_t index_candidates(const struct lint_index *ix, const char *ns, const struct labels *selector, size_t *first);

/* Shared helpers (src/lint/helpers.c). */
const struct ynode *pod_spec_of(const struct ynode *doc);
bool is_workload(const char *kind);
/* Calls fn for every container, init container included. */
void each_container(const struct ynode *pod, void (*fn)(struct lint_run *, const struct ynode *, bool init, void *),
		    struct lint_run *r, void *user);
const char *env_literal(const struct ynode *container, const char *name);
bool labels_match(const struct labels *selector, const struct labels *labels);

/* Output (src/lint/report.c). */
enum lint_format { LINT_HUMAN, LINT_JSON, LINT_SARIF, LINT_JUNIT };
/* Writes the report to fp as it is made; returns -1 on a write error. */
int lint_write(const struct lint_run *r, enum lint_format fmt, bool color, FILE *fp);
const char *severity_name(enum severity s);
/* The configuration without a file: fail on errors, every rule as it is. */
void lint_config_init(struct lint_config *cfg);
/* Reads a configuration file; returns 0 or -1 after a reported problem. */
int lint_config_load(struct lint_config *cfg, const char *path, struct diags *d);

#endif
