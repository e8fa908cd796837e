/* Hostile input at the library level: each ends in a clear, located error
 * quickly. The same inputs run against the real binary, with the process's
 * time and memory bounded, in tests/integration/hostile.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "t.h"
#include "util/arena.h"
#include "util/array.h"

static const char *const base_env[] = {"HOME=/h", NULL};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void load_bytes(struct t_project *tp, const char *data, size_t len, double *seconds)
{
	const char *dir = t_tmpdir();
	char path[600];
	FILE *f;
	double start;

	snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(3);
	}
	start = now();
	t_load(tp, dir, NULL, base_env);
	*seconds = now() - start;
}

static void test_alias_bomb(void)
{
	struct t_project tp;
	char doc[4096];
	double s;
	int n = snprintf(doc, sizeof(doc), "x-a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");

	for (char c = 'b'; c <= 'j'; c++)
		n += snprintf(doc + n, sizeof(doc) - (size_t)n, "x-%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n",
			      c, c, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
	snprintf(doc + n, sizeof(doc) - (size_t)n, "services:\n  a:\n    image: x\n");
	load_bytes(&tp, doc, strlen(doc), &s);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "alias", 0));
	CHECK(s < 5.0);
	CHECK(tp.p.arena.used < (256u << 20));
	t_unload(&tp);
}

static void test_deep_nesting(void)
{
	struct t_project tp;
	size_t depth = 10000, len = 0;
	char *doc = malloc(depth * 2 + 64);
	double s;

	len += (size_t)sprintf(doc, "services: ");
	for (size_t i = 0; i < depth; i++)
		doc[len++] = '[';
	for (size_t i = 0; i < depth; i++)
		doc[len++] = ']';
	doc[len++] = '\n';
	load_bytes(&tp, doc, len, &s);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "nesting deeper", 1));
	CHECK(s < 5.0);
	t_unload(&tp);
	free(doc);
}

static void test_invalid_utf8_and_nul(void)
{
	struct t_project tp;
	double s;
	static const char bad[] = "services:\n  a:\n    image: caf\xc3\x28\n";
	static const char nul[] = "services:\n  a:\n    im\0age: x\n";

	load_bytes(&tp, bad, sizeof(bad) - 1, &s);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "invalid UTF-8", 3));
	CHECK_INT(tp.d.v[0].col, 15);
	t_unload(&tp);
	load_bytes(&tp, nul, sizeof(nul) - 1, &s);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "NUL byte", 3));
	CHECK_INT(tp.d.v[0].col, 7);
	t_unload(&tp);
}

static void test_huge_file(void)
{
	struct t_project tp;
	size_t size = 100u << 20;
	char *doc = malloc(size);
	double s;

	memset(doc, '#', size);
	doc[size - 1] = '\n';
	load_bytes(&tp, doc, size, &s);
	free(doc);
	CHECK_INT(tp.rc, -1);
	CHECK(t_diag_has(&tp.d, DIAG_ERROR, "larger than 16 MiB", 0));
	CHECK(s < 5.0);
	t_unload(&tp);
}

static void test_many_services_still_fine(void)
{
	struct t_project tp;
	size_t cap = 4u << 20, len = 0;
	char *doc = malloc(cap);
	double s;

	len += (size_t)snprintf(doc, cap, "services:\n");
	for (int i = 0; i < 5000; i++)
		len += (size_t)snprintf(doc + len, cap - len,
					"  s%d:\n    image: odoo:17\n    environment: [A=1, B=2]\n    ports: [\"%d:8069\"]\n",
					i, 10000 + i);
	load_bytes(&tp, doc, len, &s);
	free(doc);
	CHECK_INT(tp.rc, 0);
	CHECK_INT((long long)t_at(tp.p.model, "services")->n, 5000);
	CHECK(s < 5.0);
	t_unload(&tp);
}

/* The doubling helpers: room for the next element, contents kept, capacity
 * doubled, and a size that would overflow refused with the array intact. */
static void test_growing_arrays(void)
{
	struct arena a;
	size_t cap = 0, hcap = 0;
	int *v = NULL, *h = NULL, *same;

	arena_init(&a, 1 << 20);
	for (int i = 0; i < 100; i++) {
		v = arena_grow(&a, v, (size_t)i, &cap, sizeof(*v));
		h = array_grow(h, (size_t)i, &hcap, sizeof(*h));
		CHECK(v != NULL && h != NULL);
		if (!v || !h)
			break;
		v[i] = h[i] = i * 3;
	}
	CHECK_INT((long long)cap, 128);
	CHECK_INT((long long)hcap, 128);
	CHECK(v && h && v[0] == 0 && v[99] == 297 && h[99] == 297);
	same = array_grow(h, 100, &hcap, sizeof(*h));
	CHECK(same == h);
	hcap = SIZE_MAX / 2 + 1;
	CHECK(array_grow(h, hcap, &hcap, sizeof(*h)) == NULL);
	CHECK(h[50] == 150);
	free(h);
	arena_free(&a);
}

/* An arena reset between documents keeps chunks of the usual size up to
 * ARENA_KEEP, no more: what it holds stays bounded however many documents
 * pass, a large allocation is not kept, the kept chunks serve the next
 * document, and what is allocated from them is zeroed. */
static void test_arena_reset(void)
{
	struct arena a;
	char *big;
	int *z;

	arena_init(&a, 1 << 20);
	for (int doc = 0; doc < 1000; doc++) {
		for (int i = 0; i < 50; i++)
			CHECK(arena_strdup(&a, "a text of a few words") != NULL);
		CHECK(a.used + arena_kept(&a) <= 64 * 1024 + 4096);
		arena_reset(&a);
		CHECK(a.used == 0 && arena_kept(&a) <= ARENA_KEEP);
	}
	CHECK(arena_kept(&a) > 0 && arena_kept(&a) <= 64 * 1024);
	for (int i = 0; i < 12; i++)
		CHECK(arena_alloc(&a, 60 * 1024) != NULL);
	arena_reset(&a);
	CHECK(arena_kept(&a) > 64 * 1024 && arena_kept(&a) <= ARENA_KEEP);
	big = arena_alloc(&a, 512 * 1024);
	CHECK(big != NULL);
	if (big)
		memset(big, 'x', 512 * 1024);
	arena_reset(&a);
	CHECK_INT((long long)a.used, 0);
	CHECK(arena_kept(&a) <= ARENA_KEEP);
	big = arena_alloc(&a, 100);
	if (big)
		memset(big, 'x', 100);
	arena_reset(&a);
	z = arena_alloc(&a, 25 * sizeof(*z));
	CHECK(z && z[0] == 0 && z[24] == 0);
	arena_free(&a);
	CHECK(arena_kept(&a) == 0);
}

const struct t_case t_hostile_cases[] = {
	{"hostile: an arena reset between documents keeps at most ARENA_KEEP of ordinary chunks", test_arena_reset},
	{"hostile: arrays double with their contents, an overflowing size is refused", test_growing_arrays},
	{"hostile: alias bomb stops within the node budget", test_alias_bomb},
	{"hostile: 10,000-deep nesting is refused at depth 256", test_deep_nesting},
	{"hostile: invalid UTF-8 and NUL bytes are located", test_invalid_utf8_and_nul},
	{"hostile: a 100 MB file is refused before parsing", test_huge_file},
	{"hostile: 5,000 services load well within bounds", test_many_services_still_fine},
	{NULL, NULL},
};
