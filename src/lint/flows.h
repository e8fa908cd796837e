/* The flows a stack needs, derived from its manifests, and their verdicts
 * through the NetworkPolicies (netpol.h). */
#ifndef KG_LINT_FLOWS_H
#define KG_LINT_FLOWS_H

#include <stdio.h>

#include "facts/network.h"
#include "lint/netpol.h"
#include "util/buf.h"

struct required_flow {
	const char *purpose;       /* "route", "HTTP-01", "DNS", "database", "OIDC", "backup", ... */
	const char *from, *to;     /* for people: "Deployment/odoo", "traefik (namespace traefik)" */
	struct np_endpoint src, dst;
	enum np_protocol protocol;
	int port;
	struct np_reason why;
	const char *rule_id;       /* the rule a blocked flow is reported under */
	bool silent;               /* kept for --flows, not reported (a second protocol of DNS) */
	const char *object, *ignore;
	struct srcpos pos;
};

struct flow_backup_hint {      /* a workload that writes to S3: its object name */
	const char *object;
};

struct synthetic_pods {        /* pods an operator makes: CloudNativePG instances and poolers */
	const char *ns, *name, *object, *ignore;
	const char *pooler_of;     /* a Pooler: its Cluster; NULL for a Cluster's instances */
	struct labels labels;
	struct srcpos pos;
	bool object_store;         /* backups or WAL archiving to S3 */
};

struct monitor {               /* a ServiceMonitor or PodMonitor: what Prometheus scrapes */
	bool pods;                 /* PodMonitor: the selector picks pods, else Services */
	const char *ns, *object, *ignore;
	struct labels selector;
	const char **ports;        /* port names (of the Service, or of the pods) */
	size_t nports;
	struct srcpos pos;
};

struct flow_index {
	struct netpol_set pols;
	bool http01;               /* an Issuer or ClusterIssuer solves HTTP-01 */
	const char *issuer_object, *issuer_ignore;
	struct srcpos issuer_pos;
	const char *class_seen;    /* an ingressClassName or gatewayClassName in the set */
	struct flow_backup_hint *s3;
	size_t ns3, cap_s3;
	struct synthetic_pods *clusters;
	size_t nclusters, cap_cl;
	struct monitor *monitors;
	size_t nmonitors, cap_mon;
	bool keep;                 /* --flows: keep every flow for the report */
	struct required_flow *v;
	size_t n, cap;
	size_t counts[3];          /* by verdict */
	const struct controller_facts *controller;
	const char *controller_ns;
};

/* The database host an environment variable names (HOST, PGHOST, DB_HOST,
 * KC_DB_URL_HOST; the host of KC_DB_URL and DATABASE_URL), written into buf;
 * NULL when the variable names none. */
const char *database_host(const char *name, const char *value, char *buf, size_t cap);
/* The database port an environment variable gives, or 0. */
int database_port(const char *name, const char *value);
/* Summarises what the flows need from one document (called by index_document). */
void flows_index_document(struct lint_run *r, const struct ynode *doc, const char *kind, const char *ns);
/* Appends a part's flow summaries to the run's, in reading order (false:
 * memory ran out, some are missing). */
bool flows_index_merge(struct lint_run *to, const struct flow_index *from);
/* Whether a part summarised nothing for the flows (f may be NULL). */
bool flows_index_empty(const struct flow_index *f);
/* Derives the required flows, evaluates them, reports the blocked ones. */
void rules_flows(struct lint_run *r);

enum flows_format { FLOWS_TEXT, FLOWS_JSON, FLOWS_DOT };
/* The kept flows on one line for NOTES: "route: A -> B (TCP 8069, TCP 8072); ...". */
void flows_one_line(const struct lint_run *r, struct buf *b);
/* Writes the flows kept by a run with r->want_flows; -1 on a write error. */
int flows_write(const struct lint_run *r, enum flows_format fmt, FILE *fp);

#endif
