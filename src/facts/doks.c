/* DigitalOcean Kubernetes (DOKS): what a new cluster provides. */
#include "facts/facts.h"

const struct doks_constants doks_constants = {
	/* DOKS installs the DigitalOcean CSI driver's classes
	 * (https://github.com/digitalocean/csi-digitalocean): do-block-storage
	 * (the default, reclaimPolicy Delete) and do-block-storage-retain
	 * (reclaimPolicy Retain), both ReadWriteOnce
	 * (https://docs.digitalocean.com/products/kubernetes/how-to/add-volumes/). */
	.block_storage = "do-block-storage",
	.block_storage_retain = "do-block-storage-retain",
};
