/* The defaults of kgenius convert. */
#include "convert/options.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "facts/facts.h"

void convert_defaults(struct convert_options *o)
{
	memset(o, 0, sizeof(*o));
	o->out_dir = "kubernetes";
	/* Retain: deleting a claim, or the app, leaves the volume and its data. */
	o->storage_class = doks_constants.block_storage_retain;
	o->rwx_storage_class = "nfs-csi";
	o->db_size = "20Gi";
	o->filestore_size = "50Gi";
	o->odoo_replicas = 2;
	o->odoo_max_replicas = 6;
	o->keycloak_replicas = 2;
	o->pg_max_connections = 0;
	/* 0: Compose's deploy limits, else 2 CPU / 4Gi (convert_run settles it). */
	o->odoo_cpu = 0;
	o->odoo_memory = 0;
	o->ingress = INGRESS_TRAEFIK;
	o->secrets = SECRETS_GENERATE;
	o->backup_endpoint = "https://nyc3.digitaloceanspaces.com";
	o->backup_retention_days = 14;
	o->autoscaling = AUTOSCALE_HPA;
	o->keda_namespace = "keda";
	o->postgres = PG_STATEFULSET;
	o->pg_instances = 3;
	o->cnpg_namespace = "cnpg-system";
	o->gateway_class = "cilium";
	o->monitoring = MONITORING_PROMETHEUS;
	o->monitoring_namespace = monitoring_constants.stack_namespace;
	o->monitoring_release = monitoring_constants.stack_release;
}

/* RFC 1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters;
 * Kubernetes namespaces are such labels. */
static bool dns_label(const char *s, size_t n)
{
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
			return false;
	return true;
}

/* Host names (erp.<domain>): dot-separated labels, at most 253 characters. */
static bool dns_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253)
		return false;
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, ".");

		if (!dns_label(p, len))
			return false;
		p += len;
		if (*p == '.' && !*++p)
			return false;
	}
	return true;
}

const char *convert_options_problem(const struct convert_options *o, char *buf, size_t cap)
{
	if (o->domain && !dns_name(o->domain))
		snprintf(buf, cap, "--domain takes a DNS name in lower case (example.com), not '%s'", o->domain);
	else if (o->ns && !dns_label(o->ns, strlen(o->ns)))
		snprintf(buf, cap, "--namespace takes a DNS label (lower case letters, digits and '-', at most 63), not '%s'",
			 o->ns);
	else
		return NULL;
	return buf;
}
