/* The lint document stream: every document of the input through the schema
 * and the rules, then the cross-resource rules. */
#include "fuzz.h"
#include "lint/lint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lint_run r;
	struct diags d;

	diags_init(&d);
	lint_init(&r, &d);
	lint_text(&r, "fuzz.yaml", (const char *)data, size);
	lint_finish(&r);
	lint_free(&r);
	diags_free(&d);
	return 0;
}
