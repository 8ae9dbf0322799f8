/*
 * zalloc: a function that any allocator author might write, and that gcc
 * compiles into something else. Compile it, do not run it:
 *
 *     gcc -O2 -S -o - zalloc.c                      # calls calloc
 *     gcc -O2 -fno-builtin-malloc -S -o - zalloc.c  # calls malloc, memset
 *
 * If this were the body of calloc in a malloc replacement, the first build
 * would make calloc call itself forever.
 */
#include <stdlib.h>
#include <string.h>

// ANCHOR: zalloc
void *zalloc(size_t size)
{
	void *p = malloc(size);
	if (p != NULL)
		memset(p, 0, size);
	return p;
}
// ANCHOR_END: zalloc
