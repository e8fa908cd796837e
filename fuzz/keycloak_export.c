/* The Keycloak export reader: the input is a realm file of an export
 * directory, counted and checked (no database). */
#include <string.h>

#include "fuzz.h"
#include "migrate/keycloak.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kc_report rep;
	struct kc_opts o;
	struct buf out = BUF_INIT;
	struct diags d;
	const char *dir = fuzz_dir();

	fuzz_write(dir, "fuzz-realm.json", data, size);
	memset(&o, 0, sizeof(o));
	o.dir = dir;
	diags_init(&d);
	kc_check(&o, &rep, &out, false, &d);
	buf_free(&out);
	diags_free(&d);
	return 0;
}
