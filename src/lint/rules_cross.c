/* Rules over the whole set of objects: selectors, ports, references,
 * claims, network flows, budgets and autoscaler targets. */
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "facts/network.h"
#include "lint/internal.h"

static bool same_ns(const char *a, const char *b)
{
	return strcmp(a ? a : "default", b ? b : "default") == 0;
}

static bool selects(const struct labels *sel, const struct workload *w, const char *ns)
{
	return sel->n && same_ns(w->ns, ns) && labels_match(sel, &w->pod_labels);
}

/* Whether the set can vouch that a pod template, or a Service, is absent:
 * not when a file stopped at a syntax error, and not when the set holds none
 * of that kind at all (an Ingress linted on its own, say). */
static bool knows_all_workloads(const struct lint_run *r)
{
	return !r->incomplete && r->index.nworkloads > 0;
}

static bool knows_all_services(const struct lint_run *r)
{
	return !r->incomplete && r->index.nservices > 0;
}

static void services(struct lint_run *r)
{
	const struct lint_index *ix = &r->index;

	for (size_t i = 0; i < ix->nservices; i++) {
		const struct svc_summary *s = &ix->services[i];
		size_t first = 0, n;
		bool any = false;

		if (!s->selector.n)
			continue;  /* no selector: endpoints are managed by hand */
		n = index_candidates(ix, s->ns, &s->selector, &first);
		for (size_t c = first; c < first + n && !any; c++)
			any = selects(&s->selector, &ix->workloads[ix->pod_labels[c].workload], s->ns);
		if (!any) {
			if (!knows_all_workloads(r))
				continue;
			lint_report_at(r, "XRF001", &s->pos, s->object, s->ignore,
				       "Service %s selects no pod template in the set", s->name);
			continue;
		}
		for (size_t p = 0; p < s->nports; p++) {
			const struct svc_port *sp = &s->ports[p];
			bool found = false, declared = false;

			for (size_t c = first; c < first + n && !found; c++) {
				const struct workload *wl = &ix->workloads[ix->pod_labels[c].workload];
				if (!selects(&s->selector, wl, s->ns))
					continue;
				declared = declared || wl->nports > 0;
				for (size_t k = 0; k < wl->nports && !found; k++)
					found = sp->target_name ? wl->ports[k].name && strcmp(wl->ports[k].name, sp->target_name) == 0
								: wl->ports[k].number == sp->target;
			}
			/* A number can only be checked against declared ports. */
			if (!found && (sp->target_name || declared))
				lint_report_at(r, "XRF002", &sp->pos, s->object, s->ignore,
					       "Service %s targets port %s%.0d, which no selected container declares", s->name,
					       sp->target_name ? sp->target_name : "", sp->target_name ? 0 : sp->target);
		}
	}
}

static void backends(struct lint_run *r)
{
	const struct lint_index *ix = &r->index;

	for (size_t i = 0; i < ix->nbackends; i++) {
		const struct backend *b = &ix->backends[i];
		const struct svc_summary *s = index_service(ix, b->ns, b->service);
		bool port = false;

		if (!s) {
			if (!knows_all_services(r))
				continue;
			lint_report_at(r, "XRF003", &b->pos, b->object, b->ignore, "backend Service %s is not in the set", b->service);
			continue;
		}
		for (size_t p = 0; p < s->nports && !port; p++)
			port = b->port_name ? s->ports[p].name && strcmp(s->ports[p].name, b->port_name) == 0 : s->ports[p].port == b->port;
		if (!port && (b->port_name || b->port))
			lint_report_at(r, "XRF004", &b->pos, b->object, b->ignore, "Service %s has no port %s%.0d", b->service,
				       b->port_name ? b->port_name : "", b->port_name ? 0 : b->port);
	}
}

static const struct defined *find_defined(const struct lint_index *ix, bool secret, const char *ns, const char *name)
{
	for (size_t i = 0; i < ix->ndefined; i++)
		if (ix->defined[i].secret == secret && same_ns(ix->defined[i].ns, ns) && strcmp(ix->defined[i].name, name) == 0)
			return &ix->defined[i];
	return NULL;
}

static void references(struct lint_run *r, const struct workload *w)
{
	for (size_t i = 0; i < w->nrefs; i++) {
		const struct ref *ref = &w->refs[i];
		const struct defined *d = find_defined(&r->index, ref->secret, w->ns, ref->name);
		bool key = false;

		if (!d) {
			if (!ref->optional)
				lint_report_at(r, "XRF005", &ref->pos, w->object, w->ignore,
					       "%s %s is external to the set: the pod stays in CreateContainerConfigError until "
					       "it exists in the cluster", ref->secret ? "Secret" : "ConfigMap", ref->name);
			continue;
		}
		if (!ref->key)
			continue;
		for (size_t k = 0; k < d->nkeys && !key; k++)
			key = strcmp(d->keys[k], ref->key) == 0;
		if (!key && !ref->optional)
			lint_report_at(r, "XRF006", &ref->pos, w->object, w->ignore, "%s %s has no key %s",
				       ref->secret ? "Secret" : "ConfigMap", ref->name, ref->key);
	}
}

static void claims(struct lint_run *r)
{
	const struct lint_index *ix = &r->index;

	for (size_t c = 0; c < ix->nclaims; c++) {
		const struct claim *cl = &ix->claims[c];
		const struct workload *first = NULL;
		int users = 0;

		/* Pods pinned to the node of another user of the claim share the
		 * attachment: ReadWriteOnce is per node. */

		if (!cl->rwo)
			continue;
		for (size_t i = 0; i < ix->nworkloads; i++) {
			const struct workload *w = &ix->workloads[i];
			for (size_t k = 0; k < w->nclaims; k++) {
				if (!same_ns(w->ns, cl->ns) || strcmp(w->claims[k], cl->name) != 0)
					continue;
				if (!first)
					first = w;
				if (first != w && ((w->colocated.n && labels_match(&w->colocated, &first->pod_labels)) ||
						   (first->colocated.n && labels_match(&first->colocated, &w->pod_labels))))
					continue;
				users += w->replicas > 1 || w->scaled ? 2 : 1;
				if (w->replicas > 1 || w->scaled)
					lint_report_at(r, "XRF007", &w->claim_pos[k], w->object, w->ignore,
						       "ReadWriteOnce claim %s is mounted by %s pods of %s: on another node "
						       "they fail with Multi-Attach", cl->name,
						       w->scaled ? "autoscaled" : "several", w->name);
			}
		}
		if (users > 1 && first && first->replicas <= 1 && !first->scaled)
			lint_report_at(r, "XRF007", &cl->pos, cl->object, cl->ignore,
				       "ReadWriteOnce claim %s is mounted by several workloads", cl->name);
	}
}

static bool covered(const struct selector_obj *o, const struct workload *w)
{
	return same_ns(o->ns, w->ns) && (o->selector.n == 0 || labels_match(&o->selector, &w->pod_labels));
}

/* What the NetworkPolicies covering a workload (or, for policies with an
 * empty podSelector, a whole namespace) say about it. */
struct coverage {
	const char *ns;
	bool denied, egress, dns;
};

static void cover(struct coverage *c, const struct selector_obj *o)
{
	c->denied = c->denied || (o->selector.n == 0 && o->ingress);
	c->egress = c->egress || o->egress;
	c->dns = c->dns || o->allows_dns || o->out_any;
}

static void merge(struct coverage *into, const struct coverage *from)
{
	into->denied = into->denied || from->denied;
	into->egress = into->egress || from->egress;
	into->dns = into->dns || from->dns;
}

static int coverage_cmp(const void *a, const void *b)
{
	return strcmp(((const struct coverage *)a)->ns, ((const struct coverage *)b)->ns);
}

/* One entry per namespace with policies that select every pod in it. */
static size_t namespace_coverage(const struct lint_index *ix, struct coverage *v)
{
	size_t n = 0, merged = 0;

	for (size_t k = 0; k < ix->nselobjs; k++) {
		const struct selector_obj *o = &ix->selobjs[k];
		if (strcmp(o->kind, "NetworkPolicy") != 0 || o->selector.n != 0)
			continue;
		v[n] = (struct coverage){o->ns ? o->ns : "default", false, false, false};
		cover(&v[n++], o);
	}
	qsort(v, n, sizeof(*v), coverage_cmp);
	for (size_t i = 0; i < n; i++) {
		if (merged && strcmp(v[merged - 1].ns, v[i].ns) == 0)
			merge(&v[merged - 1], &v[i]);
		else
			v[merged++] = v[i];
	}
	return merged;
}

static void network(struct lint_run *r)
{
	const struct lint_index *ix = &r->index;
	struct coverage *pods = calloc(ix->nworkloads + 1, sizeof(*pods));
	struct coverage *spaces = calloc(ix->nselobjs + 1, sizeof(*spaces));
	size_t nspaces;

	if (!pods || !spaces) {
		free(pods);
		free(spaces);
		return;
	}
	nspaces = namespace_coverage(ix, spaces);
	for (size_t k = 0; k < ix->nselobjs; k++) {
		const struct selector_obj *o = &ix->selobjs[k];
		size_t first, n;

		if (strcmp(o->kind, "NetworkPolicy") != 0 || o->selector.n == 0)
			continue;
		n = index_candidates(ix, o->ns, &o->selector, &first);
		for (size_t c = first; c < first + n; c++) {
			size_t i = ix->pod_labels[c].workload;
			if (covered(o, &ix->workloads[i]))
				cover(&pods[i], o);
		}
	}
	for (size_t i = 0; i < ix->nworkloads; i++) {
		const struct workload *w = &ix->workloads[i];
		struct coverage key = {w->ns ? w->ns : "default", false, false, false};
		const struct coverage *space = bsearch(&key, spaces, nspaces, sizeof(*spaces), coverage_cmp);
		struct coverage *c = &pods[i];

		if (space)
			merge(c, space);
		if (!c->denied)
			lint_report_at(r, "XRF008", &w->pos, w->object, w->ignore,
				       "no default-deny NetworkPolicy covers the pods of %s", w->name);
	}
	free(pods);
	free(spaces);
}

static void budgets_and_scaling(struct lint_run *r)
{
	struct lint_index *ix = &r->index;
	bool *budgeted;                /* by workload: a PodDisruptionBudget selects it */

	for (size_t i = 0; i < ix->nautoscalers; i++) {
		struct autoscaler *a = &ix->autoscalers[i];
		struct workload *target = NULL;

		for (size_t k = 0; k < ix->nworkloads && !target; k++)
			if (same_ns(ix->workloads[k].ns, a->ns) && a->target && strcmp(ix->workloads[k].name, a->target) == 0)
				target = &ix->workloads[k];
		if (!target) {
			if (!knows_all_workloads(r))
				continue;
			lint_report_at(r, "REL009", &a->pos, a->object, a->ignore, "autoscaler %s targets %s, which is not in the set",
				       a->name, a->target ? a->target : "nothing");
			continue;
		}
		target->scaled = a->max > 1;
		if (target->replicas < a->min)
			target->replicas = a->min;
		if (!target->cpu_requests && strstr(a->object, "HorizontalPodAutoscaler"))
			lint_report_at(r, "REL010", &a->pos, a->object, a->ignore,
				       "autoscaler %s: %s does not request CPU in every container, so CPU utilisation is unknown",
				       a->name, target->name);
	}
	budgeted = calloc(ix->nworkloads + 1, sizeof(*budgeted));
	if (!budgeted)
		return;
	for (size_t i = 0; i < ix->nselobjs; i++) {
		const struct selector_obj *o = &ix->selobjs[i];
		size_t first, n;
		bool any = false;

		if (strcmp(o->kind, "PodDisruptionBudget") != 0)
			continue;
		if (o->selector.n == 0 && (o->selects_all || o->has_expressions)) {
			/* policy/v1: {} selects every pod of the namespace; matchExpressions
			 * are not evaluated here, so they vouch for the namespace too
			 * rather than report a budget that may exist as missing
			 * (PodDisruptionBudgetSpec.selector: "A null selector will match no pods, while an
			 * empty ({}) selector will select all pods within the namespace",
			 * https://docs.rs/k8s-openapi/0.17.0/k8s_openapi/api/policy/v1/struct.PodDisruptionBudgetSpec.html) */
			for (size_t k = 0; k < ix->nworkloads; k++)
				if (same_ns(ix->workloads[k].ns, o->ns))
					budgeted[k] = true;
			continue;
		}
		n = index_candidates(ix, o->ns, &o->selector, &first);
		for (size_t c = first; c < first + n; c++) {
			size_t k = ix->pod_labels[c].workload;
			if (selects(&o->selector, &ix->workloads[k], o->ns))
				any = budgeted[k] = true;
		}
		if (!any && knows_all_workloads(r))
			lint_report_at(r, "XRF011", &o->pos, o->object, o->ignore, "PodDisruptionBudget %s selects no pods", o->name);
	}
	for (size_t i = 0; i < ix->nworkloads; i++) {
		const struct workload *w = &ix->workloads[i];

		/* Recreate: a deliberate singleton that must never run twice. */
		if (w->replicas < 0 || strcmp(w->kind, "Deployment") != 0 || w->singleton)
			continue;
		if (w->replicas < 2 && !w->scaled) {
			lint_report_at(r, "REL005", &w->pos, w->object, w->ignore, "%s runs a single replica", w->name);
			continue;
		}
		if (!budgeted[i])
			lint_report_at(r, "REL006", &w->pos, w->object, w->ignore, "%s has %d replicas and no PodDisruptionBudget",
				       w->name, w->replicas);
	}
	free(budgeted);
}

/* A StatefulSet's pods get their stable DNS names from a headless Service. */
static void governing_services(struct lint_run *r)
{
	const struct lint_index *ix = &r->index;

	for (size_t i = 0; i < ix->nworkloads; i++) {
		const struct workload *w = &ix->workloads[i];
		const struct svc_summary *s;

		if (!w->governing_service)
			continue;
		s = index_service(ix, w->ns, w->governing_service);
		if (!s && knows_all_services(r))
			lint_report_at(r, "XRF012", &w->governing_pos, w->object, w->ignore,
				       "serviceName %s names no Service in the set", w->governing_service);
		else if (s && !s->headless)
			lint_report_at(r, "XRF012", &w->governing_pos, w->object, w->ignore,
				       "serviceName %s is not headless (clusterIP: None), so the pods get no stable DNS names",
				       w->governing_service);
	}
}

/* The admission controller refuses pods whose service account does not
 * exist: the ReplicaSet reports FailedCreate and no pod ever starts. */
static void service_accounts(struct lint_run *r)
{
	const struct lint_index *ix = &r->index;

	if (r->incomplete || ix->naccounts == 0)
		return;
	for (size_t i = 0; i < ix->nworkloads; i++) {
		const struct workload *w = &ix->workloads[i];
		if (w->service_account && !index_account(ix, w->ns, w->service_account))
			lint_report_at(r, "XRF013", &w->account_pos, w->object, w->ignore,
				       "serviceAccountName %s names no ServiceAccount in the set", w->service_account);
	}
}

void rules_cross(struct lint_run *r)
{
	budgets_and_scaling(r);
	services(r);
	backends(r);
	for (size_t i = 0; i < r->index.nworkloads; i++)
		references(r, &r->index.workloads[i]);
	claims(r);
	network(r);
	governing_services(r);
	service_accounts(r);
}

/* --- application rules that need several objects --- */

#define MIB (1024LL * 1024)

static int pods_of(const struct workload *w)
{
	return w->replicas > 0 ? w->replicas : 1;
}

static int max_pods(const struct lint_index *ix, const struct workload *w)
{
	int pods = pods_of(w);

	for (size_t i = 0; i < ix->nautoscalers; i++)
		if (same_ns(ix->autoscalers[i].ns, w->ns) && ix->autoscalers[i].target &&
		    strcmp(ix->autoscalers[i].target, w->name) == 0 && ix->autoscalers[i].max > pods)
			pods = ix->autoscalers[i].max;
	return pods;
}

static bool routes_websocket(const struct lint_index *ix, const char *ns)
{
	for (size_t i = 0; i < ix->nbackends; i++) {
		const struct backend *b = &ix->backends[i];
		const struct svc_summary *s = index_service(ix, b->ns, b->service);

		if (!same_ns(b->ns, ns) || !b->path || (!strstr(b->path, "/websocket") && !strstr(b->path, "/longpolling")))
			continue;
		if (b->port == odoo_constants.gevent_port)
			return true;
		for (size_t p = 0; s && p < s->nports; p++)
			if (s->ports[p].port == odoo_constants.gevent_port && (!b->port_name || (s->ports[p].name && strcmp(s->ports[p].name, b->port_name) == 0)))
				return true;
	}
	return false;
}

static bool routes_odoo(const struct lint_index *ix, const char *ns)
{
	for (size_t i = 0; i < ix->nbackends; i++) {
		const struct svc_summary *s = index_service(ix, ix->backends[i].ns, ix->backends[i].service);
		size_t first = 0, n = s ? index_candidates(ix, s->ns, &s->selector, &first) : 0;

		for (size_t c = first; c < first + n; c++) {
			const struct workload *w = &ix->workloads[ix->pod_labels[c].workload];
			if (w->odoo && same_ns(w->ns, ns) && selects(&s->selector, w, s->ns))
				return true;
		}
	}
	return false;
}

void rules_application_cross(struct lint_run *r)
{
	const struct lint_index *ix = &r->index;

	for (size_t c = 0; c < ix->nconfs; c++) {
		const struct odoo_conf_facts *f = &ix->confs[c];
		int max_conn = ix->pg_max_connections ? ix->pg_max_connections : postgres_constants.default_max_connections;
		long long used = postgres_constants.superuser_reserved;
		bool any_odoo = false;
		/* A server outside the cluster has a max_connections the manifests do not show. */
		bool outside = f->db_host && dns_outside_cluster(f->db_host);

		for (size_t i = 0; i < ix->nworkloads; i++) {
			const struct workload *w = &ix->workloads[i];
			int workers, cron;

			if (!same_ns(w->ns, f->ns))
				continue;
			if (w->keycloak)
				used += (long long)pods_of(w) * w->keycloak_pool;
			if (!w->odoo)
				continue;
			any_odoo = true;
			outside = outside || (w->db_host && dns_outside_cluster(w->db_host));
			workers = w->odoo_workers >= 0 ? w->odoo_workers : f->workers;
			cron = w->odoo_cron >= 0 ? w->odoo_cron : f->cron;
			/* Each process has its own pool: workers, cron, and the gevent process. */
			used += (long long)max_pods(ix, w) * (workers + cron + (workers > 0 ? 1 : 0)) * f->db_maxconn;
			if (workers > 0 && w->cpu_limit > 0 &&
			    (workers > odoo_constants.workers_per_cpu * w->cpu_limit + odoo_constants.workers_extra ||
			     (w->mem_limit && workers * odoo_constants.worker_ram > w->mem_limit)))
				lint_report_at(r, "APP002", &f->pos, f->object, f->ignore,
					       "%d workers for %s, limited to %g CPU and %lld MiB: Odoo's guide sizes (%d x CPU) + %d "
					       "workers at about %lld MiB each", workers, w->name, w->cpu_limit, w->mem_limit / MIB,
					       odoo_constants.workers_per_cpu, odoo_constants.workers_extra,
					       (long long)(odoo_constants.worker_ram / MIB));
		}
		if (!any_odoo)
			continue;
		if (used > max_conn && !outside)
			lint_report_at(r, "APP001", &f->pos, f->object, f->ignore,
				       "Odoo and Keycloak may open %lld connections (every pod the autoscalers allow x "
				       "processes x db_maxconn %d, plus pools and reserve), above PostgreSQL's max_connections "
				       "%d: \"sorry, too many clients already\"", used, f->db_maxconn, max_conn);
		if (f->workers > 0 && routes_odoo(ix, f->ns) && !routes_websocket(ix, f->ns))
			lint_report_at(r, "APP003", &f->pos, f->object, f->ignore,
				       "workers = %d runs the websocket on port %d, and no route sends /websocket there: "
				       "the live chat and notifications fail", f->workers, odoo_constants.gevent_port);
		if (ix->has_ingress && !f->proxy_mode)
			lint_report_at(r, "APP004", &f->pos, f->object, f->ignore,
				       "proxy_mode is off behind an ingress: Odoo builds http:// URLs and sees the proxy's address");
		if (f->list_db)
			lint_report_at(r, "APP005", &f->pos, f->object, f->ignore,
				       "list_db is %s: the database manager is reachable", f->has_list_db ? "True" : "unset (True)");
	}
}
