#include "yaml/node.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const struct srcpos no_pos = {NULL, 0, 0};

struct ynode *y_new(struct arena *a, enum ykind kind, const struct srcpos *pos)
{
	struct ynode *n = arena_alloc(a, sizeof(*n));

	if (!n)
		return NULL;
	n->kind = kind;
	n->pos = pos ? *pos : no_pos;
	return n;
}

/* n with its source text s; NULL when n is NULL or the copy fails. */
static struct ynode *with_text(struct arena *a, struct ynode *n, const char *s, size_t len)
{
	if (!n)
		return NULL;
	n->text = arena_strndup(a, s, len);
	if (!n->text)
		return NULL;
	n->len = len;
	return n;
}

/* A node and a copy of its text in one allocation, the text right after
 * the node: one arena call instead of two for most scalars of a document. */
static struct ynode *y_new_text(struct arena *a, enum ykind kind, const struct srcpos *pos, const char *s,
				size_t len)
{
	struct ynode *n;
	char *text;

	if (len > SIZE_MAX - sizeof(*n) - 1 || !(n = arena_alloc(a, sizeof(*n) + len + 1)))
		return NULL;
	text = (char *)(n + 1);
	if (len)
		memcpy(text, s, len);
	text[len] = '\0';
	n->kind = kind;
	n->pos = pos ? *pos : no_pos;
	n->text = text;
	n->len = len;
	return n;
}

struct ynode *y_strn(struct arena *a, const char *s, size_t len, const struct srcpos *pos)
{
	return y_new_text(a, Y_STR, pos, s, len);
}

struct ynode *y_str(struct arena *a, const char *s, const struct srcpos *pos)
{
	return y_strn(a, s, strlen(s), pos);
}

struct ynode *y_int(struct arena *a, long long v, const struct srcpos *pos)
{
	struct ynode *n = y_new(a, Y_INT, pos);

	if (!n)
		return NULL;
	n->i = v;
	n->text = arena_printf(a, "%lld", v);
	if (!n->text)
		return NULL;
	n->len = strlen(n->text);
	return n;
}

void y_format_double(double v, char *out, size_t size)
{
	if (isnan(v)) {
		snprintf(out, size, ".nan");
		return;
	}
	if (isinf(v)) {
		snprintf(out, size, v > 0 ? ".inf" : "-.inf");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, size, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

struct ynode *y_float(struct arena *a, double v, const struct srcpos *pos)
{
	struct ynode *n = y_new(a, Y_FLOAT, pos);
	char tmp[64];

	if (!n)
		return NULL;
	n->f = v;
	y_format_double(v, tmp, sizeof(tmp));
	n->text = arena_strdup(a, tmp);
	if (!n->text)
		return NULL;
	n->len = strlen(n->text);
	return n;
}

struct ynode *y_bool(struct arena *a, bool v, const struct srcpos *pos)
{
	struct ynode *n = y_new(a, Y_BOOL, pos);

	if (!n)
		return NULL;
	n->b = v;
	n->text = v ? "true" : "false";
	n->len = strlen(n->text);
	return n;
}

struct ynode *y_null(struct arena *a, const struct srcpos *pos)
{
	struct ynode *n = y_new(a, Y_NULL, pos);

	if (!n)
		return NULL;
	n->text = "";
	return n;
}

/* Every plain scalar of every document comes here, keys included: the
 * first character decides before any length is taken. */
static bool is_one_of(const char *s, size_t len, const char *const *words)
{
	for (; *words; words++)
		if ((len == 0 || (*words)[0] == s[0]) && strlen(*words) == len && memcmp(s, *words, len) == 0)
			return true;
	return false;
}

static bool all_digits(const char *s, size_t len, const char *set)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!strchr(set, s[i]))
			return false;
	return true;
}

static bool all_decimal(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The first characters of null, booleans and numbers (~ n N t T f F, digits,
 * + - .): any other starts a string. */
static bool may_be_typed(char c)
{
	return (c >= '0' && c <= '9') || c == '~' || c == 'n' || c == 'N' || c == 't' || c == 'T' || c == 'f' ||
	       c == 'F' || c == '+' || c == '-' || c == '.';
}

static bool looks_float(const char *s, size_t len)
{
	size_t i = 0, digits = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (!digits)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t exp = 0;
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, exp++;
		if (!exp)
			return false;
	}
	return i == len;
}

struct ynode *y_scalar_plain(struct arena *a, const char *s, size_t len, const struct srcpos *pos)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const trues[] = {"true", "True", "TRUE", NULL};
	static const char *const falses[] = {"false", "False", "FALSE", NULL};
	static const char *const infs[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL};
	static const char *const ninfs[] = {"-.inf", "-.Inf", "-.INF", NULL};
	static const char *const nans[] = {".nan", ".NaN", ".NAN", NULL};
	struct ynode *n;
	const char *body = s;
	size_t blen = len;
	char c0 = len ? s[0] : '\0';

	/* Most plain scalars are words: only a few first characters can start
	 * null, a boolean or a number, so the rest skip the comparisons. */
	if (len && !may_be_typed(c0))
		return y_new_text(a, Y_STR, pos, s, len);
	if (len == 0 || ((c0 == '~' || c0 == 'n' || c0 == 'N') && is_one_of(s, len, nulls)))
		n = y_new(a, Y_NULL, pos);
	else if (c0 == 'n' || c0 == 'N' || c0 == '~')
		n = y_new(a, Y_STR, pos);
	else if (c0 == 't' || c0 == 'T' || c0 == 'f' || c0 == 'F') {
		bool yes = is_one_of(s, len, trues);

		n = y_new(a, yes || is_one_of(s, len, falses) ? Y_BOOL : Y_STR, pos);
		if (n)
			n->b = yes;
	} else {
		if (blen && (body[0] == '-' || body[0] == '+'))
			body++, blen--;
		if (all_decimal(body, blen) ||
		    (len > 2 && s[0] == '0' && s[1] == 'o' && all_digits(s + 2, len - 2, "01234567")) ||
		    (len > 2 && s[0] == '0' && s[1] == 'x' && all_digits(s + 2, len - 2, "0123456789abcdefABCDEF"))) {
			char tmp[64];
			int base = 10;
			const char *digits = s;
			size_t dl = len;

			if (len > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
				base = s[1] == 'o' ? 8 : 16;
				digits = s + 2;
				dl = len - 2;
			}
			if (dl < sizeof(tmp)) {
				memcpy(tmp, digits, dl);
				tmp[dl] = '\0';
				errno = 0;
				long long v = strtoll(tmp, NULL, base);
				if (errno == 0) {
					n = y_new(a, Y_INT, pos);
					if (n)
						n->i = v;
					goto text;
				}
			}
			/* Out of range for an integer: keep it as text. */
			n = y_new(a, Y_STR, pos);
		} else if (looks_float(s, len) || is_one_of(s, len, infs) ||
			   is_one_of(s, len, ninfs) || is_one_of(s, len, nans)) {
			n = y_new(a, Y_FLOAT, pos);
			if (n) {
				if (is_one_of(s, len, infs))
					n->f = INFINITY;
				else if (is_one_of(s, len, ninfs))
					n->f = -INFINITY;
				else if (is_one_of(s, len, nans))
					n->f = NAN;
				else {
					char *tmp = arena_strndup(a, s, len);
					if (!tmp)
						return NULL;
					n->f = strtod(tmp, NULL);
				}
			}
		} else {
			n = y_new(a, Y_STR, pos);
		}
	}
text:
	return with_text(a, n, s, len);
}

#define INDEX_MIN_KEYS 16

static size_t hash_key(const char *k)
{
	size_t h = 1469598103934665603ULL;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

struct ypair *y_get_pair(const struct ynode *map, const char *key)
{
	if (!map || map->kind != Y_MAP)
		return NULL;
	if (map->index) {
		size_t mask = map->index_cap - 1;

		for (size_t h = hash_key(key) & mask;; h = (h + 1) & mask) {
			unsigned slot = map->index[h];
			if (!slot)
				return NULL;
			if (strcmp(map->pairs[slot - 1].key, key) == 0)
				return &map->pairs[slot - 1];
		}
	}
	/* The first byte first: most keys differ there, and lookups are hot. */
	for (size_t i = 0; i < map->n; i++)
		if (map->pairs[i].key[0] == key[0] && strcmp(map->pairs[i].key, key) == 0)
			return &map->pairs[i];
	return NULL;
}

static void index_put(struct ynode *map, size_t i)
{
	size_t mask = map->index_cap - 1;
	size_t h = hash_key(map->pairs[i].key) & mask;

	while (map->index[h])
		h = (h + 1) & mask;
	map->index[h] = (unsigned)(i + 1);
}

/* Keeps the index at most half full; rebuilds it when it is missing. A
 * mapping without an index still works, only slower. */
static void index_update(struct arena *a, struct ynode *map)
{
	size_t cap;

	if (map->n < INDEX_MIN_KEYS)
		return;
	if (map->index && map->n * 2 <= map->index_cap) {
		index_put(map, map->n - 1);
		return;
	}
	cap = map->index_cap ? map->index_cap : 64;
	while (cap < map->n * 4)
		cap *= 2;
	map->index = arena_alloc(a, cap * sizeof(*map->index));
	if (!map->index) {
		map->index_cap = 0;
		return;
	}
	map->index_cap = cap;
	for (size_t i = 0; i < map->n; i++)
		index_put(map, i);
}

struct ynode *y_get(const struct ynode *map, const char *key)
{
	struct ypair *p = y_get_pair(map, key);
	return p ? p->val : NULL;
}

static bool grow(struct arena *a, void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return true;
	ncap = *cap ? *cap * 2 : 4;
	p = arena_alloc(a, ncap * elem);
	if (!p)
		return false;
	if (n)
		memcpy(p, *arr, n * elem);
	*arr = p;
	*cap = ncap;
	return true;
}

bool y_set_at(struct arena *a, struct ynode *map, const char *key, const struct srcpos *kpos,
	      struct ynode *val)
{
	struct ypair *p = y_get_pair(map, key);

	const char *copy;

	if (p) {
		p->val = val;
		return true;
	}
	copy = arena_strdup(a, key);
	return copy && y_append_pair(a, map, copy, kpos, val);
}

bool y_append_pair(struct arena *a, struct ynode *map, const char *key, const struct srcpos *kpos, struct ynode *val)
{
	struct ypair *p;

	if (!grow(a, (void **)&map->pairs, &map->cap, map->n, sizeof(struct ypair)))
		return false;
	p = &map->pairs[map->n];
	p->key = key;
	p->kpos = kpos ? *kpos : (val ? val->pos : no_pos);
	p->val = val;
	map->n++;
	index_update(a, map);
	return true;
}

bool y_set(struct arena *a, struct ynode *map, const char *key, struct ynode *val)
{
	return y_set_at(a, map, key, NULL, val);
}

void y_del(struct ynode *map, const char *key)
{
	if (!map || map->kind != Y_MAP)
		return;
	for (size_t i = 0; i < map->n; i++) {
		if (strcmp(map->pairs[i].key, key) == 0) {
			memmove(&map->pairs[i], &map->pairs[i + 1], (map->n - i - 1) * sizeof(struct ypair));
			map->n--;
			map->index = NULL;
			map->index_cap = 0;
			return;
		}
	}
}

bool y_push(struct arena *a, struct ynode *seq, struct ynode *item)
{
	if (!grow(a, (void **)&seq->items, &seq->cap, seq->n, sizeof(struct ynode *)))
		return false;
	seq->items[seq->n++] = item;
	return true;
}

struct ynode *y_copy(struct arena *a, const struct ynode *n, long *budget)
{
	struct ynode *c;

	if (--*budget < 0)
		return NULL;
	c = arena_alloc(a, sizeof(*c));
	if (!c)
		return NULL;
	*c = *n;
	c->items = NULL;
	c->pairs = NULL;
	c->index = NULL;
	c->n = c->cap = c->index_cap = 0;
	if (n->kind == Y_SEQ) {
		for (size_t i = 0; i < n->n; i++) {
			struct ynode *item = y_copy(a, n->items[i], budget);
			if (!item || !y_push(a, c, item))
				return NULL;
		}
	} else if (n->kind == Y_MAP) {
		for (size_t i = 0; i < n->n; i++) {
			struct ynode *v = y_copy(a, n->pairs[i].val, budget);
			if (!v || !y_set_at(a, c, n->pairs[i].key, &n->pairs[i].kpos, v))
				return NULL;
		}
	}
	return c;
}

bool y_is_scalar(const struct ynode *n)
{
	return n && n->kind != Y_MAP && n->kind != Y_SEQ;
}

const char *y_text(const struct ynode *n)
{
	if (!y_is_scalar(n))
		return NULL;
	return n->text ? n->text : "";
}

bool y_equal(const struct ynode *x, const struct ynode *y)
{
	if (!x || !y)
		return x == y;
	if (y_is_scalar(x) && y_is_scalar(y))
		return x->kind == y->kind && strcmp(y_text(x), y_text(y)) == 0;
	if (x->kind != y->kind || x->n != y->n)
		return false;
	for (size_t i = 0; i < x->n; i++) {
		if (x->kind == Y_SEQ) {
			if (!y_equal(x->items[i], y->items[i]))
				return false;
		} else if (!y_equal(x->pairs[i].val, y_get(y, x->pairs[i].key))) {
			return false;
		}
	}
	return true;
}

bool y_identical(const struct ynode *x, const struct ynode *y)
{
	if (!x || !y)
		return x == y;
	if (x->kind != y->kind || x->quoted != y->quoted || x->n != y->n || x->pos.line != y->pos.line ||
	    x->pos.col != y->pos.col)
		return false;
	if (x->kind == Y_MAP) {
		for (size_t i = 0; i < x->n; i++)
			if (strcmp(x->pairs[i].key, y->pairs[i].key) != 0 || !y_identical(x->pairs[i].val, y->pairs[i].val))
				return false;
		return true;
	}
	if (x->kind == Y_SEQ) {
		for (size_t i = 0; i < x->n; i++)
			if (!y_identical(x->items[i], y->items[i]))
				return false;
		return true;
	}
	return x->len == y->len && (x->len == 0 || memcmp(x->text, y->text, x->len) == 0);
}

static int pair_cmp(const void *l, const void *r)
{
	return strcmp(((const struct ypair *)l)->key, ((const struct ypair *)r)->key);
}

void y_sort_keys(struct ynode *n, bool deep)
{
	if (!n)
		return;
	if (n->kind == Y_MAP && n->n > 1) {
		qsort(n->pairs, n->n, sizeof(struct ypair), pair_cmp);
		n->index = NULL;
		n->index_cap = 0;
	}
	if (!deep)
		return;
	for (size_t i = 0; i < n->n; i++) {
		if (n->kind == Y_MAP)
			y_sort_keys(n->pairs[i].val, true);
		else if (n->kind == Y_SEQ)
			y_sort_keys(n->items[i], true);
	}
}

const char *y_kind_name(enum ykind kind)
{
	switch (kind) {
	case Y_NULL: return "null";
	case Y_BOOL: return "boolean";
	case Y_INT: return "integer";
	case Y_FLOAT: return "number";
	case Y_STR: return "string";
	case Y_MAP: return "mapping";
	case Y_SEQ: return "sequence";
	}
	return "value";
}
