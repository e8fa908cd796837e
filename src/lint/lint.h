/* kgenius lint: schema, security, reliability, cross-resource and
 * application checks of Kubernetes manifests. This is what other stages use
 * (the command, convert and migrate before they write, diagnose); what the
 * rules share among themselves is in lint/internal.h.
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

#include "lint/index.h"
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

/* Findings in memory take at most this; the ones after it wait in a
 * temporary file (src/lint/findings.c). */
#define LINT_FINDINGS_MEMORY (1024u * 1024)

/* One document's tree may take at most this (an alias bomb stops here). */
#define LINT_DOC_MEMORY (512u * 1024 * 1024)

struct findings {
	struct finding *v;         /* the first n, in memory */
	size_t n, cap;
	struct arena text;         /* their objects and messages */
	FILE *spill;               /* the nspilled after them */
	char *spill_buffer;        /* its stdio buffer */
	size_t nspilled;
	size_t listed[3];          /* by severity */
	size_t suppressed;
	size_t unlisted[3];        /* by severity, beyond LINT_MAX_LISTED */
};

/* Calls fn on every listed finding, in order, spilled ones included;
 * returns -1 when the spill file cannot be read back. */
int findings_each(const struct findings *f, void (*fn)(const struct finding *, void *), void *user);
/* Findings listed: n plus the spilled ones. */
size_t findings_listed(const struct findings *f);

/* Findings of at least this severity, listed or not. */
size_t findings_at_least(const struct findings *f, enum severity s);

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
	/* Where the ingress controller runs: --controller, --controller-namespace
	 * (NULL: from the set's ingress class, else Traefik's defaults). */
	const char *controller, *controller_ns;
	const char *prometheus_ns;  /* where Prometheus scrapes from (NULL: kube-prometheus-stack's) */
	bool want_flows;           /* keep every flow for lint --flows */
	/* the document being checked */
	const char *file;
	const struct ynode *doc;
	const char *object;
	const char *ignore;        /* kgenius.io/ignore of the document */
	/* Where documents are parsed, reset after each: the run's own, or a
	 * worker's, so its chunks serve part after part (src/lint/parallel.c). */
	struct arena doc_memory;
	struct arena *doc_arena;   /* NULL: doc_memory */
	/* Files' parts checked on every core (src/lint/parallel.c). */
	struct lint_pool *pool;
	bool pool_started;
	unsigned file_seq;         /* files read so far */
	unsigned stopped_file;     /* the file stopped at a YAML error */
	size_t yaml_documents;     /* YAML documents read, whatever they hold */
	/* The file whose parts are being merged, and its YAML documents so far:
	 * an input with none is an error. */
	unsigned merging_file;
	const char *merging_name;
	size_t merging_documents;
};

void lint_init(struct lint_run *r, struct diags *d);
void lint_free(struct lint_run *r);
/* Lints a file, a directory (its .yaml, .yml and .json files), or "-". */
int lint_path(struct lint_run *r, const char *path);
/* Lints text already in memory, named name in findings. */
int lint_text(struct lint_run *r, const char *name, const char *data, size_t len);
/* Runs the cross-resource and application rules; call once, after the inputs. */
void lint_finish(struct lint_run *r);

/* A generated manifest held in memory, about to be written. */
struct lint_text {
	const char *name;          /* the file it will be written to */
	const char *data;
	size_t len;
	bool context_only;         /* read with the others, its findings not reported */
};

/* Runs every rule on generated manifests before they are written: an error
 * there is a bug of the generator (producer, as "convert"), never output to
 * hand to a cluster. Each error finding in a text that is not context_only
 * becomes an error in d, located at the finding. Returns their number. */
struct lint_generated_opts {
	const char *producer;      /* "convert" */
	/* The ingress controller the flows are judged against (NULL: the
	 * set's ingress class, else Traefik). */
	const char *controller, *controller_ns;
	const char *prometheus_ns; /* NULL: kube-prometheus-stack's namespace */
	/* When not NULL and nothing failed: every required flow, in one line. */
	struct buf *flows_line;
};
size_t lint_generated(const struct lint_text *texts, size_t n, const struct lint_generated_opts *opts,
		      struct diags *d);

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
