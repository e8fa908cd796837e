/* dotenv files and ${...} interpolation: the input is parsed as a .env file,
 * then interpolated as a string against the variables it defined. */
#include <stdlib.h>
#include <string.h>

#include "compose/env.h"
#include "fuzz.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct diags d;
	struct envmap vars, warned;
	struct srcpos pos = {"fuzz", 1, 1};
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&vars, 0, sizeof(vars));
	memset(&warned, 0, sizeof(warned));
	arena_init(&a, 64u << 20);
	diags_init(&d);
	if (strlen(text) == size) {
		dotenv_parse(&a, &d, "fuzz.env", text, NULL, &vars);
		interpolate(&a, &d, text, &pos, &vars, &warned);
	}
	diags_free(&d);
	arena_free(&a);
	free(text);
	return 0;
}
