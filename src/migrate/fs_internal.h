/* Shared by the parts of migrate filestore: the listing entries, the shells
 * both sides are reached through, and the tar filter between them. Not used
 * outside src/migrate/fs_*.c and filestore.c. */
#ifndef KG_MIGRATE_FS_INTERNAL_H
#define KG_MIGRATE_FS_INTERNAL_H

#include <stdbool.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

#include "migrate/filestore.h"
#include "util/buf.h"

#define FS_MAX_JOBS 32

/* What the far side may send: it can be a compromised pod, so every answer
 * it gives is bounded. A listing record is about 70 bytes for an attachment,
 * so the listing bound holds about 3.5 million files. */
#define FS_LIST_MAX_BYTES ((size_t)256 * 1024 * 1024)
#define FS_PATH_MAX 4095

struct fs_entry {
	char *path;                /* "./a/b", checked by fs_safe_path */
	long long size;
	unsigned mode;             /* permission bits only */
	bool sent;                 /* source entries: the source's tar sent it whole and it was passed on */
	char hash[41];             /* SHA-1 of the content on this side, when hashed */
	char dhash[41];            /* source entries: SHA-1 of the copy where it landed */
};

struct fs_list {
	struct fs_entry *v;
	size_t n, cap;
	char *blob;                /* the listing the paths point into */
};

/* What a shell writes on stderr is read by a thread of its own, and only the
 * first FS_STDERR_MAX bytes are kept: a far side cannot fill this machine's
 * disk or memory through it. */
#define FS_STDERR_MAX 65536
#define FS_STDERR_KILL ((size_t)16 * 1024 * 1024)

struct shell {
	pid_t pid;
	int in, out;               /* -1 when given to another process */
	int err;                   /* read end of the stderr pipe */
	pthread_t err_reader;
	bool err_reading;
	char err_text[FS_STDERR_MAX + 1];
	size_t err_len;
};

/* problems, shared by every thread of a run */
void fs_problem(struct fs_stats *st, const char *side, const char *path, const char *what);

/* shells (fs_shell.c) */
void fs_sh_quote(struct buf *b, const char *s);
int fs_shell_start(const struct fs_side *side, int stdin_fd, int stdout_fd, struct shell *sh, struct diags *d);
int fs_shell_finish(struct shell *sh, const struct fs_side *side, struct fs_stats *st);
bool fs_write_all(int fd, const char *p, size_t n);
/* Reads fd to its end, at most max bytes; NULL (and *too_long) beyond. */
char *fs_read_bounded(int fd, size_t max, size_t *len, bool *too_long);
bool fs_wait_ready(int fd);
void fs_script_cd(struct buf *b, const struct fs_side *side, bool create);
void fs_script_paths(struct buf *b, struct fs_entry **items, size_t n);
/* Runs script on side's shell and returns all it printed (bounded by max). */
char *fs_shell_run(const struct fs_side *side, const struct buf *script, size_t max, size_t *len, int *rc,
		   struct fs_stats *st, struct diags *d);

/* listing (fs_list.c) */
int fs_list_side(const struct fs_side *side, bool create, bool is_source, struct fs_list *l, struct fs_stats *st,
		 struct diags *d);
void fs_list_free(struct fs_list *l);
struct fs_entry *fs_find_entry(struct fs_list *l, const char *path);

/* hashing and copying in parallel (fs_transfer.c) */
int fs_hash_entries(const struct fs_opts *o, const struct fs_side *side, struct fs_list *list,
		    struct fs_entry **items, size_t n, struct fs_stats *st, struct diags *d);
int fs_copy_entries(const struct fs_opts *o, struct fs_list *src, struct fs_entry **items, size_t n,
		    struct fs_stats *st, struct diags *d);
int fs_delete_entries(const struct fs_opts *o, struct fs_entry **items, size_t n, struct fs_stats *st,
		      struct diags *d);

#endif
