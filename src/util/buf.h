/* Growable byte buffer for output that is assembled before it is written. */
#ifndef KG_BUF_H
#define KG_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;   /* always NUL-terminated when len > 0 or after buf_cstr */
	size_t len;
	size_t cap;
	bool failed;  /* an allocation failed; contents are incomplete */
};

#define BUF_INIT {NULL, 0, 0, false}

bool buf_append(struct buf *b, const char *s, size_t len);
bool buf_puts(struct buf *b, const char *s);
bool buf_putc(struct buf *b, char c);
bool buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *buf_cstr(struct buf *b);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

#endif
