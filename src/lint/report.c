/* Findings out: for people (file:line:col), JSON, SARIF 2.1.0 and JUnit XML. */
#include <stdio.h>
#include <string.h>

#include "lint/flows.h"
#include "lint/lint.h"
#include "util/json.h"

void lint_finish(struct lint_run *r)
{
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

static void human(const struct lint_run *r, bool color, struct buf *b, FILE *fp)
{
	static const char *const colors[] = {"\033[1;36m", "\033[1;35m", "\033[1;31m"};
	size_t counts[3] = {0, 0, 0};

	for (size_t i = 0; i < r->findings.n; i++) {
		const struct finding *f = &r->findings.v[i];

		counts[f->severity]++;
		buf_printf(b, "%s%s:%d:%d:%s ", color ? "\033[1m" : "", f->file, f->line, f->col, color ? "\033[0m" : "");
		buf_printf(b, "%s%s%s [%s] %s", color ? colors[f->severity] : "", severity_name(f->severity),
			   color ? "\033[0m" : "", f->rule->id, f->message);
		if (f->object[0])
			buf_printf(b, " (%s)", f->object);
		buf_printf(b, "; fix: %s\n", f->rule->remediation);
		maybe_flush(b, fp, false);
	}
	if (unlisted(r))
		buf_printf(b, "%zu more findings are not listed: the report lists the first %d\n", unlisted(r),
			   LINT_MAX_LISTED);
	for (int k = 0; k < 3; k++)
		counts[k] += r->findings.unlisted[k];
	buf_printf(b, "%zu documents in %zu files: %zu errors, %zu warnings, %zu notes", r->documents, r->files,
		   counts[SEV_ERROR], counts[SEV_WARNING], counts[SEV_INFO]);
	if (r->findings.suppressed)
		buf_printf(b, ", %zu suppressed by kgenius.io/ignore", r->findings.suppressed);
	buf_puts(b, "\n");
}

static void json(const struct lint_run *r, struct buf *b, FILE *fp)
{
	buf_puts(b, "{\n  \"findings\": [");
	for (size_t i = 0; i < r->findings.n; i++) {
		const struct finding *f = &r->findings.v[i];

		buf_puts(b, i ? ",\n    {" : "\n    {");
		buf_puts(b, "\"rule\": ");
		json_string(b, f->rule->id);
		buf_puts(b, ", \"family\": ");
		json_string(b, f->rule->family);
		buf_puts(b, ", \"severity\": ");
		json_string(b, severity_name(f->severity));
		buf_puts(b, ", \"file\": ");
		json_string(b, f->file);
		buf_printf(b, ", \"line\": %d, \"column\": %d, \"object\": ", f->line, f->col);
		json_string(b, f->object);
		buf_puts(b, ", \"message\": ");
		json_string(b, f->message);
		buf_puts(b, ", \"fix\": ");
		json_string(b, f->rule->remediation);
		buf_puts(b, "}");
		maybe_flush(b, fp, false);
	}
	buf_printf(b, "%s],\n  \"documents\": %zu,\n  \"files\": %zu,\n  \"suppressed\": %zu,\n  \"unlisted\": %zu\n}\n",
		   r->findings.n ? "\n  " : "", r->documents, r->files, r->findings.suppressed, unlisted(r));
}

static const char *sarif_level(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "note";
}

static void sarif(const struct lint_run *r, struct buf *b, FILE *fp)
{
	buf_puts(b, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n"
		    "  \"runs\": [{\n    \"tool\": {\"driver\": {\"name\": \"kgenius\", \"version\": " );
	json_string(b, KG_VERSION);
	buf_puts(b, ", \"informationUri\": \"https://example.invalid/kgenius\", \"rules\": [");
	for (const struct rule *ru = lint_rules; ru->id; ru++) {
		buf_puts(b, ru == lint_rules ? "\n      {" : ",\n      {");
		buf_puts(b, "\"id\": ");
		json_string(b, ru->id);
		buf_puts(b, ", \"shortDescription\": {\"text\": ");
		json_string(b, ru->title);
		buf_puts(b, "}, \"help\": {\"text\": ");
		json_string(b, ru->remediation);
		buf_printf(b, "}, \"defaultConfiguration\": {\"level\": \"%s\"}, \"properties\": {\"family\": ", sarif_level(ru->severity));
		json_string(b, ru->family);
		buf_puts(b, "}}");
	}
	buf_puts(b, "]}},\n    \"results\": [");
	for (size_t i = 0; i < r->findings.n; i++) {
		const struct finding *f = &r->findings.v[i];

		buf_puts(b, i ? ",\n      {" : "\n      {");
		buf_puts(b, "\"ruleId\": ");
		json_string(b, f->rule->id);
		buf_printf(b, ", \"ruleIndex\": %d, \"level\": \"%s\", \"message\": {\"text\": ", (int)(f->rule - lint_rules),
			   sarif_level(f->severity));
		json_string(b, f->message);
		buf_puts(b, "}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
		json_string(b, f->file);
		buf_printf(b, "}, \"region\": {\"startLine\": %d, \"startColumn\": %d}}", f->line > 0 ? f->line : 1,
			   f->col > 0 ? f->col : 1);
		if (f->object[0]) {
			buf_puts(b, ", \"logicalLocations\": [{\"fullyQualifiedName\": ");
			json_string(b, f->object);
			buf_puts(b, "}]");
		}
		buf_puts(b, "}]}");
		maybe_flush(b, fp, false);
	}
	buf_printf(b, "%s],\n    \"properties\": {\"unlistedFindings\": %zu}\n  }]\n}\n", r->findings.n ? "\n    " : "",
		   unlisted(r));
}

static void junit(const struct lint_run *r, struct buf *b, FILE *fp)
{
	size_t failures = 0;

	for (size_t i = 0; i < r->findings.n; i++)
		failures += r->findings.v[i].severity >= r->cfg.fail_on;
	buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kgenius lint\" tests=\"%zu\" failures=\"%zu\">\n"
		      "  <testsuite name=\"kgenius lint\" tests=\"%zu\" failures=\"%zu\">\n",
		   r->findings.n ? r->findings.n : 1, failures, r->findings.n ? r->findings.n : 1, failures);
	if (unlisted(r))
		buf_printf(b, "    <properties><property name=\"unlisted\" value=\"%zu\"/></properties>\n", unlisted(r));
	if (!r->findings.n)
		buf_puts(b, "    <testcase classname=\"kgenius\" name=\"no findings\"/>\n");
	for (size_t i = 0; i < r->findings.n; i++) {
		const struct finding *f = &r->findings.v[i];

		buf_puts(b, "    <testcase classname=\"");
		xml_text(b, f->rule->id);
		buf_puts(b, "\" name=\"");
		xml_text(b, f->file);
		buf_printf(b, ":%d:%d ", f->line, f->col);
		xml_text(b, f->object);
		buf_puts(b, "\">");
		if (f->severity >= r->cfg.fail_on) {
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
		maybe_flush(b, fp, false);
	}
	buf_puts(b, "  </testsuite>\n</testsuites>\n");
}

int lint_write(const struct lint_run *r, enum lint_format fmt, bool color, FILE *fp)
{
	struct buf b = BUF_INIT;

	switch (fmt) {
	case LINT_HUMAN: human(r, color, &b, fp); break;
	case LINT_JSON: json(r, &b, fp); break;
	case LINT_SARIF: sarif(r, &b, fp); break;
	case LINT_JUNIT: junit(r, &b, fp); break;
	}
	maybe_flush(&b, fp, true);
	buf_free(&b);
	return ferror(fp) || fflush(fp) != 0 ? -1 : 0;
}
