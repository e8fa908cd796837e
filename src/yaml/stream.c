/* The libfyaml parser that feeds the builder (parse.c): its set-up, its
 * first error as a located diagnostic, the inputs (a string, a mapped file, a
 * stream through a checking callback), and the check that the input was
 * parsed to its end. */
#include <errno.h>
#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

#include "yaml/builder.h"
#include "yaml/input.h"

const struct yaml_limits yaml_default_limits = {
	.max_nodes = 300000,
	.max_depth = 256,
};

/* libfyaml reports through this callback; only the first error is kept. */
struct first_error {
	char msg[512];
	bool seen;
};

static void capture_diag(struct fy_diag *diag, void *user, const char *text, size_t len)
{
	struct first_error *fe = user;

	(void)diag;
	if (fe->seen)
		return;
	if (len >= sizeof(fe->msg))
		len = sizeof(fe->msg) - 1;
	memcpy(fe->msg, text, len);
	while (len && (fe->msg[len - 1] == '\n' || fe->msg[len - 1] == ' '))
		len--;
	fe->msg[len] = '\0';
	fe->seen = true;
}

/* The parser's errors are collected, not printed: printing one shows its
 * source line, and libfyaml 0.7.12 reads outside the input doing that for
 * some inputs (a tab-indented flow mapping in a realm file crashed `migrate
 * keycloak check`; found by fuzz/keycloak_export). The first collected error
 * is written the way the printed ones read. */
static void take_collected_error(struct fy_parser *fyp, struct first_error *fe)
{
	struct fy_diag *diag = fy_parser_get_diag(fyp);
	struct fy_diag_error *err;
	void *iter = NULL;

	if (!diag)
		return;
	while (!fe->seen && (err = fy_diag_errors_iterate(diag, &iter)) != NULL)
		if (err->type >= FYET_ERROR) {
			snprintf(fe->msg, sizeof(fe->msg), "%d:%d: error: %s", err->line, err->column,
				 err->msg ? err->msg : "syntax error");
			fe->seen = true;
		}
	fy_diag_unref(diag);
}

/* libfyaml frees the errors it collected only when collecting is turned off
 * or the diagnostic object is destroyed, not when its last reference goes. */
static void destroy_parser(struct fy_parser *fyp)
{
	struct fy_diag *diag = fy_parser_get_diag(fyp);

	fy_diag_set_collect_errors(diag, false);
	fy_diag_unref(diag);
	fy_parser_destroy(fyp);
}

/* The captured text reads "<line>:<col>: error: <message>" (1-based). */
static void report_parser_error(struct builder *b, const struct first_error *fe)
{
	struct srcpos pos = {b->file, 0, 0};
	const char *msg = fe->msg;
	char text[600];
	int line, col, used = 0;

	/* Strings parsed from memory carry a "<memory-@...>:" input name. */
	if (msg[0] == '<' && strstr(msg, ">:"))
		msg = strstr(msg, ">:") + 2;
	/* Files libfyaml opened itself carry their name. */
	else if (b->file && strncmp(msg, b->file, strlen(b->file)) == 0 && msg[strlen(b->file)] == ':')
		msg += strlen(b->file) + 1;
	if (fe->seen && sscanf(msg, "%d:%d:%n", &line, &col, &used) == 2 && used > 0) {
		pos.line = b->line_base + line;
		pos.col = col;
		msg += used;
		while (*msg == ' ')
			msg++;
		if (strncmp(msg, "error:", 6) == 0)
			msg += 6;
		while (*msg == ' ')
			msg++;
	}
	snprintf(text, sizeof(text), "invalid YAML: %s", fe->seen && *msg ? msg : "syntax error");
	builder_fail(b, &pos, "fix the YAML syntax at this position", text);
}

/* One parser, set up to collect its first error for the builder. */
static struct fy_parser *make_parser(struct first_error *first)
{
	struct fy_parse_cfg cfg;
	struct fy_diag_cfg dcfg;
	struct fy_diag *diag;
	struct fy_parser *fyp;

	memset(first, 0, sizeof(*first));
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = capture_diag;
	dcfg.user = first;
	dcfg.level = FYET_ERROR;
	dcfg.colorize = false;
	dcfg.show_source = false;
	dcfg.show_position = true;
	dcfg.show_type = true;
	dcfg.show_module = false;
	dcfg.source_width = 0;
	dcfg.position_width = 0;
	dcfg.type_width = 0;
	diag = fy_diag_create(&dcfg);
	if (!diag)
		return NULL;
	fy_diag_set_collect_errors(diag, true);
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = FYPCF_DEFAULT_VERSION_1_2;
	cfg.diag = diag;
	fyp = fy_parser_create(&cfg);
	fy_diag_unref(diag);
	return fyp;
}

/* After the last event: the input must have been read, checked and parsed
 * to its end. An input cut short by a read error, a NUL byte or memory
 * running out is an error, never a shorter input. */
static void check_end(struct builder *b, struct fy_parser *fyp, struct first_error *first,
		      const struct checked_input *in, bool saw_end)
{
	struct srcpos pos = {b->file, 0, 0};

	if (in && in->scan.err != TEXT_OK) {
		text_scan_report(&in->scan, b->d, b->file);
		b->failed = true;
	} else if (in && in->read_errno) {
		char what[300];

		snprintf(what, sizeof(what), "cannot read: %s", strerror(in->read_errno));
		builder_fail(b, &pos, NULL, what);
	} else if (fy_parser_get_stream_error(fyp)) {
		take_collected_error(fyp, first);
		report_parser_error(b, first);
	} else if (!saw_end) {
		builder_fail(b, &pos, "the input is too large or too deeply nested for the memory available; split it",
		     "the input could not be read to its end");
	}
}

/* What the parser reads: a string, whose text the builder may take
 * scalars from, or a stream checked as it is read. */
struct parse_source {
	const char *text;
	size_t len;
	int line_base;            /* lines before the text in its file */
	const struct checked_input *stream;
};

/* The parser's events are taken EVENT_BATCH at a time (a document's end
 * ends a batch), then built: libfyaml's code and data stay in the caches
 * for a run of events instead of alternating with the builder's and the
 * rules' at every event. On 20,000 Deployments, lint's CPU time went from
 * 1.78 to 1.65 times parsing alone's; the same instructions ran. The
 * events hold their tokens until freed, so a batch stays small. */
#define EVENT_BATCH 256

static int run_parser(struct fy_parser *fyp, struct first_error *first, struct arena *a, struct diags *d,
		      const char *file, const struct parse_source *src, const struct yaml_limits *lim, yaml_doc_fn fn,
		      void *user)
{
	struct builder b;
	struct fy_event *fye;
	int index = 0, rc = 0;
	bool saw_end = false;

	memset(&b, 0, sizeof(b));
	b.line_base = src->line_base;
	b.input = src->text;
	b.input_len = src->len;
	b.a = a;
	b.d = d;
	b.file = file;
	b.lim = lim ? lim : &yaml_default_limits;
	b.budget = b.lim->max_nodes;
	for (;;) {
		struct fy_event *batch[EVENT_BATCH];
		size_t n = 0;

		while (n < EVENT_BATCH && (fye = fy_parser_parse(fyp)) != NULL) {
			batch[n++] = fye;
			if (fye->type == FYET_DOCUMENT_END || fye->type == FYET_STREAM_END)
				break;
		}
		for (size_t i = 0; i < n && !b.failed && !rc; i++) {
			saw_end = saw_end || batch[i]->type == FYET_STREAM_END;
			builder_event(&b, batch[i], &index, &rc, fn, user);
		}
		for (size_t i = 0; i < n; i++)
			fy_parser_event_free(fyp, batch[i]);
		if (b.failed || rc || n == 0)
			break;
	}
	if (!b.failed && !rc)
		check_end(&b, fyp, first, src->stream, saw_end);
	builder_reset_doc(&b);
	free(b.stack);
	free(b.anchors);
	destroy_parser(fyp);
	if (b.failed)
		return -1;
	return rc;
}

/* Runs a parser whose input was just set (set_rc is the setter's result). */
static int parse_input(struct fy_parser *fyp, int set_rc, struct first_error *first, struct arena *a,
		       struct diags *d, const char *file, const struct yaml_limits *lim, yaml_doc_fn fn, void *user,
		       const struct parse_source *src)
{
	if (set_rc != 0) {
		destroy_parser(fyp);
		return -1;
	}
	return run_parser(fyp, first, a, d, file, src, lim, fn, user);
}

int yaml_parse_stream(struct arena *a, struct diags *d, const char *file,
		      const char *data, size_t len, const struct yaml_limits *lim,
		      yaml_doc_fn fn, void *user)
{
	struct first_error first;
	struct fy_parser *fyp;
	struct parse_source src = {data, len, 0, NULL};

	if (!lim)
		lim = &yaml_default_limits;
	if (yaml_check_yaml_text(d, file, data, len, lim->max_depth, lim->max_nodes) != 0)
		return -1;
	fyp = make_parser(&first);
	if (!fyp)
		return -1;
	return parse_input(fyp, fy_parser_set_string(fyp, len ? data : "", len), &first, a, d, file, lim, fn, user, &src);
}

/* A stream is checked as it is read (libfyaml's input callback). */
int yaml_parse_fp(struct arena *a, struct diags *d, const char *file, FILE *fp,
		  const struct yaml_limits *lim, yaml_doc_fn fn, void *user)
{
	struct first_error first;
	struct checked_input in = {fileno(fp), 0, {0}};
	struct parse_source src = {NULL, 0, 0, &in};
	struct fy_parser *fyp = make_parser(&first);

	if (!fyp)
		return -1;
	text_scan_init(&in.scan);
	in.scan.max_flow_depth = (lim ? lim : &yaml_default_limits)->max_depth;
	in.scan.max_flow_items = (lim ? lim : &yaml_default_limits)->max_nodes;
	return parse_input(fyp, fy_parser_set_input_callback(fyp, &in, checked_read), &first, a, d, file, lim, fn,
			   user, &src);
}

/* A named regular file, mapped: memory follows the largest document, and the
 * whole text is checked before the parser sees it. */
int yaml_parse_path(struct arena *a, struct diags *d, const char *file, const struct yaml_limits *lim,
		    yaml_doc_fn fn, void *user)
{
	struct mapped_file m;
	struct srcpos pos = {file, 0, 0};
	int rc;

	if (map_regular_file(file, &m) != 0) {
		diag_add(d, DIAG_ERROR, &pos, "give a regular file, or - for standard input", "cannot read: %s",
			 errno == EINVAL ? "not a regular file (a FIFO, a device or a socket)" : strerror(errno));
		return -1;
	}
	rc = yaml_parse_stream(a, d, file, m.data, m.len, lim, fn, user);
	unmap_file(&m);
	return rc;
}

int yaml_parse_part(struct arena *a, struct diags *d, const char *file, int line_base, const char *data, size_t len,
		    const struct yaml_limits *lim, yaml_doc_fn fn, void *user)
{
	struct first_error first;
	struct fy_parser *fyp;
	struct parse_source src = {data, len, line_base, NULL};
	size_t before = d->n;

	if (!lim)
		lim = &yaml_default_limits;
	/* The same checks as yaml_parse_stream, on the part: NUL bytes, UTF-8,
	 * flow nesting and entries (a flow collection never spans a "---"). */
	if (yaml_check_yaml_text(d, file, data, len, lim->max_depth, lim->max_nodes) != 0) {
		for (size_t i = before; i < d->n; i++)
			d->v[i].line += d->v[i].line > 0 ? line_base : 0;
		return -1;
	}
	fyp = make_parser(&first);
	if (!fyp)
		return -1;
	if (fy_parser_set_string(fyp, len ? data : "", len) != 0) {
		destroy_parser(fyp);
		return -1;
	}
	return run_parser(fyp, &first, a, d, file, &src, lim, fn, user);
}
