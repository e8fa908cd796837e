/* Validation of a document against the generated schema tables, with the
 * checks JSON-schema validators miss: quantities, names, labels, enums and
 * YAML 1.1 scalars that kubectl reads differently from what was meant. */
#include "lint/schema.h"
#include "util/number.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct removed_api removed_apis[] = {
	{"extensions/v1beta1", "*", "1.22", "apps/v1, networking.k8s.io/v1 or policy/v1"},
	{"apps/v1beta1", "*", "1.16", "apps/v1"},
	{"apps/v1beta2", "*", "1.16", "apps/v1"},
	{"networking.k8s.io/v1beta1", "*", "1.22", "networking.k8s.io/v1"},
	{"batch/v1beta1", "CronJob", "1.25", "batch/v1"},
	{"batch/v2alpha1", "*", "1.21", "batch/v1"},
	{"policy/v1beta1", "*", "1.25", "policy/v1 (PodSecurityPolicy has no successor: use Pod Security admission)"},
	{"autoscaling/v2beta1", "*", "1.25", "autoscaling/v2"},
	{"autoscaling/v2beta2", "*", "1.26", "autoscaling/v2"},
	{"rbac.authorization.k8s.io/v1beta1", "*", "1.22", "rbac.authorization.k8s.io/v1"},
	{"rbac.authorization.k8s.io/v1alpha1", "*", "1.22", "rbac.authorization.k8s.io/v1"},
	{"storage.k8s.io/v1beta1", "*", "1.22", "storage.k8s.io/v1"},
	{"scheduling.k8s.io/v1beta1", "*", "1.22", "scheduling.k8s.io/v1"},
	{"apiextensions.k8s.io/v1beta1", "*", "1.22", "apiextensions.k8s.io/v1"},
	{"admissionregistration.k8s.io/v1beta1", "*", "1.22", "admissionregistration.k8s.io/v1"},
	{"certificates.k8s.io/v1beta1", "*", "1.22", "certificates.k8s.io/v1"},
	{"coordination.k8s.io/v1beta1", "*", "1.22", "coordination.k8s.io/v1"},
	{"discovery.k8s.io/v1beta1", "*", "1.25", "discovery.k8s.io/v1"},
	{"events.k8s.io/v1beta1", "*", "1.25", "events.k8s.io/v1"},
	{"node.k8s.io/v1beta1", "*", "1.25", "node.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta1", "*", "1.26", "flowcontrol.apiserver.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta2", "*", "1.29", "flowcontrol.apiserver.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta3", "*", "1.32", "flowcontrol.apiserver.k8s.io/v1"},
	{"traefik.containo.us/v1alpha1", "*", "Traefik v3", "traefik.io/v1alpha1"},
	{NULL, NULL, NULL, NULL},
};

const struct removed_api *schema_removed(const char *api_version, const char *kind)
{
	for (const struct removed_api *r = removed_apis; r->api_version; r++)
		if (r->api_version[0] == api_version[0] && strcmp(r->api_version, api_version) == 0 &&
		    (strcmp(r->kind, "*") == 0 || strcmp(r->kind, kind) == 0))
			return r;
	return NULL;
}

const struct schema_root *schema_find(const char *api_version, const char *kind)
{
	/* CRD schemas name their kind in lower case. */
	for (size_t i = 0; i < schema_nroots; i++)
		if (schema_roots[i].api_version[0] == api_version[0] && strcmp(schema_roots[i].api_version, api_version) == 0 &&
		    (schema_roots[i].crd ? strcasecmp(schema_roots[i].kind, kind) : strcmp(schema_roots[i].kind, kind)) == 0)
			return &schema_roots[i];
	return NULL;
}

const struct schema_field *schema_field(const struct schema_type *t, const char *name)
{
	size_t lo = 0, hi = t->nfields;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct schema_field *f = &schema_fields[t->first_field + mid];
		/* the first letters differ in most steps of the search */
		int c = name[0] != f->name[0] ? (unsigned char)name[0] - (unsigned char)f->name[0] : strcmp(name, f->name);

		if (c == 0)
			return f;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The path to the node being checked, kept as its steps: the text
 * ("spec.containers[0].image") is made only for a problem, not for every
 * field of every document. Each step takes at least one character of the
 * text's 1023, so deeper steps could not be shown anyway. */
#define PATH_MAX_CHARS 1024

struct walk {
	schema_report report;
	void *user;
	int problems;
	size_t depth;
	struct step {
		const char *key;     /* NULL: a list index */
		size_t index;
	} steps[PATH_MAX_CHARS];
};

/* The steps as text: ".key" or "[index]" each, a step that does not fit
 * left out. */
static void path_text(const struct walk *w, char path[PATH_MAX_CHARS])
{
	size_t len = 0;

	for (size_t i = 0; i < w->depth && i < PATH_MAX_CHARS; i++) {
		size_t room = PATH_MAX_CHARS - len - 1;

		if (w->steps[i].key) {
			size_t k = strlen(w->steps[i].key);

			if (k + 1 > room)
				continue;
			if (len)
				path[len++] = '.';
			memcpy(path + len, w->steps[i].key, k);
			len += k;
		} else {
			char buf[NUMBER_DIGITS_MAX];
			const char *digits = number_digits(w->steps[i].index, buf);
			size_t n = (size_t)(buf + sizeof(buf) - digits);

			if (n + 2 < room) {
				path[len++] = '[';
				memcpy(path + len, digits, n);
				len += n;
				path[len++] = ']';
			}
		}
	}
	path[len] = '\0';
}

static void problem(struct walk *w, const struct srcpos *pos, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(struct walk *w, const struct srcpos *pos, const char *rule, const char *fmt, ...)
{
	char msg[512], path[PATH_MAX_CHARS];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	path_text(w, path);
	w->problems++;
	w->report(w->user, pos, rule, path, msg);
}

static bool quantity_ok(const char *s)
{
	static const char *const suffixes[] = {
		"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P", "E", NULL,
	};
	const char *p = s;
	bool digits = false;

	if (*p == '+' || *p == '-')
		p++;
	while (isdigit((unsigned char)*p))
		p++, digits = true;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p))
			p++, digits = true;
	}
	if (!digits)
		return false;
	if ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) || ((p[1] == '-' || p[1] == '+') && isdigit((unsigned char)p[2])))) {
		p += 2;
		while (isdigit((unsigned char)*p))
			p++;
		return *p == '\0';
	}
	for (const char *const *sfx = suffixes; *sfx; sfx++)
		if (strcmp(p, *sfx) == 0)
			return true;
	return false;
}

/* Plain scalars that YAML 1.1 readers (kubectl's) turn into something else. */
static const char *yaml11_reading(const struct ynode *n)
{
	static const char *const bools[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", NULL,
	};
	const char *t = n->text;

	if (n->kind != Y_STR || n->quoted)
		return NULL;
	/* every string field of every document comes here: none of the words
	 * is longer than three letters (len is not set on every tree's nodes) */
	bool short_text = !t[0] || !t[1] || !t[2] || !t[3];

	for (const char *const *b = bools; short_text && *b; b++)
		if ((*b)[0] == t[0] && strcmp(t, *b) == 0)
			return "a boolean";
	if (t[0] == '0' && t[1] && strspn(t, "01234567") == strlen(t))
		return "an octal number";
	if (isdigit((unsigned char)t[0]) && strchr(t, ':') && strspn(t, "0123456789:") == strlen(t))
		return "a base-60 number";
	return NULL;
}

static void push(struct walk *w, const char *key, size_t index)
{
	if (w->depth < PATH_MAX_CHARS)
		w->steps[w->depth] = (struct step){key, index};
	w->depth++;
}

static void pop(struct walk *w)
{
	w->depth--;
}

static void validate(struct walk *w, const struct ynode *n, int type, const struct srcpos *kpos);

static void validate_object(struct walk *w, const struct ynode *n, const struct schema_type *t)
{
	for (unsigned i = 0, seen = 0; i < t->nfields && seen < t->nrequired; i++) {
		const struct schema_field *f = &schema_fields[t->first_field + i];
		const struct ynode *v = f->required ? y_get(n, f->name) : NULL;

		seen += f->required;
		/* The API server decodes an explicit null as the zero value, which
		 * a required field refuses ("Required value"). */
		if (f->required && !v)
			problem(w, &n->pos, "SCH003", "missing required field \"%s\"", f->name);
		else if (f->required && v->kind == Y_NULL)
			problem(w, &v->pos, "SCH003", "required field \"%s\" is null", f->name);
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct ypair *p = &n->pairs[i];
		const struct schema_field *f = schema_field(t, p->key);

		push(w, p->key, 0);
		if (!f)
			problem(w, &p->kpos, "SCH001", "unknown field \"%s\"", p->key);
		else
			validate(w, p->val, f->type, &p->kpos);
		pop(w);
	}
}

static void check_string(struct walk *w, const struct ynode *n, const struct schema_type *t)
{
	const char *reading = yaml11_reading(n);

	if (reading)
		problem(w, &n->pos, "SCH006",
			"\"%s\" is a string here, but kubectl's YAML 1.1 parser reads it as %s; quote it", n->text, reading);
	if (t->nenums) {
		for (unsigned i = 0; i < t->nenums; i++)
			if (schema_enums[t->first_enum + i][0] == n->text[0] &&
			    strcmp(schema_enums[t->first_enum + i], n->text) == 0)
				return;
		problem(w, &n->pos, "SCH005", "\"%s\" is not one of the allowed values (%s%s)", n->text,
			schema_enums[t->first_enum], t->nenums > 1 ? ", ..." : "");
	}
}

static void validate(struct walk *w, const struct ynode *n, int type, const struct srcpos *kpos)
{
	const struct schema_type *t = &schema_types[type];

	(void)kpos;
	if (n->kind == Y_NULL || t->kind == SK_ANY)
		return;
	switch (t->kind) {
	case SK_OBJECT:
		if (n->kind != Y_MAP)
			problem(w, &n->pos, "SCH002", "expected a mapping, found %s", y_kind_name(n->kind));
		else
			validate_object(w, n, t);
		return;
	case SK_MAP:
		if (n->kind != Y_MAP) {
			problem(w, &n->pos, "SCH002", "expected a mapping, found %s", y_kind_name(n->kind));
			return;
		}
		for (size_t i = 0; i < n->n; i++) {
			push(w, n->pairs[i].key, 0);
			validate(w, n->pairs[i].val, t->items, &n->pairs[i].kpos);
			pop(w);
		}
		return;
	case SK_ARRAY:
		if (n->kind != Y_SEQ) {
			problem(w, &n->pos, "SCH002", "expected a list, found %s", y_kind_name(n->kind));
			return;
		}
		for (size_t i = 0; i < n->n; i++) {
			push(w, NULL, i);
			validate(w, n->items[i], t->items, NULL);
			pop(w);
		}
		return;
	case SK_STRING:
		if (n->kind != Y_STR)
			problem(w, &n->pos, "SCH002", "expected a string, found %s %s; quote it", y_kind_name(n->kind), n->text);
		else
			check_string(w, n, t);
		return;
	case SK_INTEGER:
		if (n->kind != Y_INT)
			problem(w, &n->pos, "SCH002", "expected an integer, found %s \"%s\"", y_kind_name(n->kind),
				y_text(n) ? y_text(n) : "");
		return;
	case SK_NUMBER:
		if (n->kind != Y_INT && n->kind != Y_FLOAT)
			problem(w, &n->pos, "SCH002", "expected a number, found %s", y_kind_name(n->kind));
		return;
	case SK_BOOLEAN:
		if (n->kind != Y_BOOL)
			problem(w, &n->pos, "SCH002", "expected true or false, found %s \"%s\"", y_kind_name(n->kind),
				y_text(n) ? y_text(n) : "");
		return;
	case SK_INT_OR_STRING:
		if (n->kind != Y_INT && n->kind != Y_STR)
			problem(w, &n->pos, "SCH002", "expected an integer or a string, found %s", y_kind_name(n->kind));
		return;
	case SK_QUANTITY:
		if ((n->kind != Y_INT && n->kind != Y_FLOAT && n->kind != Y_STR) || !quantity_ok(n->text))
			problem(w, &n->pos, "SCH004", "\"%s\" is not a Kubernetes quantity (e.g. 500m, 2, 512Mi, 4Gi)",
				y_text(n) ? y_text(n) : "");
		return;
	}
}

int schema_validate(const struct ynode *doc, const struct schema_root *root, schema_report report, void *user)
{
	struct walk w;

	w.report = report;
	w.user = user;
	w.problems = 0;
	w.depth = 0;
	validate(&w, doc, root->type, NULL);
	return w.problems;
}
