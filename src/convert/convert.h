/* kgenius convert: a Compose project to the manifests of a production
 * deployment on DigitalOcean Kubernetes. */
#ifndef KG_CONVERT_H
#define KG_CONVERT_H

#include "compose/project.h"
#include "convert/options.h"
#include "util/diag.h"

/* Runs the whole conversion; returns an exit status. */
int convert_run(struct compose_project *project, const struct convert_options *o, struct diags *d);

#endif
