/* The command line: strict numbers, the option-table parser, and the
 * README's option tables and every --help against the tables. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "t.h"
#include "util/fsio.h"
#include "util/number.h"
#include "util/options.h"

static void test_strict_numbers(void)
{
	long long i = 7;
	double r = 7;

	CHECK(number_int("42", 1, 64, &i) && i == 42);
	CHECK(number_int("-3", -5, 5, &i) && i == -3);
	CHECK(!number_int("4x", 1, 64, &i));
	CHECK(!number_int("-1", 1, 64, &i));
	CHECK(!number_int("99999999999999999999", 1, 64, &i));
	CHECK(!number_int("", 1, 64, &i));
	CHECK(!number_int(" 4", 1, 64, &i));
	CHECK(!number_int("+4", 1, 64, &i));
	CHECK(!number_int("4.0", 1, 64, &i));
	CHECK(!number_int("0x10", 1, 64, &i));
	CHECK_INT(i, -3);
	CHECK(number_real("2.5", 0, 10, &r) && r == 2.5);
	CHECK(number_real("1e2", 0, 1000, &r) && r == 100);
	CHECK(!number_real("nan", 0, 10, &r));
	CHECK(!number_real("inf", 0, 1e300, &r));
	CHECK(!number_real("0x1p3", 0, 10, &r));
	CHECK(!number_real("1e999", 0, 10, &r));
	CHECK(!number_real("3s", 0, 10, &r));
	CHECK(!number_real("11", 0, 10, &r));
	CHECK(r == 100);
}

struct sample_args {
	int jobs;
	double seconds;
	long long bytes;
	int mode;
	bool mode_given, verbose, check;
	const char *name;
	const char *list[2];
	size_t nlist;
};

static const char *const sample_modes[] = {"fast", "safe", NULL};

#define F(field) offsetof(struct sample_args, field)
static const struct opt_spec sample_specs[] = {
	{.name = "jobs", .short_name = 'j', .arg = "N", .kind = OPTION_INT, .field = F(jobs), .min = 1, .max = 64,
	 .help = "jobs"},
	{.name = "seconds", .arg = "S", .kind = OPTION_REAL, .field = F(seconds), .min = 0, .above_min = true,
	 .max = 60, .help = "seconds"},
	{.name = "size", .arg = "MB", .kind = OPTION_LLONG, .field = F(bytes), .min = 1, .max = 1024, .scale = 1048576,
	 .help = "size", .def = "256"},
	{.name = "mode", .kind = OPTION_ENUM, .field = F(mode), .choices = sample_modes, .track_given = true,
	 .given_field = F(mode_given), .help = "mode"},
	{.name = "verbose", .kind = OPTION_FLAG, .field = F(verbose), .help = "more"},
	{.name = "no-check", .kind = OPTION_UNSET, .field = F(check), .help = "less"},
	{.name = "name", .short_name = 'n', .arg = "NAME", .field = F(name), .help = "a name"},
	{.name = "item", .arg = "X", .kind = OPTION_LIST, .field = F(list), .count_field = F(nlist), .max_count = 2,
	 .help = "an item\nrepeatable"},
	{.name = NULL},
};
#undef F

static void sample_init(void *args)
{
	struct sample_args *a = args;

	a->jobs = 4;
	a->check = true;
}

static const struct opt_section sample_sections[] = {{"Options", sample_specs, 0}, {NULL, NULL, 0}};
static const struct opt_command sample = {"sample", "usage: sample\n", sample_sections, "\nend\n",
					  sizeof(struct sample_args), sample_init};

/* Parses the words of line (at most 32) into a; returns opt_parse's result. */
static int parse_line(struct sample_args *a, char *line, int *operands)
{
	char *argv[33];
	int argc = 0;

	for (char *w = strtok(line, " "); w && argc < 32; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	int status;

	return opt_parse(&sample, a, argc, argv, operands, &status) ? 0 : status;
}

static int parse_text(struct sample_args *a, const char *text, int *operands)
{
	static char line[256];

	snprintf(line, sizeof(line), "%s", text);
	return parse_line(a, line, operands);
}

static void test_option_parser(void)
{
	struct sample_args a;
	int operands = 0;

	CHECK_INT(parse_text(&a, "sample -j 8 --seconds 2.5 --size 3 --mode=safe --verbose --no-check -n x op1 --item a "
				 "--item b op2", &operands), 0);
	CHECK_INT(a.jobs, 8);
	CHECK(a.seconds == 2.5);
	CHECK_INT(a.bytes, 3LL * 1048576);
	CHECK_INT(a.mode, 1);
	CHECK(a.mode_given && a.verbose && !a.check);
	CHECK_STR(a.name, "x");
	CHECK_INT((long long)a.nlist, 2);
	CHECK_INT(operands, 16);
	CHECK_INT(parse_text(&a, "sample --jobs 4x", &operands), KG_EXIT_BAD_INPUT);
	CHECK_INT(parse_text(&a, "sample --jobs -1", &operands), KG_EXIT_BAD_INPUT);
	CHECK_INT(parse_text(&a, "sample --jobs 99999999999999999999", &operands), KG_EXIT_BAD_INPUT);
	CHECK_INT(parse_text(&a, "sample --seconds 0", &operands), KG_EXIT_BAD_INPUT);
	CHECK_INT(parse_text(&a, "sample --mode slow", &operands), KG_EXIT_BAD_INPUT);
	CHECK_INT(parse_text(&a, "sample --item a --item b --item c", &operands), KG_EXIT_BAD_INPUT);
	CHECK_INT(parse_text(&a, "sample --bogus", &operands), KG_EXIT_BAD_INPUT);
	CHECK_INT(parse_text(&a, "sample --jobs", &operands), KG_EXIT_BAD_INPUT);
	CHECK_INT(parse_text(&a, "sample", &operands), 0);
	CHECK(!a.mode_given && a.check && !a.verbose && !a.name && a.nlist == 0);
	CHECK_INT(a.jobs, 4);
	CHECK_INT(a.bytes, 256LL * 1048576);
}

static char *help_of(const struct opt_command *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	if (!fp)
		return NULL;
	opt_help(fp, c);
	fclose(fp);
	return text;
}

/* Whether text holds the help line of an option: left column, then help. */
static bool has_help_line(const char *text, const char *left, const char *help)
{
	char line[256];

	snprintf(line, sizeof(line), "\n%-29s%s\n", left, help);
	return strstr(text, line) != NULL;
}

static void test_option_help(void)
{
	char *text = help_of(&sample);
	CHECK(text != NULL);
	if (!text)
		return;
	CHECK(has_help_line(text, "  -j, --jobs N", "jobs (default 4)"));
	CHECK(has_help_line(text, "  --size MB", "size (default 256)"));
	CHECK(has_help_line(text, "  --mode fast|safe", "mode (default fast)"));
	CHECK(has_help_line(text, "  --verbose", "more"));
	CHECK(has_help_line(text, "  -n, --name NAME", "a name"));
	CHECK(strstr(text, "an item\n                             repeatable\n") != NULL);
	free(text);
}

/* --- the README's option tables --- */

/* The README section of a command: from its "### `kgenius NAME" heading to
 * the next heading. */
static const char *readme_section(const char *readme, const char *name, size_t *len)
{
	char heading[128];
	const char *start, *end;

	snprintf(heading, sizeof(heading), "\n### `kgenius %s", name);
	start = strstr(readme, heading);
	if (!start)
		return NULL;
	start++;
	end = strstr(start + 1, "\n#");
	*len = end ? (size_t)(end - start) : strlen(start);
	return start;
}

/* The value's name as the help shows it: ARG, or the choices joined by "|". */
static void value_name(const struct opt_spec *s, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	if (s->arg)
		snprintf(out, cap, "%s", s->arg);
	else if (s->kind == OPTION_ENUM)
		for (const char *const *ch = s->choices; *ch && n < cap; ch++)
			n += (size_t)snprintf(out + n, cap - n, "%s%s", ch == s->choices ? "" : "|", *ch);
}

static const struct opt_spec *find_short(const struct opt_command *c, char short_name)
{
	for (const struct opt_section *sec = c->sections; sec->specs; sec++)
		for (const struct opt_spec *s = sec->specs; s->name; s++)
			if (s->short_name == short_name)
				return s;
	return NULL;
}

/* One code span of a first cell: "-o, --output FILE". Checks that each
 * option exists and that the value, when written, has the table's name;
 * marks the long names seen. */
static void check_span(const struct opt_command *c, char *span, const char **seen, size_t *nseen)
{
	const struct opt_spec *last = NULL;
	char want[256], *save = NULL;

	for (char *w = strtok_r(span, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		size_t n = strlen(w);

		if (n > 1 && w[n - 1] == ',')   /* "-o, --output" */
			w[n - 1] = '\0';
		if (w[0] != '-') {
			if (!last)
				continue;
			value_name(last, want, sizeof(want));
			if (strcmp(w, want) != 0)
				fprintf(stderr, "    README, kgenius %s: --%s takes %s, not %s\n", c->name, last->name, want, w);
			CHECK_STR(w, want);
			continue;
		}
		last = w[1] == '-' ? opt_find(c, w + 2) : find_short(c, w[1]);
		if (!last)
			fprintf(stderr, "    README, kgenius %s: %s is not an option of the command\n", c->name, w);
		CHECK(last != NULL);
		if (last && *nseen < OPT_MAX)
			seen[(*nseen)++] = last->name;
	}
}

/* The code spans of the first cell of each "| `-..." row; "\|" in a cell is
 * a "|" of the value. */
static size_t readme_options(const struct opt_command *c, const char *sec, size_t len, const char **seen)
{
	size_t nseen = 0;

	for (const char *row = sec; row && row < sec + len; row = strchr(row, '\n')) {
		char cell[512], *out = cell;
		const char *p;

		row += row[0] == '\n';
		if (strncmp(row, "| `-", 4) != 0)
			continue;
		for (p = row + 2; *p && *p != '\n' && !(*p == '|' && p[-1] != '\\') && out < cell + sizeof(cell) - 1; p++)
			if (!(*p == '\\' && p[1] == '|'))
				*out++ = *p;
		*out = '\0';
		for (char *open = strchr(cell, '`'), *close; open && (close = strchr(open + 1, '`')); open = strchr(close + 1, '`')) {
			*close = '\0';
			check_span(c, open + 1, seen, &nseen);
		}
	}
	return nseen;
}

static void check_command_readme(const struct opt_command *c, const char *readme, const char *help)
{
	const char *seen[OPT_MAX];
	size_t len = 0, nseen;
	const char *sec = readme_section(readme, c->name, &len);
	char needle[128];

	if (!sec)
		fprintf(stderr, "    README has no section ### `kgenius %s\n", c->name);
	CHECK(sec != NULL);
	nseen = sec ? readme_options(c, sec, len, seen) : 0;
	for (const struct opt_section *s = c->sections; s->specs; s++)
		for (const struct opt_spec *o = s->specs; o->name; o++) {
			bool found = false;

			for (size_t i = 0; i < nseen; i++)
				found = found || strcmp(seen[i], o->name) == 0;
			if (!found)
				fprintf(stderr, "    README, kgenius %s: --%s is missing from the option table\n", c->name,
					o->name);
			CHECK(found);
			snprintf(needle, sizeof(needle), "--%s", o->name);
			CHECK(strstr(help, needle) != NULL);
		}
}

static void check_table_readme(const struct command *commands, const char *readme)
{
	for (const struct command *cmd = commands; cmd->name; cmd++) {
		char *text = NULL;
		size_t n = 0;
		FILE *fp = open_memstream(&text, &n);

		if (!fp)
			break;
		cli_command_help(cmd, fp);
		fclose(fp);
		for (const struct opt_command *const *c = cmd->options; *c; c++)
			check_command_readme(*c, readme, text ? text : "");
		free(text);
	}
}

static void test_readme_options(void)
{
	char *readme = NULL;
	size_t len = 0;

	CHECK_INT(read_file_limited("README.md", 1 << 20, &readme, &len), 0);
	if (!readme)
		return;
	check_table_readme(kg_commands, readme);
	/* migrate and verify, whose options are kgenius-online's */
	check_table_readme(kg_online_commands, readme);
	free(readme);
}

static bool digits_are(unsigned long long v, const char *want)
{
	char buf[NUMBER_DIGITS_MAX];
	const char *d = number_digits(v, buf);
	size_t n = (size_t)(buf + sizeof(buf) - d);

	return n == strlen(want) && memcmp(d, want, n) == 0;
}

static void test_number_digits(void)
{
	CHECK(digits_are(0, "0"));
	CHECK(digits_are(7, "7"));
	CHECK(digits_are(1040, "1040"));
	CHECK(digits_are(18446744073709551615ULL, "18446744073709551615"));
}

const struct t_case t_cli_cases[] = {
	{"cli: strict numbers refuse 4x, -1, overflow, blanks, nan", test_strict_numbers},
	{"cli: numbers written without printf, up to the largest unsigned long long", test_number_digits},
	{"cli: option tables parse every kind of option and refuse bad values", test_option_parser},
	{"cli: --help is made from the option table, with the defaults", test_option_help},
	{"cli: README option tables and --help match the option tables", test_readme_options},
	{NULL, NULL},
};
