/* Bump allocator with a hard budget.
 *
 * Everything a loaded project owns (YAML nodes, strings) lives in one arena and
 * is freed at once. The budget is what keeps memory bounded on hostile input:
 * an alias bomb or a huge file ends in a clean "budget exceeded" error instead
 * of exhausting the machine. */
#ifndef KG_ARENA_H
#define KG_ARENA_H

#include <stddef.h>
#include <stdbool.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	struct arena_chunk *spare; /* kept by arena_reset, taken before malloc */
	size_t used;     /* bytes handed out plus chunk overhead */
	size_t limit;    /* 0 means no limit */
	bool exhausted;  /* set once an allocation was refused */
	/* arena_init_large: one range of address space, limit bytes, taken at
	 * the first allocation; off is its next free byte, touched how far
	 * its pages have been written since they were last released. */
	bool large;
	char *range;
	size_t off, touched;
};

void arena_init(struct arena *a, size_t limit);
/* An arena for one document's tree at a time, reset after each (lint):
 * its memory is one range of address space, limit bytes, that past its
 * first 256 KiB the kernel may back with huge pages, one page fault for
 * 2 MiB instead of 512 (a fault costs about what parsing 2 KB of YAML
 * does). arena_reset keeps ARENA_LARGE_KEEP bytes past the first 256 KiB
 * resident and gives the rest back. limit must not be 0. Where the range
 * cannot be reserved, it is an ordinary arena. */
void arena_init_large(struct arena *a, size_t limit);
#define ARENA_LARGE_KEEP (2u * 1024 * 1024)
void arena_free(struct arena *a);
/* Everything allocated is released, but up to ARENA_KEEP bytes of chunks
 * stay for what comes next: a reader that resets the arena after each
 * document does not go back to malloc (and to fresh pages, each a page
 * fault) for the next. */
void arena_reset(struct arena *a);
#define ARENA_KEEP (1024 * 1024)
/* The bytes of chunks arena_reset kept, not in use. */
size_t arena_kept(const struct arena *a);

/* Zeroed memory, or NULL when the budget or the system refuses. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
/* v, an array of n elements of size bytes in a, with room for element n:
 * v itself, or a copy twice as large (16 at first) with *cap updated; NULL
 * when a refuses, v left as it was. */
void *arena_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
