#include "util/fsio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static enum read_status read_fd(int fd, size_t max_size, char **data, size_t *len)
{
	size_t cap = 64 * 1024, n = 0;
	char *p = malloc(cap + 1);

	if (!p)
		return READ_ERROR;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *q;

			if (cap > max_size) {
				free(p);
				return READ_TOO_LARGE;
			}
			cap *= 2;
			q = realloc(p, cap + 1);
			if (!q) {
				free(p);
				return READ_ERROR;
			}
			p = q;
		}
		r = read(fd, p + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(p);
			return READ_ERROR;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max_size) {
			free(p);
			return READ_TOO_LARGE;
		}
	}
	p[n] = '\0';
	*data = p;
	*len = n;
	return READ_OK;
}

enum read_status read_file_limited(const char *path, size_t max_size, char **data, size_t *len)
{
	enum read_status st;
	struct stat sb;
	int fd, saved;

	*data = NULL;
	*len = 0;
	memset(&sb, 0, sizeof(sb));
	if (strcmp(path, "-") == 0)
		return read_fd(STDIN_FILENO, max_size, data, len);
	/* O_NONBLOCK: opening a FIFO without a writer would block forever */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? READ_NOT_FOUND : READ_ERROR;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		saved = S_ISDIR(sb.st_mode) ? EISDIR : errno;
		close(fd);
		errno = saved;
		return S_ISDIR(sb.st_mode) ? READ_ERROR : READ_NOT_REGULAR;
	}
	if ((unsigned long long)sb.st_size > max_size) {
		close(fd);
		return READ_TOO_LARGE;
	}
	st = read_fd(fd, max_size, data, len);
	saved = errno;
	close(fd);
	errno = saved;
	return st;
}

/* Where the symbolic link path points (relative targets against the link's
 * directory); malloc'd. */
static char *link_target(const char *path)
{
	char buf[PATH_MAX], *dir, *joined;
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	if (buf[0] == '/' || !(dir = path_dirname(path)))
		return strdup(buf);
	joined = path_join(dir, buf);
	free(dir);
	return joined;
}

/* path with its symbolic links followed to what is not a link (which may not
 * exist yet): a link given as output stays a link. malloc'd. */
static char *output_path(const char *path)
{
	char *p = strdup(path);
	struct stat sb;

	for (int links = 0; p && lstat(p, &sb) == 0 && S_ISLNK(sb.st_mode); links++) {
		char *next = links < 40 ? link_target(p) : NULL;

		if (links >= 40)
			errno = ELOOP;
		free(p);
		p = next;
	}
	return p;
}

int atomic_begin(struct atomic_file *af, const char *path, mode_t mode)
{
	struct stat sb;
	int fd = -1;

	memset(af, 0, sizeof(*af));
	/* what the path finally names, links followed: /dev/stdout is a link to
	 * /proc/self/fd/1, whose target ("pipe:[...]") is no path */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode))
		af->path = strdup(path);
	else
		af->path = output_path(path);
	if (!af->path)
		return -1;
	if (stat(af->path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		/* -o /dev/null, -o /dev/stdout, a FIFO: written through, never
		 * replaced by a regular file (as root, a rename over /dev/null
		 * would replace the system's) */
		if (S_ISDIR(sb.st_mode))
			errno = EISDIR;
		else
			af->fp = fopen(af->path, "w");
		af->through = true;
	} else if ((af->tmp = malloc(strlen(af->path) + 16)) != NULL) {
		snprintf(af->tmp, strlen(af->path) + 16, "%s.tmp.XXXXXX", af->path);
		fd = mkstemp(af->tmp);
		if (fd >= 0 && (fchmod(fd, mode) != 0 || !(af->fp = fdopen(fd, "w")))) {
			int saved = errno;

			close(fd);
			unlink(af->tmp);
			errno = saved;
		}
		if (!af->fp) {
			free(af->tmp);
			af->tmp = NULL;
		}
	}
	if (!af->fp) {
		int saved = errno;

		free(af->path);
		af->path = NULL;
		errno = saved;
		return -1;
	}
	return 0;
}

static void atomic_clear(struct atomic_file *af)
{
	if (af->tmp)
		unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	memset(af, 0, sizeof(*af));
}

int atomic_commit(struct atomic_file *af)
{
	int rc = 0, saved = 0;

	if (fflush(af->fp) != 0 || (!af->through && fsync(fileno(af->fp)) != 0))
		rc = -1, saved = errno;
	if (fclose(af->fp) != 0 && rc == 0)
		rc = -1, saved = errno;
	af->fp = NULL;
	if (rc == 0 && !af->through && rename(af->tmp, af->path) != 0)
		rc = -1, saved = errno;
	else if (rc == 0 && !af->through) {
		free(af->tmp);
		af->tmp = NULL;
	}
	atomic_clear(af);
	errno = saved;
	return rc;
}

void atomic_abort(struct atomic_file *af)
{
	int saved = errno;

	if (af->fp)
		fclose(af->fp);
	af->fp = NULL;
	atomic_clear(af);
	errno = saved;
}

int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode)
{
	struct atomic_file af;

	if (atomic_begin(&af, path, mode) != 0)
		return -1;
	if (len && fwrite(data, 1, len, af.fp) != len) {
		atomic_abort(&af);
		return -1;
	}
	return atomic_commit(&af);
}

int make_dirs(const char *path, mode_t mode)
{
	char *p = strdup(path);
	size_t i, n;

	if (!p)
		return -1;
	n = strlen(p);
	for (i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST) {
			int saved = errno;
			free(p);
			errno = saved;
			return -1;
		}
		if (i < n)
			p[i] = '/';
	}
	free(p);
	return is_directory(path) ? 0 : -1;
}

bool file_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

bool is_directory(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

char *path_join(const char *dir, const char *rel)
{
	size_t dl, rl;
	char *p;

	if (rel[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0)
		return strdup(rel);
	dl = strlen(dir);
	rl = strlen(rel);
	p = malloc(dl + rl + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (dl && dir[dl - 1] != '/')
		p[dl++] = '/';
	memcpy(p + dl, rel, rl + 1);
	return p;
}

char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* Lexical clean-up of an absolute path: "//", "/./" and "/x/../" go. */
static void clean_path(char *p)
{
	char *out = p, *in = p;

	while (*in) {
		while (*in == '/')
			in++;
		if (!*in)
			break;
		if (in[0] == '.' && (in[1] == '/' || !in[1])) {
			in++;
			continue;
		}
		if (in[0] == '.' && in[1] == '.' && (in[2] == '/' || !in[2])) {
			in += 2;
			while (out > p && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		while (*in && *in != '/')
			*out++ = *in++;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

char *path_absolute(const char *path)
{
	char cwd[PATH_MAX];
	char *p;

	if (path[0] == '/') {
		p = strdup(path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return NULL;
		p = path_join(cwd, path);
	}
	if (p)
		clean_path(p);
	return p;
}
