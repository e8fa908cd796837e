#include "yaml/emit.h"

#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

/* Words YAML 1.1 readers (PyYAML, old Go yaml) turn into booleans or null. */
static bool is_yaml11_word(const char *s, size_t len)
{
	static const char *const words[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF",
		"null", "Null", "NULL", "~", NULL,
	};

	for (const char *const *w = words; *w; w++)
		if (strlen(*w) == len && memcmp(*w, s, len) == 0)
			return true;
	return false;
}

/* Anything that starts like a number and holds only number characters may be
 * an int, float, octal, hex or sexagesimal ("22:22") to some reader, or a
 * YAML 1.1 timestamp ("2026-11-27T09:30:00Z", a datetime to PyYAML). */
static bool may_be_number(const char *s, size_t len)
{
	if (!strchr("0123456789+-.", s[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789abcdefABCDEFxXoO_:.+-tTzZ", s[i]))
			return false;
	return true;
}

bool yaml_plain_safe(const char *s, size_t len)
{
	if (len == 0 || is_yaml11_word(s, len) || may_be_number(s, len))
		return false;
	/* "-" starts a plain scalar when a non-blank follows ("--optimized"). */
	if (s[0] == '-' && (len == 1 || s[1] == ' ' || s[1] == '\t'))
		return false;
	if (strchr("?:,[]{}#&*!|>'\"%@` \t", (unsigned char)s[0]))
		return false;
	if (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == ':')
		return false;
	if (len >= 3 && (memcmp(s, "...", 3) == 0))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		if (c == ':' && i + 1 < len && (s[i + 1] == ' ' || s[i + 1] == '\t'))
			return false;
		if (c == '#' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
			return false;
	}
	return true;
}

/* Multi-line text reads best as a literal block, unless a line would lose
 * trailing blanks or the text holds control characters. */
static bool literal_ok(const char *s, size_t len)
{
	bool newline = false;

	if (len == 0 || s[0] == ' ' || s[0] == '\t')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n') {
			newline = true;
			if (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
				return false;
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			return false;
		}
	}
	return newline && s[len - 1] != ' ' && s[len - 1] != '\t';
}

/* A YAML double-quoted scalar for s; libfyaml parses it into a node that
 * keeps its quoted style when emitted. */
static bool quote_double(struct buf *b, const char *s, size_t len)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\\': buf_puts(b, "\\\\"); break;
		case '"': buf_puts(b, "\\\""); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\r': buf_puts(b, "\\r"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_printf(b, "\\x%02X", c);
			else
				buf_putc(b, (char)c);
		}
	}
	return buf_putc(b, '"');
}

/* A literal block scalar ("|") with the chomping indicator the text needs. */
static bool quote_literal(struct buf *b, const char *s, size_t len)
{
	bool trailing_newline = len && s[len - 1] == '\n';
	bool several = len > 1 && s[len - 1] == '\n' && s[len - 2] == '\n';
	const char *p = s, *end = s + len;

	buf_puts(b, several ? "|+\n" : trailing_newline ? "|\n" : "|-\n");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n)
			buf_puts(b, "  ");
		buf_append(b, p, n);
		buf_putc(b, '\n');
		p += n + (nl ? 1 : 0);
	}
	return !b->failed;
}

static struct fy_node *styled_scalar(struct fy_document *fyd, const char *text, size_t len,
				     enum yaml_format fmt)
{
	struct buf b = BUF_INIT;
	struct fy_node *n = NULL;

	if (fmt == FMT_YAML && yaml_plain_safe(text, len))
		return fy_node_create_scalar_copy(fyd, text, len);
	if (fmt == FMT_YAML && literal_ok(text, len) ? quote_literal(&b, text, len)
						       : quote_double(&b, text, len)) {
		/* The node keeps pointing into its source, which the document
		 * then owns and frees. */
		n = fy_node_build_from_malloc_string(fyd, b.data, b.len);
		if (n)
			return n;
	}
	buf_free(&b);
	return NULL;
}

static struct fy_node *build_node(struct fy_document *fyd, const struct ynode *n, enum yaml_format fmt)
{
	struct fy_node *out;

	switch (n->kind) {
	case Y_NULL:
		return fy_node_create_scalar(fyd, "null", 4);
	case Y_BOOL:
		return fy_node_create_scalar(fyd, n->b ? "true" : "false", n->b ? 4 : 5);
	case Y_INT:
	case Y_FLOAT:
		return fy_node_create_scalar_copy(fyd, n->text, n->len);
	case Y_STR:
		return styled_scalar(fyd, n->text, n->len, fmt);
	case Y_SEQ:
		out = fy_node_create_sequence(fyd);
		for (size_t i = 0; out && i < n->n; i++) {
			struct fy_node *item = build_node(fyd, n->items[i], fmt);
			if (!item || fy_node_sequence_append(out, item) != 0)
				return NULL;
		}
		return out;
	case Y_MAP:
		out = fy_node_create_mapping(fyd);
		for (size_t i = 0; out && i < n->n; i++) {
			const char *k = n->pairs[i].key;
			struct fy_node *key = styled_scalar(fyd, k, strlen(k), fmt);
			struct fy_node *val = key ? build_node(fyd, n->pairs[i].val, fmt) : NULL;

			if (!val || fy_node_mapping_append(out, key, val) != 0)
				return NULL;
		}
		return out;
	}
	return NULL;
}

/* JSON is written here, not by libfyaml: libfyaml 0.7's emitter leaks a
 * chunk (4 KiB) when it writes a string with many escapes in JSON mode (its
 * atom iterator's grown chunk is never freed; reported upstream as
 * https://github.com/pantoniou/libfyaml/issues/233). The layout is the one
 * libfyaml wrote: two spaces per level, one entry a line, [] and {} when empty. */
static void json_indent(struct buf *b, int depth)
{
	buf_putc(b, '\n');
	for (int i = 0; i < depth; i++)
		buf_puts(b, "  ");
}

static void emit_json(struct buf *b, const struct ynode *n, int depth)
{
	switch (n->kind) {
	case Y_NULL:
		buf_puts(b, "null");
		return;
	case Y_BOOL:
		buf_puts(b, n->b ? "true" : "false");
		return;
	case Y_INT:
	case Y_FLOAT:
		buf_append(b, n->text, n->len);
		return;
	case Y_STR:
		json_string(b, n->text);
		return;
	case Y_SEQ:
	case Y_MAP:
		break;
	}
	buf_putc(b, n->kind == Y_SEQ ? '[' : '{');
	for (size_t i = 0; i < n->n; i++) {
		if (i)
			buf_putc(b, ',');
		json_indent(b, depth + 1);
		if (n->kind == Y_MAP) {
			json_string(b, n->pairs[i].key);
			buf_puts(b, ": ");
		}
		emit_json(b, n->kind == Y_SEQ ? n->items[i] : n->pairs[i].val, depth + 1);
	}
	if (n->n)
		json_indent(b, depth);
	buf_putc(b, n->kind == Y_SEQ ? ']' : '}');
}

int yaml_emit(struct buf *out, const struct ynode *root, enum yaml_format fmt)
{
	/* Keys are unique in our trees already; libfyaml's own check compares
	 * each new key with every earlier one, quadratic on large mappings. */
	struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_ALLOW_DUPLICATE_KEYS};
	struct fy_document *fyd;
	struct fy_node *top;
	char *text = NULL;
	int rc = -1;

	if (fmt == FMT_JSON) {
		emit_json(out, root, 0);
		buf_putc(out, '\n');
		return out->failed ? -1 : 0;
	}
	fyd = fy_document_create(&cfg);

	if (!fyd)
		return -1;
	top = build_node(fyd, root, fmt);
	if (top && fy_document_set_root(fyd, top) == 0)
		text = fy_emit_document_to_string(fyd, FYECF_WIDTH_INF | FYECF_INDENT_2 |
						  FYECF_DOC_START_MARK_OFF | FYECF_DOC_END_MARK_OFF |
						  (fmt == FMT_JSON ? FYECF_MODE_JSON : FYECF_MODE_BLOCK));
	if (text && buf_puts(out, text))
		rc = 0;
	free(text);
	fy_document_destroy(fyd);
	return rc;
}
