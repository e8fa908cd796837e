#include "util/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diags_init(struct diags *d)
{
	memset(d, 0, sizeof(*d));
}

void diags_free(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
		free(d->v[i].fix);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *s;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static void count(struct diags *d, enum diag_level level)
{
	if (level == DIAG_ERROR)
		d->errors++;
	else if (level == DIAG_WARNING)
		d->warnings++;
}

void diag_add(struct diags *d, enum diag_level level, const struct srcpos *pos,
	      const char *fix, const char *fmt, ...)
{
	struct diag *dg;
	va_list ap;

	count(d, level);
	if (d->n >= DIAGS_MAX) {
		d->dropped++;
		return;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct diag *v = realloc(d->v, cap * sizeof(*v));
		if (!v) {
			d->dropped++;
			return;
		}
		d->v = v;
		d->cap = cap;
	}
	dg = &d->v[d->n];
	memset(dg, 0, sizeof(*dg));
	dg->level = level;
	if (pos) {
		dg->file = pos->file ? strdup(pos->file) : NULL;
		dg->line = pos->line;
		dg->col = pos->col;
	}
	va_start(ap, fmt);
	dg->msg = vformat(fmt, ap);
	va_end(ap);
	dg->fix = fix ? strdup(fix) : NULL;
	if (!dg->msg) {
		free(dg->file);
		free(dg->fix);
		d->dropped++;
		return;
	}
	d->n++;
}

static const char *level_name(enum diag_level level)
{
	switch (level) {
	case DIAG_ERROR: return "error";
	case DIAG_WARNING: return "warning";
	default: return "note";
	}
}

static const char *level_color(enum diag_level level)
{
	switch (level) {
	case DIAG_ERROR: return "\033[1;31m";
	case DIAG_WARNING: return "\033[1;35m";
	default: return "\033[1;36m";
	}
}

void diag_print_one(FILE *out, const struct diag *dg, bool color)
{
	if (dg->file) {
		if (color)
			fputs("\033[1m", out);
		if (dg->line > 0)
			fprintf(out, "%s:%d:%d: ", dg->file, dg->line, dg->col > 0 ? dg->col : 1);
		else
			fprintf(out, "%s: ", dg->file);
		if (color)
			fputs("\033[0m", out);
	}
	if (color)
		fprintf(out, "%s%s:\033[0m %s", level_color(dg->level), level_name(dg->level), dg->msg);
	else
		fprintf(out, "%s: %s", level_name(dg->level), dg->msg);
	if (dg->fix)
		fprintf(out, "; %s", dg->fix);
	fputc('\n', out);
}

void diags_merge(struct diags *to, const struct diags *from)
{
	for (size_t i = 0; i < from->n; i++) {
		const struct diag *g = &from->v[i];

		diag_add(to, g->level, &(struct srcpos){g->file, g->line, g->col}, g->fix, "%s", g->msg);
	}
	to->dropped += from->dropped;
}
