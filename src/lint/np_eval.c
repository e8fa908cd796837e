/* The verdict on one flow: egress at the source, ingress at the destination,
 * each as Kubernetes defines it
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 * a pod is isolated in a direction when a policy selecting it has that
 * policy type; isolated, it accepts what some selecting policy's rule allows;
 * policies add up, none denies. */
#include <string.h>

#include "lint/netpol.h"

enum tri { NO, YES, MAYBE };

static bool in_cidr(const struct np_cidr *c, uint32_t ip)
{
	return !c->v6 && (ip & c->mask) == c->addr;
}

/* Whether block b holds all of c. */
static bool cidr_covers(const struct np_cidr *b, const struct np_cidr *c)
{
	return !b->v6 && !c->v6 && (b->mask & c->mask) == b->mask && (c->addr & b->mask) == b->addr;
}

/* Addresses that are never "some public address": RFC 1918, loopback,
 * link-local, carrier-grade NAT (RFC 6890's special-purpose registry). */
static bool only_special(const struct np_cidr *c)
{
	static const char *const special[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",
					      "169.254.0.0/16", "100.64.0.0/10", "0.0.0.0/8"};

	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		struct np_cidr s;
		if (np_parse_cidr(special[i], &s) && cidr_covers(&s, c))
			return true;
	}
	return false;
}

static enum tri ip_block_matches(const struct np_peer *p, const struct np_endpoint *e)
{
	if (e->ns || e->entity == NP_ENTITY_INGRESS)
		/* On DOKS (Cilium), CIDR rules describe peers that are not
		 * endpoints: they never select a pod or the proxy
		 * (https://docs.cilium.io/en/stable/security/policy/language/). */
		return NO;
	if (p->cidr.v6)
		return NO;
	if (!e->public_address) {
		if (!in_cidr(&p->cidr, e->address))
			return NO;
		for (size_t i = 0; i < p->nexcept; i++)
			if (in_cidr(&p->except[i], e->address))
				return NO;
		return YES;
	}
	/* Some public address, not known in advance (an object store): the
	 * block must hold every one of them. */
	if (p->cidr.mask != 0)
		return MAYBE;
	for (size_t i = 0; i < p->nexcept; i++)
		if (!only_special(&p->except[i]))
			return MAYBE;
	return YES;
}

static const struct labels *namespace_labels(const struct netpol_set *s, const char *ns)
{
	for (size_t i = 0; i < s->nnamespaces; i++)
		if (strcmp(s->namespaces[i].ns, ns) == 0)
			return &s->namespaces[i].labels;
	return NULL;
}

/* Every namespace carries kubernetes.io/metadata.name: its name, set by
 * the API server; other labels only when its Namespace is in the set. */
static bool namespace_matches(const struct netpol_set *s, const struct np_selector *sel, const char *ns)
{
	const struct labels *declared = namespace_labels(s, ns);
	const char *keys[64], *values[64];
	struct labels all = {keys, values, 0};

	keys[0] = "kubernetes.io/metadata.name";
	values[0] = ns;
	all.n = 1;
	for (size_t i = 0; declared && i < declared->n && all.n < 64; i++) {
		if (strcmp(declared->keys[i], keys[0]) == 0)
			continue;
		keys[all.n] = declared->keys[i];
		values[all.n++] = declared->values[i];
	}
	return np_selector_matches(sel, &all);
}

static enum tri entity_matches(enum np_entity want, const struct np_endpoint *e)
{
	switch (want) {
	case NP_ENTITY_ALL: return YES;
	case NP_ENTITY_INGRESS: return e->entity == NP_ENTITY_INGRESS ? YES : NO;
	case NP_ENTITY_WORLD: return !e->ns && e->entity != NP_ENTITY_INGRESS ? YES : NO;
	case NP_ENTITY_CLUSTER: return e->ns ? YES : NO;
	default: return MAYBE;
	}
}

/* A peer: podSelector alone selects pods of the policy's namespace;
 * namespaceSelector alone, every pod of the selected namespaces; both
 * together, the selected pods of the selected namespaces; ipBlock, addresses. */
static enum tri peer_matches(const struct netpol_set *s, const struct netpol *pol, const struct np_peer *p,
			     const struct np_endpoint *e)
{
	if (p->unmodelled)
		return MAYBE;
	if (p->entity != NP_ENTITY_NONE)
		return entity_matches(p->entity, e);
	if (p->has_ip)
		return ip_block_matches(p, e);
	if (!e->ns || e->entity == NP_ENTITY_INGRESS)
		return NO;  /* no label selector matches Cilium's reserved ingress identity or the outside */
	if (p->has_ns && !namespace_matches(s, &p->ns, e->ns))
		return NO;
	if (!p->has_ns && strcmp(e->ns, pol->ns) != 0)
		return NO;
	if (p->has_pod && (!e->pod_labels || !np_selector_matches(&p->pod, e->pod_labels)))
		return NO;
	return YES;
}

/* A named port is looked up on the destination pod. */
static bool port_matches(const struct np_port *p, const struct np_endpoint *dst, enum np_protocol protocol, int port)
{
	int lo = p->port, hi;

	if (!p->any_protocol && p->protocol != protocol)
		return false;
	if (p->name) {
		lo = 0;
		for (size_t i = 0; i < dst->nports && !lo; i++)
			if (dst->ports[i].name && strcmp(dst->ports[i].name, p->name) == 0)
				lo = dst->ports[i].number;
		return lo && lo == port;
	}
	if (!lo)
		return true;  /* "If this field is not provided, this matches all port names and numbers." */
	hi = p->end_port >= lo ? p->end_port : lo;
	return port >= lo && port <= hi;
}

static enum tri rule_allows(const struct netpol_set *s, const struct netpol *pol, const struct np_rule *r,
			    const struct np_endpoint *peer, const struct np_endpoint *dst, enum np_protocol protocol,
			    int port)
{
	enum tri best = NO;
	bool ports = !r->nports;

	for (size_t i = 0; i < r->nports && !ports; i++)
		ports = port_matches(&r->ports[i], dst, protocol, port);
	if (!ports)
		return NO;
	if (r->all_peers)
		return YES;
	for (size_t i = 0; i < r->npeers && best != YES; i++) {
		enum tri t = peer_matches(s, pol, &r->peers[i], peer);
		if (t > best || t == YES)
			best = t;
	}
	return best;
}

static bool selects(const struct netpol *pol, const struct np_endpoint *e)
{
	return e->in_set && e->ns && strcmp(pol->ns, e->ns) == 0 && e->pod_labels &&
	       np_selector_matches(&pol->pods, e->pod_labels);
}

/* What one policy says about one direction at the subject: YES allows, MAYBE
 * cannot tell, NO does not allow; *isolates when it isolates that direction. */
static enum tri policy_side(const struct netpol_set *s, const struct netpol *pol, bool egress,
			    const struct np_endpoint *subject, const struct np_endpoint *peer,
			    const struct np_endpoint *dst, enum np_protocol protocol, int port, bool *isolates)
{
	const struct np_rule *rules = egress ? pol->out : pol->in;
	size_t n = egress ? pol->nout : pol->nin;
	enum tri best = NO;

	*isolates = (egress ? pol->isolates_egress : pol->isolates_ingress) && selects(pol, subject);
	for (size_t r = 0; *isolates && r < n && best != YES; r++) {
		enum tri t = rule_allows(s, pol, &rules[r], peer, dst, protocol, port);
		if (t != NO)
			best = t;
	}
	return *isolates ? best : NO;
}

struct side_state {
	const struct netpol *isolating, *allowing;
	bool maybe;
};

static bool consider(const struct netpol_set *s, const struct netpol *pol, bool egress, const struct np_endpoint *subject,
		     const struct np_endpoint *peer, const struct np_endpoint *dst, enum np_protocol protocol, int port,
		     struct side_state *st)
{
	bool isolates;
	enum tri t = policy_side(s, pol, egress, subject, peer, dst, protocol, port, &isolates);

	if (isolates && (!st->isolating || strcmp(pol->name, st->isolating->name) < 0))
		st->isolating = pol;
	st->maybe = st->maybe || t == MAYBE;
	if (t == YES)
		st->allowing = pol;
	return t == YES;
}

/* The first entry of sorted v (n entries of size) not below key. */
static size_t lower_bound(const void *v, size_t n, size_t size, const void *key, int (*cmp)(const void *, const void *))
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp((const char *)v + mid * size, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int wide_ns_cmp(const void *x, const void *key)
{
	return strcmp((*(const struct netpol *const *)x)->ns, key);
}

/* One direction at one pod: subject is the pod the policies select, peer
 * the other side, dst the flow's destination (for named ports). Only the
 * policies that may select the subject are looked at. */
static enum np_verdict side(const struct netpol_set *s, bool egress, const struct np_endpoint *subject,
			    const struct np_endpoint *peer, const struct np_endpoint *dst, enum np_protocol protocol,
			    int port, const struct netpol **isolating, const struct netpol **allowing)
{
	struct side_state st = {0};
	bool done = false;

	*isolating = *allowing = NULL;
	if (!subject->in_set || !subject->ns || !s->wide || !s->keyed)
		return NP_ALLOWED;
	for (size_t i = lower_bound(s->wide, s->nwide, sizeof(*s->wide), subject->ns, wide_ns_cmp);
	     !done && i < s->nwide && strcmp(s->wide[i]->ns, subject->ns) == 0; i++)
		done = consider(s, s->wide[i], egress, subject, peer, dst, protocol, port, &st);
	for (size_t l = 0; !done && subject->pod_labels && l < subject->pod_labels->n; l++) {
		struct np_keyed key = {subject->ns, subject->pod_labels->keys[l], subject->pod_labels->values[l], NULL};

		for (size_t i = lower_bound(s->keyed, s->nkeyed, sizeof(*s->keyed), &key, np_keyed_cmp);
		     !done && i < s->nkeyed && np_keyed_cmp(&s->keyed[i], &key) == 0; i++)
			done = consider(s, s->keyed[i].p, egress, subject, peer, dst, protocol, port, &st);
	}
	*isolating = st.isolating;
	*allowing = st.allowing;
	if (done || !st.isolating)
		return NP_ALLOWED;
	return st.maybe ? NP_UNKNOWN : NP_BLOCKED;
}

struct np_reason netpol_evaluate(const struct netpol_set *s, const struct np_endpoint *src,
				 const struct np_endpoint *dst, enum np_protocol protocol, int port)
{
	struct np_reason why = {0};
	const struct netpol *iso_out, *iso_in;
	enum np_verdict out = side(s, true, src, dst, dst, protocol, port, &iso_out, &why.allowing_out);
	enum np_verdict in = side(s, false, dst, src, dst, protocol, port, &iso_in, &why.allowing_in);

	why.out = out;
	why.in = in;
	why.isolating_out = iso_out;
	why.isolating_in = iso_in;

	if (out == NP_BLOCKED || (out == NP_UNKNOWN && in != NP_BLOCKED)) {
		why.verdict = out;
		why.egress_side = true;
		why.isolating = iso_out;
	} else if (in != NP_ALLOWED) {
		why.verdict = in;
		why.isolating = iso_in;
	} else
		why.verdict = NP_ALLOWED;
	if (why.verdict == NP_UNKNOWN)
		why.unknown_why = "a rule the evaluator does not model (a CIDR that cuts through the addresses, a Cilium "
				  "CIDR, FQDN or L7 rule)";
	return why;
}
