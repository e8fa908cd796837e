/* Interpolation grammar and the dotenv format. */
#include <string.h>

#include "compose/env.h"
#include "t.h"

struct ienv {
	struct arena a;
	struct diags d;
	struct envmap vars;
	struct envmap warned;
};

static void ienv_init(struct ienv *e)
{
	memset(e, 0, sizeof(*e));
	arena_init(&e->a, 16u << 20);
	diags_init(&e->d);
	env_set(&e->a, &e->vars, "SET", "value", NULL);
	env_set(&e->a, &e->vars, "EMPTY", "", NULL);
	env_set(&e->a, &e->vars, "VER", "17.0", NULL);
}

static void ienv_free(struct ienv *e)
{
	arena_free(&e->a);
	diags_free(&e->d);
}

static const char *interp(struct ienv *e, const char *s)
{
	struct srcpos pos = {"c.yaml", 3, 5};
	const char *r = interpolate(&e->a, &e->d, s, &pos, &e->vars, &e->warned);
	return r ? r : "(error)";
}

static void test_interpolation_forms(void)
{
	struct ienv e;

	ienv_init(&e);
	CHECK_STR(interp(&e, "$SET"), "value");
	CHECK_STR(interp(&e, "${SET}"), "value");
	CHECK_STR(interp(&e, "a${SET}b$SET-c"), "avaluebvalue-c");
	CHECK_STR(interp(&e, "${UNSET:-d}"), "d");
	CHECK_STR(interp(&e, "${EMPTY:-d}"), "d");
	CHECK_STR(interp(&e, "${EMPTY-d}"), "");
	CHECK_STR(interp(&e, "${UNSET-d}"), "d");
	CHECK_STR(interp(&e, "${SET:-d}"), "value");
	CHECK_STR(interp(&e, "${SET:+alt}"), "alt");
	CHECK_STR(interp(&e, "${EMPTY:+alt}"), "");
	CHECK_STR(interp(&e, "${EMPTY+alt}"), "alt");
	CHECK_STR(interp(&e, "${UNSET+alt}"), "");
	CHECK_STR(interp(&e, "${SET:?msg}"), "value");
	CHECK_STR(interp(&e, "${EMPTY?msg}"), "");
	CHECK_STR(interp(&e, "odoo:${IMG:-odoo:${VER:-18.0}}"), "odoo:odoo:17.0");
	CHECK_STR(interp(&e, "${A:-${B:-x}}"), "x");
	CHECK_STR(interp(&e, "$$HOME and $${SET}"), "$HOME and ${SET}");
	CHECK_STR(interp(&e, "^(.*)://x/(.*)$$"), "^(.*)://x/(.*)$");
	CHECK_INT((long long)e.d.errors, 0);
	ienv_free(&e);
}

static void test_interpolation_unset_warns_once(void)
{
	struct ienv e;

	ienv_init(&e);
	CHECK_STR(interp(&e, "${NOPE}"), "");
	CHECK_STR(interp(&e, "$NOPE"), "");
	CHECK_INT((long long)e.d.warnings, 1);
	CHECK(t_diag_has(&e.d, DIAG_WARNING, "NOPE is not set", 3));
	CHECK(t_diag_has(&e.d, DIAG_WARNING, "empty string", 0));
	ienv_free(&e);
}

static void test_interpolation_errors(void)
{
	struct ienv e;

	ienv_init(&e);
	CHECK_STR(interp(&e, "${UNSET:?please set UNSET}"), "(error)");
	CHECK(t_diag_has(&e.d, DIAG_ERROR, "required variable UNSET is not set: please set UNSET", 3));
	CHECK_STR(interp(&e, "${EMPTY:?must not be empty}"), "(error)");
	CHECK(t_diag_has(&e.d, DIAG_ERROR, "EMPTY is empty", 0));
	CHECK_STR(interp(&e, "${UNSET?x}"), "(error)");
	CHECK_STR(interp(&e, "cost $5"), "(error)");
	CHECK(t_diag_has(&e.d, DIAG_ERROR, "lone $", 0));
	CHECK_STR(interp(&e, "${SET"), "(error)");
	CHECK_STR(interp(&e, "${1X}"), "(error)");
	CHECK_STR(interp(&e, "${SET!x}"), "(error)");
	ienv_free(&e);
}

static void test_dotenv(void)
{
	struct ienv e;
	struct envmap out = {0};
	const char *text =
		"# comment\n"
		"PLAIN=value\n"
		"export EXPORTED=yes\n"
		"  SPACED  =  trimmed  \n"
		"INLINE=abc # comment\n"
		"HASH=abc#notacomment\n"
		"SQ='literal $SET # kept'\n"
		"DQ=\"line1\\nline2 \\\"q\\\" \\$SET\"\n"
		"MULTI=\"first\n"
		"second\"\n"
		"REF=${PLAIN}-$SET\n"
		"DEF=${MISSING:-fallback}\n"
		"EMPTYV=\n"
		"\n"
		"URL=postgres://u:p@db:5432/x\n";

	ienv_init(&e);
	CHECK_INT(dotenv_parse(&e.a, &e.d, ".env", text, &e.vars, &out), 0);
	CHECK_STR(env_get(&out, "PLAIN"), "value");
	CHECK_STR(env_get(&out, "EXPORTED"), "yes");
	CHECK_STR(env_get(&out, "SPACED"), "trimmed");
	CHECK_STR(env_get(&out, "INLINE"), "abc");
	CHECK_STR(env_get(&out, "HASH"), "abc#notacomment");
	CHECK_STR(env_get(&out, "SQ"), "literal $SET # kept");
	CHECK_STR(env_get(&out, "DQ"), "line1\nline2 \"q\" $SET");
	CHECK_STR(env_get(&out, "MULTI"), "first\nsecond");
	CHECK_STR(env_get(&out, "REF"), "value-value");
	CHECK_STR(env_get(&out, "DEF"), "fallback");
	CHECK_STR(env_get(&out, "EMPTYV"), "");
	CHECK_STR(env_get(&out, "URL"), "postgres://u:p@db:5432/x");
	CHECK_INT(env_find(&out, "MULTI")->pos.line, 9);
	CHECK_INT((long long)e.d.errors, 0);
	ienv_free(&e);
}

static void test_dotenv_errors(void)
{
	struct ienv e;
	struct envmap out = {0};

	ienv_init(&e);
	CHECK_INT(dotenv_parse(&e.a, &e.d, ".env", "OK=1\nBAD LINE\n", &e.vars, &out), -1);
	CHECK(t_diag_has(&e.d, DIAG_ERROR, "expected =", 2));
	CHECK_INT(dotenv_parse(&e.a, &e.d, ".env", "A=\"open\n", &e.vars, &out), -1);
	CHECK(t_diag_has(&e.d, DIAG_ERROR, "unterminated", 0));
	ienv_free(&e);
}

/* Found by the dotenv fuzzer: a value the arena could not copy left the
 * variable in the map with a NULL value, and the next ${VAR} read through it. */
static void test_env_set_refused_keeps_map(void)
{
	struct arena a;
	struct envmap m = {0};
	char big[4096];

	arena_init(&a, 8192);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(env_set(&a, &m, "V", "old", NULL));
	while (env_set(&a, &m, "V", big, NULL))
		;
	CHECK(a.exhausted);
	CHECK(env_get(&m, "V") != NULL);
	CHECK(!env_set(&a, &m, "NEW", big, NULL));
	CHECK(env_find(&m, "NEW") == NULL);
	arena_free(&a);
}

/* Found by the dotenv fuzzer: a string naming a large variable many times
 * grew its result without bound (1.2 GB for a 4 KiB .env under ASan). */
static void test_interpolation_result_bounded(void)
{
	struct arena a;
	struct diags d;
	struct envmap vars = {0};
	struct srcpos pos = {"c.yaml", 2, 3};
	static char big[300 * 1024];
	char *r;

	arena_init(&a, 1u << 20);
	diags_init(&d);
	memset(big, 'x', sizeof(big) - 1);
	CHECK(env_set(&a, &vars, "V", big, NULL));
	r = interpolate(&a, &d, "${V}", &pos, &vars, NULL);
	CHECK(r != NULL && strlen(r) == sizeof(big) - 1);
	CHECK(interpolate(&a, &d, "$V${V}${V:-x}${V-y}", &pos, &vars, NULL) == NULL);
	CHECK(t_diag_has(&d, DIAG_ERROR, "grows past the 1 MiB", 2));
	diags_free(&d);
	arena_free(&a);
}

const struct t_case t_env_cases[] = {
	{"env: an interpolated value stays within the project's budget", test_interpolation_result_bounded},
	{"env: a value the arena refuses leaves the map as it was", test_env_set_refused_keeps_map},
	{"env: every interpolation form, nested defaults, $$", test_interpolation_forms},
	{"env: unset variables warn once, located", test_interpolation_unset_warns_once},
	{"env: :? and ? errors, invalid templates", test_interpolation_errors},
	{"env: dotenv quoting, export, comments, multi-line, references", test_dotenv},
	{"env: dotenv errors are located", test_dotenv_errors},
	{NULL, NULL},
};
