/* The Compose loader: the input is compose.yaml in a project directory
 * (parse, interpolate, normalise, extends, merge, resolve). */
#include <string.h>

#include "compose/project.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const env[] = {"HOME=/nonexistent", "TAG=17.0", NULL};
	struct compose_project p;
	struct compose_options o;
	struct diags d;
	const char *dir = fuzz_dir();

	fuzz_write(dir, "compose.yaml", data, size);
	memset(&o, 0, sizeof(o));
	o.project_directory = dir;
	o.environ_ = (char **)env;
	diags_init(&d);
	compose_load(&p, &o, &d);
	compose_free(&p);
	diags_free(&d);
	return 0;
}
