/* JSON string literals for the reports. */
#ifndef KG_JSON_H
#define KG_JSON_H

#include "util/buf.h"

/* Appends s as a quoted JSON string; bytes that are not valid UTF-8 (a line
 * cut in the middle of a character) become U+FFFD, so the output parses. */
void json_string(struct buf *b, const char *s);

#endif
