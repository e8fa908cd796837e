/* Helpers for the harnesses (linked into each). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

static char fuzz_tmp[256];

/* The files the harnesses write, then the directory: nothing left in TMPDIR. */
static void remove_dir(void)
{
	static const char *const names[] = {"compose.yaml", "fuzz-realm.json", NULL};
	char path[512];

	for (int i = 0; names[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_tmp, names[i]);
		unlink(path);
	}
	rmdir(fuzz_tmp);
}

const char *fuzz_dir(void)
{
	if (!fuzz_tmp[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(fuzz_tmp, sizeof(fuzz_tmp), "%s/kgenius-fuzz.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
		if (!mkdtemp(fuzz_tmp))
			abort();
		atexit(remove_dir);
	}
	return fuzz_tmp;
}

void fuzz_write(const char *dir, const char *name, const uint8_t *data, size_t size)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		abort();
}
