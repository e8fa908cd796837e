/* What reaches the YAML parser is checked first, as it streams: a NUL byte
 * (libfyaml would take it for the end of the input, so whatever follows it
 * would never be checked) and invalid UTF-8 are located errors. The check
 * keeps a few bytes of state, so it runs on a file of any size and on a
 * stream read in chunks. */
#include "yaml/input.h"
#include "yaml/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void text_scan_init(struct text_scan *s)
{
	memset(s, 0, sizeof(*s));
	s->line = 1;
	s->col = 1;
	s->last = '\n';
}

static bool scan_error(struct text_scan *s, enum text_error err, unsigned char byte)
{
	s->err = err;
	s->bad = byte;
	s->err_line = s->line;
	s->err_col = s->col;
	return false;
}

/* A completed code point: overlong forms, surrogates and values beyond
 * U+10FFFF are invalid. */
static bool code_point_ok(const struct text_scan *s)
{
	return !((s->total == 2 && s->cp < 0x800) || (s->total == 3 && (s->cp < 0x10000 || s->cp > 0x10FFFF)) ||
		 (s->cp >= 0xD800 && s->cp <= 0xDFFF));
}

/* Whether a node can start after c, the last non-blank character: a line
 * start, ':', '-', '?' or ',' (and '[' '{' for a quote inside a flow). */
static bool node_may_follow(char c, bool brackets)
{
	switch (c) {
	case '\n': case ':': case '-': case '?': case ',':
		return true;
	case '[': case '{':
		return brackets;
	default:
		return false;
	}
}

/* Flow nesting, counted before libfyaml sees the text: libfyaml holds a
 * flow collection's tokens until it closes (about 300 bytes of memory per
 * byte of "[[[[", 270 per byte of "[1,1,1,..."), so its depth and its
 * entries must be refused before parsing, not when the parser's events
 * reach the nesting or node limit. Inside a flow collection a plain
 * scalar cannot hold [ ] { } (YAML 1.2, ns-plain-safe-in), so every bracket
 * outside quotes counts; in block context one counts only where a node can
 * start (after a line start, ':', '-', '?', ','). Brackets in block scalars
 * are counted too: only text with hundreds of unclosed ones is refused. */
static bool flow_char(struct text_scan *s, unsigned char c)
{
	if (s->comment) {
		s->comment = c != '\n';
	} else if (s->quote) {
		if (s->escaped)
			s->escaped = false;
		else if (c == '\\' && s->quote == '"')
			s->escaped = true;
		else if (c == (unsigned char)s->quote)
			s->quote = 0;
	} else if (c == '#' && (s->last == '\n' || s->col == 1 || s->prev_blank)) {
		s->comment = true;
	} else if ((c == '"' || c == '\'') && node_may_follow(s->last, true)) {
		s->quote = (char)c;
	} else if ((c == '[' || c == '{') && (s->flow_depth > 0 || node_may_follow(s->last, false))) {
		if (++s->flow_depth > s->max_flow_depth)
			return scan_error(s, TEXT_TOO_DEEP, c);
		if (++s->flow_items > s->max_flow_items)
			return scan_error(s, TEXT_TOO_MANY, c);
	} else if ((c == ']' || c == '}') && s->flow_depth > 0) {
		if (--s->flow_depth == 0)
			s->flow_items = 0;
	} else if (c == ',' && s->flow_depth > 0 && ++s->flow_items > s->max_flow_items) {
		return scan_error(s, TEXT_TOO_MANY, c);
	}
	s->prev_blank = c == ' ' || c == '\t';
	if (c == '\n')
		s->last = '\n';
	else if (!s->prev_blank && !s->comment)
		s->last = (char)c;
	return true;
}

/* ASCII that changes no state but the column and the last non-blank
 * character: letters, digits, blanks and most punctuation, most of any
 * manifest. Runs of them are skipped without flow_char, byte by byte the
 * scan's cost would exceed the parser's. */
static inline unsigned char quiet_byte(unsigned char c)
{
	/* Tab, space and 0x21-0x7E except # " ' , [ \ ] { }: one load per
	 * byte instead of ten comparisons. */
	static const unsigned char quiet[256] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,  /* 0x00 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x10 */
		1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1,  /* 0x20 */
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x30 */
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x40 */
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1,  /* 0x50 */
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x60 */
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0,  /* 0x70 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x80 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x90 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xA0 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xB0 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xC0 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xD0 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xE0 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xF0 */
	};

	return quiet[c];
}

/* Where the quiet bytes from p[from] end: four at a time while all four
 * are, then one by one. */
static size_t quiet_run_end(const unsigned char *p, size_t from, size_t n)
{
	size_t end = from;

	while (end + 4 <= n &&
	       (quiet_byte(p[end]) & quiet_byte(p[end + 1]) & quiet_byte(p[end + 2]) & quiet_byte(p[end + 3])))
		end += 4;
	while (end < n && quiet_byte(p[end]))
		end++;
	return end;
}

/* The bytes p[0..n) are quiet: what flow_char would have done for each. */
static void skip_quiet(struct text_scan *s, const unsigned char *p, size_t n)
{
	size_t last = n;

	s->col += (int)n;
	if (!s->max_flow_depth)
		return;
	/* In a quoted scalar, the byte after a backslash is taken. */
	s->escaped = false;
	s->prev_blank = p[n - 1] == ' ' || p[n - 1] == '\t';
	while (last > 0 && (p[last - 1] == ' ' || p[last - 1] == '\t'))
		last--;
	if (last > 0 && !s->comment)
		s->last = (char)p[last - 1];
}

bool text_scan(struct text_scan *s, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n && s->err == TEXT_OK; i++) {
		unsigned char c = p[i];

		if (!s->need && quiet_byte(c)) {
			size_t end = quiet_run_end(p, i + 1, n);

			skip_quiet(s, p + i, end - i);
			i = end - 1;
			continue;
		}
		if (s->need) {
			if ((c & 0xC0) != 0x80)
				return scan_error(s, TEXT_BAD_UTF8, s->lead);
			s->cp = (s->cp << 6) | (c & 0x3F);
			if (--s->need == 0) {
				if (!code_point_ok(s))
					return scan_error(s, TEXT_BAD_UTF8, s->lead);
				s->col++;
			}
			continue;
		}
		if (c == 0)
			return scan_error(s, TEXT_NUL, c);
		if (c < 0x80) {
			if (s->max_flow_depth && !flow_char(s, c))
				return false;
			if (c == '\n') {
				s->line++;
				s->col = 1;
			} else {
				s->col++;
			}
			continue;
		}
		s->lead = c;
		if ((c & 0xE0) == 0xC0 && c >= 0xC2)
			s->need = s->total = 1, s->cp = c & 0x1F;
		else if ((c & 0xF0) == 0xE0)
			s->need = s->total = 2, s->cp = c & 0x0F;
		else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
			s->need = s->total = 3, s->cp = c & 0x07;
		else
			return scan_error(s, TEXT_BAD_UTF8, c);
	}
	return s->err == TEXT_OK;
}

bool text_scan_end(struct text_scan *s)
{
	if (s->err == TEXT_OK && s->need)
		return scan_error(s, TEXT_BAD_UTF8, s->lead);
	return s->err == TEXT_OK;
}

void text_scan_report(const struct text_scan *s, struct diags *d, const char *file)
{
	struct srcpos pos = {file, s->err_line, s->err_col};

	if (s->err == TEXT_NUL)
		diag_add(d, DIAG_ERROR, &pos, "remove the NUL byte; the file may be binary or UTF-16",
			 "the file contains a NUL byte");
	else if (s->err == TEXT_BAD_UTF8)
		diag_add(d, DIAG_ERROR, &pos, "save the file as UTF-8", "invalid UTF-8 byte 0x%02X", s->bad);
	else if (s->err == TEXT_TOO_DEEP)
		diag_add(d, DIAG_ERROR, &pos, "flatten the structure; no Compose or Kubernetes file nests this deep",
			 "nesting deeper than %d levels", s->max_flow_depth);
	else if (s->err == TEXT_TOO_MANY)
		diag_add(d, DIAG_ERROR, &pos, "split the document; the limit keeps memory bounded",
			 "one flow collection ([...] or {...}) holds more than %ld nodes", s->max_flow_items);
}

int yaml_check_text(struct diags *d, const char *file, const char *data, size_t len)
{
	return yaml_check_yaml_text(d, file, data, len, 0, 0);
}

int yaml_check_yaml_text(struct diags *d, const char *file, const char *data, size_t len, int max_flow_depth,
			 long max_flow_items)
{
	struct text_scan s;

	text_scan_init(&s);
	s.max_flow_depth = max_flow_depth;
	s.max_flow_items = max_flow_items;
	if (text_scan(&s, (const unsigned char *)data, len) && text_scan_end(&s))
		return 0;
	text_scan_report(&s, d, file);
	return -1;
}

ssize_t checked_read(void *user, void *buf, size_t count)
{
	struct checked_input *in = user;
	ssize_t r;

	do
		r = read(in->fd, buf, count);
	while (r < 0 && errno == EINTR);
	/* On an error the parser is told the input ended; check_end in parse.c
	 * then reports the error, not a shorter input. */
	if (r < 0) {
		in->read_errno = errno;
		return 0;
	}
	if (r == 0) {
		text_scan_end(&in->scan);
		return 0;
	}
	return text_scan(&in->scan, buf, (size_t)r) ? r : 0;
}

int open_regular_file(const char *path)
{
	struct stat sb;
	/* O_NONBLOCK: opening a FIFO does not wait for a writer. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		int err = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int map_regular_file(const char *path, struct mapped_file *m)
{
	struct stat sb;
	int fd = open_regular_file(path);

	m->data = NULL;
	m->len = 0;
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	m->len = (size_t)sb.st_size;
	if (m->len > 0) {
		m->data = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m->data == MAP_FAILED) {
			int err = errno;

			m->data = NULL;
			close(fd);
			errno = err;
			return -1;
		}
	}
	close(fd);
	return 0;
}

void unmap_file(struct mapped_file *m)
{
	if (m->data)
		munmap(m->data, m->len);
	m->data = NULL;
	m->len = 0;
}
