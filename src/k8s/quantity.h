/* Kubernetes resource quantities read back from manifests. */
#ifndef KG_K8S_QUANTITY_H
#define KG_K8S_QUANTITY_H

/* CPUs: "500m" is 0.5; 0 when absent. */
double parse_cpu_quantity(const char *q);
/* Bytes: binary (Ki, Mi, Gi, Ti) and decimal (k, M, G) suffixes; 0 when
 * absent or unknown. */
long long parse_memory_quantity(const char *q);

#endif
