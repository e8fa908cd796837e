/* The builders' shared actions on a conversion's state. */
#include "convert/context.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *const out_file_names[OUT_COUNT] = {
	"namespace.yaml", "storage.yaml", "rbac.yaml", "config.yaml", "network-policies.yaml", "postgres-statefulset.yaml",
	"odoo-deployment.yaml", "keycloak-deployment.yaml", "pdb.yaml", "cluster-issuer.yaml", "ingress.yaml",
	"monitoring.yaml", "restore-job.yaml", "postgres-recovery.yaml",
};

const char *out_file_name(const struct cv *cv, enum out_file f)
{
	if (f == OUT_POSTGRES && cv->o->postgres == PG_CNPG)
		return "postgres-cluster.yaml";
	return out_file_names[f];
}

bool listed(const char *const *list, const char *name)
{
	for (const char *const *w = list; *w; w++)
		if (strcmp(*w, name) == 0)
			return true;
	return false;
}

void cv_emit(struct cv *cv, enum out_file f, struct ynode *doc)
{
	if (!cv->files[f])
		cv->files[f] = kb_seq(&cv->kb);
	kb_push(&cv->kb, cv->files[f], doc);
}

void cv_note(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char line[2048];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	buf_printf(b, "- %s\n", line);
}

const struct controller_facts *cv_controller(const struct cv *cv)
{
	return &controller_facts[cv->o->ingress == INGRESS_NGINX     ? CONTROLLER_NGINX
				 : cv->o->ingress == INGRESS_GATEWAY ? CONTROLLER_CILIUM
								     : CONTROLLER_TRAEFIK];
}
