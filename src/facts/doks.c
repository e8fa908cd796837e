/* DigitalOcean Kubernetes (DOKS): what a new cluster provides. */
#include "facts/facts.h"

#include <string.h>
#include <strings.h>

const struct doks_constants doks_constants = {
	/* DOKS installs the DigitalOcean CSI driver's classes
	 * (https://github.com/digitalocean/csi-digitalocean): do-block-storage
	 * (the default, reclaimPolicy Delete) and do-block-storage-retain
	 * (reclaimPolicy Retain), both ReadWriteOnce
	 * (https://docs.digitalocean.com/products/kubernetes/how-to/add-volumes/). */
	.block_storage = "do-block-storage",
	.block_storage_retain = "do-block-storage-retain",
};

/* Managed PostgreSQL a stack on DOKS may use instead of its own server.
 * DigitalOcean: clusters answer at <name>.db.ondigitalocean.com on port
 * 25060 and enforce TLS with no client certificate, so sslmode=require (the
 * control panel's connection string, ...:25060/defaultdb?sslmode=require;
 * https://gitlab.com/gitlab-org/charts/gitlab/-/issues/2188,
 * https://docs.flitch.io/integrations/digitalocean); their admin user
 * doadmin is no superuser
 * (https://docs.digitalocean.com/products/databases/postgresql/how-to/manage-users-and-databases/).
 * Amazon RDS: port 5432; rds.force_ssl is on by default from PostgreSQL 15
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html,
 * https://docs.amazonaws.cn/AmazonRDS/latest/UserGuide/ssl-certificate-rotation-postgresql.html). */
static const struct managed_postgres managed_postgres[] = {
	{"DigitalOcean managed PostgreSQL", ".db.ondigitalocean.com", 25060, "require"},
	{"Amazon RDS for PostgreSQL", ".rds.amazonaws.com", 5432, "require"},
};

const struct managed_postgres *managed_postgres_of(const char *host)
{
	size_t len = host ? strlen(host) : 0;

	for (size_t i = 0; i < sizeof(managed_postgres) / sizeof(managed_postgres[0]); i++) {
		size_t n = strlen(managed_postgres[i].host_suffix);

		if (len > n && strcasecmp(host + len - n, managed_postgres[i].host_suffix) == 0)
			return &managed_postgres[i];
	}
	return NULL;
}
