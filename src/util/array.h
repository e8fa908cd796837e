/* Arrays on the heap that double as they fill. */
#ifndef KG_UTIL_ARRAY_H
#define KG_UTIL_ARRAY_H

#include <stddef.h>

/* v, an array of n elements of size bytes, with room for element n: v
 * itself, or v reallocated to twice its capacity (16 at first) with *cap
 * updated. NULL when memory runs out or the size would overflow; v is then
 * still valid and still the caller's. */
void *array_grow(void *v, size_t n, size_t *cap, size_t size);

#endif
