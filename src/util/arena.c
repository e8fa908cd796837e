#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Chunks start small and double up to ARENA_CHUNK_MAX: an arena that holds
 * little (a lint part's summaries, kept until the end of the run for each
 * file of a directory) takes little. */
#define ARENA_CHUNK_FIRST (4 * 1024)
#define ARENA_CHUNK_MAX (64 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t off;
	max_align_t data[];
};

/* Transparent huge pages are 2 MiB on x86-64 and arm64 (4 KiB base pages). */
#define HUGE_PAGE (2u * 1024 * 1024)

void arena_init(struct arena *a, size_t limit)
{
	a->head = NULL;
	a->spare = NULL;
	a->used = 0;
	a->limit = limit;
	a->exhausted = false;
	a->large = false;
	a->range = NULL;
	a->off = 0;
	a->touched = 0;
}

void arena_init_large(struct arena *a, size_t limit)
{
	arena_init(a, limit);
	a->large = limit > 0 && limit <= SIZE_MAX - HUGE_PAGE;
}

/* The range: range_size(a) bytes, MAP_NORESERVE so that only the pages
 * written take memory. Its first BASE_PAGED bytes are base pages, and end
 * where a huge page starts: most documents take a few KiB, and a huge page
 * each would make every worker resident 2 MiB; larger ones go on into huge
 * pages. Refused (a strict overcommit policy, an address-space limit), the
 * arena takes chunks from malloc instead. */
#define BASE_PAGED (256u * 1024)

static size_t range_size(const struct arena *a)
{
	return BASE_PAGED + (a->limit + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
}

static bool reserve_range(struct arena *a)
{
	size_t size = range_size(a);
	char *p = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	uintptr_t huge;
	size_t head;

	if (p == MAP_FAILED) {
		a->large = false;
		return false;
	}
	huge = ((uintptr_t)p + BASE_PAGED + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	head = (size_t)(huge - BASE_PAGED - (uintptr_t)p);
	if (head)
		munmap(p, head);
	munmap((char *)huge - BASE_PAGED + size, HUGE_PAGE - head);
	a->range = (char *)huge - BASE_PAGED;
#ifdef MADV_HUGEPAGE
	/* Advice only: where transparent huge pages are off, base pages. */
	madvise((char *)huge, size - BASE_PAGED, MADV_HUGEPAGE);
#endif
	return true;
}

static void free_chunks(struct arena_chunk *c)
{
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
}

void arena_free(struct arena *a)
{
	if (a->range)
		munmap(a->range, range_size(a));
	a->range = NULL;
	a->off = 0;
	a->touched = 0;
	free_chunks(a->head);
	free_chunks(a->spare);
	a->head = NULL;
	a->spare = NULL;
	a->used = 0;
}

size_t arena_kept(const struct arena *a)
{
	size_t kept = 0;

	for (const struct arena_chunk *c = a->spare; c; c = c->next)
		kept += c->size;
	return kept;
}

/* The pages past the base-paged part and ARENA_LARGE_KEEP more bytes go
 * back to the system: memory stays what the next document needs, not what
 * the largest one did. */
static void reset_range(struct arena *a)
{
	if (a->off > a->touched)
		a->touched = a->off;
	if (a->touched > BASE_PAGED + ARENA_LARGE_KEEP) {
		madvise(a->range + BASE_PAGED + ARENA_LARGE_KEEP, a->touched - BASE_PAGED - ARENA_LARGE_KEEP,
			MADV_DONTNEED);
		a->touched = BASE_PAGED + ARENA_LARGE_KEEP;
	}
	a->off = 0;
	a->used = 0;
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *c = a->head;
	size_t kept;

	if (a->range) {
		reset_range(a);
		return;
	}
	kept = arena_kept(a);
	while (c) {
		struct arena_chunk *next = c->next;

		if (c->size <= ARENA_CHUNK_MAX && kept + c->size <= ARENA_KEEP) {
			kept += c->size;
			c->off = 0;
			c->next = a->spare;
			a->spare = c;
		} else {
			free(c);
		}
		c = next;
	}
	a->head = NULL;
	a->used = 0;
}

/* A kept chunk with room for need bytes, taken off the spare list. */
static struct arena_chunk *spare_chunk(struct arena *a, size_t need)
{
	for (struct arena_chunk **link = &a->spare; *link; link = &(*link)->next) {
		struct arena_chunk *c = *link;

		if (c->size >= need) {
			*link = c->next;
			return c;
		}
	}
	return NULL;
}

static struct arena_chunk *new_chunk(struct arena *a, size_t need)
{
	size_t step = a->head ? a->head->size * 2 : ARENA_CHUNK_FIRST;
	size_t size;
	struct arena_chunk *c;

	if (step > ARENA_CHUNK_MAX)
		step = ARENA_CHUNK_MAX;
	size = need > step ? need : step;

	if (size > SIZE_MAX - sizeof(*c))
		return NULL;
	c = spare_chunk(a, size);
	if (c)
		size = c->size;
	if (a->limit && (a->used + size + sizeof(*c) > a->limit || a->used + size < a->used)) {
		if (c) {
			c->next = a->spare;
			a->spare = c;
		}
		return NULL;
	}
	if (!c && !(c = malloc(sizeof(*c) + size)))
		return NULL;
	c->next = a->head;
	c->size = size;
	c->off = 0;
	a->head = c;
	a->used += size + sizeof(*c);
	return c;
}

/* size bytes, not cleared: strings are written over at once. */
static void *arena_take(struct arena *a, size_t size)
{
	const size_t align = sizeof(max_align_t);
	struct arena_chunk *c = a->head;
	size_t rounded;
	void *p;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - align)
		goto refuse;
	rounded = (size + align - 1) / align * align;
	if (a->large && (a->range || reserve_range(a))) {
		if (rounded > a->limit - a->off)
			goto refuse;
		p = a->range + a->off;
		a->off += rounded;
		a->used = a->off;
		return p;
	}
	if (!c || c->size - c->off < rounded) {
		c = new_chunk(a, rounded);
		if (!c)
			goto refuse;
	}
	p = (char *)c->data + c->off;
	c->off += rounded;
	return p;
refuse:
	a->exhausted = true;
	return NULL;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p = arena_take(a, size);

	if (p)
		memset(p, 0, size ? size : 1);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = arena_take(a, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *arena_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / size)
		return NULL;
	nv = arena_alloc(a, ncap * size);
	if (!nv)
		return NULL;
	if (n)
		memcpy(nv, v, n * size);
	*cap = ncap;
	return nv;
}
