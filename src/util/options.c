#include "util/options.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/number.h"

/* Options with a short name use it as getopt's value; the others are
 * numbered from here, above every character. */
#define LONG_ONLY_BASE 256
#define HELP_COLUMN 29

struct flat {
	const struct opt_spec *spec[OPT_MAX];
	size_t base[OPT_MAX];
	size_t n;
};

static bool takes_value(const struct opt_spec *s)
{
	return s->kind != OPTION_FLAG && s->kind != OPTION_UNSET;
}

static double scale_of(const struct opt_spec *s)
{
	return s->scale != 0 ? s->scale : 1;
}

static bool flatten(const struct opt_command *c, struct flat *f)
{
	f->n = 0;
	for (const struct opt_section *sec = c->sections; sec->specs; sec++)
		for (const struct opt_spec *s = sec->specs; s->name; s++) {
			if (f->n == OPT_MAX)
				return false;
			f->spec[f->n] = s;
			f->base[f->n++] = sec->base;
		}
	return true;
}

const struct opt_spec *opt_find(const struct opt_command *c, const char *name)
{
	for (const struct opt_section *sec = c->sections; sec->specs; sec++)
		for (const struct opt_spec *s = sec->specs; s->name; s++)
			if (strcmp(s->name, name) == 0)
				return s;
	return NULL;
}

int opt_usage_error(const struct opt_command *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kgenius %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see 'kgenius %s --help'\n", c->name);
	return KG_EXIT_BAD_INPUT;
}

/* "a|b|c" for the help, "a, b or c" for messages. */
static void choices_text(char *out, size_t cap, const char *const *choices, bool for_help)
{
	size_t n = 0;

	out[0] = '\0';
	for (const char *const *ch = choices; *ch && n < cap; ch++) {
		const char *sep = ch == choices ? "" : for_help ? "|" : ch[1] ? ", " : " or ";

		n += (size_t)snprintf(out + n, cap - n, "%s%s", sep, *ch);
	}
}

static int number_error(const struct opt_command *c, const struct opt_spec *s, const char *value)
{
	bool whole = s->kind != OPTION_REAL;

	return opt_usage_error(c, "--%s takes %s from %.15g%s to %.15g, not '%s'", s->name,
			       whole ? "a whole number" : "a number", s->min, s->above_min ? " (excluded)" : "", s->max,
			       value);
}

static int store_number(const struct opt_command *c, const struct opt_spec *s, void *to, const char *value)
{
	long long i;
	double r;

	if (s->kind == OPTION_REAL) {
		if (!number_real(value, s->min, s->max, &r) || (s->above_min && r == s->min))
			return number_error(c, s, value);
		*(double *)to = r * scale_of(s);
		return 0;
	}
	if (!number_int(value, (long long)s->min, (long long)s->max, &i) || (s->above_min && i == (long long)s->min))
		return number_error(c, s, value);
	if (s->kind == OPTION_INT)
		*(int *)to = (int)i;
	else
		*(long long *)to = (long long)((double)i * scale_of(s));
	return 0;
}

static int store_choice(const struct opt_command *c, const struct opt_spec *s, int *to, const char *value)
{
	char names[256];

	for (int k = 0; s->choices[k]; k++)
		if (strcmp(s->choices[k], value) == 0) {
			*to = k;
			return 0;
		}
	choices_text(names, sizeof(names), s->choices, false);
	return opt_usage_error(c, "--%s takes %s, not '%s'", s->name, names, value);
}

static int store_list(const struct opt_command *c, const struct opt_spec *s, char *section, const char *value)
{
	size_t *count = (size_t *)(section + s->count_field);

	if (*count >= s->max_count)
		return opt_usage_error(c, "--%s is given more than %zu times, the most it takes", s->name, s->max_count);
	((const char **)(section + s->field))[(*count)++] = value;
	return 0;
}

static int store(const struct opt_command *c, const struct opt_spec *s, char *section, char *value)
{
	void *to = section + s->field;
	const char *why;

	if (s->track_given)
		*(bool *)(section + s->given_field) = true;
	switch (s->kind) {
	case OPTION_FLAG: *(bool *)to = true; return 0;
	case OPTION_UNSET: *(bool *)to = false; return 0;
	case OPTION_STRING: *(const char **)to = value; return 0;
	case OPTION_INT:
	case OPTION_LLONG:
	case OPTION_REAL: return store_number(c, s, to, value);
	case OPTION_ENUM: return store_choice(c, s, (int *)to, value);
	case OPTION_LIST: return store_list(c, s, section, value);
	case OPTION_CUSTOM:
		why = s->parse(section, value);
		return why ? opt_usage_error(c, "--%s %s, not '%s'", s->name, why, value) : 0;
	}
	return KG_EXIT_BAD_INPUT;
}

static void build_getopt(const struct flat *f, struct option *longs, char *shorts)
{
	size_t k = 0;

	*shorts++ = ':';
	for (size_t i = 0; i < f->n; i++) {
		const struct opt_spec *s = f->spec[i];

		longs[i] = (struct option){s->name, takes_value(s) ? required_argument : no_argument, NULL,
					   s->short_name ? s->short_name : LONG_ONLY_BASE + (int)i};
		if (s->short_name) {
			shorts[k++] = s->short_name;
			if (takes_value(s))
				shorts[k++] = ':';
		}
	}
	longs[f->n] = (struct option){"help", no_argument, NULL, 'h'};
	longs[f->n + 1] = (struct option){NULL, 0, NULL, 0};
	shorts[k++] = 'h';
	shorts[k] = '\0';
}

static size_t spec_of(const struct flat *f, int val)
{
	for (size_t i = 0; i < f->n; i++)
		if (val == (f->spec[i]->short_name ? f->spec[i]->short_name : LONG_ONLY_BASE + (int)i))
			return i;
	return f->n;
}

int opt_parse(const struct opt_command *c, void *args, int argc, char **argv, int *operands)
{
	struct option longs[OPT_MAX + 2];
	char shorts[2 * OPT_MAX + 3];
	struct flat f;
	void *defaults;
	int val, rc = 0;

	if (!flatten(c, &f))
		return opt_usage_error(c, "internal error: more than %d options", OPT_MAX);
	build_getopt(&f, longs, shorts);
	defaults = malloc(c->args_size);
	if (!defaults) {
		fprintf(stderr, "kgenius %s: out of memory\n", c->name);
		return KG_EXIT_ENV;
	}
	/* Each filled by init: the struct may point into itself. */
	c->init(defaults);
	c->init(args);
	optind = 0;
	opterr = 0;
	while (rc == 0 && (val = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		size_t i = spec_of(&f, val);

		if (val == ':')
			rc = opt_usage_error(c, "option %s needs a value", argv[optind - 1]);
		else if (val == 'h' && i == f.n) {
			opt_help(stdout, c, defaults);
			rc = OPT_HELP_SHOWN;
		} else if (i == f.n)
			rc = opt_usage_error(c, "unknown option '%s'", argv[optind - 1]);
		else
			rc = store(c, f.spec[i], (char *)args + f.base[i], optarg);
	}
	free(defaults);
	*operands = optind;
	return rc;
}

/* The default as the help shows it, or false when there is none to show
 * (unset values: the help text says what happens then). */
static bool default_text(const struct opt_spec *s, const char *v, char *out, size_t cap)
{
	switch (s->kind) {
	case OPTION_STRING:
		if (!*(const char *const *)v)
			return false;
		snprintf(out, cap, "%s", *(const char *const *)v);
		return true;
	case OPTION_INT:
		snprintf(out, cap, "%d", *(const int *)v);
		return *(const int *)v != 0;
	case OPTION_LLONG:
		snprintf(out, cap, "%g", (double)*(const long long *)v / scale_of(s));
		return *(const long long *)v != 0;
	case OPTION_REAL:
		snprintf(out, cap, "%g", *(const double *)v / scale_of(s));
		return *(const double *)v != 0;
	case OPTION_ENUM:
		if (*(const int *)v < 0)
			return false;
		snprintf(out, cap, "%s", s->choices[*(const int *)v]);
		return true;
	default:
		return false;
	}
}

static void print_spec(FILE *out, const struct opt_spec *s, const char *section_defaults)
{
	char left[320], def[128];
	int n;

	if (s->short_name)
		n = snprintf(left, sizeof(left), "  -%c, --%s", s->short_name, s->name);
	else
		n = snprintf(left, sizeof(left), "  --%s", s->name);
	if (s->arg)
		snprintf(left + n, sizeof(left) - (size_t)n, " %s", s->arg);
	else if (s->kind == OPTION_ENUM) {
		left[n] = ' ';
		choices_text(left + n + 1, sizeof(left) - (size_t)n - 1, s->choices, true);
	}
	n = (int)strlen(left);
	fputs(left, out);
	if (n >= HELP_COLUMN - 1)
		fprintf(out, "\n%*s", HELP_COLUMN, "");
	else
		fprintf(out, "%*s", HELP_COLUMN - n, "");
	for (const char *p = s->help; *p; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fprintf(out, "%*s", HELP_COLUMN, "");
	}
	if (section_defaults && default_text(s, section_defaults + s->field, def, sizeof(def)))
		fprintf(out, " (default %s)", def);
	fputc('\n', out);
}

void opt_help(FILE *out, const struct opt_command *c, const void *defaults)
{
	fputs(c->synopsis, out);
	for (const struct opt_section *sec = c->sections; sec->specs; sec++) {
		if (sec->title)
			fprintf(out, "\n%s:\n", sec->title);
		for (const struct opt_spec *s = sec->specs; s->name; s++)
			print_spec(out, s, defaults ? (const char *)defaults + sec->base : NULL);
	}
	fputs(c->epilogue, out);
}

void opt_help_defaults(FILE *out, const struct opt_command *c)
{
	void *defaults = malloc(c->args_size);

	if (defaults)
		c->init(defaults);
	opt_help(out, c, defaults);
	free(defaults);
}
