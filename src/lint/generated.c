/* Lint before writing: what kgenius generates (convert's manifests, the
 * Keycloak import Job) passes the same rules as `kgenius lint` before a
 * byte of it is written. */
#include <stdio.h>

#include "lint/lint.h"

struct error_sink {
	struct diags *d;
	const char *fix;
	size_t errors;
};

static void report_error(const struct finding *x, void *user)
{
	struct error_sink *to = user;
	struct srcpos pos = {x->file, x->line, x->col};

	if (x->severity != SEV_ERROR)
		return;
	to->errors++;
	diag_add(to->d, DIAG_ERROR, &pos, to->fix, "the generated manifests fail lint rule %s: %s (%s)", x->rule->id,
		 x->message, x->object);
}

size_t lint_generated(const struct lint_text *texts, size_t n, const char *producer, struct diags *d)
{
	struct lint_run r;
	struct diags input;
	char fix[128];
	struct error_sink to = {d, fix, 0};

	snprintf(fix, sizeof(fix), "please report this: %s should never produce it", producer);
	diags_init(&input);
	lint_init(&r, &input);
	for (size_t i = 0; i < n; i++)
		if (texts[i].len)
			lint_text(&r, texts[i].name, texts[i].data, texts[i].len);
	lint_finish(&r);
	findings_each(&r.findings, report_error, &to);
	lint_free(&r);
	diags_free(&input);
	return to.errors;
}
