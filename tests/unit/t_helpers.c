#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "t.h"
#include "util/fsio.h"

void t_write(const char *dir, const char *name, const char *content)
{
	char *path = path_join(dir, name);
	char *parent = path ? path_dirname(path) : NULL;

	if (!path || !parent || make_dirs(parent, 0700) != 0 ||
	    write_file_atomic(path, content, strlen(content), 0600) != 0) {
		perror(name);
		exit(3);
	}
	free(parent);
	free(path);
}

void t_load_opts(struct t_project *tp, struct compose_options *o, const char *const *env)
{
	static const char *const empty[] = {NULL};

	o->environ_ = (char **)(env ? env : empty);
	diags_init(&tp->d);
	tp->rc = compose_load(&tp->p, o, &tp->d);
	if (getenv("KG_TEST_DIAGS"))
		cli_report(&(struct cli){.verbosity = 1}, &tp->d);
}

void t_load(struct t_project *tp, const char *dir, const char *const *files, const char *const *env)
{
	struct compose_options o;
	size_t n = 0;

	while (files && files[n])
		n++;
	memset(&o, 0, sizeof(o));
	o.project_directory = dir;
	o.files = files;
	o.nfiles = n;
	t_load_opts(tp, &o, env);
}

void t_unload(struct t_project *tp)
{
	compose_free(&tp->p);
	diags_free(&tp->d);
}

void t_load_text(struct t_project *tp, const char *yaml, const char *const *env)
{
	const char *dir = t_tmpdir();

	t_write(dir, "compose.yaml", yaml);
	t_load(tp, dir, NULL, env);
}

const struct ynode *t_at(const struct ynode *n, const char *path)
{
	char key[256];
	const char *p = path;

	while (n && *p) {
		size_t len;

		if (*p == '.')
			p++;
		if (*p == '[') {
			char *end;
			unsigned long i = strtoul(p + 1, &end, 10);
			if (n->kind != Y_SEQ || i >= n->n || *end != ']')
				return NULL;
			n = n->items[i];
			p = end + 1;
			continue;
		}
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close)
				return NULL;
			len = (size_t)(close - p - 1);
			memcpy(key, p + 1, len);
			key[len] = '\0';
			p = close + 1;
		} else {
			len = strcspn(p, ".[");
			if (len >= sizeof(key))
				return NULL;
			memcpy(key, p, len);
			key[len] = '\0';
			p += len;
		}
		n = y_get(n, key);
	}
	return n;
}

const char *t_text(const struct ynode *root, const char *path)
{
	const struct ynode *n = t_at(root, path);
	return n ? y_text(n) : NULL;
}

bool t_diag_has(const struct diags *d, enum diag_level level, const char *needle, int line)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].level == level && strstr(d->v[i].msg, needle) && (line <= 0 || d->v[i].line == line))
			return true;
	return false;
}
