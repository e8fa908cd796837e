/* The credentials of the deployment and where each value comes from. */
#ifndef KG_CONVERT_CREDENTIALS_H
#define KG_CONVERT_CREDENTIALS_H

#include "model/app.h"
#include "util/arena.h"
#include "util/diag.h"

enum cred_origin {
	CRED_FROM_PROJECT,    /* a strong value in the Compose project */
	CRED_REUSED,          /* kept from the previous output, so nothing rotates */
	CRED_GENERATED,       /* 32 bytes from the OS CSPRNG, hex */
	CRED_NOT_SECRET,      /* a user name */
};

struct credential {
	const char *secret;   /* Secret name */
	const char *key;      /* key in it */
	const char *value;
	enum cred_origin origin;
	struct srcpos pos;    /* where the project set it, if it did */
};

struct credentials {
	struct credential *v;
	size_t n, cap;
	const char *superuser;        /* PostgreSQL superuser name */
	const char *odoo_user;        /* Odoo's database role */
	const char *keycloak_user;
	const char *keycloak_db;
	bool odoo_is_superuser;
	bool keycloak_is_superuser;
};

/* Where a Secret's key is kept in an output directory:
 * OUT/secrets/SECRET/KEY; malloc'd, NULL when too long. */
char *secret_file_path(const char *out_dir, const char *secret, const char *key);

/* Collects every credential of app. out_dir is an earlier output whose
 * values are reused (its secrets/ files, or the Secrets of an older
 * config.yaml), so nothing rotates under a running database. With
 * cnpg, the operator owns the superuser: no postgres-credentials, and Odoo
 * gets a role of its own.
 * Returns 0, or -1 after a reported error. */
int credentials_collect(struct arena *a, struct diags *d, const struct app *app,
			const char *out_dir, bool cnpg, struct credentials *c);

/* True for a Keycloak variable of the project that the manifests pass on
 * (KC_* that kgenius does not set itself); keycloak.c. */
bool keycloak_passes_through(const char *name);

const char *credential(const struct credentials *c, const char *secret, const char *key);
/* Adds a value the project supplies (basic-auth users, ...); NULL on OOM. */
struct credential *credential_add(struct arena *a, struct credentials *c, const char *secret, const char *key,
				  const char *value, const struct srcpos *pos);

#endif
