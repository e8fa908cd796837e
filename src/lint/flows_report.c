/* lint --flows: every required flow with its verdict and why, then who can
 * reach whom among the pods of the set; as text, JSON or Graphviz DOT. */
#include <string.h>

#include "lint/flows.h"
#include "util/buf.h"
#include "util/json.h"

/* The matrix compares every pair of pod templates: above this many it is
 * left out, so the report stays readable and its cost bounded. */
#define MATRIX_MAX_WORKLOADS 200

static const char *verdict_name(enum np_verdict v)
{
	return v == NP_ALLOWED ? "ALLOWED" : v == NP_BLOCKED ? "BLOCKED" : "NOT EVALUATED";
}

static void side_text(struct buf *b, const char *dir, enum np_verdict v, const struct netpol *allowing,
		      const struct netpol *isolating)
{
	if (v == NP_BLOCKED)
		buf_printf(b, "%s: isolated by NetworkPolicy %s, no policy allows it", dir, isolating ? isolating->name : "?");
	else if (v == NP_UNKNOWN)
		buf_printf(b, "%s: isolated by NetworkPolicy %s, not evaluated", dir, isolating ? isolating->name : "?");
	else if (allowing)
		buf_printf(b, "%s: allowed by %s %s", dir, allowing->cilium ? "CiliumNetworkPolicy" : "NetworkPolicy",
			   allowing->name);
	else
		buf_printf(b, "%s: not isolated", dir);
}

/* "egress: allowed by NetworkPolicy odoo; ingress: not isolated" */
static void reason(struct buf *b, const struct required_flow *fl)
{
	side_text(b, "egress", fl->why.out, fl->why.allowing_out, fl->why.isolating_out);
	buf_puts(b, "; ");
	side_text(b, "ingress", fl->why.in, fl->why.allowing_in, fl->why.isolating_in);
	if (fl->why.verdict == NP_UNKNOWN)
		buf_printf(b, " (depends on %s)", fl->why.unknown_why);
}

struct matrix_cell {
	const struct workload *from, *to;
	int ports[16];
	size_t nports;
};

/* The declared TCP ports of to that from may reach. */
static bool reach(const struct flow_index *f, const struct workload *from, const struct workload *to,
		  struct matrix_cell *cell)
{
	struct np_endpoint src = {.label = from->object, .ns = from->ns, .pod_labels = &from->pod_labels,
				  .ports = from->ports, .nports = from->nports, .in_set = true};
	struct np_endpoint dst = {.label = to->object, .ns = to->ns, .pod_labels = &to->pod_labels, .ports = to->ports,
				  .nports = to->nports, .in_set = true};

	cell->from = from;
	cell->to = to;
	cell->nports = 0;
	for (size_t p = 0; p < to->nports && cell->nports < 16; p++)
		if (to->ports[p].number > 0 &&
		    netpol_evaluate(&f->pols, &src, &dst, NP_TCP, to->ports[p].number).verdict == NP_ALLOWED)
			cell->ports[cell->nports++] = to->ports[p].number;
	return cell->nports > 0;
}

/* Calls fn for every ordered pair of pod templates where the first reaches
 * the second on some declared port; n counts the calls before this one. */
static void each_cell(const struct lint_run *r, const struct flow_index *f,
		      void (*fn)(void *out, const struct matrix_cell *, size_t n), void *out)
{
	size_t n = 0;

	for (size_t i = 0; i < r->index.nworkloads; i++)
		for (size_t k = 0; k < r->index.nworkloads; k++) {
			struct matrix_cell cell;

			if (i != k && reach(f, &r->index.workloads[i], &r->index.workloads[k], &cell))
				fn(out, &cell, n++);
		}
}

static void text_cell(void *out, const struct matrix_cell *cell, size_t n)
{
	struct buf *b = out;

	(void)n;
	buf_printf(b, "  %s -> %s: TCP", cell->from->object, cell->to->object);
	for (size_t p = 0; p < cell->nports; p++)
		buf_printf(b, "%s%d", p ? "," : " ", cell->ports[p]);
	buf_puts(b, "\n");
}

static void json_cell(void *out, const struct matrix_cell *cell, size_t n)
{
	struct json *j = out;

	(void)n;
	json_object(j);
	json_member_str(j, "from", cell->from->object);
	json_member_str(j, "to", cell->to->object);
	json_member_array(j, "tcp_ports");
	for (size_t p = 0; p < cell->nports; p++)
		json_int(j, cell->ports[p]);
	json_end(j);
	json_end(j);
}

static bool matrix_shown(const struct lint_run *r)
{
	return r->index.nworkloads <= MATRIX_MAX_WORKLOADS;
}

static void text_report(const struct lint_run *r, const struct flow_index *f, struct buf *b)
{
	buf_printf(b, "Required flows (ingress controller: %s", f->controller->name);
	if (f->controller->reserved_identity)
		buf_puts(b, ", Cilium's reserved identity ingress)\n");
	else
		buf_printf(b, " in namespace %s)\n", f->controller_ns);
	for (size_t i = 0; i < f->n; i++) {
		const struct required_flow *fl = &f->v[i];

		buf_printf(b, "  %-13s %-16s %s -> %s  %s %d\n                ", verdict_name(fl->why.verdict), fl->purpose,
			   fl->from, fl->to, np_protocol_name(fl->protocol), fl->port);
		reason(b, fl);
		buf_puts(b, "\n");
	}
	buf_printf(b, "%zu required flows: %zu allowed, %zu blocked, %zu not evaluated\n", f->n, f->counts[NP_ALLOWED],
		   f->counts[NP_BLOCKED], f->counts[NP_UNKNOWN]);
	if (!matrix_shown(r)) {
		buf_printf(b, "\nWho can reach whom: left out above %d pod templates\n", MATRIX_MAX_WORKLOADS);
		return;
	}
	buf_puts(b, "\nWho can reach whom (pod templates of the set, on the ports they declare)\n");
	each_cell(r, f, text_cell, b);
}

static const char *verdict_json(enum np_verdict v)
{
	return v == NP_ALLOWED ? "allowed" : v == NP_BLOCKED ? "blocked" : "not-evaluated";
}

static void json_flow(struct json *j, const struct required_flow *fl)
{
	struct buf why = BUF_INIT;

	reason(&why, fl);
	json_object(j);
	json_member_str(j, "purpose", fl->purpose);
	json_member_str(j, "from", fl->from);
	json_member_str(j, "to", fl->to);
	json_member_str(j, "protocol", np_protocol_name(fl->protocol));
	json_member_int(j, "port", fl->port);
	json_member_str(j, "verdict", verdict_json(fl->why.verdict));
	json_member_str(j, "reason", buf_cstr(&why));
	json_member_str(j, "rule",
			fl->why.verdict == NP_ALLOWED ? NULL : fl->why.verdict == NP_BLOCKED ? fl->rule_id : "XRF016");
	json_end(j);
	if (why.failed)
		j->b->failed = true;
	buf_free(&why);
}

static void json_report(const struct lint_run *r, const struct flow_index *f, struct buf *b)
{
	struct json j;

	json_init(&j, b, false);
	json_object(&j);
	json_member_object(&j, "controller");
	json_member_str(&j, "kind", f->controller->name);
	json_member_str(&j, "namespace", f->controller->reserved_identity ? NULL : f->controller_ns);
	json_end(&j);
	json_member_array(&j, "flows");
	for (size_t i = 0; i < f->n; i++)
		json_flow(&j, &f->v[i]);
	json_end(&j);
	json_member_object(&j, "summary");
	json_member_uint(&j, "flows", f->n);
	json_member_uint(&j, "allowed", f->counts[NP_ALLOWED]);
	json_member_uint(&j, "blocked", f->counts[NP_BLOCKED]);
	json_member_uint(&j, "not_evaluated", f->counts[NP_UNKNOWN]);
	json_end(&j);
	json_key(&j, "matrix");
	if (matrix_shown(r)) {
		json_array(&j);
		each_cell(r, f, json_cell, &j);
		json_end(&j);
	} else {
		json_str(&j, NULL);
	}
	json_end(&j);
	buf_putc(b, '\n');
}

/* A DOT identifier: the label, quoted, with " and \ escaped. */
static void dot_id(struct buf *b, const char *s)
{
	buf_puts(b, "\"");
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_puts(b, "\\");
		buf_putc(b, *s);
	}
	buf_puts(b, "\"");
}

static bool same_edge(const struct required_flow *a, const struct required_flow *b)
{
	return a->why.verdict == b->why.verdict && strcmp(a->purpose, b->purpose) == 0 && strcmp(a->from, b->from) == 0 &&
	       strcmp(a->to, b->to) == 0;
}

/* The end of the run of flows starting at i with the same ends, purpose and verdict. */
static size_t run_end(const struct flow_index *f, size_t i)
{
	size_t end = i + 1;

	while (end < f->n && same_edge(&f->v[end], &f->v[i]))
		end++;
	return end;
}

static void ports_of_run(struct buf *b, const struct flow_index *f, size_t i, size_t end)
{
	for (size_t k = i; k < end; k++)
		buf_printf(b, "%s%s %d", k > i ? ", " : "", np_protocol_name(f->v[k].protocol), f->v[k].port);
}

void flows_one_line(const struct lint_run *r, struct buf *b)
{
	const struct flow_index *f = r->index.flows;

	for (size_t i = 0, end; f && i < f->n; i = end) {
		end = run_end(f, i);
		buf_printf(b, "%s%s: %s -> %s (", i ? "; " : "", f->v[i].purpose, f->v[i].from, f->v[i].to);
		ports_of_run(b, f, i, end);
		buf_puts(b, ")");
	}
}

/* One edge per run of flows with the same ends, purpose and verdict
 * (DNS on UDP and TCP, a route's two ports). */
static void dot_report(const struct lint_run *r, const struct flow_index *f, struct buf *b)
{
	static const char *const colour[] = {"forestgreen", "red3", "darkorange"};
	static const char *const mark[] = {"", " BLOCKED", " NOT EVALUATED"};

	(void)r;
	buf_puts(b, "digraph flows {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
		    "  edge [fontname=\"Helvetica\", fontsize=10];\n");
	for (size_t i = 0; i < f->n;) {
		const struct required_flow *fl = &f->v[i];
		size_t end = run_end(f, i);

		buf_puts(b, "  ");
		dot_id(b, fl->from);
		buf_puts(b, " -> ");
		dot_id(b, fl->to);
		buf_printf(b, " [color=%s, fontcolor=%s%s, label=\"%s", colour[fl->why.verdict], colour[fl->why.verdict],
			   fl->why.verdict == NP_ALLOWED ? "" : ", penwidth=2", fl->purpose);
		buf_puts(b, " ");
		ports_of_run(b, f, i, end);
		buf_printf(b, "%s\"];\n", mark[fl->why.verdict]);
		i = end;
	}
	buf_puts(b, "}\n");
}

int flows_write(const struct lint_run *r, enum flows_format fmt, FILE *fp)
{
	const struct flow_index *f = r->index.flows;
	struct buf b = BUF_INIT;
	int rc = 0;

	if (!f || !f->controller)
		return -1;
	if (fmt == FLOWS_JSON)
		json_report(r, f, &b);
	else if (fmt == FLOWS_DOT)
		dot_report(r, f, &b);
	else
		text_report(r, f, &b);
	if (b.len && fwrite(b.data, 1, b.len, fp) != b.len)
		rc = -1;
	buf_free(&b);
	return rc;
}
