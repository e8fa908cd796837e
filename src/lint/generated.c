/* Lint before writing: what kgenius generates (convert's manifests, the
 * Keycloak import Job) passes the same rules as `kgenius lint` before a
 * byte of it is written. */
#include <stdio.h>
#include <string.h>

#include "lint/flows.h"
#include "lint/lint.h"

/* Whether findings in the file named name are the caller's to report. */
static bool reported(const struct lint_text *texts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (name && strcmp(texts[i].name, name) == 0)
			return !texts[i].context_only;
	return false;
}

struct error_sink {
	struct diags *d;
	const char *fix;
	const struct lint_text *texts;
	size_t ntexts;
	size_t errors;
};

static void report_error(const struct finding *x, void *user)
{
	struct error_sink *to = user;
	struct srcpos pos = {x->file, x->line, x->col};

	if (x->severity != SEV_ERROR || !reported(to->texts, to->ntexts, x->file))
		return;
	to->errors++;
	diag_add(to->d, DIAG_ERROR, &pos, to->fix, "the generated manifests fail lint rule %s: %s (%s)", x->rule->id,
		 x->message, x->object);
}

size_t lint_generated(const struct lint_text *texts, size_t n, const struct lint_generated_opts *opts,
		      struct diags *d)
{
	struct lint_run r;
	struct diags input;
	char fix[128];
	struct error_sink to = {d, fix, texts, n, 0};

	snprintf(fix, sizeof(fix), "please report this: %s should never produce it", opts->producer);
	diags_init(&input);
	lint_init(&r, &input);
	r.controller = opts->controller;
	r.controller_ns = opts->controller_ns;
	r.prometheus_ns = opts->prometheus_ns;
	r.want_flows = opts->flows_line != NULL;
	for (size_t i = 0; i < n; i++)
		if (texts[i].len)
			lint_text(&r, texts[i].name, texts[i].data, texts[i].len);
	lint_finish(&r);
	findings_each(&r.findings, report_error, &to);
	if (!to.errors && opts->flows_line)
		flows_one_line(&r, opts->flows_line);
	lint_free(&r);
	diags_free(&input);
	return to.errors;
}
