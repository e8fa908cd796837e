/* The lines that cause a failure: lint findings of the manifests, linked to
 * the failures they produce, and the facts of a Compose project that the
 * official images turn into failures (the entrypoint's fallbacks, the
 * passwords that must agree, the names that must resolve).
 *
 * Credentials are compared, never printed. */
#include "diagnose/diagnose.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "compose/project.h"
#include "facts/facts.h"
#include "lint/lint.h"
#include "model/app.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void dx_add_rootcause(struct dx_run *run, const char *entry_id, bool primary, const char *rule, const char *file,
		      int line, int col, const char *object, const char *workload, const char *message, const char *fix)
{
	const struct dx_entry *e = dx_kb_find(entry_id);
	struct dx_rootcause *rc;

	if (!e)
		return;
	if (run->nrootcauses == run->cap_rc) {
		size_t cap = run->cap_rc ? run->cap_rc * 2 : 16;
		struct dx_rootcause *v = realloc(run->rootcauses, cap * sizeof(*v));

		if (!v)
			return;
		run->rootcauses = v;
		run->cap_rc = cap;
	}
	rc = &run->rootcauses[run->nrootcauses++];
	memset(rc, 0, sizeof(*rc));
	rc->entry = (size_t)(e - dx_kb);
	rc->primary = primary;
	rc->rule = rule;
	rc->file = dup_or_null(file);
	rc->line = line;
	rc->col = col;
	rc->object = dup_or_null(object);
	rc->workload = dup_or_null(workload);
	rc->message = dup_or_null(message);
	rc->fix = dup_or_null(fix);
}

/* --- manifests: lint rules and the failures they cause --- */

static const struct rule_link {
	const char *rule;
	const char *entry;
	bool primary;          /* predicted from the rule alone */
} rule_links[] = {
	{"APP006", "pg-no-password", true},
	{"APP006", "db-socket", false},
	{"APP006", "odoo-db-connection-failure", false},
	{"APP007", "pg-auth-failed", true},
	{"APP007", "dns-unresolved", false},
	{"APP007", "pg-role-missing", false},
	{"APP007", "pg-password-mismatch", false},
	{"APP001", "pg-too-many-clients", true},
	{"APP002", "oom-killed", true},
	{"APP003", "odoo-websocket", true},
	{"APP008", "keycloak-hostname", true},
	{"APP009", "keycloak-https-required", true},
	{"APP010", "keycloak-probe-port", true},
	{"APP010", "probe-startup-failed", false},
	{"APP010", "probe-liveness-failed", false},
	{"APP010", "pod-not-ready", false},
	{"APP010", "crashloop", false},
	{"APP012", "pg-lost-found", true},
	{"APP012", "crashloop", false},
	{"SEC012", "runasnonroot-nonnumeric", true},
	{"SEC012", "create-config-error", false},
	{"SEC001", "pss-violation", false},
	{"SEC002", "pss-violation", false},
	{"SEC003", "pss-violation", false},
	{"SEC004", "pss-violation", false},
	{"SEC005", "pss-violation", false},
	{"SEC006", "pss-violation", false},
	{"SEC007", "pss-violation", false},
	{"SEC004", "runasnonroot-root", false},
	{"XRF005", "config-object-missing", false},
	{"XRF005", "mount-failed", false},
	{"XRF006", "config-key-missing", true},
	{"XRF007", "multi-attach", true},
	{"XRF007", "odoo-session-expired", false},
	{"XRF009", "dns-unresolved", true},
	{"XRF010", "db-timeout", true},
	{"XRF001", "ingress-bad-gateway", true},
	{"XRF002", "ingress-bad-gateway", true},
	{"XRF003", "ingress-bad-gateway", false},
	{"XRF004", "ingress-bad-gateway", false},
	{"XRF013", "serviceaccount-missing", true},
	{"REL010", "hpa-missing-requests", true},
	{"REL012", "probe-liveness-failed", true},
	{"REL012", "pod-not-ready", false},
	/* required flows (src/lint/flows.c) and values the servers accept (src/lint/rules_server.c) */
	{"XRF014", "cert-challenge-pending", false},
	{"XRF014", "ingress-bad-gateway", false},
	{"XRF017", "db-timeout", false},
	{"XRF015", "ingress-bad-gateway", true},
	{"APP015", "crashloop", false},
	{"APP016", "crashloop", false},
	{"APP017", "keycloak-hostname", false},
	{"APP018", "probe-liveness-failed", true},
	{"APP018", "crashloop", false},
	{NULL, NULL, false},
};

/* A lint finding linked to the failures it causes becomes a root cause. */
static void link_finding(const struct finding *f, void *user)
{
	struct dx_run *run = user;
	const char *slash = f->object ? strchr(f->object, '/') : NULL;

	for (const struct rule_link *l = rule_links; l->rule; l++)
		if (strcmp(l->rule, f->rule->id) == 0)
			dx_add_rootcause(run, l->entry, l->primary, l->rule, f->file, f->line, f->col, f->object,
					 slash ? slash + 1 : NULL, f->message, f->rule->remediation);
}

int dx_manifests(struct dx_run *run, const char *path)
{
	struct lint_run lr;
	struct diags d;
	int rc = 0;

	diags_init(&d);
	lint_init(&lr, &d);
	if (lint_path(&lr, path) != 0 || d.errors > 0) {
		diags_merge(run->d, &d);
		rc = d.errors > 0 ? -1 : 0;
	}
	lint_finish(&lr);
	/* Every finding, those spilled to the temporary file included. */
	findings_each(&lr.findings, link_finding, run);
	run->have_manifests = true;
	lint_free(&lr);
	diags_free(&d);
	return rc;
}

/* --- Compose: what the official images will do with this project --- */

struct compose_facts {
	struct dx_run *run;
	const struct app *app;
};

/* The variable's position, in pos when it is declared. */
static const struct env_var *env_declared(const struct service *s, const char *name, struct srcpos *pos)
{
	const struct env_var *v = service_env_var(s, name);

	if (v && pos)
		*pos = v->name_pos;
	return v;
}

/* Set and not empty: the entrypoints treat an empty variable as unset. */
static const char *env_value(const struct service *s, const char *name, struct srcpos *pos)
{
	const struct env_var *v = env_declared(s, name, pos);

	return v && *v->value ? v->value : NULL;
}

static void add(struct compose_facts *cf, const char *entry, const char *check, const struct srcpos *pos,
		const struct service *s, const char *message, const char *fix)
{
	char object[300];

	snprintf(object, sizeof(object), "service %s", s->name);
	dx_add_rootcause(cf->run, entry, true, check, pos->file, pos->line, pos->col, object, s->name, message, fix);
}

/* A name the other containers can reach: a service, its hostname or
 * container_name, or a network alias. */
static bool resolvable(const struct compose_facts *cf, const char *host)
{
	if (strchr(host, '.') || strchr(host, ':'))
		return true;   /* an FQDN or an address: outside what Compose decides */
	for (size_t i = 0; i < cf->app->nservices; i++) {
		const struct service *s = &cf->app->services[i];
		const char *hn = s->hostname.text, *cn = s->container_name.text;

		if (strcmp(s->name, host) == 0 || (hn && strcmp(hn, host) == 0) || (cn && strcmp(cn, host) == 0))
			return true;
		for (size_t j = 0; j < s->naliases; j++)
			if (strcmp(s->aliases[j].text, host) == 0)
				return true;
	}
	return false;
}

static bool is_localhost(const char *host)
{
	return strcmp(host, "localhost") == 0 || strcmp(host, "127.0.0.1") == 0 || strcmp(host, "::1") == 0;
}

/* what: "HOST is", "KC_DB_URL's host is", ... */
static void check_host(struct compose_facts *cf, const struct service *s, const char *host, const struct srcpos *pos,
		       const char *what)
{
	char msg[512];

	if (is_localhost(host)) {
		snprintf(msg, sizeof(msg), "%s %s: in Kubernetes that is the %s pod itself", what, host, s->name);
		add(cf, "db-localhost", "compose-db-host", pos, s, msg, "set it to the PostgreSQL service's name");
	} else if (!resolvable(cf, host)) {
		snprintf(msg, sizeof(msg), "%s \"%s\", which is no service, hostname or alias of this project", what, host);
		add(cf, "dns-unresolved", "compose-db-host", pos, s, msg,
		    cf->app->postgres ? "set it to the PostgreSQL service's name" : "set it to the database's host name");
	}
}

/* The raw odoo.conf line of an entry, to see its spacing. */
static bool conf_line(const char *path, int line, char *out, size_t cap)
{
	FILE *fp = fopen(path, "r");
	int n = 0;
	bool found = false;

	if (!fp)
		return false;
	while (fgets(out, (int)cap, fp))
		if (++n == line) {
			found = true;
			break;
		}
	fclose(fp);
	return found;
}

/* The 16 image and 17/18 before May 2026 take the value with `cut -d " "
 * -f3`: `db_password= x` and `db_password =x` give an empty password. */
static void check_conf_password(struct compose_facts *cf, const struct service *odoo)
{
	const struct conf_entry *e = conf_get(&cf->app->conf, "db_password");
	char raw[1024];
	const char *eq;

	if (!e)
		return;
	if (strcmp(e->value, "False") == 0 || e->value[0] == '\0') {
		add(cf, "pg-no-password", "compose-odoo-conf", &e->pos, odoo,
		    "odoo.conf sets db_password to False or nothing, so Odoo sends no password",
		    "remove the line and set PASSWORD from a secret, or write db_password = <value>");
		return;
	}
	if (!conf_line(cf->app->conf.path, e->pos.line, raw, sizeof(raw)) || !(eq = strchr(raw, '=')))
		return;
	if ((eq > raw && eq[-1] == ' ') != (eq[1] == ' '))
		add(cf, "pg-no-password", "compose-odoo-conf", &e->pos, odoo,
		    "db_password has a space on one side of = only; the image's entrypoint then passes an empty "
		    "--db_password",
		    "write it as `db_password = value`, with a space on both sides");
}

static bool mounts_initdb(const struct service *s)
{
	for (size_t i = 0; i < s->nvolumes; i++) {
		const char *t = s->volumes[i].target;

		if (t && strncmp(t, "/docker-entrypoint-initdb.d", 27) == 0)
			return true;
	}
	return false;
}

static void check_odoo(struct compose_facts *cf, const struct service *odoo)
{
	const struct service *pg = cf->app->postgres;
	const struct words *ep = &odoo->entrypoint, *cmd = &odoo->command;
	const struct conf_entry *ce;
	const struct entrypoint_var *host_var = &odoo_entrypoint_vars[ODOO_VAR_HOST];
	const struct entrypoint_var *user_var = &odoo_entrypoint_vars[ODOO_VAR_USER];
	const struct entrypoint_var *pw_var = &odoo_entrypoint_vars[ODOO_VAR_PASSWORD];
	struct srcpos pos, ppos;
	const char *host, *first;

	if (ep->present)
		add(cf, "pg-no-password", "compose-odoo-entrypoint", &ep->pos, odoo,
		    "entrypoint: replaces the image's entrypoint, which passes --db_host, --db_user and --db_password",
		    "remove entrypoint: and pass Odoo options in command: (they are appended after the database options)");
	first = cmd->n > 0 ? cmd->v[0].text : NULL;
	if (first && strcmp(first, "odoo") != 0 && strcmp(first, "--") != 0 && first[0] != '-')
		add(cf, "db-socket", "compose-odoo-command", &cmd->pos, odoo,
		    "command: starts with a program other than odoo, so the entrypoint runs it without the database "
		    "options",
		    "start command: with odoo, --, or an option (-u, --workers=...)");
	check_conf_password(cf, odoo);

	ce = conf_get(&cf->app->conf, "db_host");
	pos = odoo->name_pos;
	if (ce) {
		host = ce->value;
		pos = ce->pos;
	} else if (!(host = env_value(odoo, host_var->name, &pos)))
		host = host_var->fallback;
	check_host(cf, odoo, host, &pos, ce ? "db_host in odoo.conf is" : env_value(odoo, host_var->name, NULL) ? "HOST is" :
		   "HOST is not set, so the Odoo image connects to");

	if (!pg || !image_official(&pg->image) || mounts_initdb(pg))
		return;
	{
		const char *user, *pg_user = env_value(pg, "POSTGRES_USER", &ppos);
		char msg[512];

		pos = odoo->name_pos;
		if ((ce = conf_get(&cf->app->conf, "db_user"))) {
			user = ce->value;
			pos = ce->pos;
		} else if (!(user = env_value(odoo, user_var->name, &pos)) &&
			   !(user = env_value(odoo, user_var->fallback_var, &pos)))
			user = user_var->fallback;
		if (!pg_user) {
			pg_user = postgres_constants.default_user;
			ppos = pg->name_pos;
		}
		if (strcmp(user, pg_user) != 0) {
			snprintf(msg, sizeof(msg), "Odoo logs in as \"%s\" but the %s service creates only the role \"%s\" "
				 "(POSTGRES_USER, %s:%d)", user, pg->name, pg_user, ppos.file ? ppos.file : "", ppos.line);
			add(cf, "pg-role-missing", "compose-db-user", &pos, odoo, msg,
			    "use the same user on both sides, or create the role in an init script");
		}
	}
	{
		const char *pw, *pg_pw = env_value(pg, "POSTGRES_PASSWORD", &ppos);
		char msg[512];

		pos = odoo->name_pos;
		if (env_value(odoo, "PASSWORD_FILE", NULL) || env_value(pg, "POSTGRES_PASSWORD_FILE", NULL) || !pg_pw)
			return;
		if ((ce = conf_get(&cf->app->conf, "db_password"))) {
			pw = ce->value;
			pos = ce->pos;
		} else if (!(pw = env_value(odoo, pw_var->name, &pos)) && !(pw = env_value(odoo, pw_var->fallback_var, &pos)))
			pw = pw_var->fallback;
		if (strcmp(pw, pg_pw) != 0) {
			snprintf(msg, sizeof(msg), "Odoo's database password differs from POSTGRES_PASSWORD of the %s service "
				 "(%s:%d)%s", pg->name, ppos.file ? ppos.file : "", ppos.line,
				 env_value(odoo, "PASSWORD", NULL) || conf_get(&cf->app->conf, "db_password") ||
				 env_value(odoo, "POSTGRES_PASSWORD", NULL) ? "" :
				 "; PASSWORD is not set, so the image uses the password odoo");
			add(cf, "pg-auth-failed", "compose-db-password", &pos, odoo, msg,
			    "set PASSWORD on the Odoo service from the same secret as POSTGRES_PASSWORD");
		}
	}
}

static bool command_has(const struct service *s, const char *word)
{
	for (size_t i = 0; i < s->command.n; i++)
		if (strcmp(s->command.v[i].text, word) == 0)
			return true;
	return false;
}

static bool env_is(const struct service *s, const char *name, const char *value)
{
	const char *v = env_value(s, name, NULL);

	return v && strcasecmp(v, value) == 0;
}

/* jdbc:postgresql://host[:port]/db -> host */
static bool jdbc_host(const char *url, char *host, size_t cap)
{
	const char *p = strstr(url, "://"), *e;

	if (!p)
		return false;
	p += 3;
	for (e = p; *e && *e != ':' && *e != '/' && *e != ',' && *e != '?'; e++)
		;
	if (e == p || (size_t)(e - p) >= cap)
		return false;
	memcpy(host, p, (size_t)(e - p));
	host[e - p] = '\0';
	return true;
}

static void check_keycloak(struct compose_facts *cf, const struct service *kc)
{
	struct srcpos pos = kc->command.present ? kc->command.pos : kc->name_pos;
	const char *url;
	char host[256];
	struct keycloak_facts kf;

	keycloak_facts(&kc->image, &kf);
	if (command_has(kc, "start")) {
		if (!env_value(kc, "KC_HOSTNAME", NULL) && !env_value(kc, "KC_HOSTNAME_URL", NULL) &&
		    !env_is(kc, "KC_HOSTNAME_STRICT", "false"))
			add(cf, "keycloak-hostname", "compose-keycloak-hostname", &pos, kc,
			    "Keycloak runs `start` without KC_HOSTNAME: the production start refuses to run",
			    "set KC_HOSTNAME to the public URL, for example https://auth.example.com");
		if (!env_is(kc, "KC_HTTP_ENABLED", "true") && !env_value(kc, "KC_HTTPS_CERTIFICATE_FILE", NULL) &&
		    !(env_is(kc, "KC_PROXY", "edge") && kf.proxy_option))
			add(cf, "keycloak-no-tls", "compose-keycloak-tls", &pos, kc,
			    "Keycloak runs `start` with neither KC_HTTP_ENABLED=true nor a certificate",
			    "behind Traefik or an ingress that terminates TLS, set KC_HTTP_ENABLED=true and "
			    "KC_PROXY_HEADERS=xforwarded");
	}
	if (!env_value(kc, "KC_DB", NULL))
		return;
	if ((url = env_value(kc, "KC_DB_URL", &pos)) && jdbc_host(url, host, sizeof(host)))
		check_host(cf, kc, host, &pos, "KC_DB_URL's host is");
	else if ((url = env_value(kc, "KC_DB_URL_HOST", &pos)))
		check_host(cf, kc, url, &pos, "KC_DB_URL_HOST is");
	if (!env_value(kc, "KC_DB_PASSWORD", NULL) && !env_value(kc, "KC_DB_PASSWORD_FILE", NULL)) {
		pos = kc->name_pos;
		env_declared(kc, "KC_DB_PASSWORD", &pos);
		add(cf, "pg-no-password", "compose-keycloak-db-password", &pos, kc,
		    "KC_DB is set but KC_DB_PASSWORD is empty or missing: the driver sends no password",
		    "set KC_DB_PASSWORD from a secret");
	}
}

static void check_postgres(struct compose_facts *cf, const struct service *pg)
{
	struct srcpos pos = pg->name_pos;

	if (env_value(pg, "POSTGRES_PASSWORD", NULL) || env_value(pg, "POSTGRES_PASSWORD_FILE", NULL) ||
	    env_is(pg, "POSTGRES_HOST_AUTH_METHOD", "trust"))
		return;
	env_declared(pg, "POSTGRES_PASSWORD", &pos);
	add(cf, "pg-no-superuser-password", "compose-postgres-password", &pos, pg,
	    "POSTGRES_PASSWORD is empty or missing: the image will not initialise a new data directory",
	    "set POSTGRES_PASSWORD from a secret");
}

int dx_compose(struct dx_run *run, const struct compose_project *p)
{
	struct arena a;
	struct diags d;
	struct app app;
	struct compose_facts cf;
	int rc = 0;

	arena_init(&a, 0);
	diags_init(&d);
	if (app_build(&a, &d, p->model, p->name, &app) != 0) {
		diags_merge(run->d, &d);
		rc = -1;
	} else {
		cf.run = run;
		cf.app = &app;
		for (size_t i = 0; i < app.nservices; i++) {
			const struct service *s = &app.services[i];

			if (!image_official(&s->image))
				continue;
			if (s->role == ROLE_ODOO)
				check_odoo(&cf, s);
			else if (s->role == ROLE_KEYCLOAK)
				check_keycloak(&cf, s);
			else if (s->role == ROLE_POSTGRES)
				check_postgres(&cf, s);
		}
		run->have_compose = true;
	}
	diags_free(&d);
	arena_free(&a);
	return rc;
}
