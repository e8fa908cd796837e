/* Which service is the database: the one the applications connect to (Odoo's
 * HOST, PGHOST, DB_HOST or odoo.conf db_host; Keycloak's KC_DB_URL_HOST or
 * the host of KC_DB_URL), by service name, container_name, hostname or
 * network alias; not merely the first service running a postgres image (a
 * backup sidecar may run that image too). */
#include "model/database.h"

#include <string.h>

#include "facts/facts.h"
#include "util/number.h"

/* Odoo's database host as the project writes it; NULL when it leaves it to
 * the image's fallback. */
static const char *odoo_db_host(const struct app *app, struct srcpos *pos)
{
	static const char *const vars[] = {"HOST", "PGHOST", "DB_HOST", NULL};
	const struct conf_entry *conf = conf_get(&app->conf, "db_host");

	for (const char *const *v = vars; *v; v++) {
		const struct env_var *e = service_env_var(app->odoo, *v);

		if (e && e->has_value && e->value[0]) {
			*pos = e->value_pos;
			return e->value;
		}
	}
	if (conf && conf->value[0] && strcmp(conf->value, "False") != 0) {
		*pos = conf->pos;
		return conf->value;
	}
	return NULL;
}

/* "jdbc:postgresql://HOST:5432/db" -> HOST */
static const char *jdbc_host(struct arena *a, const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;

	return p ? arena_strndup(a, p + 3, strcspn(p + 3, ":/?;,")) : NULL;
}

static const char *keycloak_db_host(struct arena *a, const struct app *app, struct srcpos *pos)
{
	const struct env_var *e = service_env_var(app->keycloak, "KC_DB_URL_HOST");

	if (!e || !e->has_value || !e->value[0])
		e = service_env_var(app->keycloak, "KC_DB_URL");
	if (!e || !e->has_value)
		return NULL;
	*pos = e->value_pos;
	return strcmp(e->name, "KC_DB_URL") == 0 ? jdbc_host(a, e->value) : e->value;
}

/* A port as written, or 0 (none, or not a port). */
static int port_of(const char *text)
{
	long long port;

	return text && number_int(text, 1, 65535, &port) ? (int)port : 0;
}

static int odoo_db_port(const struct app *app)
{
	static const char *const vars[] = {"PORT", "PGPORT", "DB_PORT", NULL};
	const struct conf_entry *conf = conf_get(&app->conf, "db_port");

	for (const char *const *v = vars; *v; v++) {
		const struct env_var *e = service_env_var(app->odoo, *v);

		if (e && e->has_value && e->value[0])
			return port_of(e->value);
	}
	return conf ? port_of(conf->value) : 0;
}

/* KC_DB_URL_PORT, else the port of "jdbc:postgresql://HOST:PORT/db". */
static int keycloak_db_port(struct arena *a, const struct app *app)
{
	const char *port = service_env(app->keycloak, "KC_DB_URL_PORT");
	const char *url = service_env(app->keycloak, "KC_DB_URL");
	const char *p = url ? strstr(url, "://") : NULL;

	if (port && port[0])
		return port_of(port);
	if (!p || !(p = strpbrk(p + 3, ":/?;,")) || *p != ':')
		return 0;
	return port_of(arena_strndup(a, p + 1, strcspn(p + 1, "/?;,")));
}

static bool answers_to(const struct service *s, const char *host)
{
	if (strcmp(s->name, host) == 0 || (s->container_name.text && strcmp(s->container_name.text, host) == 0) ||
	    (s->hostname.text && strcmp(s->hostname.text, host) == 0))
		return true;
	for (size_t i = 0; i < s->naliases; i++)
		if (strcmp(s->aliases[i].text, host) == 0)
			return true;
	return false;
}

static struct service *service_at(const struct app *app, const char *host)
{
	for (size_t i = 0; host && i < app->nservices; i++)
		if (answers_to(&app->services[i], host))
			return &app->services[i];
	return NULL;
}

/* One client's database: a PostgreSQL service of the project, or a host
 * outside it. */
static void settle_client(struct arena *a, struct app *app, const char *host, const struct srcpos *pos,
			  const char *client, int port)
{
	struct service *s;
	struct db_link *l;

	if (!host || app->ndb_links >= sizeof(app->db_links) / sizeof(app->db_links[0]))
		return;
	s = service_at(app, host);
	l = &app->db_links[app->ndb_links++];
	l->client = client;
	l->host = arena_strdup(a, host);
	l->pos = *pos;
	l->port = port;
	l->server = s;
}

/* Every client names one host outside the project: that is the database.
 * Clients that disagree (two hosts, or one outside and one inside) have
 * none; convert says why. */
static void settle_external(struct app *app)
{
	struct external_db *x = &app->external_db;

	for (size_t i = 0; i < app->ndb_links; i++) {
		const struct db_link *l = &app->db_links[i];

		if (l->server || (i > 0 && strcmp(l->host, app->db_links[0].host) != 0))
			return;
	}
	x->host = app->db_links[0].host;
	x->pos = app->db_links[0].pos;
	x->provider = managed_postgres_of(x->host);
	for (size_t i = 0; i < app->ndb_links && !x->port; i++)
		x->port = app->db_links[i].port;
	if (!x->port)
		x->port = x->provider ? x->provider->port : postgres_constants.port;
}

void app_settle_database(struct arena *a, struct app *app)
{
	struct srcpos pos;
	const char *host;

	if (app->odoo) {
		host = odoo_db_host(app, &pos);
		/* Unwritten, the image's fallback counts only when a service
		 * answers to it: diagnose explains the fallback otherwise. */
		if (!host && service_at(app, odoo_entrypoint_vars[ODOO_VAR_HOST].fallback)) {
			host = odoo_entrypoint_vars[ODOO_VAR_HOST].fallback;
			pos = app->odoo->pos;
		}
		settle_client(a, app, host, &pos, app->odoo->name, odoo_db_port(app));
	}
	if (app->keycloak && (host = keycloak_db_host(a, app, &pos)) != NULL)
		settle_client(a, app, host, &pos, app->keycloak->name, keycloak_db_port(a, app));
	/* The database is the first server a client names that runs PostgreSQL.
	 * A client that goes through another service of the project (a pooler
	 * such as PgBouncer) keeps the first PostgreSQL service; one whose host
	 * is outside the project has no database in it. */
	for (size_t i = 0; i < app->ndb_links; i++) {
		if (app->db_links[i].server && app->db_links[i].server->role == ROLE_POSTGRES) {
			app->postgres = app->db_links[i].server;
			return;
		}
	}
	for (size_t i = 0; i < app->ndb_links; i++)
		if (app->db_links[i].server)
			return;
	if (app->ndb_links) {
		app->postgres_unused = app->postgres;
		app->postgres = NULL;
		settle_external(app);
	}
}
