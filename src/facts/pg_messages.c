/* PostgreSQL's message catalogue (generated in pg_messages.inc) and a
 * matcher of its printf formats against log lines.
 *
 * A line is matched by a message's longest literal run first (a hash of its
 * first four bytes finds the candidates), then by the whole format from
 * where the message starts: %s and %m take any text, %d and %u digits, %X
 * hex digits. What follows the message on the line is allowed: drivers and
 * servers append positions and context. */
#include "facts/pg_messages.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct pg_message messages[] = {
#include "facts/pg_messages.inc"
};

static const struct pg_site sites[] = {
#include "facts/pg_message_sites.inc"
};

const struct pg_site *pg_message_site(const struct pg_message *m, size_t i)
{
	size_t k = m->first_site + i;

	return i < m->nsites && k < sizeof(sites) / sizeof(sites[0]) ? &sites[k] : NULL;
}

size_t pg_message_count(void)
{
	return sizeof(messages) / sizeof(messages[0]);
}

const struct pg_message *pg_message_at(size_t i)
{
	return i < pg_message_count() ? &messages[i] : NULL;
}

/* Class names from src/backend/utils/errcodes.txt
 * (https://github.com/postgres/postgres/blob/REL_15_18/src/backend/utils/errcodes.txt);
 * the codes are documented at
 * https://www.postgresql.org/docs/current/errcodes-appendix.html. */
static const struct pg_sqlstate_class classes[] = {
	{"01", "Warning", NULL},
	{"02", "No Data", NULL},
	{"03", "SQL Statement Not Yet Complete", NULL},
	{"08", "Connection Exception",
	 "the connection between the client and the server failed or was refused by the protocol: check that the "
	 "server is up and reachable from the client, and that both speak the same protocol (SSL settings, versions)"},
	{"09", "Triggered Action Exception", NULL},
	{"0A", "Feature Not Supported",
	 "the server's version or build lacks what was asked: compare the client's or the dump's version with the "
	 "server's, and the extensions installed"},
	{"0B", "Invalid Transaction Initiation", NULL},
	{"0F", "Locator Exception", NULL},
	{"0L", "Invalid Grantor", NULL},
	{"0P", "Invalid Role Specification", "the role named does not exist or cannot be used this way"},
	{"0Z", "Diagnostics Exception", NULL},
	{"20", "Case Not Found", NULL},
	{"21", "Cardinality Violation", NULL},
	{"22", "Data Exception",
	 "a value given to the statement is invalid for its type, encoding, collation or range: the message names it"},
	{"23", "Integrity Constraint Violation",
	 "the data breaks a constraint (a duplicate key, a row another table refers to, a NULL where none is "
	 "allowed): the DETAIL line names the key; find and fix those rows"},
	{"24", "Invalid Cursor State", NULL},
	{"25", "Invalid Transaction State",
	 "the statement is not allowed in this transaction's state: a read-only transaction (a standby), one "
	 "already aborted by an earlier error, or inside a transaction block where it cannot run"},
	{"26", "Invalid SQL Statement Name", NULL},
	{"27", "Triggered Data Change Violation", NULL},
	{"28", "Invalid Authorization Specification",
	 "the server refused the login: the role, its password, or the pg_hba.conf line that matched the client"},
	{"2B", "Dependent Privilege Descriptors Still Exist", NULL},
	{"2D", "Invalid Transaction Termination", NULL},
	{"2F", "SQL Routine Exception", NULL},
	{"34", "Invalid Cursor Name",
	 "the cursor named is not open on this connection: it was closed, ended with its transaction (no WITH HOLD), "
	 "or a pooler in transaction mode gave the next transaction another server connection"},
	{"38", "External Routine Exception", NULL},
	{"39", "External Routine Invocation Exception", NULL},
	{"3B", "Savepoint Exception", NULL},
	{"3D", "Invalid Catalog Name", "the database named does not exist on the server the client reached"},
	{"3F", "Invalid Schema Name",
	 "the schema named does not exist in this database: create it (CREATE SCHEMA <name> AUTHORIZATION <role>) or "
	 "correct the client's schema setting or search_path"},
	{"40", "Transaction Rollback",
	 "a serialization failure or a deadlock: the application should retry the transaction; frequent ones "
	 "point at concurrent writers to the same rows"},
	{"42", "Syntax Error or Access Rule Violation",
	 "the statement names something missing or not allowed: an object that does not exist, a privilege the "
	 "role lacks, or a syntax this server version does not accept"},
	{"44", "WITH CHECK OPTION Violation", NULL},
	{"53", "Insufficient Resources",
	 "the server ran out of disk, memory, shared memory or connection slots: the volume's free space, the "
	 "container's memory limit and /dev/shm, max_connections"},
	{"54", "Program Limit Exceeded", NULL},
	{"55", "Object Not In Prerequisite State",
	 "the object is in use or not ready: another session holds it, or the server is not in the state the "
	 "statement needs"},
	{"57", "Operator Intervention",
	 "the server or an administrator stopped the work: a shutdown, a cancelled query, a statement timeout, a "
	 "server still starting up or in recovery"},
	{"58", "System Error",
	 "a system call failed under PostgreSQL: a file, the disk, or the data directory's ownership and permissions"},
	{"72", "Snapshot Failure", NULL},
	{"F0", "Configuration File Error",
	 "a configuration file holds a bad line: the server log names the file and the line"},
	{"HV", "Foreign Data Wrapper Error (SQL/MED)", NULL},
	{"P0", "PL/pgSQL Error", NULL},
	{"XX", "Internal Error",
	 "PostgreSQL found its own data inconsistent: a damaged data directory or volume, or a bug; check the "
	 "volume and restore from a backup if it persists"},
};

const struct pg_sqlstate_class *pg_sqlstate_class_of(const char *sqlstate)
{
	if (!sqlstate || strlen(sqlstate) < 2)
		return NULL;
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (memcmp(classes[i].code, sqlstate, 2) == 0)
			return &classes[i];
	return NULL;
}

void pg_site_source(const struct pg_site *site, char *out, size_t cap)
{
	snprintf(out, cap, "https://github.com/postgres/postgres/blob/REL_%s/%s#L%d", site->release, site->file,
		 site->line);
}

/* --- the formats --- */

enum spec { SPEC_TEXT, SPEC_INT, SPEC_HEX, SPEC_FLOAT, SPEC_CHAR, SPEC_PERCENT, SPEC_NONE };

/* The conversion at f (which is '%'), and its length. */
static enum spec spec_at(const char *f, size_t *len)
{
	size_t i = 1;

	while (f[i] && strchr("-+ #0", f[i]))
		i++;
	while (f[i] == '*' || (f[i] >= '0' && f[i] <= '9'))
		i++;
	if (f[i] == '.')
		for (i++; f[i] == '*' || (f[i] >= '0' && f[i] <= '9'); i++)
			;
	while (f[i] && strchr("hlzjtL", f[i]))
		i++;
	*len = f[i] ? i + 1 : i;
	switch (f[i]) {
	case 'd': case 'i': case 'u': case 'o': return SPEC_INT;
	case 'x': case 'X': return SPEC_HEX;
	case 'e': case 'E': case 'f': case 'g': case 'G': return SPEC_FLOAT;
	case 'c': return SPEC_CHAR;
	case 's': case 'm': case 'p': return SPEC_TEXT;
	case '%': return SPEC_PERCENT;
	default: return SPEC_NONE;
	}
}

size_t pg_format_conversion(const char *f, bool *value)
{
	size_t len;
	enum spec sp = spec_at(f, &len);

	*value = sp != SPEC_PERCENT && sp != SPEC_NONE;
	return len;
}

static bool in_class(enum spec sp, char c)
{
	switch (sp) {
	case SPEC_INT: return c >= '0' && c <= '9';
	case SPEC_HEX: return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	case SPEC_FLOAT: return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
	default: return false;
	}
}

/* Matching a line must not cost more than this many steps (a candidate
 * looked at, a start tried, a character matched): a format with several %s
 * against a long line would otherwise try every split, and a hostile line
 * can repeat a message's key thousands of times. */
#define MATCH_BUDGET 200000

static bool match_from(const char *f, const char *s, const char *end, int *budget)
{
	while (*f) {
		size_t n;
		enum spec sp;

		if (--*budget < 0)
			return false;
		if (*f != '%') {
			if (s == end || *s != *f)
				return false;
			f++;
			s++;
			continue;
		}
		sp = spec_at(f, &n);
		f += n;
		switch (sp) {
		case SPEC_PERCENT:
			if (s == end || *s != '%')
				return false;
			s++;
			break;
		case SPEC_CHAR:
			if (s == end)
				return false;
			s++;
			break;
		case SPEC_INT: case SPEC_HEX: case SPEC_FLOAT: {
			const char *t = s;

			if (sp == SPEC_INT && t < end && *t == '-')
				t++;
			if (t == end || !in_class(sp, *t))
				return false;
			while (t < end && in_class(sp, *t))
				t++;
			s = t;
			break;
		}
		case SPEC_TEXT:
			if (!*f)
				return true;
			for (const char *t = s; t <= end; t++)
				if (match_from(f, t, end, budget))
					return true;
			return false;
		case SPEC_NONE:
			return false;
		}
	}
	return true;
}

/* The longest run of the format without a conversion. */
static void longest_literal(const char *f, size_t *off, size_t *len)
{
	size_t start = 0, i = 0;

	*off = *len = 0;
	while (f[i]) {
		if (f[i] == '%') {
			size_t n;

			(void)spec_at(&f[i], &n);
			if (i - start > *len) {
				*off = start;
				*len = i - start;
			}
			i += n;
			start = i;
			continue;
		}
		i++;
	}
	if (i - start > *len) {
		*off = start;
		*len = i - start;
	}
}

static size_t literal_chars(const char *f)
{
	size_t n = 0;

	for (size_t i = 0; f[i];) {
		if (f[i] == '%') {
			size_t k;

			(void)spec_at(&f[i], &k);
			i += k;
			continue;
		}
		n++;
		i++;
	}
	return n;
}

/* --- the index --- */

#define KEY_MIN 6

struct pg_message_index {
	size_t nbuckets;           /* a power of two */
	size_t *starts;            /* nbuckets + 1 offsets into order */
	uint32_t *order;           /* message indexes by bucket */
	uint32_t *key_off, *key_len;
	uint32_t *chars;           /* literal characters of each message */
};

static size_t hash4(const char *s, size_t mask)
{
	uint32_t h = 2166136261u;

	/* Case-blind: programs that quote a message may capitalise it. */
	for (size_t i = 0; i < 4; i++)
		h = (h ^ (unsigned char)tolower((unsigned char)s[i])) * 16777619u;
	return h & mask;
}

void pg_message_index_free(struct pg_message_index *idx)
{
	if (!idx)
		return;
	free(idx->starts);
	free(idx->order);
	free(idx->key_off);
	free(idx->key_len);
	free(idx->chars);
	free(idx);
}

struct pg_message_index *pg_message_index_new(void)
{
	size_t n = pg_message_count(), nb = 1;
	struct pg_message_index *idx = calloc(1, sizeof(*idx));

	while (nb < 2 * n)
		nb <<= 1;
	if (!idx)
		return NULL;
	idx->nbuckets = nb;
	idx->starts = calloc(nb + 1, sizeof(*idx->starts));
	idx->order = calloc(n ? n : 1, sizeof(*idx->order));
	idx->key_off = calloc(n ? n : 1, sizeof(*idx->key_off));
	idx->key_len = calloc(n ? n : 1, sizeof(*idx->key_len));
	idx->chars = calloc(n ? n : 1, sizeof(*idx->chars));
	if (!idx->starts || !idx->order || !idx->key_off || !idx->key_len || !idx->chars) {
		pg_message_index_free(idx);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		size_t off, len;

		longest_literal(messages[i].message, &off, &len);
		idx->key_off[i] = (uint32_t)off;
		idx->key_len[i] = (uint32_t)len;
		idx->chars[i] = (uint32_t)literal_chars(messages[i].message);
		if (len >= KEY_MIN)
			idx->starts[hash4(messages[i].message + off, nb - 1) + 1]++;
	}
	for (size_t b = 0; b < nb; b++)
		idx->starts[b + 1] += idx->starts[b];
	{
		size_t *fill = calloc(nb, sizeof(*fill));

		if (!fill) {
			pg_message_index_free(idx);
			return NULL;
		}
		for (size_t i = 0; i < n; i++) {
			size_t b;

			if (idx->key_len[i] < KEY_MIN)
				continue;
			b = hash4(messages[i].message + idx->key_off[i], nb - 1);
			idx->order[idx->starts[b] + fill[b]++] = (uint32_t)i;
		}
		free(fill);
	}
	return idx;
}

/* A server message in a line that names no PostgreSQL program must say
 * this much in its own words: "could not create unique index \"%s\"" pasted
 * alone is PostgreSQL's, "could not open file \"%s\": %m" could be anyone's. */
#define UNMARKED_MIN 28

/* Words that show a line comes from the server or one of its drivers. */
static const char *const server_markers[] = {
	"ERROR:", "FATAL:", "PANIC:", "postgres", "Postgres", "PSQLException", "psycopg", "SQLSTATE", "pq: ",
	"PG::", "asyncpg", "psql:", "sqlalchemy",
};

static bool from_server(const char *line, size_t len)
{
	for (size_t i = 0; i < sizeof(server_markers) / sizeof(server_markers[0]); i++)
		if (memmem(line, len, server_markers[i], strlen(server_markers[i])))
			return true;
	return false;
}

/* The first of the programs that names itself in the line ("pg_restore: "),
 * its length in *n; NULL when none does. */
static const char *program_in(const char *line, size_t len, const char *programs, size_t *n)
{
	while (*programs) {
		char mark[40];

		*n = strcspn(programs, " ");
		if (*n + 2 < sizeof(mark)) {
			memcpy(mark, programs, *n);
			memcpy(mark + *n, ": ", 2);
			if (memmem(line, len, mark, *n + 2))
				return programs;
		}
		programs += *n;
		programs += strspn(programs, " ");
	}
	return NULL;
}

static bool from_program(const char *line, size_t len, const char *programs)
{
	size_t n;

	return program_in(line, len, programs, &n) != NULL;
}

void pg_message_program(const struct pg_message *m, const char *line, char *out, size_t cap)
{
	size_t n;
	const char *p = program_in(line, strlen(line), m->program, &n);

	if (!p) {
		p = m->program;
		n = strcspn(p, " ");
	}
	snprintf(out, cap, "%.*s", (int)n, p);
}

/* Whether the message starts somewhere in line[0..upto] and matches; its
 * first letter may be a capital ("Could not create unique index"). */
static bool matches(const struct pg_message *m, const char *line, size_t len, size_t upto, int *budget)
{
	const char *f = m->message, *end = line + len;
	size_t lead = strcspn(f, "%");

	/* every start tried costs a step, matched or not */
	for (size_t s = 0; s <= upto && s < len && --*budget >= 0; s++) {
		if (lead > 0 && (lead > len - s || tolower((unsigned char)line[s]) != tolower((unsigned char)f[0]) ||
				 memcmp(line + s + 1, f + 1, lead - 1) != 0))
			continue;
		if (lead > 0 ? match_from(f + 1, line + s + 1, end, budget) : match_from(f, line + s, end, budget))
			return true;
	}
	return false;
}

const struct pg_message *pg_message_find(const struct pg_message_index *idx, const char *line, size_t len,
					 bool *marked)
{
	const struct pg_message *best = NULL;
	size_t best_chars = 0;
	bool server, best_marked = false;
	int budget = MATCH_BUDGET;

	if (!idx || len < KEY_MIN)
		return NULL;
	server = from_server(line, len);
	for (size_t p = 0; p + 4 <= len && budget > 0; p++) {
		size_t b = hash4(line + p, idx->nbuckets - 1);

		for (size_t k = idx->starts[b]; k < idx->starts[b + 1] && --budget >= 0; k++) {
			const struct pg_message *m = &messages[idx->order[k]];
			size_t klen = idx->key_len[idx->order[k]], chars = idx->chars[idx->order[k]];
			bool is_server, attributed;

			if (chars <= best_chars || klen > len - p ||
			    strncasecmp(line + p, m->message + idx->key_off[idx->order[k]], klen) != 0)
				continue;
			is_server = strcmp(m->program, "postgres") == 0;
			attributed = is_server ? server : from_program(line, len, m->program);
			if (!attributed && (!is_server || chars < UNMARKED_MIN))
				continue;
			if (matches(m, line, len, p, &budget)) {
				best = m;
				best_chars = chars;
				best_marked = attributed;
			}
		}
	}
	if (marked)
		*marked = best_marked;
	return best;
}
