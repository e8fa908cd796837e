/* The defaults of kgenius convert. */
#include "convert/options.h"

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
}
