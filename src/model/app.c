/* A project's application: its typed services, the first service of each
 * role, Odoo's configuration file and the Traefik routes. */
#include "model/app.h"

#include <string.h>

#include "facts/facts.h"
#include "model/database.h"
#include "model/secret_files.h"
#include "model/traefik.h"

/* odoo.conf is bind-mounted at /etc/odoo/odoo.conf, or its directory at /etc/odoo. */
static const char *find_odoo_conf(struct arena *a, const struct service *s)
{
	for (size_t i = 0; i < s->nvolumes; i++) {
		const struct volume *v = &s->volumes[i];

		if (!volume_is_bind(v))
			continue;
		if (strcmp(v->target, odoo_constants.conf_file) == 0)
			return v->source;
		if (strcmp(v->target, odoo_constants.conf_dir) == 0)
			return arena_printf(a, "%s/odoo.conf", v->source);
	}
	return NULL;
}

int app_build(struct arena *a, struct diags *d, struct ynode *model, const char *project, struct app *app)
{
	struct ynode *services = y_get(model, "services");
	const char *conf_path;

	memset(app, 0, sizeof(*app));
	app->project = project;
	app->nservices = services ? services->n : 0;
	app->services = arena_alloc(a, (app->nservices ? app->nservices : 1) * sizeof(*app->services));
	if (!app->services)
		return -1;
	for (size_t i = 0; i < app->nservices; i++) {
		struct service *s = &app->services[i];

		if (service_build(a, services->pairs[i].key, &services->pairs[i].kpos, services->pairs[i].val, s) != 0 ||
		    service_resolve_secret_files(a, d, model, services->pairs[i].val, s) != 0)
			return -1;
		if (s->role == ROLE_ODOO && !app->odoo)
			app->odoo = s;
		else if (s->role == ROLE_POSTGRES && !app->postgres)
			app->postgres = s;
		else if (s->role == ROLE_KEYCLOAK && !app->keycloak)
			app->keycloak = s;
		else if (s->role == ROLE_TRAEFIK && !app->traefik)
			app->traefik = s;
	}
	if (app->odoo && (conf_path = find_odoo_conf(a, app->odoo)) != NULL &&
	    odoo_conf_read(a, d, conf_path, &app->conf) != 0)
		return -1;
	app_settle_database(a, app);
	return traefik_parse(a, d, app, services);
}
