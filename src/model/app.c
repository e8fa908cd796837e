/* Roles, image versions and the odoo.conf of a project. */
#include "model/app.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/traefik.h"
#include "util/fsio.h"

/* Image names (last path component) of the images kgenius knows. */
static const struct {
	const char *image;
	enum role role;
} role_table[] = {
	{"odoo", ROLE_ODOO},
	{"postgres", ROLE_POSTGRES},
	{"postgis", ROLE_POSTGRES},
	{"keycloak", ROLE_KEYCLOAK},
	{"traefik", ROLE_TRAEFIK},
	{NULL, ROLE_OTHER},
};

const char *role_name(enum role r)
{
	switch (r) {
	case ROLE_ODOO: return "odoo";
	case ROLE_POSTGRES: return "postgres";
	case ROLE_KEYCLOAK: return "keycloak";
	case ROLE_TRAEFIK: return "traefik";
	default: return "other";
	}
}

void image_parse(struct arena *a, const char *ref, struct image *img)
{
	const char *slash = strrchr(ref, '/');
	const char *name = slash ? slash + 1 : ref;
	const char *colon = strchr(name, ':');
	const char *at = strchr(name, '@');
	const char *t;

	memset(img, 0, sizeof(*img));
	img->ref = ref;
	img->name = arena_strndup(a, name, colon ? (size_t)(colon - name) : at ? (size_t)(at - name) : strlen(name));
	img->tag = colon ? arena_strdup(a, colon + 1) : "latest";
	img->major = img->minor = -1;
	t = img->tag ? img->tag : "";
	if (isdigit((unsigned char)t[0])) {
		char *end;
		img->major = (int)strtol(t, &end, 10);
		img->minor = *end == '.' && isdigit((unsigned char)end[1]) ? (int)strtol(end + 1, NULL, 10) : 0;
	}
	img->alpine = strstr(t, "alpine") != NULL;
}

bool image_official(const struct image *img)
{
	/* Docker Hub and the public mirrors of its official images. */
	static const char *const prefixes[] = {"", "library/", "docker.io/library/", "index.docker.io/library/",
					       "registry-1.docker.io/library/", "mirror.gcr.io/", "mirror.gcr.io/library/",
					       "public.ecr.aws/docker/library/", NULL};
	size_t repo_len;
	char repo[256];

	if (!img->name || !img->ref)
		return false;
	/* The repository is the reference without "@digest" and ":tag"; a tag's
	 * colon comes after the last slash (a registry port's comes before). */
	repo_len = strcspn(img->ref, "@");
	if (repo_len >= sizeof(repo))
		return false;
	memcpy(repo, img->ref, repo_len);
	repo[repo_len] = '\0';
	if (strrchr(repo, ':') && strrchr(repo, ':') > (strrchr(repo, '/') ? strrchr(repo, '/') : repo))
		*strrchr(repo, ':') = '\0';
	if (strcmp(img->name, "keycloak") == 0)
		return strcmp(repo, "quay.io/keycloak/keycloak") == 0;
	if (strcmp(img->name, "postgis") == 0)
		return strcmp(repo, "postgis/postgis") == 0;
	for (const char *const *p = prefixes; *p; p++) {
		char want[256];
		snprintf(want, sizeof(want), "%s%s", *p, img->name);
		if (strcmp(repo, want) == 0)
			return true;
	}
	return false;
}

static enum role role_of(const struct image *img)
{
	if (!image_official(img))
		return ROLE_OTHER;
	for (size_t i = 0; role_table[i].image; i++)
		if (img->name && strcmp(img->name, role_table[i].image) == 0)
			return role_table[i].role;
	return ROLE_OTHER;
}

const char *service_env(const struct service *s, const char *name)
{
	const struct ynode *v = y_get(y_get(s->def, "environment"), name);
	return v && v->kind == Y_STR ? v->text : NULL;
}

const struct conf_entry *conf_get(const struct odoo_conf *c, const char *key)
{
	for (size_t i = c->n; i-- > 0;)
		if (strcmp(c->v[i].key, key) == 0)
			return &c->v[i];
	return NULL;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* The INI dialect of Odoo (Python configparser): "key = value" or
 * "key: value", ";" and "#" comments, [options] section. */
static int parse_odoo_conf(struct arena *a, struct diags *d, const char *path, struct odoo_conf *c)
{
	char *data = NULL, *next;
	size_t len = 0, cap = 0;
	int line = 0;
	bool in_options = false;

	if (read_file_limited(path, 1 << 20, &data, &len) != READ_OK) {
		struct srcpos pos = {path, 0, 0};
		diag_add(d, DIAG_WARNING, &pos, "check the bind mount in the Compose file",
			 "odoo.conf cannot be read; Odoo's defaults are assumed");
		return 0;
	}
	c->path = path;
	for (char *ln = data; ln; ln = next) {
		char *s, *sep;
		struct srcpos pos;

		next = strchr(ln, '\n');
		if (next)
			*next++ = '\0';
		s = trim(ln);
		line++;
		if (!*s || *s == ';' || *s == '#')
			continue;
		if (*s == '[') {
			in_options = strncmp(s, "[options]", 9) == 0;
			continue;
		}
		sep = strpbrk(s, "=:");
		if (!in_options || !sep)
			continue;
		*sep = '\0';
		if (c->n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct conf_entry *v = arena_alloc(a, ncap * sizeof(*v));
			if (!v) {
				free(data);
				return -1;
			}
			if (c->n)
				memcpy(v, c->v, c->n * sizeof(*v));
			c->v = v;
			cap = ncap;
		}
		pos.file = path;
		pos.line = line;
		pos.col = 1;
		c->v[c->n].key = arena_strdup(a, trim(s));
		c->v[c->n].value = arena_strdup(a, trim(sep + 1));
		c->v[c->n].pos = pos;
		if (!c->v[c->n].key || !c->v[c->n].value) {
			free(data);
			return -1;
		}
		c->n++;
	}
	free(data);
	return 0;
}

bool volume_bind(const struct ynode *vol, const char **source, const char **target)
{
	const char *type = y_text(y_get(vol, "type"));

	*source = y_text(y_get(vol, "source"));
	*target = y_text(y_get(vol, "target"));
	return type && strcmp(type, "bind") == 0 && *source && *target;
}

/* odoo.conf is bind-mounted at /etc/odoo/odoo.conf, or its directory at /etc/odoo. */
static const char *find_odoo_conf(struct arena *a, const struct service *s)
{
	const struct ynode *vols = y_get(s->def, "volumes");

	for (size_t i = 0; vols && i < vols->n; i++) {
		const char *src, *dst;

		if (!volume_bind(vols->items[i], &src, &dst))
			continue;
		if (strcmp(dst, "/etc/odoo/odoo.conf") == 0)
			return src;
		if (strcmp(dst, "/etc/odoo") == 0)
			return arena_printf(a, "%s/odoo.conf", src);
	}
	return NULL;
}

int app_build(struct arena *a, struct diags *d, struct ynode *model, const char *project, struct app *app)
{
	struct ynode *services = y_get(model, "services");
	const char *conf_path;

	memset(app, 0, sizeof(*app));
	app->project = project;
	app->model = model;
	app->nservices = services ? services->n : 0;
	app->services = arena_alloc(a, (app->nservices ? app->nservices : 1) * sizeof(*app->services));
	if (!app->services)
		return -1;
	for (size_t i = 0; i < app->nservices; i++) {
		struct service *s = &app->services[i];
		const char *image = y_text(y_get(services->pairs[i].val, "image"));

		s->name = services->pairs[i].key;
		s->def = services->pairs[i].val;
		image_parse(a, image ? image : s->name, &s->image);
		s->role = image ? role_of(&s->image) : ROLE_OTHER;
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
	    parse_odoo_conf(a, d, conf_path, &app->conf) != 0)
		return -1;
	return traefik_parse(a, d, app);
}
