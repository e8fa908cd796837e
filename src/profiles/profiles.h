/* What each official image needs, by version (facts from
 * ../shared/docs/domain-facts.md, kept here as data). */
#ifndef KG_PROFILES_H
#define KG_PROFILES_H

#include <stdbool.h>

#include "model/app.h"

struct odoo_profile {
	int uid;                   /* numeric user: the image's USER is the name "odoo" */
	int gid;                   /* 101 in every tag */
	bool uid_verified;         /* false where the UID is inferred, not confirmed */
	const char *ws_path;       /* "/websocket" (16+) or "/longpolling" */
	const char *ws_port_key;   /* "gevent_port" (17+) or "longpolling_port" */
	const char *liveness_path;
	const char *readiness_path;
	const char *limit_request; /* the series' default */
};

struct postgres_profile {
	int uid;                   /* 999 Debian, 70 Alpine */
	const char *mount_path;    /* where the PVC goes */
	const char *pgdata;        /* PGDATA to set, NULL to keep the image's (18+) */
};

struct keycloak_profile {
	int uid;
	bool management_port;      /* 25+: health on 9000 */
	bool hostname_v2;          /* 25+: KC_HOSTNAME takes a URL */
	bool bootstrap_admin;      /* 26+: KC_BOOTSTRAP_ADMIN_*; before: KEYCLOAK_ADMIN* */
	bool jdbc_ping;            /* 26.1+: clustering needs no discovery service */
	const char *admin_user_var;
	const char *admin_password_var;
};

void odoo_profile(const struct image *img, struct odoo_profile *p);
void postgres_profile(const struct image *img, struct postgres_profile *p);
void keycloak_profile(const struct image *img, struct keycloak_profile *p);

#endif
