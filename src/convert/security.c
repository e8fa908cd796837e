/* The namespace (restricted Pod Security), service accounts and roles,
 * network policies (deny by default, then each flow the stack needs), and
 * disruption budgets. */
#include <string.h>

#include "convert/context.h"

void build_namespace(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *ns = kb_object(kb, "v1", "Namespace", cv->ns, NULL, NULL);
	struct ynode *labels = kb_sub(kb, kb_sub(kb, ns, "metadata"), "labels");
	static const char *const modes[] = {"enforce", "audit", "warn"};

	for (size_t i = 0; i < 3; i++) {
		char key[96];

		snprintf(key, sizeof(key), "pod-security.kubernetes.io/%s", modes[i]);
		kb_str(kb, labels, key, "restricted");
		snprintf(key, sizeof(key), "pod-security.kubernetes.io/%s-version", modes[i]);
		kb_str(kb, labels, key, "latest");
	}
	cv_emit(cv, OUT_NAMESPACE, ns);
}

static void service_account(struct cv *cv, const char *name)
{
	struct kb *kb = &cv->kb;
	struct ynode *sa = kb_object(kb, "v1", "ServiceAccount", name, cv->ns, name);

	/* None of the workloads talks to the Kubernetes API. */
	kb_bool(kb, sa, "automountServiceAccountToken", false);
	cv_emit(cv, OUT_RBAC, sa);
}

static void rule(struct kb *kb, struct ynode *rules, const char *group, const char *const *resources,
		 const char *const *verbs)
{
	struct ynode *r = kb_push_map(kb, rules);
	struct ynode *l;

	kb_push_str(kb, kb_list(kb, r, "apiGroups"), group);
	l = kb_list(kb, r, "resources");
	for (; *resources; resources++)
		kb_push_str(kb, l, *resources);
	l = kb_list(kb, r, "verbs");
	for (; *verbs; verbs++)
		kb_push_str(kb, l, *verbs);
}

static void role_and_binding(struct cv *cv, const char *name, struct ynode *rules)
{
	struct kb *kb = &cv->kb;
	struct ynode *role = kb_object(kb, "rbac.authorization.k8s.io/v1", "Role", name, cv->ns, "rbac");
	struct ynode *rb = kb_object(kb, "rbac.authorization.k8s.io/v1", "RoleBinding", name, cv->ns, "rbac");
	struct ynode *subj = kb_push_map(kb, kb_list(kb, rb, "subjects"));
	struct ynode *ref = kb_sub(kb, rb, "roleRef");

	kb_put(kb, role, "rules", rules);
	cv_emit(cv, OUT_RBAC, role);
	kb_str(kb, subj, "kind", "Group");
	kb_str(kb, subj, "apiGroup", "rbac.authorization.k8s.io");
	kb_str(kb, subj, "name", cv->o->operators_group);
	kb_str(kb, ref, "apiGroup", "rbac.authorization.k8s.io");
	kb_str(kb, ref, "kind", "Role");
	kb_str(kb, ref, "name", name);
	cv_emit(cv, OUT_RBAC, rb);
}

void build_rbac(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	static const char *const read[] = {"get", "list", "watch", NULL};
	static const char *const get[] = {"get", NULL};
	static const char *const create[] = {"create", NULL};
	static const char *const scale[] = {"get", "update", "patch", NULL};
	static const char *const pods[] = {"pods", "events", "services", "persistentvolumeclaims", NULL};
	static const char *const logs[] = {"pods/log", NULL};
	static const char *const exec[] = {"pods/exec", NULL};
	static const char *const apps[] = {"deployments", "statefulsets", NULL};
	static const char *const apps_scale[] = {"deployments/scale", NULL};
	static const char *const batch_read[] = {"cronjobs", "jobs", NULL};
	static const char *const jobs[] = {"jobs", NULL};
	struct ynode *rules;

	if (cv->app->odoo)
		service_account(cv, "odoo");
	if (cv->app->keycloak)
		service_account(cv, "keycloak");
	if (cv->app->postgres && cv->o->postgres == PG_STATEFULSET)
		service_account(cv, "postgres");
	if ((cv->app->postgres && (cv->o->postgres == PG_STATEFULSET || cv->app->odoo)) || cv->app->external_db.host)
		service_account(cv, "postgres-backup");
	/* People who operate Odoo: look, read logs, exec for maintenance
	 * (odoo shell, -u modules), scale for upgrades. No wildcard, no
	 * Secrets, nothing cluster-wide. */
	rules = kb_seq(kb);
	rule(kb, rules, "", pods, read);
	rule(kb, rules, "", logs, get);
	rule(kb, rules, "", exec, create);
	rule(kb, rules, "apps", apps, read);
	rule(kb, rules, "apps", apps_scale, scale);
	role_and_binding(cv, "odoo-operator", rules);
	/* Backups: see the schedule and run one now (kubectl create job --from=cronjob/postgres-backup). */
	if (cv->app->postgres || cv->app->external_db.host) {
		rules = kb_seq(kb);
		rule(kb, rules, "batch", batch_read, read);
		rule(kb, rules, "batch", jobs, create);
		rule(kb, rules, "", logs, get);
		role_and_binding(cv, "backup-operator", rules);
	}
	cv_note(&cv->done, "RBAC: Roles `odoo-operator` and `backup-operator` bound to the group `%s` (change with "
			   "--operators-group); workloads get their own ServiceAccounts with no API token.",
		cv->o->operators_group);
}

/* --- network policies --- */

static struct ynode *policy(struct cv *cv, const char *name, const char *component, bool ingress, bool egress)
{
	struct kb *kb = &cv->kb;
	struct ynode *np = kb_object(kb, "networking.k8s.io/v1", "NetworkPolicy", name, cv->ns, "network-policy");
	struct ynode *spec = kb_sub(kb, np, "spec");
	struct ynode *types = kb_list(kb, spec, "policyTypes");

	if (component)
		kb_put(kb, kb_sub(kb, spec, "podSelector"), "matchLabels", kb_selector(kb, component));
	else
		kb_sub(kb, spec, "podSelector");
	if (ingress)
		kb_push_str(kb, types, "Ingress");
	if (egress)
		kb_push_str(kb, types, "Egress");
	return np;
}

static void ports(struct kb *kb, struct ynode *rule_, const int *list)
{
	struct ynode *l = kb_list(kb, rule_, "ports");

	for (; *list; list++) {
		struct ynode *p = kb_push_map(kb, l);
		kb_str(kb, p, "protocol", "TCP");
		kb_int(kb, p, "port", *list);
	}
}

static void from_components(struct cv *cv, struct ynode *rule_, const char *key, const char *const *components)
{
	struct kb *kb = &cv->kb;
	struct ynode *peers = kb_list(kb, rule_, key);

	for (; *components; components++)
		kb_put(kb, kb_sub(kb, kb_push_map(kb, peers), "podSelector"), "matchLabels",
		       kb_selector(kb, *components));
}

static void from_ingress_controller(struct cv *cv, struct ynode *rule_)
{
	struct kb *kb = &cv->kb;
	struct ynode *peer = kb_push_map(kb, kb_list(kb, rule_, "from"));
	struct ynode *ml = kb_sub(kb, kb_sub(kb, peer, "namespaceSelector"), "matchLabels");

	kb_str(kb, ml, "kubernetes.io/metadata.name", cv->o->ingress_namespace);
}

/* Cilium's Gateway (and Ingress) proxy reaches backends as the reserved
 * `ingress` identity, which no namespaceSelector matches; a
 * CiliumNetworkPolicy allows it with fromEntities: [ingress]
 * (https://docs.cilium.io/en/stable/network/servicemesh/ingress-reference/). */
static void from_cilium_proxy(struct cv *cv, const char *name, struct ynode *selector, const int *list)
{
	struct kb *kb = &cv->kb;
	struct ynode *cnp = kb_object(kb, "cilium.io/v2", "CiliumNetworkPolicy", name, cv->ns, "network-policy");
	struct ynode *spec = kb_sub(kb, cnp, "spec");
	struct ynode *rule_ = kb_push_map(kb, kb_list(kb, spec, "ingress"));
	struct ynode *ports = kb_list(kb, kb_push_map(kb, kb_list(kb, rule_, "toPorts")), "ports");

	kb_put(kb, kb_sub(kb, spec, "endpointSelector"), "matchLabels", selector);
	kb_push_str(kb, kb_list(kb, rule_, "fromEntities"), "ingress");
	for (; *list; list++) {
		struct ynode *p = kb_push_map(kb, ports);
		kb_put(kb, p, "port", kb_printf(kb, "%d", *list));
		kb_str(kb, p, "protocol", "TCP");
	}
	cv_emit(cv, OUT_NETPOL, cnp);
}

static bool cilium_proxy(const struct cv *cv)
{
	return cv->o->ingress == INGRESS_GATEWAY;
}


/* Ingress to a component's web ports: from the controller's namespace, or
 * from Cilium's proxy in gateway mode. */
static void web_ingress(struct cv *cv, struct ynode *np, const char *component, const int *list)
{
	struct kb *kb = &cv->kb;
	char name[96];

	if (cilium_proxy(cv)) {
		snprintf(name, sizeof(name), "%s-from-gateway", component);
		from_cilium_proxy(cv, name, kb_selector(kb, component), list);
		return;
	}
	{
		struct ynode *r = kb_push_map(kb, kb_list(kb, kb_sub(kb, np, "spec"), "ingress"));
		from_ingress_controller(cv, r);
		ports(kb, r, list);
	}
}

/* cert-manager's HTTP-01 solver pods answer the ACME challenge; the
 * controller must reach them on 8089 or no certificate is ever issued
 * (https://github.com/cert-manager/cert-manager/blob/master/pkg/issuer/acme/http/pod.go). */
static void http01_solver(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	const int solver[] = {network_constants.solver_port, 0};
	struct ynode *sel = kb_map(kb);
	struct ynode *np, *r;

	kb_str(kb, sel, network_constants.solver_label_key, network_constants.solver_label_value);
	if (cilium_proxy(cv)) {
		from_cilium_proxy(cv, "acme-http01-solver-from-gateway", sel, solver);
		return;
	}
	np = kb_object(kb, "networking.k8s.io/v1", "NetworkPolicy", "acme-http01-solver", cv->ns, "network-policy");
	kb_put(kb, kb_sub(kb, kb_sub(kb, np, "spec"), "podSelector"), "matchLabels", sel);
	kb_push_str(kb, kb_list(kb, kb_sub(kb, np, "spec"), "policyTypes"), "Ingress");
	r = kb_push_map(kb, kb_list(kb, kb_sub(kb, np, "spec"), "ingress"));
	from_ingress_controller(cv, r);
	ports(kb, r, solver);
	cv_emit(cv, OUT_NETPOL, np);
}

static struct ynode *label(struct kb *kb, const char *key, const char *value)
{
	struct ynode *m = kb_map(kb);

	kb_str(kb, m, key, value);
	return m;
}

/* A peer selected by labels (CloudNativePG labels its own pods). */
static void peer_labels(struct kb *kb, struct ynode *rule_, const char *dir, struct ynode *labels)
{
	kb_put(kb, kb_sub(kb, kb_push_map(kb, kb_list(kb, rule_, dir)), "podSelector"), "matchLabels", labels);
}

static void from_namespace(struct kb *kb, struct ynode *rule_, const char *ns)
{
	struct ynode *peer = kb_push_map(kb, kb_list(kb, rule_, "from"));

	kb_str(kb, kb_sub(kb, kb_sub(kb, peer, "namespaceSelector"), "matchLabels"), "kubernetes.io/metadata.name", ns);
}

/* The database's pods, for the clients' egress rules. */
static void to_database(struct cv *cv, struct ynode *r)
{
	static const char *const pg_only[] = {"postgres", NULL};

	/* A server outside the cluster: its address is not known when the
	 * manifests are written (a managed database's name resolves to
	 * addresses the provider may change), so any address on its port. */
	if (cv->app->external_db.host)
		kb_str(&cv->kb, kb_sub(&cv->kb, kb_push_map(&cv->kb, kb_list(&cv->kb, r, "to")), "ipBlock"), "cidr",
		       "0.0.0.0/0");
	else if (cv->o->postgres == PG_CNPG)
		peer_labels(&cv->kb, r, "to", label(&cv->kb, "cnpg.io/poolerName", "postgres-pooler"));
	else
		from_components(cv, r, "to", pg_only);
}

static void to_internet(struct cv *cv, struct ynode *egress, const int *list)
{
	struct kb *kb = &cv->kb;
	struct ynode *r = kb_push_map(kb, egress);
	struct ynode *block = kb_sub(kb, kb_push_map(kb, kb_list(kb, r, "to")), "ipBlock");
	struct ynode *except = kb_list(kb, block, "except");

	kb_str(kb, block, "cidr", "0.0.0.0/0");
	/* Private ranges stay closed: only the public internet. */
	kb_push_str(kb, except, "10.0.0.0/8");
	kb_push_str(kb, except, "172.16.0.0/12");
	kb_push_str(kb, except, "192.168.0.0/16");
	ports(kb, r, list);
}

/* The API server's address is not known in advance: 443 and 6443 anywhere. */
static void to_api_server(struct kb *kb, struct ynode *egress)
{
	static const int api[] = {443, 6443, 0};
	struct ynode *r = kb_push_map(kb, egress);

	kb_str(kb, kb_sub(kb, kb_push_map(kb, kb_list(kb, r, "to")), "ipBlock"), "cidr", "0.0.0.0/0");
	ports(kb, r, api);
}

static struct ynode *policy_for(struct cv *cv, const char *name, struct ynode *selector)
{
	struct kb *kb = &cv->kb;
	struct ynode *np = kb_object(kb, "networking.k8s.io/v1", "NetworkPolicy", name, cv->ns, "network-policy");
	struct ynode *spec = kb_sub(kb, np, "spec");
	struct ynode *types = kb_list(kb, spec, "policyTypes");

	kb_put(kb, kb_sub(kb, spec, "podSelector"), "matchLabels", selector);
	kb_push_str(kb, types, "Ingress");
	kb_push_str(kb, types, "Egress");
	return np;
}

/* Egress of the pooler and of the instances: to the instances, and out on
 * 443/6443 for the API server and the object storage of WAL and backups. */
static void egress_to_instances(struct cv *cv, struct ynode *np, const int *pg)
{
	struct kb *kb = &cv->kb;
	struct ynode *egress = kb_list(kb, kb_sub(kb, np, "spec"), "egress");
	struct ynode *r = kb_push_map(kb, egress);

	peer_labels(kb, r, "to", label(kb, network_constants.cnpg_cluster_label, CNPG_CLUSTER));
	ports(kb, r, pg);
	to_api_server(kb, egress);
	cv_emit(cv, OUT_NETPOL, np);
}

static void cnpg_policies(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	const int pg[] = {postgres_constants.port, 0};
	const int status[] = {8000, postgres_constants.port, 0};
	static const int https[] = {443, 0};
	static const char *const clients[] = {"odoo", "odoo-cron", "keycloak", NULL};
	struct ynode *np, *r;

	np = policy_for(cv, "postgres-pooler", label(kb, "cnpg.io/poolerName", "postgres-pooler"));
	r = kb_push_map(kb, kb_list(kb, kb_sub(kb, np, "spec"), "ingress"));
	from_components(cv, r, "from", clients);
	ports(kb, r, pg);
	egress_to_instances(cv, np, pg);

	np = policy_for(cv, "postgres-cluster", label(kb, network_constants.cnpg_cluster_label, CNPG_CLUSTER));
	r = kb_push_map(kb, kb_list(kb, kb_sub(kb, np, "spec"), "ingress"));
	peer_labels(kb, r, "from", label(kb, "cnpg.io/poolerName", "postgres-pooler"));
	peer_labels(kb, r, "from", label(kb, network_constants.cnpg_cluster_label, CNPG_CLUSTER));
	ports(kb, r, pg);
	/* The operator checks each instance's status port. */
	r = kb_push_map(kb, kb_list(kb, kb_sub(kb, np, "spec"), "ingress"));
	from_namespace(kb, r, cv->o->cnpg_namespace);
	ports(kb, r, status);
	if (cv->o->autoscaling == AUTOSCALE_KEDA) {
		r = kb_push_map(kb, kb_list(kb, kb_sub(kb, np, "spec"), "ingress"));
		from_namespace(kb, r, cv->o->keda_namespace);
		ports(kb, r, pg);
	}
	egress_to_instances(cv, np, pg);

	if (cv->app->odoo) {
		np = policy(cv, "postgres-backup", "postgres-backup", true, true);
		to_internet(cv, kb_list(kb, kb_sub(kb, np, "spec"), "egress"), https);
		cv_emit(cv, OUT_NETPOL, np);
	}
}

/* Odoo signs users in through Keycloak: to its pods, and to the
 * controller's https port, where calls to Keycloak's public URL land when
 * the load balancer hairpins them inside the cluster. */
static void to_keycloak(struct cv *cv, struct ynode *egress)
{
	static const char *const kc_only[] = {"keycloak", NULL};
	struct kb *kb = &cv->kb;
	const struct controller_facts *ctl = cv_controller(cv);
	const int kc_http[] = {keycloak_constants.http_port, 0};
	struct ynode *r = kb_push_map(kb, egress);

	from_components(cv, r, "to", kc_only);
	ports(kb, r, kc_http);
	if (ctl->https_port) {
		const int https[] = {ctl->https_port, 0};
		struct ynode *peer;

		r = kb_push_map(kb, egress);
		peer = kb_push_map(kb, kb_list(kb, r, "to"));
		kb_str(kb, kb_sub(kb, kb_sub(kb, peer, "namespaceSelector"), "matchLabels"), "kubernetes.io/metadata.name",
		       cv->o->ingress_namespace);
		ports(kb, r, https);
	}
}

/* Odoo's egress: the database, and HTTPS (Keycloak's public URL, APIs) and
 * mail submission. */
static void odoo_egress(struct cv *cv, struct ynode *np, const int *pg)
{
	static const int odoo_out[] = {443, 465, 587, 0};
	struct kb *kb = &cv->kb;
	struct ynode *egress = kb_list(kb, kb_sub(kb, np, "spec"), "egress");
	struct ynode *r = kb_push_map(kb, egress);

	to_database(cv, r);
	ports(kb, r, pg);
	to_internet(cv, egress, odoo_out);
	if (cv->app->keycloak)
		to_keycloak(cv, egress);
	cv_emit(cv, OUT_NETPOL, np);
}

void build_network_policies(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *np, *r, *egress, *peer;
	const int web[] = {odoo_constants.http_port, odoo_constants.gevent_port, 0};
	const int kc_http[] = {keycloak_constants.http_port, 0};
	const int kc_cluster[] = {keycloak_constants.jgroups_port, keycloak_constants.jgroups_fd_port, 0};
	const int pg[] = {cv->db_port, 0};
	static const int https[] = {443, 0};
	static const char *const dns_protocols[] = {"UDP", "TCP"};
	static const char *const pg_clients[] = {"odoo", "odoo-cron", "keycloak", "postgres-backup", NULL};
	static const char *const kc_only[] = {"keycloak", NULL};

	cv_emit(cv, OUT_NETPOL, policy(cv, "default-deny-all", NULL, true, true));

	np = policy(cv, "allow-dns", NULL, false, true);
	r = kb_push_map(kb, kb_list(kb, kb_sub(kb, np, "spec"), "egress"));
	peer = kb_push_map(kb, kb_list(kb, r, "to"));
	kb_str(kb, kb_sub(kb, kb_sub(kb, peer, "namespaceSelector"), "matchLabels"), "kubernetes.io/metadata.name",
	       network_constants.dns_ns);
	kb_str(kb, kb_sub(kb, kb_sub(kb, peer, "podSelector"), "matchLabels"), network_constants.dns_label_key,
	       network_constants.dns_label_value);
	for (size_t i = 0; i < 2; i++) {
		struct ynode *p = kb_push_map(kb, kb_list(kb, r, "ports"));
		kb_str(kb, p, "protocol", dns_protocols[i]);
		kb_int(kb, p, "port", 53);
	}
	cv_emit(cv, OUT_NETPOL, np);

	http01_solver(cv);
	if (cilium_proxy(cv) && cv->app->odoo && cv->app->keycloak)
		cv_note(&cv->done, "Gateway mode: Odoo may reach Keycloak in the cluster (`http://keycloak:%d`); a call to "
				   "Keycloak's public URL from inside the cluster goes through Cilium's proxy, whose egress "
				   "kgenius does not check: if sign-in fails there, point Odoo's OAuth endpoints at the "
				   "in-cluster URL.", keycloak_constants.http_port);
	if (cv->app->odoo) {
		np = policy(cv, "odoo", "odoo", true, true);
		web_ingress(cv, np, "odoo", web);
		odoo_egress(cv, np, pg);
		if (cv->plan.cron_deployment)
			odoo_egress(cv, policy(cv, "odoo-cron", "odoo-cron", true, true), pg);
	}
	if (cv->app->keycloak) {
		np = policy(cv, "keycloak", "keycloak", true, true);
		web_ingress(cv, np, "keycloak", kc_http);
		if (cv->app->odoo) {
			static const char *const odoo_pods[] = {"odoo", NULL};
			r = kb_push_map(kb, kb_list(kb, kb_sub(kb, np, "spec"), "ingress"));
			from_components(cv, r, "from", odoo_pods);
			ports(kb, r, kc_http);
		}
		r = kb_push_map(kb, kb_list(kb, kb_sub(kb, np, "spec"), "ingress"));
		from_components(cv, r, "from", kc_only);
		ports(kb, r, kc_cluster);
		egress = kb_list(kb, kb_sub(kb, np, "spec"), "egress");
		r = kb_push_map(kb, egress);
		to_database(cv, r);
		ports(kb, r, pg);
		r = kb_push_map(kb, egress);
		from_components(cv, r, "to", kc_only);
		ports(kb, r, kc_cluster);
		to_internet(cv, egress, https);
		cv_emit(cv, OUT_NETPOL, np);
	}
	if (cv->app->postgres && cv->o->postgres == PG_CNPG) {
		cnpg_policies(cv);
	} else if (cv->app->postgres) {
		np = policy(cv, "postgres", "postgres", true, true);
		r = kb_push_map(kb, kb_list(kb, kb_sub(kb, np, "spec"), "ingress"));
		from_components(cv, r, "from", pg_clients);
		ports(kb, r, pg);
		if (cv->o->autoscaling == AUTOSCALE_KEDA) {
			/* KEDA's operator runs the busy-workers query. */
			r = kb_push_map(kb, kb_list(kb, kb_sub(kb, np, "spec"), "ingress"));
			peer = kb_push_map(kb, kb_list(kb, r, "from"));
			kb_str(kb, kb_sub(kb, kb_sub(kb, peer, "namespaceSelector"), "matchLabels"),
			       "kubernetes.io/metadata.name", cv->o->keda_namespace);
			ports(kb, r, pg);
		}
		/* PostgreSQL itself opens no connection. */
		kb_list(kb, kb_sub(kb, np, "spec"), "egress");
		cv_emit(cv, OUT_NETPOL, np);
	}
	if ((cv->app->postgres && cv->o->postgres != PG_CNPG) || cv->app->external_db.host) {
		np = policy(cv, "postgres-backup", "postgres-backup", true, true);
		egress = kb_list(kb, kb_sub(kb, np, "spec"), "egress");
		r = kb_push_map(kb, egress);
		to_database(cv, r);
		ports(kb, r, pg);
		to_internet(cv, egress, https);
		cv_emit(cv, OUT_NETPOL, np);
	}
}

/* min_replicas 1: minAvailable 1 would block every drain of the only pod,
 * so the budget allows one pod down instead, which still limits a drain
 * when the autoscaler runs more. */
static void pdb(struct cv *cv, const char *component, int min_replicas)
{
	struct kb *kb = &cv->kb;
	struct ynode *p = kb_object(kb, "policy/v1", "PodDisruptionBudget", component, cv->ns, component);
	struct ynode *spec = kb_sub(kb, p, "spec");

	kb_int(kb, spec, min_replicas > 1 ? "minAvailable" : "maxUnavailable", 1);
	kb_put(kb, kb_sub(kb, spec, "selector"), "matchLabels", kb_selector(kb, component));
	cv_emit(cv, OUT_PDB, p);
}

void build_pdbs(struct cv *cv)
{
	if (cv->app->odoo && cv->o->odoo_max_replicas > 1)
		pdb(cv, "odoo", cv->o->odoo_replicas);
	if (cv->app->keycloak && cv->o->keycloak_replicas > 1)
		pdb(cv, "keycloak", cv->o->keycloak_replicas);
	if (cv->app->postgres && cv->o->postgres == PG_CNPG)
		cv_note(&cv->done, "CloudNativePG manages the PodDisruptionBudgets of its Cluster.");
	else if (cv->app->postgres)
		cv_note(&cv->done, "No PodDisruptionBudget for PostgreSQL: with one replica it would block every "
				   "node drain; a drain restarts it (about a minute of database downtime).");
}
