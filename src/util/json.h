/* JSON out: a small streaming writer for the reports (objects, arrays,
 * members, strings, numbers, booleans; the commas and, when asked, the
 * indentation are its business), and the string literal it rests on. */
#ifndef KG_JSON_H
#define KG_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Appends s as a quoted JSON string; bytes that are not valid UTF-8 (a line
 * cut in the middle of a character) become U+FFFD, so the output parses. */
void json_string(struct buf *b, const char *s);

#define JSON_MAX_DEPTH 32

struct json {
	struct buf *b;
	bool pretty;                      /* one member or element per line, indented by two */
	int depth;
	bool has_items[JSON_MAX_DEPTH];   /* the open object or array has a member already */
	char closer[JSON_MAX_DEPTH];      /* '}' or ']' */
	bool after_key;                   /* the next value is a member's */
	bool failed;                      /* misused (too deep, a key outside an object, an
					   * end too many): b->failed is set too */
};

void json_init(struct json *j, struct buf *b, bool pretty);
void json_object(struct json *j);
void json_array(struct json *j);
/* Closes the innermost object or array; a pretty document ends with a
 * line break. */
void json_end(struct json *j);
/* The name of the next member. */
void json_key(struct json *j, const char *key);

void json_str(struct json *j, const char *s);   /* NULL writes null */
void json_int(struct json *j, long long v);
void json_uint(struct json *j, size_t v);
/* v with that many decimals; NaN and infinities write null. */
void json_fixed(struct json *j, double v, int decimals);
void json_bool(struct json *j, bool v);

/* key and value in one call. */
void json_member_str(struct json *j, const char *key, const char *s);
void json_member_int(struct json *j, const char *key, long long v);
void json_member_uint(struct json *j, const char *key, size_t v);
void json_member_fixed(struct json *j, const char *key, double v, int decimals);
void json_member_bool(struct json *j, const char *key, bool v);
/* key and an opened object or array, closed by json_end. */
void json_member_object(struct json *j, const char *key);
void json_member_array(struct json *j, const char *key);

#endif
