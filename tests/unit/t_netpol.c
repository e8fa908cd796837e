/* The NetworkPolicy evaluator, one semantic point per test, each written from
 * the Kubernetes documentation's own examples where it has one
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/). */
#include <string.h>

#include "lint/netpol.h"
#include "t.h"
#include "yaml/parse.h"

struct world {
	struct arena a;
	struct netpol_set s;
};

static int add_doc(struct ynode *root, int index, void *user)
{
	struct world *w = user;
	const char *kind = y_text(y_get(root, "kind"));

	(void)index;
	if (kind && strcmp(kind, "Namespace") == 0)
		netpol_add_namespace(&w->s, &w->a, root);
	else if (kind)
		netpol_add(&w->s, &w->a, root, kind, NULL);
	return 0;
}

static void load(struct world *w, const char *yaml)
{
	struct diags d;

	memset(w, 0, sizeof(*w));
	arena_init(&w->a, 0);
	diags_init(&d);
	CHECK_INT(yaml_parse_stream(&w->a, &d, "t.yaml", yaml, strlen(yaml), &yaml_default_limits, add_doc, w), 0);
	diags_free(&d);
	netpol_finish(&w->s, &w->a);
}

/* A pod with one or two labels. */
static struct np_endpoint pod(const char *ns, struct labels *l, const char **keys, const char **values, size_t n)
{
	l->keys = keys;
	l->values = values;
	l->n = n;
	return (struct np_endpoint){.label = "pod", .ns = ns, .pod_labels = l, .in_set = true};
}

static struct np_endpoint address(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	return (struct np_endpoint){.label = "address", .address = a << 24 | b << 16 | c << 8 | d};
}

static enum np_verdict verdict(struct world *w, const struct np_endpoint *src, const struct np_endpoint *dst,
			       enum np_protocol p, int port)
{
	return netpol_evaluate(&w->s, src, dst, p, port).verdict;
}

/* The documentation's test-network-policy: ipBlock with except,
 * namespaceSelector, podSelector, ports, and an egress ipBlock. */
static const char doc_example[] =
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: test-network-policy, namespace: default}\n"
	"spec:\n  podSelector: {matchLabels: {role: db}}\n  policyTypes: [Ingress, Egress]\n"
	"  ingress:\n  - from:\n    - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}\n"
	"    - namespaceSelector: {matchLabels: {project: myproject}}\n    - podSelector: {matchLabels: {role: frontend}}\n"
	"    ports: [{protocol: TCP, port: 6379}]\n"
	"  egress:\n  - to: [{ipBlock: {cidr: 10.0.0.0/24}}]\n    ports: [{protocol: TCP, port: 5978}]\n"
	"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: mine, labels: {project: myproject}}\n";

static void test_documentation_example(void)
{
	struct world w;
	const char *role[] = {"role"}, *db[] = {"db"}, *fe[] = {"frontend"}, *be[] = {"backend"};
	struct labels ldb, lfe, lbe, lother;
	struct np_endpoint dbp, front, back, other_ns;

	load(&w, doc_example);
	dbp = pod("default", &ldb, role, db, 1);
	front = pod("default", &lfe, role, fe, 1);
	back = pod("default", &lbe, role, be, 1);
	other_ns = pod("mine", &lother, role, be, 1);
	CHECK_INT(verdict(&w, &front, &dbp, NP_TCP, 6379), NP_ALLOWED);
	CHECK_INT(verdict(&w, &front, &dbp, NP_TCP, 6380), NP_BLOCKED);     /* ports */
	CHECK_INT(verdict(&w, &front, &dbp, NP_UDP, 6379), NP_BLOCKED);     /* protocol */
	CHECK_INT(verdict(&w, &back, &dbp, NP_TCP, 6379), NP_BLOCKED);      /* podSelector */
	CHECK_INT(verdict(&w, &other_ns, &dbp, NP_TCP, 6379), NP_ALLOWED);  /* namespaceSelector, any pod */
	{
		struct np_endpoint in = address(172, 17, 0, 5), excepted = address(172, 17, 1, 5);
		CHECK_INT(verdict(&w, &in, &dbp, NP_TCP, 6379), NP_ALLOWED);
		CHECK_INT(verdict(&w, &excepted, &dbp, NP_TCP, 6379), NP_BLOCKED);   /* except */
	}
	{
		struct np_endpoint ok = address(10, 0, 0, 5), out = address(10, 0, 1, 5);
		CHECK_INT(verdict(&w, &dbp, &ok, NP_TCP, 5978), NP_ALLOWED);
		CHECK_INT(verdict(&w, &dbp, &out, NP_TCP, 5978), NP_BLOCKED);
	}
	/* Pods no policy selects are not isolated. */
	CHECK_INT(verdict(&w, &back, &front, NP_TCP, 1), NP_ALLOWED);
	netpol_set_free(&w.s);
	arena_free(&w.a);
}

/* "Behavior of to and from selectors": one element with both selectors is
 * AND, two elements are OR. */
static void test_and_or(void)
{
	static const char and_[] =
		"kind: NetworkPolicy\nmetadata: {name: p, namespace: default}\nspec:\n  podSelector: {}\n"
		"  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {user: alice}}\n"
		"      podSelector: {matchLabels: {role: client}}\n"
		"---\nkind: Namespace\nmetadata: {name: a, labels: {user: alice}}\n";
	static const char or_[] =
		"kind: NetworkPolicy\nmetadata: {name: p, namespace: default}\nspec:\n  podSelector: {}\n"
		"  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {user: alice}}\n"
		"    - podSelector: {matchLabels: {role: client}}\n"
		"---\nkind: Namespace\nmetadata: {name: a, labels: {user: alice}}\n";
	const char *role[] = {"role"}, *client[] = {"client"}, *server[] = {"server"};
	struct labels l1, l2, l3, l4;
	struct np_endpoint dst = pod("default", &l1, role, server, 1);
	struct np_endpoint alice_client = pod("a", &l2, role, client, 1), alice_other = pod("a", &l3, role, server, 1);
	struct np_endpoint local_client = pod("default", &l4, role, client, 1);
	struct world w;

	load(&w, and_);
	CHECK_INT(verdict(&w, &alice_client, &dst, NP_TCP, 80), NP_ALLOWED);
	CHECK_INT(verdict(&w, &alice_other, &dst, NP_TCP, 80), NP_BLOCKED);
	CHECK_INT(verdict(&w, &local_client, &dst, NP_TCP, 80), NP_BLOCKED);
	netpol_set_free(&w.s);
	arena_free(&w.a);
	load(&w, or_);
	CHECK_INT(verdict(&w, &alice_other, &dst, NP_TCP, 80), NP_ALLOWED);
	CHECK_INT(verdict(&w, &local_client, &dst, NP_TCP, 80), NP_ALLOWED);
	netpol_set_free(&w.s);
	arena_free(&w.a);
}

/* "Default deny all ingress traffic" isolates ingress only; policyTypes
 * unset means Ingress, plus Egress when the policy has egress rules. */
static void test_isolation_and_default_types(void)
{
	static const char deny_ingress[] =
		"kind: NetworkPolicy\nmetadata: {name: default-deny-ingress, namespace: default}\n"
		"spec: {podSelector: {}, policyTypes: [Ingress]}\n";
	static const char untyped[] =
		"kind: NetworkPolicy\nmetadata: {name: p, namespace: default}\n"
		"spec: {podSelector: {}, egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]}\n";
	static const char untyped_no_egress[] =
		"kind: NetworkPolicy\nmetadata: {name: p, namespace: default}\nspec: {podSelector: {}}\n";
	const char *app[] = {"app"}, *web[] = {"web"}, *db[] = {"db"};
	struct labels l1, l2;
	struct np_endpoint a = pod("default", &l1, app, web, 1), b = pod("default", &l2, app, db, 1);
	struct np_endpoint out = address(8, 8, 8, 8);
	struct world w;

	load(&w, deny_ingress);
	CHECK_INT(verdict(&w, &a, &b, NP_TCP, 5432), NP_BLOCKED);
	CHECK_INT(verdict(&w, &a, &out, NP_TCP, 443), NP_ALLOWED);
	netpol_set_free(&w.s);
	arena_free(&w.a);
	load(&w, untyped);
	CHECK(w.s.v[0].isolates_ingress && w.s.v[0].isolates_egress);
	CHECK_INT(verdict(&w, &b, &out, NP_TCP, 443), NP_BLOCKED);
	netpol_set_free(&w.s);
	arena_free(&w.a);
	load(&w, untyped_no_egress);
	CHECK(w.s.v[0].isolates_ingress && !w.s.v[0].isolates_egress);
	netpol_set_free(&w.s);
	arena_free(&w.a);
}

/* "Targeting a range of ports": endPort; named ports on the destination pod;
 * the automatic kubernetes.io/metadata.name label; matchExpressions. */
static void test_ports_names_and_expressions(void)
{
	static const char policies[] =
		"kind: NetworkPolicy\nmetadata: {name: multi-port-egress, namespace: default}\n"
		"spec: {podSelector: {matchLabels: {role: db}}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: "
		"10.0.0.0/24}}], ports: [{protocol: TCP, port: 32000, endPort: 32768}]}]}\n"
		"---\nkind: NetworkPolicy\nmetadata: {name: web, namespace: default}\n"
		"spec: {podSelector: {matchExpressions: [{key: role, operator: In, values: [web, api]}]}, "
		"ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: traefik}}}], "
		"ports: [{port: http}]}]}\n";
	const char *role[] = {"role"}, *db[] = {"db"}, *api[] = {"api"}, *other[] = {"other"};
	const struct kv_port named[] = {{"http", 8069}};
	struct labels l1, l2, l3, l4;
	struct np_endpoint dbp = pod("default", &l1, role, db, 1), apip = pod("default", &l2, role, api, 1);
	struct np_endpoint controller = pod("traefik", &l3, role, other, 1), plain = pod("default", &l4, role, other, 1);
	struct np_endpoint in_range = address(10, 0, 0, 1);
	struct world w;

	apip.ports = named;
	apip.nports = 1;
	load(&w, policies);
	CHECK_INT(verdict(&w, &dbp, &in_range, NP_TCP, 32000), NP_ALLOWED);
	CHECK_INT(verdict(&w, &dbp, &in_range, NP_TCP, 32768), NP_ALLOWED);
	CHECK_INT(verdict(&w, &dbp, &in_range, NP_TCP, 32769), NP_BLOCKED);
	CHECK_INT(verdict(&w, &controller, &apip, NP_TCP, 8069), NP_ALLOWED);   /* the name resolves to 8069 */
	CHECK_INT(verdict(&w, &controller, &apip, NP_TCP, 8072), NP_BLOCKED);
	CHECK_INT(verdict(&w, &plain, &apip, NP_TCP, 8069), NP_BLOCKED);        /* not in namespace traefik */
	CHECK_INT(verdict(&w, &plain, &plain, NP_TCP, 8069), NP_ALLOWED);       /* NotIn the expression: not isolated */
	netpol_set_free(&w.s);
	arena_free(&w.a);
}

/* Cilium: the Gateway proxy's reserved `ingress` identity is matched by
 * fromEntities: [ingress], never by a namespaceSelector; an ipBlock selects
 * no pod; a rule the evaluator does not model gives "not evaluated". */
static void test_cilium(void)
{
	static const char policies[] =
		"kind: NetworkPolicy\nmetadata: {name: deny, namespace: app}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress], "
		"ingress: [{from: [{namespaceSelector: {}}, {ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 9999}]}]}\n"
		"---\nkind: CiliumNetworkPolicy\nmetadata: {name: gw, namespace: app}\nspec: {endpointSelector: {matchLabels: "
		"{app: web}}, ingress: [{fromEntities: [ingress], toPorts: [{ports: [{port: \"8080\", protocol: TCP}]}]}]}\n"
		"---\nkind: CiliumNetworkPolicy\nmetadata: {name: fqdn, namespace: app}\nspec: {endpointSelector: {matchLabels: "
		"{app: web}}, egress: [{toFQDNs: [{matchName: example.org}]}]}\n";
	const char *app[] = {"app"}, *web[] = {"web"};
	struct labels l1, l2;
	struct np_endpoint webp = pod("app", &l1, app, web, 1), peer = pod("other", &l2, app, web, 1);
	struct np_endpoint proxy = {.label = "proxy", .entity = NP_ENTITY_INGRESS};
	struct np_endpoint s3 = {.label = "s3", .public_address = true};
	struct world w;

	load(&w, policies);
	CHECK_INT(verdict(&w, &proxy, &webp, NP_TCP, 8080), NP_ALLOWED);
	CHECK_INT(verdict(&w, &proxy, &webp, NP_TCP, 9999), NP_BLOCKED);   /* namespaceSelector {} and 0.0.0.0/0 miss it */
	CHECK_INT(verdict(&w, &peer, &webp, NP_TCP, 9999), NP_ALLOWED);
	CHECK_INT(verdict(&w, &webp, &s3, NP_TCP, 443), NP_UNKNOWN);
	netpol_set_free(&w.s);
	arena_free(&w.a);
}

/* Some public address (an object store): an ipBlock must hold all of them. */
static void test_public_addresses(void)
{
	static const char policies[] =
		"kind: NetworkPolicy\nmetadata: {name: out, namespace: app}\nspec: {podSelector: {}, policyTypes: [Egress], "
		"egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]}}], "
		"ports: [{port: 443}]}, {to: [{ipBlock: {cidr: 0.0.0.0/0, except: [1.0.0.0/8]}}], ports: [{port: 80}]}]}\n";
	const char *app[] = {"app"}, *web[] = {"web"};
	struct labels l1;
	struct np_endpoint webp = pod("app", &l1, app, web, 1);
	struct np_endpoint s3 = {.label = "s3", .public_address = true};
	struct world w;

	load(&w, policies);
	CHECK_INT(verdict(&w, &webp, &s3, NP_TCP, 443), NP_ALLOWED);
	CHECK_INT(verdict(&w, &webp, &s3, NP_TCP, 80), NP_UNKNOWN);   /* 1.0.0.0/8 is public */
	CHECK_INT(verdict(&w, &webp, &s3, NP_TCP, 22), NP_BLOCKED);
	netpol_set_free(&w.s);
	arena_free(&w.a);
}

const struct t_case t_netpol_cases[] = {
	{"netpol: the documentation's example (ipBlock except, namespace and pod selectors, ports, protocol)",
	 test_documentation_example},
	{"netpol: one peer with both selectors is AND, two peers are OR", test_and_or},
	{"netpol: isolation per direction, policyTypes defaults", test_isolation_and_default_types},
	{"netpol: endPort, named ports on the destination, metadata.name, matchExpressions",
	 test_ports_names_and_expressions},
	{"netpol: Cilium's ingress identity, ipBlock on pods, unmodelled rules", test_cilium},
	{"netpol: some public address against ipBlocks", test_public_addresses},
	{NULL, NULL},
};
