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
	bool json;                  /* reports as JSON */
	bool events_json;           /* progress events as JSON lines (--format json, or not a terminal) */
	bool progress_bar;          /* a progress bar on the terminal instead of a line per part */
	bool verify_after;          /* verify after the copy (default) */
	/* online method */
	struct pg_endpoint source_from_target;   /* the source as the target server reaches it */
	struct pg_endpoint target_from_source;   /* the target as the source server reaches it (rollback) */
	bool fix_replica_identity;
	bool keep_rollback;
	const char *hook;           /* run with sh -c at the switch point */
	double cutover_timeout;     /* seconds to wait for the target to catch up */
	int watch;                  /* status: seconds to keep printing the lag */
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
/* Everything that differs in db: schema objects, sequences, and tables. */
size_t vdb_differences(const struct vdb *db);
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
/* One database, in the given snapshot (NULL: one exported here); adds to st. */
int migrate_copy_one(const struct migrate_opts *o, size_t k, const char *snapshot, struct copy_stats *st, FILE *events,
		     struct diags *d);

/* --- online method (online.c, rollback.c) --- */

struct cutover_result {
	double window_seconds;      /* writes refused: from read-only to the end */
	double caught_up_seconds;
	size_t sequences, tables, sessions_ended;
};

int migrate_online_start(const struct migrate_opts *o, FILE *events, struct diags *d);
int migrate_online_status(const struct migrate_opts *o, struct buf *out, struct diags *d);
int migrate_online_cutover(const struct migrate_opts *o, struct cutover_result *res, FILE *events, struct diags *d);
int migrate_online_abort(const struct migrate_opts *o, FILE *events, struct diags *d);
/* During cutover: replication from the new database back to the old one. */
int migrate_rollback_setup(const struct migrate_opts *o, size_t k, PGconn *src, PGconn *dst, FILE *events,
			   struct diags *d);
/* Switch back to the old database, which replication kept current. */
int migrate_rollback(const struct migrate_opts *o, struct cutover_result *res, FILE *events, struct diags *d);
/* Remove the way back once the new database is trusted. */
int migrate_finish(const struct migrate_opts *o, FILE *events, struct diags *d);

/* Shared by online.c and rollback.c. */
void migrate_slot_name(const char *prefix, const char *db, char *out, size_t cap);
bool migrate_set_read_only(PGconn *c, const struct pg_endpoint *ep, const char *db, bool on, struct diags *d);
bool migrate_copy_sequences(PGconn *from, const struct pg_endpoint *fep, PGconn *to, const struct pg_endpoint *tep,
			    size_t *count, struct diags *d);
/* The replication role may write in a read-only database (the apply worker
 * of the way back), or no longer. */
bool migrate_role_write_exception(PGconn *c, const struct pg_endpoint *ep, const char *db, bool on, struct diags *d);
size_t migrate_end_sessions(PGconn *c, const struct pg_endpoint *ep, const char *db, struct diags *d);
/* Waits until slot on c has confirmed the current LSN; false after timeout. */
bool migrate_wait_caught_up(PGconn *c, const struct pg_endpoint *ep, const char *slot, double timeout, struct diags *d);
int migrate_run_hook(const char *hook, FILE *events, bool json, struct diags *d);
/* A subscription's connection string with its password, as an SQL literal;
 * peer_session is a session on the peer, whose password libpq resolved
 * (PGPASSWORD, PGPASSFILE) when the options carry none. */
char *migrate_subscription_conninfo(PGconn *on, const struct pg_endpoint *peer, const char *db, PGconn *peer_session);

/* Runs argv (a tool that needs no server); stdout to out_path when given.
 * Returns the exit status, or -1. */
int migrate_run_tool(char *const argv[], const char *out_path, struct diags *d);
/* Runs pg_dump or pg_restore (args, NULL-terminated, at most 20) against
 * database dbname of ep: --dbname without the password, which goes in the
 * child's PGPASSWORD; pgoptions ("PGOPTIONS=-c ...") or NULL. */
int migrate_run_pg_tool(const char *const args[], const struct pg_endpoint *ep, const char *dbname,
			const char *pgoptions, struct diags *d);

/* Progress events: one JSON object per line, or a line of text. */
void migrate_event(FILE *fp, bool json, const char *event, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
