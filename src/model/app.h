/* The application a Compose project describes: which service plays which
 * role (Odoo, PostgreSQL, Keycloak, Traefik), with which image version, the
 * Odoo configuration file, and the routes Traefik's labels ask for. Built
 * from the canonical Compose model; read by convert. */
#ifndef KG_MODEL_APP_H
#define KG_MODEL_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/diag.h"
#include "yaml/node.h"

enum role { ROLE_OTHER, ROLE_ODOO, ROLE_POSTGRES, ROLE_KEYCLOAK, ROLE_TRAEFIK };

struct image {
	const char *ref;      /* as written: "quay.io/keycloak/keycloak:25.0" */
	const char *name;     /* last path component: "keycloak" */
	const char *tag;      /* "25.0"; "latest" when absent */
	int major, minor;     /* from the tag; -1 when the tag has no version */
	bool alpine;
};

struct service {
	const char *name;
	enum role role;
	struct ynode *def;    /* canonical Compose service */
	struct image image;
};

struct conf_entry {
	const char *key;
	const char *value;
	struct srcpos pos;
};

/* odoo.conf: the [options] section, in file order. */
struct odoo_conf {
	const char *path;     /* NULL when the project mounts none */
	struct conf_entry *v;
	size_t n;
};

struct route {                /* one Traefik router */
	const char *name;
	const char *service;      /* Compose service that carries the label */
	const char *host;         /* first Host(...) */
	const char *path_prefix;  /* PathPrefix(...) or NULL */
	const char *middlewares;  /* comma list as written, or NULL */
	const char *backend;      /* Traefik service name, or NULL */
	int port;                 /* resolved backend port, 0 when unknown */
	bool tls;
	struct srcpos pos;
};

struct middleware_opt {
	const char *key;          /* after the middleware type: "stsSeconds" */
	const char *value;
	struct srcpos pos;
};

struct middleware {
	const char *name;
	const char *type;         /* "headers", "buffering", "ratelimit", ... */
	struct middleware_opt *opts;
	size_t nopts;
	struct srcpos pos;
};

struct traefik {
	struct route *routes;
	size_t nroutes;
	struct middleware *mws;
	size_t nmws;
	const char *acme_email;   /* from --certificatesresolvers.*.acme.email */
	bool https_redirect;      /* web entrypoint redirects to websecure */
};

struct app {
	const char *project;
	struct ynode *model;
	struct service *services;
	size_t nservices;
	struct service *odoo, *postgres, *keycloak, *traefik;
	struct odoo_conf conf;
	struct traefik tr;
};

/* Returns 0, or -1 after reporting located errors. */
int app_build(struct arena *a, struct diags *d, struct ynode *model, const char *project, struct app *app);

const char *role_name(enum role r);
/* A service's environment value, or NULL when unset. */
const char *service_env(const struct service *s, const char *name);
/* The value of an odoo.conf key, or NULL. */
const struct conf_entry *conf_get(const struct odoo_conf *c, const char *key);
/* True when vol (a canonical Compose volume) is a bind mount with a source
 * and a target, which it returns. */
bool volume_bind(const struct ynode *vol, const char **source, const char **target);
/* True for the official image of that name: odoo, docker.io/library/odoo,
 * quay.io/keycloak/keycloak; not bitnami/odoo and other rebuilds, whose
 * variables and users differ. */
bool image_official(const struct image *img);
/* Parses an image reference. */
void image_parse(struct arena *a, const char *ref, struct image *img);

#endif
