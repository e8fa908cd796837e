/* YAML and JSON streams into value trees, with limits that hold on hostile input. */
#ifndef KG_YAML_PARSE_H
#define KG_YAML_PARSE_H

#include <stddef.h>
#include <stdio.h>

#include "util/arena.h"
#include "util/diag.h"
#include "yaml/node.h"

struct yaml_limits {
	long max_nodes;  /* per document, aliases expanded */
	int max_depth;   /* nesting of collections */
};

extern const struct yaml_limits yaml_default_limits;

/* Called once per document; index counts from 0. A non-zero return stops the
 * parse and is returned by yaml_parse_stream. */
typedef int (*yaml_doc_fn)(struct ynode *root, int index, void *user);

/* Parses data (len bytes, NUL-terminated) named file. Nodes go to arena a,
 * which the callback may free between documents. Problems are reported to d
 * with their position. Returns 0, the callback's non-zero value, or -1 after a
 * reported error. */
int yaml_parse_stream(struct arena *a, struct diags *d, const char *file,
		      const char *data, size_t len, const struct yaml_limits *lim,
		      yaml_doc_fn fn, void *user);

/* The same, reading from fp as it goes: memory holds one document at a
 * time, not the file. */
int yaml_parse_fp(struct arena *a, struct diags *d, const char *file, FILE *fp,
		  const struct yaml_limits *lim, yaml_doc_fn fn, void *user);
/* The same for a regular file named by path, which libfyaml maps. */
int yaml_parse_path(struct arena *a, struct diags *d, const char *file, const struct yaml_limits *lim,
		    yaml_doc_fn fn, void *user);

/* yaml_parse_stream for a part of a file that starts after its first
 * line_base lines: positions in nodes and problems are the file's. */
int yaml_parse_part(struct arena *a, struct diags *d, const char *file, int line_base, const char *data, size_t len,
		    const struct yaml_limits *lim, yaml_doc_fn fn, void *user);
/* Reads fp in parts cut before a document start ("---" at the start of a
 * line) and parses each on its own, so that neither this reader nor libfyaml
 * holds the stream: memory follows the largest part (YAML_PART_BYTES or one
 * document). No cut follows a directive (%YAML, %TAG), which belongs to the
 * next document. Stops at the first part with an error (src/yaml/split.c). */
#define YAML_PART_BYTES (256u * 1024)
int yaml_parse_parts(struct arena *a, struct diags *d, const char *file, FILE *fp, const struct yaml_limits *lim,
		     yaml_doc_fn fn, void *user);
/* A regular file mapped whole, which its parts are slices of: a part that
 * holds it is not copied. Holds and drops are made by one thread. */
struct yaml_mapping;
/* The cutting alone: fn gets each part with the number of lines before it;
 * a non-zero return stops the reading and is returned. A read failure is
 * reported to d (-1). A part read from a stream (m NULL) is NUL-terminated
 * and valid during the call; one of a mapped file (m) is not terminated,
 * and stays valid after the call while fn holds m. */
typedef int (*yaml_part_fn)(const char *data, size_t len, int line_base, struct yaml_mapping *m, void *user);
int yaml_split_parts(struct diags *d, const char *file, FILE *fp, yaml_part_fn fn, void *user);
/* The same for a named file, which must be a regular file: a FIFO, a device
 * or a socket is refused (reported to d, -1), not waited for. The file is
 * mapped, not read, so its parts are not copied; one that cannot be mapped
 * or says it is empty (/proc) is read as a stream. */
int yaml_split_path(struct diags *d, const char *file, yaml_part_fn fn, void *user);
void yaml_mapping_hold(struct yaml_mapping *m);
/* m's text up to done (a part's end) has been checked, and every part
 * before it: its pages go back to the system, so that memory follows the
 * parts in flight, not the file. */
void yaml_mapping_done(struct yaml_mapping *m, const char *done);
/* Drops a hold, after yaml_mapping_done(m, done) unless done is NULL. The
 * last drop unmaps the file. */
void yaml_mapping_drop(struct yaml_mapping *m, const char *done);

/* Checks that data is UTF-8 without NUL bytes; on failure reports the first
 * bad byte's position and returns -1. */
int yaml_check_text(struct diags *d, const char *file, const char *data, size_t len);

#endif
