#include "yaml/emit.h"

#include <libfyaml.h>
#include <string.h>

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
 * an int, float, octal, hex or sexagesimal ("22:22") to some reader. */
static bool may_be_number(const char *s, size_t len)
{
	if (!strchr("0123456789+-.", s[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789abcdefABCDEFxXoO_:.+-", s[i]))
			return false;
	return true;
}

bool yaml_plain_safe(const char *s, size_t len)
{
	if (len == 0 || is_yaml11_word(s, len) || may_be_number(s, len))
		return false;
	if (strchr("-?:,[]{}#&*!|>'\"%@` \t", (unsigned char)s[0]))
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

static int out_fn(struct fy_emitter *emit, enum fy_emitter_write_type type,
		  const char *str, int len, void *userdata)
{
	struct buf *b = userdata;

	(void)emit;
	(void)type;
	if (len > 0 && !buf_append(b, str, (size_t)len))
		return 0;
	return len;
}

static int emit_scalar(struct fy_emitter *em, enum fy_scalar_style style, const char *text, size_t len)
{
	struct fy_event *ev = fy_emit_event_create(em, FYET_SCALAR, style, text, len, NULL, NULL);
	return ev ? fy_emit_event(em, ev) : -1;
}

static int emit_node(struct fy_emitter *em, const struct ynode *n, enum yaml_format fmt)
{
	struct fy_event *ev;

	switch (n->kind) {
	case Y_NULL:
		return emit_scalar(em, FYSS_PLAIN, "null", 4);
	case Y_BOOL:
		return emit_scalar(em, FYSS_PLAIN, n->b ? "true" : "false", n->b ? 4 : 5);
	case Y_INT:
	case Y_FLOAT:
		return emit_scalar(em, FYSS_PLAIN, n->text, n->len);
	case Y_STR: {
		enum fy_scalar_style style = FYSS_DOUBLE_QUOTED;

		if (fmt == FMT_YAML && yaml_plain_safe(n->text, n->len))
			style = FYSS_PLAIN;
		else if (fmt == FMT_YAML && literal_ok(n->text, n->len))
			style = FYSS_LITERAL;
		return emit_scalar(em, style, n->text, n->len);
	}
	case Y_SEQ:
		ev = fy_emit_event_create(em, FYET_SEQUENCE_START, FYNS_ANY, NULL, NULL);
		if (!ev || fy_emit_event(em, ev))
			return -1;
		for (size_t i = 0; i < n->n; i++)
			if (emit_node(em, n->items[i], fmt))
				return -1;
		ev = fy_emit_event_create(em, FYET_SEQUENCE_END);
		return ev ? fy_emit_event(em, ev) : -1;
	case Y_MAP:
		ev = fy_emit_event_create(em, FYET_MAPPING_START, FYNS_ANY, NULL, NULL);
		if (!ev || fy_emit_event(em, ev))
			return -1;
		for (size_t i = 0; i < n->n; i++) {
			const char *k = n->pairs[i].key;
			size_t kl = strlen(k);
			enum fy_scalar_style ks = fmt == FMT_YAML && yaml_plain_safe(k, kl) ? FYSS_PLAIN : FYSS_DOUBLE_QUOTED;

			if (emit_scalar(em, ks, k, kl) || emit_node(em, n->pairs[i].val, fmt))
				return -1;
		}
		ev = fy_emit_event_create(em, FYET_MAPPING_END);
		return ev ? fy_emit_event(em, ev) : -1;
	}
	return -1;
}

int yaml_emit(struct buf *out, const struct ynode *root, enum yaml_format fmt)
{
	struct fy_emitter_cfg cfg;
	struct fy_emitter *em;
	struct fy_event *ev;
	int rc = -1;

	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = FYECF_WIDTH_INF | FYECF_INDENT_2 | FYECF_DOC_START_MARK_OFF |
		    FYECF_DOC_END_MARK_OFF | FYECF_VERSION_DIR_OFF | FYECF_TAG_DIR_OFF |
		    (fmt == FMT_JSON ? FYECF_MODE_JSON : FYECF_MODE_BLOCK);
	cfg.output = out_fn;
	cfg.userdata = out;
	em = fy_emitter_create(&cfg);
	if (!em)
		return -1;
	ev = fy_emit_event_create(em, FYET_STREAM_START);
	if (!ev || fy_emit_event(em, ev))
		goto done;
	ev = fy_emit_event_create(em, FYET_DOCUMENT_START, true, NULL, NULL);
	if (!ev || fy_emit_event(em, ev))
		goto done;
	if (emit_node(em, root, fmt))
		goto done;
	ev = fy_emit_event_create(em, FYET_DOCUMENT_END, true);
	if (!ev || fy_emit_event(em, ev))
		goto done;
	ev = fy_emit_event_create(em, FYET_STREAM_END);
	if (!ev || fy_emit_event(em, ev))
		goto done;
	rc = out->failed ? -1 : 0;
done:
	fy_emitter_destroy(em);
	return rc;
}
