/* The flows a stack needs, from its manifests: the ingress controller to
 * every pod and port a route names, and to cert-manager's HTTP-01 solver;
 * every pod to cluster DNS; each application to its database; Odoo to
 * Keycloak; backups and CloudNativePG to S3; CloudNativePG's instances to each
 * other and its operator to them; Keycloak's cluster. Each goes through the
 * evaluator; a blocked one is a finding that names the flow, the policy that
 * isolates the side that stops it, and the rule to add. */
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "lint/flows.h"

struct flow_ctx {
	struct lint_run *r;
	struct flow_index *f;
	struct np_endpoint controller, dns;
};

/* A message piece; "?" when memory ran out, so a message never holds NULL. */
static const char *or_mark(const char *s)
{
	return s ? s : "?";
}

static struct labels *one_label(struct lint_run *r, const char *key, const char *value)
{
	struct labels *l = arena_alloc(&r->index.a, sizeof(*l));

	if (!l || !(l->keys = arena_alloc(&r->index.a, sizeof(*l->keys))) ||
	    !(l->values = arena_alloc(&r->index.a, sizeof(*l->values))))
		return NULL;
	l->keys[0] = key;
	l->values[0] = value;
	l->n = 1;
	return l;
}

static struct np_endpoint pod_endpoint(const struct workload *w)
{
	return (struct np_endpoint){.label = w->object, .ns = w->ns, .pod_labels = &w->pod_labels,
				    .ports = w->ports, .nports = w->nports, .in_set = true};
}

static const char *peer_text(struct lint_run *r, const struct np_endpoint *peer)
{
	if (peer->entity == NP_ENTITY_INGRESS)
		return "fromEntities: [ingress] in a CiliumNetworkPolicy (Cilium's proxy has no namespace or pod "
		       "labels a NetworkPolicy could match)";
	if (!peer->ns)
		return "an ipBlock holding the address";
	if (peer->pod_labels && peer->pod_labels->n)
		return or_mark(arena_printf(&r->index.a, "namespaceSelector kubernetes.io/metadata.name: %s with podSelector "
							  "%s: \"%s\"", peer->ns, peer->pod_labels->keys[0],
					    peer->pod_labels->values[0]));
	return or_mark(arena_printf(&r->index.a, "namespaceSelector kubernetes.io/metadata.name: %s", peer->ns));
}

/* The rule a person adds to let the flow through, for the message. */
static const char *remedy(struct lint_run *r, const struct required_flow *fl)
{
	const struct np_endpoint *subject = fl->why.egress_side ? &fl->src : &fl->dst;
	const struct np_endpoint *peer = fl->why.egress_side ? &fl->dst : &fl->src;
	const char *selector = subject->pod_labels && subject->pod_labels->n
				       ? or_mark(arena_printf(&r->index.a, "%s: \"%s\"", subject->pod_labels->keys[0],
							      subject->pod_labels->values[0]))
				       : "its pods";

	return or_mark(arena_printf(&r->index.a, "add a NetworkPolicy in %s selecting %s with an %s rule %s %s, port %s %d",
				    subject->ns ? subject->ns : "?", selector, fl->why.egress_side ? "egress" : "ingress",
				    fl->why.egress_side ? "to" : "from", peer_text(r, peer), np_protocol_name(fl->protocol),
				    fl->port));
}

static const char *consequence(const char *purpose)
{
	static const char *const what[][2] = {
		{"route", "the site answers 502/504"},
		{"HTTP-01", "cert-manager's challenge never succeeds and the certificate is never issued"},
		{"DNS", "every lookup fails (\"could not translate host name\")"},
		{"database", "the application cannot connect to its database"},
		{"OIDC", "sign-in through Keycloak fails"},
		{"OIDC (hairpin)", "sign-in through Keycloak's public URL fails from inside the cluster"},
		{"Keycloak cluster", "Keycloak's nodes do not form a cluster and sessions are lost"},
		{"backup", "backups never reach the object store"},
		{"replication", "the replicas never catch up"},
		{"operator", "the operator cannot manage its instances"},
		{"pooler", "PgBouncer cannot reach PostgreSQL and every client connection fails"},
		{"metrics", "Prometheus cannot scrape the pods: their targets stay down and alerts fire"},
	};

	for (size_t i = 0; i < sizeof(what) / sizeof(what[0]); i++)
		if (strcmp(what[i][0], purpose) == 0)
			return what[i][1];
	return "the stack does not work";
}

static void report(struct lint_run *r, const struct required_flow *fl)
{
	const char *side = fl->why.egress_side ? "egress of the source" : "ingress of the destination";

	if (fl->why.verdict == NP_UNKNOWN) {
		lint_report_at(r, "XRF016", &fl->pos, fl->object, fl->ignore,
			       "%s flow %s -> %s (%s %d) not evaluated: the %s depends on %s", fl->purpose, fl->from, fl->to,
			       np_protocol_name(fl->protocol), fl->port, side, fl->why.unknown_why);
		return;
	}
	lint_report_at(r, fl->rule_id, &fl->pos, fl->object, fl->ignore,
		       "%s flow %s -> %s (%s %d) is blocked: NetworkPolicy %s isolates the %s and no policy allows it, "
		       "so %s; %s",
		       fl->purpose, fl->from, fl->to, np_protocol_name(fl->protocol), fl->port, fl->why.isolating->name, side,
		       consequence(fl->purpose), remedy(r, fl));
}

static bool same_flow(const struct required_flow *a, const struct required_flow *b)
{
	return a->protocol == b->protocol && a->port == b->port && strcmp(a->purpose, b->purpose) == 0 &&
	       strcmp(a->from, b->from) == 0 && strcmp(a->to, b->to) == 0;
}

/* Two paths to one Service are one flow in the report: routes are compared
 * with the routes kept before them (a handful), nothing else is. */
static bool keep(struct flow_index *f, struct arena *a, const struct required_flow *fl)
{
	struct required_flow *v;

	for (size_t i = 0; strcmp(fl->purpose, "route") == 0 && i < f->n; i++)
		if (same_flow(&f->v[i], fl))
			return false;
	v = arena_grow(a, f->v, f->n, &f->cap, sizeof(*f->v));
	if (!v)
		return false;
	f->v = v;
	f->v[f->n++] = *fl;
	return true;
}

static enum np_verdict flow(struct flow_ctx *c, struct required_flow fl)
{
	/* No policy in the set: nothing is isolated (the verdict's zero value). */
	if (c->f->pols.n)
		fl.why = netpol_evaluate(&c->f->pols, &fl.src, &fl.dst, fl.protocol, fl.port);
	if (!fl.from)
		fl.from = fl.src.label;
	if (!fl.to)
		fl.to = fl.dst.label;
	if (fl.why.verdict != NP_ALLOWED && !fl.silent)
		report(c->r, &fl);
	if (!c->r->want_flows || keep(c->f, &c->r->index.a, &fl))
		c->f->counts[fl.why.verdict]++;
	return fl.why.verdict;
}

/* A Service port's target on one pod: a number, or a name the pod declares. */
static int target_on(const struct svc_port *sp, const struct workload *w)
{
	if (!sp->target_name)
		return sp->target;
	for (size_t i = 0; i < w->nports; i++)
		if (w->ports[i].name && strcmp(w->ports[i].name, sp->target_name) == 0)
			return w->ports[i].number;
	return 0;
}

static const struct svc_port *service_port(const struct svc_summary *s, const char *name, int number)
{
	for (size_t p = 0; p < s->nports; p++)
		if (name ? s->ports[p].name && strcmp(s->ports[p].name, name) == 0 : s->ports[p].port == number)
			return &s->ports[p];
	return s->nports == 1 && !name && !number ? &s->ports[0] : NULL;
}

/* Calls fn for every pod template the Service selects, with the target port. */
static size_t each_backend_pod(struct flow_ctx *c, const struct svc_summary *s, const struct svc_port *sp,
			       void (*fn)(struct flow_ctx *, const struct workload *, int, void *), void *user)
{
	const struct lint_index *ix = &c->r->index;
	size_t first = 0, n = s->selector.n ? index_candidates(ix, s->ns, &s->selector, &first) : 0, found = 0;

	for (size_t i = first; i < first + n; i++) {
		const struct workload *w = &ix->workloads[ix->pod_labels[i].workload];
		int port;

		if (strcmp(w->ns, s->ns) != 0 || !labels_match(&s->selector, &w->pod_labels))
			continue;
		port = target_on(sp, w);
		if (!port)
			continue;
		found++;
		fn(c, w, port, user);
	}
	return found;
}

static void route_flow(struct flow_ctx *c, const struct workload *w, int port, void *user)
{
	const struct backend *b = user;

	flow(c, (struct required_flow){.purpose = "route", .src = c->controller, .dst = pod_endpoint(w),
				       .protocol = NP_TCP, .port = port, .rule_id = "XRF014", .object = b->object,
				       .ignore = b->ignore, .pos = b->pos});
}

static bool knows_all(const struct lint_run *r)
{
	return !r->incomplete && r->index.nworkloads > 0;
}

static void routes(struct flow_ctx *c)
{
	const struct lint_index *ix = &c->r->index;

	for (size_t i = 0; i < ix->nbackends; i++) {
		const struct backend *b = &ix->backends[i];
		const struct svc_summary *s = index_service(ix, b->ns, b->service);
		const struct svc_port *sp = s ? service_port(s, b->port_name, b->port) : NULL;

		if (!sp || !s->selector.n)
			continue;  /* XRF003/XRF004 name a missing Service or port; no selector: endpoints by hand */
		if (!each_backend_pod(c, s, sp, route_flow, (void *)b) && knows_all(c->r))
			lint_report_at(c->r, "XRF015", &b->pos, b->object, b->ignore,
				       "the route to Service %s port %s%.0d reaches no pod: %s", b->service,
				       b->port_name ? b->port_name : "", b->port_name ? 0 : b->port,
				       sp->target_name ? "no selected pod declares the target port's name"
						       : "the Service selects no pod template in the set");
	}
}

/* cert-manager runs the solver in the namespace of the route it answers. */
static void http01(struct flow_ctx *c)
{
	const struct lint_index *ix = &c->r->index;
	const struct labels *solver = one_label(c->r, network_constants.solver_label_key, network_constants.solver_label_value);

	if (!c->f->http01 || !solver)
		return;
	for (size_t i = 0; i < ix->nbackends; i++) {
		bool seen = false;
		struct np_endpoint dst = {.ns = ix->backends[i].ns, .pod_labels = solver, .in_set = true};

		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(ix->backends[k].ns, ix->backends[i].ns) == 0;
		if (seen)
			continue;
		dst.label = or_mark(arena_printf(&c->r->index.a, "cert-manager HTTP-01 solver pods (namespace %s)", dst.ns));
		flow(c, (struct required_flow){.purpose = "HTTP-01", .src = c->controller, .dst = dst, .protocol = NP_TCP,
					       .port = network_constants.solver_port, .rule_id = "XRF014",
					       .object = c->f->issuer_object, .ignore = c->f->issuer_ignore,
					       .pos = c->f->issuer_pos});
	}
}

static void dns(struct flow_ctx *c, const struct workload *w)
{
	static const enum np_protocol both[] = {NP_UDP, NP_TCP};
	bool reported = false;

	/* One finding per pod: TCP is reported when UDP passes. */
	for (size_t p = 0; p < 2; p++)
		reported |= flow(c, (struct required_flow){.purpose = "DNS", .src = pod_endpoint(w), .dst = c->dns,
							   .protocol = both[p], .port = network_constants.dns_port,
							   .rule_id = "XRF009", .object = w->object, .ignore = w->ignore,
							   .pos = w->pos, .silent = reported}) != NP_ALLOWED;
}

static void db_flow(struct flow_ctx *c, const struct workload *db, int port, void *user)
{
	const struct workload *w = user;

	flow(c, (struct required_flow){.purpose = "database", .src = pod_endpoint(w), .dst = pod_endpoint(db),
				       .protocol = NP_TCP, .port = port, .rule_id = "XRF010", .object = w->object,
				       .ignore = w->ignore, .pos = w->pos});
}

static struct np_endpoint synthetic_endpoint(const struct synthetic_pods *p)
{
	return (struct np_endpoint){.label = p->object, .ns = p->ns, .pod_labels = &p->labels, .in_set = true};
}

/* A Service CloudNativePG makes: NAME-rw, -ro, -r of a Cluster, or a
 * Pooler's name. */
static void operator_database(struct flow_ctx *c, const struct workload *w, const char *ns, const char *host)
{
	static const char *const suffixes[] = {"-rw", "-ro", "-r", ""};

	for (size_t i = 0; i < c->f->nclusters; i++) {
		const struct synthetic_pods *p = &c->f->clusters[i];
		size_t len = strlen(p->name);

		if (strcmp(p->ns, ns) != 0 || strncmp(host, p->name, len) != 0)
			continue;
		for (size_t k = p->pooler_of ? 3 : 0; k < (p->pooler_of ? 4 : 3); k++)
			if (strcmp(host + len, suffixes[k]) == 0)
				flow(c, (struct required_flow){.purpose = "database", .src = pod_endpoint(w),
							       .dst = synthetic_endpoint(p), .protocol = NP_TCP,
							       .port = postgres_constants.port, .rule_id = "XRF010",
							       .object = w->object, .ignore = w->ignore, .pos = w->pos});
	}
}

/* The host Odoo's pods connect to: odoo.conf's db_host when a ConfigMap of
 * the namespace sets it, since the image's entrypoint prefers it to HOST
 * (check_config in https://github.com/odoo/docker/blob/master/17.0/entrypoint.sh). */
static const char *database_of(const struct lint_index *ix, const struct workload *w)
{
	for (size_t i = 0; w->odoo && i < ix->nconfs; i++)
		if (ix->confs[i].db_host && *ix->confs[i].db_host && strcmp(ix->confs[i].ns, w->ns) == 0)
			return ix->confs[i].db_host;
	return w->db_host;
}

/* A database outside the cluster (a managed PostgreSQL): its address is
 * not in the manifests, so the flow goes to some public address on its
 * port: the provider's when the pods name none. */
static void external_database(struct flow_ctx *c, const struct workload *w, const char *host)
{
	const struct managed_postgres *m = managed_postgres_of(host);
	struct np_endpoint db = {.label = "PostgreSQL outside the cluster (a public address)", .public_address = true};
	int port = w->db_port ? w->db_port : m ? m->port : postgres_constants.port;

	flow(c, (struct required_flow){.purpose = "database", .src = pod_endpoint(w), .dst = db, .protocol = NP_TCP,
				       .port = port, .rule_id = "XRF010", .object = w->object, .ignore = w->ignore,
				       .pos = w->pos});
}

/* HOST "postgres" or "postgres.NS[.svc[.cluster.local]]", or a host outside
 * the cluster. */
static void database(struct flow_ctx *c, const struct workload *w, const char *host)
{
	char name[254];
	const char *dot = strchr(host, '.'), *ns = w->ns;
	const struct svc_summary *s;
	const struct svc_port *sp;

	if (dns_outside_cluster(host)) {
		external_database(c, w, host);
		return;
	}
	if (strlen(host) >= sizeof(name))
		return;
	strcpy(name, host);
	if (dot) {
		char *rest = name + (dot - host);
		*rest++ = '\0';
		rest[strcspn(rest, ".")] = '\0';
		ns = rest;
	}
	s = index_service(&c->r->index, ns, name);
	sp = s ? service_port(s, NULL, postgres_constants.port) : NULL;
	if (sp)
		each_backend_pod(c, s, sp, db_flow, (void *)w);
	else if (!s)
		operator_database(c, w, ns, name);
}

static void to_workloads(struct flow_ctx *c, const struct workload *from, bool (*is)(const struct workload *),
			 const char *purpose, const int *ports)
{
	const struct lint_index *ix = &c->r->index;

	for (size_t i = 0; i < ix->nworkloads; i++) {
		const struct workload *to = &ix->workloads[i];
		if (!is(to) || strcmp(to->ns, from->ns) != 0)
			continue;
		for (const int *p = ports; *p; p++)
			flow(c, (struct required_flow){.purpose = purpose, .src = pod_endpoint(from), .dst = pod_endpoint(to),
						       .protocol = NP_TCP, .port = *p, .rule_id = "XRF017",
						       .object = from->object, .ignore = from->ignore, .pos = from->pos});
	}
}

static bool is_keycloak(const struct workload *w)
{
	return w->keycloak;
}

/* Odoo serves the sign-in: the pods a route reaches. */
static bool routed(const struct lint_index *ix, const struct workload *w)
{
	for (size_t i = 0; i < ix->nbackends; i++) {
		const struct svc_summary *s = index_service(ix, ix->backends[i].ns, ix->backends[i].service);
		if (s && s->selector.n && strcmp(s->ns, w->ns) == 0 && labels_match(&s->selector, &w->pod_labels))
			return true;
	}
	return false;
}

static bool has_keycloak(const struct lint_index *ix, const char *ns)
{
	for (size_t i = 0; i < ix->nworkloads; i++)
		if (ix->workloads[i].keycloak && strcmp(ix->workloads[i].ns, ns) == 0)
			return true;
	return false;
}

/* Odoo calls Keycloak's public URL; inside the cluster, Cilium sends traffic
 * for the load balancer's address straight to the controller's pods, so it
 * must pass their https port. Cilium's own proxy is not a pod: not modelled. */
static void hairpin(struct flow_ctx *c, const struct workload *w)
{
	if (c->f->controller->reserved_identity)
		return;
	flow(c, (struct required_flow){.purpose = "OIDC (hairpin)", .src = pod_endpoint(w), .dst = c->controller,
				       .protocol = NP_TCP, .port = c->f->controller->https_port, .rule_id = "XRF017",
				       .object = w->object, .ignore = w->ignore, .pos = w->pos});
}

static bool writes_s3(const struct flow_index *f, const struct workload *w)
{
	for (size_t i = 0; i < f->ns3; i++)
		if (strcmp(f->s3[i].object, w->object) == 0)
			return true;
	return false;
}

static void to_object_store(struct flow_ctx *c, struct np_endpoint src, const char *object, const char *ignore,
			    const struct srcpos *pos)
{
	struct np_endpoint s3 = {.label = "S3 object store (a public address)", .public_address = true};

	flow(c, (struct required_flow){.purpose = "backup", .src = src, .dst = s3, .protocol = NP_TCP, .port = 443,
				       .rule_id = "XRF017", .object = object, .ignore = ignore, .pos = *pos});
}

static void per_workload(struct flow_ctx *c)
{
	const struct lint_index *ix = &c->r->index;
	const int kc_http[] = {keycloak_constants.http_port, 0};
	const int kc_cluster[] = {keycloak_constants.jgroups_port, 0};

	for (size_t i = 0; i < ix->nworkloads; i++) {
		const struct workload *w = &ix->workloads[i];

		if (c->f->pols.n || c->r->want_flows)
			dns(c, w);
		if (database_of(ix, w))
			database(c, w, database_of(ix, w));
		/* Odoo signs in through Keycloak (OIDC): the back channel
		 * (token, keys) goes from Odoo's pods to Keycloak's. */
		if (w->odoo && routed(ix, w) && has_keycloak(ix, w->ns)) {
			to_workloads(c, w, is_keycloak, "OIDC", kc_http);
			hairpin(c, w);
		}
		if (w->keycloak && (w->replicas > 1 || w->scaled))
			to_workloads(c, w, is_keycloak, "Keycloak cluster", kc_cluster);
		if (writes_s3(c->f, w))
			to_object_store(c, pod_endpoint(w), w->object, w->ignore, &w->pos);
	}
}

/* A Pooler's pods connect to the instances of their Cluster. */
static void pooler(struct flow_ctx *c, const struct synthetic_pods *p)
{
	for (size_t i = 0; i < c->f->nclusters; i++) {
		const struct synthetic_pods *cl = &c->f->clusters[i];

		if (cl->pooler_of || strcmp(cl->ns, p->ns) != 0 || strcmp(cl->name, p->pooler_of) != 0)
			continue;
		flow(c, (struct required_flow){.purpose = "pooler", .src = synthetic_endpoint(p), .dst = synthetic_endpoint(cl),
					       .protocol = NP_TCP, .port = postgres_constants.port, .rule_id = "XRF017",
					       .object = p->object, .ignore = p->ignore, .pos = p->pos});
	}
}

static void cnpg(struct flow_ctx *c)
{
	const struct labels *op = one_label(c->r, network_constants.cnpg_operator_label_key,
					    network_constants.cnpg_operator_label_value);

	for (size_t i = 0; op && i < c->f->nclusters; i++) {
		const struct synthetic_pods *p = &c->f->clusters[i];
		struct np_endpoint inst = synthetic_endpoint(p);
		struct np_endpoint oper = {.ns = network_constants.cnpg_operator_ns, .pod_labels = op, .in_set = true};

		if (p->pooler_of) {
			pooler(c, p);
			continue;
		}
		oper.label = or_mark(arena_printf(&c->r->index.a, "CloudNativePG operator (namespace %s)", oper.ns));
		flow(c, (struct required_flow){.purpose = "replication", .src = inst, .dst = inst, .protocol = NP_TCP,
					       .port = postgres_constants.port, .rule_id = "XRF017", .object = p->object,
					       .ignore = p->ignore, .pos = p->pos});
		flow(c, (struct required_flow){.purpose = "operator", .src = oper, .dst = inst, .protocol = NP_TCP,
					       .port = network_constants.cnpg_status_port, .rule_id = "XRF017",
					       .object = p->object, .ignore = p->ignore, .pos = p->pos});
		if (p->object_store)
			to_object_store(c, inst, p->object, p->ignore, &p->pos);
	}
}

/* A named port of a pod template, or 0. */
static int pod_port(const struct workload *w, const char *name)
{
	for (size_t i = 0; i < w->nports; i++)
		if (w->ports[i].name && strcmp(w->ports[i].name, name) == 0)
			return w->ports[i].number;
	return 0;
}

static void scrape(struct flow_ctx *c, const struct monitor *m, const struct np_endpoint *prom, const struct workload *w,
		   int port)
{
	flow(c, (struct required_flow){.purpose = "metrics", .src = *prom, .dst = pod_endpoint(w), .protocol = NP_TCP,
				       .port = port, .rule_id = "XRF017", .object = m->object, .ignore = m->ignore,
				       .pos = m->pos});
}

/* Prometheus scrapes what each monitor selects: pods by their port name, or
 * the pods behind the selected Services by the Service port's target. */
static void monitors(struct flow_ctx *c)
{
	const struct lint_index *ix = &c->r->index;
	const char *ns = c->r->prometheus_ns ? c->r->prometheus_ns : monitoring_constants.stack_namespace;
	struct np_endpoint prom = {.label = arena_printf(&c->r->index.a, "Prometheus (namespace %s)", ns), .ns = ns,
				   .in_set = true, .pod_labels = one_label(c->r, network_constants.prometheus_label_key,
									     network_constants.prometheus_label_value)};

	for (size_t i = 0; prom.pod_labels && i < c->f->nmonitors; i++) {
		const struct monitor *m = &c->f->monitors[i];

		for (size_t k = 0; k < ix->nworkloads && m->pods; k++)
			for (size_t p = 0; strcmp(ix->workloads[k].ns, m->ns) == 0 &&
					   labels_match(&m->selector, &ix->workloads[k].pod_labels) && p < m->nports; p++)
				if (pod_port(&ix->workloads[k], m->ports[p]))
					scrape(c, m, &prom, &ix->workloads[k], pod_port(&ix->workloads[k], m->ports[p]));
		for (size_t s = 0; s < ix->nservices && !m->pods; s++) {
			const struct svc_summary *svc = &ix->services[s];

			if (strcmp(svc->ns, m->ns) != 0 || !labels_match(&m->selector, &svc->labels) || !svc->selector.n)
				continue;
			for (size_t p = 0; p < m->nports; p++) {
				const struct svc_port *sp = service_port(svc, m->ports[p], 0);
				for (size_t k = 0; sp && k < ix->nworkloads; k++)
					if (strcmp(ix->workloads[k].ns, svc->ns) == 0 &&
					    labels_match(&svc->selector, &ix->workloads[k].pod_labels) && target_on(sp, &ix->workloads[k]))
						scrape(c, m, &prom, &ix->workloads[k], target_on(sp, &ix->workloads[k]));
			}
		}
	}
}

/* The controller: --controller, else the set's ingress class, else Traefik. */
static void controller(struct flow_ctx *c)
{
	const struct controller_facts *k = controller_named(c->r->controller);

	if (!k)
		k = controller_named(c->f->class_seen);
	if (!k)
		k = &controller_facts[CONTROLLER_TRAEFIK];
	c->f->controller = k;
	c->f->controller_ns = c->r->controller_ns ? c->r->controller_ns : k->ns;
	if (k->reserved_identity) {
		c->controller = (struct np_endpoint){.label = "Cilium's ingress proxy (reserved identity ingress)",
						     .entity = NP_ENTITY_INGRESS};
		return;
	}
	c->controller = (struct np_endpoint){.ns = c->f->controller_ns, .in_set = true,
					     .pod_labels = one_label(c->r, k->label_key, k->label_value)};
	c->controller.label = or_mark(arena_printf(&c->r->index.a, "%s controller (namespace %s)", k->name,
						   c->f->controller_ns));
}

void rules_flows(struct lint_run *r)
{
	struct flow_ctx c = {.r = r, .f = r->index.flows};

	if (!c.f && !(c.f = r->index.flows = arena_alloc(&r->index.a, sizeof(*c.f))))
		return;
	netpol_finish(&c.f->pols, &r->index.a);
	controller(&c);
	c.dns = (struct np_endpoint){.label = "cluster DNS (kube-system/kube-dns)", .ns = network_constants.dns_ns,
				     .in_set = true,
				     .pod_labels = one_label(r, network_constants.dns_label_key, network_constants.dns_label_value)};
	routes(&c);
	http01(&c);
	per_workload(&c);
	cnpg(&c);
	monitors(&c);
}
