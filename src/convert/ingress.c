/* ingress.yaml: an Ingress per public application, TLS from cert-manager,
 * and what the Traefik labels asked for, for the chosen controller:
 * Traefik (Middleware resources) or ingress-nginx (annotations). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "convert/context.h"
#include "model/traefik.h"

#define ISSUER "letsencrypt"
#define ODOO_BODY_DEFAULT "100m"

/* Label spelling (Traefik ignores case) to the CRD's field names. */
static const struct {
	const char *label;
	const char *crd;
} mw_types[] = {
	{"headers", "headers"}, {"buffering", "buffering"}, {"ratelimit", "rateLimit"},
	{"redirectscheme", "redirectScheme"}, {"redirectregex", "redirectRegex"},
	{"basicauth", "basicAuth"}, {"ipallowlist", "ipAllowList"}, {"ipwhitelist", "ipAllowList"},
	{"stripprefix", "stripPrefix"}, {"addprefix", "addPrefix"}, {"compress", "compress"},
	{"retry", "retry"}, {"circuitbreaker", "circuitBreaker"}, {"inflightreq", "inFlightReq"},
	{NULL, NULL},
};

/* Option types: anything not listed is a string. */
static const char *const int_opts[] = {
	"stsSeconds", "maxRequestBodyBytes", "maxResponseBodyBytes", "memRequestBodyBytes",
	"memResponseBodyBytes", "average", "burst", "accessControlMaxAge", "attempts", "amount", NULL,
};
static const char *const bool_opts[] = {
	"stsIncludeSubdomains", "stsPreload", "forceSTSHeader", "frameDeny", "contentTypeNosniff",
	"browserXssFilter", "permanent", "accessControlAllowCredentials", "addVaryHeader", "removeHeader",
	"isDevelopment", NULL,
};
static const char *const list_opts[] = {
	"accessControlAllowMethods", "accessControlAllowHeaders", "accessControlAllowOriginList",
	"accessControlExposeHeaders", "sourceRange", "prefixes", "users", "hostsProxyHeaders",
	"allowedHosts", NULL,
};

/* Options that are maps: NAME.KEY=value. */
static const char *const map_opts[] = {
	"customRequestHeaders", "customResponseHeaders", "sslProxyHeaders", NULL,
};

static const char *canonical(const char *const *list, const char *key)
{
	for (; *list; list++)
		if (strcasecmp(*list, key) == 0)
			return *list;
	return NULL;
}

static const char *crd_type(const char *label_type)
{
	for (size_t i = 0; mw_types[i].label; i++)
		if (strcasecmp(mw_types[i].label, label_type) == 0)
			return mw_types[i].crd;
	return NULL;
}

/* A Kubernetes name from a Traefik one: lower case, [a-z0-9-]. */
static const char *k8s_name(struct cv *cv, const char *name)
{
	char buf[64];
	size_t n = 0;

	for (const char *p = name; *p && n < sizeof(buf) - 1; p++)
		buf[n++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '-';
	while (n && buf[n - 1] == '-')
		n--;
	buf[n] = '\0';
	return y_text(kb_strv(&cv->kb, buf));
}

static void put_option(struct cv *cv, struct ynode *spec, const struct middleware_opt *o)
{
	struct kb *kb = &cv->kb;
	const char *dot = strchr(o->key, '.');
	const char *c;

	if (dot) {
		/* customRequestHeaders.X-Forwarded-Proto=https: a map entry. */
		char head[64];
		size_t n = (size_t)(dot - o->key) < sizeof(head) - 1 ? (size_t)(dot - o->key) : sizeof(head) - 1;

		memcpy(head, o->key, n);
		head[n] = '\0';
		if ((c = canonical(map_opts, head)) != NULL)
			kb_str(kb, kb_sub(kb, spec, c), dot + 1, o->value);
		else
			diag_add(cv->d, DIAG_WARNING, &o->pos, "set it on the Middleware resource by hand",
				 "Traefik middleware option %s is not mapped; left out", o->key);
	} else if ((c = canonical(int_opts, o->key)) != NULL) {
		kb_int(kb, spec, c, atoll(o->value));
	} else if ((c = canonical(bool_opts, o->key)) != NULL) {
		kb_bool(kb, spec, c, strcasecmp(o->value, "true") == 0);
	} else if ((c = canonical(list_opts, o->key)) != NULL) {
		struct ynode *l = kb_list(kb, spec, c);
		char *copy = strdup(o->value);
		char *save = NULL;

		if (!copy)
			kb->oom = true;
		for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
			while (*t == ' ')
				t++;
			kb_push_str(kb, l, t);
		}
		free(copy);
	} else {
		kb_str(kb, spec, o->key, o->value);
	}
}

static bool emit_traefik_middleware(struct cv *cv, const struct middleware *m)
{
	struct kb *kb = &cv->kb;
	const char *type = crd_type(m->type);
	struct ynode *obj, *spec;

	if (!type) {
		diag_add(cv->d, DIAG_WARNING, &m->pos, "configure it on the Traefik installation, or drop it",
			 "Traefik middleware %s of type %s has no Kubernetes mapping here and is left out", m->name, m->type);
		return false;
	}
	if (strcasecmp(m->type, "ipwhitelist") == 0)
		diag_add(cv->d, DIAG_WARNING, &m->pos, "rename it ipallowlist in the labels",
			 "ipWhiteList was renamed ipAllowList in Traefik v3; the manifests use ipAllowList");
	obj = kb_object(kb, "traefik.io/v1alpha1", "Middleware", k8s_name(cv, m->name), cv->ns, "ingress");
	spec = kb_sub(kb, kb_sub(kb, obj, "spec"), type);
	if (strcasecmp(m->type, "basicauth") == 0) {
		/* Users are credentials: they go to a Secret in config.yaml. */
		const char *secret = y_text(kb_printf(kb, "%s-basic-auth", k8s_name(cv, m->name)));
		const char *users = middleware_opt(m, "users");

		kb_str(kb, spec, "secret", secret);
		if (users && !credential_add(cv->a, &cv->creds, secret, "users", users, &m->pos))
			kb->oom = true;
	} else {
		for (size_t i = 0; i < m->nopts; i++)
			put_option(cv, spec, &m->opts[i]);
	}
	cv_emit(cv, OUT_INGRESS, obj);
	return true;
}

/* CORS has per-Ingress annotations; the other header options are global
 * in ingress-nginx (its ConfigMap), so they are reported. Note the
 * defaults differ: nginx allows credentials unless told otherwise. */
static void nginx_headers(struct cv *cv, struct ynode *ann, const struct middleware *m)
{
	static const struct {
		const char *option;
		const char *annotation;
	} cors[] = {
		{"accessControlAllowOriginList", "nginx.ingress.kubernetes.io/cors-allow-origin"},
		{"accessControlAllowMethods", "nginx.ingress.kubernetes.io/cors-allow-methods"},
		{"accessControlAllowHeaders", "nginx.ingress.kubernetes.io/cors-allow-headers"},
		{"accessControlExposeHeaders", "nginx.ingress.kubernetes.io/cors-expose-headers"},
		{"accessControlMaxAge", "nginx.ingress.kubernetes.io/cors-max-age"},
		{NULL, NULL},
	};
	struct kb *kb = &cv->kb;
	bool any_cors = false;

	for (size_t i = 0; i < m->nopts; i++) {
		const struct middleware_opt *o = &m->opts[i];
		bool mapped = false;

		for (size_t k = 0; cors[k].option; k++) {
			if (strcasecmp(o->key, cors[k].option) == 0) {
				kb_str(kb, ann, cors[k].annotation, o->value);
				mapped = any_cors = true;
			}
		}
		if (strcasecmp(o->key, "accessControlAllowCredentials") == 0) {
			kb_str(kb, ann, "nginx.ingress.kubernetes.io/cors-allow-credentials", o->value);
			mapped = any_cors = true;
		}
		if (!mapped)
			diag_add(cv->d, DIAG_WARNING, &o->pos,
				 "set it in the ingress-nginx ConfigMap (hsts, proxy-set-headers, add-headers)",
				 "headers option %s of Traefik middleware %s is global in ingress-nginx, not per Ingress; "
				 "left out", o->key, m->name);
	}
	if (any_cors) {
		kb_str(kb, ann, "nginx.ingress.kubernetes.io/enable-cors", "true");
		if (!middleware_opt(m, "accessControlAllowCredentials"))
			kb_str(kb, ann, "nginx.ingress.kubernetes.io/cors-allow-credentials", "false");
	}
}

/* The nginx counterparts of what Odoo and the labels need. */
static void nginx_annotations(struct cv *cv, struct ynode *ann, const struct route *r, bool odoo)
{
	struct kb *kb = &cv->kb;
	const char *body = odoo ? ODOO_BODY_DEFAULT : NULL;
	char *list = r && r->middlewares ? strdup(r->middlewares) : NULL, *save = NULL;

	for (char *t = list ? strtok_r(list, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
		const struct middleware *m = traefik_middleware(&cv->app->tr, t);
		const char *v;

		if (!m)
			continue;
		if (strcasecmp(m->type, "buffering") == 0 && (v = middleware_opt(m, "maxRequestBodyBytes")) != NULL)
			body = y_text(kb_printf(kb, "%lldm", (atoll(v) + (1 << 20) - 1) >> 20));
		else if (strcasecmp(m->type, "ratelimit") == 0 && (v = middleware_opt(m, "average")) != NULL)
			kb_str(kb, ann, "nginx.ingress.kubernetes.io/limit-rps", v);
		else if ((strcasecmp(m->type, "ipallowlist") == 0 || strcasecmp(m->type, "ipwhitelist") == 0) &&
			 (v = middleware_opt(m, "sourceRange")) != NULL)
			kb_str(kb, ann, "nginx.ingress.kubernetes.io/whitelist-source-range", v);
		else if (strcasecmp(m->type, "redirectscheme") == 0)
			kb_str(kb, ann, "nginx.ingress.kubernetes.io/force-ssl-redirect", "true");
		else if (strcasecmp(m->type, "basicauth") == 0 && (v = middleware_opt(m, "users")) != NULL) {
			/* ingress-nginx reads an htpasswd file under the key "auth". */
			const char *secret = y_text(kb_printf(kb, "%s-basic-auth", k8s_name(cv, m->name)));
			struct buf users = BUF_INIT;
			char *copy = strdup(v), *save2 = NULL;

			for (char *u = copy ? strtok_r(copy, ",", &save2) : NULL; u; u = strtok_r(NULL, ",", &save2))
				buf_printf(&users, "%s\n", u);
			free(copy);
			if (users.failed || !credential_add(cv->a, &cv->creds, secret, "auth",
							    y_text(kb_strv(kb, buf_cstr(&users))), &m->pos))
				kb->oom = true;
			buf_free(&users);
			kb_str(kb, ann, "nginx.ingress.kubernetes.io/auth-type", "basic");
			kb_str(kb, ann, "nginx.ingress.kubernetes.io/auth-secret", secret);
			kb_str(kb, ann, "nginx.ingress.kubernetes.io/auth-realm", "Authentication required");
		} else if (strcasecmp(m->type, "headers") == 0)
			nginx_headers(cv, ann, m);
		else
			diag_add(cv->d, DIAG_WARNING, &m->pos,
				 "ingress-nginx sets HSTS and request headers in its ConfigMap (hsts, proxy-set-headers)",
				 "Traefik middleware %s (%s) has no per-Ingress ingress-nginx annotation and is left out",
				 m->name, m->type);
	}
	free(list);
	if (body)
		kb_str(kb, ann, "nginx.ingress.kubernetes.io/proxy-body-size", body);
	if (odoo) {
		/* Odoo's websocket stays open; nginx closes idle proxied connections after 60 s. */
		kb_str(kb, ann, "nginx.ingress.kubernetes.io/proxy-read-timeout", "3600");
		kb_str(kb, ann, "nginx.ingress.kubernetes.io/proxy-send-timeout", "3600");
		if (cv->o->odoo_replicas > 1) {
			kb_str(kb, ann, "nginx.ingress.kubernetes.io/affinity", "cookie");
			kb_str(kb, ann, "nginx.ingress.kubernetes.io/session-cookie-name", "odoo_route");
			kb_str(kb, ann, "nginx.ingress.kubernetes.io/session-cookie-secure", "true");
		}
	}
}

/* True when route r lists middleware name (with or without @provider). */
static bool route_uses(const struct route *r, const char *name)
{
	const char *p = r ? r->middlewares : NULL;

	while (p && *p) {
		size_t len = strcspn(p, ",");
		const char *t = p;
		size_t n;

		while (*t == ' ' && t < p + len)
			t++;
		n = strcspn(t, ",@ ");
		if (n == strlen(name) && strncmp(t, name, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

static const char *traefik_middleware_list(struct cv *cv, const struct route *r)
{
	struct buf b = BUF_INIT;
	char *list = r && r->middlewares ? strdup(r->middlewares) : NULL, *save = NULL;
	const char *out;

	for (char *t = list ? strtok_r(list, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
		const struct middleware *m;

		while (*t == ' ')
			t++;
		m = traefik_middleware(&cv->app->tr, t);
		if (!m || !crd_type(m->type))
			continue;
		buf_printf(&b, "%s%s-%s@kubernetescrd", b.len ? "," : "", cv->ns, k8s_name(cv, m->name));
	}
	free(list);
	out = b.len ? y_text(kb_strv(&cv->kb, buf_cstr(&b))) : NULL;
	buf_free(&b);
	return out;
}

static void path(struct kb *kb, struct ynode *paths, const char *p, const char *service, const char *port)
{
	struct ynode *e = kb_push_map(kb, paths);
	struct ynode *svc;

	kb_str(kb, e, "path", p);
	kb_str(kb, e, "pathType", "Prefix");
	svc = kb_sub(kb, kb_sub(kb, e, "backend"), "service");
	kb_str(kb, svc, "name", service);
	kb_str(kb, kb_sub(kb, svc, "port"), "name", port);
}

static struct ynode *ingress(struct cv *cv, const char *name, const char *host, const struct route *r,
			     bool odoo)
{
	struct kb *kb = &cv->kb;
	struct ynode *ing = kb_object(kb, "networking.k8s.io/v1", "Ingress", name, cv->ns, name);
	struct ynode *ann = kb_sub(kb, kb_sub(kb, ing, "metadata"), "annotations");
	struct ynode *spec = kb_sub(kb, ing, "spec");
	struct ynode *tls, *rule, *paths;

	kb_str(kb, ann, "cert-manager.io/cluster-issuer", ISSUER);
	if (cv->o->ingress == INGRESS_TRAEFIK) {
		const char *mws = traefik_middleware_list(cv, r);

		kb_str(kb, ann, "traefik.ingress.kubernetes.io/router.entrypoints", "websecure");
		kb_str(kb, ann, "traefik.ingress.kubernetes.io/router.tls", "true");
		if (mws)
			kb_str(kb, ann, "traefik.ingress.kubernetes.io/router.middlewares", mws);
		kb_str(kb, spec, "ingressClassName", "traefik");
	} else {
		nginx_annotations(cv, ann, r, odoo);
		kb_str(kb, spec, "ingressClassName", "nginx");
	}
	tls = kb_push_map(kb, kb_list(kb, spec, "tls"));
	rule = kb_push_map(kb, kb_list(kb, spec, "rules"));
	kb_push_str(kb, kb_list(kb, tls, "hosts"), host);
	kb_put(kb, tls, "secretName", kb_printf(kb, "%s-tls", name));
	kb_str(kb, rule, "host", host);
	paths = kb_list(kb, kb_sub(kb, rule, "http"), "paths");
	if (odoo) {
		path(kb, paths, "/", "odoo", "http");
		if (cv->plan.workers > 0)
			path(kb, paths, cv->odoo.ws_path, "odoo", "websocket");
	} else {
		/* Keycloak's public surface only; /admin and the rest stay internal
		 * (kubectl port-forward svc/keycloak 8080 for the console). */
		path(kb, paths, "/realms/", "keycloak", "http");
		path(kb, paths, "/resources/", "keycloak", "http");
	}
	return ing;
}

void build_ingress(struct cv *cv)
{
	const struct route *odoo_route = cv->app->odoo ? traefik_main_route(cv->app, cv->app->odoo->name) : NULL;
	const struct route *kc_route = cv->app->keycloak ? traefik_main_route(cv->app, cv->app->keycloak->name) : NULL;

	if (cv->o->ingress == INGRESS_TRAEFIK) {
		/* Only what the converted routes use: a middleware of a router
		 * that is not converted (a plain-HTTP one) would be dead weight. */
		for (size_t i = 0; i < cv->app->tr.nmws; i++)
			if (route_uses(odoo_route, cv->app->tr.mws[i].name) || route_uses(kc_route, cv->app->tr.mws[i].name))
				emit_traefik_middleware(cv, &cv->app->tr.mws[i]);
		if (cv->app->tr.https_redirect)
			cv_note(&cv->must_supply,
				"The HTTP to HTTPS redirect the project's Traefik made: the Ingresses are HTTPS only, so set it "
				"on the controller (`--entrypoints.web.http.redirections.entrypoint.to=websecure`, in the Helm "
				"chart's additionalArguments).");
		cv_note(&cv->must_supply,
			"Traefik v3 as the ingress controller in namespace `%s` (its Helm chart), with the websecure "
			"entrypoint's readTimeout raised for Odoo's websocket (e.g. `ports.websecure.transport."
			"respondingTimeouts.readTimeout=3600s`) and, on its LoadBalancer Service, the annotation "
			"`service.beta.kubernetes.io/do-loadbalancer-http-idle-timeout-seconds: \"3600\"`.",
			cv->o->ingress_namespace);
	} else {
		cv_note(&cv->must_supply,
			"ingress-nginx in namespace `%s`. Its upstream was retired in March 2026: prefer Traefik "
			"(--ingress traefik). HSTS and request headers are global there (ConfigMap).",
			cv->o->ingress_namespace);
	}
	if (cv->app->odoo)
		cv_emit(cv, OUT_INGRESS, ingress(cv, "odoo", cv->odoo_host, odoo_route, true));
	if (cv->app->keycloak)
		cv_emit(cv, OUT_INGRESS, ingress(cv, "keycloak", cv->auth_host, kc_route, false));
	dns_note(cv);
}

void dns_note(struct cv *cv)
{
	cv_note(&cv->must_supply, "cert-manager in the cluster (ClusterIssuer `%s` is in cluster-issuer.yaml), and DNS "
				  "records for %s%s%s pointing at the ingress controller's load balancer.",
		ISSUER, cv->odoo_host, cv->app->keycloak ? " and " : "", cv->app->keycloak ? cv->auth_host : "");
}

void build_issuer(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *ci = kb_object(kb, "cert-manager.io/v1", "ClusterIssuer", ISSUER, NULL, "ingress");
	struct ynode *acme = kb_sub(kb, kb_sub(kb, ci, "spec"), "acme");
	struct ynode *solver = kb_push_map(kb, kb_list(kb, acme, "solvers"));
	const char *email = cv->o->issuer_email ? cv->o->issuer_email : cv->app->tr.acme_email;

	kb_str(kb, acme, "server", "https://acme-v02.api.letsencrypt.org/directory");
	if (email && email[0])
		kb_str(kb, acme, "email", email);
	else
		cv_note(&cv->must_supply, "An ACME e-mail for Let's Encrypt: none was found in Traefik's flags; "
					  "pass --issuer-email.");
	kb_str(kb, kb_sub(kb, acme, "privateKeySecretRef"), "name", "letsencrypt-account-key");
	if (cv->o->ingress == INGRESS_GATEWAY) {
		struct ynode *ref = kb_push_map(kb, kb_list(kb, kb_sub(kb, kb_sub(kb, solver, "http01"), "gatewayHTTPRoute"),
							  "parentRefs"));
		kb_str(kb, ref, "name", "public");
		kb_str(kb, ref, "namespace", cv->ns);
		kb_str(kb, ref, "kind", "Gateway");
	} else {
		kb_str(kb, kb_sub(kb, kb_sub(kb, solver, "http01"), "ingress"), "ingressClassName",
		       cv->o->ingress == INGRESS_TRAEFIK ? "traefik" : "nginx");
	}
	cv_emit(cv, OUT_ISSUER, ci);
}
