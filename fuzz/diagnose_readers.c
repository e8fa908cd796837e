/* The diagnose readers: tables, events, describe, logs, kubectl JSON/YAML,
 * then matching and ranking. */
#include <stdio.h>

#include "diagnose/diagnose.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dx_run run;
	struct diags d;
	FILE *fp;

	if (size == 0)
		return 0;
	fp = fmemopen((void *)data, size, "r");
	if (!fp)
		return 0;
	diags_init(&d);
	if (dx_init(&run, &d) == 0) {
		dx_read_stream(&run, "fuzz", fp);
		dx_finish(&run);
		dx_free(&run);
	}
	fclose(fp);
	diags_free(&d);
	return 0;
}
