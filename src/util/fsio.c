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
	if (strcmp(path, "-") == 0)
		return read_fd(STDIN_FILENO, max_size, data, len);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? READ_NOT_FOUND : READ_ERROR;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (unsigned long long)sb.st_size > max_size) {
		close(fd);
		return READ_TOO_LARGE;
	}
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		close(fd);
		errno = EISDIR;
		return READ_ERROR;
	}
	st = read_fd(fd, max_size, data, len);
	saved = errno;
	close(fd);
	errno = saved;
	return st;
}

int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	int fd, saved;
	size_t off = 0;

	if (!tmp)
		return -1;
	snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail_free;
	if (fchmod(fd, mode) != 0)
		goto fail_close;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail_close;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail_close;
	if (close(fd) != 0)
		goto fail_unlink;
	if (rename(tmp, path) != 0)
		goto fail_unlink;
	free(tmp);
	return 0;
fail_close:
	saved = errno;
	close(fd);
	errno = saved;
fail_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
fail_free:
	saved = errno;
	free(tmp);
	errno = saved;
	return -1;
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
