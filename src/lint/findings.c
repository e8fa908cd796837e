/* The findings of a run, kept within LINT_FINDINGS_MEMORY: the first ones in
 * memory (where rules, tests and other stages read them), the rest written
 * to an unnamed temporary file and read back, in order, when the report is
 * written. So a stream with millions of findings lists them all (up to
 * LINT_MAX_LISTED) without its memory growing with them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/internal.h"

/* A spilled finding: this header, then object and message (no NULs). */
struct spilled {
	uint16_t rule;             /* index in lint_rules */
	uint8_t severity;
	int32_t line, col;
	const char *file;          /* lives in the index arena until the run ends */
	uint16_t object_len, message_len;
};

void findings_free(struct findings *f)
{
	free(f->v);
	arena_free(&f->text);
	if (f->spill)
		fclose(f->spill);
	free(f->spill_buffer);
	memset(f, 0, sizeof(*f));
}

size_t findings_listed(const struct findings *f)
{
	return f->n + f->nspilled;
}

/* The spill file is written and read back in large blocks: with stdio's
 * 4 KiB buffer, 60,000 findings took 2,600 system calls. */
#define SPILL_BUFFER (64u * 1024)

static bool open_spill(struct findings *f)
{
	if (!(f->spill = tmpfile()))
		return false;
	f->spill_buffer = malloc(SPILL_BUFFER);
	if (f->spill_buffer && setvbuf(f->spill, f->spill_buffer, _IOFBF, SPILL_BUFFER) != 0) {
		free(f->spill_buffer);
		f->spill_buffer = NULL;
	}
	return true;
}

static bool spill(struct findings *f, const struct finding *x)
{
	size_t olen = strlen(x->object), mlen = strlen(x->message);
	struct spilled h;

	if (!f->spill && !open_spill(f))
		return false;
	if (olen > UINT16_MAX || mlen > UINT16_MAX)
		return false;
	memset(&h, 0, sizeof(h));
	h.rule = (uint16_t)(x->rule - lint_rules);
	h.severity = (uint8_t)x->severity;
	h.line = x->line;
	h.col = x->col;
	h.file = x->file;
	h.object_len = (uint16_t)olen;
	h.message_len = (uint16_t)mlen;
	/* One thread at a time uses a run's findings: no stdio locking. */
	if (fwrite_unlocked(&h, sizeof(h), 1, f->spill) != 1 || fwrite_unlocked(x->object, 1, olen, f->spill) != olen ||
	    fwrite_unlocked(x->message, 1, mlen, f->spill) != mlen)
		return false;
	f->nspilled++;
	return true;
}

static bool keep(struct findings *f, const struct finding *x)
{
	struct finding *v;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		v = realloc(f->v, cap * sizeof(*v));
		if (!v)
			return false;
		f->v = v;
		f->cap = cap;
	}
	v = &f->v[f->n];
	*v = *x;
	v->object = arena_strdup(&f->text, x->object);
	v->message = arena_strdup(&f->text, x->message);
	if (!v->object || !v->message)
		return false;
	f->n++;
	return true;
}

size_t findings_at_least(const struct findings *f, enum severity s)
{
	size_t n = 0;

	for (int k = (int)s; k <= (int)SEV_ERROR; k++)
		n += f->listed[k] + f->unlisted[k];
	return n;
}

bool findings_add(struct findings *f, const struct finding *x)
{
	if (findings_listed(f) >= LINT_MAX_LISTED) {
		f->unlisted[x->severity]++;
		return true;
	}
	/* Once one finding is spilled, all that follow are, to keep the order. */
	if ((!f->nspilled && f->text.used + f->cap * sizeof(*f->v) < LINT_FINDINGS_MEMORY && keep(f, x)) ||
	    spill(f, x)) {
		f->listed[x->severity]++;
		return true;
	}
	return false;
}

/* Reads the spilled findings back in order; returns -1 on a read error. */
static int each_spilled(const struct findings *f, void (*fn)(const struct finding *, void *), void *user)
{
	char object[UINT16_MAX + 1], message[UINT16_MAX + 1];
	struct spilled h;

	if (fflush(f->spill) != 0 || fseek(f->spill, 0, SEEK_SET) != 0)
		return -1;
	for (size_t i = 0; i < f->nspilled; i++) {
		struct finding x;

		if (fread_unlocked(&h, sizeof(h), 1, f->spill) != 1 ||
		    fread_unlocked(object, 1, h.object_len, f->spill) != h.object_len ||
		    fread_unlocked(message, 1, h.message_len, f->spill) != h.message_len)
			return -1;
		object[h.object_len] = '\0';
		message[h.message_len] = '\0';
		memset(&x, 0, sizeof(x));
		x.rule = &lint_rules[h.rule];
		x.severity = (enum severity)h.severity;
		x.file = (char *)h.file;
		x.line = h.line;
		x.col = h.col;
		x.object = object;
		x.message = message;
		fn(&x, user);
	}
	return fseek(f->spill, 0, SEEK_END);
}

int findings_each(const struct findings *f, void (*fn)(const struct finding *, void *), void *user)
{
	for (size_t i = 0; i < f->n; i++)
		fn(&f->v[i], user);
	return f->nspilled ? each_spilled(f, fn, user) : 0;
}
