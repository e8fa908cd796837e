#include "yaml/parse.h"

#include <libfyaml.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const struct yaml_limits yaml_default_limits = {
	.max_nodes = 300000,
	.max_depth = 256,
};

struct frame {
	struct ynode *node;
	const char *key;          /* mapping: key waiting for its value */
	struct srcpos kpos;
	bool is_merge_key;        /* the pending key is `<<` */
	struct ynode **merges;    /* mapping: sources of `<<`, in order */
	size_t nmerges, capmerges;
	char *anchor;             /* collection's anchor, completed at its end */
};

struct anchor {
	char *name;
	struct ynode *node;       /* NULL while the anchored collection is still open */
};

struct builder {
	struct arena *a;
	struct diags *d;
	const char *file;
	const struct yaml_limits *lim;
	struct frame *stack;
	int depth, cap;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	long budget;
	struct ynode *root;
	bool failed;
	int line_base;            /* lines before the parsed text in its file */
};

static struct srcpos mark_pos(const struct builder *b, const struct fy_mark *m)
{
	struct srcpos p = {b->file, 1, 1};

	if (m) {
		p.line = b->line_base + m->line + 1;
		p.col = m->column + 1;
	}
	return p;
}

static void fail(struct builder *b, const struct srcpos *pos, const char *fix, const char *what)
{
	if (!b->failed)
		diag_add(b->d, DIAG_ERROR, pos, fix, "%s", what);
	b->failed = true;
}

static void fail_oom(struct builder *b, const struct srcpos *pos)
{
	fail(b, pos, "split the file or remove repeated aliases",
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
	if (b->nanchors == b->capanchors) {
		size_t cap = b->capanchors ? b->capanchors * 2 : 16;
		struct anchor *v = realloc(b->anchors, cap * sizeof(*v));
		if (!v)
			return false;
		b->anchors = v;
		b->capanchors = cap;
	}
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
	snprintf(msg, sizeof(msg), "aliases and merge keys expand the document to more than %ld nodes",
		 b->lim->max_nodes);
	fail(b, pos, "remove the repeated aliases (an \"alias bomb\" expands exponentially)", msg);
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
				fail(b, &v->items[i]->pos, "list only aliases of mappings after `<<:`",
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
	fail(b, &v->pos, "write `<<: *anchor` or `<<: [*a, *b]`",
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
			fail(b, &v->pos, "use a plain string as the key",
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
			fail(b, &f->kpos, "remove one of them: YAML forbids repeated keys and tools disagree on which wins", msg);
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

static void on_scalar(struct builder *b, struct fy_event *fye)
{
	struct fy_token *val = fye->scalar.value;
	struct srcpos pos = mark_pos(b, fy_event_start_mark(fye));
	enum fy_scalar_style style = fy_token_scalar_style(val);
	size_t len = 0;
	const char *text = fy_token_get_text(val, &len);
	bool force_str, plain_merge;
	enum ymerge_tag tag = tag_of(b, fye->scalar.tag, &pos, &force_str);
	struct ynode *n;
	const char *anchor = anchor_name(fye->scalar.anchor);

	if (!take_budget(b, &pos))
		return;
	if (!text) {
		text = "";
		len = 0;
	}
	if (style == FYSS_PLAIN && !force_str && !fye->scalar.tag)
		n = y_scalar_plain(b->a, text, len, &pos);
	else if (style == FYSS_PLAIN && tag == YTAG_RESET && len == 0)
		n = y_null(b->a, &pos);
	else {
		n = y_strn(b->a, text, len, &pos);
		if (n)
			n->quoted = style != FYSS_PLAIN;
	}
	if (!n) {
		fail_oom(b, &pos);
		return;
	}
	n->tag = tag;
	if (anchor && !anchor_set(b, anchor, n)) {
		fail_oom(b, &pos);
		return;
	}
	plain_merge = style == FYSS_PLAIN && len == 2 && memcmp(text, "<<", 2) == 0;
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
		fail(b, &pos, "define `&name` before using `*name`", msg);
		return;
	}
	if (!an->node) {
		snprintf(msg, sizeof(msg), "alias *%.200s refers to a collection that contains it", name);
		fail(b, &pos, "remove the recursive alias", msg);
		return;
	}
	/* A merge source is only read, so it need not be copied. */
	if (f && f->node->kind == Y_MAP && f->key && f->is_merge_key) {
		attach(b, an->node, false);
		return;
	}
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
		fail(b, &pos, "flatten the structure; no Compose or Kubernetes file nests this deep", msg);
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

/* libfyaml reports through this callback; only the first error is kept. */
struct first_error {
	char msg[512];
	bool seen;
};

static void capture_diag(struct fy_diag *diag, void *user, const char *text, size_t len)
{
	struct first_error *fe = user;

	(void)diag;
	if (fe->seen)
		return;
	if (len >= sizeof(fe->msg))
		len = sizeof(fe->msg) - 1;
	memcpy(fe->msg, text, len);
	while (len && (fe->msg[len - 1] == '\n' || fe->msg[len - 1] == ' '))
		len--;
	fe->msg[len] = '\0';
	fe->seen = true;
}

/* The captured text reads "<line>:<col>: error: <message>" (1-based). */
static void report_parser_error(struct builder *b, const struct first_error *fe)
{
	struct srcpos pos = {b->file, 0, 0};
	const char *msg = fe->msg;
	char text[600];
	int line, col, used = 0;

	/* Strings parsed from memory carry a "<memory-@...>:" input name. */
	if (msg[0] == '<' && strstr(msg, ">:"))
		msg = strstr(msg, ">:") + 2;
	/* Files libfyaml opened itself carry their name. */
	else if (b->file && strncmp(msg, b->file, strlen(b->file)) == 0 && msg[strlen(b->file)] == ':')
		msg += strlen(b->file) + 1;
	if (fe->seen && sscanf(msg, "%d:%d:%n", &line, &col, &used) == 2 && used > 0) {
		pos.line = b->line_base + line;
		pos.col = col;
		msg += used;
		while (*msg == ' ')
			msg++;
		if (strncmp(msg, "error:", 6) == 0)
			msg += 6;
		while (*msg == ' ')
			msg++;
	}
	snprintf(text, sizeof(text), "invalid YAML: %s", fe->seen && *msg ? msg : "syntax error");
	fail(b, &pos, "fix the YAML syntax at this position", text);
}

static bool is_utf8_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Bytes from i on that are ASCII other than NUL, eight at a time: the
 * common case, checked without the per-byte work of yaml_check_text. */
static size_t skip_plain_ascii(const unsigned char *s, size_t i, size_t len)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;

	while (i + 8 <= len) {
		uint64_t v;

		memcpy(&v, s + i, sizeof(v));
		/* a high bit or a zero byte: left to the byte loop */
		if ((v & highs) || ((v - ones) & ~v & highs))
			break;
		i += 8;
	}
	return i;
}

/* The line and column (in characters) of byte i: counted only when there
 * is a problem to locate, so the check itself does not count. */
static struct srcpos text_pos(const char *file, const unsigned char *s, size_t i)
{
	struct srcpos pos = {file, 1, 1};

	for (size_t k = 0; k < i; k++) {
		if (s[k] == '\n') {
			pos.line++;
			pos.col = 1;
		} else if (!is_utf8_cont(s[k])) {
			pos.col++;
		}
	}
	return pos;
}

int yaml_check_text(struct diags *d, const char *file, const char *data, size_t len)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t i = 0;

	while (i < len) {
		unsigned char c;
		size_t need = 0;
		uint32_t cp = 0;

		i = skip_plain_ascii(s, i, len);
		if (i >= len)
			break;
		c = s[i];
		if (c == 0) {
			struct srcpos pos = text_pos(file, s, i);
			diag_add(d, DIAG_ERROR, &pos, "remove the NUL byte; the file may be binary or UTF-16",
				 "the file contains a NUL byte");
			return -1;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0 && c >= 0xC2)
			need = 1, cp = c & 0x1F;
		else if ((c & 0xF0) == 0xE0)
			need = 2, cp = c & 0x0F;
		else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
			need = 3, cp = c & 0x07;
		if (need) {
			bool ok = true;
			for (size_t k = 1; ok && k <= need; k++) {
				if (i + k >= len || !is_utf8_cont(s[i + k]))
					ok = false;
				else
					cp = (cp << 6) | (s[i + k] & 0x3F);
			}
			if (ok && !((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
				    (cp >= 0xD800 && cp <= 0xDFFF))) {
				i += need + 1;
				continue;
			}
		}
		{
			struct srcpos pos = text_pos(file, s, i);
			diag_add(d, DIAG_ERROR, &pos, "save the file as UTF-8",
				 "invalid UTF-8 byte 0x%02X", c);
		}
		return -1;
	}
	return 0;
}

static void builder_reset_doc(struct builder *b)
{
	for (int i = 0; i < b->depth; i++) {
		free(b->stack[i].anchor);
		free(b->stack[i].merges);
	}
	b->depth = 0;
	b->root = NULL;
	b->budget = b->lim->max_nodes;
	anchors_clear(b);
}

/* One parser, set up to collect its first error for the builder. */
static struct fy_parser *make_parser(struct first_error *first)
{
	struct fy_parse_cfg cfg;
	struct fy_diag_cfg dcfg;
	struct fy_diag *diag;
	struct fy_parser *fyp;

	memset(first, 0, sizeof(*first));
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = capture_diag;
	dcfg.user = first;
	dcfg.level = FYET_ERROR;
	dcfg.colorize = false;
	dcfg.show_source = false;
	dcfg.show_position = true;
	dcfg.show_type = true;
	dcfg.show_module = false;
	dcfg.source_width = 0;
	dcfg.position_width = 0;
	dcfg.type_width = 0;
	diag = fy_diag_create(&dcfg);
	if (!diag)
		return NULL;
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = FYPCF_DEFAULT_VERSION_1_2;
	cfg.diag = diag;
	fyp = fy_parser_create(&cfg);
	fy_diag_unref(diag);
	return fyp;
}

static int run_parser(struct fy_parser *fyp, struct first_error *first, struct arena *a, struct diags *d,
		      const char *file, int line_base, const struct yaml_limits *lim, yaml_doc_fn fn, void *user)
{
	struct builder b;
	struct fy_event *fye;
	int index = 0, rc = 0;

	memset(&b, 0, sizeof(b));
	b.line_base = line_base;
	b.a = a;
	b.d = d;
	b.file = file;
	b.lim = lim ? lim : &yaml_default_limits;
	b.budget = b.lim->max_nodes;
	while (!b.failed && (fye = fy_parser_parse(fyp)) != NULL) {
		switch (fye->type) {
		case FYET_DOCUMENT_START:
			builder_reset_doc(&b);
			break;
		case FYET_DOCUMENT_END:
			if (!b.failed) {
				struct srcpos pos = {file, 1, 1};
				if (!b.root)
					b.root = y_null(a, &pos);
				if (!b.root)
					fail_oom(&b, &pos);
				else if (fn)
					rc = fn(b.root, index, user);
				index++;
				b.root = NULL;
			}
			break;
		case FYET_SCALAR:
			on_scalar(&b, fye);
			break;
		case FYET_ALIAS:
			on_alias(&b, fye);
			break;
		case FYET_MAPPING_START:
			on_collection_start(&b, fye, Y_MAP);
			break;
		case FYET_SEQUENCE_START:
			on_collection_start(&b, fye, Y_SEQ);
			break;
		case FYET_MAPPING_END:
		case FYET_SEQUENCE_END:
			on_collection_end(&b);
			break;
		default:
			break;
		}
		fy_parser_event_free(fyp, fye);
		if (rc)
			break;
	}
	if (!b.failed && !rc && fy_parser_get_stream_error(fyp))
		report_parser_error(&b, first);
	builder_reset_doc(&b);
	free(b.stack);
	free(b.anchors);
	fy_parser_destroy(fyp);
	if (b.failed)
		return -1;
	return rc;
}

/* Runs a parser whose input was just set (set_rc is the setter's result). */
static int parse_input(struct fy_parser *fyp, int set_rc, struct first_error *first, struct arena *a,
		       struct diags *d, const char *file, const struct yaml_limits *lim, yaml_doc_fn fn, void *user)
{
	if (set_rc != 0) {
		fy_parser_destroy(fyp);
		return -1;
	}
	return run_parser(fyp, first, a, d, file, 0, lim, fn, user);
}

int yaml_parse_stream(struct arena *a, struct diags *d, const char *file,
		      const char *data, size_t len, const struct yaml_limits *lim,
		      yaml_doc_fn fn, void *user)
{
	struct first_error first;
	struct fy_parser *fyp;

	if (yaml_check_text(d, file, data, len) != 0)
		return -1;
	fyp = make_parser(&first);
	if (!fyp)
		return -1;
	return parse_input(fyp, fy_parser_set_string(fyp, data, len), &first, a, d, file, lim, fn, user);
}

int yaml_parse_fp(struct arena *a, struct diags *d, const char *file, FILE *fp,
		  const struct yaml_limits *lim, yaml_doc_fn fn, void *user)
{
	struct first_error first;
	struct fy_parser *fyp = make_parser(&first);

	if (!fyp)
		return -1;
	return parse_input(fyp, fy_parser_set_input_fp(fyp, file, fp), &first, a, d, file, lim, fn, user);
}

/* A named file: libfyaml maps it rather than copying it through stdio. */
int yaml_parse_path(struct arena *a, struct diags *d, const char *file, const struct yaml_limits *lim,
		    yaml_doc_fn fn, void *user)
{
	struct first_error first;
	struct fy_parser *fyp = make_parser(&first);

	if (!fyp)
		return -1;
	return parse_input(fyp, fy_parser_set_input_file(fyp, file), &first, a, d, file, lim, fn, user);
}

int yaml_parse_part(struct arena *a, struct diags *d, const char *file, int line_base, const char *data, size_t len,
		    const struct yaml_limits *lim, yaml_doc_fn fn, void *user)
{
	struct first_error first;
	struct fy_parser *fyp;
	size_t before = d->n;

	if (yaml_check_text(d, file, data, len) != 0) {
		for (size_t i = before; i < d->n; i++)
			d->v[i].line += d->v[i].line > 0 ? line_base : 0;
		return -1;
	}
	fyp = make_parser(&first);
	if (!fyp)
		return -1;
	if (fy_parser_set_string(fyp, data, len) != 0) {
		fy_parser_destroy(fyp);
		return -1;
	}
	return run_parser(fyp, &first, a, d, file, line_base, lim, fn, user);
}
