/* PostgreSQL's own catalogue of the errors it prints: every translatable
 * error message of the server and of its client programs, with its SQLSTATE,
 * DETAIL and HINT as the source writes them, read from PostgreSQL's source
 * by tools/gen-pg-messages. diagnose names a PostgreSQL error that no entry
 * of its knowledge base recognises by what PostgreSQL itself says of it. */
#ifndef KG_FACTS_PG_MESSAGES_H
#define KG_FACTS_PG_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>

/* A place in PostgreSQL's source that raises a message. */
struct pg_site {
	const char *code;          /* "22023/invalid_parameter_value"; "errno": from the system call's errno; "" */
	const char *function;      /* the C function; "" in one a macro defines */
	const char *file;          /* in PostgreSQL's source tree */
	int line;
	const char *release;       /* "15_18": the tag (REL_15_18) whose file:line this is */
};

/* A message and the places that raise it, the first being the one whose
 * SQLSTATE most of them share. */
struct pg_message {
	const char *program;       /* "postgres" for the server, else the client programs that print it,
				    * separated by spaces: "pg_dump pg_restore pg_dumpall", "initdb" */
	const char *level;         /* ERROR, FATAL, PANIC, or "" when the server chooses it at run time */
	const char *code;          /* the first place's */
	const char *message;       /* printf formats, as the source writes them */
	const char *detail;        /* the first place's */
	const char *hint;
	const char *majors;        /* the majors read that print it: "13, 15" */
	size_t first_site, nsites;
};

const struct pg_site *pg_message_site(const struct pg_message *m, size_t i);

/* What a SQLSTATE's class (its first two characters) means, from
 * errcodes.txt, with where to look first; NULL for an unknown class. */
struct pg_sqlstate_class {
	const char *code;          /* "22" */
	const char *name;          /* "Data Exception" */
	const char *advice;        /* NULL where the class's name says it all */
};
const struct pg_sqlstate_class *pg_sqlstate_class_of(const char *sqlstate);

/* An index over the catalogue, for matching many lines. */
struct pg_message_index;
struct pg_message_index *pg_message_index_new(void);
void pg_message_index_free(struct pg_message_index *idx);

/* The message the line prints, or NULL. A client program's message counts
 * only after its name ("pg_restore: error: ..."); a server message in a line
 * that PostgreSQL or one of its drivers printed (an ERROR: or FATAL: prefix,
 * a driver's exception, SQLSTATE), or in any line when it is long enough to
 * be PostgreSQL's alone; *marked (when not NULL) tells which. Of several,
 * the one that says the most in its own words. */
const struct pg_message *pg_message_find(const struct pg_message_index *idx, const char *line, size_t len,
					 bool *marked);

/* The length of the printf conversion at f (which is '%'); *value tells
 * whether it stands for a value (not %% nor a conversion cut short). */
size_t pg_format_conversion(const char *f, bool *value);

/* Which of the message's programs printed line (the first that names
 * itself in it, else the first), into out: "pg_restore". */
void pg_message_program(const struct pg_message *m, const char *line, char *out, size_t cap);

/* A place's source on GitHub, at the tag of the release it was read from,
 * into out. */
void pg_site_source(const struct pg_site *site, char *out, size_t cap);

size_t pg_message_count(void);
const struct pg_message *pg_message_at(size_t i);

#endif
