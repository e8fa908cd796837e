/* Compact summaries of each document for the cross-resource rules. Only
 * what they need is copied (names, labels, ports, references, keys, never
 * a Secret's values), so the documents themselves can be freed. */
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "facts/odoo_options.h"
#include "k8s/quantity.h"
#include "lint/flows.h"
#include "lint/internal.h"
#include "model/odoo_conf.h"

static const char *dup(struct lint_run *r, const char *s)
{
	return s ? arena_strdup(&r->index.a, s) : NULL;
}

static void labels_of(struct lint_run *r, const struct ynode *map, struct labels *l)
{
	memset(l, 0, sizeof(*l));
	if (!map || map->kind != Y_MAP || !map->n)
		return;
	l->keys = arena_alloc(&r->index.a, map->n * sizeof(*l->keys));
	l->values = arena_alloc(&r->index.a, map->n * sizeof(*l->values));
	if (!l->keys || !l->values)
		return;
	for (size_t i = 0; i < map->n; i++) {
		l->keys[l->n] = dup(r, map->pairs[i].key);
		l->values[l->n] = dup(r, y_text(map->pairs[i].val) ? y_text(map->pairs[i].val) : "");
		l->n++;
	}
}

struct wl_ctx {
	struct workload *w;
};

static void add_ref(struct lint_run *r, struct workload *w, bool secret, const char *name, const char *key,
		    bool optional, const struct srcpos *pos)
{
	size_t cap = w->nrefs;
	struct ref *v = arena_alloc(&r->index.a, (cap + 1) * sizeof(*v));

	if (!v || !name)
		return;
	if (cap)
		memcpy(v, w->refs, cap * sizeof(*v));
	v[cap].secret = secret;
	v[cap].name = dup(r, name);
	v[cap].key = dup(r, key);
	v[cap].optional = optional;
	v[cap].pos = *pos;
	w->refs = v;
	w->nrefs++;
}

static void summarise_container(struct lint_run *r, const struct ynode *c, bool init, void *user)
{
	struct workload *w = ((struct wl_ctx *)user)->w;
	const struct ynode *ports = y_get(c, "ports");
	const struct ynode *env = y_get(c, "env");
	const struct ynode *from = y_get(c, "envFrom");
	const struct ynode *res = y_get(c, "resources");
	const char *image = y_text(y_get(c, "image"));
	const struct ynode *args = y_get(c, "args");
	struct image img;
	char host[254];

	if (!init) {
		if (!y_get(y_get(res, "requests"), "cpu"))
			w->cpu_requests = false;
		if (!w->cpu_limit)
			w->cpu_limit = parse_cpu_quantity(y_text(y_get(y_get(res, "limits"), "cpu")));
		if (!w->mem_limit)
			w->mem_limit = parse_memory_quantity(y_text(y_get(y_get(res, "limits"), "memory")));
		for (size_t i = 0; args && args->kind == Y_SEQ && i < args->n; i++) {
			const char *a = y_text(args->items[i]);
			if (a && strncmp(a, "--workers=", 10) == 0)
				w->odoo_workers = atoi(a + 10);
			if (a && strncmp(a, "--max-cron-threads=", 19) == 0)
				w->odoo_cron = atoi(a + 19);
		}
		if (image) {
			/* The parsed reference is not kept: its strings go with scratch,
			 * not into the summaries (3 MiB on 20,000 Deployments). */
			struct arena scratch;
			enum role role;

			arena_init(&scratch, 0);
			role = image_ref_role(image, &img, &scratch);
			arena_free(&scratch);

			w->odoo = w->odoo || role == ROLE_ODOO;
			if (role == ROLE_ODOO && img.major > 0)
				w->odoo_major = img.major;
			w->keycloak = w->keycloak || role == ROLE_KEYCLOAK;
			w->postgres = w->postgres || role == ROLE_POSTGRES;
		}
	}
	for (size_t i = 0; ports && ports->kind == Y_SEQ && i < ports->n; i++) {
		struct kv_port *v = arena_alloc(&r->index.a, (w->nports + 1) * sizeof(*v));
		const struct ynode *num = y_get(ports->items[i], "containerPort");

		if (!v)
			return;
		if (w->nports)
			memcpy(v, w->ports, w->nports * sizeof(*v));
		v[w->nports].name = dup(r, y_text(y_get(ports->items[i], "name")));
		v[w->nports].number = num && num->kind == Y_INT ? (int)num->i : 0;
		w->ports = v;
		w->nports++;
	}
	for (size_t i = 0; env && env->kind == Y_SEQ && i < env->n; i++) {
		const struct ynode *vf = y_get(env->items[i], "valueFrom");
		const struct ynode *sk = y_get(vf, "secretKeyRef"), *ck = y_get(vf, "configMapKeyRef");
		const struct ynode *ref = sk ? sk : ck;
		const char *n = y_text(y_get(env->items[i], "name"));
		const struct ynode *opt = y_get(ref, "optional");

		if (ref)
			add_ref(r, w, sk != NULL, y_text(y_get(ref, "name")), y_text(y_get(ref, "key")),
				opt && opt->kind == Y_BOOL && opt->b, &ref->pos);
		if (n && y_text(y_get(env->items[i], "value")) &&
		    database_host(n, y_text(y_get(env->items[i], "value")), host, sizeof(host)))
			w->db_host = dup(r, database_host(n, y_text(y_get(env->items[i], "value")), host, sizeof(host)));
		if (n && database_port(n, y_text(y_get(env->items[i], "value"))))
			w->db_port = database_port(n, y_text(y_get(env->items[i], "value")));
		if (n && strcmp(n, "KC_DB_POOL_MAX_SIZE") == 0 && y_text(y_get(env->items[i], "value")))
			w->keycloak_pool = atoi(y_text(y_get(env->items[i], "value")));
	}
	for (size_t i = 0; from && from->kind == Y_SEQ && i < from->n; i++) {
		const struct ynode *sr = y_get(from->items[i], "secretRef"), *cr = y_get(from->items[i], "configMapRef");
		const struct ynode *ref = sr ? sr : cr;
		const struct ynode *opt = y_get(ref, "optional");

		if (ref)
			add_ref(r, w, sr != NULL, y_text(y_get(ref, "name")), NULL, opt && opt->kind == Y_BOOL && opt->b, &ref->pos);
	}
}

static void summarise_workload(struct lint_run *r, const struct ynode *doc, const char *kind, const char *name,
			       const char *ns)
{
	struct lint_index *ix = &r->index;
	const struct ynode *pod = pod_spec_of(doc);
	const struct ynode *spec = y_get(doc, "spec");
	const struct ynode *tmpl_meta = strcmp(kind, "Pod") == 0 ? y_get(doc, "metadata")
				      : strcmp(kind, "CronJob") == 0
					  ? y_get(y_get(y_get(y_get(spec, "jobTemplate"), "spec"), "template"), "metadata")
					  : y_get(y_get(spec, "template"), "metadata");
	const struct ynode *replicas = y_get(spec, "replicas");
	const struct ynode *vols = y_get(pod, "volumes");
	struct workload *w;
	struct wl_ctx ctx;

	if (!index_grow(ix, &ix->workloads, ix->nworkloads, &ix->cap_w, sizeof(*ix->workloads)))
		return;
	w = &ix->workloads[ix->nworkloads++];
	memset(w, 0, sizeof(*w));
	w->kind = dup(r, kind);
	w->name = dup(r, name);
	w->ns = dup(r, ns);
	w->object = dup(r, r->object);
	w->ignore = dup(r, r->ignore);
	w->pos = doc->pos;
	w->cpu_requests = true;
	w->keycloak_pool = keycloak_constants.default_db_pool;
	w->odoo_workers = w->odoo_cron = -1;
	labels_of(r, y_get(tmpl_meta, "labels"), &w->pod_labels);
	w->replicas = replicas && replicas->kind == Y_INT ? (int)replicas->i : 1;
	if (strcmp(kind, "DaemonSet") == 0 || strcmp(kind, "Job") == 0 || strcmp(kind, "CronJob") == 0 || strcmp(kind, "Pod") == 0)
		w->replicas = -1;
	w->spread = y_get(pod, "topologySpreadConstraints") || y_get(y_get(pod, "affinity"), "podAntiAffinity");
	{
		const struct ynode *req = y_get(y_get(y_get(pod, "affinity"), "podAffinity"),
						 "requiredDuringSchedulingIgnoredDuringExecution");
		for (size_t i = 0; req && req->kind == Y_SEQ && i < req->n; i++) {
			const char *key = y_text(y_get(req->items[i], "topologyKey"));
			if (key && strcmp(key, "kubernetes.io/hostname") == 0)
				labels_of(r, y_get(y_get(req->items[i], "labelSelector"), "matchLabels"), &w->colocated);
		}
	}
	if (strcmp(kind, "StatefulSet") == 0 && y_text(y_get(spec, "serviceName"))) {
		w->governing_service = dup(r, y_text(y_get(spec, "serviceName")));
		w->governing_pos = y_get(spec, "serviceName")->pos;
	}
	if (y_text(y_get(pod, "serviceAccountName")) && strcmp(y_text(y_get(pod, "serviceAccountName")), "default") != 0) {
		w->service_account = dup(r, y_text(y_get(pod, "serviceAccountName")));
		w->account_pos = y_get(pod, "serviceAccountName")->pos;
	}
	w->singleton = y_text(y_get(y_get(spec, "strategy"), "type")) && strcmp(y_text(y_get(y_get(spec, "strategy"), "type")), "Recreate") == 0;
	ctx.w = w;
	each_container(pod, summarise_container, r, &ctx);
	for (size_t i = 0; vols && vols->kind == Y_SEQ && i < vols->n; i++) {
		const struct ynode *v = vols->items[i];
		const struct ynode *pvc = y_get(v, "persistentVolumeClaim");
		const struct ynode *sec = y_get(v, "secret"), *cm = y_get(v, "configMap");
		const struct ynode *items = y_get(sec ? sec : cm, "items");
		const struct ynode *opt = y_get(sec ? sec : cm, "optional");
		bool optional = opt && opt->kind == Y_BOOL && opt->b;

		if (pvc && y_text(y_get(pvc, "claimName"))) {
			const char **names = arena_alloc(&r->index.a, (w->nclaims + 1) * sizeof(*names));
			struct srcpos *pos = arena_alloc(&r->index.a, (w->nclaims + 1) * sizeof(*pos));
			if (!names || !pos)
				return;
			if (w->nclaims) {
				memcpy(names, w->claims, w->nclaims * sizeof(*names));
				memcpy(pos, w->claim_pos, w->nclaims * sizeof(*pos));
			}
			names[w->nclaims] = dup(r, y_text(y_get(pvc, "claimName")));
			pos[w->nclaims] = pvc->pos;
			w->claims = names;
			w->claim_pos = pos;
			w->nclaims++;
		}
		if (sec || cm) {
			const char *ref = y_text(y_get(sec ? sec : cm, sec ? "secretName" : "name"));
			if (!items || items->kind != Y_SEQ || !items->n)
				add_ref(r, w, sec != NULL, ref, NULL, optional, &(sec ? sec : cm)->pos);
			for (size_t k = 0; items && items->kind == Y_SEQ && k < items->n; k++)
				add_ref(r, w, sec != NULL, ref, y_text(y_get(items->items[k], "key")), optional, &items->items[k]->pos);
		}
	}
}

static void summarise_service(struct lint_run *r, const struct ynode *doc, const char *name, const char *ns)
{
	struct lint_index *ix = &r->index;
	const struct ynode *spec = y_get(doc, "spec");
	const struct ynode *ports = y_get(spec, "ports");
	struct svc_summary *s;

	if (!index_grow(ix, &ix->services, ix->nservices, &ix->cap_s, sizeof(*ix->services)))
		return;
	s = &ix->services[ix->nservices++];
	memset(s, 0, sizeof(*s));
	s->name = dup(r, name);
	s->ns = dup(r, ns);
	s->object = dup(r, r->object);
	s->ignore = dup(r, r->ignore);
	s->pos = doc->pos;
	labels_of(r, y_get(spec, "selector"), &s->selector);
	labels_of(r, y_get(y_get(doc, "metadata"), "labels"), &s->labels);
	s->headless = y_text(y_get(spec, "clusterIP")) && strcmp(y_text(y_get(spec, "clusterIP")), "None") == 0;
	s->nports = ports && ports->kind == Y_SEQ ? ports->n : 0;
	s->ports = s->nports ? arena_alloc(&r->index.a, s->nports * sizeof(*s->ports)) : NULL;
	for (size_t i = 0; s->ports && i < s->nports; i++) {
		const struct ynode *p = ports->items[i];
		const struct ynode *port = y_get(p, "port"), *target = y_get(p, "targetPort");

		s->ports[i].name = dup(r, y_text(y_get(p, "name")));
		s->ports[i].port = port && port->kind == Y_INT ? (int)port->i : 0;
		s->ports[i].target = target ? (target->kind == Y_INT ? (int)target->i : 0) : s->ports[i].port;
		s->ports[i].target_name = target && target->kind == Y_STR ? dup(r, target->text) : NULL;
		s->ports[i].pos = target ? target->pos : p->pos;
	}
}

static void add_backend(struct lint_run *r, const char *ns, const struct ynode *svc, const char *svc_name,
			const struct ynode *port, const char *path, bool route)
{
	struct lint_index *ix = &r->index;
	struct backend *b;

	if (!index_grow(ix, &ix->backends, ix->nbackends, &ix->cap_b, sizeof(*ix->backends)) || !svc_name)
		return;
	b = &ix->backends[ix->nbackends++];
	memset(b, 0, sizeof(*b));
	b->ns = dup(r, ns);
	b->service = dup(r, svc_name);
	b->object = dup(r, r->object);
	b->ignore = dup(r, r->ignore);
	b->path = dup(r, path);
	b->pos = svc->pos;
	b->http_route = route;
	if (port && port->kind == Y_INT)
		b->port = (int)port->i;
	else if (port)
		b->port_name = dup(r, y_text(port));
}

static void summarise_ingress(struct lint_run *r, const struct ynode *doc, const char *ns)
{
	const struct ynode *rules = y_get(y_get(doc, "spec"), "rules");
	const struct ynode *def = y_get(y_get(y_get(doc, "spec"), "defaultBackend"), "service");

	r->index.has_ingress = true;
	if (def)
		add_backend(r, ns, def, y_text(y_get(def, "name")), y_get(y_get(def, "port"), "number") ? y_get(y_get(def, "port"), "number") : y_get(y_get(def, "port"), "name"), "/", false);
	for (size_t i = 0; rules && rules->kind == Y_SEQ && i < rules->n; i++) {
		const struct ynode *paths = y_get(y_get(rules->items[i], "http"), "paths");
		for (size_t k = 0; paths && paths->kind == Y_SEQ && k < paths->n; k++) {
			const struct ynode *svc = y_get(y_get(paths->items[k], "backend"), "service");
			const struct ynode *port = y_get(svc, "port");

			if (svc)
				add_backend(r, ns, svc, y_text(y_get(svc, "name")),
					    y_get(port, "number") ? y_get(port, "number") : y_get(port, "name"),
					    y_text(y_get(paths->items[k], "path")), false);
		}
	}
}

static void summarise_http_route(struct lint_run *r, const struct ynode *doc, const char *ns)
{
	const struct ynode *rules = y_get(y_get(doc, "spec"), "rules");

	r->index.has_ingress = true;
	for (size_t i = 0; rules && rules->kind == Y_SEQ && i < rules->n; i++) {
		const struct ynode *refs = y_get(rules->items[i], "backendRefs");
		const struct ynode *m0 = y_get(rules->items[i], "matches");
		const char *path = m0 && m0->kind == Y_SEQ && m0->n ? y_text(y_get(y_get(m0->items[0], "path"), "value")) : "/";

		for (size_t k = 0; refs && refs->kind == Y_SEQ && k < refs->n; k++) {
			const char *kind = y_text(y_get(refs->items[k], "kind"));
			if (!kind || strcmp(kind, "Service") == 0)
				add_backend(r, ns, refs->items[k], y_text(y_get(refs->items[k], "name")),
					    y_get(refs->items[k], "port"), path, true);
		}
	}
}

struct defined *index_new_defined(struct lint_run *r, bool secret, const char *name, const char *ns)
{
	struct lint_index *ix = &r->index;
	struct defined *d;

	if (!index_grow(ix, &ix->defined, ix->ndefined, &ix->cap_d, sizeof(*ix->defined)))
		return NULL;
	d = &ix->defined[ix->ndefined++];
	memset(d, 0, sizeof(*d));
	d->secret = secret;
	d->name = dup(r, name);
	d->ns = dup(r, ns);
	return d;
}

static void summarise_defined(struct lint_run *r, const struct ynode *doc, bool secret, const char *name, const char *ns)
{
	static const char *const sections[] = {"data", "stringData", "binaryData"};
	struct defined *d = index_new_defined(r, secret, name, ns);
	size_t total = 0;

	if (!d)
		return;
	for (size_t s = 0; s < 3; s++) {
		const struct ynode *m = y_get(doc, sections[s]);
		total += m && m->kind == Y_MAP ? m->n : 0;
	}
	d->keys = total ? arena_alloc(&r->index.a, total * sizeof(*d->keys)) : NULL;
	for (size_t s = 0; d->keys && s < 3; s++) {
		const struct ynode *m = y_get(doc, sections[s]);
		for (size_t i = 0; m && m->kind == Y_MAP && i < m->n; i++)
			d->keys[d->nkeys++] = dup(r, m->pairs[i].key);
	}
}

static void summarise_claim(struct lint_run *r, const struct ynode *doc, const char *name, const char *ns)
{
	struct lint_index *ix = &r->index;
	const struct ynode *modes = y_get(y_get(doc, "spec"), "accessModes");
	struct claim *c;

	if (!index_grow(ix, &ix->claims, ix->nclaims, &ix->cap_c, sizeof(*ix->claims)))
		return;
	c = &ix->claims[ix->nclaims++];
	memset(c, 0, sizeof(*c));
	c->name = dup(r, name);
	c->ns = dup(r, ns);
	c->object = dup(r, r->object);
	c->ignore = dup(r, r->ignore);
	c->pos = doc->pos;
	for (size_t i = 0; modes && modes->kind == Y_SEQ && i < modes->n; i++)
		c->rwo = c->rwo || (y_text(modes->items[i]) && (strcmp(y_text(modes->items[i]), "ReadWriteOnce") == 0 ||
							      strcmp(y_text(modes->items[i]), "ReadWriteOncePod") == 0));
}

/* NetworkPolicy peers: pod selectors allowed; an empty list of peers, or a
 * peer without selectors, allows everything. */
static void peers(struct lint_run *r, const struct ynode *rules, const char *key, struct labels **out, size_t *n,
		  bool *any, bool *dns)
{
	for (size_t i = 0; rules && rules->kind == Y_SEQ && i < rules->n; i++) {
		const struct ynode *list = y_get(rules->items[i], key);
		const struct ynode *ports = y_get(rules->items[i], "ports");

		for (size_t k = 0; dns && ports && ports->kind == Y_SEQ && k < ports->n; k++) {
			const struct ynode *p = y_get(ports->items[k], "port");
			*dns = *dns || (p && ((p->kind == Y_INT && p->i == 53) || (p->kind == Y_STR && strcmp(p->text, "dns") == 0)));
		}
		if (dns && !ports)
			*dns = true;
		if (!list || list->kind != Y_SEQ || !list->n) {
			*any = true;
			continue;
		}
		for (size_t k = 0; k < list->n; k++) {
			const struct ynode *ps = y_get(list->items[k], "podSelector");
			const struct ynode *ml = y_get(ps, "matchLabels");
			struct labels *v;

			if (y_get(list->items[k], "ipBlock") || (!ps && y_get(list->items[k], "namespaceSelector"))) {
				if (y_get(list->items[k], "ipBlock"))
					*any = true;
				continue;
			}
			v = arena_alloc(&r->index.a, (*n + 1) * sizeof(*v));
			if (!v)
				return;
			if (*n)
				memcpy(v, *out, *n * sizeof(*v));
			labels_of(r, ml, &v[*n]);
			*out = v;
			(*n)++;
		}
	}
}

static void summarise_selector(struct lint_run *r, const struct ynode *doc, const char *kind, const char *name,
			       const char *ns)
{
	struct lint_index *ix = &r->index;
	const struct ynode *spec = y_get(doc, "spec");
	bool netpol = strcmp(kind, "NetworkPolicy") == 0;
	const struct ynode *sel = y_get(spec, netpol ? "podSelector" : "selector");
	const struct ynode *types = y_get(spec, "policyTypes");
	struct selector_obj *o;

	if (!index_grow(ix, &ix->selobjs, ix->nselobjs, &ix->cap_so, sizeof(*ix->selobjs)))
		return;
	o = &ix->selobjs[ix->nselobjs++];
	memset(o, 0, sizeof(*o));
	o->kind = dup(r, kind);
	o->name = dup(r, name);
	o->ns = dup(r, ns);
	o->object = dup(r, r->object);
	o->ignore = dup(r, r->ignore);
	o->pos = doc->pos;
	labels_of(r, y_get(sel, "matchLabels"), &o->selector);
	o->selects_all = sel && sel->kind == Y_MAP && sel->n == 0;
	o->has_expressions = y_get(sel, "matchExpressions") != NULL;
	if (!netpol)
		return;
	for (size_t i = 0; types && types->kind == Y_SEQ && i < types->n; i++) {
		o->ingress = o->ingress || strcmp(y_text(types->items[i]) ? y_text(types->items[i]) : "", "Ingress") == 0;
		o->egress = o->egress || strcmp(y_text(types->items[i]) ? y_text(types->items[i]) : "", "Egress") == 0;
	}
	if (!types) {
		o->ingress = true;
		o->egress = y_get(spec, "egress") != NULL;
	}
	peers(r, y_get(spec, "ingress"), "from", &o->in_peers, &o->nin, &o->in_any, NULL);
	peers(r, y_get(spec, "egress"), "to", &o->out_peers, &o->nout, &o->out_any, &o->allows_dns);
}

static void summarise_autoscaler(struct lint_run *r, const struct ynode *doc, const char *name, const char *ns, bool keda)
{
	struct lint_index *ix = &r->index;
	const struct ynode *spec = y_get(doc, "spec");
	const struct ynode *min = y_get(spec, keda ? "minReplicaCount" : "minReplicas");
	const struct ynode *max = y_get(spec, keda ? "maxReplicaCount" : "maxReplicas");
	struct autoscaler *a;

	if (!index_grow(ix, &ix->autoscalers, ix->nautoscalers, &ix->cap_a, sizeof(*ix->autoscalers)))
		return;
	a = &ix->autoscalers[ix->nautoscalers++];
	memset(a, 0, sizeof(*a));
	a->name = dup(r, name);
	a->ns = dup(r, ns);
	a->object = dup(r, r->object);
	a->ignore = dup(r, r->ignore);
	a->target = dup(r, y_text(y_get(y_get(spec, "scaleTargetRef"), "name")));
	a->min = min && min->kind == Y_INT ? (int)min->i : 1;
	a->max = max && max->kind == Y_INT ? (int)max->i : keda ? 100 : a->min;
	a->pos = doc->pos;
}

static void summarise_odoo_conf(struct lint_run *r, const struct ynode *doc, const char *ns)
{
	struct lint_index *ix = &r->index;
	const struct ynode *data = y_get(doc, "data");
	const struct ypair *p = y_get_pair(data, "odoo.conf");
	struct odoo_conf_facts *f;
	const char *text = p ? y_text(p->val) : NULL;
	struct odoo_conf conf = {0};
	struct arena scratch;
	char *copy;

	if (!text || !strstr(text, "[options]"))
		return;
	if (!index_grow(ix, &ix->confs, ix->nconfs, &ix->cap_cf, sizeof(*ix->confs)))
		return;
	arena_init(&scratch, 0);
	copy = arena_strdup(&scratch, text);
	if (!copy || odoo_conf_parse(&scratch, NULL, copy, &conf) != 0) {
		arena_free(&scratch);
		return;
	}
	f = &ix->confs[ix->nconfs++];
	memset(f, 0, sizeof(*f));
	f->ns = dup(r, ns);
	f->object = dup(r, r->object);
	f->ignore = dup(r, r->ignore);
	f->pos = p->val->pos;
	f->workers = conf_int(&conf, "workers", odoo_constants.default_workers, NULL);
	f->cron = conf_int(&conf, "max_cron_threads", odoo_constants.default_cron_threads, NULL);
	f->db_maxconn = conf_int(&conf, "db_maxconn", odoo_constants.default_db_maxconn, NULL);
	f->proxy_mode = conf_int(&conf, "proxy_mode", 0, &f->has_proxy_mode);
	f->list_db = conf_int(&conf, "list_db", 1, &f->has_list_db);
	f->db_host = conf_get(&conf, "db_host") ? dup(r, conf_get(&conf, "db_host")->value) : NULL;
	for (size_t i = 0; i < conf.n && f->nversioned < 4; i++)
		if (odoo_option_named(conf.v[i].key)) {
			f->versioned_pos[f->nversioned] = f->pos;
			f->versioned[f->nversioned++] = odoo_option_named(conf.v[i].key)->name;
		}
	arena_free(&scratch);
}

/* PostgreSQL's max_connections: "-c max_connections=N" in a PostgreSQL
 * container's args, or a CloudNativePG Cluster's parameters. */
static void summarise_max_connections(struct lint_run *r, const struct ynode *doc, const char *kind)
{
	const struct ynode *pod = pod_spec_of(doc);
	const struct ynode *cs = y_get(pod, "containers");
	const char *v = NULL;

	if (strcmp(kind, "Cluster") == 0)
		v = y_text(y_get(y_get(y_get(y_get(doc, "spec"), "postgresql"), "parameters"), "max_connections"));
	for (size_t i = 0; !v && cs && cs->kind == Y_SEQ && i < cs->n; i++) {
		const struct ynode *args = y_get(cs->items[i], "args");
		for (size_t k = 0; args && args->kind == Y_SEQ && k < args->n; k++) {
			const char *a = y_text(args->items[k]);
			if (a && strncmp(a, "max_connections=", 16) == 0)
				v = a + 16;
		}
	}
	if (v) {
		r->index.pg_max_connections = atoi(v);
		r->index.pg_pos = doc->pos;
	}
}

static void summarise_account(struct lint_run *r, const char *name, const char *ns)
{
	struct lint_index *ix = &r->index;

	if (!index_grow(ix, &ix->accounts, ix->naccounts, &ix->cap_sa, sizeof(*ix->accounts)))
		return;
	ix->accounts[ix->naccounts].ns = dup(r, ns);
	ix->accounts[ix->naccounts].name = dup(r, name);
	ix->naccounts++;
}

void index_document(struct lint_run *r, const struct ynode *doc)
{
	const char *kind = y_text(y_get(doc, "kind"));
	const struct ynode *meta = y_get(doc, "metadata");
	const char *name = y_text(y_get(meta, "name"));
	const char *ns = y_text(y_get(meta, "namespace"));

	if (!kind || !name)
		return;
	if (index_bytes(&r->index) > LINT_INDEX_MEMORY) {
		r->index.unsummarised++;
		r->incomplete = true;
		return;
	}
	if (!ns)
		ns = "default";
	flows_index_document(r, doc, kind, ns);
	if (is_workload(kind)) {
		summarise_workload(r, doc, kind, name, ns);
		summarise_max_connections(r, doc, kind);
	} else if (strcmp(kind, "Service") == 0)
		summarise_service(r, doc, name, ns);
	else if (strcmp(kind, "Ingress") == 0)
		summarise_ingress(r, doc, ns);
	else if (strcmp(kind, "HTTPRoute") == 0)
		summarise_http_route(r, doc, ns);
	else if (strcmp(kind, "Secret") == 0 || strcmp(kind, "ConfigMap") == 0) {
		summarise_defined(r, doc, strcmp(kind, "Secret") == 0, name, ns);
		if (strcmp(kind, "ConfigMap") == 0)
			summarise_odoo_conf(r, doc, ns);
	} else if (strcmp(kind, "PersistentVolumeClaim") == 0)
		summarise_claim(r, doc, name, ns);
	else if (strcmp(kind, "NetworkPolicy") == 0 || strcmp(kind, "PodDisruptionBudget") == 0)
		summarise_selector(r, doc, kind, name, ns);
	else if (strcmp(kind, "HorizontalPodAutoscaler") == 0 || strcmp(kind, "ScaledObject") == 0)
		summarise_autoscaler(r, doc, name, ns, strcmp(kind, "ScaledObject") == 0);
	else if (strcmp(kind, "Cluster") == 0)
		summarise_max_connections(r, doc, kind);
	else if (strcmp(kind, "ServiceAccount") == 0)
		summarise_account(r, name, ns);
}
