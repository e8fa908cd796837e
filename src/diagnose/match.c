/* Holding every signature of the knowledge base against one observation.
 *
 * The literal anchors are looked for first, all in one pass over the line,
 * so the regular expressions run only on the few lines that may match;
 * evidence is kept in fixed slots per signature, so memory does not grow
 * with the input. */
#include "diagnose/diagnose.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct compiled {
	regex_t re[DX_MAX_SIGS];
	bool has_re[DX_MAX_SIGS];
	bool elidable[DX_MAX_SIGS];   /* pattern_is_anchor_then_value, decided once */
	/* The pattern without its value (value_dropped), compiled when a line
	 * first needs it: NULL until then, or when the pattern has none. */
	regex_t *valueless[DX_MAX_SIGS];
	bool valueless_tried[DX_MAX_SIGS];
};

/* Every anchor by its first two bytes, so that a line is scanned once for
 * all of them instead of once per anchor: signature k (entry k / DX_MAX_SIGS)
 * is in sigs[first[b]..first[b + 1]) when its anchor starts with bigram b. */
struct anchor_index {
	unsigned first[65537];
	unsigned *sigs;
	const char **anchor;       /* per position in sigs: its anchor and length, */
	size_t *len;               /* so that the scan needs no strlen */
	bool *seen;                /* per signature, for the current line */
	unsigned *touched;
	size_t ntouched;
};

struct matcher {
	struct compiled *entries;
	struct anchor_index ix;
};

static unsigned bigram(const char *s)
{
	return (unsigned)(unsigned char)s[0] << 8 | (unsigned char)s[1];
}

static int index_anchors(struct anchor_index *ix, size_t nentries)
{
	size_t total = nentries * DX_MAX_SIGS, n = 0;

	ix->sigs = calloc(total, sizeof(*ix->sigs));
	ix->anchor = calloc(total, sizeof(*ix->anchor));
	ix->len = calloc(total, sizeof(*ix->len));
	ix->seen = calloc(total, sizeof(*ix->seen));
	ix->touched = calloc(total, sizeof(*ix->touched));
	if (!ix->sigs || !ix->anchor || !ix->len || !ix->seen || !ix->touched)
		return -1;
	memset(ix->first, 0, sizeof(ix->first));
	for (size_t i = 0; i < nentries; i++)
		for (size_t s = 0; s < DX_MAX_SIGS && dx_kb[i].sigs[s].anchor; s++) {
			if (strlen(dx_kb[i].sigs[s].anchor) < 2)
				return -1;
			ix->first[bigram(dx_kb[i].sigs[s].anchor) + 1]++;
		}
	for (size_t b = 0; b < 65536; b++)
		ix->first[b + 1] += ix->first[b];
	{
		unsigned fill[65536];

		memcpy(fill, ix->first, sizeof(fill));
		for (size_t i = 0; i < nentries; i++)
			for (size_t s = 0; s < DX_MAX_SIGS && dx_kb[i].sigs[s].anchor; s++, n++) {
				const char *a = dx_kb[i].sigs[s].anchor;
				unsigned k = fill[bigram(a)]++;

				ix->sigs[k] = (unsigned)(i * DX_MAX_SIGS + s);
				ix->anchor[k] = a;
				ix->len[k] = strlen(a);
			}
	}
	return 0;
}

/* Whether the pattern is the anchor followed by nothing but the value it
 * names: separators, one group of a plain class ([^']+), closing quotes.
 * Only then does a line cut after the anchor lose nothing that the
 * pattern tells apart (the one that wants /auth/ in the path does tell). */
static bool pattern_is_anchor_then_value(const char *anchor, const char *pattern)
{
	const char *p = pattern;

	for (const char *a = anchor; *a; a++, p++) {
		if (*p == '\\')
			p++;
		if (*p != *a)
			return false;
	}
	p += strspn(p, " :'\"?");
	if (strncmp(p, "([^", 3) != 0 || !(p = strchr(p + 3, ']')) || (p[1] != '+' && p[1] != '*') || p[2] != ')')
		return false;
	p += 3;
	return p[strspn(p, "'\"?")] == '\0';
}

static int compile_kb(struct dx_run *run)
{
	size_t n = dx_kb_count();
	struct matcher *m = calloc(1, sizeof(*m));
	struct compiled *c = calloc(n, sizeof(*c));

	run->compiled = m;
	if (!m || !c) {
		free(c);
		return -1;
	}
	m->entries = c;
	if (index_anchors(&m->ix, n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		for (size_t s = 0; s < DX_MAX_SIGS && dx_kb[i].sigs[s].anchor; s++) {
			const char *pat = dx_kb[i].sigs[s].pattern;

			if (!pat)
				continue;
			/* The patterns are ours, compiled by the tests: a failure is a bug. */
			if (regcomp(&c[i].re[s], pat, REG_EXTENDED) != 0)
				return -1;
			c[i].has_re[s] = true;
			c[i].elidable[s] = pattern_is_anchor_then_value(dx_kb[i].sigs[s].anchor, pat);
		}
	}
	return 0;
}

static void free_kb(struct dx_run *run)
{
	struct matcher *m = run->compiled;

	if (!m)
		return;
	for (size_t i = 0; m->entries && dx_kb[i].id; i++)
		for (size_t s = 0; s < DX_MAX_SIGS; s++) {
			if (m->entries[i].has_re[s])
				regfree(&m->entries[i].re[s]);
			if (m->entries[i].valueless[s]) {
				regfree(m->entries[i].valueless[s]);
				free(m->entries[i].valueless[s]);
			}
		}
	free(m->entries);
	free(m->ix.sigs);
	free(m->ix.anchor);
	free(m->ix.len);
	free(m->ix.seen);
	free(m->ix.touched);
	free(m);
	run->compiled = NULL;
}

int dx_init(struct dx_run *run, struct diags *d)
{
	memset(run, 0, sizeof(*run));
	run->d = d;
	run->exit_code = -1;
	arena_init(&run->a, 0);
	run->hits = calloc(dx_kb_count(), sizeof(*run->hits));
	if (!run->hits || compile_kb(run) != 0) {
		dx_free(run);
		return -1;
	}
	return 0;
}

void dx_free(struct dx_run *run)
{
	free_kb(run);
	free(run->hits);
	for (size_t i = 0; i < run->nrootcauses; i++) {
		struct dx_rootcause *rc = &run->rootcauses[i];

		free(rc->file);
		free(rc->object);
		free(rc->workload);
		free(rc->message);
		free(rc->fix);
	}
	free(run->rootcauses);
	for (size_t i = 0; i < run->ndiagnoses; i++)
		free(run->diagnoses[i].causes);
	free(run->diagnoses);
	arena_free(&run->a);
	memset(run, 0, sizeof(*run));
}

static void keep_evidence(struct dx_sig_hits *h, const char *text, size_t len, const struct dx_origin *o)
{
	struct dx_evidence *ev;

	h->count++;
	h->last_file = o->file;
	h->last_line = o->line;
	if (h->nev >= DX_EVIDENCE_PER_SIG)
		return;
	ev = &h->ev[h->nev++];
	ev->file = o->file;
	ev->line = o->line;
	if (len >= sizeof(ev->text))
		len = sizeof(ev->text) - 1;
	memcpy(ev->text, text, len);
	ev->text[len] = '\0';
	dx_defang(ev->text);
	dx_redact(ev->text);
	snprintf(ev->component, sizeof(ev->component), "%s", o->object ? o->object : dx_component_of(ev->text));
	dx_defang(ev->component);
}

static void keep_object(struct dx_entry_hits *eh, const char *object)
{
	size_t len;

	if (!object || !*object)
		return;
	for (size_t i = 0; i < eh->nobjects; i++)
		if (strcmp(eh->objects[i], object) == 0)
			return;
	if (eh->nobjects >= DX_OBJECTS)
		return;
	len = strlen(object);
	if (len >= sizeof(eh->objects[0]))
		len = sizeof(eh->objects[0]) - 1;
	memcpy(eh->objects[eh->nobjects], object, len);
	eh->objects[eh->nobjects][len] = '\0';
	dx_defang(eh->objects[eh->nobjects]);
	eh->nobjects++;
}

void dx_observe(struct dx_run *run, const char *text, size_t len, const struct dx_origin *o, enum dx_scope scope)
{
	dx_observe_as(run, text, len, text, len, o, scope);
}

/* Marks in ix->seen the signatures whose anchor occurs in text. */
static void scan_anchors(struct anchor_index *ix, const char *text, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned b = bigram(text + i);

		for (unsigned k = ix->first[b]; k < ix->first[b + 1]; k++) {
			unsigned sig = ix->sigs[k];
			size_t alen = ix->len[k];

			/* the bigram matched: the rest of the anchor from its third byte */
			if (!ix->seen[sig] && len - i >= alen && memcmp(text + i + 2, ix->anchor[k] + 2, alen - 2) == 0) {
				ix->seen[sig] = true;
				ix->touched[ix->ntouched++] = sig;
			}
		}
	}
}

static bool sig_matches(struct compiled *c, size_t s, const char *text, size_t len, char *line, bool *have_line,
			struct dx_sig_hits *h)
{
	regmatch_t m[2];

	if (!c->has_re[s])
		return true;
	/* regexec wants a C string; lines are cut at 4 KiB for it. */
	if (!*have_line) {
		size_t n = len < 4095 ? len : 4095;

		memcpy(line, text, n);
		line[n] = '\0';
		*have_line = true;
	}
	if (regexec(&c->re[s], line, 2, m, 0) != 0)
		return false;
	/* A group that only delimits ("( |$)") names no subject. */
	if (!h->subject[0] && m[1].rm_so >= 0 && strspn(line + m[1].rm_so, " \t") < (size_t)(m[1].rm_eo - m[1].rm_so)) {
		size_t n = (size_t)(m[1].rm_eo - m[1].rm_so);

		if (n >= sizeof(h->subject))
			n = sizeof(h->subject) - 1;
		memcpy(h->subject, line + m[1].rm_so, n);
		h->subject[n] = '\0';
		dx_defang(h->subject);
		dx_redact(h->subject);
	}
	return true;
}

/* A person who pastes a message often cuts the value it names
 * ("Invalid token issuer. Expected ..."): the anchor, then only an
 * ellipsis to the end of the line. The pattern, which wants the value,
 * cannot match, yet the message is the anchor's. */
static bool value_elided(const struct compiled *c, size_t s, const struct dx_signature *sig, const char *text,
			 size_t len)
{
	size_t alen, i;
	const char *at;

	if (!c->elidable[s])
		return false;
	alen = strlen(sig->anchor);
	if (!(at = memmem(text, len, sig->anchor, alen)))
		return false;
	i = (size_t)(at - text) + alen;
	while (i < len && (text[i] == ' ' || text[i] == ':' || text[i] == '\'' || text[i] == '"'))
		i++;
	if (len - i >= 3 && memcmp(text + i, "...", 3) == 0)
		i += 3;
	else if (len - i >= 3 && memcmp(text + i, "\xe2\x80\xa6", 3) == 0)   /* U+2026, the one-character ellipsis */
		i += 3;
	else
		return false;
	while (i < len && (text[i] == '.' || text[i] == ' ' || text[i] == '\'' || text[i] == '"' || text[i] == '\t'))
		i++;
	return i == len;
}

/* Where the pattern's first group holds only a value, one bracket
 * expression repeated ("([0-9A-F]+)", "\"([^\"]+)\""), and literal text
 * comes before and after it: the pattern with that value, its quotes and
 * one space taken out, written into out. A group of alternatives is a
 * choice the pattern makes on purpose; a value at the end leaves only the
 * anchor; a value that opens the pattern or the line is its subject (a
 * table row's name), not a detail a retelling drops.
 *
 * The retelling is the message and nothing more: its first letter may be
 * capitalised, and only punctuation may follow it to the end of the line.
 * The same words inside a sentence that goes on are a script saying what
 * it checks ("Data directory does not exist, running initdb"). */
static bool valueless_pattern(const char *p, char *out, size_t size)
{
	static const char message_ends[] = "[]\"' .!)]*$";
	const char *open = strchr(p, '('), *close, *after;
	size_t before, skip = 0;
	char first[5] = "";
	int w;

	if (!open || (open > p && open[-1] == '\\') || open[1] != '[')
		return false;
	close = strchr(open + 2, ']');
	if (!close || (close[1] != '+' && close[1] != '*') || close[2] != ')')
		return false;
	after = close + 3;
	before = (size_t)(open - p);
	if (strspn(p, "^ *+") >= before)
		return false;
	if (before > 0 && (p[before - 1] == '"' || p[before - 1] == '\'') && *after == p[before - 1]) {
		before--;
		after++;
	}
	if (before > 0 && p[before - 1] == ' ' && *after == ' ')
		after++;
	if (after[strspn(after, " :'\"$?")] == '\0')
		return false;
	if (isalpha((unsigned char)p[0])) {
		first[0] = '[';
		first[1] = (char)toupper((unsigned char)p[0]);
		first[2] = (char)tolower((unsigned char)p[0]);
		first[3] = ']';
		skip = 1;
	}
	w = snprintf(out, size, "%s%.*s%s%s", first, (int)(before - skip), p + skip, after, message_ends);
	return w > 0 && (size_t)w < size;
}

/* A retold message drops the value its program printed and capitalises its
 * first word ("Requested WAL segment has already been removed"): the line
 * still says everything around the value, in order, and ends there. */
static bool value_dropped(struct compiled *c, size_t s, const struct dx_signature *sig, const char *line)
{
	char pattern[1024];

	if (!c->valueless_tried[s]) {
		c->valueless_tried[s] = true;
		if (sig->pattern && valueless_pattern(sig->pattern, pattern, sizeof(pattern))) {
			regex_t *re = malloc(sizeof(*re));

			if (re && regcomp(re, pattern, REG_EXTENDED | REG_NOSUB) == 0)
				c->valueless[s] = re;
			else
				free(re);
		}
	}
	return c->valueless[s] && regexec(c->valueless[s], line, 0, NULL, 0) == 0;
}

/* Holds the signatures whose anchor the line has (ix->touched, in table
 * order) of one kind of entry, known or unrecognised, against the line;
 * returns whether one that counts alone took it. A signature that requires
 * another entry explains nothing by itself (that entry may never be seen),
 * nor does a fact's (a fact is never reported), so its line may still be
 * evidence of an unrecognised failure. */
static bool match_entries(struct dx_run *run, const char *text, size_t len, const char *shown, size_t shown_len,
			  const struct dx_origin *o, enum dx_scope scope, bool unrecognised, char *line, bool *have_line)
{
	struct matcher *m = run->compiled;
	struct anchor_index *ix = &m->ix;
	size_t last_entry = (size_t)-1;
	bool explained = false;

	for (size_t k = 0; k < ix->ntouched; k++) {
		size_t i = ix->touched[k] / DX_MAX_SIGS, s = ix->touched[k] % DX_MAX_SIGS;
		const struct dx_signature *sig = &dx_kb[i].sigs[s];
		struct dx_sig_hits *h = &run->hits[i].sig[s];

		if ((dx_kb[i].level == DX_UNRECOGNISED) != unrecognised || !(sig->scope & scope) || last_entry == i ||
		    (!sig_matches(&m->entries[i], s, text, len, line, have_line, h) &&
		     !value_elided(&m->entries[i], s, sig, text, len) && !value_dropped(&m->entries[i], s, sig, line)))
			continue;
		keep_evidence(h, shown, shown_len, o);
		keep_object(&run->hits[i], o->object);
		last_entry = i;   /* one line is one piece of evidence for an entry */
		explained |= !sig->requires && dx_kb[i].level != DX_FACT;
		if (unrecognised)
			return true;  /* one unrecognised kind per line is enough */
	}
	return explained;
}

static int by_signature(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/* A line of a script, a comment or a schema's prose is text written by
 * someone, not printed by a failing program: a manifest's shell command
 * (echo "backup: ... cannot name a file" >&2), a Compose file's comment
 * ("# one worker can't starve the host"), a CRD's description: ("Cannot be
 * updated."), a docstring saying what a function raises (":raises ValueError: if
 * ...", """Raise UserError: when ..."""). It is no evidence of an unrecognised failure. */
static bool written_not_printed(const char *text, size_t len)
{
	static const char *const starts[] = {"echo ", "printf ", "print(", "raise ", "throw ", "# ", "// ",
					     "description: ", ":raises ", "Raises ", "\"\"\"", NULL};
	size_t i = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\t'))
		i++;
	if (i + 1 < len && text[i] == '-' && text[i + 1] == ' ')
		i += 2;
	for (size_t k = 0; starts[k]; k++) {
		size_t n = strlen(starts[k]);

		if (len - i >= n && memcmp(text + i, starts[k], n) == 0)
			return true;
	}
	return false;
}

/* Lines a program prints at an error level in normal operation: they show
 * no failure, so no catch-all takes them. */
static const struct routine_line {
	const char *text;
	const char *also; /* a second literal the line must hold too, or NULL */
	const char *why;
	const char *source;
} routine_lines[] = {
	{"canceling autovacuum task", NULL, "PostgreSQL 8.3-17: autovacuum yields to a conflicting lock request (ALTER TABLE, "
	 "an index build, a manual ANALYZE) and retries later; ERROR is its level, not a failure",
	 "https://postgrespro.com/list/id/651.1422573242@sss.pgh.pa.us"},
	{"\"logical replication launcher\" (PID", ") exited with exit code 1", "PostgreSQL 10-17: at a shutdown the logical replication launcher "
	 "exits with code 1 and the postmaster logs it before \"shutting down\" (every docker-entrypoint first start "
	 "stops its temporary server so)", "https://github.com/cachix/devenv/pull/1146"},
	{"ISPN000569: Unable to persist Infinispan internal caches", NULL, "Keycloak 17-24: Infinispan warns at every start "
	 "that it keeps no global state on disk, which Keycloak does not use", "https://github.com/keycloak/keycloak/issues/13266"},
	{"Issuing certificate as Secret does not exist", NULL, "cert-manager 1.x: the trigger's reason for a first issuance "
	 "(or one after the Secret was deleted), a Normal event and an info line in every healthy issuance",
	 "https://github.com/cert-manager/cert-manager/blob/510b092d6770ca33d44f7d6e0e7049917f8e5cb1/internal/controller/"
	 "certificates/policies/checks.go"},
	{NULL, NULL, NULL, NULL},
};

static bool routine(const char *text, size_t len)
{
	for (size_t k = 0; routine_lines[k].text; k++)
		if (memmem(text, len, routine_lines[k].text, strlen(routine_lines[k].text)) &&
		    (!routine_lines[k].also || memmem(text, len, routine_lines[k].also, strlen(routine_lines[k].also))))
			return true;
	return false;
}

void dx_observe_as(struct dx_run *run, const char *text, size_t len, const char *shown, size_t shown_len,
		   const struct dx_origin *o, enum dx_scope scope)
{
	struct matcher *m = run->compiled;
	struct anchor_index *ix = &m->ix;
	char line[4096];
	bool have_line = false;

	scan_anchors(ix, text, len);
	if (ix->ntouched == 0)
		return;
	/* In table order: an entry's signatures are tried first to last. */
	qsort(ix->touched, ix->ntouched, sizeof(*ix->touched), by_signature);
	/* A failure line no entry explains is still evidence of a failure. */
	if (match_entries(run, text, len, shown, shown_len, o, scope, false, line, &have_line) ||
	    (!written_not_printed(text, len) && !routine(text, len) &&
	     match_entries(run, text, len, shown, shown_len, o, scope, true, line, &have_line)))
		run->failure_lines++;
	for (size_t k = 0; k < ix->ntouched; k++)
		ix->seen[ix->touched[k]] = false;
	ix->ntouched = 0;
}

bool dx_any_anchor(struct dx_run *run, const char *text, size_t len)
{
	struct anchor_index *ix = &((struct matcher *)run->compiled)->ix;
	bool any;

	scan_anchors(ix, text, len);
	any = ix->ntouched > 0;
	for (size_t k = 0; k < ix->ntouched; k++)
		ix->seen[ix->touched[k]] = false;
	ix->ntouched = 0;
	return any;
}

void dx_observe_exit_code(struct dx_run *run, int code, const struct dx_origin *o, const char *text, size_t len)
{
	if (code == 0)
		return;
	run->exit_code = code;
	run->exit_ev.file = o->file;
	run->exit_ev.line = o->line;
	if (len >= sizeof(run->exit_ev.text))
		len = sizeof(run->exit_ev.text) - 1;
	memcpy(run->exit_ev.text, text, len);
	run->exit_ev.text[len] = '\0';
}
