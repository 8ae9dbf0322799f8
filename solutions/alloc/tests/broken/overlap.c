/* Broken: every second block is handed out at the previous one's address. */
#include "broken.h"

static unsigned count;
static unsigned char *last;

void *mm_malloc(size_t size)
{
	unsigned char *p = bump(size);
	if (++count % 2 == 0 && last != NULL)
		return last;
	last = p;
	return p;
}

void mm_free(void *ptr)
{
	(void)ptr;
}

void *mm_realloc(void *ptr, size_t size)
{
	void *fresh = bump(size);
	size_t old = size_of(ptr);
	memcpy(fresh, ptr, old < size ? old : size);
	return fresh;
}
