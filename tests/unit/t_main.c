/* Runs every unit test and ends with "N passed, N failed". A test passes
 * when none of its checks failed. `unit-tests NAME...` runs only tests whose
 * name contains one of the arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "util/buf.h"

extern const struct t_case t_yaml_cases[];
extern const struct t_case t_values_cases[];
extern const struct t_case t_env_cases[];
extern const struct t_case t_compose_cases[];
extern const struct t_case t_merge_cases[];
extern const struct t_case t_hostile_cases[];
extern const struct t_case t_facts_cases[];
extern const struct t_case t_netpol_cases[];
extern const struct t_case t_model_cases[];
extern const struct t_case t_convert_cases[];
extern const struct t_case t_lint_cases[];
extern const struct t_case t_diagnose_cases[];
extern const struct t_case t_migrate_cases[];
extern const struct t_case t_cli_cases[];
extern const struct t_case t_json_cases[];

static const struct t_case *const suites[] = {
	t_yaml_cases, t_values_cases, t_env_cases, t_compose_cases, t_merge_cases, t_hostile_cases, t_facts_cases, t_model_cases, t_convert_cases, t_lint_cases, t_netpol_cases, t_diagnose_cases, t_migrate_cases, t_cli_cases, t_json_cases, NULL,
};

static int failed_checks;
static char tmp_root[256];
static int tmp_count;

void t_check(bool ok, const char *expr, const char *file, int line)
{
	if (ok)
		return;
	failed_checks++;
	fprintf(stderr, "    %s:%d: check failed: %s\n", file, line, expr);
}

void t_check_str(const char *got, const char *want, const char *expr, const char *file, int line)
{
	if ((got && want && strcmp(got, want) == 0) || (!got && !want))
		return;
	failed_checks++;
	fprintf(stderr, "    %s:%d: %s is \"%s\", expected \"%s\"\n", file, line, expr,
		got ? got : "(null)", want ? want : "(null)");
}

void t_check_int(long long got, long long want, const char *expr, const char *file, int line)
{
	if (got == want)
		return;
	failed_checks++;
	fprintf(stderr, "    %s:%d: %s is %lld, expected %lld\n", file, line, expr, got, want);
}

const char *t_tmpdir(void)
{
	static char dir[512];

	snprintf(dir, sizeof(dir), "%s/t%d", tmp_root, ++tmp_count);
	if (mkdir(dir, 0700) != 0) {
		perror(dir);
		exit(3);
	}
	return dir;
}

static void remove_tmp(void)
{
	char cmd[400];

	if (tmp_root[0] && !getenv("KG_KEEP_TMP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
		if (system(cmd) != 0)
			fprintf(stderr, "warning: could not remove %s\n", tmp_root);
	}
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	const char *base = getenv("TMPDIR");

	/* a line at a time, so that what a case prints to stderr comes out
	 * before its FAIL line, not glued to some later ok line */
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(tmp_root, sizeof(tmp_root), "%s/kgenius-unit-XXXXXX", base && base[0] ? base : "/tmp");
	if (!mkdtemp(tmp_root)) {
		perror("mkdtemp");
		return 3;
	}
	atexit(remove_tmp);
	for (const struct t_case *const *s = suites; *s; s++) {
		for (const struct t_case *c = *s; c->name; c++) {
			int before = failed_checks;

			if (!selected(c->name, argc, argv))
				continue;
			c->fn();
			if (failed_checks == before) {
				passed++;
				printf("ok   %s\n", c->name);
			} else {
				failed++;
				printf("FAIL %s\n", c->name);
			}
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
