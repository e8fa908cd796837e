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
	size_t sequences, large_objects;
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

/* A fresh pg_dump -Fc of source database o->dbs[k] into o->backup_dir,
 * checked with pg_restore --list, replacing an older one. Returns 0 or -1
 * after reporting. */
int migrate_backup(const struct migrate_opts *o, size_t k, FILE *events, struct diags *d);
/* The backup's file name for a database name: bytes other than letters,
 * digits, '_' and '-' (and so '/' and '.') written as %XX, so that any name
 * stays a file inside the backup directory. */
void migrate_backup_name(const char *db, char *out, size_t cap);

struct copy_stats {
	size_t tables, parts, parts_skipped;
	long long rows, bytes;
	size_t sequences, large_objects, matviews;
	double seconds;
};

int migrate_copy(const struct migrate_opts *o, struct copy_stats *st, FILE *events, struct diags *d);
/* One database, in the given snapshot (NULL: one exported here); adds to st. */
int migrate_copy_one(const struct migrate_opts *o, size_t k, const char *snapshot, struct copy_stats *st, FILE *events,
		     struct diags *d);

/* --- online method (online.c, rollback.c) --- */

/* Where the window's time went, in seconds. */
struct cutover_steps {
	double fence;               /* connection limit, read-only, sessions ended */
	double catch_up;            /* until the subscriber confirmed the last LSN */
	double sequences;           /* sequences and large objects copied */
	double counts;              /* row counts compared */
	double rollback_setup;      /* --keep-rollback: the way back created */
	double subscription;        /* the forward subscription stopped */
	double hook;
};

struct cutover_result {
	double window_seconds;      /* writes refused: from the fence to the end of the hook */
	double caught_up_seconds;
	size_t sequences, tables, sessions_ended, large_objects;
	struct cutover_steps steps;
};

/* The window and its steps, as text or one JSON object. */
void cutover_report(const char *action, const struct cutover_result *res, bool json, struct buf *out);

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
/* The fence (fence.c): no application role can open a session on db or
 * keep one, and what remains is read-only by default; unfence puts back
 * what was there. Sessions ended are added to *ended. */
bool migrate_fence(PGconn *c, const struct pg_endpoint *ep, const char *db, size_t *ended, struct diags *d);
bool migrate_unfence(PGconn *c, const struct pg_endpoint *ep, const char *db, struct diags *d);
bool migrate_copy_sequences(PGconn *from, const struct pg_endpoint *fep, PGconn *to, const struct pg_endpoint *tep,
			    size_t *count, struct diags *d);
/* The replication role may write in a read-only database (the apply worker
 * of the way back), or no longer. */
bool migrate_role_write_exception(PGconn *c, const struct pg_endpoint *ep, const char *db, bool on, struct diags *d);
size_t migrate_end_sessions(PGconn *c, const struct pg_endpoint *ep, const char *db, struct diags *d);
/* Waits until slot on c has confirmed c's current LSN; false after timeout,
 * or as soon as subscription subname on sub (its subscriber) counts a new
 * apply error. */
bool migrate_wait_caught_up(PGconn *c, const struct pg_endpoint *ep, const char *slot, PGconn *sub, const char *subname,
			    double timeout, struct diags *d);
int migrate_run_hook(const char *hook, FILE *events, bool json, struct diags *d);
/* A subscription's connection string with its password, as an SQL literal;
 * peer_session is a session on the peer, whose password libpq resolved
 * (PGPASSWORD, PGPASSFILE) when the options carry none. */
char *migrate_subscription_conninfo(PGconn *on, const struct pg_endpoint *peer, const char *db, PGconn *peer_session);
/* CREATE SUBSCRIPTION name ... PUBLICATION publication on `on`, connecting to the
 * peer's database, WITH (with), kept out of the server's log. */
bool migrate_subscribe(PGconn *on, const struct pg_endpoint *on_ep, const struct pg_endpoint *peer, const char *peer_db,
		       PGconn *peer_session, const char *name, const char *publication, const char *with,
		       struct diags *d);

/* Runs argv (a tool that needs no server); stdout to out_path when given.
 * Returns the exit status, or -1. */
int migrate_run_tool(char *const argv[], const char *out_path, struct diags *d);
/* Runs pg_dump or pg_restore (args, NULL-terminated, at most 20) against
 * database dbname of ep: --dbname without the password, which goes in the
 * child's PGPASSWORD; pgoptions ("PGOPTIONS=-c ...") or NULL. */
int migrate_run_pg_tool(const char *const args[], const struct pg_endpoint *ep, const char *dbname,
			const char *pgoptions, struct diags *d);

/* Large objects (largeobj.c): the target's replaced by the source's, in
 * one target transaction. */
int migrate_copy_large_objects(PGconn *from, const struct pg_endpoint *fep, PGconn *to, const struct pg_endpoint *tep,
			       size_t *count, long long *bytes, struct diags *d);
/* Materialized views (matview.c): name and populated state, by name. */
extern const char migrate_matviews_sql[];
/* Refreshes on dst the views populated on src. */
int migrate_refresh_matviews(PGconn *src, const struct pg_endpoint *sep, PGconn *dst, const struct pg_endpoint *tep,
			     size_t *count, struct diags *d);

/* --- the traffic plan (traffic.c) --- */

struct traffic_opts {
	const char *domain;         /* erp.<domain> and auth.<domain> */
	const char *to;             /* the cluster's load balancer: address or host name */
	const char *https_entrypoint, *http_entrypoint;    /* the old Traefik's entry points */
	int old_ttl;                /* seconds: the DNS records' TTL before it is lowered */
};

/* 0, or -1 after reporting a name that cannot go into a Traefik rule. */
int traffic_check(const struct traffic_opts *t, struct diags *d);
/* The old Traefik's dynamic configuration that forwards both names. */
void traffic_config(const struct traffic_opts *t, struct buf *b);
/* The steps, for people, naming the written file. */
void traffic_plan(const struct traffic_opts *t, const char *file, struct buf *b);

/* Progress events: one JSON object per line, or a line of text. */
void migrate_event(FILE *fp, bool json, const char *event, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
