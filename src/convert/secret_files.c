/* The Secrets' values live in files, not in the manifests: one file per key
 * under secrets/<name>/ (the directory 0700, each file 0600, ignored by the
 * .gitignore convert writes beside them), turned into Secrets at apply time
 * by kustomize's secretGenerator. A repository that holds the output holds
 * no credential, and each user who converts gets values of their own.
 * config.yaml lists every Secret and its keys in its header. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/context.h"
#include "util/fsio.h"

#define SECRETS_DIR "secrets"  /* as secret_file_path() lays it out */

bool secret_first(const struct credentials *c, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (strcmp(c->v[k].secret, c->v[i].secret) == 0)
			return false;
	return true;
}

void secret_keys(const struct credentials *c, size_t i, struct buf *keys)
{
	for (size_t k = i; k < c->n; k++)
		if (strcmp(c->v[k].secret, c->v[i].secret) == 0)
			buf_printf(keys, "%s%s", keys->len ? ", " : "", c->v[k].key);
}

/* CloudNativePG reads role passwords from basic-auth Secrets. */
static const char *secret_type(const struct cv *cv, const char *name)
{
	return cv->o->postgres == PG_CNPG && (strcmp(name, "odoo-db") == 0 || strcmp(name, "keycloak-db") == 0)
		       ? "kubernetes.io/basic-auth" : "Opaque";
}

static int write_one(const char *out_dir, const struct credential *cr)
{
	char *path = secret_file_path(out_dir, cr->secret, cr->key);
	char *dir = path ? path_dirname(path) : NULL;
	const char *value = cr->value ? cr->value : "";
	int rc = -1;

	if (dir && make_dirs(dir, 0700) == 0)
		rc = write_file_atomic(path, value, strlen(value), 0600);
	if (rc != 0)
		fprintf(stderr, "%s: error: cannot write: %s; check that the directory is writable\n",
			path ? path : out_dir, strerror(errno));
	free(dir);
	free(path);
	return rc;
}

int write_secret_files(const struct cv *cv, const char *out_dir)
{
	static const char ignore[] = "# Written by kgenius convert: the Secrets' values stay on this machine.\n"
				     SECRETS_DIR "/\n";
	char *top, *gitignore;
	int rc;

	if (cv->o->secrets != SECRETS_GENERATE)
		return 0;
	top = path_join(out_dir, SECRETS_DIR);
	gitignore = path_join(out_dir, ".gitignore");
	rc = top && gitignore && make_dirs(top, 0700) == 0 ? 0 : -1;
	for (size_t i = 0; i < cv->creds.n && rc == 0; i++)
		rc = write_one(out_dir, &cv->creds.v[i]);
	if (rc == 0)
		rc = write_file_atomic(gitignore, ignore, sizeof(ignore) - 1, 0644);
	free(top);
	free(gitignore);
	return rc;
}

void kustomize_secrets(const struct cv *cv, struct buf *kust)
{
	const struct credentials *c = &cv->creds;

	if (cv->o->secrets != SECRETS_GENERATE || !c->n)
		return;
	buf_puts(kust, "# The Secrets, from the files under secrets/ (mode 0600, not in git).\nsecretGenerator:\n");
	for (size_t i = 0; i < c->n; i++) {
		if (!secret_first(c, i))
			continue;
		/* A generator's own namespace: kustomize 2.0 and later
		 * (https://github.com/kubernetes-sigs/kustomize/pull/599), so
		 * the Secrets land beside the objects without a kustomization-wide
		 * namespace, which would also be set on cluster-scoped CRDs. */
		buf_printf(kust, "- name: %s\n  namespace: \"%s\"\n  type: %s\n  files:\n", c->v[i].secret, cv->ns,
			   secret_type(cv, c->v[i].secret));
		for (size_t k = i; k < c->n; k++)
			if (strcmp(c->v[k].secret, c->v[i].secret) == 0)
				buf_printf(kust, "  - %s=" SECRETS_DIR "/%s/%s\n", c->v[k].key, c->v[k].secret, c->v[k].key);
	}
	/* The names stay as written: CloudNativePG, KEDA and Traefik resources
	 * name Secrets in fields kustomize does not rewrite. */
	buf_puts(kust, "generatorOptions:\n  disableNameSuffixHash: true\n");
}

void secrets_header(const struct cv *cv, struct buf *b)
{
	const struct credentials *c = &cv->creds;

	if (!c->n)
		return;
	buf_puts(b, cv->o->secrets == SECRETS_GENERATE
			    ? "# Secrets (made by kustomization.yaml's secretGenerator from secrets/NAME/KEY):\n"
			    : "# Secrets to create before applying (--secrets reference):\n");
	for (size_t i = 0; i < c->n; i++) {
		struct buf keys = BUF_INIT;

		if (!secret_first(c, i))
			continue;
		secret_keys(c, i, &keys);
		buf_printf(b, "#   %s (%s): %s\n", c->v[i].secret, secret_type(cv, c->v[i].secret), buf_cstr(&keys));
		buf_free(&keys);
	}
}
