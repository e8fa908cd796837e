/* PostgreSQL connections for kgenius migrate, and what it reads from the
 * catalogs. Every session runs under the same pinned settings, so that a
 * row's text (and so its hash) is the same on both servers. */
#ifndef KG_MIGRATE_PG_H
#define KG_MIGRATE_PG_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"

/* A server: a libpq connection string and, optionally, a password read from
 * a file. Passwords are never printed and never put on a child's argv. */
struct pg_endpoint {
	const char *name;          /* "source" or "target", for messages */
	const char *conninfo;
	char *password;            /* malloc'd, or NULL: libpq's PGPASSWORD / PGPASSFILE */
};

/* Opens a session on database dbname (NULL: the one in conninfo). */
PGconn *pg_open(const struct pg_endpoint *ep, const char *dbname, struct diags *d);
/* A logical replication session (replication=database) on dbname. */
PGconn *pg_open_replication(const struct pg_endpoint *ep, const char *dbname, struct diags *d);
/* A command; false after reporting the server's error. */
bool pg_exec(PGconn *c, const struct pg_endpoint *ep, struct diags *d, const char *sql);
/* A query with text parameters; NULL after reporting. PQclear the result. */
PGresult *pg_query(PGconn *c, const struct pg_endpoint *ep, struct diags *d, const char *sql, int nparams,
		   const char *const *params);
/* A statement that names a database: before, the name quoted as an
 * identifier, after ("ALTER DATABASE ", db, " SET ..."). */
bool pg_exec_naming(PGconn *c, const struct pg_endpoint *ep, struct diags *d, const char *before, const char *db,
		    const char *after);
/* The one value of a one-row query, malloc'd; NULL after reporting, or for SQL NULL. */
char *pg_value(PGconn *c, const struct pg_endpoint *ep, struct diags *d, const char *sql, int nparams,
	       const char *const *params);

/* The connection parameters for a pg_dump or pg_restore child: a
 * conninfo without the password (for --dbname) and the password (for
 * PGPASSWORD in its environment). Both malloc'd. */
int pg_child_conninfo(const struct pg_endpoint *ep, const char *dbname, char **conninfo, char **password);

/* Reads the first line of path as a password. Returns 0 or -1 after reporting. */
int pg_read_password_file(const char *path, char **password, struct diags *d);

/* --- catalog --- */

struct pg_table {
	char *schema, *name;
	char *qname;               /* "schema"."name" */
	char *columns;             /* copyable columns, quoted, comma-separated */
	char *key;                 /* key columns, quoted, comma-separated; NULL: none */
	bool int_key;              /* the key's first column is an integer */
	long long bytes, rows_estimate;
	char replident;            /* d, n, f, i */
	bool has_pk, usable_unique;    /* a primary key; a unique index usable as replica identity */
	char *unique_index;        /* that index's name */
};

struct pg_tables {
	struct pg_table *v;
	size_t n;
};

/* The user tables of the connected database (leaf tables, no extension members). */
int pg_list_tables(PGconn *c, const struct pg_endpoint *ep, struct diags *d, struct pg_tables *out);
void pg_tables_free(struct pg_tables *t);

/* --- sequences (sequences.c) --- */

struct pg_sequence {
	char *name;                /* "schema"."name" */
	long long last_value, increment;
	bool is_called;            /* false: nextval hands out last_value itself */
};

struct pg_sequences {
	struct pg_sequence *v;
	size_t n;
};

/* Every sequence of the connected database with its state, by name. */
int pg_read_sequences(PGconn *c, const struct pg_endpoint *ep, struct diags *d, struct pg_sequences *out);
void pg_sequences_free(struct pg_sequences *s);
long long pg_sequence_next(const struct pg_sequence *s);

#endif
