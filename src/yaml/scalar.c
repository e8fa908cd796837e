/* A scalar token's text. libfyaml's token iterator builds any scalar, but
 * it costs several times what parsing the scalar does (an iterator, chunks,
 * a copy): most scalars of a manifest are taken from the parsed text
 * instead, on one line as written, the literal blocks (`|`, `|-`) that
 * hold a CRD's descriptions with their indentation removed, and plain
 * scalars over several lines, folded. The iterator
 * builds the rest, and every scalar of a stream, whose text is not kept. */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "yaml/builder.h"

/* Through the iterator, not fy_token_get_text: in libfyaml 0.7 that leaks
 * its grown chunk array on a scalar of five or more escapes ('' in single
 * quotes), libfyaml#233, fixed upstream after the Debian 12 release.
 * malloc'd; NULL when out of memory. */
static char *iterated_text(struct fy_token *t, size_t *len)
{
	struct fy_token_iter *it = fy_token_iter_create(t);
	const struct fy_iter_chunk *c = NULL;
	struct buf b = BUF_INIT;
	int err = 0;

	*len = 0;
	if (!it)
		return NULL;
	while ((c = fy_token_iter_chunk_next(it, c, &err)) != NULL)
		buf_append(&b, c->str, c->len);
	fy_token_iter_destroy(it);
	if (err || b.failed || !buf_cstr(&b)) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.data;
}

/* On one line, plain, or quoted without an escape ('' in single quotes, \
 * in double quotes): the text is the input between the marks, which for a
 * quoted scalar are inside the quotes. */
static bool reads_as_written(enum fy_scalar_style style, const char *text, size_t n)
{
	/* the one character that is an escape in this style (none when plain) */
	char escape = style == FYSS_SINGLE_QUOTED ? '\'' : style == FYSS_DOUBLE_QUOTED ? '\\' : '\n';

	if (style != FYSS_PLAIN && style != FYSS_SINGLE_QUOTED && style != FYSS_DOUBLE_QUOTED)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		/* '\n' and '\r' sort below every printable character: one test for most */
		if ((c <= '\r' && (c == '\n' || c == '\r')) || c == (unsigned char)escape)
			return false;
	}
	return true;
}

/* The chomping of a literal block whose header is the end of the line
 * before its text: '-' (strip) or ' ' (clip); 0 for any other header (an
 * indentation indicator, keep, a comment), left to the iterator. */
static char literal_chomping(const char *input, size_t start)
{
	size_t end, from;

	if (start == 0 || input[start - 1] != '\n')
		return 0;
	end = start - 1;
	from = end;
	while (from > 0 && input[from - 1] != '\n')
		from--;
	if (memchr(input + from, '#', end - from) || memchr(input + from, '\r', end - from))
		return 0;
	while (end > from && input[end - 1] == ' ')
		end--;
	if (end - from >= 2 && input[end - 1] == '-' && input[end - 2] == '|')
		return '-';
	if (end - from >= 1 && input[end - 1] == '|')
		return ' ';
	return 0;
}

/* Spaces at the start of a line of n bytes; n when it holds nothing else. */
static size_t leading_spaces(const char *line, size_t n)
{
	size_t i = 0;

	while (i < n && line[i] == ' ')
		i++;
	return i;
}

/* A literal block's text from its lines: the indentation of the first line
 * that is not blank removed from each, blank lines as line breaks, the
 * final break kept (clip) or not (strip). The common forms only: anything
 * else (a tab or a carriage return, a blank line indented more than the
 * text, no final line break) returns NULL for the iterator to build. */
static char *literal_text(const char *text, size_t n, char chomping, size_t *len)
{
	const char *nl = NULL, *end;
	size_t indent = 0, out_len = 0, content_len = 0, blank_before = 0;
	bool found = false, whole = true;
	char *out;

	/* The end mark is where the next token starts: after the indentation
	 * of the line that ends the block, which is not the block's. */
	while (n > 0 && text[n - 1] == ' ')
		n--;
	end = text + n;
	if (n == 0 || text[n - 1] != '\n' || memchr(text, '\r', n) || memchr(text, '\t', n) || !(out = malloc(n + 1)))
		return NULL;
	for (const char *line = text; line < end; line = nl + 1) {
		size_t ln, spaces;

		nl = memchr(line, '\n', (size_t)(end - line));
		ln = (size_t)(nl - line);
		spaces = leading_spaces(line, ln);
		if (!found && spaces < ln) {
			indent = spaces;
			found = true;
		}
		if (spaces == ln) {
			/* a blank line: a line break, if no deeper than the text */
			if (found && spaces > indent) {
				whole = false;
				break;
			}
			if (spaces > blank_before)
				blank_before = spaces;
			out[out_len++] = '\n';
			continue;
		}
		if (spaces < indent || blank_before > indent) {
			whole = false;
			break;
		}
		memcpy(out + out_len, line + indent, ln - indent);
		out_len += ln - indent;
		out[out_len++] = '\n';
		content_len = out_len;
	}
	if (!whole || !found || content_len == 0) {
		free(out);
		return NULL;
	}
	/* trailing blank lines are chomped; clip keeps the text's last break */
	out_len = chomping == '-' ? content_len - 1 : content_len;
	out[out_len] = '\0';
	*len = out_len;
	return out;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A plain scalar over several lines (a CRD's description, often): each
 * line without its leading and trailing blanks, a single break between two
 * lines folded into a space, n empty lines between them into n breaks
 * (YAML 1.2, 7.3.3 and 6.5). A carriage return is left to the iterator. */
static char *plain_folded_text(const char *text, size_t n, size_t *len)
{
	const char *end = text + n, *line = text;
	size_t out_len = 0, empty = 0;
	bool first = true;
	char *out;

	if (memchr(text, '\r', n) || !(out = malloc(n + 1)))
		return NULL;
	while (line <= end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *stop = nl ? nl : end;
		const char *from = line;

		while (from < stop && blank(*from))
			from++;
		while (stop > from && blank(stop[-1]))
			stop--;
		if (from == stop && !first) {
			empty++;
		} else {
			if (!first) {
				if (empty)
					memset(out + out_len, '\n', empty);
				else
					out[out_len] = ' ';
				out_len += empty ? empty : 1;
			}
			memcpy(out + out_len, from, (size_t)(stop - from));
			out_len += (size_t)(stop - from);
			empty = 0;
			first = false;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	out[out_len] = '\0';
	*len = out_len;
	return out;
}

const char *scalar_token_text(const struct builder *b, struct fy_token *t, enum fy_scalar_style style, size_t *len,
			      char **built)
{
	const struct fy_mark *start = b->input ? fy_token_start_mark(t) : NULL;
	const struct fy_mark *end = b->input ? fy_token_end_mark(t) : NULL;

	*built = NULL;
	if (start && end && start->input_pos <= end->input_pos && end->input_pos <= b->input_len) {
		const char *text = b->input + start->input_pos;
		size_t n = end->input_pos - start->input_pos;
		char chomping = style == FYSS_LITERAL ? literal_chomping(b->input, start->input_pos) : 0;

		if (reads_as_written(style, text, n)) {
			*len = n;
			return text;
		}
		if (chomping && (*built = literal_text(text, n, chomping, len)) != NULL)
			return *built;
		if (style == FYSS_PLAIN && (*built = plain_folded_text(text, n, len)) != NULL)
			return *built;
	}
	return *built = iterated_text(t, len);
}
