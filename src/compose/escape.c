/* The printed model must survive being read by Compose again, which
 * interpolates: literal dollar signs are written "$$". */
#include <string.h>

#include "compose/project.h"

static int escape_one(struct arena *a, struct ynode *n)
{
	size_t extra = 0;
	char *out, *o;

	for (const char *p = n->text; *p; p++)
		extra += *p == '$';
	if (!extra)
		return 0;
	out = arena_alloc(a, n->len + extra + 1);
	if (!out)
		return -1;
	o = out;
	for (const char *p = n->text; *p; p++) {
		*o++ = *p;
		if (*p == '$')
			*o++ = '$';
	}
	*o = '\0';
	n->text = out;
	n->len += extra;
	return 0;
}

int compose_escape_dollars(struct arena *a, struct ynode *n)
{
	if (n->kind == Y_STR)
		return escape_one(a, n);
	for (size_t i = 0; i < n->n; i++)
		if (compose_escape_dollars(a, n->kind == Y_SEQ ? n->items[i] : n->pairs[i].val))
			return -1;
	return 0;
}
