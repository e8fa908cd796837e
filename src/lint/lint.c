/* Reading the inputs and checking each document as it arrives. */
#include "lint/internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lint/schema.h"
#include "util/fsio.h"
#include "yaml/parse.h"

void lint_init(struct lint_run *r, struct diags *d)
{
	memset(r, 0, sizeof(*r));
	lint_config_init(&r->cfg);
	r->d = d;
	arena_init(&r->index.a, 0);
	arena_init(&r->findings.text, 0);
	arena_init_large(&r->doc_memory, LINT_DOC_MEMORY);
	r->index.pg_max_connections = 0;
}

void lint_free(struct lint_run *r)
{
	lint_pool_stop(r);
	findings_free(&r->findings);
	index_free(&r->index);
	arena_free(&r->doc_memory);
	memset(r, 0, sizeof(*r));
}

/* kgenius.io/ignore: "SEC011,REL005: the reason" suppresses those rules. */
static bool ignored(const char *ignore, const char *id)
{
	size_t idlen = strlen(id);
	const char *end;

	if (!ignore)
		return false;
	end = strchr(ignore, ':');
	if (!end)
		end = ignore + strlen(ignore);
	for (const char *p = ignore; p < end;) {
		while (p < end && (*p == ' ' || *p == ','))
			p++;
		if ((size_t)(end - p) >= idlen && strncmp(p, id, idlen) == 0 &&
		    (p + idlen == end || p[idlen] == ',' || p[idlen] == ' '))
			return true;
		while (p < end && *p != ',')
			p++;
	}
	return false;
}

static int configured_severity(const struct lint_config *cfg, const struct rule *rule)
{
	for (size_t i = 0; i < cfg->noverrides; i++) {
		if (strcmp(cfg->overrides[i].id, rule->id) != 0)
			continue;
		if (cfg->overrides[i].disabled)
			return -1;
		if (cfg->overrides[i].severity >= 0)
			return cfg->overrides[i].severity;
	}
	return (int)rule->severity;
}

static void add_finding(struct lint_run *r, const char *rule_id, const struct srcpos *pos, const char *object,
			const char *ignore, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

static void add_finding(struct lint_run *r, const char *rule_id, const struct srcpos *pos, const char *object,
			const char *ignore, const char *fmt, va_list ap)
{
	const struct rule *rule = rule_find(rule_id);
	struct findings *f = &r->findings;
	struct finding x;
	char msg[1024];
	int sev;

	if (!rule)
		return;
	sev = configured_severity(&r->cfg, rule);
	if (sev < 0)
		return;
	if (ignored(ignore, rule_id)) {
		f->suppressed++;
		return;
	}
	if (findings_listed(f) >= LINT_MAX_LISTED) {
		f->unlisted[sev]++;
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	memset(&x, 0, sizeof(x));
	x.rule = rule;
	x.severity = (enum severity)sev;
	/* File names live in the index arena until the run ends. */
	x.file = (char *)(pos && pos->file ? pos->file : r->file ? r->file : "-");
	x.line = pos ? pos->line : 0;
	x.col = pos ? pos->col : 0;
	x.object = (char *)(object ? object : "");
	x.message = msg;
	if (!findings_add(f, &x))
		f->unlisted[sev]++;
}

void lint_report(struct lint_run *r, const char *rule_id, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_finding(r, rule_id, pos, r->object, r->ignore, fmt, ap);
	va_end(ap);
}

void lint_report_at(struct lint_run *r, const char *rule_id, const struct srcpos *pos, const char *object,
		    const char *ignore, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_finding(r, rule_id, pos, object, ignore, fmt, ap);
	va_end(ap);
}

static void on_schema_problem(void *user, const struct srcpos *pos, const char *rule, const char *path,
			      const char *message)
{
	lint_report(user, rule, pos, "%s: %s", path[0] ? path : "(document)", message);
}

/* DNS-1123: a subdomain (most names) or a label (Services, Namespaces). */
static bool dns1123(const char *s, bool label)
{
	size_t n = strlen(s);

	if (n == 0 || n > (label ? 63u : 253u) || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(islower(c) || isdigit(c) || c == '-' || (!label && c == '.')))
			return false;
	}
	return true;
}

static bool label_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

static bool label_key_ok(const char *key)
{
	const char *slash = strchr(key, '/');
	char prefix[256];

	if (!slash)
		return label_name_ok(key, strlen(key));
	if ((size_t)(slash - key) >= sizeof(prefix))
		return false;
	memcpy(prefix, key, (size_t)(slash - key));
	prefix[slash - key] = '\0';
	return dns1123(prefix, false) && label_name_ok(slash + 1, strlen(slash + 1));
}

static void check_labels(struct lint_run *r, const struct ynode *labels)
{
	for (size_t i = 0; labels && labels->kind == Y_MAP && i < labels->n; i++) {
		const struct ypair *p = &labels->pairs[i];
		const char *v = y_text(p->val);

		if (!label_key_ok(p->key))
			lint_report(r, "SCH008", &p->kpos, "label key \"%s\" is not valid (prefix/name, name of at most "
				    "63 letters, digits, -, _ and .)", p->key);
		if (v && v[0] && !label_name_ok(v, strlen(v)))
			lint_report(r, "SCH008", &p->val->pos, "label value \"%s\" is not valid (at most 63 letters, digits, "
				    "-, _ and ., starting and ending with a letter or digit)", v);
	}
}

/* Every label map under a metadata (the object's, a pod template's, a
 * volume claim template's). */
static bool is_collection(const struct ynode *n)
{
	return n && (n->kind == Y_MAP || n->kind == Y_SEQ);
}

/* Only collections are visited: on a CRD's schema, the scalars are most of
 * the nodes. */
static void check_all_labels(struct lint_run *r, const struct ynode *n)
{
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *child = n->kind == Y_SEQ ? n->items[i] : n->pairs[i].val;

		if (n->kind == Y_MAP && n->pairs[i].key[0] == 'm' && strcmp(n->pairs[i].key, "metadata") == 0)
			check_labels(r, y_get(child, "labels"));
		if (is_collection(child))
			check_all_labels(r, child);
	}
}

static bool rbac_kind(const char *kind)
{
	return strcmp(kind, "Role") == 0 || strcmp(kind, "ClusterRole") == 0 || strcmp(kind, "RoleBinding") == 0 ||
	       strcmp(kind, "ClusterRoleBinding") == 0;
}

/* "Kind/name", cut at size - 1 bytes as snprintf would (which cost more
 * than some rules). */
static void object_name(char *out, size_t size, const char *kind, const char *name)
{
	const char *parts[3] = {kind ? kind : "?", "/", name ? name : "?"};
	size_t len = 0;

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(parts[i]);

		if (n > size - 1 - len)
			n = size - 1 - len;
		memcpy(out + len, parts[i], n);
		len += n;
	}
	out[len] = '\0';
}

static void check_document(struct lint_run *r, const struct ynode *doc)
{
	const char *api = y_text(y_get(doc, "apiVersion"));
	const char *kind = y_text(y_get(doc, "kind"));
	const struct ynode *meta = y_get(doc, "metadata");
	const char *name = y_text(y_get(meta, "name"));
	const struct schema_root *root;
	const struct removed_api *gone;
	char object[300];

	if (doc->kind == Y_NULL)
		return;
	r->documents++;
	r->doc = doc;
	object_name(object, sizeof(object), kind, name);
	r->object = object;
	r->ignore = y_text(y_get(y_get(meta, "annotations"), "kgenius.io/ignore"));
	if (doc->kind != Y_MAP || !api || !kind) {
		lint_report(r, "SCH010", &doc->pos, "not a Kubernetes object: apiVersion and kind are required");
		return;
	}
	/* kustomization.yaml configures kustomize; it is not applied. */
	if (strncmp(api, "kustomize.config.k8s.io/", 24) == 0) {
		index_kustomization(r, doc);
		r->documents--;
		return;
	}
	/* A removed API has no schema left to check against, but the object
	 * still says what runs, so the other rules and the index take it. */
	gone = schema_removed(api, kind);
	root = schema_find(api, kind);
	if (gone)
		lint_report(r, "SCH009", &y_get_pair(doc, "apiVersion")->val->pos,
			    "%s %s was removed in %s; use %s", api, kind, gone->removed_in, gone->replacement);
	else if (!root)
		lint_report(r, "SCH010", &y_get_pair(doc, "kind")->val->pos,
			    "no schema for %s %s (Kubernetes 1.33 and the embedded CRDs); it is not checked", api, kind);
	else
		schema_validate(doc, root, on_schema_problem, r);
	if (name && rbac_kind(kind)) {
		/* RBAC objects take path-segment names: "system:controller" is fine. */
		if (!name[0] || strchr(name, '/') || strchr(name, '%') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			lint_report(r, "SCH007", &y_get_pair(meta, "name")->val->pos,
				    "name \"%s\" is not a valid path segment (no /, no %%, not . or ..)", name);
	} else if (name && strcmp(kind, "Namespace") != 0 && strcmp(kind, "Service") != 0 && !dns1123(name, false))
		lint_report(r, "SCH007", &y_get_pair(meta, "name")->val->pos,
			    "name \"%s\" is not a DNS-1123 subdomain (lower case letters, digits, - and .)", name);
	if (name && (strcmp(kind, "Namespace") == 0 || strcmp(kind, "Service") == 0) && !dns1123(name, true))
		lint_report(r, "SCH007", &y_get_pair(meta, "name")->val->pos,
			    "name \"%s\" is not a DNS-1123 label (at most 63 lower case letters, digits and -)", name);
	if (is_collection(doc))
		check_all_labels(r, doc);
	rules_security(r, doc);
	rules_reliability(r, doc);
	rules_application(r, doc);
	rules_server(r, doc);
	rules_hosts(r, doc);
	index_document(r, doc);
	r->object = NULL;
	r->ignore = NULL;
	r->doc = NULL;
}

struct stream {
	struct lint_run *r;
	struct arena *a;
	size_t docs;               /* YAML documents read, whatever they hold */
};

static int on_document(struct ynode *doc, int index, void *user)
{
	struct stream *s = user;
	const char *kind = y_text(y_get(doc, "kind"));
	const struct ynode *items = y_get(doc, "items");

	(void)index;
	s->docs++;
	/* kubectl get -o yaml prints a List: its items are the objects. */
	if (kind && strcmp(kind, "List") == 0 && items && items->kind == Y_SEQ) {
		for (size_t i = 0; i < items->n; i++)
			check_document(s->r, items->items[i]);
	} else {
		check_document(s->r, doc);
	}
	/* The document is done: its memory goes, and the next one starts fresh. */
	arena_reset(s->a);
	return 0;
}

/* YAML errors (syntax, duplicate keys, limits) are findings too. */
static void report_yaml_errors(struct lint_run *r, const char *name, const struct diags *dd)
{
	for (size_t i = 0; i < dd->n; i++) {
		struct srcpos pos = {name, dd->v[i].line, dd->v[i].col};
		if (dd->v[i].level == DIAG_ERROR) {
			lint_report_at(r, "SCH011", &pos, "", NULL, "%s; the rest of the file is not checked", dd->v[i].msg);
			r->incomplete = true;
		}
	}
}

int lint_part(struct lint_run *r, const char *name, const char *data, size_t len, int line_base)
{
	struct arena *a = r->doc_arena ? r->doc_arena : &r->doc_memory;
	struct stream s = {r, a, 0};
	struct diags dd;
	int rc;

	r->file = name;
	diags_init(&dd);
	rc = yaml_parse_part(a, &dd, name, line_base, data, len, &yaml_default_limits, on_document, &s);
	if (rc != 0 && dd.n == 0) {
		/* a failure that could not even be described (memory ran out
		 * while the parser held it) */
		struct srcpos pos = {name, 0, 0};
		diag_add(&dd, DIAG_ERROR, &pos, "check that the file was written completely",
			 "the input could not be read to its end");
	}
	if (rc != 0)
		report_yaml_errors(r, name, &dd);
	r->yaml_documents += s.docs;
	diags_free(&dd);
	arena_reset(a);
	r->file = NULL;
	return rc;
}

int lint_text(struct lint_run *r, const char *path, const char *data, size_t len)
{
	/* Findings and summaries point at the name until the end of the run. */
	const char *name = arena_strdup(&r->index.a, path);

	if (!name)
		return -1;
	/* Parts of files queued before come first. */
	lint_pool_end(r);
	r->files++;
	lint_part(r, name, data, len, 0);
	return 0;
}

void lint_report_empty(struct lint_run *r, const char *name)
{
	struct diags dd;
	struct srcpos pos = {name, 0, 0};

	diags_init(&dd);
	diag_add(&dd, DIAG_ERROR, &pos, "check that the file was written completely",
		 "no document: the input is empty");
	report_yaml_errors(r, name, &dd);
	diags_free(&dd);
}

/* Files are parsed in parts as they are read: memory holds one part, not
 * the file, however large it is. A named file must be a regular file (a FIFO
 * would block, a device never end); an input with no document at all is an
 * error, not a clean pass (checked as its parts are merged, parallel.c). */
static int lint_file(struct lint_run *r, const char *path)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = arena_strdup(&r->index.a, is_stdin ? "<stdin>" : path);
	struct part_sink sink = {r, name, 0};
	struct diags dd;

	if (!name) {
		struct srcpos pos = {path, 0, 0};
		diag_add(r->d, DIAG_ERROR, &pos, NULL, "out of memory");
		return -1;
	}
	r->files++;
	sink.file_seq = ++r->file_seq;
	diags_init(&dd);
	/* Parse errors are the parts' findings; dd gets read errors only. */
	if (is_stdin)
		yaml_split_parts(&dd, name, stdin, lint_pool_part, &sink);
	else
		yaml_split_path(&dd, name, lint_pool_part, &sink);
	if (dd.n) {
		/* the parts read before come first; the file stops here */
		lint_pool_drain(r);
		report_yaml_errors(r, name, &dd);
		r->stopped_file = sink.file_seq;
	}
	diags_free(&dd);
	return 0;
}

static bool lintable(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0 || strcmp(dot, ".json") == 0);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directories already read in this run, by device and inode: a symbolic
 * link back to a parent (or two links to one place) is read once, so the
 * walk ends however the links loop. Sorted, for bsearch. */
struct dir_walk {
	struct dir_id {
		dev_t dev;
		ino_t ino;
	} *v;
	size_t n, cap;
};

static int dir_id_cmp(const void *a, const void *b)
{
	const struct dir_id *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* 1 when dir was not read yet (now marked), 0 when it was, -1 on failure. */
static int walk_mark(struct dir_walk *w, const char *dir)
{
	struct stat sb;
	struct dir_id id;
	size_t lo = 0, hi = w->n;

	if (stat(dir, &sb) != 0)
		return -1;
	id.dev = sb.st_dev;
	id.ino = sb.st_ino;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = dir_id_cmp(&w->v[mid], &id);

		if (c == 0)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct dir_id *v = realloc(w->v, cap * sizeof(*v));

		if (!v)
			return -1;
		w->v = v;
		w->cap = cap;
	}
	memmove(w->v + lo + 1, w->v + lo, (w->n - lo) * sizeof(*w->v));
	w->v[lo] = id;
	w->n++;
	return 1;
}

/* The names in dir, except hidden ones, sorted; NULL on failure (errno). */
static char **dir_names(const char *dir, size_t *count)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	*count = 0;
	if (!dh)
		return NULL;
	while ((e = readdir(dh)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **v = realloc(names, (cap ? cap * 2 : 32) * sizeof(*v));

			if (!v)
				goto fail;
			names = v;
			cap = cap ? cap * 2 : 32;
		}
		if (!(names[n] = path_join(dir, e->d_name)))
			goto fail;
		n++;
	}
	closedir(dh);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	*count = n;
	return names ? names : calloc(1, sizeof(*names));
fail:
	closedir(dh);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	errno = ENOMEM;
	return NULL;
}

/* Files of a directory, in name order, recursively. */
static int lint_dir(struct lint_run *r, const char *dir, struct dir_walk *w)
{
	struct srcpos pos = {dir, 0, 0};
	char **names;
	size_t n = 0;
	int rc = 0, fresh = walk_mark(w, dir);

	if (fresh == 0) {
		diag_add(r->d, DIAG_WARNING, &pos, "remove the symbolic link that leads back", "skipped: this directory was already read (a symbolic link loops back to it)");
		return 0;
	}
	names = fresh < 0 ? NULL : dir_names(dir, &n);
	if (!names) {
		diag_add(r->d, DIAG_ERROR, &pos, NULL, "cannot read the directory: %s", strerror(errno));
		r->incomplete = true;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (is_directory(names[i]))
			rc |= lint_dir(r, names[i], w);
		else if (lintable(names[i]))
			rc |= lint_file(r, names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

int lint_path(struct lint_run *r, const char *path)
{
	struct dir_walk w = {NULL, 0, 0};
	int rc;

	if (strcmp(path, "-") == 0 || !is_directory(path))
		return lint_file(r, path);
	rc = lint_dir(r, path, &w);
	free(w.v);
	return rc;
}
