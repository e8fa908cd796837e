/* What the required flows need from each document: the policies, the
 * namespaces' labels, HTTP-01 issuers, the ingress class, the workloads that
 * write to S3, the CloudNativePG clusters whose pods the operator makes, and
 * the ServiceMonitors and PodMonitors Prometheus scrapes. */
#include <string.h>

#include "lint/flows.h"
#include "util/number.h"

static struct flow_index *flow_index(struct lint_run *r)
{
	if (!r->index.flows)
		r->index.flows = arena_alloc(&r->index.a, sizeof(*r->index.flows));
	return r->index.flows;
}

static const char *dup(struct lint_run *r, const char *s)
{
	return s ? arena_strdup(&r->index.a, s) : NULL;
}

static bool prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

const char *database_host(const char *name, const char *value, char *buf, size_t cap)
{
	static const char *const plain[] = {"HOST", "PGHOST", "DB_HOST", "KC_DB_URL_HOST", NULL};
	const char *start, *end;

	for (const char *const *p = plain; *p; p++)
		if (strcmp(name, *p) == 0)
			return value;
	if (strcmp(name, "KC_DB_URL") != 0 && strcmp(name, "DATABASE_URL") != 0)
		return NULL;
	/* jdbc:postgresql://HOST[:PORT]/DB, postgres[ql]://[USER[:PW]@]HOST[:PORT]/DB */
	start = strstr(value, "://");
	if (!start || !(prefix(value, "jdbc:postgresql") || prefix(value, "postgres")))
		return NULL;
	start += 3;
	end = start + strcspn(start, "/?");
	for (const char *at = start; at < end; at++)
		if (*at == '@')
			start = at + 1;
	end = start + strcspn(start, ":/?,");
	if (end == start || (size_t)(end - start) >= cap)
		return NULL;
	memcpy(buf, start, (size_t)(end - start));
	buf[end - start] = '\0';
	return buf;
}

int database_port(const char *name, const char *value)
{
	static const char *const plain[] = {"PORT", "PGPORT", "DB_PORT", "KC_DB_URL_PORT", NULL};
	const char *p = value ? strstr(value, "://") : NULL;
	char digits[6];
	size_t n;
	long long port;

	for (const char *const *v = plain; *v; v++)
		if (strcmp(name, *v) == 0)
			return value && number_int(value, 1, 65535, &port) ? (int)port : 0;
	if (!p || (strcmp(name, "KC_DB_URL") != 0 && strcmp(name, "DATABASE_URL") != 0))
		return 0;
	p += 3;
	p += strcspn(p, "/?");
	while (p > value && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p[-1] != ':' || (n = strcspn(p, "/?")) == 0 || n >= sizeof(digits))
		return 0;
	memcpy(digits, p, n);
	digits[n] = '\0';
	return number_int(digits, 1, 65535, &port) ? (int)port : 0;
}

static void issuer(struct lint_run *r, struct flow_index *f, const struct ynode *doc)
{
	const struct ynode *solvers = y_get(y_get(y_get(doc, "spec"), "acme"), "solvers");

	for (size_t i = 0; solvers && solvers->kind == Y_SEQ && i < solvers->n; i++)
		if (y_get(solvers->items[i], "http01") && !f->http01) {
			f->http01 = true;
			f->issuer_object = dup(r, r->object);
			f->issuer_ignore = dup(r, r->ignore);
			f->issuer_pos = y_get(solvers->items[i], "http01")->pos;
		}
}

/* A workload that talks to S3: AWS credentials or an S3 endpoint in its env. */
static bool writes_to_s3(const struct ynode *pod)
{
	static const char *const lists[] = {"initContainers", "containers"};

	for (size_t l = 0; l < 2; l++) {
		const struct ynode *cs = y_get(pod, lists[l]);
		for (size_t i = 0; cs && cs->kind == Y_SEQ && i < cs->n; i++) {
			const struct ynode *env = y_get(cs->items[i], "env");
			for (size_t k = 0; env && env->kind == Y_SEQ && k < env->n; k++) {
				const char *n = y_text(y_get(env->items[k], "name"));
				if (n && (strcmp(n, "AWS_ACCESS_KEY_ID") == 0 || strstr(n, "S3_ENDPOINT")))
					return true;
			}
		}
	}
	return false;
}

static void s3_writer(struct lint_run *r, struct flow_index *f)
{
	struct flow_backup_hint *v = arena_grow(&r->index.a, f->s3, f->ns3, &f->cap_s3, sizeof(*f->s3));

	if (!v)
		return;
	f->s3 = v;
	f->s3[f->ns3++].object = dup(r, r->object);
}

/* A Cluster's instances (cnpg.io/cluster: NAME) or a Pooler's pods
 * (cnpg.io/poolerName: NAME), which the operator makes. */
static void cnpg_pods(struct lint_run *r, struct flow_index *f, const struct ynode *doc, const char *ns, bool pooler)
{
	const struct ynode *spec = y_get(doc, "spec");
	const char *name = y_text(y_get(y_get(doc, "metadata"), "name"));
	struct synthetic_pods *c;

	if (!name)
		return;
	f->clusters = arena_grow(&r->index.a, f->clusters, f->nclusters, &f->cap_cl, sizeof(*f->clusters));
	if (!f->clusters)
		return;
	c = &f->clusters[f->nclusters];
	memset(c, 0, sizeof(*c));
	c->ns = dup(r, ns);
	c->name = dup(r, name);
	c->object = dup(r, r->object);
	c->ignore = dup(r, r->ignore);
	c->pos = doc->pos;
	c->labels.keys = arena_alloc(&r->index.a, sizeof(*c->labels.keys));
	c->labels.values = arena_alloc(&r->index.a, sizeof(*c->labels.values));
	if (!c->labels.keys || !c->labels.values)
		return;
	c->labels.keys[0] = pooler ? network_constants.cnpg_pooler_label : network_constants.cnpg_cluster_label;
	c->labels.values[0] = c->name;
	c->labels.n = 1;
	c->pooler_of = pooler ? dup(r, y_text(y_get(y_get(spec, "cluster"), "name"))) : NULL;
	c->object_store = !pooler && (y_get(y_get(spec, "backup"), "barmanObjectStore") || y_get(spec, "plugins"));
	if (pooler && !c->pooler_of)
		return;
	f->nclusters++;
}

static void monitor(struct lint_run *r, struct flow_index *f, const struct ynode *doc, const char *ns, bool pods)
{
	const struct ynode *spec = y_get(doc, "spec");
	const struct ynode *eps = y_get(spec, pods ? "podMetricsEndpoints" : "endpoints");
	const struct ynode *ml = y_get(y_get(spec, "selector"), "matchLabels");
	struct monitor *m;

	if (!ml || ml->kind != Y_MAP || !ml->n || !eps || eps->kind != Y_SEQ)
		return;  /* matchExpressions only, or nothing to scrape: not derived */
	f->monitors = arena_grow(&r->index.a, f->monitors, f->nmonitors, &f->cap_mon, sizeof(*f->monitors));
	if (!f->monitors)
		return;
	m = &f->monitors[f->nmonitors++];
	memset(m, 0, sizeof(*m));
	m->pods = pods;
	m->ns = dup(r, ns);
	m->object = dup(r, r->object);
	m->ignore = dup(r, r->ignore);
	m->pos = doc->pos;
	m->selector.keys = arena_alloc(&r->index.a, ml->n * sizeof(*m->selector.keys));
	m->selector.values = arena_alloc(&r->index.a, ml->n * sizeof(*m->selector.values));
	m->ports = arena_alloc(&r->index.a, eps->n * sizeof(*m->ports));
	for (size_t i = 0; m->selector.keys && m->selector.values && i < ml->n; i++) {
		m->selector.keys[m->selector.n] = dup(r, ml->pairs[i].key);
		m->selector.values[m->selector.n++] = dup(r, y_text(ml->pairs[i].val) ? y_text(ml->pairs[i].val) : "");
	}
	for (size_t i = 0; m->ports && i < eps->n; i++)
		if (y_text(y_get(eps->items[i], "port")))
			m->ports[m->nports++] = dup(r, y_text(y_get(eps->items[i], "port")));
}

void flows_index_document(struct lint_run *r, const struct ynode *doc, const char *kind, const char *ns)
{
	struct flow_index *f = flow_index(r);
	const char *cls;

	if (!f)
		return;
	if (is_workload(kind)) {
		if ((strcmp(kind, "CronJob") == 0 || strcmp(kind, "Job") == 0) && writes_to_s3(pod_spec_of(doc)))
			s3_writer(r, f);
		return;
	}
	if (strcmp(kind, "NetworkPolicy") == 0 || strcmp(kind, "CiliumNetworkPolicy") == 0)
		netpol_add(&f->pols, &r->index.a, doc, r->object, r->ignore);
	else if (strcmp(kind, "Namespace") == 0)
		netpol_add_namespace(&f->pols, &r->index.a, doc);
	else if (strcmp(kind, "ClusterIssuer") == 0 || strcmp(kind, "Issuer") == 0)
		issuer(r, f, doc);
	else if (strcmp(kind, "ServiceMonitor") == 0 || strcmp(kind, "PodMonitor") == 0)
		monitor(r, f, doc, ns, strcmp(kind, "PodMonitor") == 0);
	else if ((strcmp(kind, "Cluster") == 0 || strcmp(kind, "Pooler") == 0) &&
		 strstr(y_text(y_get(doc, "apiVersion")) ? y_text(y_get(doc, "apiVersion")) : "", "cnpg.io"))
		cnpg_pods(r, f, doc, ns, strcmp(kind, "Pooler") == 0);
	cls = strcmp(kind, "Ingress") == 0 ? y_text(y_get(y_get(doc, "spec"), "ingressClassName"))
	      : strcmp(kind, "Gateway") == 0 ? y_text(y_get(y_get(doc, "spec"), "gatewayClassName"))
	      : strcmp(kind, "IngressRoute") == 0 ? "traefik" : NULL;
	if (cls && !f->class_seen)
		f->class_seen = dup(r, cls);
}

/* Appends count entries of size bytes at src to *array_ptr (memory from a). */
static bool append(struct arena *a, void *array_ptr, size_t *n, size_t *cap, const void *src, size_t count,
		   size_t size)
{
	char *v;

	memcpy(&v, array_ptr, sizeof(v));
	for (size_t i = 0; i < count; i++) {
		v = arena_grow(a, v, *n, cap, size);
		if (!v)
			return false;
		memcpy(array_ptr, &v, sizeof(v));
		memcpy(v + *n * size, (const char *)src + i * size, size);
		(*n)++;
	}
	return true;
}

bool flows_index_empty(const struct flow_index *f)
{
	return !f || (!f->pols.n && !f->pols.nnamespaces && !f->ns3 && !f->nclusters && !f->nmonitors && !f->http01 &&
		      !f->class_seen);
}

/* A part's flow summaries after the run's (src/lint/parallel.c): from's
 * strings stay in its arena, which the run keeps (index_merge). The first
 * issuer and ingress class in reading order win, as on one core. */
bool flows_index_merge(struct lint_run *to, const struct flow_index *from)
{
	struct flow_index *f;
	struct arena *a = &to->index.a;

	if (flows_index_empty(from))
		return true;
	f = flow_index(to);
	if (!f)
		return false;
	if (from->http01 && !f->http01) {
		f->http01 = true;
		f->issuer_object = from->issuer_object;
		f->issuer_ignore = from->issuer_ignore;
		f->issuer_pos = from->issuer_pos;
	}
	if (!f->class_seen)
		f->class_seen = from->class_seen;
	return netpol_append(&f->pols, &from->pols) &&
	       append(a, &f->pols.namespaces, &f->pols.nnamespaces, &f->pols.cap_ns, from->pols.namespaces,
		      from->pols.nnamespaces, sizeof(*from->pols.namespaces)) &&
	       append(a, &f->s3, &f->ns3, &f->cap_s3, from->s3, from->ns3, sizeof(*from->s3)) &&
	       append(a, &f->clusters, &f->nclusters, &f->cap_cl, from->clusters, from->nclusters,
		      sizeof(*from->clusters)) &&
	       append(a, &f->monitors, &f->nmonitors, &f->cap_mon, from->monitors, from->nmonitors,
		      sizeof(*from->monitors));
}
