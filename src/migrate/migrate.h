/* kgenius migrate db: PostgreSQL databases from the Compose host into the
 * cluster, with a backup first, a parallel copy inside one snapshot, and a
 * verification that names the rows that differ.
 *
 * plan.c checks before anything changes; backup.c keeps a restorable dump;
 * copy.c moves schema and data; verify.c compares the two servers;
 * report.c prints what happened. */
#ifndef KG_MIGRATE_H
#define KG_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "migrate/pg.h"
#include "util/buf.h"
#include "util/diag.h"

#define MIGRATE_MAX_DBS 16

struct migrate_opts {
	struct pg_endpoint source, target;
	const char *dbs[MIGRATE_MAX_DBS];      /* source database names */
	const char *target_dbs[MIGRATE_MAX_DBS];   /* the same name on the target unless --db SRC:DST */
	size_t ndbs;
	int jobs;
	const char *backup_dir;     /* NULL: no backup (copy refuses unless --no-backup) */
	bool no_backup;
	const char *owner;          /* target role that owns what is restored; NULL: the connecting role */
	long long split_bytes;      /* tables larger than this are copied in key ranges */
	bool json;                  /* JSON-lines progress events instead of text */
	bool verify_after;          /* verify after the copy (default) */
};

/* --- verify --- */

#define VERIFY_MAX_KEYS 100

struct vtable {
	char *qname;
	long long src_rows, dst_rows;
	bool present;               /* on the target */
	bool match;
	bool bisected;
	char *note;                 /* why it could not be localised, or NULL */
	char **keys;                /* "key (missing on target)", ... */
	size_t nkeys, more_keys;
	double seconds;
};

struct vdiff {                  /* a sequence or a schema object that differs */
	char *kind, *item, *detail;
};

struct vdb {
	char *src_db, *dst_db;
	struct vtable *tables;
	size_t ntables;
	struct vdiff *diffs;
	size_t ndiffs, more_diffs;
	size_t sequences;
	bool ok;
	double seconds;
};

struct vreport {
	struct vdb dbs[MIGRATE_MAX_DBS];
	size_t ndbs;
	bool ok;
};

int migrate_verify(const struct migrate_opts *o, struct vreport *rep, struct diags *d);
void vreport_free(struct vreport *rep);
void vreport_text(const struct vreport *rep, struct buf *b);
void vreport_json(const struct vreport *rep, struct buf *b);

/* --- plan --- */

int migrate_plan(const struct migrate_opts *o, struct buf *out, bool *blocked, struct diags *d);

/* --- backup and copy --- */

/* pg_dump -Fc of each source database into o->backup_dir, checked with
 * pg_restore --list. Returns 0 or -1 after reporting. */
int migrate_backup(const struct migrate_opts *o, const char *db, char **path, struct diags *d);

struct copy_stats {
	size_t tables, parts, parts_skipped;
	long long rows, bytes;
	size_t sequences;
	double seconds;
};

int migrate_copy(const struct migrate_opts *o, struct copy_stats *st, FILE *events, struct diags *d);

/* Runs argv with PGPASSWORD set to password (may be NULL); stdout to
 * out_path when given. Returns the exit status, or -1. */
int migrate_run_tool(char *const argv[], const char *password, const char *out_path, struct diags *d);

/* Progress events: one JSON object per line, or a line of text. */
void migrate_event(FILE *fp, bool json, const char *event, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
