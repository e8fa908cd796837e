/* The offline copy's parts, shared by copy.c (the steps), copy_worker.c
 * (the parallel data copy and index builds) and copy_schema.c (pg_dump and
 * pg_restore of the schema, and the progress recorded on the target). */
#ifndef KG_MIGRATE_COPY_H
#define KG_MIGRATE_COPY_H

#include <pthread.h>

#include "migrate/migrate.h"

#define MAX_PARTS 64

struct part {
	const struct pg_table *table;
	size_t tix;                /* index of the table in the job's tables */
	char item[600];            /* progress key: "data:schema.table" or with ":i/n" */
	char *where;               /* key range, or NULL */
	bool done;
};

/* A table's own indexes and unique constraints, built as soon as its last
 * part is copied, while other tables are still copying. */
struct table_state {
	size_t parts_left;
	char *list;                /* pg_restore -L file with its entries, or NULL: none */
	char item[600];            /* progress key: "post:schema.table" */
	bool ready, taken, done;
};

struct copy_job {
	const struct migrate_opts *o;
	const char *src_db, *dst_db;
	const char *snapshot;
	const char *schema_dump;
	const char *workdir;
	bool binary;
	struct part *parts;
	size_t nparts, next;
	struct table_state *tables;
	size_t ntables;
	size_t busy;               /* workers on a part or an index build */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool failed;
	struct diags *d;
	FILE *events;
	size_t done_parts;
	long long rows, bytes;
	double started;
};

/* copy_worker.c */
bool copy_import_snapshot(PGconn *c, const struct pg_endpoint *ep, const char *snapshot, struct diags *d);
int copy_split_table(PGconn *snap, const struct migrate_opts *o, const struct pg_table *t, struct part *parts,
		     size_t *n, struct diags *d);
/* Runs o->jobs workers until every part is copied and every index built;
 * false when one failed (after the others stopped and let go of both sides). */
bool copy_run_workers(struct copy_job *j);

/* copy_schema.c */
bool copy_step_done(PGconn *dst, const struct migrate_opts *o, const char *item, struct diags *d);
bool copy_mark_step(PGconn *dst, const struct migrate_opts *o, const char *item, struct diags *d);
int copy_dump_schema(const struct migrate_opts *o, const char *src_db, const char *snapshot, const char *path,
		     struct diags *d);
int copy_restore_pre_data(const struct migrate_opts *o, const char *dst_db, const char *schema_dump, struct diags *d);
int copy_restore_list(const struct migrate_opts *o, const char *dst_db, const char *schema_dump, const char *list,
		      int jobs, struct diags *d);
int copy_build_index_lists(struct copy_job *j, PGconn *snap, const struct pg_tables *tabs, char **rest,
			   struct diags *d);
/* Tables of the snapshot already on the target: 0 none, 1 all, -1 some, -2 error. */
int copy_target_has_tables(PGconn *dst, const struct migrate_opts *o, const struct pg_tables *tabs, struct diags *d);

#endif
