/* kgenius migrate filestore: the Odoo filestore from one directory to
 * another, each side local or behind a command that gives a shell (kubectl
 * exec -i ... -- sh), needing nothing there but sh, find, tar, xargs and
 * sha1sum. */
#ifndef KG_MIGRATE_FILESTORE_H
#define KG_MIGRATE_FILESTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/diag.h"

struct fs_side {
	const char *name;          /* "source" or "target" */
	const char *path;
	const char *shell;         /* command giving a shell on stdin/stdout; "sh" for a local directory */
};

struct fs_opts {
	struct fs_side src, dst;
	int jobs;
	bool delete_extra;         /* remove what the source does not have */
	bool verify_all;           /* hash every file on both sides, not only those copied */
	bool check_only;           /* compare only: what would be copied is reported, nothing is written */
	bool events_json;
};

struct fs_problem {
	char *side, *path, *what;  /* what starts with "repaired:" when the copy fixed it */
};

struct fs_stats {
	size_t src_files, dst_files, copied, unchanged, deleted, verified;
	long long src_bytes, copied_bytes;
	double seconds, list_seconds, copy_seconds, verify_seconds;
	struct fs_problem *problems;
	size_t nproblems, more_problems;
};

int migrate_filestore(const struct fs_opts *o, struct fs_stats *st, FILE *events, struct diags *d);
void fs_stats_free(struct fs_stats *st);
/* Problems the copy did not fix: corrupt or unreadable files, tools failing. */
size_t fs_unresolved(const struct fs_stats *st);
/* Whether path ("./ab/ab12...", "filestore/db/ab/ab12...") names a file by the SHA-1 of its content. */
bool fs_content_addressed(const char *path);
/* Whether a path from the far side's listing may be used: "./" then names
 * that are not "." or "..", no empty name, no newline, at most 4095 bytes. */
bool fs_safe_path(const char *path);

struct fs_entry;
/* Reads the tar stream the source sent on in_fd and writes to out_fd a new
 * archive holding only the regular files of items (sorted by path, each at
 * most once, with the size the listing gave), with permission bits only and
 * no owner. Everything else is dropped and named as a problem of side.
 * Sets each passed entry's sent. Returns how many were passed, or -1 when
 * out_fd could not be written or the stream is not a tar archive. */
long fs_tar_filter(int in_fd, int out_fd, struct fs_entry **items, size_t n, const char *side, struct fs_stats *st);

#endif
