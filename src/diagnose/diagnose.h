/* kgenius diagnose: from what a failing deployment printed (kubectl tables,
 * describe, events, JSON/YAML, container logs) to the cause, the evidence and
 * the fix, and with the manifests or the Compose project, to the line.
 *
 * The stages: input.c turns every form into observations (one line of text,
 * where it came from, which pod it is about); match.c holds the knowledge
 * base's signatures against each observation and keeps bounded evidence;
 * rank.c turns the hits into ranked diagnoses; rootcause.c links them to
 * lint findings and Compose facts; report.c prints them. kb.c is the data. */
#ifndef KG_DIAGNOSE_H
#define KG_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/arena.h"
#include "util/diag.h"

/* Where a signature may match: any line, or only a pod's status (a table
 * row, a describe Status:, a JSON phase), where words like "Pending" mean
 * what they say. */
enum dx_scope { DX_ANY = 1, DX_STATUS = 2 };

struct dx_signature {
	const char *anchor;        /* literal that must occur; scanned for first */
	const char *pattern;       /* POSIX ERE on the line, group 1 is the subject; NULL: the anchor suffices */
	int confidence;            /* 0-100 when this signature alone is seen */
	enum dx_scope scope;
	const char *requires;      /* counts only when this entry is found too (NULL: always) */
	const char *version;       /* which versions print this wording */
	const char *source;        /* where that wording is documented or pasted */
};

/* A cause explains a failure; a symptom only says that something fails and
 * what to collect to learn why. A fact is never reported: it rules other
 * entries out (a volume attached after a Multi-Attach error). An
 * unrecognised entry takes only the failure lines no other entry explains. */
enum dx_level { DX_CAUSE, DX_SYMPTOM, DX_FACT, DX_UNRECOGNISED };

#define DX_MAX_SIGS 32

struct dx_entry {
	const char *id;
	const char *category;      /* postgres-auth, network, storage, ... */
	enum dx_level level;
	const char *title;
	struct dx_signature sigs[DX_MAX_SIGS];
	const char *cause;
	const char *fix;
	const char *collect;       /* what to gather to confirm or go further */
	const char *yields_to[8];  /* more precise entries that explain the same lines */
	/* Entries whose evidence, seen later, proves this failure cleared or
	 * impossible (the server answered fe_sendauth, so its name resolved). */
	const char *ruled_out_by[6];
};

extern const struct dx_entry dx_kb[];
/* "cause", "symptom", "fact", "unrecognised". */
const char *dx_level_name(enum dx_level level);
size_t dx_kb_count(void);
const struct dx_entry *dx_kb_find(const char *id);

/* A line that some entry matched, kept verbatim (redacted, cut short). */
#define DX_EVIDENCE_PER_SIG 3
#define DX_EVIDENCE_TEXT 300
#define DX_OBJECTS 8

struct dx_evidence {
	const char *file;
	long line;
	char text[DX_EVIDENCE_TEXT];
	char component[64];        /* the pod, container or program that printed it */
};

struct dx_sig_hits {
	size_t count;
	struct dx_evidence ev[DX_EVIDENCE_PER_SIG];
	size_t nev;
	char subject[128];         /* first capture */
	const char *last_file;     /* where the latest matching line was */
	long last_line;
};

struct dx_entry_hits {
	struct dx_sig_hits sig[DX_MAX_SIGS];
	char objects[DX_OBJECTS][128];
	size_t nobjects;
};

/* A line of a manifest or Compose file that causes an entry's failure. */
struct dx_rootcause {
	size_t entry;              /* index in dx_kb */
	char *file;
	int line, col;
	char *object;              /* "Deployment/odoo", "service odoo" */
	char *workload;            /* name pods are named after: "odoo" */
	char *message;
	char *fix;
	const char *rule;          /* lint rule id, or the Compose check's id */
	bool primary;              /* the failure this line is predicted to cause */
};

#define DX_MAX_LOG_TARGETS 32
/* `kubectl logs` sections without a failure line, judged once the whole input is read */
#define DX_MAX_CLEAN_LOGS 16

enum dx_kind { DXK_CAUSE, DXK_SYMPTOM, DXK_INSUFFICIENT, DXK_PREDICTED, DXK_CATALOGUE, DXK_SIMILAR, DXK_UNRECOGNISED };

struct pg_message;

struct dx_diagnosis {
	size_t entry;
	enum dx_kind kind;
	int confidence;
	size_t count;              /* matching lines */
	const char *subject;
	int exit_code;             /* last container exit code seen, -1 when none */
	size_t *causes;            /* indexes in run->rootcauses, best first */
	size_t ncauses;
	const struct dx_evidence *ruled_out;   /* the later line that rules it out, or NULL */
	/* DXK_CATALOGUE: the message PostgreSQL's catalogue names, and its line */
	const struct pg_message *message;
	const struct dx_evidence *line;
};

struct dx_run {
	struct arena a;
	struct diags *d;
	struct dx_entry_hits *hits;    /* one per entry */
	void *compiled;                /* compiled patterns (match.c) */
	size_t files, lines, bytes, truncated_lines;
	size_t failure_lines;          /* lines an entry or a catch-all took as a failure */
	int exit_code;                 /* last "Exit Code:" seen */
	struct dx_evidence exit_ev;
	struct dx_rootcause *rootcauses;
	size_t nrootcauses, cap_rc;
	bool have_manifests, have_compose;
	struct dx_diagnosis *diagnoses;
	size_t ndiagnoses;
	/* --live: containers whose logs to read, found in the pods' status */
	struct dx_log_target {
		char ns[64], pod[254], container[64];
		bool previous;
	} targets[DX_MAX_LOG_TARGETS];
	size_t ntargets;
	struct dx_clean_log {
		const char *file;
		long line;
		size_t output;                 /* lines the command printed */
		char object[128];              /* the pod it names, or "" */
	} clean_logs[DX_MAX_CLEAN_LOGS];
	size_t nclean_logs;
	size_t clean_logs_unjudged;        /* clean logs past DX_MAX_CLEAN_LOGS, reported */
};

/* Where an observation comes from. */
struct dx_origin {
	const char *file;
	long line;
	const char *object;            /* pod or container the line is about, or NULL */
};

int dx_init(struct dx_run *run, struct diags *d);
void dx_free(struct dx_run *run);

/* Reads a saved output (file, or "-" for standard input) in any form. Returns
 * 0, or -1 after a reported problem. */
int dx_read_path(struct dx_run *run, const char *path);
/* Reads an output from fp, named name. */
int dx_read_stream(struct dx_run *run, const char *name, FILE *fp);
/* Runs kubectl against the current context (namespace ns, or every one when
 * NULL) and reads what it prints. */
int dx_read_live(struct dx_run *run, const char *kubectl, const char *ns);
/* Once every input is read: a clean `kubectl logs` of a pod that restarts
 * is evidence that its process ended without an error. */
void dx_judge_clean_logs(struct dx_run *run);

/* Reads text in memory that holds one or more kubectl JSON/YAML documents;
 * returns 0, or -1 when it is not such a document (nothing observed). */
int dx_read_structured(struct dx_run *run, const char *name, const char *data, size_t len);
/* Whether the start of an input looks like a kubectl JSON or YAML document. */
bool dx_looks_structured(const char *data, size_t len);
/* Walks a document pasted among other lines (data NUL-terminated, after
 * line_base lines of its input) for what only its structure shows: a pod's
 * phase, conditions, container states, messages folded over several lines.
 * Its lines are read as lines too. */
void dx_read_structured_part(struct dx_run *run, const char *name, long line_base, const char *data, size_t len);

/* A kubectl JSON or YAML document pasted among other lines (embedded.c): the
 * lines that belong to it are kept, up to DX_EMBEDDED_MAX bytes, and walked
 * when it ends. */
#define DX_EMBEDDED_MAX (1024u * 1024)
struct dx_embedded {
	char *buf;
	size_t len;
	long first_line;           /* its first line in the input */
	size_t indent;             /* of its first line */
	char closer;               /* JSON: the character that closes it */
	bool active, json, full;
};
void dx_embedded_line(struct dx_run *run, struct dx_embedded *e, const char *name, const char *s, size_t len,
		      long lineno);
/* At the end of the input: the document still open is walked; frees e. */
void dx_embedded_end(struct dx_run *run, struct dx_embedded *e, const char *name);
/* What a `kubectl logs` output in a paste that showed no failure line is
 * observed as (input.c), followed by how many lines it had. */
#define DX_LOGS_NO_FAILURE "[kubectl logs: every line clean]"
/* What a pasted answer that redirects the request to its own URL is
 * observed as (http_exchange.c), followed by the status and the URL. */
#define DX_REDIRECT_TO_ITSELF "[redirect to the URL asked]"
/* ... and a curl request answered with a 4xx status (5xx status lines are
 * failures by their own words). */
#define DX_HTTP_CLIENT_ERROR "[curl answered with a client error]"
/* ... and a 5xx that is only a number: printed alone by curl -w '%{http_code}', or retold ("GET /doc -> 500"). */
#define DX_HTTP_SERVER_ERROR "[an HTTP request answered with a server error]"

/* The request of the last curl command in a paste, and whether its answer
 * is a redirect so far. */
#define DX_HTTP_URL_MAX 512
struct dx_http_exchange {
	char url[DX_HTTP_URL_MAX];
	int redirect_status;           /* 301, 302, 307, 308 ..., or 0 */
	bool code_only;                /* curl -w '%{http_code}': the next line is the status */
	bool answered;                 /* its status was seen: a body names it no more */
};
void dx_http_line(struct dx_run *run, struct dx_http_exchange *x, const char *s, size_t len,
		  const struct dx_origin *o);

/* Reads the line forms: tables, describe, events, logs. */
void dx_read_lines(struct dx_run *run, const char *name, FILE *fp, const char *head, size_t headlen);
/* A JSON log line's message, level and error fields, joined into out
 * (json_line.c); false when s is no JSON object or says nothing. */
bool dx_json_line(const char *s, size_t len, char *out, size_t cap, size_t *outlen);

/* One line of evidence, already normalised. */
void dx_observe(struct dx_run *run, const char *text, size_t len, const struct dx_origin *o, enum dx_scope scope);
/* Whether any signature's anchor occurs in text. */
bool dx_any_anchor(struct dx_run *run, const char *text, size_t len);
/* The same, matched on text but quoted as shown (a table row for its status). */
void dx_observe_as(struct dx_run *run, const char *text, size_t len, const char *shown, size_t shown_len,
		   const struct dx_origin *o, enum dx_scope scope);
void dx_observe_exit_code(struct dx_run *run, int code, const struct dx_origin *o, const char *text, size_t len);

/* A Secret's base64 value: observed as a line when it decodes to a
 * credential that ends in a newline (secret_value.c). dx_secret_line takes a
 * `key: base64` line as kubectl get secret -o yaml prints it. */
void dx_observe_secret_value(struct dx_run *run, const char *key, size_t keylen, const char *b64, size_t len,
			     const struct dx_origin *o);
void dx_secret_line(struct dx_run *run, const char *s, size_t len, const struct dx_origin *o);

/* Root causes: the lint findings of the manifests under path, the facts of
 * a Compose project. Return 0, or -1 after a reported problem. */
int dx_manifests(struct dx_run *run, const char *path);
struct compose_project;
int dx_compose(struct dx_run *run, const struct compose_project *p);
void dx_add_rootcause(struct dx_run *run, const char *entry_id, bool primary, const char *rule, const char *file,
		      int line, int col, const char *object, const char *workload, const char *message, const char *fix);

/* Ranks what was seen; call once, after the inputs and root causes. */
int dx_finish(struct dx_run *run);
/* With only the catch-alls found: the known failure whose signature a failure
 * line says most of, as a diagnosis of kind DXK_SIMILAR (similar.c). */
int dx_similar(struct dx_run *run);
/* With only the catch-alls found: the PostgreSQL errors among their lines
 * that PostgreSQL's own message catalogue names, as diagnoses of kind
 * DXK_CATALOGUE, at most DX_CATALOGUE_MAX (catalogue.c). */
#define DX_CATALOGUE_MAX 3
int dx_catalogue(struct dx_run *run);

enum dx_format { DX_HUMAN, DX_JSON };
struct buf;
/* Appends the report to b. */
void dx_render(const struct dx_run *run, enum dx_format fmt, bool color, struct buf *b);

/* Masks what looks like a credential in a line of evidence, in place. */
void dx_redact(char *s);
/* Replaces terminal control characters (ESC, CR, BEL, ...) in place, so
 * that no input can move the cursor or recolour the terminal. */
void dx_defang(char *s);
/* Which program printed a line with no pod or container named: "postgresql",
 * "odoo", "keycloak", ..., or "" when nothing says. */
const char *dx_component_of(const char *text);

#endif
