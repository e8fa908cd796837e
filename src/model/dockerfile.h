/* The base image of a service built from a Dockerfile in the project. */
#ifndef KG_MODEL_DOCKERFILE_H
#define KG_MODEL_DOCKERFILE_H

#include "util/arena.h"
#include "yaml/node.h"

/* The image the Dockerfile of build (the canonical Compose build: mapping)
 * starts FROM: the first stage whose image kgenius knows, else the last
 * stage's. ARG defaults and the build's args are substituted. *why gets the
 * reason when there is none (missing file, remote context, unresolved
 * variable). The strings live in a. */
const char *dockerfile_base(struct arena *a, const struct ynode *build, const char **why);

#endif
