/* From signature hits to ranked diagnoses.
 *
 * An entry is found when one of its signatures matched (and what that
 * signature requires was found too). A found entry that yields to a more
 * precise one also found is dropped: the same lines are explained better.
 * Causes rank before symptoms; a symptom with no cause beside it is reported
 * as insufficient evidence, with what to collect. Root causes from the
 * manifests or the Compose project are attached, those about the pods in the
 * evidence first; with no failure output at all they become predictions. */
#include "diagnose/diagnose.h"

#include <stdlib.h>
#include <string.h>

static bool sig_seen(const struct dx_run *run, size_t i, size_t s)
{
	return run->hits[i].sig[s].count > 0;
}

/* Found without looking at the signatures that require another entry. */
static bool seen_plain(const struct dx_run *run, const char *id)
{
	const struct dx_entry *e = dx_kb_find(id);
	size_t i;

	if (!e)
		return false;
	i = (size_t)(e - dx_kb);
	for (size_t s = 0; s < DX_MAX_SIGS && e->sigs[s].anchor; s++)
		if (!e->sigs[s].requires && sig_seen(run, i, s))
			return true;
	return false;
}

/* The required entry, or one of the more precise ones it yields to. */
static bool requirement_met(const struct dx_run *run, const char *req)
{
	const struct dx_entry *e = dx_kb_find(req);

	if (!e)
		return false;
	if (seen_plain(run, req))
		return true;
	for (size_t k = 0; k < 8 && e->yields_to[k]; k++)
		if (seen_plain(run, e->yields_to[k]))
			return true;
	return false;
}

static bool sig_counts(const struct dx_run *run, size_t i, size_t s)
{
	const char *req = dx_kb[i].sigs[s].requires;

	return sig_seen(run, i, s) && (!req || requirement_met(run, req));
}

static bool entry_found(const struct dx_run *run, size_t i)
{
	for (size_t s = 0; s < DX_MAX_SIGS && dx_kb[i].sigs[s].anchor; s++)
		if (sig_counts(run, i, s))
			return true;
	return false;
}

static int best_confidence(const struct dx_run *run, size_t i)
{
	int best = 0;

	for (size_t s = 0; s < DX_MAX_SIGS && dx_kb[i].sigs[s].anchor; s++)
		if (sig_counts(run, i, s) && dx_kb[i].sigs[s].confidence > best)
			best = dx_kb[i].sigs[s].confidence;
	return best;
}

/* Dropped for a more precise entry that explains the same failure, unless
 * what was seen of that one is a weaker guess than what was seen of this. */
static bool yields(const struct dx_run *run, size_t i)
{
	for (size_t k = 0; k < 8 && dx_kb[i].yields_to[k]; k++) {
		const struct dx_entry *e = dx_kb_find(dx_kb[i].yields_to[k]);

		if (e && entry_found(run, (size_t)(e - dx_kb)) &&
		    best_confidence(run, (size_t)(e - dx_kb)) >= best_confidence(run, i))
			return true;
	}
	return false;
}

/* pod "odoo-6d4df698b9-29rwl", "db-0", Compose "db_1" or "db-1" belong to workload "odoo" or "db". */
static bool pod_of(const char *pod, const char *workload)
{
	size_t n = strlen(workload);

	return strncmp(pod, workload, n) == 0 && (pod[n] == '\0' || pod[n] == '-' || pod[n] == '_');
}

static bool cause_matches_objects(const struct dx_rootcause *rc, const struct dx_entry_hits *eh)
{
	if (!rc->workload)
		return false;
	for (size_t k = 0; k < eh->nobjects; k++)
		if (pod_of(eh->objects[k], rc->workload))
			return true;
	return false;
}

static int attach_causes(struct dx_run *run, struct dx_diagnosis *dg)
{
	const struct dx_entry_hits *eh = &run->hits[dg->entry];
	size_t n = 0;

	for (size_t i = 0; i < run->nrootcauses; i++)
		n += run->rootcauses[i].entry == dg->entry;
	if (n == 0)
		return 0;
	dg->causes = calloc(n, sizeof(*dg->causes));
	if (!dg->causes)
		return -1;
	/* About the pods in the evidence first, then the others, in file order. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < run->nrootcauses; i++) {
			const struct dx_rootcause *rc = &run->rootcauses[i];

			if (rc->entry == dg->entry && cause_matches_objects(rc, eh) == (pass == 0))
				dg->causes[dg->ncauses++] = i;
		}
	return 0;
}

static int kind_rank(enum dx_kind k)
{
	return k == DXK_CAUSE ? 0 : k == DXK_PREDICTED ? 1 : k == DXK_UNRECOGNISED ? 3 : 2;
}

static const struct dx_evidence *first_evidence(const struct dx_run *run, size_t entry)
{
	const struct dx_evidence *best = NULL;

	for (size_t s = 0; s < DX_MAX_SIGS; s++) {
		const struct dx_sig_hits *h = &run->hits[entry].sig[s];

		if (h->nev > 0 && (!best || h->ev[0].line < best->line))
			best = &h->ev[0];
	}
	return best;
}

static int by_rank(const void *pa, const void *pb, void *user)
{
	const struct dx_diagnosis *a = pa, *b = pb;
	const struct dx_run *run = user;
	const struct dx_evidence *ea, *eb;

	if (kind_rank(a->kind) != kind_rank(b->kind))
		return kind_rank(a->kind) - kind_rank(b->kind);
	if (a->confidence != b->confidence)
		return b->confidence - a->confidence;
	if (a->ncauses != b->ncauses)
		return a->ncauses > b->ncauses ? -1 : 1;
	ea = a->line ? a->line : first_evidence(run, a->entry);
	eb = b->line ? b->line : first_evidence(run, b->entry);
	if (ea && eb && ea->line != eb->line)
		return ea->line < eb->line ? -1 : 1;
	return strcmp(dx_kb[a->entry].id, dx_kb[b->entry].id);
}

/* The latest line of an entry, to compare with another's in the same file. */
static const struct dx_sig_hits *latest_hit(const struct dx_run *run, size_t entry)
{
	const struct dx_sig_hits *best = NULL;

	for (size_t s = 0; s < DX_MAX_SIGS && dx_kb[entry].sigs[s].anchor; s++) {
		const struct dx_sig_hits *h = &run->hits[entry].sig[s];

		if (sig_counts(run, entry, s) && (!best || h->last_line > best->last_line))
			best = h;
	}
	return best;
}

/* A line of an entry in ruled_out_by, no earlier than this entry's latest,
 * proves the failure cleared or impossible: the server that answered
 * fe_sendauth was reached, the volume attached after the Multi-Attach error.
 * Lines of other files are not ordered with these and rule out too. */
static const struct dx_evidence *ruled_out(const struct dx_run *run, size_t entry)
{
	const struct dx_sig_hits *mine = latest_hit(run, entry);

	for (size_t k = 0; k < 6 && dx_kb[entry].ruled_out_by[k]; k++) {
		const struct dx_entry *e = dx_kb_find(dx_kb[entry].ruled_out_by[k]);
		const struct dx_sig_hits *theirs;

		if (!e || !entry_found(run, (size_t)(e - dx_kb)))
			continue;
		theirs = latest_hit(run, (size_t)(e - dx_kb));
		if (!mine || !theirs || !mine->last_file || !theirs->last_file)
			continue;
		if (strcmp(mine->last_file, theirs->last_file) != 0 || theirs->last_line >= mine->last_line)
			return theirs->nev > 0 ? &theirs->ev[theirs->nev - 1] : NULL;
	}
	return NULL;
}

static void score(struct dx_run *run, struct dx_diagnosis *dg)
{
	size_t distinct = 0;

	dg->confidence = 0;
	for (size_t s = 0; s < DX_MAX_SIGS && dx_kb[dg->entry].sigs[s].anchor; s++) {
		const struct dx_sig_hits *h = &run->hits[dg->entry].sig[s];

		if (!sig_counts(run, dg->entry, s))
			continue;
		distinct++;
		dg->count += h->count;
		if (dx_kb[dg->entry].sigs[s].confidence > dg->confidence)
			dg->confidence = dx_kb[dg->entry].sigs[s].confidence;
		if (!dg->subject && h->subject[0])
			dg->subject = h->subject;
	}
	/* Two kinds of lines, or a line in the manifests, make it surer. */
	if (distinct > 1)
		dg->confidence += 2;
	if (dg->ncauses > 0)
		dg->confidence += 3;
	if (dg->confidence > 99)
		dg->confidence = 99;
	/* Ruled out, it stays in the report, below what still holds. */
	dg->ruled_out = ruled_out(run, dg->entry);
	if (dg->ruled_out)
		dg->confidence = dg->confidence > 40 ? dg->confidence - 35 : 5;
}

static enum dx_kind kind_of(size_t entry, bool causes)
{
	switch (dx_kb[entry].level) {
	case DX_CAUSE: return DXK_CAUSE;
	case DX_UNRECOGNISED: return DXK_UNRECOGNISED;
	default: return causes ? DXK_SYMPTOM : DXK_INSUFFICIENT;
	}
}

static bool any_cause_found(const struct dx_run *run, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (dx_kb[i].level == DX_CAUSE && entry_found(run, i) && !yields(run, i))
			return true;
	return false;
}

static int predict(struct dx_run *run, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct dx_diagnosis *dg;
		bool predicted = false;

		for (size_t k = 0; k < run->nrootcauses; k++)
			predicted |= run->rootcauses[k].entry == i && run->rootcauses[k].primary;
		if (!predicted)
			continue;
		dg = &run->diagnoses[run->ndiagnoses++];
		memset(dg, 0, sizeof(*dg));
		dg->entry = i;
		dg->kind = DXK_PREDICTED;
		dg->exit_code = -1;
		if (attach_causes(run, dg) != 0)
			return -1;
		dg->confidence = 60;
	}
	return 0;
}

static bool only_catch_alls(const struct dx_run *run)
{
	for (size_t i = 0; i < run->ndiagnoses; i++)
		if (run->diagnoses[i].kind != DXK_UNRECOGNISED)
			return false;
	return run->ndiagnoses > 0;
}

int dx_finish(struct dx_run *run)
{
	size_t n = dx_kb_count();
	bool observed = run->lines > 0;
	bool causes;

	dx_judge_clean_logs(run);
	/* Beside the entries, the catalogue's messages and the similar guess. */
	run->diagnoses = calloc(n + DX_CATALOGUE_MAX + 1, sizeof(*run->diagnoses));
	if (!run->diagnoses)
		return -1;
	if (!observed) {
		if (predict(run, n) != 0)
			return -1;
	} else {
		causes = any_cause_found(run, n);
		for (size_t i = 0; i < n; i++) {
			struct dx_diagnosis *dg;

			/* Beside a known cause, unexplained errors are mostly its consequences. */
			if (dx_kb[i].level == DX_FACT || (dx_kb[i].level == DX_UNRECOGNISED && causes) ||
			    !entry_found(run, i) || yields(run, i))
				continue;
			dg = &run->diagnoses[run->ndiagnoses++];
			dg->entry = i;
			dg->kind = kind_of(i, causes);
			dg->exit_code = strcmp(dx_kb[i].id, "crashloop") == 0 ? run->exit_code : -1;
			if (attach_causes(run, dg) != 0)
				return -1;
			score(run, dg);
		}
		if (only_catch_alls(run) && (dx_catalogue(run) != 0 || dx_similar(run) != 0))
			return -1;
	}
	qsort_r(run->diagnoses, run->ndiagnoses, sizeof(*run->diagnoses), by_rank, run);
	return 0;
}
