/* Checks on the text before and while the YAML parser reads it: NUL bytes
 * and invalid UTF-8, located; reading a regular file mapped, or a stream
 * through a checking callback. */
#ifndef KG_YAML_INPUT_H
#define KG_YAML_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/diag.h"

enum text_error { TEXT_OK, TEXT_NUL, TEXT_BAD_UTF8, TEXT_TOO_DEEP, TEXT_TOO_MANY };

/* The check's state between chunks: position, the UTF-8 sequence under way,
 * and the flow nesting ([ and {) outside quotes and comments. */
struct text_scan {
	int line, col;
	unsigned need, total;      /* continuation bytes still expected, and in all */
	uint32_t cp;
	unsigned char lead, bad;
	enum text_error err;
	int err_line, err_col;
	int max_flow_depth;        /* 0: not checked (dotenv files) */
	long max_flow_items;       /* entries in one outermost flow collection */
	int flow_depth;
	long flow_items;
	char quote;                /* '\'' or '"' inside a quoted scalar, else 0 */
	bool escaped, comment, prev_blank;
	char last;                 /* last character that is not a blank on this line; '\n' at its start */
};

void text_scan_init(struct text_scan *s);
/* False at the first NUL or invalid UTF-8 byte (s->err says which, where). */
bool text_scan(struct text_scan *s, const unsigned char *p, size_t n);
/* At the end of the input: a sequence cut short is invalid. */
bool text_scan_end(struct text_scan *s);
void text_scan_report(const struct text_scan *s, struct diags *d, const char *file);
/* yaml_check_text (parse.h), with flow nesting deeper than max_flow_depth,
 * or a flow collection of more than max_flow_items entries, refused (0: not checked). */
int yaml_check_yaml_text(struct diags *d, const char *file, const char *data, size_t len, int max_flow_depth,
			 long max_flow_items);

/* A stream for libfyaml's input callback, checked as it is read. */
struct checked_input {
	int fd;
	int read_errno;            /* set when read() failed */
	struct text_scan scan;
};
ssize_t checked_read(void *user, void *buf, size_t count);

/* A regular file mapped read-only; anything else fails (EISDIR for a
 * directory, EINVAL for a FIFO, a device or a socket, which could block or
 * never end). */
/* A regular file opened read-only (a descriptor), or -1 with errno as
 * map_regular_file sets it. */
int open_regular_file(const char *path);
struct mapped_file {
	char *data;
	size_t len;
};
int map_regular_file(const char *path, struct mapped_file *m);
void unmap_file(struct mapped_file *m);

#endif
