#include "convert/credentials.h"

#include <ctype.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "model/secrets.h"
#include "util/fsio.h"
#include "yaml/parse.h"

#define GENERATED_BYTES 32
#define MIN_PASSWORD_LENGTH 12

/* Values people leave in .env files that must never reach production. */
static const char *const weak_values[] = {
	"change-me", "changeme", "change_me", "changeit", "password", "passwd", "secret", "admin",
	"odoo", "postgres", "keycloak", "123456", "example", "test", NULL,
};

static bool is_weak(const char *v)
{
	if (!v || strlen(v) < MIN_PASSWORD_LENGTH || is_placeholder(v))
		return true;
	for (const char *const *w = weak_values; *w; w++)
		if (strcasecmp(v, *w) == 0)
			return true;
	return false;
}

static const char *generate(struct arena *a)
{
	unsigned char raw[GENERATED_BYTES];
	char *hex = arena_alloc(a, 2 * GENERATED_BYTES + 1);

	if (!hex || RAND_bytes(raw, sizeof(raw)) != 1)
		return NULL;
	for (size_t i = 0; i < sizeof(raw); i++) {
		static const char digits[] = "0123456789abcdef";
		hex[2 * i] = digits[raw[i] >> 4];
		hex[2 * i + 1] = digits[raw[i] & 15];
	}
	hex[2 * GENERATED_BYTES] = '\0';
	return hex;
}

struct previous {
	struct arena *a;
	struct ynode *secrets;  /* name -> stringData, from an older config.yaml */
	const char *out_dir;    /* its secrets/ files */
};

static int keep_secret(struct ynode *doc, int index, void *user)
{
	struct previous *p = user;
	const char *kind = y_text(y_get(doc, "kind"));
	const char *name = y_text(y_get(y_get(doc, "metadata"), "name"));
	struct ynode *data = y_get(doc, "stringData");

	(void)index;
	if (kind && name && data && strcmp(kind, "Secret") == 0 && !y_set(p->a, p->secrets, name, data))
		return -1;
	return 0;
}

/* Reads the Secrets of an earlier output. A missing or unreadable file means
 * nothing to reuse; a broken one is reported but not fatal. */
static struct ynode *read_previous(struct arena *a, struct diags *d, const char *path)
{
	struct previous p = {a, y_new(a, Y_MAP, NULL), NULL};
	char *data = NULL;
	size_t len = 0;
	struct diags ignored;

	if (!p.secrets || !path || read_file_limited(path, 16u << 20, &data, &len) != READ_OK) {
		free(data);
		return p.secrets;
	}
	diags_init(&ignored);
	if (yaml_parse_stream(a, &ignored, path, data, len, &yaml_default_limits, keep_secret, &p) != 0) {
		struct srcpos pos = {path, 0, 0};
		diag_add(d, DIAG_WARNING, &pos, "delete it to generate new values",
			 "the previous output cannot be read; its credentials are not reused");
	}
	diags_free(&ignored);
	free(data);
	return p.secrets;
}

static struct credential *add(struct arena *a, struct credentials *c, const char *secret, const char *key)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct credential *v = arena_alloc(a, cap * sizeof(*v));
		if (!v)
			return NULL;
		if (c->n)
			memcpy(v, c->v, c->n * sizeof(*v));
		c->v = v;
		c->cap = cap;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[0]));
	c->v[c->n].secret = secret;
	c->v[c->n].key = key;
	return &c->v[c->n++];
}

static const struct credential *credential_entry(const struct credentials *c, const char *secret,
						 const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].secret, secret) == 0 && strcmp(c->v[i].key, key) == 0)
			return &c->v[i];
	return NULL;
}

static const struct srcpos *env_pos(const struct service *s, const char *name)
{
	const struct env_var *v = service_env_var(s, name);
	return v ? &v->value_pos : NULL;
}

char *secret_file_path(const char *out_dir, const char *secret, const char *key)
{
	char rel[512];
	int n = snprintf(rel, sizeof(rel), "secrets/%s/%s", secret, key);

	return out_dir && n > 0 && (size_t)n < sizeof(rel) ? path_join(out_dir, rel) : NULL;
}

/* The value an earlier output kept: its secrets/ file, else the Secret of
 * an older config.yaml. */
static const char *previous_value(struct arena *a, const struct previous *prev, const char *secret, const char *key)
{
	char *path = secret_file_path(prev->out_dir, secret, key);
	char *data = NULL;
	size_t len = 0;
	const char *value = NULL;

	if (path && read_file_limited(path, 64u << 10, &data, &len) == READ_OK)
		value = arena_strndup(a, data, len);
	free(data);
	free(path);
	return value ? value : y_text(y_get(y_get(prev->secrets, secret), key));
}

/* A secret value: the project's if strong, else the previous output's,
 * else freshly generated. */
static int set_secret(struct arena *a, struct diags *d, struct credentials *c, const struct previous *prev,
		      const char *secret, const char *key, const char *project_value,
		      const struct srcpos *pos, const char *what)
{
	struct credential *cr = add(a, c, secret, key);
	const char *reused = previous_value(a, prev, secret, key);

	if (!cr)
		return -1;
	if (pos)
		cr->pos = *pos;
	if (project_value && !is_weak(project_value)) {
		cr->value = project_value;
		cr->origin = CRED_FROM_PROJECT;
		return 0;
	}
	if (project_value && project_value[0])
		diag_add(d, DIAG_WARNING, pos, "nothing to do: a strong value replaces it in the manifests",
			 "%s is weak (a placeholder or shorter than %d characters); kgenius generates a new one",
			 what, MIN_PASSWORD_LENGTH);
	if (reused && reused[0]) {
		cr->value = reused;
		cr->origin = CRED_REUSED;
		return 0;
	}
	cr->value = generate(a);
	cr->origin = CRED_GENERATED;
	return cr->value ? 0 : -1;
}

/* An application that logs in as the superuser: the same password, still
 * a secret, in the application's own Secret. */
static int superuser_password(struct arena *a, struct credentials *c, const char *secret)
{
	const struct credential *su = credential_entry(c, "postgres-credentials", "POSTGRES_PASSWORD");
	struct credential *cr = su ? add(a, c, secret, "password") : NULL;

	if (!cr)
		return -1;
	*cr = *credential_entry(c, "postgres-credentials", "POSTGRES_PASSWORD");
	cr->secret = secret;
	cr->key = "password";
	return 0;
}

static int set_name(struct arena *a, struct credentials *c, const char *secret, const char *key, const char *value)
{
	struct credential *cr = add(a, c, secret, key);

	if (!cr)
		return -1;
	cr->value = value;
	cr->origin = CRED_NOT_SECRET;
	return 0;
}

/* Secret keys of odoo.conf other than the ones kgenius manages itself:
 * they keep their values and move to the Secret the pod renders from. */
static int conf_secrets(struct arena *a, const struct app *app, struct credentials *c)
{
	for (size_t i = 0; i < app->conf.n; i++) {
		const struct conf_entry *e = &app->conf.v[i];
		struct credential *cr;

		if (!is_secret_name(e->key) || strcmp(e->key, "admin_passwd") == 0 ||
		    strcmp(e->key, "db_password") == 0 || !e->value[0] || strcmp(e->value, "False") == 0)
			continue;
		cr = add(a, c, "odoo-conf-secrets", e->key);
		if (!cr)
			return -1;
		cr->value = e->value;
		cr->origin = CRED_FROM_PROJECT;
		cr->pos = e->pos;
	}
	return 0;
}

/* Secret-named variables of a service's environment, other than its
 * database wiring, go to a Secret of their own. */
static int env_secrets(struct arena *a, const struct service *s, const char *secret, struct credentials *c,
		       bool (*passes)(const char *name))
{
	static const char *const wiring[] = {"PASSWORD", "PGPASSWORD", "PASSWORD_FILE", NULL};
	for (size_t i = 0; i < s->nenv; i++) {
		const char *name = s->env[i].name;
		const char *value = s->env[i].value;
		bool skip = !is_secret_env(name, value) || s->env[i].resolved_file || (passes && !passes(name));
		struct credential *cr;

		for (const char *const *w = wiring; *w && !skip; w++)
			skip = strcmp(*w, name) == 0;
		if (skip)
			continue;
		cr = add(a, c, secret, name);
		if (!cr)
			return -1;
		cr->value = value;
		cr->origin = CRED_FROM_PROJECT;
		cr->pos = s->env[i].value_pos;
	}
	return 0;
}

/* "jdbc:postgresql://db:5432/keycloak?x=y" -> "keycloak" */
static const char *jdbc_database(struct arena *a, const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	const char *slash = p ? strchr(p + 3, '/') : NULL;

	if (!slash || !slash[1])
		return NULL;
	return arena_strndup(a, slash + 1, strcspn(slash + 1, "?;"));
}

int credentials_collect(struct arena *a, struct diags *d, const struct app *app,
			const char *out_dir, bool cnpg, struct credentials *c)
{
	char *config = path_join(out_dir, "config.yaml");
	struct previous previous = {a, config ? read_previous(a, d, config) : NULL, out_dir};
	const struct previous *prev = &previous;
	const struct service *db = app->postgres, *odoo = app->odoo, *kc = app->keycloak;
	const char *su_password = db ? service_env(db, "POSTGRES_PASSWORD") : NULL;
	const struct conf_entry *admin = conf_get(&app->conf, "admin_passwd");
	int rc = 0;

	free(config);
	memset(c, 0, sizeof(*c));
	if (!previous.secrets)
		return -1;
	/* The image's entrypoint: POSTGRES_USER:=postgres, so empty is unset. */
	c->superuser = db && service_env(db, "POSTGRES_USER") && service_env(db, "POSTGRES_USER")[0]
			       ? service_env(db, "POSTGRES_USER") : postgres_constants.default_user;
	if (!cnpg) {
		rc |= set_name(a, c, "postgres-credentials", "POSTGRES_USER", c->superuser);
		rc |= set_secret(a, d, c, prev, "postgres-credentials", "POSTGRES_PASSWORD", su_password,
				 env_pos(db, "POSTGRES_PASSWORD"), "POSTGRES_PASSWORD");
	} else {
		c->superuser = "postgres";
	}
	if (odoo) {
		const char *user = service_env(odoo, "USER");
		const char *pw = service_env(odoo, "PASSWORD");

		c->odoo_user = user && user[0] ? user : c->superuser;
		if (strcmp(c->odoo_user, "postgres") == 0)
			c->odoo_user = "odoo";
		c->odoo_is_superuser = strcmp(c->odoo_user, c->superuser) == 0;
		if (!pw || !pw[0])
			pw = su_password;
		rc |= set_name(a, c, "odoo-db", "username", c->odoo_user);
		if (c->odoo_is_superuser) {
			rc |= superuser_password(a, c, "odoo-db");
		} else {
			rc |= set_secret(a, d, c, prev, "odoo-db", "password", pw, env_pos(odoo, "PASSWORD"),
					 "Odoo's database password");
		}
		rc |= set_secret(a, d, c, prev, "odoo-conf-secrets", "admin_passwd", admin ? admin->value : NULL,
				 admin ? &admin->pos : NULL, "odoo.conf admin_passwd");
		rc |= conf_secrets(a, app, c);
		rc |= env_secrets(a, odoo, "odoo-env", c, NULL);
	}
	if (kc) {
		struct keycloak_names {
			const char *user, *password, *db;
		} n = {service_env(kc, "KC_DB_USERNAME"), service_env(kc, "KC_DB_PASSWORD"),
		       service_env(kc, "KC_DB_URL_DATABASE")};
		const char *admin_user = service_env(kc, "KC_BOOTSTRAP_ADMIN_USERNAME");
		const char *admin_pw = service_env(kc, "KC_BOOTSTRAP_ADMIN_PASSWORD");

		if (!n.db)
			n.db = jdbc_database(a, service_env(kc, "KC_DB_URL"));
		if (!admin_user)
			admin_user = service_env(kc, "KEYCLOAK_ADMIN");
		if (!admin_pw)
			admin_pw = service_env(kc, "KEYCLOAK_ADMIN_PASSWORD");
		c->keycloak_user = n.user && n.user[0] ? n.user : "keycloak";
		c->keycloak_db = n.db && n.db[0] ? n.db : "keycloak";
		c->keycloak_is_superuser = strcmp(c->keycloak_user, c->superuser) == 0;
		if (cnpg && (c->keycloak_is_superuser || (c->odoo_user && strcmp(c->keycloak_user, c->odoo_user) == 0))) {
			/* CloudNativePG: Keycloak gets a role of its own. */
			c->keycloak_user = "keycloak";
			c->keycloak_is_superuser = false;
		}
		rc |= set_name(a, c, "keycloak-db", "username", c->keycloak_user);
		rc |= set_name(a, c, "keycloak-db", "database", c->keycloak_db);
		if (c->keycloak_is_superuser && !cnpg)
			rc |= superuser_password(a, c, "keycloak-db");
		else
			rc |= set_secret(a, d, c, prev, "keycloak-db", "password", n.password,
					 env_pos(kc, "KC_DB_PASSWORD"), "Keycloak's database password");
		rc |= set_name(a, c, "keycloak-admin", "username", admin_user && admin_user[0] ? admin_user : "admin");
		rc |= set_secret(a, d, c, prev, "keycloak-admin", "password", admin_pw,
				 env_pos(kc, "KC_BOOTSTRAP_ADMIN_PASSWORD") ? env_pos(kc, "KC_BOOTSTRAP_ADMIN_PASSWORD")
									    : env_pos(kc, "KEYCLOAK_ADMIN_PASSWORD"),
				 "the Keycloak admin password");
		rc |= env_secrets(a, kc, "keycloak-env", c, keycloak_passes_through);
	}
	if (rc) {
		diag_add(d, DIAG_ERROR, NULL, "check that the system's random source works",
			 "cannot generate credentials");
		return -1;
	}
	return 0;
}

struct credential *credential_add(struct arena *a, struct credentials *c, const char *secret, const char *key,
				  const char *value, const struct srcpos *pos)
{
	struct credential *cr = add(a, c, secret, key);

	if (!cr)
		return NULL;
	cr->value = value;
	cr->origin = CRED_FROM_PROJECT;
	if (pos)
		cr->pos = *pos;
	return cr;
}

const char *credential(const struct credentials *c, const char *secret, const char *key)
{
	const struct credential *cr = credential_entry(c, secret, key);
	return cr ? cr->value : NULL;
}
