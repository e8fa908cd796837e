/* Option tables: each command-line option is one line of data (its names,
 * the value's name, the help text, where the value goes and how it is
 * parsed), and both the parser and `--help` are made from the table, so an
 * option and its default are written once. In the spirit of git's
 * parse-options. */
#ifndef KG_OPTIONS_H
#define KG_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum option_kind {
	OPTION_FLAG,     /* bool set to true */
	OPTION_UNSET,    /* bool set to false (--no-verify) */
	OPTION_STRING,   /* const char * */
	OPTION_INT,      /* int, a whole number within [min, max] */
	OPTION_LLONG,    /* long long: the whole number given times scale (megabytes kept in bytes) */
	OPTION_REAL,     /* double: the number given times scale (a percentage kept as a fraction) */
	OPTION_ENUM,     /* int: the index of the value in choices */
	OPTION_LIST,     /* repeatable: const char *[max_count], the count in a size_t at count_field */
	OPTION_CUSTOM,   /* parse() checks and stores the value */
};

struct opt_spec {
	const char *name;            /* long name, without "--"; NULL ends a table */
	char short_name;             /* 0: none */
	const char *arg;             /* the value in the help (FILE, N); NULL for flags and enums */
	enum option_kind kind;
	size_t field;                /* offsetof the value in the section's struct */
	const char *help;            /* '\n' starts a continuation line */
	double min, max;             /* numbers: the accepted range */
	bool above_min;              /* numbers: min itself is refused (a duration above 0) */
	double scale;                /* OPTION_LLONG, OPTION_REAL: stored = given × scale; 0 means 1 */
	const char *const *choices;  /* OPTION_ENUM: NULL-terminated */
	size_t count_field;          /* OPTION_LIST: the size_t count */
	size_t max_count;            /* OPTION_LIST: the array's length */
	bool track_given;            /* also set the bool at given_field when the option is given */
	size_t given_field;
	/* OPTION_CUSTOM: stores value into the section's struct; returns NULL, or
	 * what is wrong with the value ("takes SRC:DST"). */
	const char *(*parse)(void *section, char *value);
};

struct opt_section {
	const char *title;           /* heading in the help ("Output options"); NULL continues the one before */
	const struct opt_spec *specs;  /* NULL ends the list of sections */
	size_t base;                 /* offsetof the section's struct in the command's */
};

struct opt_command {
	const char *name;            /* as typed: "convert", "migrate db" */
	const char *synopsis;        /* usage and description, printed before the options */
	const struct opt_section *sections;
	const char *epilogue;        /* printed after the options: notes, exit statuses */
	size_t args_size;            /* sizeof the command's argument struct */
	void (*init)(void *args);    /* fills the argument struct with the defaults */
};

/* Longest option table the parser takes (all sections of one command). */
#define OPT_MAX 64

/* What opt_parse returns besides an exit status. */
#define OPT_HELP_SHOWN (-1)

/* Fills args with the defaults (c->init), then parses argv (argv[0] is the
 * command's name) into it. Operands are moved after the options, as getopt_long does;
 * *operands is the index of the first. Returns 0; OPT_HELP_SHOWN after
 * printing the help on stdout for --help; or KG_EXIT_BAD_INPUT after a
 * message naming the option on stderr (KG_EXIT_ENV when out of memory). */
int opt_parse(const struct opt_command *c, void *args, int argc, char **argv, int *operands);

/* The help: synopsis, each section's options with the default found in
 * defaults (a struct filled by c->init), epilogue. */
void opt_help(FILE *out, const struct opt_command *c, const void *defaults);
/* The same with the command's own defaults. */
void opt_help_defaults(FILE *out, const struct opt_command *c);

/* "kgenius NAME: WHAT; see 'kgenius NAME --help'" on stderr; returns
 * KG_EXIT_BAD_INPUT. */
int opt_usage_error(const struct opt_command *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The spec of --name among the command's, or NULL (for tests and tools). */
const struct opt_spec *opt_find(const struct opt_command *c, const char *name);

#endif
