/* The application a Compose project describes: its typed services
 * (model/service.h), which of them plays which role (Odoo, PostgreSQL,
 * Keycloak, Traefik), the Odoo configuration file, and the routes Traefik's
 * labels ask for. Built from the canonical Compose model; read by convert
 * and by diagnose's Compose checks, which never see the Compose tree. */
#ifndef KG_MODEL_APP_H
#define KG_MODEL_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "facts/image.h"
#include "model/odoo_conf.h"
#include "model/service.h"
#include "util/arena.h"
#include "util/diag.h"
#include "yaml/node.h"

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

/* An application's database connection: the host it names and the
 * service that answers to it (NULL: a host outside the project). */
struct db_link {
	const char *client;       /* the Compose service that connects */
	const char *host;
	struct srcpos pos;        /* where the host is written */
	int port;                 /* the port it names; 0: none */
	struct service *server;
};

/* A database outside the project: every client names the same host that no
 * service answers to (a managed PostgreSQL, a server of its own). */
struct external_db {
	const char *host;         /* NULL: no outside database */
	int port;                 /* the clients' port, else the provider's, else PostgreSQL's */
	struct srcpos pos;
	const struct managed_postgres *provider;   /* NULL: a host kgenius knows nothing of */
};

struct app {
	const char *project;
	struct service *services;
	size_t nservices;
	struct service *odoo, *postgres, *keycloak, *traefik;
	struct db_link db_links[2];   /* Odoo's, Keycloak's */
	size_t ndb_links;
	struct service *postgres_unused;  /* a PostgreSQL service no client names */
	struct external_db external_db;
	struct odoo_conf conf;
	struct traefik tr;
};

/* Returns 0, or -1 after reporting located errors. */
int app_build(struct arena *a, struct diags *d, struct ynode *model, const char *project, struct app *app);

#endif
