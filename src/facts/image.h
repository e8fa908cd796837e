/* Image references and the one detector of what an image is: its role in
 * the application (Odoo, PostgreSQL, Keycloak, Traefik) and its version.
 * convert, lint and diagnose all ask here. */
#ifndef KG_FACTS_IMAGE_H
#define KG_FACTS_IMAGE_H

#include <stdbool.h>

#include "util/arena.h"

enum role { ROLE_OTHER, ROLE_ODOO, ROLE_POSTGRES, ROLE_KEYCLOAK, ROLE_TRAEFIK };

struct image {
	const char *ref;      /* as written: "quay.io/keycloak/keycloak:25.0" */
	const char *name;     /* last path component: "keycloak" */
	const char *tag;      /* "25.0"; "latest" when absent */
	int major, minor;     /* from the tag; -1 when the tag has no version */
	bool alpine;
};

/* Parses an image reference; the strings live in a. */
void image_parse(struct arena *a, const char *ref, struct image *img);
/* True for the official image of that name: odoo, docker.io/library/odoo,
 * quay.io/keycloak/keycloak; not bitnami/odoo and other rebuilds, whose
 * variables and users differ. */
bool image_official(const struct image *img);
/* The role of an official image; ROLE_OTHER for anything else. */
enum role image_role(const struct image *img);
/* The role of the image reference ref (a scratch arena holds the parse). */
enum role image_ref_role(const char *ref, struct image *img, struct arena *scratch);

#endif
