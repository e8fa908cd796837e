/* Listing one side of migrate filestore: `find` through the side's shell,
 * its answer bounded (FS_LIST_MAX_BYTES) and every record checked, because
 * the far side may be a compromised pod: a name that leaves the directory
 * ("..", an absolute path) or holds a newline is refused, and so are numbers
 * that do not parse. Only regular files are listed; on the source, anything
 * else (a symbolic link, a FIFO, a device) is named as not copied. */
#include "migrate/fs_internal.h"

#include <stdlib.h>
#include <string.h>

bool fs_safe_path(const char *path)
{
	size_t len = strlen(path);
	const char *p;

	if (len < 3 || len > FS_PATH_MAX || strncmp(path, "./", 2) != 0 || strchr(path, '\n'))
		return false;
	for (p = path + 2;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct fs_entry *)a)->path, ((const struct fs_entry *)b)->path);
}

static const char *kind_name(char type)
{
	switch (type) {
	case 'l': return "not copied: a symbolic link; only regular files are copied";
	case 'p': return "not copied: a FIFO; only regular files are copied";
	case 'c': return "not copied: a character device; only regular files are copied";
	case 'b': return "not copied: a block device; only regular files are copied";
	case 's': return "not copied: a socket; only regular files are copied";
	default: return "not copied: not a regular file; only regular files are copied";
	}
}

static bool parse_number(const char *s, const char *end, int base, long long max, long long *out)
{
	long long v = 0;

	if (s == end)
		return false;
	for (; s < end; s++) {
		int digit = *s - '0';

		if (digit < 0 || digit >= base || v > (max - digit) / base)
			return false;
		v = v * base + digit;
	}
	*out = v;
	return true;
}

static bool list_grow(struct fs_list *l)
{
	size_t cap = l->cap ? l->cap * 2 : 1024;
	struct fs_entry *v;

	if (l->n < l->cap)
		return true;
	v = realloc(l->v, cap * sizeof(*v));
	if (!v)
		return false;
	l->v = v;
	l->cap = cap;
	return true;
}

/* One record, "TYPE SIZE MODE PATH": -1 out of memory, 0 refused or skipped, 1 listed. */
static int list_record(struct fs_list *l, char *rec, bool is_source, const struct fs_side *side, struct fs_stats *st)
{
	char *sp1 = strchr(rec, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL, *sp3 = sp2 ? strchr(sp2 + 1, ' ') : NULL;
	long long size, mode;
	struct fs_entry *e;

	if (!sp3 || sp1 != rec + 1 || !parse_number(sp1 + 1, sp2, 10, 1LL << 62, &size) ||
	    !parse_number(sp2 + 1, sp3, 8, 07777, &mode) || !fs_safe_path(sp3 + 1)) {
		fs_problem(st, side->name, rec, "refused: the listing gave a name outside the directory or a record that does not parse");
		return 0;
	}
	if (rec[0] != 'f') {
		if (is_source)
			fs_problem(st, side->name, sp3 + 1, kind_name(rec[0]));
		return 0;
	}
	if (!list_grow(l))
		return -1;
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->size = size;
	e->mode = (unsigned)mode & 0777u;  /* setuid, setgid and sticky are never copied */
	e->path = sp3 + 1;
	return 1;
}

int fs_list_side(const struct fs_side *side, bool create, bool is_source, struct fs_list *l, struct fs_stats *st,
		 struct diags *d)
{
	struct buf script = BUF_INIT;
	size_t len = 0;
	char *p, *end;
	int rc;

	memset(l, 0, sizeof(*l));
	fs_script_cd(&script, side, create);
	buf_puts(&script, "find . ! -type d -printf '%y %s %m %p\\0'\n");
	l->blob = fs_shell_run(side, &script, FS_LIST_MAX_BYTES, &len, &rc, st, d);
	buf_free(&script);
	if (!l->blob || rc != 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){side->name, 0, 0},
			 "check the path, and that the shell has find (GNU findutils), tar, xargs and sha1sum",
			 "cannot list %s (exit %d)", side->path, rc);
		return -1;
	}
	for (p = l->blob, end = l->blob + len; p < end;) {
		char *rec_end = memchr(p, '\0', (size_t)(end - p));

		if (!rec_end)
			break;
		if (list_record(l, p, is_source, side, st) < 0) {
			diag_add(d, DIAG_ERROR, &(struct srcpos){side->name, 0, 0}, NULL, "out of memory listing %s", side->path);
			return -1;
		}
		p = rec_end + 1;
	}
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), by_path);
	return 0;
}

void fs_list_free(struct fs_list *l)
{
	free(l->v);
	free(l->blob);
	memset(l, 0, sizeof(*l));
}

struct fs_entry *fs_find_entry(struct fs_list *l, const char *path)
{
	struct fs_entry key;

	memset(&key, 0, sizeof(key));
	key.path = (char *)path;
	return l->n ? bsearch(&key, l->v, l->n, sizeof(*l->v), by_path) : NULL;
}
