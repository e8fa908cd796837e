/* libfyaml events into value trees: anchors, aliases, merge keys, tags,
 * duplicate keys, the nesting and node limits. The parser that feeds it, and
 * its inputs, are in stream.c. */
#include "util/array.h"
#include "yaml/builder.h"

#include <libfyaml.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static struct srcpos mark_pos(const struct builder *b, const struct fy_mark *m)
{
	struct srcpos p = {b->file, 1, 1};

	if (m) {
		p.line = b->line_base + m->line + 1;
		p.col = m->column + 1;
	}
	return p;
}

void builder_fail(struct builder *b, const struct srcpos *pos, const char *fix, const char *what)
{
	if (!b->failed)
		diag_add(b->d, DIAG_ERROR, pos, fix, "%s", what);
	b->failed = true;
}

static void fail_oom(struct builder *b, const struct srcpos *pos)
{
	builder_fail(b, pos, "split the file or remove repeated aliases",
	     "the document needs more memory than kgenius allows for one file");
}

static void anchors_clear(struct builder *b)
{
	for (size_t i = 0; i < b->nanchors; i++)
		free(b->anchors[i].name);
	b->nanchors = 0;
}

static bool anchor_set(struct builder *b, const char *name, struct ynode *node)
{
	for (size_t i = 0; i < b->nanchors; i++) {
		if (strcmp(b->anchors[i].name, name) == 0) {
			b->anchors[i].node = node;
			return true;
		}
	}
	struct anchor *v = array_grow(b->anchors, b->nanchors, &b->capanchors, sizeof(*b->anchors));

	if (!v)
		return false;
	b->anchors = v;
	b->anchors[b->nanchors].name = strdup(name);
	if (!b->anchors[b->nanchors].name)
		return false;
	b->anchors[b->nanchors].node = node;
	b->nanchors++;
	return true;
}

static struct anchor *anchor_find(struct builder *b, const char *name)
{
	/* Latest definition wins: YAML lets an anchor be redefined. */
	for (size_t i = b->nanchors; i-- > 0;)
		if (strcmp(b->anchors[i].name, name) == 0)
			return &b->anchors[i];
	return NULL;
}

static bool take_budget(struct builder *b, const struct srcpos *pos)
{
	char msg[160];

	if (--b->budget >= 0)
		return true;
	if (!b->expanded) {
		/* a large document, not a bomb: say so */
		snprintf(msg, sizeof(msg), "the document has more than %ld nodes", b->lim->max_nodes);
		builder_fail(b, pos, "split it into several documents or files; the limit keeps memory bounded", msg);
		return false;
	}
	snprintf(msg, sizeof(msg), "aliases and merge keys expand the document to more than %ld nodes",
		 b->lim->max_nodes);
	builder_fail(b, pos, "remove the repeated aliases (an \"alias bomb\" expands exponentially)", msg);
	return false;
}

/* Applies `<<` sources: keys written in the mapping itself win, and among
 * sources the first one listed wins (YAML merge key specification). */
static bool apply_merges(struct builder *b, struct frame *f)
{
	struct ynode *map = f->node;

	for (size_t s = 0; s < f->nmerges; s++) {
		struct ynode *src = f->merges[s];

		for (size_t i = 0; i < src->n; i++) {
			struct ypair *p = &src->pairs[i];
			struct ynode *copy;

			if (y_get_pair(map, p->key))
				continue;
			b->expanded = true;
			copy = y_copy(b->a, p->val, &b->budget);
			if (!copy) {
				if (b->budget < 0)
					take_budget(b, &map->pos);
				else
					fail_oom(b, &map->pos);
				return false;
			}
			if (!y_set_at(b->a, map, p->key, &p->kpos, copy)) {
				fail_oom(b, &map->pos);
				return false;
			}
		}
	}
	return true;
}

static bool add_merge_source(struct frame *f, struct ynode *v)
{
	if (f->nmerges == f->capmerges) {
		size_t cap = f->capmerges ? f->capmerges * 2 : 4;
		struct ynode **m = realloc(f->merges, cap * sizeof(*m));
		if (!m)
			return false;
		f->merges = m;
		f->capmerges = cap;
	}
	f->merges[f->nmerges++] = v;
	return true;
}

static void merge_value(struct builder *b, struct frame *f, struct ynode *v)
{
	if (v->kind == Y_MAP) {
		if (!add_merge_source(f, v))
			fail_oom(b, &v->pos);
		return;
	}
	if (v->kind == Y_SEQ) {
		for (size_t i = 0; i < v->n; i++) {
			if (v->items[i]->kind != Y_MAP) {
				builder_fail(b, &v->items[i]->pos, "list only aliases of mappings after `<<:`",
				     "a `<<` merge list may only hold mappings");
				return;
			}
			if (!add_merge_source(f, v->items[i])) {
				fail_oom(b, &v->pos);
				return;
			}
		}
		return;
	}
	builder_fail(b, &v->pos, "write `<<: *anchor` or `<<: [*a, *b]`",
	     "the value of a `<<` merge key must be a mapping or a list of mappings");
}

/* Hands a finished node to its parent (or makes it the root). */
static void attach(struct builder *b, struct ynode *v, bool scalar_plain_merge_key)
{
	struct frame *f;

	if (b->depth == 0) {
		b->root = v;
		return;
	}
	f = &b->stack[b->depth - 1];
	if (f->node->kind == Y_SEQ) {
		if (!y_push(b->a, f->node, v))
			fail_oom(b, &v->pos);
		return;
	}
	if (!f->key) {
		if (!y_is_scalar(v)) {
			builder_fail(b, &v->pos, "use a plain string as the key",
			     "a mapping key must be a scalar, not a mapping or a list");
			return;
		}
		f->key = y_text(v);
		f->kpos = v->pos;
		f->is_merge_key = scalar_plain_merge_key;
		return;
	}
	if (f->is_merge_key) {
		merge_value(b, f, v);
	} else {
		struct ypair *dup = y_get_pair(f->node, f->key);

		if (dup) {
			char msg[512];
			snprintf(msg, sizeof(msg), "duplicate key \"%.200s\" (first at line %d)",
				 f->key, dup->kpos.line);
			builder_fail(b, &f->kpos, "remove one of them: YAML forbids repeated keys and tools disagree on which wins", msg);
		} else if (!y_append_pair(b->a, f->node, f->key, &f->kpos, v)) {
			fail_oom(b, &v->pos);
		}
	}
	f->key = NULL;
	f->is_merge_key = false;
}

static enum ymerge_tag tag_of(struct builder *b, struct fy_token *tag, const struct srcpos *pos,
			      bool *force_str)
{
	const char *handle, *suffix;
	char t[128];

	*force_str = false;
	if (!tag)
		return YTAG_NONE;
	handle = fy_tag_token_handle0(tag);
	suffix = fy_tag_token_suffix0(tag);
	snprintf(t, sizeof(t), "%s%s", handle ? handle : "", suffix ? suffix : "");
	if (strcmp(t, "!reset") == 0)
		return YTAG_RESET;
	if (strcmp(t, "!override") == 0)
		return YTAG_OVERRIDE;
	if (strcmp(t, "!!str") == 0) {
		*force_str = true;
		return YTAG_NONE;
	}
	if (strncmp(t, "!!", 2) != 0 && strcmp(t, "!") != 0)
		diag_add(b->d, DIAG_WARNING, pos, "remove the tag",
			 "unknown tag %s is ignored", t);
	return YTAG_NONE;
}

static const char *anchor_name(struct fy_token *anchor)
{
	return anchor ? fy_token_get_text0(anchor) : NULL;
}

static struct ynode *scalar_node(struct builder *b, struct fy_event *fye, enum fy_scalar_style style,
				 const char *text, size_t len, const struct srcpos *pos, enum ymerge_tag tag,
				 bool force_str)
{
	struct ynode *n;

	if (style == FYSS_PLAIN && !force_str && !fye->scalar.tag)
		return y_scalar_plain(b->a, text, len, pos);
	if (style == FYSS_PLAIN && tag == YTAG_RESET && len == 0)
		return y_null(b->a, pos);
	n = y_strn(b->a, text, len, pos);
	if (n)
		n->quoted = style != FYSS_PLAIN;
	return n;
}

/* Whether the next node is the key of the innermost open mapping. */
static bool awaits_key(const struct builder *b)
{
	return b->depth > 0 && b->stack[b->depth - 1].node->kind == Y_MAP && !b->stack[b->depth - 1].key;
}

static void on_scalar(struct builder *b, struct fy_event *fye)
{
	struct srcpos pos = mark_pos(b, fy_event_start_mark(fye));
	size_t len = 0;
	const char *text;
	char *built = NULL;
	bool force_str, plain_merge;
	enum ymerge_tag tag = tag_of(b, fye->scalar.tag, &pos, &force_str);
	struct ynode *n;
	const char *anchor = anchor_name(fye->scalar.anchor);
	enum fy_scalar_style style = fy_token_scalar_style(fye->scalar.value);

	if (!take_budget(b, &pos))
		return;
	text = scalar_token_text(b, fye->scalar.value, style, &len, &built);
	if (!text) {
		fail_oom(b, &pos);
		return;
	}
	/* A NUL can only come from an escape ("\0"): the parsed text has none
	 * (yaml_check_text), so only a text built from escapes is searched. */
	if (built && memchr(text, '\0', len)) {
		/* "\0" in a double-quoted string: every consumer reads C strings,
		 * which would end the value there */
		builder_fail(b, &pos, "remove the \\0 escape; a value cannot hold a NUL character",
			     "the string holds a NUL character (\\0)");
		free(built);
		return;
	}
	plain_merge = style == FYSS_PLAIN && len == 2 && memcmp(text, "<<", 2) == 0;
	if (!anchor && !fye->scalar.tag && awaits_key(b)) {
		/* a mapping's key: only its text is kept, so no node is made */
		struct frame *f = &b->stack[b->depth - 1];

		f->key = arena_strndup(b->a, text, len);
		free(built);
		if (!f->key)
			fail_oom(b, &pos);
		f->kpos = pos;
		f->is_merge_key = plain_merge;
		return;
	}
	n = scalar_node(b, fye, style, text, len, &pos, tag, force_str);
	free(built);
	if (!n || (anchor && !anchor_set(b, anchor, n))) {
		fail_oom(b, &pos);
		return;
	}
	n->tag = tag;
	attach(b, n, plain_merge);
}

static void on_alias(struct builder *b, struct fy_event *fye)
{
	struct srcpos pos = mark_pos(b, fy_event_start_mark(fye));
	const char *name = fy_token_get_text0(fye->alias.anchor);
	struct anchor *an = name ? anchor_find(b, name) : NULL;
	struct frame *f = b->depth ? &b->stack[b->depth - 1] : NULL;
	struct ynode *copy;
	char msg[300];

	if (!an) {
		snprintf(msg, sizeof(msg), "alias *%.200s refers to no anchor defined before it", name ? name : "");
		builder_fail(b, &pos, "define `&name` before using `*name`", msg);
		return;
	}
	if (!an->node) {
		snprintf(msg, sizeof(msg), "alias *%.200s refers to a collection that contains it", name);
		builder_fail(b, &pos, "remove the recursive alias", msg);
		return;
	}
	/* A merge source is only read, so it need not be copied. */
	if (f && f->node->kind == Y_MAP && f->key && f->is_merge_key) {
		attach(b, an->node, false);
		return;
	}
	b->expanded = true;
	copy = y_copy(b->a, an->node, &b->budget);
	if (!copy) {
		if (b->budget < 0)
			take_budget(b, &pos);
		else
			fail_oom(b, &pos);
		return;
	}
	attach(b, copy, false);
}

static void on_collection_start(struct builder *b, struct fy_event *fye, enum ykind kind)
{
	struct srcpos pos = mark_pos(b, fy_event_start_mark(fye));
	struct fy_token *tagtok = kind == Y_MAP ? fye->mapping_start.tag : fye->sequence_start.tag;
	struct fy_token *anchor = kind == Y_MAP ? fye->mapping_start.anchor : fye->sequence_start.anchor;
	bool force_str;
	struct frame *f;
	struct ynode *n;

	if (b->depth >= b->lim->max_depth) {
		char msg[128];
		snprintf(msg, sizeof(msg), "nesting deeper than %d levels", b->lim->max_depth);
		builder_fail(b, &pos, "flatten the structure; no Compose or Kubernetes file nests this deep", msg);
		return;
	}
	if (!take_budget(b, &pos))
		return;
	n = y_new(b->a, kind, &pos);
	if (!n) {
		fail_oom(b, &pos);
		return;
	}
	n->tag = tag_of(b, tagtok, &pos, &force_str);
	if (b->depth == b->cap) {
		int cap = b->cap ? b->cap * 2 : 32;
		struct frame *s = realloc(b->stack, (size_t)cap * sizeof(*s));
		if (!s) {
			fail_oom(b, &pos);
			return;
		}
		b->stack = s;
		b->cap = cap;
	}
	f = &b->stack[b->depth++];
	memset(f, 0, sizeof(*f));
	f->node = n;
	if (anchor) {
		const char *name = anchor_name(anchor);
		f->anchor = name ? strdup(name) : NULL;
		/* Registered as open, so that a recursive alias is detected. */
		if (!f->anchor || !anchor_set(b, f->anchor, NULL))
			fail_oom(b, &pos);
	}
}

static void on_collection_end(struct builder *b)
{
	struct frame *f;
	struct ynode *n;

	if (b->depth == 0)
		return;
	f = &b->stack[b->depth - 1];
	n = f->node;
	if (n->kind == Y_MAP && f->nmerges)
		apply_merges(b, f);
	if (f->anchor && !anchor_set(b, f->anchor, n))
		fail_oom(b, &n->pos);
	free(f->anchor);
	free(f->merges);
	b->depth--;
	attach(b, n, false);
}

void builder_reset_doc(struct builder *b)
{
	for (int i = 0; i < b->depth; i++) {
		free(b->stack[i].anchor);
		free(b->stack[i].merges);
	}
	b->depth = 0;
	b->root = NULL;
	b->budget = b->lim->max_nodes;
	b->expanded = false;
	anchors_clear(b);
}

void builder_event(struct builder *b, struct fy_event *fye, int *index, int *rc, yaml_doc_fn fn, void *user)
{
	switch (fye->type) {
	case FYET_DOCUMENT_START:
		builder_reset_doc(b);
		break;
	case FYET_DOCUMENT_END:
		if (!b->failed) {
			struct srcpos pos = {b->file, 1, 1};
			if (!b->root)
				b->root = y_null(b->a, &pos);
			if (!b->root)
				fail_oom(b, &pos);
			else if (fn)
				*rc = fn(b->root, *index, user);
			(*index)++;
			b->root = NULL;
		}
		break;
	case FYET_SCALAR:
		on_scalar(b, fye);
		break;
	case FYET_ALIAS:
		on_alias(b, fye);
		break;
	case FYET_MAPPING_START:
		on_collection_start(b, fye, Y_MAP);
		break;
	case FYET_SEQUENCE_START:
		on_collection_start(b, fye, Y_SEQ);
		break;
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		on_collection_end(b);
		break;
	default:
		break;
	}
}

