/* The YAML layer: typing, anchors, merge keys, tags, errors and emission. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "t.h"
#include "util/buf.h"
#include "yaml/emit.h"
#include "yaml/input.h"
#include "yaml/parse.h"

struct parsed {
	struct arena a;
	struct diags d;
	struct ynode *root;
	int ndocs;
	int rc;
};

static int keep_first(struct ynode *root, int index, void *user)
{
	struct parsed *p = user;

	if (index == 0)
		p->root = root;
	p->ndocs++;
	return 0;
}

static void parse(struct parsed *p, const char *text)
{
	memset(p, 0, sizeof(*p));
	arena_init(&p->a, 64u << 20);
	diags_init(&p->d);
	p->rc = yaml_parse_stream(&p->a, &p->d, "t.yaml", text, strlen(text), &yaml_default_limits, keep_first, p);
}

static void done(struct parsed *p)
{
	arena_free(&p->a);
	diags_free(&p->d);
}

static void test_scalar_types(void)
{
	struct parsed p;

	parse(&p, "i: 42\nneg: -7\nhex: 0x1F\noct: 0o17\nf: 1.5\nexp: 1e3\nb: true\nB: False\n"
		  "n: ~\nn2: null\nempty:\ns: hello\nq: \"42\"\nyes11: yes\non11: on\nlead0: 0755\n");
	CHECK_INT(p.rc, 0);
	CHECK_INT(t_at(p.root, "i")->kind, Y_INT);
	CHECK_INT(t_at(p.root, "i")->i, 42);
	CHECK_INT(t_at(p.root, "neg")->i, -7);
	CHECK_INT(t_at(p.root, "hex")->i, 31);
	CHECK_INT(t_at(p.root, "oct")->i, 15);
	CHECK_INT(t_at(p.root, "f")->kind, Y_FLOAT);
	CHECK(t_at(p.root, "f")->f == 1.5);
	CHECK_INT(t_at(p.root, "exp")->kind, Y_FLOAT);
	CHECK_INT(t_at(p.root, "b")->kind, Y_BOOL);
	CHECK(t_at(p.root, "b")->b);
	CHECK(!t_at(p.root, "B")->b);
	CHECK_INT(t_at(p.root, "n")->kind, Y_NULL);
	CHECK_INT(t_at(p.root, "n2")->kind, Y_NULL);
	CHECK_INT(t_at(p.root, "empty")->kind, Y_NULL);
	CHECK_INT(t_at(p.root, "s")->kind, Y_STR);
	CHECK_INT(t_at(p.root, "q")->kind, Y_STR);
	CHECK(t_at(p.root, "q")->quoted);
	/* YAML 1.2, as Compose v2 reads it: yes/on are strings. */
	CHECK_INT(t_at(p.root, "yes11")->kind, Y_STR);
	CHECK_INT(t_at(p.root, "on11")->kind, Y_STR);
	CHECK_STR(t_text(p.root, "lead0"), "0755");
	done(&p);
	/* words that start as a null, a boolean or a number does */
	parse(&p, "a: nulls\nb: ~x\nc: NULL\nd: truex\ne: TRUE\nf: fals\ng: FALSE\nh: t\ni: .inf\nj: -.Inf\n"
		  "k: .nan\nl: .5\nm: +12\nn: 1.2.3\no: -x\n");
	CHECK_INT(t_at(p.root, "a")->kind, Y_STR);
	CHECK_INT(t_at(p.root, "b")->kind, Y_STR);
	CHECK_INT(t_at(p.root, "c")->kind, Y_NULL);
	CHECK_INT(t_at(p.root, "d")->kind, Y_STR);
	CHECK(t_at(p.root, "e")->kind == Y_BOOL && t_at(p.root, "e")->b);
	CHECK_INT(t_at(p.root, "f")->kind, Y_STR);
	CHECK(t_at(p.root, "g")->kind == Y_BOOL && !t_at(p.root, "g")->b);
	CHECK_INT(t_at(p.root, "h")->kind, Y_STR);
	CHECK(t_at(p.root, "i")->kind == Y_FLOAT && t_at(p.root, "i")->f > 1e308);
	CHECK(t_at(p.root, "j")->kind == Y_FLOAT && t_at(p.root, "j")->f < -1e308);
	CHECK(t_at(p.root, "k")->kind == Y_FLOAT && t_at(p.root, "k")->f != t_at(p.root, "k")->f);
	CHECK(t_at(p.root, "l")->kind == Y_FLOAT && t_at(p.root, "l")->f == 0.5);
	CHECK(t_at(p.root, "m")->kind == Y_INT && t_at(p.root, "m")->i == 12);
	CHECK_INT(t_at(p.root, "n")->kind, Y_STR);
	CHECK_INT(t_at(p.root, "o")->kind, Y_STR);
	done(&p);
}

static void test_positions(void)
{
	struct parsed p;

	parse(&p, "a:\n  b: 1\n  c:\n    - x\n    - y\n");
	CHECK_INT(t_at(p.root, "a.b")->pos.line, 2);
	CHECK_INT(t_at(p.root, "a.b")->pos.col, 6);
	CHECK_INT(t_at(p.root, "a.c[1]")->pos.line, 5);
	CHECK_INT(t_at(p.root, "a.c[1]")->pos.col, 7);
	CHECK_INT(y_get_pair(t_at(p.root, "a"), "c")->kpos.line, 3);
	done(&p);
}

static void test_anchors_and_aliases(void)
{
	struct parsed p;

	parse(&p, "x: &v [1, 2]\ny: *v\nz: &s hello\nw: *s\n");
	CHECK_INT(p.rc, 0);
	CHECK_INT(t_at(p.root, "y")->n, 2);
	CHECK_INT(t_at(p.root, "y[1]")->i, 2);
	CHECK_STR(t_text(p.root, "w"), "hello");
	/* The alias is a copy: changing one does not change the other. */
	CHECK(t_at(p.root, "x") != t_at(p.root, "y"));
	done(&p);
}

static void test_merge_keys(void)
{
	struct parsed p;

	parse(&p, "a: &a {k1: a1, k2: a2}\nb: &b {k2: b2, k3: b3}\n"
		  "one:\n  <<: *a\n  k1: own\n"
		  "list:\n  <<: [*a, *b]\n  k4: own\n");
	CHECK_INT(p.rc, 0);
	CHECK_STR(t_text(p.root, "one.k1"), "own");   /* explicit key wins */
	CHECK_STR(t_text(p.root, "one.k2"), "a2");
	CHECK(!t_at(p.root, "one.<<"));
	CHECK_STR(t_text(p.root, "list.k2"), "a2");   /* first source wins */
	CHECK_STR(t_text(p.root, "list.k3"), "b3");
	CHECK_STR(t_text(p.root, "list.k4"), "own");
	done(&p);
}

static void test_merge_key_before_explicit(void)
{
	struct parsed p;

	parse(&p, "base: &b {image: x, restart: always}\nsvc:\n  restart: \"no\"\n  <<: *b\n");
	CHECK_STR(t_text(p.root, "svc.restart"), "no");
	CHECK_STR(t_text(p.root, "svc.image"), "x");
	done(&p);
}

static void test_merge_key_errors(void)
{
	struct parsed p;

	parse(&p, "a:\n  <<: 3\n");
	CHECK_INT(p.rc, -1);
	CHECK(t_diag_has(&p.d, DIAG_ERROR, "merge key", 2));
	done(&p);
}

static void test_duplicate_key(void)
{
	struct parsed p;

	parse(&p, "services:\n  a: 1\n  a: 2\n");
	CHECK_INT(p.rc, -1);
	CHECK(t_diag_has(&p.d, DIAG_ERROR, "duplicate key \"a\" (first at line 2)", 3));
	CHECK_INT(p.d.v[0].col, 3);
	done(&p);
}

static void test_syntax_error_located(void)
{
	struct parsed p;

	parse(&p, "a: [1, 2\nb: 3\n");
	CHECK_INT(p.rc, -1);
	CHECK(t_diag_has(&p.d, DIAG_ERROR, "invalid YAML", 0));
	CHECK(p.d.n > 0 && p.d.v[0].line > 0);
	done(&p);

	parse(&p, "a: b\n  c: d\n");
	CHECK_INT(p.rc, -1);
	CHECK(p.d.n > 0 && p.d.v[0].line == 1 && p.d.v[0].col == 4);
	done(&p);
}

static void test_undefined_alias(void)
{
	struct parsed p;

	parse(&p, "a: *nothing\n");
	CHECK_INT(p.rc, -1);
	CHECK(t_diag_has(&p.d, DIAG_ERROR, "nothing", 1));
	done(&p);
}

static void test_tags(void)
{
	struct parsed p;

	parse(&p, "s: !!str 123\nr: !reset []\no: !override [a]\nn: !reset\n");
	CHECK_INT(p.rc, 0);
	CHECK_INT(t_at(p.root, "s")->kind, Y_STR);
	CHECK_STR(t_text(p.root, "s"), "123");
	CHECK_INT(t_at(p.root, "r")->tag, YTAG_RESET);
	CHECK_INT(t_at(p.root, "o")->tag, YTAG_OVERRIDE);
	CHECK_INT(t_at(p.root, "n")->tag, YTAG_RESET);
	done(&p);
}

static void test_multi_document(void)
{
	struct parsed p;

	parse(&p, "a: 1\n---\nb: 2\n");
	CHECK_INT(p.rc, 0);
	CHECK_INT(p.ndocs, 2);
	done(&p);
}

static const char *emitted(const char *yaml, enum yaml_format fmt, struct buf *b)
{
	struct parsed p;

	parse(&p, yaml);
	buf_reset(b);
	if (p.rc != 0 || yaml_emit(b, p.root, fmt) != 0)
		buf_puts(b, "(error)");
	done(&p);
	return buf_cstr(b);
}

static void test_emit_quotes_what_would_change_type(void)
{
	struct buf b = BUF_INIT;

	CHECK_STR(emitted("a: \"8069\"\n", FMT_YAML, &b), "a: \"8069\"\n");
	CHECK_STR(emitted("a: \"yes\"\n", FMT_YAML, &b), "a: \"yes\"\n");
	CHECK_STR(emitted("a: \"22:22\"\n", FMT_YAML, &b), "a: \"22:22\"\n");
	CHECK_STR(emitted("a: \"0755\"\n", FMT_YAML, &b), "a: \"0755\"\n");
	CHECK_STR(emitted("a: \"\"\n", FMT_YAML, &b), "a: \"\"\n");
	CHECK_STR(emitted("a: \"null\"\n", FMT_YAML, &b), "a: \"null\"\n");
	CHECK_STR(emitted("a: \"x: y\"\n", FMT_YAML, &b), "a: \"x: y\"\n");
	CHECK_STR(emitted("a: \"# c\"\n", FMT_YAML, &b), "a: \"# c\"\n");
	CHECK_STR(emitted("a: 8069\n", FMT_YAML, &b), "a: 8069\n");
	CHECK_STR(emitted("a: --flag=1\n", FMT_YAML, &b), "a: --flag=1\n");
	CHECK_STR(emitted("a: Host(`x`) && PathPrefix(`/y`)\n", FMT_YAML, &b),
		  "a: Host(`x`) && PathPrefix(`/y`)\n");
	CHECK_STR(emitted("a: \"tab\\there\"\n", FMT_YAML, &b), "a: \"tab\\there\"\n");
	buf_free(&b);
}

static void test_emit_literal_and_json(void)
{
	struct buf b = BUF_INIT;

	CHECK_STR(emitted("a: |\n  x = 1\n  y = 2\n", FMT_YAML, &b), "a: |\n  x = 1\n  y = 2\n");
	CHECK_STR(emitted("a: \"x\\ny\"\n", FMT_YAML, &b), "a: |-\n  x\n  y\n");
	CHECK_STR(emitted("a: \"8069\"\nb: 8069\nc: [true, null]\n", FMT_JSON, &b),
		  "{\n  \"a\": \"8069\",\n  \"b\": 8069,\n  \"c\": [\n    true,\n    null\n  ]\n}\n");
	CHECK_STR(emitted("a: \"q\\\"uote\"\n", FMT_JSON, &b), "{\n  \"a\": \"q\\\"uote\"\n}\n");
	buf_free(&b);
}

static void test_emit_round_trip(void)
{
	const char *src = "list:\n- name: a\n  ports:\n  - 1\n  - 2\n- name: b\nmap:\n  k: v\n";
	struct buf b = BUF_INIT;

	CHECK_STR(emitted(src, FMT_YAML, &b), src);
	buf_free(&b);
}

static void test_plain_safe(void)
{
	CHECK(yaml_plain_safe("odoo", 4));
	CHECK(yaml_plain_safe("/var/lib/odoo", 13));
	CHECK(!yaml_plain_safe("on", 2));
	CHECK(!yaml_plain_safe("1e3", 3));
	CHECK(!yaml_plain_safe("-", 1));
	CHECK(!yaml_plain_safe("- x", 3));
	CHECK(!yaml_plain_safe("*alias", 6));
	CHECK(!yaml_plain_safe("trailing ", 9));
	/* YAML 1.1 timestamps: a datetime, not a string, to PyYAML. */
	CHECK(!yaml_plain_safe("2026-11-27T09:30:00Z", 20));
	CHECK(!yaml_plain_safe("2026-11-27t09:30:00.5+01:00", 27));
}

/* The streaming text check: a sequence split between chunks is whole; flow
 * brackets count only outside quotes and comments, and where a node starts. */
static bool scan_chunks(const char *text, size_t cut, int depth, long items, enum text_error *err)
{
	struct text_scan s;
	bool ok;

	text_scan_init(&s);
	s.max_flow_depth = depth;
	s.max_flow_items = items;
	ok = text_scan(&s, (const unsigned char *)text, cut) &&
	     text_scan(&s, (const unsigned char *)text + cut, strlen(text) - cut) && text_scan_end(&s);
	*err = s.err;
	return ok;
}

static void test_text_scan(void)
{
	enum text_error err;

	CHECK(scan_chunks("a: caf\xc3\xa9\n", 7, 4, 10, &err));            /* é split after its first byte */
	CHECK(!scan_chunks("a: caf\xc3", 7, 4, 10, &err) && err == TEXT_BAD_UTF8);
	{
		struct text_scan s;

		text_scan_init(&s);
		CHECK(!text_scan(&s, (const unsigned char *)"a: 1\n\0b: 2\n", 11) && s.err == TEXT_NUL && s.err_line == 2);
	}
	CHECK(!scan_chunks("a: [[[[[1]]]]]\n", 5, 4, 100, &err) && err == TEXT_TOO_DEEP);
	CHECK(scan_chunks("a: [[[[1]]]]\n", 5, 4, 100, &err));
	CHECK(scan_chunks("a: '[[[[[[' # [[[[[[\nb: \"[[[[[[\"\nc: x[[[[[[\n", 9, 4, 100, &err));
	CHECK(!scan_chunks("a: [1,2,3,4,5,6]\n", 8, 4, 5, &err) && err == TEXT_TOO_MANY);
	CHECK(scan_chunks("a: [1,2,3]\nb: [1,2,3]\n", 8, 4, 5, &err));  /* counted per collection */
	/* Runs of letters and blanks are skipped whole: the state after them is
	 * what each byte would have left, wherever a chunk ends. */
	CHECK(!scan_chunks("a:     [[[[[1]]]]]\n", 4, 4, 100, &err) && err == TEXT_TOO_DEEP);
	CHECK(scan_chunks("a: \"x\\\" [[[[[[\"\n", 6, 4, 100, &err));
	CHECK(scan_chunks("a: x # note [[[[[[\nb: y\t#[[[[[[\n", 5, 4, 100, &err));
	CHECK(!scan_chunks("a: x\nb: [[[[[1]]]]]\n", 2, 4, 100, &err) && err == TEXT_TOO_DEEP);
	{
		struct text_scan s;

		text_scan_init(&s);
		CHECK(!text_scan(&s, (const unsigned char *)"a: 1\nkey:  value\0", 18) && s.err == TEXT_NUL &&
		      s.err_line == 2 && s.err_col == 12);
		text_scan_init(&s);
		CHECK(!text_scan(&s, (const unsigned char *)"k: caf\xc3\xa9 ok \xff", 13) && s.err == TEXT_BAD_UTF8 &&
		      s.err_col == 12);
	}
}

/* Scalars taken from the input text (yaml_parse_stream) and those the
 * token iterator builds (yaml_parse_fp, whose text is not kept) agree:
 * y_identical. */
static bool parses_alike(const char *text)
{
	struct parsed from_text, from_stream;
	FILE *fp = tmpfile();
	bool same;

	if (!fp)
		return false;
	fputs(text, fp);
	rewind(fp);
	parse(&from_text, text);
	memset(&from_stream, 0, sizeof(from_stream));
	arena_init(&from_stream.a, 64u << 20);
	diags_init(&from_stream.d);
	from_stream.rc = yaml_parse_fp(&from_stream.a, &from_stream.d, "t.yaml", fp, &yaml_default_limits, keep_first,
				       &from_stream);
	fclose(fp);
	same = from_text.rc == 0 && from_stream.rc == 0 && from_text.root && from_stream.root &&
	       y_identical(from_text.root, from_stream.root);
	done(&from_text);
	done(&from_stream);
	return same;
}

static void test_scalar_text_from_input(void)
{
	struct parsed p;

	CHECK(parses_alike("a: plain text   # comment\nb: 'single q'\nc: \"double q\"\nd: 12\ne: true\nf: ~\n"));
	CHECK(parses_alike("a: 'it''s'\nb: \"tab\\there \\u00e9 \\\"q\\\"\"\nc: caf\xc3\xa9 \xe2\x82\xac\n"));
	CHECK(parses_alike("a: plain\n  continued\n\n  after a blank line\nb: 'single\n  folded'\nc: \"double\n  folded\"\n"));
	CHECK(parses_alike("a: |-\n  literal\n   kept\nb: >\n  folded\n  text\n\nc: |+\n  keep\n\n"));
	/* literal blocks as CRDs write them, and the forms left to the iterator */
	CHECK(parses_alike("s:\n  p:\n    description: |-\n      First line.\n\n        indented more\n      last  \n    "
			   "type: string\n  q:\n    description: |\n      clip\n\n\n  r: 1\n"));
	CHECK(parses_alike("- |\n\n  after a blank\n- |-\n  \n  blank with spaces\n \n\n- |2\n    two more\n- | # c\n  x\n"
			   "- |-\n  tab\there\n- |-\n  deep blank\n      \n  after\n- |\n  no final break"));
	CHECK(parses_alike("a: |-\n  x\n\n\n"));
	/* plain scalars over several lines, folded from the input */
	CHECK(parses_alike("a: one  \n  two\t\n  \t three\n\n   \n\n  four\nb: [x\n  y, z\n\n  w]\nc: {k: v\n   u}\n"));
	CHECK(parses_alike("- first\n  second\n- a b\n   c  d\n  \n  e\n"));
	CHECK(parses_alike("a: |\n  crlf\r\n  lines\r\nb: 1\r\n"));
	CHECK(parses_alike("a: {k: v, 'q': \"w\", n: [1, x y, '', \"\"]}\nb: [a:b, c]\n"));
	CHECK(parses_alike("a: x\r\nb: 'y'\r\nc: \"z\"\r\nd: w\tv\r\n"));
	CHECK(parses_alike("--- &r\nx: &a value\ny: *a\nz: !!str 123\n<<: {m: 1}\n"));
	/* the text is the scalar's, not the line's */
	parse(&p, "a: 'one' # 'two'\nb: x y  \n");
	CHECK(p.rc == 0 && strcmp(y_text(y_get(p.root, "a")), "one") == 0 && strcmp(y_text(y_get(p.root, "b")), "x y") == 0);
	done(&p);
}

/* Every document of a file, in order. */
struct all_docs {
	struct arena a;
	struct diags d;
	struct ynode *roots[1024];
	size_t n;
	int rc;
};

static int keep_all(struct ynode *root, int index, void *user)
{
	struct all_docs *p = user;

	(void)index;
	if (p->n < sizeof(p->roots) / sizeof(p->roots[0]))
		p->roots[p->n++] = root;
	return 0;
}

/* The file parsed from its text and from a stream gives the same trees. */
static bool file_parses_alike(const char *path)
{
	static struct all_docs from_text, from_stream;
	FILE *fp = fopen(path, "rb");
	char *text = NULL;
	long size;
	bool same;

	if (!fp || fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0 ||
	    !(text = malloc((size_t)size + 1)) || fread(text, 1, (size_t)size, fp) != (size_t)size) {
		if (fp)
			fclose(fp);
		free(text);
		return false;
	}
	text[size] = '\0';
	/* a new stream: the parser reads the descriptor, which the buffered
	 * reading above left at the end */
	fclose(fp);
	if (!(fp = fopen(path, "rb"))) {
		free(text);
		return false;
	}
	memset(&from_text, 0, sizeof(from_text));
	memset(&from_stream, 0, sizeof(from_stream));
	arena_init(&from_text.a, 1u << 30);
	arena_init(&from_stream.a, 1u << 30);
	diags_init(&from_text.d);
	diags_init(&from_stream.d);
	from_text.rc = yaml_parse_stream(&from_text.a, &from_text.d, path, text, (size_t)size, &yaml_default_limits,
					 keep_all, &from_text);
	from_stream.rc = yaml_parse_fp(&from_stream.a, &from_stream.d, path, fp, &yaml_default_limits, keep_all,
				       &from_stream);
	same = from_text.rc == from_stream.rc && from_text.n == from_stream.n;
	for (size_t i = 0; same && from_text.rc == 0 && i < from_text.n; i++)
		same = y_identical(from_text.roots[i], from_stream.roots[i]);
	fclose(fp);
	free(text);
	arena_free(&from_text.a);
	arena_free(&from_stream.a);
	diags_free(&from_text.d);
	diags_free(&from_stream.d);
	return same;
}

/* The corpus's manifests (../shared, or $SHARED): CRDs with thousands of
 * literal blocks, quoted and plain scalars of every form real tools write. */
static void test_corpus_scalar_texts(void)
{
	const char *shared = getenv("SHARED");
	char dir[4096], path[8192];
	struct dirent *e;
	DIR *dh;
	int files = 0;

	snprintf(dir, sizeof(dir), "%s/corpus/manifests", shared ? shared : "../shared");
	dh = opendir(dir);
	CHECK(dh != NULL);
	if (!dh)
		return;
	while ((e = readdir(dh)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n < 5 || strcmp(e->d_name + n - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!file_parses_alike(path))
			t_check(false, path, __FILE__, __LINE__);
		files++;
	}
	closedir(dh);
	CHECK(files >= 20);
}


/* A mapping's key is kept as text only, not as a node: plain, quoted (at
 * its text, after the quote, as libfyaml marks it),
 * empty, "null" and "<<" keys, and keys with an anchor or a tag (which
 * still go through a node), read and locate as before. */
static void test_mapping_keys(void)
{
	struct parsed p;
	const struct ypair *k;

	parse(&p, "a: 1\n'q u': 2\nnull: 3\n&anchor b: 4\n!!str 5: five\nbase: &base {x: 1}\nm:\n  <<: *base\n  y: 2\n\"\": e\n");
	CHECK_INT(p.rc, 0);
	CHECK(p.root && p.root->kind == Y_MAP && p.root->n == 8);
	k = y_get_pair(p.root, "q u");
	CHECK(k && k->kpos.line == 2 && k->kpos.col == 2 && k->val->i == 2);
	CHECK(y_get(p.root, "null") && y_get(p.root, "null")->i == 3);
	k = y_get_pair(p.root, "b");
	CHECK(k && k->kpos.line == 4 && k->val->i == 4);
	CHECK_STR(y_text(y_get(p.root, "5")), "five");
	CHECK(y_get(y_get(p.root, "m"), "x") && y_get(y_get(p.root, "m"), "x")->i == 1);
	CHECK(y_get(y_get(p.root, "m"), "<<") == NULL);
	CHECK_STR(y_text(y_get(p.root, "")), "e");
	done(&p);
	parse(&p, "a: 1\nb: 2\na: 3\n");
	CHECK(p.rc != 0);
	CHECK(t_diag_has(&p.d, DIAG_ERROR, "duplicate key \"a\" (first at line 1)", 3));
	done(&p);
}

/* lint's document arena: one reserved range, huge pages past its first
 * 256 KiB; its budget holds, a reset gives memory back and leaves it
 * usable, and what it hands out is zeroed. */
static void test_large_arena(void)
{
	struct arena a;
	const size_t mib = 1u << 20;
	unsigned char *blocks[6];
	bool zero = true;

	arena_init_large(&a, 5 * mib);
	for (int i = 0; i < 4; i++) {
		blocks[i] = arena_alloc(&a, mib);
		CHECK(blocks[i] != NULL);
		if (blocks[i])
			memset(blocks[i], 0xA5, mib);
	}
	CHECK(blocks[0] && blocks[1] && blocks[1] >= blocks[0] + mib);
	CHECK(arena_alloc(&a, 2 * mib) == NULL);
	CHECK(a.exhausted);
	CHECK(a.used <= 5 * mib);
	arena_reset(&a);
	CHECK_INT((long long)a.used, 0);
	/* the fourth MiB is past the 256 KiB of base pages and the 2 MiB kept:
	 * none of its pages is resident any more (where the range could be
	 * reserved: a strict overcommit policy makes it an ordinary arena) */
	CHECK(a.range != NULL || !a.large);
	if (a.range && blocks[3]) {
		unsigned char resident[256];
		bool any = false;

		CHECK(mincore(blocks[3], mib, resident) == 0);
		for (size_t k = 0; k < sizeof(resident); k++)
			any = any || (resident[k] & 1);
		CHECK(!any);
	}
	for (int i = 0; i < 4; i++) {
		blocks[i] = arena_alloc(&a, mib);
		for (size_t k = 0; blocks[i] && k < mib; k += 4096)
			zero = zero && blocks[i][k] == 0;
	}
	CHECK(blocks[3] != NULL && zero);
	blocks[4] = (unsigned char *)arena_strndup(&a, "after a reset", 13);
	CHECK(blocks[4] && strcmp((char *)blocks[4], "after a reset") == 0);
	arena_free(&a);
	arena_init_large(&a, 0);
	blocks[5] = arena_alloc(&a, 100);
	CHECK(blocks[5] != NULL && !a.large);
	arena_free(&a);
}

const struct t_case t_yaml_cases[] = {
	{"yaml: a mapping's keys keep their text and position, anchors, tags and merge keys included", test_mapping_keys},
	{"yaml: lint's document arena keeps its budget and gives memory back at a reset", test_large_arena},
	{"yaml: every corpus manifest parses to the same trees from its text as from a stream", test_corpus_scalar_texts},
	{"yaml: scalars taken from the input read as those the token iterator builds", test_scalar_text_from_input},
	{"yaml: the streaming text check (UTF-8 across chunks, NUL, flow depth and entries)", test_text_scan},
	{"yaml: scalar types (YAML 1.2 core schema)", test_scalar_types},
	{"yaml: node positions are 1-based line and column", test_positions},
	{"yaml: anchors and aliases", test_anchors_and_aliases},
	{"yaml: << merge keys, single and list, precedence", test_merge_keys},
	{"yaml: explicit keys win over a later << merge", test_merge_key_before_explicit},
	{"yaml: << with a scalar is a located error", test_merge_key_errors},
	{"yaml: duplicate keys are located errors", test_duplicate_key},
	{"yaml: syntax errors are located", test_syntax_error_located},
	{"yaml: alias without anchor is a located error", test_undefined_alias},
	{"yaml: !!str, !reset and !override tags", test_tags},
	{"yaml: multi-document streams", test_multi_document},
	{"yaml: emitter quotes strings that would change type", test_emit_quotes_what_would_change_type},
	{"yaml: emitter literal blocks and JSON", test_emit_literal_and_json},
	{"yaml: emit round-trips block sequences of mappings", test_emit_round_trip},
	{"yaml: plain-safe classification", test_plain_safe},
	{NULL, NULL},
};
