/* A kubectl JSON or YAML document pasted among other lines: a command, its
 * `-o yaml` output, then a browser's error, or a describe and a fragment of
 * a pod's status. Its lines are read as lines like any other; this keeps
 * them too, and walks the document when it ends, for what only its
 * structure shows (structured.c): a pod's phase, a condition's type and
 * status together, a container's state, a message YAML folded over lines.
 *
 * A document starts at a line that starts one (apiVersion:, kind:, status:,
 * a lone "{", ...), and ends at a blank line, at a line indented less than
 * its first, or at one as indented that is not a key or a list item (YAML);
 * at the closing brace as indented as the opening one (JSON). What passes
 * DX_EMBEDDED_MAX is not walked: the lines were read anyway. */
#include "diagnose/diagnose.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static size_t indent_of(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] == ' ')
		i++;
	return i;
}

/* `key:` or `key: value` (kubectl's keys and quoted ones), or a list item. */
static bool yaml_entry(const char *s, size_t len)
{
	size_t i = 0;

	if (len >= 1 && s[0] == '-' && (len == 1 || s[1] == ' '))
		return true;
	if (i < len && (s[i] == '"' || s[i] == '\''))
		i++;
	while (i < len && (isalnum((unsigned char)s[i]) || strchr("_.-/\"'", s[i])))
		i++;
	return i > 0 && i < len && s[i] == ':' && (i + 1 == len || s[i + 1] == ' ');
}

static bool continues(const struct dx_embedded *e, const char *s, size_t len)
{
	size_t ind = indent_of(s, len);

	if (ind == len)
		return false;    /* a blank line ends it */
	if (e->json)
		return ind >= e->indent;
	if (ind > e->indent)
		return true;
	return ind == e->indent && yaml_entry(s + ind, len - ind);
}

static void append(struct dx_embedded *e, const char *s, size_t len)
{
	if (e->full || e->len + len + 2 > DX_EMBEDDED_MAX) {
		e->full = true;
		return;
	}
	if (!e->buf) {
		e->buf = malloc(DX_EMBEDDED_MAX);
		if (!e->buf) {
			e->full = true;
			return;
		}
	}
	memcpy(e->buf + e->len, s, len);
	e->len += len;
	e->buf[e->len++] = '\n';
	e->buf[e->len] = '\0';
}

static void finish(struct dx_run *run, struct dx_embedded *e, const char *name)
{
	if (e->active && !e->full && e->len > 0)
		dx_read_structured_part(run, name, e->first_line - 1, e->buf, e->len);
	e->active = e->full = false;
	e->len = 0;
}

void dx_embedded_line(struct dx_run *run, struct dx_embedded *e, const char *name, const char *s, size_t len,
		      long lineno)
{
	size_t ind;

	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	if (e->active) {
		if (continues(e, s, len)) {
			append(e, s, len);
			/* JSON: the brace or bracket that closes the first one */
			if (e->json && indent_of(s, len) == e->indent && len == e->indent + 1 &&
			    s[e->indent] == e->closer)
				finish(run, e, name);
			return;
		}
		finish(run, e, name);
	}
	ind = indent_of(s, len);
	/* the start of a document: what the whole input is tested for, on this
	 * line (its first byte first: most lines start with none of them) */
	if (ind == len || !strchr("akimscl-{[", s[ind]) || !dx_looks_structured(s, len))
		return;
	e->active = true;
	e->json = s[ind] == '{' || s[ind] == '[';
	e->closer = s[ind] == '[' ? ']' : '}';
	e->indent = ind;
	e->first_line = lineno;
	append(e, s, len);
}

void dx_embedded_end(struct dx_run *run, struct dx_embedded *e, const char *name)
{
	finish(run, e, name);
	free(e->buf);
	e->buf = NULL;
}
