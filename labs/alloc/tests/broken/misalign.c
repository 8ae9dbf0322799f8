/* Broken: payloads aligned to 8 bytes only. */
#include "broken.h"

void *mm_malloc(size_t size)
{
	unsigned char *p = bump(size + 8);
	return p != NULL ? p + 8 : NULL;
}

void mm_free(void *ptr)
{
	(void)ptr;
}

void *mm_realloc(void *ptr, size_t size)
{
	unsigned char *fresh = mm_malloc(size);
	if (fresh != NULL)
		memmove(fresh, ptr,
			size); /* never reached: the driver stops first */
	return fresh;
}
