/* File input and atomic output. */
#ifndef KG_FSIO_H
#define KG_FSIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

enum read_status { READ_OK, READ_NOT_FOUND, READ_TOO_LARGE, READ_NOT_REGULAR, READ_ERROR };

/* Reads a whole regular file (or stdin for "-") of at most max_size bytes.
 * A FIFO, a device or a socket is READ_NOT_REGULAR: it could block forever
 * or never end. On READ_OK, *data is malloc'd and NUL-terminated. errno is
 * kept on READ_ERROR. */
enum read_status read_file_limited(const char *path, size_t max_size, char **data, size_t *len);

/* Writes data to path through a temporary file in the same directory and a
 * rename, so a reader never sees a half-written file. mode is applied to the
 * temporary file before any byte is written. A symbolic link is followed (its
 * target is written, the link stays); a device or a FIFO is written through,
 * never replaced; a directory is refused. Returns 0, or -1 with errno. */
int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode);

/* The same, streamed: atomic_begin opens fp (the temporary file, or the
 * device or FIFO itself), atomic_commit flushes, syncs and renames it into
 * place, atomic_abort removes it. Each returns 0, or -1 with errno. */
struct atomic_file {
	FILE *fp;
	char *path, *tmp;
	bool through;              /* a device or a FIFO, written in place */
};
int atomic_begin(struct atomic_file *af, const char *path, mode_t mode);
int atomic_commit(struct atomic_file *af);
void atomic_abort(struct atomic_file *af);

/* mkdir -p; returns 0 or -1 with errno. */
int make_dirs(const char *path, mode_t mode);

bool file_exists(const char *path);
bool is_directory(const char *path);

/* Joins dir and rel unless rel is absolute; the result is malloc'd. */
char *path_join(const char *dir, const char *rel);
/* Directory part of path ("." when it has none); malloc'd. */
char *path_dirname(const char *path);
/* Makes path absolute against the current directory and removes "." and
 * ".." components lexically (symlinks are kept); malloc'd. */
char *path_absolute(const char *path);

#endif
