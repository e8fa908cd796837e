/* Traefik's Docker-provider labels and command flags, read into routes and
 * middlewares. */
#ifndef KG_MODEL_TRAEFIK_H
#define KG_MODEL_TRAEFIK_H

#include "model/app.h"

/* Fills app->tr from every service's traefik.* labels and the Traefik
 * service's command. Rules kgenius cannot map are warned about with their
 * location. Returns 0, or -1 on allocation failure. */
int traefik_parse(struct arena *a, struct diags *d, struct app *app, const struct ynode *services);

/* Hosts and path prefix of a router rule such as
 * "Host(`erp.example.com`) && PathPrefix(`/websocket`)". Returns false when
 * the rule uses anything else (Headers, HostRegexp, ||, ...). */
bool traefik_rule(struct arena *a, const char *rule, const char **host, const char **path_prefix);

/* The router of a Compose service that serves a whole host (Host rule, no
 * path prefix), or NULL. */
const struct route *traefik_main_route(const struct app *app, const char *service);

const struct middleware *traefik_middleware(const struct traefik *tr, const char *name);
const char *middleware_opt(const struct middleware *m, const char *key);

#endif
