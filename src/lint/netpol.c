/* NetworkPolicies and CiliumNetworkPolicies read into compact form. Each
 * semantic point cites the Kubernetes documentation
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/)
 * or the API reference of NetworkPolicySpec; tests/unit/t_netpol.c tests them
 * with the documentation's own examples. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/array.h"
#include "lint/netpol.h"

static const char *dup(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

bool np_parse_cidr(const char *text, struct np_cidr *c)
{
	unsigned b[4], bits;
	char tail;

	memset(c, 0, sizeof(*c));
	if (!text)
		return false;
	if (strchr(text, ':')) {
		c->v6 = true;
		return true;
	}
	if (sscanf(text, "%u.%u.%u.%u/%u%c", &b[0], &b[1], &b[2], &b[3], &bits, &tail) != 5 || bits > 32 ||
	    b[0] > 255 || b[1] > 255 || b[2] > 255 || b[3] > 255)
		return false;
	c->mask = bits ? 0xffffffffu << (32 - bits) : 0;
	c->addr = ((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3]) & c->mask;
	return true;
}

static void labels_from(struct arena *a, const struct ynode *map, struct labels *l)
{
	memset(l, 0, sizeof(*l));
	if (!map || map->kind != Y_MAP || !map->n)
		return;
	l->keys = arena_alloc(a, map->n * sizeof(*l->keys));
	l->values = arena_alloc(a, map->n * sizeof(*l->values));
	if (!l->keys || !l->values)
		return;
	for (size_t i = 0; i < map->n; i++) {
		const char *v = y_text(map->pairs[i].val);

		l->keys[l->n] = dup(a, map->pairs[i].key);
		l->values[l->n] = dup(a, v ? v : "");
		l->n++;
	}
}

static void selector_from(struct arena *a, const struct ynode *sel, struct np_selector *out)
{
	static const struct {
		const char *name;
		enum np_op op;
	} ops[] = {{"In", NP_IN}, {"NotIn", NP_NOT_IN}, {"Exists", NP_EXISTS}, {"DoesNotExist", NP_DOES_NOT_EXIST}};
	const struct ynode *exprs = y_get(sel, "matchExpressions");

	memset(out, 0, sizeof(*out));
	labels_from(a, y_get(sel, "matchLabels"), &out->match);
	if (!exprs || exprs->kind != Y_SEQ || !exprs->n)
		return;
	out->exprs = arena_alloc(a, exprs->n * sizeof(*out->exprs));
	if (!out->exprs)
		return;
	for (size_t i = 0; i < exprs->n; i++) {
		const struct ynode *e = exprs->items[i];
		const struct ynode *values = y_get(e, "values");
		const char *op = y_text(y_get(e, "operator"));
		struct np_expr *x = &out->exprs[out->nexprs++];
		size_t k;

		x->key = dup(a, y_text(y_get(e, "key")));
		for (k = 0; k < 4 && !(op && strcmp(op, ops[k].name) == 0); k++)
			;
		out->invalid = out->invalid || k == 4 || !x->key;
		x->op = k < 4 ? ops[k].op : NP_IN;
		if (!values || values->kind != Y_SEQ || !values->n)
			continue;
		x->values = arena_alloc(a, values->n * sizeof(*x->values));
		for (size_t v = 0; x->values && v < values->n; v++)
			x->values[x->nvalues++] = dup(a, y_text(values->items[v]) ? y_text(values->items[v]) : "");
	}
}

static const char *label_value(const struct labels *l, const char *key)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (strcmp(l->keys[i], key) == 0)
			return l->values[i];
	return NULL;
}

/* matchLabels and every matchExpression must hold (LabelSelector's API
 * reference: "The requirements are ANDed"). */
bool np_selector_matches(const struct np_selector *sel, const struct labels *labels)
{
	if (sel->invalid || !labels_match(&sel->match, labels))
		return false;
	for (size_t i = 0; i < sel->nexprs; i++) {
		const struct np_expr *x = &sel->exprs[i];
		const char *v = label_value(labels, x->key);
		bool in = false;

		for (size_t k = 0; v && k < x->nvalues; k++)
			in = in || strcmp(v, x->values[k]) == 0;
		if ((x->op == NP_IN && !in) || (x->op == NP_NOT_IN && in) || (x->op == NP_EXISTS && !v) ||
		    (x->op == NP_DOES_NOT_EXIST && v))
			return false;
	}
	return true;
}

static enum np_protocol protocol_of(const char *p, bool *any)
{
	*any = p && strcmp(p, "ANY") == 0;
	if (p && strcmp(p, "UDP") == 0)
		return NP_UDP;
	if (p && strcmp(p, "SCTP") == 0)
		return NP_SCTP;
	return NP_TCP;  /* NetworkPolicyPort.protocol: "If not specified, this field defaults to TCP" */
}

static void port_from(struct arena *a, const struct ynode *p, struct np_port *out)
{
	const struct ynode *port = y_get(p, "port");
	const struct ynode *end = y_get(p, "endPort");

	memset(out, 0, sizeof(*out));
	out->protocol = protocol_of(y_text(y_get(p, "protocol")), &out->any_protocol);
	if (port && port->kind == Y_INT)
		out->port = (int)port->i;
	else if (port && port->kind == Y_STR) {
		/* CiliumNetworkPolicy writes numbers as strings. */
		char *stop;
		long n = strtol(port->text, &stop, 10);
		if (*port->text && !*stop)
			out->port = (int)n;
		else
			out->name = dup(a, port->text);
	}
	if (end && end->kind == Y_INT)
		out->end_port = (int)end->i;
}

static void ports_from(struct arena *a, const struct ynode *list, struct np_rule *r, bool cilium, bool *unmodelled)
{
	size_t total = 0;

	for (size_t i = 0; list && list->kind == Y_SEQ && i < list->n; i++) {
		const struct ynode *inner = y_get(list->items[i], "ports");
		total += cilium ? (inner && inner->kind == Y_SEQ ? inner->n : 0) : 1;
		/* L7 rules (http, dns) filter further: not evaluated. */
		if (cilium && y_get(list->items[i], "rules"))
			*unmodelled = true;
	}
	if (!total)
		return;
	r->ports = arena_alloc(a, total * sizeof(*r->ports));
	for (size_t i = 0; r->ports && list && i < list->n; i++) {
		const struct ynode *inner = y_get(list->items[i], "ports");
		if (!cilium)
			port_from(a, list->items[i], &r->ports[r->nports++]);
		for (size_t k = 0; cilium && inner && inner->kind == Y_SEQ && k < inner->n; k++)
			port_from(a, inner->items[k], &r->ports[r->nports++]);
	}
}

static void ip_block_from(struct arena *a, const struct ynode *block, struct np_peer *p)
{
	const struct ynode *except = y_get(block, "except");

	p->has_ip = true;
	if (!np_parse_cidr(y_text(y_get(block, "cidr")), &p->cidr))
		p->cidr.v6 = true;  /* unreadable: treated as matching nothing we know */
	if (!except || except->kind != Y_SEQ || !except->n)
		return;
	p->except = arena_alloc(a, except->n * sizeof(*p->except));
	for (size_t i = 0; p->except && i < except->n; i++)
		if (np_parse_cidr(y_text(except->items[i]), &p->except[p->nexcept]))
			p->nexcept++;
}

static enum np_entity entity_of(const char *e)
{
	static const struct {
		const char *name;
		enum np_entity entity;
	} names[] = {{"ingress", NP_ENTITY_INGRESS}, {"world", NP_ENTITY_WORLD}, {"cluster", NP_ENTITY_CLUSTER},
		     {"all", NP_ENTITY_ALL}};

	for (size_t i = 0; e && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(e, names[i].name) == 0)
			return names[i].entity;
	return NP_ENTITY_OTHER;
}

static struct np_peer *push_peer(struct arena *a, struct np_rule *r, size_t cap)
{
	if (!r->peers)
		r->peers = arena_alloc(a, cap * sizeof(*r->peers));
	return r->peers && r->npeers < cap ? &r->peers[r->npeers++] : NULL;
}

static size_t seq_len(const struct ynode *n)
{
	return n && n->kind == Y_SEQ ? n->n : 0;
}

/* A CiliumNetworkPolicy rule: fromEndpoints and fromEntities are modelled;
 * CIDR, FQDN, service and group peers are not. */
static void cilium_rule_from(struct arena *a, const struct ynode *rule, bool egress, struct np_rule *r)
{
	static const char *const unmodelled[][2] = {{"fromCIDR", "toCIDR"}, {"fromCIDRSet", "toCIDRSet"},
						     {"fromRequires", "toRequires"}, {"fromGroups", "toGroups"},
						     {"fromNodes", "toNodes"}, {"icmps", "icmps"}, {"toFQDNs", "toFQDNs"},
						     {"toServices", "toServices"}};
	const struct ynode *eps = y_get(rule, egress ? "toEndpoints" : "fromEndpoints");
	const struct ynode *ents = y_get(rule, egress ? "toEntities" : "fromEntities");
	size_t cap = seq_len(eps) + seq_len(ents) + 1;
	bool odd = false;
	struct np_peer *p;

	for (size_t i = 0; i < sizeof(unmodelled) / sizeof(unmodelled[0]); i++)
		odd = odd || y_get(rule, unmodelled[i][egress]);
	ports_from(a, y_get(rule, "toPorts"), r, true, &odd);
	for (size_t i = 0; i < seq_len(eps); i++) {
		if (!(p = push_peer(a, r, cap)))
			return;
		p->has_pod = true;
		selector_from(a, eps->items[i], &p->pod);
		for (size_t k = 0; k < p->pod.match.n; k++)
			p->unmodelled = p->unmodelled || strstr(p->pod.match.keys[k], "io.kubernetes.pod.namespace");
	}
	for (size_t i = 0; i < seq_len(ents); i++) {
		if (!(p = push_peer(a, r, cap)))
			return;
		p->entity = entity_of(y_text(ents->items[i]));
	}
	if ((odd || !r->npeers) && (p = push_peer(a, r, cap)))
		p->unmodelled = true;
}

static void rule_from(struct arena *a, const struct ynode *rule, bool egress, struct np_rule *r)
{
	const struct ynode *peers = y_get(rule, egress ? "to" : "from");
	bool ignored = false;

	memset(r, 0, sizeof(*r));
	ports_from(a, y_get(rule, "ports"), r, false, &ignored);
	/* "If this field is empty or missing, this rule matches all sources/destinations." */
	if (!seq_len(peers)) {
		r->all_peers = true;
		return;
	}
	for (size_t i = 0; i < peers->n; i++) {
		const struct ynode *peer = peers->items[i];
		const struct ynode *pod = y_get(peer, "podSelector"), *ns = y_get(peer, "namespaceSelector");
		const struct ynode *ip = y_get(peer, "ipBlock");
		struct np_peer *p = push_peer(a, r, peers->n);

		if (!p)
			return;
		p->has_pod = pod != NULL;
		p->has_ns = ns != NULL;
		selector_from(a, pod, &p->pod);
		selector_from(a, ns, &p->ns);
		if (ip)
			ip_block_from(a, ip, p);
	}
}

static void rules_from(struct arena *a, const struct ynode *list, bool egress, bool cilium, struct np_rule **out,
		       size_t *n)
{
	*n = 0;
	*out = seq_len(list) ? arena_alloc(a, list->n * sizeof(**out)) : NULL;
	for (size_t i = 0; *out && i < list->n; i++) {
		memset(&(*out)[*n], 0, sizeof(**out));
		if (cilium)
			cilium_rule_from(a, list->items[i], egress, &(*out)[(*n)++]);
		else
			rule_from(a, list->items[i], egress, &(*out)[(*n)++]);
	}
}

/* The policies are on the heap, not in the arena: the arena would keep every
 * outgrown copy, and a part's array is copied into the run's at the merge
 * (src/lint/parallel.c), after which it goes. */
static struct netpol *push_policy(struct netpol_set *s)
{
	struct netpol *v = array_grow(s->v, s->n, &s->cap, sizeof(*s->v));

	if (!v)
		return NULL;
	s->v = v;
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	return &s->v[s->n++];
}

void netpol_add(struct netpol_set *s, struct arena *a, const struct ynode *doc, const char *object, const char *ignore)
{
	const struct ynode *spec = y_get(doc, "spec");
	const struct ynode *meta = y_get(doc, "metadata");
	const char *ns = y_text(y_get(meta, "namespace"));
	const struct ynode *types = y_get(spec, "policyTypes");
	struct netpol *p = push_policy(s);

	if (!p)
		return;
	p->cilium = strcmp(y_text(y_get(doc, "kind")), "CiliumNetworkPolicy") == 0;
	p->ns = dup(a, ns ? ns : "default");
	p->name = dup(a, y_text(y_get(meta, "name")));
	p->object = dup(a, object);
	p->ignore = dup(a, ignore);
	p->pos = doc->pos;
	selector_from(a, y_get(spec, p->cilium ? "endpointSelector" : "podSelector"), &p->pods);
	rules_from(a, y_get(spec, "ingress"), false, p->cilium, &p->in, &p->nin);
	rules_from(a, y_get(spec, "egress"), true, p->cilium, &p->out, &p->nout);
	if (p->cilium) {
		/* A Cilium rule with an ingress (egress) section puts the endpoint
		 * in default deny for that direction. */
		p->isolates_ingress = y_get(spec, "ingress") != NULL;
		p->isolates_egress = y_get(spec, "egress") != NULL;
	} else if (types && types->kind == Y_SEQ) {
		for (size_t i = 0; i < types->n; i++) {
			const char *t = y_text(types->items[i]);
			p->isolates_ingress = p->isolates_ingress || (t && strcmp(t, "Ingress") == 0);
			p->isolates_egress = p->isolates_egress || (t && strcmp(t, "Egress") == 0);
		}
	} else {
		/* policyTypes unset: Ingress always, Egress when the policy has
		 * egress rules (NetworkPolicySpec.policyTypes). */
		p->isolates_ingress = true;
		p->isolates_egress = seq_len(y_get(spec, "egress")) > 0;
	}
}

bool netpol_append(struct netpol_set *to, const struct netpol_set *from)
{
	for (size_t i = 0; i < from->n; i++) {
		struct netpol *p = push_policy(to);

		if (!p)
			return false;
		*p = from->v[i];
	}
	return true;
}

void netpol_set_free(struct netpol_set *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

void netpol_add_namespace(struct netpol_set *s, struct arena *a, const struct ynode *doc)
{
	const char *name = y_text(y_get(y_get(doc, "metadata"), "name"));

	if (!name)
		return;
	s->namespaces = arena_grow(a, s->namespaces, s->nnamespaces, &s->cap_ns, sizeof(*s->namespaces));
	if (!s->namespaces)
		return;
	s->namespaces[s->nnamespaces].ns = dup(a, name);
	labels_from(a, y_get(y_get(doc, "metadata"), "labels"), &s->namespaces[s->nnamespaces].labels);
	s->nnamespaces++;
}

static int wide_cmp(const void *x, const void *y)
{
	const struct netpol *a = *(const struct netpol *const *)x, *b = *(const struct netpol *const *)y;
	int c = strcmp(a->ns, b->ns);

	return c ? c : strcmp(a->name ? a->name : "", b->name ? b->name : "");
}

int np_keyed_cmp(const void *x, const void *y)
{
	const struct np_keyed *a = x, *b = y;
	int c = strcmp(a->ns, b->ns);

	if (!c)
		c = strcmp(a->key, b->key);
	return c ? c : strcmp(a->value, b->value);
}

/* The same order, ties by name: the output does not depend on qsort. */
static int keyed_order(const void *x, const void *y)
{
	const struct np_keyed *a = x, *b = y;
	int c = np_keyed_cmp(x, y);

	return c ? c : strcmp(a->p->name ? a->p->name : "", b->p->name ? b->p->name : "");
}

void netpol_finish(struct netpol_set *s, struct arena *a)
{
	s->wide = arena_alloc(a, (s->n + 1) * sizeof(*s->wide));
	s->keyed = arena_alloc(a, (s->n + 1) * sizeof(*s->keyed));
	if (!s->wide || !s->keyed)
		return;
	for (size_t i = 0; i < s->n; i++) {
		const struct netpol *p = &s->v[i];
		if (p->pods.match.n)
			s->keyed[s->nkeyed++] = (struct np_keyed){p->ns, p->pods.match.keys[0], p->pods.match.values[0], p};
		else
			s->wide[s->nwide++] = p;
	}
	qsort(s->wide, s->nwide, sizeof(*s->wide), wide_cmp);
	qsort(s->keyed, s->nkeyed, sizeof(*s->keyed), keyed_order);
}

const char *np_protocol_name(enum np_protocol p)
{
	return p == NP_UDP ? "UDP" : p == NP_SCTP ? "SCTP" : "TCP";
}
