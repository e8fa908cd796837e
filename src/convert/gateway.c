/* Gateway API (--ingress gateway): a Gateway with an HTTPS listener per
 * host (certificates from cert-manager's gateway support) and an HTTP
 * listener that redirects, and an HTTPRoute per application. Envoy-based
 * gateways such as DOKS's Cilium do not send X-Forwarded-Host, without which
 * Odoo's proxy_mode stays off: the routes set it. */
#include <string.h>

#include "convert/context.h"
#include "model/traefik.h"

#define GATEWAY "public"

static void listener(struct cv *cv, struct ynode *listeners, const char *name, const char *host, bool https)
{
	struct kb *kb = &cv->kb;
	struct ynode *l = kb_push_map(kb, listeners);

	kb_str(kb, l, "name", name);
	if (host)
		kb_str(kb, l, "hostname", host);
	kb_int(kb, l, "port", https ? 443 : 80);
	kb_str(kb, l, "protocol", https ? "HTTPS" : "HTTP");
	if (https) {
		struct ynode *tls = kb_sub(kb, l, "tls");
		kb_str(kb, tls, "mode", "Terminate");
		kb_put(kb, kb_push_map(kb, kb_list(kb, tls, "certificateRefs")), "name", kb_printf(kb, "%s-tls", name));
	}
	kb_str(kb, kb_sub(kb, kb_sub(kb, l, "allowedRoutes"), "namespaces"), "from", "Same");
}

static void gateway(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *g = kb_object(kb, "gateway.networking.k8s.io/v1", "Gateway", GATEWAY, cv->ns, "ingress");
	struct ynode *spec = kb_sub(kb, g, "spec");
	struct ynode *listeners = kb_list(kb, spec, "listeners");

	/* cert-manager's gateway support issues a certificate per HTTPS listener. */
	kb_str(kb, kb_sub(kb, kb_sub(kb, g, "metadata"), "annotations"), "cert-manager.io/cluster-issuer", "letsencrypt");
	kb_str(kb, spec, "gatewayClassName", cv->o->gateway_class);
	if (cv->app->odoo)
		listener(cv, listeners, "odoo", cv->odoo_host, true);
	if (cv->app->keycloak)
		listener(cv, listeners, "keycloak", cv->auth_host, true);
	listener(cv, listeners, "http", NULL, false);
	cv_emit(cv, OUT_INGRESS, g);
}

static void forwarded_headers(struct cv *cv, struct ynode *filters, const char *host,
			      const struct middleware *headers)
{
	struct kb *kb = &cv->kb;
	struct ynode *f = kb_push_map(kb, filters);
	struct ynode *set, *h;

	kb_str(kb, f, "type", "RequestHeaderModifier");
	set = kb_list(kb, kb_sub(kb, f, "requestHeaderModifier"), "set");
	h = kb_push_map(kb, set);
	kb_str(kb, h, "name", "X-Forwarded-Host");
	kb_str(kb, h, "value", host);
	h = kb_push_map(kb, set);
	kb_str(kb, h, "name", "X-Forwarded-Proto");
	kb_str(kb, h, "value", "https");
	for (size_t i = 0; headers && i < headers->nopts; i++) {
		const struct middleware_opt *o = &headers->opts[i];

		if (strncmp(o->key, "customRequestHeaders.", 21) != 0 || strcasecmp(o->key + 21, "X-Forwarded-Proto") == 0 ||
		    strcasecmp(o->key + 21, "X-Forwarded-Host") == 0)
			continue;
		h = kb_push_map(kb, set);
		kb_str(kb, h, "name", o->key + 21);
		kb_str(kb, h, "value", o->value);
	}
}

/* A header in the route's one ResponseHeaderModifier filter, created with
 * the first header; returns the header's mapping for its value. */
static struct ynode *response_header(struct kb *kb, struct ynode *filters, struct ynode **set, const char *name)
{
	struct ynode *h;

	if (!*set) {
		struct ynode *f = kb_push_map(kb, filters);

		kb_str(kb, f, "type", "ResponseHeaderModifier");
		*set = kb_list(kb, kb_sub(kb, f, "responseHeaderModifier"), "set");
	}
	h = kb_push_map(kb, *set);
	kb_str(kb, h, "name", name);
	return h;
}

/* HSTS and custom response headers of a Traefik headers middleware. */
static void response_headers(struct cv *cv, struct ynode *filters, const struct middleware *headers)
{
	struct kb *kb = &cv->kb;
	const char *sts = headers ? middleware_opt(headers, "stsSeconds") : NULL;
	const char *subdomains = headers ? middleware_opt(headers, "stsIncludeSubdomains") : NULL;
	struct ynode *set = NULL;

	for (size_t i = 0; headers && i < headers->nopts; i++) {
		const struct middleware_opt *o = &headers->opts[i];

		if (strncmp(o->key, "customResponseHeaders.", 22) == 0)
			kb_str(kb, response_header(kb, filters, &set, o->key + 22), "value", o->value);
	}
	if (sts)
		kb_put(kb, response_header(kb, filters, &set, "Strict-Transport-Security"), "value",
		       kb_printf(kb, "max-age=%s%s", sts,
				 subdomains && strcasecmp(subdomains, "true") == 0 ? "; includeSubDomains" : ""));
}

static const struct middleware *headers_of(struct cv *cv, const struct route *r)
{
	const char *list = r ? r->middlewares : NULL;

	for (size_t i = 0; list && i < cv->app->tr.nmws; i++) {
		const struct middleware *m = &cv->app->tr.mws[i];
		if (strcasecmp(m->type, "headers") == 0 && strstr(list, m->name))
			return m;
	}
	return NULL;
}

static void warn_unmapped(struct cv *cv, const struct route *r)
{
	const char *list = r ? r->middlewares : NULL;

	for (size_t i = 0; list && i < cv->app->tr.nmws; i++) {
		const struct middleware *m = &cv->app->tr.mws[i];

		if (!strstr(list, m->name) || strcasecmp(m->type, "headers") == 0)
			continue;
		diag_add(cv->d, DIAG_WARNING, &m->pos,
			 "configure it on the gateway implementation (Cilium: CiliumEnvoyConfig), or use --ingress traefik",
			 "Traefik middleware %s (%s) has no standard Gateway API equivalent and is left out", m->name, m->type);
	}
}

static struct ynode *rule(struct cv *cv, struct ynode *rules, const char *path, const char *service, int port)
{
	struct kb *kb = &cv->kb;
	struct ynode *r = kb_push_map(kb, rules);
	struct ynode *m = kb_sub(kb, kb_push_map(kb, kb_list(kb, r, "matches")), "path");
	struct ynode *b = kb_push_map(kb, kb_list(kb, r, "backendRefs"));

	kb_str(kb, m, "type", "PathPrefix");
	kb_str(kb, m, "value", path);
	kb_str(kb, b, "name", service);
	kb_int(kb, b, "port", port);
	return r;
}

static void route(struct cv *cv, const char *name, const char *host, const struct route *tr, bool odoo)
{
	struct kb *kb = &cv->kb;
	struct ynode *hr = kb_object(kb, "gateway.networking.k8s.io/v1", "HTTPRoute", name, cv->ns, name);
	struct ynode *spec = kb_sub(kb, hr, "spec");
	struct ynode *parent = kb_push_map(kb, kb_list(kb, spec, "parentRefs"));
	struct ynode *rules = kb_list(kb, spec, "rules");
	const struct middleware *headers = headers_of(cv, tr);
	struct ynode *r;

	kb_str(kb, parent, "name", GATEWAY);
	kb_str(kb, parent, "sectionName", name);
	kb_push_str(kb, kb_list(kb, spec, "hostnames"), host);
	if (odoo) {
		r = rule(cv, rules, "/", "odoo", odoo_constants.http_port);
		forwarded_headers(cv, kb_list(kb, r, "filters"), host, headers);
		response_headers(cv, kb_list(kb, r, "filters"), headers);
		if (cv->plan.workers > 0) {
			r = rule(cv, rules, cv->odoo.ws_path, "odoo", odoo_constants.gevent_port);
			forwarded_headers(cv, kb_list(kb, r, "filters"), host, headers);
			/* The websocket stays open; the default request timeout would cut it. */
			kb_str(kb, kb_sub(kb, r, "timeouts"), "request", "3600s");
		}
	} else {
		static const char *const public_paths[] = {"/realms/", "/resources/", NULL};
		for (const char *const *p = public_paths; *p; p++) {
			r = rule(cv, rules, *p, "keycloak", keycloak_constants.http_port);
			forwarded_headers(cv, kb_list(kb, r, "filters"), host, headers);
		}
	}
	warn_unmapped(cv, tr);
	cv_emit(cv, OUT_INGRESS, hr);
}

static void https_redirect(struct cv *cv)
{
	struct kb *kb = &cv->kb;
	struct ynode *hr = kb_object(kb, "gateway.networking.k8s.io/v1", "HTTPRoute", "https-redirect", cv->ns, "ingress");
	struct ynode *spec = kb_sub(kb, hr, "spec");
	struct ynode *parent = kb_push_map(kb, kb_list(kb, spec, "parentRefs"));
	struct ynode *hosts = kb_list(kb, spec, "hostnames");
	struct ynode *f = kb_push_map(kb, kb_list(kb, kb_push_map(kb, kb_list(kb, spec, "rules")), "filters"));
	struct ynode *redirect;

	kb_str(kb, parent, "name", GATEWAY);
	kb_str(kb, parent, "sectionName", "http");
	if (cv->app->odoo)
		kb_push_str(kb, hosts, cv->odoo_host);
	if (cv->app->keycloak)
		kb_push_str(kb, hosts, cv->auth_host);
	kb_str(kb, f, "type", "RequestRedirect");
	redirect = kb_sub(kb, f, "requestRedirect");
	kb_str(kb, redirect, "scheme", "https");
	kb_int(kb, redirect, "statusCode", 301);
	cv_emit(cv, OUT_INGRESS, hr);
}

void build_gateway(struct cv *cv)
{
	gateway(cv);
	if (cv->app->odoo)
		route(cv, "odoo", cv->odoo_host, traefik_main_route(cv->app, cv->app->odoo->name), true);
	if (cv->app->keycloak)
		route(cv, "keycloak", cv->auth_host, traefik_main_route(cv->app, cv->app->keycloak->name), false);
	/* ACME's /.well-known/acme-challenge/ route from cert-manager is an
	 * exact match, so it wins over this redirect. */
	https_redirect(cv);
	dns_note(cv);
	cv_note(&cv->must_supply,
		"A GatewayClass named `%s` (DOKS 1.33+ on a VPC-native cluster ships Cilium's; check with `kubectl get "
		"gatewayclass`, or pass --gateway-class), and cert-manager with Gateway API support enabled "
		"(`config.enableGatewayAPI: true`).", cv->o->gateway_class);
	cv_note(&cv->must_supply,
		"If the gateway's proxy does not come from namespace `%s`, let it reach the Odoo and Keycloak pods: with "
		"Cilium, a CiliumNetworkPolicy allowing `fromEntities: [ingress]` (pass --ingress-namespace otherwise).",
		cv->o->ingress_namespace);
	if (cv->app->odoo)
		cv_note(&cv->done, "Odoo behind the Gateway: the routes set X-Forwarded-Host and X-Forwarded-Proto (Envoy "
				   "does not), so proxy_mode works; uploads have no body limit there; sessions are files on "
				   "the shared filestore, so no cookie affinity is needed.");
}
