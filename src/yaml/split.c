/* A stream read in parts cut at document starts, each part parsed on its own:
 * libfyaml keeps the whole of its input in memory, so a stream of any size is
 * never handed to it at once. A line that starts with "---" followed by a
 * space, a tab or the end of the line is a document marker wherever it is
 * (YAML 1.2, c-forbidden: not even a block or quoted scalar may hold it at
 * the start of a line), so cutting before it changes no document. */
#include "yaml/input.h"
#include "yaml/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_BLOCK (256u * 1024)

struct reader {
	char *buf;
	size_t len, cap;
	size_t from;     /* where the search for a cut resumes */
	bool eof;
};

static bool marker_at(const char *s, size_t avail)
{
	return avail >= 4 && memcmp(s, "---", 3) == 0 && (s[3] == ' ' || s[3] == '\t' || s[3] == '\n' || s[3] == '\r');
}

/* Whether the line s[start, end) holds nothing but blanks or a comment. */
static bool blank_or_comment(const char *s, size_t start, size_t end)
{
	while (start < end && (s[start] == ' ' || s[start] == '\t' || s[start] == '\r'))
		start++;
	return start == end || s[start] == '#';
}

/* Whether the document that a cut at `cut` would start is preceded by a
 * directive line: the directive belongs to it, so no cut there. Directives
 * come right before their "---", with only comments and blank lines between
 * (YAML 1.2, l-directive-document), so the walk back stops at the first
 * other line. */
static bool directive_before(const char *part, size_t cut)
{
	size_t end = cut;

	while (end > 0) {
		size_t start = end - 1;
		while (start > 0 && part[start - 1] != '\n')
			start--;
		if (part[start] == '%')
			return true;
		if (!blank_or_comment(part, start, end - 1))
			return false;
		end = start;
	}
	return false;
}

/* The first "\n---" in s[0, n): memchr from line to line, which takes
 * a fraction of memmem's time on long documents (CRDs). */
static const char *next_marker_newline(const char *s, size_t n)
{
	const char *end = s + n;

	for (const char *nl = s; (nl = memchr(nl, '\n', (size_t)(end - nl))) != NULL; nl++)
		if (end - nl >= 4 && nl[1] == '-' && nl[2] == '-' && nl[3] == '-')
			return nl;
	return NULL;
}

/* Where the part starting at buf ends: the start of a marker line at least
 * YAML_PART_BYTES in, or 0 when none is in buf[0, len) yet. *from is where
 * the search resumes, kept between calls as buf grows. */
static size_t find_cut(const char *buf, size_t len, size_t *from)
{
	if (*from < YAML_PART_BYTES)
		*from = YAML_PART_BYTES;
	while (*from < len) {
		/* the newline before a line that starts like a marker */
		const char *nl = next_marker_newline(buf + *from - 1, len - (*from - 1));
		size_t at;

		if (!nl) {
			/* the last three bytes may begin "\n---" once more is read */
			*from = len > *from + 3 ? len - 3 : *from;
			return 0;
		}
		at = (size_t)(nl - buf) + 1;
		if (at + 4 > len) {
			*from = at;
			return 0;
		}
		*from = at + 1;
		if (marker_at(buf + at, len - at) && !directive_before(buf, at))
			return at;
	}
	return 0;
}

/* Reads one more block; returns -1 on a read or allocation failure. */
static int read_more(struct reader *rd, FILE *fp)
{
	size_t got;

	if (rd->cap - rd->len < READ_BLOCK + 1) {
		size_t cap = rd->cap ? rd->cap * 2 : 4 * READ_BLOCK;
		char *v = realloc(rd->buf, cap);
		if (!v)
			return -1;
		rd->buf = v;
		rd->cap = cap;
	}
	got = fread(rd->buf + rd->len, 1, READ_BLOCK, fp);
	rd->len += got;
	if (got < READ_BLOCK) {
		if (ferror(fp))
			return -1;
		rd->eof = true;
	}
	return 0;
}

static int count_lines(const char *s, size_t len)
{
	int n = 0;

	for (const char *p = s; (p = memchr(p, '\n', len - (size_t)(p - s))) != NULL; p++)
		n++;
	return n;
}

/* Hands buf[0, cut) to fn and moves the rest to the front. */
static int take_front(struct reader *rd, size_t cut, int *line_base, yaml_part_fn fn, void *user)
{
	char saved = rd->buf[cut];
	int rc;

	rd->buf[cut] = '\0';
	rc = fn(rd->buf, cut, *line_base, NULL, user);
	rd->buf[cut] = saved;
	*line_base += count_lines(rd->buf, cut);
	memmove(rd->buf, rd->buf + cut, rd->len - cut);
	rd->len -= cut;
	rd->from = 0;
	return rc;
}

int yaml_split_parts(struct diags *d, const char *file, FILE *fp, yaml_part_fn fn, void *user)
{
	struct reader rd = {NULL, 0, 0, 0, false};
	int line_base = 0, rc = 0;
	bool read_failed = false;

	errno = 0;
	while (rc == 0 && !read_failed) {
		size_t cut = find_cut(rd.buf, rd.len, &rd.from);

		if (cut) {
			rc = take_front(&rd, cut, &line_base, fn, user);
		} else if (rd.eof) {
			/* read_more left room for the terminating NUL. */
			rc = take_front(&rd, rd.len, &line_base, fn, user);
			break;
		} else {
			read_failed = read_more(&rd, fp) != 0;
		}
	}
	free(rd.buf);
	if (read_failed) {
		struct srcpos pos = {file, 0, 0};
		diag_add(d, DIAG_ERROR, &pos, "check that the file is readable and memory is available",
			 "cannot read: %s", errno ? strerror(errno) : "out of memory");
		return -1;
	}
	return rc;
}

struct parse_each {
	struct arena *a;
	struct diags *d;
	const char *file;
	const struct yaml_limits *lim;
	yaml_doc_fn fn;
	void *user;
};

static int parse_part(const char *data, size_t len, int line_base, struct yaml_mapping *m, void *user)
{
	struct parse_each *p = user;

	(void)m;
	return yaml_parse_part(p->a, p->d, p->file, line_base, data, len, p->lim, p->fn, p->user);
}

int yaml_parse_parts(struct arena *a, struct diags *d, const char *file, FILE *fp, const struct yaml_limits *lim,
		     yaml_doc_fn fn, void *user)
{
	struct parse_each p = {a, d, file, lim, fn, user};

	return yaml_split_parts(d, file, fp, parse_part, &p);
}

struct yaml_mapping {
	const char *data;
	size_t len;
	size_t released;   /* the pages before data + released went back */
	unsigned holds;
};

void yaml_mapping_hold(struct yaml_mapping *m)
{
	m->holds++;
}

void yaml_mapping_done(struct yaml_mapping *m, const char *done)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t upto = (size_t)(done - m->data) / page * page;

	if (upto > m->released) {
		/* The mapping is private and never written: the pages are the
		 * file's, read again from the page cache if ever touched. */
		madvise((char *)m->data + m->released, upto - m->released, MADV_DONTNEED);
		m->released = upto;
	}
}

void yaml_mapping_drop(struct yaml_mapping *m, const char *done)
{
	if (done)
		yaml_mapping_done(m, done);
	if (--m->holds == 0) {
		munmap((char *)m->data, m->len);
		free(m);
	}
}

/* The parts of a mapped file: slices of it, handed on in order. */
static int split_mapping(struct yaml_mapping *m, yaml_part_fn fn, void *user)
{
	size_t start = 0, from = 0;
	int line_base = 0, rc = 0;

	while (rc == 0 && start < m->len) {
		const char *part = m->data + start;
		size_t cut = find_cut(part, m->len - start, &from);
		size_t n = cut ? cut : m->len - start;

		/* counted first: fn may have given the part's pages back */
		int lines = count_lines(part, n);

		rc = fn(part, n, line_base, m, user);
		line_base += lines;
		start += n;
		from = 0;
	}
	return rc;
}

/* The file read as a stream instead: one that says it is empty but is not
 * (/proc), or one that cannot be mapped. */
static int split_read(struct diags *d, const char *file, int fd, yaml_part_fn fn, void *user)
{
	struct srcpos pos = {file, 0, 0};
	FILE *fp = fdopen(fd, "r");
	int rc;

	if (!fp) {
		int err = errno;

		close(fd);
		diag_add(d, DIAG_ERROR, &pos, "check that the file is readable and memory is available",
			 "cannot read: %s", strerror(err));
		return -1;
	}
	rc = yaml_split_parts(d, file, fp, fn, user);
	fclose(fp);
	return rc;
}

int yaml_split_path(struct diags *d, const char *file, yaml_part_fn fn, void *user)
{
	struct srcpos pos = {file, 0, 0};
	int fd = open_regular_file(file);
	struct stat sb;
	struct yaml_mapping *m;
	void *data;
	int rc;

	if (fd < 0 || fstat(fd, &sb) != 0) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		diag_add(d, DIAG_ERROR, &pos, "give a regular file, or - for standard input", "cannot read: %s",
			 err == EINVAL ? "not a regular file (a FIFO, a device or a socket)" : strerror(err));
		return -1;
	}
	if (sb.st_size == 0)
		return split_read(d, file, fd, fn, user);
	data = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (data == MAP_FAILED)
		return split_read(d, file, fd, fn, user);
	close(fd);
	m = malloc(sizeof(*m));
	if (!m) {
		munmap(data, (size_t)sb.st_size);
		diag_add(d, DIAG_ERROR, &pos, "check that the file is readable and memory is available",
			 "cannot read: %s", strerror(ENOMEM));
		return -1;
	}
	*m = (struct yaml_mapping){data, (size_t)sb.st_size, 0, 1};
	/* Read in order: the kernel reads ahead. */
	madvise(data, m->len, MADV_SEQUENTIAL);
	rc = split_mapping(m, fn, user);
	yaml_mapping_drop(m, NULL);
	return rc;
}
