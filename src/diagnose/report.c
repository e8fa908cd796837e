/* Diagnoses out: ranked, with confidence, the evidence quoted with its
 * file:line, the cause, the fix, the root cause in the manifests or the
 * Compose project, and what to collect when the evidence is thin. */
#include "diagnose/diagnose.h"

#include <stdio.h>
#include <string.h>

#include "facts/pg_messages.h"
#include "util/buf.h"
#include "util/json.h"

static const char *kind_name(enum dx_kind k)
{
	switch (k) {
	case DXK_CAUSE: return "cause";
	case DXK_SYMPTOM: return "symptom";
	case DXK_INSUFFICIENT: return "insufficient-evidence";
	case DXK_PREDICTED: return "predicted";
	case DXK_CATALOGUE: return "catalogue";
	case DXK_SIMILAR: return "similar";
	case DXK_UNRECOGNISED: return "unrecognised";
	}
	return "cause";
}

static const char *exit_code_meaning(int code)
{
	switch (code) {
	case 1: return "an application error: the log says which";
	case 2: return "a usage error of the command";
	case 126: return "the command is not executable";
	case 127: return "the command was not found in the image";
	case 137: return "killed by SIGKILL: the memory limit (OOMKilled) or a failed liveness probe";
	case 139: return "a segmentation fault";
	case 143: return "stopped by SIGTERM";
	default: return code > 128 ? "killed by a signal" : "the application's own exit status";
	}
}

static size_t evidence_lines(const struct dx_run *run, size_t entry, const struct dx_evidence **out, size_t max)
{
	size_t n = 0;

	for (size_t s = 0; s < DX_MAX_SIGS && dx_kb[entry].sigs[s].anchor; s++) {
		const struct dx_sig_hits *h = &run->hits[entry].sig[s];

		for (size_t k = 0; k < h->nev && n < max; k++)
			out[n++] = &h->ev[k];
	}
	return n;
}

/* What to collect about a component whose failure no entry recognises. */
static const struct {
	const char *component, *collect;
} collect_next[] = {
	{"postgresql", "the PostgreSQL log around the line, with its DETAIL and HINT lines (kubectl logs <db pod> "
		       "--previous), and the server version"},
	{"odoo", "the whole traceback and the 20 lines before it (kubectl logs deploy/<odoo> --tail=300), the Odoo "
		 "version and odoo.conf without its passwords"},
	{"keycloak", "the Keycloak log from its start, with the Caused by: lines (kubectl logs <pod> --previous), and "
		     "the KC_* settings"},
	{"traefik", "Traefik's log at DEBUG (--log.level=DEBUG) and the routers and services of its dashboard"},
	{"nginx", "the ingress controller's log for the request (kubectl logs -n ingress-nginx deploy/...) and the "
		  "Ingress's annotations (kubectl get ingress -o yaml)"},
	{"kubernetes", "kubectl describe of the object the event names, and kubectl get events --sort-by=.lastTimestamp"},
	{"kubelet", "kubectl describe pod <pod> and the node's kubelet log"},
	{"python", "the whole traceback, from its first line to the exception"},
	{"coredns", "kubectl -n kube-system logs -l k8s-app=kube-dns and the coredns ConfigMap (its forward target)"},
	{"cert-manager", "kubectl describe certificate,certificaterequest,order,challenge -n <namespace> and the "
			 "cert-manager controller's log"},
	{"node", "kubectl describe node <node> (Conditions, Allocated resources, Events)"},
	{"kubectl", "kubectl config current-context and kubectl cluster-info (the kubeconfig's server address)"},
	{"browser", "the browser's network tab for the failing request (status, Location header) and the ingress "
		    "controller's log for it"},
	{"http", "the whole response with its headers (curl -iv), and the ingress controller's and the backend pod's "
		 "logs at that time"},
	{"java", "the whole stack trace with its Caused by: lines, and the service's log from its start"},
	{"controller", "the controller's whole log (kubectl logs -n <namespace> deploy/<controller>) and the objects "
		       "its line names"},
	{NULL, NULL},
};

static const char *collect_for(const char *component)
{
	for (size_t k = 0; collect_next[k].component; k++)
		if (strcmp(collect_next[k].component, component) == 0)
			return collect_next[k].collect;
	return "kubectl logs --previous of the pod that printed it, and kubectl describe of that pod";
}

/* The lines no entry explains, by the component that printed them, each
 * component with what to collect next. */
static void human_unrecognised(const struct dx_evidence **ev, size_t nev, struct buf *b)
{
	bool done[DX_MAX_SIGS * DX_EVIDENCE_PER_SIG] = {false};

	for (size_t i = 0; i < nev; i++) {
		const char *comp = ev[i]->component[0] ? ev[i]->component : "unknown source";

		if (done[i])
			continue;
		buf_printf(b, "   %s:\n", comp);
		for (size_t j = i; j < nev; j++)
			if (!done[j] && strcmp(ev[j]->component, ev[i]->component) == 0) {
				buf_printf(b, "     %s:%ld: %s\n", ev[j]->file, ev[j]->line, ev[j]->text);
				done[j] = true;
			}
		buf_printf(b, "     collect: %s\n", collect_for(ev[i]->component));
	}
}

/* A printf format as a reader sees it: each conversion an ellipsis. */
static void put_format(struct buf *b, const char *f)
{
	for (size_t i = 0; f[i];) {
		bool value;

		if (f[i] != '%') {
			buf_putc(b, f[i++]);
			continue;
		}
		if (f[i + 1] == '%')
			buf_putc(b, '%');
		i += pg_format_conversion(&f[i], &value);
		if (value)
			buf_puts(b, "...");
	}
}

static bool server_message(const struct pg_message *m)
{
	return strcmp(m->program, "postgres") == 0;
}

/* Who printed the message: PostgreSQL, or the client program the line names. */
static void message_program(const struct dx_diagnosis *dg, char *out, size_t cap)
{
	if (server_message(dg->message))
		snprintf(out, cap, "PostgreSQL");
	else
		pg_message_program(dg->message, dg->line->text, out, cap);
}

static void put_site(struct buf *b, const struct pg_site *site)
{
	if (site->function[0])
		buf_printf(b, "%s() (%s)", site->function, site->file);
	else
		buf_puts(b, site->file);
}

/* What the message's places and SQLSTATE say of its cause, into b. */
static void message_cause(const struct dx_diagnosis *dg, struct buf *b)
{
	const struct pg_message *m = dg->message;
	const struct pg_site *first = pg_message_site(m, 0);
	const struct pg_sqlstate_class *c = pg_sqlstate_class_of(m->code);
	size_t same = 0;
	char who[40];

	message_program(dg, who, sizeof(who));
	for (size_t i = 0; i < m->nsites; i++)
		same += strcmp(pg_message_site(m, i)->code, m->code) == 0;
	buf_printf(b, "%s raises this error in ", who);
	if (m->nsites > 1)
		buf_printf(b, "%zu places, first ", m->nsites);
	put_site(b, first);
	if (strcmp(m->code, "errno") == 0)
		buf_puts(b, ", when a system call on a file or socket fails: its SQLSTATE follows errno (58P01 for a "
			    "missing file, 42501 for a permission refused)");
	else if (m->code[0]) {
		buf_printf(b, "; SQLSTATE %.5s %s", m->code, m->code[5] == '/' ? m->code + 6 : "");
		if (m->nsites > 1)
			buf_printf(b, " at %zu of them", same);
		if (c)
			buf_printf(b, ", class %s (%s)", c->code, c->name);
	}
	buf_putc(b, '.');
}

static void message_fix(const struct pg_message *m, struct buf *b)
{
	const struct pg_sqlstate_class *c = pg_sqlstate_class_of(m->code);

	if (m->hint[0]) {
		buf_puts(b, "PostgreSQL's own hint: ");
		put_format(b, m->hint);
	} else if (c && c->advice) {
		buf_printf(b, "PostgreSQL gives no hint for this message; its class says: %s", c->advice);
	} else {
		buf_puts(b, "PostgreSQL gives no hint for this message: the source line below shows the condition that "
			    "raises it; the values in the line name what to change");
	}
}

static void human_message(const struct dx_diagnosis *dg, size_t rank, bool color, struct buf *b)
{
	const struct pg_message *m = dg->message;
	const char *bold = color ? "\033[1m" : "", *off = color ? "\033[0m" : "";
	char source[512], who[40];

	pg_site_source(pg_message_site(m, 0), source, sizeof(source));
	message_program(dg, who, sizeof(who));
	buf_printf(b, "%zu. %s%s's error: ", rank, bold, who);
	put_format(b, m->message);
	buf_printf(b, "%s\n   [postgresql-message, catalogue, confidence %d%%]\n", off, dg->confidence);
	buf_printf(b, "   catalogue: no entry matched; PostgreSQL's own message catalogue has this message (PostgreSQL "
		      "%s)\n", m->majors);
	buf_printf(b, "   evidence (1 line):\n     %s:%ld: %s\n", dg->line->file, dg->line->line, dg->line->text);
	buf_puts(b, "   cause: ");
	message_cause(dg, b);
	buf_putc(b, '\n');
	if (m->detail[0]) {
		buf_puts(b, "   detail: PostgreSQL adds: ");
		put_format(b, m->detail);
		buf_putc(b, '\n');
	}
	buf_puts(b, "   fix: ");
	message_fix(m, b);
	buf_printf(b, "\n   source: %s\n", source);
	if (m->nsites > 1) {
		buf_puts(b, "   also raised in:");
		for (size_t i = 1; i < m->nsites && i <= 3; i++) {
			buf_puts(b, i > 1 ? ", " : " ");
			put_site(b, pg_message_site(m, i));
		}
		if (m->nsites > 4)
			buf_printf(b, " and %zu more", m->nsites - 4);
		buf_putc(b, '\n');
	}
	buf_printf(b, "   collect: %s\n\n", server_message(m)
		   ? "the server log around the line with its DETAIL, HINT and STATEMENT lines, and the server version "
		     "(SELECT version())"
		   : "the whole command line and its output, and the versions of the program and of the server");
}

static void human_one(const struct dx_run *run, const struct dx_diagnosis *dg, size_t rank, bool color, struct buf *b)
{
	const struct dx_entry *e = &dx_kb[dg->entry];
	const struct dx_entry_hits *eh = &run->hits[dg->entry];
	const struct dx_evidence *ev[DX_MAX_SIGS * DX_EVIDENCE_PER_SIG];
	size_t nev = evidence_lines(run, dg->entry, ev, sizeof(ev) / sizeof(ev[0])), shown = 0;
	const char *bold = color ? "\033[1m" : "", *off = color ? "\033[0m" : "";

	if (dg->kind == DXK_CATALOGUE) {
		human_message(dg, rank, color, b);
		return;
	}
	buf_printf(b, "%zu. %s%s%s%s%s\n   [%s, %s, confidence %d%%]\n", rank, bold, e->title,
		   dg->subject ? ": " : "", dg->subject ? dg->subject : "", off, e->id, kind_name(dg->kind), dg->confidence);
	if (dg->kind == DXK_INSUFFICIENT)
		buf_puts(b, "   insufficient evidence: the input shows that it fails, not why\n");
	else if (dg->kind == DXK_UNRECOGNISED)
		buf_puts(b, "   unrecognised: these lines show a failure that no knowledge-base entry explains\n");
	else if (dg->kind == DXK_SIMILAR)
		buf_puts(b, "   similar: no signature matched; this line holds most of the words of one of this failure's signatures, "
			    "so it may be this failure in another wording\n");
	else if (dg->kind == DXK_SYMPTOM)
		buf_puts(b, "   a symptom: the causes above are the likely reason\n");
	if (eh->nobjects > 0) {
		buf_puts(b, "   about:");
		for (size_t i = 0; i < eh->nobjects; i++)
			buf_printf(b, " %s", eh->objects[i]);
		buf_putc(b, '\n');
	}
	if (nev > 0 && dg->kind == DXK_UNRECOGNISED) {
		buf_printf(b, "   evidence (%zu line%s), by component:\n", dg->count, dg->count == 1 ? "" : "s");
		human_unrecognised(ev, nev, b);
	} else if (nev > 0) {
		buf_printf(b, "   evidence (%zu line%s):\n", dg->count, dg->count == 1 ? "" : "s");
		for (size_t i = 0; i < nev && shown < 4; i++, shown++)
			buf_printf(b, "     %s:%ld: %s\n", ev[i]->file, ev[i]->line, ev[i]->text);
	}
	if (dg->ruled_out)
		buf_printf(b, "   ruled out or cleared by a later line: %s:%ld: %s\n", dg->ruled_out->file, dg->ruled_out->line,
			   dg->ruled_out->text);
	if (dg->exit_code > 0)
		buf_printf(b, "   exit code %d (%s:%ld): %s\n", dg->exit_code, run->exit_ev.file, run->exit_ev.line,
			   exit_code_meaning(dg->exit_code));
	buf_printf(b, "   cause: %s\n", e->cause);
	for (size_t i = 0; i < dg->ncauses; i++) {
		const struct dx_rootcause *rc = &run->rootcauses[dg->causes[i]];

		buf_printf(b, "   root cause: %s:%d:%d: %s%s%s [%s]\n", rc->file ? rc->file : "", rc->line, rc->col,
			   rc->object ? rc->object : "", rc->object ? ": " : "", rc->message ? rc->message : "", rc->rule);
		if (rc->fix)
			buf_printf(b, "     change: %s\n", rc->fix);
	}
	buf_printf(b, "   fix: %s\n", e->fix);
	if (e->collect && dg->kind != DXK_SYMPTOM && dg->kind != DXK_PREDICTED && (dg->kind == DXK_INSUFFICIENT || dg->ncauses == 0))
		buf_printf(b, "   collect: %s\n", e->collect);
	buf_putc(b, '\n');
}

/* What the reading left out, so that an answer is never taken for more than it is. */
static void human_notes(const struct dx_run *run, struct buf *b)
{
	if (run->truncated_lines)
		buf_printf(b, "note: %zu line%s longer than 64 KiB were read up to 64 KiB\n", run->truncated_lines,
			   run->truncated_lines == 1 ? "" : "s");
	if (run->clean_logs_unjudged)
		buf_printf(b, "note: %zu more `kubectl logs` output%s without a failure line were not weighed (only the first "
			   "%d are): paste the log of the restarting pod alone\n", run->clean_logs_unjudged,
			   run->clean_logs_unjudged == 1 ? "" : "s", DX_MAX_CLEAN_LOGS);
}

static void human(const struct dx_run *run, bool color, struct buf *b)
{
	size_t causes = 0;

	for (size_t i = 0; i < run->ndiagnoses; i++)
		causes += run->diagnoses[i].kind == DXK_CAUSE || run->diagnoses[i].kind == DXK_PREDICTED;
	if (run->ndiagnoses == 0) {
		if (run->files > 0)
			buf_printf(b, "kgenius diagnose: no known failure in %zu line%s of %zu input%s", run->lines,
				   run->lines == 1 ? "" : "s", run->files, run->files == 1 ? "" : "s");
		else
			buf_puts(b, "kgenius diagnose: nothing");
		if (run->have_manifests || run->have_compose)
			buf_printf(b, "%s in the %s is known to fail", run->files > 0 ? "; nothing" : "",
				   run->have_manifests && run->have_compose ? "manifests or the Compose project"
				   : run->have_manifests ? "manifests" : "Compose project");
		buf_puts(b, "\n");
		human_notes(run, b);
		return;
	}
	if (run->lines == 0)
		buf_printf(b, "kgenius diagnose: no failure output given; %zu failure%s predicted from the %s\n\n",
			   run->ndiagnoses, run->ndiagnoses == 1 ? "" : "s",
			   run->have_manifests && run->have_compose ? "manifests and the Compose project"
			   : run->have_manifests ? "manifests" : "Compose project");
	else
		buf_printf(b, "kgenius diagnose: %zu diagnos%s (%zu cause%s) from %zu line%s of %zu input%s\n\n",
			   run->ndiagnoses, run->ndiagnoses == 1 ? "is" : "es", causes, causes == 1 ? "" : "s", run->lines,
			   run->lines == 1 ? "" : "s", run->files, run->files == 1 ? "" : "s");
	for (size_t i = 0; i < run->ndiagnoses; i++)
		human_one(run, &run->diagnoses[i], i + 1, color, b);
	human_notes(run, b);
}

static void json_evidence(struct json *j, const char *member, const struct dx_evidence *ev, bool component)
{
	if (member)
		json_key(j, member);
	json_object(j);
	json_member_str(j, "file", ev->file);
	json_member_int(j, "line", ev->line);
	if (component)
		json_member_str(j, "component", ev->component);
	json_member_str(j, "text", ev->text);
	json_end(j);
}

static void json_root_causes(const struct dx_run *run, const struct dx_diagnosis *dg, struct json *j)
{
	json_key(j, "root_causes");
	json_array(j);
	for (size_t i = 0; i < dg->ncauses; i++) {
		const struct dx_rootcause *rc = &run->rootcauses[dg->causes[i]];

		json_object(j);
		json_member_str(j, "file", rc->file);
		json_member_int(j, "line", rc->line);
		json_member_int(j, "column", rc->col);
		json_member_str(j, "rule", rc->rule);
		json_member_str(j, "object", rc->object);
		json_member_str(j, "message", rc->message);
		json_member_str(j, "change", rc->fix);
		json_end(j);
	}
	json_end(j);
}

/* The text of a builder's buffer as a JSON member; out of memory leaves it empty. */
static void json_member_buf(struct json *j, const char *key, struct buf *t)
{
	json_member_str(j, key, t->data ? t->data : "");
	buf_free(t);
	*t = (struct buf){0};
}

static void json_message(const struct dx_diagnosis *dg, size_t rank, struct json *j)
{
	const struct pg_message *m = dg->message;
	struct buf t = {0};
	char source[512], who[40];

	json_object(j);
	json_member_uint(j, "rank", rank);
	json_member_str(j, "id", "postgresql-message");
	json_member_str(j, "category", "postgresql");
	json_member_str(j, "kind", kind_name(dg->kind));
	put_format(&t, m->message);
	json_member_buf(j, "title", &t);
	json_member_int(j, "confidence", dg->confidence);
	json_member_uint(j, "count", dg->count);
	json_key(j, "evidence");
	json_array(j);
	json_evidence(j, NULL, dg->line, true);
	json_end(j);
	message_cause(dg, &t);
	json_member_buf(j, "cause", &t);
	message_fix(m, &t);
	json_member_buf(j, "fix", &t);
	json_key(j, "catalogue");
	json_object(j);
	message_program(dg, who, sizeof(who));
	json_member_str(j, "program", who);
	json_member_str(j, "sqlstate", m->code);
	json_member_str(j, "message", m->message);
	json_member_str(j, "detail", m->detail);
	json_member_str(j, "hint", m->hint);
	json_member_str(j, "versions", m->majors);
	json_key(j, "places");
	json_array(j);
	for (size_t i = 0; i < m->nsites; i++) {
		const struct pg_site *site = pg_message_site(m, i);

		pg_site_source(site, source, sizeof(source));
		json_object(j);
		json_member_str(j, "sqlstate", site->code);
		json_member_str(j, "function", site->function);
		json_member_str(j, "source", source);
		json_end(j);
	}
	json_end(j);
	json_end(j);
	json_end(j);
}

static void json_one(const struct dx_run *run, const struct dx_diagnosis *dg, size_t rank, struct json *j)
{
	const struct dx_entry *e = &dx_kb[dg->entry];
	const struct dx_entry_hits *eh = &run->hits[dg->entry];
	const struct dx_evidence *ev[DX_MAX_SIGS * DX_EVIDENCE_PER_SIG];
	size_t nev = evidence_lines(run, dg->entry, ev, sizeof(ev) / sizeof(ev[0]));

	if (dg->kind == DXK_CATALOGUE) {
		json_message(dg, rank, j);
		return;
	}
	json_object(j);
	json_member_uint(j, "rank", rank);
	json_member_str(j, "id", e->id);
	json_member_str(j, "category", e->category);
	json_member_str(j, "kind", kind_name(dg->kind));
	json_member_str(j, "title", e->title);
	json_member_str(j, "subject", dg->subject);
	json_member_int(j, "confidence", dg->confidence);
	json_member_uint(j, "count", dg->count);
	if (dg->exit_code > 0)
		json_member_int(j, "exit_code", dg->exit_code);
	json_key(j, "objects");
	json_array(j);
	for (size_t i = 0; i < eh->nobjects; i++)
		json_str(j, eh->objects[i]);
	json_end(j);
	json_key(j, "evidence");
	json_array(j);
	for (size_t i = 0; i < nev; i++)
		json_evidence(j, NULL, ev[i], true);
	json_end(j);
	if (dg->ruled_out)
		json_evidence(j, "ruled_out_by", dg->ruled_out, false);
	json_member_str(j, "cause", e->cause);
	json_member_str(j, "fix", e->fix);
	json_member_str(j, "collect", e->collect);
	json_root_causes(run, dg, j);
	json_end(j);
}

static void json(const struct dx_run *run, struct buf *b)
{
	struct json j;

	json_init(&j, b, false);
	json_object(&j);
	json_key(&j, "inputs");
	json_object(&j);
	json_member_uint(&j, "files", run->files);
	json_member_uint(&j, "lines", run->lines);
	json_member_uint(&j, "bytes", run->bytes);
	json_member_uint(&j, "truncated_lines", run->truncated_lines);
	json_member_uint(&j, "clean_logs_unjudged", run->clean_logs_unjudged);
	json_member_bool(&j, "manifests", run->have_manifests);
	json_member_bool(&j, "compose", run->have_compose);
	json_end(&j);
	json_key(&j, "diagnoses");
	json_array(&j);
	for (size_t i = 0; i < run->ndiagnoses; i++)
		json_one(run, &run->diagnoses[i], i + 1, &j);
	json_end(&j);
	json_end(&j);
	buf_putc(b, '\n');
}

void dx_render(const struct dx_run *run, enum dx_format fmt, bool color, struct buf *b)
{
	if (fmt == DX_JSON)
		json(run, b);
	else
		human(run, color, b);
}
