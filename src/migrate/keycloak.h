/* kgenius migrate keycloak check: a realm export directory, read and
 * counted, its traps refused, compared with the Keycloak databases, and the
 * Job that imports it into the cluster's Keycloak. */
#ifndef KG_MIGRATE_KEYCLOAK_H
#define KG_MIGRATE_KEYCLOAK_H

#include <stdbool.h>
#include <stddef.h>

#include "migrate/pg.h"
#include "util/buf.h"
#include "util/diag.h"

#define KC_MAX_REALMS 64

struct kc_counts {
	long long users, clients, realm_roles, client_roles, groups, idps;
};

struct kc_realm {
	char name[256];
	char version[64];          /* keycloakVersion of the export */
	struct kc_counts n;
	size_t user_files;
	size_t masked_secrets;     /* clients whose secret is "**********" */
	bool users_in_realm_file;
	bool db_source, db_target; /* compared with that database */
	struct kc_counts src, dst;
};

struct kc_report {
	struct kc_realm realms[KC_MAX_REALMS];
	size_t nrealms;
	size_t problems;
};

struct kc_opts {
	const char *dir;
	struct pg_endpoint source, target;
	const char *source_db, *target_db;
	const char *job_out;       /* write the import Job here, or NULL */
	const char *namespace_;
	const char *db_secret;     /* Secret with the target database's credentials */
	const char *db_host;       /* the target database's Service */
};

/* Reads the export, compares, reports problems to out. Returns 0, or -1
 * when the export cannot be read (reported to d). */
int kc_check(const struct kc_opts *o, struct kc_report *rep, struct buf *out, bool json, struct diags *d);

#endif
