/* The value tree every stage works on: YAML or JSON data with the source
 * position of each node, so that any later finding can point at a line.
 *
 * Nodes live in an arena; nothing here frees individual nodes. */
#ifndef KG_YAML_NODE_H
#define KG_YAML_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/diag.h"

enum ykind { Y_NULL, Y_BOOL, Y_INT, Y_FLOAT, Y_STR, Y_MAP, Y_SEQ };

/* Compose's merge tags: `!reset` drops the inherited value, `!override`
 * replaces it instead of merging. */
enum ymerge_tag { YTAG_NONE, YTAG_RESET, YTAG_OVERRIDE };

struct ypair;

/* The small fields first, together: a node takes 112 bytes, not 128
 * (every scalar and collection of every document is one). */
struct ynode {
	enum ykind kind;
	enum ymerge_tag tag;
	/* Scalar written quoted or as a block scalar: a string whatever it looks like. */
	bool quoted;
	bool b;                    /* Y_BOOL's value */
	struct srcpos pos;
	/* Scalars: the text as written (for parsed nodes) or as it will be emitted. */
	const char *text;
	size_t len;
	long long i;
	double f;
	/* Collections: n entries in items (Y_SEQ) or pairs (Y_MAP). */
	size_t n, cap;
	struct ynode **items;
	struct ypair *pairs;
	/* Large mappings: open-addressing hash of pair index + 1 (0 = empty),
	 * so that lookups and duplicate checks stay O(1). NULL when absent or
	 * invalidated (after a delete or a sort); rebuilt on the next insert. */
	unsigned *index;
	size_t index_cap;
};

struct ypair {
	const char *key;
	struct srcpos kpos;
	struct ynode *val;
};

struct ynode *y_new(struct arena *a, enum ykind kind, const struct srcpos *pos);
struct ynode *y_str(struct arena *a, const char *s, const struct srcpos *pos);
struct ynode *y_strn(struct arena *a, const char *s, size_t len, const struct srcpos *pos);
struct ynode *y_int(struct arena *a, long long v, const struct srcpos *pos);
struct ynode *y_float(struct arena *a, double v, const struct srcpos *pos);
struct ynode *y_bool(struct arena *a, bool v, const struct srcpos *pos);
struct ynode *y_null(struct arena *a, const struct srcpos *pos);

/* A plain scalar's type under the YAML 1.2 core schema, as Compose v2 reads it. */
struct ynode *y_scalar_plain(struct arena *a, const char *s, size_t len, const struct srcpos *pos);

/* The value of key in a mapping, or NULL (also when map is not a mapping). */
struct ynode *y_get(const struct ynode *map, const char *key);
struct ypair *y_get_pair(const struct ynode *map, const char *key);
/* Replaces the value of key or appends it. Returns false on allocation failure. */
bool y_set(struct arena *a, struct ynode *map, const char *key, struct ynode *val);
bool y_set_at(struct arena *a, struct ynode *map, const char *key, const struct srcpos *kpos,
	      struct ynode *val);
/* Appends key, which map does not hold, without copying it: the parser's
 * keys are in the arena already. Returns false on allocation failure. */
bool y_append_pair(struct arena *a, struct ynode *map, const char *key, const struct srcpos *kpos,
		   struct ynode *val);
void y_del(struct ynode *map, const char *key);
bool y_push(struct arena *a, struct ynode *seq, struct ynode *item);

/* Deep copy; *budget is decremented by the number of nodes made and the copy
 * fails (NULL) when it would go below zero. */
struct ynode *y_copy(struct arena *a, const struct ynode *n, long *budget);

bool y_is_scalar(const struct ynode *n);
/* Scalar text as a string (numbers and booleans as written); NULL for collections. */
const char *y_text(const struct ynode *n);
bool y_equal(const struct ynode *x, const struct ynode *y);
/* x and y are the same as parsed: kinds, quoting, positions, keys in their
 * order and texts byte for byte (two ways of reading one input agree). */
bool y_identical(const struct ynode *x, const struct ynode *y);

/* Sorts mapping keys bytewise, recursively when deep is set. */
void y_sort_keys(struct ynode *map, bool deep);

const char *y_kind_name(enum ykind kind);

/* Float formatting that round-trips, shortest form ("0.5", "2", "1e+20"). */
void y_format_double(double v, char *out, size_t size);

#endif
