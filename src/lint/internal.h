/* What lint's own files share: reporting from a rule, the rule families, the
 * index of summaries, accessors. Other stages use lint/lint.h. */
#ifndef KG_LINT_INTERNAL_H
#define KG_LINT_INTERNAL_H

#include "lint/lint.h"

/* For rules: report a finding on the current document. */
void lint_report(struct lint_run *r, const char *rule_id, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* For cross-resource rules: report on a named object. */
void lint_report_at(struct lint_run *r, const char *rule_id, const struct srcpos *pos, const char *object,
		    const char *ignore, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Keeps a copy of x (object and message included) in f (src/lint/findings.c);
 * false when neither memory nor the spill file took it. */
bool findings_add(struct findings *f, const struct finding *x);
void findings_free(struct findings *f);

/* Parses and checks one part of file name (src/yaml/split.c) into r; a
 * YAML error is a finding. Returns non-zero after a YAML error. */
int lint_part(struct lint_run *r, const char *name, const char *data, size_t len, int line_base);

struct yaml_mapping;

/* Where a file's parts go (src/lint/parallel.c). */
struct part_sink {
	struct lint_run *r;
	const char *name;
	unsigned file_seq;
};
/* A yaml_part_fn (user: a struct part_sink): queues the part for a worker,
 * or checks it here on one core; non-zero once the file stopped at an error. */
int lint_pool_part(const char *data, size_t len, int line_base, struct yaml_mapping *m, void *user);
/* Merges every queued part into r, in order. */
void lint_pool_drain(struct lint_run *r);
/* Merges every queued part, then closes the last file merged (an input
 * without a document is reported: lint_report_empty, lint.c). */
void lint_pool_end(struct lint_run *r);
void lint_report_empty(struct lint_run *r, const char *name);
/* Stops the workers (lint_free calls it). */
void lint_pool_stop(struct lint_run *r);

/* Rule families (src/lint/rules_*.c). */
void rules_security(struct lint_run *r, const struct ynode *doc);
void rules_reliability(struct lint_run *r, const struct ynode *doc);
void rules_application(struct lint_run *r, const struct ynode *doc);
/* Values the servers accept (rules_server.c) and DNS host names (rules_hosts.c). */
void rules_server(struct lint_run *r, const struct ynode *doc);
void rules_hosts(struct lint_run *r, const struct ynode *doc);
void keycloak_hostname(struct lint_run *r, const struct ynode *container);
void rules_server_cross(struct lint_run *r);
void rules_cross(struct lint_run *r);
void rules_application_cross(struct lint_run *r);
/* Summarises a document for the cross-resource rules (src/lint/index.c). */
void index_document(struct lint_run *r, const struct ynode *doc);
/* A Secret or ConfigMap of the set, keys not yet filled; NULL on OOM. */
struct defined *index_new_defined(struct lint_run *r, bool secret, const char *name, const char *ns);
/* The Secrets and ConfigMaps a kustomization's generators make (names and
 * keys), so references to them are not "external to the set". */
void index_kustomization(struct lint_run *r, const struct ynode *doc);
/* Summary storage (src/lint/index_store.c): makes room for entry n of the
 * array *array_ptr (zeroed); the bytes the summaries take; appends a part's
 * summaries after the others (from's arena moves to r); frees them. */
bool index_grow(struct lint_index *ix, void *array_ptr, size_t n, size_t *cap, size_t size);
size_t index_bytes(const struct lint_index *ix);
void index_merge(struct lint_run *r, struct lint_index *from);
void index_free(struct lint_index *ix);
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

#endif
