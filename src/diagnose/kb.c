/* The knowledge base: one entry per kind of failure, as data. Each has the
 * signatures that recognise it in what kubectl and the containers print, the
 * cause, the fix and what to collect when the evidence is thin. Each entry
 * has a positive and a negative fixture under tests/data/diagnose/kb/.
 *
 * Confidence is that of the signature alone: an exact server message is
 * 90-95, a message several causes share 70-80, a status that only says that
 * something fails 25-45. A signature with `requires` counts only when that
 * other entry, or one of the more precise entries it yields to, is seen as
 * well (an initdb banner means nothing in a healthy start, much in a restart
 * loop). Signatures are tried in order and the first that matches a line
 * takes it, so those that capture a subject come first. */
#include "diagnose/diagnose.h"

#include <string.h>

const struct dx_entry dx_kb[] = {
#include "diagnose/kb_postgres.inc"
#include "diagnose/kb_pg_network.inc"
#include "diagnose/kb_pg_datadir.inc"
#include "diagnose/kb_pg_runtime.inc"
#include "diagnose/kb_pg_server.inc"
#include "diagnose/kb_pods.inc"
#include "diagnose/kb_runtime.inc"
#include "diagnose/kb_admission.inc"
#include "diagnose/kb_cluster.inc"
#include "diagnose/kb_ingress.inc"
#include "diagnose/kb_apps.inc"
#include "diagnose/kb_apps_runtime.inc"
#include "diagnose/kb_edge.inc"
#include "diagnose/kb_edge_sessions.inc"
#include "diagnose/kb_keycloak.inc"
#include "diagnose/kb_keycloak_more.inc"
#include "diagnose/kb_odoo.inc"
#include "diagnose/kb_pg_clients.inc"
#include "diagnose/kb_k8s_more.inc"
#include "diagnose/kb_edge_more.inc"
#include "diagnose/kb_pg_more.inc"
#include "diagnose/kb_cluster_wide.inc"
#include "diagnose/kb_pg_wide.inc"
#include "diagnose/kb_app_wide.inc"
#include "diagnose/kb_cluster_tail.inc"
#include "diagnose/kb_app_tail.inc"
#include "diagnose/kb_edge_tail.inc"
#include "diagnose/kb_pg_tail.inc"
#include "diagnose/kb_versions.inc"
#include "diagnose/kb_known_more.inc"
#include "diagnose/kb_families.inc"
#include "diagnose/kb_unrecognised.inc"
	{NULL, NULL, DX_CAUSE, NULL, {{NULL, NULL, 0, 0, NULL, NULL, NULL}}, NULL, NULL, NULL, {NULL}, {NULL}},
};

const char *dx_level_name(enum dx_level level)
{
	switch (level) {
	case DX_CAUSE: return "cause";
	case DX_SYMPTOM: return "symptom";
	case DX_FACT: return "fact";
	case DX_UNRECOGNISED: return "unrecognised";
	}
	return "cause";
}

size_t dx_kb_count(void)
{
	size_t n = 0;

	while (dx_kb[n].id)
		n++;
	return n;
}

const struct dx_entry *dx_kb_find(const char *id)
{
	for (const struct dx_entry *e = dx_kb; e->id; e++)
		if (strcmp(e->id, id) == 0)
			return e;
	return NULL;
}
