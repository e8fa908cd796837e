/* traefik.http.{routers,services,middlewares}.* labels and Traefik's flags.
 * Traefik matches label keys without regard to case ("the labels are
 * case-insensitive": https://doc.traefik.io/traefik/providers/docker/#routing-configuration-with-labels),
 * so every key comparison here is case-insensitive; names (routers,
 * middlewares) keep their case, as Traefik keeps it. */
#include "model/traefik.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct tr_state {
	struct arena *a;
	struct diags *d;
	struct traefik *tr;
	size_t cap_routes, cap_mws;
	/* traefik.http.services.<name>.loadbalancer.server.port, per Compose service */
	struct { const char *name, *service; int port; } ports[64];
	size_t nports;
};

static struct route *route_for(struct tr_state *st, const char *name, const char *service,
			       const struct srcpos *pos)
{
	struct traefik *tr = st->tr;

	for (size_t i = 0; i < tr->nroutes; i++)
		if (strcmp(tr->routes[i].name, name) == 0 && strcmp(tr->routes[i].service, service) == 0)
			return &tr->routes[i];
	tr->routes = arena_grow(st->a, tr->routes, tr->nroutes, &st->cap_routes, sizeof(*tr->routes));
	if (!tr->routes)
		return NULL;
	tr->routes[tr->nroutes] = (struct route){.name = name, .service = service, .pos = *pos};
	return &tr->routes[tr->nroutes++];
}

static struct middleware *mw_for(struct tr_state *st, const char *name, const char *type,
				 const struct srcpos *pos)
{
	struct traefik *tr = st->tr;

	for (size_t i = 0; i < tr->nmws; i++)
		if (strcmp(tr->mws[i].name, name) == 0)
			return &tr->mws[i];
	tr->mws = arena_grow(st->a, tr->mws, tr->nmws, &st->cap_mws, sizeof(*tr->mws));
	if (!tr->mws)
		return NULL;
	tr->mws[tr->nmws] = (struct middleware){.name = name, .type = type, .pos = *pos};
	return &tr->mws[tr->nmws++];
}

static bool add_opt(struct arena *a, struct middleware *m, const char *key, const char *value,
		    const struct srcpos *pos)
{
	struct middleware_opt *v = arena_alloc(a, (m->nopts + 1) * sizeof(*v));

	if (!v)
		return false;
	if (m->nopts)
		memcpy(v, m->opts, m->nopts * sizeof(*v));
	v[m->nopts].key = key;
	v[m->nopts].value = value;
	v[m->nopts].pos = *pos;
	m->opts = v;
	m->nopts++;
	return true;
}

/* Text of `name(`...`)` in a rule: the first backquoted argument. */
static const char *matcher_arg(struct arena *a, const char *rule, const char *name)
{
	const char *p = strstr(rule, name), *open, *close;

	if (!p)
		return NULL;
	open = strchr(p + strlen(name), '`');
	close = open ? strchr(open + 1, '`') : NULL;
	return close ? arena_strndup(a, open + 1, (size_t)(close - open - 1)) : NULL;
}

bool traefik_rule(struct arena *a, const char *rule, const char **host, const char **path_prefix)
{
	static const char *const unsupported[] = {
		"||", "Header", "HostRegexp", "PathRegexp", "Query", "ClientIP", "Method", "!", NULL,
	};

	*host = matcher_arg(a, rule, "Host(");
	*path_prefix = matcher_arg(a, rule, "PathPrefix(");
	if (!*path_prefix && strstr(rule, "Path("))
		*path_prefix = matcher_arg(a, rule, "Path(");
	for (const char *const *u = unsupported; *u; u++)
		if (strstr(rule, *u))
			return false;
	return *host != NULL;
}

static bool on_router(struct tr_state *st, const char *svc, const char *rest, const char *value,
		      const struct srcpos *pos)
{
	const char *dot = strchr(rest, '.');
	const char *name, *field;
	struct route *r;

	if (!dot)
		return false;
	name = arena_strndup(st->a, rest, (size_t)(dot - rest));
	field = dot + 1;
	r = name ? route_for(st, name, svc, pos) : NULL;
	if (!r)
		return false;
	if (strcasecmp(field, "rule") == 0) {
		if (!traefik_rule(st->a, value, &r->host, &r->path_prefix))
			diag_add(st->d, DIAG_WARNING, pos, "express it with Host(`...`) and PathPrefix(`...`), or route it by hand",
				 "Traefik rule \"%s\" of router %s cannot be mapped to an Ingress; only Host and PathPrefix are",
				 value, name);
	} else if (strcasecmp(field, "tls") == 0) {
		r->tls = strcmp(value, "true") == 0;
	} else if (strcasecmp(field, "tls.certresolver") == 0) {
		r->tls = true;
	} else if (strcasecmp(field, "middlewares") == 0) {
		r->middlewares = value;
	} else if (strcasecmp(field, "service") == 0) {
		r->backend = value;
	} else if (strncasecmp(field, "tls.domains", 11) == 0 || strcasecmp(field, "tls.options") == 0) {
		/* The certificate cert-manager issues covers the route's host. */
		r->tls = true;
	} else if (strcasecmp(field, "entrypoints") == 0 || strcasecmp(field, "priority") == 0) {
		/* Entrypoints become the Ingress's HTTPS listener; priority has no equivalent need. */
	} else {
		diag_add(st->d, DIAG_WARNING, pos, NULL, "Traefik router option %s is not mapped", field);
	}
	return true;
}

static bool on_service(struct tr_state *st, const char *svc, const char *rest, const char *value,
		       const struct srcpos *pos)
{
	const char *dot = strchr(rest, '.');

	if (!dot)
		return false;
	if (strcasecmp(dot + 1, "loadbalancer.server.port") == 0) {
		if (st->nports == sizeof(st->ports) / sizeof(st->ports[0]))
			return true;
		st->ports[st->nports].name = arena_strndup(st->a, rest, (size_t)(dot - rest));
		st->ports[st->nports].service = svc;
		st->ports[st->nports].port = atoi(value);
		st->nports++;
	} else {
		diag_add(st->d, DIAG_WARNING, pos, NULL, "Traefik service option %s is not mapped", dot + 1);
	}
	return true;
}

static bool on_middleware(struct tr_state *st, const char *rest, const char *value, const struct srcpos *pos)
{
	const char *dot = strchr(rest, '.');
	const char *dot2 = dot ? strchr(dot + 1, '.') : NULL;
	struct middleware *m;

	if (!dot)
		return false;
	/* NAME.compress=true: a middleware type without options. */
	m = mw_for(st, arena_strndup(st->a, rest, (size_t)(dot - rest)),
		   dot2 ? arena_strndup(st->a, dot + 1, (size_t)(dot2 - dot - 1)) : dot + 1, pos);
	if (!dot2)
		return m && m->name && m->type;
	return m && m->name && m->type && add_opt(st->a, m, dot2 + 1, value, pos);
}

static void on_label(struct tr_state *st, const char *svc, const char *key, const char *value,
		     const struct srcpos *pos)
{
	static const char routers[] = "traefik.http.routers.";
	static const char services[] = "traefik.http.services.";
	static const char middlewares[] = "traefik.http.middlewares.";
	bool mapped = false;

	if (strncasecmp(key, "traefik.", 8) != 0)
		return;
	if (strcasecmp(key, "traefik.enable") == 0 || strncasecmp(key, "traefik.docker.", 15) == 0)
		return;
	if (strncasecmp(key, routers, sizeof(routers) - 1) == 0)
		mapped = on_router(st, svc, key + sizeof(routers) - 1, value, pos);
	else if (strncasecmp(key, services, sizeof(services) - 1) == 0)
		mapped = on_service(st, svc, key + sizeof(services) - 1, value, pos);
	else if (strncasecmp(key, middlewares, sizeof(middlewares) - 1) == 0)
		mapped = on_middleware(st, key + sizeof(middlewares) - 1, value, pos);
	if (!mapped)
		diag_add(st->d, DIAG_WARNING, pos, "use Traefik v2/v3 http.routers, http.services and http.middlewares labels",
			 "Traefik label %s is not mapped to Kubernetes", key);
}

static void on_flag(struct tr_state *st, const char *flag)
{
	const char *eq = strchr(flag, '=');

	if (!eq)
		return;
	if (strncmp(flag, "--certificatesresolvers.", 24) == 0 && strstr(flag, ".acme.email="))
		st->tr->acme_email = eq + 1;
	if (strstr(flag, ".http.redirections.entrypoint.scheme=https") ||
	    strstr(flag, ".http.redirections.entryPoint.scheme=https"))
		st->tr->https_redirect = true;
}

/* A route without an explicit service uses the Compose service's only
 * Traefik service port, or its only exposed port. */
static void resolve_ports(struct tr_state *st, struct app *app, const struct ynode *services)
{
	for (size_t i = 0; i < st->tr->nroutes; i++) {
		struct route *r = &st->tr->routes[i];
		int candidates = 0, port = 0;

		for (size_t k = 0; k < st->nports; k++) {
			if (strcmp(st->ports[k].service, r->service) != 0)
				continue;
			if (r->backend && strcmp(st->ports[k].name, r->backend) == 0) {
				port = st->ports[k].port;
				candidates = 1;
				break;
			}
			if (!r->backend) {
				port = st->ports[k].port;
				candidates++;
			}
		}
		if (candidates == 1)
			r->port = port;
		for (size_t s = 0; !r->port && s < app->nservices; s++) {
			const struct ynode *expose = y_get(services->pairs[s].val, "expose");
			if (strcmp(app->services[s].name, r->service) == 0 && expose && expose->n == 1)
				r->port = atoi(y_text(expose->items[0]));
		}
	}
}

int traefik_parse(struct arena *a, struct diags *d, struct app *app, const struct ynode *services)
{
	struct tr_state st;

	memset(&st, 0, sizeof(st));
	st.a = a;
	st.d = d;
	st.tr = &app->tr;
	for (size_t i = 0; i < app->nservices; i++) {
		/* Swarm reads Traefik's labels from deploy.labels; Compose from labels. */
		const struct ynode *sets[] = {y_get(services->pairs[i].val, "labels"),
					      y_get(y_get(services->pairs[i].val, "deploy"), "labels")};

		for (size_t s = 0; s < 2; s++)
			for (size_t k = 0; sets[s] && sets[s]->kind == Y_MAP && k < sets[s]->n; k++)
				on_label(&st, app->services[i].name, sets[s]->pairs[k].key,
					 y_text(sets[s]->pairs[k].val), &sets[s]->pairs[k].kpos);
	}
	if (app->traefik) {
		for (size_t i = 0; i < app->traefik->command.n; i++)
			on_flag(&st, app->traefik->command.v[i].text);
	}
	resolve_ports(&st, app, services);
	return a->exhausted ? -1 : 0;
}

/* The service's router for its host, the TLS one first: the Ingress is
 * HTTPS, and a plain-HTTP router's middlewares (a redirect) are not its. */
const struct route *traefik_main_route(const struct app *app, const char *service)
{
	for (int want_tls = 1; want_tls >= 0; want_tls--)
		for (size_t i = 0; i < app->tr.nroutes; i++)
			if (strcmp(app->tr.routes[i].service, service) == 0 && app->tr.routes[i].host &&
			    !app->tr.routes[i].path_prefix && app->tr.routes[i].tls == (bool)want_tls)
				return &app->tr.routes[i];
	return NULL;
}

const struct middleware *traefik_middleware(const struct traefik *tr, const char *name)
{
	size_t len = strcspn(name, "@");

	for (size_t i = 0; i < tr->nmws; i++)
		if (strlen(tr->mws[i].name) == len && strncmp(tr->mws[i].name, name, len) == 0)
			return &tr->mws[i];
	return NULL;
}

/* Traefik reads label options without regard to case. */
const char *middleware_opt(const struct middleware *m, const char *key)
{
	for (size_t i = 0; i < m->nopts; i++)
		if (strcasecmp(m->opts[i].key, key) == 0)
			return m->opts[i].value;
	return NULL;
}
