/* A Keycloak realm export directory (kc.sh export --dir): `<realm>-realm.json`
 * and `<realm>-users-<n>.json` files. Counted per realm: users, clients,
 * realm and client roles, groups (with their subgroups), identity providers.
 *
 * The traps it refuses: a realm file without its users files (the import
 * "succeeds", exits 0 and creates no user) and secrets masked as
 * "**********" (an admin-console partial export, not meant for migration).
 * With connection strings it counts the same things in the Keycloak
 * databases, and it writes the Job that imports the export into the
 * cluster's Keycloak, for the version that made it. */
#include "migrate/keycloak.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lint/lint.h"
#include "util/fsio.h"
#include "util/json.h"
#include "yaml/parse.h"

#define EXPORT_MEMORY (1024u * 1024 * 1024)

static size_t len_of(const struct ynode *n)
{
	return n && (n->kind == Y_SEQ || n->kind == Y_MAP) ? n->n : 0;
}

static long long count_groups(const struct ynode *groups, int depth)
{
	long long n = 0;

	if (!groups || groups->kind != Y_SEQ || depth > 64)
		return 0;
	for (size_t i = 0; i < groups->n; i++)
		n += 1 + count_groups(y_get(groups->items[i], "subGroups"), depth + 1);
	return n;
}

static struct kc_realm *realm_of(struct kc_report *rep, const char *name)
{
	for (size_t i = 0; i < rep->nrealms; i++)
		if (strcmp(rep->realms[i].name, name) == 0)
			return &rep->realms[i];
	if (rep->nrealms == KC_MAX_REALMS)
		return NULL;
	memset(&rep->realms[rep->nrealms], 0, sizeof(rep->realms[0]));
	snprintf(rep->realms[rep->nrealms].name, sizeof(rep->realms[0].name), "%s", name);
	return &rep->realms[rep->nrealms++];
}

struct file_ctx {
	struct kc_report *rep;
	const char *path;
	bool is_realm_file;
	struct diags *d;
};

static int on_export(struct ynode *root, int index, void *user)
{
	struct file_ctx *f = user;
	const char *name = y_text(y_get(root, "realm"));
	const struct ynode *roles, *client_roles, *clients;
	struct kc_realm *r;

	(void)index;
	if (!root || root->kind != Y_MAP || !name) {
		diag_add(f->d, DIAG_WARNING, &(struct srcpos){f->path, 1, 1}, NULL,
			 "not a realm or users export (no \"realm\" key): skipped");
		return 0;
	}
	r = realm_of(f->rep, name);
	if (!r)
		return 0;
	/* a users file holds "realm" and "users" and nothing else */
	f->is_realm_file = false;
	for (size_t i = 0; i < root->n; i++)
		if (strcmp(root->pairs[i].key, "realm") != 0 && strcmp(root->pairs[i].key, "users") != 0)
			f->is_realm_file = true;
	if (!f->is_realm_file) {
		r->n.users += (long long)len_of(y_get(root, "users"));
		r->user_files++;
		return 0;
	}
	if (y_text(y_get(root, "keycloakVersion")))
		snprintf(r->version, sizeof(r->version), "%s", y_text(y_get(root, "keycloakVersion")));
	clients = y_get(root, "clients");
	r->n.clients = (long long)len_of(clients);
	for (size_t i = 0; clients && clients->kind == Y_SEQ && i < clients->n; i++) {
		const char *secret = y_text(y_get(clients->items[i], "secret"));

		if (secret && strspn(secret, "*") == strlen(secret) && *secret)
			r->masked_secrets++;
	}
	roles = y_get(root, "roles");
	r->n.realm_roles = (long long)len_of(y_get(roles, "realm"));
	client_roles = y_get(roles, "client");
	for (size_t i = 0; client_roles && client_roles->kind == Y_MAP && i < client_roles->n; i++)
		r->n.client_roles += (long long)len_of(client_roles->pairs[i].val);
	r->n.groups = count_groups(y_get(root, "groups"), 0);
	r->n.idps = (long long)len_of(y_get(root, "identityProviders"));
	if (y_get(root, "users")) {
		r->users_in_realm_file = true;
		r->n.users += (long long)len_of(y_get(root, "users"));
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_export(const struct kc_opts *o, struct kc_report *rep, long long *bytes, struct diags *d)
{
	DIR *dir = opendir(o->dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*bytes = 0;
	if (!dir) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){o->dir, 0, 0}, "give the directory kc.sh export --dir wrote",
			 "cannot open the export directory");
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		if (n == cap) {
			char **v = realloc(names, (cap ? cap * 2 : 16) * sizeof(*v));

			if (!v)
				break;
			names = v;
			cap = cap ? cap * 2 : 16;
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *path = path_join(o->dir, names[i]);
		struct file_ctx f = {rep, path, false, d};
		struct arena a;
		struct stat sb;

		if (path && stat(path, &sb) == 0)
			*bytes += sb.st_size;
		/* federated-users files hold links to external identities, not users */
		if (path && !strstr(names[i], "-federated-users-")) {
			arena_init(&a, EXPORT_MEMORY);
			if (yaml_parse_path(&a, d, path, &yaml_default_limits, on_export, &f) != 0)
				rc = -1;
			arena_free(&a);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	if (n == 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){o->dir, 0, 0}, "run kc.sh export --dir DIR --users different_files",
			 "no .json files: this is not a realm export directory");
		rc = -1;
	}
	return rc;
}

/* --- the databases --- */

static bool db_counts(PGconn *c, const struct pg_endpoint *ep, const char *realm, struct kc_counts *n, struct diags *d)
{
	static const char *const sql[] = {
		"SELECT count(*) FROM user_entity u JOIN realm r ON r.id = u.realm_id WHERE r.name = $1",
		"SELECT count(*) FROM client c JOIN realm r ON r.id = c.realm_id WHERE r.name = $1",
		"SELECT count(*) FROM keycloak_role k JOIN realm r ON r.id = k.realm_id WHERE r.name = $1 AND NOT k.client_role",
		"SELECT count(*) FROM keycloak_role k JOIN client c ON c.id = k.client JOIN realm r ON r.id = c.realm_id"
		" WHERE r.name = $1 AND k.client_role",
		"SELECT count(*) FROM keycloak_group g JOIN realm r ON r.id = g.realm_id WHERE r.name = $1",
		"SELECT count(*) FROM identity_provider i JOIN realm r ON r.id = i.realm_id WHERE r.name = $1",
	};
	long long *out[] = {&n->users, &n->clients, &n->realm_roles, &n->client_roles, &n->groups, &n->idps};
	const char *params[1] = {realm};

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		char *v = pg_value(c, ep, d, sql[i], 1, params);

		if (!v)
			return false;
		*out[i] = atoll(v);
		free(v);
	}
	return true;
}

static bool counts_equal(const struct kc_counts *a, const struct kc_counts *b)
{
	return a->users == b->users && a->clients == b->clients && a->realm_roles == b->realm_roles &&
	       a->client_roles == b->client_roles && a->groups == b->groups && a->idps == b->idps;
}

static int compare_db(const struct pg_endpoint *ep, const char *db, struct kc_report *rep, bool target,
		      struct diags *d)
{
	PGconn *c = pg_open(ep, db, d);

	if (!c)
		return -1;
	for (size_t i = 0; i < rep->nrealms; i++) {
		struct kc_realm *r = &rep->realms[i];

		if (!db_counts(c, ep, r->name, target ? &r->dst : &r->src, d)) {
			PQfinish(c);
			return -1;
		}
		if (target)
			r->db_target = true;
		else
			r->db_source = true;
	}
	PQfinish(c);
	return 0;
}

/* --- the import Job --- */

static void job_yaml(const struct kc_opts *o, const char *version, struct buf *b)
{
	buf_printf(b,
		   "# The Job that imports the realm export into the cluster's Keycloak (kgenius migrate keycloak).\n"
		   "# Before: scale the keycloak Deployment to 0 (an import must run alone), and put the export in a\n"
		   "# Secret, since it holds client secrets and password hashes:\n"
		   "#   kubectl -n %s create secret generic keycloak-realm-export --from-file=%s\n"
		   "# A Secret holds at most 1 MiB; for a larger export, copy it to a PersistentVolumeClaim instead.\n"
		   "apiVersion: batch/v1\n"
		   "kind: Job\n"
		   "metadata:\n"
		   "  name: keycloak-realm-import\n"
		   "  namespace: %s\n"
		   "  labels:\n"
		   "    app.kubernetes.io/name: keycloak-realm-import\n"
		   "    app.kubernetes.io/managed-by: kgenius\n"
		   "  annotations:\n"
		   "    kgenius.io/ignore: \"APP008: kc.sh import starts no HTTP server, so it needs no hostname\"\n"
		   "spec:\n"
		   "  backoffLimit: 0\n"
		   "  ttlSecondsAfterFinished: 86400\n"
		   "  template:\n"
		   "    metadata:\n"
		   "      labels:\n"
		   "        app.kubernetes.io/name: keycloak-realm-import\n"
		   "    spec:\n"
		   "      restartPolicy: Never\n"
		   "      automountServiceAccountToken: false\n"
		   "      securityContext:\n"
		   "        runAsNonRoot: true\n"
		   "        runAsUser: 1000\n"
		   "        runAsGroup: 0\n"
		   "        seccompProfile:\n"
		   "          type: RuntimeDefault\n"
		   "      containers:\n"
		   "      - name: import\n"
		   "        image: quay.io/keycloak/keycloak:%s\n"
		   "        args: [\"import\", \"--dir\", \"/opt/keycloak/data/import\", \"--override\", \"false\"]\n"
		   "        env:\n"
		   "        - name: KC_DB\n"
		   "          value: postgres\n"
		   "        - name: KC_DB_URL_HOST\n"
		   "          value: %s\n"
		   "        - name: KC_DB_URL_PORT\n"
		   "          value: \"5432\"\n"
		   "        - name: KC_DB_URL_DATABASE\n"
		   "          valueFrom:\n"
		   "            secretKeyRef:\n"
		   "              name: %s\n"
		   "              key: database\n"
		   "        - name: KC_DB_USERNAME\n"
		   "          valueFrom:\n"
		   "            secretKeyRef:\n"
		   "              name: %s\n"
		   "              key: username\n"
		   "        - name: KC_DB_PASSWORD\n"
		   "          valueFrom:\n"
		   "            secretKeyRef:\n"
		   "              name: %s\n"
		   "              key: password\n"
		   "        resources:\n"
		   "          requests:\n"
		   "            cpu: 500m\n"
		   "            memory: 1Gi\n"
		   "          limits:\n"
		   "            memory: 2Gi\n"
		   "        securityContext:\n"
		   "          allowPrivilegeEscalation: false\n"
		   "          capabilities:\n"
		   "            drop: [\"ALL\"]\n"
		   "        volumeMounts:\n"
		   "        - name: export\n"
		   "          mountPath: /opt/keycloak/data/import\n"
		   "          readOnly: true\n"
		   "      volumes:\n"
		   "      - name: export\n"
		   "        secret:\n"
		   "          secretName: keycloak-realm-export\n",
		   o->namespace_, o->dir, o->namespace_, version, o->db_host, o->db_secret, o->db_secret, o->db_secret);
}

/* The Job passes kgenius lint's rules before it is written. */
static int write_job(const struct kc_opts *o, const char *version, struct diags *d)
{
	struct buf b = BUF_INIT;
	int rc = -1;

	job_yaml(o, version, &b);
	if (b.failed)
		return -1;
	if (lint_generated(&(struct lint_text){o->job_out, b.data, b.len, false}, 1,
			   &(struct lint_generated_opts){.producer = "migrate keycloak"}, d) == 0) {
		if (write_file_atomic(o->job_out, b.data, b.len, 0644) != 0)
			diag_add(d, DIAG_ERROR, &(struct srcpos){o->job_out, 0, 0}, NULL, "cannot write the Job manifest");
		else
			rc = 0;
	}
	buf_free(&b);
	return rc;
}

/* --- the report --- */

/* The report goes to j's buffer: JSON through j, or text. */
static void problem(struct kc_report *rep, struct json *j, bool json, const char *realm, const char *what)
{
	rep->problems++;
	if (json) {
		json_object(j);
		json_member_str(j, "realm", realm);
		json_member_str(j, "problem", what);
		json_end(j);
	} else
		buf_printf(j->b, "  PROBLEM %s: %s\n", realm, what);
}

static void counts_text(struct buf *b, const char *label, const struct kc_counts *n)
{
	buf_printf(b, "    %-8s users %lld, clients %lld, realm roles %lld, client roles %lld, groups %lld, identity providers %lld\n",
		   label, n->users, n->clients, n->realm_roles, n->client_roles, n->groups, n->idps);
}

static void counts_json(struct json *j, const char *key, const struct kc_counts *n)
{
	json_key(j, key);
	json_object(j);
	json_member_int(j, "users", n->users);
	json_member_int(j, "clients", n->clients);
	json_member_int(j, "realm_roles", n->realm_roles);
	json_member_int(j, "client_roles", n->client_roles);
	json_member_int(j, "groups", n->groups);
	json_member_int(j, "identity_providers", n->idps);
	json_end(j);
}

static void realm_json(const struct kc_realm *r, struct json *j)
{
	json_object(j);
	json_member_str(j, "realm", r->name);
	json_member_str(j, "keycloak_version", r->version);
	json_member_uint(j, "users_files", r->user_files);
	json_member_uint(j, "masked_secrets", r->masked_secrets);
	counts_json(j, "export", &r->n);
	if (r->db_source)
		counts_json(j, "source", &r->src);
	if (r->db_target)
		counts_json(j, "target", &r->dst);
	json_end(j);
}

static void realm_text(const struct kc_realm *r, struct buf *out)
{
	buf_printf(out, "  realm %s (Keycloak %s, %zu users file%s)\n", r->name, r->version[0] ? r->version : "?",
		   r->user_files, r->user_files == 1 ? "" : "s");
	counts_text(out, "export", &r->n);
	if (r->db_source)
		counts_text(out, "source", &r->src);
	if (r->db_target)
		counts_text(out, "target", &r->dst);
}

/* The export's directory, size and realms; the problems follow them. */
static void report_realms(const struct kc_opts *o, const struct kc_report *rep, long long bytes, struct json *j,
			  bool json)
{
	if (json) {
		json_object(j);
		json_member_str(j, "directory", o->dir);
		json_member_int(j, "bytes", bytes);
		json_key(j, "realms");
		json_array(j);
		for (size_t i = 0; i < rep->nrealms; i++)
			realm_json(&rep->realms[i], j);
		json_end(j);
		json_key(j, "problems");
		json_array(j);
		return;
	}
	buf_printf(j->b, "keycloak export %s: %zu realm%s, %lld bytes\n", o->dir, rep->nrealms, rep->nrealms == 1 ? "" : "s",
		   bytes);
	for (size_t i = 0; i < rep->nrealms; i++)
		realm_text(&rep->realms[i], j->b);
}

static void report_problems(const struct kc_opts *o, struct kc_report *rep, long long bytes, struct json *j, bool json)
{
	char msg[512];

	for (size_t i = 0; i < rep->nrealms; i++) {
		const struct kc_realm *r = &rep->realms[i];

		if (r->n.users == 0 && r->user_files == 0 && !r->users_in_realm_file) {
			snprintf(msg, sizeof(msg), "the realm file has no users and there is no %s-users-*.json: an import would "
				 "succeed, exit 0 and create no user; copy the users files too (or export with --users realm_file)",
				 r->name);
			problem(rep, j, json, r->name, msg);
		}
		if (r->masked_secrets) {
			snprintf(msg, sizeof(msg), "%zu client secrets are masked (\"**********\"): this is an admin-console "
				 "partial export, which drops secrets and users; export with kc.sh export instead", r->masked_secrets);
			problem(rep, j, json, r->name, msg);
		}
		if (!r->version[0] && r->user_files && !r->n.clients && !r->n.realm_roles) {
			snprintf(msg, sizeof(msg), "users files without %s-realm.json: the realm itself is missing", r->name);
			problem(rep, j, json, r->name, msg);
		}
		if (r->db_source && !counts_equal(&r->n, &r->src))
			problem(rep, j, json, r->name, "the export's counts differ from the source database's: the export "
				"is older than the database or partial; export again with Keycloak stopped");
		if (r->db_target && !counts_equal(&r->n, &r->dst))
			problem(rep, j, json, r->name, "the target database's counts differ from the export's: the import "
				"has not run, or did not complete");
	}
	if (bytes > 1024 * 1024 && o->job_out)
		problem(rep, j, json, "*", "the export is larger than 1 MiB, the most a Secret holds: mount it from a "
			"PersistentVolumeClaim in the Job instead");
}

int kc_check(const struct kc_opts *o, struct kc_report *rep, struct buf *out, bool json, struct diags *d)
{
	long long bytes = 0;
	struct json j;

	memset(rep, 0, sizeof(*rep));
	if (read_export(o, rep, &bytes, d) != 0)
		return -1;
	if ((o->source.conninfo && compare_db(&o->source, o->source_db, rep, false, d) != 0) ||
	    (o->target.conninfo && compare_db(&o->target, o->target_db, rep, true, d) != 0))
		return -1;
	json_init(&j, out, false);
	report_realms(o, rep, bytes, &j, json);
	report_problems(o, rep, bytes, &j, json);
	if (json) {
		json_end(&j);
		json_member_bool(&j, "ok", rep->problems == 0);
		json_end(&j);
		buf_putc(out, '\n');
	} else
		buf_printf(out, "%s\n", rep->problems ? "PROBLEMS: do not import this export as it is" : "OK");
	if (o->job_out && rep->nrealms > 0) {
		const char *version = "26.0";

		for (size_t i = 0; i < rep->nrealms; i++)
			if (rep->realms[i].version[0])
				version = rep->realms[i].version;
		if (write_job(o, version, d) != 0)
			return -1;
	}
	return 0;
}
