/* Broken: realloc moves the block but forgets to copy its contents. */
#include "broken.h"

void *mm_malloc(size_t size)
{
	return bump(size);
}

void mm_free(void *ptr)
{
	(void)ptr;
}

void *mm_realloc(void *ptr, size_t size)
{
	(void)ptr;
	return bump(size);
}
