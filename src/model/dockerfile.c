/* FROM lines of a Dockerfile: what an image built by the project is based
 * on, so that `build: .` with `FROM odoo:17.0` is an Odoo service.
 * Syntax: https://docs.docker.com/reference/dockerfile/#from ("ARG is the
 * only instruction that may precede FROM"; FROM [--platform=...] image
 * [AS name]) and #understand-how-arg-and-from-interact. */
#include "model/dockerfile.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "facts/image.h"
#include "util/fsio.h"

#define MAX_DOCKERFILE (1u << 20)
#define MAX_ARGS 32

struct build_args {
	const char *name[MAX_ARGS];
	const char *value[MAX_ARGS];
	size_t n;
};

static const char *arg_value(const struct build_args *args, const char *name, size_t len)
{
	for (size_t i = args->n; i-- > 0;)
		if (strlen(args->name[i]) == len && strncmp(args->name[i], name, len) == 0)
			return args->value[i];
	return NULL;
}

static void arg_set(struct build_args *args, const char *name, const char *value)
{
	if (args->n < MAX_ARGS && name && value) {
		args->name[args->n] = name;
		args->value[args->n++] = value;
	}
}

/* $NAME and ${NAME} from args; NULL when one is unset. */
static const char *substitute(struct arena *a, const char *word, size_t len, const struct build_args *args)
{
	char *out = arena_alloc(a, 1024);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len && o < 1000;) {
		if (word[i] != '$') {
			out[o++] = word[i++];
			continue;
		}
		bool braced = i + 1 < len && word[i + 1] == '{';
		size_t start = i + 1 + braced, end = start;
		const char *v;

		while (end < len && (isalnum((unsigned char)word[end]) || word[end] == '_'))
			end++;
		v = arg_value(args, word + start, end - start);
		if (!v || !v[0])
			return NULL;
		if (strlen(v) + o >= 1000)
			return NULL;
		memcpy(out + o, v, strlen(v));
		o += strlen(v);
		i = end + (braced && end < len && word[end] == '}');
	}
	out[o] = '\0';
	return out;
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* One FROM line (after the keyword): the image, options skipped. */
static const char *from_image(struct arena *a, const char *p, const struct build_args *args)
{
	size_t len;

	p = skip_space(p);
	while (strncmp(p, "--", 2) == 0) {
		p += strcspn(p, " \t\r\n");
		p = skip_space(p);
	}
	len = strcspn(p, " \t\r\n");
	return len ? substitute(a, p, len, args) : NULL;
}

static const char *scan(struct arena *a, const char *text, struct build_args *args, const char **why)
{
	const char *chosen = NULL, *last = NULL;
	bool unresolved = false;

	for (const char *line = text; line && *line;) {
		const char *next = strchr(line, '\n');
		const char *p = skip_space(line);

		if (strncasecmp(p, "ARG", 3) == 0 && (p[3] == ' ' || p[3] == '\t') && !last) {
			const char *name = skip_space(p + 3);
			size_t nlen = strcspn(name, "= \t\r\n");
			const char *eq = name[nlen] == '=' ? name + nlen + 1 : NULL;
			const char *given = arg_value(args, name, nlen);

			/* A build arg given in Compose overrides the default. */
			if (!given && eq)
				arg_set(args, arena_strndup(a, name, nlen), arena_strndup(a, eq, strcspn(eq, " \t\r\n")));
		} else if (strncasecmp(p, "FROM", 4) == 0 && (p[4] == ' ' || p[4] == '\t')) {
			const char *img = from_image(a, p + 4, args);
			struct image parsed;

			if (!img) {
				unresolved = true;
			} else {
				last = img;
				if (!chosen && image_ref_role(img, &parsed, a) != ROLE_OTHER)
					chosen = img;
			}
		}
		line = next ? next + 1 : NULL;
	}
	if (!chosen && !last)
		*why = unresolved ? "its FROM uses a build argument without a value" : "it has no FROM line";
	return chosen ? chosen : last;
}

const char *dockerfile_base(struct arena *a, const struct ynode *build, const char **why)
{
	const char *context = y_text(y_get(build, "context"));
	const char *file = y_text(y_get(build, "dockerfile"));
	const struct ynode *given = y_get(build, "args");
	struct build_args args = {.n = 0};
	char *path, *data = NULL;
	size_t len = 0;
	const char *base;

	*why = NULL;
	if (y_get(build, "dockerfile_inline") || !context || !file || strstr(context, "://")) {
		*why = "its Dockerfile is not a file of the project";
		return NULL;
	}
	for (size_t i = 0; given && given->kind == Y_MAP && i < given->n; i++)
		arg_set(&args, given->pairs[i].key, y_text(given->pairs[i].val));
	path = file[0] == '/' ? strdup(file) : path_join(context, file);
	if (!path || read_file_limited(path, MAX_DOCKERFILE, &data, &len) != READ_OK) {
		*why = arena_printf(a, "its Dockerfile %s cannot be read", path ? path : file);
		free(path);
		free(data);
		return NULL;
	}
	free(path);
	base = scan(a, data, &args, why);
	free(data);
	return base;
}
