/* The tree builder's state, shared by parse.c (the builder) and stream.c
 * (the parser that feeds it). Not used outside src/yaml/. */
#ifndef KG_YAML_BUILDER_H
#define KG_YAML_BUILDER_H

#include <libfyaml.h>
#include <stdbool.h>

#include "yaml/parse.h"

struct frame {
	struct ynode *node;
	const char *key;          /* mapping: key waiting for its value */
	struct srcpos kpos;
	bool is_merge_key;        /* the pending key is `<<` */
	struct ynode **merges;    /* mapping: sources of `<<`, in order */
	size_t nmerges, capmerges;
	char *anchor;             /* collection's anchor, completed at its end */
};

struct anchor {
	char *name;
	struct ynode *node;       /* NULL while the anchored collection is still open */
};

struct builder {
	struct arena *a;
	struct diags *d;
	const char *file;
	const struct yaml_limits *lim;
	struct frame *stack;
	int depth, cap;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	long budget;
	bool expanded;            /* an alias or a merge key was copied into the document */
	struct ynode *root;
	bool failed;
	int line_base;            /* lines before the parsed text in its file */
	/* The text libfyaml parses, when it is one string (NULL for a stream):
	 * a scalar written as it reads is taken from it directly. */
	const char *input;
	size_t input_len;
};

/* A scalar token's text (scalar.c); *built is set when it was allocated
 * for it (the caller frees it). NULL when out of memory. */
const char *scalar_token_text(const struct builder *b, struct fy_token *t, enum fy_scalar_style style, size_t *len,
			      char **built);
/* Reports what (once per document) and stops the build. */
void builder_fail(struct builder *b, const struct srcpos *pos, const char *fix, const char *what);
/* One libfyaml event into the tree; *rc is the document callback's result. */
void builder_event(struct builder *b, struct fy_event *fye, int *index, int *rc, yaml_doc_fn fn, void *user);
/* Drops the open collections and anchors: a new document starts. */
void builder_reset_doc(struct builder *b);

#endif
