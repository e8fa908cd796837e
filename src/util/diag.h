/* Diagnostics for people: "file:line:col: level: what is wrong; how to fix it".
 *
 * Every stage reports into a `struct diags` instead of printing, so the CLI
 * decides how to show them (colour, quiet, JSON) and which exit status follows. */
#ifndef KG_DIAG_H
#define KG_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit statuses, documented in the README and `kgenius help`. */
enum kg_exit {
	KG_EXIT_OK = 0,
	KG_EXIT_FINDINGS = 1,
	KG_EXIT_BAD_INPUT = 2,
	KG_EXIT_ENV = 3,
};

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

/* 1-based line and column; line 0 means "the whole file". */
struct srcpos {
	const char *file;
	int line;
	int col;
};

struct diag {
	enum diag_level level;
	char *file;
	int line;
	int col;
	char *msg;
	char *fix;   /* may be NULL */
};

struct diags {
	struct diag *v;
	size_t n, cap;
	size_t errors, warnings;
	size_t dropped;  /* kept beyond DIAGS_MAX are only counted */
};

#define DIAGS_MAX 1000

void diags_init(struct diags *d);
void diags_free(struct diags *d);

/* `fix` says how to repair it; NULL when the message already does. */
void diag_add(struct diags *d, enum diag_level level, const struct srcpos *pos,
	      const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Adds every diagnostic of from (a worker's, a sub-run's) to to, with its
 * position and fix; what from dropped is counted as dropped in to. */
void diags_merge(struct diags *to, const struct diags *from);

void diag_print_one(FILE *out, const struct diag *dg, bool color);

#endif
