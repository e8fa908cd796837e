/* The line forms of what people paste: `kubectl get pods` tables (with or
 * without NAMESPACE, any kubectl version), `kubectl describe`, `kubectl get
 * events` rows (current and pre-1.14 layouts), container logs with Compose
 * (`db_1  | `) or kubectl (`[pod/x/c] `) prefixes, JSON log lines and Java
 * stack traces, several of them pasted together.
 *
 * Lines are read through a fixed buffer and cut at DX_LINE_MAX, so memory
 * stays the same whatever the size of the input or of its longest line. */
#include "diagnose/diagnose.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DX_LINE_MAX (64u * 1024)
#define READER_BUF (1024u * 1024)

struct reader {
	FILE *fp;
	char *buf;
	size_t start, end;
	size_t read;               /* bytes taken from fp */
	bool eof, skipping, failed;
};

static void reader_fill(struct reader *r)
{
	size_t n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	n = r->fp ? fread(r->buf + r->end, 1, READER_BUF - r->end, r->fp) : 0;
	r->end += n;
	r->read += n;
	if (n == 0) {
		r->eof = true;
		if (r->fp && ferror(r->fp))
			r->failed = true;
	}
}

/* The next line without its newline; lines longer than DX_LINE_MAX are cut
 * and the rest skipped. Returns false at the end. */
static bool reader_line(struct reader *r, const char **line, size_t *len, bool *cut)
{
	for (;;) {
		char *p = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *nl;

		if (r->skipping) {
			/* the rest of a line that was cut */
			nl = memchr(p, '\n', avail);
			if (nl) {
				r->start += (size_t)(nl - p) + 1;
				r->skipping = false;
				continue;
			}
			r->start = r->end;
			if (r->eof)
				return false;
			reader_fill(r);
			continue;
		}
		nl = memchr(p, '\n', avail < DX_LINE_MAX + 1 ? avail : DX_LINE_MAX + 1);
		if (nl) {
			r->start += (size_t)(nl - p) + 1;
			*line = p;
			*len = (size_t)(nl - p);
			*cut = false;
			return true;
		}
		if (avail > DX_LINE_MAX) {
			r->start += DX_LINE_MAX;
			r->skipping = true;
			*line = p;
			*len = DX_LINE_MAX;
			*cut = true;
			return true;
		}
		if (r->eof) {
			if (avail == 0)
				return false;
			r->start = r->end;
			*line = p;
			*len = avail;
			*cut = false;
			return true;
		}
		reader_fill(r);
	}
}

/* --- one line --- */

struct line_ctx {
	const char *file;
	long lineno;
	char object[128];          /* the pod a describe or a `kubectl logs POD` is about */
	/* The describe under way is of a claim, a volume, a namespace or a node:
	 * its Status: (a claim's Pending, a namespace's Terminating) is no pod's. */
	bool describe_not_pod;     /* from the describe command */
	bool storage_describe;     /* from a StorageClass: field since the last Name: */
	bool pod_table;
	int name_col;              /* 0, or 1 when the table starts with NAMESPACE */
	bool namespace_table;      /* kubectl get namespaces: NAME STATUS AGE */
	/* In psql's expanded display (\x), after "-[ RECORD 1 ]---", a line is
	 * "column | value": the column is no Compose service's log prefix, and a
	 * value such as granted | f is the row's state. */
	bool psql_record;
	/* The output of a `kubectl logs` (or `oc logs`) in the paste, from the
	 * command to the next prompt: whether it showed any failure. */
	long logs_line;            /* the command's line, 0 when none is open */
	size_t logs_failures;      /* run->failure_lines at the command */
	size_t logs_output;        /* lines of output since */
	char logs_object[128];
	/* Lines left in a describe's "Last State: Terminated" block */
	int last_state_lines;
	char last_reason[64];          /* the Last State's Reason, until its Exit Code line */
	struct dx_http_exchange http;
};

static void set_object(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static size_t split_tokens(const char *s, size_t len, const char **tok, size_t *tlen, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i >= len)
			break;
		tok[n] = s + i;
		while (i < len && !isspace((unsigned char)s[i]))
			i++;
		tlen[n] = (size_t)(s + i - tok[n]);
		n++;
	}
	return n;
}

static bool tok_is(const char *t, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(t, word, n) == 0;
}

static bool is_ready_column(const char *t, size_t n)
{
	size_t i = 0;

	while (i < n && isdigit((unsigned char)t[i]))
		i++;
	if (i == 0 || i >= n || t[i] != '/')
		return false;
	for (i++; i < n; i++)
		if (!isdigit((unsigned char)t[i]))
			return false;
	return true;
}

/* `NAME READY STATUS RESTARTS AGE`, with NAMESPACE first under -A. */
static bool pod_table_header(struct line_ctx *c, const char *s, size_t len)
{
	const char *tok[8];
	size_t tl[8], n = split_tokens(s, len, tok, tl, 8), o;

	if (n < 4)
		return false;
	o = tok_is(tok[0], tl[0], "NAMESPACE") ? 1 : 0;
	if (n < o + 4 || !tok_is(tok[o], tl[o], "NAME") || !tok_is(tok[o + 1], tl[o + 1], "READY") ||
	    !tok_is(tok[o + 2], tl[o + 2], "STATUS") || !tok_is(tok[o + 3], tl[o + 3], "RESTARTS"))
		return false;
	c->pod_table = true;
	c->name_col = (int)o;
	return true;
}

/* kubectl get namespaces prints NAME STATUS AGE, and its rows a phase:
 * Active, or Terminating for one being deleted. */
static bool namespace_table_header(struct line_ctx *c, const char *s, size_t len)
{
	const char *tok[4];
	size_t tl[4], n = split_tokens(s, len, tok, tl, 4);

	if (n != 3 || !tok_is(tok[0], tl[0], "NAME") || !tok_is(tok[1], tl[1], "STATUS") || !tok_is(tok[2], tl[2], "AGE"))
		return false;
	c->namespace_table = true;
	return true;
}

static bool namespace_table_row(struct dx_run *run, struct line_ctx *c, const char *s, size_t len)
{
	const char *tok[4];
	size_t tl[4], n = split_tokens(s, len, tok, tl, 4);
	char status[256], name[128];
	struct dx_origin org = {c->file, c->lineno, name};
	int w;

	if (n != 3 || !(tok_is(tok[1], tl[1], "Active") || tok_is(tok[1], tl[1], "Terminating")))
		return false;
	set_object(name, sizeof(name), tok[0], tl[0]);
	w = snprintf(status, sizeof(status), "Namespace Status: %.*s", (int)tl[1], tok[1]);
	dx_observe_as(run, status, (size_t)w, s, len, &org, DX_STATUS);
	return true;
}

static bool pod_table_row(struct dx_run *run, struct line_ctx *c, const char *s, size_t len)
{
	const char *tok[8];
	size_t tl[8], n = split_tokens(s, len, tok, tl, 8), o = (size_t)c->name_col;
	char status[512], name[128];
	struct dx_origin org = {c->file, c->lineno, name};
	unsigned long ready, total;
	size_t age = o + 4;
	int w;

	if (n < o + 4 || !is_ready_column(tok[o + 1], tl[o + 1]))
		return false;
	set_object(name, sizeof(name), tok[o], tl[o]);
	/* kubectl 1.22+ writes RESTARTS as "3 (5m ago)": the age is the token after the parenthesis */
	if (age < n && tok[age][0] == '(') {
		while (age < n && tok[age][tl[age] - 1] != ')')
			age++;
		age++;   /* past the token that closes it */
	}
	ready = strtoul(tok[o + 1], NULL, 10);
	total = strtoul(memchr(tok[o + 1], '/', tl[o + 1]) + 1, NULL, 10);
	/* how many containers are not ready, which READY says only as a ratio; and the age, which tells a pod that
	 * is starting (seconds) from one that waits */
	w = snprintf(status, sizeof(status), "Status: %.*s Ready: %.*s Restarts: %.*s Unready: %lu%s%.*s",
		     (int)tl[o + 2], tok[o + 2], (int)tl[o + 1], tok[o + 1], (int)tl[o + 3], tok[o + 3],
		     ready < total ? total - ready : 0, age < n ? " Age: " : "", age < n ? (int)tl[age] : 0,
		     age < n ? tok[age] : "");
	dx_observe_as(run, status, (size_t)w < sizeof(status) ? (size_t)w : sizeof(status) - 1, s, len, &org, DX_STATUS);
	/* OOMKilled, ImagePullBackOff, CreateContainerConfigError say more than a status */
	dx_observe(run, s, len, &org, DX_ANY);
	return true;
}

/* "Name:   x" opens a describe; "Status:  Pending" is the pod's phase. */
static bool describe_field(const char *s, size_t len, const char *field, const char **val, size_t *vlen)
{
	size_t fl = strlen(field), i;

	if (len <= fl || memcmp(s, field, fl) != 0)
		return false;
	for (i = fl; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (i == fl || i >= len)
		return false;
	*val = s + i;
	*vlen = len - i;
	while (*vlen > 0 && isspace((unsigned char)(*val)[*vlen - 1]))
		(*vlen)--;
	return true;
}

/* `kubectl describe pvc|pv|ns|node ...`: the kinds whose describe prints a
 * Status: that is not a pod's phase. */
static bool describes_not_pod(const char *s, size_t len)
{
	static const char *const kinds[] = {"pvc", "pv", "persistentvolumeclaim", "persistentvolumeclaims",
					    "persistentvolume", "persistentvolumes", "ns", "namespace", "namespaces",
					    "node", "nodes", "no"};
	const char *tok[24];
	size_t tl[24], n = split_tokens(s, len, tok, tl, 24), i, k;

	for (i = 0; i + 1 < n; i++) {
		if (!tok_is(tok[i], tl[i], "describe"))
			continue;
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (tok_is(tok[i + 1], tl[i + 1], kinds[k]) ||
			    (tl[i + 1] > strlen(kinds[k]) && memcmp(tok[i + 1], kinds[k], strlen(kinds[k])) == 0 &&
			     tok[i + 1][strlen(kinds[k])] == '/'))
				return true;
	}
	return false;
}

/* `kubectl logs [-f] [--previous] [-n ns] POD` and `kubectl describe pod POD`:
 * what follows is about POD. */
static void logs_command(struct line_ctx *c, const char *s, size_t len)
{
	const char *tok[24];
	size_t tl[24], n = split_tokens(s, len, tok, tl, 24), i;
	bool seen_kubectl = false;

	for (i = 0; i < n; i++) {
		if (tok_is(tok[i], tl[i], "kubectl") || tok_is(tok[i], tl[i], "k") || tok_is(tok[i], tl[i], "oc"))
			seen_kubectl = true;
		else if (seen_kubectl && (tok_is(tok[i], tl[i], "logs") || tok_is(tok[i], tl[i], "pod") ||
					  tok_is(tok[i], tl[i], "pods") || tok_is(tok[i], tl[i], "po")))
			break;
	}
	for (i++; i < n; i++) {
		if (tok[i][0] == '-') {
			if ((tok_is(tok[i], tl[i], "-n") || tok_is(tok[i], tl[i], "-c") ||
			     tok_is(tok[i], tl[i], "--namespace") || tok_is(tok[i], tl[i], "--container")) && i + 1 < n)
				i++;
			continue;
		}
		if (tl[i] > 4 && memcmp(tok[i], "pod/", 4) == 0)
			set_object(c->object, sizeof(c->object), tok[i] + 4, tl[i] - 4);
		else
			set_object(c->object, sizeof(c->object), tok[i], tl[i]);
		return;
	}
}

/* `[cert-manager-6b78b7c997-qnwcw] text` (kubetail, and pastes that label
 * each pod's lines): a lower-case name with a hyphen and a digit, as a pod's
 * generated suffix has, so that a level (`[error]`, `[INFO]`) or a program's
 * tag (`[jdbc-ping]`) stays part of the line. */
static size_t bracketed_pod_prefix(const char *s, size_t len, char *object, size_t cap)
{
	size_t i = 1;
	bool hyphen = false, digit = false;

	if (len < 4 || s[0] != '[')
		return 0;
	while (i < len && i < 254 && (islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' ||
				      s[i] == '.')) {
		hyphen = hyphen || s[i] == '-';
		digit = digit || isdigit((unsigned char)s[i]);
		i++;
	}
	if (!hyphen || !digit || i < 4 || i + 1 >= len || s[i] != ']' || s[i + 1] != ' ')
		return 0;
	set_object(object, cap, s + 1, i - 1);
	return i + 2;
}

/* `db_1  | text`, `odoo-1  | text` (Compose) and `[pod/x/container] text`
 * (kubectl logs --prefix): the prefix names the source. */
static size_t log_prefix(const char *s, size_t len, char *object, size_t cap)
{
	size_t i = bracketed_pod_prefix(s, len, object, cap);

	if (i > 0)
		return i;

	if (len > 5 && memcmp(s, "[pod/", 5) == 0) {
		const char *end = memchr(s, ']', len < 300 ? len : 300);
		const char *slash;

		if (!end)
			return 0;
		slash = memchr(s + 5, '/', (size_t)(end - s - 5));
		set_object(object, cap, s + 5, (size_t)((slash ? slash : end) - s - 5));
		i = (size_t)(end - s) + 1;
		return i < len && s[i] == ' ' ? i + 1 : i;
	}
	while (i < len && i < 80 && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '.'))
		i++;
	if (i == 0 || i >= len) 
		return 0;
	{
		size_t name_end = i;

		while (i < len && s[i] == ' ')
			i++;
		if (i >= len || s[i] != '|' || i == name_end)
			return 0;
		set_object(object, cap, s, name_end);
		i++;
		return i < len && s[i] == ' ' ? i + 1 : i;
	}
}

/* The object of an events row: `pod/NAME` (current layout) or the NAME
 * before the KIND column (old layout: LASTSEEN FIRSTSEEN COUNT NAME KIND). */
static bool event_object(const char *s, size_t len, char *object, size_t cap)
{
	const char *tok[6];
	size_t tl[6], n;
	const char *p = memmem(s, len, "pod/", 4);

	if (p && (p == s || isspace((unsigned char)p[-1]))) {
		const char *e = p + 4;

		while (e < s + len && !isspace((unsigned char)*e))
			e++;
		set_object(object, cap, p + 4, (size_t)(e - p - 4));
		return true;
	}
	n = split_tokens(s, len, tok, tl, 6);
	if (n >= 5 && tok_is(tok[4], tl[4], "Pod") && isdigit((unsigned char)tok[2][0])) {
		set_object(object, cap, tok[3], tl[3]);
		return true;
	}
	return false;
}

static void exit_code_line(struct dx_run *run, const struct dx_origin *o, const char *s, size_t len)
{
	const char *p = memmem(s, len, "Exit Code:", 10);
	long code;

	if (!p)
		return;
	p += 10;
	while (p < s + len && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= s + len || !isdigit((unsigned char)*p))
		return;
	code = strtol(p, NULL, 10);
	if (code > 0 && code < 256)
		dx_observe_exit_code(run, (int)code, o, s, len);
}

/* A server's message that a client printed as a Go or JSON string keeps its
 * quotes escaped (failed calling webhook \"webhook.cert-manager.io\"), and
 * an older kubectl's describe separates a field from its value with tabs
 * (Endpoints:<TAB><TAB><none>): the signatures are held against the line
 * with \" read as " and a tab as a space, the evidence shown as it was
 * pasted. */
static void observe_normalised(struct dx_run *run, const char *s, size_t len, const struct dx_origin *o)
{
	char text[8192];
	size_t n = 0;

	if ((!memmem(s, len, "\\\"", 2) && !memchr(s, '\t', len)) || len >= sizeof(text)) {
		dx_observe(run, s, len, o, DX_ANY);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && s[i + 1] == '"')
			continue;
		text[n++] = s[i] == '\t' ? ' ' : s[i];
	}
	dx_observe_as(run, text, n, s, len, o, DX_ANY);
}

/* Whether the pods seen restarting are all others than the one whose log
 * this is: a clean log of a healthy pod says nothing of them. */
static bool restarting_elsewhere(const struct dx_run *run, const char *object)
{
	const struct dx_entry *loop = dx_kb_find("crashloop");
	const struct dx_entry_hits *eh;

	if (!loop || !object[0])
		return false;
	eh = &run->hits[loop - dx_kb];
	for (size_t i = 0; i < eh->nobjects; i++) {
		size_t a = strlen(eh->objects[i]), b = strlen(object), n = a < b ? a : b;

		/* a Deployment's name is the start of its pods' names */
		if (strncmp(eh->objects[i], object, n) == 0)
			return false;
	}
	return eh->nobjects > 0;
}

/* At the end of a `kubectl logs` output: when none of its lines was a
 * failure, that may be evidence too (see dx_judge_clean_logs). It is kept
 * until the whole input is read, because the pod table that says which
 * pods restart may come after the log. */
static void logs_section_end(struct dx_run *run, struct line_ctx *c)
{
	struct dx_clean_log *cl;

	if (c->logs_line == 0)
		return;
	if (run->failure_lines != c->logs_failures) {
		c->logs_line = 0;
		return;
	}
	if (run->nclean_logs < DX_MAX_CLEAN_LOGS) {
		cl = &run->clean_logs[run->nclean_logs++];
		cl->file = c->file;
		cl->line = c->logs_line;
		cl->output = c->logs_output;
		memcpy(cl->object, c->logs_object, sizeof(cl->object));
	} else {
		run->clean_logs_unjudged++;
	}
	c->logs_line = 0;
}

/* A container that restarts in a loop and logs no error did not fail: its
 * main process ended (a shell, a one-shot program, a base image with no
 * service). An exit code other than 0 in the paste says it did fail, only
 * without a word. */
void dx_judge_clean_logs(struct dx_run *run)
{
	char text[256];

	for (size_t i = 0; run->exit_code <= 0 && i < run->nclean_logs; i++) {
		const struct dx_clean_log *cl = &run->clean_logs[i];
		struct dx_origin o = {cl->file, cl->line, cl->object[0] ? cl->object : NULL};
		int n;

		if (restarting_elsewhere(run, cl->object))
			continue;
		n = snprintf(text, sizeof(text), DX_LOGS_NO_FAILURE " %zu line%s of output", cl->output,
			     cl->output == 1 ? "" : "s");
		dx_observe(run, text, (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1, &o, DX_ANY);
	}
	run->nclean_logs = 0;
}

/* A shell prompt that starts a command ("$ kubectl ...", or "$" alone). */
static bool prompt_line(const char *s, size_t len)
{
	return (len >= 1 && s[0] == '$' && (len == 1 || s[1] == ' ')) || (len >= 2 && memcmp(s, "# ", 2) == 0 && len > 2 &&
	       (memmem(s, len, "kubectl ", 8) || memmem(s, len, "oc ", 3)));
}

/* A terminated Last State as one status line: its Reason, and the Exit Code
 * under it once that is read. */
static void observe_last_state(struct dx_run *run, const struct dx_origin *o, const char *reason, const char *code,
			       size_t code_len)
{
	char text[256];
	int n = code ? snprintf(text, sizeof(text), "Last State: Terminated, Reason: %s, Exit Code: %.*s", reason,
				(int)(code_len < 16 ? code_len : 16), code)
		     : snprintf(text, sizeof(text), "Last State: Terminated, Reason: %s", reason);

	dx_observe(run, text, (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1, o, DX_STATUS);
}

/* describe's "Last State: Terminated" and the "Reason:" under it, as one
 * status observation beside the line itself: a container that restarted
 * after it completed. */
static void last_state_line(struct dx_run *run, struct line_ctx *c, const char *s, size_t len,
			    const struct dx_origin *o)
{
	const char *val;
	size_t vlen;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (describe_field(s, len, "Last State:", &val, &vlen)) {
		c->last_state_lines = vlen >= 10 && memcmp(val, "Terminated", 10) == 0 ? 3 : 0;
		c->last_reason[0] = '\0';
		return;
	}
	if (c->last_state_lines > 0 && describe_field(s, len, "Reason:", &val, &vlen)) {
		c->last_state_lines = 0;
		snprintf(c->last_reason, sizeof(c->last_reason), "%.*s", (int)(vlen < 63 ? vlen : 63), val);
		observe_last_state(run, o, c->last_reason, NULL, 0);
		return;
	}
	/* describe prints the Exit Code right under the Reason: together they tell a kill from outside (Error, 137)
	 * from the container's own limit (OOMKilled, 137) */
	if (c->last_reason[0] && describe_field(s, len, "Exit Code:", &val, &vlen)) {
		observe_last_state(run, o, c->last_reason, val, vlen);
		c->last_reason[0] = '\0';
		return;
	}
	if (!describe_field(s, len, "Message:", &val, &vlen))
		c->last_reason[0] = '\0';
	if (c->last_state_lines > 0)
		c->last_state_lines--;
}

static void process_line(struct dx_run *run, struct line_ctx *c, const char *s, size_t len)
{
	char line_object[128] = "";
	struct dx_origin o = {c->file, c->lineno, NULL};
	const char *val;
	size_t vlen, skip;

	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	if (c->logs_line != 0 && prompt_line(s, len))
		logs_section_end(run, c);
	else if (c->logs_line != 0 && len > 0)
		c->logs_output++;
	if (len == 0) {
		c->pod_table = false;
		c->namespace_table = false;
		c->psql_record = false;
		return;
	}
	if (len > 10 && memcmp(s, "-[ RECORD ", 10) == 0)
		c->psql_record = true;
	else if (!memchr(s, '|', len))
		c->psql_record = false;    /* every line of a record has its bar: this one is past the records */
	skip = c->psql_record ? 0 : log_prefix(s, len, line_object, sizeof(line_object));
	s += skip;
	len -= skip;
	if (pod_table_header(c, s, len) || namespace_table_header(c, s, len))
		return;
	if (c->namespace_table) {
		if (namespace_table_row(run, c, s, len))
			return;
		c->namespace_table = false;
	}
	if (c->pod_table) {
		if (pod_table_row(run, c, s, len))
			return;
		c->pod_table = false;
	}
	if (describe_field(s, len, "Name:", &val, &vlen)) {
		set_object(c->object, sizeof(c->object), val, vlen);
		c->storage_describe = false;
		return;
	}
	/* A claim's and a volume's describe name their class before their Status:. */
	if (describe_field(s, len, "StorageClass:", &val, &vlen))
		c->storage_describe = true;
	if (memmem(s, len, "describe ", 9))
		c->describe_not_pod = describes_not_pod(s, len);
	if (!c->describe_not_pod && !c->storage_describe && describe_field(s, len, "Status:", &val, &vlen)) {
		char status[256];
		int w = snprintf(status, sizeof(status), "Status: %.*s", (int)(vlen < 200 ? vlen : 200), val);

		o.object = c->object[0] ? c->object : NULL;
		dx_observe(run, status, (size_t)w, &o, DX_STATUS);
		return;
	}
	if ((memmem(s, len, " logs ", 6) || memmem(s, len, "describe po", 11)) &&
	    (memmem(s, len, "kubectl ", 8) || memmem(s, len, "oc ", 3) || memmem(s, len, "k ", 2))) {
		logs_command(c, s, len);
		/* a filtered log (| grep error) printing nothing says nothing */
		if (memmem(s, len, " logs ", 6) && prompt_line(s, len) && !memchr(s, '|', len)) {
			c->logs_line = c->lineno;
			c->logs_failures = run->failure_lines;
			c->logs_output = 0;
			memcpy(c->logs_object, c->object, sizeof(c->logs_object));
			return;
		}
	}
	if (!line_object[0])
		event_object(s, len, line_object, sizeof(line_object));
	o.object = line_object[0] ? line_object : c->object[0] ? c->object : NULL;
	last_state_line(run, c, s, len, &o);
	dx_http_line(run, &c->http, s, len, &o);
	exit_code_line(run, &o, s, len);
	dx_secret_line(run, s, len, &o);
	if (s[0] == '{') {
		char text[8192];
		size_t tlen;

		/* Without escapes the fields are pieces of the line: no anchor in
		 * the line, none in them, and the line need not be parsed. */
		if (!memchr(s, '\\', len) && !dx_any_anchor(run, s, len))
			return;

		if (dx_json_line(s, len, text, sizeof(text), &tlen)) {
			dx_observe(run, text, tlen, &o, DX_ANY);
			return;
		}
	}
	observe_normalised(run, s, len, &o);
}

void dx_read_lines(struct dx_run *run, const char *name, FILE *fp, const char *head, size_t headlen)
{
	struct reader r = {fp, NULL, 0, 0, 0, false, false, false};
	struct line_ctx c;
	struct dx_embedded emb;
	const char *line;
	size_t len;
	bool cut;

	memset(&c, 0, sizeof(c));
	memset(&emb, 0, sizeof(emb));
	c.file = name;
	r.buf = malloc(READER_BUF);
	if (!r.buf) {
		diag_add(run->d, DIAG_ERROR, &(struct srcpos){name, 0, 0}, NULL, "out of memory reading the input");
		return;
	}
	if (headlen > READER_BUF)
		headlen = READER_BUF;
	if (headlen > 0)
		memcpy(r.buf, head, headlen);
	r.end = headlen;
	while (reader_line(&r, &line, &len, &cut)) {
		c.lineno++;
		run->lines++;
		if (cut)
			run->truncated_lines++;
		process_line(run, &c, line, len);
		dx_embedded_line(run, &emb, name, line, len, c.lineno);
	}
	logs_section_end(run, &c);
	dx_embedded_end(run, &emb, name);
	run->bytes += headlen + r.read;
	if (r.failed)
		diag_add(run->d, DIAG_ERROR, &(struct srcpos){name, 0, 0}, "check the file and read it again",
			 "cannot read: %s", strerror(errno));
	free(r.buf);
}

/* --- whole inputs --- */

#define HEAD_SIZE (64u * 1024)
/* A kubectl JSON or YAML document is read whole; beyond this it is read as lines. */
#define STRUCTURED_MAX (64u * 1024 * 1024)

int dx_read_stream(struct dx_run *run, const char *name, FILE *fp)
{
	char *data = malloc(HEAD_SIZE);
	size_t len = 0, cap = HEAD_SIZE, n;

	if (!data) {
		diag_add(run->d, DIAG_ERROR, &(struct srcpos){name, 0, 0}, NULL, "out of memory reading the input");
		return -1;
	}
	while (len < HEAD_SIZE && (n = fread(data + len, 1, HEAD_SIZE - len, fp)) > 0)
		len += n;
	run->files++;
	if (dx_looks_structured(data, len)) {
		for (;;) {
			char *bigger;

			if (len == cap) {
				if (cap >= STRUCTURED_MAX)
					break;
				bigger = realloc(data, cap * 2);
				if (!bigger)
					break;
				data = bigger;
				cap *= 2;
			}
			n = fread(data + len, 1, cap - len, fp);
			if (n == 0)
				break;
			len += n;
		}
		if (feof(fp)) {
			char *z = len < cap ? data : realloc(data, cap + 1);

			if (z) {
				data = z;
				data[len] = '\0';
				if (dx_read_structured(run, name, data, len) == 0) {
					free(data);
					return 0;
				}
			}
		}
	}
	/* Lines: what was read so far first, then the rest of the stream. */
	if (len <= READER_BUF) {
		dx_read_lines(run, name, fp, data, len);
	} else {
		FILE *mem = fmemopen(data, len, "r");

		if (mem) {
			dx_read_lines(run, name, mem, NULL, 0);
			fclose(mem);
		}
		dx_read_lines(run, name, fp, NULL, 0);
	}
	free(data);
	return 0;
}

int dx_read_path(struct dx_run *run, const char *path)
{
	FILE *fp;
	int rc;

	if (strcmp(path, "-") == 0)
		return dx_read_stream(run, "<stdin>", stdin);
	fp = fopen(path, "rb");
	if (!fp) {
		diag_add(run->d, DIAG_ERROR, &(struct srcpos){path, 0, 0}, "check the path",
			 "cannot open: %s", strerror(errno));
		return -1;
	}
	rc = dx_read_stream(run, path, fp);
	fclose(fp);
	return rc;
}
