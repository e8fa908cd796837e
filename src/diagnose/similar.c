/* The nearest known failure by its words, for failure lines that no
 * signature matched.
 *
 * The same failure is printed in many wordings: another version reorders the
 * message, another program wraps it in its own, a paste quotes or escapes it.
 * A line that holds most of the uncommon words of one of an entry's
 * signatures is likely that failure in a wording the knowledge base has not
 * seen. A word weighs more the fewer entries use it (its inverse document
 * frequency), so "issuer" or "custom.metrics" decide and "error" or "failed"
 * do not. The guess is reported as "similar", only where nothing but the
 * catch-alls matched, and ranked above them. */
#include "diagnose/diagnose.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WORD_MAX 48
#define LINE_WORDS 64
#define NO_WORD SIZE_MAX
/* A guess needs at least this share of the signature's word weight in one
 * line, and this much weight: about two words that only a few entries use.
 * Set on the runs of the fourth to seventh held-out sets before any tuning
 * on them (docs/DIAGNOSE.md): of their 38 pastes that ended unrecognised, it
 * named the right entry for 2 of the 13 whose family the knowledge base had
 * and a wrong one for 1. */
#define MIN_SHARE 0.6
#define MIN_WEIGHT 11.0
#define WEIGHT_CAP 12.0
/* The signature's rarest word must be in the line, and be rare: used by at
 * most about eight entries (ln(474 / 8) is 4.1). What tells a failure from
 * its neighbours is its rarest word: "localhost" in "dial tcp localhost:5432:
 * connect: connection refused", "Killed" in "terminated by signal 9: Killed";
 * without it a line says only what many failures say. */
#define MIN_RAREST 4.0
/* The anchor is the part the signature's author chose as its literal: the
 * line must hold at least half of its words' weight too, so that a path or
 * a module name from the pattern's context does not stand for the failure's
 * words ("Permission denied: '/var/lib/odoo" is not "cannot access
 * '/var/lib/odoo/...'"). */
#define MIN_ANCHOR_SHARE 0.5

static const char *const stop_words[] = {
	"the", "and", "for", "not", "with", "from", "that", "this", "are", "was", "were", "has", "have",
	"had", "but", "you", "your", "its", "into", "than", "then", "when", "can", "cannot", "could", "would",
	"should", "will", "may", "any", "all", "one", "two", "out", "off",
};

struct word {
	char text[WORD_MAX];
	size_t len;
	size_t entries;            /* how many entries use it */
	size_t last_entry;         /* the last entry counted, plus one */
	size_t first, count;       /* its signatures in vocabulary.postings */
	double weight;
};

struct sim_sig {
	size_t entry, sig;
	double total;              /* the weight of all its words */
	size_t rarest;             /* its word of the greatest weight, NO_WORD if it has none */
};

struct vocabulary {
	struct word *words;
	size_t nwords, cap_words;
	size_t *slots;             /* open addressing: word index plus one, 0 empty */
	size_t nslots;
	struct sim_sig *sigs;
	size_t nsigs, cap_sigs;
	size_t (*pairs)[2];        /* (signature, word), each pair once */
	size_t npairs, cap_pairs;
	size_t *postings;          /* signatures by word */
};

static bool is_word_char(unsigned char c)
{
	return isalnum(c) || c == '_';
}

static bool stop_word(const char *w, size_t len)
{
	for (size_t i = 0; i < sizeof(stop_words) / sizeof(stop_words[0]); i++)
		if (strlen(stop_words[i]) == len && memcmp(stop_words[i], w, len) == 0)
			return true;
	return false;
}

/* The next word of s from *pos, lower-cased into out: a run of letters,
 * digits and '_' of 3 to WORD_MAX-1 characters with a letter in it. */
static bool next_word(const char *s, size_t len, size_t *pos, char *out, size_t *outlen)
{
	while (*pos < len) {
		size_t start, n;
		bool letter = false;

		while (*pos < len && !is_word_char((unsigned char)s[*pos]))
			(*pos)++;
		start = *pos;
		while (*pos < len && is_word_char((unsigned char)s[*pos]))
			(*pos)++;
		n = *pos - start;
		/* A path's parts name a place, not a failure: "/var/lib/odoo". */
		if (n < 3 || n >= WORD_MAX || (start > 0 && s[start - 1] == '/') || (*pos < len && s[*pos] == '/'))
			continue;
		for (size_t i = 0; i < n; i++) {
			out[i] = (char)tolower((unsigned char)s[start + i]);
			letter |= isalpha((unsigned char)s[start + i]) != 0;
		}
		out[n] = '\0';
		if (letter && !stop_word(out, n)) {
			*outlen = n;
			return true;
		}
	}
	return false;
}

/* Blanks each group that holds alternatives, "(127\\.0\\.0\\.1|localhost)":
 * any one of them matches, so none of their words is needed. A '|' outside
 * any group makes the whole pattern alternatives. */
static void blank_alternatives(char *out, size_t n)
{
	size_t open[16], depth = 0;
	bool alt[16] = {false};

	for (size_t i = 0; i < n; i++) {
		if (out[i] == '(' && depth < 16) {
			alt[depth] = false;
			open[depth++] = i;
		} else if (out[i] == '|' && depth > 0) {
			alt[depth - 1] = true;
		} else if (out[i] == '|') {
			memset(out, ' ', n);
			return;
		} else if (out[i] == ')' && depth > 0 && alt[--depth]) {
			memset(out + open[depth], ' ', i - open[depth] + 1);
		}
	}
}

/* The literal text of an ERE: bracket expressions, escaped characters and
 * alternatives become spaces, so "[0-9]+ ms", "\\(PID" and "(a|b)" give no
 * words of their own. */
static char *pattern_literals(struct arena *a, const char *p)
{
	size_t n = strlen(p);
	char *out = arena_alloc(a, n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		out[i] = p[i];
		if (p[i] == '\\' && i + 1 < n) {
			out[i] = ' ';
			out[++i] = ' ';
		} else if (p[i] == '[') {
			size_t j = i + 1;

			if (j < n && p[j] == '^')
				j++;
			if (j < n && p[j] == ']')
				j++;
			while (j < n && p[j] != ']')
				j++;
			for (; i <= j && i < n; i++)
				out[i] = ' ';
			i--;
		}
	}
	out[n] = '\0';
	blank_alternatives(out, n);
	return out;
}

/* Whether the number at s[0..len) stands alone in text: "9" in "signal 9:", not in "19". */
static bool number_in(const char *text, const char *s, size_t len)
{
	size_t n = strlen(text);

	for (const char *p = text; (p = memmem(p, n - (size_t)(p - text), s, len)) != NULL; p++)
		if ((p == text || !is_word_char((unsigned char)p[-1])) && !is_word_char((unsigned char)p[len]))
			return true;
	return false;
}

/* The anchor's numbers (a signal, an exit code, a status, a port) tell
 * failures apart: each must be in the line. */
static bool numbers_agree(const char *anchor, const char *text)
{
	size_t n = strlen(anchor);

	for (size_t i = 0; i < n;) {
		size_t start = i, len;

		while (i < n && is_word_char((unsigned char)anchor[i]))
			i++;
		len = i - start;
		if (len > 0 && strspn(anchor + start, "0123456789") == len && !number_in(text, anchor + start, len))
			return false;
		if (len == 0)
			i++;
	}
	return true;
}

static size_t hash_word(const char *w, size_t len)
{
	size_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)w[i]) * 16777619u;
	return h;
}

static size_t *slot_of(const struct vocabulary *v, const char *w, size_t len)
{
	size_t i = hash_word(w, len) & (v->nslots - 1);

	while (v->slots[i]) {
		const struct word *x = &v->words[v->slots[i] - 1];

		if (x->len == len && memcmp(x->text, w, len) == 0)
			break;
		i = (i + 1) & (v->nslots - 1);
	}
	return &v->slots[i];
}

static long find_word(const struct vocabulary *v, const char *w, size_t len)
{
	size_t *slot = slot_of(v, w, len);

	return *slot ? (long)(*slot - 1) : -1;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	void *q;
	size_t n = *cap ? *cap : 256;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

/* The word's index, added if new; -1 when out of memory. */
static long add_word(struct vocabulary *v, const char *w, size_t len)
{
	size_t *slot = slot_of(v, w, len);

	if (*slot)
		return (long)(*slot - 1);
	/* The table is sized for every word of the knowledge base at half load. */
	if (v->nwords + 1 >= v->nslots / 2 || grow((void **)&v->words, &v->cap_words, v->nwords + 1, sizeof(*v->words)))
		return -1;
	memset(&v->words[v->nwords], 0, sizeof(v->words[0]));
	memcpy(v->words[v->nwords].text, w, len);
	v->words[v->nwords].len = len;
	*slot = ++v->nwords;
	return (long)(v->nwords - 1);
}

/* Pairs from first on are this signature's: each word once. */
static int add_text(struct vocabulary *v, size_t sig, size_t entry, const char *s, size_t first)
{
	char w[WORD_MAX];
	size_t pos = 0, len;

	while (next_word(s, strlen(s), &pos, w, &len)) {
		long id = add_word(v, w, len);
		bool dup = false;

		if (id < 0)
			return -1;
		for (size_t k = first; k < v->npairs && !dup; k++)
			dup = v->pairs[k][1] == (size_t)id;
		if (dup)
			continue;
		if (grow((void **)&v->pairs, &v->cap_pairs, v->npairs + 1, sizeof(*v->pairs)))
			return -1;
		v->pairs[v->npairs][0] = sig;
		v->pairs[v->npairs++][1] = (size_t)id;
		if (v->words[id].last_entry != entry + 1) {
			v->words[id].last_entry = entry + 1;
			v->words[id].entries++;
		}
	}
	return 0;
}

/* A signature a line can stand for alone: of a cause or symptom, on any line, needing no other entry. */
static bool eligible(const struct dx_entry *e, const struct dx_signature *sig)
{
	return (e->level == DX_CAUSE || e->level == DX_SYMPTOM) && !sig->requires && (sig->scope & DX_ANY);
}

static int add_signature(struct vocabulary *v, struct arena *a, size_t entry, size_t s)
{
	const struct dx_signature *sig = &dx_kb[entry].sigs[s];
	size_t first = v->npairs;

	if (grow((void **)&v->sigs, &v->cap_sigs, v->nsigs + 1, sizeof(*v->sigs)))
		return -1;
	v->sigs[v->nsigs] = (struct sim_sig){entry, s, 0, NO_WORD};
	if (add_text(v, v->nsigs, entry, sig->anchor, first) != 0)
		return -1;
	if (sig->pattern) {
		const char *lit = pattern_literals(a, sig->pattern);

		if (!lit || add_text(v, v->nsigs, entry, lit, first) != 0)
			return -1;
	}
	v->nsigs++;
	return 0;
}

/* Signatures by word, and each word's weight. */
static int index_words(struct vocabulary *v, size_t nentries)
{
	size_t at = 0;

	v->postings = malloc((v->npairs ? v->npairs : 1) * sizeof(*v->postings));
	if (!v->postings)
		return -1;
	for (size_t k = 0; k < v->npairs; k++)
		v->words[v->pairs[k][1]].count++;
	for (size_t w = 0; w < v->nwords; w++) {
		v->words[w].first = at;
		at += v->words[w].count;
		v->words[w].count = 0;
		v->words[w].weight = log((double)nentries / (double)v->words[w].entries);
	}
	for (size_t k = 0; k < v->npairs; k++) {
		struct word *w = &v->words[v->pairs[k][1]];
		struct sim_sig *sig = &v->sigs[v->pairs[k][0]];

		v->postings[w->first + w->count++] = v->pairs[k][0];
		if (sig->rarest == NO_WORD || w->weight > v->words[sig->rarest].weight)
			sig->rarest = v->pairs[k][1];
		sig->total += w->weight;
	}
	return 0;
}

static void free_vocabulary(struct vocabulary *v)
{
	free(v->words);
	free(v->slots);
	free(v->sigs);
	free(v->pairs);
	free(v->postings);
}

static int build_vocabulary(struct vocabulary *v, struct arena *a)
{
	size_t n = dx_kb_count(), nsigs = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t s = 0; s < DX_MAX_SIGS && dx_kb[i].sigs[s].anchor; s++)
			nsigs++;
	/* Room for 16 words a signature at half load, a power of two. */
	for (v->nslots = 1024; v->nslots < nsigs * 32; v->nslots *= 2)
		;
	v->slots = calloc(v->nslots, sizeof(*v->slots));
	if (!v->slots)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (size_t s = 0; s < DX_MAX_SIGS && dx_kb[i].sigs[s].anchor; s++)
			if (eligible(&dx_kb[i], &dx_kb[i].sigs[s]) && add_signature(v, a, i, s) != 0)
				return -1;
	return index_words(v, n);
}

struct guess {
	const struct dx_evidence *line;
	size_t sig;                /* index in vocabulary.sigs */
	double score, share;
};

/* The distinct known words of a line. */
static size_t line_words(const struct vocabulary *v, const char *text, size_t *ids)
{
	char w[WORD_MAX];
	size_t pos = 0, len, n = 0, tlen = strlen(text);

	while (n < LINE_WORDS && next_word(text, tlen, &pos, w, &len)) {
		long id = find_word(v, w, len);
		bool dup = id < 0;

		for (size_t k = 0; k < n && !dup; k++)
			dup = ids[k] == (size_t)id;
		if (!dup)
			ids[n++] = (size_t)id;
	}
	return n;
}

static bool has_id(const size_t *ids, size_t n, size_t id)
{
	for (size_t k = 0; k < n; k++)
		if (ids[k] == id)
			return true;
	return false;
}

static bool anchor_held(const struct vocabulary *v, const char *anchor, const size_t *ids, size_t nids)
{
	char w[WORD_MAX];
	size_t pos = 0, len;
	double held = 0, total = 0;

	while (next_word(anchor, strlen(anchor), &pos, w, &len)) {
		long id = find_word(v, w, len);

		if (id < 0)
			continue;
		total += v->words[id].weight;
		if (has_id(ids, nids, (size_t)id))
			held += v->words[id].weight;
	}
	return held >= MIN_ANCHOR_SHARE * total;
}

/* Whether the line may stand for the signature: it holds enough of its
 * weight, its rarest word and its anchor's words and numbers. */
static bool close_enough(const struct vocabulary *v, size_t s, double weight, size_t shared, const size_t *ids,
			 size_t nids, const char *text)
{
	const struct sim_sig *sig = &v->sigs[s];
	const struct dx_signature *ks = &dx_kb[sig->entry].sigs[sig->sig];

	if (sig->rarest == NO_WORD || v->words[sig->rarest].weight < MIN_RAREST || shared < 2 || weight < MIN_WEIGHT || weight < MIN_SHARE * sig->total ||
	    !has_id(ids, nids, sig->rarest) || !numbers_agree(ks->anchor, text) || !anchor_held(v, ks->anchor, ids, nids))
		return false;
	/* With the anchor in the line, the pattern refused a value on purpose
	 * ("localhost", an "/auth/" path, a value cut to "..."); the reader
	 * has already undone escaped quotes. */
	return !ks->pattern || !strstr(text, ks->anchor);
}

/* The signature this line says most of, if it says enough of one. */
static void weigh_line(const struct vocabulary *v, const struct dx_evidence *ev, double *acc, size_t *shared,
		       size_t *touched, struct guess *best)
{
	size_t ids[LINE_WORDS], nids = line_words(v, ev->text, ids), ntouched = 0;

	for (size_t k = 0; k < nids; k++) {
		const struct word *w = &v->words[ids[k]];

		for (size_t p = w->first; p < w->first + w->count; p++) {
			size_t s = v->postings[p];

			if (shared[s]++ == 0)
				touched[ntouched++] = s;
			acc[s] += w->weight;
		}
	}
	for (size_t k = 0; k < ntouched; k++) {
		size_t s = touched[k];
		double share = v->sigs[s].total > 0 ? acc[s] / v->sigs[s].total : 0;
		double score = share * fmin(acc[s], WEIGHT_CAP);

		if (score > best->score && close_enough(v, s, acc[s], shared[s], ids, nids, ev->text))
			*best = (struct guess){ev, s, score, share};
		acc[s] = 0;
		shared[s] = 0;
	}
}

/* The best guess over the lines the catch-alls took; -1 when out of memory. */
static int find_guess(const struct dx_run *run, const struct vocabulary *v, struct guess *best)
{
	double *acc = calloc(v->nsigs ? v->nsigs : 1, sizeof(*acc));
	size_t *shared = calloc(v->nsigs ? v->nsigs : 1, sizeof(*shared));
	size_t *touched = malloc((v->nsigs ? v->nsigs : 1) * sizeof(*touched));
	int rc = acc && shared && touched ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < dx_kb_count(); i++) {
		if (dx_kb[i].level != DX_UNRECOGNISED)
			continue;
		for (size_t s = 0; s < DX_MAX_SIGS; s++)
			for (size_t k = 0; k < run->hits[i].sig[s].nev; k++)
				weigh_line(v, &run->hits[i].sig[s].ev[k], acc, shared, touched, best);
	}
	free(acc);
	free(shared);
	free(touched);
	return rc;
}

/* Adds the guess, if any, to run->diagnoses, which has room for it: only
 * the catch-alls were found. Returns -1 when out of memory. */
int dx_similar(struct dx_run *run)
{
	struct vocabulary v = {0};
	struct guess best = {0};
	int rc = build_vocabulary(&v, &run->a);

	if (rc == 0)
		rc = find_guess(run, &v, &best);
	if (rc == 0 && best.line) {
		const struct sim_sig *sig = &v.sigs[best.sig];
		struct dx_sig_hits *h = &run->hits[sig->entry].sig[sig->sig];
		struct dx_diagnosis *dg = &run->diagnoses[run->ndiagnoses++];

		h->ev[0] = *best.line;
		h->nev = h->count = 1;
		h->last_file = best.line->file;
		h->last_line = best.line->line;
		memset(dg, 0, sizeof(*dg));
		dg->entry = sig->entry;
		dg->kind = DXK_SIMILAR;
		dg->count = 1;
		dg->exit_code = -1;
		dg->confidence = (int)lround(best.share * 50);
	}
	free_vocabulary(&v);
	return rc;
}
