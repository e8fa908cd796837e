/* PostgreSQL errors that no entry recognises, named by PostgreSQL itself.
 *
 * The knowledge base holds the failures people meet often, with their cause
 * beyond the message. The long tail of the server's errors is in its own
 * source: each message with its SQLSTATE, and often a DETAIL and a HINT that
 * say what to do (facts/pg_messages.c). A line the catch-alls took that
 * prints one of those messages is reported as a diagnosis of kind
 * "catalogue", ranked above the similar guess and the catch-alls: the
 * message is matched, not guessed. */
#include "diagnose/diagnose.h"

#include <stdlib.h>
#include <string.h>

#include "facts/pg_messages.h"

struct found_message {
	const struct pg_message *message;
	const struct dx_evidence *line;
	size_t entry;              /* the catch-all that took the line */
	bool marked;               /* the line names PostgreSQL or the program */
};

static bool already(const struct found_message *found, size_t n, const struct pg_message *m)
{
	for (size_t i = 0; i < n; i++)
		if (found[i].message == m)
			return true;
	return false;
}

static int by_line(const void *pa, const void *pb)
{
	const struct found_message *a = pa, *b = pb;
	int files = strcmp(a->line->file, b->line->file);

	if (files != 0)
		return files;
	return a->line->line < b->line->line ? -1 : a->line->line > b->line->line;
}

/* The messages of the lines the catch-alls took, first line first: all of
 * them are found and sorted before the first max are kept, so that the
 * earliest error, most often the cause, is among them. */
static size_t find_messages(const struct dx_run *run, const struct pg_message_index *idx, struct found_message *found,
			    size_t cap, size_t max)
{
	size_t n = 0, kept = 0;

	for (size_t i = 0; i < dx_kb_count(); i++) {
		if (dx_kb[i].level != DX_UNRECOGNISED)
			continue;
		for (size_t s = 0; s < DX_MAX_SIGS; s++)
			for (size_t k = 0; k < run->hits[i].sig[s].nev; k++) {
				const struct dx_evidence *ev = &run->hits[i].sig[s].ev[k];
				bool marked;
				const struct pg_message *m = pg_message_find(idx, ev->text, strlen(ev->text), &marked);

				if (m && n < cap)
					found[n++] = (struct found_message){m, ev, i, marked};
			}
	}
	qsort(found, n, sizeof(*found), by_line);
	/* the same message again is the same diagnosis: its first line stands */
	for (size_t k = 0; k < n && kept < max; k++)
		if (!already(found, kept, found[k].message))
			found[kept++] = found[k];
	return kept;
}

/* How many lines the catch-alls can keep at most. */
static size_t catch_all_lines(void)
{
	size_t n = 0;

	for (size_t i = 0; i < dx_kb_count(); i++)
		n += dx_kb[i].level == DX_UNRECOGNISED;
	return n * DX_MAX_SIGS * DX_EVIDENCE_PER_SIG;
}

int dx_catalogue(struct dx_run *run)
{
	size_t cap = catch_all_lines();
	struct found_message *found = malloc((cap ? cap : 1) * sizeof(*found));
	struct pg_message_index *idx = pg_message_index_new();
	size_t n;

	if (!idx || !found) {
		free(found);
		pg_message_index_free(idx);
		return -1;
	}
	n = find_messages(run, idx, found, cap, DX_CATALOGUE_MAX);
	for (size_t k = 0; k < n; k++) {
		struct dx_diagnosis *dg = &run->diagnoses[run->ndiagnoses++];

		memset(dg, 0, sizeof(*dg));
		dg->entry = found[k].entry;
		dg->kind = DXK_CATALOGUE;
		dg->count = 1;
		dg->exit_code = -1;
		/* The first error is most often the cause, the later ones its consequences. */
		dg->confidence = (found[k].marked ? 60 : 50) - 5 * (int)k;
		dg->message = found[k].message;
		dg->line = found[k].line;
	}
	pg_message_index_free(idx);
	free(found);
	return 0;
}
