/* Findings out: for people (file:line:col), JSON, SARIF 2.1.0 and JUnit XML. */
#include <stdio.h>
#include <string.h>

#include "lint/flows.h"
#include "lint/internal.h"
#include "util/json.h"
#include "util/number.h"

void lint_finish(struct lint_run *r)
{
	lint_pool_end(r);
	index_finish(r);
	rules_cross(r);
	rules_flows(r);
	rules_application_cross(r);
	rules_server_cross(r);
}

/* The report goes out in pieces: its size does not stay in memory. */
static void maybe_flush(struct buf *b, FILE *fp, bool force)
{
	if (b->len && (force || b->len > 64 * 1024)) {
		fwrite(b->data, 1, b->len, fp);
		buf_reset(b);
	}
}

static void xml_text(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '&': buf_puts(b, "&amp;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				buf_putc(b, *s);
		}
	}
}

static size_t unlisted(const struct lint_run *r)
{
	return r->findings.unlisted[0] + r->findings.unlisted[1] + r->findings.unlisted[2];
}

/* Where a report being written goes, for the callbacks of findings_each. */
struct out {
	struct buf *b;
	FILE *fp;
	bool color;
	struct json *j;
	void (*one)(struct json *, const struct finding *);
	enum severity fail_on;
};

/* A line number or column as text (the report's lines are built with
 * buf_puts: on 60,000 findings, printf-style formatting took more
 * instructions than all the rules). */
static void put_number(struct buf *b, int v)
{
	char buf[NUMBER_DIGITS_MAX];
	const char *digits = number_digits(v < 0 ? 0u : (unsigned)v, buf);

	buf_append(b, digits, (size_t)(buf + sizeof(buf) - digits));
}

static void human_finding(const struct finding *f, void *user)
{
	static const char *const colors[] = {"\033[1;36m", "\033[1;35m", "\033[1;31m"};
	struct out *o = user;
	struct buf *b = o->b;
	bool color = o->color;

	buf_puts(b, color ? "\033[1m" : "");
	buf_puts(b, f->file);
	buf_putc(b, ':');
	put_number(b, f->line);
	buf_putc(b, ':');
	put_number(b, f->col);
	buf_puts(b, color ? ":\033[0m " : ": ");
	buf_puts(b, color ? colors[f->severity] : "");
	buf_puts(b, severity_name(f->severity));
	buf_puts(b, color ? "\033[0m [" : " [");
	buf_puts(b, f->rule->id);
	buf_puts(b, "] ");
	buf_puts(b, f->message);
	if (f->object[0]) {
		buf_puts(b, " (");
		buf_puts(b, f->object);
		buf_putc(b, ')');
	}
	buf_puts(b, "; fix: ");
	buf_puts(b, f->rule->remediation);
	buf_putc(b, '\n');
	maybe_flush(b, o->fp, false);
}

static void human(const struct lint_run *r, bool color, struct buf *b, FILE *fp)
{
	struct out o = {.b = b, .fp = fp, .color = color};
	size_t counts[3];

	findings_each(&r->findings, human_finding, &o);
	memcpy(counts, r->findings.listed, sizeof(counts));
	if (unlisted(r))
		buf_printf(b, "%zu more findings are not listed: the report lists the first %d\n", unlisted(r),
			   LINT_MAX_LISTED);
	if (r->index.unsummarised)
		buf_printf(b, "%zu objects are not cross-checked: the summaries the cross-resource rules read reached "
			   "their %u MiB bound; lint fewer files at once for the cross-resource rules on every object\n",
			   r->index.unsummarised, LINT_INDEX_MEMORY / (1024 * 1024));
	for (int k = 0; k < 3; k++)
		counts[k] += r->findings.unlisted[k];
	buf_printf(b, "%zu documents in %zu files: %zu errors, %zu warnings, %zu notes", r->documents, r->files,
		   counts[SEV_ERROR], counts[SEV_WARNING], counts[SEV_INFO]);
	if (r->findings.suppressed)
		buf_printf(b, ", %zu suppressed by kgenius.io/ignore", r->findings.suppressed);
	buf_puts(b, "\n");
}

static void finding_json(struct json *j, const struct finding *f)
{
	json_object(j);
	json_member_str(j, "rule", f->rule->id);
	json_member_str(j, "family", f->rule->family);
	json_member_str(j, "severity", severity_name(f->severity));
	json_member_str(j, "file", f->file);
	json_member_int(j, "line", f->line);
	json_member_int(j, "column", f->col);
	json_member_str(j, "object", f->object);
	json_member_str(j, "message", f->message);
	json_member_str(j, "fix", f->rule->remediation);
	json_end(j);
}

static void json_finding(const struct finding *f, void *user)
{
	struct out *o = user;

	o->one(o->j, f);
	maybe_flush(o->b, o->fp, false);
}

/* The member key: an array of every finding written by one, sent out to fp
 * as it grows. */
static void findings_member(struct json *j, const char *key, const struct lint_run *r,
			    void (*one)(struct json *, const struct finding *), FILE *fp)
{
	struct out o = {.b = j->b, .fp = fp, .j = j, .one = one};

	json_key(j, key);
	json_array(j);
	findings_each(&r->findings, json_finding, &o);
	json_end(j);
}

static void json_report(const struct lint_run *r, struct buf *b, FILE *fp)
{
	struct json j;

	json_init(&j, b, true);
	json_object(&j);
	findings_member(&j, "findings", r, finding_json, fp);
	json_member_uint(&j, "documents", r->documents);
	json_member_uint(&j, "files", r->files);
	json_member_uint(&j, "suppressed", r->findings.suppressed);
	json_member_uint(&j, "unlisted", unlisted(r));
	json_member_uint(&j, "unsummarised", r->index.unsummarised);
	json_end(&j);
}

static const char *sarif_level(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "note";
}

/* {"text": s} */
static void sarif_text(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_object(j);
	json_member_str(j, "text", s);
	json_end(j);
}

static void sarif_rules(struct json *j)
{
	json_key(j, "rules");
	json_array(j);
	for (const struct rule *ru = lint_rules; ru->id; ru++) {
		json_object(j);
		json_member_str(j, "id", ru->id);
		sarif_text(j, "shortDescription", ru->title);
		sarif_text(j, "help", ru->remediation);
		json_key(j, "defaultConfiguration");
		json_object(j);
		json_member_str(j, "level", sarif_level(ru->severity));
		json_end(j);
		json_key(j, "properties");
		json_object(j);
		json_member_str(j, "family", ru->family);
		json_end(j);
		json_end(j);
	}
	json_end(j);
}

static void sarif_result(struct json *j, const struct finding *f)
{
	json_object(j);
	json_member_str(j, "ruleId", f->rule->id);
	json_member_int(j, "ruleIndex", f->rule - lint_rules);
	json_member_str(j, "level", sarif_level(f->severity));
	sarif_text(j, "message", f->message);
	json_key(j, "locations");
	json_array(j);
	json_object(j);
	json_key(j, "physicalLocation");
	json_object(j);
	json_key(j, "artifactLocation");
	json_object(j);
	json_member_str(j, "uri", f->file);
	json_end(j);
	json_key(j, "region");
	json_object(j);
	json_member_int(j, "startLine", f->line > 0 ? f->line : 1);
	json_member_int(j, "startColumn", f->col > 0 ? f->col : 1);
	json_end(j);
	json_end(j);
	if (f->object[0]) {
		json_key(j, "logicalLocations");
		json_array(j);
		json_object(j);
		json_member_str(j, "fullyQualifiedName", f->object);
		json_end(j);
		json_end(j);
	}
	json_end(j);
	json_end(j);
	json_end(j);
}

static void sarif(const struct lint_run *r, struct buf *b, FILE *fp)
{
	struct json j;

	json_init(&j, b, true);
	json_object(&j);
	json_member_str(&j, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	json_member_str(&j, "version", "2.1.0");
	json_key(&j, "runs");
	json_array(&j);
	json_object(&j);
	json_key(&j, "tool");
	json_object(&j);
	json_key(&j, "driver");
	json_object(&j);
	json_member_str(&j, "name", "kgenius");
	json_member_str(&j, "version", KG_VERSION);
	json_member_str(&j, "informationUri", "https://example.invalid/kgenius");
	sarif_rules(&j);
	json_end(&j);
	json_end(&j);
	findings_member(&j, "results", r, sarif_result, fp);
	json_key(&j, "properties");
	json_object(&j);
	json_member_uint(&j, "unlistedFindings", unlisted(r));
	json_end(&j);
	json_end(&j);
	json_end(&j);
	json_end(&j);
}

static void junit_finding(const struct finding *f, void *user)
{
	struct out *o = user;
	struct buf *b = o->b;

	buf_puts(b, "    <testcase classname=\"");
	xml_text(b, f->rule->id);
	buf_puts(b, "\" name=\"");
	xml_text(b, f->file);
	buf_printf(b, ":%d:%d ", f->line, f->col);
	xml_text(b, f->object);
	buf_puts(b, "\">");
	if (f->severity >= o->fail_on) {
		buf_printf(b, "<failure type=\"%s\" message=\"", severity_name(f->severity));
		xml_text(b, f->message);
		buf_puts(b, "\">");
		xml_text(b, f->rule->remediation);
		buf_puts(b, "</failure>");
	} else {
		buf_puts(b, "<system-out>");
		xml_text(b, f->message);
		buf_puts(b, "</system-out>");
	}
	buf_puts(b, "</testcase>\n");
	maybe_flush(b, o->fp, false);
}

static void junit(const struct lint_run *r, struct buf *b, FILE *fp)
{
	struct out o = {.b = b, .fp = fp, .fail_on = r->cfg.fail_on};
	size_t listed = findings_listed(&r->findings), failures = 0;

	for (int k = (int)r->cfg.fail_on; k <= (int)SEV_ERROR; k++)
		failures += r->findings.listed[k];
	buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kgenius lint\" tests=\"%zu\" failures=\"%zu\">\n"
		      "  <testsuite name=\"kgenius lint\" tests=\"%zu\" failures=\"%zu\">\n",
		   listed ? listed : 1, failures, listed ? listed : 1, failures);
	if (unlisted(r))
		buf_printf(b, "    <properties><property name=\"unlisted\" value=\"%zu\"/></properties>\n", unlisted(r));
	if (!listed)
		buf_puts(b, "    <testcase classname=\"kgenius\" name=\"no findings\"/>\n");
	findings_each(&r->findings, junit_finding, &o);
	buf_puts(b, "  </testsuite>\n</testsuites>\n");
}

int lint_write(const struct lint_run *r, enum lint_format fmt, bool color, FILE *fp)
{
	struct buf b = BUF_INIT;

	switch (fmt) {
	case LINT_HUMAN: human(r, color, &b, fp); break;
	case LINT_JSON: json_report(r, &b, fp); break;
	case LINT_SARIF: sarif(r, &b, fp); break;
	case LINT_JUNIT: junit(r, &b, fp); break;
	}
	maybe_flush(&b, fp, true);
	buf_free(&b);
	/* A spill file that could not be read back left findings out. */
	if (r->findings.spill && ferror(r->findings.spill))
		return -1;
	return ferror(fp) || fflush(fp) != 0 ? -1 : 0;
}
