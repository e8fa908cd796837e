/* Docker secrets behind *_FILE variables (secret_files.c). */
#ifndef KG_MODEL_SECRET_FILES_H
#define KG_MODEL_SECRET_FILES_H

#include "model/service.h"
#include "util/diag.h"

/* For each NAME_FILE variable of s that points at a file secret the
 * service mounts, adds NAME with the file's content (from_file) unless NAME
 * is set, and marks NAME_FILE resolved_file. model is the canonical Compose
 * model, def the service's definition in it. Returns 0, or -1 on OOM. */
int service_resolve_secret_files(struct arena *a, struct diags *d, const struct ynode *model, const struct ynode *def,
				 struct service *s);

#endif
