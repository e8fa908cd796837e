/* Value trees out as YAML or JSON, through libfyaml's emitter.
 *
 * Scalar styles are chosen here, not left to the emitter: a string that a
 * YAML 1.1 or 1.2 reader would take for a number, a boolean or null ("8069",
 * "yes", "22:22", "0755") is always quoted, so what we write reads back as
 * what we meant whatever tool reads it. */
#ifndef KG_YAML_EMIT_H
#define KG_YAML_EMIT_H

#include <stdbool.h>

#include "util/buf.h"
#include "yaml/node.h"

enum yaml_format { FMT_YAML, FMT_JSON };

/* Appends one document to out. Returns 0, or -1 when the emitter or an
 * allocation failed. */
int yaml_emit(struct buf *out, const struct ynode *root, enum yaml_format fmt);

/* True when s can be written as a plain YAML scalar and still read back as
 * this same string under YAML 1.1 and 1.2. */
bool yaml_plain_safe(const char *s, size_t len);

#endif
