/* NOTES.md, written by the driver after the manifests (src/convert/notes.c). */
#ifndef KG_CONVERT_NOTES_H
#define KG_CONVERT_NOTES_H

#include "convert/context.h"
#include "util/buf.h"
#include "util/diag.h"

/* Appends NOTES.md to b: the builders' notes, the warnings of d with their
 * paths relative to workdir. */
void write_notes(struct cv *cv, struct buf *b, const struct diags *d, const char *workdir);

#endif
