#include "util/json.h"

#include <math.h>
#include <stddef.h>

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) || (s[0] == 0xf0 && s[1] < 0x90) ||
	    (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

void json_string(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	buf_putc(b, '"');
	while (p && *p) {
		size_t n = utf8_len(p);

		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p == '\n')
			buf_puts(b, "\\n");
		else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else if (n == 0) {
			buf_puts(b, "\\ufffd");
			n = 1;
		} else
			buf_append(b, (const char *)p, n);
		p += n ? n : 1;
	}
	buf_putc(b, '"');
}

void json_init(struct json *j, struct buf *b, bool pretty)
{
	*j = (struct json){.b = b, .pretty = pretty};
}

static void newline(struct json *j)
{
	if (j->pretty) {
		buf_putc(j->b, '\n');
		for (int i = 0; i < j->depth; i++)
			buf_puts(j->b, "  ");
	}
}

/* What goes before a value or a key: nothing after a key, else a comma when
 * the container has an item already, and the line break. */
static void before_item(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0)
		return;
	if (j->has_items[j->depth - 1])
		buf_putc(j->b, ',');
	j->has_items[j->depth - 1] = true;
	newline(j);
}

static void misuse(struct json *j)
{
	j->failed = j->b->failed = true;
}

static void open_container(struct json *j, char open, char close)
{
	before_item(j);
	if (j->depth == JSON_MAX_DEPTH) {
		misuse(j);
		return;
	}
	buf_putc(j->b, open);
	j->closer[j->depth] = close;
	j->has_items[j->depth++] = false;
}

void json_object(struct json *j)
{
	open_container(j, '{', '}');
}

void json_array(struct json *j)
{
	open_container(j, '[', ']');
}

void json_end(struct json *j)
{
	if (j->depth == 0 || j->after_key) {
		misuse(j);
		return;
	}
	j->depth--;
	if (j->has_items[j->depth])
		newline(j);
	buf_putc(j->b, j->closer[j->depth]);
	if (j->depth == 0 && j->pretty)
		buf_putc(j->b, '\n');
}

void json_key(struct json *j, const char *key)
{
	if (j->depth == 0 || j->closer[j->depth - 1] != '}' || j->after_key) {
		misuse(j);
		return;
	}
	before_item(j);
	json_string(j->b, key);
	buf_puts(j->b, j->pretty ? ": " : ":");
	j->after_key = true;
}

void json_str(struct json *j, const char *s)
{
	before_item(j);
	if (s)
		json_string(j->b, s);
	else
		buf_puts(j->b, "null");
}

void json_int(struct json *j, long long v)
{
	before_item(j);
	buf_printf(j->b, "%lld", v);
}

void json_uint(struct json *j, size_t v)
{
	before_item(j);
	buf_printf(j->b, "%zu", v);
}

void json_fixed(struct json *j, double v, int decimals)
{
	before_item(j);
	if (isfinite(v))
		buf_printf(j->b, "%.*f", decimals, v);
	else
		buf_puts(j->b, "null");
}

void json_bool(struct json *j, bool v)
{
	before_item(j);
	buf_puts(j->b, v ? "true" : "false");
}

void json_member_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_member_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_member_uint(struct json *j, const char *key, size_t v)
{
	json_key(j, key);
	json_uint(j, v);
}

void json_member_fixed(struct json *j, const char *key, double v, int decimals)
{
	json_key(j, key);
	json_fixed(j, v, decimals);
}

void json_member_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_member_object(struct json *j, const char *key)
{
	json_key(j, key);
	json_object(j);
}

void json_member_array(struct json *j, const char *key)
{
	json_key(j, key);
	json_array(j);
}
