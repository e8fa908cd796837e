/* The lint document stream: every document of the input through the schema
 * and the rules, then the cross-resource rules. And an oracle for the parser's
 * fast path: the input read from its text (scalars taken from the text where
 * their form allows) and from a stream (every scalar through libfyaml's token
 * iterator) must give the same trees; a difference aborts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lint/lint.h"
#include "yaml/parse.h"

#define MAX_DOCS 256

struct docs {
	struct arena a;
	struct diags d;
	struct ynode *roots[MAX_DOCS];
	size_t n;
	int rc;
};

static int keep(struct ynode *root, int index, void *user)
{
	struct docs *p = user;

	(void)index;
	if (p->n < MAX_DOCS)
		p->roots[p->n++] = root;
	return 0;
}

static void docs_init(struct docs *p)
{
	memset(p, 0, sizeof(*p));
	arena_init(&p->a, 64u << 20);
	diags_init(&p->d);
}

static void docs_free(struct docs *p)
{
	arena_free(&p->a);
	diags_free(&p->d);
}

static void both_readings_agree(const char *text, size_t size)
{
	struct docs from_text, from_stream;
	FILE *fp = fmemopen((void *)text, size, "rb");

	if (!fp)
		return;
	docs_init(&from_text);
	docs_init(&from_stream);
	from_text.rc = yaml_parse_stream(&from_text.a, &from_text.d, "fuzz.yaml", text, size, &yaml_default_limits,
					 keep, &from_text);
	from_stream.rc = yaml_parse_fp(&from_stream.a, &from_stream.d, "fuzz.yaml", fp, &yaml_default_limits, keep,
				       &from_stream);
	fclose(fp);
	/* a limit (the arena's, say) may stop one reading before the other */
	if (from_text.rc == 0 && from_stream.rc == 0) {
		if (from_text.n != from_stream.n)
			abort();
		for (size_t i = 0; i < from_text.n; i++)
			if (!y_identical(from_text.roots[i], from_stream.roots[i]))
				abort();
	}
	docs_free(&from_text);
	docs_free(&from_stream);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lint_run r;
	struct diags d;
	char *text;

	diags_init(&d);
	lint_init(&r, &d);
	lint_text(&r, "fuzz.yaml", (const char *)data, size);
	lint_finish(&r);
	lint_free(&r);
	diags_free(&d);
	/* yaml_parse_stream wants the text NUL-terminated and free of NULs */
	if (size > 0 && !memchr(data, '\0', size) && (text = malloc(size + 1))) {
		memcpy(text, data, size);
		text[size] = '\0';
		both_readings_agree(text, size);
		free(text);
	}
	return 0;
}
